"""Build step for the offline map: derive ``data/basemap/*.geojson`` from OpenStreetMap vector tiles (PMTiles).

``here-explorer basemap --from ../shared/data/osm-brussels`` reads ``boundaries.pmtiles``, ``railway.pmtiles`` and
``water.pmtiles`` at one zoom, joins each feature's pieces across tiles, keeps what the explorer's map shows
(communes and their sections, main railway lines, yards as areas, the canal, basins, ponds, wetlands and open
streams) for the area the places span with a margin, simplifies it for the zooms the map uses and writes small,
sorted GeoJSON files with a README that gives the licence. Re-running it on the same tiles writes the same bytes.

Only this step needs ``pmtiles``, ``mapbox-vector-tile`` and ``shapely`` (``pip install here-explorer[basemap]``);
the app reads the GeoJSON files it wrote.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import math
import re
import tomllib
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from explorer.errors import ExplorerError

SOURCES = {"boundaries": "boundaries.pmtiles", "railway": "railway.pmtiles", "water": "water.pmtiles"}
FILES = ("communes.geojson", "railways.geojson", "water.geojson")
ZOOM = 12  # about 1.5 m per tile unit at Brussels: finer than any simplification below
FINER_ZOOM = {"railway": 14}  # the tiles leave short railway bridges out at lower zooms
MARGIN_M = 2000.0  # around the places' extent, east and west: a projector's first view stays inside it
MARGIN_NS_M = 3500.0  # north and south: a phone's tall map, fitted to the places' width, too
DIGITS = 5  # about 1 m
METRES_PER_DEGREE = 111_320.0
# simplification per kind, in metres (Douglas-Peucker); smallest area or length kept
TOLERANCE_M = {
    "commune": 6.0,
    "section": 6.0,
    "railway": 8.0,
    "rail-yard": 12.0,
    "canal": 6.0,
    "water": 6.0,
    "wetland": 8.0,
    "stream": 10.0,
}
MIN_AREA_M2 = {"rail-yard": 6_000.0, "water": 2_500.0, "wetland": 5_000.0, "canal": 0.0}
MIN_LENGTH_M = {"railway": 150.0, "stream": 400.0, "border": 60.0}
RAIL_BUNDLE_M = 25.0  # tracks this close to a kept line belong to its bundle
YARD_BUFFER_M = 9.0  # a yard's tracks, widened and joined into the land they take
LABEL_SPACING_M = 1000.0  # a commune's name again every so often (a walk's zoomed-in view still names it)
PASSAGE_APART_M = 60.0  # bridges of one bundle's tracks side by side are one passage
YARD_SERVICES = ("yard", "siding", "spur", "crossover")
WATER_KINDS = ("canal", "basin", "pond", "reservoir", "lake", "river", "oxbow", "lock", "moat")


class BasemapBuildError(ExplorerError):
    """The tiles or the folder cannot give a basemap (the message says which file and why)."""


@dataclass(frozen=True)
class Box:
    """South, west, north, east, in degrees."""

    south: float
    west: float
    north: float
    east: float

    def grown(self, metres: float, north_south: float | None = None) -> Box:
        dlat = (metres if north_south is None else north_south) / METRES_PER_DEGREE
        dlon = metres / (METRES_PER_DEGREE * math.cos(math.radians((self.south + self.north) / 2)))
        return Box(self.south - dlat, self.west - dlon, self.north + dlat, self.east + dlon)


def places_box(data_dir: Path) -> Box:
    """The extent of ``places.toml``'s points (read as plain TOML: the build needs no valid content)."""
    path = data_dir / "places.toml"
    try:
        places = tomllib.loads(path.read_text(encoding="utf-8")).get("place", [])
        points = [(float(p["lat"]), float(p["lon"])) for p in places]
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise BasemapBuildError(f"{path}: cannot read the places' points ({exc}); give --bbox instead") from exc
    if not points:
        raise BasemapBuildError(f"{path}: no places; give --bbox instead")
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return Box(min(lats), min(lons), max(lats), max(lons))


def parse_box(text: str) -> Box:
    """``south,west,north,east`` in degrees."""
    try:
        south, west, north, east = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise BasemapBuildError(f"--bbox: must be south,west,north,east in degrees (got {text!r})") from exc
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        raise BasemapBuildError(f"--bbox: south must be below north and west left of east (got {text!r})")
    return Box(south, west, north, east)


