"""Headings -> the list's title, its categories, year sections and navigation sections.

The first heading, when it is an H1, titles the list. Other headings are categories
(a deeper heading is narrower than the one above it), except:

- year headings (``## 2023``, ``#### Year 2022``): they date the entries under them
  and leave them in the category above;
- navigation and housekeeping (Contents, Contributing, Citation, Star History, Contact,
  License, Acknowledgements, ...): entries under them are skipped with that reason.

Headings whose labels differ but fold to the same key (``Data Augmentation`` and
``Data-Augmentation``) are one category; the other spelling is kept as an alternative
label. A category is kept only where papers sit under it (or under a narrower one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.ingest.inline import inline_pieces
from kg.ingest.md_blocks import HeadingRef
from kg.ingest.pieces import plain_text
from kg.model import Category
from kg.text import clean_text, fold, slugify

__all__ = ["Section", "keep_used", "read_sections"]

_NAV_START = re.compile(
    r"^(?:table of contents?|contribut\w*|how to (?:contribute|cite|use this)|citations?\b|"
    r"star history|stargazers|star chart|acknowledge?ments?|licen[cs]e\b|contact\w*|"
    r"related (?:lists?|repos\w*|awesome\w*)|other awesome lists?|awesome lists?\b|"
    r"friendship links?|maintainers?\b|contributors?\b|join us|we are hiring)",
    re.I,
)
_NAV_EXACT = re.compile(
    r"^(?:contents?|toc|menu|navigation|cite|citing|bibtex|news|updates?|change ?log|"
    r"update log|todo|to do|faq|community|about(?: us)?|stars?|sponsors?|thanks|"
    r"disclaimer)\W*$",
    re.I,
)
_YEAR = re.compile(r"^(?:year\s*|in\s+)?((?:19|20)\d\d)s?(?:\s*[-–]\s*(?:19|20)?\d\d)?$", re.I)


@dataclass
class Section:
    """What a heading means for the entries under it."""

    label: str
    level: int
    line: int
    category: Category | None = None
    year: int | None = None
    nav: str | None = None


def _label(heading: HeadingRef) -> str:
    text = plain_text(inline_pieces(heading.inline, line=heading.line))
    text = re.sub(r":[a-z0-9_+\-]+:", " ", text)
    return clean_text(" ".join(text.split()))


def _bare(label: str) -> str:
    """A label without leading numbering, emoji and punctuation, for the word tests."""
    return re.sub(r"^[\W\d_]+", "", label).strip()


def read_sections(headings: Sequence[HeadingRef]) -> tuple[str | None, list[Section]]:
    """The list's title (or ``None``) and one :class:`Section` per heading."""
    sections: list[Section] = []
    title: str | None = None
    categories: dict[str, Category] = {}
    stack: list[Section] = []
    for index, heading in enumerate(headings):
        label = _label(heading)
        section = Section(label, heading.level, heading.line)
        sections.append(section)
        if not label:  # an empty heading is no heading: the one before stays in force
            if stack:
                last = stack[-1]
                section.category, section.year, section.nav = last.category, last.year, last.nav
            continue
        stack = [s for s in stack if s.level < heading.level]
        parent = stack[-1] if stack else None
        stack.append(section)
        if index == 0 and heading.level == 1 and label:
            title = label
            continue
        bare = _bare(label)
        if _NAV_START.match(bare) or _NAV_EXACT.match(bare):
            section.nav = label  # not inherited: lists nest real sections under "Contents"
        if match := _YEAR.match(bare or label):
            section.year = int(match.group(1))
            section.category = parent.category if parent else None
            continue
        section.year = parent.year if parent else None
        if section.nav:
            continue
        section.category = _category(label, parent, categories)
    for section in sections:  # alternative labels gathered after the first sighting
        if section.category is not None:
            section.category = categories[section.category.key]
    return title, sections


def _category(label: str, parent: Section | None, known: dict[str, Category]) -> Category:
    key = slugify(label)
    broader = parent.category.key if parent and parent.category else None
    if key in known:
        found = known[key]
        if fold(label) != fold(found.label) and label not in found.alt_labels:
            known[key] = found.model_copy(update={"alt_labels": (*found.alt_labels, label)})
        return known[key]
    known[key] = Category(key=key, label=label, broader=broader if broader != key else None)
    return known[key]


def keep_used(sections: Iterable[Section], used: set[str]) -> list[Category]:
    """The categories that papers sit under, with every broader one they need."""
    by_key = {s.category.key: s.category for s in sections if s.category is not None}
    keep: set[str] = set()
    for key in used:
        while key and key in by_key and key not in keep:
            keep.add(key)
            key = by_key[key].broader or ""
    return [c for k, c in by_key.items() if k in keep]
