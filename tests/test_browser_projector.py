"""The projector's window in Chromium: pushed, not polled. An answer a phone sends reaches the projector through
the session's stream (``/live/events`` -> ``livepush.js`` -> the board's fragment) while the board's own timer is
the slow safety net; where streaming breaks, the half-second poll takes over. Also: a word stacked with combining
marks stays in its own box. On SQLite and, when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL (where an
answer written by another process's store reaches the projector too, through NOTIFY)."""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import expect

from browser import Visit, running_app
from explorer.live import new_participant, scene_question, word_question
from explorer.livestore import LiveStore, sqlite_url
from explorer_app.livepush import SAFETY_NET

pytestmark = pytest.mark.browser
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
SHOWN = 30_000  # ms: the first view of a page


@pytest.fixture(
    scope="module",
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not POSTGRES, reason="set EXPLORER_TEST_DATABASE_URL to a PostgreSQL database to test that path"),
        ),
    ],
)
def served(request, tmp_path_factory):
    """The explorer on 127.0.0.1, and a store on the same database for the tests' own setting up."""
    folder = tmp_path_factory.mktemp("projector")
    settings = {"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": str(folder)}
    if request.param == "postgresql":
        settings["EXPLORER_DATABASE_URL"] = POSTGRES
    store = LiveStore(POSTGRES if request.param == "postgresql" else sqlite_url(folder))
    with running_app(**settings) as base:
        yield base, store, request.param
    store.close()


class Reruns:
    """The runs a page asks its server for: each is a message the browser sends on Streamlit's websocket (a
    fragment's timer, a component's report, a press). Counted from when the page opens."""

    def __init__(self, page):
        self.sent: list[float] = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda _payload: self.sent.append(time.monotonic())))

    def since(self, moment: float) -> int:
        return sum(1 for sent in self.sent if sent >= moment)

    def quiet(self, page, seconds: float) -> int:
        """How many runs the page asked for in ``seconds`` of nothing happening in the room."""
        start = time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        return self.since(start)


def phone(browser, server: str, code: str):
    """A phone that has joined (its cookie kept by its own browser context) and answers with a form post, as the
    light page's form does."""
    context = browser.new_context()
    joined = context.request.get(f"{server}/join?code={code}")
    assert joined.ok, joined.status
    return context


def answer(context, server: str, code: str, question: str, value: str) -> None:
    sent = context.request.post(f"{server}/join/answer", form={"code": code, "question": question, "value": value}, max_redirects=0)
    assert sent.status == 303, (sent.status, sent.text()[:300])


def opened_scene(store: LiveStore, content):
    session, secret = store.start_session(time.time(), "en", False)
    question = scene_question(content, session)
    store.add_question(question)
    store.move(question.id, "open")
    return session, secret, question


