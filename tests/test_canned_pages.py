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
