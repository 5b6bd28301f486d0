"""Deterministic synthetic paper lists for the scale benchmark (1k, 10k, 100k papers).

Writes a folder that ``kg build`` reads exactly like ``data/``: one Markdown list in the
awesome-list format of ``data/awesome-paper-list-synthetic-data.md`` plus a curation
folder (``methods.yaml``, ``lineage.yaml``) in the schema of :mod:`kg.curation.load`.

What is realistic about it (the shape, not the words):

- authors: a pool of 1.5 names per paper; the lead author drawn from a Zipf-Mandelbrot
  law ``1/(rank + 100)``, further authors 70 % from the lead's 40-person community and
  30 % from the whole pool; 1 to 12 authors per paper (median 4);
- name variants: about 3 % of people are sometimes written differently (middle initial
  dropped, hyphen dropped from a given name, lower case), so identity resolution works;
- venues (20 series, Zipf), presentation and arXiv month badges, years 2018-2025 growing
  towards recent years; categories Zipf with about 8 % hybrid entries (``**A+B**：``);
- unique arXiv ids ``yymm.nnnnn`` consistent with the badge year;
- lineage: edges from a newer paper to an older one, mostly to recent papers (a chain)
  and 30 % to Zipf-popular hubs; contributions with ``variant_of`` families and
  method-level ``extends`` edges.

Limits: curated YAML is capped at 5 MiB by :mod:`kg.curation.strict_yaml`, so lineage density
defaults to 0.2 edges per paper (20k edges at 100k papers, a 3.1 MB file); hand-curated
lineage is sparse in practice too.

The same arguments give byte-identical files: one ``random.Random(seed)``, no set or
hash ordering anywhere.

Usage::

    python benchmarks/generate.py --papers 10000 --out benchmarks/out/10k
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Corpus", "generate", "write_corpus"]

_SYLLABLES = (
    "an bo chen da el fa gu han ib jia ka li mei na ol pe qi ra sa ta ul vi wei xi ya zo "
    "ber cor dan fen gor hal ken lor mar nor pol ron sen tor val win yun zhi"
).split()
_CATEGORIES = [
    "Distillation",
    "Augmentation",
    "Iterative-Evolution",
    "Filtering",
    "External-Based",
    "Environment",
    "Reasoning",
    "Code",
    "Alignment",
    "Agents",
    "Evaluation",
    "Multimodal",
]
_VENUES = [
    ("Arxiv", False),
    ("NeurIPS", True),
    ("ICLR", True),
    ("ICML", True),
    ("ACL", False),
    ("EMNLP", False),
    ("NAACL", False),
    ("COLM", False),
    ("AAAI", False),
    ("TMLR", False),
    ("EACL", False),
    ("COLING", False),
    ("IJCAI", False),
    ("KDD", False),
    ("CVPR", True),
    ("ICCV", False),
    ("ECCV", False),
    ("JMLR", False),
    ("MATH-AI", False),
    ("ACM Computing Surveys", False),
]
_PRESENTATIONS = ["poster", "poster", "poster", "oral", "spotlight"]
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_ADJECTIVES = (
    "Scalable Efficient Robust Self-Improving Iterative Contrastive Hierarchical Adaptive "
    "Verifiable Synthetic Instruction-Tuned Multilingual Compositional Sparse Grounded "
    "Curriculum Reflective Agentic Lightweight Diverse"
).split()
_NOUNS = (
    "Instruction Data Reasoning Distillation Preference Feedback Evolution Retrieval Agents "
    "Tool-Use Code Math Dialogue Alignment Verification Curation Search Planning Rewards "
    "Benchmarks Trajectories Demonstrations Critiques Programs Proofs"
).split()
_TASKS = (
    "Language Models|Code Generation|Mathematical Reasoning|Instruction Following|Tool Learning|"
    "Question Answering|Program Synthesis|Theorem Proving|Dialogue Systems|Web Agents"
).split("|")
_RELATIONS = [
    "extends",
    "improvesOn",
    "usesDataFrom",
    "appliesMethodOf",
    "filtersDataOf",
    "automates",
]
_KINDS = ["method", "dataset", "model", "benchmark"]


def _zipf(n: int, shift: float = 1.0, exponent: float = 1.0) -> list[float]:
    """Cumulative Zipf-Mandelbrot weights ``1/(rank + shift)^exponent`` for ranks 0..n-1."""
    return list(itertools.accumulate(1.0 / (rank + shift) ** exponent for rank in range(n)))


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    return bisect.bisect_left(cumulative, rng.random() * cumulative[-1])


@dataclass(frozen=True)
class _Person:
    given: str  # as written canonically, possibly hyphenated
    middle: str  # "" or one capital letter
    surname: str
    variant_prone: bool

    def written(self, rng: random.Random) -> str:
        full = " ".join(
            p for p in (self.given, f"{self.middle}." if self.middle else "", self.surname) if p
        )
        if not self.variant_prone or rng.random() >= 0.3:
            return full
        if self.middle:
            return f"{self.given} {self.surname}"
        if "-" in self.given:
            return f"{self.given.replace('-', '').capitalize()} {self.surname}"
        return full.lower()


@dataclass(frozen=True)
class _Paper:
    arxiv: str
    year: int
    month: int
    title: str
    badge: str
    category: int
    hybrid: tuple[int, ...]
    authors: tuple[str, ...]
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Corpus:
    """The generated files' text: the Markdown list and the two curation files."""

    markdown: str
    methods_yaml: str
    lineage_yaml: str


