"""HTML for live sessions: the join block, the room's answers as bars, a word list and a map of place votes.

Pure functions of the content, a question and its tallies (``explorer.live``), so the projector, a participant's
phone after the reveal and a kiosk's attract screen draw the same thing, and tests can read it. Every text goes
through ``tx``/``esc``; the pictures (bars, circles) are decorative beside the numbers they show, which are
always written out for people who cannot see them.
"""

from __future__ import annotations

import base64
import functools
import math
import textwrap
from collections.abc import Callable, Mapping

import pandas as pd

from explorer.fragments import esc, tx
from explorer.guest import GuestQuestion, GuestRoom, queue
from explorer.i18n import N_, n_, t
from explorer.live import (  # noqa: F401 - what a question is called, for the pages that draw it
    KIND_LABELS,
    PLACE_QUESTION,
    QUESTION_TEXTS,
    SCENE_QUESTION,
    WORD_QUESTION,
    Answer,
    LiveQuestion,
    choice_label,
    question_label,
    question_text,
    shown_texts,
    tally,
)
from explorer.model import OSM_KINDS, Content
from explorer.theme import FONTS, PALETTE
from explorer.typography import colon

STATE_LABELS = {
    "draft": N_("Not asked yet"),
    "open": N_("Taking answers"),
    "closed": N_("Closed"),
    "revealed": N_("Answers shown to everyone"),
}


def join_html(code: str, address: str, joined: int, language: str = "en") -> str:
    """The join code, big enough to read from the back of a room, where to type it, and how many have joined."""
    spaced = f"{code[:3]} {code[3:]}"
    where = t("To join by phone", language)
    count = (
        n_("{count} person has joined", "{count} people have joined", joined, language)
        if joined
        else t("Nobody has joined yet", language)
    )
    return (
        f'<div class="hx-join"><p class="hx-join-where">{tx(where, language)}{colon(language)} <strong>{esc(address)}</strong></p>'
        f'<p class="hx-join-code" aria-label="{esc(" ".join(code))}">{esc(spaced)}</p>'
        f'<p class="hx-join-count" role="status">{tx(count, language)}</p></div>'
    )


