"""The BibTeX reader: what reference managers export, bad entries as warnings, gold accuracy."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import IngestError, ParseError
from kg.ingest.bibtex import parse_bibtex, read_bibtex
from kg.ingest.registry import format_for, read_input
from kg.pipeline import build_knowledge_base
from tests.bib_gold import CORPUS_BIB, FIELDS, gold_files, load_gold, score


def _one(text: str):
    doc = parse_bibtex(text, source="t.bib")
    assert doc.report.candidates == doc.report.papers + len(doc.report.skipped)
    assert len(doc.papers) == 1, (doc.report, doc.diagnostics)
    return doc.papers[0]


def test_string_macros_concatenation_and_latex_accents() -> None:
    paper = _one(
        '@string{uai = "Conference on {U}ncertainty in AI"}\n'
        "@inproceedings{x,\n"
        "  Author = {H{\\o}jen-S{\\o}rensen, Pedro and Poincar\\'{e}, Henri and Carreira-Perpi{\\~n}{\\'a}n, Miguel {\\'A}.},\n"
        "  Title = {{M}arkov {{Chains}}: {Q}\\&A on $\\alpha$-Mixing},\n"
        '  booktitle = uai # " 2001",\n'
        "  year = 2001, month = jan\n}\n"
    )
    assert paper.authors == (
        "Pedro Højen-Sørensen",
        "Henri Poincaré",
        "Miguel Á. Carreira-Perpiñán",
    )
    assert paper.title == "Markov Chains: Q&A on α-Mixing"
    assert paper.venue == "Conference on Uncertainty in AI 2001"
    assert (paper.year, paper.month) == (2001, 1)


def test_names_last_first_von_jr_and_others() -> None:
    paper = _one(
        "@article{x, title={T}, journal={J}, year={2020},\n"
        " author={de la Fontaine, Jean and Fisher, III, John and {Barnes and Noble} and others}}"
    )
    assert paper.authors == ("Jean de la Fontaine", "John Fisher III", "Barnes and Noble")
    assert paper.authors_truncated


def test_biblatex_date_journaltitle_eprint_and_keywords() -> None:
    text = (
        "@online{b,\n title = {Sampling in {{Software Engineering}}},\n"
        " author = {Baltes, Sebastian},\n date = {2021-10-20},\n eprint = {2002.07764v3},\n"
        " eprinttype = {arxiv},\n url = {http://arxiv.org/abs/2002.07764},\n"
        " keywords = {Computer Science - Software Engineering; sampling}\n}\n"
        "@article{c,\n title = {T2}, date = {2013-07}, journaltitle = {Neurocomputing},\n"
        " doi = {https://doi.org/10.1016/j.neucom.2012.12.039}, keywords = {Sampling}}\n"
    )
    doc = parse_bibtex(text, source="t.bib")
    first, second = doc.papers
    assert (first.key, first.arxiv_id, first.venue, first.year, first.month) == (
        "2002.07764",
        "2002.07764",
        "arXiv",
        2021,
        10,
    )
    assert [link.url for link in first.links] == ["http://arxiv.org/abs/2002.07764"]
    assert first.categories == ("Computer Science - Software Engineering", "sampling")
    assert (second.venue, second.year, second.month) == ("Neurocomputing", 2013, 7)
    assert second.doi == "10.1016/j.neucom.2012.12.039"
    assert second.key == "t2"
    assert second.categories == ("sampling",)  # one category per key, first spelling
    assert {c.key: c.label for c in doc.categories} == {
        "computer-science-software-engineering": "Computer Science - Software Engineering",
        "sampling": "sampling",
    }


def test_dblp_corr_and_scholar_arxiv_preprint_are_arxiv() -> None:
    dblp = _one(
        "@article{d, author={Jerry W. Wei and Da Huang}, title={Simple synthetic data},\n"
        " journal={CoRR}, volume={abs/2308.03958}, year={2023},\n"
        " doi={10.48550/ARXIV.2308.03958}, eprinttype={arXiv}, eprint={2308.03958}}"
    )
    assert (dblp.venue, dblp.venue_as_written, dblp.arxiv_id) == ("arXiv", "CoRR", "2308.03958")
    scholar = _one(
        "@article{r, title={GPQA}, author={Rein, David}, journal={arXiv preprint arXiv:2311.12022}, year={2023}}"
    )
    assert (scholar.venue, scholar.arxiv_id, scholar.key) == ("arXiv", "2311.12022", "2311.12022")


def test_year_from_arxiv_id_when_the_entry_has_none() -> None:
    paper = _one("@misc{m, title={P}, eprint={2511.17220}, archivePrefix={arXiv}}")
    assert (paper.year, paper.month, paper.year_source.value) == (2025, 11, "arxiv-id")


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("@book{b, title={Markov Chains}, year=2009}", "not a paper: book"),
        (
            "@software{s, title={Mne-Python}, url={https://github.com/mne-tools/mne-python}}",
            "not a paper: software",
        ),
        (
            "@online{o, title={Kaggle}, url={https://www.kaggle.com/}}",
            "not a paper: web page without arXiv id, DOI or venue",
        ),
        (
            "@misc{m, title={A blog}, howpublished={\\url{https://x.org}}}",
            "not a paper: misc entry without arXiv id, DOI or venue",
        ),
        ("@weird{w, title={X}}", "not a paper: unknown entry type @weird"),
        ("@article{a, journal={J}}", "no title"),
    ],
)
def test_entries_that_are_not_papers_are_skipped_with_a_reason(entry: str, reason: str) -> None:
    doc = parse_bibtex("\n" + entry + "\n", source="t.bib")
    assert doc.papers == ()
    assert [(s.reason, s.source.line) for s in doc.report.skipped] == [(reason, 2)]
    assert doc.report.candidates == 1


def test_bad_entries_are_warnings_at_file_and_line() -> None:
    text = (
        "@article{ok1, title={First}, journal={J}, year={2020}}\n"  # 1
        "@article{broken, title = {unclosed\n"  # 2
        "@article{ok2, title={Second}, journal={J}, year={20x0}, doi={nope}}\n"  # 3
        "@article{ok1, title={Dup key}, journal={J}, year={2020}}\n"  # 4
        "@inproceedings{ok3, title={Third}, booktitle=nomacro, year=2021,\n"  # 5
        " author={a, b, c, d}, url={javascript:alert(1)}}\n"  # 6
    )
    doc = parse_bibtex(text, source="t.bib")
    assert [p.title for p in doc.papers] == ["First", "Second", "Third"]
    messages = [str(d) for d in doc.diagnostics]
    assert any(m.startswith("t.bib:2: warning: BibTeX entry not read") for m in messages)
    assert "t.bib:3: warning: year '20x0' is not a year; ignored" in messages
    assert "t.bib:3: warning: doi 'nope' is not a DOI; ignored" in messages
    assert any(m.startswith("t.bib:4: warning:") and "ok1" in m for m in messages)
    assert any(
        m.startswith("t.bib:5: warning: booktitle uses undefined @string macro 'nomacro'")
        for m in messages
    )
    assert any(
        m.startswith("t.bib:5: warning: author 'a, b, c, d' kept as written") for m in messages
    )
    assert any(
        m.startswith("t.bib:5: warning: url 'javascript:alert(1)' not kept") for m in messages
    )
    assert doc.report.candidates == doc.report.papers + len(doc.report.skipped) == 5


_PIECES = st.sampled_from(
    list("@{}=,#\"\\ \nabtiel0129-'~$%&")
    + ["@article", "@string", "title", "author", " and ", "others", "year", "doi", "{\\'e}"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_any_text_is_read_or_refused_cleanly(text: str) -> None:
    try:
        doc = parse_bibtex(text, source="h.bib")
    except ParseError as err:
        assert str(err).startswith("h.bib")
        return
    assert doc.report.candidates == doc.report.papers + len(doc.report.skipped)
    assert all(d.source.file == "h.bib" and d.source.line >= 1 for d in doc.diagnostics)


def test_registry_reads_bib_through_the_pipeline(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@inproceedings{w, title={Self-Instruct: Aligning LMs}, author={Wang, Yizhong},"
        " booktitle={ACL}, year=2023}\n",
        encoding="utf-8",
    )
    assert format_for(bib).name == "bibtex"
    assert read_input(bib).papers[0].key == "self-instruct-aligning-lms"
    kb = build_knowledge_base([bib])
    assert [(p.key, p.venue, p.year) for p in kb.papers] == [
        ("self-instruct-aligning-lms", "ACL", 2023)
    ]
    with pytest.raises(
        IngestError, match=r"notes\.txt: unknown input format '\.txt'; known formats: markdown"
    ):
        build_knowledge_base([tmp_path / "notes.txt"])


@pytest.mark.parametrize("gold_path", gold_files(), ids=lambda p: p.stem)
def test_gold_sample_accuracy(gold_path: Path) -> None:
    gold = load_gold(gold_path)
    bib = CORPUS_BIB / gold["file"]
    started = time.perf_counter()
    doc = read_bibtex(bib)
    elapsed = time.perf_counter() - started
    result = score(doc, gold, bib)
    print(
        f"{bib.name}: read in {elapsed * 1000:.0f} ms; "
        + ", ".join(f"{name} {right}/{total}" for name, (right, total) in result.items())
    )
    assert set(result) == set(FIELDS)
    for name, (right, total) in result.items():
        assert total >= 15 or name != "paper"
        assert right / total >= 0.95, f"{name}: {right}/{total}"
    assert doc.report.candidates == doc.report.papers + len(doc.report.skipped)
    assert elapsed < 5
