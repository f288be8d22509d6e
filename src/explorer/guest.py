"""Questions for the guest: the audience's questions for a post-screening talk, in the same live session as the
presenter's questions (same code, same QR code, same phones).

A phone writes a question, in any language, optionally tied to a place or a scene of the explorer; it waits in the
moderator's inbox (``pending``) unless the room publishes automatically. The moderator, on the presenter's link,
publishes or hides it, stars it to queue it, highlights it (the projector then shows it large, with its place or
scene), marks it answered, archives it, restores it, and merges duplicates. Phones see the published questions,
upvote them (one vote per participant, which they can take back) and see which one is being answered; their own
pending questions show to them alone.

This module is the model, pure and without a database or Streamlit: the states and what may follow each, the
checked text (cleaned and cut as a live answer is), duplicate keys, orderings, the host's prompts drawn from the
content, and the export. :mod:`explorer.gueststore` keeps it, under the same limits of identity and cap as answers.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from explorer.i18n import N_, t
from explorer.live import (
    DEFAULT_TIME_ZONE,
    MAX_TEXT,
    NO,
    YES,
    AnswerRefused,
    Checked,
    LiveSession,
    check_text,
    spreadsheet_csv,
    spreadsheet_xlsx,
)
from explorer.model import Content

# pending: in the moderator's inbox; published: everyone sees it and may vote; answered: the guest took it (still
# shown, apart); hidden: the moderator refused it (never shown, but restorable); archived: put away (or merged)
STATES = ("pending", "published", "answered", "hidden", "archived")
SHOWN = ("published", "answered")  # the states a phone and the projector see (besides a phone's own pending)
ACTIONS = {
    # action: (the states it applies to, the state it leads to)
    "publish": (("pending", "hidden"), "published"),
    "hide": (("pending", "published"), "hidden"),
    "answer": (("published",), "answered"),
    "archive": (("pending", "published", "answered", "hidden"), "archived"),
    "restore": (("answered", "hidden", "archived"), "published"),
}
ORDERS = ("votes", "newest")

# limits (README, "Live sessions"): what one participant, and one session, can make the store keep
MAX_ASK = MAX_TEXT  # characters of a question kept (longer is cut, and the participant told)
ASKS_PER_WINDOW = 5  # questions one participant may send ...
ASK_WINDOW = 600.0  # ... in this many seconds
MAX_ASKS_EACH = 20  # questions one participant may send in a session
MAX_GUEST_QUESTIONS = 1000  # questions for the guest in one session

# what a phone may be told (no address: neither tu nor vous in French)
ASKING_CLOSED = N_("Questions for the guest are not open just now.")
TOO_MANY_ASKS = N_("That is a lot of questions in a short time. Wait a few minutes before sending another.")
ASKS_EACH_REACHED = N_("Each participant can send at most {limit} questions in this session.")
GUEST_FULL = N_("This session cannot take more questions for the guest.")
NOT_VOTABLE = N_("This question cannot take votes just now.")
UNKNOWN_PLACE = N_("That place is not one of the explorer's places.")
UNKNOWN_SCENE = N_("That scene is not one of the explorer's scenes.")


@dataclass(frozen=True)
class GuestRoom:
    """A session's questions for the guest: whether phones may ask, whether questions are published as they come,
    and which question is being answered ("" none)."""

    open: bool = False
    auto_publish: bool = False
    highlighted: str = ""


@dataclass(frozen=True)
class GuestQuestion:
    """One question for the guest. ``participant`` is the asker's token (never shown: the export numbers askers)."""

    id: str
    session: str
    participant: str
    text: str
    asked_at: float
    language: str = "en"  # the asking phone's language (the question may be written in any)
    place: str = ""  # place id, or ""
    scene: str = ""  # scene id, or ""
    state: str = "pending"
    starred: bool = False
    cut: bool = False
    votes: int = 0
    published_at: float | None = None
    answered_at: float | None = None
    duplicate_of: str = ""  # the question it was merged into

    @property
    def shown(self) -> bool:
        return self.state in SHOWN


def check_ask(typed: str) -> Checked:
    """A question's text as it will be kept (cleaned, cut to ``MAX_ASK``), or :class:`AnswerRefused` when empty."""
    return check_text(typed, MAX_ASK)


