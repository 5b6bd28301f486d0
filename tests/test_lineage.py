"""Lineage of a work: finding it by name, its trees, their renderings, and the graph agreeing."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import WorkLookupError
from kg.graph.namespaces import Namespaces
from kg.lineage.walks import (
    Step,
    WorkGraph,
    ancestors,
    descendants,
    find_works,
    lineage_of,
    resolve_work,
    to_json,
    to_mermaid,
    to_tree_text,
)
from kg.model import Evidence, KnowledgeBase, LineageEdge, Relation, SourceRef, WorkRef
from kg.sparql.query import run_query

from .conftest import DATA, DEFAULT_LIST
from .test_curation import METHODS, build, edge

WIZARD_LM = "WizardLM: Empowering Large Pre-Trained Language Models to Follow Complex Instructions (2024, ICLR)"
WIZARD_CODER = "WizardCoder: Empowering Code Large Language Models with Evol-Instruct (2024, ICLR)"
WIZARD_MATH = "WizardMath: Empowering Mathematical Reasoning for Large Language Models via Reinforced Evol-Instruct (2025, ICLR)"
runner = CliRunner()


@pytest.fixture()
def tiny(tmp_path: Path) -> KnowledgeBase:
    """Alpha (2023-01) <- Beta (2023-06) <- Gamma (2025), Gamma also -> Alpha; Beta Method variant of Alpha Method."""
    lineage = (
        "lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("paper:gamma-third-paper", "arxiv:2306.00002", "appliesMethodOf")
        + edge("paper:gamma-third-paper", "arxiv:2301.00001", "usesDataFrom")
    )
    return build(tmp_path, methods=METHODS, lineage=lineage)


def relations_path(steps: tuple[Step, ...], *labels: str) -> list[str]:
    """Follow the step whose work label starts with each label; return the relations met.

    The expanded step is preferred over a repeated one (shown "see above").
    """
    met = []
    for label in labels:
        step, *_ = sorted(
            (s for s in steps if s.work.label.startswith(label)), key=lambda s: s.repeated
        )
        met.append(", ".join(step.relations))
        steps = step.steps
    return met


# -- the user's example on the curated data --------------------------------------------


def test_wizardmath_descends_from_wizardlm_through_wizardcoder(default_kb):
    lineage = lineage_of(default_kb, "WizardMath")
    assert lineage.work.ref == "paper:2308.09583"
    assert relations_path(lineage.ancestors, "WizardCoder:", "WizardLM:") == [
        "extends",
        "appliesMethodOf",
    ]
    tree = to_tree_text(lineage)
    assert tree.startswith(f"{WIZARD_MATH}\n  introduces: "), tree
    assert (
        f"\n  ancestors:\n    extends -> {WIZARD_CODER}\n      appliesMethodOf -> {WIZARD_LM}\n"
        in tree
    )


def test_wizardlm_descendants_include_the_wizard_line_and_auto_evol_instruct(default_kb):
    lineage = lineage_of(default_kb, "2304.12244")
    assert relations_path(lineage.descendants, "WizardCoder:", "WizardMath:") == [
        "appliesMethodOf",
        "extends",
    ]
    assert relations_path(lineage.descendants, "Automatic Instruction Evolving") == ["automates"]


def test_method_level_links_show_variants(default_kb):
    lineage = lineage_of(default_kb, "Evol-Instruct")
    assert lineage.work.ref == "method:evol-instruct"
    assert [w.ref for w in lineage.introduced_by] == ["paper:2304.12244"]
    variants = {s.work.ref for s in lineage.descendants if "variantOf" in s.relations}
    assert {
        "method:code-evol-instruct",
        "method:math-evol-instruct",
        "method:auto-evol-instruct",
    } <= variants
    tree = to_tree_text(lineage)
    assert tree.startswith(
        f"Evol-Instruct (method)\n  introduced by: {WIZARD_LM}\n  ancestors: (none)\n  descendants:\n"
    )
    assert "    variantOf <- Code Evol-Instruct (method)\n" in tree


def test_ancestors_agree_with_sparql_on_the_built_graph(default_kb, default_store):
    graph = WorkGraph(default_kb)
    ns = Namespaces()
    iri = {
        ref: ns.paper(ref[6:]) if ref.startswith("paper:") else ns.method(ref[7:])
        for ref in graph.works
    }
    ref_by_iri = {v: k for k, v in iri.items()}
    for paper in default_kb.papers:
        ref = f"paper:{paper.key}"
        rows = run_query(
            default_store,
            "SELECT DISTINCT ?w ?x WHERE { ?w prov:wasDerivedFrom+ ?x }",
            bindings={"w": pyoxigraph.NamedNode(iri[ref])},
        ).rows()
        expected = {ref_by_iri[row["x"].value] for row in rows if row["x"] is not None}
        assert refs_in(ancestors(graph, ref, bridges=False)) == expected, ref


def refs_in(steps: tuple[Step, ...]) -> set[str]:
    return {ref for step in steps for ref in {step.work.ref, *refs_in(step.steps)}}


def test_sparql_wizardmath_was_derived_from_wizardlm(default_store):
    query = """ASK {
        ?math dcterms:title ?m . FILTER(STRSTARTS(?m, "WizardMath:"))
        ?coder dcterms:title ?c . FILTER(STRSTARTS(?c, "WizardCoder:"))
        ?lm dcterms:title ?l . FILTER(STRSTARTS(?l, "WizardLM:"))
        ?math prov:wasDerivedFrom ?coder . ?coder prov:wasDerivedFrom ?lm .
        ?math prov:wasDerivedFrom+ ?lm .
        ?math lkg:extends ?coder . ?coder lkg:appliesMethodOf ?lm .
    }"""
    assert bool(run_query(default_store, query).raw) is True


def test_every_lineage_edge_has_an_assertion_with_evidence(default_kb, default_store):
    relations = " ".join(f"lkg:{r.value}" for r in Relation)
    rows = run_query(
        default_store,
        f"""SELECT ?newer ?relation ?older ?text ?source WHERE {{
             VALUES ?relation {{ {relations} }}
             ?newer ?relation ?older .
             OPTIONAL {{ ?a a lkg:LineageAssertion ; lkg:newer ?newer ; lkg:older ?older ; lkg:relation ?relation .
                        OPTIONAL {{ ?a lkg:evidenceText ?text }} OPTIONAL {{ ?a dcterms:source ?source }} }}
           }}""",
    ).rows()
    assert len(rows) == len(default_kb.lineage) > 0
    evidence = {
        (str(e.newer), e.relation.value, str(e.older)): e.evidence for e in default_kb.lineage
    }
    ns = Namespaces()
    for row in rows:
        assert row["text"] is not None and row["source"] is not None, row
        newer, older = row["newer"].value, row["older"].value
        key = (ref_of(ns, newer), row["relation"].value.rpartition("#")[2], ref_of(ns, older))
        assert (row["text"].value, row["source"].value) == (
            evidence[key].text,
            evidence[key].source,
        )
    no_prov = run_query(
        default_store,
        f"SELECT ?n ?o WHERE {{ VALUES ?r {{ {relations} }} ?n ?r ?o FILTER NOT EXISTS {{ ?n prov:wasDerivedFrom ?o }} }}",
    ).rows()
    assert no_prov == []


def ref_of(ns: Namespaces, iri: str) -> str:
    for kind, mint in (("paper", ns.paper), ("method", ns.method)):
        prefix = mint("x")[:-1]
        if iri.startswith(prefix):
            return f"{kind}:{iri[len(prefix) :]}"
    raise AssertionError(iri)


def test_the_curated_wizard_edges_are_present(default_kb):
    edges = {(str(e.newer), e.relation, str(e.older)) for e in default_kb.lineage}
    assert ("paper:2306.08568", Relation.APPLIES_METHOD_OF, "paper:2304.12244") in edges
    assert ("paper:2308.09583", Relation.EXTENDS, "paper:2306.08568") in edges
    assert any(n == "paper:2406.00770" and o == "paper:2304.12244" for n, _, o in edges)


# -- finding works by name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "ref"),
    [
        ("WizardMath", "paper:2308.09583"),  # the paper, not also the model it introduces
        ("wizardmath: empowering", "paper:2308.09583"),
        ("2304.12244", "paper:2304.12244"),
        ("2304.12244v2", "paper:2304.12244"),
        ("arxiv:2304.12244", "paper:2304.12244"),
        ("https://arxiv.org/abs/2306.08568", "paper:2306.08568"),
        ("paper:2306.08568", "paper:2306.08568"),
        ("Evol-Instruct", "method:evol-instruct"),  # exact label beats the labels containing it
        ("RLEIF", "method:reinforced-evol-instruct"),
        ("method:wizardmath", "method:wizardmath"),
        ("Automatic Instruction Evolving", "paper:2406.00770"),
        (
            "  self-INSTRUCT  ",
            "paper:self-instruct-aligning-language-models-with-self-generated-instructions",
        ),
    ],
)
def test_resolve_by_title_arxiv_id_method_or_alias(default_kb, name, ref):
    assert resolve_work(default_kb, name).ref == ref


def test_ambiguous_name_lists_candidates(default_kb):
    with pytest.raises(WorkLookupError) as info:
        resolve_work(default_kb, "Wizard")
    assert str(info.value) == (
        "'Wizard' matches 3 works; name one of them (a ref below works):\n"
        f"  paper:2304.12244  {WIZARD_LM}\n"
        f"  paper:2306.08568  {WIZARD_CODER}\n"
        f"  paper:2308.09583  {WIZARD_MATH}"
    )


def test_unknown_name_suggests_close_ones(default_kb):
    with pytest.raises(WorkLookupError) as info:
        resolve_work(default_kb, "WizzardCoder")
    message = str(info.value)
    assert message.startswith(
        "no paper or method matches 'WizzardCoder'; did you mean 'WizardCoder'"
    )
    assert message.endswith(
        "? (give a title fragment, an arXiv id or a method name; kg stats --papers lists the papers)"
    )
    assert find_works(default_kb, "") == []


# -- trees on a tiny hand-made list: exact text, JSON, Mermaid ---------------------------


def test_tree_text_with_a_diamond(tiny):
    assert to_tree_text(lineage_of(tiny, "Gamma")) == (
        "Gamma Third Paper (2025, ICLR)\n"
        "  ancestors:\n"
        "    appliesMethodOf -> Beta: Second Paper (2024, ICLR)\n"
        "      extends -> Alpha: First Paper (2023, ACL)\n"
        "    usesDataFrom -> Alpha: First Paper (2023, ACL) (see above)\n"
        "  descendants: (none)\n"
    )


def test_tree_text_with_introduced_methods(tiny):
    assert to_tree_text(lineage_of(tiny, "Beta")) == (
        "Beta: Second Paper (2024, ICLR)\n"
        "  introduces: Beta Method (method)\n"
        "  ancestors:\n"
        "    extends -> Alpha: First Paper (2023, ACL)\n"
        "    introduces -> Beta Method (method)\n"
        "      variantOf -> Alpha Method (method)\n"
        "  descendants:\n"
        "    appliesMethodOf <- Gamma Third Paper (2025, ICLR)\n"
    )


def test_module_level_trees(tiny):
    [beta] = ancestors(tiny, "paper:gamma-third-paper")[:1]
    assert (beta.relations, beta.work.ref, [s.work.ref for s in beta.steps]) == (
        ("appliesMethodOf",),
        "paper:2306.00002",
        ["paper:2301.00001"],
    )
    assert [(s.relations, s.work.ref) for s in descendants(tiny, "method:alpha-method")] == [
        (("variantOf",), "method:beta-method")
    ]
    with pytest.raises(WorkLookupError, match="no work 'paper:delta' in the knowledge base"):
        ancestors(tiny, "paper:delta")


def test_a_cycle_in_a_hand_built_knowledge_base_terminates(tiny):
    back = LineageEdge(
        newer=WorkRef(kind="paper", key="2301.00001"),
        older=WorkRef(kind="paper", key="gamma-third-paper"),
        relation=Relation.EXTENDS,
        evidence=Evidence(text="made up", source="https://example.org/"),
        source=SourceRef(file="test", line=1),
    )
    cyclic = tiny.model_copy(update={"lineage": (*tiny.lineage, back)})
    text = to_tree_text(lineage_of(cyclic, "Gamma"))
    assert (
        "      extends -> Alpha: First Paper (2023, ACL)\n        extends -> Gamma Third Paper (2025, ICLR) (see above)\n"
        in text
    )
    assert "  descendants:\n    extends <- Alpha: First Paper (2023, ACL)\n" in text


def test_json(tiny):
    data = to_json(lineage_of(tiny, "Gamma"))
    assert json.loads(json.dumps(data)) == data
    assert data["work"] == {
        "ref": "paper:gamma-third-paper",
        "kind": "paper",
        "label": "Gamma Third Paper",
        "year": 2025,
        "venue": "ICLR",
        "arxiv_id": None,
    }
    assert [(s["relations"], s["work"]["ref"], s["repeated"]) for s in data["ancestors"]] == [
        (["appliesMethodOf"], "paper:2306.00002", False),
        (["usesDataFrom"], "paper:2301.00001", True),
    ]
    assert data["ancestors"][0]["steps"][0]["work"]["ref"] == "paper:2301.00001"
    assert data["edges"] == [
        {"from": "paper:2306.00002", "relation": "extends", "to": "paper:2301.00001"},
        {
            "from": "paper:gamma-third-paper",
            "relation": "appliesMethodOf",
            "to": "paper:2306.00002",
        },
        {"from": "paper:gamma-third-paper", "relation": "usesDataFrom", "to": "paper:2301.00001"},
    ]
    assert data["descendants"] == [] and data["introduces"] == []


def test_mermaid(tiny):
    assert to_mermaid(lineage_of(tiny, "Beta")) == (
        "graph LR\n"
        '  w_paper_2306_00002["Beta #40;2024#41;"]\n'
        '  w_paper_2301_00001["Alpha #40;2023#41;"]\n'
        '  w_method_beta_method(["Beta Method #40;method#41;"])\n'
        '  w_method_alpha_method(["Alpha Method #40;method#41;"])\n'
        '  w_paper_gamma_third_paper["Gamma Third Paper #40;2025#41;"]\n'
        "  w_method_beta_method -->|variantOf| w_method_alpha_method\n"
        "  w_paper_2306_00002 -->|extends| w_paper_2301_00001\n"
        "  w_paper_2306_00002 -.->|introduces| w_method_beta_method\n"
        "  w_paper_gamma_third_paper -->|appliesMethodOf| w_paper_2306_00002\n"
        "  classDef focus stroke-width:4px\n"
        "  class w_paper_2306_00002 focus\n"
    )


NODE = re.compile(r'^  (w_[A-Za-z0-9_]+)(\["[^"]*"\]|\(\["[^"]*"\]\))$')


def mermaid_labels(kb: KnowledgeBase, title: str) -> list[str]:
    papers = tuple(
        dataclasses.replace(p, title=title) if p.key == "gamma-third-paper" else p
        for p in kb.papers
    )
    text = to_mermaid(
        lineage_of(kb.model_copy(update={"papers": papers}), "paper:gamma-third-paper")
    )
    labels = []
    for line in text.splitlines()[1:]:
        if match := NODE.match(line):
            labels.append(match.group(2).strip('([])"'))
        else:
            assert re.match(
                r"^  (w_[A-Za-z0-9_]+ -(->|\.->)\|[A-Za-z]+\| w_[A-Za-z0-9_]+|classDef focus stroke-width:4px|class w_[A-Za-z0-9_]+ focus)$",
                line,
            ), line
    return labels


def test_mermaid_escapes_titles(tiny):
    labels = mermaid_labels(tiny, 'Gamma "Quoted" [x] {y} <b> & #1 | `z`')
    assert (
        labels[0]
        == "Gamma #34;Quoted#34; #91;x#93; #123;y#125; #60;b#62; #38; #35;1 #124; #96;z#96; #40;2025#41;"
    )


@settings(max_examples=60, deadline=None)
@given(title=st.text(min_size=1, max_size=60).filter(lambda t: t.strip() and t.isprintable()))
def test_mermaid_labels_never_carry_raw_syntax(tmp_path_factory, title):
    kb = build(
        tmp_path_factory.mktemp("kb"),
        lineage="lineage:\n" + edge("paper:gamma-third-paper", "arxiv:2301.00001"),
    )
    for label in mermaid_labels(kb, title):
        assert not re.search(r'["\[\]{}<>|`()]', label)
        assert re.fullmatch(r"([^#]|#\d+;)*", label), label


# -- the command ------------------------------------------------------------------------

DEFAULT_ARGS = ["--input", str(DEFAULT_LIST), "--curation", str(DATA)]


def test_cli_tree(default_kb):
    result = runner.invoke(app, ["lineage", "WizardMath", *DEFAULT_ARGS])
    assert result.exit_code == 0, result.output
    assert result.stdout == to_tree_text(lineage_of(default_kb, "WizardMath"))
    assert result.stdout.splitlines()[0] == WIZARD_MATH


def test_cli_show_is_the_same_command_and_options_may_come_first():
    plain = runner.invoke(app, ["lineage", "2306.08568", *DEFAULT_ARGS])
    explicit = runner.invoke(app, ["lineage", "show", "2306.08568", *DEFAULT_ARGS])
    options_first = runner.invoke(app, ["lineage", "--format", "tree", *DEFAULT_ARGS, "2306.08568"])
    assert plain.exit_code == explicit.exit_code == options_first.exit_code == 0
    assert plain.stdout == explicit.stdout == options_first.stdout
    assert plain.stdout.startswith(WIZARD_CODER + "\n")


def test_cli_json_and_mermaid():
    result = runner.invoke(app, ["lineage", "WizardLM", "--format", "json", *DEFAULT_ARGS])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["work"]["ref"] == "paper:2304.12244"
    assert {
        "from": "paper:2306.08568",
        "relation": "appliesMethodOf",
        "to": "paper:2304.12244",
    } in data["edges"]
    result = runner.invoke(app, ["lineage", "WizardLM", "--format", "mermaid", *DEFAULT_ARGS])
    assert result.exit_code == 0
    assert result.stdout.startswith('graph LR\n  w_paper_2304_12244["WizardLM #40;2024#41;"]\n')
    assert "  w_paper_2306_08568 -->|appliesMethodOf| w_paper_2304_12244\n" in result.stdout


def test_cli_ambiguous_and_unknown_names(tiny, tmp_path: Path):
    args = ["--input", str(tmp_path / "list.md"), "--curation", str(tmp_path / "data")]
    result = runner.invoke(app, ["lineage", "paper", *args])
    assert result.exit_code == 1
    note, error = result.stderr.split("\n", 1)  # the first command builds the inputs' store
    assert note.startswith("note: no store for these inputs")
    assert error == (
        "Error: 'paper' matches 3 works; name one of them (a ref below works):\n"
        "  paper:2301.00001         Alpha: First Paper (2023, ACL)\n"
        "  paper:2306.00002         Beta: Second Paper (2024, ICLR)\n"
        "  paper:gamma-third-paper  Gamma Third Paper (2025, ICLR)\n"
    )
    result = runner.invoke(app, ["lineage", "Delta", *args])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no paper or method matches 'Delta'; did you mean 'Beta'? "
        "(give a title fragment, an arXiv id or a method name; kg stats --papers lists the papers)\n"
    )
    result = runner.invoke(app, ["lineage", "Beta", "--format", "svg", *args])
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_cli_help_lists_both_commands():
    result = runner.invoke(app, ["lineage", "--help"])
    assert result.exit_code == 0
    plain = re.sub(r"\s+", " ", re.sub(r"\x1b\[[0-9;]*m", "", result.stdout))
    assert "Usage: kg lineage [OPTIONS] NAME | COMMAND [ARGS]..." in plain
    assert " show " in plain and " suggest " in plain


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=40)
    | st.sampled_from(["Wizard", "evol", "2304.12244v9", "arxiv:", "method:", ":"])
)
def test_any_name_finds_works_or_fails_clearly(default_kb, name):
    graph = WorkGraph(default_kb)
    try:
        work = graph.resolve(name)
    except WorkLookupError as err:
        assert str(err).startswith(("no paper or method matches", f"{name!r} matches"))
    else:
        assert work in graph.find(name) and len(graph.find(name)) == 1
