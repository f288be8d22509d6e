"""The teacher's pack as a printable A4 PDF (fpdf2): practical information, objectives, the 50-minute lesson plan
and its 20-minute variant as timed tables, every question of an age band with its answer hint, the glossary, the
curriculum links and the moss-walk safety notes. Each entry is kept on one page (never split across two)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from fpdf import FPDF

from explorer.fonts import STYLES, font_path
from explorer.fragments import attribution, origin_note
from explorer.i18n import N_, t
from explorer.model import LESSON_PHASES, Content, LessonPlan, Question, TeacherPack
from explorer.theme import rgb
from explorer.typography import NBSP, typeset

AGE_LABELS = {"10-13": N_("Ages 10 to 13"), "14-18": N_("Ages 14 to 18"), "adults": N_("Adults")}
PHASE_LABELS = {"before": N_("Before viewing"), "after": N_("After viewing")}
COMMUNITY_LABELS = {"fwb": N_("French-speaking Community (Fédération Wallonie-Bruxelles)"),
                    "flanders": N_("Flemish Community")}
SUBJECT_LABELS = {"biology": N_("biology"), "geography": N_("geography"), "media-literacy": N_("media literacy"),
                  "film": N_("film education")}
MOSS, MOSS_DARK, MOSS_LIGHT, GREY, INK, LINE = (rgb("moss"), rgb("moss_dark"), rgb("moss_light"), rgb("concrete"),
                                                rgb("ink"), rgb("line"))
TIME_COLUMN = 24  # mm: the width of the minutes column of a plan's table


class _TeacherPdf(FPDF):
    def __init__(self, footer_text: str, language: str, measuring: bool = False):
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.language = language
        self._scratch: _TeacherPdf | None = None
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
    """The questions asked of an age band, in story order."""
    return tuple(q for scene in content.scenes for q in content.questions_for(scene.id, age))


def teacher_pdf(content: Content, age: str, language: str = "en") -> bytes:
    """The teacher's pack for one age band in one language, as PDF bytes."""
    pack = content.teaching
    if pack is None:
        raise ValueError("the content has no teacher's pack (data/teaching.toml)")
    film = content.film
    pdf = _TeacherPdf(t("Here (Bas Devos, 2023) · teacher's pack · in the explorer's own words", language), language)
    pdf.set_title(t("Here: teacher's pack", language))
    pdf.set_author("Here explorer")
    pdf.add_page()
    questions = band_questions(content, age)
    numbers = {q.id: number for number, q in enumerate(questions, start=1)}

    pdf.set_text_color(*MOSS_DARK)
    pdf.set_font("serif", "B", 24)
    pdf.cell(0, 11, t("Here · teacher's pack", language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 11)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 6, t("{director}, {year} · {minutes} min · {audience}", language, director=film.director,
                           year=film.year, minutes=film.runtime_minutes, audience=t(AGE_LABELS[age], language)),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _paragraph(pdf, film.synopsis.get(language), size=10)

    _heading(pdf, t("Practical information", language))
    for item in pack.practical:
        _keep_together(pdf, _entry, item.label.get(language), item.value.get(language),
                       _sources_line(content, pack, item.sources, language))

    _heading(pdf, t("Learning objectives", language))
    for objective in pack.objectives_for(age):
        _keep_together(pdf, _bullet, objective.get(language))

    for kind, title in (("lesson", N_("A 50-minute lesson")), ("short", N_("A 20-minute variant"))):
        plan = pack.plan(age, kind)
        if plan is not None:
            _heading(pdf, t(title, language))
            _plan_table(pdf, content, plan, numbers, language)

    _heading(pdf, t("Questions and answer hints", language))
    _paragraph(pdf, t("Hints are guidance for the teacher, not model answers: what pupils may say, and what to point "
                      "to in the film.", language), size=9.5, colour=GREY)
    scene_titles = {s.id: s.title.get(language) for s in content.scenes}
    for question in questions:
        hint = pack.hint(question.id)
        _keep_together(pdf, _question, f"Q{numbers[question.id]} · {question.text.get(language)}",
                       t("Scene: {title}", language, title=scene_titles.get(question.scene, "")),
                       hint.text.get(language) if hint else "")

    _heading(pdf, t("Film language", language))
    for term in content.terms:
        _keep_together(pdf, _term, content, term, language)

    _heading(pdf, t("Curriculum links", language))
    _paragraph(pdf, t("Named only as far as the sources below support; we have not matched the lesson to numbered "
                      "attainment targets.", language), size=9.5, colour=GREY)
    for link in pack.links:
        subjects = ", ".join(t(SUBJECT_LABELS[s], language) for s in link.subjects)
        _keep_together(pdf, _entry, link.name, link.note.get(language),
                       _sources_line(content, pack, link.sources, language),
                       f"{t(COMMUNITY_LABELS[link.community], language)} · {subjects}")

    _heading(pdf, t("The moss walk: logistics and safety", language))
    for note in pack.safety:
        _keep_together(pdf, _entry, note.title.get(language), note.text.get(language),
                       _sources_line(content, pack, note.sources, language))
    return bytes(pdf.output())


def _entry(pdf: FPDF, title: str, text: str, sources: str, subtitle: str = "") -> None:
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


def _question(pdf: FPDF, question: str, scene: str, hint: str) -> None:
    pdf.set_font("sans", "B", 10.5)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 5.4, question, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "I", 8.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 4.2, scene, new_x="LMARGIN", new_y="NEXT")
    if hint:
        _paragraph(pdf, hint, size=10, colour=MOSS_DARK)
    pdf.ln(1.5)


