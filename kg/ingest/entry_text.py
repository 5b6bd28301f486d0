"""Text tests the entry recogniser shares: cleaning a title, venue or name run, fields.

A field is a stretch of plain text between separators a reader sees (``|``, a dash
between spaces, an em space, ``by`` before a run of names, a period before one). A name
run is found by :func:`author_prefix`: the longest start of a text that is a run of
names, so that ``A, B. ICML 2018`` stops before the venue, in linear time.
"""

from __future__ import annotations

import functools
import re

from kg.ingest.names import name_score, read_authors
from kg.ingest.venue_year import looks_like_venue, read_date, read_venue_year
from kg.ingest.venues import is_known_venue
from kg.text import clean_text

__all__ = [
    "CJK_NAME",
    "IN_TEXT",
    "EMOJI",
    "LETTER",
    "QUOTED",
    "SENTENCE_END",
    "TRIM",
    "YEARISH",
    "author_prefix",
    "clean_title",
    "fields",
    "is_clearly_venue",
    "is_venue_text",
    "lone_words_ok",
    "words",
]

QUOTED = re.compile(r"[\"“”„]\s*([^\"“”„]{8,400}?)\s*[\"“”]")
EMOJI = re.compile(
    r"[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200d]|:[a-z0-9_+\-]+:", re.I
)
TRIM = " \t.,;:|–—-•·*_~\"“”'’`[](){}\u2003\u2002\u00a0"
CJK_NAME = re.compile(r"^[\u3400-\u9fff\uac00-\ud7af]{2,4}$")  # 赵鑫, 김민수: no spaces
LETTER = re.compile(r"[^\W\d_]")
YEARISH = re.compile(r"(?<!\d)(?:1[89]|20)\d\d(?!\d)|'\d\d\b|\d+\s*[-–]\s*\d+")
# Patterns that open with white space start after a non-space ((?<!\s)): tried at every
# place of a long run of spaces they would take quadratic time.
_BY = re.compile(r"(?<!\s)\s+by\s+(?=[A-Z])")
SENTENCE_END = re.compile(r"(?<=[^\s.]{3})\.\s+(?=[A-Z])")
_MATH_BRACE = re.compile(r"\$[{}]\$")
_BEFORE_LAST_YEAR = re.compile(r"(?<![\s,])[\s,]+(?=(?:19|20)\d\d\W*$)")
_FIELD_BREAK = re.compile(r"(?<!\s)\s*\|\s*|(?<!\s)\s+[-–—]\s+|\u2003")
# ", CVPR 2017" ending a field; ", Hongyuan Zha. arXiv 2020" or ", et al. ICML 2018"
# (a period inside) ends a run of names, which the author reader splits itself
# "Chandola, V., Banerjee, A. and Kumar, V., 2009. Anomaly detection: A survey."
_AUTHOR_YEAR = re.compile(
    r"^\s*(\S.{2,400}?)[,.]?\s{1,3}\(?((?:19|20)\d\d)[a-z]?(?:,\s*[A-Z][a-z]{2,8})?\)?\.\s+(?=\S)"
)
_COMMA_TAIL = re.compile(r",\s+((?:[^,.]|\.(?!\s)){2,80}?)[\s.]*$")
_DIGIT = re.compile(r"\d")

IN_TEXT = {"quoted", "text", "italic", "name"}  # title cues that leave the rest of their unit


@functools.lru_cache(maxsize=16384)
def clean_title(text: str) -> str:
    """A title without emoji, wrapping quotes or brackets, or trailing punctuation.

    Brackets are kept when balanced: ``A code title (with parens)`` stays whole.
    """
    text = " ".join(EMOJI.sub(" ", clean_text(text)).split()).replace("\\", "")
    if "$" in text:  # "${$FwdLLM$}$": braces a .bib export put in math mode
        text = _MATH_BRACE.sub("", text)
    while True:
        trimmed = text.strip(TRIM)
        for open_, close in ("()", "[]", "{}", "“”", "<>"):
            if text.endswith(close) and trimmed.count(open_) > trimmed.count(close):
                trimmed += close
        lead = text[: len(text) - len(text.lstrip(TRIM))]
        if '"' in lead and trimmed.count('"') % 2:  # '"You are grounded!": A Title'
            trimmed = '"' + trimmed
        if trimmed == text:
            return text
        text = trimmed


def words(text: str) -> int:
    """How many words (runs of letters and digits) ``text`` holds."""
    return len(re.findall(r"\w+", text))


@functools.lru_cache(maxsize=16384)
def is_venue_text(text: str) -> bool:
    """Whether ``text`` reads as a venue (the loose test: any venue word or known name)."""
    reading = read_venue_year(text, strict=True, acronyms=False)
    return reading.venue is not None and words(text) <= 10


