"""Load every content file in ``data/`` once, validate it, and resolve references between records."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from explorer import osmdata
from explorer.errors import ContentError, Problem
from explorer.fields import TRANSLATIONS, Findings, RecordReader
from explorer.i18n import LANGUAGES
from explorer.model import (
    AGE_BANDS,
    BASEMAP_KINDS,
    COMMUNITIES,
    FACT_KINDS,
    LESSON_KINDS,
    LESSON_PHASES,
    PERSON_KINDS,
    PLACE_KINDS,
    PROVENANCES,
    QUOTE_ORIGINS,
    RUBRIC_LEVELS,
    RUBRIC_TASKS,
    SCENE_READINGS,
    SITUATION_PHASES,
    SOURCE_KINDS,
    SUBJECTS,
    THEMES,
    TIMES_OF_DAY,
    Activity,
    BandAssessment,
    BandObjectives,
    BandSupport,
    BasemapFeature,
    Content,
    CurriculumLink,
    Film,
    Hint,
    LessonPlan,
    LessonStep,
    MossFact,
    Person,
    Place,
    PracticalItem,
    Question,
    Quote,
    Reference,
    Rubric,
    SafetyNote,
    Scene,
    Sequence,
    Source,
    Still,
    TeacherPack,
    Term,
    Text,
    Tip,
    WalkRoute,
)
from explorer.tomlfile import TooDeep, parse_toml

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

T = TypeVar("T")

FILES = (
    "film.toml",
    "places.toml",
    "scenes.toml",
    "moss.toml",
    "sources.toml",
    "people.toml",
    "basemap.toml",
    "classroom.toml",
    "teaching.toml",
    "walks.toml",
)
# The record tables each file holds, and whether the file must hold at least one of them.
RECORD_TABLES = {
    "places.toml": (("place", True),),
    "scenes.toml": (("scene", True),),
    "moss.toml": (("fact", True), ("tip", False)),
    "sources.toml": (("source", True),),
    "people.toml": (("person", True),),
    "basemap.toml": (("feature", True),),
    "classroom.toml": (("question", True), ("term", True), ("activity", True), ("sequence", False)),
    "stills.toml": (("still", False),),
    "walks.toml": (("route", True),),
    "teaching.toml": (
        ("objectives", True),
        ("plan", True),
        ("hint", True),
        ("link", True),
        ("practical", True),
        ("safety", True),
        ("reference", True),
        ("assessment", True),
        ("support", True),
    ),
}


def load_content(data_dir: Path | str = DEFAULT_DATA_DIR) -> Content:
    """Read and validate all content; raise :class:`ContentError` listing every problem."""
    content, problems = _read_all(Path(data_dir))
    if problems or content is None:
        raise ContentError(problems)
    return content


def check(data_dir: Path | str = DEFAULT_DATA_DIR) -> list[Problem]:
    """Every problem in the content (an empty list when all is well)."""
    return _read_all(Path(data_dir))[1]


def missing_translations(data_dir: Path | str = DEFAULT_DATA_DIR) -> list[Problem]:
    """Every text field without its French or Dutch version (the app shows English there)."""
    problems = Findings()
    _read_all(Path(data_dir), problems)
    return problems.missing


def _read_all(data_dir: Path, problems: list[Problem] | None = None) -> tuple[Content | None, list[Problem]]:
    problems = problems if problems is not None else []
    if not data_dir.is_dir():
        return None, [Problem(str(data_dir), "", "", "is not a folder of content files")]
    tables = {name: _read_toml(data_dir, name, problems) for name in FILES}
    # stills are optional: a festival or school adds the ones it has the right to use
    tables["stills.toml"] = _read_toml(data_dir, "stills.toml", problems) if (data_dir / "stills.toml").exists() else None
    label = data_dir.name

    def path(name: str) -> str:
        return f"{label}/{name}"

    for name, kinds in RECORD_TABLES.items():
        table = tables[name]
        if table is None:
            continue
        known = {kind for kind, _ in kinds}
        for key in table:
            if key not in known:
                expected = " and ".join(f"[[{k}]]" for k in sorted(known))
                problems.append(Problem(path(name), "", key, f"is not a known table; this file holds {expected}"))
        for kind, required in kinds:
            if required and not table.get(kind):
                problems.append(Problem(path(name), "", kind, f"no [[{kind}]] records: at least one is needed"))

    sources = _records(tables["sources.toml"], path("sources.toml"), "source", _source, problems)
    people = _records(tables["people.toml"], path("people.toml"), "person", _person, problems)
    places = _records(tables["places.toml"], path("places.toml"), "place", _place, problems)
    scenes = _records(tables["scenes.toml"], path("scenes.toml"), "scene", _scene, problems)
    facts = _records(tables["moss.toml"], path("moss.toml"), "fact", _fact, problems)
    tips = _records(tables["moss.toml"], path("moss.toml"), "tip", _tip, problems)
    basemap = _records(tables["basemap.toml"], path("basemap.toml"), "feature", _feature, problems)
    osm = osmdata.read(data_dir / osmdata.FOLDER, path(osmdata.FOLDER), problems)
    questions = _records(tables["classroom.toml"], path("classroom.toml"), "question", _question, problems)
    terms = _records(tables["classroom.toml"], path("classroom.toml"), "term", _term, problems)
    activities = _records(tables["classroom.toml"], path("classroom.toml"), "activity", _activity, problems)
    sequences = _records(tables["classroom.toml"], path("classroom.toml"), "sequence", _sequence, problems)
    stills = _records(tables["stills.toml"], path("stills.toml"), "still", _still, problems)
    film = _film(tables["film.toml"], path("film.toml"), problems)

    loaded = {name: tables[name] is not None for name in FILES}
    refs = _References(problems, sources, people, places, loaded)
    for reader, person in people:
        if person.plays:
            refs.character(reader, "plays", person.plays)
    names: dict[tuple[str, str], str] = {}
    drawn = osmdata.extent(osm)
    for reader, place in places:
        refs.sources(reader, "evidence", place.evidence)
        if beyond := osmdata.outside_problem(place, drawn):  # a place the offline map would not show
            reader.problem("lat", beyond, [place.lat, place.lon])
        if wrong := osmdata.commune_problem(place, osm):  # the commune a place names is the one its point is in
            reader.problem("commune", wrong, place.commune)
        for language in LANGUAGES:  # the list of places tells places apart by name, so names must differ
            name = " ".join(place.name.get(language).split()).casefold()
            other = names.setdefault((language, name), place.id)
            if other != place.id:
                reader.problem("name", f"is also the {language} name of place {other!r}", place.name.get(language))
    orders: dict[int, str] = {}
    for reader, scene in scenes:
        if scene.place:
            refs.place(reader, "place", scene.place)
        for character in scene.characters:
            refs.character(reader, "characters", character)
        refs.sources(reader, "based_on", scene.based_on)
        refs.quote(reader, scene.quote)
        if scene.order and scene.order in orders:
            reader.problem("order", f"is also used by scene {orders[scene.order]!r}", scene.order)
        orders.setdefault(scene.order, scene.id)
    for reader, fact in facts:
        refs.sources(reader, "source", (fact.source,) if fact.source else ())
        for place_id in fact.places:
            refs.place(reader, "places", place_id)
        refs.quote(reader, fact.quote, check_source=False)  # the fact's source, checked above
    scene_ids = {scene.id for _, scene in scenes}
    scenes_loaded = tables["scenes.toml"] is not None
    for reader, question in questions:
        if scenes_loaded and question.scene and question.scene not in scene_ids:
            reader.problem("scene", "names a scene that is not in scenes.toml", question.scene)
    scened: list[tuple[RecordReader, Sequence | Still]] = [*sequences, *stills]
    for reader, record in scened:
        if scenes_loaded and record.scene and record.scene not in scene_ids:
            reader.problem("scene", "names a scene that is not in scenes.toml", record.scene)
    for reader, sequence in sequences:
        refs.sources(reader, "sources", sequence.sources)
    for reader, still in stills:
        if still.file and not (data_dir / "stills" / still.file).is_file():
            reader.problem("file", f"is not a file in {label}/stills/", still.file)
    for reader, fact in facts:  # the scenes a fact tells of: it is hidden with them in spoiler-safe mode
        for scene_id in fact.scenes:
            if scenes_loaded and scene_id not in scene_ids:
                reader.problem("scenes", "names a scene that is not in scenes.toml", scene_id)
    for reader, term in terms:
        for scene_id in term.scenes:
            if scenes_loaded and scene_id not in scene_ids:
                reader.problem("scenes", "names a scene that is not in scenes.toml", scene_id)
        refs.quote(reader, term.quote)
    if film is not None:
        film_reader, film_value = film
        if scenes_loaded and film_value.spoilers_after and film_value.spoilers_after not in scene_ids:
            film_reader.problem("spoilers_after", "names a scene that is not in scenes.toml", film_value.spoilers_after)
        refs.sources(film_reader, "sources", film_value.sources)
        for quote in film_value.press:
            refs.quote(film_reader, quote, field="press")

    teaching = _teaching(
        tables["teaching.toml"],
        path("teaching.toml"),
        problems,
        questions,
        terms,
        activities,
        {s.id for _, s in sources} if loaded["sources.toml"] else None,
        loaded["classroom.toml"],
        {s.id for _, s in sequences},
    )

    walks = _walks(tables["walks.toml"], path("walks.toml"), problems, places, refs, osm)

    if problems or film is None:
        return None, problems
    content = Content(
        film=film[1],
        places=tuple(p for _, p in places),
        scenes=tuple(sorted((s for _, s in scenes), key=lambda s: s.order)),
        facts=tuple(f for _, f in facts),
        tips=tuple(t for _, t in tips),
        sources=tuple(s for _, s in sources),
        people=tuple(p for _, p in people),
        basemap=(*osm, *(f for _, f in basemap)),
        questions=tuple(q for _, q in questions),
        terms=tuple(t for _, t in terms),
        activities=tuple(a for _, a in activities),
        teaching=teaching,
        walks=walks,
        sequences=tuple(s for _, s in sequences),
        stills=tuple(s for _, s in stills),
        stills_dir=str(data_dir / "stills"),
    )
    return content, problems


def _read_toml(data_dir: Path, name: str, problems: list[Problem]) -> dict | None:
    file = data_dir / name
    label = f"{data_dir.name}/{name}"
    if not file.is_file():
        problems.append(Problem(label, "", "", "file is missing"))
        return None
    try:
        return parse_toml(file.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(label, "", "", f"is not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(Problem(label, "", "", f"is not valid TOML: {exc}"))
    except TooDeep as exc:
        problems.append(Problem(label, "", "", str(exc)))
    return None


def _records(
    table: dict | None,
    file: str,
    kind: str,
    build: Callable[[RecordReader], T],
    problems: list[Problem],
) -> list[tuple[RecordReader, T]]:
    """Build every ``[[kind]]`` record of a file; report duplicate ids."""
    if table is None:
        return []
    raw_records = table.get(kind, [])
    if not isinstance(raw_records, list):
        problems.append(Problem(file, "", kind, f"must be a list of [[{kind}]] tables", raw_records))
        return []
    built: list[tuple[RecordReader, T]] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_records, start=1):
        reader = RecordReader(problems, file, kind, raw, position)
        record = build(reader)
        record_id = getattr(record, "id", "")
        if record_id and record_id in seen:
            reader.problem("id", f"is used by another {kind} in this file", record_id)
        seen.add(record_id)
        built.append((reader, record))
    return built


def _quote(reader: RecordReader, required: bool = False) -> Quote | None:
    text = reader.string("quote", required=required)
    if not text:
        return None
    source = reader.reference("source")
    speaker = reader.reference("speaker", required=False)
    return Quote(
        text=text, source=source, speaker=speaker, translations=reader.translations("quote_translation"), **_quote_origin(reader)
    )


# Optional fields of any record that holds a quotation: how the words reached us (see Quote.origin).
QUOTE_ORIGIN_FIELDS = ("quote_origin", "rendered_by")


def _quote_origin(reader: RecordReader) -> dict[str, str]:
    """``quote_origin`` and ``rendered_by`` of a quotation; ``rendered_by`` only describes film dialogue."""
    origin = reader.choice("quote_origin", QUOTE_ORIGINS, required=False)
    rendered_by = reader.reference("rendered_by", required=False)
    if rendered_by and origin != "dialogue":
        reader.problem("rendered_by", 'is only for film dialogue (quote_origin = "dialogue")', rendered_by)
    return {"origin": origin, "rendered_by": rendered_by}


def _source(r: RecordReader) -> Source:
    r.no_other_fields(("id", "title", "outlet", "author", "year", "url", "note", "kind"))
    return Source(
        id=r.identifier(),
        title=r.string("title"),
        outlet=r.string("outlet", required=False),
        year=r.integer("year", 1900, 2100, required=False),
        author=r.string("author", required=False),
        url=r.url("url"),
        note=_prose(r, "note", required=False),
        kind=r.choice("kind", SOURCE_KINDS, required=False),
    )


def _prose(r: RecordReader, field: str, required: bool = True) -> Text | None:
    """A text field of prose (a role, a note, a language's name): per language even when given as one string.

    A plain string is read as English, and ``check --translations`` reports its missing French and Dutch, unlike
    a name such as "Jette" that is the same in every language.
    """
    text = r.text(field, required=required)
    missing = getattr(r.problems, "missing", None)
    if text is not None and missing is not None and isinstance(r.raw.get(field), str):
        missing.extend(
            Problem(r.file, r.label, f"{field}.{language}", "translation missing; English is shown") for language in TRANSLATIONS
        )
    return text


def _person(r: RecordReader) -> Person:
    r.no_other_fields(("id", "name", "kind", "description", "plays", "role"))
    kind = r.choice("kind", PERSON_KINDS)
    person = Person(
        id=r.identifier(),
        name=r.text("name") or Text.english(""),
        kind=kind,  # type: ignore[arg-type]
        description=r.text("description", required=False),
        plays=r.reference("plays", required=kind == "cast"),
        role=_prose(r, "role", required=kind == "crew"),
    )
    return person


def _place(r: RecordReader) -> Place:
    r.no_other_fields(
        ("id", "name", "description", "lat", "lon", "kind", "provenance", "commune", "evidence", "why", "description_safe")
    )
    provenance = r.choice("provenance", PROVENANCES)
    place = Place(
        id=r.identifier(),
        name=r.text("name") or Text.english(""),
        description=r.text("description") or Text.english(""),
        lat=r.number("lat", -90, 90),
        lon=r.number("lon", -180, 180),
        kind=r.choice("kind", PLACE_KINDS),  # type: ignore[arg-type]
        provenance=provenance,  # type: ignore[arg-type]
        commune=r.string("commune", required=provenance == "commune"),
        evidence=r.ids("evidence", required=provenance in ("documented", "commune")),
        why=r.text("why", required=provenance == "illustrative"),
        description_safe=r.text("description_safe", required=False),
    )
    return place


def _scene(r: RecordReader) -> Scene:
    r.no_other_fields(
        (
            "id",
            "order",
            "title",
            "time_of_day",
            "note",
            "characters",
            "place",
            "themes",
            "based_on",
            "quote",
            "source",
            "speaker",
            "quote_translation",
            "reading",
            *QUOTE_ORIGIN_FIELDS,
        )
    )
    scene = Scene(
        id=r.identifier(),
        order=r.integer("order", 1, 999),
        title=r.text("title") or Text.english(""),
        time_of_day=r.choice("time_of_day", TIMES_OF_DAY),  # type: ignore[arg-type]
        note=r.text("note") or Text.english(""),
        characters=r.ids("characters"),
        place=r.reference("place", required=False),
        themes=r.ids("themes", options=THEMES),
        based_on=r.ids("based_on", required=True),
        quote=_quote(r),
        reading=r.ids("reading", options=SCENE_READINGS),
    )
    if scene.quote is None and ("source" in r.raw or "speaker" in r.raw):
        r.problem("quote", "is missing, but source or speaker is given (they describe a quote)")
    return scene


def _fact(r: RecordReader) -> MossFact:
    r.no_other_fields(
        (
            "id",
            "kind",
            "title",
            "explanation",
            "source",
            "places",
            "quote",
            "speaker",
            "species",
            "look_for",
            "quote_translation",
            "scenes",
            *QUOTE_ORIGIN_FIELDS,
        )
    )
    kind = r.choice("kind", FACT_KINDS)
    fact = MossFact(
        id=r.identifier(),
        kind=kind,  # type: ignore[arg-type]
        title=r.text("title") or Text.english(""),
        explanation=r.text("explanation") or Text.english(""),
        source=r.reference("source"),
        places=r.ids("places"),
        quote=None,
        species=r.string("species", required=kind == "species"),
        look_for=r.text("look_for", required=kind == "species"),
        scenes=r.ids("scenes"),
    )
    quote_text = r.string("quote", required=kind in ("interview", "director"))
    if quote_text:
        speaker = r.reference("speaker", required=False)
        fact = replace(
            fact, quote=Quote(quote_text, fact.source, speaker, translations=r.translations("quote_translation"), **_quote_origin(r))
        )
    elif "speaker" in r.raw:
        r.problem("speaker", "is given, but there is no quote for it to attribute")
    return fact


def _tip(r: RecordReader) -> Tip:
    r.no_other_fields(("id", "title", "text"))
    return Tip(id=r.identifier(), title=r.text("title") or Text.english(""), text=r.text("text") or Text.english(""))


def _question(r: RecordReader) -> Question:
    r.no_other_fields(("id", "scene", "ages", "text", "phase"))
    phase = r.choice("phase", LESSON_PHASES, required=False) or "after"
    if phase == "before" and "scene" in r.raw:
        r.problem("scene", "must be left out of a question asked before viewing (it would tell of the film)", r.raw["scene"])
    return Question(
        id=r.identifier(),
        scene=r.reference("scene") if phase == "after" else "",
        ages=r.ids("ages", required=True, options=AGE_BANDS),
        text=r.text("text") or Text.english(""),
        phase=phase,
    )


def _sequence(r: RecordReader) -> Sequence:
    r.no_other_fields(("id", "scene", "title", "shots", "sources"))
    return Sequence(
        id=r.identifier(),
        scene=r.reference("scene"),
        title=r.text("title") or Text.english(""),
        shots=_texts(r, "shots", 2, 12),
        sources=r.ids("sources", required=True),
    )


TIMECODE = re.compile(r"(?:\d+:)?[0-5]?\d:[0-5]\d")
STILL_TYPES = (".jpg", ".jpeg", ".png", ".webp")


def _still(r: RecordReader) -> Still:
    r.no_other_fields(("id", "file", "scene", "credit", "licence", "alt", "timecode"))
    file = r.string("file")
    if file and (Path(file).name != file or Path(file).suffix.lower() not in STILL_TYPES):
        r.problem("file", f"must be a file name in the stills folder ending in {', '.join(STILL_TYPES)}", file)
        file = ""
    timecode = r.string("timecode", required=False)
    if timecode and not TIMECODE.fullmatch(timecode):
        r.problem("timecode", "must be minutes:seconds or hours:minutes:seconds into the film, like '1:02:30'", timecode)
        timecode = ""
    return Still(
        id=r.identifier(),
        file=file,
        scene=r.reference("scene"),
        credit=r.string("credit"),
        licence=r.string("licence"),
        alt=r.text("alt") or Text.english(""),
        timecode=timecode,
    )


def _term(r: RecordReader) -> Term:
    r.no_other_fields(
        ("id", "name", "explanation", "where", "scenes", "quote", "source", "speaker", "quote_translation", *QUOTE_ORIGIN_FIELDS)
    )
    return Term(
        id=r.identifier(),
        name=r.text("name") or Text.english(""),
        explanation=r.text("explanation") or Text.english(""),
        where=r.text("where") or Text.english(""),
        scenes=r.ids("scenes", required=True),
        quote=_term_quote(r),
    )


def _term_quote(r: RecordReader) -> Quote | None:
    """A term's quotation is optional (some terms have no verbatim words to support them); without one, a source
    or speaker is a mistake."""
    quote = _quote(r)
    if quote is None and ("source" in r.raw or "speaker" in r.raw):
        r.problem("quote", "is missing, but source or speaker is given (they describe a quote)")
    return quote


def _activity(r: RecordReader) -> Activity:
    r.no_other_fields(("id", "title", "ages", "minutes", "text"))
    return Activity(
        id=r.identifier(),
        title=r.text("title") or Text.english(""),
        ages=r.ids("ages", required=True, options=AGE_BANDS),
        minutes=r.integer("minutes", 1, 600),
        text=r.text("text") or Text.english(""),
    )


def _feature(r: RecordReader) -> BasemapFeature:
    kind = r.choice("kind", tuple(BASEMAP_KINDS))
    geometry = BASEMAP_KINDS.get(kind, "")
    r.no_other_fields(("id", "kind", "name", geometry) if geometry else ("id", "kind", "name", "point", "line", "area"))
    minimum = {"point": 1, "line": 2, "area": 3}.get(geometry, 1)
    return BasemapFeature(
        id=r.identifier(),
        kind=kind,
        name=r.text("name") or Text.english(""),
        points=r.points(geometry, minimum) if geometry else (),
    )


def _film(table: dict | None, file: str, problems: list[Problem]) -> tuple[RecordReader, Film] | None:
    if table is None:
        return None
    r = RecordReader(problems, file, "film", table, 1)
    r.label = "film"
    r.no_other_fields(
        (
            "title",
            "year",
            "director",
            "runtime_minutes",
            "country",
            "languages",
            "format",
            "synopsis",
            "dedication",
            "awards",
            "sources",
            "press",
            "spoilers_after",
        )
    )
    awards = _text_list(r, problems, file, "awards", required=False)
    press: list[Quote] = []
    press_raw = r.raw.get("press", [])
    if not isinstance(press_raw, list):
        r.problem("press", "must be a list of [[press]] tables", press_raw)
        press_raw = []
    for position, raw in enumerate(press_raw, start=1):
        sub = RecordReader(problems, file, "press quote", raw, position)
        sub.no_other_fields(("quote", "source", "speaker", "quote_translation", *QUOTE_ORIGIN_FIELDS))
        quote = _quote(sub, required=True)
        if quote:
            press.append(quote)
    film = Film(
        title=r.string("title"),
        year=r.integer("year", 1900, 2100),
        director=r.string("director"),
        runtime_minutes=r.integer("runtime_minutes", 1, 1000),
        country=_prose(r, "country") or Text.english(""),
        languages=_text_list(r, problems, file, "languages"),
        format=r.text("format") or Text.english(""),
        synopsis=r.text("synopsis") or Text.english(""),
        dedication=r.text("dedication") or Text.english(""),
        awards=awards,
        sources=r.ids("sources", required=True),
        press=tuple(press),
        spoilers_after=r.reference("spoilers_after", required=False),
    )
    return r, film


def _text_list(r: RecordReader, problems: list[Problem], file: str, field: str, required: bool = True) -> tuple[Text, ...]:
    """A list of texts, each a table of languages (``[{ en = "French", fr = "français" }]``), read as prose."""
    value = r.raw.get(field, [])
    if field not in r.raw and required:
        r.problem(field, "is required but missing")
    if not isinstance(value, list) or (required and field in r.raw and not value):
        r.problem(field, "must be a non-empty list of texts" if required else "must be a list of texts", value)
        return ()
    texts: list[Text] = []
    for position, item in enumerate(value, start=1):
        sub = RecordReader(problems, file, r.kind, {f"{field}[{position}]": item}, position)
        sub.label = r.label
        text = _prose(sub, f"{field}[{position}]")
        if text:
            texts.append(text)
    return tuple(texts)


class _References:
    """Checks that ids named in one record exist in another file (if that file could be read at all)."""

    def __init__(self, problems: list[Problem], sources, people, places, loaded: dict[str, bool]):
        self.source_ids = {s.id for _, s in sources}
        self.people = {p.id: p for _, p in people}
        self.place_ids = {p.id for _, p in places}
        self.loaded = loaded

    def sources(self, reader: RecordReader, field: str, ids: Iterable[str]) -> None:
        if not self.loaded["sources.toml"]:
            return
        for source_id in ids:
            if source_id not in self.source_ids:
                reader.problem(field, "names a source that is not in sources.toml", source_id)

    def place(self, reader: RecordReader, field: str, place_id: str) -> None:
        if self.loaded["places.toml"] and place_id not in self.place_ids:
            reader.problem(field, "names a place that is not in places.toml", place_id)

    def character(self, reader: RecordReader, field: str, person_id: str) -> None:
        if not self.loaded["people.toml"]:
            return
        person = self.people.get(person_id)
        if person is None:
            reader.problem(field, "names a person that is not in people.toml", person_id)
        elif person.kind != "character":
            reader.problem(field, f"must name a character, but {person_id!r} is {person.kind}", person_id)

    def quote(self, reader: RecordReader, quote: Quote | None, field: str = "source", check_source: bool = True) -> None:
        if quote is None:
            return
        if check_source and self.loaded["sources.toml"] and quote.source and quote.source not in self.source_ids:
            reader.problem(field, "names a source that is not in sources.toml", quote.source)
        if self.loaded["people.toml"] and quote.speaker and quote.speaker not in self.people:
            reader.problem("speaker", "names a person that is not in people.toml", quote.speaker)
        if self.loaded["people.toml"] and quote.rendered_by and quote.rendered_by not in self.people:
            reader.problem("rendered_by", "names a person that is not in people.toml", quote.rendered_by)


# --- the teacher's pack (teaching.toml) ----------------------------------------------------------------------


def _teaching(
    table: dict | None,
    file: str,
    problems: list[Problem],
    questions,
    terms,
    activities,
    source_ids: set[str] | None,
    classroom_loaded: bool,
    sequence_ids: set[str],
) -> TeacherPack | None:
    """Read teaching.toml and check it against the classroom material: plans add up to their minutes, every id
    they name exists, every question has exactly one hint and every hint a question."""
    if table is None:
        return None
    references = _records(table, file, "reference", _reference, problems)
    objectives = _records(table, file, "objectives", _objectives, problems)
    plans = _records(table, file, "plan", _plan, problems)
    hints = _records(table, file, "hint", _hint, problems)
    links = _records(table, file, "link", _link, problems)
    practical = _records(table, file, "practical", _practical, problems)
    safety = _records(table, file, "safety", _safety, problems)
    assessments = _records(table, file, "assessment", _assessment, problems)
    supports = _records(table, file, "support", _support, problems)

    known_sources = {r.id for _, r in references} | (source_ids or set())

    def cited(reader: RecordReader, ids: tuple[str, ...]) -> None:
        if source_ids is None:
            return
        for source_id in ids:
            if source_id not in known_sources:
                reader.problem("sources", "names neither a [[reference]] here nor a source in sources.toml", source_id)

    for ages, label in ((objectives, "objectives"), (plans, "plan"), (assessments, "assessment"), (supports, "support")):
        seen: set[tuple[str, ...]] = set()
        for reader, record in ages:
            key = (record.age, getattr(record, "kind", ""))
            if record.age and key in seen:
                reader.problem("age", f"has another [[{label}]] for the same age band", record.age)
            seen.add(key)
    for age in AGE_BANDS:
        for label, records in (("objectives", objectives), ("assessment", assessments), ("support", supports)):
            if not any(b.age == age for _, b in records):
                problems.append(Problem(file, "", label, f"no [[{label}]] for age band {age!r}"))
        for kind in LESSON_KINDS:
            if not any(p.age == age and p.kind == kind for _, p in plans):
                problems.append(Problem(file, "", "plan", f"no {kind!r} [[plan]] for age band {age!r}"))

    question_ages = {q.id: q.ages for _, q in questions}
    question_phases = {q.id: q.phase for _, q in questions}
    term_ids = {t.id for _, t in terms}
    activity_ids = {a.id for _, a in activities}
    for reader, plan in plans:
        if plan.kind in LESSON_KINDS and plan.steps and plan.minutes != LESSON_KINDS[plan.kind]:
            reader.problem(
                "step", f"minutes add up to {plan.minutes}, but a {plan.kind!r} plan takes {LESSON_KINDS[plan.kind]}", plan.minutes
            )
        allowed = SITUATION_PHASES.get(plan.kind, LESSON_PHASES)
        for phase in LESSON_PHASES:
            if plan.steps and phase in allowed and not any(step.phase == phase for step in plan.steps):
                reader.problem("step", f"has no step {phase} viewing")
            if phase not in allowed and any(step.phase == phase for step in plan.steps):
                reader.problem("step", f"has a step {phase} viewing, but a {plan.kind!r} plan has none")
        phases = [step.phase for step in plan.steps]
        if phases != sorted(phases, key=LESSON_PHASES.index):
            reader.problem("step", "puts a step before viewing after one after viewing")
        if not classroom_loaded:
            continue
        for number, step in enumerate(plan.steps, start=1):
            if step.sequence and step.sequence not in sequence_ids:
                reader.problem(f"step[{number}].sequence", "names a sequence that is not in classroom.toml", step.sequence)
            for question_id in step.questions:
                if question_id not in question_ages:
                    reader.problem(f"step[{number}].questions", "names a question that is not in classroom.toml", question_id)
                elif step.phase == "before" and question_phases[question_id] != "before":
                    reader.problem(
                        f"step[{number}].questions",
                        "names a question about a scene in a step before viewing (it would tell of the film)",
                        question_id,
                    )
                elif plan.age and plan.age not in question_ages[question_id]:
                    reader.problem(f"step[{number}].questions", f"names a question not asked of age band {plan.age!r}", question_id)
            for term_id in step.terms:
                if term_id not in term_ids:
                    reader.problem(f"step[{number}].terms", "names a term that is not in classroom.toml", term_id)
            for activity_id in step.activities:
                if activity_id not in activity_ids:
                    reader.problem(f"step[{number}].activities", "names an activity that is not in classroom.toml", activity_id)
    if classroom_loaded:
        hinted: dict[str, str] = {}
        for reader, hint in hints:
            if hint.question and hint.question not in question_ages:
                reader.problem("question", "names a question that is not in classroom.toml", hint.question)
            elif hint.question in hinted:
                reader.problem("question", "already has a hint", hint.question)
            hinted.setdefault(hint.question, hint.question)
        for question_id in question_ages:
            if question_id and question_id not in hinted:
                problems.append(Problem(file, "", "hint", f"question {question_id!r} (classroom.toml) has no [[hint]]"))
    cited_records: list[tuple[RecordReader, CurriculumLink | PracticalItem | SafetyNote]] = [*links, *practical, *safety]
    for reader, item in cited_records:
        cited(reader, item.sources)
    objective_counts = {b.age: len(b.objectives) for _, b in objectives}
    for reader, assessment in assessments:
        wanted = objective_counts.get(assessment.age)
        if wanted is not None and assessment.criteria and len(assessment.criteria) != wanted:
            reader.problem(
                "criteria",
                f"must give one success criterion per objective ({wanted} for age band {assessment.age!r})",
                len(assessment.criteria),
            )
    return TeacherPack(
        objectives=tuple(b for _, b in objectives),
        plans=tuple(p for _, p in plans),
        hints=tuple(h for _, h in hints),
        links=tuple(li for _, li in links),
        practical=tuple(p for _, p in practical),
        safety=tuple(s for _, s in safety),
        references=tuple(r for _, r in references),
        assessments=tuple(a for _, a in assessments),
        supports=tuple(s for _, s in supports),
    )


def _assessment(r: RecordReader) -> BandAssessment:
    r.label = f"assessment {r.raw.get('age')!r}"
    r.no_other_fields(("age", "criteria", "rubric", "exit_ticket"))
    rubrics = []
    raw_rubrics = r.raw.get("rubric")
    if not isinstance(raw_rubrics, list):
        r.problem("rubric", f"must be a list of [[assessment.rubric]] tables, one for each of {', '.join(RUBRIC_TASKS)}")
        raw_rubrics = []
    for number, raw in enumerate(raw_rubrics, start=1):
        sub = RecordReader(r.problems, r.file, r.kind, raw, number)
        sub.label = f"{r.label} rubric {number}"
        sub.no_other_fields(("task", "levels"))
        rubrics.append(Rubric(task=sub.choice("task", RUBRIC_TASKS), levels=_texts(sub, "levels", RUBRIC_LEVELS, RUBRIC_LEVELS)))
    tasks = [rubric.task for rubric in rubrics]
    for task in RUBRIC_TASKS:
        if raw_rubrics and tasks.count(task) != 1:
            r.problem("rubric", f"must have exactly one rubric for task {task!r}", tasks.count(task))
    return BandAssessment(
        age=r.choice("age", AGE_BANDS),
        criteria=_texts(r, "criteria", 3, 5),
        rubrics=tuple(rubrics),
        exit_ticket=_texts(r, "exit_ticket", 2, 4),
    )


def _support(r: RecordReader) -> BandSupport:
    r.label = f"support {r.raw.get('age')!r}"
    r.no_other_fields(("age", "words", "starters", "extension", "adapt"))
    return BandSupport(
        age=r.choice("age", AGE_BANDS),
        words=_texts(r, "words", 6, 20),
        starters=_texts(r, "starters", 3, 10),
        extension=r.text("extension") or Text.english(""),
        adapt=r.text("adapt"),
    )


def _reference(r: RecordReader) -> Reference:
    r.no_other_fields(("id", "title", "outlet", "url", "year", "note"))
    if "url" not in r.raw:
        r.problem("url", "is required but missing (a reference is a public page)")
    return Reference(
        id=r.identifier(),
        title=r.string("title"),
        outlet=r.string("outlet"),
        url=r.url("url"),
        year=r.integer("year", 1900, 2100, required=False),
        note=r.string("note", required=False),
    )


def _objectives(r: RecordReader) -> BandObjectives:
    r.label = f"objectives {r.raw.get('age')!r}"
    r.no_other_fields(("age", "objective"))
    return BandObjectives(age=r.choice("age", AGE_BANDS), objectives=_texts(r, "objective", 3, 5))


def _texts(r: RecordReader, field: str, low: int, high: int) -> tuple[Text, ...]:
    """A list of texts (each a table of languages), from ``low`` to ``high`` long."""
    raw = r.raw.get(field)
    if not isinstance(raw, list) or not low <= len(raw) <= high:
        r.problem(field, f"must be a list of {low} to {high} texts", raw)
        return ()
    texts = []
    for position, item in enumerate(raw, start=1):
        sub = RecordReader(r.problems, r.file, r.kind, {f"{field}[{position}]": item}, position)
        sub.label = r.label
        text = sub.text(f"{field}[{position}]")
        if text:
            texts.append(text)
    return tuple(texts)


def _plan(r: RecordReader) -> LessonPlan:
    r.label = f"plan {r.raw.get('age')!r} {r.raw.get('kind')!r}"
    r.no_other_fields(("age", "kind", "step"))
    age, kind = r.choice("age", AGE_BANDS), r.choice("kind", tuple(LESSON_KINDS))
    raw_steps = r.raw.get("step")
    if not isinstance(raw_steps, list) or not raw_steps:
        r.problem("step", "must be a list of [[plan.step]] tables")
        return LessonPlan(age, kind, ())
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        sub = RecordReader(r.problems, r.file, r.kind, raw, number)
        sub.label = f"{r.label} step {number}"
        sub.no_other_fields(("minutes", "phase", "title", "text", "questions", "terms", "activities", "sequence"))
        steps.append(
            LessonStep(
                minutes=sub.integer("minutes", 1, 50),
                phase=sub.choice("phase", LESSON_PHASES),
                title=sub.text("title") or Text.english(""),
                text=sub.text("text") or Text.english(""),
                questions=sub.ids("questions"),
                terms=sub.ids("terms"),
                activities=sub.ids("activities"),
                sequence=sub.reference("sequence", required=False),
            )
        )
    return LessonPlan(age, kind, tuple(steps))


def _hint(r: RecordReader) -> Hint:
    r.label = f"hint {r.raw.get('question')!r}"
    r.no_other_fields(("question", "text"))
    return Hint(question=r.reference("question"), text=r.text("text") or Text.english(""))


def _link(r: RecordReader) -> CurriculumLink:
    r.no_other_fields(("id", "community", "subjects", "name", "note", "sources", "ages"))
    return CurriculumLink(
        id=r.identifier(),
        community=r.choice("community", COMMUNITIES),
        subjects=r.ids("subjects", required=True, options=SUBJECTS),
        name=r.string("name"),
        note=r.text("note") or Text.english(""),
        sources=r.ids("sources", required=True),
        ages=r.ids("ages", options=AGE_BANDS) or AGE_BANDS,
    )


def _practical(r: RecordReader) -> PracticalItem:
    r.no_other_fields(("id", "label", "value", "sources"))
    return PracticalItem(
        id=r.identifier(),
        label=r.text("label") or Text.english(""),
        value=r.text("value") or Text.english(""),
        sources=r.ids("sources", required=True),
    )


def _safety(r: RecordReader) -> SafetyNote:
    r.no_other_fields(("id", "title", "text", "sources"))
    return SafetyNote(
        id=r.identifier(), title=r.text("title") or Text.english(""), text=r.text("text") or Text.english(""), sources=r.ids("sources")
    )


# --- the walks (walks.toml) ---------------------------------------------------------------------------------


def _walks(
    table: dict | None, file: str, problems: list[Problem], places, refs: _References, osm: tuple[BasemapFeature, ...] = ()
) -> tuple[WalkRoute, ...]:
    """Read walks.toml: every stop is a known place (none twice) a walker can stand on (not railway land, not
    water, on the OpenStreetMap geometry), every route short enough to walk."""
    from explorer.walk import MAX_ROUTE_METRES, straight_line_metres

    routes = _records(table, file, "route", _route, problems)
    where = {p.id: (p.lat, p.lon) for _, p in places}
    by_id = {p.id: p for _, p in places}
    for reader, route in routes:
        refs.sources(reader, "sources", route.sources)
        for stop in route.stops:
            refs.place(reader, "stops", stop)
            if stop in by_id and (wrong := osmdata.ground_problem(by_id[stop], osm)):
                record = f"{file.rsplit('/', 1)[0]}/places.toml, place {stop!r}"
                reader.problem(
                    "stops", f"stop {stop!r}: {wrong}; move the place (its lat and lon in {record}) to where a walker can stand", stop
                )
        if route.stops and len(route.stops) < 2:
            reader.problem("stops", "must list at least two places: a walk goes from one to another", list(route.stops))
        metres = straight_line_metres(where[s] for s in route.stops if s in where)
        if metres > MAX_ROUTE_METRES:
            reader.problem(
                "stops",
                f"add up to {metres / 1000:.1f} km in straight lines; a walk may be at most "
                f"{MAX_ROUTE_METRES / 1000:.1f} km (split it, or reorder its stops)",
            )
    return tuple(r for _, r in routes)


def _route(r: RecordReader) -> WalkRoute:
    r.no_other_fields(("id", "area", "name", "description", "stops", "sources"))
    return WalkRoute(
        id=r.identifier(),
        area=r.text("area") or Text.english(""),
        name=r.text("name") or Text.english(""),
        description=r.text("description") or Text.english(""),
        stops=r.ids("stops", required=True),
        sources=r.ids("sources"),
    )
