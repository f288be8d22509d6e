"""Loading and validating content: good content loads; each kind of breakage gets its own clear message."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, FIPRESCI_AWARD, replace_in
from explorer import ContentError, ExplorerError, load_content
from explorer.loader import check
from explorer.model import THEMES


def messages(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir)]


def test_real_content_is_valid_and_complete(content):
    assert check(DATA) == []
    assert len(content.places) >= 10
    assert len(content.scenes) >= 12
    assert len(content.facts) >= 15
    interview = [f for f in content.facts if f.kind == "interview"]
    assert len(interview) >= 6 and all(f.quote and f.quote.source == "interview-berlinale-2023" for f in interview)
    species = {f.species for f in content.facts if f.kind == "species"}
    assert {"Grimmia pulvinata", "Tortula muralis", "Bryum argenteum"} <= species
    assert all(f.places for f in content.facts_of_kind("interview", "director")), "the director's words name places"
    assert not any(f.places for f in content.facts_of_kind("species")), "no species is tied to an unsurveyed spot"


def test_scenes_are_in_story_order_and_use_known_themes(content):
    orders = [s.order for s in content.scenes]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert all(set(s.themes) <= set(THEMES) for s in content.scenes)


def test_only_the_moeraske_is_documented_and_jette_is_commune_only(content):
    documented = [p.id for p in content.places if p.provenance == "documented"]
    assert documented == ["moeraske"]
    apartment = content.place("apartment")
    assert apartment.provenance == "commune" and apartment.commune == "Jette"
    for place in content.places:
        if place.provenance == "illustrative":
            assert place.why is not None and place.why.get()


def test_records_are_frozen(content):
    with pytest.raises(AttributeError):
        content.places[0].lat = 0.0  # type: ignore[misc]


def test_missing_field(data_copy):
    replace_in(data_copy / "places.toml", 'kind = "green"\nprovenance = "documented"', 'provenance = "documented"')
    assert messages(data_copy) == ["data/places.toml: place 'moeraske': kind: is required but missing"]


def test_wrong_type_names_file_record_field_and_value(data_copy):
    replace_in(data_copy / "places.toml", "lat = 50.8812", 'lat = "north"')
    assert messages(data_copy) == ["data/places.toml: place 'moeraske': lat: must be a number between -90 and 90 (got 'north')"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("lat = 50.8812", "lat = 95.0", "lat: must be a number between -90 and 90 (got 95.0)"),
        ("lon = 4.3980", "lon = -181", "lon: must be a number between -180 and 180 (got -181)"),
        ("lon = 4.3980", "lon = true", "lon: must be a number between -180 and 180 (got True)"),
    ],
)
def test_coordinates_out_of_range(data_copy, old, new, expected):
    replace_in(data_copy / "places.toml", old, new)
    assert messages(data_copy) == [f"data/places.toml: place 'moeraske': {expected}"]


def test_duplicate_id(data_copy):
    replace_in(data_copy / "places.toml", 'id = "garage"', 'id = "moeraske"')
    found = messages(data_copy)
    assert "data/places.toml: place 'moeraske': id: is used by another place in this file (got 'moeraske')" in found


def test_dangling_references_are_each_reported(data_copy):
    replace_in(data_copy / "scenes.toml", 'place = "moeraske"', 'place = "atlantis"')
    replace_in(data_copy / "scenes.toml", 'characters = ["stefan", "mechanic"]', 'characters = ["stefan", "ghost"]')
    replace_in(data_copy / "moss.toml", 'source = "bruzz-2024"', 'source = "nowhere"')
    found = messages(data_copy)
    assert "data/scenes.toml: scene 'micro-forest': place: names a place that is not in places.toml (got 'atlantis')" in found
    assert "data/scenes.toml: scene 'garage': characters: names a person that is not in people.toml (got 'ghost')" in found
    assert "data/moss.toml: fact 'oldest-land-plant': source: names a source that is not in sources.toml (got 'nowhere')" in found
    assert len(found) == 3


def test_reference_to_a_person_who_is_not_a_character(data_copy):
    replace_in(
        data_copy / "scenes.toml", 'characters = ["shuxiu"]\nthemes = ["language"', 'characters = ["liyo-gong"]\nthemes = ["language"'
    )
    assert messages(data_copy) == [
        "data/scenes.toml: scene 'names-forgotten': characters: must name a character, but 'liyo-gong' is cast (got 'liyo-gong')"
    ]


def test_malformed_toml_is_reported_and_other_files_still_checked(data_copy):
    (data_copy / "film.toml").write_text('title = "Here"\nyear = [', encoding="utf-8")
    replace_in(data_copy / "places.toml", "lat = 50.8812", 'lat = "north"')
    found = messages(data_copy)
    assert found[0].startswith("data/film.toml: is not valid TOML: ")
    assert "data/places.toml: place 'moeraske': lat: must be a number between -90 and 90 (got 'north')" in found


def test_missing_file_is_reported_without_a_flood_of_dangling_references(data_copy):
    (data_copy / "people.toml").unlink()
    assert messages(data_copy) == ["data/people.toml: file is missing"]


def test_a_byte_order_mark_is_accepted(data_copy):
    places = data_copy / "places.toml"
    places.write_text("\ufeff" + places.read_text(encoding="utf-8"), encoding="utf-8")
    assert messages(data_copy) == []


def test_unknown_tables_and_empty_files_are_reported(data_copy):
    (data_copy / "places.toml").write_text("", encoding="utf-8")
    text = (data_copy / "moss.toml").read_text(encoding="utf-8").replace("[[tip]]", "[[tips]]")
    (data_copy / "moss.toml").write_text(text, encoding="utf-8")
    found = messages(data_copy)
    assert "data/places.toml: place: no [[place]] records: at least one is needed" in found
    assert "data/moss.toml: tips: is not a known table; this file holds [[fact]] and [[tip]]" in found


def test_ids_with_a_trailing_newline_are_refused(data_copy):
    replace_in(data_copy / "places.toml", 'id = "hotel"', 'id = "hotel\\n"')
    found = messages(data_copy)
    assert found[0] == (
        "data/places.toml: place 'hotel\\n': id: must be lower-case letters, digits and single hyphens, "
        "like 'moeraske' (got 'hotel\\n')"
    )


def test_film_fields(data_copy):
    film = data_copy / "film.toml"
    film.write_text(
        re.sub(r"^languages = \[.*?^\]$", "languages = []", film.read_text(encoding="utf-8"), count=1, flags=re.M | re.S),
        encoding="utf-8",
    )
    replace_in(data_copy / "film.toml", FIPRESCI_AWARD, "42")
    replace_in(data_copy / "film.toml", 'quote = "A movie of quiet magnificence"', "quote = 5")
    assert sorted(messages(data_copy)) == [
        'data/film.toml: film: awards[2]: must be a string or a table of languages like { en = "..." } (got 42)',
        "data/film.toml: film: languages: must be a non-empty list of texts (got [])",
        "data/film.toml: press quote #1: quote: must be a non-empty string (got 5)",
    ]


def test_speaker_without_a_quote(data_copy):
    replace_in(data_copy / "moss.toml", 'species = "Bryum argenteum"', 'species = "Bryum argenteum"\nspeaker = "bas-devos"')
    assert messages(data_copy) == [
        "data/moss.toml: fact 'bryum-argenteum': speaker: is given, but there is no quote for it to attribute"
    ]


def test_unknown_field_catches_typos(data_copy):
    replace_in(
        data_copy / "places.toml",
        'kind = "green"\nprovenance = "documented"',
        'kind = "green"\ndescripton = "typo"\nprovenance = "documented"',
    )
    assert messages(data_copy)[0].startswith("data/places.toml: place 'moeraske': descripton: is not a known field")


def test_provenance_rules(data_copy):
    replace_in(data_copy / "places.toml", 'evidence = ["nyt-dargis-2024"]\n', "")
    replace_in(data_copy / "places.toml", 'why.en = "The film does not name the hospital.', 'note.en = "x')
    found = messages(data_copy)
    assert "data/places.toml: place 'apartment': evidence: is required but missing" in found
    assert "data/places.toml: place 'hospital': why.en: is required but missing (English is the fallback)" in found


def test_text_field_needs_english(data_copy):
    replace_in(data_copy / "places.toml", 'name.en = "The hotel where a friend works"\n', "")
    assert messages(data_copy) == ["data/places.toml: place 'hotel': name.en: is required but missing (English is the fallback)"]


def test_all_problems_are_collected_at_once(data_copy):
    replace_in(data_copy / "places.toml", "lat = 50.8812", 'lat = "north"')
    replace_in(data_copy / "places.toml", 'kind = "city"', 'kind = "town"')
    replace_in(data_copy / "scenes.toml", "order = 2\n", "order = 1\n")
    replace_in(data_copy / "sources.toml", "year = 2023", "year = 23")
    with pytest.raises(ContentError) as raised:
        load_content(data_copy)
    assert len(raised.value.problems) == 4
    assert isinstance(raised.value, ExplorerError)
    assert "4 problems in the explorer's content" in str(raised.value)


def test_not_a_number_is_refused(data_copy):
    replace_in(data_copy / "places.toml", "lat = 50.8812", "lat = nan")
    assert messages(data_copy) == ["data/places.toml: place 'moeraske': lat: must be a number between -90 and 90 (got nan)"]
    with pytest.raises(ContentError):
        load_content(data_copy)


def test_not_a_folder(tmp_path):
    assert [str(p) for p in check(tmp_path / "nope")] == [f"{tmp_path / 'nope'}: is not a folder of content files"]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "explorer", *args], capture_output=True, text=True, timeout=60)


def test_cli_check_passes_on_real_content():
    result = run_cli("check", str(DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The settings and all content in" in result.stdout


def test_cli_check_lists_every_problem_and_fails(data_copy):
    replace_in(data_copy / "places.toml", "lat = 50.8812", 'lat = "north"')
    replace_in(data_copy / "scenes.toml", 'place = "moeraske"', 'place = "atlantis"')
    result = run_cli("check", str(data_copy))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "data/places.toml: place 'moeraske': lat: must be a number between -90 and 90 (got 'north')" in lines
    assert "data/scenes.toml: scene 'micro-forest': place: names a place that is not in places.toml (got 'atlantis')" in lines
    assert "2 problems found" in result.stdout


def test_basemap_geometry_is_checked(data_copy):
    """data/basemap.toml holds only what the explorer adds by hand: landmarks (points) and the inner ring (an
    area); the kinds now read from OpenStreetMap (canal, railway, ...) are refused there."""
    basemap = data_copy / "basemap.toml"
    replace_in(basemap, "point = [50.8949, 4.3415]", "point = [50.8949]")  # the Atomium
    replace_in(basemap, 'kind = "landmark"\nname.en = "Basilica of Koekelberg"', 'kind = "canal"\nname.en = "Basilica of Koekelberg"')
    replace_in(basemap, "[50.8556, 4.3590], [50.8545, 4.3660]", "[50.8556, 4.3590], [50.8545, 'x']")
    replace_in(basemap, "point = [50.8783, 4.3786]", "area = [[50.8783, 4.3786], [50.88, 4.38], [50.87, 4.37]]")  # a landmark
    with basemap.open("a", encoding="utf-8") as file:
        file.write('\n[[feature]]\nid = "small-ring"\nkind = "ring"\nname = "Too small"\narea = [[50.85, 4.35], [50.86, 4.36]]\n')
    assert messages(data_copy) == [
        "data/basemap.toml: feature 'inner-ring': area[2]: must be [lat, lon] with lat from -90 to 90 and "
        "lon from -180 to 180 (got [50.8545, 'x'])",
        "data/basemap.toml: feature 'atomium': point: must be a [lat, lon] pair (got [50.8949])",
        "data/basemap.toml: feature 'koekelberg-basilica': kind: must be one of landmark, ring (got 'canal')",
        "data/basemap.toml: feature 'schaerbeek-station': area: is not a known field (known: id, kind, name, point)",
        "data/basemap.toml: feature 'schaerbeek-station': point: is required but missing",
        "data/basemap.toml: feature 'small-ring': area: must be a list of at least 3 [lat, lon] pairs "
        "(got [[50.85, 4.35], [50.86, 4.36]])",
    ]


def test_the_hand_drawn_features_join_the_openstreetmap_ones(content):
    """The map's features: the landmarks and the ring from basemap.toml after the OpenStreetMap geometry."""
    kinds = [f.kind for f in content.basemap]
    assert {"landmark", "ring"} <= set(kinds) and {"commune", "railway", "canal"} <= set(kinds)
    first_own = min(kinds.index(k) for k in ("landmark", "ring"))
    assert all(k in ("landmark", "ring") for k in kinds[first_own:])
    ring = next(f for f in content.basemap if f.kind == "ring")
    assert len(ring.points) >= 3 and all(len(p) == 2 for p in ring.points)
    assert all(len(f.points) == 1 for f in content.basemap if f.kind == "landmark")


