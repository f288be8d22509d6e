"""``here-explorer doctor`` (explorer/doctor.py): every check said, problems fail it and warnings do not, nothing
secret shown but the staff link, and the mode line the server prints at start."""

from __future__ import annotations

import os
import sqlite3
import urllib.error
from pathlib import Path

import pytest

from explorer.__main__ import main
from explorer.doctor import PROBLEM, WARNING, diagnose, mode_line, tile_address
from explorer.livestore import LiveStore, sqlite_url
from explorer.settings import Settings

KEY = "k" * 40


@pytest.fixture
def environ(tmp_path) -> dict[str, str]:
    """Settings of the test's own: an empty settings file, the live sessions in a folder of the test, no tiles."""
    file = tmp_path / "explorer.toml"
    file.write_text("", encoding="utf-8")
    return {"EXPLORER_SETTINGS": str(file), "EXPLORER_LIVE_DIR": str(tmp_path / "live"), "EXPLORER_TILES": "offline"}


def _lines(report, title: str) -> list[tuple[str, str]]:
    return next(found for name, found in report.sections if name.startswith(title))


def _no_network(url: str, timeout: float):
    raise AssertionError(f"the doctor went to {url} although told not to")


def test_the_mode_line_names_what_the_settings_make_of_the_server():
    assert mode_line(Settings(live_dir=Path("/srv/live")), "0.0.0.0", 8501) == (
        "The Here explorer is at http://localhost:8501/ (public site, online tiles from tile.openstreetmap.org, "
        "live sessions in SQLite at /srv/live/live.sqlite3, no public URL, request log off)"
    )
    festival = Settings(
        kiosk=True,
        kiosk_name="foyer-left",
        tiles="offline",
        database_url="postgresql://here:pa55word@db.internal:5432/live",
        public_url="https://here.example.org",
        request_log=True,
        staff_key=KEY,
        live_secret="s" * 40,
    )
    line = mode_line(festival, "127.0.0.1", 8600)
    assert line == (
        "The Here explorer is at http://127.0.0.1:8600/ (kiosk 'foyer-left', offline tiles, live sessions in PostgreSQL at "
        "db.internal:5432/live as here, public URL https://here.example.org, request log on)"
    )
    assert "pa55word" not in line and KEY not in line and "sss" not in line
    from explorer.errors import Problem

    wrong = mode_line((Problem("environment", "", "EXPLORER_TILES", "must be one of online, offline"),), "::", 8501)
    assert wrong.startswith("The Here explorer is at http://localhost:8501/ (the settings have 1 problem")


def test_a_machine_ready_for_the_doors_passes_with_its_staff_link(environ, capsys):
    report = diagnose({**environ, "EXPLORER_STAFF_KEY": KEY}, network=False, fetch=_no_network)
    assert report.count(PROBLEM) == 0 and report.count(WARNING) == 0, report.text()
    database = dict((text, level) for level, text in _lines(report, "Live sessions"))
    assert database["no database yet: it is made at the server's first start"] == "ok"
    assert _lines(report, "Staff page (keep this link secret")[0][1] == f"http://127.0.0.1:8501/staff?key={KEY}"
    assert "offline tiles" in _lines(report, "What the server will do")[0][1]
    # a database the server made: reachable, schema, writable; the key kept in it when no setting gives one
    store = LiveStore(sqlite_url(Path(environ["EXPLORER_LIVE_DIR"])))
    kept = store.staff_key()
    store.close()
    report = diagnose({**environ, "EXPLORER_PUBLIC_URL": "http://127.0.0.1:8501"}, network=False, fetch=_no_network)
    levels = {text: level for level, text in _lines(report, "Live sessions")}
    assert levels["reachable"] == levels["writable"] == levels["schema 3, as this explorer expects"] == "ok"
    assert _lines(report, "Staff page")[0][1] == f"http://127.0.0.1:8501/staff?key={kept}"
    assert report.count(PROBLEM) == 0 and report.text().endswith("All is well.")
    # on a kiosk, which never opens the staff page: the link comes with where to open it
    kiosk = _lines(diagnose({**environ, "EXPLORER_KIOSK": "true"}, network=False, fetch=_no_network), "Staff page")
    assert "does not open the staff page" in kiosk[0][1] and kiosk[-1][1].endswith(f"/staff?key={kept}")


def test_bad_settings_are_all_listed_and_the_rest_is_still_checked(environ, capsys, monkeypatch):
    wrong = {**environ, "EXPLORER_IDLE_TIMEOUT": "soon", "EXPLORER_TIME_ZONE": "Mars/Olympus", "EXPLORER_KIOSK": "true"}
    report = diagnose(wrong, network=False, fetch=_no_network)
    settings = [text for level, text in _lines(report, "Settings") if level == PROBLEM]
    assert len(settings) == 2 and "EXPLORER_IDLE_TIMEOUT" in settings[0] + settings[1] and "Mars/Olympus" in " ".join(settings)
    kiosk = " ".join(text for _, text in _lines(report, "Kiosk"))
    assert "120 s" in kiosk  # the valid kiosk setting is still read; the idle timeout in error is its default
    assert "offline" in " ".join(text for _, text in _lines(report, "Map tiles"))
    assert _lines(report, "Staff page")[0][1].startswith("no link")
    monkeypatch.setattr(os, "environ", wrong)
    assert main(["doctor", "--offline"]) == 1
    printed = capsys.readouterr().out
    assert "Traceback" not in printed and "PROBLEM" in printed and "problems and" in printed


