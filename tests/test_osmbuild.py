"""The offline map's build step (``here-explorer basemap``) on a small cut of vector tiles the test writes itself:
two zoom-12 tiles side by side holding one of each thing the map keeps or leaves out."""

from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import pytest

pytest.importorskip("pmtiles")
pytest.importorskip("mapbox_vector_tile")
pytest.importorskip("shapely")

import mapbox_vector_tile  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from pmtiles.tile import Compression, TileType, zxy_to_tileid  # noqa: E402
from pmtiles.writer import write as write_pmtiles  # noqa: E402
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, shape  # noqa: E402

from conftest import DATA  # noqa: E402
from explorer import osmbuild, osmdata  # noqa: E402
from explorer.__main__ import main  # noqa: E402
from explorer.model import OSM_KINDS  # noqa: E402

ZOOM = 12
EXTENT = 4096
BUFFER = 64  # tile units each tile's features reach beyond its edge, as real tiles do
METRES = 111_320.0
WORLD = 2**ZOOM * EXTENT  # tile units around the world at ZOOM

# two tiles side by side over the north of Brussels; the origin is on their common edge, half-way up
TX, TY = 2097, 1372
LON0 = (TX + 1) / 2**ZOOM * 360 - 180


def _lat_of(y_units: float) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y_units / WORLD))))


LAT0 = _lat_of((TY + 0.5) * EXTENT)
SHRINK = math.cos(math.radians(LAT0))


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    """The point ``dx`` metres east and ``dy`` metres north of the origin."""
    return LON0 + dx / (METRES * SHRINK), LAT0 + dy / METRES


def lon_at(dx: float) -> float:
    return lonlat(dx, 0)[0]


def lat_at(dy: float) -> float:
    return lonlat(0, dy)[1]


def rect(x1: float, y1: float, x2: float, y2: float) -> Polygon:
    """A rectangle in metres from the origin, as lon/lat."""
    return Polygon([lonlat(x1, y1), lonlat(x2, y1), lonlat(x2, y2), lonlat(x1, y2)])


def line(*points: tuple[float, float]) -> LineString:
    return LineString([lonlat(x, y) for x, y in points])


