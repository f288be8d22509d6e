"""Live session, the presenter's page: start a session, show its join code and QR code on the projector, ask the
participants questions from the explorer's content, and show everyone's answers as they arrive.

The controls need the presenter's secret link (``live?code=…&key=…``, made at start), checked before the guessing
limiter, so a room locked out by someone's wrong guesses never locks out its presenter; how the pieces talk to
each other is in ``explorer_app/liveroom.py``. A kiosk never shows this page. The phones' side is not a Streamlit
page: ``/join`` (``explorer/joinpage.py``).

Two views of one session: the controls window (the default), where the presenter adds, opens and closes questions,
sets the number of places and approves or discards written answers, and the projector view, opened with its own
read-only link (``live?code=…&screen=…``, ``Signer.screen_key``: no presenter key in its address), which shows only
the join code, the QR code, how many have joined and the answers everyone may see: no navigation, no language or
spoiler-safe switch, no introduction; a written answer or a word waiting for approval never reaches it, nor how
many wait. Before the first question is opened it shows the code and "waiting for the first question". The old
``&view=screen`` beside the key still opens it, and the address then becomes the screen link.

The QR code's address carries the session's ticket (a phone that scanned the screen is never taken for a code
guesser); the address written out for typing stays short. Beside the places, "Close joining" closes the
session once everyone is in (the projector then says so), and a browser tab starts at most a few sessions in ten
minutes: ``explorer_app/livecontrols.py``.

From an answer to the screen: ``LiveStore.answer`` commits and announces it (``store.notifier``, NOTIFY on
PostgreSQL); ``/live/events`` streams it to the board's ``livepush`` component, whose trigger reruns the board
(at most once per 0.4 s), which reads the tallies; a half-second poll only where streaming breaks.

``?age=14-18&plan=after`` (the classroom page's "Ask this plan's questions live") queues the lesson plan's
questions at the start, in the plan's order; "Next question" then closes the question on screen and opens the next
one in one press. Which question the controls show comes from the session's stored state (the open one, else the
latest asked, else the first queued), so a reload or a second window shows the real one; a question picked in this
window ("Show another question", or one just added) is kept in this browser tab only.
"""

import contextlib
import hashlib
import time
from collections import Counter
from typing import NoReturn
from urllib.parse import urlencode

import streamlit as st

from explorer.fragments import esc, md, tx
from explorer.handout import AGE_LABELS
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, N_, t
from explorer.live import (
    ENDED,
    KINDS,
    TOO_MANY_TRIES,
    UNKNOWN_CODE,
    ChoicesMismatch,
    LiveError,
    LiveQuestion,
    LiveSession,
    choices_from_lines,
    classroom_question,
    export_csv,
    export_xlsx,
    normalise_code,
    place_question,
    plan_questions,
    question_label,
    scene_question,
    word_question,
)
from explorer.livefragments import (
    KIND_LABELS,
    STATE_LABELS,
    join_html,
    question_text,
    results_html,
)
from explorer.livestore import StoreUnavailable
from explorer.model import AGE_BANDS, LESSON_KINDS
from explorer.qr import qr_png
from explorer.spoilers import visibility
from explorer_app import livecontrols
from explorer_app.livepush import SAFETY_NET, events_path, live_push, streaming
from explorer_app.liveroom import (
    LIMITER,
    PROJECTOR_POLL,
    client_address,
    current_question,
    live_store,
    page_url,
    phones_cannot_reach,
    presenter_question,
)
from explorer_app.navigation import join_href, page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, url_choice

page = setup_page("live")
content, lang = page.content, page.language
if page.kiosk:  # presenter controls never on a kiosk: its visitors go back to the attract screen
    st.switch_page("pages/attract.py")

# the projector's own window: the code and the answers only, without the explorer's navigation and title; opened
# by its read-only link (screen=…), or by the presenter's link with view=screen (older links: the address then
# becomes the read-only one)
screen_key = st.query_params.get("screen", "")
legacy_screen = st.query_params.get("view") == "screen"
screen = (bool(screen_key) or legacy_screen) and bool(st.query_params.get("code"))
if not screen:
    page_header(
        page,
        t("Live session", lang),
        t(
            "Ask questions about the film and show everyone's answers on the projector as they arrive. "
            "Participants answer on their phones with a code: no account, no name.",
            lang,
        ),
    )


