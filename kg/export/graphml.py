"""GraphML export that always loads in networkx and igraph.

networkx's ``write_graphml`` refuses ``None``/list/dict values (after truncating the
target file), writes control characters that make the XML unreadable, and declares one
``<key>`` per Python type, so an attribute that is an ``int`` on one node and a ``str``
on another becomes two keys with the same name, which igraph rejects. This module
decides one type per attribute name before writing and serialises to memory, so the
caller can write the bytes atomically.

A tuple of strings is an attribute with several values (the networkx projection carries
them so, :mod:`kg.graph.nx_convert`); GraphML has no list type, so it is written, and
only here, as one string joined by ``"; "``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Union

import networkx as nx

from kg.errors import UnsupportedAttributeError

if TYPE_CHECKING:
    from kg.export.graph_tools import ToolsGraph

__all__ = ["to_graphml"]

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_INT64 = 2**63

#: What the writer takes: a networkx graph, or the rows of a tools graph.
Graph = Union[nx.MultiDiGraph, "ToolsGraph"]


#: How the values of a tuple attribute are joined in the file.
JOIN = "; "


_PLAIN = frozenset({str, int, float, bool, tuple})


class _Survey:
    """What the writer must know of one attribute's values, learnt one value at a time.

    Its type in the file (:meth:`coerced`: one type per attribute name, as igraph
    needs) and whether every value would be written as it is (:meth:`unchanged`).
    Only a few facts are kept, not the values: at 100,000 papers the lists of every
    node's and edge's values held 115 MiB while the GraphML was written (traced).
    """

    __slots__ = ("bad_join", "illegal", "kinds", "last", "low", "high", "plain_tuples", "texts")

    def __init__(self) -> None:
        self.kinds: set[type] = set()
        self.plain_tuples = True  # every tuple holds parts of exactly type str
        self.low: int | None = None  # the least and greatest value of exactly type int
        self.high: int | None = None
        # The first value, in order, that decides a type with values that are not plain:
        # a value GraphML cannot take (an error), or an integer wider than 64 bits (str).
        self.last: UnsupportedAttributeError | type | None = None
        self.texts: list[str] = []  # the text of str and tuple values, not yet searched
        self.illegal = False  # a character XML cannot hold was found in that text
        self.bad_join: TypeError | None = None  # a tuple whose parts cannot be joined

    def add(self, value: Any, name: Any) -> None:
        """Take one more value of the attribute ``name``."""
        kind = type(value)
        self.kinds.add(kind)
        if kind is str:
            self._text(value)
        elif kind is int:
            if self.low is None or value < self.low:
                self.low = value
            if self.high is None or value > self.high:
                self.high = value
        elif kind is tuple:
            if self.plain_tuples and not all(type(part) is str for part in value):
                self.plain_tuples = False
            try:
                self._text("".join(value))
            except TypeError as err:
                self.bad_join = self.bad_join or err
        if self.last is not None or (
            kind is tuple and all(isinstance(part, str) for part in value)
        ):
            return
        if not isinstance(value, str | int | float | bool):
            self.last = UnsupportedAttributeError(
                f"attribute {name!r} has a {kind.__name__} value; GraphML takes str, int, float or bool"
            )
        elif (
            isinstance(value, int) and not isinstance(value, bool) and not -_INT64 <= value < _INT64
        ):
            self.last = str

    def _text(self, text: str) -> None:
        self.texts.append(text)
        if len(self.texts) >= 4096:
            self._search()

    def _search(self) -> None:
        if self.texts and not self.illegal and _XML_ILLEGAL.search("".join(self.texts)):
            self.illegal = True
        self.texts.clear()

    def coerced(self) -> type:
        """The one type the attribute is written as.

        Raises:
            UnsupportedAttributeError: a value is not a str, int, float, bool or tuple of str.
        """
        kinds = {str if kind is tuple else kind for kind in self.kinds}
        if self.kinds <= _PLAIN and self.plain_tuples:
            if int in kinds:
                assert self.low is not None and self.high is not None
                if not (-_INT64 <= self.low and self.high < _INT64):
                    return str
        elif isinstance(self.last, UnsupportedAttributeError):
            raise self.last
        elif self.last is str:
            return str
        if len(kinds) == 1:
            return kinds.pop()
        if kinds <= {int, float}:
            return float
        return str

    def unchanged(self, to: type) -> bool:
        """Whether every value, written as type ``to``, stays as it is (no illegal text)."""
        if to is not str:
            return self.kinds <= {to}
        if not self.kinds <= {str, tuple}:
            return False
        if self.bad_join is not None:
            raise self.bad_join
        self._search()
        return not self.illegal


def _clean(value: Any, to: type) -> Any:
    if type(value) is tuple:
        value = JOIN.join(value)
    if to is str:
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return _XML_ILLEGAL.sub("", text)
    return to(value)


def _writable_as_is(graph: Graph) -> bool:
    """Whether the fast writer takes ``graph`` (else networkx writes it).

    It takes a ``MultiDiGraph`` without graph attributes, and the rows of a
    :class:`~kg.export.graph_tools.ToolsGraph`.
    """
    from kg.export.graph_tools import ToolsGraph

    return (type(graph) is nx.MultiDiGraph and not graph.graph) or type(graph) is ToolsGraph


def _sanitised(graph: Graph) -> Graph:
    """``graph`` if every value can be written as it is, else a copy with clean values."""
    nodes: dict[Any, _Survey] = {}
    edges: dict[Any, _Survey] = {}
    for _, data in graph.nodes(data=True):
        for key, value in data.items():
            (nodes.get(key) or nodes.setdefault(key, _Survey())).add(value, key)
    for *_, data in graph.edges(keys=True, data=True):
        for key, value in data.items():
            (edges.get(key) or edges.setdefault(key, _Survey())).add(value, key)
    node_types = {k: survey.coerced() for k, survey in nodes.items()}
    edge_types = {k: survey.coerced() for k, survey in edges.items()}
    if _writable_as_is(graph):
        node_ids, edge_keys = _Survey(), _Survey()
        for node in graph:
            node_ids.add(node, "")
        for *_, key in graph.edges(keys=True):
            edge_keys.add(key, " ")
        if (
            node_ids.unchanged(str)
            and edge_keys.unchanged(str)
            and all(survey.unchanged(node_types[k]) for k, survey in nodes.items())
            and all(survey.unchanged(edge_types[k]) for k, survey in edges.items())
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
    a build's GraphML time; this writes the same text directly (:func:`_pieces`, joined).
    Returns ``None`` (use networkx) for what it does not cover: graph attributes, or a
    value of another type than ``str``, ``int``, ``float`` or ``bool``. With
    ``scoped_keys``, key ids are ``node.NAME`` / ``edge.NAME``, unique even when nodes and
    edges share an attribute name (networkx would write two keys with one id).
    """
    pieces = _pieces(graph, scoped_keys=scoped_keys)
    return None if pieces is None else "".join(pieces)[:-1]


