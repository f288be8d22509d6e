"""AppTest of the presenter's live session page (``/live``): its controls and its projector view, on SQLite and,
when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL; the page reached through app.py and switch_page. The
phones' page is not a Streamlit page (tests/test_joinpage.py): here the phones' answers go through the store."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html, trigger
from explorer.fragments import esc
from explorer.i18n import t
from explorer.live import (
    DEFAULT_CAP,
    MAX_CAP,
    MAX_QUESTIONS,
    SESSIONS_PER_HOUR,
    TOO_MANY_QUESTIONS,
    TOO_MANY_SESSIONS,
    AttemptLimiter,
    LiveError,
    classroom_question,
    new_participant,
    normalise_word,
    place_question,
    question_text,
    scene_question,
    word_question,
)
from explorer.livestore import LiveStore, sqlite_url
from explorer.model import LESSON_KINDS
from explorer.spoilers import visibility
from explorer_app import livecontrols, liveroom
from explorer_app.assets import page_stylesheet

POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
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
def store(request, tmp_path, monkeypatch):
    """The database the pages use (by their settings) and a store on it for the test's own reading and writing."""
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_DATABASE_URL", "EXPLORER_PUBLIC_URL"):
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


def test_a_written_answer_approved_by_mistake_comes_off_the_projector_and_waits_again(store, content):
    session, secret = started(store, content)
    found = content.band_questions("14-18")[0]
    question = store.add_question(classroom_question(content, session, found.id, "14-18"))
    store.move(question.id, "open")
    pupil, other = new_participant(), new_participant()
    store.answer(question.id, pupil, "unkind words about a classmate", time.time())
    store.answer(question.id, other, "moss on the walls", time.time())
    store.approve_many(question.id, [(pupil, "unkind words about a classmate"), (other, "moss on the walls")])
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert "unkind words" in board_of(screen)
    at = run("pages/live.py", code=session.code, key=secret)
    hides = [b for b in at.get("button") if (b.key or "").startswith("hide-text-")]
    assert len(hides) == 2  # one per answer shown
    key = next(b.key for b in hides if b.key.endswith(word_key_of(pupil + "unkind words about a classmate")))
    at.button(key=key).click().run()
    kept = {a.value: a for a in store.answers(session.code)}
    assert kept["unkind words about a classmate"].refused and kept["moss on the walls"].approved
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert "unkind words" not in board_of(screen) and "moss on the walls" in board_of(screen)
    # discarded for good: it is not listed to approve again, and a later "approve all" cannot bring it back
    assert "unkind words about a classmate" not in [c.label for c in at.get("checkbox")]
    store.answer(question.id, new_participant(), "a late answer", time.time())
    at.run()
    at.button(key="live-approve-all").click().run()
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert "unkind words" not in board_of(screen) and "a late answer" in board_of(screen)


def word_key_of(text: str) -> str:
    """The controls' widget key for a text (pages/live.py's word_key)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


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
        screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
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


def test_choices_typed_in_several_languages_are_kept_with_each_and_count_as_one(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    at.text_area(key="live-choices").input("Yes\nNo").run()
    at.text_area(key="live-choices-fr").input("Oui\nNon").run()
    at.button(key="live-add").click().run()
    question = store.questions(code)[0]
    assert question.choices == ("Yes", "No") and question.label("No", "fr") == "Non"
    assert at.text_area(key="live-choices-fr").value in ("", None)  # the form is empty for the next question
    assert question.label("No", "nl") == "No"  # no Dutch given: as typed first
    at.button(key="live-open").click().run()
    for _ in range(2):  # a French phone and a Dutch one pick the same answer, each in its language
        store.answer(question.id, new_participant(), "No", time.time())
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


def test_live_pages_are_not_on_a_kiosk(store, content, monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "true")
    session, secret = started(store, content)
    for query in ({"code": session.code, "key": secret}, {"code": session.code, "screen": screen_of(store, session)}):
        at = run("pages/live.py", **query)
        assert not [b for b in at.get("button") if (b.key or "").startswith("live-")] and not board_of(at)


def test_a_database_that_cannot_be_reached_is_said_so_and_the_rest_works(store, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:9/none")
    liveroom.forget_stores()
    at = run("pages/live.py", code="ABCDEF")
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


def shown_word(word: str, count: int) -> str:
    """A pattern for a word on the projector with its count (the word may be isolated in a ``<bdi>``)."""
    return rf"(?:<bdi>)?{re.escape(word)}(?:</bdi>)? <small>{count}</small>"


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
    assert re.search(shown_word("quiet", 3), board) and "rude" not in board and "waiting" not in board


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


def screen_of(store: LiveStore, session) -> str:
    """The projector's read-only key for a session."""
    return store.signer().screen_key(session.code)


