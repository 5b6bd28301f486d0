"""Headings whose labels differ but fold to one key are one category, in one list or across lists.

A review found ``## Data Augmentation`` and ``## Data-Augmentation`` crashing every command
with a ``KeyError`` (papers carried a label the graph had no key for) and ``kg stats``
under-counting. Each command is run on both shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import build_knowledge_base

runner = CliRunner()
ONE = "# One\n## Data Augmentation\n- [A paper on augmenting data](https://arxiv.org/abs/2401.00001) *Ann Lee* ICLR 2024.\n"
TWO = "# Two\n## Data-Augmentation\n- [Another paper on augmenting](https://arxiv.org/abs/2401.00002) *Bo Chen* ICML 2024.\n"


@pytest.fixture(params=["one list", "two lists"])
def inputs(request, tmp_path: Path) -> list[str]:
    if request.param == "one list":
        (tmp_path / "a.md").write_text(ONE + TWO.replace("# Two\n", ""), encoding="utf-8")
        return [str(tmp_path / "a.md")]
    (tmp_path / "a.md").write_text(ONE, encoding="utf-8")
    (tmp_path / "b.md").write_text(TWO, encoding="utf-8")
    return [str(tmp_path / "a.md"), str(tmp_path / "b.md")]


def _args(inputs: list[str]) -> list[str]:
    return [arg for path in inputs for arg in ("-i", path)]


def test_one_category_with_the_other_spelling_kept(inputs):
    kb = build_knowledge_base(inputs)
    [category] = kb.categories
    assert (category.label, category.alt_labels) == ("Data Augmentation", ("Data-Augmentation",))
    assert all(p.categories == ("Data Augmentation",) for p in kb.papers)


def test_every_command_runs(inputs, tmp_path: Path):
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["build", *_args(inputs), "--out", str(out), "--no-store"]).exit_code
        == 0
    )
    assert (
        runner.invoke(app, ["viz", *_args(inputs), "--out", str(tmp_path / "views")]).exit_code == 0
    )
    stats = runner.invoke(app, ["stats", *_args(inputs)])
    assert stats.exit_code == 0
    [line] = [row for row in stats.stdout.splitlines() if "Data Augmentation" in row]
    assert line.split()[-1] == "2"  # both papers counted under the one category
    query = runner.invoke(
        app,
        [
            "query",
            *_args(inputs),
            "SELECT (COUNT(?p) AS ?n) WHERE { ?p a lkg:Paper ; dcterms:subject ?c }",
            "--format",
            "csv",
        ],
    )
    assert query.exit_code == 0 and query.stdout.split() == ["n", "2"]
