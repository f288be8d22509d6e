"""The explorer's own simplified map of north-east Brussels, drawn from data/basemap.toml (no tiles needed)."""

from __future__ import annotations

from typing import Any

import folium

from explorer.fragments import esc
from explorer.model import BasemapFeature, Content
from explorer.theme import PALETTE

LINE_STYLES: dict[str, dict[str, Any]] = {
    "canal": {"color": PALETTE["water"], "weight": 7, "opacity": 0.9},
    "railway": {"color": PALETTE["rail"], "weight": 2.5, "opacity": 0.9, "dash_array": "7 5"},
}
AREA_STYLES: dict[str, dict[str, Any]] = {
    "reserve": {"color": PALETTE["moss"], "weight": 1, "fill": True, "fill_color": PALETTE["moss"], "fill_opacity": 0.22},
    "ring": {"color": PALETTE["ring_road"], "weight": 6, "fill": True, "fill_color": PALETTE["ring_fill"], "fill_opacity": 0.6},
}


def basemap_layer(content: Content, language: str = "en", *, show: bool = True) -> folium.FeatureGroup:
    """Areas, then lines, then labels: a quiet background for the place markers; nothing in it takes clicks."""
    group = folium.FeatureGroup(name="basemap", control=False, show=show)
    order = {"ring": 0, "reserve": 1, "canal": 2, "railway": 3, "commune": 4, "landmark": 5}
    for feature in sorted(content.basemap, key=lambda f: order[f.kind]):
        for element in _draw(feature, language):
            element.add_to(group)
    return group


def _draw(feature: BasemapFeature, language: str) -> list[folium.Element]:
    points = [list(p) for p in feature.points]
    name = feature.name.get(language)
    shapes: list[folium.PolyLine | folium.Polygon]
    if feature.kind in LINE_STYLES:
        shapes = [folium.PolyLine(points, **LINE_STYLES[feature.kind])]
    elif feature.kind in AREA_STYLES:
        shapes = [folium.Polygon(points, **AREA_STYLES[feature.kind])]
    else:
        shapes = []
    for shape in shapes:
        shape.options["interactive"] = False  # folium drops this option; clicks must reach the places
    if feature.kind in ("commune", "landmark"):
        return [_label(points[0], name, feature.kind)]
    if feature.kind == "reserve":
        lat = sum(p[0] for p in points) / len(points)
        lon = sum(p[1] for p in points) / len(points)
        return [*shapes, _label([lat, lon], name, "area")]
    return [*shapes]


def _label(location: list[float], text: str, kind: str) -> folium.Marker:
    marker = folium.Marker(
        location,
        icon=folium.DivIcon(html=f"<span>{esc(text)}</span>", class_name=f"hx-base-label hx-base-{kind}", icon_size=(0, 0)),
    )
    marker.options["interactive"] = False
    marker.options["keyboard"] = False
    return marker
