"""The explorer's maps, drawn by Leaflet in the page itself: a Streamlit v2 component (``leaflet_map.js``).

The folium map (``explorer.mapview.build_map``, pure) is taken apart once per content, language and settings
(``explorer.mapparts``) and served as a script file, ``/explorer-assets/maps/<language>.<digest>.js``, which a
browser keeps; so is each layer drawn over it (the selection ring, a walk's route:
``/explorer-assets/layers/<kind>.<choice>.<digest>.js``). The component's data names those files and carries
only what changes between runs: the layer, the selected place, and what is drawn under the map. Files, not
strings to evaluate: the pages' Content-Security-Policy allows no ``eval``.

A tap, from the browser to the panel:
1. ``leaflet_map.js``: the marker's click calls ``setTriggerValue("clicked", place id)``;
2. ``map_component``'s ``on_clicked_change`` callback reads it from ``st.session_state[key]``, checks that it is
   a place's id, and calls ``on_click`` (the map page's ``select_place``), which writes ``?place=ID``;
3. the rerun reads ``st.query_params`` and draws the ring and the place's panel.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable

import folium
from starlette.responses import Response
from starlette.routing import Route

from explorer.basemap import CONTEXT_KINDS, basemap_layer, credit_html
from explorer.i18n import LANGUAGES, t
from explorer.mapparts import layer_file, map_parts
from explorer.mapview import ASSET_BASE, build_map, map_fit, selection_layer, walk_layer
from explorer.model import BasemapFeature, Content, Place
from explorer.selection import clicked_place_id
from explorer.settings import Settings
from explorer.walk import Walk, find_route, route_walk
from explorer_app.assets import IMMUTABLE, component_code, map_stylesheet
from explorer_app.cache import CACHE, Loaded
from explorer_app.components import register, reported
from explorer_app.page import Page

_component = register("leaflet_map")
MAPS = f"{ASSET_BASE}/maps"
LAYERS = f"{ASSET_BASE}/layers"
_JS = "text/javascript"


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


def _content(loaded: Loaded) -> Content:
    """The content of ``loaded``: maps and layers are asked only of content without problems (see ``_current``)."""
    if isinstance(loaded.content, tuple):
        raise ValueError("the content has problems: there is no map to draw")
    return loaded.content


def _rendered(loaded: Loaded, language: str, settings: Settings) -> tuple[bytes, str]:
    """The map as a script file, and its digest; built once per content, language and settings."""

    def build() -> tuple[bytes, str]:
        content = _content(loaded)
        body = map_parts(build_map(content, language, settings=settings)).script_file(fit=map_fit(content)).encode("utf-8")
        return body, _digest(body)

    return loaded.derived(("map", language, settings), build)


def map_address(loaded: Loaded, language: str, settings: Settings) -> str:
    """Where the map's script is served (the address changes with it, so a browser may keep it)."""
    return f"{MAPS}/{language}.{_rendered(loaded, language, settings)[1]}.js"


def _ring(content: Content, choice: str) -> folium.map.Layer | None:
    """The ring around the place ``choice`` (a place's id), or an empty layer (``none``)."""
    place = content.place(choice)
    return selection_layer(place) if place is not None or choice == "none" else None


WALK_SHOWS = ("whole", "spoiler-safe")
# over tiles, the railways, the canal and the outlines under the route, credited with a link or (a kiosk) without
WALK_CONTEXTS = {"--context": False, "--context-kiosk": True}
CONTEXT_MARGIN = (0.015, 0.024)  # degrees of latitude and longitude (about 1.7 km) around a route whose context is drawn


def walk_choice(route_id: str, spoiler_safe: bool, settings: Settings | None = None) -> str:
    """The walk layer's choice for a route: ``<route id>--whole`` or ``<route id>--spoiler-safe``, followed by
    ``--context`` (``--context-kiosk`` in a kiosk) when ``settings`` draw tiles: the offline map has the context."""
    choice = f"{route_id}--{WALK_SHOWS[spoiler_safe]}"
    if settings is None or settings.offline:
        return choice
    return choice + ("--context-kiosk" if settings.kiosk else "--context")


def _near(feature: BasemapFeature, bounds: list[list[float]]) -> bool:
    """Whether a shape comes within ``CONTEXT_MARGIN`` of the box ``bounds`` (a whole shape, never cut)."""
    (south, west), (north, east) = bounds
    lats, lons = [p[0] for p in feature.points], [p[1] for p in feature.points]
    dlat, dlon = CONTEXT_MARGIN
    return min(lats) <= north + dlat and max(lats) >= south - dlat and min(lons) <= east + dlon and max(lons) >= west - dlon


def walk_context(content: Content, walk: Walk, kiosk: bool = False) -> folium.FeatureGroup:
    """What a walker needs under the route on a tiled map: the main railways and their yards, the canal, and the
    communes' and sections' outlines near the route (no labels, nothing that takes a click). The layer carries
    the OpenStreetMap credit, which the map shows while the layer is on it (``kiosk``: without a link)."""
    bounds = walk.bounds
    near = tuple(f for f in content.basemap if f.kind in CONTEXT_KINDS and bounds is not None and _near(f, bounds))
    layer = basemap_layer(dataclasses.replace(content, basemap=near), kinds=CONTEXT_KINDS, labels=False)
    layer.options["attribution"] = credit_html(kiosk)
    return layer


