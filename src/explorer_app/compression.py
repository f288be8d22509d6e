"""The explorer's own text assets (Leaflet, the components' code, the stylesheet), gzipped once, not per request.

Streamlit serves its own scripts uncompressed; its gzip middleware compresses everything else again on every
request, on the server's event loop. For Leaflet's 147 KB script that was a few milliseconds of the server's
time for every visitor, while the page is loading, and 300 phones arriving after a screening would each cost
it again. Here each body is compressed once (at the strongest level, since it is kept) and the same bytes are
sent to every browser that accepts gzip; a response that already says how it is encoded passes Streamlit's
middleware untouched.
"""

from __future__ import annotations

import functools
import gzip
from collections.abc import Mapping
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import Response

MIN_SIZE = 500  # bytes: smaller bodies gain nothing
# For a file whose address changes with its content (the stylesheet, the components' code): kept a year.
IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}
_TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip;q=0`` refuses it)."""
    for item in accept_encoding.decode("latin-1").lower().split(","):
        name, _, params = item.partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip()
            if not quality.startswith("q="):
                return True
            try:
                return float(quality[2:]) > 0
            except ValueError:
                return False
    return False


def compressible(media_type: str | None) -> bool:
    """Whether a body of this type is text, which gzip makes much smaller (images are compressed already)."""
    return bool(media_type) and media_type.split(";")[0].strip().lower().startswith(_TEXT_TYPES)


@functools.lru_cache(maxsize=32)
def gzipped(body: bytes) -> bytes:
    """``body`` gzipped, made once per body (the cache holds the few assets the explorer serves)."""
    return gzip.compress(body, compresslevel=9, mtime=0)


@functools.lru_cache(maxsize=32)
def file_bytes(path: str, mtime_ns: int, size: int) -> bytes:
    """A file's content, read once per version of it (its modification time and size are part of the key)."""
    return Path(path).read_bytes()


def respond(body: bytes, media_type: str, headers: Mapping[str, str], scope) -> Response:
    """``body`` as a response to the request in ``scope``: gzipped if it is text and the browser accepts gzip,
    as it is otherwise; ``Vary: Accept-Encoding`` either way, so a cache keeps both."""
    out = {k: v for k, v in headers.items() if k.lower() not in ("content-length", "content-encoding", "vary")}
    out["Vary"] = "Accept-Encoding"
    accepted = accepts_gzip(Headers(scope=scope).get("accept-encoding", "").encode("latin-1"))
    if accepted and compressible(media_type) and len(body) >= MIN_SIZE:
        out["Content-Encoding"] = "gzip"
        return Response(gzipped(body), media_type=media_type, headers=out)
    return Response(body, media_type=media_type, headers=out)
