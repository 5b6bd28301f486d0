"""The build pipeline: list files (+ curated data) -> one resolved :class:`KnowledgeBase`.

Order matters and is fixed here: parse every list, merge papers that several lists
share, load and check curation against the papers, then resolve people (curated
aliases on top of the automatic rules).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from kg.curation.load import Curation, load_curation, resolve_curation
from kg.errors import IngestError
from kg.ingest.identity import resolve_people
from kg.ingest.markdown import ListDocument
from kg.ingest.paper_fields import listing_of
from kg.ingest.paper_identity import merge_papers
from kg.ingest.registry import clear_reader_caches, read_input
from kg.ingest.report import empty_list_problem, list_problem
from kg.model import Category, Diagnostic, KnowledgeBase, Paper, PaperList, SourceRef, evolve
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
    curation: str | Path | Sequence[str | Path] | None = None,
    jobs: int | None = None,
    strict: bool = False,
) -> KnowledgeBase:
    """Parse the lists, apply curated data, resolve people: the whole ingest stage.

    Args:
        lists: Markdown list files, in the order given (earlier lists win on conflicts).
        curation: A folder with ``methods.yaml``, ``lineage.yaml``, ``aliases.yaml``,
            ``papers.yaml``, or several such folders (joined in order); ``None`` builds
            from the lists alone.
        jobs: Processes a large list's parsing may use (see :mod:`kg.runtime.workers`).
        strict: A list with entries but no paper is an error instead of a warning.

    Raises:
        IngestError: an input cannot be read.
        ParseError: an input is malformed (the message names file and line).
        CurationError: curated data contradicts itself or the lists.
    """
    documents = [read_input(path, jobs=jobs) for path in lists]
    clear_reader_caches()
    if strict:
        for doc in documents:
            if (problem := empty_list_problem(doc.report)) is not None:
                raise IngestError(str(problem).replace(": warning: ", ": ", 1))
    loaded = load_curation(curation) if curation is not None else Curation()
    return assemble(documents, loaded, entry_text=_SourceText().entry)


class _SourceText:
    """The raw text of an entry at its file and line, each input file read once."""

    def __init__(self) -> None:
        self.lines: dict[str, list[str]] = {}

    def entry(self, where: SourceRef) -> str:
        if where.file not in self.lines:
            try:
                text = Path(where.file).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.lines[where.file] = text.splitlines()
        lines = self.lines[where.file]
        if where.line > len(lines):
            return ""
        first = lines[where.line - 1]
        if not first.lstrip().startswith("@"):  # a Markdown entry: its line as written
            return first
        # A BibTeX entry: up to its closing brace.
        taken, depth = [], 0
        for line in lines[where.line - 1 : where.line + 59]:
            taken.append(line)
            depth += line.count("{") - line.count("}")
            if depth <= 0 and "{" in "".join(taken):
                break
        return "\n".join(taken)


def _merge_categories(
    documents: Sequence[ListDocument],
) -> tuple[dict[str, Category], dict[str, str]]:
    """One category per key across every input, other spellings kept as alternative labels.

    Two lists may name one category differently (``Data Augmentation`` and
    ``Data-Augmentation`` fold to one key): the first label is the category's, the others
    become ``alt_labels``, and papers are given the first label (the map returned).
    """
    categories: dict[str, Category] = {}
    canonical: dict[str, str] = {}
    for doc in documents:
        for category in doc.categories:
            first = categories.get(category.key)
            if first is None:
                categories[category.key] = category
                continue
            others = [category.label, *category.alt_labels]
            new = [a for a in others if a != first.label and a not in first.alt_labels]
            if new:
                categories[category.key] = first.model_copy(
                    update={"alt_labels": (*first.alt_labels, *new)}
                )
            if category.label != first.label:
                canonical[category.label] = first.label
    return categories, canonical


def assemble(
    documents: Sequence[ListDocument],
    curation: Curation,
    *,
    entry_text: Callable[[SourceRef], str] | None = None,
) -> KnowledgeBase:
    """Combine parsed lists and loaded curation into a knowledge base (no I/O).

    Every entry gets its listing (``entry_text`` gives the raw text at an entry's
    place); entries of all lists that name one paper become one paper
    (:func:`kg.ingest.paper_identity.merge_papers`), with every list's membership kept.
    """
    categories, canonical = _merge_categories(documents)
    lists: dict[str, PaperList] = {}
    diagnostics: list[Diagnostic] = []
    entries: list[Paper] = []
    for doc in documents:
        diagnostics.extend(doc.diagnostics)
        if (problem := list_problem(doc.report)) is not None:
            diagnostics.append(problem)
        lists.setdefault(doc.list.key, doc.list)
        for paper in doc.papers:
            if any(label in canonical for label in paper.categories):
                labels = tuple(dict.fromkeys(canonical.get(c, c) for c in paper.categories))
                paper = evolve(paper, categories=labels)
            if not paper.listings:
                text = entry_text(paper.source) if entry_text is not None else ""
                paper = evolve(paper, listings=(listing_of(paper, text),))
            entries.append(paper)
    outcome = merge_papers(entries, curation.papers)
    diagnostics.extend(outcome.diagnostics)
    ordered = outcome.papers
    contributions, lineage, curation_notes = resolve_curation(
        curation, ordered, renamed=outcome.renamed
    )
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
        paper_merges=tuple(outcome.merges),
    )
