"""GraphML and Cytoscape.js JSON for the tools people use, checked by their own readers."""

from __future__ import annotations

import io
import json
import re
import subprocess
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg.export.graph_tools import ToolsGraph, for_tools, to_cytoscape_json
from kg.export.graphml import to_graphml
from kg.graph.nx_convert import to_networkx
from kg.views.catalog import LINEAGE_RELATIONS
from kg.views.view import KIND_STYLE

SCHEMA = Path(__file__).parent / "fixtures" / "graphml" / "graphml.xsd"


@pytest.fixture(scope="module")
def graph(default_triples) -> nx.MultiDiGraph:
    return to_networkx(default_triples)


@pytest.fixture(scope="module")
def graphml(graph) -> bytes:
    return to_graphml(graph)


def test_graphml_validates_against_the_graphml_schema(graphml, tmp_path: Path):
    path = tmp_path / "graph.graphml"
    path.write_bytes(graphml)
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(SCHEMA), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "validates" in result.stderr


def test_the_schema_rejects_what_the_old_writer_wrote(graph, tmp_path: Path):
    # Duplicate key ids (node and edge "source") and IRIs as ids: the bugs of issue 14.
    path = tmp_path / "old.graphml"
    path.write_bytes(to_graphml(graph, for_tools=False))
    result = subprocess.run(
        ["xmllint", "--noout", "--schema", str(SCHEMA), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Duplicate key-sequence ['source']" in result.stderr
    assert "xs:NMTOKEN" in result.stderr


def test_key_ids_are_unique_and_gephi_reads_colour_size_and_position(graphml):
    text = graphml.decode("utf-8")
    keys = re.findall(r'<key id="([^"]+)" for="(\w+)" attr.name="([^"]+)" attr.type="(\w+)"', text)
    ids = [k[0] for k in keys]
    assert len(ids) == len(set(ids))
    node_keys = {name: xml_type for _, scope, name, xml_type in keys if scope == "node"}
    # Gephi's GraphML importer maps these attribute names to its node properties.
    assert {n: node_keys[n] for n in ("r", "g", "b")} == dict.fromkeys("rgb", "long")
    assert {n: node_keys[n] for n in ("x", "y", "size")} == dict.fromkeys(
        ("x", "y", "size"), "double"
    )
    assert node_keys["label"] == node_keys["color"] == "string"


def test_networkx_reads_one_edge_per_lineage_relation_with_its_evidence(graph, graphml):
    back = nx.read_graphml(io.BytesIO(graphml), force_multigraph=True)
    relations = Counter(d["relation"] for *_, d in back.edges(data=True))
    assert "wasDerivedFrom" not in relations  # each was the twin of a typed edge here
    typed = [(u, v, d) for u, v, d in back.edges(data=True) if d["relation"] in LINEAGE_RELATIONS]
    pairs = Counter((u, v, d["relation"]) for u, v, d in typed)
    assert typed and max(pairs.values()) == 1
    assert all(d.get("evidence") and d["source"].startswith("http") for *_, d in typed)
    assert all(d["label"] == d["relation"] for *_, d in back.edges(data=True))
    assert not any(u == v for u, v in back.edges())
    original = Counter(
        d["relation"] for *_, d in graph.edges(data=True) if d["relation"] in LINEAGE_RELATIONS
    )
    assert Counter(d["relation"] for *_, d in typed) == original
    wizardmath = next(n for n, d in back.nodes(data=True) if d.get("arxivId") == "2308.09583")
    node = back.nodes[wizardmath]
    assert node["iri"].startswith("https://") and node["kind"] == "paper"
    assert node["color"] == KIND_STYLE["paper"]["color"]
    assert f"#{node['r']:02x}{node['g']:02x}{node['b']:02x}" == node["color"]
    assert node["size"] > 6 and isinstance(node["x"], float) and isinstance(node["y"], float)


def test_igraph_reads_the_same_graph(graph, graphml, tmp_path: Path):
    import igraph

    path = tmp_path / "g.graphml"
    path.write_bytes(graphml)
    ig = igraph.Graph.Read_GraphML(str(path))
    tools = for_tools(graph)
    assert (ig.vcount(), ig.ecount()) == (tools.number_of_nodes(), tools.number_of_edges())
    assert set(ig.vs["kind"]) >= {"paper", "person", "method"}
    assert all(0 <= v <= 255 for v in ig.vs["r"])
    positions = set(zip(ig.vs["x"], ig.vs["y"], strict=True))
    assert len(positions) == ig.vcount()  # every node at its own place


def test_graphml_and_cyjs_are_deterministic(graph, graphml):
    assert to_graphml(graph) == graphml
    assert to_cytoscape_json(graph) == to_cytoscape_json(graph)


def test_cytoscape_json_has_elements_with_positions(graph):
    document = json.loads(to_cytoscape_json(graph))
    nodes, edges = document["elements"]["nodes"], document["elements"]["edges"]
    tools = for_tools(graph)
    assert (len(nodes), len(edges)) == (tools.number_of_nodes(), tools.number_of_edges())
    ids = {n["data"]["id"] for n in nodes}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert all(set(n["position"]) == {"x", "y"} for n in nodes)
    assert len({e["data"]["id"] for e in edges}) == len(edges)
    assert all(n["data"]["name"] == n["data"]["label"] for n in nodes)


def _cytoscape_json_whole(tools: nx.MultiDiGraph) -> bytes:
    """graph.cyjs as it was written before it came in pieces: one document, one dumps."""
    nodes = []
    for node, attrs in tools.nodes(data=True):
        data = {k: v for k, v in attrs.items() if k not in ("x", "y", "r", "g", "b")}
        data["id"] = node
        data["name"] = str(attrs.get("label", ""))
        nodes.append({"data": data, "position": {"x": attrs["x"], "y": -attrs["y"]}})
    edges = [
        {"data": {**data, "id": key, "source": u, "target": v}}
        for u, v, key, data in tools.edges(keys=True, data=True)
    ]
    document = {
        "format_version": "1.0",
        "generated_by": "LineageKG",
        "target_cytoscapejs_version": "~3",
        "data": {"name": "LineageKG"},
        "elements": {"nodes": nodes, "edges": edges},
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False)
    return (text + "\n").encode("utf-8")


@pytest.mark.parametrize("edges", [True, False])
def test_cytoscape_json_in_pieces_is_the_document_json_dumps_writes(graph, edges, monkeypatch):
    import kg.export.graph_tools as graph_tools

    tools = for_tools(graph)
    if not edges:
        tools.remove_edges_from(list(tools.edges(keys=True)))
    monkeypatch.setitem(graph_tools._CYJS_LIST, "per_piece", 7)  # many pieces
    pieces = list(graph_tools.cytoscape_pieces(tools))
    assert len(pieces) > 10
    assert b"".join(pieces) == _cytoscape_json_whole(tools)
    if edges:
        assert to_cytoscape_json(graph) == _cytoscape_json_whole(tools)


def test_cytoscape_json_of_an_empty_graph() -> None:
    empty = nx.MultiDiGraph()
    assert to_cytoscape_json(empty) == _cytoscape_json_whole(for_tools(empty))


def test_the_tools_rows_are_what_a_multidigraph_of_them_lists(graph):
    """The writers read :class:`ToolsGraph` rows as they would read a graph made of them."""
    rows = ToolsGraph(graph)
    nodes, edges = list(rows.nodes(data=True)), list(rows.edges(keys=True, data=True))
    built = nx.MultiDiGraph()
    built.add_nodes_from(nodes)
    for u, v, key, data in edges:  # one at a time, in the order of their ids
        built.add_edge(u, v, key=key, **data)
    assert list(built.nodes(data=True)) == nodes
    assert list(built.edges(keys=True, data=True)) == edges
    assert [key for *_, key, _ in edges] == [f"e{i}" for i in range(len(edges))]
    assert (rows.number_of_nodes(), rows.number_of_edges()) == (len(nodes), len(edges))
    assert list(rows) == list(rows.nodes()) == list(built.nodes()) == [node for node, _ in nodes]
    for keys in (False, True):  # and without attributes, as networkx gives them
        assert list(rows.edges(keys=keys)) == list(built.edges(keys=keys))
    # Plain values only: the writer takes the rows as they are, without a cleaned copy.
    from kg.export import graphml

    assert graphml._sanitised(rows) is rows
    # Each call makes its rows anew: a writer may change them without harm.
    first = next(rows.nodes(data=True))[1]
    first["label"] = "changed"
    assert next(rows.nodes(data=True))[1]["label"] != "changed"
    assert to_graphml(graph, tools=rows) == to_graphml(graph, tools=for_tools(graph))
    assert to_cytoscape_json(graph, tools=rows) == to_cytoscape_json(graph, tools=for_tools(graph))
