"""How the explorer is served (explorer_app/server.py): compression once per body, hints, its own files, the
socket, and a live server answering as a phone's browser sees it."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import json
import re
import socket
import time
import urllib.error
import urllib.request

import brotli
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from browser import running_app
from explorer_app.assets import IMMUTABLE, component_code, component_loader, map_stylesheet, page_stylesheet
from explorer_app.compression import CompressedBodies, CompressionMiddleware, accepted_encoding, compressible
from explorer_app.hints import link_header, page_language
from explorer_app.server import listening_socket

TEXT = ("Moss is a micro-forest. " * 400).encode()


class Answer:
    def __init__(self, status: int, headers: dict[str, str], raw: bytes):
        self.status_code, self.headers, self.raw = status, headers, raw

    @property
    def content(self) -> bytes:
        encoding = self.headers.get("content-encoding")
        return brotli.decompress(self.raw) if encoding == "br" else gzip.decompress(self.raw) if encoding == "gzip" else self.raw


class Client:
    """Calls an ASGI app as a browser's GET would (the middleware is plain ASGI)."""

    def __init__(self, app) -> None:
        self.app = app

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        scope = {
            "type": "http",
            "method": "GET",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "scheme": "http",
            "server": ("testserver", 80),
            "http_version": "1.1",
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        }
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = sent[0]
        found = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return Answer(start["status"], found, b"".join(m.get("body", b"") for m in sent[1:]))


def _app(bodies: CompressedBodies, calls: list[str] | None = None) -> Client:
    async def text(request):
        if calls is not None:
            calls.append("text")
        return Response(TEXT, media_type="text/javascript", headers={"ETag": '"abc"'})

    async def small(request):
        return PlainTextResponse("tiny")

    async def image(request):
        return Response(b"\x89PNG" + b"\0" * 5000, media_type="image/png")

    async def already(request):
        return Response(gzip.compress(TEXT), media_type="text/css", headers={"Content-Encoding": "gzip"})

    app = Starlette(
        routes=[Route("/text.js", text), Route("/small", small), Route("/image.png", image), Route("/already.css", already)],
        middleware=[Middleware(CompressionMiddleware, bodies=bodies)],
    )
    return Client(app)


def test_the_encoding_follows_what_the_browser_accepts():
    assert accepted_encoding("gzip, deflate, br, zstd") == "br"
    assert accepted_encoding("gzip") == "gzip"
    assert accepted_encoding("br;q=0, gzip;q=0.5") == "gzip"
    assert accepted_encoding("br;q=0, gzip;q=0") is None
    assert accepted_encoding("*") == "br"
    assert accepted_encoding("identity") is None
    assert accepted_encoding("br;q=nonsense, gzip") == "gzip"
    assert accepted_encoding("") is None
    assert compressible("text/javascript; charset=utf-8") and compressible("application/json")
    assert not compressible("image/png") and not compressible("font/woff2") and not compressible("application/pdf")


