"""A 4:3 postcard (the film's ratio): a place, a quotation and its attribution, a small labelled map drawn by the
app, and how we know where the place is, in plain words.

:func:`postcard_layout` decides where every line of text goes, each inside a box (fonts shrink until the text
fits); :func:`postcard_png` only draws that layout, so the tests can check the boxes without reading pixels.
:func:`postcard_quotes` gives the quotations a card may carry; in spoiler-safe mode (a ``view`` from
``explorer.spoilers.visibility``), none from a hidden scene or from a moss fact that tells one, and the builders
refuse such a quotation.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from explorer.basemap import ATTRIBUTION, STYLES
from explorer.fonts import font_path
from explorer.fragments import attribution, origin_note
from explorer.i18n import KIND_LABELS, N_, PROVENANCE_EXPLANATIONS, PROVENANCE_LABELS, label, t
from explorer.model import OSM_KINDS, Content, Place, Quote
from explorer.spoilers import Visibility
from explorer.theme import rgb
from explorer.typography import NBSP, NNBSP, typeset

WIDTH, HEIGHT = 1600, 1200  # 4:3
Box = tuple[int, int, int, int]  # left, top, right, bottom
Part = tuple[str, str, str, str, int, str, float, float]  # role, text, family, style, size, colour, leading, space after

KICKER_BOX: Box = (80, 66, 1520, 128)
NAME_BOX: Box = (80, 116, 1520, 326)
BODY_BOTTOM = 1010  # the quotation, the map and the caption sit between the name and the band
CAPTION_HEIGHT = 176  # under the map, which takes the rest of the column (at most MAP_HEIGHT)
MAP_HEIGHT = 560
PAD = 10  # text keeps this far inside its box
BAND_BOX: Box = (36, 1040, 1564, 1164)  # the moss-green band along the bottom
N_("Brussels")  # the city centre's label on the small map
CREDIT_SIZE = 20  # the map data's credit: small, still read on a printed card (about 7 points at 15 cm wide)
LINE_SCALE = 1.6  # the card's pixels per pixel of the folium map's line widths (a card is printed: a little bolder)
STEP = 1.5  # card pixels: a map point this close to the one kept before it is left out


@dataclass(frozen=True)
class Line:
    """One line of text: where its top-left corner goes, and how it is set."""

    x: int
    y: int
    text: str
    family: str
    style: str
    size: int
    colour: str  # a theme colour name


@dataclass(frozen=True)
class Block:
    """Lines of text that must stay inside ``box``."""

    role: str  # kicker, name, quote, translation, attribution, caption, band, map-label, map-credit
    box: Box
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class CardLayout:
    blocks: tuple[Block, ...]
    quote_box: Box
    map_box: Box
    caption_box: Box
    marker: tuple[int, int]  # the chosen place on the card
    points: dict  # place id -> (x, y) on the card

    def block(self, role: str) -> Block | None:
        return next((b for b in self.blocks if b.role == role), None)


@cache
def _font(family: str, style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, style)), size)


def _width(text: str, family: str, style: str, size: int) -> float:
    return _font(family, style, size).getlength(text)


def _wrap(text: str, family: str, style: str, size: int, width: int) -> list[str]:
    """Lines no wider than ``width``, broken at ordinary spaces only (never at a no-break space)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if not line or _width(candidate, family, style, size) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return [line for line in lines if line]


def _fits(text: str, family: str, style: str, size: int, width: int) -> bool:
    return all(_width(word, family, style, size) <= width for word in text.split(" "))


def _inked(blocks: list[Block]) -> bool:
    """Whether every glyph of every line (an italic's overhang too) lies inside its block's box."""
    for block in blocks:
        for line in block.lines:
            x0, y0, x1, y1 = _font(line.family, line.style, line.size).getbbox(line.text)
            left, top, right, bottom = block.box
            if not (left <= line.x + x0 and top <= line.y + y0 and line.x + x1 <= right and line.y + y1 <= bottom):
                return False
    return True


