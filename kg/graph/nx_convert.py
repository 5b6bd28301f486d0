"""RDF triples -> a networkx ``MultiDiGraph`` of the entities people think about.

Nodes are papers, people, venues, contributions (kind ``method``, ``dataset``, ``model``,
``benchmark``), categories and lists. The reified helper nodes of the RDF graph are
folded into edges: an authorship becomes a ``creator`` edge paper -> person carrying
``position`` and ``name_as_written``; a lineage assertion puts ``evidence`` and
``source`` on its lineage edge. Literal properties become node attributes: a ``str``,
``int``, ``float`` or ``bool``, or, for a property with several values (aliases, name
variants, links), a ``tuple`` of ``str`` in the canonical order. Values are never joined
into one string here: an alias ``"Alpha; Beta"`` stays one alias for every reader (the
views), and only the GraphML writer joins a tuple with ``"; "``, as it writes
(:mod:`kg.export.graphml`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

import networkx as nx

from kg.graph.canonical import Term, canonical_triples
from kg.graph.namespaces import LKG, PREFIXES
from kg.graph.rdf import RDF_TYPE, RDFS_LABEL, XSD_INTEGER, Lit, Triple

__all__ = ["KIND_OF_CLASS", "local_name", "to_networkx"]

SKOS = PREFIXES["skos"]
#: RDF class -> the node ``kind`` (a node with several takes the first match here).
KIND_OF_CLASS = {
    LKG + "Paper": "paper",
    LKG + "Person": "person",
    LKG + "Venue": "venue",
    LKG + "Method": "method",
    LKG + "Dataset": "dataset",
    LKG + "Model": "model",
    LKG + "Benchmark": "benchmark",
    SKOS + "Concept": "category",
    LKG + "PaperList": "list",
}
_SKIP_PREDICATES = {LKG + "authorship", LKG + "assertion", RDFS_LABEL, RDF_TYPE}
#: What a typed subject that is no node is to the edges (bits: it may be both).
_AUTHORSHIP, _ASSERTION = 1, 2


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("http://www.w3.org/ns/prov#wasDerivedFrom")
    'wasDerivedFrom'
    """
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rsplit("/", 1)[-1]


