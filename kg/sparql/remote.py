"""A real remote store: push the graph over the Graph Store Protocol, query any SPARQL endpoint.

Both speak only the W3C protocols, so they work with Oxigraph server, Apache Jena
Fuseki, GraphDB and any other SPARQL 1.1 store:

- :func:`push_graph` sends N-Triples with ``PUT`` (replace) or ``POST`` (add) to a
  SPARQL 1.1 Graph Store HTTP Protocol service, into its default graph or a named graph.
- :func:`query_endpoint` sends a query with the SPARQL 1.1 Protocol (``POST``, form
  encoded) and reads SPARQL JSON/XML/TSV results or an RDF graph back into a
  :class:`kg.sparql.query.QueryResult`, so every ``kg query`` output format works on it.

The parts they stand on have modules of their own: the HTTP client with its deadline,
size cap, redirect refusal and credentials (:mod:`kg.sparql.http_client`), what may be
shown of URLs and server text (:mod:`kg.sparql.redact`), and the query text sent, with
its prefixes and parameters as a checked ``VALUES`` block (:mod:`kg.sparql.remote_text`).
Their public names are importable from here as well.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.sparql.http_client import RemoteError, check_url, send
from kg.sparql.query import (
    Binding,
    QueryForm,
    QueryResult,
    canonical_query,
    check_query,
)
from kg.sparql.redact import printable, redact
from kg.sparql.remote_text import with_prefixes, with_values

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


@dataclass(frozen=True)
class PushReport:
    """What :func:`push_graph` sent, and where."""

    target: str
    triples: int
    bytes: int
    status: int


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
    check_url(url)
    text = canonical_query(text)  # what is checked is what is sent
    form = check_query(text, allow_dataset=True)
    text = with_values(with_prefixes(text), bindings or {})
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    graph = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    accept = _ACCEPT_GRAPH if graph else _ACCEPT
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    _, content_type, data = send("POST", url, body, headers, timeout=timeout)
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
    check_url(url)
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
    status, _, _ = send("PUT" if replace else "POST", target, ntriples, headers, timeout=timeout)
    return PushReport(target=redact(target), triples=count, bytes=len(ntriples), status=status)
