"""A curated lineage chain deeper than Python's recursion limit builds and shows.

Lineage is user data: a chain of 1,500 ``extends`` edges once ended ``kg build`` (the
cycle check) and ``kg lineage`` (the tree walks) in a ``RecursionError``. Every walk over
it now keeps its own stack; these tests run the chain through curation, the tree
renderings and the CLI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import CurationError
from kg.lineage.walks import Step, lineage_of, to_json, to_json_text, to_mermaid, to_tree_text
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base

EDGES = 1500
EVIDENCE = '{text: Builds on it., source: "https://example.org/e"}'


def arxiv(i: int) -> str:
    return f"2301.{i + 1:05d}"


def write_chain(folder: Path, *, close: bool = False) -> tuple[Path, Path]:
    """A list of EDGES + 1 papers and ``paper i+1 extends paper i`` for each i.

    With ``close``, one more edge from the first paper to the last closes a cycle.
    """
    lines = ["# Chain", "## Papers"]
    for i in range(EDGES + 1):
        url = f"https://arxiv.org/abs/{arxiv(i)}"
        lines += [f"[**2023 ACL**] [**Paper number {i}**]({url}), *Author {i}*", ""]
    (folder / "list.md").write_text("\n".join(lines), encoding="utf-8")
    curation = folder / "data"
    curation.mkdir()
    edges = ["lineage:"]
    pairs = [(i + 1, i) for i in range(EDGES)] + ([(0, EDGES)] if close else [])
    for newer, older in pairs:
        edges += [
            f"  - from: arxiv:{arxiv(newer)}",
            f"    to: arxiv:{arxiv(older)}",
            "    relation: extends",
            f"    evidence: {EVIDENCE}",
        ]
    (curation / "lineage.yaml").write_text("\n".join(edges) + "\n", encoding="utf-8")
    return folder / "list.md", curation


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_chain(tmp_path_factory.mktemp("chain"))


@pytest.fixture(scope="module")
def chain_kb(chain: tuple[Path, Path]) -> KnowledgeBase:
    listing, curation = chain
    return build_knowledge_base([listing], curation=curation)


def test_the_chain_is_deeper_than_the_recursion_limit() -> None:
    assert sys.getrecursionlimit() < EDGES


def test_curation_resolves_the_whole_chain(chain_kb: KnowledgeBase) -> None:
    assert len(chain_kb.lineage) == EDGES


def test_a_cycle_closing_a_long_chain_is_refused_at_its_line(tmp_path: Path) -> None:
    listing, curation = write_chain(tmp_path, close=True)
    with pytest.raises(CurationError) as info:
        build_knowledge_base([listing], curation=curation)
    message = str(info.value)
    assert message.startswith(f"{curation / 'lineage.yaml'}:")
    assert "lineage forms a cycle: " in message
    assert message.count(" -> ") == EDGES + 1  # every paper, and back to the first


def test_trees_of_the_chain_reach_its_end(chain_kb: KnowledgeBase) -> None:
    newest = lineage_of(chain_kb, f"arxiv:{arxiv(EDGES)}")
    depth, steps = 0, newest.ancestors
    while steps:
        (step,) = steps
        depth, steps = depth + 1, step.steps
    assert depth == EDGES
    assert len(newest.works()) == EDGES + 1
    assert len(newest.edges()) == EDGES
    text = to_tree_text(newest).splitlines()
    assert len(text) == 2 + EDGES + 1  # the work, "ancestors:", the chain, "descendants:"
    assert text[-2] == "  " * (EDGES + 1) + "extends -> Paper number 0 (2023, ACL)"
    assert to_mermaid(newest).count(" -->|extends| ") == EDGES
    assert len(to_json(newest)["edges"]) == EDGES


@pytest.mark.parametrize("fmt", ["tree", "mermaid"])
def test_kg_lineage_shows_the_chain(chain: tuple[Path, Path], fmt: str) -> None:
    listing, curation = chain
    args = ["--input", str(listing), "--curation", str(curation), "--format", fmt]
    result = CliRunner().invoke(app, ["lineage", "Paper number 0", *args])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    expected = " <- " if fmt == "tree" else " -->|extends| "
    assert result.stdout.count(expected) == EDGES


def test_json_text_of_the_chain_is_written_without_recursion(chain_kb: KnowledgeBase) -> None:
    text = to_json_text(lineage_of(chain_kb, f"arxiv:{arxiv(EDGES)}"))
    assert text.count('"relations": [') == EDGES
    assert text.rstrip().endswith("}")


def test_json_text_is_what_json_dumps_writes(chain_kb: KnowledgeBase) -> None:
    for ref in (f"arxiv:{arxiv(EDGES)}", f"arxiv:{arxiv(EDGES - 3)}"):
        lineage = lineage_of(chain_kb, ref)
        # json.dumps itself cannot go deeper than the recursion limit: cut the trees short.
        cut = type(lineage)(
            lineage.work,
            lineage.introduces,
            lineage.introduced_by,
            _cut(lineage.ancestors, 20),
            _cut(lineage.descendants, 20),
        )
        assert to_json_text(cut) == json.dumps(to_json(cut), indent=2, ensure_ascii=False)


def _cut(steps: tuple[Step, ...], depth: int) -> tuple[Step, ...]:
    """The first ``depth`` levels of a chain (one step per level)."""
    if not steps or depth == 0:
        return ()
    (step,) = steps
    return (Step(step.relations, step.work, _cut(step.steps, depth - 1), step.repeated),)
