"""Indented JSON text, exactly as ``json.dumps(..., indent=N)`` writes it, several times faster.

With ``indent`` set, the standard library serialises in pure Python, one generator per
nesting level, and that took most of the time of the Cytoscape.js and CSL-JSON exports.
:func:`dumps_indented` writes the same text: the containers are walked here, and every
innermost container (a dict or list whose values are all scalars: most of them) is
handed whole to the standard library's C encoder, whose item separator is set to the
line break and indentation of its depth, so only its brackets are laid out here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

__all__ = ["dumps_indented", "indented_items"]

_SCALARS = (str, int, float, bool, type(None))
#: The exact types of JSON scalars: ``issuperset(map(type, values))`` tests a container in C.
_SCALAR_TYPES = frozenset(_SCALARS)
_Encode = Callable[[Any, int], list[str]]
#: The json module's C encoder factory (not in its typed interface; None without C speedups).
_C_ENCODER: Callable[..., _Encode] | None = getattr(json.encoder, "c_make_encoder", None)


def _refuse(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


class _Writer:
    """The settings of one :func:`dumps_indented` call, and a C encoder per depth."""

    def __init__(self, *, indent: int, sort_keys: bool, ensure_ascii: bool, allow_nan: bool):
        self.indent = indent
        self.sort_keys = sort_keys
        self.allow_nan = allow_nan
        self.string = encode_basestring_ascii if ensure_ascii else encode_basestring
        self.pads: list[str] = []
        self.encoders: list[_Encode] = []
        # Any scalar as json.dumps writes it (for a float: repr, or NaN/Infinity).
        self.scalar = self.flat(0)

    def flat(self, level: int) -> _Encode:
        """The C encoder writing a container of scalars at ``level`` on indented lines."""
        assert _C_ENCODER is not None  # dumps_indented uses json.dumps without it
        while len(self.encoders) <= level:
            depth = len(self.encoders)
            pad = "\n" + " " * (self.indent * (depth + 1))
            # pads[k]: a line break and the indentation of depth k
            self.pads.append("\n" + " " * (self.indent * depth))
            self.encoders.append(
                _C_ENCODER(
                    None,  # no check for cycles: the caller's values contain no cycle
                    _refuse,
                    self.string,
                    None,
                    ": ",
                    "," + pad,
                    self.sort_keys,
                    False,
                    self.allow_nan,
                )
            )
        return self.encoders[level]

    def key(self, key: Any) -> str:
        """A dict key as json.dumps writes it (str, or a float/int/bool/None made one)."""
        if isinstance(key, str):
            return self.string(key)
        if isinstance(key, bool | int | float) or key is None:
            return self.string(self.scalar(key, 0)[0])
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")

    def write(self, value: Any, level: int, out: list[str]) -> None:
        """Append the text of ``value``, whose first line is already indented to ``level``."""
        if isinstance(value, dict):
            values: Iterable[Any] = value.values()
            opening, closing = "{", "}"
        elif isinstance(value, list | tuple):
            values = value
            opening, closing = "[", "]"
        else:  # a scalar, or what json refuses (TypeError)
            out.extend(self.scalar(value, 0))
            return
        if not value:
            out.append(opening + closing)
            return
        self.flat(level + 2)  # the encoders and pads of this level and the next two
        inner = self.pads[level + 1]
        if _SCALAR_TYPES.issuperset(map(type, values)):
            text = self.encoders[level](value, 0)[0]
            out.append(opening + inner + text[1:-1] + self.pads[level] + closing)
            return
        keys: list[str] = []
        if isinstance(value, dict):
            items = sorted(value.items()) if self.sort_keys else list(value.items())
            keys = [self.key(k) + ": " for k, _ in items]
            values = [v for _, v in items]
        out.append(opening)
        separator = inner
        string = self.string
        # A child that is a non-empty dict or list of scalars (the usual innermost
        # container) is written here by the next level's C encoder, without a call.
        child = self.encoders[level + 1]
        child_inner = self.pads[level + 2]
        for i, item in enumerate(values):
            out.append(separator + keys[i] if keys else separator)
            separator = "," + inner
            kind = type(item)
            if kind is str:
                out.append(string(item))
            elif kind is dict and item and _SCALAR_TYPES.issuperset(map(type, item.values())):
                out.append("{" + child_inner + child(item, 0)[0][1:-1] + inner + "}")
            elif kind is list and item and _SCALAR_TYPES.issuperset(map(type, item)):
                out.append("[" + child_inner + child(item, 0)[0][1:-1] + inner + "]")
            else:
                self.write(item, level + 1, out)
        out.append(self.pads[level] + closing)


def dumps_indented(
    value: Any,
    *,
    indent: int,
    sort_keys: bool = False,
    ensure_ascii: bool = True,
    allow_nan: bool = True,
) -> str:
    """``json.dumps(value, indent=indent, ...)``, the same text (``indent`` of 1 or more).

    Dicts, lists, tuples and JSON scalars (and their subclasses, as ``json`` takes them);
    ``value`` must not contain itself.

    >>> dumps_indented({"b": [1, 2.5, None], "a": {"x": "é"}}, indent=1, sort_keys=True)
    '{\\n "a": {\\n  "x": "\\\\u00e9"\\n },\\n "b": [\\n  1,\\n  2.5,\\n  null\\n ]\\n}'
    """
    if indent < 1:
        raise ValueError("indent must be 1 or more")
    if _C_ENCODER is None:  # a Python without the json C speedups
        return json.dumps(
            value,
            indent=indent,
            sort_keys=sort_keys,
            ensure_ascii=ensure_ascii,
            allow_nan=allow_nan,
        )
    writer = _Writer(
        indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, allow_nan=allow_nan
    )
    out: list[str] = []
    writer.write(value, 0, out)
    return "".join(out)


def indented_items(
    items: Iterable[Any],
    *,
    level: int,
    indent: int,
    sort_keys: bool = False,
    ensure_ascii: bool = True,
    allow_nan: bool = True,
    per_piece: int = 2048,
) -> Iterator[str]:
    """The text of a list of ``items`` at nesting ``level``, as :func:`dumps_indented` writes it there, in pieces.

    For a document too large to hold whole: the caller writes the text around the list
    and this gives the list's, from its ``[`` to its ``]``, ``per_piece`` items a piece,
    the items taken one at a time (a generator is fine). ``level`` is the depth of the
    list itself (the document is level 0).

    >>> doc = {"a": [{"x": 1}, {"y": [2]}]}
    >>> text = '{\\n "a": ' + "".join(indented_items(doc["a"], level=1, indent=1)) + "\\n}"
    >>> text == dumps_indented(doc, indent=1)
    True
    """
    if indent < 1:
        raise ValueError("indent must be 1 or more")
    if _C_ENCODER is None:  # a Python without the json C speedups: one piece, via json
        whole = json.dumps(
            list(items),
            indent=indent,
            sort_keys=sort_keys,
            ensure_ascii=ensure_ascii,
            allow_nan=allow_nan,
        )
        yield whole.replace("\n", "\n" + " " * (indent * level))
        return
    writer = _Writer(
        indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii, allow_nan=allow_nan
    )
    writer.flat(level + 2)
    inner = writer.pads[level + 1]
    out: list[str] = []
    count = 0
    for item in items:
        out.append(("[" if count == 0 else ",") + inner)
        writer.write(item, level + 1, out)
        count += 1
        if count % per_piece == 0:
            yield "".join(out)
            out.clear()
    if count == 0:
        yield "[]"
        return
    out.append(writer.pads[level] + "]")
    yield "".join(out)
