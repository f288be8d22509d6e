"""The page's first response names the map's code, so the browser loads it while Streamlit starts."""

from __future__ import annotations

import re

from explorer_app.preload import STATIC, chunk_closure, link_header
from explorer_app.triggers import code_paths


def test_closure_holds_the_component_chunk_and_its_imports_but_not_what_streamlit_preloads():
    found = chunk_closure(["BidiComponent"])
    assert found[0].startswith("BidiComponent.")
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    assert found and all(name not in index for name in found)
    for name in found:  # every static import of a listed chunk is listed or already preloaded by Streamlit
        text = (STATIC / "static" / "js" / name).read_text(encoding="utf-8")
        for dep in re.findall(r'(?:import|from)\s*"\./([\w.\-]+\.js)"', text):
            assert dep in found or dep in index, (name, dep)


def test_closure_of_unknown_names_is_empty():
    assert chunk_closure(["NoSuchElement"]) == []


def test_link_header_preloads_leaflet_and_respects_a_base_path():
    header = link_header("explorer")
    assert header.startswith("</explorer-assets/leaflet/leaflet.js>; rel=preload; as=script, ")
    assert "</explorer-assets/leaflet/leaflet.css>; rel=preload; as=style" in header
    assert "</explorer/static/js/BidiComponent." in header
    assert "</static/js/BidiComponent." in link_header("")


def test_the_components_code_is_imported_early_from_where_streamlit_imports_it():
    script = early_import_html()
    (chunk,) = [name for name in chunk_closure(["BidiComponent"]) if name.startswith("BidiComponent.")]
    assert f'["{chunk}"]' in script  # the installed Streamlit's own file name
    # relative to Streamlit's script (as its own imports are): the same module, not a second copy
    assert "new URL(name, main.src)" in script and 'static/js/index.' in script
    assert "requestIdleCallback || setTimeout" in script and "DOMContentLoaded" in script
    assert ".catch(" in script  # a failed early import is left to Streamlit's own, which reports it


def test_no_early_import_without_the_chunks(tmp_path):
    (tmp_path / "static" / "js").mkdir(parents=True)
    assert early_import_html(static=tmp_path, modules=[]) == ""
    (tmp_path / "static" / "js" / "BidiComponent.abc123.js").write_text("export default 1;")
    assert '["BidiComponent.abc123.js"]' in early_import_html(static=tmp_path, modules=[])


def test_the_explorers_own_component_code_is_preloaded_and_imported_early():
    paths = code_paths()
    assert sorted(p.rsplit("/", 1)[1].split(".")[0] for p in paths) == ["leaflet_map", "links"]
    header, script = link_header(), early_import_html()
    for path in paths:
        assert f"<{path}>; rel=modulepreload" in header
        assert f'"{path}"' in script  # resolved against the page's address, like the loaders' imports


# The middleware, on a small ASGI app standing in for Streamlit.

import asyncio  # noqa: E402
import gzip  # noqa: E402

from explorer_app.preload import (  # noqa: E402
    STYLESHEET,
    PreloadMiddleware,
    body_html,
    early_import_html,
    head_html,
    style_route,
)
from explorer_app.styles import APP_CSS  # noqa: E402

PAGE = b"<!DOCTYPE html><html><head><title>Streamlit</title></head><body><div id=root></div></body></html>"


