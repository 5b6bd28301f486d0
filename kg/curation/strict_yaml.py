"""Strict YAML for curated data: safe, unambiguous, and errors that name file:line.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands alias
bombs, and says nothing about lines once pydantic rejects a value. This loader refuses
duplicate keys and anchors/aliases, caps the file size, and keeps a map from each value's
path (``("lineage", 3, "relation")``) to its line so validation errors can point there.

Two paths give the same answer. The reference path composes nodes with PyYAML's
pure-Python parser and walks them; it is exact but costs about 2.7 s per MB, which
dominated a 100,000-paper build. The fast path reads libyaml's events (C) and builds the
data and line map in one pass. libyaml and PyYAML disagree on a few inputs (tabs after
``:``, BOMs and Unicode line breaks, a ``#`` right after a block-scalar header, a ``?``
inside a plain scalar in ``[]``/``{}``, odd tags, the mark of an empty value at end of
file without a newline), so the fast path declines those and any explicit tag, and leaves
every libyaml error to the reference path, whose messages and marks are the ones users
see. Everything it does decide (data, lines,
duplicate keys, aliases, duplicate anchors, extra documents, disallowed implicit tags,
scalars that resolve to a type they cannot be converted to, such as ``0b_`` or
``2024-13-45``) is decided in the same order as the reference path: composition errors
first, in stream order, then the first walk error.

No malformed input escapes as anything but a :class:`ParseError` with a line: characters
YAML refuses (control characters, NUL, lone surrogates) are placed by their offset,
values the constructor cannot convert at their node, and nesting is capped at
``_MAX_DEPTH`` because PyYAML's composer recurses once per level.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from kg.errors import ParseError
from kg.ingest.files import read_input_text

_CParser: Callable[[str], Any] | None
try:
    from yaml._yaml import CParser as _LibyamlParser
except ImportError:  # PyYAML built without libyaml: the reference path does all the work
    _CParser = None
else:
    _CParser = _LibyamlParser

__all__ = ["LineMap", "load_yaml", "validate"]

_MAX_BYTES = 5 * 1024 * 1024
# Collections may nest this deep. PyYAML's composer (and the walk) recurse once per level,
# so a deeper file would end in a RecursionError; curated files nest four or five levels.
_MAX_DEPTH = 100
LineMap = dict[tuple[str | int, ...], int]
M = TypeVar("M", bound=BaseModel)

_ALIAS_PROBLEM = "anchors and aliases (*name) are not allowed in curated data"
_DEPTH_PROBLEM = f"lists and mappings nested more than {_MAX_DEPTH} deep are not allowed"
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}
_STR_TAG = "tag:yaml.org,2002:str"
# What libyaml's parser raises on malformed input; the fast path raises none of these.
_LIBYAML_ERRORS = (yaml.reader.ReaderError, yaml.scanner.ScannerError, yaml.parser.ParserError)
# Inputs on which libyaml's events differ from PyYAML's, found by differential fuzzing:
# tabs (libyaml allows ``key:\tvalue``), BOMs (libyaml skips one at any line start), NEL
# and the Unicode line/paragraph separators, and a comment glued to a block-scalar header.
_FAST_PATH_DECLINES = re.compile(r"[\t\x85\u2028\u2029\ufeff]|[|>][0-9+-]*#")


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects aliases and deep nesting; duplicate keys are caught while walking."""

    depth = 0  # collections open around the node being composed


def _compose_node(self: _StrictLoader, parent: Any, index: Any) -> Any:
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()  # type: ignore[no-untyped-call]
        raise yaml.MarkedYAMLError(problem=_ALIAS_PROBLEM, problem_mark=event.start_mark)
    if not self.check_event(yaml.MappingStartEvent, yaml.SequenceStartEvent):
        return yaml.composer.Composer.compose_node(self, parent, index)
    if self.depth == _MAX_DEPTH:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        raise yaml.MarkedYAMLError(problem=_DEPTH_PROBLEM, problem_mark=event.start_mark)
    self.depth += 1
    try:
        return yaml.composer.Composer.compose_node(self, parent, index)
    finally:
        self.depth -= 1


_StrictLoader.compose_node = _compose_node  # type: ignore[method-assign,assignment]


