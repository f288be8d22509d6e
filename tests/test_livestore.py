"""The live sessions' store: SQLite in a temporary folder, and PostgreSQL when EXPLORER_TEST_DATABASE_URL names one."""

from __future__ import annotations

import os
import stat
import threading
import uuid

import pytest
from sqlalchemy import text

from explorer.errors import ExplorerError
from explorer.live import DEFAULT_CAP, AnswerRefused, classroom_question, new_participant, new_session, place_question, word_question
from explorer.livestore import (
    DATABASE_FILE,
    SCHEMA_VERSION,
    LiveStore,
    StoreUnavailable,
    database_url,
    sqlite_url,
    with_driver,
)

NOW = 1_800_000_000.0
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")  # a database the tests may empty
EVERYTHING = 1e18  # purge(EVERYTHING): every session has expired by then


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"))])
def store(request, tmp_path):
    """A store per test: a fresh SQLite file, or the PostgreSQL test database emptied before and after."""
    live = LiveStore(sqlite_url(tmp_path) if request.param == "sqlite" else POSTGRES)
    live.purge(EVERYTHING)
    yield live
    live.purge(EVERYTHING)
    live.close()


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
    row = {"question": question.id, "participant": ana, "session": session.code, "value": question.choices[1],
           "cut": False, "approved": False, "answered_at": NOW}
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
    question = classroom_question(content, session, qid, age, [{"nl": "Ja", "en": "Yes"}, {"nl": "Nee", "en": "Nö"}],
                                  position=1)
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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"))])
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
        connection.execute(text("DROP TABLE live_meta"))
        connection.execute(text("DELETE FROM schema_version"))
        connection.execute(text("INSERT INTO schema_version (version) VALUES (1)"))
    old.close()
    new = LiveStore(empty_url)
    assert new.version() == SCHEMA_VERSION == 3
    assert new.session(session.code, NOW).cap == DEFAULT_CAP
    kept = {a.value: a for a in new.answers(session.code)}
    assert set(kept) == {vote.choices[0], "kept through the upgrade"}
    assert not any(a.refused for a in kept.values()) and kept["kept through the upgrade"].waiting
    assert new.refuse_many(written.id, [(pupil, "kept through the upgrade")]) == 1
    assert new.answer_of(written.id, pupil).refused
    new.close()
    assert LiveStore(empty_url).version() == SCHEMA_VERSION  # opening again changes nothing
