"""The HTTP client of :mod:`kg.sparql.remote`: one deadline per exchange, nothing leaked.

The remote store is whatever URL the user gave, so the client trusts it little:
http(s) URLs only, redirects are reported rather than followed (a POST is never
replayed to another host), every request has a deadline for the whole exchange (a
watchdog shuts the socket, so a server dribbling one byte at a time is cut off at it),
and responses are read up to a size cap. Credentials, when a store needs them, come
from the environment (``KG_ENDPOINT_USER``, ``KG_ENDPOINT_PASSWORD``) or the URL's
``user:password@``, go as HTTP Basic or, when the server asks, Digest
(:mod:`kg.sparql.http_digest`), and never appear in a message (:mod:`kg.sparql.redact`).
"""

from __future__ import annotations

import base64
import http.client
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Mapping

from kg.errors import KgError
from kg.sparql.http_digest import digest_authorization
from kg.sparql.redact import printable, redact

__all__ = ["MAX_RESPONSE_BYTES", "RemoteError", "check_url", "send"]

#: Largest response body read from a store (bigger ones are refused, not truncated).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024


class RemoteError(KgError):
    """A remote store could not be reached or refused a request."""


def check_url(url: str) -> None:
    """Refuse ``url`` (:class:`RemoteError`) unless it is an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{redact(url)!r} is not an http(s) URL of a SPARQL service")


def _credentials(url: str) -> tuple[str, str] | None:
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None:
        return urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")
    user = os.environ.get("KG_ENDPOINT_USER")
    return (user, os.environ.get("KG_ENDPOINT_PASSWORD", "")) if user else None


def _auth_headers(credentials: tuple[str, str] | None) -> dict[str, str]:
    if credentials is None:
        return {}
    token = ":".join(credentials).encode()
    return {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}


def _secrets(credentials: tuple[str, str] | None, headers: Mapping[str, str]) -> tuple[str, ...]:
    if credentials is None:
        return ()
    token = headers.get("Authorization", "").removeprefix("Basic ")
    return (":".join(credentials), credentials[1], token, urllib.parse.quote(credentials[1]))


def _read(response: http.client.HTTPResponse) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(65536):
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RemoteError(
                f"the response is larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB; add a LIMIT"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def send(
    method: str, url: str, body: bytes, headers: dict[str, str], *, timeout: float
) -> tuple[int, str, bytes]:
    """One request, within ``timeout`` seconds in all (connect, send, every byte of the answer).

    Credentials go as HTTP Basic, unless the server asks for HTTP Digest (OpenLink
    Virtuoso's authenticated endpoints, which refuse Basic without a challenge and close
    the connection before a large body is sent): so, with credentials, a ``HEAD`` without
    them asks first, and a Digest challenge in its 401 is answered (RFC 7616) on the
    real request. All of it within the one deadline.
    """
    started = time.monotonic()
    credentials = _credentials(url)
    if credentials is None:
        return _send_once(method, url, body, headers, timeout=timeout)
    challenge = _digest_challenge(url, timeout=timeout)
    remaining = timeout - (time.monotonic() - started)
    if remaining <= 0:
        raise RemoteError(f"{redact(url)} did not answer within {timeout:g} s")
    if challenge is None:
        return _send_once(method, url, body, headers, timeout=remaining)
    parts = urllib.parse.urlsplit(url)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    answer = digest_authorization(challenge, credentials, method, path)
    return _send_once(method, url, body, headers, timeout=remaining, authorization=answer)


def _digest_challenge(url: str, *, timeout: float) -> str | None:
    """The Digest challenge a ``HEAD`` of ``url`` without credentials gets, if any."""
    try:
        _send_once("HEAD", url, b"", {}, timeout=timeout, anonymous=True)
    except _Unauthorized as refused:
        asked = refused.challenge
        return asked if asked.lower().startswith("digest ") else None
    except RemoteError:
        return None
    return None


class _Unauthorized(RemoteError):
    """A 401, with the server's ``WWW-Authenticate`` challenge."""

    def __init__(self, message: str, challenge: str) -> None:
        super().__init__(message)
        self.challenge = challenge


def _send_once(
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    authorization: str | None = None,
    anonymous: bool = False,
) -> tuple[int, str, bytes]:
    parts = urllib.parse.urlsplit(url)
    shown = redact(url)
    credentials = _credentials(url)
    auth = {"Authorization": authorization} if authorization else _auth_headers(credentials)
    headers = {**headers, **({} if anonymous else auth)}
    secrets = _secrets(credentials, {**headers, **_auth_headers(credentials)})
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    try:
        conn = kind(parts.hostname or "", parts.port, timeout=timeout)
    except ValueError as err:
        raise RemoteError(f"{shown!r} is not a valid URL: {err}") from err
    expired = threading.Event()
    started = time.monotonic()
    sockets: list[socket.socket] = []

    def cut_off() -> None:
        expired.set()
        for sock in sockets:  # (http.client drops conn.sock once an HTTP/1.0 answer begins)
            try:
                sock.shutdown(socket.SHUT_RDWR)  # any read or write in progress ends now
            except OSError:
                pass

    watchdog = threading.Timer(timeout, cut_off)
    watchdog.daemon = True
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
    try:
        conn.connect()  # bounded by the timeout itself
        sockets.append(conn.sock)
        watchdog.interval = max(timeout - (time.monotonic() - started), 0.0)
        watchdog.start()
        try:
            conn.request(method, path, body=body, headers=headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (a 401, a 413) and closed before the body was sent
        response = conn.getresponse()
        data = _read(response)
    except (OSError, http.client.HTTPException) as err:
        if expired.is_set():
            raise RemoteError(f"{shown} did not answer within {timeout:g} s") from None
        reason = printable(str(err), secrets=secrets)
        raise RemoteError(f"cannot reach {shown}: {reason}") from None
    finally:
        watchdog.cancel()
        conn.close()
    if expired.is_set():
        raise RemoteError(f"{shown} did not answer within {timeout:g} s")
    status = response.status
    if 300 <= status < 400:
        target = printable(response.headers.get("Location", "?"), secrets=secrets)
        raise RemoteError(
            f"{shown} redirects ({status}) to {redact(target)}; use that URL if you trust it"
        )
    if status >= 400:
        said = printable(data.decode("utf-8", "replace"), secrets=secrets)
        reason = printable(response.reason or "", secrets=secrets)
        message = f"{shown} answered {status} {reason}{': ' + said if said else ''}"
        if status == 401:
            raise _Unauthorized(message, response.headers.get("WWW-Authenticate", ""))
        raise RemoteError(message)
    return status, response.headers.get("Content-Type", ""), data
