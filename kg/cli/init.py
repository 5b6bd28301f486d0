"""``kg init``: write ``lineage-kg.toml``, the project file every command reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import InputsOpt, app, handle_errors

#: Files of the working folder that are documentation, not lists.
_NOT_LISTS = {"readme.md", "curation.md", "changelog.md", "contributing.md", "license.md"}


def _found_inputs(folder: Path) -> list[str]:
    """The input files of ``folder``: Markdown lists, .bib and .csl.json files, sorted."""
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if not path.is_file() or name in _NOT_LISTS:
            continue
        if name.endswith((".md", ".markdown", ".bib", ".bibtex", ".csl.json")):
            found.append(path.name)
    return found


@app.command()
@handle_errors
def init(
    inputs: InputsOpt = None,
    curation: Annotated[
        list[Path] | None,
        typer.Option(
            "--curation",
            help="A folder of curated YAML (repeatable). Default: curation/ (created empty).",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        str | None, typer.Option("--base", help="Base IRI of minted resources.")
    ] = None,
    out: Annotated[
        str, typer.Option("--out", help="Folder kg build writes the exports into.")
    ] = "exports",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing lineage-kg.toml.")
    ] = False,
) -> None:
    """Write lineage-kg.toml naming the inputs, curation folders, base IRI and output folder.

    Every command then reads the project when given no --input. Without --input, the
    Markdown lists, .bib and .csl.json files of the working folder are named.

    Example:
        kg init -i my-list.md -i library.bib
        kg init --curation curation --base https://example.org/papers/id/
    """
    from kg.errors import KgError
    from kg.graph.namespaces import Namespaces
    from kg.project import PROJECT_FILE, load_project, render_project

    target = Path(PROJECT_FILE)
    if target.exists() and not force:
        raise KgError(f"{PROJECT_FILE} exists already; use --force to replace it")
    if base is not None:
        Namespaces(base)  # a bad base fails here, not at the first build
    named = [str(p) for p in inputs] if inputs else _found_inputs(Path("."))
    if not named:
        raise KgError(
            "no inputs: name lists with --input/-i (Markdown, .bib or .csl.json), "
            "or run kg init where they are"
        )
    for path in inputs or ():
        if not path.exists():
            raise KgError(f"{path}: no such file or folder")
    folders = [str(p) for p in curation] if curation else ["curation"]
    if not curation:
        Path("curation").mkdir(exist_ok=True)
    target.write_text(
        render_project(inputs=named, curation=folders, base=base, out=out), encoding="utf-8"
    )
    load_project(target)  # what was written reads back
    typer.echo(f"Wrote {PROJECT_FILE}: {len(named)} input(s), curation {', '.join(folders)}")
    for name in named:
        typer.echo(f"  input: {name}")
