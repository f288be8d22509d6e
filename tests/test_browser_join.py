"""The phones' light page in Chromium against the server started as README says: a presenter on the real
presenter page and three phones in English, French and Dutch through a scene pick (its answers then shown), a
place vote tapped on the map and a one-word reaction. Every change reaches the phones pushed (no phone asks
/join/state); the first view weighs under 100 KB; axe finds nothing serious; and the page works with JavaScript
off, through its reload and its links."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from browser import LOCAL, Visit, running_app
from explorer import load_content
from explorer.i18n import t
from explorer.live import place_question, scene_question, word_question
from explorer.livestore import LiveStore, sqlite_url
from explorer.typography import typeset
from test_browser_accessibility import LANGUAGES, violations

pytestmark = pytest.mark.browser
LIVE = 8_000  # ms: a pushed change reaches a phone in well under a second; a loaded test machine may be slow
SENT = "Answer sent. Changes are possible until the question closes."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The explorer on 127.0.0.1, and a store on the same SQLite file for the tests' own setting up."""
    folder = tmp_path_factory.mktemp("join")
    store = LiveStore(sqlite_url(folder))
    with running_app(EXPLORER_TILES="offline", EXPLORER_LIVE_DIR=str(folder)) as base:
        yield base, store
    store.close()


class Phone(Visit):
    """A phone (390x844, touch) that notes every request it makes."""

    def __init__(self, browser, language: str, *, enforce_csp: bool = False):
        super().__init__(browser, 390, 844, touch=True, enforce_csp=enforce_csp)
        self.language = language
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def asked(self, path: str) -> int:
        return sum(1 for url in self.requests if re.search(rf"//[^/]+{re.escape(path)}(\?|$)", url))

    def says(self, message: str) -> None:
        expect(self.page.locator(".hx-phone-note")).to_have_text(typeset(t(message, self.language), self.language), timeout=LIVE)


def press(visit: Visit, name: str) -> None:
    visit.page.get_by_role("button", name=name, exact=True).click()


def board(presenter: Visit):
    return presenter.page.locator(".hx-live-question")


def add_question(presenter: Visit, kind: str) -> None:
    """The presenter adds a question of ``kind`` and opens it, on the presenter's page."""
    presenter.page.get_by_role("radio", name=kind, exact=True).or_(
        presenter.page.get_by_role("button", name=kind, exact=True)
    ).first.click()
    press(presenter, "Add this question")
    expect(presenter.page.get_by_role("button", name="Open for answers", exact=True)).to_be_visible(timeout=LIVE)
    press(presenter, "Open for answers")
    expect(board(presenter).locator(".hx-kicker")).to_contain_text("Taking answers", timeout=LIVE)


def test_a_presenter_and_three_phones_with_pushed_updates(browser, served):
    server, store = served
    presenter = Visit(browser, 1920, 1080)
    phones = [Phone(browser, language) for language in LANGUAGES]
    try:
        page = presenter.page
        page.goto(f"{server}/live")
        press(presenter, "Start a live session")
        page.wait_for_url(re.compile(r"[?&]key="))
        code = re.search(r"code=([A-Z2-9]{6})", page.url)[1]

        ticket = store.signer().ticket(code)
        for phone in phones:  # each joins by the QR code's address (its ticket), in its language, before any question
            phone.page.goto(f"{server}/join?code={code}&t={ticket}&lang={phone.language}")
            expect(phone.page.locator("h1")).to_have_text(
                typeset(t("Session {code}", phone.language, code=f"{code[:3]} {code[3:]}"), phone.language)
            )
        # a join is not announced (only questions and answers are): the board's safety net reads the count
        expect(page.locator(".hx-join-count")).to_have_text("3 people have joined", timeout=LIVE * 2)

        # 1. a scene pick: the phones show it by themselves; a tap on a choice sends it
        add_question(presenter, "Scene pick")
        for phone, nth in zip(phones, [0, 1, 0], strict=True):
            radio = phone.page.get_by_role("radio").nth(nth)
            expect(radio).to_be_visible(timeout=LIVE)
            box = phone.page.get_by_role("group").bounding_box()
            assert box["y"] < 844, box  # the question and its answers start on the first screen
            press(phone, t("Send", phone.language))  # nothing chosen: the browser stops the send itself
            radio.check()
            phone.says(SENT)
            expect(phone.page.get_by_role("radio").nth(nth)).to_be_checked()  # the answer given, checked
            assert phone.asked("/join/answer") == 1 and f"t={ticket}" in phone.page.url
        phones[1].page.reload()
        expect(phones[1].page.get_by_role("radio").nth(1)).to_be_checked()
        counts = board(presenter).locator(".hx-bar-count")
        expect(counts.nth(0)).to_have_text(re.compile(r"^2\b"), timeout=LIVE)
        expect(counts.nth(1)).to_have_text(re.compile(r"^1\b"), timeout=LIVE)
        press(presenter, "Close answers")
        closed = t("Answers are closed. Everyone's answers may be shown here in a moment.", "nl")
        expect(phones[2].page.locator(".hx-phone-info")).to_have_text(typeset(closed, "nl"), timeout=LIVE)
        press(presenter, "Show answers on phones")
        expect(phones[0].page.locator(".hx-bars")).to_be_visible(timeout=LIVE)
        expect(phones[1].page.locator(".hx-live-total")).to_have_text("3\u00a0réponses", timeout=LIVE)  # fr

        # 2. a place vote: each phone taps a place on its map
        add_question(presenter, "Place vote")
        for phone, place in zip(phones, ["moeraske", "moeraske", "garage"], strict=True):
            button = phone.page.locator(f".hx-tap-place[value='{place}']")
            expect(button).to_be_visible(timeout=LIVE)
            button.tap()
            phone.says(SENT)
            expect(phone.page.locator(f".hx-tap-place[value='{place}']")).to_have_attribute("aria-current", "true")
            expect(phone.page.locator(f".hx-phone-answer input[value='{place}']")).to_be_checked()
        ranking = board(presenter).locator(".hx-votes figcaption li")
        expect(ranking).to_have_text([re.compile(r"^Moeraske.*: 2$"), re.compile(r"garage: 1$")], timeout=LIVE)

        # 3. a one-word reaction, typed and sent
        add_question(presenter, "One-word reaction")
        for phone, word in zip(phones, ["Quiet", "quiet!", "green"], strict=True):
            box = phone.page.get_by_role("textbox")
            expect(box).to_be_visible(timeout=LIVE)
            box.fill(word)
            phone.page.get_by_role("button", name=t("Send", phone.language), exact=True).click()
            phone.says(SENT)
        expect(page.locator(".hx-waiting")).to_have_count(2, timeout=LIVE)

        for phone in phones:  # pushed, not polled: a stream was opened, the fallback never asked
            assert phone.asked("/join/events") >= 1 and phone.asked("/join/state") == 0, phone.requests
            assert phone.external == []
    finally:
        for visit in (presenter, *phones):
            visit.close()


