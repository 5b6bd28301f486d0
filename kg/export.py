"""RDF exports: Turtle, N-Triples and JSON-LD, deterministic and strict.

Determinism: triples are deduplicated and sorted before serialisation, no blank nodes
exist, and no timestamp is written, so the same inputs give byte-identical files under
any ``PYTHONHASHSEED``. Strictness: Turtle and N-Triples are written by Oxigraph, whose
serialisers only produce what strict parsers accept. JSON-LD is written here as a flat,
compacted document with an inline ``@context`` (a remote context would make every
reader fetch a URL), and is checked in the tests against Oxigraph's and rdflib's parsers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.rdf import RDF_TYPE, XSD_INTEGER, Lit, Triple
from kg.store import to_oxigraph_triples

__all__ = ["canonical_triples", "to_jsonld", "to_ntriples", "to_turtle"]


def _order(triple: Triple) -> tuple[str, int, str, int, str]:
    s, p, o = triple
    rank = 0 if p == RDF_TYPE else 1
    if isinstance(o, Lit):
        return s, rank, p, 1, f"{o.value}\x00{o.datatype or ''}"
    return s, rank, p, 0, o


def canonical_triples(triples: Iterable[Triple]) -> list[Triple]:
    """Deduplicated triples in a fixed order: by subject, ``rdf:type`` first, then predicate."""
    return sorted(set(triples), key=_order)


def to_ntriples(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples, one statement per line, lines sorted."""
    data = ox.serialize(
        to_oxigraph_triples(canonical_triples(triples)), format=ox.RdfFormat.N_TRIPLES
    )
    assert data is not None
    lines = sorted(set(data.splitlines(keepends=True)))
    return b"".join(lines)


def to_turtle(triples: Iterable[Triple]) -> bytes:
    """Turtle with the contract's prefixes, statements grouped by subject in sorted order."""
    data = ox.serialize(
        to_oxigraph_triples(canonical_triples(triples)),
        format=ox.RdfFormat.TURTLE,
        prefixes=dict(sorted(PREFIXES.items())),
    )
    assert data is not None
    # Oxigraph picks its own order for the @prefix lines; sort them so the header is stable.
    lines = data.split(b"\n")
    header = sorted(line for line in lines if line.startswith(b"@prefix "))
    body = [line for line in lines if not line.startswith(b"@prefix ")]
    return b"\n".join(header + body)


def _compact(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            local = iri[len(base) :]
            if all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return iri


def to_jsonld(triples: Iterable[Triple]) -> bytes:
    """A flat JSON-LD document (``@graph`` of node objects) with an inline context.

    Every IRI value is an ``{"@id": ...}`` object and every typed literal keeps its
    datatype, so the document expands to exactly the same triples.
    """
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in canonical_triples(triples):
        node = nodes.setdefault(s, {"@id": s})
        if p == RDF_TYPE and not isinstance(o, Lit):
            node.setdefault("@type", []).append(_compact(o))
            continue
        value: Any
        if isinstance(o, Lit):
            if o.datatype in (None, PREFIXES["xsd"] + "string"):
                value = {"@value": o.value}
            elif o.datatype == XSD_INTEGER:
                value = {"@value": o.value, "@type": "xsd:integer"}
            else:
                value = {"@value": o.value, "@type": _compact(o.datatype)}
        else:
            value = {"@id": o}
        node.setdefault(_compact(p), []).append(value)
    document = {
        "@context": dict(sorted(PREFIXES.items())),
        "@graph": [nodes[key] for key in sorted(nodes)],
    }
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode(
        "utf-8"
    )
