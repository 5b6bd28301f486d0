"""The persistent store: the graph of a build, on disk, opened in milliseconds.

Parsing the lists again for every ``kg query`` took 5.8 s at 10,000 papers, and loading
the N-Triples export 2.5 s; opening an on-disk Oxigraph (RocksDB) store read-only takes
a few milliseconds whatever its size. So ``kg build`` also leaves such a store, and the
commands that only read the graph open it.

Where it lives. Not in the build folder: ``exports/`` is committed to git and is swapped
whole by :mod:`kg.export.swap`, which hard-links files and cannot carry a sub-folder. The
stores live in a cache folder (``$KG_CACHE_DIR``, else ``$XDG_CACHE_HOME/lineage-kg``,
else ``~/.cache/lineage-kg``)::

    stores/g-<sha256 of graph.nt>/   a RocksDB store, never written once published
    graphs/<sha256 of graph.nt>.json  which store holds the graph of that N-Triples export
    inputs/<inputs key>.json          which store holds the graph of those inputs

An index record may also carry *facts* about its store that the graph does not state
(the number of warnings the inputs gave, which ``kg stats`` shows): see
:meth:`StoreCache.record_facts`.

The *inputs key* (:func:`inputs_key`) is a hash of everything a graph depends on: the
lists' and curated YAML files' names and bytes, the base IRI, the package's version and
its source files (a code change is a new graph), and the Oxigraph version (its on-disk
format). A build folder is found through its manifest: ``.manifest.json`` gives the
SHA-256 of ``graph.nt``, the key of ``graphs/``.

Safety. A store is filled in ``stores/.tmp-<id>/`` under an ``flock`` held by its
writer, then renamed into place in one step and never written again, so any number of
processes may open it read-only at once (Oxigraph's read-only mode is undefined only
while another process writes). A writer that dies leaves its temp folder, which the
next writer deletes once no lock is held on it; the index files are replaced
atomically, so a dying build leaves the previous store and its index usable.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError

__all__ = [
    "CACHE_VARIABLE",
    "StagedStore",
    "StoreCache",
    "cache_root",
    "inputs_key",
]

#: Environment variable naming the cache folder.
CACHE_VARIABLE = "KG_CACHE_DIR"
_FORMAT = "lineage-kg store 1"
#: Published stores kept; older ones (by last use) are deleted by the next writer.
KEEP_STORES = 6
#: Bytes of N-Triples given to Oxigraph's bulk loader at once (it holds them in memory).
LOAD_PIECE_BYTES = 16 * 1024 * 1024


def cache_root() -> Path:
    """The cache folder: ``$KG_CACHE_DIR``, ``$XDG_CACHE_HOME/lineage-kg`` or ``~/.cache/lineage-kg``."""
    if explicit := os.environ.get(CACHE_VARIABLE):
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "lineage-kg"


#: Parts of the package that do not decide a graph's triples (left out of the fingerprint).
_NOT_THE_GRAPH = ("cli", "export", "lineage", "runtime", "sparql", "views", "stats.py")


def _code_fingerprint() -> str:
    """SHA-256 of the source files that make the graph: a changed mapping is a changed graph."""
    import kg

    root = Path(kg.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        if path.relative_to(root).parts[0] in _NOT_THE_GRAPH:
            continue
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_key(
    lists: Sequence[Path], curation: Path | Sequence[Path] | None, *, base: str, version: str
) -> str:
    """The hash that names a graph built from these inputs (hex SHA-256).

    Args:
        lists: The list files, in build order.
        curation: The folder(s) of curated YAML, or None.
        base: The base IRI of minted resources.
        version: The package's version.

    Raises:
        QueryError: an input cannot be read.
    """
    digest = hashlib.sha256()
    for part in (_FORMAT, version, ox.__version__, _code_fingerprint(), base):
        digest.update(part.encode() + b"\0")
    files = [("list", p) for p in lists]
    folders = [curation] if isinstance(curation, Path) else list(curation or ())
    for folder in folders:
        if folder.is_dir():
            files += [("curation", p) for p in sorted(folder.glob("*.yaml"))]
    for role, path in files:
        try:
            data = path.read_bytes()
        except OSError as err:
            raise QueryError(f"cannot read {path}: {err.strerror}") from err
        name = path.name if role == "curation" else os.path.abspath(path)
        digest.update(f"{role}\0{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@dataclass
class StagedStore:
    """A store being written in the cache's temp folder; publish it with :meth:`StoreCache.publish`."""

    path: Path
    lock_fd: int

    def load_ntriples(self, source: str | Path, *, checked: bool = False) -> None:
        """Fill the store from an N-Triples file, in pieces of whole lines, then compact it.

        Oxigraph's bulk loader holds what it is given in memory: the whole 85 MB file of
        10,000 papers took 590 MiB, pieces of 16 MB take 170 MiB (and less time). The
        pieces leave many small files; :meth:`pyoxigraph.Store.optimize` merges them, or
        queries would run twice as slow.

        ``checked``: the file was already parsed strictly (a build writes Turtle by
        parsing each N-Triples piece with Oxigraph), so the loader skips checking IRIs
        again (Oxigraph's ``lenient``): 8 of 56 CPU-seconds at 100,000 papers.
        """
        store = ox.Store(str(self.path))
        with open(source, "rb") as handle:
            while lines := handle.readlines(LOAD_PIECE_BYTES):
                store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_TRIPLES, lenient=checked)
                del lines
        store.flush()
        store.optimize()
        del store  # the last reference: RocksDB closes its files

    def load_quads(self, quads: Iterator[ox.Quad]) -> None:
        """Fill the store from quads."""
        store = ox.Store(str(self.path))
        store.bulk_extend(quads)
        store.flush()
        store.optimize()
        del store


