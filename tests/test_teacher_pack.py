"""The teacher's pack: teaching.toml is checked against the classroom material, the teacher's PDF holds every
question of a band without splitting an entry across pages, and the classroom page offers it (a download off a
kiosk, a QR code on one)."""

from __future__ import annotations

import html
import io
import re
import tomllib
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DATA, replace_in, run_page
from explorer.loader import check, missing_translations
from explorer.model import AGE_BANDS, LESSON_KINDS, LESSON_PHASES, SITUATION_PHASES
from explorer.teacherpack import band_questions, teacher_pdf

TEACHING = "data/teaching.toml"


def messages(data_dir: Path) -> list[str]:
    return [str(p) for p in check(data_dir)]


def flat(text: str) -> str:
    """Text as extracted from a PDF or as written, with every kind of space and line break as one space."""
    return re.sub(r"[\s\u00a0\u202f]+", " ", text).strip()


# --- the content -----------------------------------------------------------------------------------------------


def test_every_band_has_objectives_a_50_and_a_20_minute_plan_split_before_and_after_viewing(content):
    pack = content.teaching
    for age in AGE_BANDS:
        assert 3 <= len(pack.objectives_for(age)) <= 5
        for kind, minutes in LESSON_KINDS.items():
            plan = pack.plan(age, kind)
            assert plan is not None and plan.minutes == minutes
            assert all(plan.phase_minutes(phase) > 0 for phase in SITUATION_PHASES[kind])
            phases = [step.phase for step in plan.steps]
            assert phases == sorted(phases, key=LESSON_PHASES.index), "before viewing comes first"


def test_plans_use_the_explorers_own_questions_terms_and_activities(content):
    pack = content.teaching
    questions = {q.id: q for q in content.questions}
    for plan in pack.plans:
        used = [q for step in plan.steps for q in step.questions]
        assert used, f"the {plan.age} {plan.kind} plan asks no question"
        assert all(plan.age in questions[q].ages for q in used)
        assert any(step.terms for step in plan.steps)
    assert {t.id for t in content.terms} >= {t for p in pack.plans for s in p.steps for t in s.terms}
    assert {a.id for a in content.activities} >= {a for p in pack.plans for s in p.steps for a in s.activities}


def test_every_question_has_exactly_one_hint(content):
    hinted = [h.question for h in content.teaching.hints]
    assert sorted(hinted) == sorted(q.id for q in content.questions)


def test_practical_information_links_and_safety_cite_their_sources(content):
    pack = content.teaching
    known = {s.id for s in content.sources} | {r.id for r in pack.references}
    assert all(item.sources and set(item.sources) <= known for item in pack.practical)
    assert all(link.sources and set(link.sources) <= known for link in pack.links)
    assert {link.community for link in pack.links} == {"fwb", "flanders"}
    for note in pack.safety:
        assert set(note.sources) <= known
        if not note.sources:  # our own advice says so in its title, in every language
            assert all(re.search(r"advice|conseil|advies", note.title.get(lang)) for lang in ("en", "fr", "nl"))
    assert all(r.url.startswith(("http://", "https://")) for r in pack.references)


def test_new_glossary_terms_are_there_and_any_quote_is_attributed(content):
    terms = {t.id: t for t in content.terms}
    assert {"voice-over", "shot-scale", "off-screen-sound", "city-symphony"} <= set(terms)
    for term in terms.values():
        if term.quote is not None:
            assert term.quote.text and term.quote.source


# --- the loader's checks ---------------------------------------------------------------------------------------


def test_minutes_that_do_not_add_up_are_reported(data_copy):
    text = (data_copy / "teaching.toml").read_text(encoding="utf-8")
    first_step = text.index("[[plan.step]]\nminutes = ")
    replace_in(data_copy / "teaching.toml", text[first_step : first_step + 26], "[[plan.step]]\nminutes = 9\n")
    problems = messages(data_copy)
    assert any(p.startswith(f"{TEACHING}: plan '10-13' 'around': step: minutes add up to") and "takes 50" in p for p in problems), (
        problems
    )


def test_unknown_references_in_a_step_are_reported_with_their_field(data_copy):
    replace_in(data_copy / "teaching.toml", 'questions = ["towers-1", "fridge-1"]', 'questions = ["towers-1", "nope"]')
    replace_in(data_copy / "teaching.toml", 'terms = ["four-three", "static-frame"]', 'terms = ["no-such-term"]')
    problems = messages(data_copy)
    assert (
        f"{TEACHING}: plan '10-13' 'around': step[3].questions: names a question that is not in classroom.toml "
        "(got 'nope')" in problems
    )
    assert any("terms: names a term that is not in classroom.toml (got 'no-such-term')" in p for p in problems)


def test_a_question_for_another_age_band_is_reported(data_copy):
    replace_in(data_copy / "teaching.toml", 'questions = ["towers-1", "fridge-1"]', 'questions = ["towers-1", "site-2"]')
    assert (
        f"{TEACHING}: plan '10-13' 'around': step[3].questions: names a question not asked of age band '10-13' "
        "(got 'site-2')" in messages(data_copy)
    )


