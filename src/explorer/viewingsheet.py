"""The viewing sheet: one A4 page pupils take into the screening (fpdf2), always spoiler-safe.

The title and the name, class and date fields; the viewing tasks of the age band's plan for before the screening
(the glossary terms named by the step that hands them out, each a task to tick, explained in the band's word bank
when it has the word, else by the glossary); the questions asked before viewing, by their one number (Q1), only when
they leave room to write under each (else they were asked aloud and the sheet leaves them out); and two boxes to
fill in right after the film: what happened just before a moment, and what was seen or heard. It is one page in every
band and language: when it would not fit, the questions go first, then the type is set smaller until it does.
"""

from __future__ import annotations

from fpdf import FPDF

from explorer.handout import AGE_LABELS, add_fonts, name_fields
from explorer.i18n import N_, t
from explorer.model import Content, Question, Term, Text
from explorer.spoilers import visibility
from explorer.theme import rgb
from explorer.typography import NBSP, NNBSP, typeset

MOSS, MOSS_DARK, MOSS_LIGHT, GREY, INK, RULE = (rgb(name) for name in ("moss", "moss_dark", "moss_light", "concrete", "ink", "line"))
PUPILS = ("10-13", "14-18")  # addressed as pupils (French: tu); adults are addressed with vous
TASKS = {  # pupils are told what their teacher does (French: tu); adults choose (French: vous)
    True: N_("Your teacher gives you one task: tick it, then watch and listen for it during the film."),
    False: N_("Choose one task (or share them out in your group), then watch and listen for it during the film."),
}
MOMENTS = {
    True: N_("Note two moments you want to talk about: what happened just before, and what you saw or heard."),
    False: N_("Note two moments you would like to discuss: what happened just before, and what you saw or heard."),
}
RIGHT_AFTER = {  # said at the top of the moments: pupils are told (French: tu); for adults, no address at all
    True: N_("Write this right after the film."),
    False: N_("To fill in right after the film."),
}
BODY = 10.5  # pt: the sheet's text, instructions included
SCALES = (1.0, 0.92, 0.85, 0.78, 0.7)  # type sizes tried, largest first, until the sheet fits on one page
WITH_QUESTIONS = SCALES[:2]  # the questions before viewing are printed only at these sizes
ANSWER_LINES = 2  # ruled lines under each question before viewing
MIN_MOMENTS = 66.0  # mm: the least height of the boxes for two moments (three lines for what was seen or heard)
MAX_MOMENTS = 95.0


