"""``kg push`` of a built graph into a real ``oxigraph serve``: seconds, and a count to check.

The build folder (``kg build --out DIR``) must exist. Its persistent store is made first
if the cache has none (timed apart: ``kg build`` normally leaves it), then ``kg push
--source DIR`` is timed as a whole process: open the store, dump N-Triples, send them
with HTTP PUT, the server parses and stores them. A ``COUNT`` on the server checks that
every triple arrived.

Usage::

    python benchmarks/push.py --graph benchmarks/out/100000/exports
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="a build folder")
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph", path=f"{Path(sys.executable).parent}:{os.environ['PATH']}")
    assert oxigraph, "pip install oxigraph (the test extras)"
    kg = [sys.executable, "-m", "kg"]
    with tempfile.TemporaryDirectory() as location:
        port = free_port()
        server = subprocess.Popen(
            [oxigraph, "serve", "--location", location, "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            start = time.perf_counter()
            count_query = ["query", "--graph", str(args.graph), "--format", "json"]
            subprocess.run(
                [*kg, *count_query, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            store = time.perf_counter() - start
            start = time.perf_counter()
            done = subprocess.run(
                [
                    *kg,
                    "push",
                    "--source",
                    str(args.graph),
                    "--endpoint",
                    f"{base}/store",
                    "--timeout",
                    "1800",
                ],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=1800,
            )
            push = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
            request = urllib.request.Request(
                f"{base}/query?{query}", headers={"Accept": "application/sparql-results+json"}
            )
            with urllib.request.urlopen(request, timeout=600) as response:
                n = json.load(response)["results"]["bindings"][0]["n"]["value"]
        finally:
            server.terminate()
            server.wait(30)
    load = os.getloadavg()
    print(
        f"store ready (opened or made) in {store:.1f} s; kg push {push:.1f} s: {done.stdout.strip()}; "
        f"server holds {int(n):,} triples; load average {load[0]:.2f}"
    )


if __name__ == "__main__":
    main()
