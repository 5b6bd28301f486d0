"""Lineage of one work: what it builds on (ancestors) and what builds on it (descendants).

Works are papers and curated contributions (methods, datasets, models, benchmarks). The
edges followed are the curated lineage edges (``newer <relation> older``) and
``variant_of`` (a variant is newer than the method it varies). ``introduces`` links a
paper to its contributions; it is not lineage, so it is followed only from the work asked
about, and only where the contribution leads somewhere (WizardMath's Math Evol-Instruct
is a variant of Evol-Instruct). This works on the :class:`~kg.model.KnowledgeBase`
alone, pure Python, no RDF.

Trees are cycle-safe and each work is expanded once: a work reached a second time (a
diamond, or a cycle in a hand-built knowledge base) is marked ``repeated`` and not
expanded again. Three renderings: :func:`to_tree_text` for people, :func:`to_json` for
programs and :func:`to_mermaid` for a README on GitHub (``graph LR``, arrows from the
newer work to the older one, as in the data).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import WorkLookupError
from kg.model import KnowledgeBase, Paper

__all__ = [
    "INTRODUCES",
    "VARIANT_OF",
    "Edge",
    "Lineage",
    "Step",
    "Work",
    "WorkGraph",
    "ancestors",
    "descendants",
    "find_works",
    "first_seen",
    "lineage_of",
    "resolve_work",
    "to_json",
    "to_mermaid",
    "to_tree_text",
]

#: Relation name of a contribution's ``variant_of`` link (a lineage step, variant -> base).
VARIANT_OF = "variantOf"
#: Relation name of a paper -> contribution link (not lineage; followed from the root only).
INTRODUCES = "introduces"
_MAX_CANDIDATES = 10
_ARXIV = re.compile(
    r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$"
)


def first_seen(paper: Paper) -> tuple[int, int]:
    """When a paper first appeared, as ``(year, month)`` (month 0 when unknown).

    The arXiv id's month counts when it is no later than the venue year (WizardMath is
    ICLR 2025 but arXiv 2308).

    >>> from kg.model import Paper, SourceRef
    >>> p = Paper(key="2308.09583", title="T", year=2025, venue="ICLR", venue_as_written="ICLR",
    ...           arxiv_id="2308.09583", list_key="l", source=SourceRef(file="f", line=1))
    >>> first_seen(p)
    (2023, 8)
    """
    if paper.arxiv_id:
        arxiv = (2000 + int(paper.arxiv_id[:2]), int(paper.arxiv_id[2:4]))
        if arxiv[0] <= paper.year:
            return arxiv
    return paper.year, paper.month or 0


@dataclass(frozen=True)
class Work:
    """A paper or a contribution, with what it takes to show it."""

    ref: str
    kind: str
    label: str
    year: int | None = None
    venue: str | None = None
    arxiv_id: str | None = None
    date: tuple[int, int] | None = None

    @property
    def is_paper(self) -> bool:
        """Whether the work is a paper (else a contribution)."""
        return self.kind == "paper"

    def describe(self) -> str:
        """One line for people: ``Title (2024, ICLR)`` or ``Evol-Instruct (method)``."""
        if self.is_paper:
            return f"{self.label} ({self.year}, {self.venue})"
        return f"{self.label} ({self.kind})"

    def short(self) -> str:
        """A short label for diagrams: a paper's name before its colon (or a cut title) and year."""
        if not self.is_paper:
            return f"{self.label} ({self.kind})"
        head, colon, _ = self.label.partition(":")
        name = head if colon and len(head) <= 40 else _cut(self.label, 40)
        return f"{name} ({self.year})"

    def as_dict(self) -> dict[str, Any]:
        """The work as JSON-ready data."""
        return {
            "ref": self.ref,
            "kind": self.kind,
            "label": self.label,
            "year": self.year,
            "venue": self.venue,
            "arxiv_id": self.arxiv_id,
        }


