"""The live sessions' store: SQLite in a temporary folder, and PostgreSQL when EXPLORER_TEST_DATABASE_URL names one."""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import os
import re
import shutil
import stat
import threading
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from conftest import DATABASES, POSTGRES
from explorer.errors import ExplorerError
from explorer.live import (
    DEFAULT_CAP,
    EMPTY_LIFETIME,
    JOINING_CLOSED,
    MAX_CAP,
    MAX_QUESTIONS,
    SESSION_FULL,
    SESSIONS_PER_HOUR,
    TOO_MANY_QUESTIONS,
    TOO_MANY_SESSIONS,
    AnswerRefused,
    LiveError,
    classroom_question,
    new_participant,
    new_session,
    place_question,
    plan_questions,
    word_question,
)
from explorer.liveauth import Signer
from explorer.livestore import (
    DATABASE_FILE,
    HOUR,
    SCHEMA_VERSION,
    LiveStore,
    StoreUnavailable,
    database_url,
    sqlite_url,
    with_driver,
)
from explorer.model import AGE_BANDS, LESSON_KINDS

NOW = 1_800_000_000.0


def started(store, content, lifetime=3600.0, now=NOW):
    session, secret = new_session(now, lifetime=lifetime)
    store.add_session(session)
    question = place_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    return session, store.question(question.id)


def test_the_schema_is_created_with_its_version_and_opening_again_keeps_the_data(tmp_path, content):
    first = LiveStore(sqlite_url(tmp_path))
    assert first.version() == SCHEMA_VERSION
    session, _ = started(first, content)
    first.close()
    again = LiveStore(sqlite_url(tmp_path))
    assert again.version() == SCHEMA_VERSION
    assert again.session(session.code, NOW) == session
    assert (tmp_path / DATABASE_FILE).is_file()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    live = LiveStore(sqlite_url(tmp_path))
    with live.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 1000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_sessions_are_found_by_code_until_they_expire(store, content):
    session, _ = started(store, content, lifetime=60)
    assert store.session(session.code, NOW + 59) == session
    assert store.session(session.code, NOW + 60) is None
    assert store.session("ZZZZZZ", NOW) is None


def test_joining_counts_each_participant_once(store, content):
    session, _ = started(store, content, lifetime=60)
    ana, ben = new_participant(), new_participant()
    assert store.join(session.code, ana, NOW) and store.join(session.code, ana, NOW + 1)
    assert store.join(session.code, ben, NOW + 2)
    assert store.joined(session.code) == 2
    assert not store.join("ZZZZZZ", ana, NOW)
    assert not store.join(session.code, new_participant(), NOW + 61)
    with pytest.raises(ValueError):
        store.join(session.code, "Ana Peeters", NOW)


def test_an_answer_changed_while_open_stays_one_row(store, content):
    session, question = started(store, content)
    ana = new_participant()
    store.answer(question.id, ana, question.choices[0], NOW)
    store.answer(question.id, ana, question.choices[1], NOW + 1)
    kept = store.answers(session.code)
    assert [(a.participant, a.value) for a in kept] == [(ana, question.choices[1])]
    store.move(question.id, "closed")
    with pytest.raises(AnswerRefused):
        store.answer(question.id, ana, question.choices[2], NOW + 2)
    assert store.answers(session.code)[0].value == question.choices[1]
    with pytest.raises(AnswerRefused):
        store.answer(question.id, new_participant(), "nowhere", NOW + 3)


def test_the_database_itself_refuses_a_second_answer_row(store, content):
    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from explorer.livestore import answers

    session, question = started(store, content)
    ana = new_participant()
    store.answer(question.id, ana, question.choices[0], NOW)
    row = {
        "question": question.id,
        "participant": ana,
        "session": session.code,
        "value": question.choices[1],
        "cut": False,
        "approved": False,
        "answered_at": NOW,
    }
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(insert(answers).values(**row))


def test_free_text_needs_approval_again_after_a_change(store, content):
    session, _ = new_session(NOW)
    store.add_session(session)
    found = next(q for q in content.questions)
    question = classroom_question(content, session, found.id, found.ages[0])
    store.add_question(question)
    store.move(question.id, "open")
    ana = new_participant()
    checked = store.answer(question.id, ana, "x" * 1000, NOW)
    assert checked.cut
    assert store.answers(session.code)[0].cut
    store.approve(question.id, ana, store.answer_of(question.id, ana).value)
    assert store.answers(session.code)[0].approved
    store.answer(question.id, ana, "second thoughts", NOW + 1)
    (kept,) = store.answers(session.code)
    assert kept.value == "second thoughts" and not kept.approved and not kept.cut


def test_questions_keep_their_order_state_and_choices_and_clear_starts_afresh(store, content):
    session, question = started(store, content)
    word = word_question(session, position=1)
    store.add_question(word)
    assert [q.id for q in store.questions(session.code)] == [question.id, word.id]
    assert store.question(question.id).choices == question.choices
    with pytest.raises(ValueError):
        store.move(word.id, "revealed")
    store.answer(question.id, new_participant(), question.choices[0], NOW)
    store.move(question.id, "closed")
    assert store.move(question.id, "revealed").state == "revealed"
    store.clear(question.id)
    assert store.question(question.id).state == "draft"
    assert store.answers(session.code) == []


def test_answers_from_many_threads_at_once_are_neither_lost_nor_doubled(store, content):
    session, question = started(store, content)
    people = [new_participant() for _ in range(12)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(people))

    def answer_three_times(token: str) -> None:
        try:
            barrier.wait()
            for i in range(3):
                store.answer(question.id, token, question.choices[i], NOW + i)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=answer_three_times, args=(token,)) for token in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    kept = store.answers(session.code)
    assert sorted(a.participant for a in kept) == sorted(people)
    assert {a.value for a in kept} == {question.choices[2]}


