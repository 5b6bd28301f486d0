"""A :class:`~kg.views.view.View` -> one self-contained, offline HTML file.

Safety rests on three independent layers, so that one mistake does not open a hole:

1. Escaping where text is written. Jinja runs with autoescape; the graph data goes into a
   ``<script type="application/json">`` block as JSON whose ``<``, ``>`` and ``&`` (and
   U+2028/2029) are ``\\uXXXX`` escapes, so no input can close the block; the page's
   script reads it with ``JSON.parse`` and puts text into the DOM only through
   ``textContent`` (never ``innerHTML``), and links only when they start with
   ``http://`` or ``https://``, with ``rel="noopener noreferrer"``.
2. No switch on the data: unlike pyvis' template, nothing changes behaviour because some
   title contains ``href``; node titles are never handed to vis-network (its tooltips
   are not used).
3. A Content-Security-Policy in the page: scripts run only if their SHA-256 is listed
   (inline event handlers never run), and ``default-src 'none'`` forbids every request,
   so opening a view fetches nothing even if some markup slipped through.

pyvis is used for one thing only: the vis-network bundle it ships (its
``templates/lib/vis-9.1.2``), inlined here. Its ``Network`` API and HTML template are not
used, on purpose: the template loads vis-network, Bootstrap and tom-select from CDNs
(the views must open offline, under a CSP that forbids every request), inserts node
titles with ``innerHTML`` when they contain ``href`` (list text is written by strangers),
and lays graphs out with physics in the browser (slow and different on every load).
The layout is computed in Python and the page is this module's own. The bundle's
source-map comment is dropped so developer tools do not look for a file that is not
there. Output is deterministic: the same view gives the same bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.resources
import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from kg.errors import ExportError
from kg.views.catalog import JsonObj
from kg.views.view import KIND_STYLE, View

__all__ = ["VIS_BUNDLE", "json_for_script", "render_index", "render_page"]

#: Where pyvis keeps the vis-network bundle it ships.
VIS_BUNDLE = "templates/lib/vis-9.1.2/vis-network.min.js"
_SOURCE_MAP = re.compile(r"\n?//# sourceMappingURL=\S*\s*$")


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element, and the same bytes every time.

    >>> json_for_script({"t": "</script><b>&"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(
        value, ensure_ascii=True, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _read(package: str, name: str) -> str:
    try:
        return importlib.resources.files(package).joinpath(name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise ExportError(f"cannot render the views: {package}/{name} is missing ({err})") from err


def _pyvis_file(name: str) -> str:
    """A data file of the pyvis package, found without importing pyvis (slow, unneeded)."""
    spec = importlib.util.find_spec("pyvis")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise ExportError(
        f"cannot render the views: pyvis/{name} is missing (is pyvis 0.3.2 installed?)"
    )


@functools.cache
def vis_bundle() -> str:
    """The vis-network bundle shipped by pyvis, checked to be safe to inline."""
    code = _SOURCE_MAP.sub("\n", _pyvis_file(VIS_BUNDLE))
    if "</script" in code.lower() or "<!--" in code:
        raise ExportError(f"pyvis/{VIS_BUNDLE} cannot be inlined in a <script> element")
    if "vis-network" not in code[:400] or "@version 9." not in code[:400]:
        raise ExportError(
            f"pyvis/{VIS_BUNDLE} is not the vis-network 9 bundle these views were written for"
        )
    return code


@functools.cache
def _environment() -> jinja2.Environment:
    templates = {name: _read("kg.views", name) for name in ("view.html", "index.html")}
    return jinja2.Environment(
        loader=jinja2.DictLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _sha256(script: str) -> str:
    return (
        "'sha256-"
        + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        + "'"
    )


def _compact_papers(
    view: View, paper_rows: list[JsonObj]
) -> tuple[list[JsonObj], list[JsonObj], list[JsonObj]]:
    """Keep only the paper rows the view refers to, renumbered in order."""
    used = sorted(
        {p for row in (*view.nodes, *view.edges) for p in row.get("pp", [])}
        | {row["paper"] for row in view.nodes if "paper" in row}
    )
    new = {old: i for i, old in enumerate(used)}
    nodes = []
    for row in view.nodes:
        row = dict(row)
        if "pp" in row:
            row["pp"] = [new[p] for p in row["pp"]]
        if "paper" in row:
            row["paper"] = new[row["paper"]]
        nodes.append(row)
    edges = []
    for row in view.edges:
        row = dict(row)
        if "pp" in row:
            row["pp"] = [new[p] for p in row["pp"]]
        edges.append(row)
    return nodes, edges, [paper_rows[p] for p in used]


def render_page(
    view: View,
    *,
    heading: str,
    paper_rows: list[JsonObj],
    categories: list[str],
    links: list[tuple[str, str]],
    index_url: str = "index.html",
) -> bytes:
    """The HTML file of one view.

    Args:
        view: What to draw.
        heading: The site heading (the list titles), shown above the view's title.
        paper_rows: The paper table the view's ``pp``/``paper`` indices refer to.
        categories: Category labels, by index.
        links: (file name, title) of the pages to link from the navigation bar.
        index_url: Where the navigation bar's "Index" link points.
    """
    nodes, edges, papers = _compact_papers(view, paper_rows)
    # A self-loop (a method that is its own family) says nothing a reader can see.
    edges = [e for e in edges if e["from"] != e["to"]]
    data = {
        "view": view.name,
        "nodes": nodes,
        "edges": edges,
        "papers": papers,
        "categories": categories,
        "kinds": view.kinds,
        "styles": {k: KIND_STYLE[k] for k in view.kinds},
        "directed": view.directed,
        "edgeLabels": view.edge_labels,
        "decor": view.decor,
        "full": {"nodes": view.full_nodes, "edges": view.full_edges},
    }
    vis_js = vis_bundle()
    app_js = _read("kg.views", "app.js")
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256(vis_js)} {_sha256(app_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    html = (
        _environment()
        .get_template("view.html")
        .render(
            view=view,
            heading=heading,
            csp=csp,
            css=Markup(_read("kg.views", "app.css")),
            data_json=Markup(json_for_script(data)),
            vis_js=Markup(vis_js),
            app_js=Markup(app_js),
            links=links,
            index_url=index_url,
        )
    )
    return html.encode("utf-8")


def render_index(
    *, heading: str, counts: list[tuple[str, int]], views: list[View], warnings: int
) -> bytes:
    """The index page: the headline counts and a link to every view."""
    csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    html = (
        _environment()
        .get_template("index.html")
        .render(
            heading=heading,
            counts=counts,
            views=views,
            warnings=warnings,
            csp=csp,
            css=Markup(_read("kg.views", "app.css")),
        )
    )
    return html.encode("utf-8")
