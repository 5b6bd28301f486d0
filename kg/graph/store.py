"""Filling RDF stores from :func:`kg.graph.rdf.iter_triples`: rdflib for its API, Oxigraph for speed.

Both functions take the same neutral triples, so the two stores hold the same statements
by construction (tests check that they are isomorphic). Oxigraph (pyoxigraph) is the
engine for queries and exports: its serialisers are strict and fast and its SPARQL
engine is one to two orders of magnitude faster than rdflib's on large graphs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.graph.rdf import Lit, Triple

if TYPE_CHECKING:
    import rdflib

__all__ = ["from_rdflib", "to_oxigraph_triples", "to_rdflib", "to_store"]


def _terms(
    triples: Iterable[Triple],
) -> Iterator[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]:
    """Pyoxigraph terms of neutral triples, sharing one object per distinct IRI or literal."""
    nodes: dict[str, ox.NamedNode] = {}
    literals: dict[Lit, ox.Literal] = {}

    def node(iri: str) -> ox.NamedNode:
        found = nodes.get(iri)
        if found is None:
            found = nodes[iri] = ox.NamedNode(iri)
        return found

    for s, p, o in triples:
        if isinstance(o, Lit):
            obj = literals.get(o)
            if obj is None:
                datatype = node(o.datatype) if o.datatype else None
                obj = literals[o] = ox.Literal(o.value, datatype=datatype)
            yield node(s), node(p), obj
        else:
            yield node(s), node(p), node(o)


def to_oxigraph_triples(triples: Iterable[Triple]) -> Iterator[ox.Triple]:
    """Convert neutral triples to pyoxigraph ones, sharing one object per distinct IRI."""
    for s, p, o in _terms(triples):
        yield ox.Triple(s, p, o)


def to_store(triples: Iterable[Triple]) -> ox.Store:
    """An in-memory Oxigraph store holding ``triples`` in its default graph.

    Quads are made straight from the terms, in the default graph by omission: going
    through ``ox.Triple`` and passing ``DefaultGraph()`` made loading three times slower.
    """
    store = ox.Store()
    store.bulk_extend(ox.Quad(s, p, o) for s, p, o in _terms(triples))
    return store


def to_rdflib(triples: Iterable[Triple]) -> rdflib.Graph:
    """An rdflib ``Graph`` holding ``triples``, with the contract's prefixes bound."""
    import rdflib

    from kg.graph.namespaces import PREFIXES

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    for s, p, o in triples:
        if isinstance(o, Lit):
            obj: rdflib.term.Node = rdflib.Literal(
                o.value, datatype=rdflib.URIRef(o.datatype) if o.datatype else None
            )
        else:
            obj = rdflib.URIRef(o)
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), obj))
    return graph


def from_rdflib(graph: rdflib.Graph) -> Iterator[Triple]:
    """Neutral triples from an rdflib graph (IRIs and literals only; blank nodes refused)."""
    import rdflib

    for s, p, o in graph:
        if isinstance(s, rdflib.BNode) or isinstance(o, rdflib.BNode):
            raise ValueError("blank nodes are not supported")
        if isinstance(o, rdflib.Literal):
            yield str(s), str(p), Lit(str(o), str(o.datatype) if o.datatype else None)
        else:
            yield str(s), str(p), str(o)
