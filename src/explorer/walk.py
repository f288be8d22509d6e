"""Stefan's walk: the places in story order, with each leg's distance and walking time, and a GPX file."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape

from explorer.model import Content, Place, Scene

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius
WALKING_SPEED_KMH = 4.5


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def walking_minutes(metres: float, speed_kmh: float = WALKING_SPEED_KMH) -> int:
    """Minutes on foot at an easy pace, rounded up (a straight line; real streets are longer)."""
    return math.ceil(metres / (speed_kmh * 1000 / 60))


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
    stops: tuple[Place, ...]
    legs: tuple[Leg, ...]

    @property
    def metres(self) -> float:
        return sum(leg.metres for leg in self.legs)

    @property
    def minutes(self) -> int:
        return sum(leg.minutes for leg in self.legs)

    @property
    def has_illustrations(self) -> bool:
        """True when some stops are places we placed ourselves: the route is then a suggestion."""
        return any(stop.provenance != "documented" for stop in self.stops)


def stefans_walk(content: Content, scenes: Iterable[Scene] | None = None) -> Walk:
    """The places in the order the story first reaches them (from ``scenes``, default: all)."""
    stops: list[Place] = []
    for scene in scenes if scenes is not None else content.scenes:
        place = content.place(scene.place) if scene.place else None
        if place is not None and place not in stops:
            stops.append(place)
    legs = tuple(Leg(a, b, haversine_m((a.lat, a.lon), (b.lat, b.lon))) for a, b in zip(stops, stops[1:], strict=False))
    return Walk(tuple(stops), legs)


def walk_gpx(walk: Walk, name: str, description: str, language: str = "en") -> str:
    """The walk as a GPX 1.1 route: one route point per stop, with its name and how we know the place."""
    points = []
    for stop in walk.stops:
        points.append(
            f'    <rtept lat="{stop.lat:.6f}" lon="{stop.lon:.6f}">\n'
            f"      <name>{escape(stop.name.get(language))}</name>\n"
            f"      <desc>{escape(stop.description.get(language))}</desc>\n"
            f"      <type>{escape(stop.provenance)}</type>\n"
            "    </rtept>\n"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="Here explorer" xmlns="http://www.topografix.com/GPX/1/1">\n'
        f"  <metadata><name>{escape(name)}</name><desc>{escape(description)}</desc></metadata>\n"
        f"  <rte>\n    <name>{escape(name)}</name>\n    <desc>{escape(description)}</desc>\n"
        + "".join(points)
        + "  </rte>\n</gpx>\n"
    )


__all__ = ["Leg", "Walk", "haversine_m", "stefans_walk", "walk_gpx", "walking_minutes"]