def test_a_question_without_a_hint_and_a_hint_without_a_question_are_reported(data_copy):
    replace_in(data_copy / "teaching.toml", 'question = "bus-2"', 'question = "bus-9"')
    problems = messages(data_copy)
    assert f"{TEACHING}: hint 'bus-9': question: names a question that is not in classroom.toml (got 'bus-9')" in problems
    assert f"{TEACHING}: hint: question 'bus-2' (classroom.toml) has no [[hint]]" in problems


def test_a_missing_plan_and_a_citation_of_an_unknown_source_are_reported(data_copy):
    replace_in(data_copy / "teaching.toml", 'age = "adults"\nkind = "short"', 'age = "adults"\nkind = "around"')
    replace_in(
        data_copy / "teaching.toml", 'sources = ["rtbf-referentiels-tronc-commun", "csem-tronc-commun"]', 'sources = ["made-up"]'
    )
    problems = messages(data_copy)
    assert f"{TEACHING}: plan 'adults' 'around': age: has another [[plan]] for the same age band (got 'adults')" in problems
    assert f"{TEACHING}: plan: no 'short' [[plan]] for age band 'adults'" in problems
    assert (
        f"{TEACHING}: link 'fwb-tronc-commun': sources: names neither a [[reference]] here nor a source in "
        "sources.toml (got 'made-up')" in problems
    )


def test_a_term_may_have_no_quote_but_not_a_source_without_one(data_copy):
    replace_in(
        data_copy / "classroom.toml",
        'scenes = ["names-forgotten"]\n',
        'scenes = ["names-forgotten"]\nsource = "interview-berlinale-2023"\n',
    )
    assert messages(data_copy) == [
        "data/classroom.toml: term 'voice-over': quote: is missing, but source or speaker is given (they describe a quote)"
    ]


def test_the_translation_check_sees_the_packs_texts(data_copy):
    replace_in(data_copy / "teaching.toml", "\ntext.nl = ", "\ntext.xx = ")  # the first step loses its Dutch
    missing = [str(p) for p in missing_translations(data_copy)]
    assert any(p.startswith(f"{TEACHING}: plan '10-13' 'around' step 1: text.nl") for p in missing), missing


# --- the teacher's PDF -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["en", "fr", "nl"])
def pdfs(request, content):
    """The PDF of every band in one language, as text per page."""
    language = request.param
    pages = {}
    for age in AGE_BANDS:
        reader = PdfReader(io.BytesIO(teacher_pdf(content, age, language)))
        assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
        assert len(reader.pages) <= 14, "the four situations in one PDF keep to 14 pages"
        pages[age] = [flat(page.extract_text()) for page in reader.pages]
    return language, pages


def on_one_page(text: str, pages: list[str]) -> bool:
    return any(flat(text) in page for page in pages)


def test_the_pdf_holds_every_question_and_hint_of_the_band_each_on_one_page(pdfs, content):
    language, by_age = pdfs
    for age, pages in by_age.items():
        questions = band_questions(content, age)
        assert questions
        for question in questions:
            assert on_one_page(question.text.get(language), pages), (age, question.id)
            hint = content.teaching.hint(question.id)
            assert on_one_page(hint.text.get(language), pages), (age, question.id, "hint split or missing")
        others = [q for q in content.questions if age not in q.ages]
        assert not any(on_one_page(q.text.get(language), pages) for q in others), "only the band's questions"


def test_the_pdf_has_the_plans_glossary_links_and_safety_unsplit(pdfs, content):
    language, by_age = pdfs
    pack = content.teaching
    for age, pages in by_age.items():
        for kind in LESSON_KINDS:
            for step in pack.plan(age, kind).steps:
                assert on_one_page(step.title.get(language) + " " + step.text.get(language), pages) or on_one_page(
                    step.text.get(language), pages
                ), (age, kind, step.title.get())
        for objective in pack.objectives_for(age):
            assert on_one_page(objective.get(language), pages)
        for term in content.terms:
            assert on_one_page(term.explanation.get(language), pages), term.id
        for record in (*pack.links_for(age, language), *pack.safety):
            text = record.note if hasattr(record, "note") else record.text
            assert on_one_page(text.get(language), pages), record.id


def test_french_pdf_keeps_guillemets_and_high_punctuation_with_their_words(content):
    reader = PdfReader(io.BytesIO(teacher_pdf(content, "14-18", "fr")))
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            line = line.strip()
            assert not re.match(r"^[»:;!?]", line), line
            assert not line.endswith("«"), line


# --- the classroom page ----------------------------------------------------------------------------------------


def run_classroom(**query: str):
    return run_page("pages/classroom.py", **query)


def page_text(at) -> str:
    return html.unescape("\n".join([h.proto.body for h in at.get("html")] + [e.value for e in at.get("markdown")]))


