"""The offline map's OpenStreetMap geometry, read from ``data/basemap/*.geojson`` (written by ``osmbuild``), and the
content checked against it: a place's commune, a walk stop on railway land or in water, a leg whose straight line
crosses a main railway or the canal. Plain Python: the app needs no GIS package at run time.

Map data © OpenStreetMap contributors (ODbL): see ``data/basemap/README.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from explorer.errors import Problem
from explorer.model import OSM_KINDS, BasemapFeature, Place, Text

FOLDER = "basemap"
FILES = ("communes.geojson", "railways.geojson", "water.geojson")
ATTRIBUTION = "© OpenStreetMap contributors"
RAIL_LAND_M = 12.0  # a stop this close to a main line's bundle stands on the tracks' land
GEOMETRY_TYPES = {"area": ("Polygon", "MultiPolygon"), "line": ("LineString", "MultiLineString"), "point": ("Point",)}
MINIMUM_POINTS = {"area": 4, "line": 2, "point": 1}
ONE_CROSSING_M = 250.0  # a leg meeting lines of one kind this close together crosses one corridor
PASSAGE_WITHIN_M = 1000.0  # a passage further than this from where a leg meets the tracks is not offered
Point = tuple[float, float]  # (lat, lon)


def read(folder: Path, label: str, problems: list[Problem]) -> tuple[BasemapFeature, ...]:
    """Every feature of the folder's GeoJSON files, one :class:`BasemapFeature` per ring or line; what is wrong is
    added to ``problems`` (file, feature, field, value) and the rest is kept. No folder: no features, no problem
    (the doctor warns that the offline map has no outlines)."""
    if not folder.is_dir():
        return ()
    found: list[BasemapFeature] = []
    ids: set[str] = set()
    for file in FILES:
        path, name = folder / file, f"{label}/{file}"
        if not path.is_file():
            problems.append(Problem(name, "", "", "is missing: run 'here-explorer basemap --from ...' (data/basemap/README.md)"))
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(Problem(name, "", "", f"is not readable GeoJSON ({exc})"))
            continue
        except RecursionError:
            problems.append(Problem(name, "", "", "nests arrays or objects too deeply to be read"))
            continue
        rows = data.get("features") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            problems.append(Problem(name, "", "features", "must be a list (a GeoJSON FeatureCollection)"))
            continue
        for index, row in enumerate(rows):
            found.extend(_feature(row, index, name, ids, problems))
    return tuple(found)


def _feature(row: object, index: int, file: str, ids: set[str], problems: list[Problem]) -> list[BasemapFeature]:
    if not isinstance(row, dict):
        problems.append(Problem(file, f"feature {index}", "", "must be a GeoJSON Feature object", row))
        return []
    fid = row.get("id")
    record = f"feature {fid!r}" if isinstance(fid, str) and fid else f"feature {index}"
    before = len(problems)

    def problem(field: str, message: str, value: object) -> None:
        problems.append(Problem(file, record, field, message, value))

    if not isinstance(fid, str) or not fid:
        problem("id", "must be a non-empty text", fid)
    elif fid in ids:
        problem("id", "is used by another feature", fid)
    ids.add(str(fid))
    props = row.get("properties")
    props = props if isinstance(props, dict) else {}
    kind = props.get("kind")
    if not isinstance(kind, str) or kind not in OSM_KINDS:
        problem("properties.kind", f"must be one of {', '.join(OSM_KINDS)}", kind)
        return []
    names = {}
    for key in ("name", "name_fr", "name_nl"):
        value = props.get(key, "")
        if not isinstance(value, str):
            problem(f"properties.{key}", "must be a text", value)
            value = ""
        names[key] = value
    geometry = row.get("geometry")
    geometry = geometry if isinstance(geometry, dict) else {}
    gtype, coords = geometry.get("type"), geometry.get("coordinates")
    wanted = GEOMETRY_TYPES[OSM_KINDS[kind]]
    if gtype not in wanted:
        problem("geometry.type", f"must be {' or '.join(wanted)} for a {kind}", gtype)
        return []
    parts = _parts(gtype, coords)
    rings: list[tuple[Point, ...]] = []
    for number, part in enumerate(parts or []):
        points = _points(part)
        if points is None or len(points) < MINIMUM_POINTS[OSM_KINDS[kind]]:
            problem("geometry.coordinates", f"part {number}: must be a list of [lon, lat] pairs within range", part)
            continue
        rings.append(points)
    if parts is None:
        problem("geometry.coordinates", f"must be the coordinates of a {gtype}", coords)
    elif not parts:
        problem("geometry.coordinates", f"must hold at least one {'ring' if OSM_KINDS[kind] == 'area' else 'line'}", coords)
    label = None
    also: tuple[Point, ...] = ()
    if kind in ("commune", "section"):
        raw = props.get("label")
        label_points = _points([raw]) if isinstance(raw, list) else None
        if not label_points or not names["name"]:
            problem(
                "properties.label" if names["name"] else "properties.name",
                "a commune or section needs a name and a [lon, lat] label",
                raw,
            )
        else:
            label = label_points[0]
        more = props.get("labels", [])
        more_points = _points(more) if isinstance(more, list) else None
        if more_points is None:
            problem("properties.labels", "must be a list of [lon, lat] pairs", more)
        else:
            also = more_points
    if len(problems) > before:
        return []
    name = _display_names(names)
    commune = props.get("commune", "")
    return [
        BasemapFeature(
            id=str(fid) if n == 0 else f"{fid}#{n + 1}",
            kind=kind,
            name=name,
            points=ring,
            label=label if n == 0 else None,
            also=also if n == 0 else (),
            commune=commune if isinstance(commune, str) else "",
        )
        for n, ring in enumerate(rings)
    ]


def _display_names(names: dict[str, str]) -> Text:
    """OpenStreetMap writes a bilingual name "Schaerbeek - Schaarbeek"; English shows both as the content does
    ("Schaerbeek / Schaarbeek"), French and Dutch their own."""
    both = names["name"].replace(" - ", " / ")
    return Text((("en", both), ("fr", names["name_fr"] or both), ("nl", names["name_nl"] or both)))


def _parts(gtype: str, coords: object) -> list | None:
    """The outer rings of (multi)polygons, or the lines; None when the nesting is wrong."""
    if not isinstance(coords, list):
        return None
    if gtype == "Point":
        return [[coords]]
    if gtype == "LineString":
        return [coords]
    if gtype in ("MultiLineString", "Polygon"):
        if not all(isinstance(c, list) for c in coords):
            return None
        return coords if gtype == "MultiLineString" else coords[:1]
    if gtype == "MultiPolygon":
        if not all(isinstance(c, list) and c for c in coords):
            return None
        return [c[0] for c in coords]
    return None


def _points(raw: object) -> tuple[Point, ...] | None:
    if not isinstance(raw, list):
        return None
    points = []
    for pair in raw:
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pair)
        ):
            return None
        lon, lat = float(pair[0]), float(pair[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            return None
        points.append((lat, lon))
    return tuple(points)


# --- geometry on a city's scale (a plane tangent at Brussels) -------------------------------------------------------

METRES_PER_DEGREE = 111_320.0


def _xy(point: Point, shrink: float) -> tuple[float, float]:
    return point[1] * shrink * METRES_PER_DEGREE, point[0] * METRES_PER_DEGREE


def _shrink(lat: float) -> float:
    return math.cos(math.radians(lat))


def _metres(a: Point, b: Point) -> float:
    shrink = _shrink(a[0])
    (x0, y0), (x1, y1) = _xy(a, shrink), _xy(b, shrink)
    return math.hypot(x1 - x0, y1 - y0)


def inside(point: Point, ring: Sequence[Point]) -> bool:
    """Whether ``point`` lies inside the closed ring (even-odd rule)."""
    lat, lon = point
    result = False
    for (lat1, lon1), (lat2, lon2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        if (lat1 > lat) != (lat2 > lat):
            cross = lon1 + (lat - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if lon < cross:
                result = not result
    return result


def distance_m(point: Point, line: Sequence[Point]) -> float:
    """Metres from ``point`` to the nearest point of the polyline."""
    shrink = _shrink(point[0])
    px, py = _xy(point, shrink)
    best = math.inf
    for a, b in zip(line, line[1:], strict=False):
        ax, ay = _xy(a, shrink)
        bx, by = _xy(b, shrink)
        dx, dy = bx - ax, by - ay
        length = dx * dx + dy * dy
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
        best = min(best, math.hypot(px - (ax + t * dx), py - (ay + t * dy)))
    return best


def crossing(a: Point, b: Point, line: Sequence[Point]) -> Point | None:
    """Where the segment a-b first crosses the polyline, seen from a (None if it does not)."""
    shrink = _shrink(a[0])
    ax, ay = _xy(a, shrink)
    bx, by = _xy(b, shrink)
    best: tuple[float, Point] | None = None
    for c, d in zip(line, line[1:], strict=False):
        cx, cy = _xy(c, shrink)
        dx, dy = _xy(d, shrink)
        denominator = (bx - ax) * (dy - cy) - (by - ay) * (dx - cx)
        if denominator == 0:
            continue
        t = ((cx - ax) * (dy - cy) - (cy - ay) * (dx - cx)) / denominator
        u = ((cx - ax) * (by - ay) - (cy - ay) * (bx - ax)) / denominator
        if 0 <= t <= 1 and 0 <= u <= 1 and (best is None or t < best[0]):
            best = (t, (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return best[1] if best else None


# --- the content against the map --------------------------------------------------------------------------------


def communes_at(features: Iterable[BasemapFeature], point: Point) -> list[BasemapFeature]:
    """The communes and sections whose outline holds ``point`` (commune first)."""
    found = [f for f in features if f.kind in ("commune", "section") and inside(point, f.points)]
    return sorted(found, key=lambda f: f.kind)


def _names_of(feature: BasemapFeature) -> set[str]:
    names = set()
    for _, value in feature.name.by_language:
        names.add(_norm(value))
        names.update(_norm(v) for v in value.split(" / "))
    return names


def _norm(text: str) -> str:
    return " ".join(text.replace("-", " ").split()).casefold()


def commune_problem(place: Place, features: Sequence[BasemapFeature]) -> str | None:
    """Why a place's ``commune`` does not match where its point lies on the map, or None when it does (or the map
    has no outline there)."""
    if not place.commune or not _placed(place):
        return None
    found = communes_at(features, (place.lat, place.lon))
    if not found:
        return None
    given = {_norm(place.commune), *(_norm(v) for v in place.commune.split(" / "))}
    if any(given & _names_of(f) for f in found):
        return None
    where = " in ".join(f"{f.name.get('en')} ({f.kind})" for f in sorted(found, key=lambda f: f.kind != "section"))
    return f"the point ({place.lat}, {place.lon}) lies in {where} on the OpenStreetMap outlines (data/basemap/communes.geojson)"


def extent(features: Iterable[BasemapFeature]) -> tuple[float, float, float, float] | None:
    """South, west, north, east of the OpenStreetMap geometry (None without it)."""
    points = [p for f in features if f.kind in ("border", "railway", "canal", "water") for p in f.points]
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return min(lats), min(lons), max(lats), max(lons)


def outside_problem(place: Place, area: tuple[float, float, float, float] | None) -> str | None:
    """Why a place cannot be shown on the offline map: its point lies beyond the geometry's ``area`` (from
    :func:`extent`); None when it lies within, or there is no geometry."""
    if area is None or not _placed(place):
        return None
    south, west, north, east = area
    if south <= place.lat <= north and west <= place.lon <= east:
        return None
    return (
        f"the point ({place.lat}, {place.lon}) lies outside the offline map (data/basemap covers south {south}, "
        f"west {west}, north {north}, east {east}); rebuild it with 'here-explorer basemap --from ...' so that it "
        "covers every place (data/basemap/README.md)"
    )


def _placed(place: Place) -> bool:
    """Whether the place has a point at all (a wrong lat or lon is reported where it is read)."""
    return math.isfinite(place.lat) and math.isfinite(place.lon)


def ground_problem(place: Place, features: Sequence[BasemapFeature]) -> str | None:
    """Why a walk stop cannot be stood on: railway land or water (None when it can)."""
    if not _placed(place):
        return None
    point = (place.lat, place.lon)
    for feature in features:
        if feature.kind == "rail-yard" and inside(point, feature.points):
            return f"the point ({place.lat}, {place.lon}) lies on a railway yard's land (data/basemap/railways.geojson: {feature.id})"
        if feature.kind == "railway" and (metres := distance_m(point, feature.points)) < RAIL_LAND_M:
            return (
                f"the point ({place.lat}, {place.lon}) lies on the railway's land, {metres:.0f} m from the tracks "
                f"(data/basemap/railways.geojson: {feature.id})"
            )
        if feature.kind in ("water", "canal") and inside(point, feature.points):
            return f"the point ({place.lat}, {place.lon}) lies in water (data/basemap/water.geojson: {feature.id})"
    return None


@dataclass(frozen=True)
class Crossing:
    """A leg's straight line meets a main railway or the canal: the way on foot goes round by a bridge or a
    passage, not along the line drawn."""

    leg: int  # 1 for the first leg (stop 1 to stop 2)
    kind: str  # "railway" or "canal"
    name: Text
    at: Point
    passage: Point | None = None  # the nearest way under the tracks the map knows (a railway bridge), if near
    passage_m: int = 0  # from ``at`` to ``passage``, in metres
    passage_direction: str = ""  # from ``at``: "north", "north-east", ... (see COMPASS)


def crossings(stops: Sequence[Place], features: Sequence[BasemapFeature]) -> tuple[Crossing, ...]:
    """Each place where a leg crosses a main railway or the canal, leg by leg, nearest first."""
    found: list[Crossing] = []
    barriers = [f for f in features if f.kind in ("railway", "canal-line")]
    for leg, (a, b) in enumerate(zip(stops, stops[1:], strict=False), start=1):
        start, end = (a.lat, a.lon), (b.lat, b.lon)
        met: list[tuple[float, Crossing]] = []
        for feature in barriers:
            at = crossing(start, end, feature.points)
            if at is None:
                continue
            kind = "railway" if feature.kind == "railway" else "canal"
            if any(c.kind == kind and _metres(c.at, at) < ONE_CROSSING_M for _, c in met):
                continue  # one corridor drawn as two or three lines: one crossing
            met.append((math.dist(start, at), Crossing(leg, kind, feature.name, at, *_passage(at, features, kind))))
        found.extend(c for _, c in sorted(met, key=lambda m: m[0]))
    return tuple(found)


COMPASS = ("north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west")


def _passage(at: Point, features: Sequence[BasemapFeature], kind: str) -> tuple[Point | None, int, str]:
    """The nearest passage under the railway to where a leg meets it, its distance and direction (none for the
    canal: its bridges are streets, which these layers do not hold)."""
    if kind != "railway":
        return None, 0, ""
    shrink = _shrink(at[0])
    best: tuple[float, Point] | None = None
    for feature in features:
        if feature.kind == "passage":
            metres = _metres(at, feature.points[0])
            if metres <= PASSAGE_WITHIN_M and (best is None or metres < best[0]):
                best = (metres, feature.points[0])
    if best is None:
        return None, 0, ""
    (x1, y1), (x0, y0) = _xy(best[1], shrink), _xy(at, shrink)
    bearing = math.degrees(math.atan2(x1 - x0, y1 - y0)) % 360
    return best[1], int(round(best[0], -1)), COMPASS[int((bearing + 22.5) // 45) % 8]
