"""The SPARQL the benchmark times: the canned library (``kg/sparql/queries/*.rq``) and four more.

The representative queries follow the questions users ask of a paper graph: one author's
papers (selective), the lineage ancestry of one paper (property path), the top authors
(a GROUP BY over every authorship) and one author's co-authors (a four-pattern join).
Selective queries are bound to the most prolific person and to the paper with the
deepest curated lineage, picked from the knowledge base, so every backend answers the
same question (Oxigraph substitutes only projected variables, so they are projected).
Canned queries get the same kind of values for their declared parameters.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kg.model import KnowledgeBase

__all__ = ["PARAMETERS", "REPRESENTATIVE", "consume", "probes", "query_plan"]

#: Which variables of each representative query are bound to a probe IRI.
PARAMETERS = {
    "author_papers": ("person",),
    "ancestors": ("paper",),
    "top_authors": (),
    "coauthors": ("person",),
}

REPRESENTATIVE = {
    "author_papers": """
SELECT ?person ?paper ?title ?year WHERE {
  ?paper dcterms:creator ?person ; dcterms:title ?title ; lkg:year ?year .
} ORDER BY ?year ?title""",
    "ancestors": """
SELECT DISTINCT ?paper ?older WHERE { ?paper prov:wasDerivedFrom+ ?older . }""",
    "top_authors": """
SELECT ?person (COUNT(?paper) AS ?papers) WHERE {
  ?paper dcterms:creator ?person .
} GROUP BY ?person ORDER BY DESC(?papers) ?person LIMIT 20""",
    "coauthors": """
SELECT DISTINCT ?person ?coauthor WHERE {
  ?paper dcterms:creator ?person , ?coauthor .
  FILTER(?coauthor != ?person)
}""",
}


def probes(kb: KnowledgeBase, base: str) -> dict[str, str]:
    """Values for every parameter: the most prolific person, deepest lineage, biggest family.

    Keys are the representative queries' IRIs (``person_iri``, ``paper_iri``) and the
    canned library's literal parameters (``author``, ``person``, ``paper``, ``work``,
    ``method``; ``query.param`` for a value one query needs, e.g. the most-derived-from
    paper for ``descendants``).
    """
    from kg.graph.namespaces import Namespaces

    ns = Namespaces(base)
    counts = Counter(a.person_key for a in kb.authorships)
    person = min(counts, key=lambda key: (-counts[key], key)) if counts else "nobody"
    name = next((p.name for p in kb.persons if p.key == person), "nobody")
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for edge in kb.lineage:
        if edge.newer.kind == "paper" and edge.older.kind == "paper":
            parents.setdefault(edge.newer.key, []).append(edge.older.key)
            children.setdefault(edge.older.key, []).append(edge.newer.key)

    def reach(key: str, step: dict[str, list[str]]) -> int:
        seen: set[str] = set()
        stack = list(step.get(key, ()))
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(step.get(node, ()))
        return len(seen)

    paper = max(sorted(parents), key=lambda k: reach(k, parents)) if parents else "none"
    hub = max(sorted(children), key=lambda k: reach(k, children)) if children else "none"
    family = Counter(c.variant_of or c.id for c in kb.contributions)
    root = min(family, key=lambda k: (-family[k], k)) if family else ""
    method = next((c.label for c in kb.contributions if c.id == root), "none")
    return {
        "person_iri": ns.person(person),
        "paper_iri": ns.paper(paper),
        "author": name,
        "person": name,
        "paper": paper,
        "work": paper,
        "descendants.work": hub,
        "method": method,
    }


def query_plan(kb: KnowledgeBase, base: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """Every query to time: name -> (text, bindings as Oxigraph terms), canned ones first."""
    import pyoxigraph as ox

    values = probes(kb, base)
    plan: dict[str, tuple[str, dict[str, Any]]] = {}
    try:
        from kg.sparql.queries import bind, catalogue
    except ImportError:  # no canned library in this checkout
        catalogue = None  # type: ignore[assignment]
    if catalogue is not None:
        for query in catalogue():
            params = {
                p.name: values.get(f"{query.name}.{p.name}", values[p.name]) for p in query.params
            }
            plan[f"canned/{query.name}"] = (query.text, bind(params, query.params))
    iris = {"person": values["person_iri"], "paper": values["paper_iri"]}
    for name, text in REPRESENTATIVE.items():
        plan[f"representative/{name}"] = (
            text,
            {k: ox.NamedNode(iris[k]) for k in PARAMETERS[name]},
        )
    return plan


def consume(result: Any) -> int:
    """Read a :class:`kg.sparql.query.QueryResult` to the end; the number of rows or triples."""
    if result.form == "solutions":
        return sum(1 for _ in result.solutions())
    if result.form == "boolean":
        return 1
    return sum(1 for _ in result.triples())
