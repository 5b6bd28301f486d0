"""What one page shows: nodes and edges with positions, decorations, and any notice.

Builders (one module per view) produce a :class:`View`; :mod:`kg.views.page` turns it
into HTML. The budgets here bound what a page asks the browser to draw: past them a
view degrades on purpose (caps or aggregates) and says so in its notice, rather than
handing vis-network a graph that freezes the tab.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.views.catalog import JsonObj, web_links

__all__ = ["KIND_STYLE", "MAX_EDGES", "MAX_NODES", "View", "edge_record", "relation_text"]

#: Most nodes a view draws (static layout; about 1 s to first draw on a slow CPU).
MAX_NODES = 2000
#: Most edges a view draws.
MAX_EDGES = 5000

#: Colour, vis-network shape and legend text of each kind ("coloured and shaped by kind").
KIND_STYLE: dict[str, JsonObj] = {
    "paper": {"color": "#4e79a7", "shape": "square", "text": "Paper"},
    "person": {"color": "#f28e2b", "shape": "dot", "text": "Person"},
    "venue": {"color": "#59a14f", "shape": "triangle", "text": "Venue"},
    "category": {"color": "#76b7b2", "shape": "hexagon", "text": "Category"},
    "list": {"color": "#9c755f", "shape": "star", "text": "Paper list"},
    "method": {"color": "#e15759", "shape": "diamond", "text": "Method"},
    "dataset": {"color": "#edc948", "shape": "triangleDown", "text": "Dataset"},
    "model": {"color": "#b07aa1", "shape": "dot", "text": "Model"},
    "benchmark": {"color": "#ff9da7", "shape": "square", "text": "Benchmark"},
    "cell": {"color": "#4e79a7", "shape": "dot", "text": "Papers (aggregated)"},
}


def relation_text(relation: str) -> str:
    """A relation name as words: ``appliesMethodOf`` -> ``applies method of``.

    >>> relation_text("usesDataFrom")
    'uses data from'
    """
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", relation).lower()


def edge_record(
    edge_id: int, source: int, target: int, data: dict[str, object], *, words: bool = True
) -> JsonObj:
    """The JSON row of one graph edge: ids, relation, and its evidence when curated."""
    relation = str(data.get("relation", ""))
    row: JsonObj = {
        "id": edge_id,
        "from": source,
        "to": target,
        "rel": relation_text(relation) if words else relation,
    }
    if data.get("evidence"):
        row["text"] = str(data["evidence"])
    if data.get("source"):
        row["l"] = web_links([["Evidence", str(data["source"])]])
    return row


@dataclass
class View:
    """One page's content.

    Attributes:
        name: File stem (``overview`` -> ``overview.html``).
        title: Page title.
        summary: One sentence under the title: what is drawn and how it is laid out.
        nodes: Node rows (see :meth:`kg.views.catalog.Catalog.record`) with ``x``, ``y``
            and optionally ``size``, ``shape``, ``group``, ``cats``.
        edges: Edge rows: ``id``, ``from``, ``to``, ``rel`` and optionally ``text``
            (evidence), ``l`` (links), ``pp`` (paper indices), ``w`` (width), ``curve``.
        directed: Draw arrows.
        edge_labels: Draw each edge's relation on it.
        notice: Shown above the graph when the view is degraded or empty.
        full_nodes: Nodes the view would hold without its budget.
        full_edges: Edges the view would hold without its budget.
        decor: Canvas decorations: ``columns`` [{x, text}], ``lanes`` [{y, h, text}],
            ``discs`` [{x, y, r, text, group}].
        kinds: Kinds shown in the legend and the kind filter, in order.
    """

    name: str
    title: str
    summary: str
    nodes: list[JsonObj] = field(default_factory=list)
    edges: list[JsonObj] = field(default_factory=list)
    directed: bool = True
    edge_labels: bool = False
    notice: str = ""
    full_nodes: int = 0
    full_edges: int = 0
    decor: JsonObj = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
