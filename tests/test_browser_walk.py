"""The walk page's map in a browser: over tiles, the railways, the canal and the outlines under the route, and
nothing of it in the way of a tap; a route chosen is the route shown; all with no network."""

from __future__ import annotations

import base64
import time

import pytest
from playwright.sync_api import expect

from browser import Visit, running_app
from explorer.theme import PALETTE
from explorer.walk import route_walk

pytestmark = pytest.mark.browser
# a blank 1x1 PNG: the tiles load (from the test, not the network), so the simplified map never falls back
TILE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")


@pytest.fixture(scope="module")
def base_url():
    with running_app() as url:
        yield url


@pytest.fixture
def visit(browser):
    opened = Visit(browser)
    opened.page.route("https://tile.openstreetmap.org/**", lambda route: route.fulfill(body=TILE, content_type="image/png"))
    yield opened
    opened.close()


def paths(visit: Visit, stroke: str, fill: str | None = None):
    found = visit.map.locator(f"path[stroke='{stroke}']")
    return found.and_(visit.map.locator(f"path[fill='{fill}']")) if fill else found


# the middle of an SVG path on the screen, and what a tap there would reach: the path itself, or what is under it
TAP_ON_PATH = """(path) => {
  const point = path.getPointAtLength(path.getTotalLength() / 2).matrixTransform(path.getScreenCTM());
  const hit = path.getRootNode().elementFromPoint(point.x, point.y);
  return hit === path;
}"""
TAP_ON_MARKER = """(marker) => {
  const r = marker.getBoundingClientRect();
  return marker.contains(marker.getRootNode().elementFromPoint(r.x + r.width / 2, r.y + r.height / 2));
}"""


def test_over_tiles_the_walk_map_shows_the_railways_and_the_crossings_under_the_route(visit, base_url, content):
    route = next(r for r in content.walks if route_walk(content, r).crossings)
    walk = route_walk(content, route)
    visit.open(f"{base_url}/walk?route={route.id}")
    expect(visit.map.locator(".hx-walk-num")).to_have_count(len(walk.stops), timeout=30_000)
    rails = paths(visit, PALETTE["rail"])
    expect(rails.first).to_be_attached(timeout=15_000)  # the context layer, not the fallback: the tiles loaded
    assert not visit.map.locator(".hx-tiles-failed").count() and not visit.page.locator(".hx-tiles-failed").count()
    credit = visit.map.locator(".leaflet-control-attribution")
    expect(credit).to_contain_text("OpenStreetMap contributors")
    assert credit.inner_text().count("OpenStreetMap contributors") == 1  # the tiles' credit and the layer's are one
    for index in range(rails.count()):
        rail = rails.nth(index)
        if rail.get_attribute("d") not in (None, "", "M0 0"):
            assert not rail.evaluate(TAP_ON_PATH)  # a tap on a railway goes through it
            break
    else:
        raise AssertionError("no railway drawn on the walk's map")
    for place in (p for p in walk.stops if visit.marker(p.id).is_visible()):
        visit.marker(place.id).scroll_into_view_if_needed()
        assert visit.marker(place.id).evaluate(TAP_ON_MARKER), place.id  # nothing lies over a place's marker
    assert {u.split("/")[2] for u in visit.external} <= {"tile.openstreetmap.org"}, visit.external


def test_offline_the_walk_map_draws_the_railways_once(browser, content):
    route = next(r for r in content.walks if route_walk(content, r).crossings)
    with running_app(EXPLORER_TILES="offline") as url:
        visit = Visit(browser)
        try:
            visit.open(f"{url}/walk?route={route.id}")
            expect(visit.map.locator(".hx-walk-num").first).to_be_visible(timeout=30_000)
            drawn = paths(visit, PALETTE["rail"])
            expect(drawn.first).to_be_attached(timeout=15_000)
            railways = sum(1 for f in content.basemap if f.kind == "railway" and len(f.points) > 1)
            assert drawn.count() <= railways  # the simplified map's railways, not drawn again by the walk's layer
            assert not visit.external, visit.external
        finally:
            visit.close()


@pytest.mark.parametrize("width, height", [(1280, 800), (1920, 1080)])
def test_each_route_chosen_is_the_route_the_map_shows(browser, content, width, height):
    with running_app(EXPLORER_TILES="offline") as url:
        visit = Visit(browser, width, height)
        try:
            first, *others = content.walks
            visit.open(f"{url}/walk?route={first.id}")
            expect(visit.map.locator(".hx-walk-num")).to_have_count(len(first.stops), timeout=30_000)
            for route in others:  # a route's fit left waiting for a zoom's end once brought the last route back
                visit.page.get_by_text(route.name.get(), exact=True).first.click()
                numbers = visit.map.locator(".hx-walk-num")
                expect(numbers).to_have_count(len(route.stops), timeout=15_000)
                deadline = time.monotonic() + 10
                while not all_inside(visit, numbers) and time.monotonic() < deadline:
                    visit.page.wait_for_timeout(100)
                assert all_inside(visit, numbers), route.id
        finally:
            visit.close()


def all_inside(visit: Visit, numbers) -> bool:
    box = visit.map.bounding_box()
    for index in range(numbers.count()):
        r = numbers.nth(index).bounding_box()
        if not r or not (box["x"] <= r["x"] and r["x"] + r["width"] <= box["x"] + box["width"]):
            return False
        if not (box["y"] <= r["y"] and r["y"] + r["height"] <= box["y"] + box["height"]):
            return False
    return True
