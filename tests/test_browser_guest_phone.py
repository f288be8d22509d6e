"""Questions for the guest on phones, in Chromium against the server started as README says: a phone asks a
question about a place and sees it waiting; the moderator publishes it (from this test's own store: on
PostgreSQL heard through NOTIFY, on SQLite at the server's next look) and the phone's page shows it by itself; a
second phone upvotes it and the first sees the vote pushed; news that comes while a question is being written
waits until the box is left empty; axe finds nothing serious on the page in en/fr/nl.
On SQLite and, when EXPLORER_TEST_DATABASE_URL names one, on PostgreSQL."""

from __future__ import annotations

import os
import socket
import time

import pytest
from playwright.sync_api import expect

from browser import Visit, running_server
from explorer import load_content
from explorer.guestpage import ASKED
from explorer.gueststore import GuestBook
from explorer.i18n import n_, t
from explorer.livestore import LiveStore, sqlite_url
from explorer.typography import typeset
from test_browser_accessibility import LANGUAGES, violations

pytestmark = pytest.mark.browser
POSTGRES = os.environ.get("EXPLORER_TEST_DATABASE_URL", "")
PUSHED = 8_000  # ms: news the server hears itself reaches a phone within a couple of seconds
COUNTS = 40_000  # ms: votes alone reach a phone's page within 20 to 30 s of its last load (join.js COUNTS_EVERY)
PORTS = range(8970, 8990)


def port() -> int:
    """A free port of this test's range."""
    for candidate in PORTS:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return candidate
    raise RuntimeError("no free port in 8970-8989")


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
    folder = tmp_path_factory.mktemp("guest")
    env = {"EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": str(folder)}
    if request.param == "postgresql":
        env["EXPLORER_DATABASE_URL"] = POSTGRES
    store = LiveStore(POSTGRES if request.param == "postgresql" else sqlite_url(folder))
    with running_server("serve.py", port=port(), env=env) as server:
        yield server.base, store, request.param
    store.close()


def test_a_question_asked_published_upvoted_and_pushed_and_the_page_accessible(browser, served):
    server, store, kind = served
    content = load_content()
    book = GuestBook(store)
    session, _ = store.start_session(time.time(), "en")
    code = session.code
    book.set_room(code, open=True)
    first, second, third = (Visit(browser, 390, 844, touch=True) for _ in range(3))
    loads: list[str] = []
    first.page.on("load", lambda _page: loads.append(first.page.url))
    place = content.places[0]
    try:
        page = first.page
        page.goto(f"{server}/join/guest?code={code}")
        page.get_by_label(t("Question for the guest", "en")).fill("Why <b>this</b> place?")
        page.get_by_label(t("About a place (optional)", "en")).select_option(place.id)
        page.get_by_role("button", name=t("Send the question", "en")).click()
        expect(page.locator(".hx-phone-note")).to_have_text(typeset(t(ASKED, "en"), "en"))
        waiting = page.locator(".hx-phone-mine .hx-phone-q")
        expect(waiting.locator(".hx-phone-qtext")).to_have_text("Why <b>this</b> place?")  # markup as text
        expect(waiting.locator(".hx-phone-qabout")).to_have_text(place.name.get("en"))
        (question,) = book.questions(code)
        assert question.state == "pending" and question.place == place.id

        # the moderator publishes it: the phone's page shows it by itself (its stream's "guest" news)
        before = len(loads)
        book.moderate(code, [question.id], "publish", time.time())
        published = page.locator(f"#q-{question.id}")
        # PostgreSQL: heard through NOTIFY at once; SQLite (another process's store): at the server's next look (30 s);
        # then a new question reaches the page with the counts, within 20 to 30 s of its last load
        expect(published.get_by_role("button", name=t("Vote", "en"))).to_be_visible(timeout=COUNTS if kind == "postgresql" else 75_000)
        expect(page.locator(".hx-phone-mine")).to_have_count(0)
        assert len(loads) > before  # the page loaded itself again; the test never did

        # a second phone upvotes it; the first sees the vote pushed
        second.page.goto(f"{server}/join/guest?code={code}&lang=fr")
        second.page.locator(f"#q-{question.id}").get_by_role("button", name=t("Vote", "fr")).click()
        expect(second.page.locator(f"#q-{question.id} button")).to_have_attribute("aria-pressed", "true")
        assert "done=" not in second.page.url  # in place, by the page's script: no page came back for the vote
        one = typeset(n_("{count} vote", "{count} votes", 1, "en"), "en")
        expect(published.locator(".hx-phone-qvotes")).to_have_text(one, timeout=COUNTS)
        assert book.questions(code)[0].votes == 1

        # news while the first phone writes a question: its page waits (what is typed stays), and loads once the
        # box is left empty; a third phone, not writing, shows the news meanwhile
        third.page.goto(f"{server}/join/guest?code={code}&lang=nl")
        box = page.get_by_label(t("Question for the guest", "en"))
        box.fill("half a thought")
        waited = len(loads)
        second.page.locator(f"#q-{question.id}").get_by_role("button", name=t("Take back my vote", "fr")).click()
        none = n_("{count} vote", "{count} votes", 0, "nl")
        expect(third.page.locator(f"#q-{question.id} .hx-phone-qvotes")).to_have_text(typeset(none, "nl"), timeout=COUNTS)
        assert box.input_value() == "half a thought" and len(loads) == waited
        expect(published.locator(".hx-phone-qvotes")).to_have_text(one)
        box.fill("")
        box.blur()
        zero = typeset(n_("{count} vote", "{count} votes", 0, "en"), "en")
        expect(published.locator(".hx-phone-qvotes")).to_have_text(zero, timeout=COUNTS)
        assert all(v.external == [] for v in (first, second, third))
    finally:
        for visit in (first, second, third):
            visit.close()

    found = {}
    checker = Visit(browser, 390, 844, touch=True)
    try:
        for language in LANGUAGES:
            found[language] = violations(checker, f"{server}/join/guest?code={code}&lang={language}", ready="h1", wait_map=False)
    finally:
        checker.close()
    assert not any(found.values()), found
