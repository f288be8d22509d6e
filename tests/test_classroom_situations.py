"""AppTest for the classroom page's lesson situations: the chosen situation's plan on the teachers' tab with every
question by its one number, a bad situation in the address, spoiler-safe mode (a plan before the screening stays
whole), the handout and the viewing sheet for a plan, a kiosk without downloads, the live link for a plan, the
assessment and differentiation, and a sequence study with a still. Expectations come from the content."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from conftest import DATA, run_page
from explorer.model import AGE_BANDS, LESSON_KINDS

AGE = "14-18"  # the page's default age band


@pytest.fixture(autouse=True)
def plain_settings(monkeypatch):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_TILES", "EXPLORER_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)


def run(**query: str):
    return run_page("pages/classroom.py", **query)


def flat(text: str) -> str:
    """Text with every kind of space as one space, entities decoded, as a reader sees it."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", html.unescape(text)).strip()


def text_of(node) -> str:
    """Everything a part of the page (or the whole page) says: its HTML, markdown, notes, captions, options."""
    parts = [h.proto.body for h in node.get("html")]
    parts += [e.value for kind in ("markdown", "caption", "info", "warning") for e in node.get(kind)]
    parts += [o for kind in ("multiselect", "selectbox", "radio") for w in node.get(kind) for o in w.options]
    parts += [p.proto.label for p in node.get("page_link")]
    return flat("\n".join(parts))


def tab(at, label: str):
    return next(tab for tab in at.tabs if tab.label == label)


def plan_table(at) -> str:
    (table,) = [h.proto.body for h in tab(at, "For teachers").get("html") if 'class="hx-plan"' in h.proto.body]
    return table


def downloads(at) -> list[str]:
    return [button.key for button in at.get("download_button")]


@pytest.mark.parametrize("situation", list(LESSON_KINDS))
@pytest.mark.parametrize("age", AGE_BANDS)
def test_each_situation_shows_its_plan_with_every_question_by_its_number(content, age, situation):
    at = run(age=age, situation=situation)
    plan = content.teaching.plan(age, situation)
    table = flat(plan_table(at))
    assert plan.question_ids(), "a plan that asks nothing proves nothing"
    for qid in plan.question_ids():
        assert re.search(rf"\b{content.question_label(qid)}\b", table), (situation, qid)
    for step in plan.steps:
        assert flat(step.title.get()) in table and flat(step.text.get()) in table
    assert table.count('scope="rowgroup"') == len({step.phase for step in plan.steps})
    assert 'scope="col"' in plan_table(at)
    teachers = tab(at, "For teachers")
    text = text_of(teachers)
    for qid in plan.question_ids():  # the plan's questions with their hints, in the plan's order
        hint = content.teaching.hint(qid)
        assert hint is None or flat(hint.text.get()) in text
    numbered = [label for h in teachers.get("html") for label in re.findall(r'class="hx-qnum">(Q\d+)<', h.proto.body)]
    assert numbered[: len(plan.question_ids())] == [content.question_label(q) for q in plan.question_ids()]
    assert at.query_params["situation"] in (situation, [situation])


def test_a_bad_situation_in_the_address_says_so_and_the_page_works(content):
    at = run(age=AGE, situation="field-trip")
    assert any("Lesson situation" in note.value and "field" in note.value for note in at.info)
    assert at.query_params["situation"] in ("after", ["after"])
    table = flat(plan_table(at))
    assert all(flat(step.title.get()) in table for step in content.teaching.plan(AGE, "after").steps)
    assert "handout-download" in downloads(at) and "teacher-download" in downloads(at)


def test_the_situation_can_be_changed_and_lands_in_the_address(content):
    at = run(age=AGE)
    at.button_group(key="situation").set_value("short").run()
    assert at.query_params["situation"] in ("short", ["short"])
    table = flat(plan_table(at))
    assert all(flat(step.title.get()) in table for step in content.teaching.plan(AGE, "short").steps)


def test_spoiler_safe_keeps_the_plan_before_the_screening_whole(content):
    at = run(age=AGE, situation="before", spoilers="hide")
    plan = content.teaching.plan(AGE, "before")
    table = flat(plan_table(at))
    for step in plan.steps:
        assert flat(step.title.get()) in table and flat(step.text.get()) in table
    for qid in plan.question_ids():
        assert re.search(rf"\b{content.question_label(qid)}\b", table)
    assert "Hidden in spoiler-safe mode" not in table
    assert "viewing-sheet-download" in downloads(at) and "handout-download" in downloads(at)


