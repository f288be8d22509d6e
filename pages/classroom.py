"""Classroom: discussion questions by age band, a film-language glossary, activities, a printable handout, and the
teacher's pack for the lesson situation the teacher chooses (after the screening, around it, 20 minutes, before it).
The tabs are drawn by their own modules: questions_tab, handout_tab and teacher_tab in explorer_app."""

import streamlit as st

from explorer.fragments import activity_html
from explorer.handout import AGE_LABELS
from explorer.i18n import t
from explorer.model import AGE_BANDS
from explorer.spoilers import visibility
from explorer_app.handout_tab import handout_tab
from explorer_app.lesson_html import glossary_term_html
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.questions_tab import questions_tab
from explorer_app.situation import live_links, situation_choice
from explorer_app.teacher_tab import teacher_tab
from explorer_app.widgets import spoiler_note, url_choice

page = setup_page("classroom")
content, lang = page.content, page.language
view = visibility(content, page.spoiler_safe)

page_header(
    page,
    t("In the classroom", lang),
    t(
        "Questions for every scene, the film language the director talks about, activities, and a handout you can "
        "print. Choose an age band and the lesson's situation; everything on this page follows them.",
        lang,
    ),
)
spoiler_note(page)

age = url_choice(page, t("Age band", lang), list(AGE_BANDS), "age", lambda a: t(AGE_LABELS[a], lang), default="14-18")
situation = situation_choice(page)
plan = content.teaching.plan(age, situation) if content.teaching is not None else None
live_links(page, age, situation, plan, view)

questions, glossary, activities, handout, teachers = st.tabs(
    [t("Questions", lang), t("Film language", lang), t("Activities", lang), t("Handout (PDF)", lang), t("For teachers", lang)]
)
with questions:
    questions_tab(page, age, view, situation)
with glossary:
    terms = content.terms
    for start in range(0, len(terms), 2):  # in rows, so a phone reads them in the same order as a desktop
        for column, term in zip(st.columns(2, gap="medium"), terms[start : start + 2], strict=False):
            with column, st.container(border=True, key=f"term-{term.id}"):
                st.html(glossary_term_html(term, content, lang, age, hide_where=not view.term_where(term)))
with activities:
    for activity in content.activities:
        if age in activity.ages:
            with st.container(border=True, key=f"activity-{activity.id}"):
                st.html(activity_html(activity, lang))
with handout:
    handout_tab(page, age, situation, plan, view)
with teachers, st.container(key="teacher-pack"):
    if content.teaching is not None:
        teacher_tab(page, age, situation, plan, view)
