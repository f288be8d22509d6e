"""Adding a question in the presenter's controls (``pages/live.py``, under the question on screen): its kind, and
for a classroom question the question itself (by age band, spoiler-safe hiding what it hides) and its answers to
choose from, in the phones' other languages too.

A classroom question without answers to choose from asks for written answers, which the presenter approves before
everyone sees them (``liveapprovals``). The store places a new question after the session's last one, and this
browser tab then shows it (``liveview.PICKED``) until the session's own question catches up.
"""

from __future__ import annotations

import streamlit as st

from explorer.handout import AGE_LABELS
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, t
from explorer.live import (
    KINDS,
    ChoicesMismatch,
    LiveError,
    choices_from_lines,
    classroom_question,
    place_question,
    scene_question,
    word_question,
)
from explorer.livefragments import KIND_LABELS
from explorer.livestore import StoreUnavailable
from explorer.model import AGE_BANDS
from explorer.spoilers import visibility
from explorer_app.liveview import PICKED, LiveView
from explorer_app.widgets import caption, url_choice


def asking(view: LiveView) -> None:
    """The form that adds a question: its kind, and for a classroom question the question and its answers to
    choose from (in the phones' other languages too)."""
    page, store, session, content, lang = view.page, view.store, view.session, view.content, view.lang
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
            t(
                "Answers to choose from, one per line (leave empty for written answers, which you approve before everyone sees them)",
                lang,
            ),
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
