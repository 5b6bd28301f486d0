"""SPARQL over the graph: safe to run on untrusted query text, same answers on two engines.

Two engines answer the same queries on the same statements:

- **Oxigraph** (pyoxigraph, the default): evaluation in Rust, one to two orders of
  magnitude faster than rdflib on large graphs. Results are lazy.
- **rdflib**: the pure-Python reference engine (``--engine rdflib``). It is run with
  ``SPARQL_LOAD_GRAPHS = False`` and our own prefix table (its default ``schema:`` is
  ``https://``, ours is ``http://schema.org/``).

Before either engine sees a query, :func:`check_query` parses it with rdflib's SPARQL
parser and refuses what could reach outside the graph: ``SERVICE`` (pyoxigraph really
makes the HTTP request), ``FROM``/``FROM NAMED`` (may dereference URLs or ``file:``
paths on some engines), and every update (``LOAD``, ``INSERT``, ``DROP``, ...).

The text that is checked is exactly the text that runs. The two parsers read codepoint
escapes differently (rdflib reads ``\\u00000022`` as eight hex digits, Oxigraph as four,
which once hid a ``SERVICE`` inside what rdflib took for a string), so
:func:`canonical_query` first replaces every escape by its character and refuses any
text that still holds one; both engines then read the same characters. The endpoint's
workers and ``kg query`` also run queries with the network closed to the engine (see
:mod:`kg.sparql.nonet`), in case the parsers ever disagree on something else.

Parameters are bound as RDF terms by the engine itself, never spliced into the text:
Oxigraph substitutions (SEP-0007) or rdflib ``initBindings``. The two differ (Oxigraph
requires a bound variable to be in the SELECT projection and does not enter
sub-SELECTs; rdflib pre-binds everywhere), so queries that take parameters follow the
rules in :mod:`kg.sparql.queries`, under which both give the same rows.

Result formats are the W3C ones: SPARQL 1.1 Query Results JSON, CSV, TSV (and XML),
all written by Oxigraph's serialisers whichever engine answered; ``table`` is a
plain-text rendering for people; CONSTRUCT and DESCRIBE results are Turtle.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.namespaces import PREFIXES

if TYPE_CHECKING:
    import rdflib

__all__ = [
    "Binding",
    "Engine",
    "QueryForm",
    "QueryResult",
    "ResultFormat",
    "Term",
    "canonical_query",
    "check_query",
    "compact",
    "format_graph",
    "format_result",
    "load_graph_file",
    "run_query",
    "to_rdflib_graph",
    "to_rdflib_term",
]

Term = ox.NamedNode | ox.Literal | ox.BlankNode
Binding = ox.NamedNode | ox.Literal
_OxResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class ResultFormat(StrEnum):
    """Output formats of ``kg query``: a text table or a W3C SPARQL results format."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    TSV = "tsv"
    XML = "xml"


class Engine(StrEnum):
    """The SPARQL engines ``kg query`` can use."""

    OXIGRAPH = "oxigraph"
    RDFLIB = "rdflib"


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "select"
    ASK = "ask"
    CONSTRUCT = "construct"
    DESCRIBE = "describe"


_FORMS = {
    "SelectQuery": QueryForm.SELECT,
    "AskQuery": QueryForm.ASK,
    "ConstructQuery": QueryForm.CONSTRUCT,
    "DescribeQuery": QueryForm.DESCRIBE,
}


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


