"""The map's parts (explorer.mapparts, from folium's documented HTML output) and the component that draws them."""

from __future__ import annotations

import json
import re

import folium
import pytest

from explorer.mapparts import layer_script, map_parts
from explorer.mapview import build_map, selection_layer, walk_layer
from explorer.settings import Settings
from explorer.walk import route_walk
from explorer_app.assets import component_code

_JS = component_code("leaflet_map").body.decode("utf-8")


def test_the_parts_create_the_map_on_its_id_with_local_leaflet_only(content):
    fmap = build_map(content)
    parts = map_parts(fmap)
    assert parts.map_id == fmap.get_name() and f'L.map(\n                "{parts.map_id}"' in parts.script
    assert parts.scripts == ("/explorer-assets/leaflet-1.9.3/leaflet.js",)
    assert parts.stylesheets == ("/explorer-assets/leaflet-1.9.3/leaflet.css",)
    for place in content.places:
        assert f'"id": "{place.id}"' in parts.script  # what a tap reports
    assert "cdn" not in parts.script.lower() and "<script" not in parts.script
    json.dumps(parts.as_dict())  # goes to the browser as JSON


def test_the_parts_carry_the_explorers_styles(content):
    css = map_parts(build_map(content, settings=Settings(kiosk=True))).css
    assert ".hx-marker" in css and ".hx-base-label" in css and ".hx-walk-num" in css and "--hx-moss:" in css
    assert "width: 48px" in css  # the kiosk's big zoom buttons
    assert "<style" not in css


def test_a_map_whose_script_does_not_create_it_is_refused(monkeypatch):
    """A folium whose document no longer creates the map in an inline script must not pass silently."""
    import explorer.mapparts as mapparts

    fmap = folium.Map(tiles=None)
    real = mapparts._parse
    monkeypatch.setattr(mapparts, "_parse", lambda html: real(html.replace(fmap.get_name(), "elsewhere")))
    with pytest.raises(ValueError, match=fmap.get_name()):
        map_parts(fmap)


def test_the_selection_ring_is_a_layer_of_its_own(content):
    script, name = layer_script(selection_layer(content.place("moeraske")))
    assert "L.circleMarker" in script and "50.8812" in script and f"var {name} = L.featureGroup" in script
    assert f"{name}.addTo(" in script
    assert '"interactive": false' in script  # taps go through the ring to the marker
    assert "L.circleMarker" not in layer_script(selection_layer(None))[0]


def test_the_walk_is_a_layer_of_its_own(content):
    script, name = layer_script(walk_layer(route_walk(content, content.walks[0])))
    assert "L.polyline" in script and "hx-walk-num" in script and name.startswith("feature_group_")


def test_the_component_reports_place_ids_and_loads_only_what_the_server_names():
    assert "export default function" in _JS
    assert 'root.__hxReport("clicked", id)' in _JS and "root.__hxReport = setTriggerValue" in _JS
    assert "feature.properties.id" in _JS  # the id, never coordinates
    assert not re.search(r"https?://", _JS)  # every address comes from the server (the map's parts)


def test_only_what_python_puts_under_the_map_is_parsed_as_markup():
    assert re.findall(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", _JS) == ["innerHTML"]
    assert "template.innerHTML = data.under" in _JS
