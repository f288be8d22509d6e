"""AppTest of the live session pages: the presenter's (``/live``) and a participant's (``/join``), on SQLite and,
when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL; each page reached through app.py and switch_page."""

from __future__ import annotations

import os
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html, trigger
from explorer.fragments import esc
from explorer.i18n import t
from explorer.live import (
    AttemptLimiter,
    classroom_question,
    new_participant,
    place_question,
    question_text,
    scene_question,
    word_question,
)
from explorer.livestore import LiveStore, sqlite_url
from explorer.model import LESSON_KINDS
from explorer.spoilers import visibility
from explorer_app import liveroom

POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
EVERYTHING = 1e18


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"))])
def store(request, tmp_path, monkeypatch):
    """The database the pages use (by their settings) and a store on it for the test's own reading and writing."""
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_DATABASE_URL",
                 "EXPLORER_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_TILES", "offline")
    if request.param == "sqlite":
        monkeypatch.setenv("EXPLORER_LIVE_DIR", str(tmp_path))
        live = LiveStore(sqlite_url(tmp_path))
    else:
        monkeypatch.setenv("EXPLORER_DATABASE_URL", POSTGRES)
        live = LiveStore(POSTGRES)
    live.purge(EVERYTHING)
    monkeypatch.setattr(liveroom, "LIMITER", AttemptLimiter(limit=liveroom.LIMITER.limit))
    yield live
    liveroom.forget_stores()
    live.purge(EVERYTHING)
    live.close()


