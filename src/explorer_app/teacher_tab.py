"""The classroom page's "For teachers" tab: the teacher's PDF, the objectives with their success criteria, the chosen
situation's plan as a timed table (with its sequence study: a still when there is one, else the shots described),
the plan's questions with answer hints, the rubrics, the word bank, sentence starters and extension task, practical
information, curriculum links and moss-walk safety.

Spoiler-safe mode hides what ``explorer.spoilers.visibility`` hides (the steps and hints meant for after viewing),
and says so; a plan for before the screening stays whole."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explorer.fragments import esc, tx
from explorer.handout import exit_ticket_texts, rubric_tasks
from explorer.i18n import n_, t
from explorer.model import LessonPlan, TeacherPack
from explorer.settings import public_link
from explorer.spoilers import Visibility
from explorer.teacherpack import COMMUNITY_LABELS, COMMUNITY_LANGUAGES, SUBJECT_LABELS, teacher_pdf
from explorer.typography import as_written, colon
from explorer_app.lesson_html import (
    objectives_html,
    plan_html,
    question_items_html,
    rubric_html,
    sequence_html,
    sources_line_html,
    support_html,
)
from explorer_app.page import Page
from explorer_app.situation import SITUATION_NAMES, link_params
from explorer_app.usagecount import made
from explorer_app.widgets import caption, on_your_phone


def _pack(page: Page) -> TeacherPack:
    """The teacher's pack: the tab is drawn only for content that has one (pages/classroom.py)."""
    pack = page.content.teaching
    if pack is None:
        raise ValueError("the content has no teacher's pack (data/teaching.toml)")
    return pack


def teacher_tab(page: Page, age: str, situation: str, plan: LessonPlan | None, view: Visibility) -> None:
    content, lang = page.content, page.language
    pack = _pack(page)
    st.write(
        t(
            "Everything for a lesson about the film, for the age band and the situation above: objectives and "
            "how to see they are met, the lesson plan, answer hints, support for pupils still learning the "
            "language, curriculum links, practical information and moss-walk safety. The teacher's PDF holds it "
            "all, ready to print.",
            lang,
        )
    )
    if page.kiosk:  # nothing downloads onto a kiosk: the teacher's PDF opens on the visitor's phone
        on_your_phone(
            page,
            public_link(page.settings, "classroom", link_params(page, age, situation)),
            t("Take the teacher's pack with you", lang),
            t("Scan the code to open this page on your phone and download the teacher's PDF there.", lang),
            key="hx-qr-teacher",
        )
    else:
        safe = page.spoiler_safe
        st.download_button(
            t("Download the teacher's pack (PDF)", lang),
            data=lambda: page.derived(
                ("teacher-pdf", age, situation, lang, safe),
                lambda: teacher_pdf(content, age, lang, spoiler_safe=safe, situation=situation),
            ),
            file_name=f"here-teachers-pack-{age}-{situation}-{lang}.pdf",
            mime="application/pdf",
            icon=":material/picture_as_pdf:",
            type="primary",
            key="teacher-download",
            on_click=made,
            args=("handout", "teacher_pack"),  # an anonymous count for the staff page
        )

    st.header(t("Learning objectives and success criteria", lang))
    st.html(objectives_html(pack.objectives_for(age), pack.assessment(age), lang))

    if plan is not None:
        _plan(page, plan, situation, view)
    _hints(page, age, plan, view)
    tasks = rubric_tasks(page.content, [plan], spoiler_safe=page.spoiler_safe)
    _assessment(page, age, plan, tasks)
    _support(page, age, adapt=bool(tasks))
    st.header(t("Practical information", lang))
    st.html(
        "".join(
            f"<p><strong>{tx(item.label.get(lang), lang)}</strong>{colon(lang)} {tx(item.value.get(lang), lang)}</p>"
            f"{_sources_html(page, item.sources)}"
            for item in pack.practical
        )
    )

    st.header(t("Curriculum links", lang))
    caption(t("Named only as far as the sources support; we have not matched the lesson to numbered attainment targets.", lang))
    for link in pack.links_for(age, lang):  # the band's, the reader's community first
        subjects = ", ".join(t(SUBJECT_LABELS[s], lang) for s in link.subjects)
        name = as_written(link.name, COMMUNITY_LANGUAGES.get(link.community, "en"))
        with st.container(border=True, key=f"link-{link.id}"):
            st.html(
                f"<p><strong>{tx(name, lang)}</strong><br><small>"
                f"{tx(t(COMMUNITY_LABELS[link.community], lang), lang)} · {tx(subjects, lang)}</small></p>"
                f"<p>{tx(link.note.get(lang), lang)}</p>{_sources_html(page, link.sources)}"
            )
    st.header(t("The moss walk: logistics and safety", lang))
    for note in pack.safety:
        with st.container(border=True, key=f"safety-{note.id}"):
            st.html(
                f"<p><strong>{tx(note.title.get(lang), lang)}</strong></p><p>{tx(note.text.get(lang), lang)}</p>"
                f"{_sources_html(page, note.sources)}"
            )