def parse_query(text: str) -> Any:
    """The rdflib parse tree of ``text`` (prologue, query), or :class:`QueryError` that says why not.

    Raises:
        QueryError: a syntax error (with line and column), or an update.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import parser

    try:
        return parser.parseQuery(text)
    except ParseException as err:
        try:
            update = parser.parseUpdate(text)
        except ParseException:
            raise QueryError(
                f"SPARQL syntax error at line {err.lineno}, column {err.col}: {err.msg}"
            ) from err
        if any(getattr(op, "name", "") == "Load" for op in update["request"]):
            raise QueryError(
                "LOAD is not allowed: the graph is read-only and queries may not fetch data"
            ) from err
        raise QueryError("updates are not allowed: the graph is read-only") from err
    except RecursionError as err:
        raise QueryError("SPARQL query is nested too deeply to parse") from err


_CODEPOINT = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))")
_RESIDUAL = re.compile(r"\\[uU]")


def canonical_query(text: str) -> str:
    """``text`` with its codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) replaced by the characters.

    SPARQL engines disagree on these escapes (how many hex digits, whether they apply
    outside strings, whether an escaped backslash stops one), so the text that is checked
    and run holds none: an escape that is not a Unicode scalar value, or a ``\\u`` left
    after replacing (``\\\\u0041``, or ``\\u005C`` making a new escape), is refused.

    Raises:
        QueryError: an escape names no character, or an escape remains.
    """
    if "\\" not in text:
        return text

    def character(match: re.Match[str]) -> str:
        escape = match.group(0)[len(match.group(1)) :]
        code = int(match.group(2) or match.group(3), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            line = text.count("\n", 0, match.start()) + 1
            raise QueryError(f"the escape {escape} at line {line} is not a Unicode character")
        return match.group(1) + chr(code)

    decoded = _CODEPOINT.sub(character, text)
    if residual := _RESIDUAL.search(decoded):
        line = decoded.count("\n", 0, residual.start()) + 1
        raise QueryError(
            f"the query holds a \\u or \\U at line {line} that is not a plain codepoint escape"
            " (an escaped backslash before it, or an escape that makes one); SPARQL engines"
            " read these differently, so write the character itself"
        )
    return decoded


def check_query(text: str, *, allow_dataset: bool = False) -> QueryForm:
    """Refuse query text that is not a plain, self-contained SPARQL query; return its form.

    The verdict depends on the text alone, so it is cached: rdflib's parser costs 5-25 ms
    a query, which would otherwise be paid again on every run of a canned query. The
    verdict is about :func:`canonical_query` of ``text``: run that, never ``text`` itself.

    Args:
        text: The query.
        allow_dataset: Accept ``FROM``/``FROM NAMED`` (for a remote endpoint, where
            they name graphs of that store); never for the local engines.

    Raises:
        QueryError: the text does not parse, is an update (``LOAD`` included), or uses
            SERVICE, or FROM / FROM NAMED when not allowed.
    """
    return _checked(canonical_query(text), allow_dataset)


@functools.lru_cache(maxsize=256)
def _checked(text: str, allow_dataset: bool) -> QueryForm:
    parsed = parse_query(text)
    query = parsed[1]
    if (
        not allow_dataset and "datasetClause" in query
    ):  # (CompValue.get returns the key when absent)
        raise QueryError("FROM and FROM NAMED are not allowed: queries run on the built graph only")
    found: set[str] = set()
    _walk(parsed, found)
    if "SERVICE" in found:
        raise QueryError("SERVICE is not allowed: queries may not contact other endpoints")
    return _FORMS[query.name]


def run_query(
    store: ox.Store | rdflib.Graph,
    text: str,
    *,
    bindings: Mapping[str, Binding] | None = None,
) -> QueryResult:
    """Check and run ``text`` on an Oxigraph store or an rdflib graph.

    ``bindings`` give variables values as RDF terms through the engine's own mechanism
    (Oxigraph substitutions, rdflib ``initBindings``), never spliced into the text, so
    a value cannot change the query's structure. On both engines a bound variable must
    be in a SELECT's projection (Oxigraph's rule, applied to rdflib too).

    Raises:
        QueryError: the query is refused (see :func:`check_query`) or fails.
    """
    text = canonical_query(text)
    form = check_query(text)
    if isinstance(store, ox.Store):
        return _run_oxigraph(store, text, bindings or {})
    return _run_rdflib(store, text, form, bindings or {})


def _unprojected(name: str) -> QueryError:
    return QueryError(
        f"parameter ?{name} is not in the query's SELECT projection; a bound variable must be projected"
    )


def _run_oxigraph(store: ox.Store, text: str, bindings: Mapping[str, Binding]) -> QueryResult:
    substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] = {
        ox.Variable(k): v for k, v in bindings.items()
    }
    try:
        raw = store.query(
            text,
            prefixes=PREFIXES,
            substitutions=substitutions or None,
            default_graph=ox.DefaultGraph(),
        )
    except (SyntaxError, OSError, ValueError) as err:
        raise QueryError(f"query failed: {err}") from err
    except RuntimeError as err:
        missing = [k for k in bindings if f"variable ?{k} " in str(err)]
        if missing:
            raise _unprojected(missing[0]) from err
        raise QueryError(f"query failed: {err}") from err
    return QueryResult(raw)


def _run_rdflib(
    graph: rdflib.Graph, text: str, form: QueryForm, bindings: Mapping[str, Binding]
) -> QueryResult:
    import rdflib
    import rdflib.plugins.sparql as rdflib_sparql

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False
    namespaces = {prefix: rdflib.Namespace(iri) for prefix, iri in PREFIXES.items()}
    init = {k: to_rdflib_term(v) for k, v in bindings.items()}
    try:
        result = graph.query(text, initNs=namespaces, initBindings=init)
    except Exception as err:  # rdflib raises many kinds; all mean the query failed
        raise QueryError(f"query failed: {err}") from err
    if form is QueryForm.ASK:
        return QueryResult(boolean=bool(result.askAnswer))
    if form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE):
        assert result.graph is not None
        return QueryResult(triples=[_triple_from_rdflib(t) for t in result.graph])
    names = [str(v) for v in (result.vars or [])]
    for name in bindings:
        if name not in names:
            raise _unprojected(name)
    rows = [tuple(_from_rdflib(row[i]) for i in range(len(names))) for row in result]  # type: ignore[index]
    return QueryResult(variables=names, solutions=rows)


def to_rdflib_term(term: Binding) -> rdflib.term.Identifier:
    """The rdflib form of an IRI or literal."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _from_rdflib(term: Any) -> Term | None:
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise QueryError(f"unsupported term in a result: {term!r}")


