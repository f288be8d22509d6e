"""The staff page's anonymous counts and the kiosks' heartbeats, kept in the live sessions' store: SQLite in a
temporary folder, and PostgreSQL when EXPLORER_TEST_DATABASE_URL names one."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import text

from conftest import DATABASES, EVERYTHING, POSTGRES
from explorer import usage
from explorer.live import new_participant, place_question
from explorer.livestore import DATABASE_FILE, SCHEMA_VERSION, LiveStore, StoreUnavailable, sqlite_url, with_driver
from explorer.settings import Settings

NOW = 1_800_000_000.0


# --- the staff key ---------------------------------------------------------------------------------------------


def test_the_staff_key_is_made_once_kept_for_every_replica_and_a_setting_overrides_it(store):
    key = store.staff_key()
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", key) and store.staff_key() == key
    other = LiveStore(store.url)
    try:
        assert other.staff_key() == key and other.staff_key(Settings()) == key
        assert other.staff_key(Settings(staff_key="s" * 40)) == "s" * 40
    finally:
        other.close()


# --- vocabularies and the tally ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "item", "kept"),
    [
        ("visit", "", True),
        ("visit", "x", False),
        ("page", "walk", True),
        ("page", "staff", False),
        ("page", "../etc/passwd", False),
        ("language", "fr", True),
        ("language", "de", False),
        ("handout", "teacher_pack", True),
        ("handout", "<script>", False),
        ("live_answer", "word", True),
        ("live_answer", "essay", False),
        ("kiosk_reset", "foyer-left", True),
        ("kiosk_reset", "x" * 41, False),
        ("kiosk_reset", "203.0.113.9; DROP", False),
        ("nonsense", "", False),
        ("page", None, False),
        ("page", ["map"], False),
    ],
)
def test_only_items_of_a_kinds_closed_vocabulary_are_counted(kind, item, kept):
    assert (usage.checked_item(kind, item) is not None) is kept
    tally = usage.Tally()
    assert tally.add(kind, item, NOW) is kept
    assert (tally.pending() == 1) is kept


def test_places_are_checked_against_the_content(content):
    place = content.places[0].id
    assert usage.checked_item("place", place, content) == place
    assert usage.checked_item("postcard", place, content) == place
    assert usage.checked_item("place", place + "x", content) is None
    assert usage.checked_item("place", place) is None  # no content, no place


def test_the_tally_counts_per_hour_and_hands_everything_over_once(content):
    tally = usage.Tally()
    for _ in range(3):
        tally.add("visit", "", NOW)
    tally.add("visit", "", NOW + 3600)
    tally.add("page", "map", NOW, by=2)
    tally.beat("foyer", screen=NOW)
    tally.beat("foyer", screen=NOW - 10)
    tally.beat("not a name!")
    counts, beats = tally.take()
    hour = int(NOW // 3600)
    assert counts == {(hour, "visit", ""): 3, (hour + 1, "visit", ""): 1, (hour, "page", "map"): 2}
    assert [(b.name, b.screen) for b in beats] == [("foyer", NOW)]
    assert tally.take() == ({}, [])


def test_counts_from_many_threads_are_all_kept():
    tally = usage.Tally()
    threads = [threading.Thread(target=lambda: [tally.add("visit", "", NOW) for _ in range(1000)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert tally.take()[0] == {(int(NOW // 3600), "visit", ""): 8000}


# --- the store ----------------------------------------------------------------------------------------------------


def test_counts_are_added_to_what_is_kept_and_read_back_by_period(store):
    hour = int(NOW // 3600)
    store.add_usage({(hour, "visit", ""): 3, (hour, "page", "map"): 2}, now=NOW)
    store.add_usage({(hour, "visit", ""): 4, (hour - 30, "visit", ""): 1}, now=NOW)
    assert store.usage() == [(hour - 30, "visit", "", 1), (hour, "page", "map", 2), (hour, "visit", "", 7)]
    assert store.usage(since=NOW - 3600) == [(hour, "page", "map", 2), (hour, "visit", "", 7)]


def test_a_forged_item_never_reaches_the_table(store):
    hour = int(NOW // 3600)
    store.add_usage({(hour, "page", "<b>forged</b>"): 1, (hour, "owner", "x"): 1, (hour, "visit", ""): 0, (hour, "page", "moss"): 1})
    assert store.usage() == [(hour, "page", "moss", 1)]


def test_counts_and_heartbeats_older_than_the_kept_days_go(store):
    hour = int(NOW // 3600)
    store.add_usage({(hour - 24 * 10, "visit", ""): 1, (hour - 24 * 2, "visit", ""): 2}, [usage.Beat("old")], now=NOW - 86_400 * 5)
    store.add_usage({(hour, "visit", ""): 3}, [usage.Beat("new", NOW)], now=NOW, keep_days=3)
    assert store.usage() == [(hour - 48, "visit", "", 2), (hour, "visit", "", 3)]
    assert [b["name"] for b in store.beats()] == ["new"]
    assert store.purge_usage(NOW + 86_400 * 3, keep_days=1) == 3
    assert store.usage() == [] and store.beats() == []


def test_heartbeats_keep_the_first_the_last_and_the_screens_latest(store):
    store.add_usage({}, [usage.Beat("foyer", screen=NOW - 5)], now=NOW)
    store.add_usage({}, [usage.Beat("foyer")], now=NOW + 30)  # the server alone
    store.add_usage({}, [usage.Beat("foyer", screen=NOW - 100), usage.Beat("bar", screen=NOW + 40)], now=NOW + 60)
    assert store.beats() == [
        {"name": "bar", "first_seen": NOW + 60, "last_seen": NOW + 60, "screen_seen": NOW + 40, "silent_after": 300.0},
        {"name": "foyer", "first_seen": NOW, "last_seen": NOW + 60, "screen_seen": NOW - 5, "silent_after": 300.0},
    ]


def test_live_sessions_and_answers_are_counted_in_their_own_transaction(store, content):
    session, _ = store.start_session(NOW, "nl")
    question = place_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    pupil = new_participant()
    store.join(session.code, pupil, NOW)
    store.answer(question.id, pupil, question.choices[0], NOW + 1)
    store.answer(question.id, pupil, question.choices[1], NOW + 2)
    hour = int(NOW // 3600)
    assert store.usage() == [(hour, "live_answer", "place", 2), (hour, "live_session", "nl", 1)]
    store.purge(EVERYTHING)  # the session goes; its counts stay
    assert store.find(session.code) is None and len(store.usage()) == 2


@pytest.fixture(params=DATABASES)
def empty_url(request, tmp_path):
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"here_usage_{uuid.uuid4().hex[:12]}"
    admin = create_engine(with_driver(POSTGRES), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(with_driver(POSTGRES)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_heartbeats_kept_before_they_had_a_silence_get_five_minutes(empty_url):
    first = LiveStore(empty_url)
    first.add_usage({}, [usage.Beat("foyer", NOW)], now=NOW)
    with first.engine.begin() as connection:
        connection.execute(text("ALTER TABLE kiosk_beats DROP COLUMN silent_after"))
    first.close()
    live = LiveStore(empty_url)
    try:
        assert [b["silent_after"] for b in live.beats()] == [usage.SILENT_AFTER]
        live.add_usage({}, [usage.Beat("foyer", NOW + 60, silent_after=900.0)], now=NOW + 60)
        assert [b["silent_after"] for b in live.beats()] == [900.0]
    finally:
        live.close()


def test_a_database_made_before_the_counts_gets_their_tables_at_start_and_keeps_its_sessions(empty_url):
    from sqlalchemy import inspect

    old = LiveStore(empty_url)
    session, _ = old.start_session(NOW)
    with old.engine.begin() as connection:  # as the explorer left it before the staff page
        connection.execute(text("DROP TABLE usage_counts"))
        connection.execute(text("DROP TABLE kiosk_beats"))
    old.close()
    live = LiveStore(empty_url)
    try:
        assert live.find(session.code) is not None and live.version() == SCHEMA_VERSION
        live.add_usage({(int(NOW // 3600), "visit", ""): 1}, [usage.Beat("foyer", NOW)], now=NOW)
        assert live.usage() == [(int(NOW // 3600), "visit", "", 1)] and len(live.beats()) == 1
        with live.engine.connect() as connection:
            columns = {table: [c["name"] for c in inspect(connection).get_columns(table)] for table in ("usage_counts", "kiosk_beats")}
    finally:
        live.close()
    beats = ["name", "first_seen", "last_seen", "screen_seen", "silent_after"]
    assert columns == {"usage_counts": list(usage.COLUMNS), "kiosk_beats": beats}


def test_an_unreachable_database_raises_store_unavailable_for_the_counts(tmp_path):
    live = LiveStore(sqlite_url(tmp_path))
    (tmp_path / DATABASE_FILE).unlink()
    with pytest.raises(StoreUnavailable):
        live.add_usage({(int(NOW // 3600), "visit", ""): 1}, now=NOW)
    live.close()


# --- tables for the page ------------------------------------------------------------------------------------------


def test_the_tables_for_the_page_fill_empty_hours_and_total_each_kind():
    hour = int(NOW // 3600)
    rows = [(hour - 2, "visit", "", 3), (hour, "visit", "", 1), (hour, "page", "map", 4), (hour, "page", "walk", 5)]
    frame = usage.counts_frame(rows, "Europe/Brussels")
    assert list(frame.columns) == ["time", "kind", "item", "count"]
    assert usage.totals(frame)["visit"] == 4 and usage.totals(frame)["page"] == 9 and usage.totals(frame)["postcard"] == 0
    hourly = usage.per_hour(frame, ["visit", "page"], NOW - 3 * 3600, NOW, "Europe/Brussels")
    assert len(hourly) == 4 and hourly["visit"].tolist() == [0, 3, 0, 1] and hourly["page"].tolist() == [0, 0, 0, 9]
    assert usage.per_item(frame, "page").values.tolist() == [["walk", 5], ["map", 4]]
    csv = usage.export_csv(frame).decode("utf-8-sig").splitlines()
    assert csv[0] == "time,kind,item,count" and len(csv) == 5
    assert csv[1].startswith("2027-01-15T") and csv[1].endswith("+01:00,visit,,3")  # the hour's start, with its offset


def test_a_kiosk_silent_for_five_minutes_or_its_idle_time_is_a_problem():
    rows = [
        {"name": "bar", "first_seen": NOW - 900, "last_seen": NOW - 10, "screen_seen": NOW - 400, "silent_after": 300.0},
        {"name": "foyer", "first_seen": NOW - 900, "last_seen": NOW - 10, "screen_seen": NOW - 30, "silent_after": 300.0},
        {"name": "hall", "first_seen": NOW - 900, "last_seen": NOW - 700, "screen_seen": None, "silent_after": 300.0},
        {"name": "long", "first_seen": NOW - 900, "last_seen": NOW - 10, "screen_seen": NOW - 700, "silent_after": 3750.0},
    ]
    frame = usage.beats_frame(rows, NOW)
    assert frame["silent"].tolist() == [True, False, True, False] and frame["minutes"].tolist() == [6, 0, 11, 11]


def test_a_kiosk_is_silent_after_its_idle_time_and_two_missed_beats_at_the_least_five_minutes():
    tally = usage.Tally()
    tally.beat("short", screen=NOW, idle_timeout=120)
    tally.beat("long", screen=NOW, idle_timeout=3600)
    assert {b.name: b.silent_after for b in tally.take()[1]} == {"short": 300.0, "long": 3600 + 2 * 60 + 30}