def test_the_projector_view_has_its_own_read_only_link_and_shows_the_code_and_answers_only(store, content):
    session, secret = started(store, content)
    question = scene_question(content, session)
    store.add_question(question)
    at = run("pages/live.py", code=session.code, key=secret)
    assert headed(at)
    button = at.get("link_button")[0]  # a link, opened in a new window: the controls stay in this one
    assert button.key == "live-screen" and button.proto.url.startswith("live?")
    query = parse_qs(button.proto.url.split("?", 1)[1])
    assert query == {"code": [session.code], "screen": [screen_of(store, session)], "lang": ["en"]} and secret not in button.proto.url
    screen = run("pages/live.py", **{name: values[0] for name, values in query.items()})
    assert "key" not in screen.query_params
    assert f"{session.code[:3]} {session.code[3:]}" in text_of(screen) and "Waiting for the first question" in text_of(screen)
    # the projected window: no navigation, language or spoiler-safe switch, title or introduction, no control
    assert not headed(screen) and not links(screen) and "Ask questions about the film" not in text_of(screen)
    store.move(question.id, "open")
    screen.run()
    assert "hx-bars" in text_of(screen) and not headed(screen)
    assert not [b for b in screen.get("button") if (b.key or "").startswith("live-")] and not screen.get("link_button")
    assert not screen.get("code") and not screen.get("number_input")  # no presenter link, no setting
    assert secret not in str(screen.query_params) and secret not in text_of(screen)
    pushes = [json.loads(c.proto.json)["url"] for c in screen.get("bidi_component") if c.proto.component_name == "explorer_livepush"]
    assert pushes and all("screen=" in url and "key=" not in url and secret not in url for url in pushes)


def test_an_older_projector_link_with_the_presenters_key_becomes_the_read_only_one(store, content):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key=secret, view="screen")
    assert param(at, "screen") == screen_of(store, session)
    assert "key" not in at.query_params and "view" not in at.query_params  # the key left the address
    assert "Waiting for the first question" in text_of(at) and not headed(at)
    at.run()  # and the page goes on as the screen link
    assert "Waiting for the first question" in text_of(at) and param(at, "screen") == screen_of(store, session)
    wrong = run("pages/live.py", code=session.code, key="not-the-key", view="screen")  # no key, no screen link
    assert "screen" not in wrong.query_params and not board_of(wrong) and "Waiting" not in text_of(wrong)


@pytest.mark.parametrize("hostile", ["x", "", " ", "A" * 22, "A" * 5000, "é" * 22, "<b>key</b>", "%00", "=" * 22])
def test_a_wrong_screen_key_opens_nothing_and_counts_as_a_wrong_guess(store, content, hostile, monkeypatch):
    session, secret = started(store, content)
    other, _ = started(store, content)
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    right = screen_of(store, session)
    for key in (hostile, secret, screen_of(store, other), right[:-1], right + "A", right.swapcase()):
        limiter = AttemptLimiter(limit=liveroom.LIMITER.limit)
        monkeypatch.setattr(liveroom, "LIMITER", limiter)
        for _ in range(limiter.limit - 1):
            limiter.failed("unknown", time.time())
        at = run("pages/live.py", code=session.code, screen=key)
        shown = text_of(at)
        assert not board_of(at) and "hx-join-code" not in shown and "does not open" in shown, key
        assert not [b for b in at.get("button") if (b.key or "").startswith("live-")] and "screen" not in shown
        assert limiter.blocked("unknown", time.time()), key  # it counted: the last guess this address had
        assert "Too many wrong codes" in text_of(run("pages/live.py", code=session.code, screen=key))


