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
- **Fairness.** The worker pool (:class:`kg.sparql.worker_pool.WorkerPool`) lets one
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

This module holds the settings and the running endpoint; the request handling is
:mod:`kg.sparql.endpoint_http`, reading a request under its limits
:mod:`kg.sparql.request_reading`, the pool :mod:`kg.sparql.worker_pool`.
"""

from __future__ import annotations

import ipaddress
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.sparql.endpoint_http import EndpointServer
from kg.sparql.worker_pool import WorkerPool

__all__ = ["EndpointConfig", "SparqlEndpoint", "is_loopback", "write_graph"]


_LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


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
        self._server: EndpointServer | None = None
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
            self._server = EndpointServer((c.host, c.port), self)
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
