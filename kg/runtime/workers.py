"""Running independent pieces of a build at the same time, on the machine's other cores.

A build is single-threaded Python, and most of it can't share a core through threads
(the GIL). Its large stages are independent of each other once their input exists (the
Turtle, JSON-LD and GraphML exports of the same triples; the views; the inline parsing
of different paragraphs), so :func:`run_concurrently` runs them in forked child
processes: a fork shares the parent's whole heap (knowledge base, triples) copy-on-write,
so no input is pickled; only each task's result travels back, pickled through a pipe.

When forking is not possible or not safe, the same tasks run one after the other in this
process, with the same results: on a platform without ``fork`` (Windows) or where it is
unsafe (macOS), when this process already runs other threads (a child would inherit
their locks in whatever state they were), with one CPU, or when ``KG_JOBS=1``. Callers
therefore never depend on parallelism for correctness, only for speed.

A child never outlives the build: on Linux it asks the kernel for ``SIGKILL`` the moment
its parent dies (``prctl(PR_SET_PDEATHSIG)``), so a ``kill -9`` of ``kg build`` takes its
workers along with it (they used to go on writing gigabytes of temp files for nobody);
and the parent kills and reaps its children whenever it leaves :func:`run_concurrently`
early (an error, Ctrl-C).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from kg.errors import KgError, WorkerError

__all__ = ["Afresh", "available_jobs", "last_task_here", "run_both", "run_concurrently"]

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Afresh(Generic[T]):
    """A task for a new interpreter: forked, then re-executed with only what ``task`` holds.

    Why: a forked child copies every page of the parent it writes to, and a Python
    process writes to most pages it reads (reference counts) or allocates into (the
    holes of the parent's heap). A task that needs little of the parent (the RDF exports
    need the triples, not the knowledge base) runs instead in a fresh interpreter: the
    child pickles ``task`` into an unnamed file and re-executes itself (``execve`` of
    this Python, keeping its pid, its pipe to the parent and ``pass_fds``). At 100,000
    papers the build's RDF side so holds 0.7 GiB while writing and 0.16 GiB while
    loading the store, where the forked child held 0.9 GiB. ``task`` must therefore pickle
    (a :func:`functools.partial` of a module-level function, with picklable arguments).
    Where it runs in this process (the first task, or one job), it simply runs here.
    """

    task: Callable[[], T]
    #: File descriptors ``task`` uses, kept open across the ``execve``.
    pass_fds: tuple[int, ...] = ()

    def __call__(self) -> T:
        """The task, here."""
        return self.task()


#: Environment variable that caps the processes a build uses (``1``: no child processes).
JOBS_VARIABLE = "KG_JOBS"


def _cpu_count() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _native_threads() -> int:
    """Threads of this process, native ones included (a Rust pool would not show in ``threading``)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def _memory_available() -> int | None:
    """Bytes the kernel could give this process without swapping (Linux), else None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _resident() -> int | None:
    """This process's resident memory in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def available_jobs(requested: int | None = None) -> int:
    """How many processes a build may use now: 1 unless forking is possible and safe.

    Forking is also declined when the machine has less memory free than this process
    holds: a child copies every page it writes to, and reading a Python object writes
    its reference count, so in the worst case it needs as much again. One process is
    slower; running out of memory would lose the build.

    Args:
        requested: An explicit cap (``kg build --jobs``); ``None`` reads ``KG_JOBS``, then
            uses every CPU this process may run on.
    """
    if requested is None:
        value = os.environ.get(JOBS_VARIABLE, "").strip()
        if value:
            try:
                requested = int(value)
            except ValueError:
                raise KgError(f"{JOBS_VARIABLE} must be a whole number, not {value!r}") from None
    if requested is not None and requested < 1:
        raise KgError(f"the number of jobs must be at least 1, not {requested}")
    if not hasattr(os, "fork") or sys.platform == "darwin" or _native_threads() > 1:
        return 1
    free, held = _memory_available(), _resident()
    if free is not None and held is not None and free < held:
        return 1
    cpus = _cpu_count()
    return max(1, min(cpus, requested) if requested is not None else cpus)


#: Tasks of the running :func:`run_concurrently` still to start in this process after the
#: current one (each process has its own copy: a forked child runs one task, so 0).
_later_here = 0


def last_task_here() -> bool:
    """Whether no other task of :func:`run_concurrently` runs after this one in this process.

    A task may then free the large inputs it shares with the others once it is done with
    them: in a forked child, or in the parent while the children run the rest, nothing
    else here reads them again; when the tasks run one after the other in this process,
    only the last may (the others would leave the later ones an emptied input). Outside
    :func:`run_concurrently` it is ``True``.

    >>> last_task_here()
    True
    >>> run_concurrently([last_task_here, last_task_here], jobs=1)
    [False, True]
    """
    return _later_here == 0


