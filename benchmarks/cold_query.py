"""Cold ``kg query`` on a built graph: the persistent store against loading an export or the lists.

For each size (a list made by ``generate.py`` in ``benchmarks/out/<N>/``), this builds the
graph once (``kg build``, which leaves the store in a private cache folder), then times
whole ``kg query`` processes, each a fresh interpreter:

- ``store``: ``kg query --graph DIR --name NAME`` (opens the persistent store read-only);
- ``nt``: the same query after parsing ``DIR/graph.nt`` into a fresh in-memory store
  (what ``--graph graph.nt`` did before the store existed);
- ``lists``: ``kg query -i list.md --name NAME`` with an empty cache (parses the lists and
  builds the store: what a first query after changed inputs costs).

Then, in one process, every canned query on the read-only store and on the in-memory
store of the same N-Triples (milliseconds, best of ``--repeat``), with the rows compared.

Usage::

    python benchmarks/cold_query.py --sizes 1000 10000 --out benchmarks/out/cold-query.md
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

KG = [sys.executable, "-m", "kg"]

_NT_QUERY = """
import sys, pyoxigraph as ox
from kg.sparql.queries import bind, get_query
from kg.sparql.query import ResultFormat, format_result, run_query
store = ox.Store()
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
q = get_query("authors-of-paper")
rows = run_query(store, q.text, bindings=bind({"paper": sys.argv[2]}, q.params))
sys.stdout.buffer.write(format_result(rows, ResultFormat.TABLE))
"""


def wall(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median wall seconds of ``runs`` runs of ``cmd`` (each must succeed)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise SystemExit(f"{cmd} failed: {done.stderr.decode()[-2000:]}")
    return statistics.median(times)


def canned_on_store(store_path: Path, nt: Path, size: int, repeat: int) -> list[str]:
    """Every canned query on the read-only store and on the in-memory store, in ms."""
    import pyoxigraph as ox
    from queries_latency import materialise, params_for, probes

    from kg.pipeline import build_knowledge_base
    from kg.sparql.queries import catalogue

    folder = ROOT / "benchmarks" / "out" / str(size)
    kb = build_knowledge_base([folder / "list.md"], curation=folder)
    probe = probes(kb)
    disk = ox.Store.read_only(str(store_path))
    memory = ox.Store()
    memory.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    lines = [
        f"#### Canned queries at {size:,} papers (best of {repeat}, ms)",
        "",
        "| query | rows | store (on disk, read-only) | in memory | same rows |",
        "|---|---:|---:|---:|---|",
    ]
    for query in catalogue():
        params = params_for(query, probe)
        results = []
        for source in (disk, memory):
            best, rows = float("inf"), []
            for _ in range(repeat):
                start = time.perf_counter()
                rows = materialise(source, query, params)
                best = min(best, time.perf_counter() - start)
            results.append((best, rows))
        (d, d_rows), (m, m_rows) = results
        same = "yes" if d_rows == m_rows else "**no**"
        lines.append(
            f"| {query.name} | {len(d_rows)} | {d * 1000:,.1f} | {m * 1000:,.1f} | {same} |"
        )
        print(lines[-1], flush=True)
    return lines


def measure(size: int, runs: int, repeat: int) -> list[str]:
    folder = ROOT / "benchmarks" / "out" / str(size)
    if not (folder / "list.md").is_file():
        subprocess.run(
            [sys.executable, "benchmarks/generate.py", "--papers", str(size), "--out", str(folder)],
            cwd=ROOT,
            check=True,
        )
    out = folder / "exports"
    import re

    arxiv = re.search(r"arxiv\.org/abs/([0-9.]+)", (folder / "list.md").read_text(encoding="utf-8"))
    paper = arxiv.group(1) if arxiv else "none"
    name = ["--name", "authors-of-paper", "--param", f"paper={paper}"]
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as empty:
        env = {**os.environ, "KG_CACHE_DIR": cache}
        start = time.perf_counter()
        subprocess.run(
            [*KG, "build", "-i", str(folder / "list.md"), "--curation", str(folder)]
            + ["--out", str(out), "--no-views"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        build = time.perf_counter() - start
        store = wall([*KG, "query", "--graph", str(out), *name], env, runs)
        nt = wall([sys.executable, "-c", _NT_QUERY, str(out / "graph.nt"), paper], env, runs)
        lists_env = {**os.environ, "KG_CACHE_DIR": empty}
        lists = wall(
            [*KG, "query", "-i", str(folder / "list.md"), "--curation", str(folder), *name],
            lists_env,
            1,
        )
        store_path = next((Path(cache) / "stores").glob("g-*"))
        lines = [
            f"| {size:,} | {build:.1f} | {store:.2f} | {nt:.2f} | {lists:.2f} |",
        ]
        print(lines[0], flush=True)
        canned = (
            canned_on_store(store_path, out / "graph.nt", size, repeat) if size <= 10_000 else []
        )
    return lines + [""] + canned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold process")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each canned query")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "cold-query.md")
    args = parser.parse_args()
    load = os.getloadavg()
    header = [
        "### Cold `kg query` (whole process, median seconds)",
        "",
        f"Load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"({os.cpu_count()} CPUs).",
        "",
        "| papers | kg build (s) | store | N-Triples -> fresh store | lists -> store |",
        "|---:|---:|---:|---:|---:|",
    ]
    rows: list[str] = []
    tables: list[str] = []
    for size in args.sizes:
        lines = measure(size, args.runs, args.repeat)
        rows.append(lines[0])
        tables.extend(lines[1:])
    text = "\n".join([*header, *rows, "", *tables]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
