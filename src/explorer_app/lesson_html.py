"""HTML for the classroom page's lesson material (pages/classroom.py): a plan as a timed table, questions with their
one number, objectives with their success criteria, rubrics, the word bank and sentence starters, a sequence's
shots. Everything from the content is typeset and escaped (``explorer.fragments.tx``); tables have headers."""

from __future__ import annotations

from dataclasses import replace

from explorer.fragments import attribution, esc, origin_html, term_html, tx
from explorer.i18n import N_, t
from explorer.model import (
    LESSON_PHASES,
    BandAssessment,
    BandSupport,
    Content,
    LessonPlan,
    Question,
    Sequence,
    Term,
    Text,
)
from explorer.spoilers import Visibility
from explorer.teacherpack import PHASE_LABELS, PUPIL_INSTRUCTION, PUPIL_WORDS, TICKET_PROMPTS
from explorer.typography import colon, separator

RUBRIC_LABELS = {"exit-ticket": N_("Exit ticket"), "main-activity": N_("Main activity")}
LEVEL_LABELS = (N_("Beginning"), N_("Developing"), N_("Secure"))
# the language the class works in, named in the page's language
LEARNING = {
    "en": N_("For pupils still learning English"),
    "fr": N_("For pupils still learning French"),
    "nl": N_("For pupils still learning Dutch"),
}


def question_items_html(content: Content, questions, language: str) -> str:
    """Questions as a list, each led by its one number ("Q7"), the number read out before the question."""
    items = "".join(
        f'<li><span class="hx-qnum">{esc(content.question_label(q.id))}</span> {tx(q.text.get(language), language)}</li>'
        for q in questions
    )
    return f'<ul class="hx-questions hx-numbered">{items}</ul>'


def before_questions_html(content: Content, questions: tuple[Question, ...], language: str) -> str:
    """The questions asked before viewing, in their own group."""
    return (
        f'<article class="hx-scene"><h2>{tx(t("Before viewing", language), language)}</h2>'
        f'<p class="hx-where">{tx(t("Ask these before the screening: they reveal nothing of the film.", language), language)}'
        f"</p>{question_items_html(content, questions, language)}</article>"
    )


def scene_questions_html(content: Content, scene, questions, language: str) -> str:
    """One scene's questions under its number and title."""
    return (
        f'<article class="hx-scene"><h2><span class="hx-num">{scene.order}</span>'
        f"{tx(scene.title.get(language), language)}</h2>{question_items_html(content, questions, language)}</article>"
    )


def step_uses(content: Content, step, language: str) -> str:
    """What a step uses, in one line: its questions by their one number, glossary terms, activities, a sequence."""
    terms = {term.id: term.name.get(language) for term in content.terms}
    activities = {a.id: a.title.get(language) for a in content.activities}
    parts = []
    if step.questions:
        parts.append(t("Questions: {items}", language, items=", ".join(content.question_label(q) for q in step.questions)))
    if step.terms:
        parts.append(t("Glossary: {items}", language, items=", ".join(terms.get(i, i) for i in step.terms)))
    if step.activities:
        parts.append(t("Activities: {items}", language, items=", ".join(activities.get(i, i) for i in step.activities)))
    sequence = content.sequence(step.sequence) if step.sequence else None
    if sequence is not None:
        parts.append(t("Sequence study: {title} (below the plan)", language, title=sequence.title.get(language)))
    return " · ".join(parts)


def plan_html(content: Content, plan: LessonPlan, view: Visibility, language: str) -> str:
    """A lesson plan as a timed table in two parts, before and after viewing; the steps ``view`` hides are left
    out, with a row saying so (their minutes still count, so the times stay those of the lesson)."""
    head = (
        f'<thead><tr><th scope="col">{tx(t("Time", language), language)}</th>'
        f'<th scope="col">{tx(t("Step", language), language)}</th></tr></thead>'
    )
    groups, start = [], 0
    for phase in LESSON_PHASES:
        steps = [s for s in plan.steps if s.phase == phase]
        if not steps:
            continue
        rows = [
            f'<tr><th colspan="2" scope="rowgroup">{tx(t(PHASE_LABELS[phase], language), language)} · '
            f"{tx(t('{minutes} min', language, minutes=plan.phase_minutes(phase)), language)}</th></tr>"
        ]
        hidden = 0  # minutes
        for step in steps:
            if view.step(step):
                uses = step_uses(content, step, language)
                used = f"<br><small>{tx(uses, language)}</small>" if uses else ""
                rows.append(
                    f"<tr><td><strong>{start}–{start + step.minutes}</strong><br>"
                    f"{tx(t('{minutes} min', language, minutes=step.minutes), language)}</td>"
                    f"<td><strong>{tx(step.title.get(language), language)}</strong><br>"
                    f"{tx(step.text.get(language), language)}{used}</td></tr>"
                )
            else:
                hidden += step.minutes
            start += step.minutes
        if hidden:
            note = t("Hidden in spoiler-safe mode: what to do after viewing talks about the whole film.", language)
            rows.append(
                f'<tr class="hx-plan-hidden"><td>{tx(t("{minutes} min", language, minutes=hidden), language)}'
                f"</td><td>{tx(note, language)}</td></tr>"
            )
        groups.append(f"<tbody>{''.join(rows)}</tbody>")
    return f'<table class="hx-plan">{head}{"".join(groups)}</table>'


