"""The HTML views in a real browser: Debian's chromium, headless, driven by Playwright.

For every view: it loads with no console error and no request other than file:// (every
request is routed and recorded; anything else is aborted and fails the test); it draws
as many nodes and edges as the graph says it should; search and a filter work; a real
mouse hover shows a tooltip with the escaped text. The hostile list runs nothing, with
and without the pages' Content-Security-Policy. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import iter_triples
from kg.model import KnowledgeBase
from kg.pipeline import build_knowledge_base
from kg.views import render_ego, render_views
from kg.views.catalog import CONTRIBUTION_KINDS
from kg.views.lineage import LINEAGE_VIEW_RELATIONS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile-list.md"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWS = ("overview", "lineage", "coauthors", "categories", "ego-can-xu")


@dataclass
class Opened:
    """A page and everything it did that a test may want to assert on."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def offsite(self) -> list[str]:
        return [url for url in self.requests if not url.startswith(("file://", "about:"))]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is required: apt-get install chromium (scripts/test.sh does it)"
    )
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


_CONTEXTS: list[Any] = []


@pytest.fixture(autouse=True)
def _close_pages() -> Iterator[None]:
    """Close every browser context a test opened, so pages do not pile up in memory."""
    yield
    while _CONTEXTS:
        _CONTEXTS.pop().close()


def open_view(browser: Any, path: Path, *, width: int = 1400, height: int = 900) -> Opened:
    context = browser.new_context(
        viewport={"width": width, "height": height}, service_workers="block"
    )
    _CONTEXTS.append(context)
    page = context.new_page()
    opened = Opened(page)
    page.on(
        "console",
        lambda m: (
            opened.errors.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: opened.errors.append(f"page error: {e}"))
    page.on("request", lambda r: opened.requests.append(r.url))

    def dialog(d: Any) -> None:
        opened.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)

    def route(r: Any) -> None:
        if r.request.url.startswith(("file://", "about:")):
            r.continue_()
        else:
            opened.requests.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_function("document.documentElement.dataset.kgReady === '1'", timeout=30_000)
    return opened


