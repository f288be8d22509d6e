"""One numbering: a question has the same number on the Questions tab, in the plan on the page and in the teacher's
PDF, in the handouts (by scene and for a plan), on the live projector and phones, and in the export (CSV and
spreadsheet). The question is chosen from the content so that its number differs from its place in the plan: a
surface that counted questions itself would print another number and fail."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace

import pandas as pd
import pytest
from pypdf import PdfReader

from conftest import run_page
from explorer import live
from explorer.handout import handout_pdf
from explorer.teacherpack import teacher_pdf

LABEL = re.compile(r"\bQ\d+\b")
AGE, SITUATION = "14-18", "after"


def flat(text: str) -> str:
    """Tags out, entities decoded, every kind of space one space, typographic apostrophes plain."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.replace("’", "'").split())


def label_before(surface: str, question_text: str) -> str:
    """The last question number printed before the question's text on a surface."""
    text, wanted = flat(surface), flat(question_text)[:40]
    at = text.find(wanted)
    assert at >= 0, f"the question {wanted!r} is not on this surface"
    labels = LABEL.findall(text[max(0, at - 120) : at])
    assert labels, f"no question number before {wanted!r}"
    return labels[-1]


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def chosen(content):
    """A question of the plan whose one number is not its position in the plan, nor in its band."""
    plan = content.teaching.plan(AGE, SITUATION)
    band = [q.id for q in content.band_questions(AGE)]
    for position, question_id in enumerate(plan.question_ids(), start=1):
        number = content.question_number(question_id)
        if number not in (position, band.index(question_id) + 1) and content.question(question_id).scene:
            return content.question(question_id)
    pytest.fail("every question of the plan has its position as its number: this test could not fail")


def test_numbers_are_unique_and_follow_before_then_story(content):
    numbers = [content.question_number(q.id) for q in content.questions]
    assert sorted(numbers) == list(range(1, len(content.questions) + 1))
    ordered = sorted(content.questions, key=lambda q: content.question_number(q.id))
    phases = [q.phase for q in ordered]
    assert phases == sorted(phases, key=("before", "after").index)
    orders = [content.scene(q.scene).order for q in ordered if q.phase == "after"]
    assert orders == sorted(orders)


def test_classroom_page_questions_tab_and_plan(content, chosen):
    at = run_page("pages/classroom.py", age=AGE, situation=SITUATION)
    page = "\n".join(h.proto.body for h in at.get("html")) + "\n".join(m.value for m in at.markdown)
    expected = content.question_label(chosen.id)
    assert label_before(page, chosen.text.get()) == expected
    assert expected in flat(page)
    for question_id in content.teaching.plan(AGE, SITUATION).question_ids():
        assert content.question_label(question_id) in flat(page)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_pdfs(content, chosen, language):
    expected = content.question_label(chosen.id)
    plan = content.teaching.plan(AGE, SITUATION)
    for data in (
        handout_pdf(content, AGE, [], language, plan=plan),
        handout_pdf(content, AGE, [content.scene(chosen.scene)], language),
        teacher_pdf(content, AGE, language, situation=SITUATION),
    ):
        assert label_before(pdf_text(data), chosen.text.get(language)) == expected


def test_live_projector_phones_and_exports(content, chosen):
    session, _ = live.new_session(1000.0, "en")
    queued, skipped = live.plan_questions(content, session, AGE, SITUATION)
    assert skipped == 0
    question = replace(next(q for q in queued if q.ref == chosen.id), state="open")
    expected = content.question_label(chosen.id)
    assert live.question_label(content, question) == expected  # what the projector and the phones print
    token = live.new_participant()
    answers: dict = {}
    live.record(answers, question, token, "the moss", 1001.0)
    queued = [question if q.id == question.id else q for q in queued]
    frame = live.export_frame(content, session, queued, answers.values())
    assert set(frame["number"]) == {expected}
    csv = live.export_csv(content, session, queued, answers.values())
    assert csv.startswith("\ufeff".encode())
    assert expected in csv.decode("utf-8-sig")
    sheet = pd.read_excel(io.BytesIO(live.export_xlsx(content, session, queued, answers.values())))
    assert expected in set(sheet.iloc[:, list(frame.columns).index("number")])
