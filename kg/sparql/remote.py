"""A real remote store: push the graph over the Graph Store Protocol, query any SPARQL endpoint.

Both speak only the W3C protocols, so they work with Oxigraph server, Apache Jena
Fuseki, GraphDB and any other SPARQL 1.1 store:

- :func:`push_graph` sends N-Triples with ``PUT`` (replace) or ``POST`` (add) to a
  SPARQL 1.1 Graph Store HTTP Protocol service, into its default graph or a named graph.
- :func:`query_endpoint` sends a query with the SPARQL 1.1 Protocol (``POST``, form
  encoded) and reads SPARQL JSON/XML/TSV results or an RDF graph back into a
  :class:`kg.sparql.query.QueryResult`, so every ``kg query`` output format works on it.

The client is careful with what it talks to: http(s) URLs only, redirects are reported
rather than followed (a POST is never replayed to another host), every request has a
timeout, and responses are read up to a size cap. Credentials, when a store needs them,
come from the environment (``KG_ENDPOINT_USER``, ``KG_ENDPOINT_PASSWORD``), never from
the command line.

The protocol has no way to send bindings, so parameters travel in a ``VALUES`` block
(:func:`with_values`), first inside the WHERE group when possible (else after the
query). Its terms are written by Oxigraph's N-Triples serialiser, which escapes every
character that could end a literal, and the result is checked: it must parse to exactly
the original query plus that one block with those terms, or nothing is sent. Values
holding ``\\u`` escapes are refused (engines unescape them differently). Under the
rules of :mod:`kg.sparql.queries` this gives the same rows as binding locally.
"""

from __future__ import annotations

import base64
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any, NoReturn

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.graph.namespaces import PREFIXES
from kg.sparql.query import (
    Binding,
    QueryResult,
    canonical_query,
    check_query,
    parse_query,
    to_rdflib_term,
)

__all__ = [
    "PushReport",
    "RemoteError",
    "push_graph",
    "query_endpoint",
    "with_prefixes",
    "with_values",
]

#: Largest response body read from a store (bigger ones are refused, not truncated).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
_ACCEPT = ", ".join(
    [
        "application/sparql-results+json",
        "application/sparql-results+xml;q=0.9",
        "text/tab-separated-values;q=0.8",
        "application/n-triples;q=0.9",
        "text/turtle;q=0.8",
    ]
)


class RemoteError(KgError):
    """A remote store could not be reached or refused a request."""


@dataclass(frozen=True)
class PushReport:
    """What :func:`push_graph` sent, and where."""

    target: str
    triples: int
    bytes: int
    status: int


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> NoReturn:
        raise RemoteError(
            f"{req.full_url} redirects ({code}) to {newurl}; use that URL if you trust it"
        )


_OPENER = urllib.request.build_opener(_NoRedirect)


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{url!r} is not an http(s) URL of a SPARQL service")


def _auth_headers() -> dict[str, str]:
    user = os.environ.get("KG_ENDPOINT_USER")
    if not user:
        return {}
    token = f"{user}:{os.environ.get('KG_ENDPOINT_PASSWORD', '')}".encode()
    return {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}


def _read(response: IO[bytes]) -> bytes:
    data = response.read(MAX_RESPONSE_BYTES + 1)
    if len(data) > MAX_RESPONSE_BYTES:
        raise RemoteError(
            f"the response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; add a LIMIT"
        )
    return data


def _send(request: urllib.request.Request, *, timeout: float) -> tuple[int, str, bytes]:
    for key, value in _auth_headers().items():
        request.add_header(key, value)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), _read(response)
    except urllib.error.HTTPError as err:
        body = err.read(2000).decode("utf-8", "replace").strip()
        detail = f": {body}" if body else ""
        raise RemoteError(f"{request.full_url} answered {err.code} {err.reason}{detail}") from err
    except urllib.error.URLError as err:
        raise RemoteError(f"cannot reach {request.full_url}: {err.reason}") from err
    except TimeoutError as err:
        raise RemoteError(f"{request.full_url} did not answer within {timeout:g} s") from err


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


def query_endpoint(
    url: str,
    text: str,
    *,
    bindings: Mapping[str, Binding] | None = None,
    timeout: float = 30.0,
) -> QueryResult:
    """Run a query on a remote SPARQL 1.1 endpoint and read its answer.

    The query is checked locally first: updates and SERVICE are refused; FROM and
    FROM NAMED are passed on, since they name graphs of that store.

    Raises:
        QueryError: the query is refused or cannot take the bindings.
        RemoteError: the endpoint cannot be reached, refuses, or answers in a format
            that is not a SPARQL results or RDF format.
    """
    _check_url(url)
    text = canonical_query(text)  # what is checked is what is sent
    check_query(text, allow_dataset=True)
    text = with_values(with_prefixes(text), bindings or {})
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("Accept", _ACCEPT)
    _, content_type, data = _send(request, timeout=timeout)
    media = content_type.split(";")[0].strip().lower()
    results_format = ox.QueryResultsFormat.from_media_type(media) if media else None
    try:
        if results_format is not None and results_format is not ox.QueryResultsFormat.CSV:
            return QueryResult(ox.parse_query_results(data, format=results_format))
        rdf_format = ox.RdfFormat.from_media_type(media) if media else None
        if (
            rdf_format is not None
            and not rdf_format.supports_datasets
            and rdf_format is not ox.RdfFormat.JSON_LD
        ):
            return QueryResult(triples=list(ox.parse(data, format=rdf_format)))
    except SyntaxError as err:
        raise RemoteError(f"{url} sent malformed {media}: {err}") from err
    raise RemoteError(
        f"{url} answered with {media or 'no content type'}, not SPARQL results or RDF"
    )


def push_graph(
    url: str,
    ntriples: bytes,
    *,
    graph: str | None = None,
    replace: bool = True,
    timeout: float = 120.0,
) -> PushReport:
    """Load N-Triples into a Graph Store Protocol service (``PUT`` replaces, ``POST`` adds).

    Args:
        url: The store's Graph Store Protocol URL (Oxigraph ``/store``, Fuseki
            ``/DATASET/data``, GraphDB ``/repositories/REPO/rdf-graphs/service``).
        ntriples: The graph, as N-Triples (checked with Oxigraph's strict parser first).
        graph: A named graph IRI; ``None`` loads into the default graph.
        replace: Replace the graph's content (``PUT``) rather than add to it (``POST``).
        timeout: Seconds to wait on the network.

    Raises:
        RemoteError: the data does not parse, or the store cannot be reached or refuses.
    """
    _check_url(url)
    if graph is not None:
        try:
            ox.NamedNode(graph)
        except ValueError as err:
            raise RemoteError(f"--graph {graph!r} is not an absolute IRI") from err
    try:
        count = sum(1 for _ in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as err:
        raise RemoteError(f"the data to push is not valid N-Triples: {err}") from err
    query = urllib.parse.urlencode({"graph": graph}) if graph is not None else "default"
    target = f"{url}{'&' if '?' in url else '?'}{query}"
    request = urllib.request.Request(target, data=ntriples, method="PUT" if replace else "POST")
    request.add_header("Content-Type", "application/n-triples")
    status, _, _ = _send(request, timeout=timeout)
    return PushReport(target=target, triples=count, bytes=len(ntriples), status=status)
