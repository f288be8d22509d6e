"""The walks (data/walks.toml): short routes a person can do, their GPX files, the walk page, and the loader's
checks of a route."""

from __future__ import annotations

import dataclasses
import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import streamlit

from conftest import component_data
from conftest import run_page as run
from explorer.basemap import CONTEXT_KINDS, basemap_layer
from explorer.fragments import md, walk_legs_html
from explorer.loader import check
from explorer.model import BasemapFeature, Text
from explorer.osmdata import crossings
from explorer.settings import Settings
from explorer.theme import PALETTE
from explorer.walk import (
    MAX_ROUTE_METRES,
    Walk,
    crossing_mark,
    crossing_note,
    crossing_notes,
    default_route,
    find_route,
    haversine_m,
    hidden_places,
    leg_crossings,
    route_walk,
    straight_line_metres,
    walk_gpx,
    walk_summary,
)

GPX = "{http://www.topografix.com/GPX/1/1}"


@pytest.fixture(autouse=True)
def plain_settings(monkeypatch):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_TILES", "EXPLORER_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)


def where(place) -> tuple[float, float]:
    return place.lat, place.lon


# --- the routes --------------------------------------------------------------------------------------------------


def test_there_are_several_short_routes_of_known_distinct_places(content):
    assert len(content.walks) >= 2
    assert len({r.id for r in content.walks}) == len(content.walks)
    for route in content.walks:
        places = [content.place(i) for i in route.stops]
        assert None not in places and len(set(route.stops)) == len(route.stops) >= 2, route.id
        walk = route_walk(content, route)
        assert walk.metres == pytest.approx(straight_line_metres(map(where, places)))
        assert walk.metres <= MAX_ROUTE_METRES, route.id
        assert walk.minutes == sum(leg.minutes for leg in walk.legs) and len(walk.legs) == len(walk.stops) - 1
        assert route.area.get() and route.name.get() and route.description.get()


def test_every_route_is_in_an_order_that_backtracks_little(content):
    """Walking order, not story order: no other order of a route's stops is more than 10% shorter."""
    for route in content.walks:
        points = [where(content.place(i)) for i in route.stops]
        shortest = min(straight_line_metres(order) for order in itertools.permutations(points))
        assert straight_line_metres(points) <= 1.1 * shortest, route.id


def test_documented_places_near_a_route_are_on_one(content):
    """A documented place (the Moeraske) is what makes a walk worth doing: one close to any route is on a route."""
    on_a_route = {stop for route in content.walks for stop in route.stops}
    stops = [content.place(i) for i in on_a_route]
    documented = [p for p in content.places if p.provenance == "documented"]
    assert documented and on_a_route & {p.id for p in documented}
    for place in documented:
        if any(haversine_m(where(place), where(stop)) <= MAX_ROUTE_METRES for stop in stops):
            assert place.id in on_a_route, place.id


def test_routes_cite_known_sources(content):
    known = {s.id for s in content.sources}
    assert all(set(route.sources) <= known for route in content.walks)


def test_spoiler_safe_leaves_out_only_stops_whose_every_scene_is_hidden(content):
    hidden_scenes = content.spoilers()
    hidden = hidden_places(content, hidden_scenes)
    assert hidden and hidden <= {p.id for p in content.places}
    for place_id in hidden:
        assert all(s.id in hidden_scenes for s in content.scenes_at(place_id))
    for route in content.walks:
        walk = route_walk(content, route, hidden_scenes)
        assert [s.id for s in walk.stops] == [i for i in route.stops if i not in hidden]
        assert walk.hidden == len(set(route.stops) & hidden)
        assert [(leg.start, leg.end) for leg in walk.legs] == list(zip(walk.stops, walk.stops[1:], strict=False))
    safe = default_route(content, hidden_scenes)
    assert len(route_walk(content, safe, hidden_scenes).stops) >= 2  # spoiler-safe opens on a route to walk
    assert default_route(content) == content.walks[0]


