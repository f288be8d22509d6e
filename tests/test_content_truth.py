"""The content's truth rules: facts cite sources, species facts a botanical one, film dialogue and second-hand
words say how they reached us, spoiler-safe mode hides every text that tells a hidden scene, and the French and
Dutch of the content are there and typeset."""

from __future__ import annotations

import re
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from conftest import DATA, ROOT, component_html, replace_in
from explorer.errors import ContentError
from explorer.export import export_site
from explorer.fragments import fact_html, place_header_html, quote_html
from explorer.loader import load_content, missing_translations

TRUTH_FILES = ("moss.toml", "places.toml", "scenes.toml")


def quotes(content):
    """Every quotation with the record that holds it."""
    for scene in content.scenes:
        if scene.quote is not None:
            yield scene.id, scene.quote
    for fact in content.facts:
        if fact.quote is not None:
            yield fact.id, fact.quote
    for term in content.terms:
        if term.quote is not None:
            yield term.id, term.quote


def hidden_places(content) -> list:
    """The places with at least one scene that spoiler-safe mode hides."""
    hidden = content.spoilers()
    return [p for p in content.places if any(s.id in hidden for s in content.scenes_at(p.id))]


# --- sources -------------------------------------------------------------------------------------------------


def test_every_fact_cites_a_source_that_exists(content):
    ids = {s.id for s in content.sources}
    assert all(fact.source in ids for fact in content.facts)


def test_species_facts_cite_a_botanical_source(content):
    species = content.facts_of_kind("species")
    assert species
    for fact in species:
        assert content.source(fact.source).kind == "botany", fact.id


def test_no_species_is_tied_to_a_place_nobody_surveyed(content):
    assert all(not fact.places for fact in content.facts_of_kind("species"))


# --- quotations ----------------------------------------------------------------------------------------------


def test_film_dialogue_is_marked_as_a_rendering(content):
    """A character's line reaches us in a source's English words, never the film's own: it must say so."""
    characters = {p.id for p in content.characters()}
    lines = [(where, q) for where, q in quotes(content) if q.speaker in characters]
    assert lines
    for where, quote in lines:
        assert quote.origin == "dialogue", where


def test_a_quotation_says_how_it_reached_us(content):
    marked = [q for _, q in quotes(content) if q.origin]
    assert {q.origin for q in marked} == {"dialogue", "second-hand"}
    for quote in marked:
        caption = quote_html(quote, content)
        assert 'class="hx-origin"' in caption
    plain = next(q for _, q in quotes(content) if not q.origin)
    assert 'class="hx-origin"' not in quote_html(plain, content)


@pytest.mark.parametrize(
    "origin, rendered_by, message",
    [
        ("overheard", "bas-devos", "must be one of"),
        ("dialogue", "nobody-at-all", "names a person that is not in people.toml"),
        ("second-hand", "bas-devos", "is only for film dialogue"),
    ],
)
def test_the_loader_reports_a_bad_quotation_origin(data_copy, origin, rendered_by, message):
    replace_in(
        data_copy / "scenes.toml",
        'quote_origin = "dialogue"\nrendered_by = "bas-devos"',
        f'quote_origin = "{origin}"\nrendered_by = "{rendered_by}"',
    )
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    assert message in str(error.value)


def test_the_loader_reports_a_fact_tied_to_an_unknown_scene(data_copy):
    replace_in(data_copy / "moss.toml", 'scenes = ["seeds"]', 'scenes = ["no-such-scene"]')
    with pytest.raises(ContentError) as error:
        load_content(data_copy)
    assert "names a scene that is not in scenes.toml" in str(error.value)


# --- spoiler-safe ----------------------------------------------------------------------------------------------


def test_every_place_with_a_hidden_scene_has_a_spoiler_free_description(content):
    places = hidden_places(content)
    assert places
    for place in places:
        assert place.description_safe is not None, place.id
        assert place.description_for(True) != place.description
        # the safe text names none of the hidden scenes' characters' actions: it is not the full description
        assert place.description_for(True).get("fr") != place.description.get("fr")
        assert place.description_for(True).get("nl") != place.description.get("nl")


