"""The canned query library: one ``.rq`` file per question people ask of the graph.

Each file starts with a header of ``#`` lines that declares it::

    # Papers of an author, oldest first, with venue, year and author position.
    #
    # question: Which papers did this person write, in order, with venue and year?
    # param: author (literal) - the person's name as in rdfs:label, or any spelling a list uses
    # example: kg query --name papers-of-author --param author="Can Xu"

A query whose answer grows with the graph declares its default page, ``# limit: 100``,
and its text ends with the same ``LIMIT 100`` line, so the text runs as written (on
the query page of ``kg serve``, in the benchmarks) and returns the first page.
:func:`paged_text` swaps that line for the page ``kg query`` asks for (``--limit``,
``--offset``; ``--all`` drops it), asking the engine for one row more than the page so
that the command can say when the result is cut.

``param`` lines declare each parameter and its kind: ``literal`` (a plain string),
``integer``, or ``iri`` (only then may a value be an IRI). ``example`` lines are real
commands; the golden tests run the first one. :func:`bind` turns ``--param key=value``
text into RDF terms, which the engines bind as terms (never spliced into the text), so
an injection payload in a value is just a string that matches nothing.

Rules for a query that takes parameters, under which Oxigraph's substitutions, rdflib's
``initBindings`` and a remote endpoint's trailing ``VALUES`` block give the same rows
(their semantics differ elsewhere):

1. every parameter is a variable projected by the top-level SELECT (so it is in the
   GROUP BY of an aggregate query);
2. parameters appear only in triple patterns of the top-level WHERE group or of a
   UNION branch in it (a binding joins each branch alike): never in a FILTER, BIND,
   OPTIONAL, MINUS, EXISTS or sub-SELECT;
3. the query has no trailing VALUES clause of its own.

Where a query needs a resource, it matches a label (``?p rdfs:label ?author``) rather
than building an IRI from text. Where the label may be one of several properties, it
says ``VALUES ?key { rdfs:label lkg:nameVariant } ?p ?key ?author`` rather than the path
``rdfs:label|lkg:nameVariant``: Oxigraph evaluates a path (and a UNION joined to the
patterns outside it) over the whole graph before it applies a substituted value, while
a plain pattern with the value bound is a lookup (257 ms against 0.3 ms at 10k papers).
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = [
    "CannedQuery",
    "Param",
    "ParamKind",
    "bind",
    "catalogue",
    "get_query",
    "paged_text",
    "parse_assignments",
    "parse_header",
]

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEY_LINE = re.compile(r"^#\s*(question|param|example|limit)\s*:\s*(.*?)\s*$")
_LIMIT_LINE = re.compile(r"\n[ \t]*LIMIT[ \t]+([0-9]+)[ \t]*\n?\s*\Z", re.IGNORECASE)
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>[a-z]+)\)\s*(?:[-\u2013\u2014:]+\s*(?P<doc>.*))?$"
)


class ParamKind(StrEnum):
    """How a parameter's text becomes an RDF term."""

    LITERAL = "literal"
    INTEGER = "integer"
    IRI = "iri"


@dataclass(frozen=True)
class Param:
    """One declared parameter of a query."""

    name: str
    kind: ParamKind
    doc: str = ""


@dataclass(frozen=True)
class CannedQuery:
    """A query of the library: its text and what its header declares."""

    name: str
    title: str
    question: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    text: str
    #: The default page (``# limit: N``): how many rows ``kg query --name`` shows unless told.
    limit: int | None = None

    def example_params(self) -> dict[str, str]:
        """The ``--param`` values of the first example command (empty when it has none)."""
        if not self.examples:
            return {}
        words = shlex.split(self.examples[0])
        items = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "--param"]
        items += [word.split("=", 1)[1] for word in words if word.startswith("--param=")]
        return parse_assignments(items)


@dataclass(frozen=True)
class Header:
    """What a query's leading comment declares."""

    title: str
    question: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    limit: int | None = None


def parse_header(text: str) -> Header:
    """Read the declarations in the leading ``#`` lines of a query.

    The first comment line that is not ``key: value`` is the title. Text with no header
    gives an empty :class:`Header` (no declared parameters).

    Raises:
        QueryError: a ``param`` line is malformed, of an unknown kind, or repeated; a
            ``limit`` line is not a positive integer or does not match the text's last
            ``LIMIT`` line.
    """
    title = question = ""
    limit: int | None = None
    params: list[Param] = []
    examples: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            break
        match = _KEY_LINE.match(line)
        if match is None:
            title = title or line.lstrip("#").strip()
            continue
        key, value = match.groups()
        if key == "question":
            question = value
        elif key == "example":
            examples.append(value)
        elif key == "limit":
            limit = _parse_limit(value, text)
        else:
            params.append(_parse_param(value, seen={p.name for p in params}))
    return Header(title, question, tuple(params), tuple(examples), limit)


