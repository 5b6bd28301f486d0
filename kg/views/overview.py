"""The overview: every node and edge of the graph, in horizontal bands by kind.

Papers form the middle band, ordered by year from left to right; people sit above them
and venues, categories and contributions below, each as close as it can be to the
papers it relates to. Past the node budget the least connected people are left out (and
then the least connected of everything else), and the notice says how many and how to
see them.
"""

from __future__ import annotations

import math

from kg.views.catalog import CONTRIBUTION_KINDS, KIND_ORDER, Catalog, JsonObj, short_label
from kg.views.layout import spread
from kg.views.view import MAX_EDGES, MAX_NODES, View, edge_record

__all__ = ["band_layout", "build_overview", "parallel_curves"]

# Bands from top to bottom; each is a tuple of kinds sharing rows.
_BANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("People", ("person",)),
    ("Papers", ("paper",)),
    ("Venues", ("venue",)),
    ("Categories and lists", ("category", "list")),
    ("Methods, datasets, models, benchmarks", CONTRIBUTION_KINDS),
)
_GAP = 48.0  # horizontal distance between neighbours of a band
_ROW = 56.0  # vertical distance between rows of a band
_BAND_GAP = 130.0
# Share of the node budget left for people once venues, categories, lists and
# contributions are in; papers take the rest (and any share people do not use).
_PEOPLE_SHARE = 0.45
# Which edges are kept first when there are too many: curated lineage and contributions,
# then authorship, then venue and category; "listed in" (one hub) comes last.
_EDGE_RANK = {"creator": 1, "publishedIn": 2, "subject": 3, "listedIn": 4}


def parallel_curves(edges: list[JsonObj]) -> None:
    """Bend the 2nd, 3rd... edge between the same two nodes so none hides another."""
    seen: dict[tuple[int, int], int] = {}
    for edge in edges:
        pair = (min(edge["from"], edge["to"]), max(edge["from"], edge["to"]))
        n = seen.get(pair, 0)
        seen[pair] = n + 1
        if n:
            edge["curve"] = round(0.18 * n, 2)


def build_overview(cat: Catalog) -> View:
    """The whole graph, coloured and shaped by kind."""
    graph = cat.graph
    all_nodes = sorted(graph.nodes)
    all_edges = cat.edges
    kept = all_nodes
    notice = ""
    if len(all_nodes) > MAX_NODES:
        kept = _keep_nodes(cat, all_nodes)
    keep = set(kept)
    edges = [e for e in all_edges if e[0] in keep and e[1] in keep]
    if len(edges) > MAX_EDGES:
        # A stable sort of edges already in (u, v, key) order: ties keep that order.
        edges = sorted(
            edges,
            key=lambda e: (
                _EDGE_RANK.get(str(e[3].get("relation")), 0),
                -len(cat.related.get(e[1], [])),
            ),
        )[:MAX_EDGES]
        edges.sort(key=lambda e: (e[0], e[1], str(e[2])))
    if len(kept) < len(all_nodes) or len(edges) < len(all_edges):
        dropped = {
            k: sum(1 for n in all_nodes if cat.kind[n] == k and n not in keep) for k in KIND_ORDER
        }
        what = ", ".join(f"{n:,} {k}s" for k, n in dropped.items() if n)
        notice = (
            f"This graph has {len(all_nodes):,} nodes and {len(all_edges):,} edges, more than one page can draw and stay responsive. "
            f"Showing {len(kept):,} nodes and {len(edges):,} edges"
            + (f"; left out: {what} (the least connected people and papers)" if what else "")
            + '. To see any part in full, focus on it: kg viz --focus "NAME" --depth 2, or open the co-authorship and categories views.'
        )

    ids = {n: i for i, n in enumerate(kept)}
    rows = [cat.record(n, ids[n]) for n in kept]
    positions, lanes = band_layout(cat, kept)
    for row, node in zip(rows, kept, strict=True):
        row["x"], row["y"] = positions[node]
        if cat.kind[node] == "paper":
            row["label"] = short_label(row["name"], limit=26)
        if cat.kind[node] == "person":
            row["size"] = round(7 + 3 * math.sqrt(len(cat.related.get(node, []))), 1)
    edge_rows = [edge_record(i, ids[u], ids[v], data) for i, (u, v, _key, data) in enumerate(edges)]
    parallel_curves(edge_rows)
    kinds = [k for k in KIND_ORDER if any(cat.kind[n] == k for n in kept)]
    return View(
        name="overview",
        title="Overview",
        summary="Every node and edge of the graph, coloured and shaped by kind. Papers run left to right by year; people above them, venues, categories and contributions below.",
        nodes=rows,
        edges=edge_rows,
        notice=notice,
        full_nodes=len(all_nodes),
        full_edges=len(all_edges),
        decor={"lanes": lanes},
        kinds=kinds,
    )


