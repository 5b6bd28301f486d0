"""The HTML views without a browser: content, escaping, offline, determinism, budgets, ego."""

from __future__ import annotations

import hashlib
import html as html_module
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import FocusError
from kg.graph.nx_convert import to_networkx
from kg.graph.rdf import iter_triples
from kg.model import KnowledgeBase, Link, LinkKind, Paper, evolve
from kg.pipeline import build_knowledge_base
from kg.views import VIEW_FILES, render_ego, render_views
from kg.views.catalog import LINEAGE_RELATIONS, Catalog, short_label
from kg.views.categories import build_categories
from kg.views.coauthors import build_coauthors, coauthor_pairs
from kg.views.ego import build_ego, find_focus
from kg.views.groups import label_propagation
from kg.views.layout import barycentre_order, cluster_layout, layer_ranks, spread
from kg.views.lineage import LINEAGE_VIEW_RELATIONS, build_lineage
from kg.views.overview import build_overview
from kg.views.page import json_for_script, vis_bundle

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile-list.md"
PAYLOAD_MARKERS = ("window.__pwned", "document.title")


def graph_of(kb: KnowledgeBase) -> nx.MultiDiGraph:
    return to_networkx(iter_triples(kb))


def data_block(html: bytes) -> dict:
    match = re.search(rb'<script type="application/json" id="kg-data">(.*?)</script>', html, re.S)
    assert match, "the page has no data block"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def default_graph(default_kb: KnowledgeBase) -> nx.MultiDiGraph:
    return graph_of(default_kb)


@pytest.fixture(scope="module")
def default_views(default_kb: KnowledgeBase, default_graph: nx.MultiDiGraph) -> dict[str, bytes]:
    return render_views(default_kb, default_graph)


def _unvalidated_link(kind: LinkKind, url: str) -> Link:
    """A Link made without validation (which would refuse ``url``)."""
    link = object.__new__(Link)
    for name, value in (("kind", kind), ("url", url), ("label", "x")):
        object.__setattr__(link, name, value)
    return link


@pytest.fixture(scope="module")
def hostile_kb() -> KnowledgeBase:
    kb = build_knowledge_base([HOSTILE])
    # Links that validation would never let in, to prove the page checks them too.
    bad = _unvalidated_link(LinkKind.CODE, "javascript:window.__pwned=99")
    bad2 = _unvalidated_link(
        LinkKind.PAPER_PAGE, " data:text/html,<script>window.__pwned=98</script>"
    )
    first = kb.papers[0]
    patched = evolve(first, links=(*first.links, bad, bad2))
    return kb.model_copy(update={"papers": (patched, *kb.papers[1:])})


@pytest.fixture(scope="module")
def hostile_views(hostile_kb: KnowledgeBase) -> dict[str, bytes]:
    graph = graph_of(hostile_kb)
    files = render_views(hostile_kb, graph)
    files.update(render_ego(hostile_kb, graph, "Alice Bold", depth=2))
    return files


# ---------------------------------------------------------------- files and offline


def test_render_views_returns_every_file(default_views):
    assert set(default_views) == set(VIEW_FILES)
    for name, html in default_views.items():
        assert html.startswith(b"<!DOCTYPE html>"), name
        assert b'<meta charset="utf-8">' in html


def test_views_are_self_contained_and_fetch_nothing(default_views):
    for name, html in default_views.items():
        text = html.decode("utf-8")
        # No external resource in any tag: scripts, styles, images, frames, preloads.
        assert not re.search(
            r"<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href)\s*=", text, re.I
        ), name
        assert "sourceMappingURL" not in text, name
        assert not re.search(r"jsdelivr|cdnjs|unpkg|googleapis", text, re.I), name
        csp = html_module.unescape(
            re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text).group(1)
        )
        assert "default-src 'none'" in csp, name
        assert "unsafe-eval" not in csp and "script-src 'unsafe-inline'" not in csp


def test_script_hashes_in_the_policy_match_the_inline_scripts(default_views):
    import base64

    html = default_views["overview.html"].decode("utf-8")
    policy = re.search(r"script-src ([^;\"]+)", html_module.unescape(html)).group(1).split()
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in scripts
    }
    assert hashes == set(policy)


def test_vis_bundle_is_inlined_without_source_map():
    code = vis_bundle()
    assert "@version 9.1.2" in code[:400]
    assert "sourceMappingURL" not in code


def test_views_are_byte_identical_for_the_same_input(default_kb, default_graph, default_views):
    assert render_views(default_kb, graph_of(default_kb)) == default_views