def test_spoiler_safe_after_the_screening_hides_the_steps_and_scenes_and_says_why(content):
    at = run(age=AGE, situation="after", spoilers="hide")
    page, table = text_of(at), flat(plan_table(at))
    for step in content.teaching.plan(AGE, "after").steps:
        assert step.phase == "after" and flat(step.title.get()) not in table and flat(step.text.get()) not in page
    hidden = [content.scene(s) for s in content.spoilers()]
    assert hidden, "nothing hidden proves nothing"
    for scene in hidden:
        assert flat(scene.title.get()) not in page, scene.id
    for question in content.band_questions(AGE):
        shown = flat(question.text.get()) in page
        assert shown == (question.phase == "before" or question.scene not in content.spoilers()), question.id
    for hint in content.teaching.hints:  # only hints for before viewing may show
        if content.question(hint.question).phase == "after":
            assert flat(hint.text.get()) not in page
    assert any("Spoiler-safe mode hides" in note.value for note in tab(at, "For teachers").get("info"))


def question_labels(node) -> list[str]:
    return [label for h in node.get("html") for label in re.findall(r'class="hx-qnum">(Q\d+)<', h.proto.body)]


@pytest.mark.parametrize("situation", [kind for kind in LESSON_KINDS if kind not in ("after", "before")])
def test_questions_come_with_their_one_number_before_viewing_first(content, situation):
    at = run(age=AGE, situation=situation)
    questions = tab(at, "Questions")
    assert not questions.get("expander")
    bodies = [h.proto.body for h in questions.get("html")]
    assert question_labels(questions) == [content.question_label(q.id) for q in content.band_questions(AGE)]
    before = content.questions_before(AGE)
    assert before and "Before viewing" in bodies[0]
    assert all(flat(q.text.get()) in flat(bodies[0]) for q in before)


def test_after_the_screening_the_questions_after_viewing_come_first_and_those_before_are_folded(content):
    at = run(age=AGE, situation="after")
    questions = tab(at, "Questions")
    before = [content.question_label(q.id) for q in content.questions_before(AGE)]
    after = [content.question_label(q.id) for q in content.band_questions(AGE) if q.phase == "after"]
    assert before and after
    (folded,) = questions.get("expander")
    assert folded.label == "Before viewing (for another lesson)"
    assert question_labels(folded) == before
    assert question_labels(questions) == after + before  # the folded group last
    bodies = [h.proto.body for h in questions.get("html")]
    assert "Before viewing" not in bodies[0]


def test_before_the_screening_the_questions_before_viewing_come_first_and_those_after_are_folded(content):
    at = run(age=AGE, situation="before")
    assert at.query_params["spoilers"] in ("hide", ["hide"])  # a link asking for "before" opens spoiler-safe
    questions = tab(at, "Questions")
    before = [content.question_label(q.id) for q in content.questions_before(AGE)]
    shown = [
        content.question_label(q.id) for q in content.band_questions(AGE) if q.phase == "after" and q.scene not in content.spoilers()
    ]
    assert before and shown
    (folded,) = questions.get("expander")
    assert folded.label == "After viewing (for another lesson)" and not folded.proto.expanded
    assert question_labels(folded) == shown
    assert question_labels(questions) == before + shown  # the before-viewing group first, open
    assert "Before viewing" in [h.proto.body for h in questions.get("html")][0]
    for scene in content.spoilers():
        assert flat(content.scene(scene).title.get()) not in text_of(questions)


def test_choosing_the_situation_before_the_screening_switches_spoiler_safe_on_and_it_can_be_switched_off():
    at = run(age=AGE)
    assert "spoilers" not in at.query_params
    at.button_group(key="situation").set_value("before").run()
    assert at.query_params["spoilers"] in ("hide", ["hide"])
    assert any("Spoiler-safe" in note.value for note in at.info)
    at.query_params.pop("spoilers")  # the teacher switches it off at the top: it stays off
    at.run()
    assert "spoilers" not in at.query_params
    assert not any("Spoiler-safe:" in note.value for note in at.info)


def test_a_link_that_says_how_to_treat_spoilers_is_followed_for_the_situation_before_the_screening():
    at = run(age=AGE, situation="before", spoilers="show")
    assert at.query_params["spoilers"] in ("show", ["show"])