#: Lines of elements per piece of the file: big enough to write in few calls, small
#: enough that no piece is large (the whole file is 370 MB of text at 100,000 papers).
_PIECE_LINES = 50_000


def _pieces(graph: Graph, *, scoped_keys: bool = False) -> Iterator[str] | None:
    """The text of :func:`_generate` plus a final newline, in pieces of whole lines.

    Keys come first in the file but are found while writing the elements, so a first
    pass over the attributes finds them (and whether every value can be written, else
    ``None``); the elements are then written a piece at a time: keys newest first, two
    spaces of indent, ASCII with character references, the lines ``splitlines`` gives.
    """
    if not _writable_as_is(graph):
        return None
    keys: dict[tuple[str, str, str], str] = {}
    # (attribute name, value type, scope) -> the opening of its <data> line, and the
    # whole line for an empty value: made once per attribute, not once per value.
    lines: dict[tuple[Any, type, str], tuple[str, str]] = {}

    def data_line(name: Any, kind: type, scope: str) -> bool:
        xml_type = _XML_TYPE.get(kind)
        if xml_type is None:
            return False
        key = f"{scope}.{name}" if scoped_keys else str(name)
        if (key, xml_type, scope) not in keys:
            keys[(key, xml_type, scope)] = (
                f'  <key id="{_attribute(key)}" for="{scope}" attr.name="{_attribute(str(name))}" attr.type="{xml_type}" />'
            )
        lines[(name, kind, scope)] = (
            f'      <data key="{_attribute(key)}">',
            f'      <data key="{_attribute(key)}" />',
        )
        return True

    for scope, items in (
        ("node", graph.nodes(data=True)),
        ("edge", graph.edges(keys=True, data=True)),
    ):
        for *_, data in items:
            for name, value in data.items():
                kind = str if type(value) is tuple else type(value)
                if (name, kind, scope) not in lines and not data_line(name, kind, scope):
                    return None
    return _written(graph, keys, lines)


