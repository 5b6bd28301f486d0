"""Suggested lineage: paper pairs that probably belong in ``lineage.yaml`` but are not there.

Curating lineage by hand is slow; this ranks every ordered pair of papers (newer ->
older) by cheap signals and explains each suggestion, so a curator can check the top
ones first. Suggestions are never part of the curated graph: nothing here feeds
:mod:`kg.graph.rdf` or the exports.

Signals (weights in :data:`WEIGHTS`; a pair's score is their sum):

``uses``
    the newer paper uses a contribution the older one introduces (``used_by`` in
    ``methods.yaml``);
``variant``
    the newer paper introduces a variant of the older one's contribution (``variant_of``);
``names``
    the newer title names the older work: a contribution's label or alias, or the older
    title's short name (the part before its colon, ``WizardLM``);
``authors``
    shared authors (resolved persons), more for several;
``survey``
    the newer paper is a survey or analysis (by category or title);
``category``
    a shared category of the list;
``terms``
    uncommon title words in common (not stopwords, not words of more than a sixth of
    the titles or at least three, not words of a name ``names`` already counted);
``venue``
    the same venue;
``time``
    the newer paper is known to be later (a pair whose "newer" is known to be earlier
    is never ranked).

The weights were set by judgement, not fitted: with about twenty curated edges,
fitting them would measure nothing. (After the first measurement, only ``terms`` changed:
stopwords and words already counted by ``names`` no longer count.) :func:`evaluate` hides every
curated lineage edge, ranks all ordered pairs, and scores the ranking against the
curated paper -> paper edges (direction included) as precision@k and recall@k.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from kg.lineage.works import Work, WorkGraph
from kg.model import KnowledgeBase

__all__ = [
    "SIGNALS",
    "WEIGHTS",
    "Evaluation",
    "Point",
    "Signal",
    "Suggestion",
    "evaluate",
    "rank",
    "suggest",
]

#: Weight of each signal (``authors`` grows by half a point per extra shared author, up to 3).
WEIGHTS: dict[str, float] = {
    "uses": 3.0,
    "variant": 3.0,
    "names": 2.5,
    "authors": 1.5,
    "survey": 1.0,
    "category": 1.0,
    "terms": 0.5,
    "venue": 0.25,
    "time": 0.25,
}
#: Every signal, in the order explanations list them.
SIGNALS: tuple[str, ...] = tuple(WEIGHTS)
_WORD = re.compile(r"[a-z0-9][a-z0-9\-+]*")
_STOPWORDS = frozenset(
    "about after against also among and are based between beyond but can does each for from "
    "have how into its more not our over than that the their them then these this through "
    "toward towards under using very via what when where which while with without your".split()
)
_SURVEY = re.compile(r"\b(survey|surveying|analysis|lessons|review|overview)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Signal:
    """One reason a pair is suggested: which signal fired, its weight, and on what."""

    name: str
    weight: float
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: {self.detail}"


@dataclass(frozen=True)
class Suggestion:
    """A likely lineage edge ``newer -> older`` with its score and the signals that fired."""

    newer: Work
    older: Work
    score: float
    signals: tuple[Signal, ...]

    @property
    def pair(self) -> tuple[str, str]:
        """The pair as refs ``(newer, older)``."""
        return self.newer.ref, self.older.ref


@dataclass(frozen=True)
class Point:
    """Precision and recall of the top ``k`` of a ranking."""

    k: int
    hits: int
    precision: float
    recall: float


@dataclass(frozen=True)
class Evaluation:
    """How well the ranking recovers the curated paper -> paper edges once they are hidden."""

    truth: int
    candidates: int
    points: tuple[Point, ...]
    signals: tuple[str, ...]


def _is_earlier(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Whether date ``a`` is surely before ``b`` (month 0 = unknown, compared only if both known)."""
    if a is None or b is None:
        return False
    if a[0] != b[0]:
        return a[0] < b[0]
    return bool(a[1] and b[1] and a[1] < b[1])


