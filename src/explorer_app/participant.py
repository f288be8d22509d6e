"""A live session's phones, served as ``st.App`` routes: the light page (``explorer.joinpage``), its answers, and
the event streams that tell phones and projectors what changed, with no Streamlit session and no script run.

1. A phone opens ``/join?code=``: its signed cookie names it (else it joins: a new pid, within the cap), and the page is HTML.
2. An answer is a form posted to ``/join/answer``: ``store.answer`` writes it, commits, and announces it (``store.notifier``).
3. One watcher per session and process hears the announcement, reads the questions once, and every phone's stream says "reload".

- ``GET /join``: the code form, or with ``?code=`` the session (``?lang=``, ``spoilers=hide`` kept in its links);
  ``POST /join``: a typed code, then 303 to the session's address; ``POST /join/answer``: an answer, then 303 back.
- ``GET /join/events?code=``: Server-Sent Events for a phone (cookie required): ``event: state`` with
  ``{"question": id, "state": state, "spread": ms}`` at connect and at each change of its question; ``event: guest``
  with ``{"v": digest, "open": bool, "spread": ms}`` (``guestpage.guest_signal``: the questions for the guest, at
  connect and as they change, at most every ``GUEST_EVERY`` seconds; the guest page is ``guestroutes.py``);
  ``: keep-alive`` every ``KEEP_ALIVE`` seconds. ``GET /join/state?code=``: the same as JSON (``guest`` a field),
  the slow fallback (``join.js`` polls it when streaming breaks). ``GET /live/events?code=&key=|screen=``: the
  projector's stream, ``event: state`` and ``event: answers`` with ``{"v": n}``, at most one burst per
  ``COALESCE`` seconds.
- Who a phone is: only the cookie the server signed for this session (``explorer.liveauth``); the address never
  carries it, so a copied link makes a new participant, never the person who shared it. The wrong-code limiter
  (``liveroom.LIMITER``, per address) leaves alone a phone already in the session its code names (a valid cookie
  for that session: one for another session, say one its holder started, buys nothing) and a phone holding the
  QR code's ticket for that code (``t=``: it has seen the screen), so guessing behind a school's router never locks
  out the class scanning the code; the ticket stays in the page's links. New participants count against
  ``liveroom.JOIN_LIMITER`` per address, and the session's cap and "joining closed" hold for every phone.

Reads are shared: a session's questions (and, once shown, its answers) are read once per announcement and process
(``Looks``), so a thousand phones reloading after "next question" cost a few reads, and an idle phone costs an
open connection and nothing else (one coroutine; no thread, no script run).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from importlib import resources
from typing import TypeGuard, TypeVar
from urllib.parse import parse_qs, urlencode

import streamlit as st
from anyio import to_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from explorer.guest import GuestQuestion, GuestRoom
from explorer.guestpage import guest_signal
from explorer.gueststore import GuestBook
from explorer.i18n import LANGUAGES, N_, t
from explorer.joinpage import Note, Shell, Situation, code_form_html, problem_html, session_html
from explorer.live import (
    CUT,
    ENDED,
    MAX_TEXT,
    MAX_WORD,
    NOT_OPEN,
    TOO_MANY_JOINS,
    TOO_MANY_TRIES_SCAN,
    UNKNOWN_CODE,
    Answer,
    AnswerRefused,
    LiveError,
    LiveQuestion,
    LiveSession,
    normalise_code,
)
from explorer.liveauth import TICKET_LENGTH, cookie_name
from explorer.livenotify import Version
from explorer.livestore import LiveStore, StoreUnavailable
from explorer.model import Content
from explorer.settings import Settings
from explorer.theme import css_file
from explorer_app import liveroom
from explorer_app.assets import IMMUTABLE, Served, page_stylesheet
from explorer_app.cache import CACHE
from explorer_app.liveroom import current_question, request_address, request_scheme
from explorer_app.notfound import language as browser_language

T = TypeVar("T")
_log = logging.getLogger(__name__)
KEEP_ALIVE = 20.0  # seconds between two comments on a quiet stream (proxies close silent connections)
RETRY_MS = 3000  # what a browser waits before opening a broken stream again
SPREAD_PER_PHONE = 2  # ms of reload spread per phone listening (1,000 phones on a process: 2 s)
MAX_SPREAD = 3000  # ms: the most a phone waits before loading the next question
COALESCE = 0.4  # seconds: the projector hears of a burst of answers at most this often
GUEST_EVERY = 2.0  # seconds: a phone hears of questions for the guest (votes, asks, moderation) at most this often
WATCH = 30.0  # seconds: a session's watcher reads its questions again this often even without news
MAX_AGE = 2.0  # seconds a shared read serves pages when no news came (news from a replica may be late)
MAX_FORM = 16 * 1024  # bytes of a posted form (a written answer is at most 280 characters)
MAX_FIELDS = 20  # fields of a posted form (the page's have five at most)
COOKIE_VALUES = 16  # values of one participant cookie's name read from a request (one per path that matches)
SENT = N_("Answer sent. Changes are possible until the question closes.")
READ_ONLY = "no-store"


# --- the files -------------------------------------------------------------------------------------------------


@functools.cache
def join_stylesheet() -> Served:
    """The explorer's stylesheet (the theme's properties, the symbols, the pages' rules the answers use) and the
    phone page's own (``explorer/css/join.css``): one file, kept a year by its address."""
    return Served("join", ".css", page_stylesheet().body + css_file("join").encode("utf-8"), "text/css")