def check_ref(content: Content, place: str = "", scene: str = "") -> tuple[str, str]:
    """A question's place and scene as kept: each an id of the content, or "" for none; :class:`AnswerRefused`
    for an id the content does not have (a forged form)."""
    place, scene = (place or "").strip(), (scene or "").strip()
    if place and content.place(place) is None:
        raise AnswerRefused(UNKNOWN_PLACE)
    if scene and content.scene(scene) is None:
        raise AnswerRefused(UNKNOWN_SCENE)
    return place, scene


def next_state(state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``state``, or None when it does not apply there."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    applies, leads = ACTIONS[action]
    return leads if state in applies else None


def duplicate_key(text: str) -> str:
    """What two questions asked alike share: letters and digits only, accents off, case folded, in order."""
    plain = unicodedata.normalize("NFKD", text or "")
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain.casefold()))


def _words(text: str) -> set[str]:
    return {w for w in duplicate_key(text).split() if len(w) > 2}


def likely_duplicates(questions: Sequence[GuestQuestion], threshold: float = 0.7) -> dict[str, str]:
    """For each question that looks like an earlier one, that earlier question's id: the same words in the same
    order, or most of the same words (Jaccard ``threshold``) tied to the same place and scene. Hidden, archived
    and merged questions are not compared."""
    found: dict[str, str] = {}
    kept: list[tuple[GuestQuestion, str, set[str]]] = []
    for q in sorted(questions, key=lambda q: (q.asked_at, q.id)):
        if q.state in ("hidden", "archived"):
            continue
        key, words = duplicate_key(q.text), _words(q.text)
        for earlier, earlier_key, earlier_words in kept:
            same_ref = (earlier.place, earlier.scene) == (q.place, q.scene)
            overlap = len(words & earlier_words) / len(words | earlier_words) if words and earlier_words else 0.0
            if key == earlier_key or (same_ref and overlap >= threshold):
                found[q.id] = earlier.id
                break
        else:
            kept.append((q, key, words))
    return found


def ordered(questions: Iterable[GuestQuestion], order: str = "votes") -> list[GuestQuestion]:
    """Questions by votes (most first, then starred, then the earliest asked) or by newest first."""
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}")
    if order == "newest":
        return sorted(questions, key=lambda q: (-q.asked_at, q.id))
    return sorted(questions, key=lambda q: (-q.votes, not q.starred, q.asked_at, q.id))


def queue(questions: Iterable[GuestQuestion], highlighted: str = "", size: int = 5) -> list[GuestQuestion]:
    """The projector's queue under the highlighted question: published questions, starred first, then by votes."""
    waiting = [q for q in questions if q.state == "published" and q.id != highlighted]
    return sorted(waiting, key=lambda q: (not q.starred, -q.votes, q.asked_at, q.id))[:size]


def ref_label(content: Content, question: GuestQuestion, language: str = "en") -> str:
    """The place's name or the scene's title the question is tied to ("" none), in ``language``."""
    if question.place and (place := content.place(question.place)) is not None:
        return place.name.get(language)
    if question.scene and (scene := content.scene(question.scene)) is not None:
        return scene.title.get(language)
    return ""


# --- the host's help: questions drawn from the content, for a shy room ---------------------------------------

PLACE_PROMPT = N_("{place}: why there? How did you find the place, and what did it give the film?")
SCENE_PROMPT = N_("How was the scene “{scene}” shot, and what did you want the audience to notice?")
FACT_PROMPT = N_("On moss (“{fact}”): how did looking at moss change the way the film looks at the city?")
BOTH = N_("{first} and {second}")
CAST_PROMPT = N_("How did you find the people who play {characters}?")
GENERAL_PROMPTS = (
    N_("How did the languages spoken in the film shape the way you worked?"),
    N_("How much of the film was written beforehand, and how much was found while shooting?"),
)