def is_clearly_venue(text: str) -> bool:
    """A venue beyond doubt (a known name, or a venue word such as Journal), never a title.

    ``GPT-4 Technical Report`` or ``Nature of Things`` read as venues by the loose test
    but may well be titles; a title candidate is dropped only on this stricter one.
    """
    reading = read_venue_year(text, strict=True, acronyms=False)
    return (
        reading.venue is not None
        and words(text) <= 10
        and looks_like_venue(reading.venue_as_written or "", acronyms=False, short=False)
    )


def split_by(text: str) -> str:
    """Mark ``Title by A, B. Venue`` as two fields, only where a name run follows ``by``."""
    for match in _BY.finditer(text):
        after = text[match.end() :]
        head = author_prefix(after)
        if head is None:
            continue
        run = read_authors(head)
        # one "name" alone could be the rest of a title ("... by Regularized Pre-training")
        if len(run.names) > 1 or run.truncated or read_date(after[len(head) :])[0] is not None:
            return text[: match.start()] + " | " + after
    return text


def split_sentence(text: str) -> str:
    """Mark ``Title. A, B. Venue Year`` as fields where a run of names follows a period."""
    for match in SENTENCE_END.finditer(text):
        after = text[match.end() :]
        head = author_prefix(after)
        if head is not None:
            run = read_authors(head)
            if len(run.names) > 1 or run.truncated:
                return text[: match.start()] + " | " + after
    return text


def split_author_year(text: str) -> str:
    """Mark ``A, B. and C, D., 2009. Title. Venue`` (Harvard, APA) as names, year and the rest.

    Only where what stands before the year is a run of names.
    """
    if not _DIGIT.search(text) or (match := _AUTHOR_YEAR.match(text)) is None:
        return text
    if author_prefix(match.group(1)) is None:
        return text
    date = text[match.start(2) : match.end()].strip(" .()")  # "2017, August"
    return f"{match.group(1)} | {date} | {text[match.end() :]}"


def fields(text: str) -> list[str]:
    """The fields of a plain text, in order (see the module docstring)."""
    parts = _FIELD_BREAK.split(split_by(split_sentence(split_author_year(text))))
    return [
        f
        for part in parts
        for f in (_venue_tail(part) if _DIGIT.search(part) else (part,))
        if f.strip(TRIM)
    ]


def _venue_tail(part: str) -> list[str]:
    """``Title, CVPR 2017`` as two fields: a comma before a venue and year ends a field."""
    if (match := _COMMA_TAIL.search(part)) is None:
        return [part]
    tail = read_venue_year(match.group(1), strict=True, acronyms=False)
    written = tail.venue_as_written or ""
    if tail.year is None or not (
        is_known_venue(written) or looks_like_venue(written, acronyms=False, short=False)
    ):
        return [part]
    return [part[: match.start()], match.group(1)]


def lone_words_ok(head: str, *, lenient: bool = False) -> bool:
    """Whether a run names people, not lone words ("Hybrid", "CS, SE").

    ``M.Barni`` counts as two parts; in italics one lone name is taken (``*OpenAI.*``).
    """
    run = read_authors(head)
    if run.truncated or (lenient and len(run.names) == 1 and len(run.names[0]) >= 3):
        return True
    return any(
        len(re.split(r"[\s.]+", name.strip("."))) > 1 or CJK_NAME.match(name) for name in run.names
    )


@functools.lru_cache(maxsize=16384)
def author_prefix(text: str, *, lenient: bool = False) -> str | None:
    """The longest start of ``text`` that is a name run (the rest is venue and year).

    A run of names only is preferred to a longer run with a stray part, so that ``A, B.
    ICML 2018`` stops before the venue.
    """
    text = text.strip(TRIM)
    if not text or not LETTER.search(text):
        return None
    # where names may end: before ". Venue" or ", Venue Year" (the last few of each, so
    # that a run of thousands of names costs linear time)
    dots = [m.start() for m in re.finditer(r"\.\s+(?=\S)", text)][-4:]
    commas = [m.start() for m in re.finditer(r",\s+(?=\S)", text)][-3:]
    if not YEARISH.search(text) and name_score(text) == 1.0 and lone_words_ok(text):
        return text  # the common case: the whole text is the run
    trailing = [m.start() for m in _BEFORE_LAST_YEAR.finditer(text)]
    cuts = sorted({*dots, *commas, *trailing, len(text)})
    heads = []
    for cut in reversed(cuts):
        head, rest = text[:cut].strip(), text[cut:].strip(TRIM)
        bare = re.sub(r"\.{3}\s*\d+\s+hidden\s*\.{3}", " and ", head)
        if head and not YEARISH.search(bare):
            if not rest or read_venue_year(rest, strict=False) or not LETTER.search(rest):
                heads.append(head)
    for threshold in (1.0, 0.5 if lenient else 0.75):  # italics are a cue of their own
        for head in heads:
            if not lone_words_ok(head, lenient=lenient):
                continue  # lone words ("Hybrid", "CS, SE") are no people, unless in italics
            if name_score(head) >= threshold:
                return head
    return None
