"""What only a browser shows: the map, clicks on it, the layout at phone width; all with no network."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from browser import Visit, running_app
from conftest import HOSTILE

pytestmark = pytest.mark.browser
TILE_HOSTS = {"tile.openstreetmap.org"}


@pytest.fixture(scope="module")
def base_url():
    with running_app() as url:
        yield url


@pytest.fixture
def visit(browser):
    opened = Visit(browser)
    yield opened
    opened.close()


def only_tiles_left_the_machine(visit: Visit) -> None:
    hosts = {urlparse(u).hostname for u in visit.external}
    assert hosts <= TILE_HOSTS, visit.external


def query(url: str) -> dict:
    return parse_qs(urlparse(url).query)


def test_every_marker_shows_with_local_assets_only(visit, base_url, content):
    visit.open(base_url)
    for place in content.places:
        expect(visit.marker(place.id)).to_be_visible()
    assert visit.map.locator(".hx-marker").count() == len(content.places)
    only_tiles_left_the_machine(visit)


def test_clicking_a_marker_shows_its_scenes_and_moss(visit, base_url, content):
    visit.open(base_url)
    visit.marker("moeraske").click()
    panel = visit.page.locator(".hx-place-name")
    expect(panel).to_have_text("Moeraske nature reserve", timeout=15_000)
    for scene in content.scenes_at("moeraske"):
        expect(visit.page.locator(f"#scene-{scene.id}")).to_be_visible()
    facts = content.facts_at("moeraske")
    for fact in facts[:4]:
        expect(visit.page.get_by_text(fact.title.get(), exact=True)).to_be_visible()
    visit.page.get_by_text(f"{len(facts) - 4} more moss facts").click()  # the rest are folded away
    for fact in facts[4:]:
        expect(visit.page.get_by_text(fact.title.get(), exact=True)).to_be_visible()
    assert query(visit.page.url) == {"place": ["moeraske"]}
    # another marker replaces the selection, and the map is not re-mounted (no blink)
    visit.map.evaluate("box => { box.hxStamp = 'same map'; }")
    visit.marker("apartment").click()
    expect(panel).to_have_text("Stefan's apartment", timeout=15_000)
    expect(visit.page.locator("#scene-fridge-soup")).to_be_visible()
    assert visit.map.evaluate("box => box.hxStamp") == "same map"
    only_tiles_left_the_machine(visit)


def place_link(visit: Visit, name: str):
    """A place in the list under the map (a link, named by the place)."""
    return visit.page.locator(".hx-places").get_by_role("link", name=name, exact=True)


def test_the_place_list_does_the_same_as_a_marker_without_loading_the_page_again(visit, base_url, content):
    visit.open(base_url)
    visit.page.evaluate("window.__sameDocument = true")
    garage = place_link(visit, "The mechanic's garage")
    assert garage.get_attribute("href") == "./?place=garage"  # a real link too: a new tab opens the same view
    garage.click()
    expect(visit.page.get_by_role("heading", name="The mechanic's garage", exact=True)).to_be_visible(timeout=15_000)
    expect(visit.page.locator("#scene-garage")).to_be_visible()
    for fact in content.facts_at("garage")[:2]:  # the place's moss, if any is tied to it
        expect(visit.page.get_by_text(fact.title.get(), exact=True)).to_be_visible()
    expect(visit.page).to_have_url(re.compile(r"\?place=garage$"))
    expect(garage).to_have_attribute("aria-current", "true")
    assert visit.page.locator(".hx-places [aria-current]").count() == 1
    assert visit.page.evaluate("window.__sameDocument") is True, "choosing a place loaded the whole page again"


def test_a_place_link_opened_on_its_own_shows_that_place(visit, base_url):
    visit.open(base_url)
    href = place_link(visit, "The bus home").get_attribute("href")
    visit.page.goto(visit.page.evaluate("(href) => new URL(href, location.href).href", href))
    expect(visit.page.get_by_role("heading", name="The bus home", exact=True)).to_be_visible(timeout=30_000)


def test_choosing_from_the_list_brings_the_map_back_into_view(browser, base_url):
    visit = Visit(browser, width=390, height=844)
    try:
        visit.open(f"{base_url}/?place=moeraske")  # a long panel: the list is far below the map
        frame = visit.map
        place_link(visit, "The mechanic's garage").click()
        expect(visit.page.get_by_role("heading", name="The mechanic's garage", exact=True)).to_be_visible(timeout=15_000)
        expect(frame).to_be_in_viewport(timeout=10_000)
    finally:
        visit.close()


def test_the_legend_and_the_selection_summary_sit_under_the_map(browser, base_url):
    visit = Visit(browser, width=390, height=844)
    try:
        visit.open(base_url)
        legend = visit.page.locator(".hx-legend")  # in the map's own element, styled there
        expect(legend).to_be_visible()
        expect(legend.get_by_text("Dashed ring: only the commune is known")).to_be_visible()
        assert legend.evaluate("l => getComputedStyle(l).display") == "flex"
        assert visit.page.locator(".hx-strip").count() == 0  # nothing chosen yet
        map_box, legend_box = visit.map.bounding_box(), legend.bounding_box()
        assert legend_box["y"] >= map_box["y"] + map_box["height"]
        element = visit.page.locator(".st-key-place_map").bounding_box()  # not cut off or scrolled away inside it
        assert legend_box["y"] + legend_box["height"] <= element["y"] + element["height"] + 1
        place_link(visit, "Moeraske nature reserve").click()
        strip = visit.page.locator(".hx-strip")
        expect(strip).to_contain_text("Moeraske nature reserve", timeout=15_000)
        expect(strip).to_contain_text("1 scene")
        assert visit.map.evaluate("box => { box.hxStamp = 'same'; return box.hxStamp; }") == "same"
        strip.click()  # a phone's way down to the panel
        expect(visit.page.locator("#hx-panel")).to_be_in_viewport(timeout=10_000)
        assert visit.map.evaluate("box => box.hxStamp") == "same"  # the summary changed, the map was not redrawn
    finally:
        visit.close()
    wide = Visit(browser)
    try:
        wide.open(f"{base_url}/?place=moeraske")
        expect(wide.page.locator(".hx-legend")).to_be_visible()
        expect(wide.page.locator(".hx-strip")).to_be_hidden()  # beside the panel, a summary is not needed
    finally:
        wide.close()


def test_a_map_that_cannot_be_drawn_says_so_and_keeps_its_legend(visit, base_url):
    visit.context.route("**/leaflet.js", lambda route: route.abort())  # Leaflet never arrives
    visit.page.goto(base_url)
    note = visit.page.locator(".hx-map-error")
    expect(note).to_contain_text("The map could not be drawn.", timeout=40_000)
    expect(visit.page.locator(".hx-legend")).to_be_visible()
    expect(place_link(visit, "Moeraske nature reserve")).to_be_visible()  # the list still leads to every place
    place_link(visit, "Moeraske nature reserve").click()
    expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)


def test_the_maps_credit_never_covers_its_scale(visit, base_url):
    visit.open(base_url)  # tiles are refused here, so the credit is at its longest (the fallback note)
    credit = visit.map.locator(".leaflet-control-attribution")
    expect(credit).to_contain_text("Map tiles unavailable", timeout=15_000)
    a, b = credit.bounding_box(), visit.map.locator(".leaflet-control-scale").bounding_box()
    assert a["x"] >= b["x"] + b["width"] or a["y"] + a["height"] <= b["y"], (a, b)


def test_keyboard_users_can_choose_a_place(visit, base_url):
    visit.open(base_url)
    button = place_link(visit, "The hotel where a friend works")
    button.focus()
    visit.page.keyboard.press("Enter")
    expect(visit.page.get_by_role("heading", name="The hotel where a friend works", exact=True)).to_be_visible(timeout=15_000)


def test_deep_link_opens_the_same_view(visit, base_url):
    visit.open(f"{base_url}/?place=hospital")
    expect(visit.page.get_by_role("heading", name="The hospital where his sister works", exact=True)).to_be_visible()
    expect(visit.page.locator("#scene-hospital-forest")).to_be_visible()


def test_panning_does_not_rerun_the_app(visit, base_url):
    sent: list[int] = []
    visit.page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(1)))
    visit.open(base_url)
    visit.page.wait_for_timeout(1500)
    before = len(sent)
    box = visit.map.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    visit.page.mouse.move(x, y)
    visit.page.mouse.down()
    visit.page.mouse.move(x - 120, y + 80, steps=8)
    visit.page.mouse.up()
    visit.page.mouse.wheel(0, -300)
    visit.page.wait_for_timeout(1500)
    assert len(sent) == before, "panning or zooming the map sent a message that reruns the app"
    place_link(visit, "Moeraske nature reserve").click()
    expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)
    assert len(sent) > before  # a real interaction is seen, so the check above can fail


def test_scene_links_to_its_place_and_back(visit, base_url, content):
    visit.page.goto(f"{base_url}/scenes?theme=moss")
    # the page draws its scenes one by one as it runs: wait for all of them (a count taken early finds fewer)
    expect(visit.page.locator(".hx-scene")).to_have_count(len([s for s in content.scenes if "moss" in s.themes]), timeout=15_000)
    assert query(visit.page.url) == {"theme": ["moss"]}
    visit.page.get_by_role("link", name="On the map: Moeraske nature reserve").click()
    expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)
    assert query(visit.page.url) == {"place": ["moeraske"]}


@pytest.mark.parametrize("width", [390])
def test_at_phone_width_the_panel_sits_under_the_map(browser, base_url, width):
    visit = Visit(browser, width=width, height=844)
    try:
        visit.open(f"{base_url}/?place=moeraske")
        frame = visit.map.bounding_box()
        panel = visit.page.locator(".hx-place-name").bounding_box()
        assert frame["width"] <= width
        assert panel["y"] >= frame["y"] + frame["height"], (frame, panel)
        overflow = visit.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "the page scrolls sideways on a phone"
    finally:
        visit.close()


def test_at_desktop_width_the_panel_sits_beside_the_map_and_notes_and_the_list_span_both(visit, base_url):
    visit.open(f"{base_url}/?place=nowhere")  # an unknown place: a note above the map
    note = visit.page.get_by_text("There is no place called").bounding_box()
    frame = visit.page.locator(".st-key-place_map").bounding_box()
    intro = visit.page.locator(".st-key-panel-top").bounding_box()
    places = visit.page.locator(".st-key-place-list").bounding_box()
    assert note["y"] + note["height"] <= frame["y"], (note, frame)  # the note first, over the map
    assert intro["x"] >= frame["x"] + frame["width"] + 40, (frame, intro)  # beside the map, with a gap
    assert abs(intro["y"] - frame["y"]) < 2, (frame, intro)  # the tops level
    assert 0.55 < frame["width"] / (intro["x"] + intro["width"] - frame["x"]) < 0.62  # about 3 : 2
    assert places["y"] >= frame["y"] + frame["height"] and places["x"] == frame["x"]  # under both, across both
    assert places["width"] > frame["width"] + intro["width"]
    visit.page.locator(".hx-places").get_by_role("link", name="Moeraske nature reserve", exact=True).click()
    expect(visit.page.get_by_role("heading", name="Moeraske nature reserve", exact=True)).to_be_visible(timeout=15_000)
    panel = visit.page.locator(".st-key-place-panel").bounding_box()
    frame = visit.page.locator(".st-key-place_map").bounding_box()
    assert panel["x"] >= frame["x"] + frame["width"] and abs(panel["y"] - frame["y"]) < 2, (frame, panel)


def test_the_components_code_is_loaded_once_the_icon_inline_and_nothing_fails(browser, base_url):
    visit = Visit(browser)
    errors: list[str] = []
    visit.page.on("pageerror", lambda error: errors.append(str(error)))
    frames: list[bytes] = []
    visit.page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())),
    )
    try:
        visit.open(base_url)
        visit.page.wait_for_timeout(1000)
        sent = b"".join(frames)
        assert b"module.default(args)" in sent  # the loaders travel with each run ...
        assert b"plainClick" not in sent and b"watchClicks" not in sent  # ... the components' code does not
        assert errors == []
        # the explorer's own components run from their served files (the page's runs carry two-line loaders)
        own = visit.page.evaluate(
            "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)"
            ".filter(p => p.startsWith('/explorer-assets/components/'))"
        )
        assert sorted(p.rsplit("/", 1)[1].split(".")[0] for p in own) == ["leaflet_map", "links", "page"], own
        # the page's icon travels in the page itself: no request for it while the map loads
        icons = visit.page.evaluate("[...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
        assert icons and all(h.startswith("data:image/png;base64,") for h in icons), icons
        media = visit.page.evaluate(
            "performance.getEntriesByType('resource').map(e => new URL(e.name).pathname).filter(p => p.startsWith('/media/'))"
        )  # Streamlit's stored files
        assert media == []
    finally:
        visit.close()


def test_hostile_content_is_shown_as_text_in_tooltips_and_page(browser, hostile_data):
    with running_app(hostile_data) as url:
        visit = Visit(browser)
        try:
            visit.open(f"{url}/?place=moeraske")
            visit.marker("moeraske").hover()
            tooltip = visit.map.locator(".leaflet-tooltip")
            expect(tooltip).to_contain_text("<script>alert('pwned')</script><b>bold</b>")
            assert visit.map.locator(".leaflet-tooltip b").count() == 0
            expect(visit.page.locator(".hx-place-name")).to_contain_text("<script>alert('pwned')</script>")
            places = visit.page.locator(".hx-places")
            expect(places.get_by_role("link", name=re.compile("Moeraske <script>"))).to_have_count(1)
            assert places.locator("script, b").count() == 0  # the list shows the name as text
            assert HOSTILE.split("</script>")[1][:10] in visit.page.locator(".hx-lede").first.inner_text()
            visit.page.wait_for_timeout(500)
            assert visit.dialogs == [], "content ran a script"
        finally:
            visit.close()


def test_a_fresh_server_opens_a_deep_link_to_a_subpage_directly(browser):
    """A QR code may point straight at /scenes right after the app starts: it must get the full page."""
    with running_app() as url:
        visit = Visit(browser)
        try:
            visit.page.goto(f"{url}/scenes?scene=micro-forest")
            expect(visit.page.locator(".hx-header h1")).to_have_text("The story, scene by scene", timeout=30_000)
            nav = visit.page.locator(".st-key-hx-nav")
            for label in ("Map", "Scenes", "Moss", "About"):
                expect(nav.get_by_text(label, exact=True)).to_be_visible()
            expect(visit.page.locator("#scene-micro-forest.hx-selected")).to_be_in_viewport(timeout=10_000)
            assert (
                visit.page.locator("[data-testid=stSidebar]").count() == 0
                or not visit.page.locator("[data-testid=stSidebarNav]").is_visible()
            )
        finally:
            visit.close()


def test_navigation_reaches_every_page(visit, base_url):
    visit.open(f"{base_url}/?lang=en")
    visit.page.evaluate("window.__sameDocument = true")
    nav = visit.page.get_by_role("navigation", name="Pages")
    expect(nav.get_by_role("link", name="Map")).to_have_attribute("aria-current", "page")
    for label, heading in (
        ("Scenes", "The story, scene by scene"),
        ("Moss", "Moss: a forest at your feet"),
        ("About", "About the film and this explorer"),
        ("Map", "The film's Brussels"),
    ):
        nav.get_by_role("link", name=label, exact=True).click()
        expect(visit.page.locator(".hx-header h1")).to_have_text(heading, timeout=15_000)
        expect(nav.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")
        assert visit.page.url.endswith("?lang=en"), visit.page.url  # the language goes along
        # the title is drawn with the navigation, but is no part of it (a landmark holds only its links)
        assert nav.locator("h1").count() == 0 and visit.page.locator("header h1").count() == 1
    assert visit.page.evaluate("window.__sameDocument") is True, "a page link loaded the whole app again"
    only_tiles_left_the_machine(visit)


def test_navigation_links_work_on_their_own_and_keyboard_focus_survives_a_choice(visit, base_url):
    visit.open(f"{base_url}/?spoilers=hide")
    nav = visit.page.get_by_role("navigation", name="Pages")
    href = nav.get_by_role("link", name="Walk").get_attribute("href")
    assert href == "walk?spoilers=hide"
    switch = nav.get_by_role("switch", name="Spoiler-safe")
    expect(switch).to_have_attribute("aria-checked", "true")
    switch.focus()
    visit.page.keyboard.press("Enter")  # switched off with the keyboard
    expect(visit.page).not_to_have_url(re.compile("spoilers"), timeout=15_000)
    expect(switch).to_have_attribute("aria-checked", "false")
    expect(nav.get_by_role("link", name="Walk")).to_have_attribute("href", "walk", timeout=15_000)
    assert visit.page.evaluate("document.activeElement.getAttribute('role')") == "switch"
    visit.page.goto(visit.page.evaluate("(href) => new URL(href, location.href).href", href))  # a new tab
    expect(visit.page.locator(".hx-header h1")).to_have_text("Walks through the film's Brussels", timeout=30_000)


def test_a_map_drawn_again_in_the_same_page_keeps_its_markers_and_its_taps(visit, base_url):
    """The map itself is a file the page fetches once; the page's runs carry only its address. After map, walk,
    map in one browser page, a tap still reaches the panel (the tap's way: components.reported)."""
    frames: list[bytes] = []
    visit.page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(payload if isinstance(payload, bytes) else payload.encode())),
    )
    fetched: list[str] = []
    visit.page.on("request", lambda request: fetched.append(request.url) if "/explorer-assets/maps/" in request.url else None)
    visit.open(base_url)
    nav = visit.page.get_by_role("navigation", name="Pages")
    nav.get_by_role("link", name="Walk").click()  # another page of the app, in the same page of the browser
    expect(visit.page.locator(".hx-header h1")).to_have_text("Walks through the film's Brussels", timeout=30_000)
    expect(visit.map.locator(".hx-walk-num").first).to_be_visible(timeout=30_000)
    nav.get_by_role("link", name="Map").click()
    expect(visit.page.locator(".hx-header h1")).to_have_text("The film's Brussels", timeout=30_000)
    expect(visit.map.locator(".hx-walk-num")).to_have_count(0, timeout=30_000)  # the map page's map, not the walk's
    expect(visit.map.locator(".hx-marker").first).to_be_visible(timeout=30_000)
    visit.still(visit.marker("moeraske"))
    visit.marker("moeraske").click()
    expect(visit.page.get_by_role("heading", name="Moeraske nature reserve")).to_be_visible(timeout=15_000)
    assert not any(b"FeatureCollection" in f for f in frames)  # the map itself never travels with a run
    assert len(fetched) == 1, fetched  # drawn three times, fetched once


