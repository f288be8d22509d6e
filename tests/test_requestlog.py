"""The request log (explorer_app/requestlog.py): one line per request, nothing of the query, the client or its
headers, and event streams still streaming."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from explorer_app.requestlog import LOGGER, RequestLogMiddleware, UTCFormatter, configure, shown_path

LINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ (GET|POST|HEAD) (/\S*) (\d{3}|-) (\d+) ms")


def _scope(path: str, query: bytes = b"", kind: str = "http", headers: list[tuple[bytes, bytes]] | None = None) -> dict:
    return {
        "type": kind,
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers or [],
        "client": ("203.0.113.9", 51234),
        "server": ("127.0.0.1", 8501),
    }


@pytest.fixture
def lines(caplog) -> list[str]:
    """What the request log writes, formatted as on stderr."""
    configure()
    logger = logging.getLogger(LOGGER)
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger=LOGGER)
    formatter = UTCFormatter()

    class Lines(list):
        def read(self) -> list[str]:
            return [formatter.format(record) for record in caplog.records if record.name == LOGGER]

    yield Lines()
    logger.removeHandler(caplog.handler)


def _call(app, scope: dict) -> list[dict]:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(RequestLogMiddleware(app)(scope, receive, send))
    return sent


async def _answer(scope, receive, send, status: int = 200):
    await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


def test_a_line_per_request_without_query_client_or_headers(lines):
    headers = [
        (b"user-agent", b"EvilAgent/6.6"),
        (b"x-forwarded-for", b"198.51.100.77"),
        (b"cookie", b"hx_participant=TOKENVALUE"),
        (b"referer", b"https://example.org/?key=REFERRED"),
    ]
    sent = _call(_answer, _scope("/live", b"code=1234&key=SECRET", headers=headers))
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"ok"  # the answer is the app's, untouched
    (line,) = lines.read()
    found = LINE.fullmatch(line)
    assert found and found[1] == "GET" and found[2] == "/live" and found[3] == "200", line
    for secret in ("SECRET", "1234", "key=", "?", "EvilAgent", "198.51.100.77", "203.0.113.9", "TOKENVALUE", "REFERRED"):
        assert secret not in line


def test_the_status_is_what_the_client_got_and_a_failure_is_a_500(lines):
    async def missing(scope, receive, send):
        await _answer(scope, receive, send, 404)

    async def broken(scope, receive, send):
        raise RuntimeError("boom")

    _call(missing, _scope("/nowhere"))
    with pytest.raises(RuntimeError):
        _call(broken, _scope("/scenes"))
    assert [LINE.fullmatch(line)[3] for line in lines.read()] == ["404", "500"]


def test_a_path_cannot_write_a_line_of_its_own():
    assert shown_path("/a\n2026-01-01T00:00:00Z GET /forged 200 1 ms") == "/a%0A2026-01-01T00:00:00Z%20GET%20/forged%20200%201%20ms"
    assert shown_path("/walk") == "/walk" and len(shown_path("/x" * 1000)) <= 301


def test_a_websocket_is_logged_when_it_opens_and_closes(lines):
    async def socket(scope, receive, send):
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.close", "code": 1000})

    _call(socket, _scope("/_stcore/stream", b"token=SECRET", kind="websocket"))
    opened, closed = lines.read()
    assert opened.endswith(" WS /_stcore/stream open")
    assert re.fullmatch(r"\S+Z WS /_stcore/stream closed after \d+ ms", closed) and "SECRET" not in opened + closed


def test_an_event_stream_is_logged_at_its_start_and_flows_on(lines):
    """The line is written when the answer starts, and every event reaches the client while the stream is open:
    the stream goes on only once the client has had the previous event."""
    received: list[bytes] = []
    delivered = None

    async def stream(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        for n in range(3):
            await send({"type": "http.response.body", "body": f"data: {n}\n\n".encode(), "more_body": True})
            await asyncio.wait_for(delivered.wait(), 5)  # the client has it before the next is made
            delivered.clear()
            if n == 0:
                assert len(lines.read()) == 1  # logged already, the stream still open
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def run():
        nonlocal delivered
        delivered = asyncio.Event()

        async def receive():
            await asyncio.sleep(3600)

        async def send(message):
            if message["type"] == "http.response.body" and message["body"]:
                received.append(message["body"])
                delivered.set()

        await RequestLogMiddleware(stream)(_scope("/join/events", b"code=1234"), receive, send)

    asyncio.run(run())
    assert received == [b"data: 0\n\n", b"data: 1\n\n", b"data: 2\n\n"]
    (line,) = lines.read()
    assert LINE.fullmatch(line)[2] == "/join/events"
