"""The phones' side of "Questions for the guest", as ``st.App`` routes beside the session's (``participant.py``):
the same session, code, QR code, cookie and limits; the page is ``explorer.guestpage``'s HTML.

- ``GET /join/guest?code=`` (``lang``, ``spoilers``, ``t`` kept as ``/join`` keeps them; ``order=newest``): the page.
  A phone without the session's cookie joins exactly as on ``/join`` (cap, joining closed, limiters, ticket).
- ``POST /join/guest/ask``: a question (text, optional place and scene); ``POST /join/guest/vote``: a vote given
  (``up=1``) or taken back. Both go 303 back to the page with a short notice, or show the page again saying why
  not (in the phone's language), what was typed kept.
- The phone's stream (``/join/events``) says ``event: guest`` as the questions change, at most every
  ``participant.GUEST_EVERY`` seconds; ``/join/state`` carries the same ``guest`` signal.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from explorer.guest import (
    ASKS_EACH_REACHED,
    GUEST_FULL,
    MAX_ASK,
    NOT_VOTABLE,
    ORDERS,
    TOO_MANY_ASKS,
    UNKNOWN_SCENE,
    GuestRoom,
    check_ref,
)
from explorer.guestpage import ASK_CUT, ASKED, ASKED_PUBLISHED, NOTICES, GuestView, guest_html, vote_state
from explorer.gueststore import GuestBook
from explorer.i18n import t
from explorer.joinpage import Note, Shell, problem_html
from explorer.live import AnswerRefused, LiveError, LiveSession, normalise_code
from explorer.livestore import LiveStore, StoreUnavailable
from explorer.spoilers import visibility
from explorer_app.participant import (
    LOOKS,
    Visit,
    check_code,
    join_session,
    page,
    read_form,
    set_cookie,
    too_large,
    visit,
)

PATH = "join/guest"
LIMITS = (TOO_MANY_ASKS, ASKS_EACH_REACHED, GUEST_FULL)  # refusals said with 429 (the others: 409)


def _order(v: Visit, form: dict[str, str] | None = None) -> str:
    order = (form or {}).get("order") or v.request.query_params.get("order", "")
    return order if order in ORDERS else "votes"


def _shell(v: Visit, session: LiveSession, order: str) -> Shell:
    shell = v.shell(session.code, session.spoiler_safe)
    return Shell(shell.root, shell.stylesheet, shell.script, {**shell.here, "order": order if order != "votes" else ""}, PATH)


def _here(v: Visit, code: str) -> Shell:
    """The guest page's shell without a session read (its Refresh link comes back here, not to the session's page)."""
    shell = v.shell(code)
    return Shell(shell.root, shell.stylesheet, shell.script, shell.here, PATH if code else "join")


def _view(
    v: Visit,
    store: LiveStore,
    session: LiveSession,
    pid: str,
    order: str,
    *,
    note: Note | None = None,
    typed: str = "",
    place: str = "",
    scene: str = "",
    sent: str = "",
    done: str = "",
) -> GuestView:
    room, questions = LOOKS.guest(store, session.code)
    mine = [q for q in questions if q.participant == pid]
    if note is None and sent and (asked := next((q for q in mine if q.id == sent), None)) is not None:
        note = Note(t(ASKED_PUBLISHED if asked.shown else ASKED, v.language))
        if asked.cut:
            note = Note(t(ASK_CUT, v.language, limit=MAX_ASK) + " " + note.text, "warn")
    if note is None and done in NOTICES:
        note = Note(t(NOTICES[done], v.language))
    voted = frozenset(GuestBook(store).voted(session.code, pid))
    return GuestView(
        session.code,
        room,
        [q for q in questions if q.shown],
        [q for q in mine if q.state == "pending"],
        voted,
        order,
        session.spoiler_safe,
        note,
        typed,
        place,
        scene,
    )


def _page(v: Visit, session: LiveSession, view: GuestView, status: int = 200) -> Response:
    code = session.code
    html = guest_html(
        v.content,
        _shell(v, session, view.order),
        view,
        v.language,
        events=f"{v.root}join/events?code={code}",
        state=f"{v.root}join/state?code={code}",
    )
    return page(html, status)


def show(v: Visit) -> Response:
    """``GET /join/guest``: the page, joining the session first when the phone is not in it yet."""
    typed = v.request.query_params.get("code", "")
    if not typed:
        return RedirectResponse(v.shell().url(), status_code=303)
    now = time.time()
    try:
        store = v.store()
        found = check_code(v, store, typed, now)
        if isinstance(found, Response):
            return found
        pid, value = v.participant(store, found.code), None
        if pid is None:
            joined = join_session(v, store, found, now)
            if isinstance(joined, Response):
                return joined
            pid, value = joined
        query = v.request.query_params
        response = _page(v, found, _view(v, store, found, pid, _order(v), sent=query.get("sent", ""), done=query.get("done", "")))
    except StoreUnavailable as exc:
        text = exc.text(v.language)
        return page(problem_html(_here(v, normalise_code(typed) or ""), text, text, v.language), 503)
    if value is not None:
        set_cookie(v, found, value, response, now)
    return response


def _back(v: Visit, session: LiveSession, order: str, anchor: str = "", **params: str) -> Response:
    url = _shell(v, session, order).url(**params)
    return RedirectResponse(url + (f"#q-{anchor}" if anchor else ""), status_code=303)


def _unavailable(
    v: Visit, code: str, order: str, exc: StoreUnavailable, typed: str = "", place: str = "", scene: str = ""
) -> Response:
    """The store went while a question or a vote was sent: said plainly, never acknowledged, and a question kept
    in the form (the room as this process last read it, when it has)."""
    note = Note(exc.text(v.language), "error")
    session = LiveSession(code, "", 0.0, float("inf"), v.language, v.spoilers)
    cached = LOOKS.cached_guest(code)
    if not typed:
        return page(problem_html(_here(v, code), note.text, note.text, v.language), 503)
    room, questions = cached if cached is not None else (GuestRoom(open=True), [])
    view = GuestView(code, room, [q for q in questions if q.shown], (), frozenset(), order, v.spoilers, note, typed, place, scene)
    return _page(v, session, view, 503)


def _joined(v: Visit, store: LiveStore, code: str, now: float) -> tuple[LiveSession, str] | None:
    """The session and this phone's pid in it, or None (not in it, or it ended: the page says why, or joins)."""
    v.has_ticket(store, code)  # a ticket the form carried stays in the address it goes back to
    pid = v.participant(store, code)
    session = LOOKS.session(store, code)
    if pid is None or session is None or session.expired(now):
        return None
    return session, pid


