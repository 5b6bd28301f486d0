"""The one prefix table and the minting of resource IRIs.

Resource IRIs are derived from normalised keys only (an arXiv id or a title slug for
papers, the canonical-name slug for people, ...), never from input order, so the same
entity has the same IRI in every build. The resource base is configurable; the
vocabulary namespace (``lkg:``) is not, because users' queries depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from kg.text import slugify

__all__ = ["DEFAULT_BASE", "LKG", "PREFIXES", "Namespaces"]

LKG = "https://w3id.org/lineage-kg/def#"
DEFAULT_BASE = "https://w3id.org/lineage-kg/id/"

#: Every RDF export binds exactly these prefixes (ontology/CONTRACT.md).
PREFIXES: dict[str, str] = {
    "lkg": LKG,
    "schema": "http://schema.org/",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "cito": "http://purl.org/spar/cito/",
    "fabio": "http://purl.org/spar/fabio/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


#: Characters ``quote`` never escapes (RFC 3986 unreserved), ASCII only.
_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*").fullmatch


def _check_base(base: str, *, shown: str) -> None:
    """Refuse a base that would mint invalid IRIs (checked as Oxigraph parses them).

    Raises:
        KgError: ``base`` is not an absolute IRI, or holds a bidirectional control.
    """
    import pyoxigraph

    from kg.errors import KgError

    if _BIDI.search(base):
        raise KgError(f"the base IRI {shown!r} holds a bidirectional control character")
    if not _SCHEME(base):
        raise KgError(
            f"the base IRI {shown!r} is not an absolute IRI (e.g. https://example.org/id/)"
        )
    try:
        pyoxigraph.NamedNode(base + "paper/x")
    except ValueError as err:
        raise KgError(f"the base IRI {shown!r} is not a valid IRI: {err}") from None


#: An IRI scheme (RFC 3987): a letter, then letters, digits, ``+ - .``, then a colon.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:").match
#: RFC 3987 section 4.1: bidirectional formatting characters must not appear in IRIs.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Namespaces:
    """Mints resource IRIs under one base.

    >>> Namespaces().paper("2304.12244")
    'https://w3id.org/lineage-kg/id/paper/2304.12244'
    >>> Namespaces().venue("ACM Computing Surveys")
    'https://w3id.org/lineage-kg/id/venue/acm-computing-surveys'
    """

    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        given = self.base
        if not self.base.endswith(("/", "#")):
            object.__setattr__(self, "base", self.base + "/")
        _check_base(self.base, shown=given)

    def _mint(self, kind: str, key: str) -> str:
        # Keys are nearly always slugs or arXiv ids, which quote() returns unchanged; the
        # check is ten times cheaper than quote() on the hundreds of thousands of IRIs
        # of a large build.
        return f"{self.base}{kind}/{key if _UNRESERVED(key) else quote(key, safe='-._~')}"

    def paper(self, key: str) -> str:
        """IRI of a paper from its key (arXiv id or title slug)."""
        return self._mint("paper", key)

    def person(self, key: str) -> str:
        """IRI of a person from their key (canonical-name slug)."""
        return self._mint("person", key)

    def venue(self, name: str) -> str:
        """IRI of a venue from its canonical name."""
        return self._mint("venue", slugify(name))

    def method(self, key: str) -> str:
        """IRI of a contribution (method, dataset, model, benchmark) from its curated id."""
        return self._mint("method", key)

    def category(self, key: str) -> str:
        """IRI of a category (SKOS concept) from its heading slug."""
        return self._mint("category", key)

    def category_scheme(self) -> str:
        """IRI of the one concept scheme that holds every category."""
        return f"{self.base}category-scheme"

    def paper_list(self, key: str) -> str:
        """IRI of a list document."""
        return self._mint("list", key)

    def assertion(self, newer: str, relation: str, older: str) -> str:
        """IRI of a reified lineage edge, from its endpoints' kinds and keys."""
        return self._mint("lineage", f"{newer}--{relation}--{older}".replace(":", "-"))
