"""ontology/CONTRACT.md, ontology/lineage-kg.ttl and kg/graph/rdf.py stay in step.

Every ``lkg:`` term the contract names is declared in the ontology, and every class and
property the mapping can emit is named in the contract: read from the mapping's source
(every ``lkg("...")`` and ``PREFIX + "..."`` it builds, and the lineage relations) and
from a real build of data/, so a term added to one place fails here until the other two
follow. Parsed with rdflib (the ontology) and Python's ast (the mapping).
"""

from __future__ import annotations

import ast
import re

import rdflib
from rdflib.namespace import RDF

from kg.graph.namespaces import LKG, PREFIXES
from kg.model import Relation

from .conftest import ROOT

CONTRACT = (ROOT / "ontology" / "CONTRACT.md").read_text(encoding="utf-8")
#: The contract's terms, without its "Planned" section (terms not emitted yet).
STATED = CONTRACT.split("\n## Planned", 1)[0]
RDF_PY = ROOT / "kg" / "graph" / "rdf.py"
#: The names rdf.py gives prefixes (``DCT + "title"``).
ALIASES = {"DCT": "dcterms", "SKOS": "skos", "FOAF": "foaf", "SCHEMA": "schema"}


def _named_in_contract() -> set[str]:
    return set(re.findall(r"(?<![\w/])([a-z]+:[A-Za-z][A-Za-z0-9]*)", STATED))


def _compact(iri: str) -> str:
    for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base) :]}"
    if iri.startswith(LKG):
        return "lkg:" + iri[len(LKG) :]
    raise AssertionError(f"{iri} is in no namespace of the contract")


def _emitted_by_the_mapping() -> set[str]:
    """Terms kg/graph/rdf.py builds, read from its source."""
    found: set[str] = {"rdf:type", "rdfs:label", "prov:wasDerivedFrom"}
    for node in ast.walk(ast.parse(RDF_PY.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "lkg"
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(f"lkg:{node.args[0].value}")
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.left, ast.Name)
            and node.left.id in ALIASES
            and isinstance(node.right, ast.Constant)
        ):
            found.add(f"{ALIASES[node.left.id]}:{node.right.value}")
    found |= {f"lkg:{r.value}" for r in Relation}
    return found


def test_the_mapping_is_read_whole():
    terms = _emitted_by_the_mapping()
    assert {"lkg:Paper", "lkg:year", "dcterms:title", "skos:prefLabel", "lkg:extends"} <= terms
    assert len(terms) > 60


def test_every_lkg_term_of_the_contract_is_declared_in_the_ontology():
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "lineage-kg.ttl")
    declared = {
        _compact(str(s)) for s in ontology.subjects(RDF.type, None) if str(s).startswith(LKG)
    }
    named = {t for t in _named_in_contract() if t.startswith("lkg:")}
    assert len(named) > 50
    assert named - declared == set(), (
        "named in ontology/CONTRACT.md, not declared in lineage-kg.ttl"
    )


def test_every_term_the_mapping_can_emit_is_in_the_contract():
    missing = _emitted_by_the_mapping() - _named_in_contract()
    assert missing == set(), "emitted by kg/graph/rdf.py, missing from ontology/CONTRACT.md"


def test_every_predicate_and_class_of_a_real_build_is_in_the_contract(default_triples):
    used = {_compact(p) for _, p, _ in default_triples}
    used |= {_compact(o) for _, p, o in default_triples if p == str(RDF.type)}
    assert used - _named_in_contract() == set()


def test_every_namespace_of_the_exports_is_in_the_contract_table():
    for prefix, iri in PREFIXES.items():
        assert f"`{prefix}:`" in STATED and (
            f"`{iri}`" in STATED or prefix in {"rdf", "rdfs", "xsd"}
        )


def test_no_citation_of_the_contract_leaves_the_repository():
    for path in [*ROOT.glob("kg/**/*.py"), *ROOT.glob("ontology/*"), *ROOT.glob("tests/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "/work/shared" not in text or path.name == "test_contract_terms.py", path
