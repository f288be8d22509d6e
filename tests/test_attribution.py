"""Every map drawn from the OpenStreetMap geometry carries its credit, "© OpenStreetMap contributors" (never
translated; linked to the copyright page except in a kiosk): the folium map offline, online (the tiles' credit, and
the fallback's when tiles fail), in a kiosk, the walk page's map, the static copy's map, the phone's place vote,
the projector's and the kiosk's vote maps, the guest screen's place map, and the printed postcard.

The credit is written out here, not imported: a test reading the code's own constant would pass if it were emptied."""

from __future__ import annotations

import base64
import io
import json
import re
import time

import pytest
from PIL import Image

from explorer.export import export_site
from explorer.i18n import LANGUAGES
from explorer.joinpage import Shell, Situation, session_html
from explorer.live import LiveQuestion, new_session, place_question
from explorer.livefragments import attract_votes_html, place_map_html, results_html, votes_map_html
from explorer.mapparts import layer_script, map_parts
from explorer.mapview import build_map
from explorer.postcard import _font, postcard_layout, postcard_png
from explorer.settings import Settings
from explorer.theme import rgb
from explorer_app.mapcomponent import LAYER_KINDS, walk_choice

CREDIT = "© OpenStreetMap contributors"
LINKED = re.compile(r'© <a href="https://www\.openstreetmap\.org/copyright"[^>]*>OpenStreetMap</a> contributors')


def unescaped(text: str) -> str:
    """A map's script with folium's \\uXXXX escapes turned back into characters."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def attributions(script: str) -> list[str]:
    """The texts a map's script adds to its attribution (``addAttribution("...")``), and the tiles' and layers'
    ``"attribution"`` options, as HTML."""
    found = [json.loads(s) for s in re.findall(r'addAttribution\(("(?:[^"\\]|\\.)*")\)', script)]
    return found + [json.loads(s) for s in re.findall(r'"attribution": ("(?:[^"\\]|\\.)*")', script)]


def credited(texts: list[str], kiosk: bool) -> list[str]:
    """The texts that credit OpenStreetMap's contributors: linked to the copyright page, or (a kiosk) not linked."""
    if kiosk:
        return [text for text in texts if CREDIT in text and "<a " not in text]
    return [text for text in texts if LINKED.search(text)]


def svg_of(markup: str) -> str:
    found = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', markup)
    assert found, "no picture"
    return base64.b64decode(found[1]).decode("utf-8")


def credit_text_last(svg: str) -> bool:
    """Whether the picture's last element is the credit (drawn over everything), at least 16 units high."""
    found = re.search(r'<text [^>]*font-size="(\d+)"[^>]*>([^<]*)</text></svg>$', svg)
    return found is not None and found[2] == CREDIT and int(found[1]) >= 16


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_offline_map_credits_openstreetmap_in_its_attribution(content, kiosk):
    script = unescaped(map_parts(build_map(content, "fr", settings=Settings(tiles="offline", kiosk=kiosk))).script)
    texts = attributions(script)
    assert len(credited(texts, kiosk)) == 1, texts
    if kiosk:
        assert "<a " not in script and "openstreetmap.org/copyright" not in script  # no way out of a kiosk


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_tiled_map_credits_the_tiles_and_the_fallback_map(content, kiosk):
    script = unescaped(map_parts(build_map(content, "nl", settings=Settings(kiosk=kiosk))).script)
    tiles = re.search(r'L\.tileLayer\(.*?"attribution": ("(?:[^"\\]|\\.)*")', script, re.S)
    assert tiles and "OpenStreetMap" in json.loads(tiles[1])
    # the simplified map drawn when no tile loads brings its own credit with it
    fallback = re.search(r'map\.addLayer\(\w+\);.*?addAttribution\(("(?:[^"\\]|\\.)*")\)', script, re.S)
    assert fallback and credited([json.loads(fallback[1])], kiosk)


