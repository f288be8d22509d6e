"""The live-session model: codes, checked answers, one answer per participant, approval, tallies, export, limiter."""

from __future__ import annotations

import io
import math
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pandas as pd
import pytest

from explorer.i18n import t
from explorer.live import (
    CODE_ALPHABET,
    CODE_LENGTH,
    CSV_SEPARATORS,
    CUT,
    DEFAULT_CAP,
    DEFAULT_TIME_ZONE,
    EXPORT_COLUMNS,
    EXPORT_HEADINGS,
    MAX_CAP,
    MAX_MARKS,
    MAX_TEXT,
    MAX_WORD,
    NOT_A_CHOICE,
    NOT_ONE_WORD,
    NOT_OPEN,
    Answer,
    AnswerRefused,
    AttemptLimiter,
    ChoicesMismatch,
    approve,
    check_answer,
    choice_label,
    choices_from_lines,
    classroom_question,
    export_csv,
    export_frame,
    export_xlsx,
    new_code,
    new_participant,
    new_session,
    normalise_code,
    normalise_word,
    place_question,
    place_votes,
    plan_questions,
    question_label,
    record,
    refuse,
    scene_question,
    shown_texts,
    tally,
    valid_participant,
    word_question,
)
from explorer.model import LESSON_KINDS
from explorer.spoilers import visibility

NOW = 1_800_000_000.0


@pytest.fixture
def session():
    return new_session(NOW)[0]


def opened(question):
    return question.moved_to("open")


def some_question(content, spoiler_safe=False):
    """A classroom question whose scene is shown before viewing (or any, when not spoiler-safe), and an age of it."""
    hidden = content.spoilers() if spoiler_safe else frozenset()
    found = next(q for q in content.questions if q.scene not in hidden)
    return found.id, found.ages[0]


# --- codes and tokens ----------------------------------------------------------------------------------------


def test_codes_are_long_enough_that_guessing_is_slow():
    assert len(CODE_ALPHABET) ** CODE_LENGTH >= 1e9
    assert not set("01IO") & set(CODE_ALPHABET)  # nothing to misread
    codes = {new_code() for _ in range(2000)}
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(codes) > 1990  # random, not a counter


def test_typed_codes_are_normalised_and_impossible_ones_refused():
    code = new_code()
    spaced = f"{code[:3].lower()} - {code[3:].lower()}"
    assert normalise_code(spaced) == code
    assert normalise_code(code[:-1]) is None
    assert normalise_code(code + "A") is None
    assert normalise_code("O1I0AB") is None
    assert normalise_code("") is None


