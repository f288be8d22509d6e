"""Small HTML fragments for content, always escaped so that content can never inject markup or script."""

from __future__ import annotations

import html

from explorer.i18n import (
    KIND_LABELS,
    PROVENANCE_EXPLANATIONS,
    PROVENANCE_LABELS,
    THEME_LABELS,
    TIME_LABELS,
    label,
    n_,
    t,
)
from explorer.model import Content, Film, MossFact, Person, Place, Quote, Scene, Source
from explorer.spoilers import Visibility, visibility
from explorer.typography import colon, typeset

_EXTRA_ESCAPES = str.maketrans({"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"})
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:")


def esc(text: object) -> str:
    """Escape text for HTML, and also for JavaScript template strings it may end up in."""
    return html.escape(str(text), quote=True).translate(_EXTRA_ESCAPES)


def tx(text: str, language: str) -> str:
    """Content or interface text for HTML in ``language``: typeset (French spacing) first, then escaped."""
    return esc(typeset(text, language))


def md(text: object) -> str:
    """Escape text for Streamlit markdown (widget labels, headers) so it shows literally."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in str(text))


def attribution(quote: Quote, content: Content, language: str = "en") -> str:
    """Who said a quotation and where, as plain text: 'Bas Devos · Interview with Bas Devos, 73rd Berlinale, 2023'."""
    source = content.source(quote.source)
    speaker = content.person(quote.speaker).name.get(language) if quote.speaker else source.author
    citation = source.citation(with_author=speaker != source.author)
    return f"{speaker} · {citation}" if speaker else citation


def origin_note(quote: Quote, content: Content, language: str = "en") -> str:
    """How a quotation reached us, as plain text, when it is not the speaker's own words as the source prints
    them: film dialogue rendered in English by someone else, or words known only second-hand."""
    if quote.origin == "dialogue":
        if quote.rendered_by:
            name = content.person(quote.rendered_by).name.get(language)
            return t("Film dialogue as {name} renders it in English, not the film's own words", language, name=name)
        return t("Film dialogue as the source renders it in English, not the film's own words", language)
    if quote.origin == "second-hand":
        return t("Known to us only second-hand; the original language is unknown", language)
    return ""


def quote_html(quote: Quote, content: Content, language: str = "en") -> str:
    """A quotation set apart, in its original words, with its attribution and our translation if needed."""
    translation = quote.translation(language)
    ours = (
        f'<p class="hx-translation">{tx(translation, language)} <em>({tx(t("our translation", language), language)})</em></p>'
        if translation
        else ""
    )
    return (
        '<figure class="hx-quote">'
        f"<blockquote>{esc(quote.text)}</blockquote>{ours}"
        f"<figcaption>— {esc(attribution(quote, content, language))}{origin_html(quote, content, language)}</figcaption>"
        "</figure>"
    )


def origin_html(quote: Quote, content: Content, language: str = "en") -> str:
    """:func:`origin_note` on its own line of a quotation's caption (nothing when there is none)."""
    note = origin_note(quote, content, language)
    return f'<br><small class="hx-origin">{esc(note)}</small>' if note else ""


def provenance_html(place: Place, content: Content, language: str = "en", *, links: bool = True) -> str:
    """How we know where a place is: the label, what it means, and the sources or our reason.

    ``links=False`` (a kiosk) shows sources as plain text: nothing leads out of the explorer.
    """
    parts = [
        f'<div class="hx-prov hx-prov-{esc(place.provenance)}">',
        f'<div class="hx-prov-head">{symbol_html(place.kind, place.provenance)}'
        f"<strong>{esc(label(PROVENANCE_LABELS, place.provenance, language))}</strong></div>",
        f"<p>{tx(t(PROVENANCE_EXPLANATIONS[place.provenance], language), language)}</p>",
    ]
    if place.commune:
        parts.append(f"<p><strong>{tx(t('Commune', language), language)}{colon(language)}</strong> {esc(place.commune)}</p>")
    if place.why is not None:
        parts.append(
            f"<p><strong>{tx(t('Why here', language), language)}{colon(language)}</strong> {tx(place.why.get(language), language)}</p>"
        )
    if place.evidence:
        heading = t("Sources", language) if place.provenance != "illustrative" else t("Background", language)
        items = "".join(f"<li>{source_html(content.source(s), links)}</li>" for s in place.evidence)
        parts.append(f"<p><strong>{esc(heading)}:</strong></p><ul>{items}</ul>")
    parts.append("</div>")
    return "".join(parts)


