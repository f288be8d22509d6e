"""A live session in Chromium: one presenter on a projector and three phones, each in its own browser context and
language, through three questions (a classroom question with choices, a place vote tapped on the map, a one-word
reaction); on SQLite and, when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL. Then axe on both pages."""

from __future__ import annotations

import io
import os
import re
import time

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from browser import Visit, running_app
from explorer import load_content
from explorer.i18n import t
from explorer.live import new_participant, place_question, scene_question
from explorer.livestore import LiveStore, sqlite_url
from test_browser_accessibility import LANGUAGES, violations

pytestmark = pytest.mark.browser
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
LIVE = 8_000  # ms: the projector reads the answers every second; a phone looks for the next question every three


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
    folder = tmp_path_factory.mktemp("live")
    settings = {"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": str(folder)}
    if request.param == "postgresql":
        settings["EXPLORER_DATABASE_URL"] = POSTGRES
    store = LiveStore(POSTGRES if request.param == "postgresql" else sqlite_url(folder))
    with running_app(**settings) as base:
        yield base, store
    store.close()


@pytest.fixture
def server(served):
    return served[0]


def board(presenter: Visit):
    return presenter.page.locator(".hx-live-question")


def press(visit: Visit, name: str) -> None:
    visit.page.get_by_role("button", name=name, exact=True).click()


def add_question(presenter: Visit, kind: str, choices: str = "") -> None:
    presenter.page.get_by_role("radio", name=kind, exact=True).or_(
        presenter.page.get_by_role("button", name=kind, exact=True)
    ).first.click()
    if choices:
        box = presenter.page.get_by_label(re.compile("^Answers to choose from"))
        box.fill(choices)
        box.press("Tab")  # the text area commits its value when it loses focus
    press(presenter, "Add this question")
    expect(presenter.page.get_by_role("button", name="Open for answers", exact=True)).to_be_visible(timeout=LIVE)
    press(presenter, "Open for answers")
    expect(board(presenter).locator(".hx-kicker")).to_contain_text("Taking answers", timeout=LIVE)


