"""Every command has help text and is documented in the README (sqlite-utils' test_docs idea)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(
    info.name or info.callback.__name__.replace("_", "-") for info in app.registered_commands
)
GROUPS = sorted(group.name for group in app.registered_groups if group.name)


def test_there_are_commands():
    assert {"build", "query", "stats"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS + GROUPS)
def test_every_command_has_help_and_is_in_the_readme(command):
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", result.output)
    assert "Usage: kg " + command in re.sub(r"\s+", " ", plain)
    assert f"`kg {command}" in README, f"kg {command} is missing from README.md"


def test_readme_quickstart_has_exactly_two_commands():
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", quickstart, flags=re.S)
    assert len(blocks) == 2
    assert "kg build" in blocks[0]
    assert blocks[1].strip() == "bash scripts/test.sh"
    assert "bash scripts/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