def test_the_first_view_weighs_under_100_kb(browser, served):
    """Everything a phone fetches for a place vote (the heaviest page: the map), on a cold cache, as sent."""
    server, store = served
    content = load_content()
    session, _ = store.start_session(time.time(), "en")
    question = store.add_question(place_question(content, session))
    store.move(question.id, "open")
    phone = Phone(browser, "en")
    finished = []
    phone.page.on("requestfinished", lambda request: finished.append(request))
    try:
        phone.page.goto(f"{server}/join?code={session.code}")
        expect(phone.page.locator(".hx-tap-place").first).to_be_visible(timeout=LIVE)
        phone.page.wait_for_load_state("networkidle")
        sizes = {request.url: request.sizes() for request in finished}
        total = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
        assert total <= 100 * 1024, sizes
        assert len(sizes) <= 4, sizes  # the page, its stylesheet, its script (and nothing of Streamlit's)
    finally:
        phone.close()


def test_the_page_and_its_script_work_under_the_servers_policy(browser, served):
    """The Content-Security-Policy enforced (the other tests lift it for their own scripts): join.js runs (a tap on
    a choice sends it), its stream opens, and nothing on any state of the page is refused."""
    server, store = served
    content = load_content()
    phone = Phone(browser, "en", enforce_csp=True)
    refused: list[str] = []
    phone.page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        session, _ = store.start_session(time.time(), "en")
        scene = store.add_question(scene_question(content, session))
        store.move(scene.id, "open")
        response = phone.page.goto(f"{server}/join?code={session.code}")
        assert "script-src 'self' blob:;" in response.headers["content-security-policy"]
        phone.page.get_by_role("radio").nth(1).check()  # sent by the script: no Send pressed
        phone.says(SENT)
        expect(phone.page.get_by_role("radio").nth(1)).to_be_checked()
        assert phone.asked("/join/events") >= 1
        for make in (place_question, lambda _, s: word_question(s)):
            other, _ = store.start_session(time.time(), "en")
            kept = store.add_question(make(content, other))
            store.move(kept.id, "open")
            phone.page.goto(f"{server}/join?code={other.code}")
            phone.page.locator("form").first.wait_for()
        store.move(scene.id, "closed")
        store.move(scene.id, "revealed")
        shown, _ = store.start_session(time.time(), "en")
        place = store.add_question(place_question(content, shown))
        for state in ("open", "closed", "revealed"):
            store.move(place.id, state)
        phone.page.goto(f"{server}/join?code={shown.code}")
        expect(phone.page.locator(".hx-votes img")).to_be_visible()  # the map of votes, a data: picture
    finally:
        phone.close()
    assert refused == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violation_on_the_phones_page(browser, served, language):
    server, store = served
    content = load_content()
    phone = Visit(browser, 390, 844, touch=True)
    found = {}
    try:
        found["code form"] = violations(phone, f"{server}/join?lang={language}", ready="h1", wait_map=False)
        found["wrong code"] = violations(phone, f"{server}/join?code=ZZZZZZ&lang={language}", ready="[role=alert]", wait_map=False)
        session, _ = store.start_session(time.time(), "en")
        found["waiting"] = violations(phone, f"{server}/join?code={session.code}&lang={language}", ready="h1", wait_map=False)
        # each situation in a session of its own: the server reads a session anew once its news comes, and news
        # from this test's own store (another process) does not reach it
        for make in (scene_question, place_question, lambda _, s: word_question(s)):
            for state, ready in (("open", "form"), ("revealed", ".hx-live-question")):
                session, _ = store.start_session(time.time(), "en")
                kept = store.add_question(make(content, session))
                for step in {"open": ["open"], "revealed": ["open", "closed", "revealed"]}[state]:
                    kept = store.move(kept.id, step)
                url = f"{server}/join?code={session.code}&lang={language}"
                found[f"{kept.kind}, {state}"] = violations(phone, url, ready=ready, wait_map=False)
    finally:
        phone.close()
    assert not any(found.values()), found


