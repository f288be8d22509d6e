"""The phones' page of a live session as HTML (explorer/joinpage.py): a form per kind of question that works
without script, a map whose places are submit buttons, the answers once shown, and content that cannot inject."""

from __future__ import annotations

import html
import re
import time

import pytest

from explorer import load_content
from explorer.i18n import t
from explorer.joinpage import REFRESH, WORD_INPUT, Note, Shell, Situation, code_form_html, session_html
from explorer.live import (
    MAX_TEXT,
    Answer,
    LiveQuestion,
    classroom_question,
    new_session,
    place_question,
    scene_question,
    word_question,
)
from explorer.spoilers import visibility
from explorer.theme import PALETTE

SHELL = Shell("/", "explorer-assets/join.abc.css", "join/join.js?v=abc", {"code": "ABC234", "lang": "fr"})


def page(content, question, language="en", **situation) -> str:
    found = Situation("ABC234", question, **situation)
    return session_html(content, SHELL, found, language, events="/join/events?code=ABC234", state="/join/state?code=ABC234")


@pytest.fixture
def session():
    return new_session(time.time())[0]


def opened(question: LiveQuestion, state: str = "open") -> LiveQuestion:
    return LiveQuestion(
        question.id, "ABC234", question.kind, question.ref, question.age, question.choices, state, question.position, question.labels
    )


def forms(text: str) -> list[str]:
    return re.findall(r"<form\b.*?</form>", text, re.S)


def test_every_page_is_a_whole_document_in_its_language_with_the_theme_and_no_inline_script(content, session):
    for language in ("en", "fr", "nl"):
        for text in (
            code_form_html(SHELL, language),
            page(content, None, language),
            page(content, opened(place_question(content, session)), language),
        ):
            assert text.startswith("<!doctype html>") and f'<html lang="{language}">' in text
            assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
            assert '<link rel="stylesheet" href="/explorer-assets/join.abc.css">' in text
            assert len(re.findall(r"<h1\b", text)) == 1
            # the Content-Security-Policy allows scripts from the server's own files only, and no handlers
            assert re.findall(r"<script(?![^>]*\bsrc=)", text) == [] and not re.search(r"\son\w+=", text)


def test_the_code_form_keeps_what_was_typed_escaped_and_says_why(content):
    hostile = '"><script>alert(1)</script>'
    text = code_form_html(SHELL, "nl", typed=hostile, note=Note("Geen sessie <b>", "error"))
    assert "<script>alert" not in text and html.escape(hostile[:40], quote=True) in text
    assert 'role="alert">Geen sessie &lt;b&gt;</p>' in text
    form = forms(text)[0]
    assert 'method="post" action="/join"' in form and 'name="code"' in form and '<label for="hx-code">' in form
    assert '<input type="hidden" name="lang" value="fr">' in form  # the chosen language goes with the code
    assert "http-equiv" not in text  # nothing to follow yet: no reload


def test_a_scene_pick_is_a_list_of_radio_buttons_with_a_send_button(content, session):
    question = opened(scene_question(content, session))
    mine = Answer(question.id, "p" * 22, question.choices[1], time.time())
    text = page(content, question, mine=mine)
    form = forms(text)[0]
    assert 'action="/join/answer"' in form and f'name="question" value="{question.id}"' in form
    values = re.findall(r'type="radio" name="value" value="([^"]+)"', form)
    assert values == list(question.choices)
    assert re.findall(r'value="([^"]+)" checked', form) == [question.choices[1]]  # the phone's answer is chosen
    radios = re.findall(r"<input type=\"radio\"[^>]*>", form)
    assert radios and all(r.endswith(" required>") for r in radios)  # an empty send is stopped by the browser
    assert 'autocomplete="off"' in form.split(">", 1)[0]  # no earlier choice restored over the one kept
    assert '<button type="submit" class="hx-phone-send">' in form
    assert "<legend>" in form and "<fieldset>" in form
    assert f'<meta http-equiv="refresh" content="{REFRESH};url=/join?code=ABC234&amp;lang=fr">' in text


def test_a_place_vote_is_a_map_of_submit_buttons_numbered_as_the_list(content, session):
    question = opened(place_question(content, session))
    text = page(content, question, "fr", mine=Answer(question.id, "p" * 22, "garage", time.time()))
    tap, listing = forms(text)
    buttons = re.findall(
        r'<button type="submit" name="value" value="([^"]+)" class="hx-tap-place"([^>]*)>(\d+)'
        r'<span class="hx-sr"> ([^<]+)</span>',
        tap,
    )
    assert [b[0] for b in buttons] == list(question.choices)
    assert [int(b[2]) for b in buttons] == list(range(1, len(question.choices) + 1))
    assert all(html.unescape(b[3]) == content.place(b[0]).name.get("fr") for b in buttons)
    assert [b[0] for b in buttons if "aria-current" in b[1]] == ["garage"]
    for left, top in re.findall(r'style="left:([\d.]+)%;top:([\d.]+)%"', tap):  # every place on the picture
        assert 0 < float(left) < 100 and 0 < float(top) < 100
    assert '<svg viewBox="0 0 800 560" aria-hidden="true" focusable="false">' in tap
    assert '<path d="M' in tap and f'stroke="{PALETTE["rail"]}"' in tap  # the basemap: railways, water, outlines
    assert "© OpenStreetMap contributors</p>" in text  # the map data's credit under the picture
    assert re.findall(r'type="radio" name="value" value="([^"]+)"', listing) == list(question.choices)
    # the map is drawn only for a place vote
    assert "<svg" not in page(content, opened(scene_question(content, session)))


