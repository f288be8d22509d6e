"""A printable classroom handout as a PDF with real, selectable Unicode text (fpdf2, A4).

A header with name, class and date fields; a word bank and sentence starters for pupils still learning the class's
language; each question, with its one number (Q7), under its scene's title only (no scene notes: they could give
answers away), with ruled room to write; the activities; the glossary when asked for; the extension task; ruled
notes; and, when the plan ends with an exit ticket, a box with its prompts and room to write, kept on one page.
Every block is measured before it is drawn, so none is split across pages, and a section's heading travels with
its first block; :func:`handout_layout` says where each block went (the tests read it).

The questions are those of a lesson plan (``plan``, in its order) or, without one, those of the chosen scenes for
the age band. Spoiler-safe mode goes through :func:`explorer.spoilers.visibility`. The handout for the default
choice (the first four scenes shown) and for every plan keeps to :data:`MAX_PAGES` pages: when it would not, the
room to write under each question shrinks, line by line, down to :data:`MIN_LINES`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from fpdf import FPDF

from explorer.fonts import STYLES, font_path
from explorer.fragments import attribution, origin_note
from explorer.i18n import N_, t
from explorer.model import RUBRIC_TASKS, Activity, Content, LessonPlan, LessonStep, Question, Scene, Term, Text
from explorer.spoilers import Visibility, visibility
from explorer.theme import rgb
from explorer.typography import NBSP, NNBSP, as_written, typeset

AGE_LABELS = {"10-13": N_("Ages 10 to 13"), "14-18": N_("Ages 14 to 18"), "adults": N_("Adults")}
MOSS, MOSS_DARK, MOSS_LIGHT, GREY, INK, RULE = (rgb(name) for name in ("moss", "moss_dark", "moss_light", "concrete", "ink", "line"))
# Room to write under each question: (ruled lines, their spacing in mm); younger writers get wider lines.
WRITING = {"10-13": (5, 10.0), "14-18": (6, 8.0), "adults": (6, 8.0)}
MIN_LINES = 3  # the least room to write a handout shrinks to when it must keep to MAX_PAGES
MAX_PAGES = 4
QUESTION_SIZE = {"10-13": 12.0, "14-18": 11.0, "adults": 11.0}  # pt
QUESTION_INDENT = 11.0  # mm: room for the question's number ("Q12")
# How to answer, in the register of the band (French: tu for pupils, vous for adults)
INSTRUCTIONS = {
    "10-13": N_("Answer in your own words: there is no single right answer."),
    "14-18": N_("Answer in your own words: there is no single right answer."),
    "adults": N_("Answers are open: write what you saw and what you think."),
}
MIN_NOTES = 30.0  # mm: less room than this at the end and the last page is already full
TICKET_LINES = 3  # ruled lines under each prompt of the exit ticket
EXIT_TICKET = "exit ticket"  # the English title of a plan's exit-ticket step (the rubric's task, "exit-ticket")
MAIN_ACTIVITY = "main activity"  # how the English title of a plan's main-activity step begins ("main-activity")


@dataclass(frozen=True)
class Placed:
    """Where a block went: its kind ('header', 'support', 'question', 'term', 'activity', 'extension', 'notes',
    'exit-ticket'),
    an id, and its pages."""

    kind: str
    key: str
    page: int
    last_page: int
    top: float  # mm from the top of the page
    bottom: float


@dataclass(frozen=True)
class _Text:
    text: str
    size: float = 11  # pt
    colour: tuple[int, int, int] = INK
    family: str = "sans"
    style: str = ""
    leading: float = 0.5  # line height in mm per pt
    indent: float = 0  # mm
    after: float = 1.5  # mm
    label: str = ""  # set in the indent, before the first line (a question's number)
    label_indent: float = 0  # mm: where the label starts
    right: float = 0  # mm kept free on the right (text inside a box)


@dataclass(frozen=True)
class _Rules:
    count: int
    spacing: float  # mm
    indent: float = 0
    right: float = 0  # mm kept free on the right (lines inside a box)


@dataclass(frozen=True)
class _Heading:
    text: str


@dataclass(frozen=True)
class _Space:
    height: float  # mm


@dataclass(frozen=True)
class _Columns:
    """Short items (a word bank, sentence starters) one per line, in two columns of about the same height."""

    items: tuple[str, ...]
    size: float = 9.5  # pt
    indent: float = 0  # mm
    right: float = 0  # mm
    gap: float = 6  # mm between the columns
    after: float = 2  # mm


_Op = _Text | _Rules | _Heading | _Space | _Columns
_HEIGHTS: dict[tuple[_Text | _Columns, str], float] = {}  # a text's height as set on the A4 page (same margins everywhere)
_HEIGHTS_KEPT = 4096


class _Handout(FPDF):
    def __init__(self, footer_text: str, language: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.language = language
        self.placed: list[Placed] = []
        add_fonts(self)
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)  # a safety net only: blocks are placed before they are drawn

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("sans", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, typeset(f"{self.footer_text} · {self.page_no()}", self.language), align="C")


def add_fonts(pdf: FPDF) -> None:
    """The handout's two families (Source Sans, Source Serif) in every style."""
    for family in ("sans", "serif"):
        for style in STYLES:
            pdf.add_font(family, style, str(font_path(family, style)))


