"""The map builder's output: one marker per place, ids not coordinates, local assets only, safe text."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import folium

from explorer import load_content
from explorer.mapparts import map_parts
from explorer.mapview import ASSET_BASE, BRUSSELS, build_map, map_fit, place_features, selection_layer
from explorer.settings import OSM_TILES, Settings


def rendered(fmap: folium.Map) -> str:
    """The map's whole HTML page, with the \\uXXXX escapes of folium's JSON turned back into characters."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), fmap.get_root().render())


def geojson_layer(fmap: folium.Map) -> folium.GeoJson:
    layers = [c for c in fmap._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1
    return layers[0]


def test_one_feature_per_place_with_its_id(content):
    features = geojson_layer(build_map(content)).data["features"]
    assert [f["properties"]["id"] for f in features] == [p.id for p in content.places]
    for feature, place in zip(features, content.places, strict=True):
        assert feature["geometry"]["coordinates"] == [place.lon, place.lat]
        assert feature["properties"]["kind"] == place.kind
        assert feature["properties"]["provenance"] == place.provenance


def test_markers_carry_kind_and_provenance_classes(content):
    html = rendered(build_map(content))
    for place in content.places:
        assert f'data-place=\\"{place.id}\\"' in html or f'data-place="{place.id}"' in html
    assert "hx-sym-green hx-sym-documented" in html
    assert "hx-sym-city hx-sym-commune" in html
    assert "hx-sym-city hx-sym-illustrative" in html


def test_tooltip_names_the_place_and_its_provenance(content):
    features = place_features(content)["features"]
    labels = {f["properties"]["id"]: f["properties"]["label"] for f in features}
    assert labels["moeraske"] == "Moeraske nature reserve · Documented location"
    assert labels["hotel"].endswith("· Illustration")


def test_only_local_scripts_and_styles(content):
    fmap = build_map(content)
    html = rendered(fmap)
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith(ASSET_BASE + "/") for u in urls), urls
    for cdn in ("jsdelivr", "cdnjs", "jquery", "bootstrap", "fontawesome"):
        assert cdn not in html
    # what the page is given (explorer.mapparts): no script or stylesheet from elsewhere either
    parts = map_parts(fmap)
    assert all(u.startswith(ASSET_BASE + "/") for u in (*parts.scripts, *parts.stylesheets))
    assert "https://" not in parts.css


def test_the_only_network_resource_is_the_tile_layer(content):
    script = map_parts(build_map(content)).script
    hosts = set(re.findall(r"https?://([^/\"'\s]+)", script))
    assert hosts <= {"tile.openstreetmap.org", "www.openstreetmap.org"}, hosts
    assert json.dumps(OSM_TILES)[1:-1] in script or OSM_TILES in script
    assert "OpenStreetMap" in script  # attribution


def test_map_is_fitted_to_the_places(content):
    lats = [p.lat for p in content.places]
    lons = [p.lon for p in content.places]
    bounds = [[min(lats), min(lons)], [max(lats), max(lons)]]
    assert map_fit(content) == {"bounds": bounds, "options": {"padding": [40, 40]}}  # the page fits it again
    script = map_parts(build_map(content)).script
    assert script.count(".fitBounds(") == 1 and json.dumps(bounds) in script.replace("\n", "").replace(" ", "").replace(",", ", ")


def test_hostile_text_is_escaped_in_tooltips(hostile_data):
    hostile = load_content(hostile_data)
    label = next(f for f in place_features(hostile)["features"] if f["properties"]["id"] == "moeraske")
    text = label["properties"]["label"]
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "`" not in text and "${" not in text and "\\" not in text
    script = map_parts(build_map(hostile)).script
    assert "<script>alert" not in script and "<b>bold" not in script


def test_selection_layer_rings_the_selected_place(content):
    place = content.place("moeraske")
    group = selection_layer(place)
    markers = [c for c in group._children.values() if isinstance(c, folium.CircleMarker)]
    assert len(markers) == 1 and markers[0].location == [place.lat, place.lon]
    assert not markers[0].options.get("interactive", True)
    assert not [c for c in selection_layer(None)._children.values()]


def test_build_map_is_pure(content):
    first, second = build_map(content), build_map(content)
    assert first is not second
    strip = lambda s: re.sub(r"_[0-9a-f]{32}", "", s)  # noqa: E731  folium's random element ids
    assert strip(rendered(first)) == strip(rendered(second))


def test_a_map_without_places_still_shows_brussels(content):
    empty = replace(content, places=())
    fmap = build_map(empty)
    assert geojson_layer(fmap).data["features"] == []
    assert fmap.location == list(BRUSSELS)


def tile_layers(fmap: folium.Map) -> list[folium.TileLayer]:
    return [c for c in fmap._children.values() if isinstance(c, folium.TileLayer)]


def basemap_group(fmap: folium.Map) -> folium.FeatureGroup:
    groups = [c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup) and c.layer_name == "basemap"]
    assert len(groups) == 1
    return groups[0]


def test_offline_map_has_no_tiles_and_draws_its_own_basemap(content):
    fmap = build_map(content, settings=Settings(tiles="offline"))
    assert tile_layers(fmap) == []
    group = basemap_group(fmap)
    assert group.show is True
    html = rendered(fmap)
    assert "https://" not in map_parts(fmap).script
    for name in ("Jette", "Evere", "Atomium", "Schaerbeek / Schaarbeek", "Moeraske"):
        assert f"<span>{name}</span>" in html
    assert "Simplified map drawn by this explorer" in html
    polylines = [c for c in group._children.values() if isinstance(c, folium.PolyLine) and not isinstance(c, folium.Polygon)]
    assert {tuple(map(tuple, p.locations))[0] for p in polylines} == {
        f.points[0] for f in content.basemap if f.kind in ("canal", "railway")
    }


def test_basemap_never_takes_clicks(content):
    group = basemap_group(build_map(content, settings=Settings(tiles="offline")))
    assert group._children
    assert all(child.options.get("interactive") is False for child in group._children.values())


def test_online_map_keeps_the_basemap_for_when_tiles_fail(content):
    fmap = build_map(content, settings=Settings())
    assert [t.tiles for t in tile_layers(fmap)] == [OSM_TILES]
    assert basemap_group(fmap).show is False
    script = map_parts(fmap).script
    assert '.on("tileerror"' in script and "Map tiles unavailable" in script
    # one failed tile among good ones is no reason to fall back: only when none could be loaded
    assert '.on("load"' in script and "loaded > 0" in script


def test_kiosk_map_has_no_links_and_large_touch_targets(content):
    kiosk = rendered(build_map(content, settings=Settings(kiosk=True)))
    assert "<a " not in kiosk and "openstreetmap.org/copyright" not in kiosk
    assert "setPrefix(false)" in kiosk
    assert kiosk.count('"iconSize": [48, 48]') == len(content.places)
    ordinary = rendered(build_map(content))
    assert ordinary.count('"iconSize": [30, 30]') == len(content.places)
    assert "<a href=" in ordinary and "openstreetmap.org/copyright" in ordinary
