"""Strict YAML for curated data: safe, unambiguous, and errors that name file:line.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands alias
bombs, and says nothing about lines once pydantic rejects a value. This loader refuses
duplicate keys, aliases and tags other than YAML's own scalar and collection tags, caps
the file size and the nesting depth, and keeps a map from each value's path
(``("lineage", 3, "relation")``) to its line so validation errors can point there.

Two steps. libyaml composes the node tree (``yaml.CSafeLoader``, in C; PyYAML's pure
Python composer when PyYAML was built without libyaml), then one walk with an explicit
stack turns the nodes into Python values and the line map, checking each node as it
goes. Scalars resolve as ``safe_load`` resolves them (``1.5`` a float, ``2024-01-02`` a
date, quoted text a string). No malformed input escapes as anything but a
:class:`~kg.errors.ParseError` with a line: characters YAML refuses are placed by their
offset, and values the constructor cannot convert (``0b_``, ``2024-13-45``, an integer
of 20,000 digits) at their node.

A composed tree no longer says where an alias was written (the alias is the anchored
node itself), so the walk notices a node it has already seen, and only then are the
events read again to find the first alias: an error path, not a second parser.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, TypeVar, cast

import yaml
from pydantic import BaseModel, ValidationError
from yaml.nodes import MappingNode, Node, ScalarNode

from kg.curation.yaml_depth import too_deep
from kg.curation.yaml_messages import bad_character, bad_value, error, marked
from kg.errors import ParseError
from kg.ingest.files import read_input_text

__all__ = ["LineMap", "load_yaml", "validate"]

_MAX_BYTES = 5 * 1024 * 1024
# Collections may nest this deep (curated files nest four or five levels). PyYAML's pure
# composer recurses once per level, libyaml stops at 1,000 with an unhelpful mark.
_MAX_DEPTH = 100
LineMap = dict[tuple[str | int, ...], int]
M = TypeVar("M", bound=BaseModel)

_ALIAS_PROBLEM = "anchors and aliases (*name) are not allowed in curated data"
_DEPTH_PROBLEM = f"lists and mappings nested more than {_MAX_DEPTH} deep are not allowed"
_Y = "tag:yaml.org,2002:"
_STR_TAG, _MAP_TAG, _SEQ_TAG = f"{_Y}str", f"{_Y}map", f"{_Y}seq"
# Tags a scalar may have, and SafeConstructor's function for each (str is taken as is).
_SCALAR_TAGS: dict[str, Callable[[Any, ScalarNode], Any]] = {
    f"{_Y}{name}": yaml.SafeLoader.yaml_constructors[f"{_Y}{name}"]
    for name in ("int", "float", "bool", "null", "timestamp")
}
# Characters YAML refuses anywhere (PyYAML's reader checks the same set).
_NON_PRINTABLE = yaml.reader.Reader.NON_PRINTABLE


class _PureLoader(yaml.SafeLoader):
    """PyYAML's Python composer, used without libyaml: refuses aliases and deep nesting.

    It recurses once per level, so the depth cap must hold while composing, not after.
    """

    depth = 0  # collections open around the node being composed

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        """Compose as PyYAML does, refusing an alias or a collection nested too deep."""
        event: Any = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem=_ALIAS_PROBLEM, problem_mark=cast(Any, event.start_mark)
            )
        if not isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            return super().compose_node(parent, index)
        if self.depth == _MAX_DEPTH:
            raise yaml.MarkedYAMLError(
                problem=_DEPTH_PROBLEM, problem_mark=cast(Any, event.start_mark)
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


_resolve = cast(Callable[..., str], yaml.resolver.Resolver.resolve)


class _LibyamlLoader(yaml.CSafeLoader):
    """libyaml's composer, resolving each distinct plain scalar once.

    libyaml calls back into Python's resolver for every scalar; curated files repeat
    their values (``extends``, ``true``) and keys, so a cache halves the cost.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.tags: dict[str, str] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:
        """The tag SafeLoader gives a node: cached for plain scalars, text for quoted ones."""
        if kind is not ScalarNode:
            return _resolve(self, kind, value, implicit)
        if not implicit[0]:
            return _STR_TAG  # quoted or block scalars without a tag are text
        tag = self.tags.get(value)
        if tag is None:
            tag = self.tags[value] = _resolve(self, kind, value, implicit)
        return tag


# The composer: libyaml's when PyYAML has it.
_Composer: type[Any] = _LibyamlLoader if yaml.__with_libyaml__ else _PureLoader