def test_the_presenters_key_and_the_screen_key_open_their_views_even_from_a_blocked_address(store, content):
    """Anyone can use up an address's guesses (a pupil on the school's network): never the presenter's own link."""
    session, secret = started(store, content)
    for _ in range(liveroom.LIMITER.limit):
        liveroom.LIMITER.failed("unknown", time.time())
    assert liveroom.LIMITER.blocked("unknown", time.time())
    controls = run("pages/live.py", code=session.code, key=secret)
    assert controls.button(key="live-add") and "Too many wrong codes" not in text_of(controls)
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert "Waiting for the first question" in text_of(screen) and "Too many wrong codes" not in text_of(screen)
    # a wrong key from there learns nothing, whether the code exists or not
    for query in ({"code": session.code, "key": secret[:-1]}, {"code": "ZZZZZZ", "key": secret}, {"code": session.code}):
        refused = run("pages/live.py", **query)
        assert "Too many wrong codes" in text_of(refused) and not refused.get("button") and not board_of(refused)


def test_wrong_presenter_keys_count_as_guesses(store, content):
    session, secret = started(store, content)
    for number in range(liveroom.LIMITER.limit):
        assert not liveroom.LIMITER.blocked("unknown", time.time()), number
        run("pages/live.py", code=session.code, key=f"guess-{number}")
    assert liveroom.LIMITER.blocked("unknown", time.time())
    assert run("pages/live.py", code=session.code, key=secret).button(key="live-add")  # still the presenter


def test_a_projector_window_follows_the_questions_opened_in_the_controls_window(store, content):
    session, secret = started(store, content)
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
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
    code = param(at, "code")
    queued = store.questions(code)
    assert len(queued) > 1
    first, last = (question_text(content, q) for q in (queued[0], queued[-1]))
    assert esc(first) in board_of(at)  # the controls: the first question, not asked yet
    screen = run("pages/live.py", code=code, screen=store.signer().screen_key(code))
    shown = text_of(screen)
    assert "Waiting for the first question" in shown and f"{code[:3]} {code[3:]}" in shown
    assert not board_of(screen) and esc(first) not in shown and esc(last) not in shown
    at.button(key="live-open").click().run()
    screen.run()
    screen.run()
    assert esc(first) in board_of(screen) and "Waiting for the first question" not in text_of(screen)


