"""The query text a remote endpoint is sent: the predeclared prefixes, the parameters.

A remote endpoint knows nothing of the prefix table local engines are given, so
:func:`with_prefixes` declares the ones a query uses. The SPARQL 1.1 Protocol has no
way to send bindings, so parameters travel in a ``VALUES`` block (:func:`with_values`),
first inside the WHERE group when possible (else after the query). Its terms are
written by Oxigraph's N-Triples serialiser, which escapes every character that could
end a literal, and the result is checked: it must parse to exactly the original query
plus that one block with those terms, or nothing is sent. Values holding ``\\u``
escapes are refused (engines unescape them differently). Under the rules of
:mod:`kg.sparql.queries` this gives the same rows as binding locally.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.namespaces import PREFIXES
from kg.sparql.query import Binding, parse_query, to_rdflib_term

__all__ = ["with_prefixes", "with_values"]


def with_prefixes(text: str) -> str:
    """``text`` with PREFIX lines for the predeclared prefixes it uses but does not declare.

    Local engines are given the prefix table directly; a remote endpoint knows nothing of
    it, so the declarations travel with the query.
    """
    declared = {
        str(decl["prefix"])
        for decl in parse_query(text)[0]
        if getattr(decl, "name", "") == "PrefixDecl" and "prefix" in decl
    }
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return "\n".join([*missing, text]) if missing else text


def with_values(text: str, bindings: Mapping[str, Binding]) -> str:
    """``text`` with a ``VALUES`` block binding ``bindings``, proven to change nothing else.

    The block goes first inside the WHERE group when it can (a join before any GROUP
    BY, as fast as binding locally), otherwise after the query (a trailing VALUES, joined
    after grouping). Either way the result must parse to exactly the original query plus
    that one block with exactly these terms, or nothing is sent.

    Raises:
        QueryError: the query does not parse, already ends with VALUES, a value holds a
            ``\\u`` escape, or no placement parses back to exactly these terms.
    """
    if not bindings:
        return text
    before = parse_query(text)
    if "valuesClause" in before[1]:  # (CompValue.get returns the key itself when absent)
        raise QueryError(
            "the query already ends with VALUES; parameters cannot be added for a remote endpoint"
        )
    for name, term in bindings.items():
        if isinstance(term, ox.Literal) and ("\\u" in term.value or "\\U" in term.value):
            raise QueryError(
                f"parameter {name} contains \\u or \\U, which SPARQL engines unescape differently"
                " before parsing; it cannot be sent to a remote endpoint safely"
            )
    names = sorted(bindings)
    terms = " ".join(str(bindings[name]) for name in names)
    block = f"VALUES ({' '.join('?' + name for name in names)}) {{ ({terms}) }}"
    for brace in _open_braces(text, limit=3):
        inside = f"{text[: brace + 1]} {block} {text[brace + 1 :]}"
        if _is_original_plus(inside, before, names, bindings, trailing=False):
            return inside
    bound = f"{text.rstrip()}\n{block}\n"
    if _is_original_plus(bound, before, names, bindings, trailing=True):
        return bound
    raise QueryError("cannot bind these parameters safely for a remote endpoint")


_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')


def _open_braces(text: str, *, limit: int) -> list[int]:
    """Offsets of the first ``limit`` ``{`` that are outside comments, strings and IRIs."""
    found: list[int] = []
    i = 0
    while i < len(text) and len(found) < limit:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif char in "'\"":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            while i < len(text) and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            continue
        elif char == "<" and (match := _IRIREF.match(text, i)):
            i = match.end()
            continue
        elif char == "{":
            found.append(i)
        i += 1
    return found


def _is_original_plus(
    candidate: str,
    before: Any,
    names: list[str],
    bindings: Mapping[str, Binding],
    *,
    trailing: bool,
) -> bool:
    try:
        after = parse_query(candidate)
    except QueryError:
        return False
    if trailing:
        clause = after[1].pop("valuesClause", None)
    else:
        where = after[1]["where"] if "where" in after[1] else None
        parts = where["part"] if where is not None and "part" in where else []
        clause = parts.pop(0) if parts and getattr(parts[0], "name", "") == "InlineData" else None
    return (
        clause is not None
        and repr(after) == repr(before)
        and _clause_matches(clause, names, bindings)
    )


def _clause_matches(clause: Any, names: list[str], bindings: Mapping[str, Binding]) -> bool:
    import rdflib

    variables = [str(v) for v in clause["var"]] if "var" in clause else []
    values = list(clause["value"]) if "value" in clause else []
    if variables != names or len(values) != 1 or len(values[0]) != len(names):
        return False
    for name, parsed in zip(names, values[0], strict=True):
        if isinstance(parsed, rdflib.URIRef):
            term: object = parsed
        elif getattr(parsed, "name", "") == "literal":
            term = rdflib.Literal(
                parsed["string"],
                lang=parsed["lang"] if "lang" in parsed else None,
                datatype=parsed["datatype"] if "datatype" in parsed else None,
            )
        else:
            return False
        if term != to_rdflib_term(bindings[name]) or type(term) is not type(
            to_rdflib_term(bindings[name])
        ):
            return False
    return True
