"""Routes that serve the map's scripts and styles from installed packages, never from a CDN."""

from __future__ import annotations

import xstatic.pkg.leaflet as leaflet
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from explorer.mapview import ASSET_BASE

# The files change only with the installed package's version, which is part of nothing in the URL; a day
# is long enough for a screening's audience or a kiosk's day, and short enough for an upgrade to reach them.
CACHE_CONTROL = "public, max-age=86400"


class CachedStaticFiles(StaticFiles):
    """StaticFiles whose responses say how long browsers may keep them (a phone opening the map again, or a
    kiosk all day, then loads Leaflet from its cache)."""

    def file_response(self, *args, **kwargs):
        response = super().file_response(*args, **kwargs)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def asset_routes() -> list[Mount]:
    """Leaflet from the XStatic-Leaflet package, mounted under ``/explorer-assets/leaflet``."""
    return [Mount(f"{ASSET_BASE}/leaflet", app=CachedStaticFiles(directory=leaflet.BASE_DIR), name="leaflet")]
