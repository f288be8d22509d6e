"""Live session, a participant's page: join with the code on the screen (or the QR code's link), answer the
question the presenter has open, change the answer until it closes, and see everyone's answers once shown.

The phone looks for the next question by itself (a fragment every three seconds); the whole path is described
in ``explorer_app/liveroom.py``. A kiosk never shows this page: visitors answer on their own phones.

The page sits beside pupils' content (the questions say *tu* in French), so its own strings address no one
(French: nominal or infinitive, never *vous*). A classroom question carries its one number (Q7) as everywhere.

Once joined, the page is the session alone: no navigation to wander off to and no page title, so on a phone
(390x844) the question and the answer box are on the first screen. The code form shows the explorer's header.

A phone follows its session's spoiler setting, whatever its link says: in a session before viewing the page is
spoiler-safe, its address carries ``spoilers=hide`` (written back if a link left it out), and so does every link
the code form's header offers once a session is known (its switch stays on). A browser tab that has joined a
session still going comes back to it at ``/join`` without a code (Back, or the address typed again): the code and
the participant's token are written back into the address.
"""

import contextlib
import dataclasses
import time

import streamlit as st

from explorer.fragments import esc, md, tx
from explorer.i18n import t
from explorer.live import (
    CUT,
    ENDED,
    MAX_TEXT,
    TOO_MANY_TRIES,
    UNKNOWN_CODE,
    AnswerRefused,
    LiveQuestion,
    new_participant,
    normalise_code,
    valid_participant,
)
from explorer.livefragments import choice_label, question_label, question_text, results_html
from explorer.livestore import StoreUnavailable
from explorer.typography import colon
from explorer_app.liveroom import (
    LIMITER,
    PARTICIPANT_POLL,
    TAB_LIMIT,
    client_address,
    current_question,
    live_store,
    questions_now,
)
from explorer_app.mapcomponent import place_map
from explorer_app.navigation import page_header
from explorer_app.page import SPOILER_PARAM, setup_page

page = setup_page("join")
content, lang = page.content, page.language
if page.kiosk:  # a kiosk does not take part: its visitors answer on their own phones
    st.switch_page("pages/attract.py")



SAFE = "hx-join-safe"  # the spoiler setting of the session this tab last found, kept for the page's header


def follow_session(spoiler_safe: bool) -> None:
    """The page follows the session's spoiler setting, whatever the link says: in a session before viewing, the
    page is spoiler-safe and its address says so (every link drawn from it then carries ``spoilers=hide``)."""
    global page
    st.session_state[SAFE] = spoiler_safe
    if spoiler_safe:
        page = dataclasses.replace(page, spoiler_safe=True)
        if st.query_params.get(SPOILER_PARAM) != "hide":
            st.query_params[SPOILER_PARAM] = "hide"


def header() -> None:
    """The explorer's header, for the code form only: a joined phone shows the session alone. Once this tab knows
    a session before viewing, its links and switch stay spoiler-safe."""
    follow_session(bool(st.session_state.get(SAFE)))
    page_header(page, t("Join a live session", lang),
                t("Answering the session's questions from a phone. No account and no name: only the answers are "
                  "kept, and only for the session.", lang))


def stop_with(message: str, icon: str = ":material/error:") -> None:
    if not st.session_state.get("hx-join-headed"):
        header()
    st.error(message, icon=icon)
    st.stop()


try:
    store = live_store(page.settings)
except StoreUnavailable as exc:
    stop_with(exc.text(lang), ":material/cloud_off:")


def check_code(typed: str) -> str | None:
    """The session's code if ``typed`` names a live session; otherwise None, with the reason kept for the page.
    Every wrong code counts against the address it came from."""
    now, address = time.time(), client_address()
    mine = [when for when in st.session_state.get("hx-join-wrong", []) if when > now - LIMITER.window]
    if len(mine) >= TAB_LIMIT or LIMITER.blocked(address, now):  # this tab first, so one person cannot use up
        st.session_state["hx-join-problem"] = t(TOO_MANY_TRIES, lang)  # the whole address's allowance alone
        return None
    code = normalise_code(typed)
    found = store.find(code) if code else None
    if found is not None:
        st.session_state[SAFE] = found.spoiler_safe
    if found is None or found.expired(now):
        st.session_state["hx-join-wrong"] = [*mine, now]
        LIMITER.failed(address, now)
        st.session_state["hx-join-problem"] = t(ENDED if found else UNKNOWN_CODE, lang)
        return None
    return code


