"""Translations the data model could not hold before (people's names and roles, the film's country and languages,
source notes) and French typography in pages and handout."""

from __future__ import annotations

import dataclasses
import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conftest import DATA, ROOT
from explorer import load_content
from explorer.fragments import crew_html, film_facts_html, scene_html, sources_html
from explorer.loader import missing_translations
from explorer.model import Text
from explorer.typography import NBSP, NNBSP, colon, french_spacing, typeset

NO_BREAK = NBSP + NNBSP

EXTRA_PEOPLE = """
[[person]]
id = "night-porter"
name.en = "The night porter"
name.fr = "Le veilleur de nuit"
name.nl = "De nachtportier"
kind = "character"

[[person]]
id = "jane-doe"
name = "Jane Doe"
kind = "crew"
role.en = "Casting"
role.nl = "Casting"
"""

EXTRA_SOURCE = """
[[source]]
id = "test-note"
title = "A test source"
note.en = "What it holds."
note.fr = "Ce qu’il contient."
note.nl = "Wat het bevat."
"""


def add_records(data_dir: Path) -> None:
    with (data_dir / "people.toml").open("a", encoding="utf-8") as people:
        people.write(EXTRA_PEOPLE)
    with (data_dir / "sources.toml").open("a", encoding="utf-8") as sources:
        sources.write(EXTRA_SOURCE)


# --- the loader -------------------------------------------------------------------------------------------------


def test_names_roles_and_notes_are_read_per_language(data_copy):
    add_records(data_copy)
    content = load_content(data_copy)
    porter = content.person("night-porter")
    assert [porter.name.get(lang) for lang in ("en", "fr", "nl")] == ["The night porter", "Le veilleur de nuit", "De nachtportier"]
    jane = content.person("jane-doe")
    assert all(jane.name.get(lang) == "Jane Doe" for lang in ("en", "fr", "nl")), "a plain name is everyone's"
    assert jane.role is not None and jane.role.get("nl") == "Casting" and jane.role.get("fr") == "Casting"  # fallback
    note = content.source("test-note").note
    assert note is not None and note.get("fr") == "Ce qu’il contient." and note.get("nl") == "Wat het bevat."


def test_the_films_country_and_languages_are_texts(content):
    film = content.film
    assert isinstance(film.country, Text) and film.languages
    assert all(isinstance(name, Text) for name in film.languages)
    assert "Mandarin" not in " ".join(name.get(lang) for name in film.languages for lang in ("en", "fr", "nl"))


def missing_for(data_dir: Path, file: str) -> list[str]:
    return [str(p) for p in missing_translations(data_dir) if p.file == f"data/{file}"]


def test_a_plain_role_or_note_is_reported_untranslated_but_a_plain_name_is_not(data_copy):
    with (data_copy / "people.toml").open("a", encoding="utf-8") as people:
        people.write('\n[[person]]\nid = "plain-crew"\nname = "Ann Example"\nkind = "crew"\nrole = "Gaffer"\n')
    with (data_copy / "sources.toml").open("a", encoding="utf-8") as sources:
        sources.write('\n[[source]]\nid = "plain-note"\ntitle = "T"\nnote = "English only."\n')
    people = missing_for(data_copy, "people.toml")
    assert "data/people.toml: person 'plain-crew': role.fr: translation missing; English is shown" in people
    assert "data/people.toml: person 'plain-crew': role.nl: translation missing; English is shown" in people
    assert not any(".name." in line or "name.fr" in line for line in people)
    assert "data/sources.toml: source 'plain-note': note.fr: translation missing; English is shown" in missing_for(
        data_copy, "sources.toml"
    )


