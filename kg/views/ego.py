"""The ego view: one person, paper, method, venue or category and its neighbourhood.

``kg viz --focus NAME --depth N`` finds the node by name (any written variant, alias or
arXiv id counts; case and accents are ignored), then takes every node within ``N`` steps
along edges in either direction. Venues, categories and paper lists are reached but not
walked through unless they are the focus: each touches a large share of all papers, so
walking through one would pull in most of the graph. The layout is radial: the focus in
the centre, one ring per step.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict

from kg.errors import FocusError
from kg.text import fold, slugify
from kg.views.catalog import CONTRIBUTION_KINDS, KIND_ORDER, Catalog, JsonObj, split_values
from kg.views.overview import parallel_curves
from kg.views.view import MAX_EDGES, MAX_NODES, View, edge_record

__all__ = ["build_ego", "find_focus"]

_FOCUS_KINDS = ("person", "paper", "venue", "category", *CONTRIBUTION_KINDS)
_HUBS = {"venue", "category", "list"}
_RING = 280.0
_SPACING = 70.0


def _names(cat: Catalog, node: str) -> list[str]:
    attrs = cat.graph.nodes[node]
    names = [cat.label(node), cat.title(node)]
    for key in ("nameVariant", "nick", "altLabel", "arxivId", "prefLabel"):
        names.extend(split_values(attrs.get(key)))
    return sorted(set(names))


def _describe(cat: Catalog, node: str) -> str:
    kind = cat.kind[node]
    year = cat.year_of.get(node)
    return f"{cat.title(node)} ({kind}{', ' + str(year) if year and kind == 'paper' else ''})"


def find_focus(cat: Catalog, name: str) -> str:
    """The one node ``name`` designates.

    ``name`` may start with a kind and a colon (``venue:ICLR``) to choose among nodes of
    different kinds that share a name. An exact name (ignoring case and accents) wins over
    a partial one.

    Raises:
        FocusError: nothing matches (the message suggests close names), or several nodes
            match (the message lists them).
    """
    wanted_kind = None
    query = name.strip()
    head, sep, rest = query.partition(":")
    if sep and head.strip().lower() in _FOCUS_KINDS and rest.strip():
        wanted_kind, query = head.strip().lower(), rest.strip()
    if not query:
        raise FocusError("--focus needs a name: a person, paper title, method, venue or category")
    key = fold(query)
    nodes = [
        n
        for n in sorted(cat.kind)
        if cat.kind[n] in _FOCUS_KINDS and (wanted_kind is None or cat.kind[n] == wanted_kind)
    ]
    names = {n: [fold(x) for x in _names(cat, n)] for n in nodes}
    exact = [n for n in nodes if key in names[n]]
    # Then names with a word starting with the query, then names merely containing it.
    starts = re.compile(r"(?<![a-z0-9])" + re.escape(key))
    found = (
        exact
        or [n for n in nodes if any(starts.search(x) for x in names[n])]
        or [n for n in nodes if any(key in x for x in names[n])]
    )
    if len(found) == 1:
        return found[0]
    if not found:
        everything = sorted({x for n in nodes for x in _names(cat, n)})
        close = difflib.get_close_matches(query, everything, n=5, cutoff=0.6)
        hint = (
            f" Did you mean: {', '.join(repr(c) for c in close)}?"
            if close
            else " Try part of a name, e.g. a surname or a word of a title."
        )
        raise FocusError(f"no person, paper, method, venue or category is named {name!r}.{hint}")
    listed = sorted(
        found,
        key=lambda n: (
            KIND_ORDER.index(cat.kind[n]) if cat.kind[n] in KIND_ORDER else 99,
            cat.title(n).casefold(),
        ),
    )
    shown = "\n".join(f"  {_describe(cat, n)}" for n in listed[:15])
    more = f"\n  ... and {len(listed) - 15} more" if len(listed) > 15 else ""
    raise FocusError(
        f'{name!r} matches {len(found)} nodes; give the full name, or prefix a kind (e.g. "person:{cat.label(listed[0])}"):\n{shown}{more}'
    )


def build_ego(cat: Catalog, focus: str, depth: int) -> View:
    """The neighbourhood of ``focus`` (a node id) up to ``depth`` steps."""
    graph = cat.graph
    levels: list[list[str]] = [[focus]]
    seen = {focus}
    parents: dict[str, list[str]] = defaultdict(list)
    for _ in range(depth):
        frontier: set[str] = set()
        for node in levels[-1]:
            if node != focus and cat.kind[node] in _HUBS:
                continue
            for other in sorted(set(graph.successors(node)) | set(graph.predecessors(node))):
                if other not in seen:
                    frontier.add(other)
                    parents[other].append(node)
        if not frontier:
            break
        seen |= frontier
        levels.append(sorted(frontier))
    full_nodes = sum(len(level) for level in levels)
    notice = ""
    kept_levels = levels
    if full_nodes > MAX_NODES:
        kept_levels, budget = [], MAX_NODES
        for level in levels:
            ranked = sorted(level, key=lambda n: (-graph.degree(n), n))[:budget]
            kept_levels.append(sorted(ranked))
            budget -= len(ranked)
            if budget <= 0:
                break
    kept = sorted(n for level in kept_levels for n in level)
    keep = set(kept)
    all_edges = sorted(
        (
            (u, v, k, d)
            for u, v, k, d in graph.edges(keys=True, data=True)
            if u in seen and v in seen
        ),
        key=lambda e: (e[0], e[1], str(e[2])),
    )
    edges = [e for e in all_edges if e[0] in keep and e[1] in keep]
    if len(edges) > MAX_EDGES:
        edges = edges[:MAX_EDGES]
    if len(kept) < full_nodes or len(edges) < len(all_edges):
        notice = (
            f"Within {depth} steps of {cat.title(focus)} lie {full_nodes:,} nodes and {len(all_edges):,} edges; showing the {len(kept):,} best connected and {len(edges):,} edges. "
            "Use a smaller --depth to see all of a closer neighbourhood."
        )

    ids = {n: i for i, n in enumerate(kept)}
    angle: dict[str, float] = {focus: 0.0}
    pos: dict[str, tuple[float, float]] = {focus: (0.0, 0.0)}
    kind_rank = {k: i for i, k in enumerate(KIND_ORDER)}
    for d, level in enumerate(kept_levels[1:], start=1):

        def wish(n: str) -> float:
            around = [angle[p] for p in parents[n] if p in angle]
            if not around:
                return 0.0
            return math.atan2(
                sum(math.sin(a) for a in around), sum(math.cos(a) for a in around)
            ) % (2 * math.pi)

        order = sorted(
            level,
            key=lambda n: (
                round(wish(n), 6) if d > 1 else kind_rank.get(cat.kind[n], 99),
                cat.title(n).casefold(),
                n,
            ),
        )
        radius = max(d * _RING, len(order) * _SPACING / (2 * math.pi))
        for i, node in enumerate(order):
            a = 2 * math.pi * i / len(order) - math.pi / 2
            angle[node] = a % (2 * math.pi)
            pos[node] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
    rows: list[JsonObj] = []
    for node in kept:
        row = cat.record(node, ids[node])
        row["x"], row["y"] = pos[node]
        if node == focus:
            row["size"] = 32
            row["focus"] = True
        rows.append(row)
    edge_rows = [edge_record(i, ids[u], ids[v], d) for i, (u, v, _, d) in enumerate(edges)]
    parallel_curves(edge_rows)
    title = cat.title(focus)
    return View(
        name=f"ego-{slugify(cat.label(focus), max_length=60)}",
        title=f"Around {title}",
        summary=f"Everything within {depth} step{'s' if depth != 1 else ''} of this {cat.kind[focus]}, one ring per step (venues, categories and lists are shown but not walked through).",
        nodes=rows,
        edges=edge_rows,
        edge_labels=len(edge_rows) <= 150,
        notice=notice,
        full_nodes=full_nodes,
        full_edges=len(all_edges),
        kinds=[k for k in KIND_ORDER if any(cat.kind[n] == k for n in kept)],
    )
