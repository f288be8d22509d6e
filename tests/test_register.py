"""Register: one form of address per output (TRANSLATING.md).

French: *vous* for teachers, adults and the general visitor; *tu* for pupils (10-13, 14-18); interface strings beside
pupils' content (the phone of a live session, the projector, the handout's headings) address no one. Never *tu* and
*vous* in one output. Dutch: *je* everywhere, never *u*/*uw*.

A detector finds the forms of address in a text; the tests run it over each catalog string, each content text, the
rendered French pages, the live phone page and the French PDFs. Quotations (between « », “ ” or ‘ ’) and our
translations of quotations are left out: they keep the speaker's words. A teacher's output may print the pupils'
own material (their questions, word bank, sentence starters, extension task and activities) as the pupils will
read it, in *tu*; everything else in it is in *vous* or addresses no one.
"""

from __future__ import annotations

import io
import re
import time
import tomllib

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from conftest import DATA, ROOT, component_html, component_texts
from explorer.i18n import LOCALE_DIR, t

PUPILS = frozenset({"10-13", "14-18"})
ADULTS = frozenset({"adults"})

# --- the detector ------------------------------------------------------------------------------------------------

_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|(?<![\w’'])‘[^‘’]*’(?!\w)|(?<![\w’'])'[^']*'(?!\w)")
_SENTENCE_START = r"(?:^|(?<=[.!?:;(\n])[\s\u00a0\u202f]*|(?<=^[\s\u00a0\u202f]))"

# French, tu: the pronouns and determiners (a noun "ton", tone, follows an article), "-tu"/"-toi" after a verb,
# and second-person singular imperatives that open a sentence (not a label: a word before ":" is a noun; not a
# note's "Indique que…", whose subject is left out).
_TU_IMPERATIVES = (
    "réponds",
    "écoute",
    "écris",
    "dessine",
    "fabrique",
    "choisis",
    "cherche",
    "observe",
    "compare",
    "imagine",
    "décris",
    "raconte",
    "prends",
    "photographie",
    "pense",
    "trouve",
    "lis",
    "dis",
    "fais",
    "mets",
    "découpe",
    "explique",
    "relie",
    "entoure",
    "souligne",
    "coche",
    "complète",
    "va",
    "viens",
    "essaie",
    "garde",
    "touche",
    "tape",
    "scanne",
    "ouvre",
    "rejoins",
    "envoie",
    "partage",
    "donne",
    "discute",
    "remarque",
    "note",
    "apporte",
    "demande",
    "montre",
    "utilise",
    "ajoute",
    "indique",
    "propose",
    "prépare",
    "relis",
    "vérifie",
    "retrouve",
    "justifie",
    "continue",
    "regarde",
    "souviens-toi",
    "rappelle-toi",
    "imagine-toi",
)
_FR_TU = re.compile(
    r"(?<!\best )(?<!\bété )(?<!\bêtre )(?<!\bsont )\btu\b|\btoi\b"
    r"|(?<!\ble )(?<!\bun )(?<!\bdu )(?<!\bau )(?<!\bde )(?<!\bmon )\bton\b|\bta\b|\btes\b|\bte\b"
    r"|(?<![\w-])t['’](?=[aeiouéèêhyàâ])"
    rf"|{_SENTENCE_START}(?:{'|'.join(_TU_IMPERATIVES)})\b(?![\s\u00a0\u202f]*:)(?!-t-)(?!\s+qu)",
    re.IGNORECASE | re.MULTILINE,
)
# French, vous: the pronoun and determiners, and any verb in -ez (the second person plural: "Choisissez",
# "Regardez", "vous avez"); a few words merely end so.
_NOT_VERBS_IN_EZ = {"chez", "assez", "nez", "rez", "lez"}
_FR_VOUS = re.compile(r"\bvous\b|\bvotre\b|\bvos\b|\bvôtres?\b", re.IGNORECASE)
_EZ = re.compile(r"\b(\w+ez)\b")

