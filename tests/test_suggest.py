"""Suggested lineage: explained scores, never curated pairs, never in the graph, and measured."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.rdf import PROV_DERIVED, iter_triples
from kg.lineage.suggest import SIGNALS, evaluate, rank, suggest
from kg.lineage.suggest import _is_earlier as is_earlier
from kg.lineage.works import WorkGraph
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base

from .conftest import DATA, DEFAULT_LIST, ROOT

runner = CliRunner()
LIST = """# Tiny
## Methods
[**2023 Jan ACL**] [**Alpha: First Paper**](https://arxiv.org/abs/2301.00001), *Ann Author, Bob Builder*

[**2024 ICLR**] [**Beta: Alpha Goes Further**](https://arxiv.org/abs/2306.00002), *Ann Author, Bob Builder*

[**2024 ICLR**] [**Delta: Unrelated Work**](https://example.org/delta.pdf), *Dan Dev*

## Survey && Analysis
[**2025 ICLR**] [**A Survey of Everything**](https://example.org/gamma.pdf), *Carl Coder*
"""
METHODS = """\
methods:
  - id: alpha-method
    label: Alpha Method
    introduced_by: [arxiv:2301.00001]
    used_by: [paper:delta-unrelated-work]
  - id: delta-method
    label: Delta Method
    introduced_by: [paper:delta-unrelated-work]
    variant_of: alpha-method
"""
LINEAGE = """\
lineage:
  - from: arxiv:2306.00002
    to: arxiv:2301.00001
    relation: extends
    evidence: {text: Beta says so., source: "https://example.org/beta"}
"""


@pytest.fixture()
def tiny_files(tmp_path: Path) -> list[str]:
    """The tiny list and its curation folder, as CLI arguments."""
    (tmp_path / "list.md").write_text(LIST, encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "methods.yaml").write_text(METHODS, encoding="utf-8")
    (tmp_path / "data" / "lineage.yaml").write_text(LINEAGE, encoding="utf-8")
    return ["--input", str(tmp_path / "list.md"), "--curation", str(tmp_path / "data")]


@pytest.fixture()
def tiny(tiny_files: list[str]) -> KnowledgeBase:
    return build_knowledge_base([tiny_files[1]], curation=tiny_files[3])


def test_ranking_is_explained_by_its_signals(tiny):
    ranked = [
        (s.newer.ref[6:], s.older.ref[6:], s.score, [x.name for x in s.signals]) for s in rank(tiny)
    ]
    assert ranked == [
        ("delta-unrelated-work", "2301.00001", 7.25, ["uses", "variant", "category", "time"]),
        ("2306.00002", "2301.00001", 5.75, ["names", "authors", "category", "time"]),
        ("a-survey-of-everything", "2306.00002", 1.5, ["survey", "venue", "time"]),
        ("a-survey-of-everything", "delta-unrelated-work", 1.5, ["survey", "venue", "time"]),
        ("delta-unrelated-work", "2306.00002", 1.5, ["category", "venue", "time"]),
        ("a-survey-of-everything", "2301.00001", 1.25, ["survey", "time"]),
    ]
    [beta] = [s for s in rank(tiny) if s.newer.ref == "paper:2306.00002"]
    assert [str(x) for x in beta.signals] == [
        "names: title names 'Alpha'",
        "authors: 2 shared: Ann Author, Bob Builder",
        "category: both in Methods",
        "time: 2023-06 after 2023-01",
    ]
    [delta] = [
        s for s in rank(tiny) if s.pair == ("paper:delta-unrelated-work", "paper:2301.00001")
    ]
    assert [str(x) for x in delta.signals[:2]] == [
        "uses: uses Alpha Method (method)",
        "variant: Delta Method is a variant of Alpha Method",
    ]


def test_scores_are_sums_of_weights_and_sorted(default_kb):
    ranked = rank(default_kb)
    assert all(s.score == sum(x.weight for x in s.signals) for s in ranked)
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert rank(default_kb) == ranked  # deterministic


def test_a_pair_known_to_be_reversed_in_time_is_never_ranked(default_kb):
    for s in rank(default_kb):
        assert not is_earlier(s.newer.date, s.older.date), s.pair


def test_suggestions_leave_out_curated_pairs(default_kb, tiny):
    assert [s.pair for s in suggest(tiny)] == [
        ("paper:delta-unrelated-work", "paper:2301.00001"),
        ("paper:a-survey-of-everything", "paper:2306.00002"),
        ("paper:a-survey-of-everything", "paper:delta-unrelated-work"),
        ("paper:delta-unrelated-work", "paper:2306.00002"),
        ("paper:a-survey-of-everything", "paper:2301.00001"),
    ]
    assert [s.pair for s in suggest(tiny, top=1, min_score=7.0)] == [
        ("paper:delta-unrelated-work", "paper:2301.00001")
    ]
    graph = WorkGraph(default_kb)
    linked = set()
    for e in default_kb.lineage:
        newer = [str(e.newer)] if e.newer.kind == "paper" else graph.introduced_by[str(e.newer)]
        older = [str(e.older)] if e.older.kind == "paper" else graph.introduced_by[str(e.older)]
        linked |= {frozenset((a, b)) for a in newer for b in older}
    found = suggest(default_kb, top=None)
    assert found and all(frozenset(s.pair) not in linked for s in found)
    assert all(s.score >= 1.0 for s in found)


def test_unknown_signal_is_refused(tiny):
    with pytest.raises(ValueError, match="unknown signals: authorz"):
        rank(tiny, signals=["authorz"])


def test_evaluate_on_a_tiny_list(tiny):
    report = evaluate(tiny, ks=(1, 2, 6))
    assert (report.truth, report.candidates, report.signals) == (1, 6, SIGNALS)
    assert [(p.k, p.hits, p.precision, p.recall) for p in report.points] == [
        (1, 0, 0.0, 0.0),
        (2, 1, 0.5, 1.0),
        (6, 1, 1 / 6, 1.0),
    ]
    without_methods = evaluate(
        tiny, ks=(1,), signals=["names", "authors", "category", "terms", "time"]
    )
    assert [(p.hits, p.precision, p.recall) for p in without_methods.points] == [(1, 1.0, 1.0)]


def test_evaluate_on_the_curated_data_beats_chance(default_kb):
    truth = {
        (str(e.newer), str(e.older))
        for e in default_kb.lineage
        if e.newer.kind == e.older.kind == "paper"
    }
    report = evaluate(default_kb, ks=(5, 10, 20, 40))
    assert report.truth == len(truth) > 0
    chance = report.truth / report.candidates
    for point in report.points:
        assert point.precision == point.hits / point.k and point.recall == point.hits / report.truth
    assert [p.hits for p in report.points] == sorted(p.hits for p in report.points)
    assert report.points[1].precision >= 3 * chance  # precision@10 at least three times chance


def test_suggestions_never_reach_the_graph(default_kb):
    before = list(iter_triples(default_kb))
    suggest(default_kb, top=None)
    assert list(iter_triples(default_kb)) == before
    curated = {(str(e.newer), str(e.older)) for e in default_kb.lineage}
    curated |= {
        (f"method:{c.id}", f"method:{c.variant_of}")
        for c in default_kb.contributions
        if c.variant_of
    }
    derived = {(s, o) for s, p, o in before if p == PROV_DERIVED}
    assert len(derived) == len(curated)
    code = "import sys, kg.export.build, kg.export.rdf_formats, kg.graph.rdf; print('kg.lineage.suggest' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout == "False\n"


# -- the command ------------------------------------------------------------------------


def test_cli_suggest_table(tiny_files):
    result = runner.invoke(app, ["lineage", "suggest", "--top", "1", *tiny_files])
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(
        """\
        Suggested lineage (not curated; check before adding to data/lineage.yaml):
          1.  7.25  Delta: Unrelated Work (2024, ICLR)
                    -> Alpha: First Paper (2023, ACL)
                    from: paper:delta-unrelated-work  to: paper:2301.00001
                    - uses: uses Alpha Method (method)
                    - variant: Delta Method is a variant of Alpha Method
                    - category: both in Methods
                    - time: 2024 after 2023-01
        """
    )


def test_cli_suggest_json(tiny_files):
    result = runner.invoke(app, ["lineage", "suggest", "--format", "json", *tiny_files])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [(d["rank"], d["from"], d["to"], d["score"]) for d in data[:2]] == [
        (1, "paper:delta-unrelated-work", "paper:2301.00001", 7.25),
        (2, "paper:a-survey-of-everything", "paper:2306.00002", 1.5),
    ]
    assert data[0]["signals"][0] == {
        "name": "uses",
        "weight": 3.0,
        "detail": "uses Alpha Method (method)",
    }


def test_cli_evaluate(tiny_files):
    result = runner.invoke(app, ["lineage", "suggest", "--evaluate", *tiny_files])
    assert result.exit_code == 0, result.output
    assert result.stdout == textwrap.dedent(
        """\
        Hid all 1 curated lineage edges and ranked 6 ordered paper pairs;
        ground truth: the 1 curated paper -> paper edges, direction included.

            k  hits  precision  recall
            5     1       0.20    1.00
           10     1       0.10    1.00
           20     1       0.05    1.00
           40     1       0.03    1.00
        """
    )
    result = runner.invoke(
        app, ["lineage", "suggest", "--evaluate", "--format", "json", *tiny_files]
    )
    data = json.loads(result.stdout)
    assert (data["truth"], data["candidates"], data["points"][0]) == (
        1,
        6,
        {"k": 5, "hits": 1, "precision": 0.2, "recall": 1.0},
    )


def test_cli_evaluate_on_the_default_data(default_kb):
    result = runner.invoke(
        app,
        ["lineage", "suggest", "--evaluate", "--input", str(DEFAULT_LIST), "--curation", str(DATA)],
    )
    assert result.exit_code == 0, result.output
    report = evaluate(default_kb, ks=(5, 10, 20, 40))
    assert result.stdout.splitlines()[4].split() == [
        "5",
        str(report.points[0].hits),
        f"{report.points[0].precision:.2f}",
        f"{report.points[0].recall:.2f}",
    ]
