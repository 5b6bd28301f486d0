"""URL validation: every link that becomes an IRI passes through :func:`normalise_url`.

rdflib accepts almost any string as a ``URIRef`` and then either fails the whole export
(a space) or writes N-Triples that strict parsers reject (a newline, a relative or empty
IRI). We accept only absolute ``http``/``https`` URLs with a host, percent-encode what
RFC 3987 forbids, and let pyoxigraph (a strict parser) have the last word.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

import pyoxigraph

__all__ = ["InvalidUrlError", "normalise_url"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A '%' that does not start a valid escape must itself be escaped.
_BARE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = _SAFE_PATH + "?"


class InvalidUrlError(ValueError):
    """A link is not an absolute http(s) URL; the message says why."""


# An http(s) URL that normalise_url returns unchanged: lower-case scheme and host, no port
# or user, only characters that need no escaping, no '%' at all, no empty '?' or '#'
# (urlunsplit drops those). Most links are like this; checking it is 20x cheaper.
_ALREADY_NORMAL = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
    r"(?:/[A-Za-z0-9/:@!$&'()*+,;=._~-]*)?"
    r"(?:\?[A-Za-z0-9/:@!$&'()*+,;=._~?-]+)?"
    r"(?:#[A-Za-z0-9/:@!$&'()*+,;=._~?-]+)?"
).fullmatch


@functools.lru_cache(maxsize=4096)
def normalise_url(raw: str) -> str:
    """Return ``raw`` as a valid absolute http(s) IRI, or raise :class:`InvalidUrlError`.

    >>> normalise_url(" https://arxiv.org/abs/2401.0001 v2 ")
    'https://arxiv.org/abs/2401.0001%20v2'
    >>> normalise_url("javascript:alert(1)")
    Traceback (most recent call last):
    ...
    kg.urls.InvalidUrlError: not an http(s) link: 'javascript:alert(1)'
    """
    return raw if _ALREADY_NORMAL(raw) else _normalise(raw)


def _normalise(raw: str) -> str:
    """The whole normalisation, for any input (:func:`normalise_url` without its shortcut)."""
    text = unicodedata.normalize("NFC", raw).strip()
    if not text:
        raise InvalidUrlError("empty link")
    if _CONTROL.search(text):
        raise InvalidUrlError(f"control character in link: {text!r}")
    try:
        parts = urlsplit(text)
    except ValueError as err:  # e.g. an unbalanced '[' or ']' in the host ("Invalid IPv6 URL")
        raise InvalidUrlError(f"not a valid URL: {text!r} ({err})") from err
    if parts.scheme.lower() not in {"http", "https"}:
        raise InvalidUrlError(f"not an http(s) link: {text!r}")
    if not parts.hostname:
        raise InvalidUrlError(f"link has no host: {text!r}")
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    path = quote(_BARE_PERCENT.sub("%25", parts.path), safe=_SAFE_PATH)
    query = quote(_BARE_PERCENT.sub("%25", parts.query), safe=_SAFE_QUERY)
    fragment = quote(_BARE_PERCENT.sub("%25", parts.fragment), safe=_SAFE_QUERY)
    iri = urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError as err:
        raise InvalidUrlError(f"not a valid IRI: {text!r} ({err})") from err
    return iri
