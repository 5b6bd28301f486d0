"""The CLI: exact messages and exit codes for users, and that errors stay KgErrors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

from .conftest import DEFAULT_LIST

runner = CliRunner()

ENTRY = "## Distillation\n[**2023 ACL**] [**Self-Instruct**](https://aclanthology.org/2023.acl-long.754.pdf), *Yizhong Wang, Noah A. Smith*\n"


@pytest.fixture()
def one_list(tmp_path: Path) -> Path:
    path = tmp_path / "list.md"
    path.write_text("# Mine\n" + ENTRY, encoding="utf-8")
    return path


def test_build_one_list_alone(one_list: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", "-i", str(one_list), "--out", str(out), "--no-views"])
    assert result.exit_code == 0, result.output
    assert "  papers         1\n" in result.output
    assert result.output.splitlines()[-1].startswith(f"Wrote 7 files to {out}/ in ")
    assert sorted(p.name for p in out.iterdir()) == [
        ".manifest.json",
        "graph.cyjs",
        "graph.graphml",
        "graph.jsonld",
        "graph.nt",
        "graph.ttl",
        "papers.bib",
        "papers.csl.json",
    ]


def test_build_reports_a_missing_file(tmp_path: Path):
    result = runner.invoke(app, ["build", "-i", str(tmp_path / "nope.md"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: cannot read {tmp_path / 'nope.md'}: No such file or directory\n"
    )


def test_build_reports_bad_curation_with_file_and_line(one_list: Path, tmp_path: Path):
    curation = tmp_path / "cur"
    curation.mkdir()
    (curation / "lineage.yaml").write_text(
        "lineage:\n  - from: arxiv:9999.99999\n    to: paper:self-instruct\n    relation: extends\n"
        "    evidence: {text: t, source: 'https://ex.org'}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["build", "-i", str(one_list), "--curation", str(curation), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1
    assert (
        result.stderr == f"Error: {curation / 'lineage.yaml'}:2: unknown paper 'arxiv:9999.99999'\n"
    )
    assert not (tmp_path / "o").exists()


def test_build_reports_yaml_type_errors_with_line(one_list: Path, tmp_path: Path):
    curation = tmp_path / "cur"
    curation.mkdir()
    (curation / "methods.yaml").write_text(
        "methods:\n  - id: x\n    label: X\n    kind: algorithm\n", encoding="utf-8"
    )
    result = runner.invoke(
        app,
        ["build", "-i", str(one_list), "--curation", str(curation), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {curation / 'methods.yaml'}:4: methods.0.kind: Input should be 'method', 'dataset', 'model' or 'benchmark' (got 'algorithm')\n"
    )


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        (b"lineage:\n  - from: 0b_\n", "2:11", "'0b_' is not a valid integer; put it in quotes"),
        (b"lineage:\n  - at: 2024-13-45\n", "2:9", "'2024-13-45' is not a valid date: month"),
        (b"lineage:\n  - n: !!int foo\n", "2:8", "'foo' is not a valid integer"),
        (b"lineage:\n  - from: a\x01b\n", "2:12", "'\\x01' (U+0001, a control character)"),
        (b"lineage:\n  - from: a\x00\n", "2:12", "'\\x00' (U+0000, a control character)"),
        (b"lineage:\n  - from: \xed\xa0\x80\n", "2:11", "not UTF-8 text (invalid continuation"),
        (b"lineage: " + b"[" * 120 + b"\n", "1:109", "lists and mappings nested more than 100"),
    ],
)
def test_build_reports_malformed_curated_yaml_at_its_line(
    one_list: Path, tmp_path: Path, content: bytes, where: str, message: str
):
    curation = tmp_path / "cur"
    curation.mkdir()
    (curation / "lineage.yaml").write_bytes(content)
    result = runner.invoke(
        app,
        ["build", "-i", str(one_list), "--curation", str(curation), "--out", str(tmp_path / "o")],
    )
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {curation / 'lineage.yaml'}:{where}: {message}")
    assert result.stderr.count("\n") == 1  # one line, no traceback
    assert not (tmp_path / "o").exists()


def test_warnings_go_to_stderr_with_file_and_line(tmp_path: Path):
    path = tmp_path / "w.md"
    path.write_text(
        "# W\n## C\n[**2024 ICLR**] [**T**](https://ex.org/t.pdf), *A B* | [[github]]( )\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["build", "-i", str(path), "--out", str(tmp_path / "o"), "--no-views"]
    )
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}:3: warning: empty link 'github'; skipped\n"
        f"{path}: 1 entries, 1 papers, 0 skipped\n"  # how the list was read
    )


def test_query_formats(one_list: Path):
    text = "SELECT ?t WHERE { ?p dcterms:title ?t }"
    table = runner.invoke(app, ["query", text, "--input", str(one_list)])
    assert table.exit_code == 0
    assert table.stdout == "t\n-------------\nSelf-Instruct\n(1 row)\n"
    as_json = runner.invoke(app, ["query", text, "--input", str(one_list), "--format", "json"])
    assert json.loads(as_json.stdout) == {
        "head": {"vars": ["t"]},
        "results": {"bindings": [{"t": {"type": "literal", "value": "Self-Instruct"}}]},
    }
    as_csv = runner.invoke(app, ["query", text, "--input", str(one_list), "--format", "csv"])
    assert as_csv.stdout.replace("\r\n", "\n") == "t\nSelf-Instruct\n"
    as_tsv = runner.invoke(app, ["query", text, "--input", str(one_list), "--format", "tsv"])
    assert as_tsv.stdout == '?t\n"Self-Instruct"\n'


def test_query_from_file_and_construct_gives_turtle(one_list: Path, tmp_path: Path):
    rq = tmp_path / "q.rq"
    rq.write_text(
        "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p dcterms:title ?t }", encoding="utf-8"
    )
    result = runner.invoke(app, ["query", "--file", str(rq), "--input", str(one_list)])
    assert result.exit_code == 0
    assert 'dcterms:title "Self-Instruct"' in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("DROP ALL", "Error: updates are not allowed: the graph is read-only\n"),
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
            "Error: SERVICE is not allowed: queries may not contact other endpoints\n",
        ),
        (
            "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
            "Error: FROM and FROM NAMED are not allowed: queries run on the built graph only\n",
        ),
    ],
)
def test_query_refuses_what_could_escape_the_graph(one_list: Path, text: str, message: str):
    result = runner.invoke(app, ["query", text, "--input", str(one_list)])
    assert result.exit_code == 1
    assert result.stderr == message


def test_query_needs_exactly_one_source_of_text():
    result = runner.invoke(app, ["query"])
    assert result.exit_code == 1
    assert (
        result.stderr
        == "Error: give the query as an argument, with --file or with --name (exactly one)\n"
    )


def test_stats_merges_and_counts():
    result = runner.invoke(app, ["stats", "-i", str(DEFAULT_LIST), "--merges", "--top", "3"])
    assert result.exit_code == 0
    assert "  papers         20\n" in result.stdout
    assert (
        "Most prolific authors\n  Can Xu         4\n  Chongyang Tao  3\n  Pu Zhao        3\n"
        in result.stdout
    )
    assert "  Jian-Guang Lou  Jian-Guang Lou / Jianguang Lou  [spelling]" in result.stdout
    assert "  Andrew M. Dai   Andrew Dai / Andrew M. Dai  [middle-initial]" in result.stdout


def test_unexpected_errors_are_not_swallowed(monkeypatch):
    import kg.pipeline

    def boom(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(kg.pipeline, "build_knowledge_base", boom)
    result = runner.invoke(app, ["stats", "-i", str(DEFAULT_LIST)])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def _kg_script(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script, in a process of its own (as users run it)."""
    import shutil
    import sys

    script = Path(sys.executable).parent / "kg"
    assert script.exists() or shutil.which("kg"), "the kg console script is installed"
    return subprocess.run(
        [str(script if script.exists() else "kg"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_console_script_exits_with_the_commands_code_and_all_its_output(
    one_list: Path, tmp_path: Path
):
    done = _kg_script("build", "-i", str(one_list), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().splitlines()[-1].startswith("Wrote 12 files to ")
    assert (tmp_path / "out" / "graph.ttl").stat().st_size > 0
    failed = _kg_script("build", "-i", str(tmp_path / "missing.md"), cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stderr.startswith("Error: ") and "missing.md" in failed.stderr
    usage = _kg_script("build", "--jobs", "0", cwd=tmp_path)
    assert usage.returncode == 2 and "--jobs" in usage.stderr
    assert _kg_script("--help", cwd=tmp_path).stdout.count("build") >= 1


def test_a_query_builds_the_missing_store_once_and_says_so(one_list: Path):
    args = ["query", "--input", str(one_list), "SELECT ?t WHERE { ?p dcterms:title ?t }"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0 and "Self-Instruct" in first.stdout
    assert first.stderr.startswith("note: no store for these inputs")
    again = runner.invoke(app, args)
    assert again.exit_code == 0 and again.stderr == ""
    assert again.stdout == first.stdout
