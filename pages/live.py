"""Live session, the presenter's page: start a session, show its join code and QR code on the projector, ask the
room questions from the explorer's content, and show the room's answers as they arrive.

The controls need the presenter's secret link (``live?code=…&key=…``, made at start); how the pieces talk to each
other is in ``explorer_app/liveroom.py``. A kiosk never shows this page.
"""

import contextlib
import hashlib
import time
from collections import Counter
from urllib.parse import urlencode

import streamlit as st

from explorer.fragments import esc, md, tx
from explorer.handout import AGE_LABELS
from explorer.i18n import t
from explorer.live import (
    ENDED,
    KINDS,
    TOO_MANY_TRIES,
    UNKNOWN_CODE,
    LiveError,
    LiveQuestion,
    classroom_question,
    export_csv,
    normalise_code,
    place_question,
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
from explorer.model import AGE_BANDS
from explorer.qr import qr_png
from explorer.teacherpack import band_questions
from explorer_app.liveroom import LIMITER, PROJECTOR_POLL, client_address, current_question, live_store
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, url_choice

page = setup_page("live")
content, lang = page.content, page.language
if page.kiosk:  # presenter controls never on a kiosk: its visitors go back to the attract screen
    st.switch_page("pages/attract.py")

page_header(page, t("Live session", lang),
            t("Ask the room questions about the film and show everyone's answers on the projector as they arrive. "
              "The audience answers on their phones with a code: no account, no name.", lang))


def unavailable(exc: StoreUnavailable) -> None:
    st.error(exc.text(lang), icon=":material/cloud_off:")
    st.stop()


try:
    store = live_store(page.settings)
except StoreUnavailable as exc:
    unavailable(exc)

code = normalise_code(st.query_params.get("code", ""))
secret = st.query_params.get("key", "")


def start(spoiler_safe: bool) -> None:
    try:
        session, key = store.start_session(time.time(), lang, spoiler_safe, page.settings.session_hours * 3600)
    except StoreUnavailable as exc:
        st.session_state["hx-live-error"] = exc.text(lang)
        return
    st.query_params["code"], st.query_params["key"] = session.code, key
    st.query_params.pop("q", None)


if code is None:  # no session yet: the start form
    if st.session_state.get("hx-live-error"):
        st.error(st.session_state.pop("hx-live-error"), icon=":material/cloud_off:")
    if "code" in st.query_params:
        st.info(t("“{value}” is not a session code; start a new session below.", lang,
                  value=md(st.query_params["code"][:20])), icon=":material/link_off:")
    st.write(t("A session lasts {hours} hours; then it is deleted with every answer in it. Nothing is asked of "
               "the audience but their answers.", lang, hours=page.settings.session_hours))
    if page.spoiler_safe:
        st.info(t("Spoiler-safe is on, for a session before viewing: no question will tell what happens after Stefan "
                  "and Shuxiu first meet.", lang), icon=":material/visibility_off:")
    else:
        caption(t("Before the screening? Switch on spoiler-safe at the top first.", lang))
    st.button(t("Start a live session", lang), type="primary", on_click=start, args=(page.spoiler_safe,),
              icon=":material/groups:", key="live-start")
    st.stop()

now, address = time.time(), client_address()
if LIMITER.blocked(address, now):  # codes and keys are guessed here too: the same allowance as on /join
    st.warning(t(TOO_MANY_TRIES, lang), icon=":material/hourglass_top:")
    st.stop()
try:
    session = store.find(code)
except StoreUnavailable as exc:
    unavailable(exc)
if session is None or not session.is_presenter(secret):
    LIMITER.failed(address, now)
if session is None or session.expired(time.time()):
    st.warning(t(ENDED if session else UNKNOWN_CODE, lang), icon=":material/event_busy:")
    st.button(t("Start a new session", lang), on_click=lambda: st.query_params.from_dict(page.carried()), key="live-new")
    st.stop()
if not session.is_presenter(secret):
    st.warning(t("This link does not open the presenter's controls. To answer the questions, join with the code.",
                 lang), icon=":material/lock:")
    st.page_link("pages/join.py", label=t("Join the session", lang), query_params={"code": code, **page.carried()},
                 icon=":material/login:")
    st.stop()

# --- the presenter's view ------------------------------------------------------------------------------------

if session.spoiler_safe:
    caption(t("A session before viewing: no question tells what happens after Stefan and Shuxiu first meet, and the "
              "phones open the explorer spoiler-safe.", lang))

# the public address, or else the page's own, up to the page's name
base = page.settings.public_url or (st.context.url or "").split("?")[0].rstrip("/").removesuffix("/live")
# phones of a session before viewing open the explorer spoiler-safe too
join_url = f"{base}/join?{urlencode({'code': code, **({'spoilers': 'hide'} if session.spoiler_safe else {})})}"
own_link = f"{base}/live?{urlencode({'code': code, 'key': secret})}"


def number_label(number: int) -> str:
    """A question's number as the room reads it (Q1, V1…)."""
    return t("Q{number}", lang, number=number)


def word_key(word: str) -> str:
    """A widget key for a word, whatever its characters."""
    return hashlib.sha1(word.encode("utf-8")).hexdigest()[:12]


def questions() -> list[LiveQuestion]:
    try:
        return store.questions(code)
    except StoreUnavailable as exc:
        unavailable(exc)


asked = questions()
screen = st.query_params.get("view") == "screen"  # the projector's own window: the code and the answers only
if screen:  # it follows the session: the open question, else the latest asked (the controls are elsewhere)
    current = current_question(asked) or (asked[-1] if asked else None)
else:
    chosen_id = st.query_params.get("q")
    current = next((q for q in asked if q.id == chosen_id), asked[-1] if asked else None)


def snapshot(questions: list[LiveQuestion]) -> list[tuple[str, str]]:
    return [(q.id, q.state) for q in questions]


@st.fragment(run_every=PROJECTOR_POLL)
def board() -> None:
    """The join code and the room's answers to the question on screen, read again every half second. A question
    added, opened or closed in another window (the controls, when this one is the projector's) brings the whole
    page up to date."""
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.image(page.derived(("qr", join_url), lambda: qr_png(join_url, box_size=10)), width=300,
                 alt=t("QR code that opens the session on a phone: {url}", lang, url=join_url))
    try:
        now = store.questions(code)
        if snapshot(now) != snapshot(asked):
            st.rerun(scope="app")
        joined = store.joined(code)
        shown = current
        with left:
            st.html(join_html(code, base.split("://")[-1] + "/join", joined, lang))
        with right:
            if shown is None:
                begin = t("Add a question below to begin.", lang)
                st.html(f'<p class="hx-note">{tx(begin, lang)}</p>')
                return
            number = next(i for i, q in enumerate(asked, start=1) if q.id == shown.id)
            answers = store.answers(code, shown.id)
            st.html(f'<section class="hx-live-question" aria-live="polite"><p class="hx-kicker">{number_label(number)} · '
                    f'{tx(t(STATE_LABELS[shown.state], lang), lang)}</p>'
                    f'<h2>{tx(question_text(content, shown, lang), lang)}</h2>'
                    f'{results_html(content, shown, answers, lang)}</section>')
    except StoreUnavailable as exc:
        st.error(exc.text(lang), icon=":material/cloud_off:")


board()
if screen:
    st.button(t("Show the controls", lang), icon=":material/tune:", key="live-controls-on",
              on_click=lambda: st.query_params.pop("view", None))
    st.stop()
st.button(t("Projector view: only the code and the answers", lang), icon=":material/fit_screen:",
          key="live-screen", on_click=lambda: st.query_params.update(view="screen"))

# --- steering the question on screen -------------------------------------------------------------------------


def move(question_id: str, state: str, shown: str) -> None:
    """Move the question from the state this window showed; if another window moved it meanwhile, say so."""
    try:
        store.move(question_id, state, expected=shown)
    except ValueError:
        st.session_state["hx-live-problem"] = t("This question was changed in another window; here it is as it is "
                                                "now. Press again if you still want to.", lang)
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(lang)


def clear(question_id: str) -> None:
    with contextlib.suppress(StoreUnavailable):
        store.clear(question_id)


def show(question_id: str) -> None:
    st.query_params["q"] = question_id


if current is not None:
    st.subheader(t("Question on screen", lang))
    if st.session_state.get("hx-live-problem"):
        st.warning(st.session_state.pop("hx-live-problem"), icon=":material/sync_problem:")
    controls = st.container(horizontal=True, key="live-controls")
    actions = {"draft": [("open", t("Open for answers", lang), ":material/play_arrow:")],
               "open": [("closed", t("Close answers", lang), ":material/stop:")],
               "closed": [("revealed", t("Show answers on phones", lang), ":material/visibility:"),
                          ("open", t("Open again", lang), ":material/replay:")],
               "revealed": [("closed", t("Hide answers on phones", lang), ":material/visibility_off:")]}
    for number, (state, label, icon) in enumerate(actions[current.state]):
        controls.button(label, on_click=move, args=(current.id, state, current.state), icon=icon, key=f"live-{state}",
                        type="primary" if number == 0 else "secondary")
    with controls.popover(t("Clear answers", lang), icon=":material/delete:"):
        st.write(t("Delete every answer to this question and set it back to not asked?", lang))
        st.button(t("Yes, clear the answers", lang), on_click=clear, args=(current.id,), key="live-clear")
    if current.moderated:
        with st.expander(t("Approve answers before the room sees them", lang), icon=":material/fact_check:"):
            caption(t("Opening this shows the waiting answers on the projector too: open it on a screen the room "
                      "does not see, or use your presenter link in a second window.", lang))

            @st.fragment(run_every=PROJECTOR_POLL * 2)
            def approvals() -> None:
                try:
                    everything = store.answers(code, current.id)
                    waiting = [a for a in everything if not a.approved]
                except StoreUnavailable as exc:
                    st.error(exc.text(lang))
                    return
                if not waiting:
                    caption(t("No answer is waiting.", lang))
                if current.kind == "word":  # a word at a time: once let through, it shows whoever gives it
                    shown = Counter(a.value for a in everything if a.approved)
                    for word, count in shown.most_common():
                        with st.container(horizontal=True, vertical_alignment="center",
                                          key=f"hx-shown-{word_key(word)}"):
                            st.html(f'<p class="hx-shown-word">{esc(word)} <small>× {count}</small></p>')
                            st.button(t("Hide", lang), key=f"hide-word-{word_key(word)}", on_click=store.approve_word,
                                      args=(current.id, word, False), icon=":material/visibility_off:")
                    for word, count in Counter(a.value for a in waiting).most_common():
                        with st.container(border=True, horizontal=True, vertical_alignment="center",
                                          key=f"hx-waiting-{word_key(word)}"):
                            st.html(f'<p class="hx-waiting">{esc(word)} <small>× {count}</small></p>')
                            st.button(t("Show", lang), key=f"approve-word-{word_key(word)}", on_click=store.approve_word,
                                      args=(current.id, word))
                    return
                for answer in waiting:
                    with st.container(border=True, horizontal=True, vertical_alignment="center",
                                      key=f"hx-waiting-{answer.participant}"):
                        st.html(f'<p class="hx-waiting" dir="auto">{esc(answer.value)}</p>')
                        st.button(t("Approve", lang), key=f"approve-{answer.participant}",
                                  on_click=store.approve, args=(current.id, answer.participant, answer.value))

            approvals()

if len(asked) > 1:
    numbers = {q.id: n for n, q in enumerate(asked, start=1)}
    st.session_state["live-show"] = current.id  # the list shows the question on screen, however it got there
    st.selectbox(t("Show another question", lang), [q.id for q in asked],
                 format_func=lambda i: number_label(numbers[i]) + " · " + question_text(
                     content, next(q for q in asked if q.id == i), lang),
                 key="live-show", on_change=lambda: show(st.session_state["live-show"]))

# --- adding a question ---------------------------------------------------------------------------------------

st.subheader(t("Ask the room", lang))
kind = st.segmented_control(t("Kind of question", lang), list(KINDS), format_func=lambda k: t(KIND_LABELS[k], lang),
                            default="classroom", required=True, key="live-kind") or "classroom"
age, ref = "", ""
if kind == "classroom":
    age = url_choice(page, t("Age band", lang), list(AGE_BANDS), "live-age", lambda a: t(AGE_LABELS[a], lang),
                     default="14-18", param="age")
    hidden = content.spoilers() if session.spoiler_safe else frozenset()
    offered = [q for q in band_questions(content, age) if q.scene not in hidden]
    ref = st.selectbox(t("Question", lang), [q.id for q in offered],
                       format_func=lambda i: next(q for q in offered if q.id == i).text.get(lang), key="live-ref")
    st.text_area(t("Answers to choose from, one per line (leave empty for written answers, which you approve "
                   "before the room sees them)", lang), key="live-choices", height=120)
else:
    caption({"place": t("Everyone taps the place that stayed with them on the map; the projector shows a map with "
                        "each place sized by its votes.", lang),
             "scene": t("Everyone picks a scene; the projector shows the count for each.", lang),
             "word": t("Everyone gives one word; the projector shows the words, larger the more often given.", lang)
             }[kind])


def add() -> None:
    """Add the question the form shows. It reads the widgets' values as they are now: a callback runs before the
    page does, so a choice made just before pressing the button is not yet in this run's variables."""
    state = st.session_state
    chosen = state.get("live-kind") or "classroom"
    try:
        position = len(store.questions(code))
        if chosen == "classroom":
            typed = [line for line in (state.get("live-choices") or "").splitlines() if line.strip()]
            question = classroom_question(content, session, state.get("live-ref") or "", state.get("live-age") or age,
                                          typed, position)
        elif chosen == "place":
            question = place_question(content, session, position)
        elif chosen == "scene":
            question = scene_question(content, session, position)
        else:
            question = word_question(session, position)
        store.add_question(question)
    except ValueError as exc:
        if "choices" in str(exc):
            st.session_state["hx-live-add-problem"] = t("Give 2 to 8 different answers to choose from, one per line, "
                                                        "or none for written answers.", lang)
        else:  # not for this age band, hidden before viewing, or not drawn yet: the form is up to date again now
            st.session_state["hx-live-add-problem"] = t("This question cannot be asked in this session; choose "
                                                        "another.", lang)
        return
    except (StoreUnavailable, LiveError) as exc:
        st.session_state["hx-live-add-problem"] = exc.text(lang)
        return
    st.query_params["q"] = question.id
    st.session_state.pop("live-choices", None)


if st.session_state.get("hx-live-add-problem"):
    st.error(st.session_state.pop("hx-live-add-problem"), icon=":material/error:")
st.button(t("Add this question", lang), on_click=add, icon=":material/add:", key="live-add", type="primary",
          disabled=kind == "classroom" and not ref)

# --- after the session ---------------------------------------------------------------------------------------

st.subheader(t("Keep the answers", lang))
def csv() -> str:
    """Every answer, read when the button is pressed (questions added in another window included)."""
    try:
        return export_csv(session, store.questions(code), store.answers(code))
    except StoreUnavailable:
        return export_csv(session, [], [])


st.download_button(t("Download every answer (CSV)", lang), data=csv,
                   file_name=f"here-live-{code}.csv", mime="text/csv", icon=":material/download:", key="live-csv",
                   on_click="ignore")
caption(t("Participants appear as numbers, never by name. The session and its answers are deleted {hours} hours "
          "after it started.", lang, hours=page.settings.session_hours))
with st.expander(t("Your presenter link", lang), icon=":material/key:"):
    caption(t("Keep this link to come back to the controls from another window or device. Anyone with it can steer "
              "the session, so do not show it to the room.", lang))
    st.code(own_link, language=None)
