"""News of live sessions inside one process: "this session's questions changed", "it has new answers".

The store publishes after each change it commits (on PostgreSQL its listening thread publishes what any replica
announced), and the server's event streams wait here instead of asking the database again and again: an idle
phone costs nothing until its session changes. A session's version is a triple of counters (``KINDS``) drawn
from one rising sequence, so a version once seen never comes back, even for a session forgotten in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import threading
import time
from collections.abc import Callable

# state: questions added, moved, cleared or the cap changed; answers: answers or approvals; guest: the questions
# for the guest (asked, moderated, voted on, highlighted: explorer.gueststore)
KINDS = ("state", "answers", "guest")
IDLE = 3600.0  # seconds after its last news a session nobody waits on is forgotten
PRUNE_EVERY = 60.0  # seconds between two looks for forgotten sessions

Version = tuple[int, int, int]
ZERO: Version = (0, 0, 0)


class Notifier:
    """Counters per session and the waiters on them; thread-safe. ``publish`` may come from any thread (the
    store's, a listening thread); ``wait`` runs in an asyncio loop and ``wait_blocking`` in a thread."""

    def __init__(self, idle: float = IDLE, clock: Callable[[], float] = time.monotonic):
        self.idle, self._clock = idle, clock
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._sequence = itertools.count(1)
        self._versions: dict[str, Version] = {}
        self._last: dict[str, float] = {}  # when each session last had news
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event, str | None]]] = {}
        self._blocked: dict[str, int] = {}  # threads waiting per session (they keep it from being forgotten)
        self._pruned = clock()

    def publish(self, code: str, kind: str) -> Version:
        """Announce news of ``kind`` for session ``code``; wakes everyone waiting on it. The new version."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind of news {kind!r}")
        with self._lock:
            counters = list(self._versions.get(code, ZERO))
            counters[KINDS.index(kind)] = next(self._sequence)
            version = (counters[0], counters[1], counters[2])
            self._versions[code] = version
            now = self._clock()
            self._last[code] = now
            waiting = [(loop, event) for loop, event, only in self._waiters.get(code, ()) if only in (None, kind)]
            self._changed.notify_all()
            if now - self._pruned >= PRUNE_EVERY:
                self._prune(now)
        for loop, event in waiting:
            with contextlib.suppress(RuntimeError):  # its loop has closed: nobody is waiting there any more
                loop.call_soon_threadsafe(event.set)
        return version

    def version(self, code: str) -> Version:
        """Session ``code``'s present version (``ZERO`` before any news)."""
        with self._lock:
            return self._versions.get(code, ZERO)

    def known(self) -> list[str]:
        """The sessions this notifier has news of or waiters on (to wake them all after news may have been missed)."""
        with self._lock:
            return sorted(set(self._versions) | set(self._waiters) | set(self._blocked))

    async def wait(self, code: str, since: Version, timeout: float, only: str | None = None) -> Version:
        """The version of session ``code`` as soon as it differs from ``since``, or after ``timeout`` seconds.
        With ``only`` (one of ``KINDS``), only that counter counts: a phone waiting for the next question
        (``only="state"``) is not woken by each of the room's answers."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        waiter = (loop, event, only)
        with self._lock:
            found = self._versions.get(code, ZERO)
            if _differs(found, since, only) or timeout <= 0:
                return found
            self._waiters.setdefault(code, set()).add(waiter)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        finally:
            with self._lock:
                waiting = self._waiters.get(code)
                if waiting is not None:
                    waiting.discard(waiter)
                    if not waiting:
                        del self._waiters[code]
        return self.version(code)

    def wait_blocking(self, code: str, since: Version, timeout: float, only: str | None = None) -> Version:
        """As :meth:`wait`, for a thread (a Streamlit script): blocks until the version differs or the timeout."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._blocked[code] = self._blocked.get(code, 0) + 1
            try:
                while not _differs(found := self._versions.get(code, ZERO), since, only):
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._changed.wait(left)
            finally:
                self._blocked[code] -= 1
                if not self._blocked[code]:
                    del self._blocked[code]
            return found

    def sessions(self) -> int:
        """How many sessions are remembered (memory stays bounded: idle ones are forgotten)."""
        with self._lock:
            return len(self._versions)

    def _prune(self, now: float) -> None:
        """Forget sessions without news for ``idle`` seconds that nobody waits on (the lock is held)."""
        self._pruned = now
        for code in [c for c, last in self._last.items() if now - last >= self.idle]:
            if code not in self._waiters and code not in self._blocked:
                del self._versions[code], self._last[code]


def _differs(found: Version, since: Version, only: str | None) -> bool:
    """Whether ``found`` is news after ``since``: either counter, or only the one named."""
    if only is None:
        return tuple(found) != tuple(since)
    if only not in KINDS:
        raise ValueError(f"unknown kind of news {only!r}")
    index = KINDS.index(only)
    return found[index] != since[index]
