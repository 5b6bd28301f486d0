"""Opening the graph for a command that reads it: the persistent store first, a rebuild when stale.

``kg query``, ``kg serve``, ``kg push``, ``kg stats`` and ``kg lineage NAME`` call
:func:`open_inputs` (the lists and curated YAML they were given, or ``data/``) or
:func:`open_build_folder` (a folder ``kg build --out DIR`` wrote). Each finds the store
of :mod:`kg.sparql.store` and opens it read-only; when there is none (the inputs changed
since the last build, or the folder was never opened here) it builds one, says so in
:attr:`Opened.note`, and the next command opens it at once. When the cache cannot be
written the graph is held in memory for this command only, and the note says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError
from kg.graph.rdf import Triple
from kg.sparql.store import StoreCache

__all__ = ["Opened", "build_folder_of", "open_build_folder", "open_inputs"]

NTRIPLES = "graph.nt"


@dataclass
class Opened:
    """An opened graph and what it took.

    Attributes:
        store: The Oxigraph store (read-only when it came from the cache).
        note: A sentence for stderr when the store had to be built, else None.
        path: The store's folder in the cache, or None when held in memory.
        facts: What the graph does not state but was recorded with the store
            (:meth:`kg.sparql.store.StoreCache.record_facts`): ``{"warnings": 4}``, or
            empty when unknown.
    """

    store: ox.Store
    note: str | None = None
    path: Path | None = None
    facts: dict[str, int] = field(default_factory=dict)


def _seconds(start: float) -> str:
    return f"{time.perf_counter() - start:.1f} s"


def open_inputs(
    key: str,
    triples: Callable[[], Iterable[Triple]],
    *,
    cache: StoreCache | None = None,
    facts: Callable[[], Mapping[str, int]] | None = None,
) -> Opened:
    """The store of the graph built from some inputs, built and kept when missing.

    Args:
        key: The inputs' key (:func:`kg.sparql.store.inputs_key`).
        triples: Builds the graph's triples (parses the lists); called only when the
            store is missing.
        cache: The store cache (default: :func:`kg.sparql.store.cache_root`).
        facts: What the graph does not state about those inputs, known once ``triples``
            ran (their warnings); recorded with a store built here.
    """
    from kg.graph.store import to_store

    cache = cache or StoreCache()
    found = cache.find(inputs=key)
    if found is not None:
        try:
            return Opened(cache.open(found), path=found, facts=cache.facts(inputs=key))
        except OSError:
            pass  # unreadable (another Oxigraph's format): build it again
    start = time.perf_counter()
    memory = to_store(triples())
    known = dict(facts()) if facts is not None else {}
    try:
        with cache.staging() as staged:
            staged.load_quads(iter(memory))
            path = cache.publish(staged, inputs=key)
        cache.record_facts(path, known, inputs=key)
        store = cache.open(path)
    except (OSError, QueryError) as err:
        reason = getattr(err, "strerror", None) or str(err)
        return Opened(
            memory,
            note=f"note: the store cache cannot be written ({reason}); "
            "the graph is held in memory for this command only",
            facts=known,
        )
    return Opened(
        store,
        path=path,
        facts=known,
        note=(
            "note: no store for these inputs (changed since the last `kg build`, or never "
            f"built): built one from the lists in {_seconds(start)}; the next command opens "
            "it at once"
        ),
    )


def build_folder_of(path: Path) -> Path | None:
    """The build folder ``path`` stands for: itself if a folder, its parent for a built ``graph.nt``."""
    from kg.export.swap import MANIFEST_NAME

    if path.is_dir():
        return path
    if path.name == NTRIPLES and (path.parent / MANIFEST_NAME).is_file():
        return path.parent
    return None


def open_build_folder(folder: Path, *, cache: StoreCache | None = None) -> Opened:
    """The store of the graph a build wrote into ``folder`` (found by its manifest).

    Raises:
        QueryError: ``folder`` holds no complete build with ``graph.nt``.
    """
    from kg.export.swap import MANIFEST_NAME, read_manifest

    manifest = read_manifest(folder)
    if manifest is None:
        raise QueryError(
            f"{folder} is not a build folder (no readable {MANIFEST_NAME}); "
            f"give a folder written by `kg build --out`, or an export file"
        )
    entry = manifest.get(NTRIPLES) or {}
    source = folder / NTRIPLES
    digest = entry.get("sha256")
    if not isinstance(digest, str):
        raise QueryError(f"{folder}: the build has no {NTRIPLES} (its manifest lists none)")
    try:
        size = source.stat().st_size
    except OSError as err:
        raise QueryError(f"cannot read {source}: {err.strerror}") from err
    if size != entry.get("bytes"):
        raise QueryError(
            f"{source} does not match {folder / MANIFEST_NAME} (changed by hand?); run kg build again"
        )
    cache = cache or StoreCache()
    found = cache.find(graph=digest)
    if found is not None:
        try:
            return Opened(cache.open(found), path=found, facts=cache.facts(graph=digest))
        except OSError:
            pass
    start = time.perf_counter()
    try:
        with cache.staging() as staged:
            staged.load_ntriples(source)
            path = cache.publish(staged, graph=digest)
        store = cache.open(path)
    except SyntaxError as err:
        raise QueryError(f"{source} is not valid N-Triples: {err}") from err
    except (OSError, QueryError) as err:
        from kg.sparql.run import load_graph_file

        reason = getattr(err, "strerror", None) or str(err)
        return Opened(
            load_graph_file(source),
            note=f"note: the store cache cannot be written ({reason}); "
            f"{source} is held in memory for this command only",
        )
    return Opened(
        store,
        path=path,
        note=f"note: no store for {folder} yet: loaded {source} into one in "
        f"{_seconds(start)}; the next command opens it at once",
    )
