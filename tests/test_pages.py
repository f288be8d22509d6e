"""Every page under streamlit.testing's AppTest: rendering, deep links, list selection, filters, bad content."""

from __future__ import annotations

import html

import pytest
from streamlit.testing.v1 import AppTest

from conftest import (
    MARKDOWN_LINK,
    ROOT,
    component_data,
    component_html,
    link_items,
    map_link_items,
    replace_in,
    trigger,
)

APP = str(ROOT / "app.py")
PAGES = ["app.py", "pages/scenes.py", "pages/moss.py", "pages/about.py"]


def app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def html_of(at: AppTest) -> str:
    return "\n".join([h.proto.body for h in at.get("html")] + component_html(at))


@pytest.fixture(autouse=True)
def real_data(monkeypatch):
    monkeypatch.delenv("EXPLORER_DATA_DIR", raising=False)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(page):
    at = app()
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception
    assert "hx-header" in html_of(at)


def test_map_home_without_selection_shows_the_intro_and_every_place_button(content):
    at = app()
    assert "Where the film happens" in html_of(at)
    places = link_items(at, "place-list")
    assert [p["text"] for p in places] == [p.name.get() for p in content.places]  # one link per place, by name
    assert [p["value"] for p in places] == [p.id for p in content.places]
    assert [p["href"] for p in places] == [f"./?place={p.id}" for p in content.places]  # each a deep link too
    assert not any(p["current"] for p in places)
    assert component_data(at, "place-list")["label"] == "All places"
    assert "Map legend" in html_of(at)


def test_deep_link_to_a_place_shows_its_scenes_and_moss(content):
    at = app(place="moeraske")
    page = html_of(at)
    assert "Moeraske nature reserve" in page and "Documented location" in page
    for scene in content.scenes_at("moeraske"):
        assert scene.title.get() in page
    for fact in content.facts_at("moeraske"):
        assert fact.title.get() in page
    assert "Where the film happens" not in page
    assert [p["value"] for p in link_items(at, "place-list") if p["current"]] == ["moeraske"]  # the list agrees


def test_scenes_at_a_place_are_in_story_order():
    page = html_of(app(place="building-site"))
    assert page.index("Towers seen from afar") < page.index("Inside the unfinished building")


@pytest.mark.parametrize("bad", ["atlantis", "<script>alert(1)</script>", "' OR 1=1 --"])
def test_unknown_place_shows_a_gentle_note_and_the_default_view(bad):
    at = app(place=bad)
    assert not at.exception
    assert len(at.info) == 1 and "There is no place called" in at.info[0].value
    assert "Where the film happens" in html_of(at)
    assert at.query_params["place"] == bad  # the link's value stays, so the note stays on later reruns
    at.run()
    assert "There is no place called" in at.info[0].value


def test_deep_link_to_a_scene_selects_its_place_and_marks_the_scene():
    at = app(scene="hospital-forest")
    page = html_of(at)
    assert "The hospital where his sister works" in page
    assert 'class="hx-scene hx-selected" id="scene-hospital-forest"' in page


def current_places(at: AppTest) -> list[str]:
    return [p["value"] for p in link_items(at, "place-list") if p["current"]]


def test_place_list_selects_the_place_and_puts_it_in_the_url():
    at = app()
    trigger(at, "place-list", "picked", "garage")  # what the list sends when a place is tapped
    assert at.query_params["place"] in ("garage", ["garage"])
    assert "The mechanic's garage" in html_of(at) or "The mechanic&#x27;s garage" in html_of(at)
    assert "The car will not start" in html_of(at)
    assert current_places(at) == ["garage"]
    assert component_data(at, "place_map")["center"] is not None  # chosen from the list: the map pans to it
    at.button(key="clear-place").click().run()
    assert "place" not in at.query_params
    assert "Where the film happens" in html_of(at)
    assert current_places(at) == []


@pytest.mark.parametrize("bad", ["atlantis", None, 7, ["garage"], {"id": "garage"}, "<script>"])
def test_place_list_ignores_a_value_that_is_not_a_place(bad):
    at = app(place="moeraske")
    trigger(at, "place-list", "picked", bad)
    assert not at.exception
    assert at.query_params["place"] in ("moeraske", ["moeraske"]) and current_places(at) == ["moeraske"]
    trigger(at, "place-list", "picked", "garage")  # and a real place still counts after the bad value
    assert current_places(at) == ["garage"]


def test_the_intro_links_to_the_story_and_goes_there():
    at = app(spoilers="hide")
    (story,) = link_items(at, "panel-top")
    assert story["text"] == "Or follow the story scene by scene" and story["href"] == "scenes?spoilers=hide"
    trigger(at, "panel-top", "go", "scenes")
    assert "The story, scene by scene" in html_of(at) and at.query_params["spoilers"] in ("hide", ["hide"])


