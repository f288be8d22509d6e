"""Routes that serve the map's scripts and styles from installed packages, never from a CDN."""

from __future__ import annotations

import xstatic.pkg.leaflet as leaflet
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from explorer.mapview import ASSET_BASE


def asset_routes() -> list[Mount]:
    """Leaflet from the XStatic-Leaflet package, mounted under ``/explorer-assets/leaflet``."""
    return [Mount(f"{ASSET_BASE}/leaflet", app=StaticFiles(directory=leaflet.BASE_DIR), name="leaflet")]
