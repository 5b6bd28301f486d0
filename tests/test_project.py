"""``kg init`` and lineage-kg.toml: every command reads the project, options override it."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.project import find_project, load_project, render_project

runner = CliRunner()

LIST = """# My Papers

## Instruction data

[**2023 ACL**] [**Self-Instruct: Aligning Language Models with Self-Generated Instructions**](https://arxiv.org/abs/2212.10560), *Yizhong Wang, Yeganeh Kordi*

[**2024 ICLR**] [**WizardLM: Empowering Large Language Models to Follow Complex Instructions**](https://arxiv.org/abs/2304.12244), *Can Xu, Qingfeng Sun*
"""

OTHER = """# Other Papers

## Distillation

- [Self-Instruct: Aligning Language Models with Self-Generated Instructions](https://arxiv.org/abs/2212.10560), Yizhong Wang, Yeganeh Kordi, 2023
"""

LINEAGE = """lineage:
  - from: arxiv:2304.12244
    to: arxiv:2212.10560
    relation: extends
    evidence:
      text: WizardLM evolves Self-Instruct style seed instructions.
      source: https://arxiv.org/abs/2304.12244
"""

METHODS = """methods:
  - id: evol-instruct
    label: Evol-Instruct
    introduced_by: [arxiv:2304.12244]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my-list.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "other.md").write_text(OTHER, encoding="utf-8")
    result = runner.invoke(app, ["init", "-i", "my-list.md", "-i", "other.md"])
    assert result.exit_code == 0, result.output
    (tmp_path / "curation" / "lineage.yaml").write_text(LINEAGE, encoding="utf-8")
    return tmp_path


def test_init_writes_a_project_that_tomllib_reads(project):
    data = tomllib.loads((project / "lineage-kg.toml").read_text(encoding="utf-8"))
    assert data["project"] == {
        "inputs": ["my-list.md", "other.md"],
        "curation": ["curation"],
        "out": "exports",
    }
    assert (project / "curation").is_dir()
    loaded = find_project()
    assert loaded is not None and loaded.inputs == (Path("my-list.md"), Path("other.md"))


def test_init_finds_the_lists_of_the_folder_and_refuses_to_overwrite(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "README.md").write_text("# readme\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert load_project("lineage-kg.toml").inputs == (Path("a.md"), Path("refs.bib"))
    again = runner.invoke(app, ["init"])
    assert again.exit_code == 1 and "exists already; use --force" in again.stderr
    assert runner.invoke(app, ["init", "--force", "-i", "a.md"]).exit_code == 0


def test_every_command_reads_the_project_when_given_no_inputs(project):
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert "  lists          2\n" in result.stdout
    assert "  papers         2\n" in result.stdout
    assert "  lineage edges  1\n" in result.stdout
    shown = runner.invoke(app, ["lineage", "WizardLM"])
    assert shown.exit_code == 0 and "extends -> Self-Instruct" in shown.stdout


def test_explicit_inputs_keep_the_projects_curation(project):
    result = runner.invoke(app, ["stats", "-i", "my-list.md"])
    assert result.exit_code == 0, result.output
    assert "  lists          1\n" in result.stdout
    assert "  lineage edges  1\n" in result.stdout


def test_build_writes_into_the_projects_out_and_an_option_overrides_it(project):
    (project / "lineage-kg.toml").write_text(
        render_project(inputs=["my-list.md"], curation=["curation"], out="site"),
        encoding="utf-8",
    )
    built = runner.invoke(app, ["build", "--no-views", "--no-store"])
    assert built.exit_code == 0, built.output
    assert (project / "site" / "graph.nt").is_file()
    assert "lkg:listing" not in (project / "site" / "graph.nt").read_text(encoding="utf-8")
    assert "#listing>" in (project / "site" / "graph.nt").read_text(encoding="utf-8")
    other = runner.invoke(app, ["build", "--no-views", "--no-store", "--out", "elsewhere"])
    assert other.exit_code == 0 and (project / "elsewhere" / "graph.nt").is_file()


def test_several_curation_folders_merge_and_a_duplicate_id_names_both_places(project):
    (project / "more").mkdir()
    (project / "more" / "methods.yaml").write_text(METHODS, encoding="utf-8")
    (project / "lineage-kg.toml").write_text(
        render_project(inputs=["my-list.md"], curation=["curation", "more"]), encoding="utf-8"
    )
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert "  methods        1\n" in result.stdout and "  lineage edges  1\n" in result.stdout
    (project / "curation" / "methods.yaml").write_text(METHODS, encoding="utf-8")
    clash = runner.invoke(app, ["stats"])
    assert clash.exit_code == 1
    assert clash.stderr == (
        "Error: more/methods.yaml:2: duplicate method id 'evol-instruct' "
        "(first at curation/methods.yaml:2)\n"
    )


def test_a_broken_project_file_is_an_error_naming_it(project):
    (project / "lineage-kg.toml").write_text("[project]\ninputs = [\n", encoding="utf-8")
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: lineage-kg.toml:")
    (project / "lineage-kg.toml").write_text(
        '[project]\ninputs = ["my-list.md"]\noutput = "x"\n', encoding="utf-8"
    )
    unknown = runner.invoke(app, ["stats"])
    assert unknown.exit_code == 1
    assert "lineage-kg.toml: project.output: Extra inputs are not permitted" in unknown.stderr
