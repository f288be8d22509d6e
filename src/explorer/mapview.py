"""Build the explorer's folium map from content: a pure function, unit-tested on its output."""

from __future__ import annotations

from functools import partial

import folium
from branca.element import MacroElement
from jinja2 import Template

from explorer.basemap import BASEMAP_CSS, basemap_layer
from explorer.fragments import MAP_FONT, PALETTE, SYMBOL_CSS, esc
from explorer.i18n import PROVENANCE_LABELS, label, t
from explorer.model import Content, Place
from explorer.settings import OSM_COPYRIGHT_URL, OSM_TILES, Settings

ASSET_BASE = "/explorer-assets"
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"


MARKER_SIZE = 30
TOUCH_SIZE = 48  # the smallest comfortable touch target
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


def _marker_style(feature: dict, size: int = MARKER_SIZE) -> dict:
    """The DivIcon of one place; ``size`` is the tap target (48 px in a kiosk), the symbol stays the same."""
    props = feature["properties"]
    kind, provenance, place_id = esc(props["kind"]), esc(props["provenance"]), esc(props["id"])
    return {
        "className": f"hx-marker hx-{kind} hx-{provenance}",
        "html": f'<span class="hx-sym hx-sym-{kind} hx-sym-{provenance}" data-place="{place_id}"><i></i></span>',
        "iconSize": [size, size],
        "iconAnchor": [size // 2, size // 2],
    }


MARKER_CSS = f"""
<style>
{SYMBOL_CSS}
.hx-marker {{ background: none; border: none; cursor: pointer; display: flex; align-items: center;
  justify-content: center; }}
.hx-marker .hx-sym {{ width: {MARKER_SIZE}px; height: {MARKER_SIZE}px; border-width: 4px;
  box-shadow: 0 1px 5px rgba(0, 0, 0, .5); transition: transform .12s; }}
.hx-marker .hx-sym-commune {{ box-shadow: 0 0 0 1px {PALETTE["ink"]}, 0 1px 5px rgba(0, 0, 0, .5); }}
.hx-marker:focus {{ outline: none; }}
.hx-marker:focus .hx-sym, .hx-marker:hover .hx-sym {{ transform: scale(1.2);
  box-shadow: 0 0 0 3px {PALETTE["paper"]}, 0 0 0 6px {PALETTE["moss_dark"]}; }}
.leaflet-tooltip {{ font: 15px/1.3 {MAP_FONT}; color: {PALETTE["ink"]}; }}
.leaflet-container {{ background: {PALETTE["concrete_light"]}; font-family: {MAP_FONT}; }}
@media (min-width: 521px) {{  /* a long credit (tiles unavailable) wraps beside the scale instead of covering it */
  .leaflet-bottom.leaflet-right {{ max-width: calc(100% - 130px); }}
}}
@media (max-width: 520px) {{
  .hx-marker .hx-sym {{ width: 22px; height: 22px; margin: 4px; border-width: 3px; }}
  .leaflet-control-scale {{ display: none; }}
}}
</style>
"""


class MapChrome(MacroElement):
    """Attribution and the fallback to the simplified map when tiles cannot be loaded."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            {%- if this.prefix is not none %}
            map.attributionControl.setPrefix({{ this.prefix|tojson }});
            {%- endif %}
            {%- if this.note %}
            map.attributionControl.addAttribution({{ this.note|tojson }});
            {%- endif %}
            {%- if this.tiles %}
            var fellBack = false, loaded = 0, failed = 0;
            {{ this.tiles.get_name() }}.on("tileload", function () { loaded += 1; });
            {{ this.tiles.get_name() }}.on("tileerror", function () { failed += 1; });
            // when every visible tile has either loaded or failed: fall back only if none could be loaded
            {{ this.tiles.get_name() }}.on("load", function () {
                if (fellBack || loaded > 0 || failed === 0) { return; }
                fellBack = true;
                map.addLayer({{ this.basemap.get_name() }});
                {{ this.basemap.get_name() }}.bringToBack();
                map.getContainer().classList.add("hx-tiles-failed");
                map.attributionControl.addAttribution({{ this.fallback_note|tojson }});
            });
            {%- endif %}
        })();
        {% endmacro %}
    """)

    def __init__(self, prefix: str | None, note: str, tiles=None, basemap=None, fallback_note: str = ""):
        super().__init__()
        self._name = "MapChrome"
        self.prefix, self.note = prefix, note
        self.tiles, self.basemap, self.fallback_note = tiles, basemap, fallback_note