def _written(
    graph: Graph,
    keys: dict[tuple[str, str, str], str],
    lines: dict[tuple[Any, type, str], tuple[str, str]],
) -> Iterator[str]:
    """The second pass of :func:`_pieces`: the file's text, a piece at a time."""
    body: list[str] = []
    append = body.append

    def element(tag: str, head: str, data: dict[str, Any], scope: str) -> None:
        if not data:
            append(f"    <{tag} {head} />")
            return
        append(f"    <{tag} {head}>")
        for name, value in data.items():
            kind = type(value)
            if kind is tuple:
                value = JOIN.join(value)
                kind = str
            line = lines[(name, kind, scope)]
            text = value if kind is str else str(value)
            if not text:
                append(line[1])
            elif "&" in text or "<" in text or ">" in text:
                append(line[0] + _text(text) + "</data>")
            else:
                append(line[0] + text + "</data>")
        append(f"    </{tag}>")

    def piece() -> str:
        text = "\n".join(body)
        body.clear()
        if not text.isascii():
            text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
        if any(brk in text for brk in "\r\x0b\x0c\x1c\x1d\x1e"):  # other line breaks than \n
            text = "\n".join(text.splitlines())
        return text + "\n"

    body.extend([_GRAPHML_OPEN, *reversed(keys.values())])
    if graph.number_of_nodes() or graph.number_of_edges():
        append('  <graph edgedefault="directed">')
        for node, data in graph.nodes(data=True):
            element("node", f'id="{_attribute(str(node))}"', data, "node")
            if len(body) >= _PIECE_LINES:
                yield piece()
        for u, v, key, data in graph.edges(keys=True, data=True):
            head = f'source="{_attribute(str(u))}" target="{_attribute(str(v))}" id="{_attribute(str(key))}"'
            element("edge", head, data, "edge")
            if len(body) >= _PIECE_LINES:
                yield piece()
        append("  </graph>")
    else:
        append('  <graph edgedefault="directed" />')
    append("</graphml>")
    yield piece()


def to_graphml(
    graph: nx.MultiDiGraph, *, for_tools: bool = True, tools: Graph | None = None
) -> bytes:
    """Serialise ``graph`` as GraphML bytes, one declared type per attribute name.

    Args:
        graph: The networkx projection (:func:`kg.graph.nx_convert.to_networkx`).
        for_tools: Write what Gephi, Cytoscape, igraph and the GraphML schema expect
            (:func:`kg.export.graph_tools.for_tools`: one edge per lineage relation,
            colour, size and position, ids that are XML name tokens, unique key ids);
            ``False`` writes ``graph`` as it is, as networkx would.
        tools: ``for_tools(graph)``, when the caller has it already (a build writes it
            as Cytoscape.js JSON too); used only with ``for_tools``.

    Raises:
        UnsupportedAttributeError: a value is not a scalar, or two node ids collide.
    """
    written: Graph = graph
    if for_tools and tools is not None:
        written = tools
    elif for_tools:
        from kg.export.graph_tools import ToolsGraph

        written = ToolsGraph(graph)
    return b"".join(graphml_pieces(written, scoped_keys=for_tools))


def graphml_pieces(graph: Graph, *, scoped_keys: bool = False) -> Iterator[bytes]:
    """The bytes of :func:`to_graphml` in pieces, so that no copy of the file is whole in memory.

    Writes ``graph`` as it is; ``scoped_keys`` names the keys ``node.NAME``/``edge.NAME``
    as :func:`to_graphml` does for a :func:`~kg.export.graph_tools.for_tools` graph. At
    100,000 papers the file is about 370 MB: made whole, its lines, the joined text and
    the bytes were each in memory at once.

    Raises:
        UnsupportedAttributeError: a value is not a scalar, or two node ids collide
            (before any piece is made).
    """
    clean = _sanitised(graph)
    pieces = _pieces(clean, scoped_keys=scoped_keys)
    if pieces is None:
        text = "\n".join(
            nx.generate_graphml(clean, encoding="utf-8", prettyprint=True, named_key_ids=True)
        )
        pieces = iter([text + "\n"])
    return _with_declaration(pieces)


def _with_declaration(pieces: Iterator[str]) -> Iterator[bytes]:
    yield b"<?xml version='1.0' encoding='utf-8'?>\n"
    for piece in pieces:
        yield piece.encode("utf-8")