def _cut(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[:width].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class Edge:
    """One link between two works: ``source <relation> target`` (newer -> older for lineage)."""

    source: str
    relation: str
    target: str


@dataclass(frozen=True)
class Step:
    """One step of an ancestor or descendant tree.

    Attributes:
        relations: How the two works are linked (several when both a lineage relation and
            ``variantOf`` hold); ``("introduces",)`` for a bridge to a contribution.
        work: The work reached.
        steps: The steps beyond it (empty when ``repeated``).
        repeated: The work was already expanded elsewhere in the tree (or closes a cycle).
    """

    relations: tuple[str, ...]
    work: Work
    steps: tuple[Step, ...] = ()
    repeated: bool = False


@dataclass(frozen=True)
class Lineage:
    """A work with its ancestors and descendants."""

    work: Work
    introduces: tuple[Work, ...]
    introduced_by: tuple[Work, ...]
    ancestors: tuple[Step, ...]
    descendants: tuple[Step, ...]

    def edges(self) -> list[Edge]:
        """Every link shown in the two trees, once each, sorted."""
        found: set[Edge] = set()

        def walk(origin: str, steps: Sequence[Step], upward: bool) -> None:
            for step in steps:
                for relation in step.relations:
                    if upward or relation == INTRODUCES:
                        found.add(Edge(origin, relation, step.work.ref))
                    else:
                        found.add(Edge(step.work.ref, relation, origin))
                walk(step.work.ref, step.steps, upward)

        walk(self.work.ref, self.ancestors, True)
        walk(self.work.ref, self.descendants, False)
        return sorted(found, key=lambda e: (e.source, e.relation, e.target))

    def works(self) -> list[Work]:
        """The work and every work in its trees, each once, in the order first shown."""
        seen: dict[str, Work] = {self.work.ref: self.work}

        def walk(steps: Sequence[Step]) -> None:
            for step in steps:
                seen.setdefault(step.work.ref, step.work)
                walk(step.steps)

        walk(self.ancestors)
        walk(self.descendants)
        return list(seen.values())


class WorkGraph:
    """The works of a knowledge base and the links between them, indexed both ways."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.works: dict[str, Work] = {}
        for paper in kb.papers:
            ref = f"paper:{paper.key}"
            self.works[ref] = Work(
                ref,
                "paper",
                paper.title,
                paper.year,
                paper.venue,
                paper.arxiv_id,
                first_seen(paper),
            )
        dates = {ref: w.date for ref, w in self.works.items()}
        self.introduces: dict[str, list[str]] = defaultdict(list)
        self.introduced_by: dict[str, list[str]] = defaultdict(list)
        self.aliases: dict[str, tuple[str, ...]] = {}
        for c in kb.contributions:
            ref = f"method:{c.id}"
            found = [d for k in c.introduced_by if (d := dates.get(f"paper:{k}")) is not None]
            self.works[ref] = Work(ref, c.kind.value, c.label, date=min(found) if found else None)
            self.aliases[ref] = c.aliases
            for key in c.introduced_by:
                self.introduces[f"paper:{key}"].append(ref)
                self.introduced_by[ref].append(f"paper:{key}")
        self.older: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.newer: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        links = [(str(e.newer), e.relation.value, str(e.older)) for e in kb.lineage]
        links += [
            (f"method:{c.id}", VARIANT_OF, f"method:{c.variant_of}")
            for c in kb.contributions
            if c.variant_of
        ]
        for newer, relation, older in links:
            self.older[newer][older].append(relation)
            self.newer[older][newer].append(relation)

    # -- finding works by name ---------------------------------------------------------

    def find(self, name: str) -> list[Work]:
        """Works that ``name`` designates: exact matches if any, else fragment matches.

        Exact: a ref (``paper:``, ``method:``, ``arxiv:``), an arXiv id or URL, a paper key
        or full title, a paper's short name (the part of its title before the colon), a
        contribution's id, label or alias. Fragment: a case-insensitive substring of a
        title, label or alias. A contribution gives way to the paper that introduces it
        when that paper matches too, even as a fragment (``WizardMath`` is the paper, not
        also its model).
        """
        wanted = _norm(name)
        if not wanted:
            return []
        arxiv = _ARXIV.match(name.strip())
        exact: list[Work] = []
        fragment: list[Work] = []
        for ref, work in self.works.items():
            names = self._names(work)
            if (
                wanted in names
                or _norm(ref) == wanted
                or (arxiv is not None and work.arxiv_id == arxiv.group(1))
            ):
                exact.append(work)
            elif any(wanted in n for n in names):
                fragment.append(work)
        matched = {w.ref for w in exact + fragment}
        chosen: dict[str, Work] = {}
        for work in exact or fragment:
            introducers = [p for p in self.introduced_by.get(work.ref, ()) if p in matched]
            for ref in introducers or [work.ref]:
                chosen.setdefault(ref, self.works[ref])
        return list(chosen.values())

    def _written_names(self, work: Work) -> list[str]:
        """The names of a work as written: label, short name or aliases, then its key."""
        names = [work.label]
        if work.is_paper:
            head, colon, _ = work.label.partition(":")
            if colon:
                names.insert(0, head)
        else:
            names.extend(self.aliases.get(work.ref, ()))
        return [*names, work.ref.partition(":")[2]]

    def _names(self, work: Work) -> set[str]:
        return {_norm(n) for n in self._written_names(work)}

    def resolve(self, name: str) -> Work:
        """The one work ``name`` designates.

        Raises:
            WorkLookupError: no work matches (with close names, if any), or several do
                (listing them with their refs, which are unambiguous).
        """
        found = self.find(name)
        if len(found) == 1:
            return found[0]
        if not found:
            pool: dict[str, str] = {}
            for work in self.works.values():
                for written in self._written_names(work):
                    pool.setdefault(_norm(written), written)
            close = difflib.get_close_matches(_norm(name), list(pool), n=5, cutoff=0.6)
            shown = list(dict.fromkeys(pool[c] for c in close))[:3]
            hint = "; did you mean " + " or ".join(map(repr, shown)) + "?" if shown else ""
            raise WorkLookupError(
                f"no paper or method matches {name!r}{hint} "
                "(give a title fragment, an arXiv id or a method name; kg stats --papers lists the papers)"
            )
        found.sort(key=lambda w: (not w.is_paper, w.date or (9999, 0), w.ref))
        width = max(len(w.ref) for w in found[:_MAX_CANDIDATES])
        lines = [f"  {w.ref.ljust(width)}  {w.describe()}" for w in found[:_MAX_CANDIDATES]]
        if len(found) > _MAX_CANDIDATES:
            lines.append(f"  ... and {len(found) - _MAX_CANDIDATES} more")
        raise WorkLookupError(
            f"{name!r} matches {len(found)} works; name one of them (a ref below works):\n"
            + "\n".join(lines)
        )

    # -- walking -----------------------------------------------------------------------

    def ancestors(self, ref: str, *, bridges: bool = True) -> tuple[Step, ...]:
        """What ``ref`` builds on, transitively, nearest in time first."""
        return self._tree(ref, self.older, newest_first=True, bridges=bridges)

    def descendants(self, ref: str, *, bridges: bool = True) -> tuple[Step, ...]:
        """What builds on ``ref``, transitively, nearest in time first."""
        return self._tree(ref, self.newer, newest_first=False, bridges=bridges)

    def _tree(
        self,
        root: str,
        links: dict[str, dict[str, list[str]]],
        *,
        newest_first: bool,
        bridges: bool,
    ) -> tuple[Step, ...]:
        if root not in self.works:
            raise WorkLookupError(f"no work {root!r} in the knowledge base")
        order = _time_order(self.works, newest_first=newest_first)
        expanded = {root}

        def neighbours(ref: str) -> list[tuple[str, tuple[str, ...]]]:
            found = links.get(ref, {})
            return [(n, _ordered(found[n])) for n in sorted(found, key=order)]

        def walk(ref: str, path: frozenset[str]) -> tuple[Step, ...]:
            steps: list[Step] = []
            for nxt, relations in neighbours(ref):
                work = self.works[nxt]
                if nxt in path or nxt in expanded:
                    steps.append(Step(relations, work, repeated=True))
                    continue
                expanded.add(nxt)
                steps.append(Step(relations, work, walk(nxt, path | {nxt})))
            return tuple(steps)

        steps = list(walk(root, frozenset({root})))
        if bridges:
            own = {root, *self.introduces.get(root, ())}
            for contribution in sorted(own - {root}, key=order):
                if contribution in expanded or set(links.get(contribution, ())) <= own:
                    continue  # leads nowhere, or only to the root's own contributions
                expanded.add(contribution)
                inner = walk(contribution, frozenset({root, contribution}))
                steps.append(Step((INTRODUCES,), self.works[contribution], inner))
        return tuple(steps)

    def lineage(self, work: Work) -> Lineage:
        """Ancestors and descendants of ``work``, with its contributions or introducers."""
        order = _time_order(self.works, newest_first=False)
        return Lineage(
            work=work,
            introduces=tuple(
                self.works[r] for r in sorted(self.introduces.get(work.ref, ()), key=order)
            ),
            introduced_by=tuple(
                self.works[r] for r in sorted(self.introduced_by.get(work.ref, ()), key=order)
            ),
            ancestors=self.ancestors(work.ref),
            descendants=self.descendants(work.ref),
        )


_RELATION_ORDER = [VARIANT_OF]


def _ordered(relations: list[str]) -> tuple[str, ...]:
    """Distinct relations, lineage relations (alphabetically) before ``variantOf``."""
    return tuple(sorted(set(relations), key=lambda r: (r in _RELATION_ORDER, r)))


def _time_order(works: dict[str, Work], *, newest_first: bool) -> Callable[[str], tuple[Any, ...]]:
    """Sort key of refs by date (newest or oldest first), undated works last, then label."""

    def key(ref: str) -> tuple[Any, ...]:
        work = works[ref]
        if work.date is None:
            return (1, 0, 0, work.label.casefold(), ref)
        sign = -1 if newest_first else 1
        return (0, sign * work.date[0], sign * work.date[1], work.label.casefold(), ref)

    return key


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


# -- module-level API ------------------------------------------------------------------


def find_works(kb: KnowledgeBase, name: str) -> list[Work]:
    """Works that ``name`` designates (see :meth:`WorkGraph.find`)."""
    return WorkGraph(kb).find(name)


def resolve_work(kb: KnowledgeBase, name: str) -> Work:
    """The one work ``name`` designates.

    Raises:
        WorkLookupError: none or several match; the message lists candidates.
    """
    return WorkGraph(kb).resolve(name)


def ancestors(kb: KnowledgeBase, ref: str) -> tuple[Step, ...]:
    """What the work ``ref`` (``paper:KEY`` or ``method:ID``) builds on, as a tree.

    Raises:
        WorkLookupError: ``ref`` is not a work of ``kb``.
    """
    return WorkGraph(kb).ancestors(ref)


def descendants(kb: KnowledgeBase, ref: str) -> tuple[Step, ...]:
    """What builds on the work ``ref`` (``paper:KEY`` or ``method:ID``), as a tree.

    Raises:
        WorkLookupError: ``ref`` is not a work of ``kb``.
    """
    return WorkGraph(kb).descendants(ref)


def lineage_of(kb: KnowledgeBase, name: str) -> Lineage:
    """Resolve ``name`` and return its lineage.

    Raises:
        WorkLookupError: none or several works match ``name``.
    """
    graph = WorkGraph(kb)
    return graph.lineage(graph.resolve(name))


# -- renderings ------------------------------------------------------------------------


def to_tree_text(lineage: Lineage) -> str:
    """An indented text tree: ``relation -> older`` above, ``relation <- newer`` below."""
    lines = [lineage.work.describe()]
    if lineage.introduces:
        lines.append("  introduces: " + ", ".join(w.describe() for w in lineage.introduces))
    if lineage.introduced_by:
        lines.append("  introduced by: " + ", ".join(w.describe() for w in lineage.introduced_by))
    for title, steps, arrow in (
        ("ancestors", lineage.ancestors, "->"),
        ("descendants", lineage.descendants, "<-"),
    ):
        lines.append(f"  {title}:" + ("" if steps else " (none)"))
        lines.extend(_tree_lines(steps, arrow, depth=2))
    return "\n".join(lines) + "\n"


def _tree_lines(steps: Sequence[Step], arrow: str, depth: int) -> Iterator[str]:
    for step in steps:
        shown = "->" if step.relations == (INTRODUCES,) else arrow
        mark = " (see above)" if step.repeated else ""
        yield f"{'  ' * depth}{', '.join(step.relations)} {shown} {step.work.describe()}{mark}"
        yield from _tree_lines(step.steps, arrow, depth + 1)


def to_json(lineage: Lineage) -> dict[str, Any]:
    """The lineage as JSON-ready data: the work, both trees, and the flat list of edges.

    Edges are ``{"from", "relation", "to"}`` as in ``lineage.yaml``: from the newer work
    to the older one (from the paper to its contribution for ``introduces``).
    """

    def steps(items: Sequence[Step]) -> list[dict[str, Any]]:
        return [
            {
                "relations": list(s.relations),
                "work": s.work.as_dict(),
                "repeated": s.repeated,
                "steps": steps(s.steps),
            }
            for s in items
        ]

    return {
        "work": lineage.work.as_dict(),
        "introduces": [w.as_dict() for w in lineage.introduces],
        "introduced_by": [w.as_dict() for w in lineage.introduced_by],
        "ancestors": steps(lineage.ancestors),
        "descendants": steps(lineage.descendants),
        "edges": [
            {"from": e.source, "relation": e.relation, "to": e.target} for e in lineage.edges()
        ],
    }


_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9 .,:!?+*/='_\-\u00a0-\uffff]")


def _mermaid_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label: anything unusual becomes ``#<code>;``."""
    return _MERMAID_UNSAFE.sub(lambda m: f"#{ord(m.group())};", text)


def to_mermaid(lineage: Lineage) -> str:
    """A Mermaid ``graph LR``: one node per work, arrows from newer to older work.

    Node ids are derived from refs (``paper_2304_12244``), so they are safe identifiers;
    labels are quoted with every character outside a small safe set written as a Mermaid
    entity code (``#34;`` for a quote), so no title can break the diagram. Papers are
    boxes, contributions are stadiums, ``introduces`` is a dotted arrow, and the work
    asked about is drawn with a thick border.
    """
    ids: dict[str, str] = {}
    for work in lineage.works():
        base = "w_" + re.sub(r"[^A-Za-z0-9]", "_", work.ref)
        node, n = base, 1
        while node in ids.values():
            n += 1
            node = f"{base}_{n}"
        ids[work.ref] = node
    lines = ["graph LR"]
    for work in lineage.works():
        label = _mermaid_text(work.short())
        shape = f'["{label}"]' if work.is_paper else f'(["{label}"])'
        lines.append(f"  {ids[work.ref]}{shape}")
    for edge in lineage.edges():
        arrow = "-.->" if edge.relation == INTRODUCES else "-->"
        lines.append(f"  {ids[edge.source]} {arrow}|{edge.relation}| {ids[edge.target]}")
    lines.append("  classDef focus stroke-width:4px")
    lines.append(f"  class {ids[lineage.work.ref]} focus")
    return "\n".join(lines) + "\n"
