"""``kg lint``: what the reader made of every entry of a list, and the list's own problems.

Any input format the registry reads (Markdown lists, BibTeX, CSL-JSON) can be linted.

This is how a user checks a list before building from it, fixes it, or reports a format
the reader misses: every entry line with what was read (title, authors, venue, year,
links, arXiv id) or why it was skipped, the warnings about the list itself (duplicates,
a year that disagrees with its link, broken links, a typo in a label), and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.ingest.markdown import ListDocument
from kg.ingest.registry import read_input
from kg.ingest.report import list_problem, summary_line
from kg.model import Diagnostic, Paper, Skip

__all__ = ["Lint", "lint_file", "to_json", "to_text"]


@dataclass(frozen=True)
class Lint:
    """A list's reading, entry by entry, in line order."""

    document: ListDocument
    entries: tuple[Paper | Skip, ...]
    warnings: tuple[Diagnostic, ...]


def lint_file(path: str | Path, *, jobs: int | None = None) -> Lint:
    """Read one list and gather its entries (papers and skips) and warnings by line."""
    doc = read_input(path, jobs=jobs)
    entries: list[Paper | Skip] = [*doc.papers, *doc.report.skipped]
    entries.sort(key=lambda e: (e.source.line, isinstance(e, Skip)))
    warnings = list(doc.diagnostics)
    if (problem := list_problem(doc.report)) is not None:
        warnings.append(problem)
    return Lint(doc, tuple(entries), tuple(sorted(warnings, key=lambda d: d.source.line)))


def _paper_fields(paper: Paper) -> dict[str, Any]:
    return {
        "title": paper.title,
        "authors": list(paper.authors),
        "et_al": paper.authors_truncated,
        "venue": paper.venue,
        "venue_as_written": paper.venue_as_written,
        "track": paper.track,
        "year": paper.year,
        "month": paper.month,
        "year_source": paper.year_source.value if paper.year_source else None,
        "arxiv_id": paper.arxiv_id,
        "doi": paper.doi,
        "categories": list(paper.categories),
        "links": [{"kind": link.kind.value, "url": link.url} for link in paper.links],
    }


def _describe(paper: Paper) -> str:
    parts = [repr(paper.title)]
    if paper.authors:
        parts.append(
            "by " + ", ".join(paper.authors) + (" et al." if paper.authors_truncated else "")
        )
    when = " ".join(str(x) for x in (paper.venue, paper.track, paper.year) if x)
    if when:
        parts.append(when + (" (year from arXiv id)" if paper.year_source == "arxiv-id" else ""))
    if paper.arxiv_id:
        parts.append(f"arXiv {paper.arxiv_id}")
    if paper.links:
        parts.append("links: " + ", ".join(link.kind.value for link in paper.links))
    return " | ".join(parts)


def to_text(lint: Lint) -> str:
    """One line per entry (``file:line: paper: ...`` or ``skipped (reason)``), then warnings."""
    lines = []
    for entry in lint.entries:
        if isinstance(entry, Paper):
            lines.append(f"{entry.source}: paper: {_describe(entry)}")
        else:
            lines.append(f"{entry.source}: skipped ({entry.reason}): {entry.text}")
    lines.extend(str(w) for w in lint.warnings)
    lines.append(summary_line(lint.document.report))
    return "\n".join(lines)


def to_json(lint: Lint) -> dict[str, Any]:
    """The same as JSON-ready data: entries, warnings and counts."""
    report = lint.document.report
    entries: list[dict[str, Any]] = []
    for entry in lint.entries:
        if isinstance(entry, Paper):
            entries.append({"line": entry.source.line, "status": "paper", **_paper_fields(entry)})
        else:
            entries.append(
                {
                    "line": entry.source.line,
                    "status": "skipped",
                    "reason": entry.reason,
                    "text": entry.text,
                }
            )
    return {
        "file": report.file,
        "entries": entries,
        "warnings": [{"line": w.source.line, "message": w.message} for w in lint.warnings],
        "candidates": report.candidates,
        "papers": report.papers,
        "skipped": dict(report.reasons()),
    }
