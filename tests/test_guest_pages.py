"""AppTest of the questions for the guest in the live page: the moderator's tab in the controls window
(``explorer_app/livemoderation.py``) and the projector's part (``explorer_app/guestboard.py``), on SQLite and, when
EXPLORER_TEST_DATABASE_URL names one, PostgreSQL. The phones ask and vote through the store (their page is
tests/test_guestpage.py's)."""

# ruff: noqa: F811 - ``store`` is test_live_pages' fixture (the pages' database), imported

from __future__ import annotations

import asyncio
import io
import re
import time

import pandas as pd
import streamlit as st

from conftest import trigger
from explorer.fragments import esc
from explorer.guest import GuestRoom
from explorer.gueststore import GuestBook
from explorer.live import new_participant, scene_question
from explorer.livefragments import guest_screen_html
from explorer_app import participant
from explorer_app.assets import page_stylesheet
from explorer_app.guestactions import pick_key
from test_live_pages import board_of, run, screen_of, started, store, text_of  # noqa: F401 - store: the pages' fixture

SECRET_TEXT = "Why <b>moss</b> **here**? [x](javascript:alert(1))"


def room(store, content, *texts: str, open: bool = True, **refs: str):
    """A session whose asking is open, a phone per question, the questions asked (in order, a second apart)."""
    session, secret = started(store, content)
    book = GuestBook(store)
    book.set_room(session.code, open=True)
    asked = []
    now = time.time()
    for n, text in enumerate(texts):
        token = new_participant()
        store.join(session.code, token, now)
        ref = {name: value for name, value in refs.items() if name.endswith(str(n))}
        place, scene = ref.get(f"place{n}", ""), ref.get(f"scene{n}", "")
        asked.append(book.ask(session.code, token, text, now + n, place=place, scene=scene)[0])
    book.set_room(session.code, open=open)
    return session, secret, book, asked


def controls(store, session, secret):
    return run("pages/live.py", code=session.code, key=secret)


def projector(store, session):
    return run("pages/live.py", code=session.code, screen=screen_of(store, session))


def guest_part(at) -> str:
    return "".join(h.proto.body for h in at.get("html") if "hx-guest-screen" in h.proto.body)


def keys(at, prefix: str) -> set[str]:
    return {b.key for b in at.get("button") if (b.key or "").startswith(prefix)}


def states(book, code) -> dict[str, str]:
    return {q.text: q.state for q in book.questions(code)}


def voters(store, book, code, question_id: str, count: int) -> None:
    for _ in range(count):
        token = new_participant()
        store.join(code, token, time.time())
        book.vote(question_id, token, True, time.time())


# --- the moderator ---------------------------------------------------------------------------------------------


def test_the_moderator_opens_and_closes_asking_and_turns_auto_publish_on_and_off(store, content):
    session, secret, book, _ = room(store, content, open=False)
    at = controls(store, session, secret)
    assert "Questions for the guest" in [tab.label for tab in at.tabs]
    at.button(key="guest-open").click().run()
    assert book.room(session.code).open and "guest-close" in keys(at, "guest-") and "guest-open" not in keys(at, "guest-")
    token = new_participant()
    store.join(session.code, token, time.time())
    waiting = book.ask(session.code, token, "Waiting in the inbox?", time.time())[0]
    at.button(key="guest-auto-on").click().run()  # publishes what waits, and what comes from now on
    assert book.room(session.code).auto_publish and states(book, session.code) == {waiting.text: "published"}
    at.button(key="guest-auto-off").click().run()
    at.button(key="guest-close").click().run()
    assert book.room(session.code) == GuestRoom(open=False, auto_publish=False)
    assert not at.exception


def test_new_questions_arrive_in_the_inbox_numbered_as_asked_and_shown_as_text(store, content):
    session, secret, book, asked = room(store, content, "First question?", SECRET_TEXT)
    at = controls(store, session, secret)
    shown = text_of(at)
    assert any("New questions (2)" in m.value.replace("\\", "") for m in at.markdown)
    assert '<strong>#1</strong> <span dir="auto">First question?</span>' in shown
    assert f'<strong>#2</strong> <span dir="auto">{esc(SECRET_TEXT)}</span>' in shown and "<b>moss</b>" not in shown
    token = new_participant()
    store.join(session.code, token, time.time())
    book.ask(session.code, token, "A third, later?", time.time() + 5)
    at.run()  # the list's own timer reads it again (a run here)
    assert '<strong>#3</strong> <span dir="auto">A third, later?</span>' in text_of(at)
    assert {pick_key(q.id) for q in asked} <= {c.key for c in at.checkbox}


