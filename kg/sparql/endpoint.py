"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint at ``/sparql``.

The HTTP layer (stdlib ``http.server``) only reads and checks requests; queries run in
the worker processes of :mod:`kg.sparql.endpoint_worker`, which enforce the time limit (by
killing the worker), the row cap and a memory limit. What this layer guards:

- **Read-only.** Updates (``update=``, ``application/sparql-update``), ``LOAD``,
  ``SERVICE``, ``FROM``/``FROM NAMED`` and the protocol's ``default-graph-uri`` /
  ``named-graph-uri`` are refused with 400 and a sentence saying why.
- **DNS rebinding.** The ``Host`` header must name this server (its loopback names by
  default, plus ``allowed_hosts``); anything else gets 403.
- **Size.** Request bodies and query strings are capped (413/414).
- **Slow clients.** A client has ``request_timeout`` seconds to send its *whole*
  request (request line, headers, body: one deadline, not one per read), or gets 408.
  Each connection has its own thread, up to ``max_connections`` at once (256), so a
  hundred stalled connections leave room for everyone else; past the cap, 503.
- **Smuggling hygiene.** A request with two ``Host``, ``Content-Length`` or
  ``Transfer-Encoding`` headers is refused with 400.
- **Fairness.** The worker pool (:class:`kg.sparql.endpoint_worker.WorkerPool`) lets one
  client address run at most half the workers at once, serves clients whose queries
  were just killed last, and keeps a spare worker warm, so a client looping on runaway
  queries slows only itself.
- **CORS** is off unless asked for; then any origin may read (no credentials).