def test_two_places_with_the_same_name_in_a_language_are_reported(data_copy):
    """The list of places tells them apart by name, so a shared name would make one unreachable there."""
    replace_in(
        data_copy / "places.toml", 'name.fr = "La promenade le long du chemin de fer"', 'name.fr = "  réserve naturelle du  Moeraske"'
    )
    problems = [str(p) for p in check(data_copy)]
    assert problems == [
        "data/places.toml: place 'railway-walk': name: is also the fr name of place 'moeraske' (got 'réserve naturelle du  Moeraske')"
    ], problems


def test_a_copy_of_the_content_with_other_places_leaves_the_original_whole(content):
    from dataclasses import replace

    empty = replace(content, places=())
    assert empty.place("moeraske") is None
    assert content.place("moeraske") is not None and content.place("moeraske").id == "moeraske"


@pytest.mark.parametrize("levels", [40, 3000])
def test_deeply_nested_content_is_a_problem_not_a_traceback(data_copy, levels):
    with (data_copy / "places.toml").open("a", encoding="utf-8") as file:
        file.write("\ndeep = " + "[" * levels + "]" * levels + "\n")
    problems = [str(p) for p in check(data_copy)]
    assert problems and problems[0].startswith("data/places.toml: nests arrays or tables")
    assert len("\n".join(problems)) < 2000  # a sentence per problem, not a traceback
    result = subprocess.run([sys.executable, "-m", "explorer", "check", str(data_copy)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "nests arrays or tables" in result.stdout and "Traceback" not in result.stderr
