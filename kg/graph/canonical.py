"""Triples in one canonical order: deduplicated, by subject, ``rdf:type`` first.

Every deterministic output starts here: the RDF formats (:mod:`kg.export.rdf_formats`)
and the networkx projection (:mod:`kg.graph.nx_convert`) read the same
:class:`CanonicalTriples`, so the graph is sorted once for all of them. It lives in
``kg.graph`` because the projection needs it and ``kg.graph`` must not import
``kg.export``.

The triples are held as three columns of integers into tables of the distinct terms,
not as one Python tuple each: at 100,000 papers 7.2 million tuples of 64 bytes took 0.5 GB,
and each process of a build soon had a copy of it (reading a tuple writes its reference
count, so the pages of every tuple read are copied after a fork). Columns of integers
are never written by their readers, and are sorted by NumPy.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, cast, overload

from kg.graph.rdf import RDF_TYPE, Lit, Triple

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["CanonicalTriples", "canonical_triples", "subject_runs"]

Term = str | Lit


def _order(triple: Triple) -> tuple[str, int, str, int, str]:
    """The canonical order of one triple, as a sort key (the definition the columns follow).

    >>> _order(("s", RDF_TYPE, "C")) < _order(("s", "a", Lit("x")))
    True
    """
    s, p, o = triple
    rank = 0 if p == RDF_TYPE else 1
    if isinstance(o, Lit):
        return s, rank, p, 1, f"{o.value}\x00{o.datatype or ''}"
    return s, rank, p, 0, o


def _term_key(term: Term) -> tuple[int, str]:
    """Where a subject or object term sorts: IRIs by text, then literals by value and datatype."""
    if isinstance(term, Lit):
        return 1, f"{term.value}\x00{term.datatype or ''}"
    return 0, term


def _predicate_key(predicate: str) -> tuple[int, str]:
    return (0 if predicate == RDF_TYPE else 1), predicate


class CanonicalTriples(Sequence[Triple]):
    """Triples already deduplicated and in canonical order, as :func:`canonical_triples` returns them.

    A sequence of ``(subject, predicate, object)`` tuples made on demand from the
    columns. Passing one to several exporters sorts once instead of once per format.

    >>> triples = canonical_triples([("b", "p", "x"), ("a", "p", Lit("1")), ("b", "p", "x")])
    >>> list(triples)
    [('a', 'p', Lit(value='1', datatype=None)), ('b', 'p', 'x')]
    >>> triples[1], len(triples)
    (('b', 'p', 'x'), 2)
    """

    __slots__ = ("_objects", "_predicates", "_p", "_o", "_s", "_starts", "_terms")

    def __init__(
        self,
        terms: list[Term],
        predicates: list[str],
        columns: tuple[array[int], array[int], array[int]],
        starts: array[int],
    ) -> None:
        self._terms = terms
        self._predicates = predicates
        self._s, self._p, self._o = columns
        self._starts = starts  # where each subject's run starts, then len(self)

    def __len__(self) -> int:
        return len(self._s)

    @overload
    def __getitem__(self, index: int) -> Triple: ...
    @overload
    def __getitem__(self, index: slice) -> list[Triple]: ...
    def __getitem__(self, index: int | slice) -> Triple | list[Triple]:
        if isinstance(index, slice):
            return list(self._rows(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("triple index out of range")
        terms = self._terms
        subject = terms[self._s[index]]
        assert isinstance(subject, str)  # subjects are IRIs
        return subject, self._predicates[self._p[index]], terms[self._o[index]]

    def __iter__(self) -> Iterator[Triple]:
        return self._rows(0, len(self), 1)

    def _rows(self, start: int, stop: int, step: int) -> Iterator[Triple]:
        terms = self._terms.__getitem__
        subjects = cast("Callable[[int], str]", terms)  # subjects are IRIs
        whole = start == 0 and stop == len(self._s) and step == 1
        s, p, o = (
            (self._s, self._p, self._o)
            if whole
            else (self._s[start:stop:step], self._p[start:stop:step], self._o[start:stop:step])
        )
        return zip(
            map(subjects, s), map(self._predicates.__getitem__, p), map(terms, o), strict=True
        )

    def ids(self, start: int, stop: int) -> tuple[array[int], array[int], array[int]]:
        """The rows ``start`` to ``stop`` as numbers: subject and object terms, predicates.

        For a writer that renders each distinct term once (:meth:`term`, :meth:`predicate`)
        instead of making a tuple of terms for every row.
        """
        return self._s[start:stop], self._p[start:stop], self._o[start:stop]

    def term(self, number: int) -> Term:
        """The subject or object term numbered ``number`` in :meth:`ids`."""
        return self._terms[number]

    def predicate(self, number: int) -> str:
        """The predicate numbered ``number`` in :meth:`ids`."""
        return self._predicates[number]

    def statements(self, start: int, end: int) -> list[tuple[str, Term]]:
        """``(predicate, object)`` of the rows ``start`` to ``end``: one subject's run.

        The rows of a run from :meth:`runs`, without the subject they share: the
        networkx projection reads every run this way several times, where slicing
        (``triples[start:end]``) cost more in its own overhead than in the rows.

        >>> triples = canonical_triples([("a", "p", "x"), ("a", "q", Lit("1")), ("b", "p", "x")])
        >>> [(subject, triples.statements(start, end)) for subject, start, end in triples.runs()]
        [('a', [('p', 'x'), ('q', Lit(value='1', datatype=None))]), ('b', [('p', 'x')])]
        """
        terms, predicates = self._terms, self._predicates
        return [
            (predicates[p], terms[o])
            for p, o in zip(self._p[start:end], self._o[start:end], strict=True)
        ]

    def runs(self) -> Iterator[tuple[str, int, int]]:
        """``(subject, start, end)`` of each subject's run, in order (see :func:`subject_runs`)."""
        terms, s, starts = self._terms, self._s, self._starts
        for i in range(len(starts) - 1):
            start = starts[i]
            subject = terms[s[start]]
            assert isinstance(subject, str)
            yield subject, start, starts[i + 1]

    def clear(self) -> None:
        """Let go of every triple (a process done with them frees their memory)."""
        self._terms, self._predicates = [], []
        self._s, self._p, self._o = array("I"), array("I"), array("I")
        self._starts = array("I", [0])


