"""SERVICE can never reach the network: one text checked and run, and an engine without sockets.

The bypass of issue 15: rdflib read ``\\u00000022`` as one 8-digit escape (a quote),
Oxigraph as ``\\u0000`` then ``0022``, so a ``SERVICE`` that rdflib saw inside a string
ran in Oxigraph. Every test here points SERVICE at a real loopback HTTP server that
counts the requests it gets.
"""

from __future__ import annotations

import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import QueryError
from kg.sparql.nonet import run_offline
from kg.sparql.query import canonical_query, check_query, run_query

ROOT = Path(__file__).resolve().parent.parent
E = "\\u00000022"  # rdflib: one escape for '"'; Oxigraph: U+0000 then "0022"


class _Recorder(http.server.ThreadingHTTPServer):
    daemon_threads = True
    hits: list[str]


class _Answer(http.server.BaseHTTPRequestHandler):
    server: _Recorder

    def _answer(self) -> None:
        self.server.hits.append(self.path)
        body = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"leak"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def internal() -> Iterator[_Recorder]:
    """A loopback 'internal service' that records every request made to it."""
    server = _Recorder(("127.0.0.1", 0), _Answer)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _url(server: _Recorder, path: str = "x") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/{path}"


def _bypass(url: str) -> str:
    return f'SELECT ?x {{ BIND("{E}" AS ?y) SERVICE <{url}> {{ ?s ?p ?x }} BIND("{E}" AS ?z) }}'


def test_the_oracle_sees_a_service_call(internal: _Recorder) -> None:
    """Sanity: unchecked, Oxigraph really calls the loopback server (so a silence below means something)."""
    internal.hits.clear()
    rows = list(ox.Store().query(_bypass(_url(internal, "oracle"))))
    assert [str(r["x"]) for r in rows] == ['"leak"']
    assert internal.hits == ["/oracle"]


def test_the_escape_bypass_is_refused(internal: _Recorder) -> None:
    internal.hits.clear()
    text = _bypass(_url(internal, "bypass"))
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        check_query(text)
    with pytest.raises(QueryError, match="SERVICE is not allowed"):
        run_query(ox.Store(), text)
    assert internal.hits == []


