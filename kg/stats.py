"""Summary numbers of a knowledge base, as plain data for the CLI (or a notebook) to show."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kg.model import KnowledgeBase, PaperMerge

__all__ = ["Merge", "Stats", "compute_stats"]


@dataclass(frozen=True)
class Merge:
    """One person whose written names were merged, and by which rules."""

    name: str
    variants: tuple[str, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Stats:
    """Counts per kind, the most prolific authors, papers per category and per year."""

    counts: dict[str, int]
    top_authors: list[tuple[str, int]]
    per_category: list[tuple[str, int]]
    per_year: list[tuple[int, int]]
    merges: list[Merge]
    identity_notes: list[str]
    #: Paper identity decisions: entries merged into one paper, or kept apart, with why.
    paper_merges: list[PaperMerge]
    #: Papers merged from several entries, per rule (``same arXiv id``: 48, ...).
    paper_rules: list[tuple[str, int]]


def compute_stats(kb: KnowledgeBase, *, top: int = 10) -> Stats:
    """Compute the summary of ``kb``; ``top`` bounds the author ranking.

    >>> compute_stats(KnowledgeBase()).counts["papers"]
    0
    """
    kinds = Counter(c.kind.value for c in kb.contributions)
    counts = {
        "lists": len(kb.lists),
        "papers": len(kb.papers),
        "listings": sum(len(p.listings) for p in kb.papers),
        "persons": len(kb.persons),
        "authorships": len(kb.authorships),
        "venues": len({p.venue for p in kb.papers if p.venue is not None}),
        "categories": len(kb.categories),
        "methods": kinds.get("method", 0),
        "datasets": kinds.get("dataset", 0),
        "models": kinds.get("model", 0),
        "benchmarks": kinds.get("benchmark", 0),
        "lineage edges": len(kb.lineage),
        "warnings": len(kb.diagnostics),
    }
    names = {p.key: p.name for p in kb.persons}
    papers_of = Counter(a.person_key for a in kb.authorships)
    ranked = sorted(papers_of.items(), key=lambda item: (-item[1], names[item[0]]))
    per_category = Counter(label for p in kb.papers for label in p.categories)
    per_year = Counter(p.year for p in kb.papers if p.year is not None)
    return Stats(
        counts=counts,
        top_authors=[(names[key], n) for key, n in ranked[:top]],
        per_category=[(c.label, per_category.get(c.label, 0)) for c in kb.categories],
        per_year=sorted(per_year.items()),
        merges=[
            Merge(p.name, p.variants, p.merged_by)
            for p in kb.persons
            if len(p.variants) > 1 or p.nicknames
        ],
        identity_notes=list(kb.identity_notes),
        paper_merges=list(kb.paper_merges),
        paper_rules=sorted(
            Counter(m.rule for m in kb.paper_merges if m.merged).items(),
            key=lambda item: (-item[1], item[0]),
        ),
    )
