"""Curated knowledge in ``data/*.yaml``: methods, lineage and name aliases.

Three optional files in a curation folder, each loaded strictly (see
:mod:`kg.curation.strict_yaml`) and validated with file:line errors:

``methods.yaml``
    ``methods:`` a list of contributions (methods, datasets, models, benchmarks), each
    with an ``id``, ``label``, ``kind``, the papers that ``introduced_by`` / ``used_by``
    it, the method it is a ``variant_of``, and ``evidence``.
``lineage.yaml``
    ``lineage:`` edges ``from`` a newer work ``to`` the older one it builds on, with a
    ``relation`` (see :class:`kg.model.Relation`) and ``evidence`` (``text``, ``source``).
``aliases.yaml``
    ``people:`` groups of written names that are one person (optional ``canonical``);
    ``distinct:`` pairs of names that must never be merged.
``papers.yaml``
    paper identity: ``same_as:`` groups of references that are one paper, ``distinct:``
    pairs never to merge (see :mod:`kg.ingest.paper_identity`); references are
    ``arxiv:ID``, ``doi:10.x/y``, ``paper:KEY`` or ``paper:KEY@LIST``.

Several curation folders load into one :class:`Curation` (their entries in folder
order); a method id or lineage edge stated in two of them is an error at file:line.

Works are referenced as ``arxiv:<id>``, ``paper:<key>`` (the key ``kg stats --papers``
shows) or ``method:<id>``. Resolving those references against the parsed lists happens
in :func:`resolve_curation`, which also rejects cycles and duplicates.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Generic, TypeVar

from pydantic import Field

from kg.curation.dates import dates as _dates
from kg.curation.dates import is_earlier as _is_earlier
from kg.curation.dates import show as _show
from kg.curation.papers import paper_rules
from kg.curation.strict_yaml import LineMap, load_yaml, validate
from kg.errors import CurationError
from kg.ingest.identity import AliasRules
from kg.ingest.paper_identity import PaperRules
from kg.model import (
    CleanStr,
    Contribution,
    ContributionKind,
    Diagnostic,
    Evidence,
    LineageEdge,
    Model,
    NonEmptyStr,
    Paper,
    Relation,
    SourceRef,
    WorkRef,
)

__all__ = ["Curation", "load_curation", "resolve_curation"]

T = TypeVar("T")
Ref = Annotated[str, Field(strict=True, pattern=r"^(arxiv|paper|method):[A-Za-z0-9.\-]+$")]
Id = Annotated[str, Field(strict=True, pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=120)]


class _MethodEntry(Model):
    id: Id
    label: NonEmptyStr
    kind: ContributionKind = ContributionKind.METHOD
    introduced_by: list[Ref] = []
    used_by: list[Ref] = []
    variant_of: Id | None = None
    aliases: list[NonEmptyStr] = []
    description: CleanStr | None = None
    evidence: Evidence | None = None


class _MethodsFile(Model):
    methods: list[_MethodEntry] = []


class _LineageEntry(Model):
    newer: Ref = Field(alias="from")
    older: Ref = Field(alias="to")
    relation: Relation
    evidence: Evidence


class _LineageFile(Model):
    lineage: list[_LineageEntry] = []


class _PersonAlias(Model):
    canonical: NonEmptyStr | None = None
    variants: list[NonEmptyStr] = Field(min_length=1)


class _AliasesFile(Model):
    people: list[_PersonAlias] = []
    distinct: list[tuple[NonEmptyStr, NonEmptyStr]] = []


@dataclass(frozen=True)
class _Located(Generic[T]):
    value: T
    source: SourceRef
    lines: LineMap
    path: tuple[str | int, ...]

    def line_of(self, *field: str | int) -> SourceRef:
        line = self.lines.get((*self.path, *field), self.source.line)
        return SourceRef(file=self.source.file, line=line)


@dataclass(frozen=True)
class Curation:
    """Curated entries as loaded, each with where it was written."""

    methods: tuple[_Located[_MethodEntry], ...] = ()
    lineage: tuple[_Located[_LineageEntry], ...] = ()
    aliases: AliasRules = AliasRules()
    papers: PaperRules = PaperRules()


def _located(items: Sequence[T], key: str, lines: LineMap, file: str) -> tuple[_Located[T], ...]:
    return tuple(
        _Located(item, SourceRef(file=file, line=lines.get((key, i), 1)), lines, (key, i))
        for i, item in enumerate(items)
    )


def load_curation(folder: str | Path | Sequence[str | Path]) -> Curation:
    """Load ``methods.yaml``, ``lineage.yaml``, ``aliases.yaml`` and ``papers.yaml`` (each optional).

    Args:
        folder: One curation folder, or several: their entries are joined in order (a
            duplicate method id or edge across them is caught by :func:`resolve_curation`).

    Raises:
        ParseError: a file is malformed or fails validation (file:line in the message).
    """
    if not isinstance(folder, str | Path):
        joined = Curation()
        for one in folder:
            part = load_curation(one)
            joined = Curation(
                methods=joined.methods + part.methods,
                lineage=joined.lineage + part.lineage,
                aliases=AliasRules(
                    same=joined.aliases.same + part.aliases.same,
                    distinct=joined.aliases.distinct + part.aliases.distinct,
                ),
                papers=joined.papers + part.papers,
            )
        return joined
    folder = Path(folder)
    methods: tuple[_Located[_MethodEntry], ...] = ()
    lineage: tuple[_Located[_LineageEntry], ...] = ()
    aliases = AliasRules()
    if (path := folder / "methods.yaml").is_file():
        data, lines = load_yaml(path)
        parsed_methods = validate(_MethodsFile, data, lines, source=path)
        methods = _located(parsed_methods.methods, "methods", lines, str(path))
    if (path := folder / "lineage.yaml").is_file():
        data, lines = load_yaml(path)
        parsed_lineage = validate(_LineageFile, data, lines, source=path)
        lineage = _located(parsed_lineage.lineage, "lineage", lines, str(path))
    if (path := folder / "aliases.yaml").is_file():
        data, lines = load_yaml(path)
        parsed = validate(_AliasesFile, data, lines, source=path)
        aliases = AliasRules(
            same=tuple((p.canonical, tuple(p.variants)) for p in parsed.people),
            distinct=tuple((a, b) for a, b in parsed.distinct),
        )
    return Curation(methods=methods, lineage=lineage, aliases=aliases, papers=paper_rules(folder))


class _Resolver:
    """Turns ``arxiv:``/``paper:``/``method:`` references into keys, or fails at file:line."""

    def __init__(
        self,
        papers: Sequence[Paper],
        method_ids: Sequence[str],
        renamed: dict[str, str] | None = None,
    ) -> None:
        self.by_key = {p.key: p for p in papers}
        # A key a reader made that names a merged paper now (kg.ingest.paper_identity).
        self.by_key |= {
            old: self.by_key[new]
            for old, new in (renamed or {}).items()
            if old not in self.by_key and new in self.by_key
        }
        self.by_arxiv = {p.arxiv_id: p for p in papers if p.arxiv_id}
        self.methods = set(method_ids)

    def work(self, ref: str, where: SourceRef) -> WorkRef:
        scheme, _, value = ref.partition(":")
        if scheme == "method":
            if value not in self.methods:
                raise self._unknown("method", ref, value, sorted(self.methods), where)
            return WorkRef(kind="method", key=value)
        return WorkRef(kind="paper", key=self.paper(ref, where))

    def paper(self, ref: str, where: SourceRef) -> str:
        scheme, _, value = ref.partition(":")
        if scheme == "arxiv" and value in self.by_arxiv:
            return self.by_arxiv[value].key
        if scheme == "paper" and value in self.by_key:
            return self.by_key[value].key
        if scheme == "method":
            raise CurationError(
                f"{ref!r} is a method where a paper is expected", source=where.file, line=where.line
            )
        pool = sorted(self.by_arxiv) if scheme == "arxiv" else sorted(self.by_key)
        raise self._unknown("paper", ref, value, pool, where)

    @staticmethod
    def _unknown(
        kind: str, ref: str, value: str, pool: list[str], where: SourceRef
    ) -> CurationError:
        close = difflib.get_close_matches(value, pool, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return CurationError(f"unknown {kind} {ref!r}{hint}", source=where.file, line=where.line)


def _at(first: SourceRef, here: SourceRef) -> str:
    """Where something was first stated: ``line N`` in the same file, else ``file:line``."""
    return f"line {first.line}" if first.file == here.file else str(first)


def _find_cycle(edges: dict[str, list[str]]) -> list[str] | None:
    """A cycle in a directed graph given as adjacency lists, or ``None``.

    Depth-first from each start in sorted order, with an explicit stack: a lineage chain
    is user data and may be thousands of edges long, deeper than Python's recursion limit.

    >>> _find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    ['a', 'b', 'c', 'a']
    >>> _find_cycle({"a": ["b"], "b": []}) is None
    True
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in sorted(edges):
        if start in state:
            continue
        state[start] = 1
        path = [start]
        pending = [iter(edges.get(start, ()))]
        while pending:
            for nxt in pending[-1]:
                if state.get(nxt) == 1:
                    return [*path[path.index(nxt) :], nxt]
                if nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    pending.append(iter(edges.get(nxt, ())))
                    break
            else:
                pending.pop()
                state[path.pop()] = 2
    return None


