"""What the visitor has selected, read from URL query parameters, and scene filtering."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from explorer.model import TIMES_OF_DAY, Content, Place, Scene

MAX_ECHO = 40


@dataclass(frozen=True)
class Selection:
    """The place (and possibly scene) a URL asks for, plus any ids it named that do not exist."""

    place: Place | None = None
    scene: Scene | None = None
    unknown_place: str = ""
    unknown_scene: str = ""


def resolve_selection(content: Content, place_id: str | None, scene_id: str | None = None) -> Selection:
    """Turn ``?place=`` and ``?scene=`` values into records.

    A known scene selects its own place (it is the more precise of the two), and then ``place`` is ignored.
    """
    place = content.place(place_id) if place_id else None
    scene = content.scene(scene_id) if scene_id else None
    if scene is not None and scene.place:
        return Selection(place=content.place(scene.place), scene=scene)
    return Selection(
        place=place,
        scene=scene,
        unknown_place=_echo(place_id) if place_id and place is None else "",
        unknown_scene=_echo(scene_id) if scene_id and scene is None else "",
    )


def _echo(value: str) -> str:
    """A bad value, shortened, safe to repeat back to the visitor."""
    value = " ".join(str(value).split())
    return value if len(value) <= MAX_ECHO else value[: MAX_ECHO - 1] + "…"


def times_used(scenes: Iterable[Scene]) -> list[str]:
    """The times of day that occur in these scenes, in the fixed day-dusk-night order."""
    used = {s.time_of_day for s in scenes}
    return [time for time in TIMES_OF_DAY if time in used]


def characters_in(content: Content) -> list[str]:
    """Ids of the characters who appear in at least one scene, in people.toml order."""
    present = {c for s in content.scenes for c in s.characters}
    return [p.id for p in content.characters() if p.id in present]


def filter_scenes(
    scenes: Iterable[Scene],
    themes: Iterable[str] = (),
    times: Iterable[str] = (),
    characters: Iterable[str] = (),
) -> tuple[Scene, ...]:
    """Scenes matching every non-empty filter; within one filter any chosen value matches."""
    themes, times, characters = set(themes), set(times), set(characters)
    return tuple(
        s
        for s in scenes
        if (not themes or themes & set(s.themes))
        and (not times or s.time_of_day in times)
        and (not characters or characters & set(s.characters))
    )


def clicked_place_id(value: object, content: Content) -> str | None:
    """The place id the map reported for a tapped marker, if it names a real place (the browser is an input)."""
    return value if isinstance(value, str) and content.place(value) is not None else None


def split_known(values: Iterable[str], options: Iterable[str]) -> tuple[list[str], list[str]]:
    """Values from a URL split into those that are known options and those that are not (echo-safe)."""
    allowed = list(options)
    known, unknown = [], []
    for value in values:
        if value in allowed:
            if value not in known:
                known.append(value)
        else:
            unknown.append(_echo(value))
    return known, unknown
