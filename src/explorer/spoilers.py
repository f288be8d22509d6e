"""What spoiler-safe mode hides: one decision, used by every page, PDF, postcard, GPX, live question and the
attract screen.

Hidden in spoiler-safe mode: the scenes after ``film.spoilers_after`` (titles, notes, quotations, stills), the
questions about them, every answer hint and plan step meant for after viewing (they talk about the whole film),
the "where it shows" of a glossary term tied to a hidden scene, a moss fact that tells a hidden scene, and a place's
description where it has a spoiler-free one. Material for before viewing is never hidden.

    view = visibility(content, spoiler_safe=True)
    view.scenes()  view.question(q)  view.step(step)  view.hint(q)  view.description(place)
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer.model import Content, LessonPlan, LessonStep, MossFact, Place, Question, Scene, Term, Text


@dataclass(frozen=True)
class Visibility:
    """What may be shown, for one content and one spoiler setting."""

    content: Content
    spoiler_safe: bool
    hidden: frozenset[str]  # scene ids

    def scene(self, scene: Scene | str) -> bool:
        return (scene if isinstance(scene, str) else scene.id) not in self.hidden

    def scenes(self) -> tuple[Scene, ...]:
        """The scenes that may be shown, in story order."""
        return tuple(s for s in self.content.scenes if s.id not in self.hidden)

    def question(self, question: Question) -> bool:
        """A question before viewing always; one about a scene when its scene is shown."""
        return question.phase == "before" or question.scene not in self.hidden

    def questions(self, age: str | None = None) -> tuple[Question, ...]:
        """The questions that may be shown, of one age band or all, in number order."""
        pool = (
            self.content.band_questions(age)
            if age
            else sorted(self.content.questions, key=lambda q: self.content.question_number(q.id))
        )
        return tuple(q for q in pool if self.question(q))

    def hint(self, question: Question) -> bool:
        """Answer hints after viewing talk about the whole film: hidden in spoiler-safe mode."""
        return not self.spoiler_safe or question.phase == "before"

    def step(self, step: LessonStep) -> bool:
        """A plan's steps after viewing talk about the whole film: hidden in spoiler-safe mode."""
        return not self.spoiler_safe or step.phase == "before"

    def plan_complete(self, plan: LessonPlan) -> bool:
        """Whether every step of a plan may be shown (a plan for before the screening always may)."""
        return all(self.step(step) for step in plan.steps)

    def term_where(self, term: Term) -> bool:
        """Whether a glossary term's "where it shows in the film" may be shown."""
        return not self.hidden.intersection(term.scenes)

    def fact(self, fact: MossFact) -> bool:
        return not self.hidden.intersection(fact.scenes)

    def facts(self, *kinds: str) -> tuple[MossFact, ...]:
        return tuple(f for f in self.content.facts if (not kinds or f.kind in kinds) and self.fact(f))

    def description(self, place: Place) -> Text:
        """A place's description: the spoiler-free one in spoiler-safe mode, when there is one."""
        return place.description_safe if self.spoiler_safe and place.description_safe is not None else place.description


def visibility(content: Content, spoiler_safe: bool) -> Visibility:
    """The one decision of what spoiler-safe mode hides (nothing when it is off)."""
    return Visibility(content, spoiler_safe, content.spoilers() if spoiler_safe else frozenset())