def test_written_answers_have_their_limits_and_no_reload_while_writing(content, session):
    word = page(content, opened(word_question(session)))
    assert f'maxlength="{WORD_INPUT}"' in word and 'name="value"' in word
    assert 'http-equiv="refresh"' not in word and f">{t('Refresh', 'en')}</a>" in word
    asked = next(q for q in content.questions if q.phase == "before")
    text = page(content, opened(classroom_question(content, session, asked.id, asked.ages[0])), typed="<b>draft</b> kept")
    assert f'<textarea id="hx-answer" name="value" rows="5" maxlength="{MAX_TEXT}"' in text
    assert "&lt;b&gt;draft&lt;/b&gt; kept</textarea>" in text  # what was refused comes back in the box
    assert 'http-equiv="refresh"' not in text
    assert content.question_label(asked.id) in text  # the question's one number (Q7)


def test_closed_and_revealed(content, session):
    question = scene_question(content, session)
    mine = Answer(question.id, "p" * 22, question.choices[0], time.time(), refused=False)
    closed = page(content, opened(question, "closed"), mine=mine)
    assert "<form" not in closed and t("Answers are closed. Everyone's answers may be shown here in a moment.", "en") in html.unescape(
        closed
    )
    assert 'class="hx-live-mine"' in closed
    answers = (mine, Answer(question.id, "q" * 22, question.choices[0], time.time()))
    shown = page(content, opened(question, "revealed"), mine=mine, answers=answers)
    assert 'class="hx-bars"' in shown and "<form" not in shown
    assert re.search(r'class="hx-bar-count">2\b', shown)
    assert 'http-equiv="refresh"' in shown  # a page without script still follows the next question


def test_a_spoiler_safe_session_offers_no_hidden_scene_whatever_the_question_holds(content, session):
    hidden = visibility(content, True).hidden
    assert hidden
    every = LiveQuestion("q1", "ABC234", "scene", choices=tuple(s.id for s in content.scenes), state="open")
    safe = page(content, every, spoiler_safe=True)
    offered = set(re.findall(r'type="radio" name="value" value="([^"]+)"', safe))
    assert offered and not offered & hidden
    assert hidden <= set(re.findall(r'type="radio" name="value" value="([^"]+)"', page(content, every)))


def test_hostile_content_is_escaped_everywhere(hostile_data):
    content = load_content(hostile_data)
    session = new_session(time.time())[0]
    for question in (opened(place_question(content, session)), opened(scene_question(content, session))):
        text = page(content, question, mine=Answer(question.id, "p" * 22, question.choices[0], time.time()))
        assert "<script>alert" not in text and "<b>bold</b>" not in text
    text = page(content, opened(word_question(session)), typed="<img src=x onerror=alert(1)>")
    assert "<img src=x" not in text


def test_the_address_never_carries_who_the_phone_is(content, session):
    question = opened(place_question(content, session))
    text = page(content, question, mine=Answer(question.id, "SECRETPID" + "x" * 13, "garage", time.time()))
    assert "SECRETPID" not in text


def test_the_qr_codes_ticket_stays_in_every_link_and_form_and_nothing_else_does(content, session):
    shell = Shell("/", "explorer-assets/join.abc.css", "join/join.js?v=abc", {"code": "ABC234", "lang": "nl", "t": "TICKET_abc-1234"})
    question = opened(place_question(content, session))
    text = session_html(content, shell, Situation("ABC234", question), "nl", events="/join/events?code=ABC234")
    links = [html.unescape(link) for link in re.findall(r'<a href="(/join\?[^"]+)"', text)]
    assert len(links) == 3 and all(link.endswith("&t=TICKET_abc-1234") for link in links)
    for form in forms(text):  # the map's and the list's: the answer comes back to an address with the ticket
        assert '<input type="hidden" name="t" value="TICKET_abc-1234">' in form
    assert "t=TICKET" in html.unescape(re.search(r'data-here="([^"]+)"', text)[1])
    assert "TICKET" not in re.search(r'data-events="([^"]+)"', text)[1]
    # the explorer's own pages never get it
    assert "TICKET" not in re.search(r'<p class="hx-phone-away"><a href="([^"]+)"', code_form_html(shell, "nl"))[1]


def test_a_right_to_left_answer_given_stays_apart_from_its_label(content, session):
    question = opened(word_question(session))
    text = page(content, question, mine=Answer(question.id, "p" * 22, "שלום\u202e", time.time()))
    assert re.search(r"<strong><bdi>שלום\u202e</bdi></strong>", text)


def test_the_guest_link_shows_while_asking_is_open_and_large_when_no_question_is(content, session):
    link = "/join/guest?code=ABC234&lang=fr"
    closed = page(content, opened(word_question(session)))
    assert "hx-phone-guest" not in closed and 'data-guest-open=""' in closed
    asking = page(content, opened(word_question(session)), guest=link)
    assert '<p class="hx-phone-guest"><a href="/join/guest?code=ABC234&amp;lang=fr">' in asking and 'data-guest-open="1"' in asking
    waiting = page(content, None, guest=link)
    assert '<p class="hx-phone-guest hx-phone-guest-big"><a href="/join/guest?code=ABC234&amp;lang=fr">' in waiting
    assert t("Questions for the guest", "en") in waiting
    # the guest page's shell keeps its own path in its language links
    guest_shell = Shell("/", "s.css", "j.js", {"code": "ABC234", "order": "newest"}, "join/guest")
    assert (
        guest_shell.url(lang="nl") == "/join/guest?code=ABC234&order=newest&lang=nl"
        and guest_shell.url("join", order="") == "/join?code=ABC234"
    )
