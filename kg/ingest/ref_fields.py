"""Fields that reference managers write one way and lists another: DOIs, arXiv ids, dates.

BibTeX and CSL-JSON readers share these small rules, so the same paper read from a
Zotero export, a DBLP ``.bib`` and a Markdown list gets the same DOI, the same arXiv id
and so the same key. Each function returns ``None`` for what it cannot read; the reader
decides whether that is worth a warning.
"""

from __future__ import annotations

import re

from kg.ingest.links import arxiv_id_of, doi_of
from kg.ingest.venues import canonical_venue
from kg.text import fold

__all__ = [
    "ARXIV",
    "arxiv_id_in",
    "clean_doi",
    "month_of",
    "paper_venue",
    "read_iso_date",
]

#: The venue every arXiv-only preprint gets, as the Markdown reader spells it.
ARXIV = "arXiv"
_NEW_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d.])")
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(\d{4}\.\d{4,5})$", re.I)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.I)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:[T ].*)?(?:/.*)?\s*$")
#: Venue spellings that mean "an arXiv preprint": DBLP's CoRR, Google Scholar's
#: "arXiv preprint arXiv:2311.12022", "ArXiv e-prints", "arXiv.org".
_ARXIV_VENUE = re.compile(r"^(?:corr|arxiv(?:\.org)?(?:\s+(?:preprint|e-?prints?))?)\b", re.I)


def arxiv_id_in(text: str) -> str | None:
    """A new-style arXiv id written in ``text`` (an eprint field, a URL, a DOI), else ``None``.

    >>> arxiv_id_in("2308.03958v2"), arxiv_id_in("arXiv preprint arXiv:2311.12022")
    ('2308.03958', '2311.12022')
    >>> arxiv_id_in("10.48550/ARXIV.2509.21665"), arxiv_id_in("hep-th/9901001")
    ('2509.21665', None)
    """
    text = text.strip()
    if (found := arxiv_id_of(text)) is not None:
        return found
    if (match := _ARXIV_DOI.match(text)) is not None:
        return match.group(1)
    if text.lower().startswith(("http://", "https://")):
        return None
    match = _NEW_ID.search(text)
    return match.group(1) if match else None


def clean_doi(raw: str) -> str | None:
    """A bare DOI from what people write (resolver URLs, ``doi:`` prefixes), else ``None``.

    >>> clean_doi("https://doi.org/10.1145/2858036.2858428"), clean_doi("doi:10.1037/h0023552")
    ('10.1145/2858036.2858428', '10.1037/h0023552')
    >>> clean_doi("not a doi") is None
    True
    """
    text = _DOI_PREFIX.sub("", raw.strip()).strip()
    if _DOI.match(text) and len(text) <= 300:
        return text
    if text.lower().startswith(("http://", "https://")):
        return doi_of(text)
    return None


def month_of(raw: str) -> int | None:
    """A month number from ``jan``, ``January``, ``1`` or ``01``; ``None`` otherwise.

    >>> month_of("jan"), month_of("September"), month_of("12"), month_of("13")
    (1, 9, 12, None)
    """
    text = raw.strip().rstrip(".").lower()
    if text.isdigit():
        number = int(text)
        return number if 1 <= number <= 12 else None
    return _MONTHS.get(text[:3]) if len(text) >= 3 else None


def read_iso_date(raw: str) -> tuple[int, int | None] | None:
    """Year and month of an ISO 8601 / EDTF date (``2021-10-20``, ``2020-09-20T19:01Z``).

    >>> read_iso_date("2021-10-20"), read_iso_date("2010"), read_iso_date("circa")
    ((2021, 10), (2010, None), None)
    """
    match = _ISO.match(raw)
    if match is None:
        return None
    month = int(match.group(2)) if match.group(2) else None
    return int(match.group(1)), month if month is not None and 1 <= month <= 12 else None


def paper_venue(written: str | None) -> tuple[str | None, str | None, str | None]:
    """``(venue, venue_as_written, arxiv_id)`` of a venue as a reference manager wrote it.

    Any spelling of an arXiv preprint is the venue ``arXiv`` (the written form is kept
    as written, and an id in it is returned); a short name the Markdown reader knows
    gets its canonical spelling; anything else is kept as written.

    >>> paper_venue("CoRR")
    ('arXiv', 'CoRR', None)
    >>> paper_venue("arXiv preprint arXiv:2311.12022")
    ('arXiv', 'arXiv preprint arXiv:2311.12022', '2311.12022')
    >>> paper_venue("Journal of Neural Engineering")
    ('Journal of Neural Engineering', None, None)
    """
    if written is None or not written.strip():
        return None, None, None
    written = written.strip()
    if _ARXIV_VENUE.match(written):
        return ARXIV, (written if written != ARXIV else None), arxiv_id_in(written)
    venue, _ = canonical_venue(written)
    return venue, (written if fold(venue) != fold(written) or venue != written else None), None
