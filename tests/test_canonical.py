"""kg.graph.canonical: the columns give exactly ``sorted(set(triples), key=_order)``.

The order is the definition every export's bytes follow; the columns of ranks that hold
it (sorted by NumPy) are checked against it for any triples: IRIs that prefix each
other, terms used both as IRIs and literal values, one IRI as subject, predicate and
object, literals that differ only by datatype, duplicates, and no triples at all.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.graph.canonical import CanonicalTriples, _order, canonical_triples, subject_runs
from kg.graph.rdf import RDF_TYPE, XSD_INTEGER, Lit, Triple

_IRI = st.sampled_from(
    [RDF_TYPE, "a", "ab", "b", "https://x/p", "https://x/p2", "ünï", "Z", XSD_INTEGER]
)
_OBJECT = st.one_of(
    _IRI,
    st.builds(
        Lit,
        st.sampled_from(["a", "ab", "", "1", "10", "9", "é"]),
        st.sampled_from([None, XSD_INTEGER, "a"]),
    ),
)
_TRIPLES = st.lists(st.tuples(_IRI, _IRI, _OBJECT), max_size=40)


@settings(max_examples=400, deadline=None)
@given(_TRIPLES)
def test_the_canonical_order_is_its_definition(triples: list[Triple]) -> None:
    ordered = canonical_triples(triples)
    expected = sorted(set(triples), key=_order)
    assert list(ordered) == expected
    assert len(ordered) == len(expected)
    assert [ordered[i] for i in range(len(ordered))] == expected
    assert ordered[1:-1] == expected[1:-1] and ordered[::2] == expected[::2]
    assert list(subject_runs(ordered)) == list(subject_runs(expected))
    assert canonical_triples(ordered) is ordered


@settings(max_examples=200, deadline=None)
@given(_TRIPLES)
def test_ranks_too_wide_to_pack_sort_the_same(triples: list[Triple]) -> None:
    from unittest.mock import patch

    from kg.graph import canonical

    with patch.object(canonical, "_PACKED_BITS", 2):  # every graph takes the lexsort path
        ordered = canonical_triples(triples)
    assert list(ordered) == sorted(set(triples), key=_order)
    assert list(subject_runs(ordered)) == list(subject_runs(sorted(set(triples), key=_order)))


def test_an_index_out_of_range_is_an_index_error() -> None:
    ordered = canonical_triples([("a", "p", "b")])
    assert ordered[-1] == ("a", "p", "b")
    with pytest.raises(IndexError):
        ordered[1]


def test_cleared_triples_are_empty_and_still_usable() -> None:
    ordered = canonical_triples([("a", "p", "b"), ("c", "p", Lit("x"))])
    assert isinstance(ordered, CanonicalTriples)
    ordered.clear()
    assert len(ordered) == 0 and list(ordered) == [] and list(subject_runs(ordered)) == []
