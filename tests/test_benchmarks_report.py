"""``benchmarks/run.py`` leaves the committed REPORT.md alone unless ``--write-report``."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_run() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = _load_run()
    monkeypatch.setattr(module, "render_tables", lambda results: f"tables of {results['n']}\n")
    return module


def _template(tmp_path: Path, run: ModuleType) -> Path:
    template = tmp_path / "REPORT.md"
    template.write_text(f"# Report\n\nprose\n\n{run.START}\nold\n{run.END}\n\nmore prose\n")
    return template


def test_a_run_writes_its_report_next_to_the_results(tmp_path, run):
    template = _template(tmp_path, run)
    before = template.read_bytes()
    out = tmp_path / "out"
    out.mkdir()
    args = argparse.Namespace(report=template, out=out, write_report=False)
    written = run.write_report({"n": 7}, args)
    assert written == out / "REPORT.md"
    assert template.read_bytes() == before
    text = written.read_text()
    assert "tables of 7" in text and "old" not in text
    assert text.startswith("# Report\n\nprose") and text.endswith("more prose\n")


def test_write_report_rewrites_the_committed_report(tmp_path, run):
    template = _template(tmp_path, run)
    args = argparse.Namespace(report=template, out=tmp_path, write_report=True)
    assert run.write_report({"n": 3}, args) == template
    assert "tables of 3" in template.read_text() and "\nold\n" not in template.read_text()


def test_the_option_is_offered():
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--write-report" in result.stdout
