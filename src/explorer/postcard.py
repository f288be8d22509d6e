"""A 4:3 postcard (the film's ratio): a place, a quotation and its attribution, and a small map drawn by the app."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

from explorer.fonts import font_path
from explorer.fragments import attribution
from explorer.i18n import PROVENANCE_LABELS, label, t
from explorer.model import Content, Place, Quote
from explorer.theme import PALETTE, rgb

WIDTH, HEIGHT = 1600, 1200  # 4:3



def _font(family: str, style: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, style)), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=font) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def postcard_png(content: Content, place: Place, quote: Quote, language: str = "en") -> bytes:
    """The card as PNG bytes, 1600 x 1200 pixels."""
    paper, ink, moss, moss_dark = (rgb(k) for k in ("paper", "ink", "moss", "moss_dark"))
    image = Image.new("RGB", (WIDTH, HEIGHT), paper)
    draw = ImageDraw.Draw(image)
    margin = 90
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=rgb("moss_light"), width=6)

    # the small map, on the right
    map_box = (WIDTH - 90 - 520, 150, WIDTH - 90, 150 + 520)
    _small_map(image, content, place, map_box)
    draw.text((map_box[0], map_box[3] + 24), t("Location: {how}", language, how=label(PROVENANCE_LABELS, place.provenance, language)),
              font=_font("sans", "", 26), fill=rgb("concrete"))

    text_width = map_box[0] - margin - 70
    draw.text((margin, 110), t("Here · Bas Devos · 2023", language).upper(), font=_font("sans", "B", 26),
              fill=rgb("concrete"))
    title_font = _font("serif", "B", 64)
    y = 170
    for line in _wrap(draw, place.name.get(language), title_font, text_width):
        draw.text((margin, y), line, font=title_font, fill=moss_dark)
        y += 76
    y += 40
    draw.line((margin, y, margin + 90, y), fill=moss, width=6)
    y += 50
    for size in (54, 46, 40, 34, 30):
        quote_font = _font("serif", "I", size)
        lines = _wrap(draw, f"“{quote.text}”", quote_font, text_width)
        if y + len(lines) * size * 1.3 < HEIGHT - 260:
            break
    for line in lines:
        draw.text((margin, y), line, font=quote_font, fill=ink)
        y += int(size * 1.3)
    y += 30
    translation = quote.translation(language)
    if translation:
        note_font = _font("serif", "", 26)
        for line in _wrap(draw, f"{translation} ({t('our translation', language)})", note_font, text_width):
            draw.text((margin, y), line, font=note_font, fill=rgb("concrete"))
            y += 34
        y += 10
    credit_font = _font("sans", "", 28)
    for line in _wrap(draw, "— " + attribution(quote, content), credit_font, text_width):
        draw.text((margin, y), line, font=credit_font, fill=rgb("concrete"))
        y += 38
    draw.text((margin, HEIGHT - 120), t("A moss-and-city explorer", language), font=_font("sans", "", 26),
              fill=rgb("concrete"))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _small_map(image: Image.Image, content: Content, chosen: Place, box: tuple[int, int, int, int]) -> None:
    """The places with the canal and the railway, drawn on a tile pasted into ``box``; the chosen place stands out."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    tile = Image.new("RGB", (width, height), rgb("concrete_light"))
    draw = ImageDraw.Draw(tile)
    lats = [p.lat for p in content.places]
    lons = [p.lon for p in content.places]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    pad = 60

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (pad + (lon - west) / ((east - west) or 1) * (width - 2 * pad),
                height - pad - (lat - south) / ((north - south) or 1) * (height - 2 * pad))

    for feature in content.basemap:
        if feature.kind in ("canal", "railway"):
            colour = PALETTE["water"] if feature.kind == "canal" else PALETTE["label"]
            draw.line([xy(*p) for p in feature.points], fill=colour, width=10 if feature.kind == "canal" else 4)
    for place in content.places:
        x, y = xy(place.lat, place.lon)
        colour = rgb("moss" if place.kind == "green" else "concrete")
        draw.ellipse((x - 11, y - 11, x + 11, y + 11), fill=colour, outline="white", width=3)
    x, y = xy(chosen.lat, chosen.lon)
    draw.ellipse((x - 30, y - 30, x + 30, y + 30), outline=rgb("moss_dark"), width=7)
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, width - 1, height - 1), radius=24, fill=255)
    image.paste(tile, (left, top), mask)
    ImageDraw.Draw(image).rounded_rectangle(box, radius=24, outline=rgb("moss_light"), width=4)