def test_ticked_questions_are_published_or_hidden_together_and_the_projector_never_shows_a_pending_one(store, content):
    session, secret, book, asked = room(store, content, "One?", "Two?", "Three?", "Four?")
    screen = projector(store, session)
    assert "hx-guest-screen" in guest_part(screen)
    assert not any(q.text in guest_part(screen) for q in asked)  # waiting in the inbox: never on the projector
    at = controls(store, session, secret)
    at.checkbox(key=pick_key(asked[0].id)).check()
    at.checkbox(key=pick_key(asked[1].id)).check().run()
    assert next(b for b in at.button if b.key == "guest-publish-picked").label == "Publish the ticked questions (2)"
    at.button(key="guest-publish-picked").click().run()
    assert states(book, session.code) == {"One?": "published", "Two?": "published", "Three?": "pending", "Four?": "pending"}
    assert not at.checkbox(key=pick_key(asked[2].id)).value  # the ticks are gone with the press
    at.checkbox(key=pick_key(asked[2].id)).check().run()
    at.button(key="guest-hide-picked").click().run()
    assert states(book, session.code)["Three?"] == "hidden"
    screen.run()
    board = guest_part(screen)
    assert "One?" in board and "Two?" in board and "Three?" not in board and "Four?" not in board
    at.button(key="guest-publish-all").click().run()
    assert states(book, session.code)["Four?"] == "published"


def test_star_highlight_take_off_answered_archive_hide_and_restore(store, content):
    session, secret, book, asked = room(store, content, "Starred?", "On screen?", "Hidden?")
    book.moderate(session.code, [q.id for q in asked], "publish", time.time())
    first, second, third = asked
    at = controls(store, session, secret)
    at.button(key=f"guest-star-{first.id}").click().run()
    assert book.questions(session.code)[0].starred and at.button(key=f"guest-star-{first.id}").label == "Unstar"
    at.button(key=f"guest-star-{first.id}").click().run()
    assert not book.questions(session.code)[0].starred
    at.button(key=f"guest-highlight-{second.id}").click().run()
    assert book.room(session.code).highlighted == second.id
    assert f"guest-highlight-{second.id}" not in keys(at, "guest-") and "guest-unhighlight" in keys(at, "guest-")
    assert "on the projector" in text_of(at)
    at.button(key="guest-unhighlight").click().run()
    assert book.room(session.code).highlighted == ""
    at.button(key=f"guest-highlight-{second.id}").click().run()
    at.button(key=f"guest-answer-{second.id}").click().run()  # answered: off the screen too
    assert states(book, session.code)["On screen?"] == "answered" and book.room(session.code).highlighted == ""
    at.button(key=f"guest-hide-{third.id}").click().run()
    at.button(key=f"guest-archive-{first.id}").click().run()
    assert states(book, session.code) == {"Starred?": "archived", "On screen?": "answered", "Hidden?": "hidden"}
    assert {f"guest-restore-{q.id}" for q in asked} <= keys(at, "guest-restore-")
    at.button(key=f"guest-archive-{second.id}").click().run()  # an answered question can be put away
    assert states(book, session.code)["On screen?"] == "archived"
    for q in asked:
        at.button(key=f"guest-restore-{q.id}").click().run()
    assert set(states(book, session.code).values()) == {"published"} and not at.exception


def test_a_press_acts_once_on_the_question_it_was_drawn_for(store, content):
    session, secret, book, asked = room(store, content, "Once?")
    book.moderate(session.code, [asked[0].id], "publish", time.time())
    at = controls(store, session, secret)
    button = at.button(key=f"guest-answer-{asked[0].id}")
    book.moderate(session.code, [asked[0].id], "hide", time.time())  # another window hid it meanwhile
    button.click().run()
    assert states(book, session.code) == {"Once?": "hidden"}  # answering applies only to a published question
    at.run()
    assert f"guest-answer-{asked[0].id}" not in keys(at, "guest-") and not at.exception


def test_duplicates_are_flagged_and_merged_with_their_votes(store, content):
    session, secret, book, asked = room(store, content, "Where was the moss filmed?", "where was the MOSS filmed", "Other?")
    book.moderate(session.code, [asked[0].id, asked[1].id], "publish", time.time())
    voters(store, book, session.code, asked[1].id, 2)
    at = controls(store, session, secret)
    assert "looks like #1" in text_of(at)
    assert keys(at, "guest-merge-") == {f"guest-merge-{asked[1].id}"}
    at.button(key=f"guest-merge-{asked[1].id}").click().run()
    merged = {q.id: q for q in book.questions(session.code)}
    assert merged[asked[1].id].state == "archived" and merged[asked[1].id].duplicate_of == asked[0].id
    assert merged[asked[0].id].votes == 2 and "merged into #1" in text_of(at)


