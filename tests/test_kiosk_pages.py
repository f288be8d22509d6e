"""Kiosk mode and settings under AppTest: no way out of the app, the QR code, the attract screen, bad settings."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_datas, component_html, link_items
from conftest import run_page as run

APP = str(ROOT / "app.py")
PAGES = ["app.py", "pages/scenes.py", "pages/moss.py", "pages/about.py", "pages/attract.py"]
KIOSK = {"EXPLORER_KIOSK": "1", "EXPLORER_PUBLIC_URL": "https://here.example.org", "EXPLORER_TILES": "offline"}


@pytest.fixture
def kiosk(monkeypatch):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in KIOSK.items():
        monkeypatch.setenv(name, value)


def everything(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at)
    parts += [e.value for kind in ("markdown", "caption", "info") for e in at.get(kind)]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_no_page_links_out_of_the_app_in_kiosk_mode(kiosk, page):
    text = everything(run(page, place="moeraske"))
    assert not re.search(r"href=[\"']?(?:https?:|//)", text), re.findall(r"href=\S+", text)
    assert not re.search(r"\]\((?:https?:|//)", text)


def test_outside_kiosk_mode_sources_do_link_out(monkeypatch):
    monkeypatch.delenv("EXPLORER_KIOSK", raising=False)
    assert 'href="https://' in everything(run("pages/about.py"))


def test_kiosk_shows_a_qr_code_for_the_selected_place(kiosk):
    at = run(place="moeraske")
    assert len(at.get("image")) == 1  # the image itself is decoded in the browser test and in test_settings
    assert "Continue on your phone" in everything(at)


def test_no_qr_code_without_a_public_address(kiosk, monkeypatch):
    monkeypatch.delenv("EXPLORER_PUBLIC_URL")
    at = run(place="moeraske")
    assert len(at.get("image")) == 0
    assert "Continue on your phone" not in everything(at)


def test_attract_screen_cycles_scenes_and_leads_to_the_map(kiosk, content):
    at = run("pages/attract.py")
    page = everything(at)
    # a foyer: many visitors have not seen the film, so the attract screen never shows the later scenes
    scenes = content.visible_scenes(True)
    places = {s.place for s in scenes if s.place}
    facts = content.visible_facts(True, "interview")  # none that tells a hidden scene
    assert page.count('class="hx-slide"') == len(scenes) + len(places) + len(facts)
    for place_id in places:
        assert content.place(place_id).description_for(True).get().replace("'", "&#x27;") in page
    for scene_id in content.spoilers():
        assert content.scene(scene_id).title.get() not in page
    assert '<a class="hx-attract-call" href="./">Touch the screen to explore</a>' in page
    # no navigation and no idle timer: the whole screen is the way in, and it is where the idle timer leads
    assert not at.get("page_link") and not [c for c in at.get("bidi_component") if c.proto.id.endswith("-hx-nav")]
    (behaviour,) = component_datas(at, "explorer_page")
    assert behaviour["kiosk"]["attract_screen"] is True and behaviour["stylesheet"].endswith(".css")  # locked, no timer


def test_invalid_settings_show_a_problem_page(monkeypatch):
    monkeypatch.setenv("EXPLORER_TILES", "satellite")
    monkeypatch.setenv("EXPLORER_IDLE_TIMEOUT", "-5")
    at = run()
    assert "settings need fixing" in at.title[0].value
    page = everything(at)
    assert "environment: EXPLORER_TILES: must be one of online, offline (got &#x27;satellite&#x27;)" in page
    assert "EXPLORER_IDLE_TIMEOUT" in page
    assert "2 problems were found" in at.error[0].value


def test_qr_png_decodes_to_the_place_link():
    from explorer.qr import qr_png
    from explorer.settings import Settings, place_link

    url = place_link(Settings(public_url="https://here.example.org"), "garage")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr_png(url))))] == [url]


@pytest.mark.parametrize(
    ("page", "name"), [("app.py", "map"), ("pages/scenes.py", "scenes"), ("pages/moss.py", "moss"), ("pages/about.py", "about")]
)
def test_every_kiosk_page_but_the_attract_screen_has_the_navigation_and_the_idle_timer(kiosk, page, name):
    at = run(page)
    current = [item["key"] for item in link_items(at, "hx-nav") if item.get("current")]
    assert current == [f"page-{name}"]  # the page drawn is the page marked, also after switching pages
    (behaviour,) = [data for data in component_datas(at, "explorer_page") if data.get("stylesheet")]
    assert behaviour["kiosk"] == {"idle_ms": 120_000, "attract": "/attract", "attract_screen": False}


def test_the_attract_screen_shows_a_talks_guest_qr_code_only_while_it_takes_questions(kiosk, monkeypatch):
    import base64
    import time

    from explorer.gueststore import GuestBook
    from explorer.livestore import LiveStore, database_url

    monkeypatch.setenv("EXPLORER_ATTRACT_GUEST", "1")
    assert "hx-attract-guest" not in everything(run("pages/attract.py"))  # no talk yet
    store = LiveStore(database_url())
    try:
        session, _ = store.start_session(time.time())
        book = GuestBook(store)
        assert "hx-attract-guest" not in everything(run("pages/attract.py"))  # a session, but no questions for the guest
        book.set_room(session.code, open=True)
        page = everything(run("pages/attract.py"))
        assert 'class="hx-attract-guest"' in page and session.code in page
        assert not re.search(r"<a\b", page.split('class="hx-attract-guest"')[1].split("</aside>")[0])  # no way out
        png = base64.b64decode(re.search(r'hx-attract-guest.*?src="data:image/png;base64,([^"]+)"', page, re.S).group(1))
        (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
        assert found.text == f"https://here.example.org/join/guest?code={session.code}&t={store.signer().ticket(session.code)}"
        monkeypatch.setenv("EXPLORER_ATTRACT_GUEST", "0")
        assert "hx-attract-guest" not in everything(run("pages/attract.py"))  # the setting is off by default
        monkeypatch.setenv("EXPLORER_ATTRACT_GUEST", "1")
        book.set_room(session.code, open=False)
        assert "hx-attract-guest" not in everything(run("pages/attract.py"))  # the talk is over
    finally:
        store.close()
