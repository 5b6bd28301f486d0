"""BibTeX and CSL-JSON out (and CSL-JSON in), checked by real consumers and round trips.

pybtex parses ``papers.bib``, citeproc-py renders every CSL item, Debian's ``pandoc
--citeproc`` renders a bibliography from both; reading ``papers.bib`` back gives the
fields the .bib inputs gave (real files and generated entries).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import ParseError
from kg.export.bibtex import to_bibtex
from kg.export.build import render_exports
from kg.export.csl_json import to_csl_items, to_csl_json
from kg.ingest.bibtex import parse_bibtex
from kg.ingest.csl_json import parse_csl_json
from kg.model import KnowledgeBase, Paper
from kg.pipeline import build_knowledge_base
from tests.bib_gold import CORPUS_BIB

REAL_BIBS = sorted(CORPUS_BIB.glob("*.bib"))
KEPT = (
    "title",
    "authors",
    "authors_truncated",
    "year",
    "month",
    "venue",
    "doi",
    "arxiv_id",
    "categories",
)


def _fields(paper: Paper) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(paper, name) for name in KEPT}
    values["url"] = [link.url for link in paper.links]
    return values


def _retention(before: KnowledgeBase, after_text: str) -> tuple[int, int, list[str]]:
    """Fields of ``before``'s papers that reading ``after_text`` back gives unchanged."""
    after = {p.key: p for p in parse_bibtex(after_text, source="papers.bib").papers}
    kept = total = 0
    lost: list[str] = []
    for paper in before.papers:
        again = after.get(paper.key)
        for name, value in _fields(paper).items():
            if value in (None, (), [], False):
                continue  # a field the input did not give
            total += 1
            if again is not None and _fields(again)[name] == value:
                kept += 1
            else:
                lost.append(
                    f"{paper.key}.{name}: {value!r} -> {_fields(again)[name] if again else None!r}"
                )
    return kept, total, lost


@pytest.mark.parametrize("bib", REAL_BIBS, ids=lambda p: p.stem)
def test_real_bib_round_trip_keeps_every_field(bib: Path) -> None:
    kb = build_knowledge_base([bib])
    kept, total, lost = _retention(kb, to_bibtex(kb))
    print(f"{bib.name}: {len(kb.papers)} papers, {kept}/{total} fields kept")
    assert lost == []
    assert total >= 3 * len(kb.papers)


def test_exports_are_deterministic_and_sorted() -> None:
    kb = build_knowledge_base(REAL_BIBS)
    shuffled = kb.model_copy(update={"papers": tuple(reversed(kb.papers))})
    assert to_bibtex(kb) == to_bibtex(shuffled)
    assert to_csl_json(kb) == to_csl_json(shuffled)
    ids = [item["id"] for item in to_csl_items(kb)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids) == len(kb.papers)


def test_pybtex_parses_every_entry_with_its_fields() -> None:
    from pybtex.database import parse_string

    kb = build_knowledge_base(REAL_BIBS)
    db = parse_string(to_bibtex(kb), "bibtex")
    assert len(db.entries) == len(kb.papers)
    csl = {item["id"]: item for item in to_csl_items(kb)}
    for key, entry in db.entries.items():
        item = csl[key]
        assert len(entry.persons.get("author", [])) == len(item.get("author", []))
        assert ("year" in entry.fields) == ("issued" in item)
        assert entry.fields.get("doi") == item.get("DOI")


def test_citeproc_py_renders_every_csl_item() -> None:
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    kb = build_knowledge_base(REAL_BIBS)
    items = json.loads(to_csl_json(kb))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    rendered = [str(entry) for entry in bibliography.bibliography()]
    assert len(rendered) == len(items)
    titles = {" ".join(item["title"].split()) for item in items}
    assert sum(any(t[:30] in r for t in titles) for r in rendered) == len(items)


