"""The hand-checked gold samples of the real .bib files, and how a reading scores on them.

Shared by the gold test and the round-trip test; the .bib files are read in place from
``../shared/corpus/bib`` (never copied into the repository).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import yaml

from kg.ingest.markdown import ListDocument
from kg.model import Paper

CORPUS_BIB = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "bib"
GOLD_DIR = Path(__file__).parent / "gold" / "bib"
FIELDS = ("paper", "title", "authors", "venue", "year", "doi", "arxiv")


def gold_files() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.yaml"))


def load_gold(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _norm(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", " ".join(str(value).split()))


def entry_lines(bib: Path) -> dict[str, int]:
    """Citation key -> 1-based line of its ``@type{key,`` (the reader's SourceRef line)."""
    import re

    lines: dict[str, int] = {}
    for number, line in enumerate(bib.read_text(encoding="utf-8").split("\n"), start=1):
        match = re.match(r"\s*@(\w+)\s*\{\s*([^,\s]+)\s*,", line)
        if match and match.group(1).lower() != "string":
            lines.setdefault(match.group(2), number)
    return lines


def score(doc: ListDocument, gold: dict[str, Any], bib: Path) -> dict[str, tuple[int, int]]:
    """Per field: (right, checked) over the gold entries; misses are printed."""
    by_line: dict[int, Paper] = {p.source.line: p for p in doc.papers}
    skipped = {s.source.line for s in doc.report.skipped}
    lines = entry_lines(bib)
    counts = {name: [0, 0] for name in FIELDS}
    for item in gold["entries"]:
        line = lines[item["key"]]
        paper = by_line.get(line)
        expect_paper = "skipped" not in item
        counts["paper"][1] += 1
        counts["paper"][0] += int(
            (paper is not None) == expect_paper and (expect_paper or line in skipped)
        )
        if not expect_paper:
            continue
        got: dict[str, Any] = (
            {
                "title": _norm(paper.title),
                "authors": [_norm(a) for a in paper.authors],
                "venue": _norm(paper.venue),
                "year": paper.year,
                "doi": paper.doi.lower() if paper.doi else None,
                "arxiv": paper.arxiv_id,
            }
            if paper
            else {}
        )
        want = {
            "title": _norm(item["title"]),
            "authors": [_norm(a) for a in item["authors"]],
            "venue": _norm(item["venue"]),
            "year": item["year"],
            "doi": str(item["doi"]).lower() if item["doi"] else None,
            "arxiv": item["arxiv"],
        }
        for name, value in want.items():
            counts[name][1] += 1
            if got.get(name, "<no paper>") == value:
                counts[name][0] += 1
            else:
                print(
                    f"MISS {bib.name} {item['key']} {name}: got {got.get(name, '<no paper>')!r} want {value!r}"
                )
    return {name: (right, total) for name, (right, total) in counts.items()}