def run_concurrently(
    tasks: Sequence[Callable[[], T] | Afresh[T]], *, jobs: int | None = None
) -> list[T]:
    """Run ``tasks`` and return their results in order, forking when it is worth it and safe.

    The first task runs in this process while the others run in forked children (at most
    ``jobs - 1`` of them at once, so ``jobs`` processes in all); with one job every task
    runs here in turn. An :class:`Afresh` task run in a child runs in that child
    re-executed afresh. A task's exception is raised here: a :class:`KgError` as itself
    when it can be pickled, anything else as a :class:`WorkerError` naming it.

    Tasks run in a child must not rely on side effects in this process (they happen in
    the child's copy of memory): return what is needed, or write files and return their
    names.
    """
    if not tasks:
        return []
    jobs = available_jobs(jobs)
    global _later_here
    outer = _later_here
    if jobs == 1 or len(tasks) == 1:
        results_here: list[T] = []
        try:
            for index, task in enumerate(tasks):
                _later_here = outer + len(tasks) - 1 - index
                results_here.append(task())
        finally:
            _later_here = outer
        return results_here
    results: list[T | None] = [None] * len(tasks)
    pending = list(range(1, len(tasks)))
    running: dict[int, tuple[int, int]] = {}  # task index -> (pid, read end of its pipe)
    try:
        while pending and len(running) < jobs - 1:
            index = pending.pop(0)
            running[index] = _fork(tasks[index])
        results[0] = tasks[0]()  # the others run in children
        while running:
            index = min(running)
            pid, read_fd = running.pop(index)
            results[index] = _collect(pid, read_fd)
            if pending:
                next_index = pending.pop(0)
                running[next_index] = _fork(tasks[next_index])
    finally:
        for pid, read_fd in running.values():
            with contextlib.suppress(OSError):
                os.kill(pid, 9)
            with contextlib.suppress(OSError):
                os.close(read_fd)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
    return results  # type: ignore[return-value]


def run_both(
    first: Callable[[], T], second: Callable[[], U] | Afresh[U], *, jobs: int | None = None
) -> tuple[T, U]:
    """:func:`run_concurrently` of two tasks of different result types: ``first`` here.

    >>> run_both(lambda: 1, lambda: "two", jobs=1)
    (1, 'two')
    """
    tasks: list[Callable[[], Any] | Afresh[Any]] = [first, second]
    here, there = run_concurrently(tasks, jobs=jobs)
    return here, there


def _fork(task: Callable[[], T] | Afresh[T]) -> tuple[int, int]:
    """Start ``task`` in a child; return its pid and the pipe its pickled result comes on."""
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: run, send ("ok", result) or ("error", exception), leave at once
        global _later_here
        _later_here = 0
        code = 0
        try:
            _die_with(parent)
            os.close(read_fd)
            if isinstance(task, Afresh):
                _resume_afresh(task.task, write_fd, task.pass_fds)
            _answer(write_fd, task)  # where it could not re-execute, the task runs here
        except BaseException:  # noqa: BLE001 - the parent sees the exit code
            code = 1
        finally:
            # No atexit handlers, no flushing of the parent's buffers a second time.
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


#: The Python code a re-executed child starts with: ``kg`` found where this one is (and
#: ``-I``: no current folder, user site or ``PYTHON*`` settings, until
#: :func:`kg.runtime.resume.main` sets this process's ``sys.path``). If even that fails,
#: one line on stderr, and the parent reports the exit status.
_RESUME = """import sys
sys.path.insert(0, sys.argv[1])
try:
    from kg.runtime.resume import main
except Exception as err:
    sys.exit(f"kg: a build process could not start: {type(err).__name__}: {err}")
main()
"""


def _resume_afresh(task: Callable[[], Any], write_fd: int, pass_fds: tuple[int, ...]) -> None:
    """Replace this child by a new Python that runs ``task`` and answers on ``write_fd``.

    Returns only if that cannot be done (``task`` does not pickle, or ``execve`` fails);
    the caller then runs ``task`` here. The new process keeps this pid, so the parent
    collects it as any child, and the kernel still kills it with the parent
    (``PR_SET_PDEATHSIG`` survives ``execve``). ``task`` travels in an unnamed temporary
    file, after this process's ``sys.path`` (set before ``task`` is unpickled).
    """
    with tempfile.TemporaryFile() as payload:
        try:
            pickle.dump(sys.path, payload, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(task, payload, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - cannot be pickled: the caller runs it here
            return
        payload.flush()
        payload.seek(0)
        fds = (payload.fileno(), write_fd, *pass_fds)
        for fd in fds:
            os.set_inheritable(fd, True)
        sys.stdout.flush()
        sys.stderr.flush()
        root = str(Path(__file__).resolve().parents[2])
        argv = [sys.executable, "-I", "-c", _RESUME, root, str(payload.fileno()), str(write_fd)]
        with contextlib.suppress(OSError):
            os.execv(sys.executable, argv)
        for fd in fds[2:]:
            os.set_inheritable(fd, False)


def _answer(write_fd: int, task: Callable[[], Any]) -> None:
    """Run ``task`` and send its result, or its error, pickled, to the parent on ``write_fd``.

    What every child does, forked or re-executed (:mod:`kg.runtime.resume`); the parent
    reads it in :func:`_collect`.
    """
    try:
        payload = pickle.dumps(("ok", task()), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as err:  # noqa: BLE001 - everything is reported to the parent
        payload = _pickled_error(err)
    with os.fdopen(write_fd, "wb") as pipe:
        pipe.write(payload)


#: ``prctl`` option: the signal this process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """Make this (forked) process die when ``parent`` does; leave now if it already has."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _pickled_error(err: BaseException) -> bytes:
    if isinstance(err, KgError):
        try:
            data = pickle.dumps(("error", err), protocol=pickle.HIGHEST_PROTOCOL)
            pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
            return data
        except Exception:  # noqa: BLE001, S110 - fall back on the message below
            pass
    message = str(err) if isinstance(err, KgError) else f"{type(err).__name__}: {err}"
    return pickle.dumps(("error", WorkerError(message)), protocol=pickle.HIGHEST_PROTOCOL)


def _collect(pid: int, read_fd: int) -> Any:
    """Read a child's result, wait for it to exit, and return the result or raise its error."""
    with os.fdopen(read_fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data:
        if os.WIFSIGNALED(status):
            raise WorkerError(f"a build process was killed by signal {os.WTERMSIG(status)}")
        raise WorkerError(f"a build process exited with status {os.waitstatus_to_exitcode(status)}")
    kind, value = pickle.loads(data)  # noqa: S301 - our own child, through our own pipe
    if kind == "error":
        raise value
    return value
