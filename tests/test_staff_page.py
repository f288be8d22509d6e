"""The staff page (``/staff?key=…``) and the counts the pages make: AppTest through app.py and switch_page, on
SQLite and, when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL; and the served app in Chromium, visited with
a forged address, browser name and query value, to show that nothing personal is stored."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html
from explorer import usage
from explorer.livestore import DATABASE_FILE, LiveStore, sqlite_url
from explorer_app import liveroom, notfound, usagecount

POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
EVERYTHING = 1e18
UNREACHABLE = "postgresql://nobody:secret@127.0.0.1:1/none"  # nothing listens on port 1
HOUR = int(time.time() // 3600)
REFUSED = "This staff link is not valid. Ask whoever runs the explorer for the link printed by “here-explorer doctor”."


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"),
        ),
    ]
)
def store(request, tmp_path, monkeypatch):
    """The database the pages use (by their settings) and a store on it for the test's own reading and writing;
    the process's tally starts empty."""
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_DATABASE_URL", "EXPLORER_STAFF_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_TILES", "offline")
    if request.param == "sqlite":
        monkeypatch.setenv("EXPLORER_LIVE_DIR", str(tmp_path))
        live = LiveStore(sqlite_url(tmp_path))
    else:
        monkeypatch.setenv("EXPLORER_DATABASE_URL", POSTGRES)
        live = LiveStore(POSTGRES)
    live.purge_usage(EVERYTHING, keep_days=1)
    usagecount.TALLY.take()
    yield live
    liveroom.forget_stores()
    usagecount.TALLY.take()
    live.purge_usage(EVERYTHING, keep_days=1)
    live.close()


