"""English, French and Dutch: catalogs complete and in step with the code, pages in each language, fallbacks."""

from __future__ import annotations

import io
import re
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from conftest import ROOT, component_html, component_texts, link_items, replace_in, trigger
from explorer.handout import handout_pdf
from explorer.i18n import LOCALE_DIR, t

APP = str(ROOT / "app.py")
PAGES = ["app.py", "pages/scenes.py", "pages/moss.py", "pages/walk.py", "pages/classroom.py", "pages/make.py", "pages/about.py"]


def catalog(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "explorer.po").open("rb") as source:
        return read_po(source, locale=language)


def template_ids() -> set:
    with (LOCALE_DIR / "explorer.pot").open("rb") as source:
        return {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(source) if m.id}


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_every_ui_string_is_translated(language):
    messages = [m for m in catalog(language) if m.id]
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages}
    assert ids == template_ids()
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s.strip() for s in strings), message.id
        assert "fuzzy" not in message.flags, message.id
        source = message.id if isinstance(message.id, str) else message.id[0]
        for placeholder in re.findall(r"\{\w+\}", source):
            assert all(placeholder in s for s in strings), (message.id, placeholder)


def test_french_interface_strings_keep_their_punctuation_with_their_words():
    """French sets a no-break space before : ; ! ? and inside « »: the catalog's French is written so (a plain
    space there would let a line start with the mark)."""
    from explorer.typography import NBSP, french_spacing

    loose = [
        m.string
        for m in catalog("fr")
        if m.id and isinstance(m.string, str) and m.string and french_spacing(m.string, NBSP) != m.string
    ]
    assert loose == [], loose[:5]


def test_the_template_knows_every_string_the_code_translates():
    """Literal t("...") calls anywhere in the code, including inside f-strings, are in the catalog template."""
    ids = {i if isinstance(i, str) else i[0] for i in template_ids()}
    code = "\n".join(p.read_text(encoding="utf-8") for folder in ("src", "pages") for p in (ROOT / folder).rglob("*.py"))
    code += (ROOT / "app.py").read_text(encoding="utf-8")
    used = set(re.findall(r"""\bt\(\s*"((?:[^"\\]|\\.)+)"\s*[,)]""", code))
    used |= set(re.findall(r"""\bt\(\s*'((?:[^'\\]|\\.)+)'\s*[,)]""", code))
    missing = {u for u in used if u.replace('\\"', '"') not in ids}
    assert not missing, missing


def english_strings() -> list[str]:
    """UI strings whose English text would betray an untranslated page (long enough not to collide)."""
    french = {m.id: m.string for m in catalog("fr") if m.id and isinstance(m.id, str)}
    return [i for i, s in french.items() if "{" not in i and len(i) >= 9 and s != i]


def page_texts(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at)
    parts += [e.value for kind in ("markdown", "caption", "info", "warning", "title", "header", "subheader") for e in at.get(kind)]
    parts += [b.label for b in at.button] + [p.proto.label for p in at.get("page_link")] + component_texts(at)
    for tab in at.get("tab"):
        parts.append(tab.label)
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_the_language_with_no_english_ui_left(monkeypatch, language, page):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = language
    at.query_params["place"] = "garage"
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception
    text = page_texts(at)
    left = [s for s in english_strings() if s in text]
    assert left == [], f"English UI strings on {page} in {language}: {left}"
    assert t("Map", language) in text


def test_links_keep_the_chosen_language():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "nl"
    at.run()
    hrefs = [p.proto.query_string for p in at.get("page_link")]
    hrefs += [i["href"] for key in ("hx-nav", "place-list", "panel-top") for i in link_items(at, key) if i["type"] == "link"]
    assert len(hrefs) == 7 + 11 + 1 and all("lang=nl" in h for h in hrefs)


def test_an_unknown_language_falls_back_to_english():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "klingon"
    at.run()
    assert not at.exception and "The film&#x27;s Brussels" in page_texts(at)


