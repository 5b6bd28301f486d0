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
deadline for the whole exchange (a server dribbling one byte at a time is cut off at
it), and responses are read up to a size cap. Credentials, when a store needs them,
come from the environment (``KG_ENDPOINT_USER``, ``KG_ENDPOINT_PASSWORD``) or the URL's
``user:password@``; they are never shown: URLs in messages lose their user info, and
what a server says is cut to 500 printable characters, with control characters
(terminal escape sequences) escaped and any echo of the credentials masked.

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
import http.client
import os
import re
import socket
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.graph.namespaces import PREFIXES
from kg.sparql.http_digest import digest_authorization
from kg.sparql.query import (
    Binding,
    QueryForm,
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
    "printable",
    "query_endpoint",
    "redact",
    "with_prefixes",
    "with_values",
]

#: Largest response body read from a store (bigger ones are refused, not truncated).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
#: What a SELECT or ASK accepts.
_ACCEPT = ", ".join(
    [
        "application/sparql-results+json",
        "application/sparql-results+xml;q=0.9",
        "text/tab-separated-values;q=0.8",
    ]
)
#: What a CONSTRUCT or DESCRIBE accepts (asked apart: Virtuoso answers a CONSTRUCT with
#: s/p/o solutions when SPARQL results are acceptable).
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.8"


class RemoteError(KgError):
    """A remote store could not be reached or refused a request."""


@dataclass(frozen=True)
class PushReport:
    """What :func:`push_graph` sent, and where."""

    target: str
    triples: int
    bytes: int
    status: int


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{redact(url)!r} is not an http(s) URL of a SPARQL service")


def redact(url: str) -> str:
    """``url`` without its ``user:password@`` part (shown as ``***@``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


def _credentials(url: str) -> tuple[str, str] | None:
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None:
        return urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
    user = os.environ.get("KG_ENDPOINT_USER")
    return (user, os.environ.get("KG_ENDPOINT_PASSWORD", "")) if user else None


def _auth_headers(credentials: tuple[str, str] | None) -> dict[str, str]:
    if credentials is None:
        return {}
    token = ":".join(credentials).encode()
    return {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}


#: Most characters of a server's own words shown in a message.
MAX_SHOWN = 500


def printable(text: str, *, secrets: tuple[str, ...] = (), limit: int = MAX_SHOWN) -> str:
    """What a server sent, safe to print: secrets masked, control characters escaped, cut.

    Control, format (bidi, zero-width) and other invisible characters are written as
    ``\\xNN``/``\\uNNNN``, so no terminal escape sequence reaches the terminal.
    """
    for secret in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, "***")
    shown = "".join(
        ch
        if ch == " " or unicodedata.category(ch)[0] not in "CZ"
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in " ".join(text.split())[: limit + 1]
    )
    return shown[:limit] + "…" if len(shown) > limit else shown


def _secrets(credentials: tuple[str, str] | None, headers: Mapping[str, str]) -> tuple[str, ...]:
    if credentials is None:
        return ()
    token = headers.get("Authorization", "").removeprefix("Basic ")
    return (":".join(credentials), credentials[1], token, urllib.parse.quote(credentials[1]))


def _read(response: http.client.HTTPResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65536):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RemoteError(
                f"the response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; add a LIMIT"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _send(
    method: str, url: str, body: bytes, headers: dict[str, str], *, timeout: float
) -> tuple[int, str, bytes]:
    """One request, within ``timeout`` seconds in all (connect, send, every byte of the answer).

    Credentials go as HTTP Basic, unless the server asks for HTTP Digest (OpenLink
    Virtuoso's authenticated endpoints, which refuse Basic without a challenge and close
    the connection before a large body is sent): so, with credentials, a ``HEAD`` without
    them asks first, and a Digest challenge in its 401 is answered (RFC 7616) on the
    real request. All of it within the one deadline.
    """
    started = time.monotonic()
    credentials = _credentials(url)
    if credentials is None:
        return _send_once(method, url, body, headers, timeout=timeout)
    challenge = _digest_challenge(url, timeout=timeout)
    remaining = timeout - (time.monotonic() - started)
    if remaining <= 0:
        raise RemoteError(f"{redact(url)} did not answer within {timeout:g} s")
    if challenge is None:
        return _send_once(method, url, body, headers, timeout=remaining)
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    answer = digest_authorization(challenge, credentials, method, path)
    return _send_once(method, url, body, headers, timeout=remaining, authorization=answer)


def _digest_challenge(url: str, *, timeout: float) -> str | None:
    """The Digest challenge a ``HEAD`` of ``url`` without credentials gets, if any."""
    try:
        _send_once("HEAD", url, b"", {}, timeout=timeout, anonymous=True)
    except _Unauthorized as refused:
        asked = refused.challenge
        return asked if asked.lower().startswith("digest ") else None
    except RemoteError:
        return None
    return None


class _Unauthorized(RemoteError):
    """A 401, with the server's ``WWW-Authenticate`` challenge."""

    def __init__(self, message: str, challenge: str) -> None:
        super().__init__(message)
        self.challenge = challenge


