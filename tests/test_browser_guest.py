"""Questions for the guest in Chromium against the server started as README says: the moderator's controls
(1280x800), the projector's window (1920x1080, its read-only link) and three phones in English, French and Dutch on
``/join/guest``. Questions come in, are published by ticks or hidden, voted on (the projector's counts follow,
pushed), one tied to a place is highlighted (its place shows on the projector's map) and marked answered; axe
finds nothing serious on the controls' guest tab nor on the projector. Every change goes through the server (the
pages and the phones' forms), so its own notifier pushes it."""

from __future__ import annotations

import json
import re
import socket
import time

import pytest
from playwright.sync_api import expect

from browser import Visit, running_server
from explorer import load_content
from explorer.guestpage import ASKED
from explorer.gueststore import GuestBook
from explorer.i18n import t
from explorer.livestore import LiveStore, sqlite_url
from explorer.typography import typeset
from test_browser_accessibility import AXE, LANGUAGES, WCAG_21_AA

pytestmark = pytest.mark.browser
LIVE = 10_000  # ms: the controls read the list every 2 s; the projector hears the stream within a second
COUNTS = 40_000  # ms: a newly published question reaches a phone's page within 20 to 30 s of its last load (join.js)
PORTS = range(8990, 9000)


def port() -> int:
    """A free port of this test's range."""
    for candidate in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise RuntimeError("no free port in 8990-8999")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("guestroom")
    store = LiveStore(sqlite_url(folder))
    env = {"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": str(folder)}
    with running_server("serve.py", port=port(), env=env) as server:
        yield server.base, store
    store.close()


