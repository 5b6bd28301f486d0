"""When a curated work first appeared, to warn about lineage that points back in time."""

from __future__ import annotations

from collections.abc import Sequence

from kg.model import Contribution, Paper

__all__ = ["dates", "first_seen", "is_earlier", "show"]


def first_seen(paper: Paper) -> tuple[int, int | None] | None:
    """When a paper first appeared: its arXiv month when that is earlier than its venue year."""
    if paper.arxiv_id:
        arxiv = (2000 + int(paper.arxiv_id[:2]), int(paper.arxiv_id[2:4]))
        if paper.year is None or arxiv[0] <= paper.year:
            return arxiv
    if paper.year is None:
        return None
    return paper.year, paper.month


def dates(
    papers: Sequence[Paper], contributions: Sequence[Contribution]
) -> dict[str, tuple[int, int | None]]:
    """When each work first appeared; a contribution dates from its earliest introducing paper."""
    dates = {f"paper:{p.key}": seen for p in papers if (seen := first_seen(p)) is not None}
    for c in contributions:
        found = [dates[f"paper:{k}"] for k in c.introduced_by if f"paper:{k}" in dates]
        if found:
            dates[f"method:{c.id}"] = min(found, key=lambda d: (d[0], d[1] or 0))
    return dates


def is_earlier(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    """Whether ``a`` is surely before ``b`` (months compared only when both are known)."""
    if a[0] != b[0]:
        return a[0] < b[0]
    return a[1] is not None and b[1] is not None and a[1] < b[1]


def show(date: tuple[int, int | None]) -> str:
    """A date as ``2023-08``, or ``2023`` when the month is unknown."""
    return f"{date[0]}-{date[1]:02d}" if date[1] else str(date[0])
