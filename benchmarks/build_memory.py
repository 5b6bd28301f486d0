"""One ``kg build`` as users run it: wall time, CPU time, peak memory, stage seconds.

The measurement behind issue 13's item 4 (the 100,000-paper build under 2.5 GiB and
90 s): ``kg build`` of a generated list (``generate.py``) with its curation, every
export, the views and the persistent store, in a child process whose whole tree is
sampled by :class:`memory.TreeMemory` (PSS: a page shared by two processes counts once).
Each run builds into a fresh folder and a fresh store cache. The stage seconds are the
build's own (``kg build --timings``); after the fork the two sides overlap.

    .venv/bin/python benchmarks/generate.py --papers 100000 --out benchmarks/out/100000
    .venv/bin/python benchmarks/build_memory.py benchmarks/out/100000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import TreeMemory  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
_STAGE = re.compile(r"^  (\S.*?)\s+(\d+\.\d+)$")


def measure(corpus: Path, work: Path) -> dict[str, object]:
    """One build of ``corpus`` (a folder with ``list.md`` and its curation) into ``work``."""
    out, cache = work / "out", work / "cache"
    shutil.rmtree(work, ignore_errors=True)
    command = [
        sys.executable, "-m", "kg", "build", "-i", str(corpus / "list.md"),
        "--curation", str(corpus), "--out", str(out), "--timings",
    ]  # fmt: skip
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "KG_CACHE_DIR": str(cache)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    tree = TreeMemory(child.pid)
    _, err = child.communicate()
    tree.stop()
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # every process of the build, reaped
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if child.returncode != 0:
        raise SystemExit(f"kg build failed ({child.returncode}):\n{err[-2000:]}")
    stages = {m[1]: float(m[2]) for line in err.splitlines() if (m := _STAGE.match(line))}
    return {
        "wall s": round(wall, 1),
        "cpu s": round(cpu, 1),
        "peak PSS MiB": round(tree.peak_pss_mib),
        "peak RSS sum MiB": round(tree.peak_rss_sum_mib),
        "load at start": round(load, 2),
        "stages s": stages,
    }


def main(argv: list[str] | None = None) -> None:
    """Measure ``--runs`` builds; print each and the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder written by generate.py")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="kg-build-memory-") as tmp:
        for i in range(args.runs):
            runs.append(result := measure(args.corpus, Path(tmp) / str(i)))
            stages = "  ".join(f"{k} {v:.1f}" for k, v in result["stages s"].items())  # type: ignore[attr-defined]
            print(
                f"run {i + 1}: wall {result['wall s']} s, CPU {result['cpu s']} s,"
                f" peak PSS {result['peak PSS MiB']} MiB"
                f" (load {result['load at start']})\n  {stages}",
                flush=True,
            )
    walls = [float(r["wall s"]) for r in runs]  # type: ignore[arg-type]
    cpus = [float(r["cpu s"]) for r in runs]  # type: ignore[arg-type]
    peaks = [float(r["peak PSS MiB"]) for r in runs]  # type: ignore[arg-type]
    print(
        f"median of {len(runs)}: wall {statistics.median(walls):.1f} s,"
        f" CPU {statistics.median(cpus):.1f} s, peak PSS {statistics.median(peaks):.0f} MiB"
    )


if __name__ == "__main__":
    main()