def test_places_and_scenes_are_translated(content):
    for place in content.places:
        assert place.name.get("fr") != place.name.get("en") or place.id == "moeraske"
        assert place.description.get("nl") != place.description.get("en")
    for scene in content.scenes:
        assert scene.title.get("fr") != scene.title.get("en") and scene.note.get("nl") != scene.note.get("en")


def test_a_missing_translation_falls_back_to_english():
    from explorer.model import Text

    text = Text((("en", "Moss"), ("fr", "Mousse")))
    assert text.get("fr") == "Mousse" and text.get("nl") == "Moss" and text.get("xx") == "Moss"


def test_check_reports_a_removed_translation(data_copy):
    replace_in(data_copy / "places.toml", 'name.nl = "Het Chinese restaurant van de tante"\n', "")
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "check", "--translations", str(data_copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, "a missing translation is not an error: English is shown"
    assert "data/places.toml: place 'restaurant': name.nl: translation missing; English is shown" in result.stdout


def test_the_handout_is_in_the_chosen_language(content):
    text = " ".join(
        p.extract_text()
        for p in PdfReader(io.BytesIO(handout_pdf(content, "14-18", [content.scene("fridge-soup")], "fr", glossary=True))).pages
    )
    text = " ".join(text.split())
    assert "Scènes et questions" in text and "Langage du cinéma" in text
    assert "Vider le frigo" in text
    assert "Scenes and questions" not in text


def every_text(content) -> str:
    """All text the handout and the postcard may print, in every language, plus the translated UI strings."""
    parts = []
    for records in (
        content.places,
        content.scenes,
        content.facts,
        content.tips,
        content.terms,
        content.activities,
        content.questions,
        content.people,
    ):
        for record in records:
            for value in vars(record).values():
                if hasattr(value, "by_language"):
                    parts += [text for _, text in value.by_language]
                elif hasattr(value, "translations"):
                    parts += [value.text] + [text for _, text in value.translations]
                elif isinstance(value, str):
                    parts.append(value)
    for language in ("fr", "nl"):
        for message in catalog(language):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            parts += [s for s in strings if s]
    return "".join(parts)


@pytest.mark.parametrize(("family", "style"), [("sans", ""), ("sans", "B"), ("serif", "B"), ("serif", "I")])
def test_the_fonts_cover_every_character_used(content, family, style):
    from fontTools.ttLib import TTFont

    from explorer.fonts import font_path

    cmap = TTFont(str(font_path(family, style))).getBestCmap()
    used = {ch for ch in every_text(content) if not ch.isspace()}
    assert not {ch for ch in used if ord(ch) not in cmap}, "characters the font cannot draw"


def test_kiosk_offers_three_large_language_buttons(monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    choices = [i for i in link_items(at, "hx-nav") if i["type"] == "choice"]
    assert [c["text"] for c in choices] == ["EN", "FR", "NL"] and [c["pressed"] for c in choices] == [True, False, False]
    assert [c["title"] for c in choices] == ["English", "Français", "Nederlands"]
    trigger(at, "hx-nav", "lang", "nl")
    assert at.query_params["lang"] in ("nl", ["nl"])
    assert "Het Brussel van de film" in page_texts(at)
    trigger(at, "hx-nav", "lang", "xx")  # not a language the buttons offer: ignored
    assert at.query_params["lang"] in ("nl", ["nl"]) and not at.exception


def test_an_unknown_language_in_a_link_gets_a_note():
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "de"
    at.run()
    assert any("“de”" in info.value for info in at.info)


def test_the_handout_in_dutch(content):
    data = handout_pdf(content, "adults", [content.scene("micro-forest")], "nl", glossary=True)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Volwassenen" in text and "Een microbos in de hand" in text and "Filmtaal" in text
    assert "Een goede snede is als een bladzijde omslaan en een nieuw hoofdstuk beginnen. (onze vertaling)" in text
