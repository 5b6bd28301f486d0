"""The ``kg`` Typer application and what every command shares.

Each command reads its options, makes one library call, and prints or writes. Library
errors (:class:`kg.errors.KgError`) become ``Error: <message>`` on stderr and exit code
1 through :func:`handle_errors`; anything else is a bug and shows its traceback. Heavy
libraries are imported inside the commands, so ``kg --help`` starts fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, ParamSpec, TypeVar

import typer

from kg.errors import KgError

if TYPE_CHECKING:
    from kg.model import KnowledgeBase

__all__ = [
    "CurationOpt",
    "ListsArg",
    "app",
    "columns",
    "handle_errors",
    "load_inputs",
    "print_warnings",
]

app = typer.Typer(
    name="kg",
    help="LineageKG: turn research-paper lists into a knowledge graph you can query, view and publish.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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


ListsArg = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Markdown list files. Default: every list in data/ plus the curated YAML there.",
        show_default=False,
    ),
]
CurationOpt = Annotated[
    Path | None,
    typer.Option(
        "--curation",
        help="Folder of curated YAML (methods, lineage, aliases). Default: data/ when no lists are given.",
    ),
]


def load_inputs(
    lists: list[Path] | None, curation: Path | None, *, jobs: int | None = None
) -> KnowledgeBase:
    """Resolve the CLI's input options and build the knowledge base (shared by commands)."""
    from kg.pipeline import DEFAULT_DATA, build_knowledge_base, default_lists

    if not lists:
        lists = default_lists()
        if curation is None:
            curation = DEFAULT_DATA
    return build_knowledge_base(lists, curation=curation, jobs=jobs)


def print_warnings(kb: KnowledgeBase) -> None:
    """Print the input's warnings (file:line: warning: ...) to stderr."""
    for diagnostic in kb.diagnostics:
        typer.echo(str(diagnostic), err=True)


def columns(rows: list[tuple[str, str]]) -> str:
    """Two aligned text columns, indented, for summaries."""
    if not rows:
        return "  (none)"
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"  {a.ljust(width)}  {b}" for a, b in rows)