def screenshot(opened: Opened, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def hover_node(page: Any, node_id: int) -> None:
    """Move the real mouse onto a node, in steps, as a person would."""
    box = page.locator("#kg-graph").bounding_box()
    spot = page.evaluate("id => kgView.canvasPosition(id)", node_id)
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(box["x"] + spot["x"], box["y"] + spot["y"], steps=6)


def node_rows(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("JSON.parse(document.getElementById('kg-data').textContent).nodes")


def graph_of(kb: KnowledgeBase) -> nx.MultiDiGraph:
    return to_networkx(iter_triples(kb))


# ---------------------------------------------------------------- expected counts, from the graph


def expected_counts(kb: KnowledgeBase, graph: nx.MultiDiGraph, view: str) -> tuple[int, int]:
    kind = nx.get_node_attributes(graph, "kind")
    loops = nx.number_of_selfloops
    if view == "overview":  # self-loops (a method that is its own family) are not drawn
        return graph.number_of_nodes(), graph.number_of_edges() - loops(graph)
    if view == "lineage":
        works = {"paper", *CONTRIBUTION_KINDS}
        edges = [
            (u, v)
            for u, v, d in graph.edges(data=True)
            if d["relation"] in LINEAGE_VIEW_RELATIONS and kind[u] in works and kind[v] in works
        ]
        return len({n for e in edges for n in e}), len(edges)
    if view == "coauthors":
        by_paper: dict[str, set[str]] = {}
        for a in kb.authorships:
            by_paper.setdefault(a.paper_key, set()).add(a.person_key)
        pairs = {(x, y) for people in by_paper.values() for x in people for y in people if x < y}
        return len(kb.persons), len(pairs)
    if view == "categories":
        return sum(max(len(p.categories), 1) for p in kb.papers), sum(
            max(len(p.categories) - 1, 0) for p in kb.papers
        )
    assert view == "ego-can-xu"
    focus = next(n for n, d in graph.nodes(data=True) if d.get("label") == "Can Xu")
    seen, frontier = {focus}, {focus}
    for _ in range(2):
        step = set()
        for n in frontier:
            if n != focus and kind[n] in ("venue", "category", "list"):
                continue
            step |= set(graph.successors(n)) | set(graph.predecessors(n))
        frontier = step - seen
        seen |= frontier
    ego = graph.subgraph(seen)
    return len(seen), ego.number_of_edges() - loops(ego)


# ---------------------------------------------------------------- the default list


@pytest.fixture(scope="module")
def default_files(tmp_path_factory: pytest.TempPathFactory, default_kb: KnowledgeBase) -> Path:
    out = tmp_path_factory.mktemp("views")
    graph = graph_of(default_kb)
    files = render_views(default_kb, graph) | render_ego(default_kb, graph, "Can Xu", depth=2)
    for name, data in files.items():
        (out / name).write_bytes(data)
    return out


@pytest.mark.parametrize("view", VIEWS)
def test_view_loads_offline_and_draws_the_graph(browser, default_files, default_kb, view):
    opened = open_view(browser, default_files / f"{view}.html")
    page = opened.page
    screenshot(opened, view)
    assert opened.errors == []
    assert opened.offsite() == []
    assert all(url.startswith("file://") for url in opened.requests)
    drawn = page.evaluate("kgView.drawn()")
    nodes, edges = expected_counts(default_kb, graph_of(default_kb), view)
    assert (drawn["nodes"], drawn["edges"]) == (nodes, edges)
    assert (
        page.locator("#kg-count").text_content()
        == f"Showing {nodes:,} of {nodes:,} nodes, {edges:,} of {edges:,} edges"
    )
    assert page.locator("#kg-notice").is_hidden()
    assert page.locator("canvas").count() == 1
    ready = page.evaluate("window.kgReadyAt")
    assert ready < 10_000, f"{view} took {ready:.0f} ms to draw"


@pytest.mark.parametrize(
    ("view", "query", "expect"),
    [
        ("overview", "WizardLM", "WizardLM"),
        ("coauthors", "can xu", "Can Xu"),
        ("lineage", "Evol-Instruct", "Evol-Instruct"),
        ("categories", "SPIN", "SPIN"),
        ("ego-can-xu", "wizardcoder", "WizardCoder"),
    ],
)
def test_search_selects_and_reports_matches(browser, default_files, view, query, expect):
    page = open_view(browser, default_files / f"{view}.html").page
    page.locator("#kg-search").fill(query)
    page.locator("#kg-search").press("Enter")
    status = page.locator("#kg-status").text_content()
    assert re.fullmatch(r"\d+ match(es)?", status), status
    selected = page.evaluate("kgView.network.getSelectedNodes()")
    assert selected and len(selected) == int(status.split()[0])
    names = {n["id"]: n["name"] for n in node_rows(page)}
    assert expect in [names[i] for i in selected] or any(expect in names[i] for i in selected)
    page.locator("#kg-search").fill("no such node at all")
    page.locator("#kg-search").press("Enter")
    assert page.locator("#kg-status").text_content() == "No match in this view"


@pytest.mark.parametrize("view", VIEWS)
def test_year_filter_in_every_view(browser, default_files, view):
    page = open_view(browser, default_files / f"{view}.html").page
    data = page.evaluate("JSON.parse(document.getElementById('kg-data').textContent)")
    papers = data["papers"]

    def years(node: dict[str, Any]) -> set[int]:
        if "ys" in node:
            return set(node["ys"])
        found = {papers[i]["y"] for i in node.get("pp", [])}
        return found or ({node["year"]} if "year" in node else set())

    latest = max(y for n in data["nodes"] for y in years(n))
    page.locator("#kg-year-from").select_option(str(latest))
    shown = {n["id"] for n in data["nodes"] if not years(n) or latest in years(n)}
    edges = sum(1 for e in data["edges"] if e["from"] in shown and e["to"] in shown)
    assert page.evaluate("kgView.drawn()") == {"nodes": len(shown), "edges": edges}
    assert len(shown) < len(data["nodes"])


def test_kind_filter_hides_people_and_their_edges(browser, default_files, default_kb):
    page = open_view(browser, default_files / "overview.html").page
    graph = graph_of(default_kb)
    people = {n for n, d in graph.nodes(data=True) if d["kind"] == "person"}
    page.locator("#kg-kinds input[value=person]").uncheck()
    drawn = page.evaluate("kgView.drawn()")
    kept_edges = sum(1 for u, v in graph.edges() if u not in people and v not in people and u != v)
    assert drawn == {"nodes": graph.number_of_nodes() - len(people), "edges": kept_edges}
    page.locator("#kg-reset").click()
    assert page.evaluate("kgView.drawn()") == {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges() - nx.number_of_selfloops(graph),  # loops not drawn
    }


def test_year_and_category_filters(browser, default_files, default_kb):
    page = open_view(browser, default_files / "categories.html").page
    page.locator("#kg-year-from").select_option("2024")
    page.locator("#kg-year-to").select_option("2024")
    in_2024 = sum(max(len(p.categories), 1) for p in default_kb.papers if p.year == 2024)
    assert page.evaluate("kgView.drawn().nodes") == in_2024
    page.locator("#kg-reset").click()
    page.locator("#kg-category").select_option(label="Distillation")
    assert page.evaluate("kgView.drawn().nodes") == sum(
        1 for p in default_kb.papers if "Distillation" in p.categories
    )


@pytest.mark.parametrize("view", ["overview", "lineage", "categories", "ego-can-xu"])
def test_hovering_a_paper_shows_title_venue_year_and_safe_links(
    browser, default_files, default_kb, view
):
    opened = open_view(browser, default_files / f"{view}.html")
    page = opened.page
    paper = next(p for p in default_kb.papers if p.key == "2304.12244")
    node = next(n for n in node_rows(page) if n["name"] == paper.title)
    hover_node(page, node["id"])
    tip = page.locator("#kg-tip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.text_content()
    assert paper.title in text and f"{paper.venue} {paper.year}" in text
    links = page.evaluate(
        "[...document.querySelectorAll('#kg-tip a')].map(a => [a.href, a.rel, a.target])"
    )
    assert links and all(
        href.startswith("https://") and "noopener" in rel and target == "_blank"
        for href, rel, target in links
    )
    assert {href for href, _, _ in links} == {link.url for link in paper.links}
    if view == "overview":
        screenshot(opened, "overview-tooltip")
    # A click pins the card so its links can be used; Escape closes it.
    page.mouse.down()
    page.mouse.up()
    assert "pinned" in (tip.get_attribute("class") or "")
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    assert opened.errors == []


def test_hovering_a_person_lists_their_papers(browser, default_files):
    page = open_view(browser, default_files / "coauthors.html").page
    node = next(n for n in node_rows(page) if n["name"] == "Can Xu")
    hover_node(page, node["id"])
    page.locator("#kg-tip").wait_for(state="visible", timeout=5_000)
    text = page.locator("#kg-tip").text_content()
    assert "Can Xu" in text and "WizardLM: Empowering" in text and "(ICLR 2024)" in text


def test_index_page_links_every_view(browser, default_files):
    opened = open_view_plain(browser, default_files / "index.html")
    screenshot(opened, "index")
    hrefs = opened.page.evaluate(
        "[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))"
    )
    assert {"overview.html", "lineage.html", "coauthors.html", "categories.html"} <= set(hrefs)
    assert opened.errors == [] and opened.offsite() == []


def open_view_plain(browser: Any, path: Path) -> Opened:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    _CONTEXTS.append(context)
    page = context.new_page()
    opened = Opened(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: opened.requests.append(r.url))
    page.goto(path.as_uri())
    return opened


# ---------------------------------------------------------------- the hostile list


@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb = build_knowledge_base([HOSTILE])
    graph = graph_of(kb)
    files = render_views(kb, graph) | render_ego(kb, graph, "Alice Bold", depth=2)
    out = tmp_path_factory.mktemp("hostile")
    for name, data in files.items():
        (out / name).write_bytes(data)
    # The same pages without their Content-Security-Policy: escaping alone must hold.
    bare = out / "no-csp"
    bare.mkdir()
    for name, data in files.items():
        text = re.sub(
            r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", data.decode("utf-8")
        )
        assert "Content-Security-Policy" not in text
        (bare / name).write_text(text, encoding="utf-8")
    # And one page whose data smuggles in links no validation would pass.
    text = (bare / "overview.html").read_text(encoding="utf-8")
    text = text.replace(
        '"l":[["PDF",',
        '"l":[["Evil","javascript:window.__pwned=97"],["Evil2"," javascript:window.__pwned=96"],["Evil3","data:text/html,x"],["PDF",',
        1,
    )
    assert "__pwned=97" in text
    (bare / "smuggled.html").write_text(text, encoding="utf-8")
    return out


SAFE_DOM = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) bad.push(el.tagName + ' ' + attr.name);
      if (/^\\s*(javascript|data|vbscript):/i.test(attr.value) && attr.name !== 'content') bad.push(el.tagName + ' ' + attr.name + '=' + attr.value);
    }
  }
  for (const el of document.querySelectorAll('img, iframe, object, embed, frame, math, template, style:not(head style)')) bad.push(el.tagName);
  if (document.scripts.length !== 3) bad.push('scripts: ' + document.scripts.length);
  return bad;
}"""


def exercise(page: Any) -> None:
    """Hover and click every node and edge end, search for each payload, use every filter."""
    rows = node_rows(page)
    for row in rows:
        hover_node(page, row["id"])
        page.mouse.down()
        page.mouse.up()
    for query in ("<img", "</script>", "href", "javascript", "window.__pwned"):
        page.locator("#kg-search").fill(query)
        page.locator("#kg-search").press("Enter")
    if page.locator("#kg-category").is_hidden():
        return
    for option in page.locator("#kg-category option").all():
        page.locator("#kg-category").select_option(option.get_attribute("value"))


@pytest.mark.parametrize("folder", ["", "no-csp"])
@pytest.mark.parametrize(
    "view", ["overview", "lineage", "coauthors", "categories", "ego-alice-bold"]
)
def test_hostile_list_runs_nothing(browser, hostile_files, view, folder):
    path = hostile_files / folder / f"{view}.html"
    opened = open_view(browser, path)
    page = opened.page
    title = page.title()
    exercise(page)
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.title() == title and "PWNED" not in title
    assert opened.dialogs == []
    assert page.evaluate(SAFE_DOM) == []
    assert opened.errors == []
    assert opened.offsite() == []
    if not folder:
        screenshot(opened, f"hostile-{view}")


def test_hostile_tooltip_shows_the_payload_as_text(browser, hostile_files):
    opened = open_view(browser, hostile_files / "overview.html")
    page = opened.page
    # raw inline HTML is markup to the reader; payloads written as text reach the page as text
    node = next(n for n in node_rows(page) if n["name"].startswith("<img src=x onerror"))
    hover_node(page, node["id"])
    tip = page.locator("#kg-tip")
    tip.wait_for(state="visible", timeout=5_000)
    assert "<img src=x onerror=window.__pwned=9>" in tip.text_content()
    assert "Mallory <svg onload=window.__pwned=10>" in tip.text_content()
    assert (
        page.evaluate(
            "document.querySelectorAll('#kg-tip *:not(p):not(a):not(button):not(div):not(ul):not(li)').length"
        )
        == 0
    )
    screenshot(opened, "hostile-tooltip")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_links_that_are_not_http_are_never_made(browser, hostile_files):
    page = open_view(browser, hostile_files / "no-csp" / "smuggled.html").page
    node = next(n for n in node_rows(page) if n["name"].startswith("The href attribute"))
    hover_node(page, node["id"])
    page.locator("#kg-tip").wait_for(state="visible", timeout=5_000)
    links = page.evaluate(
        "[...document.querySelectorAll('#kg-tip a')].map(a => [a.textContent, a.href])"
    )
    assert links and all(href.startswith("https://") for _, href in links)
    assert not any(text.startswith("Evil") for text, _ in links)
    for anchor in page.locator("#kg-tip a").all():
        assert anchor.get_attribute("rel") == "noopener noreferrer"
    assert page.evaluate("typeof window.__pwned") == "undefined"


# ---------------------------------------------------------------- a large list degrades on purpose


@pytest.mark.slow
def test_a_list_of_2000_papers_degrades_and_stays_fast(browser, tmp_path):
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from generate import generate, write_corpus
    finally:
        sys.path.pop(0)
    corpus_dir = tmp_path / "corpus"
    listing = write_corpus(generate(2000), corpus_dir)
    kb = build_knowledge_base([listing], curation=corpus_dir)
    files = render_views(kb, graph_of(kb))
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for view in ("overview", "lineage", "coauthors", "categories"):
        opened = open_view(browser, tmp_path / f"{view}.html")
        page = opened.page
        assert opened.errors == [] and opened.offsite() == []
        assert page.evaluate("window.kgReadyAt") < 15_000
        drawn = page.evaluate("kgView.drawn()")
        assert drawn["nodes"] <= 2000 and drawn["edges"] <= 5000
        if view in ("overview", "coauthors", "categories"):
            notice = page.locator("#kg-notice")
            assert notice.is_visible() and "kg viz --focus" in notice.text_content()
        if view in ("overview", "coauthors"):
            # A person the view leaves out: the search says where to find them.
            rows = node_rows(page)
            texts = [" ".join([r["name"], r["label"], *r.get("alt", [])]).lower() for r in rows]
            missing = next(
                p.name for p in kb.persons if not any(p.name.lower() in t for t in texts)
            )
            page.locator("#kg-search").fill(missing)
            page.locator("#kg-search").press("Enter")
            status = page.locator("#kg-status").text_content()
            assert status.startswith(f"No match among the {len(rows):,} of "), status
            assert status.endswith(f'kg viz --focus "{missing}" --depth 2'), status
        screenshot(opened, f"large-{view}")
    shutil.rmtree(corpus_dir)


# ---------------------------------------------------------------- issue 14: follow a lineage


def _node_id(page: Any, arxiv: str) -> int:
    return page.evaluate(
        "ax => JSON.parse(document.getElementById('kg-data').textContent).nodes.find(n => n.ax === ax).id",
        arxiv,
    )


def _click_node(page: Any, node_id: int) -> None:
    box = page.locator("#kg-graph").bounding_box()
    at = page.evaluate(f"kgView.canvasPosition({node_id})")
    page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])


@pytest.mark.browser
def test_click_lights_the_chain_lists_its_steps_and_escape_clears(browser, default_files):
    opened = open_view(browser, default_files / "lineage.html")
    page = opened.page
    wizardmath = _node_id(page, "2308.09583")
    wizardlm = _node_id(page, "2304.12244")
    _click_node(page, wizardmath)
    page.wait_for_selector("#kg-chain:not([hidden])")
    assert page.evaluate("kgView.chain()") == wizardmath
    dimmed = set(page.evaluate("kgView.dimmed()"))
    assert dimmed and wizardmath not in dimmed and wizardlm not in dimmed  # an ancestor
    card = page.locator("#kg-chain")
    assert "WizardMath" in card.locator("h2").inner_text()
    steps = card.locator("li")
    assert steps.count() >= 3
    text = card.inner_text()
    assert "extends" in text and "Builds on (ancestors)" in text
    links = card.locator("a")
    assert links.count() >= 1
    assert all(
        links.nth(i).get_attribute("href").startswith(("http://", "https://"))
        for i in range(links.count())
    )
    assert page.evaluate("location.hash") == "#2308.09583"
    page.keyboard.press("Escape")
    assert page.evaluate("kgView.chain()") is None
    assert page.evaluate("kgView.dimmed()") == []
    assert page.locator("#kg-chain").is_hidden()
    assert page.evaluate("location.hash") == ""
    screenshot(opened, "lineage-chain-cleared")
    assert not opened.errors, opened.errors


@pytest.mark.browser
def test_a_fragment_link_opens_with_the_chain_selected(browser, default_files):
    opened = open_view(browser, default_files / "lineage.html")
    page = opened.page
    page.goto((default_files / "lineage.html").as_uri() + "#2308.09583")
    page.reload()
    page.wait_for_function("document.documentElement.dataset.kgReady === '1'")
    page.wait_for_selector("#kg-chain:not([hidden])")
    assert page.evaluate("kgView.chain()") == _node_id(page, "2308.09583")
    page.evaluate("location.hash = '#2304.12244'")  # a link to another work
    page.wait_for_function(
        "kgView.chain() === JSON.parse(document.getElementById('kg-data').textContent).nodes.find(n => n.ax === '2304.12244').id"
    )
    assert not opened.errors, opened.errors


def _shown_extent(page: Any) -> dict[str, float]:
    return page.evaluate(
        """() => {
          const ids = kgView.visibleNodeIds();
          const ps = ids.map(id => kgView.canvasPosition(id));
          const g = document.getElementById('kg-graph');
          return {x0: Math.min(...ps.map(p => p.x)), x1: Math.max(...ps.map(p => p.x)),
                  y0: Math.min(...ps.map(p => p.y)), y1: Math.max(...ps.map(p => p.y)),
                  w: g.clientWidth, h: g.clientHeight, n: ids.length};
        }"""
    )


@pytest.mark.browser
@pytest.mark.parametrize("view", ["lineage", "overview"])
def test_the_view_refits_after_a_filter(browser, default_files, view):
    opened = open_view(browser, default_files / f"{view}.html")
    page = opened.page
    page.select_option("#kg-year-from", index=page.locator("#kg-year-from option").count() - 1)
    after = _shown_extent(page)
    assert 0 < after["n"]
    # What is shown fills the canvas: spread over most of its width or height, all inside.
    assert after["x0"] >= -1 and after["x1"] <= after["w"] + 1
    assert after["y0"] >= -1 and after["y1"] <= after["h"] + 1
    if after["n"] > 3:
        assert (after["x1"] - after["x0"]) > 0.5 * after["w"] or (
            after["y1"] - after["y0"]
        ) > 0.5 * after["h"]
    assert not opened.errors, opened.errors


@pytest.mark.browser
@pytest.mark.parametrize("width", [1400, 390])
def test_the_legend_never_covers_the_graph_and_folds(browser, default_files, width):
    opened = open_view(browser, default_files / "lineage.html", width=width, height=844)
    page = opened.page
    graph = page.locator("#kg-stage").bounding_box()
    legend = page.locator("#kg-legend-box").bounding_box()
    overlap_x = min(graph["x"] + graph["width"], legend["x"] + legend["width"]) - max(
        graph["x"], legend["x"]
    )
    overlap_y = min(graph["y"] + graph["height"], legend["y"] + legend["height"]) - max(
        graph["y"], legend["y"]
    )
    assert overlap_x <= 0 or overlap_y <= 0
    is_open = page.evaluate("document.getElementById('kg-legend-box').open")
    assert is_open == (width > 700)  # folded on a phone
    page.locator("#kg-legend-box > summary").click()
    assert page.evaluate("document.getElementById('kg-legend-box').open") != is_open
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert graph["height"] > 300  # the graph keeps most of the phone screen
        screenshot(opened, "lineage-390")
    assert not opened.errors, opened.errors


@pytest.mark.browser
def test_no_self_loop_is_drawn_and_overview_labels_stay_readable(browser, default_files):
    opened = open_view(browser, default_files / "overview.html")
    page = opened.page
    loops = page.evaluate(
        "Object.values(kgView.network.body.edges).filter(e => e.fromId === e.toId).length"
    )
    assert loops == 0
    scale = page.evaluate("kgView.network.getScale()")
    sizes = page.evaluate(
        "kgView.visibleNodeIds().map(id => kgView.fontSize(id) * kgView.network.getScale())"
    )
    assert scale < 1 and sum(1 for s in sizes if s >= 10.5) >= 12  # the best connected
    assert not opened.errors, opened.errors