class StoreCache:
    """The cache folder of persistent stores (see the module docstring for its layout)."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root if root is not None else cache_root()

    def _index(self, kind: str, key: str) -> Path:
        return self.root / kind / f"{key}.json"

    def find(self, *, inputs: str | None = None, graph: str | None = None) -> Path | None:
        """The published store for these inputs or this N-Triples digest, if there is one."""
        kind, key = ("inputs", inputs) if inputs is not None else ("graphs", graph)
        assert key is not None, "give inputs or graph"
        try:
            record = json.loads(self._index(kind, key).read_bytes())
        except (OSError, ValueError):
            return None
        name = record.get("store") if isinstance(record, dict) else None
        if record.get("format") != _FORMAT or not isinstance(name, str) or "/" in name:
            return None
        path = self.root / "stores" / name
        return path if (path / "CURRENT").is_file() else None

    @contextlib.contextmanager
    def staging(self) -> Iterator[StagedStore]:
        """A fresh temp folder for a store, locked while this block (and any fork) runs.

        Leaving the block without publishing deletes it.
        """
        stores = self.root / "stores"
        try:
            stores.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise QueryError(f"cannot create the store cache {stores}: {err.strerror}") from err
        self._clean_dead(stores)
        path = stores / f".tmp-{secrets.token_hex(6)}"
        lock_fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        staged = StagedStore(path, lock_fd)
        try:
            yield staged
        finally:
            shutil.rmtree(path, ignore_errors=True)
            with contextlib.suppress(OSError):
                os.unlink(f"{path}.lock")
            os.close(lock_fd)

    @staticmethod
    def _clean_dead(stores: Path) -> None:
        """Delete temp folders whose writer died (their lock file is not locked)."""
        for lock in stores.glob(".tmp-*.lock"):
            fd = os.open(lock, os.O_RDWR | os.O_CLOEXEC)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue  # a live writer holds it
            shutil.rmtree(lock.with_suffix(""), ignore_errors=True)
            with contextlib.suppress(OSError):
                os.unlink(lock)
            os.close(fd)

    def publish(
        self,
        staged: StagedStore,
        *,
        graph: str | None = None,
        inputs: str | None = None,
    ) -> Path:
        """Put a filled store in place and index it by N-Triples digest and/or inputs key.

        Args:
            staged: The store, filled and closed.
            graph: SHA-256 of the N-Triples export it was loaded from, if any.
            inputs: The inputs key it was built from, if known.

        Returns:
            The published store's folder.
        """
        name = f"g-{graph}" if graph is not None else f"i-{inputs}"
        target = self.root / "stores" / name
        try:
            os.rename(staged.path, target)
        except OSError:
            if not (target / "CURRENT").is_file():  # not the same store published meanwhile
                raise
        record = {"format": _FORMAT, "store": name}
        for kind, key in (("graphs", graph), ("inputs", inputs)):
            if key is not None:
                _replace_file(self._index(kind, key), json.dumps(record).encode())
        self._prune(keep=target)
        return target

    def _prune(self, *, keep: Path) -> None:
        """Delete the least recently used stores past :data:`KEEP_STORES`."""
        stores = [p for p in (self.root / "stores").glob("[gi]-*") if p != keep]
        stores.sort(key=lambda p: _used(p), reverse=True)
        for old in stores[KEEP_STORES - 1 :]:
            shutil.rmtree(old, ignore_errors=True)

    def record_facts(
        self, store: Path, facts: Mapping[str, int], *, inputs: str | None = None
    ) -> None:
        """Note what the graph does not say about a published store (its inputs' warnings).

        The facts go into the index records that name ``store``: the inputs key's (when
        given) and, for a store loaded from an N-Triples export (``g-<sha>``), that
        digest's; a record that names another store meanwhile is left alone. Written
        atomically; a failure leaves the facts unknown, never wrong.
        """
        keys = [("inputs", inputs)] if inputs is not None else []
        if store.name.startswith("g-"):
            keys.append(("graphs", store.name[2:]))
        for kind, key in keys:
            record = self._record(kind, key)
            if record is None or record.get("store") != store.name:
                continue
            record["facts"] = dict(facts)
            with contextlib.suppress(OSError):
                _replace_file(self._index(kind, key), json.dumps(record).encode())

    def facts(self, *, inputs: str | None = None, graph: str | None = None) -> dict[str, int]:
        """The facts recorded (:meth:`record_facts`) with the store of these inputs or digest."""
        kind, key = ("inputs", inputs) if inputs is not None else ("graphs", graph)
        assert key is not None, "give inputs or graph"
        record = self._record(kind, key)
        found = record.get("facts") if record is not None else None
        if not isinstance(found, dict):
            return {}
        return {k: v for k, v in found.items() if isinstance(k, str) and type(v) is int}

    def _record(self, kind: str, key: str) -> dict[str, object] | None:
        try:
            record = json.loads(self._index(kind, key).read_bytes())
        except (OSError, ValueError):
            return None
        return record if isinstance(record, dict) else None

    @staticmethod
    def open(path: Path) -> ox.Store:
        """Open a published store read-only (and note its use, for pruning).

        Raises:
            OSError: the store cannot be opened (e.g. another Oxigraph version wrote it).
        """
        with contextlib.suppress(OSError):
            os.utime(path / "CURRENT")
        return ox.Store.read_only(str(path))


def _used(path: Path) -> float:
    try:
        return (path / "CURRENT").stat().st_mtime
    except OSError:
        return 0.0


def _replace_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