def _key(constructed: Any) -> Any:
    """The key as duplicate detection compares it: str, int or float kept, others as str."""
    if not isinstance(constructed, str | int | bool | float) or isinstance(constructed, bool):
        return str(constructed)
    return constructed


def _duplicate_key(key: Any, first_line: int, mark: Any, source: str) -> ParseError:
    return ParseError(
        f"duplicate key {key!r} (first at line {first_line})",
        source=source,
        line=mark.line + 1,
        column=mark.column + 1,
    )


def _bad_tag(tag: str, mark: Any, source: str) -> ParseError:
    return ParseError(
        f"tag {tag!r} is not allowed in curated data",
        source=source,
        line=mark.line + 1,
        column=mark.column + 1,
    )


# What a scalar of each tag must look like, for the message when it cannot be constructed.
_KINDS = {
    "tag:yaml.org,2002:int": "integer",
    "tag:yaml.org,2002:float": "number",
    "tag:yaml.org,2002:bool": "boolean (true or false)",
    "tag:yaml.org,2002:timestamp": "date",
}


def _construct(constructor: _StrictLoader, node: yaml.Node, source: str) -> Any:
    """Construct ``node`` as SafeLoader does; a value it cannot convert is a :class:`ParseError`.

    The resolver reads ``0b_`` as an int and ``2024-13-45`` as a date by their shape alone,
    and an explicit ``!!int foo`` is taken at its word; SafeConstructor then fails with a
    bare ValueError, KeyError or AttributeError that says neither where nor what. Both
    paths construct through here, so they raise the same error.
    """
    _check_kind(node, source)
    try:
        return constructor.construct_object(node)
    except yaml.MarkedYAMLError:
        raise
    except (ValueError, LookupError, AttributeError, TypeError, OverflowError) as err:
        raise _bad_value(node, err, constructor, source) from err


_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


def _check_kind(node: yaml.Node, source: str) -> None:
    """Refuse ``!!map``/``!!seq`` on a scalar, or a collection tagged as another kind.

    SafeConstructor fills a collection only when asked to construct deeply, so ``!!map x``
    would quietly become ``{}`` and ``!!str [1]`` stay a list. Only explicit tags can do
    this, and the fast path declines those, so this decides on the reference path alone.
    """
    if isinstance(node, yaml.MappingNode):
        expected, what = _MAP_TAG, "a mapping"
    elif isinstance(node, yaml.SequenceNode):
        expected, what = _SEQ_TAG, "a list"
    elif node.tag == _MAP_TAG or node.tag == _SEQ_TAG:
        expected, what = "", "a single value"
    else:
        return
    if node.tag != expected:
        short = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise ParseError(
            f"tag {short} cannot mark {what}; remove the tag",
            source=source,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )


def _bad_value(node: yaml.Node, err: Exception, resolver: _StrictLoader, source: str) -> ParseError:
    """Say which value is not what its tag (written or resolved from its shape) demands.

    A value that only looks like a number or a date was probably meant as text, so the
    message says to quote it; an explicit tag is the curator's own, so it does not.
    """
    value = str(node.value)
    resolve = cast(Callable[..., str], resolver.resolve)
    shown = value if len(value) <= 40 else value[:37] + "..."
    kind = _KINDS.get(node.tag, node.tag)
    message = f"{shown!r} is not a valid {kind}"
    if node.tag == "tag:yaml.org,2002:timestamp" and isinstance(err, ValueError):
        message += f": {err}"  # e.g. "month must be in 1..12"
    plain = not getattr(node, "style", None)  # PyYAML: None, libyaml: ''
    if plain and resolve(ScalarNode, value, (True, False)) == node.tag:
        message += "; put it in quotes if it is meant as text"
    return ParseError(
        message, source=source, line=node.start_mark.line + 1, column=node.start_mark.column + 1
    )


# -- reference path: PyYAML's pure-Python composer, then a walk over the nodes ----------


def _walk(
    node: yaml.Node,
    path: tuple[str | int, ...],
    lines: LineMap,
    source: str,
    constructor: _StrictLoader,
) -> Any:
    lines[path] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _bad_tag(node.tag, node.start_mark, source)
    _check_kind(node, source)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _key(_construct(constructor, key_node, source))
            if key in first:
                raise _duplicate_key(key, first[key], key_node.start_mark, source)
            first[key] = key_node.start_mark.line + 1
            result[str(key)] = _walk(value_node, (*path, str(key)), lines, source, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _walk(item, (*path, i), lines, source, constructor) for i, item in enumerate(node.value)
        ]
    return _construct(constructor, node, source)


