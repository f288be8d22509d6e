"""The offline map's OpenStreetMap geometry as the app reads it (``explorer.osmdata``): broken files are named
feature by feature, and the content is checked against the map (a place's commune, a walk stop's ground, a leg
crossing a railway or the canal)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import DATA, replace_in
from explorer import osmdata
from explorer.loader import check
from explorer.model import OSM_KINDS, BasemapFeature, Place, Text

M = 111_320.0  # metres per degree of latitude (osmdata's plane)


def messages(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir)]


def rows(data_dir: Path, file: str) -> list[dict]:
    return json.loads((data_dir / "basemap" / file).read_text(encoding="utf-8"))["features"]


def edit(data_dir: Path, file: str, change: Callable[[list[dict]], None]) -> None:
    """Rewrite one of the copy's GeoJSON files after ``change`` has edited its features in place."""
    path = data_dir / "basemap" / file
    collection = json.loads(path.read_text(encoding="utf-8"))
    change(collection["features"])
    path.write_text(json.dumps(collection), encoding="utf-8")


def first(features: list[dict], kind: str, name_fr: str | None = None) -> dict:
    return next(
        f for f in features if f["properties"]["kind"] == kind and (name_fr is None or f["properties"].get("name_fr") == name_fr)
    )


def read_copy(data_dir: Path) -> tuple[BasemapFeature, ...]:
    problems: list = []
    found = osmdata.read(data_dir / "basemap", "data/basemap", problems)
    assert problems == []
    return found


# --- the files, read back -------------------------------------------------------------------------------------------


def test_the_real_content_passes_and_its_places_lie_on_the_outlines(content):
    assert check(DATA) == []
    osm = [f for f in content.basemap if f.kind in OSM_KINDS]
    assert {f.kind for f in osm} >= {"commune", "section", "railway", "rail-yard", "canal", "canal-line", "water"}
    with_commune = [p for p in content.places if p.commune]
    assert len(with_commune) >= 5
    for place in with_commune:  # the check is not vacuous: each place with a commune is inside an outline
        assert osmdata.communes_at(osm, (place.lat, place.lon)), place.id
        assert osmdata.commune_problem(place, osm) is None
    for route in content.walks:
        for stop in route.stops:
            assert osmdata.ground_problem(content.place(stop), osm) is None, (route.id, stop)


def test_no_basemap_folder_means_no_features_and_no_problem(tmp_path):
    problems: list = []
    assert osmdata.read(tmp_path / "basemap", "data/basemap", problems) == ()
    assert problems == []


def test_a_missing_file_is_named(data_copy):
    (data_copy / "basemap" / "water.geojson").unlink()
    assert messages(data_copy) == [
        "data/basemap/water.geojson: is missing: run 'here-explorer basemap --from ...' (data/basemap/README.md)"
    ]


