"""What every page's first response carries, so the browser prepares the map while Streamlit starts.

Streamlit loads the code for each kind of element (HTML, page links, components) only when an element of that
kind first arrives over the websocket, and the map then needs Leaflet. Everything after that first message is
on the way to the map, so as much as possible happens before it:

- a ``Link`` header on every HTML response (RFC 8288; ``preload`` and ``modulepreload``) starts the downloads of
  Leaflet and the elements' code as soon as the page starts loading; the chunk files are found in the installed
  Streamlit, so their hashed names stay right;
- the page's head gets Leaflet's script (``defer``: it runs while Streamlit connects), and the end of its body
  the explorer's stylesheet (``styles.APP_CSS``, served under a name that changes with its content, and cached);
- once the page is idle (Streamlit waiting for its server), the components' code is run, so the first component
  to arrive does not wait for it (``early_import_html``).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs

import streamlit
from starlette.middleware import Middleware
from starlette.responses import Response
from starlette.routing import Route

from explorer.mapview import ASSET_BASE, LEAFLET_CSS, LEAFLET_JS
from explorer_app.compression import IMMUTABLE, accepts_gzip, respond
from explorer_app.styles import APP_CSS
from explorer_app.triggers import code_paths

STATIC = Path(streamlit.__file__).parent / "static"
# The kinds of element on the explorer's pages beyond plain text: v2 components (the map, the navigation, the
# place list), HTML and page links. The map page's first view, before a place is chosen, draws only components:
# the other chunks would only compete with what it needs.
ELEMENT_CHUNKS = ("BidiComponent", "Html", "PageLink")
MAP_FIRST_VIEW_CHUNKS = ("BidiComponent",)
EARLY_CHUNKS = ("BidiComponent",)  # run as soon as the page is idle: every page draws components
STYLESHEET = f"{ASSET_BASE}/explorer.{hashlib.sha256(APP_CSS.encode()).hexdigest()[:12]}.css"
# Path parts that mark what is never one of the app's pages (Streamlit's API and files, our assets), wherever the
# app is mounted; so does a file name with an extension. Those requests are left alone.
_NOT_PAGES = ("/_stcore/", "/static/", "/app/static/", "/media/", "/component/", "/bidi-components/", "/auth/",
              f"{ASSET_BASE}/")


def is_page(path: str) -> bool:
    """Whether a request path may be one of the app's pages (``/``, ``/walk``, ``/base/scenes``)."""
    return not any(part in path + "/" for part in _NOT_PAGES) and "." not in path.rsplit("/", 1)[-1]


_served = False


def serves_head() -> bool:
    """Whether the explorer's styles are in the page's head (the app runs behind ``middleware()``)."""
    return _served


def middleware(*, pages: Iterable[str], light_first_view: bool = True) -> list[Middleware]:
    """The middleware for ``st.App``; from then on pages leave the styles to the head. ``pages`` are the names
    of the app's pages other than the map page (``walk``, ``scenes``…). ``light_first_view=False`` (a kiosk,
    whose pages also draw HTML) gives the map page's first view the full ``Link`` header too."""
    global _served
    _served = True
    light = None if light_first_view else link_header()
    return [Middleware(PreloadMiddleware, pages=tuple(pages), first_view_header=light)]


def is_map_first_view(path: str, query: bytes, pages: Iterable[str]) -> bool:
    """Whether a page request opens the map page with no place or scene chosen: ``/``, ``/?lang=fr``, or the
    root of a base path; not ``/walk`` and not ``/?place=moeraske``."""
    if path.rstrip("/").rsplit("/", 1)[-1] in set(pages):
        return False
    chosen = parse_qs(query.decode("latin-1"))
    return "place" not in chosen and "scene" not in chosen


def head_html() -> str:
    """What goes at the end of every page's head: Leaflet, run once the page is parsed."""
    return f'<script defer src="{ASSET_BASE}/{LEAFLET_JS}"></script>'


def early_import_html(chunks: Iterable[str] = EARLY_CHUNKS, static: Path = STATIC,
                      modules: Iterable[str] | None = None) -> str:
    """A script that imports the chunk files of ``chunks`` (``BidiComponent``: the code for v2 components, which
    every page of the explorer draws) and the explorer's own component code (``modules``, addresses on the
    server) as soon as the page is idle. Streamlit imports them only when the first component arrives, and
    running them (with Streamlit's Arrow serialisation) then took about 8 ms on the way to the map; before the
    first message the page mostly waits for its server. Streamlit's files are addressed relative to its own
    script, as its imports are, so they are the same modules, run once."""
    names = [file for name in chunks for file in chunk_files(name, static)]
    own = list(code_paths() if modules is None else modules)
    if not names and not own:
        return ""
    return ("<script>(() => { const run = () => { const main = document.querySelector('script[src*=\"static/js/index.\"]');"
            " const urls = " + json.dumps(own) + ".map((path) => new URL(path, document.baseURI).href);"
            " if (main) { urls.push(..." + json.dumps(names) + ".map((name) => new URL(name, main.src).href)); }"
            " for (const url of urls) { import(url).catch(() => {}); } };"
            " addEventListener('DOMContentLoaded', () => (window.requestIdleCallback || setTimeout)(run, { timeout: 1500 })); })();"
            "</script>")


def body_html() -> str:
    """What goes at the end of every page's body: the explorer's stylesheet, and the early import of the
    components' code. After the head, so its rules come
    after the ones Streamlit adds to the head while it runs, and win where they are as specific. Loaded as
    ``media="print"`` first: a plain stylesheet there would hold back Streamlit's own scripts until it arrived
    (HTML runs deferred scripts only once no stylesheet is pending), which delayed the whole page by 100 to
    300 ms; it applies to the screen as soon as it is loaded, long before the page's content arrives."""
    return (f'<link rel="stylesheet" href="{STYLESHEET}" media="print" onload="this.media=\'all\'">'
            + early_import_html())



