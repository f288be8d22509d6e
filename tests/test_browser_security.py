"""In Chromium: what the explorer's headers allow. Its own pages run under a strict Content-Security-Policy with
nothing refused but Streamlit's one inline flag script, and another site cannot show it in a frame."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from playwright.sync_api import expect

from browser import Visit, running_app

pytestmark = pytest.mark.browser
PAGES = ("", "?place=moeraske", "scenes?scene=micro-forest", "moss", "walk", "classroom", "make", "about", "attract")
STREAMLITS_INLINE_FLAG = "Executing inline script violates"  # index.html's window.prerenderReady: nothing needs it


@pytest.fixture(scope="module")
def base_url():
    with running_app(EXPLORER_TILES="offline") as url:
        yield url


def test_every_page_works_under_the_policy(browser, base_url):
    visit = Visit(browser, enforce_csp=True)
    refused: list[str] = []
    visit.page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text and STREAMLITS_INLINE_FLAG not in m.text else None,
    )
    try:
        for path in PAGES:
            response = visit.page.goto(f"{base_url}/{path}")
            assert "script-src 'self' blob:;" in response.headers["content-security-policy"]
            assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"
            visit.page.locator(".hx-header, .hx-attract").first.wait_for(timeout=30_000)
            if path in ("", "?place=moeraske", "walk"):  # the map draws from its script files, no eval
                expect(visit.map.locator(".hx-marker").first).to_be_visible(timeout=30_000)
        visit.open(base_url)
        visit.marker("garage").click()  # a tap swaps the ring, from a layer's script file
        expect(visit.page.locator(".hx-place-name")).to_contain_text("garage", timeout=15_000, ignore_case=True)
        expect(visit.map.locator("path.leaflet-interactive, path").first).to_be_attached()
    finally:
        visit.close()
    assert refused == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_another_site_cannot_frame_the_explorer(browser, base_url, tmp_path):
    (tmp_path / "index.html").write_text(
        f'<!doctype html><title>Elsewhere</title><iframe src="{base_url}/" width="800" height="600"></iframe>'
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    visit = Visit(browser, enforce_csp=True)
    blocked: list[str] = []
    visit.page.on("console", lambda m: blocked.append(m.text) if "frame-ancestors" in m.text else None)
    try:
        visit.page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html", wait_until="load")
        frame = visit.page.frames[1]
        assert frame.locator(".hx-header").count() == 0 and "frame-ancestors" in " ".join(blocked)
    finally:
        visit.close()
        server.shutdown()
