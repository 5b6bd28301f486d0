"""The persistent store: written by ``kg build``, opened by the readers, rebuilt when stale, safe.

Every test has its own cache folder (``KG_CACHE_DIR``), so "no store yet" is real.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.sparql.store import StoreCache

from .conftest import DATA, DEFAULT_LIST

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent
QUERY = "SELECT ?t WHERE { ?p dcterms:title ?t } ORDER BY ?t"


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KG_CACHE_DIR", str(folder))
    return folder


@pytest.fixture()
def built(tmp_path: Path, cache: Path) -> Path:
    """A build of the default list and curated data into tmp/out (with its store)."""
    out = tmp_path / "out"
    args = ["build", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--out", str(out)]
    result = runner.invoke(app, [*args, "--no-views"])
    assert result.exit_code == 0, result.output
    return out


def _titles_of(nt: Path) -> str:
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    title = ox.NamedNode("http://purl.org/dc/terms/title")
    return "".join(
        sorted(f"{q.object.value}\n" for q in store.quads_for_pattern(None, title, None))
    )


def test_build_leaves_one_store_indexed_by_inputs_and_by_its_ntriples(built: Path, cache: Path):
    stores = sorted(p.name for p in (cache / "stores").iterdir())
    manifest = json.loads((built / ".manifest.json").read_text())
    sha = manifest["files"]["graph.nt"]["sha256"]
    assert stores == [f"g-{sha}"]
    assert StoreCache(cache).find(graph=sha) == cache / "stores" / stores[0]
    assert len(list((cache / "inputs").iterdir())) == 1
    store = ox.Store.read_only(str(cache / "stores" / stores[0]))
    expected = ox.Store()
    expected.bulk_load(path=str(built / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(expected) > 1000
    assert set(store) == set(expected)
    assert not any(
        p.name.startswith(".") for p in built.iterdir() if p.is_dir()
    )  # nothing in exports


def test_readers_open_the_build_folder_and_the_inputs_store_without_a_note(built: Path):
    by_folder = runner.invoke(app, ["query", "--graph", str(built), "--format", "csv", QUERY])
    by_file = runner.invoke(
        app, ["query", "--graph", str(built / "graph.nt"), "--format", "csv", QUERY]
    )
    args = ["query", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--format", "csv", QUERY]
    by_inputs = runner.invoke(app, args)
    for result in (by_folder, by_file, by_inputs):
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
    assert by_folder.stdout == by_file.stdout == by_inputs.stdout
    answer = runner.invoke(app, ["query", "--graph", str(built), "--format", "json", QUERY])
    rows = json.loads(answer.stdout)["results"]["bindings"]
    assert "".join(sorted(f"{row['t']['value']}\n" for row in rows)) == _titles_of(
        built / "graph.nt"
    )


def test_changed_inputs_rebuild_the_store_and_say_so(built: Path, tmp_path: Path):
    changed = tmp_path / "list.md"
    changed.write_bytes(
        DEFAULT_LIST.read_bytes()
        + b"\n## More\n[**2024 ICLR**] [**Brand New Thing**](https://arxiv.org/abs/2401.00001), *A. Person*\n"
    )
    args = ["query", "-i", str(changed), "--curation", str(DATA), "--format", "csv", QUERY]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert first.stderr.startswith("note: no store for these inputs (changed since the last")
    assert "Brand New Thing" in first.stdout
    second = runner.invoke(app, args)
    assert second.stderr == "" and second.stdout == first.stdout


def test_a_build_folder_without_a_store_gets_one_once(built: Path, cache: Path):
    import shutil

    shutil.rmtree(cache)
    first = runner.invoke(app, ["query", "--graph", str(built), QUERY])
    assert first.exit_code == 0, first.output
    assert first.stderr.startswith(f"note: no store for {built} yet: loaded {built}/graph.nt")
    second = runner.invoke(app, ["query", "--graph", str(built), QUERY])
    assert second.stderr == "" and second.stdout == first.stdout


def test_a_folder_that_is_no_build_or_was_edited_is_an_error(built: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["query", "--graph", str(empty), QUERY])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {empty} is not a build folder (no readable .manifest.json); give a folder "
        "written by `kg build --out`, or an export file\n"
    )
    with (built / "graph.nt").open("ab") as handle:
        handle.write(b"<http://x/a> <http://x/b> <http://x/c> .\n")
    result = runner.invoke(app, ["query", "--graph", str(built), QUERY])
    assert result.exit_code == 1
    assert "graph.nt does not match" in result.stderr and "run kg build again" in result.stderr


_READER = """
import sys, time, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
print("open", flush=True)
sys.stdin.readline()  # hold the store open until told
print(len(list(store.query("SELECT ?s WHERE { ?s a <https://w3id.org/lineage-kg/def#Paper> }"))), flush=True)
"""


def test_two_readers_hold_the_store_open_while_a_third_queries_it(built: Path, cache: Path):
    store = next((cache / "stores").iterdir())
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", _READER, str(store)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for reader in readers:
            assert reader.stdout is not None and reader.stdout.readline() == "open\n"
        # While both hold it open, a query opens it too.
        result = runner.invoke(app, ["query", "--graph", str(built), "--format", "csv", QUERY])
        assert result.exit_code == 0 and result.stderr == ""
        answers = [reader.communicate("go\n", timeout=60)[0] for reader in readers]
    finally:
        for reader in readers:
            reader.kill()
    assert answers[0] == answers[1] and int(answers[0]) > 10


_DIES = """
import os, signal, sys
from pathlib import Path
from kg.sparql.store import StoreCache
with StoreCache(Path(sys.argv[1])).staging() as staged:
    staged.load_ntriples(sys.argv[2])
    print(staged.path, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_writer_killed_midway_leaves_the_previous_store_usable(built: Path, cache: Path):
    manifest = json.loads((built / ".manifest.json").read_text())
    sha = manifest["files"]["graph.nt"]["sha256"]
    before = StoreCache(cache).find(graph=sha)
    dead = subprocess.run(
        [sys.executable, "-c", _DIES, str(cache), str(built / "graph.nt")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert dead.returncode == -signal.SIGKILL
    leftover = Path(dead.stdout.strip())
    assert leftover.is_dir()  # what the dead writer left
    assert StoreCache(cache).find(graph=sha) == before
    result = runner.invoke(app, ["query", "--graph", str(built), QUERY])
    assert result.exit_code == 0 and result.stderr == ""
    with StoreCache(cache).staging():  # the next writer deletes the dead one's folder
        assert not leftover.exists()
    assert not leftover.with_suffix(".lock").exists()


def test_a_kill_during_kg_build_keeps_the_previous_exports_and_store(built: Path, cache: Path):
    """``kg build`` killed while it writes: the folder and the store index are the last build's."""
    manifest_before = (built / ".manifest.json").read_bytes()
    index_before = {p.name: p.read_bytes() for p in (cache / "inputs").iterdir()}
    env = {**os.environ, "KG_CACHE_DIR": str(cache), "KG_JOBS": "1"}
    script = textwrap.dedent(
        """
        import os, signal, sys
        import kg.sparql.store as store
        real = store.StagedStore.load_ntriples
        def dying(self, source, **options):
            real(self, source, **options)
            os.kill(os.getpid(), signal.SIGKILL)  # the store is written, not yet published
        store.StagedStore.load_ntriples = dying
        from kg.cli import app
        app()
        """
    )
    args = ["build", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--out", str(built)]
    dead = subprocess.run(
        [sys.executable, "-c", script, *args, "--no-views", "--base", "https://example.org/other/"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert dead.returncode == -signal.SIGKILL, dead.stderr
    assert (built / ".manifest.json").read_bytes() == manifest_before
    assert {p.name: p.read_bytes() for p in (cache / "inputs").iterdir()} == index_before
    result = runner.invoke(app, ["query", "--graph", str(built), QUERY])
    assert result.exit_code == 0 and result.stderr == ""


def test_every_canned_query_passes_the_check_that_kg_query_skips_for_it():
    """``kg query --name`` trusts the library's own text (run_query(trusted=True)): this is why."""
    from kg.sparql.queries import catalogue
    from kg.sparql.query import canonical_query, check_query

    for query in catalogue():
        assert canonical_query(query.text) == query.text
        check_query(query.text)


def test_kg_serve_of_a_build_folder_serves_its_store_its_page_and_its_views(built: Path):
    import re
    import time
    import urllib.parse
    import urllib.request

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kg",
            "serve",
            "--graph",
            str(built),
            "--port",
            "0",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        deadline, match = time.monotonic() + 60, None
        while match is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            assert not line.startswith("note:"), line  # the build's store, not a rebuild
            match = re.search(
                r"Serving (\d+) triples at (http://\S+/)sparql; query page at (\S+) ", line
            )
        assert match is not None
        expected = ox.Store()
        expected.bulk_load(path=str(built / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
        assert int(match.group(1)) == len(expected)
        base = match.group(2)
        assert match.group(3) == base
        with urllib.request.urlopen(base) as page:
            assert b"/page/query.js" in page.read()
        with urllib.request.urlopen(base + "views/") as views:
            assert b'href="graph.nt"' not in (listing := views.read())
            assert b"index.html" not in listing  # built with --no-views: none listed
        query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
        request = urllib.request.Request(
            f"{base}sparql?{query}", headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request) as answer:
            n = json.load(answer)["results"]["bindings"][0]["n"]["value"]
        assert int(n) == len(expected)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_AFRESH_BUILD = """
import sys
import kg.runtime.workers as workers
original, marker = workers._resume_afresh, sys.argv[1]
def recorded(task, write_fd, pass_fds):
    open(marker, "a").write("afresh\\n")  # in the forked child, before it re-executes
    return original(task, write_fd, pass_fds)
workers._resume_afresh = recorded
from kg.cli import main
sys.argv = ["kg", *sys.argv[2:]]
main()
"""


def test_a_two_process_build_fills_the_store_afresh_with_the_same_bytes(
    tmp_path: Path, cache: Path
):
    """In a fresh interpreter (forking allowed), -j 2 runs the RDF side afresh: same files, same store."""
    marker = tmp_path / "afresh.log"
    args = ["build", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--no-views"]
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                _AFRESH_BUILD,
                str(marker),
                *args,
                "--out",
                str(out),
                "-j",
                jobs,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "KG_CACHE_DIR": str(cache / jobs)},
            check=False,
        )
        assert run.returncode == 0, run.stderr[-2000:]
    assert marker.read_text() == "afresh\n"  # once: the -j 2 build's RDF side
    files = sorted(p.name for p in (tmp_path / "out1").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "out2").iterdir())
    for name in files:
        if name != ".manifest.json":
            assert (tmp_path / "out1" / name).read_bytes() == (
                tmp_path / "out2" / name
            ).read_bytes()
    [store] = (cache / "2" / "stores").iterdir()
    expected = ox.Store()
    expected.bulk_load(path=str(tmp_path / "out2" / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert set(ox.Store.read_only(str(store))) == set(expected)
