"""The whole scale benchmark in one command: generate, build, time, compare, report.

For each size (default 1k, 10k and 100k papers) this

1. generates the synthetic list and its curation YAML (``generate.py``; deterministic);
2. runs the real ``kg build LIST --curation DIR --out DIR`` as a child process several
   times, taking wall time and that child's peak resident memory (``os.wait4``);
3. runs ``stages.py fast`` (LineageKG's code path, stage by stage, plus the queries on
   Oxigraph) and, up to ``--baseline-max`` papers, ``stages.py rdflib`` (the same stages
   on plain rdflib), each in a fresh interpreter; with ``--check`` sizes the rdflib child
   also checks that the fast exports hold exactly its triples;
4. times ``kg --help`` in fresh processes;

then writes ``benchmarks/out/results.json`` and the report with fresh tables (between
the ``<!-- tables -->`` markers; the prose around them is kept) into
``benchmarks/out/REPORT.md``. Only ``--write-report`` rewrites the committed
``benchmarks/REPORT.md`` (a trial run must not change a file under version control).
``--report-only`` re-renders the tables from the saved JSON.

Usage::

    .venv/bin/python benchmarks/run.py                        # everything (~25 min here)
    .venv/bin/python benchmarks/run.py --sizes 1000 10000 --runs 3
    .venv/bin/python benchmarks/run.py --report-only --write-report   # publish the tables
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import TreeMemory  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
START, END = "<!-- tables:start -->", "<!-- tables:end -->"


def measure(cmd: list[str], *, cwd: Path | None = None, sample: bool = True) -> dict[str, Any]:
    """Run ``cmd``; its wall seconds, peak memory, exit code and output.

    Memory: ``peak_mib`` is the largest single process (``os.wait4``); ``tree_pss_mib``
    the sampled peak of the whole tree's PSS (a build forks a second process, and the
    two share pages copy-on-write), ``tree_rss_mib`` the same with RSS (an upper bound).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        tree = TreeMemory(child.pid) if sample else None
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if tree is not None:
            tree.stop()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "wall": wall,
            "peak_mib": usage.ru_maxrss / 1024,
            "tree_pss_mib": tree.peak_pss_mib if tree else None,
            "tree_rss_mib": tree.peak_rss_sum_mib if tree else None,
            "processes": tree.peak_processes if tree else None,
            "rc": child.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace")[-2000:],
        }


def _child_json(cmd: list[str]) -> dict[str, Any]:
    run = measure(cmd, cwd=HERE, sample=False)
    if run["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{run['stderr']}")
    result: dict[str, Any] = json.loads(run["stdout"])
    result["wall"] = run["wall"]
    return result


def _median_stages(runs: list[dict[str, Any]]) -> dict[str, float | None]:
    names = list(runs[0]["stages"])
    out: dict[str, float | None] = {}
    for name in names:
        values = [r["stages"].get(name) for r in runs]
        present = [v for v in values if v is not None]
        out[name] = statistics.median(present) if present else None
    return out


def bench_builds(papers: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    """The whole-process ``kg build`` runs of one size: timed runs, then one sampled run."""
    folder = args.out / str(papers)
    list_path = folder / "list.md"
    if not list_path.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "generate.py"),
                "--papers",
                str(papers),
                "--out",
                str(folder),
            ],
            check=True,
        )
    runs = args.runs if papers < 100_000 else args.runs_large
    views = papers <= args.views_max
    exports = folder / "exports"
    cmd = [
        str(BIN / "kg"),
        "build",
        "-i",
        str(list_path),
        "--curation",
        str(folder),
        "--out",
        str(exports),
    ]
    if not views:
        cmd.append("--no-views")
    # Wall times come from runs without the memory sampler (reading a large process's
    # page tables every few hundred ms costs it time); one more run samples memory.
    builds = []
    for run_number in range(runs + 1):
        sampled = run_number == runs
        shutil.rmtree(exports, ignore_errors=True)
        run = measure(cmd, cwd=args.out, sample=sampled)
        if run["rc"] != 0:
            raise SystemExit(f"kg build failed at {papers}:\n{run['stderr']}")
        builds.append(
            {
                key: run[key]
                for key in ("wall", "peak_mib", "tree_pss_mib", "tree_rss_mib", "processes")
            }
            | {"sampled": sampled}
        )
        memory = (
            f", {run['tree_pss_mib']:.0f} MiB PSS ({run['processes']} processes)" if sampled else ""
        )
        print(
            f"  kg build {papers}: {run['wall']:.2f} s{memory}; largest process "
            f"{run['peak_mib']:.0f} MiB RSS",
            flush=True,
        )
    return builds