# --- reading the tiles -------------------------------------------------------------------------------------------


def _tile_range(box: Box, zoom: int) -> tuple[range, range]:
    n = 2**zoom

    def x(lon: float) -> int:
        return min(n - 1, int((lon + 180) / 360 * n))

    def y(lat: float) -> int:
        return min(n - 1, int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))

    return range(x(box.west), x(box.east) + 1), range(y(box.north), y(box.south) + 1)


def _to_lonlat(zoom: int, tx: int, ty: int, extent: int) -> Any:
    n = 2**zoom

    def convert(px: Any, py: Any) -> tuple[Any, Any]:  # arrays of tile units, y up
        import numpy as np

        lon = (tx + px / extent) / n * 360 - 180
        lat = np.degrees(np.arctan(np.sinh(np.pi * (1 - 2 * (ty + (extent - py) / extent) / n))))
        return lon, lat

    return convert


def read_features(folder: Path, name: str, box: Box, zoom: int = ZOOM, finer: int | None = None) -> Iterator[tuple[dict, Any]]:
    """Every feature of one archive's tiles over ``box``: (properties, shapely geometry in lon/lat)."""
    import mapbox_vector_tile
    from pmtiles.reader import MmapSource, Reader
    from shapely.geometry import shape

    path = folder / SOURCES[name]
    if not path.is_file():
        raise BasemapBuildError(f"{path}: not found (the folder must hold {', '.join(SOURCES.values())})")
    with path.open("rb") as file:
        try:
            reader = Reader(MmapSource(file))
            header = reader.header()
        except Exception as exc:  # the archive's own reader says what is wrong
            raise BasemapBuildError(f"{path}: not a PMTiles archive ({exc})") from exc
        if finer is not None and header["min_zoom"] <= finer <= header["max_zoom"]:
            zoom = finer  # this layer's small things (a railway bridge over a street) only at a finer zoom
        if not header["min_zoom"] <= zoom <= header["max_zoom"]:
            raise BasemapBuildError(f"{path}: has zooms {header['min_zoom']}-{header['max_zoom']}, not {zoom}")
        xs, ys = _tile_range(box, zoom)
        for tx in xs:
            for ty in ys:
                try:
                    data = reader.get(zoom, tx, ty)
                except Exception as exc:  # a directory cut short or damaged
                    raise BasemapBuildError(f"{path}: tile {zoom}/{tx}/{ty} cannot be read: the archive is damaged ({exc})") from exc
                if not data:
                    continue
                with contextlib.suppress(OSError, EOFError):  # some tiles are stored uncompressed
                    data = gzip.decompress(data)
                try:
                    layers = mapbox_vector_tile.decode(data)
                except Exception as exc:
                    raise BasemapBuildError(f"{path}: tile {zoom}/{tx}/{ty} cannot be decoded ({exc})") from exc
                for layer in layers.values():
                    convert = _to_lonlat(zoom, tx, ty, layer.get("extent", 4096))
                    for feature in layer["features"]:
                        geometry = shape(feature["geometry"])
                        if not geometry.is_empty:
                            yield feature["properties"], _transform(convert, geometry)


# --- what each layer gives -----------------------------------------------------------------------------------------


def _names(props: dict) -> dict[str, str]:
    names = {"name": str(props.get("name", "")).strip()}
    for language in ("fr", "nl"):
        if value := str(props.get(f"name:{language}", "")).strip():
            names[f"name_{language}"] = value
    return names


def _boundary_kind(props: dict, geometry: Any) -> str | None:
    level = str(props.get("admin_level", ""))
    if geometry.geom_type in ("LineString", "MultiLineString"):  # the boundary ways: what the map draws
        return "border" if level in ("4", "7", "8") else "section-border" if level == "10" else None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or props.get("boundary") != "administrative":
        return None
    if level == "8":
        return "commune"
    if level == "10" and props.get("place") != "neighbourhood":  # Laeken, Haren, ... not the city's quarters
        return "section"
    return None


def _railway_kind(props: dict, geometry: Any) -> str | None:
    if props.get("railway") != "rail" or geometry.geom_type not in ("LineString", "MultiLineString"):
        return None
    if props.get("tunnel") not in (None, "no"):  # underground: no barrier to a walker
        return None
    return "rail-yard" if props.get("service") in YARD_SERVICES else "railway"


