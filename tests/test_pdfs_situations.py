"""The printed material for the four situations: the pupils' handout (default choice and every plan), the one-page
viewing sheet and the teacher's PDF per situation. Page counts, one numbering, spoiler-safe mode, no English
quotation for the youngest pupils in French or Dutch, and a still (or, without one, the described shots)."""

from __future__ import annotations

import io
import re
from functools import cache

import pytest
from PIL import Image
from pypdf import PdfReader

from explorer import load_content
from explorer.handout import MAX_PAGES, MIN_LINES, WRITING, handout_layout, handout_pdf, rubric_tasks
from explorer.i18n import LANGUAGES, t
from explorer.model import AGE_BANDS, LESSON_KINDS
from explorer.teacherpack import STILL_WIDTH, teacher_pdf
from explorer.viewingsheet import viewing_sheet_pdf

TEACHER_PAGES = 10  # a teacher's PDF for one situation: plan, sequence study, rubrics, support, hints, glossary...
LABEL = re.compile(r"\bQ\d+\b")


def norm(text: str) -> str:
    """Text as compared: case folded, typographic quotes and apostrophes plain, every kind of space one space."""
    text = text.casefold().translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'}))
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def every_language(items):
    """Each item with one language, in turn, so that every language is seen without building every combination."""
    return [(item, LANGUAGES[index % len(LANGUAGES)]) for index, item in enumerate(items)]


def default_scenes(content, spoiler_safe: bool = False):
    """The classroom page's default choice: the first four scenes shown."""
    return content.visible_scenes(spoiler_safe)[:4]


def language_of(age: str, kind: str) -> str:
    """The one language a plan's PDFs are checked in: every language is seen, no PDF is built twice."""
    return LANGUAGES[(AGE_BANDS.index(age) + list(LESSON_KINDS).index(kind)) % len(LANGUAGES)]


@cache
def plan_handout(content, age: str, kind: str) -> list[str]:
    return pages_of(handout_pdf(content, age, [], language_of(age, kind), plan=content.teaching.plan(age, kind)))


@cache
def situation_pdf(content, age: str, kind: str, spoiler_safe: bool = False) -> list[str]:
    return pages_of(teacher_pdf(content, age, language_of(age, kind), spoiler_safe=spoiler_safe, situation=kind))


def hidden_material(content) -> tuple[list[str], list[str], list[str]]:
    """What spoiler-safe mode must leave out, derived from the content: the titles and notes of the scenes after
    ``film.spoilers_after``, the questions about them, and every hint of a question asked after viewing."""
    limit = content.scene(content.film.spoilers_after).order
    hidden = [scene for scene in content.scenes if scene.order > limit]
    assert hidden, "the film has scenes after the first encounter"
    ids = {scene.id for scene in hidden}
    scenes = [text for scene in hidden for field in (scene.title, scene.note) for _, text in field.by_language]
    questions = [text for q in content.questions if q.scene in ids for _, text in q.text.by_language]
    after = {q.id for q in content.questions if q.phase == "after"}
    hints = [text for hint in content.teaching.hints if hint.question in after for _, text in hint.text.by_language]
    return scenes, questions, hints


def leaked(text: str, material: list[str]) -> list[str]:
    found = norm(text)
    return [item for item in material if norm(item) in found]


# --- page counts -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("age", AGE_BANDS)
def test_the_default_handout_is_at_most_four_pages(content, age, language):
    pages = pages_of(handout_pdf(content, age, default_scenes(content), language))
    assert 1 <= len(pages) <= MAX_PAGES == 4
    labels = [content.question_label(q.id) for s in default_scenes(content) for q in content.questions_for(s.id, age)]
    assert labels and LABEL.findall(" ".join(pages)) == labels, "the chosen scenes' questions, with their one number"