def source_html(source: Source, links: bool = True) -> str:
    """A citation; its title links to the source when it has a public address."""
    citation = esc(source.citation())
    if links and source.url:
        return f'<a href="{esc(source.url)}" target="_blank" rel="noopener noreferrer">{citation}</a>'
    return citation


def symbol_html(kind: str, provenance: str) -> str:
    """The marker symbol used on the map, in legends and panels (styled by :data:`SYMBOL_CSS`)."""
    return f'<span class="hx-sym hx-sym-{esc(kind)} hx-sym-{esc(provenance)}" aria-hidden="true"><i></i></span>'


def legend_html(language: str = "en") -> str:
    """The map legend: colour tells green from city; the outline tells how we know the place."""
    groups = [
        (
            t("Colour", language),
            [
                (symbol_html("green", "documented"), t("Green place: nature, woods, moss", language)),
                (symbol_html("city", "documented"), t("City place: streets and buildings", language)),
            ],
        ),
        (
            t("Outline", language),
            [
                (symbol_html("green", "documented"), t("Dark ring: documented in a named source", language)),
                (symbol_html("city", "commune"), t("Dashed ring: only the commune is known", language)),
                (symbol_html("city", "illustrative"), t("Hollow: an illustration we placed ourselves", language)),
            ],
        ),
    ]
    html_groups = []
    for heading, rows in groups:
        items = "".join(f"<li>{svg}<span>{esc(text)}</span></li>" for svg, text in rows)
        html_groups.append(f"<div><p>{esc(heading)}</p><ul>{items}</ul></div>")
    return f'<div class="hx-legend" role="group" aria-label="{tx(t("Map legend", language), language)}">{"".join(html_groups)}</div>'


def scene_html(scene: Scene, content: Content, language: str = "en", *, selected: bool = False) -> str:
    """A scene card: number, title, time of day, who is in it, our note, and its quote if any."""
    who = ", ".join(content.person(c).name.get(language) for c in scene.characters)
    time = label(TIME_LABELS, scene.time_of_day, language)
    ours = f" <em>({tx(t('our reading', language), language)})</em>" if scene.is_reading("time_of_day") else ""
    meta = [f'<span class="hx-chip hx-time-{esc(scene.time_of_day)}">{esc(time)}{ours}</span>']
    meta += [f'<span class="hx-chip">{esc(label(THEME_LABELS, th, language))}</span>' for th in scene.themes]
    parts = [
        f'<article class="hx-scene{" hx-selected" if selected else ""}" id="scene-{esc(scene.id)}">',
        f'<h4><span class="hx-num">{scene.order}</span>{tx(scene.title.get(language), language)}</h4>',
        f'<div class="hx-meta">{"".join(meta)}</div>',
    ]
    if who:
        parts.append(
            f'<p class="hx-who"><strong>{tx(t("With", language), language)}{colon(language)}</strong> {tx(who, language)}</p>'
        )
    parts.append(f"<p>{tx(scene.note.get(language), language)}</p>")
    if scene.quote is not None:
        parts.append(quote_html(scene.quote, content, language))
    parts.append("</article>")
    return "".join(parts)


def fact_html(fact: MossFact, content: Content, language: str = "en", *, links: bool = True) -> str:
    """A moss fact: the director's words set apart (if any), then our explanation and its source."""
    parts = [f'<article class="hx-fact hx-fact-{esc(fact.kind)}">', f"<h4>{tx(fact.title.get(language), language)}</h4>"]
    if fact.species:
        parts.append(f'<p class="hx-species"><em>{esc(fact.species)}</em></p>')
    if fact.quote is not None:
        parts.append(quote_html(fact.quote, content, language))
    parts.append(f"<p>{tx(fact.explanation.get(language), language)}</p>")
    if fact.look_for is not None:
        parts.append(
            f'<p class="hx-look"><strong>{tx(t("Where to look", language), language)}{colon(language)}</strong> '
            f"{tx(fact.look_for.get(language), language)}</p>"
        )
    if fact.quote is None:
        parts.append(
            f'<p class="hx-src">{tx(t("Source", language), language)}{colon(language)} '
            f"{source_html(content.source(fact.source), links)}</p>"
        )
    parts.append("</article>")
    return "".join(parts)


