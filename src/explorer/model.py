"""The explorer's content as frozen dataclasses with stable ids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DEFAULT_LANGUAGE = "en"

PlaceKind = Literal["city", "green"]
Provenance = Literal["documented", "commune", "illustrative"]
TimeOfDay = Literal["day", "dusk", "night"]
PersonKind = Literal["character", "cast", "crew"]
FactKind = Literal["interview", "director", "general", "species"]

PLACE_KINDS: tuple[str, ...] = ("city", "green")
PROVENANCES: tuple[str, ...] = ("documented", "commune", "illustrative")
TIMES_OF_DAY: tuple[str, ...] = ("day", "dusk", "night")
THEMES: tuple[str, ...] = ("soup", "moss", "migration", "night-and-insomnia", "language", "care")
PERSON_KINDS: tuple[str, ...] = ("character", "cast", "crew")
FACT_KINDS: tuple[str, ...] = ("interview", "director", "general", "species")
SOURCE_KINDS: tuple[str, ...] = ("botany",)
QUOTE_ORIGINS: tuple[str, ...] = ("dialogue", "second-hand")
# basemap feature kind -> the geometry field it takes
AGE_BANDS: tuple[str, ...] = ("10-13", "14-18", "adults")
BASEMAP_KINDS: dict[str, str] = {
    "commune": "point", "landmark": "point", "canal": "line", "railway": "line", "reserve": "area", "ring": "area",
}


@dataclass(frozen=True)
class Text:
    """A text in one or more languages; English is always present."""

    by_language: tuple[tuple[str, str], ...]

    def get(self, language: str = DEFAULT_LANGUAGE) -> str:
        """The text in ``language``, falling back to English."""
        values = dict(self.by_language)
        return values.get(language) or values[DEFAULT_LANGUAGE]

    def __str__(self) -> str:
        return self.get()

    @classmethod
    def english(cls, text: str) -> Text:
        return cls(((DEFAULT_LANGUAGE, text),))


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    outlet: str = ""
    year: int = 0  # 0 when unknown
    author: str = ""
    url: str = ""
    note: Text | None = None  # what the source holds, per language
    kind: str = ""  # "botany" for a botanical reference (species facts must cite one); empty otherwise

    def citation(self, with_author: bool = True) -> str:
        """A one-line citation: author, title, outlet, year (each only once)."""
        parts = [self.author] if with_author and self.author else []
        parts.append(self.title)
        if self.outlet and self.outlet not in self.title:
            parts.append(self.outlet)
        text = ", ".join(parts)
        if self.year and str(self.year) not in text:
            text += f", {self.year}"
        return text


@dataclass(frozen=True)
class Person:
    id: str
    name: Text  # a plain name is the same in every language; a character like "The mechanic" is not
    kind: PersonKind
    description: Text | None = None
    plays: str = ""  # for cast: the character id
    role: Text | None = None  # for crew: what they did


@dataclass(frozen=True)
class Quote:
    """A verbatim quotation, who said it and where it was published."""

    text: str
    source: str  # source id
    speaker: str = ""  # person id, or empty when the source's author speaks
    language: str = DEFAULT_LANGUAGE  # the language it was said in
    translations: tuple[tuple[str, str], ...] = ()  # our translations, by language
    # How the words reached us (QUOTE_ORIGINS): "" the speaker's own words as the source prints them;
    # "dialogue" a film line as the source (or rendered_by) renders it in English, not the film's own words;
    # "second-hand" known only as quoted elsewhere, original language unknown.
    origin: str = ""
    rendered_by: str = ""  # person id: who renders film dialogue (empty: the source's author)

    def translation(self, language: str) -> str:
        """Our translation into ``language``, or empty when it is the original language or not translated."""
        return dict(self.translations).get(language, "") if language != self.language else ""


@dataclass(frozen=True)
class Place:
    id: str
    name: Text
    description: Text
    lat: float
    lon: float
    kind: PlaceKind
    provenance: Provenance
    commune: str = ""
    evidence: tuple[str, ...] = ()  # source ids
    why: Text | None = None  # for illustrative places: why the spot is plausible
    description_safe: Text | None = None  # shown in spoiler-safe mode when the description tells a hidden scene

    def description_for(self, spoiler_safe: bool) -> Text:
        """The description to show: the spoiler-free one in spoiler-safe mode, when there is one."""
        return self.description_safe if spoiler_safe and self.description_safe is not None else self.description


@dataclass(frozen=True)
class Scene:
    id: str
    order: int
    title: Text
    time_of_day: TimeOfDay
    note: Text
    characters: tuple[str, ...] = ()
    place: str = ""  # place id; empty when the film gives no mappable place
    themes: tuple[str, ...] = ()
    based_on: tuple[str, ...] = ()  # source ids
    quote: Quote | None = None


@dataclass(frozen=True)
class MossFact:
    id: str
    kind: FactKind
    title: Text
    explanation: Text
    source: str
    places: tuple[str, ...] = ()
    quote: Quote | None = None
    species: str = ""  # scientific name, for species to look for
    look_for: Text | None = None
    scenes: tuple[str, ...] = ()  # scene ids the fact tells of: hidden in spoiler-safe mode when any is hidden


@dataclass(frozen=True)
class Tip:
    """How to look at moss: a short, practical hint."""

    id: str
    title: Text
    text: Text


@dataclass(frozen=True)
class Question:
    """A discussion question about one scene, for one or more age bands."""

    id: str
    scene: str
    ages: tuple[str, ...]
    text: Text


@dataclass(frozen=True)
class Term:
    """A film-language term: what it means, where it shows in the film, and the director's words."""

    id: str
    name: Text
    explanation: Text
    where: Text
    scenes: tuple[str, ...]
    quote: Quote | None = None  # None when no verbatim quotation supports the term


