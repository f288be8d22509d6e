"""Starting a live session (``pages/live.py`` before there is one): the start form, a lesson plan's questions queued
at the start, and the warning when the phones could not open the join address.

``?age=14-18&plan=after`` (the classroom page's "Ask this plan's questions live") queues the lesson plan's
questions at the start, in the plan's order; "Next question" then closes the question on screen and opens the next
one in one press (``livepresenter``). Starting makes the presenter's secret link, ``live?code=…&key=…``, the page's
address. A browser tab starts at most a few sessions in ten minutes, besides the store's allowance per address
(``livecontrols.may_start``).
"""

from __future__ import annotations

import time
from typing import NoReturn

import streamlit as st

from explorer.fragments import md
from explorer.handout import AGE_LABELS
from explorer.i18n import N_, t
from explorer.live import LiveError, plan_questions
from explorer.livestore import LiveStore, StoreUnavailable
from explorer.model import AGE_BANDS, LESSON_KINDS
from explorer.spoilers import visibility
from explorer_app import livecontrols, liveroom
from explorer_app.liveview import PICKED
from explorer_app.page import Page
from explorer_app.widgets import caption

# as the classroom page names its plans (the same strings, so the same translations)
PLAN_NAMES = {
    "after": N_("A 50-minute lesson after the screening"),
    "around": N_("A 50-minute lesson before and after the screening"),
    "short": N_("A 20-minute lesson, before and after the screening"),
    "before": N_("A 20-minute lesson before the screening"),
}


def reach_warning(page: Page) -> None:
    """Said to the presenter when the phones could not open the join address: it is this computer's own name for
    itself (localhost) and no public address is set. First what a teacher can do, in plain words; the technical
    details folded under it, for whoever installed the explorer."""
    lang = page.language
    if liveroom.phones_cannot_reach(liveroom.page_url(), page.settings.public_url):
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


def wanted_plan(page: Page) -> tuple[str, str] | None:
    """The lesson plan the link asks to queue (``?plan=after&age=14-18``), when it names one; a link naming
    none that exists gets a note and the page carries on without it."""
    lang = page.language
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
    if page.content.teaching is None or page.content.teaching.plan(age, kind) is None:
        st.warning(t("There is no such lesson plan for this age band, so no question is queued.", lang), icon=":material/link_off:")
        return None
    return age, kind


def start(page: Page, store: LiveStore, spoiler_safe: bool, plan: tuple[str, str] | None) -> None:
    """Start a session (the start button's callback) and queue the plan's questions; the address becomes the
    presenter's link. What went wrong waits in the session state for the next run to say."""
    lang = page.language
    if not livecontrols.may_start(st.session_state, time.time()):  # this tab's allowance, before the address's
        st.session_state["hx-live-error"] = t(livecontrols.TOO_MANY_STARTS_HERE, lang)
        return
    try:
        session, key = store.start_session(
            time.time(), lang, spoiler_safe, page.settings.session_hours * 3600, address=liveroom.client_address(page.settings)
        )
    except (StoreUnavailable, LiveError) as exc:  # LiveError: this address started too many sessions this hour
        st.session_state["hx-live-error"] = exc.text(lang)
        return
    livecontrols.note_start(st.session_state, time.time())
    try:
        if plan:  # all or none, numbered by the store in the plan's order
            store.add_questions(plan_questions(page.content, session, *plan)[0])
    except (StoreUnavailable, LiveError) as exc:  # the session is there: its controls say what was not queued
        st.session_state["hx-live-add-problem"] = exc.text(lang)
    st.query_params["code"], st.query_params["key"] = session.code, key
    st.query_params.pop("plan", None)  # queued once: a reload does not queue the plan again
    st.query_params.pop("q", None)  # the controls show the session's own state, not a question named in the address
    st.session_state.pop(PICKED, None)


def start_form(page: Page, store: LiveStore) -> NoReturn:
    """The page without a session: what a session is, the plan the link queues, and the start button. The run ends
    here."""
    content, lang = page.content, page.language
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
    plan = wanted_plan(page)
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
    reach_warning(page)
    st.button(
        t("Start a live session", lang),
        type="primary",
        on_click=start,
        args=(page, store, page.spoiler_safe, plan),
        icon=":material/groups:",
        key="live-start",
    )
    st.stop()
