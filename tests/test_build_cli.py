"""``kg build`` refuses bad options with ``Error:`` and exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.graph.namespaces import Namespaces

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "data" / "awesome-paper-list-synthetic-data.md"


@pytest.mark.parametrize(
    ("base", "problem"),
    [
        ("not an iri", "is not an absolute IRI"),
        ("relative/path/", "is not an absolute IRI"),
        ("http://a b/", "is not a valid IRI"),
        ("https://ex.org/<id>/", "is not a valid IRI"),
        ("https://ex.org/\u202eid/", "bidirectional control"),
    ],
)
def test_a_bad_base_iri_is_an_error_not_a_traceback(tmp_path: Path, base: str, problem: str):
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", "-i", str(LIST), "--base", base, "--out", str(out), "--no-views"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: the base IRI ") and problem in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("base", ["https://example.org/id/", "https://ex.org/id", "urn:lkg:"])
def test_a_good_base_iri_mints_under_it(base: str):
    iri = Namespaces(base).paper("2304.12244")
    assert iri.startswith(base) and iri.endswith("paper/2304.12244")


def test_timings_name_every_stage_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    args = ["build", "-i", str(LIST), "--out", str(tmp_path / "out"), "--no-views"]
    result = CliRunner().invoke(app, [*args, "--timings"])
    assert result.exit_code == 0, result.output
    timed = result.stderr.split("Seconds per stage\n", 1)[1].splitlines()
    stages = {line.split()[0] for line in timed}
    assert {"read", "rdf", "turtle+ntriples", "jsonld", "networkx", "graphml", "store"} <= stages
    assert all(float(line.split()[-1]) >= 0 for line in timed)
    assert "Seconds per stage" not in result.stdout
    plain = CliRunner().invoke(app, args)
    assert plain.exit_code == 0 and "Seconds per stage" not in plain.stderr