def test_the_handout_follows_the_plan_and_can_still_take_chosen_scenes(content):
    at = run(age=AGE, situation="around")
    handout = tab(at, "Handout (PDF)")
    labels = [content.question_label(q) for q in content.teaching.plan(AGE, "around").question_ids()]
    assert ", ".join(labels) in text_of(handout)
    assert downloads(at).count("handout-download") == 1 and "viewing-sheet-download" not in downloads(at)
    assert at.checkbox(key="handout-glossary").value is False
    at.radio(key="handout-mode").set_value("scenes").run()
    assert downloads(at).count("handout-download") == 1
    at.multiselect(key="handout-scenes").set_value([]).run()
    assert "handout-download" not in downloads(at)


def test_a_kiosk_offers_no_download_and_no_live_link(monkeypatch):
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    monkeypatch.setenv("EXPLORER_PUBLIC_URL", "https://here.example.org")
    at = run(age=AGE, situation="before")
    assert not at.get("download_button") and not at.get("page_link")
    assert "Take the handout with you" in text_of(at) and "Take the teacher's pack with you" in text_of(at)


def test_the_live_link_carries_the_age_band_and_the_plan():
    at = run(age="10-13", situation="around")
    queries = [link.proto.query_string for link in at.get("page_link") if link.proto.page.endswith("live")]
    assert any("age=10-13" in q and "plan=around" in q for q in queries), queries


def test_assessment_and_differentiation_follow_the_age_band(content):
    at = run(age="10-13")
    teachers = tab(at, "For teachers")
    text = text_of(teachers)
    pack = content.teaching
    assessment, support = pack.assessment("10-13"), pack.support("10-13")
    for objective, criterion in zip(pack.objectives_for("10-13"), assessment.criteria, strict=True):
        assert flat(objective.get()) in text and flat(criterion.get()) in text
    rubrics = [h.proto.body for h in teachers.get("html") if 'class="hx-rubric"' in h.proto.body]
    assert len(rubrics) == 1 and rubrics[0].count('<th scope="row">') == 2 * 3
    for rubric in assessment.rubrics:
        assert all(flat(level.get()) in text for level in rubric.levels)
    assert all(flat(word.get()) in text for word in support.words)
    assert all(flat(starter.get()) in text for starter in support.starters)
    assert flat(support.extension.get()) in text and "For pupils still learning English" in text
    french = text_of(tab(run(age="10-13", lang="fr"), "Pour les enseignants"))
    assert flat(support.words[0].get("fr")) in french


@pytest.mark.parametrize("situation", list(LESSON_KINDS))
def test_the_teachers_tab_shows_only_the_rubrics_of_the_tasks_the_plan_has(content, situation):
    from explorer.handout import rubric_tasks

    age = "10-13"
    plan = content.teaching.plan(age, situation)
    tasks = rubric_tasks(content, [plan])
    teachers = tab(run(age=age, situation=situation), "For teachers")
    text = text_of(teachers)
    for rubric in content.teaching.assessment(age).rubrics:
        assert all((flat(level.get()) in text) == (rubric.task in tasks) for level in rubric.levels), rubric.task
    assert any(h.value == "Assessment" for h in teachers.get("header")) == bool(tasks)
    support = content.teaching.support(age)
    assert (flat(support.adapt.get()) in text) == bool(tasks)
    assert flat(support.words[0].get()) in text  # the word bank is for every plan


@pytest.mark.parametrize(("age", "language"), [("10-13", "fr"), ("10-13", "nl"), ("14-18", "nl"), ("adults", "fr")])
def test_the_glossary_shows_our_translation_first_for_ages_10_to_13(content, age, language):
    glossary = tab(run(age=age, lang=language), {"fr": "Langage du cinéma", "nl": "Filmtaal"}[language])
    bodies = {h.proto.body for h in glossary.get("html")}
    translated = [term for term in content.terms if term.quote is not None and term.quote.translation(language)]
    assert translated, "no quotation translated: nothing proved"
    for term in translated:
        quote = term.quote
        (body,) = [flat(b) for b in bodies if flat(term.name.get(language)) in flat(b) and flat(quote.text) in flat(b)]
        ours, original = body.index(flat(quote.translation(language))), body.index(flat(quote.text))
        assert (ours < original) == (age == "10-13"), term.id


def _sequence_step(content):
    """An age band, a situation and the sequence one of its plan's steps studies."""
    for plan in content.teaching.plans:
        for step in plan.steps:
            if step.sequence:
                return plan.age, plan.kind, content.sequence(step.sequence)
    pytest.fail("no plan step names a sequence")


