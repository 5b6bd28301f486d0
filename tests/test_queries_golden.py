"""Every canned query: its golden rows on the default data, and the same rows on both engines.

Golden files (tests/golden/queries/<name>.json) hold the expected rows, sorted, as
N-Triples terms; ``pytest --update-golden`` rewrites them from the current output.
The engines must agree row for row, in order: every canned ORDER BY is total.
"""

from __future__ import annotations

import json

import pyoxigraph
import pytest

from kg.graph.store import to_rdflib
from kg.sparql.queries import CannedQuery, bind, catalogue
from kg.sparql.query import QueryResult, run_query

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden" / "queries"
QUERIES = catalogue()


def term_text(term: object) -> str | None:
    return None if term is None else str(term)


def snapshot(query: CannedQuery, result: QueryResult) -> dict[str, object]:
    doc: dict[str, object] = {"query": query.name, "params": query.example_params()}
    if result.form == "graph":
        doc["triples"] = sorted(str(t) for t in result.triples())
    elif result.form == "boolean":
        doc["boolean"] = result.boolean
    else:
        doc["variables"] = result.variables
        rows = [[term_text(t) for t in row] for row in result.solutions()]
        doc["rows"] = sorted(rows, key=lambda row: [t or "" for t in row])
    return doc


def dump(doc: dict[str, object]) -> str:
    """JSON with one row (or triple) per line, so that diffs show which rows changed."""
    lines = []
    for key, value in doc.items():
        if key in ("rows", "triples") and isinstance(value, list):
            items = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in value)
            lines.append(f" {json.dumps(key)}: [\n{items}\n ]")
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def ordered(result: QueryResult) -> list[tuple[str | None, ...]] | list[str]:
    if result.form == "graph":
        return sorted(str(t) for t in result.triples())
    return [tuple(term_text(t) for t in row) for row in result.solutions()]


@pytest.fixture(scope="module")
def rdflib_graph(default_triples):
    return to_rdflib(default_triples)


def test_the_library_has_every_question_of_the_issue():
    names = {q.name for q in QUERIES}
    assert {
        "papers-of-author",
        "coauthors",
        "ancestors",
        "descendants",
        "method-family",
        "papers-per-category-per-year",
        "venues",
        "most-collaborative-authors",
        "cross-category-authors",
        "papers-without-code",
        "hybrid-papers",
    } <= names


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_golden_rows(query: CannedQuery, default_store: pyoxigraph.Store, update_golden: bool):
    result = run_query(
        default_store, query.text, bindings=bind(query.example_params(), query.params)
    )
    got = snapshot(query, result)
    path = GOLDEN / f"{query.name}.json"
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(got), encoding="utf-8")
    assert path.exists(), f"no golden file for {query.name}; run pytest --update-golden"
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert got == expected
    assert got.get("rows") or got.get("triples"), "a golden example should return something"


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_both_engines_return_the_same_rows_in_the_same_order(
    query: CannedQuery, default_store, rdflib_graph
):
    bindings = bind(query.example_params(), query.params)
    fast = run_query(default_store, query.text, bindings=bindings)
    reference = run_query(rdflib_graph, query.text, bindings=bindings)
    assert fast.variables == reference.variables
    assert ordered(fast) == ordered(reference)


def test_no_golden_file_is_left_over():
    stale = {p.stem for p in GOLDEN.glob("*.json")} - {q.name for q in QUERIES}
    assert not stale, f"golden files of removed queries: {sorted(stale)}"
