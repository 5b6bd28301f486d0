"""The fast path of link normalisation against markdown-it's own function (the oracle)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from kg.ingest.link_normal import _UNCHANGED, fast_normalizer

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # read in place
ORACLE = MarkdownIt("commonmark").normalizeLink
FAST = fast_normalizer(ORACLE)

# Pieces URLs are made of, the awkward ones included: upper case, IDN and invalid hosts,
# ports, user info, IPv6, percent signs valid and not, spaces, brackets, non-ASCII.
_PIECES = st.sampled_from(
    [
        "http://", "https://", "HTTPS://", "ftp://", "mailto:", "//", "a", "Z", "0", "-",
        ".", "..", "xn--bcher-kva", "bücher", "ArXiv", "arxiv.org", "github.com", ":", ":80",
        ":99999", "@", "user:pw@", "/", "?", "#", "&", "=", "%", "%2F", "%zz", "%4", " ",
        "[", "]", "[::1]", "'", "(", ")", "*", "!", "~", "_", ";", ",", "+", "$", "\\",
        "|", "^", "`", "{", "}", "<", ">", '"', "é", "中", "\u200b", "\t", "a" * 64, "abcdefghij." * 12,
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
@example("https://arxiv.org/abs/2304.12244")
@example("https://GitHub.com/x")
@example("https://a.b-.com/")
@example("https://" + "a" * 64 + ".com/")
@example("https://a..b/")
@example("https://example.org:8080/p?q=1#f")
@example("https://example.org/x@y")
@example("https://" + "abcdefghij." * 25 + "com/x")  # a host over 255 characters
@example("https://" + "abcdefghij." * 18 + "ab/x")  # a host of 200 characters: the fast path
def test_the_fast_path_gives_what_markdown_it_gives(url: str) -> None:
    assert FAST(url) == ORACLE(url)


def test_the_fast_path_is_taken_for_plain_paper_links() -> None:
    """The point of it: the usual destinations skip markdown-it's parse and encode."""
    for url in (
        "https://arxiv.org/abs/2304.12244",
        "https://github.com/nlpxucan/WizardLM",
        "https://openreview.net/forum?id=abc-DEF_1",
        "https://aclanthology.org/2023.acl-long.1.pdf",
    ):
        assert _UNCHANGED.fullmatch(url)


def test_every_corpus_destination_normalises_as_markdown_it_does() -> None:
    destinations = set()
    for path in sorted(CORPUS.rglob("*.md")):
        text = path.read_text(encoding="utf-8", errors="replace")
        destinations.update(re.findall(r"\]\(\s*<?([^)\s>]+)", text))
        destinations.update(re.findall(r"href=[\"']([^\"']+)", text))
    assert len(destinations) > 1000
    fast = [url for url in destinations if _UNCHANGED.fullmatch(url)]
    assert len(fast) > len(destinations) / 2
    assert [url for url in sorted(destinations) if FAST(url) != ORACLE(url)] == []