def _set(text: str, family: str, language: str) -> str:
    """French spacing; the serif fonts have no narrow no-break space, so they get the plain one."""
    return typeset(text, language, NNBSP if family == "sans" else NBSP)


def _stack(parts: list[Part], box: Box) -> tuple[list[Block], int]:
    """Set ``parts`` (role, text, family, style, size, colour, leading, space after) one under the other in ``box``,
    :data:`PAD` inside its edges (an italic's overhang stays in); returns the blocks and where the text ends."""
    left, top, right = box[0] + PAD, box[1] + PAD, box[2] - PAD
    y, blocks = top, []
    for role, text, family, style, size, colour, leading, after in parts:
        lines = []
        for line in _wrap(text, family, style, size, right - left):
            lines.append(Line(left, y, line, family, style, size, colour))
            y += round(size * leading)
        blocks.append(Block(role, box, tuple(lines)))
        y += round(after)
    return blocks, y


def postcard_quotes(content: Content, view: Visibility) -> list[Quote]:
    """The quotations a postcard offers, in this order: the scenes' (those ``view`` shows, in story order), the moss
    facts' (those it shows), then the critics'."""
    quotes = [s.quote for s in view.scenes() if s.quote is not None]
    quotes += [f.quote for f in view.facts() if f.quote is not None]
    return quotes + list(content.film.press)


def hidden_quotes(content: Content, view: Visibility) -> list[Quote]:
    """The quotations ``view`` hides: those of hidden scenes and of moss facts that tell one."""
    return [s.quote for s in content.scenes if s.quote is not None and not view.scene(s)] + [
        f.quote for f in content.facts if f.quote is not None and not view.fact(f)
    ]


