"""The phones' routes (explorer_app/participant.py) through Starlette's test client: joining with a signed cookie
within the cap and the limits, answers of every kind, refusals said in the phone's language with what was typed
kept, the event streams, and the first view's weight. Hostile values throughout: forged and foreign cookies,
copied links, guessed codes behind forged headers, answers to questions that are not open."""

from __future__ import annotations

import html
import json
import os
import re
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from explorer.i18n import t
from explorer.live import (
    CUT,
    ENDED,
    JOINING_CLOSED,
    MAX_TEXT,
    MAX_WORD,
    NOT_A_CHOICE,
    NOT_ONE_WORD,
    NOT_OPEN,
    SESSION_FULL,
    TOO_MANY_JOINS,
    TOO_MANY_TRIES_SCAN,
    UNKNOWN_CODE,
    AttemptLimiter,
    LiveQuestion,
    classroom_question,
    place_question,
    scene_question,
    word_question,
)
from explorer.liveauth import Signer, cookie_name
from explorer.livestore import UNAVAILABLE, StoreUnavailable
from explorer.spoilers import visibility
from explorer.typography import typeset
from explorer_app import liveroom, participant
from explorer_app.compression import CompressedBodies, CompressionMiddleware
from explorer_app.hints import HintsMiddleware
from explorer_app.security import SecurityHeadersMiddleware

SENT = "Answer sent. Changes are possible until the question closes."
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
    """The phones' routes behind the server's own middleware, on a fresh SQLite store (or the test PostgreSQL
    database), with fresh limiters."""
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
        routes=participant.participant_routes(),
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


def phone(app, address: str = "203.0.113.7") -> TestClient:
    return TestClient(app, client=(address, 40000), follow_redirects=False)


def said(response) -> list[str]:
    """The notes a page shows (errors and confirmations), as read."""
    return [html.unescape(m) for m in re.findall(r'<p class="hx-phone-note[^"]*" role="\w+">(.*?)</p>', response.text)]


def told(message: str, language: str, **values: object) -> str:
    """A message as the page shows it (French spacing)."""
    return typeset(t(message, language, **values), language)


def cookie_of(response) -> SimpleCookie:
    found = SimpleCookie()
    found.load(response.headers.get("set-cookie", ""))
    return found


def joined_phone(app, store, code: str, address: str = "203.0.113.7") -> TestClient:
    client = phone(app, address)
    assert client.get(f"/join?code={code}").status_code == 200
    return client


def opened(store, question: LiveQuestion) -> LiveQuestion:
    kept = store.add_question(question)
    return store.move(kept.id, "open")


def answer(client: TestClient, code: str, question: LiveQuestion, value: str, **extra: str):
    return client.post("/join/answer", data={"code": code, "question": question.id, "value": value, **extra})


# --- who a phone is ------------------------------------------------------------------------------------------


def test_the_code_form_and_the_headers_every_page_carries(app):
    response = phone(app).get("/join?lang=nl")
    assert response.status_code == 200 and '<html lang="nl">' in response.text
    assert t("Session code", "nl") in html.unescape(response.text)
    assert "set-cookie" not in response.headers
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    assert response.headers["cache-control"] == "no-store"
    # its own hint (the stylesheet), not the Streamlit pages' component scripts
    assert response.headers["link"].count("rel=") == 1 and "join." in response.headers["link"]


def test_joining_sets_a_signed_cookie_for_the_session_alone(app, store):
    session, _ = store.start_session(time.time(), "en")
    client = phone(app)
    response = client.get(f"/join?code={session.code.lower()}")
    assert response.status_code == 200
    morsel = cookie_of(response)[cookie_name(session.code)]
    assert morsel["httponly"] and morsel["samesite"].lower() == "lax" and morsel["path"] == "/join"
    assert not morsel["secure"]  # plain http on 127.0.0.1; https sets it (below)
    assert abs(int(morsel["max-age"]) - (session.expires - time.time())) < 5
    pid = store.signer().participant(session.code, morsel.value)
    assert pid and store.has_joined(session.code, pid) and store.joined(session.code) == 1
    assert morsel.value not in response.text and pid not in response.text  # never in the page or its links
    again = client.get(f"/join?code={session.code}")  # a reload: the same participant, no new cookie
    assert "set-cookie" not in again.headers and store.joined(session.code) == 1
    secure = phone(app).get(f"https://testserver/join?code={session.code}")
    assert cookie_of(secure)[cookie_name(session.code)]["secure"]