def join_typed() -> None:
    try:
        code = check_code(st.session_state.get("join-code", ""))
    except StoreUnavailable as exc:
        st.session_state["hx-join-problem"] = exc.text(lang)
        return
    if code:
        st.query_params["code"] = code
        st.query_params.pop("me", None)
        st.session_state["hx-join-checked"] = code
        if st.session_state.get(SAFE):  # a session before viewing (check_code read it): spoiler-safe too
            st.query_params[SPOILER_PARAM] = "hide"


def code_form() -> None:
    header()
    if st.session_state.get("hx-join-problem"):
        st.error(st.session_state.pop("hx-join-problem"), icon=":material/error:")
    with st.form("join-form", border=True):
        st.text_input(t("Session code", lang), key="join-code",
                      placeholder="ABC 234", help=t("The six letters and digits shown on the projected screen.", lang))
        st.form_submit_button(t("Join", lang), type="primary", on_click=join_typed, icon=":material/login:")
    st.stop()


# --- which session, and who ----------------------------------------------------------------------------------

def rejoin() -> str | None:
    """The code of the session this tab has joined, if it is still going: Back to ``/join``, or ``/join`` typed
    again, keeps the phone in it instead of asking for the code again."""
    known = st.session_state.get("hx-join-checked")
    if not known or not valid_participant(st.session_state.get(f"hx-me-{known}", "")):
        return None
    with contextlib.suppress(StoreUnavailable):
        found = store.find(known)
        if found is not None and not found.expired(time.time()):
            return known
    return None


asked_code = st.query_params.get("code")
if not asked_code and (asked_code := rejoin()):
    st.query_params["code"] = asked_code  # back in the address: a reload or Back from here keeps it too
if not asked_code:
    code_form()
code = normalise_code(asked_code)
# who this phone is in the session: the token in the address, else the one this browser tab already has for the
# code (Back, or a page of the explorer and back, drops it from the address), else a new one
me = st.query_params.get("me", "")
if not valid_participant(me):
    me = st.session_state.get(f"hx-me-{code}") or new_participant()
try:
    # a phone already in the session (a reload, a new tab with its address) is not checked again: a wrong code
    # typed by someone else behind the same address must not shut it out
    known = code is not None and (st.session_state.get("hx-join-checked") == code or store.has_joined(code, me))
    if not known:
        code = check_code(asked_code)  # a code from a link is checked (and counted) like a typed one
except StoreUnavailable as exc:
    stop_with(exc.text(lang), ":material/cloud_off:")
if code is None:
    st.query_params.pop("code", None)
    code_form()
st.session_state["hx-join-checked"] = code
st.session_state[f"hx-me-{code}"] = me
st.session_state["hx-join-headed"] = True  # from here on, the session alone (no header, even with a message)
if st.query_params.get("me") != me:
    st.query_params["me"] = me
try:
    if st.session_state.get("hx-joined") != (code, me):  # joining is a write: once per tab and session
        if not store.join(code, me, time.time()):
            stop_with(t(ENDED, lang), ":material/event_busy:")
        st.session_state["hx-joined"] = (code, me)
    if st.session_state.get("hx-join-safe-of") != code:  # the session's spoiler setting, read once per tab
        st.session_state[SAFE] = bool(getattr(store.find(code), "spoiler_safe", False))
        st.session_state["hx-join-safe-of"] = code
    follow_session(st.session_state[SAFE])
    question = current_question(store.questions(code))
except StoreUnavailable as exc:
    stop_with(exc.text(lang), ":material/cloud_off:")


def seen(found: LiveQuestion | None) -> tuple[str, str] | None:
    return (found.id, found.state) if found else None


st.session_state["hx-join-seen"] = (time.monotonic(), seen(question))


@st.fragment(run_every=PARTICIPANT_POLL)
def watch() -> None:
    """Looks for a change of question or state; the page then runs again and shows it. A look shared with other
    phones may be older than the page's own reading: only a newer one counts."""
    try:
        looked, questions = questions_now(store, code)
    except StoreUnavailable:
        return  # the page keeps what it shows; the next look may find the database again
    shown_at, shown = st.session_state.get("hx-join-seen", (0.0, None))
    if looked > shown_at and seen(current_question(questions)) != shown:
        st.rerun(scope="app")


watch()
session_line = t("Session {code}", lang, code=f"{code[:3]} {code[3:]}")
st.html(f'<p class="hx-kicker">{tx(session_line, lang)}</p>')

