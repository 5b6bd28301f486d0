"""``kg stats`` answered from a graph's store: SPARQL aggregates instead of parsing the lists.

The counts per kind, the most prolific authors, the papers per category and per year
are all stated in the graph (``ontology/CONTRACT.md``), so :func:`stats_of_store` gives
the same :class:`~kg.stats.Stats` numbers as :func:`kg.stats.compute_stats` on the
knowledge base the graph was built from, from the persistent store in well under a
second. What the graph does not state is left out: the warnings of the inputs (passed
in when recorded with the store, see :meth:`kg.sparql.store.StoreCache.record_facts`),
and the identity decisions (merge rules, evidence, entries kept apart), which only a
reading of the inputs knows.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote

import pyoxigraph as ox

from kg.graph.namespaces import PREFIXES
from kg.stats import Stats

__all__ = ["stats_of_store"]

_PROLOGUE = "".join(
    f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("lkg", "rdf", "rdfs", "dcterms", "skos")
)

#: Each count of ``kg stats`` and the class whose members it counts (as compute_stats).
_COUNTED = {
    "lists": "lkg:PaperList",
    "papers": "lkg:Paper",
    "listings": "lkg:Listing",
    "persons": "lkg:Person",
    "authorships": "lkg:Authorship",
    "venues": None,  # the distinct venue names papers are published in
    "categories": "skos:Concept",
    "methods": "lkg:Method",
    "datasets": "lkg:Dataset",
    "models": "lkg:Model",
    "benchmarks": "lkg:Benchmark",
    "lineage edges": "lkg:LineageAssertion",
}
_VENUES = (
    "SELECT (COUNT(DISTINCT ?name) AS ?n) WHERE { ?p lkg:publishedIn ?v . ?v rdfs:label ?name }"
)
#: Authorships per person; names are read for the few that can rank (a join with every
#: person's name took four times as long).
_AUTHORS = "SELECT ?person (COUNT(?a) AS ?n) WHERE { ?a lkg:person ?person } GROUP BY ?person"
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_CATEGORIES = "SELECT ?c ?label WHERE { ?c a skos:Concept ; skos:prefLabel ?label }"
_PER_CATEGORY = """SELECT ?c (COUNT(?p) AS ?n)
WHERE { ?p a lkg:Paper ; dcterms:subject ?c } GROUP BY ?c"""
_PER_YEAR = "SELECT ?y (COUNT(?p) AS ?n) WHERE { ?p a lkg:Paper ; lkg:year ?y } GROUP BY ?y"


def _rows(store: ox.Store, text: str) -> list[list[str]]:
    """The rows of a SELECT, each value as its lexical form (or IRI)."""
    result = store.query(_PROLOGUE + text)
    assert isinstance(result, ox.QuerySolutions)
    return [[term.value for term in row] for row in result]


def _count(store: ox.Store, text: str) -> int:
    return int(_rows(store, text)[0][0])


def stats_of_store(store: ox.Store, *, top: int = 10, warnings: int | None = None) -> Stats:
    """The summary of the graph in ``store``; ``top`` bounds the author ranking.

    Args:
        store: A store holding one build's graph (the default graph).
        top: How many authors to rank.
        warnings: How many warnings its inputs gave, when known (counted last, as
            :func:`kg.stats.compute_stats` does); None leaves the count out.

    The identity fields of :class:`~kg.stats.Stats` (``merges``, ``identity_notes``,
    ``paper_merges``, ``paper_rules``) are empty: the graph does not state them.
    """
    counts: dict[str, int] = {}
    for name, cls in _COUNTED.items():
        text = _VENUES if cls is None else f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a {cls} }}"
        counts[name] = _count(store, text)
    if warnings is not None:
        counts["warnings"] = warnings
    authors = _top_authors(store, top)
    label_of = {row[0]: row[1] for row in _rows(store, _CATEGORIES)}
    # a paper's categories are counted per label (as compute_stats counts them)
    per_label: Counter[str] = Counter()
    for iri, n in _rows(store, _PER_CATEGORY):
        if iri in label_of:
            per_label[label_of[iri]] += int(n)
    categories = sorted(label_of, key=lambda iri: unquote(iri.rpartition("/")[2]))
    return Stats(
        counts=counts,
        top_authors=authors,
        per_category=[(label_of[c], per_label.get(label_of[c], 0)) for c in categories],
        per_year=sorted((int(y), int(n)) for y, n in _rows(store, _PER_YEAR)),
        merges=[],
        identity_notes=[],
        paper_merges=[],
        paper_rules=[],
    )


def _top_authors(store: ox.Store, top: int) -> list[tuple[str, int]]:
    """The ``top`` people with the most authorships, by count then name.

    Rows tied on both show the same text whatever their order.
    """
    papers_of = [(person, int(n)) for person, n in _rows(store, _AUTHORS)]
    if not papers_of:
        return []
    counts = sorted((n for _, n in papers_of), reverse=True)
    least = counts[min(top, len(counts)) - 1]  # a person below it cannot rank
    ranked = []
    for person, n in papers_of:
        if n >= least:
            found = store.quads_for_pattern(ox.NamedNode(person), _LABEL, None)
            names = [q.object.value for q in found if isinstance(q.object, ox.Literal)]
            ranked.append((min(names, default=person), n))
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked[:top]
