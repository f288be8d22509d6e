"""Live sessions in the app: the store each process shares, who may steer a session, and where a request came from.

How a live session runs (the data path):

1. The presenter (``pages/live.py``) presses "Start": ``LiveStore.start_session`` keeps a new session, and the
   address becomes the presenter's secret link, ``live?code=ABC234&key=SECRET``; the projector opens a read-only
   ``live?code=ABC234&screen=KEY`` (``Signer.screen_key``). A kiosk never shows the page.
2. A phone scans the QR code: ``/join?code=ABC234`` is a light HTML page (an ``st.App`` route, no Streamlit
   session). Joining sets a signed cookie (``liveauth.Signer``): the phone's identity, bound to the session and
   never in the address. Answers are form posts, written by ``LiveStore.answer`` (one per participant, by the
   database's unique constraint), so any replica may take them.
3. Every committed change is announced through the store's notifier (``pg_notify`` on PostgreSQL, heard by every
   replica through ``store.listen()``); phones hear "the question changed" as Server-Sent Events on
   ``/join/events``, and the projector's component (``livepush``) on ``/live/events`` reruns its board: an idle
   phone costs no script run, and a slow poll is the fallback where streaming breaks.

When the database cannot be reached the session pages say so (``StoreUnavailable``) and the rest of the explorer
is untouched; the store is tried again after ``RETRY`` seconds, and a store that found its SQLite file gone
(``store.broken``) is dropped and opened afresh after as long. Whose address a request counts as is
``explorer.addresses``' rule: ``X-Forwarded-For`` only from the ``trusted_proxies`` setting.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from collections.abc import Mapping
from typing import Protocol
from urllib.parse import urlsplit

import streamlit as st

from explorer import addresses
from explorer.live import AttemptLimiter, LiveQuestion
from explorer.livenotify import Notifier
from explorer.livestore import LiveStore, StoreUnavailable, settings_url
from explorer.settings import Settings
from explorer_app.cache import CACHE

PROJECTOR_POLL = 0.5  # seconds between two reads of the room's answers on the projector (one page per session)
PARTICIPANT_POLL = 3.0  # seconds between two looks for the next question on a phone (most of the load: bench)
PURGE_EVERY = 300.0  # seconds between two purges of expired sessions, per process (a thread)
SHARED_LOOK = 1.0  # seconds the phones of one replica share one read of a session's questions
RETRY = 30.0  # seconds before a database that could not be reached is tried again (pages do not wait on it)

# Wrong codes: an address may get 60 wrong in 10 minutes (a school or a cinema is one address behind its router:
# one pupil's typos must not shut the class out; a phone that scanned the QR code is never counted). 60 in 10
# minutes is 8,640 guesses a day among about a thousand million codes.
LIMITER = AttemptLimiter(limit=60)


class JoinLimiter(AttemptLimiter):
    """New participants per address over a sliding window: ``blocked(address, now)`` before a phone without a
    valid cookie joins, ``joined(address, now)`` once it has. Generous: a whole hall can sit behind one router."""

    def joined(self, address: str, now: float) -> None:
        """Count one new participant from ``address``."""
        self.failed(address, now)


# New participants: 2,500 per address in 10 minutes (a 2,000-seat hall behind one router, and some reloads with
# cookies refused). Beyond it a script from one address waits; the session's cap bounds it anyway. At most 1,000
# addresses are remembered (up to 2,500 times each), so memory stays bounded whatever the number of addresses.
JOIN_LIMITER = JoinLimiter(limit=2500, window=600.0, max_addresses=1000)
_stores: dict[str, LiveStore] = {}
_failed: dict[str, tuple[float, StoreUnavailable]] = {}
_notifiers: dict[str, Notifier] = {}  # per database: kept when a broken store is opened again
_stop = threading.Event()  # set when the stores are forgotten (tests), to end the purging threads
_looks: dict[str, tuple[float, list[LiveQuestion]]] = {}
_lock = threading.Lock()


def live_store(settings: Settings) -> LiveStore:
    """The process's store for the database the settings name (made, and its schema created, on first use);
    :class:`StoreUnavailable` when it cannot be reached. A store that went broken (its SQLite file replaced or
    deleted) is dropped, and a fresh one is opened ``RETRY`` seconds later; meanwhile the pages say "not
    available". Each store listens for the other replicas' announcements once, and its expired sessions are
    purged now and then."""
    url = settings_url(settings)
    store = _stores.get(url)
    if store is None or _broken(store):
        with _lock:
            store = _stores.get(url)
            if store is not None and _broken(store):
                del _stores[url]
                _failed[url] = (time.monotonic(), StoreUnavailable("the live sessions' store stopped: reopening it"))
                with contextlib.suppress(Exception):  # already refusing; closing is only tidying up
                    store.close()
                for code in store.notifier.known():  # pages waiting on news look again, and say "not available"
                    store.notifier.publish(code, "state")
                store = None
            failed = _failed.get(url)
            if store is None and failed is not None and time.monotonic() - failed[0] < RETRY:
                raise failed[1]
            if store is None:
                try:
                    store = _open(url, settings)
                except StoreUnavailable as exc:
                    _failed[url] = (time.monotonic(), exc)
                    raise
                _stores[url] = store
                _failed.pop(url, None)
                with contextlib.suppress(StoreUnavailable):
                    store.purge(time.time())
                threading.Thread(target=_purge_now_and_then, args=(url, store), name="live-purge", daemon=True).start()
    return store


def _broken(store: LiveStore) -> bool:
    return getattr(store, "broken", False) is True


def _open(url: str, settings: Settings) -> LiveStore:
    """A new store, with the ``live_secret`` setting when there is one (else the store's own, kept in the
    database), listening for announcements (PostgreSQL: every replica's) from now on. A store opened again after
    one went broken keeps its notifier, so the pages waiting on it hear of the new one: every session it knew gets
    a "state" announcement (news may have been missed)."""
    store = LiveStore(url, secret=settings.live_secret or None)
    notifier = _notifiers.get(url)
    if notifier is not None:
        store.notifier = notifier
    _notifiers[url] = store.notifier
    try:
        store.listen()
    except Exception:
        store.close()
        raise
    if notifier is not None:
        for code in notifier.known():
            notifier.publish(code, "state")
    return store


def _purge_now_and_then(url: str, store: LiveStore) -> None:
    """Delete expired sessions with their answers every ``PURGE_EVERY`` seconds while the store is in use,
    whether or not anyone opens a live page: nothing is kept longer than README says."""
    while not _stop.wait(PURGE_EVERY) and _stores.get(url) is store:
        with contextlib.suppress(StoreUnavailable):  # the next round tries again
            store.purge(time.time())


def questions_now(store: LiveStore, code: str) -> tuple[float, list[LiveQuestion]]:
    """A session's questions for a phone looking for the next one, and when they were read (``time.monotonic``):
    read at most once a ``SHARED_LOOK`` per session and process, however many phones look (300 phones polling
    are otherwise 100 reads a second). A page compares only a look newer than its own reading."""
    now = time.monotonic()
    found = _looks.get(code)
    if found is not None and now - found[0] < SHARED_LOOK:
        return found
    questions = store.questions(code)
    if len(_looks) > 1000:  # sessions long over; the dictionary stays small
        _looks.clear()
    _looks[code] = (now, questions)
    return now, questions


def start_purging() -> None:
    """At the server's start: open the store in the background (when the settings are valid and the database
    can be reached), so expired sessions go on time from then on, whether or not anyone opens a live page."""

    def open_store() -> None:
        settings = CACHE.settings()
        if not isinstance(settings, tuple):
            with contextlib.suppress(StoreUnavailable):
                live_store(settings)

    threading.Thread(target=open_store, name="live-store", daemon=True).start()


def forget_stores() -> None:
    """Close every store (tests use a fresh database each)."""
    with _lock:
        for store in _stores.values():
            store.close()
        _stores.clear()
        _failed.clear()
        _notifiers.clear()
        _looks.clear()
        _stop.set()
        _stop.clear()


class _Headers(Protocol):
    def get(self, key: str, default: str | None = None, /) -> str | None: ...


def forwarded_for(headers: Mapping[str, str] | _Headers) -> str | None:
    """Every ``X-Forwarded-For`` line of a request, joined by commas in their order (None without any): a proxy
    may add its own line instead of appending to the client's."""
    for name in ("getlist", "get_all"):  # Starlette's Headers, Streamlit's st.context.headers
        lines = getattr(headers, name, None)
        if callable(lines):
            found = [str(line) for line in lines("x-forwarded-for")]
            return ",".join(found) if found else None
    value = headers.get("x-forwarded-for") or headers.get("X-Forwarded-For")
    return str(value) if value else None