def test_kg_query_refuses_the_bypass_and_sends_nothing(internal: _Recorder, tmp_path: Path) -> None:
    internal.hits.clear()
    graph = tmp_path / "g.nt"
    graph.write_text("<http://a/s> <http://a/p> <http://a/o> .\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["query", "--graph", str(graph), _bypass(_url(internal, "cli"))]
    )
    assert result.exit_code == 1
    assert "Error: SERVICE is not allowed" in result.output
    assert internal.hits == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"\\u0041"', '"A"'),
        ('"\\U0001F600"', '"\U0001f600"'),
        ("<http://a/\\u0062>", "<http://a/b>"),
        ('"\\\\\\u0041"', '"\\\\A"'),  # an escaped backslash, then an escape
        ('"\\\\n"', '"\\\\n"'),  # no codepoint escape: unchanged
        ("plain", "plain"),
    ],
)
def test_canonical_query_replaces_escapes(text: str, expected: str) -> None:
    assert canonical_query(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('"\\U00110000"', "not a Unicode character"),
        ('"\\uD800"', "not a Unicode character"),
        ('"\\\\u0041"', "not a plain codepoint escape"),  # engines differ on this one
        ('"\\u005Cu0041"', "not a plain codepoint escape"),  # an escape that makes an escape
        ('"\\u12"', "not a plain codepoint escape"),
    ],
)
def test_canonical_query_refuses_ambiguous_escapes(text: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        canonical_query(text)


def test_escaped_queries_still_answer() -> None:
    store = ox.Store()
    rows = run_query(store, 'SELECT ?x { BIND("caf\\u00E9" AS ?x) }').rows()
    assert [r["x"] for r in rows] == [ox.Literal("café")]


def test_kg_query_reports_a_bad_escape_as_an_error() -> None:
    result = CliRunner().invoke(app, ["query", 'SELECT ("\\U00110000" AS ?x) {}'])
    assert result.exit_code == 1
    assert "Error: the escape \\U00110000 at line 1 is not a Unicode character" in result.output
    assert "Traceback" not in result.output


def test_kg_query_reports_a_huge_integer_param_as_an_error(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("# param: n (integer) - a number\nSELECT ?n { BIND(1 AS ?n) }\n")
    result = CliRunner().invoke(app, ["query", "-f", str(query), "--param", "n=" + "9" * 5000])
    assert result.exit_code == 1
    assert "Error: parameter n has more than 100 digits" in result.output
    assert "Traceback" not in result.output


# -- defence in depth: the engine cannot make a socket ---------------------------------


def test_run_offline_stops_an_unchecked_service_call(internal: _Recorder) -> None:
    internal.hits.clear()
    text = f"SELECT ?x {{ SERVICE <{_url(internal, 'offline')}> {{ ?s ?p ?x }} }}"
    with pytest.raises(OSError, match="Permission denied"):
        run_offline(lambda: list(ox.Store().query(text)))
    assert internal.hits == []
    assert len(list(ox.Store().query(text))) == 1  # the rest of the process keeps its network
    assert internal.hits == ["/offline"]


@pytest.mark.parametrize("layer", ["leave_network", "deny_sockets"])
def test_each_worker_layer_alone_stops_a_service_call(internal: _Recorder, layer: str) -> None:
    """What a worker process does at start, one layer at a time, then an unchecked SERVICE."""
    internal.hits.clear()
    script = (
        "import sys, pyoxigraph as ox\n"
        f"from kg.sparql.nonet import {layer}\n"
        f"assert {layer}(), 'layer not available'\n"
        "try:\n"
        f"    list(ox.Store().query('SELECT * {{ SERVICE <{_url(internal, layer)}> {{ ?s ?p ?o }} }}'))\n"
        "except OSError as err:\n"
        "    print('refused:', err)\n"
        "    sys.exit(0)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "refused:" in done.stdout
    assert internal.hits == []


# -- differential fuzz: what the check accepts never calls a service in Oxigraph --------

_PIECES = [
    E,  # listed three times: the known divergence, drawn often
    E,
    E,
    "\\u0022",
    "\\U00000022",
    "\\u0027",
    "\\u0023",
    "\\u003E",
    "\\u007D",
    "\\u005C",
    "\\\\",
    '\\"',
    "'",
    "#",
    "}",
    " ",
    "a",
    "\\u0053ERVICE",
]
_CLAUSES = [
    'BIND("{s}" AS ?y{i})',
    "BIND('{s}' AS ?y{i})",
    'BIND("""{s}""" AS ?y{i})',
    'FILTER("{s}" != "")',
    '?s ?p "{s}" .',
    "?s ?p <http://a/{s}> .",
    "# {s}\n",
    "{s}",
]


def _queries(url: str) -> st.SearchStrategy[str]:
    text = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=2).map("".join)
    clause = st.builds(
        lambda form, s, i: form.format(s=s, i=i),
        st.sampled_from(_CLAUSES),
        text,
        st.integers(0, 9),
    )
    clauses = st.lists(clause, min_size=1, max_size=2).map(" ".join)
    service = st.sampled_from(
        [f"SERVICE <{url}>", f"SERVICE SILENT <{url}>", f"\\u0053ERVICE <{url}>"]
    )
    return st.builds(
        lambda a, s, b: f"SELECT ?x WHERE {{ {a} {s} {{ ?s ?p ?x }} {b} }}",
        clauses,
        service,
        clauses,
    )


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_what_the_check_accepts_never_calls_a_service(
    internal: _Recorder, data: st.DataObject
) -> None:
    text = data.draw(_queries(_url(internal, "fuzz")))
    try:
        canonical = canonical_query(text)
        check_query(canonical)
    except QueryError:
        return  # refused: nothing runs
    before = len(internal.hits)
    try:
        list(ox.Store().query(canonical))  # the engine itself, unguarded: the oracle
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    assert len(internal.hits) == before, f"accepted, and Oxigraph called a service: {canonical!r}"
