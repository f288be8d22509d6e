"""In Chromium: the offline map with every outside request refused, the tile fallback, and the kiosk."""

from __future__ import annotations

import io
import re
from urllib.parse import urlparse

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from browser import Visit, running_app

pytestmark = pytest.mark.browser
PUBLIC = "https://here.example.org"


@pytest.fixture(scope="module")
def offline_url():
    with running_app(EXPLORER_TILES="offline") as url:
        yield url


@pytest.fixture(scope="module")
def kiosk_url():
    with running_app(EXPLORER_TILES="offline", EXPLORER_KIOSK="true", EXPLORER_IDLE_TIMEOUT="4", EXPLORER_PUBLIC_URL=PUBLIC) as url:
        yield url


def test_offline_map_works_and_nothing_even_tries_to_leave(browser, offline_url, content):
    visit = Visit(browser)
    try:
        visit.open(offline_url)
        for place in content.places:
            expect(visit.marker(place.id)).to_be_visible()
        expect(visit.map.locator(".hx-base-commune span:visible").first).to_be_visible()  # OpenStreetMap's communes
        expect(visit.map.locator(".leaflet-control-attribution")).to_contain_text("Offline map · © OpenStreetMap contributors")
        visit.marker("moeraske").click()
        expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)
        for label in ("Scenes", "Moss", "About"):
            visit.page.locator(".st-key-hx-nav").get_by_text(label, exact=True).click()
            expect(visit.page.locator(".hx-header h1")).to_be_visible()
        visit.page.wait_for_timeout(500)
        assert visit.external == [], "no request may even try to leave the machine"
    finally:
        visit.close()


def test_when_tiles_cannot_be_reached_the_simplified_map_appears(browser):
    with running_app() as url:  # online tiles, but Visit refuses every outside request
        visit = Visit(browser)
        try:
            visit.open(url)
            expect(visit.page.locator(".hx-map.leaflet-container.hx-tiles-failed")).to_be_attached(timeout=15_000)
            expect(visit.map.locator(".hx-base-commune span:visible").first).to_be_visible()
            expect(visit.map.locator(".leaflet-control-attribution")).to_contain_text("Map tiles unavailable · Offline map")
            visit.marker("garage").click()
            expect(visit.page.get_by_role("heading", name="The mechanic's garage", exact=True)).to_be_visible(timeout=15_000)
            assert visit.external and all(urlparse(u).hostname == "tile.openstreetmap.org" for u in visit.external)
        finally:
            visit.close()


# Every match in the page and in its open shadow roots (the map draws in one).
DEEP_ALL = """const deepAll = (selector) => {
  const found = [], roots = [document];
  while (roots.length) {
    const root = roots.pop();
    found.push(...root.querySelectorAll(selector));
    root.querySelectorAll('*').forEach((e) => { if (e.shadowRoot) roots.push(e.shadowRoot); });
  }
  return found;
};"""
SMALL_TARGETS = (
    "() => { "
    + DEEP_ALL
    + """ return deepAll(
    'button, a[href], [role=tab], [data-testid=stToggle] label, [data-baseweb=select] > div')
    .filter(e => e.offsetParent !== null && !e.closest('.leaflet-control-attribution')
                 && e.getAttribute('data-testid') !== 'stSkipToContent')  /* shown only to keyboard users */
    .map(e => [e.tagName, e.getAttribute('data-testid') || e.getAttribute('role') || '', e.getBoundingClientRect()])
    .filter(([, , r]) => r.width > 0 && (r.height < 48 || r.width < 48))
    .map(([tag, id, r]) => `${tag} ${id} ${Math.round(r.width)}x${Math.round(r.height)}`); }"""
)


def all_links(visit: Visit) -> list[str]:
    hrefs = []
    for frame in visit.page.frames:
        hrefs += frame.evaluate("() => { " + DEEP_ALL + " return deepAll('a[href]').map(a => a.href); }")
    return hrefs


def test_kiosk_has_no_way_out_and_offers_a_qr_code(browser, kiosk_url):
    visit = Visit(browser, width=1920, height=1080)
    try:
        visit.open(f"{kiosk_url}/?place=moeraske")
        qr = visit.page.locator(".st-key-hx-qr img")
        expect(qr).to_be_visible()
        png = qr.screenshot()
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))] == [f"{PUBLIC}/?place=moeraske"]
        for path in ("/?place=moeraske", "/scenes", "/moss", "/walk", "/classroom", "/make", "/about"):
            visit.page.goto(f"{kiosk_url}{path}")
            visit.page.locator(".hx-header h1").wait_for()
            visit.page.wait_for_timeout(1500)
            outside = [h for h in all_links(visit) if not h.startswith(kiosk_url)]
            assert outside == [], f"{path} links out of the kiosk: {outside}"
            toolbar = visit.page.locator("[data-testid=stToolbar], [data-testid=stMainMenu], [data-testid=stAppDeployButton]")
            assert not any(toolbar.nth(i).is_visible() for i in range(toolbar.count()))
            small = []
            for frame in visit.page.frames:  # the map's zoom buttons are in its shadow root: looked at too
                small += frame.evaluate(SMALL_TARGETS)
            assert small == [], f"{path}: touch targets under 48 px: {small}"
    finally:
        visit.close()


