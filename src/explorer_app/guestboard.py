"""The questions for the guest on the projector (``live?code=…&screen=…``), drawn inside the board's fragment
(``liveprojector.board``), so the guest news the session's stream carries (``event: guest``) reruns it as it reruns
for answers: a vote reaches the screen's counts within a second.

When the screen shows them: while the moderator highlights a question (``GuestRoom.highlighted``), or while asking
is open and no question for the room is taking answers; otherwise the room's question and its answers as before.
The projector draws only published and answered questions (``explorer.livefragments.guest_screen_html``): never
one waiting in the moderator's inbox, nor a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.guest import GuestQuestion, GuestRoom
from explorer.gueststore import GuestBook
from explorer.live import LiveQuestion
from explorer.livefragments import guest_screen_html
from explorer.livestore import LiveStore


@dataclass(frozen=True)
class GuestRead:
    """A session's questions for the guest as read for one run of a fragment."""

    room: GuestRoom
    questions: list[GuestQuestion]


def read(store: LiveStore, code: str) -> GuestRead:
    """The room and its questions (``StoreUnavailable`` when the database cannot be reached)."""
    book = GuestBook(store)
    return GuestRead(book.room(code), book.questions(code))


def highlighted(guest: GuestRead) -> GuestQuestion | None:
    """The question being answered, when it can be shown (published)."""
    return next((q for q in guest.questions if q.id == guest.room.highlighted and q.state == "published"), None)


def takes_screen(guest: GuestRead, current: LiveQuestion | None) -> bool:
    """Whether the projector shows the questions for the guest rather than the room's question: a question is
    highlighted, or asking is open and no question for the room takes answers."""
    return highlighted(guest) is not None or (guest.room.open and (current is None or current.state != "open"))


def screen_html(guest: GuestRead, content, joined: int, language: str, scan: bool) -> str:
    """The guest part of the projector (its style, ``css/guest.css``, is in the explorer's stylesheet)."""
    return guest_screen_html(content, guest.room, guest.questions, joined, language, scan=scan)
