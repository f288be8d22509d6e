"""The live sessions' store, on SQLAlchemy Core: SQLite in a file by default, PostgreSQL when a URL names one.

SQLite needs nothing installed and serves one machine; PostgreSQL lets several replicas behind nginx share the
same sessions. The schema is created at start and a ``schema_version`` row tells a later migration what it finds:
version 2 added the answers' ``refused`` column, version 3 the sessions' participant ``cap``, ``origin`` and
``joining`` and the ``live_meta`` table; a database made by an older explorer is brought up to date at start, on
SQLite and PostgreSQL (a schema 3 database made before ``joining`` was added to it gets that column too).

What is kept: per session its code, a hash of the presenter's secret, times, language, cap, whether it takes new
participants (``joining``) and ``origin`` (a keyed hash of the starter's address, for the sessions-per-hour limit:
never the address); its questions; its participants as the random ids the server signed (``explorer.liveauth``);
their answers. ``live_meta`` keeps the signing secret and the staff page's key when no setting gives them. Expired
sessions go with everything in them, and a session still empty (no question, no participant) an hour after its
start goes too. ``usage_counts`` and ``kiosk_beats`` keep the staff page's anonymous hourly counts and the kiosks'
heartbeats (``explorer.usage``: no address, user agent, cookie or text from a visitor), purged after the
``usage_days`` setting; they are new tables, which ``create_all`` adds to a database of an earlier schema at start
(no column changes, so the schema's version stays). The limits (``SESSIONS_PER_HOUR``, a session's cap,
``MAX_QUESTIONS``) are counted in the database under a lock, so every replica keeps them together.
One answer per participant per question is the database's rule (a unique constraint), written by an upsert, so
two replicas answering for the same phone at once still leave one row.

An announcement's path (every committed change: "state" for questions, the cap and joining, "answers" for answers):
1. a write calls ``_announce``: on PostgreSQL ``pg_notify('here_live', '<code> <kind>')`` in its transaction;
2. at commit PostgreSQL tells every replica's ``listen()`` thread, which publishes to its ``store.notifier``
   (on SQLite, or while that thread is reconnecting, the store publishes to its notifier itself after commit);
3. the server's event streams waiting on ``Notifier.wait`` wake and re-read the session.

Never acknowledged and lost: a SQLite file deleted or replaced under a running store is noticed before a write
commits (``StoreUnavailable``, and ``broken`` from then on); on PostgreSQL a failed write raises ``StoreUnavailable``
and the pool checks connections before use, so the next request reconnects.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
import logging
import os
import random
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    case,
    create_engine,
    delete,
    event,
    exists,
    false,
    func,
    insert,
    inspect,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError as UrlError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from explorer.errors import ExplorerError
from explorer.i18n import N_, t
from explorer.live import (
    DEFAULT_CAP,
    DEFAULT_LIFETIME,
    EMPTY_LIFETIME,
    ENDED,
    JOINING_CLOSED,
    MAX_QUESTIONS,
    SESSION_FULL,
    SESSIONS_PER_HOUR,
    TOO_MANY_QUESTIONS,
    TOO_MANY_SESSIONS,
    Answer,
    AnswerRefused,
    LiveError,
    LiveQuestion,
    LiveSession,
    check_answer,
    checked_cap,
    new_session,
    valid_participant,
)
from explorer.liveauth import Signer
from explorer.livenotify import Notifier
from explorer.settings import DEFAULT_LIVE_DIR, Settings
from explorer.usage import SILENT_AFTER, Beat, checked_item, epoch_hour

SCHEMA_VERSION = 3  # 1: the first schema; 2: live_answers.refused; 3: live_sessions.cap, .origin, .joining, live_meta
SCHEMA_LOCK = 0x4845_5245  # PostgreSQL advisory lock id ("HERE") held while the schema is made
DATABASE_URL_VARIABLE = "EXPLORER_DATABASE_URL"
LIVE_DIR_VARIABLE = "EXPLORER_LIVE_DIR"
DATABASE_FILE = "live.sqlite3"
BUSY_TIMEOUT = 5.0  # seconds a SQLite writer waits for another one before giving up
CONNECT_TIMEOUT = 5  # seconds to reach a PostgreSQL server
CHANNEL = "here_live"  # PostgreSQL's channel for announcements: "<code> <kind>"
APPLICATION = "here-explorer"  # PostgreSQL's application_name for the store's connections (and "-listen")
SECRET_KEY = "signing_secret"  # live_meta's key for the signing secret
STAFF_KEY = "staff_key"  # live_meta's key for the staff page's key, when no setting gives one
LISTEN_POLL = 0.5  # seconds the listening thread waits for news before looking whether the store closed
LISTEN_BACKOFF = (0.5, 10.0)  # seconds before reconnecting the listening thread: first, then doubling up to
HOUR = 3600.0
log = logging.getLogger(__name__)
UNAVAILABLE = N_(
    "Live sessions are not available just now: their database cannot be reached. The rest of the explorer works as usual."
)

T = TypeVar("T")
READ_ONLY = "explorer_read_only"  # an execution option: the transaction only reads

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))
sessions = Table(
    "live_sessions",
    metadata,
    Column("code", String(16), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("spoiler_safe", Boolean, nullable=False),
    # schema 3: participants let in at most, and a keyed hash of the starter's address ("" unknown)
    Column("cap", Integer, nullable=False, server_default=text(str(DEFAULT_CAP))),
    Column("origin", String(32), nullable=False, server_default=""),
    # schema 3 too: whether new participants may join (sessions kept before it was added take them)
    Column("joining", Boolean, nullable=False, server_default=true()),
)
starts = Index("live_sessions_origin", sessions.c.origin, sessions.c.created)
meta = Table("live_meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))
questions = Table(
    "live_questions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("ref", String(64), nullable=False),
    Column("age", String(16), nullable=False),
    Column("choices", Text, nullable=False),  # a JSON list: texts, or {language: label} for choices in several languages
    Column("state", String(16), nullable=False),
)
participants = Table(
    "live_participants",
    metadata,
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False),
    Column("token", String(64), nullable=False),
    Column("joined_at", Float, nullable=False),
    UniqueConstraint("session", "token", name="one_join_per_participant"),
)
answers = Table(
    "live_answers",
    metadata,
    Column("question", String(32), ForeignKey("live_questions.id", ondelete="CASCADE"), nullable=False),
    Column("participant", String(64), nullable=False),
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False),
    Column("value", Text, nullable=False),
    Column("cut", Boolean, nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("answered_at", Float, nullable=False),
    # discarded by the presenter: never shown, and no longer waiting (schema 2; older rows get false)
    Column("refused", Boolean, nullable=False, server_default=false()),
    UniqueConstraint("question", "participant", name="one_answer_per_participant"),
)
Index("live_answers_session", answers.c.session)
# the staff page's anonymous counts (explorer.usage): per epoch hour, kind and item of a closed vocabulary
usage_counts = Table(
    "usage_counts",
    metadata,
    Column("hour", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("item", String(64), primary_key=True),
    Column("count", Integer, nullable=False),
)
# each kiosk's heartbeats, by the name its settings give it: when first and last up, when its screen last ran
kiosk_beats = Table(
    "kiosk_beats",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("first_seen", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
    Column("screen_seen", Float, nullable=True),
    Column("silent_after", Float, nullable=False),  # seconds without a beat before the staff page calls it silent
)
USAGE_TABLES = (usage_counts, kiosk_beats)


def _choices_json(question: LiveQuestion) -> str:
    """A question's choices as kept: a list of texts, or of {language: label} when given in several languages
    (the first label is the choice's value; JSON keeps the order)."""
    if question.labels:
        return json.dumps([dict(pairs) for pairs in question.labels], ensure_ascii=False)
    return json.dumps(list(question.choices))


class StoreUnavailable(ExplorerError):
    """The live sessions' database cannot be reached (or its file went); ``text(language)`` says so for the page,
    which carries on. Nothing the request wrote was kept."""

    def text(self, language: str = "en") -> str:
        return t(UNAVAILABLE, language)


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """$EXPLORER_DATABASE_URL, or a SQLite file in $EXPLORER_LIVE_DIR (default ~/.local/state/here-explorer)."""
    environ = os.environ if environ is None else environ
    url = (environ.get(DATABASE_URL_VARIABLE) or "").strip()
    if url:
        return url
    folder = Path((environ.get(LIVE_DIR_VARIABLE) or "").strip() or DEFAULT_LIVE_DIR)
    return sqlite_url(folder)


def settings_url(settings: Settings) -> str:
    """The database the settings name: ``database_url``, or a SQLite file in ``live_dir``."""
    return settings.database_url or sqlite_url(settings.live_dir)


def with_driver(url: str) -> str:
    """A plain PostgreSQL URL (``postgres://`` or ``postgresql://``, as libpq and hosts write them) made to use
    psycopg 3, the driver installed; SQLAlchemy would otherwise look for psycopg2."""
    for plain in ("postgres://", "postgresql://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url.removeprefix(plain)
    return url


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{Path(folder).expanduser().absolute() / DATABASE_FILE}"


def _sqlite_events(engine: Engine) -> None:
    """WAL (readers never wait for the writer), a busy timeout, foreign keys, and BEGIN IMMEDIATE: a transaction
    that reads then writes takes the write lock at once, so two writers queue instead of failing on an upgrade.
    A transaction that only reads (``READ_ONLY``) begins deferred, so it never queues behind a writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(READ_ONLY) else "BEGIN IMMEDIATE")


class LiveStore:
    """Sessions, questions, participants and answers in a database. Every method raises :class:`StoreUnavailable`
    when the database cannot be reached, so a page can say so and the rest of the explorer keeps working.

    ``secret`` signs participants and screen keys (``signer()``); without one (the ``live_secret`` setting), the
    store makes one at its first start and keeps it in ``live_meta``, so every replica on the database shares it.
    ``notifier`` hears of every committed change (module docstring)."""

    def __init__(self, url: str | None = None, connect_timeout: float = CONNECT_TIMEOUT, secret: str | None = None):
        self.url = with_driver(url or database_url())
        self.notifier = Notifier()
        self.broken = False  # the SQLite file went: every call refuses until the store is made again
        self._broken_reason = ""
        self._file: Path | None = None
        self._identity: tuple[int, int] | None = None
        self._closed = threading.Event()
        self._listener: threading.Thread | None = None
        self._listening = threading.Event()  # the listening thread holds a LISTEN connection now
        self._listen_lock = threading.Lock()
        self._signer: Signer | None = None
        self._staff_key: str | None = None
        self._news: dict[int, list[tuple[str, str]]] = {}  # per open transaction, what to announce once it commits
        self.postgresql = not self.url.startswith("sqlite")
        try:
            if not self.postgresql:
                if self.url.startswith("sqlite:///") and not self.url.endswith(":memory:"):
                    self._file = Path(self.url.removeprefix("sqlite:///"))
                    folder = self._file.parent
                    try:
                        folder.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise StoreUnavailable(f"cannot make the live sessions' folder {folder}: {exc}") from exc
                self.engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False})
                _sqlite_events(self.engine)
            else:
                self.engine = create_engine(
                    self.url,
                    pool_pre_ping=True,
                    connect_args={"connect_timeout": max(1, int(connect_timeout)), "application_name": APPLICATION},
                )
        except (UrlError, ImportError) as exc:
            raise StoreUnavailable(f"cannot use the database {self._shown_url()}: {exc}") from exc
        self.reader = self.engine.execution_options(**{READ_ONLY: True})
        try:
            self._starting(self._create)
            if self._file is not None:
                self._identity = self._file_identity()
            self._secret = secret or self._starting(self._kept_secret)
        except StoreUnavailable:
            self.engine.dispose()
            raise

    def _starting(self, work: Callable[[Connection], T]) -> T:
        """``work`` at start. Stores opening a new SQLite file together can meet "database is locked" where the busy
        timeout does not reach (turning the new file to WAL takes it whole), so a start retries that, for as long
        as the busy timeout, before saying the database cannot be reached."""
        deadline = time.monotonic() + BUSY_TIMEOUT
        while True:
            try:
                return self._run(work)
            except StoreUnavailable as exc:
                if self.postgresql or "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02 + random.random() * 0.08)

    def _shown_url(self) -> str:
        """The URL without its password, for messages and logs."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except UrlError:
            return "(an invalid URL)"

    def _create(self, connection: Connection) -> None:
        if self.postgresql:  # replicas starting together: one creates, the others wait
            connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK)))
        metadata.create_all(connection)
        found = connection.scalar(select(func.max(schema_version.c.version)))
        if found is not None and found > SCHEMA_VERSION:
            raise ExplorerError(f"the live sessions' database has schema {found}, newer than this explorer's {SCHEMA_VERSION}")
        if found is not None and found < 2:
            self._migrate_to_2(connection)
        if found is not None:  # also a schema 3 made before ``joining`` was added: its version says 3 already
            self._migrate_to_3(connection)
        if found is not None:  # kiosk_beats made before it had silent_after (the staff page's first days)
            self._complete_beats(connection)
        if found != SCHEMA_VERSION:
            connection.execute(self._upsert(schema_version, {"version": SCHEMA_VERSION}, ["version"], {}))

    def _complete_beats(self, connection: Connection) -> None:
        if "silent_after" not in {column["name"] for column in inspect(connection).get_columns("kiosk_beats")}:
            connection.execute(text(f"ALTER TABLE kiosk_beats ADD COLUMN silent_after FLOAT NOT NULL DEFAULT {SILENT_AFTER}"))

    def _migrate_to_2(self, connection: Connection) -> None:
        """Schema 1 to 2: the answers' ``refused`` column, false for every answer already kept (create_all makes
        missing tables, never a missing column)."""
        if "refused" not in {column["name"] for column in inspect(connection).get_columns("live_answers")}:
            default = "false" if self.engine.dialect.name == "postgresql" else "0"
            connection.execute(text(f"ALTER TABLE live_answers ADD COLUMN refused BOOLEAN NOT NULL DEFAULT {default}"))

    def _migrate_to_3(self, connection: Connection) -> None:
        """Schema 2 to 3: the sessions' ``cap`` (``DEFAULT_CAP`` for every session already kept), ``origin``
        ("" for them: unknown, so not counted) and ``joining`` (true: they take new participants as before), and
        the origin index (``live_meta`` is a new table: create_all made it). Each only when missing, so it also
        completes a schema 3 database made before ``joining`` was part of it."""
        present = {column["name"] for column in inspect(connection).get_columns("live_sessions")}
        if "cap" not in present:
            connection.execute(text(f"ALTER TABLE live_sessions ADD COLUMN cap INTEGER NOT NULL DEFAULT {DEFAULT_CAP}"))
        if "origin" not in present:
            connection.execute(text("ALTER TABLE live_sessions ADD COLUMN origin VARCHAR(32) NOT NULL DEFAULT ''"))
        if "joining" not in present:
            default = "true" if self.postgresql else "1"
            connection.execute(text(f"ALTER TABLE live_sessions ADD COLUMN joining BOOLEAN NOT NULL DEFAULT {default}"))
        starts.create(connection, checkfirst=True)

    def _kept_secret(self, connection: Connection) -> str:
        """The signing secret kept in ``live_meta``, made now if there is none: replicas starting together each
        offer one, the first kept wins and all read it back."""
        made = secrets.token_urlsafe(32)
        connection.execute(self._upsert(meta, {"key": SECRET_KEY, "value": made}, ["key"], {}))
        kept = connection.scalar(select(meta.c.value).where(meta.c.key == SECRET_KEY))
        if kept is None:  # the upsert above keeps a row: only a database changed under the store gets here
            raise RuntimeError("the live store's signing secret was not kept in live_meta")
        return str(kept)

    def staff_key(self, settings: Settings | None = None) -> str:
        """The staff page's key: the ``staff_key`` setting when there is one, else a key made once (at the first
        call on this database) and kept in ``live_meta``, so every replica, and ``here-explorer doctor``, give the
        same link."""
        if settings is not None and settings.staff_key:
            return settings.staff_key
        if self._staff_key is None:

            def kept(connection: Connection) -> str:
                made = secrets.token_urlsafe(32)
                connection.execute(self._upsert(meta, {"key": STAFF_KEY, "value": made}, ["key"], {}))
                return str(connection.scalar(select(meta.c.value).where(meta.c.key == STAFF_KEY)))

            self._staff_key = self._run(kept)
        return self._staff_key

    def signer(self) -> Signer:
        """The signer of participant cookies and screen keys, with the store's secret (the same on every replica)."""
        if self._signer is None:
            self._signer = Signer(self._secret)
        return self._signer

    def origin_of(self, address: str) -> str:
        """What the store keeps of an address: a keyed hash (32 hex characters) that tells two starts from one
        address apart from others, and cannot be turned back into the address without the secret."""
        message = f"origin:{address}".encode("utf-8", "surrogatepass")
        return hmac.new(self._secret.encode("utf-8"), message, hashlib.sha256).hexdigest()[:32]

    # --- the database file, and news -------------------------------------------------------------------------

    def _file_identity(self) -> tuple[int, int] | None:
        if self._file is None:
            return None
        try:
            found = os.stat(self._file)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def _check_file(self) -> None:
        """Refuse when the SQLite file the store opened was deleted or replaced: its connections would go on
        writing to a file nobody will open again (and a restart would find the answers gone)."""
        if self.broken:
            raise StoreUnavailable(self._broken_reason)
        if self._file is None or self._identity is None:
            return
        found = self._file_identity()
        if found != self._identity:
            self.broken = True
            what = "deleted" if found is None else "replaced by another file"
            self._broken_reason = (
                f"the live sessions' database file {self._file} was {what} while in use; "
                "nothing more is written until the store is opened again"
            )
            log.error(self._broken_reason)
            raise StoreUnavailable(self._broken_reason)

    def _announce(self, connection: Connection, code: str, kind: str) -> None:
        """Announce a change of session ``code`` once this transaction commits (module docstring)."""
        if self.postgresql:
            connection.execute(select(func.pg_notify(CHANNEL, f"{code} {kind}")))
        news = self._news.get(id(connection))
        if news is not None and (code, kind) not in news:
            news.append((code, kind))

    @contextmanager
    def _connection(self, read_only: bool = False) -> Iterator[Connection]:
        self._check_file()
        news: list[tuple[str, str]] = []
        try:
            with (self.reader if read_only else self.engine).begin() as connection:
                self._news[id(connection)] = news
                try:
                    yield connection
                    if not read_only:
                        self._check_file()  # before the commit: a write to a file that went is never acknowledged
                finally:
                    self._news.pop(id(connection), None)
        except (OperationalError, InterfaceError) as exc:  # not IntegrityError: that is a rule broken, not a database down
            raise StoreUnavailable(f"the live sessions' database {self._shown_url()} cannot be reached: {exc.orig}") from exc
        if news and not (self.postgresql and self._listening.is_set()):  # else the listening thread hears it
            for code, kind in news:
                self.notifier.publish(code, kind)

    def _run(self, work: Callable[[Connection], T]) -> T:
        with self._connection() as connection:
            return work(connection)

    def _read(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a transaction that only reads (on SQLite it does not wait for a writer)."""
        with self._connection(read_only=True) as connection:
            return work(connection)

    def _upsert(self, table: Table, values: dict, keys: list[str], changes: dict):
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(table).values(**values)
        if not changes:
            return statement.on_conflict_do_nothing(index_elements=keys)
        return statement.on_conflict_do_update(index_elements=keys, set_=changes)

    def close(self) -> None:
        """Stop listening and close every connection."""
        self._closed.set()
        listener = self._listener
        if listener is not None and listener is not threading.current_thread():
            listener.join(timeout=LISTEN_POLL * 4 + CONNECT_TIMEOUT)
        self.engine.dispose()

    # --- listening (PostgreSQL) -------------------------------------------------------------------------------

    @property
    def listening(self) -> bool:
        """Whether the listening thread holds its LISTEN connection now (PostgreSQL)."""
        return self._listening.is_set()

    def listen(self) -> None:
        """On PostgreSQL, start (once) a daemon thread that hears every replica's announcements and publishes them
        to ``notifier``; it reconnects with a growing pause when the server goes, and then announces "state" and
        "answers" for every session the notifier knows, since news may have been missed meanwhile. On SQLite nothing to do:
        one machine, and the store publishes itself."""
        if not self.postgresql:
            return
        with self._listen_lock:
            if self._listener is None and not self._closed.is_set():
                self._listener = threading.Thread(target=self._listen, name="live-listen", daemon=True)
                self._listener.start()

    def _listen(self) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        conninfo = make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)
        pause, connected_before = LISTEN_BACKOFF[0], False
        while not self._closed.is_set():
            try:
                with psycopg.connect(
                    conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT, application_name=f"{APPLICATION}-listen"
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    pause = LISTEN_BACKOFF[0]
                    if connected_before:  # news may have gone by meanwhile: everyone reads again
                        for code in self.notifier.known():
                            self.notifier.publish(code, "state")
                            self.notifier.publish(code, "answers")
                    connected_before = True
                    while not self._closed.is_set():
                        for notice in connection.notifies(timeout=LISTEN_POLL):
                            self._heard(notice.payload)
            except psycopg.Error as exc:
                if not self._closed.is_set():
                    log.warning("live sessions: listening for news stopped (%s); again in %.1f s", exc, pause)
            finally:
                self._listening.clear()
            if self._closed.wait(pause):
                break
            pause = min(pause * 2, LISTEN_BACKOFF[1])

    def _heard(self, payload: str) -> None:
        code, _, kind = payload.partition(" ")
        with contextlib.suppress(ValueError):  # not one of ours
            self.notifier.publish(code, kind)

    def version(self) -> int:
        return self._read(lambda c: c.scalar(select(func.max(schema_version.c.version))))

    # --- sessions --------------------------------------------------------------------------------------------

    def start_session(
        self,
        now: float,
        language: str = "en",
        spoiler_safe: bool = False,
        lifetime: float = DEFAULT_LIFETIME,
        *,
        address: str = "",
        cap: int = DEFAULT_CAP,
    ) -> tuple[LiveSession, str]:
        """Make and keep a new session with a code no live session has; returns it with the presenter's secret.
        ``address`` is where the request came from: :class:`LiveError` (``TOO_MANY_SESSIONS``) when it started
        ``SESSIONS_PER_HOUR`` sessions in the past hour, on any replica ("" is unknown: a caller outside a request,
        not counted)."""
        origin = self.origin_of(address) if address else ""
        for _ in range(5):  # a code already taken is one chance in ten million: try another
            session, secret = new_session(now, language, spoiler_safe, lifetime, cap)
            try:
                self.add_session(session, origin)
            except IntegrityError:
                continue
            return session, secret
        raise StoreUnavailable("no free session code after five tries")

    def add_session(self, session: LiveSession, origin: str = "") -> None:
        """Keep a session; with an ``origin`` (``origin_of``), only within ``SESSIONS_PER_HOUR`` from it."""
        row = {
            "code": session.code,
            "secret_hash": session.secret_hash,
            "created": session.created,
            "expires": session.expires,
            "language": session.language,
            "spoiler_safe": session.spoiler_safe,
            "cap": checked_cap(session.cap),
            "origin": origin,
            "joining": bool(session.joining),
        }

        def work(connection: Connection) -> None:
            if origin:
                if self.postgresql:  # two replicas starting for one address at once: one counts after the other
                    connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK, func.hashtext(origin))))
                recent = (
                    select(func.count())
                    .select_from(sessions)
                    .where(sessions.c.origin == origin, sessions.c.created > session.created - HOUR)
                )
                started = connection.scalar(recent) or 0
                if started >= SESSIONS_PER_HOUR:
                    raise LiveError(TOO_MANY_SESSIONS)
            connection.execute(insert(sessions).values(**row))
            self._count(connection, "live_session", session.language, session.created)

        self._run(work)

    def set_cap(self, code: str, cap: int) -> bool:
        """Change how many participants a session lets in (those already in stay in); whether there is such a
        session. A ValueError for a cap out of bounds."""
        cap = checked_cap(cap)

        def work(connection: Connection) -> bool:
            if not connection.execute(update(sessions).where(sessions.c.code == code).values(cap=cap)).rowcount:
                return False
            self._announce(connection, code, "state")
            return True

        return self._run(work)

    def set_joining(self, code: str, open: bool) -> bool:
        """Open or close a session to new participants (those already in stay in); whether there is such a
        session. Announced as "state": phones waiting at the door hear it."""

        def work(connection: Connection) -> bool:
            if not connection.execute(update(sessions).where(sessions.c.code == code).values(joining=bool(open))).rowcount:
                return False
            self._announce(connection, code, "state")
            return True

        return self._run(work)

    def session(self, code: str, now: float) -> LiveSession | None:
        """The session with this code, or None when there is none or it has expired."""
        found = self.find(code)
        return None if found is None or found.expired(now) else found

    def find(self, code: str) -> LiveSession | None:
        """The session with this code, expired or not (until the purge deletes it), to tell an ended session
        from a code that never was."""
        row = self._read(lambda c: c.execute(select(sessions).where(sessions.c.code == code)).first())
        if row is None:
            return None
        return LiveSession(
            row.code, row.secret_hash, row.created, row.expires, row.language, bool(row.spoiler_safe), row.cap, bool(row.joining)
        )

    def join(self, code: str, token: str, now: float) -> bool:
        """Count a participant in (once, however often they rejoin); False when the session is unknown or over.
        For a participant not yet in: :class:`LiveError` (``JOINING_CLOSED``) when the presenter closed joining,
        (``SESSION_FULL``) when the session has its cap of participants already. A new participant is announced as
        "answers" news (the projector's join count), which phones do not wait for.
        The session's row is locked while counting, so replicas letting in the last places at once never pass
        the cap."""
        if not valid_participant(token):
            raise ValueError("not a participant token")

        def work(connection: Connection) -> bool:
            row = connection.execute(
                select(sessions.c.expires, sessions.c.cap, sessions.c.joining)
                .where(sessions.c.code == code)
                .with_for_update(key_share=True)
            ).first()
            if row is None or now >= row.expires:
                return False
            known = select(participants.c.token).where(participants.c.session == code, participants.c.token == token)
            if connection.execute(known).first() is not None:
                return True
            if not row.joining:
                raise LiveError(JOINING_CLOSED)
            count = connection.scalar(select(func.count()).select_from(participants).where(participants.c.session == code))
            if count >= row.cap:
                raise LiveError(SESSION_FULL)
            connection.execute(
                self._upsert(participants, {"session": code, "token": token, "joined_at": now}, ["session", "token"], {})
            )
            self._announce(connection, code, "answers")  # news for the projector's count; phones wait for "state"
            return True

        return self._run(work)

    def has_joined(self, code: str, token: str) -> bool:
        """Whether this participant is in this session (and the session still runs)."""
        query = (
            select(participants.c.token)
            .join(sessions, participants.c.session == sessions.c.code)
            .where(participants.c.session == code, participants.c.token == token, sessions.c.expires > time.time())
        )
        return self._read(lambda c: c.execute(query).first()) is not None

    def joined(self, code: str) -> int:
        return self._read(
            lambda c: c.scalar(select(func.count()).select_from(participants).where(participants.c.session == code)) or 0
        )

    def purge(self, now: float) -> int:
        """Delete the sessions expired at ``now``, with their questions, participants and answers, and those
        started ``EMPTY_LIFETIME`` ago or more that still have no question and no participant (a start abandoned,
        or a flood of starts, does not sit there for a session's whole lifetime); how many went."""

        def work(connection: Connection) -> int:
            gone = select(sessions.c.code).where(sessions.c.expires <= now).scalar_subquery()
            gueststore.purge_guest(connection, gone)
            for table in (answers, participants, questions):
                connection.execute(delete(table).where(table.c.session.in_(gone)))
            went = connection.execute(delete(sessions).where(sessions.c.expires <= now)).rowcount
            empty = and_(
                sessions.c.created <= now - EMPTY_LIFETIME,
                ~exists().where(questions.c.session == sessions.c.code),
                ~exists().where(participants.c.session == sessions.c.code),
            )
            # lock them first, skipping any a join or a new question holds: once locked, the delete reads afresh
            # whether they are still empty, so a phone let in just now never loses its session
            empty_codes = connection.execute(select(sessions.c.code).where(empty).with_for_update(skip_locked=True)).scalars().all()
            for start in range(0, len(empty_codes), 500):  # a flood may leave many: a bounded list per statement
                chunk = empty_codes[start : start + 500]
                gueststore.purge_guest(connection, select(sessions.c.code).where(sessions.c.code.in_(chunk), empty).scalar_subquery())
                went += connection.execute(delete(sessions).where(sessions.c.code.in_(chunk), empty)).rowcount
            return went

        return self._run(work)

    # --- questions -------------------------------------------------------------------------------------------

    def add_question(self, question: LiveQuestion) -> LiveQuestion:
        """Keep a question after the session's others: the store gives its ``position`` (the last one's + 1,
        counted under a lock, so two windows adding at once never share one). :class:`LiveError`
        (``TOO_MANY_QUESTIONS``) when the session has ``MAX_QUESTIONS``. Returns the question as kept."""
        return self.add_questions([question])[0]

    def add_questions(self, queued: Iterable[LiveQuestion]) -> list[LiveQuestion]:
        """Keep several questions of one session at once, after its others in the order given (a lesson plan's),
        all or none: :class:`LiveError` (``TOO_MANY_QUESTIONS``) when they would pass ``MAX_QUESTIONS``."""
        queued = list(queued)
        if not queued:
            return []
        code = queued[0].session
        if any(q.session != code for q in queued):
            raise ValueError("questions of one session at a time")

        def work(connection: Connection) -> list[LiveQuestion]:
            connection.execute(select(sessions.c.code).where(sessions.c.code == code).with_for_update(key_share=True))
            count, last = connection.execute(
                select(func.count(), func.max(questions.c.position)).where(questions.c.session == code)
            ).one()
            if count + len(queued) > MAX_QUESTIONS:
                raise LiveError(TOO_MANY_QUESTIONS, limit=MAX_QUESTIONS)
            start = -1 if last is None else last
            kept = [dataclasses.replace(q, position=start + 1 + i) for i, q in enumerate(queued)]
            connection.execute(
                insert(questions),
                [
                    {
                        "id": q.id,
                        "session": q.session,
                        "position": q.position,
                        "kind": q.kind,
                        "ref": q.ref,
                        "age": q.age,
                        "choices": _choices_json(q),
                        "state": q.state,
                    }
                    for q in kept
                ],
            )
            self._announce(connection, code, "state")
            return kept

        return self._run(work)

    def delete_question(self, question_id: str) -> bool:
        """Delete a question with its answers; whether there was one."""

        def work(connection: Connection) -> bool:
            code = connection.scalar(select(questions.c.session).where(questions.c.id == question_id))
            if code is None:
                return False
            self._lock_question(connection, question_id)
            connection.execute(delete(answers).where(answers.c.question == question_id))
            connection.execute(delete(questions).where(questions.c.id == question_id))
            self._announce(connection, code, "state")
            return True

        return self._run(work)

    @staticmethod
    def _question(row) -> LiveQuestion:
        kept = json.loads(row.choices)
        labels = tuple(tuple(c.items()) for c in kept) if kept and isinstance(kept[0], dict) else ()
        choices = tuple(next(iter(dict(c).values())) for c in labels) if labels else tuple(kept)
        return LiveQuestion(row.id, row.session, row.kind, row.ref, row.age, choices, row.state, row.position, labels)

    def question(self, question_id: str) -> LiveQuestion | None:
        row = self._read(lambda c: c.execute(select(questions).where(questions.c.id == question_id)).first())
        return None if row is None else self._question(row)

    def questions(self, code: str) -> list[LiveQuestion]:
        rows = self._read(
            lambda c: c.execute(
                select(questions).where(questions.c.session == code).order_by(questions.c.position, questions.c.id)
            ).all()
        )
        return [self._question(row) for row in rows]

    def move(self, question_id: str, state: str, expected: str | None = None) -> LiveQuestion:
        """Open, close or reveal a question, if its present state allows (a ValueError if not). With ``expected``,
        only from that state: a button pressed in a presenter's window that shows an older state does nothing.
        Opening a question closes any other open one of the session, so phones and projector show the same."""

        def work(connection: Connection) -> LiveQuestion:
            row = connection.execute(select(questions).where(questions.c.id == question_id)).first()
            if row is None:
                raise ValueError(f"no question {question_id!r}")
            # two windows opening questions at once: one waits for the other, so one question stays open
            # (FOR NO KEY UPDATE: an answer's foreign-key check on the session does not wait for it, so no deadlock)
            connection.execute(select(sessions.c.code).where(sessions.c.code == row.session).with_for_update(key_share=True))
            row = connection.execute(select(questions).where(questions.c.id == question_id)).first()
            if row is None:  # deleted (with its session) while this transaction waited for the lock
                raise ValueError(f"no question {question_id!r}")
            if expected is not None and row.state != expected:
                raise ValueError(f"the question is {row.state}, not {expected}")
            moved = self._question(row).moved_to(state)
            if state == "open":
                connection.execute(
                    update(questions)
                    .where(questions.c.session == row.session, questions.c.state == "open", questions.c.id != question_id)
                    .values(state="closed")
                )
            connection.execute(update(questions).where(questions.c.id == question_id).values(state=state))
            self._announce(connection, row.session, "state")
            return moved

        return self._run(work)

    def clear(self, question_id: str) -> None:
        """Delete a question's answers and put it back in draft, to ask it afresh."""

        def work(connection: Connection) -> None:
            code = self._lock_question(connection, question_id)
            connection.execute(delete(answers).where(answers.c.question == question_id))
            connection.execute(update(questions).where(questions.c.id == question_id).values(state="draft"))
            if code is not None:
                self._announce(connection, code, "state")
                self._announce(connection, code, "answers")

        self._run(work)

    # --- answers ---------------------------------------------------------------------------------------------

    def answer(self, question_id: str, token: str, typed: str, now: float):
        """Check and keep a participant's answer, replacing their earlier one (a changed text needs approving
        again). The question's state is read in the same transaction, so an answer cannot slip in after closing.
        Returns the :class:`~explorer.live.Checked` value; raises :class:`~explorer.live.AnswerRefused`."""
        if not valid_participant(token):
            raise ValueError("not a participant token")

        def work(connection: Connection):
            row = connection.execute(
                select(questions, sessions.c.expires)
                .join(sessions, questions.c.session == sessions.c.code)
                .where(questions.c.id == question_id)
                .with_for_update(read=True, of=questions)
            ).first()  # closing waits for us
            if row is None:
                raise ValueError(f"no question {question_id!r}")
            if now >= row.expires:
                raise AnswerRefused(ENDED)
            question = self._question(row)
            checked = check_answer(question, typed)
            # a word the presenter has already let through shows at once, whoever gives it
            approved = (
                question.kind == "word"
                and connection.execute(
                    select(answers.c.participant)
                    .where(answers.c.question == question_id, answers.c.value == checked.value, answers.c.approved)
                    .limit(1)
                ).first()
                is not None
            )
            # and a word already discarded is discarded at once too
            refused = (
                question.kind == "word"
                and not approved
                and connection.execute(
                    select(answers.c.participant)
                    .where(answers.c.question == question_id, answers.c.value == checked.value, answers.c.refused)
                    .limit(1)
                ).first()
                is not None
            )
            values = {
                "question": question_id,
                "participant": token,
                "session": row.session,
                "value": checked.value,
                "cut": checked.cut,
                "approved": approved,
                "refused": refused,
                "answered_at": now,
            }
            # the same text sent again keeps its approval (or refusal); a changed one waits again (unless a word
            # already approved or discarded)
            changes = {
                "value": checked.value,
                "cut": checked.cut,
                "answered_at": now,
                "approved": case((answers.c.value == checked.value, answers.c.approved), else_=approved),
                "refused": case((answers.c.value == checked.value, answers.c.refused), else_=refused),
            }
            connection.execute(self._upsert(answers, values, ["question", "participant"], changes))
            self._announce(connection, row.session, "answers")
            self._count(connection, "live_answer", question.kind, now)  # last: its row is locked only until the commit
            return checked

        return self._run(work)

    def _lock_question(self, connection: Connection, question_id: str) -> str | None:
        """On PostgreSQL, hold the question's row until the transaction ends, so an answer being written waits
        (answers take a shared lock on it; FOR NO KEY UPDATE leaves foreign-key checks free); SQLite's
        transactions are serialised already. The question's session (None: no such question)."""
        return connection.scalar(select(questions.c.session).where(questions.c.id == question_id).with_for_update(key_share=True))

    def approve_word(self, question_id: str, word: str, approved: bool = True) -> None:
        """Let a one-word reaction through to everyone (every answer giving it, now and later), or hide it again
        (it then waits again)."""

        def work(connection: Connection) -> None:
            code = self._lock_question(connection, question_id)
            changed = connection.execute(
                update(answers)
                .where(answers.c.question == question_id, answers.c.value == word)
                .values(approved=approved, refused=False)
            ).rowcount
            if changed and code is not None:  # answers changed, so their question exists
                self._announce(connection, code, "answers")

        self._run(work)

    def refuse_word(self, question_id: str, word: str) -> None:
        """Discard a one-word reaction: every answer giving it, now and later, is never shown and no longer waits."""

        def work(connection: Connection) -> None:
            code = self._lock_question(connection, question_id)
            changed = connection.execute(
                update(answers).where(answers.c.question == question_id, answers.c.value == word).values(approved=False, refused=True)
            ).rowcount
            if changed and code is not None:  # answers changed, so their question exists
                self._announce(connection, code, "answers")

        self._run(work)

    def approve(self, question_id: str, token: str, value: str, approved: bool = True) -> bool:
        """Let a written answer through, if it still reads ``value`` (what the presenter read): a text changed
        meanwhile stays waiting. Whether it was approved."""

        def work(connection: Connection) -> bool:
            done = connection.execute(
                update(answers)
                .where(answers.c.question == question_id, answers.c.participant == token, answers.c.value == value)
                .values(approved=approved, refused=False)
                .returning(answers.c.session)
            ).first()
            if done is not None:
                self._announce(connection, done.session, "answers")
            return done is not None

        return self._run(work)

    def approve_many(self, question_id: str, shown: Iterable[tuple[str, str]], approved: bool = True) -> int:
        """Let several written answers through at once, each (participant token, text) if it still reads that text
        (a text changed meanwhile stays waiting); in one transaction. How many were approved. With ``approved``
        false they are discarded instead: never shown, and no longer waiting."""

        def work(connection: Connection) -> int:
            done = sum(
                connection.execute(
                    update(answers)
                    .where(answers.c.question == question_id, answers.c.participant == token, answers.c.value == value)
                    .values(approved=approved, refused=not approved)
                ).rowcount
                for token, value in shown
            )
            if done:
                code = connection.scalar(select(questions.c.session).where(questions.c.id == question_id))
                if code is not None:  # answers were approved: their question exists
                    self._announce(connection, code, "answers")
            return done

        return self._run(work)

    def refuse_many(self, question_id: str, shown: Iterable[tuple[str, str]]) -> int:
        """Discard several written answers at once (as :meth:`approve_many`): how many were discarded."""
        return self.approve_many(question_id, shown, approved=False)

    def answer_of(self, question_id: str, token: str) -> Answer | None:
        """A participant's present answer to a question, if any (their phone shows it, to change it)."""
        row = self._read(
            lambda c: c.execute(select(answers).where(answers.c.question == question_id, answers.c.participant == token)).first()
        )
        return (
            None
            if row is None
            else Answer(
                row.question, row.participant, row.value, row.answered_at, bool(row.cut), bool(row.approved), bool(row.refused)
            )
        )

    def counts(self, code: str) -> dict[str, int]:
        """How many answers each of a session's questions has."""
        rows = self._read(
            lambda c: c.execute(
                select(answers.c.question, func.count()).where(answers.c.session == code).group_by(answers.c.question)
            ).all()
        )
        return {question: count for question, count in rows}

    def place_votes(self, now: float) -> list[str]:
        """Every place vote in the sessions still kept (not expired at ``now``): the evening's votes, for a
        kiosk's attract screen. One value (a place id) per vote."""
        query = (
            select(answers.c.value)
            .join(questions, answers.c.question == questions.c.id)
            .join(sessions, answers.c.session == sessions.c.code)
            .where(questions.c.kind == "place", sessions.c.expires > now)
        )
        return list(self._read(lambda c: c.execute(query).scalars().all()))

    def answers(self, code: str, question_id: str | None = None) -> list[Answer]:
        """A session's answers (or one question's), oldest first."""
        query = select(answers).where(answers.c.session == code)
        if question_id is not None:
            query = query.where(answers.c.question == question_id)
        rows = self._read(lambda c: c.execute(query.order_by(answers.c.answered_at, answers.c.participant)).all())
        return [
            Answer(r.question, r.participant, r.value, r.answered_at, bool(r.cut), bool(r.approved), bool(r.refused)) for r in rows
        ]

    # --- anonymous usage counts and kiosks' heartbeats (the staff page) -------------------------------------

    def _add_counts(self, connection: Connection, counts: Mapping[tuple[int, str, str], int]) -> None:
        for (hour, kind, item), count in sorted(counts.items()):  # one order on every replica: no deadlock
            values = {"hour": hour, "kind": kind, "item": item, "count": count}
            connection.execute(self._upsert(usage_counts, values, ["hour", "kind", "item"], {"count": usage_counts.c.count + count}))

    def _count(self, connection: Connection, kind: str, item: str, now: float) -> None:
        """Count one ``kind``/``item`` in the transaction that does it (live sessions and answers: their rows go
        after ``session_hours``, the count stays)."""
        checked = checked_item(kind, item)
        if checked is not None:
            self._add_counts(connection, {(epoch_hour(now), kind, checked): 1})

    def add_usage(
        self,
        counts: Mapping[tuple[int, str, str], int],
        beats: Iterable[Beat] = (),
        now: float | None = None,
        keep_days: int | None = None,
    ) -> None:
        """Add a tally's counts (``explorer.usage.Tally.take``) and kiosks' heartbeats at ``now``, in one
        transaction; with ``keep_days``, delete what is older first. Items outside their vocabulary are
        dropped here too."""
        now = time.time() if now is None else now
        kept = {}
        for (hour, kind, item), count in counts.items():
            # a place's id was checked against the content when counted (the store has no content)
            checked = checked_item(kind, item) if kind not in ("place", "postcard") else item if isinstance(item, str) else None
            if checked is not None and isinstance(hour, int) and count > 0:
                kept[(hour, kind, checked)] = count

        def work(connection: Connection) -> None:
            if keep_days is not None:
                self._purge_usage(connection, now, keep_days)
            self._add_counts(connection, kept)
            for beat in sorted(beats, key=lambda b: b.name):
                values = {
                    "name": beat.name,
                    "first_seen": now,
                    "last_seen": now,
                    "screen_seen": beat.screen,
                    "silent_after": beat.silent_after,
                }
                changes: dict[str, object] = {"last_seen": now, "silent_after": beat.silent_after}
                if beat.screen is not None:
                    changes["screen_seen"] = case(
                        (kiosk_beats.c.screen_seen.is_(None), beat.screen),
                        (kiosk_beats.c.screen_seen < beat.screen, beat.screen),
                        else_=kiosk_beats.c.screen_seen,
                    )
                connection.execute(self._upsert(kiosk_beats, values, ["name"], changes))

        self._run(work)

    @staticmethod
    def _purge_usage(connection: Connection, now: float, keep_days: int) -> int:
        oldest = min(epoch_hour(now) - keep_days * 24, 2**31 - 1)  # a far "now" (tests) still fits an INTEGER
        went = connection.execute(delete(usage_counts).where(usage_counts.c.hour < oldest)).rowcount
        went += connection.execute(delete(kiosk_beats).where(kiosk_beats.c.last_seen < now - keep_days * 86_400)).rowcount
        return went

    def purge_usage(self, now: float, keep_days: int) -> int:
        """Delete the counts of hours older than ``keep_days`` days and the heartbeats of kiosks silent as long;
        how many rows went."""
        return self._run(lambda connection: self._purge_usage(connection, now, keep_days))

    def usage(self, since: float | None = None) -> list[tuple[int, str, str, int]]:
        """The kept counts (hour, kind, item, count), from ``since``'s hour on (every one without it)."""
        query = select(usage_counts.c.hour, usage_counts.c.kind, usage_counts.c.item, usage_counts.c.count)
        if since is not None:
            query = query.where(usage_counts.c.hour >= epoch_hour(since))
        query = query.order_by(usage_counts.c.hour, usage_counts.c.kind, usage_counts.c.item)
        return [tuple(row) for row in self._read(lambda c: c.execute(query).all())]

    def beats(self) -> list[dict[str, object]]:
        """Every kiosk's heartbeats (name, first_seen, last_seen, screen_seen, silent_after), by name."""
        rows = self._read(lambda c: c.execute(select(kiosk_beats).order_by(kiosk_beats.c.name)).all())
        return [dict(row._mapping) for row in rows]


# the questions for the guest keep their tables in this database too (made with the rest by ``_create``)
import explorer.gueststore as gueststore  # noqa: E402  (it imports this module, so it comes last)