def test_a_sequence_study_without_a_still_lists_its_shots(content):
    age, situation, sequence = _sequence_step(content)
    if content.stills_of(sequence.scene):
        pytest.skip("the content has a still of this scene")
    text = text_of(tab(run(age=age, situation=situation), "For teachers"))
    assert flat(sequence.title.get()) in text and all(flat(shot.get()) in text for shot in sequence.shots)


def test_a_sequence_study_shows_a_still_with_its_credit(content, tmp_path, monkeypatch):
    from PIL import Image

    age, situation, sequence = _sequence_step(content)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "stills").mkdir(exist_ok=True)
    Image.new("RGB", (64, 48), (90, 120, 60)).save(data / "stills" / "test-still.png")
    with (data / "stills.toml").open("a", encoding="utf-8") as stills:
        stills.write(
            f'\n[[still]]\nid = "test-still"\nfile = "test-still.png"\nscene = "{sequence.scene}"\n'
            'credit = "Test Festival Archive"\nlicence = "CC BY 4.0"\nalt.en = "A grey test frame"\n'
            'timecode = "12:34"\n'
        )
    monkeypatch.setenv("EXPLORER_DATA_DIR", str(data))
    at = run(age=age, situation=situation)
    teachers = tab(at, "For teachers")
    images = teachers.get("image")
    assert len(images) == 1 and images[0].proto.imgs[0].alt == "A grey test frame"
    text = text_of(teachers)
    assert "Test Festival Archive" in text and "CC BY 4.0" in text and "12:34" in text
    assert not any(flat(shot.get()) in text for shot in sequence.shots)  # the still instead of the shot list


def test_the_teachers_tab_shows_the_exit_ticket_prompts_the_adaptation_and_marks_what_pupils_read(content):
    from explorer.handout import exit_ticket_step

    plan = next(p for p in content.teaching.plans if p.age == AGE and exit_ticket_step(p) is not None)
    teachers = tab(run(age=AGE, situation=plan.kind), "For teachers")
    text = text_of(teachers)
    assessment, support = content.teaching.assessment(AGE), content.teaching.support(AGE)
    assert assessment.exit_ticket and all(flat(prompt.get()) in text for prompt in assessment.exit_ticket)
    (rubrics,) = [h.proto.body for h in teachers.get("html") if 'class="hx-rubric"' in h.proto.body]
    assert rubrics.index('class="hx-exit-ticket"') < rubrics.index('class="hx-rubric"')
    assert "In the pupil&#x27;s own words" in rubrics or "In the pupil's own words" in rubrics
    assert "What the pupil shows" not in rubrics  # the cells are the pupil's own words, in the first person
    assert flat(support.adapt.get()) in text
    assert text.index("Instruction for pupils") < text.index(flat(support.extension.get()))


def test_without_an_exit_ticket_step_the_teachers_tab_shows_no_prompts(content):
    from explorer.handout import exit_ticket_step

    plan = next((p for p in content.teaching.plans if p.age == AGE and exit_ticket_step(p) is None), None)
    if plan is None:
        pytest.skip("every plan of the band ends with an exit ticket")
    teachers = tab(run(age=AGE, situation=plan.kind), "For teachers")
    assert not any('class="hx-exit-ticket"' in h.proto.body for h in teachers.get("html"))


@pytest.mark.parametrize(("language", "community"), [("fr", "fwb"), ("nl", "flanders")])
def test_curriculum_links_of_the_readers_community_come_first(content, language, community):
    page = text_of(run(age=AGE, lang=language))
    positions = sorted(content.teaching.links_for(AGE, language), key=lambda link: page.index(flat(link.name)))
    communities = [link.community for link in positions]
    home = [c == community for c in communities]
    assert home == sorted(home, reverse=True) and any(home), communities


def test_english_citations_keep_their_own_punctuation_on_a_french_page(content):
    import html as html_module

    at = run(age=AGE, lang="fr")
    bodies = html_module.unescape("".join(h.proto.body for h in tab(at, "Pour les enseignants").get("html")))
    pack = content.teaching
    cited = {i for item in (*pack.practical, *pack.links_for(AGE, "fr"), *pack.safety) for i in item.sources}
    titles = [content.source(i).citation() for i in cited if pack.reference(i) is None]
    titles += [f"{pack.reference(i).title}, {pack.reference(i).outlet}" for i in cited if pack.reference(i)]
    with_marks = [title for title in titles if re.search(r"[^\s][;:!?]", title)]
    assert with_marks, "some citation has a colon or a semicolon"
    for title in with_marks:
        assert title in bodies, title  # as written: no space added before its colon
    assert re.search(r"\S\u202f; ", bodies), "items of a French list of sources are set with a space before ;"