def unavailable(exc: StoreUnavailable) -> NoReturn:
    st.error(exc.text(lang), icon=":material/cloud_off:")
    st.stop()


try:
    store = live_store(page.settings)
except StoreUnavailable as exc:
    unavailable(exc)

typed_code = normalise_code(st.query_params.get("code", ""))
secret = st.query_params.get("key", "")
# as the classroom page names its plans (the same strings, so the same translations)
PLAN_NAMES = {
    "after": N_("A 50-minute lesson after the screening"),
    "around": N_("A 50-minute lesson before and after the screening"),
    "short": N_("A 20-minute lesson, before and after the screening"),
    "before": N_("A 20-minute lesson before the screening"),
}
PICKED = "hx-live-picked"  # the question this browser tab chose to show (a reload shows the session's own)


def reach_warning() -> None:
    """Said to the presenter when the phones could not open the join address: it is this computer's own name for
    itself (localhost) and no public address is set. First what a teacher can do, in plain words; the technical
    details folded under it, for whoever installed the explorer."""
    if phones_cannot_reach(page_url(), page.settings.public_url):
        st.warning(
            t(
                "Phones cannot open this address. Ask whoever installed the explorer for its network address, "
                "or open it by this computer's network address.",
                lang,
            ),
            icon=":material/wifi_off:",
        )
        with st.expander(t("Technical details", lang), icon=":material/settings:"):
            caption(
                t(
                    "“localhost” (or 127.0.0.1) is this computer's name for itself, so a phone would look for the "
                    "explorer on the phone. Open the explorer at this computer's network address instead (for "
                    "example http://192.168.1.20:8501; the server listens there unless it was started with "
                    "--address 127.0.0.1), or set public_url in explorer.toml (or EXPLORER_PUBLIC_URL) to the "
                    "address the phones use.",
                    lang,
                )
            )


def wanted_plan() -> tuple[str, str] | None:
    """The lesson plan the link asks to queue (``?plan=after&age=14-18``), when it names one; a link naming
    none that exists gets a note and the page carries on without it."""
    kind = st.query_params.get("plan")
    if not kind:
        return None
    age = st.query_params.get("age") or "14-18"
    if kind not in LESSON_KINDS:
        st.warning(
            t(
                "“{value}” in the link is not a lesson plan, so no question is queued; you can add them below "
                "once the session has started.",
                lang,
                value=md(kind[:40]),
            ),
            icon=":material/link_off:",
        )
        return None
    if age not in AGE_BANDS:
        st.warning(
            t(
                "“{value}” in the link is not an age band, so the plan's questions are not queued; you can add "
                "them below once the session has started.",
                lang,
                value=md(age[:40]),
            ),
            icon=":material/link_off:",
        )
        return None
    if content.teaching is None or content.teaching.plan(age, kind) is None:
        st.warning(t("There is no such lesson plan for this age band, so no question is queued.", lang), icon=":material/link_off:")
        return None
    return age, kind


def start(spoiler_safe: bool, plan: tuple[str, str] | None) -> None:
    if not livecontrols.may_start(st.session_state, time.time()):  # this tab's allowance, before the address's
        st.session_state["hx-live-error"] = t(livecontrols.TOO_MANY_STARTS_HERE, lang)
        return
    try:
        session, key = store.start_session(
            time.time(), lang, spoiler_safe, page.settings.session_hours * 3600, address=client_address(page.settings)
        )
    except (StoreUnavailable, LiveError) as exc:  # LiveError: this address started too many sessions this hour
        st.session_state["hx-live-error"] = exc.text(lang)
        return
    livecontrols.note_start(st.session_state, time.time())
    try:
        if plan:  # all or none, numbered by the store in the plan's order
            store.add_questions(plan_questions(content, session, *plan)[0])
    except (StoreUnavailable, LiveError) as exc:  # the session is there: its controls say what was not queued
        st.session_state["hx-live-add-problem"] = exc.text(lang)
    st.query_params["code"], st.query_params["key"] = session.code, key
    st.query_params.pop("plan", None)  # queued once: a reload does not queue the plan again
    st.query_params.pop("q", None)  # the controls show the session's own state, not a question named in the address
    st.session_state.pop(PICKED, None)


