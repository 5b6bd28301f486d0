"""The HTTP layer of ``kg serve``: each request checked, routed and answered.

A handler thread per connection (up to ``max_connections``, then 503 without reading)
reads the request under one deadline (:mod:`kg.sparql.request_reading`), refuses
duplicate ``Host``/``Content-Length``/``Transfer-Encoding`` headers, a ``Host`` this
server does not answer to (DNS rebinding), oversized query strings and bodies, updates
and dataset parameters, and routes the rest: ``/sparql`` to the worker pool, ``/help``,
and the query page and views (:mod:`kg.sparql.page`) with their security headers.
"""

from __future__ import annotations

import io
import logging
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from kg.sparql.answer import Response
from kg.sparql.page import route
from kg.sparql.request_reading import DeadlineReader, Refused, decode, parse_form

if TYPE_CHECKING:
    from kg.sparql.endpoint import SparqlEndpoint

__all__ = ["EndpointServer"]

log = logging.getLogger("kg.sparql.endpoint")

_FORM = "application/x-www-form-urlencoded"


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 40\r\nConnection: close\r\n\r\ntoo many connections; try again shortly\n"
)


class EndpointServer(ThreadingHTTPServer):
    """The endpoint's threading HTTP server, with a cap on connections handled at once."""

    daemon_threads = True
    request_queue_size = 128  # the listen backlog

    def __init__(self, address: tuple[str, int], endpoint: SparqlEndpoint) -> None:
        self.endpoint = endpoint
        self._slots = threading.BoundedSemaphore(endpoint.config.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Hand the connection to a thread, or answer 503 at once when every slot is taken."""
        if not self._slots.acquire(blocking=False):
            try:  # too many at once: say so without reading anything, never waiting
                request.setblocking(False)
                request.send(_BUSY)
            except OSError:
                pass
            self.close_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Handle the connection, then free its slot."""
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


_SERVICE_DESCRIPTION = """@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:resultFormat formats:SPARQL_Results_JSON , formats:SPARQL_Results_XML , formats:SPARQL_Results_CSV ,
        formats:SPARQL_Results_TSV , formats:Turtle , formats:N-Triples , formats:RDF_XML .
"""
_HELP = """LineageKG SPARQL endpoint (read-only).
Query it at /sparql: GET /sparql?query=... or POST (form-encoded query=..., or application/sparql-query).
Results: SPARQL JSON, XML, CSV, TSV or a text table (Accept: text/plain); graphs as Turtle or N-Triples.
Limits: {timeout:g} s per query, {rows} rows per result.
"""


_TIMED_OUT = Response.text(408, "the request was not sent in time")


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    server_version = "LineageKG"
    sys_version = ""
    _reader: DeadlineReader
    _answered = False

    def setup(self) -> None:
        super().setup()
        self.command, self.requestline, self.request_version = "", "", "HTTP/1.0"
        limit = self.server.endpoint.config.request_timeout
        self._reader = DeadlineReader(self.connection, time.monotonic() + limit)
        self.rfile = io.BufferedReader(self._reader)

    def handle_one_request(self) -> None:
        super().handle_one_request()  # (the stdlib closes a timed-out connection silently)
        if self._reader.expired and not self._answered:
            self.close_connection = True
            try:
                self.connection.settimeout(1.0)
                self._send(_TIMED_OUT)
            except OSError:
                pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the stdlib's name)
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:  # noqa: N802  (the stdlib's name)
        self._handle()

    def do_POST(self) -> None:  # noqa: N802
        self._handle()

    def do_OPTIONS(self) -> None:  # noqa: N802
        headers = {"Allow": "GET, POST, OPTIONS"}
        if self.server.endpoint.config.cors:
            headers |= {
                "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type, Accept",
                "Access-Control-Max-Age": "600",
            }
        self._send(Response(204, "text/plain", b"", headers))

    def _refuse_method(self) -> None:
        self._send(
            Response(
                405,
                "text/plain; charset=utf-8",
                b"this endpoint is read-only\n",
                {"Allow": "GET, POST, OPTIONS"},
            )
        )

    do_PUT = do_DELETE = do_PATCH = _refuse_method

    def _handle(self) -> None:
        started = time.monotonic()
        try:
            response = self._respond()
        except Refused as refused:
            response = refused.response
        except TimeoutError:
            response = _TIMED_OUT
        except Exception:  # a bug: answer 500 and keep serving
            log.exception("error while answering %s", self.requestline)
            response = Response.text(500, "internal error; see the server log")
        self._send(response)
        log.debug("answered %s in %.3f s", response.status, time.monotonic() - started)

    def _respond(self) -> Response:
        endpoint = self.server.endpoint
        for name in ("Host", "Content-Length", "Transfer-Encoding"):
            if len(self.headers.get_all(name) or []) > 1:
                return Response.text(400, f"the request has more than one {name} header")
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in endpoint.allowed_hosts():
            return Response.text(403, f"this server does not answer to Host {host!r}")
        parts = urllib.parse.urlsplit(self.path)
        limit = endpoint.config.max_request_bytes
        if len(parts.query) > limit:
            return Response.text(
                414, f"the query string is longer than {limit} bytes; POST the query instead"
            )
        if parts.path == "/help":
            return Response.text(
                200, _HELP.format(timeout=endpoint.config.timeout, rows=endpoint.config.max_rows)
            )
        if parts.path != "/sparql":
            page = route(parts.path, endpoint.config.views) if self.command == "GET" else None
            if page is not None:
                return Response(page.status, page.content_type, page.body, _page_headers(page.csp))
            return Response.text(404, "not found; the SPARQL endpoint is /sparql")
        params = parse_form(parts.query)
        if self.command == "POST":
            params = self._post_params(params, limit)
        if "update" in params:
            return Response.text(400, "updates are not allowed: the graph is read-only")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return Response.text(
                400,
                "default-graph-uri and named-graph-uri are not allowed: queries run on the served graph only",
            )
        queries = params.get("query", [])
        if not queries:
            if self.command == "GET" and not params:
                return Response(
                    200,
                    "text/turtle; charset=utf-8",
                    _SERVICE_DESCRIPTION.format(url=endpoint.url).encode(),
                )
            return Response.text(400, "missing the query parameter")
        if len(queries) > 1:
            return Response.text(400, "give exactly one query parameter")
        assert endpoint.pool is not None
        self.connection.settimeout(None)  # the pool's own time limit applies now
        return endpoint.pool.run(
            queries[0], self.headers.get("Accept"), client=self.client_address[0]
        )

    def _post_params(self, params: dict[str, list[str]], limit: int) -> dict[str, list[str]]:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(Response.text(411, "send the body with a Content-Length, not chunked"))
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise Refused(Response.text(411, "a POST needs a Content-Length")) from None
        if length < 0 or length > limit:
            raise Refused(Response.text(413, f"the request body is larger than {limit} bytes"))
        body = self.rfile.read(length)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == _FORM:
            return params | parse_form(decode(body))
        if media == "application/sparql-query":
            return params | {"query": [*params.get("query", []), decode(body)]}
        if media == "application/sparql-update":
            raise Refused(Response.text(400, "updates are not allowed: the graph is read-only"))
        raise Refused(Response.text(415, f"POST the query as {_FORM} or application/sparql-query"))

    def _send(self, response: Response) -> None:
        self._answered = True
        self.connection.settimeout(self.server.endpoint.config.request_timeout)  # slow readers
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if self.server.endpoint.config.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def _page_headers(csp: str) -> dict[str, str]:
    """Headers of the query page, its assets and the views: no framing, no referrer, the CSP."""
    return {
        "Content-Security-Policy": csp,
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
