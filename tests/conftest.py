"""Shared fixtures: the real content, and copies of it that tests may break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from explorer import load_content
from explorer.model import Content

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
HOSTILE = "<script>alert('pwned')</script><b>bold</b> `${7*7}` \\u0041 {{x}} [win](https://evil.example) :red[**HACKED**] $x$"
MARKDOWN_LINK = "](https://evil.example)"
FIPRESCI_AWARD = (
    '{ en = "Berlinale 2023: FIPRESCI prize", fr = "Berlinale 2023\\u00a0: prix FIPRESCI", nl = "Berlinale 2023: FIPRESCI-prijs" }'
)


def run_page(page: str = "app.py", **query: str):
    """Run the app under AppTest with URL query parameters, switch to ``page``, and check it raised nothing."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.fixture(scope="session", autouse=True)
def private_live_dir(tmp_path_factory: pytest.TempPathFactory):
    """The live store and the usage counts of this test run in a folder of its own: a page run under test never
    writes into the machine's own ``~/.local/state/here-explorer`` (a test may still name another)."""
    import os

    if os.environ.get("EXPLORER_LIVE_DIR"):
        yield
        return
    os.environ["EXPLORER_LIVE_DIR"] = str(tmp_path_factory.mktemp("live"))
    try:
        yield
    finally:
        os.environ.pop("EXPLORER_LIVE_DIR", None)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright, for the browser tests (one per test module)."""
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, FLAGS

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")  # a PostgreSQL database the tests may empty
EVERYTHING = 1e18  # purge(EVERYTHING): every session has expired by then
DATABASES = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"),
    ),
]


@pytest.fixture(params=DATABASES)
def store(request, tmp_path):
    """A live store per test: a fresh SQLite file, or the PostgreSQL test database emptied of sessions and counts
    before and after."""
    from explorer.livestore import LiveStore, sqlite_url

    live = LiveStore(sqlite_url(tmp_path) if request.param == "sqlite" else POSTGRES)
    live.purge(EVERYTHING)
    live.purge_usage(EVERYTHING, keep_days=1)
    yield live
    live.purge(EVERYTHING)
    live.purge_usage(EVERYTHING, keep_days=1)
    live.close()


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DATA)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def toml_string(value: str) -> str:
    """A TOML basic string holding ``value`` exactly."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.fixture
def hostile_data(data_copy: Path) -> Path:
    """Content whose text fields try to inject markup and script everywhere they appear."""
    places = data_copy / "places.toml"
    replace_in(places, 'name.en = "Moeraske nature reserve"', f"name.en = {toml_string('Moeraske ' + HOSTILE)}")
    replace_in(places, 'description.en = "A nature reserve of marsh', f"description.en = {toml_string(HOSTILE)}\n#")
    replace_in(data_copy / "scenes.toml", 'title.en = "A micro-forest in the hand"', f"title.en = {toml_string('Micro ' + HOSTILE)}")
    replace_in(data_copy / "moss.toml", 'title.en = "An invisible green world"', f"title.en = {toml_string('Invisible ' + HOSTILE)}")
    replace_in(data_copy / "moss.toml", 'title.en = "Take a hand lens"', f"title.en = {toml_string(HOSTILE)}")
    replace_in(data_copy / "moss.toml", 'text.en = "A simple magnifier', f"text.en = {toml_string(HOSTILE)}\n#")
    # the commune must still name the one its point lies in (data/basemap), the rest is hostile
    replace_in(places, 'commune = "Evere"', f"commune = {toml_string('Evere / ' + HOSTILE)}")
    replace_in(places, 'why.en = "The film does not name the hospital.', f"why.en = {toml_string(HOSTILE)}\n#")
    replace_in(data_copy / "people.toml", 'name = "Shuxiu"', f"name = {toml_string('Shuxiu ' + HOSTILE)}")
    replace_in(data_copy / "sources.toml", 'title = "Review of Here"', f"title = {toml_string(HOSTILE)}")
    replace_in(data_copy / "film.toml", FIPRESCI_AWARD, f"{{ en = {toml_string(HOSTILE)} }}")
    replace_in(data_copy / "film.toml", 'synopsis.en = "Stefan,', f"synopsis.en = {toml_string(HOSTILE)}\n#")
    return data_copy


# The explorer's own components (``explorer_app.links``, the map) reach AppTest as elements it does not know; these
# helpers read what a component was given and send what its browser code would send.


def component(at, key: str):
    """The v2 component element with the user key ``key``."""
    found = [e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, f"expected one component with key {key!r}, found {len(found)}"
    return found[0]


def component_data(at, key: str) -> dict:
    import json

    return json.loads(component(at, key).proto.json)


def component_datas(at, name: str) -> list[dict]:
    """What every instance of the explorer's component ``name`` (``explorer_page``, ``explorer_links``,
    ``explorer_leaflet_map``) was given, in page order."""
    import json

    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == name]


def link_items(at, key: str) -> list[dict]:
    """Every control (link, choice, switch) the links component ``key`` draws, in order."""
    return [item for group in component_data(at, key)["groups"] for item in group["items"]]


def map_link_items(at) -> list[dict]:
    """Every link to a place on the map the page draws (``navigation.map_links``), in page order."""
    return [
        item
        for data in component_datas(at, "explorer_links")
        if "hx-map-links" in data["class"]
        for group in data["groups"]
        for item in group["items"]
    ]


def component_texts(at) -> list[str]:
    """Every text the page's links components show (labels, titles, group and bar names)."""
    texts = []
    for element in at.get("bidi_component"):
        if element.proto.component_name != "explorer_links":
            continue
        import json

        data = json.loads(element.proto.json)
        texts += [data.get("label") or ""] + [g.get("label") or "" for g in data["groups"]]
        texts += [item.get(field) or "" for g in data["groups"] for item in g["items"] for field in ("text", "title")]
    return [text for text in texts if text]


def component_html(at) -> list[str]:
    """The HTML the page's components draw besides their controls: page titles, headings and introductions
    around the links, the legend under the map."""
    import json

    parts = []
    for element in at.get("bidi_component"):
        data = json.loads(element.proto.json)
        if element.proto.component_name == "explorer_links":
            parts += [data[field] for field in ("before", "after") if data.get(field)]
        elif element.proto.component_name == "explorer_leaflet_map" and data.get("under"):
            parts.append(data["under"])
    return parts


def trigger(at, key: str, event: str, value):
    """Run the app as after the component ``key`` reported ``event`` with ``value`` (as its browser code does:
    a JSON list of events on the component's trigger widget), keeping every other widget's value."""
    import json

    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

    states = at._tree.get_widget_states()
    states.widgets.append(
        WidgetState(
            id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{component(at, key).proto.id}__events",
            json_trigger_value=json.dumps([{"event": event, "value": value}]),
        )
    )
    return at._run(states)