if typed_code is None:  # no session yet: the start form
    if st.session_state.get("hx-live-error"):
        st.error(st.session_state.pop("hx-live-error"), icon=":material/cloud_off:")
    if "code" in st.query_params:
        st.info(
            t("“{value}” is not a session code; start a new session below.", lang, value=md(st.query_params["code"][:20])),
            icon=":material/link_off:",
        )
    st.write(
        t(
            "A session lasts {hours} hours; then it is deleted with every answer in it. Nothing is asked of "
            "the participants but their answers.",
            lang,
            hours=page.settings.session_hours,
        )
    )
    if page.spoiler_safe:
        st.info(
            t(
                "Spoiler-safe is on, for a session before viewing: no question will tell what happens after Stefan "
                "and Shuxiu first meet.",
                lang,
            ),
            icon=":material/visibility_off:",
        )
    else:
        caption(t("Before the screening? Switch on spoiler-safe at the top first.", lang))
    caption(t("Not everyone has a phone? Pairs or small groups can share one: each phone is one voice.", lang))
    plan = wanted_plan()
    lesson = content.teaching.plan(*plan) if plan is not None and content.teaching is not None else None
    if plan is not None and lesson is not None:  # wanted_plan names only a plan there is
        view = visibility(content, page.spoiler_safe)
        ids = [
            q
            for q in lesson.question_ids()
            if (found := content.question(q)) is not None and plan[0] in found.ages and view.question(found)
        ]
        left_out = len(lesson.question_ids()) - len(ids)
        st.info(
            t(
                "{plan}, {age}: starting the session queues its questions in order ({numbers}). Open the first; "
                "“Next question” then closes each and opens the next in one press.",
                lang,
                plan=t(PLAN_NAMES[plan[1]], lang),
                age=t(AGE_LABELS[plan[0]], lang),
                numbers=", ".join(content.question_label(q) for q in ids) or "–",
            ),
            icon=":material/playlist_add:",
        )
        if left_out:
            caption(t("Spoiler-safe leaves out the plan's questions about scenes after the first encounter.", lang))
    reach_warning()
    st.button(
        t("Start a live session", lang),
        type="primary",
        on_click=start,
        args=(page.spoiler_safe, plan),
        icon=":material/groups:",
        key="live-start",
    )
    st.stop()

code: str = typed_code  # a session's code from here on
now = time.time()
try:
    found_session = store.find(code)
except StoreUnavailable as exc:
    unavailable(exc)
# The keys are checked before the guessing limiter: someone else's wrong guesses from this network never lock the
# presenter (or the projector's window) out of their own session; every wrong or missing key still counts.
if screen_key:  # the projector's read-only link: the screen key alone opens it
    allowed = found_session is not None and store.signer().is_screen(code, screen_key)
else:
    allowed = found_session is not None and found_session.is_presenter(secret)
if not allowed:
    address = client_address(page.settings)
    if LIMITER.blocked(address, now):  # codes and keys are guessed here too: the same allowance as on /join
        st.warning(t(TOO_MANY_TRIES, lang), icon=":material/hourglass_top:")
        st.stop()
    LIMITER.failed(address, now)
if found_session is None or found_session.expired(time.time()):
    st.warning(t(ENDED if found_session else UNKNOWN_CODE, lang), icon=":material/event_busy:")
    st.button(t("Start a new session", lang), on_click=lambda: st.query_params.from_dict(page.carried()), key="live-new")
    st.stop()
session: LiveSession = found_session
# the phones' address: the public one, or else the page's own, up to the page's name; phones of a session before
# viewing open it spoiler-safe too. The QR code's carries the session's ticket; the one to type stays short.
base = page.settings.public_url or (st.context.url or "").split("?")[0].rstrip("/").removesuffix("/live")
if not allowed:
    st.warning(
        t("This link does not open the presenter's controls. To answer the questions, join with the code.", lang),
        icon=":material/lock:",
    )
    # a plain link (the phones' page is not one of the explorer's Streamlit pages), relative to this page's address
    phones = join_href({"code": code, **page.carried(), **({"spoilers": "hide"} if session.spoiler_safe else {})})
    label = t("Join the session", lang)  # outside the f-string, where the catalogs' extractor finds it
    st.html(f'<p class="hx-live-join-link"><a href="{esc(phones)}">{tx(label, lang)}</a></p>')
    st.stop()
