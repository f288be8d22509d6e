"""Spoiler-safe means safe everywhere: nothing that spoiler-safe mode hides reaches a page, a page's introduction,
a handout or teacher's PDF, a postcard, a GPX file, the static copy, a live session or the kiosk's attract screen.

What is hidden is derived from the content through the one decision, ``explorer.spoilers.visibility``: the hidden
scenes' titles, notes and quotations, the questions about them (and their answer hints), the moss facts that tell
them, the "where it shows" of the glossary terms tied to them, the sequences and stills of them, and the places'
full descriptions where a spoiler-free one exists (every language). Outputs are compared after normalising case,
punctuation and whitespace, by distinctive phrases: a whole title or quotation, or every six-word window of a
longer text, leaving out any phrase that the spoiler-free material itself contains (so that a phrase shared with
what may be shown is not counted). The last tests check that the comparison can fail: the same outputs with
spoiler-safe off do contain hidden material.
"""

from __future__ import annotations

import html
import io
import json
import re
import time
from pathlib import Path

import pytest
from google.protobuf.message import Message
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from explorer.export import export_site
from explorer.fragments import attract_html
from explorer.i18n import LANGUAGES
from explorer.live import classroom_question, new_session, plan_questions, question_text, scene_question
from explorer.model import AGE_BANDS, LESSON_KINDS, Content, Text
from explorer.postcard import hidden_quotes, postcard_layout, postcard_quotes
from explorer.spoilers import visibility
from explorer.walk import route_walk, walk_gpx

WINDOW = 6  # words: a longer text is matched by each run of this many words
SHORTEST = 3  # words: a shorter title or quotation would match ordinary sentences by chance


# --- what is hidden ------------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """Lower case, HTML entities decoded, everything but letters and digits (punctuation, no-break spaces,
    apostrophes of any kind, markup's symbols) made one space: the same words compare equal wherever they stand."""
    return " ".join(re.sub(r"[\W_]+", " ", html.unescape(text).casefold()).split())


def phrases(text: str) -> list[str]:
    """A text's distinctive phrases: the whole text when it is short, else every run of WINDOW words."""
    words = norm(text).split()
    if len(words) <= WINDOW:
        return [" ".join(words)] if len(words) >= SHORTEST else []
    return [" ".join(words[i : i + WINDOW]) for i in range(len(words) - WINDOW + 1)]


def every_language(text: Text | None) -> list[str]:
    return [value for _, value in text.by_language] if text is not None else []


def quote_texts(quote) -> list[str]:
    return [quote.text, *(value for _, value in quote.translations)] if quote is not None else []


def shown_material(content: Content) -> str:
    """The content that spoiler-safe mode shows by design (the film, the places as it describes them, the scenes,
    facts, questions and hints it lets through, the sources, tips, walks, critics, glossary, activities and the moss
    walk's practical and safety notes), normalised: a hidden text may share a phrase with it without telling anything."""
    view = visibility(content, spoiler_safe=True)
    texts = [content.film.synopsis, content.film.dedication]
    texts += [field for p in content.places for field in (p.name, view.description(p), p.why)]
    texts += [field for s in view.scenes() for field in (s.title, s.note)]
    texts += [field for f in view.facts() for field in (f.title, f.explanation, f.look_for)]
    texts += [q.text for q in view.questions()]
    texts += [field for tip in content.tips for field in (tip.title, tip.text)]
    texts += [field for walk in content.walks for field in (walk.name, walk.description)]
    texts += [source.note for source in content.sources]
    texts += [activity.text for activity in content.activities]
    texts += [field for term in content.terms for field in (term.name, term.explanation)]
    texts += [term.where for term in content.terms if view.term_where(term)]
    if content.teaching is not None:  # the moss walk's practical side and its safety rules
        texts += [field for note in content.teaching.safety for field in (note.title, note.text)]
        texts += [field for item in content.teaching.practical for field in (item.label, item.value)]
        texts += [content.teaching.hint(q.id).text for q in view.questions() if view.hint(q) and content.teaching.hint(q.id)]
    found = [value for text in texts for value in every_language(text)]
    found += [value for s in view.scenes() for value in quote_texts(s.quote)]
    found += [value for f in view.facts() for value in quote_texts(f.quote)]
    found += [value for quote in content.film.press for value in quote_texts(quote)]
    found += [value for term in content.terms for value in quote_texts(term.quote)]
    return " | ".join(norm(text) for text in found)


