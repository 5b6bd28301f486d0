"""``kg push`` and ``kg query --endpoint`` against OpenLink Virtuoso, a second real engine.

Debian's ``virtuoso-t`` (package ``virtuoso-opensource-7-bin``, installed by
scripts/test.sh) is started here on free loopback ports with a fresh database, whose
administrator is ``dba``/``dba``. The push goes to Virtuoso's *authenticated* Graph
Store endpoint, ``/sparql-graph-crud-auth``, which refuses Basic credentials and asks
for HTTP Digest; the credentials come from the environment (``KG_ENDPOINT_USER``,
``KG_ENDPOINT_PASSWORD``) as for any store. Virtuoso's GSP endpoint has no default graph
unless configured, so the graph is pushed into a named graph, which Virtuoso's
``/sparql`` includes in its default dataset.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pyoxigraph
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.sparql.queries import bind, catalogue
from kg.sparql.query import ResultFormat, format_result, run_query
from kg.sparql.remote import query_endpoint

from .test_remote import free_port

runner = CliRunner()
GRAPH = "https://example.org/graphs/lineage"

_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {db}

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Virtuoso server on 127.0.0.1 with a fresh database, started and stopped here."""
    binary = shutil.which("virtuoso-t")
    assert binary, (
        "virtuoso-t is missing: apt-get install virtuoso-opensource-7-bin (scripts/test.sh)"
    )
    db = tmp_path_factory.mktemp("virtuoso")
    port = free_port()
    ini = db / "virtuoso.ini"
    ini.write_text(_INI.format(db=db, sql=free_port(), http=port), encoding="utf-8")
    log = (db / "stdout.log").open("wb")
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(ini)],
        cwd=db,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a fresh database takes some seconds to create
    while True:
        try:
            with urllib.request.urlopen(f"{base}/sparql?query=ASK%7B%7D", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"virtuoso-t did not start (exit {process.poll()}): "
                    f"{(db / 'virtuoso.log').read_text(errors='replace')[-2000:]}"
                ) from None
            time.sleep(0.3)
    yield base
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture(scope="module")
def pushed(virtuoso: str, default_store: pyoxigraph.Store) -> str:
    env = {"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "dba"}
    args = ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Loaded {len(default_store)} triples (")
    assert result.stdout.rstrip().endswith("(HTTP 201)")
    return f"{virtuoso}/sparql"


def test_the_authenticated_endpoint_refuses_a_wrong_password(virtuoso: str):
    env = {"KG_ENDPOINT_USER": "dba", "KG_ENDPOINT_PASSWORD": "not-the-password"}
    args = ["push", "--endpoint", f"{virtuoso}/sparql-graph-crud-auth", "--graph", GRAPH]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "answered 401" in result.stderr and "not-the-password" not in result.output


def test_virtuoso_holds_every_pushed_triple(pushed: str, default_store: pyoxigraph.Store):
    counted = query_endpoint(
        pushed, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    )
    assert int(counted.rows()[0]["n"].value) == len(default_store)


#: Where Virtuoso answers differently by design, and how its answer is mapped to ours.
#: Virtuoso has no xsd:boolean value: a comparison (``?a = ?b``) gives 1 or 0 (xsd:integer).
BOOLEANS_AS_INTEGERS = {"year-provenance"}


def _virtuoso_booleans(csv: bytes) -> bytes:
    return csv.replace(b",true\r\n", b",1\r\n").replace(b",false\r\n", b",0\r\n")


@pytest.mark.parametrize("query", catalogue(), ids=lambda q: q.name)
def test_every_canned_query_gives_virtuoso_the_local_rows(query, pushed, default_store):  # type: ignore[no-untyped-def]
    bindings = bind(query.example_params(), query.params)
    remote = format_result(query_endpoint(pushed, query.text, bindings=bindings), ResultFormat.CSV)
    local = format_result(run_query(default_store, query.text, bindings=bindings), ResultFormat.CSV)
    if query.name in BOOLEANS_AS_INTEGERS:
        assert b",true\r\n" in local or b",false\r\n" in local
        local = _virtuoso_booleans(local)
    assert len(local.splitlines()) > 1, "the example has rows to compare"
    if "ORDER BY" in query.text:
        assert remote == local
    else:
        assert sorted(remote.splitlines()) == sorted(local.splitlines())


def test_kg_query_endpoint_prints_what_a_local_query_prints(pushed: str):
    local = runner.invoke(app, ["query", "--name", "coauthors", "--param", "person=Can Xu"])
    remote = runner.invoke(
        app, ["query", "--endpoint", pushed, "--name", "coauthors", "--param", "person=Can Xu"]
    )
    assert remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout and "Can Xu" in remote.stdout
