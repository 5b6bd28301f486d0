"""Interactive, offline HTML views of the graph (filled in by the views work)."""

from __future__ import annotations

import networkx as nx

from kg.model import KnowledgeBase

__all__ = ["render_views"]


def render_views(kb: KnowledgeBase, graph: nx.MultiDiGraph) -> dict[str, bytes]:
    """Render every view; returns file name -> HTML bytes."""
    return {}
