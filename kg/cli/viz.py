"""``kg viz``: inputs -> the interactive HTML views (or one focused ego view)."""

from __future__ import annotations

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
    print_warnings,
)

#: Where ``kg viz`` writes the views; ego views go into its ``focus/`` (git-ignored).
DEFAULT_VIEWS = Path("exports")


@app.command()
@handle_errors
def viz(
    inputs: InputsOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder to write the HTML files into. Default: exports/, or exports/focus/ (git-ignored) with --focus.",
            show_default=False,
        ),
    ] = None,
    curation: CurationOpt = None,
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus",
            help='Draw only the neighbourhood of this person, paper (title or arXiv id), method, venue or category. A kind prefix chooses among kinds: "venue:ICLR".',
        ),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=1, max=6, help="With --focus: how many steps out to go.")
    ] = 2,
    lists: ListsArg = None,
) -> None:
    """Write the offline HTML views: index, overview, lineage, co-authorship, categories.

    Each file is self-contained (no network), laid out in advance, and safe to publish.
    With --focus, write one ego view instead: ego-<name>.html, into exports/focus/ (not
    committed, so exports/ stays what `kg build` wrote) unless --out says otherwise.

    Example:
        kg viz                                   # data/ -> exports/*.html
        kg viz --focus "Can Xu" --depth 2        # exports/focus/ego-can-xu.html
    """
    from kg.export.build import write_exports
    from kg.graph.nx_convert import to_networkx
    from kg.graph.rdf import iter_triples
    from kg.views import render_ego, render_views

    kb = load_inputs(list_inputs(inputs, lists), curation)
    print_warnings(kb)
    graph = to_networkx(sorted(set(iter_triples(kb)), key=lambda t: (t[0], t[1], str(t[2]))))
    if focus is None:
        files = render_views(kb, graph)
        out = out if out is not None else DEFAULT_VIEWS
    elif out is None:  # next to the views, one folder down: their links go up one level
        files = render_ego(kb, graph, focus, depth=depth, views_url="../")
        out = DEFAULT_VIEWS / "focus"
    else:
        files = render_ego(kb, graph, focus, depth=depth)
    write_exports(files, out)
    typer.echo(
        columns([(name, f"{len(data) / 1024:,.0f} KiB") for name, data in sorted(files.items())])
    )
    typer.echo(f"Wrote {len(files)} file{'s' if len(files) != 1 else ''} to {out}/")