@functools.cache
def join_script() -> tuple[bytes, str]:
    """join.js and the version its address carries."""
    body = resources.files("explorer_app").joinpath("join.js").read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


async def _serve_script(request: Request) -> Response:
    return Response(join_script()[0], media_type="text/javascript", headers={"Cache-Control": IMMUTABLE})


# --- shared reads ----------------------------------------------------------------------------------------------


@dataclass
class _Read:
    version: Version
    at: float
    value: object


class Looks:
    """A session's questions, its row and its shown answers, read once per announcement and process: a read is
    kept with the notifier's version taken before it, and serves until a newer version is announced (or
    ``MAX_AGE`` passes, in case an announcement from another replica is late). One read at a time per session
    (striped locks); the others wait for it and take it."""

    def __init__(self, limit: int = 4096) -> None:
        self._found: dict[tuple, _Read] = {}
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(64)]
        self._limit = limit

    def _get(self, store: LiveStore, key: tuple, read: Callable[[], T], kind: int | None) -> T:
        code = key[1]

        def fresh(found: _Read | None, version: Version) -> TypeGuard[_Read]:
            if found is None:
                return False
            same = found.version == version if kind is None else found.version[kind] == version[kind]
            return same and time.monotonic() - found.at < MAX_AGE

        found = self._found.get(key)
        if fresh(found, store.notifier.version(code)):
            return found.value  # type: ignore[return-value]
        with self._stripes[hash(key) % len(self._stripes)]:
            version = store.notifier.version(code)
            found = self._found.get(key)
            if fresh(found, version):
                return found.value  # type: ignore[return-value]
            value = read()
            with self._lock:
                if len(self._found) >= self._limit:
                    self._found.clear()
                self._found[key] = _Read(version, time.monotonic(), value)
            return value

    def questions(self, store: LiveStore, code: str) -> list[LiveQuestion]:
        return self._get(store, ("questions", code), lambda: store.questions(code), 0)

    def session(self, store: LiveStore, code: str) -> LiveSession | None:
        return self._get(store, ("session", code), lambda: store.find(code), 0)

    def answers(self, store: LiveStore, code: str, question_id: str) -> list[Answer]:
        return self._get(store, ("answers", code, question_id), lambda: store.answers(code, question_id), None)

    def guest(self, store: LiveStore, code: str) -> tuple[GuestRoom, list[GuestQuestion]]:
        """The session's room for the guest and its questions (every state: the pages pick what a phone sees)."""
        book = GuestBook(store)
        return self._get(store, ("guest", code), lambda: (book.room(code), book.questions(code)), 2)

    def forget(self, *key: str) -> None:
        """Drop one shared read (this process just changed what it holds: on PostgreSQL the news of it comes back
        through NOTIFY a moment later, and the page this phone is sent back to must show the change)."""
        with self._lock:
            self._found.pop(tuple(key), None)

    def cached_guest(self, code: str) -> tuple[GuestRoom, list[GuestQuestion]] | None:
        """The last read of a session's questions for the guest, however old (to show the form again when the store went)."""
        found = self._found.get(("guest", code))
        return found.value if found is not None else None  # type: ignore[return-value]

    def cached_questions(self, code: str) -> list[LiveQuestion] | None:
        """The last read of a session's questions, however old (to show the form again when the store went)."""
        found = self._found.get(("questions", code))
        return found.value if found is not None else None  # type: ignore[return-value]

    def clear(self) -> None:
        with self._lock:
            self._found.clear()


