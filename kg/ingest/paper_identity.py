"""One paper, one node: the entries of every input that name the same paper, merged.

People keep a paper in several lists (and a list may name it twice, once with its arXiv
link and once with its proceedings link). Entries are matched by, in this order:

1. ``curated same_as`` (``papers.yaml``): the curator says so;
2. ``same arXiv id``;
3. ``same DOI`` (case-insensitive);
4. ``same title and year``: the normalised title (:func:`kg.text.fold`, punctuation and
   spacing removed) is equal and the years the inputs *state* agree (a missing year, or
   one only inferred from an arXiv id, agrees with any). Equal titles with different
   stated years are kept apart with a warning; with different arXiv ids or DOIs, they
   are kept apart silently (``kg stats --merges`` still lists them).

A curated ``distinct`` pair is never merged, whatever matches. Matching is decided pair
by pair in an order that depends only on the entries (key, list, file, line), never on
the order of the inputs, so the set of papers is the same in any order.

Field values of a merged paper follow one rule: the entries are ranked (an entry with
an arXiv id first, then the most complete, then input order) and each field group
(year and month; venue, track and presentation; authors; ...) comes from the first
ranked entry that has it (a year the list states beats one inferred from an arXiv id).
Categories, links and listings of every entry are united. The key is the arXiv id when
an entry has one, else the smallest key of the entries, so a paper's key does not move
when another list joins. Each entry's own year, venue, authors and categories stay in
its :class:`~kg.model.Listing`; disagreements between them are warnings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.errors import CurationError
from kg.ingest.paper_fields import combine
from kg.model import Diagnostic, Paper, PaperMerge, SourceRef, YearSource, evolve
from kg.text import fold

__all__ = ["MergeOutcome", "PaperRules", "merge_papers", "normalised_title"]

SAME_AS = "curated same_as"
ARXIV = "same arXiv id"
DOI = "same DOI"
TITLE = "same title and year"
YEARS_DISAGREE = "title match, years disagree"
IDS_DISAGREE = "title match, ids disagree"
DISTINCT = "curated distinct"
#: Shorter normalised titles ("Introduction", "GPT-4") merge only by id or curation.
MIN_TITLE_CHARS = 12


@dataclass(frozen=True)
class PaperRules:
    """Curated paper identity: groups that are one paper, pairs that never are.

    References are ``arxiv:ID``, ``doi:10.x/y``, ``paper:KEY`` (a key as a reader made
    it) or ``paper:KEY@LIST`` (that key in one list only).
    """

    same_as: tuple[tuple[tuple[str, ...], SourceRef], ...] = ()
    distinct: tuple[tuple[str, str, SourceRef], ...] = ()

    def __add__(self, other: PaperRules) -> PaperRules:
        return PaperRules(self.same_as + other.same_as, self.distinct + other.distinct)


@dataclass(frozen=True)
class MergeOutcome:
    """Merged papers (sorted by key), the decisions behind them, warnings, and renamed keys."""

    papers: list[Paper]
    merges: list[PaperMerge]
    diagnostics: list[Diagnostic]
    #: Every reader key that now names another paper key (for curated references).
    renamed: dict[str, str] = field(default_factory=dict)


_NON_WORD = re.compile(r"[\W_]+")


def normalised_title(title: str) -> str:
    """The title as compared: folded, punctuation and spacing removed.

    >>> normalised_title("Self-Instruct: Aligning LMs")
    'selfinstructaligninglms'
    >>> normalised_title("Self Instruct -- aligning LMs.")
    'selfinstructaligninglms'
    """
    return _NON_WORD.sub("", fold(title))


def _stated_year(paper: Paper) -> int | None:
    return paper.year if paper.year_source == YearSource.LIST else None


def _ident(paper: Paper) -> tuple[str, str, str, int]:
    return (paper.key, paper.list_key, paper.source.file, paper.source.line)


def _matches(ref: str, paper: Paper) -> bool:
    scheme, _, value = ref.partition(":")
    if scheme == "arxiv":
        return paper.arxiv_id == value
    if scheme == "doi":
        return paper.doi is not None and paper.doi.lower() == value.lower()
    key, _, in_list = value.partition("@")
    return paper.key == key and (not in_list or paper.list_key == in_list)


class _Groups:
    """Union-find over entries, with the curated ``distinct`` pairs as barriers."""

    def __init__(self, entries: Sequence[Paper], barriers: list[tuple[set[int], set[int]]]):
        self.parent = list(range(len(entries)))
        self.members: dict[int, set[int]] = {i: {i} for i in range(len(entries))}
        self.years: dict[int, set[int]] = {
            i: {y} if (y := _stated_year(p)) is not None else set() for i, p in enumerate(entries)
        }
        self.ids: dict[int, set[str]] = {
            i: {f"arxiv:{p.arxiv_id}"} if p.arxiv_id else set() for i, p in enumerate(entries)
        }
        for i, p in enumerate(entries):
            if p.doi:
                self.ids[i].add(f"doi:{p.doi.lower()}")
        self.barriers = barriers

    def ids_disagree(self, a: int, b: int) -> bool:
        """Whether both groups have an arXiv id (or a DOI) and none in common."""
        ia, ib = self.ids[self.find(a)], self.ids[self.find(b)]
        for scheme in ("arxiv:", "doi:"):
            xa = {i for i in ia if i.startswith(scheme)}
            xb = {i for i in ib if i.startswith(scheme)}
            if xa and xb and not xa & xb:
                return True
        return False

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def blocked(self, a: int, b: int) -> bool:
        ga, gb = self.members[self.find(a)], self.members[self.find(b)]
        return any((ga & x and gb & y) or (ga & y and gb & x) for x, y in self.barriers)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        keep, gone = min(ra, rb), max(ra, rb)
        self.parent[gone] = keep
        self.members[keep] |= self.members.pop(gone)
        self.years[keep] |= self.years.pop(gone)
        self.ids[keep] |= self.ids.pop(gone)


@dataclass
class _Matcher:
    entries: Sequence[Paper]
    groups: _Groups
    #: (rule, evidence, entry a, entry b, merged)
    decisions: list[tuple[str, str, int, int, bool]] = field(default_factory=list)

    def link(self, rule: str, evidence: str, a: int, b: int) -> None:
        if self.groups.find(a) == self.groups.find(b):
            return
        if self.groups.blocked(a, b):
            self.decisions.append((DISTINCT, evidence, a, b, False))
            return
        self.groups.union(a, b)
        self.decisions.append((rule, evidence, a, b, True))

    def by_id(self, rule: str, value_of: dict[int, str | None]) -> None:
        found: dict[str, list[int]] = defaultdict(list)
        for i in self.order:
            if (value := value_of[i]) is not None:
                found[value].append(i)
        for value, members in sorted(found.items()):
            for other in members[1:]:
                self.link(rule, value, members[0], other)

    @property
    def order(self) -> list[int]:
        return sorted(range(len(self.entries)), key=lambda i: _ident(self.entries[i]))

    def by_title(self) -> None:
        found: dict[str, list[int]] = defaultdict(list)
        for i in self.order:
            title = normalised_title(self.entries[i].title)
            if len(title) >= MIN_TITLE_CHARS:
                found[title].append(i)
        for members in (m for _, m in sorted(found.items()) if len(m) > 1):
            # One representative per group met so far: a title shared by many entries
            # costs entries x groups, not entries squared.
            reps: list[int] = []
            for b in members:
                for a in reps:
                    self._title_pair(a, b)
                if all(self.groups.find(a) != self.groups.find(b) for a in reps):
                    reps.append(b)

    def _title_pair(self, a: int, b: int) -> None:
        pa = self.entries[a]
        ra, rb = self.groups.find(a), self.groups.find(b)
        if ra == rb:
            return
        evidence = f"title {pa.title!r}"
        if self.groups.ids_disagree(a, b):
            self.decisions.append((IDS_DISAGREE, evidence, a, b, False))
            return
        ya, yb = self.groups.years[ra], self.groups.years[rb]
        if ya and yb and not ya & yb:
            years = f"{'/'.join(map(str, sorted(ya)))} vs {'/'.join(map(str, sorted(yb)))}"
            self.decisions.append((YEARS_DISAGREE, f"{evidence}, years {years}", a, b, False))
            return
        year = next(iter(ya or yb), None)
        self.link(TITLE, evidence + (f", year {year}" if year else ""), a, b)


def merge_papers(entries: Sequence[Paper], rules: PaperRules = PaperRules()) -> MergeOutcome:
    """Merge the entries (in input order, each with its listings) that name the same paper.

    Raises:
        CurationError: a curated reference names no entry, or a ``same_as`` group crosses
            a ``distinct`` pair (file:line of the curated entry).
    """
    barriers = [
        (_resolve(a, entries, where), _resolve(b, entries, where), where)
        for a, b, where in rules.distinct
    ]
    for (x, y, where), (a, b, _) in zip(barriers, rules.distinct, strict=True):
        if x & y:
            raise CurationError(
                f"distinct {a!r} and {b!r} both name the entry at {entries[min(x & y)].source}",
                source=where.file,
                line=where.line,
            )
    matcher = _Matcher(entries, _Groups(entries, [(x, y) for x, y, _ in barriers]))
    for refs, where in rules.same_as:
        found = sorted(
            set().union(*(_resolve(r, entries, where) for r in refs)),
            key=lambda i: _ident(entries[i]),
        )
        for other in found[1:]:
            if matcher.groups.blocked(found[0], other):
                raise CurationError(
                    f"same_as {list(refs)} crosses a curated distinct pair",
                    source=where.file,
                    line=where.line,
                )
            matcher.link(SAME_AS, ", ".join(refs) + f" ({where})", found[0], other)
    matcher.by_id(ARXIV, {i: p.arxiv_id for i, p in enumerate(entries)})
    matcher.by_id(DOI, {i: p.doi.lower() if p.doi else None for i, p in enumerate(entries)})
    matcher.by_title()
    return _outcome(entries, matcher)


def _resolve(ref: str, entries: Sequence[Paper], where: SourceRef) -> set[int]:
    found = {i for i, p in enumerate(entries) if _matches(ref, p)}
    if not found:
        raise CurationError(
            f"unknown paper {ref!r} (no entry of the inputs has it)",
            source=where.file,
            line=where.line,
        )
    return found


def _outcome(entries: Sequence[Paper], matcher: _Matcher) -> MergeOutcome:
    groups = matcher.groups
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        members[groups.find(i)].append(i)  # input order within a group
    papers: dict[int, Paper] = {}
    diagnostics: list[Diagnostic] = []
    for root, group in members.items():
        paper, notes = combine([entries[i] for i in group])
        papers[root] = paper
        diagnostics.extend(notes)
    _unique_keys(papers, members, entries, diagnostics)
    renamed = {
        entries[i].key: papers[root].key
        for root, group in members.items()
        for i in group
        if entries[i].key != papers[root].key
    }
    merges = [
        PaperMerge(
            key=papers[groups.find(a)].key,
            title=papers[groups.find(a)].title,
            merged=merged,
            rule=rule,
            evidence=evidence,
            sources=(entries[a].source, entries[b].source),
        )
        for rule, evidence, a, b, merged in matcher.decisions
    ]
    for merge in merges:
        # Equal titles with different arXiv ids or DOIs are different papers as a rule:
        # recorded for kg stats --merges, not warned about.
        if not merge.merged and merge.rule != IDS_DISAGREE:
            where, other = merge.sources
            message = f"{merge.title!r} may be the paper at {other} ({merge.rule}: {merge.evidence}); kept apart (papers.yaml same_as merges them)"
            diagnostics.append(Diagnostic(source=where, message=message))
    return MergeOutcome(
        papers=sorted(papers.values(), key=lambda p: p.key),
        merges=sorted(merges, key=lambda m: (m.key, not m.merged, m.rule, str(m.sources))),
        diagnostics=diagnostics,
        renamed=renamed,
    )


def _unique_keys(
    papers: dict[int, Paper],
    members: dict[int, list[int]],
    entries: Sequence[Paper],
    diagnostics: list[Diagnostic],
) -> None:
    """Papers kept apart that share a key (same title slug) get ``-2``, ``-3``... in entry order."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for root in sorted(papers, key=lambda r: min(_ident(entries[i]) for i in members[r])):
        by_key[papers[root].key].append(root)
    taken = set(by_key)
    for key, roots in by_key.items():
        for n, root in enumerate(roots[1:], start=2):
            new = f"{key}-{n}"
            while new in taken:
                new += "x"
            taken.add(new)
            papers[root] = evolve(papers[root], key=new)
            message = f"{papers[root].title!r} is another paper than {key!r}; its key is {new!r}"
            diagnostics.append(Diagnostic(source=papers[root].source, message=message))
