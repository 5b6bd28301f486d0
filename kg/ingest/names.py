"""Author runs: ``A. One, B. Two and C. Three``, ``Last, First and Last, First``, ``et al.``.

A run is split on commas, semicolons, ``and`` and ``&``; whether commas separate people
or a family name from given names is decided from the run itself: ``Last, First and
Last, First`` (BibTeX style, every ``and`` part holding exactly one comma), or a run of
two-part groups, reads as inverted names and is turned round. ``et al.``, ``and others``
and ``N hidden`` say the list cut the run short: a flag, never a person.

:func:`name_score` says how name-shaped a text is, which the field recogniser uses to
tell authors from titles and venues without a list of known people.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.ingest.venues import is_known_venue

__all__ = ["AuthorRun", "looks_like_name", "name_score", "read_authors"]

_ET_AL = re.compile(
    r"(?:,?\s*(?:and\s+)?(?:et\.?\s*al\.?|etc\.?|and\s+others|others)\s*\.?\s*$)"
    r"|(?:\.{3}\s*\d+\s+hidden\s*\.{3})",
    re.I,
)
_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le",
    "bin", "al", "el", "ter", "ten", "zu", "y", "st", "mc", "'t",
}  # fmt: skip
_NOT_NAME_WORDS = {
    "the", "a", "not", "no", "see", "this", "that", "these", "those", "here", "more",
    "all", "other", "also", "please", "check", "find", "our", "your", "its", "their", "of", "for", "with", "via", "on", "in", "to", "from", "using", "towards",
    "learning", "network", "networks", "model", "models", "language", "data", "deep",
    "neural", "large", "graph", "survey", "benchmark", "dataset", "attack", "attacks",
    "detection", "training", "analysis", "framework", "approach", "method", "methods",
    "system", "systems", "paper", "code", "pdf", "arxiv", "conference", "journal",
    "proceedings", "transactions", "workshop", "university", "institute", "lab", "team",
    "labs", "laboratory", "academy", "college", "school", "group", "inc", "corp",
    "corporation", "company", "center", "centre", "research", "tech", "technology",
    "preprint", "is", "are", "we", "new", "and", "or", "by", "at", "as", "be",
}  # fmt: skip
# Words no name ends with: "Minimizing", "Segmentation", "Robustness" (a title read as
# one long name: "... by Maximizing Transfer and Minimizing Interference").
_PROSE_WORD = re.compile(r"\w{3,}(?:[iy][sz]ing|ations?|[ts]ions?|ness|\w{4}ments?)\b", re.I)
_LETTERS = re.compile(r"[^\W\d_]")
_MARKS = re.compile(r"[*†‡§¶#∗✉]+|\\\*|\d+$|\(\s*\)")  # footnote marks, affiliations
_NAME_BREAK = re.compile(r",|\s+and\s+|\s*&\s*|\s*;\s*")
_QUOTED_PART = re.compile(r"^[\"“”'‘’].*[\"“”'‘’]$")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# a word of a name; ' ^ " ~ ` inside are remnants of LaTeX accents (Su'arez, Beno^it)
_WORD = re.compile(r"^(?:[^\W\d_]\.)*[^\W\d_][^\W\d_'’\-.^\"~`]*(?:[-'’][^\W\d_]+)*\.?$")


def _is_initials(word: str) -> bool:
    bare = word.replace(".", "").replace("-", "")
    return 0 < len(bare) <= 3 and bare.isalpha() and bare.isupper()


@dataclass(frozen=True)
class AuthorRun:
    """People in the order written, and whether the list cut the run short."""

    names: tuple[str, ...]
    truncated: bool = False


def _clean(name: str) -> str:
    name = _MARKS.sub("", name)
    return " ".join(name.split()).strip(" ,.;:")


@functools.lru_cache(maxsize=16384)
def looks_like_name(text: str) -> bool:
    """Whether one written name is shaped like a person's name.

    >>> looks_like_name("Noah A. Smith"), looks_like_name("Lowe R"), looks_like_name("Deep Learning")
    (True, True, False)
    """
    words = _INVISIBLE.sub("", _clean(text)).split()  # bidi and zero-width marks: no letters
    if not 1 <= len(words) <= 6:
        return False
    if any(
        len(w.strip(".,")) > 1
        and w.casefold().strip(".,") in _NOT_NAME_WORDS
        and not (w.isupper() and len(w.strip(".,")) == 2)  # initials: "AT Liu", "OR Smith"
        for w in words
    ):
        return False
    if len(text) <= 200 and _PROSE_WORD.search(text):  # bounded: the pattern backtracks
        return False
    capitalised = 0
    for word in words:
        bare = word.strip(".,")
        if bare.casefold() in _PARTICLES:
            continue
        if not (_WORD.match(word) or _is_initials(word)):
            return False
        if len(bare) >= 3 and bare.isupper() and is_known_venue(bare):
            return False  # ICML, AAMAS: venues, not people
        if (
            word.endswith(".")
            and len(bare) > 2
            and not _is_initials(word)
            and bare not in {"Jr", "Sr", "St"}
        ):
            return False  # "Marco. ICML": a sentence ends inside the run
        if bare[:1].isupper() or not bare[:1].isalpha() or not bare[:1].islower():
            capitalised += 1
    # lists also write names in lower case ("haidong xu"): two or three plain words
    return capitalised >= 1 or (2 <= len(words) <= 3 and all(w.isalpha() for w in words))


def _one_surname(text: str) -> bool:
    """One family name, with its particles: ``Rojat``, ``Del Ser``, ``van der Maaten``."""
    words = text.split()
    return bool(words) and all(w.casefold() in _PARTICLES for w in words[:-1])


def _split(text: str) -> tuple[list[str], bool]:
    """Parts of a run, and whether they are ``Last, First`` inverted names."""
    and_parts = [
        re.sub(r"^and\s+", "", p.strip())
        for p in re.split(r"\s+and\s+|\s*&\s*|\s*;\s*", text)
        if p.strip()
    ]
    and_parts = [p.rstrip(",") for p in and_parts]
    if len(and_parts) > 1 and all(p.count(",") == 1 for p in and_parts):
        return [" ".join(reversed([s.strip() for s in p.split(",")])) for p in and_parts], True
    parts = [p.strip() for p in _NAME_BREAK.split(text) if p.strip()]
    if len(parts) >= 2 and len(parts) % 2 == 0 and "," in text:  # "A, B., C, D. and E, F."
        pairs = list(zip(parts[::2], parts[1::2], strict=True))
        latin_lasts = all(re.match(r"[A-Za-z\u00c0-\u024f]", last) for last, _ in pairs)
        if (
            latin_lasts
            and all(_one_surname(last) and len(first.split()) <= 3 for last, first in pairs)
            and all(
                len(first.strip(".")) > 2 or first.endswith(".") or _is_initials(first)
                for _, first in pairs
            )
        ):
            return [f"{first} {last}" for last, first in pairs], True
    latin = bool(parts) and bool(re.match(r"[A-Za-z\u00c0-\u024f]", parts[0]))
    comma_first = re.match(r"^[^,&;]+,", text) is not None  # "Qi & Li" is two people
    if (
        latin
        and comma_first
        and len(parts) >= 2
        and len(parts[0].split()) == 1
        and 1 <= len(parts[1].split()) <= 2
    ):
        rest = parts[2:]
        if not _is_initials(parts[1].replace(" ", "")) and all(len(r.split()) >= 2 for r in rest):
            # MLA: only the first name is inverted ("Tuyls, Karl, and Gerhard Weiss")
            return [f"{parts[1]} {parts[0]}", *rest], True
    return parts, False


@functools.lru_cache(maxsize=16384)
def read_authors(text: str) -> AuthorRun:
    """Split an author run into names, in order, with the cut-short flag.

    >>> read_authors("Yiming Li, Yong Jiang, and Shu-Tao Xia.")
    AuthorRun(names=('Yiming Li', 'Yong Jiang', 'Shu-Tao Xia'), truncated=False)
    >>> read_authors("Grave, Edouard and Bojanowski, Piotr")
    AuthorRun(names=('Edouard Grave', 'Piotr Bojanowski'), truncated=False)
    >>> read_authors("Lowe R, Wu Y, Tamar A, et al.")
    AuthorRun(names=('Lowe R', 'Wu Y', 'Tamar A'), truncated=True)
    """
    text = " ".join(text.split()).strip(" ,.;:|")
    truncated = False
    while match := _ET_AL.search(text):
        truncated = True
        glue = " and " if match.end() < len(text) else ""
        text = (text[: match.start()] + glue + text[match.end() :]).strip(" ,.;")
    text = re.sub(r"^(?:by|authors?:?)\s+", "", text, flags=re.I)
    parts, _ = _split(text)
    # a quoted phrase or a part with no letter is no person ('"Learning"', '-')
    names = tuple(
        n
        for n in (_clean(p) for p in parts)
        if n and _LETTERS.search(n) and not _QUOTED_PART.match(n)
    )
    return AuthorRun(names, truncated)


@functools.lru_cache(maxsize=16384)
def name_score(text: str) -> float:
    """The share of a run's parts that are name-shaped (0 when it is surely not a run).

    >>> name_score("Can Xu, Qingfeng Sun, Kai Zheng")
    1.0
    >>> name_score("Fast model-based protein homology detection without alignment")
    0.0
    """
    run = read_authors(text)
    if not run.names:
        return 0.0
    if len(run.names) == 1 and not run.truncated and len(run.names[0].split()) > 5:
        return 0.0
    if any(len(name.split()) > 6 for name in run.names):
        return 0.0  # a part of seven words or more is prose, not a person
    named = sum(looks_like_name(n) for n in run.names)
    return named / len(run.names)