LOOKS = Looks()


def phone_state(session: LiveSession | None, questions: list[LiveQuestion], now: float) -> dict[str, str]:
    """What a phone's page follows: its question and that question's state ("ended" once the session is over)."""
    if session is None or session.expired(now):
        return {"question": "", "state": "ended"}
    found = current_question(questions)
    return {"question": found.id if found else "", "state": found.state if found else ""}


# --- the request's context -------------------------------------------------------------------------------------


@dataclass
class Visit:
    """One request: settings, content, language, the explorer's root address and whose address it counts as."""

    request: Request
    settings: Settings
    content: Content
    language: str
    chosen: str  # the language the address or the form asked for ("" when the browser's was taken)
    root: str
    address: str
    spoilers: bool  # the address asked for spoiler-safe (the session's own setting decides what is shown)
    ticket: str = ""  # the QR code's join ticket the address or the form carried (``t``), as sent
    ticketed: str = ""  # the code that ticket was found valid for (``has_ticket``), kept in the page's links

    def shell(self, code: str = "", spoiler_safe: bool = False) -> Shell:
        here = {
            "code": code,
            "lang": self.chosen,
            "spoilers": "hide" if spoiler_safe or self.spoilers else "",
            "t": self.ticket if code and code == self.ticketed else "",
        }
        return Shell(
            self.root, join_stylesheet().path.lstrip("/"), f"join/join.js?v={join_script()[1]}", {k: v for k, v in here.items() if v}
        )

    def store(self) -> LiveStore:
        return liveroom.live_store(self.settings)

    def participant(self, store: LiveStore, code: str) -> str | None:
        """The pid this request's cookie names in session ``code``, if the server signed it for that session. Every
        value the request gives the cookie's name is tried (a browser sends one per matching path, and a forged or
        left-over one may come first), and the first the server signed is the phone."""
        signer = store.signer()
        for value in cookie_values(self.request, cookie_name(code)):
            pid = signer.participant(code, value)
            if pid is not None:
                return pid
        return None

    def has_ticket(self, store: LiveStore, code: str) -> bool:
        """Whether the request carries session ``code``'s join ticket (the phone scanned the screen's QR code);
        a valid one is then kept in the page's links (``shell``). Anything else is no ticket."""
        if code and self.ticket and store.signer().is_ticket(code, self.ticket):
            self.ticketed = code
            return True
        return False


def cookie_values(request: Request, name: str, limit: int = COOKIE_VALUES) -> list[str]:
    """Every value the request's Cookie header(s) give ``name``, in order (at most ``limit``). Starlette's
    ``request.cookies`` keeps one value per name, which may be a forged or left-over one (another path's)."""
    found: list[str] = []
    for header in request.headers.getlist("cookie"):
        for pair in header.split(";"):
            key, equals, value = pair.partition("=")
            if not equals or key.strip() != name:
                continue
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found.append(value)
            if len(found) >= limit:
                return found
    return found


