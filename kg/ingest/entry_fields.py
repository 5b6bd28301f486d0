"""One entry's units -> title, authors, venue, year, links; or the reason it is no paper.

The recogniser follows what reference-string parsers do: many weak cues, one precedence.

Title, first match wins (ties go to the earlier unit):
  1. in a table row, the cell under a title/paper column, else a name/method column;
  2. a bold link whose label names something (not ``[pdf]``, ``:octocat:``, a venue);
  3. a quoted phrase (citation styles: ``Last, First. "Title." Venue``);
  4. a plain link with such a label;
  5. bold text that is no badge (``**Name**: rest`` keeps the rest);
  6. the first plain-text field of three words or more that is not a name run or a venue;
  7. long italic text that is neither.
Authors: a name-shaped run (:func:`kg.ingest.names.name_score`) in a table's author
column, in italics, after ``by``, or as plain text next to the title (before a quoted
title in citation styles). Venue and year: badges (:mod:`kg.ingest.units`), a table's
venue and date columns, then italic or plain text after the authors, then a venue link
(``[Bioinformatics](doi)``), then a year heading above the entry.

An entry is a paper when it has a title and a strong sign: a link to the paper (a paper
host, a DOI, a PDF), authors, or an arXiv id — or a venue with a title written as one
(bold, linked, quoted, a table's title column). Anything else is skipped with a reason.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

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
from kg.ingest.units import Meta, Unit, extract_meta, units_of
from kg.ingest.venue_year import VenueYear, looks_like_venue, read_date, read_venue_year
from kg.model import LinkKind
from kg.text import clean_text
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
_QUOTED = re.compile(r"[\"“”„]\s*([^\"“”„]{8,400}?)\s*[\"“”]")
_EMOJI = re.compile(
    r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200d]|:[a-z0-9_+\-]+:", re.I
)
_TRIM = " \t.,;:|–—-•·*_~\"“”'’`[](){}\u2003\u2002\u00a0"
_CJK_NAME = re.compile(r"^[\u3400-\u9fff\uac00-\ud7af]{2,4}$")  # 赵鑫, 김민수: no spaces
_LETTER = re.compile(r"[^\W\d_]")
_YEARISH = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)|'\d\d\b|\d+\s*[-–]\s*\d+")
_IN_TEXT = {"quoted", "text", "italic", "name"}  # title cues that leave the rest of their unit


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
    primary: str | None = None
    paper_link: str | None = None
    title_link_kind: LinkKind | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    label_before: str | None = None
    skip: str | None = None
    warnings: list[tuple[int, str]] = field(default_factory=list)


def column_roles(columns: Sequence[str]) -> list[str | None]:
    """What each table column holds, from its header words (any order, any wording).

    >>> column_roles(["Pub.", "Model", "Title", "Links"])
    ['venue', 'name', 'title', None]
    """
    roles: list[str | None] = []
    for header in columns:
        words = set(re.findall(r"[a-z]+", _EMOJI.sub(" ", header.casefold())))
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


@functools.lru_cache(maxsize=16384)
def _clean_title(text: str) -> str:
    """A title without emoji, wrapping quotes or brackets, or trailing punctuation.

    Brackets are kept when balanced: ``A code title (with parens)`` stays whole.
    """
    text = " ".join(_EMOJI.sub(" ", clean_text(text)).split()).replace("\\", "")
    while True:
        trimmed = text.strip(_TRIM)
        for open_, close in ("()", "[]", "{}", "“”", "<>"):
            if text.endswith(close) and trimmed.count(open_) > trimmed.count(close):
                trimmed += close
        if trimmed == text:
            return text
        text = trimmed


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


@functools.lru_cache(maxsize=16384)
def _is_venue_text(text: str) -> bool:
    reading = read_venue_year(text, strict=True, acronyms=False)
    return reading.venue is not None and _words(text) <= 10


def _is_clearly_venue(text: str) -> bool:
    """A venue beyond doubt (a known name, or a venue word such as Journal), never a title.

    ``GPT-4 Technical Report`` or ``Nature of Things`` read as venues by the loose test
    but may well be titles; a title candidate is dropped only on this stricter one.
    """
    reading = read_venue_year(text, strict=True, acronyms=False)
    return (
        reading.venue is not None
        and _words(text) <= 10
        and looks_like_venue(reading.venue_as_written or "", acronyms=False, short=False)
    )


@dataclass
class _Choice:
    cue: str
    text: str
    unit: int
    score: int


def _split_by(text: str) -> str:
    """Mark ``Title by A, B. Venue`` as two fields, only where a name run follows ``by``."""
    for match in re.finditer(r"\s+by\s+(?=[A-Z])", text):
        after = text[match.end() :]
        head = _author_prefix(after)
        if head is None:
            continue
        run = read_authors(head)
        # one "name" alone could be the rest of a title ("... by Regularized Pre-training")
        if len(run.names) > 1 or run.truncated or read_date(after[len(head) :])[0] is not None:
            return text[: match.start()] + " | " + after
    return text


def _split_sentence(text: str) -> str:
    """Mark ``Title. A, B. Venue Year`` as fields where a run of names follows a period."""
    for match in re.finditer(r"(?<=[^\s.]{3})\.\s+(?=[A-Z])", text):
        after = text[match.end() :]
        head = _author_prefix(after)
        if head is not None:
            run = read_authors(head)
            if len(run.names) > 1 or run.truncated:
                return text[: match.start()] + " | " + after
    return text


def _fields(text: str) -> list[str]:
    parts = re.split(r"\s*\|\s*|\s+[-–—]\s+|\u2003", _split_by(_split_sentence(text)))
    return [f for f in parts if f.strip(_TRIM)]


def _title_choices(units: list[Unit]) -> list[_Choice]:
    choices: list[_Choice] = []
    first_content = next(
        (
            i
            for i, u in enumerate(units)
            if u.kind != "break" and not u.meta and u.text.strip(_TRIM)
        ),
        -1,
    )
    names_at = len(units)  # where an italic name run stands, found only when a link needs it
    italics = [i for i, u in enumerate(units) if u.kind == "text" and u.italic]
    line = 0
    for i, u in enumerate(units):
        if u.kind == "break":
            line += 1 if i > first_content >= 0 else 0
            continue
        if u.meta:
            continue
        later = 45 if line else 0  # plain text on a later line is a description, not a title
        text = _clean_title(u.text)
        if not text or not _LETTER.search(text):
            continue
        if u.kind == "link":
            if is_generic_label(u.text) or u.image_only:
                continue
            if _is_clearly_venue(text) and not u.bold:
                continue
            if italics and italics[0] < i and names_at == len(units):
                names_at = next(
                    (k for k in italics if k < i and name_score(units[k].text) >= 0.75), len(units)
                )
            after_names = 30 if i > names_at else 0  # "Title | *Authors* | [Journal](doi)"
            score = (95 if u.bold else 70) - after_names
            choices.append(_Choice("bold-link" if u.bold else "link", text, i, score))
            continue
        if u.kind != "text" or u.code:
            continue
        for match in _QUOTED.finditer(u.text):
            quoted = _clean_title(match.group(1))
            if _words(quoted) >= 2:
                choices.append(_Choice("quoted", quoted, i, 90))
        if u.bold:
            if (
                _words(text) >= 2
                or len(text) >= 6
                or (i + 1 < len(units) and units[i + 1].text.lstrip()[:1] in ":：")
            ):
                if not _is_clearly_venue(text):
                    choices.append(_Choice("bold", text, i, 80))
            continue
        for number, part in enumerate(_fields(u.text)):
            cleaned = _clean_title(part)
            # "- Llama [[paper]](..)", "- BIRD-SQL Mini-Dev [[paper]](..)": a short name
            # that opens the entry is its title when nothing better is there
            opening = i == first_content and number == 0 and not u.italic
            if opening and 0 < _words(cleaned) <= 4 and not _is_venue_text(cleaned):
                choices.append(_Choice("name", cleaned, i, 20))
            if _words(cleaned) < 3 and not (u.italic and _words(cleaned) >= 2):
                continue
            if name_score(cleaned) >= 0.6 or _is_clearly_venue(cleaned):
                continue
            if u.italic:
                if _words(cleaned) >= 4:
                    choices.append(_Choice("italic", cleaned, i, 40 - later))
            else:
                choices.append(_Choice("text", cleaned, i, 60 - later))
            break
    return choices


def _pick_title(units: list[Unit]) -> _Choice | None:
    choices = _title_choices(units)
    if not choices:
        return None
    best = max(choices, key=lambda c: (c.score, -c.unit))
    if best.cue == "bold" and best.unit + 1 < len(units):
        after = units[best.unit + 1]
        if after.kind == "text" and not after.bold and after.text.lstrip()[:1] in ":：":
            rest = _fields(after.text.lstrip()[1:])
            if rest and _words(rest[0]) >= 1 and name_score(rest[0]) < 0.6:
                best.text = _clean_title(f"{best.text}: {rest[0]}")
    if best.cue == "text":
        best.text = re.sub(r"\s*[.。]\s*$", "", best.text)
    return best


def _cut_out(unit: Unit, title: str) -> None:
    """Take the title (and its quotes) out of the text it was found in; keep the rest."""
    start = unit.text.find(title)
    if start >= 0:  # the common case, without building a pattern for this one title
        end = start + len(title)
        while start > 0 and unit.text[start - 1] in ' "“”„':
            start -= 1
        while end < len(unit.text) and unit.text[end] in '.。 "“”':
            end += 1
        unit.text = unit.text[:start] + " | " + unit.text[end:]
        return
    words = [re.escape(w) for w in title.split()]
    pattern = r"[\"“”„]?\s*" + r"[\s\W]*".join(words) + r"[.。]?\s*[\"“”]?"
    unit.text = re.sub(pattern, " | ", unit.text, count=1)


def _author_choice(
    units: list[Unit], title: _Choice | None, roles: Sequence[str | None] = ()
) -> tuple[int, str] | None:
    """The first name run after the title (then before it), and its unit.

    In a table, only the title, name and author columns are searched: a "Presenter"
    or "Maintainer" column names people who did not write the paper.
    """
    start = title.unit if title is not None else -1
    ordered = [i for i in range(len(units)) if i > start]
    ordered += [i for i in range(len(units)) if i <= start]
    for i in ordered:
        u = units[i]
        if u.kind != "text" or u.meta or u.code:
            continue
        if roles and (u.cell >= len(roles) or roles[u.cell] not in {"title", "name", "authors"}):
            continue
        if title is not None and i == title.unit and title.cue not in _IN_TEXT:
            continue
        for part in _fields(u.text):
            part = re.sub(r"^\s*[,.;:)]+\s*", "", part)
            part = re.sub(r"^(?:by|authors?:?)\s+", "", part.strip(), flags=re.I)
            candidate = _author_prefix(part, lenient=u.italic)
            if candidate is not None:
                return i, candidate
    return None


def _lone_words_ok(head: str, *, lenient: bool = False) -> bool:
    """Whether a run names people, not lone words ("Hybrid", "CS, SE").

    ``M.Barni`` counts as two parts; in italics one lone name is taken (``*OpenAI.*``).
    """
    run = read_authors(head)
    if run.truncated or (lenient and len(run.names) == 1 and len(run.names[0]) >= 3):
        return True
    return any(
        len(re.split(r"[\s.]+", name.strip("."))) > 1 or _CJK_NAME.match(name) for name in run.names
    )


@functools.lru_cache(maxsize=16384)
def _author_prefix(text: str, *, lenient: bool = False) -> str | None:
    """The longest start of ``text`` that is a name run (the rest is venue and year).

    A run of names only is preferred to a longer run with a stray part, so that ``A, B.
    ICML 2018`` stops before the venue.
    """
    text = text.strip(_TRIM)
    if not text or not _LETTER.search(text):
        return None
    # where names may end: before ". Venue" or ", Venue Year" (the last few of each, so
    # that a run of thousands of names costs linear time)
    dots = [m.start() for m in re.finditer(r"\.\s+(?=\S)", text)][-4:]
    commas = [m.start() for m in re.finditer(r",\s+(?=\S)", text)][-3:]
    if not _YEARISH.search(text) and name_score(text) == 1.0 and _lone_words_ok(text):
        return text  # the common case: the whole text is the run
    trailing = [m.start() for m in re.finditer(r"[\s,]+(?=(?:19|20)\d\d\W*$)", text)]
    cuts = sorted({*dots, *commas, *trailing, len(text)})
    heads = []
    for cut in reversed(cuts):
        head, rest = text[:cut].strip(), text[cut:].strip(_TRIM)
        bare = re.sub(r"\.{3}\s*\d+\s+hidden\s*\.{3}", " and ", head)
        if head and not _YEARISH.search(bare):
            if not rest or read_venue_year(rest, strict=False) or not _LETTER.search(rest):
                heads.append(head)
    for threshold in (1.0, 0.5 if lenient else 0.75):  # italics are a cue of their own
        for head in heads:
            if not _lone_words_ok(head, lenient=lenient):
                continue  # lone words ("Hybrid", "CS, SE") are no people, unless in italics
            if name_score(head) >= threshold:
                return head
    return None


def _links(units: list[Unit], title: _Choice | None, reading: Reading) -> None:
    for i, u in enumerate(units):
        if u.kind != "link" or u.href is None:
            continue
        href = u.href.strip()
        label = _clean_title(u.text) or (u.images[0] if u.images else "")
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
        if reading.primary is None and (is_title or paperish) and kind != LinkKind.CODE:
            reading.primary = url
        if reading.paper_link is None and paperish:
            reading.paper_link = url


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
    name = text.strip(_TRIM)
    if (
        year is not None
        and not rest.strip(_TRIM)
        and 0 < _words(name) <= 12
        and (named or name_score(name) < 0.5)
    ):
        return read_venue_year(f"{name} {year}", strict=False, trusted=True)
    return reading


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
        for text in [*_fields(plain), plain]:
            for piece in re.split(r"(?<=[a-z\d)])\.\s+", text):
                best = _fill(best, read_venue_year(piece, strict=False, acronyms=False))
            if best.venue and best.year:
                return best
    for i, u in enumerate(units):
        if (
            u.kind == "link"
            and i not in skip
            and not best.venue
            and not is_id_label(u.text)
            and _is_venue_text(_clean_title(u.text))
        ):
            best = _fill(best, read_venue_year(_clean_title(u.text), strict=True))
    return best


def _merge_meta(metas: list[Meta]) -> VenueYear:
    """One reading of several badges: the first venue, with its own year when it has one."""
    merged = VenueYear()
    for meta in sorted(metas, key=lambda m: m.reading.venue is None):
        merged = _fill(merged, meta.reading)
    return merged


def _table(
    units: list[Unit], roles: Sequence[str | None]
) -> tuple[_Choice | None, str | None, VenueYear]:
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
        text = _clean_title(raw)
        quoted = _QUOTED.search(raw)
        if quoted and not raw[: quoted.start()].strip(" [("):  # ["Title", VLDB 20](slides)
            text = _clean_title(quoted.group(1))
            rest = read_venue_year(raw[: quoted.start()] + " " + raw[quoted.end() :], strict=False)
        if text and _LETTER.search(text) and cell:
            title = _Choice("table", text, (named or texts)[0], 100)
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
    metas = extract_meta(units)
    reading = Reading(line=line)
    table_authors = None
    table_venue = VenueYear()
    title: _Choice | None = None
    roles = column_roles(columns) if columns else []
    if columns:
        title, table_authors, table_venue = _table(units, roles)
    if title is None:
        title = _pick_title(units)
    if title is not None:
        reading.title, reading.title_cue = title.text, title.cue
        before = [u for u in units[: title.unit] if u.kind == "text" and u.bold and not u.meta]
        if before and title.cue in {"bold-link", "link"}:
            reading.label_before = _clean_title(" ".join(u.text for u in before)) or None
    taken: set[int] = set()
    if title is not None:
        if title.cue in _IN_TEXT and title.unit < len(units):
            _cut_out(units[title.unit], title.text)
        else:
            taken.add(title.unit)
    if table_authors is not None:
        run = read_authors(table_authors)
        reading.authors, reading.truncated = run.names, run.truncated
    elif (found := _author_choice(units, title, roles)) is not None:
        index, text = found
        run = read_authors(text)
        reading.authors, reading.truncated = run.names, run.truncated
        units[index].text = units[index].text.replace(text, " | ", 1)
    meta = _merge_meta(metas)
    rest = _venue_from_units(units, taken, named=bool(reading.authors))
    venue = meta if meta.venue else (table_venue if table_venue.venue else rest)
    reading.venue = venue
    reading.year = meta.year or table_venue.year or venue.year or rest.year
    reading.month = (meta.month if meta.year else None) or (
        venue.month if venue.year == reading.year else None
    )
    _links(units, title, reading)
    return reading
