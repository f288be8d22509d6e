"""The teacher's pack as a printable A4 PDF (fpdf2): practical information, objectives with their success criteria,
the lesson plan of each situation (after the screening, around it, 20 minutes, before it) as timed tables with
every question as its one number (Q7) and the sequence studies the plans name (a still when there is one, else
the shots described), the rubrics of the tasks the plans have (none for a plan without an exit ticket or a main
activity), the word bank, sentence starters and extension task, every question of the plans with its answer hint,
the glossary, the curriculum links and the moss-walk safety notes. Each entry is kept on one page (never split
across two).

Spoiler-safe mode goes through :func:`explorer.spoilers.visibility`: the plans keep only their steps before
viewing (a plan for before the screening stays whole), no hint after viewing, no question or title of a hidden
scene; the PDF says what it leaves out and why."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from fpdf import FPDF
from PIL import Image

from explorer.fonts import STYLES, font_path
from explorer.fragments import attribution, origin_note
from explorer.handout import exit_ticket_texts, rubric_tasks
from explorer.i18n import N_, n_, t
from explorer.model import (
    LESSON_KINDS,
    LESSON_PHASES,
    Content,
    LessonPlan,
    LessonStep,
    Question,
    Sequence,
    Still,
    TeacherPack,
    Term,
)
from explorer.spoilers import Visibility, visibility
from explorer.theme import rgb
from explorer.typography import NBSP, as_written, typeset

AGE_LABELS = {"10-13": N_("Ages 10 to 13"), "14-18": N_("Ages 14 to 18"), "adults": N_("Adults")}
PHASE_LABELS = {"before": N_("Before viewing"), "after": N_("After viewing")}
COMMUNITY_LABELS = {"fwb": N_("French-speaking Community (Fédération Wallonie-Bruxelles)"), "flanders": N_("Flemish Community")}
SUBJECT_LABELS = {
    "biology": N_("biology"),
    "geography": N_("geography"),
    "media-literacy": N_("media literacy"),
    "film": N_("film education"),
}
SITUATION_NAMES = {  # a plan's heading, the same words as the classroom page's
    "after": N_("A 50-minute lesson after the screening"),
    "around": N_("A 50-minute lesson before and after the screening"),
    "short": N_("A 20-minute lesson, before and after the screening"),
    "before": N_("A 20-minute lesson before the screening"),
}
RUBRIC_NAMES = {"exit-ticket": N_("Exit ticket"), "main-activity": N_("Main activity")}
COMMUNITY_LANGUAGES = {"fwb": "fr", "flanders": "nl"}  # the language a community's frameworks are named in
# pupils' success criteria and rubric levels are in the first person ("I can name..."): the column says so
PUPIL_WORDS = N_("In the pupil's own words")
PUPIL_INSTRUCTION = N_("Instruction for pupils")
TICKET_PROMPTS = N_("The prompts on the pupils' handout:")
LEVEL_NAMES = (N_("Beginning"), N_("Developing"), N_("Secure"))
MOSS, MOSS_DARK, MOSS_LIGHT, GREY, INK, LINE = (
    rgb("moss"),
    rgb("moss_dark"),
    rgb("moss_light"),
    rgb("concrete"),
    rgb("ink"),
    rgb("line"),
)
TIME_COLUMN = 24  # mm: the width of the minutes column of a plan's table
STILL_WIDTH = 80  # mm: a still's printed width (its height follows the image)


class _TeacherPdf(FPDF):
    def __init__(self, footer_text: str, language: str, measuring: bool = False):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.language = language
        self._scratch: _TeacherPdf | None = None
        self.pending_heading = ""  # a section heading waiting for its first block (see _heading)
        for family in ("sans", "serif"):
            for style in STYLES:
                self.add_font(family, style, str(font_path(family, style)))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(not measuring, margin=18)

    def scratch(self) -> _TeacherPdf:
        """A second document with the same fonts and page, where entries are drawn only to measure them."""
        if self._scratch is None:
            self._scratch = _TeacherPdf("", self.language, measuring=True)
        return self._scratch

    def multi_cell(self, *args, **kwargs):  # ragged right: justified lines gape around long web addresses
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)

    def normalize_text(self, text: str) -> str:  # every string fpdf2 draws passes here
        return super().normalize_text(typeset(text, self.language, narrow=NBSP))  # French spacing

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("sans", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")


def band_questions(content: Content, age: str) -> tuple[Question, ...]:
    """Every question of an age band in number order (before viewing first, then story order)."""
    return content.band_questions(age)


def teacher_pdf(
    content: Content, age: str, language: str = "en", *, spoiler_safe: bool = False, situation: str | None = None
) -> bytes:
    """The teacher's pack for one age band in one language, as PDF bytes: one situation's plan
    (``situation``, a kind of LESSON_KINDS) or all four (None)."""
    pack = content.teaching
    if pack is None:
        raise ValueError("the content has no teacher's pack (data/teaching.toml)")
    if situation is not None and situation not in LESSON_KINDS:
        raise ValueError(f"unknown situation {situation!r}: one of {', '.join(LESSON_KINDS)}")
    view = visibility(content, spoiler_safe)
    kinds = (situation,) if situation else tuple(LESSON_KINDS)
    plans = [plan for plan in (pack.plan(age, kind) for kind in kinds) if plan is not None]
    film = content.film
    pdf = _TeacherPdf(t("Here (Bas Devos, 2023) · teacher's pack · made with the Here explorer", language), language)
    pdf.set_title(t("Here: teacher's pack", language))
    pdf.set_author("Here explorer")
    pdf.add_page()

    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 24)
    pdf.cell(0, 11, t("Here · teacher's pack", language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 11)
    pdf.set_text_color(*GREY)
    line = t(
        "{director}, {year} · {minutes} min · {audience}",
        language,
        director=film.director,
        year=film.year,
        minutes=film.runtime_minutes,
        audience=t(AGE_LABELS[age], language),
    )
    if situation:
        line += f" · {t(SITUATION_NAMES[situation], language)}"
    pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _paragraph(pdf, film.synopsis.get(language), size=10)
    if spoiler_safe:
        _keep_together(
            pdf,
            _notice,
            t("Spoiler-safe", language),
            t(
                "This pack is spoiler-safe: it leaves out the scenes after Stefan and Shuxiu first meet (their titles, "
                "notes and questions), every plan step and answer hint meant for after viewing (they talk about the "
                "whole film, ending included), and where a glossary term shows in a hidden scene. Print it without "
                "spoiler-safe to have them.",
                language,
            ),
        )

    _heading(pdf, t("Practical information", language))
    for item in pack.practical:
        _keep_together(
            pdf, _entry, item.label.get(language), item.value.get(language), _sources_line(content, pack, item.sources, language)
        )

    _heading(pdf, t("Learning objectives and success criteria", language))
    assessment = pack.assessment(age)
    criteria = assessment.criteria if assessment is not None else ()
    for index, objective in enumerate(pack.objectives_for(age)):
        criterion = criteria[index].get(language) if index < len(criteria) else ""
        _keep_together(
            pdf,
            _objective,
            objective.get(language),
            t("Success criterion: {criterion}", language, criterion=criterion) if criterion else "",
        )

    studied: set[str] = set()
    for plan in plans:
        _heading(pdf, t(SITUATION_NAMES[plan.kind], language))
        _plan_table(pdf, content, plan, view, language)
        for step in plan.steps:
            sequence = content.sequence(step.sequence) if step.sequence else None
            if sequence is None or sequence.id in studied or not view.step(step) or not view.scene(sequence.scene):
                continue
            studied.add(sequence.id)
            _sequence_study(pdf, content, pack, sequence, language)

    tasks = rubric_tasks(content, plans, spoiler_safe=spoiler_safe)  # only the tasks the plans have
    if assessment is not None and any(assessment.rubric(task) for task in tasks):
        _heading(pdf, t("Assessment", language))
        _paragraph(
            pdf, t("Three levels for each task, to judge the work against the success criteria.", language), size=9.5, colour=GREY
        )
        prompts = tuple(text.get(language) for text in assessment.exit_ticket)
        for task in tasks:
            rubric = assessment.rubric(task)
            if rubric is not None:
                _keep_together(
                    pdf,
                    _rubric_table,
                    t(RUBRIC_NAMES[task], language),
                    tuple(level.get(language) for level in rubric.levels),
                    prompts if task == "exit-ticket" and _has_exit_ticket(content, age, plans) else (),
                )

    support = pack.support(age)
    if support is not None:
        _heading(pdf, t("Support and extension", language))
        if support.words:
            _keep_together(pdf, _columns_entry, t("Word bank", language), tuple(word.get(language) for word in support.words))
        if support.starters:
            _keep_together(
                pdf, _list_entry, t("Sentence starters", language), tuple(starter.get(language) for starter in support.starters)
            )
        if support.extension.get(language):
            _keep_together(
                pdf,
                _entry,
                t("Extension task, for those who finish early", language),
                support.extension.get(language),
                "",
                t(PUPIL_INSTRUCTION, language),
            )
        if tasks and support.adapt is not None and support.adapt.get(language):
            _keep_together(pdf, _entry, t("Adapting the tasks and the exit ticket", language), support.adapt.get(language), "")

    _questions_and_hints(pdf, content, pack, age, plans if situation else None, view, language)

    _heading(pdf, t("Film language", language))
    for term in content.terms:
        _keep_together(pdf, _term, *_term_parts(content, term, view.term_where(term), language))

    _heading(pdf, t("Curriculum links", language))
    _paragraph(
        pdf,
        t("Named only as far as the sources below support; we have not matched the lesson to numbered attainment targets.", language),
        size=9.5,
        colour=GREY,
    )
    for link in pack.links_for(age, language):  # the band's, the reader's community first
        subjects = ", ".join(t(SUBJECT_LABELS[s], language) for s in link.subjects)
        _keep_together(
            pdf,
            _entry,
            as_written(link.name, COMMUNITY_LANGUAGES.get(link.community, "en")),
            link.note.get(language),
            _sources_line(content, pack, link.sources, language),
            f"{t(COMMUNITY_LABELS[link.community], language)} · {subjects}",
        )

    _heading(pdf, t("The moss walk: logistics and safety", language))
    for note in pack.safety:
        _keep_together(
            pdf, _entry, note.title.get(language), note.text.get(language), _sources_line(content, pack, note.sources, language)
        )
    return bytes(pdf.output())


def _has_exit_ticket(content: Content, age: str, plans: list[LessonPlan]) -> bool:
    return any(exit_ticket_texts(content, age, plan) for plan in plans)


def _questions_and_hints(
    pdf: _TeacherPdf,
    content: Content,
    pack: TeacherPack,
    age: str,
    plans: list[LessonPlan] | None,
    view: Visibility,
    language: str,
) -> None:
    """The questions (of the situation's plan, or every one of the band) with their answer hints, as far as
    spoiler-safe mode allows; what it leaves out is said."""
    if plans is None:
        questions = content.band_questions(age)
    else:
        ids = dict.fromkeys(q for plan in plans for q in plan.question_ids())
        questions = tuple(q for q in map(content.question, ids) if q is not None)
    shown = [q for q in questions if view.question(q)]
    _heading(pdf, t("Questions and answer hints", language))
    _paragraph(
        pdf,
        t("Hints are guidance for the teacher, not model answers: what pupils may say, and what to point to in the film.", language),
        size=9.5,
        colour=GREY,
    )
    hidden_questions = len(questions) - len(shown)
    hidden_hints = sum(1 for q in shown if not view.hint(q))
    if hidden_questions or hidden_hints:
        parts = [
            n_(
                "{count} question about a later scene is left out.",
                "{count} questions about later scenes are left out.",
                hidden_questions,
                language,
            )
            if hidden_questions
            else "",
            n_(
                "{count} answer hint for after viewing is left out.",
                "{count} answer hints for after viewing are left out.",
                hidden_hints,
                language,
            )
            if hidden_hints
            else "",
            t("They would tell the story.", language),
        ]
        _paragraph(pdf, f"{t('Spoiler-safe', language)}: " + " ".join(part for part in parts if part), size=9.5, colour=MOSS_DARK)
    scene_titles = {s.id: s.title.get(language) for s in view.scenes()}
    for question in shown:
        hint = pack.hint(question.id) if view.hint(question) else None
        where = (
            t("Before viewing", language)
            if question.phase == "before"
            else t("Scene: {title}", language, title=scene_titles.get(question.scene, ""))
        )
        _keep_together(
            pdf,
            _question,
            f"{content.question_label(question.id)} · {question.text.get(language)}",
            where,
            hint.text.get(language) if hint else "",
        )


def _entry(pdf: _TeacherPdf, title: str, text: str, sources: str, subtitle: str = "") -> None:
    """A titled entry (practical item, curriculum link, safety note) with its sources."""
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    if subtitle:
        pdf.set_font("sans", "I", 9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4.6, subtitle, new_x="LMARGIN", new_y="NEXT")
    _paragraph(pdf, text, size=9.5)
    if sources:
        _paragraph(pdf, sources, size=8.5, colour=GREY)
    pdf.ln(1)


def _list_entry(pdf: _TeacherPdf, title: str, items: tuple[str, ...]) -> None:
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 9.5)
    for item in items:
        pdf.cell(5, 4.8, "–")
        pdf.multi_cell(0, 4.8, item, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _columns_entry(pdf: _TeacherPdf, title: str, items: tuple[str, ...]) -> None:
    """A titled list of short items in two columns (the first half on the left)."""
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 9.5)
    top, gap = pdf.get_y(), 6
    width, middle, bottom = (pdf.epw - gap) / 2, (len(items) + 1) // 2, pdf.get_y()
    for column, half in enumerate((items[:middle], items[middle:])):
        x, y = pdf.l_margin + column * (width + gap), top
        for item in half:
            pdf.set_xy(x, y)
            pdf.multi_cell(width, 4.6, item, new_x="LEFT", new_y="NEXT")
            y = pdf.get_y() + 0.6
        bottom = max(bottom, y)
    pdf.set_xy(pdf.l_margin, bottom + 2)


def _notice(pdf: _TeacherPdf, title: str, text: str) -> None:
    """A tinted box: what this PDF leaves out, and why."""
    pdf.ln(1)
    top, pad = pdf.get_y(), 3
    pdf.set_xy(pdf.l_margin + pad, top + pad)
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(pdf.epw - 2 * pad, 5, title, new_x="LEFT", new_y="NEXT")
    pdf.set_font("sans", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(pdf.epw - 2 * pad, 4.8, text, new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y() + pad
    pdf.set_draw_color(*MOSS)
    pdf.set_line_width(0.3)
    pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top, style="D", round_corners=True, corner_radius=2)
    pdf.set_xy(pdf.l_margin, bottom + 2)


def _objective(pdf: _TeacherPdf, objective: str, criterion: str) -> None:
    pdf.set_font("sans", "", 10.5)
    pdf.set_text_color(*INK)
    pdf.cell(6, 5.4, "•")
    pdf.multi_cell(0, 5.4, objective, new_x="LMARGIN", new_y="NEXT")
    if criterion:
        pdf.set_x(pdf.l_margin + 6)
        pdf.set_font("sans", "I", 9.5)
        pdf.set_text_color(*MOSS_DARK)
        pdf.multi_cell(0, 4.8, criterion, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _question(pdf: _TeacherPdf, question: str, scene: str, hint: str) -> None:
    pdf.set_font("sans", "B", 10.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5.4, question, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "I", 8.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, scene, new_x="LMARGIN", new_y="NEXT")
    if hint:
        _paragraph(pdf, hint, size=10, colour=MOSS_DARK)
    pdf.ln(1.5)


def _term_parts(content: Content, term: Term, show_where: bool, language: str) -> tuple[str, str, str, str, str]:
    """A glossary entry as printed: name, explanation, where it shows (empty when hidden), quotation, translation."""
    where = t("In the film: {where}", language, where=term.where.get(language)) if show_where else ""
    quoted = translation = ""
    if term.quote is not None:
        note = origin_note(term.quote, content, language)
        credit = as_written(attribution(term.quote, content, language)) + (f" ({note})" if note else "")
        quoted = f"“{as_written(term.quote.text, term.quote.language)}” · {credit}"
        if term.quote.translation(language):
            translation = f"{term.quote.translation(language)} ({t('our translation', language)})"
    return term.name.get(language), term.explanation.get(language), where, quoted, translation


def _term(pdf: _TeacherPdf, name: str, explanation: str, where: str, quoted: str, translation: str) -> None:
    pdf.set_font("sans", "B", 10.5)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(0, 5.4, name, new_x="LMARGIN", new_y="NEXT")
    _paragraph(pdf, explanation, size=10)
    if where:
        _paragraph(pdf, where, size=9.5, colour=GREY)
    if quoted:
        pdf.set_font("serif", "I", 9.5)
        pdf.set_text_color(*MOSS_DARK)
        pdf.multi_cell(0, 4.8, quoted, new_x="LMARGIN", new_y="NEXT")
    if translation:
        _paragraph(pdf, translation, size=9, colour=GREY)
    pdf.ln(1.5)


def _plan_table(pdf: _TeacherPdf, content: Content, plan: LessonPlan, view: Visibility, language: str) -> None:
    """The plan as a timed table: a header row per phase (kept with its first step), then one row per step; the
    steps spoiler-safe mode hides are left out, and a line says how many and why."""
    terms = {term.id: term.name.get(language) for term in content.terms}
    activities = {a.id: a.title.get(language) for a in content.activities}
    start = 0
    for phase in LESSON_PHASES:
        steps = [s for s in plan.steps if s.phase == phase]
        shown = [s for s in steps if view.step(s)]
        for index, step in enumerate(shown):
            header = (
                (f"{t(PHASE_LABELS[phase], language)} · {t('{minutes} min', language, minutes=plan.phase_minutes(phase))}")
                if index == 0
                else ""
            )
            _keep_together(
                pdf,
                _step_row,
                header,
                f"{start}–{start + step.minutes}",
                t("{minutes} min", language, minutes=step.minutes),
                step.title.get(language),
                step.text.get(language),
                step_uses(step, content, terms, activities, language, view=view),
            )
            start += step.minutes
        if len(shown) < len(steps):
            _keep_together(
                pdf,
                _left_out,
                n_(
                    "Spoiler-safe: {count} step after viewing ({minutes} min) is left out; it talks about the whole "
                    "film, ending included.",
                    "Spoiler-safe: the {count} steps after viewing ({minutes} min) are left out; they talk about the "
                    "whole film, ending included.",
                    len(steps) - len(shown),
                    language,
                    minutes=sum(s.minutes for s in steps if not view.step(s)),
                ),
            )
    pdf.ln(2)


def _left_out(pdf: _TeacherPdf, text: str) -> None:
    pdf.set_fill_color(*MOSS_LIGHT)
    pdf.set_font("sans", "I", 9.5)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(0, 5, text, fill=True, padding=(1.5, 2), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _step_row(pdf: _TeacherPdf, header: str, span: str, minutes: str, title: str, text: str, uses: str) -> None:
    if header:
        pdf.set_fill_color(*MOSS_LIGHT)
        pdf.set_font("sans", "B", 10)
        pdf.set_text_color(*MOSS_DARK)
        pdf.cell(0, 6.5, f"  {header}", fill=True, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 1.5
    pdf.set_xy(pdf.l_margin, top)
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(TIME_COLUMN, 5, f"{span}\n{minutes}", new_x="LMARGIN", new_y="NEXT")
    time_bottom = pdf.get_y()
    width = pdf.w - pdf.r_margin - pdf.l_margin - TIME_COLUMN
    pdf.set_xy(pdf.l_margin + TIME_COLUMN, top)
    pdf.set_font("sans", "B", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width, 5, title, new_x="LEFT", new_y="NEXT")
    pdf.set_font("sans", "", 9.5)
    pdf.multi_cell(width, 4.8, text, new_x="LEFT", new_y="NEXT")
    if uses:
        pdf.set_font("sans", "I", 9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(width, 4.6, uses, new_x="LEFT", new_y="NEXT")
    bottom = max(pdf.get_y(), time_bottom) + 1.5
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, bottom, pdf.w - pdf.r_margin, bottom)
    pdf.set_xy(pdf.l_margin, bottom)


def step_uses(
    step: LessonStep,
    numbers: Content | Mapping[str, int],
    terms: dict[str, str],
    activities: dict[str, str],
    language: str,
    *,
    view: Visibility | None = None,
) -> str:
    """What a step uses, in one line: its questions (each as its one number, Q7; ``numbers`` is the content, or,
    as before, a mapping of question ids to numbers), glossary terms, activities and sequence study."""

    def label(question_id: str) -> str:
        if isinstance(numbers, Content):
            return numbers.question_label(question_id)
        return f"Q{numbers[question_id]}" if question_id in numbers else question_id

    parts = []
    if step.questions:
        parts.append(t("Questions: {items}", language, items=", ".join(label(q) for q in step.questions)))
    if step.terms:
        parts.append(t("Glossary: {items}", language, items=", ".join(terms.get(i, i) for i in step.terms)))
    if step.activities:
        parts.append(t("Activities: {items}", language, items=", ".join(activities.get(i, i) for i in step.activities)))
    if step.sequence and isinstance(numbers, Content):
        sequence = numbers.sequence(step.sequence)
        if sequence is not None and (view is None or view.scene(sequence.scene)):
            parts.append(t("Sequence study: {title}", language, title=sequence.title.get(language)))
    return " · ".join(parts)


def _sequence_study(pdf: _TeacherPdf, content: Content, pack: TeacherPack, sequence: Sequence, language: str) -> None:
    """A sequence to study closely: each still of its scene with its caption, or, without a still, its shots as
    described in our words."""
    stills = [s for s in content.stills_of(sequence.scene) if (Path(content.stills_dir) / s.file).is_file()]
    title = t("Sequence study: {title}", language, title=sequence.title.get(language))
    if stills:
        for index, still in enumerate(stills):
            _keep_together(pdf, _still, title if index == 0 else "", still, content.stills_dir, language)
        return
    _keep_together(
        pdf,
        _shot_list,
        title,
        tuple(shot.get(language) for shot in sequence.shots),
        _sources_line(content, pack, sequence.sources, language),
        t("No still of this scene is available to us: its shots as the sources describe them, in our own words.", language),
    )


def _still(pdf: _TeacherPdf, title: str, still: Still, folder: str, language: str) -> None:
    if title:
        _subheading(pdf, title)
    path = Path(folder) / still.file
    with Image.open(path) as image:
        width, height = image.size
    top = pdf.get_y() + 1
    printed = STILL_WIDTH * height / width
    pdf.image(str(path), x=pdf.l_margin, y=top, w=STILL_WIDTH, h=printed, alt_text=still.alt.get(language))
    left = pdf.l_margin + STILL_WIDTH + 5
    pdf.set_xy(left, top)
    caption = pdf.epw - STILL_WIDTH - 5
    pdf.set_font("sans", "", 9.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(caption, 4.8, still.alt.get(language), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(left, pdf.get_y() + 1)  # beside the still (ln() would go back to the margin)
    pdf.set_font("sans", "", 8.5)
    pdf.set_text_color(*GREY)
    lines = [t("Timecode: {timecode}", language, timecode=still.timecode)] if still.timecode else []
    lines += [t("Credit: {credit}", language, credit=still.credit), t("Licence: {licence}", language, licence=still.licence)]
    pdf.multi_cell(caption, 4.4, "\n".join(lines), new_x="LEFT", new_y="NEXT")
    pdf.set_xy(pdf.l_margin, max(pdf.get_y(), top + printed) + 3)


def _shot_list(pdf: _TeacherPdf, title: str, shots: tuple[str, ...], sources: str, note: str) -> None:
    _subheading(pdf, title)
    _paragraph(pdf, note, size=9, colour=GREY)
    pdf.set_font("sans", "", 9.5)
    pdf.set_text_color(*INK)
    for number, shot in enumerate(shots, start=1):
        pdf.set_font("sans", "B", 9.5)
        pdf.cell(7, 4.8, f"{number}.")
        pdf.set_font("sans", "", 9.5)
        pdf.multi_cell(0, 4.8, shot, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.6)
    if sources:
        _paragraph(pdf, sources, size=8.5, colour=GREY)
    pdf.ln(1.5)


def _subheading(pdf: _TeacherPdf, text: str) -> None:
    pdf.ln(1)
    pdf.set_font("sans", "B", 11)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(0, 5.6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.8)


def _rubric_table(pdf: _TeacherPdf, task: str, levels: tuple[str, ...], prompts: tuple[str, ...] = ()) -> None:
    """A rubric as a 3-column table (beginning, developing, secure) in the pupil's own words, after the task's
    prompts as pupils read them (the exit ticket's)."""
    _subheading(pdf, task)
    if prompts:
        pdf.set_font("sans", "I", 9)
        pdf.set_text_color(*GREY)
        pdf.multi_cell(0, 4.6, t(TICKET_PROMPTS, pdf.language), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("sans", "", 9.5)
        pdf.set_text_color(*INK)
        for number, prompt in enumerate(prompts, start=1):
            pdf.cell(6, 4.8, f"{number}.")
            pdf.multi_cell(0, 4.8, prompt, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.set_font("sans", "I", 9)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.6, t(PUPIL_WORDS, pdf.language), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.8)
    width, pad = pdf.epw / len(LEVEL_NAMES), 2
    top = pdf.get_y()
    pdf.set_fill_color(*MOSS_LIGHT)
    pdf.rect(pdf.l_margin, top, pdf.epw, 6.5, style="F")
    pdf.set_font("sans", "B", 9.5)
    pdf.set_text_color(*MOSS_DARK)
    for index, name in enumerate(LEVEL_NAMES):
        pdf.set_xy(pdf.l_margin + index * width + pad, top)
        pdf.cell(width - 2 * pad, 6.5, t(name, pdf.language))
    row = top + 6.5
    bottom = row
    pdf.set_font("sans", "", 9.5)
    pdf.set_text_color(*INK)
    for index, text in enumerate(levels):
        pdf.set_xy(pdf.l_margin + index * width + pad, row + pad)
        pdf.multi_cell(width - 2 * pad, 4.8, text, new_x="LEFT", new_y="NEXT")
        bottom = max(bottom, pdf.get_y() + pad)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.25)
    pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top)
    pdf.line(pdf.l_margin, row, pdf.l_margin + pdf.epw, row)
    for index in range(1, len(LEVEL_NAMES)):
        x = pdf.l_margin + index * width
        pdf.line(x, top, x, bottom)
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _sources_line(content: Content, pack: TeacherPack, ids: Iterable[str], language: str) -> str:
    """The sources of an entry, each with its address when it has one; empty when the entry is our own advice."""
    items = []
    for source_id in ids:
        reference = pack.reference(source_id)
        if reference is not None:
            items.append(as_written(f"{reference.title}, {reference.outlet}") + f" ({reference.url})")
        else:
            source = content.source(source_id)
            items.append(as_written(source.citation()) + (f" ({source.url})" if source.url else ""))
    return t("Sources: {items}", language, items="; ".join(items)) if items else ""


HEADING = 3 + 9 + 3  # mm: a section heading's height


def _heading(pdf: _TeacherPdf, text: str) -> None:
    """A section heading, drawn with the block that follows it so that it never ends a page on its own."""
    pdf.pending_heading = text


def _flush_heading(pdf: _TeacherPdf, following: float = 22) -> None:
    """Draw a waiting heading, on a new page when ``following`` mm would not fit under it."""
    text = pdf.pending_heading
    if not text:
        return
    pdf.pending_heading = ""
    if pdf.will_page_break(HEADING + following):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("serif", "B", 15)
    pdf.set_text_color(*MOSS_DARK)
    pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*MOSS)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
    pdf.ln(3)