def handout_pdf(
    content: Content,
    age: str,
    scenes: Iterable[Scene],
    language: str = "en",
    *,
    spoiler_safe: bool = False,
    glossary: bool = False,
    plan: LessonPlan | None = None,
) -> bytes:
    """The handout for one age band: the plan's questions (or the chosen scenes' questions), the word bank and
    sentence starters, the activities, the glossary when asked for, and the extension task."""
    return bytes(_fitted(content, age, tuple(scenes), language, spoiler_safe, glossary, plan).output())


def handout_layout(
    content: Content,
    age: str,
    scenes: Iterable[Scene],
    language: str = "en",
    *,
    spoiler_safe: bool = False,
    glossary: bool = False,
    plan: LessonPlan | None = None,
) -> tuple[tuple[Placed, ...], float, float]:
    """Where every block of the handout went, with the top and bottom of the writing area (mm)."""
    pdf = _fitted(content, age, tuple(scenes), language, spoiler_safe, glossary, plan)
    return tuple(pdf.placed), pdf.t_margin, pdf.page_break_trigger


def handout_questions(
    content: Content, age: str, scenes: Iterable[Scene], *, spoiler_safe: bool = False, plan: LessonPlan | None = None
) -> tuple[Question, ...]:
    """The questions a handout prints, in its order: the plan's (in the order it asks them) or, without a plan, those
    of the chosen scenes for the age band; never one spoiler-safe mode hides."""
    view = visibility(content, spoiler_safe)
    if plan is not None:
        chosen = (content.question(q) for q in plan.question_ids())
        return tuple(q for q in chosen if q is not None and view.question(q))
    return tuple(q for scene in scenes if view.scene(scene) for q in content.questions_for(scene.id, age))


def exit_ticket_step(plan: LessonPlan | None) -> LessonStep | None:
    """The plan's exit-ticket step: the step named as the exit-ticket rubric's task ("Exit ticket"), or None."""
    if plan is None:
        return None
    return next((s for s in plan.steps if s.title.get("en").strip().casefold() == EXIT_TICKET), None)


def _main_title(step: LessonStep) -> bool:
    return step.title.get("en").strip().casefold().startswith(MAIN_ACTIVITY)


def main_activity_step(content: Content, plan: LessonPlan | None) -> LessonStep | None:
    """The plan's main-activity step (the main-activity rubric's task): a step titled "Main activity…", or a step
    that hands out an activity the band's plans name as their main activity; None when the plan has none."""
    if plan is None:
        return None
    pack = content.teaching
    main = {
        activity
        for other in (pack.plans if pack is not None else ())
        if other.age == plan.age
        for step in other.steps
        if _main_title(step)
        for activity in step.activities
    }
    return next((s for s in plan.steps if _main_title(s) or main.intersection(s.activities)), None)


def rubric_tasks(content: Content, plans: Iterable[LessonPlan | None], *, spoiler_safe: bool = False) -> tuple[str, ...]:
    """The rubric tasks (RUBRIC_TASKS, in that order) that ``plans`` have a step for, a step spoiler-safe mode
    shows: the exit ticket when a plan has an exit-ticket step, the main activity when a plan has its step."""
    view = visibility(content, spoiler_safe)
    plans = [plan for plan in plans if plan is not None]

    def shown(step: LessonStep | None) -> bool:
        return step is not None and view.step(step)

    found = {
        "exit-ticket": any(shown(exit_ticket_step(plan)) for plan in plans),
        "main-activity": any(shown(main_activity_step(content, plan)) for plan in plans),
    }
    return tuple(task for task in RUBRIC_TASKS if found.get(task))