def test_facts_that_tell_a_hidden_scene_are_hidden_only_in_spoiler_safe_mode(content):
    hidden = content.spoilers()
    telling = [f for f in content.facts if hidden.intersection(f.scenes)]
    assert telling
    for fact in telling:
        assert fact not in content.visible_facts(True)
        assert fact in content.visible_facts(False)
        for place_id in fact.places:
            assert fact not in content.visible_facts_at(place_id, True)


def test_the_place_header_uses_the_safe_description(content):
    place = hidden_places(content)[0]
    assert place.description_safe.get() in place_header_html(place, spoiler_safe=True).replace("&#x27;", "'")
    assert place.description.get() not in place_header_html(place, spoiler_safe=True).replace("&#x27;", "'")


def _html(at: AppTest) -> str:
    return "\n".join([h.proto.body for h in at.get("html")] + component_html(at)).replace("&#x27;", "'")


def _run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception
    return at


def test_map_panel_shows_no_hidden_scene_in_spoiler_safe_mode(content):
    hidden = content.spoilers()
    for place in hidden_places(content):
        page = _html(_run("app.py", place=place.id, spoilers="hide"))
        assert place.description_safe.get() in page
        assert place.description.get() not in page
        for fact in content.facts_at(place.id):
            shown = fact_html(fact, content).replace("&#x27;", "'")
            assert (shown in page) == (not hidden.intersection(fact.scenes)), (place.id, fact.id)


def test_moss_page_hides_the_facts_that_tell_a_hidden_scene(content):
    hidden = content.spoilers()
    telling = [f for f in content.facts if hidden.intersection(f.scenes)]
    safe = _html(_run("pages/moss.py", spoilers="hide"))
    whole = _html(_run("pages/moss.py"))
    for fact in telling:
        assert fact.explanation.get() not in safe
        assert fact.explanation.get() in whole


def test_spoiler_safe_export_leaves_out_hidden_scenes_and_their_texts(content, tmp_path):
    export_site(content, tmp_path, spoiler_safe=True)
    hidden = content.spoilers()
    for place in hidden_places(content):
        page = (tmp_path / "places" / f"{place.id}.html").read_text(encoding="utf-8").replace("&#x27;", "'")
        assert place.description.get() not in page
        assert place.description_safe.get() in page
    story = (tmp_path / "scenes.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    moss = (tmp_path / "moss.html").read_text(encoding="utf-8").replace("&#x27;", "'")
    for scene_id in hidden:
        assert content.scene(scene_id).note.get() not in story
    for fact in content.facts:
        assert (fact.explanation.get() in moss) == (not hidden.intersection(fact.scenes)), fact.id


# --- languages -------------------------------------------------------------------------------------------------


def test_the_content_files_have_their_french_and_dutch():
    missing = [p for p in missing_translations(DATA) if p.file.split("/")[-1] in TRUTH_FILES + ("classroom.toml",)]
    assert not missing, "\n".join(map(str, missing))


def _french_texts(value, where=""):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "fr" and isinstance(item, str):
                yield where, item
            else:
                yield from _french_texts(item, f"{where}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _french_texts(item, f"{where}[{position}]")


BAD_SPACING = re.compile(r"(?<=\S)[ ]?[:;!?](?!\d)|«[ ]?(?=\S)|(?<=\S)[ ]?»")


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.toml")))
def test_french_texts_keep_their_punctuation_with_their_words(name):
    """A no-break space inside « » and before : ; ! ?, so a line never starts with one of them."""
    table = tomllib.loads((DATA / name).read_text(encoding="utf-8"))
    texts = list(_french_texts(table))
    assert texts
    for where, text in texts:
        bad = [m.group() for m in BAD_SPACING.finditer(re.sub(r"https?://\S+|\d:\d", "", text))]
        assert not bad, f"{name}{where}: {bad} in {text!r}"
