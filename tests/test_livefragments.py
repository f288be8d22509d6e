"""The live sessions' HTML: the join block, bars, words, approved texts, the map of place votes, the kiosk's slide."""

from __future__ import annotations

import base64
import math
import random
import re
from html import unescape as html_unescape

import pytest

from explorer import livefragments
from explorer.fragments import attract_html, esc
from explorer.i18n import t
from explorer.live import (
    Answer,
    LiveQuestion,
    classroom_question,
    new_session,
    place_question,
    scene_question,
    tally,
    word_question,
)
from explorer.livefragments import (
    HEIGHT,
    LABEL_MARGIN,
    LABEL_SIZE,
    NAMED,
    WIDTH,
    attract_votes_html,
    join_html,
    question_text,
    results_html,
    votes_map_html,
)
from explorer_app.liveroom import current_question

NOW = 1_800_000_000.0


@pytest.fixture(scope="module")
def session():
    return new_session(NOW)[0]


def answers(question: LiveQuestion, values: list[str], approved: bool = False) -> list[Answer]:
    return [Answer(question.id, f"participant-{i:02d}-token", v, NOW + i, approved=approved) for i, v in enumerate(values)]


def svg_of(markup: str) -> str:
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup)
    assert found, "no picture"
    return base64.b64decode(found[1]).decode("utf-8")


def test_the_join_block_spaces_the_code_and_counts_people():
    html = join_html("ABC234", "here.example.org/join", 1)
    assert "ABC 234" in html and "here.example.org/join" in html and "1 person has joined" in html
    assert "31 people have joined" in join_html("ABC234", "x", 31)
    assert "personnes" in join_html("ABC234", "x", 2, "fr")
    for language in ("en", "fr", "nl"):  # nobody yet: said in words, not "0 person has joined"
        nobody = join_html("ABC234", "x", 0, language)
        assert t("Nobody has joined yet", language) in nobody and "0" not in nobody.split("hx-join-count")[1]


def test_bars_keep_every_choice_in_order_with_counts_and_shares(content, session):
    question = scene_question(content, session)
    first, second = question.choices[:2]
    html = results_html(content, question, answers(question, [second, second, first, second]))
    counts = re.findall(r'<span class="hx-bar-count">(\d+) <small>\((\d+)\u202f%\)', html)
    assert len(counts) == len(question.choices)
    assert counts[0] == ("1", "25") and counts[1] == ("3", "75") and all(c == ("0", "0") for c in counts[2:])
    assert esc(f"{content.scene(first).order}. {content.scene(first).title.get()}") in html
    assert 'style="width:100.0%"' in html and "4 answers" in html


def test_words_are_sized_by_frequency(content, session):
    question = word_question(session)
    html = results_html(content, question, answers(question, ["quiet", "green", "quiet", "quiet", "slow"], approved=True))
    sizes = {word: float(size) for size, word in re.findall(r'<li style="font-size:([\d.]+)rem"><bdi>(\w+)', html)}
    assert list(sizes) == ["quiet", "green", "slow"] and sizes["quiet"] > sizes["green"] == sizes["slow"]


def test_each_word_and_each_text_keeps_its_own_direction(content, session):
    """A right-to-left word is isolated from its count and from its neighbours (its count is drawn after it, not
    beside the word before), bidi controls a pupil slipped in included; a written answer takes its own direction."""
    question = word_question(session)
    given = ["שלום", "moss", "שלום", "\u202egreen", "مرحبا\u2067", "\u2066<b>x</b>"]
    html = results_html(content, question, answers(question, given, approved=True))
    listing = re.search(r'<ul class="hx-words">(.*?)</ul>', html)[1]
    items = re.findall(r"<li\b[^>]*>(.*?)</li>", listing)
    assert items and all(re.fullmatch(r"<bdi>[^<]*</bdi> <small>\d+</small>", item) for item in items), items
    words = {html_unescape(re.search(r"<bdi>(.*?)</bdi>", item)[1]) for item in items}
    assert "שלום" in words and "<b>" not in listing
    written = LiveQuestion("q1", session.code, "classroom", content.questions[0].id, "14-18", state="revealed")
    texts = results_html(content, written, answers(written, ["מה שלום הירוק?", "\u202e<i>moss</i>"], approved=True))
    shown = re.findall(r"<li\b([^>]*)>(.*?)</li>", re.search(r'<ul class="hx-texts">(.*?)</ul>', texts)[1])
    assert len(shown) == 2 and all(attributes == ' dir="auto"' for attributes, _ in shown)
    assert "<i>" not in texts


