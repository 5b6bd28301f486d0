"""Reading a request of ``kg serve`` under limits: one deadline, strict forms, plain refusals.

The stdlib server gives a socket timeout per read, which a client sending one byte at
a time never trips; :class:`DeadlineReader` gives the whole request (request line,
headers, body) one deadline instead. Form bodies and query strings are parsed strictly
(UTF-8, at most 16 fields), and what cannot be read is refused by raising
:class:`Refused` with the response to send.
"""

from __future__ import annotations

import io
import socket
import time
import urllib.parse
from typing import Any

from kg.sparql.answer import Response

__all__ = ["DeadlineReader", "Refused", "decode", "parse_form"]


class DeadlineReader(io.RawIOBase):
    """A socket's reads under one deadline for the whole request, not a timeout per read."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self._sock = sock
        self.deadline = deadline
        self.expired = False

    def readable(self) -> bool:
        """Always: this is a reader."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer`` with what is left of the deadline (``TimeoutError`` after it)."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError("the request deadline passed")
        self._sock.settimeout(remaining)
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            self.expired = True
            raise


class Refused(Exception):
    """A request refused while it was read, with the response that says why."""

    def __init__(self, response: Response) -> None:
        self.response = response


def decode(data: bytes) -> str:
    """``data`` as UTF-8 text, else :class:`Refused` (400)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(Response.text(400, "the request is not UTF-8 text")) from None


def parse_form(text: str) -> dict[str, list[str]]:
    """A form body or query string (strict, at most 16 fields), else :class:`Refused` (400)."""
    try:
        return urllib.parse.parse_qs(
            text, keep_blank_values=True, errors="strict", max_num_fields=16
        )
    except (ValueError, UnicodeDecodeError):
        raise Refused(Response.text(400, "malformed form or query string")) from None
