"""Messages of the strict YAML loader (:mod:`kg.curation.strict_yaml`), each at file:line:col.

A curator reads these, so each one says what is wrong and, where it can, how to fix it:
the invisible character to delete, the value to quote, the anchor written twice.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import ScalarNode

from kg.errors import ParseError

_Y = "tag:yaml.org,2002:"
# What a scalar of each tag must look like, for the message when it cannot be constructed.
KINDS = {
    f"{_Y}int": "integer",
    f"{_Y}float": "number",
    f"{_Y}bool": "boolean (true or false)",
    f"{_Y}timestamp": "date",
}
# Line breaks as PyYAML's reader counts them, so lines agree with every other error.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


def error(message: str, mark: Any, source: str) -> ParseError:
    """``message`` at a YAML mark (0-based line and column) of ``source``."""
    return ParseError(message, source=source, line=mark.line + 1, column=mark.column + 1)


def bad_value(node: ScalarNode, err: Exception, loader: Any, source: str) -> ParseError:
    """Say which value is not what its tag (written or resolved from its shape) demands.

    A value that only looks like a number or a date was probably meant as text, so the
    message says to quote it; an explicit tag is the curator's own, so it does not.
    """
    value = str(node.value)
    shown = value if len(value) <= 40 else value[:37] + "..."
    message = f"{shown!r} is not a valid {KINDS.get(node.tag, node.tag)}"
    if node.tag == f"{_Y}timestamp" and isinstance(err, ValueError):
        message += f": {err}"  # e.g. "month must be in 1..12"
    plain = not node.style  # PyYAML: None, libyaml: ''
    if plain and loader.resolve(ScalarNode, value, (True, False)) == node.tag:
        message += "; put it in quotes if it is meant as text"
    return error(message, node.start_mark, source)


def marked(err: yaml.MarkedYAMLError, text: str, source: str) -> ParseError:
    """A libyaml or PyYAML error as a :class:`ParseError` at its mark."""
    mark = err.problem_mark or err.context_mark
    context = err.context
    if context == "found duplicate anchor; first occurrence" and mark is not None:
        # libyaml's composer leaves the name out; PyYAML's says it
        if anchor := _ANCHOR.match(text, mark.index):
            context = f"found duplicate anchor {anchor.group(1)!r}; first occurrence"
    message = " ".join(filter(None, [context, err.problem]))
    return ParseError(
        message or "invalid YAML",
        source=source,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def bad_character(text: str, position: int, source: str) -> ParseError:
    """The error for a character YAML does not allow (control characters, NUL, surrogates).

    The curator needs the line and column, and to know which invisible character it is.
    """
    breaks = list(_LINE_BREAK.finditer(text, 0, position))
    start = breaks[-1].end() if breaks else 0
    column = position - start - text.count("\ufeff", start, position) + 1  # BOMs take none
    char = text[position]
    if 0xD800 <= ord(char) <= 0xDFFF:
        what = "a lone surrogate"
    elif ord(char) in {0xFFFE, 0xFFFF}:
        what = "a noncharacter"
    else:
        what = "a control character"
    return ParseError(
        f"{char!r} (U+{ord(char):04X}, {what}) is not allowed in YAML; delete it",
        source=source,
        line=len(breaks) + 1,
        column=column,
    )
