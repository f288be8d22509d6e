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
SCENE_READINGS: tuple[str, ...] = ("time_of_day",)  # scene fields that may be our reading rather than a source's
THEMES: tuple[str, ...] = ("soup", "moss", "migration", "night-and-insomnia", "language", "care")
PERSON_KINDS: tuple[str, ...] = ("character", "cast", "crew")
FACT_KINDS: tuple[str, ...] = ("interview", "director", "general", "species")
SOURCE_KINDS: tuple[str, ...] = ("botany",)
QUOTE_ORIGINS: tuple[str, ...] = ("dialogue", "second-hand")
# basemap feature kind -> the geometry field it takes
AGE_BANDS: tuple[str, ...] = ("10-13", "14-18", "adults")
BASEMAP_KINDS: dict[str, str] = {  # drawn by hand in data/basemap.toml
    "landmark": "point",
    "ring": "area",
}
# derived from OpenStreetMap into data/basemap/*.geojson (explorer/osmbuild.py), read by explorer/osmdata.py
OSM_KINDS: dict[str, str] = {
    "commune": "area",
    "section": "area",  # a part of a commune (Laeken, Haren, Neder-Over-Heembeek in the City of Brussels)
    "border": "line",  # what the map draws of the communes: each border once, none along the area's cut edge
    "section-border": "line",
    "railway": "line",  # main lines above ground, one line per bundle of tracks
    "rail-yard": "area",  # the land of yards and sidings
    "passage": "point",  # a railway bridge not over water: a street or path passes under the tracks
    "canal": "area",
    "canal-line": "line",  # the canal's course (what a straight line crosses)
    "water": "area",  # basins, ponds
    "wetland": "area",
    "stream": "line",
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
        """The description to show: the spoiler-free one in spoiler-safe mode, when there is one. The same rule as
        ``explorer.spoilers.Visibility.description``, which every page, PDF, export and GPX uses."""
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
    reading: tuple[str, ...] = ()  # fields (SCENE_READINGS) that are our reading: no source gives them

    def is_reading(self, field: str) -> bool:
        return field in self.reading


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
    """A discussion question for one or more age bands: about one scene (asked after viewing), or asked before
    viewing (``phase = "before"``, no scene: it reveals nothing of the film)."""

    id: str
    scene: str  # scene id; empty for a question asked before viewing
    ages: tuple[str, ...]
    text: Text
    phase: str = "after"  # one of LESSON_PHASES


@dataclass(frozen=True)
class Sequence:
    """A sequence to study closely: a scene, and the shots it is made of described in our own words (used when
    no still of it is available), with the sources the description rests on."""

    id: str
    scene: str
    title: Text
    shots: tuple[Text, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Still:
    """A still from the film that a festival or school has the right to use (data/stills.toml): the image file in
    data/stills/, who made it, under what licence, the scene it comes from, and where in the film when known."""

    id: str
    file: str  # file name in data/stills/
    scene: str  # scene id
    credit: str
    licence: str
    alt: Text  # what the image shows, for screen readers and for the printed caption
    timecode: str = ""  # "h:mm:ss" or "mm:ss" into the film, when known


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
    """A piece of the explorer's own map: a name, a point, a line or an area (one ring, its outline); points are
    (lat, lon). Communes and sections carry where their name goes (``label``); a section names its ``commune``."""

    id: str
    kind: str
    name: Text
    points: tuple[tuple[float, float], ...]
    label: tuple[float, float] | None = None
    commune: str = ""
    also: tuple[tuple[float, float], ...] = ()  # other spots for the name (a zoomed-in view finds one in sight)


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
    sequences: tuple[Sequence, ...] = ()  # sequences to study shot by shot (classroom.toml)
    stills: tuple[Still, ...] = ()  # the film's stills a festival or school may use (data/stills.toml, optional)
    stills_dir: str = ""  # the folder the stills' files are in
    # Lookups by id, built from the fields; never passed in, so a copy (dataclasses.replace) builds its own
    # instead of overwriting the original's.
    _index: dict = field(init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_index",
            {
                name: {item.id: item for item in getattr(self, name)}
                for name in ("places", "scenes", "facts", "sources", "people", "tips", "questions", "sequences")
            },
        )
        order = {scene.id: scene.order for scene in self.scenes}
        story = sorted(self.questions, key=lambda q: (q.phase != "before", order.get(q.scene, 0)))  # stable sort
        self._index["numbers"] = {q.id: number for number, q in enumerate(story, start=1)}

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
        """Ids of the scenes after the first encounter: hidden in spoiler-safe mode. The one source of hidden scene
        ids; what else is hidden is decided by ``explorer.spoilers.visibility``, built on it."""
        limit = self.scene(self.film.spoilers_after)
        return frozenset(s.id for s in self.scenes if limit is not None and s.order > limit.order)

    def visible_scenes(self, spoiler_safe: bool) -> tuple[Scene, ...]:
        """``visibility(content, spoiler_safe).scenes()`` (explorer.spoilers), kept for older callers."""
        from explorer.spoilers import visibility

        return visibility(self, spoiler_safe).scenes()

    def questions_for(self, scene_id: str, age: str | None = None) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scene == scene_id and q.phase == "after" and (age is None or age in q.ages))

    def question(self, question_id: str) -> Question | None:
        return self._index["questions"].get(question_id)

    def question_number(self, question_id: str) -> int:
        """A question's one number, the same on every page, PDF, projector, phone and export: the questions asked
        before viewing first, then the others in story order (the order of the file within a scene)."""
        return self._index["numbers"][question_id]

    def question_label(self, question_id: str) -> str:
        """The question's number as printed everywhere: "Q7"."""
        return f"Q{self.question_number(question_id)}"

    def questions_before(self, age: str | None = None) -> tuple[Question, ...]:
        """The questions asked before viewing (they reveal nothing of the film), for an age band or all."""
        return tuple(q for q in self.questions if q.phase == "before" and (age is None or age in q.ages))

    def band_questions(self, age: str) -> tuple[Question, ...]:
        """Every question of an age band in number order: before viewing, then scene by scene in story order."""
        return tuple(sorted((q for q in self.questions if age in q.ages), key=lambda q: self.question_number(q.id)))

    def sequence(self, sequence_id: str) -> Sequence | None:
        return self._index["sequences"].get(sequence_id)

    def stills_of(self, scene_id: str) -> tuple[Still, ...]:
        """The stills from a scene, in file order."""
        return tuple(still for still in self.stills if still.scene == scene_id)

    def facts_at(self, place_id: str) -> tuple[MossFact, ...]:
        """The moss facts tied to a place."""
        return tuple(f for f in self.facts if place_id in f.places)

    def fact_visible(self, fact: MossFact, spoiler_safe: bool) -> bool:
        """``visibility(content, spoiler_safe).fact(fact)`` (explorer.spoilers), kept for older callers."""
        from explorer.spoilers import visibility

        return visibility(self, spoiler_safe).fact(fact)

    def visible_facts(self, spoiler_safe: bool, *kinds: str) -> tuple[MossFact, ...]:
        """``visibility(content, spoiler_safe).facts(*kinds)`` (explorer.spoilers), kept for older callers."""
        from explorer.spoilers import visibility

        return visibility(self, spoiler_safe).facts(*kinds)

    def visible_facts_at(self, place_id: str, spoiler_safe: bool) -> tuple[MossFact, ...]:
        """The facts tied to a place that ``visibility(content, spoiler_safe)`` lets be shown."""
        from explorer.spoilers import visibility

        view = visibility(self, spoiler_safe)
        return tuple(f for f in self.facts_at(place_id) if view.fact(f))


# --- the teacher's pack (data/teaching.toml) ---------------------------------------------------------------

LESSON_PHASES: tuple[str, ...] = ("before", "after")  # before or after viewing the film
# The situations a teacher plans for, in the order a teacher chooses from: plan kind -> the minutes its steps add
# up to, and the phases its steps may (and must all) come from.
LESSON_KINDS: dict[str, int] = {"after": 50, "around": 50, "short": 20, "before": 20}
SITUATION_PHASES: dict[str, tuple[str, ...]] = {
    "after": ("after",),
    "around": ("before", "after"),
    "short": ("before", "after"),
    "before": ("before",),
}
RUBRIC_TASKS: tuple[str, ...] = ("exit-ticket", "main-activity")
RUBRIC_LEVELS = 3  # beginning, developing, secure
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
    sequence: str = ""  # a sequence study (classroom.toml [[sequence]]): a still when there is one, else its shots


@dataclass(frozen=True)
class LessonPlan:
    """A lesson for one age band and one situation (LESSON_KINDS): a 50-minute period after the screening
    ("after"), 50 minutes around it ("around"), 20 minutes ("short"), or 20 minutes before it ("before")."""

    age: str
    kind: str  # one of LESSON_KINDS
    steps: tuple[LessonStep, ...]

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def phase_minutes(self, phase: str) -> int:
        return sum(step.minutes for step in self.steps if step.phase == phase)

    def question_ids(self) -> tuple[str, ...]:
        """The plan's questions in the order it asks them, each once."""
        return tuple(dict.fromkeys(q for step in self.steps for q in step.questions))


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
    ages: tuple[str, ...] = AGE_BANDS  # the age bands whose school level the framework covers


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
class Rubric:
    """Three levels (beginning, developing, secure) for judging one task of a lesson."""

    task: str  # one of RUBRIC_TASKS
    levels: tuple[Text, ...]  # RUBRIC_LEVELS texts, from beginning to secure


@dataclass(frozen=True)
class BandAssessment:
    """How a teacher knows the objectives are met: a success criterion per objective (same order), and rubrics."""

    age: str
    criteria: tuple[Text, ...]
    rubrics: tuple[Rubric, ...]
    exit_ticket: tuple[Text, ...] = ()  # the exit ticket's prompts, as pupils read them on their handout

    def rubric(self, task: str) -> Rubric | None:
        return next((r for r in self.rubrics if r.task == task), None)


@dataclass(frozen=True)
class BandSupport:
    """Differentiation for one age band: a word bank and sentence starters (in the class's language, for pupils
    still learning it) and an extension task for those who finish early."""

    age: str
    words: tuple[Text, ...]
    starters: tuple[Text, ...]
    extension: Text
    adapt: Text | None = None  # for the teacher: how to adapt the tasks and the exit ticket for those pupils


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
    assessments: tuple[BandAssessment, ...] = ()
    supports: tuple[BandSupport, ...] = ()

    def assessment(self, age: str) -> BandAssessment | None:
        return next((a for a in self.assessments if a.age == age), None)

    def support(self, age: str) -> BandSupport | None:
        return next((s for s in self.supports if s.age == age), None)

    def links_for(self, age: str, language: str) -> tuple[CurriculumLink, ...]:
        """The curriculum links for an age band, the community whose schools teach in ``language`` first (French:
        the Federation Wallonia-Brussels; Dutch: Flanders), in file order otherwise."""
        first = {"fr": "fwb", "nl": "flanders"}.get(language, "")
        found = [link for link in self.links if age in link.ages]
        return tuple(sorted(found, key=lambda link: link.community != first))

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