def note_html(text: str) -> str:
    """A quiet note ("No scene is set here.")."""
    return f'<p class="hx-none">{esc(text)}</p>'


def section_html(title: str, body: str = "") -> str:
    """A panel section: its heading, then its content (one element instead of several)."""
    return f'<section class="hx-section"><h3>{esc(title)}</h3>{body}</section>'


def cards_html(fragments: list[str], extra_class: str = "") -> str:
    """Fragments as bordered cards, the look of a bordered container without one element per card."""
    classes = f"hx-card {esc(extra_class)}".strip()
    return "".join(f'<div class="{classes}">{fragment}</div>' for fragment in fragments)


def place_header_html(place: Place, language: str = "en", *, spoiler_safe: bool = False, view: Visibility | None = None) -> str:
    """The selected place's name, kind and description (its spoiler-free one in spoiler-safe mode): ``view``
    decides (``explorer.spoilers``), else ``spoiler_safe``."""
    description = view.description(place) if view is not None else place.description_for(spoiler_safe)
    return (
        f'<div class="hx-place-head" id="hx-panel">'
        f'<span class="hx-chip hx-kind-{esc(place.kind)}">{esc(label(KIND_LABELS, place.kind, language))}</span>'
        f'<h2 class="hx-place-name">{tx(place.name.get(language), language)}</h2>'
        f'<p class="hx-lede">{tx(description.get(language), language)}</p></div>'
    )


def intro_html(language: str = "en", *, spoiler_safe: bool = False) -> str:
    """The map page's panel before any place is chosen (without the Moeraske's scene in spoiler-safe mode)."""
    steps = [
        t("Choose a marker, or a place from the list below the map.", language),
        t("Read the scenes set there, in story order.", language),
        t("Read the moss facts tied to it, and the director’s words about moss.", language),
    ]
    lede = (
        t(
            "Bas Devos shot the film in Brussels, often within walking distance of his home. Only one place is documented "
            "exactly: the Moeraske marsh in Evere. For Stefan's apartment only the commune is known; the other places we "
            "set on the map ourselves, as illustrations. Each marker says which.",
            language,
        )
        if spoiler_safe
        else t(
            "Bas Devos shot the film in Brussels, often within walking distance of his home. Only one place is documented "
            "exactly: the Moeraske marsh, where Stefan comes upon Shuxiu gathering moss. For his apartment only the "
            "commune is known; the other places we set on the map ourselves, as illustrations. Each marker says which.",
            language,
        )
    )
    items = "".join(f"<li>{esc(step)}</li>" for step in steps)
    return (
        f'<div class="hx-intro"><h2 class="hx-place-name">{tx(t("Where the film happens", language), language)}</h2>'
        f'<p class="hx-lede">{esc(lede)}</p><ol class="hx-intro-steps">{items}</ol></div>'
    )


def selected_strip_html(place: Place, scenes: int, facts: int, language: str = "en") -> str:
    """A one-line summary under the map, linking down to the panel (useful on phones)."""
    counts = " · ".join(
        (n_("{count} scene", "{count} scenes", scenes, language), n_("{count} moss fact", "{count} moss facts", facts, language))
    )
    return (
        f'<a class="hx-strip" href="#hx-panel">{symbol_html(place.kind, place.provenance)}'
        f"<span><strong>{tx(place.name.get(language), language)}</strong><br><small>{esc(counts)}</small></span>"
        f'<span class="hx-strip-go" aria-hidden="true">↓</span></a>'
    )


def provenance_card_html(provenance: str, language: str = "en") -> str:
    """One provenance label with its symbol and meaning, for the About page's legend."""
    kind = "green" if provenance == "documented" else "city"
    return (
        f"<div class='hx-prov-head'>{symbol_html(kind, provenance)}"
        f"<strong>{esc(label(PROVENANCE_LABELS, provenance, language))}</strong></div>"
        f"<p>{tx(t(PROVENANCE_EXPLANATIONS[provenance], language), language)}</p>"
    )