# Dutch: u/uw (not "u" as the hour after a number: "1 u 30", "{hours} u"), against je/jij/jou/jouw/jezelf/jullie.
_NL_U = re.compile(r"(?<![\d}][\s\u00a0])\b[Uu]\b(?![.\-’'])|\b[Uu]w\b|\b[Uu]zelf\b")
_NL_JE = re.compile(r"\b(?:[Jj]e|[Jj]ij|[Jj]ou|[Jj]ouw|[Jj]ezelf|[Jj]ullie)\b")


def unquoted(text: str) -> str:
    """The text without what it quotes: quoted words keep their speaker's address."""
    return _QUOTED.sub(" ", text)


def registers(text: str, language: str) -> dict[str, list[str]]:
    """The forms of address ``text`` uses, each with the words that show it: "tu"/"vous" in French, "je"/"u" in
    Dutch; an empty dict for a text that addresses no one."""
    text = unquoted(text)
    found: dict[str, list[str]] = {}
    if language == "fr":
        tu = [m.group().strip() for m in _FR_TU.finditer(text)]
        vous = [m.group() for m in _FR_VOUS.finditer(text)]
        vous += [w for w in _EZ.findall(text) if w.lower() not in _NOT_VERBS_IN_EZ and (w[0].islower() or _starts_sentence(text, w))]
        found = {"tu": tu, "vous": vous}
    elif language == "nl":
        found = {"je": _NL_JE.findall(text), "u": _NL_U.findall(text)}
    return {register: words for register, words in found.items() if words}


def _starts_sentence(text: str, word: str) -> bool:
    return re.search(rf"{_SENTENCE_START}{re.escape(word)}\b", text, re.MULTILINE) is not None


def mixed(text: str, language: str) -> bool:
    return len(registers(text, language)) > 1


# --- the detector can fail -----------------------------------------------------------------------------------------


def test_the_detector_finds_each_form_of_address_and_a_mix():
    assert mixed("Qu’attends-tu d’une histoire qui commence ainsi ?\nVotre réponse", "fr")
    assert registers("Réponds avec tes propres mots.", "fr").keys() == {"tu"}
    assert registers("Regarde le plan fixe, puis écris une phrase.", "fr").keys() == {"tu"}
    assert registers("Écris-le juste après le film.", "fr").keys() == {"tu"}
    assert registers("Si tu partais longtemps, qui t’accompagnerait ?", "fr").keys() == {"tu"}
    assert registers("Regardez les premiers plans et écoutez la pluie.", "fr").keys() == {"vous"}
    assert registers("Un seul mot, s’il vous plaît.", "fr").keys() == {"vous"}
    assert mixed("Réponds avec tes propres mots. Regardez les premiers plans.", "fr")
    for neutral in (
        "Réponse",
        "Envoyer",
        "Le ton du film est léger.",
        "Chez soi, travail, langues",
        "Note : un plan fixe.",
        "Toucher le lieu sur la carte.",
        "Personne n’a encore parlé.",
        "Il dit « tu vois ? » à sa sœur.",
    ):
        assert registers(neutral, "fr") == {}, neutral
    assert mixed("Wat verwacht je? Geef uw antwoord.", "nl")
    assert registers("Uw antwoord", "nl").keys() == {"u"}
    assert registers("Je antwoord is binnen.", "nl").keys() == {"je"}
    for neutral in ("ongeveer 1 u 30 min te voet", "{hours} u {minutes} min", "Antwoord", "Versturen"):
        assert registers(neutral, "nl") == {}, neutral


# --- the catalogs --------------------------------------------------------------------------------------------------


def catalog(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "explorer.po").open("rb") as source:
        return read_po(source, locale=language)


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_no_french_interface_string_mixes_tu_and_vous():
    bad = [(m.id, s, registers(s, "fr")) for m in catalog("fr") if m.id for s in strings(m) if mixed(s, "fr")]
    assert bad == []


def test_no_dutch_interface_string_says_u():
    bad = [(m.id, s) for m in catalog("nl") if m.id for s in strings(m) if "u" in registers(s, "nl")]
    assert bad == []


