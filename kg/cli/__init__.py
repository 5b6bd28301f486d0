"""The ``kg`` command: a thin layer over the library.

Each command reads its options, makes one library call, and prints or writes. Library
errors (:class:`kg.errors.KgError`) become ``Error: <message>`` on stderr and exit code
1 through :func:`kg.cli.app.handle_errors`; anything else is a bug and shows its
traceback. Heavy libraries are imported inside the commands, so ``kg --help`` is fast.
One module per command group; importing it registers its commands on :data:`app`.
"""

from kg.cli import build, lineage, query, serve, stats, viz  # noqa: F401  (registers the commands)
from kg.cli.app import app

__all__ = ["app"]
