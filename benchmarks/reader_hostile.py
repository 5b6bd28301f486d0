"""Hostile lists for the Markdown reader, doubled each round: every path must stay linear.

Each case writes a list whose hostile part has size ``n`` and then ``2n`` (``--sizes``),
reads it with :func:`kg.ingest.markdown.parse_markdown` in one process, and prints the
time and the ratio to the previous size: near 2 is linear, near 4 quadratic. The cases
are the ones a review found superlinear, and their neighbours:

- ``emphasis``: one entry of nested and unclosed emphasis (``*a **b *c ...``);
- ``hybrids``: n categories and n entries whose hybrid labels name many of them;
- ``cjk``: one entry with n authors written in CJK script (no spaces);
- ``authors``: one entry with n Latin-script authors;
- ``brackets``: one line of n ``[x](`` fragments that never close;
- ``nesting``: a list nested n/100 levels deep, 100 entries a level.

Usage::

    python benchmarks/reader_hostile.py                  # every case, 2k 4k 8k 16k
    python benchmarks/reader_hostile.py --cases cjk --sizes 1000 2000 4000
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from kg.ingest.markdown import parse_markdown

CJK = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def emphasis(n: int) -> str:
    body = "".join(("*" if i % 3 else "**") + f"w{i} " for i in range(n))
    return f"# L\n\n- [T](https://arxiv.org/abs/2401.00001) {body}\n"


def hybrids(n: int) -> str:
    heads = "\n".join(
        f"## Topic {i}\n\n- [Paper {i} title here](https://arxiv.org/abs/2401.{i:05d}) *Ann Lee*\n"
        for i in range(n)
    )
    label = "+".join(f"Topic {i}" for i in range(0, n, max(1, n // 50)))
    entries = "\n".join(
        f"[**2024 ICLR**] **{label}**：[**Hybrid {i}**](https://ex.org/{i}), *Bo Chen*\n"
        for i in range(n // 10)
    )
    return f"# L\n\n{heads}\n## Hybrid\n\n{entries}"


def cjk(n: int) -> str:
    names = ", ".join(
        CJK[i % len(CJK)] + CJK[(i // len(CJK)) % len(CJK)] + CJK[(i * 7) % len(CJK)]
        for i in range(n)
    )
    return f"# L\n\n- [大模型综述](https://arxiv.org/abs/2303.18223) {names} 2023\n"


def authors(n: int) -> str:
    names = ", ".join(f"Author{i} Person{i % 97}" for i in range(n))
    return f"# L\n\n- [A paper](https://arxiv.org/abs/2401.00001) *{names}* Nature 2024.\n"


def brackets(n: int) -> str:
    return "# L\n\n- " + "[x](" * n + "\n"


def nesting(n: int) -> str:
    lines = ["# L"]
    for i in range(n):
        depth = min(i // 100, 60)
        lines.append(
            "  " * depth
            + f"- [Paper {i} about lists](https://arxiv.org/abs/2401.{i % 99999:05d}) *Ann Lee*"
        )
    return "\n".join(lines) + "\n"


CASES: dict[str, Callable[[int], str]] = {
    "emphasis": emphasis,
    "hybrids": hybrids,
    "cjk": cjk,
    "authors": authors,
    "brackets": brackets,
    "nesting": nesting,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 4000, 8000, 16000])
    args = parser.parse_args()
    print("| case | n | KB | seconds | ratio |\n|---|---|---|---|---|")
    for case in args.cases:
        previous = None
        for n in args.sizes:
            text = CASES[case](n)
            start = time.perf_counter()
            parse_markdown(text, source=f"{case}.md", jobs=1)
            seconds = time.perf_counter() - start
            ratio = f"{seconds / previous:.2f}" if previous else "-"
            print(
                f"| {case} | {n} | {len(text.encode()) // 1024} | {seconds:.3f} | {ratio} |",
                flush=True,
            )
            previous = seconds


if __name__ == "__main__":
    main()
