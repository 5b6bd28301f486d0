"""Knowledge base -> RDF triples, following ``ontology/CONTRACT.md``.

The mapping is written once, as a generator of plain triples (IRIs as ``str``, literals
as :class:`Lit`), so that the same statements can fill an rdflib ``Graph`` (the API users
know) or a pyoxigraph ``Store`` (the fast engine) without a second mapping to keep in
sync. No blank nodes are ever produced: authorships and lineage assertions get minted
IRIs, which keeps exports deterministic and diffs readable.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from typing import NamedTuple

from kg.graph.counts import count_triples
from kg.graph.namespaces import LKG, PREFIXES, Namespaces
from kg.model import ContributionKind, KnowledgeBase, LinkKind, Paper

__all__ = ["Lit", "Triple", "iter_triples", "lkg"]

XSD_INTEGER = PREFIXES["xsd"] + "integer"
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
DCT = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]
FOAF = PREFIXES["foaf"]
SCHEMA = PREFIXES["schema"]
PROV_DERIVED = PREFIXES["prov"] + "wasDerivedFrom"


class Lit(NamedTuple):
    """An RDF literal: a lexical form and an optional datatype IRI (``None`` = xsd:string)."""

    value: str
    datatype: str | None = None


Triple = tuple[str, str, "str | Lit"]


def lkg(local: str) -> str:
    """The IRI of a term of our vocabulary.

    >>> lkg("Paper")
    'https://w3id.org/lineage-kg/def#Paper'
    """
    return LKG + local


@functools.cache
def _int(value: int) -> Lit:
    # Few distinct values (years, months, author positions), each used thousands of times.
    return Lit(str(value), XSD_INTEGER)


_LINK_PROPERTY = {
    LinkKind.PDF: lkg("pdf"),
    LinkKind.CODE: lkg("code"),
    LinkKind.HOMEPAGE: lkg("homepage"),
    LinkKind.DATASET: lkg("datasetPage"),
    LinkKind.MODEL: lkg("modelPage"),
    LinkKind.PAPER_PAGE: lkg("paperPage"),
    LinkKind.VIDEO: lkg("video"),
    LinkKind.BLOG: lkg("blogPost"),
}
_CONTRIBUTION_CLASS = {
    ContributionKind.METHOD: [lkg("Method")],
    ContributionKind.DATASET: [lkg("Dataset"), SCHEMA + "Dataset"],
    ContributionKind.MODEL: [lkg("Model")],
    ContributionKind.BENCHMARK: [lkg("Benchmark")],
}


def iter_triples(kb: KnowledgeBase, ns: Namespaces | None = None) -> Iterator[Triple]:
    """Yield every statement of the knowledge base (may repeat one; stores deduplicate).

    >>> from kg.model import KnowledgeBase
    >>> list(iter_triples(KnowledgeBase()))[0][2]
    'http://www.w3.org/2004/02/skos/core#ConceptScheme'
    """
    ns = ns or Namespaces()
    yield from _scheme(kb, ns)
    yield from _papers(kb, ns)
    yield from _people(kb, ns)
    yield from _contributions(kb, ns)
    yield from _lineage(kb, ns)
    yield from count_triples(kb, ns, _int)


def _scheme(kb: KnowledgeBase, ns: Namespaces) -> Iterator[Triple]:
    scheme = ns.category_scheme()
    yield scheme, RDF_TYPE, SKOS + "ConceptScheme"
    yield scheme, RDFS_LABEL, Lit("LineageKG paper categories")
    yield scheme, SKOS + "prefLabel", Lit("LineageKG paper categories")
    for category in kb.categories:
        iri = ns.category(category.key)
        yield iri, RDF_TYPE, SKOS + "Concept"
        yield iri, RDFS_LABEL, Lit(category.label)
        yield iri, SKOS + "prefLabel", Lit(category.label)
        yield iri, SKOS + "inScheme", scheme
        if category.broader:
            yield iri, SKOS + "broader", ns.category(category.broader)
        else:
            yield iri, SKOS + "topConceptOf", scheme
            yield scheme, SKOS + "hasTopConcept", iri
        if category.definition:
            yield iri, SKOS + "definition", Lit(category.definition)
        for alt in category.alt_labels:
            yield iri, SKOS + "altLabel", Lit(alt)
    for paper_list in kb.lists:
        iri = ns.paper_list(paper_list.key)
        yield iri, RDF_TYPE, lkg("PaperList")
        yield iri, RDFS_LABEL, Lit(paper_list.title)
        yield iri, _SOURCE_FILE, Lit(shown_path(paper_list.file))


@functools.cache
def shown_path(file: str) -> str:
    """A source file as the graph states it: relative to the working folder when inside it.

    Exports then do not depend on where the checkout lives (``data/lineage.yaml``, not
    ``/home/me/lineage-kg/data/lineage.yaml``), with the same text in every build.

    >>> shown_path("data/lineage.yaml")
    'data/lineage.yaml'
    """
    if not os.path.isabs(file):
        return file.replace(os.sep, "/")
    relative = os.path.relpath(file)
    return file if relative.startswith("..") else relative.replace(os.sep, "/")


def _papers(kb: KnowledgeBase, ns: Namespaces) -> Iterator[Triple]:
    # any spelling of a category (its label or an alternative one) names its key
    category_key = {label: c.key for c in kb.categories for label in (*c.alt_labels, c.label)}
    for paper in kb.papers:
        iri = ns.paper(paper.key)
        yield iri, RDF_TYPE, lkg("Paper")
        yield iri, RDF_TYPE, SCHEMA + "ScholarlyArticle"
        yield iri, RDFS_LABEL, Lit(paper.title)
        yield iri, DCT + "title", Lit(paper.title)
        if paper.year is not None:
            yield iri, lkg("year"), _int(paper.year)
            if paper.month is not None:
                yield iri, lkg("month"), _int(paper.month)
            if paper.year_source is not None and paper.year_source != "list":
                yield iri, lkg("yearSource"), Lit(paper.year_source.value)
        if paper.venue is not None:
            venue = ns.venue(paper.venue)
            yield iri, lkg("publishedIn"), venue
            yield venue, RDF_TYPE, lkg("Venue")
            yield venue, RDFS_LABEL, Lit(paper.venue)
            if paper.venue_as_written:
                yield iri, lkg("venueAsWritten"), Lit(paper.venue_as_written)
            if paper.track:
                yield iri, lkg("track"), Lit(paper.track)
            if paper.presentation:
                yield iri, lkg("presentation"), Lit(paper.presentation)
        if paper.authors_truncated:
            yield iri, lkg("authorsTruncated"), Lit("true", PREFIXES["xsd"] + "boolean")
        if paper.doi:
            yield iri, lkg("doi"), Lit(paper.doi)
        for label in paper.categories:
            yield iri, DCT + "subject", ns.category(category_key[label])
        if paper.hybrid_label:
            yield iri, lkg("hybridLabel"), Lit(paper.hybrid_label)
        if paper.arxiv_id:
            yield iri, lkg("arxivId"), Lit(paper.arxiv_id)
        for link in paper.links:
            yield iri, _LINK_PROPERTY[link.kind], link.url
        yield iri, lkg("listedIn"), ns.paper_list(paper.list_key)
        yield from _listings(paper, iri, ns, category_key)


_SOURCE_FILE = lkg("sourceFile")
_LINE = lkg("line")


def _listings(
    paper: Paper, iri: str, ns: Namespaces, category_key: dict[str, str]
) -> Iterator[Triple]:
    """Each entry that names the paper, as its input wrote it (``paper/KEY/listing/LIST/LINE``)."""
    for item in paper.listings:
        in_list = ns.paper_list(item.list_key)
        listing = f"{iri}/listing/{item.list_key}/{item.line}"
        yield iri, lkg("listedIn"), in_list
        yield iri, lkg("listing"), listing
        yield listing, RDF_TYPE, lkg("Listing")
        yield listing, RDFS_LABEL, Lit(f"{paper.title}, listed in {item.list_key} line {item.line}")
        yield listing, lkg("inList"), in_list
        yield listing, _SOURCE_FILE, Lit(shown_path(item.source_file))
        yield listing, _LINE, _int(item.line)
        if item.entry_text:
            yield listing, lkg("entryText"), Lit(item.entry_text)
        for label in item.categories:
            yield listing, DCT + "subject", ns.category(category_key[label])
        if item.year is not None:
            yield listing, lkg("statedYear"), _int(item.year)
        if item.venue:
            yield listing, lkg("statedVenue"), Lit(item.venue)
        if item.authors:
            yield listing, lkg("statedAuthors"), Lit(", ".join(item.authors))


def _people(kb: KnowledgeBase, ns: Namespaces) -> Iterator[Triple]:
    titles = {p.key: p.title for p in kb.papers}
    person_iri = {person.key: ns.person(person.key) for person in kb.persons}
    for person in kb.persons:
        iri = person_iri[person.key]
        yield iri, RDF_TYPE, _PERSON
        yield iri, RDF_TYPE, FOAF + "Person"
        yield iri, RDFS_LABEL, Lit(person.name)
        yield iri, FOAF + "name", Lit(person.name)
        for variant in person.variants:
            yield iri, _NAME_VARIANT, Lit(variant)
        for nick in person.nicknames:
            yield iri, FOAF + "nick", Lit(nick)
    # Hundreds of thousands of authorships in a large build: IRIs minted once per paper
    # and person, property IRIs hoisted out of the loop.
    paper_key, paper = "", ""
    for a in kb.authorships:
        if a.paper_key != paper_key:  # authorships come grouped by paper
            paper_key, paper = a.paper_key, ns.paper(a.paper_key)
        iri = f"{paper}/authorship/{a.position}"
        author = person_iri[a.person_key]
        yield paper, _AUTHORSHIP, iri
        yield paper, _CREATOR, author
        yield iri, RDF_TYPE, _AUTHORSHIP_CLASS
        yield (
            iri,
            RDFS_LABEL,
            Lit(f"{a.name_as_written}, author {a.position} of {titles[a.paper_key]}"),
        )
        yield iri, _POSITION, _int(a.position)
        yield iri, _PERSON_PROPERTY, author
        yield iri, _NAME_AS_WRITTEN, Lit(a.name_as_written)


_PERSON = lkg("Person")
_NAME_VARIANT = lkg("nameVariant")
_AUTHORSHIP = lkg("authorship")
_AUTHORSHIP_CLASS = lkg("Authorship")
_CREATOR = DCT + "creator"
_POSITION = lkg("position")
_PERSON_PROPERTY = lkg("person")
_NAME_AS_WRITTEN = lkg("nameAsWritten")


def _contributions(kb: KnowledgeBase, ns: Namespaces) -> Iterator[Triple]:
    parent = {c.id: c.variant_of for c in kb.contributions}

    def family(key: str) -> str:
        while parent.get(key):
            key = parent[key]  # type: ignore[assignment]  # loop guard: variant_of is acyclic
        return key

    for c in kb.contributions:
        iri = ns.method(c.id)
        yield iri, RDF_TYPE, lkg("Contribution")
        for cls in _CONTRIBUTION_CLASS[c.kind]:
            yield iri, RDF_TYPE, cls
        yield iri, RDFS_LABEL, Lit(c.label)
        for alias in c.aliases:
            yield iri, SKOS + "altLabel", Lit(alias)
        if c.description:
            yield iri, DCT + "description", Lit(c.description)
        if c.evidence:
            yield iri, lkg("evidenceText"), Lit(c.evidence.text)
            yield iri, DCT + "source", c.evidence.source
        yield iri, _SOURCE_FILE, Lit(shown_path(c.source.file))
        yield iri, _LINE, _int(c.source.line)
        if c.variant_of:
            yield iri, lkg("variantOf"), ns.method(c.variant_of)
            yield iri, PROV_DERIVED, ns.method(c.variant_of)
        yield iri, lkg("family"), ns.method(family(c.id))
        for paper in c.introduced_by:
            yield ns.paper(paper), lkg("introduces"), iri
            yield ns.paper(paper), lkg("usesMethod"), iri
        for paper in c.used_by:
            yield ns.paper(paper), lkg("usesMethod"), iri


def _lineage(kb: KnowledgeBase, ns: Namespaces) -> Iterator[Triple]:
    labels = {f"paper:{p.key}": p.title for p in kb.papers}
    labels |= {f"method:{c.id}": c.label for c in kb.contributions}

    def work(ref_kind: str, key: str) -> str:
        return ns.paper(key) if ref_kind == "paper" else ns.method(key)

    for edge in kb.lineage:
        newer = work(edge.newer.kind, edge.newer.key)
        older = work(edge.older.kind, edge.older.key)
        relation = lkg(edge.relation.value)
        yield newer, relation, older
        yield newer, PROV_DERIVED, older
        iri = ns.assertion(str(edge.newer), edge.relation.value, str(edge.older))
        yield newer, lkg("assertion"), iri
        yield iri, RDF_TYPE, lkg("LineageAssertion")
        label = f"{labels[str(edge.newer)]} {edge.relation.value} {labels[str(edge.older)]}"
        yield iri, RDFS_LABEL, Lit(label)
        yield iri, lkg("newer"), newer
        yield iri, lkg("older"), older
        yield iri, lkg("relation"), relation
        yield iri, lkg("evidenceText"), Lit(edge.evidence.text)
        yield iri, DCT + "source", edge.evidence.source
        yield iri, _SOURCE_FILE, Lit(shown_path(edge.source.file))
        yield iri, _LINE, _int(edge.source.line)