def _send_once(
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    authorization: str | None = None,
    anonymous: bool = False,
) -> tuple[int, str, bytes]:
    parts = urllib.parse.urlsplit(url)
    shown = redact(url)
    credentials = _credentials(url)
    auth = {"Authorization": authorization} if authorization else _auth_headers(credentials)
    headers = {**headers, **({} if anonymous else auth)}
    secrets = _secrets(credentials, {**headers, **_auth_headers(credentials)})
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        conn = kind(parts.hostname or "", parts.port, timeout=timeout)
    except ValueError as err:
        raise RemoteError(f"{shown!r} is not a valid URL: {err}") from err
    expired = threading.Event()
    started = time.monotonic()
    sockets: list[socket.socket] = []

    def cut_off() -> None:
        expired.set()
        for sock in sockets:  # (http.client drops conn.sock once an HTTP/1.0 answer begins)
            try:
                sock.shutdown(socket.SHUT_RDWR)  # any read or write in progress ends now
            except OSError:
                pass

    watchdog = threading.Timer(timeout, cut_off)
    watchdog.daemon = True
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        conn.connect()  # bounded by the timeout itself
        sockets.append(conn.sock)
        watchdog.interval = max(timeout - (time.monotonic() - started), 0.0)
        watchdog.start()
        try:
            conn.request(method, path, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (a 401, a 413) and closed before the body was sent
        response = conn.getresponse()
        data = _read(response)
    except (OSError, http.client.HTTPException) as err:
        if expired.is_set():
            raise RemoteError(f"{shown} did not answer within {timeout:g} s") from None
        reason = printable(str(err), secrets=secrets)
        raise RemoteError(f"cannot reach {shown}: {reason}") from None
    finally:
        watchdog.cancel()
        conn.close()
    if expired.is_set():
        raise RemoteError(f"{shown} did not answer within {timeout:g} s")
    status = response.status
    if 300 <= status < 400:
        target = printable(response.headers.get("Location", "?"), secrets=secrets)
        raise RemoteError(
            f"{shown} redirects ({status}) to {redact(target)}; use that URL if you trust it"
        )
    if status >= 400:
        said = printable(data.decode("utf-8", "replace"), secrets=secrets)
        reason = printable(response.reason or "", secrets=secrets)
        message = f"{shown} answered {status} {reason}{': ' + said if said else ''}"
        if status == 401:
            raise _Unauthorized(message, response.headers.get("WWW-Authenticate", ""))
        raise RemoteError(message)
    return status, response.headers.get("Content-Type", ""), data


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
    form = check_query(text, allow_dataset=True)
    text = with_values(with_prefixes(text), bindings or {})
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    graph = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    accept = _ACCEPT_GRAPH if graph else _ACCEPT
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    _, content_type, data = _send("POST", url, body, headers, timeout=timeout)
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
        raise RemoteError(f"{redact(url)} sent malformed {printable(media)}: {err}") from err
    raise RemoteError(
        f"{redact(url)} answered with {printable(media) or 'no content type'},"
        " not SPARQL results or RDF"
    )


def push_graph(
    url: str,
    ntriples: bytes,
    *,
    graph: str | None = None,
    replace: bool = True,
    timeout: float = 120.0,
    triples: int | None = None,
) -> PushReport:
    """Load N-Triples into a Graph Store Protocol service (``PUT`` replaces, ``POST`` adds).

    Args:
        url: The store's Graph Store Protocol URL (Oxigraph ``/store``, Fuseki
            ``/DATASET/data``, GraphDB ``/repositories/REPO/rdf-graphs/service``).
        ntriples: The graph, as N-Triples (checked with Oxigraph's strict parser first).
        graph: A named graph IRI; ``None`` loads into the default graph.
        replace: Replace the graph's content (``PUT``) rather than add to it (``POST``).
        timeout: Seconds the whole request may take (connect, send, answer).
        triples: How many triples ``ntriples`` holds, when the caller knows it is valid
            (dumped by Oxigraph from a store): then it is not parsed again (at 100,000
            papers the check is a parse of 850 MB).

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
        count = (
            triples
            if triples is not None
            else sum(1 for _ in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
        )
    except SyntaxError as err:
        raise RemoteError(f"the data to push is not valid N-Triples: {err}") from err
    query = urllib.parse.urlencode({"graph": graph}) if graph is not None else "default"
    target = f"{url}{'&' if '?' in url else '?'}{query}"
    headers = {"Content-Type": "application/n-triples"}
    status, _, _ = _send("PUT" if replace else "POST", target, ntriples, headers, timeout=timeout)
    return PushReport(target=redact(target), triples=count, bytes=len(ntriples), status=status)
