"""The live sessions' store, on SQLAlchemy Core: SQLite in a file by default, PostgreSQL when a URL names one.

SQLite needs nothing installed and serves one machine; PostgreSQL lets several replicas behind nginx share the
same sessions. The schema is created at start and a ``schema_version`` row tells a later migration what it finds:
version 2 added the answers' ``refused`` column (an answer the presenter discarded), with a default, so a database
made by an older explorer is brought up to date at start, on SQLite and PostgreSQL alike.
One answer per participant per question is the database's rule (a unique constraint), written by an upsert, so
two replicas answering for the same phone at once still leave one row. Expired sessions go with their answers.
"""

from __future__ import annotations

import json
import os
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
    case,
    create_engine,
    delete,
    event,
    false,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError as UrlError
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError

from explorer.errors import ExplorerError
from explorer.i18n import N_, t
from explorer.live import (
    DEFAULT_LIFETIME,
    ENDED,
    Answer,
    AnswerRefused,
    LiveQuestion,
    LiveSession,
    check_answer,
    new_session,
    valid_participant,
)
from explorer.settings import DEFAULT_LIVE_DIR, Settings

SCHEMA_VERSION = 2  # 1: the first schema; 2: live_answers.refused
SCHEMA_LOCK = 0x4845_5245  # PostgreSQL advisory lock id ("HERE") held while the schema is made
DATABASE_URL_VARIABLE = "EXPLORER_DATABASE_URL"
LIVE_DIR_VARIABLE = "EXPLORER_LIVE_DIR"
DATABASE_FILE = "live.sqlite3"
BUSY_TIMEOUT = 5.0  # seconds a SQLite writer waits for another one before giving up
CONNECT_TIMEOUT = 5  # seconds to reach a PostgreSQL server
UNAVAILABLE = N_("Live sessions are not available just now: their database cannot be reached. The rest of the explorer "
                 "works as usual.")

T = TypeVar("T")
READ_ONLY = "explorer_read_only"  # an execution option: the transaction only reads

metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, primary_key=True))
sessions = Table(
    "live_sessions", metadata,
    Column("code", String(16), primary_key=True),
    Column("secret_hash", String(64), nullable=False),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False, index=True),
    Column("language", String(8), nullable=False),
    Column("spoiler_safe", Boolean, nullable=False),
)
questions = Table(
    "live_questions", metadata,
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
    "live_participants", metadata,
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False),
    Column("token", String(64), nullable=False),
    Column("joined_at", Float, nullable=False),
    UniqueConstraint("session", "token", name="one_join_per_participant"),
)
answers = Table(
    "live_answers", metadata,
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


def _choices_json(question: LiveQuestion) -> str:
    """A question's choices as kept: a list of texts, or of {language: label} when given in several languages
    (the first label is the choice's value; JSON keeps the order)."""
    if question.labels:
        return json.dumps([dict(pairs) for pairs in question.labels], ensure_ascii=False)
    return json.dumps(list(question.choices))


class StoreUnavailable(ExplorerError):
    """The live sessions' database cannot be reached; ``text(language)`` says so for the page, which carries on."""

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
    when the database cannot be reached, so a page can say so and the rest of the explorer keeps working."""

    def __init__(self, url: str | None = None, connect_timeout: float = CONNECT_TIMEOUT):
        self.url = with_driver(url or database_url())
        try:
            if self.url.startswith("sqlite"):
                if self.url.startswith("sqlite:///") and not self.url.endswith(":memory:"):
                    folder = Path(self.url.removeprefix("sqlite:///")).parent
                    try:
                        folder.mkdir(parents=True, exist_ok=True)
                    except OSError as exc:
                        raise StoreUnavailable(f"cannot make the live sessions' folder {folder}: {exc}") from exc
                self.engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT, "check_same_thread": False})
                _sqlite_events(self.engine)
            else:
                self.engine = create_engine(self.url, pool_pre_ping=True,
                                            connect_args={"connect_timeout": max(1, int(connect_timeout))})
        except (UrlError, ImportError) as exc:
            raise StoreUnavailable(f"cannot use the database {self._shown_url()}: {exc}") from exc
        self.reader = self.engine.execution_options(**{READ_ONLY: True})
        try:
            self._run(self._create)
        except StoreUnavailable:
            self.engine.dispose()
            raise

    def _shown_url(self) -> str:
        """The URL without its password, for messages and logs."""
        try:
            from sqlalchemy.engine import make_url

            return make_url(self.url).render_as_string(hide_password=True)
        except UrlError:
            return "(an invalid URL)"

    def _create(self, connection: Connection) -> None:
        if self.engine.dialect.name == "postgresql":  # replicas starting together: one creates, the others wait
            connection.execute(select(func.pg_advisory_xact_lock(SCHEMA_LOCK)))
        metadata.create_all(connection)
        found = connection.scalar(select(func.max(schema_version.c.version)))
        if found is not None and found > SCHEMA_VERSION:
            raise ExplorerError(f"the live sessions' database has schema {found}, newer than this explorer's {SCHEMA_VERSION}")
        if found is not None and found < 2:
            self._migrate_to_2(connection)
        if found != SCHEMA_VERSION:
            connection.execute(self._upsert(schema_version, {"version": SCHEMA_VERSION}, ["version"], {}))

    def _migrate_to_2(self, connection: Connection) -> None:
        """Schema 1 to 2: the answers' ``refused`` column, false for every answer already kept (create_all makes
        missing tables, never a missing column)."""
        if "refused" not in {column["name"] for column in inspect(connection).get_columns("live_answers")}:
            default = "false" if self.engine.dialect.name == "postgresql" else "0"
            connection.execute(text(f"ALTER TABLE live_answers ADD COLUMN refused BOOLEAN NOT NULL DEFAULT {default}"))

    @contextmanager
    def _connection(self, read_only: bool = False) -> Iterator[Connection]:
        try:
            with (self.reader if read_only else self.engine).begin() as connection:
                yield connection
        except (OperationalError, InterfaceError) as exc:  # not IntegrityError: that is a rule broken, not a database down
            raise StoreUnavailable(f"the live sessions' database {self._shown_url()} cannot be reached: {exc.orig}") from exc

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
        self.engine.dispose()

    def version(self) -> int:
        return self._read(lambda c: c.scalar(select(func.max(schema_version.c.version))))

    # --- sessions --------------------------------------------------------------------------------------------

    def start_session(self, now: float, language: str = "en", spoiler_safe: bool = False,
                      lifetime: float = DEFAULT_LIFETIME) -> tuple[LiveSession, str]:
        """Make and keep a new session with a code no live session has; returns it with the presenter's secret."""
        for _ in range(5):  # a code already taken is one chance in ten million: try another
            session, secret = new_session(now, language, spoiler_safe, lifetime)
            try:
                self.add_session(session)
            except IntegrityError:
                continue
            return session, secret
        raise StoreUnavailable("no free session code after five tries")

    def add_session(self, session: LiveSession) -> None:
        row = {"code": session.code, "secret_hash": session.secret_hash, "created": session.created,
               "expires": session.expires, "language": session.language, "spoiler_safe": session.spoiler_safe}
        self._run(lambda c: c.execute(insert(sessions).values(**row)))

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
        return LiveSession(row.code, row.secret_hash, row.created, row.expires, row.language, bool(row.spoiler_safe))

    def join(self, code: str, token: str, now: float) -> bool:
        """Count a participant in (once, however often they rejoin); False when the session is unknown or over."""
        if not valid_participant(token):
            raise ValueError("not a participant token")

        def work(connection: Connection) -> bool:
            expires = connection.scalar(select(sessions.c.expires).where(sessions.c.code == code))
            if expires is None or now >= expires:
                return False
            connection.execute(self._upsert(participants, {"session": code, "token": token, "joined_at": now},
                                            ["session", "token"], {}))
            return True

        return self._run(work)

    def has_joined(self, code: str, token: str) -> bool:
        """Whether this participant is in this session (and the session still runs)."""
        query = (select(participants.c.token).join(sessions, participants.c.session == sessions.c.code)
                 .where(participants.c.session == code, participants.c.token == token, sessions.c.expires > time.time()))
        return self._read(lambda c: c.execute(query).first()) is not None

    def joined(self, code: str) -> int:
        return self._read(lambda c: c.scalar(select(func.count()).select_from(participants)
                                            .where(participants.c.session == code)))

    def purge(self, now: float) -> int:
        """Delete the sessions expired at ``now``, with their questions, participants and answers; how many went."""

        def work(connection: Connection) -> int:
            gone = select(sessions.c.code).where(sessions.c.expires <= now).scalar_subquery()
            for table in (answers, participants, questions):
                connection.execute(delete(table).where(table.c.session.in_(gone)))
            return connection.execute(delete(sessions).where(sessions.c.expires <= now)).rowcount

        return self._run(work)

    # --- questions -------------------------------------------------------------------------------------------

    def add_question(self, question: LiveQuestion) -> None:
        row = {"id": question.id, "session": question.session, "position": question.position, "kind": question.kind,
               "ref": question.ref, "age": question.age, "choices": _choices_json(question), "state": question.state}
        self._run(lambda c: c.execute(insert(questions).values(**row)))

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
        rows = self._read(lambda c: c.execute(select(questions).where(questions.c.session == code)
                                             .order_by(questions.c.position, questions.c.id)).all())
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
            connection.execute(select(sessions.c.code).where(sessions.c.code == row.session)
                               .with_for_update(key_share=True))
            row = connection.execute(select(questions).where(questions.c.id == question_id)).first()
            if expected is not None and row.state != expected:
                raise ValueError(f"the question is {row.state}, not {expected}")
            moved = self._question(row).moved_to(state)
            if state == "open":
                connection.execute(update(questions).where(questions.c.session == row.session, questions.c.state == "open",
                                                           questions.c.id != question_id).values(state="closed"))
            connection.execute(update(questions).where(questions.c.id == question_id).values(state=state))
            return moved

        return self._run(work)

    def clear(self, question_id: str) -> None:
        """Delete a question's answers and put it back in draft, to ask it afresh."""

        def work(connection: Connection) -> None:
            self._lock_question(connection, question_id)
            connection.execute(delete(answers).where(answers.c.question == question_id))
            connection.execute(update(questions).where(questions.c.id == question_id).values(state="draft"))

        self._run(work)

    # --- answers ---------------------------------------------------------------------------------------------

    def answer(self, question_id: str, token: str, typed: str, now: float):
        """Check and keep a participant's answer, replacing their earlier one (a changed text needs approving
        again). The question's state is read in the same transaction, so an answer cannot slip in after closing.
        Returns the :class:`~explorer.live.Checked` value; raises :class:`~explorer.live.AnswerRefused`."""
        if not valid_participant(token):
            raise ValueError("not a participant token")

        def work(connection: Connection):
            row = connection.execute(select(questions, sessions.c.expires)
                                     .join(sessions, questions.c.session == sessions.c.code)
                                     .where(questions.c.id == question_id)
                                     .with_for_update(read=True, of=questions)).first()  # closing waits for us
            if row is None:
                raise ValueError(f"no question {question_id!r}")
            if now >= row.expires:
                raise AnswerRefused(ENDED)
            question = self._question(row)
            checked = check_answer(question, typed)
            # a word the presenter has already let through shows at once, whoever gives it
            approved = question.kind == "word" and connection.execute(
                select(answers.c.participant).where(answers.c.question == question_id, answers.c.value == checked.value,
                                                    answers.c.approved).limit(1)).first() is not None
            # and a word already discarded is discarded at once too
            refused = question.kind == "word" and not approved and connection.execute(
                select(answers.c.participant).where(answers.c.question == question_id, answers.c.value == checked.value,
                                                    answers.c.refused).limit(1)).first() is not None
            values = {"question": question_id, "participant": token, "session": row.session, "value": checked.value,
                      "cut": checked.cut, "approved": approved, "refused": refused, "answered_at": now}
            # the same text sent again keeps its approval (or refusal); a changed one waits again (unless a word
            # already approved or discarded)
            changes = {"value": checked.value, "cut": checked.cut, "answered_at": now,
                       "approved": case((answers.c.value == checked.value, answers.c.approved), else_=approved),
                       "refused": case((answers.c.value == checked.value, answers.c.refused), else_=refused)}
            connection.execute(self._upsert(answers, values, ["question", "participant"], changes))
            return checked

        return self._run(work)

    def _lock_question(self, connection: Connection, question_id: str) -> None:
        """On PostgreSQL, hold the question's row until the transaction ends, so an answer being written waits
        (answers take a shared lock on it; FOR NO KEY UPDATE leaves foreign-key checks free); SQLite's
        transactions are serialised already."""
        connection.execute(select(questions.c.id).where(questions.c.id == question_id).with_for_update(key_share=True))

    def approve_word(self, question_id: str, word: str, approved: bool = True) -> None:
        """Let a one-word reaction through to everyone (every answer giving it, now and later), or hide it again
        (it then waits again)."""

        def work(connection: Connection) -> None:
            self._lock_question(connection, question_id)
            connection.execute(update(answers).where(answers.c.question == question_id, answers.c.value == word)
                               .values(approved=approved, refused=False))

        self._run(work)

    def refuse_word(self, question_id: str, word: str) -> None:
        """Discard a one-word reaction: every answer giving it, now and later, is never shown and no longer waits."""

        def work(connection: Connection) -> None:
            self._lock_question(connection, question_id)
            connection.execute(update(answers).where(answers.c.question == question_id, answers.c.value == word)
                               .values(approved=False, refused=True))

        self._run(work)

    def approve(self, question_id: str, token: str, value: str, approved: bool = True) -> bool:
        """Let a written answer through, if it still reads ``value`` (what the presenter read): a text changed
        meanwhile stays waiting. Whether it was approved."""
        return self._run(lambda c: c.execute(
            update(answers).where(answers.c.question == question_id, answers.c.participant == token,
                                  answers.c.value == value).values(approved=approved, refused=False)).rowcount) > 0

    def approve_many(self, question_id: str, shown: Iterable[tuple[str, str]], approved: bool = True) -> int:
        """Let several written answers through at once, each (participant token, text) if it still reads that text
        (a text changed meanwhile stays waiting); in one transaction. How many were approved. With ``approved``
        false they are discarded instead: never shown, and no longer waiting."""

        def work(connection: Connection) -> int:
            return sum(connection.execute(
                update(answers).where(answers.c.question == question_id, answers.c.participant == token,
                                      answers.c.value == value).values(approved=approved, refused=not approved)).rowcount
                for token, value in shown)

        return self._run(work)

    def refuse_many(self, question_id: str, shown: Iterable[tuple[str, str]]) -> int:
        """Discard several written answers at once (as :meth:`approve_many`): how many were discarded."""
        return self.approve_many(question_id, shown, approved=False)

    def answer_of(self, question_id: str, token: str) -> Answer | None:
        """A participant's present answer to a question, if any (their phone shows it, to change it)."""
        row = self._read(lambda c: c.execute(select(answers).where(answers.c.question == question_id,
                                                                  answers.c.participant == token)).first())
        return None if row is None else Answer(row.question, row.participant, row.value, row.answered_at,
                                               bool(row.cut), bool(row.approved), bool(row.refused))

    def counts(self, code: str) -> dict[str, int]:
        """How many answers each of a session's questions has."""
        rows = self._read(lambda c: c.execute(select(answers.c.question, func.count()).where(answers.c.session == code)
                                             .group_by(answers.c.question)).all())
        return {question: count for question, count in rows}

    def place_votes(self, now: float) -> list[str]:
        """Every place vote in the sessions still kept (not expired at ``now``): the evening's votes, for a
        kiosk's attract screen. One value (a place id) per vote."""
        query = (select(answers.c.value).join(questions, answers.c.question == questions.c.id)
                 .join(sessions, answers.c.session == sessions.c.code)
                 .where(questions.c.kind == "place", sessions.c.expires > now))
        return list(self._read(lambda c: c.execute(query).scalars().all()))

    def answers(self, code: str, question_id: str | None = None) -> list[Answer]:
        """A session's answers (or one question's), oldest first."""
        query = select(answers).where(answers.c.session == code)
        if question_id is not None:
            query = query.where(answers.c.question == question_id)
        rows = self._read(lambda c: c.execute(query.order_by(answers.c.answered_at, answers.c.participant)).all())
        return [Answer(r.question, r.participant, r.value, r.answered_at, bool(r.cut), bool(r.approved), bool(r.refused))
                for r in rows]
