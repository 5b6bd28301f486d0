"""The reader on real lists: recall, per-field accuracy and false papers against gold.

Each real list of ``../shared/corpus`` (read in place) has a gold sample written by hand
before the reader was tuned on it (``tests/gold/lists``). The targets of the issue are
checked on every list; ``tests/golden/reader_scores.json`` pins the measured figures so
that a change that loses accuracy on any list and field fails here, and one that gains
must update the pin (``KG_UPDATE_GOLDEN=1``).
"""

from __future__ import annotations

import json
import os

import pytest

from .conftest import CORPUS, ROOT
from .reader_gold import FIELDS, GOLD, ListScore, score_list, table

PIN = ROOT / "tests" / "golden" / "reader_scores.json"
NAMES = sorted(path.stem for path in GOLD.glob("*.yaml"))


@pytest.fixture(scope="module")
def scores() -> dict[str, ListScore]:
    return {name: score_list(GOLD / f"{name}.yaml") for name in NAMES}


def test_every_real_list_has_a_gold_sample_of_twenty_entries_or_more():
    lists = [p for p in CORPUS.glob("*.md") if p.name != "SOURCES.md"] + list(
        CORPUS.glob("dev/*.md")
    )
    assert sorted(p.stem for p in lists) == NAMES
    for name in NAMES:
        score = score_list(GOLD / f"{name}.yaml")
        assert score.gold >= 20, name


@pytest.mark.parametrize("name", NAMES)
def test_targets_on_each_real_list(scores, name):
    score = scores[name]
    print(table([score]))
    assert score.recall >= 0.93, score.misses
    assert score.field_accuracy() >= 0.90, score.misses


def test_targets_over_the_whole_dev_set(scores):
    print(table(list(scores.values())))
    gold = sum(s.gold for s in scores.values())
    found = sum(s.found for s in scores.values())
    right = sum(sum(s.right.values()) for s in scores.values())
    stated = sum(sum(s.stated.values()) for s in scores.values())
    assert found / gold >= 0.98
    assert right / stated >= 0.95
    false = sum(s.false_papers for s in scores.values())
    not_papers = sum(s.not_papers for s in scores.values())
    assert false / not_papers <= 0.15


def _figures(scores: dict[str, ListScore]) -> dict[str, dict[str, int]]:
    return {
        name: {
            "gold": s.gold,
            "found": s.found,
            "false_papers": s.false_papers,
            **{f"{f}_right": s.right[f] for f in FIELDS},
            **{f"{f}_stated": s.stated[f] for f in FIELDS},
        }
        for name, s in scores.items()
    }


def test_no_list_loses_what_the_pin_says_it_reads(scores):
    figures = _figures(scores)
    if os.environ.get("KG_UPDATE_GOLDEN") == "1":
        PIN.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    pinned = json.loads(PIN.read_text(encoding="utf-8"))
    assert set(pinned) == set(figures)
    for name, now in figures.items():
        was = pinned[name]
        assert now["found"] >= was["found"], name
        assert now["false_papers"] <= was["false_papers"], name
        for field in FIELDS:
            assert now[f"{field}_right"] >= was[f"{field}_right"], (name, field)


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_each_real_list_builds_every_export_and_view(name):
    """Real lists through every stage: what the reader accepts, every export can hold."""
    from kg.export.build import render_exports
    from kg.pipeline import build_knowledge_base

    source = next(p for p in [CORPUS / f"{name}.md", CORPUS / "dev" / f"{name}.md"] if p.exists())
    kb = build_knowledge_base([source], curation=None, jobs=1)
    files = render_exports(kb, views=True)
    assert kb.papers and all(files[n] for n in ("graph.nt", "graph.ttl", "overview.html"))
