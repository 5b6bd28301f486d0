"""Strict YAML for curated data: safe, unambiguous, and errors that name file:line.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, expands alias
bombs, and says nothing about lines once pydantic rejects a value. This loader refuses
duplicate keys and anchors/aliases, caps the file size, and keeps a map from each value's
path (``("lineage", 3, "relation")``) to its line so validation errors can point there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kg.errors import ParseError
from kg.inputs import read_input_text

__all__ = ["LineMap", "load_yaml", "validate"]

_MAX_BYTES = 5 * 1024 * 1024
LineMap = dict[tuple[str | int, ...], int]
M = TypeVar("M", bound=BaseModel)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys and aliases."""


def _compose_node(self: _StrictLoader, parent: Any, index: Any) -> Any:
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()  # type: ignore[no-untyped-call]
        raise yaml.MarkedYAMLError(
            problem="anchors and aliases (*name) are not allowed in curated data",
            problem_mark=event.start_mark,
        )
    return yaml.composer.Composer.compose_node(self, parent, index)


_StrictLoader.compose_node = _compose_node  # type: ignore[method-assign,assignment]


def _walk(node: yaml.Node, path: tuple[str | int, ...], lines: LineMap, source: str) -> Any:
    lines[path] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise ParseError(
            f"tag {node.tag!r} is not allowed in curated data",
            source=source,
            line=node.start_mark.line + 1,
            column=node.start_mark.column + 1,
        )
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = _LOADER_FOR_SCALARS.construct_object(key_node)
            if not isinstance(key, str | int | bool | float) or isinstance(key, bool):
                key = str(key)
            if key in first:
                raise ParseError(
                    f"duplicate key {key!r} (first at line {first[key]})",
                    source=source,
                    line=key_node.start_mark.line + 1,
                    column=key_node.start_mark.column + 1,
                )
            first[key] = key_node.start_mark.line + 1
            result[str(key)] = _walk(value_node, (*path, str(key)), lines, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*path, i), lines, source) for i, item in enumerate(node.value)]
    return _LOADER_FOR_SCALARS.construct_object(node)


_LOADER_FOR_SCALARS = _StrictLoader("")
_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{name}"
    for name in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
}


def load_yaml(path: str | Path) -> tuple[Any, LineMap]:
    """Load one YAML document strictly; return the data and its path->line map.

    Raises:
        IngestError: the file cannot be read or is too large.
        ParseError: the YAML is malformed, has duplicate keys, aliases or unsafe tags.
    """
    path = Path(path)
    text = read_input_text(path, max_bytes=_MAX_BYTES)
    try:
        node = yaml.compose(text, Loader=_StrictLoader)
        lines: LineMap = {}
        data = {} if node is None else _walk(node, (), lines, str(path))
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = " ".join(filter(None, [err.context, err.problem]))
        raise ParseError(
            message or "invalid YAML",
            source=path,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from err
    return data, lines


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
