"""HTML fragments escape content; selection from the URL; scene filters; map clicks resolved by id."""

from __future__ import annotations

import re

import pytest

from conftest import HOSTILE
from explorer import load_content
from explorer.fragments import (
    attribution,
    esc,
    fact_html,
    legend_html,
    md,
    place_header_html,
    provenance_html,
    quote_html,
    scene_html,
)
from explorer.selection import clicked_place_id, filter_scenes, resolve_selection


def test_esc_neutralises_markup_and_template_syntax():
    out = esc(HOSTILE)
    for raw in ("<", ">", "`", "${", "\\", "{{"):
        assert raw not in out
    assert "&lt;script&gt;" in out


def test_md_shows_markdown_and_html_literally():
    assert md("**bold** <b>x</b> :red[y] $x$") == r"\*\*bold\*\* \<b\>x\<\/b\> \:red\[y\] \$x\$".replace("\\/", "/")


def test_every_fragment_escapes_hostile_content(hostile_data):
    hostile = load_content(hostile_data)
    place = hostile.place("moeraske")
    fragments = [
        place_header_html(place),
        provenance_html(place, hostile),
        scene_html(hostile.scene("micro-forest"), hostile),
        fact_html(hostile.fact("invisible-green-world"), hostile),
    ]
    for fragment in fragments:
        assert "<script>" not in fragment and "<b>bold" not in fragment
    assert "&lt;script&gt;alert" in fragments[0] and "&lt;script&gt;alert" in fragments[2]
    assert "&lt;script&gt;alert" in fragments[3]


def test_quote_is_set_apart_and_attributed(content):
    scene = content.scene("micro-forest")
    html = quote_html(scene.quote, content)
    assert "<blockquote>What you are holding in your hand is a micro-forest</blockquote>" in html
    assert "— Shuxiu · Festival programme note, October 2024" in html
    fact = content.fact("resilient-like-cliffs")
    assert attribution(fact.quote, content) == "Bas Devos · Interview with Bas Devos, 73rd Berlinale, 2023"


def test_press_quote_is_attributed_to_the_critic(content):
    assert attribution(content.film.press[0], content) == "Sheri Linden · Review of Here, The Hollywood Reporter"


def test_provenance_says_how_we_know(content):
    documented = provenance_html(content.place("moeraske"), content)
    assert "Documented location" in documented and "Knack Focus" in documented
    commune = provenance_html(content.place("apartment"), content)
    assert "Commune known" in commune and "Jette" in commune and "New York Times" in commune
    illustrative = provenance_html(content.place("hotel"), content)
    assert "Illustration" in illustrative and "Why here" in illustrative


def test_legend_pairs_each_symbol_with_its_meaning():
    legend = legend_html()
    rows = re.findall(r'<li><span class="hx-sym ([^"]+)"[^>]*><i></i></span><span>([^<]+)</span></li>', legend)
    assert rows == [
        ("hx-sym-green hx-sym-documented", "Green place: nature, woods, moss"),
        ("hx-sym-city hx-sym-documented", "City place: streets and buildings"),
        ("hx-sym-green hx-sym-documented", "Dark ring: documented in a named source"),
        ("hx-sym-city hx-sym-commune", "Dashed ring: only the commune is known"),
        ("hx-sym-city hx-sym-illustrative", "Hollow: an illustration we placed ourselves"),
    ]


def test_conflicting_place_and_scene_follow_the_scene(content):
    chosen = resolve_selection(content, "atlantis", "hospital-forest")
    assert chosen.place.id == "hospital" and chosen.unknown_place == ""


def test_resolve_selection(content):
    assert resolve_selection(content, "moeraske").place.id == "moeraske"
    chosen = resolve_selection(content, None, "hospital-forest")
    assert chosen.scene.id == "hospital-forest" and chosen.place.id == "hospital"
    assert resolve_selection(content, None, None) == resolve_selection(content, "", "")


@pytest.mark.parametrize("bad", ["atlantis", "<script>", "x" * 500, "MOERASKE"])
def test_unknown_place_is_reported_not_selected(content, bad):
    chosen = resolve_selection(content, bad)
    assert chosen.place is None and chosen.unknown_place
    assert len(chosen.unknown_place) <= 40


def test_filter_scenes(content):
    moss = filter_scenes(content.scenes, themes=["moss"])
    assert moss and all("moss" in s.themes for s in moss)
    night_with_sister = filter_scenes(content.scenes, times=["night"], characters=["sister"])
    assert [s.id for s in night_with_sister] == ["hospital-forest"]
    assert filter_scenes(content.scenes) == content.scenes
    assert filter_scenes(content.scenes, themes=["soup"], times=["night"], characters=["mechanic"]) == ()


def test_clicked_place_id_accepts_only_a_real_place_id(content):
    assert clicked_place_id("garage", content) == "garage"
    for bad in (None, "", "nope", {"id": "garage"}, ["garage"], 50.8814, "garbage"):
        assert clicked_place_id(bad, content) is None