def _show(date: tuple[int, int] | None) -> str:
    if date is None:
        return "?"
    return f"{date[0]}-{date[1]:02d}" if date[1] else str(date[0])


def _names_in(title: str, names: Iterable[str]) -> list[str]:
    """The names (4+ characters) that occur in ``title`` as whole words, case-insensitively."""
    found = []
    for name in names:
        if len(name) >= 4 and re.search(
            rf"(?<![\w-]){re.escape(name)}(?![\w-])", title, re.IGNORECASE
        ):
            found.append(name)
    return found


class _Features:
    """What the signals need, precomputed once per knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        graph = WorkGraph(kb)
        self.papers = {f"paper:{p.key}": p for p in kb.papers}
        self.works = {ref: graph.works[ref] for ref in self.papers}
        persons = {p.key: p.name for p in kb.persons}
        self.authors: dict[str, set[str]] = defaultdict(set)
        for a in kb.authorships:
            self.authors[f"paper:{a.paper_key}"].add(persons.get(a.person_key, a.person_key))
        self.introduced: dict[str, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
        self.uses: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.variants: dict[tuple[str, str], list[str]] = defaultdict(list)
        by_id = {c.id: c for c in kb.contributions}
        for c in kb.contributions:
            shown = f"{c.label} ({c.kind.value})"
            for old in c.introduced_by:
                self.introduced[f"paper:{old}"].append((c.id, shown, (c.label, *c.aliases)))
                for new in c.used_by:
                    self.uses[(f"paper:{new}", f"paper:{old}")].append(shown)
            base = by_id.get(c.variant_of) if c.variant_of else None
            if base is not None:
                for new in c.introduced_by:
                    for old in base.introduced_by:
                        self.variants[(f"paper:{new}", f"paper:{old}")].append(
                            f"{c.label} is a variant of {base.label}"
                        )
        self.words = {
            ref: set(_WORD.findall(p.title.casefold())) - _STOPWORDS
            for ref, p in self.papers.items()
        }
        frequency = Counter(w for words in self.words.values() for w in words)
        common = max(3, len(self.papers) // 6)
        self.rare = {w for w, n in frequency.items() if n <= common and len(w) >= 4}

    def signals(self, new: str, old: str) -> list[Signal]:
        newer, older = self.papers[new], self.papers[old]
        fired: list[Signal] = []
        if uses := self.uses.get((new, old)):
            fired.append(Signal("uses", WEIGHTS["uses"], "uses " + ", ".join(sorted(set(uses)))))
        if variants := self.variants.get((new, old)):
            fired.append(Signal("variant", WEIGHTS["variant"], "; ".join(sorted(set(variants)))))
        candidates = [name for _, _, names in self.introduced.get(old, ()) for name in names]
        head, colon, _ = older.title.partition(":")
        if colon and len(head) <= 40:
            candidates.append(head)
        named = _names_in(newer.title, dict.fromkeys(candidates))
        if named:
            fired.append(
                Signal("names", WEIGHTS["names"], "title names " + ", ".join(map(repr, named)))
            )
        if shared := sorted(self.authors[new] & self.authors[old]):
            weight = min(3.0, WEIGHTS["authors"] + 0.5 * (len(shared) - 1))
            more = f" +{len(shared) - 3} more" if len(shared) > 3 else ""
            fired.append(
                Signal("authors", weight, f"{len(shared)} shared: " + ", ".join(shared[:3]) + more)
            )
        survey = [c for c in newer.categories if _SURVEY.search(c)] or _SURVEY.findall(newer.title)
        if survey:
            fired.append(
                Signal(
                    "survey",
                    WEIGHTS["survey"],
                    f"the newer paper is a survey or analysis ({survey[0]!r})",
                )
            )
        if common := sorted(set(newer.categories) & set(older.categories)):
            fired.append(Signal("category", WEIGHTS["category"], "both in " + ", ".join(common)))
        counted = {w for name in named for w in _WORD.findall(name.casefold())}
        if terms := sorted((self.words[new] & self.words[old] & self.rare) - counted):
            weight = min(1.5, WEIGHTS["terms"] * len(terms))
            fired.append(Signal("terms", weight, "title words " + ", ".join(terms)))
        if newer.venue is not None and newer.venue == older.venue:
            fired.append(Signal("venue", WEIGHTS["venue"], f"both at {newer.venue}"))
        d_new, d_old = self.works[new].date, self.works[old].date
        if _is_earlier(d_old, d_new):
            fired.append(Signal("time", WEIGHTS["time"], f"{_show(d_new)} after {_show(d_old)}"))
        return fired


def rank(kb: KnowledgeBase, *, signals: Collection[str] = SIGNALS) -> list[Suggestion]:
    """Every ordered pair of papers that may be ``newer -> older``, best first.

    A pair is left out only when its "newer" paper is known to be earlier than its
    "older" one; pairs with no known order appear in both directions. Ties are broken by
    the refs, so the ranking is deterministic.

    Args:
        kb: The knowledge base (its lineage is not used, so curated edges may be present).
        signals: The signals to use (names from :data:`SIGNALS`), e.g. for an ablation.
    """
    unknown = set(signals) - set(SIGNALS)
    if unknown:
        raise ValueError(f"unknown signals: {', '.join(sorted(unknown))}")
    features = _Features(kb)
    ranked = []
    for new, newer in features.works.items():
        for old, older in features.works.items():
            if new == old or _is_earlier(newer.date, older.date):
                continue
            fired = tuple(s for s in features.signals(new, old) if s.name in signals)
            ranked.append(Suggestion(newer, older, sum(s.weight for s in fired), fired))
    ranked.sort(key=lambda s: (-s.score, s.newer.ref, s.older.ref))
    return ranked


def _curated_pairs(kb: KnowledgeBase) -> set[tuple[str, str]]:
    """Paper pairs a curated edge already links, directly or through contributions, either way."""
    introducers: dict[str, list[str]] = {
        f"method:{c.id}": [f"paper:{k}" for k in c.introduced_by] for c in kb.contributions
    }

    def papers(ref: str) -> list[str]:
        return [ref] if ref.startswith("paper:") else introducers.get(ref, [])

    pairs = set()
    for edge in kb.lineage:
        for a in papers(str(edge.newer)):
            for b in papers(str(edge.older)):
                pairs |= {(a, b), (b, a)}
    return pairs


def suggest(kb: KnowledgeBase, *, top: int | None = 10, min_score: float = 1.0) -> list[Suggestion]:
    """The best-ranked pairs that no curated edge links yet (see :func:`rank`).

    Args:
        kb: The knowledge base with its curated lineage.
        top: How many suggestions to return (``None``: all).
        min_score: Leave out pairs scoring below this (time and venue alone are not enough).
    """
    known = _curated_pairs(kb)
    found = [s for s in rank(kb) if s.score >= min_score and s.pair not in known]
    return found if top is None else found[:top]


def evaluate(
    kb: KnowledgeBase,
    *,
    ks: Sequence[int] = (5, 10, 20, 40),
    signals: Collection[str] = SIGNALS,
) -> Evaluation:
    """Precision@k and recall@k of :func:`rank` against the curated paper -> paper edges.

    Every curated lineage edge (paper or contribution level) is hidden first; the ground
    truth is the set of curated ``(newer paper, older paper)`` pairs, direction included.

    Args:
        kb: The knowledge base with its curated lineage.
        ks: The cut-offs to measure.
        signals: The signals to rank with (default: all).
    """
    truth = {
        (str(e.newer), str(e.older)) for e in kb.lineage if e.newer.kind == e.older.kind == "paper"
    }
    ranking = rank(kb.model_copy(update={"lineage": ()}), signals=signals)
    points = []
    for k in ks:
        hits = sum(1 for s in ranking[:k] if s.pair in truth)
        points.append(Point(k, hits, hits / k if k else 0.0, hits / len(truth) if truth else 0.0))
    return Evaluation(
        len(truth), len(ranking), tuple(points), tuple(s for s in SIGNALS if s in signals)
    )