def _water_kind(props: dict, geometry: Any) -> str | None:
    if props.get("tunnel") not in (None, "no") or props.get("covered") == "yes":
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        if props.get("natural") == "wetland":
            return "wetland"
        water = props.get("water")
        if water == "canal" or props.get("waterway") == "canal":
            return "canal"
        if props.get("natural") == "water" or water in WATER_KINDS or props.get("landuse") in ("basin", "reservoir"):
            return "water"
        return None
    if geometry.geom_type in ("LineString", "MultiLineString"):
        waterway = props.get("waterway")
        if waterway == "canal":
            return "canal-line"
        if waterway in ("river", "stream"):
            return "stream"
    return None


# --- joining, clipping, simplifying ------------------------------------------------------------------------------


def _metric(box: Box) -> tuple[Any, Any]:
    """Functions between lon/lat and metres on a plane tangent at the box's middle (good over a city)."""
    shrink = math.cos(math.radians((box.south + box.north) / 2))

    def forward(lon: Any, lat: Any) -> tuple[Any, Any]:  # numbers or arrays
        return lon * shrink * METRES_PER_DEGREE, lat * METRES_PER_DEGREE

    def back(x: Any, y: Any) -> tuple[Any, Any]:
        return x / (shrink * METRES_PER_DEGREE), y / METRES_PER_DEGREE

    return forward, back


def _transform(func: Any, geometry: Any) -> Any:
    """``geometry`` with ``func(xs, ys) -> (xs, ys)`` applied to its coordinates (arrays)."""
    import shapely

    return shapely.transform(geometry, func, interleaved=False)


def _parts(geometry: Any) -> list[Any]:
    if geometry.is_empty:
        return []
    if hasattr(geometry, "geoms"):
        return [part for g in geometry.geoms for part in _parts(g)]
    return [geometry]


