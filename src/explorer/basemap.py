"""The explorer's own map of Brussels, drawn with no tiles: communes and sections, main railways and yards, the
canal and other water from OpenStreetMap (``data/basemap/*.geojson``, see ``osmdata``), and the landmarks and inner
ring of ``data/basemap.toml``. It is the offline background, the fallback when tiles fail, and the walk page's
context (rails, water and outlines under the route)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import folium

from explorer.fragments import esc
from explorer.model import BasemapFeature, Content
from explorer.theme import PALETTE

ATTRIBUTION = "© OpenStreetMap contributors"
OSM_COPYRIGHT_URL = "https://www.openstreetmap.org/copyright"

# drawn bottom to top; each kind one GeoJSON layer with one style (the data is sent once, the style once)
STYLES: dict[str, dict[str, Any]] = {
    "ring": {"color": PALETTE["ring_road"], "weight": 5, "fill": True, "fillColor": PALETTE["ring_fill"], "fillOpacity": 0.6},
    "wetland": {"stroke": False, "fill": True, "fillColor": PALETTE["moss"], "fillOpacity": 0.18},
    "rail-yard": {"stroke": False, "fill": True, "fillColor": PALETTE["rail"], "fillOpacity": 0.22},
    "water": {"color": PALETTE["water"], "weight": 1, "fill": True, "fillColor": PALETTE["water"], "fillOpacity": 0.9},
    "canal": {"color": PALETTE["water"], "weight": 2, "fill": True, "fillColor": PALETTE["water"], "fillOpacity": 0.95},
    "stream": {"color": PALETTE["water"], "weight": 2, "opacity": 0.9},
    "section-border": {"color": PALETTE["label"], "weight": 1, "opacity": 0.6, "dashArray": "1 4", "lineCap": "round"},
    "border": {"color": PALETTE["label"], "weight": 1.5, "opacity": 0.75, "dashArray": "8 5"},
    "railway": {"color": PALETTE["rail"], "weight": 2.5, "opacity": 0.95},
}
# what the walk page lays under a route over tiles: the barriers and the outlines, not the fills tiles already show
CONTEXT_KINDS = ("rail-yard", "canal", "railway", "border", "section-border")
AREAS = ("ring", "wetland", "rail-yard", "water", "canal")


def features_geojson(features: Iterable[BasemapFeature]) -> dict:
    """A GeoJSON FeatureCollection of shapes ([lon, lat], 5 decimals: about a metre)."""
    rows = []
    for feature in features:
        coords = [[round(lon, 5), round(lat, 5)] for lat, lon in feature.points]
        geometry: dict[str, Any]
        if feature.kind in AREAS or feature.kind in ("commune", "section"):
            geometry = {"type": "Polygon", "coordinates": [coords]}
        else:
            geometry = {"type": "LineString", "coordinates": coords}
        rows.append({"type": "Feature", "properties": {}, "geometry": geometry})
    return {"type": "FeatureCollection", "features": rows}


def basemap_layer(
    content: Content, language: str = "en", *, show: bool = True, kinds: Iterable[str] | None = None, labels: bool = True
) -> folium.FeatureGroup:
    """Areas, then lines, then names: a quiet background for the place markers; nothing in it takes clicks.
    ``kinds`` limits it (the walk page's context over tiles); ``labels`` adds the names."""
    group = folium.FeatureGroup(name="basemap", control=False, show=show)
    wanted = tuple(kinds) if kinds is not None else tuple(STYLES)
    for kind in STYLES:
        if kind not in wanted:
            continue
        shapes = [f for f in content.basemap if f.kind == kind and len(f.points) > 1]
        if not shapes:
            continue
        style = STYLES[kind]
        layer = folium.GeoJson(
            features_geojson(shapes),
            name=f"basemap-{kind}",
            control=False,
            style_function=lambda _feature, style=style: style,
            interactive=False,  # clicks must reach the places
        )
        layer.add_to(group)
    if labels:
        named = [f for f in content.basemap if f.kind in ("commune", "section") and f.label is not None]
        for feature in content.basemap:
            if feature.kind in ("commune", "section") and feature.label is not None:
                _label(list(feature.label), feature.name.get(language), feature.kind).add_to(group)
            elif feature.kind == "landmark" and (kinds is None or "landmark" in wanted):
                _label(list(feature.points[0]), feature.name.get(language), "landmark").add_to(group)
        for feature in named:  # the other spots after every first one: the map shows each name once
            for spot in feature.also:
                _label(list(spot), feature.name.get(language), feature.kind, spare=True).add_to(group)
    return group


def credit_html(kiosk: bool = False) -> str:
    """The OpenStreetMap credit, linked to its copyright page except in a kiosk (no way out)."""
    if kiosk:
        return esc(ATTRIBUTION)
    return esc(ATTRIBUTION).replace("OpenStreetMap", f'<a href="{OSM_COPYRIGHT_URL}" target="_blank" rel="noopener">OpenStreetMap</a>')


def _label(location: list[float], text: str, kind: str, spare: bool = False) -> folium.Marker:
    """A name on the map; a bilingual one ("Schaerbeek / Schaarbeek") on two lines, so it fits its commune."""
    lines = "<br>".join(esc(part) for part in text.split(" / "))
    marker = folium.Marker(
        location,
        icon=folium.DivIcon(
            html=f'<span data-name="{esc(text)}">{lines}</span>',
            class_name=f"hx-base-label hx-base-{kind}" + (" hx-base-spare" if spare else ""),
            icon_size=(0, 0),
        ),
    )
    marker.options["interactive"] = False
    marker.options["keyboard"] = False
    return marker