def test_the_classroom_page_has_a_teachers_section_with_its_download(monkeypatch, content):
    monkeypatch.delenv("EXPLORER_KIOSK", raising=False)
    at = run_classroom(age="10-13", situation="around")
    assert "For teachers" in [tab.label for tab in at.tabs]
    text = flat(page_text(at))
    pack = content.teaching
    for question in band_questions(content, "10-13"):
        assert flat(pack.hint(question.id).text.get()) in text
    assert flat(pack.plan("10-13", "around").steps[0].text.get()) in text
    assert any(button.proto.label == "Download the teacher's pack (PDF)" for button in at.get("download_button"))


def test_spoiler_safe_hides_the_plans_and_hints_but_keeps_the_rest(monkeypatch, content):
    monkeypatch.delenv("EXPLORER_KIOSK", raising=False)
    at = run_classroom(age="adults", spoilers="hide")
    text = flat(page_text(at))
    pack = content.teaching
    after = {q.id for q in content.questions if q.phase == "after"}  # material for before viewing stays
    assert not any(flat(h.text.get()) in text for h in pack.hints if h.question in after)
    assert not any(flat(step.text.get()) in text for plan in pack.plans for step in plan.steps if step.phase == "after")
    assert all(flat(note.text.get()) in text for note in pack.safety)
    assert all(flat(link.note.get()) in text for link in pack.links_for("adults", "en"))


def test_on_a_kiosk_the_teachers_pack_is_a_qr_code_not_a_download(monkeypatch):
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_KIOSK", "1")
    monkeypatch.setenv("EXPLORER_PUBLIC_URL", "https://here.example.org")
    at = run_classroom()
    assert not at.get("download_button")
    text = page_text(at)
    assert "Take the teacher's pack with you" in text
    assert not re.search(r"href=[\"']?(?:https?:|//)", text), "a kiosk has no way out"


def test_teaching_toml_is_plain_toml():
    assert tomllib.loads((DATA / "teaching.toml").read_text(encoding="utf-8"))["plan"]


# --- exit ticket, adaptation, footer, link order, typography of citations ------------------------------------------


@pytest.fixture(scope="module")
def french_after(content):
    """The French teacher's PDF for ages 14 to 18 after the screening, as text per page (line breaks kept)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(teacher_pdf(content, "14-18", "fr", situation="after"))).pages]


def test_the_pdf_shows_the_exit_ticket_prompts_beside_their_rubric_and_how_to_adapt(content, french_after):
    from explorer.handout import exit_ticket_step

    assert exit_ticket_step(content.teaching.plan("14-18", "after")) is not None
    text = flat(" ".join(french_after))
    assessment, support = content.teaching.assessment("14-18"), content.teaching.support("14-18")
    positions = [text.index(flat(prompt.get("fr"))) for prompt in assessment.exit_ticket]
    first_level = text.index(flat(assessment.rubric("exit-ticket").levels[0].get("fr")))
    assert positions == sorted(positions) and positions[-1] < first_level  # the prompts, then their rubric
    assert flat(support.adapt.get("fr")) in text


def test_the_footer_names_the_explorer_as_a_tool(content, french_after):
    from explorer.i18n import t

    footer = flat(t("Here (Bas Devos, 2023) · teacher's pack · made with the Here explorer", "fr"))
    assert all(footer in flat(page) for page in french_after)
    assert "own words" not in footer


@pytest.mark.parametrize(("language", "community"), [("fr", "fwb"), ("nl", "flanders"), ("en", None)])
def test_curriculum_links_of_the_readers_community_come_first_in_the_pdf(content, language, community):
    links = content.teaching.links_for("14-18", language)
    if community is None:
        assert links == tuple(link for link in content.teaching.links if "14-18" in link.ages)  # file order
    else:
        home = [link.community == community for link in links]
        assert any(home) and home == sorted(home, reverse=True)
    text = flat(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(teacher_pdf(content, "14-18", language, situation="before"))).pages
        )
    )
    printed = sorted(links, key=lambda link: text.index(flat(link.name)))
    assert [link.id for link in printed] == [link.id for link in links]


def test_french_pdf_sets_english_and_dutch_names_as_written(content, french_after):
    raw = " ".join(page.replace("\n", " ") for page in french_after)
    pack = content.teaching
    links = pack.links_for("14-18", "fr")
    cited = {i for item in (*pack.practical, *links, *pack.safety) for i in item.sources}
    titles = [content.source(i).citation() for i in cited if pack.reference(i) is None]
    titles += [link.name for link in links if link.community == "flanders"]
    marked = [title for title in titles if re.search(r"[^\s][:;!?]", title)]
    assert marked, "some English or Dutch name has a colon"
    for title in marked:
        words = re.split(r"\s+", title)
        pattern = r"\s+".join(re.escape(w) for w in words)  # a line break may fall between two words
        assert re.search(pattern, raw), title
