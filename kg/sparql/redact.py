"""What may be shown of a remote store's URL and words: no credentials, no escape sequences.

Messages about a remote store quote its URL and what the server said. Both can carry
things that must not reach a terminal or a log: the URL its ``user:password@`` part,
the server's text control characters (terminal escape sequences, bidi overrides) and
echoes of the credentials it was sent. :func:`redact` drops the first;
:func:`printable` escapes, masks and cuts the rest (to 500 characters).
"""

from __future__ import annotations

import unicodedata
import urllib.parse

__all__ = ["MAX_SHOWN", "printable", "redact"]


def redact(url: str) -> str:
    """``url`` without its ``user:password@`` part (shown as ``***@``)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rpartition("@")[2]))


#: Most characters of a server's own words shown in a message.
MAX_SHOWN = 500


def printable(text: str, *, secrets: tuple[str, ...] = (), limit: int = MAX_SHOWN) -> str:
    """What a server sent, safe to print: secrets masked, control characters escaped, cut.

    Control, format (bidi, zero-width) and other invisible characters are written as
    ``\\xNN``/``\\uNNNN``, so no terminal escape sequence reaches the terminal.
    """
    for secret in sorted((s for s in secrets if len(s) >= 3), key=len, reverse=True):
        text = text.replace(secret, "***")
    shown = "".join(
        ch
        if ch == " " or unicodedata.category(ch)[0] not in "CZ"
        else (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in " ".join(text.split())[: limit + 1]
    )
    return shown[:limit] + "…" if len(shown) > limit else shown
