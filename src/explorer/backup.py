"""``here-explorer backup FILE`` and ``here-explorer restore FILE``: a copy of the live sessions' database.

SQLite (the default): SQLite's online backup (``sqlite3.Connection.backup``) copies the database page by page
under its own locks, so a backup is whole and consistent while the server runs. The copy is one file (no journal
beside it). Restoring checks that the file is a live sessions' database this explorer can read, keeps the current
database beside it (``live.sqlite3.before-restore-<UTC time>``), and copies the file in with the same API. It
refuses while a server has the database open (a running server would go on with the signing secret and the news of
the database it opened): every SQLite connection to a database in WAL mode holds a shared lock on one byte of its
``-shm`` file (SQLite's "dead man switch", byte 128), which the lock is tried on; the lock goes with the process, so
a server that stopped or crashed leaves none. ``--force`` restores all the same.

PostgreSQL: ``pg_dump --format=custom`` when it is installed (the password goes in ``PGPASSWORD``, never on the
command line), else the exact command is printed. Restoring prints the ``pg_restore`` command, and runs it with
``--force`` (every replica stopped first: it cannot tell whether one still runs).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from explorer.settings import Settings, SettingsError, load_settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
REQUIRED_TABLES = {"schema_version", "live_sessions", "live_questions", "live_participants", "live_answers"}


class BackupError(Exception):
    """Something the technician has to fix, said plainly."""


def main(command: str, file: Path, force: bool = False) -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        for problem in exc.problems:
            print(problem)
        print("Fix the settings first: the database to copy is named there.")
        return 1
    try:
        print(backup(settings, file) if command == "backup" else restore(settings, file, force=force))
    except BackupError as exc:
        print(exc)
        return 1
    return 0


def _url(settings: Settings) -> str:
    from explorer.livestore import settings_url

    return settings_url(settings)


def _sqlite_file(url: str) -> Path | None:
    return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def backup(settings: Settings, target: Path) -> str:
    """Copy the live sessions' database into ``target``; what was done, to print."""
    url = _url(settings)
    source = _sqlite_file(url)
    if source is None:
        return _pg_dump(url, target)
    if not source.is_file():
        raise BackupError(f"There is no live sessions' database at {source} yet: nothing to back up.")
    if target.resolve() == source.resolve():
        raise BackupError(f"{target} is the live database itself: name another file.")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: name a file, such as {target / 'live-backup.sqlite3'}.")
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        _copy(source, partial)
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Cannot back up {source} into {target}: {exc}") from None
    return f"Backed up the live sessions' database {source} into {target} ({_summary(target)})."


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup from ``source`` into ``target``, left as one file (no write-ahead log)."""
    with sqlite3.connect(source, timeout=10) as reader, sqlite3.connect(target) as writer:
        reader.backup(writer)
        writer.execute("PRAGMA journal_mode = DELETE")
    reader.close()
    writer.close()


def _summary(file: Path) -> str:
    with sqlite3.connect(file, timeout=10) as connection:
        sessions = connection.execute("SELECT count(*) FROM live_sessions").fetchone()[0]
        answers = connection.execute("SELECT count(*) FROM live_answers").fetchone()[0]
    connection.close()
    return f"{sessions} session{'s' if sessions != 1 else ''}, {answers} answer{'s' if answers != 1 else ''}"


def checked_backup(file: Path) -> int:
    """The schema version of a backup this explorer can restore; a BackupError saying what is wrong with it."""
    from explorer.livestore import SCHEMA_VERSION

    if not file.exists():
        raise BackupError(f"{file}: no such file.")
    if not file.is_file():
        raise BackupError(f"{file} is a folder, not a backup.")
    with file.open("rb") as stream:
        head = stream.read(len(SQLITE_MAGIC))
    if head.startswith(PG_DUMP_MAGIC):
        raise BackupError(f"{file} is a PostgreSQL dump: restore it into PostgreSQL (database_url) with pg_restore.")
    if head != SQLITE_MAGIC:
        raise BackupError(f"{file} is not a SQLite database: not a backup made by 'here-explorer backup'.")
    try:
        with sqlite3.connect(file, timeout=10) as connection:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(f"{file} is a SQLite database but not the live sessions' (no {', '.join(sorted(missing))}).")
            version = connection.execute("SELECT max(version) FROM schema_version").fetchone()[0]
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError(f"{file} is damaged (SQLite's check fails): use another backup.")
        connection.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{file} cannot be read as a database: {exc}.") from None
    if version is None or version > SCHEMA_VERSION:
        raise BackupError(f"{file} has schema {version}, which this explorer (schema {SCHEMA_VERSION}) cannot read: update it first.")
    return version


def restore(settings: Settings, file: Path, force: bool = False) -> str:
    """Put the backup ``file`` back as the live sessions' database; what was done, to print."""
    url = _url(settings)
    live = _sqlite_file(url)
    if live is None:
        return _pg_restore(url, file, force)
    version = checked_backup(file)
    if file.resolve() == live.resolve():
        raise BackupError(f"{file} is the live database itself.")
    if not force and in_use(live):
        raise BackupError(
            f"The server is running: a process has {live} open. Stop the server, then restore "
            "(--force restores all the same; restart the server at once then)."
        )
    kept = ""
    try:
        live.parent.mkdir(parents=True, exist_ok=True)
        if live.exists():
            before = live.with_name(f"{live.name}.before-restore-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}")
            _copy(live, before)
            kept = f" The database it replaced is kept as {before}."
        with sqlite3.connect(file, timeout=10) as reader, sqlite3.connect(live, timeout=10) as writer:
            reader.backup(writer)
        reader.close()
        writer.close()
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"Cannot restore {file} into {live}: {exc}") from None
    upgrade = "" if version == _schema() else f" Its schema {version} is brought up to date when the server starts."
    return f"Restored {file} ({_summary(live)}) as the live sessions' database {live}.{kept}{upgrade}"


