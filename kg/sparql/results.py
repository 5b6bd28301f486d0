"""Query results and their formats: the W3C ones, and a text table for people.

A :class:`QueryResult` holds what either engine answered: Oxigraph's lazy result as it
is, or Python values (rdflib's answers, capped results, a remote endpoint's). Result
formats are the W3C ones: SPARQL 1.1 Query Results JSON, CSV, TSV (and XML), all written
by Oxigraph's serialisers whichever engine answered; ``table`` is a plain-text
rendering for people; CONSTRUCT and DESCRIBE results are Turtle.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.namespaces import PREFIXES

__all__ = [
    "Binding",
    "QueryResult",
    "ResultFormat",
    "Term",
    "compact",
    "format_graph",
    "format_result",
]

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Binding = ox.NamedNode | ox.Literal
_OxResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class ResultFormat(StrEnum):
    """Output formats of ``kg query``: a text table or a W3C SPARQL results format."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    XML = "xml"


class QueryResult:
    """The outcome of one query: solutions (SELECT), a boolean (ASK) or triples (graph forms).

    Read it once: :meth:`rows`, :meth:`solutions`, :meth:`triples`, :meth:`limited` and
    :func:`format_result` consume it. A result straight from Oxigraph keeps the engine's
    lazy object in :attr:`raw`, so the W3C serialisers can write it without a copy.

    Args:
        raw: Oxigraph's own result, or ``None`` for a result given as Python values.
        variables: Projected variable names (SELECT only).
        solutions: One tuple of terms (``None`` for unbound) per solution.
        boolean: The answer of an ASK.
        triples: The triples of a CONSTRUCT or DESCRIBE.
        truncated: Whether rows were dropped by a row cap (see :meth:`limited`).
    """

    def __init__(
        self,
        raw: _OxResult | None = None,
        *,
        variables: Sequence[str] = (),
        solutions: Iterable[Sequence[Term | None]] | None = None,
        boolean: bool | None = None,
        triples: Iterable[ox.Triple] | None = None,
        truncated: bool = False,
    ) -> None:
        self.raw = raw
        self.truncated = truncated
        self._variables = list(variables)
        self._solutions = solutions
        self._boolean = boolean
        self._triples = triples
        if raw is None and solutions is None and boolean is None and triples is None:
            raise ValueError("a QueryResult needs a raw result, solutions, a boolean or triples")

    @property
    def form(self) -> str:
        """``"solutions"``, ``"boolean"`` or ``"graph"``."""
        if isinstance(self.raw, ox.QuerySolutions) or self._solutions is not None:
            return "solutions"
        if isinstance(self.raw, ox.QueryBoolean) or self._boolean is not None:
            return "boolean"
        return "graph"

    @property
    def variables(self) -> list[str]:
        """The projected variable names of a SELECT (empty for ASK and graph results)."""
        if isinstance(self.raw, ox.QuerySolutions):
            return [v.value for v in self.raw.variables]
        return list(self._variables)

    @property
    def boolean(self) -> bool:
        """The answer of an ASK query."""
        if isinstance(self.raw, ox.QueryBoolean):
            return bool(self.raw)
        if self._boolean is None:
            raise QueryError("not an ASK result")
        return self._boolean

    def solutions(self) -> Iterator[tuple[Term | None, ...]]:
        """The solutions of a SELECT as tuples in :attr:`variables` order (consumes)."""
        if isinstance(self.raw, ox.QuerySolutions):
            # A solution iterates its terms in projection order (None when unbound):
            # half the Python time of looking each term up by name (10k-row results).
            return (tuple(solution) for solution in self.raw)
        if self._solutions is None:
            raise QueryError("not a SELECT result")
        return (tuple(row) for row in self._solutions)

    def rows(self) -> list[dict[str, Term | None]]:
        """Materialise a SELECT's solutions as dicts (variable -> term or ``None``)."""
        names = self.variables
        return [dict(zip(names, row, strict=True)) for row in self.solutions()]

    def triples(self) -> Iterator[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE (consumes)."""
        if isinstance(self.raw, ox.QueryTriples):
            return iter(self.raw)
        if self._triples is None:
            raise QueryError("not a CONSTRUCT or DESCRIBE result")
        return iter(self._triples)

    def limited(self, max_rows: int) -> QueryResult:
        """At most ``max_rows`` solutions (or triples), materialised; :attr:`truncated` says if any were dropped.

        Only ``max_rows + 1`` items are ever read from a lazy result, so a cap also bounds
        the work of a query that would return millions of rows.
        """
        if self.form == "boolean":
            return QueryResult(boolean=self.boolean)
        if self.form == "solutions":
            rows = list(itertools.islice(self.solutions(), max_rows + 1))
            return QueryResult(
                variables=self.variables, solutions=rows[:max_rows], truncated=len(rows) > max_rows
            )
        triples = list(itertools.islice(self.triples(), max_rows + 1))
        return QueryResult(triples=triples[:max_rows], truncated=len(triples) > max_rows)

    def page(self, *, offset: int = 0, limit: int | None = None) -> QueryResult:
        """Solutions ``offset`` to ``offset + limit`` (materialised); :attr:`truncated` if more follow.

        For paging a SELECT from the command line; the engine still computes what comes
        before ``offset`` (an ORDER BY sorts every row), so the gain is in output size.
        ASK and graph results are returned as they are.
        """
        if self.form != "solutions" or (offset == 0 and limit is None):
            return self
        rows = itertools.islice(self.solutions(), offset, None)
        if limit is None:
            return QueryResult(variables=self.variables, solutions=list(rows))
        kept = list(itertools.islice(rows, limit + 1))
        return QueryResult(
            variables=self.variables, solutions=kept[:limit], truncated=len(kept) > limit
        )


def compact(term: Term | None) -> str:
    """A short, readable form of a term for tables (CURIEs for known namespaces)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, base in PREFIXES.items():
            if term.value.startswith(base):
                return f"{prefix}:{term.value[len(base) :]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _table(result: QueryResult) -> str:
    header = result.variables
    body = [[compact(term) for term in row] for row in result.solutions()]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    note = f"({len(body)} row{'s' if len(body) != 1 else ''}"
    lines.append(note + (", truncated)" if result.truncated else ")"))
    return "\n".join(lines) + "\n"


_RESULT_FORMATS = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
    ResultFormat.XML: ox.QueryResultsFormat.XML,
}


