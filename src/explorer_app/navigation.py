"""The navigation every page shares: the pages, the language and the spoiler-safe switch, with the page's title
under them, drawn by one links component (``links.py``) as plain links and buttons.

A plain click on a page's link is reported to Python (``go``) and the page switches without loading the app
again; the link's address stays real, so a new tab, a copied address or a screen reader's list of links work.
Choosing a language or the spoiler-safe switch writes the address (``?lang=``, ``?spoilers=hide``), so a shared
link keeps them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from explorer.fragments import esc, md
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, t
from explorer.model import Place, Scene
from explorer_app.links import choice, group, link, link_bar, switch
from explorer_app.page import LANGUAGE_PARAM, SPOILER_PARAM, Page

MAP_PAGE = "app.py"
PAGES = {  # name: script; labels are translated where they are shown
    "map": MAP_PAGE,
    "scenes": "pages/scenes.py",
    "moss": "pages/moss.py",
    "walk": "pages/walk.py",
    "classroom": "pages/classroom.py",
    "make": "pages/make.py",
    "about": "pages/about.py",
}
LIVE_PAGES = {"live": "pages/live.py"}  # the presenter's, reached from the classroom page
# the phones' page is no Streamlit page: plain HTML at this address (explorer_app/participant.py), reached by the
# QR code and the join address on the projector; a plain link (``join_href``) from the explorer's pages
JOIN_ADDRESS = "join"
SCENES_PAGE = PAGES["scenes"]
_GO = "hx-go"  # the page chosen in the navigation, switched to as the next run starts


def page_href(script: str, params: dict[str, str] | None = None) -> str:
    """A page's address relative to any page of the app (Streamlit serves ``pages/walk.py`` as ``walk``), so it
    also works behind a proxy that serves the app under a path of its own."""
    path = "./" if script == MAP_PAGE else Path(script).stem
    return path + ("?" + urlencode(params) if params else "")


def join_href(params: dict[str, str] | None = None) -> str:
    """The phones' page's address relative to any page of the app, like ``page_href``: a plain link (a new page
    load, not a switch inside Streamlit)."""
    return JOIN_ADDRESS + ("?" + urlencode(params) if params else "")


def _go(value: object) -> None:
    """A page's name, ``{"place": id}`` for the map showing a place or ``{"scene": id}`` for a scene in the story
    (the page checks the id)."""
    if isinstance(value, str) and value in PAGES:
        st.session_state[_GO] = (value, {})
    elif isinstance(value, dict) and set(value) == {"place"} and isinstance(value["place"], str):
        st.session_state[_GO] = ("map", {"place": value["place"][:100]})
    elif isinstance(value, dict) and set(value) == {"scene"} and isinstance(value["scene"], str):
        st.session_state[_GO] = ("scenes", {"scene": value["scene"][:100]})
    else:
        return
    st.rerun(scope="app")  # the whole page, also when the link sits in a fragment


def _set_language(code: object) -> None:
    if isinstance(code, str) and code in LANGUAGES:
        st.query_params[LANGUAGE_PARAM] = code


def _set_spoilers(on: object) -> None:
    if on is True:
        st.query_params[SPOILER_PARAM] = "hide"
    elif on is False:
        st.query_params.pop(SPOILER_PARAM, None)


def page_labels(language: str) -> dict[str, str]:
    """Each page's name in the navigation, in ``language``."""
    return {
        "map": t("Map", language),
        "scenes": t("Scenes", language),
        "moss": t("Moss", language),
        "walk": t("Walk", language),
        "classroom": t("Classroom", language),
        "make": t("Make", language),
        "about": t("About", language),
    }


def page_link(page: Page, name: str, label: str, *, current: bool = False) -> dict:
    """A link to the page ``name`` of ``PAGES``; a plain click switches pages in the app."""
    return link(f"page-{name}", label, page_href(PAGES[name], page.params()), event="go", value=name, current=current)


