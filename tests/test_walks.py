"""The walks (data/walks.toml): short routes a person can do, their GPX files, the walk page, and the loader's
checks of a route."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import streamlit

from conftest import run_page as run
from explorer.fragments import md
from explorer.loader import check
from explorer.walk import (
    MAX_ROUTE_METRES,
    default_route,
    find_route,
    haversine_m,
    hidden_places,
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