def test_purge_deletes_expired_sessions_with_everything_in_them(store, content):
    old, old_question = started(store, content, lifetime=60)
    new, new_question = started(store, content, lifetime=7200)
    for session, question in ((old, old_question), (new, new_question)):
        token = new_participant()
        store.join(session.code, token, NOW)
        store.answer(question.id, token, question.choices[0], NOW)
    assert store.purge(NOW + 60) == 1
    assert store.answers(old.code) == [] and store.questions(old.code) == [] and store.joined(old.code) == 0
    assert store.session(old.code, NOW) is None
    assert len(store.answers(new.code)) == 1 and store.joined(new.code) == 1
    assert store.purge(NOW + 60) == 0


def test_purge_deletes_sessions_left_empty_for_an_hour_and_keeps_the_rest(store, content):
    empty, _ = store.start_session(NOW)
    asked, _ = store.start_session(NOW)
    store.add_question(word_question(asked))  # a lesson plan prepared ahead: kept, whoever has joined
    joined, _ = store.start_session(NOW)
    store.join(joined.code, new_participant(), NOW + 5)
    late, _ = store.start_session(NOW + 1800)
    for other_session in (store.start_session(NOW)[0] for _ in range(3)):
        store.set_joining(other_session.code, False)  # closed or not, empty is empty
    assert store.purge(NOW + EMPTY_LIFETIME - 1) == 0
    assert store.purge(NOW + EMPTY_LIFETIME) == 4
    assert store.find(empty.code) is None
    assert store.find(asked.code) is not None and len(store.questions(asked.code)) == 1
    assert store.find(joined.code) is not None and store.joined(joined.code) == 1
    assert store.find(late.code) is not None
    assert store.purge(NOW + EMPTY_LIFETIME + 1799) == 0
    assert store.purge(NOW + EMPTY_LIFETIME + 1800) == 1 and store.find(late.code) is None
    assert store.purge(NOW + EMPTY_LIFETIME + 1800) == 0