@pytest.mark.parametrize("kiosk", [False, True])
def test_the_walk_pages_map_credits_openstreetmap_offline_and_over_tiles(content, kiosk):
    route = content.walks[0]
    # offline, the walk lies on the explorer's map, whose attribution carries the credit
    offline = Settings(tiles="offline", kiosk=kiosk)
    assert credited(attributions(unescaped(map_parts(build_map(content, settings=offline)).script)), kiosk)
    assert "--context" not in walk_choice(route.id, False, offline)  # the offline map is the context
    # over tiles, the railways, canal and borders laid under the route carry it while they are on the map
    tiled = Settings(kiosk=kiosk)
    layer = LAYER_KINDS["walk"](content, walk_choice(route.id, False, tiled))
    assert layer is not None
    script, _ = layer_script(layer)
    assert "L.geoJson" in script and credited(attributions(unescaped(script)), kiosk)


def test_the_static_copys_map_credits_openstreetmap(content, tmp_path):
    export_site(content, tmp_path, "fr")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'src="map.html"' in index
    page = (tmp_path / "map.html").read_text(encoding="utf-8")
    script = unescaped(page.split("<script>", 1)[1] if "<script>" in page else page)
    assert "geoJson" in script and credited(attributions(script), kiosk=False)


def opened_place_question(content) -> LiveQuestion:
    question = place_question(content, new_session(time.time())[0])
    return LiveQuestion(
        question.id, "ABC234", question.kind, question.ref, question.age, question.choices, "open", question.position, question.labels
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phones_place_vote_map_has_the_credit_under_it(content, language):
    shell = Shell("/", "explorer-assets/join.abc.css", "join/join.js?v=abc", {"code": "ABC234"})
    page = session_html(content, shell, Situation("ABC234", opened_place_question(content)), language, events="/e", state="/s")
    tap = re.search(r'<form class="hx-tap".*?</form>(.*?)<form', page, re.S)
    assert tap and "<svg" in tap[0] and "<path" in tap[0]
    # right under the map, in the page's own text (not hidden, not a picture), in English whatever the page's language
    assert re.fullmatch(rf'<p class="[^"]*" lang="en"[^>]*>{CREDIT}</p>', tap[1]), tap[1]


def test_the_projectors_and_the_kiosks_vote_maps_carry_the_credit(content):
    question = opened_place_question(content)
    for language in LANGUAGES:
        assert credit_text_last(svg_of(votes_map_html(content, {"moeraske": 3, "garage": 1}, language)))
        assert credit_text_last(svg_of(results_html(content, question, [], language)))  # no vote yet: the map still
        assert credit_text_last(svg_of(attract_votes_html(content, {"moeraske": 2}, language)))
        assert credit_text_last(svg_of(place_map_html(content, "garage", language)))  # a guest's question about a place


def credit_box(line) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = _font(line.family, line.style, line.size).getbbox(line.text)
    return line.x + x0, line.y + y0, line.x + x1, line.y + y1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_postcard_prints_the_credit_on_its_map(content, language):
    place, quote = content.place("garage"), content.scene("micro-forest").quote
    layout = postcard_layout(content, place, quote, language)
    block = layout.block("map-credit")
    assert block is not None and [line.text for line in block.lines] == [CREDIT]
    box = credit_box(block.lines[0])
    left, top, right, bottom = layout.map_box
    assert left <= box[0] and box[2] <= right and top <= box[1] and box[3] <= bottom
    # drawn: a paper patch with dark text on it where the layout puts the credit
    card = Image.open(io.BytesIO(postcard_png(content, place, quote, language))).convert("RGB")
    pixels = list(card.crop(box).get_flattened_data())
    paper = sum(all(abs(a - b) <= 3 for a, b in zip(p, rgb("paper"), strict=True)) for p in pixels) / len(pixels)
    ink = sum(all(abs(a - b) <= 40 for a, b in zip(p, rgb("label"), strict=True)) for p in pixels) / len(pixels)
    assert paper > 0.4 and ink > 0.08, (paper, ink)
