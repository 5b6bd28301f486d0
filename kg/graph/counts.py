"""Counts stated in the graph: how many papers a person, venue or category has, and more.

Questions such as "the most collaborative authors" or "papers per venue" aggregate over
every authorship or paper. On the persistent on-disk store an aggregate over the whole
graph costs hundreds of milliseconds at 10,000 papers (each join is a RocksDB lookup),
so the mapping states the counts those questions need once, at build time, as plain
``xsd:integer`` triples (declared in ``ontology/lineage-kg.ttl`` and named in
``ontology/CONTRACT.md``):

- a Person's ``lkg:paperCount`` (papers they wrote), ``lkg:coauthorCount`` (distinct
  people they wrote with) and ``lkg:categoryCount`` (distinct categories of their papers,
  the ``Hybrid`` umbrella not counted: a hybrid paper counts under each category it names);
- a Venue's ``lkg:paperCount`` and, when some of its papers have a year,
  ``lkg:firstYear`` and ``lkg:lastYear``;
- a Category's ``lkg:paperCount`` (papers filed under it).

Every count equals what a ``COUNT(DISTINCT ...)`` over the other triples gives (tested).
One pass over papers and authorships; the co-author sets cost the sum over papers of the
square of their author count, as the query they replace did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from kg.graph.namespaces import LKG, Namespaces
from kg.model import KnowledgeBase

if TYPE_CHECKING:
    from kg.graph.rdf import Lit

    CountTriple = tuple[str, str, Lit]

__all__ = ["HYBRID_UMBRELLA", "count_triples"]

#: The label of the category that holds hybrid entries ("Distill+Enviroment") as a whole;
#: a hybrid paper is also a subject of each category its label names.
HYBRID_UMBRELLA = "Hybrid"

_PAPER_COUNT = LKG + "paperCount"
_COAUTHOR_COUNT = LKG + "coauthorCount"
_CATEGORY_COUNT = LKG + "categoryCount"
_FIRST_YEAR = LKG + "firstYear"
_LAST_YEAR = LKG + "lastYear"


def count_triples(
    kb: KnowledgeBase, ns: Namespaces, literal: Callable[[int], Lit]
) -> Iterator[CountTriple]:
    """The count triples of ``kb``, subjects in the order of ``kb`` (deterministic).

    Args:
        kb: The knowledge base.
        ns: The IRIs of its resources.
        literal: How an integer becomes an ``xsd:integer`` literal of the mapping.
    """
    category_key = {label: c.key for c in kb.categories for label in (*c.alt_labels, c.label)}
    umbrella = {c.key for c in kb.categories if c.label == HYBRID_UMBRELLA}
    paper_categories = {
        p.key: {category_key[label] for label in p.categories} - umbrella for p in kb.papers
    }
    authors: dict[str, set[str]] = {}
    for a in kb.authorships:
        authors.setdefault(a.paper_key, set()).add(a.person_key)
    papers_of: dict[str, set[str]] = {}
    coauthors: dict[str, set[str]] = {}
    categories_of: dict[str, set[str]] = {}
    for paper_key, people in authors.items():
        for who in people:
            papers_of.setdefault(who, set()).add(paper_key)
            coauthors.setdefault(who, set()).update(people)
            categories_of.setdefault(who, set()).update(paper_categories[paper_key])
    for person in kb.persons:
        iri = ns.person(person.key)
        yield iri, _PAPER_COUNT, literal(len(papers_of.get(person.key, ())))
        yield iri, _COAUTHOR_COUNT, literal(len(coauthors.get(person.key, {person.key})) - 1)
        yield iri, _CATEGORY_COUNT, literal(len(categories_of.get(person.key, ())))
    yield from _venues(kb, ns, literal)
    per_category: dict[str, int] = {}
    for paper in kb.papers:
        for key in {category_key[label] for label in paper.categories}:
            per_category[key] = per_category.get(key, 0) + 1
    for category in kb.categories:
        yield ns.category(category.key), _PAPER_COUNT, literal(per_category.get(category.key, 0))


def _venues(
    kb: KnowledgeBase, ns: Namespaces, literal: Callable[[int], Lit]
) -> Iterator[CountTriple]:
    papers: dict[str, int] = {}  # by IRI: names of one slug are one venue
    years: dict[str, list[int]] = {}
    iris: dict[str, str] = {}
    for paper in kb.papers:
        if paper.venue is None:
            continue
        iri = iris.get(paper.venue) or iris.setdefault(paper.venue, ns.venue(paper.venue))
        papers[iri] = papers.get(iri, 0) + 1
        if paper.year is not None:
            span = years.setdefault(iri, [paper.year, paper.year])
            span[0], span[1] = min(span[0], paper.year), max(span[1], paper.year)
    for iri in sorted(papers):
        yield iri, _PAPER_COUNT, literal(papers[iri])
        if iri in years:
            yield iri, _FIRST_YEAR, literal(years[iri][0])
            yield iri, _LAST_YEAR, literal(years[iri][1])
