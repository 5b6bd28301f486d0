"""One paper, one node across every input: matching rules, curated overrides, field choice."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.errors import CurationError, ParseError
from kg.ingest.paper_identity import (
    ARXIV,
    DOI,
    SAME_AS,
    TITLE,
    YEARS_DISAGREE,
    merge_papers,
)
from kg.model import Paper, SourceRef
from kg.pipeline import build_knowledge_base

LIST_A = """# List A

## Instruction data

[**2023 ACL**] [**Self-Instruct: Aligning Language Models with Self-Generated Instructions**](https://aclanthology.org/2023.acl-long.754.pdf), *Yizhong Wang, Yeganeh Kordi, Swaroop Mishra*

[**2024 ICLR**] [**WizardLM: Empowering Large Language Models to Follow Complex Instructions**](https://arxiv.org/abs/2304.12244), *Can Xu, Qingfeng Sun*

[**2023 NeurIPS**] [**AlpaGasus: Training a Better Alpaca with Fewer Data**](https://example.org/alpagasus.pdf), *Lichang Chen, Shiyang Li*
"""

LIST_B = """# List B

## Self-improvement

- [Self-Instruct: Aligning Language Models with Self-Generated Instructions](https://arxiv.org/abs/2212.10560), Yizhong Wang, Yeganeh Kordi, Swaroop Mishra, 2023
- [WizardLM: Empowering Large Language Models to Follow Complex Instructions](https://arxiv.org/abs/2304.12244), Qingfeng Sun, Can Xu, 2023
- [AlpaGasus: Training A Better Alpaca with Fewer Data](https://example.org/alpagasus-v2.pdf), Lichang Chen, Shiyang Li, 2024
"""


@pytest.fixture
def two_lists(tmp_path: Path) -> list[Path]:
    (tmp_path / "a.md").write_text(LIST_A, encoding="utf-8")
    (tmp_path / "b.md").write_text(LIST_B, encoding="utf-8")
    return [tmp_path / "a.md", tmp_path / "b.md"]


def test_self_instruct_with_and_without_an_arxiv_id_is_one_paper(two_lists):
    kb = build_knowledge_base(two_lists)
    [paper] = [p for p in kb.papers if p.title.startswith("Self-Instruct")]
    assert paper.key == "2212.10560"  # the arXiv id wins the key
    assert paper.categories == ("Instruction data", "Self-improvement")
    assert [(item.list_key, item.line) for item in paper.listings] == [
        ("list-a", 5),
        ("list-b", 5),
    ]
    assert paper.listings[0].venue == "ACL" and paper.listings[1].venue is None
    assert paper.listings[0].entry_text.startswith("[**2023 ACL**] [**Self-Instruct")
    [merge] = [m for m in kb.paper_merges if m.key == "2212.10560"]
    assert (merge.rule, merge.merged) == (TITLE, True)
    assert "year 2023" in merge.evidence


def test_same_arxiv_id_merges_and_conflicts_are_warnings(two_lists):
    kb = build_knowledge_base(two_lists)
    [wizard] = [p for p in kb.papers if p.key == "2304.12244"]
    assert (wizard.year, wizard.venue) == (2024, "ICLR")  # the most complete entry wins
    assert [item.year for item in wizard.listings] == [2024, 2023]
    assert any(m.rule == ARXIV and m.key == "2304.12244" for m in kb.paper_merges)
    messages = [d.message for d in kb.diagnostics]
    assert any("WizardLM" in m and "years differ: 2024" in m for m in messages)
    assert any("WizardLM" in m and "author orders differ" in m for m in messages)


def test_a_title_match_with_conflicting_years_stays_two_papers(two_lists):
    kb = build_knowledge_base(two_lists)
    alpagasus = [p for p in kb.papers if p.title.lower().startswith("alpagasus")]
    assert len(alpagasus) == 2
    assert sorted(p.key for p in alpagasus) == [
        "alpagasus-training-a-better-alpaca-with-fewer-data",
        "alpagasus-training-a-better-alpaca-with-fewer-data-2",
    ]
    [refused] = [m for m in kb.paper_merges if not m.merged]
    assert refused.rule == YEARS_DISAGREE and "2023 vs 2024" in refused.evidence
    assert any("kept apart" in d.message for d in kb.diagnostics)


def test_curated_same_as_merges(two_lists, tmp_path):
    curation = tmp_path / "cur"
    curation.mkdir()
    (curation / "papers.yaml").write_text(
        "same_as:\n"
        "  - papers: [paper:alpagasus-training-a-better-alpaca-with-fewer-data@list-a,\n"
        "             paper:alpagasus-training-a-better-alpaca-with-fewer-data@list-b]\n"
        "    note: the arXiv version and the ICLR version\n",
        encoding="utf-8",
    )
    kb = build_knowledge_base(two_lists, curation=curation)
    assert len([p for p in kb.papers if p.title.lower().startswith("alpagasus")]) == 1
    [same] = [m for m in kb.paper_merges if m.rule == SAME_AS]
    assert same.merged and "papers.yaml:2" in same.evidence


def test_distinct_blocks_a_title_merge(tmp_path):
    (tmp_path / "a.md").write_text(LIST_A, encoding="utf-8")
    (tmp_path / "b.md").write_text(
        LIST_B.replace("(https://arxiv.org/abs/2212.10560)", "(https://example.org/si.pdf)"),
        encoding="utf-8",
    )
    (tmp_path / "papers.yaml").write_text(
        "distinct:\n"
        "  - [paper:self-instruct-aligning-language-models-with-self-generated-instructions@list-a,\n"
        "     paper:self-instruct-aligning-language-models-with-self-generated-instructions@list-b]\n",
        encoding="utf-8",
    )
    kb = build_knowledge_base([tmp_path / "a.md", tmp_path / "b.md"], curation=tmp_path)
    assert len([p for p in kb.papers if p.title.startswith("Self-Instruct")]) == 2
    assert any(m.rule == "curated distinct" and not m.merged for m in kb.paper_merges)


def test_an_unknown_curated_paper_is_an_error_at_its_line(two_lists, tmp_path):
    (tmp_path / "papers.yaml").write_text(
        "same_as:\n  - papers: [arxiv:2304.12244, arxiv:9999.99999]\n", encoding="utf-8"
    )
    with pytest.raises(CurationError, match=r"papers\.yaml:2.*unknown paper 'arxiv:9999\.99999'"):
        build_knowledge_base(two_lists, curation=tmp_path)


def test_a_distinct_pair_naming_one_entry_twice_is_an_error(two_lists, tmp_path):
    (tmp_path / "papers.yaml").write_text(
        "distinct:\n  - [arxiv:2304.12244, paper:2304.12244@list-b]\n", encoding="utf-8"
    )
    with pytest.raises(CurationError, match=r"papers\.yaml:2.*both name"):
        build_knowledge_base(two_lists, curation=tmp_path)


def test_a_malformed_reference_is_an_error_at_its_line(two_lists, tmp_path):
    (tmp_path / "papers.yaml").write_text("distinct:\n  - [arxiv:1, paper:x]\n", encoding="utf-8")
    with pytest.raises(ParseError, match=r"papers\.yaml:2: distinct\.0\.0"):
        build_knowledge_base(two_lists, curation=tmp_path)


def test_curated_lineage_still_names_a_merged_away_key(two_lists, tmp_path):
    (tmp_path / "lineage.yaml").write_text(
        "lineage:\n"
        "  - from: paper:2304.12244\n"
        "    to: paper:self-instruct-aligning-language-models-with-self-generated-instructions\n"
        "    relation: extends\n"
        "    evidence: {text: builds on it, source: 'https://arxiv.org/abs/2304.12244'}\n",
        encoding="utf-8",
    )
    kb = build_knowledge_base(two_lists, curation=tmp_path)
    [edge] = kb.lineage
    assert edge.older.key == "2212.10560"


def test_doi_rule():
    a = _paper("x-one", "A Study of Things in Depth", doi="10.1000/abc", line=1, list_key="a")
    b = _paper("x-two", "Another Title Entirely", doi="10.1000/ABC", line=2, list_key="b")
    outcome = merge_papers([a, b])
    [paper] = outcome.papers
    assert paper.key == "x-one" and outcome.merges[0].rule == DOI
    assert outcome.renamed == {"x-two": "x-one"}


def _paper(key: str, title: str, *, line: int, list_key: str, **fields: object) -> Paper:
    return Paper(
        key=key,
        title=title,
        list_key=list_key,
        source=SourceRef(file=f"{list_key}.md", line=line),
        **fields,  # type: ignore[arg-type]
    )


TITLES = ["Learning to Instruct Models", "Synthetic Data at Scale", "Distilling Step by Step"]


@st.composite
def entries(draw: st.DrawFn) -> list[Paper]:
    count = draw(st.integers(min_value=1, max_value=9))
    made = []
    for n in range(count):
        title = draw(st.sampled_from(TITLES))
        arxiv = draw(st.sampled_from([None, None, "2301.00001", "2301.00002"]))
        doi = draw(st.sampled_from([None, None, "10.1000/a", "10.1000/b"]))
        year = draw(st.sampled_from([None, 2022, 2023]))
        list_key = draw(st.sampled_from(["a", "b", "c"]))
        made.append(
            _paper(
                arxiv or title.lower().replace(" ", "-"),
                title,
                line=n + 1,
                list_key=list_key,
                arxiv_id=arxiv,
                doi=doi,
                year=year,
                categories=(f"cat-{list_key}",),
            )
        )
    return made


def _result(papers: list[Paper]) -> set[tuple[str, frozenset[tuple[str, int]], frozenset[str]]]:
    return {
        (
            p.key,
            frozenset((item.list_key, item.line) for item in p.listings),
            frozenset(p.categories),
        )
        for p in papers
    }


@settings(max_examples=150, deadline=None)
@given(entries(), st.randoms(use_true_random=False))
def test_merging_is_order_independent(found, rng):
    shuffled = list(found)
    rng.shuffle(shuffled)
    first, second = merge_papers(found), merge_papers(shuffled)
    assert _result(first.papers) == _result(second.papers)
    assert sum(len(p.listings) for p in first.papers) == len(found)  # every membership kept
    for arxiv in {e.arxiv_id for e in found if e.arxiv_id}:  # one paper per arXiv id
        assert len([p for p in first.papers if p.arxiv_id == arxiv]) <= 1 or any(
            m.rule == DOI for m in first.merges
        )


def test_merged_papers_and_listings_in_n_triples(two_lists):
    import pyshacl
    import rdflib

    from kg.export.rdf_formats import to_ntriples
    from kg.graph.rdf import iter_triples

    from .conftest import ROOT

    kb = build_knowledge_base(two_lists)
    graph = rdflib.Graph().parse(data=to_ntriples(iter_triples(kb)), format="nt")
    rows = graph.query(
        """
        SELECT ?list ?line ?year ?category WHERE {
          ?p lkg:arxivId "2212.10560" ; lkg:listing ?l .
          ?l lkg:inList ?node ; lkg:line ?line ; dcterms:subject ?c .
          ?node rdfs:label ?list . ?c skos:prefLabel ?category .
          OPTIONAL { ?l lkg:statedYear ?year }
        } ORDER BY ?list""",
        initNs={
            "lkg": "https://w3id.org/lineage-kg/def#",
            "dcterms": "http://purl.org/dc/terms/",
            "skos": "http://www.w3.org/2004/02/skos/core#",
            "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
        },
    )
    assert [(str(a), int(b), int(c), str(d)) for a, b, c, d in rows] == [
        ("List A", 5, 2023, "Instruction data"),
        ("List B", 5, 2023, "Self-improvement"),
    ]
    papers = set(
        graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/lineage-kg/def#Paper"))
    )
    assert len(papers) == 4  # Self-Instruct and WizardLM merged, AlpaGasus kept apart
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl")
    conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
    assert conforms, text
