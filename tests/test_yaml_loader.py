"""The strict YAML loader: libyaml's fast path gives exactly the pure-Python path's answer.

Every case is loaded twice, once through the fast path (libyaml events) and once through
the reference path (PyYAML's Python composer), and the two outcomes must be equal: the same
data, the same path->line map, or the same ParseError text (file:line:column: message).
Where the fast path is expected to decide on its own (no fallback), that is checked too,
so the comparison is not the reference path compared with itself.
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

from kg import yaml_loader
from kg.errors import ParseError
from kg.yaml_loader import load_yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "data/x.yaml"


def outcome(text: str, *, fast: bool) -> tuple[Any, ...]:
    """What loading ``text`` gives: ("ok", data, lines) or ("error", message)."""
    try:
        data, lines = yaml_loader._load_text(text, SOURCE, fast=fast)
    except ParseError as err:
        return ("error", str(err))
    return ("ok", data, lines)


def fast_path_decides(text: str) -> bool:
    """True when the fast path answers (data or error) without handing over."""
    try:
        yaml_loader._load_fast(text, SOURCE)
    except yaml_loader._Declined:
        return False
    except (ParseError, yaml.YAMLError):
        return True
    return True


def both(text: str) -> tuple[Any, ...]:
    """Load ``text`` on both paths, assert they agree, return the common outcome."""
    fast = outcome(text, fast=True)
    assert fast == outcome(text, fast=False)
    return fast


# -- real and generated files ---------------------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "data").glob("*.yaml")), ids=lambda p: p.name)
def test_curated_files_load_the_same_on_the_fast_path(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert fast_path_decides(text)
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
    assert fast_path_decides(text)
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
    assert fast_path_decides(text)
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
        "2:1: could not determine a constructor for the tag 'tag:yaml.org,2002:merge'",
    ),
    "malformed": ("lineage:\n  - from: [arxiv:2306.00002\n", "3:1: "),
    "tab after a colon": ("a:\tb\n", "1:3: "),
}


@pytest.mark.parametrize(("text", "expected"), REFUSED.values(), ids=REFUSED.keys())
def test_refused_documents_give_the_same_error(text: str, expected: str) -> None:
    status, message = both(text)
    assert status == "error"
    assert message.startswith(f"{SOURCE}:{expected}")


@pytest.mark.parametrize(
    "name",
    [
        name
        for name in REFUSED
        if name not in {"python tag", "malformed", "tab after a colon"}  # left to reference
    ],
)
def test_the_fast_path_refuses_on_its_own(name: str) -> None:
    assert fast_path_decides(REFUSED[name][0])


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 1\n",  # any explicit tag
        "a: ! 1\n",  # the non-specific tag: libyaml and PyYAML resolve it differently
        "a:\tb\n",  # libyaml accepts a tab after ':'
        "\ufeffa: 1\n",  # BOM
        "a: b\u2028c\n",  # Unicode line separator
        "a: |#c\n  x\n",  # libyaml accepts a comment glued to a block-scalar header
        "a: 1",  # empty values at end of file are marked differently without a newline
        "a: [1\n",  # malformed: the reference path's message and mark are the ones shown
        "a: {s: https://e.org/?q=1}\n",  # libyaml keeps a '?' in a flow plain scalar
        "a: 1\na: 2\nb: [x?]\n",  # ... also after a duplicate key, where PyYAML fails first
        "? [a?]\n: 1\n",  # ... also inside a collection key
        # found by fuzzing: PyYAML's look-ahead past the alias fails on the broken quote,
        # libyaml reads on and hands over the alias first
        "[*aa?b\"\\x41\"x?#c\\]'\n'|-\n  t\n\n  \n",
    ],
)
def test_inputs_libyaml_reads_differently_are_left_to_the_reference_path(text: str) -> None:
    assert not fast_path_decides(text)
    both(text)


def test_scalar_construction_crashes_the_same_on_both_paths() -> None:
    # '0b_' resolves as an int that int() refuses; both paths raise the same ValueError.
    for fast in (True, False):
        with pytest.raises(ValueError, match="invalid literal for int"):
            yaml_loader._load_text("a: 0b_\n", SOURCE, fast=fast)


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


def test_without_libyaml_the_reference_path_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "data" / "lineage.yaml").read_text(encoding="utf-8")
    expected = outcome(text, fast=True)
    monkeypatch.setattr(yaml_loader, "_CParser", None)
    assert not fast_path_decides(text)
    assert outcome(text, fast=True) == expected


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
def test_dumped_documents_load_the_same_on_both_paths(
    document: Any, flow: bool | None, style: str | None, width: int
) -> None:
    text = yaml.safe_dump(
        document, default_flow_style=flow, default_style=style, width=width, sort_keys=False
    )
    result = both(text)
    if not yaml_loader._FAST_PATH_DECLINES.search(text) and style is None:
        assert fast_path_decides(text)
        assert result[0] in {"ok", "error"}


PIECES = [
    "a", "1", "1.0", "null", "~", "true", "2020-01-02", "=", "<<", ":", ": ", "- ", "? ",
    "[", "]", "{", "}", ", ", "\n", "\n", "\n  ", "\n    ", " ", "#c", "'x'", '"y"', '"\\n"',
    "&a ", "&b ", "*a", "!!str ", "|\n  t\n", ">-\n  t\n", "---\n", "...\n", "é", "x y",
    "a: ", "a:\n", "b: ", "- a:\n", "'\n'", "a\n  b", "a: 1\n", "  - ", "{}", "[]", "\t", "\r\n",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=16), newline=st.booleans())
def test_arbitrary_fragments_give_the_same_outcome(pieces: list[str], newline: bool) -> None:
    text = "".join(pieces) + ("\n" if newline else "")
    try:
        expected: tuple[Any, ...] = outcome(text, fast=False)
    except (ValueError, AttributeError) as err:  # a scalar SafeLoader cannot construct
        with pytest.raises(type(err)):
            outcome(text, fast=True)
        return
    assert outcome(text, fast=True) == expected