def test_the_lists_sort_by_votes_or_by_newest(store, content):
    session, secret, book, asked = room(store, content, "Old and loved?", "New and quiet?")
    book.moderate(session.code, [q.id for q in asked], "publish", time.time())
    voters(store, book, session.code, asked[0].id, 3)

    def order(at) -> list[str]:
        items = [h.proto.body for h in at.get("html") if '<p class="hx-guest-item"' in h.proto.body]
        return [re.search(r"<strong>(#\d+)</strong>", body)[1] for body in items]

    at = controls(store, session, secret)
    assert order(at) == ["#1", "#2"]
    at.button_group(key="guest-order").set_value("newest").run()
    assert order(at) == ["#2", "#1"]


def test_counts_and_the_hosts_prompts_show_in_the_controls(store, content):
    session, secret, book, asked = room(store, content, "Counted?", "Waiting?")
    book.moderate(session.code, [asked[0].id], "publish", time.time())
    voters(store, book, session.code, asked[0].id, 2)
    at = controls(store, session, secret)
    counts = next(h.proto.body for h in at.get("html") if "hx-guest-counts" in h.proto.body)
    assert "1 waiting · 1 published · 2 votes · 4 participants" in counts
    prompts = next(h.proto.body for h in at.get("html") if "hx-guest-prompts" in h.proto.body)
    assert prompts.count("<li>") >= 3
    assert any(e.label == "Questions to start with, for a shy room" for e in at.expander)


def test_the_export_buttons_hold_the_questions_with_votes_states_and_times(store, content, monkeypatch):
    session, secret, book, asked = room(store, content, "Exported?", "Hidden one?")
    book.moderate(session.code, [asked[0].id], "publish", time.time())
    book.moderate(session.code, [asked[1].id], "hide", time.time())
    voters(store, book, session.code, asked[0].id, 3)
    made = {}
    real = st.download_button

    def spy(label, data=None, *args, **kwargs):
        made[kwargs.get("key")] = data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    at = controls(store, session, secret)
    assert {"guest-csv", "guest-xlsx", "live-csv", "live-xlsx"} <= {b.key for b in at.get("download_button")}
    frame = pd.read_csv(io.BytesIO(made["guest-csv"]()), encoding="utf-8-sig", sep=None, engine="python")
    assert list(frame["Number"]) == [1, 2] and list(frame["Question"]) == ["Exported?", "Hidden one?"]
    assert list(frame["Votes"]) == [3, 0] and list(frame["State"]) == ["published", "hidden"]
    assert frame["Published at (Europe/Brussels)"].notna()[0]
    sheet = pd.read_excel(io.BytesIO(made["guest-xlsx"]()))
    assert list(sheet["Question"]) == ["Exported?", "Hidden one?"] and list(sheet["Votes"]) == [3, 0]


# --- the projector -------------------------------------------------------------------------------------------


def test_the_projector_shows_the_highlighted_question_its_place_the_queue_and_counts(store, content):
    place = content.places[0]
    session, _, book, asked = room(
        store, content, "About this place?", "Queued, starred?", "Queued, voted?", "Pending?", place0=place.id
    )
    book.moderate(session.code, [q.id for q in asked[:3]], "publish", time.time())
    book.star(session.code, [asked[1].id])
    voters(store, book, session.code, asked[2].id, 4)
    voters(store, book, session.code, asked[0].id, 1)
    book.highlight(session.code, asked[0].id, time.time())
    screen = projector(store, session)
    board = guest_part(screen)
    assert 'class="hx-guest-question" dir="auto"><span class="hx-guest-number">#1</span> About this place?</p>' in board
    assert f'data-place="{place.id}"' in board and esc(place.name.get()) in board
    assert board.index("Queued, starred?") < board.index("Queued, voted?")  # starred first in the queue
    # numbered as the moderator numbers them (in the order asked), not by their place in the queue
    assert '<span class="hx-guest-number">#2</span> <span class="hx-guest-text" dir="auto">Queued, starred?' in board
    assert '<span class="hx-guest-number">#3</span> <span class="hx-guest-text" dir="auto">Queued, voted?' in board
    assert f'<span class="hx-guest-votes" data-question="{asked[2].id}">4</span>' in board
    assert 'class="hx-guest-total" data-votes="5"' in board and "3 questions" in board
    assert "Pending?" not in board and not screen.get("button") and not screen.get("checkbox")
    sheet = page_stylesheet().body.decode("utf-8")  # the question at 48 px or more (the browser test measures it)
    assert re.search(r"\.hx-guest-question \{[^}]*font-size: 3\.5rem", sheet)


