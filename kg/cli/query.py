"""``kg query``: SPARQL on the graph, a remote endpoint, or an export; the canned query library."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.app import CurationOpt, app, handle_errors
from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph as ox
    import rdflib

    from kg.sparql.queries import Param
    from kg.sparql.query import QueryResult


class QueryFormat(StrEnum):
    """Result formats of ``kg query``."""

    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    xml = "xml"


class EngineChoice(StrEnum):
    """SPARQL engines of ``kg query``."""

    oxigraph = "oxigraph"
    rdflib = "rdflib"


@app.command()
@handle_errors
def query(
    text: Annotated[
        str | None, typer.Argument(help="The SPARQL query text.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")
    ] = None,
    name: Annotated[
        str | None,
        typer.Option("--name", "-n", help="Run a query of the canned library (see --list)."),
    ] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Bind a parameter as an RDF term: --param author='Can Xu' (repeatable).",
        ),
    ] = None,
    show_list: Annotated[
        bool, typer.Option("--list", help="List the canned queries and their parameters.")
    ] = False,
    fmt: Annotated[
        QueryFormat,
        typer.Option("--format", help="table, or W3C SPARQL results json, csv, tsv, xml."),
    ] = QueryFormat.table,
    engine: Annotated[
        EngineChoice,
        typer.Option("--engine", help="oxigraph (fast) or rdflib (the pure-Python reference)."),
    ] = EngineChoice.oxigraph,
    graph: Annotated[
        Path | None,
        typer.Option(
            "--graph",
            help="Query a build folder (kg build --out DIR) or an export (graph.nt, graph.ttl).",
        ),
    ] = None,
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help="Query this remote SPARQL endpoint URL instead."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait for a remote endpoint.", min=0.1)
    ] = 30.0,
    inputs: Annotated[
        list[Path] | None,
        typer.Option("--input", "-i", help="Query these lists instead of data/ (repeatable)."),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=0,
            help="Show at most this many rows (stderr says if cut); 0: every row. "
            "Canned queries whose answer grows with the graph show a first page unless told.",
        ),
    ] = None,
    offset: Annotated[
        int,
        typer.Option("--offset", min=0, help="Skip this many rows first (with --limit: paging)."),
    ] = 0,
    all_rows: Annotated[
        bool,
        typer.Option("--all", help="Show every row (no page), same as --limit 0."),
    ] = False,
    curation: CurationOpt = None,
) -> None:
    """Run a SPARQL query (prefixes lkg:, schema:, dcterms:, ... are predeclared).

    The graph is the persistent store `kg build` left for these inputs (data/ unless
    --input is given; rebuilt, with a note, when the inputs changed), a build folder's
    store with --graph DIR, or a remote store with --endpoint. Parameters are bound as
    RDF terms by the engine, never pasted into the query text.

    Example:
        kg query 'SELECT ?title WHERE { ?p a lkg:Paper ; dcterms:title ?title }'
        kg query --file q.rq --format json
        kg query --list
        kg query --name papers-of-author --param author="Can Xu"
        kg query --graph exports --name venues
        kg query --name papers-without-code --offset 100   (the second page)
        kg query --name papers-without-code --all

    Canned queries whose answer grows with the graph (kg query --list says "first N
    rows") show a page of N rows unless --limit or --all say otherwise (--offset M starts
    it at row M+1); the engine is asked for that page only, and stderr names the next
    page when one is cut.
    """
    from kg.sparql.queries import bind, parse_assignments

    if show_list:
        typer.echo(_catalogue_text(), nl=False)
        return
    text, declared, page = _query_text(text, file, name)
    bindings = bind(parse_assignments(params or []), declared)
    if all_rows or limit == 0:
        limit = None
    elif limit is None:
        limit = page
    if name is not None and page is not None:
        from kg.sparql.queries import get_query, paged_text

        # The engine computes this page only (plus a row that says whether more follow).
        text = paged_text(get_query(name), limit=limit, offset=offset)
    skip = 0 if name is not None and page is not None else offset  # rows to skip here
    from kg.sparql.query import ResultFormat, format_result

    if endpoint is not None:
        from kg.sparql.remote import query_endpoint

        if graph is not None or inputs:
            raise KgError("--endpoint queries the remote store; it takes no --graph or --input")
        result = query_endpoint(endpoint, text, bindings=bindings, timeout=timeout)
        result = _paged(result, offset=skip, limit=limit, first=offset)
        data = format_result(result, ResultFormat(fmt.value))
    else:
        from kg.sparql.nonet import run_offline
        from kg.sparql.query import canonical_query, check_query, run_query

        canned = name is not None  # the package's own text, checked by its tests
        if not canned:
            check_query(canonical_query(text))  # refused before any graph is opened or built
        source = _local_source(engine=engine, graph=graph, inputs=inputs, curation=curation)
        # The engine runs (and its lazy result is read) in a thread that cannot open sockets.
        data = run_offline(
            lambda: format_result(
                _paged(
                    run_query(source, text, bindings=bindings, trusted=canned),
                    offset=skip,
                    limit=limit,
                    first=offset,
                ),
                ResultFormat(fmt.value),
            )
        )
    sys.stdout.buffer.write(data)


def _paged(result: QueryResult, *, offset: int, limit: int | None, first: int) -> QueryResult:
    """Rows ``offset`` to ``offset + limit``; a note on stderr when more follow.

    ``first`` is the row the page starts at in the whole result (the engine may have
    skipped the rows before it already, and then ``offset`` is 0).
    """
    paged = result.page(offset=offset, limit=limit)
    if paged.truncated and limit is not None:
        typer.echo(
            f"note: the result is cut at {limit} rows (from row {first + 1}); "
            f"the next page: --offset {first + limit} --limit {limit}; every row: --all",
            err=True,
        )
    return paged


def _query_text(
    text: str | None, file: Path | None, name: str | None
) -> tuple[str, tuple[Param, ...] | None, int | None]:
    """The query text, its declared parameters and its default page.

    Declared parameters are ``None`` when the text declares none (any are literals); the
    page is a canned query's ``# limit`` (``None``: every row).
    """
    from kg.sparql.queries import get_query, parse_header

    if sum(x is not None for x in (text, file, name)) != 1:
        raise KgError("give the query as an argument, with --file or with --name (exactly one)")
    if name is not None:
        canned = get_query(name)
        return canned.text, canned.params, canned.limit
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as err:
            raise KgError(f"cannot read {file}: {err.strerror}") from err
        except UnicodeDecodeError as err:
            raise KgError(f"cannot read {file}: not UTF-8 text") from err
    assert text is not None
    return text, parse_header(text).params or None, None


def _local_source(
    *,
    engine: EngineChoice,
    graph: Path | None,
    inputs: list[Path] | None,
    curation: Path | None,
) -> ox.Store | rdflib.Graph:
    from kg.cli.graph_source import open_graph
    from kg.sparql.query import to_rdflib_graph

    store = open_graph(graph=graph, lists=inputs, curation=curation).store
    return to_rdflib_graph(store) if engine is EngineChoice.rdflib else store


def _catalogue_text() -> str:
    from kg.sparql.queries import catalogue

    queries = catalogue()
    width = max(len(q.name) for q in queries) + 2
    lines = []
    for q in queries:
        page = f" (first {q.limit} rows; --all for every row)" if q.limit else ""
        lines.append(f"{q.name.ljust(width)}{q.question or q.title}{page}")
        for p in q.params:
            lines.append(" " * width + f"  --param {p.name} ({p.kind.value}): {p.doc}")
        for example in q.examples[:1]:
            lines.append(" " * width + f"  e.g. {example}")
    return "\n".join(lines) + "\n"
