"""``kg lint``: every entry of a list, as read or as skipped, and the list's problems."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from kg.cli.app import InputsOpt, ListsArg, app, handle_errors, list_inputs


class LintFormat(StrEnum):
    """Output formats of ``kg lint``."""

    TEXT = "text"
    JSON = "json"


@app.command()
@handle_errors
def lint(
    inputs: InputsOpt = None,
    output: Annotated[
        LintFormat, typer.Option("--format", help="text (one line per entry) or json.")
    ] = LintFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when a list with entries gives no paper.")
    ] = False,
    lists: ListsArg = None,
) -> None:
    """Show what the reader made of each entry of a list (or why it skipped it).

    Example:
        kg lint -i my-list.md
        kg lint -i my-list.md --format json
    """
    from kg.ingest.lint import lint_file, to_json, to_text
    from kg.invisible import reveal

    paths = list_inputs(inputs, lists)
    if not paths:
        raise typer.BadParameter("name a list with --input/-i")
    results = [lint_file(path) for path in paths]
    if output is LintFormat.JSON:
        data = [to_json(result) for result in results]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        for result in results:
            typer.echo(reveal(to_text(result)))
    if strict and any(
        r.document.report.candidates and not r.document.report.papers for r in results
    ):
        raise typer.Exit(1)