def test_views_do_not_depend_on_the_hash_seed():
    script = (
        "import hashlib, sys\n"
        "from kg.pipeline import build_knowledge_base\n"
        "from kg.graph.nx_convert import to_networkx\n"
        "from kg.graph.rdf import iter_triples\n"
        "from kg.views import render_views, render_ego\n"
        "kb = build_knowledge_base(['data/awesome-paper-list-synthetic-data.md'], curation='data')\n"
        "g = to_networkx(iter_triples(kb))\n"
        "files = render_views(kb, g) | render_ego(kb, g, 'Can Xu', depth=2)\n"
        "print(hashlib.sha256(b''.join(files[k] for k in sorted(files))).hexdigest())\n"
    )
    digests = set()
    for seed in ("1", "4242"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1


def test_index_shows_headline_counts_and_links_every_view(default_kb, default_views):
    html = default_views["index.html"].decode("utf-8")
    for name in VIEW_FILES[1:]:
        assert f'href="{name}"' in html
    assert f"<dd>{len(default_kb.papers)}</dd>" in html
    assert f"<dd>{len(default_kb.persons)}</dd>" in html
    assert "<script" not in html


# ---------------------------------------------------------------- escaping


def test_json_for_script_cannot_close_the_script_element():
    text = json_for_script({"a": "</script><script>alert(1)</script>", "b": "\u2028\u2029&<>"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><script>alert(1)</script>", "b": "\u2028\u2029&<>"}


def test_hostile_payloads_appear_only_escaped(hostile_views):
    for name, html in hostile_views.items():
        text = html.decode("utf-8")
        # Remove our own three script bodies; what is left is markup and escaped data.
        markup = re.sub(r"<script>.*?</script>", "<script></script>", text, flags=re.S)
        markup = re.sub(
            r'(<script type="application/json" id="kg-data">).*?(</script>)',
            r"\1\2",
            markup,
            flags=re.S,
        )
        assert "<img" not in markup and "<svg" not in markup and "<iframe" not in markup, name
        assert (
            markup.count("<script") == 3 if name != "index.html" else markup.count("<script") == 0
        ), name
        # No link carries javascript:; the word is left only as text inside one title
        # (the vis bundle's own core-js code is not data and is left out of the scan).
        data_text = text.replace(vis_bundle(), "")
        for hit in re.finditer(r"javascript:", data_text, re.I):
            assert data_text[hit.start() - 7 : hit.start()] == 'href=\\"', (
                name,
                data_text[hit.start() - 40 : hit.end() + 20],
            )
        if name != "index.html":
            block = re.search(
                r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S
            ).group(1)
            assert "<" not in block and ">" not in block, name


def test_hostile_list_title_is_escaped_in_title_and_heading(hostile_views):
    html = hostile_views["overview.html"].decode("utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    heading = re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "<script" not in heading.replace("<small>", "")


def test_hostile_data_survives_as_text(hostile_views):
    data = data_block(hostile_views["overview.html"])
    # Raw inline HTML is markup to the reader (lists write <b>, <br>, <sup>, <a>): its tags
    # are read, never shown. Payloads written as text (escaped Markdown, entities) must
    # reach the page as text, and stay inert there.
    titles = [p["t"] for p in data["papers"]]
    assert any("<img src=x onerror=window.__pwned=9>" in t for t in titles)
    assert any("</script><script>window.__pwned=12</script>" in t for t in titles)
    assert any("href=" in t for t in titles)
    names = [n["name"] for n in data["nodes"] if n["kind"] == "person"]
    assert "Mallory <svg onload=window.__pwned=10>" in names


def test_app_script_never_uses_html_sinks():
    code = (ROOT / "kg" / "views" / "app.js").read_text(encoding="utf-8")
    for sink in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "new Function",
        'setAttribute("href"',
        "srcdoc",
    ):
        assert sink not in code, sink
    assert "/^https?:\\/\\/[^\\s]/i" in code


# ---------------------------------------------------------------- what each view holds


def test_overview_draws_the_whole_graph(default_graph):
    view = build_overview(Catalog.of(default_graph))
    assert len(view.nodes) == default_graph.number_of_nodes()
    assert len(view.edges) == default_graph.number_of_edges()
    assert not view.notice
    assert set(view.kinds) == {d["kind"] for _, d in default_graph.nodes(data=True)}


def test_lineage_draws_typed_lineage_and_introductions(default_kb, default_graph):
    view = build_lineage(Catalog.of(default_graph))
    counts = Counter(
        d["relation"]
        for _, _, d in default_graph.edges(data=True)
        if d["relation"] in LINEAGE_VIEW_RELATIONS
    )
    assert len(view.edges) == sum(counts.values())
    assert sum(counts[r] for r in LINEAGE_RELATIONS) == len(default_kb.lineage)
    labels = Counter(e["rel"] for e in view.edges)
    assert (
        labels["extends"] == counts["extends"]
        and labels["applies method of"] == counts["appliesMethodOf"]
    )


def test_lineage_puts_older_works_left(default_graph):
    cat = Catalog.of(default_graph)
    view = build_lineage(cat)
    x = {n["id"]: n["x"] for n in view.nodes}
    year = {n["id"]: cat.paper_rows[n["paper"]]["y"] for n in view.nodes if "paper" in n}
    for e in view.edges:
        if e["rel"] == "introduces":
            assert x[e["from"]] <= x[e["to"]]
            continue
        # newer -> older: the older end is never right of the newer one when years differ.
        if e["from"] in year and e["to"] in year and year[e["from"]] > year[e["to"]]:
            assert x[e["to"]] < x[e["from"]], e
    columns = [c["text"] for c in view.decor["columns"]]
    assert columns == sorted(columns)


def test_coauthors_weights_and_groups(default_kb, default_graph):
    cat = Catalog.of(default_graph)
    view = build_coauthors(cat)
    assert len(view.nodes) == len(default_kb.persons)
    pairs = coauthor_pairs(cat)
    assert len(view.edges) == len(pairs)
    strongest = max(pairs.values(), key=len)
    assert len(strongest) >= 2
    assert max(e["w"] for e in view.edges) > 1
    can_xu = next(n for n in view.nodes if n["name"] == "Can Xu")
    assert can_xu["size"] == max(n["size"] for n in view.nodes)
    group = [n for n in view.nodes if n["group"] == can_xu["group"]]
    assert {"Qingfeng Sun", "Pu Zhao"} <= {n["name"] for n in group}


def test_categories_place_hybrid_papers_in_each_lane(default_kb, default_graph):
    view = build_categories(Catalog.of(default_graph))
    memberships = sum(max(len(p.categories), 1) for p in default_kb.papers)
    assert len(view.nodes) == memberships
    assert len(view.edges) == sum(max(len(p.categories) - 1, 0) for p in default_kb.papers)
    lane_y = {lane["text"]: (lane["y"], lane["y"] + lane["h"]) for lane in view.decor["lanes"]}
    for node in view.nodes:
        (c,) = node["cats"]
        low, high = lane_y[Catalog.of(default_graph).categories[c]]
        assert low <= node["y"] <= high


def test_node_positions_are_finite_and_distinct(default_graph):
    cat = Catalog.of(default_graph)
    for view in (
        build_overview(cat),
        build_lineage(cat),
        build_coauthors(cat),
        build_categories(cat),
    ):
        spots = [(n["x"], n["y"]) for n in view.nodes]
        assert len(set(spots)) == len(spots), view.name


# ---------------------------------------------------------------- budgets


def synthetic_kb(papers: int, authors_per_paper: int = 4) -> KnowledgeBase:
    from kg.model import Authorship, Person, SourceRef

    source = SourceRef(file="synthetic.md", line=1)
    rows = []
    people: dict[str, Person] = {}
    authorships = []
    for i in range(papers):
        names = [f"Person {(i * 7 + j * 13) % (papers * 2)}" for j in range(authors_per_paper)]
        rows.append(
            Paper(
                key=f"p{i}",
                title=f"Paper {i}",
                year=2018 + i % 8,
                venue="V",
                venue_as_written="V",
                authors=tuple(names),
                list_key="l",
                source=source,
            )
        )
        for pos, name in enumerate(names, start=1):
            key = name.lower().replace(" ", "-")
            people.setdefault(key, Person(key=key, name=name, variants=(name,)))
            authorships.append(
                Authorship(paper_key=f"p{i}", position=pos, person_key=key, name_as_written=name)
            )
    return KnowledgeBase(
        papers=tuple(rows),
        persons=tuple(sorted(people.values(), key=lambda p: p.key)),
        authorships=tuple(authorships),
    )


def test_a_graph_over_budget_degrades_with_a_message(monkeypatch):
    import kg.views.categories
    import kg.views.coauthors
    import kg.views.overview

    for module in (kg.views.overview, kg.views.coauthors, kg.views.categories):
        monkeypatch.setattr(module, "MAX_NODES", 100 if module is kg.views.categories else 150)
        monkeypatch.setattr(module, "MAX_EDGES", 300, raising=False)
    kb = synthetic_kb(120)
    cat = Catalog.of(graph_of(kb))
    overview = build_overview(cat)
    assert len(overview.nodes) == 150 < overview.full_nodes
    assert len(overview.edges) <= 300
    assert (
        "kg viz --focus" in overview.notice and f"{overview.full_nodes:,} nodes" in overview.notice
    )
    coauthors = build_coauthors(cat)
    assert len(coauthors.nodes) == 150 and len(coauthors.edges) <= 300
    assert "kg viz --focus" in coauthors.notice
    categories = build_categories(cat)
    assert categories.kinds == ["cell"] and sum(len(n["pp"]) for n in categories.nodes) == 120
    assert "Each circle stands for" in categories.notice


def test_an_empty_input_renders_pages_that_say_so():
    kb = KnowledgeBase()
    files = render_views(kb, graph_of(kb))
    assert "No lineage to draw" in files["lineage.html"].decode()
    assert data_block(files["overview.html"])["nodes"] == []


# ---------------------------------------------------------------- ego


def test_find_focus_exact_partial_kind_prefix(default_graph):
    cat = Catalog.of(default_graph)
    assert cat.label(find_focus(cat, "can xu")) == "Can Xu"
    assert cat.kind[find_focus(cat, "venue:ICLR")] == "venue"
    assert cat.kind[find_focus(cat, "2304.12244")] == "paper"
    assert cat.label(find_focus(cat, "Evol-Instruct")) == "Evol-Instruct"


def test_find_focus_ambiguous_lists_candidates(default_graph):
    cat = Catalog.of(default_graph)
    with pytest.raises(FocusError) as err:
        find_focus(cat, "Xu")
    message = str(err.value)
    assert "matches" in message and "Can Xu (person)" in message and "person:" in message


def test_find_focus_unknown_suggests(default_graph):
    cat = Catalog.of(default_graph)
    with pytest.raises(FocusError, match="Did you mean: 'WizardLM'"):
        find_focus(cat, "Wizrdlm")
    with pytest.raises(FocusError, match="no person, paper"):
        find_focus(cat, "zzzz qqqq")


def test_ego_depth_one_is_the_neighbourhood(default_graph):
    cat = Catalog.of(default_graph)
    focus = find_focus(cat, "Can Xu")
    view = build_ego(cat, focus, 1)
    neighbours = set(default_graph.successors(focus)) | set(default_graph.predecessors(focus))
    assert len(view.nodes) == len(neighbours) + 1
    assert [n for n in view.nodes if n.get("focus")][0]["name"] == "Can Xu"
    sub = default_graph.subgraph(neighbours | {focus})
    assert len(view.edges) == sub.number_of_edges()


def test_render_ego_names_the_file_after_the_focus(default_kb, default_graph):
    files = render_ego(default_kb, default_graph, "Can Xu", depth=2)
    assert list(files) == ["ego-can-xu.html"]
    with pytest.raises(FocusError):
        render_ego(default_kb, default_graph, "Can Xu", depth=0)


# ---------------------------------------------------------------- CLI


def test_kg_viz_writes_every_view(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "-i",
            str(ROOT / "data" / "awesome-paper-list-synthetic-data.md"),
            "--curation",
            str(ROOT / "data"),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*VIEW_FILES, ".manifest.json"])
    assert "Wrote 5 files" in result.output


def test_kg_viz_focus_writes_one_ego_view(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "-i",
            str(ROOT / "data" / "awesome-paper-list-synthetic-data.md"),
            "--focus",
            "Can Xu",
            "--depth",
            "2",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [".manifest.json", "ego-can-xu.html"]


def test_kg_viz_focus_ambiguous_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "-i",
            str(ROOT / "data" / "awesome-paper-list-synthetic-data.md"),
            "--focus",
            "Xu",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "Error: 'Xu' matches" in result.output
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- layout helpers


def test_layout_helpers():
    assert spread([0.0, 0.0, 0.0], 10.0) == [-10.0, 0.0, 10.0]
    assert spread([0.0, 100.0], 10.0) == [0.0, 100.0]
    positions, discs = cluster_layout([["a", "b", "c"], ["d"]], 10.0)
    assert positions["a"] == discs[0][0] and len(set(positions.values())) == 4
    ranks = layer_ranks(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")], lambda n: 0)
    assert set(ranks) == {"a", "b", "c"}  # a cycle still ends
    assert layer_ranks(["a", "b"], [("a", "b")], lambda n: 0) == {"a": 0, "b": 1}
    cols = barycentre_order(
        [["a", "b"], ["c", "d"]], {"a": ["d"], "d": ["a"], "b": ["c"], "c": ["b"]}
    )
    assert cols[1] == ["d", "c"] or cols[0] == ["b", "a"]


def test_label_propagation_is_deterministic_and_splits_cliques():
    nodes = [f"n{i}" for i in range(10)]
    weights = {
        ("n0", "n1"): 3,
        ("n0", "n2"): 3,
        ("n1", "n2"): 3,
        ("n5", "n6"): 2,
        ("n6", "n7"): 2,
        ("n2", "n5"): 1,
    }
    first = label_propagation(nodes, weights)
    assert first == label_propagation(nodes, dict(reversed(list(weights.items()))))
    assert ["n0", "n1", "n2"] in first and ["n5", "n6", "n7"] in first


def test_short_label():
    assert short_label("SPIN: Self-Play Fine-Tuning") == "SPIN"
    assert len(short_label("x" * 100)) <= 42