def run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def text_of(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at)
    parts += [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def param(at: AppTest, name: str) -> str:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def press(at: AppTest, label: str) -> None:
    """Press the (form submit) button labelled ``label``."""
    next(b for b in at.get("button") if b.label == label).click().run()


def started(store: LiveStore, content, spoiler_safe: bool = False):
    session, secret = store.start_session(time.time(), "en", spoiler_safe)
    return session, secret


# --- the presenter -------------------------------------------------------------------------------------------


def test_a_presenter_starts_a_session_asks_and_sees_the_rooms_answers(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code, key = param(at, "code"), param(at, "key")
    assert len(code) == 6 and key
    session = store.session(code, time.time())
    assert session is not None and session.is_presenter(key)
    assert f"{code[:3]} {code[3:]}" in text_of(at) and "Nobody has joined yet" in text_of(at)

    at.button_group(key="live-kind").set_value("scene").run()
    at.button(key="live-add").click().run()
    question = store.questions(code)[0]
    assert question.kind == "scene" and esc(question_text(content, question)) in board_of(at)  # the one just added
    at.button(key="live-open").click().run()
    assert store.question(question.id).state == "open"

    voters = [new_participant() for _ in range(3)]
    for token, scene in zip(voters, ["micro-forest", "micro-forest", content.scenes[0].id], strict=True):
        store.join(code, token, time.time())
        store.answer(question.id, token, scene, time.time())
    at.run()
    shown = text_of(at)
    assert "3 people have joined" in shown and "3 answers" in shown
    assert esc(f"{content.scene('micro-forest').order}. {content.scene('micro-forest').title.get()}") in shown

    at.button(key="live-closed").click().run()
    assert store.question(question.id).state == "closed"
    at.button(key="live-revealed").click().run()
    assert store.question(question.id).state == "revealed"
    at.button(key="live-clear").click().run()
    assert store.question(question.id).state == "draft" and store.answers(code, question.id) == []
    assert {b.key for b in at.get("download_button")} >= {"live-csv", "live-xlsx"}


def test_place_votes_show_as_a_map_and_a_ranked_list(store, content):
    session, secret = started(store, content)
    question = place_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    for place in ("moeraske", "moeraske", "garage"):
        token = new_participant()
        store.join(session.code, token, time.time())
        store.answer(question.id, token, place, time.time())
    shown = text_of(run("pages/live.py", code=session.code, key=secret))
    assert "data:image/svg+xml;base64," in shown
    ranked = shown.split("<ol>", 1)[1]
    assert ranked.index(esc(content.place("moeraske").name.get())) < ranked.index(esc(content.place("garage").name.get()))
    assert "<strong>2</strong>" in ranked


def board_of(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html") if "hx-live-question" in h.proto.body)


def test_a_classroom_question_with_written_answers_shows_them_only_once_approved(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    at.button(key="live-add").click().run()  # the first question of the age band, no choices: written answers
    question = store.questions(code)[0]
    assert question.kind == "classroom" and question.free_text
    at.button(key="live-open").click().run()
    token = new_participant()
    store.join(code, token, time.time())
    store.answer(question.id, token, "The buildings look asleep", time.time())
    at.run()
    assert "The buildings look asleep" not in board_of(at) and "waiting" not in board_of(at)
    at.checkbox(key=next(c.key for c in at.get("checkbox") if c.label == "The buildings look asleep")).check().run()
    at.button(key="live-approve-picked").click().run()
    assert "The buildings look asleep" in board_of(at)


def test_several_written_answers_are_approved_with_one_press(store, content):
    session, secret = started(store, content)
    found = content.band_questions("14-18")[0]
    question = classroom_question(content, session, found.id, "14-18")
    store.add_question(question)
    store.move(question.id, "open")
    texts = ["Moss on the walls", "A soup for friends", "The night bus", "Quiet streets"]
    for text in texts:
        store.answer(question.id, new_participant(), text, time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    ticks = {c.label: c for c in at.get("checkbox")}
    assert set(texts) <= set(ticks)
    for text in texts[:2]:
        ticks[text].check()
    at.run()
    assert "(2)" in at.button(key="live-approve-picked").label
    at.button(key="live-approve-picked").click().run()
    assert sorted(a.value for a in store.answers(session.code) if a.approved) == sorted(texts[:2])
    assert all(text in board_of(at) for text in texts[:2]) and texts[2] not in board_of(at)
    late = new_participant()
    at.run()  # the list as the presenter sees it; one more answer arrives before the press
    store.answer(question.id, late, "Arrived after the list", time.time())
    at.button(key="live-approve-all").click().run()
    approved = {a.value for a in store.answers(session.code) if a.approved}
    assert set(texts) <= approved and "Arrived after the list" not in approved  # only what was listed
    assert not [c for c in at.get("checkbox") if c.label in texts]


def test_the_projector_view_never_shows_an_answer_waiting_for_approval(store, content):
    session, secret = started(store, content)
    found = content.band_questions("14-18")[0]
    written = classroom_question(content, session, found.id, "14-18")
    word = word_question(session, position=1)
    for question in (written, word):
        store.add_question(question)
        store.move(question.id, "open")
        store.answer(question.id, new_participant(), "pending" + question.kind, time.time())
        controls = run("pages/live.py", code=session.code, key=secret)
        assert "pending" + question.kind in text_of(controls) + " ".join(c.label for c in controls.get("checkbox"))
        screen = run("pages/live.py", code=session.code, key=secret, view="screen")
        assert esc(question_text(content, question)) in text_of(screen)  # the open question is the one on screen
        shown = text_of(screen) + " ".join(c.label for c in screen.get("checkbox"))
        assert "pending" not in shown and "waiting for approval" not in shown  # nor how many wait
        assert not screen.get("checkbox") and not [b for b in screen.get("button") if (b.key or "").startswith("approve")]


def test_a_classroom_question_with_choices_counts_each(store, content):
    at = run("pages/live.py", age="adults")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    at.text_area(key="live-choices").input("Yes\nNo\n\nNot sure").run()
    at.button(key="live-add").click().run()
    question = store.questions(code)[0]
    assert question.choices == ("Yes", "No", "Not sure") and question.age == "adults"


def test_choices_typed_in_several_languages_show_on_each_phone_in_its_own_and_count_as_one(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    at.text_area(key="live-choices").input("Yes\nNo").run()
    at.text_area(key="live-choices-fr").input("Oui\nNon").run()
    at.button(key="live-add").click().run()
    question = store.questions(code)[0]
    assert question.choices == ("Yes", "No") and question.label("No", "fr") == "Non"
    assert at.text_area(key="live-choices-fr").value in ("", None)  # the form is empty for the next question
    at.button(key="live-open").click().run()
    french = run("pages/join.py", code=code, lang="fr")
    dutch = run("pages/join.py", code=code, lang="nl")
    radio = french.radio(key=f"choice-{question.id}")
    assert [o for o in radio.options] == ["Oui", "Non"]
    assert list(dutch.radio(key=f"choice-{question.id}").options) == ["Yes", "No"]  # no Dutch given: the first
    radio.set_value("No").run()
    dutch.radio(key=f"choice-{question.id}").set_value("No").run()
    assert [a.value for a in store.answers(code)] == ["No", "No"]
    at.run()
    assert "2 <small>(100" in board_of(at)


def test_choices_in_several_languages_that_do_not_match_get_a_message(store):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    at.text_area(key="live-choices").input("Yes\nNo").run()
    at.text_area(key="live-choices-nl").input("Ja").run()
    at.button(key="live-add").click().run()
    assert at.error and "same order" in at.error[0].value
    assert store.questions(param(at, "code")) == []


def test_choices_that_cannot_be_asked_get_a_message_and_nothing_is_added(store):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    at.text_area(key="live-choices").input("Only one").run()
    at.button(key="live-add").click().run()
    assert at.error and "2 to 8" in at.error[0].value
    assert store.questions(param(at, "code")) == []


def test_spoiler_safe_sessions_offer_no_question_about_hidden_scenes(store, content):
    at = run("pages/live.py", spoilers="hide")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    assert store.session(code, time.time()).spoiler_safe
    hidden = content.spoilers()
    offered = {label.split(" · ")[0] for label in at.selectbox(key="live-ref").options}
    band = content.band_questions("14-18")
    assert offered == {content.question_label(q.id) for q in band if q.phase == "before" or q.scene not in hidden}
    assert offered >= {content.question_label(q.id) for q in content.questions_before("14-18")}
    at.button_group(key="live-kind").set_value("scene").run()
    at.button(key="live-add").click().run()
    assert not set(store.questions(code)[0].choices) & hidden


def test_without_the_presenters_key_there_are_no_controls(store, content):
    session, _ = started(store, content)
    at = run("pages/live.py", code=session.code, key="not-the-key")
    assert "does not open the presenter's controls" in text_of(at)
    assert not [b for b in at.get("button") if (b.key or "").startswith("live-")]
    at = run("pages/live.py", code=session.code)
    assert not [b for b in at.get("button") if (b.key or "").startswith("live-")]


def test_an_ended_or_unknown_session_is_said_so(store, content):
    run("pages/live.py")  # the page's first use purges what has expired; an ended session is told until the next
    session, secret = store.start_session(time.time() - 7200, "en", False, lifetime=3600)
    assert "has ended" in text_of(run("pages/live.py", code=session.code, key=secret))
    assert "No live session has this code" in text_of(run("pages/live.py", code="ZZZZZZ", key="x"))
    assert "is not a session code" in text_of(run("pages/live.py", code="<b>!"))


def test_the_csv_lists_every_answer_without_tokens(store, content):
    session, secret = started(store, content)
    question = word_question(session)
    store.add_question(question)
    store.move(question.id, "open")
    token = new_participant()
    store.answer(question.id, token, "Moss!", time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    for key in ("live-csv", "live-xlsx"):
        button = next(b for b in at.get("download_button") if b.key == key)
        assert not button.proto.disabled


# --- a participant -------------------------------------------------------------------------------------------


def test_a_participant_joins_by_the_qr_link_waits_then_answers_and_can_change_it(store, content):
    session, _ = started(store, content)
    at = run("pages/join.py", code=session.code.lower())
    assert "Joined" in text_of(at)
    me = param(at, "me")
    assert me and store.joined(session.code) == 1

    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    at.run()
    first, second = question.choices[0], question.choices[1]
    at.radio(key=f"choice-{question.id}").set_value(first).run()
    assert store.answer_of(question.id, me).value == first
    assert "Answer sent" in text_of(at)
    at.radio(key=f"choice-{question.id}").set_value(second).run()
    assert [a.value for a in store.answers(session.code, question.id)] == [second]

    at.run()  # a reload keeps the same participant (the token is in the address)
    assert param(at, "me") == me and store.joined(session.code) == 1
    store.move(question.id, "closed")
    at.run()
    assert "Answers are closed" in text_of(at)
    store.move(question.id, "revealed")
    at.run()
    assert "1 answer" in text_of(at) and "hx-bars" in text_of(at)


def test_a_participant_types_the_code_and_answers_a_place_vote_and_a_word(store, content):
    session, _ = started(store, content)
    at = run("pages/join.py")
    at.text_input(key="join-code").input(f"{session.code[:3]}-{session.code[3:].lower()}")
    press(at, "Join")
    assert param(at, "code") == session.code
    me = param(at, "me")
    vote = place_question(content, session)
    store.add_question(vote)
    store.move(vote.id, "open")
    at.run()
    at.selectbox(key=f"vote-{vote.id}").select("moeraske").run()
    assert store.answer_of(vote.id, me).value == "moeraske"
    store.move(vote.id, "closed")
    word = word_question(session, position=1)
    store.add_question(word)
    store.move(word.id, "open")
    at.run()
    at.text_input(key=f"text-{word.id}").input("two words")
    press(at, "Send")
    assert "One word only" in text_of(at) and store.answer_of(word.id, me) is None
    at.text_input(key=f"text-{word.id}").input("«Quiet»")
    press(at, "Send")
    assert store.answer_of(word.id, me).value == "quiet"


def test_a_long_written_answer_is_cut_with_a_message(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    at.button(key="live-add").click().run()
    question = store.questions(code)[0]
    store.move(question.id, "open")
    phone = run("pages/join.py", code=code)
    phone.text_area(key=f"text-{question.id}").input("moss " * 100)
    press(phone, "Send")
    assert "was cut" in text_of(phone)
    assert len(store.answer_of(question.id, param(phone, "me")).value) == 280


def test_unknown_and_ended_codes_get_a_note_and_guessing_is_slowed(store, content):
    run("pages/join.py")  # the page's first use purges what has expired; an ended session is told until the next
    ended, _ = store.start_session(time.time() - 7200, "en", False, lifetime=3600)
    assert "has ended" in text_of(run("pages/join.py", code=ended.code))
    at = run("pages/join.py", code="ABCDEF")
    assert "No live session has this code" in text_of(at)
    assert "code" not in at.query_params
    for _ in range(liveroom.TAB_LIMIT + 5):
        at.text_input(key="join-code").input("QQQQQQ")
        press(at, "Join")
    assert "Too many wrong codes" in text_of(at)
    live, _ = started(store, content)
    at.text_input(key="join-code").input(live.code)
    press(at, "Join")
    assert "Too many wrong codes" in text_of(at) and store.joined(live.code) == 0
    # one tab's typos use up only its own allowance: the next person behind the same address joins
    assert liveroom.LIMITER.blocked("unknown", time.time()) is False
    other = run("pages/join.py", code=live.code)
    assert "Joined" in text_of(other) and store.joined(live.code) == 1


def test_many_wrong_codes_from_one_address_slow_every_tab_there_but_not_phones_already_in(store, content):
    live, _ = started(store, content)
    inside = run("pages/join.py", code=live.code)
    me = param(inside, "me")
    for _ in range(liveroom.LIMITER.limit):
        liveroom.LIMITER.failed("unknown", time.time())
    newcomer = run("pages/join.py", code=live.code)
    assert "Too many wrong codes" in text_of(newcomer)
    again = run("pages/join.py", code=live.code, me=me)  # a reload of a phone already in the session
    assert "Joined" in text_of(again) and store.joined(live.code) == 1


def test_back_or_another_page_keeps_the_same_participant(store, content):
    session, _ = started(store, content)
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    at = run("pages/join.py", code=session.code)
    me = param(at, "me")
    at.radio(key=f"choice-{question.id}").set_value(question.choices[0]).run()
    at.query_params.pop("me")  # Back to the address the QR code opened
    at.run()
    assert param(at, "me") == me and "Answer given" in text_of(at)
    at.radio(key=f"choice-{question.id}").set_value(question.choices[1]).run()
    assert store.joined(session.code) == 1
    assert [a.value for a in store.answers(session.code, question.id)] == [question.choices[1]]


def test_live_pages_are_not_on_a_kiosk(store, content, monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "true")
    session, secret = started(store, content)
    for page, query in (("pages/live.py", {"code": session.code, "key": secret}), ("pages/join.py", {"code": session.code})):
        at = run(page, **query)
        assert not [b for b in at.get("button") if (b.key or "").startswith("live-")]
        assert not at.get("radio") and "Join a live session" not in text_of(at)
    assert store.joined(session.code) == 0


def test_a_database_that_cannot_be_reached_is_said_so_and_the_rest_works(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:9/none")
    liveroom.forget_stores()
    for page in ("pages/live.py", "pages/join.py"):
        at = run(page, code="ABCDEF")
        assert "cannot be reached" in text_of(at) and "secret" not in text_of(at)
    at = run("pages/moss.py")
    assert at.get("html") and not at.error


def test_a_kind_chosen_just_before_pressing_add_is_the_kind_added(store):
    """The choice and the press reach the server in one run (a quick presenter, a slow network)."""
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    at.button_group(key="live-kind").set_value("place")
    at.button(key="live-add").click().run()
    at.button_group(key="live-kind").set_value("word")
    at.button(key="live-add").click().run()
    assert [q.kind for q in store.questions(param(at, "code"))] == ["place", "word"]


def test_words_reach_the_projector_once_let_through_and_later_givers_of_them_too(store, content):
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    for value in ("quiet", "Quiet!", "rude"):
        store.answer(word.id, new_participant(), value, time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    board = "".join(h.proto.body for h in at.get("html") if "hx-live-question" in h.proto.body)
    assert "quiet" not in board and "waiting" not in board
    quiet = [b for b in at.get("button") if (b.key or "").startswith("approve-word-")]
    assert len(quiet) == 2  # one per word: quiet (twice) and rude
    waiting = [h.proto.body for h in at.get("html") if "hx-waiting" in h.proto.body]
    quiet[[i for i, body in enumerate(waiting) if "quiet" in body][0]].click().run()
    store.answer(word.id, new_participant(), "quiet", time.time())
    at.run()
    board = "".join(h.proto.body for h in at.get("html") if "hx-live-question" in h.proto.body)
    assert "quiet <small>3</small>" in board and "rude" not in board and "waiting" not in board


def test_a_press_from_a_window_showing_an_older_state_is_refused_with_a_note(store, content):
    session, secret = started(store, content)
    question = word_question(session)
    store.add_question(question)
    at = run("pages/live.py", code=session.code, key=secret)
    store.move(question.id, "open")  # from another window
    store.move(question.id, "closed")
    at.button(key="live-open").click().run()  # this window still showed it not asked yet
    assert store.question(question.id).state == "closed"
    assert any("changed in another window" in w.value for w in at.warning)


def test_the_age_band_comes_from_the_classroom_link_and_the_phones_join_spoiler_safe(store, content):
    at = run("pages/live.py", age="10-13", spoilers="hide")
    at.button(key="live-start").click().run()
    at.button(key="live-add").click().run()
    assert store.questions(param(at, "code"))[0].age == "10-13"
    qr = at.get("image")[0]
    assert f"join?code={param(at, 'code')}&spoilers=hide" in str(qr.proto)  # the QR code's address, in its alt text


def test_the_projector_view_shows_the_code_and_answers_without_controls(store, content):
    session, secret = started(store, content)
    question = scene_question(content, session)
    store.add_question(question)
    at = run("pages/live.py", code=session.code, key=secret)
    assert headed(at)
    at.button(key="live-screen").click().run()
    assert param(at, "view") == "screen"
    assert f"{session.code[:3]} {session.code[3:]}" in text_of(at) and "Waiting for the first question" in text_of(at)
    # the projected window: no navigation, language or spoiler-safe switch, title or introduction
    assert not headed(at) and not links(at) and "Ask questions about the film" not in text_of(at)
    store.move(question.id, "open")
    at.run()
    assert "hx-bars" in text_of(at) and not headed(at)
    assert not [b for b in at.get("button") if (b.key or "").startswith(("live-open", "live-add", "live-clear"))]
    assert not at.get("code")  # the presenter link stays off the projected window
    at.button(key="live-controls-on").click().run()
    assert "view" not in at.query_params and at.button(key="live-closed") and headed(at)


def test_a_projector_window_follows_the_questions_opened_in_the_controls_window(store, content):
    session, secret = started(store, content)
    screen = run("pages/live.py", code=session.code, key=secret, view="screen")
    assert "Waiting for the first question" in text_of(screen)
    controls = run("pages/live.py", code=session.code, key=secret)
    controls.button_group(key="live-kind").set_value("scene").run()
    controls.button(key="live-add").click().run()
    controls.button(key="live-open").click().run()
    screen.run()  # its board's next look (the fragment, every half second in a browser) finds the change
    screen.run()
    shown = text_of(screen)
    assert "Which scene stayed with you?" in shown and "Taking answers" in shown
    controls.button_group(key="live-kind").set_value("word").run()
    controls.button(key="live-add").click().run()
    screen.run()
    screen.run()
    assert "Which scene stayed with you?" in text_of(screen)  # a question not yet open does not take the screen


def headed(at: AppTest) -> bool:
    """Whether the page draws the explorer's header: the navigation, the switches, the title and introduction."""
    return any('class="hx-header"' in part for part in component_html(at))


def links(at: AppTest) -> list:
    """The page's link bars (the navigation and its switches are one)."""
    return [e for e in at.get("bidi_component") if e.proto.component_name == "explorer_links"]


def test_before_any_question_is_opened_the_projector_shows_only_the_code_and_waiting(store, content):
    """A plan's questions queued at the start: the controls show the first, the projector none of them yet."""
    at = run("pages/live.py", age="14-18", plan="after")
    at.button(key="live-start").click().run()
    code, key = param(at, "code"), param(at, "key")
    queued = store.questions(code)
    assert len(queued) > 1
    first, last = (question_text(content, q) for q in (queued[0], queued[-1]))
    assert esc(first) in board_of(at)  # the controls: the first question, not asked yet
    screen = run("pages/live.py", code=code, key=key, view="screen")
    shown = text_of(screen)
    assert "Waiting for the first question" in shown and f"{code[:3]} {code[3:]}" in shown
    assert not board_of(screen) and esc(first) not in shown and esc(last) not in shown
    at.button(key="live-open").click().run()
    screen.run()
    screen.run()
    assert esc(first) in board_of(screen) and "Waiting for the first question" not in text_of(screen)


def test_written_answers_are_discarded_one_or_several_at_once_and_only_their_writers_are_told(store, content):
    session, secret = started(store, content)
    found = content.band_questions("14-18")[0]
    question = classroom_question(content, session, found.id, "14-18")
    store.add_question(question)
    store.move(question.id, "open")
    phones = {text: run("pages/join.py", code=session.code) for text in ("Rude one", "Silly one", "Kind one")}
    for text, phone in phones.items():
        phone.text_area(key=f"text-{question.id}").input(text)
        press(phone, "Send")
    at = run("pages/live.py", code=session.code, key=secret)
    ticks = {c.label: c for c in at.get("checkbox")}
    ticks["Rude one"].check()
    ticks["Silly one"].check()
    at.run()
    assert "(2)" in at.button(key="live-refuse-picked").label
    at.button(key="live-refuse-picked").click().run()
    assert {a.value for a in store.answers(session.code) if a.refused} == {"Rude one", "Silly one"}
    assert [c.label for c in at.get("checkbox")] == ["Kind one"]  # no longer waiting
    screen = run("pages/live.py", code=session.code, key=secret, view="screen")
    for view in (at, screen):
        assert "Rude one" not in board_of(view) and "waiting" not in board_of(view)
    for text, phone in phones.items():
        phone.run()
        assert ("not shown" in text_of(phone)) == (text != "Kind one")
        assert "waiting" not in text_of(phone)
    store.move(question.id, "closed")
    store.move(question.id, "revealed")
    phone = phones["Kind one"]
    phone.run()
    assert "Rude one" not in text_of(phone) and "not shown" not in text_of(phone) and "waiting" not in text_of(phone)


def test_a_word_can_be_discarded_for_everyone_who_gives_it(store, content):
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    store.answer(word.id, new_participant(), "rude", time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    next(b for b in at.get("button") if (b.key or "").startswith("refuse-word-")).click().run()
    store.answer(word.id, new_participant(), "Rude!", time.time())
    at.run()
    assert all(a.refused for a in store.answers(session.code))
    assert not [b for b in at.get("button") if (b.key or "").startswith("refuse-word-")] and "rude" not in board_of(at)


def test_a_joined_phone_shows_the_session_alone_the_code_form_the_explorers_header(store, content):
    session, _ = started(store, content)
    form = run("pages/join.py")
    assert headed(form) and form.text_input(key="join-code")
    phone = run("pages/join.py", code=session.code)
    assert not headed(phone) and not links(phone)  # no navigation to wander off to
    assert "Join a live session" not in text_of(phone) and "Joined" in text_of(phone)
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    phone.run()
    assert not headed(phone) and phone.radio(key=f"choice-{question.id}")
    form.text_input(key="join-code").input(session.code)
    press(form, "Join")
    assert not headed(form) and form.radio(key=f"choice-{question.id}")


def test_a_word_shown_can_be_hidden_again(store, content):
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    store.answer(word.id, new_participant(), "oops", time.time())
    store.approve_word(word.id, "oops")
    at = run("pages/live.py", code=session.code, key=secret)
    assert "oops <small>1</small>" in text_of(at)
    next(b for b in at.get("button") if (b.key or "").startswith("hide-word-")).click().run()
    assert "oops <small>1</small>" not in text_of(at) and not store.answers(session.code)[0].approved


# --- what the presenter is told, numbering, and a lesson plan's questions -------------------------------------

LOOPBACK_WARNING = "Phones cannot open this address"


@pytest.mark.parametrize("url", ["http://localhost:8501/live", "http://127.0.0.1:8501/live", "http://[::1]:8501/live"])
def test_a_presenter_on_localhost_is_told_phones_cannot_join_and_how_to_fix_it(store, content, monkeypatch, url):
    monkeypatch.setattr(liveroom, "page_url", lambda: url)
    at = run("pages/live.py")
    warning = next(w.value for w in at.warning if LOOPBACK_WARNING in w.value)
    # first what a teacher can do, in plain words; the technical details folded under it
    assert "Ask whoever installed the explorer" in warning and "public_url" not in warning and "--" not in warning
    details = next(e for e in at.expander if e.label == "Technical details")
    folded = " ".join(h.proto.body for h in details.get("html"))
    assert "public_url" in folded and "EXPLORER_PUBLIC_URL" in folded and "--address" in folded
    at.button(key="live-start").click().run()
    assert any(LOOPBACK_WARNING in w.value for w in at.warning)
    at.button(key="live-screen").click().run()  # not on the projected window
    assert not any(LOOPBACK_WARNING in w.value for w in at.warning)


def test_no_warning_with_a_public_address_or_a_network_one(store, content, monkeypatch):
    monkeypatch.setattr(liveroom, "page_url", lambda: "http://192.168.1.20:8501/live")
    assert not any(LOOPBACK_WARNING in w.value for w in run("pages/live.py").warning)
    monkeypatch.setattr(liveroom, "page_url", lambda: "http://localhost:8501/live")
    monkeypatch.setenv("EXPLORER_PUBLIC_URL", "https://here.example.org")
    assert not any(LOOPBACK_WARNING in w.value for w in run("pages/live.py").warning)
    assert liveroom.phones_cannot_reach("http://localhost/live", "") and not liveroom.phones_cannot_reach("", "")
    assert liveroom.phones_cannot_reach("http://127.3.0.1:80/", "") and not liveroom.loopback("http://10.0.0.2/")


def test_a_classroom_question_has_its_one_number_on_the_projector_and_the_phones(store, content):
    session, secret = started(store, content)
    vote = scene_question(content, session)  # asked first: the classroom question is the session's second
    found = content.band_questions("14-18")[-1]
    question = classroom_question(content, session, found.id, "14-18", position=1)
    for asked in (vote, question):
        store.add_question(asked)
    store.move(vote.id, "open")
    phone = run("pages/join.py", code=session.code)
    screen = run("pages/live.py", code=session.code, key=secret, view="screen")
    for page in (phone, screen):
        assert t("Scene pick") in text_of(page) and "Q2" not in text_of(page).replace(content.question_label(found.id), "")
    store.move(question.id, "open")
    phone.run()
    screen.run()
    screen.run()
    for page in (phone, screen):
        assert f'<p class="hx-kicker">{content.question_label(found.id)}' in text_of(page)
    controls = run("pages/live.py", code=session.code, key=secret)
    assert content.question_label(found.id) + " · " in " ".join(controls.selectbox(key="live-show").options)


@pytest.mark.parametrize("kind", list(LESSON_KINDS))
def test_a_plans_questions_are_queued_in_order_at_the_start(store, content, kind):
    age = "14-18"
    plan = content.teaching.plan(age, kind)
    if plan is None or not plan.question_ids():
        pytest.skip(f"no {kind} plan with questions for {age}")
    at = run("pages/live.py", age=age, plan=kind)
    numbers = ", ".join(content.question_label(q) for q in plan.question_ids())
    assert numbers in text_of(at)
    at.button(key="live-start").click().run()
    code = param(at, "code")
    queued = store.questions(code)
    assert [q.ref for q in queued] == list(plan.question_ids()) and all(q.state == "draft" for q in queued)
    assert "plan" not in at.query_params and esc(question_text(content, queued[0])) in board_of(at)
    at.run()  # a reload does not queue them again
    assert len(store.questions(code)) == len(queued)


def test_a_spoiler_safe_session_queues_only_the_plans_questions_it_may_ask(store, content):
    age, kind = "14-18", "after"
    plan = content.teaching.plan(age, kind)
    view = visibility(content, True)
    at = run("pages/live.py", age=age, plan=kind, spoilers="hide")
    at.button(key="live-start").click().run()
    assert [q.ref for q in store.questions(param(at, "code"))] == [
        q for q in plan.question_ids() if view.question(content.question(q))]


@pytest.mark.parametrize(("query", "said"), [({"plan": "sometime", "age": "14-18"}, "is not a lesson plan"),
                                              ({"plan": "after", "age": "toddlers"}, "is not an age band")])
def test_a_link_with_an_unknown_plan_or_age_is_said_so_and_the_session_still_starts(store, content, query, said):
    at = run("pages/live.py", **query)
    assert any(said in w.value for w in at.warning)
    at.button(key="live-start").click().run()
    assert param(at, "code") and store.questions(param(at, "code")) == []
    assert at.button(key="live-add")  # the rest of the page as usual


def test_the_phone_page_in_french_addresses_no_one(store, content):
    session, _ = started(store, content)
    phone = run("pages/join.py", code=session.code, lang="fr")
    vote = place_question(content, session)
    store.add_question(vote)
    store.move(vote.id, "open")
    phone.run()
    phone.selectbox(key=f"vote-{vote.id}").select(vote.choices[0]).run()
    own = text_of(phone).replace(t("Which place stayed with you?", "fr"), "")
    labels = " ".join(w.label for kind in ("selectbox", "text_area", "text_input", "radio") for w in phone.get(kind))
    words = set(re.findall(r"\b\w+\b", (own + " " + labels).lower()))
    assert not words & {"vous", "votre", "vos", "tu", "ton", "ta", "tes"}


# --- a lesson as run in a class: the next question in one press, phones locked spoiler-safe ---------------------


def test_next_question_closes_the_one_on_screen_and_opens_the_next_and_a_reload_keeps_it(store, content):
    """The trial's lesson: 20 minutes before the screening, ages 10-13, spoiler-safe."""
    at = run("pages/live.py", age="10-13", plan="before", spoilers="hide")
    at.button(key="live-start").click().run()
    code, key = param(at, "code"), param(at, "key")
    queued = store.questions(code)
    assert len(queued) >= 3 and "q" not in at.query_params
    first, second, third = queued[:3]
    at.button(key="live-open").click().run()
    assert at.button(key="live-next").label == f"Next question: {content.question_label(second.ref)}"
    at.button(key="live-next").click().run()  # one press: the first closes, the second opens
    assert store.question(first.id).state == "closed" and store.question(second.id).state == "open"
    assert esc(question_text(content, second)) in board_of(at) and at.button(key="live-closed")
    phone = run("pages/join.py", code=code)  # the phones and the projector follow
    screen = run("pages/live.py", code=code, key=key, view="screen")
    assert esc(question_text(content, second)) in text_of(phone) and phone.text_area(key=f"text-{second.id}")
    assert esc(question_text(content, second)) in board_of(screen) and "Taking answers" in board_of(screen)
    at.button(key="live-next").click().run()
    assert [store.question(q.id).state for q in (first, second, third)] == ["closed", "closed", "open"]
    reload = run("pages/live.py", code=code, key=key)  # a reload: the address as the page left it
    assert esc(question_text(content, third)) in board_of(reload) and reload.button(key="live-closed")
    # a question looked at again in this window stays on it, until a reload shows the session's own
    reload.selectbox(key="live-show").select(first.id).run()
    assert esc(question_text(content, first)) in board_of(reload) and reload.button(key="live-revealed")
    again = run("pages/live.py", code=code, key=key)
    assert esc(question_text(content, third)) in board_of(again)


def test_a_reload_before_any_question_is_opened_shows_the_first_queued(store, content):
    at = run("pages/live.py", age="14-18", plan="after")
    at.button(key="live-start").click().run()
    queued = store.questions(param(at, "code"))
    reload = run("pages/live.py", code=param(at, "code"), key=param(at, "key"))
    assert esc(question_text(content, queued[0])) in board_of(reload) and reload.button(key="live-open")
    assert not [b for b in reload.get("button") if b.key == "live-next"]  # the first is opened, not skipped


def nav_items(at: AppTest) -> list[dict]:
    """Every link and switch of the explorer's navigation on the page (none when it draws none)."""
    import json

    return [item for e in links(at) for group in json.loads(e.proto.json)["groups"] for item in group["items"]]


@pytest.mark.parametrize("query", [{}, {"spoilers": "show"}, {"spoilers": ""}, {"spoilers": "HIDE", "lang": "nl"}])
def test_a_phone_in_a_spoiler_safe_session_is_spoiler_safe_whatever_its_link_says(store, content, query):
    session, _ = started(store, content, spoiler_safe=True)
    hidden = [s for s in content.scenes if not visibility(content, True).scene(s)]
    assert hidden
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    phone = run("pages/join.py", code=session.code, **query)  # a link pasted in a class chat, or worse
    assert param(phone, "spoilers") == "hide" and param(phone, "code") == session.code
    assert not headed(phone) and not nav_items(phone)  # no menu, no switch: nothing to wander off to
    options = phone.radio(key=f"choice-{question.id}").options
    shown = text_of(phone) + " ".join(options)
    assert not [s for s in hidden if s.id in question.choices or esc(s.title.get(phone_lang(query))) in shown]
    store.move(question.id, "closed")
    store.move(question.id, "revealed")
    phone.run()
    assert param(phone, "spoilers") == "hide" and not nav_items(phone)
    assert not [s for s in hidden if esc(s.title.get(phone_lang(query))) in text_of(phone)]


def phone_lang(query: dict) -> str:
    return query.get("lang", "en")


def test_the_code_form_follows_a_known_spoiler_safe_session_and_its_switch_stays_on(store, content):
    run("pages/join.py")  # the store's first use purges what has expired; an ended session stays until the next
    ended, _ = store.start_session(time.time() - 7200, "en", True, lifetime=3600)
    form = run("pages/join.py", code=ended.code)  # a link without spoilers=hide to a session before viewing
    assert "has ended" in text_of(form) and headed(form) and form.text_input(key="join-code")

    def spoiler_safe_everywhere() -> None:
        items = nav_items(form)
        assert [i for i in items if i["type"] == "link"] and param(form, "spoilers") == "hide"
        assert all("spoilers=hide" in i["href"] for i in items if i["type"] == "link")
        assert all(i["on"] for i in items if i["type"] == "switch")

    spoiler_safe_everywhere()
    trigger(form, "hx-nav", "spoilers", False)  # the switch turned off: the session's setting holds
    spoiler_safe_everywhere()
    fresh = run("pages/join.py")  # a tab that knows no session: the usual header, the visitor's own choice
    assert "spoilers" not in fresh.query_params
    assert all(not i["on"] for i in nav_items(fresh) if i["type"] == "switch")


def test_back_to_the_join_page_keeps_the_code_and_the_participant(store, content):
    session, _ = started(store, content, spoiler_safe=True)
    form = run("pages/join.py", spoilers="hide")
    form.text_input(key="join-code").input(session.code)
    press(form, "Join")
    me = param(form, "me")
    assert me and param(form, "code") == session.code and param(form, "spoilers") == "hide"
    for name in ("code", "me", "spoilers"):  # Back to the code form's address (or /join typed again)
        form.query_params.pop(name, None)
    form.run()
    assert param(form, "code") == session.code and param(form, "me") == me and param(form, "spoilers") == "hide"
    assert not headed(form) and "Joined" in text_of(form) and store.joined(session.code) == 1
    form.switch_page("pages/scenes.py")  # another page of the explorer in the same tab, and back
    form.query_params.clear()
    form.run()
    form.switch_page("pages/join.py")
    form.query_params.clear()
    form.run()
    assert param(form, "code") == session.code and param(form, "me") == me and not headed(form)


def test_a_presenter_link_without_the_key_sends_phones_of_a_spoiler_safe_session_spoiler_safe(store, content):
    session, _ = started(store, content, spoiler_safe=True)
    at = run("pages/live.py", code=session.code)
    link = next(p for p in at.get("page_link") if p.proto.page.endswith("join.py") or "join" in p.proto.page)
    assert "spoilers=hide" in str(link.proto)


def test_the_start_page_says_a_phone_can_be_shared_and_the_controls_count_the_phones(store, content):
    at = run("pages/live.py")
    assert "Pairs or small groups can share one" in text_of(at)
    at.button(key="live-start").click().run()
    assert "Nobody has joined yet" in text_of(at)
    run("pages/join.py", code=param(at, "code"))
    at.run()
    assert "1 person has joined" in text_of(at)


def test_the_controls_say_near_the_top_to_keep_the_presenter_link_and_not_show_it(store, content):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key=secret)
    first = next(i for i, w in enumerate(at.main.children.values()) if "presenter link" in str(getattr(w, "value", "")))
    assert first < 8  # before the board, not only in the expander at the very bottom
    screen = run("pages/live.py", code=session.code, key=secret, view="screen")
    assert not any("presenter link" in w.value for w in screen.warning)
