"""The light navigation component (``explorer_app.links``): what it is given, and how its browser code draws it."""

from __future__ import annotations

import re

from explorer_app.assets import component_code
from explorer_app.links import choice, group, link, switch
from explorer_app.navigation import MAP_PAGE, PAGES, page_href

_JS = component_code("links").body.decode("utf-8")
WALK_PAGE = PAGES["walk"]


def test_page_addresses_are_relative_and_carry_their_parameters_escaped():
    assert page_href(MAP_PAGE) == "./"
    assert page_href(WALK_PAGE) == "walk"
    assert page_href(MAP_PAGE, {"place": "moeraske", "lang": "fr"}) == "./?place=moeraske&lang=fr"
    assert page_href(WALK_PAGE, {"place": "a&b=c <x>"}) == "walk?place=a%26b%3Dc+%3Cx%3E"
    assert [page_href(script) for script in PAGES.values()] == ["./", "scenes", "moss", "walk", "classroom", "make", "about"]


def test_controls_say_what_they_report():
    assert link("k", "Moss", "moss", event="go", value="moss", current=True) == {
        "type": "link",
        "key": "k",
        "text": "Moss",
        "href": "moss",
        "event": "go",
        "value": "moss",
        "symbol": None,
        "current": True,
        "current_value": "page",
        "title": None,
    }
    assert choice("fr", "FR", event="lang", value="fr", pressed=False)["type"] == "choice"
    assert switch("s", "Spoiler-safe", event="spoilers", on=True)["on"] is True
    assert group([], label="Language", css_class="hx-languages") == {"items": [], "label": "Language", "class": "hx-languages"}


def test_browser_code_writes_text_as_text_and_markup_only_from_the_explorers_fragments():
    assert "textContent" in _JS
    # the one place markup is parsed: the ``before``/``after`` HTML that Python built with explorer.fragments
    assert re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", _JS) == ["innerHTML"]
    assert "template.innerHTML = markup" in _JS
    assert re.findall(r"\bhtml\((data\.\w+)\)", _JS) == ["data.before", "data.after"]


def test_text_around_the_controls_is_escaped_before_it_reaches_the_browser():
    from types import SimpleNamespace

    from streamlit.testing.v1 import AppTest

    from conftest import HOSTILE, ROOT, component_data
    from explorer_app.navigation import header_html

    html = header_html(SimpleNamespace(language="en"), HOSTILE, HOSTILE)
    assert "<script" not in html and "&lt;script" in html
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    nav = component_data(at, "hx-nav")
    assert nav["after"].startswith('<header class="hx-header" id="hx-top">') and "The film&#x27;s Brussels" in nav["after"]
    assert component_data(at, "panel-top")["before"].startswith('<div class="hx-intro">')
    assert "<h3>All places</h3>" in component_data(at, "place-list")["before"]


def test_only_a_plain_click_is_taken_over_so_new_tabs_still_follow_the_link():
    assert "event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey" in _JS
    assert "event.preventDefault()" in _JS
    assert "setTriggerValue(event, value)" in _JS


def test_on_a_kiosk_no_click_leaves_the_page():
    assert 'link.addEventListener("auxclick", (event) => event.preventDefault())' in _JS
    assert "(!kiosk && !plainClick(event))" in _JS and 'draggable: kiosk ? "false" : null' in _JS


def test_controls_have_their_accessible_roles_and_states():
    for needle in ('"aria-current"', '"aria-pressed"', 'role: "switch"', '"aria-checked"', '"aria-label"', 'type: "button"'):
        assert needle in _JS, needle


def test_component_code_is_served_under_a_name_that_changes_with_it():
    import asyncio

    from explorer_app.assets import Served, asset_routes, component_loader

    code = component_code("links")
    assert code.path.startswith("/explorer-assets/components/links.") and "export default function" in _JS
    assert Served(code.stem, code.suffix, code.body + b" ", code.media_type).path != code.path  # never a stale copy
    loader = component_loader("links")
    assert f'import(new URL("{code.path}", document.baseURI).href)' in loader
    assert "module.default(args)" in loader and len(loader) < 200
    (route,) = [r for r in asset_routes() if getattr(r, "path", None) == code.path]
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    asyncio.run(route.app({"type": "http", "method": "GET", "path": code.path, "headers": []}, receive, send))
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 200 and headers[b"content-type"].startswith(b"text/javascript")
    assert b"immutable" in headers[b"cache-control"] and sent[1]["body"] == code.body