def _share(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def bars_html(content: Content, question: LiveQuestion, counts: pd.DataFrame, language: str = "en") -> str:
    """Counts per choice as horizontal bars, every choice in its order, with its number and share written out."""
    total = int(counts["count"].sum())
    top = int(counts["count"].max()) if len(counts) else 0
    rows = []
    for value, count in zip(counts["value"], counts["count"], strict=True):
        width = 100 * count / top if top else 0
        rows.append(
            f'<li><span class="hx-bar-label">{tx(choice_label(content, question, value, language), language)}'
            f'</span><span class="hx-bar-track" aria-hidden="true"><span class="hx-bar" '
            f'style="width:{width:.1f}%"></span></span><span class="hx-bar-count">{int(count)} '
            f"<small>({_share(int(count), total)}\u202f%)</small></span></li>"
        )
    return f'<ol class="hx-bars">{"".join(rows)}</ol>' + _total_html(total, language)


def _total_html(total: int, language: str) -> str:
    count = n_("{count} answer", "{count} answers", total, language) if total else t("No answer yet", language)
    return f'<p class="hx-live-total">{tx(count, language)}</p>'


def words_html(counts: pd.DataFrame, language: str = "en", limit: int = 40) -> str:
    """One-word reactions as a list sized by how often each was given (most frequent first). Each word is isolated
    (``<bdi>``), so a right-to-left word keeps its count after it instead of drawing it beside the word before."""
    shown = counts.head(limit)
    total = int(counts["count"].sum())
    top = int(shown["count"].max()) if len(shown) else 0
    items = []
    for word, count in zip(shown["value"], shown["count"], strict=True):
        size = 1 + 2.2 * math.sqrt(count / top) if top else 1  # rem: from 1 to 3.2, by area rather than length
        items.append(f'<li style="font-size:{size:.2f}rem"><bdi>{esc(word)}</bdi> <small>{int(count)}</small></li>')
    return f'<ul class="hx-words">{"".join(items)}</ul>' + _total_html(total, language)


def texts_html(texts: list[str], language: str = "en") -> str:
    """Free-text answers the presenter approved, in the order given (newest first: ``shown_texts``); each takes
    its own direction (``dir="auto"``), so a right-to-left answer reads right to left with its punctuation in
    place, whatever the page's language."""
    if not texts:
        none = t("No answer shown yet.", language)
        return f'<p class="hx-note">{tx(none, language)}</p>'
    return '<ul class="hx-texts">' + "".join(f'<li dir="auto">{esc(text)}</li>' for text in texts) + "</ul>"


# --- a map of place votes ------------------------------------------------------------------------------------

WIDTH, HEIGHT = 800, 560
PAD = 48
# Place names beside the circles: on a 1920x1080 projector the picture is about 760 pixels wide, so 28 units are
# about 27 pixels, read from the back of a room; a name wraps at about 18 characters, on at most three lines.
LABEL_SIZE = 28
LABEL_CHARS = 18
LABEL_LINE = 1.15  # line height, in font sizes
LABEL_CHAR_WIDTH = 0.6  # an average character's width, in font sizes (a bold sans), to keep names apart
LABEL_GAP = 6
LABEL_MARGIN = 14  # a name keeps this far from the picture's edges (its white outline included)
LABEL_REACH = LABEL_SIZE  # the most a name's nearest point may be from its circle's edge: one line's height
NAMED = 6  # the most voted places named on the map (more long names do not fit it); the list beside names all


def _projection(content: Content) -> tuple[float, float, float, float]:
    """Scale and offsets that fit every place (and the simplified map around them) in the picture, north up."""
    lats = [p.lat for p in content.places]
    lons = [p.lon for p in content.places]
    middle = math.cos(math.radians(sum(lats) / len(lats)))
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    scale = min((WIDTH - 2 * PAD) / max((east - west) * middle, 1e-6), (HEIGHT - 2 * PAD) / max(north - south, 1e-6))
    x0 = (WIDTH - (east - west) * middle * scale) / 2 - west * middle * scale
    y0 = (HEIGHT - (north - south) * scale) / 2 + north * scale
    return scale, middle, x0, y0


def _label_lines(name: str) -> list[str]:
    lines = textwrap.wrap(name, LABEL_CHARS, break_long_words=False) or [name]
    return lines[:2] + [" ".join(lines[2:])] if len(lines) > 3 else lines


Box = tuple[float, float, float, float]  # left, top, width, height


def _overlap(a: Box, b: Box) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _nearest(box: Box, x: float, y: float) -> tuple[float, float]:
    """The point of a box nearest to (x, y)."""
    return min(max(x, box[0]), box[0] + box[2]), min(max(y, box[1]), box[1] + box[3])


def _distance(box: Box, x: float, y: float) -> float:
    nx, ny = _nearest(box, x, y)
    return math.hypot(nx - x, ny - y)


def _label_size(lines: list[str]) -> tuple[float, float]:
    return max(len(line) for line in lines) * LABEL_SIZE * LABEL_CHAR_WIDTH, len(lines) * LABEL_SIZE * LABEL_LINE


Circle = tuple[float, float, float, list[str]]  # x, y, radius, the name's lines


def _place_labels(circles: list[Circle], others: list[Box]) -> list[Box | None]:
    """Where each circle's name goes (``_greedy``), in the order that leaves off the fewest names, and then the
    least voted: the circles in rank order first, then with the names left off moved to the front (a few tries,
    so the projector's half-second refresh stays quick)."""
    order = list(range(len(circles)))
    best: list[Box | None] = []
    for attempt in range(4):
        placed = _greedy([circles[i] for i in order], others)
        found: list[Box | None] = [None] * len(circles)
        for i, box in zip(order, placed, strict=True):
            found[i] = box
        if attempt == 0 or _left_off(found) < _left_off(best):
            best = found
        missing = [i for i in order if found[i] is None]
        if not missing:
            break
        order = missing + [i for i in order if found[i] is not None]
    return best


def _left_off(boxes: list[Box | None]) -> tuple[int, list[int]]:
    """How many names are left off, then which (the most voted left off weighs most)."""
    return sum(box is None for box in boxes), [box is None for box in boxes]


def _greedy(circles: list[Circle], others: list[Box]) -> list[Box | None]:
    """Where each circle's name goes: beside it (right, left, above, below or at a corner), at most
    ``LABEL_REACH`` from its circle's edge and ``LABEL_MARGIN`` inside the picture's edges, over as little of the
    other names and circles (``others``: the circles not named) as can be; the circles come most voted first and
    choose first. A name that would cover a tenth of an earlier one (or be a tenth covered) wherever it goes is
    left off (None): its circle still carries its rank, and the list beside the map names every place."""
    obstacles = others + [(x - r, y - r, 2 * r, 2 * r) for x, y, r, _ in circles]
    placed: list[Box] = []
    chosen: list[Box | None] = []
    for x, y, r, lines in circles:
        width, height = _label_size(lines)
        candidates = []
        for far in (0, LABEL_SIZE / 3, 2 * LABEL_SIZE / 3, LABEL_SIZE - LABEL_GAP):  # close first, further if need be
            near, side = r + LABEL_GAP + far, r * 0.7 + LABEL_GAP + far * 0.7
            candidates += [
                (x + near, y - height / 2),
                (x - near - width, y - height / 2),
                (x - width / 2, y - near - height),
                (x - width / 2, y + near),
                (x + side, y + side),
                (x + side, y - side - height),
                (x - side - width, y + side),
                (x - side - width, y - side - height),
                (x + side, y - height / 2 + side),
                (x - side - width, y - height / 2 + side),
                (x + side, y - height / 2 - side),
                (x - side - width, y - height / 2 - side),
            ]
        best, score = None, math.inf
        for left, top in candidates:
            left = min(max(left, LABEL_MARGIN), WIDTH - LABEL_MARGIN - width)  # inside the picture, shifted if need be
            top = min(max(top, LABEL_MARGIN), HEIGHT - LABEL_MARGIN - height)
            box = (left, top, width, height)
            gap = max(_distance(box, x, y) - r, 0.0)
            # a name pushed away by the picture's edge is no longer near its circle: only as a last resort
            found = (
                sum(_overlap(box, other) for other in placed) * 3
                + sum(_overlap(box, o) for o in obstacles) * 2
                + gap * 10
                + (1e9 if gap > LABEL_REACH else 0)
            )
            if found < score:
                best, score = box, found
        if best is None or any(_overlap(best, other) > 0.1 * min(width * height, other[2] * other[3]) for other in placed):
            chosen.append(None)
            continue
        placed.append(best)
        chosen.append(best)
    return chosen


def map_point(content: Content) -> Callable[[float, float], tuple[float, float]]:
    """Where a (lat, lon) falls in the ``WIDTH`` x ``HEIGHT`` picture of the places (north up); the projector's
    map of votes and a phone's map to vote on (``explorer.joinpage``) share it."""
    scale, middle, x0, y0 = _projection(content)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return x0 + lon * middle * scale, y0 - lat * scale

    return xy


@functools.cache
def svg_styles() -> dict[str, str]:
    """Each kind's SVG attributes, from the folium map's styles (``explorer.basemap.STYLES``: the same palette,
    widths and dashes, drawn bottom to top). Stroke widths are in the picture's units (800 wide: about a pixel on
    the projector, half of one on a phone)."""
    from explorer.basemap import STYLES  # with folium, once: a phone's page needs it only for a place vote

    return {kind: _svg_style(style) for kind, style in STYLES.items()}


def _svg_style(style: Mapping[str, object]) -> str:
    """A Leaflet path style as SVG attributes (Leaflet's defaults where the style says nothing)."""
    found = []
    if style.get("fill", False):
        found += [f'fill="{style.get("fillColor", style.get("color"))}"', f'fill-opacity="{style.get("fillOpacity", 0.2)}"']
    else:
        found.append('fill="none"')
    if style.get("stroke", True):
        found += [f'stroke="{style["color"]}"', f'stroke-width="{style.get("weight", 3)}"']
        if style.get("opacity", 1) != 1:
            found.append(f'stroke-opacity="{style["opacity"]}"')
        if "dashArray" in style:
            found.append(f'stroke-dasharray="{style["dashArray"]}"')
    return " ".join(found)


SVG_STEP = 1.5  # picture units: a point this close to the one kept before it is left out
SVG_SMALLEST = 2.0  # picture units: a shape whose box is smaller in both directions is left out
ATTRIBUTION = "© OpenStreetMap contributors"  # the map data's credit, on every picture drawn from it; never translated
CREDIT_SIZE = 18  # picture units: about 17 pixels on a projector
CREDIT_BOX = (
    WIDTH - 8 - 0.52 * CREDIT_SIZE * len(ATTRIBUTION),
    HEIGHT - 8 - CREDIT_SIZE,
    0.52 * CREDIT_SIZE * len(ATTRIBUTION),
    CREDIT_SIZE + 4,
)  # names keep off it
_BASEMAP_CACHE: dict[tuple, tuple[object, str]] = {}


def _simplified(points: list[tuple[float, float]], closed: bool) -> list[tuple[int, int]]:
    """Points in whole picture units, each at least ``SVG_STEP`` from the one kept before it (a line keeps its end)."""
    kept = [points[0]]
    for x, y in points[1:-1]:
        if math.hypot(x - kept[-1][0], y - kept[-1][1]) >= SVG_STEP:
            kept.append((x, y))
    if not closed:
        kept.append(points[-1])
    rounded: list[tuple[int, int]] = []
    for x, y in kept:
        point = (round(x), round(y))
        if not rounded or point != rounded[-1]:
            rounded.append(point)
    return rounded


def _path(points: list[tuple[int, int]], closed: bool) -> str:
    """An SVG path's data, relative after its first point ("M12 34 5-6 7 0z": the shortest form)."""
    parts = [f"M{points[0][0]} {points[0][1]}"]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        parts.append(f"{x1 - x0}" + (f"{y1 - y0}" if y1 - y0 < 0 else f" {y1 - y0}"))
    text = parts[0] + "l" + "".join(p if p.startswith("-") else " " + p for p in parts[1:]).lstrip(" ")
    return text + ("z" if closed else "")


def basemap_svg(content: Content, xy: Callable[[float, float], tuple[float, float]]) -> str:
    """The simplified map of Brussels under the places (the inner ring, wetland, rail yards, water and the canal,
    streams, section and commune borders, main railways: what ``svg_styles`` draws), as SVG paths for the
    ``WIDTH`` x ``HEIGHT`` picture drawn with ``xy`` (a ``map_point`` projection: north up, straight lines stay
    straight). Simplified for the
    picture: whole units, points closer than ``SVG_STEP`` left out, shapes outside it or smaller than
    ``SVG_SMALLEST`` left out; a phone gets a few kilobytes. Made once per content and projection (every phone's
    page and every projector refresh draw it). The credit is ``credit_svg``'s, drawn over everything."""
    key = (id(content.basemap), xy(50.0, 4.0), xy(51.0, 4.0), xy(50.0, 5.0))  # three points fix a projection
    cached = _BASEMAP_CACHE.get(key)
    if cached is not None and cached[0] is content.basemap:
        return cached[1]
    styles = svg_styles()
    paths: dict[str, list[str]] = {kind: [] for kind in styles}
    for feature in content.basemap:
        if feature.kind not in styles or len(feature.points) < 2:
            continue
        projected = [xy(lat, lon) for lat, lon in feature.points]
        xs, ys = [x for x, _ in projected], [y for _, y in projected]
        if max(xs) < 0 or min(xs) > WIDTH or max(ys) < 0 or min(ys) > HEIGHT:
            continue  # outside the picture
        if max(xs) - min(xs) < SVG_SMALLEST and max(ys) - min(ys) < SVG_SMALLEST:
            continue  # too small to see
        closed = OSM_KINDS.get(feature.kind, "area") == "area"  # the ring of basemap.toml is an area too
        points = _simplified(projected, closed)
        if len(points) < (3 if closed else 2):
            continue
        if closed and sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True)) < 0:
            points.reverse()  # every ring turns the same way: overlapping areas of a kind fill as one
        paths[feature.kind].append(_path(points, closed))
    # Leaflet's round ends and joins: a dash of "1 4" is a dot, as on the folium map
    drawn = "".join(f'<path d="{"".join(found)}" {styles[kind]}/>' for kind, found in paths.items() if found)
    svg = f'<g stroke-linecap="round" stroke-linejoin="round">{drawn}</g>' if drawn else ""
    if len(_BASEMAP_CACHE) > 16:
        _BASEMAP_CACHE.clear()
    _BASEMAP_CACHE[key] = (content.basemap, svg)
    return svg


