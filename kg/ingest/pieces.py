"""The reader's intermediate form: an entry as a flat run of styled text pieces.

Markdown inline tokens and HTML fragments (``<b>``, ``<a href>``, ``<br>``, ``<img>``)
both become :class:`Piece` objects, so that the field recogniser
(:mod:`kg.ingest.entry_fields`) reads one shape whatever the list was written in. A piece
knows its text, its style (bold, italic, code), the link it sits in, whether it is an
image (badges), the table column it came from, and its source line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Block", "Candidate", "Piece", "plain_text"]


@dataclass(slots=True)
class Piece:
    """One run of text with one style, or a line break, or an image."""

    text: str
    line: int
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    link: int = -1  # pieces of one link share this number
    image: str | None = None  # an image's src; ``text`` is its alt text
    brk: bool = False  # a line break (soft, hard, ``<br>``, a new block)
    cell: int = -1  # the table column the piece came from


@dataclass(slots=True)
class Block:
    """A block of an entry before inline parsing: Markdown inline source or raw HTML.

    ``inline`` is markdown-it's inline token (its children are filled by inline parsing,
    possibly in another process); ``html`` is an HTML fragment; ``pieces`` content read
    already (HTML table cells); ``cell`` a table column.
    """

    line: int
    inline: object | None = None
    html: str | None = None
    pieces: list[Piece] | None = None
    cell: int = -1


@dataclass(slots=True)
class Candidate:
    """One place of a list that may be a paper entry, with what is around it.

    Attributes:
        line: First source line (1-based).
        kind: ``item`` (list item), ``paragraph``, ``row`` (table row), ``html-row`` or
            ``heading`` (a heading that links out).
        blocks: Its content, in document order, before inline parsing.
        section: Index of the heading it stands under (-1: none).
        columns: For table rows, the header text of each column.
        children: Nested list items (for ``item``), read as part of the entry when they
            carry no entry of their own.
        depth: List nesting depth (0 for paragraphs and rows).
    """

    line: int
    kind: str
    blocks: list[Block] = field(default_factory=list)
    section: int = -1
    columns: tuple[str, ...] = ()
    children: list[Candidate] = field(default_factory=list)
    depth: int = 0
    #: Its pieces once made (:func:`kg.ingest.entries` reads a candidate ahead too).
    made: list[Piece] | None = None


def plain_text(pieces: list[Piece]) -> str:
    """The visible text of pieces, breaks as spaces, whitespace collapsed."""
    return " ".join("".join(" " if p.brk else p.text for p in pieces).split())
