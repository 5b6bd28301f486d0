"""Exports: strict parsers, isomorphism across formats, byte determinism, freshness, atomicity."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from kg.errors import ExportError, UnsupportedAttributeError
from kg.export.atomic import atomic_write
from kg.export.build import EXPORT_FILES, render_exports
from kg.export.graphml import to_graphml
from kg.export.rdf_formats import to_jsonld, to_ntriples, to_turtle
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import Lit
from kg.graph.store import to_rdflib

from .conftest import ROOT

RDF_FORMATS = [
    (to_turtle, ox.RdfFormat.TURTLE, "turtle"),
    (to_ntriples, ox.RdfFormat.N_TRIPLES, "nt"),
    (to_jsonld, ox.RdfFormat.JSON_LD, "json-ld"),
]


@pytest.mark.parametrize(("writer", "ox_format", "rdflib_format"), RDF_FORMATS)
def test_rdf_exports_parse_strictly_and_are_isomorphic(
    default_triples, writer, ox_format, rdflib_format
):
    data = writer(default_triples)
    strict = list(ox.parse(data, format=ox_format))
    assert len(strict) == len(set(default_triples))
    parsed = rdflib.Graph().parse(data=data.decode("utf-8"), format=rdflib_format)
    assert isomorphic(parsed, to_rdflib(default_triples))


@pytest.mark.parametrize(("name", "syntax"), [("graph.ttl", "turtle"), ("graph.nt", "ntriples")])
def test_rapper_accepts_the_exports(name, syntax):
    rapper = shutil.which("rapper")
    assert rapper, "raptor2-utils must be installed (scripts/test.sh installs it)"
    result = subprocess.run(
        [rapper, "-i", syntax, "-c", str(ROOT / "exports" / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_turtle_binds_the_contract_prefixes(default_triples):
    head = to_turtle(default_triples).decode().split("\n")
    prefixes = {line.split()[1] for line in head if line.startswith("@prefix")}
    assert {"lkg:", "schema:", "dcterms:", "foaf:", "prov:", "skos:", "cito:", "fabio:"} <= prefixes
    assert "@prefix schema: <http://schema.org/> ." in head


def test_jsonld_context_is_inline(default_triples):
    import json

    document = json.loads(to_jsonld(default_triples))
    assert isinstance(document["@context"], dict)
    assert all(isinstance(v, str) and v.startswith("http") for v in document["@context"].values())


def test_committed_exports_are_fresh(default_kb):
    """CI fails when someone changes code or data without rebuilding exports/."""
    from kg.export.swap import MANIFEST_NAME, read_manifest, verify

    rendered = render_exports(default_kb)
    committed = {
        p.name: p.read_bytes()
        for p in (ROOT / "exports").iterdir()
        if p.is_file() and p.name != MANIFEST_NAME
    }
    stale = sorted(name for name in rendered if committed.get(name) != rendered[name])
    extra = sorted(set(committed) - set(rendered))
    assert not stale and not extra, (
        f"run `kg build` and commit exports/ (stale: {stale}, unexpected: {extra})"
    )
    manifest = read_manifest(ROOT / "exports")
    assert manifest is not None and sorted(manifest) == sorted(rendered), "run `kg build`"
    assert verify(ROOT / "exports") == []


def test_exports_are_byte_identical_across_hash_seeds(tmp_path: Path):
    outputs = []
    for seed in ("0", "12345"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "kg", "build", "--out", str(out)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outputs[0] == outputs[1]
    assert set(EXPORT_FILES.values()) <= set(outputs[0])


def test_graphml_loads_in_networkx_and_igraph(default_triples, tmp_path: Path):
    import igraph

    from kg.export.graph_tools import for_tools

    graph = to_networkx(default_triples)
    data = to_graphml(graph)
    back = nx.read_graphml(io.BytesIO(data), force_multigraph=True)
    written = for_tools(graph)  # one edge per lineage relation, no self-loops
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        graph.number_of_nodes(),
        written.number_of_edges(),
    )
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount()) == (graph.number_of_nodes(), written.number_of_edges())
    kinds = {d["kind"] for _, d in back.nodes(data=True)}
    assert {"paper", "person", "venue", "method", "category"} <= kinds
    assert all(isinstance(d["label"], str) for _, d in back.nodes(data=True))
    assert all("relation" in d for *_, d in back.edges(data=True))
    wizardmath = next(n for n, d in back.nodes(data=True) if d.get("arxivId") == "2308.09583")
    assert back.nodes[wizardmath]["year"] == 2025


def test_graphml_coerces_mixed_types_and_strips_illegal_xml(tmp_path: Path):
    import igraph

    graph = nx.MultiDiGraph()
    graph.add_node("a", kind="paper", label="bad\x0bchar", year=2024)
    graph.add_node("b", kind="paper", label="ok", year="2024")
    graph.add_edge("a", "b", relation="extends", weight=1)
    graph.add_edge("b", "a", relation="extends", weight=2.5)
    path = tmp_path / "g.graphml"
    path.write_bytes(to_graphml(graph))
    subprocess.run(["xmllint", "--noout", str(path)], check=True)
    ig = igraph.Graph.Read_GraphML(str(path))
    assert sorted(ig.vs["year"]) == ["2024", "2024"]
    assert ig.vs["label"][0] == "badchar"
    assert sorted(ig.es["weight"]) == [1.0, 2.5]


def test_graphml_refuses_non_scalar_values():
    graph = nx.MultiDiGraph()
    graph.add_node("a", kind="paper", label="x", tags=["a", "b"])
    with pytest.raises(UnsupportedAttributeError, match="attribute 'tags' has a list value"):
        to_graphml(graph)


def test_literals_with_hostile_text_survive_every_format():
    triples = [
        (
            "https://ex.org/a",
            "https://ex.org/p",
            Lit('quote " back\\slash \n newline </script> \ufffd'),
        ),
        (
            "https://ex.org/a",
            "https://ex.org/q",
            Lit("2024", "http://www.w3.org/2001/XMLSchema#integer"),
        ),
    ]
    for writer, ox_format, rdflib_format in RDF_FORMATS:
        data = writer(triples)
        assert len(list(ox.parse(data, format=ox_format))) == 2
        assert isomorphic(
            rdflib.Graph().parse(data=data.decode(), format=rdflib_format), to_rdflib(triples)
        )


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch):
    target = tmp_path / "graph.nt"
    target.write_bytes(b"old\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(ExportError, match="cannot write .*graph.nt: No space left on device"):
        atomic_write(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_killed_export_leaves_previous_file_intact(tmp_path: Path):
    """SIGKILL in the middle of a large write: the target is the old file, never a torn one."""
    target = tmp_path / "graph.nt"
    target.write_bytes(b"<https://ex.org/a> <https://ex.org/b> <https://ex.org/c> .\n")
    code = (
        "import sys, os, signal\n"
        "from kg.export.atomic import atomic_write\n"
        "real = os.fsync\n"
        "def kill(fd):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = kill\n"
        f"atomic_write({str(target)!r}, b'x' * 50_000_000)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    assert result.returncode == -9
    assert target.read_bytes().startswith(b"<https://ex.org/a>")
    assert len(list(ox.parse(target.read_bytes(), format=ox.RdfFormat.N_TRIPLES))) == 1


def test_a_build_deletes_only_what_a_killed_build_recorded(tmp_path: Path, default_kb):
    """Clean-up touches only the staging folder a build recorded, never look-alike files."""
    import json

    from kg.export.build import build_exports
    from kg.export.lock import LOCK_NAME

    out = tmp_path / "out"
    out.mkdir()
    user_files = {
        ".notes.tmp": b"a user's notes",
        ".graph.nt.abc123.tmp": b"looks like an old temp file, is not provably ours",
    }
    for name, data in user_files.items():
        (out / name).write_bytes(data)
        os.utime(out / name, (0, 0))
    lookalike = tmp_path / ".out.kg-build-000000000000"  # not recorded anywhere: kept
    lookalike.mkdir()
    recorded = tmp_path / ".out.kg-build-0123456789ab"  # what a killed build recorded
    recorded.mkdir()
    (recorded / "graph.nt").write_bytes(b"x" * 1000)
    (out / LOCK_NAME).write_text(json.dumps({"pid": 1, "staging": str(recorded)}))
    build_exports(default_kb, out, views=False)
    assert not recorded.exists()
    assert lookalike.is_dir()
    assert {name: (out / name).read_bytes() for name in user_files} == user_files
    assert not (out / LOCK_NAME).exists()


def test_a_set_of_files_is_replaced_all_or_nothing(tmp_path: Path, monkeypatch):
    from kg.export.atomic import atomic_write_many

    for name in ("a.nt", "b.nt", "c.nt"):
        (tmp_path / name).write_bytes(b"old")
    real_fsync = os.fsync
    calls = []

    def fail_on_third(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fail_on_third)
    with pytest.raises(ExportError, match="No space left on device"):
        atomic_write_many({tmp_path / n: b"new" for n in ("a.nt", "b.nt", "c.nt")})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "a.nt": b"old",
        "b.nt": b"old",
        "c.nt": b"old",
    }


def test_a_build_that_fails_midway_leaves_the_previous_exports(
    tmp_path: Path, monkeypatch, default_kb
):
    import kg.export.graphml
    from kg.export.build import build_exports

    out = tmp_path / "out"
    build_exports(default_kb, out, views=False)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(graph, **kwargs):  # fails after a first piece of the file is written
        yield b"<?xml version='1.0' encoding='utf-8'?>\n"
        raise UnsupportedAttributeError("boom")

    monkeypatch.setattr(kg.export.graphml, "graphml_pieces", broken)
    with pytest.raises(UnsupportedAttributeError):
        build_exports(default_kb, out, views=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temp file left either


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_full_disk_during_a_build_leaves_the_previous_exports(
    tmp_path: Path, monkeypatch, default_kb, jobs
):
    from kg.export.build import build_exports

    out = tmp_path / "out"
    build_exports(default_kb, out, views=False, jobs=jobs)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_fsync = os.fsync
    calls = []

    def full_on_second(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_on_second)
    with pytest.raises(ExportError, match="No space left on device"):
        build_exports(default_kb, out, views=False, jobs=jobs)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # and no temp file left
