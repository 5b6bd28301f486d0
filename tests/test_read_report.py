"""The word a user gets when a list was not understood: none read, or most entries missed."""

from __future__ import annotations

from kg.ingest.markdown import parse_markdown
from kg.ingest.report import list_problem

PAPER = "- [Paper {n}: A Study of Things](https://arxiv.org/abs/2301.{n:05d}) - Ann Lee, Bo Chen. ACL 2023."
PROSE = "- a note about topic number {n} that names no paper at all"


def _report(papers: int, prose: int, *, nav: int = 0):
    lines = ["# L", ""]
    if nav:
        lines += ["## Contents", "", *[f"- [Part {n}](#part-{n})" for n in range(nav)], ""]
    lines += ["## Papers", "", *[PAPER.format(n=n) for n in range(papers)]]
    lines += [PROSE.format(n=n) for n in range(prose)]
    return parse_markdown("\n".join(lines) + "\n", source="list.md").report


def test_a_list_with_entries_and_no_paper_is_named_with_its_reasons():
    problem = list_problem(_report(0, 3))
    assert problem is not None
    assert problem.source.file == "list.md"
    assert problem.message.startswith("no paper read from 3 entries; most common reasons: ")
    assert (
        "no paper evidence (no paper link, authors or venue): 3 (lines 5, 6, 7)" in problem.message
    )


def test_a_few_papers_do_not_hide_a_list_that_was_mostly_missed():
    problem = list_problem(_report(2, 25))
    assert problem is not None
    assert problem.message.startswith("only 2 papers read from 27 entries, 25 not read; ")
    assert problem.source.line == 7  # the first entry not read
    assert "kg lint -i list.md" in problem.message


def test_a_list_read_mostly_as_papers_gets_no_warning():
    assert list_problem(_report(10, 25)) is None
    assert list_problem(_report(2, 19)) is None  # too few missed entries to speak of


def test_navigation_is_not_counted_as_missed_entries():
    assert list_problem(_report(2, 0, nav=30)) is None
