"""The explorer's own assets are gzipped once and sent as they are to every browser that accepts gzip."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import pytest
import xstatic.pkg.leaflet as leaflet
from starlette.exceptions import HTTPException

from explorer_app.assets import CACHE_CONTROL, asset_routes
from explorer_app.compression import compressible, gzipped, respond
from explorer_app.preload import style_route
from explorer_app.styles import APP_CSS
from explorer_app.triggers import code_routes, component_code

LEAFLET_JS = Path(leaflet.BASE_DIR) / "leaflet.js"


def call(app, path: str, headers: dict[str, str] | None = None, root_path: str = "") -> tuple[int, dict, bytes]:
    """One GET through an ASGI app: status, headers (lower-case names), body."""
    sent: list = []

    async def send(message):
        sent.append(message)

    received: list = []

    async def receive():
        if received:  # after the request, the client stays connected until the response is sent
            await asyncio.Event().wait()
        received.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": root_path + path, "root_path": root_path, "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    asyncio.run(app(scope, receive, send))
    head = {k.decode().lower(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])


def test_text_is_gzipped_when_accepted_and_sent_plain_otherwise():
    body = b"L.map(" * 200
    scope = {"type": "http", "headers": [(b"accept-encoding", b"gzip, br")]}
    zipped = respond(body, "text/javascript", {"Cache-Control": "x"}, scope)
    assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.body) == body and zipped.headers["cache-control"] == "x"
    for headers, media_type, text in [([], "text/javascript", body), ([(b"accept-encoding", b"gzip;q=0")], "text/css", body),
                                      ([(b"accept-encoding", b"gzip")], "image/png", body),
                                      ([(b"accept-encoding", b"gzip")], "text/css", b"tiny")]:
        plain = respond(text, media_type, {}, {"type": "http", "headers": headers})
        assert "content-encoding" not in plain.headers and plain.body == text, (headers, media_type)
        assert plain.headers["vary"] == "Accept-Encoding"


def test_a_body_is_compressed_once():
    body = b"body { color: green; }" * 100
    assert gzipped(body) is gzipped(body)  # the same bytes for every browser: no work per request
    assert compressible("text/css; charset=utf-8") and compressible("application/javascript")
    assert not compressible("image/png") and not compressible(None)


def test_leaflet_is_served_gzipped_from_one_compression_and_revalidates():
    (mount,) = asset_routes()
    status, head, body = call(mount, "/explorer-assets/leaflet/leaflet.js", {"Accept-Encoding": "gzip"})
    assert status == 200 and head["content-encoding"] == "gzip" and head["cache-control"] == CACHE_CONTROL
    assert gzip.decompress(body) == LEAFLET_JS.read_bytes() and int(head["content-length"]) == len(body)
    assert "accept-ranges" not in head  # a gzipped body cannot be served in byte ranges
    again = call(mount, "/explorer-assets/leaflet/leaflet.js", {"Accept-Encoding": "gzip"})[2]
    assert again == body
    status, plain_head, plain = call(mount, "/explorer-assets/leaflet/leaflet.js")
    assert status == 200 and plain == LEAFLET_JS.read_bytes() and "content-encoding" not in plain_head
    status, _, _ = call(mount, "/explorer-assets/leaflet/leaflet.js", {"If-None-Match": head["etag"]})
    assert status == 304  # a browser whose day-long copy ran out asks again and keeps it
    status, image_head, image = call(mount, "/explorer-assets/leaflet/images/marker-icon.png", {"Accept-Encoding": "gzip"})
    assert status == 200 and "content-encoding" not in image_head and image.startswith(b"\x89PNG")
    with pytest.raises(HTTPException) as missing:  # Streamlit's server turns it into a 404 page
        call(mount, "/explorer-assets/leaflet/no-such-file.js")
    assert missing.value.status_code == 404


def test_the_components_code_and_the_stylesheet_are_gzipped_too():
    code = component_code("leaflet_map")
    (route,) = [r for r in code_routes() if r.path == code.path]
    status, head, body = call(route.app, code.path, {"Accept-Encoding": "gzip"})
    assert status == 200 and head["content-encoding"] == "gzip" and gzip.decompress(body) == code.source.encode()
    route = style_route()
    status, head, body = call(route.app, route.path, {"Accept-Encoding": "gzip"})
    assert status == 200 and head["content-encoding"] == "gzip" and gzip.decompress(body) == APP_CSS.encode()
    assert "immutable" in head["cache-control"]