# Where the pupils and the room see the interface beside their content: the phone (join page), the projector and
# the live sessions' messages. These address no one, so they sit beside a pupil's tu or an adult's vous.
BESIDE_PUPILS = (
    "pages/join.py",
    "src/explorer/joinpage.py",
    "src/explorer_app/participant.py",
    "src/explorer/live.py",
    "src/explorer/livefragments.py",
    "src/explorer/guest.py",
    "src/explorer/guestpage.py",
    "src/explorer_app/guestroutes.py",
)


def to_the_guest() -> set[str]:
    """The host's prompts (explorer.guest.host_prompts): questions the host asks the guest, so they say vous."""
    from explorer import guest

    return {guest.PLACE_PROMPT, guest.SCENE_PROMPT, guest.FACT_PROMPT, guest.CAST_PROMPT, *guest.GENERAL_PROMPTS}


def test_french_strings_beside_pupils_content_address_no_one():
    messages = [
        m
        for m in catalog("fr")
        if m.id
        and any(p in BESIDE_PUPILS for p, _ in m.locations)
        and (m.id if isinstance(m.id, str) else m.id[0]) not in to_the_guest()
    ]
    assert messages, "the live session's strings are in the catalog"
    bad = [(m.id, s, registers(s, "fr")) for m in messages for s in strings(m) if registers(s, "fr")]
    assert bad == []


def test_the_hosts_prompts_say_vous_to_the_guest_in_french(content):
    from explorer.guest import host_prompts

    assert all(set(registers(prompt, "fr")) <= {"vous"} for prompt in host_prompts(content, "fr"))
    assert any("vous" in registers(prompt, "fr") for prompt in host_prompts(content, "fr"))
    assert not any(registers(prompt, "nl").get("u") for prompt in host_prompts(content, "nl"))


# --- the content -------------------------------------------------------------------------------------------------