@pytest.mark.parametrize(("age", "kind"), [(age, kind) for age in AGE_BANDS for kind in LESSON_KINDS])
def test_every_plans_handout_is_at_most_four_pages_and_prints_exactly_its_questions_in_order(content, age, kind):
    language = language_of(age, kind)
    plan = content.teaching.plan(age, kind)
    pages = plan_handout(content, age, kind)
    assert len(pages) <= MAX_PAGES, (age, kind, language, len(pages))
    assert LABEL.findall(" ".join(pages)) == [content.question_label(q) for q in plan.question_ids()]
    text = norm(" ".join(pages))
    for question_id in plan.question_ids():
        assert norm(content.question(question_id).text.get(language)) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_plans_handout_keeps_its_blocks_whole_its_pages_full_and_room_to_write(content, language):
    for plan in content.teaching.plans:
        placed, top, bottom = handout_layout(content, plan.age, [], language, plan=plan)
        pages = max(p.last_page for p in placed)
        assert pages <= MAX_PAGES, (plan.age, plan.kind)
        assert [p for p in placed if p.page != p.last_page] == [], "no block split across pages"
        questions = [p for p in placed if p.kind == "question"]
        assert [p.key for p in questions] == list(plan.question_ids())
        assert all(p.bottom - p.top >= MIN_LINES * WRITING[plan.age][1] for p in questions), "room to write"
        filled: dict[int, float] = {}
        for p in placed:
            filled[p.last_page] = max(filled.get(p.last_page, top), p.bottom)
        for page in range(1, pages):  # the last page may be short
            assert (filled.get(page, top) - top) / (bottom - top) >= 0.4, (plan.age, plan.kind, page)


