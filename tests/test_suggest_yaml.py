"""``kg lineage suggest --format yaml``: entries that the strict curation loader reads as they are."""

from __future__ import annotations

from typer.testing import CliRunner

from kg.cli import app
from kg.curation.load import load_curation, resolve_curation
from kg.lineage.suggest import suggest
from kg.lineage.suggest_yaml import EVIDENCE_PLACEHOLDER, guess_relation
from kg.pipeline import build_knowledge_base

from .conftest import DEFAULT_LIST

runner = CliRunner()


def test_yaml_suggestions_load_and_resolve_against_the_same_papers(tmp_path):
    result = runner.invoke(
        app, ["lineage", "suggest", "--format", "yaml", "--top", "5", "-i", str(DEFAULT_LIST)]
    )
    assert result.exit_code == 0, result.output
    (tmp_path / "lineage.yaml").write_text(result.stdout, encoding="utf-8")
    curation = load_curation(tmp_path)
    assert len(curation.lineage) == 5
    alone = build_knowledge_base([DEFAULT_LIST])  # what the command read: the list alone
    _, edges, _ = resolve_curation(curation, alone.papers)
    found = suggest(alone, top=5)
    assert [(str(e.newer), str(e.older)) for e in edges] == [s.pair for s in found]
    assert [e.relation for e in edges] == [guess_relation(s) for s in found]
    assert all(e.evidence.text == EVIDENCE_PLACEHOLDER for e in edges)
    assert result.stdout.count("# a guess from the signals: check it") == 5


def test_yaml_is_for_suggestions_not_for_the_evaluation():
    result = runner.invoke(app, ["lineage", "suggest", "--evaluate", "--format", "yaml"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --evaluate prints a table or json; --format yaml is for suggestions\n"
    )
