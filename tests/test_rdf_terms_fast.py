"""Turtle and N-Triples pieces made from terms built per run equal those of to_oxigraph_triples.

The oracle is the writer as it was: every piece's triples converted by
:func:`kg.graph.store.to_oxigraph_triples`, then serialised the same way. Several
subject runs, repeated IRIs and literals (as subjects, objects and datatypes), and more
subjects than one piece holds (the predicate cache lives across pieces).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kg.export.rdf_formats as formats
from kg.graph.canonical import CanonicalTriples, canonical_triples, subject_runs
from kg.graph.namespaces import PREFIXES
from kg.graph.rdf import XSD_INTEGER, Lit, Triple
from kg.graph.store import to_oxigraph_triples

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=10)
_IRI = st.sampled_from(
    [
        "https://w3id.org/lineage-kg/id/paper/2304.12244",
        # IRIs that start others, followed by a character before ">": "<iri>" sorts them
        # after the longer ones, the canonical order before.
        "https://w3id.org/lineage-kg/id/paper/2304.1224",
        "https://w3id.org/lineage-kg/id/paper/2304.122",
        "https://example.org/a",
        "https://example.org/a-b",
        "https://w3id.org/lineage-kg/id/person/a",
        "https://w3id.org/lineage-kg/def#Paper",
        "http://schema.org/name",
        "https://example.org/a%20b",
        "https://example.org/ünï",
        "http://www.w3.org/2001/XMLSchema#string",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    ]
)
_OBJECT = st.one_of(
    _IRI,
    st.builds(
        Lit,
        _TEXT,
        st.sampled_from(
            [None, XSD_INTEGER, "http://www.w3.org/2001/XMLSchema#string", "https://example.org/dt"]
        ),
    ),
    st.builds(lambda n: Lit(str(n), XSD_INTEGER), st.integers()),
)


def _reference(triples: CanonicalTriples) -> Iterator[tuple[bytes, bytes]]:
    """turtle_and_ntriples_chunks as it was (terms by to_oxigraph_triples)."""
    groups = sorted((f"<{s}>".encode(), start, end) for s, start, end in subject_runs(triples))
    prefixes = dict(sorted(PREFIXES.items()))
    for first in range(0, len(groups), formats._SUBJECTS_PER_CHUNK):
        block = list(
            to_oxigraph_triples(
                triples[i]
                for _, a, b in groups[first : first + formats._SUBJECTS_PER_CHUNK]
                for i in range(a, b)
            )
        )
        turtle = ox.serialize(block, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        data = ox.serialize(block, format=ox.RdfFormat.N_TRIPLES)
        assert turtle is not None and data is not None
        lines = data.splitlines(keepends=True)
        lines.sort()
        yield formats._turtle_piece(turtle, header=first == 0), b"".join(formats._unique(lines))


@pytest.fixture(autouse=True)
def _small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "_SUBJECTS_PER_CHUNK", 3)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_IRI, _IRI, _OBJECT), max_size=25))
def test_the_same_pieces_as_before(triples: list[Triple]) -> None:
    ordered = canonical_triples(triples)
    assert list(formats.turtle_and_ntriples_chunks(ordered)) == list(_reference(ordered))
