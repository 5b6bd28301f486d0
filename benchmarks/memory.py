"""Peak memory of a whole process tree, for builds that fork worker processes.

``os.wait4`` reports the peak RSS of the largest single process of a tree, not of the
tree: a build that forks a second process (``kg.runtime.workers``) would look smaller than it
is. :class:`TreeMemory` samples, from a thread of the benchmark (never inside the
measured process), every process of the tree every ``interval`` seconds and keeps the
peaks of two sums:

- PSS (proportional set size, from ``/proc/PID/smaps_rollup``): each page shared by a
  parent and its forked child counted once in all; the physical memory the build uses.
- RSS (from ``/proc/PID/statm``): shared pages counted in every process that maps them;
  an upper bound.

RSS is read every ``interval`` (50 ms), PSS every ``pss_interval`` (250 ms) at most, and
only while the RSS sum exceeds the PSS peak so far (PSS never exceeds it): reading
``smaps_rollup`` walks the process's page tables, and sampling it every 50 ms took a
quarter of a core from the build being measured. Sampling can miss a spike shorter
than the interval.
Linux only (``/proc``); elsewhere both peaks stay 0.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

__all__ = ["TreeMemory"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(p) for p in task.read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(_children(pid))
    return pids


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _rss_kib(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE // 1024
    except (OSError, ValueError, IndexError):
        return 0


class TreeMemory:
    """Sample a process tree's memory until :meth:`stop`; peaks in MiB."""

    def __init__(self, pid: int, *, interval: float = 0.05, pss_interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.pss_interval = pss_interval
        self.peak_pss_mib = 0.0
        self.peak_rss_sum_mib = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        last_pss = -self.pss_interval
        while not self._stop.is_set():
            pids = _tree(self.pid)
            rss = sum(_rss_kib(pid) for pid in pids) / 1024
            self.peak_rss_sum_mib = max(self.peak_rss_sum_mib, rss)
            self.peak_processes = max(self.peak_processes, len(pids))
            # smaps_rollup walks the page tables: costly for a large process, so read it
            # less often, and only when the RSS sum says a new PSS peak is possible.
            now = time.monotonic()
            if now - last_pss >= self.pss_interval and rss > self.peak_pss_mib:
                last_pss = now
                pss = sum(_pss_kib(pid) for pid in pids) / 1024
                self.peak_pss_mib = max(self.peak_pss_mib, pss)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop sampling (call before reaping the process, or the last samples are lost)."""
        self._stop.set()
        self._thread.join()
