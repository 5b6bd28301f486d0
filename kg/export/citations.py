"""What BibTeX and CSL-JSON exports share: citation keys, entry kinds, name parts.

Citation keys are ``lastnameYEARfirstword`` (``wang2023selfinstruct``), ASCII, as
Google Scholar and many LaTeX users write them. Papers that would share a key get
``a``, ``b``, ... suffixes in the order of their paper keys, so the keys of a build
depend only on its papers (no counter, no time). A paper with no author or year uses
what it has (``2023selfinstruct``, ``wangselfinstruct``).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterable
from enum import StrEnum

from bibtexparser.middlewares.names import InvalidNameError, parse_single_name_into_parts

from kg.ingest.ref_fields import ARXIV
from kg.ingest.venues import is_known_venue
from kg.model import LinkKind, Paper
from kg.text import fold

__all__ = ["Kind", "citation_keys", "entry_kind", "name_parts", "paper_url"]

_STOP = {"a", "an", "the", "on", "of", "in", "for", "and", "to", "towards", "toward", "with"}
_PROCEEDINGS = re.compile(
    r"\b(proc\.?|proceedings|conference|workshops?|symposium|meeting|congress|"
    r"findings|convention|colloquium)\b",
    re.I,
)
#: Short venue names (the Markdown reader's table) that name journals, not conferences.
_JOURNALS = {"tmlr", "jmlr", "tacl", "tpami", "pami", "nature", "science", "csur"}


class Kind(StrEnum):
    """What kind of work an exported entry is, as BibTeX and CSL name it."""

    PREPRINT = "preprint"
    CONFERENCE = "conference"
    JOURNAL = "journal"
    OTHER = "other"


def entry_kind(paper: Paper) -> Kind:
    """A preprint (venue arXiv), a conference paper, a journal article, or other.

    The kind comes from the venue alone (the model keeps no entry type): a name with
    "Proceedings", "Conference", "Workshop", ... or a known conference acronym is a
    conference; any other venue a journal; no venue: other.
    """
    venue = paper.venue
    if venue is None:
        return Kind.OTHER
    if venue == ARXIV:
        return Kind.PREPRINT
    if _PROCEEDINGS.search(venue):
        return Kind.CONFERENCE
    if is_known_venue(venue) and fold(venue) not in _JOURNALS and "journal" not in fold(venue):
        return Kind.CONFERENCE
    return Kind.JOURNAL


def name_parts(name: str) -> dict[str, str]:
    """CSL name parts of a display name (``First von Last Jr``), by BibTeX's rules.

    >>> name_parts("Jean de la Fontaine")
    {'given': 'Jean', 'non-dropping-particle': 'de la', 'family': 'Fontaine'}
    >>> name_parts("TCGA"), name_parts("Barnes and Noble")
    ({'literal': 'TCGA'}, {'literal': 'Barnes and Noble'})
    """
    return dict(_name_parts(name))  # a copy: the caller may change it


@functools.lru_cache(maxsize=65536)
def _name_parts(name: str) -> dict[str, str]:
    """:func:`name_parts`, each name parsed once (authors recur, and both exports ask)."""
    if " and " in f" {name} " or "," in name or "{" in name or "}" in name:
        return {"literal": name}
    try:
        parts = parse_single_name_into_parts(name, strict=True)
    except InvalidNameError:
        return {"literal": name}
    if not parts.first and not parts.von and not parts.jr:
        return {"literal": name}
    out = {"given": " ".join(parts.first)}
    if parts.von:
        out["non-dropping-particle"] = " ".join(parts.von)
    out["family"] = " ".join(parts.last)
    if parts.jr:
        out["suffix"] = " ".join(parts.jr)
    return {k: v for k, v in out.items() if v}


def _stem(paper: Paper) -> str:
    last = ""
    if paper.authors:
        parts = name_parts(paper.authors[0])
        last = parts.get("family") or parts.get("literal", "")
    words = [w for w in re.findall(r"[a-z0-9]+", fold(paper.title)) if w not in _STOP]
    first = words[0] if words else ""
    stem = re.sub(r"[^a-z0-9]", "", fold(last)) + (str(paper.year) if paper.year else "") + first
    return stem or "paper"


def citation_keys(papers: Iterable[Paper]) -> dict[str, str]:
    """Paper key -> citation key, unique, the same for the same papers in any order.

    >>> from kg.model import SourceRef
    >>> def p(key, title, who):
    ...     return Paper(key=key, title=title, year=2023, authors=(who,), list_key="l",
    ...                  source=SourceRef(file="l.md", line=1))
    >>> citation_keys([p("b", "Self-Instruct", "Yizhong Wang"), p("a", "Self-Instruct v2", "Y. Wang")])
    {'a': 'wang2023selfa', 'b': 'wang2023selfb'}
    """
    by_stem: dict[str, list[str]] = {}
    for paper in papers:
        by_stem.setdefault(_stem(paper), []).append(paper.key)
    keys: dict[str, str] = {}
    used = {stem for stem, paper_keys in by_stem.items() if len(paper_keys) == 1}
    for stem, paper_keys in sorted(by_stem.items()):
        ordered = sorted(paper_keys)
        if len(ordered) == 1:
            keys[ordered[0]] = stem
            continue
        index = 0
        for key in ordered:
            while stem + _suffix(index) in used:  # "wang2023selfa" may be another's stem
                index += 1
            keys[key] = stem + _suffix(index)
            used.add(keys[key])
            index += 1
    return dict(sorted(keys.items()))


def _suffix(index: int) -> str:
    """``a`` .. ``z``, then ``aa``, ``ab``, ... (spreadsheet columns, lower case)."""
    letters = string.ascii_lowercase
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


def paper_url(paper: Paper) -> str | None:
    """The paper's own page or PDF (not its code or data), if the lists give one."""
    for kind in (LinkKind.PAPER_PAGE, LinkKind.PDF, LinkKind.HOMEPAGE):
        for link in paper.links:
            if link.kind is kind:
                return link.url
    return None