def reload_until(page, locator, timeout: float = 15.0) -> None:
    """Load the page again until ``locator`` shows: a change made by this test's own store (another process) is
    read by the server within a couple of seconds, without news of it."""
    deadline = time.monotonic() + timeout
    while locator.count() == 0:
        assert time.monotonic() < deadline, f"{locator} never showed"
        page.reload()


def test_the_page_works_with_javascript_off(browser, served):
    """No script: the code typed in the form, answers posted, the next question found by the page's own reload
    (every 20 seconds) or its Refresh link while a word is being written."""
    server, store = served
    content = load_content()
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort())
    page = context.new_page()
    posted: list[str] = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    try:
        session, _ = store.start_session(time.time(), "fr")
        page.goto(f"{server}/join?lang=fr")
        page.get_by_label(t("Session code", "fr")).fill(f"{session.code[:3].lower()} {session.code[3:]}")
        page.get_by_role("button", name=t("Join", "fr")).click()
        expect(page.locator("h1")).to_contain_text(session.code[:3])
        assert store.joined(session.code) == 1

        scene = store.add_question(scene_question(content, session))
        store.move(scene.id, "open")
        # the page finds the question by itself: its <noscript> reload
        expect(page.get_by_role("radio").first).to_be_visible(timeout=30_000)
        page.get_by_role("button", name=t("Send", "fr")).click()  # nothing chosen: the browser does not send it
        page.get_by_role("radio").nth(2).check()
        page.get_by_role("button", name=t("Send", "fr")).click()
        expect(page.locator(".hx-phone-note")).to_have_text(typeset(t(SENT, "fr"), "fr"))
        expect(page.get_by_role("radio").nth(2)).to_be_checked()
        assert [a.value for a in store.answers(session.code, scene.id)] == [scene.choices[2]]
        assert len([url for url in posted if url.endswith("/join/answer")]) == 1

        store.move(scene.id, "closed")
        place = store.add_question(place_question(content, session))
        store.move(place.id, "open")
        page.get_by_role("link", name="Français").click()  # a link is enough to look again
        reload_until(page, page.locator(".hx-tap-place"))
        page.locator(".hx-tap-place[value='garage']").click()  # a tap on the map is a vote, without script too
        expect(page.locator(".hx-phone-note")).to_have_text(typeset(t(SENT, "fr"), "fr"))
        assert [a.value for a in store.answers(session.code, place.id)] == ["garage"]

        store.move(place.id, "closed")
        word = store.add_question(word_question(session))
        store.move(word.id, "open")
        box = page.get_by_role("textbox")
        reload_until(page, box)
        assert page.locator("meta[http-equiv=refresh]").count() == 0  # nothing reloads while writing
        box.fill("Mousse")
        page.get_by_role("button", name=t("Send", "fr")).click()
        expect(page.locator(".hx-phone-note")).to_have_text(typeset(t(SENT, "fr"), "fr"))
        assert [a.value for a in store.answers(session.code, word.id)] == ["mousse"]
        store.move(word.id, "closed")
        page.get_by_role("link", name=t("Refresh", "fr")).click()
        reload_until(page, page.locator(".hx-phone-info"))
    finally:
        context.close()


def test_a_phone_whose_stream_is_cut_falls_back_to_a_slow_look(browser, served):
    """A network that breaks streaming (here: every /join/events refused): the page asks /join/state every 15
    seconds instead, and loads itself again when its question changes."""
    server, store = served
    phone = Phone(browser, "nl")
    phone.context.route("**/join/events*", lambda route: route.abort())
    try:
        session, _ = store.start_session(time.time(), "en")
        phone.page.goto(f"{server}/join?code={session.code}&lang=nl")
        expect(phone.page.locator(".hx-phone-info")).to_be_visible()
        word = store.add_question(word_question(session))
        store.move(word.id, "open")
        expect(phone.page.get_by_role("textbox")).to_be_visible(timeout=45_000)
        assert phone.asked("/join/state") >= 1
    finally:
        phone.close()
