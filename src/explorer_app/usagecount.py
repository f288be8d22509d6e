"""Counting in the app: the process's tally (``explorer.usage.Tally``), what pages count, the kiosk's heartbeat,
and the thread that writes it all to the live sessions' store every ``FLUSH_EVERY`` seconds (and at exit).

A page never waits on the database for a count: counting is a dictionary update; the writing thread starts with
the first count. A write that fails (the database cannot be reached) drops those counts and logs one line; the
pages never hear of it. Old counts go at each write, after the ``usage_days`` setting.

What a page counts (``setup_page`` calls ``page_shown``): a visit and its language once per browser session, the
page once each time the visitor comes to it (not at each rerun of it), neither on the staff page nor on a kiosk's
attract screen; the map counts a place opened
(``place_opened``), the make page a postcard and the classroom page a handout downloaded (``made``), and a
kiosk's attract screen a reset (``kiosk_reset``). On a kiosk (``kiosk`` setting) every page run and the attract
screen's fragment beat under ``kiosk_name`` (default: the machine's name) at most once a ``BEAT_EVERY``, and each
write beats for the server too.
"""

from __future__ import annotations

import atexit
import logging
import re
import socket
import threading
import time

import streamlit as st

from explorer.model import Content
from explorer.settings import KIOSK_NAME, Settings
from explorer.usage import BEAT_EVERY, FLUSH_EVERY, Tally
from explorer_app.cache import CACHE

log = logging.getLogger(__name__)
TALLY = Tally()
UNCOUNTED = ("staff", "attract")  # no visit: the staff's own, and a kiosk's attract screen (counted as a reset)
_VISIT = "hx-usage-visit"  # session state: this browser session's visit is counted
_PAGE = "hx-usage-page"  # session state: the page last counted
_PLACE = "hx-usage-place"  # session state: the place last counted
_started = threading.Event()
_start_lock = threading.Lock()
_stop = threading.Event()
_last_screen_beat = 0.0
_written_with: list[Settings] = []  # the settings of the last write that worked: the one at exit uses them


def kiosk_name(settings: Settings) -> str:
    """The name a kiosk beats under: the ``kiosk_name`` setting, else the machine's name (made to fit the
    setting's rule)."""
    if settings.kiosk_name:
        return settings.kiosk_name
    host = re.sub(r"[^A-Za-z0-9 ._-]", "-", socket.gethostname()).strip(" .-_")[:40] or "kiosk"
    return host if KIOSK_NAME.fullmatch(host) else "kiosk"


def count(kind: str, item: str = "", content: Content | None = None) -> None:
    """Count one ``kind``/``item`` now (dropped when the item is not in its vocabulary)."""
    if TALLY.add(kind, item, time.time(), content):
        _start()


def page_shown(name: str, settings: Settings, language: str) -> None:
    """Called by ``setup_page`` at every run: a visit once per browser session, the page when the visitor comes
    to it, and a kiosk's screen beat."""
    if settings.kiosk:
        screen_beat(settings)
    if name in UNCOUNTED:
        return
    state = st.session_state
    if not state.get(_VISIT):
        state[_VISIT] = True
        count("visit")
        count("language", language)
    if state.get(_PAGE) != name:
        state[_PAGE] = name
        count("page", name)


def place_opened(place_id: str, content: Content) -> None:
    """A place shown on the map (once while it stays chosen)."""
    if st.session_state.get(_PLACE) != place_id:
        st.session_state[_PLACE] = place_id
        count("place", place_id, content)


def made(kind: str, item: str = "", content: Content | None = None) -> None:
    """A download button's callback: a postcard (``item``: its place) or a handout (``item``: which PDF)."""
    count(kind, item, content)


def kiosk_reset(settings: Settings) -> None:
    """The attract screen shown on a kiosk: at its start, then after each visitor's idle time."""
    if settings.kiosk:
        count("kiosk_reset", kiosk_name(settings))
        screen_beat(settings, force=True)


def screen_beat(settings: Settings, force: bool = False) -> None:
    """The kiosk's screen is running: noted at most once a ``BEAT_EVERY`` (written at the next flush)."""
    global _last_screen_beat
    now = time.time()
    if force or now - _last_screen_beat >= BEAT_EVERY:
        _last_screen_beat = now
        TALLY.beat(kiosk_name(settings), screen=now, idle_timeout=settings.idle_timeout)
        _start()


def flush(settings: Settings | None = None) -> bool:
    """Write the tally to the store now, with the server's beat on a kiosk; whether it was written. A failure
    loses these counts and logs one line."""
    from explorer.livestore import StoreUnavailable
    from explorer_app.liveroom import live_store

    if settings is None:
        found = CACHE.settings()
        if isinstance(found, tuple):  # settings to fix: the pages say so; nothing is written
            TALLY.take()
            return False
        settings = found
    if settings.kiosk:
        TALLY.beat(kiosk_name(settings), idle_timeout=settings.idle_timeout)
    counts, beats = TALLY.take()
    if not counts and not beats:
        return True
    try:
        live_store(settings).add_usage(counts, beats, time.time(), keep_days=settings.usage_days)
    except StoreUnavailable as exc:
        log.warning("usage counts: %d not kept (%s)", sum(counts.values()), exc)
        return False
    except Exception as exc:  # noqa: BLE001 - counting must never reach a page or stop the thread
        log.warning("usage counts: %d not kept (%s: %s)", sum(counts.values()), type(exc).__name__, exc)
        return False
    _written_with[:] = [settings]
    return True


def _at_exit() -> None:
    """The last counts, where the writes went (none when the process never wrote: a short test run)."""
    if _written_with:
        flush(_written_with[0])


def _flush_now_and_then() -> None:
    while not _stop.wait(FLUSH_EVERY):
        flush()


def _start() -> None:
    """Start the writing thread once per process, with a last write at exit."""
    if _started.is_set():
        return
    with _start_lock:
        if not _started.is_set():
            _started.set()
            threading.Thread(target=_flush_now_and_then, name="usage-flush", daemon=True).start()
            atexit.register(_at_exit)
