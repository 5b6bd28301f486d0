"""kg.runtime.workers: tasks in forked processes give the same results and errors as in this one."""

from __future__ import annotations

import functools
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kg.errors import CurationError, ExportError, KgError, ParseError, WorkerError
from kg.export.build import build_exports, export_file_names
from kg.runtime.workers import Afresh, available_jobs, last_task_here, run_concurrently

from .conftest import process_running

# Where fork exists and is safe, these tests must see it work (a thread left running by
# an earlier test would turn parallelism off, and fail them rather than skip them).
_fork_here = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin",
    reason="no safe fork on this platform: kg.runtime.workers runs every task in one process",
)


def needs_fork(test):  # type: ignore[no-untyped-def]
    """Run where fork is safe, and first in the session (see tests/conftest.py): a native
    thread pool that an earlier test leaves (Oxigraph's) turns forking off for good."""
    return pytest.mark.fork(_fork_here(test))


def test_results_come_back_in_task_order_even_with_more_tasks_than_jobs():
    tasks = [lambda i=i: i * i for i in range(7)]
    assert run_concurrently(tasks, jobs=2) == [0, 1, 4, 9, 16, 25, 36]
    assert run_concurrently(tasks, jobs=1) == [0, 1, 4, 9, 16, 25, 36]
    assert run_concurrently([], jobs=2) == []


@needs_fork
def test_the_first_task_runs_here_and_the_others_in_child_processes():
    pids = run_concurrently([os.getpid, os.getpid, os.getpid], jobs=2)
    assert pids[0] == os.getpid()
    assert pids[1] != os.getpid() and pids[2] != os.getpid() and pids[1] != pids[2]


def test_only_the_last_task_run_here_in_turn_may_free_shared_inputs():
    assert last_task_here()
    assert run_concurrently([last_task_here] * 3, jobs=1) == [False, False, True]
    # Nested in a task with later ones here, even the inner last one is not the last.
    inner = lambda: run_concurrently([last_task_here] * 2, jobs=1)  # noqa: E731
    assert run_concurrently([inner, inner], jobs=1) == [[False, False], [False, True]]
    assert last_task_here()


@needs_fork
def test_forked_tasks_are_each_the_last_in_their_process():
    assert run_concurrently([last_task_here] * 3, jobs=2) == [True, True, True]
    assert last_task_here()


def test_one_job_runs_everything_in_this_process(monkeypatch):
    monkeypatch.setenv("KG_JOBS", "1")
    assert run_concurrently([os.getpid, os.getpid]) == [os.getpid(), os.getpid()]


@pytest.mark.parametrize("value", ["two", "0", "-1"])
def test_a_bad_jobs_setting_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("KG_JOBS", value)
    with pytest.raises(KgError, match="jobs|KG_JOBS"):
        run_concurrently([os.getpid])


def test_no_fork_while_other_threads_run():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert available_jobs(2) == 1
        assert run_concurrently([os.getpid, os.getpid], jobs=2) == [os.getpid()] * 2
    finally:
        stop.set()
        thread.join()


def test_parse_errors_survive_pickling_with_their_location():
    err = pickle.loads(pickle.dumps(CurationError("unknown ref", source="data/x.yaml", line=7)))
    assert type(err) is CurationError
    assert (err.source, err.line, str(err)) == ("data/x.yaml", 7, "data/x.yaml:7: unknown ref")


def _raise_parse_error() -> None:
    raise ParseError("bad entry", source="list.md", line=12, column=3)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_kg_error_in_a_task_is_raised_here_as_itself(jobs):
    with pytest.raises(ParseError) as caught:
        run_concurrently([lambda: 1, _raise_parse_error], jobs=jobs)
    assert (caught.value.source, caught.value.line, caught.value.column) == ("list.md", 12, 3)