def test_a_phone_joining_an_empty_session_as_the_purge_runs_keeps_it_or_is_told_it_ended(store):
    sessions = [store.start_session(NOW)[0] for _ in range(12)]
    other = LiveStore(store.url)
    let_in, errors = [], []
    barrier = threading.Barrier(len(sessions) + 1)

    def join(session):
        try:
            token = new_participant()
            barrier.wait()
            if other.join(session.code, token, NOW + EMPTY_LIFETIME):
                let_in.append(session.code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def purge():
        try:
            barrier.wait()
            store.purge(NOW + EMPTY_LIFETIME)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(s,)) for s in sessions] + [threading.Thread(target=purge)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    assert not errors
    for session in sessions:  # let in: the session is there with the phone in it; else it went with nobody in it
        if session.code in let_in:
            assert store.find(session.code) is not None and store.joined(session.code) == 1
        else:
            assert store.find(session.code) is None


def test_the_database_url_comes_from_the_environment_or_a_folder(tmp_path):
    assert database_url({"EXPLORER_DATABASE_URL": "postgresql+psycopg://h/db"}) == "postgresql+psycopg://h/db"
    assert database_url({"EXPLORER_LIVE_DIR": str(tmp_path)}) == f"sqlite:///{tmp_path / DATABASE_FILE}"
    assert database_url({"EXPLORER_DATABASE_URL": " ", "EXPLORER_LIVE_DIR": str(tmp_path)}).startswith("sqlite:///")
    for plain in ("postgres://u@h/db", "postgresql://u@h/db"):
        assert with_driver(plain) == "postgresql+psycopg://u@h/db"
    assert with_driver("sqlite:///x.db") == "sqlite:///x.db"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write in a read-only folder")
def test_a_sqlite_file_that_cannot_be_made_is_store_unavailable(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreUnavailable):
            LiveStore(sqlite_url(locked / "missing"))
    finally:
        locked.chmod(stat.S_IRWXU)


def test_a_sqlite_path_that_is_not_a_folder_is_store_unavailable(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable) as raised:
        LiveStore(sqlite_url(blocker / "live"))
    assert isinstance(raised.value, ExplorerError)
    assert raised.value.text("nl")


def test_an_unreachable_postgresql_server_is_store_unavailable_quickly():
    pytest.importorskip("psycopg")
    import time

    start = time.monotonic()
    with pytest.raises(StoreUnavailable) as raised:
        LiveStore("postgresql+psycopg://explorer:hunter2@127.0.0.1:1/x", connect_timeout=2)
    assert time.monotonic() - start < 10
    assert "hunter2" not in str(raised.value)


def test_a_url_that_is_not_one_is_store_unavailable():
    with pytest.raises(StoreUnavailable):
        LiveStore("not a database url " + uuid.uuid4().hex)


def test_a_new_session_never_takes_a_code_already_in_use(store, monkeypatch):
    import explorer.live

    codes = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(explorer.live, "new_code", lambda: next(codes))
    first, secret = store.start_session(NOW, "nl")
    second, _ = store.start_session(NOW)
    assert (first.code, second.code) == ("AAAAAA", "BBBBBB")
    assert store.session("AAAAAA", NOW).is_presenter(secret)
    assert store.session("AAAAAA", NOW).language == "nl"


def test_a_broken_rule_is_not_mistaken_for_a_database_that_is_down(store, content):
    from sqlalchemy.exc import IntegrityError

    orphan = word_question(new_session(NOW)[0])  # its session was never stored
    with pytest.raises(IntegrityError):
        store.add_question(orphan)


def test_on_sqlite_a_read_does_not_wait_for_a_writer(tmp_path):
    """Reads begin deferred: while another connection holds the write lock, a read sees the last committed state
    at once (with BEGIN IMMEDIATE it would wait for the writer and then see its change)."""
    live = LiveStore(sqlite_url(tmp_path))
    session, _ = live.start_session(NOW)
    holding, release = threading.Event(), threading.Event()

    def writer():
        with live.engine.begin() as connection:
            connection.execute(text("UPDATE live_sessions SET language = 'fr'"))
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert holding.wait(10)
        assert live.session(session.code, NOW).language == "en"
    finally:
        release.set()
        thread.join()
    assert live.session(session.code, NOW).language == "fr"
    live.close()


def test_a_stale_press_does_nothing_and_opening_one_question_closes_the_others(store, content):
    session, first = started(store, content)  # `first` is open
    second = word_question(session, position=1)
    store.add_question(second)
    with pytest.raises(ValueError):
        store.move(first.id, "closed", expected="revealed")  # a window that still showed it revealed
    assert store.question(first.id).state == "open"
    store.move(second.id, "open", expected="draft")
    assert store.question(first.id).state == "closed" and store.question(second.id).state == "open"


def test_no_answer_after_the_session_ends(store, content):
    session, question = started(store, content, lifetime=60)
    token = new_participant()
    with pytest.raises(AnswerRefused) as refused:
        store.answer(question.id, token, "moeraske", NOW + 61)
    assert "ended" in refused.value.text("en")
    assert store.answers(session.code) == []


def test_a_word_let_through_shows_whoever_gives_it_and_can_be_hidden_again(store, content):
    session, _ = started(store, content)
    word = word_question(session, position=1)
    store.add_question(word)
    store.move(word.id, "open")
    first, second, third = (new_participant() for _ in range(3))
    store.answer(word.id, first, "Quiet", NOW)
    assert [a.approved for a in store.answers(session.code, word.id)] == [False]
    store.approve_word(word.id, "quiet")
    store.answer(word.id, second, "quiet!", NOW + 1)
    store.answer(word.id, third, "loud", NOW + 2)
    assert {a.value: a.approved for a in store.answers(session.code, word.id)} == {"quiet": True, "loud": False}
    store.approve_word(word.id, "quiet", approved=False)
    assert not any(a.approved for a in store.answers(session.code, word.id))


def test_an_approval_holds_only_for_the_text_the_presenter_read(store, content):
    session, _ = started(store, content)
    qid, age = next((q.id, q.ages[0]) for q in content.questions)
    question = classroom_question(content, session, qid, age, position=1)
    store.add_question(question)
    store.move(question.id, "open")
    pupil = new_participant()
    store.answer(question.id, pupil, "kind words", NOW)
    store.answer(question.id, pupil, "RUDE", NOW + 1)  # changed while the presenter read the first
    assert store.approve(question.id, pupil, "kind words") is False
    assert store.answer_of(question.id, pupil).approved is False
    assert store.approve(question.id, pupil, "RUDE", approved=False) is True
    store.answer(question.id, pupil, "kind words", NOW + 2)
    assert store.approve(question.id, pupil, "kind words") is True
    store.answer(question.id, pupil, "kind words", NOW + 3)  # sent twice: still approved
    assert store.answer_of(question.id, pupil).approved is True


def test_several_written_answers_are_approved_at_once_each_as_read(store, content):
    session, _ = started(store, content)
    qid, age = next((q.id, q.ages[0]) for q in content.questions)
    question = classroom_question(content, session, qid, age, position=1)
    store.add_question(question)
    store.move(question.id, "open")
    pupils = [new_participant() for _ in range(4)]
    for i, pupil in enumerate(pupils):
        store.answer(question.id, pupil, f"answer {i}", NOW + i)
    read = [(pupil, f"answer {i}") for i, pupil in enumerate(pupils)]
    store.answer(question.id, pupils[3], "changed meanwhile", NOW + 9)
    assert store.approve_many(question.id, read[1:]) == 2  # the changed one stays waiting
    assert [a.approved for a in store.answers(session.code, question.id)] == [False, True, True, False]
    assert store.approve_many(question.id, []) == 0


def test_choices_given_in_several_languages_are_kept_with_their_labels(store, content):
    session, _ = started(store, content)
    qid, age = next((q.id, q.ages[0]) for q in content.questions)
    question = classroom_question(content, session, qid, age, [{"nl": "Ja", "en": "Yes"}, {"nl": "Nee", "en": "Nö"}], position=1)
    store.add_question(question)
    kept = store.question(question.id)
    assert kept == question and kept.choices == ("Ja", "Nee") and kept.label("Nee", "en") == "Nö"
    store.move(question.id, "open")
    store.answer(question.id, new_participant(), "Ja", NOW)
    with pytest.raises(AnswerRefused):
        store.answer(question.id, new_participant(), "Yes", NOW)


def test_two_windows_opening_questions_at_once_leave_one_open(store, content):
    session, first = started(store, content)
    others = [word_question(session, position=i) for i in (1, 2)]
    for question in others:
        store.add_question(question)
    barrier = threading.Barrier(2)

    def open_(question):
        barrier.wait()
        store.move(question.id, "open")

    threads = [threading.Thread(target=open_, args=(q,)) for q in others]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [q.state for q in store.questions(session.code)].count("open") == 1


def test_answers_racing_a_close_are_in_before_it_or_refused(store, content):
    session, question = started(store, content)
    tokens = [new_participant() for _ in range(20)]
    taken, refused = [], []

    def send(token):
        try:
            store.answer(question.id, token, "moeraske", NOW)
            taken.append(token)
        except AnswerRefused:
            refused.append(token)

    threads = [threading.Thread(target=send, args=(t,)) for t in tokens]
    for thread in threads[:10]:
        thread.start()
    store.move(question.id, "closed")
    for thread in threads[10:]:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) + len(refused) == 20 and len(refused) >= 10
    assert sorted(a.participant for a in store.answers(session.code, question.id)) == sorted(taken)


