"""The request log (the ``request_log`` setting): one line per request on stderr, through ``logging``.

A line says when (UTC), the method, the path, the status and the milliseconds until the answer started::

    2026-12-06T11:25:28Z GET /scenes 200 14 ms

and a websocket (Streamlit's connection to each browser) is logged when it opens and when it closes::

    2026-12-06T11:25:29Z WS /_stcore/stream open
    2026-12-06T11:31:02Z WS /_stcore/stream closed after 333112 ms

Never written: the query (presenters' keys, the staff key and tickets travel in it), the client's address, its
user agent, cookies or any other header. The line is logged when the answer starts, so an event stream
(``/join/events``, ``/live/events``) is logged at once and streams on untouched.
"""

from __future__ import annotations

import logging
import sys
import time
from urllib.parse import quote

LOGGER = "here_explorer.requests"
log = logging.getLogger(LOGGER)
_SAFE = "/:@!$&'()*+,;=-._~"  # a path's own characters; anything else (a newline, a space) is written %-escaped
_MAX_PATH = 300


class UTCFormatter(logging.Formatter):
    """``2026-12-06T11:25:28Z message``: the time in UTC, whatever the machine's time zone."""

    converter = staticmethod(time.gmtime)

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%SZ")


def configure() -> logging.Logger:
    """Send the request log to stderr (once), at INFO, on its own: uvicorn's and Streamlit's logging stay as they are."""
    if not any(getattr(handler, "_here_requests", False) for handler in log.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(UTCFormatter())
        handler._here_requests = True  # type: ignore[attr-defined]
        log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return log


def shown_path(path: str) -> str:
    """The path as the log writes it: %-escaped where it is no plain path character (so no one can write a line
    of their own into the log), and cut at ``_MAX_PATH`` characters."""
    shown = quote(path, safe=_SAFE)
    return shown if len(shown) <= _MAX_PATH else shown[:_MAX_PATH] + "…"


class RequestLogMiddleware:
    """Pure ASGI middleware: a line per HTTP request and per websocket's opening and closing (module docstring)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send) -> None:
        began = time.perf_counter()
        method, path = scope.get("method", "-"), shown_path(scope.get("path", ""))
        logged = False

        async def sending(message) -> None:
            nonlocal logged
            if message["type"] == "http.response.start" and not logged:
                logged = True
                log.info("%s %s %d %d ms", method, path, message["status"], _ms(began))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except BaseException:
            if not logged:
                logged = True
                log.info("%s %s 500 %d ms", method, path, _ms(began))
            raise
        if not logged:  # the client went before any answer
            log.info("%s %s - %d ms", method, path, _ms(began))

    async def _websocket(self, scope, receive, send) -> None:
        began = time.perf_counter()
        path = shown_path(scope.get("path", ""))
        log.info("WS %s open", path)
        try:
            await self.app(scope, receive, send)
        finally:
            log.info("WS %s closed after %d ms", path, _ms(began))


def _ms(began: float) -> int:
    return round((time.perf_counter() - began) * 1000)
