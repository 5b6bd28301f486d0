"""Deterministic layouts, computed in Python so a page draws at once with physics off.

A force layout in the browser keeps a 500-node page behind a progress bar for half a
minute (see the performance notes), and its result changes from one load to the next.
These layouts are plain arithmetic over sorted inputs: the same graph always gives the
same coordinates, hence byte-identical pages. Coordinates are in vis-network canvas
units (about pixels at zoom 1) and rounded to one decimal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

__all__ = [
    "Point",
    "barycentre_order",
    "cluster_layout",
    "count_crossings",
    "layer_ranks",
    "spread",
    "sunflower",
]

Point = tuple[float, float]
N = TypeVar("N", bound=Hashable)

_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def spread(desired: Sequence[float], gap: float) -> list[float]:
    """Move sorted-by-wish positions apart so neighbours are at least ``gap`` apart.

    The result keeps the order of ``desired`` (which must be sorted) and is shifted so its
    mean equals the mean of the wishes.

    >>> spread([0.0, 0.0, 0.0], 10.0)
    [-10.0, 0.0, 10.0]
    """
    if not desired:
        return []
    placed: list[float] = []
    for wish in desired:
        placed.append(wish if not placed else max(wish, placed[-1] + gap))
    shift = (sum(desired) - sum(placed)) / len(placed)
    return [round(x + shift, 1) for x in placed]


def sunflower(count: int, spacing: float) -> list[Point]:
    """``count`` points on a sunflower spiral (the first at the centre), ``spacing`` apart.

    >>> sunflower(2, 10.0)[0]
    (0.0, 0.0)
    """
    points: list[Point] = []
    for i in range(count):
        r = spacing * math.sqrt(i) * 0.9
        angle = i * _GOLDEN_ANGLE
        points.append((round(r * math.cos(angle), 1), round(r * math.sin(angle), 1)))
    return points


def cluster_layout(
    clusters: Sequence[Sequence[N]], spacing: float, *, width: float | None = None
) -> tuple[dict[N, Point], list[tuple[Point, float]]]:
    """Lay out clusters as sunflower discs packed on shelves, largest first.

    Args:
        clusters: Groups of nodes, each ordered from most to least important (the first
            sits at its disc's centre).
        spacing: Distance between neighbouring nodes of a disc.
        width: Width of a shelf; default about the square root of the total area.

    Returns:
        The position of every node, and each cluster's (centre, radius) in input order.
    """
    radii = [spacing * (0.9 * math.sqrt(max(len(c) - 1, 0)) + 1.0) for c in clusters]
    if width is None:
        area = sum((2 * r + spacing) ** 2 for r in radii)
        width = max(math.sqrt(area) * 1.3, max((2 * r for r in radii), default=0.0))
    order = sorted(range(len(clusters)), key=lambda i: -len(clusters[i]))
    centres: dict[int, Point] = {}
    x = y = shelf = 0.0
    for i in order:
        d = 2 * radii[i] + spacing
        if x > 0 and x + d > width:
            x, y, shelf = 0.0, y + shelf, 0.0
        centres[i] = (x + d / 2, y + d / 2)
        x += d
        shelf = max(shelf, d)
    positions: dict[N, Point] = {}
    discs: list[tuple[Point, float]] = []
    for i, members in enumerate(clusters):
        cx, cy = centres[i]
        for node, (dx, dy) in zip(members, sunflower(len(members), spacing), strict=True):
            positions[node] = (round(cx + dx, 1), round(cy + dy, 1))
        discs.append(((round(cx, 1), round(cy, 1)), round(radii[i], 1)))
    return positions, discs


def layer_ranks(
    nodes: Iterable[N], before: Iterable[tuple[N, N]], group: Callable[[N], Hashable]
) -> dict[N, int]:
    """Depth of each node among the nodes of its group, so that ``a`` comes before ``b``.

    For each pair ``(a, b)`` of ``before`` whose two nodes share a group, ``b`` gets a
    depth greater than ``a``'s (longest path). A cycle cannot be satisfied; the relaxation
    stops after as many rounds as there are nodes, so it still ends.
    """
    ranks = dict.fromkeys(nodes, 0)
    pairs = sorted(
        {
            (a, b)
            for a, b in before
            if a in ranks and b in ranks and a != b and group(a) == group(b)
        },
        key=repr,
    )
    for _ in range(len(ranks)):
        changed = False
        for a, b in pairs:
            if ranks[b] < ranks[a] + 1:
                ranks[b] = ranks[a] + 1
                changed = True
        if not changed:
            break
    return ranks


def barycentre_order(
    columns: Sequence[list[N]], neighbours: dict[N, list[N]], *, sweeps: int = 4
) -> list[list[N]]:
    """Reorder the nodes of each column by the mean position of their neighbours.

    The classic crossing-reduction heuristic of layered drawings: alternate sweeps left
    to right and right to left; a node with no neighbour keeps its place. Ties keep the
    previous order, so the result is deterministic.
    """
    cols = [list(c) for c in columns]

    def place(pos: dict[N, float], col: list[N]) -> None:
        for i, node in enumerate(col):
            pos[node] = i - (len(col) - 1) / 2

    # Reordering one column moves only its own nodes: update those, not every column.
    pos: dict[N, float] = {}
    for col in cols:
        place(pos, col)
    for sweep in range(sweeps):
        indices = range(len(cols)) if sweep % 2 == 0 else range(len(cols) - 1, -1, -1)
        for c in indices:
            col = cols[c]
            members = set(col)
            keys: dict[N, float] = {}
            for node in col:
                around = [pos[m] for m in neighbours.get(node, []) if m in pos and m not in members]
                keys[node] = sum(around) / len(around) if around else pos[node]
            order = {node: i for i, node in enumerate(col)}
            cols[c] = sorted(col, key=lambda n: (keys[n], order[n]))
            place(pos, cols[c])
    return cols


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    """Whether segments ``pq`` and ``rs`` cross at a point inside both (touching is not)."""
    d1, d2 = _orientation(r, s, p), _orientation(r, s, q)
    d3, d4 = _orientation(p, q, r), _orientation(p, q, s)
    return ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4))


def count_crossings(positions: dict[N, Point], edges: Iterable[tuple[N, N]]) -> int:
    """How many pairs of edges, drawn as straight segments, cross each other.

    Edges that share an end, self-loops and repeated edges between the same two nodes
    are not counted (they meet at a node, not in a crossing); collinear overlaps are not
    counted either. The count is of the drawing as given, whatever made the positions,
    so it measures any layout. Edges are bucketed by their horizontal extent, so only
    pairs whose extents overlap are tested.

    >>> count_crossings({"a": (0, 0), "b": (2, 2), "c": (0, 2), "d": (2, 0)},
    ...                 [("a", "b"), ("c", "d")])
    1
    >>> count_crossings({"a": (0, 0), "b": (2, 0), "c": (0, 2), "d": (2, 2)},
    ...                 [("a", "b"), ("c", "d")])
    0
    """
    # Each segment as plain numbers, left end first: (px, py, qx, qy, low y, high y, u, v).
    segments: list[tuple[float, float, float, float, float, float, N, N]] = []
    seen: set[frozenset[N]] = set()
    for u, v in edges:
        pair = frozenset((u, v))
        if u == v or pair in seen:
            continue
        seen.add(pair)
        a, b = positions[u], positions[v]
        (px, py), (qx, qy) = (a, b) if a <= b else (b, a)
        segments.append((px, py, qx, qy, min(py, qy), max(py, qy), u, v))
    segments.sort(key=lambda s: s[0])
    crossings = 0
    count = len(segments)
    # The loop of a large lineage view (tens of millions of pairs): the orientation
    # tests of _segments_cross are written out here, term for term (the same floats),
    # and the shared-end test compares the two ends rather than intersecting sets.
    for i in range(count):
        px, py, qx, qy, y0, y1, u, v = segments[i]
        for j in range(i + 1, count):
            rx, ry, sx, sy, low, high, w, z = segments[j]
            if rx > qx:
                break
            if high < y0 or low > y1 or u == w or u == z or v == w or v == z:
                continue
            d1 = (sx - rx) * (py - ry) - (sy - ry) * (px - rx)
            d2 = (sx - rx) * (qy - ry) - (sy - ry) * (qx - rx)
            if not ((d1 > 0 > d2) or (d1 < 0 < d2)):
                continue
            d3 = (qx - px) * (ry - py) - (qy - py) * (rx - px)
            d4 = (qx - px) * (sy - py) - (qy - py) * (sx - px)
            if (d3 > 0 > d4) or (d3 < 0 < d4):
                crossings += 1
    return crossings
