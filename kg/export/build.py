"""``kg build``: a knowledge base -> every export file, all replaced or none.

Exporters yield ``(file name, piece)``; each piece is appended to an unnamed file as soon
as it exists, so a large build never holds an output whole in memory; only when every
file has been produced are they all put in place, in one step, by
:mod:`kg.export.swap` (which also serialises builds into one folder and writes the
manifest). A failure or a kill while rendering or writing leaves the previous exports
untouched and no temp file behind. The RDF files and the graph files (GraphML,
Cytoscape.js, views) are two independent branches, rendered in two processes at once
where :mod:`kg.runtime.workers` may fork; BibTeX and CSL-JSON, which read the knowledge
base only, are written by a second process while the first makes the triples (one core
would otherwise idle then). With a persistent store, the RDF branch runs in a new
interpreter given only the triples (:class:`~kg.runtime.workers.Afresh`), then fills the
store from the N-Triples it wrote: a forked copy of the build would hold every page of
it that it reads.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from kg.errors import KgError
from kg.export.atomic import StagedWriter
from kg.export.swap import BuildFolder
from kg.graph.namespaces import Namespaces
from kg.graph.rdf import iter_triples
from kg.model import KnowledgeBase
from kg.runtime.gc_pause import gc_paused
from kg.runtime.workers import Afresh, last_task_here, run_both
from kg.sparql.store import StagedStore, StoreCache

if TYPE_CHECKING:
    from kg.export.rdf_formats import CanonicalTriples

T = TypeVar("T")

__all__ = [
    "EXPORT_FILES",
    "BuildReport",
    "build_exports",
    "export_file_names",
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
    "cyjs": "graph.cyjs",
    "bibtex": "papers.bib",
    "csl-json": "papers.csl.json",
}


@dataclass
class BuildReport:
    """What a build produced: file sizes and how long each stage took (seconds)."""

    files: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    triples: int = 0
    #: The persistent store published in the cache, if one was asked for and written.
    store: Path | None = None
    #: Why no store was written although one was asked for.
    store_problem: str | None = None


def _timed(report: BuildReport, stage: str, fn: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = fn()
    report.seconds[stage] = time.perf_counter() - start
    return result


def _timed_pieces(report: BuildReport, stage: str, pieces: Iterable[T]) -> Iterator[T]:
    """Pass ``pieces`` through, adding the time spent making them to ``stage``."""
    report.seconds.setdefault(stage, 0.0)
    iterator = iter(pieces)
    while True:
        start = time.perf_counter()
        try:
            piece = next(iterator)
        except StopIteration:
            return
        finally:
            report.seconds[stage] += time.perf_counter() - start
        yield piece


def _rdf_files(
    triples: CanonicalTriples, report: BuildReport, *, release: bool = False
) -> Iterator[tuple[str, bytes]]:
    """N-Triples, Turtle and JSON-LD of the canonical triples, as ``(file, piece)``.

    The files come in pieces, each written as soon as it is made, so none exists whole
    in memory (at 100,000 papers: 850 MB of N-Triples, 540 of JSON-LD, 330 of Turtle);
    Turtle and N-Triples pieces come in turns, made from the same terms. With
    ``release``, the triples are emptied once the last file is made (see
    :func:`_release`).
    """
    from kg.export.rdf_formats import jsonld_chunks, turtle_and_ntriples_chunks

    for turtle, ntriples in _timed_pieces(
        report, "turtle+ntriples", turtle_and_ntriples_chunks(triples)
    ):
        yield EXPORT_FILES["turtle"], turtle
        yield EXPORT_FILES["ntriples"], ntriples
    for piece in _timed_pieces(report, "jsonld", jsonld_chunks(triples)):
        yield EXPORT_FILES["jsonld"], piece
    if release:
        _release(triples)


def _release(triples: CanonicalTriples) -> None:
    """Empty ``triples`` in this process: its last reader here is done with them.

    At 100,000 papers the triples' columns take 86 MB and their tables 2.3 million
    terms; reading a term writes its reference count, so each process soon has its own
    copy of the pages the terms lie on. The process that renders the graph files needs
    them only for the networkx projection, the one that renders the RDF files only until
    JSON-LD; the rest of each (the views, the store's bulk load) runs without them.
    """
    triples.clear()


def _citation_files(kb: KnowledgeBase, report: BuildReport) -> Iterator[tuple[str, bytes]]:
    """BibTeX and CSL-JSON of the papers (they read the knowledge base, not the triples)."""
    from kg.export.bibtex import to_bibtex
    from kg.export.csl_json import to_csl_json

    yield EXPORT_FILES["bibtex"], _timed(report, "bibtex", lambda: to_bibtex(kb).encode())
    yield EXPORT_FILES["csl-json"], _timed(report, "csl-json", lambda: to_csl_json(kb).encode())


def _graph_files(
    kb: KnowledgeBase,
    triples: CanonicalTriples,
    views: bool,
    report: BuildReport,
    *,
    release: bool = False,
) -> Iterator[tuple[str, bytes]]:
    """GraphML and Cytoscape.js JSON of the networkx projection, then the HTML views.

    The three read one :class:`~kg.views.catalog.Catalog` of the graph (stage
    ``catalog``), and the two files the rows of one
    :class:`~kg.export.graph_tools.ToolsGraph` (stage ``tools graph``: its ids, kept
    edges, degrees and layout; the rows themselves are made as the files are written).
    With ``release``, the triples are emptied once the networkx graph exists (see
    :func:`_release`).
    """
    from kg.export.graph_tools import ToolsGraph, cytoscape_pieces
    from kg.export.graphml import graphml_pieces
    from kg.graph.nx_convert import to_networkx
    from kg.views.catalog import Catalog

    graph = _timed(report, "networkx", lambda: to_networkx(triples))
    if release:
        _release(triples)
    catalog = _timed(report, "catalog", lambda: Catalog.of(graph))
    tools = _timed(report, "tools graph", lambda: ToolsGraph(graph, catalog=catalog))
    # Both files come in pieces, written as they are made (each is hundreds of MB at
    # 100,000 papers).
    for piece in _timed_pieces(report, "graphml", graphml_pieces(tools, scoped_keys=True)):
        yield EXPORT_FILES["graphml"], piece
    for piece in _timed_pieces(report, "cyjs", cytoscape_pieces(tools)):
        yield EXPORT_FILES["cyjs"], piece
    del tools
    if views:
        from kg.views import render_views

        rendered = _timed(report, "views", lambda: render_views(kb, graph, catalog=catalog))
        yield from sorted(rendered.items())
    # networkx graphs hold a reference cycle (their cached node and edge views), and
    # the collector is paused during a build: without clear() the graph would not be
    # freed before the process ends.
    graph.clear()


def _triples(
    kb: KnowledgeBase, namespaces: Namespaces | None, report: BuildReport
) -> CanonicalTriples:
    from kg.export.rdf_formats import canonical_triples

    # Sorted once here; every exporter (and to_networkx, which sorts its own way) accepts it.
    triples = _timed(report, "rdf", lambda: canonical_triples(iter_triples(kb, namespaces)))
    report.triples = len(triples)
    return triples


def iter_exports(
    kb: KnowledgeBase,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Render every export of ``kb``, one ``(file name, bytes)`` at a time, in this process."""
    report = report if report is not None else BuildReport()
    with gc_paused():
        triples = _triples(kb, namespaces, report)
        for files in (
            _rdf_files(triples, report),
            _citation_files(kb, report),
            _graph_files(kb, triples, views, report),
        ):
            pieces: dict[str, list[bytes]] = {}
            for name, piece in files:
                pieces.setdefault(name, []).append(piece)
            for name, parts in pieces.items():
                yield name, b"".join(parts)


def render_exports(
    kb: KnowledgeBase,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
) -> dict[str, bytes]:
    """Render every export of ``kb`` in memory: file name -> bytes."""
    return dict(iter_exports(kb, namespaces=namespaces, views=views, report=report))


def export_file_names(*, views: bool = True) -> list[str]:
    """The names of the files a build writes."""
    from kg.views import VIEW_FILES

    return [*EXPORT_FILES.values(), *(VIEW_FILES if views else ())]


def build_exports(
    kb: KnowledgeBase,
    out: str | Path,
    *,
    namespaces: Namespaces | None = None,
    views: bool = True,
    report: BuildReport | None = None,
    jobs: int | None = None,
    lock_timeout: float = 600.0,
    store_inputs: str | None = None,
    store_cache: StoreCache | None = None,
) -> None:
    """Render every export of ``kb`` into ``out``, all replaced together in one step, or none.

    The RDF files (Turtle, N-Triples, JSON-LD) and the graph files (networkx -> GraphML,
    views) are rendered at the same time in two processes when the machine has a second
    core (:mod:`kg.runtime.workers`; ``jobs=1`` or ``KG_JOBS=1`` renders them one after the
    other). Each file is written, as soon as it is rendered, into an unnamed file
    reserved before rendering starts, so memory holds one output at a time per process
    and a failure or a kill anywhere leaves nothing behind; only once every file exists
    does :class:`~kg.export.swap.BuildFolder` swap them all in, with ``.manifest.json``.
    One build at a time writes into ``out``: another waits up to ``lock_timeout`` s.

    With ``store_inputs`` (the :func:`kg.sparql.store.inputs_key` of the build's inputs),
    the process that writes ``graph.nt`` also loads it into an on-disk Oxigraph store in
    the cache (:mod:`kg.sparql.store`), published once the exports are in place: the
    store that ``kg query``, ``kg serve`` and ``kg push`` open instead of rebuilding.

    Raises:
        ExportError: a file cannot be written, or another build into ``out`` did not
            finish in time; the previous exports are untouched.
    """
    report = report if report is not None else BuildReport()
    cache = (store_cache or StoreCache()) if store_inputs is not None else None
    with contextlib.ExitStack() as stack:
        staged = None
        if cache is not None:
            try:
                staged = stack.enter_context(cache.staging())
            except (OSError, KgError) as err:
                report.store_problem = str(err)
        stack.enter_context(gc_paused())
        folder = stack.enter_context(BuildFolder(out, lock_timeout=lock_timeout))
        digests = _build_into(kb, folder, namespaces, views, report, jobs, staged)
        if cache is not None and staged is not None:
            _, sha = digests[EXPORT_FILES["ntriples"]]
            try:
                report.store = cache.publish(staged, graph=sha, inputs=store_inputs)
            except OSError as err:
                report.store_problem = f"cannot publish the store: {err}"


def _build_into(
    kb: KnowledgeBase,
    folder: BuildFolder,
    namespaces: Namespaces | None,
    views: bool,
    report: BuildReport,
    jobs: int | None,
    store: StagedStore | None,
) -> dict[str, tuple[int, str]]:
    """The body of :func:`build_exports`: render, stage, commit (and fill ``store``)."""
    target = folder.shown
    staged = {name: folder.reserve(name) for name in export_file_names(views=views)}

    # The citation files read the knowledge base only: they are written by a second
    # process while this one makes the triples, a stretch that would otherwise leave
    # the second core idle.
    def citations(part: BuildReport) -> Iterator[tuple[str, bytes]]:
        return _citation_files(kb, part)

    triples, cited = run_both(
        functools.partial(_triples, kb, namespaces, report),
        functools.partial(_stage, citations, staged, target),
        jobs=jobs,
    )

    # Each side empties the triples once it is done with them if no later task in its
    # process reads them (a forked side, or the last of the two run in turn).
    def graph_side(part: BuildReport) -> Iterator[tuple[str, bytes]]:
        return _graph_files(kb, triples, views, part, release=last_task_here())

    def rdf_side(part: BuildReport) -> Iterator[tuple[str, bytes]]:
        return _rdf_files(triples, part, release=last_task_here())

    rdf: Callable[[], Staged] | Afresh[Staged]
    if store is None:
        rdf = functools.partial(_stage, rdf_side, staged, target)
    else:
        # Given the triples and nothing else, in an interpreter of its own (see
        # _rdf_files_and_store): no copy of this process's pages, then the store.
        mine = {name: staged[name] for name in RDF_FILES}
        task = functools.partial(_rdf_files_and_store, triples, mine, target, store)
        rdf = Afresh(task, pass_fds=tuple(mine.values()))
    parts = run_both(functools.partial(_stage, graph_side, staged, target), rdf, jobs=jobs)
    digests: dict[str, tuple[int, str]] = {}
    for part, part_digests in [cited, *parts]:
        report.files.update(part.files)
        report.seconds.update(part.seconds)
        digests.update(part_digests)
    report.files = dict(sorted(report.files.items()))
    start = time.perf_counter()
    folder.commit(dict(sorted(digests.items())))
    report.seconds["write"] = time.perf_counter() - start
    return digests


#: What one process of a build returns: its report, and each file's (size, SHA-256).
Staged = tuple[BuildReport, dict[str, tuple[int, str]]]

#: The files of the RDF side of a build.
RDF_FILES = (EXPORT_FILES["turtle"], EXPORT_FILES["ntriples"], EXPORT_FILES["jsonld"])


def _stage(
    files: Callable[[BuildReport], Iterator[tuple[str, bytes]]],
    staged: dict[str, int],
    target: Path,
) -> Staged:
    """Write the pieces ``files`` yields into their reserved descriptors; sizes and digests."""
    part = BuildReport()
    writer = StagedWriter()
    try:
        for name, piece in files(part):
            writer.write(staged[name], piece, target=target / name)
    except BaseException:
        writer.abort()
        raise
    writer.close()
    digests = {name: writer.digest(fd) for name, fd in staged.items() if fd in writer.sizes}
    part.files = {name: size for name, (size, _) in digests.items()}
    return part, digests


def _rdf_files_and_store(
    triples: CanonicalTriples, staged: dict[str, int], target: Path, store: StagedStore
) -> Staged:
    """The RDF files, then the store bulk-loaded from the N-Triples file just written.

    A module-level function of picklable arguments: a build runs it as an
    :class:`~kg.runtime.workers.Afresh` task, in a new interpreter given only the
    triples. A child forked from the build would copy every page of the parent it
    touches (reading a term writes its reference count; allocating fills holes in the
    parent's heap): at 100,000 papers that child held 0.9 GiB of its own; this one holds
    0.7 GiB while writing (the triples and one piece) and 0.16 GiB while loading.
    """

    def files(part: BuildReport) -> Iterator[tuple[str, bytes]]:
        return _rdf_files(triples, part, release=last_task_here())

    part, digests = _stage(files, staged, target)
    start = time.perf_counter()
    # Checked: every N-Triples piece was parsed strictly to make its Turtle.
    store.load_ntriples(f"/proc/self/fd/{staged[EXPORT_FILES['ntriples']]}", checked=True)
    part.seconds["store"] = time.perf_counter() - start
    return part, digests


def write_exports(
    files: dict[str, bytes],
    out: str | Path,
    *,
    report: BuildReport | None = None,
    lock_timeout: float = 600.0,
) -> None:
    """Write rendered files into ``out`` (created if needed): all replaced in one step, or none.

    Files of ``out`` not named in ``files`` stay as they are (``kg viz`` rewrites the
    views only); the manifest keeps their entries and lists the new files.
    """
    with BuildFolder(out, lock_timeout=lock_timeout) as folder:
        digests = {}
        for name in sorted(files):
            writer = StagedWriter()
            fd = folder.reserve(name)
            try:
                writer.write(fd, files[name], target=folder.shown / name)
            except BaseException:
                writer.abort()
                raise
            writer.close()
            digests[name] = writer.digest(fd)
        folder.commit(digests)
    if report is not None:
        report.files.update({name: len(data) for name, data in files.items()})