def test_written_answers_show_only_once_approved(content, session):
    question = LiveQuestion("q1", session.code, "classroom", content.questions[0].id, "14-18", state="open")
    waiting = answers(question, ["<b>not yet</b>"])
    html = results_html(content, question, waiting)
    assert "not yet" not in html and "waiting" not in html and "approv" not in html  # the room is not told
    refused = [Answer(question.id, "participant-09-token", "discarded", NOW, refused=True)]
    assert "discarded" not in results_html(content, question, refused + waiting)
    words = word_question(session)
    assert "waiting" not in results_html(content, words, answers(words, ["quiet"]))
    html = results_html(content, question, answers(question, ["<b>now</b>"], approved=True))
    assert "&lt;b&gt;now&lt;/b&gt;" in html and "<b>now" not in html
    assert tally(question, []).empty


def test_place_votes_are_circles_sized_by_votes_on_the_simplified_map(content, session):
    question = place_question(content, session)
    html = results_html(content, question, answers(question, ["moeraske"] * 4 + ["garage"]))
    svg = svg_of(html)
    radii = sorted(float(r) for r in re.findall(r'<circle [^>]*r="([\d.]+)" fill="#4f6b34"', svg))
    assert len(radii) == 2 and radii[1] > radii[0]
    assert radii[1] / radii[0] == pytest.approx((14 + 34) / (14 + 34 * (1 / 4) ** 0.5), rel=0.01)
    assert svg.count("<circle") == len(content.places)  # every place is on the map, the unvoted ones small
    assert "<polyline" in svg  # the canal and railway of the simplified map
    assert re.findall(r">(\d+)</text>", svg) == ["1", "2"]  # each circle its rank in the list beside the map
    ranked = html.split("<ol>", 1)[1]
    assert ranked.index(esc(content.place("moeraske").name.get())) < ranked.index(esc(content.place("garage").name.get()))
    assert '<img src="data:image/svg+xml;base64,' in html and 'alt=""' in html  # the list says it in words
    assert "No vote yet" in votes_map_html(content, {})


