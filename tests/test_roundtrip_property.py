"""Any validated input survives every export: strict parsers agree with the in-memory graph.

Hypothesis builds papers from arbitrary text (control characters and lone surrogates
included) and arbitrary URLs; the models clean or refuse them at the boundary, and what
passes must serialise to Turtle, N-Triples and JSON-LD that Oxigraph parses strictly and
that is isomorphic to the graph, and to GraphML that igraph reads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls
from pydantic import ValidationError
from rdflib.compare import isomorphic

from kg.export.graphml import to_graphml
from kg.export.rdf_formats import to_jsonld, to_ntriples, to_turtle
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import iter_triples
from kg.graph.store import to_rdflib
from kg.ingest.identity import resolve_people
from kg.model import Category, KnowledgeBase, Link, LinkKind, Paper, PaperList, SourceRef

any_text = st.text(alphabet=st.characters(codec=None, categories=None), min_size=1, max_size=40)


@st.composite
def papers(draw):
    count = draw(st.integers(min_value=1, max_value=4))
    result = []
    for index in range(count):
        try:
            links = tuple(
                Link(kind=kind, url=url, label="x")
                for kind, url in draw(
                    st.lists(st.tuples(st.sampled_from(list(LinkKind)), urls()), max_size=2)
                )
            )
            paper = Paper(
                key=f"p{index}",
                title=draw(any_text),
                year=draw(st.integers(min_value=1000, max_value=2100)),
                month=draw(st.none() | st.integers(min_value=1, max_value=12)),
                venue=draw(any_text),
                venue_as_written=draw(any_text),
                categories=("Cat",),
                authors=tuple(draw(st.lists(any_text, min_size=1, max_size=3))),
                links=links,
                list_key="l",
                source=SourceRef(file="gen.md", line=1),
            )
        except ValidationError:
            continue
        result.append(paper)
    return result


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(papers())
def test_every_export_round_trips(generated):
    assume(generated)
    signatures = [(p.key, i, a) for p in generated for i, a in enumerate(p.authors, start=1)]
    persons, authorships, _ = resolve_people(signatures)
    kb = KnowledgeBase(
        lists=(PaperList(key="l", title="Generated", file="gen.md"),),
        papers=tuple(generated),
        categories=(Category(key="cat", label="Cat"),),
        persons=persons,
        authorships=authorships,
    )
    triples = list(iter_triples(kb))
    expected = to_rdflib(triples)
    for writer, ox_format, rdflib_format in [
        (to_turtle, ox.RdfFormat.TURTLE, "turtle"),
        (to_ntriples, ox.RdfFormat.N_TRIPLES, "nt"),
        (to_jsonld, ox.RdfFormat.JSON_LD, "json-ld"),
    ]:
        data = writer(triples)
        assert len(list(ox.parse(data, format=ox_format))) == len(expected)
        assert isomorphic(
            rdflib.Graph().parse(data=data.decode("utf-8"), format=rdflib_format), expected
        )
    import igraph

    graph = to_networkx(triples)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.graphml"
        path.write_bytes(to_graphml(graph))
        assert igraph.Graph.Read_GraphML(str(path)).vcount() == graph.number_of_nodes()