_HEIGHTS: dict[tuple, float] = {}  # an entry's height by what it draws: the same entries recur across PDFs
_HEIGHTS_KEPT = 4096


def _keep_together(pdf: _TeacherPdf, draw: Callable[..., None], *args: object) -> None:
    """Draw one entry on a single page: measure it on a scratch page first and start a new page if it would not
    fit. (fpdf2's ``unbreakable`` replays recorded coordinates after a page break, which misplaces rows drawn at
    absolute positions, and its dry run copies the whole document, fonts included, for every entry.) An entry made
    of text only is measured once and its height remembered."""
    key = (draw.__qualname__, pdf.language, args) if all(isinstance(a, str | tuple) for a in args) else None
    height = _HEIGHTS.get(key) if key else None
    if height is None:
        scratch = pdf.scratch()
        scratch.add_page()
        top = scratch.get_y()
        draw(scratch, *args)
        height = scratch.get_y() - top
        if key:
            if len(_HEIGHTS) >= _HEIGHTS_KEPT:
                _HEIGHTS.clear()
            _HEIGHTS[key] = height
    if pdf.pending_heading:
        _flush_heading(pdf, height)
    elif pdf.will_page_break(height):
        pdf.add_page()
    draw(pdf, *args)


def _paragraph(pdf: _TeacherPdf, text: str, size: float = 11, colour: tuple[int, int, int] = INK) -> None:
    _flush_heading(pdf, 22 + 12)  # a heading keeps its paragraph and some of what follows
    pdf.set_font("sans", "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)