def test_written_answers_are_discarded_one_or_several_at_once(store, content):
    session, secret = started(store, content)
    found = content.band_questions("14-18")[0]
    question = classroom_question(content, session, found.id, "14-18")
    store.add_question(question)
    store.move(question.id, "open")
    for text in ("Rude one", "Silly one", "Kind one"):
        store.answer(question.id, new_participant(), text, time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    ticks = {c.label: c for c in at.get("checkbox")}
    ticks["Rude one"].check()
    ticks["Silly one"].check()
    at.run()
    assert "(2)" in at.button(key="live-refuse-picked").label
    at.button(key="live-refuse-picked").click().run()
    assert {a.value for a in store.answers(session.code) if a.refused} == {"Rude one", "Silly one"}
    assert [c.label for c in at.get("checkbox")] == ["Kind one"]  # no longer waiting
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    for view in (at, screen):
        assert "Rude one" not in board_of(view) and "waiting" not in board_of(view)
    store.move(question.id, "closed")
    store.move(question.id, "revealed")
    screen.run()
    assert "Rude one" not in board_of(screen) and "Silly one" not in board_of(screen)  # nor once answers are shown


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


def test_a_word_shown_can_be_hidden_again(store, content):
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    store.answer(word.id, new_participant(), "oops", time.time())
    store.approve_word(word.id, "oops")
    at = run("pages/live.py", code=session.code, key=secret)
    assert re.search(shown_word("oops", 1), text_of(at))
    next(b for b in at.get("button") if (b.key or "").startswith("hide-word-")).click().run()
    assert not re.search(shown_word("oops", 1), text_of(at)) and store.answers(session.code)[0].refused
    # hidden for good: the word given again later is not listed to show again
    store.answer(word.id, new_participant(), "Oops!", time.time())
    at.run()
    assert not [w for w in at.get("html") if "hx-waiting" in w.proto.body and "oops" in w.proto.body]


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
    screen = run("pages/live.py", code=param(at, "code"), screen=store.signer().screen_key(param(at, "code")))
    assert not any(LOOPBACK_WARNING in w.value for w in screen.warning)  # not on the projected window


def test_no_warning_with_a_public_address_or_a_network_one(store, content, monkeypatch):
    monkeypatch.setattr(liveroom, "page_url", lambda: "http://192.168.1.20:8501/live")
    assert not any(LOOPBACK_WARNING in w.value for w in run("pages/live.py").warning)
    monkeypatch.setattr(liveroom, "page_url", lambda: "http://localhost:8501/live")
    monkeypatch.setenv("EXPLORER_PUBLIC_URL", "https://here.example.org")
    assert not any(LOOPBACK_WARNING in w.value for w in run("pages/live.py").warning)
    assert liveroom.phones_cannot_reach("http://localhost/live", "") and not liveroom.phones_cannot_reach("", "")
    assert liveroom.phones_cannot_reach("http://127.3.0.1:80/", "") and not liveroom.loopback("http://10.0.0.2/")


def test_a_classroom_question_has_its_one_number_on_the_projector(store, content):
    session, secret = started(store, content)
    vote = scene_question(content, session)  # asked first: the classroom question is the session's second
    found = content.band_questions("14-18")[-1]
    question = classroom_question(content, session, found.id, "14-18", position=1)
    for asked in (vote, question):
        store.add_question(asked)
    store.move(vote.id, "open")
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert t("Scene pick") in text_of(screen) and "Q2" not in text_of(screen).replace(content.question_label(found.id), "")
    store.move(question.id, "open")
    screen.run()
    screen.run()
    assert f'<p class="hx-kicker">{content.question_label(found.id)}' in text_of(screen)
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
        q for q in plan.question_ids() if view.question(content.question(q))
    ]


@pytest.mark.parametrize(
    ("query", "said"),
    [({"plan": "sometime", "age": "14-18"}, "is not a lesson plan"), ({"plan": "after", "age": "toddlers"}, "is not an age band")],
)
def test_a_link_with_an_unknown_plan_or_age_is_said_so_and_the_session_still_starts(store, content, query, said):
    at = run("pages/live.py", **query)
    assert any(said in w.value for w in at.warning)
    at.button(key="live-start").click().run()
    assert param(at, "code") and store.questions(param(at, "code")) == []
    assert at.button(key="live-add")  # the rest of the page as usual


# --- a lesson as run in a class: the next question in one press ------------------------------------------------


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
    screen = run("pages/live.py", code=code, screen=store.signer().screen_key(code))  # the projector follows
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


def test_a_presenter_link_without_the_key_sends_phones_of_a_spoiler_safe_session_spoiler_safe(store, content):
    session, _ = started(store, content, spoiler_safe=True)
    at = run("pages/live.py", code=session.code)
    link = re.search(r'<a href="(join\?[^"]*)"', text_of(at))[1]  # a plain link: the phones' page is no Streamlit page
    assert "spoilers=hide" in link and f"code={session.code}" in link and "key" not in link


