"""How a list was read, said to its user: one line per file, and a loud word for zero.

A reader that finds nothing and says nothing is the worst failure a list tool can have:
the user cannot tell a list it does not understand from an empty one. Every build says,
per file, how many entries it saw, how many it read as papers, and why it skipped the
rest; a file with entries but no paper is a warning that names the commonest reasons
with example lines (an error under ``--strict``).
"""

from __future__ import annotations

from kg.model import Diagnostic, ListReport, Skip, SourceRef

__all__ = ["empty_list_problem", "list_problem", "sparse_list_problem", "summary_line"]


#: Skips that are no entries a reader missed: navigation, a page's contents, repeats.
_NOT_MISSED = ("navigation section", "table of contents", "duplicate of")
#: A list is "mostly unread" from this many missed entries, at four per paper read.
_SPARSE_FROM = 20


def _reasons(
    report: ListReport, *, most: int, examples: int, skipped: list[Skip] | None = None
) -> str:
    skips = report.skipped if skipped is None else skipped
    counts: dict[str, int] = {}
    for skip in skips:
        counts[skip.reason] = counts.get(skip.reason, 0) + 1
    parts = []
    for reason, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:most]:
        lines = [str(s.source.line) for s in skips if s.reason == reason][:examples]
        where = f" (lines {', '.join(lines)})" if examples and lines else ""
        parts.append(f"{reason}: {count}{where}")
    return "; ".join(parts)


def summary_line(report: ListReport) -> str:
    """``file: N entries, P papers, S skipped (reason: n; ...)``.

    >>> from kg.model import Skip
    >>> r = ListReport(file="a.md", candidates=3, papers=2, skipped=(
    ...     Skip(source=SourceRef(file="a.md", line=4), reason="no title found"),))
    >>> summary_line(r)
    'a.md: 3 entries, 2 papers, 1 skipped (no title found: 1)'
    """
    line = f"{report.file}: {report.candidates} entries, {report.papers} papers, {len(report.skipped)} skipped"
    if report.skipped:
        line += f" ({_reasons(report, most=4, examples=0)})"
    return line


def empty_list_problem(report: ListReport) -> Diagnostic | None:
    """A warning for a file that has entries but gave no paper, or ``None``."""
    if report.papers or not report.candidates:
        return None
    first = report.skipped[0].source.line if report.skipped else 1
    message = (
        f"no paper read from {report.candidates} entries; most common reasons: "
        f"{_reasons(report, most=3, examples=3)}. Run `kg lint -i {report.file}` to see "
        "every entry, and report the format if the list is a paper list."
    )
    return Diagnostic(source=SourceRef(file=report.file, line=first), message=message)


def sparse_list_problem(report: ListReport) -> Diagnostic | None:
    """A warning for a file whose entries were mostly not read as papers, or ``None``.

    A few false papers (an intro paragraph, a dataset line) must not hide that the
    reader missed the list's own style: 5 papers of 350 entries is as loud as none.
    Navigation, contents and repeated entries do not count as missed.
    """
    missed = [s for s in report.skipped if not s.reason.startswith(_NOT_MISSED)]
    if not report.papers or len(missed) < _SPARSE_FROM or report.papers * 4 > len(missed):
        return None
    message = (
        f"only {report.papers} papers read from {report.candidates} entries, "
        f"{len(missed)} not read; most common reasons: "
        f"{_reasons(report, most=3, examples=3, skipped=missed)}. Run `kg lint -i "
        f"{report.file}` to see every entry, and report the format if the list is a paper list."
    )
    return Diagnostic(
        source=SourceRef(file=report.file, line=missed[0].source.line), message=message
    )


def list_problem(report: ListReport) -> Diagnostic | None:
    """What the user must hear about how a file was read: no paper, or mostly unread."""
    return empty_list_problem(report) or sparse_list_problem(report)
