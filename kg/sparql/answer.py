"""What a query worker answers: one query run, rendered in the type the client accepts.

This is the whole job of a worker process (:mod:`kg.sparql.endpoint_worker`), kept
apart from the process machinery so it can be read, and tested, on its own: the
:class:`Response` the HTTP layer sends, content negotiation over the SPARQL results
and RDF media types (:func:`negotiate`), and :func:`answer`, which runs the query,
caps it at the row limit and turns every failure into a status and a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.errors import QueryError
from kg.sparql.query import ResultFormat, format_graph, format_result, run_query

__all__ = ["GRAPH_TYPES", "SOLUTION_TYPES", "TEXT", "Response", "answer", "negotiate"]

TEXT = "text/plain; charset=utf-8"

#: Media types of each result shape, in the server's order of preference, and the
#: ``kg.sparql.query`` format (or RDF format name) each one is written in.
SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "table",
}
GRAPH_TYPES = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/rdf+xml": "RDF_XML",
    "text/plain": "N_TRIPLES",
}
_CHARSET = {
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "text/turtle",
    "application/n-triples",
}


@dataclass(frozen=True)
class Response:
    """What the HTTP layer sends back: status, content type, body and extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def text(cls, status: int, message: str) -> Response:
        """A plain-text response (errors and notes), ending with a newline."""
        return cls(status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"))


def _ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def negotiate(accept: str | None, offered: list[str]) -> str | None:
    """The offered media type the ``Accept`` header likes best (server order breaks ties).

    The most specific matching range decides each type's quality (``text/csv`` beats
    ``text/*`` beats ``*/*``); no header means the first offered type; ``None`` means
    nothing offered is acceptable (HTTP 406).

    >>> negotiate("text/csv;q=0.5, application/json", ["application/sparql-results+json", "application/json", "text/csv"])
    'application/json'
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = _ranges(accept)
    best, best_q = None, 0.0
    for media in offered:
        quality = _quality(media, ranges)
        if quality is not None and quality > best_q:
            best, best_q = media, quality
    return best


def _quality(media: str, ranges: list[tuple[str, float]]) -> float | None:
    for wanted in (media, media.split("/")[0] + "/*", "*/*"):
        matches = [q for r, q in ranges if r == wanted]
        if matches:
            return max(matches)
    return None


def _content_type(media: str) -> str:
    return f"{media}; charset=utf-8" if media in _CHARSET else media


def answer(store: ox.Store, text: str, accept: str | None, *, max_rows: int) -> Response:
    """Run one query on ``store`` and render it for ``accept``: the whole job of a worker.

    Refused or failing queries give 400 with the reason; a result that no acceptable
    format can carry gives 406. A SELECT cut at ``max_rows`` says so in the
    ``X-LineageKG-Truncated`` header (and in the table format's last line).
    """
    try:
        result = run_query(store, text)
        offered = GRAPH_TYPES if result.form == "graph" else SOLUTION_TYPES
        media = negotiate(accept, list(offered))
        if media is None:
            return Response.text(
                406,
                "none of the accepted types can carry this result; offered: " + ", ".join(offered),
            )
        limited = result.limited(max_rows)
        if result.form == "graph":
            body = format_graph(limited, getattr(ox.RdfFormat, GRAPH_TYPES[media]))
        else:
            body = format_result(limited, ResultFormat(SOLUTION_TYPES[media]))
    except QueryError as err:
        return Response.text(400, str(err))
    except (RuntimeError, ValueError, SyntaxError) as err:
        return Response.text(400, f"query failed: {err}")
    except OSError as err:
        return Response.text(500, f"the store could not be read: {err}")
    headers = (
        {"X-LineageKG-Truncated": f"results cut at {max_rows} rows"} if limited.truncated else {}
    )
    return Response(200, _content_type(media), body, headers)