def bench_size(papers: int, args: argparse.Namespace) -> dict[str, Any]:
    """Every measurement for one corpus size."""
    folder = args.out / str(papers)
    list_path = folder / "list.md"
    runs = args.runs if papers < 100_000 else args.runs_large
    views = papers <= args.views_max
    exports = folder / "exports"
    builds = bench_builds(papers, args)
    stage_cmd = [
        sys.executable,
        str(HERE / "stages.py"),
        "fast",
        str(list_path),
        str(folder),
        str(exports),
    ]
    stage_cmd += ["--query-runs", "7" if papers < 100_000 else "3"]
    fast_runs = [_child_json(stage_cmd + (["--views"] if views else [])) for _ in range(runs)]
    print(f"  stages (fast) {papers}: {[round(r['wall'], 1) for r in fast_runs]}", flush=True)
    result: dict[str, Any] = {
        "papers": papers,
        "views": views,
        "builds": builds,
        "triples": fast_runs[0]["triples"],
        "files": fast_runs[0]["files"],
        "fast": {
            "runs": len(fast_runs),
            "stages": _median_stages(fast_runs),
            "queries": {
                name: {
                    key: statistics.median(r["queries"][name][key] for r in fast_runs)
                    for key in ("first", "median", "rows", "engine")
                }
                for name in fast_runs[0]["queries"]
            },
            "peak_mib": max(r["peak_rss_mib"] for r in fast_runs),
        },
    }
    if papers <= args.baseline_max:
        base_cmd = [
            sys.executable,
            str(HERE / "stages.py"),
            "rdflib",
            str(list_path),
            str(folder),
            str(exports),
        ]
        base_cmd += ["--budget", str(args.baseline_budget)]
        if papers <= args.check_max:
            base_cmd.append("--check")
        base = _child_json(base_cmd)
        print(f"  stages (rdflib) {papers}: {base['wall']:.1f} s", flush=True)
        result["rdflib"] = {
            "runs": 1,
            **{k: base[k] for k in ("stages", "queries")},
            "peak_mib": base["peak_rss_mib"],
        }
        if "check" in base:
            result["check"] = base["check"]
    return result


def rerun_baseline(results: dict[str, Any], args: argparse.Namespace) -> None:
    """Run the rdflib child again for ``--sizes`` (no queries, ``--skip-exports`` skipped) and merge.

    For exports a first run could not reach: stages measured now replace missing ones,
    and the export check is added.
    """
    saved = args.out / "results.json"
    for entry in results["sizes"]:
        if entry["papers"] not in args.sizes:
            continue
        folder = args.out / str(entry["papers"])
        cmd = [
            sys.executable,
            str(HERE / "stages.py"),
            "rdflib",
            str(folder / "list.md"),
            str(folder),
            str(folder / "exports"),
        ]
        cmd += [
            "--budget",
            str(args.baseline_budget),
            "--no-queries",
            "--check",
            "--skip",
            *args.skip_exports,
        ]
        base = _child_json(cmd)
        print(f"  stages (rdflib, again) {entry['papers']}: {base['wall']:.1f} s", flush=True)
        stages = entry.setdefault("rdflib", {"runs": 1, "stages": {}, "queries": {}})["stages"]
        for name, seconds in base["stages"].items():
            if seconds is not None and (name not in args.skip_exports):
                stages[name] = seconds
        if "check" in base:
            entry["check"] = base["check"]
        saved.write_text(json.dumps(results, indent=1))
    print(f"wrote {write_report(results, args)}")


def bench_help(runs: int = 7) -> dict[str, float]:
    """``kg --help`` in fresh processes: median and max wall seconds."""
    times = [measure([str(BIN / "kg"), "--help"], sample=False)["wall"] for _ in range(runs)]
    return {"median": statistics.median(times), "max": max(times), "runs": runs}


# ---------------------------------------------------------------------------- report

