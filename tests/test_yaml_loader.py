"""The strict YAML loader: libyaml composes, one walk converts and checks.

Accepted documents are compared with an oracle: the values and lines of the nodes
``yaml.compose`` returns, each scalar constructed by SafeLoader (keys as text). Refused
documents must give the exact message at file:line:column. Without libyaml, PyYAML's pure composer must give the same answers on
the inputs where the two parsers agree (every curated and generated file).
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field

from kg.curation import strict_yaml as yaml_loader
from kg.curation.strict_yaml import load_yaml, validate
from kg.errors import ParseError

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "data/x.yaml"
PURE = yaml_loader._PureLoader


def outcome(text: str, *, composer: type[Any] | None = None) -> tuple[Any, ...]:
    """What loading ``text`` gives: ("ok", data, lines) or ("error", message)."""
    chosen = yaml_loader._Composer
    if composer is not None:
        yaml_loader._Composer = composer
    try:
        data, lines = yaml_loader._load_text(text, SOURCE)
    except ParseError as err:
        return ("error", str(err))
    finally:
        yaml_loader._Composer = chosen
    return ("ok", data, lines)


def oracle(node: yaml.Node, path: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> Any:
    """What a composed tree holds, keys as text (SafeLoader constructs each scalar), and
    the line of every value by path: what the loader must give for an accepted document.
    """
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        found = {}
        for key, value in node.value:
            name = str(yaml.SafeLoader("").construct_object(key))
            found[name] = oracle(value, (*path, name), lines)
        return found
    if isinstance(node, yaml.SequenceNode):
        return [oracle(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return yaml.SafeLoader("").construct_object(node)


def checked(text: str) -> tuple[Any, ...]:
    """Load ``text``; an accepted document must match what its composed nodes hold."""
    result = outcome(text)
    if result[0] == "ok":
        _, data, lines = result
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
        expected_lines: dict[tuple[Any, ...], int] = {}
        expected = {} if root is None else oracle(root, (), expected_lines)
        assert (data, lines) == (expected, expected_lines)
    return result


def both(text: str) -> tuple[Any, ...]:
    """Load ``text`` with libyaml and with the pure composer; they must agree."""
    result = checked(text)
    assert outcome(text, composer=PURE) == result
    return result


# -- real and generated files ---------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "data").glob("*.yaml")), ids=lambda p: p.name)
def test_curated_files_load_the_same_with_either_composer(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = both(text)
    assert result[0] == "ok"
    assert result[1:] == load_yaml(path)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 1,000-paper benchmark corpus (methods.yaml, lineage.yaml)."""
    out = tmp_path_factory.mktemp("y1k")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "--papers", "1000"]
        + ["--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("name", ["methods.yaml", "lineage.yaml"])
def test_generated_benchmark_files_load_the_same(generated: Path, name: str) -> None:
    text = (generated / name).read_text(encoding="utf-8")
    status, data, lines = both(text)
    assert status == "ok"
    key = name.removesuffix(".yaml")
    assert len(data[key]) > 10
    assert lines[(key, 0)] < lines[(key, 1)]


# -- hand-picked documents: values, lines, and every kind of refusal ---------------------

EVIDENCE = '{text: Because., source: "https://example.org/e?a=1&b=2"}'
ACCEPTED = {
    "scalars": (
        "a: 1\nb: 1.5\nc: true\nd: ~\ne: null\nf:\ng: 2024-01-02\nh: 2001-12-14t21:59:43.10-05:00\n"
        "i: '1'\nj: \"x\\ny\"\nk: 0x1f\nl: 1_000\nm: .inf\nn: no\no: é ü\n"
    ),
    "block scalars": "a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: x\n",
    "nesting": f"lineage:\n  - from: a\n    to: [b, c]\n    evidence: {EVIDENCE}\n  - {{}}\n  - []\n",
    "keys that are not strings": "1: a\ntrue: b\n~: c\n2020-01-01: d\n1.5: e\n",
    "an int key and its text": "1: a\n'1': b\n",
    "collection keys": "? [a, b]\n: 1\nc: 2\n",
    "root scalar": "just text\n",
    "root list": "- 1\n- [2, {a: 3}]\n",
    "empty document": "---\n",
    "comments only": "# nothing here\n",
    "explicit document": "%YAML 1.1\n---\na: 1\n...\n",
    "anchor without alias": "a: &x 1\nb: &y [2]\n",
    "windows line ends": "a: 1\r\nb:\r\n  - x\r\n",
    "plain scalar over lines": "a: one\n  two\nb: 'x\n\n  y'\n",
    "colons and urls": "a: http://e.org/x?q=1\nb: [a:b, c]\nc: {u: http://x}\nd: [?k]\n",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_documents_agree(text: str) -> None:
    assert both(text)[0] == "ok"


def test_values_and_lines_are_those_of_safe_load() -> None:
    text = ACCEPTED["scalars"] + "p:\n  - q: 1\n"
    status, data, lines = both(text)
    expected = yaml.safe_load(text)
    expected = {str(k): v for k, v in expected.items()}
    assert (status, data) == ("ok", expected)
    assert lines[()] == 1
    assert lines[("a",)] == 1
    assert lines[("o",)] == 15
    assert lines[("p", 0, "q")] == 17


def test_keys_that_are_not_strings_become_strings() -> None:
    _, data, lines = both(ACCEPTED["keys that are not strings"])
    assert list(data) == ["1", "True", "None", "2020-01-01", "1.5"]
    assert lines[("None",)] == 3


def test_empty_inputs() -> None:
    assert both("# nothing here\n") == ("ok", {}, {})
    assert both("---\n") == ("ok", None, {(): 2})  # the empty scalar is marked after
    assert both("") == ("ok", {}, {})


ALIAS = f"lineage:\n  - evidence: &ev {EVIDENCE}\n  - evidence: *ev\n"
REFUSED = {
    "duplicate key": (
        "lineage:\n  - from: a\n    to: b\n    to: c\n",
        "4:5: duplicate key 'to' (first at line 3)",
    ),
    "duplicate key, int and float": ("1: a\n1.0: b\n", "2:1: duplicate key 1.0 (first at line 1)"),
    "duplicate null key": ("~: a\nNone: b\n", "2:1: duplicate key 'None' (first at line 1)"),
    "duplicate collection key": (
        "? [a]\n: 1\n? [b]\n: 2\n",
        "3:3: duplicate key '[]' (first at line 1)",
    ),
    "alias": (ALIAS, "3:15: anchors and aliases (*name) are not allowed in curated data"),
    "alias as a key": ("a: &k x\n*k : 1\n", "2:1: anchors and aliases"),
    "alias after a duplicate key": (
        "a: 1\na: 2\nb: &x 1\nc: *x\n",
        "4:4: anchors and aliases (*name) are not allowed in curated data",
    ),
    "alias inside a collection key": ("? [&x a, *x]\n: 1\n", "1:10: anchors and aliases"),
    "duplicate anchor": (
        "a: &x 1\nb: &x 2\n",
        "2:4: found duplicate anchor 'x'; first occurrence second occurrence",
    ),
    "two documents": (
        "a: 1\n---\nb: 2\n",
        "2:1: expected a single document in the stream but found another document",
    ),
    "two documents after a duplicate key": ("a: 1\na: 2\n---\nb\n", "3:1: expected a single"),
    "python tag": (
        'methods:\n  - id: m\n    label: !!python/object/apply:builtins.eval ["6*7"]\n',
        "3:12: tag 'tag:yaml.org,2002:python/object/apply:builtins.eval' is not allowed",
    ),
    "implicit value tag": ("a: =\n", "1:4: tag 'tag:yaml.org,2002:value' is not allowed"),
    "merge key": (
        "a: {x: 1}\n<<: {y: 2}\n",
        "2:1: tag 'tag:yaml.org,2002:merge' is not allowed in curated data",
    ),
    "malformed": ("lineage:\n  - from: [arxiv:2306.00002\n", "3:1: "),
    # values the resolver reads by their shape but SafeConstructor cannot convert
    "malformed binary int": (
        "a: x\nb: 0b_\n",
        "2:4: '0b_' is not a valid integer; put it in quotes if it is meant as text",
    ),
    "malformed hex int as a key": ("0x_: 1\n", "1:1: '0x_' is not a valid integer; put it"),
    "impossible date": (
        "d: 2024-13-45\n",
        "1:4: '2024-13-45' is not a valid date: month must be in 1..12; put it in quotes",
    ),
    "impossible date-time": ("- 2024-01-01 25:00:00\n", "1:3: '2024-01-01 25:00:00' is not a"),
    "int tag on text": ("a: !!int foo\n", "1:4: 'foo' is not a valid integer"),
    "float tag on text": ("a: !!float x\n", "1:4: 'x' is not a valid number"),
    "bool tag on text": ("a: !!bool x\n", "1:4: 'x' is not a valid boolean (true or false)"),
    "timestamp tag on text": ("a: !!timestamp foo\n", "1:4: 'foo' is not a valid date"),
    "int tag on a key": ("? !!int x\n: 1\n", "1:3: 'x' is not a valid integer"),
    # SafeConstructor would quietly make {} of '!!map x' and keep '!!str [1]' a list
    "map tag on a scalar": ("a: !!map x\n", "1:4: tag !!map cannot mark a single value; remove"),
    "str tag on a list": ("a: !!str [1]\n", "1:4: tag !!str cannot mark a list; remove the tag"),
    "seq tag on a mapping key": ("? !!seq {a: 1}\n: 1\n", "1:3: tag !!seq cannot mark a mapping"),
    "long malformed int is cut short": (
        "a: " + "1" * 5000 + "\n",
        "1:4: '1111111111111111111111111111111111111...' is not a valid integer",
    ),
    "duplicate key before a bad int": ("a: 1\na: 2\nb: 0b_\n", "2:1: duplicate key 'a'"),
    "bad int before a duplicate key": ("b: 0b_\na: 1\na: 2\n", "1:4: '0b_' is not"),
    "alias after a bad int": ("a: 0b_\nb: &x 1\nc: *x\n", "3:4: anchors and aliases"),
    # characters YAML refuses anywhere, found before parsing starts
    "control character": (
        "a: 1\nb: x\x01y\n",
        "2:5: '\\x01' (U+0001, a control character) is not allowed in YAML; delete it",
    ),
    "NUL": ("a: [1, 2]\r\nb: \x00\n", "2:4: '\\x00' (U+0000, a control character)"),
    "DEL after a BOM": ("\ufeffa: \x7f\n", "1:4: '\\x7f' (U+007F, a control character)"),
    "C1 control after a lone CR": ("a: 1\rb: \x9b\n", "2:4: '\\x9b' (U+009B, a control"),
    "lone surrogate": ("a: '\ud800'\n", "1:5: '\\ud800' (U+D800, a lone surrogate)"),
    "noncharacter": ("a: \uffff\n", "1:4: '\\uffff' (U+FFFF, a noncharacter)"),
    "control character after a syntax error": ("a: [\n\x01\n", "2:1: '\\x01'"),
    # PyYAML's composer recurses once per level: a deep file would be a RecursionError
    "nested too deep": (
        "a: " + "[" * 101 + "]" * 101 + "\n",
        "1:103: lists and mappings nested more than 100 deep are not allowed",
    ),
    "nested too deep in blocks": (
        "".join("  " * i + "- \n" for i in range(102)),
        "101:201: lists and mappings nested more than 100 deep",
    ),
    "nested too deep in a key": ("? " + "[" * 101 + "]" * 101 + "\n: 1\n", "1:102: lists an"),
    "nested too deep after a duplicate key": (
        "a: 1\na: 2\nb: " + "{x: " * 101 + "1" + "}" * 101 + "\n",
        "3:400: lists and mappings nested more than 100 deep",
    ),
}
# Refusals where PyYAML's pure parser (used without libyaml) words or places the error
# its own way: syntax errors are each parser's own.
OWN_WORDING_WITHOUT_LIBYAML = {"malformed"}


@pytest.mark.parametrize(("text", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_documents_give_the_error(text: str, expected: str) -> None:
    status, message = checked(text)
    assert status == "error"
    assert message.startswith(f"{SOURCE}:{expected}")


@pytest.mark.parametrize(
    "name", [name for name in REFUSED if name not in OWN_WORDING_WITHOUT_LIBYAML]
)
def test_refused_documents_give_the_same_error_without_libyaml(name: str) -> None:
    both(REFUSED[name][0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: ! 1\n", ("ok", {"a": 1}, {(): 1, ("a",): 1})),  # '!' resolves as if untagged
        ("a:\tb\n", ("ok", {"a": "b"}, {(): 1, ("a",): 1})),  # libyaml allows a tab after ':'
        ("\ufeffa: 1\n", ("ok", {"a": 1}, {(): 1, ("a",): 1})),  # a BOM
        ("a: |#c\n  x\n", ("ok", {"a": "x\n"}, {(): 1, ("a",): 1})),  # comment on the header
        ("a: {s: https://e.org/?q=1}\n", ("ok", {"a": {"s": "https://e.org/?q=1"}}, None)),
        ("a: 1\na: 2\nb: [x?]\n", ("error", f"{SOURCE}:2:1: duplicate key 'a' (first at line 1)")),
    ],
)
def test_where_the_parsers_differ_libyaml_decides(text: str, expected: tuple[Any, ...]) -> None:
    result = checked(text)
    if expected[-1] is None:
        result, expected = result[:2], expected[:2]
    assert result == expected


@pytest.mark.parametrize("depth", [1, 100])
def test_nesting_up_to_the_limit_loads(depth: int) -> None:
    flow = "[" * depth + "1" + "]" * depth + "\n"
    block = "".join("  " * i + "- \n" for i in range(depth - 1)) + "  " * (depth - 1) + "- 1\n"
    for text in (flow, block):
        status, data, _ = both(text)
        assert status == "ok"
        for _ in range(depth - 1):
            (data,) = data
        assert data == [1]


@pytest.mark.parametrize("depth", [101, 999, 1001, 5000])
def test_nesting_past_the_limit_is_refused_at_the_first_collection_too_deep(depth: int) -> None:
    text = "a: " + "[" * depth + "]" * depth + "\n"
    status, message = checked(text)
    assert (status, message) == (
        "error",
        f"{SOURCE}:1:103: lists and mappings nested more than 100 deep are not allowed",
    )


def test_a_huge_integer_is_refused_at_its_line() -> None:
    status, message = checked("a: 1\nb: " + "7" * 20_000 + "\n")
    assert status == "error"
    assert message.startswith(f"{SOURCE}:2:4: '7777777777777777777777777777777777777...' is not")


def test_load_yaml_reports_the_file(tmp_path: Path) -> None:
    path = tmp_path / "lineage.yaml"
    path.write_text(ALIAS, encoding="utf-8")
    with pytest.raises(ParseError) as info:
        load_yaml(path)
    assert (info.value.source, info.value.line, info.value.column) == (str(path), 3, 15)


def test_collector_is_back_on_after_a_load_and_after_an_error() -> None:
    assert gc.isenabled()
    both(ACCEPTED["nesting"])
    assert gc.isenabled()
    with pytest.raises(ParseError):
        yaml_loader._load_text(ALIAS, SOURCE)
    assert gc.isenabled()


def test_libyaml_composes_when_pyyaml_has_it() -> None:
    assert yaml.__with_libyaml__
    assert issubclass(yaml_loader._Composer, yaml.CSafeLoader)


def test_without_libyaml_the_pure_composer_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "data" / "lineage.yaml").read_text(encoding="utf-8")
    expected = outcome(text)
    monkeypatch.setattr(yaml_loader, "_Composer", PURE)
    assert outcome(text) == expected
    assert expected[0] == "ok"
    assert len(expected[1]["lineage"]) > 3


# -- properties: generated documents ----------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("ab z019:-#&*!?[]{},'\"|>%@`.~_/\\\n\té") + ["\u2028"]),
    max_size=12,
)
SCALARS = (
    TEXT
    | st.integers(-(10**12), 10**12)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False)
    | st.dates()
    | st.sampled_from(["yes", "No", "null", "~", "0x1f", "1_0", "2001-12-14 21:59:43.10", "="])
)
KEYS = TEXT | st.integers(-100, 100) | st.booleans() | st.none()
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=DOCUMENTS,
    flow=st.sampled_from([None, True, False]),
    style=st.sampled_from([None, "'", '"']),
    width=st.sampled_from([8, 80]),
)
def test_dumped_documents_load_as_safe_load_reads_them(
    document: Any, flow: bool | None, style: str | None, width: int
) -> None:
    text = yaml.safe_dump(
        document, default_flow_style=flow, default_style=style, width=width, sort_keys=False
    )
    result = checked(text)
    # keys True and "True" (or None and "None") are one key as text
    assert result[0] == "ok" or "duplicate key" in result[1]