def in_use(database: Path) -> bool:
    """Whether another process has the SQLite database open: each connection (WAL mode) holds a shared lock on
    byte 128 of the ``-shm`` file, so an exclusive lock there is refused. Tried before this process opens it: closing
    the file drops every lock of this process on it, SQLite's own included."""
    import fcntl

    shm = database.with_name(database.name + "-shm")
    try:
        with shm.open("r+b") as file:
            try:
                fcntl.lockf(file, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128, os.SEEK_SET)
            except OSError:
                return True
            fcntl.lockf(file, fcntl.LOCK_UN, 1, 128, os.SEEK_SET)
    except FileNotFoundError:
        return False
    except OSError:  # cannot be opened to look: said as in use, --force overrides
        return True
    return False


def _schema() -> int:
    from explorer.livestore import SCHEMA_VERSION

    return SCHEMA_VERSION


def _pg(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without its password, and the environment that gives it (``PGPASSWORD``)."""
    from sqlalchemy.engine import URL, make_url

    parsed = make_url(url)
    password = parsed.password
    bare = URL.create("postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database, parsed.query)
    shown = bare.render_as_string(hide_password=False)
    return shown, ({"PGPASSWORD": str(password)} if password else {})


def _shell(command: list[str], secret: bool) -> str:
    import shlex

    return ("PGPASSWORD='<the password>' " if secret else "") + " ".join(shlex.quote(part) for part in command)


def _pg_dump(url: str, target: Path) -> str:
    conninfo, env = _pg(url)
    command = ["pg_dump", "--format=custom", "--no-owner", f"--file={target}", f"--dbname={conninfo}"]
    if shutil.which("pg_dump") is None:
        raise BackupError(
            "pg_dump is not installed here (Debian: apt install postgresql-client). On a machine that has it, run:\n  "
            + _shell(command, bool(env))
        )
    _run(command, env, "pg_dump")
    return f"Backed up the live sessions' PostgreSQL database into {target} ({target.stat().st_size} bytes)."


def _pg_restore(url: str, file: Path, force: bool) -> str:
    if not file.is_file():
        raise BackupError(f"{file}: no such file.")
    with file.open("rb") as stream:
        if stream.read(len(PG_DUMP_MAGIC)) != PG_DUMP_MAGIC:
            raise BackupError(f"{file} is not a dump made by 'here-explorer backup' with PostgreSQL (pg_dump --format=custom).")
    conninfo, env = _pg(url)
    command = ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={conninfo}", str(file)]
    if not force or shutil.which("pg_restore") is None:
        raise BackupError(
            "Stop every replica of the explorer, then run:\n  "
            + _shell(command, bool(env))
            + "\n(or 'here-explorer restore --force FILE' runs it for you when pg_restore is installed)"
        )
    _run(command, env, "pg_restore")
    return f"Restored {file} into the live sessions' PostgreSQL database. Start the explorer again."


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    try:
        done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{name} could not run: {exc}") from None
    if done.returncode:
        reason = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise BackupError(f"{name} failed: {reason}")