def test_markers_have_names_and_answer_the_keyboard(visit, base_url, content):
    visit.open(base_url)
    for place in content.places:
        assert visit.marker(place.id).get_attribute("aria-label") == place.name.get()
    visit.marker("restaurant").focus()
    visit.page.keyboard.press("Enter")
    expect(visit.page.get_by_role("heading", name="The aunt's Chinese restaurant", exact=True)).to_be_visible(timeout=15_000)
    assert query(visit.page.url) == {"place": ["restaurant"]}


def test_at_phone_width_no_marker_hides_another(browser, base_url, content):
    visit = Visit(browser, width=390, height=844)
    try:
        visit.open(base_url)

        def positions() -> dict:
            return {p.id: visit.marker(p.id).locator(".hx-sym").bounding_box() for p in content.places}

        # the map is fitted again if its box changes size as the page settles (a scrollbar, the legend): judge the
        # view the visitor is left with, once two looks a quarter of a second apart agree
        boxes, previous = positions(), None
        for _ in range(20):
            if boxes == previous:
                break
            visit.page.wait_for_timeout(250)
            previous, boxes = boxes, positions()
        assert boxes == previous, "the map never settled"
        ids = list(boxes)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                first, second = boxes[a], boxes[b]
                apart = (
                    first["x"] + first["width"] <= second["x"]
                    or second["x"] + second["width"] <= first["x"]
                    or first["y"] + first["height"] <= second["y"]
                    or second["y"] + second["height"] <= first["y"]
                )
                assert apart, f"markers {a} and {b} overlap at phone width"
        visit.marker("hospital").click()
        expect(visit.page.get_by_role("heading", name="The hospital where his sister works", exact=True)).to_be_visible(timeout=15_000)
    finally:
        visit.close()