def canonical_triples(triples: Iterable[Triple]) -> CanonicalTriples:
    """Deduplicated triples in a fixed order: by subject, ``rdf:type`` first, then predicate.

    The order is ``sorted(set(triples), key=_order)``: each distinct term gets the rank
    of its place in that order (IRIs by text before literals by value and datatype;
    ``rdf:type`` before the other predicates, by text), and the triples, as rows of three
    ranks, are sorted and deduplicated by NumPy (:func:`_sorted_unique`).
    """
    if isinstance(triples, CanonicalTriples):
        return triples
    _one_numpy_thread()
    import numpy as np

    assert array("I").itemsize == 4, "array('I') must hold numpy's uint32"

    ids = _Numbering()
    flat = array("I", map(ids.__getitem__, chain.from_iterable(triples)))
    terms = list(ids)
    del ids
    codes = np.frombuffer(flat, dtype=np.uint32).reshape(-1, 3)
    # Ranks of the subject/object terms and, apart, of the predicates.
    used_as_predicate = np.zeros(len(terms), dtype=bool)
    used_as_predicate[codes[:, 1]] = True
    used_as_term = np.zeros(len(terms), dtype=bool)
    used_as_term[codes[:, 0]] = True
    used_as_term[codes[:, 2]] = True
    candidates = np.flatnonzero(used_as_term).tolist()
    iris = [i for i in candidates if not isinstance(terms[i], tuple)]
    iris.sort(key=terms.__getitem__)  # all str: compared in C
    literals = [i for i in candidates if isinstance(terms[i], tuple)]
    literals.sort(key=lambda i: _term_key(terms[i]))
    term_ids = iris + literals
    del candidates, iris, literals
    predicate_ids = sorted(
        np.flatnonzero(used_as_predicate).tolist(),
        key=lambda i: _predicate_key(terms[i]),  # type: ignore[arg-type]
    )
    term_rank = _ranks(term_ids, len(terms))
    predicate_rank = _ranks(predicate_ids, len(terms))
    s, p, o = _sorted_unique(
        term_rank[codes[:, 0]], predicate_rank[codes[:, 1]], term_rank[codes[:, 2]]
    )
    del codes, flat
    starts = np.flatnonzero(np.diff(s)) + 1 if len(s) else np.zeros(0, dtype=np.int64)
    bounds = np.concatenate(([0], starts, [len(s)])) if len(s) else np.zeros(1, dtype=np.int64)
    return CanonicalTriples(
        [terms[i] for i in term_ids],
        [terms[i] for i in predicate_ids],  # type: ignore[misc]
        (_column(s), _column(p), _column(o)),
        array("I", bounds.astype(np.uint32).tobytes()),
    )