#: Report rows: label, fast-path stage names (summed), rdflib stage names (summed).
ROWS: list[tuple[str, list[str], list[str]]] = [
    ("ingest: Markdown list", ["ingest: Markdown"], []),
    ("ingest: curation YAML", ["ingest: curation YAML"], []),
    ("curation check (references, cycles)", ["curation check"], []),
    ("identity resolution", ["identity resolution"], []),
    ("assemble (merge, sort, models)", ["assemble (merge, sort, models)"], []),
    ("graph build: triples", ["graph build: triples (sort, dedupe)"], ["graph build: triples"]),
    (
        "export: Turtle + N-Triples (one pass)",
        ["export: turtle+ntriples"],
        ["export: turtle", "export: ntriples"],
    ),
    ("export: JSON-LD", ["export: jsonld"], ["export: jsonld"]),
    (
        "graph build: networkx + export GraphML",
        ["graph build: networkx projection", "export: graphml"],
        ["export: networkx+graphml"],
    ),
    ("views (all)", ["views (all)"], []),
    ("write files (atomic)", ["write files"], []),
    (
        "query store (Oxigraph load / rdflib Graph.add)",
        ["query store load (Oxigraph)"],
        ["graph build: rdflib Graph.add"],
    ),
]


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms" if seconds >= 0.001 else f"{seconds * 1e6:.0f} µs"
    return f"{seconds:.2f} s"


def _sum(stages: dict[str, float | None], names: list[str]) -> float | None:
    if not names or any(stages.get(n) is None for n in names):
        return None
    return sum(stages[n] or 0.0 for n in names)


def _exponent(a: float | None, b: float | None, na: int, nb: int) -> str:
    if not a or not b or a <= 0 or b <= 0:
        return "–"
    return f"{math.log(b / a) / math.log(nb / na):.2f}"


