"""A standing, bounded abuse suite for ``kg serve``: slow, runaway and malformed clients.

Loopback only, bounded in connections and seconds, and every test stops by itself.
Normal queries are timed while the abuse goes on; the slow scenarios print their
success rate and latencies (run with ``-s`` to see them). Runaway clients use their own
loopback addresses (127.0.0.2, 127.0.0.3: all of 127/8 is loopback on Linux), so the
endpoint can tell them from the normal client at 127.0.0.1.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from kg.graph.rdf import Triple
from kg.sparql.endpoint import EndpointConfig, SparqlEndpoint

NORMAL = "SELECT (COUNT(?p) AS ?n) { ?p a lkg:Paper }"
#: A four-way cross join of every triple: runs until its worker is killed.
RUNAWAY = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(default_triples: list[Triple]) -> Iterator[SparqlEndpoint]:
    from kg.graph.store import to_store

    store = to_store(default_triples)
    config = EndpointConfig(port=0, timeout=2.0, workers=2, request_timeout=1.5)
    with SparqlEndpoint((q.triple for q in store), config) as served:
        yield served


def _raw(port: int, data: bytes, *, wait: float = 10.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@dataclass
class Timed:
    status: int
    seconds: float


def query(port: int, text: str, *, source: str = "127.0.0.1", wait: float = 30.0) -> Timed:
    """One GET query from ``source``; status 0 when the connection failed."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=wait, source_address=(source, 0))
    try:
        conn.request(
            "GET",
            "/sparql?" + urllib.parse.urlencode({"query": text}),
            headers={"Host": f"127.0.0.1:{port}", "Accept": "application/sparql-results+json"},
        )
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return Timed(status, time.monotonic() - started)


def normal_queries(port: int, *, count: int, every: float) -> list[Timed]:
    results = []
    for _ in range(count):
        results.append(query(port, NORMAL))
        time.sleep(every)
    return results


def report(label: str, results: list[Timed]) -> float:
    ok = [r for r in results if r.status == 200]
    rate = len(ok) / len(results)
    worst = max((r.seconds for r in results), default=0.0)
    print(
        f"\n{label}: {len(ok)}/{len(results)} normal queries answered ({rate:.0%}), worst {worst:.2f} s"
    )
    return rate


# -- malformed requests ------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Host", "Content-Length"])
def test_a_repeated_header_is_refused(endpoint: SparqlEndpoint, header: str) -> None:
    host = f"Host: 127.0.0.1:{endpoint.port}\r\n"
    body = "query=ASK%7B%7D"
    extra = host if header == "Host" else f"Content-Length: {len(body)}\r\n"
    request = (
        f"POST /sparql HTTP/1.1\r\n{host}Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n{body}"
    )
    answer = _raw(endpoint.port, request.encode())
    assert answer.startswith(b"HTTP/1.0 400 ")
    assert f"more than one {header} header".encode() in answer


def test_a_stalled_request_gets_408(endpoint: SparqlEndpoint) -> None:
    started = time.monotonic()
    answer = _raw(endpoint.port, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1")
    assert answer.startswith(b"HTTP/1.0 408 ")
    assert 1.4 < time.monotonic() - started < 5


def test_the_deadline_is_for_the_whole_request_not_each_read(endpoint: SparqlEndpoint) -> None:
    """One byte every 0.3 s never waits long on a read, yet the request is cut at 1.5 s."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", endpoint.port), timeout=10) as sock:
        answer = b""
        for byte in b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:1\r\n":
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.3)
            if time.monotonic() - started > 4:
                break
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.0 408 ")
    assert time.monotonic() - started < 4


def test_a_slow_body_gets_408(endpoint: SparqlEndpoint) -> None:
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1:{endpoint.port}\r\n"
        "Content-Type: application/sparql-query\r\nContent-Length: 100\r\n\r\nASK"
    )
    answer = _raw(endpoint.port, head.encode())
    assert answer.startswith(b"HTTP/1.0 408 ")


# -- slow clients --------------------------------------------------------------------------


def slowloris(port: int, *, connections: int, seconds: float) -> int:
    """Hold ``connections`` open, each sending a header byte every second; how many opened."""
    socks = []
    for _ in range(connections):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=2)
            sock.sendall(b"GET /sparql HTTP/1.1\r\n")
            socks.append(sock)
        except OSError:
            pass
    opened = len(socks)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for sock in list(socks):
            try:
                sock.sendall(b"X")
            except OSError:
                socks.remove(sock)
                sock.close()
        time.sleep(1)
    for sock in socks:
        sock.close()
    return opened


@pytest.mark.slow
def test_100_slow_connections_do_not_block_normal_clients(endpoint: SparqlEndpoint) -> None:
    holder = threading.Thread(
        target=slowloris, args=(endpoint.port,), kwargs={"connections": 100, "seconds": 8}
    )
    holder.start()
    time.sleep(1)
    results = normal_queries(endpoint.port, count=15, every=0.3)
    holder.join(30)
    assert report("100 slowloris connections", results) == 1.0
    assert max(r.seconds for r in results) < 2


# -- runaway clients -----------------------------------------------------------------------


def runaway_loop(port: int, source: str, stop: threading.Event) -> list[int]:
    statuses = []
    while not stop.is_set():
        statuses.append(query(port, RUNAWAY, source=source).status)
    return statuses


def under_runaways(port: int, sources: list[str], *, count: int) -> list[Timed]:
    stop = threading.Event()
    loops = [threading.Thread(target=runaway_loop, args=(port, s, stop)) for s in sources]
    for loop in loops:
        loop.start()
    try:
        time.sleep(1)
        return normal_queries(port, count=count, every=0.5)
    finally:
        stop.set()
        for loop in loops:
            loop.join(30)


@pytest.mark.slow
@pytest.mark.parametrize("sources", [["127.0.0.2"], ["127.0.0.2", "127.0.0.3"]])
def test_runaway_clients_do_not_starve_normal_ones(
    endpoint: SparqlEndpoint, sources: list[str]
) -> None:
    results = under_runaways(endpoint.port, sources, count=12)
    rate = report(f"{len(sources)} runaway client(s)", results)
    assert rate == 1.0
    assert endpoint.pool is not None and endpoint.pool.killed > 0  # the runaways really ran


@pytest.mark.slow
def test_one_client_cannot_hold_every_worker(endpoint: SparqlEndpoint) -> None:
    """Ten runaway queries at once from one address: it runs one, queues some, is told 429."""
    results: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(query(endpoint.port, RUNAWAY, source="127.0.0.4").status)
        )
        for _ in range(10)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    normal = query(endpoint.port, NORMAL)
    for thread in threads:
        thread.join(60)
    assert normal.status == 200 and normal.seconds < 1.5
    assert results.count(429) >= 10 - 3  # per_client 1 + size 2 places
