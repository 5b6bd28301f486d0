"""``kg build``: a knowledge base -> every export file, all replaced or none.

Each file is staged to a temp file beside its target as soon as it is rendered (so a
large build never holds every output in memory at once); only when every file has been
produced are they all renamed into place. A failure while rendering or writing
therefore leaves the previous exports untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.atomic import FileSet, atomic_write_many
from kg.errors import ExportError
from kg.gc_pause import gc_paused
from kg.model import KnowledgeBase
from kg.namespaces import Namespaces
from kg.rdf import iter_triples

__all__ = [
    "EXPORT_FILES",
    "BuildReport",
    "build_exports",
    "iter_exports",
    "render_exports",
    "write_exports",
]

#: The RDF and graph files of a build, by format.
EXPORT_FILES = {
    "turtle": "graph.ttl",
    "ntriples": "graph.nt",
    "jsonld": "graph.jsonld",
    "graphml": "graph.graphml",
}


@dataclass
class BuildReport:
    """What a build produced: file sizes and how long each stage took (seconds)."""

    files: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: int = 0


def _timed(report: BuildReport, stage: str, fn: Callable[[], bytes]) -> bytes:
    start = time.perf_counter()
    data = fn()
    report.seconds[stage] = time.perf_counter() - start
    return data


def iter_exports(
    kb: KnowledgeBase,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Render every export of ``kb``, one ``(file name, bytes)`` at a time."""
    from kg.export import canonical_triples, ntriples_of_turtle, to_jsonld, to_turtle
    from kg.graphml import to_graphml
    from kg.nx_convert import to_networkx

    report = report if report is not None else BuildReport()
    with gc_paused():
        start = time.perf_counter()
        # Sorted once here; every exporter (and to_networkx, which sorts its own way) accepts it.
        triples = canonical_triples(iter_triples(kb, namespaces))
        report.seconds["rdf"] = time.perf_counter() - start
        report.triples = len(triples)
        turtle = _timed(report, "turtle", lambda: to_turtle(triples))
        yield EXPORT_FILES["turtle"], turtle
        ntriples = _timed(report, "ntriples", lambda: ntriples_of_turtle(turtle))
        turtle = b""  # staged already; let the memory go before the next export
        yield EXPORT_FILES["ntriples"], ntriples
        ntriples = b""
        yield EXPORT_FILES["jsonld"], _timed(report, "jsonld", lambda: to_jsonld(triples))
        start = time.perf_counter()
        graph = to_networkx(triples)
        triples.clear()  # the largest object of a build; GraphML and the views reuse its memory
        report.seconds["networkx"] = time.perf_counter() - start
        yield EXPORT_FILES["graphml"], _timed(report, "graphml", lambda: to_graphml(graph))
        if views:
            from kg.views import render_views

            start = time.perf_counter()
            rendered = render_views(kb, graph)
            report.seconds["views"] = time.perf_counter() - start
            yield from sorted(rendered.items())


def render_exports(
    kb: KnowledgeBase,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
) -> dict[str, bytes]:
    """Render every export of ``kb`` in memory: file name -> bytes."""
    return dict(iter_exports(kb, namespaces=namespaces, views=views, report=report))


def build_exports(
    kb: KnowledgeBase,
    out: str | Path,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
) -> None:
    """Render every export of ``kb`` into ``out``, all replaced together or none.

    Each file is staged on disk as soon as it is rendered, so memory holds one output at
    a time; the targets change only once every file has been produced.
    """
    out = _prepare(out)
    report = report if report is not None else BuildReport()
    with FileSet() as file_set:
        for name, data in iter_exports(kb, namespaces=namespaces, views=views, report=report):
            file_set.add(out / name, data)
            report.files[name] = len(data)
        start = time.perf_counter()
        file_set.commit()
        report.seconds["write"] = time.perf_counter() - start


def _prepare(out: str | Path) -> Path:
    """Create the output folder and clear what killed earlier writes left there."""
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ExportError(f"cannot create {out}: {err.strerror}") from err
    _remove_stale_temporaries(out)
    return out


def write_exports(
    files: dict[str, bytes], out: str | Path, *, report: BuildReport | None = None
) -> None:
    """Write rendered files into ``out`` (created if needed): all replaced, or none."""
    out = _prepare(out)
    atomic_write_many({out / name: files[name] for name in sorted(files)})
    if report is not None:
        report.files.update({name: len(data) for name, data in files.items()})


def _remove_stale_temporaries(folder: Path, *, older_than: float = 60.0) -> None:
    """Delete temp files a killed earlier write left behind (``.<name>.<random>.tmp``)."""
    now = time.time()
    for leftover in folder.glob(".*.tmp"):
        try:
            if now - leftover.stat().st_mtime > older_than:
                leftover.unlink()
        except OSError:
            continue
