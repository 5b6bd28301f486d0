"""The query workers of ``kg serve``: separate processes, killed when a query runs too long.

Oxigraph evaluates in Rust, which no Python signal can interrupt, and a thread that
gives up waiting leaves the query running (hazards §6b). So every query of the endpoint
runs in a worker process that holds the graph in memory; when the time limit passes,
the worker is killed (SIGKILL, so the CPU really stops) and a fresh one takes its place.
A worker also has a memory limit (``RLIMIT_AS``), dies with its server (Linux
``PR_SET_PDEATHSIG``), and reads at most ``max_rows + 1`` solutions of any result.

Everything that touches untrusted query text happens here, under the time limit: the
rdflib parse of :func:`kg.sparql.query.check_query`, the evaluation, the serialisation.
And a worker cannot reach the network: it leaves the host's network namespace when the
kernel allows, and a seccomp filter makes every ``socket()`` fail (:mod:`kg.sparql.nonet`),
so a query that got past the check still could not call another server.

The pool that starts, feeds and kills these processes is :mod:`kg.sparql.worker_pool`;
what a worker does with one query is :mod:`kg.sparql.answer`. This module is what
runs in the process (``python -m kg.sparql.endpoint_worker``), and it re-exports the
public names of both.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kg.sparql.answer import Response, answer, negotiate
from kg.sparql.nonet import deny_sockets, leave_network
from kg.sparql.worker_pool import WorkerPool

__all__ = ["Response", "WorkerPool", "answer", "negotiate"]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def worker_main(conn: Connection, graph_path: str, max_rows: int, memory_bytes: int) -> None:
    """Entry point of a worker process: load the graph, then answer queries until EOF."""
    _die_with_parent()
    offline = [name for name, ok in (("netns", leave_network()), ("seccomp", deny_sockets())) if ok]
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        from rdflib.plugins.sparql import parser  # noqa: F401  (warm: the first query is not slower)

        store = ox.Store()
        store.bulk_load(path=graph_path, format=ox.RdfFormat.N_TRIPLES)
    except Exception as err:  # report any start-up failure to the server, then stop
        conn.send(("error", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", (os.getpid(), tuple(offline))))
    while True:
        try:
            text, accept = conn.recv()
        except (EOFError, OSError):
            return
        try:
            response = answer(store, text, accept, max_rows=max_rows)
        except MemoryError:
            response = Response.text(503, "the query ran out of memory and was stopped")
        conn.send((response.status, response.content_type, response.body, response.headers))


if __name__ == "__main__":
    _fd, _store, _rows, _memory = sys.argv[1:5]
    worker_main(Connection(int(_fd)), _store, int(_rows), int(_memory))
