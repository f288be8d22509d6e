"""Routes that serve the map's scripts and styles from installed packages, never from a CDN."""

from __future__ import annotations

import xstatic.pkg.leaflet as leaflet
from starlette.responses import FileResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from explorer.mapview import ASSET_BASE
from explorer_app.compression import compressible, file_bytes, respond

# The files change only with the installed package's version, which is part of nothing in the URL; a day
# is long enough for a screening's audience or a kiosk's day, and short enough for an upgrade to reach them.
CACHE_CONTROL = "public, max-age=86400"


class CachedStaticFiles(StaticFiles):
    """StaticFiles whose responses say how long browsers may keep them (a phone opening the map again, or a
    kiosk all day, then loads Leaflet from its cache), and whose text files are gzipped once
    (``compression``), not by Streamlit's middleware on every request."""

    def file_response(self, full_path, stat_result, scope, status_code: int = 200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = CACHE_CONTROL
        if status_code != 200 or not isinstance(response, FileResponse) or not compressible(response.media_type):
            return response  # "not modified", or an image
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-type", "accept-ranges")}
        body = file_bytes(str(full_path), stat_result.st_mtime_ns, stat_result.st_size)
        return respond(body, response.media_type, headers, scope)


def asset_routes() -> list[Mount]:
    """Leaflet from the XStatic-Leaflet package, mounted under ``/explorer-assets/leaflet``."""
    return [Mount(f"{ASSET_BASE}/leaflet", app=CachedStaticFiles(directory=leaflet.BASE_DIR), name="leaflet")]