def test_written_answers_are_discarded_one_or_several_at_once_each_as_read(store, content):
    session, _ = started(store, content)
    qid, age = next((q.id, q.ages[0]) for q in content.questions)
    question = classroom_question(content, session, qid, age, position=1)
    store.add_question(question)
    store.move(question.id, "open")
    pupils = [new_participant() for _ in range(4)]
    for i, pupil in enumerate(pupils):
        store.answer(question.id, pupil, f"answer {i}", NOW + i)
    store.answer(question.id, pupils[3], "changed meanwhile", NOW + 9)
    assert store.refuse_many(question.id, [(pupil, f"answer {i}") for i, pupil in enumerate(pupils)]) == 3
    kept = store.answers(session.code, question.id)
    assert [(a.refused, a.approved, a.waiting) for a in kept] == [(True, False, False)] * 3 + [(False, False, True)]
    assert store.answer_of(question.id, pupils[0]).refused
    store.answer(question.id, pupils[0], "answer 0", NOW + 10)  # the same text again: still discarded
    assert store.answer_of(question.id, pupils[0]).refused
    store.answer(question.id, pupils[0], "a better one", NOW + 11)  # a new text waits again
    assert store.answer_of(question.id, pupils[0]).waiting
    assert store.approve_many(question.id, [(pupils[1], "answer 1")]) == 1  # approving undoes a discard
    assert store.answer_of(question.id, pupils[1]).approved and not store.answer_of(question.id, pupils[1]).refused


def test_a_discarded_word_is_discarded_for_whoever_gives_it(store, content):
    session, _ = started(store, content)
    word = word_question(session, position=1)
    store.add_question(word)
    store.move(word.id, "open")
    store.answer(word.id, new_participant(), "rude", NOW)
    store.refuse_word(word.id, "rude")
    store.answer(word.id, new_participant(), "Rude!", NOW + 1)
    assert [(a.refused, a.waiting) for a in store.answers(session.code, word.id)] == [(True, False)] * 2
    store.approve_word(word.id, "rude")
    assert all(a.approved and not a.refused for a in store.answers(session.code, word.id))


