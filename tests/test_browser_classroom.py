"""The classroom's views for each lesson situation in Chromium, each tab shown in turn (axe skips what a closed tab
hides), in English, French and Dutch, with and without spoiler-safe mode: no serious or critical WCAG 2.1 AA
violation."""

from __future__ import annotations

import json

import pytest

from browser import Visit, running_app
from test_browser_accessibility import AXE, WCAG_21_AA

pytestmark = pytest.mark.browser
VIEWS = (("14-18", "after", False), ("10-13", "before", True), ("adults", "around", True), ("14-18", "short", False))


@pytest.fixture(scope="module")
def server():
    with running_app(EXPLORER_TILES="offline") as url:
        yield url


def serious(visit: Visit) -> list[str]:
    visit.page.add_script_tag(path=str(AXE))
    found = visit.page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
        .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))""",
        WCAG_21_AA,
    )
    return list(found)


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_every_tab_of_every_situation_is_accessible(browser, server, language):
    visit = Visit(browser, 1280, 900)
    found: dict[str, list[str]] = {}
    try:
        for age, situation, safe in VIEWS:
            query = f"age={age}&situation={situation}&lang={language}" + ("&spoilers=hide" if safe else "")
            visit.page.goto(f"{server}/classroom?{query}")
            tabs = visit.page.get_by_role("tab")
            tabs.first.wait_for(timeout=30_000)
            for index in range(tabs.count()):
                tab = tabs.nth(index)
                tab.click()
                visit.page.wait_for_function("(t) => t.getAttribute('aria-selected') === 'true'", arg=tab.element_handle())
                visit.page.wait_for_load_state("networkidle")
                problems = serious(visit)
                if problems:
                    found[f"{query} tab {index + 1}"] = problems
    finally:
        visit.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