def label_boxes(svg: str) -> list[tuple[str, float, float]]:
    """Each place name in the picture: its words, and its first line's x and y."""
    found = re.findall(r'<text><tspan x="([\d.]+)" y="([\d.]+)">(.*?)</text>', svg)
    return [(" ".join(re.sub(r"</?tspan[^>]*>", " ", words).split()), float(x), float(y)) for x, y, words in found]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_most_voted_places_are_named_beside_their_circles_large_enough_for_a_room(content, session, language):
    question = place_question(content, session)
    voted = [p.id for p in content.places]  # every place voted: the most crowded picture there is
    html = results_html(content, question, answers(question, voted + voted[:3]), language)
    ranked = [
        re.sub(r"<[^>]+>", "", item).rsplit(":", 1)[0].strip().rstrip("\u202f\u00a0")
        for item in re.findall(r"<li>(.*?)</li>", html.split("<ol>", 1)[1])
    ]
    names = label_boxes(svg_of(html))
    expected = [f"{rank} · {name}" for rank, name in enumerate(ranked, start=1)][:NAMED]
    # each with its rank; in this most crowded picture at most one name finds no room near its circle (the list
    # beside the map names it), never the most voted
    shown, wanted = [n for n, _, _ in names], [" ".join(n.split()) for n in expected]
    assert set(shown) <= set(wanted) and len(shown) >= len(wanted) - 1 and wanted[0] in shown
    # a 28-unit name on a picture about 760 pixels wide on a 1920x1080 projector: about 27 pixels
    assert LABEL_SIZE >= 26 and f'font-size="{LABEL_SIZE}"' in svg_of(html)
    assert all(0 <= x <= WIDTH for _, x, _ in names)
    one = votes_map_html(content, {"moeraske": 2}, language)
    assert [n for n, _, _ in label_boxes(svg_of(one))] == ["1 · " + esc(content.place("moeraske").name.get(language))]


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_each_name_on_the_votes_map_is_near_its_circle_and_inside_the_map(content, language, monkeypatch):
    """Whatever the votes: a name touches its circle or sits within a line's height of it, keeps clear of the
    map's edges, and two names hardly ever cover each other (a name that would is left to the list)."""
    found = []
    place_labels = livefragments._place_labels
    monkeypatch.setattr(
        livefragments, "_place_labels", lambda circles, others: found.append((circles, place_labels(circles, others))) or found[-1][1]
    )
    ids = [p.id for p in content.places]
    rng = random.Random(7)
    votings = [{p: 1 for p in ids}, {ids[0]: 9}, {ids[-1]: 1, ids[0]: 5}]
    votings += [{p: rng.choice([0, 0, 1, 2, 3, 5, 8, 13]) for p in ids} for _ in range(60)]
    named = shown = 0
    for votes in votings:
        votes_map_html(content, votes, language)
        circles, boxes = found[-1]
        placed = [box for box in boxes if box is not None]
        for (x, y, r, _), box in zip(circles, boxes, strict=True):
            named += 1
            if box is None:
                continue
            shown += 1
            left, top, width, height = box
            nearest_x, nearest_y = min(max(x, left), left + width), min(max(y, top), top + height)
            assert math.hypot(nearest_x - x, nearest_y - y) - r <= LABEL_SIZE + 0.01, (votes, box, (x, y, r))
            assert left >= LABEL_MARGIN - 0.01 and left + width <= WIDTH - LABEL_MARGIN + 0.01
            assert top >= LABEL_MARGIN - 0.01 and top + height <= HEIGHT - LABEL_MARGIN + 0.01
        for i, a in enumerate(placed):
            for b in placed[i + 1 :]:
                assert livefragments._overlap(a, b) <= 0.1 * min(a[2] * a[3], b[2] * b[3]) + 0.01
    assert shown >= 0.9 * named  # nearly every name the map may carry is on it


def test_a_presenters_choices_show_in_each_phones_language(content, session):
    found = content.questions[0]
    question = classroom_question(
        content, session, found.id, found.ages[0], [{"en": "Yes", "fr": "Oui"}, {"en": "No", "fr": "Non"}]
    ).moved_to("open")
    given = answers(question, ["Yes", "Yes", "No"])
    assert "Oui" in results_html(content, question, given, "fr") and "Yes" in results_html(content, question, given, "nl")
    assert "2 <small>(67" in results_html(content, question, given, "fr")


def test_questions_read_in_the_participants_language(content, session):
    classroom = LiveQuestion("q", session.code, "classroom", content.questions[0].id, "14-18")
    assert question_text(content, classroom, "nl") == content.questions[0].text.get("nl")
    assert question_text(content, place_question(content, session), "fr") != question_text(
        content, place_question(content, session), "en"
    )


def test_the_kiosk_slide_of_votes_appears_only_with_votes(content):
    assert attract_votes_html(content, {}) == ""
    slide = attract_votes_html(content, {"moeraske": 3, "garage": 1})
    assert "4 votes" in slide
    css, markup = attract_html(content, "en", slide)
    plain_css, without = attract_html(content, "en")
    assert markup.count('<article class="hx-slide') == without.count('<article class="hx-slide') + 1
    assert "hx-slide-votes" in markup and css.count("nth-child") == plain_css.count("nth-child") + 1


def test_a_phone_shows_the_open_question_else_the_last_shown(session):
    def q(i, state):
        return LiveQuestion(f"q{i}", session.code, "word", state=state, position=i)

    assert current_question([]) is None
    assert current_question([q(0, "draft")]) is None
    assert current_question([q(0, "revealed"), q(1, "open"), q(2, "draft")]).id == "q1"
    assert current_question([q(0, "revealed"), q(1, "closed")]).id == "q1"  # never back to an older question
    assert current_question([q(0, "revealed"), q(1, "draft")]).id == "q0"
    assert current_question([q(0, "closed"), q(1, "closed")]).id == "q1"