def test_an_afresh_task_gives_the_same_result_wherever_it_runs():
    tasks = [
        lambda: 1,
        Afresh(functools.partial(int, "20")),
        Afresh(functools.partial(str.upper, "a")),
    ]
    assert run_concurrently(tasks, jobs=1) == [1, 20, "A"]
    assert run_concurrently(tasks, jobs=2) == [1, 20, "A"]
    assert run_concurrently(tasks[::-1], jobs=2) == ["A", 20, 1]  # the first runs here


# Run afresh, a task is unpickled in a new interpreter: these are module-level.
_BALLAST: list[bytearray] = []


def _hold(megabytes: int) -> None:
    """Make this process hold ``megabytes`` more, all resident (written to)."""
    _BALLAST.append(bytearray(b"x" * (megabytes << 20)))


def _me(payload: bytes) -> dict[str, object]:
    status = Path("/proc/self/status").read_text()
    rss_kib = int(
        next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]
    )
    return {
        "pid": os.getpid(),
        "parent": os.getppid(),
        "ballast": len(_BALLAST),
        "rss MiB": rss_kib >> 10,
        "payload": len(payload),
    }


def _fail(message: str) -> None:
    raise ExportError(message)


@needs_fork
def test_an_afresh_task_runs_in_a_new_interpreter_without_this_ones_memory():
    _hold(400)
    try:
        here, child = run_concurrently(
            [os.getpid, Afresh(functools.partial(_me, b"y" * 1000))], jobs=2
        )
    finally:
        _BALLAST.clear()
    assert child["parent"] == here and child["pid"] != here  # forked from here
    assert child["ballast"] == 0  # a new interpreter: nothing of this heap
    assert child["rss MiB"] < 200, child  # not this process's 400 MiB and more
    assert child["payload"] == 1000  # its arguments came along


@needs_fork
def test_a_task_that_cannot_be_pickled_runs_in_the_forked_child_as_it_is():
    held = [1, 2, 3]
    here, (pid, value) = run_concurrently([os.getpid, Afresh(lambda: (os.getpid(), held))], jobs=2)
    assert pid != here and value == [1, 2, 3]


