"""kg.export.json_text: the fast indented writer gives json.dumps's text for any JSON value."""

from __future__ import annotations

import enum
import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.export.json_text import dumps_indented


class Colour(enum.StrEnum):
    RED = "red"


class Size(enum.IntEnum):
    BIG = 3


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from([Colour.RED, Size.BIG, "</script>", "a\nb\t\u2028\x00", "💡 é"])
)
_KEYS = st.text(max_size=6) | st.sampled_from(["id", "data", "x", "y", "é"])


def _values(keys: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        _SCALARS,
        lambda inner: (
            st.lists(inner, max_size=5)
            | st.lists(inner, max_size=4).map(tuple)
            | st.dictionaries(keys, inner, max_size=5)
        ),
        max_leaves=40,
    )


@settings(max_examples=400, deadline=None)
@given(
    value=_values(_KEYS),
    indent=st.integers(min_value=1, max_value=4),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
)
def test_same_text_as_json_dumps(
    value: Any, indent: int, sort_keys: bool, ensure_ascii: bool
) -> None:
    expected = json.dumps(value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    got = dumps_indented(value, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    assert got == expected


@settings(max_examples=150, deadline=None)
@given(
    value=_values(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3)
    )
)
def test_same_text_for_keys_that_are_not_strings(value: Any) -> None:
    """json.dumps turns int, float, bool and None keys into strings; so does the fast writer."""
    assert dumps_indented(value, indent=2) == json.dumps(value, indent=2)


@pytest.mark.parametrize(
    "value",
    [{"a": math.nan}, [math.inf], {"a": [{"b": -math.inf}, 1]}],
)
def test_non_finite_floats_follow_allow_nan(value: Any) -> None:
    assert dumps_indented(value, indent=1) == json.dumps(value, indent=1)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        json.dumps(value, indent=1, allow_nan=False)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        dumps_indented(value, indent=1, allow_nan=False)


@pytest.mark.parametrize("value", [{"a": {1, 2}}, [[object()]], {(1, 2): "tuple key"}])
def test_what_json_refuses_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        json.dumps(value, indent=1)
    with pytest.raises(TypeError):
        dumps_indented(value, indent=1)


def test_indent_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="indent must be 1 or more"):
        dumps_indented([1], indent=0)


@settings(max_examples=300, deadline=None)
@given(
    items=st.lists(_values(_KEYS), max_size=7),
    depth=st.integers(min_value=0, max_value=3),
    indent=st.integers(min_value=1, max_value=3),
    sort_keys=st.booleans(),
    ensure_ascii=st.booleans(),
    per_piece=st.integers(min_value=1, max_value=3),
)
def test_a_list_in_pieces_is_the_list_as_json_dumps_nests_it(
    items: list[Any], depth: int, indent: int, sort_keys: bool, ensure_ascii: bool, per_piece: int
) -> None:
    from kg.export.json_text import indented_items

    # The list nested ``depth`` levels down in one-key dicts: its text is what sits
    # between the last key and the closing braces.
    document: Any = items
    for _ in range(depth):
        document = {"k": document}
    whole = json.dumps(document, indent=indent, sort_keys=sort_keys, ensure_ascii=ensure_ascii)
    pieces = list(
        indented_items(
            iter(items),
            level=depth,
            indent=indent,
            sort_keys=sort_keys,
            ensure_ascii=ensure_ascii,
            per_piece=per_piece,
        )
    )
    assert len(pieces) == len(items) // per_piece + 1  # a piece per per_piece items, then the last
    head = "".join("{" + "\n" + " " * (indent * (d + 1)) + '"k": ' for d in range(depth))
    tail = "".join("\n" + " " * (indent * d) + "}" for d in reversed(range(depth)))
    assert head + "".join(pieces) + tail == whole
