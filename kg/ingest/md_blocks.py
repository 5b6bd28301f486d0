"""CommonMark block tokens -> the places of a list that may be entries, and its headings.

Candidates come from the token tree, never from line patterns: every list item (with
all its paragraphs; nested items kept as its children), every paragraph outside lists,
every row of a GFM table (with the table's header names), every row of an HTML table,
and every heading below the top two levels that links out of the page (lists that give
each paper a ``####`` heading). An HTML table that blank lines cut into several HTML blocks is read whole from
the source lines. Inline content is not parsed here: blocks keep their inline tokens,
parsed later in batches (possibly in worker processes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kg.ingest.html_tables import read_html_tables
from kg.ingest.pieces import Block, Candidate

__all__ = ["HeadingRef", "collect"]


@dataclass
class HeadingRef:
    """A heading before inline parsing: level, inline token, line."""

    level: int
    inline: Any
    line: int


def _header_text(source: str) -> str:
    """A header cell's words: its inline source without emphasis, code or link marks."""
    return " ".join(re.sub(r"[*_`#]|<[^>]*>|\]\([^)]*\)|[\[\]]", " ", source).split())


#: A link out of the page in a heading's Markdown or HTML source.
_LINK_OUT = re.compile(r"\]\(\s*<?https?://|href\s*=\s*[\"']?https?://", re.I)


def _may_be_entry(level: int, source: str) -> bool:
    """Whether a heading may be a list's entry: below the top two levels, linking out."""
    return level >= 3 and _LINK_OUT.search(source) is not None


def _line(token: Any) -> int:
    return (token.map[0] + 1) if token.map else 1


def _html_table_source(tokens: list[Any], start: int, lines: list[str]) -> tuple[str, int]:
    """The whole ``<table>`` an HTML block opens, and the index of the first token after it."""
    first = tokens[start].map[0]
    end = first
    while end < len(lines) and "</table" not in lines[end].casefold():
        end += 1
    source = "\n".join(lines[first : end + 1])
    index = start + 1
    while index < len(tokens) and (tokens[index].map is None or tokens[index].map[0] <= end):
        index += 1
    return source, index


def collect(tokens: list[Any], lines: list[str]) -> tuple[list[Candidate], list[HeadingRef]]:
    """Candidates and headings of a document, in document order."""
    candidates: list[Candidate] = []
    headings: list[HeadingRef] = []
    linked: set[int] = set()  # the headings that may be entries
    items: list[Candidate] = []
    section = -1
    columns: list[str] = []
    header_inlines: list[Any] = []
    row: Candidate | None = None
    in_head = False
    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind == "heading_open":
            level, inline = int(token.tag[1:]), tokens[index + 1]
            if not items and _may_be_entry(level, inline.content):
                # "#### [Title](url)" then "CCS 2016": a heading that links out may be an
                # entry, under the section above it that is no such heading (it is a
                # section too, for what follows it)
                parent = next(
                    (
                        i
                        for i in range(len(headings) - 1, -1, -1)
                        if headings[i].level < level and i not in linked
                    ),
                    -1,
                )
                linked.add(len(headings))
                candidates.append(
                    Candidate(
                        _line(token),
                        "heading",
                        [Block(_line(token), inline=inline)],
                        section=parent,
                    )
                )
            headings.append(HeadingRef(level, inline, _line(token)))
            section = len(headings) - 1
            index += 3
            continue
        if kind == "list_item_open":
            item = Candidate(_line(token), "item", section=section, depth=len(items))
            (items[-1].children if items else candidates).append(item)
            items.append(item)
        elif kind == "list_item_close" and items:
            items.pop()
        elif kind == "thead_open":
            in_head, header_inlines = True, []
        elif kind == "thead_close":
            in_head = False
            columns = [_header_text(t.content) for t in header_inlines]
        elif kind == "tr_open" and not in_head:
            row = Candidate(_line(token), "row", section=section)
            row.columns = tuple(columns)
            candidates.append(row)
        elif kind == "inline" and tokens[index - 1].type in {"th_open", "td_open"}:
            if in_head:
                header_inlines.append(token)
            elif row is not None:
                row.blocks.append(Block(row.line, inline=token, cell=len(row.blocks)))
        elif kind == "inline" and tokens[index - 1].type == "paragraph_open":
            block = Block(_line(token), inline=token)
            if items:
                items[-1].blocks.append(block)
            else:
                candidates.append(Candidate(block.line, "paragraph", [block], section=section))
        elif kind == "html_block":
            index = _html_block(tokens, index, lines, items, candidates, section)
            continue
        index += 1
    return candidates, headings


def _html_block(
    tokens: list[Any],
    index: int,
    lines: list[str],
    items: list[Candidate],
    candidates: list[Candidate],
    section: int,
) -> int:
    token = tokens[index]
    content = token.content
    following = index + 1
    lowered = content.casefold()
    if "<table" in lowered and "</table" not in lowered and token.map:
        content, following = _html_table_source(tokens, index, lines)
        lowered = content.casefold()
    if "<tr" in lowered:
        found = read_html_tables(content, line=_line(token))
        for html_row, names in found.rows:
            row = Candidate(html_row.line, "row", section=section, columns=names)
            row.blocks = [
                Block(html_row.line, pieces=cell, cell=i) for i, cell in enumerate(html_row.cells)
            ]
            candidates.append(row)
        return following
    block = Block(_line(token), html=content)
    if items:
        items[-1].blocks.append(block)
    else:
        candidates.append(Candidate(block.line, "paragraph", [block], section=section))
    return following