if legacy_screen and not screen_key:  # an older projector link: the presenter's key leaves the address
    screen_key = store.signer().screen_key(code)
    for name in ("key", "view"):
        st.query_params.pop(name, None)
    st.query_params["screen"] = screen_key
    secret = ""

# --- the presenter's view ------------------------------------------------------------------------------------

if session.spoiler_safe and not screen:
    caption(
        t(
            "A session before viewing: no question tells what happens after Stefan and Shuxiu first meet, and the "
            "phones open the explorer spoiler-safe.",
            lang,
        )
    )
if not screen:  # near the top: this window's address carries the key, and a smartboard shows the address bar
    st.warning(
        t(
            "This window's address is your presenter link: keep it to come back to the controls (it is also "
            "under “Your presenter link” at the bottom), and do not show it to the participants: anyone with "
            "it can steer the session.",
            lang,
        ),
        icon=":material/key:",
    )

join_url, typed_address = livecontrols.join_addresses(base, code, session.spoiler_safe, store.signer().ticket(code))
own_link = f"{base}/live?{urlencode({'code': code, 'key': secret})}"
# the projector's window, read-only: relative to this page's address, whatever name the browser reached it by
screen_link = f"live?{urlencode({'code': code, 'screen': store.signer().screen_key(code)})}"


def label_of(question: LiveQuestion) -> str:
    """How the room names a question: a classroom question's one number (Q7), else its kind."""
    return question_label(content, question, lang)


def word_key(word: str) -> str:
    """A widget key for a word, whatever its characters."""
    return hashlib.sha1(word.encode("utf-8")).hexdigest()[:12]


def questions() -> list[LiveQuestion]:
    try:
        return store.questions(code)
    except StoreUnavailable as exc:
        unavailable(exc)


asked = questions()
if screen:  # it follows the session as the phones do: the open question, else the latest asked; none before
    current = current_question(asked)  # the first is opened (a queued plan's questions are not shown ahead)
else:  # the session's own question, unless this tab picked another one (kept until it is the session's own)
    own = presenter_question(asked)
    current = next((q for q in asked if q.id == st.session_state.get(PICKED)), own)
    if current is own:
        st.session_state.pop(PICKED, None)


def snapshot(questions: list[LiveQuestion]) -> list[tuple[str, str]]:
    return [(q.id, q.state) for q in questions]


# the session's stream: read with the screen key on the projector's window, with the presenter's on the controls
events = events_path(code, screen=screen_key) if screen else events_path(code, key=secret)
PUSH = "live-push"  # the board's push component (livepush.js)
pushed = streaming(PUSH)  # as this browser last reported: a slow safety net then, else the half-second poll


