"""GraphML export that always loads in networkx and igraph.

networkx's ``write_graphml`` refuses ``None``/list/dict values (after truncating the
target file), writes control characters that make the XML unreadable, and declares one
``<key>`` per Python type, so an attribute that is an ``int`` on one node and a ``str``
on another becomes two keys with the same name, which igraph rejects. This module
decides one type per attribute name before writing and serialises to memory, so the
caller can write the bytes atomically.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.errors import UnsupportedAttributeError

__all__ = ["to_graphml"]

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2**63


def _coerce(values: list[Any], name: str) -> type:
    kinds = {type(v) for v in values}
    for value in values:
        if not isinstance(value, str | int | float | bool):
            raise UnsupportedAttributeError(
                f"attribute {name!r} has a {type(value).__name__} value; GraphML takes str, int, float or bool"
            )
        if isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64:
            return str
    if len(kinds) == 1:
        return kinds.pop()
    if kinds <= {int, float}:
        return float
    return str


def _clean(value: Any, to: type) -> Any:
    if to is str:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return _XML_ILLEGAL.sub("", text)
    return to(value)


def _unchanged(values: dict[str, list[Any]], types: dict[str, type]) -> bool:
    """Whether :func:`_clean` would return every value as it is (same type, no illegal text)."""
    for name, found in values.items():
        to = types[name]
        if any(type(value) is not to for value in found):
            return False
        if to is str and _XML_ILLEGAL.search("".join(found)):
            return False
    return True


def _sanitised(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    node_values: dict[str, list[Any]] = defaultdict(list)
    edge_values: dict[str, list[Any]] = defaultdict(list)
    for _, data in graph.nodes(data=True):
        for key, value in data.items():
            node_values[key].append(value)
    for *_, data in graph.edges(keys=True, data=True):
        for key, value in data.items():
            edge_values[key].append(value)
    node_types = {k: _coerce(v, k) for k, v in node_values.items()}
    edge_types = {k: _coerce(v, k) for k, v in edge_values.items()}
    if type(graph) is nx.MultiDiGraph and not graph.graph:
        ids = {"": list(graph), " ": [key for *_, key in graph.edges(keys=True)]}
        if (
            _unchanged(ids, dict.fromkeys(ids, str))
            and _unchanged(node_values, node_types)
            and _unchanged(edge_values, edge_types)
        ):
            return graph  # the copy below would be equal: skip it (most graphs, and it is slow)
    out = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        out.add_node(_clean(node, str), **{k: _clean(v, node_types[k]) for k, v in data.items()})
    if out.number_of_nodes() != graph.number_of_nodes():
        raise UnsupportedAttributeError("two nodes have the same id once written as text")
    for u, v, key, data in graph.edges(keys=True, data=True):
        out.add_edge(
            _clean(u, str),
            _clean(v, str),
            key=_clean(key, str),
            **{k: _clean(x, edge_types[k]) for k, x in data.items()},
        )
    return out


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    """Serialise ``graph`` as GraphML bytes, one declared type per attribute name.

    Raises:
        UnsupportedAttributeError: a value is not a scalar, or two node ids collide.
    """
    lines = nx.generate_graphml(
        _sanitised(graph), encoding="utf-8", prettyprint=True, named_key_ids=True
    )
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + "\n".join(lines) + "\n").encode("utf-8")
