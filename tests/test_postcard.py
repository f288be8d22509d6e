"""The postcard's small map (explorer/postcard.py): the OpenStreetMap geometry drawn in the folium map's palette, and
the map data's credit in a corner of the map, clear of the chosen place and its name, on the printed card."""

from __future__ import annotations

import dataclasses
import io

import pytest
from PIL import Image

from explorer.basemap import ATTRIBUTION
from explorer.i18n import LANGUAGES
from explorer.postcard import _font, postcard_layout, postcard_png
from explorer.theme import rgb


def quote_of(content):
    return content.scene("micro-forest").quote


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], by: int = 14) -> bool:
    return all(abs(a - b) <= by for a, b in zip(pixel[:3], colour, strict=True))


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def credit_box(line) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = _font(line.family, line.style, line.size).getbbox(line.text)
    return line.x + x0, line.y + y0, line.x + x1, line.y + y1


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_card_carries_the_credit_in_a_corner_of_its_map_clear_of_the_chosen_place(content, language):
    for place in content.places:
        layout = postcard_layout(content, place, quote_of(content), language)
        block = layout.block("map-credit")
        assert block is not None and block.box == layout.map_box
        (line,) = block.lines
        assert line.text == ATTRIBUTION  # never translated
        assert line.size >= 18 and line.colour == "label"  # small, still read on a printed card
        box = credit_box(line)
        left, top, right, bottom = layout.map_box
        assert left < box[0] and box[2] < right and top < box[1] and box[3] < bottom
        assert min(box[0] - left, right - box[2]) < 40 and min(box[1] - top, bottom - box[3]) < 40, "in a corner"
        x, y = layout.marker
        assert not overlap(box, (x - 28, y - 28, x + 28, y + 28)), place.id
        for label in layout.block("map-label").lines:
            assert not overlap(box, credit_box(label)), (place.id, label.text)


def test_the_printed_card_shows_the_credit_on_its_paper_patch(content):
    place = content.place("moeraske")
    layout = postcard_layout(content, place, quote_of(content))
    (line,) = layout.block("map-credit").lines
    card = Image.open(io.BytesIO(postcard_png(content, place, quote_of(content)))).convert("RGB")
    patch = card.crop(credit_box(line))
    pixels = list(patch.get_flattened_data())
    paper = sum(near(p, rgb("paper"), 3) for p in pixels) / len(pixels)
    ink = sum(near(p, rgb("label"), 40) for p in pixels) / len(pixels)
    assert paper > 0.4 and ink > 0.08, (paper, ink)  # the text's patch, and the text on it (not the map's ground)


def test_the_card_map_draws_the_openstreetmap_geometry_in_the_maps_palette(content):
    place = content.place("moeraske")
    layout = postcard_layout(content, place, quote_of(content))
    left, top, right, bottom = layout.map_box

    def drawn(of_content) -> list[tuple[int, ...]]:
        card = Image.open(io.BytesIO(postcard_png(of_content, place, quote_of(content)))).convert("RGB")
        return list(card.crop((left + 30, top + 30, right - 30, bottom - 30)).get_flattened_data())

    def counted(of_content) -> tuple[int, int]:
        pixels = drawn(of_content)
        return sum(near(p, rgb("water")) for p in pixels), sum(near(p, rgb("rail")) for p in pixels)

    water, rail = counted(content)
    # without the OpenStreetMap geometry (the ring and the places' dots only), far less of either colour
    bare = dataclasses.replace(content, basemap=tuple(f for f in content.basemap if f.kind in ("ring", "landmark")))
    bare_water, bare_rail = counted(bare)
    assert water > bare_water + 2_000 and rail > bare_rail + 2_000, (water, bare_water, rail, bare_rail)  # canal, water, railways