# --- the GPX files -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_each_route_has_its_own_gpx_with_a_point_per_stop(content, language):
    names = set()
    for route in content.walks:
        walk = route_walk(content, route)
        root = ET.fromstring(walk_gpx(walk, language))
        assert root.tag == f"{GPX}gpx" and root.get("version") == "1.1"
        waypoints = root.findall(f"{GPX}wpt")
        track = root.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")
        assert len(waypoints) == len(track) == len(walk.stops)
        for point, stop in zip(waypoints, walk.stops, strict=True):
            assert (float(point.get("lat")), float(point.get("lon"))) == pytest.approx(where(stop))
            assert stop.name.get(language) in point.findtext(f"{GPX}name")
            assert point.findtext(f"{GPX}type") == stop.provenance  # how we know the place, stop by stop
        coords = [(float(p.get("lat")), float(p.get("lon"))) for p in track]
        assert straight_line_metres(coords) == pytest.approx(walk.metres, abs=1)
        name = root.findtext(f"{GPX}metadata/{GPX}name")
        assert route.name.get(language) in name and name == root.findtext(f"{GPX}trk/{GPX}name")
        # the description says which stops are illustrations, and that distances are straight lines
        assert walk_summary(walk, language) in root.findtext(f"{GPX}metadata/{GPX}desc")
        names.add(name)
    assert len(names) == len(content.walks)


def test_the_summary_names_the_illustrations(content):
    for route in content.walks:
        walk = route_walk(content, route)
        summary = walk_summary(walk)
        numbers = walk.illustrations
        assert numbers == tuple(n for n, s in enumerate(walk.stops, 1) if s.provenance == "illustrative")
        if 0 < len(numbers) < len(walk.stops):
            assert all(str(n) in summary for n in numbers), route.id
    some = [route_walk(content, r) for r in content.walks]
    assert len({walk_summary(w) for w in some}) > 1  # the summary depends on the route's stops


# --- the map layer -----------------------------------------------------------------------------------------------


def test_each_route_is_a_map_layer_of_its_own_and_unknown_ones_are_refused(content):
    from explorer.mapparts import layer_script
    from explorer_app.mapcomponent import LAYER_KINDS, walk_choice

    build = LAYER_KINDS["walk"]
    for route in content.walks:
        for spoiler_safe in (False, True):
            script, _ = layer_script(build(content, walk_choice(route.id, spoiler_safe)))
            stops = route_walk(content, route, content.spoilers() if spoiler_safe else ()).stops
            assert script.count('class=\\"hx-walk-num\\"') == len(stops), (route.id, spoiler_safe)
    for wrong in ("nowhere--whole", f"{content.walks[0].id}--half", content.walks[0].id, "whole", "spoiler-safe"):
        assert build(content, wrong) is None, wrong


# --- the walk page -----------------------------------------------------------------------------------------------


def legs_rows(at) -> int:
    (table,) = [h.proto.body for h in at.get("html") if 'class="hx-legs"' in h.proto.body]
    return table.count("<tr>") - 1


@pytest.fixture
def downloads(monkeypatch) -> list[dict]:
    """The download buttons' file names and data, as the page offers them."""
    offered: list[dict] = []
    real = streamlit.download_button

    def recorded(label, data=None, file_name=None, *args, **kwargs):
        offered.append({"file_name": file_name, "data": data})
        return real(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recorded)
    return offered


def test_walk_page_opens_on_the_first_route_with_its_gpx(content, downloads):
    at = run("pages/walk.py")
    first = content.walks[0]
    assert at.query_params["route"] in (first.id, [first.id])
    assert legs_rows(at) == len(first.stops) - 1
    assert downloads and downloads[-1]["file_name"].endswith(".gpx") and first.id in downloads[-1]["file_name"]
    root = ET.fromstring(downloads[-1]["data"])
    assert len(root.findall(f"{GPX}wpt")) == len(first.stops)
    assert not at.info  # no note: nothing was wrong with the address


def test_walk_page_shows_the_route_in_the_address(content, downloads):
    other = content.walks[-1]
    assert other != content.walks[0]
    at = run("pages/walk.py", route=other.id)
    assert at.query_params["route"] in (other.id, [other.id]) and not at.info
    assert legs_rows(at) == len(other.stops) - 1
    assert other.id in downloads[-1]["file_name"]
    assert [h.value for h in at.subheader] == [md(other.name.get())]
    at.segmented_control(key="route").set_value(content.walks[0].id).run()  # another route: into the address
    assert at.query_params["route"] in (content.walks[0].id, [content.walks[0].id])
    assert legs_rows(at) == len(content.walks[0].stops) - 1


def test_walk_page_notes_an_unknown_route_and_opens_the_default(content):
    at = run("pages/walk.py", route="elsewhere")
    assert len(at.info) == 1 and "elsewhere" in at.info[0].value
    assert at.query_params["route"] in (content.walks[0].id, [content.walks[0].id])
    assert legs_rows(at) == len(content.walks[0].stops) - 1


def test_walk_page_in_french_offers_the_french_gpx(content, downloads):
    route = content.walks[0]
    run("pages/walk.py", route=route.id, lang="fr")
    root = ET.fromstring(downloads[-1]["data"])
    assert route.name.get("fr") in root.findtext(f"{GPX}metadata/{GPX}name")


