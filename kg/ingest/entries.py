"""A candidate -> papers (or skips with reasons), with its sub-items and its section.

This is where the reader decides. A candidate's blocks become pieces; a paragraph or
item that holds several entries on separate lines (each line starting the same way and
naming a title) is split; each entry is recognised (:mod:`kg.ingest.entry_fields`) and
judged. A list item's sub-items that carry no entry of their own (an authors line, a
description, links) are read as part of it; sub-items that are entries stand alone.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from kg.ingest.entry_fields import Reading, recognise
from kg.ingest.entry_text import LETTER
from kg.ingest.hybrid_labels import CategoryIndex, subjects_of
from kg.ingest.inline import html_pieces, inline_pieces
from kg.ingest.links import host_of, is_generic_label
from kg.ingest.pieces import Candidate, Piece, plain_text
from kg.ingest.sections import Section
from kg.ingest.venues import is_known_venue, year_in_url
from kg.model import Category, Diagnostic, Link, LinkKind, Paper, Skip, SourceRef, YearSource
from kg.text import slugify

__all__ = [
    "EntryContext",
    "attach_links",
    "join_split_items",
    "may_attach",
    "may_continue",
    "read_candidate",
]

Event = Paper | Skip | Diagnostic | int
_PLACEHOLDERS = {"title", "paper title", "paper name", "name", "your paper", "paper"}
_STRONG_CUES = {"table", "bold-link", "quoted", "link", "bold"}
_BROKEN_LINK = re.compile(r"\[+[^\[\]\n]*\]+\([^)\n]*\)?")
_THIS_YEAR = datetime.date.today().year
#: A title that links to one of these is no paper unless the entry also links one.
_NOT_PAPER_KINDS = {
    LinkKind.CODE: "repository or tool (code link only)",
    LinkKind.DATASET: "dataset or model page without a paper",
    LinkKind.MODEL: "dataset or model page without a paper",
    LinkKind.BLOG: "blog post or video",
    LinkKind.VIDEO: "blog post or video",
}


@dataclass
class EntryContext:
    """What every entry of one list shares: where it comes from and its sections."""

    source: str
    list_key: str
    sections: list[Section]
    categories: dict[str, Category] = field(default_factory=dict)

    @functools.cached_property
    def category_index(self) -> CategoryIndex:
        """The categories indexed for hybrid labels, built once per list (and process)."""
        return CategoryIndex(self.categories)


def _pieces(candidate: Candidate) -> list[Piece]:
    if candidate.made is None:
        candidate.made = _make_pieces(candidate)
    return candidate.made


def _make_pieces(candidate: Candidate) -> list[Piece]:
    pieces: list[Piece] = []
    for block in candidate.blocks:
        if pieces:
            pieces.append(Piece("", block.line, brk=True, cell=block.cell))
        if block.pieces is not None:
            pieces.extend(block.pieces)
        elif block.inline is not None:
            pieces.extend(inline_pieces(block.inline, line=block.line, cell=block.cell))
        elif block.html is not None:
            pieces.extend(html_pieces(block.html, line=block.line, cell=block.cell))
    return pieces


def _excerpt(pieces: list[Piece]) -> str:
    text = plain_text(pieces)
    return text if len(text) <= 120 else text[:117] + "..."


def _signature(line: list[Piece]) -> tuple[object, ...]:
    first = next((p for p in line if p.text.strip() or p.image is not None), None)
    if first is None:
        return ()
    lead = first.text.lstrip()[:1]
    return (
        first.link >= 0,
        first.image is not None,
        first.bold,
        first.italic,
        lead if lead in "[(*|-#" else "a",
    )


def _has_title_cue(line: list[Piece]) -> bool:
    links: dict[int, str] = {}
    for p in line:
        if p.link >= 0:
            links[p.link] = links.get(p.link, "") + p.text
        elif p.bold and len(p.text.split()) >= 2:
            return True
    return any(not is_generic_label(label) for label in links.values())


def split_entries(pieces: list[Piece]) -> list[list[Piece]]:
    """Several entries written on the lines of one paragraph or item, apart."""
    lines: list[list[Piece]] = [[]]
    for piece in pieces:
        if piece.brk:
            lines.append([])
        lines[-1].append(piece)
    if len(lines) < 2:
        return [pieces]
    first = _signature(lines[0])
    starts = [
        i
        for i, line in enumerate(lines)
        if first and _signature(line) == first and _has_title_cue(line)
    ]
    if len(starts) < 2 or starts[0] != 0:
        return [pieces]
    groups = []
    for a, b in zip(starts, [*starts[1:], len(lines)], strict=True):
        group = [p for line in lines[a:b] for p in line]
        while group and group[0].brk:
            group = group[1:]
        groups.append(group)
    return groups


def _only_anchors(pieces: list[Piece]) -> bool:
    """Whether every link points into a page (``#section``, a repository's README anchors)."""
    hrefs = [p.href or "" for p in pieces if p.link >= 0]
    return bool(hrefs) and all(
        h.startswith("#") or re.match(r"^https?://github\.com/[^/#]+/[^/#]+/?#", h) for h in hrefs
    )


def _line_of(pieces: list[Piece], default: int) -> int:
    return next((p.line for p in pieces if not p.brk), default)


def _known_venue(reading: Reading) -> bool:
    """Whether the entry names a venue of the venue table (``CVPR``), or one in a badge.

    Unlinked text followed by an unknown name and a year (``..., Microsoft 2023``) is
    no sign of a paper; the same name in a badge that opens the entry (``(PNAS 17)``)
    or a known venue anywhere is.
    """
    venue = reading.venue
    if venue.venue is None:
        return False
    return reading.venue_badge or is_known_venue(venue.venue_as_written or venue.venue)


def _judge(reading: Reading) -> str | None:
    """Why the reading is no paper, or ``None`` when it is one."""
    if not reading.title:
        return "no title found"
    if reading.title.casefold() in _PLACEHOLDERS:
        return "example entry (placeholder title)"  # "Example: [Venue'year] [Title](link)"
    kinds = {kind for kind, _, _ in reading.links}
    if reading.paper_link or reading.arxiv_id or reading.doi:
        return None
    if reading.authors and reading.title_link_kind not in _NOT_PAPER_KINDS:
        return None
    if reading.title_link_kind in {LinkKind.VIDEO, LinkKind.BLOG}:
        # a venue beside a title that links a video or a post ("[The Trouble with
        # Bias](youtube), NeurIPS 2017") is where a talk was given; a title linking its
        # code repository beside a venue still names a paper
        return _NOT_PAPER_KINDS[reading.title_link_kind]
    website_only = kinds == {LinkKind.HOMEPAGE} and reading.title_link_kind is None
    if reading.venue.venue and reading.title_cue in _STRONG_CUES and not website_only:
        return None  # a named work at a venue; a venue and a [[website]] alone is an event
    if reading.title_cue == "table" and reading.venue.venue and reading.year is not None:
        return None  # a row dated at a venue in its own column: a paper, whatever it links
    if not kinds and reading.year is not None and _known_venue(reading):
        return None  # "(CVPR 17) Title", "Title, ICML 2018": unlinked, but dated at a venue
    if reading.title_link_kind in _NOT_PAPER_KINDS and not (
        reading.paper_link or reading.arxiv_id or reading.doi
    ):
        return _NOT_PAPER_KINDS[reading.title_link_kind]
    if kinds and kinds <= {LinkKind.CODE}:
        return "repository or tool (code link only)"
    if kinds and kinds <= {LinkKind.DATASET, LinkKind.MODEL, LinkKind.CODE}:
        return "dataset or model page without a paper"
    if kinds and kinds <= {LinkKind.BLOG, LinkKind.VIDEO, LinkKind.CODE}:
        return "blog post or video"
    if kinds:
        hosts = sorted({host_of(url) for _, url, _ in reading.links})
        return f"web page without paper evidence ({', '.join(hosts[:2])})"
    return "no paper evidence (no paper link, authors or venue)"


def _paper(reading: Reading, section: Section | None, context: EntryContext) -> list[Event]:
    events: list[Event] = []
    where = SourceRef(file=context.source, line=reading.line)
    events.extend(
        Diagnostic(source=SourceRef(file=context.source, line=line), message=m)
        for line, m in reading.warnings
    )
    if reading.venue.correction:
        events.append(Diagnostic(source=where, message=reading.venue.correction))
    assert reading.title is not None
    year, month, year_source = reading.year, reading.month, YearSource.LIST
    if year is None and section is not None and section.year is not None:
        year = section.year
    if year is None and reading.arxiv_id:
        arxiv_year = 2000 + int(reading.arxiv_id[:2])
        if 2007 <= arxiv_year <= _THIS_YEAR + 1:
            year, month, year_source = arxiv_year, int(reading.arxiv_id[2:4]), YearSource.ARXIV_ID
    warned = False
    for _, url, _ in reading.links:
        filed = year_in_url(url)
        if filed is not None and year is not None and filed != year and not warned:
            events.append(
                Diagnostic(
                    source=where,
                    message=f"year {year} disagrees with link filed under {filed}: {url}",
                )
            )
            warned = True
    warn: list[Diagnostic] = []
    subjects, hybrid = subjects_of(reading, section, context, warn)
    events.extend(warn)
    venue = reading.venue
    fields: dict[str, Any] = {
        "key": reading.arxiv_id or slugify(reading.title),
        "title": reading.title,
        "year": year,
        "month": month if year is not None else None,
        "year_source": year_source if year is not None else None,
        "venue": venue.venue,
        "venue_as_written": venue.venue_as_written if venue.venue else None,
        "track": venue.track if venue.venue else None,
        "presentation": venue.presentation if venue.venue else None,
        "categories": subjects,
        "hybrid_label": hybrid,
        "authors": reading.authors,
        "authors_truncated": reading.truncated,
        "links": tuple(Link(kind=k, url=u, label=lab) for k, u, lab in reading.links),
        "arxiv_id": reading.arxiv_id,
        "doi": reading.doi,
        "list_key": context.list_key,
        "source": where,
    }
    try:
        events.append(Paper(**fields))
    except ValidationError as err:
        first = err.errors()[0]
        field_name = ".".join(str(p) for p in first["loc"])
        message = f"entry {reading.title!r} not read: {field_name}: {first['msg']}"
        events.append(Diagnostic(source=where, message=message))
        events.append(Skip(source=where, reason=f"invalid {field_name}", text=reading.title[:120]))
    return events


def _broken_links(pieces: list[Piece], context: EntryContext) -> Iterator[Diagnostic]:
    for piece in pieces:
        if piece.link < 0 and piece.image is None:
            for broken in _BROKEN_LINK.findall(piece.text):
                message = f"{broken[:80]!r} looks like a link but is not one (unsafe or malformed destination); skipped"
                yield Diagnostic(
                    source=SourceRef(file=context.source, line=piece.line), message=message
                )


def _read_one(
    pieces: list[Piece], candidate: Candidate, context: EntryContext
) -> tuple[Reading, str | None]:
    line = candidate.line if candidate.kind == "row" else _line_of(pieces, candidate.line)
    reading = recognise(pieces, line=line, columns=candidate.columns)
    return reading, _judge(reading)


def _flatten(candidate: Candidate) -> Iterator[Candidate]:
    yield candidate
    for child in candidate.children:
        yield from _flatten(child)


def read_candidate(candidate: Candidate, context: EntryContext) -> list[Event]:
    """Events of one candidate and its sub-items: counts, papers, skips, warnings."""
    section = context.sections[candidate.section] if candidate.section >= 0 else None
    if section is not None and section.nav:
        flat = list(_flatten(candidate))
        skips: list[Event] = [len(flat)]
        return skips + [
            Skip(
                source=SourceRef(file=context.source, line=c.line),
                reason=f"navigation section {section.nav!r}",
                text=_excerpt(_pieces(c)),
            )
            for c in flat
        ]
    pieces = _pieces(candidate)
    events: list[Event] = list(_broken_links(pieces, context))
    if not pieces and not candidate.children:
        return events
    groups = split_entries(pieces) if pieces else []
    children = candidate.children
    if len(groups) == 1 and children:
        return events + _with_children(groups[0], candidate, section, context)
    for group in groups:
        events.extend(_entry(group, candidate, section, context))
    for child in children:
        events.extend(read_candidate(child, context))
    return events


def _entry(
    pieces: list[Piece],
    candidate: Candidate,
    section: Section | None,
    context: EntryContext,
    read: tuple[Reading, str | None] | None = None,
) -> list[Event]:
    """The events of one entry: a paper, or a skip with its reason (``read``: done already)."""
    reading, reason = read if read is not None else _read_one(pieces, candidate, context)
    if reason is None:
        return [1, *_paper(reading, section, context)]
    where = SourceRef(file=context.source, line=reading.line)
    if _only_anchors(pieces):
        reason = "table of contents (links within the page)"
    return [1, Skip(source=where, reason=reason, text=_excerpt(pieces))]


def _with_children(
    pieces: list[Piece], candidate: Candidate, section: Section | None, context: EntryContext
) -> list[Event]:
    """An item with sub-items: sub-items without an entry of their own are part of it."""
    own, own_reason = _read_one(pieces, candidate, context)
    separate: list[Candidate] = []
    attached: list[Piece] = []
    for child in candidate.children:
        child_pieces = _pieces(child)
        child_reading, child_reason = (
            _read_one(child_pieces, child, context) if child_pieces else (None, "empty")
        )
        stands_alone = (
            child_reason is None
            and child_reading is not None
            and child_reading.title_cue in _STRONG_CUES
        )
        if stands_alone or child.children or own.title is None:
            separate.append(child)
        else:
            attached.extend([Piece("", child.line, brk=True), *child_pieces])
    events: list[Event] = []
    if attached:
        joined = [*pieces, *attached]
        reading, reason = _read_one(joined, candidate, context)
        if reason is None or own_reason is not None:
            own, own_reason, pieces = reading, reason, joined
        else:
            separate = list(candidate.children)
    events += _entry(pieces, candidate, section, context, read=(own, own_reason))
    for child in separate:
        events.extend(read_candidate(child, context))
    return events


_LONELY = ("no paper evidence", "web page without paper evidence")


def may_continue(first: Candidate, second: Candidate, read: list[Event]) -> bool:
    """Whether ``second`` may be the rest of ``first`` (two items that are one entry).

    Two plain sibling items, the first a title that read as no paper: a list wrote
    ``* Authors`` on the entry's second line, which Markdown takes for a new item.
    """
    return (
        first.kind == second.kind == "item"
        and not first.children
        and not second.children
        and first.depth == second.depth
        and first.section == second.section
        and len(read) == 2
        and isinstance(read[1], Skip)
        and read[1].reason.startswith(_LONELY)
    )


def join_split_items(
    first: Candidate, second: Candidate, context: EntryContext
) -> list[Event] | None:
    """The events of two items read as one entry, or ``None`` when they are not one."""
    section = context.sections[first.section] if first.section >= 0 else None
    if section is not None and section.nav:
        return None
    rest = _pieces(second)
    opening = next((p for p in rest if p.text.strip()), None)
    if opening is None or opening.bold or opening.link >= 0:
        return None  # a bold or linked start is an entry of its own
    alone, reason = _read_one(rest, second, context)
    if reason != "no title found":
        return None
    joined = [*_pieces(first), Piece("", second.line, brk=True), *rest]
    reading, reason = _read_one(joined, first, context)
    if reason is not None or not (reading.authors or reading.paper_link):
        return None
    return [1, *_paper(reading, section, context)]


def may_attach(first: Candidate, second: Candidate, read: list[Event]) -> bool:
    """Whether ``second`` may hold the links of the paper ``first`` read as.

    Lists that write an entry as paragraphs put its links (often badges) in a paragraph
    of their own after the title: ``**Title**. ICML19.``, a blank line, then
    ``<a href=arxiv><img ...></a> <a href=github>...``.
    """
    return (
        (first.kind == second.kind == "paragraph" and first.section == second.section)
        or (first.kind == "heading" and second.kind == "paragraph")
    ) and (len(read) == 2 and isinstance(read[1], Paper))


def attach_links(
    first: Candidate, second: Candidate, context: EntryContext, *, title: str
) -> list[Event] | None:
    """The events of a paper read with the links paragraph after it, or ``None``.

    ``title``: what ``first`` read alone gave; read together, the title must stay.
    """
    rest = _pieces(second)
    if first.kind != "heading":  # under a heading entry, its venue or authors line too
        if not any(p.link >= 0 for p in rest):
            return None
        if LETTER.search(" ".join(p.text for p in rest if p.link < 0)):
            return None  # words outside the links: an entry or a note of its own
    alone, reason = _read_one(rest, second, context)
    if reason != "no title found":
        return None  # a paragraph with a title of its own is an entry
    joined = [*_pieces(first), Piece("", second.line, brk=True), *rest]
    reading, reason = _read_one(joined, first, context)
    if reason is not None or reading.title != title:
        return None
    section = context.sections[first.section] if first.section >= 0 else None
    return [1, *_paper(reading, section, context)]
