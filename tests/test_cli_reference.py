"""docs/cli.md is generated from the CLI and fresh; README's CLI reference names every command and option.

In the spirit of sqlite-utils' tests/test_docs.py: every command answers ``--help``, and
every command and visible option appears both in the generated reference
(``scripts/cli_reference.py`` -> docs/cli.md) and in README.md's "CLI reference" table.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "cli_reference", ROOT / "scripts" / "cli_reference.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()
ROOT_COMMAND = typer.main.get_command(app)
assert isinstance(ROOT_COMMAND, TyperGroup)
COMMANDS = SCRIPT._commands(ROOT_COMMAND, [])
README_REFERENCE = (
    (ROOT / "README.md")
    .read_text(encoding="utf-8")
    .split("## CLI reference", 1)[-1]
    .split("\n## ", 1)[0]
)


def _options(command) -> list[str]:
    return [
        o
        for p in command.params
        if p.param_type_name == "option" and not p.hidden
        for o in p.opts
        if o.startswith("--")
    ]


def test_docs_cli_md_is_fresh():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == SCRIPT.render(), (
        "docs/cli.md is stale: run .venv/bin/python scripts/cli_reference.py"
    )


def test_every_command_is_listed():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {
        "build",
        "query",
        "serve",
        "push",
        "stats",
        "viz",
        "lineage show",
        "lineage suggest",
    } <= names


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_and_a_reference_entry(path, command):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0
    assert "Usage: kg " + " ".join(path) in re.sub(
        r"\s+", " ", re.sub(r"\x1b\[[0-9;]*m", "", result.output)
    )
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    section = reference.split(f"## `kg {' '.join(path)}`", 1)[1].split("\n## ", 1)[0]
    for option in _options(command):
        assert f"`{option}`" in section, f"{option} of kg {' '.join(path)} missing from docs/cli.md"


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_and_option_is_in_the_readme_reference(path, command):
    name = " ".join(path).removesuffix(" show")  # `kg lineage NAME` is how README shows `show`
    assert f"`kg {name}" in README_REFERENCE, f"kg {name} is missing from README's CLI reference"
    missing = [o for o in _options(command) if o not in README_REFERENCE]
    assert missing == [], f"options of kg {' '.join(path)} missing from README's CLI reference"


def test_version_is_in_the_readme_reference():
    assert "kg --version" in README_REFERENCE
