"""Bidi controls and zero-width characters are shown escaped to people, kept in the data.

Issue 15 item 12: they reached the views and the terminal unmarked (Trojan Source).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.invisible import reveal
from kg.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
RLO = "\u202e"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"Wizard{RLO}MLtfeL", "Wizard\\u202eMLtfeL"),
        ("a\u2066b\u2069c\u200fd", "a\\u2066b\\u2069c\\u200fd"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
        ("\u200dat the start", "\\u200dat the start"),
    ],
)
def test_invisible_characters_are_escaped(text, shown):
    assert reveal(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII title",
        "Zürich 東京 Ελληνικά",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian: a joiner between letters
        "\U0001f469\u200d\U0001f4bb",  # an emoji sequence
        "tab\tand newline\n",
    ],
)
def test_visible_text_is_left_alone(text):
    assert reveal(text) == text


def _hostile_lists(tmp_path: Path) -> list[Path]:
    """Two lists with the same entry, so that the build warns about it by its title."""
    entry = (
        f"- [**Wizard{RLO}LM: evolving\u200b instructions**](https://arxiv.org/abs/2304.12244) "
        "*Can Xu, Qingfeng Sun.* ICLR 2024."
    )
    sources = []
    for name in ("first", "second"):
        source = tmp_path / f"{name}.md"
        source.write_text(f"# The {name} list\n\n## Methods\n\n{entry}\n", encoding="utf-8")
        sources.append(source)
    return sources


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], Path]:
    tmp_path = tmp_path_factory.mktemp("bidi")
    out = tmp_path / "out"
    inputs = [arg for source in _hostile_lists(tmp_path) for arg in ("-i", str(source))]
    run = subprocess.run(
        [sys.executable, "-m", "kg", "build", *inputs, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    return run, out


def test_build_output_holds_no_raw_invisible_character(built):
    run, _ = built
    assert run.returncode == 0, run.stderr
    assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b]", run.stderr + run.stdout)


def test_warnings_show_a_title_escaped(capsys: pytest.CaptureFixture[str]):
    from kg.cli.app import print_warnings
    from kg.model import Diagnostic, SourceRef

    title = f"Wizard{RLO}LM: evolving\u200b instructions"
    warning = Diagnostic(source=SourceRef(file="a.md", line=3), message=f"{title} is listed twice")
    print_warnings(KnowledgeBase(diagnostics=(warning,)))
    shown = capsys.readouterr().err
    assert "Wizard\\u202eLM: evolving\\u200b instructions is listed twice" in shown
    assert not re.search("[\u202a-\u202e\u200b]", shown)


def _data(html: bytes) -> dict:
    match = re.search(rb'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


def test_views_show_the_text_escaped(built):
    _, out = built
    for page in ("overview.html", "coauthors.html", "lineage.html", "categories.html"):
        text = json.dumps(_data((out / page).read_bytes()), ensure_ascii=False)
        assert not re.search("[\u202a-\u202e\u2066-\u2069\u200b]", text), page
    overview = _data((out / "overview.html").read_bytes())
    names = [node["name"] for node in overview["nodes"]]
    assert "Wizard\\u202eLM: evolving\\u200b instructions" in names


def test_rdf_keeps_the_text_as_written(built):
    _, out = built
    titles = {
        str(q.object.value)
        for q in ox.parse((out / "graph.nt").read_bytes(), format=ox.RdfFormat.N_TRIPLES)
        if q.predicate.value == "http://purl.org/dc/terms/title"
    }
    assert f"Wizard{RLO}LM: evolving\u200b instructions" in titles
