"""Cold ``kg query`` on a built graph: the persistent store against loading an export or the lists.

For each size (a list made by ``generate.py`` in ``benchmarks/out/<N>/``), this builds the
graph once (``kg build``, which leaves the store in a private cache folder), then times
whole ``kg query`` processes, each a fresh interpreter:

- ``store``: ``kg query --graph DIR --name NAME`` (opens the persistent store read-only);
- ``nt``: the same query after parsing ``DIR/graph.nt`` into a fresh in-memory store
  (what ``--graph graph.nt`` did before the store existed);
- ``lists``: ``kg query -i list.md --name NAME`` with an empty cache (parses the lists and
  builds the store: what a first query after changed inputs costs).

Then, in one process, every canned query on the read-only store, on the in-memory
store of the same N-Triples (milliseconds, best of ``--repeat``) and on rdflib (one run,
stopped at ``--rdflib-budget`` seconds), with the rows of the three compared. Each runs
the text ``kg query --name`` runs (its default page, when it declares one), on Oxigraph
without the rdflib check, as ``kg query --name`` does. ``--before REV`` adds the
queries of that git revision, timed on a store built by that revision's code
(``git worktree``), in the same process and under the same load.

Usage::

    python benchmarks/cold_query.py --sizes 1000 10000 --out benchmarks/out/cold-query.md
    python benchmarks/cold_query.py --sizes 10000 --canned-only --before 7479be9 \
        --out benchmarks/out/canned-queries.md
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def _rows(source: Any, query: Any, params: dict[str, str]) -> list[tuple[str, ...]]:
    from kg.sparql.queries import bind
    from kg.sparql.query import run_query

    trusted = not hasattr(source, "serialize")  # Oxigraph: no rdflib check, as kg query --name
    result = run_query(source, query.text, bindings=bind(params, query.params), trusted=trusted)
    if result.form == "graph":
        return sorted((str(t),) for t in result.triples())
    return [tuple("" if t is None else str(t) for t in row) for row in result.solutions()]


def _best(fn: Any, repeat: int) -> tuple[float, list[tuple[str, ...]]]:
    best, rows = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        rows = fn()
        best = min(best, time.perf_counter() - start)
    return best, rows


def _time_all(
    store: Any, queries: list[tuple[Any, dict[str, str]]], repeat: int
) -> dict[str, tuple[float, list[tuple[str, ...]]]]:
    """Best seconds and rows of each query on ``store``, by query name."""
    return {q.name: _best(functools.partial(_rows, store, q, p), repeat) for q, p in queries}


def canned_on_store(
    store_path: Path,
    nt: Path,
    size: int,
    repeat: int,
    *,
    budget: float = 60.0,
    before: tuple[Path, list[Any]] | None = None,
) -> list[str]:
    """Every canned query on the read-only store, in memory and on rdflib, in ms.

    The on-disk stores are timed first, before the in-memory store and the rdflib graph
    are loaded into the process (a live in-memory store next to them slows them down).
    ``before``: a store built by an older revision and that revision's queries, timed
    on that store, and in memory and on rdflib on the graph of now (an older revision may
    state fewer counts: its queries then fail or differ there, which the table shows).
    """
    import pyoxigraph as ox
    from queries_latency import Budget, params_for, probes, timed

    from kg.errors import QueryError
    from kg.pipeline import build_knowledge_base
    from kg.sparql.queries import catalogue
    from kg.sparql.query import to_rdflib_graph

    folder = ROOT / "benchmarks" / "out" / str(size)
    kb = build_knowledge_base([folder / "list.md"], curation=folder)
    probe = probes(kb)
    queries = [(query, params_for(query, probe)) for query in catalogue()]
    old = {q.name: q for q in before[1]} if before else {}
    # The on-disk stores first, alone in the process: a live in-memory store of the same
    # graph next to them slows their queries about twice (papers-without-code at 10k:
    # 31 -> 75 ms), and `kg query` opens the on-disk store alone.
    on_disk = _time_all(ox.Store.read_only(str(store_path)), queries, repeat)
    old_queries = [(old[q.name], p) for q, p in queries if q.name in old]
    old_disk = _time_all(ox.Store.read_only(str(before[0])), old_queries, repeat) if before else {}
    memory = ox.Store()
    memory.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    in_memory = _time_all(memory, queries, repeat)
    old_memory = _time_all(memory, old_queries, repeat)
    graph = to_rdflib_graph(memory)
    del memory

    def on_rdflib(query: Any, params: dict[str, str]) -> tuple[float | None, list[Any]]:
        try:  # None when the run passed the budget (SIGALRM stops pure-Python rdflib)
            return timed(functools.partial(_rows, graph, query, params), repeat=1, budget=budget)
        except QueryError as err:  # run_query wraps what rdflib raised, the alarm too
            if not isinstance(err.__cause__, Budget):
                raise
            return None, []

    def ms(seconds: float | None) -> str:
        return f"> {budget * 1000:,.0f}" if seconds is None else f"{seconds * 1000:,.1f}"

    lines = [
        f"#### Canned queries at {size:,} papers (ms; Oxigraph best of {repeat}, rdflib one run)",
        "",
        "Before: the queries of the `--before` revision (on a store that revision built; in",
        "memory and on rdflib, on the same graph as now). Same rows: the three engines agree",
        "now; as before: the rows now are the rows the old query gave.",
        "",
        "| query | rows | store on disk: before | now | in memory: before | now "
        "| rdflib: before | now | same rows | as before |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for query, params in queries:
        d, d_rows = on_disk[query.name]
        m, m_rows = in_memory[query.name]
        r, r_rows = on_rdflib(query, params)
        same = "yes" if d_rows == m_rows and (r is None or r_rows == d_rows) else "**no**"
        was = ["n/a"] * 3
        as_before = "n/a"
        if query.name in old:
            od, od_rows = old_disk[query.name]
            om, om_rows = old_memory[query.name]
            orr, _ = on_rdflib(old[query.name], params)
            was = [ms(od), ms(om), ms(orr)]
            as_before = "yes" if om_rows == m_rows else "**no**"
        lines.append(
            f"| {query.name} | {len(d_rows)} | {was[0]} | {ms(d)} | {was[1]} | {ms(m)} "
            f"| {was[2]} | {ms(r)} | {same} | {as_before} |"
        )
        print(lines[-1], flush=True)
    return lines


def _before(rev: str, size: int, tmp: Path) -> tuple[Path, list[Any]]:
    """A store of the ``size`` list built by revision ``rev``, and that revision's queries."""
    from kg.sparql.queries import CannedQuery, parse_header

    tree = tmp / "tree"
    subprocess.run(["git", "worktree", "add", "--detach", str(tree), rev], cwd=ROOT, check=True)
    try:
        folder = ROOT / "benchmarks" / "out" / str(size)
        env = {**os.environ, "KG_CACHE_DIR": str(tmp / "cache"), "PYTHONPATH": str(tree)}
        subprocess.run(
            [sys.executable, "-m", "kg", "build", "-i", str(folder / "list.md")]
            + ["--curation", str(folder), "--out", str(tmp / "out"), "--no-views"],
            env=env,
            cwd=tree,
            check=True,
            capture_output=True,
        )
        queries = []
        for path in sorted((tree / "kg" / "sparql" / "queries").glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            h = parse_header(text)
            queries.append(CannedQuery(path.stem, h.title, h.question, h.params, h.examples, text))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=True)
    return next((tmp / "cache" / "stores").glob("g-*")), queries


