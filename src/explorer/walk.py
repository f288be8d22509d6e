"""Walks a person can do: short routes through the film's places (data/walks.toml), each leg's straight-line
distance and walking time, the legs whose straight line crosses a main railway or the canal (the way on foot goes
round), and a GPX file per route that says which stops are illustrations and where a leg crosses."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from explorer.i18n import N_, PROVENANCE_EXPLANATIONS, PROVENANCE_LABELS, label, t
from explorer.model import Content, Place, WalkRoute
from explorer.osmdata import Crossing, crossings
from explorer.spoilers import Visibility

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius
WALKING_SPEED_KMH = 4.5
MAX_ROUTE_METRES = 8_500  # "at most about 8 km": the straight lines between a route's stops may add up to this


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def walking_minutes(metres: float, speed_kmh: float = WALKING_SPEED_KMH) -> int:
    """Minutes on foot at an easy pace, rounded up (a straight line; real streets are longer)."""
    return math.ceil(metres / (speed_kmh * 1000 / 60))


def straight_line_metres(points: Iterable[tuple[float, float]]) -> float:
    """The sum of the straight lines between consecutive (lat, lon) points."""
    points = list(points)
    return sum(haversine_m(a, b) for a, b in zip(points, points[1:], strict=False))


@dataclass(frozen=True)
class Leg:
    start: Place
    end: Place
    metres: float

    @property
    def minutes(self) -> int:
        return walking_minutes(self.metres)


@dataclass(frozen=True)
class Walk:
    """One route as walked: its stops (those spoiler-safe mode leaves), the legs between them, and how many of
    the route's stops were left out."""

    route: WalkRoute
    stops: tuple[Place, ...]
    legs: tuple[Leg, ...]
    hidden: int = 0  # stops left out in spoiler-safe mode
    crossings: tuple[Crossing, ...] = ()  # where the legs' straight lines cross a main railway or the canal

    @property
    def metres(self) -> float:
        return sum(leg.metres for leg in self.legs)

    @property
    def minutes(self) -> int:
        return sum(leg.minutes for leg in self.legs)

    @property
    def bounds(self) -> list[list[float]] | None:
        """[[south, west], [north, east]] around the stops, for the map to show the route; None without stops."""
        if not self.stops:
            return None
        lats, lons = [s.lat for s in self.stops], [s.lon for s in self.stops]
        return [[min(lats), min(lons)], [max(lats), max(lons)]]

    @property
    def illustrations(self) -> tuple[int, ...]:
        """The numbers (from 1) of the stops we placed ourselves: illustrations, not documented places."""
        return tuple(n for n, stop in enumerate(self.stops, start=1) if stop.provenance == "illustrative")

    @property
    def has_illustrations(self) -> bool:
        """True when some stops are not documented: the route is then a suggestion."""
        return any(stop.provenance != "documented" for stop in self.stops)


def find_route(content: Content, route_id: str | None) -> WalkRoute | None:
    return next((r for r in content.walks if r.id == route_id), None)


Hidden = Iterable[str] | Visibility  # what spoiler-safe mode hides: a Visibility, or the hidden scenes' ids


def _hidden_scenes(hidden: Hidden) -> frozenset[str]:
    return hidden.hidden if isinstance(hidden, Visibility) else frozenset(hidden)


def hidden_places(content: Content, hidden_scenes: Hidden) -> frozenset[str]:
    """The places whose every scene is hidden (a place with no scenes at all is never hidden)."""
    hidden = _hidden_scenes(hidden_scenes)
    return frozenset(p.id for p in content.places if (scenes := content.scenes_at(p.id)) and all(s.id in hidden for s in scenes))


def route_walk(content: Content, route: WalkRoute, hidden_scenes: Hidden = ()) -> Walk:
    """``route`` as walked, without the stops whose every scene is hidden (``hidden_scenes``: the page's
    Visibility, or the ids of the scenes spoiler-safe mode hides); its crossings are those of the legs walked."""
    hidden = hidden_places(content, hidden_scenes)
    places = [content.place(i) for i in route.stops]
    stops = tuple(p for p in places if p is not None and p.id not in hidden)
    legs = tuple(Leg(a, b, haversine_m((a.lat, a.lon), (b.lat, b.lon))) for a, b in zip(stops, stops[1:], strict=False))
    return Walk(route, stops, legs, hidden=len(route.stops) - len(stops), crossings=crossings(stops, content.basemap))