def host_prompts(content: Content, language: str = "en", size: int = 6) -> list[str]:
    """Questions a host can ask when the room is shy, in ``language``: one about the place with the most scenes,
    one about the first scene with a mapped place, one about the first moss fact, one about the main characters'
    actors, then general ones."""
    prompts: list[str] = []
    scene_counts: dict[str, int] = {}
    for scene in content.scenes:
        if scene.place:
            scene_counts[scene.place] = scene_counts.get(scene.place, 0) + 1
    if scene_counts:
        busiest = max(sorted(scene_counts), key=lambda p: scene_counts[p])
        if (place := content.place(busiest)) is not None:
            prompts.append(t(PLACE_PROMPT, language, place=place.name.get(language)))
    mapped = [s for s in sorted(content.scenes, key=lambda s: s.order) if s.place]
    if mapped:
        prompts.append(t(SCENE_PROMPT, language, scene=mapped[0].title.get(language)))
    if content.facts:
        prompts.append(t(FACT_PROMPT, language, fact=content.facts[0].title.get(language)))
    names = [person.name.get(language) for person in content.characters()[:2]]
    if names:
        both = t(BOTH, language, first=names[0], second=names[1]) if len(names) == 2 else names[0]
        prompts.append(t(CAST_PROMPT, language, characters=both))
    prompts.extend(t(p, language) for p in GENERAL_PROMPTS)
    return prompts[:size]


# --- export ----------------------------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "session",
    "number",
    "question",
    "language",
    "about",
    "state",
    "starred",
    "votes",
    "asker",
    "asked_at",
    "published_at",
    "answered_at",
    "duplicate_of",
]
EXPORT_HEADINGS = {
    "session": N_("Session"),
    "number": N_("Number"),
    "question": N_("Question"),
    "language": N_("Phone language"),
    "about": N_("Place or scene"),
    "state": N_("State"),
    "starred": N_("Starred"),
    "votes": N_("Votes"),
    "asker": N_("Asked by participant"),
    "asked_at": N_("Asked at ({zone})"),
    "published_at": N_("Published at ({zone})"),
    "answered_at": N_("Answered at ({zone})"),
    "duplicate_of": N_("Merged into number"),
}
STATE_LABELS = {
    "pending": N_("waiting"),
    "published": N_("published"),
    "answered": N_("answered"),
    "hidden": N_("hidden"),
    "archived": N_("archived"),
}


def export_frame(
    content: Content,
    session: LiveSession,
    questions: Sequence[GuestQuestion],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> pd.DataFrame:
    """The session's questions for the guest, one row each in the order asked (``EXPORT_COLUMNS``), numbered 1, 2,
    … as the moderator sees them; askers as numbers in order of their first question, never their tokens; times
    local to ``time_zone``; states and yes/no in ``language`` (the session's by default)."""
    language = language or session.language
    zone = ZoneInfo(time_zone)
    rows = sorted(questions, key=lambda q: (q.asked_at, q.id))
    numbers = {q.id: n for n, q in enumerate(rows, start=1)}
    askers: dict[str, int] = {}
    for q in rows:
        askers.setdefault(q.participant, len(askers) + 1)

    def when(x: float | None) -> str:
        return "" if x is None else datetime.fromtimestamp(x, UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")

    yes, no = t(YES, language), t(NO, language)
    frame = pd.DataFrame(
        [
            {
                "session": session.code,
                "number": numbers[q.id],
                "question": q.text,
                "language": q.language,
                "about": ref_label(content, q, language),
                "state": t(STATE_LABELS[q.state], language),
                "starred": yes if q.starred else no,
                "votes": q.votes,
                "asker": askers[q.participant],
                "asked_at": when(q.asked_at),
                "published_at": when(q.published_at),
                "answered_at": when(q.answered_at),
                "duplicate_of": numbers.get(q.duplicate_of, ""),
            }
            for q in rows
        ],
        columns=EXPORT_COLUMNS,
    )
    return frame


def export_csv(
    content: Content,
    session: LiveSession,
    questions: Sequence[GuestQuestion],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> bytes:
    """:func:`export_frame` as the answers' CSV is made: UTF-8 with a byte-order mark, separated as a spreadsheet in
    ``language`` expects, a text that a spreadsheet would take for a formula quoted."""
    language = language or session.language
    frame = export_frame(content, session, questions, language, time_zone)
    return spreadsheet_csv(frame, EXPORT_HEADINGS, ("question", "about"), language, time_zone)


def export_xlsx(
    content: Content,
    session: LiveSession,
    questions: Sequence[GuestQuestion],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> bytes:
    """:func:`export_frame` as a spreadsheet (.xlsx); every text stays text (never a formula)."""
    language = language or session.language
    frame = export_frame(content, session, questions, language, time_zone)
    widths = (9, 8, 60, 8, 24, 11, 8, 7, 10, 20, 20, 20, 10)
    return spreadsheet_xlsx(frame, EXPORT_HEADINGS, t("Questions for the guest", language), widths, language, time_zone)