def _load_reference(text: str, source: str) -> tuple[Any, LineMap]:
    """Load with PyYAML's Python parser; raises ``MarkedYAMLError`` or :class:`ParseError`."""
    node = yaml.compose(text, Loader=_StrictLoader)
    lines: LineMap = {}
    # A fresh constructor per file: construct_object caches every node it has seen.
    data = {} if node is None else _walk(node, (), lines, source, _StrictLoader(""))
    return data, lines


# -- fast path: libyaml's events, one pass -------------------------------------------


class _Declined(Exception):
    """The fast path cannot promise the reference path's answer for this input."""


def _track(event: Any, kind: type, flow_level: int, depth: int) -> tuple[int, int]:
    """Check a scalar, or count a collection opening: the new ``(flow_level, depth)``.

    Raises:
        _Declined: nesting deeper than ``_MAX_DEPTH`` (the reference path says where).
    """
    if kind is ScalarEvent:
        _check_flow_scalar(event, flow_level)
    elif kind is MappingStartEvent or kind is SequenceStartEvent:
        depth += 1
        if depth > _MAX_DEPTH:
            raise _Declined
        if event.flow_style:
            flow_level += 1
    return flow_level, depth


def _check_flow_scalar(event: Any, flow_level: int) -> None:
    """Decline a plain scalar holding ``?`` in a flow collection.

    libyaml 0.2.5 reads ``{source: https://e.org/?q=1}`` as one scalar; PyYAML ends a
    plain scalar at a ``?`` inside ``[]``/``{}`` and then refuses the document.
    """
    if flow_level and event.implicit[0] and "?" in event.value:
        raise _Declined


