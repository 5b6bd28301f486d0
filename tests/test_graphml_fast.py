"""The GraphML writer's fast paths give what the writer gave before them, for any graph.

The oracle is the writer as it was (tests/graphml_reference.py): the same text, or the
same error, for graphs whose attributes mix every type the writer meets or refuses
(strings with markup and XML-illegal characters, 64-bit overflowing integers, floats,
booleans, tuples of strings, string enums, values it cannot write).
"""

from __future__ import annotations

import enum
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import UnsupportedAttributeError
from kg.export.graphml import _generate, to_graphml
from tests import graphml_reference as reference


class Relation(enum.StrEnum):
    EXTENDS = "extends"


_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("&<>\"'\r\n\t\x00\x0b"),
    max_size=8,
)
_PLAIN = st.one_of(
    _TEXT,
    st.integers(-(2**62), 2**62),
    st.sampled_from([2**63, -(2**63) - 1, 2**63 - 1, -(2**63)]),
    st.floats(allow_nan=False),
    st.booleans(),
    st.tuples(_TEXT, _TEXT),
    st.tuples(),
)
_ODD = st.sampled_from([Relation.EXTENDS, None, ("a", 1), (Relation.EXTENDS, "b"), [1], 2.5j])
_NAMES = st.sampled_from(["label", "kind", "year", "r&d", "source", 3])


def _graph(
    nodes: list[tuple[str, dict[Any, Any]]], edges: list[tuple[int, int, str, dict[Any, Any]]]
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for node, data in nodes:
        graph.add_node(node)
        graph.nodes[node].update(data)  # an int attribute name too
    ids = list(graph)
    for u, v, key, data in edges if ids else ():
        graph.add_edge(ids[u % len(ids)], ids[v % len(ids)], key=key)
        graph.edges[ids[u % len(ids)], ids[v % len(ids)], key].update(data)
    return graph


def _outcome(write: Any, graph: nx.MultiDiGraph) -> tuple[str, str]:
    try:
        return "text", write(graph)
    except (UnsupportedAttributeError, TypeError, ValueError, nx.NetworkXError) as err:
        return type(err).__name__, str(err)


def _graphs(values: st.SearchStrategy[Any]) -> st.SearchStrategy[nx.MultiDiGraph]:
    data = st.dictionaries(_NAMES, values, max_size=4)
    return st.builds(
        _graph,
        st.lists(st.tuples(_TEXT, data), max_size=5),
        st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), _TEXT, data), max_size=6),
    )


@settings(max_examples=300, deadline=None)
@given(_graphs(_PLAIN))
def test_plain_graphs_give_the_text_they_gave(graph: nx.MultiDiGraph) -> None:
    assert _outcome(lambda g: to_graphml(g, for_tools=False).decode(), graph) == _outcome(
        reference.reference_graphml, graph
    )


@settings(max_examples=300, deadline=None)
@given(_graphs(_PLAIN | _ODD))
def test_any_graph_gives_the_text_or_the_error_it_gave(graph: nx.MultiDiGraph) -> None:
    assert _outcome(lambda g: to_graphml(g, for_tools=False).decode(), graph) == _outcome(
        reference.reference_graphml, graph
    )


@settings(max_examples=300, deadline=None)
@given(_graphs(_PLAIN | st.sampled_from([Relation.EXTENDS])), st.booleans())
def test_generate_writes_what_it_wrote(graph: nx.MultiDiGraph, scoped: bool) -> None:
    assert _generate(graph, scoped_keys=scoped) == reference._generate(graph, scoped_keys=scoped)


@pytest.mark.parametrize("value", [("a", 1), [1], None])
def test_a_value_graphml_cannot_hold_is_named(value: Any) -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("n", ok="x", bad=value)
    with pytest.raises(UnsupportedAttributeError, match="attribute 'bad' has a"):
        to_graphml(graph, for_tools=False)


@settings(max_examples=200, deadline=None)
@given(_graphs(_PLAIN), st.booleans(), st.integers(1, 9))
def test_the_file_in_small_pieces_is_the_file_whole(
    graph: nx.MultiDiGraph, scoped: bool, lines: int
) -> None:
    from unittest.mock import patch

    from hypothesis import assume

    from kg.export import graphml

    # An attribute name that is not a string (3), or two node ids that are one once
    # cleaned ("" and "\x1f"), stop _sanitised's copy before any writing, as before the
    # pieces: the other tests cover them.
    names = [n for _, d in graph.nodes(data=True) for n in d]
    names += [n for *_, d in graph.edges(keys=True, data=True) for n in d]
    assume(all(isinstance(n, str) for n in names))
    assume(len({reference._XML_ILLEGAL.sub("", str(n)) for n in graph}) == len(graph))
    with patch.object(graphml, "_PIECE_LINES", lines):
        pieces = list(graphml.graphml_pieces(graph, scoped_keys=scoped))
    assert len(pieces) >= 2  # the declaration, then the text
    text = reference._generate(graphml._sanitised(graph), scoped_keys=scoped)
    assert b"".join(pieces) == ("<?xml version='1.0' encoding='utf-8'?>\n" + text + "\n").encode()


@pytest.mark.parametrize("where", [0, 4095, 4096, 9999])
def test_many_values_are_surveyed_in_batches_as_the_reference_reads_them_whole(where: int) -> None:
    # The writer searches an attribute's text in batches of 4,096 values, not whole.
    graph = nx.MultiDiGraph()
    for i in range(10_000):
        graph.add_node(f"n{i}", label="bad\x00" if i == where else f"label {i}", size=i)
    graph.nodes[f"n{where}"]["size"] = 2**63  # and one integer wider than GraphML's long
    assert _outcome(lambda g: to_graphml(g, for_tools=False).decode(), graph) == _outcome(
        reference.reference_graphml, graph
    )
    assert "bad\x00" not in to_graphml(graph, for_tools=False).decode()