def _key(constructed: Any) -> Any:
    """The key as duplicate detection compares it: str, int or float kept, others as str."""
    if not isinstance(constructed, str | int | float) or isinstance(constructed, bool):
        return str(constructed)
    return constructed


def _check_tag(node: Node, source: str) -> None:
    """Refuse a tag outside YAML's plain ones, or one that names another kind of node.

    SafeConstructor would quietly make ``{}`` of ``!!map x`` and keep ``!!str [1]`` a list.
    """
    tag = node.tag
    if isinstance(node, ScalarNode):
        if tag == _STR_TAG or tag in _SCALAR_TAGS:
            return
        expected, what = "", "a single value"
    elif isinstance(node, MappingNode):
        expected, what = _MAP_TAG, "a mapping"
    else:
        expected, what = _SEQ_TAG, "a list"
    if tag == expected:
        return
    if tag in (_MAP_TAG, _SEQ_TAG, _STR_TAG) or tag in _SCALAR_TAGS:
        short = tag.replace(_Y, "!!")
        raise error(f"tag {short} cannot mark {what}; remove the tag", node.start_mark, source)
    raise error(f"tag {tag!r} is not allowed in curated data", node.start_mark, source)


class _Walk:
    """One walk over a composed tree: the Python values, the line map, and every check.

    A mapping's key is checked before its value and its value's subtree before the next
    key, so the error reported is the first in the file. The explicit stack keeps deep
    (but allowed) nesting off Python's call stack.
    """

    def __init__(self, text: str, source: str, loader: Any) -> None:
        self.text = text
        self.source = source
        self.loader = loader  # a SafeConstructor, for the scalars that are not text
        self.lines: LineMap = {}
        self.seen: set[int] = set()  # ids of the nodes met: a second meeting is an alias
        self.track = "&" in text  # no anchor, no alias: skip the bookkeeping
        self.root: Node | None = None

    def fail(self, problem: ParseError) -> NoReturn:
        """Raise ``problem``, unless an alias or too deep a collection comes first in the file.

        Those are refused while composing (by PyYAML's composer, and so in its order),
        before any value is checked.
        """
        raise self.structure_error() or problem

    def structure_error(self) -> ParseError | None:
        """The first alias or too deeply nested collection in the stream, or None."""
        found: list[tuple[int, Any, str]] = []
        if self.track:
            for event in yaml.parse(self.text, Loader=_Composer):
                if isinstance(event, yaml.AliasEvent):
                    mark: Any = event.start_mark
                    found.append((mark.index, mark, _ALIAS_PROBLEM))
                    break
        if (deep := too_deep(self.root, _MAX_DEPTH)) is not None:
            found.append((deep.index, deep, _DEPTH_PROBLEM))
        if not found:
            return None
        _, mark, problem = min(found, key=lambda item: item[0])
        return error(problem, mark, self.source)

    def meet(self, node: Node, depth: int) -> None:
        """Check a node met at ``depth`` (collections around it, itself included)."""
        if self.track:
            before = len(self.seen)
            self.seen.add(id(node))
            if len(self.seen) == before:
                self.fail(error(_ALIAS_PROBLEM, node.start_mark, self.source))
        if depth > _MAX_DEPTH and not isinstance(node, ScalarNode):
            self.fail(error(_DEPTH_PROBLEM, node.start_mark, self.source))
        if node.tag != _STR_TAG or type(node) is not ScalarNode:
            _check_tag(node, self.source)

    def scalar(self, node: ScalarNode) -> Any:
        """The value of a scalar, as SafeLoader constructs it."""
        tag = node.tag
        if tag == _STR_TAG:
            return node.value
        try:
            return _SCALAR_TAGS[tag](self.loader, node)
        except yaml.MarkedYAMLError as err:
            self.fail(error(err.problem or "invalid value", node.start_mark, self.source))
        except (ValueError, LookupError, AttributeError, TypeError, OverflowError) as err:
            self.fail(bad_value(node, err, self.loader, self.source))

    def key(self, node: Node, depth: int, first: dict[Any, int]) -> str:
        """A mapping key as text; refuses a duplicate. A collection key reads as ``{}``/``[]``."""
        self.meet(node, depth)
        if isinstance(node, ScalarNode):
            found = _key(self.scalar(node))
        else:
            self.check_inside(node, depth)
            found = str({} if isinstance(node, MappingNode) else [])
        if found in first:
            message = f"duplicate key {found!r} (first at line {first[found]})"
            self.fail(error(message, node.start_mark, self.source))
        first[found] = node.start_mark.line + 1
        return str(found)

    def check_inside(self, node: Node, depth: int) -> None:
        """Check every node inside a collection used as a key (aliases, tags, depth)."""
        stack = [(node, depth)]
        while stack:
            here, level = stack.pop()
            children: list[Node] = (
                [part for pair in here.value for part in pair]
                if isinstance(here, MappingNode)
                else list(here.value)
            )
            for child in reversed(children):
                self.meet(child, level + 1)
                if not isinstance(child, ScalarNode):
                    stack.append((child, level + 1))

    def run(self, root: Node | None) -> tuple[Any, LineMap]:
        """The document's value and its line map."""
        lines = self.lines
        self.root = root
        if root is None:
            return {}, lines
        lines[()] = root.start_mark.line + 1
        self.meet(root, 1)
        if isinstance(root, ScalarNode):
            return self.scalar(root), lines
        value = self.fill(root)
        return value, lines

    def fill(self, root: Node) -> Any:
        """Build the value of a collection node and everything in it, depth first.

        Each frame: the iterator over the children still to read, the dict or list being
        filled, its path, its keys so far (None for a list) and its depth.
        """
        lines = self.lines
        track = self.track
        top: Any = {} if isinstance(root, MappingNode) else []
        stack: list[tuple[Iterator[Any], Any, tuple[str | int, ...], dict[Any, int] | None, int]]
        stack = [(iter(root.value), top, (), {} if type(top) is dict else None, 1)]
        while stack:
            children, container, path, first, depth = stack[-1]
            inner = depth + 1
            for child in children:
                if first is not None:
                    key_node, node = child
                    key = key_node.value
                    # the common case inline: a text key, seen for the first time
                    if track or key_node.tag != _STR_TAG or key in first:
                        key = self.key(key_node, inner, first)
                    else:
                        first[key] = key_node.start_mark.line + 1
                    here = (*path, key)
                else:
                    node = child
                    here = (*path, len(container))
                lines[here] = node.start_mark.line + 1
                if type(node) is ScalarNode:
                    if track or node.tag != _STR_TAG:
                        self.meet(node, inner)
                        value = self.scalar(node)
                    else:
                        value = node.value
                else:
                    self.meet(node, inner)
                    value = {} if type(node) is MappingNode else []
                    stack.append(
                        (iter(node.value), value, here, {} if value == {} else None, inner)
                    )
                if first is not None:
                    container[key] = value
                else:
                    container.append(value)
                if type(node) is not ScalarNode:
                    break
            else:
                stack.pop()
        return top


