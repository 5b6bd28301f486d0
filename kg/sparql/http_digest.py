"""HTTP Digest access authentication (RFC 7616), the answer to one challenge.

OpenLink Virtuoso's authenticated endpoints (``/sparql-auth``, ``/sparql-graph-crud-auth``)
refuse Basic credentials and ask for Digest; :mod:`kg.sparql.remote` answers with
:func:`digest_authorization`. Only what those servers use is supported: ``MD5`` or
``SHA-256``, with ``qop=auth`` or without qop; anything else returns None and the
server's 401 stands.
"""

from __future__ import annotations

import hashlib
import os
import re

__all__ = ["digest_authorization"]

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')
_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def digest_authorization(
    challenge: str,
    credentials: tuple[str, str],
    method: str,
    uri: str,
    *,
    cnonce: str | None = None,
) -> str | None:
    """The ``Authorization`` header value answering a ``WWW-Authenticate: Digest`` challenge.

    Args:
        challenge: The ``WWW-Authenticate`` header (``Digest realm="...", nonce="..."``).
        credentials: User name and password.
        method: The request's method.
        uri: The request target (path and query).
        cnonce: The client nonce (random unless given: tests).

    Returns:
        ``Digest username="...", ...``, or None for an unsupported challenge.

    Example:
        >>> header = 'Digest realm="testrealm@host.com", qop="auth", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"'
        >>> answer = digest_authorization(header, ("Mufasa", "Circle Of Life"), "GET", "/dir/index.html", cnonce="0a4f113b")
        >>> 'response="6629fae49393a05397450978507c4ef1"' in answer
        True
    """
    params = {
        m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
        for m in _PARAM.finditer(challenge.partition(" ")[2])
    }
    algorithm = (params.get("algorithm") or "MD5").upper()
    qops = [q.strip() for q in (params.get("qop") or "").split(",") if q.strip()]
    if algorithm not in _HASHES or "nonce" not in params or (qops and "auth" not in qops):
        return None

    def h(text: str) -> str:
        return _HASHES[algorithm](text.encode("utf-8")).hexdigest()

    user, password = credentials
    realm, nonce = params.get("realm", ""), params["nonce"]
    ha1, ha2 = h(f"{user}:{realm}:{password}"), h(f"{method}:{uri}")
    fields = {"username": user, "realm": realm, "nonce": nonce, "uri": uri}
    extra = ""
    if qops:
        cnonce = cnonce or os.urandom(8).hex()
        fields["cnonce"] = cnonce
        fields["response"] = h(f"{ha1}:{nonce}:00000001:{cnonce}:auth:{ha2}")
        extra = ", qop=auth, nc=00000001"
    else:
        fields["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in params:
        fields["opaque"] = params["opaque"]
    return (
        "Digest "
        + ", ".join(f"{key}={_quoted(value)}" for key, value in fields.items())
        + f", algorithm={algorithm}{extra}"
    )
