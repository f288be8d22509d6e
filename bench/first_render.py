"""Benchmark (a): time until the map's markers are visible in headless Chromium, over the time a bare one-line
Streamlit page takes to show its text. Both servers run side by side, with the same server settings
(``bench/serve_bare.py``); every request leaving the machine is refused; alternated; median of N. Both servers
are warmed by one visit and left to finish what it set off (the brotli compression of the files it asked for)
before the rounds start: a visitor meets a server that has been running.

How the moment is taken: the page itself checks on every animation frame (just before the browser paints)
whether the markers, or the bare page's text, are laid out with a size and not hidden, and reports
``performance.now()``: milliseconds since the navigation started. Both pages are measured the same way.
(Playwright's own ``wait_for`` looks less and less often, up to every 500 ms, so it added up to half a second
to whichever page took longer: see RESULTS.md.)

Run: .venv/bin/python bench/first_render.py [N]   (N rounds, 15 if not given)
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, running_server, wait_quiet  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS, LOCAL  # noqa: E402

# Shown = laid out with a width and a height, and not hidden (what Playwright calls visible); for the markers,
# they are looked for in the map component's shadow root.
_SHOWN = """
const shown = (el) => {
  if (!el) return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
};
"""
MARKERS_SHOWN = (
    _SHOWN
    + """
const host = document.querySelector('.st-key-place_map [data-testid=stBidiComponentIsolated]');
const root = host && host.shadowRoot;
return !!root && shown(root.querySelector('.hx-marker')) ? performance.now() : false;
"""
)
TEXT_SHOWN = (
    _SHOWN
    + """
const el = [...document.querySelectorAll('[data-testid=stMarkdownContainer] p')]
  .find((p) => p.textContent.includes('Hello, Brussels'));
return shown(el) ? performance.now() : false;
"""
)


def measure(browser, url: str, condition: str) -> float:
    """Seconds from the start of navigation until ``condition`` (a function body) holds on an animation frame."""
    # the measuring condition is evaluated as a string, which the explorer's Content-Security-Policy refuses
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort())
    page = context.new_page()
    page.goto(url, wait_until="commit")
    handle = page.wait_for_function(f"() => {{ {condition} }}", polling="raf", timeout=60_000)
    elapsed = handle.json_value() / 1000
    context.close()
    return elapsed


def main(rounds: int = 15) -> float:
    script = "serve.py"
    with (
        running_server(script, env={"EXPLORER_TILES": "offline"}) as explorer,
        running_server("bench/serve_bare.py") as bare,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        measure(browser, explorer.base, MARKERS_SHOWN)  # warm both servers' caches once ...
        measure(browser, bare.base, TEXT_SHOWN)
        for server in (explorer, bare):  # ... and let them finish compressing what the first visit asked for
            wait_quiet(server.pid)
        ours, base = [], []
        for _ in range(rounds):
            ours.append(measure(browser, explorer.base, MARKERS_SHOWN))
            base.append(measure(browser, bare.base, TEXT_SHOWN))
        browser.close()
    ratio = statistics.median(ours) / statistics.median(base)
    what = "first render"
    print(
        f"{what}, markers visible: median {statistics.median(ours):.2f} s "
        f"({' '.join(f'{x:.2f}' for x in ours)}); bare page text: median {statistics.median(base):.2f} s "
        f"({' '.join(f'{x:.2f}' for x in base)}); ratio {ratio:.2f} (target <= 1.30)"
    )
    return ratio


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if a.isdigit()]
    main(int(numbers[0]) if numbers else 15)
