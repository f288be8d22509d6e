"""Load every content file in ``data/`` once, validate it, and resolve references between records."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from explorer.errors import ContentError, Problem
from explorer.fields import Findings, RecordReader
from explorer.i18n import LANGUAGES
from explorer.model import (
    AGE_BANDS,
    BASEMAP_KINDS,
    FACT_KINDS,
    PERSON_KINDS,
    PLACE_KINDS,
    PROVENANCES,
    THEMES,
    TIMES_OF_DAY,
    Activity,
    BasemapFeature,
    Content,
    Film,
    MossFact,
    Person,
    Place,
    Question,
    Quote,
    Scene,
    Source,
    Term,
    Text,
    Tip,
)
from explorer.tomlfile import TooDeep, parse_toml

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"

T = TypeVar("T")

FILES = ("film.toml", "places.toml", "scenes.toml", "moss.toml", "sources.toml", "people.toml", "basemap.toml",
         "classroom.toml")
# The record tables each file holds, and whether the file must hold at least one of them.
RECORD_TABLES = {
    "places.toml": (("place", True),),
    "scenes.toml": (("scene", True),),
    "moss.toml": (("fact", True), ("tip", False)),
    "sources.toml": (("source", True),),
    "people.toml": (("person", True),),
    "basemap.toml": (("feature", True),),
    "classroom.toml": (("question", True), ("term", True), ("activity", True)),
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
    questions = _records(tables["classroom.toml"], path("classroom.toml"), "question", _question, problems)
    terms = _records(tables["classroom.toml"], path("classroom.toml"), "term", _term, problems)
    activities = _records(tables["classroom.toml"], path("classroom.toml"), "activity", _activity, problems)
    film = _film(tables["film.toml"], path("film.toml"), problems)

    loaded = {name: tables[name] is not None for name in FILES}
    refs = _References(problems, sources, people, places, loaded)
    for reader, person in people:
        if person.plays:
            refs.character(reader, "plays", person.plays)
    names: dict[tuple[str, str], str] = {}
    for reader, place in places:
        refs.sources(reader, "evidence", place.evidence)
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
        basemap=tuple(f for _, f in basemap),
        questions=tuple(q for _, q in questions),
        terms=tuple(t for _, t in terms),
        activities=tuple(a for _, a in activities),
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
    return Quote(text=text, source=source, speaker=speaker, translations=reader.translations("quote_translation"))


def _source(r: RecordReader) -> Source:
    r.no_other_fields(("id", "title", "outlet", "author", "year", "url", "note"))
    return Source(
        id=r.identifier(),
        title=r.string("title"),
        outlet=r.string("outlet", required=False),
        year=r.integer("year", 1900, 2100, required=False),
        author=r.string("author", required=False),
        url=r.url("url"),
        note=r.string("note", required=False),
    )


def _person(r: RecordReader) -> Person:
    r.no_other_fields(("id", "name", "kind", "description", "plays", "role"))
    kind = r.choice("kind", PERSON_KINDS)
    person = Person(
        id=r.identifier(),
        name=r.string("name"),
        kind=kind,  # type: ignore[arg-type]
        description=r.text("description", required=False),
        plays=r.reference("plays", required=kind == "cast"),
        role=r.string("role", required=kind == "crew"),
    )
    return person


def _place(r: RecordReader) -> Place:
    r.no_other_fields(
        ("id", "name", "description", "lat", "lon", "kind", "provenance", "commune", "evidence", "why")
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
    )
    return place


def _scene(r: RecordReader) -> Scene:
    r.no_other_fields(
        ("id", "order", "title", "time_of_day", "note", "characters", "place", "themes", "based_on",
         "quote", "source", "speaker", "quote_translation")
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
    )
    if scene.quote is None and ("source" in r.raw or "speaker" in r.raw):
        r.problem("quote", "is missing, but source or speaker is given (they describe a quote)")
    return scene


def _fact(r: RecordReader) -> MossFact:
    r.no_other_fields(
        ("id", "kind", "title", "explanation", "source", "places", "quote", "speaker", "species", "look_for",
         "quote_translation")
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
    )
    quote_text = r.string("quote", required=kind in ("interview", "director"))
    if quote_text:
        speaker = r.reference("speaker", required=False)
        fact = replace(fact, quote=Quote(quote_text, fact.source, speaker,
                                         translations=r.translations("quote_translation")))
    elif "speaker" in r.raw:
        r.problem("speaker", "is given, but there is no quote for it to attribute")
    return fact


def _tip(r: RecordReader) -> Tip:
    r.no_other_fields(("id", "title", "text"))
    return Tip(id=r.identifier(), title=r.text("title") or Text.english(""), text=r.text("text") or Text.english(""))


def _question(r: RecordReader) -> Question:
    r.no_other_fields(("id", "scene", "ages", "text"))
    return Question(
        id=r.identifier(), scene=r.reference("scene"), ages=r.ids("ages", required=True, options=AGE_BANDS),
        text=r.text("text") or Text.english(""),
    )


def _term(r: RecordReader) -> Term:
    r.no_other_fields(("id", "name", "explanation", "where", "scenes", "quote", "source", "speaker", "quote_translation"))
    return Term(
        id=r.identifier(),
        name=r.text("name") or Text.english(""),
        explanation=r.text("explanation") or Text.english(""),
        where=r.text("where") or Text.english(""),
        scenes=r.ids("scenes", required=True),
        quote=_quote(r, required=True) or Quote("", ""),
    )


def _activity(r: RecordReader) -> Activity:
    r.no_other_fields(("id", "title", "ages", "minutes", "text"))
    return Activity(
        id=r.identifier(), title=r.text("title") or Text.english(""), ages=r.ids("ages", required=True, options=AGE_BANDS),
        minutes=r.integer("minutes", 1, 600), text=r.text("text") or Text.english(""),
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
        ("title", "year", "director", "runtime_minutes", "country", "languages", "format", "synopsis",
         "dedication", "awards", "sources", "press", "spoilers_after")
    )
    awards_raw = r.raw.get("awards", [])
    awards: list[Text] = []
    if not isinstance(awards_raw, list):
        r.problem("awards", "must be a list of texts", awards_raw)
    else:
        for position, award in enumerate(awards_raw, start=1):
            sub = RecordReader(problems, file, "film", {f"awards[{position}]": award}, position)
            sub.label = "film"
            text = sub.text(f"awards[{position}]")
            if text:
                awards.append(text)
    press: list[Quote] = []
    press_raw = r.raw.get("press", [])
    if not isinstance(press_raw, list):
        r.problem("press", "must be a list of [[press]] tables", press_raw)
        press_raw = []
    for position, raw in enumerate(press_raw, start=1):
        sub = RecordReader(problems, file, "press quote", raw, position)
        sub.no_other_fields(("quote", "source", "speaker", "quote_translation"))
        quote = _quote(sub, required=True)
        if quote:
            press.append(quote)
    film = Film(
        title=r.string("title"),
        year=r.integer("year", 1900, 2100),
        director=r.string("director"),
        runtime_minutes=r.integer("runtime_minutes", 1, 1000),
        country=r.string("country"),
        languages=r.names("languages"),
        format=r.text("format") or Text.english(""),
        synopsis=r.text("synopsis") or Text.english(""),
        dedication=r.text("dedication") or Text.english(""),
        awards=tuple(awards),
        sources=r.ids("sources", required=True),
        press=tuple(press),
        spoilers_after=r.reference("spoilers_after", required=False),
    )
    return r, film


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