def resolve_curation(
    curation: Curation, papers: Sequence[Paper], *, renamed: dict[str, str] | None = None
) -> tuple[tuple[Contribution, ...], tuple[LineageEdge, ...], tuple[Diagnostic, ...]]:
    """Check curated entries against the papers and return resolved contributions and lineage.

    ``renamed`` maps keys the readers made to the key of the paper they were merged into,
    so ``paper:<slug>`` still names a paper that another list gave an arXiv id.

    Raises:
        CurationError: an unknown reference, a duplicate id or edge, or a cycle (in
            lineage or in ``variant_of``), naming the file and line of the entry.
    """
    ids = _method_ids(curation)
    resolver = _Resolver(papers, list(ids), renamed)
    contributions = _contributions(curation, resolver, ids)
    edges, diagnostics = _lineage(curation, resolver, _dates(papers, contributions))
    return tuple(contributions), tuple(edges), tuple(diagnostics)


def _method_ids(curation: Curation) -> dict[str, SourceRef]:
    """Where each method id is defined; a second definition is refused."""
    ids: dict[str, SourceRef] = {}
    for item in curation.methods:
        if item.value.id in ids:
            first = ids[item.value.id]
            raise CurationError(
                f"duplicate method id {item.value.id!r} (first at {_at(first, item.source)})",
                source=item.source.file,
                line=item.source.line,
            )
        ids[item.value.id] = item.source
    return ids