def _compose(text: str, composer: type[Any]) -> Node | None:
    loader = composer(text)
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    finally:
        loader.dispose()


def _raise_depth_first(text: str) -> None:
    """After a libyaml error: raise the depth error instead if the text nests too deep first."""
    try:
        _compose(text, _PureLoader)
    except yaml.MarkedYAMLError as err:
        if err.problem == _DEPTH_PROBLEM:
            raise
    except yaml.YAMLError:
        pass


def _load_text(text: str, source: str) -> tuple[Any, LineMap]:
    """Load ``text``: the data and its path->line map, or a :class:`ParseError` at its mark."""
    if bad := _NON_PRINTABLE.search(text):
        raise bad_character(text, bad.start(), source)
    # The result is a tree of fresh, acyclic dicts and lists; the cyclic collector would
    # rescan it again and again while it grows.
    collecting = gc.isenabled()
    gc.disable()
    try:
        try:
            root = _compose(text, _Composer)
        except yaml.MarkedYAMLError as err:
            if err.problem != "exceeded maximum nesting depth":
                _raise_depth_first(text)  # nesting past the cap is said before what follows it
                raise
            root = _compose(text, _PureLoader)  # libyaml's limit: the pure one says where
        return _Walk(text, source, _Composer("")).run(root)
    except yaml.MarkedYAMLError as err:
        raise marked(err, text, source) from err
    finally:
        if collecting:
            gc.enable()


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
        shown = ""
        if not isinstance(got, dict | list) and first["type"] != "missing":
            text = repr(got) if not isinstance(got, int) or abs(got) < 10**40 else str(got)
            shown = f" (got {text if len(text) <= 60 else text[:57] + '...'})"
        raise ParseError(f"{where}: {first['msg']}{shown}", source=source, line=line) from err
