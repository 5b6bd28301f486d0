"""Choosing an entry's title and finding its run of authors among its units.

Title, first match wins (ties go to the earlier unit): a bold link whose label names
something (not ``[pdf]``, ``:octocat:``, a venue); a quoted phrase (citation styles); a
plain link with such a label; bold text that is no badge (``**Name**: rest`` keeps the
rest); the first plain-text field of three words or more that is not a name run or a
venue; long italic text; last, a short name that opens the entry (``- Llama [paper]``).
Links that follow an italic run of names score lower: ``Title | *Authors* |
[Journal](doi)`` names its venue in that link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kg.ingest.entry_text import (
    IN_TEXT,
    LETTER,
    QUOTED,
    SENTENCE_END,
    TRIM,
    author_prefix,
    clean_title,
    fields,
    is_clearly_venue,
    is_venue_text,
    words,
)
from kg.ingest.links import is_generic_label
from kg.ingest.names import name_score, read_authors
from kg.ingest.units import Unit
from kg.ingest.venue_year import read_venue_year

__all__ = [
    "Choice",
    "author_choice",
    "cut_out",
    "emphasised",
    "labels_link",
    "pick_title",
    "title_choices",
]

_LEADING_PUNCTUATION = re.compile(r"^\s*[,.;:)]+\s*")
_BY_AUTHORS = re.compile(r"^(?:by|authors?:?)\s+", re.I)
_CONNECTOR_END = re.compile(r"(?<=\S)[.,]?\s+(?:In|in):?$")
_PROSE_AFTER = re.compile(r"\s+(?!(?:by|in|at|from|and|et|with|for|on)\b)[a-z]+\s+[a-z]+\b")
_WORD_BEFORE = re.compile(r"[^\W\d_]\s+$")
_LOWER_AFTER = re.compile(r"\s+[a-z]")
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.I)
# "DualNet: Continual Learning, Fast and Slow": a name and a colon open a title, which
# then only looks like a run of names ("Authors: A, B" is one)
_HEADED = re.compile(r"^(?!(?:by|authors?|with|from)\s*:)[^,:;]{2,60}:\s+\S", re.I)


@dataclass
class Choice:
    """A title candidate: its cue, its text, the unit it stands in, and its score."""

    cue: str
    text: str
    unit: int
    score: int


def title_choices(units: list[Unit]) -> list[Choice]:
    """Every title candidate of an entry, scored by its cue (see the module docstring)."""
    choices: list[Choice] = []
    first_content = next(
        (i for i, u in enumerate(units) if u.kind != "break" and not u.meta and u.text.strip(TRIM)),
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
        text = clean_title(u.text)
        if not text or not LETTER.search(text):
            continue
        if u.kind == "link":
            if is_generic_label(u.text) or u.image_only:
                continue
            if is_clearly_venue(text) and not u.bold:
                continue
            if italics and italics[0] < i and names_at == len(units):
                names_at = next(
                    (k for k in italics if k < i and name_score(units[k].text) >= 0.75), len(units)
                )
            after_names = 30 if i > names_at else 0  # "Title | *Authors* | [Journal](doi)"
            score = (95 if u.bold else 70) - after_names
            choices.append(Choice("bold-link" if u.bold else "link", text, i, score))
            continue
        if u.kind != "text" or u.code:
            continue
        for match in QUOTED.finditer(u.text):
            quoted = clean_title(match.group(1))
            if words(quoted) >= 2:
                choices.append(Choice("quoted", quoted, i, 90))
        if u.bold:
            if labels_link(units, i):
                continue  # "**VALL-E**: [Title](url)": the bold name labels the linked title
            if _bold_in_prose(units, i):
                continue  # "**The first paper** that introduces ...": emphasis, not a title
            if (
                words(text) >= 2
                or len(text) >= 6
                or (i + 1 < len(units) and units[i + 1].text.lstrip()[:1] in ":：")
            ):
                if not is_clearly_venue(text):
                    choices.append(Choice("bold", text, i, 80))
            continue
        for number, part in enumerate(fields(u.text)):
            cleaned = clean_title(part)
            if _URL.match(cleaned):
                continue  # a bare address is where a title lives, not a title
            # "- Llama [[paper]](..)", "- BIRD-SQL Mini-Dev [[paper]](..)": a short name
            # that opens the entry is its title when nothing better is there
            opening = i == first_content and number == 0 and not u.italic
            if opening and 0 < words(cleaned) <= _opening_words(cleaned):
                if not is_venue_text(cleaned):
                    choices.append(Choice("name", cleaned, i, 20))
            if words(cleaned) < 3 and not (u.italic and words(cleaned) >= 2):
                continue
            if (name_score(cleaned) >= 0.6 and not _HEADED.match(cleaned)) or is_clearly_venue(
                cleaned
            ):
                continue
            if u.italic:
                if words(cleaned) >= 4:
                    choices.append(Choice("italic", cleaned, i, 40 - later))
            else:
                choices.append(Choice("text", cleaned, i, 60 - later))
            break
    return choices


def labels_link(units: list[Unit], i: int) -> bool:
    """Whether bold ``units[i]`` labels the named link after it.

    ``**VALL-E**: [Title](url)`` (a colon between), or ``**[R-max]** <[Title](url)>``
    (a bracketed tag, only punctuation between).
    """
    tag = units[i].text.strip()
    bracketed = tag.startswith("[") and tag.endswith("]")
    link = next((u for u in units[i + 1 : i + 3] if u.kind == "link"), None)
    if link is None or units[i + 1] is not link and units[i + 1].kind != "text":
        return False
    between = "" if units[i + 1] is link else units[i + 1].text.strip()
    separated = between in {":", "："} or (bracketed and not LETTER.search(between))
    return (
        separated
        and not (units[i + 1] is not link and units[i + 1].bold)
        and not is_generic_label(link.text)
        and not link.image_only
        and words(clean_title(link.text)) >= 2
    )


def _quoted(units: list[Unit], title: Choice | None) -> bool:
    """Whether the title stands in quotes (its cue, or quote marks around its unit)."""
    if title is None:
        return False
    if title.cue == "quoted":
        return True
    i = title.unit
    return (
        0 < i < len(units) - 1
        and units[i - 1].kind == "text"
        and units[i - 1].text.rstrip().endswith(('"', "“"))
        and units[i + 1].kind == "text"
        and units[i + 1].text.lstrip(" .,").startswith(('"', "”"))
    )


def emphasised(units: list[Unit]) -> frozenset[int]:
    """The styled units that are emphasis in a sentence (read before the title is cut out)."""
    return frozenset(
        i
        for i, u in enumerate(units)
        if (u.italic and _mid_sentence(units, i)) or (u.bold and _bold_in_prose(units, i))
    )


def _mid_sentence(units: list[Unit], i: int) -> bool:
    """Whether unit ``i`` stands inside a sentence: a word before it, a lower-case word after."""
    before = units[i - 1] if i > 0 else None
    after = units[i + 1] if i + 1 < len(units) else None
    return (
        before is not None
        and after is not None
        and before.kind == after.kind == "text"
        and _WORD_BEFORE.search(before.text) is not None
        and _LOWER_AFTER.match(after.text) is not None
    )


def _bold_in_prose(units: list[Unit], i: int) -> bool:
    """Whether bold unit ``i`` is emphasis in a sentence rather than a title.

    Inside a sentence (a word before it, a lower-case word after), or opening one that
    goes on in lower-case words (``**The first paper** that explicitly ...``; a
    ``**Title** by A`` or ``**Title** in ICML`` goes on with a connector, which is no prose).
    """
    after = units[i + 1] if i + 1 < len(units) and units[i + 1].kind == "text" else None
    if after is None:
        return False
    return _mid_sentence(units, i) or _PROSE_AFTER.match(after.text) is not None


def _opening_words(text: str) -> int:
    """How many words the text that opens an entry may have to be its title at worst.

    A short name (``Llama``, ``BIRD-SQL Mini-Dev``), or one phrase that only reads as a
    single long name (``[CVPR 2023] Region-specific Diffeomorphic Metric Mapping``): a
    run of several names (``Shirui Pan, Jia Wu``) stays a run.
    """
    return 10 if len(read_authors(text).names) == 1 else 4


def pick_title(units: list[Unit]) -> Choice | None:
    """The best title candidate (earliest on a tie), with ``**Name**: rest`` joined."""
    choices = title_choices(units)
    if not choices:
        return None
    best = max(choices, key=lambda c: (c.score, -c.unit))
    if best.cue == "bold" and best.unit + 1 < len(units):
        after = units[best.unit + 1]
        if after.kind == "text" and not after.bold and after.text.lstrip()[:1] in ":：":
            rest = fields(after.text.lstrip()[1:])
            if rest and words(rest[0]) >= 1 and name_score(rest[0]) < 0.6:
                best.text = clean_title(f"{best.text}: {rest[0]}")
    if best.cue == "text":
        # "Title. In *ICML 2017*.": the connector before the venue is no part of the title
        best.text = _CONNECTOR_END.sub("", best.text)
        # "Title. arXiv preprint arXiv:1507.08104": a venue after a sentence end neither
        for end in SENTENCE_END.finditer(best.text):
            if (
                words(best.text[: end.start()]) >= 2
                and read_venue_year(best.text[end.end() :], strict=False, acronyms=False).venue
            ):
                best.text = best.text[: end.start()]
                break
        best.text = re.sub(r"\s*[.。]\s*$", "", best.text)
    return best


def cut_out(unit: Unit, title: str) -> None:
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


def author_choice(
    units: list[Unit],
    title: Choice | None,
    roles: Sequence[str | None] = (),
    emphasis: frozenset[int] = frozenset(),
) -> tuple[int, str] | None:
    """The first name run after the title (then before it), and its unit.

    In a table, only the title, name and author columns are searched: a "Presenter"
    or "Maintainer" column names people who did not write the paper (and the name
    column only when there is no title column).
    """
    start = title.unit if title is not None else -1
    ordered = [i for i in range(len(units)) if i > start]
    before = [i for i in range(len(units)) if i <= start]
    # a quoted title is a citation's: its authors come before it ('Sutskever, Ilya, et al.
    # "**Title**." ICML 2013 **(Momentum optimizer)**')
    ordered = [*before, *ordered] if _quoted(units, title) else [*ordered, *before]
    if title is not None and title.cue in IN_TEXT:
        # what is left of the title's own text first: "Hodge, V. and Austin, J., 2004. A
        # survey of ... *Artificial intelligence review*" names its authors there
        ordered = [start, *(i for i in ordered if i != start)]
    # beside a title column, a name column names the model ("| MSA Transformer | [Title] |")
    searched = {"title", "authors"} if "title" in roles else {"title", "name", "authors"}
    for i in ordered:
        u = units[i]
        if u.kind != "text" or u.meta or u.code:
            continue
        if roles and (u.cell >= len(roles) or roles[u.cell] not in searched):
            continue
        if title is not None and i == title.unit and title.cue not in IN_TEXT:
            continue
        if i in emphasis:
            continue  # "assume an *a priori* notion": emphasis in prose, not a name
        for part in fields(u.text):
            part = _LEADING_PUNCTUATION.sub("", part)
            part = _BY_AUTHORS.sub("", part.strip())
            candidate = author_prefix(part, lenient=u.italic)
            if candidate is not None:
                return i, candidate
    return None
