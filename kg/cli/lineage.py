"""``kg lineage``: a work's ancestors and descendants, and suggested lineage to curate.

``kg lineage NAME`` is short for ``kg lineage show NAME``: the group runs ``show`` when
its first argument is not one of its commands (so a paper called "suggest" needs
``kg lineage show suggest``).
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from kg.cli.app import CurationOpt, InputsOpt, app, handle_errors, list_inputs, load_inputs

if TYPE_CHECKING:
    from typer._click import Context

    from kg.lineage.suggest import Evaluation, Suggestion


class _ShowByDefault(TyperGroup):
    """A group whose first argument, when it is not a command, is a NAME for ``show``."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["show", *args]
        return super().parse_args(ctx, args)


lineage_app = typer.Typer(
    cls=_ShowByDefault,
    no_args_is_help=True,
    subcommand_metavar="NAME | COMMAND [ARGS]...",
    help="Show the lineage of a paper or method (kg lineage NAME), or suggest lineage to curate.",
)
app.add_typer(lineage_app, name="lineage")


class TreeFormat(StrEnum):
    """Output formats of ``kg lineage NAME``."""

    TREE = "tree"
    JSON = "json"
    MERMAID = "mermaid"


class TableFormat(StrEnum):
    """Output formats of ``kg lineage suggest``."""

    TABLE = "table"
    JSON = "json"
    YAML = "yaml"


#: The old spelling of --input (``kg lineage NAME --list a.md``): still read, with a warning.
ListOpt = Annotated[list[Path] | None, typer.Option("--list", hidden=True)]


@lineage_app.command()
@handle_errors
def show(
    name: Annotated[
        str,
        typer.Argument(
            help="A title fragment, an arXiv id, a method name or alias, or a ref (paper:KEY, method:ID)."
        ),
    ],
    fmt: Annotated[
        TreeFormat,
        typer.Option(
            "--format", help="tree (for people), json, or mermaid (a diagram for a README)."
        ),
    ] = TreeFormat.TREE,
    inputs: InputsOpt = None,
    curation: CurationOpt = None,
    graph: Annotated[
        Path | None,
        typer.Option(
            "--graph",
            help="Read a build folder's graph (kg build --out DIR, or its graph.nt) "
            "instead of the inputs' store.",
        ),
    ] = None,
    lists: ListOpt = None,
) -> None:
    """Print what a work builds on (ancestors) and what builds on it (descendants).

    Each step names its relation: "extends -> WizardCoder ..." above the work,
    "improvesOn <- TinyGSM ..." below it. A work reached twice is expanded once.
    The works and edges come from the persistent store `kg build` left for these
    inputs (data/ unless --input is given; rebuilt, with a note, when the inputs
    changed), or from a build folder's store with --graph DIR: nothing is parsed.

    Example:
        kg lineage WizardMath
        kg lineage 2304.12244 --format mermaid > lineage.mmd
        kg lineage WizardMath --graph exports
    """
    from kg.cli.graph_source import open_graph
    from kg.lineage.store import work_graph
    from kg.lineage.walks import lineage_of, to_json_text, to_mermaid, to_tree_text

    given = list_inputs(inputs, lists, spelling="--list") if inputs or lists else None
    opened = open_graph(graph=graph, lists=given, curation=curation)
    result = lineage_of(work_graph(opened.store), name)
    if fmt is TreeFormat.JSON:
        typer.echo(to_json_text(result))
    elif fmt is TreeFormat.MERMAID:
        typer.echo(to_mermaid(result), nl=False)
    else:
        typer.echo(to_tree_text(result), nl=False)


@lineage_app.command()
@handle_errors
def suggest(
    top: Annotated[int, typer.Option("--top", min=1, help="How many suggestions to print.")] = 10,
    fmt: Annotated[
        TableFormat,
        typer.Option("--format", help="table, json, or yaml (ready-to-edit lineage.yaml entries)."),
    ] = TableFormat.TABLE,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Instead, measure precision and recall of the ranking against the curated edges.",
        ),
    ] = False,
    inputs: InputsOpt = None,
    curation: CurationOpt = None,
    lists: ListOpt = None,
) -> None:
    """Suggest likely paper -> paper lineage that is not curated yet, best first, with reasons.

    Suggestions are never added to the graph or the exports: check them, then write
    the ones that hold into data/lineage.yaml with their evidence. Unlike `kg lineage NAME`,
    this still reads the inputs (the lists and curated YAML), not the persistent store.

    Example:
        kg lineage suggest --top 5
        kg lineage suggest --format yaml > curation/lineage.yaml   # then edit each entry
        kg lineage suggest --evaluate
    """
    from kg.lineage.suggest import evaluate as run_evaluation
    from kg.lineage.suggest import suggest as run_suggest

    if evaluate and fmt is TableFormat.YAML:
        from kg.errors import KgError

        raise KgError("--evaluate prints a table or json; --format yaml is for suggestions")
    kb = load_inputs(list_inputs(inputs, lists, spelling="--list"), curation)
    if evaluate:
        report = run_evaluation(kb, ks=(5, 10, 20, 40))
        if fmt is TableFormat.JSON:
            typer.echo(json.dumps(_evaluation_json(report), indent=2))
        else:
            typer.echo(_evaluation_table(report, hidden=len(kb.lineage)), nl=False)
        return
    found = run_suggest(kb, top=top)
    if fmt is TableFormat.YAML:
        from kg.lineage.suggest_yaml import to_lineage_yaml

        typer.echo(to_lineage_yaml(found, kb), nl=False)
    elif fmt is TableFormat.JSON:
        typer.echo(
            json.dumps(
                [_suggestion_json(i, s) for i, s in enumerate(found, 1)],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        typer.echo(_suggestion_table(found), nl=False)


def _suggestion_json(rank: int, s: Suggestion) -> dict[str, Any]:
    return {
        "rank": rank,
        "from": s.newer.ref,
        "to": s.older.ref,
        "score": s.score,
        "newer": s.newer.as_dict(),
        "older": s.older.as_dict(),
        "signals": [{"name": x.name, "weight": x.weight, "detail": x.detail} for x in s.signals],
    }


def _suggestion_table(found: list[Suggestion]) -> str:
    if not found:
        return "No suggestions: every likely pair is curated already.\n"
    lines = ["Suggested lineage (not curated; check before adding to data/lineage.yaml):"]
    for i, s in enumerate(found, 1):
        lines.append(f"{i:>3}. {s.score:5.2f}  {s.newer.describe()}")
        lines.append(f"{'':12}-> {s.older.describe()}")
        lines.append(f"{'':12}from: {s.newer.ref}  to: {s.older.ref}")
        lines.extend(f"{'':12}- {signal}" for signal in s.signals)
    return "\n".join(lines) + "\n"


def _evaluation_json(report: Evaluation) -> dict[str, Any]:
    return {
        "truth": report.truth,
        "candidates": report.candidates,
        "signals": list(report.signals),
        "points": [
            {"k": p.k, "hits": p.hits, "precision": p.precision, "recall": p.recall}
            for p in report.points
        ],
    }


def _evaluation_table(report: Evaluation, *, hidden: int) -> str:
    lines = [
        f"Hid all {hidden} curated lineage edges and ranked {report.candidates} ordered paper pairs;",
        f"ground truth: the {report.truth} curated paper -> paper edges, direction included.",
        "",
        "    k  hits  precision  recall",
    ]
    lines.extend(
        f"{p.k:>5}  {p.hits:>4}  {p.precision:>9.2f}  {p.recall:>6.2f}" for p in report.points
    )
    return "\n".join(lines) + "\n"
