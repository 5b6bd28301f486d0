"""An entry's categories: the heading it stands under, plus a hybrid label's parts.

Some lists mark an entry that belongs to several sections with a bold label before its
title (``**Distill+Environment**：``). Each part is matched to a category of the list,
exactly, by prefix, by first word, or (reported as a possible typo) by a close spelling.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from kg.model import Category, Diagnostic, SourceRef
from kg.text import fold

if TYPE_CHECKING:
    from kg.ingest.entries import EntryContext
    from kg.ingest.entry_fields import Reading
    from kg.ingest.sections import Section

__all__ = ["subjects_of"]


def _category_for(part: str, categories: dict[str, Category]) -> tuple[Category | None, bool]:
    """Match one part of a hybrid label to a category; the flag says it was a fuzzy match."""
    wanted = re.sub(r"[^a-z0-9]", "", fold(part))
    if not wanted:
        return None, False
    by_norm = {re.sub(r"[^a-z0-9]", "", fold(c.label)): c for c in categories.values()}
    for norm, category in sorted(by_norm.items()):
        alts = [re.sub(r"[^a-z0-9]", "", fold(a)) for a in category.alt_labels]
        if wanted == norm or wanted in alts:
            return category, False
    for norm, category in sorted(by_norm.items()):
        if len(wanted) >= 4 and (norm.startswith(wanted) or wanted.startswith(norm)):
            return category, False
    first = fold(part).split()[0] if fold(part).split() else ""
    for category in sorted(categories.values(), key=lambda c: c.key):
        words = re.split(r"[^a-z0-9]+", fold(category.label))
        if first and words and words[0] == re.sub(r"[^a-z0-9]", "", first) and len(first) >= 4:
            return category, False
    close = difflib.get_close_matches(wanted, sorted(by_norm), n=1, cutoff=0.8)
    if close:
        return by_norm[close[0]], True
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
        matched, fuzzy = _category_for(part, context.categories)
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
