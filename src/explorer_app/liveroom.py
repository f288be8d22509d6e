"""Live sessions in the app: the store each process shares, who may steer a session, and where a request came from.

How a live session runs through the pages:

1. The presenter (``pages/live.py``) presses "Start": ``LiveStore.start_session`` keeps a new session, and the
   address becomes the presenter's secret link, ``live?code=ABC234&key=SECRET``. Every run checks ``key``
   against the hash the store keeps; without it the page shows no control. A kiosk never shows the page.
2. A participant scans the QR code, ``join?code=ABC234``. Joining gives the phone a random token, kept in the
   address (``&me=TOKEN``), so a reload stays the same participant; no name, no account, nothing else.
3. The presenter adds a question and opens it. Each phone's page has a fragment that reruns every
   ``PARTICIPANT_POLL`` seconds and looks at the session's questions (one read per ``SHARED_LOOK`` for all the
   phones a replica serves); when the open question changes, the page runs again and shows it. An answer is
   written by ``LiveStore.answer`` (one per participant, by the database's unique constraint), so it makes no
   difference which replica a phone talks to.
4. The projector's results are a fragment rerunning every ``PROJECTOR_POLL`` seconds: it reads the tallies from
   the database, so the room's answers show within about that long, whichever replica took them.

When the database cannot be reached the session pages say so (``StoreUnavailable``) and the rest of the explorer
is untouched; the store is tried again after ``RETRY`` seconds.
"""

from __future__ import annotations

import contextlib
import ipaddress
import threading
import time
from urllib.parse import urlsplit

import streamlit as st

from explorer.live import AttemptLimiter, LiveQuestion
from explorer.livestore import LiveStore, StoreUnavailable, settings_url
from explorer.settings import Settings
from explorer_app.cache import CACHE

PROJECTOR_POLL = 0.5  # seconds between two reads of the room's answers on the projector (one page per session)
PARTICIPANT_POLL = 3.0  # seconds between two looks for the next question on a phone (most of the load: bench)
PURGE_EVERY = 300.0  # seconds between two purges of expired sessions, per process (a thread)
SHARED_LOOK = 1.0  # seconds the phones of one replica share one read of a session's questions
RETRY = 30.0  # seconds before a database that could not be reached is tried again (pages do not wait on it)

# Wrong codes: a tab may get 10 wrong in 10 minutes, an address 60 (a school or a cinema is one address behind
# its router: one pupil's typos must not shut the class out). 60 in 10 minutes is 8,640 guesses a day among
# about a thousand million codes.
TAB_LIMIT = 10
LIMITER = AttemptLimiter(limit=60)
_stores: dict[str, LiveStore] = {}
_failed: dict[str, tuple[float, StoreUnavailable]] = {}
_stop = threading.Event()  # set when the stores are forgotten (tests), to end the purging threads
_looks: dict[str, tuple[float, list[LiveQuestion]]] = {}
_lock = threading.Lock()


def live_store(settings: Settings) -> LiveStore:
    """The process's store for the database the settings name (made, and its schema created, on first use);
    :class:`StoreUnavailable` when it cannot be reached. Expired sessions are purged now and then."""
    url = settings_url(settings)
    store = _stores.get(url)
    if store is None:
        with _lock:
            store = _stores.get(url)
            failed = _failed.get(url)
            if store is None and failed is not None and time.monotonic() - failed[0] < RETRY:
                raise failed[1]
            if store is None:
                try:
                    store = _stores[url] = LiveStore(url)
                except StoreUnavailable as exc:
                    _failed[url] = (time.monotonic(), exc)
                    raise
                _failed.pop(url, None)
                with contextlib.suppress(StoreUnavailable):
                    store.purge(time.time())
                threading.Thread(target=_purge_now_and_then, args=(url, store), name="live-purge", daemon=True).start()
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
        _looks.clear()
        _stop.set()
        _stop.clear()


def client_address() -> str:
    """The address a visitor's requests come from, for the code-guessing limiter. Behind a proxy on the same
    machine (nginx), the proxy's own ``X-Forwarded-For`` entry, the last one, names the visitor; a header is
    trusted only from such a proxy, since anyone can send one."""
    peer = st.context.ip_address
    peer = peer if isinstance(peer, str) else ""  # no address (a test, a bare run): every request counts as one
    try:
        local = ipaddress.ip_address(peer).is_loopback
    except ValueError:
        local = False
    if local:
        forwarded = str(st.context.headers.get("X-Forwarded-For") or "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return peer or "unknown"


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