def serve(path: str, headers: dict[str, str], *, status: int = 200, content_type: bytes = b"text/html",
          body: bytes = PAGE, chunks: int = 2):
    """Run one GET through the middleware; return (status, headers, body, request headers the app saw)."""
    seen: dict = {}

    async def app(scope, receive, send):
        seen["headers"] = dict(scope["headers"])
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode()),
                                (b"etag", b'"abc"'), (b"last-modified", b"Sun, 01 Nov 2026 00:00:00 GMT")]})
        step = max(1, len(body) // chunks)
        parts = [body[i:i + step] for i in range(0, len(body), step)] or [b""]
        for i, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": i < len(parts) - 1})

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": path,
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(PreloadMiddleware(app, header="<x>; rel=preload")(scope, receive, send))
    start = sent[0]
    out = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, out, seen["headers"]


def test_a_page_gets_leaflet_in_its_head_the_stylesheet_last_and_the_hints():
    status, headers, body, request = serve("/walk", {"If-None-Match": '"abc"', "If-Modified-Since": "x"})
    assert status == 200 and headers["link"] == "<x>; rel=preload"
    assert body.count(head_html().encode()) == 1 and body.index(head_html().encode()) < body.index(b"</head>")
    assert b'<script defer src="/explorer-assets/leaflet/leaflet.js">' in body
    # after everything in the head, where Streamlit adds its own styles as it runs
    assert body.endswith(f'<link rel="stylesheet" href="{STYLESHEET}" media="print" onload="this.media=\'all\'">'
                         f'{early_import_html()}</body></html>'.encode())  # not holding back Streamlit's scripts
    assert body.count(body_html().encode()) == 1
    assert int(headers["content-length"]) == len(body)
    assert "etag" not in headers and "last-modified" not in headers  # a kept copy may have an older head
    assert b"if-none-match" not in request and b"if-modified-since" not in request


def test_a_page_is_compressed_when_the_browser_accepts_it():
    status, headers, body, request = serve("/", {"Accept-Encoding": "gzip, br"})
    assert b"accept-encoding" not in request  # asked for plain, so the head can be extended
    assert headers["content-encoding"] == "gzip" and int(headers["content-length"]) == len(body)
    assert head_html().encode() in gzip.decompress(body)


def test_anything_but_a_page_passes_untouched():
    for path, content_type in [("/_stcore/health", b"text/plain"), ("/static/js/index.js", b"text/javascript"),
                               ("/explorer-assets/leaflet/leaflet.js", b"text/javascript")]:
        status, headers, body, request = serve(path, {"Accept-Encoding": "gzip"}, content_type=content_type,
                                               body=b"ok")
        assert body == b"ok" and "link" not in headers and headers["etag"] == '"abc"'
        assert request[b"accept-encoding"] == b"gzip"
    status, headers, body, _ = serve("/", {}, status=304, body=b"")
    assert status == 304 and "link" not in headers and body == b""
    status, headers, body, _ = serve("/data.json", {}, content_type=b"application/json", body=b"{}")
    assert body == b"{}" and "link" not in headers


def serve_app(app, path: str):
    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    asyncio.run(app({"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}, receive, send))
    return (sent[0]["status"], {k.decode(): v.decode() for k, v in sent[0]["headers"]},
            b"".join(m.get("body", b"") for m in sent[1:]), None)


def test_the_stylesheet_is_served_at_a_name_that_changes_with_it():
    status, headers, body, _ = serve_app(style_route(), STYLESHEET)
    assert status == 200 and body.decode() == APP_CSS
    assert headers["content-type"].startswith("text/css") and "immutable" in headers["cache-control"]
    assert re.fullmatch(r"/explorer-assets/explorer\.[0-9a-f]{12}\.css", STYLESHEET)


def test_pages_are_told_apart_from_files_wherever_the_app_is_mounted():
    from explorer_app.preload import is_page

    for path in ("/", "/walk", "/scenes", "/here/", "/here/walk"):
        assert is_page(path), path
    for path in ("/_stcore/health", "/here/_stcore/stream", "/static/js/index.js", "/here/static/css/x.css",
                 "/media/abc.png", "/app/static/x", "/favicon.png", "/here/manifest.json",
                 "/explorer-assets/leaflet/leaflet.js", "/component/x/index.html", "/auth/login"):
        assert not is_page(path), path


def test_gzip_is_used_only_when_accepted():
    from explorer_app.preload import accepts_gzip

    assert accepts_gzip(b"gzip, deflate, br") and accepts_gzip(b"br;q=1.0, gzip;q=0.8") and accepts_gzip(b"*")
    assert not accepts_gzip(b"gzip;q=0") and not accepts_gzip(b"br") and not accepts_gzip(b"")
    assert not accepts_gzip(b"gzip;q=x")


def test_a_page_sent_as_a_file_path_is_asked_for_as_a_body_and_vary_is_kept():
    seen: dict = {}

    async def app(scope, receive, send):
        seen["extensions"] = scope["extensions"]
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html"), (b"vary", b"Origin")]})
        await send({"type": "http.response.body", "body": PAGE})

    sent: list = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request"}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [],
             "extensions": {"http.response.pathsend": {}, "other": {}}}
    asyncio.run(PreloadMiddleware(app, header="<x>")(scope, receive, send))
    assert seen["extensions"] == {"other": {}}
    headers = dict(sent[0]["headers"])
    assert headers[b"vary"] == b"Origin, Accept-Encoding" and head_html().encode() in sent[1]["body"]


def test_the_extended_page_is_made_once_and_each_answer_is_whole():
    middleware = PreloadMiddleware(None, header="<x>")
    first = middleware._extended(PAGE, True)
    assert middleware._extended(PAGE, True) is first  # kept, not compressed again for every visitor
    assert gzip.decompress(first) == middleware._extended(PAGE, False)
    for _ in range(3):  # the same answer on every request
        assert gzip.decompress(serve("/", {"Accept-Encoding": "gzip"})[2]).count(head_html().encode()) == 1


def test_the_map_pages_first_view_preloads_only_the_components_it_draws():
    from explorer_app.preload import MAP_FIRST_VIEW_CHUNKS, is_map_first_view

    pages = ("walk", "scenes")
    assert is_map_first_view("/", b"", pages) and is_map_first_view("/", b"lang=fr&spoilers=hide", pages)
    assert is_map_first_view("/explorer/", b"", pages)  # the root of a base path
    assert not is_map_first_view("/", b"place=moeraske", pages) and not is_map_first_view("/", b"scene=s13", pages)
    assert not is_map_first_view("/walk", b"", pages) and not is_map_first_view("/explorer/scenes/", b"", pages)
    light = link_header(chunks=MAP_FIRST_VIEW_CHUNKS)
    assert "BidiComponent." in light and "Html." not in light and "purify" not in light and "PageLink." not in light
    assert all(part in link_header() for part in light.split(", "))  # the full header holds all of it and more
    assert "Html." in link_header() and "PageLink." in link_header()


def test_the_middleware_sends_the_light_header_only_for_the_maps_first_view():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": PAGE})

    def link_for(path: str, query: bytes = b"") -> bytes:
        sent: list = []

        async def send(message):
            sent.append(message)

        async def receive():
            return {"type": "http.request"}

        scope = {"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}
        asyncio.run(PreloadMiddleware(app, header="<full>", first_view_header="<light>", pages=("walk",))(
            scope, receive, send))
        return dict(sent[0]["headers"])[b"link"]

    assert link_for("/") == b"<light>" and link_for("/", b"lang=nl") == b"<light>"
    assert link_for("/", b"place=moeraske") == b"<full>" and link_for("/walk") == b"<full>"


def test_a_kiosk_gets_the_full_hints_on_the_map_page_too():
    from explorer_app import preload

    def first_view_header(**kwargs) -> bytes:
        (entry,) = preload.middleware(**kwargs)
        return entry.cls(None, **entry.kwargs).first_view_header

    assert first_view_header(pages=("walk",), light_first_view=False) == link_header().encode()
    assert first_view_header(pages=("walk",)) == link_header(chunks=preload.MAP_FIRST_VIEW_CHUNKS).encode()


def test_any_query_string_is_only_a_question_of_which_hints():
    from explorer_app.preload import is_map_first_view

    for query in (b"%ff%fe%00", b"place", b"&&==&", b"lang=" + b"x" * 5000, b"plac%65=moeraske", "scène=1".encode()):
        assert is_map_first_view("/", query, ("walk",)) in (True, False)
    assert not is_map_first_view("/", b"plac%65=moeraske", ("walk",))  # decoded as the browser meant it


def test_the_server_starts_and_serves_its_pages_with_broken_or_kiosk_settings():
    """serve.py reads the settings when it starts (a kiosk gets every hint): broken settings must not stop it; the
    app itself then shows what is wrong (tests/test_kiosk_pages.py)."""
    import urllib.request

    from browser import running_app
    from explorer_app.preload import MAP_FIRST_VIEW_CHUNKS

    cases = [({"EXPLORER_TILES": "satellite", "EXPLORER_KIOSK": "perhaps"}, link_header(chunks=MAP_FIRST_VIEW_CHUNKS)),
             ({"EXPLORER_KIOSK": "true", "EXPLORER_TILES": "offline"}, link_header())]
    for env, expected in cases:
        with running_app(**env) as base, urllib.request.urlopen(f"{base}/") as response:
            assert response.status == 200 and response.headers["Link"] == expected, env
