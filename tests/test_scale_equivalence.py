"""At scale, the fast path (Oxigraph serialisers, direct JSON-LD) says what plain rdflib says.

A generated 300-paper list with curated lineage and methods goes through ``kg build``'s
renderer; each RDF export is parsed by rdflib and compared, with
``rdflib.compare.isomorphic``, to the rdflib ``Graph`` filled from the same knowledge
base. GraphML is compared with what the plain path gives: the same projection computed
from the rdflib graph's triples. The build derives N-Triples from its own Turtle (one
term conversion instead of two); a property checks that this equals writing N-Triples
directly, for any literal text. GraphML is written directly rather than through
networkx's ElementTree writer; a property checks it writes the same text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg.export.build import EXPORT_FILES, render_exports
from kg.export.graphml import _XML_ILLEGAL, _generate, to_graphml
from kg.export.rdf_formats import ntriples_of_turtle, to_ntriples, to_turtle
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import XSD_INTEGER, Lit, Triple, iter_triples
from kg.graph.store import from_rdflib, to_rdflib
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base
from tests.bench_generator import generator

ROOT = Path(__file__).resolve().parent.parent
RDF_FORMATS = {"turtle": "turtle", "ntriples": "nt", "jsonld": "json-ld"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    generate = generator()
    folder = tmp_path_factory.mktemp("scale")
    path = generate.write_corpus(generate.generate(300, seed=42), folder)
    return build_knowledge_base([path], curation=folder)


@pytest.fixture(scope="module")
def files(kb: KnowledgeBase) -> dict[str, bytes]:
    return render_exports(kb, views=False)


@pytest.fixture(scope="module")
def plain(kb: KnowledgeBase) -> rdflib.Graph:
    return to_rdflib(iter_triples(kb))


def test_the_generated_graph_is_big_enough_to_mean_something(
    plain: rdflib.Graph, kb: KnowledgeBase
) -> None:
    assert len(kb.papers) == 300
    assert len(kb.lineage) >= 50
    assert len(plain) > 15_000


@pytest.mark.parametrize("export", sorted(RDF_FORMATS))
def test_rdf_export_is_isomorphic_to_the_plain_rdflib_graph(
    export: str, files: dict[str, bytes], plain: rdflib.Graph
) -> None:
    parsed = rdflib.Graph().parse(data=files[EXPORT_FILES[export]], format=RDF_FORMATS[export])
    assert len(parsed) == len(plain)
    assert isomorphic(parsed, plain)


def test_graphml_equals_the_projection_of_the_plain_rdflib_graph(
    files: dict[str, bytes], plain: rdflib.Graph
) -> None:
    assert files[EXPORT_FILES["graphml"]] == to_graphml(to_networkx(from_rdflib(plain)))


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_IRI = st.sampled_from(
    [
        "https://w3id.org/lineage-kg/id/paper/2304.12244",
        "https://w3id.org/lineage-kg/def#Paper",
        "http://schema.org/name",
        "https://example.org/a%20b",
        "https://example.org/ünï",
        "http://www.w3.org/2001/XMLSchema#string",
    ]
)
_DATATYPE = st.sampled_from(
    [None, XSD_INTEGER, "http://www.w3.org/2001/XMLSchema#string", "https://example.org/dt"]
)
_OBJECT = st.one_of(
    _IRI,
    st.builds(Lit, _TEXT, _DATATYPE),
    st.builds(lambda n: Lit(str(n), XSD_INTEGER), st.integers()),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_IRI, _IRI, _OBJECT), max_size=8))
def test_ntriples_read_back_from_turtle_equal_ntriples_written_directly(
    triples: list[Triple],
) -> None:
    assert ntriples_of_turtle(to_turtle(triples)) == to_ntriples(triples)


_VALUE = st.one_of(_TEXT, st.integers(-(2**62), 2**62), st.floats(allow_nan=False), st.booleans())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            _TEXT, st.dictionaries(st.sampled_from(["a", "b&c", "source"]), _VALUE, max_size=3)
        ),
        max_size=5,
    ),
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.integers(0, 4),
            _TEXT,
            st.dictionaries(st.sampled_from(["r", "source"]), _VALUE, max_size=2),
        ),
        max_size=6,
    ),
)
def test_graphml_writer_writes_what_networkx_writes(
    nodes: list[tuple[str, dict[str, Any]]], edges: list[tuple[int, int, str, dict[str, Any]]]
) -> None:
    graph = nx.MultiDiGraph()
    for node, data in nodes:
        graph.add_node(
            _XML_ILLEGAL.sub("", node),
            **{k: _XML_ILLEGAL.sub("", v) if isinstance(v, str) else v for k, v in data.items()},
        )
    ids = list(graph)
    for u, v, key, data in edges if ids else ():
        graph.add_edge(ids[u % len(ids)], ids[v % len(ids)], key=_XML_ILLEGAL.sub("", key), **data)
    expected = "\n".join(
        nx.generate_graphml(graph, encoding="utf-8", prettyprint=True, named_key_ids=True)
    )
    assert _generate(graph) == expected