def test_an_answer_reaches_the_projector_pushed_without_the_half_second_poll(browser, served, content):
    server, store, kind = served
    session, _, question = opened_scene(store, content)
    screen = Visit(browser, 1920, 1080)
    phones = [phone(browser, server, session.code) for _ in range(3)]
    try:
        page = screen.page
        reruns = Reruns(page)
        with page.expect_request(lambda r: "/live/events?" in r.url, timeout=SHOWN) as stream:
            page.goto(f"{server}/live?code={session.code}&screen={store.signer().screen_key(session.code)}")
        assert "screen=" in stream.value.url and "key=" not in stream.value.url
        expect(page.locator(".hx-join-code")).to_be_visible(timeout=SHOWN)
        counts = page.locator(".hx-live-question .hx-bar-count")
        expect(counts.first).to_be_visible(timeout=SHOWN)
        # once the stream is open the board's timer is the safety net: a quiet room asks for no run at all, where
        # the poll would ask for one every half second
        deadline = time.monotonic() + 20
        while reruns.quiet(page, 2.0) > 0:
            assert time.monotonic() < deadline, "the projector kept asking for runs in a quiet room"
        assert reruns.quiet(page, 2.5) == 0
        for number, (context, value) in enumerate(zip(phones, question.choices, strict=False), start=1):
            start = time.monotonic()
            answer(context, server, session.code, question.id, value)
            expect(page.locator(".hx-live-question .hx-live-total")).to_contain_text(
                f"{number} answer", timeout=SAFETY_NET * 1000 * 0.6
            )  # well before the safety net's next run
            took = time.monotonic() - start
            asked = reruns.since(start)
            assert took < SAFETY_NET / 2, took
            assert 1 <= asked <= 3, asked  # the stream's report (coalesced), not a stream of polls
            # then quiet again (a phone's join is news for the count too, and may come in a second report)
            settle = time.monotonic() + 6
            while reruns.quiet(page, 1.5) > 0:
                assert time.monotonic() < settle, "the projector kept asking for runs after an answer"
            assert reruns.since(start) <= 4, reruns.since(start)
        if kind == "postgresql":  # another process's store (another replica): heard through NOTIFY
            start = time.monotonic()
            store.answer(question.id, new_participant(), question.choices[0], time.time())
            expect(page.locator(".hx-live-question .hx-live-total")).to_contain_text(
                f"{len(phones) + 1} answers", timeout=SAFETY_NET * 1000 * 0.6
            )
            assert time.monotonic() - start < SAFETY_NET / 2
        assert screen.external == []
    finally:
        for context in phones:
            context.close()
        screen.close()


def test_where_streaming_breaks_the_projector_polls_again(browser, served, content):
    server, store, _ = served
    session, _, question = opened_scene(store, content)
    screen = Visit(browser, 1920, 1080)
    refused: list[str] = []

    def broken(route) -> None:  # a proxy that will not stream: every attempt refused
        refused.append(route.request.url)
        route.fulfill(status=503, body="no streaming here")

    screen.context.route("**/live/events?*", broken)
    context = phone(browser, server, session.code)
    try:
        page = screen.page
        reruns = Reruns(page)
        page.goto(f"{server}/live?code={session.code}&screen={store.signer().screen_key(session.code)}")
        expect(page.locator(".hx-live-question .hx-bar-count").first).to_be_visible(timeout=SHOWN)
        deadline = time.monotonic() + 10
        while not refused:  # the component tried, and was refused
            assert time.monotonic() < deadline, "the projector never asked for its stream"
            page.wait_for_timeout(100)
        assert reruns.quiet(page, 3.0) >= 3  # the half-second poll, back
        start = time.monotonic()
        answer(context, server, session.code, question.id, question.choices[0])
        expect(page.locator(".hx-live-question .hx-live-total")).to_contain_text("1 answer", timeout=5_000)
        assert time.monotonic() - start < SAFETY_NET / 2
    finally:
        context.close()
        screen.close()


def test_a_word_stacked_with_combining_marks_stays_in_its_own_box(browser, served):
    server, store, _ = served
    session, _ = store.start_session(time.time(), "en", False)
    word = word_question(session)
    store.add_question(word)
    store.move(word.id, "open")
    tower = "z" + "\u0301\u0300\u0302\u0303\u0308\u0304\u0306\u0307" * 30 + "algo"
    for value in ("moss", tower, "quiet", "soup"):
        store.answer(word.id, new_participant(), value, time.time())
    for given in store.answers(session.code, word.id):
        store.approve_word(word.id, given.value)
    screen = Visit(browser, 1280, 800)
    try:
        page = screen.page
        page.goto(f"{server}/live?code={session.code}&screen={store.signer().screen_key(session.code)}")
        words = page.locator(".hx-live-question .hx-words li")
        expect(words).to_have_count(4, timeout=SHOWN)
        expect(words.first).to_have_css("overflow-y", "clip", timeout=SHOWN)  # the page's stylesheet has arrived
        found = words.evaluate_all("""items => items.map(item => {
            const box = item.getBoundingClientRect(), style = getComputedStyle(item);
            return {x: box.x, y: box.y, w: box.width, h: box.height, overflow: style.overflowY,
                    lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize)};
        })""")
        for item in found:
            assert item["overflow"] == "clip", item  # drawn only inside its own box
            assert 1.2 <= item["lineHeight"] <= 1.6, item  # room for the usual accents
            assert item["h"] < 200, item  # the tower did not make the box tall either
        for a_index, a in enumerate(found):  # and the boxes themselves never overlap
            for b in found[a_index + 1 :]:
                apart = (
                    a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"]
                )
                assert apart, (a, b)
    finally:
        screen.close()


