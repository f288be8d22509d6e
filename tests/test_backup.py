"""``here-explorer backup`` and ``restore`` (explorer/backup.py): SQLite's online backup while the store is in use,
a restore into an empty folder, files that are no backup, and PostgreSQL through pg_dump when one is given."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from explorer import backup as backup_module
from explorer.__main__ import main
from explorer.live import new_participant, new_session, place_question
from explorer.livestore import LiveStore, sqlite_url

NOW = 1_800_000_000.0
HOLDER = """
import sys
from pathlib import Path
from explorer.livestore import LiveStore, sqlite_url
store = LiveStore(sqlite_url(Path(sys.argv[1])))
store.version()
print("open", flush=True)
sys.stdin.read()
"""
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")


@pytest.fixture
def settings_env(tmp_path, monkeypatch):
    """An empty settings file of the test's own; returns a function that points the live sessions somewhere."""
    file = tmp_path / "explorer.toml"
    file.write_text("", encoding="utf-8")
    monkeypatch.setenv("EXPLORER_SETTINGS", str(file))
    for name in ("EXPLORER_DATABASE_URL", "EXPLORER_LIVE_DIR"):
        monkeypatch.delenv(name, raising=False)

    def live_in(folder) -> None:
        monkeypatch.setenv("EXPLORER_LIVE_DIR", str(folder))

    return live_in


def _filled(store: LiveStore, content) -> tuple:
    session, _ = new_session(NOW, lifetime=1e9)
    store.add_session(session)
    question = store.add_question(place_question(content, session))
    store.move(question.id, "open")
    participant = new_participant()
    store.join(session.code, participant, NOW)
    store.answer(question.id, participant, question.choices[0], NOW + 1)
    return session, question


def test_a_backup_while_the_store_is_in_use_restores_into_an_empty_folder(tmp_path, settings_env, content, capsys):
    live, saved, fresh = tmp_path / "live", tmp_path / "saved" / "live-backup.sqlite3", tmp_path / "fresh"
    settings_env(live)
    store = LiveStore(sqlite_url(live))
    try:
        session, question = _filled(store, content)
        assert (live / "live.sqlite3-wal").exists()  # in use: the answers may be in the write-ahead log only
        assert main(["backup", str(saved)]) == 0
        printed = capsys.readouterr().out
        assert f"into {saved} (1 session, 1 answer)" in printed
        assert not saved.with_name(saved.name + "-wal").exists() and not saved.with_name(saved.name + ".partial").exists()
        assert backup_module.checked_backup(saved) == 3
    finally:
        store.close()
    settings_env(fresh)  # a new machine: nothing there yet
    assert main(["restore", str(saved)]) == 0
    assert f"Restored {saved} (1 session, 1 answer)" in capsys.readouterr().out
    restored = LiveStore(sqlite_url(fresh))
    try:
        assert restored.session(session.code, NOW) == session
        assert [a.value for a in restored.answers(session.code, question.id)] == [question.choices[0]]
    finally:
        restored.close()
    # over a database already there: the one replaced is kept beside it
    assert main(["restore", str(saved)]) == 0
    assert "is kept as" in capsys.readouterr().out and len(list(fresh.glob("live.sqlite3.before-restore-*"))) == 1


def test_a_restore_is_refused_while_a_server_has_the_database_open(tmp_path, settings_env, content, capsys):
    """Another process holding the store open (as the server does) is seen, and a restore refused unless forced;
    once it has gone, even without closing its store (a server stopped with Ctrl+C), the restore goes ahead."""
    live = tmp_path / "live"
    settings_env(live)
    store = LiveStore(sqlite_url(live))
    session, _ = _filled(store, content)
    saved = tmp_path / "saved.sqlite3"
    assert main(["backup", str(saved)]) == 0
    store.close()
    server = subprocess.Popen([sys.executable, "-c", HOLDER, str(live)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "open"
        assert main(["restore", str(saved)]) == 1
        assert f"The server is running: a process has {live / 'live.sqlite3'} open" in capsys.readouterr().out
    finally:
        server.kill()  # gone without closing anything
        server.wait()
    assert (live / "live.sqlite3-wal").exists()  # what it leaves is no reason to refuse
    assert main(["restore", str(saved)]) == 0
    again = LiveStore(sqlite_url(live))
    assert again.session(session.code, NOW) == session
    again.close()
    assert main(["restore", "--force", str(saved)]) == 0


def test_what_is_no_backup_is_said_plainly(tmp_path, settings_env, capsys):
    settings_env(tmp_path / "live")
    assert main(["backup", str(tmp_path / "b.sqlite3")]) == 1
    assert "There is no live sessions' database at" in capsys.readouterr().out
    text = tmp_path / "notes.txt"
    text.write_text("not a database", encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (x)")
    connection.close()
    for file, said in (
        (tmp_path / "missing.sqlite3", "no such file"),
        (text, "is not a SQLite database"),
        (other, "is a SQLite database but not the live sessions' (no live_answers, live_participants"),
        (tmp_path, "is a folder, not a backup"),
    ):
        assert main(["restore", str(file)]) == 1, file
        printed = capsys.readouterr().out
        assert said in printed and "Traceback" not in printed, printed
    assert not (tmp_path / "live" / "live.sqlite3").exists()  # nothing was made


def test_without_pg_dump_the_exact_command_is_printed_without_the_password(tmp_path, settings_env, monkeypatch, capsys):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://here:pa55word@db.internal:5432/live")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert main(["backup", str(tmp_path / "live.dump")]) == 1
    printed = capsys.readouterr().out
    assert "pg_dump is not installed" in printed and "pa55word" not in printed
    assert f"PGPASSWORD='<the password>' pg_dump --format=custom --no-owner --file={tmp_path / 'live.dump'} " in printed
    assert "--dbname=postgresql://here@db.internal:5432/live" in printed


@pytest.mark.skipif(not POSTGRES or shutil.which("pg_dump") is None, reason="needs EXPLORER_TEST_DATABASE_URL and pg_dump")
def test_postgresql_is_backed_up_with_pg_dump(tmp_path, settings_env, monkeypatch, content, capsys):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", POSTGRES)
    store = LiveStore(POSTGRES)
    try:
        _filled(store, content)
        dump = tmp_path / "live.dump"
        assert main(["backup", str(dump)]) == 0, capsys.readouterr().out
        assert dump.read_bytes().startswith(b"PGDMP")
        capsys.readouterr()
        assert main(["restore", str(dump)]) == 1  # without --force: the command to run once every replica is stopped
        printed = capsys.readouterr().out
        assert "pg_restore --clean --if-exists --no-owner" in printed and str(dump) in printed
        if "@" in POSTGRES and ":" in POSTGRES.split("@")[0].split("//")[1]:
            assert POSTGRES.split("@")[0].split(":")[-1] not in printed  # the password
    finally:
        store.purge(1e19)
        store.close()