def _parse_limit(value: str, text: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise QueryError(f"'# limit: {value}' must be a positive integer (the default page)")
    last = _LIMIT_LINE.search(text)
    if last is None or int(last[1]) != int(value):
        raise QueryError(
            f"a query declaring '# limit: {value}' must end with the line 'LIMIT {value}'"
        )
    return int(value)


def paged_text(query: CannedQuery, *, limit: int | None, offset: int = 0) -> str:
    r"""The text of ``query`` asking for ``limit`` rows (plus one) from row ``offset``.

    The last ``LIMIT N`` of the text (``N`` its declared page) becomes ``LIMIT limit+1
    OFFSET offset``; an earlier one (in a sub-SELECT that finds where the page ends from
    integers, see ``cross-category-authors.rq``) becomes ``LIMIT offset+limit+1``.
    ``limit=None`` drops them all and asks for every row from ``offset``. The extra row
    tells the caller whether more follow; the numbers are formatted integers, never text
    from outside. A query without a declared page is returned as it is.

    >>> q = CannedQuery("q", "", "", (), (), "SELECT * WHERE { ?s ?p ?o }\nLIMIT 100\n", 100)
    >>> paged_text(q, limit=10, offset=20).splitlines()[-1]
    'LIMIT 11 OFFSET 20'
    >>> paged_text(q, limit=None).splitlines()[-1]
    'SELECT * WHERE { ?s ?p ?o }'
    """
    if query.limit is None:
        return query.text
    if (limit is not None and limit < 1) or offset < 0:
        raise QueryError("a page needs a positive --limit and an --offset of 0 or more")
    pages = list(re.finditer(rf"\bLIMIT[ \t]+{query.limit}\b", query.text))
    inner = "" if limit is None else f"LIMIT {offset + limit + 1}"
    outer = " ".join(
        ([f"LIMIT {limit + 1}"] if limit is not None else [])
        + ([f"OFFSET {offset}"] if offset else [])
    )
    parts, start = [], 0
    for match in pages:
        parts += [query.text[start : match.start()], outer if match is pages[-1] else inner]
        start = match.end()
    parts.append(query.text[start:])
    return "".join(parts).rstrip() + "\n"


def _parse_param(value: str, *, seen: set[str]) -> Param:
    match = _PARAM.match(value)
    if match is None:
        raise QueryError(
            f"malformed parameter declaration {value!r}; write '# param: name (literal) - what it is'"
        )
    name, kind = match["name"], match["kind"]
    if kind not in {k.value for k in ParamKind}:
        kinds = ", ".join(k.value for k in ParamKind)
        raise QueryError(f"parameter {name} has unknown kind {kind!r}; use one of {kinds}")
    if name in seen:
        raise QueryError(f"parameter {name} is declared twice")
    return Param(name, ParamKind(kind), (match["doc"] or "").strip())


def catalogue() -> list[CannedQuery]:
    """Every query of the library, by name."""
    found = []
    for entry in sorted(resources.files(__name__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            text = entry.read_text(encoding="utf-8")
            header = parse_header(text)
            name = entry.name.removesuffix(".rq")
            found.append(
                CannedQuery(
                    name,
                    header.title,
                    header.question,
                    header.params,
                    header.examples,
                    text,
                    header.limit,
                )
            )
    return found


def get_query(name: str) -> CannedQuery:
    """The library query called ``name``.

    Raises:
        QueryError: there is none (the message suggests close names and ``--list``).
    """
    queries = {q.name: q for q in catalogue()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise QueryError(f"no canned query named {name!r}{hint} (kg query --list shows them)")


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """``["author=Can Xu", ...]`` as a dict; the value is everything after the first ``=``.

    Raises:
        QueryError: an item has no ``=``, a bad name, or repeats a name.
    """
    values: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep:
            raise QueryError(f"--param {item!r} needs the form name=value")
        if not _NAME.match(name):
            raise QueryError(f"--param name {name!r} is not a SPARQL variable name")
        if name in values:
            raise QueryError(f"--param {name} is given twice")
        values[name] = value
    return values


def bind(
    values: Mapping[str, str], declared: Sequence[Param] | None = None
) -> dict[str, ox.NamedNode | ox.Literal]:
    """RDF terms for parameter values, of the kinds ``declared``.

    ``declared=None`` (a query without declarations) binds every value as a plain
    literal. A value is only ever an IRI when its parameter is declared ``iri``: text
    that looks like ``<...>`` given for a ``literal`` parameter stays a string.

    Raises:
        QueryError: a declared parameter is missing, an undeclared one is given, or a
            value is not of its kind.
    """
    kinds = {p.name: p.kind for p in declared or ()}
    if declared is not None:
        unknown = sorted(set(values) - set(kinds))
        if unknown:
            raise QueryError(f"unknown parameter {unknown[0]!r}; {_takes(declared)}")
        missing = [p.name for p in declared if p.name not in values]
        if missing:
            raise QueryError(f"missing parameter {missing[0]!r}; {_takes(declared)}")
    return {
        name: _term(name, kinds.get(name, ParamKind.LITERAL), value)
        for name, value in values.items()
    }


def _takes(declared: Sequence[Param]) -> str:
    if not declared:
        return "this query takes no parameters"
    return "this query takes " + ", ".join(f"{p.name} ({p.kind.value})" for p in declared)


#: Longest integer parameter (Oxigraph's xsd:integer is 64-bit: 19 digits; Python's int()
#: refuses over 4,300).
_MAX_DIGITS = 100


def _term(name: str, kind: ParamKind, value: str) -> ox.NamedNode | ox.Literal:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise QueryError(f"parameter {name} is not valid text") from err
    if kind is ParamKind.INTEGER:
        digits = value.strip()
        if not re.fullmatch(r"[+-]?[0-9]+", digits):
            raise QueryError(f"parameter {name} must be an integer, not {value!r}")
        if len(digits.lstrip("+-").lstrip("0")) > _MAX_DIGITS:
            raise QueryError(f"parameter {name} has more than {_MAX_DIGITS} digits")
        return ox.Literal(str(int(digits)), datatype=ox.NamedNode(XSD_INTEGER))
    if kind is ParamKind.IRI:
        iri = value.strip()
        if iri.startswith("<") and iri.endswith(">"):
            iri = iri[1:-1]
        try:
            return ox.NamedNode(iri)
        except ValueError as err:
            raise QueryError(f"parameter {name} must be an absolute IRI, not {value!r}") from err
    return ox.Literal(value)
