"""count_crossings with its orientation tests written out counts what it counted before.

The oracle is the counter as it was (commit 89d4abe), with its helper functions; the
positions are any finite floats (not only the small integers of the brute-force test in
tests/test_views_layered.py), so the written-out arithmetic must give the same floats.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.views.layout import count_crossings

Point = tuple[float, float]


def _orientation(a: Point, b: Point, c: Point) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(p: Point, q: Point, r: Point, s: Point) -> bool:
    d1, d2 = _orientation(r, s, p), _orientation(r, s, q)
    d3, d4 = _orientation(p, q, r), _orientation(p, q, s)
    return ((d1 > 0 > d2) or (d1 < 0 < d2)) and ((d3 > 0 > d4) or (d3 < 0 < d4))


def _reference(positions: dict[Hashable, Point], edges: Iterable[tuple[Hashable, Hashable]]) -> int:
    segments: list[tuple[Point, Point, frozenset[Hashable]]] = []
    seen: set[frozenset[Hashable]] = set()
    for u, v in edges:
        pair = frozenset((u, v))
        if u == v or pair in seen:
            continue
        seen.add(pair)
        a, b = positions[u], positions[v]
        segments.append((a, b, pair) if a <= b else (b, a, pair))
    segments.sort(key=lambda s: s[0][0])
    crossings = 0
    for i, (p, q, ends) in enumerate(segments):
        right = q[0]
        y0, y1 = min(p[1], q[1]), max(p[1], q[1])
        for r, s, other in segments[i + 1 :]:
            if r[0] > right:
                break
            if ends & other or max(r[1], s[1]) < y0 or min(r[1], s[1]) > y1:
                continue
            if _segments_cross(p, q, r, s):
                crossings += 1
    return crossings


_COORD = st.floats(-1e6, 1e6, allow_nan=False) | st.sampled_from([0.0, 1.0, 70.0, 0.1, 1 / 3])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(_COORD, _COORD), min_size=2, max_size=14), st.data())
def test_the_same_count_as_before_for_any_positions(
    points: list[Point], data: st.DataObject
) -> None:
    positions: dict[Hashable, Point] = dict(enumerate(points))
    pairs = list(itertools.permutations(range(len(points)), 2)) + [(0, 0)]
    edges = data.draw(st.lists(st.sampled_from(pairs), max_size=30))
    assert count_crossings(positions, edges) == _reference(positions, edges)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32), st.integers(2, 40))
def test_the_same_count_as_before_on_layered_columns(seed: int, size: int) -> None:
    """Columns of nodes with many equal coordinates (ties, collinear edges), as layouts make."""
    import random

    rng = random.Random(seed)
    positions: dict[Hashable, Point] = {
        f"n{i}": (float(rng.randint(0, 4) * 200), float(rng.randint(0, 6) * 70))
        for i in range(size)
    }
    names = list(positions)
    edges = [(rng.choice(names), rng.choice(names)) for _ in range(size * 2)]
    assert count_crossings(positions, edges) == _reference(positions, edges)