def build(folder: Path, box: Box, zoom: int = ZOOM) -> dict[str, dict]:
    """The three GeoJSON collections (file name -> collection) for ``box`` (already with its margin)."""
    from shapely import box as shapely_box
    from shapely.geometry import LineString, MultiLineString, Polygon
    from shapely.ops import linemerge, polylabel, unary_union

    forward, back = _metric(box)
    frame = _transform(forward, shapely_box(box.west, box.south, box.east, box.north))
    grouped: dict[tuple[str, str], list[Any]] = defaultdict(list)
    names: dict[tuple[str, str], dict[str, str]] = {}
    areas: dict[tuple[str, str], Any] = {}
    wet: list[Any] = []
    readers = (("boundaries", _boundary_kind), ("railway", _railway_kind), ("water", _water_kind))
    for source, classify in readers:
        for props, geometry in read_features(folder, source, box, zoom, finer=FINER_ZOOM.get(source)):
            kind = classify(props, geometry)
            if kind is None:
                continue
            n = _names(props)
            key = (kind, n["name"] if kind in ("commune", "section", "canal", "canal-line", "wetland") else "")
            if kind == "stream":
                key = (kind, n["name"])
            grouped[key].append(_transform(forward, geometry))
            names.setdefault(key, n)
            if kind == "railway" and props.get("bridge") in ("yes", "viaduct"):  # a way under the tracks, unless water
                grouped[("passage", "")].append(grouped[key][-1])

    features: dict[str, list[dict]] = defaultdict(list)
    for (kind, name), pieces in sorted(grouped.items()):
        if kind in ("commune", "section"):
            area = unary_union([p.buffer(0) for p in pieces]).intersection(frame)
            polygons = [p for p in _parts(area) if p.area > 1]
            if not polygons or not name:
                continue
            if kind == "section" and ("commune", name) in grouped:
                continue  # the City of Brussels' own old town: its commune's name is label enough
            areas[(kind, name)] = unary_union(polygons)
        elif kind == "rail-yard":
            land = unary_union([p.buffer(YARD_BUFFER_M, quad_segs=2) for p in pieces]).intersection(frame)
            for part in _parts(land):
                if part.area >= MIN_AREA_M2[kind]:
                    features["railways.geojson"].append(
                        _feature(kind, {"name": ""}, Polygon(part.exterior).simplify(TOLERANCE_M[kind]), back)
                    )
        elif kind == "railway":
            tracks = [g for g in _parts(linemerge(unary_union(pieces).intersection(frame))) if isinstance(g, LineString)]
            for line in _bundles(tracks):
                features["railways.geojson"].append(_feature(kind, {"name": ""}, line.simplify(TOLERANCE_M[kind]), back))
        elif kind in ("canal", "water", "wetland"):
            area = unary_union([p.buffer(0) for p in pieces]).intersection(frame)
            if kind != "wetland":
                wet.append(area)
            polygons = [p for p in _parts(area) if p.area >= MIN_AREA_M2[kind]]
            for polygon in polygons:
                features["water.geojson"].append(
                    _feature(kind, names[(kind, name)] if name else {"name": ""}, polygon.simplify(TOLERANCE_M[kind]), back)
                )
        elif kind in ("canal-line", "stream"):
            lines = [g for g in _parts(unary_union(pieces).intersection(frame)) if isinstance(g, LineString)]
            merged = linemerge(MultiLineString(lines)) if lines else None
            for line in _parts(merged) if merged is not None else []:
                if kind == "canal-line" or line.length >= MIN_LENGTH_M["stream"]:
                    simplified = line.simplify(TOLERANCE_M["canal" if kind == "canal-line" else kind])
                    features["water.geojson"].append(_feature(kind, names[(kind, name)], simplified, back))

    sections = [area for (kind, _), area in areas.items() if kind == "section"]
    for (kind, name), area in areas.items():
        # a commune's label goes where none of its sections is (the City of Brussels' name in its centre)
        free = area.difference(unary_union([s for s in sections if area.contains(s.representative_point())]))
        area_for_label = free if kind == "commune" and free.area > area.area * 0.05 else area
        largest = max(_parts(area_for_label), key=lambda p: p.area if p.geom_type == "Polygon" else 0)
        label = polylabel(largest, tolerance=5.0)
        simplified = area.simplify(TOLERANCE_M[kind], preserve_topology=True)
        row = _feature(kind, names[(kind, name)], simplified, back, label=(label.x, label.y))
        more = _more_labels(area_for_label, label)
        if more:
            row["properties"]["labels"] = [[_round(v) for v in back(p.x, p.y)] for p in more]
        features["communes.geojson"].append(row)

    # where a walker passes under a main line: the middle of each railway bridge that is not over water
    water_area = unary_union(wet).buffer(15.0) if wet else None
    spots: list[Any] = []
    bridges = [g for g in _parts(linemerge(unary_union(grouped.get(("passage", ""), [])))) if g.geom_type == "LineString"]
    for bridge in sorted(bridges, key=lambda b: (b.coords[0], b.length)):
        middle = bridge.interpolate(0.5, normalized=True)
        if not frame.contains(middle) or (water_area is not None and water_area.contains(middle)):
            continue
        if all(middle.distance(other) > PASSAGE_APART_M for other in spots):
            spots.append(middle)
    for spot in spots:
        features["railways.geojson"].append(_feature("passage", {"name": ""}, spot, back))

    # what the map draws of them: the boundary ways themselves (each border once), none along the area's cut edge
    edge = frame.exterior.buffer(2.0)
    borders = unary_union(grouped.get(("border", ""), [])).intersection(frame).difference(edge)
    on_sections = unary_union([a.boundary for (k, _), a in sorted(areas.items()) if k == "section"]).buffer(5.0)
    inner = unary_union(grouped.get(("section-border", ""), [])).intersection(on_sections)
    section_borders = inner.difference(unary_union([borders.buffer(20.0), edge]))
    for kind, lines in (("border", borders), ("section-border", section_borders)):
        pieces_ = [g for g in _parts(lines) if g.geom_type == "LineString"]
        for line in _parts(linemerge(pieces_)) if pieces_ else []:
            if line.length >= MIN_LENGTH_M["border"]:
                features["communes.geojson"].append(_feature(kind, {"name": ""}, line.simplify(TOLERANCE_M["commune"]), back))

    collections: dict[str, dict] = {}
    for file in FILES:
        rows = sorted(features.get(file, []), key=_sort_key)
        _name_ids(rows)
        collections[file] = {"type": "FeatureCollection", "features": rows}
    _attach_sections(collections["communes.geojson"]["features"])
    return collections


