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


def test_browser_code_writes_text_as_text_never_as_markup():
    assert "textContent" in _JS
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", _JS)


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