def _term(pdf: FPDF, content: Content, term, language: str) -> None:
    pdf.set_font("sans", "B", 10.5)
    pdf.set_text_color(*MOSS_DARK)
    pdf.multi_cell(0, 5.4, term.name.get(language), new_x="LMARGIN", new_y="NEXT")
    _paragraph(pdf, term.explanation.get(language), size=10)
    _paragraph(pdf, t("In the film: {where}", language, where=term.where.get(language)), size=9.5, colour=GREY)
    if term.quote is not None:
        pdf.set_font("serif", "I", 9.5)
        pdf.set_text_color(*MOSS_DARK)
        note = origin_note(term.quote, content, language)
        credit = attribution(term.quote, content, language) + (f" ({note})" if note else "")
        pdf.multi_cell(0, 4.8, f"“{term.quote.text}” · {credit}",
                       new_x="LMARGIN", new_y="NEXT")
        translation = term.quote.translation(language)
        if translation:
            _paragraph(pdf, f"{translation} ({t('our translation', language)})", size=9, colour=GREY)
    pdf.ln(1.5)


def _plan_table(pdf: FPDF, content: Content, plan: LessonPlan, numbers: dict[str, int], language: str) -> None:
    """The plan as a timed table: a header row per phase (kept with its first step), then one row per step."""
    terms = {term.id: term.name.get(language) for term in content.terms}
    activities = {a.id: a.title.get(language) for a in content.activities}
    start = 0
    for phase in LESSON_PHASES:
        steps = [s for s in plan.steps if s.phase == phase]
        for index, step in enumerate(steps):
            header = (f"{t(PHASE_LABELS[phase], language)} · "
                      f"{t('{minutes} min', language, minutes=plan.phase_minutes(phase))}") if index == 0 else ""
            _keep_together(pdf, _step_row, header, f"{start}–{start + step.minutes}",
                           t("{minutes} min", language, minutes=step.minutes), step.title.get(language),
                           step.text.get(language), step_uses(step, numbers, terms, activities, language))
            start += step.minutes
    pdf.ln(2)


def _step_row(pdf: FPDF, header: str, span: str, minutes: str, title: str, text: str, uses: str) -> None:
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


def step_uses(step, numbers: dict[str, int], terms: dict[str, str], activities: dict[str, str],
              language: str) -> str:
    """What a step uses: its questions (as Q-numbers), glossary terms and activities, in one line."""
    parts = []
    if step.questions:
        parts.append(t("Questions: {items}", language,
                       items=", ".join(f"Q{numbers[q]}" if q in numbers else q for q in step.questions)))
    if step.terms:
        parts.append(t("Glossary: {items}", language, items=", ".join(terms.get(i, i) for i in step.terms)))
    if step.activities:
        parts.append(t("Activities: {items}", language,
                       items=", ".join(activities.get(i, i) for i in step.activities)))
    return " · ".join(parts)


def _sources_line(content: Content, pack: TeacherPack, ids: Iterable[str], language: str) -> str:
    """The sources of an entry, each with its address when it has one; empty when the entry is our own advice."""
    items = []
    for source_id in ids:
        reference = pack.reference(source_id)
        if reference is not None:
            items.append(f"{reference.title}, {reference.outlet} ({reference.url})")
        else:
            source = content.source(source_id)
            items.append(source.citation() + (f" ({source.url})" if source.url else ""))
    return t("Sources: {items}", language, items="; ".join(items)) if items else ""


def _heading(pdf: FPDF, text: str) -> None:
    if pdf.will_page_break(3 + 9 + 3 + 22):  # a heading never ends a page: it keeps room for its first entry
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font("serif", "B", 15)
    pdf.set_text_color(*MOSS_DARK)
    pdf.cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*MOSS)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + 30, pdf.get_y())
    pdf.ln(3)


def _keep_together(pdf: _TeacherPdf, draw: Callable[..., None], *args: object) -> None:
    """Draw one entry on a single page: measure it on a scratch page first and start a new page if it would not
    fit. (fpdf2's ``unbreakable`` replays recorded coordinates after a page break, which misplaces rows drawn at
    absolute positions, and its dry run copies the whole document, fonts included, for every entry.)"""
    scratch = pdf.scratch()
    scratch.add_page()
    top = scratch.get_y()
    draw(scratch, *args)
    if pdf.will_page_break(scratch.get_y() - top):
        pdf.add_page()
    draw(pdf, *args)


def _paragraph(pdf: FPDF, text: str, size: float = 11, colour: tuple[int, int, int] = INK) -> None:
    pdf.set_font("sans", "", size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.2)


def _bullet(pdf: FPDF, text: str) -> None:
    pdf.set_font("sans", "", 10.5)
    pdf.set_text_color(*INK)
    pdf.cell(6, 5.4, "•")
    pdf.multi_cell(0, 5.4, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.8)

