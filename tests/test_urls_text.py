"""URL normalisation and text cleaning: the gates every input string passes."""

from __future__ import annotations

import re

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls

from kg.text import clean_text, slugify
from kg.urls import InvalidUrlError, normalise_url


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://arxiv.org/abs/2401.0001 v2", "https://arxiv.org/abs/2401.0001%20v2"),
        ("http://ex.org/<script>", "http://ex.org/%3Cscript%3E"),
        ("https://ex.org/100%", "https://ex.org/100%25"),
        ("https://ex.org/%7Euser", "https://ex.org/%7Euser"),
        ("HTTPS://EX.org/Path", "https://ex.org/Path"),
        ("https://openreview.net/pdf?id=OJaWBhh61C", "https://openreview.net/pdf?id=OJaWBhh61C"),
    ],
)
def test_urls_are_normalised(raw, expected):
    assert normalise_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty link"),
        ("   ", "empty link"),
        ("javascript:alert(1)", "not an http(s) link"),
        ("www.example.org/paper", "not an http(s) link"),
        ("paper.pdf", "not an http(s) link"),
        ("file:///etc/passwd", "not an http(s) link"),
        ("https://", "link has no host"),
        ("https://ex.org/a\nb", "control character in link"),
    ],
)
def test_bad_urls_are_refused_with_a_reason(raw, reason):
    with pytest.raises(InvalidUrlError, match=re.escape(reason)):
        normalise_url(raw)


@settings(max_examples=200, deadline=None)
@given(urls(), st.text(max_size=5), st.integers(min_value=0, max_value=60))
def test_any_mutated_url_is_refused_or_a_valid_iri(url, junk, where):
    mutated = url[:where] + junk + url[where:]
    try:
        iri = normalise_url(mutated)
    except InvalidUrlError:
        return
    pyoxigraph.NamedNode(iri)


@given(st.text(alphabet=st.characters(), max_size=200))
def test_clean_text_always_gives_encodable_xml_safe_text(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in cleaned)
    assert "\ud800" not in cleaned


def test_lone_surrogates_become_visible_replacement_characters():
    assert clean_text("bad\ud800surrogate") == "bad\ufffdsurrogate"


@given(st.text(max_size=100))
def test_slugs_are_iri_safe(text):
    slug = slugify(text)
    assert slug and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)


_URLISH = st.text(
    alphabet="hts:/pa.xyz0129-_~?#=&%@!$'()*+,;[] ABC\u00e9\n", min_size=0, max_size=40
)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        _URLISH,
        st.builds(
            lambda scheme, rest: scheme + rest,
            st.sampled_from(["http://", "https://", "HTTP://"]),
            _URLISH,
        ),
        urls(),
    )
)
def test_the_shortcut_for_already_normal_urls_agrees_with_the_full_normalisation(raw):
    from kg.urls import _ALREADY_NORMAL, _normalise

    if _ALREADY_NORMAL(raw):
        assert _normalise(raw) == raw
    try:
        expected: str | type[InvalidUrlError] = _normalise(raw)
    except InvalidUrlError:
        expected = InvalidUrlError
    try:
        got: str | type[InvalidUrlError] = normalise_url(raw)
    except InvalidUrlError:
        got = InvalidUrlError
    assert got == expected


def test_typical_links_take_the_shortcut():
    from kg.urls import _ALREADY_NORMAL

    for url in (
        "https://arxiv.org/abs/2304.12244",
        "https://github.com/nlpxucan/WizardLM",
        "https://openreview.net/forum?id=CfXh93NDgH",
        "https://aclanthology.org/2023.acl-long.754.pdf",
        "https://example.org/page#section-2",
    ):
        assert _ALREADY_NORMAL(url), url
    for url in ("https://Example.org/", "https://a.org/%41", "https://a.org/?", "http://a.org:80/"):
        assert not _ALREADY_NORMAL(url), url


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.text(alphabet=" ab\t\n\r\x00\x7f\x85\u00e9e\u0301\u2028\ufeff\ud800", max_size=20),
        st.text(max_size=20),
    ),
    st.booleans(),
)
def test_clean_text_shortcut_changes_nothing(value, collapse_space):
    from kg.text import _clean

    assert clean_text(value, collapse_space=collapse_space) == _clean(
        value, collapse_space=collapse_space
    )


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=20) | st.text(alphabet="AbZ -.'\u00e9e\u0301\u00df\u0130", max_size=20))
def test_fold_shortcut_for_ascii_matches_the_unicode_path(value):
    import unicodedata

    from kg.text import fold

    decomposed = unicodedata.normalize("NFKD", value)
    expected = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert fold(value) == expected