def test_text_is_gzipped_at_once_then_brotli_from_one_compression_once_asked_again():
    bodies = CompressedBodies()
    client = _app(bodies)
    first = client.get("/text.js", headers={"Accept-Encoding": "br, gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.content == TEXT  # the test client decodes: the body is whole
    bodies.wait()
    second = client.get("/text.js", headers={"Accept-Encoding": "br, gzip"})
    assert second.headers["content-encoding"] == "gzip"  # asked for once only: no brotli was made (a page made for
    bodies.wait()  # one phone never is asked for again); the second asking queues it
    again = client.get("/text.js", headers={"Accept-Encoding": "br, gzip"})
    assert again.headers["content-encoding"] == "br" and again.content == TEXT
    assert int(again.headers["content-length"]) < len(TEXT) / 10
    assert again.headers["vary"] == "Accept-Encoding"
    assert again.headers["etag"] == 'W/"abc"'  # compressed bytes are not the file the strong validator names
    plain = client.get("/text.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == TEXT


def test_each_body_is_compressed_once_however_many_ask(monkeypatch):
    import explorer_app.compression as compression

    made = []
    real_gzip, real_brotli = compression._gzip, brotli.compress
    monkeypatch.setattr(compression, "_gzip", lambda body: made.append("gzip") or real_gzip(body))
    monkeypatch.setattr(compression.brotli, "compress", lambda body, **kw: made.append("br") or real_brotli(body, **kw))
    bodies = CompressedBodies()
    client = _app(bodies)
    for _ in range(5):
        client.get("/text.js", headers={"Accept-Encoding": "br"})
    bodies.wait()
    for _ in range(5):
        assert client.get("/text.js", headers={"Accept-Encoding": "br"}).headers["content-encoding"] == "br"
        assert client.get("/text.js", headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"
    assert sorted(made) == ["br", "gzip"]


def test_what_gains_nothing_passes_untouched():
    client = _app(CompressedBodies())
    headers = {"Accept-Encoding": "br, gzip"}
    assert "content-encoding" not in client.get("/small", headers=headers).headers
    assert "content-encoding" not in client.get("/image.png", headers=headers).headers
    already = client.get("/already.css", headers=headers)
    assert already.headers["content-encoding"] == "gzip" and already.content == TEXT
    ranged = client.get("/text.js", headers={**headers, "Range": "bytes=0-10"})
    assert "content-encoding" not in ranged.headers


def test_a_page_names_what_it_will_need_and_only_the_map_pages_name_the_map():
    home = link_header("/", "", "fr-BE,fr;q=0.9")
    assert f"<{page_stylesheet().path}>; rel=preload; as=style" in home
    assert f"<{component_code('links').path}>; rel=modulepreload" in home
    assert "leaflet.js>; rel=preload; as=script" in home and "/maps/fr." in home and ".js>; rel=modulepreload" in home
    assert "/maps/nl." in link_header("/base/walk", "lang=nl")
    moss = link_header("/moss")
    assert "leaflet" not in moss and "/maps/" not in moss and page_stylesheet().path in moss
    assert "static/js" not in home  # Streamlit's own files are left to Streamlit's page


def test_the_hinted_language_is_the_one_the_page_will_choose():
    assert page_language("lang=nl", "fr") == "nl"
    assert page_language("lang=xx", "fr-BE,fr;q=0.9") == "fr"
    assert page_language("", "de-DE") == "en"
    assert page_language("lang=%3Cscript%3E", "") == "en"


def test_the_explorers_files_have_names_that_change_with_them():
    sheet = page_stylesheet()
    assert sheet.path.startswith("/explorer-assets/explorer.") and sheet.path.endswith(".css")
    assert b"--hx-moss:" in sheet.body and b".hx-header h1" in sheet.body and b".hx-kiosk" in sheet.body
    assert b".hx-legend" in map_stylesheet().body
    code = component_code("leaflet_map")
    assert code.path.startswith("/explorer-assets/components/leaflet_map.") and b"setTriggerValue" in code.body
    loader = component_loader("links")
    assert component_code("links").path in loader and "import(" in loader and len(loader) < 300


def test_accepted_connections_send_without_waiting_for_acks():
    """The listening socket is a TCP socket by protocol, so asyncio sets TCP_NODELAY on every connection it
    accepts (Streamlit's own runner binds with protocol 0, and Nagle's algorithm then delays each message)."""
    sock = listening_socket("127.0.0.1", 0)
    assert sock.proto == socket.IPPROTO_TCP
    port = sock.getsockname()[1]
    seen = []

    async def run():
        async def handle(reader, writer):
            seen.append(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(handle, sock=sock)
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(run())
    assert seen and seen[0] != 0


def test_a_taken_port_is_said_plainly(capsys):
    from explorer_app.server import main

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        assert main(["--address", "127.0.0.1", "--port", str(taken.getsockname()[1])]) == 1
    finally:
        taken.close()
    assert "Cannot listen on 127.0.0.1" in capsys.readouterr().err


def _get(url: str, encoding: str = "br, gzip") -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding, "Accept-Language": "nl-BE,nl"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


@pytest.mark.browser
def test_the_server_compresses_streamlits_files_and_serves_the_explorers_own():
    with running_app() as base:
        status, page_headers, page = _get(base + "/")
        assert status == 200 and page_headers["content-encoding"] in ("br", "gzip")
        hints = page_headers["link"]
        script = next(part for part in hints.split(", ") if "leaflet.js" in part)[1:].split(">")[0]
        map_address = next(part for part in hints.split(", ") if "/maps/nl." in part)[1:].split(">")[0]
        # every hint resolves, with a year-long cache, compressed where it is text
        for part in hints.split(", "):
            status, headers, body = _get(base + part[1:].split(">")[0])
            assert status == 200 and headers["cache-control"] == IMMUTABLE, part
        _, headers, body = _get(base + map_address)
        module = (brotli.decompress(body) if headers["content-encoding"] == "br" else gzip.decompress(body)).decode()
        parts = json.loads(module.split("parts: ", 1)[1].split(",\ndraw: ", 1)[0])
        assert parts["scripts"] == [script] and parts["fit"]["bounds"] and headers["content-type"].startswith("text/javascript")
        assert module.startswith("(window.__hxMaps = window.__hxMaps || {})[document.currentScript.src] = {")
        assert "draw: function (L) {" in module and f"return {parts['map_id']};" in module
        # Streamlit's own scripts: compressed too (it sends them as they are)
        page_text = (brotli.decompress(page) if page_headers["content-encoding"] == "br" else gzip.decompress(page)).decode()
        main_script = page_text.split('src="./', 1)[1].split('"', 1)[0]
        _, first, packed = _get(f"{base}/{main_script}")
        assert first["content-encoding"] in ("br", "gzip")
        _, plain, body = _get(f"{base}/{main_script}", encoding="identity")
        assert "content-encoding" not in plain and len(body) > 3 * len(packed)
        # an address drawn before the content changed gets today's map, not to be kept
        _, stale, _ = _get(base + "/explorer-assets/maps/nl.0000000000000000.js")
        assert stale["cache-control"] == "no-store"
        _, ring, body = _get(base + "/explorer-assets/layers/ring.moeraske.0000.js")
        ring_text = brotli.decompress(body) if ring.get("content-encoding") == "br" else gzip.decompress(body)
        assert ring["cache-control"] == "no-store" and b"circleMarker" in ring_text
        for wrong in (
            "maps/xx.0000.js",
            "maps/nl.0000.json",
            "layers/ring.nowhere.0000.js",
            "layers/ring.MOERASKE.0.js",
            "layers/walk.half.0000.js",
            "layers/magic.none.0000.js",
            "layers/ring.none.js",
            "layers/ring.%3Cscript%3E.0000.js",
        ):
            with pytest.raises(urllib.error.HTTPError) as refused:
                _get(f"{base}/explorer-assets/{wrong}")
            assert refused.value.code == 404, wrong


def test_what_is_built_from_the_content_is_kept_within_a_budget():
    from explorer_app.cache import Loaded

    loaded = Loaded("v1", (), budget=10_000)
    built = []

    def card(n: int) -> bytes:
        built.append(n)
        return bytes(3_000)

    for n in range(5):
        loaded.derived(("postcard", n), lambda n=n: card(n))
    assert built == [0, 1, 2, 3, 4]
    loaded.derived(("postcard", 4), lambda: card(99))  # kept: not built again
    assert built[-1] == 4
    loaded.derived(("postcard", 0), lambda: card(0))  # the oldest went when the budget was passed
    assert built[-1] == 0


def test_pages_say_what_they_may_load_and_that_no_other_site_may_frame_them():
    from explorer.settings import Settings
    from explorer_app.security import headers, policy

    strict = policy(Settings())
    assert "script-src 'self' blob:;" in strict and "unsafe-eval" not in strict and "frame-ancestors 'none'" in strict
    assert "img-src 'self' data: blob: https://tile.openstreetmap.org" in strict
    assert "https://" not in policy(Settings(tiles="offline"))  # offline: nothing from elsewhere at all
    assert "img-src 'self' data: blob: https://*.tiles.example.org" in policy(
        Settings(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    )
    assert dict(headers(Settings()))[b"x-frame-options"] == b"DENY"
    festival = Settings(embed_in=("https://festival.example.org",))
    assert "frame-ancestors https://festival.example.org" in policy(festival)
    assert b"x-frame-options" not in dict(headers(festival))
    assert dict(headers(festival))[b"x-content-type-options"] == b"nosniff"
    assert dict(headers(festival))[b"referrer-policy"] == b"same-origin"


def test_an_address_that_is_no_page_gets_the_explorers_not_found_page(monkeypatch):
    from starlette.responses import HTMLResponse

    from explorer.settings import Settings
    from explorer_app import notfound
    from explorer_app.notfound import NotFoundMiddleware, language, page_name

    async def streamlit(request):  # as Streamlit does: its files, and its page (HTML) for any other address
        if request.url.path == "/favicon.png":
            return Response(b"\x89PNG", media_type="image/png")
        return HTMLResponse("streamlit's page")

    async def joined(request):  # a route of the explorer's own, answering HTML
        return HTMLResponse("the phones' page")

    explorer_routes = [Route("/join/answer", joined)]
    client = Client(
        Starlette(
            routes=[*explorer_routes, Route("/{path:path}", streamlit)],
            middleware=[Middleware(NotFoundMiddleware, routes=explorer_routes)],
        )
    )
    browser = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "nl-BE,nl;q=0.9,en;q=0.5"}
    for page in ("/", "/scenes", "/walk/", "/attract", "/live", "/join", "/_stcore/health", "/component/x/index.html"):
        for accept in (browser, {"Accept": "*/*"}, {}):
            assert client.get(page, accept).content == b"streamlit's page", (page, accept)
    for script in notfound.PAGES_DIR.glob("*.py"):  # every page Streamlit finds, the navigation's or not
        assert client.get("/" + script.stem, {}).content == b"streamlit's page", script
    assert client.get("/join/answer", {}).content == b"the phones' page"
    assert client.get("/favicon.png", {}).content == b"\x89PNG"
    for address in ("/nowhere", "/nowhere.php", "/static/js/gone.js", "/explorer-assets/gone.css"):
        for accept in ({"Accept": "*/*"}, {}, {"Accept": "application/json"}):  # curl, a script, a monitor
            plain = client.get(address, accept)
            assert plain.status_code == 404 and plain.content == b"Not found\n", (address, accept)
            assert plain.headers["content-type"].startswith("text/plain")
    answer = client.get("/nowhere<script>", browser)
    assert answer.status_code == 404 and answer.headers["content-language"] == "nl"
    page = answer.content.decode()
    assert '<html lang="nl">' in page and "Deze pagina bestaat niet" in page and "<script>" not in page
    assert re.findall(r'href="(/[^"]*)"', page) == [
        "/explorer-assets/" + page.split("/explorer-assets/")[1].split('"')[0],
        "/?lang=nl",
        "/scenes?lang=nl",
        "/moss?lang=nl",
        "/walk?lang=nl",
        "/classroom?lang=nl",
        "/make?lang=nl",
        "/about?lang=nl",
        "/nowhere%3Cscript%3E?lang=en",
        "/nowhere%3Cscript%3E?lang=fr",
    ]
    monkeypatch.setattr(notfound.CACHE, "settings", lambda: Settings(kiosk=True))
    kiosk = client.get("/nowhere", browser)
    assert kiosk.status_code == 303 and kiosk.headers["location"] == "/attract"
    assert page_name("/here/scenes", "here") == "scenes" and page_name("/scenes", "here") is None
    assert language("lang=fr", "nl") == "fr" and language("lang=xx", "de, en;q=0.5") == "en" and language("", "") == "en"


def _plain_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """A GET as curl or a script makes it: no Accept of a browser; errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.mark.browser
def test_a_served_explorer_answers_404_to_any_client_its_health_check_and_logs_requests(tmp_path):
    """Against ``python serve.py`` with the request log on: every client gets a 404 at an address that is no page,
    Streamlit's health check answers ``ok`` through the explorer's middleware, the start-up line names the mode,
    and the log has a line per request, never the query, the client's address or its user agent."""
    from server import running_server

    log = tmp_path / "server.log"
    env = {"EXPLORER_REQUEST_LOG": "true", "EXPLORER_TILES": "offline", "EXPLORER_LIVE_DIR": str(tmp_path / "live")}
    with running_server("serve.py", port=8751, env=env, log=log) as server:
        base = server.base
        assert _plain_get(base + "/_stcore/health") == (200, "text/plain; charset=utf-8", b"ok")
        for client in ({}, {"Accept": "*/*"}, {"User-Agent": "curl/8.5.0", "Accept": "*/*"}):
            status, kind, body = _plain_get(base + "/nowhere", client)
            assert (status, body) == (404, b"Not found\n") and kind.startswith("text/plain"), client
        status, kind, body = _plain_get(base + "/nowhere", {"Accept": "text/html"})
        assert status == 404 and kind.startswith("text/html") and b"/scenes" in body
        for page in ("/", "/scenes", "/moss", "/walk", "/classroom", "/make", "/about", "/live", "/attract", "/join"):
            status, kind, _ = _plain_get(base + page)
            assert status == 200 and kind.startswith("text/html"), page
        status, kind, _ = _plain_get(base + "/favicon.png")
        assert status == 200 and kind == "image/png"
        status, _, _ = _plain_get(base + page_stylesheet().path)
        assert status == 200
        forged = {"X-Forwarded-For": "198.51.100.77", "User-Agent": "EvilAgent/6.6", "Cookie": "hx=TOKENVALUE"}
        assert _plain_get(base + "/scenes?lang=nl&key=SECRET", forged)[0] == 200
        # an event stream flows with the log on, and is logged while it is still open
        from explorer.livestore import LiveStore, sqlite_url

        store = LiveStore(sqlite_url(tmp_path / "live"))
        session, secret = store.start_session(time.time())
        store.close()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        connection.request("GET", f"/live/events?code={session.code}&key={secret}", headers={"Accept": "text/event-stream"})
        stream = connection.getresponse()
        assert stream.status == 200 and stream.getheader("Content-Type").startswith("text/event-stream")
        received = b""
        while b"event: answers" not in received:
            received += stream.read1(4096)
        assert re.search(r"\S+Z GET /live/events 200 \d+ ms", log.read_text()), "logged when the stream started"
        connection.close()
    output = log.read_text()
    start = next(line for line in output.splitlines() if line.startswith("The Here explorer is at"))
    assert start == (
        "The Here explorer is at http://127.0.0.1:8751/ (public site, offline tiles, live sessions in SQLite at "
        f"{tmp_path / 'live' / 'live.sqlite3'}, no public URL, request log on)  (Ctrl+C stops it)"
    )
    requests = [line for line in output.splitlines() if re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ", line)]
    assert re.fullmatch(r"\S+Z GET /nowhere 404 \d+ ms", next(line for line in requests if "/nowhere" in line))
    assert any(re.fullmatch(r"\S+Z GET /scenes 200 \d+ ms", line) for line in requests)
    for hidden in ("?", "SECRET", "lang=", "code=", "198.51.100.77", "EvilAgent", "TOKENVALUE", "127.0.0.1 ", secret):
        assert hidden not in "\n".join(requests)
