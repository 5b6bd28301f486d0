"""The ``kg`` Typer application and what every command shares.

Each command reads its options, makes one library call, and prints or writes. Library
errors (:class:`kg.errors.KgError`) become ``Error: <message>`` on stderr and exit code
1 through :func:`handle_errors`; anything else is a bug and shows its traceback. Heavy
libraries are imported inside the commands, so ``kg --help`` starts fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.model import KnowledgeBase

__all__ = [
    "CurationOpt",
    "InputsOpt",
    "ListsArg",
    "app",
    "columns",
    "handle_errors",
    "load_inputs",
    "print_reading",
    "print_warnings",
    "resolve_inputs",
]

app = typer.Typer(
    name="kg",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"kg {package_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """LineageKG: turn research-paper lists into a knowledge graph you can query, view and publish."""


def package_version() -> str:
    """The installed distribution's version, or the package's own when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lineage-kg")
    except PackageNotFoundError:
        from kg import __version__

        return __version__


P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn a :class:`KgError` into ``Error: <message>`` on stderr and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except KgError as err:
            typer.echo(f"Error: {err}", err=True)
            raise typer.Exit(code=1) from err

    return wrapper


InputsOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--input",
        "-i",
        metavar="LIST",
        help="An input: a Markdown list, .bib or CSL-JSON file, or a folder of lists (repeatable). Default: the inputs of lineage-kg.toml, else every list in data/ plus the curated YAML there.",
        show_default=False,
    ),
]
#: The old spelling: list files as arguments (``kg build a.md``). Still read, with a warning.
ListsArg = Annotated[
    list[Path] | None,
    typer.Argument(hidden=True, show_default=False, metavar="LIST.md"),
]
CurationOpt = Annotated[
    Path | None,
    typer.Option(
        "--curation",
        help="Folder of curated YAML (methods, lineage, aliases, papers). Default: the curation of lineage-kg.toml, else data/ when no inputs are given.",
    ),
]


def list_inputs(
    inputs: list[Path] | None, legacy: list[Path] | None = None, *, spelling: str = "LIST.md"
) -> list[Path]:
    """The list files the CLI's ``--input`` options name (folders expanded, in order).

    Args:
        inputs: The ``--input/-i`` values: files, or folders standing for their lists.
        legacy: Lists given in an old spelling (arguments, ``--list``): still read, after
            a deprecation warning on stderr.
        spelling: How the old spelling looked, for the warning.
    """
    from kg.pipeline import default_lists

    if legacy:
        typer.echo(
            f"warning: {spelling} is deprecated; name lists with --input/-i "
            f"(e.g. {' '.join('-i ' + str(p) for p in legacy[:2])})",
            err=True,
        )
    found: list[Path] = []
    for path in [*(inputs or ()), *(legacy or ())]:
        found.extend(default_lists(path) if path.is_dir() else [path])
    return found


def resolve_inputs(
    lists: list[Path] | None, curation: Path | Sequence[Path] | None
) -> tuple[list[Path], list[Path]]:
    """The input files and curation folders a command reads, after the project file.

    No inputs: the project's (``lineage-kg.toml`` in the working folder), else ``data/``
    with its curated YAML. Inputs given: those, with ``--curation`` or else the project's
    curation folders (none without a project file). ``--curation`` (a folder, or the
    folders an earlier call resolved) always wins.
    """
    from kg.pipeline import DEFAULT_DATA, default_lists
    from kg.project import find_project

    project = find_project()
    chosen = [curation] if isinstance(curation, Path) else None
    if curation is not None and not isinstance(curation, Path):
        chosen = list(curation)
    if not lists:
        if project is not None:
            found = list_inputs(list(project.inputs))
            return found, chosen if chosen is not None else list(project.curation)
        return default_lists(), chosen if chosen is not None else [DEFAULT_DATA]
    if chosen is None:
        chosen = list(project.curation) if project is not None else []
    return list_inputs(lists), chosen


def load_inputs(
    lists: list[Path] | None,
    curation: Path | Sequence[Path] | None,
    *,
    jobs: int | None = None,
    strict: bool = False,
) -> KnowledgeBase:
    """Build the knowledge base of the given inputs, or of the project (or data/) when none."""
    from kg.pipeline import build_knowledge_base

    files, folders = resolve_inputs(lists, curation)
    return build_knowledge_base(files, curation=folders or None, jobs=jobs, strict=strict)


def print_warnings(kb: KnowledgeBase) -> None:
    """Print the input's warnings (file:line: warning: ...) to stderr, invisible characters escaped."""
    from kg.invisible import reveal

    for diagnostic in kb.diagnostics:
        typer.echo(reveal(str(diagnostic)), err=True)


def print_reading(kb: KnowledgeBase) -> None:
    """Print how each list was read (entries, papers, skips by reason) to stderr."""
    from kg.ingest.report import summary_line
    from kg.invisible import reveal

    for report in kb.reports:
        typer.echo(reveal(summary_line(report)), err=True)


def columns(rows: list[tuple[str, str]]) -> str:
    """Two aligned text columns, indented, for summaries."""
    if not rows:
        return "  (none)"
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"  {a.ljust(width)}  {b}" for a, b in rows)
