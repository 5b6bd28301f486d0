"""Lineage of one work: what it builds on (ancestors) and what builds on it (descendants).

Works are papers and curated contributions (methods, datasets, models, benchmarks). The
edges followed are the curated lineage edges (``newer <relation> older``) and
``variant_of`` (a variant is newer than the method it varies). ``introduces`` links a
paper to its contributions; it is not lineage, so it is followed only from the work asked
about, and only where the contribution leads somewhere (WizardMath's Math Evol-Instruct
is a variant of Evol-Instruct). This works on the :class:`~kg.model.KnowledgeBase`
alone (through :class:`kg.lineage.works.WorkGraph`), pure Python, no RDF.

Trees are cycle-safe and each work is expanded once: a work reached a second time (a
diamond, or a cycle in a hand-built knowledge base) is marked ``repeated`` and not
expanded again. Three renderings: :func:`to_tree_text` for people, :func:`to_json` for
programs and :func:`to_mermaid` for a README on GitHub (``graph LR``, arrows from the
newer work to the older one, as in the data).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import WorkLookupError
from kg.lineage.works import VARIANT_OF, Work, WorkGraph, find_works, first_seen, resolve_work
from kg.model import KnowledgeBase

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
    "to_json_text",
    "to_mermaid",
    "to_tree_text",
]

#: Relation name of a paper -> contribution link (not lineage; followed from the root only).
INTRODUCES = "introduces"


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
        for upward, steps in ((True, self.ancestors), (False, self.descendants)):
            for origin, step, _ in _preorder(self.work.ref, steps):
                for relation in step.relations:
                    if upward or relation == INTRODUCES:
                        found.add(Edge(origin, relation, step.work.ref))
                    else:
                        found.add(Edge(step.work.ref, relation, origin))
        return sorted(found, key=lambda e: (e.source, e.relation, e.target))

    def works(self) -> list[Work]:
        """The work and every work in its trees, each once, in the order first shown."""
        seen: dict[str, Work] = {self.work.ref: self.work}
        for steps in (self.ancestors, self.descendants):
            for _, step, _ in _preorder(self.work.ref, steps):
                seen.setdefault(step.work.ref, step.work)
        return list(seen.values())


def _preorder(origin: str, steps: Sequence[Step]) -> Iterator[tuple[str, Step, int]]:
    """Every step of a tree in the order shown, as ``(ref it leads from, step, depth)``.

    An explicit stack, not recursion: a curated chain may be thousands of steps deep.
    Depth 0 is a step of ``steps`` itself.
    """
    stack = [(origin, step, 0) for step in reversed(steps)]
    while stack:
        here, step, depth = stack.pop()
        yield here, step, depth
        stack.extend((step.work.ref, inner, depth + 1) for inner in reversed(step.steps))


def _graph(source: KnowledgeBase | WorkGraph) -> WorkGraph:
    return source if isinstance(source, WorkGraph) else WorkGraph(source)


def ancestors(
    source: KnowledgeBase | WorkGraph, ref: str, *, bridges: bool = True
) -> tuple[Step, ...]:
    """What the work ``ref`` (``paper:KEY`` or ``method:ID``) builds on, nearest in time first.

    Args:
        source: The knowledge base, or its :class:`~kg.lineage.works.WorkGraph` if already built.
        ref: The work.
        bridges: Also follow ``introduces`` from ``ref`` to its contributions' lineage.

    Raises:
        WorkLookupError: ``ref`` is not a work of the knowledge base.
    """
    graph = _graph(source)
    return _tree(graph, ref, graph.older, newest_first=True, bridges=bridges)


def descendants(
    source: KnowledgeBase | WorkGraph, ref: str, *, bridges: bool = True
) -> tuple[Step, ...]:
    """What builds on the work ``ref``, nearest in time first (arguments as :func:`ancestors`).

    Raises:
        WorkLookupError: ``ref`` is not a work of the knowledge base.
    """
    graph = _graph(source)
    return _tree(graph, ref, graph.newer, newest_first=False, bridges=bridges)


def _tree(
    graph: WorkGraph,
    root: str,
    links: dict[str, dict[str, list[str]]],
    *,
    newest_first: bool,
    bridges: bool,
) -> tuple[Step, ...]:
    if root not in graph.works:
        raise WorkLookupError(f"no work {root!r} in the knowledge base")
    order = _time_order(graph.works, newest_first=newest_first)
    expanded = {root}

    def neighbours(ref: str) -> Iterator[tuple[str, tuple[str, ...]]]:
        found = links.get(ref, {})
        return iter([(n, _ordered(found[n])) for n in sorted(found, key=order)])

    def walk(start: str) -> tuple[Step, ...]:
        # Depth first with an explicit stack (a chain may be deeper than the recursion
        # limit). Each frame: the neighbours still to visit, the steps found so far, and
        # the (relations, work) of the step they belong to (None for ``start``). Every
        # work on the current path is in ``expanded``, so a cycle ends as ``repeated``.
        top: list[Step] = []
        stack: list[tuple[Iterator[tuple[str, tuple[str, ...]]], list[Step], Any]] = [
            (neighbours(start), top, None)
        ]
        while stack:
            pending, steps, made = stack[-1]
            for nxt, relations in pending:
                work = graph.works[nxt]
                if nxt in expanded:
                    steps.append(Step(relations, work, repeated=True))
                    continue
                expanded.add(nxt)
                stack.append((neighbours(nxt), [], (relations, work)))
                break
            else:
                stack.pop()
                if made is not None:
                    stack[-1][1].append(Step(made[0], made[1], tuple(steps)))
        return tuple(top)

    steps = list(walk(root))
    if bridges:
        own = {root, *graph.introduces.get(root, ())}
        for contribution in sorted(own - {root}, key=order):
            if contribution in expanded or set(links.get(contribution, ())) <= own:
                continue  # leads nowhere, or only to the root's own contributions
            expanded.add(contribution)
            inner = walk(contribution)
            steps.append(Step((INTRODUCES,), graph.works[contribution], inner))
    return tuple(steps)


def lineage_of(source: KnowledgeBase | WorkGraph, name: str) -> Lineage:
    """Resolve ``name`` (see :meth:`kg.lineage.works.WorkGraph.find`) and return its lineage.

    Raises:
        WorkLookupError: none or several works match ``name``.
    """
    graph = _graph(source)
    work = graph.resolve(name)
    order = _time_order(graph.works, newest_first=False)
    return Lineage(
        work=work,
        introduces=tuple(
            graph.works[r] for r in sorted(graph.introduces.get(work.ref, ()), key=order)
        ),
        introduced_by=tuple(
            graph.works[r] for r in sorted(graph.introduced_by.get(work.ref, ()), key=order)
        ),
        ancestors=ancestors(graph, work.ref),
        descendants=descendants(graph, work.ref),
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
    for _, step, below in _preorder("", steps):
        shown = "->" if step.relations == (INTRODUCES,) else arrow
        mark = " (see above)" if step.repeated else ""
        indent = "  " * (depth + below)
        yield f"{indent}{', '.join(step.relations)} {shown} {step.work.describe()}{mark}"


def to_json(lineage: Lineage) -> dict[str, Any]:
    """The lineage as JSON-ready data: the work, both trees, and the flat list of edges.

    Edges are ``{"from", "relation", "to"}`` as in ``lineage.yaml``: from the newer work
    to the older one (from the paper to its contribution for ``introduces``).
    """

    def steps(items: Sequence[Step]) -> list[dict[str, Any]]:
        top: list[dict[str, Any]] = []
        # (steps to convert, the list their dicts go into), filled without recursion
        stack: list[tuple[Sequence[Step], list[dict[str, Any]]]] = [(items, top)]
        while stack:
            group, into = stack.pop()
            for step in group:
                inner: list[dict[str, Any]] = []
                into.append(
                    {
                        "relations": list(step.relations),
                        "work": step.work.as_dict(),
                        "repeated": step.repeated,
                        "steps": inner,
                    }
                )
                stack.append((step.steps, inner))
        return top

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


def to_json_text(lineage: Lineage) -> str:
    """:func:`to_json` as text, exactly ``json.dumps(..., indent=2, ensure_ascii=False)``.

    The standard encoder recurses once per nesting level and fails on a chain of a few
    hundred steps; this writes the same text with an explicit stack.
    """
    return _dumps(to_json(lineage))


def _dumps(value: Any) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)`` for dicts, lists and scalars, any depth.

    >>> _dumps({"a": [1, {"b": None}], "c": {}, "d": []})
    '{\\n  "a": [\\n    1,\\n    {\\n      "b": null\\n    }\\n  ],\\n  "c": {},\\n  "d": []\\n}'
    """
    out: list[str] = []
    # Items: text to write as is, or (value, nesting level, text to write before it).
    stack: list[str | tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        node, level, before = item
        out.append(before)
        if not isinstance(node, dict | list) or not node:
            out.append(json.dumps(node, ensure_ascii=False))
            continue
        inner = "\n" + "  " * (level + 1)
        if isinstance(node, dict):
            out.append("{")
            stack.append("\n" + "  " * level + "}")
            pairs = [(json.dumps(k, ensure_ascii=False) + ": ", v) for k, v in node.items()]
        else:
            out.append("[")
            stack.append("\n" + "  " * level + "]")
            pairs = [("", v) for v in node]
        stack.extend(
            (v, level + 1, ("," if i else "") + inner + key)
            for i, (key, v) in reversed(list(enumerate(pairs)))
        )
    return "".join(out)


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