if question is None:
    st.info(t("Joined. The first question appears here by itself when it is asked.", lang),
            icon=":material/hourglass_top:")
    st.stop()

st.html(f'<p class="hx-kicker">{tx(question_label(content, question, lang), lang)}</p>'
        f'<h2 class="hx-live-ask">{tx(question_text(content, question, lang), lang)}</h2>')
try:
    mine = store.answer_of(question.id, me)
except StoreUnavailable as exc:
    stop_with(exc.text(lang), ":material/cloud_off:")


def your_answer() -> None:
    if mine is not None:
        label = choice_label(content, question, mine.value, lang)
        yours = t("Answer given", lang)
        # a discarded answer is told on its own phone only, and never to the others
        refused = f' <small>({tx(t("not shown", lang), lang)})</small>' if mine.refused else ""
        st.html(f'<p class="hx-live-mine">{tx(yours, lang)}{colon(lang)} <strong>{esc(label)}</strong>{refused}</p>')


if question.state == "revealed":
    your_answer()
    try:
        answers = store.answers(code, question.id)
    except StoreUnavailable as exc:
        stop_with(exc.text(lang), ":material/cloud_off:")
    st.html(f'<section class="hx-live-question">{results_html(content, question, answers, lang)}</section>')
    st.stop()
if question.state == "closed":
    your_answer()
    st.info(t("Answers are closed. Everyone's answers may be shown here in a moment.", lang),
            icon=":material/lock_clock:")
    st.stop()

# --- the open question ---------------------------------------------------------------------------------------


def send(value: str) -> None:
    try:
        checked = store.answer(question.id, me, value, time.time())
    except AnswerRefused as exc:
        st.session_state["hx-join-note"] = ("error", exc.text(lang))
    except StoreUnavailable as exc:
        st.session_state["hx-join-note"] = ("error", exc.text(lang))
    except ValueError:  # the question went away (cleared and deleted) while the phone showed it
        st.session_state["hx-join-note"] = ("error", t("This question is not open for answers just now.", lang))
    else:
        note = t("Answer sent. Changes are possible until the question closes.", lang)
        if checked.cut:
            note = t(CUT, lang, limit=MAX_TEXT) + " " + note
        st.session_state["hx-join-note"] = ("warning" if checked.cut else "success", note)


def send_widget(key: str) -> None:
    value = st.session_state.get(key)
    if value:
        send(value)


# the answer given, and what became of the last one sent, above the choices: a phone sees them without scrolling
your_answer()
note = st.session_state.pop("hx-join-note", None)
if note is not None:
    getattr(st, note[0])(note[1])
kind = question.kind
with st.container(key="hx-answer"):  # larger choices for a thumb (css/app.css)
    if kind == "place":
        chosen = content.place(mine.value) if mine else None
        st.write(t("Tap a place on the map or choose it in the list below.", lang))
        place_map(page, selected=chosen, key=f"vote-map-{question.id}", height=360, on_click=send)
        places = list(question.choices)
        if mine is not None and mine.value in places:  # a tap on the map shows in the list too
            st.session_state[f"vote-{question.id}"] = mine.value
        st.selectbox(t("Place", lang), places, index=None,
                     format_func=lambda i: choice_label(content, question, i, lang), key=f"vote-{question.id}",
                     placeholder=t("A place…", lang), on_change=send_widget, args=(f"vote-{question.id}",))
    elif question.choices:  # a scene pick, or a classroom question with the presenter's choices
        options = list(question.choices)
        st.radio(t("Answer", lang), options, index=options.index(mine.value) if mine and mine.value in options else None,
                 format_func=lambda v: md(choice_label(content, question, v, lang)), key=f"choice-{question.id}",
                 on_change=send_widget, args=(f"choice-{question.id}",))
    else:  # written: a word or a text, sent with the button
        with st.form(f"answer-{question.id}", border=False):
            if kind == "word":
                st.text_input(t("One word", lang), value=mine.value if mine else "", key=f"text-{question.id}",
                              max_chars=60)
            else:
                st.text_area(t("Answer", lang), value=mine.value if mine else "", key=f"text-{question.id}",
                             height=140, help=t("Written answers are read before they are shown to everyone.", lang))
            st.form_submit_button(t("Send", lang), type="primary", on_click=send_widget, args=(f"text-{question.id}",),
                                  icon=":material/send:")