@pytest.mark.parametrize("name", ["papers.bib", "papers.csl.json"])
def test_pandoc_citeproc_renders_a_bibliography(name: str, tmp_path: Path) -> None:
    assert shutil.which("pandoc"), "Debian's pandoc is missing: scripts/test.sh installs it"
    kb = build_knowledge_base(REAL_BIBS)
    (tmp_path / "papers.bib").write_text(to_bibtex(kb), encoding="utf-8")
    (tmp_path / "papers.csl.json").write_text(to_csl_json(kb), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text(f'---\nbibliography: {name}\nnocite: "@*"\n---\n', encoding="utf-8")
    done = subprocess.run(
        ["pandoc", "--citeproc", "-t", "html", "doc.md"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.count('class="csl-entry"') == len(kb.papers)


def test_csl_json_reader_reads_zotero_items_with_lines(tmp_path: Path) -> None:
    library = tmp_path / "library.json"
    library.write_text(
        "[\n"
        '  {"id": "a", "type": "article-journal", "title": "Riemannian geometry",\n'
        '   "author": [{"family": "Congedo", "given": "Marco"}, {"literal": "TCGA"}],\n'
        '   "issued": {"date-parts": [["2017", "7"]]}, "container-title": "Brain-Computer Interfaces",\n'
        '   "DOI": "https://doi.org/10.1080/2326263X.2017.1297192", "keyword": "EEG, Riemann"},\n'
        '  {"id": "b", "type": "article", "title": "Simple synthetic data", "number": "arXiv:2308.03958",\n'
        '   "publisher": "arXiv", "URL": "https://arxiv.org/abs/2308.03958"},\n'
        '  {"id": "c", "type": "book", "title": "Markov Chains"},\n'
        '  {"id": "d", "type": "paper-conference", "issued": {"date-parts": [["x"]]}},\n'
        '  {"id": "e", "type": "paper-conference", "title": "Bad date", "issued": {"date-parts": [["x"]]}},\n'
        "  42\n"
        "]\n",
        encoding="utf-8",
    )
    kb = build_knowledge_base([library])
    doc = parse_csl_json(library.read_text(encoding="utf-8"), source="library.json")
    assert doc.report.candidates == 6 == doc.report.papers + len(doc.report.skipped)
    first, second, third = doc.papers
    assert (first.authors, first.year, first.month, first.doi, first.categories) == (
        ("Marco Congedo", "TCGA"),
        2017,
        7,
        "10.1080/2326263X.2017.1297192",
        ("EEG", "Riemann"),
    )
    assert (second.key, second.venue, second.year, second.year_source.value) == (
        "2308.03958",
        "arXiv",
        2023,
        "arxiv-id",
    )
    assert (third.title, third.year, third.source.line) == ("Bad date", None, 10)
    assert [(s.source.line, s.reason) for s in doc.report.skipped] == [
        (8, "not a paper: CSL type 'book'"),
        (9, "no title"),
        (11, "not a CSL-JSON item"),
    ]
    assert any(str(d).startswith("library.json:10: warning: issued") for d in doc.diagnostics)
    assert len(kb.papers) == 3
    with pytest.raises(ParseError, match=r"^x\.json:3:\d+: invalid JSON"):
        parse_csl_json('[\n {"id": 1},\n {"id": }\n]', source="x.json")
    with pytest.raises(ParseError, match=r"^x\.json:1: not a CSL-JSON file"):
        parse_csl_json('{"items": []}', source="x.json")


def test_csl_json_round_trip_through_the_reader() -> None:
    kb = build_knowledge_base(REAL_BIBS)
    back = {p.key: p for p in parse_csl_json(to_csl_json(kb), source="papers.csl.json").papers}
    assert len(back) == len(kb.papers)
    for paper in kb.papers:
        again = _fields(back[paper.key])
        expected = _fields(paper)
        for name in (
            "title",
            "authors",
            "authors_truncated",
            "year",
            "month",
            "venue",
            "doi",
            "arxiv_id",
            "categories",
        ):
            assert again[name] == expected[name], (paper.key, name)


# Generated entries: LaTeX specials, accents, CJK, von/Jr names, arXiv ids, DOIs.
_WORDS = st.sampled_from(
    [
        "Deep",
        "learning",
        "Q&A",
        "50%",
        "$x_1$",
        "Højen",
        "Sørensen",
        "naïve",
        "über",
        "Ça",
        "C++",
        "#1",
        "a_b",
        "{MAP}",
        "--",
        "“quoted”",
        "it's",
        "大语言模型",
        "α-mixing",
        "~",
        "^2",
    ]
)
_NAMES = st.sampled_from(
    [
        "Yizhong Wang",
        "Noah A. Smith",
        "Jean de la Fontaine",
        "John Fisher III",
        "Pedro Højen-Sørensen",
        "Miguel Á. Carreira-Perpiñán",
        "TCGA",
        "Zac Hatfield-Dodds",
        "Noemí Mercado",
        "Yusuf Çelebi",
    ]
)


@st.composite
def _papers(draw: st.DrawFn) -> tuple[Paper, ...]:
    from kg.model import Link, LinkKind, SourceRef
    from kg.text import clean_text, slugify

    out: dict[str, Paper] = {}
    for index in range(draw(st.integers(1, 4))):
        title = clean_text(" ".join(draw(st.lists(_WORDS, min_size=1, max_size=6))))
        arxiv = draw(st.none() | st.from_regex(r"2[0-4](0[1-9]|1[0-2])\.[0-9]{5}", fullmatch=True))
        venue = draw(
            st.none()
            | st.sampled_from(
                [
                    "ACL",
                    "Journal of Neural Engineering",
                    "Proceedings of the 2016 CHI Conference",
                    "NeurIPS",
                ]
            )
        )
        if arxiv and venue is None:
            venue = "arXiv"
        year = draw(st.none() | st.integers(1950, 2030))
        month = draw(st.none() | st.integers(1, 12)) if year else None
        if arxiv and year is None:  # every reader dates an undated preprint by its id
            year, month = 2000 + int(arxiv[:2]), int(arxiv[2:4])
        paper = Paper(
            key=arxiv or slugify(title),
            title=title,
            year=year,
            month=month,
            venue=venue,
            authors=tuple(dict.fromkeys(draw(st.lists(_NAMES, max_size=4)))),
            authors_truncated=draw(st.booleans()),
            arxiv_id=arxiv,
            doi=draw(st.none() | st.from_regex(r"10\.[0-9]{4,6}/[a-z0-9.]{1,10}", fullmatch=True)),
            links=(Link(kind=LinkKind.PAPER_PAGE, url=f"https://example.org/p{index}"),),
            categories=tuple(
                dict.fromkeys(
                    draw(
                        st.lists(st.sampled_from(["EEG", "Data synthesis", "sampling"]), max_size=2)
                    )
                )
            ),
            list_key="gen",
            source=SourceRef(file="gen.bib", line=1),
        )
        out.setdefault(paper.key, paper)
    return tuple(out.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_papers())
def test_generated_papers_survive_bib_out_and_in(papers: tuple[Paper, ...]) -> None:
    kb = KnowledgeBase(papers=papers)
    text = to_bibtex(kb)
    back = {p.key: p for p in parse_bibtex(text, source="papers.bib").papers}
    for paper in papers:
        assert _fields(back[paper.key]) == _fields(paper), text
    from pybtex.database import parse_string

    assert len(parse_string(text, "bibtex").entries) == len(papers)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_papers())
def test_what_the_bib_reader_accepts_reaches_every_export(papers: tuple[Paper, ...]) -> None:
    import tempfile

    text = to_bibtex(KnowledgeBase(papers=papers)) + "\n@article{broken, title = {unclosed\n"
    with tempfile.TemporaryDirectory() as folder:
        bib = Path(folder) / "gen.bib"
        bib.write_text(text, encoding="utf-8")
        kb = build_knowledge_base([bib, Path("data/awesome-paper-list-synthetic-data.md")])
    files = render_exports(kb, views=True)
    assert files["papers.bib"].count(b"\n@") + 1 == len(kb.papers)
    assert len(json.loads(files["papers.csl.json"])) == len(kb.papers)
    assert all(files.values())