def _walk(content: Content, choice: str) -> folium.map.Layer | None:
    """A route's line and numbered stops (``<route id>--whole``), or without the stops whose every scene
    comes after the first encounter (``<route id>--spoiler-safe``); ``--context`` (or ``--context-kiosk``) after
    either lays the railways, the canal and the outlines under it."""
    context = next((suffix for suffix in WALK_CONTEXTS if choice.endswith(suffix)), "")
    route_id, _, shows = choice.removesuffix(context).rpartition("--")
    route = find_route(content, route_id)
    if route is None or shows not in WALK_SHOWS:
        return None
    walk = route_walk(content, route, content.spoilers() if shows == "spoiler-safe" else ())
    group = folium.FeatureGroup(name="walk-route", control=False)
    if context:  # first, so that the route is drawn over it
        walk_context(content, walk, kiosk=WALK_CONTEXTS[context]).add_to(group)
    walk_layer(walk).add_to(group)  # where a leg crosses the tracks is said in words (the page, the GPX), not drawn
    return group


# The layers drawn over a map, by kind: each builds its layer from the choice in its address, or refuses it.
LAYER_KINDS: dict[str, Callable[[Content, str], folium.map.Layer | None]] = {"ring": _ring, "walk": _walk}


def _layer(loaded: Loaded, kind: str, choice: str) -> tuple[bytes, str] | None:
    """The layer ``kind`` for ``choice`` as a script file, and its digest (None if there is no such layer)."""
    build = LAYER_KINDS.get(kind)
    if build is None or not re.fullmatch(r"[a-z0-9-]{1,64}", choice):
        return None

    def render() -> tuple[bytes, str] | None:
        layer = build(_content(loaded), choice)
        if layer is None:
            return None
        body = layer_file(layer).encode("utf-8")
        return body, _digest(body)

    return loaded.derived(("layer", kind, choice), render)


def layer_address(page: Page, kind: str, choice: str) -> str:
    """Where the layer ``kind`` for ``choice`` is served (``ring``: a place's id or ``none``; ``walk``:
    ``walk_choice(route id, spoiler_safe, settings)``)."""
    found = _layer(page.loaded, kind, choice)
    if found is None:
        raise ValueError(f"no {kind} layer for {choice!r}")
    return f"{LAYERS}/{kind}.{choice}.{found[1]}.js"


def _current() -> tuple[Settings, Loaded] | None:
    settings = CACHE.settings()
    if isinstance(settings, tuple):
        return None
    loaded = CACHE.loaded(settings.data_dir)
    return None if isinstance(loaded.content, tuple) else (settings, loaded)


def current_map_address(language: str) -> str | None:
    """The map's address for ``language`` with today's settings and content (None while either has problems)."""
    found = _current()
    return map_address(found[1], language, found[0]) if found else None


def _module(body: bytes, asked: str, current: str) -> Response:
    # An address drawn before the content changed (or by another replica) gets today's file, not to be kept.
    return Response(body, media_type=_JS, headers={"Cache-Control": IMMUTABLE if asked == current else "no-store"})


_NOT_FOUND = Response("No such map or layer.", status_code=404, media_type="text/plain")


async def _serve_map(request) -> Response:
    language, _, rest = request.path_params["name"].partition(".")
    found = _current()
    if language not in LANGUAGES or found is None or not rest.endswith(".js"):
        return _NOT_FOUND
    body, current = _rendered(found[1], language, found[0])
    return _module(body, rest.removesuffix(".js"), current)


async def _serve_layer(request) -> Response:
    parts = request.path_params["name"].split(".")
    found = _current()
    layer = _layer(found[1], parts[0], parts[1]) if found and len(parts) == 4 and parts[3] == "js" else None
    if layer is None:
        return _NOT_FOUND
    return _module(layer[0], parts[2], layer[1])


def map_routes() -> list[Route]:
    return [
        Route(MAPS + "/{name}", _serve_map, methods=["GET", "HEAD"]),
        Route(LAYERS + "/{name}", _serve_layer, methods=["GET", "HEAD"]),
    ]


def map_component(
    page: Page,
    *,
    key: str,
    height: int,
    overlay: str | None = None,
    center: Place | None = None,
    focus: list[list[float]] | None = None,
    on_click: Callable[[str], None] | None = None,
    under: str = "",
) -> None:
    """The explorer's map (every place as a marker) with one ``overlay`` (a ``layer_address``); ``center`` is kept
    in view when it changes; ``focus`` ([[south, west], [north, east]]) is the part of the map to show. A tap on a
    marker calls ``on_click`` with the place's id, once it is checked against the content.
    ``under`` is HTML from ``explorer.fragments`` drawn under the map in the same element."""

    def clicked() -> None:
        place_id = clicked_place_id(reported(key, "clicked"), page.content)
        if place_id and on_click is not None:
            on_click(place_id)

    data = {
        "map": map_address(page.loaded, page.language, page.settings),
        "overlay": overlay,
        "center": [center.lat, center.lon] if center else None,
        "focus": focus,
        "height": height,
        "label": t("Map", page.language),
        "error": t("The map could not be drawn.", page.language),
        "clickable": on_click is not None,
        "under": under,
        "stylesheet": map_stylesheet().path,
        "page_module": component_code("page").path,
    }
    _component(key=key, data=data, height="content", on_clicked_change=clicked)


def place_map(page: Page, *, selected: Place | None, **kwargs) -> None:
    """The explorer's map with ``selected`` ringed (one ring per place, rendered once)."""
    map_component(page, overlay=layer_address(page, "ring", selected.id if selected else "none"), center=selected, **kwargs)
