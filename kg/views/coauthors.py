"""The co-authorship view: people sized by papers, edges weighted by papers together.

Research groups are the communities of the weighted co-authorship graph
(:mod:`kg.views.groups`); each is drawn as a disc of its own colour, its most prolific
member at the centre, named after that member. Past the budget, the most prolific
people are kept, and then the strongest ties among them.

A paper's authors are all co-authors of each other, so a paper with k authors makes
k(k-1)/2 ties: 32 million for one physics paper with 8,000 authors, which took 3.6 GB
to hold and no page could draw. A paper with more than :data:`MAX_CLIQUE` authors is
therefore drawn with ties among its :data:`MAX_CLIQUE` most prolific authors only (the
view's notice says so), and its ties are counted, never listed: memory and time stay
linear in the number of authorships.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kg.views.catalog import Catalog, JsonObj
from kg.views.groups import label_propagation
from kg.views.layout import cluster_layout
from kg.views.view import MAX_EDGES, MAX_NODES, View

__all__ = ["MAX_CLIQUE", "build_coauthors", "coauthor_pairs"]

_SPACING = 58.0

#: Most authors of one paper whose ties are drawn (their 4,950 pairs, the edge budget).
MAX_CLIQUE = 100


def _authors(cat: Catalog) -> dict[str, list[str]]:
    """Paper -> its authors (people), in no particular order, possibly repeated."""
    authors: dict[str, list[str]] = defaultdict(list)
    for u, v, _, data in cat.edges:
        if data.get("relation") == "creator" and cat.kind.get(v) == "person":
            authors[u].append(v)
    return authors


def _drawn(cat: Catalog, people: list[str]) -> list[str]:
    """The authors of one paper whose ties are drawn: all, or the most prolific few."""
    if len(people) <= MAX_CLIQUE:
        return people
    ranked = sorted(
        people, key=lambda p: (-len(cat.related.get(p, ())), cat.label(p).casefold(), p)
    )
    return sorted(ranked[:MAX_CLIQUE])


def coauthor_pairs(
    cat: Catalog, *, among: set[str] | None = None, authors: dict[str, list[str]] | None = None
) -> dict[tuple[str, str], list[int]]:
    """Every pair of people (sorted ids) -> the indices of the papers they wrote together.

    Of a paper with more than :data:`MAX_CLIQUE` authors (among ``among``), only the
    pairs of its :data:`MAX_CLIQUE` most prolific ones.

    Args:
        cat: The catalog.
        among: Only pairs of these people (a view over its budget keeps a few thousand
            of them, whose pairs are a small share of all pairs at 100k papers).
        authors: :func:`_authors` of ``cat``, when the caller has it already.
    """
    authors = _authors(cat) if authors is None else authors
    pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, paper in enumerate(cat.papers):  # so each list of papers comes out sorted
        people = sorted(set(authors.get(paper, [])))
        if among is not None:
            people = [p for p in people if p in among]
        people = _drawn(cat, people)
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                pairs[(a, b)].append(index)
    # One string per key sorts like the (a, b) tuples (no IRI holds a NUL) and three
    # times as fast as comparing tuples, which matters for 100k+ pairs.
    if any("\0" in a or "\0" in b for a, b in pairs):
        order = sorted(pairs)
    else:
        order = sorted(pairs, key=lambda pair: pair[0] + "\0" + pair[1])
    return {pair: pairs[pair] for pair in order}


def _count_pairs(cat: Catalog, authors: dict[str, list[str]]) -> tuple[int, int]:
    """How many pairs of people wrote at least one paper together, and the large papers.

    Exact when no paper has more than :data:`MAX_CLIQUE` authors; otherwise the pairs
    of each such paper are counted (k(k-1)/2, never listed) as if no other paper had
    them too, so the count is an upper bound.

    Returns:
        The number of pairs, and the number of papers with more than MAX_CLIQUE authors.
    """
    seen: set[tuple[str, str]] = set()
    counted = large = 0
    for paper in cat.papers:
        ordered = sorted(set(authors.get(paper, [])))
        if len(ordered) > MAX_CLIQUE:
            counted += len(ordered) * (len(ordered) - 1) // 2
            large += 1
            continue
        for i, a in enumerate(ordered):
            seen.update((a, b) for b in ordered[i + 1 :])
    return len(seen) + counted, large


def build_coauthors(cat: Catalog) -> View:
    """People and who wrote with whom, clustered into groups."""
    people = sorted(n for n, k in cat.kind.items() if k == "person")
    papers_of = {p: len(cat.related.get(p, [])) for p in people}
    kept = people
    notice = ""
    authors = _authors(cat)
    large = 0
    if len(people) > MAX_NODES:
        kept = sorted(
            sorted(people, key=lambda p: (-papers_of[p], cat.label(p).casefold(), p))[:MAX_NODES]
        )
        # Pairs among the people kept only; all pairs are merely counted, for the notice.
        pairs = coauthor_pairs(cat, among=set(kept), authors=authors)
        full_edges, large = _count_pairs(cat, authors)
    else:
        pairs = coauthor_pairs(cat, authors=authors)
        full_edges = len(pairs)
        if any(len(set(names)) > MAX_CLIQUE for names in authors.values()):
            full_edges, large = _count_pairs(cat, authors)
    full_nodes = len(people)
    edges = [(a, b, pp) for (a, b), pp in pairs.items()]
    if len(edges) > MAX_EDGES:
        # A stable sort of pairs already in (a, b) order: ties keep that order.
        edges = sorted(edges, key=lambda e: (-len(e[2]), -(papers_of[e[0]] + papers_of[e[1]])))[
            :MAX_EDGES
        ]
        edges.sort(key=lambda e: (e[0], e[1]))
    if len(kept) < full_nodes or len(edges) < full_edges:
        least = min(papers_of[p] for p in kept) if kept else 0
        notice = (
            f"{full_nodes:,} people and {full_edges:,} co-author pairs are more than one page can draw and stay responsive. "
            f"Showing the {len(kept):,} people with the most papers (at least {least}) and the {len(edges):,} strongest ties among them. "
            'To see anyone else with their co-authors: kg viz --focus "NAME" --depth 2.'
        )
    if large:
        notice = (
            f"{notice} {large:,} paper{'s' if large != 1 else ''} with more than {MAX_CLIQUE} authors "
            f"{'are' if large != 1 else 'is'} drawn with ties among {'their' if large != 1 else 'its'} "
            f"{MAX_CLIQUE} most prolific authors only, and counted as at most {full_edges:,} pairs in all."
        ).strip()

    weights = {(a, b): len(pp) for a, b, pp in edges}
    groups = label_propagation(kept, weights)
    ordered = [sorted(g, key=lambda p: (-papers_of[p], cat.label(p).casefold(), p)) for g in groups]
    positions, discs = cluster_layout(ordered, _SPACING)
    group_of = {p: gi for gi, g in enumerate(ordered) for p in g}

    ids = {p: i for i, p in enumerate(kept)}
    rows: list[JsonObj] = []
    for person in kept:
        row = cat.record(person, ids[person])
        row["x"], row["y"] = positions[person]
        row["size"] = round(6 + 5 * math.sqrt(papers_of[person]), 1)
        row["group"] = group_of[person]
        if papers_of[person] > 1:  # the names of prolific people stay legible zoomed out
            row["fs"] = round(10 + 5 * math.sqrt(papers_of[person]))
        rows.append(row)
    edge_rows: list[JsonObj] = [
        {
            "id": i,
            "from": ids[a],
            "to": ids[b],
            "rel": "co-authors",
            "pp": pp,
            "w": round(min(1 + 1.5 * (len(pp) - 1), 9), 1),
        }
        for i, (a, b, pp) in enumerate(edges)
    ]
    disc_rows = [
        {
            "x": c[0],
            "y": c[1],
            "r": r + _SPACING * 0.45,
            "group": gi,
            "text": f"{cat.label(g[0])}'s group ({len(g)})",
        }
        for gi, (g, (c, r)) in enumerate(zip(ordered, discs, strict=True))
        if len(g) >= 3
    ]
    return View(
        name="coauthors",
        title="Co-authorship",
        summary="People sized by their number of papers; a line joins two people who wrote together, thicker for more papers. Colours and discs are research groups (communities of co-authors), each named after its most prolific member.",
        nodes=rows,
        edges=edge_rows,
        directed=False,
        notice=notice,
        full_nodes=full_nodes,
        full_edges=full_edges,
        decor={"discs": disc_rows},
        kinds=["person"] if rows else [],
    )
