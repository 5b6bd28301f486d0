"""The lineage view: papers and methods in time layers, older to the left.

Drawn: every typed lineage edge (``newer extends older``, ...), and the curated
``introduces`` (paper -> method) and ``variantOf`` (variant -> base) edges that tie
methods to the papers they come from. The x axis is time: one band per year, and inside
a year, sub-columns so that what an edge derives from stands left of what derives from
it. A method takes the year of the first paper introducing it; one from outside the list
(introduced by no listed paper) takes the year of the earliest work derived from it and
stands to its left. Inside a column nodes are ordered to reduce crossings.
"""

from __future__ import annotations

import math
from collections import defaultdict

from kg.views.catalog import CONTRIBUTION_KINDS, KIND_ORDER, LINEAGE_RELATIONS, Catalog, JsonObj
from kg.views.layered import layered_positions
from kg.views.layout import layer_ranks
from kg.views.overview import parallel_curves
from kg.views.view import MAX_EDGES, MAX_NODES, View, edge_record

__all__ = ["LINEAGE_VIEW_RELATIONS", "build_lineage"]

#: The relations the lineage view draws.
LINEAGE_VIEW_RELATIONS = (*LINEAGE_RELATIONS, "introduces", "variantOf")
_WORK_KINDS = ("paper", *CONTRIBUTION_KINDS)
_COLUMN = 205.0
_YEAR_GAP = 90.0
_SUBCOLUMN = 175.0
_ROW = 72.0


def build_lineage(cat: Catalog) -> View:
    """Papers and methods linked by lineage, laid out by year."""
    edges = [  # cat.edges is in (u, v, key) order already
        (u, v, k, d)
        for u, v, k, d in cat.edges
        if d.get("relation") in LINEAGE_VIEW_RELATIONS
        and cat.kind.get(u) in _WORK_KINDS
        and cat.kind.get(v) in _WORK_KINDS
    ]
    full_edges = len(edges)
    nodes = sorted({n for u, v, _, _ in edges for n in (u, v)})
    full_nodes = len(nodes)
    notice = ""
    if len(nodes) > MAX_NODES or len(edges) > MAX_EDGES:
        # Keep the most connected works, then the edges among them.
        degree: dict[str, int] = defaultdict(int)
        for u, v, _, _ in edges:
            degree[u] += 1
            degree[v] += 1
        keep = set(sorted(nodes, key=lambda n: (-degree[n], n))[:MAX_NODES])
        nodes = sorted(keep)
        edges = [e for e in edges if e[0] in keep and e[1] in keep][:MAX_EDGES]
        notice = (
            f"The lineage has {full_nodes:,} works and {full_edges:,} edges; showing the {len(nodes):,} most connected works and {len(edges):,} edges among them. "
            'Focus on one work to see its whole neighbourhood: kg viz --focus "TITLE" --depth 2.'
        )
    if not nodes:
        notice = "No lineage to draw: the input has no curated lineage (data/lineage.yaml) and no methods (data/methods.yaml)."

    # "a before b" pairs: what is derived from stands left of what derives from it.
    before: list[tuple[str, str]] = []
    for u, v, _, d in edges:
        before.append((u, v) if d.get("relation") == "introduces" else (v, u))
    year = _years(cat, nodes, before)
    ranks = layer_ranks(nodes, before, lambda n: year[n])
    columns_keys = sorted({(_band(year[n]), ranks[n]) for n in nodes})

    first_category = {
        n: min((cat.paper_rows[p]["c"] or [99])[0] for p in cat.related.get(n, []))
        if cat.related.get(n)
        else 99
        for n in nodes
    }
    kind_rank = {k: i for i, k in enumerate(KIND_ORDER)}
    columns = [
        sorted(
            (n for n in nodes if (_band(year[n]), ranks[n]) == key),
            key=lambda n: (
                first_category[n],
                kind_rank.get(cat.kind[n], 99),
                cat.label(n).casefold(),
                n,
            ),
        )
        for key in columns_keys
    ]
    xs: list[float] = []
    cursor = 0.0
    for i, key in enumerate(columns_keys):
        if i:
            cursor += _COLUMN + (_YEAR_GAP if key[0] != columns_keys[i - 1][0] else 0.0)
        xs.append(round(cursor, 1))
    # A column taller than the page is wide is wrapped into side-by-side sub-columns,
    # so a large lineage keeps a screen-like shape.
    max_rows = max(16, math.ceil(math.sqrt(len(nodes) * 1.15)))
    drawing, shifts = layered_positions(
        columns,
        xs,
        [(u, v) for u, v, _, _ in edges],
        row=_ROW,
        part_gap=_SUBCOLUMN,
        max_rows=max_rows,
    )
    first_x: dict[tuple[int, int], float] = {}
    for i, key in enumerate(columns_keys):
        first_x.setdefault(key[0], round(xs[i] + (shifts[i - 1] if i else 0.0), 1))
    ids = {n: i for i, n in enumerate(nodes)}
    rows: list[JsonObj] = []
    for node in nodes:
        row = cat.record(node, ids[node])
        row["x"], row["y"] = drawing[node]
        row["shape"] = "box" if cat.kind[node] == "paper" else "ellipse"
        arxiv = cat.attrs[node].get("arxivId")
        if arxiv:
            row["ax"] = str(arxiv)  # the URL fragment that selects it: lineage.html#2308.09583
        rows.append(row)

    edge_rows = [edge_record(i, ids[u], ids[v], d) for i, (u, v, _, d) in enumerate(edges)]
    parallel_curves(edge_rows)

    decor = {
        "columns": [
            {"x": x, "text": "no year" if band[0] else str(band[1])}
            for band, x in sorted(first_x.items())
        ]
    }
    kinds = [k for k in KIND_ORDER if any(cat.kind[n] == k for n in nodes)]
    return View(
        name="lineage",
        title="Lineage",
        summary="Which work derives from which: papers (boxes) and methods, datasets, models (ellipses), one band per year, older on the left; each arrow points from the newer work to the one it derives from and is labelled with the relation.",
        nodes=rows,
        edges=edge_rows,
        edge_labels=True,
        notice=notice,
        full_nodes=full_nodes,
        full_edges=full_edges,
        decor=decor,
        kinds=kinds,
    )


