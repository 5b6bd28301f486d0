"""``kg query``: SPARQL on the graph."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import CurationOpt, app, handle_errors, load_inputs
from kg.errors import KgError


class QueryFormat(StrEnum):
    """Result formats of ``kg query``."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


@app.command()
@handle_errors
def query(
    text: Annotated[str | None, typer.Argument(help="The SPARQL query text.", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", help="table, or W3C SPARQL results json, csv, tsv.")] = QueryFormat.table,
    lists: Annotated[list[Path] | None, typer.Option("--list", help="Query these lists instead of data/ (repeatable).")] = None,
    curation: CurationOpt = None,
) -> None:
    """Run a SPARQL query on the graph (prefixes lkg:, schema:, dcterms:, ... are predeclared).

    Example:
        kg query 'SELECT ?title WHERE { ?p a lkg:Paper ; dcterms:title ?title }'
        kg query --file q.rq --format json
    """
    from kg.query import ResultFormat, format_result, run_query
    from kg.rdf import iter_triples
    from kg.store import to_store

    if (text is None) == (file is None):
        raise KgError("give the query as an argument or with --file, not both")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as err:
            raise KgError(f"cannot read {file}: {err.strerror}") from err
    assert text is not None
    store = to_store(iter_triples(load_inputs(lists, curation)))
    sys.stdout.buffer.write(format_result(run_query(store, text), ResultFormat(fmt.value)))