def exit_ticket_texts(content: Content, age: str, plan: LessonPlan | None, *, spoiler_safe: bool = False) -> tuple[Text, ...]:
    """The band's exit-ticket prompts when ``plan`` has an exit-ticket step that spoiler-safe mode shows, else ()."""
    step = exit_ticket_step(plan)
    pack = content.teaching
    if step is None or pack is None or not visibility(content, spoiler_safe).step(step):
        return ()
    assessment = pack.assessment(age)
    return tuple(assessment.exit_ticket) if assessment is not None else ()


def _fitted(
    content: Content, age: str, scenes: tuple[Scene, ...], language: str, spoiler_safe: bool, glossary: bool, plan: LessonPlan | None
) -> _Handout:
    """The handout with the most room to write that keeps to MAX_PAGES pages: fewer ruled lines under each question,
    down to MIN_LINES. A choice too long even so keeps full room."""
    most = WRITING[age][0]
    first = _build(content, age, scenes, language, spoiler_safe, glossary, plan, most)
    if first.page <= MAX_PAGES:
        return first
    for lines in range(most - 1, MIN_LINES - 1, -1):
        pdf = _build(content, age, scenes, language, spoiler_safe, glossary, plan, lines)
        if pdf.page <= MAX_PAGES:
            return pdf
    return first


