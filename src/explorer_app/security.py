"""What every answer tells the browser about what it may do with the page, and what the page may load.

- ``Content-Security-Policy``: scripts, styles, fonts and connections only from the explorer itself (and images
  also from the configured tile server); no ``eval``; no plugins; no frames around the page except the sites
  named in the ``embed_in`` setting (``frame-ancestors``);
- ``X-Frame-Options: DENY`` for browsers that know only that (unless ``embed_in`` names sites);
- ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``.

Streamlit runs components' code from ``blob:`` addresses its own scripts make, hence ``script-src 'self' blob:``;
its emotion styles are written into the page, hence ``style-src 'unsafe-inline'``. Its page carries one inline
script (a flag for prerendering services), which this policy refuses: nothing depends on it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from explorer.settings import Settings
from explorer_app.cache import CACHE


def policy(settings: Settings) -> str:
    """The Content-Security-Policy for the settings (the tile server's host, the sites that may frame the page)."""
    images = ["'self'", "data:", "blob:"]
    if not settings.offline:  # the tile server; "{s}" in its address stands for its subdomains a, b, c
        tiles = urlsplit(settings.tile_url.replace("{s}", "subdomain"))
        images.append(f"{tiles.scheme}://{tiles.netloc.replace('subdomain', '*')}")
    ancestors = " ".join(settings.embed_in) or "'none'"
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' blob:",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {' '.join(images)}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "media-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
            "worker-src 'self' blob:",
        ]
    )


def headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    found = [
        (b"content-security-policy", policy(settings).encode("latin-1")),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]
    if not settings.embed_in:
        found.append((b"x-frame-options", b"DENY"))
    return found


class SecurityHeadersMiddleware:
    """ASGI middleware: the headers above on every HTTP answer."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        configured = CACHE.settings()
        added = headers(configured if isinstance(configured, Settings) else Settings())

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(h for h in added if h[0] not in names)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
