"""axe-core (installed from npm, package.json) checks every page against WCAG 2.1 AA in Chromium, in English,
French and Dutch, as a visitor and on a kiosk: no serious or critical violation anywhere."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Error as PlaywrightError

from browser import ROOT, Visit, running_app

pytestmark = pytest.mark.browser
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ("", "?place=moeraske", "scenes?scene=micro-forest", "moss", "walk", "classroom", "make", "about")
LANGUAGES = ("en", "fr", "nl")
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
STAFF_KEY = "accessibility-test-" + "k" * 30  # the staff page, with the counts of the pages visited before it


LOOKS = 3  # axe runs at most this many times on a page: a finding counts when every look finds it


def violations(visit: Visit, url: str, ready: str = ".hx-header", *, wait_map: bool = True) -> list[str]:
    """The serious and critical axe violations of the page at ``url``, once its content is drawn (and its map's
    places, unless ``wait_map`` is False: a page that may draw a map without drawing one yet). A live page reruns
    by itself, and Streamlit fades what a rerun is about to replace (a look during one finds the faded text's
    contrast too low), so a page with findings is looked at again: a real finding is there on every look."""
    visit.page.goto(url)
    visit.page.locator(ready).first.wait_for(timeout=30_000)
    visit.page.wait_for_load_state("networkidle")
    if wait_map and ("leaflet" in visit.page.content() or visit.page.locator(".hx-map").count()):
        visit.map.locator(".hx-marker").first.wait_for(timeout=30_000)
    found: list[dict] = []
    for _ in range(LOOKS):
        found = axe(visit)
        if not found:
            return []
    return [json.dumps(v) for v in found]


def axe(visit: Visit) -> list[dict]:
    """One look by axe at the page as it is now; a page that loads itself again meanwhile (a phone's page on news)
    is looked at once it has."""
    for attempt in range(3):
        try:
            visit.page.add_script_tag(path=str(AXE))
            return visit.page.evaluate(
                """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3)
                    .map(n => n.target.join(' ') + ': ' + (n.failureSummary || '').slice(0, 160))})))""",
                WCAG_21_AA,
            )
        except PlaywrightError as exc:
            if "context was destroyed" not in str(exc) or attempt == 2:
                raise
            visit.page.wait_for_load_state("networkidle")
    return []


@pytest.fixture(scope="module")
def servers():
    with (
        running_app(EXPLORER_TILES="offline", EXPLORER_STAFF_KEY=STAFF_KEY) as visitor,
        running_app(
            EXPLORER_TILES="offline",
            EXPLORER_KIOSK="true",
            EXPLORER_PUBLIC_URL="https://here.example.org",
            EXPLORER_IDLE_TIMEOUT="3600",
        ) as kiosk,
    ):
        yield {"visitor": visitor, "kiosk": kiosk}


@pytest.mark.parametrize("mode", ["visitor", "kiosk"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violation_on_any_page(browser, servers, mode, language):
    visit = Visit(browser, *((1080, 1920) if mode == "kiosk" else (1280, 900)))
    found = {}
    try:
        for path in PAGES:
            joiner = "&" if "?" in path else "?"
            url = f"{servers[mode]}/{path}{joiner}lang={language}"
            problems = violations(visit, url)
            if problems:
                found[path or "/"] = problems
        if mode == "visitor":  # the page for an address that is no page
            problems = violations(visit, f"{servers[mode]}/nowhere?lang={language}")
            if problems:
                found["nowhere"] = problems
            for path in (f"staff?key={STAFF_KEY}", "staff?key=wrong"):  # the staff page with its charts, and refused
                problems = violations(visit, f"{servers[mode]}/{path}&lang={language}", wait_map=False)
                if problems:
                    found["staff" if STAFF_KEY in path else "staff, wrong key"] = problems
        if mode == "kiosk":
            problems = violations(visit, f"{servers[mode]}/attract?lang={language}", ready=".hx-attract")
            if problems:
                found["attract"] = problems
    finally:
        visit.close()
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