def request_address(peer: str | None, headers: Mapping[str, str] | _Headers, settings: Settings) -> str:
    """The address a Starlette request counts as for the limiters: its connection's peer (``request.client.host``;
    uvicorn must not rewrite it from headers), or, from a proxy in ``trusted_proxies``, the client its
    ``X-Forwarded-For`` names (``explorer.addresses.client_address``). An IPv6 client counts by its /64."""
    found = addresses.client_address(peer or "", forwarded_for(headers), settings.trusted_proxies)
    return addresses.limit_key(found)


def request_scheme(scheme: str, peer: str | None, headers: Mapping[str, str] | _Headers, settings: Settings) -> str:
    """``https`` or ``http``: the request's own ``scheme`` (``request.url.scheme``), or, from a peer in
    ``trusted_proxies``, the ``X-Forwarded-Proto`` it sets (nginx ending TLS), for a cookie's Secure flag."""
    found = addresses.parse_address(peer or "")
    if found is not None and addresses.is_trusted(found, addresses.networks(settings.trusted_proxies)):
        said = str(headers.get("x-forwarded-proto") or headers.get("X-Forwarded-Proto") or "").strip().lower()
        if said in ("http", "https"):
            return said
    return "https" if scheme in ("https", "wss") else "http"


def client_address(settings: Settings | None = None) -> str:
    """The address this Streamlit visitor counts as for the limiters, by the same rule as :func:`request_address`
    (``settings``: the app's, read from the cache when not given). Streamlit hides a peer on the machine itself
    (127.0.0.1, ::1) as no address: such a peer is taken as loopback, whose header is believed only when
    ``trusted_proxies`` names it; without one, every such visitor counts as ``"unknown"``, one address."""
    if settings is None:
        cached = CACHE.settings()
        settings = cached if isinstance(cached, Settings) else Settings()
    peer = st.context.ip_address
    if isinstance(peer, str) and peer:
        return request_address(peer, st.context.headers, settings)
    nets = addresses.networks(settings.trusted_proxies)
    local = next((p for p in ("127.0.0.1", "::1") if addresses.is_trusted(ipaddress.ip_address(p), nets)), None)
    if local is None:
        return addresses.UNKNOWN
    found = request_address(local, st.context.headers, settings)
    return addresses.UNKNOWN if found == local else found