def _more_labels(area: Any, first: Any) -> list[Any]:
    """Other spots for a commune's name, one per ``LABEL_SPACING_M`` square where enough of it lies, away from the
    first: a zoomed-in map (a walk) still finds a spot in view; the map shows each name once."""
    from shapely import box as shapely_box
    from shapely.ops import polylabel

    west, south, east, north = area.bounds
    found: list[Any] = []
    step = LABEL_SPACING_M
    y = south - (south % step)
    while y < north:
        x = west - (west % step)
        while x < east:
            part = area.intersection(shapely_box(x, y, x + step, y + step))
            pieces = [p for p in _parts(part) if p.geom_type == "Polygon"]
            if pieces and sum(p.area for p in pieces) >= step * step * 0.25:
                spot = polylabel(max(pieces, key=lambda p: p.area), tolerance=10.0)
                if spot.distance(first) > step * 0.6 and all(spot.distance(o) > step * 0.6 for o in found):
                    found.append(spot)
            x += step
        y += step
    return found


def _bundles(tracks: list[Any]) -> list[Any]:
    """One line per bundle of parallel tracks: the longest track of a corridor, then what other tracks add away from
    the lines already kept (a branch leaving the corridor), so four tracks side by side draw as one line."""
    from shapely.ops import unary_union

    kept: list[Any] = []
    near: Any = None
    for track in sorted(tracks, key=lambda t: (-round(t.length), t.coords[0])):
        rest = track if near is None else track.difference(near)
        added = [part for part in _parts(rest) if part.geom_type == "LineString" and part.length >= MIN_LENGTH_M["railway"]]
        if added:
            if kept:  # a branch starts where its bundle's line is: joined to it, no gap a walker could read as a way
                lines = unary_union(kept)
                added = [_joined(part, lines) for part in added]
            kept.extend(added)
            near = unary_union([p.buffer(RAIL_BUNDLE_M, quad_segs=2) for p in kept])
    return kept


def _joined(part: Any, lines: Any) -> Any:
    """``part`` with each end that stops short of ``lines`` (within a bundle's width) carried on to meet them."""
    from shapely.geometry import LineString, Point
    from shapely.ops import nearest_points

    coords = list(part.coords)
    for index in (0, -1):
        end = Point(coords[index])
        if 0 < lines.distance(end) <= RAIL_BUNDLE_M * 1.5:
            meet = nearest_points(lines, end)[0]
            if index == 0:
                coords.insert(0, (meet.x, meet.y))
            else:
                coords.append((meet.x, meet.y))
    return LineString(coords)


def _round(value: float) -> float:
    return round(value, DIGITS) + 0.0  # no "-0.0"


def _coords(geometry: Any, back: Any) -> Any:
    from shapely.geometry import MultiPolygon

    if geometry.geom_type == "MultiPolygon":  # the largest part first: the reader gives it the label
        geometry = MultiPolygon(sorted(geometry.geoms, key=lambda p: (-p.area, p.exterior.coords[0])))
    mapping = _transform(back, geometry).__geo_interface__

    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (int, float)):
            return [_round(value[0]), _round(value[1])]
        return [walk(v) for v in value]

    if mapping["type"] == "Point":
        return "Point", [_round(mapping["coordinates"][0]), _round(mapping["coordinates"][1])]
    coords = walk(mapping["coordinates"])
    if mapping["type"] in ("LineString", "MultiLineString", "Polygon", "MultiPolygon"):
        coords = _dedupe(coords, mapping["type"])
    return mapping["type"], coords


def _dedupe(coords: Any, kind: str) -> Any:
    """Rounding may make neighbours equal: drop repeated points."""
    depth = {"LineString": 0, "MultiLineString": 1, "Polygon": 1, "MultiPolygon": 2}[kind]

    def clean(points: list) -> list:
        out: list = []
        for p in points:
            if not out or out[-1] != p:
                out.append(p)
        return out

    def walk(value: Any, level: int) -> Any:
        return clean(value) if level == 0 else [walk(v, level - 1) for v in value]

    return walk(coords, depth)


def _feature(kind: str, names: dict[str, str], geometry: Any, back: Any, label: tuple[float, float] | None = None) -> dict:
    geometry_type, coords = _coords(geometry, back)
    props: dict[str, Any] = {"kind": kind, **{k: v for k, v in names.items() if v}}
    if label is not None:
        lon, lat = back(*label)
        props["label"] = [_round(lon), _round(lat)]
    return {"type": "Feature", "properties": props, "geometry": {"type": geometry_type, "coordinates": coords}}