@st.fragment(run_every=SAFETY_NET if pushed else PROJECTOR_POLL)
def board() -> None:
    """The join code and the room's answers to the question on screen, read again whenever the session's stream
    says something changed (the push component's trigger reruns this fragment), and every few seconds anyway; every
    half second where streaming does not work. A question added, opened or closed in another window (the controls,
    when this one is the projector's) brings the whole page up to date."""
    if live_push(key=PUSH, address=events) != pushed:  # streaming started or broke: the other pace from now on
        st.rerun(scope="app")
    try:
        now = store.questions(code)
        if snapshot(now) != snapshot(asked):
            st.rerun(scope="app")
        joined = store.joined(code)
        stored = store.find(code) or session  # a cap or joining changed in another window shows here too
        if not screen and (stored.cap, stored.joining) != (session.cap, session.joining):
            st.rerun(scope="app")  # and the fields below follow it
    except StoreUnavailable as exc:
        st.error(exc.text(lang), icon=":material/cloud_off:")
        return
    if screen and not stored.joining:  # joining closed: no QR code to scan, the whole width for the answers
        left, right = st.container(), st.container()
    else:
        left, right = st.columns([2, 3], gap="large")
        with left:
            st.image(
                page.derived(("qr", join_url), lambda: qr_png(join_url, box_size=10)),
                width=300,
                alt=t("QR code that opens the session on a phone: {url}", lang, url=join_url),
            )
    try:
        shown = current
        with left:
            if stored.joining or not screen:
                st.html(join_html(code, typed_address, joined, lang))
            if not stored.joining:
                st.html(livecontrols.closed_html(lang))
            if not screen:  # the places, on the controls only
                line = livecontrols.places_line(joined, stored.cap, lang)
                st.html(f'<p class="hx-live-places" role="status">{tx(line, lang)}</p>')
                if joined >= stored.cap:
                    st.warning(
                        t(
                            "Every place is taken: a new phone cannot join. If more people are in the room, "
                            "raise the number of places under the answers.",
                            lang,
                        ),
                        icon=":material/group_off:",
                    )
                elif stored.joining and livecontrols.joining_fast(st.session_state, joined, stored.cap, time.time()):
                    st.warning(
                        t(
                            "Phones are joining faster than people in a room do. If the count runs past your "
                            "room, lower the number of places, and press “Close joining” once everyone "
                            "is in.",
                            lang,
                        ),
                        icon=":material/speed:",
                    )
        with right:
            if shown is None:
                begin = t("Waiting for the first question.", lang) if screen else t("Add a question below to begin.", lang)
                st.html(f'<p class="hx-note hx-live-waiting" role="status">{tx(begin, lang)}</p>')
                return
            answers = store.answers(code, shown.id)
            st.html(
                f'<section class="hx-live-question" aria-live="polite"><p class="hx-kicker">{tx(label_of(shown), lang)} · '
                f"{tx(t(STATE_LABELS[shown.state], lang), lang)}</p>"
                f"<h2>{tx(question_text(content, shown, lang), lang)}</h2>"
                f"{results_html(content, shown, answers, lang)}</section>"
            )
    except StoreUnavailable as exc:
        st.error(exc.text(lang), icon=":material/cloud_off:")


board()
if screen:
    st.stop()
reach_warning()


livecontrols.setup(store, session, lang, screen_link)

# --- steering the question on screen -------------------------------------------------------------------------


def move(question_id: str, state: str, shown: str) -> None:
    """Move the question from the state this window showed; if another window moved it meanwhile, say so."""
    try:
        store.move(question_id, state, expected=shown)
    except ValueError:
        st.session_state["hx-live-problem"] = t(
            "This question was changed in another window; here it is as it is now. Press again if you still want to.", lang
        )
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(lang)


def clear(question_id: str) -> None:
    with contextlib.suppress(StoreUnavailable):
        store.clear(question_id)


def show(question_id: str) -> None:
    """Show another question in this window (this browser tab only: a reload shows the session's own)."""
    st.session_state[PICKED] = question_id


def open_next(question_id: str) -> None:
    """Open the next queued question: that closes the one open, in the same step, and the projector and the phones
    follow. The window then shows the session's own question again."""
    st.session_state.pop(PICKED, None)
    move(question_id, "open", "draft")


def approve_picked(question_id: str, shown: list[tuple[str, str, str]], approved: bool = True) -> None:
    """Approve the written answers ticked (each if it still reads what the presenter read), or discard them."""
    picked = [(token, value) for token, value, key in shown if st.session_state.get(key)]
    try:
        store.approve_many(question_id, picked, approved=approved)
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(lang)
    for _, _, key in shown:
        st.session_state.pop(key, None)


def approve_all(question_id: str, shown: list[tuple[str, str, str]]) -> None:
    """Approve every written answer the list showed (not one that arrived since)."""
    try:
        store.approve_many(question_id, [(token, value) for token, value, _ in shown])
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(lang)


def hide_text(question_id: str, token: str, value: str) -> None:
    """Take a written answer off the projector and the phones for good: it is discarded (an "approve all" later
    cannot bring it back; only its writer's phone says it is not shown)."""
    try:
        store.refuse_many(question_id, [(token, value)])
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(lang)


def show_words(question_id: str, words: list[str]) -> None:
    with contextlib.suppress(StoreUnavailable):
        for word in words:
            store.approve_word(question_id, word)