def render_tables(results: dict[str, Any]) -> str:
    """The Markdown tables of the report, from the saved results."""
    sizes = sorted(results["sizes"], key=lambda s: s["papers"])
    out: list[str] = []
    env = results["env"]
    merged = results.get("merged_from")
    also = (
        f" Sizes {', '.join(f'{n:,}' for n in results.get('remeasured', []))} re-measured then; "
        f"the rest from the run of {merged['date']}."
        if merged
        else ""
    )
    out.append(
        f"Measured {env['date']} on {env['machine']}; Python {env['python']}.{also} Wall times are medians over the runs shown.\n"
    )
    out.append("### Whole process: `kg build LIST --curation DIR --out DIR`\n")
    out.append(
        "| papers | triples | views | runs | wall (median) | wall (min–max) | peak memory (PSS, all processes) | sum of RSS | largest process RSS | target | met |"
    )
    out.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---|")
    for s in sizes:
        timed = [b for b in s["builds"] if not b.get("sampled")] or s["builds"]
        walls = [b["wall"] for b in timed]
        largest = max(b["peak_mib"] for b in s["builds"])
        # Older results have no tree sampling: fall back on the single process's RSS.
        sampled = [b for b in s["builds"] if b.get("tree_pss_mib") is not None]
        peak = max((b["tree_pss_mib"] for b in sampled), default=largest)
        rss_sum = max((b["tree_rss_mib"] for b in sampled), default=largest)
        target, met = "–", "–"
        if s["papers"] == 10_000:
            target = "< 10 s, < 1 GiB"
            met = "yes" if statistics.median(walls) < 10 and peak < 1024 else "**no**"
        elif s["papers"] == 100_000:
            target = "< 90 s, < 4 GiB"
            met = "yes" if statistics.median(walls) < 90 and peak < 4096 else "**no**"
        out.append(
            f"| {s['papers']:,} | {s['triples']:,} | {'yes' if s['views'] else 'no'} | {len(walls)} | {_fmt(statistics.median(walls))} "
            f"| {_fmt(min(walls))}–{_fmt(max(walls))} | {peak:,.0f} MiB | {rss_sum:,.0f} MiB | {largest:,.0f} MiB | {target} | {met} |"
        )
    help_ = results.get("help")
    if help_:
        met = "yes" if help_["median"] < 0.3 else "**no**"
        out.append(
            f"\n`kg --help` in a fresh process: median {_fmt(help_['median'])}, max {_fmt(help_['max'])} over {help_['runs']} runs (target < 0.3 s: {met}).\n"
        )

    with_base = [s for s in sizes if "rdflib" in s]
    head = "| stage | " + " | ".join(f"{s['papers']:,}" for s in sizes)
    rule = "|---|" + "---:|" * len(sizes)
    if len(sizes) >= 2:
        head += f" | growth exponent {sizes[-2]['papers']:,}→{sizes[-1]['papers']:,}"
        rule += "---:|"
    for s in with_base:
        head += f" | rdflib {s['papers']:,} | rdflib / ours at {s['papers']:,}"
        rule += "---:|---:|"
    out.append(
        "### Per stage, in-process (`stages.py`; median over the fast runs, one rdflib run)\n"
    )
    out.append(head + " |")
    out.append(rule)
    for label, fast_names, base_names in ROWS:
        values = [_sum(s["fast"]["stages"], fast_names) for s in sizes]
        if all(v is None for v in values) and not base_names:
            continue
        row = f"| {label} | " + " | ".join(_fmt(v) for v in values)
        if len(sizes) >= 2:
            row += (
                f" | {_exponent(values[-2], values[-1], sizes[-2]['papers'], sizes[-1]['papers'])}"
            )
        for s in with_base:
            base = _sum(s["rdflib"]["stages"], base_names)
            ours = _sum(s["fast"]["stages"], fast_names)
            ratio = f"{base / ours:.1f}×" if base and ours else "–"
            row += (
                f" | {_fmt(base) if base_names else 'same code'} | {ratio if base_names else '–'}"
            )
        out.append(row + " |")
    totals = [
        sum(
            v
            for k, v in s["fast"]["stages"].items()
            if v is not None and not k.startswith("query store")
        )
        for s in sizes
    ]
    row = "| **sum of `kg build`'s stages** (all but the query store) | " + " | ".join(
        _fmt(t) for t in totals
    )
    if len(sizes) >= 2:
        row += f" | {_exponent(totals[-2], totals[-1], sizes[-2]['papers'], sizes[-1]['papers'])}"
    out.append(row + " |" + " |" * (2 * len(with_base)))

    out.append(
        "\n### Queries (Oxigraph through `kg.sparql.query.run_query`; median of the warm executions: 6, or 2 from 100,000 papers; first execution apart)\n"
    )
    names = list(sizes[0]["fast"]["queries"])
    head = "| query | " + " | ".join(f"{s['papers']:,}" for s in sizes)
    head += " | first run at 10,000 | engine alone at 10,000 |"
    rule = "|---|" + "---:|" * (len(sizes) + 2)
    for s in with_base:
        head += f" rdflib {s['papers']:,} | rdflib / ours |"
        rule += "---:|---:|"
    out.append(head + " < 100 ms at 10,000 (through kg / engine alone) |")
    out.append(rule + "---|")
    ten = next((s for s in sizes if s["papers"] == 10_000), None)
    for name in names:
        cells = [s["fast"]["queries"].get(name) for s in sizes]
        row = f"| {name} (rows at {sizes[-1]['papers']:,}: {int(cells[-1]['rows']) if cells[-1] else '–'}) | "
        row += " | ".join(_fmt(c["median"]) if c else "–" for c in cells)
        at_ten = ten["fast"]["queries"].get(name) if ten else None
        row += f" | {_fmt(at_ten['first']) if at_ten else '–'} | {_fmt(at_ten.get('engine')) if at_ten else '–'} |"
        for s in with_base:
            base = s["rdflib"]["queries"].get(name)
            ours = s["fast"]["queries"].get(name)
            if base and base.get("median") is None:
                row += f" > {base.get('budget', 0):.0f} s (stopped) | – |"
            elif base and ours:
                ratio = base["median"] / ours["median"]
                row += (
                    f" {_fmt(base['median'])} | {ratio:.1f}× |"
                    if ratio < 10
                    else f" {_fmt(base['median'])} | {ratio:.0f}× |"
                )
            else:
                row += " – | – |"
        met = "–"
        if at_ten:
            engine = at_ten.get("engine")
            met = (
                ("yes" if at_ten["median"] < 0.1 else "**no**")
                + " / "
                + ("–" if engine is None else "yes" if engine < 0.1 else "**no**")
            )
        out.append(row + f" {met} |")

    checks = [s for s in sizes if "check" in s]
    if checks:
        out.append(
            "\n### Correctness: fast exports hold exactly the rdflib baseline's triples (parsed by Oxigraph)\n"
        )
        out.append("| papers | file | equal | triples |")
        out.append("|---:|---|---|---:|")
        for s in checks:
            for name, c in s["check"].items():
                out.append(
                    f"| {s['papers']:,} | {name} | {'yes' if c['equal'] else '**NO**'} | {c['triples']:,} / {c['expected']:,} |"
                )
    out.append("\n### Files written\n")
    out.append("| papers | " + " | ".join(sorted(sizes[-1]["files"])) + " |")
    out.append("|---:|" + "---:|" * len(sizes[-1]["files"]))
    for s in sizes:
        out.append(
            f"| {s['papers']:,} | "
            + " | ".join(f"{s['files'].get(n, 0) / 1e6:.1f} MB" for n in sorted(sizes[-1]["files"]))
            + " |"
        )
    return "\n".join(out) + "\n"


