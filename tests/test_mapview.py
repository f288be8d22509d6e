"""The map builder's output: one marker per place, ids not coordinates, local assets only, safe text."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from html import escape as html_escape

import folium

from explorer import load_content
from explorer.basemap import OSM_COPYRIGHT_URL, STYLES, credit_html
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


def tile_layers(html: str) -> list[str]:
    """The tile layers' URLs in a rendered map."""
    return re.findall(r'L\.tileLayer\(\s*"([^"]+)"', html)


def geojson_layers(html: str) -> dict[str, tuple[dict, str, dict]]:
    """Each GeoJSON layer of a rendered map: its style, its options and its data."""
    layers = {}
    decoder = json.JSONDecoder()
    for name, options in re.findall(r"var (geo_json_\w+) = L\.geoJson\(null, \{(.*?)\}\);", html, re.S):
        styler = re.search(rf"function {name}_styler\(feature\) \{{.*?return (\{{.*?\}});", html, re.S)
        data, _ = decoder.raw_decode(html, html.index(f"{name}_add(", html.index(f"function {name}_add")) + len(f"{name}_add("))
        layers[name] = (json.loads(styler[1]) if styler else {}, options, data)
    return layers


def basemap_layers(html: str) -> dict[str, dict]:
    """The basemap's layers by kind (told by their style, ``explorer.basemap.STYLES``): each one's data."""
    found: dict[str, dict] = {}
    for style, options, data in geojson_layers(html).values():
        kinds = [kind for kind, wanted in STYLES.items() if wanted == style]
        if kinds:
            assert kinds[0] not in found and '"interactive": false' in options  # one layer a kind, never taking clicks
            found[kinds[0]] = data
    return found


def test_offline_map_has_no_tiles_and_draws_its_own_basemap(content):
    fmap = build_map(content, settings=Settings(tiles="offline"))
    html = rendered(fmap)
    assert tile_layers(html) == []
    assert re.search(r"feature_group_\w+\.addTo\(map_\w+\)", html)  # the basemap is shown from the start
    assert "https://" not in map_parts(fmap).script.replace(OSM_COPYRIGHT_URL, "")  # nothing fetched; the credit's link only
    for name in ("Jette", "Evere", "Atomium", "Schaerbeek / Schaarbeek"):
        assert f'<span data-name=\\"{name}\\">{name.replace(" / ", "<br>")}</span>' in html
    named = [f for f in content.basemap if f.label is not None or f.kind == "landmark"]
    assert named and all(f'data-name=\\"{html_escape(f.name.get())}\\"' in html for f in named)  # every name drawn
    spare = [f for f in named if f.also]  # a commune's other spots: drawn, marked as spare, after every first one
    assert spare and html.count("hx-base-spare") == sum(len(f.also) for f in spare)
    assert html.index("hx-base-spare") > max(html.index(f'data-name=\\"{html_escape(f.name.get())}\\"') for f in named)
    assert "Offline map" in html
    assert json.dumps(credit_html(), ensure_ascii=False)[1:-1] in html  # © OpenStreetMap contributors, linked
    drawn = basemap_layers(html)
    wanted = {kind for kind in STYLES if any(f.kind == kind and len(f.points) > 1 for f in content.basemap)}
    assert {"ring", "railway", "canal", "water", "border"} <= wanted and set(drawn) == wanted
    for kind, data in drawn.items():
        shapes = [f for f in content.basemap if f.kind == kind and len(f.points) > 1]
        assert len(data["features"]) == len(shapes), kind
        geometry = data["features"][0]["geometry"]
        first = geometry["coordinates"][0][0] if geometry["type"] == "Polygon" else geometry["coordinates"][0]
        assert first == [round(shapes[0].points[0][1], 5), round(shapes[0].points[0][0], 5)], kind
    # the old hand-drawn kinds are gone; the canal's course serves the checks and is not drawn
    assert not any(f.kind in ("reserve", "canal-line") for f in content.basemap if f.kind in drawn)


def test_basemap_never_takes_clicks(content):
    html = rendered(build_map(content, settings=Settings(tiles="offline")))
    assert basemap_layers(html)  # each checked there: "interactive": false
    labels = re.findall(r"L\.marker\(\s*\[[^\]]+\],\s*\{(.*?)\}\s*\)\.addTo\(feature_group_", html, re.S)
    assert len(labels) >= 10 and all('"interactive": false' in options for options in labels)


def test_online_map_keeps_the_basemap_for_when_tiles_fail(content):
    fmap = build_map(content, settings=Settings())
    html = rendered(fmap)
    assert tile_layers(html) == [OSM_TILES]
    assert basemap_layers(html) and not re.search(r"feature_group_\w+\.addTo\(map_\w+\)", html)  # drawn, not shown
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
