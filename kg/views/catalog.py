"""The graph as the views see it: papers, their facts, and what each node relates to.

Every view reads the networkx projection of the RDF graph (so what a view draws is what
the exports say), through this one module. It turns the graph into plain JSON-ready rows:
a table of papers (title, venue, year, categories, authors, links) that tooltips read,
and for each node its kind, label, search text and the papers it relates to, from which
the page derives the years and categories its filters act on.

Every string here is raw input text. It is escaped where it is written (JSON inside a
``<script>`` block, Jinja with autoescape), never here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.invisible import reveal

__all__ = [
    "CONTRIBUTION_KINDS",
    "KIND_ORDER",
    "LINEAGE_RELATIONS",
    "Catalog",
    "JsonObj",
    "short_label",
    "split_values",
    "web_links",
]

JsonObj = dict[str, Any]

#: Every node kind of the graph, in the order legends and filters list them.
KIND_ORDER = (
    "paper",
    "person",
    "venue",
    "category",
    "list",
    "method",
    "dataset",
    "model",
    "benchmark",
)
#: The kinds of curated contributions ("methods" in lineage terms).
CONTRIBUTION_KINDS = ("method", "dataset", "model", "benchmark")
#: The typed lineage relations (``newer <relation> older``), as the graph names them.
LINEAGE_RELATIONS = (
    "extends",
    "appliesMethodOf",
    "usesDataFrom",
    "filtersDataOf",
    "automates",
    "improvesOn",
    "surveys",
    "generatedWith",
)
#: Paper attributes that hold links, with the text a tooltip shows for each.
_LINK_ATTRIBUTES = (
    ("pdf", "PDF"),
    ("paperPage", "Paper page"),
    ("homepage", "Home page"),
    ("code", "Code"),
    ("datasetPage", "Dataset"),
    ("modelPage", "Model"),
)
#: A node relating to more papers than this embeds a summary instead of the whole list.
_INLINE_PAPERS = 40
_TOOLTIP_PAPERS = 8
#: Edge relation -> how a paper relates to the node at the other end.
_PAPER_RELATIONS = {"creator", "publishedIn", "subject", "listedIn", "introduces", "usesMethod"}


def _shown(attrs: dict[str, Any]) -> dict[str, Any]:
    """A node's attributes as a person should see them: invisible characters escaped.

    The same dict when nothing needs escaping (nearly always), else a copy.
    """
    changed: dict[str, Any] = {}
    for key, value in attrs.items():
        if isinstance(value, str):
            if (shown := reveal(value)) is not value:
                changed[key] = shown
        elif isinstance(value, tuple) and any(isinstance(v, str) for v in value):
            shown_values = tuple(reveal(v) if isinstance(v, str) else v for v in value)
            if shown_values != value:
                changed[key] = shown_values
    return {**attrs, **changed} if changed else attrs


def short_label(text: str, *, limit: int = 42) -> str:
    """A label short enough to draw: the part before a colon, or the first words.

    >>> short_label("WizardLM: Empowering Large Pre-Trained Language Models")
    'WizardLM'
    >>> short_label("Automatic Instruction Evolving for Large Language Models", limit=30)
    'Automatic Instruction…'
    """
    head = text.split(":", 1)[0].strip()
    if ":" in text and 2 <= len(head) <= limit:
        return head
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;-")
    return (cut or text[: limit - 1]) + "…"


_WEB_LINK = re.compile(r"^https?://[^\s]", re.I)


def web_links(pairs: list[list[str]]) -> list[list[str]]:
    """Only the ``[label, url]`` pairs whose URL is http(s): no other scheme reaches a page.

    >>> web_links([["a", "https://x.org"], ["b", "javascript:alert(1)"]])
    [['a', 'https://x.org']]
    """
    return [pair for pair in pairs if _WEB_LINK.match(pair[1])]


def split_values(value: Any) -> list[str]:
    """A graph attribute as a list of its values.

    The projection (:func:`kg.graph.nx_convert.to_networkx`) gives a property with
    several values as a tuple, and one value as itself; nothing is split, so a value
    that contains ``"; "`` stays one value.

    >>> split_values(("Alpha; Beta", "Gamma")), split_values("Alpha; Beta"), split_values(None)
    (['Alpha; Beta', 'Gamma'], ['Alpha; Beta'], [])
    """
    if value is None or value == "":
        return []
    if isinstance(value, tuple):
        return [str(part) for part in value if part != ""]
    return [str(value)]


@dataclass
class Catalog:
    """Facts about every node of one graph, ready to be embedded in a page.

    Attributes:
        graph: The graph the facts come from.
        kind: Node -> its kind (``paper``, ``person``, ...).
        papers: Paper nodes in table order (year, then title).
        paper_index: Paper node -> its row in :attr:`paper_rows`.
        paper_rows: One JSON row per paper: ``t`` title, ``v`` venue, ``y`` year,
            ``c`` category indices, ``a`` authors, ``l`` links as ``[label, url]``.
        categories: Category labels, in the order of their indices.
        related: Node -> the indices of the papers it relates to.
        year_of: Node -> the year it is placed at (papers: their year; contributions:
            the first year of a paper introducing them), when known.
        edges: Every edge as ``(u, v, key, data)``, sorted by ``(u, v, str(key))``: read
            from networkx and sorted once here, since iterating a large MultiDiGraph's
            edge view costs more than every view's own work on the edges.
        degree: Node -> its number of edges, in and out (a self-loop counts twice).
        attrs: Node -> its attribute dict (``graph.nodes[node]`` without the view's
            per-lookup cost, paid hundreds of thousands of times in a large build).
    """

    graph: nx.MultiDiGraph
    kind: dict[str, str] = field(default_factory=dict)
    papers: list[str] = field(default_factory=list)
    paper_index: dict[str, int] = field(default_factory=dict)
    paper_rows: list[JsonObj] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    category_nodes: list[str] = field(default_factory=list)
    related: dict[str, list[int]] = field(default_factory=dict)
    year_of: dict[str, int] = field(default_factory=dict)
    edges: list[tuple[str, str, Any, dict[str, Any]]] = field(default_factory=list)
    degree: dict[str, int] = field(default_factory=dict)
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: nx.MultiDiGraph) -> Catalog:
        """Read every fact the views need from ``graph`` (nodes are visited in sorted order)."""
        cat = cls(graph=graph, attrs={n: _shown(d) for n, d in graph.nodes(data=True)})
        nodes = sorted(cat.attrs)
        cat.kind = {n: str(cat.attrs[n].get("kind", "")) for n in nodes}
        cat.category_nodes = sorted(
            (n for n in nodes if cat.kind[n] == "category"),
            key=lambda n: (cat.label(n).casefold(), n),
        )
        cat.categories = [cat.label(n) for n in cat.category_nodes]
        category_index = {n: i for i, n in enumerate(cat.category_nodes)}
        paper_nodes = [n for n in nodes if cat.kind[n] == "paper"]
        cat.papers = sorted(
            paper_nodes, key=lambda n: (cat.year(n) or 0, cat.title(n).casefold(), n)
        )
        cat.paper_index = {n: i for i, n in enumerate(cat.papers)}
        # Through a generator: sorted() would first ask the edge view its length, which
        # networkx counts by walking every edge.
        cat.edges = sorted(
            (e for e in graph.edges(keys=True, data=True)), key=lambda e: (e[0], e[1], str(e[2]))
        )
        degree = dict.fromkeys(nodes, 0)
        for u, v, _, _ in cat.edges:
            degree[u] += 1
            degree[v] += 1
        cat.degree = degree

        related: dict[str, set[int]] = defaultdict(set)
        authors: dict[str, list[tuple[int, str]]] = defaultdict(list)
        venue: dict[str, str] = {}
        subjects: dict[str, list[int]] = defaultdict(list)
        # Only the edges of one (u, v) pair could come in another order than they used
        # to (by relation), and nothing below depends on the order inside one pair.
        # The loop of a build (one pass per edge): lookups are bound to locals, and each
        # node's label is read once.
        paper_index = cat.paper_index
        labels: dict[str, str] = {}
        for u, v, _, data in cat.edges:
            index = paper_index.get(u)
            if index is None:
                continue
            relation = data.get("relation")
            if relation not in _PAPER_RELATIONS:
                continue
            related[v].add(index)
            if relation == "creator" or relation == "publishedIn":
                name = labels.get(v)
                if name is None:
                    name = labels[v] = cat.label(v)
                if relation == "creator":
                    authors[u].append((int(data.get("position", 0)), name))
                else:
                    venue[u] = name
            elif relation == "subject" and v in category_index:
                subjects[u].append(category_index[v])
        for paper in cat.papers:
            related[paper].add(cat.paper_index[paper])
        cat.related = {n: sorted(related.get(n, ())) for n in nodes}

        for paper in cat.papers:
            attrs = cat.attrs[paper]
            names = [name for _, name in sorted(authors[paper])]
            links = web_links(
                [
                    [text, url]
                    for attr, text in _LINK_ATTRIBUTES
                    for url in split_values(attrs.get(attr))
                ]
            )
            row: JsonObj = {
                "t": cat.title(paper),
                "v": venue.get(paper) or str(attrs.get("venueAsWritten", "")),
                "y": cat.year(paper),
                "c": sorted(set(subjects[paper])),
                "a": names,
                "l": links,
            }
            if attrs.get("presentation"):
                row["p"] = str(attrs["presentation"])
            cat.paper_rows.append(row)

        for n in nodes:
            year = cat.year(n)
            if year is None and cat.kind[n] in CONTRIBUTION_KINDS:
                introducers = [
                    cat.year(u)
                    for u, _, d in graph.in_edges(n, data=True)
                    if d.get("relation") == "introduces"
                ]
                known = [y for y in introducers if y is not None]
                year = min(known) if known else None
            if year is not None:
                cat.year_of[n] = year
        return cat

    def label(self, node: str) -> str:
        """The node's display name (its ``rdfs:label``), or the end of its IRI."""
        label = self.attrs[node].get("label")
        return str(label) if label else node.rsplit("/", 1)[-1]

    def title(self, node: str) -> str:
        """A paper's full title (other nodes: their label)."""
        return str(self.attrs[node].get("title") or self.label(node))

    def year(self, node: str) -> int | None:
        """The node's own ``year`` attribute, when it has an integer one."""
        year = self.attrs[node].get("year")
        return year if isinstance(year, int) else None

    def record(self, node: str, node_id: int) -> JsonObj:
        """The JSON row of one node, without position or size (each view adds those).

        Keys: ``id``, ``kind``, ``label`` (short, drawn), ``name`` (full), ``pp`` related
        paper indices (for a hub, only the latest, with ``np`` the count and ``ys``/``cs``
        the years and categories of all of them), and when present ``paper`` (its own row), ``alt`` (other names,
        for search), ``desc`` (a description) and ``l`` (links as ``[label, url]``).
        """
        attrs = self.attrs[node]
        kind = self.kind[node]
        name = self.title(node) if kind == "paper" else self.label(node)
        row: JsonObj = {
            "id": node_id,
            "kind": kind,
            "label": short_label(name) if kind == "paper" else short_label(name, limit=36),
            "name": name,
            "pp": self.related.get(node, []),
        }
        related = row["pp"]
        if len(related) > _INLINE_PAPERS:
            # A hub (a venue, a category, the list): embed its years and categories for
            # the filters and only its latest papers for the tooltip, not every paper.
            row["pp"] = related[-_TOOLTIP_PAPERS:]
            row["np"] = len(related)
            years = {self.paper_rows[p]["y"] for p in related}
            row["ys"] = sorted(y for y in years if y is not None)  # papers without a year: none
            row["cs"] = sorted({c for p in related for c in self.paper_rows[p]["c"]})
        if kind == "paper":
            row["paper"] = self.paper_index[node]
        alt = [
            a
            for key in ("nameVariant", "nick", "altLabel", "arxivId")
            for a in split_values(attrs.get(key))
            if a != name
        ]
        if alt:
            row["alt"] = sorted(set(alt))
        if attrs.get("description"):
            row["desc"] = str(attrs["description"])
        if kind in CONTRIBUTION_KINDS and attrs.get("source"):
            row["l"] = web_links([["Evidence", url] for url in split_values(attrs.get("source"))])
        if kind == "category" and node in self.category_nodes:
            row["cats"] = [self.category_nodes.index(node)]
        if node in self.year_of and kind != "paper":
            row["year"] = self.year_of[node]
        return row