@dataclass(frozen=True)
class Activity:
    id: str
    title: Text
    ages: tuple[str, ...]
    minutes: int
    text: Text


@dataclass(frozen=True)
class BasemapFeature:
    """A piece of the explorer's own simplified map: a name, a line or an area; points are (lat, lon)."""

    id: str
    kind: str
    name: Text
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Film:
    title: str
    year: int
    director: str
    runtime_minutes: int
    country: Text
    languages: tuple[Text, ...]  # spoken in the film, each named per language
    format: Text
    synopsis: Text
    dedication: Text
    awards: tuple[Text, ...]
    sources: tuple[str, ...]
    press: tuple[Quote, ...] = ()
    spoilers_after: str = ""  # scene id: the scenes after it are hidden in spoiler-safe mode


@dataclass(frozen=True)
class Content:
    """All the explorer's content, validated; references between records resolve."""

    film: Film
    places: tuple[Place, ...]
    scenes: tuple[Scene, ...]
    facts: tuple[MossFact, ...]
    tips: tuple[Tip, ...]
    sources: tuple[Source, ...]
    people: tuple[Person, ...]
    basemap: tuple[BasemapFeature, ...] = ()
    questions: tuple[Question, ...] = ()
    terms: tuple[Term, ...] = ()
    activities: tuple[Activity, ...] = ()
    teaching: TeacherPack | None = None  # the teacher's pack (data/teaching.toml)
    walks: tuple[WalkRoute, ...] = ()  # the walks a person can do (data/walks.toml)
    # Lookups by id, built from the fields; never passed in, so a copy (dataclasses.replace) builds its own
    # instead of overwriting the original's.
    _index: dict = field(init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: {item.id: item for item in getattr(self, name)}
                                            for name in ("places", "scenes", "facts", "sources", "people", "tips")})

    def place(self, place_id: str) -> Place | None:
        return self._index["places"].get(place_id)

    def scene(self, scene_id: str) -> Scene | None:
        return self._index["scenes"].get(scene_id)

    def fact(self, fact_id: str) -> MossFact | None:
        return self._index["facts"].get(fact_id)

    def source(self, source_id: str) -> Source:
        return self._index["sources"][source_id]

    def person(self, person_id: str) -> Person:
        return self._index["people"][person_id]

    def people_of_kind(self, kind: str) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.kind == kind)

    def characters(self) -> tuple[Person, ...]:
        return self.people_of_kind("character")

    def scenes_at(self, place_id: str) -> tuple[Scene, ...]:
        """The scenes set at a place, in story order."""
        return tuple(s for s in self.scenes if s.place == place_id)

    def facts_of_kind(self, *kinds: str) -> tuple[MossFact, ...]:
        """The moss facts of the given kinds, in file order."""
        return tuple(f for f in self.facts if f.kind in kinds)

    def spoilers(self) -> frozenset[str]:
        """Ids of the scenes after the first encounter: hidden in spoiler-safe mode."""
        limit = self.scene(self.film.spoilers_after)
        return frozenset(s.id for s in self.scenes if limit is not None and s.order > limit.order)

    def visible_scenes(self, spoiler_safe: bool) -> tuple[Scene, ...]:
        hidden = self.spoilers() if spoiler_safe else frozenset()
        return tuple(s for s in self.scenes if s.id not in hidden)

    def questions_for(self, scene_id: str, age: str | None = None) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scene == scene_id and (age is None or age in q.ages))

    def facts_at(self, place_id: str) -> tuple[MossFact, ...]:
        """The moss facts tied to a place."""
        return tuple(f for f in self.facts if place_id in f.places)

    def fact_visible(self, fact: MossFact, spoiler_safe: bool) -> bool:
        """Whether a fact may be shown: in spoiler-safe mode, not when it tells a hidden scene."""
        return not (spoiler_safe and self.spoilers().intersection(fact.scenes))

    def visible_facts(self, spoiler_safe: bool, *kinds: str) -> tuple[MossFact, ...]:
        """The facts that may be shown (of the given kinds, or all), in file order."""
        return tuple(f for f in self.facts if (not kinds or f.kind in kinds) and self.fact_visible(f, spoiler_safe))

    def visible_facts_at(self, place_id: str, spoiler_safe: bool) -> tuple[MossFact, ...]:
        """The facts tied to a place that may be shown."""
        return tuple(f for f in self.facts_at(place_id) if self.fact_visible(f, spoiler_safe))


