"""A build's files replace the previous build's in one step, one build at a time.

The choice. ``exports/`` is a folder that users, tests and git open by plain paths
(``exports/graph.ttl``), so it has to stay a real folder holding real files: a symlink
to the current build would be committed by git as a symlink, and a manifest alone
would leave plain readers with a mixed folder after a kill. So, on Linux, a build
fills a fresh sibling folder ``.<out>.kg-build-<id>`` and then swaps it with ``<out>``
in one system call, ``renameat2(RENAME_EXCHANGE)``: any reader, by any path, sees every
file of the old build or every file of the new one, and a kill at any instant leaves
one complete build in ``<out>``. Files of ``<out>`` the build does not write (a user's
``README``, an ego view) are hard-linked into the new folder first, its sub-folders
(``focus/``) are moved into it just before the swap (recorded first, so that a kill in
between gets them moved back), and anything that appears in the old folder during the
swap is moved back, so nothing foreign is lost.
The price: a process whose working directory *is* ``<out>`` (a shell ``cd``'d into it)
keeps the old, now deleted folder until it changes directory again; programs that open
paths are unaffected. The folder's permission bits are copied; other metadata (ACLs,
extended attributes) of ``<out>`` itself is not.

Where that call cannot be used (not Linux, a filesystem without it, ``<out>`` a mount
point or holding sub-folders, or its parent not writable), the files are staged in
``<out>/.kg-build-<id>/`` and renamed one by one, the manifest deleted first and written
last: a kill between two renames then leaves a folder whose manifest is missing, which
:func:`verify` reports, and the next build replaces it whole.

Every build writes ``.manifest.json`` (file names, sizes, SHA-256; no timestamp, so it
is as deterministic as the files): :func:`verify` checks a folder against it.

Temp files: each file is rendered into an *unnamed* file (``O_TMPFILE``) that the kernel
frees when the build dies, so a killed build leaves no bytes behind (forked workers die
with their parent, :mod:`kg.runtime.workers`); names are given only in the last moments,
inside the staging folder. That folder's path is recorded in the lock file
(:mod:`kg.export.lock`) before it is made, and a later build deletes exactly the folder
recorded there, nothing matched by a pattern. Where ``O_TMPFILE`` is missing, the files
are named in the staging folder from the start and cleaned up the same way.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import secrets
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from kg.errors import ExportError
from kg.export.lock import LOCK_NAME, FolderLock, new_locked_file
from kg.export.manifest import MANIFEST_NAME, manifest_bytes, merged_manifest, read_manifest, verify

__all__ = ["MANIFEST_NAME", "BuildFolder", "read_manifest", "verify"]

_STAGING_MARK = "kg-build-"


class BuildFolder:
    """The output folder of one build: locked, staged into, then swapped in by :meth:`commit`.

    Use as a context manager. :meth:`reserve` gives a file descriptor per output file,
    to be filled by this process or a forked child (it inherits the descriptor);
    :meth:`commit` puts them all in place at once. Leaving the block without committing
    (an exception) discards everything and leaves the folder as it was.

    Args:
        out: The output folder (created if needed).
        lock_timeout: Seconds to wait for another build into the same folder.
    """

    def __init__(self, out: str | Path, *, lock_timeout: float = 600.0) -> None:
        self.shown = Path(out)
        self.out = Path(os.path.realpath(out))
        self._lock_timeout = lock_timeout
        self._lock: FolderLock | None = None
        self._fds: dict[str, int] = {}
        self._anonymous = True
        self._staging: Path | None = None
        self._staging_made = False
        self._exchange = False

    def __enter__(self) -> BuildFolder:
        try:
            self.out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ExportError(f"cannot create {self.shown}: {err.strerror}") from err
        self._lock = FolderLock(self.out, timeout=self._lock_timeout)
        self._lock.acquire()
        try:
            _clean_previous(self.out, self._lock.previous)
            self._exchange = _can_exchange(self.out)
            build_id = secrets.token_hex(6)
            self._staging = (
                self.out.parent / f".{self.out.name}.{_STAGING_MARK}{build_id}"
                if self._exchange
                else self.out / f".{_STAGING_MARK}{build_id}"
            )
            self._lock.record(staging=str(self._staging))
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        for fd in self._fds.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds.clear()
        if self._staging_made and self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        if self._lock is not None:
            self._lock.release()

    def reserve(self, name: str) -> int:
        """A writable descriptor for output file ``name``: unnamed until :meth:`commit`."""
        if self._anonymous:
            fd = _anonymous_file(self.out)
            if fd is not None:
                self._fds[name] = fd
                return fd
            self._anonymous = False
            for earlier, fd in self._fds.items():  # unreachable in practice: same folder
                os.close(fd)
                self._fds[earlier] = self._named(earlier)
        self._fds[name] = self._named(name)
        return self._fds[name]

    def _named(self, name: str) -> int:
        staging = self._make_staging()
        try:
            return os.open(staging / name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except OSError as err:
            raise ExportError(f"cannot write {self.shown / name}: {err.strerror}") from err

    def _make_staging(self) -> Path:
        assert self._staging is not None, "use BuildFolder as a context manager"
        if not self._staging_made:
            try:
                self._staging.mkdir(mode=0o755)
            except OSError as err:
                raise ExportError(f"cannot write into {self.shown}: {err.strerror}") from err
            self._staging_made = True
        return self._staging

    def commit(self, digests: Mapping[str, tuple[int, str]]) -> None:
        """Put every reserved file in place at once, with a manifest listing them.

        Args:
            digests: File name -> (size, SHA-256 hex) of what was written into it.

        Raises:
            ExportError: a file could not be put in place; the folder holds the previous
                build (exchange), or the manifest is missing until the next build.
        """
        staging = self._make_staging()
        try:
            if self._anonymous:
                for name, fd in self._fds.items():
                    _link_descriptor(fd, staging / name)
            manifest = merged_manifest(self.out, digests)
            _write_file(staging / MANIFEST_NAME, manifest_bytes(manifest))
        except OSError as err:
            raise ExportError(f"cannot write into {self.shown}: {err.strerror}") from err
        for fd in self._fds.values():
            os.close(fd)
        self._fds.clear()
        if self._exchange and self._swap(staging):
            return
        self._rename_each(staging, [*digests, MANIFEST_NAME])

    def _swap(self, staging: Path) -> bool:
        """Exchange ``staging`` with the output folder; False when the system cannot."""
        assert self._lock is not None
        folders: list[str] = []
        try:
            for entry in os.scandir(self.out):
                if entry.name in (LOCK_NAME, MANIFEST_NAME) or os.path.lexists(
                    staging / entry.name
                ):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)  # cannot be hard-linked: moved just before
                elif entry.is_symlink():
                    os.symlink(os.readlink(entry.path), staging / entry.name)
                else:
                    os.link(entry.path, staging / entry.name, follow_symlinks=False)
            lock_fd = new_locked_file(staging / LOCK_NAME)
            self._lock.adopt(lock_fd)
            record = {"pid": os.getpid(), "staging": str(staging), "swapped": True}
            os.pwrite(lock_fd, json.dumps(record, sort_keys=True).encode(), 0)
            os.chmod(staging, os.stat(self.out).st_mode & 0o7777)
            if folders:  # a kill from here to the swap: the next build moves them back
                self._lock.record(staging=str(staging), moved=sorted(folders))
                for name in folders:
                    os.rename(self.out / name, staging / name)
            _sync(staging)
            if not _exchange(staging, self.out):
                _move_back(staging, self.out, folders)
                return False
        except OSError as err:
            _move_back(staging, self.out, folders)
            raise ExportError(f"cannot write into {self.shown}: {err.strerror}") from err
        _sync(self.out.parent)
        # ``staging`` is now the old folder: give back what appeared in it meanwhile.
        _restore_foreign(staging, self.out)
        shutil.rmtree(staging, ignore_errors=True)
        self._staging_made = False
        return True

    def _rename_each(self, staging: Path, names: list[str]) -> None:
        """Rename the staged files into place one by one, the manifest last."""
        try:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.out / MANIFEST_NAME)
            _sync(self.out)
            for name in names:
                os.replace(staging / name, self.out / name)
            _sync(self.out)
        except OSError as err:
            raise ExportError(f"cannot write into {self.shown}: {err.strerror}") from err
        shutil.rmtree(staging, ignore_errors=True)
        self._staging_made = False


def _anonymous_file(folder: Path) -> int | None:
    """An unnamed file in ``folder`` (freed by the kernel if never linked), or None."""
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not os.path.isdir("/proc/self/fd"):
        return None
    try:
        return os.open(folder, flag | os.O_RDWR | os.O_CLOEXEC, 0o644)
    except OSError as err:
        if err.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None
        raise ExportError(f"cannot write into {folder}: {err.strerror}") from err


_AT_SYMLINK_FOLLOW = 0x400


def _link_descriptor(fd: int, path: Path) -> None:
    """Give the unnamed file ``fd`` the name ``path`` (``linkat`` through ``/proc``).

    ``os.link`` calls ``link()``, which does not follow the ``/proc/self/fd`` magic link.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    source = f"/proc/self/fd/{fd}".encode()
    if libc.linkat(_AT_FDCWD, source, _AT_FDCWD, os.fsencode(path), _AT_SYMLINK_FOLLOW) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(path))


