"""The ``kg`` command: a thin layer over the library.

Each command reads its options, makes one library call, and prints or writes. Library
errors (:class:`kg.errors.KgError`) become ``Error: <message>`` on stderr and exit code
1 through :func:`kg.cli.app.handle_errors`; anything else is a bug and shows its
traceback. Heavy libraries are imported inside the commands, so ``kg --help`` is fast.
One module per command group; importing it registers its commands on :data:`app`.
"""

import logging
import os
import sys

from kg.cli import build, init, lineage, lint, query, serve, stats, viz  # noqa: F401  (registers the commands)
from kg.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """The ``kg`` console script: run the command, then leave without freeing the heap.

    A large build leaves tens of millions of objects alive at the end; the interpreter
    would free them one by one on the way out (seconds at 100,000 papers) although the
    operating system takes the memory back at once. So once the command has returned,
    output is flushed and the process ends with the command's exit code. Every store
    LineageKG opens lives in memory, and the package registers no exit handlers.
    """
    try:
        app()
    except SystemExit as done:
        code = done.code
    else:
        code = 0
    if not isinstance(code, int):
        if code is not None:
            print(code, file=sys.stderr)
        code = 0 if code is None else 1
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
