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
    note: str = ""

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
    name: str
    kind: PersonKind
    description: Text | None = None
    plays: str = ""  # for cast: the character id
    role: str = ""  # for crew: what they did


@dataclass(frozen=True)
class Quote:
    """A verbatim quotation, who said it and where it was published."""

    text: str
    source: str  # source id
    speaker: str = ""  # person id, or empty when the source's author speaks
    language: str = DEFAULT_LANGUAGE  # the language it was said in
    translations: tuple[tuple[str, str], ...] = ()  # our translations, by language

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
    quote: Quote


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
    country: str
    languages: tuple[str, ...]
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
