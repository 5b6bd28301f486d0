"""The benchmark's list generator: deterministic, and what it writes is what kg reads."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from kg.ingest.identity import name_key
from kg.ingest.venues import canonical_venue
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base
from tests.bench_generator import generator

ROOT = Path(__file__).resolve().parent.parent


def _load_generator() -> ModuleType:
    return generator()


generate = _load_generator()


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    generate.write_corpus(generate.generate(400, seed=7), folder)
    return folder


@pytest.fixture(scope="module")
def kb(corpus_dir: Path) -> KnowledgeBase:
    return build_knowledge_base([corpus_dir / "list.md"], curation=corpus_dir)


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    first = generate.generate(150, seed=3)
    second = generate.generate(150, seed=3)
    assert first == second
    generate.write_corpus(first, tmp_path / "a")
    generate.write_corpus(second, tmp_path / "b")
    for name in ("list.md", "methods.yaml", "lineage.yaml"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_another_seed_gives_another_list() -> None:
    assert generate.generate(50, seed=1).markdown != generate.generate(50, seed=2).markdown


def test_arxiv_ids_are_unique_and_well_formed() -> None:
    markdown = generate.generate(2000, seed=11).markdown
    ids = re.findall(r"\]\(https://arxiv\.org/pdf/([^)]+)\)", markdown)
    assert len(ids) == 2000
    assert len(set(ids)) == 2000
    assert all(re.fullmatch(r"\d{4}\.\d{5}", i) for i in ids)


def test_kg_reads_every_entry_without_warnings(kb: KnowledgeBase) -> None:
    assert len(kb.papers) == 400
    assert [str(d) for d in kb.diagnostics] == []
    assert all(p.arxiv_id == p.key for p in kb.papers)
    assert all(p.authors for p in kb.papers)


def test_curated_lineage_and_methods_load_and_resolve(kb: KnowledgeBase) -> None:
    paper_edges = [e for e in kb.lineage if e.newer.kind == "paper"]
    assert len(paper_edges) >= 60  # about 0.2 edges per paper
    assert {e.relation.value for e in kb.lineage} >= {"extends", "improvesOn", "usesDataFrom"}
    assert len(kb.contributions) == 8  # 0.02 per paper


def test_name_variants_exercise_identity_resolution(kb: KnowledgeBase) -> None:
    merged = [p for p in kb.persons if len(p.variants) > 1]
    assert merged, "some people should be written in more than one way"
    for person in merged:
        assert len({name_key(v).loose for v in person.variants}) == 1


def test_authorship_is_skewed_like_real_lists(kb: KnowledgeBase) -> None:
    counts = Counter(a.person_key for a in kb.authorships)
    top, median = counts.most_common(1)[0][1], sorted(counts.values())[len(counts) // 2]
    assert top >= 3 * median
    assert (
        1 <= min(len(p.authors) for p in kb.papers) and max(len(p.authors) for p in kb.papers) <= 13
    )


def test_mixed_formats_read_back_with_every_field() -> None:
    """Every style of ``--formats mixed`` reads back as the paper the generator wrote."""
    from kg.ingest.markdown import parse_markdown

    rng = generate.random.Random(5)
    papers = generate._papers(rng, 700)
    doc = parse_markdown(generate._markdown(papers, 5, "mixed"), source="mixed.md")
    read = {p.arxiv_id or p.title: p for p in doc.papers}  # citations link only the code
    assert len(read) == 700
    styles = Counter()
    for paper in papers:
        got = read.get(paper.arxiv) or read[paper.title]
        style = "badge" if paper.hybrid else generate.STYLES[int(paper.arxiv[-2:]) % 7]
        styles[style] += 1
        venue, year = generate._venue_year(paper)
        assert got.title == paper.title, style
        assert got.year == int(year), style
        assert canonical_venue(venue)[0] in {got.venue, got.venue_as_written}, style
        if style == "citation":
            assert got.authors == (paper.authors[0],) and got.authors_truncated
        elif style in {"numbered", "dated"}:  # these styles name no authors
            assert got.authors == ()
        else:
            assert list(got.authors) == list(paper.authors), style
    assert set(styles) == set(generate.STYLES)


def test_the_build_memory_benchmark_measures_a_whole_build(tmp_path: Path) -> None:
    """``benchmarks/build_memory.py`` on a small generated list: real numbers, every stage."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "bench_build_memory",
        Path(__file__).resolve().parent.parent / "benchmarks" / "build_memory.py",
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    generate.write_corpus(generate.generate(60, seed=3), tmp_path / "corpus")
    result = module.measure(tmp_path / "corpus", tmp_path / "work")
    assert result["wall s"] > 0 and 20 < result["peak PSS MiB"] < 4096
    assert {"read and assemble", "networkx", "turtle+ntriples", "store", "views"} <= set(
        result["stages s"]
    )
    assert (tmp_path / "work" / "out" / "graph.nt").stat().st_size > 0
