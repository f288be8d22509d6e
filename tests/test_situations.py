"""The four lesson situations per age band (after, around, short, before) and what the loader checks around them:
questions asked before viewing, assessment criteria, and stills. Broken copies of data/ are made in tmp_path;
every expectation is derived from the content, not from its wording."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import replace_in
from explorer.loader import check
from explorer.model import AGE_BANDS, LESSON_KINDS, RUBRIC_LEVELS, RUBRIC_TASKS, SITUATION_PHASES

TEACHING = "data/teaching.toml"
CLASSROOM = "data/classroom.toml"


def messages(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir)]


def block(text: str, start: str) -> tuple[int, int]:
    """Where the TOML table that begins at ``start`` ends: at the next top-level table (or the end)."""
    begin = text.index(start)
    following = re.compile(r"^\[\[(?!plan\.step|assessment\.rubric)", re.M).search(text, begin + len(start))
    return begin, following.start() if following else len(text)


# --- the content -----------------------------------------------------------------------------------------------


def test_each_band_has_all_four_situations_with_their_minutes_and_phases(content):
    pack = content.teaching
    for age in AGE_BANDS:
        for kind, minutes in LESSON_KINDS.items():
            plan = pack.plan(age, kind)
            assert plan is not None, (age, kind)
            assert plan.minutes == minutes, (age, kind, plan.minutes)
            phases = {step.phase for step in plan.steps}
            assert phases == set(SITUATION_PHASES[kind]), (age, kind, phases)


def test_plans_before_viewing_ask_only_questions_asked_before_viewing(content):
    phases = {q.id: q.phase for q in content.questions}
    for plan in content.teaching.plans:
        for step in plan.steps:
            if step.phase == "before":
                assert all(phases[q] == "before" for q in step.questions), (plan.age, plan.kind, step.questions)
    for age in AGE_BANDS:
        before = content.questions_before(age)
        assert len(before) >= 3, age
        assert all(not q.scene for q in before)
        assert set(content.teaching.plan(age, "before").question_ids()) <= {q.id for q in before}


def test_questions_before_viewing_come_first_in_the_one_numbering(content):
    numbers = {q.id: content.question_number(q.id) for q in content.questions}
    before = [numbers[q.id] for q in content.questions if q.phase == "before"]
    after = [numbers[q.id] for q in content.questions if q.phase == "after"]
    assert before and after and max(before) < min(after)


def test_each_band_has_assessment_and_support(content):
    pack = content.teaching
    for age in AGE_BANDS:
        assessment = pack.assessment(age)
        assert len(assessment.criteria) == len(pack.objectives_for(age)), age
        for task in RUBRIC_TASKS:
            assert len(assessment.rubric(task).levels) == RUBRIC_LEVELS, (age, task)
        support = pack.support(age)
        assert 6 <= len(support.words) <= 20 and 3 <= len(support.starters) <= 10 and support.extension.get()


def test_the_after_plans_study_a_sequence_that_exists(content):
    sequences = {s.id: s for s in content.sequences}
    for age in AGE_BANDS:
        studied = [step.sequence for step in content.teaching.plan(age, "after").steps if step.sequence]
        assert studied, age
        assert all(s in sequences and 2 <= len(sequences[s].shots) <= 12 for s in studied)


# --- the loader's checks ---------------------------------------------------------------------------------------


def test_a_step_before_viewing_that_names_a_question_about_a_scene_is_reported(content, data_copy):
    age = AGE_BANDS[0]
    plan = content.teaching.plan(age, "before")
    number = next(n for n, step in enumerate(plan.steps, start=1) if step.questions)
    after_question = next(q.id for q in content.band_questions(age) if q.phase == "after")
    path = data_copy / "teaching.toml"
    text = path.read_text(encoding="utf-8")
    begin, end = block(text, f'[[plan]]\nage = "{age}"\nkind = "before"\n')
    steps = text[begin:end].split("[[plan.step]]")[1:]
    old = re.search(r"^questions = \[.*\]$", steps[number - 1], re.M).group()
    at = text.index(old, begin)
    path.write_text(text[:at] + f'questions = ["{after_question}"]' + text[at + len(old) :], encoding="utf-8")
    assert messages(data_copy) == [
        f"{TEACHING}: plan '{age}' 'before': step[{number}].questions: names a question about a scene in a step "
        f"before viewing (it would tell of the film) (got '{after_question}')"
    ]


def test_a_question_before_viewing_with_a_scene_is_reported(content, data_copy):
    question = content.questions_before(AGE_BANDS[0])[0]
    scene = content.scenes[0].id
    replace_in(data_copy / "classroom.toml", f'id = "{question.id}"\n', f'id = "{question.id}"\nscene = "{scene}"\n')
    assert messages(data_copy) == [
        f"{CLASSROOM}: question '{question.id}': scene: must be left out of a question asked before viewing "
        f"(it would tell of the film) (got '{scene}')"
    ]


def test_assessment_criteria_that_do_not_match_the_objectives_are_reported(content, data_copy):
    age = AGE_BANDS[0]
    wanted = len(content.teaching.objectives_for(age))
    path = data_copy / "teaching.toml"
    text = path.read_text(encoding="utf-8")
    begin = text.index(f'[[assessment]]\nage = "{age}"\ncriteria = [\n') + len(f'[[assessment]]\nage = "{age}"\ncriteria = [\n')
    first = text[begin : text.index("\n", begin) + 1]
    # one criterion fewer (or one more, where fewer would go below the list's minimum of three)
    text = text[:begin] + text[begin + len(first) :] if wanted > 3 else text[:begin] + first + text[begin:]
    path.write_text(text, encoding="utf-8")
    got = wanted - 1 if wanted > 3 else wanted + 1
    assert messages(data_copy) == [
        f"{TEACHING}: assessment '{age}': criteria: must give one success criterion per objective ({wanted} for age "
        f"band '{age}') (got {got})"
    ]


STILL = """[[still]]
id = "{id}"
file = "{file}"
scene = "{scene}"
credit = "A test"
licence = "CC BY 4.0"
alt.en = "A frame of the film"
alt.fr = "Une image du film"
alt.nl = "Een beeld uit de film"
timecode = "1:02"
"""


def test_a_still_whose_file_is_missing_is_reported_and_one_that_is_there_loads(content, data_copy):
    scene = content.scenes[0].id
    (data_copy / "stills").mkdir()
    (data_copy / "stills" / "there.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (data_copy / "stills.toml").write_text(
        STILL.format(id="present", file="there.png", scene=scene) + "\n" + STILL.format(id="absent", file="missing.jpg", scene=scene),
        encoding="utf-8",
    )
    assert messages(data_copy) == ["data/stills.toml: still 'absent': file: is not a file in data/stills/ (got 'missing.jpg')"]
