"""The classroom page's "Questions" tab: every question of the age band with its one number, those asked before
viewing first in their own group, then scene by scene in story order. Spoiler-safe mode leaves out the hidden
scenes and their questions (``explorer.spoilers``)."""

from __future__ import annotations

import streamlit as st

from explorer.spoilers import Visibility
from explorer_app.lesson_html import before_questions_html, scene_questions_html
from explorer_app.page import Page


def questions_tab(page: Page, age: str, view: Visibility) -> None:
    content, lang = page.content, page.language
    before = tuple(q for q in content.questions_before(age) if view.question(q))
    if before:
        with st.container(border=True, key="questions-before"):
            st.html(before_questions_html(content, before, lang))
    for scene in view.scenes():
        questions = tuple(q for q in content.questions_for(scene.id, age) if view.question(q))
        if questions:
            with st.container(border=True, key=f"questions-{scene.id}"):
                st.html(scene_questions_html(content, scene, questions, lang))
