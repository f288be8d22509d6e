"""Benchmark (a): time until the map's markers are visible in headless Chromium, over the time a bare one-line
Streamlit page takes to show its text. Both servers run side by side, with the same server settings
(``bench/serve_bare.py``); every request leaving the machine is refused; alternated; median of N.

Run: .venv/bin/python bench/first_render.py [N] [--map-only]
(--map-only measures ``bench/map_only.py``, a page with nothing but the map, instead of the explorer.)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, running_server  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS, LOCAL  # noqa: E402


def measure(browser, url: str, ready) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    ready(page)
    elapsed = time.perf_counter() - start
    context.close()
    return elapsed


def main(rounds: int = 7, map_only: bool = False) -> float:
    script = "bench/serve_map_only.py" if map_only else "serve.py"
    with running_server(script, env={"EXPLORER_TILES": "offline"}) as explorer, \
            running_server("bench/serve_bare.py") as bare, sync_playwright() as p:
        explorer_url, bare_url = explorer.base, bare.base
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        markers = lambda page: page.frame_locator("iframe[title*='st_folium']").locator(".hx-marker").first.wait_for(  # noqa: E731
            state="visible", timeout=60_000)
        text = lambda page: page.get_by_text("Hello, Brussels").wait_for(state="visible", timeout=60_000)  # noqa: E731
        measure(browser, explorer_url, markers)  # warm both servers' caches once
        measure(browser, bare_url, text)
        ours, base = [], []
        for _ in range(rounds):
            ours.append(measure(browser, explorer_url, markers))
            base.append(measure(browser, bare_url, text))
        browser.close()
    ratio = statistics.median(ours) / statistics.median(base)
    what = "first render (map alone)" if map_only else "first render"
    print(f"{what}, markers visible: median {statistics.median(ours):.2f} s; bare page text: median "
          f"{statistics.median(base):.2f} s; ratio {ratio:.2f} (target <= 1.25)")
    return ratio


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 7, map_only="--map-only" in sys.argv)
