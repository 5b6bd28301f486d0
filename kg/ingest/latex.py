"""LaTeX in reference fields -> Unicode text, through pylatexenc.

BibTeX fields are LaTeX: ``H{\\o}jen-S{\\o}rensen``, ``{{Riemannian}} Geometry``,
``Q\\&A``. pylatexenc's LaTeX-to-text converter knows the accents, special letters and
symbols, and drops the braces that only protect case. URLs and DOIs are not LaTeX prose
(a ``~`` in a URL is a tilde, not a non-breaking space), so they only lose the escapes
people put in front of ``_ % & #`` and a ``\\url{...}`` wrapper.
"""

from __future__ import annotations

import functools
import re

from pylatexenc.latex2text import LatexNodes2Text

from kg.text import clean_text

__all__ = ["latex_to_text", "latex_url"]

_CONVERTER = LatexNodes2Text(math_mode="text", strict_latex_spaces=False)
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


def latex_url(value: str) -> str:
    """A URL or DOI field as a plain string: ``\\url{}`` unwrapped, escapes removed.

    >>> latex_url(r"http://papers.nips.cc/paper\\_files/x~y")
    'http://papers.nips.cc/paper_files/x~y'
    """
    text = value.strip()
    if (match := _URL_WRAPPER.match(text)) is not None:
        text = match.group(1)
    return _URL_ESCAPE.sub(r"\1", text).strip().strip("{}").strip()
