"""Classroom: discussion questions by age band, a film-language glossary, activities, a printable handout, and the
teacher's pack (objectives, timed lesson plans, answer hints, curriculum links, walk safety, the teacher's PDF)."""

import streamlit as st

from explorer.fragments import activity_html, esc, questions_html, term_html, tx
from explorer.handout import AGE_LABELS, handout_pdf
from explorer.i18n import t
from explorer.model import AGE_BANDS, Content, TeacherPack
from explorer.settings import public_link
from explorer.teacherpack import COMMUNITY_LABELS, PHASE_LABELS, SUBJECT_LABELS, band_questions, step_uses, teacher_pdf
from explorer.typography import colon
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, on_your_phone, spoiler_note, url_choice

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
if not page.kiosk:  # a live session is run from the teacher's own screen, never from a kiosk
    st.container(key="hx-live-link").page_link(
        "pages/live.py", label=t("Ask these questions live: the class answers on their phones", lang),
        icon=":material/groups:", query_params=page.params(age=age))

questions_tab, glossary_tab, activities_tab, handout_tab, teachers_tab = st.tabs(
    [t("Questions", lang), t("Film language", lang), t("Activities", lang), t("Handout (PDF)", lang),
     t("For teachers", lang)]
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


# --- the teacher's pack ----------------------------------------------------------------------------------------


def _sources_html(content: Content, pack: TeacherPack, ids, links: bool) -> str:
    """An entry's sources, linked when the page may link out (not on a kiosk)."""
    items = []
    for source_id in ids:
        reference = pack.reference(source_id)
        if reference is not None:
            label, url = f"{reference.title}, {reference.outlet}", reference.url
        else:
            source = content.source(source_id)
            label, url = source.citation(), source.url
        items.append(f'<a href="{esc(url)}" target="_blank" rel="noopener">{tx(label, lang)}</a>' if url and links
                     else tx(label + (f" ({url})" if url else ""), lang))
    if not items:
        return ""
    return f'<p class="hx-where"><small>{tx(t("Sources", lang), lang)}{colon(lang)} {"; ".join(items)}</small></p>'


def _plan_html(plan, numbers: dict[str, int]) -> str:
    """A lesson plan as a timed table, in two parts: before and after viewing."""
    terms = {term.id: term.name.get(lang) for term in content.terms}
    activities = {a.id: a.title.get(lang) for a in content.activities}
    rows, start = [], 0
    for phase in ("before", "after"):
        steps = [s for s in plan.steps if s.phase == phase]
        if steps:
            rows.append(f'<tr><th colspan="2" scope="rowgroup">{tx(t(PHASE_LABELS[phase], lang), lang)} · '
                        f'{tx(t("{minutes} min", lang, minutes=plan.phase_minutes(phase)), lang)}</th></tr>')
        for step in steps:
            uses = step_uses(step, numbers, terms, activities, lang)
            used = f"<br><small>{tx(uses, lang)}</small>" if uses else ""
            rows.append(f"<tr><td><strong>{start}–{start + step.minutes}</strong><br>"
                        f"{tx(t('{minutes} min', lang, minutes=step.minutes), lang)}</td>"
                        f"<td><strong>{tx(step.title.get(lang), lang)}</strong><br>{tx(step.text.get(lang), lang)}"
                        f"{used}</td></tr>")
            start += step.minutes
    return f'<table class="hx-plan">{"".join(rows)}</table>'


with teachers_tab, st.container(key="teacher-pack"):
    pack = content.teaching
    st.write(t("Everything for a lesson about the film, for the age band above: objectives, a 50-minute plan and a "
               "20-minute variant, answer hints for every question, curriculum links, practical information and "
               "moss-walk safety. The teacher's PDF holds it all, ready to print.", lang))
    if page.kiosk:  # nothing downloads onto a kiosk: the teacher's PDF opens on the visitor's phone
        on_your_phone(page, public_link(page.settings, "classroom", page.params(age=age)),
                      t("Take the teacher's pack with you", lang),
                      t("Scan the code to open this page on your phone and download the teacher's PDF there.", lang),
                      key="hx-qr-teacher")
    else:
        st.download_button(
            t("Download the teacher's pack (PDF)", lang),
            data=lambda: page.derived(("teacher-pdf", age, lang), lambda: teacher_pdf(content, age, lang)),
            file_name=f"here-teachers-pack-{age}-{lang}.pdf", mime="application/pdf",
            icon=":material/picture_as_pdf:", type="primary", key="teacher-download",
        )
    band = band_questions(content, age)
    numbers = {q.id: number for number, q in enumerate(band, start=1)}
    plan, short = pack.plan(age, "lesson"), pack.plan(age, "short")

    st.subheader(t("Practical information", lang))
    st.html("".join(f"<p><strong>{tx(item.label.get(lang), lang)}</strong>{colon(lang)} {tx(item.value.get(lang), lang)}</p>"
                    f"{_sources_html(content, pack, item.sources, page.links)}" for item in pack.practical))
    st.subheader(t("Learning objectives", lang))
    st.html("<ul>" + "".join(f"<li>{tx(o.get(lang), lang)}</li>" for o in pack.objectives_for(age)) + "</ul>")
    if page.spoiler_safe:  # the plans and hints talk about the whole film, ending included
        st.info(t("The lesson plans and answer hints talk about the whole film, ending included, so spoiler-safe mode "
                  "hides them. Switch it off at the top of the page to read them.", lang),
                icon=":material/visibility_off:")
    else:
        for title, lesson in ((t("A 50-minute lesson", lang), plan), (t("A 20-minute variant", lang), short)):
            if lesson is not None:
                st.subheader(title)
                st.html(_plan_html(lesson, numbers))
        st.subheader(t("Questions and answer hints", lang))
        caption(t("Hints are guidance for the teacher, not model answers: what pupils may say, and what to point to "
                  "in the film.", lang))
        for question in band:
            hint = pack.hint(question.id)
            with st.container(border=True, key=f"hint-{question.id}"):
                st.html(f"<p><strong>Q{numbers[question.id]} · {tx(question.text.get(lang), lang)}</strong></p>"
                        + (f'<p class="hx-where">{tx(hint.text.get(lang), lang)}</p>' if hint else ""))
    st.subheader(t("Curriculum links", lang))
    caption(t("Named only as far as the sources support; we have not matched the lesson to numbered attainment "
                 "targets.", lang))
    for link in pack.links:
        subjects = ", ".join(t(SUBJECT_LABELS[s], lang) for s in link.subjects)
        with st.container(border=True, key=f"link-{link.id}"):
            st.html(f"<p><strong>{tx(link.name, lang)}</strong><br><small>"
                    f"{tx(t(COMMUNITY_LABELS[link.community], lang), lang)} · {tx(subjects, lang)}</small></p>"
                    f"<p>{tx(link.note.get(lang), lang)}</p>{_sources_html(content, pack, link.sources, page.links)}")
    st.subheader(t("The moss walk: logistics and safety", lang))
    for note in pack.safety:
        with st.container(border=True, key=f"safety-{note.id}"):
            st.html(f"<p><strong>{tx(note.title.get(lang), lang)}</strong></p><p>{tx(note.text.get(lang), lang)}</p>"
                    f"{_sources_html(content, pack, note.sources, page.links)}")