PIECES = [
    "a", "1", "1.0", "null", "~", "true", "2020-01-02", "=", "<<", ":", ": ", "- ", "? ",
    "[", "]", "{", "}", ", ", "\n", "\n", "\n  ", "\n    ", " ", "#c", "'x'", '"y"', '"\\n"',
    "&a ", "&b ", "*a", "!!str ", "|\n  t\n", ">-\n  t\n", "---\n", "...\n", "é", "x y",
    "a: ", "a:\n", "b: ", "- a:\n", "'\n'", "a\n  b", "a: 1\n", "  - ", "{}", "[]", "\t", "\r\n",
    "0b_", "0x_", "2024-13-45", "2001-12-14 25:00:00", "!!int ", "!!timestamp ", "!!bool ",
    "\x01", "\x7f", "\x00",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=16), newline=st.booleans())
def test_arbitrary_fragments_give_the_same_outcome(pieces: list[str], newline: bool) -> None:
    text = "".join(pieces) + ("\n" if newline else "")
    checked(text)  # outcome() lets anything but a ParseError through: that fails the test


# -- properties: any file at all ---------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One file rewritten by each example (hypothesis refuses function-scoped tmp_path)."""
    return tmp_path_factory.mktemp("fuzz") / "lineage.yaml"


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")  # lone surrogates reach the file as bytes