def texts_of(value, path: str):
    """Every (path, {language: text}) in a TOML record, recursively; quotations and our translations of them are
    left out (they keep the speaker's words)."""
    if isinstance(value, dict):
        if "en" in value and all(isinstance(v, str) for v in value.values()):
            yield path, value
            return
        for key, item in value.items():
            if key not in ("quote", "quote_translation"):
                yield from texts_of(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from texts_of(item, f"{path}[{index}]")


def audience(ages) -> str:
    """Who a text for ``ages`` addresses: "pupils" (tu), "adults" (vous) or "both" (no one)."""
    ages = frozenset(ages)
    if ages and ages <= PUPILS:
        return "pupils"
    if ages and ages <= ADULTS:
        return "adults"
    return "both"


def records():
    """(file, kind, record) for every record in data/."""
    for path in sorted(DATA.glob("*.toml")):
        with path.open("rb") as source:
            tables = tomllib.load(source)
        for kind, items in tables.items():
            for record in items if isinstance(items, list) else [items]:
                if isinstance(record, dict):
                    yield path.name, kind, record


def data_texts():
    """(where, audience, {language: text}) for every text in data/. Audiences: "pupils" (tu or no one), "adults",
    "visitors" and "teachers" (vous or no one), "both" (read by pupils and adults alike: no one). A question or an
    activity speaks to its age bands; the glossary and the sequences appear in every band's material; a band's word
    bank, sentence starters and extension task speak to that band; the rest of the teacher's pack speaks to the
    teacher; everything else to the visitor."""
    for file, kind, record in records():
        name = f"{file} {kind} {record.get('id') or record.get('age') or record.get('question') or ''}"
        if file == "classroom.toml" and kind in ("question", "activity"):
            who = audience(record.get("ages", ()))
        elif file == "classroom.toml" and kind in ("term", "sequence"):
            who = "both"
        elif file == "teaching.toml" and kind == "support":
            who = audience([record.get("age")])
        elif file == "teaching.toml":
            who = "teachers"
        else:
            who = "visitors"
        for path, text in texts_of(record, name):
            if file == "teaching.toml" and ".exit_ticket[" in path:  # the prompts on the band's handout
                yield path, audience([record.get("age")]), text
            elif file == "teaching.toml" and path.endswith(".adapt"):  # advice to the teacher
                yield path, "teachers", text
            else:
                yield path, who, text


ALLOWED = {"pupils": {"tu"}, "adults": {"vous"}, "visitors": {"vous"}, "teachers": {"vous"}, "both": set()}


def test_every_french_content_text_speaks_to_its_audience():
    bad = []
    for path, who, text in data_texts():
        found = registers(text.get("fr", ""), "fr")
        if set(found) - ALLOWED[who]:
            bad.append((path, who, found))
    assert bad == []


def test_no_dutch_content_text_says_u():
    bad = [(path, text["nl"]) for path, _, text in data_texts() if "u" in registers(text.get("nl", ""), "nl")]
    assert bad == []


# --- what is rendered ------------------------------------------------------------------------------------------


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\xad", "").split())


def pupils_material(language: str = "fr") -> list[str]:
    """The texts written to pupils (tu): a teacher's output may print them as the pupils will read them."""
    parts = [text.get(language, "") for _, who, text in data_texts() if who == "pupils"]
    return sorted({flat(p) for p in parts if p}, key=len, reverse=True)


def quotations() -> list[str]:
    """Every quotation in data/ and our translations of it: they keep the speaker's address wherever shown."""
    found = []

    def walk(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "quote" and isinstance(item, str):
                    found.append(item)
                elif key == "quote_translation" and isinstance(item, dict):
                    found.extend(v for v in item.values() if isinstance(v, str))
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for _, _, record in records():
        walk(record)
    return sorted({flat(q) for q in found if q}, key=len, reverse=True)


def without(text: str, parts: list[str]) -> str:
    text = flat(text)
    for part in sorted(parts, key=len, reverse=True):
        text = text.replace(part, " ")
    return text


def page_text(at: AppTest) -> str:
    parts = [h.proto.body for h in at.get("html")] + component_html(at) + component_texts(at)
    parts += [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
        for e in at.get(kind)
    ]
    parts += [b.label for b in at.button] + [p.proto.label for p in at.get("page_link")]
    for kind in ("radio", "selectbox", "text_input", "text_area", "multiselect", "checkbox", "toggle"):
        for widget in at.get(kind):
            parts.append(getattr(widget, "label", "") or "")
            parts.append(getattr(widget, "help", "") or "")
    parts += [tab.label for tab in at.get("tab")] + [e.label for e in at.get("expander")]
    return "\n".join(str(p) for p in parts if p)


def visible(html_or_text: str) -> str:
    """Text as a reader sees it: tags dropped, entities read."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "\n", html_or_text))


PAGES = [
    ("app.py", {}),
    ("pages/scenes.py", {}),
    ("pages/moss.py", {}),
    ("pages/walk.py", {}),
    ("pages/classroom.py", {"age": "10-13"}),
    ("pages/classroom.py", {"age": "14-18"}),
    ("pages/classroom.py", {"age": "adults"}),
    ("pages/make.py", {}),
    ("pages/about.py", {}),
]


def rendered(page: str, query: dict[str, str], monkeypatch) -> str:
    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS"):
        monkeypatch.delenv(name, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(page)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return visible(page_text(at))


@pytest.mark.parametrize(("page", "query"), PAGES, ids=[f"{p}{q.get('age', '')}" for p, q in PAGES])
def test_each_french_page_addresses_its_reader_as_vous(content, monkeypatch, page, query):
    """The pages speak to visitors and teachers (vous); a classroom page shows the pupils' questions as the pupils
    will read them, and nothing else in tu."""
    text = rendered(page, {"lang": "fr", **query}, monkeypatch)
    rest = without(text, pupils_material() + quotations())
    assert "tu" not in registers(rest, "fr"), registers(rest, "fr")["tu"]


@pytest.mark.parametrize(("page", "query"), PAGES, ids=[f"{p}{q.get('age', '')}" for p, q in PAGES])
def test_no_dutch_page_says_u(monkeypatch, page, query):
    text = rendered(page, {"lang": "nl", **query}, monkeypatch)
    assert "u" not in registers(text, "nl")


# --- the PDFs ------------------------------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


@pytest.mark.parametrize("age", ["10-13", "14-18"])
def test_the_pupils_french_handout_says_tu_only(content, age):
    from explorer.handout import handout_pdf

    text = without(pdf_text(handout_pdf(content, age, content.scenes, "fr")), quotations())
    found = registers(text, "fr")
    assert "vous" not in found, found["vous"]


def test_the_adults_french_handout_says_vous_only(content):
    from explorer.handout import handout_pdf

    text = without(pdf_text(handout_pdf(content, "adults", content.scenes, "fr")), quotations())
    found = registers(text, "fr")
    assert "tu" not in found, found["tu"]


@pytest.mark.parametrize("age", ["10-13", "14-18", "adults"])
def test_the_french_viewing_sheet_speaks_to_its_band(content, age):
    """The one-page sheet taken into the cinema before viewing: tu for pupils, vous for adults, headings neutral."""
    from explorer.viewingsheet import viewing_sheet_pdf

    found = registers(without(pdf_text(viewing_sheet_pdf(content, age, "fr")), quotations()), "fr")
    assert set(found) <= ({"tu"} if age in PUPILS else {"vous"}), found


@pytest.mark.parametrize("age", ["10-13", "14-18", "adults"])
def test_the_french_teachers_pack_says_vous_to_the_teacher(content, age):
    """The pupils' questions and support printed in the pack keep their tu; nothing else may use it."""
    from explorer.teacherpack import teacher_pdf

    rest = without(pdf_text(teacher_pdf(content, age, "fr")), pupils_material() + quotations())
    assert "tu" not in registers(rest, "fr"), registers(rest, "fr")["tu"]


@pytest.mark.parametrize("age", ["10-13", "14-18", "adults"])
def test_no_dutch_pdf_says_u(content, age):
    from explorer.handout import handout_pdf
    from explorer.teacherpack import teacher_pdf
    from explorer.viewingsheet import viewing_sheet_pdf

    for data in (
        handout_pdf(content, age, content.scenes, "nl"),
        teacher_pdf(content, age, "nl"),
        viewing_sheet_pdf(content, age, "nl"),
    ):
        assert "u" not in registers(pdf_text(data), "nl")


# --- the phone of a live session -------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path, monkeypatch):
    from explorer.live import AttemptLimiter
    from explorer.livestore import LiveStore, sqlite_url
    from explorer_app import liveroom

    for name in ("EXPLORER_DATA_DIR", "EXPLORER_KIOSK", "EXPLORER_SETTINGS", "EXPLORER_DATABASE_URL", "EXPLORER_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXPLORER_TILES", "offline")
    monkeypatch.setenv("EXPLORER_LIVE_DIR", str(tmp_path))
    live = LiveStore(sqlite_url(tmp_path))
    monkeypatch.setattr(liveroom, "LIMITER", AttemptLimiter(limit=liveroom.LIMITER.limit))
    yield live
    liveroom.forget_stores()
    live.close()


def phone():
    """A phone's browser on the phones' page (explorer_app/participant.py), which is plain HTML."""
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from explorer_app.guestroutes import guest_routes
    from explorer_app.participant import LOOKS, participant_routes

    class Fresh(TestClient):
        def request(self, *args, **kwargs):
            LOOKS.clear()  # the test's own store changes the questions: no read kept from before
            return super().request(*args, **kwargs)

    return Fresh(Starlette(routes=participant_routes() + guest_routes()), follow_redirects=True)


def phone_text(response) -> str:
    """What a phone's page says, without its language links (each language's name in its own language)."""
    return visible(re.sub(r"<nav\b.*?</nav>", "", response.text, flags=re.S))


def test_the_french_join_form_addresses_no_one(store):
    text = phone_text(phone().get("/join?lang=fr"))
    assert registers(text, "fr") == {}, registers(text, "fr")


@pytest.mark.parametrize("age", ["10-13", "adults"])
def test_the_french_phone_shows_one_register_the_questions(store, content, age):
    """A pupil's phone shows a question in tu, an adult's in vous; everything around it addresses no one, waiting,
    open (written answer), answered, closed and revealed; the question shown is one that uses its address."""
    from explorer.live import classroom_question, new_participant

    session, _ = store.start_session(time.time(), "fr", False)
    browser = phone()
    address = f"/join?lang=fr&code={session.code}"
    browser.get(address)
    register = "tu" if age in PUPILS else "vous"
    asked = content.question(
        next(
            r["id"]
            for _, kind, r in records()
            if kind == "question" and age in r.get("ages", ()) and register in registers(r["text"].get("fr", ""), "fr")
        )
    )
    question = classroom_question(content, session, asked.id, age)
    store.add_question(question)
    store.move(question.id, "open")
    texts = [phone_text(browser.get(address))]
    other = new_participant()
    store.join(session.code, other, time.time())
    store.answer(question.id, other, "Une réponse", time.time())
    sent = browser.post("/join/answer", data={"code": session.code, "question": question.id, "value": "Ma réponse", "lang": "fr"})
    assert t("Send", "fr") in sent.text and "Ma réponse" in sent.text
    texts.append(phone_text(sent))
    for state in ("closed", "revealed"):
        store.move(question.id, state)
        texts.append(phone_text(browser.get(address)))
    for text in texts:
        assert set(registers(text, "fr")) == {register}, registers(text, "fr")
        rest = without(text, [flat(asked.text.get("fr"))])
        assert registers(rest, "fr") == {}, registers(rest, "fr")


def test_the_french_guest_page_addresses_no_one(store, content):
    """The phone's questions for the guest: the form, the lists, a question sent, waiting, published and answered."""
    from explorer.gueststore import GuestBook

    session, _ = store.start_session(time.time(), "fr", False)
    book = GuestBook(store)
    book.set_room(session.code, open=True)
    browser = phone()
    address = f"/join/guest?lang=fr&code={session.code}"
    texts = [phone_text(browser.get(address))]
    sent = browser.post(
        "/join/guest/ask", data={"code": session.code, "text": "Pourquoi ici", "lang": "fr", "place": content.places[0].id}
    )
    texts.append(phone_text(sent))
    (asked,) = book.questions(session.code)
    book.moderate(session.code, [asked.id], "publish", time.time())
    texts.append(phone_text(browser.get(address)))
    book.highlight(session.code, asked.id, time.time())
    texts.append(phone_text(browser.get(address)))
    book.moderate(session.code, [asked.id], "answer", time.time())
    texts.append(phone_text(browser.get(address)))
    assert all("Pourquoi ici" in text for text in texts[1:]), "the question shows in each state"
    for text in texts:
        assert registers(text, "fr") == {}, registers(text, "fr")


def test_the_french_presenters_page_says_vous_to_the_presenter(store):
    """The presenter's controls speak to the teacher (vous); the pupils' question shown there keeps its tu."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/live.py")
    at.query_params["lang"] = "fr"
    at.query_params["age"] = "10-13"
    at.run()
    at.button(key="live-start").click().run()
    asked = next(
        r["id"]
        for file, kind, r in records()
        if kind == "question"
        and "10-13" in r.get("ages", ())
        and audience(r["ages"]) == "pupils"
        and "tu" in registers(r["text"].get("fr", ""), "fr")
    )
    at.selectbox(key="live-ref").set_value(asked).run()
    at.button(key="live-add").click().run()
    assert not at.exception, at.exception
    text = visible(page_text(at))
    assert "tu" in registers(text, "fr"), "the pupils' question is on the page"
    found = registers(without(text, pupils_material() + quotations()), "fr")
    assert "vous" in found and "tu" not in found, found
