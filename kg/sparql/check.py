"""What a query may do, decided before any engine sees it: parse, canonical text, refusals.

:func:`check_query` parses a query with rdflib's SPARQL parser and refuses what could
reach outside the graph: ``SERVICE`` (pyoxigraph really makes the HTTP request),
``FROM``/``FROM NAMED`` (may dereference URLs or ``file:`` paths on some engines), and
every update (``LOAD``, ``INSERT``, ``DROP``, ...).

The text that is checked is exactly the text that runs. The two parsers read codepoint
escapes differently (rdflib reads ``\\u00000022`` as eight hex digits, Oxigraph as four,
which once hid a ``SERVICE`` inside what rdflib took for a string), so
:func:`canonical_query` first replaces every escape by its character and refuses any
text that still holds one; both engines then read the same characters.
"""

from __future__ import annotations

import functools
import re
from enum import StrEnum
from typing import Any

from kg.errors import QueryError

__all__ = ["QueryForm", "canonical_query", "check_query", "parse_query"]


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


def _uses_service(parsed: Any) -> bool:
    """Whether a parse tree holds a ``SERVICE`` pattern anywhere.

    An explicit stack, not recursion: the tree is as deep as the query's nesting.
    """
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [parsed]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                return True
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return False


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
    if _uses_service(parsed):
        raise QueryError("SERVICE is not allowed: queries may not contact other endpoints")
    return _FORMS[query.name]
