"""Atomic file writes: a reader sees the old file or the new one, never a torn one.

Serialisers that write straight to the target leave a truncated file that may still
parse (N-Triples cut on a line boundary) when they fail or are killed. Every file
LineageKG writes is serialised to memory first, written to a temporary file in the same
folder, flushed to disk, then renamed over the target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from kg.errors import ExportError

__all__ = ["atomic_write"]


def atomic_write(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (same-folder temp file, fsync, ``os.replace``).

    Raises:
        ExportError: the folder is missing or not writable; the target is untouched.
    """
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise ExportError(f"cannot write {path}: {err.strerror}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(err, OSError):
            raise ExportError(f"cannot write {path}: {err.strerror}") from err
        raise
    if hasattr(os, "O_DIRECTORY"):
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