def test_the_start_page_says_a_phone_can_be_shared_and_the_controls_count_the_phones(store, content):
    at = run("pages/live.py")
    assert "Pairs or small groups can share one" in text_of(at)
    at.button(key="live-start").click().run()
    assert "Nobody has joined yet" in text_of(at)
    store.join(param(at, "code"), new_participant(), time.time())
    at.run()
    assert "1 person has joined" in text_of(at)


def test_the_controls_say_near_the_top_to_keep_the_presenter_link_and_not_show_it(store, content):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key=secret)
    first = next(i for i, w in enumerate(at.main.children.values()) if "presenter link" in str(getattr(w, "value", "")))
    assert first < 8  # before the board, not only in the expander at the very bottom
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert not any("presenter link" in w.value for w in screen.warning)


# --- places, limits, and the push that reruns the board -----------------------------------------------------


def cap_field(at: AppTest):
    """The number of places, in a form with its "Set places" button."""
    return next(n for n in at.get("number_input") if n.key == "live-cap")


def set_places(at: AppTest, number: int) -> None:
    """Type a number of places and press "Set places" (the field alone keeps nothing)."""
    cap_field(at).set_value(number)
    at.button(key="live-cap-set").click().run()


def places(at: AppTest) -> str:
    return "".join(h.proto.body for h in at.get("html") if "hx-live-places" in h.proto.body)


def test_the_presenter_sets_the_number_of_places_and_sees_the_join_count_against_it(store, content):
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    code = param(at, "code")
    field = cap_field(at)
    assert field.value == DEFAULT_CAP and isinstance(field.value, int)  # no bounds: the store judges the number
    assert f"{DEFAULT_CAP:,}" in places(at) and store.session(code, time.time()).cap == DEFAULT_CAP
    set_places(at, 2)
    assert store.session(code, time.time()).cap == 2 and cap_field(at).value == 2
    assert not [w for w in at.warning if "place is taken" in w.value]
    for _ in range(2):
        store.join(code, new_participant(), time.time())
    at.run()
    assert ">2 joined of 2 places<" in places(at) and [w for w in at.warning if "place is taken" in w.value]
    with pytest.raises(LiveError):  # the store keeps the cap: a third phone is refused
        store.join(code, new_participant(), time.time())
    store.set_cap(code, 300)  # from another window: this one follows
    at.run()
    assert cap_field(at).value == 300 and "2 joined of 300 places" in places(at)


@pytest.mark.parametrize("hostile", [0, -5, MAX_CAP + 1, 10**12])
def test_a_number_of_places_out_of_range_changes_nothing(store, content, hostile):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key=secret)
    set_places(at, hostile)  # what a browser could send, whatever the field allows
    assert not at.exception
    assert store.session(session.code, time.time()).cap == DEFAULT_CAP
    assert cap_field(at).value == DEFAULT_CAP
    set_places(at, 25)  # and the field still works
    assert store.session(session.code, time.time()).cap == 25


def test_the_places_are_written_as_each_language_writes_numbers(store, content):
    for language, thousands in (("en", "2,000"), ("fr", "2\u202f000"), ("nl", "2.000")):
        session, secret = started(store, content)
        assert thousands in places(run("pages/live.py", code=session.code, key=secret, lang=language)), language


def test_too_many_sessions_from_one_address_are_refused_with_a_message(store, content):
    for _ in range(SESSIONS_PER_HOUR):
        store.start_session(time.time(), "en", False, address="unknown")
    at = run("pages/live.py")
    at.button(key="live-start").click().run()
    assert "code" not in at.query_params and at.button(key="live-start")
    assert any(t(TOO_MANY_SESSIONS) in e.value for e in at.error)