def _band(year: int | None) -> tuple[int, int]:
    """The sort key of a year band: years in order, then the "no year" band at the right."""
    return (1, 0) if year is None else (0, year)


def _years(cat: Catalog, nodes: list[str], before: list[tuple[str, str]]) -> dict[str, int | None]:
    """The year band of each node.

    A work without a year (a paper whose list states none, a method no listed paper
    introduces) borrows one from its neighbours: as old as the oldest work derived from
    it, else as new as the newest work it derives from. A work with no dated neighbour
    at all goes to the "no year" band (``None``) at the right.
    """
    year: dict[str, int | None] = {n: cat.year_of[n] for n in nodes if n in cat.year_of}
    later: dict[str, list[str]] = defaultdict(list)
    earlier: dict[str, list[str]] = defaultdict(list)
    for a, b in before:
        later[a].append(b)
        earlier[b].append(a)
    # Propagate: an undated work is as old as the oldest work derived from it.
    for _ in range(len(nodes)):
        changed = False
        for n in nodes:
            if n in year and n in cat.year_of:
                continue
            known = [y for m in later[n] if (y := year.get(m)) is not None]
            guess = min(known) if known else None
            if guess is None:
                older = [y for m in earlier[n] if (y := year.get(m)) is not None]
                guess = max(older) if older else None
            if guess is not None and year.get(n) != guess:
                year[n] = guess
                changed = True
        if not changed:
            break
    for n in nodes:
        year.setdefault(n, None)
    return year
