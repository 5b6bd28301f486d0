"""markdown-it's link normalisation, with a fast path for the URLs it leaves unchanged.

markdown-it normalises every link destination (``MarkdownIt.normalizeLink``: parse the
URL, punycode its host, percent-encode what must be), which took 5 % of reading a
list. Most destinations in paper lists are plain ``http(s)`` URLs of lower-case ASCII
hosts and characters that need no encoding; for those the result is the URL itself,
so :func:`fast_normalizer` returns them as they are and hands every other URL to
markdown-it. ``tests/test_link_normal.py`` checks the two agree, with markdown-it's own
function as the oracle, on generated URLs and on every destination of the corpus lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["fast_normalizer"]

#: A URL markdown-it's normalisation returns unchanged: ``http(s)://``, a host of at most
#: 200 characters in lower-case ASCII labels (punycode leaves them as they are), an optional port, then
#: only characters mdurl never encodes (RFC 3986's unreserved and reserved ones, but
#: ``[``, ``]`` and ``%``, which it may).
_UNCHANGED = re.compile(
    r"https?://"
    r"(?=[a-z0-9.-]{1,200}(?:[:/?#]|$))"  # mdurl drops a host over 255 characters
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
    r"(?::[0-9]{1,5})?"
    r"(?:[/?#][A-Za-z0-9;/?:@&=+$,\-_.!~*'()#]*)?"
)


def fast_normalizer(normalize: Callable[[str], str]) -> Callable[[str], str]:
    """``normalize`` (markdown-it's), returning the URLs it would leave unchanged at once.

    >>> from markdown_it import MarkdownIt
    >>> fast = fast_normalizer(MarkdownIt().normalizeLink)
    >>> fast("https://arxiv.org/abs/2304.12244"), fast("https://example.org/a b")
    ('https://arxiv.org/abs/2304.12244', 'https://example.org/a%20b')
    """
    unchanged = _UNCHANGED.fullmatch

    def normalize_link(url: str) -> str:
        if len(url) < 2048 and unchanged(url):
            return url
        return normalize(url)

    return normalize_link
