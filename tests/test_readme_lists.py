"""The README's "Lists it reads" examples: each list, linted, prints what the README says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT

SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Lists it reads", 1)[1]
SECTION = SECTION.split("If a list of yours reads badly", 1)[0]  # examples hold "## " lines
EXAMPLES = re.findall(
    r"\(`(\w+\.md)`\):\n\n```markdown\n(.*?)\n```\n\n```text\n\$ kg lint -i \1\n(.*?)\n```",
    SECTION,
    flags=re.S,
)


def test_the_readme_shows_an_example_of_each_style():
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize(("name", "markdown", "printed"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_kg_lint_prints_what_the_readme_says(tmp_path: Path, monkeypatch, name, markdown, printed):
    (tmp_path / name).write_text(markdown + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["lint", "-i", name])
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n") == printed
