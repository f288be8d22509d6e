"""Questions for the guest: the model (explorer.guest) and the store (explorer.gueststore), on SQLite and, when
EXPLORER_TEST_DATABASE_URL names one, PostgreSQL."""

from __future__ import annotations

import io
import threading

import pandas as pd
import pytest

from explorer.guest import (
    ASKING_CLOSED,
    ASKS_EACH_REACHED,
    ASKS_PER_WINDOW,
    MAX_ASK,
    MAX_ASKS_EACH,
    NOT_VOTABLE,
    TOO_MANY_ASKS,
    UNKNOWN_PLACE,
    UNKNOWN_SCENE,
    GuestQuestion,
    check_ask,
    check_ref,
    duplicate_key,
    export_csv,
    export_frame,
    export_xlsx,
    host_prompts,
    likely_duplicates,
    next_state,
    ordered,
    queue,
)
from explorer.gueststore import GuestBook
from explorer.i18n import LANGUAGES
from explorer.live import EMPTY, ENDED, AnswerRefused, LiveError, new_participant, new_session

NOW = 1_800_000_000.0


@pytest.fixture
def room(store):
    """A running session with asking open, and a book on it."""
    session, _ = new_session(NOW)
    store.add_session(session)
    book = GuestBook(store)
    assert book.set_room(session.code, open=True, now=NOW)
    return session, book


def joined(store, code: str) -> str:
    token = new_participant()
    assert store.join(code, token, NOW)
    return token


def q(id: str, text: str = "?", at: float = NOW, **kw) -> GuestQuestion:
    return GuestQuestion(id=id, session="ABC234", participant=kw.pop("participant", "p" * 22), text=text, asked_at=at, **kw)


# --- the model -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, kept, cut",
    [
        ("  Why moss?\n\n", "Why moss?", False),
        ("<script>alert(1)</script>", "<script>alert(1)</script>", False),  # kept as text: pages escape it
        ("a" * (MAX_ASK + 5), "a" * MAX_ASK, True),
        ("e" + "\u0301" * 40, "é\u0301\u0301", False),  # a tower of marks: at most two more on a letter
        ("zero\u200bwidth\u202eflip", "zero width flip", False),
    ],
)
def test_a_question_is_cleaned_and_cut_as_an_answer_is(typed, kept, cut):
    checked = check_ask(typed)
    assert (checked.value, checked.cut) == (kept, cut)
    assert checked.notice("en") == (f"The answer was longer than {MAX_ASK} characters, so it was cut." if cut else "")


@pytest.mark.parametrize("typed", ["", "   ", "\u200b\u200b", "\n\t"])
def test_an_empty_question_is_refused(typed):
    with pytest.raises(AnswerRefused) as refused:
        check_ask(typed)
    assert refused.value.message == EMPTY


def test_a_place_or_scene_must_be_the_contents(content):
    place, scene = content.places[0].id, content.scenes[0].id
    assert check_ref(content, place, "") == (place, "")
    assert check_ref(content, "", f" {scene} ") == ("", scene)
    for bad, message in ((("nowhere", ""), UNKNOWN_PLACE), (("", "../../etc"), UNKNOWN_SCENE), (("<b>", ""), UNKNOWN_PLACE)):
        with pytest.raises(AnswerRefused) as refused:
            check_ref(content, *bad)
        assert refused.value.message == message


def test_the_actions_lead_where_a_moderator_expects():
    assert next_state("pending", "publish") == "published"
    assert next_state("pending", "answer") is None  # answered only once published
    assert next_state("published", "answer") == "answered"
    assert next_state("archived", "restore") == "published"
    assert next_state("published", "restore") is None
    with pytest.raises(ValueError):
        next_state("pending", "delete")


def test_duplicates_are_flagged_by_their_words():
    questions = [
        q("a", "Why did you film at the Moeraske?", NOW),
        q("b", "why did you FILM at the moeraske", NOW + 1),  # the same words
        q("c", "Did you film at the Moeraske, and why?", NOW + 2, place=""),  # most of the same words
        q("d", "What is the soup's recipe?", NOW + 3),
        q("e", "Why did you film at the Moeraske?", NOW + 4, state="hidden"),  # hidden: not compared
    ]
    assert likely_duplicates(questions) == {"b": "a", "c": "a"}
    assert duplicate_key("Éte\u0301!  ÉTÉ") == "ete ete"


