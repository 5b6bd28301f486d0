"""``kg query --limit/--offset``: pages that add up to the whole result, and a note when cut."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kg.cli import app

from .conftest import DATA, DEFAULT_LIST

runner = CliRunner()
ARGS = ["query", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--format", "json"]


def _rows(result) -> list[dict]:  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["results"]["bindings"]


def test_pages_add_up_to_the_whole_result_on_both_engines():
    for engine in ("oxigraph", "rdflib"):
        whole = _rows(runner.invoke(app, [*ARGS, "--engine", engine, "--name", "venues"]))
        assert len(whole) > 7
        pages, offset = [], 0
        while True:
            args = [*ARGS, "--engine", engine, "--name", "venues"]
            got = runner.invoke(app, [*args, "--limit", "3", "--offset", str(offset)])
            pages.extend(_rows(got))
            if offset + 3 >= len(whole):
                assert "cut" not in got.stderr
                break
            assert got.stderr.endswith(
                f"note: the result is cut at 3 rows (from row {offset + 1}); "
                f"the next page: --offset {offset + 3} --limit 3; every row: --all\n"
            )
            offset += 3
        assert pages == whole


def test_a_table_says_it_was_cut_and_an_offset_alone_skips():
    table = runner.invoke(app, [*ARGS[:-2], "--name", "venues", "--limit", "2"])
    assert table.exit_code == 0 and table.stdout.endswith("(2 rows, truncated)\n")
    whole = _rows(runner.invoke(app, [*ARGS, "--name", "venues"]))
    rest = _rows(runner.invoke(app, [*ARGS, "--name", "venues", "--offset", "2"]))
    assert rest == whole[2:]
