"""The GraphML writer as it was before its fast paths (commit 89d4abe): the oracle of
tests/test_graphml_fast.py, which checks that the current writer gives the same text,
and the same errors, for any graph."""

# ruff: noqa: E501
from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import networkx as nx

from kg.errors import UnsupportedAttributeError

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2**63


#: How the values of a tuple attribute are joined in the file.
JOIN = "; "


def _coerce(values: list[Any], name: str) -> type:
    kinds = {str if type(v) is tuple else type(v) for v in values}
    for value in values:
        if type(value) is tuple and all(isinstance(part, str) for part in value):
            continue
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
    if type(value) is tuple:
        value = JOIN.join(value)
    if to is str:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return _XML_ILLEGAL.sub("", text)
    return to(value)


def _unchanged(values: dict[str, list[Any]], types: dict[str, type]) -> bool:
    """Whether :func:`_clean` would return every value as it is (same type, no illegal text)."""
    for name, found in values.items():
        to = types[name]
        if to is str:
            if any(type(value) is not str and type(value) is not tuple for value in found):
                return False
            if _XML_ILLEGAL.search("".join(v if type(v) is str else "".join(v) for v in found)):
                return False
        elif any(type(value) is not to for value in found):
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


_XML_TYPE = {bool: "boolean", int: "long", float: "double", str: "string"}
_GRAPHML_OPEN = (
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def _text(value: str) -> str:
    """Character data escaped as ElementTree escapes it."""
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attribute(value: str) -> str:
    """An attribute value escaped as ElementTree escapes it."""
    value = _text(value)
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\r" in value:
        value = value.replace("\r", "&#13;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#09;")
    return value


def _generate(graph: nx.MultiDiGraph, *, scoped_keys: bool = False) -> str | None:
    """The text ``nx.generate_graphml(graph, prettyprint=True, named_key_ids=True)`` joins to.

    networkx builds an ElementTree and serialises it in pure Python, which took most of
    a build's GraphML time; this writes the same text directly: keys newest first, two
    spaces of indent, ASCII with character references, the lines ``splitlines`` gives.
    Returns ``None`` (use networkx) for what it does not cover: graph attributes, or a
    value of another type than ``str``, ``int``, ``float`` or ``bool``. With
    ``scoped_keys``, key ids are ``node.NAME`` / ``edge.NAME``, unique even when nodes and
    edges share an attribute name (networkx would write two keys with one id).
    """
    if type(graph) is not nx.MultiDiGraph or graph.graph:
        return None
    keys: dict[tuple[str, str, str], str] = {}
    body: list[str] = []

    def element(tag: str, head: str, data: dict[str, Any], scope: str) -> bool:
        if not data:
            body.append(f"    <{tag} {head} />")
            return True
        body.append(f"    <{tag} {head}>")
        for name, value in data.items():
            if type(value) is tuple:
                value = JOIN.join(value)
            xml_type = _XML_TYPE.get(type(value))
            if xml_type is None:
                return False
            key = f"{scope}.{name}" if scoped_keys else str(name)
            if (key, xml_type, scope) not in keys:
                keys[(key, xml_type, scope)] = (
                    f'  <key id="{_attribute(key)}" for="{scope}" attr.name="{_attribute(str(name))}" attr.type="{xml_type}" />'
                )
            text = str(value)
            body.append(
                f'      <data key="{_attribute(key)}">{_text(text)}</data>'
                if text
                else f'      <data key="{_attribute(key)}" />'
            )
        body.append(f"    </{tag}>")
        return True

    for node, data in graph.nodes(data=True):
        if not element("node", f'id="{_attribute(str(node))}"', data, "node"):
            return None
    for u, v, key, data in graph.edges(keys=True, data=True):
        head = f'source="{_attribute(str(u))}" target="{_attribute(str(v))}" id="{_attribute(str(key))}"'
        if not element("edge", head, data, "edge"):
            return None
    lines = [_GRAPHML_OPEN, *reversed(keys.values())]
    if body:
        lines += ['  <graph edgedefault="directed">', *body, "  </graph>"]
    else:
        lines.append('  <graph edgedefault="directed" />')
    lines.append("</graphml>")
    text = "\n".join(lines)
    if not text.isascii():
        text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    if any(brk in text for brk in "\r\x0b\x0c\x1c\x1d\x1e"):  # other line breaks than \n
        text = "\n".join(text.splitlines())
    return text


def reference_graphml(graph: nx.MultiDiGraph) -> str:
    """``to_graphml(graph, for_tools=False)`` as it was, as text."""
    clean = _sanitised(graph)
    text = _generate(clean)
    if text is None:
        text = "\n".join(
            nx.generate_graphml(clean, encoding="utf-8", prettyprint=True, named_key_ids=True)
        )
    return "<?xml version='1.0' encoding='utf-8'?>\n" + text + "\n"
