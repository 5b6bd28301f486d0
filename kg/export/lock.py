"""One build at a time per output folder: an advisory lock on ``<out>/.kg-build.lock``.

Two builds into the same folder used to interleave their renames and both exit 0. A
build now holds ``fcntl.flock`` on the lock file from before it reserves anything until
its files are in place; a second build waits for it (up to a deadline, then fails with
an :class:`~kg.errors.ExportError` naming the holder's pid).

The lock file is deleted when the build ends, so a finished build leaves nothing in the
folder. That is safe with the usual check: having locked an open file, the taker makes
sure the path still names that very file (same device and inode); if the holder deleted
it, or a swap of the folder (:mod:`kg.export.swap`) put another file there, it starts
over on the current one. The lock is the kernel's: it goes away with the process (and
its forked workers, which die with it), so a killed build never blocks the next one.

The lock file also records what the build made (``{"pid": ..., "staging": ...}``): a
build killed before it could clean up leaves that record behind, and the next holder
deletes exactly the staging folder named there, nothing else (:mod:`kg.export.swap`).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

from kg.errors import ExportError

__all__ = ["LOCK_NAME", "FolderLock", "new_locked_file"]

#: The lock file's name inside the output folder.
LOCK_NAME = ".kg-build.lock"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds are not serialised there
    fcntl = None  # type: ignore[assignment]


class FolderLock:
    """The exclusive lock of one output folder, taken by :meth:`acquire`.

    Args:
        folder: The output folder (it must exist).
        timeout: Seconds to wait for another build to finish before failing.
    """

    def __init__(self, folder: Path, *, timeout: float = 600.0) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self.timeout = timeout
        self._fd: int | None = None
        self._extra: list[int] = []
        #: What the previous holder recorded and did not clear (it was killed), else {}.
        self.previous: dict[str, object] = {}

    def acquire(self) -> None:
        """Take the lock, waiting for another build up to ``timeout`` seconds.

        Raises:
            ExportError: the folder is not writable, or another build still holds the
                lock after ``timeout`` seconds.
        """
        if fcntl is None:  # pragma: no cover
            return
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as err:
                raise ExportError(f"cannot lock {self.folder}: {err.strerror}") from err
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_record(fd).get("pid", "?")
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise ExportError(
                        f"another build (pid {holder}) is writing into {self.folder}; "
                        f"waited {self.timeout:g} s for it to finish"
                    ) from None
                time.sleep(0.05)
                continue
            except OSError as err:
                os.close(fd)
                raise ExportError(f"cannot lock {self.folder}: {err.strerror}") from err
            if _same_file(fd, self.path):
                self._fd = fd
                self.previous = _read_record(fd)
                # Keep what a killed holder left until the new holder has cleaned it up.
                self.record(**{k: v for k, v in self.previous.items() if k != "pid"})
                return
            os.close(fd)  # deleted or replaced while we waited: lock the current one

    def record(self, **facts: object) -> None:
        """Write ``facts`` (JSON) into the lock file for a later holder to read."""
        if self._fd is None:
            return
        data = json.dumps({"pid": os.getpid(), **facts}, sort_keys=True).encode()
        try:
            os.ftruncate(self._fd, 0)
            os.pwrite(self._fd, data, 0)
            os.fsync(self._fd)
        except OSError as err:
            raise ExportError(f"cannot write {self.path}: {err.strerror}") from err

    def adopt(self, fd: int) -> None:
        """Hold ``fd`` (an already locked lock file) as well, released with this lock."""
        self._extra.append(fd)

    def release(self) -> None:
        """Delete the lock file (if it is still ours) and let the next build in."""
        fds = [fd for fd in (self._fd, *self._extra) if fd is not None]
        for fd in fds:
            if _same_file(fd, self.path):
                with contextlib.suppress(OSError):
                    os.unlink(self.path)
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fd, self._extra = None, []

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def new_locked_file(path: Path) -> int:
    """Create ``path`` afresh and lock it (for a folder that will replace the locked one)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    return fd


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read_record(fd: int) -> dict[str, object]:
    try:
        data = os.pread(fd, 65536, 0)
        record = json.loads(data) if data.strip() else {}
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}