@pytest.fixture(params=DATABASES)
def empty_url(request, tmp_path):
    """The URL of an empty database: a new SQLite file, or a new PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"here_migration_{uuid.uuid4().hex[:12]}"
    admin = create_engine(with_driver(POSTGRES), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(with_driver(POSTGRES)).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE {name} WITH (FORCE)"))
    admin.dispose()


def test_a_database_made_with_schema_1_is_brought_to_schema_3_keeping_its_answers(empty_url, content):
    old = LiveStore(empty_url)
    session, vote = started(old, content)
    qid, age = next((q.id, q.ages[0]) for q in content.questions)
    written = classroom_question(content, session, qid, age, position=1)
    old.add_question(written)
    pupil = new_participant()
    old.answer(vote.id, pupil, vote.choices[0], NOW)
    old.move(written.id, "open")
    old.answer(written.id, pupil, "kept through the upgrade", NOW + 1)
    with old.engine.begin() as connection:  # as an explorer of schema 1 left it: no refused column, version 1
        connection.execute(text("ALTER TABLE live_answers DROP COLUMN refused"))
        connection.execute(text("DROP INDEX live_sessions_origin"))
        connection.execute(text("ALTER TABLE live_sessions DROP COLUMN cap"))
        connection.execute(text("ALTER TABLE live_sessions DROP COLUMN origin"))
        connection.execute(text("ALTER TABLE live_sessions DROP COLUMN joining"))
        connection.execute(text("DROP TABLE live_meta"))
        connection.execute(text("DELETE FROM schema_version"))
        connection.execute(text("INSERT INTO schema_version (version) VALUES (1)"))
    old.close()
    new = LiveStore(empty_url)
    assert new.version() == SCHEMA_VERSION == 3
    assert new.session(session.code, NOW).cap == DEFAULT_CAP and new.session(session.code, NOW).joining
    kept = {a.value: a for a in new.answers(session.code)}
    assert set(kept) == {vote.choices[0], "kept through the upgrade"}
    assert not any(a.refused for a in kept.values()) and kept["kept through the upgrade"].waiting
    assert new.refuse_many(written.id, [(pupil, "kept through the upgrade")]) == 1
    assert new.answer_of(written.id, pupil).refused
    new.close()
    assert LiveStore(empty_url).version() == SCHEMA_VERSION  # opening again changes nothing


# --- schema 3: a database of schema 2, as an explorer of that version made it -----------------------------------

SCHEMA_2 = [
    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY)",
    "CREATE TABLE live_sessions (code VARCHAR(16) PRIMARY KEY, secret_hash VARCHAR(64) NOT NULL, created FLOAT NOT NULL,"
    " expires FLOAT NOT NULL, language VARCHAR(8) NOT NULL, spoiler_safe BOOLEAN NOT NULL)",
    "CREATE INDEX ix_live_sessions_expires ON live_sessions (expires)",
    "CREATE TABLE live_questions (id VARCHAR(32) PRIMARY KEY, session VARCHAR(16) NOT NULL REFERENCES live_sessions (code)"
    " ON DELETE CASCADE, position INTEGER NOT NULL, kind VARCHAR(16) NOT NULL, ref VARCHAR(64) NOT NULL,"
    " age VARCHAR(16) NOT NULL, choices TEXT NOT NULL, state VARCHAR(16) NOT NULL)",
    "CREATE TABLE live_participants (session VARCHAR(16) NOT NULL REFERENCES live_sessions (code) ON DELETE CASCADE,"
    " token VARCHAR(64) NOT NULL, joined_at FLOAT NOT NULL, CONSTRAINT one_join_per_participant UNIQUE (session, token))",
    "CREATE TABLE live_answers (question VARCHAR(32) NOT NULL REFERENCES live_questions (id) ON DELETE CASCADE,"
    " participant VARCHAR(64) NOT NULL, session VARCHAR(16) NOT NULL REFERENCES live_sessions (code) ON DELETE CASCADE,"
    " value TEXT NOT NULL, cut BOOLEAN NOT NULL, approved BOOLEAN NOT NULL, answered_at FLOAT NOT NULL,"
    " refused BOOLEAN NOT NULL DEFAULT false, CONSTRAINT one_answer_per_participant UNIQUE (question, participant))",
    "INSERT INTO schema_version (version) VALUES (1), (2)",
    f"INSERT INTO live_sessions VALUES ('OLD234', '{'0' * 64}', {NOW}, {NOW + 3600}, 'fr', false)",
    "INSERT INTO live_questions VALUES ('q1', 'OLD234', 0, 'word', '', '', '[]', 'open')",
    "INSERT INTO live_participants VALUES ('OLD234', 'AAAAAAAAAAAAAAAAAAAAAA', 1800000000.0)",
    "INSERT INTO live_answers VALUES ('q1', 'AAAAAAAAAAAAAAAAAAAAAA', 'OLD234', 'kept', false, true, 1800000001.0, false)",
]


def test_a_database_of_schema_2_is_brought_to_schema_3_keeping_everything(empty_url):
    from sqlalchemy import create_engine

    engine = create_engine(with_driver(empty_url))
    with engine.begin() as connection:
        for statement in SCHEMA_2:
            connection.execute(text(statement))
    engine.dispose()
    live = LiveStore(empty_url)
    try:
        assert live.version() == SCHEMA_VERSION == 3
        old = live.session("OLD234", NOW)
        assert old.cap == DEFAULT_CAP and old.language == "fr" and old.joining is True
        assert [(a.value, a.approved) for a in live.answers("OLD234")] == [("kept", True)]
        assert live.joined("OLD234") == 1
        assert live.set_cap("OLD234", 1)
        with pytest.raises(LiveError):
            live.join("OLD234", new_participant(), NOW)
        for _ in range(SESSIONS_PER_HOUR):  # the old session, of no known origin, counts for nobody
            live.start_session(NOW, address="198.51.100.7")
        assert len(live.signer().screen_key("OLD234")) == 22
    finally:
        live.close()
    again = LiveStore(empty_url)
    assert again.version() == SCHEMA_VERSION and again.session("OLD234", NOW).cap == 1
    again.close()


def test_a_schema_3_database_made_before_joining_was_part_of_it_gets_the_column_at_start(empty_url):
    first = LiveStore(empty_url)
    session, _ = first.start_session(NOW, cap=3)
    pupil = new_participant()
    first.join(session.code, pupil, NOW)
    with first.engine.begin() as connection:  # as this morning's schema 3 made it: version 3, no joining column
        connection.execute(text("ALTER TABLE live_sessions DROP COLUMN joining"))
    first.close()
    live = LiveStore(empty_url)
    try:
        assert live.version() == SCHEMA_VERSION == 3
        kept = live.session(session.code, NOW)
        assert kept.joining is True and kept.cap == 3 and live.joined(session.code) == 1
        assert live.set_joining(session.code, False) and live.find(session.code).joining is False
        assert live.join(session.code, pupil, NOW)  # already in
        with pytest.raises(LiveError) as closed:
            live.join(session.code, new_participant(), NOW)
        assert closed.value.message == JOINING_CLOSED
        assert live.start_session(NOW)[0].joining and live.start_session(NOW)[0].code
    finally:
        live.close()
    again = LiveStore(empty_url)  # opening again changes nothing
    try:
        assert again.version() == SCHEMA_VERSION and again.find(session.code).joining is False
    finally:
        again.close()


# --- the signing secret and origins -------------------------------------------------------------------------


def test_replicas_on_one_database_share_the_secret_a_setting_overrides_it(store):
    other = LiveStore(store.url)
    try:
        code = store.start_session(NOW)[0].code
        cookie = store.signer().issue(code)
        assert other.signer().participant(code, cookie) is not None
        assert other.signer().screen_key(code) == store.signer().screen_key(code)
        assert other.origin_of("203.0.113.9") == store.origin_of("203.0.113.9")
    finally:
        other.close()
    set_by_setting = LiveStore(store.url, secret="from the settings")
    try:
        assert set_by_setting.signer().participant(code, cookie) is None
        assert set_by_setting.signer().screen_key(code) != store.signer().screen_key(code)
        assert set_by_setting.signer().participant(code, Signer("from the settings").issue(code))
    finally:
        set_by_setting.close()


def test_stores_starting_together_on_a_new_database_agree_on_one_secret(empty_url):
    keys: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_store():
        try:
            barrier.wait()
            live = LiveStore(empty_url)
            keys.append(live.signer().screen_key("ABC234"))
            live.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and len(keys) == 6 and len(set(keys)) == 1


def test_a_start_that_meets_a_locked_new_sqlite_file_waits_for_it(tmp_path, monkeypatch):
    """Stores opening a new file together can meet "database is locked" where SQLite's busy timeout does not
    reach; a start retries it (within the busy timeout) and opens, rather than saying the database is down."""
    made = LiveStore._create
    locked = {"left": 3}

    def sometimes_locked(self, connection):
        if locked["left"]:
            locked["left"] -= 1
            raise OperationalError("PRAGMA journal_mode = WAL", {}, Exception("database is locked"))
        return made(self, connection)

    monkeypatch.setattr(LiveStore, "_create", sometimes_locked)
    live = LiveStore(sqlite_url(tmp_path))
    try:
        assert locked["left"] == 0 and live.signer().screen_key("ABC234")
    finally:
        live.close()


def test_a_start_on_a_database_that_stays_locked_says_so(tmp_path, monkeypatch):
    def always_locked(self, connection):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))

    monkeypatch.setattr(LiveStore, "_create", always_locked)
    monkeypatch.setattr("explorer.livestore.BUSY_TIMEOUT", 0.3)
    with pytest.raises(StoreUnavailable, match="locked"):
        LiveStore(sqlite_url(tmp_path))


@pytest.mark.parametrize("address", ["203.0.113.9", "2001:db8::1", "", "x" * 10_000, "<script>", "é\u0000'; DROP", "\ud800"])
def test_an_origin_is_a_keyed_hash_never_the_address(store, address):
    origin = store.origin_of(address)
    assert re.fullmatch(r"[0-9a-f]{32}", origin)
    assert origin != store.origin_of(address + " ") and origin == store.origin_of(address)
    plain = hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    assert origin != plain  # not a plain hash either: one cannot try every address against it without the secret


# --- limits -------------------------------------------------------------------------------------------------


def test_sessions_per_hour_are_limited_per_address_across_replicas(store):
    other = LiveStore(store.url)
    try:
        for i in range(SESSIONS_PER_HOUR):
            (store if i % 2 else other).start_session(NOW + i, address="198.51.100.7")
        for live in (store, other):
            with pytest.raises(LiveError) as refused:
                live.start_session(NOW + 30, address="198.51.100.7")
            assert refused.value.message == TOO_MANY_SESSIONS and refused.value.text("nl")
        store.start_session(NOW + 30, address="198.51.100.8")  # another address
        store.start_session(NOW + 30)  # no address known (not from a request)
        store.start_session(NOW + HOUR + 1, address="198.51.100.7")  # an hour later, the first ones no longer count
    finally:
        other.close()
    with store.engine.connect() as connection:
        kept = connection.execute(text("SELECT origin FROM live_sessions")).scalars().all()
    assert "198.51.100.7" not in " ".join(kept)


def test_sessions_started_at_once_from_one_address_stop_at_the_limit(store):
    started, refused, errors = [], [], []
    barrier = threading.Barrier(SESSIONS_PER_HOUR + 10)

    def start():
        try:
            barrier.wait()
            started.append(store.start_session(NOW, address="192.0.2.1")[0].code)
        except LiveError:
            refused.append(1)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(SESSIONS_PER_HOUR + 10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and len(started) == SESSIONS_PER_HOUR and len(refused) == 10


def test_a_session_lets_in_its_cap_and_those_already_in_come_back(store):
    session, _ = store.start_session(NOW, cap=3)
    assert store.find(session.code).cap == 3
    people = [new_participant() for _ in range(3)]
    assert all(store.join(session.code, p, NOW) for p in people)
    with pytest.raises(LiveError) as full:
        store.join(session.code, new_participant(), NOW)
    assert full.value.message == SESSION_FULL
    assert store.join(session.code, people[0], NOW + 5)  # a phone already in is never shut out
    assert store.joined(session.code) == 3
    assert store.set_cap(session.code, 4) and store.find(session.code).cap == 4
    assert store.join(session.code, new_participant(), NOW)
    assert store.set_cap(session.code, 1)  # lowered: those in stay in, nobody new
    assert store.join(session.code, people[1], NOW) and store.joined(session.code) == 4
    with pytest.raises(LiveError):
        store.join(session.code, new_participant(), NOW)
    assert not store.set_cap("ZZZZZZ", 5)
    for bad in (0, -5, MAX_CAP + 1, 1.5, "9", True):
        with pytest.raises(ValueError):
            store.set_cap(session.code, bad)
    with pytest.raises(ValueError):
        store.start_session(NOW, cap=MAX_CAP + 1)


def test_closed_joining_turns_new_phones_away_and_lets_those_in_come_back(store):
    session, _ = store.start_session(NOW, cap=5)
    assert store.find(session.code).joining is True
    people = [new_participant() for _ in range(2)]
    assert all(store.join(session.code, p, NOW) for p in people)
    assert store.set_joining(session.code, False)
    assert store.find(session.code).joining is False and store.session(session.code, NOW).joining is False
    for _ in range(3):
        with pytest.raises(LiveError) as closed:
            store.join(session.code, new_participant(), NOW + 1)
        assert closed.value.message == JOINING_CLOSED and all(closed.value.text(lang) for lang in ("en", "fr", "nl"))
    assert all(store.join(session.code, p, NOW + 2) for p in people)  # a phone already in is never shut out
    assert store.joined(session.code) == 2
    assert store.set_joining(session.code, False)  # closing twice is no error
    assert not store.join(session.code, new_participant(), session.expires)  # over: ended, not "closed"
    assert store.set_joining(session.code, True) and store.join(session.code, new_participant(), NOW + 3)
    assert store.joined(session.code) == 3
    store.set_cap(session.code, 3)
    store.set_joining(session.code, False)
    with pytest.raises(LiveError) as both:  # full and closed: closed is what the presenter chose
        store.join(session.code, new_participant(), NOW)
    assert both.value.message == JOINING_CLOSED
    assert not store.set_joining("ZZZZZZ", False) and not store.set_joining("'; DROP TABLE live_sessions; --", True)
    other, _ = store.start_session(NOW)
    assert store.find(other.code).joining is True  # one session's door is not another's
    assert store.join(other.code, new_participant(), NOW)
    with pytest.raises(ValueError):
        store.join(session.code, "Ana Peeters", NOW)


def test_a_session_kept_closed_stays_closed_on_another_replica(store):
    session, _ = store.start_session(NOW)
    other = LiveStore(store.url)
    try:
        assert other.set_joining(session.code, False)
        assert store.find(session.code).joining is False
        with pytest.raises(LiveError):
            store.join(session.code, new_participant(), NOW)
    finally:
        other.close()
    closed = new_session(NOW)[0]
    store.add_session(dataclasses.replace(closed, joining=False))
    assert store.find(closed.code).joining is False


def test_phones_joining_the_last_places_at_once_on_two_replicas_never_pass_the_cap(store):
    cap = 5
    session, _ = store.start_session(NOW, cap=cap)
    other = LiveStore(store.url)
    admitted, turned_away, errors = [], [], []
    barrier = threading.Barrier(24)

    def join(live):
        token = new_participant()
        try:
            barrier.wait()
            if live.join(session.code, token, NOW):
                admitted.append(token)
        except LiveError:
            turned_away.append(token)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=join, args=(store if i % 2 else other,)) for i in range(24)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    assert not errors and len(admitted) == cap and len(turned_away) == 24 - cap
    assert store.joined(session.code) == cap


def test_the_store_numbers_questions_and_stops_at_the_limit(store, content):
    session, _ = store.start_session(NOW)
    given = word_question(session, position=41)
    kept = store.add_question(given)
    assert kept.position == 0 and kept.id == given.id and store.question(given.id) == kept
    plan, _ = plan_questions(
        content,
        session,
        *next((age, kind) for age in AGE_BANDS for kind in LESSON_KINDS if plan_questions(content, session, age, kind)[0]),
    )
    queued = store.add_questions(plan)
    assert [q.id for q in queued] == [q.id for q in plan] and [q.position for q in queued] == list(range(1, len(plan) + 1))
    assert [q.id for q in store.questions(session.code)] == [given.id] + [q.id for q in plan]
    while len(store.questions(session.code)) < MAX_QUESTIONS:
        store.add_question(word_question(session))
    with pytest.raises(LiveError) as refused:
        store.add_question(word_question(session))
    assert refused.value.message == TOO_MANY_QUESTIONS and str(MAX_QUESTIONS) in refused.value.text("fr")
    assert len(store.questions(session.code)) == MAX_QUESTIONS
    other, _ = store.start_session(NOW)
    with pytest.raises(LiveError):  # all or none
        store.add_questions([word_question(other) for _ in range(MAX_QUESTIONS + 1)])
    assert store.questions(other.code) == []
    with pytest.raises(ValueError):
        store.add_questions([word_question(other), word_question(session)])


def test_two_windows_adding_at_once_never_share_a_position(store):
    session, _ = store.start_session(NOW)
    other = LiveStore(store.url)
    errors = []
    barrier = threading.Barrier(2)

    def add(live):
        try:
            barrier.wait()
            for _ in range(10):
                live.add_question(word_question(session))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(live,)) for live in (store, other)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        other.close()
    positions = [q.position for q in store.questions(session.code)]
    assert not errors and sorted(positions) == list(range(20))


# --- announcements ------------------------------------------------------------------------------------------


def test_every_committed_change_is_announced_and_a_refused_one_is_not(store, content):
    session, _ = store.start_session(NOW)
    notifier = store.notifier

    def moved(action, kind):
        before = notifier.version(session.code)
        action()
        after = notifier.version(session.code)
        changed = ("state" if after[0] != before[0] else "") + ("answers" if after[1] != before[1] else "")
        return changed == kind or (kind == "both" and changed == "stateanswers")

    vote = place_question(content, session)
    assert moved(lambda: store.add_question(vote), "state")
    assert moved(lambda: store.move(vote.id, "open"), "state")
    pupil = new_participant()
    assert moved(lambda: store.join(session.code, pupil, NOW), "answers")  # the projector's join count
    assert moved(lambda: store.join(session.code, pupil, NOW), "")  # the same phone again: no news
    assert moved(lambda: store.answer(vote.id, pupil, vote.choices[0], NOW), "answers")

    def refused():
        with pytest.raises(AnswerRefused):
            store.answer(vote.id, pupil, "<script>", NOW)

    assert moved(refused, "")
    assert moved(lambda: store.set_cap(session.code, 40), "state")
    assert moved(lambda: store.set_joining(session.code, False), "state")  # phones at the door hear it

    def turned_away():
        with pytest.raises(LiveError):
            store.join(session.code, new_participant(), NOW)

    assert moved(turned_away, "")
    assert moved(lambda: store.join(session.code, pupil, NOW), "")
    assert moved(lambda: store.set_joining(session.code, True), "state")
    assert moved(lambda: store.clear(vote.id), "both")
    word = store.add_question(word_question(session))
    store.move(word.id, "open")
    store.answer(word.id, pupil, "quiet", NOW)
    assert moved(lambda: store.approve_word(word.id, "quiet"), "answers")
    assert moved(lambda: store.refuse_word(word.id, "quiet"), "answers")
    assert moved(lambda: store.approve_word(word.id, "never given"), "")
    assert moved(lambda: store.approve_many(word.id, [(pupil, "quiet")]), "answers")
    assert moved(lambda: store.approve(word.id, pupil, "quiet"), "answers")
    assert moved(lambda: store.delete_question(word.id), "state")
    assert not store.delete_question(word.id) and store.question(word.id) is None


def test_a_waiting_stream_wakes_when_an_answer_is_kept(store, content):
    session, question = started(store, content)

    async def scenario():
        since = store.notifier.version(session.code)
        waiting = asyncio.ensure_future(store.notifier.wait(session.code, since, timeout=30))
        await asyncio.sleep(0)
        await asyncio.to_thread(store.answer, question.id, new_participant(), question.choices[0], NOW)
        return since, await asyncio.wait_for(waiting, 10)

    since, found = asyncio.run(scenario())
    assert found[1] != since[1]


# --- never acknowledged and lost: SQLite ----------------------------------------------------------------------


@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_an_answer_after_the_file_went_is_refused_and_every_later_call_too(tmp_path, content, how):
    live = LiveStore(sqlite_url(tmp_path))
    session, question = started(live, content)
    acknowledged = new_participant()
    live.answer(question.id, acknowledged, question.choices[0], NOW)
    database = tmp_path / DATABASE_FILE
    if how == "deleted":
        for path in tmp_path.iterdir():
            path.unlink()
    else:
        copy = tmp_path / "copy"
        shutil.copy(database, copy)
        os.replace(copy, database)
    with pytest.raises(StoreUnavailable) as refused:
        live.answer(question.id, new_participant(), question.choices[1], NOW + 1)
    assert how in str(refused.value) and str(database) in str(refused.value) and refused.value.text("fr")
    assert live.broken
    for later in (lambda: live.answers(session.code), lambda: live.start_session(NOW), lambda: live.questions("X")):
        with pytest.raises(StoreUnavailable):
            later()
    live.close()
    reopened = LiveStore(sqlite_url(tmp_path))  # as liveroom.live_store does after RETRY
    assert not reopened.broken
    kept = [a.participant for a in reopened.answers(session.code)]
    assert kept == ([] if how == "deleted" else [acknowledged])  # nothing acknowledged after the file went
    reopened.close()


# --- PostgreSQL: every replica hears every replica, and a server that drops its connections -------------------

needs_postgres = pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database")


def eventually(condition, timeout: float = 30.0) -> None:
    """Wait until ``condition()`` holds (a test fails after ``timeout`` seconds)."""
    deadline = threading.Event()
    timer = threading.Timer(timeout, deadline.set)
    timer.start()
    try:
        while not condition():
            assert not deadline.wait(0.02), "the condition did not hold in time"
    finally:
        timer.cancel()


def terminate(url: str, application: str) -> int:
    """Drop the server's connections of one application (as a restart would): how many went."""
    from sqlalchemy import create_engine

    admin = create_engine(with_driver(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
                        " AND pid <> pg_backend_pid()"
                    ),
                    {"name": application},
                ).all()
            )
    finally:
        admin.dispose()


