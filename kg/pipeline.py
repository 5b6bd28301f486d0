"""The build pipeline: list files (+ curated data) -> one resolved :class:`KnowledgeBase`.

Order matters and is fixed here: parse every list, merge papers that several lists
share, load and check curation against the papers, then resolve people (curated
aliases on top of the automatic rules).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kg.curation.load import Curation, load_curation, resolve_curation
from kg.errors import IngestError
from kg.ingest.identity import resolve_people
from kg.ingest.markdown import ListDocument
from kg.ingest.registry import read_input
from kg.ingest.report import empty_list_problem
from kg.model import Category, Diagnostic, KnowledgeBase, Paper, PaperList
from kg.runtime.gc_pause import gc_paused

__all__ = ["DEFAULT_DATA", "build_knowledge_base", "default_lists"]

#: Where ``kg build`` looks when given no inputs: the lists and YAML of this checkout.
DEFAULT_DATA = Path("data")


def default_lists(folder: Path = DEFAULT_DATA) -> list[Path]:
    """The list files of a data folder: every ``*.md`` except README-like documentation."""
    if not folder.is_dir():
        raise IngestError(f"no data folder at {folder}; pass list files explicitly")
    skip = {"readme.md", "curation.md"}
    found = sorted(p for p in folder.glob("*.md") if p.name.lower() not in skip)
    if not found:
        raise IngestError(f"no Markdown lists in {folder}")
    return found


@gc_paused()
def build_knowledge_base(
    lists: Sequence[str | Path],
    *,
    curation: str | Path | None = None,
    jobs: int | None = None,
    strict: bool = False,
) -> KnowledgeBase:
    """Parse the lists, apply curated data, resolve people: the whole ingest stage.

    Args:
        lists: Markdown list files, in the order given (earlier lists win on conflicts).
        curation: A folder with ``methods.yaml``, ``lineage.yaml``, ``aliases.yaml``;
            ``None`` builds from the lists alone.
        jobs: Processes a large list's parsing may use (see :mod:`kg.runtime.workers`).
        strict: A list with entries but no paper is an error instead of a warning.

    Raises:
        IngestError: an input cannot be read.
        ParseError: an input is malformed (the message names file and line).
        CurationError: curated data contradicts itself or the lists.
    """
    documents = [read_input(path, jobs=jobs) for path in lists]
    if strict:
        for doc in documents:
            if (problem := empty_list_problem(doc.report)) is not None:
                raise IngestError(str(problem).replace(": warning: ", ": ", 1))
    return assemble(documents, load_curation(curation) if curation is not None else Curation())


def assemble(documents: Sequence[ListDocument], curation: Curation) -> KnowledgeBase:
    """Combine parsed lists and loaded curation into a knowledge base (no I/O)."""
    papers: dict[str, Paper] = {}
    categories: dict[str, Category] = {}
    lists: dict[str, PaperList] = {}
    diagnostics: list[Diagnostic] = []
    for doc in documents:
        diagnostics.extend(doc.diagnostics)
        if (problem := empty_list_problem(doc.report)) is not None:
            diagnostics.append(problem)
        lists.setdefault(doc.list.key, doc.list)
        for category in doc.categories:
            categories.setdefault(category.key, category)
        for paper in doc.papers:
            if paper.key in papers:
                first = papers[paper.key]
                diagnostics.append(
                    Diagnostic(
                        source=paper.source,
                        message=f"{paper.title!r} is also listed at {first.source}; the first entry is kept",
                    )
                )
                continue
            papers[paper.key] = paper
    ordered = sorted(papers.values(), key=lambda p: p.key)
    contributions, lineage, curation_notes = resolve_curation(curation, ordered)
    diagnostics.extend(curation_notes)
    signatures = [(p.key, i, name) for p in ordered for i, name in enumerate(p.authors, start=1)]
    persons, authorships, identity_notes = resolve_people(signatures, aliases=curation.aliases)
    return KnowledgeBase(
        lists=tuple(sorted(lists.values(), key=lambda item: item.key)),
        papers=tuple(ordered),
        categories=tuple(sorted(categories.values(), key=lambda c: c.key)),
        persons=persons,
        authorships=authorships,
        contributions=tuple(sorted(contributions, key=lambda c: c.id)),
        lineage=tuple(
            sorted(lineage, key=lambda e: (str(e.newer), e.relation.value, str(e.older)))
        ),
        diagnostics=tuple(diagnostics),
        identity_notes=identity_notes,
        reports=tuple(doc.report for doc in documents),
    )
