"""Classroom content, the handout PDF, walking distances, the postcard, the moss lens, spoiler-safe (the walks' routes
and GPX files: test_walks.py)."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from pypdf import PdfReader

from explorer.handout import handout_pdf
from explorer.lens import MAX_BYTES, LensError, lens_png, open_photo
from explorer.model import AGE_BANDS
from explorer.postcard import HEIGHT, WIDTH, postcard_png
from explorer.walk import haversine_m, walking_minutes

GLOSSARY = {
    "static-frame",
    "four-three",
    "sixteen-mm",
    "ellipsis",
    "cut-as-page",
    "natural-light",
    "sound-and-silence",
    "tempo",
    "dream-and-reality",
}
# added for the teacher's pack: a quote only where verbatim words support the term (the programme note's, for
# "city symphony")
TEACHING_TERMS = {"voice-over", "shot-scale", "off-screen-sound", "city-symphony"}


def test_every_scene_has_two_or_three_questions_with_age_bands(content):
    for scene in content.scenes:
        questions = content.questions_for(scene.id)
        assert 2 <= len(questions) <= 3, scene.id
        assert all(q.ages and set(q.ages) <= set(AGE_BANDS) for q in questions)
    for age in AGE_BANDS:
        assert sum(1 for q in content.questions if age in q.ages) >= 10


def test_glossary_and_activities(content):
    assert {term.id for term in content.terms} == GLOSSARY | TEACHING_TERMS
    for term in content.terms:
        if term.id in GLOSSARY:
            assert term.quote.speaker == "bas-devos" and term.quote.source == "interview-berlinale-2023"
        assert term.where.get() and term.explanation.get()
    assert len(content.activities) >= 3
    assert {"tableau", "moss-walk", "no-conflict"} <= {a.id for a in content.activities}


def test_spoilers_are_the_scenes_after_the_first_encounter(content):
    first = content.scene("restaurant-rain")
    assert content.spoilers() == {s.id for s in content.scenes if s.order > first.order}
    assert "ending" in content.spoilers() and "micro-forest" in content.spoilers()
    assert [s.id for s in content.visible_scenes(True)][-1] == "restaurant-rain"
    assert content.visible_scenes(False) == content.scenes


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_handout_holds_the_chosen_scenes_and_their_questions_for_the_age_band(content):
    chosen = [content.scene("fridge-soup"), content.scene("restaurant-rain")]
    data = handout_pdf(content, "10-13", chosen, glossary=True)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    for scene in chosen:
        assert scene.title.get() in text
        for question in content.questions_for(scene.id, "10-13"):
            assert " ".join(question.text.get().split()) in text
        for question in content.questions_for(scene.id):
            if "10-13" not in question.ages:
                assert question.text.get()[:40] not in text
    assert content.scene("towers").title.get() not in text
    assert "Ages 10 to 13" in text
    assert "“A good cut is like flipping a page and starting a new chapter.”" in text  # real Unicode text
    assert next(a for a in content.activities if a.id == "tableau").title.get() in text


def test_handout_activities_follow_the_age_band(content):
    assert "A story without a conflict" not in pdf_text(handout_pdf(content, "10-13", [content.scene("bus")]))
    assert "A story without a conflict" in pdf_text(handout_pdf(content, "adults", [content.scene("bus")]))


def test_haversine_and_walking_time():
    assert haversine_m((50.0, 4.0), (51.0, 4.0)) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m((50.8503, 4.3517), (50.8503, 4.3517)) == 0
    assert walking_minutes(4500) == 60 and walking_minutes(1) == 1


def test_postcard_is_four_by_three(content):
    card = Image.open(io.BytesIO(postcard_png(content, content.place("moeraske"), content.scene("micro-forest").quote)))
    assert card.format == "PNG" and card.size == (WIDTH, HEIGHT) and WIDTH * 3 == HEIGHT * 4
    long_quote = content.fact("touch-the-ground").quote
    assert Image.open(io.BytesIO(postcard_png(content, content.place("hotel"), long_quote))).size == (1600, 1200)


def photo(size=(1200, 900), fmt="JPEG") -> bytes:
    image = Image.new("RGB", size, (60, 110, 40))
    for x in range(0, size[0], 40):
        image.paste((120, 170, 70), (x, 0, x + 8, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    return buffer.getvalue()


def test_moss_lens_on_a_good_photo():
    view = Image.open(io.BytesIO(lens_png(photo(), (0.2, 0.8), zoom=4)))
    assert view.size == (900, 900)
    assert view.getpixel((5, 5)) == (12, 14, 10)  # outside the circular field
    assert view.getpixel((450, 300)) != (12, 14, 10)
    assert open_photo(photo(fmt="PNG")).mode == "RGB" and open_photo(photo(fmt="WEBP")).size == (1200, 900)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims an enormous image (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (10, 10)).save(buffer, format="GIF")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.7 not a photo at all", "not a photo the lens can read"),
        (photo()[:3000], "seems damaged"),
        (b"\xff" * (MAX_BYTES + 1), "photos up to 8 MB are accepted"),
        (png_claiming(9000, 9000), "too large to look at here"),
        (png_claiming(100_000, 100_000), "claims to be an enormous image"),
        (gif(), "This is a GIF file"),
    ],
)
def test_moss_lens_refuses_hostile_files_with_a_clear_message(data, message):
    with pytest.raises(LensError) as raised:
        lens_png(data)
    assert message in str(raised.value)


def test_moss_lens_stores_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lens_png(photo())
    assert list(tmp_path.iterdir()) == []


def photo_40mp(width: int = 7296, height: int = 5472) -> bytes:
    """A 40-megapixel phone photo, turned by its EXIF orientation, under the 8 MB limit."""
    from PIL import ImageFilter

    small = Image.effect_noise((width // 8, height // 8), 90).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    big = small.resize((width, height), Image.Resampling.BICUBIC)
    exif = big.getexif()
    exif[0x0112] = 6  # taken with the phone turned: shown rotated
    buffer = io.BytesIO()
    big.save(buffer, format="JPEG", quality=82, exif=exif)
    return buffer.getvalue()


def test_a_40_megapixel_photo_is_decoded_reduced_and_upright():
    data = photo_40mp()
    assert len(data) <= MAX_BYTES
    image = open_photo(data)
    assert image.size == (2250, 3000) and image.mode == "RGB"  # at most 3000 px long, and turned upright
    assert open_photo(photo(), max_side=3000).size == (1200, 900)  # a small photo keeps its size


def test_a_40_megapixel_jpeg_never_sits_in_memory_at_full_size(tmp_path):
    """Decoded at a reduced scale straight away: the peak stays far below the 120 MB of the full picture."""
    import subprocess
    import sys

    (tmp_path / "photo.jpg").write_bytes(photo_40mp())
    script = (
        "import resource, sys\n"
        "from explorer.lens import open_photo, view_png\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "image = open_photo(data)\n"
        "for zoom in (2, 5, 8):\n"
        "    view_png(image, (0.3, 0.6), zoom, 1.5)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    grown = int(
        subprocess.run(
            [sys.executable, "-c", script, str(tmp_path / "photo.jpg")], capture_output=True, text=True, check=True, timeout=120
        ).stdout
    )
    assert grown < 100, f"{grown} MB"


def test_a_phones_multi_picture_jpeg_is_accepted_as_a_jpeg():
    """Phones save some photos as MPO (a JPEG with more pictures in it): the lens shows the first."""
    first, second = Image.new("RGB", (1200, 900), (80, 120, 60)), Image.new("RGB", (1200, 900), (200, 0, 0))
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    image = open_photo(buffer.getvalue())
    assert image.size == (1200, 900) and image.getpixel((600, 450))[1] > 100  # the first picture, green


@pytest.mark.parametrize(("language", "words"), [("fr", "Le fichier est vide."), ("nl", "Het bestand is leeg.")])
def test_the_lens_says_why_in_the_visitors_language(language, words):
    with pytest.raises(LensError) as raised:
        open_photo(b"")
    assert raised.value.text(language) == words
    with pytest.raises(LensError) as raised:
        open_photo(gif())
    assert "GIF" in raised.value.text(language) and "please" not in raised.value.text(language)
