"""The presenter's controls window (``pages/live.py`` opened with the presenter's key), below the board and the
places (``liveprojector``, ``livecontrols``): the question on screen and the buttons that move it from state to
state, another question to show (adding one is ``liveasking``), and the answers to keep.

Moving a question names the state this window showed: if another window moved it meanwhile, nothing happens and
the window says so. With a lesson plan queued at the start, "Next question" closes the question on screen and
opens the next one in one press. Approving written answers and words is ``liveapprovals``. The presenter's link
is this window's address: it is said near the top (a smartboard shows the address bar) and kept at the bottom.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from explorer.i18n import t
from explorer.live import Answer, LiveQuestion, LiveSession, export_csv, export_xlsx
from explorer.livefragments import question_text
from explorer.livestore import StoreUnavailable
from explorer_app import liveapprovals, livemoderation
from explorer_app.liveview import PICKED, LiveView
from explorer_app.page import Page
from explorer_app.widgets import caption


def notes(page: Page, session: LiveSession) -> None:
    """At the top of the controls: a session before viewing says so, and this window's address is the key."""
    lang = page.language
    if session.spoiler_safe:
        caption(
            t(
                "A session before viewing: no question tells what happens after Stefan and Shuxiu first meet, and the "
                "phones open the explorer spoiler-safe.",
                lang,
            )
        )
    # near the top: this window's address carries the key, and a smartboard shows the address bar
    st.warning(
        t(
            "This window's address is your presenter link: keep it to come back to the controls (it is also "
            "under “Your presenter link” at the bottom), and do not show it to the participants: anyone with "
            "it can steer the session.",
            lang,
        ),
        icon=":material/key:",
    )


# --- steering the question on screen -------------------------------------------------------------------------


def move(view: LiveView, question_id: str, state: str, shown: str) -> None:
    """Move the question from the state this window showed; if another window moved it meanwhile, say so."""
    try:
        view.store.move(question_id, state, expected=shown)
    except ValueError:
        st.session_state["hx-live-problem"] = t(
            "This question was changed in another window; here it is as it is now. Press again if you still want to.", view.lang
        )
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(view.lang)


def clear(view: LiveView, question_id: str) -> None:
    """Delete every answer to the question and set it back to not asked."""
    with contextlib.suppress(StoreUnavailable):
        view.store.clear(question_id)


def show(question_id: str) -> None:
    """Show another question in this window (this browser tab only: a reload shows the session's own)."""
    st.session_state[PICKED] = question_id


def open_next(view: LiveView, question_id: str) -> None:
    """Open the next queued question: that closes the one open, in the same step, and the projector and the phones
    follow. The window then shows the session's own question again."""
    st.session_state.pop(PICKED, None)
    move(view, question_id, "open", "draft")


def steering(view: LiveView) -> None:
    """The question on screen: its state's buttons, the next queued question, clearing its answers, the answers
    waiting for approval; then the list to show another question."""
    lang, asked, current = view.lang, view.asked, view.current
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
                args=(view, current.id, state, current.state),
                icon=icon,
                key=f"live-{state}",
                type="primary" if number == 0 else "secondary",
            )
        following = next((q for q in asked if q.position > current.position and q.state == "draft"), None)
        if following is not None and current.state != "draft":  # a queued plan: its next question, one press away
            controls.button(
                t("Next question: {label}", lang, label=view.label_of(following)),
                on_click=open_next,
                args=(view, following.id),
                icon=":material/skip_next:",
                key="live-next",
            )
        with controls.popover(t("Clear answers", lang), icon=":material/delete:"):
            st.write(t("Delete every answer to this question and set it back to not asked?", lang))
            st.button(t("Yes, clear the answers", lang), on_click=clear, args=(view, current.id), key="live-clear")
        if current.moderated:
            liveapprovals.approvals(view, current)

    if len(asked) > 1 and current is not None:  # with questions, the controls always show one
        st.session_state["live-show"] = current.id  # the list shows the question on screen, however it got there

        def named(question_id: str) -> str:
            question = next(q for q in asked if q.id == question_id)
            return f"{view.label_of(question)} · {question_text(view.content, question, lang)}"

        st.selectbox(
            t("Show another question", lang),
            [q.id for q in asked],
            format_func=named,
            key="live-show",
            on_change=lambda: show(st.session_state["live-show"]),
        )


# --- after the session ---------------------------------------------------------------------------------------


def keeping(view: LiveView) -> None:
    """Every answer to download (spreadsheet or CSV), what the files hold, and the presenter's link."""
    page, store, session, content, code, lang = view.page, view.store, view.session, view.content, view.code, view.lang
    st.subheader(t("Keep the answers", lang))

    def everything() -> tuple[list[LiveQuestion], list[Answer]]:
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
        livemoderation.exports(view)  # the questions for the guest, beside the answers
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
        st.code(view.own_link, language=None)
