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
from array import array
from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from kg.errors import ExportError
from kg.graph.canonical import CanonicalTriples, canonical_triples, subject_runs
from kg.graph.namespaces import PREFIXES
from kg.graph.rdf import RDF_TYPE, XSD_INTEGER, Lit, Triple

__all__ = [
    "CanonicalTriples",
    "canonical_triples",
    "subject_runs",
    "jsonld_chunks",
    "ntriples_of_turtle",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
    "turtle_and_ntriples_chunks",
]


def to_ntriples(triples: Iterable[Triple]) -> bytes:
    """Canonical N-Triples, one statement per line, lines sorted."""
    return b"".join(nt for _, nt in turtle_and_ntriples_chunks(canonical_triples(triples)))


def to_turtle(triples: Iterable[Triple]) -> bytes:
    """Turtle with the contract's prefixes (sorted), each subject's statements together.

    Subjects come in the byte order of their ``<iri>`` (the N-Triples order), each
    subject's statements in canonical order (``rdf:type`` first, then by predicate).
    """
    return b"".join(ttl for ttl, _ in turtle_and_ntriples_chunks(canonical_triples(triples)))


def turtle_and_ntriples_chunks(triples: CanonicalTriples) -> Iterator[tuple[bytes, bytes]]:
    """Turtle and N-Triples in pieces, each a run of whole subjects: ``(turtle, ntriples)``.

    Both files are made from the same N-Triples lines, written a few thousand subjects
    at a time (Turtle by Oxigraph from those lines), so memory holds one piece (at
    100,000 papers the whole documents are 330 and 850 MB). Sorted N-Triples lines start with their subjects, so the subjects
    are taken in the order of their ``<iri>`` bytes and sorting each piece's lines sorts
    the file: Oxigraph writes an IRI as it is (it only accepts IRIs that need no escape
    in N-Triples), and each piece is still checked to follow the last one. The first
    Turtle piece carries the ``@prefix`` lines, sorted (Oxigraph picks its own order).

    Raises:
        ExportError: an N-Triples piece is out of order (a bug: nothing is written).
    """
    order, bounds = _ntriples_order(triples)
    prefixes = dict(sorted(PREFIXES.items()))
    predicates: dict[int, str] = {}  # few, and in every piece: kept throughout
    last = b""
    for first in range(0, len(order), _SUBJECTS_PER_CHUNK):
        groups = [(bounds[i], bounds[i + 1]) for i in order[first : first + _SUBJECTS_PER_CHUNK]]
        data = _ntriples_block(triples, groups, predicates)
        # Turtle from the same statements, parsed back by Oxigraph: faster than making
        # each term and triple an Oxigraph object here, and the same terms in the same order.
        turtle = ox.serialize(
            ox.parse(data, format=ox.RdfFormat.N_TRIPLES),
            format=ox.RdfFormat.TURTLE,
            prefixes=prefixes,
        )
        assert turtle is not None
        lines = data.splitlines(keepends=True)
        del data
        lines.sort()
        if lines[0] <= last:
            raise ExportError(f"N-Triples out of order at {lines[0][:200]!r}; nothing written")
        last = lines[-1]
        yield _turtle_piece(turtle, header=first == 0), b"".join(_unique(lines))


def _ntriples_order(triples: CanonicalTriples) -> tuple[array[int], array[int]]:
    """The subjects' runs in the order of their ``<iri>`` in N-Triples: ``(order, bounds)``.

    Run ``order[k]`` spans ``bounds[order[k]]`` to ``bounds[order[k] + 1]``. The
    canonical order sorts subjects by IRI, which differs where an IRI is the start of
    another followed by a character before ``>`` (``.../1`` and ``.../10``). Held as two
    arrays of integers: as a list of ``(bytes, start, end)`` the 856,000 subjects of
    100,000 papers took 136 MB for the whole of the export.
    """
    subjects: list[str] = []
    bounds = array("I")
    for subject, start, _ in subject_runs(triples):
        subjects.append(subject)
        bounds.append(start)
    bounds.append(len(triples))
    # Sorted by IRI already: the sort only moves the few runs whose order differs.
    order = array("I", sorted(range(len(subjects)), key=lambda i: subjects[i] + ">"))
    return order, bounds


def _ntriples_block(
    triples: CanonicalTriples, groups: list[tuple[int, int]], predicates: dict[int, str]
) -> bytes:
    """The N-Triples lines of these subject runs, in their order (one piece's, unsorted).

    Each term is written as Oxigraph writes it (a literal as ``str`` of its ``Literal``,
    which escapes as the N-Triples serialiser does; an IRI between angle brackets), once
    per piece and looked up by its number; each predicate once per build. An IRI
    Oxigraph would refuse fails when the piece is parsed back for Turtle.
    """
    written: dict[int, str] = {}
    datatypes: dict[str, ox.NamedNode] = {}

    def render(number: int) -> str:
        term = triples.term(number)
        if isinstance(term, Lit):
            datatype = None
            if term.datatype:
                datatype = datatypes.get(term.datatype)
                if datatype is None:
                    datatype = datatypes[term.datatype] = ox.NamedNode(term.datatype)
            text = str(ox.Literal(term.value, datatype=datatype))
        else:
            text = f"<{term}>"  # as Oxigraph writes an IRI (it takes none that needs escaping)
        written[number] = text
        return text

    lines: list[str] = []
    for start, end in groups:
        s, p, o = triples.ids(start, end)
        subject = written.get(s[0]) or render(s[0])
        for number in p:
            if number not in predicates:
                predicates[number] = str(ox.NamedNode(triples.predicate(number)))
        for number in o:
            if number not in written:
                render(number)
        lines += [f"{subject} {predicates[q]} {written[t]} .\n" for q, t in zip(p, o, strict=True)]
    return "".join(lines).encode("utf-8")


def _turtle_piece(data: bytes, *, header: bool) -> bytes:
    """A piece's Turtle without its ``@prefix`` lines, or (first piece) with them sorted."""
    end = 0
    while data.startswith(b"@prefix ", end):
        end = data.index(b"\n", end) + 1
    if not header:
        return data[end:]
    return b"\n".join([*sorted(data[:end].split(b"\n")[:-1]), data[end:]])


def _unique(lines: list[bytes]) -> Iterator[bytes]:
    """The lines of a sorted list without repeats (two literals may be written alike)."""
    return (line for i, line in enumerate(lines) if i == 0 or line != lines[i - 1])


_SUBJECTS_PER_CHUNK = 8192


def ntriples_of_turtle(data: bytes) -> bytes:
    """What :func:`to_ntriples` gives for the triples of a Turtle document (e.g. :func:`to_turtle`'s)."""
    out = ox.serialize(ox.parse(data, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    assert out is not None
    lines = out.splitlines(keepends=True)
    lines.sort()
    return b"".join(_unique(lines))


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
    """:func:`to_jsonld` in pieces of a few thousand nodes, to write without joining them.

    Long on purpose: one streaming loop over the canonical triples whose node being
    written, escaping function and IRI cache are locals of this frame; split, they would
    be passed or looked up on every triple of a large build.
    """
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