def asked(v: Visit, form: dict[str, str]) -> Response:
    """``POST /join/guest/ask``: the phone's question; 303 back to the page, or the page again saying why not."""
    code = normalise_code(form.get("code", ""))
    if code is None:
        return RedirectResponse(v.shell().url(), status_code=303)
    typed, place, scene, order = form.get("text", ""), form.get("place", ""), form.get("scene", ""), _order(v, form)
    now = time.time()
    try:
        store = v.store()
        found = _joined(v, store, code, now)
        if found is None:
            return RedirectResponse(_here(v, code).url(), status_code=303)
        session, pid = found

        def again(exc: LiveError, status: int) -> Response:
            note = Note(exc.text(v.language), "error")
            kept_place = place if v.content.place(place.strip()) is not None else ""
            kept_scene = scene if v.content.scene(scene.strip()) is not None else ""
            view = _view(v, store, session, pid, order, note=note, typed=typed[: MAX_ASK * 4], place=kept_place, scene=kept_scene)
            return _page(v, session, view, status)

        try:
            place, scene = check_ref(v.content, place[:200], scene[:200])
            if scene and not visibility(v.content, session.spoiler_safe).scene(scene):  # not a scene this session shows
                raise AnswerRefused(UNKNOWN_SCENE)
            question, _ = GuestBook(store).ask(code, pid, typed, now, language=v.language, place=place, scene=scene)
            LOOKS.forget("guest", code)
        except AnswerRefused as exc:
            return again(exc, 422)
        except LiveError as exc:  # closed, or over a limit
            return again(exc, 429 if exc.message in LIMITS else 409)
    except StoreUnavailable as exc:
        return _unavailable(v, code, order, exc, typed[: MAX_ASK * 4], place[:64], scene[:64])
    return _back(v, session, order, sent=question.id)


