"""One CLI grammar: every command that reads lists takes them as ``--input/-i LIST``.

Old spellings (list files as arguments, ``kg lineage --list``) still work and warn.
"""

from __future__ import annotations

import shutil
from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT

LIST = ROOT / "data" / "awesome-paper-list-synthetic-data.md"

#: Every command that reads lists, with what it needs besides them.
READERS = {
    "build": ["build", "--no-views", "--out", "{out}"],
    "viz": ["viz", "--out", "{out}"],
    "stats": ["stats"],
    "query": ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?p a lkg:Paper }", "--format", "csv"],
    "lineage show": ["lineage", "show", "WizardMath"],
    "lineage suggest": ["lineage", "suggest", "--top", "1"],
}


def _command(path: list[str]) -> typer.main.click.Command:  # type: ignore[name-defined]
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command


@pytest.mark.parametrize("name", [*READERS, "serve", "push"])
def test_every_list_reader_offers_input_and_i(name):
    options = {opt for p in _command(name.split()).params if not p.hidden for opt in p.opts}
    assert {"--input", "-i"} <= options
    if name != "query":  # kg query --list lists the canned queries, never list files
        assert "--list" not in options


@pytest.mark.parametrize("name", list(READERS))
def test_input_reads_a_file_or_a_folder(name, tmp_path):
    folder = tmp_path / "lists"
    folder.mkdir()
    shutil.copy(LIST, folder / LIST.name)
    runner = CliRunner()
    outputs = []
    for source in (LIST, folder):
        args = [a.replace("{out}", str(tmp_path / "out")) for a in READERS[name]]
        result = runner.invoke(app, [*args, "-i", str(source)])
        assert result.exit_code == 0, result.output
        assert "deprecated" not in result.stderr
        outputs.append(result.stdout)
    if name != "build" and name != "viz":  # their output names the time taken
        assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("args", "spelling"),
    [
        (["stats", str(LIST)], "LIST.md"),
        (["lineage", "WizardMath", "--list", str(LIST)], "--list"),
        (["lineage", "suggest", "--list", str(LIST)], "--list"),
    ],
)
def test_old_spellings_still_work_with_a_warning(args, spelling):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"warning: {spelling} is deprecated; name lists with --input/-i" in result.stderr
    new_args = [a for a in args if a not in ("--list", str(LIST))] + ["-i", str(LIST)]
    new = CliRunner().invoke(app, new_args)
    assert new.exit_code == 0 and "deprecated" not in new.stderr
    assert new.stdout == result.stdout


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"kg {version('lineage-kg')}\n"


def test_kg_query_list_still_lists_the_canned_queries():
    result = CliRunner().invoke(app, ["query", "--list"])
    assert result.exit_code == 0 and "papers-of-author" in result.stdout


def test_a_folder_without_lists_is_a_clean_error(tmp_path: Path):
    result = CliRunner().invoke(app, ["stats", "-i", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: no Markdown lists in {tmp_path}\n"
