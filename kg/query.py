"""SPARQL over the graph: safe to run on untrusted query text, results in W3C formats.

Queries run on Oxigraph (pyoxigraph). Before running, a query is parsed with rdflib's
SPARQL parser into its algebra and refused if it could reach outside the graph:
``SERVICE`` (an HTTP request to any host), ``FROM``/``FROM NAMED`` (may dereference URLs
or ``file:`` paths on some engines). Updates never run here: only the query form of
SPARQL is accepted.

Result formats are the W3C ones: SPARQL 1.1 Query Results JSON, CSV and TSV, produced by
Oxigraph's own serialisers; ``table`` is a plain-text rendering for people; CONSTRUCT
and DESCRIBE results are Turtle.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.namespaces import PREFIXES

__all__ = ["QueryResult", "ResultFormat", "Term", "check_query", "compact", "format_result", "run_query"]


class ResultFormat(StrEnum):
    """Output formats of ``kg query``."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"


Term = ox.NamedNode | ox.Literal | ox.BlankNode


@dataclass
class QueryResult:
    """The outcome of one query, read once: call :meth:`rows` or :func:`format_result`.

    Oxigraph evaluates lazily, so a result is an iterator; keeping the engine's own object
    lets the W3C serialisers write it without a copy.
    """

    raw: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

    @property
    def variables(self) -> list[str]:
        """The projected variable names of a SELECT (empty for ASK and graph results)."""
        if isinstance(self.raw, ox.QuerySolutions):
            return [v.value for v in self.raw.variables]
        return []

    def rows(self) -> list[dict[str, Term | None]]:
        """Materialise a SELECT's solutions as dicts (variable -> term or ``None``)."""
        if not isinstance(self.raw, ox.QuerySolutions):
            raise QueryError("not a SELECT result")
        names = self.variables
        return [{name: solution[name] for name in names} for solution in self.raw]


def _walk(node: Any, found: set[str]) -> None:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            found.add("SERVICE")
        for value in node.values():
            _walk(value, found)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            _walk(value, found)


def check_query(text: str) -> None:
    """Refuse query text that is not a plain, self-contained SPARQL query.

    Raises:
        QueryError: the text does not parse, is an update, or uses SERVICE, FROM or
            FROM NAMED.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    try:
        parsed = parser.parseQuery(text)
    except ParseException as err:
        try:
            parser.parseUpdate(text)
        except ParseException:
            raise QueryError(f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}") from err
        raise QueryError("updates are not allowed: the graph is read-only") from err
    query = parsed[1]
    if isinstance(query.get("datasetClause"), list):
        raise QueryError("FROM and FROM NAMED are not allowed: queries run on the built graph only")
    found: set[str] = set()
    _walk(parsed, found)
    if "SERVICE" in found:
        raise QueryError("SERVICE is not allowed: queries may not contact other endpoints")


def run_query(
    store: ox.Store,
    text: str,
    *,
    bindings: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
) -> QueryResult:
    """Check and run ``text`` on ``store``; ``bindings`` substitute variables safely.

    Bindings are passed to the engine as RDF terms (SEP-0007 substitutions), never
    spliced into the text, so a value cannot change the query's structure.

    Raises:
        QueryError: the query is refused (see :func:`check_query`) or fails.
    """
    check_query(text)
    substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
    try:
        return QueryResult(store.query(text, prefixes=PREFIXES, substitutions=substitutions or None))
    except (SyntaxError, OSError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err


def compact(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """A short, readable form of a term for tables (CURIEs for known namespaces)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, base in PREFIXES.items():
            if term.value.startswith(base):
                return f"{prefix}:{term.value[len(base):]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _table(result: QueryResult) -> str:
    header = result.variables
    body = [[compact(row[name]) for name in header] for row in result.rows()]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines) + "\n"


_RESULT_FORMATS = {
    ResultFormat.JSON: ox.QueryResultsFormat.JSON,
    ResultFormat.CSV: ox.QueryResultsFormat.CSV,
    ResultFormat.TSV: ox.QueryResultsFormat.TSV,
}


def format_result(result: QueryResult, fmt: ResultFormat) -> bytes:
    """Render (and consume) a result: W3C JSON/CSV/TSV or a text table; Turtle for graphs."""
    raw = result.raw
    if isinstance(raw, ox.QueryTriples):
        return raw.serialize(format=ox.RdfFormat.TURTLE) or b""
    if fmt is ResultFormat.TABLE:
        if isinstance(raw, ox.QueryBoolean):
            return b"true\n" if bool(raw) else b"false\n"
        return _table(result).encode("utf-8")
    data = raw.serialize(format=_RESULT_FORMATS[fmt]) or b""
    return data if data.endswith(b"\n") else data + b"\n"