def _can_exchange(out: Path) -> bool:
    if not sys.platform.startswith("linux") or _renameat2() is None or os.path.ismount(out):
        return False
    try:
        same_device = os.stat(out).st_dev == os.stat(out.parent).st_dev
    except OSError:
        return False
    return same_device and os.access(out.parent, os.W_OK | os.X_OK)


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux); False when the filesystem cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _restore_foreign(old: Path, out: Path) -> None:
    """Move entries of the swapped-out folder that the new one lacks back into it."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(old):
            if entry.name in (LOCK_NAME, MANIFEST_NAME) or entry.name.startswith(
                f".{_STAGING_MARK}"
            ):
                continue
            if not os.path.lexists(out / entry.name):
                with contextlib.suppress(OSError):
                    os.rename(entry.path, out / entry.name)


def _clean_previous(out: Path, record: Mapping[str, object]) -> None:
    """Delete the staging folder a killed build recorded in the lock file, and only it."""
    staging = record.get("staging")
    if not isinstance(staging, str):
        return
    path = Path(staging)
    expected_parent = out.parent if path.name.startswith(f".{out.name}.") else out
    if (
        path.parent != expected_parent
        or _STAGING_MARK not in path.name
        or path.is_symlink()
        or not path.is_dir()
    ):
        return
    if record.get("swapped"):  # killed after the swap: the old folder, maybe a user's file
        _restore_foreign(path, out)
    else:  # killed before it: sub-folders of the output folder may wait there
        moved = record.get("moved")
        _move_back(path, out, [str(n) for n in moved] if isinstance(moved, list) else [])
    shutil.rmtree(path, ignore_errors=True)


def _move_back(staging: Path, out: Path, names: list[str]) -> None:
    """Return the sub-folders moved into ``staging`` to ``out`` (where it lacks them)."""
    for name in names:
        if "/" in name or name in ("", ".", ".."):
            continue
        if (staging / name).is_dir() and not os.path.lexists(out / name):
            with contextlib.suppress(OSError):
                os.rename(staging / name, out / name)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync(folder: Path) -> None:
    if hasattr(os, "O_DIRECTORY"):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
