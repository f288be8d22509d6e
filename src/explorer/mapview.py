"""Build the explorer's folium map from content: a pure function, unit-tested on its output."""

from __future__ import annotations

import folium

from explorer.fragments import PALETTE, SYMBOL_CSS, esc
from explorer.i18n import PROVENANCE_LABELS, label
from explorer.model import Content, Place

ASSET_BASE = "/explorer-assets"
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"

OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

MARKER_SIZE = 30

# Per marker: a name for screen readers, Enter or Space to choose it, and no tooltip left over after a tap.
MARKER_BEHAVIOUR = folium.JsCode("""
function (feature, layer) {
  layer.on("add", function () {
    const el = layer.getElement();
    if (!el) { return; }
    el.setAttribute("aria-label", feature.properties.name);
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        layer.fire("click", {latlng: layer.getLatLng()}, true);
      }
    });
  });
  layer.on("click", function () { layer.closeTooltip(); });
}
""")
BRUSSELS = (50.8503, 4.3517)  # the centre, for a map with no places


def place_features(content: Content, language: str = "en") -> dict:
    """The places as a GeoJSON FeatureCollection; display text is HTML-escaped."""
    features = []
    for place in content.places:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "id": place.id,
                    "kind": place.kind,
                    "provenance": place.provenance,
                    "name": place.name.get(language),  # plain text, only ever set as an attribute
                    "label": f"{esc(place.name.get(language))} · "
                    f"{esc(label(PROVENANCE_LABELS, place.provenance, language))}",
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _marker_style(feature: dict) -> dict:
    props = feature["properties"]
    kind, provenance, place_id = esc(props["kind"]), esc(props["provenance"]), esc(props["id"])
    return {
        "className": f"hx-marker hx-{kind} hx-{provenance}",
        "html": f'<span class="hx-sym hx-sym-{kind} hx-sym-{provenance}" data-place="{place_id}"><i></i></span>',
        "iconSize": [MARKER_SIZE, MARKER_SIZE],
        "iconAnchor": [MARKER_SIZE // 2, MARKER_SIZE // 2],
    }


MARKER_CSS = f"""
<style>
{SYMBOL_CSS}
.hx-marker {{ background: none; border: none; cursor: pointer; }}
.hx-marker .hx-sym {{ width: {MARKER_SIZE}px; height: {MARKER_SIZE}px; border-width: 4px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, .5); transition: transform .12s; }}
.hx-marker .hx-sym-commune {{ box-shadow: 0 0 0 1px {PALETTE["ink"]}, 0 1px 5px rgba(0, 0, 0, .5); }}
.hx-marker:focus {{ outline: none; }}
.hx-marker:focus .hx-sym, .hx-marker:hover .hx-sym {{ transform: scale(1.2);
  box-shadow: 0 0 0 3px {PALETTE["paper"]}, 0 0 0 6px {PALETTE["moss_dark"]}; }}
.leaflet-tooltip {{ font: 15px/1.3 "Source Sans Pro", "Source Sans 3", sans-serif; color: {PALETTE["ink"]}; }}
.leaflet-container {{ background: {PALETTE["concrete_light"]}; }}
@media (max-width: 520px) {{
  .hx-marker .hx-sym {{ width: 22px; height: 22px; margin: 4px; border-width: 3px; }}
  .leaflet-control-scale {{ display: none; }}
}}
</style>
"""


def build_map(content: Content, language: str = "en", *, asset_base: str = ASSET_BASE) -> folium.Map:
    """A folium map of Brussels with one marker per place; Leaflet is loaded from ``asset_base``."""
    lats = [p.lat for p in content.places] or [BRUSSELS[0]]
    lons = [p.lon for p in content.places] or [BRUSSELS[1]]
    fmap = folium.Map(
        location=[(min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        min_zoom=10,
        max_zoom=18,
        prefer_canvas=False,
        zoom_snap=0.25,  # fit the places as tightly as the screen allows, phones included
        zoom_delta=0.5,
    )
    # Only Leaflet itself is needed, served by the app (no jQuery, Bootstrap or icon fonts, no CDN).
    fmap.default_js = [("leaflet", f"{asset_base}/{LEAFLET_JS}")]
    fmap.default_css = [("leaflet_css", f"{asset_base}/{LEAFLET_CSS}")]
    folium.TileLayer(tiles=OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19).add_to(fmap)
    fmap.get_root().header.add_child(folium.Element(MARKER_CSS), name="hx_marker_css")
    folium.GeoJson(
        place_features(content, language),
        name="places",
        marker=folium.Marker(icon=folium.DivIcon()),
        style_function=_marker_style,
        on_each_feature=MARKER_BEHAVIOUR,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=False, direction="top", offset=(0, -14)),
    ).add_to(fmap)
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40))
    return fmap


def selection_layer(place: Place | None) -> folium.FeatureGroup:
    """A layer that rings the selected place; st_folium swaps it in without redrawing the map."""
    group = folium.FeatureGroup(name="selection", control=False)
    if place is not None:
        ring = folium.CircleMarker(
            location=[place.lat, place.lon],
            radius=24,
            color=PALETTE["moss_dark"],
            weight=4,
            fill=True,
            fill_opacity=0.12,
        )
        ring.options["interactive"] = False  # folium drops this option; clicks must reach the marker
        ring.add_to(group)
    return group