def test_the_handout_has_the_word_bank_starters_and_extension_task(content):
    for age in AGE_BANDS:
        language = language_of(age, "around")
        support = content.teaching.support(age)
        text = norm(" ".join(plan_handout(content, age, "around")))
        assert all(norm(word.get(language)) in text for word in support.words)
        assert all(norm(starter.get(language)) in text for starter in support.starters)
        assert norm(support.extension.get(language)) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_viewing_sheet_is_one_page_in_every_band(content, language):
    from explorer.viewingsheet import task_explanation, viewing_tasks

    for age in AGE_BANDS:
        pages = pages_of(viewing_sheet_pdf(content, age, language))
        assert len(pages) == 1, (age, language)
        text = norm(pages[0])
        for field in ("Name", "Class", "Date"):
            assert norm(t(field, language)) in text
        tasks = viewing_tasks(content, age)
        assert tasks, "the viewing tasks with their explanations"
        for term in tasks:
            assert norm(term.name.get(language)) in text
            assert norm(task_explanation(content, age, term, language)) in text, (age, term.id)
        labels = set(LABEL.findall(pages[0]))  # the questions before viewing: all of them or none
        plan = content.teaching.plan(age, "before")
        assert labels in (set(), {content.question_label(q) for q in plan.question_ids()}), (age, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_viewing_sheets_tasks_are_explained_in_the_bands_word_bank_when_it_has_the_word(content, language):
    from explorer.viewingsheet import task_explanation, viewing_tasks

    matched = 0
    for age in AGE_BANDS:
        words = [entry.get(language) for entry in content.teaching.support(age).words]
        for term in viewing_tasks(content, age):
            name = term.name.get(language).casefold()
            entry = next((w for w in words if name in w.partition(":")[0].casefold()), None)
            explanation = task_explanation(content, age, term, language)
            if entry is None:
                assert explanation == term.explanation.get(language) or any(explanation in w for w in words)
            else:
                matched += 1
                assert norm(explanation).casefold() in norm(entry).casefold(), (age, term.id)
                assert explanation != term.explanation.get(language)
    assert matched, "no band's word bank names a viewing task: nothing proved"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_viewing_sheet_asks_for_two_moments_right_after_the_film_without_a_when(content, language):
    from explorer.typography import typeset
    from explorer.viewingsheet import RIGHT_AFTER

    def said(text: str) -> str:
        return norm(typeset(t(text, language), language))

    for age in AGE_BANDS:
        text = norm(pages_of(viewing_sheet_pdf(content, age, language))[0])
        right_after = said(RIGHT_AFTER[age != "adults"])
        assert right_after in text
        assert text.count(said("What happened just before?")) == 2
        assert text.count(said("What I saw or heard")) == 2
        assert text.index(right_after) < text.index(norm(t("Moment {number}", language, number=1)))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_viewing_sheet_prints_questions_before_viewing_only_with_room_to_write(content, language):
    from explorer.viewingsheet import ANSWER_LINES, WITH_QUESTIONS

    least = ANSWER_LINES * 7 * min(WITH_QUESTIONS) * 72 / 25.4  # pt: the ruled lines under a question
    for age in AGE_BANDS:
        tops: dict[str, float] = {}

        def seen(text, _cm, tm, _font, _size, tops=tops):
            if LABEL.fullmatch(text.strip()):
                tops.setdefault(text.strip(), tm[5])

        PdfReader(io.BytesIO(viewing_sheet_pdf(content, age, language))).pages[0].extract_text(visitor_text=seen)
        ys = [tops[label] for label in sorted(tops, key=lambda label: int(label[1:]))]
        for upper, lower in zip(ys, ys[1:], strict=False):  # each question has its lines before the next one
            assert upper - lower >= least, (age, language)


def test_the_teachers_pdf_of_each_situation_keeps_to_its_bound(content):
    for age, kind in [(age, kind) for age in AGE_BANDS for kind in LESSON_KINDS]:
        language = language_of(age, kind)
        pages = situation_pdf(content, age, kind)
        assert len(pages) <= TEACHER_PAGES, (age, kind, language, len(pages))
        plan = content.teaching.plan(age, kind)
        text = norm(" ".join(pages))
        for question_id in plan.question_ids():  # each question as its one number, with its text
            assert norm(f"{content.question_label(question_id)} · {content.question(question_id).text.get(language)}") in text
        assessment = content.teaching.assessment(age)
        for criterion in assessment.criteria:
            assert norm(criterion.get(language)) in text
        tasks = rubric_tasks(content, [plan])  # only the rubrics of the tasks the plan has
        for rubric in assessment.rubrics:
            printed = [norm(level.get(language)) in text for level in rubric.levels]
            assert printed == [rubric.task in tasks] * len(printed), (age, kind, rubric.task)
        assert (norm(t("Assessment", language)) in text) == bool(tasks), (age, kind)
        support = content.teaching.support(age)
        if support.adapt is not None:
            assert (norm(support.adapt.get(language)) in text) == bool(tasks), (age, kind)
        for name in ("Beginning", "Developing", "Secure"):
            assert (norm(t(name, language)) in text) == bool(tasks)


def test_which_rubrics_a_plan_has_follows_its_steps(content):
    from explorer.handout import exit_ticket_step, main_activity_step

    seen = set()
    for plan in content.teaching.plans:
        tasks = rubric_tasks(content, [plan])
        assert ("exit-ticket" in tasks) == (exit_ticket_step(plan) is not None)
        main = main_activity_step(content, plan)
        assert ("main-activity" in tasks) == (main is not None)
        assert main is None or main.activities or "main activity" in main.title.get("en").casefold()
        if plan.kind == "before":
            assert tasks == (), "nothing is assessed before the film"
        seen.update(tasks)
    assert seen == {"exit-ticket", "main-activity"}


# --- spoiler-safe ------------------------------------------------------------------------------------------------


def test_spoiler_safe_handouts_leave_out_every_hidden_scene_and_question(content):
    scenes, questions, _ = hidden_material(content)
    for age, language in every_language(AGE_BANDS):  # every scene asked for, hidden ones included
        text = " ".join(pages_of(handout_pdf(content, age, content.scenes, language, spoiler_safe=True, glossary=True)))
        assert not leaked(text, scenes + questions), (age, language)
    plans = [content.teaching.plan(age, "around") for age in AGE_BANDS]
    for plan, language in every_language(plans):
        text = " ".join(pages_of(handout_pdf(content, plan.age, [], language, spoiler_safe=True, plan=plan)))
        assert not leaked(text, scenes + questions), (plan.age, plan.kind, language)
        shown = [q for q in plan.question_ids() if content.question(q).scene not in content.spoilers()]
        assert LABEL.findall(text) == [content.question_label(q) for q in shown]


def test_spoiler_safe_teachers_pdf_leaves_out_hidden_scenes_questions_and_every_hint_after_viewing(content):
    scenes, questions, hints = hidden_material(content)
    cases = [("adults", None)] + [("14-18", kind) for kind in LESSON_KINDS]
    for age, situation in cases:
        language = language_of(age, situation) if situation else "fr"
        text = " ".join(
            situation_pdf(content, age, situation, spoiler_safe=True)
            if situation
            else pages_of(teacher_pdf(content, age, language, spoiler_safe=True))
        )
        assert not leaked(text, scenes + questions + hints), (age, situation, language)
        found = norm(text)
        for kind in (situation,) if situation else LESSON_KINDS:
            for step in content.teaching.plan(age, kind).steps:  # the steps before viewing stay, the others go
                assert (norm(step.text.get(language)) in found) == (step.phase == "before"), (age, kind, step.phase)
        before = [q for q in content.questions_before(age)]
        for question in before:  # before viewing: nothing to hide, hints included
            if situation is None or question.id in content.teaching.plan(age, situation).question_ids():
                assert norm(content.teaching.hint(question.id).text.get(language)) in found


def test_without_spoiler_safe_the_teachers_pdf_has_the_hints_after_viewing(content):
    for age in AGE_BANDS:
        text = norm(" ".join(situation_pdf(content, age, "after")))
        language = language_of(age, "after")
        plan = content.teaching.plan(age, "after")
        assert all(norm(content.teaching.hint(q).text.get(language)) in text for q in plan.question_ids())


# --- quotations for the youngest pupils --------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_10_13_handout_in_french_or_dutch_has_no_english_quotation(content, language):
    text = norm(" ".join(pages_of(handout_pdf(content, "10-13", [], language, glossary=True))))
    quoted = [term.quote for term in content.terms if term.quote is not None]
    assert quoted
    for quote in quoted:
        assert norm(quote.text) not in text, quote.text
        if quote.translation(language):
            assert norm(quote.translation(language)) in text
    assert norm(t("our translation", language)) in text
    older = norm(" ".join(pages_of(handout_pdf(content, "14-18", [], language, glossary=True))))
    assert all(norm(quote.text) in older for quote in quoted), "older pupils read the original words"


# --- a still, or the described shots ----------------------------------------------------------------------------


def studied_sequence(content):
    """A plan step that names a sequence: its plan and the sequence."""
    for plan in content.teaching.plans:
        for step in plan.steps:
            if step.sequence:
                return plan, content.sequence(step.sequence)
    pytest.fail("no plan names a sequence")


def test_a_sequence_study_prints_its_still_with_its_credit(data_copy):
    content = load_content(data_copy)
    plan, sequence = studied_sequence(content)
    (data_copy / "stills").mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), (90, 120, 60)).save(data_copy / "stills" / "test-still.png")
    credit = "Photo by a test festival"
    (data_copy / "stills.toml").write_text(
        f'[[still]]\nid = "test-still"\nfile = "test-still.png"\nscene = "{sequence.scene}"\n'
        f'credit = "{credit}"\nlicence = "CC BY 4.0"\nalt.en = "A test frame of green"\ntimecode = "12:34"\n',
        encoding="utf-8",
    )
    with_still = load_content(data_copy)
    reader = PdfReader(io.BytesIO(teacher_pdf(with_still, plan.age, "en", situation=plan.kind)))
    assert sum(len(page.images) for page in reader.pages) == 1
    text = norm(" ".join(page.extract_text() for page in reader.pages))
    assert all(norm(part) in text for part in (credit, "CC BY 4.0", "12:34", "A test frame of green"))
    assert norm(sequence.shots[0].get()) not in text, "the still stands in for the described shots"
    page = next(page for page in reader.pages if page.images)
    starts: list[float] = []
    page.extract_text(
        visitor_text=lambda text, cm, tm, *_: starts.append(tm[4] * cm[0] + cm[4]) if credit.split()[0] in text else None
    )
    image_right = (18 + STILL_WIDTH) * 72 / 25.4  # the still's right edge on the page, in points
    assert starts and min(starts) > image_right, "the caption is set beside the still, not over it"


