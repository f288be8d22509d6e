"""Questions for the guest, kept in the live sessions' database beside the session they belong to.

``GuestBook(store)`` works through a :class:`~explorer.livestore.LiveStore`: the same database, transactions,
"not available" refusals and announcements. Every change is announced as ``guest`` news for its session, so the
projector's stream and the phones hear it (``explorer_app/participant.py``).

Tables: ``guest_rooms`` (per session: asking open, auto-publish, the highlighted question), ``guest_questions`` and
``guest_votes``, whose primary key (question, participant) is the rule of one vote per participant: a vote sent
twice, by two replicas at once or by a script, is kept once. Only a participant who joined the session (its cap and
"joining closed" apply) may ask or vote; a participant asks at most ``ASKS_PER_WINDOW`` questions in
``ASK_WINDOW`` seconds and ``MAX_ASKS_EACH`` in the session, and a session holds at most ``MAX_GUEST_QUESTIONS``.
The limits are counted in the database under the session's row lock, so replicas cannot pass them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    and_,
    delete,
    false,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from explorer.guest import (
    ACTIONS,
    ASK_WINDOW,
    ASKING_CLOSED,
    ASKS_EACH_REACHED,
    ASKS_PER_WINDOW,
    GUEST_FULL,
    MAX_ASKS_EACH,
    MAX_GUEST_QUESTIONS,
    NOT_VOTABLE,
    TOO_MANY_ASKS,
    GuestQuestion,
    GuestRoom,
    check_ask,
    next_state,
)
from explorer.i18n import LANGUAGES
from explorer.live import ENDED, AnswerRefused, Checked, LiveError, valid_participant
from explorer.livestore import LiveStore, metadata, participants, sessions

NEWS = "guest"  # the announcement's kind

rooms = Table(
    "guest_rooms",
    metadata,
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), primary_key=True),
    Column("open", Boolean, nullable=False, server_default=false()),
    Column("auto_publish", Boolean, nullable=False, server_default=false()),
    Column("highlighted", String(32), nullable=False, server_default=""),
)
guest_questions = Table(
    "guest_questions",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False),
    Column("participant", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("cut", Boolean, nullable=False),
    Column("language", String(8), nullable=False),
    Column("place", String(64), nullable=False),
    Column("scene", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    Column("starred", Boolean, nullable=False),
    Column("asked_at", Float, nullable=False),
    Column("published_at", Float, nullable=True),
    Column("answered_at", Float, nullable=True),
    Column("duplicate_of", String(32), nullable=False, server_default=""),
)
Index("guest_questions_session", guest_questions.c.session, guest_questions.c.asked_at)
Index("guest_questions_asker", guest_questions.c.session, guest_questions.c.participant)
votes = Table(
    "guest_votes",
    metadata,
    Column("question", String(32), ForeignKey("guest_questions.id", ondelete="CASCADE"), nullable=False),
    Column("participant", String(64), nullable=False),
    Column("session", String(16), ForeignKey("live_sessions.code", ondelete="CASCADE"), nullable=False),
    Column("voted_at", Float, nullable=False),
    PrimaryKeyConstraint("question", "participant", name="one_vote_per_participant"),
)
Index("guest_votes_session", votes.c.session)
TABLES = (votes, guest_questions, rooms)  # children first: the order a purge deletes in


def new_guest_id() -> str:
    return secrets.token_hex(16)


class GuestBook:
    """A session's questions for the guest in ``store``'s database (module docstring)."""

    def __init__(self, store: LiveStore):
        self.store = store

    # --- the room --------------------------------------------------------------------------------------------

    def room(self, code: str) -> GuestRoom:
        row = self.store._read(lambda c: c.execute(select(rooms).where(rooms.c.session == code)).first())
        return GuestRoom() if row is None else GuestRoom(bool(row.open), bool(row.auto_publish), row.highlighted)

    def _room_row(self, connection: Connection, code: str) -> None:
        connection.execute(
            self.store._upsert(rooms, {"session": code, "open": False, "auto_publish": False, "highlighted": ""}, ["session"], {})
        )

    def set_room(self, code: str, *, open: bool | None = None, auto_publish: bool | None = None, now: float | None = None) -> bool:
        """Open or close asking, and turn auto-publish on or off; False when there is no such session. Turning
        auto-publish on publishes what is waiting in the inbox."""

        def work(connection: Connection) -> bool:
            if connection.execute(select(sessions.c.code).where(sessions.c.code == code)).first() is None:
                return False
            self._room_row(connection, code)
            changes: dict[str, bool] = {}
            if open is not None:
                changes["open"] = bool(open)
            if auto_publish is not None:
                changes["auto_publish"] = bool(auto_publish)
            if changes:
                connection.execute(update(rooms).where(rooms.c.session == code).values(**changes))
            if auto_publish:
                self._publish_pending(connection, code, time.time() if now is None else now)
            self.store._announce(connection, code, NEWS)
            return True

        return self.store._run(work)

    @staticmethod
    def _publish_pending(connection: Connection, code: str, now: float) -> None:
        connection.execute(
            update(guest_questions)
            .where(guest_questions.c.session == code, guest_questions.c.state == "pending")
            .values(state="published", published_at=now)
        )

    def open_rooms(self, now: float) -> list[str]:
        """Codes of running sessions whose questions for the guest are open, newest session first (the attract
        screen's "scan here")."""
        query = (
            select(sessions.c.code)
            .join(rooms, rooms.c.session == sessions.c.code)
            .where(rooms.c.open, sessions.c.expires > now)
            .order_by(sessions.c.created.desc())
        )
        return list(self.store._read(lambda c: c.scalars(query).all()))

    # --- asking ----------------------------------------------------------------------------------------------

    def ask(
        self, code: str, token: str, typed: str, now: float, *, language: str = "en", place: str = "", scene: str = ""
    ) -> tuple[GuestQuestion, Checked]:
        """Check and keep a participant's question (``place`` and ``scene`` already checked against the content:
        :func:`explorer.guest.check_ref`); published at once when the room auto-publishes. :class:`LiveError`
        when asking is closed, the participant is not in the session or is over a limit; ``AnswerRefused`` for
        an empty text."""
        if not valid_participant(token):
            raise ValueError("not a participant token")
        checked = check_ask(typed)
        language = language if language in LANGUAGES else "en"
        if len(place) > 64 or len(scene) > 64:
            raise ValueError("a place or scene id is at most 64 characters")

        def work(connection: Connection) -> tuple[GuestQuestion, Checked]:
            session = connection.execute(
                select(sessions.c.expires).where(sessions.c.code == code).with_for_update(key_share=True)
            ).first()  # asks in one session are counted one after another
            if session is None or now >= session.expires:
                raise AnswerRefused(ENDED)
            room = connection.execute(select(rooms).where(rooms.c.session == code)).first()
            if room is None or not room.open:
                raise LiveError(ASKING_CLOSED)
            known = select(participants.c.token).where(participants.c.session == code, participants.c.token == token)
            if connection.execute(known).first() is None:
                raise LiveError(ASKING_CLOSED)
            count = func.count()
            asked = select(count).select_from(guest_questions).where(guest_questions.c.session == code)
            if (connection.scalar(asked) or 0) >= MAX_GUEST_QUESTIONS:
                raise LiveError(GUEST_FULL)
            mine = asked.where(guest_questions.c.participant == token)
            if (connection.scalar(mine) or 0) >= MAX_ASKS_EACH:
                raise LiveError(ASKS_EACH_REACHED, limit=MAX_ASKS_EACH)
            if (connection.scalar(mine.where(guest_questions.c.asked_at > now - ASK_WINDOW)) or 0) >= ASKS_PER_WINDOW:
                raise LiveError(TOO_MANY_ASKS)
            state = "published" if room.auto_publish else "pending"
            question = GuestQuestion(
                id=new_guest_id(),
                session=code,
                participant=token,
                text=checked.value,
                asked_at=now,
                language=language,
                place=place,
                scene=scene,
                state=state,
                cut=checked.cut,
                published_at=now if state == "published" else None,
            )
            connection.execute(insert(guest_questions).values(**self._row(question)))
            self.store._announce(connection, code, NEWS)
            self.store._count(connection, "guest_question", language, now)
            return question, checked

        return self.store._run(work)

    @staticmethod
    def _row(q: GuestQuestion) -> dict[str, object]:
        return {
            "id": q.id,
            "session": q.session,
            "participant": q.participant,
            "text": q.text,
            "cut": q.cut,
            "language": q.language,
            "place": q.place,
            "scene": q.scene,
            "state": q.state,
            "starred": q.starred,
            "asked_at": q.asked_at,
            "published_at": q.published_at,
            "answered_at": q.answered_at,
            "duplicate_of": q.duplicate_of,
        }

    # --- reading ---------------------------------------------------------------------------------------------

    def questions(self, code: str, states: Iterable[str] | None = None) -> list[GuestQuestion]:
        """The session's questions for the guest (of ``states``, else all), each with its votes, in the order asked."""
        counted = (
            select(votes.c.question, func.count().label("votes")).where(votes.c.session == code).group_by(votes.c.question).subquery()
        )
        query = (
            select(guest_questions, func.coalesce(counted.c.votes, 0).label("votes"))
            .outerjoin(counted, counted.c.question == guest_questions.c.id)
            .where(guest_questions.c.session == code)
            .order_by(guest_questions.c.asked_at, guest_questions.c.id)
        )
        if states is not None:
            query = query.where(guest_questions.c.state.in_(list(states)))
        rows = self.store._read(lambda c: c.execute(query).all())
        return [
            GuestQuestion(
                id=r.id,
                session=r.session,
                participant=r.participant,
                text=r.text,
                asked_at=r.asked_at,
                language=r.language,
                place=r.place,
                scene=r.scene,
                state=r.state,
                starred=bool(r.starred),
                cut=bool(r.cut),
                votes=int(r.votes),
                published_at=r.published_at,
                answered_at=r.answered_at,
                duplicate_of=r.duplicate_of,
            )
            for r in rows
        ]

    def voted(self, code: str, token: str) -> set[str]:
        """The questions this participant has voted for."""
        query = select(votes.c.question).where(votes.c.session == code, votes.c.participant == token)
        return set(self.store._read(lambda c: c.scalars(query).all()))

    def votes_for(self, question_id: str) -> int:
        """One question's votes (for the answer to a vote sent from a page that shows it in place)."""
        query = select(func.count()).select_from(votes).where(votes.c.question == question_id)
        return self.store._read(lambda c: c.scalar(query) or 0)

    def vote_count(self, code: str) -> int:
        return self.store._read(lambda c: c.scalar(select(func.count()).select_from(votes).where(votes.c.session == code)) or 0)

    # --- voting ----------------------------------------------------------------------------------------------

    def vote(self, question_id: str, token: str, up: bool, now: float) -> bool:
        """Give (``up``) or take back a participant's vote for a published question; whether the vote is there now.
        A vote given twice is kept once (the primary key). :class:`LiveError` (``NOT_VOTABLE``) for a question that
        is not published, or a participant not in its session."""
        if not valid_participant(token):
            raise ValueError("not a participant token")

        def work(connection: Connection) -> bool:
            row = connection.execute(
                select(guest_questions.c.session, guest_questions.c.state, sessions.c.expires)
                .join(sessions, sessions.c.code == guest_questions.c.session)
                .where(guest_questions.c.id == question_id)
            ).first()
            if row is None or now >= row.expires:
                raise LiveError(NOT_VOTABLE)
            known = select(participants.c.token).where(participants.c.session == row.session, participants.c.token == token)
            if connection.execute(known).first() is None:
                raise LiveError(NOT_VOTABLE)
            if not up:
                gone = connection.execute(delete(votes).where(votes.c.question == question_id, votes.c.participant == token)).rowcount
                if gone:
                    self.store._announce(connection, row.session, NEWS)
                return False
            if row.state != "published":
                raise LiveError(NOT_VOTABLE)
            values = {"question": question_id, "participant": token, "session": row.session, "voted_at": now}
            added = connection.execute(self.store._upsert(votes, values, ["question", "participant"], {})).rowcount
            if added:
                self.store._announce(connection, row.session, NEWS)
                self.store._count(connection, "guest_vote", "up", now)
            return True

        return self.store._run(work)

    # --- moderating ------------------------------------------------------------------------------------------

    def moderate(self, code: str, ids: Iterable[str], action: str, now: float) -> int:
        """Apply ``action`` (``explorer.guest.ACTIONS``: publish, hide, answer, archive, restore) to the questions
        ``ids`` of session ``code`` where it applies; how many changed. A question leaving the shown states, or
        answered, stops being highlighted."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        wanted = list(dict.fromkeys(ids))

        def work(connection: Connection) -> int:
            rows = connection.execute(
                select(guest_questions.c.id, guest_questions.c.state)
                .where(guest_questions.c.session == code, guest_questions.c.id.in_(wanted))
                .with_for_update()
            ).all()
            changed = 0
            for row in rows:
                state = next_state(row.state, action)
                if state is None:
                    continue
                values: dict[str, object] = {"state": state}
                if state == "published":
                    values["published_at"] = func.coalesce(guest_questions.c.published_at, now)
                    values["duplicate_of"] = ""
                if state == "answered":
                    values["answered_at"] = now
                connection.execute(update(guest_questions).where(guest_questions.c.id == row.id).values(**values))
                changed += 1
                if state != "published":
                    connection.execute(
                        update(rooms).where(rooms.c.session == code, rooms.c.highlighted == row.id).values(highlighted="")
                    )
            if changed:
                self.store._announce(connection, code, NEWS)
            return changed

        return self.store._run(work)

    def star(self, code: str, ids: Iterable[str], starred: bool = True) -> int:
        """Star (queue) or unstar questions; how many changed."""
        wanted = list(dict.fromkeys(ids))

        def work(connection: Connection) -> int:
            changed = connection.execute(
                update(guest_questions)
                .where(guest_questions.c.session == code, guest_questions.c.id.in_(wanted), guest_questions.c.starred != bool(starred))
                .values(starred=bool(starred))
            ).rowcount
            if changed:
                self.store._announce(connection, code, NEWS)
            return changed

        return self.store._run(work)

    def highlight(self, code: str, question_id: str, now: float) -> bool:
        """Put a question on the projector as the one being answered ("" takes the highlight off); a question
        still in the inbox is published first. False when it is not a question of this session that can be shown
        (hidden, archived or answered: restore it first)."""

        def work(connection: Connection) -> bool:
            self._room_row(connection, code)
            if question_id:
                state = connection.scalar(
                    select(guest_questions.c.state).where(guest_questions.c.session == code, guest_questions.c.id == question_id)
                )
                if state not in ("pending", "published"):
                    return False
                if state == "pending":
                    connection.execute(
                        update(guest_questions).where(guest_questions.c.id == question_id).values(state="published", published_at=now)
                    )
            connection.execute(update(rooms).where(rooms.c.session == code).values(highlighted=question_id))
            self.store._announce(connection, code, NEWS)
            return True

        return self.store._run(work)

    def merge(self, code: str, duplicate_id: str, into_id: str, now: float) -> bool:
        """Merge a duplicate into another question of the session: its voters' votes move to that question (a
        participant who voted for both keeps one), and the duplicate is archived, marked as merged. False when
        either is not a question of this session, or they are the same."""
        if duplicate_id == into_id:
            return False

        def work(connection: Connection) -> bool:
            found = connection.execute(
                select(guest_questions.c.id, guest_questions.c.state)
                .where(guest_questions.c.session == code, guest_questions.c.id.in_([duplicate_id, into_id]))
                .with_for_update()
            ).all()
            if len(found) != 2:
                return False
            moved = select(votes.c.participant).where(votes.c.question == duplicate_id)
            already = select(votes.c.participant).where(votes.c.question == into_id)
            connection.execute(
                insert(votes).from_select(
                    ["question", "participant", "session", "voted_at"],
                    select(literal(into_id, String), votes.c.participant, votes.c.session, votes.c.voted_at).where(
                        and_(votes.c.question == duplicate_id, votes.c.participant.not_in(already))
                    ),
                )
            )
            connection.execute(delete(votes).where(votes.c.question == duplicate_id, votes.c.participant.in_(moved)))
            connection.execute(
                update(guest_questions).where(guest_questions.c.id == duplicate_id).values(state="archived", duplicate_of=into_id)
            )
            connection.execute(
                update(rooms).where(rooms.c.session == code, rooms.c.highlighted == duplicate_id).values(highlighted="")
            )
            self.store._announce(connection, code, NEWS)
            return True

        try:
            return self.store._run(work)
        except IntegrityError:  # a vote for the target came in between: the rule held, try once more
            return self.store._run(work)


def purge_guest(connection: Connection, gone) -> None:
    """Delete the questions for the guest, their votes and rooms of the sessions in ``gone`` (a subquery of codes)."""
    for table in TABLES:
        connection.execute(delete(table).where(table.c.session.in_(gone)))
