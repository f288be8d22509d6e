"""The static export: plain files that open in Chromium with no server and no network, every place shown."""

from __future__ import annotations

import subprocess
import sys

import pytest
from playwright.sync_api import expect, sync_playwright

from browser import CHROMIUM, FLAGS
from explorer.export import export_site
from explorer.mapview import LEAFLET_JS


def test_export_writes_a_page_per_place_with_local_assets_only(content, tmp_path):
    files = export_site(content, tmp_path)
    assert (tmp_path / "index.html") in files and (tmp_path / "assets" / LEAFLET_JS).exists()
    for place in content.places:
        page = (tmp_path / "places" / f"{place.id}.html").read_text(encoding="utf-8")
        assert "hx-place-name" in page
    for path in tmp_path.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert '<script src="http' not in text and 'href="http' not in text, path


def test_export_command(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "export", str(tmp_path / "site"), "--lang", "fr"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Le Bruxelles du film" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.browser
def test_export_opens_offline_in_chromium_and_shows_every_place(content, tmp_path):
    export_site(content, tmp_path)
    outside: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})

        def route(request_route):
            if request_route.request.url.startswith(("file://", "data:", "about:")):
                request_route.continue_()
            else:
                outside.append(request_route.request.url)
                request_route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto((tmp_path / "index.html").as_uri())
        frame = page.frame_locator("#map")
        for place in content.places:
            expect(frame.locator(f"[data-place='{place.id}']")).to_be_attached(timeout=20_000)
        assert frame.locator(".hx-marker").count() == len(content.places)
        frame.locator(".hx-marker:has([data-place='garage'])").click()
        expect(page.locator(".hx-place-name")).to_have_text("The mechanic's garage", timeout=10_000)
        browser.close()
    assert outside == []