def to_networkx(triples: Iterable[Triple]) -> nx.MultiDiGraph:
    """Project RDF triples onto a ``MultiDiGraph`` with scalar attributes only.

    Node ids are the resources' IRIs; nodes and edges are added in sorted order, so the
    same triples always give the same graph (and the same GraphML bytes). Nodes and
    edges go in with ``add_nodes_from``/``add_edges_from`` (one call each, not one per
    item: a large build has millions), and each subject's statements are read from the
    canonical triples' columns as ``(predicate, object)`` pairs, when a pass needs them.

    Long on purpose: it is three passes over millions of triples at 100,000 papers, with
    their lookup tables held in locals; split into functions, each pass would pay for
    the tables again as arguments or attributes on its hottest lines.
    """
    ordered = canonical_triples(triples)
    # The canonical order (by subject, rdf:type first, then predicate and object): each
    # subject's statements are one run of the list, in the order of nodes' joined values
    # and of edges, and subjects come in IRI order, the order nodes and edges are added
    # in. Each pass below walks the runs again rather than keeping where each subject's
    # run lies: without a table of 856,000 spans and class lists, the 100,000-paper
    # build's peak fell by 210 MiB.
    typed: set[str] = set()  # subjects with a class: their IRIs are not literal values
    kinds: dict[str, str] = {}  # node -> its kind
    roles: dict[str, int] = {}  # authorship or lineage assertion -> _AUTHORSHIP | _ASSERTION
    paper_of_authorship: dict[str, str] = {}
    authorship = LKG + "authorship"
    statements_of = ordered.statements
    for subject, start, end in ordered.runs():
        classes: list[str] = []
        for p, o in statements_of(start, end):
            if p == RDF_TYPE and isinstance(o, str):
                classes.append(o)
            elif p == authorship and isinstance(o, str):
                paper_of_authorship[o] = subject
        if not classes:
            continue
        typed.add(subject)
        for cls, kind in KIND_OF_CLASS.items():
            if cls in classes:
                kinds[subject] = kind
                break
        role = (_AUTHORSHIP if LKG + "Authorship" in classes else 0) | (
            _ASSERTION if LKG + "LineageAssertion" in classes else 0
        )
        if role:
            roles[subject] = role

    def runs_of(wanted: dict[str, Any]) -> Iterator[tuple[str, list[tuple[str, Term]]]]:
        """``(subject, its (predicate, object) pairs)`` of the subjects in ``wanted``, in order."""
        for subject, start, end in ordered.runs():
            if subject in wanted:
                yield subject, statements_of(start, end)

    names: dict[str, str] = {}  # predicate IRI -> its local name, computed once each

    def name_of(iri: str) -> str:
        found = names.get(iri)
        if found is None:
            found = names[iri] = local_name(iri)
        return found

    def nodes() -> Iterator[tuple[str, dict[str, Any]]]:
        for iri, statements in runs_of(kinds):
            attrs: dict[str, Any] = {"kind": kinds[iri], "label": ""}
            values: dict[str, list[str | Lit]] = {}
            for p, o in statements:
                if p == RDFS_LABEL and isinstance(o, Lit):
                    attrs["label"] = o.value
                elif isinstance(o, Lit) or (o not in typed and p not in _SKIP_PREDICATES):
                    values.setdefault(name_of(p), []).append(o)
            for name, found in values.items():
                only = found[0]
                if len(found) == 1 and isinstance(only, Lit) and only.datatype == XSD_INTEGER:
                    attrs[name] = int(only.value)
                else:
                    texts = tuple(v.value if isinstance(v, Lit) else v for v in found)
                    attrs[name] = texts[0] if len(texts) == 1 else texts
            yield iri, attrs

    # The lineage assertions first: their evidence goes on edges of the last pass.
    assertions: dict[tuple[str, str, str], dict[str, str]] = {}
    for iri, statements in runs_of(roles):  # in order: a later one wins, as it always did
        if roles[iri] & _ASSERTION:
            fields = {name_of(p): o for p, o in statements}
            newer, older, rel = (
                fields.get("newer"),
                fields.get("older"),
                fields.get("relation"),
            )
            text, source = fields.get("evidenceText"), fields.get("source")
            if isinstance(newer, str) and isinstance(older, str) and isinstance(rel, str):
                assertions[(newer, older, local_name(rel))] = {
                    "evidence": text.value if isinstance(text, Lit) else "",
                    "source": source if isinstance(source, str) else "",
                }

    def creator_edges() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for iri, statements in runs_of(roles):
            if not roles[iri] & _AUTHORSHIP:
                continue
            fields = {name_of(p): o for p, o in statements}
            paper = paper_of_authorship[iri]
            person, position, written = (
                fields.get("person"),
                fields.get("position"),
                fields.get("nameAsWritten"),
            )
            if isinstance(person, str) and isinstance(position, Lit) and isinstance(written, Lit):
                yield (
                    paper,
                    person,
                    f"creator:{position.value}",
                    {
                        "relation": "creator",
                        "position": int(position.value),
                        "name_as_written": written.value,
                    },
                )

    creator = PREFIXES["dcterms"] + "creator"

    def other_edges() -> Iterator[tuple[str, str, str, dict[str, Any]]]:
        for s, statements in runs_of(kinds):
            for p, o in statements:
                if isinstance(o, Lit) or o not in kinds or p in _SKIP_PREDICATES or p == creator:
                    continue
                name = name_of(p)
                yield s, o, name, {"relation": name, **assertions.get((s, o, name), {})}

    # Nodes and edges go in as generators: networkx copies each attribute dictionary it
    # is given, so a list of them all would be the graph's attributes twice (0.2 GB at
    # 100,000 papers) until the call returns.
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes())
    graph.add_edges_from(chain(creator_edges(), other_edges()))
    return graph