def test_a_session_knows_its_presenter_only_by_a_hash_of_the_secret():
    session, secret = new_session(NOW, "fr", spoiler_safe=True, lifetime=3600)
    assert session.is_presenter(secret)
    assert not session.is_presenter(secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    assert secret not in repr(session)
    assert len(secret) >= 32
    assert session.expires == NOW + 3600 and not session.expired(NOW + 3599) and session.expired(NOW + 3600)
    assert session.language == "fr" and session.spoiler_safe
    with pytest.raises(ValueError):
        new_session(NOW, "de")


def test_participant_tokens_are_random_and_checked():
    tokens = {new_participant() for _ in range(100)}
    assert len(tokens) == 100 and all(valid_participant(token) for token in tokens)
    assert not valid_participant("Ana") and not valid_participant("192.168.1.20") and not valid_participant("x" * 65)


# --- questions -----------------------------------------------------------------------------------------------


def test_classroom_questions_come_from_the_content_for_their_age(content, session):
    qid, age = some_question(content)
    question = classroom_question(content, session, qid, age)
    assert question.kind == "classroom" and question.free_text and question.state == "draft"
    with pytest.raises(ValueError):
        classroom_question(content, session, "no-such-question", age)
    wrong_age = next(q for q in content.questions if set(q.ages) != {"10-13", "14-18", "adults"})
    other = next(a for a in ("10-13", "14-18", "adults") if a not in wrong_age.ages)
    with pytest.raises(ValueError):
        classroom_question(content, session, wrong_age.id, other)
    with_choices = classroom_question(content, session, qid, age, ["Yes", " No "])
    assert with_choices.choices == ("Yes", "No") and not with_choices.free_text
    for bad in (["Only one"], ["Same", "Same"], ["Fine", ""], [str(i) for i in range(9)]):
        with pytest.raises(ValueError):
            classroom_question(content, session, qid, age, bad)


def test_spoiler_safe_sessions_offer_nothing_after_the_first_encounter(content):
    safe = new_session(NOW, spoiler_safe=True)[0]
    hidden = content.spoilers()
    assert hidden, "the content should hide some scenes before viewing"
    assert set(scene_question(content, safe).choices).isdisjoint(hidden)
    assert set(scene_question(content, new_session(NOW)[0]).choices) == {s.id for s in content.scenes}
    later = next(q for q in content.questions if q.scene in hidden)
    with pytest.raises(ValueError):
        classroom_question(content, safe, later.id, later.ages[0])
    # every place may be voted for: the map shows them all before viewing too, and a phone's map has them all
    assert place_question(content, safe).choices == tuple(p.id for p in content.places)


def test_questions_move_through_their_states_in_order(content, session):
    question = word_question(session)
    with pytest.raises(ValueError):
        question.moved_to("revealed")
    question = question.moved_to("open").moved_to("closed").moved_to("revealed")
    assert question.state == "revealed"
    with pytest.raises(ValueError):
        question.moved_to("open")
    assert question.moved_to("closed").moved_to("open").accepts_answers


# --- answers -------------------------------------------------------------------------------------------------


def test_answers_outside_the_choices_are_refused(content, session):
    question = opened(place_question(content, session))
    assert check_answer(question, question.choices[0]).value == question.choices[0]
    for bad in ("nowhere", "", question.choices[0].upper(), " " + question.choices[0]):
        with pytest.raises(AnswerRefused) as refused:
            check_answer(question, bad)
        assert refused.value.message == NOT_A_CHOICE
    assert refused.value.text("fr")  # a message for the page, in the participant's language


def test_answers_are_taken_only_while_the_question_is_open(content, session):
    draft = scene_question(content, session)
    for question in (draft, draft.moved_to("open").moved_to("closed"), draft.moved_to("open").moved_to("closed").moved_to("revealed")):
        with pytest.raises(AnswerRefused) as refused:
            check_answer(question, draft.choices[0])
        assert refused.value.message == NOT_OPEN


def test_over_long_text_is_cut_and_flagged(content, session):
    qid, age = some_question(content)
    question = opened(classroom_question(content, session, qid, age))
    short = check_answer(question, "  The  bus\nat night \x00 ")
    assert short == type(short)("The bus at night", False)
    long = check_answer(question, "moss " * 100)
    assert long.cut and len(long.value) == MAX_TEXT
    assert not check_answer(question, "m" * MAX_TEXT).cut
    with pytest.raises(AnswerRefused):
        check_answer(question, " \n\t ")


def test_word_reactions_are_one_lower_case_word_of_at_most_30_characters():
    assert normalise_word("  Silence! ").value == "silence"
    assert normalise_word("«Mousse»").value == "mousse"
    assert normalise_word("Heart-warming").value == "heart-warming"
    assert normalise_word("ÉTÉ").value == "été"
    long = normalise_word("a" * 40)
    assert long.cut and long.value == "a" * MAX_WORD
    for bad in ("two words", "moss<script>", "a/b"):
        with pytest.raises(AnswerRefused) as refused:
            normalise_word(bad)
        assert refused.value.message == NOT_ONE_WORD
    with pytest.raises(AnswerRefused):
        normalise_word(" ?! ")


def test_a_cut_answer_is_told_with_the_limit_that_applied(content, session):
    word = normalise_word("a" * 100)
    assert word.cut and word.limit == MAX_WORD
    for language in ("en", "fr", "nl"):
        assert str(MAX_WORD) in word.notice(language) and str(MAX_TEXT) not in word.notice(language)
        assert word.notice(language) == t(CUT, language, limit=MAX_WORD)
    qid, age = some_question(content)
    text = check_answer(opened(classroom_question(content, session, qid, age)), "moss " * 100)
    assert text.limit == MAX_TEXT and str(MAX_TEXT) in text.notice("fr")
    assert normalise_word("moss").notice("en") == ""


ZALGO = "H" + "\u0301\u0300\u0302\u0303\u0308\u030a\u0327\u0328" * 40 + "i"


@pytest.mark.parametrize("typed", [ZALGO, "e\u0301" + "\u0316" * 300 + "x", "\u20e3" * 50, "a\u0488\u0489\u0488\u0489"])
def test_stacked_combining_marks_are_reduced_to_two_per_character(content, session, typed):
    def most_marks(text: str) -> int:
        run = most = 0
        for c in text:
            run = run + 1 if unicodedata.category(c) in ("Mn", "Me") else 0
            most = max(most, run)
        return most

    qid, age = some_question(content)
    written = check_answer(opened(classroom_question(content, session, qid, age)), typed + " and more")
    assert most_marks(written.value) <= MAX_MARKS and written.value.endswith(" and more")
    word = normalise_word(typed)
    assert most_marks(word.value) <= MAX_MARKS
    choices = classroom_question(content, session, qid, age, [typed, "Plain"]).choices
    assert most_marks(choices[0]) <= MAX_MARKS and len(choices[0]) < 20
    lines = choices_from_lines({"en": typed + "\nPlain"})
    assert most_marks(lines[0]["en"]) <= MAX_MARKS


def test_ordinary_accents_of_every_script_are_kept():
    for word in ("été", "Việt", "ที่นั่น", "किंतु", "שָׁלוֹם", "1\ufe0f\u20e3"):
        kept = normalise_word(word).value
        assert unicodedata.normalize("NFC", word.lower()) == kept, word


FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 👨‍👩‍👧‍👦
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # 🏳️‍🌈
BELGIUM = "\U0001f1e7\U0001f1ea"  # 🇧🇪, two regional indicators
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # 🏴󠁧󠁢󠁳󠁣󠁴󠁿, tag letters
CODER = "\U0001f469\U0001f3fd\u200d\U0001f4bb"  # 👩🏽‍💻, a skin tone before the joiner


@pytest.mark.parametrize(
    "emoji",
    [
        FAMILY,
        RAINBOW_FLAG,
        BELGIUM,
        SCOTLAND,
        CODER,
        "\U0001f3f3\ufe0f\u200d\u26a7\ufe0f",
        BELGIUM + "\U0001f1f3\U0001f1f1",
        "#\ufe0f\u20e3",
        "1\ufe0f\u20e3",
    ],
)
def test_an_emoji_made_of_several_characters_is_one_word_kept_whole(content, session, emoji):
    for typed in (emoji, f" «{emoji}»! ", f"Wow{emoji}"):
        kept = normalise_word(typed)
        assert kept.value == unicodedata.normalize("NFC", typed).strip(" «»!").lower() and not kept.cut, typed
    qid, age = some_question(content)
    written = check_answer(opened(classroom_question(content, session, qid, age)), f"We felt {emoji} there")
    assert written.value == f"We felt {emoji} there"  # free text keeps it whole too


@pytest.mark.parametrize(
    "typed",
    [
        "hello\u200dworld",
        "12\u200d34",
        "two\u200d words",
        "a\u200d\U0001f600",
        "\U0001f600\u200da",
        "\U0001f600\u200d\u200d\U0001f600",
        "é\u200dé",
        "moss\u200d<script>",
        "\u200d" * 40 + "x\u200dy",
    ],
)
def test_a_joiner_between_letters_or_digits_does_not_glue_two_words(content, session, typed):
    with pytest.raises(AnswerRefused) as refused:
        normalise_word(typed)
    assert refused.value.message == NOT_ONE_WORD
    qid, age = some_question(content)
    written = check_answer(opened(classroom_question(content, session, qid, age)), typed)
    assert "\u200d" not in written.value  # a space where it stood


@pytest.mark.parametrize(
    "typed",
    ["\u200dmoss\u200d", "moss\U000e0068\U000e0069", "\U0001f3f4\U000e0068\U000e0069", "\U000e0001moss\U000e007f", "\U0001f600\u200d"],
)
def test_joiners_and_tags_belonging_to_nothing_are_removed(typed):
    kept = normalise_word(typed).value
    assert "\u200d" not in kept and not any("\U000e0000" <= c <= "\U000e007f" for c in kept), kept


def test_an_emoji_cut_at_the_limit_is_never_cut_in_the_middle():
    for emoji in (FAMILY, BELGIUM, SCOTLAND, CODER, RAINBOW_FLAG, "e\u0301"):
        typed = "a" * (MAX_WORD - 1) + emoji * 3
        kept = normalise_word(typed)
        assert kept.cut and kept.value == "a" * (MAX_WORD - 1) + ("é" if emoji == "e\u0301" else ""), emoji
        many = normalise_word(emoji * 40)
        assert many.cut and len(many.value) <= MAX_WORD
        whole = unicodedata.normalize("NFC", emoji)
        assert many.value == whole * (len(many.value) // len(whole)), emoji
    flags = normalise_word("x" + BELGIUM * 20)  # regional indicators stay in pairs however the cut falls
    assert flags.value == "x" + BELGIUM * 14


def test_one_answer_per_participant_changeable_while_open(content, session):
    question = opened(scene_question(content, session))
    answers: dict = {}
    ana, ben = new_participant(), new_participant()
    record(answers, question, ana, question.choices[0], NOW)
    record(answers, question, ana, question.choices[1], NOW + 5)
    record(answers, question, ben, question.choices[1], NOW + 6)
    assert len(answers) == 2 and answers[(question.id, ana)].value == question.choices[1]
    closed = question.moved_to("closed")
    with pytest.raises(AnswerRefused):
        record(answers, closed, ana, question.choices[2], NOW + 7)
    assert answers[(question.id, ana)].value == question.choices[1]
    with pytest.raises(ValueError):
        record(answers, question, "Ana Peeters", question.choices[0], NOW)


def test_free_text_is_shown_only_once_approved_and_a_change_needs_approving_again(content, session):
    qid, age = some_question(content)
    question = opened(classroom_question(content, session, qid, age))
    answers: dict = {}
    ana, ben = new_participant(), new_participant()
    record(answers, question, ana, "The silence", NOW)
    record(answers, question, ben, "The soup", NOW + 1)
    assert shown_texts(question, answers.values()) == []
    assert tally(question, answers.values()).empty
    answers[(question.id, ana)] = approve(answers[(question.id, ana)])
    assert shown_texts(question, answers.values()) == ["The silence"]
    record(answers, question, ana, "something else entirely", NOW + 2)
    assert shown_texts(question, answers.values()) == []
    answers[(question.id, ben)] = approve(answers[(question.id, ben)])
    answers[(question.id, ana)] = approve(answers[(question.id, ana)])
    # the newest first: a projector full of answers shows the latest at the top
    assert shown_texts(question, answers.values()) == ["something else entirely", "The soup"]


# --- tallies and export --------------------------------------------------------------------------------------


def test_tallies_count_every_choice_in_order_zeros_included(content, session):
    qid, age = some_question(content)
    question = opened(classroom_question(content, session, qid, age, ["A lot", "A little", "Not at all"]))
    answers: dict = {}
    for i, value in enumerate(["A little", "A lot", "A little"]):
        record(answers, question, new_participant(), value, NOW + i)
    other = opened(word_question(session))
    record(answers, other, new_participant(), "noise", NOW)
    counts = tally(question, answers.values())
    assert list(counts.columns) == ["value", "count"]
    assert counts["value"].tolist() == ["A lot", "A little", "Not at all"]
    assert counts["count"].tolist() == [1, 2, 0]


def test_word_frequencies_most_frequent_first_once_approved(session):
    question = opened(word_question(session))
    answers: dict = {}
    for i, word in enumerate(["Calm", "sad", "calm!", "tender", "SAD", "calm", "rude"]):
        record(answers, question, new_participant(), word, NOW + i)
    assert tally(question, answers.values()).empty  # nothing reaches the room before the presenter lets it
    shown = {key: approve(a) if a.value != "rude" else a for key, a in answers.items()}
    counts = tally(question, shown.values())
    assert counts.values.tolist() == [["calm", 3], ["sad", 2], ["tender", 1]]


def test_place_votes_carry_positions_for_the_map(content, session):
    question = opened(place_question(content, session))
    answers: dict = {}
    first, second = question.choices[:2]
    for i, place in enumerate([second, first, second]):
        record(answers, question, new_participant(), place, NOW + i)
    votes = place_votes(content, question, answers.values())
    assert list(votes.columns) == ["place", "lat", "lon", "votes"]
    assert len(votes) == len(question.choices) and votes["votes"].sum() == 3
    top = votes.iloc[0]
    assert top["place"] == second and top["votes"] == 2
    assert math.isclose(top["lat"], content.place(second).lat)


def csv_frame(data: bytes, language: str = "en") -> pd.DataFrame:
    assert data.startswith("\ufeff".encode()), "a byte-order mark, so a spreadsheet reads the accents"
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", sep=CSV_SEPARATORS[language], keep_default_na=False)


def headings(language: str = "en", zone: str = DEFAULT_TIME_ZONE) -> list[str]:
    return [t(EXPORT_HEADINGS[c], language, zone=zone) for c in EXPORT_COLUMNS]


def test_the_export_numbers_participants_and_keeps_nothing_personal(content, session):
    word = opened(word_question(session, position=1))
    place = opened(place_question(content, session, position=0))
    answers: dict = {}
    ana, ben = new_participant(), new_participant()
    record(answers, word, ana, "Moss", NOW + 10)
    record(answers, place, ben, place.choices[0], NOW + 1)
    record(answers, place, ana, place.choices[1], NOW + 2)
    frame = export_frame(content, session, [word, place], answers.values())
    assert list(frame.columns) == EXPORT_COLUMNS
    assert len(frame) == 3 and set(frame["session"]) == {session.code}
    assert frame["asked"].tolist() == [1, 1, 2]  # in the order asked
    assert sorted(set(frame["participant"])) == [1, 2]
    assert frame.loc[frame["asked"] == 2, "participant"].item() == 2  # ben answered first
    local = datetime.fromtimestamp(NOW + 10, ZoneInfo(DEFAULT_TIME_ZONE)).strftime("%Y-%m-%d %H:%M:%S")
    assert frame.loc[frame["asked"] == 2, "answered_at"].item() == local  # Brussels time, as the class saw it
    assert frame["answer"].tolist()[:2] == [
        content.place(place.choices[0]).name.get(),
        content.place(place.choices[1]).name.get(),
    ]  # labels, not ids
    data = export_csv(content, session, [word, place], answers.values())
    text = data.decode("utf-8-sig")
    assert ana not in text and ben not in text
    assert list(csv_frame(data).columns) == headings()
    assert export_csv(content, session, [word], []).decode("utf-8-sig").strip() == ",".join(headings())


def test_the_export_names_questions_as_the_projector_does_in_the_presenters_language(content, session):
    before = content.questions_before()[0]
    after = next(q for q in content.questions if q.phase == "after")
    first = opened(classroom_question(content, session, after.id, after.ages[0], ["Yes", "No"], position=0))
    second = opened(classroom_question(content, session, before.id, before.ages[0], position=1))
    vote = opened(place_question(content, session, position=2))
    answers: dict = {}
    record(answers, first, new_participant(), "No", NOW)
    record(answers, second, new_participant(), "A wall", NOW + 1)
    record(answers, vote, new_participant(), vote.choices[0], NOW + 2)
    for language in ("en", "fr", "nl"):
        frame = csv_frame(export_csv(content, session, [first, second, vote], answers.values(), language), language)
        number, question, kind = (t(EXPORT_HEADINGS[c], language) for c in ("number", "question", "kind"))
        # a classroom question's one number, whatever its place in the session; other kinds have none (their
        # kind's name is in the kind column)
        assert frame[number].tolist() == [content.question_label(after.id), content.question_label(before.id), ""]
        assert frame[kind].tolist()[2] == t("Place vote", language)
        assert frame[question].tolist()[:2] == [after.text.get(language), before.text.get(language)]
        assert frame[kind].tolist()[0] == t("Classroom question", language)
    assert question_label(content, first) == content.question_label(after.id)
    assert question_label(content, word_question(session), "fr") == t("One-word reaction", "fr")


def test_the_spreadsheet_holds_the_same_rows_and_no_formula(content, session):
    question = opened(classroom_question(content, session, *some_question(content)))
    answers: dict = {}
    texts = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "Plain, with “quotes” and é"]
    for i, text in enumerate(texts):
        record(answers, question, new_participant(), text, NOW + i)
    data = export_xlsx(content, session, [question], answers.values(), "fr")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == headings("fr")
    answer = EXPORT_COLUMNS.index("answer")
    assert [row[answer] for row in rows[1:]] == texts  # as written, not quoted
    cells = [row[answer] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in cells)  # text, never a formula
    assert rows[1][EXPORT_COLUMNS.index("number")] == content.question_label(question.ref)
    frame = pd.read_excel(io.BytesIO(data))
    assert len(frame) == len(texts)


def test_the_csv_holds_no_formula_a_spreadsheet_would_run(content, session):
    question = opened(classroom_question(content, session, *some_question(content)))
    answers: dict = {}
    for i, text in enumerate(['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "plain"]):
        record(answers, question, new_participant(), text, NOW + i)
    frame = csv_frame(export_csv(content, session, [question], answers.values()))
    assert frame[EXPORT_HEADINGS["answer"]].tolist() == ['\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "plain"]


def test_the_csv_reads_as_a_spreadsheet_in_each_language_expects_it(content, session):
    """French and Dutch (Belgian) spreadsheets split on ";", English ones on ","; yes and no in the language;
    "approved" only where answers need approving, and the zone named in the time's heading."""
    written = opened(classroom_question(content, session, *some_question(content), position=0))
    vote = opened(place_question(content, session, position=1))
    answers: dict = {}
    ana, ben, cleo = new_participant(), new_participant(), new_participant()
    record(answers, written, ana, "Moss; and walls, too", NOW)
    record(answers, written, ben, "x" * 400, NOW + 1)
    record(answers, written, cleo, "Not for the room", NOW + 2)
    answers[(written.id, ana)] = approve(answers[(written.id, ana)])
    answers[(written.id, cleo)] = refuse(answers[(written.id, cleo)])
    record(answers, vote, ana, vote.choices[0], NOW + 3)
    for language in ("en", "fr", "nl"):
        data = export_csv(content, session, [written, vote], answers.values(), language, "America/New_York")
        first_line = data.decode("utf-8-sig").splitlines()[0]
        assert first_line == CSV_SEPARATORS[language].join(headings(language, "America/New_York"))
        assert "America/New_York" in t(EXPORT_HEADINGS["answered_at"], language, zone="America/New_York")
        frame = csv_frame(data, language)
        assert len(frame.columns) == len(EXPORT_COLUMNS)  # one column each, not one line in the first
        yes, no = t("yes", language), t("no", language)
        answer, cut, approved = (t(EXPORT_HEADINGS[c], language) for c in ("answer", "cut", "approved"))
        rows = dict(zip(frame[answer], zip(frame[cut], frame[approved], strict=True), strict=True))
        assert rows["Moss; and walls, too"] == (no, yes)
        assert rows["x" * MAX_TEXT] == (yes, no)
        assert rows["Not for the room"] == (no, no)  # discarded: not approved
        assert rows[content.place(vote.choices[0]).name.get(language)] == (no, "")  # a vote needs no approval
        when = datetime.fromtimestamp(NOW, ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M:%S")
        assert when in frame[t(EXPORT_HEADINGS["answered_at"], language, zone="America/New_York")].tolist()
    for bad in ("Mars/Olympus", ""):
        with pytest.raises((ValueError, KeyError)):
            export_frame(content, session, [vote], answers.values(), "en", bad)


def test_a_discarded_answer_never_shows_and_no_longer_waits(content, session):
    question = opened(classroom_question(content, session, *some_question(content)))
    answers: dict = {}
    ana = new_participant()
    record(answers, question, ana, "Not for the room", NOW)
    assert answers[(question.id, ana)].waiting
    answers[(question.id, ana)] = refuse(answers[(question.id, ana)])
    assert not answers[(question.id, ana)].waiting and shown_texts(question, answers.values()) == []
    assert approve(answers[(question.id, ana)]).waiting is False and not approve(answers[(question.id, ana)]).refused


# --- choices in several languages, and a lesson plan's questions ---------------------------------------------


def test_choices_may_be_given_per_language_and_are_counted_as_one(content, session):
    typed = {"fr": "Oui\nNon\n", "en": "Yes\n\nNo", "nl": ""}
    given = choices_from_lines(typed)
    assert given == [{"fr": "Oui", "en": "Yes"}, {"fr": "Non", "en": "No"}]
    qid, age = some_question(content)
    question = opened(classroom_question(content, session, qid, age, given))
    assert question.choices == ("Oui", "Non")  # the language given first makes the values
    assert choice_label(content, question, "Oui", "en") == "Yes"
    assert choice_label(content, question, "Oui", "nl") == "Oui"  # not given in Dutch: the first given
    answers: dict = {}
    for value in ("Oui", "Oui", "Non"):  # a French phone and an English one send the same value
        record(answers, question, new_participant(), value, NOW)
    assert tally(question, answers.values())["count"].tolist() == [2, 1]
    with pytest.raises(AnswerRefused):
        check_answer(question, "Yes")
    with pytest.raises(ChoicesMismatch):
        choices_from_lines({"en": "Yes\nNo", "fr": "Oui"})
    assert choices_from_lines({"en": "", "fr": ""}) == []
    plain = classroom_question(content, session, qid, age, choices_from_lines({"en": "Yes\nNo"}))
    assert plain.choices == ("Yes", "No") and not plain.labels


def test_a_lesson_plans_questions_come_in_the_plans_order(content, session):
    for age in ("10-13", "14-18", "adults"):
        for kind in LESSON_KINDS:
            plan = content.teaching.plan(age, kind)
            if plan is None:
                continue
            queued, skipped = plan_questions(content, session, age, kind, position=3)
            assert [q.ref for q in queued] == list(plan.question_ids()) and skipped == 0
            assert [q.position for q in queued] == list(range(3, 3 + len(queued)))
            assert all(q.free_text and q.age == age and q.state == "draft" for q in queued)
    for bad in (("14-18", "nonsense"), ("nobody", "after")):
        with pytest.raises(ValueError):
            plan_questions(content, session, *bad)


def test_a_spoiler_safe_session_leaves_out_a_plans_questions_about_hidden_scenes(content):
    safe = new_session(NOW, spoiler_safe=True)[0]
    view = visibility(content, True)
    for age in ("10-13", "14-18", "adults"):
        for kind in LESSON_KINDS:
            plan = content.teaching.plan(age, kind)
            if plan is None:
                continue
            queued, skipped = plan_questions(content, safe, age, kind)
            shown = [q for q in plan.question_ids() if view.question(content.question(q))]
            assert [q.ref for q in queued] == shown and skipped == len(plan.question_ids()) - len(shown)


def test_questions_before_viewing_may_be_asked_in_a_spoiler_safe_session(content):
    safe = new_session(NOW, spoiler_safe=True)[0]
    for question in content.questions_before():
        assert classroom_question(content, safe, question.id, question.ages[0]).ref == question.id


def test_answers_keep_no_name_or_address():
    fields = set(Answer.__dataclass_fields__)
    assert fields == {"question", "participant", "value", "answered_at", "cut", "approved", "refused"}


# --- the limiter ---------------------------------------------------------------------------------------------


def test_the_limiter_slows_wrong_codes_per_address_and_forgets_with_time():
    limiter = AttemptLimiter(limit=3, window=60)
    for i in range(3):
        assert not limiter.blocked("203.0.113.5", NOW + i)
        limiter.failed("203.0.113.5", NOW + i)
    assert limiter.blocked("203.0.113.5", NOW + 3)
    assert not limiter.blocked("198.51.100.7", NOW + 3)  # another address is not held up
    assert limiter.blocked("203.0.113.5", NOW + 59)
    assert not limiter.blocked("203.0.113.5", NOW + 61)  # the first failure has left the window


def test_the_limiter_stays_small_forgetting_the_oldest_address_first():
    limiter = AttemptLimiter(limit=2, window=600, max_addresses=100)
    for i in range(1000):
        limiter.failed(f"10.0.{i // 256}.{i % 256}", NOW)
    assert len(limiter._failures) == 100
    limiter.failed("10.0.3.231", NOW + 1)  # the newest address fails a second time
    assert limiter.blocked("10.0.3.231", NOW + 1)
    limiter.failed("10.0.0.0", NOW + 1)  # the oldest had been forgotten: this is its first failure again
    assert not limiter.blocked("10.0.0.0", NOW + 1)


def test_a_session_has_a_participant_cap_within_bounds():
    assert new_session(NOW)[0].cap == DEFAULT_CAP
    assert new_session(NOW, cap=30)[0].cap == 30
    assert new_session(NOW, cap=MAX_CAP)[0].cap == MAX_CAP
    for bad in (0, -1, MAX_CAP + 1, 2.5, "30", True, None, 10**100):
        with pytest.raises(ValueError):
            new_session(NOW, cap=bad)
