"""The live sessions' HTML: the join block, bars, words, approved texts, the map of place votes, the kiosk's slide."""

from __future__ import annotations

import base64
import dataclasses
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
from explorer.model import BasemapFeature, Text
from explorer.theme import PALETTE
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
    assert f'stroke="{PALETTE["rail"]}"' in svg and f'fill="{PALETTE["water"]}"' in svg  # railways and water under them
    assert svg.removesuffix("</svg>").endswith(f"{livefragments.ATTRIBUTION}</text>")  # the map data's credit, over everything
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


# --- the simplified map under the places ------------------------------------------------------------------------


def path_points(d: str) -> list[list[tuple[int, int]]]:
    """The absolute points of each subpath of a path written as ``basemap_svg`` writes them (M x y l dx dy ... [z])."""
    shapes: list[list[tuple[int, int]]] = []
    for sub in re.findall(r"M[^M]+", d):
        head, _, rest = sub.rstrip("z").partition("l")
        x, y = (int(v) for v in head[1:].split())
        points = [(x, y)]
        numbers = [int(v) for v in re.findall(r"-?\d+", rest)]
        assert len(numbers) % 2 == 0
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        shapes.append(points)
    return shapes


def kinds_drawn(svg: str) -> dict[str, list[list[tuple[int, int]]]]:
    """Each kind's shapes in a basemap SVG, told by their style."""
    found = {}
    for d, style in re.findall(r'<path d="([^"]+)" ([^>]+?)/>', svg):
        kinds = [kind for kind, wanted in livefragments.svg_styles().items() if wanted == style.strip()]
        assert len(kinds) == 1, style
        found[kinds[0]] = path_points(d)
    return found


def test_the_basemap_draws_each_kind_of_the_new_map_in_the_folium_maps_palette(content):
    from explorer.basemap import STYLES

    xy = livefragments.map_point(content)
    drawn = kinds_drawn(livefragments.basemap_svg(content, xy))
    in_picture = {
        f.kind
        for f in content.basemap
        if f.kind in STYLES and any(0 <= x <= WIDTH and 0 <= y <= HEIGHT for x, y in (xy(*p) for p in f.points))
    }
    assert {"ring", "railway", "canal", "water", "border"} <= in_picture  # the picture of the film's places has them
    assert set(drawn) == in_picture
    styles = livefragments.svg_styles()
    assert list(styles) == list(STYLES)  # the same kinds as the folium map, bottom to top
    for kind, style in STYLES.items():
        svg_style = styles[kind]
        if style.get("fill"):
            assert f'fill="{style["fillColor"]}" fill-opacity="{style["fillOpacity"]}"' in svg_style, kind
        else:
            assert 'fill="none"' in svg_style, kind
        if style.get("stroke", True):
            assert f'stroke="{style["color"]}" stroke-width="{style["weight"]}"' in svg_style, kind
            assert ("stroke-dasharray" in svg_style) == ("dashArray" in style), kind
        else:
            assert "stroke=" not in svg_style, kind
    # the old kinds are gone, and the canal's course (only for the checks) is not drawn
    assert "<polyline" not in livefragments.basemap_svg(content, xy) and "canal-line" not in styles


def feature(fid: str, kind: str, points: list[tuple[float, float]]) -> BasemapFeature:
    return BasemapFeature(fid, kind, Text((("en", fid),)), tuple(points))


def test_the_basemap_is_simplified_for_its_picture(content):
    xy = livefragments.map_point(content)
    middle = content.places[0]
    lat, lon = middle.lat, middle.lon
    (x0, y0), (x1, y1) = xy(lat, lon), xy(lat + 0.001, lon + 0.001)
    unit_lat, unit_lon = 0.001 / abs(y1 - y0), 0.001 / abs(x1 - x0)  # degrees per picture unit
    far = feature("far", "water", [(lat + 1, lon + 1), (lat + 1.01, lon + 1), (lat + 1.01, lon + 1.01), (lat + 1, lon + 1)])
    tiny = feature("tiny", "water", [(lat, lon), (lat + unit_lat, lon), (lat + unit_lat, lon + unit_lon), (lat, lon)])
    # a railway of 201 points half a unit apart: about 100 units long, kept every 1.5 units or more
    dense = feature("dense", "railway", [(lat, lon + i * 0.5 * unit_lon) for i in range(201)])
    lake = feature(
        "lake",
        "water",
        [(lat, lon), (lat, lon + 40 * unit_lon), (lat - 30 * unit_lat, lon + 40 * unit_lon), (lat - 30 * unit_lat, lon), (lat, lon)],
    )
    changed = dataclasses.replace(content, basemap=(far, tiny, dense, lake))
    svg = livefragments.basemap_svg(changed, xy)
    drawn = kinds_drawn(svg)
    assert set(drawn) == {"railway", "water"}
    assert len(drawn["water"]) == 1  # the lake; the far one and the tiny one left out
    assert len(drawn["water"][0]) == 4  # a ring's closing point is its "z"
    (rail,) = drawn["railway"]
    assert 60 <= len(rail) <= 70  # one point every 1.5 units or a little more
    assert all(math.dist(a, b) >= 1 for a, b in zip(rail, rail[1:], strict=False))
    assert rail[0] == (round(x0), round(y0)) and rail[-1][0] == pytest.approx(x0 + 100, abs=1)  # the line keeps its ends
    assert not re.search(r"\d\.\d", svg.split('" ', 1)[0])  # whole units only
    # made once per content and projection, and never the map of another content
    assert livefragments.basemap_svg(changed, xy) == svg
    assert livefragments.basemap_svg(content, xy) != svg


def test_the_basemap_stays_small_on_a_phone(content):
    """The phone's first view must stay light: the basemap of the film's places is a few kilobytes."""
    svg = livefragments.basemap_svg(content, livefragments.map_point(content))
    assert 2_000 < len(svg.encode("utf-8")) < 12_000


def test_the_place_map_for_the_guest_carries_the_credit(content):
    svg = svg_of(livefragments.place_map_html(content, content.places[0].id))
    assert f"{livefragments.ATTRIBUTION}</text>" in svg and "<path" in svg
