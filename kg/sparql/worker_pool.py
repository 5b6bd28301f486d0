"""The worker pool of ``kg serve``: worker processes started, handed out fairly, killed.

The HTTP layer asks the pool (:class:`WorkerPool`) to answer a query; the pool picks a
free worker process (:mod:`kg.sparql.endpoint_worker`), waits for its answer up to the
time limit, and kills it (SIGKILL) when the limit passes, with a warm spare taking its
place while a replacement loads the graph. Workers are plain subprocesses over a socket
pair, all started by one long-lived thread (Linux's ``PR_SET_PDEATHSIG`` follows the
thread that forked them). Between clients the pool is fair: one address runs at most
half the workers, and clients whose queries were just killed are served last, so a
client looping on runaway queries slows only itself.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from kg.errors import QueryError
from kg.sparql.answer import Response

__all__ = ["WorkerPool"]

log = logging.getLogger("kg.sparql.endpoint")


class _Worker:
    """One worker process, started with ``python -m kg.sparql.endpoint_worker`` over a socket pair.

    A plain subprocess (not ``multiprocessing``'s spawn) never re-imports the caller's
    ``__main__``, so the endpoint works from any script, notebook or test runner.
    """

    def __init__(self, args: tuple[str, int, int]) -> None:
        parent, child = socket.socketpair()
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        try:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg.sparql.endpoint_worker",
                    str(child.fileno()),
                    *map(str, args),
                ],
                pass_fds=[child.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=env,
            )
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        self.pid = self.process.pid
        #: How the worker is kept off the network ("netns", "seccomp"); set when ready.
        self.offline: tuple[str, ...] = ()

    def wait_ready(self) -> _Worker:
        """Wait for the worker to load the graph; kill it and raise if it cannot."""
        if not self.conn.poll(120):
            self.kill()
            raise QueryError("a query worker did not start within 120 s")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError):
            status, detail = "error", f"exit status {self.process.wait(5)}"
        if status != "ready":
            self.kill()
            raise QueryError(f"a query worker could not load the graph: {detail}")
        self.offline = tuple(detail[1])
        return self

    def kill(self) -> None:
        self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass  # still reaped later by the OS; nothing more we can do
        self.conn.close()


@dataclass(eq=False)
class _Ticket:
    client: str
    seq: int


class WorkerPool:
    """A fixed number of worker processes, each with the graph in memory, shared fairly.

    Fairness between clients (by address): one client runs at most ``per_client``
    queries at once and holds at most ``per_client + size`` places (running or waiting);
    a free worker goes to the waiting client whose queries were killed least in the
    last minute, then to the longest waiting. So a client looping on runaway queries
    holds at most half the workers, and its next query waits behind everyone else's.
    One spare worker beyond ``size`` is kept loaded: when a runaway query's worker is
    killed, the spare takes its place at once while the replacement loads the graph.

    Args:
        graph_path: N-Triples file of the graph (see :func:`kg.sparql.endpoint.write_graph`).
        size: Number of workers, i.e. of queries evaluated at once.
        timeout: Seconds a query may run (parse, evaluation and serialisation) before
            its worker is killed.
        max_rows: Most solutions (or triples) a response carries.
        memory_bytes: Address-space limit of each worker (0: none).
        per_client: Queries one client may run at once (0: half of ``size``, at least 1).
        spare: Loaded workers kept beyond ``size`` (they take a killed worker's place).
        queue_wait: Seconds a query may wait for a worker (default: twice ``timeout`` + 5).
    """

    def __init__(
        self,
        graph_path: Path,
        *,
        size: int,
        timeout: float,
        max_rows: int,
        memory_bytes: int,
        per_client: int = 0,
        spare: int = 1,
        queue_wait: float | None = None,
    ) -> None:
        self.timeout = timeout
        self.size = size
        self.per_client = per_client or max(1, size // 2)
        self.queue_wait = 2 * timeout + 5 if queue_wait is None else queue_wait
        self._args = (str(graph_path), max_rows, memory_bytes)
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._ready = threading.Condition(self._lock)
        self._waiting: list[_Ticket] = []
        self._running: dict[str, int] = {}
        self._kills: dict[str, list[float]] = {}
        self._seq = itertools.count()
        self._workers: set[_Worker] = set()
        self._closed = False
        self.killed = 0
        # Every worker is started by this one long-lived thread: Linux's PR_SET_PDEATHSIG
        # fires when the *thread* that forked a worker ends, not only its process.
        self._jobs: queue.Queue[
            tuple[int, queue.Queue[list[_Worker | QueryError]] | None] | None
        ] = queue.Queue()
        self._spawner = threading.Thread(
            target=self._spawn_loop, daemon=True, name="kg-sparql-spawner"
        )
        self._spawner.start()
        done: queue.Queue[list[_Worker | QueryError]] = queue.Queue()
        self._jobs.put((size + spare, done))
        started = done.get()
        failed = [item for item in started if isinstance(item, QueryError)]
        for item in started:
            if isinstance(item, _Worker):
                if failed:
                    item.kill()
                else:
                    self._add(item)
        if failed:
            self.close()
            raise failed[0]

    def _spawn_loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            count, done = job
            starting = [_Worker(self._args) for _ in range(count)]  # start together, then wait
            results: list[_Worker | QueryError] = []
            for worker in starting:
                try:
                    results.append(worker.wait_ready())
                except QueryError as err:
                    results.append(err)
            if done is not None:
                done.put(results)
                continue
            for item in results:
                if isinstance(item, _Worker):
                    self._add(item)
                else:
                    log.error("could not replace a query worker: %s", item)

    def _add(self, worker: _Worker) -> None:
        with self._lock:
            if self._closed:
                worker.kill()
                return
            self._workers.add(worker)
            self._idle.append(worker)
            self._ready.notify_all()

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.kill()
        self._jobs.put((1, None))

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and operators)."""
        with self._lock:
            return sorted(w.pid for w in self._workers)

    @property
    def offline(self) -> set[str]:
        """How every live worker is kept off the network (``"netns"``, ``"seccomp"``)."""
        with self._lock:
            layers = [set(w.offline) for w in self._workers]
        return set.intersection(*layers) if layers else set()

    def _penalty(self, client: str, now: float) -> int:
        recent = [t for t in self._kills.get(client, []) if now - t < _PENALTY_SECONDS]
        self._kills[client] = recent
        return len(recent)

    def _next(self) -> _Ticket | None:
        """The waiting ticket a free worker goes to (call with the lock held)."""
        if not self._idle or sum(self._running.values()) >= self.size:
            return None
        now = time.monotonic()
        eligible = [t for t in self._waiting if self._running.get(t.client, 0) < self.per_client]
        if not eligible:
            return None
        return min(eligible, key=lambda t: (self._penalty(t.client, now), t.seq))

    def _acquire(self, client: str) -> _Worker | Response:
        with self._ready:
            held = self._running.get(client, 0) + sum(t.client == client for t in self._waiting)
            if held >= self.per_client + self.size:
                return Response.text(
                    429, "too many queries from this client at once; wait for your answers"
                )
            ticket = _Ticket(client, next(self._seq))
            self._waiting.append(ticket)
            deadline = time.monotonic() + self.queue_wait
            try:
                while self._closed or self._next() is not ticket:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or self._closed:
                        return Response.text(503, "every query worker is busy; try again shortly")
                    self._ready.wait(remaining)
            finally:
                self._waiting.remove(ticket)
            self._running[client] = self._running.get(client, 0) + 1
            self._ready.notify_all()  # another waiter may be next now
            return self._idle.pop()

    def _release(self, client: str, worker: _Worker | None) -> None:
        with self._ready:
            self._running[client] -= 1
            if not self._running[client]:
                del self._running[client]
            if worker is not None and not self._closed:
                self._idle.append(worker)
            self._ready.notify_all()

    def run(self, text: str, accept: str | None, *, client: str = "") -> Response:
        """Answer one query in a free worker, within the time limit, fairly between clients."""
        got = self._acquire(client)
        if isinstance(got, Response):
            return got
        worker: _Worker | None = got
        try:
            return self._ask(got, text, accept, client)
        except _WorkerLost as lost:
            worker = None
            return lost.response
        finally:
            self._release(client, worker)

    def _ask(self, worker: _Worker, text: str, accept: str | None, client: str) -> Response:
        try:
            worker.conn.send((text, accept))
            if worker.conn.poll(self.timeout):
                status, content_type, body, headers = worker.conn.recv()
                return Response(status, content_type, body, headers)
        except (EOFError, OSError):
            try:
                code = worker.process.wait(2)
            except subprocess.TimeoutExpired:
                code = None
            self._replace(worker)
            how = (
                f"killed by {signal.Signals(-code).name}"
                if code is not None and code < 0
                else f"exit status {code}"
            )
            raise _WorkerLost(
                Response.text(
                    503,
                    f"the query stopped its worker process ({how}); it probably exceeded the memory limit",
                )
            ) from None
        with self._lock:
            self.killed += 1
            self._kills.setdefault(client, []).append(time.monotonic())
        self._replace(worker)
        raise _WorkerLost(
            Response.text(
                503,
                f"the query was stopped after {self.timeout:g} s, the time limit of this endpoint; "
                "narrow it or add a LIMIT",
            )
        )

    def close(self) -> None:
        """Kill every worker; later :meth:`run` calls wait and then answer 503."""
        self._jobs.put(None)
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            worker.kill()
        with self._ready:
            self._ready.notify_all()


#: How long a killed query counts against its client when workers are handed out.
_PENALTY_SECONDS = 60.0


class _WorkerLost(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response