def postcard_layout(content: Content, place: Place, quote: Quote, language: str = "en", view: Visibility | None = None) -> CardLayout:
    """Where everything on the card goes; every text is wrapped and shrunk until it fits its box. With a ``view``
    (spoiler-safe mode), a quotation it hides is refused (ValueError)."""
    if view is not None and quote in hidden_quotes(content, view):
        raise ValueError("spoiler-safe mode hides this quotation: it tells a scene after the first encounter")
    blocks: list[Block] = []
    kicker = label(KIND_LABELS, place.kind, language) + (f" · {place.commune}" if place.commune else "")
    blocks += _stack([("kicker", kicker.upper(), "sans", "B", 28, "moss", 1.2, 0)], KICKER_BOX)[0]

    name = _set(place.name.get(language), "serif", language)
    height = NAME_BOX[3] - NAME_BOX[1]
    for size in range(100, 39, -4):
        parts: list[Part] = [("name", name, "serif", "B", size, "moss_dark", 1.08, 0)]
        named, bottom = _stack(parts, NAME_BOX)
        if bottom - NAME_BOX[1] <= height - PAD and _inked(named):
            break
    blocks += named
    # the body starts under the name: the quotation on the left, the map and the caption on the right
    top = named[0].lines[-1].y + round(named[0].lines[-1].size * 1.08) + 40
    map_bottom = min(top + PAD + MAP_HEIGHT, BODY_BOTTOM + PAD - CAPTION_HEIGHT - 12)
    quote_box, map_box = (80, top, 910, BODY_BOTTOM + PAD), (960, top + PAD, 1510, map_bottom)
    caption_box = (950, map_box[3] + 12, 1520, BODY_BOTTOM + PAD)

    # the quotation, our translation (marked) and the attribution, at the largest size that fits
    text_box = (quote_box[0] + 34, quote_box[1], quote_box[2], quote_box[3])  # a green rule runs down the left
    translation = quote.translation(language)
    note = origin_note(quote, content, language)  # film dialogue rendered by someone, or second-hand words
    credit = _set("— " + attribution(quote, content, language) + (f" ({note})" if note else ""), "sans", language)
    for size in range(76, 17, -2):
        small = max(18, min(34, round(size * 0.55)))
        parts = [("quote", f"“{quote.text}”", "serif", "I", size, "ink", 1.28, size * 0.6)]
        if translation:
            marked = _set(f"{translation} ({t('our translation', language)})", "serif", language)
            parts.append(("translation", marked, "serif", "", small, "concrete", 1.3, small * 0.8))
        parts.append(("attribution", credit, "sans", "", small, "concrete", 1.3, 0))
        quoted, bottom = _stack(parts, text_box)
        if bottom <= text_box[3] - PAD and _inked(quoted):
            break
    shift = max(0, (text_box[3] - PAD - bottom) // 3)  # a short quotation sits a little lower, not at the very top
    blocks += [
        Block(b.role, b.box, tuple(Line(ln.x, ln.y + shift, ln.text, ln.family, ln.style, ln.size, ln.colour) for ln in b.lines))
        for b in quoted
    ]

    # how we know where the place is, in the words the pages use
    how = label(PROVENANCE_LABELS, place.provenance, language)
    why = _set(t(PROVENANCE_EXPLANATIONS[place.provenance], language), "sans", language)
    for size in range(28, 15, -1):
        parts = [
            ("caption-head", t("How we know where it is", language).upper(), "sans", "B", round(size * 0.8), "concrete", 1.3, 4),
            ("caption", _set(how, "sans", language), "sans", "B", size, "moss_dark", 1.25, 2),
            ("caption", why, "sans", "", size, "ink", 1.25, 0),
        ]
        captioned, bottom = _stack(parts, caption_box)
        if bottom <= caption_box[3] - PAD and _inked(captioned):
            break
    blocks += captioned

    band_y = BAND_BOX[1] + 44
    film_line = t("Here · Bas Devos · 2023", language).upper()
    explorer_line = t("A moss-and-city explorer", language)
    blocks.append(
        Block(
            "band",
            BAND_BOX,
            (
                Line(BAND_BOX[0] + 54, band_y, film_line, "sans", "B", 30, "paper"),
                Line(
                    BAND_BOX[2] - 54 - round(_width(explorer_line, "sans", "", 30)),
                    band_y,
                    explorer_line,
                    "sans",
                    "",
                    30,
                    "moss_light",
                ),
            ),
        )
    )

    points, labels = _map_layout(content, place, language, map_box)
    blocks.append(Block("map-label", map_box, labels))
    blocks.append(Block("map-credit", map_box, (_credit_line(map_box, labels, points, place),)))
    return CardLayout(tuple(blocks), quote_box, map_box, caption_box, points[place.id], points)


def _map_layout(content: Content, chosen: Place, language: str, box: Box) -> tuple[dict, tuple[Line, ...]]:
    """The places' positions on the card and the map's labels: the chosen place by its marker, and Brussels."""
    points = _projection(content, box)
    left, top, right, bottom = box
    x, y = points[chosen.id]
    name = _set(chosen.name.get(language), "sans", language)
    size, room = 28, 300
    while size > 18 and not _fits(name, "sans", "B", size, room):
        size -= 2
    words = _wrap(name, "sans", "B", size, room)
    text_width = max(round(_width(w, "sans", "B", size)) for w in words)
    step = round(size * 1.2)
    tall = step * len(words)
    if x + 34 + text_width <= right - 16:  # beside the marker, right or left, else under (or over) it
        x0, y0 = x + 34, y - tall // 2
    elif x - 34 - text_width >= left + 16:
        x0, y0 = x - 34 - text_width, y - tall // 2
    else:
        x0 = x - text_width // 2
        y0 = y + 36 if y + 36 + tall <= bottom - 16 else y - 36 - tall
    x0 = min(max(x0, left + 16), right - 16 - text_width)
    y0 = min(max(y0, top + 16), bottom - 16 - tall)
    labels = [Line(x0, y0 + i * step, w, "sans", "B", size, "moss_dark") for i, w in enumerate(words)]

    ring = next((f for f in content.basemap if f.kind == "ring"), None)
    if ring is not None:
        cx = sum(p[1] for p in ring.points) / len(ring.points)
        cy = sum(p[0] for p in ring.points) / len(ring.points)
        bx, by = _to_card(points["__projection__"], cy, cx)
        city = t("Brussels", language)
        w = round(_width(city, "sans", "I", 24))
        city_box = (bx - w // 2, by - 14, bx + w // 2, by + 14)
        chosen_box = (x0 - 8, y0 - 8, x0 + text_width + 8, y0 + tall + 8)
        overlaps = not (
            city_box[2] < chosen_box[0] or city_box[0] > chosen_box[2] or city_box[3] < chosen_box[1] or city_box[1] > chosen_box[3]
        )
        inside = left + 16 <= city_box[0] and city_box[2] <= right - 16 and top + 16 <= city_box[1] and city_box[3] <= bottom - 16
        near = abs(bx - x) < 40 and abs(by - y) < 40
        if inside and not overlaps and not near:
            labels.append(Line(city_box[0], city_box[1], city, "sans", "I", 24, "label"))
    labels.append(Line(right - 47, bottom - 106, "N", "sans", "B", 24, "ink"))  # over the north arrow
    return points, tuple(labels)


def _credit_line(box: Box, labels: tuple[Line, ...], points: dict, chosen: Place) -> Line:
    """The map data's credit ("© OpenStreetMap contributors", never translated) in a corner of the map: the lower
    left unless the chosen place or a label is there, then the upper left or right (the north arrow keeps the lower
    right); among those free, the one over the fewest places."""
    left, top, right, bottom = box
    x0, y0, x1, y1 = (round(v) for v in _font("sans", "", CREDIT_SIZE).getbbox(ATTRIBUTION))
    margin = 18
    corners = [(left + margin, bottom - margin - y1), (left + margin, top + margin), (right - margin - x1, top + margin)]
    cx, cy = points[chosen.id]
    taken: list[tuple[float, float, float, float]] = [(cx - 36, cy - 36, cx + 36, cy + 36)]
    for line in labels:
        lx0, ly0, lx1, ly1 = _font(line.family, line.style, line.size).getbbox(line.text)
        taken.append((line.x + lx0 - 10, line.y + ly0 - 10, line.x + lx1 + 10, line.y + ly1 + 10))
    places = [(x - 12, y - 12, x + 12, y + 12) for x, y in (point for key, point in points.items() if key != "__projection__")]

    def crossed(corner: tuple[int, int], boxes: list[tuple[float, float, float, float]]) -> int:
        x, y = corner
        ax0, ay0, ax1, ay1 = x + x0 - 6, y + y0 - 4, x + x1 + 6, y + y1 + 5  # with its paper patch
        return sum(1 for bx0, by0, bx1, by1 in boxes if ax0 < bx1 and bx0 < ax1 and ay0 < by1 and by0 < ay1)

    x, y = min(corners, key=lambda c: (crossed(c, taken), crossed(c, places), corners.index(c)))
    return Line(x, y, ATTRIBUTION, "sans", "", CREDIT_SIZE, "label")


def _projection(content: Content, box: Box) -> dict:
    """Card positions of every place (and the projection, under ``__projection__``): the places and the city centre
    fill the map box, east to the right, north up, with the true east-west scale at Brussels' latitude."""
    ring = [p for f in content.basemap if f.kind == "ring" for p in f.points]
    lats = [p.lat for p in content.places] + [p[0] for p in ring]
    lons = [p.lon for p in content.places] + [p[1] for p in ring]
    shrink = math.cos(math.radians(sum(lats) / len(lats)))
    left, top, right, bottom = box
    pad = 56
    span_x = (max(lons) - min(lons)) * shrink or 1e-6
    span_y = (max(lats) - min(lats)) or 1e-6
    scale = min((right - left - 2 * pad) / span_x, (bottom - top - 2 * pad) / span_y)
    centre = ((max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2)
    projection = ((left + right) / 2, (top + bottom) / 2, centre, scale, shrink)
    points: dict = {p.id: _to_card(projection, p.lat, p.lon) for p in content.places}
    points["__projection__"] = projection
    return points


def _to_card(projection: tuple, lat: float, lon: float) -> tuple[int, int]:
    mid_x, mid_y, (lat0, lon0), scale, shrink = projection
    return round(mid_x + (lon - lon0) * shrink * scale), round(mid_y - (lat - lat0) * scale)


def postcard_png(content: Content, place: Place, quote: Quote, language: str = "en", view: Visibility | None = None) -> bytes:
    """The card as PNG bytes, 1600 x 1200 pixels (a quotation ``view`` hides is refused, see :func:`postcard_layout`)."""
    layout = postcard_layout(content, place, quote, language, view)
    image = Image.new("RGB", (WIDTH, HEIGHT), rgb("paper"))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=rgb("moss_light"), width=6)
    draw.rectangle(BAND_BOX, fill=rgb("moss_dark"))
    quote_lines = [
        line for role in ("quote", "translation", "attribution") for b in layout.blocks if b.role == role for line in b.lines
    ]
    if quote_lines:  # the green rule beside the quotation, as long as it is
        last = quote_lines[-1]
        box = layout.quote_box
        draw.rectangle((box[0] + PAD, quote_lines[0].y + 6, box[0] + PAD + 8, last.y + last.size * 1.2), fill=rgb("moss"))
    _draw_map(image, content, place, layout)
    draw = ImageDraw.Draw(image)
    for block in layout.blocks:
        if block.role in ("map-label", "map-credit"):
            _draw_map_labels(draw, layout, block)
            continue
        for line in block.lines:
            draw.text((line.x, line.y), line.text, font=_font(line.family, line.style, line.size), fill=rgb(line.colour))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _draw_map(image: Image.Image, content: Content, chosen: Place, layout: CardLayout) -> None:
    """The explorer's map of Brussels (the inner ring, wetland, rail yards, water and the canal, streams, borders,
    railways: the folium map's kinds and palette, ``explorer.basemap.STYLES``), the places; the chosen one stands
    out. The credit is a label (``map-credit``), drawn over it."""
    left, top, right, bottom = layout.map_box
    width, height = right - left, bottom - top
    tile = Image.new("RGBA", (width, height), (*rgb("concrete_light"), 255))
    projection = layout.points["__projection__"]

    def xy(lat: float, lon: float) -> tuple[float, float]:
        mid_x, mid_y, (lat0, lon0), scale, shrink = projection
        return mid_x + (lon - lon0) * shrink * scale - left, mid_y - (lat - lat0) * scale - top

    for kind, style in STYLES.items():
        layer = Image.new("RGBA", (width, height), (0, 0, 0, 0))  # a kind's shapes at one opacity, overlaps as one
        draw = ImageDraw.Draw(layer)
        drawn = False
        for feature in content.basemap:
            if feature.kind != kind or len(feature.points) < 2:
                continue
            area = OSM_KINDS.get(kind, "area") == "area"  # the ring of basemap.toml is an area too
            points = _card_points([xy(*p) for p in feature.points], width, height)
            if len(points) < (3 if area else 2):
                continue
            drawn = True
            if area and style.get("fill"):
                draw.polygon(points, fill=_paint(style["fillColor"], style.get("fillOpacity", 0.2)))
            if style.get("stroke", True):
                line = points + points[:1] if area else points
                paint = _paint(style["color"], style.get("opacity", 1.0))
                weight = max(1, round(style.get("weight", 3) * LINE_SCALE))
                if "dashArray" in style:
                    dash = [float(v) * LINE_SCALE for v in str(style["dashArray"]).split()]
                    _dashed(draw, line, paint, weight, dash)
                else:
                    draw.line(line, fill=paint, width=weight, joint="curve")
        if drawn:
            tile = Image.alpha_composite(tile, layer)
    draw = ImageDraw.Draw(tile)
    for place in content.places:
        x, y = xy(place.lat, place.lon)
        colour = rgb("moss" if place.kind == "green" else "concrete")
        draw.ellipse((x - 10, y - 10, x + 10, y + 10), fill=colour, outline="white", width=3)
    x, y = xy(chosen.lat, chosen.lon)
    draw.ellipse((x - 16, y - 16, x + 16, y + 16), fill=rgb("moss_dark"), outline="white", width=4)
    draw.ellipse((x - 28, y - 28, x + 28, y + 28), outline=rgb("moss_dark"), width=5)
    # north arrow, bottom right, where the places' north-east to south-west spread leaves room
    nx, ny = width - 40, height - 72
    draw.polygon([(nx, ny), (nx - 12, ny + 34), (nx, ny + 26), (nx + 12, ny + 34)], fill=rgb("ink"))
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), radius=24, fill=255)
    image.paste(tile.convert("RGB"), (left, top), mask)
    ImageDraw.Draw(image).rounded_rectangle(layout.map_box, radius=24, outline=rgb("moss_light"), width=4)