# what the tiles hold: (archive, properties, geometry in lon/lat)
COMMUNE = {"boundary": "administrative", "admin_level": 8, "name": "Aa - Bb", "name:fr": "Aa", "name:nl": "Bb"}
SOURCE: list[tuple[str, dict, object]] = [
    ("boundaries", COMMUNE, rect(-2000, -1500, 2000, 1500)),
    (  # a neighbour, with a small exclave to the south (shapely lists that part first)
        "boundaries",
        {"boundary": "administrative", "admin_level": "8", "name": "Gg"},
        MultiPolygon([rect(2000, -1500, 4000, 1500), rect(2500, -2700, 2600, -2600)]),
    ),
    ("boundaries", {"boundary": "administrative", "admin_level": "10", "name": "Cc"}, rect(-1500, -1000, -500, 0)),
    (
        "boundaries",
        {"boundary": "administrative", "admin_level": "10", "place": "neighbourhood", "name": "Dd"},
        rect(500, 0, 1500, 1000),
    ),
    # the boundary ways, each once as OpenStreetMap has them: the map draws these
    ("boundaries", {"boundary": "administrative", "admin_level": 8}, line((2000, 1500), (-2000, 1500), (-2000, -1500), (2000, -1500))),
    ("boundaries", {"boundary": "administrative", "admin_level": 8}, line((2000, -1500), (2000, 1500))),
    ("boundaries", {"boundary": "administrative", "admin_level": 8}, line((2000, 1500), (4000, 1500), (4000, -1500), (2000, -1500))),
    (
        "boundaries",
        {"boundary": "administrative", "admin_level": 10},
        line((-1500, -1000), (-500, -1000), (-500, 0), (-1500, 0), (-1500, -1000)),
    ),
    ("boundaries", {"boundary": "administrative", "admin_level": 10}, line((500, 0), (1500, 0), (1500, 1000), (500, 1000), (500, 0))),
    ("railway", {"railway": "rail", "usage": "main"}, line((-3000, 1000), (3000, 1000))),
    ("railway", {"railway": "rail", "usage": "main"}, line((-3000, 1005), (3000, 1005))),
    ("railway", {"railway": "rail", "tunnel": "yes"}, line((-3000, -2000), (3000, -2000))),
    # the bridges of both tracks over a street (one passage under the tracks), and a line's bridge over the canal (none)
    ("railway", {"railway": "rail", "bridge": "yes"}, line((-1000, 1000), (-980, 1000))),
    ("railway", {"railway": "rail", "bridge": "yes"}, line((-1000, 1005), (-980, 1005))),
    ("railway", {"railway": "rail"}, line((-2500, -2800), (-2500, -2530))),
    ("railway", {"railway": "rail", "bridge": "yes"}, line((-2500, -2530), (-2500, -2420))),
    ("railway", {"railway": "rail"}, line((-2500, -2420), (-2500, -2200))),
    *[("railway", {"railway": "rail", "service": "yard"}, line((1000, y), (2000, y))) for y in (2000, 2015, 2030)],
    ("water", {"water": "canal", "natural": "water", "name": "Canal Ff"}, rect(-3000, -2500, 3000, -2450)),
    ("water", {"waterway": "canal", "name": "Canal Ff"}, line((-3000, -2475), (3000, -2475))),
    ("water", {"natural": "water"}, rect(2500, -1000, 2600, -900)),  # 10,000 m²
    ("water", {"natural": "water"}, rect(2800, -1000, 2820, -980)),  # 400 m²: too small
    ("water", {"waterway": "stream", "name": "Ee"}, line((-5000, 500), (-4000, 500))),
    ("water", {"waterway": "stream", "name": "Ee", "tunnel": "culvert"}, line((-4000, 500), (-3000, 500))),
]
# the area asked for: inside both tiles (about 6.2 km wide each)
BBOX = f"{lat_at(-2900):.5f},{lon_at(-5900):.5f},{lat_at(2900):.5f},{lon_at(5900):.5f}"


def _units(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Tile units at ZOOM from the world's north-west corner, y down, rounded as a tile stores them."""
    x = (lon + 180) / 360 * WORLD
    y = (1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * WORLD
    return np.round(x), np.round(y)


def _tile(features: list[tuple[dict, object]], tx: int, ty: int) -> bytes:
    """One gzipped MVT tile: each feature cut to the tile and its buffer, in tile units with y up."""
    frame = box(tx * EXTENT - BUFFER, ty * EXTENT - BUFFER, (tx + 1) * EXTENT + BUFFER, (ty + 1) * EXTENT + BUFFER)
    rows = []
    for props, geometry in features:
        piece = shapely.transform(geometry, _units, interleaved=False).intersection(frame)
        if piece.is_empty:
            continue
        local = shapely.transform(piece, lambda x, y: (x - tx * EXTENT, EXTENT - (y - ty * EXTENT)), interleaved=False)
        rows.append({"geometry": local.wkt, "properties": props})
    return gzip.compress(mapbox_vector_tile.encode([{"name": "layer", "features": rows}]), mtime=0)


def write_archive(path: Path, features: list[tuple[dict, object]], zoom: int = ZOOM, tiles: tuple = ((TX, TY), (TX + 1, TY))) -> None:
    """A PMTiles archive of gzipped MVT tiles at one zoom."""
    scale = 2 ** (ZOOM - zoom)
    with write_pmtiles(str(path)) as writer:
        for tx, ty in sorted(tiles, key=lambda t: zxy_to_tileid(zoom, *t)):
            writer.write_tile(zxy_to_tileid(zoom, tx, ty), _tile(features, tx * scale, ty * scale) if scale == 1 else b"")
        west, north = lonlat(-6500, 3500)
        east, south = lonlat(6500, -3500)
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_lon_e7": int(west * 1e7),
                "min_lat_e7": int(south * 1e7),
                "max_lon_e7": int(east * 1e7),
                "max_lat_e7": int(north * 1e7),
                "center_zoom": zoom,
            },
            {"name": path.stem},
        )