def run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at)
    parts += [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def shows_nothing_but_a_message(at: AppTest) -> None:
    assert not at.metric and not at.get("arrow_data_frame") and not at.get("download_button") and not at.get("button_group")


# --- the page ----------------------------------------------------------------------------------------------------


def test_the_right_key_shows_the_counts_the_charts_the_export_and_a_silent_kiosk(store):
    now = time.time()
    store.add_usage(
        {(HOUR, "visit", ""): 12, (HOUR, "page", "walk"): 7, (HOUR, "live_answer", "word"): 30, (HOUR - 24 * 30, "visit", ""): 100},
        [usage.Beat("foyer-left", screen=now - 15 * 60)],
        now=now - 14 * 60,
    )
    store.add_usage({}, [usage.Beat("bar", screen=now)], now=now)
    at = run("pages/staff.py", key=store.staff_key())
    shown = metrics(at)
    assert shown["Visits"] == "13"  # 12, and app.py's own run just before (the staff page's is not counted)
    assert shown["Live answers"] == "30" and shown["Postcards made"] == "0"
    assert [w.value for w in at.warning] == ["No heartbeat from foyer-left for 15 minutes."]
    assert len(at.get("vega_lite_chart")) == 2 and at.get("download_button")[0].label == "Download the hourly counts (CSV)"
    tables = [e.value for e in at.dataframe]
    assert sorted(tables[0]["kiosk"]) == ["bar", "foyer-left"]
    assert any("item" in table and "Walk" in list(table["item"]) for table in tables)  # a page by its name
    at.button_group(key="staff-period").set_value("all").run()
    assert metrics(at)["Visits"] == "113"  # the month-old visits too


@pytest.mark.parametrize("key", ["", "wrong", "x" * 2000, "<script>alert(1)</script>", "clé ✓"])
def test_a_missing_or_wrong_key_gets_a_message_and_nothing_else(store, key):
    store.add_usage({(HOUR, "visit", ""): 5})
    at = run("pages/staff.py", key=key) if key else run("pages/staff.py")
    assert [e.value for e in at.error] == [
        "This staff link is not valid. Ask whoever runs the explorer for the link printed by “here-explorer doctor”."
    ]
    shows_nothing_but_a_message(at)
    assert "<script>" not in text_of(at)


def test_the_staff_key_setting_is_the_key_and_is_checked_before_the_database(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_STAFF_KEY", "k" * 40)
    assert metrics(run("pages/staff.py", key="k" * 40))["Visits"]
    shows_nothing_but_a_message(run("pages/staff.py", key=store.staff_key()))  # the kept key no longer opens it
    liveroom.forget_stores()
    monkeypatch.setenv("EXPLORER_DATABASE_URL", UNREACHABLE)
    at = run("pages/staff.py", key="wrong")
    assert "not valid" in at.error[0].value  # a wrong key learns nothing about the database


def test_an_unreachable_database_gets_a_clear_message_and_the_rest_of_the_app_works(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", UNREACHABLE)
    monkeypatch.setenv("EXPLORER_STAFF_KEY", "k" * 40)
    at = run("pages/staff.py", key="k" * 40)
    assert "database of the counts cannot be reached" in at.error[0].value and "works as usual" in at.error[0].value
    shows_nothing_but_a_message(at)
    assert "Traceback" not in text_of(at)
    for page in ("pages/scenes.py", "pages/make.py"):  # counting goes on in memory; nothing waits on the database
        assert not run(page).exception
    assert usagecount.flush() is False  # the write fails quietly: those counts are lost, the pages never know
    assert usagecount.TALLY.pending() == 0


def test_a_kiosk_never_shows_the_staff_page(store, monkeypatch):
    key = store.staff_key()
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    at = run("pages/staff.py", key=key)
    assert "hx-attract" in text_of(at) and not at.metric and not at.error


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_page_speaks_the_staffs_language(store, language):
    store.add_usage({(HOUR, "visit", ""): 1, (HOUR, "language", "nl"): 1}, [usage.Beat("foyer", screen=1.0)], now=time.time())
    at = run("pages/staff.py", key=store.staff_key(), lang=language)
    words = {"fr": ("Visites", "Aucun signal de vie"), "nl": ("Bezoeken", "Geen levensteken")}[language]
    assert words[0] in metrics(at) and at.warning[0].value.startswith(words[1])


# --- what the pages count ---------------------------------------------------------------------------------------


def counted(store: LiveStore) -> dict[tuple[str, str], int]:
    assert usagecount.flush() is True
    found: dict[tuple[str, str], int] = {}
    for _, kind, item, count in store.usage():
        found[kind, item] = found.get((kind, item), 0) + count
    return found


def test_pages_count_a_visit_once_each_page_the_places_and_what_was_made(store, content):
    place = content.places[1].id
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["place"] = place
    at.query_params["lang"] = "nl"
    at.run()
    at.run()  # a rerun of the same page is no new page
    at.switch_page("pages/make.py").run()
    at.get("download_button")[0].click().run()
    at.switch_page("pages/classroom.py").run()
    for button in at.get("download_button"):
        button.click().run()
    assert not at.exception
    found = counted(store)
    assert found[("visit", "")] == 1 and found[("language", "nl")] == 1
    assert found[("page", "map")] == 1 and found[("page", "make")] == 1 and found[("page", "classroom")] == 1
    assert found[("place", place)] == 1
    postcards = {item: n for (kind, item), n in found.items() if kind == "postcard"}
    assert sum(postcards.values()) == 1 and all(content.place(item) for item in postcards)  # by its place
    assert {item for kind, item in found if kind == "handout"} <= set(usage.HANDOUTS) and found[("handout", "teacher_pack")] == 1


def test_a_forged_place_or_language_in_the_address_is_not_counted(store):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["place"] = "forged-place-9f3c"
    at.query_params["lang"] = "xx-forged"
    at.run()
    assert not at.exception
    found = counted(store)
    assert not any("forged" in item for _, item in found) and found[("visit", "")] == 1
    assert [kind for kind, _ in found if kind == "place"] == []


def test_a_kiosk_counts_its_resets_and_beats_under_its_name(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    monkeypatch.setenv("EXPLORER_KIOSK_NAME", "foyer-left")
    at = AppTest.from_file(str(ROOT / "pages" / "attract.py"), default_timeout=60)  # as the kiosk's browser opens it
    at.run()
    assert not at.exception
    found = counted(store)
    assert found[("kiosk_reset", "foyer-left")] == 1 and ("visit", "") not in found  # a reset is no visitor
    (beat,) = store.beats()
    assert beat["name"] == "foyer-left" and time.time() - beat["screen_seen"] < 60 and time.time() - beat["last_seen"] < 60


def test_a_kiosk_without_a_name_beats_under_the_machines_name(monkeypatch):
    import socket

    from explorer.settings import KIOSK_NAME, Settings

    monkeypatch.setattr(socket, "gethostname", lambda: "kiosk/3.festival.lan")
    assert usagecount.kiosk_name(Settings(kiosk=True)) == "kiosk-3.festival.lan"
    monkeypatch.setattr(socket, "gethostname", lambda: "!!!")
    assert usagecount.kiosk_name(Settings(kiosk=True)) == "kiosk"
    assert KIOSK_NAME.fullmatch(usagecount.kiosk_name(Settings(kiosk=True, kiosk_name="bar 2")))


# --- nothing personal, in the served app -----------------------------------------------------------------------

FORGED_ADDRESS = "203.0.113.77"
FORGED_AGENT = "ForgedAgent/9.9 (staff-test-7c1e)"
FORGED_VALUE = "forged-value-5a2b"
STAFF_KEY = "staff-test-key-" + "s" * 30
PORT = 8800


@pytest.mark.browser
@pytest.mark.skipif(
    "staff" not in notfound.PAGE_ADDRESSES, reason="the server answers /staff only once explorer_app/notfound.py lists its address"
)
def test_the_served_app_stores_nothing_personal_and_exports_its_counts(browser, content):
    from browser import running_server

    place = content.places[2].id
    with tempfile.TemporaryDirectory(prefix="explorer-staff-") as live:
        env = {
            "EXPLORER_TILES": "offline",
            "EXPLORER_LIVE_DIR": live,
            "EXPLORER_STAFF_KEY": STAFF_KEY,
            "EXPLORER_TRUSTED_PROXIES": "127.0.0.1",  # the forged X-Forwarded-For is believed: the app sees the address
        }
        with running_server("serve.py", port=PORT, env=env) as server:
            context = browser.new_context(
                user_agent=FORGED_AGENT, extra_http_headers={"X-Forwarded-For": FORGED_ADDRESS}, accept_downloads=True
            )
            page = context.new_page()
            try:
                for path in (
                    f"?place={place}&note={FORGED_VALUE}",
                    f"walk?{FORGED_VALUE}=1",
                    f"?place={FORGED_VALUE}",
                    "about?lang=fr",
                ):
                    page.goto(f"{server.base}/{path}")
                    page.locator(".hx-header").first.wait_for(timeout=30_000)
                page.goto(f"{server.base}/staff?key={STAFF_KEY}&period={FORGED_VALUE}")
                page.get_by_text("Download the hourly counts (CSV)").wait_for(timeout=30_000)
                with page.expect_download() as download:
                    page.get_by_text("Download the hourly counts (CSV)").click()
                exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
            finally:
                context.close()
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert list(rows[0]) == ["time", "kind", "item", "count"]
        totals = {}
        for row in rows:
            totals[row["kind"], row["item"]] = totals.get((row["kind"], row["item"]), 0) + int(row["count"])
        assert totals[("place", place)] == 1 and totals[("page", "walk")] == 1 and totals[("visit", "")] == 4
        database = Path(live) / DATABASE_FILE
        with sqlite3.connect(database) as connection:
            dumped = {
                table: (
                    [c[1] for c in connection.execute(f"PRAGMA table_info({table})")],
                    connection.execute(f"SELECT * FROM {table}").fetchall(),
                )
                for table in ("usage_counts", "kiosk_beats")
            }
        assert dumped["usage_counts"][0] == list(usage.COLUMNS)
        assert dumped["kiosk_beats"][0] == ["name", "first_seen", "last_seen", "screen_seen", "silent_after"]
        assert dumped["kiosk_beats"][1] == []  # no kiosk here
        kept = repr(dumped)
        raw = b"".join(p.read_bytes() for p in Path(live).iterdir() if p.is_file())  # the file and its journal
        assert place.encode() in raw  # what is kept is found there: the search below can find something
        for forged in (FORGED_ADDRESS, FORGED_AGENT, "staff-test-7c1e", FORGED_VALUE, STAFF_KEY):
            assert forged not in kept and forged.encode() not in raw
        assert {kind for _, kind, _, _ in dumped["usage_counts"][1]} <= set(usage.KINDS)
