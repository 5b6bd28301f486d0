"""Canned queries with a default page (``# limit: N``): the page, its statement, and every page.

On the default data (through ``kg query``, both engines) and on a generated list of 1,500
papers (through :func:`kg.sparql.queries.paged_text`, where the answers are longer than
a page): pages of any size add up to the whole answer, in order, and the command says
on stderr when a page is cut and how to get the next one or every row.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from typing import Any

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.graph.rdf import iter_triples
from kg.graph.store import to_store
from kg.pipeline import build_knowledge_base
from kg.sparql.queries import CannedQuery, catalogue, paged_text, parse_header
from kg.sparql.query import run_query, to_rdflib_graph

from .conftest import DATA, DEFAULT_LIST, ROOT

runner = CliRunner()
ARGS = ["query", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--format", "json"]
PAGED = [q for q in catalogue() if q.limit is not None]


def _rows(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)["results"]["bindings"]
    return rows


def test_the_queries_that_grow_with_the_graph_have_a_page() -> None:
    assert {q.name for q in PAGED} >= {
        "cross-category-authors",
        "papers-without-code",
        "lineage-edges",
        "hybrid-papers",
    }
    for query in PAGED:
        assert query.text.rstrip().splitlines()[-1] == f"LIMIT {query.limit}"


def test_a_limit_line_must_match_the_text() -> None:
    with pytest.raises(QueryError, match="must end with the line 'LIMIT 5'"):
        parse_header("# limit: 5\nSELECT * WHERE { ?s ?p ?o }\nLIMIT 6\n")
    with pytest.raises(QueryError, match="positive integer"):
        parse_header("# limit: none\nSELECT * WHERE { ?s ?p ?o }\n")
    assert parse_header("# limit: 5\nSELECT * WHERE { ?s ?p ?o }\nLIMIT 5\n").limit == 5


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("query", PAGED, ids=lambda q: q.name)
def test_pages_of_the_cli_add_up_to_every_row(query: CannedQuery, engine: str) -> None:
    base = [*ARGS, "--engine", engine, "--name", query.name]
    every = runner.invoke(app, [*base, "--all"])
    whole = _rows(every)
    assert len(whole) > 3 and "cut" not in every.stderr
    assert _rows(runner.invoke(app, [*base, "--limit", "0"])) == whole
    default = runner.invoke(app, base)
    assert _rows(default) == whole[: query.limit]
    assert ("cut at" in default.stderr) == (len(whole) > (query.limit or 0))
    pages, offset = [], 0
    while offset < len(whole):
        got = runner.invoke(app, [*base, "--limit", "3", "--offset", str(offset)])
        pages.extend(_rows(got))
        more = offset + 3 < len(whole)
        note = (
            f"note: the result is cut at 3 rows (from row {offset + 1}); "
            f"the next page: --offset {offset + 3} --limit 3; every row: --all\n"
        )
        assert got.stderr.endswith(note) if more else "cut" not in got.stderr
        offset += 3
    assert pages == whole


def test_the_default_page_of_a_table_says_it_is_cut() -> None:
    query = next(q for q in PAGED if q.name == "lineage-edges")
    got = runner.invoke(app, [*ARGS[:-2], "--name", query.name, "--limit", "2"])
    assert got.exit_code == 0 and got.stdout.endswith("(2 rows, truncated)\n")
    assert "the next page: --offset 2 --limit 2; every row: --all" in got.stderr


def test_the_list_names_the_default_page() -> None:
    listing = runner.invoke(app, ["query", "--list"]).stdout
    for query in PAGED:
        line = next(x for x in listing.splitlines() if x.startswith(query.name + " "))
        assert f"(first {query.limit} rows; --all for every row)" in line


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> pyoxigraph.Store:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("generate", module)
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("generated")
    path = module.write_corpus(module.generate(1500, seed=9), folder)
    return to_store(iter_triples(build_knowledge_base([path], curation=folder)))


def _solutions(store: Any, text: str) -> list[tuple[str | None, ...]]:
    result = run_query(store, text)
    return [tuple(None if t is None else str(t) for t in row) for row in result.solutions()]


@pytest.mark.parametrize("query", PAGED, ids=lambda q: q.name)
def test_pages_add_up_on_a_generated_graph(query: CannedQuery, generated: pyoxigraph.Store) -> None:
    whole = _solutions(generated, paged_text(query, limit=None))
    assert len(whole) > query.limit  # type: ignore[operator]
    assert _solutions(generated, query.text) == whole[: query.limit]
    size = max(len(whole) // 4, 7)
    pages: list[tuple[str | None, ...]] = []
    for offset in range(0, len(whole), size):
        got = _solutions(generated, paged_text(query, limit=size, offset=offset))
        assert len(got) == min(size + 1, len(whole) - offset)  # one row more says "cut"
        pages.extend(got[:size])
    assert pages == whole


def test_rdflib_gives_the_same_pages_on_a_generated_graph(generated: pyoxigraph.Store) -> None:
    graph = to_rdflib_graph(generated)
    for query in PAGED:
        for offset in (0, 150):
            text = paged_text(query, limit=40, offset=offset)
            assert _solutions(graph, text) == _solutions(generated, text), query.name


#: The plain form of each paged query: every row, sorted by the stored strings, with no
#: page found first, no CONCAT sort keys and no OPTIONAL joins. The canned text must give
#: the same rows for every page (the tricks in its header are for speed only).
REFERENCES = {
    "cross-category-authors": """
        SELECT ?name ?categories ?category ?papers ?person
        WHERE {
          {
            SELECT ?person (COUNT(DISTINCT ?c) AS ?categories)
            WHERE {
              ?p dcterms:creator ?person ; dcterms:subject ?c .
              ?c skos:prefLabel ?l .
              FILTER(?l != "Hybrid")
            }
            GROUP BY ?person
            HAVING (COUNT(DISTINCT ?c) >= 2)
          }
          {
            SELECT ?person ?cat (COUNT(*) AS ?papers)
            WHERE { ?paper dcterms:creator ?person ; dcterms:subject ?cat }
            GROUP BY ?person ?cat
          }
          ?person foaf:name ?name .
          ?cat skos:prefLabel ?category .
          FILTER(?category != "Hybrid")
        }
        ORDER BY DESC(?categories) ?name ?person ?category
    """,
    "papers-without-code": """
        SELECT ?title ?year ?venue ?paper
        WHERE {
          ?paper a lkg:Paper ;
                 dcterms:title ?title ;
                 lkg:year ?year ;
                 lkg:publishedIn ?v .
          ?v rdfs:label ?venue .
          FILTER NOT EXISTS { ?paper lkg:code ?code }
        }
        ORDER BY ?year ?title ?paper
    """,
    "lineage-edges": """
        SELECT ?newerLabel ?relation ?olderLabel ?evidence ?source ?newer ?older
        WHERE {
          ?assertion a lkg:LineageAssertion ;
                     lkg:newer ?newer ;
                     lkg:older ?older ;
                     lkg:relation ?relation ;
                     lkg:evidenceText ?evidence ;
                     dcterms:source ?source .
          ?newer rdfs:label ?newerLabel .
          ?older rdfs:label ?olderLabel .
        }
        ORDER BY ?newerLabel ?relation ?olderLabel ?newer ?older
    """,
    "hybrid-papers": """
        SELECT ?title ?hybridLabel ?category ?year ?paper
        WHERE {
          ?paper a lkg:Paper ;
                 lkg:hybridLabel ?hybridLabel ;
                 dcterms:title ?title ;
                 lkg:year ?year ;
                 dcterms:subject ?c .
          ?c skos:prefLabel ?category .
          FILTER(?category != "Hybrid")
        }
        ORDER BY ?year ?title ?paper ?category
    """,
}


def test_every_paged_query_has_a_reference() -> None:
    assert set(REFERENCES) == {q.name for q in PAGED}


@pytest.mark.parametrize("query", PAGED, ids=lambda q: q.name)
def test_every_page_is_the_plain_querys_rows(
    query: CannedQuery, generated: pyoxigraph.Store
) -> None:
    plain = _solutions(generated, REFERENCES[query.name])
    assert len(plain) > 2 * (query.limit or 0)  # the page is found among more rows
    assert _solutions(generated, query.text) == plain[: query.limit]
    assert _solutions(generated, paged_text(query, limit=None)) == plain
    for limit, offset in [(1, 0), (7, 93), (40, 150), (100, len(plain) - 30)]:
        got = _solutions(generated, paged_text(query, limit=limit, offset=offset))
        assert got == plain[offset : offset + limit + 1], (limit, offset)


def test_rdflib_gives_the_plain_querys_rows(generated: pyoxigraph.Store) -> None:
    graph = to_rdflib_graph(generated)
    for query in PAGED:
        plain = _solutions(generated, REFERENCES[query.name])
        assert _solutions(graph, query.text) == plain[: query.limit], query.name
        got = _solutions(graph, paged_text(query, limit=20, offset=90))
        assert got == plain[90:111], query.name


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=["Cs"]), max_size=6), max_size=12))
def test_a_concat_sort_key_sorts_like_the_string(texts: list[str]) -> None:
    """``ORDER BY (CONCAT(" ", ?s))`` (the in-memory sort key of the queries) is ``ORDER BY ?s``."""
    store = pyoxigraph.Store()
    label = pyoxigraph.NamedNode("http://example.org/label")
    for i, text in enumerate(texts):
        node = pyoxigraph.NamedNode(f"http://example.org/n{i:02d}")
        store.add(pyoxigraph.Quad(node, label, pyoxigraph.Literal(text)))
    pattern = "SELECT ?s ?n WHERE { ?n <http://example.org/label> ?s } ORDER BY "
    for engine in (store, to_rdflib_graph(store)):
        plain = _solutions(engine, pattern + "?s ?n")
        assert _solutions(engine, pattern + '(CONCAT(" ", ?s)) ?n') == plain
        values = [row[0] for row in run_query(engine, pattern + "?s ?n").solutions()]
        assert values == [pyoxigraph.Literal(text) for text in sorted(texts)]
