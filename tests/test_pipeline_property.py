"""Properties across every stage: a generated list goes from Markdown to every export.

The reader's own properties stop at its boundary; these do not. A list is generated
from the shapes real lists use (bullets, numbered items, multi-line items with
sub-items, GFM tables, HTML tables, citation style, badges, headings that collide,
non-Latin text, hostile text), read, resolved with curation, turned into triples, and
rendered into every export and view. It either builds, or fails with LineageKG's own
error naming the file and line — never a traceback. What it reads must be consistent:
every candidate is a paper or a stated skip, and the N-Triples parse.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import KgError
from kg.export.build import render_exports
from kg.pipeline import build_knowledge_base

WORDS = st.sampled_from(
    [
        "Learning", "Graph", "Contrastive", "Self-Instruct", "Evol-Instruct", "Data",
        "Synthetic", "Diffusion", "Agents", "Reasoning", "Survey", "大模型", "指令",
        "Обучение", "Ωmega", "a", "of", "for", "with", "via", "<b>", "&amp;", "`code`",
        "\u202e", "\u200b", ":fire:", "🔥", "*", "_", "[", "]", "(", ")", "|", '"',
    ]
)  # fmt: skip
NAMES = st.sampled_from(
    ["Can Xu", "Jian-Guang Lou", "Jianguang Lou", "Noah A. Smith", "Smith, Noah", "Lowe R",
     "李明", "Иван Петров", "J. K. Gupta", "O'Neil", "van der Berg, Jan", "et al."]
)  # fmt: skip
VENUES = st.sampled_from(
    ["ICLR 2024", "NeurIPS'23", "ACL 2023 Findings", "Findings of EMNLP 2022", "arXiv 2021",
     "Nature Methods, 2019", "2024/02", "2022.3", "TPAMI", "Preprint'25", "2024-13", "0000", ""]
)  # fmt: skip
URLS = st.sampled_from(
    ["https://arxiv.org/abs/2304.12244", "https://arxiv.org/pdf/2308.09583v2.pdf",
     "https://doi.org/10.1038/nbt.3300", "https://github.com/a/b", "https://openreview.net/forum?id=x",
     "javascript:alert(1)", "", "#contents", "https://ex.org/a b", "https://huggingface.co/datasets/x/y"]
)  # fmt: skip


@st.composite
def entries(draw: st.DrawFn) -> str:
    title = " ".join(draw(st.lists(WORDS, min_size=1, max_size=8)))
    authors = ", ".join(draw(st.lists(NAMES, max_size=5)))
    venue, url, code = draw(VENUES), draw(URLS), draw(URLS)
    style = draw(st.integers(min_value=0, max_value=9))
    shapes = [
        f"- [{title}]({url}) *{authors}* {venue}.",
        f"1. **{title}** [[paper]]({url}) [[code]]({code}) ({venue})",
        f"- [{venue}] **[{title}]({url})** ![b](https://img.shields.io/badge/{venue.replace(' ', '_')}-blue)",
        f"* **{title}** <br>\n*{authors}* <br>\n{venue}. [[Paper]]({url})",
        f"- {title}.\n  [[pdf]]({url})\n  - {authors}. *{venue}*",
        f"| [{title}]({url}) | {venue} | {code} |",
        f'  - {authors}, "{title}", {venue}',
        f'<table><tr><td>{title}</td><td><a href="{url}">Paper</a></td></tr></table>',
        f"[**{venue}**] [**{title}**]({url}), *{authors}* | [[github]]({code})",
        f"- **{venue}** | {title} | *{authors}* | [Journal]({url})",
    ]
    return shapes[style]


@st.composite
def lists(draw: st.DrawFn) -> str:
    parts = ["# A generated list"]
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        kind = draw(st.integers(min_value=0, max_value=5))
        if kind == 0:
            level = draw(st.integers(min_value=2, max_value=4))
            parts.append("#" * level + " " + draw(st.sampled_from(
                ["Data Augmentation", "Data-Augmentation", "2023", "Contents", "数据", ""]
            )))  # fmt: skip
        elif kind == 1:
            parts.append("| Title | Venue | Code |\n|---|---|---|")
        parts.append(draw(entries()))
    return "\n\n".join(parts) + "\n"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(text=lists())
def test_a_generated_list_builds_every_export_or_fails_with_our_error(tmp_path: Path, text: str):
    path = tmp_path / "list.md"
    path.write_text(text, encoding="utf-8")
    try:
        kb = build_knowledge_base([path], curation=None, jobs=1)
        files = render_exports(kb, views=True)
    except KgError as err:
        assert "list.md" in str(err) or str(path) in str(err)
        return
    [report] = kb.reports
    assert report.candidates == report.papers + len(report.skipped)
    assert len(kb.papers) <= report.papers  # entries of one paper are one node
    graph = rdflib.Graph()
    graph.parse(data=files["graph.nt"].decode("utf-8"), format="nt")
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert titles == {p.title for p in kb.papers}
    for name, data in files.items():
        if name.endswith(".html"):
            assert data.startswith(b"<!DOCTYPE html>") or data.startswith(b"<!doctype html>"), name