def _term_json(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def _results_json(result: QueryResult) -> bytes:
    if result.form == "boolean":
        doc: dict[str, Any] = {"head": {}, "boolean": result.boolean}
    else:
        names = result.variables
        bindings = [
            {
                name: _term_json(term)
                for name, term in zip(names, row, strict=True)
                if term is not None
            }
            for row in result.solutions()
        ]
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def format_graph(result: QueryResult, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> bytes:
    """Render (and consume) a CONSTRUCT/DESCRIBE result, sorted, with our prefixes in Turtle."""
    triples = sorted(
        result.triples(), key=lambda t: (str(t.subject), str(t.predicate), str(t.object))
    )
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N3) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


def format_result(result: QueryResult, fmt: ResultFormat) -> bytes:
    """Render (and consume) a result: W3C JSON/CSV/TSV/XML or a text table; Turtle for graphs.

    Every W3C format is written by Oxigraph's serialisers; results that are not
    Oxigraph's own (rdflib's, capped ones) go through SPARQL JSON first, so both engines
    give byte-identical output for the same solutions.
    """
    if result.form == "graph":
        return format_graph(result)
    if fmt is ResultFormat.TABLE:
        if result.form == "boolean":
            return b"true\n" if result.boolean else b"false\n"
        return _table(result).encode("utf-8")
    target = _RESULT_FORMATS[fmt]
    if isinstance(result.raw, ox.QuerySolutions | ox.QueryBoolean):
        data = result.raw.serialize(format=target) or b""
    else:
        parsed = ox.parse_query_results(_results_json(result), format=ox.QueryResultsFormat.JSON)
        data = parsed.serialize(format=target) or b""
    return data if data.endswith(b"\n") else data + b"\n"
