"""A phone's browser without the browser, for the light participant page (``/join``): HTTP/1.1 over keep-alive
connections and Server-Sent Events, counting the bytes on the wire.

- :class:`Connection`: one keep-alive HTTP/1.1 connection (``h11``, which uvicorn already depends on), opened
  again when the server closed it; the bytes read from the socket (headers included, bodies as compressed) are
  counted as a phone's radio would receive them.
- :class:`Browser`: what a browser keeps for one site: its cookies (name, value and path, from ``Set-Cookie``),
  one connection for requests and one for each event stream (a browser opens up to six per host), redirects
  followed as a browser follows them (303 after a form: a GET), ``gzip`` or ``br`` bodies decoded.
- :class:`EventStream`: an ``EventSource``: ``event:``/``data:``/``retry:`` lines, comments skipped, opened again
  ``retry`` milliseconds after it broke or was refused.
- :func:`forms`: the page's forms as a browser without script submits them: their hidden fields and what a tap
  can send (a submit button's name and value, a radio's, a text box).

Everything here is stdlib and h11: the bench opens thousands of these in one process.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import brotli
import h11

ACCEPT_ENCODING = "gzip, deflate, br"
USER_AGENT = "Mozilla/5.0 (Linux; Android 14) hx-bench-phone"


class HttpError(Exception):
    """The connection broke, or no answer came in time."""


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes  # decoded
    wire: int  # bytes read from the socket for this answer
    url: str = ""  # the address it answered (after redirects)
    at: float = 0.0  # time.time() when it was read whole

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def decode(body: bytes, encoding: str | None) -> bytes:
    if not encoding or encoding == "identity":
        return body
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    raise HttpError(f"unknown content encoding {encoding!r}")


class Connection:
    """One HTTP/1.1 connection to host:port, kept alive between requests (one request at a time)."""

    def __init__(self, host: str, port: int, local_address: str | None = None, timeout: float = 30.0):
        self.host, self.port, self.local_address, self.timeout = host, port, local_address, timeout
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.conn: h11.Connection | None = None
        self.wire = 0  # bytes read, over this connection's whole life
        self.opened = 0  # times a socket was opened

    async def _open(self) -> None:
        local = (self.local_address, 0) if self.local_address else None
        self.reader, self.writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, local_addr=local), self.timeout
        )
        self.conn = h11.Connection(h11.CLIENT)
        self.opened += 1

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = self.conn = None

    async def _send(self, event) -> None:
        assert self.conn is not None and self.writer is not None
        data = self.conn.send(event)
        if data:
            self.writer.write(data)

    async def _next(self) -> tuple[object, int]:
        """The next h11 event, reading from the socket as needed; and the bytes read for it."""
        assert self.conn is not None and self.reader is not None
        read = 0
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                data = await self.reader.read(65536)
                read += len(data)
                self.wire += len(data)
                self.conn.receive_data(data)  # b"" is the end of the stream
                continue
            return event, read

    async def start(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> tuple[h11.Response, int]:
        """Send a request and read the answer's head; reopen the connection first when the server closed it, and
        send once more on a new one when a kept-alive connection broke before any byte of an answer (as browsers
        do: the server may close an idle connection as the request leaves)."""
        for attempt in (1, 2):
            fresh = False
            if self.conn is None or self.conn.our_state is not h11.IDLE or self.reader is None or self.reader.at_eof():
                await self.close()
                await self._open()
                fresh = True
            all_headers = [("Host", f"{self.host}:{self.port}"), ("User-Agent", USER_AGENT), *headers]
            if body:
                all_headers.append(("Content-Length", str(len(body))))
            read = 0
            try:
                await self._send(h11.Request(method=method, target=target, headers=all_headers))
                if body:
                    await self._send(h11.Data(data=body))
                await self._send(h11.EndOfMessage())
                await self.writer.drain()
                event, read = await asyncio.wait_for(self._next(), self.timeout)
                while isinstance(event, h11.InformationalResponse):
                    event, more = await asyncio.wait_for(self._next(), self.timeout)
                    read += more
            except (OSError, h11.ProtocolError, TimeoutError, asyncio.IncompleteReadError) as exc:
                await self.close()
                if not fresh and attempt == 1 and not isinstance(exc, TimeoutError):
                    continue
                raise HttpError(f"{method} {target}: {type(exc).__name__}: {exc}") from exc
            if isinstance(event, h11.ConnectionClosed) and not fresh and attempt == 1 and read == 0:
                await self.close()
                continue
            if not isinstance(event, h11.Response):
                await self.close()
                raise HttpError(f"{method} {target}: the connection closed before an answer ({event!r})")
            return event, read
        raise AssertionError("unreachable")

    async def body(self) -> tuple[bytes, int]:
        """The rest of the answer, and the bytes read for it."""
        chunks, read = [], 0
        try:
            while True:
                event, more = await asyncio.wait_for(self._next(), self.timeout)
                read += more
                if isinstance(event, h11.Data):
                    chunks.append(bytes(event.data))
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    raise HttpError(f"unexpected {event!r}")
        except (OSError, h11.ProtocolError, TimeoutError) as exc:
            await self.close()
            raise HttpError(f"the answer broke off: {type(exc).__name__}: {exc}") from exc
        if self.conn is not None and self.conn.our_state is h11.DONE and self.conn.their_state is h11.DONE:
            self.conn.start_next_cycle()
        else:
            await self.close()
        return b"".join(chunks), read

    async def request(self, method: str, target: str, headers: list[tuple[str, str]], body: bytes = b"") -> Response:
        head, read = await self.start(method, target, headers, body)
        raw, more = await self.body()
        pairs = [(k.decode("latin1").lower(), v.decode("latin1")) for k, v in head.headers]
        encoding = next((v for k, v in pairs if k == "content-encoding"), None)
        return Response(head.status_code, pairs, decode(raw, encoding), read + more, target, time.time())


@dataclass
class Cookie:
    value: str
    path: str = "/"


class Browser:
    """One phone's browser for one site: cookies, a keep-alive connection, redirects, bytes received."""

    def __init__(self, base: str, local_address: str | None = None, language: str = "en", timeout: float = 30.0):
        parts = urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.local_address = local_address
        self.language = language
        self.timeout = timeout
        self.cookies: dict[str, Cookie] = {}
        self.connection = Connection(self.host, self.port, local_address, timeout)
        self.streams: list[EventStream] = []
        self.fetched: set[str] = set()  # files already in the cache
        self.extra_wire = 0  # bytes of connections already closed (event streams)

    @property
    def wire(self) -> int:
        return self.connection.wire + self.extra_wire + sum(s.connection.wire for s in self.streams if s.connection)

    def cookie_header(self, path: str) -> str:
        return "; ".join(f"{name}={c.value}" for name, c in self.cookies.items() if path.startswith(c.path))

    def headers(self, path: str, extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        found = [("Accept-Encoding", ACCEPT_ENCODING), ("Accept-Language", self.language)]
        cookie = self.cookie_header(path)
        if cookie:
            found.append(("Cookie", cookie.encode("utf-8")))  # type: ignore[arg-type] - raw bytes, as browsers send
        return found + (extra or [])

    def keep_cookies(self, response: Response) -> None:
        for name, value in response.headers:
            if name != "set-cookie":
                continue
            first, *attributes = value.split(";")
            key, _, content = first.strip().partition("=")
            path = "/"
            expired = False
            for attribute in attributes:
                label, _, setting = attribute.strip().partition("=")
                if label.lower() == "path":
                    path = setting or "/"
                elif label.lower() == "max-age" and setting.strip().lstrip("-").isdigit() and int(setting) <= 0:
                    expired = True
            if expired:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = Cookie(content, path)

    async def send(
        self,
        method: str,
        target: str,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
        follow: bool = True,
        chain: list[Response] | None = None,
    ) -> Response:
        """A request as the browser sends it (its cookies, its encodings); redirects followed with GET."""
        path = urlsplit(target).path or "/"
        response = await self.connection.request(method, target, self.headers(path, headers), body)
        response.url = target
        self.keep_cookies(response)
        if chain is not None:
            chain.append(response)
        hops = 0
        while follow and response.status in (301, 302, 303, 307, 308) and hops < 5:
            location = response.header("location") or "/"
            hop = urlsplit(urljoin(self.base + target, location))
            target = hop.path + (f"?{hop.query}" if hop.query else "")
            response = await self.connection.request("GET", target, self.headers(hop.path))
            response.url = target
            self.keep_cookies(response)
            if chain is not None:
                chain.append(response)
            hops += 1
        return response

    async def get(self, target: str, **kwargs) -> Response:
        return await self.send("GET", target, **kwargs)

    async def post(self, target: str, fields: dict[str, str], **kwargs) -> Response:
        body = urlencode(fields).encode()
        return await self.send(
            "POST", target, body, headers=[("Content-Type", "application/x-www-form-urlencoded"), ("Origin", self.base)], **kwargs
        )

    async def files(self, html: str, page: str) -> int:
        """Fetch what the page links to and the cache does not hold yet (stylesheets, scripts, pictures, icons):
        a cold phone's first view. Returns how many were fetched."""
        fetched = 0
        for link in Links.of(html):
            url = urlsplit(urljoin(self.base + page, link))
            if f"{url.scheme}://{url.netloc}" != self.base or url.path in self.fetched:
                continue
            self.fetched.add(url.path)
            target = url.path + (f"?{url.query}" if url.query else "")
            await self.get(target)
            fetched += 1
        return fetched

    def stream(self, target: str, on_event: Callable[[str, str, float], None]) -> EventStream:
        found = EventStream(self, target, on_event)
        self.streams.append(found)
        return found

    async def close(self) -> None:
        for stream in self.streams:
            await stream.stop()
        await self.connection.close()


class EventStream:
    """An EventSource on one connection of its own: events handed to ``on_event(name, data, time.time())``; opened
    again ``retry`` ms after it ends, breaks or is refused (as join.js does, falling back to its slow look)."""

    def __init__(self, browser: Browser, target: str, on_event: Callable[[str, str, float], None]):
        self.browser = browser
        self.target = target
        self.on_event = on_event
        self.retry = 3.0
        self.connection: Connection | None = None
        self.task: asyncio.Task | None = None
        self.opened = 0  # streams that answered 200
        self.refused: list[int] = []  # statuses of refused attempts
        self.broken: list[str] = []  # why streams ended
        self.comments = 0
        self.events = 0
        self.servers: list[str] = []  # who answered each stream that opened (X-Hx-Replica, when the bench's nginx says)
        self.live = asyncio.Event()  # set while a stream is open

    def start(self) -> EventStream:
        self.task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self.task
        if self.connection is not None:
            self.browser.extra_wire += self.connection.wire
            await self.connection.close()
            self.connection = None

    async def _run(self) -> None:
        while True:
            if self.connection is not None:
                self.browser.extra_wire += self.connection.wire
                await self.connection.close()
            # a stream has no read timeout: the keep-alive comments come every 20 s, a dead one is seen when it ends
            self.connection = Connection(self.browser.host, self.browser.port, self.browser.local_address, 3600)
            path = urlsplit(self.target).path
            try:
                head, _ = await asyncio.wait_for(
                    self.connection.start(
                        "GET",
                        self.target,
                        self.browser.headers(path, [("Accept", "text/event-stream"), ("Cache-Control", "no-cache")]),
                    ),
                    self.browser.timeout,
                )
                if head.status_code != 200:
                    self.refused.append(head.status_code)
                    await self.connection.close()
                else:
                    self.opened += 1
                    self.servers.append(next((v.decode("latin1") for k, v in head.headers if k.lower() == b"x-hx-replica"), ""))
                    self.live.set()
                    await self._read()
                    self.broken.append("ended")
            except (HttpError, OSError, TimeoutError, h11.ProtocolError) as exc:
                self.broken.append(f"{type(exc).__name__}: {exc}"[:200])
            finally:
                self.live.clear()
            await asyncio.sleep(self.retry)

    async def _read(self) -> None:
        assert self.connection is not None
        pending = ""
        name, data = "", []
        while True:
            event, _ = await self.connection._next()
            if isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                return
            if not isinstance(event, h11.Data):
                continue
            pending += bytes(event.data).decode("utf-8", "replace")
            *lines, pending = pending.replace("\r\n", "\n").split("\n")
            for line in lines:
                if line == "":
                    if data:
                        self.events += 1
                        self.on_event(name or "message", "\n".join(data), time.time())
                    name, data = "", []
                elif line.startswith(":"):
                    self.comments += 1
                else:
                    key, _, value = line.partition(":")
                    value = value[1:] if value.startswith(" ") else value
                    if key == "event":
                        name = value
                    elif key == "data":
                        data.append(value)
                    elif key == "retry" and value.isdigit():
                        self.retry = int(value) / 1000


def state_of(data: str) -> dict:
    with contextlib.suppress(ValueError):
        found = json.loads(data)
        if isinstance(found, dict):
            return found
    return {}


class Links(HTMLParser):
    """The files a page makes a browser fetch: stylesheets, scripts, pictures, icons."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "link" and (a.get("rel") or "").lower() in ("stylesheet", "icon", "preload", "modulepreload"):
            self.found.append(a.get("href") or "")
        elif tag in ("script", "img") and a.get("src"):
            self.found.append(a["src"] or "")

    @classmethod
    def of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return [link for link in parser.found if link and not link.startswith("data:")]


@dataclass
class Form:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    choices: list[tuple[str, str]] = field(default_factory=list)  # (name, value) a tap can send
    text: list[str] = field(default_factory=list)  # names of text boxes


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(a.get("action", ""), a.get("method", "get").lower())
            self.forms.append(self.current)
            return
        if self.current is None:
            return
        kind = a.get("type", "text" if tag in ("input", "textarea") else "submit").lower()
        name = a.get("name", "")
        if tag == "input" and kind == "hidden" and name:
            self.current.hidden[name] = a.get("value", "")
        elif tag == "input" and kind == "radio" and name:
            self.current.choices.append((name, a.get("value", "on")))
        elif (tag == "input" and kind in ("text", "search")) or tag == "textarea":
            if name:
                self.current.text.append(name)
        elif tag == "button" and kind == "submit" and name:
            self.current.choices.append((name, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


def forms(html: str) -> list[Form]:
    parser = Forms()
    parser.feed(html)
    return parser.forms
