"""The files the explorer serves itself, from the project and from installed packages, never from a CDN.

- ``page_stylesheet()``: the explorer's styles for every page (the theme's custom properties, then
  ``explorer/css/symbols.css`` and ``explorer_app/css/*.css``);
- ``map_stylesheet()``: what the map's component draws under the map, inside its shadow root;
- ``component_code(name)``: the browser code of the explorer's Streamlit components (``*.js`` beside this file);
- Leaflet, from the installed XStatic-Leaflet package.

Each is served at an address that changes with its content (or, for Leaflet, its version), so a browser may
keep it for a year: a phone that opens the explorer again, and a kiosk all day, load them from their cache.
Compression is left to ``compression.py``, which compresses every text response once.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources

import xstatic.pkg.leaflet as leaflet_package
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from explorer.mapview import ASSET_BASE, LEAFLET_CSS, LEAFLET_DIR, LEAFLET_JS
from explorer.theme import css_variables, stylesheet

IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_SHEETS = ("app", "kiosk", "attract", "guest")  # explorer_app/css/*.css, in this order
MAP_SHEETS = ("under_map",)
COMPONENTS = ("page", "links", "leaflet_map", "livepush")  # explorer_app/*.js


@dataclass(frozen=True)
class Served:
    """A file's content, type, and the address it is served at (its name carries a digest of the content)."""

    stem: str
    suffix: str
    body: bytes
    media_type: str

    @property
    def path(self) -> str:
        return f"{ASSET_BASE}/{self.stem}.{hashlib.sha256(self.body).hexdigest()[:12]}{self.suffix}"

    def route(self) -> Route:
        async def serve(request) -> Response:
            return Response(self.body, media_type=self.media_type, headers={"Cache-Control": IMMUTABLE})

        return Route(self.path, serve, methods=["GET", "HEAD"])


def _app_css(name: str) -> str:
    return resources.files("explorer_app").joinpath("css", f"{name}.css").read_text(encoding="utf-8")


@functools.cache
def page_stylesheet() -> Served:
    text = stylesheet("symbols") + "\n".join(_app_css(name) for name in PAGE_SHEETS)
    return Served("explorer", ".css", text.encode("utf-8"), "text/css")


@functools.cache
def map_stylesheet() -> Served:
    text = css_variables() + stylesheet("symbols", variables=False) + "\n".join(_app_css(n) for n in MAP_SHEETS)
    return Served("map", ".css", text.encode("utf-8"), "text/css")


@functools.cache
def component_code(name: str) -> Served:
    """The browser code of the component ``name`` (``page``, ``links``, ``leaflet_map``)."""
    source = resources.files("explorer_app").joinpath(f"{name}.js").read_bytes()
    return Served(f"components/{name}", ".js", source, "text/javascript")


def component_loader(name: str) -> str:
    """What a component is registered with: two lines that import its served file. Streamlit sends a
    component's code with every run of it; a loader is 200 bytes, and the file is fetched once and kept.
    A module made from a string has no address of its own: the page's address resolves the file's."""
    return (
        f"const code = import(new URL({json.dumps(component_code(name).path)}, document.baseURI).href);\n"
        "export default (args) => code.then((module) => module.default(args));\n"
    )


LEAFLET_SCRIPT = f"{ASSET_BASE}/{LEAFLET_JS}"
LEAFLET_STYLESHEET = f"{ASSET_BASE}/{LEAFLET_CSS}"


def _cache_forever(app):
    """An ASGI app whose successful answers may be kept a year (the address names the package's version)."""

    async def cached(scope, receive, send):
        async def send_cached(message):
            if message["type"] == "http.response.start" and message.get("status") == 200:
                message = {**message, "headers": [*message.get("headers", []), (b"cache-control", IMMUTABLE.encode())]}
            await send(message)

        await app(scope, receive, send_cached)

    return cached


def asset_routes() -> list[BaseRoute]:
    """Routes for the stylesheets, the components' code and Leaflet."""
    served = [page_stylesheet(), map_stylesheet(), *(component_code(name) for name in COMPONENTS)]
    leaflet = _cache_forever(StaticFiles(directory=leaflet_package.BASE_DIR))
    return [*(item.route() for item in served), Mount(f"{ASSET_BASE}/{LEAFLET_DIR}", app=leaflet, name="leaflet")]
