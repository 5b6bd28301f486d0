"""The graph as desktop graph tools read it: GraphML for Gephi/Cytoscape, Cytoscape.js JSON.

The networkx projection states every lineage edge twice (its typed relation, and
``prov:wasDerivedFrom`` so that plain SPARQL sees all lineage), has a ``family``
self-loop on every method that is its own family's root, and uses IRIs as node ids.
Gephi and Cytoscape draw each of those as it is: doubled arrows, loops, and (for the
GraphML schema, which types ids as ``xs:NMTOKEN``) invalid ids. :func:`for_tools` makes
the graph they should see:

- one edge per lineage relation (a ``wasDerivedFrom`` edge is dropped when a typed edge
  joins the same two works), with its ``relation`` and ``evidence``/``source``, and a
  ``label`` (the relation) that Gephi shows as the edge label; no self-loops;
- node ids ``n0``, ``n1``... in IRI order with the IRI kept as ``iri``; edge ids
  ``e0``, ``e1``... in edge order;
- ``color`` (``#rrggbb``, Cytoscape's passthrough mapping and Gephi's ``color``), ``r``,
  ``g``, ``b`` (integers, Gephi's GraphML importer), ``size`` (by degree) and ``x``,
  ``y`` (the overview's bands, y pointing up as Gephi draws it).

The same graph always gives the same result (sorted ids, deterministic layout).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.export.json_text import indented_items

if TYPE_CHECKING:
    from kg.views.catalog import Catalog

__all__ = ["ToolsGraph", "cytoscape_pieces", "for_tools", "to_cytoscape_json"]

_DERIVED = "wasDerivedFrom"


def _kept_edges(
    edges: list[tuple[str, str, Any, dict[str, Any]]],
) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """The edges a tool should draw, of every edge sorted by ``(u, v, str(key))``."""
    typed = {
        (u, v)
        for u, v, _, d in edges
        if d.get("relation") not in (None, _DERIVED, "creator") and u != v
    }
    return [
        (u, v, k, d)
        for u, v, k, d in edges
        if u != v and not (d.get("relation") == _DERIVED and (u, v) in typed)
    ]


class ToolsGraph:
    """The graph for tools (see the module notes) as rows made on demand, not a second graph.

    What :func:`for_tools` returns, as the GraphML and Cytoscape.js writers read it:
    ``nodes(data=...)`` and ``edges(keys=..., data=...)`` as networkx gives them, in the
    order a ``MultiDiGraph`` built from them would list them (nodes in IRI order; edges
    by source, target and key). Each call makes the attribute dictionaries anew, from
    the projection's: at 100,000 papers a second ``MultiDiGraph`` took 350 MB for the
    few seconds the two files need it.
    """

    graph: dict[str, Any] = {}  # noqa: RUF012 - read only: a tools graph has no graph attributes

    def __init__(self, graph: nx.MultiDiGraph, *, catalog: Catalog | None = None) -> None:
        from kg.views.catalog import Catalog
        from kg.views.overview import band_layout

        cat = catalog if catalog is not None else Catalog.of(graph)
        self._nodes = sorted(graph.nodes)
        self._attributes = graph.nodes
        self._ids = {n: f"n{i}" for i, n in enumerate(self._nodes)}
        self._edges = _kept_edges(cat.edges)
        degree = dict.fromkeys(self._nodes, 0)
        for u, v, _, _ in self._edges:
            degree[u] += 1
            degree[v] += 1
        self._degree = degree
        self._positions, _ = band_layout(cat, self._nodes)

    def number_of_nodes(self) -> int:
        """How many nodes (as ``MultiDiGraph.number_of_nodes``)."""
        return len(self._nodes)

    def number_of_edges(self) -> int:
        """How many edges (as ``MultiDiGraph.number_of_edges``)."""
        return len(self._edges)

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.values())

    def nodes(self, data: bool = False) -> Iterator[Any]:
        """Node ids in IRI order, or ``(id, attributes)`` with ``data``."""
        if not data:
            yield from self._ids.values()
            return
        from kg.views.view import KIND_STYLE

        attributes, ids, degree, positions = (
            self._attributes,
            self._ids,
            self._degree,
            self._positions,
        )
        for node in self._nodes:
            attrs = dict(attributes[node])
            colour = str(KIND_STYLE.get(str(attrs.get("kind")), {}).get("color", "#888888"))
            x, y = positions[node]
            attrs.update(
                iri=node,
                color=colour,
                r=int(colour[1:3], 16),
                g=int(colour[3:5], 16),
                b=int(colour[5:7], 16),
                size=round(6.0 + 3.0 * math.sqrt(degree[node]), 1),
                x=float(x),
                y=float(-y),
            )
            yield ids[node], attrs

    def edges(self, keys: bool = False, data: bool = False) -> Iterator[tuple[Any, ...]]:
        """``(source id, target id)`` of every edge, then its key and its attributes if asked.

        In adjacency order: the kept edges are sorted by source and target IRI, as the
        nodes are, so their own order is the one a ``MultiDiGraph`` built from them lists
        them in.
        """
        ids = self._ids
        for i, (u, v, _, attrs) in enumerate(self._edges):
            row: tuple[Any, ...] = (ids[u], ids[v])
            if keys:
                row += (f"e{i}",)
            if data:
                row += (dict(label=str(attrs.get("relation", "")), **attrs),)
            yield row


def for_tools(graph: nx.MultiDiGraph, *, catalog: Catalog | None = None) -> nx.MultiDiGraph:
    """The graph Gephi, Cytoscape and the GraphML schema expect (see the module notes).

    The rows of :class:`ToolsGraph` as a ``MultiDiGraph``; the exporters read the rows
    themselves.

    Args:
        graph: The networkx projection (:func:`kg.graph.nx_convert.to_networkx`).
        catalog: ``Catalog.of(graph)``, when the caller has it already (a build shares
            it with the views); made here otherwise.
    """
    rows = ToolsGraph(graph, catalog=catalog)
    out = nx.MultiDiGraph()
    # In two calls, as add_node/add_edge one by one would add them (same attribute order).
    out.add_nodes_from(rows.nodes(data=True))
    out.add_edges_from(rows.edges(keys=True, data=True))
    return out


def to_cytoscape_json(
    graph: nx.MultiDiGraph, *, tools: nx.MultiDiGraph | ToolsGraph | None = None
) -> bytes:
    """Cytoscape.js elements JSON (``graph.cyjs``): Cytoscape Desktop and cytoscape.js read it.

    ``{"elements": {"nodes": [{"data": {...}, "position": {x, y}}], "edges": [...]}}``
    with the attributes of :func:`for_tools` (colour, size, relation, evidence) in
    ``data``; the same bytes for the same graph. ``tools``: ``for_tools(graph)``, when the
    caller has it already (a build writes it as GraphML too).
    """
    return b"".join(cytoscape_pieces(tools if tools is not None else ToolsGraph(graph)))


def cytoscape_pieces(tools: nx.MultiDiGraph | ToolsGraph) -> Iterator[bytes]:
    """The bytes of :func:`to_cytoscape_json` of a :func:`for_tools` graph, in pieces.

    The text is ``json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1)``
    of the document above, written around its two long lists, whose elements are made
    and written a few thousand at a time: at 100,000 papers the file is about 0.3 GB,
    and made whole, the elements, the text and the bytes were each in memory at once.
    """
    # The document's keys in sorted order: data, elements (edges, nodes), then the rest.
    yield b'{\n "data": {\n  "name": "LineageKG"\n },\n "elements": {\n  "edges": '
    edges = (
        {"data": {**data, "id": key, "source": u, "target": v}}
        for u, v, key, data in tools.edges(keys=True, data=True)
    )
    yield from _encoded(indented_items(edges, **_CYJS_LIST))
    yield b',\n  "nodes": '
    yield from _encoded(indented_items(map(_cytoscape_node, tools.nodes(data=True)), **_CYJS_LIST))
    yield (
        b'\n },\n "format_version": "1.0",\n "generated_by": "LineageKG",\n'
        b' "target_cytoscapejs_version": "~3"\n}\n'
    )


#: How the element lists are written: the settings of the whole document, at depth 2.
_CYJS_LIST: dict[str, Any] = {
    "level": 2,
    "indent": 1,
    "sort_keys": True,
    "ensure_ascii": False,
    "allow_nan": False,
}


def _cytoscape_node(item: tuple[Any, dict[str, Any]]) -> dict[str, Any]:
    node, attrs = item
    data = {k: v for k, v in attrs.items() if k not in ("x", "y", "r", "g", "b")}
    data["id"] = node
    data["name"] = str(attrs.get("label", ""))
    # Cytoscape Desktop's y points down, as the views' canvas does.
    return {"data": data, "position": {"x": attrs["x"], "y": -attrs["y"]}}


def _encoded(pieces: Iterator[str]) -> Iterator[bytes]:
    return (piece.encode("utf-8") for piece in pieces)
