"""The cached map component gives the browser exactly what st_folium would, without re-rendering the map."""

from __future__ import annotations

import folium
import streamlit_folium as sf

from explorer.mapview import build_map, selection_layer
from explorer_app.fastmap import feature_group_script, render_map


def test_rendered_strings_match_what_st_folium_computes(content):
    ours = render_map(build_map(content))
    again = build_map(content)
    again.get_root().render()
    again.render()
    assert sf.generate_js_hash(ours["script"], "k", False) == sf.generate_js_hash(sf._get_map_string(again), "k", False)
    assert ours["js_links"] == ["/explorer-assets/leaflet/leaflet.js"]
    assert ours["css_links"] == ["/explorer-assets/leaflet/leaflet.css"]
    for place in content.places:
        assert f'"id": "{place.id}"' in ours["script"]


def test_selection_layer_script_targets_the_component_map(content):
    script = feature_group_script(selection_layer(content.place("moeraske")))
    assert "map_div.addLayer(feature_group_feature_group_0)" in script
    assert "L.circleMarker" in script and "50.8814" in script
    assert "L.circleMarker" not in feature_group_script(folium.FeatureGroup())


def test_initial_state_is_what_the_frontend_starts_from():
    """The frontend only sends the map's state when it differs from the default it was given (compared as JSON
    text). Same keys, same order, same initial values: loading the map sends nothing and costs no rerun."""
    import json
    import re
    from pathlib import Path

    from explorer_app.fastmap import INITIAL_STATE

    bundle = next((Path(sf.__file__).parent / "frontend" / "build" / "static" / "js").glob("main.*.js")).read_text()
    state_keys = re.search(r"let c=\{(.*?)\};", bundle).group(1)
    order = [k for k in re.findall(r"(\w+):", state_keys) if k in INITIAL_STATE]
    assert order == list(INITIAL_STATE)
    initial = re.search(r"window\.__GLOBAL_DATA__=\{(.*?)\}", bundle).group(1)
    for name, value in INITIAL_STATE.items():
        assert f"{name}:{json.dumps(value)}" in initial