def test_one_browser_tab_starts_only_so_many_sessions_and_another_tab_still_can(store, content):
    """A pupil pressing Start again and again is stopped by the tab's allowance, long before the address's."""
    at = run("pages/live.py")
    codes = set()
    for _ in range(livecontrols.TAB_STARTS):
        at.button(key="live-start").click().run()
        codes.add(param(at, "code"))
        for name in ("code", "key"):  # back to the start form in the same tab
            at.query_params.pop(name, None)
        at.run()
    assert len(codes) == livecontrols.TAB_STARTS
    at.button(key="live-start").click().run()
    assert "code" not in at.query_params and any(t(livecontrols.TOO_MANY_STARTS_HERE) in e.value for e in at.error)
    assert livecontrols.TAB_STARTS < SESSIONS_PER_HOUR  # the address (the teacher's too) has starts left
    other = run("pages/live.py")  # another tab behind the same address: the teacher's
    other.button(key="live-start").click().run()
    assert param(other, "code") and not other.error


@pytest.mark.parametrize("kept", [[], ["x", None, 1e18, -1e18], list(range(50))])
def test_a_tabs_allowance_counts_only_its_starts_in_the_window(kept):
    now = 10_000.0
    state = {livecontrols.STARTS: [now - livecontrols.TAB_WINDOW - 1] * 9}  # older starts are forgotten
    for _ in range(livecontrols.TAB_STARTS):
        assert livecontrols.may_start(state, now)
        livecontrols.note_start(state, now)
    assert not livecontrols.may_start(state, now) and not livecontrols.may_start(state, now + 1)
    assert livecontrols.may_start(state, now + livecontrols.TAB_WINDOW + 1)
    assert livecontrols.may_start({livecontrols.STARTS: [v for v in kept if isinstance(v, float | int)]}, now) == (
        sum(1 for v in kept if isinstance(v, float | int) and now - livecontrols.TAB_WINDOW < v <= now) < livecontrols.TAB_STARTS
    )


def qr_address(at: AppTest) -> str:
    """The address the QR code opens, as its alt text writes it out."""
    alt = at.get("image")[0].proto.imgs[0].alt
    return re.search(r"https?://\S+|\S*join\?\S+", alt)[0]


@pytest.mark.parametrize("spoiler_safe", [False, True])
def test_the_qr_code_carries_the_sessions_ticket_and_the_typed_address_stays_short(store, content, spoiler_safe):
    session, secret = started(store, content, spoiler_safe)
    other, _ = started(store, content)
    for at in (
        run("pages/live.py", code=session.code, key=secret),
        run("pages/live.py", code=session.code, screen=screen_of(store, session)),
    ):
        address = qr_address(at)
        query = parse_qs(address.split("?", 1)[1])
        assert query["code"] == [session.code] and ("spoilers" in query) == spoiler_safe
        assert store.signer().is_ticket(session.code, query["t"][0])  # a ticket for this session, not another's
        assert not store.signer().is_ticket(other.code, query["t"][0])
        assert secret not in address and "key=" not in address
        where = re.search(r'class="hx-join-where">.*?<strong>(.*?)</strong>', text_of(at))[1]
        assert where.endswith("/join") and "?" not in where and query["t"][0] not in where  # short, for typing
    assert secret not in text_of(at) and secret not in str(at.get("image")[0].proto)  # the screen: no presenter key


def test_a_wrong_key_gets_no_ticket(store, content):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key="not-the-key")
    assert store.signer().ticket(session.code) not in text_of(at) and not at.get("image")


def joining_button(at: AppTest, key: str):
    """The controls' button that closes joining ("live-joining-close") or opens it again ("live-joining-open")."""
    return next(b for b in at.get("button") if b.key == key)


def joining_keys(at: AppTest) -> set[str]:
    return {b.key for b in at.get("button") if (b.key or "").startswith("live-joining-")}