def credit_svg() -> str:
    """The map data's credit in the picture's lower right corner, small but legible (the label colour on a white
    halo: AA on any ground), drawn last so nothing covers it."""
    return (
        f'<text x="{WIDTH - 8}" y="{HEIGHT - 8}" text-anchor="end" font-family="{esc(FONTS["sans"])}" font-size="{CREDIT_SIZE}" '
        f'fill="{PALETTE["label"]}" stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">'
        f"{esc(ATTRIBUTION)}</text>"
    )


def votes_map_html(content: Content, votes: Mapping[str, int], language: str = "en", title: str = "") -> str:
    """The places on the explorer's simplified map of Brussels, each circle's area by its votes, and the same
    votes as a ranked list beside it (what a screen reader reads; the picture is marked as one)."""
    xy = map_point(content)
    top = max(votes.values(), default=0)
    known = {p: place for p in votes if (place := content.place(p)) is not None}
    ranked = sorted(((n, p) for p, n in votes.items() if n and p in known), key=lambda v: (-v[0], v[1]))
    rank = {place_id: number for number, (_, place_id) in enumerate(ranked, start=1)}
    dots, labels, circles, unnamed = [], [], [], []
    for place in sorted(content.places, key=lambda p: -votes.get(p.id, 0)):  # the larger under the smaller
        x, y = xy(place.lat, place.lon)
        count = votes.get(place.id, 0)
        if place.id not in rank:
            dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{PALETTE["concrete"]}"/>')
            continue
        radius = 14 + 34 * math.sqrt(count / top)
        dots.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{PALETTE["moss"]}" fill-opacity=".85" '
            f'stroke="{PALETTE["moss_dark"]}" stroke-width="2"/>'
        )
        # the circle carries its rank (the list beside the map has the same), its name is beside it
        labels.append(f'<text x="{x:.1f}" y="{y:.1f}" dy=".35em" text-anchor="middle">{rank[place.id]}</text>')
        # the name starts with the circle's rank: a name moved aside to keep clear of others still says whose it is
        if rank[place.id] <= NAMED:
            circles.append((x, y, radius, _label_lines(f"{rank[place.id]} · {place.name.get(language)}")))
        else:
            unnamed.append((x - radius, y - radius, 2 * radius, 2 * radius))
    names = []
    circles.sort(key=lambda circle: int(circle[3][0].split(" ", 1)[0]))  # by rank: the most voted name first
    for (_, _, _, lines), box in zip(circles, _place_labels(circles, [*unnamed, CREDIT_BOX]), strict=True):
        if box is None:
            continue
        left, top_edge = box[0], box[1]
        spans = "".join(
            f'<tspan x="{left:.1f}" y="{top_edge + LABEL_SIZE * (LABEL_LINE * i + 0.9):.1f}">{esc(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        names.append(f"<text>{spans}</text>")
    summary = title or t("Place votes", language)
    none = t("No vote yet.", language)
    listing = (
        "".join(f"<li>{tx(known[p].name.get(language), language)}{colon(language)} <strong>{n}</strong></li>" for n, p in ranked)
        or f"<li>{tx(none, language)}</li>"
    )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PALETTE["concrete_light"]}"/>{basemap_svg(content, xy)}{"".join(dots)}'
        f'<g font-family="{esc(FONTS["sans"])}" font-size="22" font-weight="700" fill="#fff">{"".join(labels)}</g>'
        f'<g font-family="{esc(FONTS["sans"])}" font-size="{LABEL_SIZE}" font-weight="700" fill="{PALETTE["ink"]}" '
        f'stroke="#fff" stroke-width="6" stroke-linejoin="round" paint-order="stroke">{"".join(names)}</g>{credit_svg()}</svg>'
    )
    # an image, not inline SVG (which st.html's sanitiser removes); the list beside it says the same in words
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<figure class="hx-votes"><img src="{source}" alt="" width="{WIDTH}" height="{HEIGHT}">'
        f"<figcaption><strong>{tx(summary, language)}</strong><ol>{listing}</ol></figcaption></figure>"
    )