def objectives_html(objectives: tuple[Text, ...], assessment: BandAssessment | None, language: str) -> str:
    """Each learning objective beside its success criterion (how the teacher sees it is met)."""
    criteria = assessment.criteria if assessment is not None else ()
    head = (
        f'<thead><tr><th scope="col">{tx(t("Objective", language), language)}</th>'
        f'<th scope="col">{tx(t("Success criterion", language), language)}</th></tr></thead>'
    )
    rows = "".join(
        f'<tr><td data-label="{esc(t("Objective", language))}">{tx(objective.get(language), language)}</td>'
        f'<td data-label="{esc(t("Success criterion", language))}">'
        f"{tx(criteria[index].get(language), language) if index < len(criteria) else ''}</td></tr>"
        for index, objective in enumerate(objectives)
    )
    return f'<table class="hx-assess">{head}<tbody>{rows}</tbody></table>'


def rubric_html(assessment: BandAssessment, task: str, language: str, *, prompts: bool = False) -> str:
    """A rubric as a table: one row per level, from beginning to secure, in the pupil's own words (first person);
    with ``prompts``, the exit ticket's prompts as pupils read them on their handout, before it."""
    rubric = assessment.rubric(task)
    if rubric is None:
        return ""
    before = ""
    if prompts and assessment.exit_ticket:
        items = "".join(f"<li>{tx(text.get(language), language)}</li>" for text in assessment.exit_ticket)
        before = f'<p class="hx-where">{tx(t(TICKET_PROMPTS, language), language)}</p><ol class="hx-exit-ticket">{items}</ol>'
    head = (
        f'<thead><tr><th scope="col">{tx(t("Level", language), language)}</th>'
        f'<th scope="col">{tx(t(PUPIL_WORDS, language), language)}</th></tr></thead>'
    )
    rows = "".join(
        f'<tr><th scope="row">{tx(t(level, language), language)}</th><td>{tx(text.get(language), language)}</td></tr>'
        for level, text in zip(LEVEL_LABELS, rubric.levels, strict=False)
    )
    caption = f"<caption>{tx(t(RUBRIC_LABELS.get(task, task), language), language)}</caption>"
    return f'{before}<table class="hx-rubric">{caption}{head}<tbody>{rows}</tbody></table>'


def support_html(support: BandSupport, language: str, *, adapt: bool = True) -> str:
    """The word bank and sentence starters (for pupils still learning the class's language), and the extension;
    with ``adapt``, how to adapt the main activity and the exit ticket (only for a plan that has them)."""
    words = "".join(f"<li>{tx(word.get(language), language)}</li>" for word in support.words)
    starters = "".join(f"<li>{tx(starter.get(language), language)}</li>" for starter in support.starters)
    adapting = (
        f"<h3>{tx(t('Adapting the tasks and the exit ticket', language), language)}</h3>"
        f"<p>{tx(support.adapt.get(language), language)}</p>"
        if adapt and support.adapt is not None
        else ""
    )
    return (
        f'<div class="hx-support"><h3>{tx(t(LEARNING.get(language, LEARNING["en"]), language), language)}</h3>'
        f'<p><strong>{tx(t("Word bank", language), language)}</strong></p><ul class="hx-wordbank">{words}</ul>'
        f"<p><strong>{tx(t('Sentence starters', language), language)}</strong></p><ul>{starters}</ul>"
        f"<h3>{tx(t('Extension task', language), language)}</h3>"
        f'<p class="hx-where">{tx(t(PUPIL_INSTRUCTION, language), language)}</p>'
        f"<p>{tx(support.extension.get(language), language)}</p>{adapting}</div>"
    )


def sequence_html(content: Content, sequence: Sequence, language: str, *, shots: bool) -> str:
    """A sequence study's heading (the sequence and its scene) and, when there is no still, its shots in order."""
    scene = content.scene(sequence.scene)
    where = t("Scene {number}: {title}", language, number=scene.order, title=scene.title.get(language)) if scene else ""
    parts = [f'<h3>{tx(sequence.title.get(language), language)}</h3><p class="hx-where">{tx(where, language)}</p>']
    if shots:
        parts.append(f"<p>{tx(t('No still of this sequence is available; its shots, as we describe them:', language), language)}</p>")
        parts.append(
            '<ol class="hx-shots">' + "".join(f"<li>{tx(shot.get(language), language)}</li>" for shot in sequence.shots) + "</ol>"
        )
    return "".join(parts)


def sources_line_html(label: str, items: list[str], language: str) -> str:
    """A line of sources (items already HTML)."""
    if not items:
        return ""
    return f'<p class="hx-where"><small>{tx(label, language)}{colon(language)} {separator(language).join(items)}</small></p>'


TRANSLATION_FIRST = {"10-13"}  # bands that read our translation of a quotation first, the original smaller after it


def glossary_term_html(term: Term, content: Content, language: str, age: str, *, hide_where: bool = False) -> str:
    """A glossary entry for an age band: for ages 10 to 13 reading another language than the director's words,
    our translation first, marked as ours, and the original words after it, smaller; else the original first
    (``explorer.fragments.term_html``)."""
    quote = term.quote
    translation = quote.translation(language) if quote is not None else ""
    if quote is None or age not in TRANSLATION_FIRST or not translation:
        return term_html(term, content, language, hide_where=hide_where)
    entry = term_html(replace(term, quote=None), content, language, hide_where=hide_where)
    body, end = entry[: -len("</article>")], entry[-len("</article>") :]
    assert end == "</article>", "a glossary entry ends its article"
    original = (
        f'<p class="hx-origin"><small>{tx(t("The original words", language), language)}{colon(language)} '
        f'<span lang="{esc(quote.language)}">{esc(quote.text)}</span></small></p>'
    )
    figure = (
        '<figure class="hx-quote hx-quote-ours">'
        f"<blockquote>{tx(translation, language)}</blockquote>"
        f'<p class="hx-translation"><em>({tx(t("our translation", language), language)})</em></p>'
        f"<figcaption>— {esc(attribution(quote, content, language))}{origin_html(quote, content, language)}"
        f"</figcaption>{original}</figure>"
    )
    return body + figure + end
