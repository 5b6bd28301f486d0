"""HTML tables inside Markdown lists -> rows of cells, each cell a run of pieces.

Some lists write their entries as raw HTML tables (``<table><tr><td>Name</td>...
<td><a href="...">Paper</a></td></tr>``), which CommonMark passes through untouched as
HTML blocks. They are read with the standard library's HTML tokenizer; a row's line is
the line of its ``<tr>``, and a header row (``<th>`` cells, or a ``<thead>``) names the
columns. Text outside the table cells is not part of any row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.ingest.inline import HtmlFeeder, PieceBuilder
from kg.ingest.pieces import Piece, plain_text

__all__ = ["HtmlRow", "HtmlTables", "read_html_tables"]


@dataclass
class HtmlRow:
    """One ``<tr>``: its line, its cells' pieces, and whether it is a header row."""

    line: int
    cells: list[list[Piece]] = field(default_factory=list)
    spans: list[int] = field(default_factory=list)
    header: bool = False


@dataclass
class HtmlTables:
    """What an HTML block holds: its table rows, each with the column names in force."""

    rows: list[tuple[HtmlRow, tuple[str, ...]]] = field(default_factory=list)


class _TableFeeder(HtmlFeeder):
    def __init__(self, line: int) -> None:
        self.base = line
        self.loose = PieceBuilder(line)
        super().__init__(self.loose)
        self.rows: list[HtmlRow] = []
        self.row: HtmlRow | None = None
        self.in_head = 0

    def _line(self) -> int:
        return self.base + self.getpos()[0] - 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "thead":
            self.in_head += 1
        elif tag == "tr":
            self.row = HtmlRow(self._line(), header=self.in_head > 0)
            self.rows.append(self.row)
            self.builder = self.loose
        elif tag in {"td", "th"} and self.row is not None:
            if tag == "th":
                self.row.header = True
            self.builder = PieceBuilder(self._line(), cell=len(self.row.cells))
            self.row.cells.append(self.builder.pieces)
            span = dict(attrs).get("colspan") or "1"
            self.row.spans.append(int(span) if span.isdigit() and 0 < int(span) <= 50 else 1)
        else:
            super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self.in_head = max(0, self.in_head - 1)
        elif tag in {"td", "th"}:
            self.builder = self.loose
        elif tag == "tr":
            self.row = None
            self.builder = self.loose
        else:
            super().handle_endtag(tag)


def read_html_tables(html: str, *, line: int) -> HtmlTables:
    """Rows of the tables in ``html`` (body rows with the header names in force)."""
    feeder = _TableFeeder(line)
    feeder.feed(html)
    feeder.close()
    found = HtmlTables()
    columns: tuple[str, ...] = ()
    previous_header = False
    for number, row in enumerate(feeder.rows):
        if row.header or _all_bold(row) or (number == 0 and _plain_labels(row)):
            if not previous_header:  # the first of several header rows names the columns
                columns = tuple(
                    name
                    for cell, span in zip(row.cells, row.spans, strict=True)
                    for name in [plain_text(cell)] * span
                )
            previous_header = True
        elif any(plain_text(cell) for cell in row.cells):
            found.rows.append((row, columns))
            previous_header = False
    return found


def _plain_labels(row: HtmlRow) -> bool:
    """A first row of short, unlinked cells is a header row written with plain ``<td>``."""
    cells = [plain_text(cell) for cell in row.cells]
    linked = any(p.href is not None for cell in row.cells for p in cell)
    return not linked and all(len(c.split()) <= 4 for c in cells) and sum(map(bool, cells)) >= 2


def _all_bold(row: HtmlRow) -> bool:
    """A row of bold, unlinked cells is a header row written with ``<td><strong>``."""
    texts = [p for cell in row.cells for p in cell if p.text.strip() or p.image is not None]
    return bool(texts) and all(p.bold and p.href is None for p in texts)