def page_url() -> str:
    """The address the browser opened this page at ("" when unknown, as in tests)."""
    url = st.context.url
    return url if isinstance(url, str) else ""


def loopback(url: str) -> bool:
    """Whether an address names the machine itself (localhost, 127.x.x.x, ::1): a phone that opens it looks for
    the explorer on the phone, not on the presenter's computer."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def phones_cannot_reach(url: str, public_url: str) -> bool:
    """Whether the join address a session shows would fail on the room's phones: no public address is set and the
    page's own address is the machine's name for itself."""
    return not public_url and bool(url) and loopback(url)


def current_question(questions: list[LiveQuestion]) -> LiveQuestion | None:
    """The question a participant's phone shows: the open one, else the latest one asked (closed, or with its
    answers shown), so a phone never goes back to an older question; None before any is asked."""
    found = [q for q in questions if q.state == "open"] or [q for q in questions if q.state != "draft"]
    return max(found, key=lambda q: q.position) if found else None


def presenter_question(questions: list[LiveQuestion]) -> LiveQuestion | None:
    """The question the presenter's controls show, from the session's stored state alone (so a reload or another
    window shows the same): the phones' question (the open one, else the latest asked), else the first not yet
    asked (a queued plan's first); None in a session without questions."""
    drafts = [q for q in questions if q.state == "draft"]
    return current_question(questions) or (min(drafts, key=lambda q: q.position) if drafts else None)
