"""The classroom page's lesson situation (``explorer.model.LESSON_KINDS``): after the screening, around it, 20
minutes, or before it. Chosen per age band, kept in the address (``?situation=after``); the teacher's tab, its PDF,
the handout and the live link follow it. Choosing "before" switches spoiler-safe mode on (the situation's promise:
nothing of the film after the first encounter), in the address, so the switch at the top shows it and a teacher can
still switch it off; so does a link asking for "before" that says nothing about spoilers."""

from __future__ import annotations

import streamlit as st

from explorer.i18n import N_, t
from explorer.model import LESSON_KINDS, LessonPlan
from explorer.spoilers import Visibility
from explorer_app.page import SPOILER_PARAM, Page
from explorer_app.widgets import caption, url_choice

DEFAULT_SITUATION = "after"
SPOILER_SAFE_SITUATIONS = {"before"}  # chosen, they switch spoiler-safe mode on
_SHOWN = "hx-situation-shown"  # the situation of the page's last run, to tell a change of situation
SITUATION_LABELS = {  # as the chooser shows them
    "after": N_("After the screening · 50 min"),
    "around": N_("Before and after · 50 min"),
    "short": N_("Short lesson · 20 min"),
    "before": N_("Before the screening · 20 min"),
}
SITUATION_NAMES = {  # as a heading names the plan
    "after": N_("A 50-minute lesson after the screening"),
    "around": N_("A 50-minute lesson before and after the screening"),
    "short": N_("A 20-minute lesson, before and after the screening"),
    "before": N_("A 20-minute lesson before the screening"),
}


def situation_choice(page: Page) -> str:
    """The situation chosen (kept in the address; an unknown value falls back to "after" with a note)."""
    lang = page.language
    first = "situation" not in st.session_state  # the page opens from a link (the address decides)
    asked, spoilers_said = st.query_params.get("situation"), SPOILER_PARAM in st.query_params
    chosen = url_choice(
        page,
        t("Lesson situation", lang),
        list(LESSON_KINDS),
        "situation",
        lambda kind: t(SITUATION_LABELS[kind], lang),
        default=DEFAULT_SITUATION,
    )
    last = st.session_state.get(_SHOWN)
    st.session_state[_SHOWN] = chosen
    if chosen in SPOILER_SAFE_SITUATIONS and not page.spoiler_safe:
        opened = first and asked == chosen and not spoilers_said
        changed = not first and last is not None and last != chosen
        if opened or changed:
            st.query_params[SPOILER_PARAM] = "hide"
            st.rerun()  # the page again, spoiler-safe from its first line (the switch at the top included)
    return chosen


def link_params(page: Page, age: str, situation: str) -> dict[str, str]:
    """The address of this view of the classroom page (for a kiosk's QR codes): the situation only when it is not
    the default, so the shortest link opens the usual view."""
    extra = {"situation": situation} if situation != DEFAULT_SITUATION else {}
    return page.params(age=age, **extra)


def live_links(page: Page, age: str, situation: str, plan: LessonPlan | None, view: Visibility) -> None:
    """Links to a live session: the plan's questions queued in order, and any question of the age band. Never on a
    kiosk: a live session is run from the teacher's own screen."""
    if page.kiosk:
        return
    lang = page.language
    shown = plan is not None and any(view.question(q) for q in map(page.content.question, plan.question_ids()) if q)
    with st.container(key="hx-live-link"):
        if shown:
            st.page_link(
                "pages/live.py",
                label=t("Ask this plan's questions live", lang),
                icon=":material/groups:",
                query_params=page.params(age=age, plan=situation),
            )
            st.page_link(
                "pages/live.py", label=t("Ask any question live", lang), icon=":material/forum:", query_params=page.params(age=age)
            )
            caption(t("The class answers on their phones, in their own language, with no account.", lang))
        else:
            st.page_link(
                "pages/live.py",
                label=t("Ask these questions live: the class answers on their phones", lang),
                icon=":material/groups:",
                query_params=page.params(age=age),
            )
