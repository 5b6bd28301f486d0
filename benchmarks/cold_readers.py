"""Cold ``kg stats`` and ``kg lineage NAME``: the persistent store against parsing the lists.

For each size (a list made by ``generate.py`` in ``benchmarks/out/<N>/``), this builds
the graph once (``kg build --out DIR``, which leaves the store in a private cache
folder), then times whole processes, each a fresh interpreter (median of ``--runs``):

- ``lists``: what the commands did before they read the store: parse the lists and
  compute from the knowledge base (``compute_stats``, ``lineage_of``), in one process;
- ``store``: ``kg stats -i list.md --curation DIR`` (finds the inputs' store by their
  hash and opens it read-only);
- ``--graph``: ``kg stats --graph DIR`` (the build folder's store, by its manifest);
- and the same three for ``kg lineage NAME``, NAME a work with curated lineage.

The outputs of the three ways are compared (they must be byte-identical).

Usage::

    python benchmarks/cold_readers.py --sizes 10000 --out benchmarks/out/cold-readers.md
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from cold_query import KG, generated, wall  # noqa: E402  (a sibling script, found through sys.path)

#: The commands as they were before the store: parse the lists, compute, print.
_STATS_FROM_LISTS = """
import sys
from pathlib import Path
from kg.cli import app
from typer.testing import CliRunner
result = CliRunner().invoke(app, ["stats", "-i", sys.argv[1], "--curation", sys.argv[2], "--papers"])
sys.stdout.write(result.stdout.split("\\n\\nPapers\\n")[0] + "\\n")
"""
_LINEAGE_FROM_LISTS = """
import sys
from pathlib import Path
from kg.pipeline import build_knowledge_base
from kg.lineage.walks import lineage_of, to_tree_text
kb = build_knowledge_base([Path(sys.argv[1])], curation=Path(sys.argv[2]))
sys.stdout.write(to_tree_text(lineage_of(kb, sys.argv[3])))
"""


def output(cmd: list[str], env: dict[str, str]) -> bytes:
    """The stdout of ``cmd`` (which must succeed)."""
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"{cmd} failed: {done.stderr.decode()[-2000:]}")
    return done.stdout


def measure(size: int, runs: int) -> list[str]:
    folder = generated(size)
    listed, curation = str(folder / "list.md"), str(folder)
    found = re.search(r"to: arxiv:(\S+)", (folder / "lineage.yaml").read_text(encoding="utf-8"))
    name = found.group(1) if found else "none"
    inputs = ["-i", listed, "--curation", curation]
    rows = []
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "KG_CACHE_DIR": cache}
        start = time.perf_counter()
        output([*KG, "build", *inputs, "--out", out, "--no-views"], env)
        build = time.perf_counter() - start
        commands = {
            "kg stats": (
                [sys.executable, "-c", _STATS_FROM_LISTS, listed, curation],
                [*KG, "stats", *inputs],
                [*KG, "stats", "--graph", out],
            ),
            f"kg lineage {name}": (
                [sys.executable, "-c", _LINEAGE_FROM_LISTS, listed, curation, name],
                [*KG, "lineage", name, *inputs],
                [*KG, "lineage", name, "--graph", out],
            ),
        }
        for label, ways in commands.items():
            texts = {output(cmd, env) for cmd in ways}
            same = "yes" if len(texts) == 1 else "**no**"
            lists, store, graph = (wall(cmd, env, runs) for cmd in ways)
            rows.append(
                f"| {size:,} | {label} | {build:.1f} | {lists:.2f} | {store:.2f} | {graph:.2f} | {same} |"
            )
            print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each cold process")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "cold-readers.md")
    args = parser.parse_args()
    load = os.getloadavg()
    header = [
        "### Cold `kg stats` and `kg lineage NAME` (whole process, median seconds)",
        "",
        f"Load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
        f"({os.cpu_count()} CPUs).",
        "",
        "| papers | command | kg build (s) | lists (parsed, as before) | store (-i) | store (--graph DIR) | same output |",
        "|---:|---|---:|---:|---:|---:|---|",
    ]
    rows = [row for size in args.sizes for row in measure(size, args.runs)]
    text = "\n".join([*header, *rows]) + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