def results_html(content: Content, question: LiveQuestion, answers: list[Answer], language: str = "en") -> str:
    """The room's answers to ``question`` as the projector shows them (and phones once the answers are shown):
    a map for place votes, a word list for one-word reactions, the approved texts for written answers, bars
    for anything with choices. Nothing tells how many answers wait for approval or were discarded: that is for
    the presenter's controls only."""
    counts = tally(question, answers)
    if question.kind == "place":
        votes = dict(zip(counts["value"], (int(c) for c in counts["count"]), strict=True))
        return votes_map_html(content, votes, language) + _total_html(len(answers), language)
    if question.kind == "word":
        return words_html(counts, language)
    if question.free_text:
        return texts_html(shown_texts(question, answers), language)
    return bars_html(content, question, counts, language)


def attract_votes_html(content: Content, votes: Mapping[str, int], language: str = "en") -> str:
    """A kiosk's slide of the evening's place votes (every live session still kept): the map and the ranking."""
    if not any(votes.values()):
        return ""
    tonight = t("Tonight’s audiences", language)
    count = n_("{count} vote", "{count} votes", sum(votes.values()), language)
    return (
        f'<p class="hx-slide-kicker">{tx(tonight, language)} · {tx(count, language)}</p>'
        f"<h2>{tx(t(PLACE_QUESTION, language), language)}</h2>" + votes_map_html(content, votes, language, t("Place votes", language))
    )