def default_route(content: Content, hidden_scenes: Hidden = ()) -> WalkRoute | None:
    """The first route with at least two stops left to walk (in spoiler-safe mode), else the first route."""
    hidden = _hidden_scenes(hidden_scenes)
    return next(
        (r for r in content.walks if len(route_walk(content, r, hidden).stops) >= 2), content.walks[0] if content.walks else None
    )


def stop_note(stop: Place, language: str = "en") -> str:
    """How we know where a stop is, in one line: documented, commune only, or an illustration."""
    return f"{label(PROVENANCE_LABELS, stop.provenance, language)}. {t(PROVENANCE_EXPLANATIONS[stop.provenance], language)}"


def stop_desc(stop: Place, language: str = "en", view: Visibility | None = None) -> str:
    """A waypoint's description: the place's description as ``view`` shows it (if given), then :func:`stop_note`."""
    described = view.description(stop).get(language) if view is not None else ""
    return f"{described} {stop_note(stop, language)}" if described else stop_note(stop, language)


def walk_summary(walk: Walk, language: str = "en") -> str:
    """What the GPX file and the page say about a route: which stops are illustrations, and straight lines."""
    numbers = walk.illustrations
    if not numbers:
        which = t("No stop is an illustration.", language)
    elif len(numbers) == len(walk.stops):
        which = t("Every stop is an illustration: we chose the spot ourselves.", language)
    elif len(numbers) == 1:
        which = t("Stop {number} is an illustration: we chose the spot ourselves.", language, number=numbers[0])
    else:
        listed = t("{first} and {last}", language, first=", ".join(map(str, numbers[:-1])), last=numbers[-1])
        which = t("Stops {numbers} are illustrations: we chose the spots ourselves.", language, numbers=listed)
    return " ".join(
        [which, t("Distances are straight lines between the stops; the real way along streets and paths is longer.", language)]
    )


CROSSING_KINDS = ("railway", "canal")  # in the order a leg's note names them


def leg_crossings(walk: Walk) -> dict[int, tuple[str, ...]]:
    """The legs (numbered from 1) whose straight line crosses something, and what: ``railway``, ``canal`` or both."""
    met: dict[int, set[str]] = {}
    for found in walk.crossings:
        met.setdefault(found.leg, set()).add(found.kind)
    return {leg: tuple(k for k in CROSSING_KINDS if k in kinds) for leg, kinds in sorted(met.items())}


def crossing_mark(kinds: tuple[str, ...], language: str = "en") -> str:
    """A few words for a leg's row: what its straight line crosses."""
    if kinds == ("canal",):
        return t("Crosses the canal", language)
    if "canal" in kinds:
        return t("Crosses the railway and the canal", language)
    return t("Crosses the railway", language)


def _stop_label(walk: Walk, number: int, language: str) -> str:
    return f"{number}. {walk.stops[number - 1].name.get(language)}"


def crossing_note(walk: Walk, leg: int, language: str = "en") -> str:
    """Why leg ``leg``'s distance and time are a minimum: its straight line crosses the railway, the canal or both,
    which the way on foot goes round (one note per leg, naming its two stops)."""
    kinds = leg_crossings(walk).get(leg, ())
    return " ".join(filter(None, [_crossing_sentence(walk, leg, kinds, language), passage_note(walk, leg, language)]))


def _crossing_sentence(walk: Walk, leg: int, kinds: tuple[str, ...], language: str) -> str:
    start, end = _stop_label(walk, leg, language), _stop_label(walk, leg + 1, language)
    if kinds == ("canal",):
        return t(
            "From {start} to {end}, the straight line crosses the canal. The way on foot goes round by a bridge: this leg's "
            "distance and time are a minimum, not the real way.",
            language,
            start=start,
            end=end,
        )
    if "canal" in kinds:
        return t(
            "From {start} to {end}, the straight line crosses the railway and the canal. The way on foot goes round by bridges, "
            "underpasses or level crossings: this leg's distance and time are a minimum, not the real way.",
            language,
            start=start,
            end=end,
        )
    return t(
        "From {start} to {end}, the straight line crosses the railway. The way on foot goes round by a bridge, an underpass or "
        "a level crossing: this leg's distance and time are a minimum, not the real way.",
        language,
        start=start,
        end=end,
    )


