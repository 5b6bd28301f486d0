"""The built graph against ontology/CONTRACT.md, the ontology and the SHACL shapes, through SPARQL."""

from __future__ import annotations

import pyoxigraph
import pytest
import rdflib

from kg.graph.namespaces import LKG, PREFIXES
from kg.graph.store import to_rdflib
from kg.sparql.query import run_query

from .conftest import ROOT


def select(store, text, **bindings):
    terms = {k: pyoxigraph.Literal(v) if isinstance(v, str) else v for k, v in bindings.items()}
    return [
        {k: (v.value if v is not None else None) for k, v in row.items()}
        for row in run_query(store, text, bindings=terms).rows()
    ]


def ask(store, text):
    return bool(run_query(store, text).raw)


def test_twenty_papers_with_both_types(default_store):
    rows = select(
        default_store,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a lkg:Paper, schema:ScholarlyArticle }",
    )
    assert rows == [{"n": "20"}]


def test_every_node_has_a_label(default_store):
    rows = select(
        default_store, "SELECT ?s WHERE { ?s a ?type FILTER NOT EXISTS { ?s rdfs:label ?l } }"
    )
    assert rows == []


def test_paper_facts(default_store):
    rows = select(
        default_store,
        """SELECT ?title ?year ?month ?venue ?arxiv WHERE {
             ?p dcterms:title ?title ; lkg:year ?year ; lkg:publishedIn/rdfs:label ?venue .
             OPTIONAL { ?p lkg:month ?month } OPTIONAL { ?p lkg:arxivId ?arxiv }
             FILTER(STRSTARTS(?title, "Surveying the Effects"))
           }""",
    )
    assert rows == [
        {
            "title": "Surveying the Effects of Quality, Diversity, and Complexity in Synthetic Data From Large Language Models",
            "year": "2024",
            "month": "12",
            "venue": "arXiv",
            "arxiv": "2412.02980",
        }
    ]


def test_year_is_an_integer_that_compares_on_every_engine(default_store, default_triples):
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a lkg:Paper ; lkg:year ?y FILTER(?y >= 2024) }"
    assert select(default_store, query) == [{"n": "16"}]  # 15 papers of 2024, 1 of 2025
    graph = to_rdflib(default_triples)
    [row] = graph.query(query, initNs={k: rdflib.Namespace(v) for k, v in PREFIXES.items()})
    assert int(row[0]) == 16


def test_authorship_order_and_person_shortcut(default_store):
    rows = select(
        default_store,
        """SELECT ?pos ?written ?name WHERE {
             ?p lkg:arxivId "2308.09583" ; lkg:authorship ?a .
             ?a lkg:position ?pos ; lkg:nameAsWritten ?written ; lkg:person ?person .
             ?person rdfs:label ?name .
             ?p dcterms:creator ?person .
           } ORDER BY ?pos LIMIT 5""",
    )
    assert [(r["pos"], r["written"], r["name"]) for r in rows] == [
        ("1", "Haipeng Luo", "Haipeng Luo"),
        ("2", "Qingfeng Sun", "Qingfeng Sun"),
        ("3", "Can Xu", "Can Xu"),
        ("4", "Pu Zhao", "Pu Zhao"),
        ("5", "Jianguang Lou", "Jian-Guang Lou"),
    ]


def test_person_merges_through_sparql(default_store):
    query = """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
                 ?a lkg:nameAsWritten ?w ; lkg:person ?p . VALUES ?w { "Jianguang Lou" "Jian-Guang Lou" } }"""
    assert select(default_store, query) == [{"n": "1"}]
    query = """SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
                 ?a lkg:nameAsWritten ?w ; lkg:person ?p . VALUES ?w { "Yi Zhang" "Yong Zhang" } }"""
    assert select(default_store, query) == [{"n": "2"}]
    rows = select(default_store, "SELECT ?n WHERE { ?p a foaf:Person, lkg:Person ; foaf:nick ?n }")
    assert rows == [{"n": "Violet"}]


def test_categories_form_one_scheme_and_hybrids_have_each_part(default_store):
    rows = select(
        default_store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?c a skos:Concept ; skos:inScheme ?s }",
    )
    assert rows == [{"n": "1"}]
    rows = select(
        default_store,
        """SELECT ?label WHERE { ?p lkg:hybridLabel "Distill+Enviroment" ; dcterms:subject/skos:prefLabel ?label } ORDER BY ?label""",
    )
    assert [r["label"] for r in rows] == ["Distillation", "Environment", "Hybrid"]