def test_without_a_still_the_sequence_study_prints_its_shots(content):
    plan, sequence = studied_sequence(content)
    assert not content.stills_of(sequence.scene)
    language = language_of(plan.age, plan.kind)
    data = teacher_pdf(content, plan.age, language, situation=plan.kind)
    assert sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages) == 0
    text = norm(" ".join(pages_of(data)))
    assert norm(sequence.title.get(language)) in text
    assert all(norm(shot.get(language)) in text for shot in sequence.shots)


# --- the exit ticket, no scene notes, file names ----------------------------------------------------------------


def test_a_plan_with_an_exit_ticket_step_ends_its_handout_with_the_exit_ticket_box_on_one_page(content):
    from explorer.handout import exit_ticket_step

    with_ticket = [plan for plan in content.teaching.plans if exit_ticket_step(plan) is not None]
    assert with_ticket, "some plan ends with an exit ticket"
    for plan in content.teaching.plans:
        language = language_of(plan.age, plan.kind)
        placed, _, _ = handout_layout(content, plan.age, [], language, plan=plan)
        tickets = [p for p in placed if p.kind == "exit-ticket"]
        if exit_ticket_step(plan) is None:
            assert not tickets, (plan.age, plan.kind)
            continue
        assert len(tickets) == 1 and tickets[0].page == tickets[0].last_page, (plan.age, plan.kind)
        assert [p.kind for p in placed if p.kind != "notes"][-1] == "exit-ticket", "the exit ticket ends the handout"
        text = norm(" ".join(plan_handout(content, plan.age, plan.kind)))
        prompts = content.teaching.assessment(plan.age).exit_ticket
        assert prompts and all(norm(prompt.get(language)) in text for prompt in prompts), (plan.age, plan.kind)


