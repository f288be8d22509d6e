"""Classroom: discussion questions by age band, a film-language glossary, activities, and a printable handout."""

import streamlit as st

from explorer.fragments import activity_html, questions_html, term_html
from explorer.handout import AGE_LABELS, handout_pdf
from explorer.i18n import t
from explorer.model import AGE_BANDS
from explorer.settings import public_link
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import on_your_phone, spoiler_note, url_choice

page = setup_page("classroom")
content, lang, hidden = page.content, page.language, page.hidden

page_header(
    page,
    t("In the classroom", lang),
    t("Questions for every scene, the film language the director talks about, activities, and a handout you can "
      "print. Choose an age band; everything on this page follows it.", lang),
)
spoiler_note(page)

age = url_choice(page, t("Age band", lang), list(AGE_BANDS), "age", lambda a: t(AGE_LABELS[a], lang), default="14-18")
scenes = content.visible_scenes(page.spoiler_safe)

questions_tab, glossary_tab, activities_tab, handout_tab = st.tabs(
    [t("Questions", lang), t("Film language", lang), t("Activities", lang), t("Handout (PDF)", lang)]
)
with questions_tab:
    for scene in scenes:
        questions = content.questions_for(scene.id, age)
        if questions:
            with st.container(border=True, key=f"questions-{scene.id}"):
                st.html(questions_html(scene, questions, lang))
with glossary_tab:
    terms = content.terms
    for start in range(0, len(terms), 2):  # in rows, so a phone reads them in the same order as a desktop
        for column, term in zip(st.columns(2, gap="medium"), terms[start:start + 2], strict=False):
            with column, st.container(border=True, key=f"term-{term.id}"):
                st.html(term_html(term, content, lang, hide_where=bool(set(term.scenes) & hidden)))
with activities_tab:
    for activity in content.activities:
        if age in activity.ages:
            with st.container(border=True, key=f"activity-{activity.id}"):
                st.html(activity_html(activity, lang))
with handout_tab:
    st.write(t("Choose the scenes to discuss. The handout lists their questions for the age band above, with space "
               "to write, then the film-language glossary and the activities.", lang))
    chosen = st.multiselect(
        t("Scenes in the handout", lang), [s.id for s in scenes], default=[s.id for s in scenes][:4],
        format_func=lambda i: f"{content.scene(i).order}. {content.scene(i).title.get(lang)}", key="handout-scenes",
    )
    if chosen and page.kiosk:  # nothing downloads onto a kiosk: the handout opens on the visitor's phone
        on_your_phone(page, public_link(page.settings, "classroom", page.params(age=age)),
                      t("Take the handout with you", lang), t("Scan the code to open this page on your phone.", lang),
                      key="hx-qr-handout")
    elif chosen:
        ordered = tuple(s.id for s in scenes if s.id in chosen)
        st.download_button(
            t("Download the handout (PDF)", lang), data=page.derived(("handout", age, ordered, lang),
                                                   lambda: handout_pdf(content, age, [content.scene(i) for i in ordered], lang)),
            file_name=f"here-handout-{age}.pdf", mime="application/pdf", icon=":material/picture_as_pdf:",
            type="primary", key="handout-download",
        )
    else:
        st.info(t("Choose at least one scene for the handout.", lang))