KIOSK_MAP_CSS = """
<style>
.leaflet-control-zoom a { width: 48px !important; height: 48px !important; line-height: 48px !important;
  font-size: 26px !important; }
</style>
"""


def tile_attribution(settings: Settings) -> str:
    """The tiles' credit as HTML: a link to the OpenStreetMap copyright page, except in a kiosk (no way out)."""
    text = esc(settings.tile_attribution)
    if settings.tile_url == OSM_TILES and not settings.kiosk:
        return text.replace("OpenStreetMap", f'<a href="{OSM_COPYRIGHT_URL}" target="_blank" rel="noopener">OpenStreetMap</a>')
    return text


def build_map(
    content: Content, language: str = "en", *, settings: Settings | None = None, asset_base: str = ASSET_BASE
) -> folium.Map:
    """A folium map of Brussels with one marker per place; Leaflet is loaded from ``asset_base``.

    Online, the tiles come from the configured tile server and the simplified map appears only if they fail;
    offline, there are no tiles and the simplified map drawn from ``content.basemap`` is the background.
    """
    settings = settings or Settings()
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
    touch = KIOSK_MAP_CSS if settings.kiosk else ""
    fmap.get_root().header.add_child(folium.Element(MARKER_CSS + BASEMAP_CSS + WALK_CSS + touch), name="hx_marker_css")

    tiles = None
    basemap = basemap_layer(content, language, show=settings.offline)
    if not settings.offline:
        tiles = folium.TileLayer(tiles=settings.tile_url, attr=tile_attribution(settings), name="tiles", max_zoom=19)
        tiles.add_to(fmap)
    basemap.add_to(fmap)
    folium.GeoJson(
        place_features(content, language),
        name="places",
        marker=folium.Marker(icon=folium.DivIcon()),
        style_function=partial(_marker_style, size=TOUCH_SIZE if settings.kiosk else MARKER_SIZE),
        on_each_feature=MARKER_BEHAVIOUR,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=False, direction="top", offset=(0, -14)),
    ).add_to(fmap)
    fmap.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(40, 40))
    simplified = esc(t("Simplified map drawn by this explorer; shapes are approximate", language))
    MapChrome(
        prefix=False if settings.kiosk else None,
        note=simplified if settings.offline else "",
        tiles=tiles,
        basemap=basemap,
        fallback_note=esc(t("Map tiles unavailable", language)) + " · " + simplified,
    ).add_to(fmap)
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


def walk_layer(walk) -> folium.FeatureGroup:
    """Stefan's walk: a line through the stops in story order, with their numbers; nothing in it takes clicks."""
    group = folium.FeatureGroup(name="walk", control=False)
    if len(walk.stops) >= 2:
        line = folium.PolyLine([[s.lat, s.lon] for s in walk.stops], color=PALETTE["moss_dark"], weight=4,
                               opacity=0.85, dash_array="2 9", line_cap="round")
        line.options["interactive"] = False
        line.add_to(group)
    for number, stop in enumerate(walk.stops, start=1):
        badge = folium.Marker(
            [stop.lat, stop.lon],
            icon=folium.DivIcon(html=f'<span class="hx-walk-num">{number}</span>', class_name="hx-walk-label",
                                icon_size=(0, 0)),
        )
        badge.options["interactive"] = False
        badge.options["keyboard"] = False
        badge.add_to(group)
    return group


WALK_CSS = f"""
<style>
.hx-walk-label {{ pointer-events: none !important; }}
.hx-walk-num {{ position: absolute; left: 8px; top: -30px; min-width: 20px; height: 20px; padding: 0 5px;
  border-radius: 10px; background: {PALETTE["moss_dark"]}; color: #fff; font: 700 12px/20px sans-serif;
  text-align: center; box-shadow: 0 1px 3px rgba(0,0,0,.4); }}
</style>
"""
