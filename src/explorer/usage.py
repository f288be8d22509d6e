"""Anonymous usage counts for the staff page: what is counted, the closed vocabularies a counted item must come
from, the process's tally between two writes, and the counts as pandas tables for the page's charts and export.

A count is (hour, kind, item) -> how many: ``hour`` is the epoch hour (``int(time // 3600)``), ``kind`` one of
``KINDS``, ``item`` a word from that kind's vocabulary (a page's name, a place's id from the content, a language
code, a kind of PDF, a kiosk's name from the settings) or "" when the kind has none. Nothing a visitor typed or
sent is ever an item: an item outside its vocabulary is dropped before it is counted (``checked_item``), so a
forged query value or report cannot be stored. No address, user agent, cookie, session id or time finer than
the hour is kept.

The tally counts in memory (one lock, no database) and the app writes it every ``FLUSH_EVERY`` seconds in one
transaction (``explorer_app/usagecount.py``); the store keeps it in ``usage_counts`` (``explorer.livestore``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from explorer.i18n import LANGUAGES, N_
from explorer.live import KINDS as QUESTION_KINDS
from explorer.settings import KIOSK_NAME

if TYPE_CHECKING:
    import pandas as pd

    from explorer.model import Content

HOUR = 3600
FLUSH_EVERY = 30.0  # seconds between two writes of a process's tally
BEAT_EVERY = 60.0  # seconds between two heartbeats of a kiosk's screen
SILENT_AFTER = 5 * 60.0  # seconds without a beat before the staff page calls a kiosk silent (at least)

PAGES = ("map", "scenes", "moss", "walk", "classroom", "make", "about", "live")  # not the staff's, nor the attract screen
HANDOUTS = ("handout", "viewing_sheet", "teacher_pack")
# kind: what it counts (the staff page's label)
KINDS = {
    "visit": N_("Visits"),  # one per browser session
    "page": N_("Pages shown"),  # item: the page
    "place": N_("Places opened"),  # item: the place's id
    "language": N_("Languages"),  # item: the visit's language
    "postcard": N_("Postcards made"),  # item: the postcard's place
    "handout": N_("Handouts made"),  # item: which PDF
    "kiosk_reset": N_("Kiosk resets"),  # item: the kiosk's name (its attract screen shown again)
    "live_session": N_("Live sessions started"),  # item: the session's language
    "live_answer": N_("Live answers"),  # item: the question's kind
}
_FIXED = {
    "visit": ("",),
    "page": PAGES,
    "language": LANGUAGES,
    "handout": HANDOUTS,
    "live_session": LANGUAGES,
    "live_answer": QUESTION_KINDS,
}
COLUMNS = ("hour", "kind", "item", "count")  # usage_counts' columns, and nothing else


def epoch_hour(now: float) -> int:
    return int(now // HOUR)


def checked_item(kind: str, item: object, content: Content | None = None) -> str | None:
    """``item`` when it belongs to ``kind``'s vocabulary, else None (not counted). Places need the content (the
    ids it holds); a kiosk's name is the settings' rule."""
    if kind not in KINDS or not isinstance(item, str):
        return None
    if kind in _FIXED:
        return item if item in _FIXED[kind] else None
    if kind in ("place", "postcard"):
        return item if content is not None and content.place(item) is not None else None
    if kind == "kiosk_reset":
        return item if KIOSK_NAME.fullmatch(item) else None
    return None


@dataclass
class Beat:
    """A kiosk's heartbeat waiting to be written: when its screen was last seen running, if it was, and after how
    long without a beat it is silent (``silent_after``: a visitor's page may sit untouched for the kiosk's
    ``idle_timeout`` before the attract screen, which beats, comes back)."""

    name: str
    screen: float | None = None
    silent_after: float = SILENT_AFTER


class Tally:
    """A process's counts between two writes: ``add`` is a dictionary update under a lock (pages never wait on
    the database); ``take`` hands over everything counted so far and starts again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[int, str, str], int] = {}
        self._beats: dict[str, Beat] = {}

    def add(self, kind: str, item: object, now: float, content: Content | None = None, by: int = 1) -> bool:
        """Count ``by`` of ``kind``/``item`` in ``now``'s hour; False (nothing counted) for an item outside the
        vocabulary."""
        checked = checked_item(kind, item, content)
        if checked is None or by <= 0:
            return False
        key = (epoch_hour(now), kind, checked)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + by
        return True

    def beat(self, name: str, screen: float | None = None, idle_timeout: float = 0.0) -> None:
        """Note that the kiosk ``name`` is up (its server), and with ``screen`` that its screen ran then."""
        if not KIOSK_NAME.fullmatch(name):
            return
        silent_after = max(SILENT_AFTER, idle_timeout + 2 * BEAT_EVERY + FLUSH_EVERY)
        with self._lock:
            found = self._beats.setdefault(name, Beat(name, silent_after=silent_after))
            if screen is not None:
                found.screen = max(found.screen or 0.0, screen)

    def take(self) -> tuple[dict[tuple[int, str, str], int], list[Beat]]:
        with self._lock:
            counts, beats = self._counts, list(self._beats.values())
            self._counts, self._beats = {}, {}
        return counts, beats

    def put_back(self, counts: Mapping[tuple[int, str, str], int]) -> None:
        """Counts a write could not keep, for the next one (used at most once: then they are dropped)."""
        with self._lock:
            for key, count in counts.items():
                self._counts[key] = self._counts.get(key, 0) + count

    def pending(self) -> int:
        with self._lock:
            return sum(self._counts.values())