def test_a_visit_costs_one_script_run_and_a_tap_reruns_only_the_map_fragment(browser, base_url):
    """The map sends nothing back on load (its initial state matches), and a tap reruns only the fragment."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    runs: list[BackMsg] = []

    def sent(payload) -> None:
        if isinstance(payload, bytes | bytearray):
            msg = BackMsg()
            msg.ParseFromString(bytes(payload))
            if msg.WhichOneof("type") == "rerun_script":
                runs.append(msg)

    visit = Visit(browser, width=390, height=844)
    try:
        visit.page.on("websocket", lambda ws: ws.on("framesent", sent))
        visit.open(base_url)
        visit.page.wait_for_timeout(2_000)  # st_folium reports map moves after 250 ms; give it time
        assert len(runs) == 1, [r.rerun_script.widget_states for r in runs]
        visit.marker("garage").click()
        expect(visit.page.get_by_role("heading", name="The mechanic's garage", exact=True)).to_be_visible(timeout=15_000)
        assert len(runs) == 2
        assert runs[1].rerun_script.fragment_id  # only the map, panel and list reran
    finally:
        visit.close()


def test_a_tap_on_a_marker_works_when_the_map_runs_below_a_small_phone_screen(browser, base_url):
    """Leaflet focuses the map on a press; that must not scroll the page (the tap would then miss the marker)."""
    visit = Visit(browser, width=375, height=600)
    try:
        visit.open(base_url)
        box = visit.map.bounding_box()
        assert box["y"] + box["height"] > 600, "the map should run below the screen for this test"
        marker = visit.marker("apartment")
        marker.scroll_into_view_if_needed()
        marker.click()
        expect(visit.page.get_by_role("heading", name="Stefan's apartment", exact=True)).to_be_visible(timeout=15_000)
    finally:
        visit.close()


def test_the_explorer_styles_win_over_streamlit_defaults(visit, base_url):
    """The stylesheet comes with the page (not with its content), after Streamlit's own styles."""
    visit.open(base_url)
    nav = visit.page.get_by_role("navigation", name="Pages")
    assert nav.bounding_box()["y"] < 110, "Streamlit's default padding is back above the navigation (theme.paddingTop)"
    current = nav.get_by_role("link", name="Map")
    assert current.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(223, 232, 207)"  # moss_light
    assert (
        visit.page.locator("style").evaluate_all("styles => styles.filter(s => s.textContent.includes('.hx-header')).length") == 0
    )  # not sent as content
