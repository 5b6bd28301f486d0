"""Pieces -> units (a link, a styled run, an image, a break), and the meta they carry.

A unit is what a reader of the rendered list sees as one thing: a link with its label,
a bold or italic phrase, plain text between them, a badge image. The field recogniser
works on units. Before it does, :func:`extract_meta` takes out venue and date badges in
every shape lists use — a bold ``**2015-08**``, ``[ICLR 2024]`` or ``(ICML 2022)`` in
text, ``(2022-COLOING, CCF-B)``, a leading ``2023/10`` or ``2022.3``, a shields.io image
whose URL reads ``Conference-ICML'23-blue`` — so that they are neither taken for a title
nor lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.ingest.links import badge_text
from kg.ingest.pieces import Piece
from kg.ingest.venue_year import VenueYear, looks_like_venue, read_venue_year

__all__ = ["Unit", "extract_meta", "units_of"]

_GROUP = re.compile(r"\[([^\[\]\n]{1,80})\]|[(（]([^()（）\n]{1,80})[)）]|【([^【】\n]{1,80})】")
_LEAD_DATE = re.compile(r"^\s*((?:19|20)\d\d(?:\s?[-/.]\s?\d{1,2})?)(?!\d)(?:\s*[|:,\-–—]\s*|\s+)")
# A link CommonMark did not make (a space in its destination): keep its label as text.
_BROKEN_LINK = re.compile(r"\[([^\[\]\n]{3,})\]\([^)\n]*\)?")
_CITED = re.compile(r"^([A-Z][^\d()]*?(?:et al\.?|and [A-Z]\w+|& [A-Z]\w+)),?\s+((?:19|20)\d\d)$")
_REFERENCE_NUMBER = re.compile(r"^\s*\[\d{1,4}\]\s+")
_ET_AL = re.compile(r"^\s*et\.?\s*al\.?,?\s*$", re.I)
_BADGE_LABELS = re.compile(
    r"^(?:conference|venue|published|publication|pub|journal|accepted|accept|status)\s+", re.I
)


@dataclass(slots=True)
class Unit:
    """One visible thing of an entry."""

    kind: str  # link | text | image | break
    text: str
    line: int
    bold: bool = False
    italic: bool = False
    code: bool = False
    href: str | None = None
    images: list[str] = field(default_factory=list)
    cell: int = -1
    meta: bool = False  # wholly a venue/date badge
    image_only: bool = False  # a link made of images alone (a badge or an icon)


def _image_text(piece: Piece) -> str:
    return badge_text(piece.image or "") or piece.text


def units_of(pieces: list[Piece]) -> list[Unit]:
    """Group pieces into units: one per link, per styled run, per image, per break."""
    units: list[Unit] = []
    worded: set[int] = set()  # link units with words of their own (not only images)
    last_link = -1
    for piece in pieces:
        if piece.brk:
            if units and units[-1].kind != "break":
                units.append(Unit("break", "", piece.line, cell=piece.cell))
            last_link = -1
            continue
        if piece.link >= 0:
            text = _image_text(piece) if piece.image is not None else piece.text
            if piece.link == last_link and units:
                unit = units[-1]
                unit.text += text
                unit.bold = unit.bold or piece.bold
                unit.italic = unit.italic and piece.italic
            else:
                unit = Unit("link", text, piece.line, piece.bold, piece.italic, href=piece.href)
                unit.cell = piece.cell
                units.append(unit)
            if piece.image is not None:
                unit.images.append(piece.image)
            elif piece.text.strip():
                worded.add(id(unit))
            unit.image_only = bool(unit.images) and id(unit) not in worded
            last_link = piece.link
            continue
        last_link = -1
        if piece.image is not None:
            units.append(
                Unit("image", _image_text(piece), piece.line, images=[piece.image], cell=piece.cell)
            )
            continue
        # an italic run stays one unit even where part of it is bold ("*Alice <b>Bold</b>*");
        # a styled "*et al.*" belongs to the plain run of names before it
        plain = _ET_AL.match(piece.text) is not None and not piece.code
        style = (
            piece.bold and not piece.italic and not plain,
            piece.italic and not plain,
            piece.code,
            piece.cell,
        )
        prev = units[-1] if units else None
        if (
            prev is not None
            and prev.kind == "text"
            and (
                prev.bold,
                prev.italic,
                prev.code,
                prev.cell,
            )
            == style
        ):
            prev.text += piece.text
        else:
            units.append(
                Unit(
                    "text",
                    piece.text,
                    piece.line,
                    style[0] or (piece.bold and piece.italic and not plain),
                    style[1],
                    piece.code,
                    cell=piece.cell,
                )
            )
    return units


def _badge(text: str, *, trusted: bool = False) -> VenueYear:
    text = _BADGE_LABELS.sub("", text.strip())
    return read_venue_year(text, strict=True, acronyms=False, trusted=trusted)


def _venue_parts(text: str) -> str:
    """A badge's comma parts that name a venue or a date: ``TASLP 2023, Google`` -> ``TASLP 2023``.

    Lists add the authors' organisation in the same brackets; it is neither.
    """
    parts = text.split(", ")
    if len(parts) < 2:
        return text
    readings = [read_venue_year(p, strict=True) for p in parts]
    kept = [p for p, reading in zip(parts, readings, strict=True) if reading]
    if len(kept) == len(parts) or not any(reading.venue for reading in readings):
        return text  # "(Information Fusion, 2023)": an unknown venue, left for later cues
    return ", ".join(kept)


def _titled(text: str) -> bool:
    """Whether styled text is a title with a venue badge at an end: ``**Title (TKDE 2015)**``.

    Read whole, such a text would pass for a venue (it holds one), and the title would be
    lost with it. The text outside the brackets must be no venue or date of its own
    (``*Proceedings of ACL (Volume 1), 2023*`` stays one venue).
    """
    groups = list(_GROUP.finditer(text))
    stripped = text.strip()
    if not groups or not (
        groups[-1].end() == len(text.rstrip())
        or groups[0].start() == len(text) - len(text.lstrip())
    ):
        return False
    outside = _GROUP.sub(" ", stripped).strip(" ,.;:|-–—")
    if not outside or not any(c.isalpha() for c in outside) or read_venue_year(outside):
        return False
    inner = next(g for g in (groups[-1].groups()) if g is not None)
    return bool(_badge(inner.replace("_", " ")))


def extract_meta(units: list[Unit], weak: list[VenueYear] | None = None) -> list[VenueYear]:
    """Find venue/date badges in ``units``, blanking them out of the text they were in.

    ``weak`` receives the undated names that only their place makes badges (``(NCLT)
    [Title](url), IJRR 2010``: a venue in the text wins over them); without it they are
    found like any badge.
    """
    found: list[VenueYear] = []
    first = next(
        (i for i, u in enumerate(units) if u.kind != "break" and (u.text.strip() or u.images)), -1
    )
    for index, unit in enumerate(units):
        if unit.kind == "break":
            continue
        if unit.kind == "image" or (
            unit.kind == "link" and unit.images and not unit.text.strip(" []")
        ):
            reading = _badge(unit.text)
            if reading:
                found.append(reading)
                unit.meta = True
            continue
        if unit.kind == "link":
            continue
        whole = unit.text.strip().strip("[]()【】").strip()
        styled = unit.bold or unit.code or unit.italic
        titled = styled and _titled(unit.text)
        if styled and whole and not titled:
            reading = _badge(whole)
            sure = reading.year is not None or (
                len(whole.split()) <= 3 and looks_like_venue(whole, acronyms=False, short=False)
            )
            if reading and sure:
                found.append(reading)
                unit.meta = True
                continue
        if (unit.bold or unit.italic) and not titled:
            continue
        text = _BROKEN_LINK.sub(lambda m: m.group(1) + " | ", unit.text)
        if index == 0 or all(
            u.kind == "break" or u.meta or not u.text.strip() for u in units[:index]
        ):
            text = _REFERENCE_NUMBER.sub(" ", text, count=1)  # "[1] Big Hand 2.2M ..."
            if match := _LEAD_DATE.match(text):
                reading = _badge(match.group(1))
                if reading:
                    found.append(reading)
                    text = " | " + text[match.end() :]

        opening = len(text) - len(text.lstrip()) if index == first else -1

        def blank(match: re.Match[str], index: int = index, opening: int = opening) -> str:
            inner = next(g for g in match.groups() if g is not None)
            # a bracket that opens the entry ("[Pattern Recognition] **Title**") is a badge
            # whatever short name it holds; elsewhere it must look like a venue or a date
            trusted = match.start() == opening and len(inner.split()) <= 5 and ": " not in inner
            if cited := _CITED.match(inner):  # "(Goodfellow et al., 2014)": authors and year
                found.append(VenueYear(year=int(cited.group(2))))
                return " | " + cited.group(1) + " | "
            text = _venue_parts(inner.replace("_", " "))
            reading = _badge(text, trusted=trusted)
            if not reading or (reading.year is None and not reading.venue_as_written):
                return match.group(0)
            by_place = trusted and reading.year is None and not _badge(text)
            (weak if by_place and weak is not None else found).append(reading)
            return " | "

        unit.text = _GROUP.sub(blank, text)
    return found
