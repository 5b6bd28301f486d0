"""docs/curating.md, run: every file it shows is written and every command run, in order, in an empty folder.

Blocks with a file name (```markdown my-list.md, ```yaml curation/lineage.yaml) are
written to that file, as the reader would save or edit it; each line of a ```sh block
is run through the real CLI (``> FILE`` redirects its output). Then the outcomes the
guide promises are checked.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT

GUIDE = ROOT / "docs" / "curating.md"
BLOCK = re.compile(r"^```(\w+)(?: (\S+))?\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _steps() -> list[tuple[str, str | None, str]]:
    return [(m[1], m[2], m[3]) for m in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def test_the_guide_has_files_and_commands():
    kinds = [(kind, name) for kind, name, _ in _steps()]
    assert ("markdown", "my-list.md") in kinds and ("yaml", "curation/lineage.yaml") in kinds
    assert sum(kind == "sh" for kind, _ in kinds) >= 4


@pytest.mark.slow
def test_every_command_of_the_guide_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    outputs: list[tuple[str, str]] = []
    for kind, name, body in _steps():
        if name is not None:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            Path(name).write_text(body, encoding="utf-8")
            continue
        assert kind == "sh", f"a {kind} block without a file name"
        for line in body.splitlines():
            words = shlex.split(line)
            target = None
            if ">" in words:
                at = words.index(">")
                words, target = words[:at], words[at + 1]
            assert words[0] == "kg", line
            result = runner.invoke(app, words[1:])
            assert result.exit_code == 0, f"{line}\n{result.output}"
            if target is not None:
                Path(target).write_text(result.stdout, encoding="utf-8")
            outputs.append((line, result.stdout))
            if line.startswith("kg lineage suggest"):
                suggested = result.stdout
    # The suggestion the guide edits was there, as YAML entries ready to edit.
    assert "  - from: arxiv:2306.08568\n    to: arxiv:2304.12244\n" in suggested
    assert "TODO: one sentence" in suggested
    shown = dict(outputs)
    assert "appliesMethodOf -> WizardLM" in shown["kg lineage WizardCoder"]
    assert (tmp_path / "views" / "ego-wizardcoder.html").is_file() or any(
        p.name.startswith("ego-") for p in (tmp_path / "views").iterdir()
    )
    graph = (tmp_path / "exports" / "graph.nt").read_text(encoding="utf-8")
    assert '<https://w3id.org/lineage-kg/def#sourceFile> "curation/lineage.yaml"' in graph
    merges = [out for line, out in outputs if "--merges" in line]
    assert "title match, years disagree" in merges[0] and "curated same_as" not in merges[0]
    assert "curated same_as" in merges[1] and "curation/papers.yaml:2" in merges[1]
    years = [out for line, out in outputs if "year-provenance" in line]
    assert years[0].count("\n2212.10560") == 1  # kept apart: one listing
    assert years[1].count("\n2212.10560") == 2 and "false" in years[1]