def test_a_copied_link_makes_a_new_participant_never_the_person_who_shared_it(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    question = opened(store, place_question(content, session))
    first = joined_phone(app, store, session.code)
    assert answer(first, session.code, question, "garage").status_code == 303
    link = f"/join?code={session.code}&lang=fr"  # all the address holds
    stranger = phone(app, "198.51.100.9")
    page = stranger.get(link)
    assert "hx-live-mine" not in page.text and store.joined(session.code) == 2
    assert answer(stranger, session.code, question, "moeraske").status_code == 303
    values = sorted(a.value for a in store.answers(session.code, question.id))
    assert values == ["garage", "moeraske"]  # the first phone's vote is untouched


@pytest.mark.parametrize(
    "forged",
    [
        "x" * 22 + ".AAAA",
        "x" * 22,
        ".",
        "",
        "a.b.c",
        "%C3%A9" * 15 + ".sig",
        "x" * 22 + ".\\u00e9",
        "x" * 5000,
        "{pid}.{sig}",  # a real pid with a signature made up
        "foreign",  # a valid cookie of another session, renamed for this one
        "other secret",  # signed for this session, but not with the store's secret
    ],
)
def test_a_forged_or_foreign_cookie_is_nobody(app, store, content, forged):
    session, _ = store.start_session(time.time(), "en")
    other, _ = store.start_session(time.time(), "en")
    question = opened(store, word_question(session))
    owner = joined_phone(app, store, session.code)
    assert answer(owner, session.code, question, "quiet").status_code == 303
    owner_value = owner.cookies.get(cookie_name(session.code))
    pid = owner_value.split(".")[0]
    if forged == "foreign":
        forged = store.signer().issue(other.code)
    elif forged == "other secret":
        forged = Signer("another secret entirely, not the store's").issue(session.code)
    forged = forged.format(pid=pid, sig="A" * 43)
    attacker = phone(app, "198.51.100.10")
    attacker.cookies.set(cookie_name(session.code), forged, path="/join")
    # its answer goes nowhere: it is sent to join first, and the owner's word stays
    response = answer(attacker, session.code, question, "stolen")
    assert response.status_code == 303 and "sent=" not in response.headers["location"]
    assert [a.value for a in store.answers(session.code, question.id)] == ["quiet"]
    # its page joins it as someone new, within the limits, and shows it nothing of the owner's
    page = attacker.get(f"/join?code={session.code}")
    assert cookie_name(session.code) in page.headers.get("set-cookie", "")
    assert "quiet" not in page.text and store.joined(session.code) == 2
    # the streams and the state want a valid cookie
    stranger = phone(app, "198.51.100.11")
    stranger.cookies.set(cookie_name(session.code), forged, path="/join")
    assert stranger.get(f"/join/state?code={session.code}").status_code == 403
    assert stranger.get(f"/join/events?code={session.code}").status_code == 403


def test_the_cap_lets_in_as_many_as_the_presenter_said(app, store):
    session, _ = store.start_session(time.time(), "fr")
    store.set_cap(session.code, 2)
    phones = [joined_phone(app, store, session.code, f"203.0.113.{n}") for n in (1, 2)]
    full = phone(app, "203.0.113.3").get(f"/join?code={session.code}&lang=fr")
    assert full.status_code == 403 and said(full) == [told(SESSION_FULL, "fr")]
    assert "set-cookie" not in full.headers and store.joined(session.code) == 2
    assert f'value="{session.code}"' in full.text  # the code stays in the form
    assert phones[0].get(f"/join?code={session.code}").status_code == 200  # those in stay in


def test_new_participants_per_address_are_limited_and_other_addresses_go_on(app, store, monkeypatch):
    monkeypatch.setattr(liveroom, "JOIN_LIMITER", liveroom.JoinLimiter(limit=3, window=600.0))
    session, _ = store.start_session(time.time(), "en")
    for _ in range(3):
        joined_phone(app, store, session.code, "192.0.2.1")
    # a script throwing its cookie away each time, with a forged X-Forwarded-For (no trusted proxy: ignored)
    refused = phone(app, "192.0.2.1").get(f"/join?code={session.code}&lang=nl", headers={"X-Forwarded-For": "10.9.8.7"})
    assert refused.status_code == 429 and said(refused) == [told(TOO_MANY_JOINS, "nl")]
    assert store.joined(session.code) == 3
    joined_phone(app, store, session.code, "192.0.2.2")
    assert store.joined(session.code) == 4


def block(app, address: str) -> None:
    """Wrong codes from ``address`` until the wrong-code limiter (5 in these tests) blocks it."""
    guesser = phone(app, address)
    for n in range(5):
        guesser.post("/join", data={"code": f"ZZZZZ{n + 2}"})
    assert liveroom.LIMITER.blocked(address, time.time())


def test_wrong_codes_are_counted_per_address_and_the_phones_in_the_session_never_are(app, store):
    session, _ = store.start_session(time.time(), "en")
    inside = joined_phone(app, store, session.code, "192.0.2.50")  # a phone in the session, behind the same router
    guesser = phone(app, "192.0.2.50")
    for n, code in enumerate(["ZZZZZZ", "AAAAAA", "<script>", "", "ABC-23"]):
        response = guesser.post(
            "/join", data={"code": code, "lang": "fr"}, headers={"X-Forwarded-For": f"10.0.0.{n}"}
        )  # forged: buys nothing
        assert response.status_code == 404, code
        assert said(response) == [told(UNKNOWN_CODE, "fr")]
        assert f'value="{html.escape(code, quote=True)}"' in response.text  # what was typed stays in the form
    blocked = guesser.get(f"/join?code={session.code}&lang=nl")  # the right code too: no oracle
    assert blocked.status_code == 429 and said(blocked) == [told(TOO_MANY_TRIES_SCAN, "nl")]
    assert "set-cookie" not in blocked.headers and store.joined(session.code) == 1
    # the phone already in the session carries on; another code it types is a guess like anyone's
    assert inside.get(f"/join?code={session.code}").status_code == 200
    assert said(inside.get("/join?code=YYYYYY&lang=fr")) == [told(TOO_MANY_TRIES_SCAN, "fr")]
    assert not liveroom.LIMITER.blocked("192.0.2.51", time.time())


def test_a_cookie_for_another_session_buys_no_guesses(app, store):
    """A pupil starts sessions of his own (the presenter's page is open to anyone) and joins them: their cookies
    neither spare his wrong codes from counting nor let him into another session once his address is blocked."""
    target, _ = store.start_session(time.time(), "en")
    mine = [store.start_session(time.time(), "en", address="192.0.2.60")[0] for _ in range(3)]
    cheat = phone(app, "192.0.2.60")
    for own in mine:
        assert cheat.get(f"/join?code={own.code}").status_code == 200
    assert len([c for c in cheat.cookies.jar if c.name.startswith("hx_join_")]) == 3
    for n in range(5):  # every wrong code counts, valid cookies of live sessions or not
        assert cheat.get(f"/join?code=ZZZZZ{n + 2}").status_code == 404
    assert liveroom.LIMITER.blocked("192.0.2.60", time.time())
    for attempt in (f"/join?code={target.code}&lang=nl", f"/join?code={target.code.lower()}"):
        refused = cheat.get(attempt)
        assert refused.status_code == 429 and cookie_name(target.code) not in refused.headers.get("set-cookie", "")
    assert cheat.post("/join", data={"code": target.code}).status_code == 429
    assert said(cheat.get(f"/join?code={target.code}&lang=nl")) == [told(TOO_MANY_TRIES_SCAN, "nl")]
    # a cookie of his own session, renamed for the target's, is nobody there either
    value = cheat.cookies.get(cookie_name(mine[0].code))
    renamed = phone(app, "192.0.2.60")
    renamed.cookies.set(cookie_name(target.code), value, path="/join")
    assert renamed.get(f"/join?code={target.code}").status_code == 429
    assert store.joined(target.code) == 0
    assert cheat.get(f"/join?code={mine[0].code}").status_code == 200  # his own session: he is in it


HOSTILE_TICKETS = [
    "",
    "x" * 16,
    "<script>alert(1)</script>",
    "%00" * 8,
    "é" * 16,
    "t" * 5000,
    "{other}",
    "{secret}",
    "{flipped}",
    "{longer}",
    "{shorter}",
    "{upper}",
]


def hostile_ticket(store, code: str, other: str, kind: str) -> str:
    ticket = store.signer().ticket(code)
    return kind.format(
        other=store.signer().ticket(other),
        secret=Signer("x" * 40).ticket(code),
        flipped=ticket[:-1] + ("A" if ticket[-1] != "A" else "B"),
        longer=ticket + "A",
        shorter=ticket[:-1],
        upper=ticket.upper() if ticket.upper() != ticket else ticket.lower(),
    )


def test_the_qr_codes_ticket_lets_a_class_in_past_a_router_blocked_by_guesses(app, store):
    session, _ = store.start_session(time.time(), "en", spoiler_safe=True)
    ticket = store.signer().ticket(session.code)
    block(app, "192.0.2.70")
    # a new phone behind that router scans the screen's QR code: it joins, and keeps the ticket in its links
    scanned = phone(app, "192.0.2.70")
    page = scanned.get(f"/join?code={session.code}&t={ticket}&lang=fr")
    assert page.status_code == 200 and cookie_name(session.code) in page.headers["set-cookie"]
    links = [html.unescape(link) for link in re.findall(r'href="(/join\?[^"]+)"', page.text)]
    assert len(links) == 3 and all(f"t={ticket}" in link for link in links)  # the language links
    assert f"t={ticket}" in html.unescape(re.search(r'data-here="([^"]+)"', page.text)[1])
    assert f"t={ticket}" in html.unescape(re.search(r'http-equiv="refresh" content="([^"]+)"', page.text)[1])
    assert ticket not in (re.search(r'data-events="([^"]+)"', page.text)[1] + page.headers["set-cookie"])
    assert store.joined(session.code) == 1
    # its answers come back to an address that still carries the ticket, as does a reload of the answer's address
    word = opened(store, word_question(session))
    again = scanned.get(f"/join?code={session.code}&t={ticket}&lang=fr")
    assert f'<input type="hidden" name="t" value="{ticket}">' in again.text
    sent = answer(scanned, session.code, word, "mousse", lang="fr", t=ticket)
    assert sent.status_code == 303 and f"t={ticket}" in sent.headers["location"]
    assert f"t={ticket}" in scanned.get(f"/join/answer?code={session.code}&t={ticket}").headers["location"]
    # a typed code with the ticket a form carried goes to the session's address with it
    typed = phone(app, "192.0.2.70").post("/join", data={"code": session.code, "t": ticket, "lang": "nl"})
    assert typed.status_code == 303
    assert typed.headers["location"] == f"/join?code={session.code}&lang=nl&spoilers=hide&t={ticket}"
    # a ticket is never counted: an ended session's ticket, tried again and again, blocks no fresh address
    ended, _ = store.start_session(time.time() - 100, "en", lifetime=10)
    for _ in range(8):
        response = phone(app, "192.0.2.71").get(f"/join?code={ended.code}&t={store.signer().ticket(ended.code)}")
        assert response.status_code == 404 and said(response) == [told(ENDED, "en")]
    assert not liveroom.LIMITER.blocked("192.0.2.71", time.time())


@pytest.mark.parametrize("kind", HOSTILE_TICKETS)
def test_a_ticket_that_is_not_this_codes_is_no_ticket(app, store, kind):
    session, _ = store.start_session(time.time(), "en")
    other, _ = store.start_session(time.time(), "en")
    forged = hostile_ticket(store, session.code, other.code, kind)
    block(app, "192.0.2.72")
    for request in (
        lambda c: c.get("/join?" + urlencode({"code": session.code, "lang": "fr", "t": forged})),
        lambda c: c.post("/join", data={"code": session.code, "t": forged, "lang": "fr"}),
    ):
        response = request(phone(app, "192.0.2.72"))
        assert response.status_code == 429 and said(response) == [told(TOO_MANY_TRIES_SCAN, "fr")]
        kept = html.unescape(response.text)  # no ticket it did not find valid is kept in the page's links or form
        assert not re.search(r"[?&]t=", kept) and 'name="t"' not in kept
    assert store.joined(session.code) == 0
    # from a fresh address, a wrong code with that ticket counts, and so does a wrong code with a real ticket
    for n in range(5):
        phone(app, "192.0.2.73").get("/join?" + urlencode({"code": f"ZZZZZ{n + 2}", "t": forged}))
    assert liveroom.LIMITER.blocked("192.0.2.73", time.time())
    for n in range(5):
        phone(app, "192.0.2.74").get(f"/join?code=ZZZZZ{n + 2}&t={store.signer().ticket(session.code)}")
    assert liveroom.LIMITER.blocked("192.0.2.74", time.time())


def test_a_ticket_still_joins_within_the_cap_the_join_limit_and_closed_joining(app, store, monkeypatch):
    monkeypatch.setattr(liveroom, "JOIN_LIMITER", liveroom.JoinLimiter(limit=2, window=600.0))
    session, _ = store.start_session(time.time(), "en")
    ticket = store.signer().ticket(session.code)
    link = f"/join?code={session.code}&t={ticket}&lang=nl"
    for _ in range(2):
        assert phone(app, "192.0.2.80").get(link).status_code == 200
    refused = phone(app, "192.0.2.80").get(link)
    assert refused.status_code == 429 and said(refused) == [told(TOO_MANY_JOINS, "nl")]
    store.set_cap(session.code, 3)
    assert phone(app, "192.0.2.81").get(link).status_code == 200
    full = phone(app, "192.0.2.82").get(link)
    assert full.status_code == 403 and said(full) == [told(SESSION_FULL, "nl")]
    store.set_cap(session.code, 10)
    store.set_joining(session.code, False)
    closed = phone(app, "192.0.2.83").get(link)
    assert closed.status_code == 403 and said(closed) == [told(JOINING_CLOSED, "nl")]
    assert store.joined(session.code) == 3


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_closed_joining_turns_new_phones_away_and_lets_those_in_carry_on(app, store, content, language):
    session, _ = store.start_session(time.time(), "en")
    inside = joined_phone(app, store, session.code)
    question = opened(store, scene_question(content, session))
    store.set_joining(session.code, False)
    for attempt in (
        lambda c: c.get(f"/join?code={session.code}&lang={language}"),
        lambda c: c.get(f"/join?code={session.code}&lang={language}", headers={"Cookie": f"{cookie_name(session.code)}=forged.value"}),
        lambda c: c.post("/join", data={"code": session.code, "lang": language}, follow_redirects=True),
    ):
        turned = attempt(phone(app, "198.51.100.40"))
        assert turned.status_code == 403 and said(turned) == [told(JOINING_CLOSED, language)]
        assert "set-cookie" not in turned.headers and f'value="{session.code}"' in turned.text
    assert store.joined(session.code) == 1
    assert inside.get(f"/join?code={session.code}&lang={language}").status_code == 200
    assert answer(inside, session.code, question, question.choices[0]).status_code == 303
    state = inside.get(f"/join/state?code={session.code}").json()
    assert (state["question"], state["state"]) == (question.id, "open")
    assert [a.value for a in store.answers(session.code, question.id)] == [question.choices[0]]
    store.set_joining(session.code, True)
    assert joined_phone(app, store, session.code, "198.51.100.40") and store.joined(session.code) == 2


@pytest.mark.parametrize("order", ["forged first", "valid first", "junk around", "quoted", "two headers"])
def test_every_value_of_the_cookies_name_is_tried(app, store, content, order):
    """A second cookie of the same name (set for another path, left over, or forged) must not make a phone's
    answers vanish: the value the server signed for this session is the phone, whichever comes first."""
    session, _ = store.start_session(time.time(), "en")
    other, _ = store.start_session(time.time(), "en")
    question = opened(store, scene_question(content, session))
    owner = joined_phone(app, store, session.code)
    name, valid = cookie_name(session.code), owner.cookies.get(cookie_name(session.code))
    pid = valid.split(".")[0]
    foreign = store.signer().issue(other.code)
    pairs = {
        "forged first": [f"{name}={pid}.{'A' * 43}", f"{name}={valid}"],
        "valid first": [f"{name}={valid}", f"{name}=x"],
        "junk around": [
            "junk",
            f"{name}",
            f"{name}=",
            f"{name}={foreign}",
            f"other={valid}",
            f"{name}x={valid}",
            f"{name}={valid}",
            f"{name}=\u00e9",
        ],
        "quoted": [f"{name}=forged", f'{name}="{valid}"'],
        "two headers": None,
    }[order]
    two = [("cookie", f"{name}=forged"), ("cookie", f"{name}={valid}")]
    headers = two if pairs is None else [("cookie", "; ".join(pairs).encode("utf-8"))]
    client = phone(app, "198.51.100.50")
    sent = client.post(
        "/join/answer", data={"code": session.code, "question": question.id, "value": question.choices[1]}, headers=headers
    )
    assert sent.status_code == 303 and "sent=" in sent.headers["location"]
    assert [(a.participant, a.value) for a in store.answers(session.code, question.id)] == [(pid, question.choices[1])]
    page = client.get(f"/join?code={session.code}", headers=headers)
    assert "set-cookie" not in page.headers and store.joined(session.code) == 1
    assert re.findall(r'value="([^"]+)" checked', page.text) == [question.choices[1]]
    assert client.get(f"/join/state?code={session.code}", headers=headers).status_code == 200


def test_many_forged_values_of_the_cookies_name_are_nobody(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    question = opened(store, scene_question(content, session))
    name = cookie_name(session.code)
    header = "; ".join(f"{name}={'x' * 22}.{n:043d}" for n in range(2000))
    client = phone(app, "198.51.100.51")
    sent = client.post(
        "/join/answer", data={"code": session.code, "question": question.id, "value": question.choices[0]}, headers={"cookie": header}
    )
    assert sent.status_code == 303 and "sent=" not in sent.headers["location"]
    assert store.answers(session.code) == []
    assert client.get(f"/join/state?code={session.code}", headers={"cookie": header}).status_code == 403


def test_a_typed_code_leads_to_the_sessions_address_keeping_language_and_spoiler_safety(app, store):
    session, _ = store.start_session(time.time(), "en", spoiler_safe=True)
    typed = f" {session.code[:3].lower()} {session.code[3:]} "
    response = phone(app).post("/join", data={"code": typed, "lang": "fr"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/join?code={session.code}&lang=fr&spoilers=hide"
    assert store.joined(session.code) == 0  # joining is the page's own request


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_an_ended_session_and_an_unknown_code_are_told_in_the_phones_language(app, store, language):
    ended, _ = store.start_session(time.time() - 100, "en", lifetime=10)
    response = phone(app).get(f"/join?code={ended.code}&lang={language}")
    assert said(response) == [told(ENDED, language)] and f'value="{ended.code}"' in response.text
    assert said(phone(app, "192.0.2.9").get(f"/join?code=ZZZZZZ&lang={language}")) == [told(UNKNOWN_CODE, language)]


def test_the_store_unavailable_is_said_and_nothing_acknowledged(app, store, content, monkeypatch):
    session, _ = store.start_session(time.time(), "en")
    question = opened(store, word_question(session))
    client = joined_phone(app, store, session.code)

    def gone(settings):
        raise StoreUnavailable("the database went")

    monkeypatch.setattr(liveroom, "live_store", gone)
    page = client.get(f"/join?code={session.code}&lang=fr")
    assert page.status_code == 503 and said(page) == [told(UNAVAILABLE, "fr")]
    sent = answer(client, session.code, question, "«mousse»", lang="nl")
    assert sent.status_code == 503 and said(sent) == [told(UNAVAILABLE, "nl")]
    assert 'value="«mousse»"' in html.unescape(sent.text)  # the word stays in the box
    assert t(SENT, "nl") not in html.unescape(sent.text)
    assert phone(app).post("/join", data={"code": session.code}).status_code == 503


# --- answers -------------------------------------------------------------------------------------------------


def test_a_scene_pick_a_place_vote_and_a_word_are_sent_and_changed(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    pid = store.signer().participant(session.code, client.cookies.get(cookie_name(session.code)))
    for question, values in (
        (scene_question(content, session), None),
        (place_question(content, session), None),
        (word_question(session), ["Quiet!", "green"]),
    ):
        asked = opened(store, question)
        for value in values or [asked.choices[0], asked.choices[-1]]:
            response = answer(client, session.code, asked, value, lang="fr")
            assert response.status_code == 303
            assert response.headers["location"] == f"/join?code={session.code}&lang=fr&sent={asked.id}"
            page = client.get(response.headers["location"])
            assert said(page) == [told(SENT, "fr")] and 'class="hx-live-mine"' in page.text
            if values is None:  # a choice: the given answer's radio is the one checked, and an empty send is stopped
                assert re.findall(r'value="([^"]+)" checked', page.text) == [value]
                radios = re.findall(r'<input type="radio"[^>]*>', page.text)
                assert radios and all(r.endswith(" required>") for r in radios)
        kept = store.answers(session.code, asked.id)
        assert [(a.participant, a.value) for a in kept] == [(pid, (values or [None, asked.choices[-1]])[-1])]
        store.move(asked.id, "closed")
    # "sent" in a copied address tells a phone that sent nothing nothing
    other = phone(app, "198.51.100.20")
    assert said(other.get(response.headers["location"])) == []


def test_refused_answers_are_said_with_what_was_typed_kept(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    scene = opened(store, scene_question(content, session))
    refused = answer(client, session.code, scene, "<script>not-a-scene</script>", lang="nl")
    assert refused.status_code == 422 and said(refused) == [told(NOT_A_CHOICE, "nl")]
    assert store.answers(session.code, scene.id) == []
    store.move(scene.id, "closed")
    word = opened(store, word_question(session))
    refused = answer(client, session.code, word, 'two "words"<b>', lang="fr")
    assert refused.status_code == 422 and said(refused) == [told(NOT_ONE_WORD, "fr")]
    assert 'value="two &quot;words&quot;&lt;b&gt;"' in refused.text and "<b>" not in refused.text.split("<main")[1]


def test_a_cut_answer_names_the_limit_of_its_kind(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    word = opened(store, word_question(session))
    page = client.get(answer(client, session.code, word, "a" * 100).headers["location"])
    assert said(page) == [typeset(t(CUT, "en", limit=MAX_WORD) + " " + t(SENT, "en"), "en")]
    assert str(MAX_TEXT) not in said(page)[0]
    store.move(word.id, "closed")
    asked = next(q for q in content.questions if q.phase == "before")
    text = opened(store, classroom_question(content, session, asked.id, asked.ages[0]))
    page = client.get(answer(client, session.code, text, "mousse " * 100, lang="nl").headers["location"])
    assert said(page) == [typeset(t(CUT, "nl", limit=MAX_TEXT) + " " + t(SENT, "nl"), "nl")]


def test_only_the_sessions_open_question_takes_answers(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    other, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    draft = store.add_question(scene_question(content, session))
    foreign = opened(store, scene_question(content, other))
    asked = opened(store, word_question(session))
    for question, value in ((draft, draft.choices[0]), (foreign, foreign.choices[0])):
        response = answer(client, session.code, question, value, lang="fr")  # a hand-made post
        assert response.status_code == 409 and said(response) == [told(NOT_OPEN, "fr")]
    store.move(asked.id, "closed")
    closed = answer(client, session.code, asked, "late")
    assert closed.status_code == 409 and said(closed) == [told(NOT_OPEN, "en")]
    assert store.answers(session.code) == [] and store.answers(other.code) == []


def test_closed_revealed_and_a_spoiler_safe_session_whatever_the_link_says(app, store, content):
    session, _ = store.start_session(time.time(), "en", spoiler_safe=True)
    client = joined_phone(app, store, session.code)
    every = store.add_question(LiveQuestion("q-every-scene", session.code, "scene", choices=tuple(s.id for s in content.scenes)))
    store.move(every.id, "open")
    page = client.get(f"/join?code={session.code}")  # a link without spoilers=hide
    offered = set(re.findall(r'type="radio" name="value" value="([^"]+)"', page.text))
    assert offered and not offered & visibility(content, True).hidden
    links = re.findall(r'<a href="(/join\?[^"]+)" lang=', page.text)  # the language links say so too
    assert len(links) == 3 and all("spoilers=hide" in link for link in links)
    answer(client, session.code, every, sorted(offered)[0])
    store.move(every.id, "closed")
    closed = client.get(f"/join?code={session.code}")
    assert "<form" not in closed.text and 'class="hx-live-mine"' in closed.text
    store.move(every.id, "revealed")
    revealed = client.get(f"/join?code={session.code}")
    assert 'class="hx-bars"' in revealed.text and re.search(r'class="hx-bar-count">1\b', revealed.text)


# --- the streams and the fallback -----------------------------------------------------------------------------


def events(lines, count: int) -> list[str]:
    """The next ``count`` events or comments of a stream's lines, as blocks of lines."""
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


def until(lines, start: str, most: int = 40) -> tuple[list[str], str]:
    """The events before the first that begins with ``start``, and that one."""
    before = []
    for _ in range(most):
        found = events(lines, 1)
        assert found, f"the stream ended before {start!r}: {before}"
        if found[0].startswith(start):
            return before, found[0]
        before.append(found[0])
    raise AssertionError(f"no {start!r} in {most} events: {before}")


def test_a_phones_stream_says_its_state_at_once_and_each_change_of_it_only(app, store, content, monkeypatch):
    monkeypatch.setattr(participant, "KEEP_ALIVE", 0.5)
    session, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    scene = opened(store, scene_question(content, session))
    state = client.get(f"/join/state?code={session.code}")
    assert state.headers["cache-control"] == "no-store"
    assert state.json() == {"question": scene.id, "state": "open", "guest": {**state.json()["guest"], "open": False}}
    with client.stream("GET", f"/join/events?code={session.code}") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert "content-encoding" not in stream.headers  # never held back to be compressed
        lines = (line for line in stream.iter_lines())
        assert events(lines, 1) == ["retry: 3000"]
        # the state as soon as the session's first read is done (keep-alives meanwhile on a slow database);
        # the guest page's news apart
        before, state = until(lines, "event: state\ndata: ")
        assert all(e == ": keep-alive" or e.startswith("event: guest") for e in before), before
        told = json.loads(state.split("data: ", 1)[1])
        assert told["question"] == scene.id and told["state"] == "open" and 0 <= told["spread"] <= participant.MAX_SPREAD
        other = joined_phone(app, store, session.code, "198.51.100.30")
        answer(other, session.code, scene, scene.choices[0])  # answers wake no phone: a keep-alive comes next
        assert [e for e in events(lines, 2) if not e.startswith("event: guest")][0] == ": keep-alive"
        store.move(scene.id, "closed")
        found = [e for e in events(lines, 2) if e.startswith("event: state")]
        told = json.loads(found[0].split("data: ", 1)[1])
        assert found[0].startswith("event: state\n") and (told["question"], told["state"]) == (scene.id, "closed")


def test_the_projectors_stream_wants_its_key_and_coalesces_answers(app, store, content):
    session, secret = store.start_session(time.time(), "en")
    scene = opened(store, scene_question(content, session))
    screen = store.signer().screen_key(session.code)
    guesser = phone(app, "192.0.2.77")
    for query in (
        f"code={session.code}&screen=wrong",
        f"code={session.code}&key={screen}",
        "code=ZZZZZZ&screen=x",
        f"code={session.code}&screen={Signer('x' * 40).screen_key(session.code)}",
    ):
        assert guesser.get(f"/live/events?{query}").status_code == 403, query
    with phone(app).stream("GET", f"/live/events?code={session.code}&key={secret}") as stream:
        assert stream.status_code == 200
    client = phone(app)
    with client.stream("GET", f"/live/events?code={session.code}&screen={screen}") as stream:
        lines = stream.iter_lines()
        start = events(lines, 3)
        assert start[0] == "retry: 3000" and start[1].startswith('event: state\ndata: {"v":')
        voters = [joined_phone(app, store, session.code, f"198.51.100.{n}") for n in range(40, 45)]
        began = time.monotonic()
        for voter in voters:
            answer(voter, session.code, scene, scene.choices[1])
        news = events(lines, 1)[0]
        assert news.startswith("event: answers")
        assert time.monotonic() - began < 5


def test_the_first_view_is_light(app, store, content):
    """The heaviest first view (a place vote: the map) with its stylesheet and script, compressed as served."""
    session, _ = store.start_session(time.time(), "en")
    opened(store, place_question(content, session))
    client = joined_phone(app, store, session.code)
    for encoding in ("br", "gzip"):
        page = client.get(f"/join?code={session.code}", headers={"Accept-Encoding": encoding})
        files = [re.search(r'<link rel="stylesheet" href="([^"]+)"', page.text)[1], re.search(r'<script src="([^"]+)"', page.text)[1]]
        sent = [client.get(path, headers={"Accept-Encoding": encoding}) for path in files]
        assert all(r.status_code == 200 for r in sent)
        assert all("immutable" in r.headers["cache-control"] for r in sent)
        assert all(r.headers.get("content-encoding") in ("br", "gzip") for r in (page, *sent))
        total = sum(int(r.headers["content-length"]) for r in (page, *sent))  # the bytes sent, not decoded
        assert total <= 100 * 1024, (encoding, total)


def test_oversized_and_overfull_posts_are_refused_before_any_work(app, store, content):
    session, _ = store.start_session(time.time(), "en")
    client = joined_phone(app, store, session.code)
    word = opened(store, word_question(session))
    huge = client.post("/join/answer", data={"code": session.code, "question": word.id, "value": "a" * 100_000})
    assert huge.status_code == 413
    fields = {f"f{n}": "x" for n in range(50)} | {"code": session.code, "question": word.id, "value": "moss"}
    assert client.post("/join/answer", data=fields).status_code == 413
    assert (
        client.post(
            "/join", content=b"code=" + b"A" * 20_000, headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
        == 413
    )
    assert store.answers(session.code) == []
    # a reload of the address an answer came back on goes to the session's page
    again = client.get(f"/join/answer?code={session.code}&lang=nl&me=anything")
    assert again.status_code == 303 and again.headers["location"] == f"/join?code={session.code}&lang=nl"


def test_a_kiosk_sends_its_visitors_to_the_attract_screen(app, monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "true")
    for response in (phone(app).get("/join?code=ABC234"), phone(app).post("/join", data={"code": "ABC234"})):
        assert response.status_code == 303 and response.headers["location"] == "/attract"


def test_a_full_halls_phones_spread_their_reloads_and_a_class_hardly_waits():
    assert participant.spread(0) == 0 and participant.spread(30) <= 100
    assert participant.spread(1000) >= 1000 and participant.spread(100_000) == participant.MAX_SPREAD
    assert participant.spread(-5) == 0