def test_links_typed_and_presentation(default_store):
    rows = select(
        default_store,
        'SELECT ?code ?pres WHERE { ?p lkg:arxivId "2401.01335" ; lkg:code ?code ; lkg:presentation ?pres }',
    )
    assert rows == [{"code": "https://github.com/uclaml/SPIN", "pres": "poster"}]


def test_wizard_lineage_is_transitive(default_store):
    assert ask(
        default_store,
        'ASK { ?m lkg:arxivId "2308.09583" . ?c lkg:arxivId "2306.08568" . ?l lkg:arxivId "2304.12244" . ?m prov:wasDerivedFrom ?c . ?c prov:wasDerivedFrom ?l . ?m prov:wasDerivedFrom+ ?l }',
    )
    assert ask(
        default_store,
        'ASK { ?a lkg:arxivId "2406.00770" . ?l lkg:arxivId "2304.12244" . ?a lkg:automates ?l }',
    )


def test_every_lineage_edge_has_queryable_evidence(default_store):
    rows = select(
        default_store,
        """SELECT ?a WHERE { ?a a lkg:LineageAssertion .
             FILTER NOT EXISTS { ?a lkg:evidenceText ?t ; dcterms:source ?s ; lkg:newer ?n ; lkg:older ?o ; lkg:relation ?r . ?n ?r ?o . ?n prov:wasDerivedFrom ?o } }""",
    )
    assert rows == []


def test_methods_introduced_and_used(default_store):
    rows = select(
        default_store,
        """SELECT ?paper WHERE { ?m a lkg:Method ; rdfs:label "Evol-Instruct" . ?p lkg:introduces ?m ; dcterms:title ?paper }""",
    )
    assert [r["paper"] for r in rows] == [
        "WizardLM: Empowering Large Pre-Trained Language Models to Follow Complex Instructions"
    ]
    assert ask(
        default_store,
        'ASK { ?m rdfs:label "Evol-Instruct" . ?p lkg:usesMethod ?m ; lkg:arxivId "2306.08568" }',
    )


def test_no_blank_nodes(default_triples):
    assert all(
        not s.startswith("_:") and not (isinstance(o, str) and o.startswith("_:"))
        for s, _, o in default_triples
    )


@pytest.fixture(scope="module")
def ontology():
    graph = rdflib.Graph()
    graph.parse(ROOT / "ontology" / "lineage-kg.ttl", format="turtle")
    return graph


def test_every_vocabulary_term_used_is_declared(default_triples, ontology):
    declared = {str(s) for s in ontology.subjects() if str(s).startswith(LKG)}
    used = {p for _, p, _ in default_triples if p.startswith(LKG)}
    used |= {
        o
        for _, p, o in default_triples
        if p == PREFIXES["rdf"] + "type" and isinstance(o, str) and o.startswith(LKG)
    }
    used |= {o for _, p, o in default_triples if p == LKG + "relation" and isinstance(o, str)}
    assert used - declared == set()


def test_lineage_relations_specialise_prov_was_derived_from(ontology):
    from kg.model import Relation

    query = "ASK { ?r rdfs:subPropertyOf+ prov:wasDerivedFrom . ?r rdfs:subPropertyOf ?cito FILTER(STRSTARTS(STR(?cito), STR(cito:))) }"
    for relation in Relation:
        bound = ontology.query(
            query,
            initNs={
                "rdfs": rdflib.RDFS,
                "prov": rdflib.Namespace(PREFIXES["prov"]),
                "cito": rdflib.Namespace(PREFIXES["cito"]),
            },
            initBindings={"r": rdflib.URIRef(LKG + relation.value)},
        )
        assert bound.askAnswer, relation


def test_categories_match_the_skos_scheme_in_the_ontology(default_kb):
    scheme = rdflib.Graph().parse(ROOT / "ontology" / "categories.ttl", format="turtle")
    labels = {str(o) for o in scheme.objects(None, rdflib.SKOS.prefLabel)}
    assert {c.label for c in default_kb.categories} <= labels


def test_shacl_shapes_accept_the_build(default_triples):
    import pyshacl

    data = to_rdflib(default_triples)
    shapes = rdflib.Graph().parse(ROOT / "ontology" / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms, text