def film_facts_html(film: Film, language: str = "en") -> str:
    """Country, running time, languages and format as a definition list."""
    rows = [
        (t("Country", language), film.country.get(language)),
        (t("Running time", language), t("{minutes} minutes", language, minutes=film.runtime_minutes)),
        (t("Languages", language), ", ".join(name.get(language) for name in film.languages)),
        (t("Format", language), film.format.get(language)),
    ]
    return "<dl class='hx-facts'>" + "".join(f"<dt>{tx(k, language)}</dt><dd>{tx(v, language)}</dd>" for k, v in rows) + "</dl>"


def awards_html(film: Film, language: str = "en") -> str:
    return "<ul>" + "".join(f"<li>{tx(a.get(language), language)}</li>" for a in film.awards) + "</ul>"


def cast_html(cast: tuple[Person, ...], content: Content, language: str = "en") -> str:
    """Actors and the characters they play."""
    items = "".join(
        f"<li><strong>{tx(p.name.get(language), language)}</strong>{colon(language)} "
        f"{tx(content.person(p.plays).name.get(language), language)}</li>"
        for p in cast
    )
    return f"<ul>{items}</ul>"


def crew_html(crew: tuple[Person, ...], language: str = "en") -> str:
    """Who did what: each crew member's role, in ``language``, and name."""
    return (
        "<ul>"
        + "".join(
            f"<li>{tx(p.role.get(language) if p.role else '', language)}{colon(language)} "
            f"<strong>{tx(p.name.get(language), language)}</strong></li>"
            for p in crew
        )
        + "</ul>"
    )


def sources_html(sources: tuple[Source, ...], *, links: bool = True, language: str = "en") -> str:
    """Every source with its note; titles link out where the source is public (unless ``links`` is off)."""
    items = []
    for source in sources:
        note = f"<br><small>{tx(source.note.get(language), language)}</small>" if source.note else ""
        address = f"<br><small>{esc(source.url)}</small>" if source.url and not links else ""
        items.append(f"<li>{source_html(source, links)}{note}{address}</li>")
    return f"<ul class='hx-sources'>{''.join(items)}</ul>"


SLIDE_SECONDS = 7


def attract_slides(content: Content, language: str = "en") -> list[tuple[str, str, str, str]]:
    """(kicker, title, text, quote) for each slide of a kiosk's attract screen: each scene in story order,
    followed by its place the first time the story reaches it, then the moss the director talks about."""
    slides = []
    view = visibility(content, spoiler_safe=True)  # always spoiler-safe: a foyer, where many have not seen the film
    for scene in view.scenes():
        place = content.place(scene.place) if scene.place else None
        kicker = t("Scene {number}", language, number=scene.order)
        if place is not None:
            kicker += " · " + place.name.get(language)
        slides.append((kicker, scene.title.get(language), scene.note.get(language), scene.quote.text if scene.quote else ""))
        if place is not None and not any(title == place.name.get(language) for _, title, *_ in slides):
            # a place's slide leads with its name; how we know where it is comes above it, small
            slides.append(
                (
                    label(PROVENANCE_LABELS, place.provenance, language),
                    place.name.get(language),
                    view.description(place).get(language),
                    "",
                )
            )
    for fact in view.facts("interview"):
        slides.append(
            (t("Moss", language), fact.title.get(language), fact.explanation.get(language), fact.quote.text if fact.quote else "")
        )
    return slides