def attract_guest_html(url: str, code: str, language: str = "en") -> str:
    """A kiosk's panel while a talk takes questions for the guest: the QR code of the session's guest page and its
    code. Not a link (a kiosk offers no way out): a phone scans it."""
    from explorer.qr import qr_png

    image = "data:image/png;base64," + base64.b64encode(qr_png(url, box_size=6)).decode("ascii")
    title = t("Questions for the guest", language)
    text = t("Scan here to ask the guest a question, or to vote for one.", language)
    alt = t("QR code of the questions for the guest, session {code}", language, code=code)
    return (
        f'<aside class="hx-attract-guest" aria-label="{esc(title)}">'
        f'<img src="{image}" alt="{esc(alt)}" width="180" height="180">'
        f"<p><strong>{tx(title, language)}</strong><span>{tx(text, language)}</span>"
        f'<span class="hx-attract-guest-code">{esc(code)}</span></p></aside>'
    )


# --- questions for the guest on the projector ----------------------------------------------------------------

GUEST_QUEUE = 5  # questions in the projector's queue under the one being answered
LONG_QUESTION = 140  # characters: a longer question is drawn a little smaller on the projector (still >= 48 px)


def place_map_html(content: Content, place_id: str, language: str = "en") -> str:
    """The simplified map of Brussels with one place marked and named (a question for the guest tied to it); the
    other places as small dots. The name is written under the picture too (what a screen reader reads)."""
    place = content.place(place_id)
    if place is None:
        return ""
    xy = map_point(content)
    dots = []
    for other in content.places:
        if other.id != place.id:
            x, y = xy(other.lat, other.lon)
            dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{PALETTE["concrete"]}"/>')
    x, y = xy(place.lat, place.lon)
    radius = 30.0
    dots.append(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{PALETTE["moss"]}" fill-opacity=".85" '
        f'stroke="{PALETTE["moss_dark"]}" stroke-width="3"/>'
    )
    name = place.name.get(language)
    box = _place_labels([(x, y, radius, _label_lines(name))], [CREDIT_BOX])[0]
    label = ""
    if box is not None:
        spans = "".join(
            f'<tspan x="{box[0]:.1f}" y="{box[1] + LABEL_SIZE * (LABEL_LINE * i + 0.9):.1f}">{esc(line)}</tspan>'
            for i, line in enumerate(_label_lines(name))
        )
        label = (
            f'<text font-family="{esc(FONTS["sans"])}" font-size="{LABEL_SIZE}" font-weight="700" fill="{PALETTE["ink"]}" '
            f'stroke="#fff" stroke-width="6" stroke-linejoin="round" paint-order="stroke">{spans}</text>'
        )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PALETTE["concrete_light"]}"/>{basemap_svg(content, xy)}'
        f"{''.join(dots)}{label}{credit_svg()}</svg>"
    )
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    about = t("About {place}", language, place=name)
    return (
        f'<figure class="hx-guest-place" data-place="{esc(place.id)}"><img src="{source}" alt="" width="{WIDTH}" height="{HEIGHT}">'
        f"<figcaption>{tx(about, language)}</figcaption></figure>"
    )


