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
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from kg.namespaces import PREFIXES
from kg.rdf import RDF_TYPE, XSD_INTEGER, Lit, Triple
from kg.store import to_oxigraph_triples

__all__ = [
    "CanonicalTriples",
    "canonical_triples",
    "jsonld_chunks",
    "ntriples_chunks_of_turtle",
    "ntriples_of_turtle",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
]


def _order(triple: Triple) -> tuple[str, int, str, int, str]:
    s, p, o = triple
    rank = 0 if p == RDF_TYPE else 1
    if isinstance(o, Lit):
        return s, rank, p, 1, f"{o.value}\x00{o.datatype or ''}"
    return s, rank, p, 0, o


class CanonicalTriples(list[Triple]):
    """Triples already deduplicated and in canonical order, as :func:`canonical_triples` returns them.

    Passing one to several exporters sorts once instead of once per format; do not
    mutate it.
    """


def canonical_triples(triples: Iterable[Triple]) -> CanonicalTriples:
    """Deduplicated triples in a fixed order: by subject, ``rdf:type`` first, then predicate.

    The order is ``sorted(set(triples), key=_order)``, reached with little extra memory
    (at 100,000 papers a set and a sort key per triple cost gigabytes at the peak): the
    list is sorted in place by subject alone, which compares existing strings in C,
    then each subject's few triples by the rest of :func:`_order`, and duplicates, now
    neighbours, are skipped.
    """
    if isinstance(triples, CanonicalTriples):
        return triples
    # Terms repeat (every subject several times, predicates and small literals throughout):
    # keep one object per distinct term. A third less memory for the same triples.
    shared: dict[str | Lit, str | Lit] = {}
    share = shared.setdefault
    items: list[Triple] = [(share(s, s), share(p, p), share(o, o)) for s, p, o in triples]  # type: ignore[misc]
    del shared, share
    items.sort(key=_subject)
    out = CanonicalTriples()
    start, total = 0, len(items)
    while start < total:
        subject = items[start][0]
        end = start + 1
        while end < total and items[end][0] == subject:
            end += 1
        group = sorted(items[start:end], key=_order)
        out.append(group[0])
        out.extend(t for t, before in zip(group[1:], group, strict=False) if t != before)
        start = end
    return out


def _subject(triple: Triple) -> str:
    return triple[0]


