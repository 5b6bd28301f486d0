"""Venue and date text -> venue, track, presentation, year and month.

Lists state when and where a paper appeared in many shapes: ``ICLR 2024``, ``2024 ICLR
Oral``, ``ACL'23``, ``VLDB 22'``, ``Middleware '20``, ``arXiv, 2020``, ``Findings of ACL
2023``, ``ACL 2023 Findings``, ``[2023/10]``, ``2022.3``, ``2015-08``, ``2024 Jul COLM``,
``IEEE Transactions on Neural Networks and Learning Systems, 2022``. One reader handles
them all: find the date, then read what is left as a venue, splitting off a track
(``Findings``, ``Workshop``) when the rest is a known venue, and a presentation
(``oral``, ``poster``, ``spotlight``).

A venue is accepted only when it looks like one (:func:`looks_like_venue`): a known
name, a word that venues carry (Conference, Journal, Transactions, Workshop, ...), or
an acronym. Two-digit years are expanded to the closest century that is not in the
future.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass

from kg.ingest.venues import MONTHS, canonical_venue, is_arxiv_venue, is_known_venue
from kg.text import fold

__all__ = ["VenueYear", "looks_like_venue", "read_date", "read_venue_year"]

_PRESENTATIONS = {"poster", "oral", "spotlight"}
_TRACKS = {
    "findings": "Findings",
    "workshop": "Workshop",
    "workshops": "Workshop",
    "demo": "Demo",
    "demos": "Demo",
    "short": "Short",
    "industry": "Industry",
    "tutorial": "Tutorial",
}
# Words that make a phrase a venue on their own ("Journal of ...", "Proceedings of ..."),
# and words that do so only in a short phrase ("Nature Methods", "ACM Computing Surveys").
_VENUE_WORDS = {
    "conference",
    "conf",
    "journal",
    "transactions",
    "trans",
    "proceedings",
    "proc",
    "workshop",
    "workshops",
    "symposium",
    "letters",
    "magazine",
    "preprint",
    "arxiv",
    "corr",
    "biorxiv",
    "medrxiv",
    "chemrxiv",
    "ssrn",
    "findings",
    "ieee",
    "acm",
    "springer",
    "elsevier",
    "congress",
    "colloquium",
    "thesis",
    "dissertation",
    "interspeech",
    "icassp",
    "openreview",
    "tpami",
    "tkde",
    "tnnls",
    "tip",
    "tog",
    "tmlr",
    "jmlr",
    "pmlr",
    "j",
}
_SHORT_VENUE_WORDS = {
    "nature",
    "science",
    "cell",
    "review",
    "reviews",
    "survey",
    "surveys",
    "advances",
    "bulletin",
    "communications",
    "frontiers",
    "plos",
    "bmc",
    "access",
    "bioinformatics",
    "genome",
    "nucleic",
    "acids",
    "research",
    "methods",
    "biology",
    "medicine",
    "systems",
    "engineering",
    "quarterly",
    "forum",
    "meeting",
    "summit",
    "challenge",
    "track",
    "annual",
    "international",
    "society",
    "computing",
    "intelligence",
    "report",
    "press",
    "book",
    "chapter",
    "lecture",
    "notes",
    "neural",
    "computer",
}
_NOT_VENUES = {
    "github", "repo", "repository", "code", "blog", "website", "homepage", "project",
    "paper", "pdf", "link", "huggingface", "hugging face", "dataset", "model", "demo",
    "video", "slides", "new", "hot", "star", "stars", "tbd", "todo", "na", "n/a", "none",
    "online", "web", "medium", "twitter", "youtube", "survey", "review", "tutorial",
    "benchmark", "position", "oral", "poster", "spotlight", "highlight",
}  # fmt: skip
_THIS_YEAR = datetime.date.today().year

_YEAR_MONTH = re.compile(r"(?<![\d.])((?:19|20)\d\d)\s?[-/.]\s?(0?[1-9]|1[0-2])(?![\d])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d|\.\d{4,5})")  # not an arXiv id 2005.14165
_SHORT_YEAR = re.compile(
    r"(?:(?<=[A-Za-z\s(\[])['’‘`](\d\d)(?!\d)|(?<![\d.])(\d\d)['’](?!\w)|"
    r"(?<![A-Za-z])([A-Za-z][A-Za-z\-]+)(\d\d)(?![\dA-Za-z]))"
)
# Pages, volumes and issues: "pp. 530-538", "364.6443: 859-865", "vol. 3, no. 2",
# "41(3), p.15".
_PAGES = re.compile(
    r"\bpp?\.\s*\d+(?:\s*[-–]+\s*\d+)?|\b\d+(?:[.(]\d+\)?)?\s*:\s*\d+\s*[-–]+\s*\d+|"
    r"\b\d{1,4}\s*\(\d{1,4}\)|"
    r"\b(?:vol|no|issue)\.?\s*\d+|\b(?!(?:19|20)\d\d\b)\d{1,4}\s*[-–]+\s*\d{1,5}\b",
    re.I,
)
_TRAILING_NUMBERS = re.compile(r"(?:[\s,.]+\d{1,5})+$")
_TWO_CAPS = re.compile(r"[A-Z].*[A-Z]")
_BARE_SHORT_YEAR = re.compile(r"^(.*[A-Za-z])[\s,]+(\d\d)\W*$")
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?\b", re.I)
_CCF = re.compile(r"\bCCF[- ]?[ABC]\b|\bCORE[- ]?A\*?\b", re.I)
_LEAD = re.compile(r"^(?:in\s+)?(?:proceedings\s+of\s+(?:the\s+)?|proc\.\s+(?:of\s+)?)", re.I)
_ALTERNATIVES = re.compile(r"(?<!\s)\s+/\s+|;\s+")  # "NeurIPS Workshop 2023 / ACL 2024"
_BRACKETS = re.compile(r"[\[\](){}（）*_|]+")
_PLACEHOLDERS = re.compile(r"\b(?:none|n/a|tbd|todo|null)\b", re.I)
_VENUE_WORD = re.compile(r"[A-Za-z][A-Za-z\-&]*")
_DIGIT = re.compile(r"\d")  # what the date patterns' \d matches: any Unicode digit
_CLAUSE_MARK = re.compile(r"[，。；！？、]")  # CJK punctuation between clauses: prose


@dataclass(frozen=True)
class VenueYear:
    """What a venue/date text says; any part may be unknown."""

    venue: str | None = None
    venue_as_written: str | None = None
    track: str | None = None
    presentation: str | None = None
    year: int | None = None
    month: int | None = None
    correction: str | None = None

    def __bool__(self) -> bool:
        return self.venue is not None or self.year is not None


def _expand(two: str) -> int:
    value = int(two)
    return 2000 + value if 2000 + value <= _THIS_YEAR + 1 else 1900 + value


def _short_year_ok(match: re.Match[str]) -> bool:
    """A year glued to a word counts only after a known venue (``SIGIR24``, not ``COD10K``)."""
    return match.group(3) is None or is_known_venue(match.group(3).split("@")[-1])


@functools.lru_cache(maxsize=16384)
def read_date(text: str) -> tuple[int | None, int | None, str]:
    """Find a year (and month) in ``text``; returns them and the text without the date.

    >>> read_date("ACL'23")
    (2023, None, 'ACL')
    >>> read_date("2023/10")
    (2023, 10, '')
    >>> read_date("2024 Jul COLM")
    (2024, 7, 'COLM')
    >>> read_date("VLDB 22'")
    (2022, None, 'VLDB')
    """
    if not _DIGIT.search(text):  # most texts asked (titles, names): every date has digits
        return None, None, text.strip()
    if match := _YEAR_MONTH.search(text):
        year, month = int(match.group(1)), int(match.group(2))
    elif match := _YEAR.search(text):
        year, month = int(match.group(1)), None
    elif (match := _SHORT_YEAR.search(text)) and _short_year_ok(match):
        year, month = _expand(match.group(1) or match.group(2) or match.group(4)), None
    else:
        return None, None, text.strip()
    start = match.start(4) if match.re is _SHORT_YEAR and match.group(4) else match.start()
    rest = (text[:start] + " " + text[match.end() :]).strip()
    if month is None and (word := _MONTH_WORD.search(rest)):
        month = MONTHS[word.group(1).lower()]
        rest = (rest[: word.start()] + " " + rest[word.end() :]).strip()
    return year, month, rest


@functools.lru_cache(maxsize=16384)
def looks_like_venue(text: str, *, acronyms: bool = True, short: bool = True) -> bool:
    """Whether ``text`` (no date) can be a venue name rather than a title or a topic.

    >>> looks_like_venue("IEEE Transactions on Neural Networks and Learning Systems")
    True
    >>> looks_like_venue("CVPR"), looks_like_venue("Contrastive Learning under Heterophily")
    (True, False)
    """
    words = _VENUE_WORD.findall(text)
    if not words or len(words) > 14 or fold(text).strip() in _NOT_VENUES:
        return False
    if _CLAUSE_MARK.search(text):
        return (
            False  # "介绍 Amazon 的推荐系统原理，主要是…": a description, whatever words it holds
        )
    if is_known_venue(text):
        return True
    if ":" in text and len(words) >= 4:  # "Title: Subtitle" is a title
        return False
    folded = {w.casefold().strip("-") for w in words}
    if folded & _VENUE_WORDS or (short and len(words) <= 4 and folded & _SHORT_VENUE_WORDS):
        return True
    if not acronyms:
        return False
    return len(words) <= 3 and any(len(w) <= 12 and _TWO_CAPS.search(w) for w in words)


@functools.lru_cache(maxsize=16384)
def read_venue_year(
    text: str, *, strict: bool = True, acronyms: bool = True, trusted: bool = False
) -> VenueYear:
    """Read venue and date from ``text``; empty :class:`VenueYear` when it is neither.

    ``strict``: everything in ``text`` must be venue or date (badges, table cells);
    otherwise a date alone is accepted and an implausible rest is not taken as venue.
    ``acronyms``: accept an unknown acronym (``TNNLS``) as a venue; badges without a
    year turn it off, so that ``(YORO)`` is not read as a venue.
    ``trusted``: the text stands where a venue is written (a table's venue column,
    italics before a year), so any name is taken.

    >>> v = read_venue_year("Findings of ACL 2023")
    >>> v.venue, v.track, v.year
    ('ACL', 'Findings', 2023)
    >>> v = read_venue_year("2024 ICLR Oral")
    >>> v.venue, v.presentation, v.year
    ('ICLR', 'oral', 2024)
    >>> read_venue_year("Contrastive Learning under Heterophily")
    VenueYear(venue=None, venue_as_written=None, track=None, presentation=None, year=None, month=None, correction=None)
    """
    text = _ALTERNATIVES.split(text, maxsplit=1)[0]  # "NeurIPS Workshop 2023 / ACL 2024"
    if ", " in text and _DIGIT.search(text):
        parts = text.split(", ")
        if all(_YEAR.search(part) for part in parts):  # "arXiv 2019, ICLR 2020"
            text = parts[0]
    year, month, rest = read_date(_CCF.sub(" ", text))
    if year is None and (bare := _BARE_SHORT_YEAR.match(rest)) and looks_like_venue(bare.group(1)):
        year, rest = _expand(bare.group(2)), bare.group(1)  # "ICDCS 13", "VLDB 20"
    if _DIGIT.search(rest):  # pages, volumes and issues are numbers
        rest = _PAGES.sub(" ", rest)
    rest = _BRACKETS.sub(" ", rest)
    rest = _PLACEHOLDERS.sub(" ", rest)
    rest = " ".join(rest.split()).strip(" ,.;:-–—/'’`\"")
    if not rest:
        return VenueYear(year=year, month=month)
    words = rest.split()
    presentation = None
    if len(words) > 1 and words[-1].casefold() in _PRESENTATIONS:
        presentation, words = words[-1].casefold(), words[:-1]
    track = None
    lowered = [w.casefold().strip(",.()") for w in words]
    if len(words) > 1 and lowered[-1] in _TRACKS and is_known_venue(" ".join(words[:-1])):
        track, words = _TRACKS[lowered[-1]], words[:-1]
    elif len(words) > 2 and lowered[0] == "findings" and lowered[1] == "of":
        track, words = "Findings", words[2:]
    written = " ".join(words).strip(" ,.;:-")
    written = _LEAD.sub("", written).strip() or written
    if is_arxiv_venue(written):  # "arXiv preprint arXiv:1605.06409", "CoRR abs/1605.06409"
        return VenueYear("arXiv", written, track, presentation, year, month)
    if written[-1:].isdigit() and (numbered := _TRAILING_NUMBERS.search(written)) is not None:
        named = written[: numbered.start()]  # "Nature 521", "ICML (3) 28": a volume, an issue
        if is_known_venue(named) or looks_like_venue(named, acronyms=False):
            written = named
    if written.casefold() in _TRACKS:  # "(Workshop)" alone is a track, not a venue
        return VenueYear(year=year, month=month) if year else VenueYear()
    plausible = looks_like_venue(written, acronyms=acronyms or year is not None)
    if trusted:
        names = set(re.findall(r"[a-z/]+", fold(written)))
        plausible = bool(names) and not names <= _NOT_VENUES
    if not plausible:
        if strict or year is None:
            return VenueYear()
        return VenueYear(year=year, month=month)
    venue, correction = canonical_venue(written)
    return VenueYear(venue, written, track, presentation, year, month, correction)
