"""An address that is no page of the explorer: a real "404 Not Found" in the visitor's language and the
explorer's style, with a way to every page, instead of Streamlit's English dialog over the map.

Streamlit answers every address it has no file for with its page (status 200) and lets the browser find out that
no page has that name. This middleware makes such an address a 404 for every client: a GET or HEAD at an address
that names no page of the explorer, none of the explorer's routes and none of Streamlit's own prefixes goes on to
Streamlit, and when Streamlit answers it with its HTML page (its fallback: a real file there, such as
``/favicon.png``, is no HTML) the answer becomes a 404: this page for a browser (``Accept: text/html``), a short
``text/plain`` "Not found" for any other client. On a kiosk there is nothing to read: a browser is sent to the
attract screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import parse_qs, quote

import streamlit as st
from starlette.routing import BaseRoute, Match

from explorer.fragments import esc
from explorer.i18n import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, t
from explorer.settings import Settings
from explorer.theme import css_variables
from explorer_app.assets import page_stylesheet
from explorer_app.cache import CACHE
from explorer_app.navigation import JOIN_ADDRESS, LIVE_PAGES, PAGES, page_href, page_labels

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"  # Streamlit serves each pages/NAME.py at NAME


def _page_addresses() -> dict[str, str]:
    """Every page's address and name: the navigation's pages first, in its order (the map at the app's own
    address), then every other page Streamlit finds in ``pages/`` (the kiosk's attract screen, the staff page...),
    and the phones' page of a live session (participant.py)."""
    named = {page_href(script).strip("./"): name for name, script in (PAGES | LIVE_PAGES).items()}
    found = {path.stem: path.stem for path in sorted(PAGES_DIR.glob("*.py")) if path.stem not in named}
    return named | found | {JOIN_ADDRESS: "join"}


PAGE_ADDRESSES = _page_addresses()
# Streamlit's own endpoints and the files apps give it: what they answer passes untouched, HTML included (a
# component's page). Under ``static`` (Streamlit's bundles) and ``explorer-assets`` no file is HTML: an HTML answer
# there is Streamlit's page for a file that is not there (an old bundle's name), made a 404 like any other.
_SERVED = ("_stcore", "media", "component", "app")


def page_name(path: str, base: str = "") -> str | None:
    """The page an address asks for, ``None`` if it names none (``base``: Streamlit's ``server.baseUrlPath``)."""
    path = path.strip("/")
    base = base.strip("/")
    if base:
        if path != base and not path.startswith(base + "/"):
            return None
        path = path[len(base) :].strip("/")
    return PAGE_ADDRESSES.get(path)


def language(query: str, accept_language: str) -> str:
    """``?lang=`` if it names a language of the explorer, else the first of the browser's languages it has."""
    chosen = parse_qs(query).get("lang", [""])[-1]
    if chosen in LANGUAGES:
        return chosen
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def not_found_html(path: str, lang: str, root: str = "/") -> str:
    """The page: what happened, and a link to each page of the explorer (keeping the language)."""
    keep = f"?lang={lang}" if lang != DEFAULT_LANGUAGE else ""
    labels = page_labels(lang)
    links = "".join(
        f'<li><a href="{esc(root + address)}{keep}">{esc(labels[name])}</a></li>'
        for address, name in PAGE_ADDRESSES.items()
        if name in labels
    )
    others = "".join(
        f'<li><a href="{esc(root + quote(path.lstrip("/")))}?lang={code}" lang="{code}" hreflang="{code}">'
        f"{esc(LANGUAGE_NAMES[code])}</a></li>"
        for code in LANGUAGES
        if code != lang
    )
    title = t("This page does not exist", lang)
    kicker = t("Here · Bas Devos · 2023", lang)
    why = t(
        "There is no page at this address in the explorer. It may have been mistyped, or shortened by the app that shared it.", lang
    )
    go_to, language_label = t("Go to", lang), t("Language", lang)
    return f"""<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {esc(kicker)}</title>
<link rel="stylesheet" href="{esc(root.rstrip("/") + page_stylesheet().path)}">
<style>{css_variables(":root")}
body {{ margin: 0; background: var(--hx-paper); color: var(--hx-ink); font: 1rem/1.6 var(--hx-font-sans); }}
main {{ max-width: 46rem; margin: 0 auto; padding: 2.5rem 1.25rem; }}
.hx-header p.hx-address {{ font-family: monospace; color: var(--hx-concrete); overflow-wrap: anywhere; }}
nav.hx-links {{ display: block; margin-top: 1rem; }}
nav h2 {{ font-size: var(--hx-h4); margin: 1.6rem 0 .5rem; }}
.hx-pages a {{ border: 1px solid var(--hx-line); background: var(--hx-card); }}
</style>
</head>
<body>
<main>
<header class="hx-header"><p class="hx-kicker">{esc(kicker)}</p>
<h1>{esc(title)}</h1>
<p>{esc(why)}</p>
<p class="hx-address">{esc(path[:200])}</p></header>
<nav class="hx-links hx-pages" aria-labelledby="hx-go"><h2 id="hx-go">{esc(go_to)}</h2><ul>{links}</ul></nav>
<nav class="hx-links" aria-label="{esc(language_label)}"><ul>{others}</ul></nav>
</main>
</body>
</html>
"""


class NotFoundMiddleware:
    """ASGI middleware: an address that is no page gets status 404, with the page above for a browser.

    ``routes``: the explorer's own routes (``/join``, ``/live/events``, its files); what they answer passes
    untouched, whatever its type."""

    def __init__(self, app, routes: Sequence[BaseRoute] = ()) -> None:
        self.app = app
        self.routes = tuple(routes)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        base = str(st.get_option("server.baseUrlPath") or "")
        path = scope["path"]
        inside = path.strip("/")[len(base.strip("/")) :].strip("/")
        if page_name(path, base) is not None or inside.split("/")[0] in _SERVED or self._routed(scope):
            await self.app(scope, receive, send)
            return
        held: list[dict] = []  # Streamlit's HTML answer, kept back: its fallback page, unless it is an error of its own
        passing = False  # a real file: passed on as it comes

        async def hold(message) -> None:
            nonlocal passing
            if message["type"] == "http.response.start":
                passing = not _is_html(message)
            if passing:
                await send(message)
            else:
                held.append(message)

        await self.app(scope, receive, hold)
        if passing:
            return
        if not held or held[0]["status"] != 200:  # a redirect or an error of Streamlit's: as it said
            for message in held:
                await send(message)
            return
        await self._not_found(scope, send, base)

    def _routed(self, scope) -> bool:
        return any(route.matches(scope)[0] != Match.NONE for route in self.routes)

    async def _not_found(self, scope, send, base: str) -> None:
        path = scope["path"]
        root = "/" + base.strip("/") + "/" if base.strip("/") else "/"
        headers = dict(scope.get("headers", []))
        if b"text/html" not in headers.get(b"accept", b""):  # curl, a script, a monitor: a short answer
            body = b"Not found\n"
            await _answer(
                send,
                404,
                b"" if scope["method"] == "HEAD" else body,
                [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-cache")],
                length=len(body),
            )
            return
        configured = CACHE.settings()
        if isinstance(configured, Settings) and configured.kiosk:
            await _answer(send, 303, b"", [(b"location", (root + "attract").encode())])
            return
        lang = language(scope.get("query_string", b"").decode("latin-1"), headers.get(b"accept-language", b"").decode("latin-1"))
        body = not_found_html(path, lang, root).encode("utf-8")
        await _answer(
            send,
            404,
            b"" if scope["method"] == "HEAD" else body,
            [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"no-cache"), (b"content-language", lang.encode())],
            length=len(body),
        )


def _is_html(start: dict) -> bool:
    """Whether an answer's start says HTML (Streamlit's page)."""
    return any(name.lower() == b"content-type" and value.startswith(b"text/html") for name, value in start.get("headers", []))


async def _answer(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]], length: int | None = None):
    size = str(len(body) if length is None else length).encode()
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"content-length", size)]})
    await send({"type": "http.response.body", "body": body})
