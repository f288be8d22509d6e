"""Live sessions: a room answers the presenter's questions together, and the projector shows the room's answers.

This module is the session model, pure and without a database or Streamlit: sessions with a join code and a
presenter secret, questions drawn from the explorer's content, checked answers, tallies and a CSV export (both
through pandas), and a limiter that slows the guessing of codes. :mod:`explorer.livestore` keeps them.

Nothing personal is kept: a participant is a random token made on their phone, never a name or an address, and
the export numbers participants instead of showing their tokens (a token lets its holder change an answer).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import unicodedata
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from explorer.errors import ExplorerError
from explorer.i18n import LANGUAGES, N_, t
from explorer.model import AGE_BANDS, Content

KINDS = ("classroom", "place", "scene", "word")
STATES = ("draft", "open", "closed", "revealed")
# what the presenter may do next from each state; "clear" (answers deleted, back to draft) is allowed from any
TRANSITIONS = {"draft": ("open",), "open": ("closed",), "closed": ("open", "revealed"), "revealed": ("closed",)}

# Codes: 32 symbols with nothing easy to misread (no 0/O, no 1/I), 6 of them: 32**6 = 1,073,741,824 codes, so
# with a hundred live sessions a guess has about one chance in ten million; the limiter makes guesses slow too.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
DEFAULT_LIFETIME = 12 * 3600  # seconds: a session (and every answer in it) is deleted this long after it starts
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # a participant token, as secrets.token_urlsafe makes it

MAX_TEXT = 280  # characters of free text kept; longer answers are cut, and the participant told
MAX_WORD = 30  # characters of a one-word reaction
MAX_CHOICES = 8
MAX_CHOICE = 80  # characters of a presenter's choice
_WORD_SIGNS = "'’-"
_WORD_SYMBOLS = ("So", "Sk", "Mn", "Mc")  # an emoji, its skin tone, accents written apart
_EDGE_PUNCTUATION = "\"'’‘“”«»„.,;:!?¡¿()[]{}…-_"

NOT_OPEN = N_("This question is not open for answers just now.")
NOT_A_CHOICE = N_("Please choose one of the answers offered.")
EMPTY = N_("Please write an answer first.")
NOT_ONE_WORD = N_("One word, please.")
CUT = N_("Your answer was longer than {limit} characters, so it was cut.")
UNKNOWN_CODE = N_("No live session has this code. Check the code on the screen and try again.")
ENDED = N_("This live session has ended.")
TOO_MANY_TRIES = N_("Too many wrong codes from this network. Please wait a few minutes and try again.")


class LiveError(ExplorerError):
    """A live-session request that cannot be done; ``text(language)`` says why, for the person, in their language."""

    def __init__(self, message: str, **values: object):
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def text(self, language: str = "en") -> str:
        return t(self.message, language, **self.values)


class AnswerRefused(LiveError):
    """An answer the question cannot take (closed, not one of its choices, empty, not one word)."""


# --- sessions ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveSession:
    """One room's session. Only a hash of the presenter's secret is kept, so a copy of the store cannot steer it."""

    code: str
    secret_hash: str
    created: float  # seconds since the epoch (UTC)
    expires: float
    language: str  # the presenter's: the projector shows answers in it
    spoiler_safe: bool  # set before viewing: no question may tell what happens after the first encounter

    def expired(self, now: float) -> bool:
        return now >= self.expires

    def is_presenter(self, secret: str) -> bool:
        """Whether ``secret`` is this session's presenter secret (compared in constant time)."""
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str | None:
    """The code a person typed, upper-cased without spaces or dashes, or None when it cannot be a code."""
    code = re.sub(r"[\s-]", "", typed or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def new_session(now: float, language: str = "en", spoiler_safe: bool = False,
                lifetime: float = DEFAULT_LIFETIME) -> tuple[LiveSession, str]:
    """A new session and its presenter secret; the secret is returned only here (it goes in the presenter's link)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if lifetime <= 0:
        raise ValueError("a session's lifetime must be positive")
    secret = secrets.token_urlsafe(24)
    session = LiveSession(new_code(), hash_secret(secret), now, now + lifetime, language, spoiler_safe)
    return session, secret


def new_participant() -> str:
    """A participant's random token: it names a phone for one session, and nothing else."""
    return secrets.token_urlsafe(16)


def valid_participant(token: str) -> bool:
    return bool(TOKEN.fullmatch(token or ""))


# --- questions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveQuestion:
    """A question put to the room. ``choices`` are the answers it accepts: the presenter's choices for a classroom
    question (none: free text), place ids for a place vote, scene ids for a scene pick, none for a word reaction."""

    id: str
    session: str  # the session's code
    kind: str
    ref: str = ""  # the classroom.toml question id, for a classroom question
    age: str = ""  # its age band
    choices: tuple[str, ...] = ()
    state: str = "draft"
    position: int = 0  # order within the session

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown question kind {self.kind!r}")
        if self.state not in STATES:
            raise ValueError(f"unknown question state {self.state!r}")

    @property
    def free_text(self) -> bool:
        """A written answer (a classroom question without choices)."""
        return self.kind == "classroom" and not self.choices

    @property
    def moderated(self) -> bool:
        """Whether answers reach the room only once the presenter approves them: written answers, one by one, and
        one-word reactions, a word at a time (a word once approved shows whoever gives it)."""
        return self.free_text or self.kind == "word"

    @property
    def accepts_answers(self) -> bool:
        return self.state == "open"

    def moved_to(self, state: str) -> LiveQuestion:
        """This question in ``state``, if the presenter may move it there now; a ValueError if not."""
        if state not in TRANSITIONS.get(self.state, ()):
            raise ValueError(f"a {self.state} question cannot become {state}")
        return LiveQuestion(self.id, self.session, self.kind, self.ref, self.age, self.choices, state, self.position)


def new_question_id() -> str:
    return secrets.token_hex(6)


def classroom_question(content: Content, session: LiveSession, question_id: str, age: str,
                       choices: Sequence[str] = (), position: int = 0) -> LiveQuestion:
    """A classroom.toml question for an age band, answered by one of ``choices`` or, with none, by free text."""
    found = next((q for q in content.questions if q.id == question_id), None)
    if found is None:
        raise ValueError(f"no classroom question {question_id!r}")
    if age not in AGE_BANDS or age not in found.ages:
        raise ValueError(f"question {question_id!r} is not for ages {age!r}")
    if session.spoiler_safe and found.scene in content.spoilers():
        raise ValueError(f"question {question_id!r} tells a scene hidden before viewing")
    cleaned = tuple(_clean_line(c)[:MAX_CHOICE] for c in choices)
    if any(not c for c in cleaned) or len(set(cleaned)) != len(cleaned) or len(cleaned) == 1 or len(cleaned) > MAX_CHOICES:
        raise ValueError(f"choices must be 2 to {MAX_CHOICES} different, non-empty answers (or none, for free text)")
    return LiveQuestion(new_question_id(), session.code, "classroom", question_id, age, cleaned, position=position)


def place_question(content: Content, session: LiveSession, position: int = 0) -> LiveQuestion:
    """'Which place stayed with you?': a vote for any place on the map. A place tells nothing of the story (the
    map shows every place before viewing too), so a spoiler-safe session offers them all."""
    return LiveQuestion(new_question_id(), session.code, "place", choices=tuple(p.id for p in content.places),
                        position=position)


def scene_question(content: Content, session: LiveSession, position: int = 0) -> LiveQuestion:
    """A scene pick among the scenes that may be shown in the session."""
    ids = tuple(s.id for s in content.visible_scenes(session.spoiler_safe))
    return LiveQuestion(new_question_id(), session.code, "scene", choices=ids, position=position)


def word_question(session: LiveSession, position: int = 0) -> LiveQuestion:
    """A one-word reaction."""
    return LiveQuestion(new_question_id(), session.code, "word", position=position)


# --- answers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One participant's answer to one question: there is at most one, and it may change while the question is open."""

    question: str
    participant: str
    value: str
    answered_at: float
    cut: bool = False  # the text was longer than allowed and was cut
    approved: bool = False  # free text: shown to the room only once the presenter approves it


@dataclass(frozen=True)
class Checked:
    """An answer's value as it will be kept, and whether it was cut (the participant is told)."""

    value: str
    cut: bool = False


def _clean_line(text: str) -> str:
    """NFC, control characters and runs of blank space turned into single spaces, stripped."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    return re.sub(r"\s+", " ", text).strip()


def normalise_word(typed: str) -> Checked:
    """A one-word reaction: lower-cased, without the punctuation around it, at most MAX_WORD characters. Any
    letters and digits of any script count, and an emoji; a space or a sign such as < or / does not."""
    word = _clean_line((typed or "")[:MAX_WORD * 4]).strip(_EDGE_PUNCTUATION + " ").lower()
    if not word:
        raise AnswerRefused(EMPTY)
    if not all(c.isalnum() or c in _WORD_SIGNS or unicodedata.category(c) in _WORD_SYMBOLS for c in word):
        raise AnswerRefused(NOT_ONE_WORD)
    return Checked(word[:MAX_WORD], len(word) > MAX_WORD)


def check_answer(question: LiveQuestion, typed: str) -> Checked:
    """The value to keep for an answer to ``question``, or :class:`AnswerRefused` saying why it cannot be taken."""
    if not question.accepts_answers:
        raise AnswerRefused(NOT_OPEN)
    if question.kind == "word":
        return normalise_word(typed)
    if question.choices:
        if typed not in question.choices:
            raise AnswerRefused(NOT_A_CHOICE)
        return Checked(typed)
    text = _clean_line((typed or "")[:MAX_TEXT * 4])  # cut first: cleaning goes a character at a time
    if not text:
        raise AnswerRefused(EMPTY)
    return Checked(text[:MAX_TEXT], len(text) > MAX_TEXT)


def record(answers: dict[tuple[str, str], Answer], question: LiveQuestion, participant: str, typed: str,
           now: float) -> Checked:
    """Check an answer and keep it in ``answers`` (keyed by question and participant): a new answer replaces the
    participant's earlier one, and a changed free text needs approving again. The store does the same in SQL."""
    if not valid_participant(participant):
        raise ValueError("not a participant token")
    checked = check_answer(question, typed)
    answers[(question.id, participant)] = Answer(question.id, participant, checked.value, now, checked.cut)
    return checked


def approve(answer: Answer) -> Answer:
    return Answer(answer.question, answer.participant, answer.value, answer.answered_at, answer.cut, True)


def shown_texts(question: LiveQuestion, answers: Iterable[Answer]) -> list[str]:
    """The free-text answers the room may see: the approved ones, oldest first."""
    mine = sorted((a for a in answers if a.question == question.id and a.approved), key=lambda a: a.answered_at)
    return [a.value for a in mine]


# --- tallies and export --------------------------------------------------------------------------------------

ANSWER_COLUMNS = ["question", "participant", "value", "answered_at", "cut", "approved"]
EXPORT_COLUMNS = ["session", "question", "position", "kind", "ref", "age", "participant", "value", "cut", "approved",
                  "answered_at"]


def answers_frame(answers: Iterable[Answer]) -> pd.DataFrame:
    rows = [(a.question, a.participant, a.value, a.answered_at, a.cut, a.approved) for a in answers]
    return pd.DataFrame(rows, columns=ANSWER_COLUMNS)


def tally(question: LiveQuestion, answers: Iterable[Answer]) -> pd.DataFrame:
    """Counts per answer (columns ``value`` and ``count``): for a question with choices, every choice in its own
    order, zero included, so bars keep their places; for a word reaction, the words by frequency (then A to Z);
    for free text, the approved answers only (each its own row)."""
    frame = answers_frame(a for a in answers if a.question == question.id)
    if question.moderated:
        frame = frame[frame["approved"].astype(bool)]
    counts = frame["value"].value_counts()
    if question.choices:
        result = counts.reindex(list(question.choices), fill_value=0)
        return result.rename_axis("value").reset_index(name="count").astype({"count": "int64"})
    result = counts.rename_axis("value").reset_index(name="count").astype({"count": "int64"})
    return result.sort_values(["count", "value"], ascending=[False, True], kind="stable").reset_index(drop=True)


def place_votes(content: Content, question: LiveQuestion, answers: Iterable[Answer]) -> pd.DataFrame:
    """Votes per place with its position (columns ``place``, ``lat``, ``lon``, ``votes``), for a map sized by votes."""
    counts = tally(question, answers)
    places = pd.DataFrame([(p.id, p.lat, p.lon) for p in content.places], columns=["place", "lat", "lon"])
    merged = places.merge(counts.rename(columns={"value": "place", "count": "votes"}), on="place", how="inner")
    return merged.sort_values(["votes", "place"], ascending=[False, True], kind="stable").reset_index(drop=True)


def export_csv(session: LiveSession, questions: Sequence[LiveQuestion], answers: Iterable[Answer]) -> str:
    """The session's answers as CSV, one row per answer, questions in order. Participants appear as numbers (1, 2, …
    in order of their first answer), never as their tokens; times are UTC in ISO 8601."""
    frame = answers_frame(answers)
    info = pd.DataFrame([(q.id, q.position, q.kind, q.ref, q.age) for q in questions],
                        columns=["question", "position", "kind", "ref", "age"])
    frame = info.merge(frame, on="question", how="inner")
    first = frame.groupby("participant")["answered_at"].min().sort_values(kind="stable")
    numbers = {token: number for number, token in enumerate(first.index, start=1)}
    frame["participant"] = frame["participant"].map(numbers)
    frame["session"] = session.code
    frame["answered_at"] = [datetime.fromtimestamp(x, UTC).isoformat(timespec="seconds") for x in frame["answered_at"]]
    frame["value"] = frame["value"].map(_inert)
    frame["position"] = frame["position"] + 1  # Q1, Q2… as the projector numbers them
    frame = frame.sort_values(["position", "participant"], kind="stable")
    return frame[EXPORT_COLUMNS].to_csv(index=False, lineterminator="\n")


def _inert(value: str) -> str:
    """A cell a spreadsheet will not take for a formula (=, +, -, @, a tab or a return first): a quote before it."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- slowing down code guessing ------------------------------------------------------------------------------


@dataclass
class AttemptLimiter:
    """Counts wrong codes per address over a sliding window; time is passed in, so tests need no clock.

    Only wrong codes count: a class of thirty behind one school address all joining with the right code must not
    be stopped. With the defaults, one address can try about 2,900 codes a day among a thousand million."""

    limit: int = 20  # wrong codes allowed per window
    window: float = 600.0  # seconds
    max_addresses: int = 10_000  # memory bound: the oldest addresses are forgotten first
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def blocked(self, address: str, now: float) -> bool:
        """Whether ``address`` must wait before trying another code."""
        with self._lock:
            times = self._failures.get(address)
            if times is None:
                return False
            self._expire(times, now)
            return len(times) >= self.limit

    def failed(self, address: str, now: float) -> None:
        """Record a wrong (unknown or expired) code from ``address``."""
        with self._lock:
            times = self._failures.pop(address, None) or deque()
            self._expire(times, now)
            times.append(now)
            self._failures[address] = times  # re-inserted last: the dict stays in order of the latest failure
            while len(self._failures) > self.max_addresses:
                del self._failures[next(iter(self._failures))]

    def _expire(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()
