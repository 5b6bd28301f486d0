"""Interactive, offline HTML views of the graph: one self-contained file per view.

:func:`render_views` renders the index page and the overview, lineage, co-authorship and
categories views; :func:`render_ego` renders the neighbourhood of one named node
(``kg viz --focus NAME --depth N``). Each view is laid out in Python (physics off), so it
is readable as soon as it opens; escapes every input string; and fetches nothing (the
vis-network bundle is inlined, and the page's Content-Security-Policy forbids requests).
The same input gives byte-identical files.
"""

from __future__ import annotations

import networkx as nx

from kg.model import KnowledgeBase
from kg.views.catalog import Catalog
from kg.views.categories import build_categories
from kg.views.coauthors import build_coauthors
from kg.views.ego import build_ego, find_focus
from kg.views.lineage import build_lineage
from kg.views.overview import build_overview
from kg.views.page import render_index, render_page
from kg.views.view import View

__all__ = ["VIEW_FILES", "render_ego", "render_views"]

#: The files :func:`render_views` returns.
VIEW_FILES = ("index.html", "overview.html", "lineage.html", "coauthors.html", "categories.html")


def _heading(kb: KnowledgeBase) -> str:
    titles = [paper_list.title for paper_list in kb.lists]
    if not titles:
        return "LineageKG"
    return (
        titles[0]
        if len(titles) == 1
        else f"{titles[0]} and {len(titles) - 1} more list{'s' if len(titles) > 2 else ''}"
    )


def _pages(views: list[View], cat: Catalog, heading: str) -> dict[str, bytes]:
    links = [(f"{v.name}.html", v.title) for v in views]
    return {
        f"{v.name}.html": render_page(
            v, heading=heading, paper_rows=cat.paper_rows, categories=cat.categories, links=links
        )
        for v in views
    }


def render_views(
    kb: KnowledgeBase, graph: nx.MultiDiGraph, *, catalog: Catalog | None = None
) -> dict[str, bytes]:
    """Render the index page and every view; returns file name -> HTML bytes.

    Args:
        kb: The knowledge base (for the headline counts and the page heading).
        graph: Its networkx projection (:func:`kg.graph.nx_convert.to_networkx`), which is
            what the views draw.
        catalog: ``Catalog.of(graph)``, when the caller has it already (a build shares
            it with the GraphML and Cytoscape.js exports); made here otherwise.
    """
    from kg.stats import compute_stats

    cat = catalog if catalog is not None else Catalog.of(graph)
    heading = _heading(kb)
    views = [build_overview(cat), build_lineage(cat), build_coauthors(cat), build_categories(cat)]
    files = _pages(views, cat, heading)
    counts = [
        (name, value) for name, value in compute_stats(kb).counts.items() if name != "warnings"
    ]
    files["index.html"] = render_index(
        heading=heading, counts=counts, views=views, warnings=len(kb.diagnostics)
    )
    return files


def render_ego(
    kb: KnowledgeBase,
    graph: nx.MultiDiGraph,
    focus: str,
    *,
    depth: int = 2,
    views_url: str = "",
) -> dict[str, bytes]:
    """Render the neighbourhood of the node named ``focus``: ``{"ego-<name>.html": bytes}``.

    Args:
        kb: The knowledge base (for the page heading).
        graph: Its networkx projection.
        focus: A person's name, a paper title (or arXiv id), a method, venue or category;
            case and accents are ignored, a unique partial name is enough, and a
            ``kind:`` prefix (``venue:ICLR``) chooses among kinds.
        depth: How many steps out from the focus to go (1 or more).
        views_url: Where the other views are, relative to the ego page (``"../"`` when
            it is written into ``exports/focus/``); prefixes the navigation links.

    Raises:
        FocusError: ``focus`` names nothing, or several nodes (the message lists them).
    """
    from kg.errors import FocusError

    if depth < 1:
        raise FocusError(f"--depth must be 1 or more, not {depth}")
    cat = Catalog.of(graph)
    view = build_ego(cat, find_focus(cat, focus), depth)
    heading = _heading(kb)
    links = [(name, name.removesuffix(".html").capitalize()) for name in VIEW_FILES[1:]]
    links = [(views_url + f, {"Coauthors": "Co-authorship"}.get(t, t)) for f, t in links] + [
        (f"{view.name}.html", view.title)
    ]
    return {
        f"{view.name}.html": render_page(
            view,
            heading=heading,
            paper_rows=cat.paper_rows,
            categories=cat.categories,
            links=links,
            index_url=views_url + "index.html",
        )
    }