def hidden_material(content: Content) -> dict[str, str]:
    """Each distinctive phrase of what spoiler-safe mode hides, with where it comes from."""
    view = visibility(content, spoiler_safe=True)
    assert view.hidden, "film.spoilers_after hides no scene: nothing to test"
    found: dict[str, str] = {}

    def add(label: str, texts: list[str]) -> None:
        for text in texts:
            for phrase in phrases(text):
                found.setdefault(phrase, label)

    for scene in content.scenes:
        if not view.scene(scene):
            add(f"scene {scene.id}: title", every_language(scene.title))
            add(f"scene {scene.id}: note", every_language(scene.note))
            add(f"scene {scene.id}: quotation", quote_texts(scene.quote))
            for sequence in (s for s in content.sequences if s.scene == scene.id):
                add(
                    f"sequence {sequence.id}",
                    every_language(sequence.title) + [v for shot in sequence.shots for v in every_language(shot)],
                )
            for still in content.stills_of(scene.id):
                add(f"still {still.id}", every_language(still.alt))
    for question in content.questions:
        if not view.question(question):
            add(f"question {question.id}", every_language(question.text))
            hint = content.teaching.hint(question.id) if content.teaching is not None else None
            if hint is not None:
                add(f"hint to {question.id}", every_language(hint.text))
    for fact in content.facts:
        if not view.fact(fact):
            add(f"fact {fact.id}", every_language(fact.title) + every_language(fact.explanation) + quote_texts(fact.quote))
    for term in content.terms:
        if not view.term_where(term):
            add(f"term {term.id}: where it shows", every_language(term.where))
    for place in content.places:
        if place.description_safe is not None:
            add(f"place {place.id}: full description", every_language(place.description))
    shown = shown_material(content)
    return {phrase: label for phrase, label in found.items() if phrase not in shown}


@pytest.fixture(scope="module")
def hidden(content) -> dict[str, str]:
    found = hidden_material(content)
    labels = set(found.values())
    view = visibility(content, spoiler_safe=True)
    # every hidden scene contributes its title or its note, and every place with a spoiler-free description its own
    for scene_id in view.hidden:
        assert any(label.startswith(f"scene {scene_id}:") for label in labels), scene_id
    for place in content.places:
        if place.description_safe is not None:
            assert f"place {place.id}: full description" in labels, place.id
    return found


def leaks(text: str, hidden: dict[str, str]) -> list[str]:
    """The hidden phrases found in ``text``, each with where it comes from."""
    haystack = f" {norm(text)} "
    return sorted(f"{label}: “{phrase}”" for phrase, label in hidden.items() if f" {phrase} " in haystack)


def assert_safe(text: str, hidden: dict[str, str], where: str) -> None:
    assert norm(text), f"{where}: nothing to check"
    found = leaks(text, hidden)
    assert not found, f"{where} shows what spoiler-safe mode hides:\n" + "\n".join(found[:20])


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def situations() -> list[tuple[str, str]]:
    """Every lesson situation once, the age bands taken in turn (a PDF takes seconds: not every pairing)."""
    return [(AGE_BANDS[i % len(AGE_BANDS)], kind) for i, kind in enumerate(LESSON_KINDS)]


def rotate(items, start: int = 0):
    """Each item with a language, the languages taken in turn: every language is checked without every pairing."""
    return [(item, LANGUAGES[(start + i) % len(LANGUAGES)]) for i, item in enumerate(items)]


# --- the pages, through the app as a visitor reaches them ------------------------------------------------------


