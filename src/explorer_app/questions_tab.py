"""The classroom page's "Questions" tab: every question of the age band with its one number, those asked before
viewing in their own group, then scene by scene in story order. For a lesson after the screening the questions
after viewing come first and those before viewing are folded away below (they belong to another lesson); for the
other situations the before-viewing group comes first, open; for a lesson before the screening the questions after
viewing are folded away below it (they belong to the lesson after the film). Spoiler-safe mode leaves out the hidden scenes and
their questions (``explorer.spoilers``)."""

from __future__ import annotations

import streamlit as st

from explorer.i18n import t
from explorer.spoilers import Visibility
from explorer_app.lesson_html import before_questions_html, scene_questions_html
from explorer_app.page import Page

FOLDED_BEFORE = {"after"}  # situations whose lesson asks nothing before viewing
FOLDED_AFTER = {"before"}  # situations whose lesson asks nothing after viewing


def questions_tab(page: Page, age: str, view: Visibility, situation: str = "around") -> None:
    content, lang = page.content, page.language
    before = tuple(q for q in content.questions_before(age) if view.question(q))
    folded = situation in FOLDED_BEFORE
    if before and not folded:
        _before(page, before)
    if situation in FOLDED_AFTER:
        with st.expander(t("After viewing (for another lesson)", lang), expanded=False):
            _after(page, age, view)
    else:
        _after(page, age, view)
    if before and folded:
        with st.expander(t("Before viewing (for another lesson)", lang), expanded=False):
            _before(page, before)


def _after(page: Page, age: str, view: Visibility) -> None:
    """The questions after viewing, scene by scene in story order (never a scene spoiler-safe mode hides)."""
    content = page.content
    for scene in view.scenes():
        questions = tuple(q for q in content.questions_for(scene.id, age) if view.question(q))
        if questions:
            with st.container(border=True, key=f"questions-{scene.id}"):
                st.html(scene_questions_html(content, scene, questions, page.language))


def _before(page: Page, before) -> None:
    with st.container(border=True, key="questions-before"):
        st.html(before_questions_html(page.content, before, page.language))