# --- tables for the staff page ---------------------------------------------------------------------------------


def counts_frame(rows: Iterable[tuple[int, str, str, int]], time_zone: str = "UTC") -> pd.DataFrame:
    """The kept counts as a table: ``time`` (the hour's start, in ``time_zone``), ``kind``, ``item``, ``count``,
    oldest first."""
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["count"] = frame["count"].astype("int64")
    frame.insert(0, "time", pd.to_datetime(frame["hour"].astype("int64") * HOUR, unit="s", utc=True).dt.tz_convert(time_zone))
    return frame.drop(columns="hour").sort_values(["time", "kind", "item"], kind="stable").reset_index(drop=True)


def totals(frame: pd.DataFrame) -> dict[str, int]:
    """Each kind's total over the table (0 for a kind not counted)."""
    found = frame.groupby("kind")["count"].sum() if len(frame) else {}
    return {kind: int(found.get(kind, 0)) if len(frame) else 0 for kind in KINDS}


def per_hour(frame: pd.DataFrame, kinds: Iterable[str], start: float, end: float, time_zone: str = "UTC") -> pd.DataFrame:
    """One row per hour from ``start`` to ``end`` (epoch seconds; hours without a count are 0), one column per
    kind: the charts' table."""
    import pandas as pd

    kinds = list(kinds)
    hours = pd.date_range(
        pd.Timestamp(epoch_hour(start) * HOUR, unit="s", tz="UTC"), pd.Timestamp(epoch_hour(end) * HOUR, unit="s", tz="UTC"), freq="h"
    ).tz_convert(time_zone)
    chosen = frame[frame["kind"].isin(kinds)]
    table = chosen.pivot_table(index="time", columns="kind", values="count", aggfunc="sum", fill_value=0)
    table = table.reindex(index=hours, columns=kinds, fill_value=0).fillna(0).astype("int64")
    table.index.name = "time"
    table.columns.name = None
    return table


def per_item(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One kind's counts per item, the most first: ``item``, ``count``."""
    chosen = frame[frame["kind"] == kind]
    table = chosen.groupby("item", as_index=False)["count"].sum().sort_values(["count", "item"], ascending=[False, True])
    return table.reset_index(drop=True)


def export_csv(frame: pd.DataFrame) -> bytes:
    """The hourly counts as CSV (UTF-8 with a BOM, so a spreadsheet opens it right): time (ISO 8601 with its
    offset), kind, item, count."""
    shown = frame.assign(time=frame["time"].map(lambda stamp: stamp.isoformat()))
    return shown.to_csv(index=False, columns=["time", "kind", "item", "count"]).encode("utf-8-sig")


def beats_frame(rows: Iterable[Mapping[str, Any]], now: float, time_zone: str = "UTC") -> pd.DataFrame:
    """The kiosks' heartbeats, one row each: ``kiosk``, ``screen_seen`` (its screen last seen running),
    ``server_seen`` (its server last up), ``first_seen``, ``minutes`` since its screen's last beat (its server's
    when the screen never beat) and ``silent`` (no beat for its ``silent_after``, at least ``SILENT_AFTER``):
    the staff page's problem."""
    import pandas as pd

    rows = list(rows)

    def stamp(value: Any):
        return pd.Timestamp(float(value), unit="s", tz="UTC").tz_convert(time_zone) if value else pd.NaT

    last = [float(r["screen_seen"] or r["last_seen"]) for r in rows]
    return pd.DataFrame(
        {
            "kiosk": [str(r["name"]) for r in rows],
            "screen_seen": [stamp(r["screen_seen"]) for r in rows],
            "server_seen": [stamp(r["last_seen"]) for r in rows],
            "first_seen": [stamp(r["first_seen"]) for r in rows],
            "minutes": [int(max(0.0, now - seen) // 60) for seen in last],
            "silent": [
                now - seen > max(SILENT_AFTER, float(r.get("silent_after") or 0.0)) for r, seen in zip(rows, last, strict=True)
            ],
        }
    )


HANDOUT_LABELS = {
    "handout": N_("Pupils' handout"),
    "viewing_sheet": N_("Viewing sheet"),
    "teacher_pack": N_("Teacher's pack"),
}
PAGE_LABELS = {
    "map": N_("Map"),
    "scenes": N_("Scenes"),
    "moss": N_("Moss"),
    "walk": N_("Walk"),
    "classroom": N_("Classroom"),
    "make": N_("Make"),
    "about": N_("About"),
    "live": N_("Live session"),
}


def item_label(kind: str, item: str, content: Content | None, language: str) -> str:
    """An item as the staff page names it: a page's or a place's name, a language's, a PDF's; else the item."""
    from explorer.i18n import LANGUAGE_NAMES, t

    if kind == "page" and item in PAGE_LABELS:
        return t(PAGE_LABELS[item], language)
    if kind in ("language", "live_session") and item in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[item]
    if kind == "handout" and item in HANDOUT_LABELS:
        return t(HANDOUT_LABELS[item], language)
    place = content.place(item) if kind in ("place", "postcard") and content is not None else None
    if place is not None:
        return place.name.get(language)
    return item