def test_scene_links_point_to_the_timeline_and_back(content):
    at = app(place="moeraske")
    (story,) = link_items(at, "story-micro-forest")
    assert story["href"] == "scenes?scene=micro-forest" and story["value"] == {"scene": "micro-forest"}
    trigger(at, "story-micro-forest", "go", story["value"])
    assert 'id="scene-micro-forest"' in html_of(at) and at.query_params["scene"] in ("micro-forest", ["micro-forest"])


def test_timeline_lists_every_scene_in_order(content):
    at = app()
    at.switch_page("pages/scenes.py").run()
    page = html_of(at)
    positions = [page.index(f'id="scene-{s.id}"') for s in content.scenes]
    assert positions == sorted(positions)


def test_timeline_filters_by_theme_time_and_character(content):
    at = app()
    at.switch_page("pages/scenes.py").run()
    at.button_group(key="theme").set_value(["soup"]).run()
    page = html_of(at)
    soup = [s for s in content.scenes if "soup" in s.themes]
    assert all(f'id="scene-{s.id}"' in page for s in soup)
    assert 'id="scene-towers"' not in page
    at.button_group(key="time").set_value(["night"]).run()
    page = html_of(at)
    assert 'id="scene-restaurant-rain"' in page and 'id="scene-hotel-delivery"' not in page
    at.button_group(key="who").set_value(["mechanic"]).run()
    assert len(at.info) == 1 and "No scene matches" in at.info[0].value


def test_timeline_filters_come_from_the_url():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["who"] = "sister"
    at.switch_page("pages/scenes.py").run()
    page = html_of(at)
    assert 'id="scene-hospital-forest"' in page and 'id="scene-towers"' not in page


def test_timeline_filter_values_in_the_url_are_ids_and_unknown_ones_are_named():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["theme"] = ["soup", "bananas"]
    at.switch_page("pages/scenes.py").run()
    assert not at.exception
    assert "“bananas”" in at.info[0].value
    assert at.button_group(key="theme").value == ["soup"]
    assert at.query_params["theme"] in ("soup", ["soup"])  # the unknown value is gone from the URL
    page = html_of(at)
    assert 'id="scene-fridge-soup"' in page and 'id="scene-towers"' not in page


def test_timeline_scene_links_to_its_place_on_the_map_by_its_own_address():
    at = app()
    at.switch_page("pages/scenes.py").run()
    links = {item["key"]: item for item in map_link_items(at)}
    # the map's own address, not "?place=" on the timeline's: a new tab or a copied link shows the place
    assert links["on-map-micro-forest-moeraske"]["href"] == "./?place=moeraske"
    assert links["on-map-fridge-soup-apartment"]["href"] == "./?place=apartment"
    trigger(at, "on-map-micro-forest", "go", {"place": "moeraske"})
    assert "Moeraske nature reserve" in html_of(at) and at.query_params["place"] in ("moeraske", ["moeraske"])


def test_a_link_to_the_map_with_a_made_up_value_changes_nothing():
    at = app()
    at.switch_page("pages/scenes.py").run()
    for value in ({"place": 3}, {"place": "moeraske", "x": 1}, ["map"], "nowhere"):
        trigger(at, "on-map-micro-forest", "go", value)
        assert not at.exception and "The story, scene by scene" in html_of(at)


def test_unknown_scene_in_timeline_link():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["scene"] = "nope"
    at.switch_page("pages/scenes.py").run()
    assert not at.exception and "There is no scene called" in at.info[0].value


def test_moss_page_sets_the_directors_words_apart_and_lists_city_mosses(content):
    at = app()
    at.switch_page("pages/moss.py").run()
    page = html_of(at)
    assert page.count("<blockquote>") >= 6
    assert "Moss is a very resilient plant." in page
    for species in ("Grimmia pulvinata", "Tortula muralis", "Bryum argenteum"):
        assert species in page
    tips = " ".join(m.value for m in at.markdown)
    for word in ("lens", "rain", "walls", "pavements"):
        assert word in tips.lower()


def test_about_page_lists_every_source_and_the_provenance_legend(content):
    at = app()
    at.switch_page("pages/about.py").run()
    page = html_of(at)
    for source in content.sources:
        assert html.escape(source.citation()) in page
    for word in ("Documented location", "Commune known", "Illustration"):
        assert word in page
    assert "Stefan Gota" in page and "Grimm Vandekerckhove" in page