def to_ntriples(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples, one statement per line, lines sorted."""
    data = ox.serialize(
        to_oxigraph_triples(canonical_triples(triples)), format=ox.RdfFormat.N_TRIPLES
    )
    assert data is not None
    lines = sorted(set(data.splitlines(keepends=True)))
    return b"".join(lines)


def ntriples_of_turtle(data: bytes) -> bytes:
    """What :func:`to_ntriples` gives for the triples of a Turtle document (e.g. :func:`to_turtle`'s).

    Oxigraph parses Turtle into terms faster than Python builds them, so a build that
    writes both formats converts its triples once, for Turtle, and re-reads that.
    """
    return b"".join(ntriples_chunks_of_turtle(data))


def ntriples_chunks_of_turtle(data: bytes) -> Iterator[bytes]:
    """:func:`ntriples_of_turtle` in pieces, to write to a file without joining them first.

    At 100,000 papers the joined document is 850 MB on top of its 5.6 million sorted
    lines; a build writes the pieces one by one instead.
    """
    out = ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    lines = out.splitlines(keepends=True)
    del out  # the lines hold the same bytes; at 100,000 papers this is hundreds of MB
    lines.sort()  # in place: a set and a second list would cost gigabytes
    for start in range(0, len(lines), _LINES_PER_CHUNK):
        batch = lines[start : start + _LINES_PER_CHUNK]
        previous = lines[start - 1] if start else None
        yield b"".join(
            line
            for line, before in zip(batch, [previous, *batch[:-1]], strict=True)
            if line != before
        )


_LINES_PER_CHUNK = 65_536


def to_turtle(triples: Iterable[Triple]) -> bytes:
    """Turtle with the contract's prefixes, statements grouped by subject in sorted order."""
    data = ox.serialize(
        to_oxigraph_triples(canonical_triples(triples)),
        format=ox.RdfFormat.TURTLE,
        prefixes=dict(sorted(PREFIXES.items())),
    )
    assert data is not None
    # Oxigraph picks its own order for the @prefix lines at the top; sort them so the
    # header is stable. The body is copied once, never split into lines.
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    header = b"\n".join(sorted(data[:end].split(b"\n")[:-1]))
    return b"".join([header, b"\n" if header else b"", memoryview(data)[end:]])


def _compact(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            local = iri[len(base) :]
            if all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return iri


def _node_text(subject: str, fields: dict[str, list[str]], enc: Callable[[str], str]) -> str:
    """One node object of the ``@graph`` array, as ``json.dumps(..., indent=1)`` writes it."""
    lines = ['  {\n   "@id": ' + enc(subject)]
    lines += [
        "   " + enc(name) + ": [\n" + ",\n".join(items) + "\n   ]" for name, items in fields.items()
    ]
    return ",\n".join(lines) + "\n  }"


def to_jsonld(triples: Iterable[Triple]) -> bytes:
    """A flat JSON-LD document (``@graph`` of node objects) with an inline context.

    Every IRI value is an ``{"@id": ...}`` object and every typed literal keeps its
    datatype, so the document expands to exactly the same triples. The text is what
    ``json.dumps(document, ensure_ascii=False, indent=1)`` gives, written directly:
    the standard library's indenting encoder is pure Python and took most of the time.
    """
    return b"".join(jsonld_chunks(triples))


def jsonld_chunks(triples: Iterable[Triple]) -> Iterator[bytes]:
    """:func:`to_jsonld` in pieces of a few thousand nodes, to write without joining them."""
    enc = json.encoder.encode_basestring  # the escaping json.dumps uses with ensure_ascii=False
    compacted: dict[str, str] = {}

    def compact(iri: str) -> str:
        found = compacted.get(iri)
        if found is None:
            found = compacted[iri] = _compact(iri)
        return found

    context = ",\n".join(f"  {enc(k)}: {enc(v)}" for k, v in sorted(PREFIXES.items()))
    yield ('{\n "@context": {\n' + context + '\n },\n "@graph": ').encode("utf-8")
    xsd_string = PREFIXES["xsd"] + "string"
    # Canonical order keeps each subject's triples together, subjects sorted: each node is
    # written as soon as its subject changes, so only one node is held at a time.
    texts: list[str] = []
    written = 0
    subject: str | None = None
    node: dict[str, list[str]] = {}

    def flush(last: bool) -> bytes:
        opening = "[\n" if written == 0 else ",\n"
        closing = "\n ]" if last else ""
        return (opening + ",\n".join(texts) + closing).encode("utf-8")

    for s, p, o in canonical_triples(triples):
        if s != subject:
            if subject is not None:
                texts.append(_node_text(subject, node, enc))
                if len(texts) == _NODES_PER_CHUNK:
                    yield flush(last=False)
                    written += len(texts)
                    texts = []
            subject, node = s, {}
        if p == RDF_TYPE and not isinstance(o, Lit):
            node.setdefault("@type", []).append("    " + enc(compact(o)))
            continue
        if isinstance(o, Lit):
            if o.datatype is None or o.datatype == xsd_string:
                item = '    {\n     "@value": ' + enc(o.value) + "\n    }"
            elif o.datatype == XSD_INTEGER:
                item = (
                    '    {\n     "@value": '
                    + enc(o.value)
                    + ',\n     "@type": "xsd:integer"\n    }'
                )
            else:
                item = (
                    '    {\n     "@value": '
                    + enc(o.value)
                    + ',\n     "@type": '
                    + enc(compact(o.datatype))
                    + "\n    }"
                )
        else:
            item = '    {\n     "@id": ' + enc(o) + "\n    }"
        node.setdefault(compact(p), []).append(item)
    if subject is not None:
        texts.append(_node_text(subject, node, enc))
    if texts:
        yield flush(last=True)
    elif written == 0:
        yield b"[]"
    else:
        yield b"\n ]"
    yield b"\n}\n"


_NODES_PER_CHUNK = 4096