def _build(
    content: Content,
    age: str,
    scenes: tuple[Scene, ...],
    language: str,
    spoiler_safe: bool,
    glossary: bool,
    plan: LessonPlan | None,
    lines: int,
) -> _Handout:
    view = visibility(content, spoiler_safe)
    pdf = _Handout(t("Here (Bas Devos, 2023) · classroom handout · made with the Here explorer", language), language)
    pdf.set_title(t("Here: classroom handout", language))
    pdf.set_author("Here explorer")
    pdf.add_page()
    _header(pdf, content, age)
    support = content.teaching.support(age) if content.teaching is not None else None
    if support is not None and (support.words or support.starters):
        _support_box(pdf, support.words, support.starters)

    spacing = WRITING[age][1]
    section: list[_Op] = [
        _Heading(t("Scenes and questions", language)),
        _Text(t(INSTRUCTIONS[age], language), size=10, colour=GREY, after=3),
    ]
    previous: str | None = None
    for question in handout_questions(content, age, scenes, spoiler_safe=spoiler_safe, plan=plan):
        ops: list[_Op] = section
        if question.phase == "before" and previous != "":
            ops += [_Text(t("Before viewing", language), size=12.5, colour=MOSS_DARK, style="B", after=2.5)]
        elif question.phase != "before" and question.scene != previous:
            scene = content.scene(question.scene)
            if scene is not None:  # always: the questions are those of the chosen scenes
                ops += [_Text(scene.title.get(language), size=12.5, colour=MOSS_DARK, style="B", after=2)]
        ops += [
            _Text(
                question.text.get(language),
                size=QUESTION_SIZE[age],
                indent=QUESTION_INDENT,
                label=content.question_label(question.id),
                after=0,
            ),
            _Rules(lines, spacing, indent=QUESTION_INDENT),
        ]
        _place(pdf, "question", question.id, ops)
        section, previous = [], question.scene if question.phase != "before" else ""

    section = [_Heading(t("Activities", language))]
    for activity in _activities(content, age, view, plan):
        ops = section + [
            _Text(
                t("{title} ({minutes} minutes)", language, title=activity.title.get(language), minutes=activity.minutes),
                size=11.5,
                style="B",
                after=0.8,
            ),
            _Text(activity.text.get(language), size=10, after=1),
        ]
        _place(pdf, "activity", activity.id, ops, gap=3)
        section = []

    if glossary:
        section = [_Heading(t("Film language", language))]
        for term in content.terms:
            _place(pdf, "term", term.id, section + _term_ops(content, term, age, language, view), gap=3)
            section = []

    if support is not None and support.extension.get(language):
        _place(
            pdf,
            "extension",
            "extension",
            [_Heading(t("Going further", language)), _Text(support.extension.get(language), size=10.5, after=1)],
        )

    ticket = _ticket_ops(pdf, exit_ticket_texts(content, age, plan, spoiler_safe=spoiler_safe), spacing)
    ticket_height = sum(_height(pdf, op) for op in ticket) + 4 if ticket else 0
    heading = _Heading(t("Notes", language))

    def notes(keep: float) -> bool:  # ruled notes fill the rest of the page, less ``keep`` mm
        room = pdf.page_break_trigger - pdf.get_y() - _height(pdf, heading) - _height(pdf, _Rules(0, spacing)) - keep
        if room >= MIN_NOTES:
            _place(pdf, "notes", "notes", [heading, _Rules(int(room // spacing), spacing)])
        return room >= MIN_NOTES

    # The exit ticket, when there is one, ends the handout: under the notes when both fit on this page; when it
    # would not fit, the notes fill this page and the exit ticket starts the next one.
    fits = pdf.get_y() + ticket_height <= pdf.page_break_trigger
    noted = notes(ticket_height if fits else 0)
    if ticket:
        _box(pdf, "exit-ticket", "exit-ticket", ticket)
        if not noted:
            notes(0)
    return pdf


def _ticket_ops(pdf: _Handout, prompts, spacing: float) -> list[_Op]:
    """The exit ticket's box: its name, then each prompt with ruled lines to write on."""
    if not prompts:
        return []
    language, pad = pdf.language, 4.0
    ops: list[_Op] = [
        _Space(pad),
        _Text(t("Exit ticket", language), size=12.5, colour=MOSS_DARK, style="B", indent=pad, right=pad, after=1),
    ]
    for number, prompt in enumerate(prompts, start=1):
        ops += [
            _Text(prompt.get(language), size=10.5, indent=pad + 6, right=pad, label=f"{number}.", label_indent=pad, after=0),
            _Rules(TICKET_LINES, spacing, indent=pad + 6, right=pad),
        ]
    ops.append(_Space(pad - 3))
    return ops


def _activities(content: Content, age: str, view: Visibility, plan: LessonPlan | None) -> tuple[Activity, ...]:
    """The activities printed: the ones the plan's shown steps name, or, without a plan, every one of the band."""
    if plan is None:
        return tuple(a for a in content.activities if age in a.ages)
    named = {a for step in plan.steps if view.step(step) for a in step.activities}
    return tuple(a for a in content.activities if a.id in named and age in a.ages)


def _term_ops(content: Content, term: Term, age: str, language: str, view: Visibility) -> list[_Op]:
    """A glossary entry: its name, what it means, where it shows (unless that tells a hidden scene), and the
    director's words. For ages 10 to 13 in French or Dutch, our translation stands in for the English words, marked
    as ours, and a quotation we have not translated is left out: no pupil of that age reads an English quotation."""
    ops: list[_Op] = [
        _Text(term.name.get(language), size=11.5, colour=MOSS_DARK, style="B", after=0.8),
        _Text(term.explanation.get(language), size=10, after=1),
    ]
    if view.term_where(term):
        ops.append(_Text(t("In the film: {where}", language, where=term.where.get(language)), size=9.5, colour=GREY, after=1))
    quote = term.quote
    if quote is None:
        return ops
    note = origin_note(quote, content, language)
    credit = as_written(attribution(quote, content, language)) + (f" ({note})" if note else "")
    translation = quote.translation(language)
    if age == "10-13" and language != quote.language:
        if translation:
            ops.append(
                _Text(
                    f"“{translation}” ({t('our translation', language)}) · {credit}",
                    size=10,
                    colour=MOSS_DARK,
                    family="serif",
                    style="I",
                    indent=4,
                    after=1,
                )
            )
        return ops
    ops.append(
        _Text(
            f"“{as_written(quote.text, quote.language)}” · {credit}",
            size=10,
            colour=MOSS_DARK,
            family="serif",
            style="I",
            indent=4,
            after=1,
        )
    )
    if translation:
        ops.append(_Text(f"{translation} ({t('our translation', language)})", size=9.5, colour=GREY, indent=4, after=1))
    return ops


def _header(pdf: _Handout, content: Content, age: str) -> None:
    """The title, the name / class / date fields, and the synopsis."""
    language, film = pdf.language, content.film
    top = pdf.get_y()
    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 26)
    pdf.cell(0, 12, t("Here", language), new_x="LMARGIN", new_y="NEXT")
    _write(
        pdf,
        _Text(
            t(
                "{director}, {country} {year} · {minutes} min · {audience}",
                language,
                director=film.director,
                country=film.country.get(language),
                year=film.year,
                minutes=film.runtime_minutes,
                audience=t(AGE_LABELS[age], language),
            ),
            size=11,
            colour=GREY,
            after=4,
        ),
    )
    name_fields(pdf, language)
    _write(pdf, _Text(film.synopsis.get(language), size=10.5, after=2))
    pdf.placed.append(Placed("header", "header", 1, pdf.page, top, pdf.get_y()))


def name_fields(pdf: FPDF, language: str, height: float = 15.0) -> None:
    """A soft green band with a label and a line to write on for the name, the class and the date."""
    y = pdf.get_y()
    pdf.set_fill_color(*MOSS_LIGHT)
    pdf.rect(pdf.l_margin, y, pdf.epw, height, style="F", round_corners=True, corner_radius=2.5)
    x = pdf.l_margin + 5
    for name, share in ((t("Name", language), 0.46), (t("Class", language), 0.24), (t("Date", language), 0.30)):
        width = (pdf.epw - 10) * share
        pdf.set_font("sans", "B", 10)
        pdf.set_text_color(*MOSS_DARK)
        pdf.set_xy(x, y + height / 2 - 4)
        pdf.cell(pdf.get_string_width(name) + 2, 6, name)
        pdf.set_draw_color(*MOSS)
        pdf.set_line_width(0.3)
        pdf.line(pdf.get_x() + 1, y + height / 2 + 2.3, x + width - 5, y + height / 2 + 2.3)
        x += width
    pdf.set_xy(pdf.l_margin, y + height + 5)


def _support_box(pdf: _Handout, words, starters) -> None:
    """The band's word bank and sentence starters in a tinted box (for pupils still learning the class's language)."""
    language, pad = pdf.language, 4.0
    ops: list[_Op] = [_Space(pad)]
    if words:
        ops += [
            _Text(t("Word bank", language), size=10, colour=MOSS_DARK, style="B", indent=pad, right=pad, after=0.8),
            _Columns(tuple(w.get(language) for w in words), indent=pad, right=pad),
        ]
    if starters:
        ops += [
            _Text(t("Sentence starters", language), size=10, colour=MOSS_DARK, style="B", indent=pad, right=pad, after=0.8),
            _Columns(tuple(f"{s.get(language)}" for s in starters), indent=pad, right=pad, after=0.3),
        ]
    ops.append(_Space(pad - 0.3))
    _box(pdf, "support", "support", ops, fill=True)


def _box(pdf: _Handout, kind: str, key: str, ops: list[_Op], fill: bool = False) -> None:
    """``ops`` in a box with rounded corners (tinted when ``fill``), on one page."""
    height = sum(_height(pdf, op) for op in ops)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    page, top = pdf.page, pdf.get_y()
    pdf.set_draw_color(*MOSS)
    pdf.set_fill_color(*MOSS_LIGHT)
    pdf.set_line_width(0.3 if fill else 0.5)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="DF" if fill else "D", round_corners=True, corner_radius=2.5)
    for op in ops:
        _write(pdf, op)
    pdf.set_y(top + height + 1)
    pdf.placed.append(Placed(kind, key, page, pdf.page, top, top + height))


def _place(pdf: _Handout, kind: str, key: str, ops: list[_Op], gap: float = 0) -> None:
    """Draw ``ops`` as one block: on this page if they fit, else at the top of the next one."""
    height = sum(_height(pdf, op) for op in ops) + gap
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    page, top = pdf.page, pdf.get_y()
    for op in ops:
        _write(pdf, op)
    pdf.ln(gap)
    pdf.placed.append(Placed(kind, key, page, pdf.page, top, pdf.get_y() - gap))


def _height(pdf: _Handout, op: _Op) -> float:
    if isinstance(op, _Heading):
        return 3 + 9 + 3
    if isinstance(op, _Space):
        return op.height
    if isinstance(op, _Rules):
        return op.count * op.spacing + 3
    key = (op, pdf.language)
    if isinstance(op, _Columns):
        if key not in _HEIGHTS:
            _HEIGHTS[key] = max(sum(_item_height(pdf, op, item) for item in half) for half in _halves(pdf, op)) + op.after
        return _HEIGHTS[key]
    height = _HEIGHTS.get(key)
    if height is None:  # measured once: the same texts recur in every fitting of a handout and across handouts
        _font(pdf, op)
        lines = _dry_lines(pdf, pdf.epw - op.indent - op.right, op.size * op.leading, _set(pdf, op))
        height = len(lines) * op.size * op.leading + op.after
        if len(_HEIGHTS) >= _HEIGHTS_KEPT:
            _HEIGHTS.clear()
        _HEIGHTS[key] = height
    return height


def _column_width(pdf: FPDF, op: _Columns) -> float:
    return (pdf.epw - op.indent - op.right - op.gap) / 2


def _halves(pdf: _Handout, op: _Columns) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The items in two columns, in order, split where the taller column is lowest (the left one the longer on a tie)."""
    heights = [_item_height(pdf, op, item) for item in op.items]
    split = min(range(len(heights) + 1), key=lambda i: (max(sum(heights[:i]), sum(heights[i:])), -i))
    return op.items[:split], op.items[split:]


def _item_height(pdf: _Handout, op: _Columns, item: str) -> float:
    pdf.set_font("sans", "", op.size)
    lines = _dry_lines(pdf, _column_width(pdf, op), op.size * 0.48, typeset(item, pdf.language))
    return len(lines) * op.size * 0.48 + 0.8


def _dry_lines(pdf: FPDF, width: float, height: float, text: str) -> list[str]:
    """The lines ``text`` takes in a left-aligned cell ``width`` wide, measured without drawing it."""
    lines = pdf.multi_cell(width, height, text, align="L", dry_run=True, output="LINES")
    return cast(list[str], lines)  # output="LINES" returns the lines alone; fpdf2's hint is every output's union


def _write(pdf: _Handout, op: _Op) -> None:
    """Every piece of text goes through here (and :func:`_height`), typeset for the handout's language."""
    if isinstance(op, _Heading):
        pdf.ln(3)
        pdf.set_font("serif", "B", 15)
        pdf.set_text_color(*MOSS_DARK)
        pdf.cell(0, 9, typeset(op.text, pdf.language, NBSP), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*MOSS)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
        pdf.ln(3)
    elif isinstance(op, _Space):
        pdf.ln(op.height)
    elif isinstance(op, _Columns):
        top, width = pdf.get_y(), _column_width(pdf, op)
        pdf.set_font("sans", "", op.size)
        pdf.set_text_color(*INK)
        for column, half in enumerate(_halves(pdf, op)):
            y = top
            for item in half:
                pdf.set_xy(pdf.l_margin + op.indent + column * (width + op.gap), y)
                pdf.multi_cell(width, op.size * 0.48, typeset(item, pdf.language), align="L", new_x="LEFT", new_y="NEXT")
                y = pdf.get_y() + 0.8
        pdf.set_xy(pdf.l_margin, top + _height(pdf, op))
    elif isinstance(op, _Rules):
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.25)
        for _ in range(op.count):
            pdf.ln(op.spacing)
            pdf.line(pdf.l_margin + op.indent, pdf.get_y(), pdf.w - pdf.r_margin - op.right, pdf.get_y())
        pdf.ln(3)
    else:
        _font(pdf, op)
        if op.label:
            pdf.set_x(pdf.l_margin + op.label_indent)
            pdf.set_font(op.family, "B", op.size)
            pdf.cell(op.indent - op.label_indent, op.size * op.leading, op.label)
            pdf.set_font(op.family, op.style, op.size)
        pdf.set_x(pdf.l_margin + op.indent)
        pdf.multi_cell(pdf.epw - op.indent - op.right, op.size * op.leading, _set(pdf, op), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(op.after)


def _font(pdf: FPDF, op: _Text) -> None:
    pdf.set_font(op.family, op.style, op.size)
    pdf.set_text_color(*op.colour)


def _set(pdf: _Handout, op: _Text) -> str:
    """The text of ``op`` as printed, typeset for the handout's language (the serif fonts lack U+202F)."""
    return typeset(op.text, pdf.language, NNBSP if op.family == "sans" else NBSP)
