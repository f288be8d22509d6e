"""A printable classroom handout as a PDF with real, selectable Unicode text (fpdf2)."""

from __future__ import annotations

from collections.abc import Iterable

from fpdf import FPDF

from explorer.fonts import STYLES, font_path
from explorer.fragments import attribution
from explorer.i18n import N_, t
from explorer.model import Content, Scene
from explorer.theme import rgb

AGE_LABELS = {"10-13": N_("Ages 10 to 13"), "14-18": N_("Ages 14 to 18"), "adults": N_("Adults")}
MOSS, MOSS_DARK, GREY, INK = rgb("moss"), rgb("moss_dark"), rgb("concrete"), rgb("ink")


class _Handout(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        for family in ("sans", "serif"):
            for style in STYLES:
                self.add_font(family, style, str(font_path(family, style)))
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("sans", "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}", align="C")


def handout_pdf(content: Content, age: str, scenes: Iterable[Scene], language: str = "en") -> bytes:
    """The handout for one age band: the chosen scenes with their questions, the glossary and the activities."""
    scenes = tuple(scenes)
    film = content.film
    pdf = _Handout(t("Here (Bas Devos, 2023) · classroom handout · questions and notes in the explorer's own words",
                     language))
    pdf.set_title(t("Here: classroom handout", language))
    pdf.set_author("Here explorer")
    pdf.add_page()

    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 24)
    pdf.cell(0, 11, t("Here", language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 11)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 6, t("{director}, {country} {year} · {minutes} min · {audience}", language, director=film.director,
                     country=film.country, year=film.year, minutes=film.runtime_minutes,
                     audience=t(AGE_LABELS[age], language)), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _paragraph(pdf, film.synopsis.get(language))

    _heading(pdf, t("Scenes and questions", language))
    for scene in scenes:
        pdf.set_font("sans", "B", 12)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 6, f"{scene.order}. {scene.title.get(language)}", new_x="LMARGIN", new_y="NEXT")
        _paragraph(pdf, scene.note.get(language), size=10, colour=GREY)
        for number, question in enumerate(content.questions_for(scene.id, age), start=1):
            pdf.set_font("sans", "", 11)
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, 5.6, f"{number}.  {question.text.get(language)}", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
            _answer_lines(pdf)
        pdf.ln(2)

    _heading(pdf, t("Film language", language))
    for term in content.terms:
        pdf.set_font("sans", "B", 11)
        pdf.set_text_color(*MOSS_DARK)
        pdf.multi_cell(0, 5.6, term.name.get(language), new_x="LMARGIN", new_y="NEXT")
        _paragraph(pdf, term.explanation.get(language), size=10)
        _paragraph(pdf, t("In the film: {where}", language, where=term.where.get(language)), size=10, colour=GREY)
        pdf.set_font("serif", "I", 10)
        pdf.set_text_color(*MOSS_DARK)
        pdf.multi_cell(0, 5, f"“{term.quote.text}” · {attribution(term.quote, content)}", new_x="LMARGIN", new_y="NEXT")
        translation = term.quote.translation(language)
        if translation:
            _paragraph(pdf, f"{translation} ({t('our translation', language)})", size=9.5, colour=GREY)
        pdf.ln(2)

    activities = [a for a in content.activities if age in a.ages]
    if activities:
        _heading(pdf, t("Activities", language))
        for activity in activities:
            pdf.set_font("sans", "B", 11)
            pdf.set_text_color(*INK)
            pdf.multi_cell(0, 5.6, t("{title} ({minutes} minutes)", language, title=activity.title.get(language),
                                     minutes=activity.minutes), new_x="LMARGIN", new_y="NEXT")
            _paragraph(pdf, activity.text.get(language), size=10)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("serif", "B", 15)
    pdf.set_text_color(*MOSS_DARK)
    pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*MOSS)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
    pdf.ln(3)


def _paragraph(pdf: FPDF, text: str, size: float = 11, colour: tuple[int, int, int] = INK) -> None:
    pdf.set_font("sans", "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _answer_lines(pdf: FPDF, count: int = 2) -> None:
    pdf.set_draw_color(210, 210, 204)
    pdf.set_line_width(0.2)
    for _ in range(count):
        pdf.ln(6)
        pdf.line(pdf.l_margin + 5, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