def _guest_votes_html(question_id: str, votes: int, language: str) -> str:
    """A question's votes on the projector: the number in a stable element (the benchmark reads it), then "votes"."""
    words = n_("vote", "votes", votes, language)
    number = f'<span class="hx-guest-votes" data-question="{esc(question_id)}">{votes}</span>'
    return f'<span class="hx-guest-count">{number} {tx(words, language)}</span>'


def guest_counts_html(published: int, votes: int, joined: int, language: str = "en") -> str:
    """The room's counts for the guest's questions, read from the back: questions shown, votes, participants. The
    element carries the total of votes in ``data-votes`` (stable: a benchmark reads it)."""
    parts = [
        n_("{count} vote", "{count} votes", votes, language),
        n_("{count} question", "{count} questions", published, language),
        n_("{count} participant", "{count} participants", joined, language),
    ]
    line = " · ".join(parts)
    return f'<p class="hx-guest-total" data-votes="{votes}" role="status">{tx(line, language)}</p>'


def guest_queue_html(waiting: list[GuestQuestion], numbers: Mapping[str, int], language: str = "en") -> str:
    """The queue under the question being answered (``explorer.guest.queue``): each question's number as the
    moderator sees it (#7: in the order asked, so "number 7" means one question for the host and the room), its
    text as its asker wrote it (its own direction) and its votes."""
    if not waiting:
        return ""
    heading = t("Next questions", language)
    items = "".join(
        f'<li><span class="hx-guest-number">#{numbers.get(q.id, "")}</span> '
        f'<span class="hx-guest-text" dir="auto">{esc(q.text)}</span>{_guest_votes_html(q.id, q.votes, language)}</li>'
        for q in waiting
    )
    return f'<div class="hx-guest-next"><h3>{tx(heading, language)}</h3><ul class="hx-guest-queue">{items}</ul></div>'