def _keep_nodes(cat: Catalog, nodes: list[str]) -> list[str]:
    """The nodes an over-budget overview keeps.

    Every structural node (venue, category, list, contribution) first; the most prolific
    people and the best connected papers share what is left of the budget.
    """
    degree = cat.degree
    structural = [n for n in nodes if cat.kind[n] not in ("paper", "person")]
    structural = sorted(structural, key=lambda n: (-degree[n], n))[:MAX_NODES]
    room = MAX_NODES - len(structural)
    people = sorted(
        (n for n in nodes if cat.kind[n] == "person"),
        key=lambda n: (-len(cat.related.get(n, [])), n),
    )
    papers = sorted((n for n in nodes if cat.kind[n] == "paper"), key=lambda n: (-degree[n], n))
    take_people = min(len(people), max(room - len(papers), int(room * _PEOPLE_SHARE)))
    take_papers = min(len(papers), room - take_people)
    take_people = min(len(people), room - take_papers)
    return sorted([*structural, *people[:take_people], *papers[:take_papers]])


def band_layout(
    cat: Catalog, nodes: list[str]
) -> tuple[dict[str, tuple[float, float]], list[JsonObj]]:
    """Positions by band; papers first (they anchor every other band)."""
    positions: dict[str, tuple[float, float]] = {}
    papers = sorted((n for n in nodes if cat.kind[n] == "paper"), key=lambda n: cat.paper_index[n])
    per_row = max(12, math.ceil(math.sqrt(len(papers) * 0.6)))
    paper_rows = max(1, math.ceil(len(papers) / per_row))
    # As wide as the papers need, and wide enough that all bands together are about
    # as wide as a screen relative to their height.
    width = max(per_row * _GAP * 2.2, math.sqrt(len(nodes)) * 110.0, 600.0)
    columns = max(1, math.ceil(len(papers) / paper_rows))
    step = max(width / max(columns - 1, 1) if columns >= per_row else 0.0, 170.0)
    width = max(width, step * (columns - 1))
    paper_x: dict[int, float] = {}
    for i, paper in enumerate(papers):
        col, row = divmod(i, paper_rows)
        x = round((col - (columns - 1) / 2) * step, 1)
        positions[paper] = (x, float(row * _ROW))
        paper_x[cat.paper_index[paper]] = x

    def wish(node: str) -> float:
        xs = [paper_x[p] for p in cat.related.get(node, []) if p in paper_x]
        return sum(xs) / len(xs) if xs else -width / 2

    lanes: list[JsonObj] = []
    top = 0.0
    bottom = paper_rows * _ROW
    lanes.append({"y": round(-_ROW / 2, 1), "h": round(paper_rows * _ROW, 1), "text": "Papers"})
    for name, kinds in _BANDS:
        if name == "Papers":
            continue
        members = sorted(
            (n for n in nodes if cat.kind[n] in kinds),
            key=lambda n: (wish(n), cat.label(n).casefold(), n),
        )
        if not members:
            continue
        rows = max(1, math.ceil(len(members) * _GAP * 1.6 / width))
        above = name == "People"
        band_rows: list[list[str]] = [members[r::rows] for r in range(rows)]
        height = rows * _ROW
        y0 = top - _BAND_GAP - height if above else bottom + _BAND_GAP - _ROW
        for r, row_nodes in enumerate(band_rows):
            xs = spread([wish(n) for n in row_nodes], _GAP * 1.4)
            for node, x in zip(row_nodes, xs, strict=True):
                positions[node] = (x, round(y0 + r * _ROW + (_ROW / 2 if above else _ROW), 1))
        lanes.append(
            {
                "y": round(y0 + (_ROW / 2 if above else _ROW) - _ROW / 2, 1),
                "h": round(height, 1),
                "text": name,
            }
        )
        if above:
            top = y0
        else:
            bottom = y0 + _ROW + height
    return positions, sorted(lanes, key=lambda lane: lane["y"])
