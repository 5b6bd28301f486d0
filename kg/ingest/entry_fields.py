"""One entry's units -> title, authors, venue, year, links: a :class:`Reading`.

The recogniser follows what reference-string parsers do: many weak cues, one precedence.
In a table row, the cell under a title/paper column (else a name/method column) is the
title; elsewhere :mod:`kg.ingest.entry_title` chooses it. Authors: a name-shaped run
(:func:`kg.ingest.names.name_score`) in a table's author column, in italics, after
``by``, or as plain text next to the title (before a quoted title in citation styles).
Venue and year: badges (:mod:`kg.ingest.units`), a table's venue and date columns, then
italic or plain text after the authors, then a venue link (``[Bioinformatics](doi)``),
then a year heading above the entry (:mod:`kg.ingest.entries`).

Whether the reading is a paper is judged by :mod:`kg.ingest.entries`: a title and a
strong sign (a link to the paper, authors, an id), or a venue with a title written as
one; anything else is skipped with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kg.ingest.entry_text import (
    EMOJI,
    IN_TEXT,
    LETTER,
    QUOTED,
    TRIM,
    clean_title,
    fields,
    is_venue_text,
    words,
)
from kg.ingest.entry_title import (
    Choice,
    author_choice,
    cut_out,
    emphasised,
    labels_link,
    pick_title,
)
from kg.ingest.links import (
    arxiv_id_of,
    doi_of,
    is_generic_label,
    is_id_label,
    is_paper_url,
    link_kind,
)
from kg.ingest.names import name_score, read_authors
from kg.ingest.pieces import Piece
from kg.ingest.units import Unit, extract_meta, units_of
from kg.ingest.venue_year import VenueYear, read_date, read_venue_year
from kg.model import LinkKind
from kg.urls import InvalidUrlError, normalise_url

__all__ = ["Reading", "column_roles", "recognise"]

_COLUMN_WORDS = {
    "title": {"title", "paper", "papers", "article", "content", "reading", "readings"},
    "name": {"name", "model", "method", "methods", "abbr", "abbreviation", "approach",
             "system", "agent", "framework", "short", "nickname", "project"},
    "authors": {"author", "authors", "people", "writers"},
    "venue": {"venue", "publication", "published", "conference", "journal", "pub", "source",
              "where", "proceedings", "conf", "booktitle", "accepted"},
    "date": {"date", "year", "time", "release", "released", "when", "month"},
}  # fmt: skip


@dataclass
class Reading:
    """What one entry says, or why it is not a paper."""

    line: int
    title: str | None = None
    title_cue: str | None = None
    authors: tuple[str, ...] = ()
    truncated: bool = False
    venue: VenueYear = field(default_factory=VenueYear)
    year: int | None = None
    month: int | None = None
    links: list[tuple[LinkKind, str, str]] = field(default_factory=list)
    paper_link: str | None = None
    title_link_kind: LinkKind | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    label_before: str | None = None
    #: The venue comes from a badge (``[ICLR 2024]``, ``(CVPR 17)``, a shields.io image).
    venue_badge: bool = False
    skip: str | None = None
    warnings: list[tuple[int, str]] = field(default_factory=list)


def column_roles(columns: Sequence[str]) -> list[str | None]:
    """What each table column holds, from its header words (any order, any wording).

    >>> column_roles(["Pub.", "Model", "Title", "Links"])
    ['venue', 'name', 'title', None]
    """
    roles: list[str | None] = []
    for header in columns:
        words = set(re.findall(r"[a-z]+", EMOJI.sub(" ", header.casefold())))
        text = " ".join(sorted(words))
        role = None
        for name in ("title", "authors", "venue", "date", "name"):
            if words & _COLUMN_WORDS[name] or text in _COLUMN_WORDS[name]:
                role = name
                break
        if role == "title" and words & {"publication"} and "title" not in words:
            role = "venue"
        roles.append(role)
    if "title" not in roles and "name" not in roles:  # a table whose first column names papers
        for i, role in enumerate(roles):
            if role is None:
                roles[i] = "title"
                break
    return roles


def _links(units: list[Unit], title: Choice | None, reading: Reading) -> None:
    for i, u in enumerate(units):
        if u.kind != "link" or u.href is None:
            continue
        href = u.href.strip()
        label = clean_title(u.text) or (u.images[0] if u.images else "")
        if href.startswith("#"):
            continue
        if not href:
            reading.warnings.append((u.line, f"empty link {label or '(no text)'!r}; skipped"))
            continue
        try:
            url = normalise_url(href)
        except InvalidUrlError as err:
            if re.match(r"^[a-z][a-z0-9+.\-]*:", href, re.I) or href.startswith("//"):
                reading.warnings.append((u.line, f"link {label!r} skipped: {err}"))
            continue
        is_title = title is not None and i == title.unit and u.kind == "link"
        if u.images and any("github" in src.casefold() for src in u.images) and not is_title:
            label = "github"
        kind = link_kind(label, url, is_title=is_title)
        if is_title:
            reading.title_link_kind = kind
        reading.links.append((kind, url, label))
        if reading.arxiv_id is None:
            reading.arxiv_id = arxiv_id_of(url)
        if reading.doi is None:
            reading.doi = doi_of(url)
        paperish = is_paper_url(url) or (
            not is_title
            and re.sub(r"\W", "", label.casefold())
            in {"paper", "pdf", "arxiv", "doi", "abs", "openreview"}
        )
        if reading.paper_link is None and paperish:
            reading.paper_link = url


# a sentence end between venue pieces, not the period of "pp. 489", "vol. 3" or "no. 2"
_PIECE_END = re.compile(r"(?<=[a-z\d)])(?<!\bpp)(?<!\bp)(?<!\bvol)(?<!\bno)\.\s+")


def _label_before(units: list[Unit], title: int) -> int | None:
    """The bold label just before the title link (``**VALL-E**: [Title]``), if any."""
    for j in (title - 1, title - 2):
        if j >= 0 and units[j].kind == "text" and units[j].bold and labels_link(units, j):
            return j
    return None


def _fill(a: VenueYear, b: VenueYear) -> VenueYear:
    """``a``, its missing venue part or date part taken from ``b`` (each part whole)."""
    v = a if a.venue else b
    d = a if a.year else b
    return VenueYear(
        v.venue, v.venue_as_written, v.track, v.presentation, d.year, d.month, v.correction
    )


def _italic_venue(text: str, after: str, *, named: bool = False) -> VenueYear:
    """``*Venue*, 2020``: italics followed by a year name a venue, known or not.

    ``named``: the entry's authors are found already, so even a name-shaped phrase in
    italics (``*Applied Sciences*``) is the venue.
    """
    reading = read_venue_year(f"{text} {after}", strict=False, acronyms=False)
    if reading.venue:
        return reading
    year, month, rest = read_date(after)
    name = text.strip(TRIM)
    if (
        year is not None
        and not rest.strip(TRIM)
        and 0 < words(name) <= 12
        and (named or name_score(name) < 0.5)
    ):
        return read_venue_year(f"{name} {year}", strict=False, trusted=True)
    return reading


def _venue_slot(piece: str) -> bool:
    """Whether ``piece`` is ``Name Of A Venue, 2005``: a short capitalised phrase, a year.

    A phrase that could be a person's name is taken only in brackets of its own
    (``Panwar et al. (Information Fusion, 2023)``).
    """
    rest = read_date(piece)[2].strip(TRIM)
    bracketed = re.fullmatch(r"\s*\([^()]+\)[\s.,;]*", piece) is not None
    return 0 < words(rest) <= 8 and rest[:1].isupper() and (bracketed or name_score(rest) < 0.5)


def _venue_from_units(units: list[Unit], skip: set[int], *, named: bool = False) -> VenueYear:
    """Venue and year from the units not taken by title or authors, line by line."""
    lines: list[list[tuple[int, Unit]]] = [[]]
    for i, u in enumerate(units):
        if u.kind == "break":
            lines.append([])
        elif i not in skip and not u.meta:
            lines[-1].append((i, u))
    best = VenueYear()
    for line in lines:
        texts = [(u.italic, u.text) for _, u in line if u.kind == "text" and not u.code]
        plain = " ".join(text for italic, text in texts if not italic)
        for number, (italic, text) in enumerate(texts):
            if not italic:
                continue
            after = " ".join(t for it, t in texts[number + 1 :] if not it)
            best = _fill(best, _italic_venue(text, after, named=named))
        for text in [*fields(plain), plain]:
            for piece in _PIECE_END.split(text):
                reading = read_venue_year(piece, strict=False, acronyms=False)
                if named and reading.year and not reading.venue and _venue_slot(piece):
                    # "by A, B. Artificial Intelligence, 2005.": after the authors, a short
                    # capitalised phrase before the year is the venue, known or not
                    reading = read_venue_year(piece, strict=False, trusted=True)
                best = _fill(best, reading)
            if best.venue and best.year:
                return best
    for i, u in enumerate(units):
        if (
            u.kind == "link"
            and i not in skip
            and not best.venue
            and not is_id_label(u.text)
            and is_venue_text(clean_title(u.text))
        ):
            best = _fill(best, read_venue_year(clean_title(u.text), strict=True))
    return best


def _merge_meta(metas: list[VenueYear]) -> VenueYear:
    """One reading of several badges: the first venue, with its own year when it has one."""
    merged = VenueYear()
    for meta in sorted(metas, key=lambda m: m.venue is None):
        merged = _fill(merged, meta)
    return merged


def _table(
    units: list[Unit], roles: Sequence[str | None]
) -> tuple[Choice | None, str | None, VenueYear]:
    by_role: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        role = roles[u.cell] if 0 <= u.cell < len(roles) else None
        if role:
            by_role.setdefault(role, []).append(i)
    title = None
    rest = VenueYear()
    for role in ("title", "name"):
        cell = [i for i in by_role.get(role, []) if units[i].kind != "break"]
        first_line: list[int] = []
        for i in by_role.get(role, []):
            if units[i].kind == "break" and first_line:
                break
            if units[i].kind != "break":
                first_line.append(i)
        named = [
            i for i in first_line if units[i].kind == "link" and not is_generic_label(units[i].text)
        ]
        texts = [
            i
            for i in first_line
            if units[i].kind == "text" and not units[i].code and not units[i].meta
        ]
        upright = [i for i in texts if not units[i].italic]  # italics after it: the authors
        texts = upright or texts
        raw = " ".join(units[i].text for i in (named or texts))
        text = clean_title(raw)
        quoted = QUOTED.search(raw)
        if quoted and not raw[: quoted.start()].strip(" [("):  # ["Title", VLDB 20](slides)
            text = clean_title(quoted.group(1))
            rest = read_venue_year(raw[: quoted.start()] + " " + raw[quoted.end() :], strict=False)
        if text and LETTER.search(text) and cell:
            title = Choice("table", text, (named or texts)[0], 100)
            break
    authors = None
    for i in by_role.get("authors", []):
        if units[i].kind == "text" and name_score(units[i].text) >= 0.5:
            authors = units[i].text
            break
    venue = VenueYear()
    for role in ("venue", "date"):
        text = " ".join(
            units[i].text for i in by_role.get(role, []) if units[i].kind in {"text", "link"}
        )
        if text.strip():
            reading = read_venue_year(text, strict=False, trusted=role == "venue")
            year, month, _ = read_date(text)
            venue = _fill(_fill(venue, reading), VenueYear(year=year, month=month))
    return title, authors, _fill(venue, rest)


def recognise(pieces: list[Piece], *, line: int, columns: Sequence[str] = ()) -> Reading:
    """Read one entry (see the module docstring for the precedence of cues)."""
    units = units_of(pieces)
    weak: list[VenueYear] = []
    metas = extract_meta(units, weak)
    reading = Reading(line=line)
    table_authors = None
    table_venue = VenueYear()
    title: Choice | None = None
    roles = column_roles(columns) if columns else []
    if columns:
        title, table_authors, table_venue = _table(units, roles)
    if title is None:
        title = pick_title(units)
    if title is not None:
        reading.title, reading.title_cue = title.text, title.cue
        before = [u for u in units[: title.unit] if u.kind == "text" and u.bold and not u.meta]
        if before and title.cue in {"bold-link", "link"}:
            reading.label_before = clean_title(" ".join(u.text for u in before)) or None
    taken: set[int] = set()
    emphasis = emphasised(units)
    if title is not None:
        if title.cue in IN_TEXT and title.unit < len(units):
            cut_out(units[title.unit], title.text)
        else:
            taken.add(title.unit)
        if title.cue in {"bold-link", "link"}:
            label = _label_before(units, title.unit)
            if label is not None:
                taken.add(label)  # "**VALL-E**: [Title](url)": a label, not a venue
    if table_authors is not None:
        run = read_authors(table_authors)
        reading.authors, reading.truncated = run.names, run.truncated
    elif (found := author_choice(units, title, roles, emphasis)) is not None:
        index, text = found
        run = read_authors(text)
        reading.authors, reading.truncated = run.names, run.truncated
        units[index].text = units[index].text.replace(text, " | ", 1)
    meta = _merge_meta(metas)
    rest = _venue_from_units(units, taken, named=bool(reading.authors))
    venue = meta if meta.venue else (table_venue if table_venue.venue else rest)
    badge = bool(meta.venue)
    if not venue.venue and weak:  # "[Pattern Recognition] **Title**": nothing better named
        venue, badge = _fill(_merge_meta(weak), venue), True
    reading.venue, reading.venue_badge = venue, badge
    reading.year = meta.year or table_venue.year or venue.year or rest.year
    reading.month = (meta.month if meta.year else None) or (
        venue.month if venue.year == reading.year else None
    )
    _links(units, title, reading)
    return reading