The protocol parts: GET ``?query=``, POST form-encoded ``query=``, POST
``application/sparql-query``; content negotiation over SPARQL JSON, XML, CSV, TSV (and
``text/plain`` tables) for solutions, Turtle, N-Triples and RDF/XML for graphs; a
service description on a bare GET of ``/sparql``. Besides ``/sparql``, GET serves the
query page at ``/`` and the build's views under ``/views/`` (:mod:`kg.sparql.page`),
each with a Content-Security-Policy that lets it reach nothing but this server.
"""

from __future__ import annotations

import io
import ipaddress
import logging
import shutil
import socket
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.sparql.answer import Response
from kg.sparql.page import route
from kg.sparql.worker_pool import WorkerPool

__all__ = ["EndpointConfig", "SparqlEndpoint", "is_loopback", "write_graph"]

log = logging.getLogger("kg.sparql.endpoint")

_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class EndpointConfig:
    """Settings of an endpoint; the defaults are the safe ones.

    Attributes:
        host: Address to bind (loopback by default).
        port: Port to bind (0 picks a free one).
        timeout: Seconds a query may take before its worker is killed.
        max_rows: Most solutions (or triples) in one response.
        workers: Worker processes, i.e. queries evaluated at once.
        memory_mb: Address-space limit of each worker, in MiB (0: none).
        max_request_bytes: Largest request body or query string accepted.
        max_connections: Connections handled at once (others get 503).
        request_timeout: Seconds a client has to send its whole request (else 408).
        per_client: Queries one client address may run at once (0: half the workers).
        cors: Send ``Access-Control-Allow-Origin: *``.
        allowed_hosts: Extra host names the ``Host`` header may carry.
        views: A build folder whose HTML views are served under ``/views/``.
    """

    host: str = "127.0.0.1"
    port: int = 7879
    timeout: float = 5.0
    max_rows: int = 10_000
    workers: int = 2
    memory_mb: int = 2048
    max_request_bytes: int = 128 * 1024
    max_connections: int = 256
    request_timeout: float = 10.0
    per_client: int = 0
    cors: bool = False
    allowed_hosts: tuple[str, ...] = ()
    views: Path | None = None


def write_graph(triples: Iterable[ox.Triple] | ox.Store, path: Path) -> Path:
    """Write ``triples`` (or a store's default graph) as N-Triples to ``path``, for the workers.

    A store is dumped by Oxigraph itself, without a Python object per triple (the
    persistent store of a 100,000-paper build holds 6.8 million).

    Workers hold the graph in memory: Oxigraph's in-memory store answered the heavy
    canned queries 3 to 4 times faster than a RocksDB store opened read-only (10,000
    papers), and loading 570k triples from N-Triples takes under 2 s.
    """
    if isinstance(triples, ox.Store):
        triples.dump(str(path), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    else:
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
    return path


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or address) is this machine's loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


_BUSY = (
    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
    b"Content-Length: 40\r\nConnection: close\r\n\r\ntoo many connections; try again shortly\n"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the listen backlog

    def __init__(self, address: tuple[str, int], endpoint: SparqlEndpoint) -> None:
        self.endpoint = endpoint
        self._slots = threading.BoundedSemaphore(endpoint.config.max_connections)
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
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
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class SparqlEndpoint:
    """A running endpoint: a worker pool plus an HTTP server thread.

    Use it as a context manager, or call :meth:`start` then :meth:`close`::

        with SparqlEndpoint(triples, EndpointConfig(port=0)) as endpoint:
            print(endpoint.url)

    Args:
        triples: The graph to serve, or a store whose default graph it is (written to a
            temporary N-Triples file the workers load).
        config: Settings (see :class:`EndpointConfig`).
    """

    def __init__(
        self, triples: Iterable[ox.Triple] | ox.Store, config: EndpointConfig | None = None
    ) -> None:
        self.config = config or EndpointConfig()
        self._folder = Path(tempfile.mkdtemp(prefix="kg-serve-"))
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.pool: WorkerPool | None = None
        try:
            write_graph(triples, self._folder / "graph.nt")
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise

    def start(self) -> SparqlEndpoint:
        """Start the workers and the HTTP server (in a background thread)."""
        c = self.config
        self.pool = WorkerPool(
            self._folder / "graph.nt",
            size=c.workers,
            timeout=c.timeout,
            max_rows=c.max_rows,
            memory_bytes=c.memory_mb * 1024 * 1024,
            per_client=c.per_client,
        )
        try:
            self._server = _Server((c.host, c.port), self)
        except OSError:
            self.close()
            raise
        self._thread = threading.Thread(
            target=self._server.serve_forever, daemon=True, name="kg-sparql-http"
        )
        self._thread.start()
        return self

    @property
    def port(self) -> int:
        """The bound port (useful with ``port=0``)."""
        assert self._server is not None, "start() first"
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The query URL, e.g. ``http://127.0.0.1:7879/sparql``."""
        host = self.config.host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}/sparql"

    def allowed_hosts(self) -> set[str]:
        """``Host`` header values this server answers to (``name:port``, lower case)."""
        names = set(self.config.allowed_hosts)
        host = self.config.host
        if is_loopback(host):
            names.update(_LOOPBACK_NAMES)
        elif host not in ("0.0.0.0", "::", ""):
            names.add(f"[{host}]" if ":" in host else host)
        found = {f"{name.lower()}:{self.port}" for name in names}
        if self.port == 80:
            found.update(name.lower() for name in names)
        return found

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C raises ``KeyboardInterrupt`` here)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def close(self) -> None:
        """Stop the server, kill the workers, delete the temporary graph file."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> SparqlEndpoint:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


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


class _DeadlineReader(io.RawIOBase):
    """A socket's reads under one deadline for the whole request, not a timeout per read."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self.deadline = deadline
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError("the request deadline passed")
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            self.expired = True
            raise


_TIMED_OUT = Response.text(408, "the request was not sent in time")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "LineageKG"
    sys_version = ""
    _reader: _DeadlineReader
    _answered = False

    def setup(self) -> None:
        super().setup()
        self.command, self.requestline, self.request_version = "", "", "HTTP/1.0"
        limit = self.server.endpoint.config.request_timeout
        self._reader = _DeadlineReader(self.connection, time.monotonic() + limit)
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
        except _Refused as refused:
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
        params = _parse_form(parts.query)
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
            raise _Refused(Response.text(411, "send the body with a Content-Length, not chunked"))
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Refused(Response.text(411, "a POST needs a Content-Length")) from None
        if length < 0 or length > limit:
            raise _Refused(Response.text(413, f"the request body is larger than {limit} bytes"))
        body = self.rfile.read(length)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == _FORM:
            return params | _parse_form(_decode(body))
        if media == "application/sparql-query":
            return params | {"query": [*params.get("query", []), _decode(body)]}
        if media == "application/sparql-update":
            raise _Refused(Response.text(400, "updates are not allowed: the graph is read-only"))
        raise _Refused(Response.text(415, f"POST the query as {_FORM} or application/sparql-query"))

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


class _Refused(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Refused(Response.text(400, "the request is not UTF-8 text")) from None


def _parse_form(text: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(
            text, keep_blank_values=True, errors="strict", max_num_fields=16
        )
    except (ValueError, UnicodeDecodeError):
        raise _Refused(Response.text(400, "malformed form or query string")) from None
