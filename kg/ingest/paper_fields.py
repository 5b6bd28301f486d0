"""The fields of one merged paper, from the entries that name it (see :mod:`kg.ingest.paper_identity`).

Entries are ranked: an entry with an arXiv id first, then the most complete (year,
venue, authors, DOI, arXiv id, links), then input order. Each field group comes from the
first ranked entry that has it; a year the list states beats one inferred from an arXiv
id. Categories, links and listings are united in input order. Where the entries' own
statements (their listings) disagree on year, venue or author order, a warning says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kg.model import Diagnostic, Listing, Paper, YearSource, evolve
from kg.text import clean_text, fold

__all__ = ["combine", "listing_of"]

#: Raw entry text longer than this is cut (a table row can be very wide).
MAX_ENTRY_TEXT = 1000


def listing_of(paper: Paper, entry_text: str = "") -> Listing:
    """The entry as its input wrote it: list, line, text, categories, year, venue, authors.

    A year inferred from an arXiv id is not the list's statement, so it is left out.
    """
    text = clean_text(entry_text, collapse_space=False).strip()
    if len(text) > MAX_ENTRY_TEXT:
        text = text[: MAX_ENTRY_TEXT - 3] + "..."
    return Listing(
        list_key=paper.list_key,
        source_file=paper.source.file,
        line=paper.source.line,
        entry_text=text,
        categories=paper.categories,
        year=paper.year if paper.year_source == YearSource.LIST else None,
        venue=paper.venue_as_written or paper.venue,
        authors=paper.authors,
    )


def _completeness(paper: Paper) -> int:
    return sum(
        (
            paper.year is not None,
            paper.venue is not None,
            bool(paper.authors) and not paper.authors_truncated,
            paper.doi is not None,
            paper.arxiv_id is not None,
            bool(paper.links),
        )
    )


def rank(entries: Sequence[Paper]) -> list[Paper]:
    """Entries best first: with an arXiv id, most complete, then input order."""
    order = range(len(entries))
    best = sorted(order, key=lambda i: (entries[i].arxiv_id is None, -_completeness(entries[i]), i))
    return [entries[i] for i in best]


def _first(ranked: list[Paper], has: Callable[[Paper], object]) -> Paper | None:
    return next((p for p in ranked if has(p)), None)


def combine(entries: Sequence[Paper]) -> tuple[Paper, list[Diagnostic]]:
    """One paper from its entries (in input order), and warnings where they disagree."""
    if len(entries) == 1:
        only = entries[0]
        return only if only.listings else evolve(only, listings=(listing_of(only),)), []
    ranked = rank(entries)
    winner = ranked[0]
    update: dict[str, object] = {}
    stated = _first(ranked, lambda p: p.year_source == YearSource.LIST) or _first(
        ranked, lambda p: p.year is not None
    )
    if stated is not None:
        update |= {"year": stated.year, "month": stated.month, "year_source": stated.year_source}
    if (venue := _first(ranked, lambda p: p.venue)) is not None:
        update |= {
            name: getattr(venue, name)
            for name in ("venue", "venue_as_written", "track", "presentation")
        }
    authors = _first(ranked, lambda p: p.authors and not p.authors_truncated) or _first(
        ranked, lambda p: p.authors
    )
    if authors is not None:
        update |= {"authors": authors.authors, "authors_truncated": authors.authors_truncated}
    for name in ("doi", "hybrid_label"):
        values = [getattr(p, name) for p in ranked if getattr(p, name)]
        if values:
            update[name] = values[0]
    # The key must not depend on input order: the smallest arXiv id, else the smallest key.
    arxiv_ids = sorted({p.arxiv_id for p in entries if p.arxiv_id})
    update["arxiv_id"] = arxiv_ids[0] if arxiv_ids else None
    update["key"] = arxiv_ids[0] if arxiv_ids else min(p.key for p in entries)
    update["categories"] = tuple(dict.fromkeys(c for p in entries for c in p.categories))
    urls: dict[str, object] = {}
    for paper in [winner, *entries]:
        for link in paper.links:
            urls.setdefault(link.url, link)
    update["links"] = tuple(urls.values())
    update["listings"] = tuple(
        listing for p in entries for listing in (p.listings or (listing_of(p),))
    )
    merged = evolve(winner, **update)
    return merged, _conflicts(merged, entries)


def _conflicts(paper: Paper, entries: Sequence[Paper]) -> list[Diagnostic]:
    """Warnings where the entries of one paper disagree on stated year, venue or author order.

    A preprint server (arXiv) beside a venue is no disagreement; author lists compare
    only when they name the same people (folded) in a different order.
    """
    notes: list[Diagnostic] = []

    def differ(what: str, values: list[tuple[str, Paper]]) -> None:
        if len({v for v, _ in values}) > 1:
            said = "; ".join(f"{v} ({p.source})" for v, p in values)
            message = f"{paper.title!r}: {what} differ: {said}"
            notes.append(Diagnostic(source=paper.source, message=message))

    differ("arXiv ids", [(p.arxiv_id, p) for p in entries if p.arxiv_id])
    differ(
        "years",
        [(str(p.year), p) for p in entries if p.year_source == YearSource.LIST],
    )
    differ("venues", [(p.venue, p) for p in entries if p.venue and p.venue != "arXiv"])
    full = [p for p in entries if len(p.authors) > 1 and not p.authors_truncated]
    if len({tuple(sorted(map(fold, p.authors))) for p in full}) == 1:
        differ("author orders", [(", ".join(map(fold, p.authors)), p) for p in full])
    return notes
