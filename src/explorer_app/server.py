"""The explorer's web server: Streamlit's ``st.App`` with the explorer's routes and middleware, run by uvicorn.

``python serve.py [--address A] [--port P]`` (what ``scripts/start.sh`` runs). The app is ``app.py`` and its
pages, plus:

- routes for the files the explorer serves itself (``assets.py``) and the map's parts (``mapcomponent.py``);
- the live sessions' page for phones, its answers and the event streams (``participant.py``): plain HTML, no
  Streamlit session per phone;
- ``CompressionMiddleware``: every text answer compressed once per process, brotli or gzip;
- ``HintsMiddleware``: ``Link`` headers, so a page's stylesheet, Leaflet and the map load early;
- ``SecurityHeadersMiddleware``: a Content-Security-Policy, no framing by other sites, ``nosniff``;
- ``NotFoundMiddleware``: an address that is no page gets status 404: a "not found" page in the explorer's
  language for a browser, a short text for any other client;
- ``RequestLogMiddleware`` (only with the ``request_log`` setting): a line per request on stderr, without its query.

The line printed at start names the mode the settings give (``explorer.doctor.mode_line``); the settings are read
once, at start: a change takes a restart.

It listens on a socket made here as a TCP socket (``IPPROTO_TCP``): asyncio then switches Nagle's algorithm off
on every connection it accepts (``TCP_NODELAY``), so each websocket message leaves at once instead of waiting
for the browser to acknowledge the previous one (40 ms per interaction on Linux; ``bench/RESULTS.md``).
Streamlit's own runner binds its socket without naming the protocol, which leaves Nagle on.

Streamlit's settings come from ``.streamlit/config.toml`` and ``STREAMLIT_*`` environment variables as usual.
"""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path

import streamlit as st
import uvicorn
from starlette.middleware import Middleware

from explorer.doctor import mode_line
from explorer.settings import Settings
from explorer_app.assets import asset_routes
from explorer_app.cache import CACHE
from explorer_app.compression import CompressionMiddleware
from explorer_app.guestroutes import guest_routes
from explorer_app.hints import HintsMiddleware
from explorer_app.liveroom import start_purging
from explorer_app.mapcomponent import map_routes
from explorer_app.notfound import NotFoundMiddleware
from explorer_app.participant import participant_routes
from explorer_app.requestlog import RequestLogMiddleware
from explorer_app.requestlog import configure as configure_request_log
from explorer_app.security import SecurityHeadersMiddleware

ROOT = Path(__file__).resolve().parents[2]


def build_app() -> st.App:
    """The explorer as an ASGI app; with the ``request_log`` setting, its requests are logged (outermost, so each
    line has the status and time the client saw)."""
    routes = [*asset_routes(), *map_routes(), *participant_routes(), *guest_routes()]
    settings = CACHE.settings()
    logged = isinstance(settings, Settings) and settings.request_log
    if logged:
        configure_request_log()
    return st.App(
        str(ROOT / "app.py"),
        routes=routes,
        middleware=[
            *([Middleware(RequestLogMiddleware)] if logged else []),
            Middleware(SecurityHeadersMiddleware),
            Middleware(CompressionMiddleware),
            Middleware(HintsMiddleware),
            Middleware(NotFoundMiddleware, routes=routes),
        ],
    )


def listening_socket(address: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening TCP socket whose accepted connections asyncio sets to ``TCP_NODELAY``."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind((address, port))
    sock.listen(backlog)
    sock.setblocking(False)
    return sock


def main(argv: list[str] | None = None, app: st.App | None = None) -> int:
    """Serve ``app`` (the explorer, ``build_app()``) until stopped."""
    parser = argparse.ArgumentParser(prog="python serve.py", description="Serve the Here explorer.")
    parser.add_argument("--address", default="0.0.0.0", help="where to listen (default: every address)")
    parser.add_argument("--port", type=int, default=8501, help="the port (default: 8501)")
    parser.add_argument("--log-level", default="warning", choices=("critical", "error", "warning", "info", "debug"))
    args = parser.parse_args(argv)
    try:
        sock = listening_socket(args.address, args.port)
    except OSError as exc:
        print(
            f"Cannot listen on {args.address}:{args.port}: {exc.strerror or exc}. Choose another with --port or --address.",
            file=sys.stderr,
        )
        return 1
    app = app or build_app()  # first: it finds .streamlit/config.toml for the options read below
    start_purging()  # live sessions: expired ones are deleted every few minutes from now on
    config = uvicorn.Config(
        app,
        loop="asyncio",
        ws="websockets-sansio",
        lifespan="on",
        log_level=args.log_level,
        access_log=False,
        server_header=False,
        date_header=False,  # fewer bytes per answer
        proxy_headers=False,  # the peer stays the socket's: trusted_proxies decide (addresses.py)
        ws_ping_interval=30,
        ws_ping_timeout=30,
        timeout_graceful_shutdown=5,
        ws_max_size=int(st.get_option("server.maxMessageSize")) * 1024 * 1024,
        ws_per_message_deflate=bool(st.get_option("server.enableWebsocketCompression")),
    )
    print(f"{mode_line(CACHE.settings(), args.address, args.port)}  (Ctrl+C stops it)", flush=True)
    uvicorn.Server(config).run(sockets=[sock])
    return 0
