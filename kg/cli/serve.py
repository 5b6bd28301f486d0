"""``kg serve`` (a local read-only SPARQL endpoint) and ``kg push`` (load a remote store)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli.app import (
    CurationOpt,
    InputsOpt,
    ListsArg,
    app,
    handle_errors,
    list_inputs,
)
from kg.errors import KgError

if TYPE_CHECKING:
    import pyoxigraph as ox


def _graph_store(
    lists: list[Path] | None, curation: Path | None, graph_file: Path | None, *, option: str
) -> ox.Store:
    from kg.cli.graph_source import open_graph

    return open_graph(graph=graph_file, lists=lists, curation=curation, option=option).store


@app.command()
@handle_errors
def serve(
    inputs: InputsOpt = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; keep loopback unless you mean it.")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", help="Port to bind (0: any free port).", min=0, max=65535)
    ] = 7879,
    graph_file: Annotated[
        Path | None,
        typer.Option(
            "--graph",
            help="Serve a build folder (kg build --out DIR) or an export (graph.nt, graph.ttl).",
        ),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds a query may run before it is stopped.", min=0.1),
    ] = 5.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Most rows (or triples) in one response.", min=1)
    ] = 10_000,
    workers: Annotated[
        int, typer.Option("--workers", help="Queries evaluated at once (one process each).", min=1)
    ] = 2,
    memory_mb: Annotated[
        int,
        typer.Option(
            "--memory-mb", help="Memory limit of each query process in MiB (0: none).", min=0
        ),
    ] = 2048,
    cors: Annotated[
        bool, typer.Option("--cors", help="Let web pages of any origin read results.")
    ] = False,
    allow_host: Annotated[
        list[str] | None,
        typer.Option("--allow-host", help="Another host name clients may use (repeatable)."),
    ] = None,
    curation: CurationOpt = None,
    lists: ListsArg = None,
) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    http://HOST:PORT/ is a query page (editor, canned examples, sortable results, CSV
    and JSON downloads); with --graph DIR, the build's HTML views are under /views/.
    Queries run in worker processes that are killed at the time limit; updates, LOAD,
    SERVICE and FROM are refused with 400. Stop it with Ctrl-C.

    Example:
        kg serve                          # data/ at http://127.0.0.1:7879/sparql
        kg serve --graph exports --port 8000 --timeout 10
    """
    import logging

    from kg.sparql.endpoint import EndpointConfig, SparqlEndpoint, is_loopback

    store = _graph_store(list_inputs(inputs, lists), curation, graph_file, option="--graph")
    from kg.sparql.opening import build_folder_of

    views = build_folder_of(graph_file) if graph_file is not None else None
    config = EndpointConfig(
        host=host,
        port=port,
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        memory_mb=memory_mb,
        cors=cors,
        allowed_hosts=tuple(allow_host or ()),
        views=views,
    )
    if not is_loopback(host):
        typer.echo(
            f"warning: binding {host} makes the endpoint reachable from other machines", err=True
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        endpoint = SparqlEndpoint(store, config).start()
    except OSError as err:
        raise KgError(f"cannot serve on {host}:{port}: {err.strerror or err}") from err
    page = endpoint.url.removesuffix("sparql")
    typer.echo(
        f"Serving {len(store)} triples at {endpoint.url}; query page at {page} (Ctrl-C to stop)",
        err=True,
    )
    try:
        endpoint.wait()
    except KeyboardInterrupt:
        typer.echo("Stopping", err=True)
    finally:
        endpoint.close()


@app.command()
@handle_errors
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="The store's Graph Store Protocol URL (e.g. http://localhost:7878/store).",
        ),
    ],
    inputs: InputsOpt = None,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph", help="Load into this named graph (IRI); default: the default graph."
        ),
    ] = None,
    graph_file: Annotated[
        Path | None,
        typer.Option(
            "--source",
            help="Push a build folder (kg build --out DIR) or an export (graph.nt, graph.ttl).",
        ),
    ] = None,
    append: Annotated[
        bool, typer.Option("--append", help="Add to the graph instead of replacing it.")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds to wait on the network.", min=0.1)
    ] = 120.0,
    curation: CurationOpt = None,
    lists: ListsArg = None,
) -> None:
    """Load the graph into a remote store over the SPARQL 1.1 Graph Store Protocol.

    The graph's content is replaced (HTTP PUT) unless --append is given (HTTP POST).
    Credentials, if the store needs them, come from KG_ENDPOINT_USER and
    KG_ENDPOINT_PASSWORD.

    Example:
        kg push --endpoint http://localhost:7878/store
        kg push --endpoint http://localhost:3030/lineage/data --graph https://example.org/lineage
    """
    import pyoxigraph as ox

    from kg.sparql.remote import push_graph

    store = _graph_store(list_inputs(inputs, lists), curation, graph_file, option="--source")
    data = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""
    # Oxigraph wrote it from a store: valid N-Triples, one triple a line (no re-parse).
    count = data.count(b"\n")
    report = push_graph(
        endpoint, data, graph=graph, replace=not append, timeout=timeout, triples=count
    )
    verb = "Added" if append else "Loaded"
    typer.echo(
        f"{verb} {report.triples} triples ({report.bytes} bytes) into {report.target} (HTTP {report.status})"
    )