def test_broken_content_shows_a_problem_page_not_a_traceback(data_copy, monkeypatch):
    replace_in(data_copy / "places.toml", "lat = 50.8812", 'lat = "north"')
    replace_in(data_copy / "scenes.toml", 'place = "moeraske"', 'place = "atlantis"')
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_copy))
    at = app()
    assert not at.exception
    assert "needs fixing" in at.title[0].value
    page = html_of(at)
    assert "place &#x27;moeraske&#x27;: lat: must be a number between -90 and 90 (got &#x27;north&#x27;)" in page
    assert "names a place that is not in places.toml" in page
    assert "2 problems were found" in at.error[0].value


def markdown_texts(at: AppTest) -> list[str]:
    """Every text on the page that Streamlit renders as Markdown."""
    texts = [b.label for b in at.button] + [p.proto.label for p in at.get("page_link")]
    texts += [e.value for kind in ("markdown", "caption", "info", "error", "title", "header", "subheader") for e in at.get(kind)]
    for group in at.get("button_group"):
        texts += [option.content for option in group.proto.options]
    return texts


@pytest.mark.parametrize("page", PAGES)
def test_hostile_content_never_becomes_markup_on_any_page(hostile_data, monkeypatch, page):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(hostile_data))
    at = app(place="moeraske")
    if page != PAGES[0]:
        at.switch_page(page).run()
    assert not at.exception
    texts = markdown_texts(at)
    assert texts
    assert any("evil" in text for text in texts + [html_of(at)]), "the hostile text should be on the page"
    for text in texts:
        assert MARKDOWN_LINK not in text and ":red[" not in text, text
    page_html = html_of(at)
    assert "<script>alert" not in page_html and "<b>bold" not in page_html


@pytest.mark.parametrize("query", [{"place": "[win](https://evil.example) :red[x]"}, {"scene": "[win](https://evil.example)"}])
def test_query_values_are_echoed_as_text(query):
    at = app(**query)
    note = at.info[0].value
    assert MARKDOWN_LINK not in note and ":red[" not in note and "evil" in note


def test_hostile_content_is_shown_as_text(hostile_data, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(hostile_data))
    at = app(place="moeraske")
    assert not at.exception
    page = html_of(at)
    assert "<script>alert" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#x27;pwned&#x27;)&lt;/script&gt;" in page
    label = next(p["text"] for p in link_items(at, "place-list") if "script" in p["text"])
    assert "<script>alert('pwned')</script><b>bold</b>" in label  # plain text: links.js shows it as text


@pytest.mark.parametrize(
    "page", ["app.py", "pages/scenes.py", "pages/moss.py", "pages/walk.py", "pages/classroom.py", "pages/make.py", "pages/about.py"]
)
def test_every_page_draws_the_navigation_with_its_own_title_and_marks_itself(page):
    from conftest import run_page

    at = run_page(page)
    name = {"app.py": "map"}.get(page, page.removeprefix("pages/").removesuffix(".py"))
    assert [item["key"] for item in link_items(at, "hx-nav") if item.get("current")] == [f"page-{name}"]
    header = component_data(at, "hx-nav")["after"]
    assert header.startswith('<header class="hx-header" id="hx-top">') and header.count("<h1>") == 1
    assert not any('class="hx-header"' in h.proto.body for h in at.get("html"))  # drawn once, with the navigation


def test_the_page_icon_travels_inline(tmp_path):
    import base64

    from explorer_app.page import PAGE_ICON, ROOT, _icon

    assert PAGE_ICON.startswith("data:image/png;base64,")
    assert base64.b64decode(PAGE_ICON.split(",", 1)[1]) == (ROOT / "assets" / "icon.png").read_bytes()
    assert _icon(tmp_path / "missing.png") == ":material/forest:"  # a missing file still gives the page an icon


def test_a_tap_sends_only_what_changes_and_the_map_itself_goes_by_address():
    at = app()
    first = component_data(at, "place_map")
    assert first["map"].startswith("/explorer-assets/maps/en.") and first["map"].endswith(".js")
    assert "script" not in first and first["overlay"].startswith("/explorer-assets/layers/ring.none.")
    trigger(at, "place_map", "clicked", "moeraske")
    tapped = component_data(at, "place_map")
    assert at.query_params["place"] == "moeraske"
    assert tapped["map"] == first["map"]  # the same map ...
    assert tapped["overlay"].startswith("/explorer-assets/layers/ring.moeraske.")  # ... and the ring moved
    assert tapped["center"] == [50.8812, 4.3980] and "Moeraske" in tapped["under"]


@pytest.mark.parametrize("bad", [["a", "list"], {"a": "dict"}, 42, None, "no-such-place", "x" * 5000, "<script>"])
def test_a_hostile_tap_report_changes_nothing(bad):
    at = app()
    trigger(at, "place_map", "clicked", bad)  # what a tampered page might send
    assert not at.exception and not at.error
    assert "place" not in at.query_params
    assert component_data(at, "place_map")["center"] is None
    assert [p["value"] for p in link_items(at, "place-list")]  # the rest of the page is all there