if current is not None:
    st.subheader(t("Question on screen", lang))
    if st.session_state.get("hx-live-problem"):
        st.warning(st.session_state.pop("hx-live-problem"), icon=":material/sync_problem:")
    controls = st.container(horizontal=True, key="live-controls")
    actions = {
        "draft": [("open", t("Open for answers", lang), ":material/play_arrow:")],
        "open": [("closed", t("Close answers", lang), ":material/stop:")],
        "closed": [
            ("revealed", t("Show answers on phones", lang), ":material/visibility:"),
            ("open", t("Open again", lang), ":material/replay:"),
        ],
        "revealed": [("closed", t("Hide answers on phones", lang), ":material/visibility_off:")],
    }
    for number, (state, label, icon) in enumerate(actions[current.state]):
        controls.button(
            label,
            on_click=move,
            args=(current.id, state, current.state),
            icon=icon,
            key=f"live-{state}",
            type="primary" if number == 0 else "secondary",
        )
    following = next((q for q in asked if q.position > current.position and q.state == "draft"), None)
    if following is not None and current.state != "draft":  # a queued plan: its next question, one press away
        controls.button(
            t("Next question: {label}", lang, label=label_of(following)),
            on_click=open_next,
            args=(following.id,),
            icon=":material/skip_next:",
            key="live-next",
        )
    with controls.popover(t("Clear answers", lang), icon=":material/delete:"):
        st.write(t("Delete every answer to this question and set it back to not asked?", lang))
        st.button(t("Yes, clear the answers", lang), on_click=clear, args=(current.id,), key="live-clear")
    if current.moderated:
        with st.container(border=True, key="live-moderation"):
            st.markdown("**" + md(t("Waiting for approval", lang)) + "**")
            caption(
                t(
                    "Only in this window: everyone sees an answer once you approve it. A discarded answer is "
                    "never shown; only its writer's phone says so.",
                    lang,
                )
            )
            caption(t("Hide takes an answer already shown off the projector and the phones for good.", lang))

            # read every second: the presenter's own window only (one per session). A second push component on
            # this page lost reports (two fragments triggered at once: one of the two runs was not made), so the
            # board alone listens to the stream.
            @st.fragment(run_every=PROJECTOR_POLL * 2)
            def approvals(question: LiveQuestion) -> None:
                """The answers waiting, read again every second."""
                try:
                    everything = store.answers(code, question.id)
                    waiting = [a for a in everything if a.waiting]
                except StoreUnavailable as exc:
                    st.error(exc.text(lang))
                    return
                if not waiting:
                    caption(t("No answer is waiting.", lang))
                if question.kind == "word":  # a word at a time: once let through, it shows whoever gives it
                    words = Counter(a.value for a in waiting).most_common()
                    for word, count in words:
                        with st.container(
                            border=True, horizontal=True, vertical_alignment="center", key=f"hx-waiting-{word_key(word)}"
                        ):
                            st.html(f'<p class="hx-waiting"><bdi>{esc(word)}</bdi> <small>× {count}</small></p>')
                            st.button(
                                t("Show", lang),
                                key=f"approve-word-{word_key(word)}",
                                on_click=store.approve_word,
                                args=(question.id, word),
                            )
                            st.button(
                                t("Discard", lang),
                                key=f"refuse-word-{word_key(word)}",
                                on_click=store.refuse_word,
                                args=(question.id, word),
                                icon=":material/block:",
                            )
                    if len(words) > 1:
                        st.button(
                            t("Show every word listed", lang),
                            key="live-approve-words",
                            on_click=show_words,
                            args=(question.id, [word for word, _ in words]),
                            icon=":material/done_all:",
                        )
                    # the words let through, under the waiting ones (a new word is seen first), each can go again
                    shown = Counter(a.value for a in everything if a.approved)
                    if shown:
                        st.markdown("**" + md(t("Shown to everyone", lang)) + "**")
                    for word, count in shown.most_common():
                        with st.container(horizontal=True, vertical_alignment="center", key=f"hx-shown-{word_key(word)}"):
                            st.html(f'<p class="hx-shown-word"><bdi>{esc(word)}</bdi> <small>× {count}</small></p>')
                            # discarded for good: "show every word listed" cannot bring it back
                            st.button(
                                t("Hide", lang),
                                key=f"hide-word-{word_key(word)}",
                                on_click=store.refuse_word,
                                args=(question.id, word),
                                icon=":material/visibility_off:",
                            )
                    return
                listed = [(a.participant, a.value, f"pick-{word_key(a.participant + a.value)}") for a in waiting]
                for _, value, key in listed:
                    st.checkbox(md(value), key=key)
                if listed:
                    with st.container(horizontal=True):
                        picked = sum(1 for _, _, key in listed if st.session_state.get(key))
                        st.button(
                            t("Approve the ticked answers ({count})", lang, count=picked),
                            type="primary",
                            key="live-approve-picked",
                            on_click=approve_picked,
                            args=(question.id, listed),
                            icon=":material/check:",
                            disabled=not picked,
                        )
                        st.button(
                            t("Approve all listed ({count})", lang, count=len(listed)),
                            key="live-approve-all",
                            on_click=approve_all,
                            args=(question.id, listed),
                            icon=":material/done_all:",
                        )
                        st.button(
                            t("Discard the ticked answers ({count})", lang, count=picked),
                            key="live-refuse-picked",
                            on_click=approve_picked,
                            args=(question.id, listed, False),
                            icon=":material/block:",
                            disabled=not picked,
                        )
                # an answer approved by mistake comes off the projector again (it waits again, to approve or discard)
                approved = [a for a in everything if a.approved]
                if approved:
                    st.markdown("**" + md(t("Shown to everyone", lang)) + "**")
                for answer in approved:
                    with st.container(
                        horizontal=True,
                        vertical_alignment="center",
                        key=f"hx-shown-text-{word_key(answer.participant + answer.value)}",
                    ):
                        st.html(f'<p class="hx-shown-word" dir="auto">{esc(answer.value)}</p>')
                        st.button(
                            t("Hide", lang),
                            key=f"hide-text-{word_key(answer.participant + answer.value)}",
                            on_click=hide_text,
                            args=(question.id, answer.participant, answer.value),
                            icon=":material/visibility_off:",
                        )

            approvals(current)

