"""Live sessions: a room answers the presenter's questions together, and the projector shows the room's answers.

This module is the session model, pure and without a database or Streamlit: sessions with a join code and a
presenter secret, questions drawn from the explorer's content (a classroom question carries its one number,
``content.question_label``), choices the presenter may give in several languages, checked answers, tallies and a
CSV and spreadsheet export (through pandas), the limits that bound what one person can make the store keep
(``DEFAULT_CAP``, ``MAX_CAP``, ``SESSIONS_PER_HOUR``, ``MAX_QUESTIONS``, ``MAX_TEXT``, ``MAX_WORD``), and a limiter
that slows the guessing of codes. :mod:`explorer.livestore` keeps them.

Nothing personal is kept: a participant is a random id the server makes when a phone joins and signs for that
session (:mod:`explorer.liveauth`: the phone holds it in a cookie, never in an address), never a name; of the
address a session was started from, only a keyed hash; the export numbers participants instead of showing ids.
Free text is cleaned before it is kept (NFC, no control characters, at most ``MAX_MARKS`` combining marks on a
character, so no tower of marks spills over the projector's other lines).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import io
import re
import secrets
import threading
import unicodedata
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from explorer.errors import ExplorerError
from explorer.i18n import LANGUAGES, N_, t
from explorer.model import AGE_BANDS, LESSON_KINDS, Content
from explorer.spoilers import visibility

KINDS = ("classroom", "place", "scene", "word")
STATES = ("draft", "open", "closed", "revealed")
# what the presenter may do next from each state; "clear" (answers deleted, back to draft) is allowed from any
TRANSITIONS = {"draft": ("open",), "open": ("closed",), "closed": ("open", "revealed"), "revealed": ("closed",)}

# Codes: 32 symbols with nothing easy to misread (no 0/O, no 1/I), 6 of them: 32**6 = 1,073,741,824 codes, so
# with a hundred live sessions a guess has about one chance in ten million; the limiter makes guesses slow too.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 6
DEFAULT_LIFETIME = 12 * 3600  # seconds: a session (and every answer in it) is deleted this long after it starts
EMPTY_LIFETIME = 3600  # seconds: a session still without a question or a participant is deleted this long after
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")  # a participant token, as secrets.token_urlsafe makes it

# Limits that bound what one person can make the store keep (README, "Live sessions")
DEFAULT_CAP = 2000  # participants a session lets in unless the presenter says how many are in the room
MAX_CAP = 10_000  # the highest cap a presenter may set
SESSIONS_PER_HOUR = 20  # sessions one address may start in an hour
MAX_QUESTIONS = 60  # questions in one session

MAX_TEXT = 280  # characters of free text kept; longer answers are cut, and the participant told
MAX_WORD = 30  # characters of a one-word reaction
MAX_CHOICES = 8
MAX_CHOICE = 80  # characters of a presenter's choice
MAX_MARKS = 2  # combining marks kept on one character (more stack up and spill over the lines around on a screen)
_WORD_SIGNS = "'’-"
_WORD_SYMBOLS = ("So", "Sk", "Mn", "Mc", "Me")  # an emoji, its skin tone or keycap, accents written apart
_EDGE_PUNCTUATION = "\"'’‘“”«»„.,;:!?¡¿()[]{}…-_"
ZWJ = "\u200d"  # the zero-width joiner: kept only between two emoji (👨‍👩‍👧‍👦, 🏳️‍🌈), never between letters
SKIN_TONES = ("\U0001f3fb", "\U0001f3ff")  # the emoji modifiers (first, last), which follow the emoji they colour
# a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿): the black flag, an ISO 3166-2 code in invisible tag letters, the cancel tag;
# tag letters anywhere else are dropped (they can carry text nobody sees)
_TAG_FLAG = re.compile("\U0001f3f4([\U000e0061-\U000e007a]{2}[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,3})\U000e007f")
_KEYCAP = re.compile("[#*]\ufe0f?\u20e3")  # #️⃣ and *️⃣: signs that an emoji's keycap makes part of a word

NOT_OPEN = N_("This question is not open for answers just now.")
# what a phone may be told: no address (neither tu nor vous in French), the phone sits beside pupils' content
NOT_A_CHOICE = N_("Only one of the answers offered can be taken.")
EMPTY = N_("The answer is empty.")
NOT_ONE_WORD = N_("One word only.")
CUT = N_("The answer was longer than {limit} characters, so it was cut.")
UNKNOWN_CODE = N_("No live session has this code. The right code is on the projected screen.")
ENDED = N_("This live session has ended.")
TOO_MANY_TRIES = N_("Too many wrong codes from this network. Try again in a few minutes.")
TOO_MANY_TRIES_SCAN = N_(
    "Too many wrong codes from this network. Scanning the QR code on the screen still works; "
    "typing a code works again in a few minutes."
)
JOINING_CLOSED = N_("This live session takes no new participants just now.")
SESSION_FULL = N_("This live session is full: it takes no more participants.")
TOO_MANY_JOINS = N_("Too many new participants from this network just now. Try again in a few minutes.")
# the presenter's (vous in French)
TOO_MANY_SESSIONS = N_(
    "Too many live sessions were started from this network in the past hour. Try again later, or "
    "carry on with a session already started."
)
TOO_MANY_QUESTIONS = N_("A live session holds at most {limit} questions. Start a new session to ask more.")

PLACE_QUESTION = N_("Which place stayed with you?")
SCENE_QUESTION = N_("Which scene stayed with you?")
WORD_QUESTION = N_("One word for the film?")
QUESTION_TEXTS = {"place": PLACE_QUESTION, "scene": SCENE_QUESTION, "word": WORD_QUESTION}
KIND_LABELS = {
    "classroom": N_("Classroom question"),
    "place": N_("Place vote"),
    "scene": N_("Scene pick"),
    "word": N_("One-word reaction"),
}


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
    cap: int = DEFAULT_CAP  # participants let in at most (the presenter's "about how many people are in the room?")
    joining: bool = True  # whether new participants may join (the presenter closes it once the room is in)

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


def new_session(
    now: float, language: str = "en", spoiler_safe: bool = False, lifetime: float = DEFAULT_LIFETIME, cap: int = DEFAULT_CAP
) -> tuple[LiveSession, str]:
    """A new session and its presenter secret; the secret is returned only here (it goes in the presenter's link)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    if lifetime <= 0:
        raise ValueError("a session's lifetime must be positive")
    secret = secrets.token_urlsafe(24)
    session = LiveSession(new_code(), hash_secret(secret), now, now + lifetime, language, spoiler_safe, checked_cap(cap))
    return session, secret


def checked_cap(cap: object) -> int:
    """A participant cap as kept: a whole number from 1 to ``MAX_CAP``; a ValueError for anything else."""
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MAX_CAP:
        raise ValueError(f"a participant cap is a whole number from 1 to {MAX_CAP}")
    return cap


def new_participant() -> str:
    """A participant's random token: it names a phone for one session, and nothing else (the join route's are
    made and signed by :meth:`explorer.liveauth.Signer.issue`, of the same form)."""
    return secrets.token_urlsafe(16)


def valid_participant(token: str) -> bool:
    return bool(TOKEN.fullmatch(token or ""))


# --- questions -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveQuestion:
    """A question put to the room. ``choices`` are the answers it accepts: the presenter's choices for a classroom
    question (none: free text), place ids for a place vote, scene ids for a scene pick, none for a word reaction.
    A presenter's choice given in several languages has ``labels``: per choice, (language, label) pairs, the
    first the language it was given in first; its value (what an answer keeps) is that first label, so the
    tally counts a choice once whatever language each phone showed it in."""

    id: str
    session: str  # the session's code
    kind: str
    ref: str = ""  # the classroom.toml question id, for a classroom question
    age: str = ""  # its age band
    choices: tuple[str, ...] = ()
    state: str = "draft"
    position: int = 0  # order within the session
    labels: tuple[tuple[tuple[str, str], ...], ...] = ()  # per choice, when given in several languages

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

    def label(self, value: str, language: str) -> str:
        """A presenter's choice in ``language``, else in the first language it was given in; other values as
        they are."""
        if not self.labels or value not in self.choices:
            return value
        given = dict(self.labels[self.choices.index(value)])
        return given.get(language) or next(iter(given.values()), value)

    def moved_to(self, state: str) -> LiveQuestion:
        """This question in ``state``, if the presenter may move it there now; a ValueError if not."""
        if state not in TRANSITIONS.get(self.state, ()):
            raise ValueError(f"a {self.state} question cannot become {state}")
        return dataclasses.replace(self, state=state)


def new_question_id() -> str:
    return secrets.token_hex(6)


class ChoicesMismatch(ValueError):
    """Choices given in several languages that do not match one to one (not as many lines in each)."""


def choices_from_lines(typed: Mapping[str, str]) -> list[dict[str, str]]:
    """A presenter's choices from one text per language (one choice a line, the same order in each): per choice,
    its label in each language given, the languages in the order of ``typed``. A language left empty is not
    given; languages given with different numbers of lines raise :class:`ChoicesMismatch`."""
    lines = {
        language: [_clean_line(line) for line in (text or "").splitlines() if _clean_line(line)]
        for language, text in typed.items()
        if language in LANGUAGES
    }
    given = {language: found for language, found in lines.items() if found}
    if len({len(found) for found in given.values()}) > 1:
        raise ChoicesMismatch("choices in each language must match one to one")
    count = max((len(found) for found in given.values()), default=0)
    return [{language: found[i] for language, found in given.items()} for i in range(count)]


def classroom_question(
    content: Content,
    session: LiveSession,
    question_id: str,
    age: str,
    choices: Sequence[str | Mapping[str, str]] = (),
    position: int = 0,
) -> LiveQuestion:
    """A classroom.toml question for an age band, answered by one of ``choices`` or, with none, by free text. A
    choice is a text, or its label per language (``choices_from_lines``); the first label given is its value."""
    found = content.question(question_id)
    if found is None:
        raise ValueError(f"no classroom question {question_id!r}")
    if age not in AGE_BANDS or age not in found.ages:
        raise ValueError(f"question {question_id!r} is not for ages {age!r}")
    if not visibility(content, session.spoiler_safe).question(found):
        raise ValueError(f"question {question_id!r} tells a scene hidden before viewing")
    given = [
        {language: _clean_line(label)[:MAX_CHOICE] for language, label in c.items() if language in LANGUAGES}
        if isinstance(c, Mapping)
        else {"": _clean_line(c)[:MAX_CHOICE]}
        for c in choices
    ]
    given = [{language: label for language, label in c.items() if label} for c in given]
    cleaned = tuple(next(iter(c.values()), "") for c in given)
    if any(not c for c in cleaned) or len(set(cleaned)) != len(cleaned) or len(cleaned) == 1 or len(cleaned) > MAX_CHOICES:
        raise ValueError(f"choices must be 2 to {MAX_CHOICES} different, non-empty answers (or none, for free text)")
    languages = {language for c in given for language in c}
    labels = tuple(tuple(c.items()) for c in given) if languages - {""} and len(languages) > 1 else ()
    return LiveQuestion(new_question_id(), session.code, "classroom", question_id, age, cleaned, position=position, labels=labels)


def place_question(content: Content, session: LiveSession, position: int = 0) -> LiveQuestion:
    """'Which place stayed with you?': a vote for any place on the map. A place tells nothing of the story (the
    map shows every place before viewing too), so a spoiler-safe session offers them all."""
    return LiveQuestion(new_question_id(), session.code, "place", choices=tuple(p.id for p in content.places), position=position)


def scene_question(content: Content, session: LiveSession, position: int = 0) -> LiveQuestion:
    """A scene pick among the scenes that may be shown in the session."""
    ids = tuple(s.id for s in visibility(content, session.spoiler_safe).scenes())
    return LiveQuestion(new_question_id(), session.code, "scene", choices=ids, position=position)


def word_question(session: LiveSession, position: int = 0) -> LiveQuestion:
    """A one-word reaction."""
    return LiveQuestion(new_question_id(), session.code, "word", position=position)


def plan_questions(content: Content, session: LiveSession, age: str, kind: str, position: int = 0) -> tuple[list[LiveQuestion], int]:
    """A lesson plan's questions (``LESSON_KINDS``) for an age band, in the plan's order, as classroom questions
    with written answers numbered on from ``position``, and how many of the plan's questions the session cannot
    ask (spoiler-safe hides them). A ValueError when there is no such plan."""
    if kind not in LESSON_KINDS or age not in AGE_BANDS:
        raise ValueError(f"no lesson plan {kind!r} for ages {age!r}")
    plan = content.teaching.plan(age, kind) if content.teaching is not None else None
    if plan is None:
        raise ValueError(f"no lesson plan {kind!r} for ages {age!r}")
    queued: list[LiveQuestion] = []
    skipped = 0
    for question_id in plan.question_ids():
        try:
            queued.append(classroom_question(content, session, question_id, age, position=position + len(queued)))
        except ValueError:
            skipped += 1
    return queued, skipped


# --- what a question is called -------------------------------------------------------------------------------


def question_text(content: Content, question: LiveQuestion, language: str = "en") -> str:
    """What the question asks, in ``language`` (a classroom question in the content's words)."""
    if question.kind == "classroom":
        found = content.question(question.ref)
        return found.text.get(language) if found else question.ref
    return t(QUESTION_TEXTS[question.kind], language)


def question_label(content: Content, question: LiveQuestion, language: str = "en") -> str:
    """What names a question on the projector, the phones and the export: a classroom question's one number
    (``content.question_label``, "Q7"), the same in every lesson, handout and session; other kinds their kind."""
    if question.kind == "classroom" and content.question(question.ref) is not None:
        return content.question_label(question.ref)
    return t(KIND_LABELS[question.kind], language)


def choice_label(content: Content, question: LiveQuestion, value: str, language: str = "en") -> str:
    """An answer as people read it: a place's name, a scene's number and title, a presenter's choice in
    ``language`` (else in the language given first), or the answer itself."""
    if question.kind == "place" and (place := content.place(value)) is not None:
        return place.name.get(language)
    if question.kind == "scene" and (scene := content.scene(value)) is not None:
        return f"{scene.order}. {scene.title.get(language)}"
    return question.label(value, language)


# --- answers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One participant's answer to one question: there is at most one, and it may change while the question is open."""

    question: str
    participant: str
    value: str
    answered_at: float
    cut: bool = False  # the text was longer than allowed and was cut
    approved: bool = False  # free text: shown to everyone only once the presenter approves it
    refused: bool = False  # discarded by the presenter: never shown, and no longer waiting for approval

    @property
    def waiting(self) -> bool:
        """Neither approved nor discarded yet (for a question whose answers need approving)."""
        return not self.approved and not self.refused


@dataclass(frozen=True)
class Checked:
    """An answer's value as it will be kept, and whether it was cut (the participant is told, with the limit that
    applied: ``notice``)."""

    value: str
    cut: bool = False
    limit: int = MAX_TEXT  # the characters this kind of answer keeps

    def notice(self, language: str = "en") -> str:
        """What the participant is told of a cut answer ("" when it was not cut)."""
        return t(CUT, language, limit=self.limit) if self.cut else ""


def _clean_line(text: str) -> str:
    """NFC, control and format characters and runs of blank space turned into single spaces, at most
    ``MAX_MARKS`` combining marks on a character, stripped. The invisible characters that make one emoji of
    several are kept where they do (``_sequence_parts``)."""
    text = _fewer_marks(unicodedata.normalize("NFC", text or ""))
    kept = _sequence_parts(text)
    text = "".join(" " if unicodedata.category(c).startswith("C") and i not in kept else c for i, c in enumerate(text))
    return re.sub(r"\s+", " ", text).strip()


def _emoji(c: str) -> bool:
    return unicodedata.category(c) == "So"


def _modifier(c: str) -> bool:
    """A character drawn with the one before it: a combining mark (an accent, VS16, a keycap) or a skin tone."""
    return unicodedata.category(c) in ("Mn", "Me", "Mc") or SKIN_TONES[0] <= c <= SKIN_TONES[1]


def _regional(c: str) -> bool:
    return "\U0001f1e6" <= c <= "\U0001f1ff"


def _sequence_parts(text: str) -> set[int]:
    """Where ``text`` has invisible characters that belong to an emoji: a ZWJ with an emoji before it (its marks
    and skin tone aside) and an emoji right after, and the tags of a subdivision flag. Any other one (a ZWJ
    between letters or digits, stray tags) is not part of anything: cleaning turns it into a space."""
    kept: set[int] = set()
    for found in _TAG_FLAG.finditer(text):
        kept.update(range(found.start() + 1, found.end()))
    for i, c in enumerate(text):
        if c != ZWJ or i + 1 >= len(text) or not _emoji(text[i + 1]):
            continue
        before = i - 1
        while before >= 0 and _modifier(text[before]):
            before -= 1
        if before >= 0 and _emoji(text[before]):
            kept.add(i)
    return kept


def _clusters(text: str) -> list[str]:
    """``text`` (cleaned) in the pieces a reader sees as one character: a character with its marks and skin tone,
    emoji joined by ZWJ, a flag's two regional indicators or its tags."""
    pieces: list[str] = []
    i = 0
    while i < len(text):
        end = i + 1
        if _regional(text[i]) and end < len(text) and _regional(text[end]):
            end += 1
        while end < len(text):
            if _modifier(text[end]) or "\U000e0020" <= text[end] <= "\U000e007f":
                end += 1
            elif text[end] == ZWJ and end + 1 < len(text):
                end += 2
            else:
                break
        pieces.append(text[i:end])
        i = end
    return pieces


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, never inside an emoji or a letter with its accents (unless
    the first one alone is longer)."""
    if len(text) <= limit:
        return text
    kept, size = [], 0
    for piece in _clusters(text):
        if size + len(piece) > limit:
            break
        kept.append(piece)
        size += len(piece)
    return "".join(kept) or text[:limit].rstrip(ZWJ)


def _fewer_marks(text: str) -> str:
    """``text`` with at most ``MAX_MARKS`` combining marks (Mn, Me) in a row: enough for any language's accents
    (Vietnamese, Thai tones, an emoji's keycap), not for a tower of marks drawn over the neighbouring lines."""
    kept: list[str] = []
    run = 0
    for c in text:
        run = run + 1 if unicodedata.category(c) in ("Mn", "Me") else 0
        if run <= MAX_MARKS:
            kept.append(c)
    return "".join(kept)


def normalise_word(typed: str) -> Checked:
    """A one-word reaction: lower-cased, without the punctuation around it, at most MAX_WORD characters. Any
    letters and digits of any script count, and an emoji, also one made of several (a family joined by ZWJ, a
    flag); a space or a sign such as < or / does not, nor a ZWJ between letters (cleaning made it a space)."""
    word = _clean_line((typed or "")[: MAX_WORD * 4]).strip(_EDGE_PUNCTUATION + " ").lower()
    if not word:
        raise AnswerRefused(EMPTY)
    kept = _sequence_parts(word)  # after cleaning, every ZWJ and tag left belongs to an emoji
    kept.update(found.start() for found in _KEYCAP.finditer(word))
    if not all(c.isalnum() or c in _WORD_SIGNS or unicodedata.category(c) in _WORD_SYMBOLS or i in kept for i, c in enumerate(word)):
        raise AnswerRefused(NOT_ONE_WORD)
    cut = _cut(word, MAX_WORD)
    return Checked(cut, cut != word, MAX_WORD)


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
    return check_text(typed)


def check_text(typed: str, limit: int = MAX_TEXT) -> Checked:
    """A free text as kept: cleaned (``_clean_line``) and cut to ``limit`` characters; :class:`AnswerRefused`
    (``EMPTY``) when nothing is left."""
    text = _clean_line((typed or "")[: limit * 4])  # cut first: cleaning goes a character at a time
    if not text:
        raise AnswerRefused(EMPTY)
    cut = _cut(text, limit)
    return Checked(cut, cut != text, limit)


def record(answers: dict[tuple[str, str], Answer], question: LiveQuestion, participant: str, typed: str, now: float) -> Checked:
    """Check an answer and keep it in ``answers`` (keyed by question and participant): a new answer replaces the
    participant's earlier one, and a changed free text needs approving again. The store does the same in SQL."""
    if not valid_participant(participant):
        raise ValueError("not a participant token")
    checked = check_answer(question, typed)
    answers[(question.id, participant)] = Answer(question.id, participant, checked.value, now, checked.cut)
    return checked


def approve(answer: Answer) -> Answer:
    return dataclasses.replace(answer, approved=True, refused=False)


def refuse(answer: Answer) -> Answer:
    return dataclasses.replace(answer, approved=False, refused=True)


def shown_texts(question: LiveQuestion, answers: Iterable[Answer]) -> list[str]:
    """The free-text answers the room may see: the approved ones, newest first (a projector shows the latest at the
    top, where the room is looking, however many came before)."""
    mine = sorted((a for a in answers if a.question == question.id and a.approved), key=lambda a: -a.answered_at)
    return [a.value for a in mine]


# --- tallies and export --------------------------------------------------------------------------------------

ANSWER_COLUMNS = ["question", "participant", "value", "answered_at", "cut", "approved", "refused"]
# the export's columns, and their headings (in the presenter's language)
EXPORT_COLUMNS = ["session", "asked", "number", "kind", "question", "age", "participant", "answer", "cut", "approved", "answered_at"]
EXPORT_HEADINGS = {
    "session": N_("Session"),
    "asked": N_("Order asked"),
    "number": N_("Number"),
    "kind": N_("Kind"),
    "question": N_("Question"),
    "age": N_("Age band"),
    "participant": N_("Participant"),
    "answer": N_("Answer"),
    "cut": N_("Cut"),
    "approved": N_("Approved"),
    "answered_at": N_("Answered at ({zone})"),
}
FORMULA_SIGNS = ("=", "+", "-", "@", "\t", "\r")
DEFAULT_TIME_ZONE = "Europe/Brussels"
YES, NO = N_("yes"), N_("no")
# a CSV file's separator per language: a spreadsheet set up in French or Dutch (Belgium) splits on ";", in English
# on ","; a text holding the separator is quoted either way
CSV_SEPARATORS = {"en": ",", "fr": ";", "nl": ";"}


def answers_frame(answers: Iterable[Answer]) -> pd.DataFrame:
    rows = [(a.question, a.participant, a.value, a.answered_at, a.cut, a.approved, a.refused) for a in answers]
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


def export_frame(
    content: Content,
    session: LiveSession,
    questions: Sequence[LiveQuestion],
    answers: Iterable[Answer],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> pd.DataFrame:
    """The session's answers, one row per answer, questions in the order asked (``EXPORT_COLUMNS``). Each question
    is named as the projector names it: a classroom question by its number ("Q7", the ``number`` column; empty for
    other kinds, which ``kind`` names) with its text, and each answer by its label, in ``language`` (the session's
    by default). Participants appear as numbers (1, 2, … in order of their first answer), never as their tokens;
    times are the local time of ``time_zone`` (``YYYY-MM-DD HH:MM:SS``, the zone in the heading). ``cut`` and
    ``approved`` are yes or no in ``language``; ``approved`` is empty for answers that need no approval
    (choices, votes, scene picks), and no for a discarded answer."""
    language = language or session.language
    zone = ZoneInfo(time_zone)
    frame = answers_frame(answers)
    info = pd.DataFrame([(q.id, q.position) for q in questions], columns=["question", "position"])
    frame = info.merge(frame, on="question", how="inner")
    first = frame.groupby("participant")["answered_at"].min().sort_values(kind="stable")
    numbers = {token: number for number, token in enumerate(first.index, start=1)}
    frame["participant"] = frame["participant"].map(numbers)
    frame["session"] = session.code
    frame["answered_at"] = [
        datetime.fromtimestamp(x, UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S") for x in frame["answered_at"]
    ]
    by_id = {q.id: q for q in questions}
    yes, no = t(YES, language), t(NO, language)
    frame["cut"] = [yes if cut else no for cut in frame["cut"]]
    frame["approved"] = [
        (yes if approved else no) if by_id[i].moderated else ""
        for i, approved in zip(frame["question"], frame["approved"], strict=True)
    ]
    order = {q.id: asked for asked, q in enumerate(sorted(questions, key=lambda q: (q.position, q.id)), start=1)}
    frame["asked"] = frame["question"].map(order)
    frame["number"] = frame["question"].map(
        lambda i: question_label(content, by_id[i], language) if by_id[i].kind == "classroom" else ""
    )
    frame["kind"] = frame["question"].map(lambda i: t(KIND_LABELS[by_id[i].kind], language))
    frame["age"] = frame["question"].map(lambda i: by_id[i].age)
    frame["answer"] = [
        choice_label(content, by_id[i], value, language) for i, value in zip(frame["question"], frame["value"], strict=True)
    ]
    frame["question"] = frame["question"].map(lambda i: question_text(content, by_id[i], language))
    frame = frame.sort_values(["asked", "participant"], kind="stable")
    return frame[EXPORT_COLUMNS].reset_index(drop=True)


def export_csv(
    content: Content,
    session: LiveSession,
    questions: Sequence[LiveQuestion],
    answers: Iterable[Answer],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> bytes:
    """:func:`export_frame` as UTF-8 CSV with a byte-order mark (so a spreadsheet reads its accents), headings in
    ``language`` and separated as a spreadsheet in that language expects (``CSV_SEPARATORS``: ";" in French and
    Dutch, "," in English); a text a spreadsheet would take for a formula is quoted."""
    language = language or session.language
    frame = export_frame(content, session, questions, answers, language, time_zone)
    return spreadsheet_csv(frame, EXPORT_HEADINGS, ("question", "answer", "number", "kind"), language, time_zone)


def export_xlsx(
    content: Content,
    session: LiveSession,
    questions: Sequence[LiveQuestion],
    answers: Iterable[Answer],
    language: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
) -> bytes:
    """:func:`export_frame` as a spreadsheet (.xlsx), headings in ``language``; every text is stored as text, so
    an answer starting with = + - or @ is never a formula."""
    language = language or session.language
    frame = export_frame(content, session, questions, answers, language, time_zone)
    widths = (9, 8, 10, 18, 60, 8, 10, 40, 6, 9, 22)
    return spreadsheet_xlsx(frame, EXPORT_HEADINGS, t("Answers", language), widths, language, time_zone)


def spreadsheet_csv(frame: pd.DataFrame, headings: Mapping[str, str], texts: Sequence[str], language: str, time_zone: str) -> bytes:
    """An export's frame as UTF-8 CSV with a byte-order mark (so a spreadsheet reads its accents), ``headings``
    in ``language``, separated as a spreadsheet in that language expects (``CSV_SEPARATORS``); the columns
    ``texts`` are quoted where a spreadsheet would take them for a formula."""
    frame = frame.copy()
    for column in texts:
        frame[column] = frame[column].map(_inert)
    headed = frame.rename(columns={c: t(headings[c], language, zone=time_zone) for c in frame.columns})
    return headed.to_csv(index=False, lineterminator="\n", sep=CSV_SEPARATORS.get(language, ",")).encode("utf-8-sig")


def spreadsheet_xlsx(
    frame: pd.DataFrame, headings: Mapping[str, str], sheet: str, widths: Sequence[int], language: str, time_zone: str
) -> bytes:
    """An export's frame as a spreadsheet (.xlsx) with one sheet named ``sheet``, ``headings`` in ``language``,
    the header row frozen and the columns ``widths`` wide; every text is stored as text, so a cell starting with
    = + - or @ is never a formula."""
    headed = frame.rename(columns={c: t(headings[c], language, zone=time_zone) for c in frame.columns})
    buffer = io.BytesIO()
    sheet_name = sheet[:31]
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        headed.to_excel(writer, sheet_name=sheet_name, index=False)
        book = writer.sheets[sheet_name]
        for row in book.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_SIGNS):
                    cell.data_type = "s"  # openpyxl takes "=…" for a formula: a text it stays
        book.freeze_panes = "A2"
        for letter, width in zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", widths, strict=False):
            book.column_dimensions[letter].width = width
    return buffer.getvalue()


def _inert(value: object) -> object:
    """A cell a spreadsheet will not take for a formula (=, +, -, @, a tab or a return first): a quote before it."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_SIGNS) else value


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