@needs_fork
def test_an_error_in_an_afresh_task_is_raised_here_and_every_child_is_reaped():
    with pytest.raises(ExportError, match="afresh and failed"):
        run_concurrently([lambda: 1, Afresh(functools.partial(_fail, "afresh and failed"))], jobs=2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@needs_fork
def test_a_large_result_of_an_afresh_task_comes_back_whole():
    big = Afresh(functools.partial(bytes, 10_240_000))  # far past a pipe's buffer
    assert run_concurrently([lambda: 1, big], jobs=2) == [1, bytes(10_240_000)]


@needs_fork
def test_an_afresh_task_keeps_the_descriptors_it_is_given(tmp_path: Path):
    fd = os.open(tmp_path / "out", os.O_WRONLY | os.O_CREAT)
    try:
        write = Afresh(functools.partial(os.write, fd, b"written afresh"), pass_fds=(fd,))
        assert run_concurrently([lambda: 0, write], jobs=2) == [0, 14]
        assert not os.get_inheritable(fd)  # here, as it was
    finally:
        os.close(fd)
    assert (tmp_path / "out").read_bytes() == b"written afresh"


@needs_fork
def test_a_child_that_cannot_start_afresh_says_so_in_one_line(monkeypatch, capfd):
    import kg.runtime.workers as workers

    monkeypatch.setattr(
        workers, "_RESUME", workers._RESUME.replace("kg.runtime.resume", "kg.runtime.no_such")
    )
    with pytest.raises(WorkerError, match="exited with status 1"):
        run_concurrently([lambda: 1, Afresh(functools.partial(int, "2"))], jobs=2)
    err = capfd.readouterr().err
    assert err.strip() == (
        "kg: a build process could not start: ModuleNotFoundError: No module named 'kg.runtime.no_such'"
    )


_KILLED_PARENT = """
import functools, os, sys, time
sys.path.insert(0, {root!r})
from kg.runtime.workers import Afresh, run_concurrently
from tests import test_workers
def parent_dies():
    while not os.path.exists({pid_file!r}):
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(os.getpid(), 9)
run_concurrently([parent_dies, Afresh(functools.partial(test_workers._linger, {pid_file!r}))], jobs=2)
"""


def _linger(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    time.sleep(60)


@needs_fork
def test_an_afresh_task_dies_with_the_parent(tmp_path: Path):
    pid_file = tmp_path / "afresh.pid"
    code = _KILLED_PARENT.format(root=str(Path(__file__).parent.parent), pid_file=str(pid_file))
    run = subprocess.run([sys.executable, "-c", code], timeout=120, check=False)
    assert run.returncode == -9
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while process_running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_running(child), "the afresh task outlived its killed parent"


@needs_fork
def test_a_bug_in_a_child_becomes_a_worker_error_naming_it():
    def bug() -> None:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(WorkerError, match="ZeroDivisionError: division by zero"):
        run_concurrently([lambda: 1, bug], jobs=2)


_KILLED_CHILD = """
import os, signal
from kg.errors import WorkerError
from kg.runtime.workers import run_concurrently
parent = os.getpid()
def die():
    assert os.getpid() != parent, "the task ran in the parent: forking was refused"
    os.kill(os.getpid(), signal.SIGKILL)
try:
    run_concurrently([lambda: 1, die], jobs=2)
except WorkerError as err:
    print(err)
"""


@needs_fork
def test_a_killed_child_is_reported_not_hung_on():
    # In a fresh process: in this one, threads left by earlier tests (a store's native
    # pool) make run_concurrently refuse to fork, and the task would kill the test runner.
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_CHILD], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "killed by signal 9" in result.stdout


@needs_fork
def test_an_error_here_stops_the_children():
    def here() -> None:
        raise ExportError("disk full")

    with pytest.raises(ExportError, match="disk full"):
        run_concurrently([here, lambda: threading.Event().wait(60)], jobs=2)
    with pytest.raises(ChildProcessError):  # every child was reaped
        os.waitpid(-1, os.WNOHANG)


def test_parallel_and_serial_builds_write_the_same_bytes(tmp_path: Path, default_kb):
    build_exports(default_kb, tmp_path / "serial", jobs=1)
    build_exports(default_kb, tmp_path / "parallel", jobs=2)
    serial = {p.name: p.read_bytes() for p in (tmp_path / "serial").iterdir()}
    parallel = {p.name: p.read_bytes() for p in (tmp_path / "parallel").iterdir()}
    assert sorted(serial) == sorted([*export_file_names(), ".manifest.json"])
    assert parallel == serial


@pytest.mark.parametrize(
    "failing", ["kg.export.graphml.graphml_pieces", "kg.export.rdf_formats.jsonld_chunks"]
)
def test_a_failure_in_either_process_leaves_the_previous_exports(
    tmp_path: Path, monkeypatch, default_kb, failing
):
    import importlib

    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=2)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    module, name = failing.rsplit(".", 1)

    def broken(*args: object, **kwargs: object) -> bytes:
        raise ExportError("boom")

    monkeypatch.setattr(importlib.import_module(module), name, broken)
    with pytest.raises(ExportError, match="boom"):
        build_exports(default_kb, out, views=False, jobs=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp file left


@needs_fork
def test_no_fork_when_the_machine_has_less_memory_free_than_this_process_holds(monkeypatch):
    import kg.runtime.workers as workers

    monkeypatch.setattr(workers, "_memory_available", lambda: 10 * 2**20)
    monkeypatch.setattr(workers, "_resident", lambda: 500 * 2**20)
    assert available_jobs(2) == 1
    assert run_concurrently([os.getpid, os.getpid], jobs=2) == [os.getpid()] * 2
    monkeypatch.setattr(workers, "_memory_available", lambda: 8 * 2**30)
    assert available_jobs(2) == min(2, workers._cpu_count())


def test_memory_readings_are_plausible_here():
    import kg.runtime.workers as workers

    free, held = workers._memory_available(), workers._resident()
    if sys.platform.startswith("linux"):
        assert free is not None and free > 0
        assert held is not None and 10 * 2**20 < held < 64 * 2**30