def _triple_from_rdflib(triple: Any) -> ox.Triple:
    s, p, o = (_from_rdflib(t) for t in triple)
    assert isinstance(s, ox.NamedNode | ox.BlankNode) and isinstance(p, ox.NamedNode)
    assert o is not None
    return ox.Triple(s, p, o)


def load_graph_file(path: Path) -> ox.Store:
    """An in-memory Oxigraph store holding an export: N-Triples (``.nt``) or Turtle (``.ttl``).

    The parser is Oxigraph's strict one. Formats that can pull in other documents
    (JSON-LD's remote contexts) or spread triples over named graphs are not accepted.

    Raises:
        QueryError: the file cannot be read, has another extension, or does not parse.
    """
    formats = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise QueryError(f"cannot load {path}: give an N-Triples (.nt) or Turtle (.ttl) export")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt)
    except FileNotFoundError as err:
        raise QueryError(f"cannot read {path}: no such file") from err
    except OSError as err:
        raise QueryError(f"cannot read {path}: {err}") from err
    except SyntaxError as err:
        raise QueryError(f"{path} is not valid {fmt.name}: {err}") from err
    return store


def to_rdflib_graph(store: ox.Store) -> rdflib.Graph:
    """An rdflib graph holding the default graph of ``store``, with our prefixes bound."""
    import rdflib

    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        graph.add(tuple(_to_rdflib_node(t) for t in (quad.subject, quad.predicate, quad.object)))  # type: ignore[arg-type]
    return graph


def _to_rdflib_node(term: Any) -> rdflib.term.Identifier:
    import rdflib

    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    return to_rdflib_term(term)


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
