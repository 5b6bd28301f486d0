"""The query page of ``kg serve``: a SPARQL editor at ``/``, its assets, and the built views.

Every triple store people use greets them with a query editor; this is ours, offline:
the editor (a textarea under a highlighted copy of its text), the canned queries as
one-click examples, a sortable results table and CSV/JSON downloads are three static
files of the package (``kg/sparql/page/``), served by the endpoint itself. No CDN, no
inline script: the Content-Security-Policy lets the page load only its own files and
talk only to its own ``/sparql`` (``connect-src 'self'``).

Routes (:func:`route`): ``/`` the page; ``/page/<file>`` its assets; ``/queries.json``
the canned queries (their example parameters bound as a ``VALUES`` block, as the remote
path sends them); ``/views/`` and ``/views/<file>`` the HTML views of the build folder
the server was started on (only files its manifest lists, by exact name).
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path

__all__ = ["PAGE_CSP", "VIEWS_CSP", "Asset", "route"]

#: The query page's policy: its own files, its own endpoint, nothing else.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
#: The views carry their own CSP (a meta tag with script hashes); this one adds the rest.
VIEWS_CSP = "connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

_ASSETS = {
    "query.js": "text/javascript; charset=utf-8",
    "query.css": "text/css; charset=utf-8",
}


class Asset:
    """A response body with its media type and Content-Security-Policy."""

    def __init__(self, status: int, content_type: str, body: bytes, csp: str = PAGE_CSP) -> None:
        self.status = status
        self.content_type = content_type
        self.body = body
        self.csp = csp


@functools.cache
def _packaged(name: str) -> bytes:
    return (resources.files("kg.sparql") / "page" / name).read_bytes()


@functools.cache
def _queries_json() -> bytes:
    from kg.sparql.queries import bind, catalogue
    from kg.sparql.remote import with_values

    items = []
    for query in catalogue():
        bindings = bind(query.example_params(), query.params)
        items.append(
            {
                "name": query.name,
                "question": query.question or query.title,
                "text": with_values(query.text, bindings) if bindings else query.text,
            }
        )
    return json.dumps(items, ensure_ascii=False).encode()


def _views_index(names: list[str]) -> bytes:
    from html import escape

    links = "".join(f'<li><a href="{escape(n)}">{escape(n)}</a></li>' for n in names)
    return (
        '<!doctype html><meta charset="utf-8"><title>LineageKG views</title>'
        f'<link rel="stylesheet" href="/page/query.css"><main class="views"><h1>Views</h1>'
        f"<ul>{links or '<li>(none: this build has no views)</li>'}</ul>"
        '<p><a href="/">query page</a></p></main>'
    ).encode()


def _view_files(folder: Path) -> list[str]:
    from kg.export.swap import read_manifest

    manifest = read_manifest(folder) or {}
    return sorted(name for name in manifest if name.endswith(".html") and "/" not in name)


def route(path: str, views: Path | None) -> Asset | None:
    """The page's answer for a GET of ``path``, or None when it is not one of its routes.

    Args:
        path: The request's path (no query string).
        views: The build folder whose HTML views ``/views/`` serves, if any.
    """
    if path in ("/", "/index.html"):
        return Asset(200, "text/html; charset=utf-8", _packaged("index.html"))
    if path.startswith("/page/"):
        name = path.removeprefix("/page/")
        if name not in _ASSETS:
            return Asset(404, "text/plain; charset=utf-8", b"not found\n")
        return Asset(200, _ASSETS[name], _packaged(name))
    if path == "/queries.json":
        return Asset(200, "application/json", _queries_json())
    if path in ("/views", "/views/"):
        names = _view_files(views) if views is not None else []
        return Asset(200, "text/html; charset=utf-8", _views_index(names))
    if path.startswith("/views/"):
        name = path.removeprefix("/views/")
        if views is None or name not in _view_files(views):
            return Asset(404, "text/plain; charset=utf-8", b"no such view in this build\n")
        try:
            body = (views / name).read_bytes()
        except OSError:
            return Asset(404, "text/plain; charset=utf-8", b"no such view in this build\n")
        return Asset(200, "text/html; charset=utf-8", body, VIEWS_CSP)
    return None