def test_spoiler_safe_handouts_have_no_exit_ticket_when_the_step_is_hidden(content):
    from explorer.handout import exit_ticket_step
    from explorer.spoilers import visibility

    view = visibility(content, True)
    for plan in content.teaching.plans:
        step = exit_ticket_step(plan)
        if step is None:
            continue
        placed, _, _ = handout_layout(content, plan.age, [], "en", plan=plan, spoiler_safe=True)
        assert any(p.kind == "exit-ticket" for p in placed) == view.step(step), (plan.age, plan.kind)


def test_handouts_print_no_scene_notes_only_the_scenes_titles(content):
    for plan in content.teaching.plans:
        language = language_of(plan.age, plan.kind)
        text = norm(" ".join(plan_handout(content, plan.age, plan.kind)))
        scenes = {content.question(q).scene for q in plan.question_ids() if content.question(q).phase == "after"}
        for scene in map(content.scene, scenes):
            assert norm(scene.title.get(language)) in text, (plan.age, plan.kind, scene.id)
        for scene in content.scenes:
            assert norm(scene.note.get(language)) not in text, (plan.age, plan.kind, scene.id)


def test_download_file_names_say_band_situation_language_and_glossary():
    from explorer_app.handout_tab import handout_file_name

    assert handout_file_name("14-18", "after", "fr", False) == "here-handout-14-18-after-fr.pdf"
    assert handout_file_name("14-18", "after", "fr", True) == "here-handout-14-18-after-fr-glossary.pdf"
    names = {
        handout_file_name(age, kind, language, glossary)
        for age in AGE_BANDS
        for kind in LESSON_KINDS
        for language in LANGUAGES
        for glossary in (False, True)
    }
    assert len(names) == len(AGE_BANDS) * len(LESSON_KINDS) * len(LANGUAGES) * 2, "every handout its own name"