def root_path() -> str:
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def visit(request: Request, form: dict[str, str] | None = None) -> Visit | Response:
    """The request's context, or a page saying the explorer's settings or content need fixing."""
    asked = (form or {}).get("lang") or request.query_params.get("lang", "")
    chosen = asked if asked in LANGUAGES else ""
    language = chosen or browser_language("", request.headers.get("accept-language", ""))
    spoilers = ((form or {}).get("spoilers") or request.query_params.get("spoilers")) == "hide"
    ticket = (form or {}).get("t") or request.query_params.get("t", "")
    root = root_path()
    settings = CACHE.settings()
    bare = Shell(root, join_stylesheet().path.lstrip("/"), "", {"lang": chosen} if chosen else {})
    if isinstance(settings, tuple):
        title = t("The explorer's settings need fixing", language)
        return HTMLResponse(problem_html(bare, title, title, language), status_code=503)
    if settings.kiosk:  # a kiosk takes no part: its visitors answer on their own phones
        return RedirectResponse(f"{root}attract", status_code=303)
    content = CACHE.loaded(settings.data_dir).content
    if isinstance(content, tuple):
        title = t("The explorer's content needs fixing", language)
        return HTMLResponse(problem_html(bare, title, title, language), status_code=503)
    peer = request.client.host if request.client else None
    return Visit(
        request,
        settings,
        content,
        language,
        chosen,
        root,
        request_address(peer, request.headers, settings),
        spoilers,
        ticket if len(ticket) <= 4 * TICKET_LENGTH else "",
    )