# --- the teacher's pack (data/teaching.toml) ---------------------------------------------------------------

LESSON_PHASES: tuple[str, ...] = ("before", "after")  # before or after viewing the film
LESSON_KINDS: dict[str, int] = {"lesson": 50, "short": 20}  # plan kind -> the minutes its steps add up to
SUBJECTS: tuple[str, ...] = ("biology", "geography", "media-literacy", "film")
COMMUNITIES: tuple[str, ...] = ("fwb", "flanders")  # French-speaking (Federation Wallonia-Brussels), Flemish


@dataclass(frozen=True)
class Reference:
    """A public page the teacher's pack relies on (a curriculum framework, a rule for nature reserves)."""

    id: str
    title: str
    outlet: str
    url: str
    year: int = 0
    note: str = ""


@dataclass(frozen=True)
class LessonStep:
    """One timed step of a lesson plan, before or after viewing, with the explorer's material it uses."""

    minutes: int
    phase: str  # one of LESSON_PHASES
    title: Text
    text: Text
    questions: tuple[str, ...] = ()  # question ids (classroom.toml)
    terms: tuple[str, ...] = ()  # term ids (classroom.toml)
    activities: tuple[str, ...] = ()  # activity ids (classroom.toml)


@dataclass(frozen=True)
class LessonPlan:
    """A lesson for one age band: the 50-minute period ("lesson") or the 20-minute variant ("short")."""

    age: str
    kind: str  # one of LESSON_KINDS
    steps: tuple[LessonStep, ...]

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def phase_minutes(self, phase: str) -> int:
        return sum(step.minutes for step in self.steps if step.phase == phase)


@dataclass(frozen=True)
class BandObjectives:
    """What pupils of one age band should be able to do after the lesson."""

    age: str
    objectives: tuple[Text, ...]


@dataclass(frozen=True)
class Hint:
    """The teacher's note for one question: what pupils may say and what to point to."""

    question: str  # question id
    text: Text


@dataclass(frozen=True)
class CurriculumLink:
    """A curriculum framework a lesson can be linked to, named only as far as its reference supports."""

    id: str
    community: str  # one of COMMUNITIES
    subjects: tuple[str, ...]  # from SUBJECTS
    name: str  # the framework's own name, in its own language
    note: Text  # what it covers here, and how far we checked it
    sources: tuple[str, ...]  # reference or source ids


@dataclass(frozen=True)
class PracticalItem:
    """A practical fact for planning a screening (running time, languages...), from the sources only."""

    id: str
    label: Text
    value: Text
    sources: tuple[str, ...]


@dataclass(frozen=True)
class SafetyNote:
    """Moss-walk logistics and safety: what to do and not do, with the rule's source where there is one."""

    id: str
    title: Text
    text: Text
    sources: tuple[str, ...] = ()  # empty when it is our own advice


@dataclass(frozen=True)
class TeacherPack:
    """Everything a teacher needs for a lesson about the film, per age band."""

    objectives: tuple[BandObjectives, ...]
    plans: tuple[LessonPlan, ...]
    hints: tuple[Hint, ...]
    links: tuple[CurriculumLink, ...]
    practical: tuple[PracticalItem, ...]
    safety: tuple[SafetyNote, ...]
    references: tuple[Reference, ...]

    def objectives_for(self, age: str) -> tuple[Text, ...]:
        return next((b.objectives for b in self.objectives if b.age == age), ())

    def plan(self, age: str, kind: str) -> LessonPlan | None:
        return next((p for p in self.plans if p.age == age and p.kind == kind), None)

    def hint(self, question_id: str) -> Hint | None:
        return next((h for h in self.hints if h.question == question_id), None)

    def reference(self, reference_id: str) -> Reference | None:
        return next((r for r in self.references if r.id == reference_id), None)


@dataclass(frozen=True)
class WalkRoute:
    """A short walk through some of the film's places in one area, its stops in walking order (data/walks.toml)."""

    id: str
    area: Text
    name: Text
    description: Text
    stops: tuple[str, ...]  # place ids, in the order that backtracks least (not the story's order)
    sources: tuple[str, ...] = ()  # source ids for what the description states