class _Sheet(FPDF):
    def __init__(self, language: str, scale: float):
        super().__init__(format="A4")
        self.language = language
        self.scale = scale
        add_fonts(self)
        self.set_margins(18, 15, 18)
        self.set_auto_page_break(True, margin=16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("sans", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, typeset(t("Here (Bas Devos, 2023) · viewing sheet · spoiler-safe", self.language), self.language), align="C")

    def text_block(
        self,
        text: str,
        size: float,
        *,
        style: str = "",
        colour=INK,
        family: str = "sans",
        indent: float = 0,
        after: float = 1.0,
        width: float | None = None,
    ) -> None:
        size *= self.scale
        self.set_font(family, style, size)
        self.set_text_color(*colour)
        self.set_x(self.l_margin + indent)
        narrow = NNBSP if family == "sans" else NBSP
        self.multi_cell(
            width or self.epw - indent, size * 0.48, typeset(text, self.language, narrow), align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.ln(after * self.scale)

    def heading(self, text: str) -> None:
        self.ln(2.5 * self.scale)
        self.set_font("serif", "B", 14 * self.scale)
        self.set_text_color(*MOSS_DARK)
        self.cell(0, 8 * self.scale, typeset(text, self.language, NBSP), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*MOSS)
        self.set_line_width(0.5)
        self.line(self.l_margin, self.get_y(), self.l_margin + 26, self.get_y())
        self.ln(2.5 * self.scale)


def viewing_sheet_pdf(content: Content, age: str, language: str = "en") -> bytes:
    """The one-page viewing sheet of an age band, spoiler-safe, in one language."""
    tries = [(scale, True) for scale in WITH_QUESTIONS] + [(scale, False) for scale in SCALES]
    for scale, questions in tries:
        pdf = _build(content, age, language, scale, questions=questions)
        if pdf.page == 1:
            break
    return bytes(pdf.output())


def task_explanation(content: Content, age: str, term: Term, language: str) -> str:
    """What a viewing task means, for the band: the band's word-bank entry that names the term (its heading first,
    else anywhere in it; case-insensitive, in ``language``), without its heading; else the glossary's explanation."""
    pack = content.teaching
    support = pack.support(age) if pack is not None else None
    name = term.name.get(language).casefold()
    entries: tuple[Text, ...] = support.words if support is not None else ()
    texts = [entry.get(language) for entry in entries]
    heading = next((text for text in texts if name in text.partition(":")[0].casefold()), None)
    found = heading or next((text for text in texts if name in text.casefold()), None)
    if found is None:
        return term.explanation.get(language)
    head, colon, rest = found.partition(":")
    rest = rest.strip() if colon and name in head.casefold() else found
    return rest[:1].upper() + rest[1:]


def viewing_tasks(content: Content, age: str) -> tuple[Term, ...]:
    """What pupils watch and listen for: the glossary terms named by the last step of the band's plan for before the
    screening that names any (the step that hands out the viewing roles), in its order."""
    pack = content.teaching
    plan = pack.plan(age, "before") if pack is not None else None
    view = visibility(content, spoiler_safe=True)
    steps = [step for step in (plan.steps if plan else ()) if view.step(step) and step.terms]
    terms = {term.id: term for term in content.terms}
    return tuple(terms[i] for i in dict.fromkeys(steps[-1].terms) if i in terms) if steps else ()


def before_questions(content: Content, age: str) -> tuple[Question, ...]:
    """The questions the band's plan for before the screening asks, in number order (never one that spoiler-safe
    mode hides)."""
    pack = content.teaching
    plan = pack.plan(age, "before") if pack is not None else None
    view = visibility(content, spoiler_safe=True)
    asked = (content.question(q) for q in (plan.question_ids() if plan else ()))
    return tuple(sorted((q for q in asked if q is not None and view.question(q)), key=lambda q: content.question_number(q.id)))


def _build(content: Content, age: str, language: str, scale: float, *, questions: bool = True) -> _Sheet:
    pupils = age in PUPILS
    pdf = _Sheet(language, scale)
    pdf.set_title(t("Here: viewing sheet", language))
    pdf.set_author("Here explorer")
    pdf.add_page()
    film = content.film
    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 24 * scale)
    pdf.cell(0, 11 * scale, typeset(t("Here · viewing sheet", language), language, NBSP), new_x="LMARGIN", new_y="NEXT")
    pdf.text_block(
        t(
            "{director}, {country} {year} · {minutes} min · {audience}",
            language,
            director=film.director,
            country=film.country.get(language),
            year=film.year,
            minutes=film.runtime_minutes,
            audience=t(AGE_LABELS[age], language),
        ),
        10.5,
        colour=GREY,
        after=3,
    )
    name_fields(pdf, language, height=13.0)

    tasks = viewing_tasks(content, age)
    if tasks:
        pdf.heading(t("Viewing tasks", language))
        pdf.text_block(t(TASKS[pupils], language), BODY, after=2.5)
        for term in tasks:
            box = 4.2 * scale
            y = pdf.get_y() + 0.6 * scale
            pdf.set_draw_color(*MOSS)
            pdf.set_line_width(0.35)
            pdf.rect(pdf.l_margin + 0.5, y, box, box)
            pdf.text_block(term.name.get(language), 11, style="B", colour=MOSS_DARK, indent=8, after=0.4)
            pdf.text_block(task_explanation(content, age, term, language), BODY, indent=8, after=2.2)

    asked = before_questions(content, age) if questions else ()
    if asked:
        pdf.heading(t("Before the film", language))
        for question in asked:
            y = pdf.get_y()
            pdf.set_font("sans", "B", BODY * scale)
            pdf.set_text_color(*MOSS_DARK)
            pdf.cell(10, BODY * scale * 0.48, content.question_label(question.id))
            pdf.set_y(y)
            pdf.text_block(question.text.get(language), BODY, indent=10, after=1.0)
            _answer_lines(pdf, indent=10)

    pdf.heading(t("Two moments", language))
    pdf.text_block(t(RIGHT_AFTER[pupils], language), BODY + 1, style="B", colour=MOSS_DARK, after=1)
    pdf.text_block(t(MOMENTS[pupils], language), BODY, after=2)
    room = pdf.page_break_trigger - pdf.get_y() - 2
    if room >= MIN_MOMENTS:
        _moments(pdf, min(room, MAX_MOMENTS))
    else:  # too little room: this scale does not fit; a page break makes the caller try a smaller one
        pdf.add_page()
    return pdf


def _answer_lines(pdf: _Sheet, indent: float) -> None:
    """Ruled lines to write an answer on."""
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.25)
    for _ in range(ANSWER_LINES):
        pdf.ln(7 * pdf.scale)
        pdf.line(pdf.l_margin + indent, pdf.get_y(), pdf.l_margin + pdf.epw, pdf.get_y())
    pdf.ln(2 * pdf.scale)


def _moments(pdf: _Sheet, height: float) -> None:
    """Two boxes side by side, each with ruled lines for what happened just before and for what was seen or
    heard."""
    language, gap = pdf.language, 6.0
    width = (pdf.epw - gap) / 2
    top = pdf.get_y()
    for index in range(2):
        x = pdf.l_margin + index * (width + gap)
        pdf.set_fill_color(*MOSS_LIGHT)
        pdf.set_draw_color(*MOSS)
        pdf.set_line_width(0.3)
        pdf.rect(x, top, width, height, style="DF", round_corners=True, corner_radius=2.5)
        pdf.set_xy(x + 4, top + 3)
        pdf.set_font("sans", "B", 10.5)
        pdf.set_text_color(*MOSS_DARK)
        pdf.cell(width - 8, 6, typeset(t("Moment {number}", language, number=index + 1), language))
        before_lines = 2
        y = _box_label(pdf, x, top + 10, width, t("What happened just before?", language))
        for _ in range(before_lines):
            y += 7.5
            pdf.line(x + 4, y, x + width - 4, y)
        y = _box_label(pdf, x, y + 2.5, width, t("What I saw or heard", language))
        y += 7.5
        while y < top + height - 3:
            pdf.line(x + 4, y, x + width - 4, y)
            y += 7.5
    pdf.set_xy(pdf.l_margin, top + height + 2)


def _box_label(pdf: _Sheet, x: float, y: float, width: float, text: str) -> float:
    """A label inside a moment's box, in ink at body size (it may take two lines); returns where it ends."""
    pdf.set_xy(x + 4, y)
    pdf.set_font("sans", "B", BODY)
    pdf.set_text_color(*INK)
    pdf.multi_cell(width - 8, 5, typeset(text, pdf.language), align="L", new_x="LEFT", new_y="NEXT")
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.25)
    return pdf.get_y()
