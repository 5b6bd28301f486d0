"""The plain rdflib path the benchmark compares against: Graph, its serialisers, its SPARQL.

Same knowledge base, same triples (from :func:`kg.graph.rdf.iter_triples`), but every stage after
that is what a project built only on rdflib would do: ``Graph.add`` for each triple,
``Graph.serialize`` for Turtle, N-Triples and JSON-LD, ``rdflib_to_networkx_multidigraph``
plus networkx's GraphML writer, and ``Graph.query`` for SPARQL (through
:func:`kg.sparql.query.run_query`, as the fast path; the first execution is reported apart). Ingest and identity resolution are LineageKG's own code
in both paths, so they are measured once, in the fast path.
"""

from __future__ import annotations

import signal
import statistics
import time
from collections.abc import Callable
from typing import Any

__all__ = ["export_stages", "graph_build", "run_queries"]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def graph_build(triples: list[Any]) -> tuple[float, Any]:
    """An rdflib ``Graph`` from neutral triples, one ``add`` per triple (kg.graph.store.to_rdflib)."""
    from kg.graph.store import to_rdflib

    return _timed(lambda: to_rdflib(triples))


def export_stages(
    graph: Any, *, budget: float, skip: frozenset[str] = frozenset()
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """Seconds per export written with rdflib, and the outputs.

    Each export gets ``budget`` seconds (SIGALRM; rdflib is pure Python, so the alarm
    stops it); one that runs out, or is named in ``skip``, is reported as ``None``.
    """
    import networkx as nx
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    from kg.graph.namespaces import PREFIXES

    stages: dict[str, float | None] = {}
    outputs: dict[str, Any] = {}
    context = dict(sorted(PREFIXES.items()))
    plans: list[tuple[str, Callable[[], Any]]] = [
        ("turtle", lambda: graph.serialize(format="turtle", encoding="utf-8")),
        ("ntriples", lambda: graph.serialize(format="nt", encoding="utf-8")),
        ("jsonld", lambda: graph.serialize(format="json-ld", context=context, encoding="utf-8")),
        (
            "networkx+graphml",
            lambda: "\n".join(
                nx.generate_graphml(rdflib_to_networkx_multidigraph(graph), encoding="utf-8")
            ),
        ),
    ]
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for name, fn in plans:
            stages[name] = None
            if name in skip:
                continue
            signal.setitimer(signal.ITIMER_REAL, budget)
            try:
                seconds, outputs[name] = _timed(fn)
                stages[name] = seconds
            except _Budget:
                pass
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    return stages, outputs


class _Budget(Exception):
    """A query ran out of its time budget."""


def _alarm(signum: int, frame: Any) -> None:
    raise _Budget


def run_queries(
    graph: Any, plan: dict[str, tuple[str, dict[str, Any]]], *, repeat: int, budget: float
) -> dict[str, dict[str, float | None]]:
    """Median and first-execution seconds per query on rdflib's SPARQL engine.

    Through :func:`kg.sparql.query.run_query`, like the fast path, so both pay the same query
    check and differ only in the engine. A query stopped by ``budget`` (SIGALRM; rdflib
    is pure Python, so the alarm interrupts it) is reported as ``None``.
    """
    from queries import consume

    from kg.sparql.query import run_query

    out: dict[str, dict[str, float | None]] = {}
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for name, (text, bindings) in plan.items():
            times: list[float] = []
            rows = 0
            try:
                while len(times) < repeat and sum(times) < budget / 2:
                    signal.setitimer(signal.ITIMER_REAL, budget)
                    start = time.perf_counter()
                    rows = consume(run_query(graph, text, bindings=bindings))
                    times.append(time.perf_counter() - start)
                    signal.setitimer(signal.ITIMER_REAL, 0)
            except _Budget:
                out[name] = {"first": None, "median": None, "rows": None, "budget": budget}
                continue
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            out[name] = {
                "first": times[0],
                "median": statistics.median(times[1:] or times),
                "rows": rows,
            }
    finally:
        signal.signal(signal.SIGALRM, previous)
    return out