@pytest.fixture
def plain_settings(monkeypatch, tmp_path, data_copy):
    """The app's settings, on a copy of the content: what these pages build (postcards, PDFs) is kept for that copy
    only, so a later test of the real data starts with nothing built."""
    for name in ("EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_DATABASE_URL", "EXPLORER_PUBLIC_URL", "EXPLORER_ATTRACT_VOTES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data_copy))
    monkeypatch.setenv("EXPLORER_TILES", "offline")
    monkeypatch.setenv("EXPLORER_LIVE_DIR", str(tmp_path))
    yield
    from explorer_app import liveroom

    liveroom.forget_stores()


def strings(message) -> list[str]:
    """Every string in a protobuf message, nested messages included; a component's JSON data is read as JSON."""
    found = []
    for field, value in message.ListFields():
        single = isinstance(value, (str, bytes, Message)) or not hasattr(value, "__iter__")
        for item in [value] if single else list(value):
            if isinstance(item, Message):
                found += strings(item)
            elif isinstance(item, str) and field.name == "json":
                found += json_strings(json.loads(item or "null"))
            elif isinstance(item, str):
                found.append(item)
    return found


def json_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [str(key), *json_strings(item)]]
    if isinstance(value, list):
        return [s for item in value for s in json_strings(item)]
    return []


def tree_text(at: AppTest) -> str:
    """All the text the page put in its element tree: every element's and block's strings (bodies, labels, options,
    help, captions, tab names, alt texts, the components' data)."""
    found, stack = [], [at.main, at.sidebar]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if proto is not None:
            found += strings(proto)
        stack += list(getattr(node, "children", {}).values())
    return "\n".join(found)


def visit(page: str, **query: str) -> AppTest:
    """A page as a visitor reaches it: through app.py, with the address's parameters, then ``switch_page``."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


PAGES = [
    "app.py",
    "pages/scenes.py",
    "pages/moss.py",
    "pages/walk.py",
    "pages/classroom.py",
    "pages/make.py",
    "pages/about.py",
    "pages/attract.py",
    "pages/live.py",
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_spoiler_safe_mode_shows_nothing_hidden(plain_settings, hidden, page, language):
    at = visit(page, spoilers="hide", lang=language)
    assert_safe(tree_text(at), hidden, f"{page} ({language})")


def test_the_map_page_for_every_place_and_a_hidden_scene_shows_nothing_hidden(plain_settings, content, hidden):
    for place, language in rotate(content.places):
        at = visit("app.py", spoilers="hide", lang=language, place=place.id)
        assert_safe(tree_text(at), hidden, f"the map with {place.id} ({language})")
    for scene_id, language in rotate(sorted(visibility(content, True).hidden), 1):
        at = visit("app.py", spoilers="hide", lang=language, scene=scene_id)
        assert_safe(tree_text(at), hidden, f"the map with ?scene={scene_id} ({language})")
        at = visit("pages/scenes.py", spoilers="hide", lang=language, scene=scene_id)
        assert_safe(tree_text(at), hidden, f"the scenes page with ?scene={scene_id} ({language})")


def test_the_scene_filters_offer_nobody_and_nothing_only_the_hidden_scenes_have(plain_settings, content):
    """A character or theme of the hidden scenes only is no filter in spoiler-safe mode, even when a link or an
    earlier choice (before the switch was turned on) asks for it."""
    view = visibility(content, spoiler_safe=True)
    later = {c for s in content.scenes if not view.scene(s) for c in s.characters}
    later -= {c for s in view.scenes() for c in s.characters}
    themes = {th for s in content.scenes if not view.scene(s) for th in s.themes}
    themes -= {th for s in view.scenes() for th in s.themes}
    assert later, "no character appears only in the hidden scenes: nothing to test"
    who, theme = sorted(later)[0], sorted(themes)[0] if themes else None
    at = visit("pages/scenes.py", who=who, **({"theme": theme} if theme else {}))
    assert who in at.pills(key="who").value
    at.query_params["spoilers"] = "hide"
    at.run()
    assert not at.exception, at.exception
    assert who not in at.pills(key="who").value
    offered = {option for key in ("who", "theme") for option in at.pills(key=key).options}
    assert content.person(who).name.get() not in offered
    if theme:
        assert theme not in at.pills(key="theme").value
    assert f'id="scene-{next(iter(view.hidden))}"' not in tree_text(at)


def test_every_walk_and_every_classroom_situation_shows_nothing_hidden(plain_settings, content, hidden):
    for route, language in rotate(content.walks):
        at = visit("pages/walk.py", spoilers="hide", lang=language, route=route.id)
        assert_safe(tree_text(at), hidden, f"the walk {route.id} ({language})")
    views = [(age, kind) for age in AGE_BANDS for kind in LESSON_KINDS]
    for (age, kind), language in rotate(views, 2):
        at = visit("pages/classroom.py", spoilers="hide", lang=language, age=age, situation=kind)
        assert_safe(tree_text(at), hidden, f"the classroom for {age}, {kind} ({language})")


def test_the_kiosk_and_its_attract_screen_show_nothing_hidden(plain_settings, monkeypatch, content, hidden):
    """A kiosk's attract screen is spoiler-safe whatever the address says."""
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    for language in LANGUAGES:
        assert_safe(tree_text(visit("pages/attract.py", lang=language)), hidden, f"the attract screen ({language})")
        assert_safe(attract_html(content, language)[1], hidden, f"attract_html ({language})")


