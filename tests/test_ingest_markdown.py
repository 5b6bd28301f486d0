"""The Markdown parser on our first list, on tricky entries, and on arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import IngestError, ParseError
from kg.ingest.markdown import parse_markdown, read_markdown
from kg.model import LinkKind

from .conftest import CORPUS, DEFAULT_LIST, ROOT


@pytest.fixture(scope="module")
def doc():
    return read_markdown(DEFAULT_LIST)


def test_every_paper_of_the_list_is_read(doc):
    assert len(doc.papers) == 20
    assert doc.list.title == "Awesome-Paper-List-for-Synthetic-Data-Generation"


def by_title(doc, prefix):
    [paper] = [p for p in doc.papers if p.title.startswith(prefix)]
    return paper


def test_badge_with_month_and_venue(doc):
    paper = by_title(doc, "Best Practices and Lessons Learned")
    assert (paper.year, paper.month, paper.venue, paper.presentation) == (2024, 7, "COLM", None)
    assert paper.categories == ("Interested Survey && Analysis",)


@pytest.mark.parametrize(
    ("prefix", "year", "venue", "presentation"),
    [
        ("WizardLM:", 2024, "ICLR", "poster"),
        ("WizardMath:", 2025, "ICLR", "oral"),
        ("ToolLLM:", 2024, "ICLR", "spotlight"),
        ("TinyGSM:", 2023, "MATH-AI", "poster"),
        ("Surveying the Effects", 2024, "arXiv", None),
        ("Tool Learning with Foundation Models", 2023, "ACM Computing Surveys", None),
        ("From Quantity to Quality", 2024, "NAACL", None),
    ],
)
def test_year_venue_presentation(doc, prefix, year, venue, presentation):
    paper = by_title(doc, prefix)
    assert (paper.year, paper.venue, paper.presentation) == (year, venue, presentation)


def test_titles_are_exact_with_markdown_stripped(doc):
    titles = {p.title for p in doc.papers}
    assert (
        "#InsTag: Instruction Tagging for Analyzing Supervised Fine-tuning of Large Language Models"
        in titles
    )
    assert "TinyGSM: achieving > 80% on GSM8k with small language models" in titles


def test_authors_in_order_as_written(doc):
    paper = by_title(doc, "WizardMath:")
    assert paper.authors[:5] == (
        "Haipeng Luo",
        "Qingfeng Sun",
        "Can Xu",
        "Pu Zhao",
        "Jianguang Lou",
    )
    assert len(paper.authors) == 11
    assert "dahai li" in by_title(doc, "ToolLLM:").authors
    assert by_title(doc, "Tool Learning with Foundation Models").authors[-1] == "Maosong Sun"


def test_hybrid_labels_map_onto_the_categories_they_name(doc):
    math = by_title(doc, "OpenMathInstruct-1")
    assert math.hybrid_label == "Distill+Enviroment"
    assert math.categories == ("Hybrid", "Distillation", "Environment")
    retrieve = by_title(doc, "Better Synthetic Data")
    assert retrieve.categories == ("Hybrid", "External-Based", "Augmentation")


def test_links_are_typed_and_arxiv_ids_found(doc):
    wizardlm = by_title(doc, "WizardLM:")
    assert [(link.kind, link.url) for link in wizardlm.links][:2] == [
        (LinkKind.PDF, "https://arxiv.org/pdf/2304.12244"),
        (LinkKind.CODE, "https://github.com/nlpxucan/WizardLM"),
    ]
    assert wizardlm.links[2].kind is LinkKind.HOMEPAGE
    assert wizardlm.arxiv_id == "2304.12244" and wizardlm.key == "2304.12244"
    openmath = by_title(doc, "OpenMathInstruct-1")
    assert LinkKind.DATASET in {link.kind for link in openmath.links}
    tiny = by_title(doc, "TinyGSM:")
    assert LinkKind.PAPER_PAGE in {link.kind for link in tiny.links}
    # a version suffix is dropped from the id
    assert by_title(doc, "Surveying the Effects").arxiv_id == "2412.02980"
    # no link reveals an arXiv id: the key is a title slug
    assert by_title(doc, "AlpaGasus").key == "alpagasus-training-a-better-alpaca-with-fewer-data"


def test_the_lists_own_mistakes_are_kept_and_reported(doc):
    messages = [str(d) for d in doc.diagnostics]
    source = str(DEFAULT_LIST)
    assert f"{source}:50: warning: empty link 'github'; skipped" in messages
    assert any(
        m.startswith(f"{source}:66: warning: year 2023 disagrees with link filed under 2024")
        for m in messages
    )
    assert (
        f"{source}:78: warning: venue 'ACM Computing Survey' read as 'ACM Computing Surveys'"
        in messages
    )
    assert (
        f"{source}:86: warning: hybrid label part 'Enviroment' read as category 'Environment' (typo?)"
        in messages
    )
    instag = by_title(doc, "#InsTag")
    assert instag.year == 2023  # kept as written
    assert by_title(doc, "Automatic Instruction Evolving").links[-1].kind is LinkKind.HOMEPAGE
    assert (
        len(by_title(doc, "Automatic Instruction Evolving").links) == 2
    )  # the empty one is not a link


def test_categories_come_from_headings(doc):
    assert [c.label for c in doc.categories] == [
        "Interested Survey && Analysis",
        "Augmentation",
        "Iterative-Evolution",
        "Distillation",
        "External-Based",
        "Environment",
        "Hybrid",
        "Filtering",
    ]


TRICKY = """# Tricky
## Methods
### Sub
[**2022 Sep NeurIPS oral**] [**A `code` title (with parens)**](https://en.wikipedia.org/wiki/Transformer_(machine_learning)), *A. One, B. Two and C. Three et al.* | [[github]](javascript:alert(1)) [[HOME PAGE]](https://ex.org/a b) [[pdf]](<https://ex.org/x y.pdf>)
[**2021 ICML**] [**Second on the same paragraph**](https://arxiv.org/abs/2101.00001v3), *Solo Author*

Not an entry: [a link](https://ex.org) in prose.
"""


def test_tricky_entries():
    doc = parse_markdown(TRICKY, source="t.md")
    first, second = doc.papers
    assert first.title == "A code title (with parens)"
    assert (first.year, first.month, first.venue, first.presentation) == (
        2022,
        9,
        "NeurIPS",
        "oral",
    )
    assert first.links[0].url == "https://en.wikipedia.org/wiki/Transformer_(machine_learning)"
    assert first.authors == ("A. One", "B. Two", "C. Three")
    assert [link.url for link in first.links] == [
        "https://en.wikipedia.org/wiki/Transformer_(machine_learning)",
        "https://ex.org/x%20y.pdf",
    ]
    assert first.categories == ("Sub",)
    [sub] = [c for c in doc.categories if c.label == "Sub"]
    assert sub.broader == "methods"
    assert second.key == "2101.00001" and second.source.line == 5
    messages = [d.message for d in doc.diagnostics]
    broken = [m for m in messages if "looks like a link but is not one" in m]
    assert len(broken) == 2 and "javascript:alert(1)" in broken[0] and "a b" in broken[1]


def test_unreadable_inputs_raise_clear_errors(tmp_path: Path):
    with pytest.raises(IngestError, match="cannot read"):
        read_markdown(tmp_path / "missing.md")
    bad = tmp_path / "latin1.md"
    bad.write_bytes("# Caf\xe9\n".encode("latin-1"))
    with pytest.raises(ParseError, match=r"latin1\.md:1:6: not UTF-8 text"):
        read_markdown(bad)


def test_badge_without_a_year_is_not_an_entry():
    doc = parse_markdown("## C\n[**Someday ICLR**] [**T**](https://ex.org), *A*\n", source="x.md")
    assert doc.papers == ()


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400)
    | st.from_regex(
        r"(## [A-Z][a-z]+\n)?\[\*\*20\d\d [A-Za-z ]{0,12}\*\*\] \[\*\*[^\]\n]{0,30}\*\*\]\([^)\n]{0,30}\), \*[^*\n]{0,40}\*",
        fullmatch=True,
    )
)
def test_any_text_yields_records_or_a_parse_error(text):
    try:
        doc = parse_markdown(text, source="fuzz.md")
    except ParseError:
        return
    for paper in doc.papers:
        assert paper.title
        assert paper.year is None or 1000 <= paper.year <= 2100
    # never silent: every candidate is read as a paper or skipped with a reason
    assert doc.report.candidates == doc.report.papers + len(doc.report.skipped)
    assert all(skip.reason for skip in doc.report.skipped)


def test_trailing_venue_style_of_other_lists():
    text = (
        "# Other\n## 2. Methods\n"
        "- [**STaR: Bootstrapping Reasoning With Reasoning**](https://arxiv.org/abs/2203.14465) *Eric Zelikman, Yuhuai Wu, Noah D. Goodman.* NeurIPS 2022.\n"
        "- [**A blog post**](https://ex.org/blog) *Someone.* 2024\n"
    )
    doc = parse_markdown(text, source="other.md")
    [star] = doc.papers
    assert (star.title, star.year, star.venue, star.key) == (
        "STaR: Bootstrapping Reasoning With Reasoning",
        2022,
        "NeurIPS",
        "2203.14465",
    )
    assert star.authors == ("Eric Zelikman", "Yuhuai Wu", "Noah D. Goodman")
    assert star.categories == ("2. Methods",)
    [blog] = doc.report.skipped
    assert (blog.source.line, blog.reason) == (4, "blog post or video")
    assert doc.diagnostics == ()


def test_corpus_list_in_the_trailing_style_is_read():
    # wasiahmad/Awesome-LLM-Synthetic-Data (MIT), read in place; see shared/corpus/SOURCES.md.
    doc = read_markdown(CORPUS / "awesome-llm-synthetic-data.md")
    report = doc.report
    assert report.candidates == report.papers + len(report.skipped)
    reasons = dict(report.reasons())
    # the 4 blog posts and the code-only tools are skipped for what they are, not as papers
    assert reasons["blog post or video"] == 4
    assert reasons["repository or tool (code link only)"] >= 2
    assert report.papers == 73  # 81 entries less 4 blogs, 3 tools and a dataset page


def test_an_empty_heading_is_not_a_category_and_does_not_crash():
    doc = parse_markdown(
        "# T\n## Real\n## \n[**2024 ICLR**] [**Xylo**](https://ex.org), *A*\n", source="e.md"
    )
    [paper] = doc.papers
    assert paper.categories == ("Real",)
    assert [c.label for c in doc.categories] == ["Real"]


# --- parallel parsing: the same tokens and the same document with any number of jobs ---

_MARKDOWN_SAMPLES = st.lists(
    st.sampled_from(
        [
            "# Title\n",
            "## Distillation\n",
            "### Sub *topic*\n",
            "[**2023 ACL**] [**Self-Instruct**](https://arxiv.org/abs/2212.10560), *Yizhong Wang, Noah A. Smith*\n",
            "[**2024 ICLR poster**] **Distill+Environment**：[**T**](https://x.org/a.pdf), *A B*\n",
            "[**Title**](https://example.org/p) *A. One, B. Two.* NeurIPS 2023.\n",
            "[ref]: https://example.org/defined-later\n",
            "see [ref] and [**x**][ref] and `code` and <b>html</b> &amp; \\*esc\\*\n",
            "- item [**2022 EMNLP**] [**Listed**](https://example.org/l), *C D*\n",
            "> quote **bold** _em_\n",
            "\n",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(_MARKDOWN_SAMPLES, st.integers(min_value=1, max_value=5))
def test_block_then_inline_in_runs_gives_markdown_its_own_tokens(text, parts):
    from markdown_it import MarkdownIt

    from kg.ingest.markdown import _block_tokens, _parse_inlines, _split

    md, tokens, env = _block_tokens(text)
    inlines = [t for t in tokens if t.type == "inline"]
    for run in _split(inlines, parts):
        _parse_inlines(md, env, run)
    expected = MarkdownIt("commonmark").parse(text)
    assert [t.as_dict() for t in tokens] == [t.as_dict() for t in expected]


@pytest.mark.parametrize(
    "path",
    [
        DEFAULT_LIST,
        ROOT / "tests/fixtures/hostile-list.md",
        CORPUS / "awesome-llm-synthetic-data.md",
        CORPUS / "dev" / "llm-agent-survey.md",
        CORPUS / "dev" / "camouflaged-object-detection.md",
    ],
)
def test_a_list_parsed_by_two_processes_is_the_list_parsed_by_one(path, monkeypatch):
    import kg.ingest.markdown as markdown

    monkeypatch.setattr(markdown, "PARALLEL_FROM_CHARS", 0)
    serial = read_markdown(path, jobs=1)
    parallel = read_markdown(path, jobs=2)
    assert parallel == serial
    assert parallel.diagnostics == serial.diagnostics and len(serial.papers) > 0


def test_a_generated_list_with_duplicates_across_runs_parses_the_same(tmp_path: Path, monkeypatch):
    import kg.ingest.markdown as markdown

    text = DEFAULT_LIST.read_text(encoding="utf-8")
    doubled = text + "\n## Again\n" + text  # every paper again, far apart: merged across runs
    monkeypatch.setattr(markdown, "PARALLEL_FROM_CHARS", 0)
    serial = parse_markdown(doubled, source="doubled.md", jobs=1)
    for jobs in (2, 3):
        assert parse_markdown(doubled, source="doubled.md", jobs=jobs) == serial
    assert any(s.reason.startswith("duplicate of line ") for s in serial.report.skipped)


def test_a_parse_error_in_another_process_names_its_file_and_line(monkeypatch):
    import kg.ingest.entries as entries
    import kg.ingest.markdown as markdown

    real_paper = entries._paper

    def strict_paper(reading, *args):  # an entry the model rejects, wherever it is parsed
        if reading.title == "Bad":
            raise ParseError("entry 'Bad': rejected", source="x.md", line=reading.line)
        return real_paper(reading, *args)

    monkeypatch.setattr(entries, "_paper", strict_paper)
    monkeypatch.setattr(markdown, "PARALLEL_FROM_CHARS", 0)
    good = "[**2023 ACL**] [**Fine**](https://example.org/f), *A B*\n\n" * 50
    bad = "[**2023 ACL**] [**Bad**](https://example.org/b), *A B*\n"
    text = "# L\n## C\n" + good + bad
    with pytest.raises(ParseError) as serial:
        parse_markdown(text, source="x.md", jobs=1)
    with pytest.raises(ParseError) as parallel:
        parse_markdown(text, source="x.md", jobs=2)
    assert str(parallel.value) == str(serial.value) == "x.md:103: entry 'Bad': rejected"


def test_a_list_nested_ten_levels_deep_reads_every_entry():
    # markdown-it stops at its nesting limit and drops the rest of the file; ours is higher
    lines = ["# Deep"]
    for depth in range(20):
        lines.append(
            "  " * depth
            + f"- [Paper number {depth} on nested lists](https://arxiv.org/abs/2301.{depth:05d}) *Ann Lee, Bo Chen*"
        )
    doc = parse_markdown("\n".join(lines) + "\n", source="deep.md")
    assert doc.report.papers == 20
    assert doc.diagnostics == ()


def test_reading_stopped_by_nesting_is_said_with_its_line():
    lines = ["# Deeper"] + [
        "> " * 200 + "- [A paper title here](https://arxiv.org/abs/2301.00001) *Ann Lee*"
    ]
    lines += ["- [Another paper title](https://arxiv.org/abs/2301.00002) *Bo Chen*"] * 3
    doc = parse_markdown("\n".join(lines) + "\n", source="deeper.md")
    warned = [d for d in doc.diagnostics if "reading stopped here" in d.message]
    assert warned and warned[0].source.line == 2


def test_malformed_year_badges_and_bad_title_links_are_never_dropped_silently():
    text = (
        "# L\n## C\n"
        "[**2024-13 ICLR**] [**Months Beyond Twelve in a Badge**](https://arxiv.org/abs/2401.00001), *Ann Lee*\n\n"
        "[**0000 ICLR**] [**A Zero Year in the Badge**](https://arxiv.org/abs/2401.00002), *Ann Lee*\n\n"
        "- [A Title Whose Link Is Unsafe](javascript:alert(1)) *Bo Chen, Cy Dee* ICML 2023.\n"
    )
    doc = parse_markdown(text, source="bad.md")
    report = doc.report
    assert report.candidates == report.papers + len(report.skipped)
    titles = {p.title for p in doc.papers}
    assert "Months Beyond Twelve in a Badge" in titles
    assert "A Zero Year in the Badge" in titles
    [unsafe] = [p for p in doc.papers if p.title == "A Title Whose Link Is Unsafe"]
    assert unsafe.links == () and unsafe.venue == "ICML" and unsafe.year == 2023
    assert any("javascript" in d.message or "not one" in d.message for d in doc.diagnostics)


def test_an_entry_with_thousands_of_authors_keeps_every_one():
    names = [
        f"Author{chr(65 + i % 26)} Person{chr(65 + (i // 26) % 26)}{chr(97 + i // 676)}"
        for i in range(3000)
    ]
    text = f"# L\n- [A Physics Paper](https://arxiv.org/abs/2401.00001) *{', '.join(names)}* Nature 2024.\n"
    [paper] = parse_markdown(text, source="big.md").papers
    assert paper.authors == tuple(names)


def test_a_name_with_a_bidi_control_is_kept_as_written():
    text = "# L\n- [A Title of a Paper](https://arxiv.org/abs/2401.00001) *Can\u202e Xu, Bo Chen* ICML 2023.\n"
    [paper] = parse_markdown(text, source="bidi.md").papers
    assert paper.authors == ("Can\u202e Xu", "Bo Chen")


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_inline_batches_do_not_change_what_is_read(monkeypatch, batch):
    """Reading looks one candidate ahead (links paragraph, split item): a candidate at
    the end of a batch of parsed inlines must not be parsed twice (its links doubled)."""
    import kg.ingest.markdown as markdown

    text = (
        "# L\n\n"
        "[**2025 ACL**] [**On Adaptive Agents**](https://arxiv.org/pdf/2503.01392), *Danya Nadara* | [[github]](https://github.com/a/b)\n\n"
        "[**2025 ICML**] [**Diverse Search**](https://arxiv.org/pdf/2503.01343), *Vi Yaberfa* | [[github]](https://github.com/c/d)\n\n"
        "**Deep Graph Infomax**. ICLR19.\n\n"
        '<a href="http://arxiv.org/abs/1809.10341"><img alt="Arxiv" src="https://img.shields.io/badge/-1809.10341-b31b1b"/></a>\n\n'
        "* **Self-Instruct: Aligning LMs**\n* Yizhong Wang, Noah Smith [paper](https://arxiv.org/abs/2212.10560)\n"
        "* **Orca: Progressive Learning**\n* Subhabrata Mukherjee, Arindam Mitra [paper](https://arxiv.org/abs/2306.02707)\n"
    )
    whole = parse_markdown(text, source="l.md", jobs=1)
    monkeypatch.setattr(markdown, "_CANDIDATES_PER_BATCH", batch)
    assert parse_markdown(text, source="l.md", jobs=1) == whole
    assert [len(p.links) for p in whole.papers] == [2, 2, 1, 1, 1]


@pytest.mark.parametrize(
    "gap",
    [" " * 20000, " ," * 10000, "\t " * 10000],
    ids=["spaces", "commas", "tabs"],
)
def test_a_long_run_of_white_space_in_an_entry_is_read(gap):
    """Patterns that open with white space start after a non-space: tried at every place
    of a long run they took quadratic time (about a minute for 50,000 spaces)."""
    text = f"# L\n- **Bold Title Here** [paper](https://arxiv.org/abs/2401.00001) Ann Lee, Bo Chen{gap}ICML{gap}/ 2020\n"
    [paper] = parse_markdown(text, source="gap.md").papers
    assert (paper.title, paper.arxiv_id) == ("Bold Title Here", "2401.00001")
