"""One benchmark child process: time every stage of a build, fast path or rdflib baseline.

Run by ``run.py`` in a fresh interpreter per measurement (so import costs, caches and
peak memory belong to one measurement) and prints one JSON object on stdout::

    python benchmarks/stages.py fast   LIST CURATION OUT [--views] [--base IRI]
    python benchmarks/stages.py rdflib LIST CURATION OUT [--budget S] [--check]

``fast`` runs LineageKG's own code path stage by stage (the functions ``kg build`` calls,
with ``kg.pipeline``'s two resolution steps wrapped in timers), then loads an Oxigraph
store and times the queries. ``rdflib`` builds the same knowledge base, then does every
later stage with plain rdflib; ``--check`` also compares its triples with the fast path's
exports already written in OUT (N-Triples, Turtle and JSON-LD, parsed by Oxigraph).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _knowledge_base(list_path: Path, curation: Path, stages: dict[str, float]) -> Any:
    import kg.pipeline as pipeline
    from kg.curation.load import load_curation
    from kg.ingest.markdown import read_markdown

    try:
        from kg.runtime.gc_pause import gc_paused
    except ImportError:  # older checkouts: measure them as they were
        from contextlib import nullcontext as gc_paused  # type: ignore[assignment]

    def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stages[name] = time.perf_counter() - start

        return wrapper

    pipeline.resolve_people = timed("identity resolution", pipeline.resolve_people)  # type: ignore[assignment]
    pipeline.resolve_curation = timed("curation check", pipeline.resolve_curation)  # type: ignore[assignment]
    with gc_paused():  # as kg.pipeline.build_knowledge_base does
        start = time.perf_counter()
        documents = [read_markdown(list_path)]
        stages["ingest: Markdown"] = time.perf_counter() - start
        start = time.perf_counter()
        curated = load_curation(curation)
        stages["ingest: curation YAML"] = time.perf_counter() - start
        start = time.perf_counter()
        kb = pipeline.assemble(documents, curated)
        total = time.perf_counter() - start
    stages["assemble (merge, sort, models)"] = (
        total - stages["identity resolution"] - stages["curation check"]
    )
    return kb


def _fast(args: argparse.Namespace) -> dict[str, Any]:
    import pyoxigraph as ox
    from queries import consume, query_plan

    from kg.export.build import BuildReport, render_exports, write_exports
    from kg.graph.namespaces import DEFAULT_BASE, PREFIXES, Namespaces
    from kg.graph.rdf import iter_triples
    from kg.graph.store import to_store
    from kg.sparql.query import run_query

    stages: dict[str, float] = {}
    kb = _knowledge_base(args.list, args.curation, stages)
    report = BuildReport()
    ns = Namespaces(args.base or DEFAULT_BASE)
    files = render_exports(kb, namespaces=ns, views=args.views, report=report)
    names = {
        "rdf": "graph build: triples (sort, dedupe)",
        "networkx": "graph build: networkx projection",
    }
    for stage, seconds in report.seconds.items():
        stages[names.get(stage, f"export: {stage}" if stage != "views" else "views (all)")] = (
            seconds
        )
    start = time.perf_counter()
    write_exports(files, args.out, report=report)
    stages["write files"] = time.perf_counter() - start
    print(
        json.dumps(stages), file=sys.stderr, flush=True
    )  # progress, and a record if a query fails
    start = time.perf_counter()
    store = to_store(iter_triples(kb, ns))
    stages["query store load (Oxigraph)"] = time.perf_counter() - start
    timings: dict[str, dict[str, float]] = {}
    for name, (text, bindings) in query_plan(kb, ns.base).items():
        times = []
        rows = 0
        for _ in range(args.query_runs):
            start = time.perf_counter()
            rows = consume(run_query(store, text, bindings=bindings))
            times.append(time.perf_counter() - start)
        engine = []  # the same query on the store directly: no safety check, no kg.sparql.query layer
        substitutions = {ox.Variable(k): v for k, v in bindings.items()} or None
        for _ in range(args.query_runs):
            start = time.perf_counter()
            for _ in store.query(text, prefixes=PREFIXES, substitutions=substitutions):  # type: ignore[union-attr]
                pass
            engine.append(time.perf_counter() - start)
        timings[name] = {
            "first": times[0],
            "median": statistics.median(times[1:] or times),
            "rows": rows,
            "engine": statistics.median(engine[1:] or engine),
        }
    return {
        "stages": stages,
        "queries": timings,
        "triples": report.triples,
        "files": {name: len(data) for name, data in sorted(files.items())},
    }


def _check(out: Path, rdflib_nt: bytes) -> dict[str, Any]:
    import pyoxigraph as ox

    def triples(data: bytes, fmt: ox.RdfFormat) -> set[str]:
        return {str(t) for t in ox.parse(data, format=fmt)}

    expected = triples(rdflib_nt, ox.RdfFormat.N_TRIPLES)
    found = {
        "graph.nt": triples((out / "graph.nt").read_bytes(), ox.RdfFormat.N_TRIPLES),
        "graph.ttl": triples((out / "graph.ttl").read_bytes(), ox.RdfFormat.TURTLE),
        "graph.jsonld": triples((out / "graph.jsonld").read_bytes(), ox.RdfFormat.JSON_LD),
    }
    return {
        name: {"equal": got == expected, "triples": len(got), "expected": len(expected)}
        for name, got in found.items()
    }


def _rdflib(args: argparse.Namespace) -> dict[str, Any]:
    from baseline_rdflib import export_stages, graph_build, run_queries
    from queries import query_plan

    from kg.graph.namespaces import DEFAULT_BASE, Namespaces
    from kg.graph.rdf import iter_triples

    stages: dict[str, float | None] = {}
    shared: dict[str, float] = {}
    kb = _knowledge_base(args.list, args.curation, shared)
    ns = Namespaces(args.base or DEFAULT_BASE)
    start = time.perf_counter()
    triples = list(iter_triples(kb, ns))
    stages["graph build: triples"] = time.perf_counter() - start
    seconds, graph = graph_build(triples)
    stages["graph build: rdflib Graph.add"] = seconds
    export, outputs = export_stages(graph, budget=args.budget, skip=frozenset(args.skip))
    stages |= {f"export: {k}": v for k, v in export.items()}
    result: dict[str, Any] = {
        "stages": stages,
        "queries": {}
        if args.no_queries
        else run_queries(graph, query_plan(kb, ns.base), repeat=3, budget=args.query_budget),
        "triples": len(graph),
    }
    if args.check and outputs.get("ntriples") is not None:
        result["check"] = _check(args.out, outputs["ntriples"])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["fast", "rdflib"])
    parser.add_argument("list", type=Path)
    parser.add_argument("curation", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--views", action="store_true")
    parser.add_argument("--base")
    parser.add_argument("--budget", type=float, default=600.0)
    parser.add_argument("--query-budget", type=float, default=60.0)
    parser.add_argument("--query-runs", type=int, default=7)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--skip", nargs="*", default=[], help="rdflib exports not to run")
    parser.add_argument("--no-queries", action="store_true", help="rdflib mode: time no query")
    args = parser.parse_args()
    sys.setrecursionlimit(10_000)
    result = _fast(args) if args.mode == "fast" else _rdflib(args)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