if len(asked) > 1 and current is not None:  # with questions, the controls always show one
    st.session_state["live-show"] = current.id  # the list shows the question on screen, however it got there
    st.selectbox(
        t("Show another question", lang),
        [q.id for q in asked],
        format_func=lambda i: (lambda q: f"{label_of(q)} · {question_text(content, q, lang)}")(next(q for q in asked if q.id == i)),
        key="live-show",
        on_change=lambda: show(st.session_state["live-show"]),
    )

# --- adding a question ---------------------------------------------------------------------------------------

st.subheader(t("Ask a question", lang))
kind = (
    st.segmented_control(
        t("Kind of question", lang),
        list(KINDS),
        format_func=lambda k: t(KIND_LABELS[k], lang),
        default="classroom",
        required=True,
        key="live-kind",
    )
    or "classroom"
)
age, ref = "", ""
others = [language for language in LANGUAGES if language != lang]  # the choices in the phones' other languages
if kind == "classroom":
    age = url_choice(
        page, t("Age band", lang), list(AGE_BANDS), "live-age", lambda a: t(AGE_LABELS[a], lang), default="14-18", param="age"
    )
    # before-viewing questions first, then story order, as numbered everywhere; spoiler-safe hides what it hides
    offered = {q.id: q for q in visibility(content, session.spoiler_safe).questions(age)}
    before = t("before viewing", lang)
    ref = st.selectbox(
        t("Question", lang),
        list(offered),
        key="live-ref",
        format_func=lambda i: " · ".join(
            [content.question_label(i)] + ([before] if offered[i].phase == "before" else []) + [offered[i].text.get(lang)]
        ),
    )
    st.text_area(
        t("Answers to choose from, one per line (leave empty for written answers, which you approve before everyone sees them)", lang),
        key="live-choices",
        height=120,
    )
    with st.expander(t("The same answers in other languages (optional)", lang), icon=":material/translate:"):
        caption(
            t(
                "One per line, in the same order. A phone shows the answers in its language, else as you wrote "
                "them above; the count adds up each answer whatever language it was chosen in.",
                lang,
            )
        )
        for column, language in zip(st.columns(len(others)), others, strict=True):
            column.text_area(LANGUAGE_NAMES[language], key=f"live-choices-{language}", height=120)