def generated(size: int) -> Path:
    """The folder of the generated list of ``size`` papers (made by generate.py if missing)."""
    folder = ROOT / "benchmarks" / "out" / str(size)
    if not (folder / "list.md").is_file():
        subprocess.run(
            [sys.executable, "benchmarks/generate.py", "--papers", str(size), "--out", str(folder)],
            cwd=ROOT,
            check=True,
        )
    return folder


def measure(
    size: int,
    runs: int,
    repeat: int,
    *,
    canned_only: bool = False,
    budget: float = 60.0,
    before: str | None = None,
) -> list[str]:
    folder = generated(size)
    out = folder / "exports"
    import re

    arxiv = re.search(r"arxiv\.org/abs/([0-9.]+)", (folder / "list.md").read_text(encoding="utf-8"))
    paper = arxiv.group(1) if arxiv else "none"
    name = ["--name", "authors-of-paper", "--param", f"paper={paper}"]
    with (
        tempfile.TemporaryDirectory() as cache,
        tempfile.TemporaryDirectory() as empty,
        tempfile.TemporaryDirectory() as old,
    ):
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
        store_path = next((Path(cache) / "stores").glob("g-*"))
        lines = [f"| {size:,} | {build:.1f} | not measured | | |"]
        if not canned_only:
            store = wall([*KG, "query", "--graph", str(out), *name], env, runs)
            nt = wall([sys.executable, "-c", _NT_QUERY, str(out / "graph.nt"), paper], env, runs)
            lists_env = {**os.environ, "KG_CACHE_DIR": empty}
            lists = wall(
                [*KG, "query", "-i", str(folder / "list.md"), "--curation", str(folder), *name],
                lists_env,
                1,
            )
            lines = [f"| {size:,} | {build:.1f} | {store:.2f} | {nt:.2f} | {lists:.2f} |"]
        print(lines[0], flush=True)
        previous = _before(before, size, Path(old)) if before else None
        canned = (
            canned_on_store(
                store_path, out / "graph.nt", size, repeat, budget=budget, before=previous
            )
            if size <= 10_000
            else []
        )
    return lines + [""] + canned


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="runs of each cold process")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each canned query")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "cold-query.md")
    parser.add_argument(
        "--canned-only", action="store_true", help="only the canned queries (no cold processes)"
    )
    parser.add_argument(
        "--rdflib-budget", type=float, default=60.0, help="seconds per rdflib query at most"
    )
    parser.add_argument(
        "--before", metavar="REV", help="also time the canned queries of this git revision"
    )
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
        lines = measure(
            size,
            args.runs,
            args.repeat,
            canned_only=args.canned_only,
            budget=args.rdflib_budget,
            before=args.before,
        )
        rows.append(lines[0])
        tables.extend(lines[1:])
    text = "\n".join([*header, *rows, "", *tables]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