def _contributions(
    curation: Curation, resolver: _Resolver, ids: dict[str, SourceRef]
) -> list[Contribution]:
    """The curated methods with their papers resolved; a ``variant_of`` cycle is refused."""
    contributions: list[Contribution] = []
    variants: dict[str, list[str]] = defaultdict(list)
    for item in curation.methods:
        entry = item.value
        if entry.variant_of is not None:
            where = item.line_of("variant_of")
            resolver.work(f"method:{entry.variant_of}", where)
            variants[entry.id].append(entry.variant_of)
        contributions.append(
            Contribution(
                id=entry.id,
                label=entry.label,
                kind=entry.kind,
                introduced_by=tuple(
                    resolver.paper(r, item.line_of("introduced_by", i))
                    for i, r in enumerate(entry.introduced_by)
                ),
                used_by=tuple(
                    resolver.paper(r, item.line_of("used_by", i))
                    for i, r in enumerate(entry.used_by)
                ),
                variant_of=entry.variant_of,
                aliases=tuple(entry.aliases),
                description=entry.description,
                evidence=entry.evidence,
                source=item.source,
            )
        )
    if cycle := _find_cycle(variants):
        where = ids[cycle[0]]
        raise CurationError(
            "variant_of forms a cycle: " + " -> ".join(cycle), source=where.file, line=where.line
        )

    return contributions


def _lineage(
    curation: Curation, resolver: _Resolver, date_of: dict[str, tuple[int, int | None]]
) -> tuple[list[LineageEdge], list[Diagnostic]]:
    """The lineage edges resolved, and a warning for each edge back in time.

    Raises:
        CurationError: an edge to itself, a duplicate edge, or a cycle.
    """
    edges: list[LineageEdge] = []
    seen: dict[tuple[str, str, str], SourceRef] = {}
    adjacency: dict[str, list[str]] = defaultdict(list)
    where_edge: dict[tuple[str, str], SourceRef] = {}
    diagnostics: list[Diagnostic] = []
    for edge_item in curation.lineage:
        link = edge_item.value
        newer = resolver.work(link.newer, edge_item.line_of("from"))
        older = resolver.work(link.older, edge_item.line_of("to"))
        if newer == older:
            raise CurationError(
                f"lineage edge from {newer} to itself",
                source=edge_item.source.file,
                line=edge_item.source.line,
            )
        signature = (str(newer), str(older), link.relation.value)
        if signature in seen:
            raise CurationError(
                f"duplicate lineage edge {newer} {link.relation.value} {older} (first at {_at(seen[signature], edge_item.source)})",
                source=edge_item.source.file,
                line=edge_item.source.line,
            )
        seen[signature] = edge_item.source
        adjacency[str(newer)].append(str(older))
        where_edge.setdefault((str(newer), str(older)), edge_item.source)
        d_new, d_old = date_of.get(str(newer)), date_of.get(str(older))
        if d_new is not None and d_old is not None and _is_earlier(d_new, d_old):
            message = f"lineage edge points from an older work ({newer}, {_show(d_new)}) to a newer one ({older}, {_show(d_old)})"
            diagnostics.append(Diagnostic(source=edge_item.source, message=message))
        edges.append(
            LineageEdge(
                newer=newer,
                older=older,
                relation=link.relation,
                evidence=link.evidence,
                source=edge_item.source,
            )
        )
    if cycle := _find_cycle(adjacency):
        where = where_edge[(cycle[0], cycle[1])]
        raise CurationError(
            "lineage forms a cycle: " + " -> ".join(cycle), source=where.file, line=where.line
        )
    return edges, diagnostics