@needs_postgres
def test_a_replica_hears_another_replicas_changes_and_again_after_losing_its_connection(content):
    writer, reader = LiveStore(POSTGRES), LiveStore(POSTGRES)
    try:
        reader.listen()
        reader.listen()  # once only
        eventually(lambda: reader.listening)
        session, question = started(writer, content)
        eventually(lambda: reader.notifier.version(session.code)[0] > 0)
        before = reader.notifier.version(session.code)
        writer.answer(question.id, new_participant(), question.choices[0], NOW)
        eventually(lambda: reader.notifier.version(session.code)[1] != before[1])

        before = reader.notifier.version(session.code)
        assert terminate(POSTGRES, "here-explorer-listen") >= 1
        # back, and it tells its listeners to read again, since news may have gone by meanwhile
        eventually(lambda: reader.listening and reader.notifier.version(session.code)[0] != before[0])
        before = reader.notifier.version(session.code)
        writer.answer(question.id, new_participant(), question.choices[1], NOW)
        eventually(lambda: reader.notifier.version(session.code)[1] != before[1])
    finally:
        writer.close()
        reader.close()
    assert not reader.listening


@needs_postgres
def test_after_the_server_drops_every_connection_each_answer_is_kept_or_refused_never_lost(content):
    live = LiveStore(POSTGRES)
    session, question = started(live, content)
    acknowledged, unavailable, errors = [], [], []
    stop = threading.Event()

    def answer_on():
        while not stop.is_set():
            token = new_participant()
            try:
                live.answer(question.id, token, question.choices[0], NOW)
                acknowledged.append(token)
            except StoreUnavailable as exc:
                unavailable.append(exc)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
                return

    threads = [threading.Thread(target=answer_on) for _ in range(4)]
    for thread in threads:
        thread.start()
    dropped = 0
    try:
        for round_ in range(5):
            eventually(lambda round_=round_: len(acknowledged) >= 20 * (round_ + 1) or errors)
            dropped += terminate(POSTGRES, "here-explorer")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors and dropped >= 5
    after = new_participant()
    live.answer(question.id, after, question.choices[1], NOW)  # the next request reconnects
    kept = {a.participant for a in live.answers(session.code)}
    assert set(acknowledged) <= kept and after in kept
    live.close()
