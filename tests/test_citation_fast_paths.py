"""The fast paths of the BibTeX/CSL-JSON writers give what pylatexenc and bibtexparser give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.citations import name_parts
from kg.ingest.latex import _ENCODER, latex_to_text, text_to_latex

#: Every ASCII character (control characters too), the ones LaTeX treats specially many
#: times over, and some text outside ASCII (accents, combining marks, dashes, CJK, emoji).
_ASCII = st.characters(max_codepoint=127)
_SPECIAL = st.sampled_from(list("-----\"'`^&%$#_{}~\\<>"))
_OTHER = st.sampled_from(["é", "e\u0301", "ø", "–", "—", "\u00a0", "数据", "💡", "ß", "İ"])


@settings(max_examples=1000, deadline=None)
@given(st.lists(_ASCII | _SPECIAL, max_size=30).map("".join))
def test_ascii_text_is_escaped_as_pylatexenc_escapes_it(text: str) -> None:
    assert text_to_latex(text) == _ENCODER.unicode_to_latex(text)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ASCII | _SPECIAL | _OTHER, max_size=30).map("".join))
def test_any_text_is_escaped_as_pylatexenc_escapes_it(text: str) -> None:
    assert text_to_latex(text) == _ENCODER.unicode_to_latex(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.characters(min_codepoint=32, max_codepoint=126) | _SPECIAL, max_size=20))
def test_the_escaped_ascii_reads_back(chars: list[str]) -> None:
    text = " ".join("".join(chars).split())
    assert latex_to_text(text_to_latex(text)) == text


def test_a_name_parts_dict_changed_by_a_caller_does_not_change_the_next_answer() -> None:
    first = name_parts("Jean de la Fontaine")
    first["family"] = "changed"
    assert name_parts("Jean de la Fontaine") == {
        "given": "Jean",
        "non-dropping-particle": "de la",
        "family": "Fontaine",
    }
