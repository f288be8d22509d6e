"""A printable classroom handout as a PDF with real, selectable Unicode text (fpdf2, A4).

A header with name, class and date fields; each question with ruled room to write; the glossary and the
activities; ruled notes that fill what is left of the last page. Every question, glossary entry and activity is a
block measured before it is drawn, so none is split across pages, and a section's heading travels with its first
block; :func:`handout_layout` says where each block went (the tests read it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fpdf import FPDF

from explorer.fonts import STYLES, font_path
from explorer.fragments import attribution, origin_note
from explorer.i18n import N_, t
from explorer.model import Content, Scene
from explorer.theme import rgb
from explorer.typography import NBSP, NNBSP, typeset

AGE_LABELS = {"10-13": N_("Ages 10 to 13"), "14-18": N_("Ages 14 to 18"), "adults": N_("Adults")}
MOSS, MOSS_DARK, MOSS_LIGHT, GREY, INK, RULE = (rgb(name) for name in
                                                 ("moss", "moss_dark", "moss_light", "concrete", "ink", "line"))
# Room to write under each question: (ruled lines, their spacing in mm); younger writers get wider lines.
WRITING = {"10-13": (5, 10.0), "14-18": (6, 8.0), "adults": (6, 8.0)}
QUESTION_SIZE = {"10-13": 12.0, "14-18": 11.0, "adults": 11.0}  # pt
# How to answer, in the register of the band (French: tu for pupils, vous for adults)
INSTRUCTIONS = {"10-13": N_("Answer in your own words: there is no single right answer."),
                "14-18": N_("Answer in your own words: there is no single right answer."),
                "adults": N_("Answers are open: write what you saw and what you think.")}
MIN_NOTES = 30.0  # mm: less room than this at the end and the last page is already full


@dataclass(frozen=True)
class Placed:
    """Where a block went: its kind ('header', 'question', 'term', 'activity', 'notes'), an id, and its pages."""

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


@dataclass(frozen=True)
class _Rules:
    count: int
    spacing: float  # mm
    indent: float = 0


@dataclass(frozen=True)
class _Heading:
    text: str


_Op = _Text | _Rules | _Heading


class _Handout(FPDF):
    def __init__(self, footer_text: str, language: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.language = language
        self.placed: list[Placed] = []
        for family in ("sans", "serif"):
            for style in STYLES:
                self.add_font(family, style, str(font_path(family, style)))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)  # a safety net only: blocks are placed before they are drawn

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("sans", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")


def handout_pdf(content: Content, age: str, scenes: Iterable[Scene], language: str = "en") -> bytes:
    """The handout for one age band: the chosen scenes with their questions, the glossary and the activities."""
    return bytes(_build(content, age, tuple(scenes), language).output())


def handout_layout(content: Content, age: str, scenes: Iterable[Scene], language: str = "en") -> tuple[
        tuple[Placed, ...], float, float]:
    """Where every block of the handout went, with the top and bottom of the writing area (mm)."""
    pdf = _build(content, age, tuple(scenes), language)
    return tuple(pdf.placed), pdf.t_margin, pdf.page_break_trigger


def _build(content: Content, age: str, scenes: tuple[Scene, ...], language: str) -> _Handout:
    pdf = _Handout(t("Here (Bas Devos, 2023) · classroom handout · questions and notes in the explorer's own words",
                     language), language)
    pdf.set_title(t("Here: classroom handout", language))
    pdf.set_author("Here explorer")
    pdf.add_page()
    _header(pdf, content, age)

    lines, spacing = WRITING[age]
    section: list[_Op] = [_Heading(t("Scenes and questions", language)),
                          _Text(t(INSTRUCTIONS[age], language), size=10, colour=GREY, after=3)]
    number = 0
    for scene in scenes:
        first = True
        for question in content.questions_for(scene.id, age):
            number += 1
            ops: list[_Op] = section
            if first:
                ops += [_Text(f"{scene.order}. {scene.title.get(language)}", size=12.5, colour=MOSS_DARK, style="B",
                              after=0.8),
                        _Text(scene.note.get(language), size=9.5, colour=GREY, after=2.5)]
            ops += [_Text(question.text.get(language), size=QUESTION_SIZE[age], indent=7, label=f"{number}.", after=0),
                    _Rules(lines, spacing, indent=7)]
            _place(pdf, "question", question.id, ops)
            section, first = [], False

    section = [_Heading(t("Film language", language))]
    for term in content.terms:
        ops = section + [_Text(term.name.get(language), size=11.5, colour=MOSS_DARK, style="B", after=0.8),
                         _Text(term.explanation.get(language), size=10, after=1),
                         _Text(t("In the film: {where}", language, where=term.where.get(language)), size=9.5,
                               colour=GREY, after=1)]
        if term.quote is not None:
            note = origin_note(term.quote, content, language)
            credit = attribution(term.quote, content, language) + (f" ({note})" if note else "")
            ops.append(_Text(f"“{term.quote.text}” · {credit}", size=10, colour=MOSS_DARK,
                             family="serif", style="I", indent=4, after=1))
        translation = term.quote.translation(language) if term.quote is not None else ""
        if translation:
            ops.append(_Text(f"{translation} ({t('our translation', language)})", size=9.5, colour=GREY, indent=4,
                             after=1))
        _place(pdf, "term", term.id, ops, gap=3)
        section = []

    section = [_Heading(t("Activities", language))]
    for activity in (a for a in content.activities if age in a.ages):
        ops = section + [_Text(t("{title} ({minutes} minutes)", language, title=activity.title.get(language),
                                 minutes=activity.minutes), size=11.5, style="B", after=0.8),
                         _Text(activity.text.get(language), size=10, after=1)]
        _place(pdf, "activity", activity.id, ops, gap=3)
        section = []

    heading = _Heading(t("Notes", language))
    room = pdf.page_break_trigger - pdf.get_y() - _height(pdf, heading) - _height(pdf, _Rules(0, spacing))
    if room >= MIN_NOTES:  # ruled notes fill the rest of the last page
        _place(pdf, "notes", "notes", [heading, _Rules(int(room // spacing), spacing)])
    return pdf


def _header(pdf: _Handout, content: Content, age: str) -> None:
    """The title, the name / class / date fields, and the synopsis."""
    language, film = pdf.language, content.film
    top = pdf.get_y()
    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 26)
    pdf.cell(0, 12, t("Here", language), new_x="LMARGIN", new_y="NEXT")
    _write(pdf, _Text(t("{director}, {country} {year} · {minutes} min · {audience}", language, director=film.director,
                        country=film.country.get(language), year=film.year, minutes=film.runtime_minutes,
                        audience=t(AGE_LABELS[age], language)), size=11, colour=GREY, after=4))

    # the fields: a soft green band with a label and a line to write on for each
    y, height = pdf.get_y(), 15.0
    pdf.set_fill_color(*MOSS_LIGHT)
    pdf.rect(pdf.l_margin, y, pdf.epw, height, style="F", round_corners=True, corner_radius=2.5)
    x = pdf.l_margin + 5
    for name, share in ((t("Name", language), 0.46), (t("Class", language), 0.24), (t("Date", language), 0.30)):
        width = (pdf.epw - 10) * share
        pdf.set_font("sans", "B", 10)
        pdf.set_text_color(*MOSS_DARK)
        pdf.set_xy(x, y + 3.5)
        pdf.cell(pdf.get_string_width(name) + 2, 6, name)
        pdf.set_draw_color(*MOSS)
        pdf.set_line_width(0.3)
        pdf.line(pdf.get_x() + 1, y + 9.8, x + width - 5, y + 9.8)
        x += width
    pdf.set_xy(pdf.l_margin, y + height + 5)
    _write(pdf, _Text(film.synopsis.get(language), size=10.5, after=2))
    pdf.placed.append(Placed("header", "header", 1, pdf.page, top, pdf.get_y()))


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
    if isinstance(op, _Rules):
        return op.count * op.spacing + 3
    _font(pdf, op)
    lines = pdf.multi_cell(pdf.epw - op.indent, op.size * op.leading, _set(pdf, op), align="L", dry_run=True,
                           output="LINES")
    return len(lines) * op.size * op.leading + op.after


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
    elif isinstance(op, _Rules):
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.25)
        for _ in range(op.count):
            pdf.ln(op.spacing)
            pdf.line(pdf.l_margin + op.indent, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(3)
    else:
        _font(pdf, op)
        if op.label:
            pdf.set_x(pdf.l_margin)
            pdf.set_font(op.family, "B", op.size)
            pdf.cell(op.indent, op.size * op.leading, op.label)
            pdf.set_font(op.family, op.style, op.size)
        pdf.set_x(pdf.l_margin + op.indent)
        pdf.multi_cell(pdf.epw - op.indent, op.size * op.leading, _set(pdf, op), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        pdf.ln(op.after)


def _font(pdf: FPDF, op: _Text) -> None:
    pdf.set_font(op.family, op.style, op.size)
    pdf.set_text_color(*op.colour)


def _set(pdf: _Handout, op: _Text) -> str:
    """The text of ``op`` as printed, typeset for the handout's language (the serif fonts lack U+202F)."""
    return typeset(op.text, pdf.language, NNBSP if op.family == "sans" else NBSP)