def guest_screen_html(
    content: Content,
    room: GuestRoom,
    questions: list[GuestQuestion],
    joined: int,
    language: str = "en",
    size: int = GUEST_QUEUE,
    scan: bool = True,
) -> str:
    """The projector's part for the questions for the guest: the highlighted question large, with its place on the
    map or its scene's title, the queue of published questions beneath (starred first, then by votes) and the
    counts. Only published and answered questions are ever drawn: never one waiting in the inbox or hidden. Without
    a highlighted question, the queue and an invitation to ask (to scan the code with ``scan``: joining is open)."""
    shown = [q for q in questions if q.shown]
    numbers = {q.id: n for n, q in enumerate(sorted(questions, key=lambda q: (q.asked_at, q.id)), start=1)}
    now = next((q for q in shown if q.id == room.highlighted and q.state == "published"), None)
    votes = sum(q.votes for q in shown)
    title = t("Questions for the guest", language)
    parts = [f'<section class="hx-guest-screen" aria-live="polite"><p class="hx-kicker">{tx(title, language)}</p>']
    with_map = now is not None and bool(now.place) and content.place(now.place) is not None
    below = guest_queue_html(queue(shown, now.id if now else "", size - 1 if with_map else size), numbers, language)
    if now is not None:
        about = ""
        if now.place and content.place(now.place) is not None:
            about = place_map_html(content, now.place, language)
        elif now.scene and (scene := content.scene(now.scene)) is not None:
            line = t("About the scene “{scene}”", language, scene=scene.title.get(language))
            about = f'<p class="hx-guest-about" data-scene="{esc(scene.id)}">{tx(line, language)}</p>'
        parts.append(
            f'<div class="hx-guest-now" data-question="{esc(now.id)}">'
            f'<p class="hx-guest-question{" hx-guest-long" if len(now.text) > LONG_QUESTION else ""}" dir="auto">'
            f'<span class="hx-guest-number">#{numbers[now.id]}</span> {esc(now.text)}</p>'
            f"{_guest_votes_html(now.id, now.votes, language)}</div>"
        )
        parts.append(f'<div class="hx-guest-below{" hx-guest-with-map" if about.startswith("<figure") else ""}">{about}{below}</div>')
    else:
        if scan:
            hint = t("Scan the code to ask the guest a question, or to vote for one.", language)
        else:
            hint = t("Ask the guest a question on your phone, or vote for one.", language)
        parts.append(f'<p class="hx-guest-hint">{tx(hint, language)}</p>{below}')
    parts.append(guest_counts_html(len(shown), votes, joined, language) + "</section>")
    return "".join(parts)
