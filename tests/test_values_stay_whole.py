"""One direction for data: views and GraphML read values as the knowledge base holds them.

The networkx projection used to join a property's values with ``"; "`` and the views
split them again, so a curated alias ``"Alpha; Beta"`` became two aliases. Values now
travel as tuples; only the GraphML writer joins them, as it writes (GraphML has no
list type). The oracles are networkx's own GraphML reader and the JSON in the page.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import networkx as nx

from kg.export.build import render_exports
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import iter_triples
from kg.pipeline import build_knowledge_base
from kg.views.catalog import Catalog

LIST = """# Tiny list

## Methods

[**2024 ICLR**] [**Alpha Beta Instruct: one method**](https://arxiv.org/abs/2401.00001), *Ann Lee, Bo Chen* | [[HOME PAGE]](https://example.org/a)
"""

METHODS = """methods:
  - id: alpha-beta
    label: AlphaBeta
    kind: method
    introduced_by: [arxiv:2401.00001]
    variant_of: null
    aliases: [{aliases}]
    description: A method whose alias holds a semicolon.
    evidence:
      text: The paper introduces it.
      source: https://example.org/a
"""


def _kb(tmp_path: Path, aliases: str):
    (tmp_path / "data").mkdir()
    (tmp_path / "list.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "data" / "methods.yaml").write_text(
        METHODS.format(aliases=aliases), encoding="utf-8"
    )
    return build_knowledge_base([tmp_path / "list.md"], curation=tmp_path / "data")


def _method(graph: nx.MultiDiGraph) -> str:
    return next(n for n, d in graph.nodes(data=True) if d.get("label") == "AlphaBeta")


def _page_rows(html: bytes) -> list[dict]:
    match = re.search(rb'<script type="application/json"[^>]*>(.*?)</script>', html, re.S)
    assert match, "no JSON data island in the page"
    return json.loads(match.group(1))["nodes"]


def test_an_alias_with_a_semicolon_stays_one_alias(tmp_path):
    kb = _kb(tmp_path, '"Alpha; Beta"')
    graph = to_networkx(iter_triples(kb))
    method = _method(graph)
    assert graph.nodes[method]["altLabel"] == "Alpha; Beta"

    record = Catalog.of(graph).record(method, 0)
    assert record["alt"] == ["Alpha; Beta"]

    files = render_exports(kb)
    rows = [r for r in _page_rows(files["overview.html"]) if r.get("name") == "AlphaBeta"]
    assert [r["alt"] for r in rows] == [["Alpha; Beta"]]

    written = nx.read_graphml(io.BytesIO(files["graph.graphml"]))
    assert written.nodes[_method(written)]["altLabel"] == "Alpha; Beta"


def test_several_aliases_travel_as_a_tuple_and_are_joined_only_in_graphml(tmp_path):
    kb = _kb(tmp_path, '"Alpha; Beta", Gamma')
    graph = to_networkx(iter_triples(kb))
    method = _method(graph)
    assert graph.nodes[method]["altLabel"] == ("Alpha; Beta", "Gamma")
    assert Catalog.of(graph).record(method, 0)["alt"] == ["Alpha; Beta", "Gamma"]

    files = render_exports(kb)
    rows = [r for r in _page_rows(files["overview.html"]) if r.get("name") == "AlphaBeta"]
    assert [r["alt"] for r in rows] == [["Alpha; Beta", "Gamma"]]
    written = nx.read_graphml(io.BytesIO(files["graph.graphml"]))
    assert written.nodes[_method(written)]["altLabel"] == "Alpha; Beta; Gamma"
