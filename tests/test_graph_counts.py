"""The counts the mapping states (kg/graph/counts.py) equal COUNT queries over the other triples.

Checked on the default data and on a generated list of 1,500 papers (many co-authors,
hybrid entries, venues with and without years), through Oxigraph: each stated count
against ``COUNT(DISTINCT ...)`` of the triples it summarises, for every node.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyoxigraph
import pytest

from kg.graph.counts import HYBRID_UMBRELLA
from kg.graph.rdf import iter_triples
from kg.graph.store import to_store
from kg.pipeline import build_knowledge_base

from .conftest import ROOT

#: Each stated count, and the query that counts the same thing from the other triples.
#: The FILTERs drop the stated counts themselves, so nothing is compared with itself.
PAIRS = {
    "person paperCount": (
        "SELECT ?n ?c WHERE { ?n a lkg:Person ; lkg:paperCount ?c }",
        "SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?n a lkg:Person . "
        "OPTIONAL { ?a lkg:person ?n . ?p lkg:authorship ?a } } GROUP BY ?n",
    ),
    "person coauthorCount": (
        "SELECT ?n ?c WHERE { ?n a lkg:Person ; lkg:coauthorCount ?c }",
        "SELECT ?n (COUNT(DISTINCT ?o) AS ?c) WHERE { ?n a lkg:Person . "
        "OPTIONAL { ?p dcterms:creator ?n , ?o . FILTER(?o != ?n) } } GROUP BY ?n",
    ),
    "person categoryCount": (
        "SELECT ?n ?c WHERE { ?n a lkg:Person ; lkg:categoryCount ?c }",
        "SELECT ?n (COUNT(DISTINCT ?k) AS ?c) WHERE { ?n a lkg:Person . "
        "OPTIONAL { ?p dcterms:creator ?n ; dcterms:subject ?k . ?k skos:prefLabel ?l . "
        f'FILTER(?l != "{HYBRID_UMBRELLA}") }} }} GROUP BY ?n',
    ),
    "venue paperCount": (
        "SELECT ?n ?c WHERE { ?n a lkg:Venue ; lkg:paperCount ?c }",
        "SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p lkg:publishedIn ?n } GROUP BY ?n",
    ),
    "venue firstYear": (
        "SELECT ?n ?c WHERE { ?n a lkg:Venue ; lkg:firstYear ?c }",
        "SELECT ?n (MIN(?y) AS ?c) WHERE { ?p lkg:publishedIn ?n ; lkg:year ?y } GROUP BY ?n",
    ),
    "venue lastYear": (
        "SELECT ?n ?c WHERE { ?n a lkg:Venue ; lkg:lastYear ?c }",
        "SELECT ?n (MAX(?y) AS ?c) WHERE { ?p lkg:publishedIn ?n ; lkg:year ?y } GROUP BY ?n",
    ),
    "category paperCount": (
        "SELECT ?n ?c WHERE { ?n a skos:Concept ; lkg:paperCount ?c }",
        "SELECT ?n (COUNT(DISTINCT ?p) AS ?c) WHERE { ?n a skos:Concept . "
        "OPTIONAL { ?p a lkg:Paper ; dcterms:subject ?n } } GROUP BY ?n",
    ),
}


def _generate_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory: pytest.TempPathFactory) -> pyoxigraph.Store:
    generate = _generate_module()
    folder: Path = tmp_path_factory.mktemp("generated")
    path = generate.write_corpus(generate.generate(1500, seed=5), folder)
    kb = build_knowledge_base([path], curation=folder)
    return to_store(iter_triples(kb))


def _table(store: pyoxigraph.Store, text: str) -> dict[str, int]:
    from kg.graph.namespaces import PREFIXES

    rows = store.query(text, prefixes=PREFIXES, default_graph=pyoxigraph.DefaultGraph())
    assert isinstance(rows, pyoxigraph.QuerySolutions)
    return {row["n"].value: int(row["c"].value) for row in rows}


def _check(store: pyoxigraph.Store) -> dict[str, int]:
    sizes = {}
    for name, (stated, counted) in PAIRS.items():
        got, expected = _table(store, stated), _table(store, counted)
        assert got == expected, name
        sizes[name] = len(got)
    return sizes


def test_counts_equal_count_queries_on_the_default_data(default_store: pyoxigraph.Store) -> None:
    sizes = _check(default_store)
    assert all(sizes.values()), sizes  # every kind of count is stated on some node


def test_counts_equal_count_queries_on_a_generated_graph(
    generated_store: pyoxigraph.Store,
) -> None:
    sizes = _check(generated_store)
    assert sizes["person paperCount"] > 1000 and sizes["venue paperCount"] >= 10, sizes
    spread = _table(generated_store, PAIRS["person categoryCount"][0])
    assert max(spread.values()) >= 3  # the generator's people span categories


COUNTED = {
    "https://w3id.org/lineage-kg/def#" + local
    for local in ("paperCount", "coauthorCount", "categoryCount", "firstYear", "lastYear")
}


def test_counts_are_integers_and_deterministic(default_kb):  # type: ignore[no-untyped-def]
    first = [t for t in iter_triples(default_kb) if t[1] in COUNTED]
    second = [t for t in iter_triples(default_kb) if t[1] in COUNTED]
    assert first == second and first
    assert {t[2].datatype for t in first} == {"http://www.w3.org/2001/XMLSchema#integer"}  # type: ignore[union-attr]
