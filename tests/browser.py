"""Helpers for browser tests: run the app on 127.0.0.1 and drive Debian's Chromium with Playwright."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from server import running_server  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")


@contextlib.contextmanager
def running_app(data_dir: Path | None = None, log: Path | None = None, **settings: str) -> Iterator[str]:
    """Start ``python serve.py`` (as README's start.sh does) bound to 127.0.0.1; yield its base URL; stop it
    afterwards. ``settings`` are environment variables such as ``EXPLORER_TILES="offline"``; ``log`` keeps what
    the server printed."""
    env = dict(settings)  # usage statistics stay as .streamlit/config.toml says: off, and tested
    if data_dir is not None:
        env["EXPLORER_DATA_DIR"] = str(data_dir)
    log = log or (ROOT / ".pytest-app.log" if os.environ.get("KEEP_APP_LOG") else None)
    with tempfile.TemporaryDirectory(prefix="explorer-live-") as live:  # live sessions' SQLite, unless a URL is given
        env.setdefault("EXPLORER_LIVE_DIR", live)
        with running_server("serve.py", env=env, log=log) as server:
            yield server.base


class Visit:
    """One browser page that refuses (and records) every request leaving the machine."""

    def __init__(self, browser, width: int = 1280, height: int = 900, *, enforce_csp: bool = False, touch: bool = False):
        """``enforce_csp``: keep the pages' Content-Security-Policy for the test's own scripts too. Off by default
        because Playwright's waits on a condition evaluate it as a string, which the policy refuses (the pages'
        own code runs under the policy in tests/test_browser_security.py). ``touch``: a phone's touch screen."""
        self.external: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": height}, bypass_csp=not enforce_csp, has_touch=touch, is_mobile=touch
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(LOCAL):
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    @property
    def map(self):
        """The map: Leaflet's box, in the map component's shadow root (Playwright's CSS reaches into it)."""
        return self.page.locator(".hx-map")

    def marker(self, place_id: str):
        return self.map.locator(f".hx-marker:has([data-place='{place_id}'])")

    def still(self, locator, timeout: float = 15.0) -> None:
        """Until ``locator`` is in the same place on two looks a quarter of a second apart: after a page of the
        app replaced another, Streamlit removes the old page's elements when the new run ends, and what is
        below them moves."""
        import time

        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            box = locator.bounding_box()
            if box is not None and box == last:
                return
            last = box
            self.page.wait_for_timeout(250)
        raise AssertionError(f"{locator} kept moving")

    def open(self, url: str) -> None:
        """Go to ``url`` and wait until the map's places are drawn and stay put (the layout settles and the map
        fits its places again in the first moments; a click meant for a marker must find it where it was)."""
        self.page.goto(url)
        first = self.map.locator(".hx-marker").first
        first.wait_for(state="visible", timeout=30_000)
        self.still(first)

    def close(self) -> None:
        self.context.close()
