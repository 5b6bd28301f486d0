"""``kg build``: inputs -> every export."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import (
    CurationOpt,
    InputsOpt,
    ListsArg,
    app,
    columns,
    handle_errors,
    list_inputs,
    load_inputs,
    print_reading,
    print_warnings,
)


@app.command()
@handle_errors
def build(
    inputs: InputsOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the exports into. Default: the out of lineage-kg.toml, else exports/.",
            show_default=False,
        ),
    ] = None,
    curation: CurationOpt = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Base IRI of minted resources.")
    ] = None,
    views: Annotated[
        bool, typer.Option("--views/--no-views", help="Also write the HTML views.")
    ] = True,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes to use (default: every CPU, or KG_JOBS). 1: no child processes.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="A list with entries but no paper is an error, not a warning."
        ),
    ] = False,
    store: Annotated[
        bool,
        typer.Option(
            "--store/--no-store",
            help="Also leave the persistent store that kg query/serve/push open (in the cache).",
        ),
    ] = True,
    timings: Annotated[
        bool,
        typer.Option(
            "--timings",
            help="Also print how long each stage took (seconds, to stderr); stages run in two processes overlap.",
        ),
    ] = False,
    lists: ListsArg = None,
) -> None:
    """Build the graph and write Turtle, N-Triples, JSON-LD, GraphML and HTML views.

    Example:
        kg build                      # data/ -> exports/
        kg build -i my-list.md --out out   # one list alone, no curated data
    """
    from kg.cli.graph_source import resolved_inputs, store_key
    from kg.export.build import BuildReport, build_exports
    from kg.graph.namespaces import DEFAULT_BASE, Namespaces
    from kg.runtime.gc_pause import gc_paused
    from kg.sparql.store import StoreCache
    from kg.stats import compute_stats

    start = time.perf_counter()
    # Paused for the whole command, not only inside the library's stages: between them
    # (warnings, summary) a collection would walk every object of the build for nothing.
    from kg.project import find_project

    project = find_project()  # its out and base, unless the options say otherwise
    out = out or (project.out if project else Path("exports"))
    base = base or (project.base if project else None)
    namespaces = Namespaces(base or DEFAULT_BASE)  # a bad --base fails before any reading
    files, curated = resolved_inputs(list_inputs(inputs, lists), curation)
    key = store_key(files, curated, namespaces.base) if store else None
    with gc_paused():
        kb = load_inputs(files, curated, jobs=jobs, strict=strict)
        read_seconds = time.perf_counter() - start
        print_warnings(kb)
        print_reading(kb)
        report = BuildReport()
        build_exports(
            kb,
            out,
            namespaces=namespaces,
            views=views,
            report=report,
            jobs=jobs,
            store_inputs=key,
        )
        stats = compute_stats(kb)
        if report.store is not None:  # what kg stats shows but the graph does not state
            cache = StoreCache(report.store.parent.parent)  # stores/<name> in its cache
            cache.record_facts(report.store, {"warnings": len(kb.diagnostics)}, inputs=key)
        # Still paused: once the collector is back, the next allocations would start a full
        # collection over the whole build's heap (0.4-0.9 s at 10k) for nothing, since the
        # process ends right after (kg.cli.main leaves without freeing).
        rows = [(kind, str(n)) for kind, n in stats.counts.items()]
        typer.echo(columns([*rows, ("triples", str(report.triples))]))
        if report.store_problem:
            typer.echo(f"warning: no persistent store written: {report.store_problem}", err=True)
        seconds = time.perf_counter() - start
        if timings:
            stages = [("read and assemble", read_seconds), *report.seconds.items()]
            typer.echo(
                "Seconds per stage\n" + columns([(name, f"{s:.2f}") for name, s in stages]),
                err=True,
            )
        typer.echo(f"Wrote {len(report.files)} files to {out}/ in {seconds:.2f} s")
