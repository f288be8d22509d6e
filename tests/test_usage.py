"""The staff page's anonymous counts and the kiosks' heartbeats, kept in the live sessions' store: SQLite in a
temporary folder, and PostgreSQL when EXPLORER_TEST_DATABASE_URL names one."""

from __future__ import annotations

import os
import re

import pytest

from explorer.livestore import LiveStore, sqlite_url
from explorer.settings import Settings

NOW = 1_800_000_000.0
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")  # a database the tests may empty
EVERYTHING = 1e18


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"),
        ),
    ]
)
def store(request, tmp_path):
    """A store per test: a fresh SQLite file, or the PostgreSQL test database with its counts emptied."""
    live = LiveStore(sqlite_url(tmp_path) if request.param == "sqlite" else POSTGRES)
    live.purge(EVERYTHING)
    yield live
    live.purge(EVERYTHING)
    live.close()


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