def test_the_presenter_closes_joining_and_the_projector_says_so(store, content):
    session, secret = started(store, content)
    at = run("pages/live.py", code=session.code, key=secret)
    assert joining_keys(at) == {"live-joining-close"} and "hx-live-closed" not in text_of(at)
    assert "Close joining" in joining_button(at, "live-joining-close").label
    assert "Close joining" in text_of(at)  # a caption says when
    joining_button(at, "live-joining-close").click().run()
    assert store.session(session.code, time.time()).joining is False
    assert "hx-live-closed" in text_of(at) and joining_keys(at) == {"live-joining-open"}
    screen = run("pages/live.py", code=session.code, screen=screen_of(store, session))
    assert "hx-live-closed" in text_of(screen) and not joining_keys(screen)
    # nothing left to scan on the projector: no QR code, the whole width for the answers
    assert not screen.get("image") and at.get("image")
    store.set_joining(session.code, True)  # opened again from another window: both follow
    at.run()
    screen.run()
    assert screen.get("image")
    assert joining_keys(at) == {"live-joining-close"}
    assert "hx-live-closed" not in text_of(at) and "hx-live-closed" not in text_of(screen)
    at.run()  # a later run (the board's safety net) leaves the stored choice alone
    assert store.session(session.code, time.time()).joining is True
    joining_button(at, "live-joining-close").click().run()
    store.set_joining(session.code, True)  # and again from elsewhere, while this window still shows it closed
    at.run()
    at.run()
    assert store.session(session.code, time.time()).joining is True and joining_keys(at) == {"live-joining-close"}


def test_a_closed_session_keeps_its_phones_and_refuses_new_ones(store, content):
    session, secret = started(store, content)
    inside = new_participant()
    assert store.join(session.code, inside, time.time())
    at = run("pages/live.py", code=session.code, key=secret)
    joining_button(at, "live-joining-close").click().run()
    assert store.join(session.code, inside, time.time())  # a phone already in carries on
    with pytest.raises(LiveError):
        store.join(session.code, new_participant(), time.time())
    assert "1 person has joined" in text_of(at)


def test_a_join_count_rising_faster_than_a_room_gets_a_note(store, content):
    session, secret = started(store, content)
    store.set_cap(session.code, 4 * livecontrols.FAST_JOINS)  # a hall: a quarter of it at once is a lot
    at = run("pages/live.py", code=session.code, key=secret)
    assert not [w for w in at.warning if "faster than people" in w.value]
    for _ in range(5):  # a few phones: a room
        store.join(session.code, new_participant(), time.time())
    at.run()
    assert not [w for w in at.warning if "faster than people" in w.value]
    for _ in range(livecontrols.FAST_JOINS + 1):  # a script
        store.join(session.code, new_participant(), time.time())
    at.run()
    assert [w for w in at.warning if "faster than people" in w.value]
    joining_button(at, "live-joining-close").click().run()  # closed: nothing more to warn of
    assert not [w for w in at.warning if "faster than people" in w.value]