def test_invalid_json_is_named_and_the_other_files_still_read(data_copy):
    (data_copy / "basemap" / "water.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    (data_copy / "basemap" / "railways.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    found = messages(data_copy)
    assert len(found) == 2
    assert found[0] == "data/basemap/railways.geojson: features: must be a list (a GeoJSON FeatureCollection)"
    assert found[1].startswith("data/basemap/water.geojson: is not readable GeoJSON (Expecting value: line 1")


def test_every_broken_feature_is_named_by_file_feature_field_and_value(data_copy):
    """Each problem names the file, the feature, the field and the value, and all are collected at once; the
    communes broken here hold no place, so nothing else is reported."""
    communes = rows(data_copy, "communes.geojson")
    koekelberg, ganshoren = first(communes, "commune", "Koekelberg"), first(communes, "commune", "Ganshoren")
    railway, canal = first(rows(data_copy, "railways.geojson"), "railway"), first(rows(data_copy, "water.geojson"), "canal")
    pond, stream = first(rows(data_copy, "water.geojson"), "water"), first(rows(data_copy, "water.geojson"), "stream")

    def break_communes(features: list[dict]) -> None:
        for feature in features:
            if feature["id"] == koekelberg["id"]:
                del feature["properties"]["label"]
            if feature["id"] == ganshoren["id"]:
                feature["geometry"]["coordinates"][0][2] = [200.0, 50.87]

    def break_railways(features: list[dict]) -> None:
        first(features, "railway")["properties"]["kind"] = "motorway"
        yard = first(features, "rail-yard")
        yard["geometry"] = {"type": "LineString", "coordinates": yard["geometry"]["coordinates"][0]}

    def break_water(features: list[dict]) -> None:
        for feature in features:
            if feature["id"] == stream["id"]:
                feature["id"] = pond["id"]  # the second one with this id

    edit(data_copy, "communes.geojson", break_communes)
    edit(data_copy, "railways.geojson", break_railways)
    edit(data_copy, "water.geojson", break_water)
    yard = first(rows(data_copy, "railways.geojson"), "rail-yard")
    found = messages(data_copy)
    assert sorted(found) == sorted(
        [
            f"data/basemap/communes.geojson: feature {ganshoren['id']!r}: geometry.coordinates: part 0: must be a list of "
            f"[lon, lat] pairs within range (got {_shown(ganshoren['geometry']['coordinates'][0], 2, [200.0, 50.87])})",
            f"data/basemap/communes.geojson: feature {koekelberg['id']!r}: properties.label: a commune or section needs a name "
            "and a [lon, lat] label (got None)",
            f"data/basemap/railways.geojson: feature {railway['id']!r}: properties.kind: must be one of {', '.join(OSM_KINDS)} "
            "(got 'motorway')",
            f"data/basemap/railways.geojson: feature {yard['id']!r}: geometry.type: must be Polygon or MultiPolygon for a "
            "rail-yard (got 'LineString')",
            f"data/basemap/water.geojson: feature {pond['id']!r}: id: is used by another feature (got {pond['id']!r})",
        ]
    )
    assert canal  # untouched features still read


def _shown(ring: list, index: int, value: list) -> str:
    """The ring with one point changed, as a problem shows it (at most 80 characters)."""
    return repr([*ring[:index], value, *ring[index + 1 :]])[:77] + "..."


def test_a_value_of_the_wrong_type_and_a_feature_that_is_not_an_object(data_copy):
    def break_water(features: list[dict]) -> None:
        first(features, "canal")["properties"]["name_nl"] = 12
        features.append("not a feature")
        features.append({"type": "Feature", "properties": {"kind": "water"}, "geometry": {"type": "Polygon", "coordinates": 5}})

    canal = first(rows(data_copy, "water.geojson"), "canal")
    count = len(rows(data_copy, "water.geojson"))
    edit(data_copy, "water.geojson", break_water)
    assert messages(data_copy) == [
        f"data/basemap/water.geojson: feature {canal['id']!r}: properties.name_nl: must be a text (got 12)",
        f"data/basemap/water.geojson: feature {count}: must be a GeoJSON Feature object (got 'not a feature')",
        f"data/basemap/water.geojson: feature {count + 1}: id: must be a non-empty text (got None)",
        f"data/basemap/water.geojson: feature {count + 1}: geometry.coordinates: must be the coordinates of a Polygon (got 5)",
    ]


def test_hostile_shapes_are_problems_not_tracebacks(data_copy):
    """A kind that is a list, a polygon without rings, and a file nested past what a reader can follow."""

    def break_water(features: list[dict]) -> None:
        first(features, "canal")["properties"]["kind"] = ["canal"]
        features.append(
            {"type": "Feature", "id": "empty", "properties": {"kind": "water"}, "geometry": {"type": "Polygon", "coordinates": []}}
        )

    canal = first(rows(data_copy, "water.geojson"), "canal")
    edit(data_copy, "water.geojson", break_water)
    (data_copy / "basemap" / "railways.geojson").write_text('{"features": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    assert messages(data_copy) == [
        "data/basemap/railways.geojson: nests arrays or objects too deeply to be read",
        f"data/basemap/water.geojson: feature {canal['id']!r}: properties.kind: must be one of {', '.join(OSM_KINDS)} (got ['canal'])",
        "data/basemap/water.geojson: feature 'empty': geometry.coordinates: must hold at least one ring (got [])",
    ]


def test_a_multipolygon_gives_one_feature_per_ring_and_the_label_to_the_first(data_copy):
    communes = rows(data_copy, "communes.geojson")
    jette = first(communes, "commune", "Jette")

    def split(features: list[dict]) -> None:
        for feature in features:
            if feature["id"] == jette["id"]:
                ring = feature["geometry"]["coordinates"][0]
                islet = [[4.2, 50.9], [4.201, 50.9], [4.201, 50.901], [4.2, 50.9]]
                feature["geometry"] = {"type": "MultiPolygon", "coordinates": [[ring], [islet]]}

    edit(data_copy, "communes.geojson", split)
    read = {f.id: f for f in read_copy(data_copy)}
    main, islet = read[jette["id"]], read[jette["id"] + "#2"]
    assert main.label == (jette["properties"]["label"][1], jette["properties"]["label"][0]) and islet.label is None
    assert islet.points[0] == (50.9, 4.2) and islet.kind == "commune" and islet.name == main.name
    assert messages(data_copy) == []


# --- the content against the map --------------------------------------------------------------------------------


def test_a_place_whose_commune_is_not_where_its_point_lies(data_copy):
    replace_in(data_copy / "places.toml", 'commune = "Jette"', 'commune = "Evere"')  # the first: the apartment
    jette = first(rows(data_copy, "communes.geojson"), "commune", "Jette")
    assert messages(data_copy) == [
        "data/places.toml: place 'apartment': commune: the point (50.8779, 4.3257) lies in "
        f"{jette['properties']['name'].replace(' - ', ' / ')} (commune) on the OpenStreetMap outlines "
        "(data/basemap/communes.geojson) (got 'Evere')"
    ]


def test_a_place_in_a_section_may_name_the_section_or_its_commune(data_copy, content):
    osm = read_copy(data_copy)
    section = next(f for f in osm if f.kind == "section" and f.label and f.commune)
    commune = next(f for f in osm if f.id == section.commune)
    place = replace(content.place("apartment"), lat=section.label[0], lon=section.label[1])
    assert [f.id.partition("#")[0] for f in osmdata.communes_at(osm, section.label)] == [commune.id, section.id]
    for given in (section.name.get("fr"), section.name.get("nl"), commune.name.get("fr"), commune.name.get("en")):
        assert osmdata.commune_problem(replace(place, commune=given), osm) is None, given
    wrong = osmdata.commune_problem(replace(place, commune="Jette"), osm)
    assert wrong is not None
    assert f"lies in {section.name.get('en')} (section) in {commune.name.get('en')} (commune)" in wrong
    assert osmdata.commune_problem(replace(place, commune=""), osm) is None, "no commune given: nothing to compare"
    outside = replace(place, lat=10.0, lon=10.0, commune="Jette")
    assert osmdata.commune_problem(outside, osm) is None, "no outline there: nothing to compare"


def _move(data_copy: Path, place: str, lat: float, lon: float) -> None:
    text = (data_copy / "places.toml").read_text(encoding="utf-8")
    start = text.index(f'id = "{place}"')
    end = text.index("[[place]]", start) if "[[place]]" in text[start:] else len(text)
    block = text[start:end]
    lat_line = next(line for line in block.splitlines() if line.startswith("lat = "))
    lon_line = next(line for line in block.splitlines() if line.startswith("lon = "))
    moved = block.replace(lat_line, f"lat = {lat}").replace(lon_line, f"lon = {lon}")
    (data_copy / "places.toml").write_text(text[:start] + moved + text[end:], encoding="utf-8")


def _nearest_vertex(point: tuple[float, float], features: list[dict], kind: str) -> tuple[dict, list[float]]:
    """The feature of ``kind`` with the vertex nearest ``point`` (lat, lon), and that vertex [lon, lat]."""
    best = None
    for feature in features:
        if feature["properties"]["kind"] != kind:
            continue
        coords = feature["geometry"]["coordinates"]
        while isinstance(coords[0][0], list):
            coords = [c for part in coords for c in part]
        for lon, lat in coords:
            d = math.dist((lat, lon), point)
            if best is None or d < best[0]:
                best = (d, feature, [lon, lat])
    assert best is not None
    return best[1], best[2]


# the building site: a stop of the city-centre walk with no commune given (so only the ground is checked)
STOP, ROUTE = "building-site", "city-centre"


def _stop_where(content) -> tuple[float, float]:
    place = content.place(STOP)
    assert not place.commune and any(STOP in r.stops for r in content.walks if r.id == ROUTE)
    return place.lat, place.lon


def test_a_walk_stop_on_a_railway_is_refused(data_copy, content):
    railway, (lon, lat) = _nearest_vertex(_stop_where(content), rows(data_copy, "railways.geojson"), "railway")
    _move(data_copy, STOP, lat, lon)
    assert messages(data_copy) == [
        f"data/walks.toml: route '{ROUTE}': stops: stop '{STOP}': the point ({lat}, {lon}) lies on the railway's land, "
        f"0 m from the tracks (data/basemap/railways.geojson: {railway['id']}); move the place (its lat and lon in "
        f"data/places.toml, place '{STOP}') to where a walker can stand (got '{STOP}')"
    ]


def test_a_walk_stop_beside_a_railway_is_refused_within_the_tracks_land_only(content):
    tracks = BasemapFeature("railway-x", "railway", Text.english(""), ((50.0, 4.0), (50.0, 4.01)))
    place = replace(content.place(STOP), lat=50.0, lon=4.005)
    for metres, refused in ((0, True), (11, True), (13, False), (100, False)):
        beside = replace(place, lat=50.0 + metres / M)
        assert (osmdata.ground_problem(beside, [tracks]) is not None) is refused, metres
    beyond_the_end = replace(place, lat=50.0, lon=4.0 - 5 / (M * math.cos(math.radians(50))))
    assert "5 m from the tracks" in (osmdata.ground_problem(beyond_the_end, [tracks]) or "")


def test_a_walk_stop_in_a_rail_yard_is_refused(data_copy, content):
    yard, (lon, lat) = _nearest_vertex(_stop_where(content), rows(data_copy, "railways.geojson"), "rail-yard")
    ring = [(p[1], p[0]) for p in yard["geometry"]["coordinates"][0]]
    lat, lon = _a_point_inside(ring, (lat, lon))
    _move(data_copy, STOP, lat, lon)
    found = messages(data_copy)
    assert len(found) == 1
    assert found[0].startswith(f"data/walks.toml: route '{ROUTE}': stops: stop '{STOP}': the point ({lat}, {lon}) lies on ")
    assert "railway" in found[0] and found[0].endswith(
        f"; move the place (its lat and lon in data/places.toml, place '{STOP}') to where a walker can stand (got '{STOP}')"
    )


def _a_point_inside(ring: list[tuple[float, float]], near: tuple[float, float]) -> tuple[float, float]:
    """A point with 5 decimals inside ``ring``, as near ``near`` as a small grid search finds."""
    for step in range(1, 40):
        for dlat in range(-step, step + 1):
            for dlon in range(-step, step + 1):
                point = (round(near[0] + dlat * 0.00005, 5), round(near[1] + dlon * 0.00005, 5))
                if osmdata.inside(point, ring) and osmdata.distance_m(point, ring) > 3:
                    return point
    raise AssertionError(f"no point found inside the ring near {near}")


def test_a_walk_stop_in_the_canal_is_refused(data_copy, content):
    canal, vertex = _nearest_vertex(_stop_where(content), rows(data_copy, "water.geojson"), "canal")
    ring = [(p[1], p[0]) for p in canal["geometry"]["coordinates"][0]]
    lat, lon = _a_point_inside(ring, (vertex[1], vertex[0]))
    _move(data_copy, STOP, lat, lon)
    found = messages(data_copy)
    assert len(found) == 1
    assert found[0] == (
        f"data/walks.toml: route '{ROUTE}': stops: stop '{STOP}': the point ({lat}, {lon}) lies in water "
        f"(data/basemap/water.geojson: {canal['id']}); move the place (its lat and lon in data/places.toml, place '{STOP}') "
        f"to where a walker can stand (got '{STOP}')"
    )


def test_a_walk_stop_in_a_pond_is_refused_and_beside_it_is_not(content):
    pond = BasemapFeature(
        "water-x", "water", Text.english(""), ((50.0, 4.0), (50.0, 4.002), (50.001, 4.002), (50.001, 4.0), (50.0, 4.0))
    )
    place = content.place(STOP)
    assert "lies in water (data/basemap/water.geojson: water-x)" in (
        osmdata.ground_problem(replace(place, lat=50.0005, lon=4.001), [pond]) or ""
    )
    assert osmdata.ground_problem(replace(place, lat=50.0015, lon=4.001), [pond]) is None
    stream = BasemapFeature("stream-x", "stream", Text.english(""), ((50.0005, 3.9), (50.0005, 4.1)))
    assert osmdata.ground_problem(replace(place, lat=50.0005, lon=4.05), [stream]) is None, "a stream is not a barrier to stand on"


# --- crossings and the geometry under them ----------------------------------------------------------------------------


def _place(lat: float, lon: float) -> Place:
    return Place(
        id=f"p{lat}-{lon}",
        name=Text.english("p"),
        description=Text.english(""),
        lat=lat,
        lon=lon,
        kind="city",
        provenance="illustrative",
    )


RAIL = BasemapFeature("railway", "railway", Text.english(""), ((50.0, 4.0), (50.0, 4.02)))
RAIL_TWIN = BasemapFeature("railway-2", "railway", Text.english(""), ((50.0 + 5 / M, 4.0), (50.0 + 5 / M, 4.02)))  # same bundle
CANAL = BasemapFeature(
    "canal-line", "canal-line", Text((("en", "Canal"), ("fr", "Canal"), ("nl", "Kanaal"))), ((49.99, 4.03), (50.01, 4.03))
)
STREAM = BasemapFeature("stream", "stream", Text.english("Beek"), ((49.99, 4.005), (50.01, 4.005)))


def test_a_leg_across_a_railway_is_a_crossing_and_a_leg_beside_it_is_not():
    south, north, north_east = _place(49.995, 4.01), _place(50.005, 4.01), _place(50.005, 4.015)
    (found,) = osmdata.crossings([south, north, north_east], [RAIL])
    assert found.leg == 1 and found.kind == "railway" and found.name == RAIL.name
    assert found.at == pytest.approx((50.0, 4.01))
    assert osmdata.crossings([north, north_east], [RAIL]) == ()
    assert osmdata.crossings([north_east, south], [RAIL])[0].leg == 1
    assert osmdata.crossings([north, north_east, south], [RAIL])[0].leg == 2


def test_the_canal_line_is_a_crossing_named_canal_and_areas_or_streams_are_not():
    west, east = _place(50.005, 4.02), _place(50.005, 4.04)
    (found,) = osmdata.crossings([west, east], [CANAL, STREAM])
    assert (found.leg, found.kind, found.name, found.passage) == (1, "canal", CANAL.name, None)
    assert found.at == pytest.approx((50.005, 4.03))
    area = BasemapFeature(
        "canal", "canal", CANAL.name, ((49.99, 4.029), (49.99, 4.031), (50.01, 4.031), (50.01, 4.029), (49.99, 4.029))
    )
    assert osmdata.crossings([west, east], [area]) == ()
    assert osmdata.crossings([_place(50.005, 4.0), _place(50.005, 4.01)], [STREAM]) == ()


def test_two_lines_of_one_corridor_count_once_and_two_corridors_twice():
    south, north = _place(49.995, 4.01), _place(50.005, 4.01)
    assert len(osmdata.crossings([south, north], [RAIL, RAIL_TWIN])) == 1
    assert len(osmdata.crossings([south, north], [RAIL_TWIN, RAIL])) == 1
    beside = BasemapFeature("railway-3", "railway", Text.english(""), ((50.0 + 150 / M, 4.0), (50.0 + 150 / M, 4.02)))
    assert len(osmdata.crossings([south, north], [RAIL, beside])) == 1, "a corridor is up to 250 m wide"
    far = BasemapFeature("railway-4", "railway", Text.english(""), ((50.0 + 400 / M, 4.0), (50.0 + 400 / M, 4.02)))
    found = osmdata.crossings([south, north], [far, RAIL])
    assert [c.at[0] for c in found] == pytest.approx([50.0, 50.0 + 400 / M]), "two crossings, nearest the leg's start first"
    assert [c.at[0] for c in osmdata.crossings([north, south], [far, RAIL])] == pytest.approx([50.0 + 400 / M, 50.0])


def test_a_railway_crossing_names_the_nearest_passage_within_a_kilometre():
    south, north = _place(49.995, 4.01), _place(50.005, 4.01)
    east_m = M * math.cos(math.radians(50.0))

    def passage(metres_east: float, metres_north: float = 0.0) -> BasemapFeature:
        where = (50.0 + metres_north / M, 4.01 + metres_east / east_m)
        return BasemapFeature(f"passage-{metres_east}", "passage", Text.english(""), (where,))

    (found,) = osmdata.crossings([south, north], [RAIL, passage(300), passage(-600), passage(0, 2000)])
    assert found.passage == pytest.approx((50.0, 4.01 + 300 / east_m))
    assert (found.passage_m, found.passage_direction) == (300, "east")
    (found,) = osmdata.crossings([south, north], [RAIL, passage(-430, -20)])
    assert (found.passage_m, found.passage_direction) == (430, "west")
    (found,) = osmdata.crossings([south, north], [RAIL, passage(200, 200)])
    assert (found.passage_m, found.passage_direction) == (280, "north-east")
    (found,) = osmdata.crossings([south, north], [RAIL, passage(1100)])
    assert (found.passage, found.passage_m, found.passage_direction) == (None, 0, ""), "too far to offer"
    west, east = _place(50.005, 4.02), _place(50.005, 4.04)
    near_the_canal = BasemapFeature("passage-c", "passage", Text.english(""), ((50.0051, 4.0305),))
    (found,) = osmdata.crossings([west, east], [CANAL, near_the_canal])
    assert found.passage is None, "the canal's bridges are streets, not in these layers"


def test_crossings_are_listed_leg_by_leg():
    stops = [_place(49.995, 4.01), _place(50.005, 4.01), _place(50.005, 4.04), _place(50.005, 4.045)]
    found = osmdata.crossings(stops, [CANAL, RAIL])
    assert [(c.leg, c.kind) for c in found] == [(1, "railway"), (2, "canal")]
    assert osmdata.crossings(stops[:1], [CANAL, RAIL]) == () and osmdata.crossings([], [RAIL]) == ()


SQUARE = ((0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0))
NOTCHED = ((0.0, 0.0), (0.0, 3.0), (3.0, 3.0), (3.0, 2.0), (1.0, 2.0), (1.0, 1.0), (3.0, 1.0), (3.0, 0.0))  # a C opening north


def test_inside_follows_the_even_odd_rule():
    assert osmdata.inside((0.5, 0.5), SQUARE)
    assert not osmdata.inside((1.5, 0.5), SQUARE) and not osmdata.inside((-0.1, 0.5), SQUARE)
    assert osmdata.inside((0.5, 2.5), NOTCHED) and osmdata.inside((2.5, 2.5), NOTCHED)
    assert not osmdata.inside((2.0, 1.5), NOTCHED), "in the C's mouth"
    assert osmdata.inside((0.5, 0.5), SQUARE[:-1]), "an unclosed ring is closed"


def test_distance_in_metres_to_a_line():
    line = ((50.0, 4.0), (50.0, 4.01))
    assert osmdata.distance_m((50.001, 4.005), line) == pytest.approx(111.32)
    lon_metres = M * math.cos(math.radians(50.0))
    assert osmdata.distance_m((50.0, 4.011), line) == pytest.approx(0.001 * lon_metres), "beyond its end: to the end"
    assert osmdata.distance_m((50.0, 4.003), line) == pytest.approx(0.0, abs=1e-9)
    shrink = math.cos(math.radians(50.0003))  # the plane is tangent at the point's latitude
    assert osmdata.distance_m((50.0003, 4.0004), ((50.0, 4.0), (50.0, 4.0))) == pytest.approx(
        math.hypot(0.0003 * M, 0.0004 * M * shrink)
    )
    assert osmdata.distance_m((50.0, 4.0), ((50.0, 4.0),)) == math.inf


def test_crossing_gives_the_first_point_met_from_the_start():
    zigzag = ((49.99, 4.01), (50.01, 4.01), (50.01, 4.02), (49.99, 4.02))
    assert osmdata.crossing((50.0, 4.0), (50.0, 4.03), zigzag) == pytest.approx((50.0, 4.01))
    assert osmdata.crossing((50.0, 4.03), (50.0, 4.0), zigzag) == pytest.approx((50.0, 4.02))
    assert osmdata.crossing((50.0, 4.0), (50.0, 4.005), zigzag) is None, "stops short of it"
    assert osmdata.crossing((50.02, 4.0), (50.02, 4.03), zigzag) is None, "passes north of it"
    assert osmdata.crossing((49.99, 4.0), (50.01, 4.0), zigzag) is None, "parallel"


def test_a_place_beyond_the_offline_map_is_refused(data_copy, content):
    drawn = osmdata.extent(content.basemap)
    assert drawn is not None and all(osmdata.outside_problem(p, drawn) is None for p in content.places)
    south, west, north, east = drawn
    _move(data_copy, "hotel", 50.86, round(east + 0.01, 5))  # east of everything the map draws
    found = [m for m in messages(data_copy) if "walks.toml" not in m]  # the walk through it grows too long, too
    assert len(found) == 1 and found[0].startswith(
        f"data/places.toml: place 'hotel': lat: the point (50.86, {round(east + 0.01, 5)}) lies outside the offline map"
    )
    assert "here-explorer basemap" in found[0] and found[0].endswith(f"(got [50.86, {round(east + 0.01, 5)}])")
    assert osmdata.outside_problem(content.place("hotel"), None) is None  # no geometry: nothing to be outside of
