"""The query page of ``kg serve`` in Debian's chromium: type, Ctrl+Enter, rows; examples; sort; downloads.

A real endpoint (worker processes, HTTP) serves the default graph and a real build
folder's views; the browser may reach that server and nothing else.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.sparql.endpoint import EndpointConfig, SparqlEndpoint

from .conftest import DATA, DEFAULT_LIST
from .test_browser_views import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
QUERY = """SELECT ?title ?year WHERE {
  ?paper a lkg:Paper ; dcterms:title ?title ; lkg:year ?year .
  FILTER(?year >= 2024)
}"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SparqlEndpoint, Path]]:
    out = tmp_path_factory.mktemp("build") / "out"
    args = ["build", "-i", str(DEFAULT_LIST), "--curation", str(DATA), "--out", str(out)]
    result = CliRunner().invoke(app, [*args, "--no-store"])
    assert result.exit_code == 0, result.output
    store = pyoxigraph.Store()
    store.bulk_load(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    config = EndpointConfig(port=0, workers=2, timeout=20, views=out)
    with SparqlEndpoint((q.triple for q in store), config) as endpoint:
        yield endpoint, out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is required (scripts/test.sh installs it)"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class Page:
    def __init__(self, browser: Any, base: str) -> None:
        self.context = browser.new_context(
            viewport={"width": 1360, "height": 860}, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.offsite: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def guard(r: Any) -> None:
            if r.request.url.startswith((base, "blob:", "data:")):
                r.continue_()
            else:
                self.offsite.append(r.request.url)
                r.abort()

        self.context.route("**/*", guard)


@pytest.fixture()
def page(browser: Any, served: tuple[SparqlEndpoint, Path]) -> Iterator[Page]:
    base = served[0].url.removesuffix("sparql")
    opened = Page(browser, base)
    opened.page.goto(base)
    opened.page.wait_for_selector("#examples button")
    yield opened
    opened.context.close()


def _expected_titles(out: Path) -> list[str]:
    store = pyoxigraph.Store()
    store.bulk_load(path=str(out / "graph.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    from kg.sparql.query import run_query

    rows = run_query(store, QUERY).solutions()
    return sorted(str(row[0].value) for row in rows)  # type: ignore[union-attr]


def test_type_a_query_press_ctrl_enter_see_the_rows(
    page: Page, served: tuple[SparqlEndpoint, Path]
):
    p = page.page
    editor = p.locator("#query")
    editor.click()
    p.keyboard.press("Control+A")
    p.keyboard.press("Delete")
    editor.type(QUERY)
    assert p.locator("#highlight .tk-kw").first.inner_text() == "SELECT"
    assert "?title" in p.locator("#highlight .tk-var").all_inner_texts()
    p.keyboard.press("Control+Enter")
    p.wait_for_selector("#results table tbody tr")
    expected = _expected_titles(served[1])
    shown = p.locator("#results tbody tr td:first-child").all_inner_texts()
    assert sorted(shown) == expected and len(expected) > 5
    assert p.locator("#status").inner_text().startswith(f"{len(expected)} rows in ")
    assert p.locator("#results th").all_inner_texts() == ["title", "year"]
    ARTIFACTS.mkdir(exist_ok=True)
    p.screenshot(path=str(ARTIFACTS / "query-page.png"))
    assert page.errors == [] and page.offsite == []


def test_a_column_click_sorts_numbers_as_numbers_both_ways(page: Page):
    p = page.page
    p.locator("#examples button", has_text="venues").click()
    p.wait_for_selector("#results table tbody tr")
    header = p.locator("#results th", has_text="papers")
    header.click()
    ascending = [int(x) for x in p.locator("#results tbody tr td:nth-child(2)").all_inner_texts()]
    assert ascending == sorted(ascending) and len(set(ascending)) > 1
    assert p.locator("#results th", has_text="papers").get_attribute("aria-sort") == "ascending"
    p.locator("#results th", has_text="papers").click()
    descending = [int(x) for x in p.locator("#results tbody tr td:nth-child(2)").all_inner_texts()]
    assert descending == sorted(ascending, reverse=True)


def test_every_canned_query_is_a_one_click_example_that_runs(page: Page):
    from kg.sparql.queries import catalogue

    p = page.page
    names = [b.split("\n")[0] for b in p.locator("#examples button").all_inner_texts()]
    assert names == [q.name for q in catalogue()]
    for runs, name in enumerate(("papers-of-author", "ancestors", "coauthors"), start=1):
        p.locator("#examples button", has_text=name).first.click()  # parameters bound as VALUES
        p.wait_for_selector(f"body[data-runs='{runs}']")
        assert "VALUES" in p.locator("#query").input_value()
        assert p.locator("#results tbody tr").count() > 0, name
    assert page.errors == [] and page.offsite == []


def test_results_download_as_w3c_csv_and_json(page: Page, tmp_path: Path):
    p = page.page
    p.locator("#examples button", has_text="venues").click()
    p.wait_for_selector("#results table tbody tr")
    rows = p.locator("#results tbody tr").count()
    with p.expect_download() as got:
        p.locator("#csv").click()
    csv_path = tmp_path / "r.csv"
    got.value.save_as(csv_path)
    table = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert table[0] == ["venue", "papers", "firstYear", "lastYear"] and len(table) == rows + 1
    with p.expect_download() as got:
        p.locator("#json").click()
    json_path = tmp_path / "r.json"
    got.value.save_as(json_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["head"]["vars"][0] == "venue" and len(data["results"]["bindings"]) == rows


def test_errors_show_in_the_page_and_the_views_are_served(
    page: Page, served: tuple[SparqlEndpoint, Path]
):
    p = page.page
    p.locator("#query").fill("DROP ALL")
    p.locator("#run").click()
    p.wait_for_selector("#status.error")
    assert "HTTP 400" in p.locator("#status").inner_text()
    p.goto(served[0].url.removesuffix("sparql") + "views/")
    links = p.locator("a[href$='.html']").all_inner_texts()
    assert "index.html" in links and "overview.html" in links
    p.locator("a", has_text="overview.html").click()
    p.wait_for_selector("html[data-kg-ready='1']", timeout=30_000)
    assert page.offsite == []


def test_headers_forbid_everything_but_this_server(served: tuple[SparqlEndpoint, Path]):
    base = served[0].url.removesuffix("sparql")
    with urllib.request.urlopen(base) as response:
        csp = response.headers["Content-Security-Policy"]
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert (
        "default-src 'none'" in csp and "connect-src 'self'" in csp and "script-src 'self'" in csp
    )
    for path in ("views/../graph.nt", "views/graph.nt", "page/../page.py", "views/.manifest.json"):
        try:
            urllib.request.urlopen(base + path)
        except urllib.error.HTTPError as err:
            assert err.code == 404, path
        else:
            raise AssertionError(f"{path} was served")