def style_route() -> Route:
    """The explorer's stylesheet, at an address that changes whenever the styles do (so it may be kept a year)."""

    body = APP_CSS.encode()

    async def stylesheet(request) -> Response:
        return respond(body, "text/css", IMMUTABLE, request.scope)

    return Route(STYLESHEET, stylesheet, methods=["GET", "HEAD"])

def chunk_files(name: str, static: Path = STATIC) -> list[str]:
    """The installed Streamlit's chunk files for the kind of element ``name`` (``BidiComponent.<hash>.js``)."""
    return [p.name for p in sorted((static / "static" / "js").glob(f"{name}.*.js"))]


_IMPORT = re.compile(r'(?:import|from)\s*"\./([\w.\-]+\.js)"')


def chunk_closure(names: Iterable[str], static: Path = STATIC) -> list[str]:
    """The chunk files (``static/js/<name>.<hash>.js``) for ``names`` and every chunk they import, minus the
    ones Streamlit's own page already preloads; in a stable order."""
    js = static / "static" / "js"
    index = (static / "index.html").read_text(encoding="utf-8")
    already = set(re.findall(r'static/js/([\w.\-]+\.js)', index))
    todo = [file for name in names for file in chunk_files(name, static)]
    found: list[str] = []
    while todo:
        name = todo.pop(0)
        if name in found or name in already or not (js / name).is_file():
            continue
        found.append(name)
        todo += _IMPORT.findall((js / name).read_text(encoding="utf-8"))
    return found


def link_header(base_path: str = "", chunks: Iterable[str] = ELEMENT_CHUNKS) -> str:
    """The ``Link`` header value: Leaflet (script and style) and the code of the kinds of element ``chunks``."""
    base = "/" + base_path.strip("/") if base_path.strip("/") else ""
    links = [f"<{ASSET_BASE}/{LEAFLET_JS}>; rel=preload; as=script", f"<{ASSET_BASE}/{LEAFLET_CSS}>; rel=preload; as=style"]
    links += [f"<{path}>; rel=modulepreload" for path in code_paths()]  # the components' own code
    links += [f"<{base}/static/js/{name}>; rel=modulepreload" for name in chunk_closure(chunks)]
    return ", ".join(links)


class PreloadMiddleware:
    """ASGI middleware for the app's HTML pages: adds the ``Link`` header, Leaflet and the stylesheet.
    Nothing else is touched; a page is asked for uncompressed (it is small) and compressed again here if the
    browser accepts gzip.

    The header names every element chunk (``header``), except on the map page's first view, which gets only
    what that view draws (``first_view_header``); ``pages`` are the names of the other pages."""

    def __init__(self, app, header: str | None = None, first_view_header: str | None = None,
                 pages: tuple[str, ...] = ()) -> None:
        self.app = app
        self.header = (header if header is not None else link_header()).encode("latin-1")
        light = first_view_header if first_view_header is not None else (
            header if header is not None else link_header(chunks=MAP_FIRST_VIEW_CHUNKS))
        self.first_view_header = light.encode("latin-1")
        self.pages = pages
        self.head, self.body = head_html().encode("utf-8"), body_html().encode("utf-8")
        self._pages: dict[tuple[bytes, bool], bytes] = {}

    def _extended(self, page: bytes, gzipped: bool) -> bytes:
        """The page with Leaflet and the stylesheet, gzipped if asked; kept, since every page is the same file."""
        key = (page, gzipped)
        if key not in self._pages:
            if len(self._pages) >= 8:
                self._pages.clear()
            extended = page.replace(b"</head>", self.head + b"</head>", 1).replace(b"</body>", self.body + b"</body>", 1)
            self._pages[key] = gzip.compress(extended, compresslevel=6) if gzipped else extended
        return self._pages[key]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or not is_page(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers", []))
        gzip_ok = any(k == b"accept-encoding" and accepts_gzip(v) for k, v in headers)
        # Uncompressed, and never "not modified": the page here may differ from what a browser kept. The body
        # as messages (not a file path to send), so it can be extended.
        dropped = (b"accept-encoding", b"if-none-match", b"if-modified-since")
        extensions = {k: v for k, v in (scope.get("extensions") or {}).items() if k != "http.response.pathsend"}
        scope = {**scope, "headers": [(k, v) for k, v in headers if k not in dropped], "extensions": extensions}
        start: dict | None = None
        body: list[bytes] = []

        async def send_page(message):
            nonlocal start
            if message["type"] == "http.response.start":
                kept = list(message.get("headers", []))
                html = message.get("status") == 200 and any(
                    k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in kept)
                if not html:
                    await send(message)
                    return
                first_view = is_map_first_view(scope.get("path", ""), scope.get("query_string", b""), self.pages)
                start = {**message, "headers": kept + [(b"link", self.first_view_header if first_view else self.header)]}
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = self._extended(b"".join(body), gzip_ok)
            dropped_headers = (b"content-length", b"etag", b"last-modified", b"vary", b"content-encoding")
            response_headers = [(k, v) for k, v in start["headers"] if k.lower() not in dropped_headers]
            vary = [p.strip() for k, v in start["headers"] if k.lower() == b"vary" for p in v.split(b",") if p.strip()]
            if b"accept-encoding" not in {p.lower() for p in vary}:
                vary.append(b"Accept-Encoding")
            response_headers.append((b"vary", b", ".join(vary)))
            if gzip_ok:
                response_headers.append((b"content-encoding", b"gzip"))
            await send({**start, "headers": response_headers + [(b"content-length", str(len(page)).encode())]})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, send_page)