@pytest.fixture(scope="module")
def tiles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("osm") / "osm-test"
    folder.mkdir()
    for name, file in osmbuild.SOURCES.items():
        write_archive(folder / file, [(props, geometry) for source, props, geometry in SOURCE if source == name])
    return folder


@pytest.fixture(scope="module")
def built(tiles: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "basemap"
    osmbuild.run(tiles, out, tmp_path_factory.mktemp("no-data"), bbox=BBOX)
    return out


def features(folder: Path, file: str) -> list[dict]:
    return json.loads((folder / file).read_text(encoding="utf-8"))["features"]


def of_kind(folder: Path, kind: str) -> list[dict]:
    return [f for file in osmbuild.FILES for f in features(folder, file) if f["properties"]["kind"] == kind]


def test_the_build_writes_the_three_files_and_a_readme(built):
    assert sorted(p.name for p in built.iterdir()) == ["README.md", "communes.geojson", "railways.geojson", "water.geojson"]
    kinds = {file: sorted({f["properties"]["kind"] for f in features(built, file)}) for file in osmbuild.FILES}
    assert kinds == {
        "communes.geojson": ["border", "commune", "section", "section-border"],
        "railways.geojson": ["passage", "rail-yard", "railway"],
        "water.geojson": ["canal", "canal-line", "stream", "water"],
    }


def test_a_commune_cut_by_the_tiles_edge_is_joined_into_one_feature(built):
    commune, neighbour = of_kind(built, "commune")
    assert commune["id"] == "commune-aa" and neighbour["id"] == "commune-gg"
    assert commune["properties"]["name"] == "Aa - Bb"
    assert commune["properties"]["name_fr"] == "Aa" and commune["properties"]["name_nl"] == "Bb"
    assert commune["geometry"]["type"] == "Polygon" and len(commune["geometry"]["coordinates"]) == 1
    area = shape(commune["geometry"])
    west, south, east, north = area.bounds
    assert west < LON0 < east, "it spans both tiles"
    assert west == pytest.approx(lon_at(-2000), abs=5e-5) and east == pytest.approx(lon_at(2000), abs=5e-5)
    assert south == pytest.approx(lat_at(-1500), abs=5e-5) and north == pytest.approx(lat_at(1500), abs=5e-5)
    assert len(commune["geometry"]["coordinates"][0]) <= 6, "the straight edge across the tiles' seam leaves no extra points"
    assert area.contains(Point(commune["properties"]["label"]))


def test_a_section_is_kept_with_its_commune_and_a_neighbourhood_is_left_out(built):
    (section,) = of_kind(built, "section")
    assert section["properties"]["name"] == "Cc"
    assert section["properties"]["commune"] == "commune-aa"
    assert shape(section["geometry"]).contains(Point(section["properties"]["label"]))
    names = [f["properties"].get("name") for f in features(built, "communes.geojson")]
    assert "Dd" not in names


def test_each_border_is_drawn_once(built):
    """The border two communes share is one line, not two; a section's border is its own line; a neighbourhood has
    none."""
    borders = [shape(f["geometry"]) for f in of_kind(built, "border")]
    metres = sum(_metres(b) for b in borders)
    assert metres == pytest.approx(2 * (4000 + 3000) + 2 * (2000 + 3000) - 3000, rel=0.01)
    shared = Point(lonlat(2000, 0))
    assert sum(1 for b in borders if b.distance(shared) < 1e-5) == 1
    (section_border,) = of_kind(built, "section-border")
    assert shape(section_border["geometry"]).distance(Point(lonlat(-1500, -500))) < 1e-5
    drawn = [shape(f["geometry"]) for f in features(built, "communes.geojson") if f["properties"]["kind"].endswith("border")]
    assert all(line.distance(Point(lonlat(1500, 500))) > 0.001 for line in drawn), "no border around the neighbourhood"


def _metres(line: LineString) -> float:
    return LineString([(lon * SHRINK * METRES, lat * METRES) for lon, lat in line.coords]).length


def test_two_parallel_tracks_draw_as_one_line_a_tunnel_is_left_out_and_a_yard_is_land(built):
    railway, crossing_the_canal = sorted(of_kind(built, "railway"), key=lambda f: -shape(f["geometry"]).bounds[1])
    assert railway["geometry"]["type"] == "LineString"
    lons = [p[0] for p in railway["geometry"]["coordinates"]]
    lats = [p[1] for p in railway["geometry"]["coordinates"]]
    assert min(lons) == pytest.approx(lon_at(-3000), abs=5e-5) and max(lons) == pytest.approx(lon_at(3000), abs=5e-5)
    assert all(abs(lat - lat_at(1002.5)) < 5 / METRES for lat in lats), "the bundle's line lies on its tracks"
    assert shape(crossing_the_canal["geometry"]).length * METRES == pytest.approx(600, abs=3), "joined across its bridge"
    for feature in of_kind(built, "railway"):  # nothing drawn where the tunnel runs
        assert all(abs(p[1] - lat_at(-2000)) > 150 / METRES for p in feature["geometry"]["coordinates"])
    (yard,) = of_kind(built, "rail-yard")
    land = shape(yard["geometry"])
    assert land.geom_type == "Polygon"
    assert all(land.contains(Point(lonlat(x, 2015))) for x in (1050, 1500, 1950)), "the yard's tracks lie on its land"
    assert land.area * (METRES**2 * SHRINK) == pytest.approx(1018 * 48, rel=0.25), "three tracks 15 m apart, widened by 9 m"


def test_a_passage_under_the_tracks_is_where_a_bridge_is_not_over_water(built):
    """Both tracks' bridges over one street are one passage; the bridge over the canal is none."""
    (passage,) = of_kind(built, "passage")
    assert passage["geometry"]["type"] == "Point"
    assert Point(passage["geometry"]["coordinates"]).distance(Point(lonlat(-990, 1002.5))) * METRES < 5


def test_the_canal_its_course_a_pond_and_an_open_stream_are_kept_small_and_culverted_things_left_out(built):
    (canal,) = of_kind(built, "canal")
    assert canal["id"] == "canal-canal-ff" and canal["properties"]["name"] == "Canal Ff"
    assert shape(canal["geometry"]).bounds[0] < LON0 < shape(canal["geometry"]).bounds[2]
    (course,) = of_kind(built, "canal-line")
    assert course["properties"]["name"] == "Canal Ff" and course["geometry"]["type"] == "LineString"
    assert shape(canal["geometry"]).contains(shape(course["geometry"]).interpolate(0.5, normalized=True))
    (pond,) = of_kind(built, "water")
    assert shape(pond["geometry"]).contains(Point(lonlat(2550, -950)))
    assert not shape(pond["geometry"]).contains(Point(lonlat(2810, -990))), "the tiny pond is not part of it"
    (stream,) = of_kind(built, "stream")
    assert stream["properties"]["name"] == "Ee"
    lons = [p[0] for p in stream["geometry"]["coordinates"]]
    assert min(lons) == pytest.approx(lon_at(-5000), abs=5e-5)
    assert max(lons) == pytest.approx(lon_at(-4000), abs=5e-5), "the culvert is not drawn"


def test_coordinates_have_at_most_five_decimals_and_the_readme_gives_the_licence(built):
    for file in osmbuild.FILES:
        text = (built / file).read_text(encoding="utf-8")
        for feature in features(built, file):
            numbers = json.dumps(feature["geometry"]["coordinates"]) + json.dumps(feature["properties"].get("label", []))
            for number in numbers.replace("[", " ").replace("]", " ").replace(",", " ").split():
                assert len(number.partition(".")[2]) <= 5, (file, number)
        assert text.count("\n") == len(features(built, file)) + 2, "one feature per line"
    readme = (built / "README.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in readme
    assert "Open Database License (ODbL 1.0)" in readme and "https://opendatacommons.org/licenses/odbl/1-0/" in readme
    assert all(f"`{file}`" in readme for file in osmbuild.FILES) and "--from osm-test" in readme


def test_the_built_files_read_back_without_problems(built):
    problems: list = []
    read = osmdata.read(built, "data/basemap", problems)
    assert problems == []
    assert {f.kind for f in read} == set(OSM_KINDS) - {"wetland"}
    commune = next(f for f in read if f.kind == "commune")
    assert commune.name.get("en") == "Aa / Bb" and commune.name.get("fr") == "Aa" and commune.name.get("nl") == "Bb"
    assert [f.id for f in osmdata.communes_at(read, (lat_at(-500), lon_at(-1000)))] == ["commune-aa", "section-cc"]
    exclave = next(f for f in read if f.id == "commune-gg#2")
    assert exclave.label is None and osmdata.inside((lat_at(-2650), lon_at(2550)), exclave.points)
    for feature in read:  # the reader gives the label to a feature's first ring: that is the ring it lies in
        if feature.label is not None:
            assert osmdata.inside(feature.label, feature.points), feature.id


def test_the_same_tiles_give_the_same_bytes(tiles, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    written = osmbuild.run(tiles, first, tmp_path, bbox=BBOX)
    osmbuild.run(tiles, second, tmp_path, bbox=BBOX)
    assert sorted(p.name for p in written) == ["README.md", *osmbuild.FILES]
    for path in written:
        assert path.read_bytes() == (second / path.name).read_bytes(), path.name


def test_the_same_tiles_give_the_same_bytes_in_other_processes(tiles, built, tmp_path):
    """Nothing hangs on the order of a set or a dict of strings: each process hashes them its own way."""
    import os
    import subprocess
    import sys

    for seed in ("1", "2"):
        out = tmp_path / f"seed-{seed}"
        command = [sys.executable, "-m", "explorer", "basemap", "--from", str(tiles), "--out", str(out), "--bbox", BBOX]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed})
        assert result.returncode == 0, result.stderr
        for file in (*osmbuild.FILES, "README.md"):
            assert (out / file).read_bytes() == (built / file).read_bytes(), (seed, file)


def test_without_a_bbox_the_places_and_a_margin_set_the_area(tiles, tmp_path, capsys):
    places = tmp_path / "data" / "places.toml"
    places.parent.mkdir()
    south_west, north_east = lonlat(-1000, -500), lonlat(1000, 500)
    places.write_text(
        f"[[place]]\nlat = {south_west[1]}\nlon = {south_west[0]}\n\n[[place]]\nlat = {north_east[1]}\nlon = {north_east[0]}\n",
        encoding="utf-8",
    )
    assert main(["basemap", "--from", str(tiles), "--data-dir", str(places.parent)]) == 0
    out = places.parent / "basemap"
    assert f"wrote {out / 'communes.geojson'}" in capsys.readouterr().out
    readme = (out / "README.md").read_text(encoding="utf-8")
    box_ = osmbuild.Box(south_west[1], south_west[0], north_east[1], north_east[0]).grown(osmbuild.MARGIN_M, osmbuild.MARGIN_NS_M)
    assert f"south {box_.south:.4f}, west {box_.west:.4f}, north {box_.north:.4f}, east {box_.east:.4f}" in readme
    assert [f["id"] for f in of_kind(out, "commune")] == ["commune-aa", "commune-gg"]


def test_the_command_writes_the_files(tiles, built, tmp_path, capsys):
    out = tmp_path / "basemap"
    assert main(["basemap", "--from", str(tiles), "--out", str(out), "--bbox", BBOX]) == 0
    printed = capsys.readouterr().out
    for file in (*osmbuild.FILES, "README.md"):
        assert f"wrote {out / file} (" in printed
        assert (out / file).read_bytes() == (built / file).read_bytes()


def test_without_a_bbox_the_area_is_the_places_with_a_margin(tmp_path):
    (tmp_path / "places.toml").write_text("[[place]]\nlat = 50.85\nlon = 4.35\n\n[[place]]\nlat = 50.88\nlon = 4.40\n")
    box_ = osmbuild.places_box(tmp_path)
    assert box_ == osmbuild.Box(50.85, 4.35, 50.88, 4.40)
    grown = box_.grown(1500)
    assert grown.south == pytest.approx(50.85 - 1500 / METRES) and grown.north == pytest.approx(50.88 + 1500 / METRES)
    assert (box_.west - grown.west) * METRES * math.cos(math.radians(50.865)) == pytest.approx(1500)
    taller = box_.grown(1500, 3000)  # a phone's tall map: more north and south
    assert taller.north == pytest.approx(50.88 + 3000 / METRES) and taller.west == pytest.approx(grown.west)
    (tmp_path / "places.toml").write_text("title = 'no places'\n")
    with pytest.raises(osmbuild.BasemapBuildError, match="places.toml: no places; give --bbox instead"):
        osmbuild.places_box(tmp_path)


# --- what goes wrong is said, never a traceback -----------------------------------------------------------------


def _copy(tiles: Path, target: Path) -> Path:
    target.mkdir()
    for file in osmbuild.SOURCES.values():
        (target / file).write_bytes((tiles / file).read_bytes())
    return target


def _fails(capsys, *args: str) -> str:
    assert main(["basemap", *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    assert captured.err.startswith("basemap: ") and captured.err.count("\n") == 1
    return captured.err


def test_a_missing_archive_is_named(tiles, tmp_path, capsys):
    folder = _copy(tiles, tmp_path / "tiles")
    (folder / "water.pmtiles").unlink()
    with pytest.raises(osmbuild.BasemapBuildError, match=r"water\.pmtiles: not found \(the folder must hold boundaries"):
        osmbuild.run(folder, tmp_path / "out", tmp_path, bbox=BBOX)
    assert f"{folder / 'water.pmtiles'}: not found" in _fails(
        capsys, "--from", str(folder), "--out", str(tmp_path / "out"), "--bbox", BBOX
    )
    assert not (tmp_path / "out").exists(), "nothing is written when an archive is missing"


@pytest.mark.parametrize("content", [b"", b"just some text, not tiles", b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_a_file_that_is_not_pmtiles_is_named(tiles, tmp_path, capsys, content):
    folder = _copy(tiles, tmp_path / "tiles")
    (folder / "railway.pmtiles").write_bytes(content)
    message = _fails(capsys, "--from", str(folder), "--out", str(tmp_path / "out"), "--bbox", BBOX)
    assert f"{folder / 'railway.pmtiles'}: not a PMTiles archive (" in message


def test_an_archive_without_the_zoom_is_named(tiles, tmp_path, capsys):
    folder = _copy(tiles, tmp_path / "tiles")
    write_archive(folder / "boundaries.pmtiles", [], zoom=11, tiles=((TX // 2, TY // 2),))
    message = _fails(capsys, "--from", str(folder), "--out", str(tmp_path / "out"), "--bbox", BBOX)
    assert f"{folder / 'boundaries.pmtiles'}: has zooms 11-11, not 12" in message


def test_a_tile_that_cannot_be_decoded_is_named(tiles, tmp_path, capsys):
    folder = _copy(tiles, tmp_path / "tiles")
    with write_pmtiles(str(folder / "water.pmtiles")) as writer:
        writer.write_tile(zxy_to_tileid(ZOOM, TX, TY), gzip.compress(b"\xff\xff\xff not a vector tile", mtime=0))
        writer.finalize({"tile_type": TileType.MVT, "tile_compression": Compression.GZIP}, {})
    message = _fails(capsys, "--from", str(folder), "--out", str(tmp_path / "out"), "--bbox", BBOX)
    assert f"{folder / 'water.pmtiles'}: tile 12/{TX}/{TY} cannot be decoded" in message


@pytest.mark.parametrize(("cut", "says"), [(127, "cannot be read: the archive is damaged ("), (0.5, "cannot be decoded (")])
def test_an_archive_cut_short_is_named(tiles, tmp_path, capsys, cut, says):
    """Only the header left (its directory is missing), or half the archive (its tile cut short)."""
    folder = _copy(tiles, tmp_path / "tiles")
    whole = (folder / "water.pmtiles").read_bytes()
    (folder / "water.pmtiles").write_bytes(whole[: cut if isinstance(cut, int) else int(len(whole) * cut)])
    message = _fails(capsys, "--from", str(folder), "--out", str(tmp_path / "out"), "--bbox", BBOX)
    assert message.startswith(f"basemap: {folder / 'water.pmtiles'}: tile 12/") and says in message


def test_an_out_folder_that_cannot_be_written_is_named(tiles, tmp_path, capsys):
    (tmp_path / "taken").write_text("a file, not a folder", encoding="utf-8")
    message = _fails(capsys, "--from", str(tiles), "--out", str(tmp_path / "taken"), "--bbox", BBOX)
    assert message == f"basemap: {tmp_path / 'taken'}: cannot be written (File exists)\n"


@pytest.mark.parametrize(
    ("bbox", "says"),
    [
        ("50.8,4.3", "must be south,west,north,east in degrees (got '50.8,4.3')"),
        ("50.8,4.3,north,4.4", "must be south,west,north,east in degrees (got '50.8,4.3,north,4.4')"),
        ("50.9,4.3,50.8,4.4", "south must be below north and west left of east (got '50.9,4.3,50.8,4.4')"),
        ("50.8,4.4,50.9,4.3", "south must be below north and west left of east (got '50.8,4.4,50.9,4.3')"),
        ("50.8,4.3,95,4.4", "south must be below north and west left of east (got '50.8,4.3,95,4.4')"),
    ],
)
def test_a_bad_bbox_is_named(tiles, tmp_path, capsys, bbox, says):
    with pytest.raises(osmbuild.BasemapBuildError, match="^--bbox: "):
        osmbuild.parse_box(bbox)
    assert _fails(capsys, "--from", str(tiles), "--out", str(tmp_path / "out"), "--bbox", bbox) == f"basemap: --bbox: {says}\n"


def test_unreadable_places_ask_for_a_bbox(tiles, tmp_path, capsys):
    (tmp_path / "places.toml").write_text("[[place]]\nlat = 'north'\n", encoding="utf-8")
    message = _fails(capsys, "--from", str(tiles), "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path))
    assert f"{tmp_path / 'places.toml'}: cannot read the places' points (" in message and "give --bbox instead" in message


# --- the committed geometry ----------------------------------------------------------------------------------------


def test_the_committed_basemap_reads_without_problems_and_has_every_kind():
    problems: list = []
    read = osmdata.read(DATA / "basemap", "data/basemap", problems)
    assert problems == []
    kinds = {f.kind for f in read}
    assert kinds >= {"commune", "section", "border", "railway", "rail-yard", "passage", "canal", "canal-line", "water", "stream"}
    assert kinds <= set(OSM_KINDS)
    communes = {f.name.get("fr") for f in read if f.kind == "commune"}
    assert {"Jette", "Evere", "Schaerbeek", "Bruxelles"} <= communes
    assert all(f.label is not None for f in read if f.kind in ("commune", "section") and "#" not in f.id)
    readme = (DATA / "basemap" / "README.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in readme and "ODbL" in readme
