"""Build the explorer's folium map from content: a pure function, unit-tested on its output."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import folium
import xstatic.pkg.leaflet as leaflet_package
from branca.element import Figure, MacroElement
from jinja2 import Template

from explorer.basemap import basemap_layer, credit_html
from explorer.fragments import esc
from explorer.i18n import PROVENANCE_LABELS, label, t
from explorer.model import Content, Place
from explorer.osmdata import extent
from explorer.settings import OSM_COPYRIGHT_URL, OSM_TILES, Settings
from explorer.theme import PALETTE, stylesheet

ASSET_BASE = "/explorer-assets"
LEAFLET_DIR = f"leaflet-{leaflet_package.VERSION}"  # the version in the address: browsers may keep the files
LEAFLET_JS = f"{LEAFLET_DIR}/leaflet.js"
LEAFLET_CSS = f"{LEAFLET_DIR}/leaflet.css"


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
                    "label": f"{esc(place.name.get(language))} · {esc(label(PROVENANCE_LABELS, place.provenance, language))}",
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


class MapChrome(MacroElement):
    """Attribution, the fallback to the simplified map when tiles cannot be loaded, tooltips kept inside the map
    (none after a tap on a touch screen) and the simplified map's labels kept apart."""

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
                tidy();
            });
            {%- endif %}
            // Tooltips: none after a tap on a touch screen (the panel names the place); otherwise kept inside the map.
            var lastPointer = "mouse";
            map.getContainer().addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; }, true);
            map.on("tooltipopen", function (event) {
                var tooltip = event.tooltip;
                if (lastPointer === "touch") { setTimeout(function () { map.closeTooltip(tooltip); }, 0); return; }
                var el = tooltip.getElement();
                if (!el) { return; }
                if (tooltip.options.direction !== "top") {  // one tooltip serves every place: above, unless no room
                    tooltip.options.direction = "top"; tooltip.options.offset = [0, -14]; tooltip.update();
                }
                el.style.marginLeft = "";
                var box = map.getContainer().getBoundingClientRect(), r = el.getBoundingClientRect(), dx = 0;
                if (r.left < box.left + 4) { dx = box.left + 4 - r.left; }
                else if (r.right > box.right - 4) { dx = box.right - 4 - r.right; }
                if (dx) { el.style.marginLeft = (parseFloat(getComputedStyle(el).marginLeft) + dx) + "px"; }
                if (r.top < box.top + 4) { tooltip.options.direction = "bottom"; tooltip.options.offset = [0, 14]; tooltip.update(); }
            });
            // The offline map's names: each tries a few spots away from the markers, the controls, the
            // other labels and the map's edge, and is hidden where none is free (fewer labels when zoomed out).
            var SPOTS = {
                area: ["translate(-50%, -50%)", "translate(-50%, calc(-100% - 16px))", "translate(-50%, 16px)"],
                landmark: ["translate(8px, -50%)", "translate(8px, -110%)", "translate(8px, 10%)"],
                commune: ["translate(-50%, -50%)", "translate(-50%, -120%)", "translate(-50%, 20%)"],
                section: ["translate(-50%, -50%)", "translate(-50%, -120%)", "translate(-50%, 20%)"]
            };
            var ORDER = ["commune", "section", "landmark", "area"];  // communes first: they orient a visitor
            function overlaps(a, b) {
                return a.left < b.right + 2 && b.left < a.right + 2 && a.top < b.bottom + 2 && b.top < a.bottom + 2;
            }
            function tidy() {
                var root = map.getContainer(), box = root.getBoundingClientRect();
                if (!box.width) { return; }
                var taken = [];
                root.querySelectorAll(".hx-marker, .hx-walk-num, .leaflet-control").forEach(function (el) {
                    var r = el.getBoundingClientRect();
                    if (r.width) { taken.push(r); }
                });
                var labels = Array.prototype.slice.call(root.querySelectorAll(".hx-base-label > span")), named = {};
                labels.sort(function (a, b) {
                    return ORDER.indexOf(kind(a)) - ORDER.indexOf(kind(b));
                });
                labels.forEach(function (span) {
                    var spots = SPOTS[kind(span)] || SPOTS.commune, placed = false, name = span.getAttribute("data-name");
                    span.style.visibility = "";
                    if (name && named[name]) { span.style.visibility = "hidden"; return; }  // each name once
                    for (var i = 0; i < spots.length && !placed; i++) {
                        span.style.transform = spots[i];
                        var r = span.getBoundingClientRect();
                        var inside = r.left >= box.left + 2 && r.right <= box.right - 2 && r.top >= box.top + 2
                            && r.bottom <= box.bottom - 2;
                        if (inside && !taken.some(function (o) { return overlaps(r, o); })) { taken.push(r); placed = true; }
                    }
                    if (!placed) { span.style.visibility = "hidden"; } else if (name) { named[name] = true; }
                });
            }
            function kind(span) {
                var cls = span.parentNode.className;
                return cls.indexOf("hx-base-area") >= 0 ? "area" : cls.indexOf("hx-base-landmark") >= 0 ? "landmark"
                    : cls.indexOf("hx-base-section") >= 0 ? "section" : "commune";
            }
            var queued = false;
            function later() {
                if (queued) { return; }
                queued = true;
                requestAnimationFrame(function () { queued = false; tidy(); });
            }
            // A new view is tidied at once: left to the next frame, the labels would sit for a while where the
            // last view put them, beside places that have moved (a zoom out brings two placed labels together).
            // The layers' labels arrive one by one, and are placed once, on the next frame.
            map.on("zoomend moveend resize", tidy);
            map.on("layeradd", later);
            // Leaflet may announce a zoom's end while its places are still gliding to their new spots: place the
            // labels again once they have arrived
            map.getContainer().addEventListener("transitionend", function (event) {
                if (event.propertyName === "transform") { later(); }
            });
            if (document.fonts && document.fonts.ready) { document.fonts.ready.then(later); }
            later();
        })();
        {% endmacro %}
    """)

    def __init__(self, prefix: str | bool | None, note: str, tiles=None, basemap=None, fallback_note: str = ""):
        super().__init__()
        self._name = "MapChrome"
        self.prefix, self.note = prefix, note
        self.tiles, self.basemap, self.fallback_note = tiles, basemap, fallback_note


def map_figure(fmap: folium.Map) -> Figure:
    """The page a folium map draws itself in (its header and body take the explorer's additions)."""
    root = fmap.get_root()
    if not isinstance(root, Figure):  # folium.Map puts itself in a Figure of its own when it is made
        raise TypeError(f"a folium map's root is a {type(root).__name__}, not a branca Figure")
    return root


FIT_PADDING = (40, 40)  # pixels between the outermost places and the map's edge


def map_bounds(content: Content) -> list[list[float]]:
    """[[south, west], [north, east]] around every place (Brussels' centre when there are none)."""
    lats = [p.lat for p in content.places] or [BRUSSELS[0]]
    lons = [p.lon for p in content.places] or [BRUSSELS[1]]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def map_fit(content: Content) -> dict:
    """Where the map first looks, as Leaflet's ``fitBounds`` arguments: the page fits it again while its box
    settles (a phone turning, the layout changing) until the visitor moves the map."""
    return {"bounds": map_bounds(content), "options": {"padding": list(FIT_PADDING)}}


OFFLINE_MAX_ZOOM = 17  # closer, the simplified lines say nothing more (and a kiosk visitor is lost in grey)
OFFLINE_MIN_ZOOM = 11  # the offline map's data spans a few kilometres around the places; a phone can still zoom out


def drawn_bounds(content: Content) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the OpenStreetMap geometry the offline map draws (None without it)."""
    area = extent(content.basemap)
    return None if area is None else [[area[0], area[1]], [area[2], area[3]]]


def tile_attribution(settings: Settings) -> str:
    """The tiles' credit as HTML: a link to the OpenStreetMap copyright page, except in a kiosk (no way out)."""
    text = esc(settings.tile_attribution)
    if settings.tile_url == OSM_TILES and not settings.kiosk:
        return text.replace("OpenStreetMap", f'<a href="{OSM_COPYRIGHT_URL}" target="_blank" rel="noopener">OpenStreetMap</a>')
    return text


def build_map(
    content: Content,
    language: str = "en",
    *,
    settings: Settings | None = None,
    asset_base: str = ASSET_BASE,
    on_places: Callable[[folium.GeoJson], MacroElement] | None = None,
) -> folium.Map:
    """A folium map of Brussels with one marker per place; Leaflet is loaded from ``asset_base``.

    Online, the tiles come from the configured tile server and the simplified map appears only if they fail;
    offline, there are no tiles and the simplified map drawn from ``content.basemap`` is the background.
    """
    settings = settings or Settings()
    (south, west), (north, east) = map_bounds(content)
    # offline, the map ends where its data does: a visitor cannot pan or zoom out into the void
    drawn = drawn_bounds(content) if settings.offline else None
    (low_lat, low_lon), (high_lat, high_lon) = drawn or [[-90.0, -180.0], [90.0, 180.0]]
    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=13,
        tiles=None,
        control_scale=True,
        max_bounds=drawn is not None,
        min_lat=low_lat,
        max_lat=high_lat,
        min_lon=low_lon,
        max_lon=high_lon,
        min_zoom=10,
        max_zoom=18,
        prefer_canvas=False,
        zoom_snap=0.25,  # fit the places as tightly as the screen allows, phones included
        zoom_delta=0.5,
    )
    if drawn is not None:  # folium gives min_zoom and max_zoom to a tile layer; offline there is none
        fmap.options["minZoom"] = OFFLINE_MIN_ZOOM
        fmap.options["maxZoom"] = OFFLINE_MAX_ZOOM
    # Only Leaflet itself is needed, served by the app (no jQuery, Bootstrap or icon fonts, no CDN).
    fmap.default_js = [("leaflet", f"{asset_base}/{LEAFLET_JS}")]
    fmap.default_css = [("leaflet_css", f"{asset_base}/{LEAFLET_CSS}")]
    sheets = ("symbols", "markers", "basemap", "walk", *(("kiosk_map",) if settings.kiosk else ()))
    map_figure(fmap).header.add_child(folium.Element(f"<style>{stylesheet(*sheets)}</style>"), name="hx_css")

    tiles = None
    basemap = basemap_layer(content, language, show=settings.offline)
    if not settings.offline:
        tiles = folium.TileLayer(tiles=settings.tile_url, attr=tile_attribution(settings), name="tiles", max_zoom=19)
        tiles.add_to(fmap)
    basemap.add_to(fmap)
    places: folium.GeoJson = folium.GeoJson(
        place_features(content, language),
        name="places",
        marker=folium.Marker(icon=folium.DivIcon()),
        style_function=partial(_marker_style, size=TOUCH_SIZE if settings.kiosk else MARKER_SIZE),
        on_each_feature=MARKER_BEHAVIOUR,
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False, sticky=False, direction="top", offset=(0, -14)),
    )
    places.add_to(fmap)
    if on_places is not None:  # what a tap on a place does besides (the static copy opens the place's page)
        on_places(places).add_to(fmap)
    fmap.fit_bounds(map_bounds(content), padding=FIT_PADDING)
    simplified = esc(t("Offline map", language)) + " · " + credit_html(settings.kiosk)  # short: a phone's map is narrow
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
        line = folium.PolyLine(
            [[s.lat, s.lon] for s in walk.stops],
            color=PALETTE["moss_dark"],
            weight=4,
            opacity=0.85,
            dash_array="2 9",
            line_cap="round",
        )
        line.options["interactive"] = False
        line.add_to(group)
    for number, stop in enumerate(walk.stops, start=1):
        badge = folium.Marker(
            [stop.lat, stop.lon],
            icon=folium.DivIcon(html=f'<span class="hx-walk-num">{number}</span>', class_name="hx-walk-label", icon_size=(0, 0)),
        )
        badge.options["interactive"] = False
        badge.options["keyboard"] = False
        badge.add_to(group)
    return group
