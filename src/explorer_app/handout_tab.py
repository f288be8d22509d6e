"""The classroom page's "Handout (PDF)" tab: the pupils' handout for the chosen plan (its questions in the order it
asks them, with their numbers), or for scenes the teacher chooses; the glossary on request; for a lesson before the
screening, the one-page viewing sheet too. A kiosk downloads nothing: a QR code opens the page on a phone."""

from __future__ import annotations

from typing import Any

import streamlit as st

from explorer.handout import handout_pdf, handout_questions
from explorer.i18n import N_, t
from explorer.model import LessonPlan
from explorer.settings import public_link
from explorer.spoilers import Visibility
from explorer.viewingsheet import viewing_sheet_pdf
from explorer_app.page import Page
from explorer_app.situation import link_params
from explorer_app.usagecount import made
from explorer_app.widgets import caption, on_your_phone

MODES = {"plan": N_("Handout for this plan"), "scenes": N_("Choose scenes")}
PDF: dict[str, Any] = {"mime": "application/pdf", "icon": ":material/picture_as_pdf:"}


def handout_tab(page: Page, age: str, situation: str, plan: LessonPlan | None, view: Visibility) -> None:
    lang = page.language
    mode = st.radio(
        t("What the handout holds", lang), list(MODES), format_func=lambda m: t(MODES[m], lang), horizontal=True, key="handout-mode"
    )
    glossary = st.checkbox(t("Add the glossary", lang), value=False, key="handout-glossary")
    if mode == "plan":
        ready, key, file_name, build = _for_plan(page, age, situation, plan, glossary)
    else:
        ready, key, file_name, build = _for_scenes(page, age, view, glossary)
    if ready and page.kiosk:  # nothing downloads onto a kiosk: the handout opens on the visitor's phone
        on_your_phone(
            page,
            public_link(page.settings, "classroom", link_params(page, age, situation)),
            t("Take the handout with you", lang),
            t("Scan the code to open this page on your phone.", lang),
            key="hx-qr-handout",
        )
    elif ready:
        st.download_button(
            t("Download the handout (PDF)", lang),
            data=lambda: page.derived(key, build),
            file_name=file_name,
            type="primary",
            key="handout-download",
            on_click=made,
            args=("handout", "handout"),  # an anonymous count for the staff page
            **PDF,
        )
    if situation == "before" and not page.kiosk:
        _viewing_sheet(page, age)


def handout_file_name(age: str, situation: str, language: str, glossary: bool) -> str:
    """The handout's file name: age band, situation (or "scenes"), language, and "-glossary" when it holds the
    glossary (here-handout-14-18-after-fr-glossary.pdf)."""
    return f"here-handout-{age}-{situation}-{language}{'-glossary' if glossary else ''}.pdf"


def _for_plan(page: Page, age: str, situation: str, plan: LessonPlan | None, glossary: bool):
    """The handout of the plan's questions: says which, by number; (ready, cache key, file name, builder)."""
    content, lang, safe = page.content, page.language, page.spoiler_safe
    asked = plan.question_ids() if plan is not None else ()
    questions = handout_questions(content, age, [], spoiler_safe=safe, plan=plan) if plan is not None else ()
    if questions:
        st.write(
            t(
                "The handout prints this plan's questions in the order it asks them, with their numbers: {labels}.",
                lang,
                labels=", ".join(content.question_label(q.id) for q in questions),
            )
        )
    else:
        st.info(t("This plan asks no question that can be shown here. Choose scenes instead.", lang))
    if len(questions) < len(asked):
        caption(t("Spoiler-safe mode leaves out the questions about the scenes it hides.", lang))

    def build() -> bytes:
        return handout_pdf(content, age, [], lang, spoiler_safe=safe, glossary=glossary, plan=plan)

    return (
        bool(questions),
        ("handout-plan", age, situation, lang, safe, glossary),
        handout_file_name(age, situation, lang, glossary),
        build,
    )


def _for_scenes(page: Page, age: str, view: Visibility, glossary: bool):
    """The handout of the scenes the teacher chooses: (ready, cache key, file name, builder)."""
    content, lang, safe = page.content, page.language, page.spoiler_safe
    st.write(
        t(
            "Choose the scenes to discuss. The handout lists their questions for the age band above, with their "
            "numbers and space to write.",
            lang,
        )
    )
    scenes = view.scenes()
    names = {s.id: f"{s.order}. {s.title.get(lang)}" for s in scenes}
    chosen = st.multiselect(
        t("Scenes in the handout", lang),
        list(names),
        default=list(names)[:4],
        format_func=lambda i: names[i],
        key="handout-scenes",
    )
    picked = [s for s in scenes if s.id in chosen]  # in story order, whatever the order of choosing
    ordered = tuple(s.id for s in picked)
    if not ordered:
        st.info(t("Choose at least one scene for the handout.", lang))

    def build() -> bytes:
        return handout_pdf(content, age, picked, lang, spoiler_safe=safe, glossary=glossary)

    return (bool(ordered), ("handout", age, ordered, lang, safe, glossary), handout_file_name(age, "scenes", lang, glossary), build)


def _viewing_sheet(page: Page, age: str) -> None:
    """For a lesson before the screening: the one-page viewing sheet."""
    content, lang = page.content, page.language
    st.write(
        t(
            "For a lesson before the screening: a one-page viewing sheet the pupils take into the cinema, with "
            "what to look and listen for.",
            lang,
        )
    )
    st.download_button(
        t("Download the viewing sheet (PDF)", lang),
        data=lambda: page.derived(("viewing-sheet", age, lang), lambda: viewing_sheet_pdf(content, age, lang)),
        file_name=f"here-viewing-sheet-{age}-{lang}.pdf",
        key="viewing-sheet-download",
        on_click=made,
        args=("handout", "viewing_sheet"),
        **PDF,
    )