def attract_html(content: Content, language: str = "en", votes: str = "") -> tuple[str, str]:
    """The attract screen as (css, markup): slides that cycle by themselves; touching anywhere opens the map.
    ``votes`` is the evening's place votes (``livefragments.attract_votes_html``), shown as one more slide."""
    slides = attract_slides(content, language)
    count = len(slides) + bool(votes)
    cycle = count * SLIDE_SECONDS
    share = 100 / count
    css = (
        f"@keyframes hx-cycle {{ 0% {{ opacity: 0; transform: translateY(12px); }} "
        f"{share * 0.08:.3f}% {{ opacity: 1; transform: none; }} {share * 0.92:.3f}% {{ opacity: 1; transform: none; }} "
        f"{share:.3f}% {{ opacity: 0; }} 100% {{ opacity: 0; }} }}\n"
        + "".join(f".hx-slide:nth-child({i + 1}) {{ animation-delay: {i * SLIDE_SECONDS}s; }}\n" for i in range(count))
        + f".hx-slide {{ animation: hx-cycle {cycle}s linear infinite; }}"
    )
    items = []
    for kicker, title, text, quote in slides:
        quote_block = f"<blockquote>{esc(quote)}</blockquote>" if quote else ""  # its own words, as said
        items.append(
            f'<article class="hx-slide"><p class="hx-slide-kicker">{tx(kicker, language)}</p><h2>{tx(title, language)}</h2>'
            f"<p>{tx(text, language)}</p>{quote_block}</article>"
        )
    if votes:
        items.append(f'<article class="hx-slide hx-slide-votes">{votes}</article>')
    # the whole screen is the way in: the link's own box is stretched over it (css/attract.css), and its name is
    # the words it shows
    markup = (
        '<div class="hx-attract">'
        f'<div class="hx-attract-head"><p>{tx(t("Here · Bas Devos · 2023", language), language)}</p>'
        f"<h1>{tx(t('A moss-and-city explorer', language), language)}</h1></div>"
        f'<div class="hx-slides">{"".join(items)}</div>'
        f'<a class="hx-attract-call" href="./">{tx(t("Touch the screen to explore", language), language)}</a></div>'
    )
    return css, markup


def term_html(term, content: Content, language: str = "en", *, hide_where: bool = False) -> str:
    """A glossary entry: the term, what it means, where it shows in the film, and the director's words."""
    where = t("Where it shows is hidden in spoiler-safe mode.", language) if hide_where else term.where.get(language)
    return (
        f'<article class="hx-term"><h4>{tx(term.name.get(language), language)}</h4>'
        f"<p>{tx(term.explanation.get(language), language)}</p>"
        f'<p class="hx-where"><strong>{tx(t("In the film", language), language)}{colon(language)}</strong> {tx(where, language)}</p>'
        f"{quote_html(term.quote, content, language) if term.quote else ''}</article>"
    )


def questions_html(scene: Scene, questions, language: str = "en") -> str:
    """One scene's discussion questions as a numbered list under its title."""
    items = "".join(f"<li>{tx(q.text.get(language), language)}</li>" for q in questions)
    return (
        f'<article class="hx-scene"><h4><span class="hx-num">{scene.order}</span>{tx(scene.title.get(language), language)}</h4>'
        f'<ol class="hx-questions">{items}</ol></article>'
    )


def activity_html(activity, language: str = "en") -> str:
    return (
        f'<article class="hx-activity"><h4>{tx(activity.title.get(language), language)}</h4>'
        f'<p class="hx-who">{tx(t("{minutes} minutes", language, minutes=activity.minutes), language)}</p>'
        f"<p>{tx(activity.text.get(language), language)}</p></article>"
    )


def walk_legs_html(walk, language: str = "en") -> str:
    """The walk's legs as a table (every column on a wider screen; one card per leg on a phone, css/app.css); a leg
    whose straight line crosses the railway or the canal says so under its destination."""
    from babel.numbers import format_decimal

    from explorer.walk import crossing_mark, leg_crossings

    crossed = leg_crossings(walk)

    headings = [
        t("Leg", language),
        t("From", language),
        t("To", language),
        t("km", language),
        t("Minutes on foot", language),
        t("Destination is", language),
    ]
    rows = []
    for number, leg in enumerate(walk.legs, start=1):
        cells = [
            str(number),
            leg.start.name.get(language),
            leg.end.name.get(language),
            format_decimal(round(leg.metres / 1000, 2), format="0.00", locale=language),
            str(leg.minutes),
            label(PROVENANCE_LABELS, leg.end.provenance, language),
        ]
        html_cells = [esc(c) for c in cells]
        if number in crossed:  # one element in the cell: on a phone, the label beside it and the text under each other
            mark = esc(crossing_mark(crossed[number], language))
            html_cells[2] = (
                f'<span>{html_cells[2]}<br><span class="hx-leg-crossing"><span aria-hidden="true">⚠ </span>{mark}</span></span>'
            )
        rows.append(
            "<tr>" + "".join(f'<td data-label="{esc(h)}">{c}</td>' for h, c in zip(headings, html_cells, strict=True)) + "</tr>"
        )
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headings)
    return f'<table class="hx-legs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
