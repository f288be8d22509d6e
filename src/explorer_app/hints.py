"""``Link`` headers on every page (RFC 8288), so the browser fetches what the page will need while Streamlit's
own scripts load: the explorer's stylesheet and its components' code on every page; on the pages with a map
(the map and the walk) also Leaflet, the map's parts for the page's language, and the map's stylesheet.

Only the explorer's own files are named; Streamlit's page itself is passed on untouched.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from explorer.i18n import LANGUAGES
from explorer.model import DEFAULT_LANGUAGE
from explorer_app.assets import LEAFLET_SCRIPT, LEAFLET_STYLESHEET, component_code, map_stylesheet, page_stylesheet
from explorer_app.mapcomponent import current_map_address

MAP_PAGES = ("", "walk")  # the last part of a page's address


def page_language(query: str, accept_language: str) -> str:
    """The language a page will choose: ``?lang=``, else the browser's first language, else English."""
    chosen = parse_qs(query).get("lang", [""])[0]
    if chosen in LANGUAGES:
        return chosen
    first = accept_language.split(",")[0].split(";")[0].strip().replace("_", "-").split("-")[0].lower()
    return first if first in LANGUAGES else DEFAULT_LANGUAGE


def link_header(path: str, query: str = "", accept_language: str = "") -> str:
    """The ``Link`` value for the page at ``path``."""
    links = [
        f"<{page_stylesheet().path}>; rel=preload; as=style",
        *(f"<{component_code(name).path}>; rel=modulepreload" for name in ("page", "links")),
    ]
    if path.rstrip("/").rsplit("/", 1)[-1] in MAP_PAGES:
        links += [
            f"<{LEAFLET_SCRIPT}>; rel=preload; as=script",
            f"<{LEAFLET_STYLESHEET}>; rel=preload; as=style",
            f"<{map_stylesheet().path}>; rel=preload; as=style",
            f"<{component_code('leaflet_map').path}>; rel=modulepreload",
        ]
        address = current_map_address(page_language(query, accept_language))
        if address:
            links.append(f"<{address}>; rel=preload; as=script")
    return ", ".join(links)


class HintsMiddleware:
    """ASGI middleware: a ``Link`` header on every HTML answer."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return

        async def send_with_hints(message):
            if message["type"] == "http.response.start" and message.get("status") == 200:
                found = dict((k.lower(), v) for k, v in message.get("headers", []))
                # a page that names its own hints (the phones' page, explorer_app/participant.py) keeps them
                if found.get(b"content-type", b"").startswith(b"text/html") and b"link" not in found:
                    accept = next((v for k, v in scope.get("headers", []) if k == b"accept-language"), b"")
                    value = link_header(
                        scope.get("path", "/"), scope.get("query_string", b"").decode("latin-1"), accept.decode("latin-1")
                    )
                    message = {**message, "headers": [*message.get("headers", []), (b"link", value.encode("latin-1"))]}
            await send(message)

        await self.app(scope, receive, send_with_hints)
