"""An entry's categories: the heading it stands under, plus a hybrid label's parts.

Some lists mark an entry that belongs to several sections with a bold label before its
title (``**Distill+Environment**：``). Each part is matched to a category of the list,
exactly, by prefix, by first word, or (reported as a possible typo) by a close spelling.
"""

from __future__ import annotations

import bisect
import difflib
import re
from typing import TYPE_CHECKING

from kg.model import Category, Diagnostic, SourceRef
from kg.text import fold

if TYPE_CHECKING:
    from kg.ingest.entries import EntryContext
    from kg.ingest.entry_fields import Reading
    from kg.ingest.sections import Section

__all__ = ["CategoryIndex", "subjects_of"]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


class CategoryIndex:
    """The categories of one list, indexed once for hybrid labels.

    Each part then matches in about constant time, so thousands of categories and hybrid
    entries stay linear.
    Rules, first match wins: the folded label or an alternative label; a label that starts
    with the part or is a start of it (4+ letters; the smallest label in sorted order); the
    first word (4+ letters); a close spelling (a possible typo), among labels that share the
    part's first three letters when there are more than 500 categories.
    """

    def __init__(self, categories: dict[str, Category]) -> None:
        ordered = sorted(((_norm(c.label), c) for c in categories.values()), key=lambda x: x[0])
        self.norms = [norm for norm, _ in ordered]
        self.by_norm = dict(ordered)
        self.exact: dict[str, Category] = {}
        for norm, category in ordered:
            self.exact.setdefault(norm, category)
            for alt in category.alt_labels:
                self.exact.setdefault(_norm(alt), category)
        self.first_word: dict[str, Category] = {}
        for category in sorted(categories.values(), key=lambda c: c.key):
            words = re.split(r"[^a-z0-9]+", fold(category.label))
            if words and words[0]:
                self.first_word.setdefault(words[0], category)
        self.by_start: dict[str, list[str]] = {}
        for norm in self.norms:
            self.by_start.setdefault(norm[:3], []).append(norm)

    def find(self, part: str) -> tuple[Category | None, bool]:
        """The category a part names, and whether it was a fuzzy (typo) match."""
        wanted = _norm(part)
        if not wanted:
            return None, False
        if wanted in self.exact:
            return self.exact[wanted], False
        if len(wanted) >= 4:
            found = [n for n in (wanted[:k] for k in range(1, len(wanted))) if n in self.by_norm]
            at = bisect.bisect_left(self.norms, wanted)
            if at < len(self.norms) and self.norms[at].startswith(wanted):
                found.append(self.norms[at])
            if found:
                return self.by_norm[min(found)], False
        first = fold(part).split()[0] if fold(part).split() else ""
        first = re.sub(r"[^a-z0-9]", "", first)
        if len(first) >= 4 and first in self.first_word:
            return self.first_word[first], False
        pool = self.norms if len(self.norms) <= 500 else self.by_start.get(wanted[:3], [])
        close = difflib.get_close_matches(wanted, pool, n=1, cutoff=0.8)
        if close:
            return self.by_norm[close[0]], True
        return None, False


def subjects_of(
    reading: Reading, section: Section | None, context: EntryContext, warn: list[Diagnostic]
) -> tuple[tuple[str, ...], str | None]:
    """The category labels of an entry and its hybrid label; warnings go into ``warn``."""
    subjects = [section.category.label] if section and section.category else []
    hybrid = reading.label_before if reading.label_before and "+" in reading.label_before else None
    for part in re.split(r"\s*\+\s*", hybrid or ""):
        if not part:
            continue
        matched, fuzzy = context.category_index.find(part)
        where = SourceRef(file=context.source, line=reading.line)
        if matched is None:
            warn.append(
                Diagnostic(
                    source=where,
                    message=f"hybrid label part {part!r} names no category of this list",
                )
            )
            continue
        if fuzzy:
            message = f"hybrid label part {part!r} read as category {matched.label!r} (typo?)"
            warn.append(Diagnostic(source=where, message=message))
        subjects.append(matched.label)
    return tuple(dict.fromkeys(subjects)), hybrid
