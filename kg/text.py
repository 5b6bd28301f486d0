"""Text hygiene shared by every input: one place decides what a clean string is.

Input lists are contributed by strangers. Strings that reach RDF, GraphML or HTML must be
valid Unicode scalar values and legal XML characters, or some export silently corrupts
them (rdflib writes a lone surrogate as ``?``; GraphML becomes unreadable XML). So every
string field of the models passes through :func:`clean_text`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

__all__ = ["clean_text", "fold", "slugify"]

# C0 controls except TAB, LF, CR; DEL; C1 controls; XML-illegal non-characters;
# U+2028/U+2029 (break JavaScript string literals in old engines) and the BOM.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACE = re.compile(r"\s+")


def clean_text(value: str, *, collapse_space: bool = True) -> str:
    """Return ``value`` NFC-normalised, with illegal characters removed.

    Lone surrogates become U+FFFD (visible, never a silent ``?``); control characters
    are dropped; runs of white space become one space when ``collapse_space``.

    >>> clean_text("  Wizard\\x00LM \\n v2 ")
    'WizardLM v2'
    """
    if value.isascii() and value.isprintable():  # most text: nothing to normalise or drop
        if not collapse_space or ("  " not in value and value == value.strip(" ")):
            return value
    return _clean(value, collapse_space=collapse_space)


def _clean(value: str, *, collapse_space: bool) -> str:
    """:func:`clean_text` without its shortcut for text that needs no change."""
    text = _SURROGATE.sub("\ufffd", value)
    text = unicodedata.normalize("NFC", text)
    text = _ILLEGAL.sub("", text)
    if collapse_space:
        text = _SPACE.sub(" ", text).strip()
    return text


def fold(value: str) -> str:
    """Lower-case ASCII folding for comparisons: accents removed, case ignored.

    >>> fold("Alizée PACE")
    'alizee pace'
    """
    if value.isascii():  # NFKD leaves ASCII as it is, and it has no combining marks
        return value.casefold()
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def slugify(value: str, *, max_length: int = 120) -> str:
    """A stable, IRI-safe key: folded, non-alphanumerics collapsed to ``-``.

    Text in any script gets a key of its own: when folding keeps no ASCII letter or
    digit, or drops most of the letters (a Chinese, Cyrillic or Greek title), the key is
    ``u-`` and a short hash of the folded text instead, so two different titles never
    share a key and the key does not depend on what else is in the input. Latin text
    keeps the readable slug it always had.

    >>> slugify("OpenMathInstruct-1: A 1.8 Million Math Instruction Tuning Dataset")
    'openmathinstruct-1-a-1-8-million-math-instruction-tuning-dataset'
    >>> slugify("大语言模型综述")
    'u-6063e086a7'
    >>> slugify("Алексей Иванов") != slugify("Алексей Петров")
    True
    """
    folded = fold(value)
    slug = _NON_ALNUM.sub("-", folded).strip("-")
    if not slug or _mostly_non_ascii(folded):
        return "u-" + hashlib.blake2s(folded.strip().encode("utf-8"), digest_size=5).hexdigest()
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _mostly_non_ascii(folded: str) -> bool:
    """Whether folding to ASCII would drop most of the letters of ``folded``."""
    if folded.isascii():
        return False
    letters = sum(1 for c in folded if c.isalpha())
    ascii_letters = sum(1 for c in folded if c.isascii() and c.isalpha())
    return 2 * ascii_letters < letters
