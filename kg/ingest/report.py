"""How a list was read, said to its user: one line per file, and a loud word for zero.

A reader that finds nothing and says nothing is the worst failure a list tool can have:
the user cannot tell a list it does not understand from an empty one. Every build says,
per file, how many entries it saw, how many it read as papers, and why it skipped the
rest; a file with entries but no paper is a warning that names the commonest reasons
with example lines (an error under ``--strict``).
"""

from __future__ import annotations

from kg.model import Diagnostic, ListReport, SourceRef

__all__ = ["empty_list_problem", "summary_line"]


def _reasons(report: ListReport, *, most: int, examples: int) -> str:
    parts = []
    for reason, count in report.reasons()[:most]:
        lines = [str(s.source.line) for s in report.skipped if s.reason == reason][:examples]
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
