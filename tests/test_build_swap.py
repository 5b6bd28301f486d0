"""A build replaces the output folder in one step, one build at a time, and leaves no trash.

Issue 15 items 6 and 7: kills between renames mixed two builds, concurrent builds
interleaved, killed builds left their forked worker running and gigabytes of temp files,
and the clean-up deleted users' ``.*.tmp`` files. The abuse test at the end kills real
``kg build`` processes at random points and checks the folder each time.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from kg.errors import ExportError
from kg.export.build import build_exports, export_file_names, write_exports
from kg.export.lock import LOCK_NAME, FolderLock
from kg.export.swap import MANIFEST_NAME, read_manifest, verify

from .conftest import process_running

ROOT = Path(__file__).resolve().parent.parent
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux system calls")

_PARSERS = {
    "graph.ttl": ox.RdfFormat.TURTLE,
    "graph.nt": ox.RdfFormat.N_TRIPLES,
    "graph.jsonld": ox.RdfFormat.JSON_LD,
}


def _assert_one_complete_build(out: Path) -> None:
    """Every listed file matches the manifest and parses; nothing else of ours is there."""
    assert verify(out) == []
    manifest = read_manifest(out)
    assert manifest is not None
    assert set(export_file_names()) <= set(manifest)
    for name, fmt in _PARSERS.items():
        assert len(list(ox.parse((out / name).read_bytes(), format=fmt))) > 0
    nx.read_graphml(out / "graph.graphml")
    for name in manifest:
        if name.endswith(".html"):
            assert (out / name).read_bytes().rstrip().endswith(b"</html>")


def _strays(out: Path) -> list[str]:
    """Entries in and beside ``out`` that the last build neither listed nor cleaned up."""
    ours = {*export_file_names(), *(read_manifest(out) or ()), MANIFEST_NAME}
    inside = [p.name for p in out.iterdir() if p.name not in ours]
    beside = [p.name for p in out.parent.iterdir() if "kg-build" in p.name]
    return sorted(inside + beside)


def test_a_build_writes_a_manifest_that_verifies(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    build_exports(default_kb, out, jobs=1)
    _assert_one_complete_build(out)
    assert _strays(out) == []
    (out / "graph.nt").write_bytes(b"")  # a reader that trusts the manifest notices
    assert verify(out) == ["graph.nt: does not match the manifest"]


def test_a_partial_write_keeps_the_other_files_and_their_manifest_entries(
    tmp_path: Path, default_kb
):
    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=1)
    before = read_manifest(out)
    write_exports({"ego-x.html": b"<html></html>\n"}, out)
    after = read_manifest(out)
    assert before is not None and after is not None
    assert after == {**before, "ego-x.html": after["ego-x.html"]}
    assert verify(out) == []


def test_files_the_build_does_not_write_survive_it(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    out.mkdir()
    (out / "README.md").write_text("mine")
    (out / ".notes.tmp").write_text("also mine")
    os.utime(out / ".notes.tmp", (0, 0))
    (out / "link").symlink_to("README.md")
    inode = (out / "README.md").stat().st_ino
    build_exports(default_kb, out, views=False, jobs=1)
    assert (out / "README.md").read_text() == "mine"
    assert (out / "README.md").stat().st_ino == inode  # the same file, not a copy
    assert (out / ".notes.tmp").read_text() == "also mine"
    assert os.readlink(out / "link") == "README.md"
    assert verify(out) == []


def test_sub_folders_of_the_output_folder_survive_the_swap(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    (out / "focus").mkdir(parents=True)
    (out / "focus" / "ego-x.html").write_text("kept")
    build_exports(default_kb, out, views=False, jobs=1)
    assert (out / "focus" / "ego-x.html").read_text() == "kept"
    assert verify(out) == []
    assert _strays(out) == ["focus"]


@linux_only
def test_the_swap_is_one_step(tmp_path: Path, default_kb):
    """A reader holding the old folder sees only the old build; the path gives the new."""
    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=1)
    old = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    try:
        old_nt = (out / "graph.nt").read_bytes()
        (out / "graph.nt").write_bytes(b"")  # make the next build's files differ
        build_exports(default_kb, out, views=False, jobs=1)
        assert os.stat(out).st_ino != os.fstat(old).st_ino  # a new folder, swapped in
        assert (out / "graph.nt").read_bytes() == old_nt
        assert os.listdir(old) == []  # the old folder was removed whole
    finally:
        os.close(old)


def test_a_second_build_waits_then_fails_with_a_clear_error(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        with pytest.raises(ExportError, match=r"another build \(pid \d+\) is writing into"):
            build_exports(default_kb, out, views=False, jobs=1, lock_timeout=0.3)
    assert not (out / LOCK_NAME).exists()


def test_a_waiting_build_runs_once_the_first_has_finished(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    out.mkdir()
    lock = FolderLock(out)
    lock.acquire()
    timer = threading.Timer(0.5, lock.release)
    timer.start()
    start = time.monotonic()
    build_exports(default_kb, out, views=False, jobs=1, lock_timeout=30)
    assert time.monotonic() - start >= 0.45
    assert verify(out) == []


def test_concurrent_cli_builds_into_one_folder_are_serialised(tmp_path: Path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", "--out", str(out), "--jobs", "1"]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE) for _ in range(2)]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    _assert_one_complete_build(out)
    assert _strays(out) == []


def _kill_script(out: Path, when: str) -> str:
    """Python that builds into ``out`` and SIGKILLs itself ``when`` the folders swap."""
    return (
        "import os, signal\n"
        "import kg.export.swap as swap\n"
        "from kg.pipeline import build_knowledge_base\n"
        "from kg.export.build import build_exports\n"
        "real = swap._exchange\n"
        "def exchange(a, b):\n"
        f"    if {when == 'before'!r}: os.kill(os.getpid(), signal.SIGKILL)\n"
        "    done = real(a, b)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "swap._exchange = exchange\n"
        "kb = build_knowledge_base(['data/awesome-paper-list-synthetic-data.md'], curation='data')\n"
        f"build_exports(kb, {str(out)!r}, views=False, jobs=2)\n"
    )


@linux_only
@pytest.mark.parametrize("when", ["before", "after"])
def test_a_kill_at_the_swap_leaves_one_complete_build(tmp_path: Path, default_kb, when):
    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=1)
    (out / "mine.txt").write_text("a user's file")
    (out / "focus").mkdir()  # a sub-folder is moved into the new folder before the swap
    (out / "focus" / "ego-x.html").write_text("an ego view")
    old_folder = os.stat(out).st_ino
    run = subprocess.run([sys.executable, "-c", _kill_script(out, when)], cwd=ROOT, check=False)
    assert run.returncode == -signal.SIGKILL
    assert verify(out) == []
    assert (os.stat(out).st_ino == old_folder) is (when == "before")  # old build, or new
    assert (out / "mine.txt").read_text() == "a user's file"
    # What the killed build left is recorded in the lock file; the next build removes it
    # (and, killed before the swap, first moves the sub-folder back where it was).
    record = json.loads((out / LOCK_NAME).read_text())
    assert "kg-build" in Path(record["staging"]).name
    build_exports(default_kb, out, views=False, jobs=1)
    assert _strays(out) == ["focus", "mine.txt"]
    assert (out / "focus" / "ego-x.html").read_text() == "an ego view"


@linux_only
def test_a_killed_build_takes_its_worker_along_and_leaves_no_bytes(tmp_path: Path, default_kb):
    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=1)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    pid_file = tmp_path / "worker.pid"
    code = (
        "import os, signal, time\n"
        "import kg.export.rdf_formats as formats\n"
        "from kg.pipeline import build_knowledge_base\n"
        "from kg.export.build import build_exports\n"
        "def slow(triples):\n"  # the forked worker: announces itself, writes, then lingers
        f"    open({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
        "    yield b'x' * 10_000_000\n"
        "    time.sleep(60)\n"
        "    yield b''\n"
        "formats.jsonld_chunks = slow\n"
        "import kg.export.graphml as graphml\n"
        "def graph_then_die(graph, **kw):\n"  # the parent: waits for the worker, dies
        f"    while not os.path.exists({str(pid_file)!r}) or not open({str(pid_file)!r}).read():\n"
        "        time.sleep(0.05)\n"
        "    time.sleep(0.3)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "graphml.graphml_pieces = graph_then_die\n"
        "kb = build_knowledge_base(['data/awesome-paper-list-synthetic-data.md'], curation='data')\n"
        f"build_exports(kb, {str(out)!r}, views=False, jobs=2)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False, timeout=120)
    assert run.returncode == -signal.SIGKILL
    worker = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while process_running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_running(worker), "the forked worker outlived the killed build"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != LOCK_NAME} == before
    assert [p.name for p in tmp_path.iterdir() if "kg-build" in p.name] == []


@pytest.mark.slow
@linux_only
def test_abuse_kill_9_at_random_points_of_a_build(tmp_path: Path):
    """Kill real ``kg build`` runs (jobs=2) at random moments; one complete build remains."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate, write_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    source = write_corpus(generate(300, seed=7), tmp_path / "list")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg", "build", str(source), "--out", str(out), "-j", "2"]
    start = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    full = time.monotonic() - start
    rng = random.Random(15)
    for _ in range(6):
        run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.0) * full)
        workers = _children(run.pid)
        run.kill()
        run.wait()
        deadline = time.monotonic() + 10
        while any(process_running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(process_running(pid) for pid in workers), "a worker outlived its build"
        _assert_one_complete_build(out)
        leftovers = _strays(out)
        if leftovers:  # killed mid-build: only the lock file, naming what to delete
            assert LOCK_NAME in leftovers
            recorded = Path(json.loads((out / LOCK_NAME).read_text())["staging"]).name
            assert set(leftovers) <= {LOCK_NAME, recorded}
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    _assert_one_complete_build(out)
    assert _strays(out) == []


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]
