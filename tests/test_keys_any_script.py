"""Keys for any script: non-Latin titles and names get unique, stable keys (issue 10).

Before, every title or name without ASCII letters slugged to ``untitled``: two Chinese
titles without arXiv ids became one paper (the second one's authors lost), and person
IRIs were ``untitled``, ``untitled-2``, ... by input order. These tests run through the
joins where that hid: the Markdown reader, :func:`build_knowledge_base`, the RDF mapping
and the N-Triples export (parsed back with rdflib as the oracle).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from kg.export.build import render_exports
from kg.ingest.identity import resolve_people
from kg.model import Key
from kg.pipeline import build_knowledge_base
from kg.text import slugify

CREATOR = rdflib.URIRef("http://purl.org/dc/terms/creator")
DCTERMS_TITLE = rdflib.URIRef("http://purl.org/dc/terms/title")
FOAF_NAME = rdflib.URIRef("http://xmlns.com/foaf/0.1/name")

CHINESE_LIST = """# 中文论文列表

## 综述

[**2024 ACL**] [**大语言模型综述**](https://example.org/a.pdf), *张伟, 王芳* | [[HOME PAGE]](https://example.org/a)

[**2023 EMNLP**] [**指令微调研究**](https://example.org/b.pdf), *李娜, 刘洋* | [[HOME PAGE]](https://example.org/b)
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _graph(files: dict[str, bytes]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=files["graph.nt"].decode("utf-8"), format="nt")
    return graph


def test_two_chinese_titles_are_two_papers_with_their_own_authors(tmp_path):
    kb = build_knowledge_base([_write(tmp_path, "zh.md", CHINESE_LIST)])
    assert sorted(p.title for p in kb.papers) == ["大语言模型综述", "指令微调研究"]
    assert len({p.key for p in kb.papers}) == 2
    assert all(p.key.startswith("u-") for p in kb.papers)

    graph = _graph(render_exports(kb, views=False))
    authors_of: dict[str, set[str]] = {}
    for paper, title in graph.subject_objects(DCTERMS_TITLE):
        names = {str(graph.value(person, FOAF_NAME)) for person in graph.objects(paper, CREATOR)}
        authors_of[str(title)] = names
    assert authors_of == {"大语言模型综述": {"张伟", "王芳"}, "指令微调研究": {"李娜", "刘洋"}}


def test_paper_keys_do_not_depend_on_the_other_papers(tmp_path):
    both = build_knowledge_base([_write(tmp_path, "zh.md", CHINESE_LIST)])
    alone_text = CHINESE_LIST.split("\n[**2023")[0] + "\n"
    alone = build_knowledge_base([_write(tmp_path, "one.md", alone_text)])
    key = {p.title: p.key for p in both.papers}
    assert [(p.title, p.key) for p in alone.papers] == [("大语言模型综述", key["大语言模型综述"])]


NAMES = [
    "Алексей Иванов",
    "Алексей Петров",
    "Αλέξανδρος Παπαδόπουλος",
    "Νίκος Γεωργίου",
    "张伟",
    "王芳",
    "김민수",
]


def _person_keys(names: list[str]) -> dict[str, str]:
    persons, authorships, _ = resolve_people([(f"p{i}", 1, n) for i, n in enumerate(names)])
    assert len(persons) == len(set(names))
    return {a.name_as_written: a.person_key for a in authorships}


def test_non_latin_names_get_distinct_stable_person_keys():
    keys = _person_keys(NAMES)
    assert len(set(keys.values())) == len(NAMES)
    assert _person_keys(list(reversed(NAMES))) == keys
    assert _person_keys(NAMES[2:]) == {n: keys[n] for n in NAMES[2:]}  # others do not shift them


def test_non_latin_person_iris_in_the_export_are_distinct(tmp_path):
    text = "# Names\n\n## Cat\n\n" + "\n\n".join(
        f"[**2024 ACL**] [**Paper number {i}**](https://example.org/{i}.pdf), *{name}, Ann Lee* "
        f"| [[HOME PAGE]](https://example.org/{i})"
        for i, name in enumerate(NAMES)
    )
    kb = build_knowledge_base([_write(tmp_path, "names.md", text + "\n")])
    graph = _graph(render_exports(kb, views=False))
    iris = {str(name): str(person) for person, name in graph.subject_objects(FOAF_NAME)}
    assert set(NAMES) <= set(iris)
    assert len({iris[n] for n in NAMES}) == len(NAMES)
    assert not any("untitled" in iri for iri in iris.values())


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "OpenMathInstruct-1: A 1.8 Million Math Instruction Tuning Dataset",
            "openmathinstruct-1-a-1-8-million-math-instruction-tuning-dataset",
        ),
        ("Zoë O'Brien", "zoe-o-brien"),
        ("α-Mamba: Fast Sequence Models", "mamba-fast-sequence-models"),
    ],
)
def test_latin_text_keeps_its_readable_slug(text, slug):
    assert slugify(text) == slug


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_every_slug_is_a_valid_key_and_non_ascii_text_never_collapses(text):
    slug = slugify(text)
    TypeAdapter(Key).validate_python(slug)
    assert slug != "untitled"
    assert slugify(text) == slug
