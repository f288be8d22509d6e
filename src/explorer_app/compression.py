"""Every text response compressed, and each body compressed once per process: brotli where the browser
accepts it, else gzip.

Streamlit serves its own scripts uncompressed on purpose (compressing them on every request would cost the
server more than it saves, it says), and a phone then downloads 2.9 MB before the map shows. This middleware
sits in front of the whole app (``st.App(middleware=...)``): a response it has seen before is answered from its
cache; a new one is gzipped at once (fast) in a worker thread, and once it is asked for again it is compressed with
brotli at its strongest setting in the background, for the next browser. So 300 phones arriving after a screening
cost the server one compression per file, and each phone about a third of the bytes; a page made for one phone
alone (a live session's page with its own answer) costs one gzip, never the slow pass nobody would reuse.

Responses that are not worth it pass untouched: not text (images, fonts, PDFs), small, partial (``Range``),
already encoded, or streamed beyond ``MAX_BODY``.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor

import brotli
from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIN_SIZE = 500  # bytes: smaller bodies gain nothing
MAX_BODY = 16 * 1024 * 1024  # larger bodies stream through as they are
CACHE_BYTES = 64 * 1024 * 1024  # compressed bodies kept (Streamlit's first view needs about 0.6 MB of them)
_TEXT_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/xml",
    "image/svg+xml",
    "application/gpx+xml",
    "application/manifest+json",
)


def accepted_encoding(accept_encoding: str) -> str | None:
    """``br`` or ``gzip`` (in that order of preference) if the ``Accept-Encoding`` value allows it, else None."""
    allowed = {}
    for item in accept_encoding.lower().split(","):
        name, _, params = item.partition(";")
        name, quality = name.strip(), 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        allowed[name] = quality > 0
    for name in ("br", "gzip"):
        if allowed.get(name, allowed.get("*", False)):
            return name
    return None


def compressible(media_type: str) -> bool:
    """Whether a body of this type is text, which compression makes much smaller; an event stream is not held
    back to be compressed (it never ends: each event must leave as it comes)."""
    kind = media_type.split(";")[0].strip().lower()
    return kind.startswith(_TEXT_TYPES) and kind != "text/event-stream"


class CompressedBodies:
    """Compressed versions of bodies, by the body's digest and the encoding; least recently used go first."""

    def __init__(self, budget: int = CACHE_BYTES) -> None:
        self._bodies: OrderedDict[tuple[bytes, str], bytes] = OrderedDict()
        self._size = 0
        self._budget = budget
        self._lock = threading.Lock()
        self._pending: set[bytes] = set()
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="explorer-brotli")

    def get(self, digest: bytes, encoding: str) -> bytes | None:
        with self._lock:
            found = self._bodies.get((digest, encoding))
            if found is not None:
                self._bodies.move_to_end((digest, encoding))
            return found

    def put(self, digest: bytes, encoding: str, body: bytes) -> None:
        with self._lock:
            if (digest, encoding) in self._bodies:
                return
            self._bodies[(digest, encoding)] = body
            self._size += len(body)
            while self._size > self._budget and self._bodies:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)

    def brotli_later(self, digest: bytes, body: bytes) -> None:
        """Compress ``body`` with brotli in the background (once, however many ask meanwhile)."""
        with self._lock:
            if digest in self._pending:
                return
            self._pending.add(digest)

        def work() -> None:
            try:
                self.put(digest, "br", brotli.compress(body, quality=11))
            finally:
                with self._lock:
                    self._pending.discard(digest)

        self._background.submit(work)

    def wait(self) -> None:
        """Until the background compressions queued so far are done (for tests and warm-ups)."""
        self._background.submit(lambda: None).result()


BODIES = CompressedBodies()


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


async def compressed(body: bytes, encoding: str, bodies: CompressedBodies = BODIES) -> tuple[bytes, str]:
    """(compressed body, encoding used): brotli if it is ready, else gzip now and brotli for next time."""
    digest = hashlib.blake2b(body, digest_size=16).digest()
    if encoding == "br":
        found = bodies.get(digest, "br")
        if found is not None:
            return found, "br"
        if bodies.get(digest, "gzip") is not None:  # asked for before: worth the slow pass (a page made for one
            bodies.brotli_later(digest, body)  # phone never is, and brotli's strongest pass costs 200 times gzip)
    found = bodies.get(digest, "gzip")
    if found is None:
        found = await to_thread.run_sync(_gzip, body)
        bodies.put(digest, "gzip", found)
    return found, "gzip"


class CompressionMiddleware:
    """ASGI middleware: compress what the app answers, once per body (see the module's docstring)."""

    def __init__(self, app: ASGIApp, bodies: CompressedBodies | None = None) -> None:
        self.app = app
        self.bodies = bodies or BODIES

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        headers = scope.get("headers", [])
        encoding = None
        for key, value in headers:
            if key == b"range":
                await self.app(scope, receive, send)
                return
            if key == b"accept-encoding":
                encoding = accepted_encoding(value.decode("latin-1"))
        # Streamlit's own middleware below would compress some responses again on every request: it is asked
        # for the plain body, which is compressed (once) here.
        inner = {**scope, "headers": [(k, v) for k, v in headers if k != b"accept-encoding"]}
        if encoding is None:
            await self.app(inner, receive, send)
            return

        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, size, passing
            if passing:
                await send(message)
                return
            if message["type"] == "http.response.start":
                found = {k.lower(): v for k, v in message.get("headers", [])}
                if (
                    message.get("status") != 200
                    or b"content-encoding" in found
                    or not compressible(found.get(b"content-type", b"").decode("latin-1"))
                ):
                    passing = True
                    await send(message)
                    return
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY:  # too big to hold: send it as it comes
                passing = True
                await send(start)
                await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": message.get("more_body", False)})
                return
            if message.get("more_body"):
                return
            await self._respond(start, b"".join(chunks), encoding, send)

        await self.app(inner, receive, capture)

    async def _respond(self, start: Message, body: bytes, encoding: str, send: Send) -> None:
        # ranges of the plain file do not apply to a compressed body
        kept = [
            (k, v) for k, v in start.get("headers", []) if k.lower() not in (b"content-length", b"vary", b"etag", b"accept-ranges")
        ]
        vary = [v for k, v in start.get("headers", []) if k.lower() == b"vary"]
        vary_value = b", ".join([*vary, b"Accept-Encoding"]) if vary else b"Accept-Encoding"
        etag = next((v for k, v in start.get("headers", []) if k.lower() == b"etag"), None)
        if len(body) < MIN_SIZE:
            extra = [(b"etag", etag)] if etag else []
            await send({**start, "headers": [*kept, *extra, (b"vary", vary_value), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        packed, used = await compressed(body, encoding, self.bodies)
        # a compressed body is not byte-for-byte the file the validator names: a weak validator says so
        extra = [(b"etag", etag if etag.startswith(b"W/") else b"W/" + etag)] if etag else []
        await send(
            {
                **start,
                "headers": [
                    *kept,
                    *extra,
                    (b"content-encoding", used.encode()),
                    (b"vary", vary_value),
                    (b"content-length", str(len(packed)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": packed})
