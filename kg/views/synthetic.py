"""A synthetic lineage graph of any size, in the shape the views read.

For measuring and testing the lineage layout at a size the curated data does not reach
(the issue asks for crossings "on a 500-node lineage"): papers across years, each newer
paper deriving from one to three older ones (mostly recent, sometimes a popular hub),
some papers introducing a method, a few methods extending another, and a share of papers
with no year. Deterministic: one ``random.Random(seed)``.
"""

from __future__ import annotations

import random

import networkx as nx

__all__ = ["synthetic_lineage"]

_RELATIONS = ("extends", "appliesMethodOf", "usesDataFrom", "improvesOn", "filtersDataOf")
_BASE = "https://example.org/"


def synthetic_lineage(
    papers: int, *, seed: int = 7, undated: float = 0.03, methods: float = 0.15
) -> nx.MultiDiGraph:
    """A ``MultiDiGraph`` like :func:`kg.graph.nx_convert.to_networkx` makes, lineage only.

    Args:
        papers: How many papers.
        seed: Random seed (the same arguments give the same graph).
        undated: Share of papers without a year.
        methods: Share of papers that introduce a method.
    """
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    ids = [f"{_BASE}paper/p{i:05d}" for i in range(papers)]
    years = sorted(2016 + min(9, int(rng.expovariate(0.35))) for _ in range(papers))
    for i, node in enumerate(ids):
        attrs: dict[str, object] = {"kind": "paper", "label": f"Paper {i}", "title": f"Paper {i}"}
        if rng.random() >= undated:
            attrs["year"] = years[i]
        graph.add_node(node, **attrs)
    method_ids: list[str] = []
    for i, node in enumerate(ids):
        if i and rng.random() < 0.85:
            for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
                j = i - 1 - min(i - 1, int(rng.expovariate(1 / 12)))
                if rng.random() < 0.3:
                    j = min(i - 1, int(rng.paretovariate(1.2)) - 1)
                relation = rng.choice(_RELATIONS)
                if not graph.has_edge(node, ids[j], relation):
                    graph.add_edge(
                        node,
                        ids[j],
                        relation,
                        relation=relation,
                        evidence=f"Paper {i} builds on paper {j}.",
                        source="https://example.org/evidence",
                    )
        if rng.random() < methods:
            method = f"{_BASE}method/m{len(method_ids):04d}"
            graph.add_node(method, kind="method", label=f"Method {len(method_ids)}")
            graph.add_edge(node, method, "introduces", relation="introduces")
            if method_ids and rng.random() < 0.3:
                base = rng.choice(method_ids)
                graph.add_edge(method, base, "extends", relation="extends")
            method_ids.append(method)
    return graph