def voted(v: Visit, form: dict[str, str]) -> Response:
    """``POST /join/guest/vote``: a vote given (``up=1``) or taken back; 303 back to the page at the question."""
    code = normalise_code(form.get("code", ""))
    if code is None:
        return RedirectResponse(v.shell().url(), status_code=303)
    question_id, up, order = form.get("question", "")[:64], form.get("up", "") == "1", _order(v, form)
    now = time.time()
    if in_place(v):
        return _voted_in_place(v, code, question_id, up, now)
    try:
        store = v.store()
        found = _joined(v, store, code, now)
        if found is None:
            return RedirectResponse(_here(v, code).url(), status_code=303)
        session, pid = found
        book = GuestBook(store)
        if question_id not in {q.id for q in LOOKS.guest(store, code)[1]}:  # not a question of this session
            return _page(v, session, _view(v, store, session, pid, order, note=Note(t(NOT_VOTABLE, v.language), "error")), 409)
        try:
            book.vote(question_id, pid, up, now)
            LOOKS.forget("guest", code)
        except LiveError as exc:
            return _page(v, session, _view(v, store, session, pid, order, note=Note(exc.text(v.language), "error")), 409)
    except StoreUnavailable as exc:
        return _unavailable(v, code, order, exc)
    return _back(v, session, order, question_id, done="up" if up else "down")


def in_place(v: Visit) -> bool:
    """Whether join.js sent the vote and shows its result in place (it asks for JSON): no page comes back, so a
    hall's votes cost a write and a count each, not a page each. Without script, the form's 303 and the page."""
    return v.request.headers.get("accept", "").startswith("application/json")


def _voted_in_place(v: Visit, code: str, question_id: str, up: bool, now: float) -> Response:
    """A vote from join.js: the question's row as it now stands (``guestpage.vote_state``), or what went wrong as
    ``{"error": text}`` (join.js then sends the form as a page would)."""
    try:
        store = v.store()
        found = _joined(v, store, code, now)
        if found is None:
            return JSONResponse({"error": t(NOT_VOTABLE, v.language)}, status_code=409)
        _, pid = found
        book = GuestBook(store)
        try:
            mine = book.vote(question_id, pid, up, now)
        except LiveError as exc:
            return JSONResponse({"error": exc.text(v.language)}, status_code=409)
        return JSONResponse(vote_state(book.votes_for(question_id), mine, v.language), headers={"Cache-Control": "no-store"})
    except StoreUnavailable as exc:
        return JSONResponse({"error": exc.text(v.language)}, status_code=503)


def _then(handle: Callable[..., Response], request: Request, *args: object) -> Response:
    v = visit(request, *args[:1])  # type: ignore[arg-type]
    return v if isinstance(v, Response) else handle(v, *args)


async def _show(request: Request) -> Response:
    return await run_in_threadpool(_then, show, request)


async def _posted(request: Request, handle: Callable[[Visit, dict[str, str]], Response]) -> Response:
    form = await read_form(request)
    if form is None:
        return too_large()
    return await run_in_threadpool(_then, handle, request, form)


async def _ask(request: Request) -> Response:
    return await _posted(request, asked)


async def _vote(request: Request) -> Response:
    return await _posted(request, voted)


def guest_routes() -> list[BaseRoute]:
    """The guest page's routes (registered beside ``participant_routes``)."""
    return [
        Route("/join/guest", _show, methods=["GET"]),
        Route("/join/guest/ask", _ask, methods=["POST"]),
        Route("/join/guest/vote", _vote, methods=["POST"]),
    ]
