"""The printed things: the student handout (fields, room to write, no block split across pages, balanced pages, in
three languages) and the postcard (a layout that fills the 4:3 card, text inside its boxes, a labelled map)."""

from __future__ import annotations

import io
from functools import cache

import pytest
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader

from explorer.handout import WRITING, handout_layout, handout_pdf
from explorer.i18n import LANGUAGES, PROVENANCE_EXPLANATIONS, PROVENANCE_LABELS, label, t
from explorer.model import AGE_BANDS
from explorer.postcard import HEIGHT, WIDTH, _font, postcard_layout, postcard_png
from explorer.theme import rgb


def compact(text: str) -> str:
    """Text without any whitespace: the PDF may set a no-break space where the source had none, or a line break."""
    return "".join(text.split())


@cache
def handout(content, age: str, language: str):
    scenes = content.scenes  # every scene: the longest handout there is
    data = handout_pdf(content, age, scenes, language, glossary=True)
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages], handout_layout(
        content, age, scenes, language, glossary=True
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("age", AGE_BANDS)
def test_handout_has_fields_and_every_question_of_the_band_on_one_page(content, age, language):
    pages, _ = handout(content, age, language)
    for field in ("Name", "Class", "Date"):
        assert t(field, language) in pages[0]
    compact_pages = [compact(page) for page in pages]
    for scene in content.scenes:
        for question in content.questions_for(scene.id, age):
            on = [i for i, page in enumerate(compact_pages) if compact(question.text.get(language)) in page]
            assert len(on) == 1, (question.id, on)
    for term in content.terms:
        on = [i for i, page in enumerate(compact_pages) if compact(term.explanation.get(language)) in page]
        assert len(on) == 1, (term.id, on)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("age", AGE_BANDS)
def test_handout_blocks_are_whole_and_pages_balanced(content, age, language):
    pages, (placed, top, bottom) = handout(content, age, language)
    assert [p for p in placed if p.page != p.last_page] == []
    questions = [p for p in placed if p.kind == "question"]
    assert len(questions) == sum(len(content.questions_for(s.id, age)) for s in content.scenes)
    assert len([p for p in placed if p.kind == "term"]) == len(content.terms)
    lines, spacing = WRITING[age]
    assert all(p.bottom - p.top >= lines * spacing for p in questions), "room to write under every question"
    assert max(p.last_page for p in placed) == len(pages)
    filled = {}
    for p in placed:
        filled[p.last_page] = max(filled.get(p.last_page, top), p.bottom)
    for page in range(1, len(pages)):  # the last page may be short
        assert (filled.get(page, top) - top) / (bottom - top) >= 0.4, f"page {page} is mostly empty"


def test_younger_pupils_get_wider_lines_and_everyone_five_or_more():
    assert WRITING["10-13"][1] > WRITING["14-18"][1] == WRITING["adults"][1]
    assert all(count >= 5 for count, _ in WRITING.values())


def test_a_short_handout_ends_with_ruled_notes_that_fill_its_last_page(content):
    placed, _, bottom = handout_layout(content, "14-18", [content.scenes[0]], "fr")
    assert placed[-1].kind == "notes" and placed[-1].page == placed[-2].last_page
    assert placed[-1].bottom >= bottom - WRITING["14-18"][1] - 3


def test_french_handout_never_starts_a_line_with_high_punctuation_or_ends_one_with_an_opening_guillemet(content):
    for age in AGE_BANDS:
        pages, _ = handout(content, age, "fr")
        lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
        assert not [line for line in lines if line[0] in "»:;!?" or line.endswith("«")]
        assert any("?" in line for line in lines)  # the rule was tested on real questions


def every_quotation(content):
    quotes = [s.quote for s in content.scenes if s.quote] + [f.quote for f in content.facts if f.quote]
    quotes += list(content.film.press) + [term.quote for term in content.terms if term.quote is not None]
    return quotes


def longest(content):
    return max(every_quotation(content), key=lambda q: len(q.text) + max((len(x) for _, x in q.translations), default=0))


def inside(inner, outer) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_postcard_text_stays_in_its_boxes_for_every_place_and_quotation(content, language):
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for place in content.places:
        for quote in every_quotation(content):
            layout = postcard_layout(content, place, quote, language)
            for block in layout.blocks:
                assert inside(block.box, (0, 0, WIDTH, HEIGHT))
                for line in block.lines:
                    box = draw.textbbox((line.x, line.y), line.text, font=_font(line.family, line.style, line.size))
                    assert inside(box, block.box), (place.id, block.role, line.text)
            quoted = " ".join(line.text for line in layout.block("quote").lines)
            assert compact(quoted) == compact(f"“{quote.text}”"), "the whole quotation, nothing cut"
            if quote.translation(language):
                assert t("our translation", language) in " ".join(line.text for line in layout.block("translation").lines)
            assert not inside(layout.quote_box, layout.map_box) and layout.quote_box[2] < layout.map_box[0]


def test_longest_quotation_draws_no_pixel_outside_its_box(content):
    quote = longest(content)
    for language in LANGUAGES:
        for place in content.places:
            for block in postcard_layout(content, place, quote, language).blocks:
                for line in block.lines:
                    canvas = Image.new("L", (WIDTH, HEIGHT), 0)
                    ImageDraw.Draw(canvas).text((line.x, line.y), line.text, fill=255, font=_font(line.family, line.style, line.size))
                    assert inside(canvas.getbbox(), block.box), (place.id, block.role, line.text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_postcard_map_is_labelled_and_caption_is_plain(content, language):
    for place in content.places:
        layout = postcard_layout(content, place, content.scenes[0].quote or longest(content), language)
        labels = layout.block("map-label").lines
        assert compact(" ".join(line.text for line in labels)).startswith(compact(place.name.get(language)))
        first = labels[0]
        x, y = layout.marker
        assert abs(first.x - x) < 450 and abs(first.y - y) < 200, "the name sits by its marker"
        assert "N" in {line.text for line in labels}, "a north arrow"
        caption = compact(" ".join(line.text for block in layout.blocks if block.role == "caption" for line in block.lines))
        assert compact(label(PROVENANCE_LABELS, place.provenance, language)) in caption
        assert compact(t(PROVENANCE_EXPLANATIONS[place.provenance], language)) in caption
        assert "Location:" not in caption


@pytest.mark.parametrize("language", LANGUAGES)
def test_postcard_fills_its_four_by_three_card(content, language):
    quote = longest(content)
    for place_id in ("moeraske", "restaurant"):
        card = Image.open(io.BytesIO(postcard_png(content, content.place(place_id), quote, language)))
        assert card.size == (WIDTH, HEIGHT) and WIDTH * 3 == HEIGHT * 4
        lower = card.convert("RGB").crop((0, HEIGHT // 2, WIDTH, HEIGHT))
        difference = ImageChops.difference(lower, Image.new("RGB", lower.size, rgb("paper"))).convert("L")
        used = sum(difference.point(lambda v: 255 if v else 0).histogram()[1:])
        assert used / (lower.width * lower.height) > 0.25, "the bottom half is not empty"


def test_text_marked_as_written_keeps_its_own_punctuation_inside_french():
    from explorer.typography import NBSP, NNBSP, as_written, separator, typeset

    english = "Berlinale 2023 programme: Here; a note!"
    french = typeset(f"Sources: {as_written(english)}; voir aussi: ceci", "fr")
    assert english in french and f"Sources{NBSP}:" in french and f"aussi{NBSP}:" in french
    assert f"{english}{NNBSP};" in french  # the French list's own semicolon is spaced
    assert typeset(as_written(english), "en") == english == typeset(as_written(english), "nl")
    assert typeset(as_written("Le titre : ici", "fr"), "fr") == typeset("Le titre : ici", "fr")
    assert separator("fr").strip() == separator("en").strip() == ";" and separator("fr") != separator("en")
