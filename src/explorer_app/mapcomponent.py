"""The explorer's maps, drawn by Leaflet in the page itself: a Streamlit v2 component (``leaflet_map.js``).

The folium map (``explorer.mapview.build_map``, pure) is taken apart once per content, language and settings
(``explorer.mapparts``) and served as a file, ``/explorer-assets/maps/<language>.<digest>.json``, which a
browser keeps; the component's data names that file and carries only what changes between runs: the overlay
(the selection ring, the walk), the selected place, and what is drawn under the map.

A tap, from the browser to the panel:
1. ``leaflet_map.js``: the marker's click calls ``setTriggerValue("clicked", place id)``;
2. ``map_component``'s ``on_clicked_change`` callback reads it from ``st.session_state[key]``, checks that it is
   a place's id, and calls ``on_click`` (the map page's ``select_place``), which writes ``?place=ID``;
3. the rerun reads ``st.query_params`` and draws the ring and the place's panel.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

import folium
from starlette.responses import Response
from starlette.routing import Route

from explorer.i18n import LANGUAGES, t
from explorer.mapparts import layer_script, map_parts
from explorer.mapview import ASSET_BASE, build_map, map_fit, selection_layer
from explorer.model import Place
from explorer.selection import clicked_place_id
from explorer.settings import Settings
from explorer_app.assets import IMMUTABLE, component_code, map_stylesheet
from explorer_app.cache import CACHE, Loaded
from explorer_app.components import register, reported
from explorer_app.page import Page

_component = register("leaflet_map")
MAPS = f"{ASSET_BASE}/maps"


def _rendered(loaded: Loaded, language: str, settings: Settings) -> tuple[bytes, str]:
    """The map's parts as JSON, and their digest; built once per content, language and settings."""

    def build() -> tuple[bytes, str]:
        content = loaded.content
        parts = {**map_parts(build_map(content, language, settings=settings)).as_dict(), "fit": map_fit(content)}
        body = json.dumps(parts, separators=(",", ":")).encode("utf-8")
        return body, hashlib.sha256(body).hexdigest()[:16]

    return loaded.derived(("map", language, settings), build)


def map_address(loaded: Loaded, language: str, settings: Settings) -> str:
    """Where the map's parts are served (the address changes with them, so a browser may keep them)."""
    return f"{MAPS}/{language}.{_rendered(loaded, language, settings)[1]}.json"


def current_map_address(language: str) -> str | None:
    """The map's address for ``language`` with today's settings and content (None while either has problems)."""
    settings = CACHE.settings()
    if isinstance(settings, tuple):
        return None
    loaded = CACHE.loaded(settings.data_dir)
    return None if isinstance(loaded.content, tuple) else map_address(loaded, language, settings)


async def _serve_map(request) -> Response:
    language, _, rest = request.path_params["name"].partition(".")
    digest = rest.removesuffix(".json")
    settings = CACHE.settings()
    loaded = None if isinstance(settings, tuple) else CACHE.loaded(settings.data_dir)
    if language not in LANGUAGES or loaded is None or isinstance(loaded.content, tuple):
        return Response("No such map.", status_code=404, media_type="text/plain")
    body, current = _rendered(loaded, language, settings)
    # An address drawn before the content changed gets today's map, not to be kept.
    cache = IMMUTABLE if digest == current else "no-store"
    return Response(body, media_type="application/json", headers={"Cache-Control": cache})


def map_route() -> Route:
    return Route(MAPS + "/{name}", _serve_map, methods=["GET", "HEAD"])


def overlay(page: Page, key: str, build: Callable[[], folium.map.Layer]) -> dict:
    """A layer for the map, rendered once per content and ``key``: ``{script, name}`` for ``leaflet_map.js``."""
    script, name = page.derived(("overlay", key), lambda: layer_script(build()))
    return {"script": script, "name": name}


def map_component(page: Page, *, key: str, height: int, overlay: dict | None = None, center: Place | None = None,
                  on_click: Callable[[str], None] | None = None, under: str = "") -> None:
    """The explorer's map (every place as a marker) with one ``overlay``; ``center`` is kept in view when it
    changes. A tap on a marker calls ``on_click`` with the place's id, once it is checked against the content.
    ``under`` is HTML from ``explorer.fragments`` drawn under the map in the same element."""

    def clicked() -> None:
        place_id = clicked_place_id(reported(key, "clicked"), page.content)
        if place_id and on_click is not None:
            on_click(place_id)

    data = {"map": map_address(page.loaded, page.language, page.settings), "overlay": overlay,
            "center": [center.lat, center.lon] if center else None, "height": height,
            "label": t("Map", page.language), "error": t("The map could not be drawn.", page.language),
            "clickable": on_click is not None, "under": under, "stylesheet": map_stylesheet().path,
            "page_module": component_code("page").path}
    _component(key=key, data=data, height="content", on_clicked_change=clicked)


def place_map(page: Page, *, selected: Place | None, **kwargs) -> None:
    """The explorer's map with ``selected`` ringed (one ring per place, rendered once)."""
    ring = overlay(page, f"ring:{selected.id if selected else ''}", lambda: selection_layer(selected))
    map_component(page, overlay=ring, center=selected, **kwargs)
