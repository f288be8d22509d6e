"""In Chromium at phone width: the handout download, the walk on the map, the postcard and the moss lens."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from browser import Visit, running_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url():
    with running_app(EXPLORER_TILES="offline") as url:
        yield url


@pytest.fixture
def phone(browser):
    visit = Visit(browser, width=390, height=844)
    yield visit
    visit.close()


def test_teacher_downloads_a_handout(phone, base_url):
    phone.page.goto(f"{base_url}/classroom?age=10-13")
    # the whole page first (the button is drawn in its hidden tab), then the tab
    phone.page.get_by_role("tab", name="Handout (PDF)").wait_for(timeout=30_000)
    phone.page.get_by_role("tab", name="Handout (PDF)").click()
    with phone.page.expect_download() as download:
        phone.page.get_by_role("button", name="Download the handout (PDF)").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "Ages 10 to 13" in text and "Towers seen from afar" in text
    assert phone.external == []


def test_walk_is_drawn_on_the_map(phone, base_url, content):
    phone.open(f"{base_url}/walk")
    numbers = phone.map.locator(".hx-walk-num")
    expect(numbers.first).to_be_attached(timeout=20_000)
    assert numbers.count() == len(content.walks[0].stops)  # the first route's stops, numbered
    with phone.page.expect_download() as download:
        phone.page.get_by_role("button", name="Download the route (GPX)").click()
    assert download.value.suggested_filename.endswith(".gpx")


def test_postcard_and_moss_lens(phone, base_url, tmp_path):
    phone.page.goto(f"{base_url}/make")
    card = phone.page.locator("[data-testid=stImage] img").first
    expect(card).to_be_visible(timeout=20_000)
    box = card.bounding_box()
    assert box["width"] / box["height"] == pytest.approx(4 / 3, rel=0.02)
    phone.page.get_by_role("tab", name="Moss lens").click()
    bad = tmp_path / "moss.jpg"
    bad.write_bytes(b"this is not a photo")
    phone.page.locator("input[type=file]").set_input_files(str(bad))
    expect(phone.page.get_by_text("The moss lens cannot use this file")).to_be_visible(timeout=15_000)
    good = tmp_path / "wall.jpg"
    image = Image.new("RGB", (800, 600), (70, 120, 50))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    good.write_bytes(buffer.getvalue())
    phone.page.locator("input[type=file]").set_input_files(str(good))
    expect(phone.page.get_by_text("The moss lens cannot use this file")).to_have_count(0, timeout=15_000)
    expect(phone.page.locator("[data-testid=stImage] img").nth(1)).to_be_visible(timeout=15_000)
    assert phone.external == []


def test_the_browser_language_is_used_and_the_switch_keeps_it_in_the_url(browser, base_url):
    context = browser.new_context(locale="fr-BE", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("http://127.0.0.1", "data:", "blob:")) else r.abort())
        page.goto(base_url)
        expect(page.locator(".hx-header h1")).to_have_text("Le Bruxelles du film", timeout=30_000)
        page.locator(".st-key-hx-nav").get_by_text("NL", exact=True).click()
        expect(page.locator(".hx-header h1")).to_have_text("Het Brussel van de film", timeout=15_000)
        assert "lang=nl" in page.url
    finally:
        context.close()


def test_every_page_in_every_mode_leaves_a_clean_server_log(browser, tmp_path):
    """No deprecation warning, traceback or error while every page is browsed, in the three languages, as a
    visitor and as a kiosk (the log would repeat a deprecation on every run)."""
    for mode, settings in (("visitor", {}), ("kiosk", {"EXPLORER_KIOSK": "true", "EXPLORER_PUBLIC_URL": "https://here.example.org"})):
        log = tmp_path / f"{mode}.log"
        with running_app(log=log, EXPLORER_TILES="offline", **settings) as base:
            visit = Visit(browser, width=1280, height=900)
            try:
                for language in ("en", "fr", "nl") if mode == "visitor" else ("en",):
                    for path in ("", "scenes", "moss", "walk", "classroom", "make", "about", "attract"):
                        visit.page.goto(f"{base}/{path}?lang={language}&place=moeraske&scene=micro-forest")
                        visit.page.locator(".hx-header, .hx-attract").first.wait_for(timeout=30_000)
                    visit.page.goto(f"{base}/make?lang={language}")
                    visit.page.get_by_role("tab").last.click()  # the lens tab: its uploader, or a kiosk's QR code
                    drawn = "input[type=file]" if mode == "visitor" else "[class*=st-key-hx-qr] img"
                    expect(visit.page.locator(drawn).last).to_be_attached(timeout=30_000)
                visit.open(f"{base}/")
                visit.marker("moeraske").click()
                expect(visit.page.get_by_role("heading", name="Moeraske nature reserve")).to_be_visible(timeout=15_000)
            finally:
                visit.close()
        text = log.read_text(encoding="utf-8", errors="replace")
        assert "The Here explorer is at" in text  # the log is the server's
        # the server prints its address, and nothing else: Streamlit logs a deprecation ("Please replace …") on
        # every run that makes one, and any warning or traceback would show here too
        printed = [line for line in text.splitlines() if line.strip() and "The Here explorer is at" not in line]
        assert printed == [], f"{mode}: " + "\n".join(printed[:20])