def header_html(page: Page, title: str, lede: str) -> str:
    """A page's title and the sentence under it."""
    return (
        f'<header class="hx-header" id="hx-top"><p class="hx-kicker">{esc(t("Here · Bas Devos · 2023", page.language))}'
        f"</p><h1>{esc(title)}</h1><p>{esc(lede)}</p></header>"
    )


def page_header(page: Page, title: str, lede: str) -> None:
    """The top of a page: the navigation and the page's title, drawn as one element; then a note if the link
    asked for a language the explorer does not have."""
    chosen, extra = st.session_state.pop(_GO, (None, {}))
    if chosen in PAGES and (chosen != page.name or extra):
        st.switch_page(PAGES[chosen], query_params=page.params(**extra) or None)
    lang = page.language
    labels = page_labels(lang)
    pages = [page_link(page, name, labels[name], current=name == page.name) for name in PAGES]
    languages = [
        choice(
            f"lang-{code}",
            code.upper(),
            event="lang",
            value=code,
            pressed=code == lang,
            title=LANGUAGE_NAMES[code],
            name=f"{code.upper()} {LANGUAGE_NAMES[code]}",
            lang=code,
        )
        for code in LANGUAGES
    ]
    spoilers = switch(
        "spoilers",
        t("Spoiler-safe", lang),
        event="spoilers",
        on=page.spoiler_safe,
        title=None
        if page.kiosk
        else t("Hide the scenes after the first encounter and the ending, for people who have not seen the film yet.", lang),
    )
    link_bar(
        "hx-nav",
        [
            group(pages, css_class="hx-pages"),
            group(languages, label=t("Language", lang), css_class="hx-languages"),
            group([spoilers], css_class="hx-switches"),
        ],
        on={"go": _go, "lang": _set_language, "spoilers": _set_spoilers},
        label=t("Pages", lang),
        tag="nav",
        kiosk=page.kiosk,
        after=header_html(page, title, lede),
    )
    chosen_language = st.query_params.get(LANGUAGE_PARAM)
    if chosen_language is not None and chosen_language not in LANGUAGES:
        st.info(
            t(
                "The language “{value}” is not available; choose English, French or Dutch at the top.",
                lang,
                value=md(chosen_language[:20]),
            ),
            icon=":material/translate:",
        )


def map_links(page: Page, key: str, places: list[Place], labels: list[str] | None = None) -> None:
    """Links to the map showing each of ``places`` (labelled with their names unless ``labels`` are given),
    marked with the place's symbol. The address is the map page's own (``./?place=``): opened in a new tab or
    copied, it shows the place; a plain click switches pages in the app."""
    names = labels or [place.name.get(page.language) for place in places]
    items = [
        link(
            f"{key}-{place.id}",
            name,
            page_href(MAP_PAGE, page.params(place=place.id)),
            event="go",
            value={"place": place.id},
            symbol=f"hx-sym-{place.kind} hx-sym-{place.provenance}",
        )
        for place, name in zip(places, names, strict=True)
    ]
    link_bar(key, [group(items)], on={"go": _go}, css_class="hx-map-links", kiosk=page.kiosk)


def story_link(page: Page, key: str, scene: Scene, label: str) -> None:
    """A link to ``scene`` in the story (the timeline, scrolled to it)."""
    item = link(key, label, page_href(SCENES_PAGE, page.params(scene=scene.id)), event="go", value={"scene": scene.id})
    link_bar(key, [group([item])], on={"go": _go}, css_class="hx-story-links", kiosk=page.kiosk)


def page_links(page: Page, key: str, pages: list[tuple[str, str]], before: str = "") -> None:
    """Links to other pages of the explorer (name in ``PAGES``, label) after ``before`` (HTML from
    ``explorer.fragments``), drawn as the navigation's."""
    link_bar(
        key,
        [group([page_link(page, name, label) for name, label in pages])],
        on={"go": _go},
        css_class="hx-page-links",
        kiosk=page.kiosk,
        before=before,
    )
