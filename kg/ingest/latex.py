"""LaTeX in reference fields -> Unicode text, through pylatexenc.

BibTeX fields are LaTeX: ``H{\\o}jen-S{\\o}rensen``, ``{{Riemannian}} Geometry``,
``Q\\&A``. pylatexenc's LaTeX-to-text converter knows the accents, special letters and
symbols, and drops the braces that only protect case. URLs and DOIs are not LaTeX prose
(a ``~`` in a URL is a tilde, not a non-breaking space), so they only lose the escapes
people put in front of ``_ % & #`` and a ``\\url{...}`` wrapper.
"""

from __future__ import annotations

import functools
import logging
import re

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db
from pylatexenc.latexencode import RULE_REGEX, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from kg.text import clean_text

__all__ = ["latex_accents", "latex_to_text", "latex_url", "text_to_latex"]

_CONTEXT = get_default_latex_context_db()
# pylatexenc reads \textasciicircum as U+02C6; the writer below uses it for a plain "^".
_CONTEXT.add_context_category(
    "lineage-kg", prepend=True, macros=[MacroTextSpec("textasciicircum", "^")]
)
_CONVERTER = LatexNodes2Text(latex_context=_CONTEXT, math_mode="text", strict_latex_spaces=False)
# Characters LaTeX would read as something else, kept as written: "--" is not an en dash,
# straight quotes are not curly ones. Everything else: pylatexenc's own table, and a
# character it has no macro for (CJK, emoji) stays as UTF-8, which biber, pandoc and
# pybtex read (its "no known latex representation" log line is not for the user).
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[
        UnicodeToLatexConversionRule(
            RULE_REGEX,
            [
                (re.compile(r"-(?=-)"), r"-{}"),
                (re.compile(r"([\"'`])"), r"{\1}"),
                (re.compile(r"\^"), r"{\\textasciicircum}"),
            ],
        ),
        "defaults",
    ],
    non_ascii_only=False,
    unknown_char_policy="keep",
    replacement_latex_protection="braces-all",
)
logging.getLogger("pylatexenc.latexencode").addHandler(logging.NullHandler())
logging.getLogger("pylatexenc.latexencode").propagate = False
_URL_WRAPPER = re.compile(r"^\s*\\(?:url|href)\s*\{(.*?)\}", re.S)
_URL_ESCAPE = re.compile(r"\\([_%&#$~{}])")


@functools.lru_cache(maxsize=8192)
def latex_to_text(value: str) -> str:
    """Unicode text of a LaTeX field value, white space collapsed.

    >>> latex_to_text(r"H{\\o}jen-S{\\o}rensen and Poincar\\'{e}")
    'Højen-Sørensen and Poincaré'
    >>> latex_to_text("{{Riemannian}} Geometry for {EEG}: Q\\\\&A")
    'Riemannian Geometry for EEG: Q&A'
    """
    if not value:
        return ""
    if not any(ch in value for ch in "\\{}$~%&-`'"):
        return clean_text(value)
    return clean_text(_CONVERTER.latex_to_text(value))


def latex_accents(text: str) -> str:
    r"""Braced LaTeX accents in list text as letters: ``Jo{\~a}o``, ``Gonz{'a}lez`` -> ``João``.

    Lists made from BibTeX keep its accents; Markdown has already eaten the backslash
    before an ASCII punctuation mark (``{\'a}`` reads ``{'a}``). A brace, an accent
    and one letter occur in no prose, so only that shape is converted.

    >>> latex_accents(r"Sedoc, Jo{~a}o and Gonz{\'a}lez, Ana and L{\"o}ser and S{\o}gaard")
    'Sedoc, João and González, Ana and Löser and Søgaard'
    """
    if "{" not in text:
        return text
    return _ACCENT.sub(_accent, text)


def _accent(match: re.Match[str]) -> str:
    if match.group(5):  # a letter of its own: {\o}, {\ss}
        return latex_to_text(match.group(0))
    mark = match.group(1) or match.group(3)
    letter = match.group(2) or match.group(4)
    return latex_to_text(f"{{\\{mark}{{{letter}}}}}")


_ACCENT = re.compile(
    r"\{\\?([`'\"^~=.])\s*\{?([A-Za-z])\}?\}"  # {'a} (Markdown ate the backslash), {\"o}
    r"|\{\\([cvuHkr])\s*\{?([A-Za-z])\}?\}"  # {\c c}, {\v{s}}
    r"|\{\\(o|O|ae|AE|oe|OE|aa|AA|ss|l|L)\}"  # {\o}, {\ss}
)


def latex_url(value: str) -> str:
    """A URL or DOI field as a plain string: ``\\url{}`` unwrapped, escapes removed.

    >>> latex_url(r"http://papers.nips.cc/paper\\_files/x~y")
    'http://papers.nips.cc/paper_files/x~y'
    """
    text = value.strip()
    if (match := _URL_WRAPPER.match(text)) is not None:
        text = match.group(1)
    return _URL_ESCAPE.sub(r"\1", text).strip().strip("{}").strip()


def text_to_latex(value: str) -> str:
    """LaTeX for a Unicode field value; :func:`latex_to_text` reads it back unchanged.

    >>> print(text_to_latex("Højen-Sørensen: Q&A -- 50% of $x_1$"))
    H{\\o}jen-S{\\o}rensen: Q{\\&}A {-{}}- 50{\\%} of {\\$}x{\\_}1{\\$}
    >>> latex_to_text(text_to_latex("Højen-Sørensen: Q&A -- 50% of $x_1$"))
    'Højen-Sørensen: Q&A -- 50% of $x_1$'
    """
    if value.isascii():
        # What the encoder does, character by character, done by str.translate: each
        # ASCII character has one replacement, except a "-" before another "-".
        return _DOUBLE_HYPHEN.sub("{-{}}", value.translate(_ASCII_LATEX))
    return _non_ascii_to_latex(value)


@functools.lru_cache(maxsize=16384)
def _non_ascii_to_latex(value: str) -> str:
    """:func:`text_to_latex` by pylatexenc itself (names and venues repeat: cached)."""
    encoded: str = _ENCODER.unicode_to_latex(value)
    return encoded


#: The encoder's LaTeX for each ASCII character alone (most are themselves). Its rules
#: are of one character each but ``-(?=-)``, and no replacement holds a ``-``, so for an
#: ASCII text the encoder writes exactly: these replacements, then ``{-{}}`` for each
#: ``-`` that a ``-`` follows.
_ASCII_LATEX = {
    code: latex
    for code in range(128)
    if (latex := _ENCODER.unicode_to_latex(chr(code))) != chr(code)
}
assert not any("-" in latex for latex in _ASCII_LATEX.values())
_DOUBLE_HYPHEN = re.compile(r"-(?=-)")
