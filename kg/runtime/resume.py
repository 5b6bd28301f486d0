"""An :class:`~kg.runtime.workers.Afresh` task, in a child re-executed as a new interpreter.

A forked child replaces itself by a new Python (:func:`kg.runtime.workers._resume_afresh`),
which comes here with two file descriptors: an unnamed file holding the child's
``sys.path`` then the task, pickled, and the pipe its parent reads. The answer on the
pipe is what any forked child sends (``("ok", result)`` or ``("error", exception)``,
pickled, by :func:`kg.runtime.workers._answer`), so the parent cannot tell the
difference, except in the memory the child holds.
"""

from __future__ import annotations

import os
import pickle
import sys


def main(argv: list[str] | None = None) -> None:
    """Run the pickled task and answer on the pipe; never returns."""
    from kg.runtime.workers import _answer

    args = sys.argv[2:] if argv is None else argv
    payload_fd, write_fd = int(args[0]), int(args[1])
    code = 0
    try:
        with os.fdopen(payload_fd, "rb") as payload:
            sys.path[:] = pickle.load(payload)  # noqa: S301 - written by our own parent
            task = pickle.load(payload)  # noqa: S301
        _answer(write_fd, task)
    except BaseException:  # noqa: BLE001 - the parent sees the exit code
        code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