class _Pass:
    """One pass over libyaml's events that builds the data and its line map.

    No error is raised where it is found. The reference path composes the whole document
    before it walks it, and PyYAML's scanner looks a token or two ahead of the event it
    hands over, so what it reports first is: a parse error anywhere up to the first
    composition error (an alias, a duplicate anchor, a second document), else that
    composition error, else the first walk error (duplicate key, disallowed tag, a key
    that cannot be constructed). So the first error found is kept, a composition error
    replaces a walk error, and the rest of the stream is still read: anything there that
    libyaml refuses, or reads differently from PyYAML, hands over to the reference path.
    """

    def __init__(self, text: str, source: str) -> None:
        if _CParser is None or _StrictLoader.yaml_path_resolvers:
            raise _Declined
        try:
            self.parser = _CParser(text)
        except UnicodeError as err:
            raise _Declined from err
        self.source = source
        self.anchors: dict[str, Any] = {}  # anchor -> libyaml mark of its node
        self.helper = _StrictLoader("")  # same resolver and constructors as the reference
        self.resolve = cast(Callable[..., str], self.helper.resolve)
        self.root_mark: Any = None

    def check_node(self, event: Any) -> None:
        """Refuse aliases and duplicate anchors; decline explicit tags."""
        mark: Any = event.start_mark
        if type(event) is AliasEvent:
            raise yaml.MarkedYAMLError(problem=_ALIAS_PROBLEM, problem_mark=mark)
        if event.tag is not None:
            raise _Declined
        anchor = event.anchor
        if anchor is not None:
            if anchor in self.anchors:
                raise yaml.composer.ComposerError(
                    f"found duplicate anchor {anchor!r}; first occurrence",
                    self.anchors[anchor],
                    "second occurrence",
                    mark,
                )
            self.anchors[anchor] = mark

    def skip_collection(self, flow_level: int, depth: int) -> None:
        """Consume a collection that is not built (a key), still checking what it holds.

        ``flow_level`` counts the open flow collections, this one included; everything
        inside a flow collection is flow, so while it is positive the innermost open
        collection is one. ``depth`` counts all open collections, this one included.
        """
        if depth > _MAX_DEPTH:
            raise _Declined
        inner = 1
        while inner:
            event = self.parser.get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                inner -= 1
                depth -= 1
                if flow_level:
                    flow_level -= 1
                continue
            if kind is MappingStartEvent or kind is SequenceStartEvent:
                inner += 1
            flow_level, depth = _track(event, kind, flow_level, depth)
            try:
                self.check_node(event)
            except yaml.MarkedYAMLError as err:
                self.settle(err, composing=True, flow_level=flow_level, depth=depth)

    def settle(
        self, error: Exception | None, *, composing: bool, flow_level: int, depth: int
    ) -> None:
        """Read the rest of the stream, then raise the error the reference path raises.

        ``error`` is the first error found so far (None: none); ``composing`` says it is a
        composition error, which no later error replaces. Returns when there is none.
        ``depth`` counts the open collections. Nesting deeper than ``_MAX_DEPTH`` anywhere
        declines: the reference path's composer stops there, and says where.
        """
        while True:
            event = self.parser.get_event()
            kind = type(event)
            if kind is StreamEndEvent:
                break
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                depth -= 1
                if flow_level:
                    flow_level -= 1
                continue
            if kind is DocumentEndEvent:
                continue
            if kind is DocumentStartEvent:
                if not composing:
                    error = yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        self.root_mark,
                        "but found another document",
                        event.start_mark,
                    )
                    composing = True
                continue
            flow_level, depth = _track(event, kind, flow_level, depth)
            try:
                self.check_node(event)
            except yaml.MarkedYAMLError as err:
                if not composing:
                    error, composing = err, True
        if error is not None:
            raise error

    def scalar(self, event: Any, tags: dict[str, str]) -> tuple[str, Any]:
        """Resolve and construct a scalar as SafeLoader does; return (tag, value)."""
        value = event.value
        if event.implicit[0]:
            tag = tags.get(value)
            if tag is None:
                tag = tags[value] = self.resolve(ScalarNode, value, (True, False))
        else:
            tag = _STR_TAG  # quoted or block scalars without a tag are strings
        if tag == _STR_TAG:
            return tag, value
        node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
        if tag not in _PLAIN_TAGS:
            return tag, node  # refused by the caller (as a value) or constructed (as a key)
        return tag, _construct(self.helper, node, self.source)

    def run(self) -> tuple[Any, LineMap]:  # noqa: C901, PLR0912, PLR0915 - one hot loop
        """Build (data, lines); raise as the reference path would, or :class:`_Declined`."""
        lines: LineMap = {}
        get = self.parser.get_event
        get()  # StreamStartEvent
        event = get()
        if type(event) is StreamEndEvent:
            return {}, lines
        event = get()  # past DocumentStartEvent: the root node
        self.root_mark = event.start_mark
        tags: dict[str, str] = {}
        source = self.source
        stack: list[tuple[Any, tuple[str | int, ...], dict[Any, int], Any]] = []
        container: Any = None  # the dict or list being filled; None above the root
        path: tuple[str | int, ...] = ()
        first: dict[Any, int] = {}
        key: Any = None  # in a mapping: the key of the next value, None when a key is due
        root: Any = None
        flow_level = 0  # open flow collections, as in skip_collection()
        while True:
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                if flow_level:
                    flow_level -= 1
                container, path, first, key = stack.pop()
                if container is None:
                    break
                event = get()
                continue
            nested = kind is MappingStartEvent or kind is SequenceStartEvent
            if nested:
                opened = flow_level + 1 if event.flow_style else flow_level
            elif kind is ScalarEvent and flow_level:
                _check_flow_scalar(event, flow_level)
            if event.anchor is not None:  # an alias or an anchored node
                try:
                    self.check_node(event)
                except yaml.MarkedYAMLError as err:
                    self.settle(
                        err,
                        composing=True,
                        flow_level=opened if nested else flow_level,
                        depth=len(stack) + nested,
                    )
            elif event.tag is not None:
                raise _Declined
            mark = event.start_mark
            is_map = type(container) is dict
            if is_map and key is None:
                if nested:  # a collection as key: constructed empty, then shown as text
                    self.skip_collection(opened, len(stack) + 1)
                    constructed: Any = {} if kind is MappingStartEvent else []
                else:
                    try:
                        tag, constructed = self.scalar(event, tags)
                        if tag not in _PLAIN_TAGS:
                            constructed = _construct(self.helper, constructed, source)
                    except Exception as err:  # noqa: BLE001 - raised once the stream is read
                        self.settle(err, composing=False, flow_level=flow_level, depth=len(stack))
                found = _key(constructed)
                if found in first:
                    error = _duplicate_key(found, first[found], mark, source)
                    self.settle(error, composing=False, flow_level=flow_level, depth=len(stack))
                first[found] = mark.line + 1
                key = str(found)
                event = get()
                continue
            if is_map:
                here: tuple[str | int, ...] = (*path, key)
            elif container is None:
                here = ()
            else:
                here = (*path, len(container))
            lines[here] = mark.line + 1
            if nested:
                value: Any = {} if kind is MappingStartEvent else []
            else:
                try:
                    tag, value = self.scalar(event, tags)
                except Exception as err:  # noqa: BLE001 - raised once the stream is read
                    self.settle(err, composing=False, flow_level=flow_level, depth=len(stack))
                if tag not in _PLAIN_TAGS:
                    error = _bad_tag(tag, mark, source)
                    self.settle(error, composing=False, flow_level=flow_level, depth=len(stack))
            if is_map:
                container[key] = value
                key = None
            elif container is None:
                root = value
            else:
                container.append(value)
            if nested:
                flow_level = opened
                stack.append((container, path, first, key))
                if len(stack) > _MAX_DEPTH:  # the reference path says where
                    raise _Declined
                container, path, first, key = value, here, {}, None
            elif container is None:
                break
            event = get()
        self.settle(None, composing=False, flow_level=0, depth=0)
        return root, lines