def test_a_scene_question_shows_its_title_and_a_vote_reaches_the_screen_on_the_streams_news(store, content):
    scene = content.scenes[0]
    session, _, book, asked = room(store, content, "About this scene?", scene0=scene.id)
    book.highlight(session.code, asked[0].id, time.time())  # from the inbox: published first
    screen = projector(store, session)
    assert esc(scene.title.get()) in guest_part(screen) and 'data-votes="0"' in guest_part(screen)
    voters(store, book, session.code, asked[0].id, 1)
    trigger(screen, "live-push", "event", "guest")  # the stream said: guest news
    assert 'data-votes="1"' in guest_part(screen) and not screen.exception


def test_the_guest_part_takes_the_screen_only_while_it_should(store, content):
    session, _, book, asked = room(store, content, "Published?", open=False)
    book.moderate(session.code, [asked[0].id], "publish", time.time())
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    screen = projector(store, session)
    assert not guest_part(screen) and board_of(screen)  # asking closed: the room's question
    book.set_room(session.code, open=True)
    screen.run()
    assert not guest_part(screen) and board_of(screen)  # open, but the room's question takes answers
    book.highlight(session.code, asked[0].id, time.time())
    screen.run()
    assert "Published?" in guest_part(screen) and not board_of(screen)  # a highlighted question takes the screen
    book.highlight(session.code, "", time.time())
    store.move(question.id, "closed")
    screen.run()
    assert "Scan the code to ask the guest" in guest_part(screen)  # open, and no question takes answers


def test_the_guest_part_never_draws_a_pending_or_hidden_question(content):
    from explorer.guest import GuestQuestion

    questions = [
        GuestQuestion(id=f"q{n}", session="ABC234", participant="p" * 22, text=f"Q{n} {state}", asked_at=n, state=state, votes=n)
        for n, state in enumerate(["pending", "published", "hidden", "answered", "archived"])
    ]
    for lit in ("", "q0", "q1", "q2"):
        html = guest_screen_html(content, GuestRoom(True, False, lit), questions, 3)
        assert "pending" not in html and "hidden" not in html and "archived" not in html
    assert 'data-votes="4"' in guest_screen_html(content, GuestRoom(True, False, ""), questions, 3)  # shown ones' votes


def test_neither_a_kiosk_nor_a_wrong_key_shows_any_of_it(store, content, monkeypatch):
    session, secret, book, asked = room(store, content, "Never here?")
    book.highlight(session.code, asked[0].id, time.time())
    for query in ({"code": session.code, "key": "wrong"}, {"code": session.code, "screen": "wrong"}, {"code": session.code}):
        at = run("pages/live.py", **query)
        assert not guest_part(at) and not keys(at, "guest-") and "Never here?" not in text_of(at)
    monkeypatch.setenv("EXPLORER_KIOSK", "true")
    for query in ({"code": session.code, "key": secret}, {"code": session.code, "screen": screen_of(store, session)}):
        at = run("pages/live.py", **query)
        assert not guest_part(at) and not keys(at, "guest-") and "Never here?" not in text_of(at)


def test_the_projectors_stream_says_guest_news_coalesced(store, content, monkeypatch):
    monkeypatch.setattr(participant, "COALESCE", 0.2)
    session, _, book, asked = room(store, content, "Streamed?")
    book.moderate(session.code, [asked[0].id], "publish", time.time())

    phones = [new_participant() for _ in range(3)]
    for token in phones:
        store.join(session.code, token, time.time())

    async def told() -> list[str]:
        stream = participant.screen_events(store, session.code)
        first = await anext(stream)
        assert "event: guest" not in first  # not at connect: the board reads the questions as it starts
        for token in phones:  # a burst of votes
            book.vote(asked[0].id, token, True, time.time())
        return [await asyncio.wait_for(anext(stream), 5)]

    news = asyncio.run(told())
    assert news[0].count("event: guest") == 1 and "event: answers" not in news[0]


def test_the_question_on_screen_is_marked_answered_from_its_box_and_the_next_one_follows(store, content):
    session, secret, book, asked = room(store, content, "On screen?", "Next?", "Then?")
    book.moderate(session.code, [q.id for q in asked], "publish", time.time())
    first, second, third = asked
    book.star(session.code, [third.id])  # starred: it leads the queue
    book.highlight(session.code, first.id, time.time())
    at = controls(store, session, secret)
    assert next(b for b in at.button if b.key == "guest-lit-next").label == "Answered, next: #3"
    at.button(key="guest-lit-next").click().run()
    assert states(book, session.code)["On screen?"] == "answered" and book.room(session.code).highlighted == third.id
    assert next(b for b in at.button if b.key == "guest-lit-next").label == "Answered, next: #2"
    at.button(key="guest-lit-answered").click().run()
    assert states(book, session.code)["Then?"] == "answered" and book.room(session.code).highlighted == ""
    assert "guest-lit-answered" not in keys(at, "guest-") and not at.exception
