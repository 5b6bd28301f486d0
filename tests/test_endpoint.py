"""``kg serve``: a real endpoint on a free loopback port, driven by SPARQLWrapper and raw HTTP.

The server runs in this process (its HTTP thread) with real worker processes; one test
starts ``kg serve`` itself as a subprocess and stops it with Ctrl-C (SIGINT).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph
import pytest
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from kg.graph.store import to_oxigraph_triples
from kg.sparql.endpoint import EndpointConfig, SparqlEndpoint, is_loopback
from kg.sparql.endpoint_worker import negotiate
from kg.sparql.queries import bind, get_query
from kg.sparql.query import run_query

from .conftest import ROOT

TIMEOUT = 2.0
MAX_ROWS = 50
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def endpoint(default_triples):
    config = EndpointConfig(
        port=0, timeout=TIMEOUT, max_rows=MAX_ROWS, workers=2, max_request_bytes=4096
    )
    with SparqlEndpoint(to_oxigraph_triples(default_triples), config) as running:
        yield running


def wrapper(endpoint: SparqlEndpoint, query: str, fmt: str = JSON) -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint.url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    return client


def request(
    endpoint: SparqlEndpoint,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    host: str | None = "default",
) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request, with full control of the Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", f"127.0.0.1:{endpoint.port}" if host == "default" else host)
        for key, value in (headers or {}).items():
            conn.putheader(key, value)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get(endpoint: SparqlEndpoint, query: str, **kwargs):
    return request(endpoint, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}), **kwargs)


# --- the protocol, through SPARQLWrapper ---------------------------------------------


def test_defaults_are_loopback_no_cors_a_time_limit_and_a_row_cap():
    config = EndpointConfig()
    assert config.host == "127.0.0.1" and is_loopback(config.host)
    assert config.cors is False
    assert 0 < config.timeout <= 10 and config.max_rows > 0


def test_select_as_sparql_json_with_get_and_post(endpoint):
    query = "SELECT (COUNT(?p) AS ?n) WHERE { ?p a lkg:Paper }"
    got = wrapper(endpoint, query).query().convert()
    assert got["results"]["bindings"][0]["n"]["value"] == "20"
    client = wrapper(endpoint, query)
    client.setMethod(POST)
    assert client.query().convert() == got
    client.setRequestMethod(POSTDIRECTLY)  # application/sparql-query body
    assert client.query().convert() == got


def test_other_w3c_formats(endpoint):
    query = "SELECT ?id WHERE { ?p lkg:arxivId ?id } ORDER BY ?id LIMIT 2"
    xml = wrapper(endpoint, query, XML).query().convert()
    assert [n.firstChild.data for n in xml.getElementsByTagName("literal")] == [
        "2304.12244",
        "2306.08568",
    ]
    csv = wrapper(endpoint, query, CSV).query().convert()
    assert csv.replace(b"\r\n", b"\n") == b"id\n2304.12244\n2306.08568\n"
    tsv = wrapper(endpoint, query, TSV).query().convert()
    assert tsv == b'?id\n"2304.12244"\n"2306.08568"\n'


def test_ask_and_construct(endpoint):
    assert wrapper(endpoint, "ASK { ?p a lkg:Paper }").query().convert()["boolean"] is True
    turtle = wrapper(endpoint, "CONSTRUCT WHERE { ?p lkg:arxivId ?id }", TURTLE).query().convert()
    assert len(list(pyoxigraph.parse(turtle, format=pyoxigraph.RdfFormat.TURTLE))) == 11


def test_a_canned_query_answers_as_it_does_locally(endpoint, default_store):
    canned = get_query("papers-per-category-per-year")
    remote = wrapper(endpoint, canned.text).query().convert()
    local = run_query(default_store, canned.text, bindings=bind({}, canned.params)).rows()
    assert [{k: v["value"] for k, v in row.items()} for row in remote["results"]["bindings"]] == [
        {k: v.value for k, v in row.items()} for row in local
    ]


# --- content negotiation -------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/csv;q=0.4, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("text/*", "text/xml"),
        ("text/plain", "text/plain; charset=utf-8"),
    ],
)
def test_content_negotiation(endpoint, accept, expected):
    headers = {"Accept": accept} if accept else {}
    status, got, _ = get(endpoint, "SELECT ?s { ?s a lkg:Venue } LIMIT 1", headers=headers)
    assert status == 200
    assert got["content-type"] == expected
    assert got["vary"] == "Accept"


def test_a_graph_negotiates_rdf_formats_and_nothing_acceptable_is_406(endpoint):
    status, headers, body = get(
        endpoint, "CONSTRUCT WHERE { ?v a lkg:Venue }", headers={"Accept": "application/n-triples"}
    )
    assert status == 200 and headers["content-type"] == "application/n-triples; charset=utf-8"
    assert len(body.splitlines()) == 10
    status, _, body = get(endpoint, "ASK {}", headers={"Accept": "image/png"})
    assert status == 406 and b"offered: application/sparql-results+json" in body


def test_negotiate_prefers_the_most_specific_range_and_the_server_order_on_ties():
    offered = ["application/sparql-results+json", "text/csv", "text/plain"]
    assert negotiate("text/*;q=0.5, text/csv;q=0", offered) == "text/plain"
    assert (
        negotiate("text/csv, application/sparql-results+json", offered)
        == "application/sparql-results+json"
    )
    assert negotiate("text/csv;q=oops", offered) is None


def test_a_text_table_for_people(endpoint):
    status, _, body = get(
        endpoint,
        "SELECT ?l { ?v a lkg:Venue ; rdfs:label ?l } ORDER BY ?l LIMIT 2",
        headers={"Accept": "text/plain"},
    )
    assert status == 200
    assert body == b"l\n---------------------\nACL\nACM Computing Surveys\n(2 rows)\n"


# --- what is refused -----------------------------------------------------------------


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("method", "path", "headers", "body", "message"),
    [
        (
            "POST",
            "/sparql",
            FORM,
            b"update=DROP+ALL",
            b"updates are not allowed: the graph is read-only\n",
        ),
        (
            "POST",
            "/sparql",
            {"Content-Type": "application/sparql-update"},
            b"DROP ALL",
            b"updates are not allowed",
        ),
        (
            "GET",
            "/sparql?query=DROP+ALL",
            {},
            None,
            b"updates are not allowed: the graph is read-only\n",
        ),
        ("GET", "/sparql?update=CLEAR+ALL", {}, None, b"updates are not allowed"),
        (
            "POST",
            "/sparql",
            FORM,
            b"query=LOAD+%3Chttp%3A%2F%2F127.0.0.1%3A9%2F%3E",
            b"LOAD is not allowed",
        ),
        (
            "GET",
            "/sparql?"
            + urllib.parse.urlencode(
                {"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}
            ),
            {},
            None,
            b"SERVICE is not allowed: queries may not contact other endpoints\n",
        ),
        (
            "GET",
            "/sparql?"
            + urllib.parse.urlencode({"query": "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }"}),
            {},
            None,
            b"FROM and FROM NAMED are not allowed",
        ),
        (
            "GET",
            "/sparql?query=ASK+%7B%7D&default-graph-uri=file%3A%2F%2F%2Fetc%2Fpasswd",
            {},
            None,
            b"default-graph-uri",
        ),
        (
            "GET",
            "/sparql?query=ASK+%7B%7D&named-graph-uri=http%3A%2F%2Fx",
            {},
            None,
            b"named-graph-uri",
        ),
        ("GET", "/sparql?query=SELECT+%3Fx+WHERE+%7B", {}, None, b"SPARQL syntax error at line 1"),
        (
            "GET",
            "/sparql?query=ASK+%7B%7D&query=ASK+%7B%7D",
            {},
            None,
            b"give exactly one query parameter",
        ),
        ("GET", "/sparql?format=json", {}, None, b"missing the query parameter"),
        ("GET", "/sparql?query=%FF", {}, None, b"malformed form or query string"),
    ],
)
def test_refused_with_400_and_a_clear_message(
    endpoint, default_store, method, path, headers, body, message
):
    size = len(default_store)
    status, got, text = request(endpoint, method, path, headers=headers, body=body)
    assert status == 400
    assert got["content-type"] == "text/plain; charset=utf-8"
    assert message in text
    assert len(default_store) == size


def test_sparqlwrapper_sees_an_update_refused(endpoint):
    client = wrapper(endpoint, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    client.setMethod(POST)
    with pytest.raises(QueryBadFormed, match="updates are not allowed"):
        client.query()
    assert (
        wrapper(endpoint, "ASK { <urn:a> <urn:b> <urn:c> }").query().convert()["boolean"] is False
    )


@pytest.mark.parametrize(
    "host",
    [
        None,
        "evil.example:{port}",
        "evil.example",
        "127.0.0.1:1",
        "localhost.evil.example:{port}",
        "127.0.0.1:{port}.evil",
    ],
)
def test_a_foreign_host_header_is_refused(endpoint, host):
    status, _, body = get(
        endpoint, "ASK {}", host=host.format(port=endpoint.port) if host else None
    )
    assert status == 403
    assert b"does not answer to Host" in body


@pytest.mark.parametrize(
    "host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"]
)
def test_loopback_host_names_are_accepted(endpoint, host):
    assert get(endpoint, "ASK {}", host=host.format(port=endpoint.port))[0] == 200


def test_request_size_and_shape_limits(endpoint):
    big = b"query=" + b"%20" * 5000
    assert request(endpoint, "POST", "/sparql", headers=FORM, body=big)[0] == 413
    assert request(endpoint, "GET", "/sparql?query=" + "%20" * 5000)[0] == 414
    assert (
        request(endpoint, "POST", "/sparql", headers={"Content-Type": "text/turtle"}, body=b"x")[0]
        == 415
    )
    assert request(endpoint, "POST", "/sparql", headers=FORM)[0] == 411
    status, got, _ = request(endpoint, "PUT", "/sparql", body=b"<a> <b> <c> .")
    assert status == 405 and got["allow"] == "GET, POST, OPTIONS"
    assert request(endpoint, "GET", "/elsewhere")[0] == 404


def test_cors_is_off_by_default(endpoint):
    _, headers, _ = get(endpoint, "ASK {}", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in headers
    status, headers, _ = request(
        endpoint, "OPTIONS", "/sparql", headers={"Origin": "https://evil.example"}
    )
    assert status == 204 and "access-control-allow-origin" not in headers


def test_cors_when_asked_for(default_triples):
    config = EndpointConfig(port=0, workers=1, cors=True)
    with SparqlEndpoint(to_oxigraph_triples(default_triples), config) as running:
        _, headers, _ = get(running, "ASK {}", headers={"Origin": "https://example.org"})
        assert headers["access-control-allow-origin"] == "*"
        status, headers, _ = request(
            running, "OPTIONS", "/sparql", headers={"Origin": "https://example.org"}
        )
        assert status == 204 and "POST" in headers["access-control-allow-methods"]


def test_service_description_and_help(endpoint):
    status, headers, body = request(endpoint, "GET", "/sparql")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    triples = list(pyoxigraph.parse(body, format=pyoxigraph.RdfFormat.TURTLE))
    assert any(t.object.value.endswith("#SPARQL11Query") for t in triples)
    status, _, body = request(endpoint, "GET", "/")
    assert status == 200 and b"/sparql" in body


# --- limits that stop a query --------------------------------------------------------


def test_the_row_cap_cuts_and_says_so(endpoint):
    status, headers, body = get(endpoint, "SELECT * { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    assert headers["x-lineagekg-truncated"] == f"results cut at {MAX_ROWS} rows"
    status, headers, _ = get(endpoint, "SELECT * { ?s a lkg:Paper }")
    assert status == 200 and "x-lineagekg-truncated" not in headers


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")


@pytest.mark.slow
def test_a_runaway_query_is_really_stopped_and_the_endpoint_recovers(endpoint):
    assert endpoint.pool is not None
    before = set(endpoint.pool.pids)
    started = time.monotonic()
    status, _, body = get(endpoint, RUNAWAY)
    elapsed = time.monotonic() - started
    assert status == 503
    assert (
        body
        == f"the query was stopped after {TIMEOUT:g} s, the time limit of this endpoint; narrow it or add a LIMIT\n".encode()
    )
    assert TIMEOUT <= elapsed < TIMEOUT + 2
    killed = before - set(endpoint.pool.pids)
    assert len(killed) == 1 and not _alive(killed.pop())  # the process, not just the wait, ended
    assert get(endpoint, "ASK { ?p a lkg:Paper }")[0] == 200  # the other worker answers meanwhile
    deadline = time.monotonic() + 30
    while len(endpoint.pool.pids) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(endpoint.pool.pids) == 2  # and a fresh worker replaced the killed one


@pytest.mark.slow
def test_a_query_that_exhausts_memory_stops_its_worker_only(default_triples):
    config = EndpointConfig(port=0, workers=1, timeout=30, memory_mb=900)
    with SparqlEndpoint(to_oxigraph_triples(default_triples), config) as running:
        status, _, body = get(running, "SELECT ?a ?d { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
        assert status == 503
        assert b"exceeded the memory limit" in body
        deadline = time.monotonic() + 30
        while True:
            status, _, body = get(running, "ASK { ?p a lkg:Paper }")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200, body


# --- the command ---------------------------------------------------------------------


@pytest.mark.slow
def test_kg_serve_runs_until_ctrl_c(tmp_path: Path):
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--workers", "1", "--timeout", "3"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = None
        deadline = time.monotonic() + 60
        assert process.stderr is not None
        while url is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            match = re.search(r"Serving (\d+) triples at (http://\S+/sparql)", line)
            if match:
                url = match.group(2)
        assert url is not None and url.startswith("http://127.0.0.1:")
        client = SPARQLWrapper(url)
        client.setQuery("SELECT (COUNT(?p) AS ?n) { ?p a lkg:Paper }")
        client.setReturnFormat(JSON)
        assert client.query().convert()["results"]["bindings"][0]["n"]["value"] == "20"
        workers = subprocess.run(
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2  # --workers 1, plus the warm spare
        process.send_signal(signal.SIGINT)
        assert process.wait(20) == 0
        assert not any(_alive(int(pid)) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