def test_a_presenter_and_three_phones_through_three_questions(browser, server):
    presenter = Visit(browser, 1920, 1080)
    phones = [Visit(browser, 390, 844, touch=True) for _ in range(3)]
    screen = Visit(browser, 1920, 1080)
    try:
        page = presenter.page
        page.goto(f"{server}/live")
        press(presenter, "Start a live session")
        page.wait_for_url(re.compile(r"[?&]key="))
        code = re.search(r"code=([A-Z2-9]{6})", page.url)[1]
        expect(page.locator(".hx-join-code")).to_have_text(f"{code[:3]} {code[3:]}")

        # the QR code on the projector opens the join page for this session
        qr = page.get_by_role("img", name=re.compile("^QR code that opens the session"))
        found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))]
        # with the session's ticket, so a phone scanning it is never held up by someone else's wrong codes
        assert len(found) == 1 and re.fullmatch(re.escape(f"{server}/join?code={code}&t=") + r"[A-Za-z0-9_-]{16}", found[0]), found

        # a second window on the projector, in projector view: it follows what the controls window asks
        screen.page.goto(page.url + "&view=screen")
        expect(screen.page.locator(".hx-join-code")).to_be_visible(timeout=30_000)
        expect(screen.page.get_by_role("button", name="Add this question")).to_have_count(0)
        # only the code, the QR code, the count and the answers: no navigation, switches, title or introduction
        expect(screen.page.locator(".hx-live-waiting")).to_be_visible()
        expect(screen.page.locator(".hx-header, .hx-nav, nav")).to_have_count(0)

        # phones join by the QR code's address, each in its own language, before any question
        for phone, language in zip(phones, LANGUAGES, strict=True):
            phone.page.goto(f"{found[0]}&lang={language}")
            expect(phone.page.locator(".hx-phone-info").first).to_be_visible(timeout=30_000)
        expect(page.locator(".hx-join-count")).to_have_text("3 people have joined", timeout=LIVE)

        # 1. a classroom question with choices: the phones see it by themselves, answer, one changes its mind
        add_question(presenter, "Classroom question", "Yes\nNo\nNot sure")
        # a joined phone shows the session alone (its language links, but not the explorer's navigation), the
        # question and its answers on the first screen
        choices = phones[0].page.get_by_role("group")
        expect(choices).to_be_visible(timeout=LIVE)
        expect(phones[0].page.locator(".hx-header, .hx-nav, .hx-pages")).to_have_count(0)
        found_box = choices.bounding_box()
        assert found_box["y"] + found_box["height"] <= 844, found_box
        for phone, choice in zip(phones, ["Yes", "No", "Yes"], strict=True):
            radio = phone.page.get_by_role("radio", name=choice, exact=True)
            expect(radio).to_be_attached(timeout=LIVE)
            phone.page.get_by_text(choice, exact=True).click()  # a tap on a choice sends it
            expect(phone.page.locator(".hx-phone-note")).to_be_visible(timeout=LIVE)
        counts = board(presenter).locator(".hx-bar-count")
        expect(counts).to_have_text([re.compile(r"^2\b"), re.compile(r"^1\b"), re.compile(r"^0\b")], timeout=LIVE)
        phones[1].page.get_by_text("Yes", exact=True).click()
        expect(counts).to_have_text([re.compile(r"^3\b"), re.compile(r"^0\b"), re.compile(r"^0\b")], timeout=LIVE)
        expect(board(presenter).locator(".hx-live-total")).to_have_text("3 answers")
        press(presenter, "Close answers")
        closed = t("Answers are closed. Everyone's answers may be shown here in a moment.", "nl")
        expect(phones[2].page.locator(".hx-phone-info")).to_contain_text(closed, timeout=LIVE)  # nl
        press(presenter, "Show answers on phones")
        expect(phones[0].page.locator(".hx-bars")).to_be_visible(timeout=LIVE)
        expect(phones[1].page.locator(".hx-live-total")).to_have_text("3\u00a0réponses", timeout=LIVE)  # fr

        # 2. a place vote: each phone taps a place on its map
        add_question(presenter, "Place vote")
        for phone, place in zip(phones, ["moeraske", "moeraske", "garage"], strict=True):
            marker = phone.page.locator(f".hx-tap-place[value='{place}']")
            marker.wait_for(state="visible", timeout=LIVE)
            marker.click()
            expect(phone.page.locator(".hx-live-mine")).to_be_visible(timeout=LIVE)
        ranking = board(presenter).locator(".hx-votes figcaption li")
        expect(ranking).to_have_text([re.compile(r"^Moeraske.*: 2$"), re.compile(r"garage: 1$")], timeout=LIVE)
        expect(board(presenter).locator(".hx-votes img")).to_be_visible()

        # 3. a one-word reaction: the word list counts them, case and punctuation aside
        add_question(presenter, "One-word reaction")
        for phone, word in zip(phones, ["Quiet", "quiet!", "green"], strict=True):
            box = phone.page.get_by_role("textbox")
            expect(box).to_be_visible(timeout=LIVE)
            box.fill(word)
            phone.page.get_by_role("button", name=re.compile("^(Send|Envoyer|Versturen)$")).click()
            expect(phone.page.locator(".hx-live-mine")).to_be_visible(timeout=LIVE)
        # words reach everyone once the presenter lets each through (in a part the participants need not see);
        # nothing says how many wait, but the presenter's list
        expect(page.locator(".hx-waiting")).to_have_count(2, timeout=LIVE)
        assert board(presenter).locator(".hx-words li").count() == 0
        expect(board(presenter)).not_to_contain_text("waiting")
        expect(screen.page.locator(".hx-waiting")).to_have_count(0)  # the projector never shows what waits
        for word in ("quiet", "green"):
            row = page.locator(".hx-waiting").filter(has_text=word)
            expect(row).to_be_visible(timeout=LIVE)
            page.locator("[class*='st-key-hx-waiting-']").filter(has=row).get_by_role("button", name="Show").click()
            expect(row).to_have_count(0, timeout=LIVE)
        expect(board(presenter).locator(".hx-words li")).to_have_text(["quiet 2", "green 1"], timeout=LIVE)
        expect(screen.page.locator(".hx-words li")).to_have_text(["quiet 2", "green 1"], timeout=LIVE)

        assert presenter.external == [] and all(phone.external == [] for phone in phones)
    finally:
        for visit in (presenter, screen, *phones):
            visit.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_serious_accessibility_violation_on_the_live_pages(browser, served, language):
    server, store = served
    if store.url.startswith("postgresql"):
        pytest.skip("the pages are the same whichever database keeps the answers; checked on SQLite")
    content = load_content()
    presenter, phone = Visit(browser, 1920, 1080), Visit(browser, 390, 844, touch=True)
    try:
        session, secret = store.start_session(time.time(), language)
        code = session.code
        asked = [scene_question(content, session), place_question(content, session, 1)]
        for question in asked:
            store.add_question(question)
        store.move(asked[0].id, "open")
        for token, scene in ((new_participant(), asked[0].choices[0]), (new_participant(), asked[0].choices[1])):
            store.answer(asked[0].id, token, scene, time.time())
        presenter_url = f"{server}/live?code={code}&key={secret}&lang={language}"
        found = {
            "start": violations(phone, f"{server}/live?lang={language}"),
            "presenter, bars": violations(presenter, presenter_url + f"&q={asked[0].id}", ready=".hx-bars"),
            "phone, choices": violations(phone, f"{server}/join?code={code}&lang={language}", ready="fieldset", wait_map=False),
        }
        store.move(asked[0].id, "closed")
        store.move(asked[1].id, "open")
        store.answer(asked[1].id, new_participant(), "moeraske", time.time())
        found |= {
            "presenter, votes": violations(presenter, presenter_url + f"&q={asked[1].id}", ready=".hx-votes"),
            "phone, map": violations(phone, f"{server}/join?code={code}&lang={language}", ready=".hx-tap-map", wait_map=False),
            "join form": violations(phone, f"{server}/join?lang={language}", ready="form", wait_map=False),
            "joined, waiting": violations(
                phone,
                f"{server}/join?code={store.start_session(time.time())[0].code}&lang={language}",
                ready=".hx-phone-info",
                wait_map=False,
            ),
        }
    finally:
        presenter.close()
        phone.close()
    assert not any(found.values()), found
