"""The one error hierarchy of LineageKG.

Every error the library raises on purpose is a :class:`KgError`; its ``str()`` is a
sentence a user can act on. The CLI turns a ``KgError`` into ``Error: <message>`` and
exit code 1; any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "CurationError",
    "ExportError",
    "FocusError",
    "IngestError",
    "KgError",
    "ParseError",
    "QueryError",
    "UnsupportedAttributeError",
    "WorkLookupError",
    "WorkerError",
]


class KgError(Exception):
    """Base class of every error LineageKG raises deliberately."""


class IngestError(KgError):
    """An input could not be read."""


class ParseError(IngestError):
    """An input is malformed at a known place.

    Args:
        message: What is wrong, in the user's terms.
        source: The file (or a name for in-memory text) the input came from.
        line: 1-based line number, when known.
        column: 1-based column, when known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | Path,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.source = str(source)
        self.line = line
        self.column = column
        super().__init__(self.location() + ": " + message)

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments: the default pickling (``cls(*args)``) cannot rebuild it,
        # and errors cross process boundaries in parallel builds (kg.runtime.workers).
        return _rebuild, (type(self), self.message, self.source, self.line, self.column)

    def location(self) -> str:
        """``file:line[:col]`` as editors and compilers print it."""
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where


def _rebuild(
    cls: type[ParseError], message: str, source: str, line: int | None, column: int | None
) -> ParseError:
    return cls(message, source=source, line=line, column=column)


class CurationError(ParseError):
    """Curated data (``data/*.yaml``) is inconsistent: an unknown reference, a cycle, a duplicate."""


class QueryError(KgError):
    """A SPARQL query is malformed, refused, or failed."""


class ExportError(KgError):
    """An export could not be written."""


class FocusError(KgError):
    """A name given to focus a view on matches no node, or several (the message lists them)."""


class UnsupportedAttributeError(ExportError):
    """A graph attribute cannot be represented in the target format."""


class WorkLookupError(KgError):
    """A name given to find a paper or method matches none, or several (the message lists them)."""


class WorkerError(KgError):
    """A process running part of a build died or could not send its result back."""
