"""A paper with thousands of authors costs memory and time linear in its authors.

Issue 15 item 2: one entry with 8,000 authors took 3.6 GB, because the co-authorship
view listed all 32 million pairs. The time ratio over doubling sizes is measured by
``benchmarks/hostile.py``, not asserted here; this checks what the view draws and
holds.
"""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
from pathlib import Path

import pytest

from kg.curation.load import Curation
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import iter_triples
from kg.ingest.markdown import read_markdown
from kg.model import KnowledgeBase
from kg.pipeline import assemble
from kg.stats import compute_stats
from kg.views.catalog import Catalog
from kg.views.coauthors import MAX_CLIQUE, build_coauthors, coauthor_pairs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from hostile import _name, many_authors_list  # noqa: E402

sys.path.remove(str(ROOT / "benchmarks"))


def _kb(tmp_path: Path, authors: int) -> KnowledgeBase:
    source = tmp_path / "list.md"
    source.write_text(many_authors_list(2), encoding="utf-8")
    document = read_markdown(source)
    big = dataclasses.replace(document.papers[0], authors=tuple(_name(i) for i in range(authors)))
    document = document.model_copy(update={"papers": (big, *document.papers[1:])})
    return assemble([document], Curation())


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeBase, Catalog]:
    kb = _kb(tmp_path_factory.mktemp("huge"), 3000)
    return kb, Catalog.of(to_networkx(iter_triples(kb)))


def test_the_view_draws_a_bounded_clique_and_says_so(huge):
    kb, cat = huge
    assert len(kb.persons) >= 3000
    tracemalloc.start()
    try:
        view = build_coauthors(cat)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"{peak / 2**20:.0f} MiB for one 3,000-author paper"
    assert len(view.edges) <= MAX_CLIQUE * (MAX_CLIQUE - 1) // 2 + 10
    assert view.full_edges >= 3000 * 2999 // 2  # counted, not listed
    assert f"more than {MAX_CLIQUE} authors" in view.notice
    drawn = {e["from"] for e in view.edges} | {e["to"] for e in view.edges}
    assert MAX_CLIQUE <= len(drawn) <= MAX_CLIQUE + 4  # the capped clique plus small papers


def test_stats_count_authorships_without_pairs(huge):
    kb, _ = huge
    stats = compute_stats(kb)
    assert stats.counts["authorships"] >= 3000


def test_papers_under_the_cap_are_full_cliques(tmp_path: Path):
    kb = _kb(tmp_path, MAX_CLIQUE)
    cat = Catalog.of(to_networkx(iter_triples(kb)))
    pairs = coauthor_pairs(cat)
    big = max(cat.papers, key=lambda p: len(cat.paper_rows[cat.paper_index[p]]["a"]))
    index = cat.paper_index[big]
    assert (
        sum(1 for papers in pairs.values() if index in papers) == MAX_CLIQUE * (MAX_CLIQUE - 1) // 2
    )
    view = build_coauthors(cat)
    assert "more than" not in view.notice