def test_a_hall_filling_at_a_rooms_pace_gets_no_note():
    state: dict = {}
    cap = 2000
    for second in range(100):  # 20 phones a second, a hall of 2,000 in 100 seconds
        assert not livecontrols.joining_fast(state, 20 * second, cap, 1000.0 + second)
    assert livecontrols.joining_fast(state, 20 * 99 + cap // 4 + 1, cap, 1100.0)  # then a burst
    assert len(state[livecontrols.JOINS]) <= 200  # memory bounded, whatever the number of board runs


def test_a_session_takes_at_most_so_many_questions_and_the_store_numbers_them(store, content):
    session, secret = started(store, content)
    for _ in range(MAX_QUESTIONS - 1):
        store.add_question(word_question(session))
    at = run("pages/live.py", code=session.code, key=secret)
    other = run("pages/live.py", code=session.code, key=secret)  # a second window, its form already drawn
    at.button_group(key="live-kind").set_value("scene").run()
    at.button(key="live-add").click().run()
    kept = store.questions(session.code)
    assert len(kept) == MAX_QUESTIONS and len({q.position for q in kept}) == MAX_QUESTIONS
    assert esc(question_text(content, kept[-1])) in board_of(at)  # the one just added, as the store kept it
    other.button(key="live-add").click().run()
    assert len(store.questions(session.code)) == MAX_QUESTIONS
    assert any(t(TOO_MANY_QUESTIONS, limit=MAX_QUESTIONS) in e.value for e in other.error)


def test_two_windows_adding_at_once_get_their_own_positions(store, content):
    session, secret = started(store, content)
    windows = [run("pages/live.py", code=session.code, key=secret) for _ in range(2)]
    for window in windows:  # both drawn before either adds: neither may compute its position from what it saw
        window.button_group(key="live-kind").set_value("word")
    for window in windows:
        window.button(key="live-add").click().run()
    positions = [q.position for q in store.questions(session.code)]
    assert len(positions) == 2 and len(set(positions)) == 2


def push_of(at: AppTest, key: str = "live-push"):
    return next(c for c in at.get("bidi_component") if c.proto.component_name == "explorer_livepush" and c.proto.id.endswith(key))


def report_streaming(at: AppTest, key: str, works: bool) -> None:
    """Run the app as after the push component ``key`` set its state value ``streaming`` (livepush.js)."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=push_of(at, key).proto.id, json_value=json.dumps({"streaming": works})))
    at._run(states)


def test_the_board_listens_to_the_sessions_stream_and_an_event_reruns_it(store, content):
    session, secret = started(store, content)
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    at = run("pages/live.py", code=session.code, key=secret)
    data = json.loads(push_of(at).proto.json)
    assert data["url"].startswith("/live/events?") and parse_qs(data["url"].split("?", 1)[1]) == {
        "code": [session.code],
        "key": [secret],
    }
    assert data["coalesce_ms"] == 400 and data["errors"] >= 1
    report_streaming(at, "live-push", True)
    assert not at.exception
    token = new_participant()
    store.answer(question.id, token, question.choices[0], time.time())
    trigger(at, "live-push", "event", "answers")  # the stream said: answers arrived
    assert not at.exception and "1 answer" in board_of(at)
    report_streaming(at, "live-push", False)  # streaming broke: the board polls again, and still shows the room
    assert not at.exception and "1 answer" in board_of(at)


def test_the_approvals_follow_the_room_on_their_own_timer(store, content):
    """The waiting list is read every second on the controls (the board alone listens to the stream)."""
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    at = run("pages/live.py", code=session.code, key=secret)
    pushes = [c for c in at.get("bidi_component") if c.proto.component_name == "explorer_livepush"]
    assert len(pushes) == 1 and pushes[0].proto.id.endswith("live-push")  # one stream per page: the board's
    store.answer(word.id, new_participant(), "moss", time.time())
    at.run()
    assert [h for h in at.get("html") if "hx-waiting" in h.proto.body and "moss" in h.proto.body]


def test_stacked_combining_marks_stay_inside_each_word_on_the_projector(store, content):
    """A word with a tower of accents is drawn in its own box, cut at its edge, never over the neighbouring words."""
    session, secret = started(store, content)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    tower = "z" + "\u0301\u0300\u0302\u0303\u0308" * 40 + "algo"
    for value in (tower, "moss"):
        store.answer(word.id, new_participant(), value, time.time())
        store.approve_word(word.id, normalise_word(value).value)
    screen = run("pages/live.py", code=session.code, screen=store.signer().screen_key(session.code))
    words = re.search(r'<ul class="hx-words">(.*?)</ul>', board_of(screen))[1]
    items = re.findall(r"<li[^>]*>(.*?)</li>", words)
    assert len(items) == 2 and all(re.fullmatch(r"<bdi>[^<]*</bdi> ", item.split("<small>")[0]) for item in items)
    css = re.sub(r"/\*.*?\*/", "", page_stylesheet().body.decode("utf-8"), flags=re.S)
    contained = [
        body
        for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
        if ".hx-words li" in [s.strip() for s in selectors.split(",")] and "overflow: clip" in body
    ]
    assert contained
    assert re.search(r"\.hx-words li \{[^}]*line-height: 1\.[2-9]", css)  # room for the usual accents, not towers