def write_report(results: dict[str, Any], args: argparse.Namespace) -> Path:
    """Write the report with fresh tables between the markers; return where it went.

    The prose comes from ``args.report`` (the committed ``benchmarks/REPORT.md``). The
    result replaces it only with ``--write-report``; otherwise it goes to
    ``<--out>/REPORT.md``, next to ``results.json``.
    """
    template: Path = args.report
    report: Path = template if args.write_report else args.out / "REPORT.md"
    tables = render_tables(results)
    text = (
        template.read_text(encoding="utf-8")
        if template.exists()
        else f"# Scale benchmark\n\n{START}\n{END}\n"
    )
    before, _, rest = text.partition(START)
    _, _, after = rest.partition(END)
    report.write_text(f"{before}{START}\n{tables}{END}{after}", encoding="utf-8")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size below 100k papers")
    parser.add_argument("--runs-large", type=int, default=1, help="runs per size from 100k papers")
    parser.add_argument(
        "--baseline-max", type=int, default=10_000, help="largest size run on plain rdflib"
    )
    parser.add_argument(
        "--baseline-budget",
        type=float,
        default=300.0,
        help="seconds an rdflib export may take before it is stopped",
    )
    parser.add_argument(
        "--check-max",
        type=int,
        default=10_000,
        help="largest size whose exports are compared with rdflib's",
    )
    parser.add_argument(
        "--views-max", type=int, default=10**9, help="largest size built with views"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--report", type=Path, default=HERE / "REPORT.md")
    parser.add_argument(
        "--write-report",
        action="store_true",
        help="rewrite the committed --report itself (default: write <--out>/REPORT.md)",
    )
    parser.add_argument("--report-only", action="store_true")
    parser.add_argument(
        "--rerun-baseline", action="store_true", help="only rerun rdflib exports for --sizes; merge"
    )
    parser.add_argument(
        "--merge",
        action="store_true",
        help="keep the other sizes of the saved results; replace only --sizes (and kg --help)",
    )
    parser.add_argument(
        "--builds-only",
        action="store_true",
        help="with --merge: measure only the whole-process builds; keep the saved stages",
    )
    parser.add_argument(
        "--skip-exports",
        nargs="*",
        default=[],
        help="with --rerun-baseline: rdflib exports to skip",
    )
    args = parser.parse_args()
    args.out = args.out.resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    saved = args.out / "results.json"
    if args.report_only:
        print(f"wrote {write_report(json.loads(saved.read_text()), args)}")
        return
    if args.rerun_baseline:
        rerun_baseline(json.loads(saved.read_text()), args)
        return
    results: dict[str, Any] = {
        "env": {
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{os.cpu_count()} CPUs, {platform.machine()}, {platform.system()}",
            "python": platform.python_version(),
            "args": {k: str(v) for k, v in vars(args).items()},
        },
        "sizes": [],
    }
    previous_sizes: dict[int, dict[str, Any]] = {}
    if args.merge and saved.exists():
        previous = json.loads(saved.read_text())
        previous_sizes = {s["papers"]: s for s in previous["sizes"]}
        results["sizes"] = [s for s in previous["sizes"] if s["papers"] not in args.sizes]
        results["merged_from"] = previous["env"]
        results["remeasured"] = list(args.sizes)
    for papers in args.sizes:
        print(f"{papers} papers", flush=True)
        if args.builds_only and papers in previous_sizes:
            results["sizes"].append(previous_sizes[papers] | {"builds": bench_builds(papers, args)})
        else:
            results["sizes"].append(bench_size(papers, args))
        saved.write_text(json.dumps(results, indent=1))
    results["help"] = bench_help()
    saved.write_text(json.dumps(results, indent=1))
    print(f"wrote {write_report(results, args)} and {saved}")


if __name__ == "__main__":
    main()
