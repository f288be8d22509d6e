"""Legible at every size, in a browser: the simplified map's labels, tooltips on touch screens, one heading scale
and one link colour, a projector's layout, a kiosk read at arm's length, a keyboard's way through the map, links
to the map that work anywhere, and the page for an address that is no page."""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from browser import Visit, running_app
from explorer.theme import PALETTE

pytestmark = pytest.mark.browser
PAGES = ("?place=moeraske", "scenes", "moss", "walk", "classroom", "make", "about")


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


@pytest.fixture(scope="module")
def offline_url():
    with running_app(EXPLORER_TILES="offline") as url:
        yield url


@pytest.fixture(scope="module")
def kiosk_url():
    with running_app(
        EXPLORER_TILES="offline", EXPLORER_KIOSK="true", EXPLORER_IDLE_TIMEOUT="3600", EXPLORER_PUBLIC_URL="https://here.example.org"
    ) as url:
        yield url


LABELS = """(map) => {
    const box = map.getBoundingClientRect();
    const shown = [...map.querySelectorAll('.hx-base-label span')]
        .filter(s => getComputedStyle(s).visibility !== 'hidden').map(s => {
            const r = s.getBoundingClientRect();
            return {text: s.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom};
        });
    const markers = [...map.querySelectorAll('.hx-marker, .leaflet-control')]
        .map(m => { const r = m.getBoundingClientRect();
                    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; });
    return {box: {left: box.left, right: box.right, top: box.top, bottom: box.bottom}, shown, markers,
            all: map.querySelectorAll('.hx-base-label span').length};
}"""


def overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def settled(visit: Visit, timeout: float = 10.0) -> dict:
    """The labels once the map has stopped moving and they are placed: two looks a quarter of a second apart
    that find every label and marker in the same place (a zoom animates, then the labels are tidied)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        found = visit.map.evaluate(LABELS)
        if found == last:
            return found
        last = found
        visit.page.wait_for_timeout(250)
    raise AssertionError("the map's labels kept moving")


def check_labels(visit: Visit) -> dict:
    found = settled(visit)
    box, shown = found["box"], found["shown"]
    names = [label["text"] for label in shown]
    assert len(names) == len(set(names)), ("a name shown twice", names)  # a commune's other spots are spares
    for i, label in enumerate(shown):
        assert box["left"] <= label["left"] and label["right"] <= box["right"], ("cut at the edge", label)
        assert box["top"] <= label["top"] and label["bottom"] <= box["bottom"], ("cut at the edge", label)
        for other in shown[i + 1 :]:
            assert not overlap(label, other), ("labels collide", label, other)
        for marker in found["markers"]:
            assert not overlap(label, marker), ("a label under a marker or a control", label, marker)
    return found


@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900), (1920, 1080)])
def test_the_simplified_maps_labels_never_collide_or_leave_the_map(browser, offline_url, width, height):
    visit = Visit(browser, width, height)
    try:
        visit.open(f"{offline_url}/?place=moeraske")
        visit.still(visit.map)
        visit.page.wait_for_function("document.fonts.status === 'loaded'")
        found = check_labels(visit)
        assert len(found["shown"]) >= 5, found["shown"]  # a map, not an empty ground
        before = visit.map.evaluate(LABELS)["markers"]
        visit.map.get_by_role("button", name="Zoom out").click()
        expect(visit.map.locator(".hx-marker").first).to_be_visible()
        deadline = time.monotonic() + 10  # the zoom has begun once the markers have moved
        while visit.map.evaluate(LABELS)["markers"] == before and time.monotonic() < deadline:
            visit.page.wait_for_timeout(50)
        fewer = check_labels(visit)
        assert len(fewer["shown"]) <= found["all"]
    finally:
        visit.close()


def test_a_tap_on_a_touch_screen_leaves_no_tooltip(browser, offline_url):
    visit = Visit(browser, 390, 844, touch=True)
    try:
        visit.open(f"{offline_url}/")
        visit.still(visit.map)
        visit.marker("moeraske").tap()
        expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)
        visit.page.wait_for_timeout(400)
        assert visit.map.locator(".leaflet-tooltip").count() == 0
    finally:
        visit.close()


def test_a_tooltip_stays_inside_the_map(browser, offline_url):
    visit = Visit(browser, 390, 844)
    try:
        visit.open(f"{offline_url}/")
        visit.still(visit.map)
        box = visit.map.bounding_box()
        markers = visit.map.locator(".hx-marker")
        boxes = [markers.nth(i).bounding_box() for i in range(markers.count())]
        for edge in (min(boxes, key=lambda b: b["x"]), max(boxes, key=lambda b: b["x"]), min(boxes, key=lambda b: b["y"])):
            visit.page.mouse.move(edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] / 2)
            tooltip = visit.map.locator(".leaflet-tooltip")
            expect(tooltip).to_have_count(1)
            visit.page.wait_for_timeout(100)
            shown = tooltip.bounding_box()
            assert box["x"] <= shown["x"] and shown["x"] + shown["width"] <= box["x"] + box["width"], (shown, box)
            assert box["y"] <= shown["y"], (shown, box)
            visit.page.mouse.move(box["x"] + 5, box["y"] + box["height"] + 40)
            expect(tooltip).to_have_count(0)
    finally:
        visit.close()


HEADINGS_AND_LINKS = """() => {
    const visible = (el) => el.getClientRects().length > 0;
    const size = (el) => parseFloat(getComputedStyle(el).fontSize);
    const title = document.querySelector('.hx-header h1');
    const others = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => h !== title && visible(h))
        .map(h => ({text: h.textContent.slice(0, 40), size: size(h)}));
    const links = [...document.querySelectorAll('a[href]')].filter(a => visible(a) && !a.closest('.hx-links'))
        .map(a => {
            const text = [...a.querySelectorAll('*')].find(e => e.children.length === 0 && e.textContent.trim()) || a;
            return {text: a.textContent.slice(0, 40), colour: getComputedStyle(text).color};
        });
    return {title: size(title), others, links};
}"""


@pytest.mark.parametrize("width", [390, 1280])
def test_one_heading_scale_and_one_link_colour(browser, offline_url, width):
    visit = Visit(browser, width, 900)
    try:
        for path in PAGES:
            visit.page.goto(f"{offline_url}/{path}")
            visit.page.locator(".hx-header").wait_for(timeout=30_000)
            visit.page.wait_for_load_state("networkidle")
            found = visit.page.evaluate(HEADINGS_AND_LINKS)
            assert all(h["size"] < found["title"] for h in found["others"]), (path, found["title"], found["others"])
            colours = {link["colour"] for link in found["links"]}
            assert colours <= {rgb(PALETTE["moss_dark"])}, (path, found["links"])
    finally:
        visit.close()


def test_a_projector_gets_larger_type_and_a_larger_map_beside_the_panel(browser, offline_url):
    visit = Visit(browser, 1920, 1080)
    try:
        visit.open(f"{offline_url}/?place=moeraske")
        visit.still(visit.map)
        body = visit.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
        assert body >= 19
        frame, panel = visit.map.bounding_box(), visit.page.locator(".st-key-place-panel").bounding_box()
        assert frame["height"] >= 0.6 * 1080 and frame["width"] >= 0.5 * 1920 * 0.8
        assert panel["x"] >= frame["x"] + frame["width"]
        assert panel["x"] + panel["width"] >= 1920 * 0.85  # the page uses the width
    finally:
        visit.close()
    visit = Visit(browser, 1280, 800)
    try:
        visit.open(f"{offline_url}/?place=moeraske")
        assert visit.page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 16
    finally:
        visit.close()


TARGETS = """() => {
    const small = [];
    for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [role=combobox], [role=tab],'
                                               + ' [role=switch], [role=slider], summary, .hx-marker')) {
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
        if (el.matches('input[type=radio], input[type=checkbox]') && el.closest('label')) {
            const l = el.closest('label').getBoundingClientRect();
            if (l.height >= 48) continue;  // the whole label is the target
        }
        if (r.height < 48 - 0.5 || r.width < 48 - 0.5)
            small.push(`${el.tagName} ${el.getAttribute('role') || ''} "${(el.textContent || el.ariaLabel || '').trim()
                .slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    const body = [...document.querySelectorAll('main p, main li')].filter(e => e.textContent.trim()
        && e.getClientRects().length && !e.closest('figcaption, .hx-kicker, .hx-caption, .hx-src, .leaflet-container'))
        .map(e => parseFloat(getComputedStyle(e).fontSize));
    return {small, body: Math.min(...body)};
}"""


def test_a_kiosk_is_read_and_touched_at_arms_length(browser, kiosk_url):
    visit = Visit(browser, 1080, 1920)
    found = {}
    try:
        for path in PAGES:
            visit.page.goto(f"{kiosk_url}/{path}")
            visit.page.locator(".hx-header").wait_for(timeout=30_000)
            visit.page.wait_for_load_state("networkidle")
            measured = visit.page.evaluate(TARGETS)
            if measured["small"] or measured["body"] < 20:
                found[path] = measured
    finally:
        visit.close()
    assert found == {}


def test_the_keyboard_reaches_a_place_on_the_map_and_shows_where_it_is(browser, offline_url):
    visit = Visit(browser, 1280, 900)
    try:
        visit.open(f"{offline_url}/")
        visit.still(visit.map)
        visit.page.keyboard.press("Tab")  # Streamlit's own "skip to main content"
        seen = []
        for _ in range(60):
            visit.page.keyboard.press("Tab")
            visit.page.wait_for_timeout(200)  # a focused marker grows in .12 s
            focused = visit.page.evaluate("""() => { let el = document.activeElement;
                while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
                const style = getComputedStyle(el), sym = el.querySelector && el.querySelector('.hx-sym');
                const grown = sym ? getComputedStyle(sym).transform !== 'none' : false;  // a marker grows, ringed
                return {place: el.matches('.hx-marker') ? el.querySelector('[data-place]').dataset.place : null,
                        label: el.getAttribute && el.getAttribute('aria-label'), text: (el.textContent || '').slice(0, 30),
                        visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0 || grown};
            }""")
            seen.append(focused)
            assert focused["visible"], ("focus not visible", focused)
            if focused["place"]:
                break
        assert seen[-1]["place"], seen
        place = seen[-1]["place"]
        visit.page.keyboard.press("Enter")
        expect(visit.page).to_have_url(re.compile(rf"place={place}"), timeout=15_000)
        expect(visit.page.locator(".st-key-place-panel .hx-place-name")).to_be_visible()
    finally:
        visit.close()


def test_links_to_the_map_show_their_place_wherever_they_are_opened(browser, offline_url):
    visit = Visit(browser, 1280, 900)
    try:
        visit.page.goto(f"{offline_url}/scenes")
        link = visit.page.get_by_role("link", name="On the map: Moeraske nature reserve").first
        link.wait_for(timeout=30_000)
        address = link.evaluate("a => a.href")
        assert address == f"{offline_url}/?place=moeraske"
        visit.open(address)  # as a new tab or a copied link would
        expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible()
    finally:
        visit.close()


def test_an_address_that_is_no_page_says_so_in_the_visitors_language(browser, offline_url, kiosk_url):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(urllib.request.Request(f"{offline_url}/nowhere", headers={"Accept": "text/html"}))
    assert answer.value.code == 404
    visit = Visit(browser, 390, 844)
    try:
        visit.page.goto(f"{offline_url}/nowhere?lang=fr")
        expect(visit.page.get_by_role("heading", level=1)).to_have_text("Cette page n’existe pas")
        assert visit.page.evaluate("document.documentElement.lang") == "fr"
        visit.page.get_by_role("link", name="Scènes").click()
        expect(visit.page.locator(".hx-header h1")).to_be_visible(timeout=30_000)
        assert visit.page.url == f"{offline_url}/scenes?lang=fr"
        assert visit.dialogs == [] and visit.page.get_by_text("Page not found").count() == 0
        visit.page.goto(f"{kiosk_url}/nowhere")  # a kiosk has nothing to read there: back to its attract screen
        visit.page.locator(".hx-attract").wait_for(timeout=30_000)
        assert visit.page.url == f"{kiosk_url}/attract"
    finally:
        visit.close()