else:
    caption(
        {
            "place": t(
                "Everyone taps the place that stayed with them on the map; the projector shows a map with "
                "each place sized by its votes.",
                lang,
            ),
            "scene": t("Everyone picks a scene; the projector shows the count for each.", lang),
            "word": t("Everyone gives one word; the projector shows the words, larger the more often given.", lang),
        }[kind]
    )


def add() -> None:
    """Add the question the form shows. It reads the widgets' values as they are now: a callback runs before the
    page does, so a choice made just before pressing the button is not yet in this run's variables."""
    state = st.session_state
    chosen = state.get("live-kind") or "classroom"
    try:  # the store places it after the session's last question
        if chosen == "classroom":
            typed = {
                lang: state.get("live-choices") or "",
                **{language: state.get(f"live-choices-{language}") or "" for language in others},
            }
            question = classroom_question(
                content, session, state.get("live-ref") or "", state.get("live-age") or age, choices_from_lines(typed)
            )
        elif chosen == "place":
            question = place_question(content, session)
        elif chosen == "scene":
            question = scene_question(content, session)
        else:
            question = word_question(session)
        question = store.add_question(question)
    except ChoicesMismatch:
        st.session_state["hx-live-add-problem"] = t(
            "Give as many answers in each language, in the same order (or leave a language empty).", lang
        )
        return
    except ValueError as exc:
        if "choices" in str(exc):
            st.session_state["hx-live-add-problem"] = t(
                "Give 2 to 8 different answers to choose from, one per line, or none for written answers.", lang
            )
        else:  # not for this age band, hidden before viewing, or not drawn yet: the form is up to date again now
            st.session_state["hx-live-add-problem"] = t("This question cannot be asked in this session; choose another.", lang)
        return
    except (StoreUnavailable, LiveError) as exc:
        st.session_state["hx-live-add-problem"] = exc.text(lang)
        return
    st.session_state[PICKED] = question.id
    for key in ("live-choices", *(f"live-choices-{language}" for language in others)):
        st.session_state.pop(key, None)


if st.session_state.get("hx-live-add-problem"):
    st.error(st.session_state.pop("hx-live-add-problem"), icon=":material/error:")
st.button(
    t("Add this question", lang),
    on_click=add,
    icon=":material/add:",
    key="live-add",
    type="primary",
    disabled=kind == "classroom" and not ref,
)

# --- after the session ---------------------------------------------------------------------------------------

st.subheader(t("Keep the answers", lang))


def everything() -> tuple[list[LiveQuestion], list]:
    """Every question and answer, read when a button is pressed (questions added in another window included)."""
    try:
        return store.questions(code), store.answers(code)
    except StoreUnavailable:
        return [], []


with st.container(horizontal=True):
    st.download_button(
        t("Download every answer (spreadsheet)", lang),
        data=lambda: export_xlsx(content, session, *everything(), lang, page.settings.time_zone),
        file_name=f"here-live-{code}.xlsx",
        icon=":material/download:",
        key="live-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    st.download_button(
        t("Download every answer (CSV)", lang),
        data=lambda: export_csv(content, session, *everything(), lang, page.settings.time_zone),
        file_name=f"here-live-{code}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="live-csv",
        on_click="ignore",
    )
caption(
    t(
        "Participants appear as numbers, never by name. Each question is named as on the projector (a classroom "
        "question by its number, Q7), with its text and the answers in this page's language; times are in "
        "{zone} time. The session and its answers are deleted {hours} hours after it started.",
        lang,
        hours=page.settings.session_hours,
        zone=page.settings.time_zone,
    )
)
with st.expander(t("Your presenter link", lang), icon=":material/key:"):
    caption(
        t(
            "Keep this link to come back to the controls from another window or device. Anyone with it can steer "
            "the session, so do not show it to the participants.",
            lang,
        )
    )
    st.code(own_link, language=None)