class _Numbering(dict[Term, int]):
    """Each distinct term's number, in order of first sight: ``numbering[term]``.

    A lookup of a known term stays in C (``dict.__getitem__``); only a new term calls
    back into Python: 100,000 papers' triples name 21.6 million terms, 2.3 million distinct.
    """

    def __missing__(self, term: Term) -> int:
        number = self[term] = len(self)
        return number


def _one_numpy_thread() -> None:
    """Keep NumPy's BLAS from starting a thread pool when it is first imported.

    A build forks its workers (:mod:`kg.runtime.workers`) only while this process has a
    single thread, and OpenBLAS starts one thread per core at import; the sorting here
    uses no BLAS. Has no effect once NumPy is imported (then forking is declined, and the
    build runs in one process, as correct and slower).
    """
    import os

    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")


def _ranks(ordered_ids: list[int], size: int) -> npt.NDArray[np.uint64]:
    import numpy as np

    rank = np.zeros(size, dtype=np.uint64)
    rank[np.asarray(ordered_ids, dtype=np.int64)] = np.arange(len(ordered_ids), dtype=np.uint64)
    return rank


#: Bits of one packed triple (a NumPy ``uint64``); more distinct terms sort by lexsort.
_PACKED_BITS = 64


def _sorted_unique(
    s: npt.NDArray[np.uint64], p: npt.NDArray[np.uint64], o: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The rows ``(s, p, o)`` of ranks sorted, each once, as three ``uint32`` columns.

    Each row packed in one integer when the three ranks fit in 64 bits (one sort of one
    array: the usual case, up to about 100 million distinct terms), else sorted by
    ``np.lexsort`` on the three columns.
    """
    import numpy as np

    bits = [max(1, int(column.max(initial=0)).bit_length()) for column in (s, p, o)]
    if sum(bits) <= _PACKED_BITS:
        o_shift, p_shift = np.uint64(0), np.uint64(bits[2])
        s_shift = np.uint64(bits[1] + bits[2])
        packed = (s << s_shift) | (p << p_shift) | o
        packed.sort()
        if len(packed) > 1:  # each triple once: drop a value equal to the one before it
            packed = packed[np.concatenate(([True], packed[1:] != packed[:-1]))]
        mask_p, mask_o = np.uint64((1 << bits[1]) - 1), np.uint64((1 << bits[2]) - 1)
        return (
            (packed >> s_shift).astype(np.uint32),
            ((packed >> p_shift) & mask_p).astype(np.uint32),
            ((packed >> o_shift) & mask_o).astype(np.uint32),
        )
    order = np.lexsort((o, p, s))  # the last key sorts first
    s, p, o = s[order], p[order], o[order]
    if len(s) > 1:
        keep = np.concatenate(([True], (s[1:] != s[:-1]) | (p[1:] != p[:-1]) | (o[1:] != o[:-1])))
        s, p, o = s[keep], p[keep], o[keep]
    return s.astype(np.uint32), p.astype(np.uint32), o.astype(np.uint32)


def _column(values: npt.NDArray[np.uint32]) -> array[int]:
    column = array("I")
    column.frombytes(values.tobytes())
    return column


def subject_runs(triples: Sequence[Triple]) -> Iterator[tuple[str, int, int]]:
    """``(subject, start, end)`` of each run of one subject in ``triples`` (grouped by subject).

    >>> list(subject_runs([("a", "p", "x"), ("a", "q", "y"), ("b", "p", "x")]))
    [('a', 0, 2), ('b', 2, 3)]
    """
    if isinstance(triples, CanonicalTriples):
        yield from triples.runs()
        return
    start, total = 0, len(triples)
    while start < total:
        subject = triples[start][0]
        end = start + 1
        while end < total and triples[end][0] == subject:
            end += 1
        yield subject, start, end
        start = end