def test_orders_and_the_projectors_queue():
    questions = [
        q("a", at=NOW, votes=3, state="published"),
        q("b", at=NOW + 1, votes=5, state="published"),
        q("c", at=NOW + 2, votes=1, state="published", starred=True),
        q("d", at=NOW + 3, votes=9, state="pending"),
        q("e", at=NOW + 4, votes=3, state="published", starred=True),
    ]
    assert [x.id for x in ordered(questions, "votes")] == ["d", "b", "e", "a", "c"]
    assert [x.id for x in ordered(questions, "newest")] == ["e", "d", "c", "b", "a"]
    assert [x.id for x in queue(questions, highlighted="b")] == ["e", "c", "a"]  # starred first, then votes
    with pytest.raises(ValueError):
        ordered(questions, "random")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_hosts_prompts_come_from_the_content(content, language):
    prompts = host_prompts(content, language)
    assert 4 <= len(prompts) <= 6 and len(set(prompts)) == len(prompts)
    names = {p.name.get(language) for p in content.places} | {s.title.get(language) for s in content.scenes}
    assert any(name in prompt for prompt in prompts for name in names)
    assert all("{" not in p for p in prompts)


def test_the_export_numbers_askers_and_keeps_formulas_inert(content):
    session, _ = new_session(NOW, language="fr")
    questions = [
        q("a", '=HYPERLINK("http://x")', NOW, participant="x" * 22, votes=2, state="answered", answered_at=NOW + 60),
        q("b", "Pourquoi la mousse ?", NOW + 1, participant="y" * 22, place=content.places[0].id, state="published"),
        q("c", "Pourquoi la mousse", NOW + 2, participant="x" * 22, state="archived", duplicate_of="b"),
    ]
    frame = export_frame(content, session, questions)
    assert list(frame["number"]) == [1, 2, 3] and list(frame["asker"]) == [1, 2, 1]
    assert list(frame["duplicate_of"]) == ["", "", 2]
    assert frame.loc[1, "about"] == content.places[0].name.get("fr")
    assert "x" * 22 not in frame.to_string()
    csv = export_csv(content, session, questions).decode("utf-8-sig")
    assert ";" in csv.splitlines()[0] and "'=HYPERLINK" in csv
    sheet = pd.read_excel(io.BytesIO(export_xlsx(content, session, questions)))
    assert len(sheet) == 3 and str(sheet.iloc[0, 2]).startswith("=HYPERLINK")


# --- the store -----------------------------------------------------------------------------------------------


def test_asking_needs_an_open_room_and_a_participant_in_the_session(store):
    session, _ = new_session(NOW)
    store.add_session(session)
    book = GuestBook(store)
    token = joined(store, session.code)
    with pytest.raises(LiveError) as closed:
        book.ask(session.code, token, "Why moss?", NOW)
    assert closed.value.message == ASKING_CLOSED
    book.set_room(session.code, open=True, now=NOW)
    stranger = new_participant()  # well formed, never joined
    with pytest.raises(LiveError):
        book.ask(session.code, stranger, "Why moss?", NOW)
    asked, checked = book.ask(session.code, token, "  Why moss?  ", NOW, language="nl")
    assert (asked.text, asked.state, asked.language, checked.cut) == ("Why moss?", "pending", "nl", False)
    assert [x.id for x in book.questions(session.code)] == [asked.id]
    with pytest.raises(AnswerRefused) as ended:
        book.ask(session.code, token, "late", session.expires)
    assert ended.value.message == ENDED


def test_auto_publish_publishes_new_and_waiting_questions(room, store):
    session, book = room
    token = joined(store, session.code)
    waiting, _ = book.ask(session.code, token, "first", NOW)
    assert waiting.state == "pending"
    book.set_room(session.code, auto_publish=True, now=NOW + 1)
    assert book.room(session.code).auto_publish
    late, _ = book.ask(session.code, token, "second", NOW + 2)
    assert late.state == "published"
    assert {x.state for x in book.questions(session.code)} == {"published"}


