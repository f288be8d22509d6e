"""The phones' page of questions for the guest as HTML (explorer/guestpage.py): what each phone sees (the one being
answered, the form, the published ones by votes or newest, its own waiting ones, the answered ones apart), every
action a form that works without script, text that cannot inject, and a signal that changes with what phones see."""

from __future__ import annotations

import html
import re

import pytest

from explorer.guest import MAX_ASK, GuestQuestion, GuestRoom
from explorer.guestpage import GuestView, guest_html, guest_signal
from explorer.i18n import LANGUAGES, t
from explorer.joinpage import Note, Shell
from explorer.spoilers import visibility
from explorer.typography import typeset

SHELL = Shell("/", "explorer-assets/join.abc.css", "join/join.js?v=abc", {"code": "ABC234", "lang": "fr"}, "join/guest")
OPEN = GuestRoom(open=True)


def question(n: int, state: str = "published", votes: int = 0, text: str = "", **extra) -> GuestQuestion:
    return GuestQuestion(f"q{n}", "ABC234", f"pid-{n:020d}", text or f"question {n}", 1000.0 + n, state=state, votes=votes, **extra)


def page(content, language="en", **view) -> str:
    found = GuestView("ABC234", **{"room": OPEN, "questions": (), **view})
    return guest_html(content, SHELL, found, language, events="/join/events?code=ABC234", state="/join/state?code=ABC234")


def listed(text: str, section: str) -> list[str]:
    found = re.search(rf'<section class="hx-phone-{section}".*?</section>', text, re.S)
    return [html.unescape(m) for m in re.findall(r"<bdi>(.*?)</bdi>", found[0])] if found else []


def test_published_questions_by_votes_or_newest_each_with_its_vote_form(content):
    questions = [question(1, votes=1), question(2, votes=3), question(3, votes=1, starred=True)]
    by_votes = page(content, questions=questions, voted=frozenset({"q2"}))
    assert listed(by_votes, "all") == ["question 2", "question 3", "question 1"]
    assert listed(page(content, questions=questions, order="newest"), "all") == ["question 3", "question 2", "question 1"]
    forms = re.findall(r'<form class="hx-phone-vote" method="post" action="/join/guest/vote">(.*?)</form>', by_votes)
    assert len(forms) == 3
    mine = next(f for f in forms if 'value="q2"' in f)
    assert 'name="up" value="0"' in mine and 'aria-pressed="true"' in mine and t("Take back my vote", "en") in mine
    other = next(f for f in forms if 'value="q1"' in f)
    assert 'name="up" value="1"' in other and 'aria-pressed="false"' in other and 'aria-describedby="hx-q-q1"' in other
    assert all('name="code" value="ABC234"' in f and 'name="lang" value="fr"' in f for f in forms)
    sorts = re.findall(r'<nav class="hx-phone-sort".*?</nav>', by_votes, re.S)[0]
    assert 'href="/join/guest?code=ABC234&amp;lang=fr" aria-current="true"' in sorts and "order=newest" in sorts


def test_the_highlighted_the_waiting_and_the_answered_are_apart(content):
    questions = [question(1), question(2, state="answered", answered_at=2000.0), question(3)]
    mine = [question(4, state="pending")]
    text = page(content, room=GuestRoom(open=True, highlighted="q3"), questions=questions, mine=mine)
    assert listed(text, "now") == ["question 3"] and listed(text, "all") == ["question 1"]
    assert listed(text, "answered") == ["question 2"] and listed(text, "mine") == ["question 4"]
    for section in ("mine", "answered"):
        part = re.search(rf'<section class="hx-phone-{section}".*?</section>', text, re.S)[0]
        assert "hx-phone-vote" not in part.replace("hx-phone-qvotes", "")
    assert t("Waiting for the moderator", "en") in text
    assert "question 4" not in page(content, questions=questions)  # another phone: nothing of it


def test_the_form_offers_places_and_the_scenes_the_session_shows(content):
    text = page(content, spoiler_safe=True, typed="<b>kept</b>", place=content.places[1].id)
    box = re.search(r'<textarea id="hx-ask" name="text" rows="4" maxlength="(\d+)"[^>]*required>(.*?)</textarea>', text, re.S)
    assert int(box[1]) == MAX_ASK and box[2] == "&lt;b&gt;kept&lt;/b&gt;"
    scenes = re.findall(r'value="([^"]+)"', re.search(r'<select id="hx-ask-scene".*?</select>', text, re.S)[0])
    assert scenes == [s.id for s in visibility(content, True).scenes()] and len(scenes) < len(content.scenes)
    assert f'<option value="{content.places[1].id}" selected>' in text
    assert re.search(r'<label for="hx-ask-place">', text) and re.search(r'<label for="hx-ask-scene">', text)


def test_markup_in_questions_is_text(content):
    hostile = question(1, text='<script>alert(1)</script>"><img src=x onerror=alert(2)>')
    text = page(content, questions=[hostile], note=Note("<i>note</i>", "error"))
    main = text.split("<main", 1)[1]
    assert "<script>" not in main and "<img" not in main and "<i>" not in main
    assert listed(text, "all") == [hostile.text]


def test_a_closed_room_without_questions_says_so_and_links_back(content):
    text = page(content, room=GuestRoom(open=False), language="nl")
    assert "<form" not in text.split("<main", 1)[1]
    assert typeset(t("Questions for the guest are not open just now.", "nl"), "nl") in html.unescape(text)
    assert 'href="/join?code=ABC234&amp;lang=fr"' in text
    # closed with questions already shown: they stay, without the form
    shown = page(content, room=GuestRoom(open=False), questions=[question(1)])
    assert listed(shown, "all") == ["question 1"] and "hx-phone-ask" not in shown


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_follows_the_guest_signal_and_names_its_language(content, language):
    text = page(content, language, questions=[question(1)])
    assert f'<html lang="{language}">' in text and 'data-events="/join/events?code=ABC234"' in text
    assert f'data-guest="{guest_signal(OPEN, [question(1)])["v"]}"' in text
    assert f'data-guest-counts="{guest_signal(OPEN, [question(1)])["c"]}"' in text
    assert 'data-here="/join/guest?code=ABC234&amp;lang=fr"' in text
    assert 'http-equiv="refresh"' not in text  # never reloaded while a question may be written


def test_the_signal_changes_with_what_phones_see_and_not_with_waiting_questions():
    base = guest_signal(OPEN, [question(1)])
    assert guest_signal(OPEN, [question(1)]) == base and base["open"] is True
    assert guest_signal(OPEN, [question(1), question(2, state="pending")]) == base
    # at once: asking opened or closed, the question being answered
    for changed in (
        guest_signal(GuestRoom(open=True, highlighted="q1"), [question(1)]),
        guest_signal(GuestRoom(open=False), [question(1)]),
    ):
        assert changed["v"] != base["v"]
    # now and then (votes, new or answered questions: a hall changes these all the time)
    for slower in (
        guest_signal(OPEN, [question(1, votes=1)]),
        guest_signal(OPEN, [question(1, state="answered")]),
        guest_signal(OPEN, [question(1), question(2)]),
        guest_signal(OPEN, []),
    ):
        assert slower["v"] == base["v"] and slower["c"] != base["c"]