def counted(book: GuestBook, code: str, question_id: str, votes: int, wait: float = 5.0) -> bool:
    """Whether the question has ``votes`` votes in the store within ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if next(q.votes for q in book.questions(code) if q.id == question_id) >= votes:
            return True
        time.sleep(0.1)
    return False


def serious(visit: Visit, looks: int = 3) -> list[str]:
    """axe's serious and critical findings on the page as it is now, those found on each of ``looks`` looks: the
    lists rerun every few seconds, and Streamlit fades what a rerun is about to replace (a look during one finds
    the faded text's contrast too low); a real finding is found on every look."""
    visit.page.add_script_tag(path=str(AXE))
    found: list[str] = []
    for _ in range(looks):
        found = visit.page.evaluate(
            """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
            .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({id: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
            WCAG_21_AA,
        )
        if not found:
            return []
    return [json.dumps(v) for v in found]


def test_a_moderator_a_projector_and_three_phones(browser, served):
    server, store = served
    content = load_content()
    place = content.places[0]
    book = GuestBook(store)
    moderator, projector = Visit(browser, 1280, 800), Visit(browser, 1920, 1080)
    phones = [Visit(browser, 390, 844, touch=True) for _ in LANGUAGES]
    try:
        page = moderator.page
        page.goto(f"{server}/live")
        page.get_by_role("button", name="Start a live session", exact=True).click()
        page.wait_for_url(re.compile(r"[?&]key="))
        code = re.search(r"code=([A-Z2-9]{6})", page.url)[1]
        screen = page.get_by_role("link", name="Projector view: only the code and the answers").get_attribute("href")
        assert screen and "screen=" in screen and "key=" not in screen

        page.get_by_role("tab", name="Questions for the guest").click()
        page.get_by_role("button", name="Open questions for the guest", exact=True).click()
        expect(page.get_by_role("button", name="Close asking", exact=True)).to_be_visible(timeout=LIVE)
        assert book.room(code).open

        projector.page.goto(f"{server}/{screen}")
        expect(projector.page.locator(".hx-guest-hint")).to_be_visible(timeout=LIVE)  # open, and no poll question

        # three phones ask, one about a place
        texts = ["Why this place, of all of Brussels?", "Pourquoi la mousse ?", "Hoe lang duurde het filmen?"]
        for phone, language, text in zip(phones, LANGUAGES, texts, strict=True):
            phone.page.goto(f"{server}/join/guest?code={code}&lang={language}")
            phone.page.get_by_label(t("Question for the guest", language)).fill(text)
            if phone is phones[0]:
                phone.page.get_by_label(t("About a place (optional)", language)).select_option(place.id)
            phone.page.get_by_role("button", name=t("Send the question", language)).click()
            expect(phone.page.locator(".hx-phone-note")).to_have_text(typeset(t(ASKED, language), language), timeout=LIVE)
        asked = {q.text: q for q in book.questions(code)}
        assert set(asked) == set(texts) and all(q.state == "pending" for q in asked.values())
        first, second, third = (asked[text] for text in texts)
        expect(page.get_by_text("New questions (3)")).to_be_visible(timeout=LIVE)
        expect(projector.page.locator(".hx-guest-screen")).not_to_contain_text(texts[0])  # the inbox never on screen

        # the moderator ticks two and publishes them, and hides the third
        for question in (first, second):
            page.locator(f".st-key-guest-pick-{question.id}").locator("label").click()
        page.get_by_role("button", name="Publish the ticked questions (2)").click()
        expect(page.locator(f".st-key-guest-item-{first.id}")).to_be_visible(timeout=LIVE)
        page.locator(f".st-key-guest-pick-{third.id}").locator("label").click()
        page.get_by_role("button", name="Hide the ticked questions (1)").click()
        expect(page.get_by_text("New questions (0)")).to_be_visible(timeout=LIVE)
        assert {q.text: q.state for q in book.questions(code)} == {texts[0]: "published", texts[1]: "published", texts[2]: "hidden"}

        # two phones vote for the first; the projector's counts follow
        for n, (phone, language) in enumerate(zip(phones[1:], LANGUAGES[1:], strict=True), start=1):
            for _ in range(3):  # a press that met the page reloading itself (on the room's news) is pressed again
                vote = phone.page.locator(f"#q-{first.id}").get_by_role("button", name=t("Vote", language))
                expect(vote).to_be_visible(timeout=COUNTS)  # published: the phone's page showed it by itself
                vote.click()
                if counted(book, code, first.id, n):
                    break
            assert counted(book, code, first.id, n)
        votes = projector.page.locator(f".hx-guest-votes[data-question='{first.id}']")
        began = time.monotonic()
        expect(votes).to_have_text("2", timeout=LIVE)
        expect(projector.page.locator(".hx-guest-total")).to_have_attribute("data-votes", "2")
        assert time.monotonic() - began < 5
        expect(projector.page.locator(".hx-guest-screen")).not_to_contain_text(texts[2])  # hidden: never on screen

        # highlighted: large on the projector, with its place on the map
        page.locator(f".st-key-guest-item-{first.id}").get_by_role("button", name="Highlight").click()
        now = projector.page.locator(".hx-guest-question")
        expect(now).to_contain_text(texts[0], timeout=LIVE)
        expect(now).to_contain_text("#1")  # numbered as on the moderator's list
        expect(projector.page.locator(f".hx-guest-place[data-place='{place.id}']")).to_be_visible()
        bottom = projector.page.locator(".hx-guest-total").evaluate("e => e.getBoundingClientRect().bottom")
        assert bottom <= 1080, bottom  # a projector cannot scroll: the counts stay on the screen
        size = float(now.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 48, size
        assert book.room(code).highlighted == first.id
        projector_found = serious(projector)

        # marked answered: it leaves the screen, the other one stays in the queue
        expect(page.locator(".st-key-guest-lit")).to_be_visible(timeout=LIVE)
        page.locator(f".st-key-guest-item-{first.id}").get_by_role("button", name="Answered").click()
        expect(now).to_have_count(0, timeout=LIVE)
        expect(projector.page.locator(".hx-guest-queue")).to_contain_text(texts[1])
        assert book.questions(code)[0].state == "answered" and book.room(code).highlighted == ""

        controls_found = serious(moderator)
        assert moderator.external == [] and projector.external == [] and all(p.external == [] for p in phones)
    finally:
        for visit in (moderator, projector, *phones):
            visit.close()
    assert not projector_found, projector_found
    assert not controls_found, controls_found
