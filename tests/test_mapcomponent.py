"""The map component: folium's map rendered once to Leaflet's JavaScript, drawn in the page, ids not coordinates."""

from __future__ import annotations

import folium
import pytest

from explorer.mapview import build_map, selection_layer, walk_layer
from explorer.settings import Settings
from explorer.walk import stefans_walk
from explorer_app.mapcomponent import _JS, overlay_script, render_map


def test_rendered_map_creates_leaflet_on_the_given_element(content):
    rendered = render_map(build_map(content))
    script = rendered["script"]
    assert script.count("L.map(map_element") == 1 and '"map_div"' not in script
    assert "var map_div = L.map(map_element" in script
    for place in content.places:
        assert f'"id": "{place.id}"' in script  # what a tap reports
    assert "cdn" not in script.lower() and "http://" not in script


def test_rendered_css_is_the_explorers_own_and_nothing_page_wide(content):
    css = render_map(build_map(content, settings=Settings(kiosk=True)))["css"]
    assert ".hx-marker" in css and ".hx-base-label" in css and ".hx-walk-num" in css
    assert "width: 48px" in css  # the kiosk's big zoom buttons
    assert "<style" not in css and "html, body" not in css and "viewport" not in css


def test_a_map_without_leaflet_call_is_refused(content):
    fmap = folium.Map(tiles=None)
    fmap.get_name = lambda: "something_else"  # a folium change that breaks the substitution must not pass silently
    with pytest.raises(ValueError, match="map_div"):
        render_map(fmap)


def test_selection_overlay_rings_the_place_on_the_component_map(content):
    script = overlay_script(selection_layer(content.place("moeraske")))
    assert "L.circleMarker" in script and "50.8814" in script
    assert ".addTo(map_div)" in script and script.rstrip().endswith("var overlay = feature_group_overlay;")
    assert '"interactive": false' in script  # taps go through the ring to the marker
    assert "L.circleMarker" not in overlay_script(selection_layer(None))


def test_walk_overlay_draws_the_route(content):
    script = overlay_script(walk_layer(stefans_walk(content, content.scenes)))
    assert "L.polyline" in script and "hx-walk-num" in script and "var overlay" in script


def test_component_script_reports_place_ids_and_loads_leaflet_from_the_app():
    assert "export default function" in _JS
    assert 'setTriggerValue("clicked", id)' in _JS
    assert "feature.properties.id" in _JS  # the id, never coordinates
    assert "http" not in _JS  # every URL comes from the server (data.leaflet_js, data.leaflet_css)


def test_only_what_python_puts_under_the_map_is_parsed_as_markup():
    import re

    assert re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", _JS) == ["innerHTML"]
    assert "template.innerHTML = data.under" in _JS
