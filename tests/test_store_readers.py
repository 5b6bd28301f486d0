"""``kg stats`` and ``kg lineage NAME`` answer from the persistent store, as from the lists.

The store path (SPARQL aggregates, the works read from the store) is compared with the
knowledge-base path (:func:`kg.stats.compute_stats`, :class:`kg.lineage.works.WorkGraph`)
on ``data/``, on a generated list with curated lineage, and on the real lists of
``../shared/corpus`` read together (papers merged across inputs); then through the CLI,
where a build is read without parsing anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import WorkLookupError
from kg.graph.rdf import iter_triples
from kg.graph.store import to_store
from kg.lineage.store import work_graph
from kg.lineage.walks import lineage_of, to_json_text, to_mermaid, to_tree_text
from kg.lineage.works import WorkGraph
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base
from kg.sparql.stats import stats_of_store
from kg.stats import compute_stats
from tests.bench_generator import generator

from .conftest import CORPUS, DATA, DEFAULT_LIST

runner = CliRunner()


def _generator() -> ModuleType:
    return generator()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate = _generator()
    generate.write_corpus(generate.generate(600, seed=5), folder)
    return folder


def _corpus_lists() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


@pytest.fixture(scope="module", params=["data", "generated", "corpus"])
def case(request: pytest.FixtureRequest, generated: Path) -> tuple[KnowledgeBase, ox.Store]:
    if request.param == "data":
        kb = build_knowledge_base([DEFAULT_LIST], curation=DATA)
    elif request.param == "generated":
        kb = build_knowledge_base([generated / "list.md"], curation=generated)
    else:
        lists = _corpus_lists()
        if len(lists) < 2:
            pytest.skip("../shared/corpus is not checked out next to the project")
        kb = build_knowledge_base(lists)
    return kb, to_store(list(iter_triples(kb)))


def test_stats_from_the_store_equal_the_knowledge_base(case):
    kb, store = case
    for top in (3, 10, 1000):
        expected = compute_stats(kb, top=top)
        found = stats_of_store(store, top=top, warnings=len(kb.diagnostics))
        assert found.counts == expected.counts
        assert list(found.counts) == list(expected.counts)  # same rows, same order
        assert found.top_authors == expected.top_authors
        assert found.per_category == expected.per_category
        assert found.per_year == expected.per_year
    assert compute_stats(kb).counts["papers"] > 0


def test_stats_without_known_warnings_leave_the_count_out(case):
    kb, store = case
    counts = stats_of_store(store).counts
    assert "warnings" not in counts
    assert counts == {k: v for k, v in compute_stats(kb).counts.items() if k != "warnings"}


def test_the_works_read_from_the_store_are_the_knowledge_bases(case):
    kb, store = case
    mine, theirs = work_graph(store), WorkGraph(kb)
    assert mine.works == theirs.works
    assert {r: sorted(v) for r, v in mine.introduces.items() if v} == {
        r: sorted(v) for r, v in theirs.introduces.items() if v
    }

    def as_sets(links: dict[str, dict[str, list[str]]]) -> set[tuple[str, str, tuple[str, ...]]]:
        return {(a, b, tuple(sorted(r))) for a, d in links.items() for b, r in d.items()}

    assert as_sets(mine.older) == as_sets(theirs.older)
    assert {r: sorted(v) for r, v in mine.aliases.items()} == {
        r: sorted(v) for r, v in theirs.aliases.items()
    }


def test_every_lineage_from_the_store_is_the_same_text(case):
    """Every work with a lineage link, in all three renderings (at most 150 per case)."""
    kb, store = case
    mine, theirs = work_graph(store), WorkGraph(kb)
    linked = sorted({*theirs.older, *theirs.newer, *theirs.introduces})[:150]
    assert linked or not kb.lineage
    for ref in linked:
        a, b = lineage_of(mine, ref), lineage_of(theirs, ref)
        assert to_tree_text(a) == to_tree_text(b)
        assert to_json_text(a) == to_json_text(b)
        assert to_mermaid(a) == to_mermaid(b)


@pytest.mark.parametrize("name", ["Wizard", "no such paper at all", "WizardLMM", "Evol"])
def test_names_that_match_several_or_none_say_the_same(name):
    kb = build_knowledge_base([DEFAULT_LIST], curation=DATA)
    store = to_store(list(iter_triples(kb)))
    messages = []
    for graph in (work_graph(store), WorkGraph(kb)):
        try:
            messages.append(to_tree_text(lineage_of(graph, name)))
        except WorkLookupError as err:
            messages.append(str(err))
    assert messages[0] == messages[1]


# -- the commands ------------------------------------------------------------------------


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    return folder


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any reading of the inputs fail, so a command that passes parsed nothing."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the inputs were parsed")

    monkeypatch.setattr("kg.pipeline.build_knowledge_base", refuse)


def _kb_text(args: list[str]) -> str:
    """``kg stats`` as the knowledge-base path prints it (--papers reads the inputs; cut it off)."""
    result = runner.invoke(app, ["stats", *args, "--papers"])
    assert result.exit_code == 0, result.output
    return result.stdout.split("\n\nPapers\n")[0] + "\n"


def test_kg_stats_and_lineage_open_the_build_without_parsing(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
):
    inputs = ["-i", str(DEFAULT_LIST), "--curation", str(DATA)]
    out = tmp_path / "out"
    built = runner.invoke(app, ["build", *inputs, "--out", str(out), "--no-views"])
    assert built.exit_code == 0, built.output
    expected_stats = _kb_text(inputs)
    assert "\n  warnings       4\n" in expected_stats
    expected_tree = to_tree_text(
        lineage_of(build_knowledge_base([DEFAULT_LIST], curation=DATA), "WizardMath")
    )
    _no_parsing(monkeypatch)
    for source in (inputs, ["--graph", str(out)], ["--graph", str(out / "graph.nt")]):
        stats = runner.invoke(app, ["stats", *source])
        assert stats.exit_code == 0, stats.output
        assert stats.stdout == expected_stats
        assert stats.stderr == ""  # the store was there: no note
        shown = runner.invoke(app, ["lineage", "WizardMath", *source])
        assert shown.exit_code == 0, shown.output
        assert (shown.stdout, shown.stderr) == (expected_tree, "")


def test_changed_inputs_rebuild_the_store_with_a_note(tmp_path: Path, cache: Path):
    listed = tmp_path / "list.md"
    listed.write_text(DEFAULT_LIST.read_text(encoding="utf-8"), encoding="utf-8")
    inputs = ["-i", str(listed), "--curation", str(DATA)]
    first = runner.invoke(app, ["stats", *inputs])
    assert first.exit_code == 0, first.output
    assert "note: no store for these inputs" in first.stderr
    assert first.stdout == _kb_text(inputs)  # the warnings counted while building it
    again = runner.invoke(app, ["lineage", "2304.12244", "--format", "json", *inputs])
    assert (again.exit_code, again.stderr) == (0, "")
    assert json.loads(again.stdout)["work"]["ref"] == "paper:2304.12244"
    listed.write_text(
        listed.read_text(encoding="utf-8").replace("WizardCoder", "WizardKoder"), encoding="utf-8"
    )
    changed = runner.invoke(app, ["lineage", "WizardKoder", *inputs])
    assert changed.exit_code == 0, changed.output
    assert "note: no store for these inputs" in changed.stderr
    assert changed.stdout.startswith("WizardKoder: Empowering Code Large Language Models")


def test_a_graph_file_without_recorded_warnings_says_so(tmp_path: Path, cache: Path):
    ttl = tmp_path / "graph.ttl"
    kb = build_knowledge_base([DEFAULT_LIST], curation=DATA)
    store = to_store(list(iter_triples(kb)))
    ttl.write_bytes(store.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph()))
    result = runner.invoke(app, ["stats", "--graph", str(ttl)])
    assert result.exit_code == 0, result.output
    assert "warnings" not in result.stdout
    assert "note: the number of warnings is not in the graph" in result.stderr
    expected = _kb_text(["-i", str(DEFAULT_LIST), "--curation", str(DATA)])
    assert result.stdout == expected.replace("  warnings       4\n", "")


def test_merges_and_papers_read_the_inputs_and_refuse_a_graph(tmp_path: Path, cache: Path):
    result = runner.invoke(app, ["stats", "--merges", "--graph", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --merges and --papers read the inputs")
    both = runner.invoke(app, ["stats", "--graph", str(tmp_path), "-i", str(DEFAULT_LIST)])
    assert both.exit_code == 1
    assert "give no --input or --curation with it" in both.stderr