def test_the_public_address_https_and_proxies(environ):
    asked = []

    def healthy(url, timeout):
        asked.append((url, timeout))
        return 200, "text/plain; charset=utf-8", b"ok"

    report = diagnose({**environ, "EXPLORER_PUBLIC_URL": "https://here.example.org"}, fetch=healthy)
    public = _lines(report, "Public address")
    assert asked == [("https://here.example.org/_stcore/health", 5.0)]
    assert (WARNING, next(text for _, text in public if "trusted_proxies is empty" in text)) in public
    assert ("ok", "https://here.example.org/_stcore/health answers ok") in public
    assert report.count(PROBLEM) == 0  # warnings do not fail it
    proxied = diagnose(
        {**environ, "EXPLORER_PUBLIC_URL": "https://here.example.org", "EXPLORER_TRUSTED_PROXIES": "10.0.0.5"}, fetch=healthy
    )
    assert proxied.count(WARNING) == 0, proxied.text()

    def down(url, timeout):
        raise urllib.error.URLError("connection refused")

    plain = diagnose({**environ, "EXPLORER_PUBLIC_URL": "http://192.168.1.20:8501"}, fetch=down)
    warned = [text for level, text in _lines(plain, "Public address") if level == WARNING]
    assert any("cookies are not Secure" in text for text in warned)
    assert any("cannot be reached (connection refused)" in text for text in warned)


def test_online_tiles_are_tried_once_where_the_map_opens(environ):
    assert tile_address("https://{s}.tiles.example.org/{z}/{x}/{y}.png") == "https://a.tiles.example.org/12/2097/1374.png"
    asked = []

    def tile(url, timeout):
        asked.append(url)
        return 200, "image/png", b"\x89PNG"

    online = {**environ, "EXPLORER_TILES": "online", "EXPLORER_TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png"}
    report = diagnose(online, fetch=tile)
    assert asked == ["https://tiles.example.org/12/2097/1374.png"] and report.count(PROBLEM) == 0

    def offline_network(url, timeout):
        raise urllib.error.URLError("Name or service not known")

    failed = diagnose(online, fetch=offline_network)
    (problem,) = [text for level, text in _lines(failed, "Map tiles") if level == PROBLEM]
    assert "cannot be reached" in problem and 'tiles = "offline"' in problem
    assert diagnose(online, network=False, fetch=_no_network).count(PROBLEM) == 0


def test_a_database_that_cannot_be_used_is_said_without_its_password(environ, tmp_path):
    unreachable = diagnose({**environ, "EXPLORER_DATABASE_URL": "postgresql://here:pa55word@127.0.0.1:1/live"}, network=False)
    problems = [text for level, text in _lines(unreachable, "Live sessions") if level == PROBLEM]
    assert problems and problems[0].startswith("cannot be used:") and "pa55word" not in unreachable.text()
    # a database of a newer explorer
    live = tmp_path / "live"
    LiveStore(sqlite_url(live)).close()
    with sqlite3.connect(live / "live.sqlite3") as connection:
        connection.execute("INSERT INTO schema_version VALUES (99)")
    connection.close()
    newer = diagnose(environ, network=False)
    assert any("schema 99 is newer" in text for level, text in _lines(newer, "Live sessions") if level == PROBLEM)


def test_a_settings_file_with_a_wrong_value_keeps_its_right_ones(environ, tmp_path):
    file = Path(environ["EXPLORER_SETTINGS"])
    file.write_text('tiles = "offline"\nkiosk = true\nkiosk_name = "foyer-left"\nidle_timeout = "soon"\nwhat = 1\n', encoding="utf-8")
    report = diagnose({**environ, "EXPLORER_TILES": ""}, network=False, fetch=_no_network)
    problems = [text for level, text in _lines(report, "Settings") if level == PROBLEM]
    assert [problem.split(": ")[1] for problem in problems] == ["what", "idle_timeout"]
    assert ("ok", "named 'foyer-left' on the staff page") in _lines(report, "Kiosk")
    assert "offline" in _lines(report, "Map tiles")[0][1]
    file.write_text("tiles = \n", encoding="utf-8")  # no TOML at all: said, and the defaults checked
    report = diagnose(environ, network=False, fetch=_no_network)
    assert "is not valid TOML" in _lines(report, "Settings")[1][1] and report.count(PROBLEM) == 1


def test_an_offline_map_without_its_openstreetmap_outlines_is_a_problem(environ, tmp_path):
    import shutil

    from explorer.loader import DEFAULT_DATA_DIR

    ready = diagnose(environ, network=False, fetch=_no_network)
    assert any(level == "ok" and "OpenStreetMap" in text for level, text in _lines(ready, "Map tiles"))
    bare = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, bare, ignore=shutil.ignore_patterns("basemap"))
    settings_file = Path(environ["EXPLORER_SETTINGS"])
    settings_file.write_text(f'data_dir = "{bare}"\n', encoding="utf-8")
    (problem,) = [text for level, text in _lines(diagnose(environ, network=False, fetch=_no_network), "Map tiles") if level == PROBLEM]
    assert "here-explorer basemap" in problem and str(bare / "basemap") in problem
    online = {**environ, "EXPLORER_TILES": "online"}
    warned = [text for level, text in _lines(diagnose(online, network=False, fetch=_no_network), "Map tiles") if level == WARNING]
    assert any("here-explorer basemap" in text for text in warned)
