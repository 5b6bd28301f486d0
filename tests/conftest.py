"""Shared fixtures: the default knowledge base and its graphs, built once per session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pyoxigraph
import pytest

from kg.graph.rdf import Triple, iter_triples
from kg.graph.store import to_store
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base

ROOT = Path(__file__).resolve().parent.parent
#: The real lists and .bib files of ../shared/corpus (sources in its SOURCES.md), read in place.
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = ROOT / "data"
DEFAULT_LIST = DATA / "awesome-paper-list-synthetic-data.md"


def pytest_configure(config: pytest.Config) -> None:
    """Point the persistent-store cache (kg.sparql.store) at a folder of this run only.

    Set in the environment, so the ``kg`` processes that tests start use it too.
    """
    os.environ["KG_CACHE_DIR"] = tempfile.mkdtemp(prefix="kg-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.get("KG_CACHE_DIR", "/nonexistent"), ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite golden files from the current output instead of comparing (review the diff!).",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture(scope="session")
def default_kb() -> KnowledgeBase:
    """The knowledge base of data/: the default list plus the curated YAML."""
    return build_knowledge_base([DEFAULT_LIST], curation=DATA)


@pytest.fixture(scope="session")
def default_triples(default_kb: KnowledgeBase) -> list[Triple]:
    return list(iter_triples(default_kb))


@pytest.fixture(scope="session")
def default_store(default_triples: list[Triple]) -> pyoxigraph.Store:
    return to_store(default_triples)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``fork`` run first: once a native thread pool lives in the test process
    (Oxigraph starts one), kg.runtime.workers rightly refuses to fork for the rest of it."""
    items.sort(key=lambda item: item.get_closest_marker("fork") is None)


def process_running(pid: int) -> bool:
    """Whether process ``pid`` lives (Linux): neither gone nor a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")