def test_choosing_a_place_replaces_the_introduction_without_showing_both(browser, kiosk_url):
    """A kiosk's panel takes longest to draw (its QR code): the introduction must not linger beside the place."""
    visit = Visit(browser, width=1920, height=1080)
    try:
        visit.open(kiosk_url)
        # count the panel headings on every change of the page, from the click until the place is shown
        visit.page.evaluate("""() => { window.__most = 0; new MutationObserver(() => {
            window.__most = Math.max(window.__most, document.querySelectorAll('.hx-place-name').length);
          }).observe(document.body, { childList: true, subtree: true, characterData: true }); }""")
        visit.page.locator(".hx-places").get_by_role("link", name="The bus home", exact=True).click()
        expect(visit.page.get_by_role("heading", name="The bus home", exact=True)).to_be_visible(timeout=15_000)
        visit.page.wait_for_timeout(500)
        assert visit.page.evaluate("window.__most") == 1
    finally:
        visit.close()


def test_kiosk_links_never_open_another_tab_and_keep_the_kiosk_layout(browser, kiosk_url):
    visit = Visit(browser, width=1920, height=1080)
    try:
        visit.open(kiosk_url)
        garage = visit.page.locator(".hx-places").get_by_role("link", name="The mechanic's garage", exact=True)
        garage.click(modifiers=["Control"])  # would open a new tab anywhere else
        expect(visit.page.get_by_role("heading", name="The mechanic's garage", exact=True)).to_be_visible(timeout=15_000)
        visit.page.locator(".hx-places").get_by_role("link", name="The bus home", exact=True).click(button="middle")
        visit.page.wait_for_timeout(800)
        assert len(visit.context.pages) == 1, "a link opened another tab on the kiosk"
        assert garage.get_attribute("draggable") == "false"
        # the kiosk's own rules win over the page's stylesheet, wherever each comes in the page
        width = visit.page.locator(".block-container").evaluate("e => getComputedStyle(e).maxWidth")
        assert width == "none", width
        size = (
            visit.page.get_by_role("navigation", name="Pages")
            .get_by_role("link", name="Scenes")
            .evaluate("e => getComputedStyle(e).fontSize")
        )
        assert size == "25.3px", size  # 1.1rem of the kiosk's 23 px
    finally:
        visit.close()


@pytest.mark.parametrize(("width", "height", "beside"), [(1920, 1080, True), (1080, 1920, False)])
def test_kiosk_panel_sits_beside_the_map_on_a_landscape_screen_and_under_it_on_a_portrait_one(
    browser, kiosk_url, width, height, beside
):
    visit = Visit(browser, width=width, height=height)
    try:
        visit.open(f"{kiosk_url}/?place=moeraske")
        frame = visit.page.locator(".st-key-place_map").bounding_box()
        panel = visit.page.locator(".st-key-place-panel").bounding_box()
        if beside:
            assert panel["x"] >= frame["x"] + frame["width"] and abs(panel["y"] - frame["y"]) < 2, (frame, panel)
        else:
            assert panel["y"] >= frame["y"] + frame["height"] and panel["width"] == frame["width"], (frame, panel)
    finally:
        visit.close()


def test_idle_kiosk_returns_to_the_attract_screen_and_forgets_the_visitor(browser, kiosk_url):
    visit = Visit(browser, width=1080, height=1920)
    try:
        visit.open(f"{kiosk_url}/?place=moeraske")
        expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible()
        for _ in range(6):  # someone is using it: no reset while they touch the screen
            visit.page.mouse.move(300, 300 + _ * 10)
            visit.page.wait_for_timeout(1000)
        assert "place=moeraske" in visit.page.url
        expect(visit.page).to_have_url(re.compile(r"/attract$"), timeout=15_000)
        slides = visit.page.locator(".hx-slide")
        expect(slides.first).to_be_attached()
        showing = "() => [...document.querySelectorAll('.hx-slide')].filter(s => getComputedStyle(s).opacity > 0.9)"
        visit.page.wait_for_function(f"({showing})().length === 1", timeout=5_000)
        first = visit.page.evaluate(f"() => ({showing})()[0].querySelector('h2').textContent")
        visit.page.wait_for_function(
            f"({showing})().length === 1 && ({showing})()[0].querySelector('h2').textContent !== {first!r}", timeout=15_000
        )  # it moves on by itself
        visit.page.mouse.click(540, 960)
        expect(visit.page.locator(".hx-intro")).to_be_visible(timeout=15_000)
        assert urlparse(visit.page.url).query == "" and urlparse(visit.page.url).path == "/"
        expect(visit.page.get_by_role("heading", name="Where the film happens", exact=True)).to_be_visible()
    finally:
        visit.close()


