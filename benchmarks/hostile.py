"""Hostile input for the build: one entry with thousands of authors, doubled each round.

Physics papers have thousands of authors; every pair of them co-authored that paper, so
anything that materialises co-author pairs grows with the square of the author count
(8,000 authors: 32 million pairs). This benchmark writes a list whose one entry has
``n`` authors for n = 1k, 2k, 4k, 8k (``--sizes``), builds every export of it in a
fresh process (the list's reader, the pipeline's assembly and identity resolution,
``build_exports`` with views, ``compute_stats``), and reports the build's wall time and
peak resident memory (the larger of the process's and its forked worker's), with the
ratio to the previous size: near 2 is linear, near 4 quadratic.

Usage::

    python benchmarks/hostile.py                 # 1k 2k 4k 8k authors
    python benchmarks/hostile.py --sizes 1000 2000 --jobs 1
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["many_authors_list", "measure"]

_SYLLABLES = "an bo chen da el fa gu han ib jia ka li mei na ol pe qi ra sa ta ul vi".split()


def _name(i: int) -> str:
    """A distinct two-word name for author ``i`` (no two alike, no initials)."""
    given = _SYLLABLES[i % len(_SYLLABLES)] + _SYLLABLES[(i // len(_SYLLABLES)) % len(_SYLLABLES)]
    family = "".join(_SYLLABLES[(i // len(_SYLLABLES) ** k) % len(_SYLLABLES)] for k in range(2, 5))
    return f"{given.capitalize()} {family.capitalize()}"


def many_authors_list(authors: int, *, papers: int = 3) -> str:
    """A Markdown list: one entry with ``authors`` authors, plus a few ordinary ones."""
    names = ", ".join(_name(i) for i in range(authors))
    lines = [
        "# Hostile list",
        "",
        "## Physics",
        "",
        f"- [**A detector paper with {authors} authors**](https://arxiv.org/abs/2401.00001) "
        f"*{names}.* PRL 2024.",
    ]
    lines += [
        f"- [**Ordinary paper {i}**](https://arxiv.org/abs/2401.{i + 10:05d}) "
        f"*{_name(i)}, {_name(i + 1)}.* ICLR 2024."
        for i in range(papers)
    ]
    return "\n".join(lines) + "\n"


def _build_one(authors: int, out: str, jobs: int) -> None:
    """In this process: a knowledge base with one ``authors``-author entry -> every export.

    The list is read by the real reader (with two authors, so that the benchmark does
    not depend on how the reader treats very long name runs), then the entry is given
    ``authors`` authors and assembled by the pipeline (identity resolution included).
    """
    from kg.curation.load import Curation
    from kg.export.build import build_exports
    from kg.ingest.markdown import read_markdown
    from kg.pipeline import assemble
    from kg.stats import compute_stats

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "hostile.md"
        source.write_text(many_authors_list(2), encoding="utf-8")
        document = read_markdown(source)
    big = dataclasses.replace(document.papers[0], authors=tuple(_name(i) for i in range(authors)))
    document = document.model_copy(update={"papers": (big, *document.papers[1:])})
    kb = assemble([document], Curation())
    assert len(kb.persons) >= authors, len(kb.persons)
    build_exports(kb, out, jobs=jobs)
    compute_stats(kb)


def measure(authors: int, *, jobs: int) -> dict[str, float]:
    """Build one ``authors``-author entry in a fresh process: seconds and peak MiB."""
    with tempfile.TemporaryDirectory() as tmp:
        code = (
            "import sys, resource, time\n"
            f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
            "from hostile import _build_one\n"
            "start = time.perf_counter()\n"
            f"_build_one({authors}, {tmp + '/out'!r}, {jobs})\n"
            "peak = max(resource.getrusage(who).ru_maxrss for who in "
            "(resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))\n"
            "print(time.perf_counter() - start, peak)\n"
        )
        run = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        )
    seconds, peak_kib = run.stdout.split()[-2:]
    return {"authors": authors, "seconds": float(seconds), "peak_mib": int(peak_kib) / 1024}


def main(argv: list[str] | None = None) -> None:
    """Run the doubling benchmark and print one line per size (and JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="Also print the results as JSON.")
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")
    rows: list[dict[str, float]] = []
    for size in sorted(args.sizes):
        row = measure(size, jobs=args.jobs)
        if rows:
            row["time_ratio"] = row["seconds"] / rows[-1]["seconds"]
            row["memory_ratio"] = row["peak_mib"] / rows[-1]["peak_mib"]
        rows.append(row)
        ratios = (
            f"  x{row['time_ratio']:.2f} time  x{row['memory_ratio']:.2f} memory"
            if "time_ratio" in row
            else ""
        )
        print(f"{size:>7,} authors  {row['seconds']:7.2f} s  {row['peak_mib']:8.0f} MiB{ratios}")
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