ANY_FILE = (
    st.binary(max_size=64)
    | st.text(max_size=48).map(_encoded)
    | st.lists(st.sampled_from(PIECES) | st.characters(), min_size=1, max_size=24)
    .map("".join)
    .map(_encoded)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=ANY_FILE)
def test_any_file_loads_or_is_refused_at_a_line(scratch: Path, data: bytes) -> None:
    scratch.write_bytes(data)
    try:
        load_yaml(scratch)  # anything but a ParseError escaping here fails the test
    except ParseError as err:
        lines = data.decode("utf-8", "replace").splitlines()  # splits on YAML's breaks, and more
        assert err.source == str(scratch)
        assert err.line is not None
        assert 1 <= err.line <= len(lines) + 1


def test_a_long_value_is_cut_short_in_a_validation_error(tmp_path: Path) -> None:
    path = tmp_path / "lineage.yaml"
    path.write_text("lineage:\n  - from: arxiv:2301.00001\n    to: " + "9" * 4000 + "\n")
    data, lines = load_yaml(path)
    assert len(str(data["lineage"][0]["to"])) == 4000  # an integer YAML can hold

    class Edge(BaseModel):
        to: str = Field(strict=True)

    class Lineage(BaseModel):
        lineage: list[Edge]

    with pytest.raises(ParseError) as info:
        validate(Lineage, data, lines, source=path)
    assert str(info.value) == (
        f"{path}:3: lineage.0.to: Input should be a valid string (got {'9' * 57}...)"
    )
