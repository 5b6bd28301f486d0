"""``kg stats``: summary numbers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
)
from kg.errors import KgError

if TYPE_CHECKING:
    from kg.model import KnowledgeBase, PaperMerge


@app.command()
@handle_errors
def stats(
    inputs: InputsOpt = None,
    curation: CurationOpt = None,
    merges: Annotated[
        bool,
        typer.Option(
            "--merges",
            help="List every person whose spellings were merged, and every paper merged from several entries (rule and evidence) or kept apart.",
        ),
    ] = False,
    papers: Annotated[
        bool, typer.Option("--papers", help="List paper keys (for curated YAML) and titles.")
    ] = False,
    top: Annotated[int, typer.Option("--top", min=1, help="How many authors to rank.")] = 10,
    graph: Annotated[
        Path | None,
        typer.Option(
            "--graph",
            help="Count a build folder's graph (kg build --out DIR, or its graph.nt) "
            "instead of the inputs' store.",
        ),
    ] = None,
    lists: ListsArg = None,
) -> None:
    """Print counts per kind, the most prolific authors, papers per category and per year.

    The numbers come from the persistent store `kg build` left for these inputs (data/
    unless --input is given; rebuilt, with a note, when the inputs changed), or from a
    build folder's store with --graph DIR: nothing is parsed. --merges and --papers read
    the inputs themselves, since the graph does not state merge rules, their evidence,
    the entries kept apart, or the order of the papers in the lists.

    Example:
        kg stats
        kg stats --graph exports
        kg stats --merges
        kg stats -i my-list.md --papers
    """
    from kg.stats import Stats

    kb: KnowledgeBase | None = None
    if merges or papers:
        from kg.stats import compute_stats

        if graph is not None:
            raise KgError(
                "--merges and --papers read the inputs (the graph does not state merge rules, "
                "their evidence or the lists' order); give no --graph with them"
            )
        kb = load_inputs(list_inputs(inputs, lists), curation)
        result: Stats = compute_stats(kb, top=top)
    else:
        from kg.cli.graph_source import open_graph
        from kg.sparql.stats import stats_of_store

        given = list_inputs(inputs, lists) if inputs or lists else None  # --graph: no parser
        opened = open_graph(graph=graph, lists=given, curation=curation)
        result = stats_of_store(opened.store, top=top, warnings=opened.facts.get("warnings"))
        if "warnings" not in result.counts:
            typer.echo(
                "note: the number of warnings is not in the graph nor recorded with its "
                "store (kg build records it); `kg lint` shows the warnings",
                err=True,
            )
    sections: list[str] = [
        "Counts\n" + columns([(k, str(v)) for k, v in result.counts.items()]),
        "Most prolific authors\n" + columns([(name, str(n)) for name, n in result.top_authors]),
        "Papers per category\n" + columns([(c, str(n)) for c, n in result.per_category]),
        "Papers per year\n" + columns([(str(y), str(n)) for y, n in result.per_year]),
    ]
    if merges:
        rows = [
            (m.name, " / ".join(m.variants) + (f"  [{', '.join(m.rules)}]" if m.rules else ""))
            for m in result.merges
        ]
        sections.append("Merged names\n" + columns(rows))
        if result.identity_notes:
            sections.append(
                "Not merged (review)\n" + "\n".join(f"  {note}" for note in result.identity_notes)
            )
        sections.extend(_paper_merges(result.paper_merges, result.paper_rules))
    if papers and kb is not None:
        sections.append("Papers\n" + columns([(p.key, p.title) for p in kb.papers]))
    typer.echo("\n\n".join(sections))


def _paper_merges(merges: list[PaperMerge], rules: list[tuple[str, int]]) -> list[str]:
    """The paper identity sections: merges per rule, each decision, entries kept apart."""

    def row(m: PaperMerge) -> str:
        first, second = m.sources
        return f"  {m.key}  {m.rule}: {m.evidence}\n      {first}  +  {second}"

    merged = [m for m in merges if m.merged]
    apart = [m for m in merges if not m.merged]
    sections = [
        "Merged papers (entries joined, by rule)\n"
        + columns([(rule, str(n)) for rule, n in rules])
        + ("\n" + "\n".join(row(m) for m in merged) if merged else "")
    ]
    if apart:
        sections.append(
            "Papers kept apart (review; papers.yaml same_as merges them)\n"
            + "\n".join(row(m) for m in apart)
        )
    return sections
