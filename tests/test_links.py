"""The light navigation component (``explorer_app.links``): what it is given, and how its browser code draws it."""

from __future__ import annotations

import re

from explorer_app.links import _JS, choice, group, link, switch
from explorer_app.ui import MAP_PAGE, NAVIGATION, WALK_PAGE, page_href


def test_page_addresses_are_relative_and_carry_their_parameters_escaped():
    assert page_href(MAP_PAGE) == "./"
    assert page_href(WALK_PAGE) == "walk"
    assert page_href(MAP_PAGE, {"place": "moeraske", "lang": "fr"}) == "./?place=moeraske&lang=fr"
    assert page_href(WALK_PAGE, {"place": "a&b=c <x>"}) == "walk?place=a%26b%3Dc+%3Cx%3E"
    assert [page_href(script) for script, _ in NAVIGATION.values()] == [
        "./", "scenes", "moss", "walk", "classroom", "make", "about"]


def test_controls_say_what_they_report():
    assert link("k", "Moss", "moss", event="go", value="moss", icon="grass", current=True) == {
        "type": "link", "key": "k", "text": "Moss", "href": "moss", "event": "go", "value": "moss", "icon": "grass",
        "symbol": None, "current": True, "current_value": "page", "title": None}
    assert choice("fr", "FR", event="lang", value="fr", pressed=False)["type"] == "choice"
    assert switch("s", "Spoiler-safe", event="spoilers", on=True)["on"] is True
    assert group([], label="Language", css_class="hx-languages") == {"items": [], "label": "Language",
                                                                      "class": "hx-languages"}


def test_browser_code_writes_text_as_text_and_markup_only_from_the_explorers_fragments():
    assert "textContent" in _JS
    # the one place markup is parsed: the ``before``/``after`` HTML that Python built with explorer.fragments
    assert re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", _JS) == ["innerHTML"]
    assert "template.innerHTML = markup" in _JS
    assert re.findall(r"\bhtml\((data\.\w+)\)", _JS) == ["data.before", "data.after"]


def test_text_around_the_controls_is_escaped_before_it_reaches_the_browser(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from conftest import HOSTILE, ROOT, component_data

    monkeypatch.setattr("explorer_app.ui.language", lambda: "en")
    from explorer_app.ui import header_html

    html = header_html(HOSTILE, HOSTILE)
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
    assert 'setTriggerValue(event, value)' in _JS


def test_on_a_kiosk_no_click_leaves_the_page():
    assert 'link.addEventListener("auxclick", (event) => event.preventDefault())' in _JS
    assert "(!kiosk && !plainClick(event))" in _JS and 'draggable: kiosk ? "false" : null' in _JS


def test_controls_have_their_accessible_roles_and_states():
    for needle in ('"aria-current"', '"aria-pressed"', 'role: "switch"', '"aria-checked"', '"aria-label"',
                   'type: "button"'):
        assert needle in _JS, needle


def test_component_code_is_sent_without_comment_lines_and_otherwise_whole(tmp_path):
    from explorer_app.triggers import component_js

    source = tmp_path / "c.js"
    source.write_text('// about\nconst a = "http://x"; // kept: not a whole line\n  // indented note\nexport default a;\n')
    assert component_js(source) == 'const a = "http://x"; // kept: not a whole line\nexport default a;\n'
    assert "export default function" in _JS and not re.search(r"^\s*//", _JS, re.MULTILINE)


def test_component_code_is_served_under_a_name_that_changes_with_it():
    import asyncio

    from explorer_app.triggers import ComponentCode, code_routes, component_code, registered_js

    code = component_code("links")
    assert code.source == _JS and code.path.startswith("/explorer-assets/components/links.")
    assert ComponentCode("links", code.source + " ").path != code.path  # new code, new address: never a stale copy
    assert f'import(new URL("{code.path}", document.baseURI).href)' in code.loader
    assert "module.default(args)" in code.loader and len(code.loader) < 200
    assert registered_js(code, served=True) == code.loader and registered_js(code, served=False) == code.source
    (route,) = [r for r in code_routes() if r.path == code.path]
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    asyncio.run(route.app({"type": "http", "method": "GET", "path": code.path, "headers": []}, receive, send))
    headers = dict(sent[0]["headers"])
    assert sent[0]["status"] == 200 and headers[b"content-type"].startswith(b"text/javascript")
    assert b"immutable" in headers[b"cache-control"] and sent[1]["body"] == code.source.encode()
