"""``kg viz --focus`` leaves the committed exports/ alone (issue 10).

The README's example (``kg viz --focus "Can Xu" --depth 2``) used to write
``exports/ego-can-xu.html`` next to the committed exports, which made the freshness test
fail. Ego views now go to ``exports/focus/`` (git-ignored) unless ``--out`` is given, and
their navigation links still reach the views one folder up.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app

from .conftest import ROOT


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def _hrefs(path: Path) -> list[str]:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.hrefs


def test_focus_writes_into_the_ignored_focus_folder_with_working_links(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    built = runner.invoke(app, ["viz"])
    assert built.exit_code == 0, built.output
    views = sorted(p.name for p in (tmp_path / "exports").iterdir())

    result = runner.invoke(app, ["viz", "--focus", "Can Xu", "--depth", "2"])
    assert result.exit_code == 0, result.output
    assert "exports/focus/" in result.output
    assert sorted(p.name for p in (tmp_path / "exports").iterdir()) == sorted([*views, "focus"])
    ego = tmp_path / "exports" / "focus" / "ego-can-xu.html"
    assert sorted(p.name for p in ego.parent.iterdir()) == [".manifest.json", ego.name]

    local = [h for h in _hrefs(ego) if h.endswith(".html") and "://" not in h]
    assert "../index.html" in local and "../overview.html" in local
    for href in local:
        assert (ego.parent / href).resolve().is_file(), href


def test_an_explicit_out_keeps_the_ego_view_next_to_the_views(tmp_path):
    lst = str(ROOT / "data" / "awesome-paper-list-synthetic-data.md")
    result = CliRunner().invoke(
        app, ["viz", "-i", lst, "--focus", "Can Xu", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    ego = tmp_path / "ego-can-xu.html"
    assert "index.html" in _hrefs(ego) and "overview.html" in _hrefs(ego)


def test_the_focus_folder_is_git_ignored():
    probe = "exports/focus/ego-can-xu.html"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", probe], cwd=ROOT, check=False, capture_output=True
    )
    assert ignored.returncode == 0, f"{probe} is not git-ignored"