def _paint(colour: str, opacity: float) -> tuple[int, int, int, int]:
    """A "#rrggbb" colour at an opacity, for Pillow."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16), round(255 * opacity)


def _card_points(points: list[tuple[float, float]], width: int, height: int) -> list[tuple[float, float]]:
    """A shape's points on the map's tile, each at least ``STEP`` from the one kept before it; none when the shape
    lies wholly outside the tile."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    if max(xs) < 0 or min(xs) > width or max(ys) < 0 or min(ys) > height:
        return []
    kept = [points[0]]
    for x, y in points[1:-1]:
        if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= STEP:
            kept.append((x, y))
    return kept + points[-1:]


def _draw_map_labels(draw: ImageDraw.ImageDraw, layout: CardLayout, block: Block) -> None:
    """Each label on a soft paper patch, so it reads over lines and markers."""
    for line in block.lines:
        font = _font(line.family, line.style, line.size)
        if line.text != "N":
            x0, y0, x1, y1 = draw.textbbox((line.x, line.y), line.text, font=font)
            draw.rounded_rectangle((x0 - 6, y0 - 4, x1 + 6, y1 + 5), radius=6, fill=rgb("paper"))
    for line in block.lines:
        draw.text((line.x, line.y), line.text, font=_font(line.family, line.style, line.size), fill=rgb(line.colour))


def _dashed(
    draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], colour: tuple[int, ...], width: int, pattern: list[float]
) -> None:
    """A line in dashes (``pattern``: on, off, ...), the pattern running on across the line's bends; a dash no longer
    than the line is wide is a dot (Leaflet's round ends)."""
    steps = pattern if len(pattern) % 2 == 0 else pattern * 2
    index, left, on = 0, steps[0], True
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        length = math.hypot(x2 - x1, y2 - y1)
        done = 0.0
        while done < length:
            run = min(left, length - done)
            if on:
                a, b = done / length, (done + run) / length
                start, end = (x1 + (x2 - x1) * a, y1 + (y2 - y1) * a), (x1 + (x2 - x1) * b, y1 + (y2 - y1) * b)
                if steps[index] <= width:
                    r = width / 2
                    draw.ellipse((start[0] - r, start[1] - r, start[0] + r, start[1] + r), fill=colour)
                else:
                    draw.line((start, end), fill=colour, width=width)
            done += run
            left -= run
            if left <= 1e-9:
                index = (index + 1) % len(steps)
                left, on = steps[index], not on