TOWARDS = {  # where a passage lies, seen from where the straight line meets the tracks
    "north": N_("to the north"),
    "north-east": N_("to the north-east"),
    "east": N_("to the east"),
    "south-east": N_("to the south-east"),
    "south": N_("to the south"),
    "south-west": N_("to the south-west"),
    "west": N_("to the west"),
    "north-west": N_("to the north-west"),
}


def passage_note(walk: Walk, leg: int, language: str = "en") -> str:
    """Where the map shows the nearest way under the tracks for leg ``leg`` (empty when it shows none near)."""
    found = next((c for c in walk.crossings if c.leg == leg and c.kind == "railway" and c.passage is not None), None)
    if found is None or found.passage_direction not in TOWARDS:
        return ""
    return t(
        "On this map, the nearest railway bridge (a way under the tracks) is about {metres} m {towards} of where the straight "
        "line meets the tracks; bridges that carry a street over the tracks are not on it, so there may be a nearer way.",
        language,
        metres=found.passage_m,
        towards=t(TOWARDS[found.passage_direction], language),
    )


def crossing_notes(walk: Walk, language: str = "en") -> list[str]:
    """One :func:`crossing_note` per leg that crosses the railway or the canal, in walking order."""
    return [crossing_note(walk, leg, language) for leg in leg_crossings(walk)]


def walk_gpx(walk: Walk, language: str = "en", view: Visibility | None = None) -> str:
    """The route as GPX 1.1: one waypoint per stop (its name, what happens there and how we know the place) and a
    track through them. What happens there is the place's description as ``view`` lets it be shown (its
    spoiler-free one in spoiler-safe mode); without a view, a waypoint says only how we know the place. Where a
    leg's straight line crosses the railway or the canal, the waypoint it sets off from (first thing in its
    description, what a phone shows) and the route's description say that the way on foot goes round (one
    waypoint per stop: a device lists the stops, nothing else)."""
    credit = t("Here, Bas Devos", language)
    name = f"{walk.route.name.get(language)} ({credit})"
    notes = {leg: crossing_note(walk, leg, language) for leg in leg_crossings(walk)}  # said where the leg sets off
    description = " ".join([walk.route.description.get(language), walk_summary(walk, language), *notes.values()])
    waypoints = "".join(
        f'  <wpt lat="{stop.lat:.6f}" lon="{stop.lon:.6f}">\n'
        f"    <name>{number}. {escape(stop.name.get(language))}</name>\n"
        f"    <desc>{escape(' '.join(filter(None, [notes.get(number), stop_desc(stop, language, view)])))}</desc>\n"
        f"    <type>{escape(stop.provenance)}</type>\n"
        "  </wpt>\n"
        for number, stop in enumerate(walk.stops, start=1)
    )
    points = "".join(
        f'      <trkpt lat="{stop.lat:.6f}" lon="{stop.lon:.6f}"><name>{escape(stop.name.get(language))}</name></trkpt>\n'
        for stop in walk.stops
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="Here explorer" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <metadata><name>{escape(name)}</name><desc>{escape(description)}</desc></metadata>\n"
        + waypoints
        + f"  <trk>\n    <name>{escape(name)}</name>\n    <desc>{escape(description)}</desc>\n"
        f"    <type>{escape(walk.route.id)}</type>\n    <trkseg>\n" + points + "    </trkseg>\n  </trk>\n</gpx>\n"
    )


__all__ = [
    "CROSSING_KINDS",
    "MAX_ROUTE_METRES",
    "Leg",
    "Walk",
    "crossing_mark",
    "crossing_note",
    "crossing_notes",
    "default_route",
    "find_route",
    "haversine_m",
    "hidden_places",
    "leg_crossings",
    "route_walk",
    "stop_desc",
    "stop_note",
    "straight_line_metres",
    "walk_gpx",
    "walk_summary",
    "walking_minutes",
]
