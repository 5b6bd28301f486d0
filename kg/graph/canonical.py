"""Triples in one canonical order: deduplicated, by subject, ``rdf:type`` first.

Every deterministic output starts here: the RDF formats (:mod:`kg.export.rdf_formats`)
and the networkx projection (:mod:`kg.graph.nx_convert`) read the same
:class:`CanonicalTriples`, so the graph is sorted once for all of them. It lives in
``kg.graph`` because the projection needs it and ``kg.graph`` must not import
``kg.export``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from kg.graph.rdf import RDF_TYPE, Lit, Triple

__all__ = ["CanonicalTriples", "canonical_triples", "subject_runs"]


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
    for _, start, end in subject_runs(items):
        group = sorted(items[start:end], key=_order)
        out.append(group[0])
        out.extend(t for t, before in zip(group[1:], group, strict=False) if t != before)
    return out


def _subject(triple: Triple) -> str:
    return triple[0]


def subject_runs(triples: Sequence[Triple]) -> Iterator[tuple[str, int, int]]:
    """``(subject, start, end)`` of each run of one subject in ``triples`` (grouped by subject).

    >>> list(subject_runs([("a", "p", "x"), ("a", "q", "y"), ("b", "p", "x")]))
    [('a', 0, 2), ('b', 2, 3)]
    """
    start, total = 0, len(triples)
    while start < total:
        subject = triples[start][0]
        end = start + 1
        while end < total and triples[end][0] == subject:
            end += 1
        yield subject, start, end
        start = end
