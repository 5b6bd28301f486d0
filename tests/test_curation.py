"""Integrity of curated data: every defect is refused with the exact file:line to fix."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kg.errors import CurationError, ParseError
from kg.model import KnowledgeBase, Relation, WorkRef
from kg.pipeline import build_knowledge_base

LIST = """# Tiny
## Methods
[**2023 ACL**] [**Alpha: First Paper**](https://arxiv.org/abs/2301.00001), *Ann Author, Bob Builder*

[**2024 ICLR**] [**Beta: Second Paper**](https://arxiv.org/abs/2306.00002), *Ann Author*

[**2025 ICLR**] [**Gamma Third Paper**](https://example.org/gamma.pdf), *Carl Coder*
"""
EVIDENCE = '{text: Because the paper says so., source: "https://example.org/evidence"}'
METHODS = f"""\
methods:
  - id: alpha-method
    label: Alpha Method
    introduced_by: [arxiv:2301.00001]
    evidence: {EVIDENCE}
  - id: beta-method
    label: Beta Method
    introduced_by: [arxiv:2306.00002]
    variant_of: alpha-method
"""


def build(tmp_path: Path, **files: str) -> KnowledgeBase:
    """Build the tiny list with the given curated files (``lineage="..."`` -> lineage.yaml)."""
    (tmp_path / "list.md").write_text(LIST, encoding="utf-8")
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return build_knowledge_base([tmp_path / "list.md"], curation=folder)


def edge(newer: str, older: str, relation: str = "extends") -> str:
    return (
        f"  - from: {newer}\n    to: {older}\n    relation: {relation}\n    evidence: {EVIDENCE}\n"
    )


def refused(tmp_path: Path, error: type[ParseError] = CurationError, **files: str) -> str:
    with pytest.raises(error) as info:
        build(tmp_path, **files)
    return str(info.value)


def test_clean_curation_is_resolved(tmp_path: Path):
    kb = build(
        tmp_path,
        methods=METHODS,
        lineage="lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("paper:gamma-third-paper", "method:beta-method", "appliesMethodOf"),
    )
    assert [(str(e.newer), e.relation, str(e.older)) for e in kb.lineage] == [
        ("paper:2306.00002", Relation.EXTENDS, "paper:2301.00001"),
        ("paper:gamma-third-paper", Relation.APPLIES_METHOD_OF, "method:beta-method"),
    ]
    assert kb.lineage[0].newer == WorkRef(kind="paper", key="2306.00002")
    assert kb.lineage[1].source.line == 6
    [alpha, beta] = kb.contributions
    assert (alpha.introduced_by, beta.variant_of) == (("2301.00001",), "alpha-method")
    assert [d for d in kb.diagnostics if "lineage" in d.message] == []


def test_unknown_paper_in_lineage(tmp_path: Path):
    message = refused(tmp_path, lineage="lineage:\n" + edge("arxiv:2306.00002", "arxiv:2301.00009"))
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:3: unknown paper 'arxiv:2301.00009'; did you mean '2301.00001'?"
    )


def test_unknown_paper_key_in_methods(tmp_path: Path):
    text = "methods:\n  - id: m\n    label: M\n    introduced_by: [arxiv:2301.00001, paper:gamma-third]\n"
    message = refused(tmp_path, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:4: unknown paper 'paper:gamma-third'; did you mean 'gamma-third-paper'?"
    )


def test_unknown_method(tmp_path: Path):
    message = refused(
        tmp_path,
        methods=METHODS,
        lineage="lineage:\n" + edge("method:gamma-method", "method:alpha-method"),
    )
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:2: unknown method 'method:gamma-method'; did you mean 'alpha-method'?"
    )


def test_unknown_variant_of(tmp_path: Path):
    text = "methods:\n  - id: m\n    label: M\n    variant_of: nothing-like-it\n"
    assert (
        refused(tmp_path, methods=text)
        == f"{tmp_path}/data/methods.yaml:4: unknown method 'method:nothing-like-it'"
    )


def test_method_where_a_paper_is_expected(tmp_path: Path):
    text = METHODS + "  - id: c\n    label: C\n    used_by: [method:alpha-method]\n"
    message = refused(tmp_path, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:12: 'method:alpha-method' is a method where a paper is expected"
    )


def test_lineage_cycle(tmp_path: Path):
    lineage = (
        "lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("arxiv:2301.00001", "arxiv:2306.00002", "improvesOn")
    )
    message = refused(tmp_path, lineage=lineage)
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:6: lineage forms a cycle: paper:2301.00001 -> paper:2306.00002 -> paper:2301.00001"
    )


def test_lineage_cycle_through_a_method(tmp_path: Path):
    lineage = (
        "lineage:\n"
        + edge("method:alpha-method", "paper:gamma-third-paper")
        + edge("paper:gamma-third-paper", "method:beta-method")
        + edge("method:beta-method", "method:alpha-method")
    )
    message = refused(tmp_path, methods=METHODS, lineage=lineage)
    assert message == (
        f"{tmp_path}/data/lineage.yaml:2: lineage forms a cycle: "
        "method:alpha-method -> paper:gamma-third-paper -> method:beta-method -> method:alpha-method"
    )


def test_variant_of_cycle(tmp_path: Path):
    text = "methods:\n  - id: a\n    label: A\n    variant_of: b\n  - id: b\n    label: B\n    variant_of: a\n"
    assert (
        refused(tmp_path, methods=text)
        == f"{tmp_path}/data/methods.yaml:2: variant_of forms a cycle: a -> b -> a"
    )


def test_self_edge(tmp_path: Path):
    message = refused(tmp_path, lineage="lineage:\n" + edge("arxiv:2306.00002", "paper:2306.00002"))
    assert (
        message == f"{tmp_path}/data/lineage.yaml:2: lineage edge from paper:2306.00002 to itself"
    )


def test_duplicate_edge(tmp_path: Path):
    lineage = (
        "lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("paper:2306.00002", "arxiv:2301.00001")
    )
    message = refused(tmp_path, lineage=lineage)
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:6: duplicate lineage edge paper:2306.00002 extends paper:2301.00001 (first at line 2)"
    )


def test_same_pair_with_another_relation_is_not_a_duplicate(tmp_path: Path):
    lineage = (
        "lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("arxiv:2306.00002", "arxiv:2301.00001", "usesDataFrom")
    )
    assert len(build(tmp_path, lineage=lineage).lineage) == 2


def test_duplicate_method_id(tmp_path: Path):
    text = METHODS + "  - id: alpha-method\n    label: Alpha again\n"
    message = refused(tmp_path, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:10: duplicate method id 'alpha-method' (first at line 2)"
    )


def test_older_to_newer_edge_is_a_warning_not_an_error(tmp_path: Path):
    lineage = (
        "lineage:\n"
        + edge("arxiv:2306.00002", "arxiv:2301.00001")
        + edge("arxiv:2301.00001", "paper:gamma-third-paper", "usesDataFrom")
    )
    kb = build(tmp_path, lineage=lineage)
    assert len(kb.lineage) == 2
    warnings = [str(d) for d in kb.diagnostics if "lineage" in d.message]
    assert warnings == [
        f"{tmp_path}/data/lineage.yaml:6: warning: lineage edge points from an older work "
        "(paper:2301.00001, 2023-01) to a newer one (paper:gamma-third-paper, 2025)"
    ]


def test_same_year_without_months_is_not_warned_about(tmp_path: Path):
    # Beta is ICLR 2024 but arXiv 2306: it dates from June 2023, after Alpha (January 2023).
    kb = build(tmp_path, lineage="lineage:\n" + edge("arxiv:2306.00002", "arxiv:2301.00001"))
    assert [d for d in kb.diagnostics if "lineage" in d.message] == []


# -- YAML defects: refused by the strict loader or by validation, at the right line -----


def test_yaml_duplicate_key(tmp_path: Path):
    text = (
        "lineage:\n  - from: arxiv:2306.00002\n    to: arxiv:2301.00001\n    to: arxiv:2306.00002\n"
    )
    message = refused(tmp_path, ParseError, lineage=text)
    assert message == f"{tmp_path}/data/lineage.yaml:4:5: duplicate key 'to' (first at line 3)"


def test_yaml_alias(tmp_path: Path):
    text = f"lineage:\n  - from: arxiv:2306.00002\n    to: arxiv:2301.00001\n    relation: extends\n    evidence: &ev {EVIDENCE}\n  - from: paper:gamma-third-paper\n    to: arxiv:2301.00001\n    relation: extends\n    evidence: *ev\n"
    message = refused(tmp_path, ParseError, lineage=text)
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:9:15: anchors and aliases (*name) are not allowed in curated data"
    )


def test_yaml_python_tag(tmp_path: Path):
    text = 'methods:\n  - id: m\n    label: !!python/object/apply:builtins.eval ["6*7"]\n'
    message = refused(tmp_path, ParseError, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:3:12: tag 'tag:yaml.org,2002:python/object/apply:builtins.eval' is not allowed in curated data"
    )


def test_yaml_unquoted_number_where_a_string_is_expected(tmp_path: Path):
    text = "methods:\n  - id: m\n    label: 2401.00010\n"
    message = refused(tmp_path, ParseError, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:3: methods.0.label: Input should be a valid string (got 2401.0001)"
    )


def test_yaml_unquoted_number_as_an_id(tmp_path: Path):
    text = "methods:\n  - id: 2024\n    label: M\n"
    message = refused(tmp_path, ParseError, methods=text)
    assert (
        message
        == f"{tmp_path}/data/methods.yaml:2: methods.0.id: Input should be a valid string (got 2024)"
    )


def test_yaml_typo_field(tmp_path: Path):
    text = "lineage:\n  - from: arxiv:2306.00002\n    to: arxiv:2301.00001\n    relaton: extends\n"
    message = refused(tmp_path, ParseError, lineage=text)
    assert message == f"{tmp_path}/data/lineage.yaml:2: lineage.0.relation: Field required"


def test_yaml_typo_field_with_the_right_one_present(tmp_path: Path):
    text = f"lineage:\n  - from: arxiv:2306.00002\n    to: arxiv:2301.00001\n    relation: extends\n    evidence: {EVIDENCE}\n    evidense: twice\n"
    message = refused(tmp_path, ParseError, lineage=text)
    assert (
        message
        == f"{tmp_path}/data/lineage.yaml:6: lineage.0.evidense: Extra inputs are not permitted (got 'twice')"
    )


def test_yaml_unknown_relation(tmp_path: Path):
    message = refused(
        tmp_path,
        ParseError,
        lineage="lineage:\n" + edge("arxiv:2306.00002", "arxiv:2301.00001", "inspiredBy"),
    )
    assert message.startswith(
        f"{tmp_path}/data/lineage.yaml:4: lineage.0.relation: Input should be 'extends', 'appliesMethodOf',"
    )
    assert message.endswith(" (got 'inspiredBy')")


def test_yaml_syntax_error(tmp_path: Path):
    message = refused(tmp_path, ParseError, lineage="lineage:\n  - from: [arxiv:2306.00002\n")
    assert message.startswith(f"{tmp_path}/data/lineage.yaml:3:1: ")