def _load_fast(text: str, source: str) -> tuple[Any, LineMap]:
    """Load with libyaml's events, or raise :class:`_Declined` to use the reference path."""
    if not text.endswith("\n") or _FAST_PATH_DECLINES.search(text):
        raise _Declined
    try:
        return _Pass(text, source).run()
    except _LIBYAML_ERRORS as err:
        raise _Declined from err


def _load_text(text: str, source: str, *, fast: bool = True) -> tuple[Any, LineMap]:
    """Load ``text`` (fast path unless ``fast`` is False, else reference path).

    YAML errors from either path become a :class:`ParseError` at their mark.
    """
    # The result is a tree of fresh, acyclic dicts and lists; the cyclic collector would
    # rescan it again and again while it grows (40% of the fast path at 100k papers).
    collecting = gc.isenabled()
    gc.disable()
    try:
        if fast:
            try:
                return _load_fast(text, source)
            except _Declined:
                pass
        return _load_reference(text, source)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = " ".join(filter(None, [err.context, err.problem]))
        raise ParseError(
            message or "invalid YAML",
            source=source,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from err
    except yaml.reader.ReaderError as err:  # not a MarkedYAMLError: it has a position
        raise _bad_character(text, err.position, source) from err
    finally:
        if collecting:
            gc.enable()


# Line breaks as PyYAML's reader counts them, so lines agree with every other error.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _bad_character(text: str, position: int, source: str) -> ParseError:
    """The error for a character YAML does not allow (control characters, NUL, surrogates).

    PyYAML checks the whole text before parsing and reports only an offset into it; the
    curator needs the line and column, and to know which invisible character it is.
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


def load_yaml(path: str | Path) -> tuple[Any, LineMap]:
    """Load one YAML document strictly; return the data and its path->line map.

    Raises:
        IngestError: the file cannot be read or is too large.
        ParseError: the YAML is malformed, has duplicate keys, aliases or unsafe tags.
    """
    path = Path(path)
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    return _load_text(text, str(path))


def validate(model: type[M], data: Any, lines: LineMap, *, source: str | Path) -> M:
    """Validate ``data`` as ``model``; a failure becomes a :class:`ParseError` at its line.

    Only the first error is reported: it is the one to fix first, and the message stays
    readable.
    """
    try:
        return model.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        line = None
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in lines:
                line = lines[loc[:cut]]
                break
        where = ".".join(str(p) for p in loc)
        got = first.get("input")
        shown = (
            f" (got {got!r})"
            if not isinstance(got, dict | list) and first["type"] != "missing"
            else ""
        )
        raise ParseError(f"{where}: {first['msg']}{shown}", source=source, line=line) from err
