"""Tell the browser, with the page's first response, what the map will need: Leaflet and the code of the page's
elements, so they load while Streamlit starts instead of one after another once the page's content arrives.

Streamlit loads the code for each kind of element (page links, pills, toggles, HTML, components) only when an
element of that kind first arrives over the websocket, and the map then loads Leaflet. A ``Link`` header on
every HTML response (RFC 8288; ``preload`` and ``modulepreload``) starts those downloads as soon as the page
starts loading. The chunk files are found in the installed Streamlit, so their hashed names stay right.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import streamlit

from explorer.mapview import ASSET_BASE, LEAFLET_CSS, LEAFLET_JS

STATIC = Path(streamlit.__file__).parent / "static"
# The kinds of element on the explorer's pages beyond plain text: the map (a v2 component), the place list
# (pills), the navigation (page links), the spoiler switch (toggle) and HTML.
ELEMENT_CHUNKS = ("BidiComponent",)
_IMPORT = re.compile(r'(?:import|from)\s*"\./([\w.\-]+\.js)"')


def chunk_closure(names: Iterable[str], static: Path = STATIC) -> list[str]:
    """The chunk files (``static/js/<name>.<hash>.js``) for ``names`` and every chunk they import, minus the
    ones Streamlit's own page already preloads; in a stable order."""
    js = static / "static" / "js"
    index = (static / "index.html").read_text(encoding="utf-8")
    already = set(re.findall(r'static/js/([\w.\-]+\.js)', index))
    todo = [p.name for name in names for p in sorted(js.glob(f"{name}.*.js"))]
    found: list[str] = []
    while todo:
        name = todo.pop(0)
        if name in found or name in already or not (js / name).is_file():
            continue
        found.append(name)
        todo += _IMPORT.findall((js / name).read_text(encoding="utf-8"))
    return found


def link_header(base_path: str = "") -> str:
    """The ``Link`` header value: Leaflet (script and style) and the element chunks."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    links = [f"<{ASSET_BASE}/{LEAFLET_JS}>; rel=preload; as=script", f"<{ASSET_BASE}/{LEAFLET_CSS}>; rel=preload; as=style"]
    links += [f"<{base}/static/js/{name}>; rel=modulepreload" for name in chunk_closure(ELEMENT_CHUNKS)]
    return ", ".join(links)


class PreloadMiddleware:
    """ASGI middleware adding the ``Link`` header to the app's HTML pages (nothing else is touched)."""

    def __init__(self, app, header: str | None = None) -> None:
        self.app = app
        self.header = (header if header is not None else link_header()).encode("latin-1")

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return

        async def send_with_links(message):
            if message["type"] == "http.response.start" and message.get("status") == 200:
                headers = list(message.get("headers", []))
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message = {**message, "headers": headers + [(b"link", self.header)]}
            await send(message)

        await self.app(scope, receive, send_with_links)
