"""The phones' routes of "Questions for the guest" (explorer_app/guestroutes.py) through Starlette's test client,
on SQLite and, when EXPLORER_TEST_DATABASE_URL names one, PostgreSQL: asking, voting and taking a vote back,
the orders, a phone's own waiting questions shown to it alone, the highlighted and the answered ones, the push
and its fallback, and hostile input throughout (forged and foreign cookies, other sessions, markup, long and odd
text, forged ids, oversized forms, wrong codes, the store gone)."""

from __future__ import annotations

import html
import json
import os
import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from explorer.guest import (
    ASKING_CLOSED,
    ASKS_PER_WINDOW,
    MAX_ASK,
    NOT_VOTABLE,
    TOO_MANY_ASKS,
    UNKNOWN_PLACE,
    UNKNOWN_SCENE,
)
from explorer.guestpage import ASK_CUT, ASKED, ASKED_PUBLISHED, UNVOTED, VOTED
from explorer.gueststore import GuestBook
from explorer.i18n import n_, t
from explorer.live import EMPTY, JOINING_CLOSED, SESSION_FULL, AttemptLimiter
from explorer.liveauth import Signer, cookie_name
from explorer.livestore import UNAVAILABLE, StoreUnavailable
from explorer.spoilers import visibility
from explorer.typography import typeset
from explorer_app import guestroutes, liveroom, participant
from explorer_app.compression import CompressedBodies, CompressionMiddleware
from explorer_app.hints import HintsMiddleware
from explorer_app.security import SecurityHeadersMiddleware

POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"),
        ),
    ]
)
def app(request, tmp_path, monkeypatch):
    """The phones' routes and the guest page's behind the server's own middleware, on a fresh store."""
    for name in ("EXPLORER_DATABASE_URL", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_LIVE_SECRET", "EXPLORER_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_TILES", "offline")
    monkeypatch.setenv("EXPLORER_LIVE_DIR", str(tmp_path))
    if request.param == "postgresql":
        monkeypatch.setenv("EXPLORER_DATABASE_URL", POSTGRES)
    monkeypatch.setattr(liveroom, "LIMITER", AttemptLimiter(limit=5))
    monkeypatch.setattr(liveroom, "JOIN_LIMITER", liveroom.JoinLimiter(limit=50, window=600.0))
    participant.LOOKS.clear()
    liveroom.forget_stores()
    yield Starlette(
        routes=[*participant.participant_routes(), *guestroutes.guest_routes()],
        middleware=[
            Middleware(SecurityHeadersMiddleware),
            Middleware(CompressionMiddleware, bodies=CompressedBodies()),
            Middleware(HintsMiddleware),
        ],
    )
    liveroom.forget_stores()
    participant.LOOKS.clear()


@pytest.fixture
def store(app):
    return liveroom.live_store(liveroom.CACHE.settings())


@pytest.fixture
def book(store):
    return GuestBook(store)


def phone(app, address: str = "203.0.113.7") -> TestClient:
    return TestClient(app, client=(address, 40000), follow_redirects=False)


def said(response) -> list[str]:
    return [html.unescape(m) for m in re.findall(r'<p class="hx-phone-note[^"]*" role="\w+">(.*?)</p>', response.text)]


def told(message: str, language: str = "en", **values: object) -> str:
    return typeset(t(message, language, **values), language)


def opened(store, book, **room) -> str:
    session, _ = store.start_session(time.time(), "en", **room)
    book.set_room(session.code, open=True)
    return session.code


def guest_phone(app, code: str, address: str = "203.0.113.7", lang: str = "en") -> TestClient:
    client = phone(app, address)
    response = client.get(f"/join/guest?code={code}&lang={lang}")
    assert response.status_code == 200, response.text
    assert cookie_name(code) in response.headers.get("set-cookie", "")  # it joined the session here
    return client


def pid_of(store, client: TestClient, code: str) -> str:
    return store.signer().participant(code, client.cookies.get(cookie_name(code)))


def ask(client: TestClient, code: str, text: str, **extra: str):
    return client.post("/join/guest/ask", data={"code": code, "text": text, **extra})


def vote(client: TestClient, code: str, question: str, up: bool = True, **extra: str):
    return client.post("/join/guest/vote", data={"code": code, "question": question, "up": "1" if up else "", **extra})


def texts(response, section: str) -> list[str]:
    """The questions' texts a section of the page lists (now, mine, all, answered), as read."""
    found = re.search(rf'<section class="hx-phone-{section}".*?</section>', response.text, re.S)
    return [html.unescape(m) for m in re.findall(r'<p class="hx-phone-qtext"[^>]*><bdi>(.*?)</bdi></p>', found[0])] if found else []


def votes_shown(response, question: str) -> str:
    item = re.search(rf'<li id="q-{question}".*?</li>', response.text, re.S)[0]
    return html.unescape(re.search(r'class="hx-phone-qvotes">(.*?)<', item)[1])


# --- asking ----------------------------------------------------------------------------------------------------


def test_a_question_asked_waits_for_the_moderator_and_only_its_asker_sees_it(app, store, book, content):
    code = opened(store, book)
    asker, other = guest_phone(app, code), guest_phone(app, code, "198.51.100.2")
    place = content.places[0]
    sent = ask(asker, code, "Why this garage?", place=place.id, lang="fr")
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert location.startswith(f"/join/guest?code={code}&lang=fr&sent=")
    page = asker.get(location)
    assert said(page) == [told(ASKED, "fr")]
    assert texts(page, "mine") == ["Why this garage?"] and texts(page, "all") == []
    assert place.name.get("fr") in html.unescape(page.text.split('class="hx-phone-mine"')[1])
    (question,) = book.questions(code)
    assert (question.place, question.language, question.state, question.participant) == (
        place.id,
        "fr",
        "pending",
        pid_of(store, asker, code),
    )
    shown = other.get(f"/join/guest?code={code}")
    assert "Why this garage?" not in shown.text and texts(shown, "mine") == []
    assert said(other.get(location)) == []  # "sent" in a copied address tells a phone that sent nothing nothing
    # published by the moderator: everyone sees it, the asker no longer as waiting
    book.moderate(code, [question.id], "publish", time.time())
    assert texts(other.get(f"/join/guest?code={code}"), "all") == ["Why this garage?"]
    assert texts(asker.get(f"/join/guest?code={code}"), "mine") == []


def test_an_auto_publishing_room_shows_a_question_at_once_and_a_long_one_is_cut(app, store, book):
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client = guest_phone(app, code)
    page = client.get(ask(client, code, "Moss? " * 200, lang="nl").headers["location"])
    assert said(page) == [typeset(t(ASK_CUT, "nl", limit=MAX_ASK) + " " + t(ASKED_PUBLISHED, "nl"), "nl")]
    (question,) = book.questions(code)
    assert question.cut and len(question.text) <= MAX_ASK and question.state == "published"
    assert texts(page, "all") == [question.text]


def test_markup_and_odd_unicode_are_shown_as_text(app, store, book):
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client = guest_phone(app, code)
    hostile = [
        '<script>alert(1)</script><img src=x onerror="alert(2)">',
        "a" + "\u0301" * 500 + " tower",
        "\u202eevil\u202c reversed \u2066x\u2069",
        "x" * 10_000,
    ]
    for typed in hostile:
        assert ask(client, code, typed).status_code == 303
    page = client.get(f"/join/guest?code={code}")
    main = page.text.split("<main", 1)[1]
    assert "<script>alert" not in main and "<img" not in main and "&lt;script&gt;alert(1)&lt;/script&gt;" in main
    kept = {q.text for q in book.questions(code)}
    assert '<script>alert(1)</script><img src=x onerror="alert(2)">' in kept
    assert all("\u202e" not in text and "\u2066" not in text for text in kept)  # direction overrides taken out
    tower = next(text for text in kept if text.endswith("tower"))
    assert tower.count("\u0301") <= 4  # a tower of marks cut to a few
    assert all(len(text) <= MAX_ASK for text in kept)
    assert re.findall(r'<p class="hx-phone-qtext"[^>]*dir="auto"', page.text)  # each text's direction isolated


def test_refusals_are_said_in_the_phones_language_with_what_was_typed_kept(app, store, book, content):
    code = opened(store, book)
    client = guest_phone(app, code)
    scene = content.scenes[0]
    for extra, message in (
        ({"place": "not-a-place"}, UNKNOWN_PLACE),
        ({"scene": "<b>forged</b>"}, UNKNOWN_SCENE),
        ({"place": "x" * 5000}, UNKNOWN_PLACE),
    ):
        refused = ask(client, code, "Où est-ce ?", lang="fr", **({"scene": scene.id} | extra))
        assert refused.status_code == 422 and said(refused) == [told(message, "fr")]
        assert html.unescape(re.search(r'<textarea id="hx-ask"[^>]*>(.*?)</textarea>', refused.text, re.S)[1]) == "Où est-ce ?"
    empty = ask(client, code, " \u200b\n ", lang="nl")
    assert empty.status_code == 422 and said(empty) == [told(EMPTY, "nl")]
    assert book.questions(code) == []


def test_a_spoiler_safe_session_offers_and_takes_only_the_scenes_it_shows(app, store, book, content):
    code = opened(store, book, spoiler_safe=True)
    client = guest_phone(app, code)
    page = client.get(f"/join/guest?code={code}")
    select = re.search(r'<select id="hx-ask-scene".*?</select>', page.text, re.S)[0]
    offered = set(re.findall(r'value="([^"]+)"', select))
    view = visibility(content, True)
    assert offered and not offered & view.hidden
    hidden = sorted(view.hidden)[0]
    refused = ask(client, code, "And the end?", scene=hidden)
    assert refused.status_code == 422 and said(refused) == [told(UNKNOWN_SCENE)] and book.questions(code) == []
    places = re.findall(r'value="([^"]+)"', re.search(r'<select id="hx-ask-place".*?</select>', page.text, re.S)[0])
    assert places == [p.id for p in content.places]


def test_asking_too_fast_and_asking_closed_are_refused(app, store, book):
    code = opened(store, book)
    client = guest_phone(app, code)
    for n in range(ASKS_PER_WINDOW):
        assert ask(client, code, f"question {n}").status_code == 303
    fast = ask(client, code, "one more", lang="fr")
    assert fast.status_code == 429 and said(fast) == [told(TOO_MANY_ASKS, "fr")] and "one more" in fast.text
    book.set_room(code, open=False)
    other = guest_phone(app, code, "198.51.100.3")
    closed = ask(other, code, "late")
    assert closed.status_code == 409 and said(closed) == [told(ASKING_CLOSED)]
    assert len(book.questions(code)) == ASKS_PER_WINDOW


def test_a_closed_room_without_questions_says_so_and_links_back(app, store, book):
    session, _ = store.start_session(time.time(), "en")
    client = phone(app)
    page = client.get(f"/join/guest?code={session.code}&lang=nl")
    assert page.status_code == 200 and "<form" not in page.text.split("<main", 1)[1]
    assert told(ASKING_CLOSED, "nl") in html.unescape(page.text)
    assert f'href="/join?code={session.code}&amp;lang=nl"' in page.text
    assert "hx-phone-guest" not in client.get(f"/join?code={session.code}").text  # no guest link while closed
    book.set_room(session.code, open=True)
    participant.LOOKS.clear()
    shown = client.get(f"/join?code={session.code}&lang=nl")
    assert re.search(rf'class="hx-phone-guest hx-phone-guest-big"><a href="/join/guest\?code={session.code}&amp;lang=nl"', shown.text)


# --- voting ----------------------------------------------------------------------------------------------------


def test_votes_are_given_taken_back_and_counted_once_and_the_orders(app, store, book):
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    asker, voter = guest_phone(app, code), guest_phone(app, code, "198.51.100.4")
    ask(asker, code, "first asked")
    time.sleep(0.01)
    ask(asker, code, "second asked")
    first, second = book.questions(code)
    sent = vote(voter, code, first.id, order="newest", lang="fr")
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/join/guest?code={code}&lang=fr&order=newest&done=up#q-{first.id}"
    page = voter.get(sent.headers["location"].split("#")[0])
    assert said(page) == [told(VOTED, "fr")]
    assert texts(page, "all") == ["second asked", "first asked"]  # newest first, as asked
    assert votes_shown(page, first.id) == typeset(n_("{count} vote", "{count} votes", 1, "fr"), "fr")
    assert votes_shown(page, second.id) == typeset(n_("{count} vote", "{count} votes", 0, "fr"), "fr")
    assert 'aria-pressed="true"' in re.search(rf'<li id="q-{first.id}".*?</li>', page.text, re.S)[0]
    assert vote(voter, code, first.id).status_code == 303  # twice: kept once
    assert book.questions(code)[0].votes == 1
    by_votes = voter.get(f"/join/guest?code={code}")
    assert texts(by_votes, "all") == ["first asked", "second asked"]
    assert '<a href="/join/guest?code=' in by_votes.text and "order=newest" in by_votes.text
    back = voter.get(vote(voter, code, first.id, up=False).headers["location"].split("#")[0])
    assert said(back) == [told(UNVOTED)] and book.questions(code)[0].votes == 0
    assert 'aria-pressed="false"' in re.search(rf'<li id="q-{first.id}".*?</li>', back.text, re.S)[0]


def test_only_published_questions_of_the_phones_session_take_votes(app, store, book):
    code = opened(store, book)
    other = opened(store, book)
    client = guest_phone(app, code)
    outsider = guest_phone(app, other, "198.51.100.5")
    ask(client, code, "pending one")
    ask(client, code, "hidden one")
    ask(outsider, other, "foreign one")
    pending, hidden = book.questions(code)
    book.moderate(code, [hidden.id], "hide", time.time())
    (foreign,) = book.questions(other)
    book.moderate(other, [foreign.id], "publish", time.time())
    for target in (pending.id, hidden.id, foreign.id, "no-such-question", "<x>" * 40):
        refused = vote(client, code, target, lang="nl")
        assert refused.status_code == 409 and said(refused) == [told(NOT_VOTABLE, "nl")], target
    # a phone of the other session votes with its own cookie for this session's question: nobody here
    book.moderate(code, [pending.id], "publish", time.time())
    sneaky = vote(outsider, code, pending.id)
    assert sneaky.status_code == 303 and "done=" not in sneaky.headers["location"]
    assert book.vote_count(code) == 0 and book.vote_count(other) == 0


def test_the_highlighted_question_and_the_answered_ones_are_shown_apart(app, store, book):
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client = guest_phone(app, code)
    for text in ("now this", "then that", "done already"):
        ask(client, code, text)
    now, then, done = book.questions(code)
    book.highlight(code, now.id, time.time())
    book.moderate(code, [done.id], "answer", time.time())
    page = client.get(f"/join/guest?code={code}")
    assert texts(page, "now") == ["now this"] and texts(page, "all") == ["then that"] and texts(page, "answered") == ["done already"]
    assert 'class="hx-phone-vote"' not in re.search(r'<section class="hx-phone-answered".*?</section>', page.text, re.S)[0]


# --- who a phone is --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("forged", ["x" * 22 + ".AAAA", "", "foreign", "other secret", "x" * 5000])
def test_a_forged_or_foreign_cookie_asks_and_votes_for_nobody(app, store, book, forged):
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    other, _ = store.start_session(time.time(), "en")
    owner = guest_phone(app, code)
    ask(owner, code, "owner's question")
    (question,) = book.questions(code)
    if forged == "foreign":
        forged = store.signer().issue(other.code)
    elif forged == "other secret":
        forged = Signer("another secret entirely, not the store's").issue(code)
    attacker = phone(app, "198.51.100.10")
    attacker.cookies.set(cookie_name(code), forged, path="/join")
    for response in (ask(attacker, code, "stolen"), vote(attacker, code, question.id)):
        assert response.status_code == 303 and urlsplit(response.headers["location"]).path == "/join/guest"
        assert "sent=" not in response.headers["location"] and "done=" not in response.headers["location"]
    assert [q.text for q in book.questions(code)] == ["owner's question"] and book.vote_count(code) == 0
    assert attacker.get(f"/join/state?code={code}").status_code == 403


def test_not_joined_wrong_code_and_the_session_rules_apply(app, store, book):
    code = opened(store, book)
    stranger = phone(app, "198.51.100.20")
    assert ask(stranger, code, "hello").status_code == 303 and book.questions(code) == []
    wrong = phone(app, "198.51.100.21").get("/join/guest?code=ZZZZZZ")
    assert wrong.status_code == 404 and "set-cookie" not in wrong.headers
    assert phone(app).get("/join/guest").headers["location"] == "/join"
    assert ask(stranger, "not a code", "hi").headers["location"] == "/join"
    store.set_cap(code, 1)
    guest_phone(app, code, "198.51.100.22")
    full = phone(app, "198.51.100.23").get(f"/join/guest?code={code}")
    assert full.status_code == 403 and said(full) == [told(SESSION_FULL)]
    closed_session = opened(store, book)
    store.set_joining(closed_session, False)
    refused = phone(app, "198.51.100.24").get(f"/join/guest?code={closed_session}")
    assert said(refused) == [told(JOINING_CLOSED)] and "set-cookie" not in refused.headers


def test_the_qr_codes_ticket_is_kept_through_asking(app, store, book):
    code = opened(store, book)
    ticket = store.signer().ticket(code)
    client = phone(app)
    page = client.get(f"/join/guest?code={code}&t={ticket}")
    assert page.status_code == 200 and f'name="t" value="{ticket}"' in page.text
    assert parse_qs(urlsplit(ask(client, code, "hi", t=ticket).headers["location"]).query)["t"] == [ticket]


def test_oversized_and_overfull_forms_are_refused_before_any_work(app, store, book):
    code = opened(store, book)
    client = guest_phone(app, code)
    assert ask(client, code, "a" * 100_000).status_code == 413
    fields = {f"f{n}": "x" for n in range(50)} | {"code": code, "text": "moss"}
    assert client.post("/join/guest/ask", data=fields).status_code == 413
    assert client.post("/join/guest/vote", data=fields).status_code == 413
    assert book.questions(code) == []


def test_the_store_gone_is_said_and_the_typed_question_kept(app, store, book, monkeypatch):
    code = opened(store, book)
    client = guest_phone(app, code)

    def gone(settings):
        raise StoreUnavailable("the database went")

    monkeypatch.setattr(liveroom, "live_store", gone)
    sent = ask(client, code, "«mousse» <b>?</b>", lang="fr")
    assert sent.status_code == 503 and said(sent) == [told(UNAVAILABLE, "fr")]
    assert html.unescape(re.search(r'<textarea id="hx-ask"[^>]*>(.*?)</textarea>', sent.text, re.S)[1]) == "«mousse» <b>?</b>"
    assert told(ASKED, "fr") not in html.unescape(sent.text)
    assert vote(client, code, "x").status_code == 503
    gone_page = client.get(f"/join/guest?code={code}&lang=nl")
    assert gone_page.status_code == 503 and said(gone_page) == [told(UNAVAILABLE, "nl")]
    assert f'<a href="/join/guest?code={code}&amp;lang=nl">' in gone_page.text  # its Refresh comes back here


# --- the push and its fallback ---------------------------------------------------------------------------------


def events(lines, count: int) -> list[str]:
    found, block = [], []
    for line in lines:
        if line:
            block.append(line)
            continue
        if block:
            found.append("\n".join(block))
            block = []
            if len(found) == count:
                return found
    return found


def guest_data(block: str) -> dict:
    assert block.startswith("event: guest\n"), block
    return json.loads(block.split("data: ", 1)[1])


def test_the_stream_says_guest_after_a_vote_and_the_state_carries_it(app, store, book, monkeypatch):
    monkeypatch.setattr(participant, "KEEP_ALIVE", 0.5)
    monkeypatch.setattr(participant, "GUEST_EVERY", 0.2)
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client, voter = guest_phone(app, code), guest_phone(app, code, "198.51.100.30")
    ask(client, code, "a question")
    (question,) = book.questions(code)
    page = client.get(f"/join/guest?code={code}")
    shown = re.search(r'data-guest="([0-9a-f]+)"', page.text)[1]
    counts = re.search(r'data-guest-counts="([0-9a-f]+)"', page.text)[1]
    state = client.get(f"/join/state?code={code}").json()
    assert state["guest"] == {"v": shown, "c": counts, "open": True}
    with client.stream("GET", f"/join/events?code={code}") as stream:
        lines = stream.iter_lines()
        start = [e for e in events(lines, 3) if e.startswith("event: guest")]
        assert guest_data(start[0])["v"] == shown
        assert vote(voter, code, question.id).status_code == 303
        found = next(e for e in events(lines, 4) if e.startswith("event: guest"))
        after = guest_data(found)
        # a vote changes the counts, not what the page shows otherwise (phones load new counts now and then)
        assert after["c"] != counts and after["v"] == shown and after["open"] is True
    assert client.get(f"/join/state?code={code}").json()["guest"]["c"] == after["c"]
    again = client.get(f"/join/guest?code={code}")
    assert re.search(r'data-guest-counts="([0-9a-f]+)"', again.text)[1] == after["c"]


def test_a_storm_of_votes_wakes_a_phone_at_most_every_guest_every_seconds(app, store, book, monkeypatch):
    monkeypatch.setattr(participant, "KEEP_ALIVE", 5.0)
    monkeypatch.setattr(participant, "GUEST_EVERY", 1.0)
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client = guest_phone(app, code)
    ask(client, code, "popular")
    (question,) = book.questions(code)
    voters = [store.signer().issue(code).split(".", 1)[0] for _ in range(12)]
    for pid in voters:
        store.join(code, pid, time.time())
    with client.stream("GET", f"/join/events?code={code}") as stream:
        lines = stream.iter_lines()
        assert any(e.startswith("event: guest") for e in events(lines, 3))
        began = time.monotonic()
        for pid in voters:
            book.vote(question.id, pid, True, time.time())
            time.sleep(0.1)
        told_at = []
        while time.monotonic() - began < 2.6:
            block = events(lines, 1)[0]
            if block.startswith("event: guest"):
                told_at.append(time.monotonic() - began)
        assert 1 <= len(told_at) <= 3, told_at  # 12 votes in 1.2 s: told once or twice, not twelve times


def test_the_no_script_path_asks_and_votes_with_plain_forms(app, store, book):
    """Every action is a form that posts (no script needed) and the page links its orders and the session."""
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    client = guest_phone(app, code)
    page = client.get(f"/join/guest?code={code}")
    form = re.search(r'<form class="hx-phone-form hx-phone-ask" method="post" action="([^"]+)"', page.text)
    assert form and form[1] == "/join/guest/ask"
    assert "<noscript><p><a href=" in page.text  # a link to look again while writing, instead of a reload
    ask(client, code, "plain")
    page = client.get(f"/join/guest?code={code}")
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page.text.split("hx-phone-vote", 1)[1]))
    assert fields["code"] == code and fields["up"] == "1"
    assert client.post("/join/guest/vote", data=fields).status_code == 303 and book.vote_count(code) == 1