def test_a_participant_asks_within_the_rate_and_the_sessions_limit(room, store):
    session, book = room
    token = joined(store, session.code)
    for i in range(ASKS_PER_WINDOW):
        book.ask(session.code, token, f"question {i}", NOW + i)
    with pytest.raises(LiveError) as fast:
        book.ask(session.code, token, "one more", NOW + 10)
    assert fast.value.message == TOO_MANY_ASKS
    other = joined(store, session.code)
    book.ask(session.code, other, "someone else may", NOW + 10)  # the rate is per participant
    at = NOW + 10
    while len([x for x in book.questions(session.code) if x.participant == token]) < MAX_ASKS_EACH:
        at += 700
        book.ask(session.code, token, f"later {at}", at)
    with pytest.raises(LiveError) as many:
        book.ask(session.code, token, "too many", at + 7000)
    assert many.value.message == ASKS_EACH_REACHED and str(MAX_ASKS_EACH) in many.value.text("en")


def test_one_vote_per_participant_and_it_can_be_taken_back(room, store):
    session, book = room
    asker, voter = joined(store, session.code), joined(store, session.code)
    asked, _ = book.ask(session.code, asker, "Why here?", NOW)
    with pytest.raises(LiveError) as pending:
        book.vote(asked.id, voter, True, NOW)  # not published yet
    assert pending.value.message == NOT_VOTABLE
    book.moderate(session.code, [asked.id], "publish", NOW)
    assert book.vote(asked.id, voter, True, NOW) and book.vote(asked.id, voter, True, NOW + 1)
    assert book.questions(session.code)[0].votes == 1 and book.voted(session.code, voter) == {asked.id}
    assert not book.vote(asked.id, voter, False, NOW + 2)
    assert book.questions(session.code)[0].votes == 0 and book.vote_count(session.code) == 0
    with pytest.raises(LiveError):
        book.vote(asked.id, new_participant(), True, NOW)  # not in the session
    with pytest.raises(LiveError):
        book.vote("0" * 32, voter, True, NOW)  # no such question


def test_votes_from_many_threads_at_once_count_once_each(room, store):
    session, book = room
    asked, _ = book.ask(session.code, joined(store, session.code), "Why?", NOW)
    book.moderate(session.code, [asked.id], "publish", NOW)
    voters = [joined(store, session.code) for _ in range(8)]
    errors: list[BaseException] = []

    def vote(token: str) -> None:
        try:
            for _ in range(3):  # each sends its vote three times, as a script would
                book.vote(asked.id, token, True, NOW)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=vote, args=(v,)) for v in voters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert book.questions(session.code)[0].votes == len(voters) == book.vote_count(session.code)


def test_moderation_publish_hide_answer_archive_restore(room, store):
    session, book = room
    token = joined(store, session.code)
    a, _ = book.ask(session.code, token, "a", NOW)
    b, _ = book.ask(session.code, token, "b", NOW + 1)
    assert book.moderate(session.code, [a.id, b.id, "nope"], "publish", NOW + 2) == 2
    assert book.moderate(session.code, [a.id], "publish", NOW + 3) == 0  # already
    assert book.highlight(session.code, a.id, NOW + 4) and book.room(session.code).highlighted == a.id
    assert book.moderate(session.code, [a.id], "answer", NOW + 5) == 1
    found = {x.id: x for x in book.questions(session.code)}
    assert found[a.id].state == "answered" and found[a.id].answered_at == NOW + 5
    assert book.room(session.code).highlighted == ""  # answered: no longer on the projector
    assert book.moderate(session.code, [b.id], "hide", NOW + 6) == 1
    assert not book.highlight(session.code, b.id, NOW + 7)  # hidden: restore first
    assert book.moderate(session.code, [a.id, b.id], "archive", NOW + 8) == 2
    assert book.moderate(session.code, [a.id, b.id], "restore", NOW + 9) == 2
    assert {x.state for x in book.questions(session.code)} == {"published"}
    assert book.star(session.code, [b.id]) == 1 and book.star(session.code, [b.id]) == 0
    assert [x.starred for x in book.questions(session.code)] == [False, True]
    with pytest.raises(ValueError):
        book.moderate(session.code, [a.id], "drop table", NOW)


