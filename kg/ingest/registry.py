"""One registry of input formats: a file suffix or a format name -> its reader.

Every input of a build goes through :func:`read_input`, so a new format is one entry
here (rdflib's plugin table in miniature). Readers are imported only when a file of
their format is read: a build of Markdown lists never imports the BibTeX parser.

Each reader is ``read_<format>(path, *, jobs=None) -> ListDocument``.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kg.errors import IngestError

if TYPE_CHECKING:
    from kg.ingest.markdown import ListDocument

__all__ = ["FORMATS", "Format", "clear_reader_caches", "format_for", "read_input", "reader_for"]

Reader = Callable[..., "ListDocument"]


class Format(NamedTuple):
    """A registered input format: its name, the suffixes it claims, where its reader is."""

    name: str
    suffixes: tuple[str, ...]
    module: str
    function: str


#: Every input format, in the order messages name them. Longer suffixes are tried first.
FORMATS: tuple[Format, ...] = (
    Format("markdown", (".md", ".markdown"), "kg.ingest.markdown", "read_markdown"),
    Format("bibtex", (".bib", ".bibtex"), "kg.ingest.bibtex", "read_bibtex"),
    Format("csl-json", (".csl.json", ".json"), "kg.ingest.csl_json", "read_csl_json"),
)


def _known() -> str:
    return "; ".join(f"{f.name} ({', '.join(f.suffixes)})" for f in FORMATS)


def format_for(path: str | Path, *, name: str | None = None) -> Format:
    """The format of ``path``, from ``name`` when given, else from its suffix.

    >>> format_for("refs.BIB").name, format_for("zotero.csl.json").name
    ('bibtex', 'csl-json')
    >>> format_for("notes.txt")
    Traceback (most recent call last):
    kg.errors.IngestError: notes.txt: unknown input format '.txt'; known formats: markdown (.md, .markdown); bibtex (.bib, .bibtex); csl-json (.csl.json, .json)

    Raises:
        IngestError: the name or suffix is not a registered format.
    """
    if name is not None:
        for fmt in FORMATS:
            if fmt.name == name.lower():
                return fmt
        raise IngestError(f"{path}: unknown input format {name!r}; known formats: {_known()}")
    lowered = Path(path).name.lower()
    claims = sorted(
        ((suffix, fmt) for fmt in FORMATS for suffix in fmt.suffixes),
        key=lambda item: -len(item[0]),
    )
    for suffix, fmt in claims:
        if lowered.endswith(suffix):
            return fmt
    shown = Path(path).suffix or "(no suffix)"
    raise IngestError(f"{path}: unknown input format {shown!r}; known formats: {_known()}")


def reader_for(path: str | Path, *, name: str | None = None) -> Reader:
    """The reader function of ``path``'s format (see :func:`format_for`)."""
    fmt = format_for(path, name=name)
    reader: Reader = getattr(import_module(fmt.module), fmt.function)
    return reader


def read_input(
    path: str | Path, *, format: str | None = None, jobs: int | None = None
) -> ListDocument:
    """Read one input file with the reader its suffix (or ``format``) names.

    Raises:
        IngestError: unknown format, or the file cannot be read.
        ParseError: the file is malformed (the message names file and line).
    """
    return reader_for(path, name=format)(path, jobs=jobs)


def clear_reader_caches() -> None:
    """Forget what the readers memoised (parsed names, dates, links, ...) once every input is read.

    The readers keep bounded caches of their small parses (``functools.lru_cache``: a
    list repeats its authors, venues and link shapes); they hold tens of MB after a
    large list, for nothing once reading is done.
    """
    import functools
    import sys

    for name, module in list(sys.modules.items()):
        if name.startswith("kg.ingest.") and module is not None:
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