def _names(rng: random.Random) -> tuple[list[str], list[str]]:
    given = sorted({a + b for a, b in itertools.product(_SYLLABLES, repeat=2)})
    surnames = sorted({a + b + c for a, b, c in itertools.product(_SYLLABLES[:30], repeat=3)})
    rng.shuffle(given)
    rng.shuffle(surnames)
    return [g.capitalize() for g in given], [s.capitalize() for s in surnames]


def _people(rng: random.Random, count: int) -> list[_Person]:
    given, surnames = _names(rng)
    chosen = rng.sample(range(len(given) * len(surnames)), count)
    people = []
    for index in chosen:
        first, last = given[index % len(given)], surnames[index // len(given)]
        if rng.random() < 0.05 and len(first) >= 5:
            cut = len(first) // 2
            first = f"{first[:cut]}-{first[cut:].capitalize()}"
        middle = chr(ord("A") + rng.randrange(26)) if rng.random() < 0.12 else ""
        people.append(_Person(first, middle, last, rng.random() < 0.03))
    return people


def _title(rng: random.Random, serial: int) -> str:
    shape = rng.randrange(4)
    adjective, noun, other = rng.choice(_ADJECTIVES), rng.choice(_NOUNS), rng.choice(_NOUNS)
    task = rng.choice(_TASKS)
    if shape == 0:
        return f"{adjective} {noun} for {task}"
    if shape == 1:
        name = (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).capitalize() + rng.choice(
            ["LM", "-Instruct", "Coder", "Math", ""]
        )
        return f"{name}: {adjective} {noun} via {other} ({serial})"
    if shape == 2:
        return f"Learning {noun} from {adjective} {other} in {task}"
    return f"On the {noun} of {adjective} {other}: A Study of {task}"


def _papers(rng: random.Random, count: int) -> list[_Paper]:
    pool = _people(rng, max(10, count * 3 // 2))
    lead_weights = _zipf(len(pool), shift=100)
    venue_weights = _zipf(len(_VENUES), shift=1.5)
    category_weights = _zipf(len(_CATEGORIES), shift=2)
    size_weights = list(itertools.accumulate([4, 8, 10, 10, 9, 8, 6, 5, 4, 3, 2, 2]))
    years = list(range(2018, 2026))
    year_weights = list(itertools.accumulate(1.35**i for i in range(len(years))))
    serials: dict[tuple[int, int], int] = {}
    papers = []
    for serial in range(count):
        year = years[_pick(rng, year_weights)]
        month = rng.randrange(1, 13)
        number = serials.get((year, month), rng.randrange(100, 2000)) + rng.randrange(1, 6)
        serials[(year, month)] = number
        arxiv = f"{year % 100:02d}{month:02d}.{number:05d}"
        venue, presents = _VENUES[_pick(rng, venue_weights)]
        if venue == "Arxiv":
            badge = f"{year} {_MONTHS[month - 1]} {venue}"
        else:
            venue_year = year + (1 if year < 2025 and rng.random() < 0.4 else 0)
            extra = f" {rng.choice(_PRESENTATIONS)}" if presents and rng.random() < 0.7 else ""
            badge = f"{venue_year} {venue}{extra}"
        lead = _pick(rng, lead_weights)
        authors = [lead]
        for _ in range(_pick(rng, size_weights)):
            if rng.random() < 0.7:
                other = (lead // 40) * 40 + rng.randrange(40)
                other = min(other, len(pool) - 1)
            else:
                other = rng.randrange(len(pool))
            if other not in authors:
                authors.append(other)
        category = _pick(rng, category_weights)
        hybrid: tuple[int, ...] = ()
        if rng.random() < 0.08:
            second = _pick(rng, category_weights)
            if second != category:
                hybrid = (category, second)
        links = []
        if rng.random() < 0.5:
            handle = rng.choice(pool).surname.lower()
            links.append(("github", f"https://github.com/{handle}/{arxiv.replace('.', '-')}"))
        if rng.random() < 0.3:
            links.append(("HOME PAGE", f"https://arxiv.org/abs/{arxiv}"))
        if rng.random() < 0.05:
            links.append(("Hugging Face", f"https://huggingface.co/datasets/bench/{arxiv}"))
        papers.append(
            _Paper(
                arxiv=arxiv,
                year=year,
                month=month,
                title=_title(rng, serial),
                badge=badge,
                category=category,
                hybrid=hybrid,
                authors=tuple(pool[i].written(rng) for i in authors),
                links=tuple(links),
            )
        )
    return papers


def _entry(paper: _Paper) -> str:
    hybrid = ""
    if paper.hybrid:
        hybrid = "**" + "+".join(_CATEGORIES[c] for c in paper.hybrid) + "**："
    links = " ".join(f"[[{label}]]({url})" for label, url in paper.links)
    tail = f" | {links}" if links else ""
    return f"[**{paper.badge}**] {hybrid}[**{paper.title}**](https://arxiv.org/pdf/{paper.arxiv}), *{', '.join(paper.authors)}*{tail}"


#: Entry styles of ``--formats mixed``: the shapes real lists use (see tests/gold/lists).
STYLES = ("badge", "trailing", "numbered", "multiline", "citation", "dated", "table")


def _venue_year(paper: _Paper) -> tuple[str, str]:
    words = paper.badge.split()
    venue = " ".join(w for w in words[1:] if w not in _MONTHS and w not in _PRESENTATIONS)
    return venue, words[0]


def _styled(paper: _Paper, style: str) -> str:
    """One entry in one of the styles of real lists (same paper, same fields)."""
    if style == "badge" or paper.hybrid:
        return _entry(paper)
    venue, year = _venue_year(paper)
    url = f"https://arxiv.org/abs/{paper.arxiv}"
    names = ", ".join(paper.authors)
    code = next((u for label, u in paper.links if label == "github"), None)
    code_link = f" [[code]]({code})" if code else ""
    if style == "trailing":
        return f"- [**{paper.title}**]({url}) *{names}.* {venue} {year}."
    if style == "numbered":
        return f"1. [{venue} {year}] **{paper.title}** [[paper]]({url}){code_link}"
    if style == "multiline":
        return f"* **{paper.title}** <br>\n*{names}* <br>\n{venue}, {year}. [[Paper]]({url}){code_link}"
    if style == "citation":
        first = paper.authors[0]
        links = f"[[arXiv]]({url})" + (f" [:octocat:]({code})" if code else "")
        return f'- {first}, et al. "{paper.title}", {venue} {year} {links}'
    if style == "dated":
        return f"-  [{year}/{paper.month:02d}] **[{paper.title}]({url})** ![img](https://img.shields.io/badge/{venue.replace('-', '--').replace(' ', '_')}-blue)"
    return f"| [{paper.title}]({url}) | {names} | {venue} {year} | {code or '-'} |"


def _markdown(papers: list[_Paper], seed: int, formats: str = "badge") -> str:
    sections: dict[str, list[_Paper]] = {name: [] for name in _CATEGORIES + ["Hybrid"]}
    for paper in papers:
        sections["Hybrid" if paper.hybrid else _CATEGORIES[paper.category]].append(paper)
    out = [
        f"# Synthetic Benchmark List ({len(papers)} papers, seed {seed})",
        "",
        "Generated by benchmarks/generate.py for the scale benchmark; not real papers.",
        "",
    ]
    for name, members in sections.items():
        out += [f"## {name}", ""]
        rows = []
        for paper in sorted(members, key=lambda p: p.arxiv, reverse=True):
            style = "badge" if formats == "badge" else STYLES[int(paper.arxiv[-2:]) % len(STYLES)]
            if style == "table" and not paper.hybrid:
                rows.append(_styled(paper, style))
            else:
                out += [_styled(paper, style), ""]
        if rows:
            out += ["| Title | Authors | Venue | Code |", "|---|---|---|---|", *rows, ""]
    return "\n".join(out)


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _curation(
    rng: random.Random, papers: list[_Paper], lineage_rate: float, method_rate: float
) -> tuple[str, str]:
    ordered = sorted(papers, key=lambda p: p.arxiv)
    popularity = list(range(len(ordered)))
    rng.shuffle(popularity)
    hub_weights = _zipf(len(ordered), shift=10)
    relation_weights = _zipf(len(_RELATIONS), shift=1)
    edges: dict[tuple[str, str], str] = {}
    for _ in range(round(lineage_rate * len(ordered))):
        newer = rng.randrange(1, len(ordered)) if len(ordered) > 1 else 0
        if newer == 0:
            break
        if rng.random() < 0.3:
            older = popularity[_pick(rng, hub_weights)]
            if older >= newer:
                older = rng.randrange(newer)
        else:
            older = max(0, newer - 1 - int(rng.expovariate(1 / 50)))
        key = (f"arxiv:{ordered[newer].arxiv}", f"arxiv:{ordered[older].arxiv}")
        if older != newer and key not in edges:
            edges[key] = _RELATIONS[_pick(rng, relation_weights)]

    kind_weights = _zipf(len(_KINDS), shift=1)
    methods: list[str] = ["methods:", ""]
    introduced: list[int] = sorted(
        rng.sample(range(len(ordered)), min(len(ordered), round(method_rate * len(ordered))))
    )
    method_edges: list[tuple[str, str]] = []
    method_ids: list[str] = []
    for index, paper_index in enumerate(introduced):
        paper = ordered[paper_index]
        word = (rng.choice(_SYLLABLES) + rng.choice(_SYLLABLES)).capitalize()
        method_id = f"m{index:05d}-{word.lower()}"
        method_ids.append(method_id)
        users = sorted(
            {
                ordered[rng.randrange(paper_index, len(ordered))].arxiv
                for _ in range(rng.randrange(5))
            }
            - {paper.arxiv}
        )
        variant_of = None
        if index > 0 and rng.random() < 0.15:
            variant_of = method_ids[rng.randrange(max(0, index - 200), index)]
            if rng.random() < 0.5:
                method_edges.append((method_id, variant_of))
        methods += [
            f"  - id: {method_id}",
            f"    label: {word}-{rng.choice(_NOUNS)}",
            f"    kind: {_KINDS[_pick(rng, kind_weights)]}",
            f"    introduced_by: [arxiv:{paper.arxiv}]",
            f"    used_by: [{', '.join(f'arxiv:{a}' for a in users)}]",
            f"    variant_of: {variant_of or 'null'}",
            f"    description: {_yaml_text(f'Synthetic contribution number {index}.')}",
            "    evidence:",
            f"      text: {_yaml_text('Generated for the scale benchmark.')}",
            f"      source: https://arxiv.org/abs/{paper.arxiv}",
            "",
        ]
    lineage = ["lineage:", ""]
    for (newer_ref, older_ref), relation in sorted(edges.items()):
        lineage += [
            f"  - from: {newer_ref}",
            f"    to: {older_ref}",
            f"    relation: {relation}",
            f"    evidence: {{text: generated, source: 'https://arxiv.org/abs/{newer_ref[6:]}'}}",
        ]
    for newer_id, older_id in method_edges:
        lineage += [
            f"  - from: method:{newer_id}",
            f"    to: method:{older_id}",
            "    relation: extends",
            f"    evidence: {{text: generated variant, source: 'https://example.org/{newer_id}'}}",
        ]
    header = "# Generated by benchmarks/generate.py for the scale benchmark; not real data.\n"
    return header + "\n".join(methods) + "\n", header + "\n".join(lineage) + "\n"


def generate(
    papers: int,
    *,
    seed: int = 42,
    lineage_rate: float = 0.2,
    method_rate: float = 0.02,
    formats: str = "badge",
) -> Corpus:
    """Generate a corpus of ``papers`` entries; the same arguments give the same text.

    Args:
        papers: Number of list entries (each has a unique arXiv id).
        seed: Seed of the one random generator.
        lineage_rate: Curated paper-to-paper lineage edges per paper.
        method_rate: Curated contributions per paper.
        formats: ``badge`` (every entry in the style of ``data/``) or ``mixed`` (entries
            spread over :data:`STYLES`, the shapes real lists use, tables included).
    """
    rng = random.Random(seed)
    generated = _papers(rng, papers)
    methods_yaml, lineage_yaml = _curation(rng, generated, lineage_rate, method_rate)
    return Corpus(
        markdown=_markdown(generated, seed, formats),
        methods_yaml=methods_yaml,
        lineage_yaml=lineage_yaml,
    )


def write_corpus(corpus: Corpus, out: Path) -> Path:
    """Write the list and the curation files into ``out``; returns the list's path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "list.md"
    path.write_text(corpus.markdown, encoding="utf-8")
    (out / "methods.yaml").write_text(corpus.methods_yaml, encoding="utf-8")
    (out / "lineage.yaml").write_text(corpus.lineage_yaml, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lineage-rate", type=float, default=0.2)
    parser.add_argument("--method-rate", type=float, default=0.02)
    parser.add_argument("--formats", choices=["badge", "mixed"], default="badge")
    args = parser.parse_args()
    corpus = generate(
        args.papers,
        seed=args.seed,
        lineage_rate=args.lineage_rate,
        method_rate=args.method_rate,
        formats=args.formats,
    )
    path = write_corpus(corpus, args.out)
    print(
        f"wrote {path} ({len(corpus.markdown.encode()) / 1e6:.1f} MB) and curation YAML to {args.out}/"
    )


if __name__ == "__main__":
    main()
