"""Entry and home page: the film's places on a map of Brussels; a selected place shows its scenes and moss.

The other pages live in ``pages/`` and are found by Streamlit's page discovery; ``ui.setup_page`` gives every
page the same chrome (config, style, top navigation) and stops with a clear page if the content is broken.
"""

import streamlit as st

from explorer.fragments import (
    fact_html,
    intro_html,
    legend_html,
    md,
    place_header_html,
    provenance_html,
    scene_html,
    selected_strip_html,
)
from explorer.i18n import n_, t
from explorer.selection import clicked_place_id, resolve_selection
from explorer.settings import place_link
from explorer_app import ui
from explorer_app.fastmap import place_map

content = ui.setup_page("map")
settings = ui.settings()
lang = ui.language()
links = not settings.kiosk  # a kiosk has no way out of the explorer
MAP_KEY = "place_map"
FACTS_SHOWN = 4  # more moss facts fold away, so a phone's panel stays readable


def select_place(place_id: str | None, pan: bool = False) -> None:
    """Put the selection in the URL, so a link or QR code opens the same view."""
    st.query_params.pop("scene", None)
    if pan and place_id:
        st.session_state["pan_to"] = place_id
    if place_id:
        st.query_params["place"] = place_id
    else:
        st.query_params.pop("place", None)


def on_map_click() -> None:
    place_id = clicked_place_id(st.session_state.get(MAP_KEY), content)
    if place_id:
        select_place(place_id)


safe = ui.spoiler_safe()
hidden = content.spoilers() if safe else frozenset()
signature, settings_key = ui.content_signature(), ui.settings_key(settings)

ui.page_header(
    t("The film's Brussels", lang),
    t("Stefan's last days before the summer, from a building site to a marsh full of moss. "
      "Choose a place on the map to read what happens there and which mosses grow nearby.", lang),
)


@st.fragment
def explorer() -> None:
    """Map, place panel and place list. Choosing a place reruns only this part of the page, not the header
    and navigation above it."""
    selection = resolve_selection(content, st.query_params.get("place"), st.query_params.get("scene"))
    # The notes stay while the link's bad value is in the address; choosing a place replaces it.
    if selection.unknown_place:
        st.info(t("There is no place called “{value}” in the explorer, so here is the whole map.", lang,
                  value=md(selection.unknown_place)), icon=":material/explore:")
    if selection.unknown_scene:
        st.info(t("There is no scene called “{value}”; showing the whole map.", lang,
                  value=md(selection.unknown_scene)), icon=":material/explore:")
    if selection.scene is not None and selection.place is not None and "place" in st.query_params:
        st.query_params["place"] = selection.place.id  # the scene decides; keep the address consistent

    pan_to = st.session_state.pop("pan_to", None)
    place = selection.place
    map_column, panel = st.columns([3, 2], gap="large")
    with map_column:
        place_map(
            content, signature, lang, settings, settings_key,
            key=MAP_KEY,
            height=760 if settings.kiosk else 500,
            returned_objects=["last_active_drawing", "last_object_clicked_count"],
            selected=place,
            # Pan only when the place was chosen from the list: a marker the visitor tapped is already in view.
            center=(place.lat, place.lon) if place and pan_to == place.id else None,
            on_change=on_map_click,
        )
        if place is not None:
            shown = [s for s in content.scenes_at(place.id) if s.id not in hidden]
            st.html(selected_strip_html(place, len(shown), len(content.facts_at(place.id)), lang))
        st.html(legend_html(lang))

    with panel:
        if place is None:
            st.html(intro_html(lang))
            st.page_link(ui.SCENES_PAGE, label=t("Or follow the story scene by scene", lang), icon=":material/movie:",
                         query_params=ui.link_params() or None)
        else:
            place_panel(place, selection)

    st.subheader(t("All places", lang), anchor=False)
    st.caption(t("The same as tapping a marker: choose a place to read its scenes and moss.", lang))
    with st.container(horizontal=True, key="place-list"):
        for item in content.places:
            st.button(
                md(item.name.get(lang)),
                key=f"place-{item.id}",
                icon=":material/park:" if item.kind == "green" else ":material/location_city:",
                type="primary" if place == item else "secondary",
                on_click=select_place,
                args=(item.id, True),
            )

    if pan_to and place is not None and pan_to == place.id:
        ui.scroll_to("hx-top")  # chosen from the list at the bottom: bring the map and the panel into view


def place_panel(place, selection) -> None:
    """What happens at a place and which mosses grow there."""
    st.html(place_header_html(place, lang) + provenance_html(place, content, lang, links=links))
    if settings.kiosk and settings.public_url:
        ui.continue_on_phone(place_link(settings, place.id))
    scenes = [s for s in content.scenes_at(place.id) if s.id not in hidden]
    st.subheader(t("Scenes here", lang), anchor=False)
    if len(scenes) < len(content.scenes_at(place.id)):
        ui.spoiler_note()
    elif not scenes:
        st.caption(t("No scene is set here.", lang))
    for scene in scenes:
        with st.container(border=True, key=f"panel-scene-{scene.id}"):
            st.html(scene_html(scene, content, lang, selected=selection.scene == scene))
            st.page_link(ui.SCENES_PAGE, label=t("See it in the story", lang), icon=":material/arrow_forward:",
                         query_params=ui.link_params(scene=scene.id))
    facts = content.facts_at(place.id)
    st.subheader(t("Moss here", lang), anchor=False)
    if not facts:
        st.caption(t("No moss fact is tied to this place.", lang))
    shown, more = facts[:FACTS_SHOWN], facts[FACTS_SHOWN:]
    for fact in shown:
        with st.container(border=True, key=f"panel-fact-{fact.id}"):
            st.html(fact_html(fact, content, lang, links=links))
    if more:
        with st.expander(n_("{count} more moss fact", "{count} more moss facts", len(more), lang)):
            for fact in more:
                with st.container(border=True, key=f"panel-fact-{fact.id}"):
                    st.html(fact_html(fact, content, lang, links=links))
    st.button(t("Back to all places", lang), icon=":material/close:", on_click=select_place, args=(None,),
              key="clear-place")


explorer()
