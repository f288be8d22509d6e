"""The moderator's presses on the questions for the guest (``livemoderation``'s callbacks): each changes the
store (``explorer.gueststore.GuestBook``) once, before the run it triggers; what a press could not do (a database
that cannot be reached, a question that cannot go on the screen) is said on that run (``PROBLEM``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import streamlit as st

from explorer.gueststore import GuestBook
from explorer.i18n import t
from explorer.livestore import StoreUnavailable
from explorer_app.liveview import LiveView

PROBLEM = "hx-guest-problem"  # what the last press could not do, said on the next run


def pick_key(question_id: str) -> str:
    return f"guest-pick-{question_id}"


def _book(view: LiveView) -> GuestBook:
    return GuestBook(view.store)


def _try(view: LiveView, work: Callable[[], object]) -> None:
    """Run a moderator's change; a database that cannot be reached is said on the next run."""
    try:
        work()
    except StoreUnavailable as exc:
        st.session_state[PROBLEM] = exc.text(view.lang)


def set_room(view: LiveView, *, open: bool | None = None, auto_publish: bool | None = None) -> None:
    """Open or close asking, or turn auto-publish on or off (buttons: a press is reported once)."""
    _try(view, lambda: _book(view).set_room(view.code, open=open, auto_publish=auto_publish, now=time.time()))


def act(view: LiveView, ids: Iterable[str], action: str) -> None:
    """Publish, hide, mark answered, archive or restore the questions ``ids`` (where the action applies)."""
    _try(view, lambda: _book(view).moderate(view.code, list(ids), action, time.time()))


def act_picked(view: LiveView, listed: list[str], action: str) -> None:
    """Apply ``action`` to the questions ticked in the inbox, then untick them."""
    picked = [q for q in listed if st.session_state.get(pick_key(q))]
    if picked:
        act(view, picked, action)
    for question_id in listed:
        st.session_state.pop(pick_key(question_id), None)


def star(view: LiveView, question_id: str, starred: bool) -> None:
    _try(view, lambda: _book(view).star(view.code, [question_id], starred))


def highlight(view: LiveView, question_id: str) -> None:
    """Put a question on the projector ("" takes it off)."""

    def work() -> None:
        if not _book(view).highlight(view.code, question_id, time.time()):
            st.session_state[PROBLEM] = t("This question cannot go on the screen: restore it first.", view.lang)

    _try(view, work)


def merge(view: LiveView, duplicate: str, into: str) -> None:
    """Merge a likely duplicate into the earlier question: its votes move there, it is archived as merged."""
    _try(view, lambda: _book(view).merge(view.code, duplicate, into, time.time()))


def answered_then(view: LiveView, question_id: str, next_id: str) -> None:
    """Mark the question on the projector answered and put the next one of the queue there ("" none), in one press."""

    def work() -> None:
        book, now = _book(view), time.time()
        book.moderate(view.code, [question_id], "answer", now)
        if next_id:
            book.highlight(view.code, next_id, now)

    _try(view, work)
