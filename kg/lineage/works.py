"""The works of a knowledge base, the links between them, and the names that find them.

Works are papers and curated contributions (methods, datasets, models, benchmarks),
each known by a ref (``paper:KEY``, ``method:ID``, as in :class:`kg.model.WorkRef`).
:class:`WorkGraph` indexes a :class:`~kg.model.KnowledgeBase` once: dates, the
``introduces`` links between papers and contributions, and the derivation links (curated
lineage and ``variant_of``) both ways, so lineage trees (:mod:`kg.lineage.walks`) and
suggestions (:mod:`kg.lineage.suggest`) share one view. Finding a work by a name a person types
(a title fragment, an arXiv id, a method alias) lives here too: an ambiguous or unknown
name is a :class:`~kg.errors.WorkLookupError` that lists candidates. Pure Python, no RDF.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from kg.curation.dates import first_seen as curated_first_seen
from kg.errors import WorkLookupError
from kg.model import KnowledgeBase, Paper

__all__ = [
    "VARIANT_OF",
    "Contributed",
    "Work",
    "WorkGraph",
    "find_works",
    "first_seen",
    "resolve_work",
]

#: Relation name of a contribution's ``variant_of`` link (a lineage step, variant -> base).
VARIANT_OF = "variantOf"
_MAX_CANDIDATES = 10
_ARXIV = re.compile(
    r"^(?:arxiv:|https?://arxiv\.org/(?:abs|pdf)/)?(\d{4}\.\d{4,5})(?:v\d+)?(?:\.pdf)?$"
)


def first_seen(paper: Paper) -> tuple[int, int] | None:
    """When a paper first appeared, as ``(year, month)`` (month 0 when unknown).

    The arXiv id's month counts when it is no later than the venue year (WizardMath is
    ICLR 2025 but arXiv 2308).

    >>> from kg.model import Paper, SourceRef
    >>> p = Paper(key="2308.09583", title="T", year=2025, venue="ICLR", venue_as_written="ICLR",
    ...           arxiv_id="2308.09583", list_key="l", source=SourceRef(file="f", line=1))
    >>> first_seen(p)
    (2023, 8)
    """
    seen = curated_first_seen(paper)
    return None if seen is None else (seen[0], seen[1] or 0)


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
            when = ", ".join(str(part) for part in (self.year, self.venue) if part is not None)
            return f"{self.label} ({when})" if when else self.label
        return f"{self.label} ({self.kind})"

    def short(self) -> str:
        """A short label for diagrams: a paper's name before its colon (or a cut title) and year."""
        if not self.is_paper:
            return f"{self.label} ({self.kind})"
        head, colon, _ = self.label.partition(":")
        name = head if colon and len(head) <= 40 else _cut(self.label, 40)
        return f"{name} ({self.year})" if self.year is not None else name

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


class Contributed(NamedTuple):
    """A contribution as :meth:`WorkGraph.from_parts` takes it."""

    ref: str
    kind: str
    label: str
    aliases: tuple[str, ...]
    #: Refs of the papers that introduce it (``paper:KEY``).
    introduced_by: tuple[str, ...]


class WorkGraph:
    """The works of a knowledge base and the links between them, indexed both ways.

    Built from a :class:`~kg.model.KnowledgeBase`, or from the same parts read elsewhere
    (the persistent store: :func:`kg.lineage.store.work_graph`) with :meth:`from_parts`.
    """

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.works: dict[str, Work] = {}
        self.introduces: dict[str, list[str]] = defaultdict(list)
        self.introduced_by: dict[str, list[str]] = defaultdict(list)
        self.aliases: dict[str, tuple[str, ...]] = {}
        self.older: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.newer: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        if kb is None:
            return
        papers = [
            Work(
                f"paper:{paper.key}",
                "paper",
                paper.title,
                paper.year,
                paper.venue,
                paper.arxiv_id,
                first_seen(paper),
            )
            for paper in kb.papers
        ]
        contributions = [
            Contributed(
                f"method:{c.id}",
                c.kind.value,
                c.label,
                c.aliases,
                tuple(f"paper:{key}" for key in c.introduced_by),
            )
            for c in kb.contributions
        ]
        links = [(str(e.newer), e.relation.value, str(e.older)) for e in kb.lineage]
        links += [
            (f"method:{c.id}", VARIANT_OF, f"method:{c.variant_of}")
            for c in kb.contributions
            if c.variant_of
        ]
        self._fill(papers, contributions, links)

    @classmethod
    def from_parts(
        cls,
        papers: Iterable[Work],
        contributions: Iterable[Contributed],
        links: Iterable[tuple[str, str, str]],
    ) -> WorkGraph:
        """The graph of these papers, contributions and ``(newer, relation, older)`` links.

        A contribution's date is its earliest introducing paper's, as from a knowledge
        base; links are the curated lineage edges and ``variantOf``.
        """
        graph = cls()
        graph._fill(papers, contributions, links)
        return graph

    def _fill(
        self,
        papers: Iterable[Work],
        contributions: Iterable[Contributed],
        links: Iterable[tuple[str, str, str]],
    ) -> None:
        for work in papers:
            self.works[work.ref] = work
        dates = {ref: w.date for ref, w in self.works.items()}
        for c in contributions:
            found = [d for p in c.introduced_by if (d := dates.get(p)) is not None]
            self.works[c.ref] = Work(c.ref, c.kind, c.label, date=min(found) if found else None)
            self.aliases[c.ref] = c.aliases
            for paper in c.introduced_by:
                self.introduces[paper].append(c.ref)
                self.introduced_by[c.ref].append(paper)
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
            # in ref order: the hint does not depend on the order the works were read in
            for work in sorted(self.works.values(), key=lambda w: w.ref):
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


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def find_works(kb: KnowledgeBase, name: str) -> list[Work]:
    """Works that ``name`` designates (see :meth:`WorkGraph.find`)."""
    return WorkGraph(kb).find(name)


def resolve_work(kb: KnowledgeBase, name: str) -> Work:
    """The one work ``name`` designates.

    Raises:
        WorkLookupError: none or several match; the message lists candidates.
    """
    return WorkGraph(kb).resolve(name)