def test_a_kiosk_hands_the_route_to_a_phone_instead_of_a_download(content, monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    monkeypatch.setenv("EXPLORER_PUBLIC_URL", "https://here.example")
    route = content.walks[-1]
    at = run("pages/walk.py", route=route.id)
    assert not at.get("download_button")
    (qr,) = at.get("image")
    assert qr.proto.imgs[0].alt.endswith(f"https://here.example/walk?route={route.id}")  # opens this route


# --- the loader's checks -----------------------------------------------------------------------------------------


def walk_problems(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir) if "walks.toml" in str(p)]


def edit_route(data_copy: Path, route_id: str, field: str, value: str) -> None:
    """Set one field of one route in the copy of walks.toml to ``value`` (TOML)."""
    walks = data_copy / "walks.toml"
    head, marker, tail = walks.read_text(encoding="utf-8").partition(f'id = "{route_id}"\n')
    lines = tail.split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith(f"{field} = "))
    lines[at] = f"{field} = {value}"
    walks.write_text(head + marker + "\n".join(lines), encoding="utf-8")


def stops(*place_ids: str) -> str:
    return "[" + ", ".join(f'"{i}"' for i in place_ids) + "]"


def test_an_unknown_place_in_a_route(data_copy, content):
    route = content.walks[-1]
    edit_route(data_copy, route.id, "stops", stops("nowhere", *route.stops))
    assert walk_problems(data_copy) == [
        f"data/walks.toml: route {route.id!r}: stops: names a place that is not in places.toml (got 'nowhere')"
    ]


def test_a_stop_twice_in_a_route(data_copy, content):
    route = content.walks[-1]
    edit_route(data_copy, route.id, "stops", stops(*route.stops, route.stops[0]))
    (problem,) = walk_problems(data_copy)
    assert problem.startswith(f"data/walks.toml: route {route.id!r}: stops:") and route.stops[0] in problem


def test_a_route_too_long_to_walk(data_copy, content):
    route = content.walks[-1]
    far = max(itertools.permutations(content.places, 2), key=lambda ab: haversine_m(where(ab[0]), where(ab[1])))
    there_and_back = [far[0].id, far[1].id, next(p.id for p in content.places if p not in far)]
    assert straight_line_metres(where(content.place(i)) for i in there_and_back) > MAX_ROUTE_METRES
    edit_route(data_copy, route.id, "stops", stops(*there_and_back))
    (problem,) = walk_problems(data_copy)
    assert problem.startswith(f"data/walks.toml: route {route.id!r}: stops:") and "km" in problem


def test_a_route_of_one_stop(data_copy, content):
    route = content.walks[-1]
    edit_route(data_copy, route.id, "stops", stops(route.stops[0]))
    (problem,) = walk_problems(data_copy)
    assert problem.startswith(f"data/walks.toml: route {route.id!r}: stops:")


def test_a_route_citing_an_unknown_source(data_copy, content):
    route = next(r for r in content.walks if r.sources)
    edit_route(data_copy, route.id, "sources", stops("no-such-source"))
    assert walk_problems(data_copy) == [
        f"data/walks.toml: route {route.id!r}: sources: names a source that is not in sources.toml (got 'no-such-source')"
    ]


def test_walks_file_is_needed(data_copy):
    (data_copy / "walks.toml").unlink()
    assert walk_problems(data_copy) == ["data/walks.toml: file is missing"]


def test_find_route(content):
    assert find_route(content, content.walks[0].id) is content.walks[0]
    assert find_route(content, "nowhere") is None and find_route(content, None) is None


# --- crossings: legs whose straight line crosses a main railway or the canal ------------------------------------------