def _first_point(feature: dict) -> list[float]:
    coords: Any = feature["geometry"]["coordinates"]
    while coords and isinstance(coords[0], list):
        coords = coords[0]
    return coords


def _sort_key(feature: dict) -> tuple:
    props = feature["properties"]
    return (props["kind"], props.get("name", ""), _first_point(feature))


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")


def _name_ids(rows: list[dict]) -> None:
    seen: dict[str, int] = defaultdict(int)
    for row in rows:
        props = row["properties"]
        base = f"{props['kind']}-{slug(props.get('name_fr') or props.get('name', ''))}".rstrip("-")
        seen[base] += 1
        row["id"] = base if seen[base] == 1 else f"{base}-{seen[base]}"


def _attach_sections(rows: list[dict]) -> None:
    """Each section names the commune its label lies in."""
    from shapely.geometry import Point, shape

    communes = [(row["id"], shape(row["geometry"])) for row in rows if row["properties"]["kind"] == "commune"]
    for row in rows:
        if row["properties"]["kind"] != "section":
            continue
        label = Point(row["properties"]["label"])
        row["properties"]["commune"] = next((cid for cid, area in communes if area.contains(label)), "")


def dumps(collection: dict) -> str:
    """One feature per line, sorted keys: small, stable and readable in a diff."""
    lines = [json.dumps(f, ensure_ascii=False, sort_keys=True, separators=(",", ":")) for f in collection["features"]]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


README = """\
# The offline map's geometry

Derived from OpenStreetMap by `here-explorer basemap --from {source}` (zoom {zoom}), over the area
south {box.south:.4f}, west {box.west:.4f}, north {box.north:.4f}, east {box.east:.4f} (by default the places'
extent with {margin:.0f} m east and west and {margin_ns:.0f} m north and south).
Do not edit these files by hand: change the tiles or `src/explorer/osmbuild.py` and run the command again.

- `communes.geojson` ({communes} features): the communes (`kind` commune) and the sections of a commune (`kind`
  section: Laeken, Haren, ...) as areas, with `name`, `name_fr`, `name_nl` as OpenStreetMap gives them and a
  `label` point (the checks use them); the lines the map draws, each border once (`border`, `section-border`).
- `railways.geojson` ({railways} features): main lines above ground, one line per bundle of tracks (`railway`),
  the land of yards and sidings (`rail-yard`), and the middle of each railway bridge that is not over water
  (`passage`: a street or path goes under the tracks there; streets bridging the tracks are not in these layers).
- `water.geojson` ({water} features): the canal (`canal` areas, `canal-line` its course), basins and ponds
  (`water`), wetlands (`wetland`), open streams (`stream`).

Map data © OpenStreetMap contributors. These files are a database derived from OpenStreetMap and are available
under the Open Database License (ODbL 1.0): https://opendatacommons.org/licenses/odbl/1-0/ . Wherever the map is
shown it says "© OpenStreetMap contributors".
"""


def write(collections: dict[str, dict], out: Path, *, source: str, box: Box, zoom: int) -> list[Path]:
    counts = {Path(f).stem: len(c["features"]) for f, c in collections.items()}
    texts = {out / file: dumps(collection) for file, collection in collections.items()}
    texts[out / "README.md"] = README.format(source=source, zoom=zoom, margin=MARGIN_M, margin_ns=MARGIN_NS_M, box=box, **counts)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for path, text in texts.items():
            path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BasemapBuildError(f"{exc.filename or out}: cannot be written ({exc.strerror or exc})") from exc
    return list(texts)


def run(source: Path, out: Path, data_dir: Path, bbox: str | None = None, zoom: int = ZOOM) -> list[Path]:
    """The command: the tiles in ``source``, the places in ``data_dir`` (or ``bbox``), the files into ``out``."""
    box = parse_box(bbox) if bbox else places_box(data_dir).grown(MARGIN_M, MARGIN_NS_M)
    collections = build(source, box, zoom)
    return write(collections, out, source=source.name, box=box, zoom=zoom)


def feature_counts(paths: Iterable[Path]) -> dict[str, int]:
    return {p.name: len(json.loads(p.read_text(encoding="utf-8"))["features"]) for p in paths if p.suffix == ".geojson"}