def _plan(page: Page, plan: LessonPlan, situation: str, view: Visibility) -> None:
    """The plan as a timed table, what spoiler-safe mode hides of it, and its sequence studies."""
    content, lang = page.content, page.language
    st.header(t(SITUATION_NAMES[situation], lang))
    if not view.plan_complete(plan):
        hidden = [step for step in plan.steps if not view.step(step)]
        st.info(
            n_(
                "Spoiler-safe mode hides {count} step of this plan ({minutes} min after viewing): it talks about "
                "the whole film, ending included. Switch spoiler-safe off at the top of the page to read it, or "
                "choose the lesson before the screening, which spoiler-safe mode shows whole.",
                "Spoiler-safe mode hides {count} steps of this plan ({minutes} min after viewing): they talk about "
                "the whole film, ending included. Switch spoiler-safe off at the top of the page to read them, or "
                "choose the lesson before the screening, which spoiler-safe mode shows whole.",
                len(hidden),
                lang,
                minutes=sum(step.minutes for step in hidden),
            ),
            icon=":material/visibility_off:",
        )
    st.html(plan_html(content, plan, view, lang))
    for step in plan.steps:
        sequence = content.sequence(step.sequence) if step.sequence else None
        if sequence is None or not view.step(step) or not view.scene(sequence.scene):
            continue
        with st.container(border=True, key=f"sequence-{sequence.id}"):
            stills = content.stills_of(sequence.scene)
            st.html(
                f'<p class="hx-caption">{tx(t("Sequence study", lang), lang)}</p>'
                + sequence_html(content, sequence, lang, shots=not stills)
            )
            for still in stills:
                with st.container(key=f"hx-still-{still.id}"):
                    st.image(str(Path(content.stills_dir) / still.file), alt=still.alt.get(lang), width="stretch")
                parts = [still.credit, t("Licence: {licence}", lang, licence=still.licence)]
                if still.timecode:
                    parts.append(t("At {timecode} into the film", lang, timecode=still.timecode))
                caption(" · ".join(parts))


def _hints(page: Page, age: str, plan: LessonPlan | None, view: Visibility) -> None:
    """The plan's questions in the order it asks them, each with its answer hint where spoiler-safe mode allows;
    the band's other questions below, folded."""
    content, lang, pack = page.content, page.language, _pack(page)
    asked = [q for q in (content.question(i) for i in (plan.question_ids() if plan else ())) if q is not None]
    others = [q for q in content.band_questions(age) if q.id not in {a.id for a in asked}]
    st.header(t("Questions and answer hints", lang))
    caption(t("Hints are guidance for the teacher, not model answers: what pupils may say, and what to point to in the film.", lang))
    if any(not view.hint(q) for q in (*asked, *others) if view.question(q)):
        caption(t("Spoiler-safe mode hides the hints for questions after viewing: they talk about the whole film.", lang))

    def show(questions) -> None:
        for question in questions:
            if not view.question(question):
                continue
            hint = pack.hint(question.id) if view.hint(question) else None
            with st.container(border=True, key=f"hint-{question.id}"):
                st.html(
                    question_items_html(content, (question,), lang)
                    + (f'<p class="hx-where">{tx(hint.text.get(lang), lang)}</p>' if hint else "")
                )

    show(asked)
    if any(view.question(q) for q in others):
        with st.expander(t("The age band's other questions", lang)):
            show(others)


def _assessment(page: Page, age: str, plan: LessonPlan | None, tasks: tuple[str, ...]) -> None:
    """The rubrics of the tasks the plan has (``tasks``: the exit ticket, with its prompts, and the main activity),
    three levels each; nothing for a plan with neither."""
    lang = page.language
    assessment = _pack(page).assessment(age)
    if assessment is None or not any(assessment.rubric(task) for task in tasks):
        return
    st.header(t("Assessment", lang))
    caption(t("Three levels for judging each task: beginning, developing, secure.", lang))
    prompts = bool(exit_ticket_texts(page.content, age, plan))
    st.html("".join(rubric_html(assessment, task, lang, prompts=prompts and task == "exit-ticket") for task in tasks))


def _support(page: Page, age: str, *, adapt: bool = True) -> None:
    """Differentiation: the word bank, sentence starters and the extension task."""
    lang = page.language
    support = _pack(page).support(age)
    if support is None:
        return
    st.header(t("Differentiation", lang))
    with st.container(border=True, key="hx-support"):
        st.html(support_html(support, lang, adapt=adapt))


def _sources_html(page: Page, ids) -> str:
    """An entry's sources, linked when the page may link out (not on a kiosk)."""
    content, lang, pack = page.content, page.language, _pack(page)
    items = []
    for source_id in ids:
        reference = pack.reference(source_id)
        if reference is not None:
            label, url = as_written(f"{reference.title}, {reference.outlet}"), reference.url
        else:
            source = content.source(source_id)
            label, url = as_written(source.citation()), source.url
        items.append(
            f'<a href="{esc(url)}" target="_blank" rel="noopener">{tx(label, lang)}</a>'
            if url and page.links
            else tx(label + (f" ({url})" if url else ""), lang)
        )
    return sources_line_html(t("Sources", lang), items, lang)