def barrier(kind: str, a, b, share: float = 0.2) -> BasemapFeature:
    """A short line across the middle of the straight line from place ``a`` to place ``b``."""
    mid = ((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
    across = (-(b.lon - a.lon) * share, (b.lat - a.lat) * share)
    ends = ((mid[0] - across[0], mid[1] - across[1]), (mid[0] + across[0], mid[1] + across[1]))
    return BasemapFeature(f"test-{kind}", kind, Text((("en", ""),)), ends)


@pytest.fixture
def crossed(content) -> Walk:
    """A three-stop walk whose first leg crosses a railway and whose second crosses a railway and the canal."""
    route = next(r for r in content.walks if len(r.stops) >= 3)
    a, b, c = (content.place(i) for i in route.stops[:3])
    lines = (barrier("railway", a, b), barrier("railway", b, c), barrier("canal-line", b, c, 0.1))
    walk = route_walk(dataclasses.replace(content, basemap=lines), route)
    return dataclasses.replace(walk, stops=walk.stops[:3], legs=walk.legs[:2])


def test_each_leg_says_once_what_its_straight_line_crosses(crossed):
    assert [(c.leg, c.kind) for c in crossed.crossings] == [(1, "railway"), (2, "railway"), (2, "canal")]
    assert leg_crossings(crossed) == {1: ("railway",), 2: ("railway", "canal")}
    first, second = crossing_notes(crossed)  # one note per leg, naming its two stops
    a, b, c = (s.name.get() for s in crossed.stops)
    assert first.startswith(f"From 1. {a} to 2. {b},") and "railway" in first and "canal" not in first
    assert second.startswith(f"From 2. {b} to 3. {c},") and "railway" in second and "the canal" in second
    canal_only = dataclasses.replace(crossed, crossings=crossed.crossings[2:])
    assert crossing_notes(canal_only) == [crossing_note(canal_only, 2)] and "railway" not in crossing_note(canal_only, 2)
    assert crossing_notes(dataclasses.replace(crossed, crossings=())) == []


def test_a_railway_crossing_names_the_nearest_railway_bridge_on_the_map(crossed, content):
    from explorer.walk import passage_note

    a, b = crossed.stops[:2]
    mid = ((a.lat + b.lat) / 2, (a.lon + b.lon) / 2)
    bridge = BasemapFeature("test-passage", "passage", Text((("en", ""),)), ((mid[0] + 0.0027, mid[1]),))  # ~300 m north
    lines = (barrier("railway", a, b), barrier("canal-line", b, crossed.stops[2]), bridge)
    route = dataclasses.replace(crossed.route, stops=tuple(s.id for s in crossed.stops))
    walk = route_walk(dataclasses.replace(content, basemap=lines), route)
    found = walk.crossings[0]
    assert (found.leg, found.passage_direction) == (1, "north") and 250 <= found.passage_m <= 350
    assert f"{found.passage_m} m to the north of where" in crossing_note(walk, 1) and passage_note(walk, 2) == ""  # not for the canal
    assert "au nord" in passage_note(walk, 1, "fr") and "ten noorden" in passage_note(walk, 1, "nl")
    far = dataclasses.replace(content, basemap=(*lines[:2], dataclasses.replace(bridge, points=((mid[0] + 0.02, mid[1]),))))
    assert passage_note(route_walk(far, route), 1) == ""  # more than a kilometre away: not offered


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
def test_the_gpx_says_where_a_leg_crosses(crossed, language):
    root = ET.fromstring(walk_gpx(crossed, language))
    notes = crossing_notes(crossed, language)
    descs = [w.findtext(f"{GPX}desc") for w in root.findall(f"{GPX}wpt")]
    assert len(descs) == len(crossed.stops)  # one waypoint per stop, nothing else
    assert descs[0].startswith(notes[0]) and descs[1].startswith(notes[1])  # said first where the leg sets off
    assert not any(note in descs[2] for note in notes)
    for where in (f"{GPX}metadata/{GPX}desc", f"{GPX}trk/{GPX}desc"):
        assert all(note in root.findtext(where) for note in notes)
    plain = ET.fromstring(walk_gpx(dataclasses.replace(crossed, crossings=()), language))  # without the crossings
    text = "".join(plain.itertext())
    assert not any(note in text for note in notes) and "straight line crosses" not in text


def test_the_legs_table_marks_the_legs_that_cross(crossed, content):
    rows = walk_legs_html(crossed).split("<tr>")[2:]  # after the heading row
    assert ["hx-leg-crossing" in row for row in rows] == [True, True]
    assert crossing_mark(("railway",)) in rows[0] and crossing_mark(("railway", "canal")) in rows[1]
    assert "hx-leg-crossing" not in walk_legs_html(dataclasses.replace(crossed, crossings=()))
    for route in content.walks:  # the real routes: a mark on each leg that crosses, none on the others
        walk = route_walk(content, route)
        rows = walk_legs_html(walk).split("<tr>")[2:]
        assert [n for n, row in enumerate(rows, 1) if "hx-leg-crossing" in row] == list(leg_crossings(walk)), route.id


def test_a_walks_crossings_are_those_of_the_stops_it_shows(content):
    """Spoiler-safe mode leaves stops out: the legs, and what they cross, are those walked."""
    hidden_scenes = content.spoilers()
    changed = False
    for route in content.walks:
        whole, safe = route_walk(content, route), route_walk(content, route, hidden_scenes)
        assert whole.crossings == crossings(whole.stops, content.basemap)
        assert safe.crossings == crossings(safe.stops, content.basemap)
        changed |= safe.crossings != whole.crossings
    assert changed  # else this test proves nothing
    assert any(route_walk(content, r).crossings for r in content.walks)
    assert any(not route_walk(content, r).crossings for r in content.walks)


def test_over_tiles_the_walk_layer_lays_the_railways_and_the_canal_under_the_route(content):
    from explorer.mapparts import layer_script
    from explorer_app.mapcomponent import LAYER_KINDS, walk_choice

    build = LAYER_KINDS["walk"]
    rail = f'"color": "{PALETTE["rail"]}"'
    for route in content.walks:
        online, kiosk = walk_choice(route.id, False, Settings()), walk_choice(route.id, False, Settings(kiosk=True))
        offline = walk_choice(route.id, False, Settings(tiles="offline"))
        assert offline == walk_choice(route.id, False) and len({online, kiosk, offline}) == 3
        script, _ = layer_script(build(content, online))
        assert rail in script and '"type": "LineString"' in script, route.id  # the railways' style and lines
        assert script.index(rail) < script.index("L.polyline"), route.id  # under the route
        assert '"interactive": true' not in script and "L.circleMarker" not in script  # crossings are said, not drawn
        assert "openstreetmap.org/copyright" in script  # the credit for what it draws
        kiosk_script, _ = layer_script(build(content, kiosk))
        assert rail in kiosk_script and "\\u00a9 OpenStreetMap contributors" in kiosk_script  # the credit, with no way out
        assert "openstreetmap.org" not in kiosk_script
        plain, _ = layer_script(build(content, offline))  # the offline map draws the context already
        assert rail not in plain and "L.geoJson" not in plain and "attribution" not in plain
        assert "L.circleMarker" not in plain
    for wrong in (f"{content.walks[0].id}--context", f"{content.walks[0].id}--whole--context--context"):
        assert build(content, wrong) is None, wrong


def test_the_walk_context_is_near_the_route_and_light(content):
    from explorer.mapparts import layer_file
    from explorer_app.mapcomponent import LAYER_KINDS, walk_choice

    build = LAYER_KINDS["walk"]
    everything = len(layer_file(basemap_layer(content, kinds=CONTEXT_KINDS, labels=False)))
    for route in content.walks:
        with_context = len(layer_file(build(content, walk_choice(route.id, False, Settings()))))
        assert with_context - len(layer_file(build(content, walk_choice(route.id, False)))) < 0.9 * everything, route.id
        assert with_context < 40_000, route.id  # bytes, before compression


def warnings_of(at) -> list[str]:
    """The page's warnings that say a leg crosses the railway or the canal."""
    return [w.value for w in at.warning if w.proto.icon == ":material/warning:"]


def test_the_walk_page_warns_of_each_leg_that_crosses(content):
    from explorer_app.mapcomponent import walk_choice

    with_crossings = [r for r in content.walks if route_walk(content, r).crossings]
    without = [r for r in content.walks if not route_walk(content, r).crossings]
    assert with_crossings and without  # else this test proves nothing
    for route in content.walks:
        walk = route_walk(content, route)
        at = run("pages/walk.py", route=route.id)
        notes = crossing_notes(walk)
        assert warnings_of(at) == (["\n\n".join(md(note) for note in notes)] if notes else []), route.id
        assert legs_html(at).count("hx-leg-crossing") == len(leg_crossings(walk)), route.id
        overlay = component_data(at, "walk_map")["overlay"]
        assert f"/walk.{walk_choice(route.id, False, Settings())}." in overlay and "--context." in overlay  # tiles: the context


def test_the_walk_page_warns_of_the_crossings_of_the_stops_it_shows(content, monkeypatch):
    from explorer_app.mapcomponent import walk_choice

    monkeypatch.setenv("EXPLORER_TILES", "offline")
    hidden_scenes = content.spoilers()
    route = next(r for r in content.walks if route_walk(content, r, hidden_scenes).crossings != route_walk(content, r).crossings)
    walk = route_walk(content, route, hidden_scenes)
    at = run("pages/walk.py", route=route.id, spoilers="hide")
    assert warnings_of(at) == (["\n\n".join(md(note) for note in crossing_notes(walk))] if walk.crossings else [])
    overlay = component_data(at, "walk_map")["overlay"]
    assert f"/walk.{walk_choice(route.id, True)}." in overlay and "context" not in overlay  # offline: drawn once


def legs_html(at) -> str:
    return "".join(h.proto.body for h in at.get("html") if 'class="hx-legs"' in h.proto.body)
