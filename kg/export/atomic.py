"""Atomic file writes: a reader sees the old files or the new ones, never a torn one.

Serialisers that write straight to the target leave a truncated file that may still
parse (N-Triples cut on a line boundary) when they fail or are killed. Every file
LineageKG writes is serialised to memory first, written to a temporary file in the same
folder and flushed to disk; only when every file of a set is safely on disk are they
renamed over their targets, so a full disk or a kill midway leaves the previous set.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from kg.errors import ExportError

__all__ = ["FileSet", "StagedWriter", "atomic_write", "atomic_write_many"]


def _reserve(path: Path) -> str:
    """Create an empty temp file beside ``path`` (same folder, so a rename is atomic)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror}") from err
    os.close(fd)
    return tmp


class StagedWriter:
    """Writes files piece by piece into reserved temp files, several open at once.

    For exporters that make two files in one pass (Turtle and N-Triples): each piece
    goes to its file as soon as it exists. :meth:`close` flushes every file to disk;
    the temp files themselves belong to the :class:`FileSet` that reserved them.
    """

    def __init__(self) -> None:
        self._open: dict[str | int, tuple[BinaryIO, Path]] = {}
        self._hashes: dict[str | int, hashlib._Hash] = {}
        self.sizes: dict[str | int, int] = {}

    def write(self, tmp: str | int, data: bytes, *, target: Path) -> None:
        """Append ``data`` to the temp file ``tmp`` (a path, or an open descriptor) for ``target``."""
        try:
            if tmp not in self._open:
                handle = open(tmp, "wb", closefd=not isinstance(tmp, int))  # noqa: SIM115 - closed in close()
                self._open[tmp] = (handle, target)
                self._hashes[tmp] = hashlib.sha256()
                self.sizes[tmp] = 0
            self.sizes[tmp] += self._open[tmp][0].write(data)
            self._hashes[tmp].update(data)
        except OSError as err:
            raise ExportError(f"cannot write {target}: {err.strerror}") from err

    def digest(self, tmp: str | int) -> tuple[int, str]:
        """Size and SHA-256 (hex) of what was written to ``tmp``."""
        return self.sizes[tmp], self._hashes[tmp].hexdigest()

    def close(self) -> None:
        """Flush every file to disk and close it.

        Raises:
            ExportError: a file could not be flushed (the disk is full).
        """
        failure: ExportError | None = None
        for handle, target in self._open.values():
            try:
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), 0o644)
            except OSError as err:
                failure = failure or ExportError(f"cannot write {target}: {err.strerror}")
            finally:
                handle.close()
        self._open.clear()
        if failure is not None:
            raise failure

    def abort(self) -> None:
        """Close every file without flushing it to disk (the build failed: they go away)."""
        for handle, _ in self._open.values():
            with contextlib.suppress(OSError):
                handle.close()
        self._open.clear()


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a fsynced temp file beside ``path``; return the temp file's name."""
    tmp = _reserve(path)
    writer = StagedWriter()
    try:
        writer.write(tmp, data, target=path)
        writer.close()
    except BaseException:
        writer.abort()
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return tmp


def _sync_folder(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class FileSet:
    """Files that replace their targets together, staged on disk as they are produced.

    ``add`` writes a file's bytes to a fsynced temp file at once, so the caller can drop
    them (a large build never holds every output in memory); ``commit`` renames them all
    over their targets; leaving the ``with`` block without committing (an exception, a
    kill) deletes the temp files and leaves every target untouched.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[str, Path]] = []

    def __enter__(self) -> FileSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def add(self, path: str | Path, data: bytes) -> None:
        """Stage ``data`` for ``path``."""
        target = Path(path)
        self._staged.append((_stage(target, data), target))

    def reserve(self, path: str | Path) -> str:
        """Stage an empty temp file for ``path``; return its name, to fill with :class:`StagedWriter`.

        For files rendered elsewhere (another process): the set knows every temp file
        before any is written, so a failure anywhere still deletes them all.
        """
        target = Path(path)
        tmp = _reserve(target)
        self._staged.append((tmp, target))
        return tmp

    def discard(self) -> None:
        """Delete every staged temp file that was not committed."""
        for tmp, _ in self._staged:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged.clear()

    def commit(self) -> None:
        """Rename every staged file over its target, then sync the folders."""
        staged, self._staged = self._staged, []
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as err:
                raise ExportError(f"cannot write {target}: {err.strerror}") from err
        for folder in sorted({target.parent for _, target in staged}):
            _sync_folder(folder)


def atomic_write_many(files: Mapping[str | Path, bytes]) -> None:
    """Write several files so that none is replaced unless all could be written.

    Raises:
        ExportError: a file could not be staged; every target is untouched and no
            temporary file is left behind.
    """
    with FileSet() as file_set:
        for path, data in files.items():
            file_set.add(path, data)
        file_set.commit()


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temp file, fsync, ``os.replace``).

    Raises:
        ExportError: the folder is missing or not writable; the target is untouched.
    """
    atomic_write_many({path: data})