def page(html: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page that is never kept (it shows one phone's answer), naming the one file it needs early (and so none
    of the Streamlit pages' hints: ``hints.py`` leaves a page's own ``Link`` alone)."""
    hint = f"<{root_path()}{join_stylesheet().path.lstrip('/')}>; rel=preload; as=style"
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store", "Link": hint, **(headers or {})})


async def read_form(request: Request) -> dict[str, str] | None:
    """A posted form's fields (the first of each name), or None when it is larger than ``MAX_FORM``."""
    if int(request.headers.get("content-length") or 0) > MAX_FORM:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return None
    try:
        fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than any of the page's forms has
        return None
    return {name: values[0] for name, values in fields.items()}


def too_large() -> Response:
    return Response("Too large", status_code=413, media_type="text/plain", headers={"Cache-Control": READ_ONLY})


# --- the pages -------------------------------------------------------------------------------------------------


def code_form(v: Visit, message: str = "", typed: str = "", status: int = 200, kind: str = "error") -> HTMLResponse:
    return page(code_form_html(v.shell(), v.language, typed=typed, note=Note(message, kind) if message else None), status)


def check_code(v: Visit, store: LiveStore, typed: str, now: float) -> LiveSession | HTMLResponse:
    """The live session a typed or linked code names, or the code form saying why not. A wrong code counts against
    the request's address; an address with too many is refused whatever code it sends (else the refusal itself
    would tell which code is right), and told that scanning the QR code still works. Left alone: a phone already
    in this very session (its cookie for this code) and a link carrying this code's ticket (the QR code's)."""
    code = normalise_code(typed)
    trusted = bool(code and (v.has_ticket(store, code) or v.participant(store, code) is not None))
    if not trusted and liveroom.LIMITER.blocked(v.address, now):
        return code_form(v, t(TOO_MANY_TRIES_SCAN, v.language), typed, 429)
    session = LOOKS.session(store, code) if code else None
    if session is None or session.expired(now):
        if not trusted:
            liveroom.LIMITER.failed(v.address, now)
        return code_form(v, t(ENDED if session else UNKNOWN_CODE, v.language), typed, 404)
    return session


def _situation(
    v: Visit, store: LiveStore, session: LiveSession, pid: str, *, note: Note | None = None, typed: str | None = None, sent: str = ""
) -> Situation:
    questions = LOOKS.questions(store, session.code)
    question = current_question(questions)
    mine = store.answer_of(question.id, pid) if question is not None else None
    answers = tuple(LOOKS.answers(store, session.code, question.id)) if question and question.state == "revealed" else ()
    guest = v.shell(session.code, session.spoiler_safe).url("join/guest") if LOOKS.guest(store, session.code)[0].open else ""
    if note is None and question is not None and question.state == "open" and sent == question.id and mine is not None:
        note = Note(t(SENT, v.language))
        if mine.cut:
            limit = MAX_WORD if question.kind == "word" else MAX_TEXT
            note = Note(t(CUT, v.language, limit=limit) + " " + note.text, "warn")
    return Situation(session.code, question, mine, answers, session.spoiler_safe, note, typed, guest)


def _session_page(
    v: Visit, session: LiveSession, situation: Situation, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    code = session.code
    html = session_html(
        v.content,
        v.shell(code, session.spoiler_safe),
        situation,
        v.language,
        events=f"{v.root}join/events?code={code}",
        state=f"{v.root}join/state?code={code}",
    )
    return page(html, status, headers)


def join_session(v: Visit, store: LiveStore, session: LiveSession, now: float) -> tuple[str, str] | HTMLResponse:
    """A new participant for a phone without a valid cookie: (pid, cookie value), or the page saying why not."""
    if liveroom.JOIN_LIMITER.blocked(v.address, now):
        return code_form(v, t(TOO_MANY_JOINS, v.language), session.code, 429)
    value = store.signer().issue(session.code)
    pid = value.split(".", 1)[0]
    try:
        if not store.join(session.code, pid, now):
            return code_form(v, t(ENDED, v.language), session.code, 404)
    except LiveError as exc:  # the session is full
        return code_form(v, exc.text(v.language), session.code, 403)
    liveroom.JOIN_LIMITER.joined(v.address, now)
    return pid, value


def set_cookie(v: Visit, session: LiveSession, value: str, response: Response, now: float) -> None:
    peer = v.request.client.host if v.request.client else None
    secure = request_scheme(v.request.url.scheme, peer, v.request.headers, v.settings) == "https"
    response.set_cookie(
        cookie_name(session.code),
        value,
        max_age=max(int(session.expires - now), 1),
        path=f"{v.root}join",
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def show(v: Visit) -> Response:
    """``GET /join``: the code form, or the session (joining it first when the phone is not in it yet)."""
    typed = v.request.query_params.get("code", "")
    if not typed:
        return code_form(v)
    now = time.time()
    try:
        store = v.store()
        found = check_code(v, store, typed, now)
        if isinstance(found, Response):
            return found
        pid, value = v.participant(store, found.code), None
        if pid is None:
            joined = join_session(v, store, found, now)
            if isinstance(joined, Response):
                return joined
            pid, value = joined
        response = _session_page(v, found, _situation(v, store, found, pid, sent=v.request.query_params.get("sent", "")))
    except StoreUnavailable as exc:
        return code_form(v, exc.text(v.language), typed, 503)
    if value is not None:
        set_cookie(v, found, value, response, now)
    return response


def typed_code(v: Visit, form: dict[str, str]) -> Response:
    """``POST /join``: a code typed in the form; the session's address if it names one, else the form again."""
    typed = form.get("code", "")
    try:
        found = check_code(v, v.store(), typed, time.time())
    except StoreUnavailable as exc:
        return code_form(v, exc.text(v.language), typed, 503)
    if isinstance(found, Response):
        return found
    return RedirectResponse(v.shell(found.code, found.spoiler_safe).url(), status_code=303)


def answered(v: Visit, form: dict[str, str]) -> Response:
    """``POST /join/answer``: the phone's answer to the session's open question; 303 back to the page, or the
    page again with why not and what was typed."""
    code = normalise_code(form.get("code", ""))
    if code is None:
        return RedirectResponse(v.shell().url(), status_code=303)
    question_id, value = form.get("question", ""), form.get("value", "")
    now = time.time()
    try:
        store = v.store()
        v.has_ticket(store, code)  # a ticket the form carried stays in the address it goes back to
        pid = v.participant(store, code)
        session = LOOKS.session(store, code)
        if pid is None or session is None or session.expired(now):  # not in it (yet): the page says why, or joins
            return RedirectResponse(v.shell(code).url(), status_code=303)
        question = current_question(LOOKS.questions(store, code))
        if question is None or question.id != question_id or question.state != "open":
            return _session_page(v, session, _situation(v, store, session, pid, note=Note(t(NOT_OPEN, v.language), "error")), 409)
        try:
            store.answer(question_id, pid, value, now)
        except AnswerRefused as exc:
            note = Note(exc.text(v.language), "error")
            return _session_page(v, session, _situation(v, store, session, pid, note=note, typed=value), 422)
        except ValueError:  # the question went while the phone showed it
            return _session_page(v, session, _situation(v, store, session, pid, note=Note(t(NOT_OPEN, v.language), "error")), 409)
    except StoreUnavailable as exc:
        return _unavailable(v, code, question_id, value, exc)
    return RedirectResponse(v.shell(code, session.spoiler_safe).url(sent=question_id), status_code=303)


def _unavailable(v: Visit, code: str, question_id: str, value: str, exc: StoreUnavailable) -> Response:
    """The store went while an answer was sent: said plainly, never acknowledged, and the answer kept in the form
    (from the last read of the questions, when this process has one)."""
    note = Note(exc.text(v.language), "error")
    question = current_question(LOOKS.cached_questions(code) or [])
    if question is None or question.id != question_id:
        return page(problem_html(v.shell(code), note.text, note.text, v.language), 503)
    session = LiveSession(code, "", 0.0, float("inf"), v.language, v.spoilers)
    situation = Situation(code, question, None, (), v.spoilers, note, value)
    return _session_page(v, session, situation, 503)


def state_now(v: Visit) -> Response:
    """``GET /join/state?code=``: the phone's question and its state as JSON (the fallback of the stream)."""
    code = normalise_code(v.request.query_params.get("code", ""))
    if code is None:
        return JSONResponse({}, status_code=404, headers={"Cache-Control": READ_ONLY})
    try:
        store = v.store()
        if v.participant(store, code) is None:
            return JSONResponse({}, status_code=403, headers={"Cache-Control": READ_ONLY})
        found: dict[str, object] = {**phone_state(LOOKS.session(store, code), LOOKS.questions(store, code), time.time())}
        found["guest"] = guest_signal(*LOOKS.guest(store, code))
    except StoreUnavailable:
        return JSONResponse({}, status_code=503, headers={"Cache-Control": READ_ONLY, "Retry-After": "15"})
    return JSONResponse(found, headers={"Cache-Control": READ_ONLY})


# --- the event streams -----------------------------------------------------------------------------------------


class Room:
    """One session's present phone state for every phone stream of this process (one event loop): a watcher waits
    on the store's notifier, reads the questions once per "state" announcement, and wakes the phones only when
    their question or its state changed (answers coming in wake no phone)."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.current: dict[str, str] | None = None
        self.guest: dict[str, object] | None = None  # ``guestpage.guest_signal``: told at most every GUEST_EVERY s
        self.changed = asyncio.Event()
        self.listeners = 0
        self.task: asyncio.Task | None = None
        self.guest_task: asyncio.Task | None = None

    def _wake(self) -> None:
        woken, self.changed = self.changed, asyncio.Event()
        woken.set()

    def update(self, found: dict[str, str]) -> None:
        if found != self.current:
            self.current = found
            self._wake()

    def update_guest(self, found: dict[str, object]) -> None:
        if found != self.guest:
            self.guest = found
            self._wake()


_rooms: dict[tuple[asyncio.AbstractEventLoop, str], Room] = {}


async def _watch(room: Room, settings: Settings) -> None:
    key = (asyncio.get_running_loop(), room.code)
    since: Version | None = None
    try:
        while room.listeners > 0:
            try:
                store = await to_thread.run_sync(liveroom.live_store, settings)
                if since is not None:
                    version = await store.notifier.wait(room.code, since, WATCH)
                    if version != since and version[0] == since[0]:  # answers only: nothing for the phones
                        since = version
                        continue
                since = store.notifier.version(room.code)

                def read(store: LiveStore = store) -> dict[str, str]:
                    return phone_state(LOOKS.session(store, room.code), LOOKS.questions(store, room.code), time.time())

                room.update(await to_thread.run_sync(read))
            except StoreUnavailable:
                since = None
                await asyncio.sleep(5)
            except Exception:  # anything else: said in the log, and the phones keep their stream and try again
                _log.exception("live session %s: reading its state for the phones failed", room.code)
                since = None
                await asyncio.sleep(5)
    finally:
        if _rooms.get(key) is room and room.listeners <= 0:
            del _rooms[key]


async def _watch_guest(room: Room, settings: Settings) -> None:
    """The session's questions for the guest for the phones of this process: read at once, then after "guest"
    news at most every ``GUEST_EVERY`` seconds (a hall voting thousands of times a minute wakes each phone at
    most that often), and every ``WATCH`` seconds anyway."""
    since: Version | None = None
    while room.listeners > 0:
        try:
            store = await to_thread.run_sync(liveroom.live_store, settings)
            if since is not None:
                await store.notifier.wait(room.code, since, WATCH, only="guest")
            since = store.notifier.version(room.code)
            room.update_guest(guest_signal(*await to_thread.run_sync(LOOKS.guest, store, room.code)))
            await asyncio.sleep(GUEST_EVERY)
        except StoreUnavailable:
            since = None
            await asyncio.sleep(5)
        except Exception:  # said in the log; the phones keep their stream
            _log.exception("live session %s: reading its questions for the guest failed", room.code)
            since = None
            await asyncio.sleep(5)


def _enter(code: str, settings: Settings) -> Room:
    key = (asyncio.get_running_loop(), code)
    room = _rooms.get(key)
    if room is None:
        room = _rooms[key] = Room(code)
    room.listeners += 1
    if room.task is None or room.task.done():
        room.task = asyncio.create_task(_watch(room, settings))
    if room.guest_task is None or room.guest_task.done():
        room.guest_task = asyncio.create_task(_watch_guest(room, settings))
    return room


def _event(name: str, data: dict) -> str:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def spread(phones: int) -> int:
    """Milliseconds over which the phones told of a change load their page again (each at a random moment in
    them, ``join.js``): a full hall does not ask for two thousand pages in the same instant, a class hardly
    waits. ``SPREAD_PER_PHONE`` per phone listening to this process, at most ``MAX_SPREAD``."""
    return min(MAX_SPREAD, max(0, phones) * SPREAD_PER_PHONE)


async def phone_events(code: str, settings: Settings) -> AsyncIterator[str]:
    """A phone's stream: its state at once (as soon as the session's first read is done), then each change; and
    the questions for the guest (``event: guest``, ``guestpage.guest_signal``) at once and as they change."""
    room = _enter(code, settings)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        seen: dict[str, str] | None = None
        guest: dict[str, object] | None = None
        while True:
            if room.current is not None and room.current != seen:
                seen = room.current
                yield _event("state", {**seen, "spread": spread(room.listeners)})
                if seen.get("state") == "ended":
                    return
            if room.guest is not None and room.guest != guest:
                guest = room.guest
                yield _event("guest", {**guest, "spread": spread(room.listeners)})
            woken = room.changed
            try:
                await asyncio.wait_for(woken.wait(), KEEP_ALIVE)
            except TimeoutError:
                yield ": keep-alive\n\n"
    finally:
        room.listeners -= 1


async def screen_events(store: LiveStore, code: str, expires: float = float("inf")) -> AsyncIterator[str]:
    """The projector's stream: the session's counters at connect, then "state", "answers" and "guest" (the questions
    for the guest, not told at connect: the board reads them as it starts) as they change, a burst of answers or
    votes told once per ``COALESCE`` seconds; it ends with the session (``expires``)."""
    notifier = store.notifier
    sent = notifier.version(code)
    yield f"retry: {RETRY_MS}\n\n" + _event("state", {"v": sent[0]}) + _event("answers", {"v": sent[1]})
    last = time.monotonic()
    while True:
        version = await notifier.wait(code, sent, KEEP_ALIVE)
        if version == sent:
            if time.time() >= expires:  # the browser asks again and is told the session is over
                return
            yield ": keep-alive\n\n"
            continue
        pause = COALESCE - (time.monotonic() - last)
        if pause > 0:
            await asyncio.sleep(pause)
            version = notifier.version(code)
        told = ""
        if version[0] != sent[0]:
            told += _event("state", {"v": version[0]})
        if version[1] != sent[1]:
            told += _event("answers", {"v": version[1]})
        if version[2] != sent[2]:
            told += _event("guest", {"v": version[2]})
        sent, last = version, time.monotonic()
        yield told


STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream", headers=STREAM_HEADERS)


async def _phone_stream(request: Request) -> Response:
    v = await run_in_threadpool(visit, request)
    if isinstance(v, Response):
        return v
    code = normalise_code(request.query_params.get("code", ""))
    if code is None:
        return Response(status_code=404)
    try:
        store = await run_in_threadpool(v.store)
        if v.participant(store, code) is None:
            return Response(status_code=403)
        session = await run_in_threadpool(LOOKS.session, store, code)
    except StoreUnavailable:
        return Response(status_code=503, headers={"Retry-After": "15"})
    if session is None or session.expired(time.time()):
        return Response(status_code=404)
    return _stream(phone_events(code, v.settings))


async def _screen_stream(request: Request) -> Response:
    """The projector's stream, for its presenter key or its read-only screen key; other keys count as guesses."""
    v = await run_in_threadpool(visit, request)
    if isinstance(v, Response):
        return v
    code = normalise_code(request.query_params.get("code", ""))
    now = time.time()
    try:
        store = await run_in_threadpool(v.store)
        session = await run_in_threadpool(LOOKS.session, store, code) if code else None
    except StoreUnavailable:
        return Response(status_code=503, headers={"Retry-After": "15"})
    allowed = (
        session is not None
        and not session.expired(now)
        and (
            store.signer().is_screen(session.code, request.query_params.get("screen", ""))
            or session.is_presenter(request.query_params.get("key", ""))
        )
    )
    if not allowed or session is None:  # None is never allowed: this only tells the type checker
        if liveroom.LIMITER.blocked(v.address, now):
            return Response(status_code=429, headers={"Retry-After": "60"})
        liveroom.LIMITER.failed(v.address, now)
        return Response(status_code=403)
    return _stream(screen_events(store, session.code, session.expires))


# --- routes ----------------------------------------------------------------------------------------------------


def _then(handle: Callable[..., Response], request: Request, *args: object) -> Response:
    """The request's context (it looks at the settings' and the data files' times), then ``handle``: in a worker
    thread, like every store call, so the event loop keeps serving the streams."""
    v = visit(request, *args[:1])  # type: ignore[arg-type]
    return v if isinstance(v, Response) else handle(v, *args)


async def _show(request: Request) -> Response:
    return await run_in_threadpool(_then, show, request)


async def _posted(request: Request, handle: Callable[[Visit, dict[str, str]], Response]) -> Response:
    form = await read_form(request)
    if form is None:
        return too_large()
    return await run_in_threadpool(_then, handle, request, form)


async def _typed(request: Request) -> Response:
    return await _posted(request, typed_code)


async def _answer(request: Request) -> Response:
    return await _posted(request, answered)


async def _answer_again(request: Request) -> Response:
    """``GET /join/answer`` (a reload of a page an answer came back on): the session's page."""
    code = normalise_code(request.query_params.get("code", ""))
    query = {"code": code or "", **{k: request.query_params.get(k, "") for k in ("lang", "spoilers", "t")}}
    if len(query["t"]) > 4 * TICKET_LENGTH:  # /join checks the ticket; an oversized one is dropped here
        query["t"] = ""
    return RedirectResponse(f"{root_path()}join?" + urlencode({k: v for k, v in query.items() if v}), status_code=303)


async def _state(request: Request) -> Response:
    return await run_in_threadpool(_then, state_now, request)


def participant_routes() -> list[BaseRoute]:
    """The phone page's routes, its stylesheet and script, and the projector's stream."""
    return [
        Route("/join", _show, methods=["GET"]),
        Route("/join", _typed, methods=["POST"]),
        Route("/join/answer", _answer, methods=["POST"]),
        Route("/join/answer", _answer_again, methods=["GET"]),
        Route("/join/events", _phone_stream, methods=["GET"]),
        Route("/join/state", _state, methods=["GET"]),
        Route("/join/join.js", _serve_script, methods=["GET"]),
        Route("/live/events", _screen_stream, methods=["GET"]),
        join_stylesheet().route(),
    ]
