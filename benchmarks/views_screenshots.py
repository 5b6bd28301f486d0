"""Screenshots of every view of the default build, for the README (``docs/img/``).

Builds the views of ``data/`` in memory, opens each in Debian's chromium (headless,
through Playwright, offline as a reader would) and saves what a person sees: each view
at fit zoom on a 1400x900 desktop, the lineage view after a click on WizardMath (its
chain lit, the side card open), and the lineage view on a 390 px wide phone::

    .venv/bin/python -m benchmarks.views_screenshots            # -> docs/img/*.png
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.views_browser import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from playwright.sync_api import sync_playwright

    from kg.graph.nx_convert import to_networkx
    from kg.graph.rdf import iter_triples
    from kg.pipeline import build_knowledge_base
    from kg.views import render_views

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    data = ROOT / "data"
    kb = build_knowledge_base(sorted(data.glob("*.md")), curation=data)
    files = render_views(kb, to_networkx(iter_triples(kb)))
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        for name, body in files.items():
            (Path(folder) / name).write_bytes(body)
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shots: list[tuple[str, str, int, int]] = [
            (f"{view}.png", f"{view}.html", 1400, 900)
            for view in ("overview", "lineage", "coauthors", "categories")
        ]
        shots += [
            ("lineage-chain.png", "lineage.html#2308.09583", 1400, 900),
            ("lineage-phone.png", "lineage.html", 390, 844),
            ("index.png", "index.html", 1000, 700),
        ]
        for png, page_name, width, height in shots:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            file_name, _, fragment = page_name.partition("#")
            page.goto((Path(folder) / file_name).as_uri() + (f"#{fragment}" if fragment else ""))
            if file_name != "index.html":
                page.wait_for_selector("html[data-kg-ready]")
            page.wait_for_timeout(300)
            page.screenshot(path=str(args.out / png))
            print(args.out / png)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