def test_a_spoiler_safe_live_session_offers_no_hidden_question(plain_settings, content, hidden):
    """The presenter's question picker, and what the library lets a spoiler-safe session ask."""
    for age, language in rotate(AGE_BANDS):
        at = visit("pages/live.py", spoilers="hide", lang=language, age=age)
        at.button(key="live-start").click().run()
        assert not at.exception, at.exception
        assert at.selectbox(key="live-ref").options
        assert_safe(tree_text(at), hidden, f"the live presenter's page for {age} ({language})")
        at.button_group(key="live-kind").set_value("scene").run()
        at.button(key="live-add").click().run()
        assert not at.exception, at.exception
        assert_safe(tree_text(at), hidden, f"the live presenter's page with a scene pick ({language})")
    for (age, kind), language in rotate(situations(), 1):  # a lesson plan's questions queued from the classroom's link
        at = visit("pages/live.py", spoilers="hide", lang=language, age=age, plan=kind)
        at.button(key="live-start").click().run()
        assert not at.exception, at.exception
        assert_safe(tree_text(at), hidden, f"the live presenter's page with the plan {age}/{kind} queued ({language})")

    session, _ = new_session(time.time(), "en", spoiler_safe=True)
    view = visibility(content, spoiler_safe=True)
    offered = [scene_question(content, session)]
    for age in AGE_BANDS:
        for question in content.band_questions(age):
            if view.question(question):
                offered.append(classroom_question(content, session, question.id, age))
            else:
                with pytest.raises(ValueError):
                    classroom_question(content, session, question.id, age)
        for kind in LESSON_KINDS:
            if content.teaching is not None and content.teaching.plan(age, kind) is not None:
                offered += plan_questions(content, session, age, kind)[0]
    for language in LANGUAGES:
        texts = [question_text(content, q, language) for q in offered]
        texts += [content.scene(c).title.get(language) for q in offered if q.kind == "scene" for c in q.choices]
        assert_safe("\n".join(texts), hidden, f"the live session's questions ({language})")


# --- the PDFs, the postcard, the GPX files and the static copy ---------------------------------------------------


def test_the_handouts_show_nothing_hidden(content, hidden):
    from explorer.handout import handout_pdf

    for age, language in rotate(AGE_BANDS):
        data = handout_pdf(content, age, content.scenes, language, spoiler_safe=True, glossary=True)
        assert_safe(pdf_text(data), hidden, f"the handout for {age}, every scene asked for ({language})")
    plans = [content.teaching.plan(age, kind) for age, kind in situations()] if content.teaching is not None else []
    assert plans and all(plans)
    for plan, language in rotate(plans, 1):
        data = handout_pdf(content, plan.age, content.scenes, language, spoiler_safe=True, glossary=True, plan=plan)
        assert_safe(pdf_text(data), hidden, f"the handout of the plan {plan.age}/{plan.kind} ({language})")


def test_the_viewing_sheet_before_the_screening_shows_nothing_hidden(content, hidden):
    from explorer.viewingsheet import viewing_sheet_pdf

    for age, language in rotate(AGE_BANDS):
        assert_safe(pdf_text(viewing_sheet_pdf(content, age, language)), hidden, f"the viewing sheet for {age} ({language})")