def test_check_translations_reports_a_missing_french_role(data_copy):
    add_records(data_copy)
    result = subprocess.run(
        [sys.executable, "-m", "explorer", "check", "--translations", str(data_copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data/people.toml: person 'jane-doe': role.fr: translation missing; English is shown" in result.stdout
    assert "person 'jane-doe': role.nl" not in result.stdout


def test_check_translations_reports_the_films_country_and_languages(data_copy):
    film = data_copy / "film.toml"
    text = film.read_text(encoding="utf-8")
    text = re.sub(r"^country\.fr = .*\n", "", text, count=1, flags=re.M)
    text = re.sub(r"^(languages = \[\n\s*\{[^}]*?), nl = \"[^\"]*\"", r"\1", text, count=1, flags=re.M)
    film.write_text(text, encoding="utf-8")
    missing = missing_for(data_copy, "film.toml")
    assert "data/film.toml: film: country.fr: translation missing; English is shown" in missing
    assert "data/film.toml: film: languages[1].nl: translation missing; English is shown" in missing


def test_people_film_and_sources_are_fully_translated():
    for file in ("people.toml", "film.toml", "sources.toml"):
        assert missing_for(DATA, file) == []


def test_characters_and_crew_roles_differ_from_english_where_they_are_words(content):
    """A character known by a description, and every crew role, has French and Dutch of its own."""
    for person in content.people:
        if person.role is not None:
            assert {"en", "fr", "nl"} <= dict(person.role.by_language).keys(), person.id
        if len(dict(person.name.by_language)) > 1:
            assert {"en", "fr", "nl"} <= dict(person.name.by_language).keys(), person.id


# --- the fragments ----------------------------------------------------------------------------------------------


def translated(texts) -> list[tuple[str, str, str]]:
    """(en, fr, nl) of each text whose French or Dutch differs from its English."""
    return [
        (t.get("en"), t.get("fr"), t.get("nl"))
        for t in texts
        if t is not None and (t.get("fr") != t.get("en") or t.get("nl") != t.get("en"))
    ]


def test_crew_film_facts_sources_and_scene_cast_follow_the_language(content):
    crew = content.people_of_kind("crew")
    for _, fr, nl in translated(p.role for p in crew):
        assert html.escape(typeset(fr, "fr")) in crew_html(crew, "fr")
        assert html.escape(nl) in crew_html(crew, "nl")
    facts = film_facts_html(content.film, "nl")
    for en, _, nl in translated([content.film.country, *content.film.languages]):
        assert html.escape(nl) in facts and (en == nl or f">{en}<" not in facts)
    notes = sources_html(content.sources, language="nl")
    for en, _, nl in translated(s.note for s in content.sources):
        assert html.escape(nl) in notes and html.escape(en) not in notes
    characters = {p.id: p for p in content.characters()}
    for scene in content.scenes:
        for character in scene.characters:
            name = characters[character].name
            if name.get("nl") != name.get("en"):
                assert html.escape(name.get("nl")) in scene_html(scene, content, "nl")


# --- typography -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pourquoi?", f"Pourquoi{NNBSP}?"),
        ("Pourquoi ?", f"Pourquoi{NNBSP}?"),
        ("Regarde ! Là ; ici", f"Regarde{NNBSP}! Là{NNBSP}; ici"),
        ("Avec : Stefan", f"Avec{NBSP}: Stefan"),
        ("Avec: Stefan", f"Avec{NBSP}: Stefan"),
        ("« une micro-forêt »", f"«{NNBSP}une micro-forêt{NNBSP}»"),
        ("«micro-forêt»", f"«{NNBSP}micro-forêt{NNBSP}»"),
        ("Quoi?!", f"Quoi{NNBSP}?!"),
        ("« Ici » ?", f"«{NNBSP}Ici{NNBSP}»{NNBSP}?"),
    ],
)
def test_french_spacing(text, expected):
    assert french_spacing(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le rendez-vous est à 12:30, au format 4:3.",
        "Voir https://www.mossenkorstmossen.be/?page=1:2 et www.example.be/a;b",
        "Écrire à mousse@example.be",
        f"Déjà{NBSP}: espacé{NNBSP}; «{NNBSP}bien{NNBSP}»{NNBSP}!",
        ": au début",
        "",
    ],
)
def test_french_spacing_leaves_times_addresses_and_spaced_text_alone(text):
    assert french_spacing(text) == text


def test_french_spacing_is_idempotent_and_only_for_french():
    sample = "Pourquoi? « Ici » : voir https://example.be/x?y=1 ; à 12:30 !"
    once = french_spacing(sample)
    assert french_spacing(once) == once
    assert "https://example.be/x?y=1" in once and "12:30" in once and f"x?y=1{NNBSP};" in once
    assert typeset(sample, "en") == sample and typeset(sample, "nl") == sample and typeset(sample, "fr") == once
    assert NNBSP not in typeset("« Ici » ?", "fr", NBSP)  # for a font without the narrow space
    assert colon("fr") == NBSP + ":" and colon("en") == ":" == colon("nl")


def test_french_spacing_puts_no_break_spaces_only_where_a_space_belongs():
    text = french_spacing("Il dit : « Regarde ! » Puis ; rien ? Fin.")
    # every no-break space sits before : ; ! ? », or after «
    for match in re.finditer(f"[{NO_BREAK}]", text):
        before, after = text[match.start() - 1], text[match.end()]
        assert after in ":;!?»" or before == "«", text
    assert " :" not in text and " ?" not in text and "« " not in text and " »" not in text


def test_french_pages_are_typeset(content):
    """French content reaches the page with its no-break spaces; English and Dutch are left as written."""
    note = Text((("en", "He asks: why?"), ("fr", "Il demande : pourquoi ? « Ici »"), ("nl", "Hij vraagt: waarom?")))
    scene = dataclasses.replace(content.scenes[0], note=note)
    assert re.search(f"[{NO_BREAK}][;:!?]", scene_html(scene, content, "fr"))
    assert not re.search(f"[{NO_BREAK}]", scene_html(scene, content, "en") + scene_html(scene, content, "nl"))


# --- the pages --------------------------------------------------------------------------------------------------


def run(page: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.fixture(autouse=True)
def real_data(monkeypatch):
    monkeypatch.delenv("EXPLORER_DATA_DIR", raising=False)


def test_the_about_page_in_french_shows_no_english_role_or_name(content):
    at = run("pages/about.py", lang="fr")
    page = "\n".join(h.proto.body for h in at.get("html"))
    english = translated(
        [
            *(p.role for p in content.people),
            *(p.name for p in content.people),
            content.film.country,
            *content.film.languages,
            *(s.note for s in content.sources),
        ]
    )
    assert english, "the data has translated roles and names to look for"
    for en, fr, _ in english:
        if en != fr:
            assert re.search(rf"(?<![\w-]){re.escape(html.escape(en))}(?![\w-])", page) is None, en
    for _, fr, _ in translated(p.role for p in content.people):
        assert html.escape(typeset(fr, "fr")) in page


def test_the_scene_pages_character_pills_are_in_dutch(content):
    at = run("pages/scenes.py", lang="nl")
    labels = [option.content for option in at.button_group(key="who").proto.options]
    shown = [
        p for p in content.characters() if p.name.get("nl") != p.name.get("en") and any(p.id in s.characters for s in content.scenes)
    ]  # the pills name who is in a scene
    assert shown, "the data has characters known by a description"
    for person in shown:
        assert any(person.name.get("nl") in label.replace("\\", "") for label in labels), person.id
        assert not any(label.replace("\\", "") == person.name.get("en") for label in labels)
