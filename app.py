"""Entry and home page: the film's places on a map of Brussels; a selected place shows its scenes and moss.

The other pages live in ``pages/`` and are found by Streamlit's page discovery. ``setup_page`` gives every page
its context (content, settings, language, spoiler state, kiosk) and ``page_header`` its navigation and title.

The selection lives in the address (``?place=moeraske``, ``?scene=micro-forest``): a tapped marker or a place
chosen from the list writes it (``select_place``), and the map, its panel and the list are drawn from it. They
are one fragment, so choosing a place reruns only them.
"""

import streamlit as st

from explorer.fragments import (
    cards_html,
    fact_html,
    intro_html,
    legend_html,
    md,
    note_html,
    place_header_html,
    provenance_html,
    scene_html,
    section_html,
    selected_strip_html,
)
from explorer.i18n import n_, t
from explorer.selection import clicked_place_id, resolve_selection
from explorer.settings import place_link
from explorer_app.links import group, link, link_bar
from explorer_app.mapcomponent import place_map
from explorer_app.navigation import MAP_PAGE, page_header, page_href, page_links, story_link
from explorer_app.page import setup_page
from explorer_app.usagecount import place_opened
from explorer_app.widgets import continue_on_phone, spoiler_note

page = setup_page("map")
lang = page.language
FACTS_SHOWN = 4  # more moss facts fold away, so a phone's panel stays readable


def select_place(place_id: str | None) -> None:
    """Put the selection in the address, so a link or QR code opens the same view."""
    st.query_params.pop("scene", None)
    if place_id:
        st.query_params["place"] = place_id
    else:
        st.query_params.pop("place", None)


def on_list_pick(value: object) -> None:
    place_id = clicked_place_id(value, page.content)  # reported by the browser: only a real place's id counts
    if place_id:
        select_place(place_id)


page_header(
    page,
    t("The film's Brussels", lang),
    # spoiler-safe: the marsh, where the story goes after the first encounter, is not named as its destination
    t(
        "Stefan's last days before the summer, from a building site to the streets of Brussels. Choose a place on "
        "the map to read the scenes set there and the moss facts tied to it.",
        lang,
    )
    if page.spoiler_safe
    else t(
        "Stefan's last days before the summer, from a building site to a marsh full of moss. "
        "Choose a place on the map to read the scenes set there and the moss facts tied to it.",
        lang,
    ),
)


def place_facts(place) -> list:
    """The moss facts tied to a place that the page may show (in spoiler-safe mode, none that tells a hidden
    scene)."""
    return [f for f in page.content.facts_at(place.id) if page.view.fact(f)]


@st.fragment
def explorer() -> None:
    """Map, place panel and place list. Choosing a place reruns only this part of the page."""
    content = page.content
    selection = resolve_selection(content, st.query_params.get("place"), st.query_params.get("scene"))
    # The notes stay while the link's bad value is in the address; choosing a place replaces it.
    if selection.unknown_place:
        st.info(
            t("There is no place called “{value}” in the explorer, so here is the whole map.", lang, value=md(selection.unknown_place))
        )
    if selection.unknown_scene:
        st.info(t("There is no scene called “{value}”; showing the whole map.", lang, value=md(selection.unknown_scene)))
    if selection.scene is not None and selection.place is not None and "place" in st.query_params:
        st.query_params["place"] = selection.place.id  # the scene decides; keep the address consistent

    place = selection.place
    strip = ""
    if place is not None:
        place_opened(place.id, content)  # an anonymous count for the staff page
        shown = [s for s in content.scenes_at(place.id) if page.view.scene(s)]
        strip = selected_strip_html(place, len(shown), len(place_facts(place)), lang)

    # the map beside the panel where both fit, the panel under the map on a phone (app.css)
    with st.container(key="hx-explorer"):
        place_map(
            page,
            key="place_map",
            height=760 if page.kiosk else 500,
            selected=place,
            on_click=select_place,
            under=strip + legend_html(lang),
        )
        with st.container(key="place-panel"):
            if place is None:
                page_links(
                    page,
                    "panel-top",
                    [("scenes", t("Or follow the story scene by scene", lang))],
                    before=intro_html(lang, spoiler_safe=page.view.spoiler_safe),
                )
            else:
                place_panel(place, selection)

    hint = t("The same as tapping a marker: choose a place to read its scenes and moss.", lang)
    carried = page.carried()
    items = [
        link(
            item.id,
            item.name.get(lang),
            page_href(MAP_PAGE, {"place": item.id, **carried}),
            event="picked",
            value=item.id,
            symbol=f"hx-sym-{item.kind} hx-sym-{item.provenance}",
            current=place is not None and item.id == place.id,
            current_value="true",
        )
        for item in content.places
    ]
    link_bar(
        "place-list",
        [group(items)],
        on={"picked": on_list_pick},
        label=t("All places", lang),
        css_class="hx-places",
        kiosk=page.kiosk,
        before=section_html(t("All places", lang), note_html(hint)),
    )


def place_panel(place, selection) -> None:
    """What happens at a place and the moss facts tied to it (in spoiler-safe mode, none that tell a hidden scene)."""
    content = page.content
    every = content.scenes_at(place.id)
    scenes = [s for s in every if page.view.scene(s)]
    none_here = note_html(t("No scene is set here.", lang))
    st.html(place_header_html(place, lang, view=page.view) + provenance_html(place, content, lang, links=page.links))
    if page.kiosk and page.settings.public_url:
        continue_on_phone(page, place_link(page.settings, place.id))
    st.html(section_html(t("Scenes here", lang), "" if every else none_here))
    if len(scenes) < len(every):
        spoiler_note(page)
    for scene in scenes:
        # a card, and under it the way to the same scene in the story (a link: no page reload)
        st.html(cards_html([scene_html(scene, content, lang, selected=selection.scene == scene)], "hx-card-top"))
        story_link(page, f"story-{scene.id}", scene, t("See it in the story", lang) + " →")
    facts = place_facts(place)
    shown, more = facts[:FACTS_SHOWN], facts[FACTS_SHOWN:]
    st.html(
        section_html(
            t("Moss here", lang),
            cards_html([fact_html(f, content, lang, links=page.links) for f in shown])
            or note_html(t("No moss fact is tied to this place.", lang)),
        )
    )
    if more:
        with st.expander(n_("{count} more moss fact", "{count} more moss facts", len(more), lang)):
            st.html(cards_html([fact_html(f, content, lang, links=page.links) for f in more]))
    st.button(t("Back to all places", lang), on_click=select_place, args=(None,), key="clear-place")


explorer()