def test_the_first_view_is_light(app, store, book, content):
    """The guest page with twenty published questions, its stylesheet and script, compressed as served: the page
    itself a few KB (no Streamlit, no map), everything under 100 KB."""
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    askers = [guest_phone(app, code, f"198.51.100.{n}") for n in range(50, 54)]
    for n in range(20):
        ask(askers[n % 4], code, f"Question number {n} about the moss, the city and the film, long enough to weigh")
    client = guest_phone(app, code)
    for encoding in ("br", "gzip"):
        page = client.get(f"/join/guest?code={code}", headers={"Accept-Encoding": encoding})
        files = [re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text)[1], re.search(r'<script src="([^"]+)"', page.text)[1]]
        sent = [client.get(path, headers={"Accept-Encoding": encoding}) for path in files]
        assert all(r.status_code == 200 and "immutable" in r.headers["cache-control"] for r in sent)
        assert all(r.headers.get("content-encoding") in ("br", "gzip") for r in (page, *sent))
        assert int(page.headers["content-length"]) <= 12 * 1024, (encoding, page.headers["content-length"])
        total = sum(int(r.headers["content-length"]) for r in (page, *sent))
        assert total <= 100 * 1024, (encoding, total)


def test_a_vote_from_the_pages_script_is_answered_in_place_with_the_rows_new_state(app, store, book):
    """join.js sends a vote asking for JSON and updates the question's row: no page comes back (a hall's votes
    would cost a page each); refusals come back as an error the script shows by sending the form as a page."""
    code = opened(store, book)
    book.set_room(code, auto_publish=True)
    asker, voter = guest_phone(app, code), guest_phone(app, code, "198.51.100.40", lang="fr")
    ask(asker, code, "in place?")
    (question,) = book.questions(code)
    json_headers = {"Accept": "application/json"}

    def sent(client, up: str, question_id: str = question.id, **extra: str):
        form = {"code": code, "question": question_id, "up": up, "lang": "fr", **extra}
        return client.post("/join/guest/vote", data=form, headers=json_headers, follow_redirects=False)

    given = sent(voter, "1")
    assert given.status_code == 200 and given.headers["content-type"].startswith("application/json")
    assert given.json() == {
        "votes": 1,
        "mine": True,
        "count": "1 vote",
        "label": "Retirer mon vote",
        "up": "0",
        "note": "Vote compté.",
    }
    assert sent(voter, "1").json()["votes"] == 1  # the same vote again: still one
    taken = sent(voter, "0")
    assert taken.json()["votes"] == 0 and taken.json()["mine"] is False and taken.json()["up"] == "1"
    assert book.questions(code)[0].votes == 0
    # refusals: a question of no session, a phone that never joined, a hidden question
    assert sent(voter, "1", "0" * 32).status_code == 409 and "error" in sent(voter, "1", "0" * 32).json()
    stranger = phone(app, "198.51.100.41")
    assert sent(stranger, "1").status_code == 409 and book.questions(code)[0].votes == 0
    book.moderate(code, [question.id], "hide", time.time())
    refused = sent(voter, "1")
    assert refused.status_code == 409 and refused.json()["error"] == t(NOT_VOTABLE, "fr")
    # without the script: the form's 303 and the page, as before
    book.moderate(code, [question.id], "restore", time.time())
    assert vote(voter, code, question.id).status_code == 303 and book.questions(code)[0].votes == 1
