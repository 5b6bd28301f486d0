"""Close the network to the SPARQL engine: defence in depth behind the query check.

:func:`kg.sparql.query.check_query` refuses ``SERVICE``, and the text it checks is the
text that runs. Should a parser disagreement ever slip a ``SERVICE`` past it anyway,
Oxigraph would make the HTTP request from Rust, out of reach of Python's audit hooks.
So the engine runs where no socket can be made:

- :func:`deny_sockets` installs a seccomp filter (through libseccomp, with the
  ``pyseccomp`` binding) on the calling thread and every thread it starts later:
  ``socket()`` and ``io_uring_setup()`` fail with ``EACCES``. Sockets that exist
  already (a worker's pipe to its server) keep working.
- :func:`leave_network` moves a whole process into a new, empty network namespace
  (where there is only a loopback interface that is down), when the kernel allows it.
- :func:`run_offline` runs one function in a thread under :func:`deny_sockets`: the
  filter ends with the thread, so the rest of the process keeps its network.

Both are best-effort on systems without seccomp or namespaces (they say whether they
took effect); the endpoint logs a warning when neither did.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["deny_sockets", "leave_network", "run_offline"]

log = logging.getLogger("kg.sparql.nonet")

T = TypeVar("T")

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def deny_sockets() -> bool:
    """Make ``socket()`` fail in the calling thread and the threads it starts; ``False`` if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for name in ("socket", "io_uring_setup"):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), name)
        rules.load()
    except (ImportError, OSError, RuntimeError, ValueError) as err:
        log.warning("cannot close the network with seccomp: %s", err)
        return False
    return True


def leave_network() -> bool:
    """Move this process into a new, empty network namespace; ``False`` if the kernel refuses.

    Call it while the process has a single thread (a new user namespace needs that).
    """
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    for flags in (_CLONE_NEWNET, _CLONE_NEWUSER | _CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


def run_offline(fn: Callable[[], T]) -> T:
    """``fn()`` run in a thread that cannot make sockets (see :func:`deny_sockets`).

    Exceptions are raised again in the caller. Without seccomp, ``fn`` still runs (in
    that thread) and the query check remains the only guard.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        deny_sockets()
        try:
            outcome.append(fn())
        except BaseException as err:  # handed to the caller below
            failure.append(err)

    thread = threading.Thread(target=target, name="kg-sparql-offline", daemon=True)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]