def test_the_presenter_closes_joining_and_the_projector_says_so_at_once(browser, served, content):
    """ "Close joining" on the controls closes the session to new phones; the projector's window hears it on its stream
    (well before its safety net) and says joining is closed. Its QR code's address carries the session's ticket and
    no presenter key."""
    server, store, _ = served
    session, secret, _ = opened_scene(store, content)
    controls, screen = Visit(browser, 1280, 900), Visit(browser, 1920, 1080)
    try:
        projector = screen.page
        projector.goto(f"{server}/live?code={session.code}&screen={store.signer().screen_key(session.code)}")
        expect(projector.locator(".hx-join-code")).to_be_visible(timeout=SHOWN)
        alt = projector.get_by_role("img", name="QR code").first.get_attribute("alt", timeout=SHOWN) or ""
        assert "t=" in alt and "key=" not in alt and secret not in projector.content()
        ticket = alt.split("t=", 1)[1].split("&")[0].split()[0]
        assert store.signer().is_ticket(session.code, ticket)
        expect(projector.locator(".hx-live-closed")).to_have_count(0)
        page = controls.page
        page.goto(f"{server}/live?code={session.code}&key={secret}")
        close = page.get_by_role("button", name="Close joining")
        reopen = page.get_by_role("button", name="Let new phones join again")
        start = time.monotonic()
        close.click(timeout=SHOWN)
        expect(page.locator(".hx-live-closed")).to_be_visible(timeout=SHOWN)
        expect(projector.locator(".hx-live-closed")).to_be_visible(timeout=SAFETY_NET * 1000 * 0.6)
        assert time.monotonic() - start < SAFETY_NET / 2
        assert not store.session(session.code, time.time()).joining
        reopen.click(timeout=SHOWN)  # open again: the projector follows
        expect(projector.locator(".hx-live-closed")).to_have_count(0, timeout=SAFETY_NET * 1000 * 0.6)
        expect(close).to_be_visible(timeout=SHOWN)
        assert store.session(session.code, time.time()).joining
        # from another process's store (another replica): heard through NOTIFY on PostgreSQL, else at the board's
        # safety net; the controls here follow without a reload. (A push landing while this page still runs the
        # press above can be caught only by the safety net: within one safety net either way.)
        store.set_cap(session.code, 321)
        store.set_joining(session.code, False)
        heard = SAFETY_NET * 1000 * 3
        expect(reopen).to_be_visible(timeout=heard)
        expect(page.get_by_role("spinbutton", name="About how many people")).to_have_value("321", timeout=heard)
        expect(projector.locator(".hx-live-closed")).to_be_visible(timeout=heard)
        # and the page leaves them so: its next reads (the board's safety net) never send back what it showed before
        settle = time.monotonic() + SAFETY_NET * 1.5
        while time.monotonic() < settle:
            stored = store.session(session.code, time.time())
            assert (stored.cap, stored.joining) == (321, False)
            page.wait_for_timeout(500)
        field = page.get_by_role("spinbutton", name="About how many people")  # and a number typed here is kept
        field.fill("250")
        field.press("Enter")
        kept = time.monotonic() + SHOWN / 1000
        while store.session(session.code, time.time()).cap != 250 and time.monotonic() < kept:
            page.wait_for_timeout(100)
        assert store.session(session.code, time.time()).cap == 250
        expect(page.locator(".hx-live-places")).to_contain_text("250")
        assert screen.external == [] and controls.external == []
    finally:
        controls.close()
        screen.close()
