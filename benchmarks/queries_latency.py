"""Latency of every canned query, on both engines and through ``kg serve``; a runaway query.

Graphs: the default list (``data/``) and a synthetic graph of ``--papers`` papers made by
``benchmarks/generate.py`` (the same generator as the scale benchmark). Each query runs
with parameters chosen from the graph (the most prolific author, the paper with the most
ancestors, ...), ``--repeat`` times; the median is reported. rdflib gets a budget per run
(SIGALRM, which stops it: it is pure Python); Oxigraph needs none. The rows of the two
engines are compared on every query.

Then the endpoint: the synthetic graph served by :class:`kg.sparql.endpoint.SparqlEndpoint`,
each canned query over HTTP (SPARQL JSON), and a runaway query (a three-way cross
product with COUNT) to show the time limit: status, seconds to the answer, whether the
worker process is gone, and how long until a fresh worker is ready.

Usage::

    python benchmarks/queries_latency.py --papers 10000 --out benchmarks/out/queries-latency.md
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from kg.graph.rdf import iter_triples  # noqa: E402
from kg.graph.store import to_oxigraph_triples, to_rdflib, to_store  # noqa: E402
from kg.model import KnowledgeBase  # noqa: E402
from kg.pipeline import build_knowledge_base  # noqa: E402
from kg.sparql.queries import CannedQuery, bind, catalogue  # noqa: E402
from kg.sparql.query import run_query  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


class Budget(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Budget


def timed(
    fn: Callable[[], list[tuple[str, ...]]], *, repeat: int, budget: float | None
) -> tuple[float | None, list[tuple[str, ...]]]:
    """Median seconds of ``repeat`` runs (``None`` if one run passed ``budget``) and the rows."""
    times, rows = [], []
    for _ in range(repeat):
        if budget:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, budget)
        start = time.perf_counter()
        try:
            rows = fn()
        except Budget:
            return None, []
        finally:
            if budget:
                signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - start)
        if times[-1] > 5:  # one run of a slow query says enough
            break
    return statistics.median(times), rows


def materialise(source: Any, query: CannedQuery, params: dict[str, str]) -> list[tuple[str, ...]]:
    result = run_query(source, query.text, bindings=bind(params, query.params))
    if result.form == "graph":
        return sorted((str(t),) for t in result.triples())
    return [tuple("" if t is None else str(t) for t in row) for row in result.solutions()]


def synthetic_kb(papers: int) -> KnowledgeBase:
    import generate  # benchmarks/generate.py

    with tempfile.TemporaryDirectory() as folder:
        path = generate.write_corpus(generate.generate(papers), Path(folder))
        return build_knowledge_base([path], curation=Path(folder))


def probes(kb: KnowledgeBase) -> dict[str, str]:
    """Parameter values that make each selective query do real work on ``kb``."""
    names = {p.key: p.name for p in kb.persons}
    counts = Counter(a.person_key for a in kb.authorships)
    person = names[min(counts, key=lambda k: (-counts[k], k))]
    ids = {p.key: p.arxiv_id or p.title for p in kb.papers}
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for edge in kb.lineage:
        parents.setdefault(str(edge.newer), set()).add(str(edge.older))
        children.setdefault(str(edge.older), set()).add(str(edge.newer))

    def reach(start: str, step: dict[str, set[str]]) -> int:
        seen, stack = set(), [start]
        while stack:
            for nxt in step.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return len(seen)

    papers = [f"paper:{p.key}" for p in kb.papers]
    oldest = max(papers, key=lambda ref: (reach(ref, parents), ref))
    hub = max(papers, key=lambda ref: (reach(ref, children), ref))
    family = Counter(c.variant_of or c.id for c in kb.contributions)
    root = min(family, key=lambda k: (-family[k], k)) if family else ""
    label = next((c.label for c in kb.contributions if c.id == root), "none")
    return {
        "author": person,
        "person": person,
        "ancestors": ids[oldest.split(":", 1)[1]],
        "descendants": ids[hub.split(":", 1)[1]],
        "paper": ids[oldest.split(":", 1)[1]],
        "method": label,
    }


def params_for(query: CannedQuery, probe: dict[str, str]) -> dict[str, str]:
    out = {}
    for param in query.params:
        key = query.name if param.name == "work" else param.name
        out[param.name] = probe[key]
    return out


def measure_engines(label: str, kb: KnowledgeBase, *, repeat: int, budget: float) -> list[str]:
    start = time.perf_counter()
    triples = list(iter_triples(kb))
    store = to_store(triples)
    ox_build = time.perf_counter() - start
    start = time.perf_counter()
    graph = to_rdflib(triples)
    rdflib_build = time.perf_counter() - start
    probe = probes(kb)
    lines = [
        f"### {label}: {len(kb.papers):,} papers, {len(store):,} triples",
        "",
        f"Store built in {ox_build:.1f} s (Oxigraph, in memory) and {rdflib_build:.1f} s (rdflib).",
        f"Parameters: {probe}",
        "",
        "| query | rows | Oxigraph (ms) | rdflib (ms) | same rows |",
        "|---|---:|---:|---:|---|",
    ]
    for query in catalogue():
        params = params_for(query, probe)
        fast, fast_rows = timed(
            lambda q=query, p=params: materialise(store, q, p), repeat=repeat, budget=None
        )
        slow, slow_rows = timed(
            lambda q=query, p=params: materialise(graph, q, p), repeat=repeat, budget=budget
        )
        same = (
            "yes"
            if slow is not None and fast_rows == slow_rows
            else ("n/a" if slow is None else "**no**")
        )
        slow_text = f"> {budget * 1000:,.0f}" if slow is None else f"{slow * 1000:,.1f}"
        assert fast is not None
        lines.append(
            f"| {query.name} | {len(fast_rows)} | {fast * 1000:,.1f} | {slow_text} | {same} |"
        )
        print(lines[-1], flush=True)
    return lines


def http_get(url: str, query: str, timeout: float = 120) -> tuple[int, bytes]:
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": query}))
    request.add_header("Accept", "application/sparql-results+json, text/turtle;q=0.9")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def measure_endpoint(kb: KnowledgeBase, *, repeat: int, timeout: float) -> list[str]:
    from kg.sparql.endpoint import EndpointConfig, SparqlEndpoint
    from kg.sparql.remote import with_prefixes, with_values

    probe = probes(kb)
    config = EndpointConfig(port=0, timeout=timeout, max_rows=10_000, workers=2)
    start = time.perf_counter()
    endpoint = SparqlEndpoint(to_oxigraph_triples(iter_triples(kb)), config).start()
    ready = time.perf_counter() - start
    lines = [
        f"### kg serve on the synthetic graph (workers=2, timeout={timeout:g} s, max_rows=10,000)",
        "",
        f"Graph file written and 2 workers loaded it in {ready:.1f} s.",
        "",
        "| query | HTTP status | median over HTTP (ms) |",
        "|---|---:|---:|",
    ]
    try:
        for query in catalogue():
            text = with_values(
                with_prefixes(query.text), bind(params_for(query, probe), query.params)
            )
            times, status = [], 0
            for _ in range(repeat):
                t0 = time.perf_counter()
                status, _ = http_get(endpoint.url, text)
                times.append(time.perf_counter() - t0)
            lines.append(f"| {query.name} | {status} | {statistics.median(times) * 1000:,.1f} |")
            print(lines[-1], flush=True)
        assert endpoint.pool is not None
        before = set(endpoint.pool.pids)
        t0 = time.perf_counter()
        status, body = http_get(endpoint.url, RUNAWAY)
        answered = time.perf_counter() - t0
        killed = sorted(before - set(endpoint.pool.pids))
        gone = all(not os.path.exists(f"/proc/{pid}") for pid in killed)
        t1 = time.perf_counter()
        while len(endpoint.pool.pids) < 2 and time.perf_counter() - t1 < 60:
            time.sleep(0.05)
        replaced = time.perf_counter() - t1
        t2 = time.perf_counter()
        meanwhile, _ = http_get(endpoint.url, "ASK { ?p a lkg:Paper }")
        ask = time.perf_counter() - t2
        lines += [
            "",
            f"Runaway query `{RUNAWAY}`:",
            f"HTTP {status} after {answered:.2f} s: {body.decode().strip()!r}; "
            f"killed worker(s) {killed} gone from /proc: {gone}; replacement ready {replaced:.2f} s later; "
            f"an ASK right after answered {meanwhile} in {ask * 1000:.0f} ms.",
        ]
        print("\n".join(lines[-2:]), flush=True)
    finally:
        endpoint.close()
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rdflib-budget", type=float, default=60.0, help="seconds per rdflib run before giving up"
    )
    parser.add_argument("--timeout", type=float, default=5.0, help="the endpoint's time limit")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args()
    os.chdir(ROOT)
    ours = build_knowledge_base(
        [ROOT / "data" / "awesome-paper-list-synthetic-data.md"], curation=ROOT / "data"
    )
    report = ["## Canned query latency", ""]
    report += measure_engines(
        "Our list (data/)", ours, repeat=args.repeat, budget=args.rdflib_budget
    ) + [""]
    start = time.perf_counter()
    synthetic = synthetic_kb(args.papers)
    print(
        f"synthetic graph of {args.papers} papers built in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    report += measure_engines(
        f"Synthetic ({args.papers:,})", synthetic, repeat=args.repeat, budget=args.rdflib_budget
    )
    report += [""] + measure_endpoint(synthetic, repeat=args.repeat, timeout=args.timeout)
    text = "\n".join(report) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
