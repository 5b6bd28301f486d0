"""Markdown inline tokens and HTML fragments -> :class:`~kg.ingest.pieces.Piece` runs.

Lists mix Markdown and HTML freely inside one entry (``**Title** <br> <sup>*A, B*</sup>``,
``<a href="..."><img src="github.svg"></a>``, ``<b>1.1 Heading</b>``), so both are fed
to one :class:`PieceBuilder`: Markdown through markdown-it-py's inline tokens, HTML
through the standard library's incremental :class:`html.parser.HTMLParser` (a real
tokenizer: attributes, entities, comments and broken tags are its job, not ours).
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from kg.ingest.latex import latex_accents
from kg.ingest.pieces import Piece

__all__ = ["HtmlFeeder", "PieceBuilder", "html_pieces", "inline_pieces"]

_BREAK_TAGS = {"br", "p", "div", "li", "tr", "hr", "details", "summary", "ul", "ol", "table"}
_BOLD_TAGS = {"b", "strong"}
_ITALIC_TAGS = {"i", "em", "cite"}
_SKIP_TAGS = {"script", "style"}


class PieceBuilder:
    """Collects pieces while styles and links open and close around text."""

    def __init__(self, line: int, cell: int = -1) -> None:
        self.pieces: list[Piece] = []
        self.line = line
        self.cell = cell
        self.bold = 0
        self.italic = 0
        self.links: list[tuple[str, int]] = []
        self._next_link = 0

    def text(self, text: str, *, code: bool = False) -> None:
        """Add visible text in the current style."""
        if not text:
            return
        if not code:
            text = latex_accents(text)
        href, link = self.links[-1] if self.links else (None, -1)
        self.pieces.append(
            Piece(
                text,
                self.line,
                bold=self.bold > 0,
                italic=self.italic > 0,
                code=code,
                href=href,
                link=link,
                cell=self.cell,
            )
        )

    def brk(self, *, newline: bool = True) -> None:
        """A line break; ``newline`` moves the line number on (soft and hard breaks)."""
        if newline:
            self.line += 1
        if self.pieces and not self.pieces[-1].brk:
            self.pieces.append(Piece("", self.line, brk=True, cell=self.cell))

    def image(self, alt: str, src: str) -> None:
        """An image (a badge or an icon): its alt text and source."""
        href, link = self.links[-1] if self.links else (None, -1)
        self.pieces.append(
            Piece(alt, self.line, href=href, link=link, image=src or "", cell=self.cell)
        )

    def open_link(self, href: str) -> None:
        """Start a link; pieces until :meth:`close_link` belong to it."""
        self.links.append((href, self._next_link))
        self._next_link += 1

    def close_link(self) -> None:
        """End the innermost open link."""
        if self.links:
            self.links.pop()


class HtmlFeeder(HTMLParser):
    """Feeds HTML tags and text into a :class:`PieceBuilder`, one fragment at a time."""

    def __init__(self, builder: PieceBuilder) -> None:
        super().__init__(convert_charrefs=True)
        self.builder = builder
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A start tag: a style, a link, an image or a break begins."""
        b = self.builder
        values = {k: v or "" for k, v in attrs}
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BREAK_TAGS:
            b.brk(newline=False)
        elif tag in _BOLD_TAGS:
            b.bold += 1
        elif tag in _ITALIC_TAGS:
            b.italic += 1
        elif tag == "a":
            b.open_link(values.get("href", ""))
        elif tag == "img":
            b.image(values.get("alt", ""), values.get("src", ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closing tag (``<br/>``, ``<img/>``)."""
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.builder.close_link()

    def handle_endtag(self, tag: str) -> None:
        """An end tag: the style or link it opened ends."""
        b = self.builder
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BOLD_TAGS:
            b.bold = max(0, b.bold - 1)
        elif tag in _ITALIC_TAGS:
            b.italic = max(0, b.italic - 1)
        elif tag == "a":
            b.close_link()
        elif tag in {"p", "div", "li", "summary", "td", "th"}:
            b.brk(newline=False)

    def handle_data(self, data: str) -> None:
        """Text between tags (entities already decoded)."""
        if not self.skipping:
            self.builder.text(data)


def inline_pieces(token: Any, *, line: int, cell: int = -1) -> list[Piece]:
    """The pieces of one markdown-it inline token (its children must be parsed)."""
    builder = PieceBuilder(line, cell)
    feeder = HtmlFeeder(builder)
    for child in token.children or ():
        kind = child.type
        if kind == "text":
            if not feeder.skipping:  # the text of an inline <script> or <style> is no text
                builder.text(child.content)
        elif kind == "code_inline":
            builder.text(child.content, code=True)
        elif kind == "softbreak" and (builder.bold or builder.italic):
            # a line wrapped inside emphasis ('"**R-FCN: Object Detection via' / 'Region-based
            # ...**"') goes on: the emphasis has not closed, so no entry ends there
            builder.line += 1
            builder.text(" ")
        elif kind in {"softbreak", "hardbreak"}:
            builder.brk()
        elif kind == "link_open":
            builder.open_link(str(child.attrs.get("href", "")))
        elif kind == "link_close":
            builder.close_link()
        elif kind == "strong_open":
            builder.bold += 1
        elif kind == "strong_close":
            builder.bold = max(0, builder.bold - 1)
        elif kind == "em_open":
            builder.italic += 1
        elif kind == "em_close":
            builder.italic = max(0, builder.italic - 1)
        elif kind == "image":
            builder.image(child.content, str(child.attrs.get("src", "")))
        elif kind == "html_inline":
            feeder.feed(child.content)
    feeder.close()
    return builder.pieces


def html_pieces(html: str, *, line: int, cell: int = -1) -> list[Piece]:
    """The pieces of an HTML fragment (comments and scripts are not text)."""
    builder = PieceBuilder(line, cell)
    feeder = HtmlFeeder(builder)
    feeder.feed(html)
    feeder.close()
    return builder.pieces