def test_the_teachers_pdf_shows_nothing_hidden(content, hidden):
    from explorer.teacherpack import teacher_pdf

    for age, language in rotate(AGE_BANDS):
        assert_safe(
            pdf_text(teacher_pdf(content, age, language, spoiler_safe=True)), hidden, f"the teacher's PDF for {age} ({language})"
        )
    for (age, kind), language in rotate(situations(), 2):
        assert_safe(
            pdf_text(teacher_pdf(content, age, language, spoiler_safe=True, situation=kind)),
            hidden,
            f"the teacher's PDF for {age}, {kind} ({language})",
        )


def card_text(content, place, quote, language, view=None) -> str:
    return "\n".join(line.text for block in postcard_layout(content, place, quote, language, view).blocks for line in block.lines)


def test_a_spoiler_safe_postcard_offers_and_draws_nothing_hidden(content, hidden):
    view = visibility(content, spoiler_safe=True)
    quotes = postcard_quotes(content, view)
    assert quotes and not set(quotes) & set(hidden_quotes(content, view))
    for (quote, language), place in zip(rotate(quotes), content.places * len(quotes), strict=False):
        assert_safe(card_text(content, place, quote, language, view), hidden, f"the postcard of {place.id} ({language})")
    for quote in hidden_quotes(content, view):
        with pytest.raises(ValueError):
            postcard_layout(content, content.places[0], quote, "en", view)


def test_spoiler_safe_gpx_files_show_nothing_hidden(content, hidden):
    """Each waypoint says what the place is as the view describes it (spoiler-free where there is such a text)."""
    import xml.etree.ElementTree as ET

    gpx = "{http://www.topografix.com/GPX/1/1}"
    view = visibility(content, spoiler_safe=True)
    for route in content.walks:
        for language in LANGUAGES:
            walk = route_walk(content, route, view)
            text = walk_gpx(walk, language, view)
            assert_safe(text, hidden, f"the GPX of {route.id} ({language})")
            for stop, point in zip(walk.stops, ET.fromstring(text).findall(f"{gpx}wpt"), strict=True):
                assert view.description(stop).get(language) in point.findtext(f"{gpx}desc")


def site_text(target: Path) -> str:
    return "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(target.rglob("*.html")) if "assets" not in path.relative_to(target).parts
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_spoiler_safe_static_copy_shows_nothing_hidden(content, hidden, tmp_path, language):
    export_site(content, tmp_path, language, spoiler_safe=True)
    assert_safe(site_text(tmp_path), hidden, f"the static copy ({language})")


# --- the comparison can fail ---------------------------------------------------------------------------------------


def test_with_spoiler_safe_off_the_same_outputs_show_hidden_material(plain_settings, content, hidden, tmp_path):
    """The check above is not blind: every output it passes shows hidden material when spoiler-safe mode is off."""
    view = visibility(content, spoiler_safe=False)
    for page in ("app.py", "pages/scenes.py", "pages/moss.py", "pages/classroom.py"):
        assert leaks(tree_text(visit(page, place="moeraske")), hidden), page
    export_site(content, tmp_path, "fr")
    assert leaks(site_text(tmp_path), hidden)
    assert any(leaks(walk_gpx(route_walk(content, route, view), "nl", view), hidden) for route in content.walks)
    quotes = hidden_quotes(content, visibility(content, spoiler_safe=True))
    assert quotes and leaks(card_text(content, content.places[0], quotes[0], "en"), hidden)
    from explorer.handout import handout_pdf

    assert leaks(pdf_text(handout_pdf(content, "14-18", content.scenes, "en", glossary=True)), hidden)
    from explorer.teacherpack import teacher_pdf

    assert leaks(pdf_text(teacher_pdf(content, "14-18", "en")), hidden)
    session, _ = new_session(time.time(), "en", spoiler_safe=False)
    asked = [classroom_question(content, session, q.id, "adults") for q in content.band_questions("adults")]
    assert leaks("\n".join(question_text(content, q, "en") for q in asked), hidden)