@pytest.fixture(scope="module")
def calm_kiosk_url():
    """A kiosk whose idle reset is an hour away: the tests below take their time."""
    with running_app(EXPLORER_TILES="offline", EXPLORER_KIOSK="true", EXPLORER_IDLE_TIMEOUT="3600", EXPLORER_PUBLIC_URL=PUBLIC) as url:
        yield url


def test_nothing_on_a_kiosk_opens_a_file_chooser_or_downloads(browser, calm_kiosk_url, content):
    """The lens, the postcard, the handout and the walk's GPX open on the visitor's phone instead (QR codes)."""
    visit = Visit(browser, width=1080, height=1920)
    offered = []
    try:
        for path, tab in (("make", "Postcard"), ("make?tool=lens", None), ("classroom?age=10-13", "Handout (PDF)"), ("walk", None)):
            visit.page.goto(f"{calm_kiosk_url}/{path}")
            visit.page.locator(".hx-header").wait_for(timeout=30_000)
            if tab:
                visit.page.get_by_role("tab", name=tab).click()
            qr = visit.page.locator("[class*=st-key-hx-qr] img:visible").first  # the open tab's
            expect(qr).to_be_visible(timeout=30_000)
            offered += [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
            assert visit.page.locator("input[type=file]").count() == 0, path
            assert visit.page.get_by_role("button", name=re.compile("Download")).count() == 0, path
    finally:
        visit.close()
    assert offered[0].startswith(f"{PUBLIC}/make?place=") and "&quote=0" in offered[0]
    assert offered[1:] == [f"{PUBLIC}/make?tool=lens", f"{PUBLIC}/classroom?age=10-13", f"{PUBLIC}/walk?route={content.walks[0].id}"]


def test_a_kiosk_refuses_every_way_out_from_its_first_paint(browser, calm_kiosk_url):
    """No context menu, long-press callout, selection, dragging or new tab: on the attract screen too, and as soon
    as anything shows."""
    for path, first in (("attract", ".hx-attract"), ("?place=moeraske", ".hx-header"), ("scenes", ".hx-header")):
        visit = Visit(browser, width=1080, height=1920)
        try:
            visit.page.goto(f"{calm_kiosk_url}/{path}")
            element = visit.page.locator(first).first
            element.wait_for(timeout=30_000)
            refused = visit.page.evaluate(
                """(selector) => {
                const target = document.querySelector(selector);
                const refused = (event) => !target.dispatchEvent(event);
                const init = {bubbles: true, cancelable: true};
                return {context: refused(new MouseEvent('contextmenu', init)), select: refused(new Event('selectstart', init)),
                        drag: refused(new DragEvent('dragstart', init)),
                        middle: refused(new MouseEvent('auxclick', {...init, button: 1})),
                        ctrl: refused(new MouseEvent('click', {...init, ctrlKey: true}))};
            }""",
                first,
            )
            assert refused == {"context": True, "select": True, "drag": True, "middle": True, "ctrl": True}, (path, refused)
            assert visit.page.evaluate("getComputedStyle(document.body).userSelect") == "none"
        finally:
            visit.close()


def test_no_click_of_any_kind_opens_another_tab_on_a_kiosk(browser, calm_kiosk_url):
    visit = Visit(browser, width=1080, height=1920)
    try:
        visit.page.goto(f"{calm_kiosk_url}/scenes")
        on_the_map = visit.page.get_by_role("link", name=re.compile("On the map")).first
        on_the_map.wait_for(timeout=30_000)
        on_the_map.click(button="middle")
        on_the_map.click(modifiers=["Control"])
        visit.page.get_by_role("navigation").get_by_role("link", name="Moss").click(modifiers=["Control"])
        visit.page.wait_for_load_state("networkidle")
        assert len(visit.context.pages) == 1  # at most the kiosk's own page moved on: no other tab or window
    finally:
        visit.close()


def test_after_the_idle_reset_back_reaches_nothing_of_the_visitor(browser, kiosk_url):
    visit = Visit(browser, width=1080, height=1920)
    try:
        visit.open(f"{kiosk_url}/?place=moeraske&lang=fr&spoilers=hide")
        visit.page.get_by_role("navigation").get_by_role("link", name="Scènes").click()
        expect(visit.page).to_have_url(re.compile(r"/scenes"), timeout=15_000)
        expect(visit.page).to_have_url(re.compile(r"/attract$"), timeout=20_000)  # left alone: the idle reset
        visit.page.locator(".hx-attract").wait_for(timeout=30_000)
        for _ in range(3):
            visit.page.go_back(wait_until="commit")
            visit.page.wait_for_load_state()
            expect(visit.page).to_have_url(re.compile(r"/attract$"), timeout=15_000)
        assert "moeraske" not in visit.page.url and "lang=fr" not in visit.page.url
    finally:
        visit.close()
