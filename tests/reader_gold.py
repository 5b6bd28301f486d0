"""Scoring the Markdown reader against the hand-written gold samples of real lists.

The gold files (``tests/gold/lists/*.yaml``, format in their README) were written from
the raw lists before the reader was tuned on them. For each list this reads the real
file in place (``../shared/corpus/``), matches gold entries to papers by line, and
counts recall (gold papers read as papers), per-field accuracy where the list states
the field, and false papers (gold non-papers read as papers).

Run as a script for a table: ``.venv/bin/python tests/reader_gold.py``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold" / "lists"
CORPUS = ROOT.parent / "shared" / "corpus"
FIELDS = ("title", "authors", "venue", "year", "link")


def norm(text: str | None) -> str:
    """Lower-case letters and digits only (accents folded), for lenient comparison."""
    text = unicodedata.normalize("NFKD", text or "")
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _url(url: str) -> str:
    url = url.strip().replace("\\_", "_")
    url = re.sub(r"^https?://(www\.)?", "", url)
    return url.rstrip("/").casefold()


@dataclass
class ListScore:
    """One list's figures."""

    name: str
    gold: int = 0
    found: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    stated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    not_papers: int = 0
    false_papers: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.stated[name] if self.stated[name] else 1.0

    def field_accuracy(self) -> float:
        total = sum(self.stated.values())
        return sum(self.right.values()) / total if total else 1.0


def _venue_ok(gold: str, paper: Any) -> bool:
    from kg.ingest.venue_year import read_venue_year

    if paper.venue is None:
        return False
    ours = {paper.venue, paper.venue_as_written or ""}
    if paper.track:
        ours |= {f"{paper.venue} {paper.track}", f"{paper.track} of {paper.venue}"}
        ours |= {
            f"{paper.venue_as_written} {paper.track}",
            f"{paper.track} of {paper.venue_as_written}",
        }
    if norm(gold) in {norm(o) for o in ours}:
        return True
    reading = read_venue_year(gold, strict=False)
    return reading.venue == paper.venue and (reading.track or None) == (paper.track or None)


def score_list(path: Path) -> ListScore:
    """Score the reader on one gold file."""
    from kg.ingest.markdown import read_markdown

    gold = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc = read_markdown(CORPUS / gold["source"], jobs=1)
    by_line = {p.source.line: p for p in doc.papers}
    for skip in doc.report.skipped:
        if match := re.match(r"duplicate of line (\d+)", skip.reason):
            if (first := by_line.get(int(match.group(1)))) is not None:
                by_line.setdefault(skip.source.line, first)
    score = ListScore(path.stem)
    for entry in gold["papers"]:
        score.gold += 1
        paper = by_line.get(entry["line"])
        if paper is None:
            score.misses.append(f"{entry['line']}: not read: {entry['title'][:60]}")
            for name in FIELDS:
                score.stated[name] += (
                    entry.get(name if name != "authors" else "authors") is not None
                )
            continue
        score.found += 1
        checks = {
            "title": (entry["title"], norm(paper.title) == norm(entry["title"])),
            "authors": (
                entry.get("authors"),
                [norm(a) for a in entry.get("authors") or []] == [norm(a) for a in paper.authors],
            ),
            "venue": (entry.get("venue"), entry.get("venue") and _venue_ok(entry["venue"], paper)),
            "year": (entry.get("year"), paper.year == entry.get("year")),
            "link": (
                entry.get("link"),
                entry.get("link") and _url(entry["link"]) in {_url(x.url) for x in paper.links},
            ),
        }
        for name, (stated, ok) in checks.items():
            if stated is None:
                continue
            score.stated[name] += 1
            if ok:
                score.right[name] += 1
            else:
                ours = {
                    "title": paper.title,
                    "authors": paper.authors,
                    "venue": (paper.venue, paper.venue_as_written, paper.track),
                    "year": paper.year,
                    "link": [x.url for x in paper.links],
                }[name]
                score.misses.append(f"{entry['line']}: {name}: gold {stated!r} ours {ours!r}")
    for entry in gold.get("not_papers") or []:
        score.not_papers += 1
        if entry["line"] in {p.source.line for p in doc.papers}:
            score.false_papers += 1
            score.misses.append(f"{entry['line']}: false paper: {entry.get('text', '')[:60]}")
    return score


def score_all() -> list[ListScore]:
    """Scores of every gold file, by name."""
    return [score_list(path) for path in sorted(GOLD.glob("*.yaml"))]


def table(scores: list[ListScore]) -> str:
    """A Markdown table of the scores."""
    rows = [
        "| list | gold | recall | fields | title | authors | venue | year | link | false papers |"
    ]
    rows.append("|---|---|---|---|---|---|---|---|---|---|")
    for s in scores:
        acc = " | ".join(f"{100 * s.accuracy(n):.0f}%" for n in FIELDS)
        rows.append(
            f"| {s.name} | {s.gold} | {100 * s.recall:.0f}% | {100 * s.field_accuracy():.1f}% | {acc} | {s.false_papers}/{s.not_papers} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    results = (
        score_all() if len(sys.argv) < 2 else [score_list(GOLD / f"{n}.yaml") for n in sys.argv[1:]]
    )
    print(table(results))
    if len(sys.argv) > 1:
        for s in results:
            print("\n".join(s.misses))
