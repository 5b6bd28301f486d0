r"""Invisible and direction-changing characters, shown escaped wherever a person reads text.

A title or name may carry bidirectional controls (U+202A-U+202E, U+2066-U+2069, ...)
that reorder what follows on screen, or zero-width characters that hide inside a word
("Trojan Source", CVE-2021-42574): ``Wizard\u202eMLtfeL`` draws as something else than
it is, and a terminal escape (``\x1b[...``) in a warning repaints the terminal. The data
keeps the text as written (the RDF literal is what the list says, so queries and
round-trips are faithful); what is *shown* to a person, the views and the terminal,
writes such characters as visible escapes, ``\u202e``, the way Python's ``repr`` and
Trojan-Source-aware editors and forges do.

The zero-width joiner and non-joiner (U+200D, U+200C) are written as they are between
two letters, marks, digits or symbols, where scripts (Persian, Indic) and emoji need
them; elsewhere they are escaped too.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["reveal"]

_ALWAYS = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters (terminal escapes), not \t or \n
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # bidirectional controls and marks
    "\u200b\u2060-\u2064\ufeff\u180e"  # zero-width spaces, word joiner, invisible operators
    "\u115f\u1160\u3164\uffa0"  # Hangul fillers (invisible letters)
)
_SUSPECT = re.compile(f"[{_ALWAYS}\u200c\u200d]")


def _joins(text: str, at: int) -> bool:
    """Whether a joiner at ``at`` sits between two visible word characters."""
    if at == 0 or at + 1 >= len(text):
        return False
    return all(unicodedata.category(text[i])[0] in "LMNS" for i in (at - 1, at + 1))


def reveal(text: str) -> str:
    r"""``text`` with invisible and direction-changing characters written as escapes.

    >>> reveal("Wizard\u202eLM")
    'Wizard\\u202eLM'
    >>> reveal("plain text") == "plain text"
    True
    """
    if _SUSPECT.search(text) is None:
        return text
    out = []
    for at, ch in enumerate(text):
        if _SUSPECT.fullmatch(ch) and not (ch in "\u200c\u200d" and _joins(text, at)):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