def test_another_sessions_moderator_changes_nothing(room, store):
    session, book = room
    asked, _ = book.ask(session.code, joined(store, session.code), "mine", NOW)
    other, _ = new_session(NOW)
    store.add_session(other)
    assert book.moderate(other.code, [asked.id], "publish", NOW) == 0
    assert not book.highlight(other.code, asked.id, NOW)
    assert book.questions(session.code)[0].state == "pending"


def test_highlighting_a_waiting_question_publishes_it_and_one_at_a_time(room, store):
    session, book = room
    token = joined(store, session.code)
    a, _ = book.ask(session.code, token, "a", NOW)
    b, _ = book.ask(session.code, token, "b", NOW)
    assert book.highlight(session.code, a.id, NOW + 1)
    assert book.highlight(session.code, b.id, NOW + 2)
    assert book.room(session.code).highlighted == b.id
    assert {x.state for x in book.questions(session.code)} == {"published"}
    assert book.highlight(session.code, "", NOW + 3) and book.room(session.code).highlighted == ""


def test_merging_moves_votes_and_keeps_one_per_participant(room, store):
    session, book = room
    a, _ = book.ask(session.code, joined(store, session.code), "Why the moss?", NOW)
    b, _ = book.ask(session.code, joined(store, session.code), "why the moss", NOW + 1)
    book.moderate(session.code, [a.id, b.id], "publish", NOW)
    both, only_b = joined(store, session.code), joined(store, session.code)
    for token in (both,):
        book.vote(a.id, token, True, NOW)
    for token in (both, only_b):
        book.vote(b.id, token, True, NOW)
    assert book.merge(session.code, b.id, a.id, NOW + 2)
    found = {x.id: x for x in book.questions(session.code)}
    assert found[a.id].votes == 2 and found[b.id].votes == 0
    assert (found[b.id].state, found[b.id].duplicate_of) == ("archived", a.id)
    assert not book.merge(session.code, a.id, a.id, NOW) and not book.merge(session.code, a.id, "0" * 32, NOW)


def test_every_change_is_announced_as_guest_news(room, store):
    session, book = room
    token = joined(store, session.code)
    steps = [
        lambda: book.ask(session.code, token, "heard?", NOW),
        lambda: book.moderate(session.code, [book.questions(session.code)[0].id], "publish", NOW),
        lambda: book.vote(book.questions(session.code)[0].id, token, True, NOW),
        lambda: book.highlight(session.code, book.questions(session.code)[0].id, NOW),
        lambda: book.star(session.code, [book.questions(session.code)[0].id]),
        lambda: book.set_room(session.code, auto_publish=True),
    ]
    for step in steps:
        before = store.notifier.version(session.code)
        step()
        after = store.notifier.wait_blocking(session.code, before, timeout=10, only="guest")
        assert after[2] != before[2] and after[:2] == before[:2]


def test_a_purge_takes_the_guests_questions_with_the_session(room, store):
    session, book = room
    token = joined(store, session.code)
    asked, _ = book.ask(session.code, token, "gone soon", NOW)
    book.moderate(session.code, [asked.id], "publish", NOW)
    book.vote(asked.id, token, True, NOW)
    store.purge(session.expires)
    assert book.questions(session.code) == [] and book.vote_count(session.code) == 0
    assert book.room(session.code).open is False


def test_open_rooms_are_the_running_sessions_taking_questions(room, store):
    session, book = room
    other, _ = new_session(NOW + 1)
    store.add_session(other)
    assert book.open_rooms(NOW + 2) == [session.code]
    book.set_room(other.code, open=True)
    assert book.open_rooms(NOW + 2) == [other.code, session.code]
    book.set_room(session.code, open=False)
    assert book.open_rooms(NOW + 2) == [other.code]
    assert book.open_rooms(other.expires) == []
    assert not book.set_room("ZZZZZZ", open=True)
