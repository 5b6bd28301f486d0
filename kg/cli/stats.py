"""``kg stats``: summary numbers."""

from __future__ import annotations

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

if TYPE_CHECKING:
    from kg.model import PaperMerge


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
    lists: ListsArg = None,
) -> None:
    """Print counts per kind, the most prolific authors, papers per category and per year.

    Example:
        kg stats --merges
        kg stats -i my-list.md --papers
    """
    from kg.stats import compute_stats

    kb = load_inputs(list_inputs(inputs, lists), curation)
    result = compute_stats(kb, top=top)
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
    if papers:
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
