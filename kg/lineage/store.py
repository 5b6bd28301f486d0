"""The works and lineage links of a graph read from its store, without the lists.

``kg lineage NAME`` needs every work's name (to find NAME), date, venue and arXiv id,
the ``introduces`` links, ``variantOf`` and the curated lineage edges: all stated in
the graph (``ontology/CONTRACT.md``). :func:`work_graph` reads them from an Oxigraph
store, such as the persistent store ``kg build`` leaves, into the same
:class:`~kg.lineage.works.WorkGraph` a knowledge base gives, so the walks and their
renderings are the same code and give the same text.

Each property is read by one pattern over the store's indexes (a few hundred
milliseconds for 100,000 papers) rather than one SPARQL join with optional parts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import unquote

import pyoxigraph as ox

from kg.graph.namespaces import LKG, PREFIXES
from kg.lineage.works import VARIANT_OF, Contributed, Work, WorkGraph

__all__ = ["work_graph"]

_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_TITLE = ox.NamedNode(PREFIXES["dcterms"] + "title")
_ALT_LABEL = ox.NamedNode(PREFIXES["skos"] + "altLabel")
_KINDS = {"Method": "method", "Dataset": "dataset", "Model": "model", "Benchmark": "benchmark"}


def _lkg(local: str) -> ox.NamedNode:
    return ox.NamedNode(LKG + local)


def _text(term: object) -> str:
    """An IRI's or literal's text (the graph holds no quoted triples)."""
    assert isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)
    return term.value


def _pairs(store: ox.Store, predicate: ox.NamedNode) -> Iterator[tuple[str, str]]:
    """``(subject IRI, object value)`` of every statement with ``predicate``."""
    for quad in store.quads_for_pattern(None, predicate, None):
        yield _text(quad.subject), _text(quad.object)


def _values(store: ox.Store, subject: str, predicate: ox.NamedNode) -> list[str]:
    """The values of ``subject``'s ``predicate``."""
    found = store.quads_for_pattern(ox.NamedNode(subject), predicate, None)
    return [_text(q.object) for q in found]


def _of_type(store: ox.Store, cls: ox.NamedNode) -> list[str]:
    return [_text(q.subject) for q in store.quads_for_pattern(None, _TYPE, cls)]


def _key(iri: str) -> str:
    """A resource's key from its IRI (``.../paper/2304.12244`` -> ``2304.12244``)."""
    return unquote(iri.rpartition("/")[2])


def _seen(arxiv_id: str | None, year: int | None, month: int | None) -> tuple[int, int] | None:
    """:func:`kg.lineage.works.first_seen` of a paper from the values the graph states."""
    if arxiv_id:
        arxiv = (2000 + int(arxiv_id[:2]), int(arxiv_id[2:4]))
        if year is None or arxiv[0] <= year:
            return arxiv
    if year is None:
        return None
    return year, month or 0


def work_graph(store: ox.Store) -> WorkGraph:
    """The :class:`~kg.lineage.works.WorkGraph` of the graph in ``store``.

    Papers come in key order (a knowledge base keeps its input order, which the graph
    does not state; nothing shown depends on it).
    """
    refs: dict[str, str] = {}
    papers = sorted(_of_type(store, _lkg("Paper")))
    for iri in papers:
        refs[iri] = f"paper:{_key(iri)}"
    titles = dict(_pairs(store, _TITLE))
    years = {s: int(v) for s, v in _pairs(store, _lkg("year"))}
    months = {s: int(v) for s, v in _pairs(store, _lkg("month"))}
    arxiv = dict(_pairs(store, _lkg("arxivId")))
    venue_labels = {v: _values(store, v, _LABEL) for v in _of_type(store, _lkg("Venue"))}
    # one label per venue, unless two names share a slug (then the first in order)
    venues = {
        paper: min(venue_labels.get(venue) or [_key(venue)])
        for paper, venue in _pairs(store, _lkg("publishedIn"))
    }
    works = [
        Work(
            refs[iri],
            "paper",
            titles.get(iri, ""),
            years.get(iri),
            venues.get(iri),
            arxiv.get(iri),
            _seen(arxiv.get(iri), years.get(iri), months.get(iri)),
        )
        for iri in papers
    ]
    kinds: dict[str, str] = {}
    for local, kind in _KINDS.items():
        for iri in _of_type(store, _lkg(local)):
            kinds.setdefault(iri, kind)
    for iri in sorted(kinds):
        refs[iri] = f"method:{_key(iri)}"
    introducers: dict[str, list[str]] = defaultdict(list)
    for paper, contribution in _pairs(store, _lkg("introduces")):
        if paper in refs and contribution in kinds:
            introducers[contribution].append(refs[paper])
    contributions = [
        Contributed(
            refs[iri],
            kinds[iri],
            min(_values(store, iri, _LABEL), default=""),
            tuple(sorted(_values(store, iri, _ALT_LABEL))),
            tuple(sorted(introducers[iri])),
        )
        for iri in sorted(kinds)
    ]
    return WorkGraph.from_parts(works, contributions, _links(store, refs))


def _links(store: ox.Store, refs: dict[str, str]) -> list[tuple[str, str, str]]:
    """The curated lineage edges (from their assertions), then ``variantOf``, as refs."""
    newer = dict(_pairs(store, _lkg("newer")))
    older = dict(_pairs(store, _lkg("older")))
    relation = dict(_pairs(store, _lkg("relation")))
    links = []
    for assertion in _of_type(store, _lkg("LineageAssertion")):
        a, b, r = newer.get(assertion), older.get(assertion), relation.get(assertion)
        if a in refs and b in refs and r is not None and r.startswith(LKG):
            links.append((refs[a], r[len(LKG) :], refs[b]))
    links.sort()
    links += sorted(
        (refs[a], VARIANT_OF, refs[b])
        for a, b in _pairs(store, _lkg("variantOf"))
        if a in refs and b in refs
    )
    return links
