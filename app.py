"""Entry and home page: the film's places on a map of Brussels; a selected place shows its scenes and moss.

The other pages live in ``pages/`` and are found by Streamlit's page discovery; ``ui.setup_page`` gives every
page the same chrome (config, style) and stops with a clear page if the content is broken, and
``ui.page_header`` draws the top navigation with the page's title.
"""

import streamlit as st

from explorer.fragments import (
    cards_html,
    esc,
    fact_html,
    intro_html,
    legend_html,
    md,
    place_header_html,
    provenance_html,
    scene_html,
    section_html,
    selected_strip_html,
)
from explorer.i18n import n_, t
from explorer.selection import clicked_place_id, resolve_selection
from explorer.settings import place_link
from explorer_app import ui
from explorer_app.links import group, link, link_bar
from explorer_app.mapcomponent import place_map

content = ui.setup_page("map")
settings = ui.settings()
lang = ui.language()
links = not settings.kiosk  # a kiosk has no way out of the explorer
MAP_KEY = "place_map"
LIST_KEY = "place-list"
# The top of the panel beside the map: the introduction, or the chosen place's name and provenance. One keyed
# element in both cases, so choosing a place redraws it in place (two differently keyed elements would both
# show, one of them faded, until the run ends).
PANEL_TOP_KEY = "panel-top"
# The panel's own block: beside the map on a wider screen (a grid on the explorer's block, styles.EXPLORER_CSS,
# instead of st.columns: two layout blocks fewer for the browser to draw before the map), under it on a phone.
PANEL_KEY = "place-panel"
FACTS_SHOWN = 4  # more moss facts fold away, so a phone's panel stays readable


def select_place(place_id: str | None, pan: bool = False) -> None:
    """Put the selection in the URL, so a link or QR code opens the same view."""
    if "scene" in st.query_params:
        del st.query_params["scene"]
    if pan and place_id:
        st.session_state["pan_to"] = place_id
    if place_id:
        st.query_params["place"] = place_id
    else:
        st.query_params.pop("place", None)


def on_list_pick(value: object) -> None:
    place_id = clicked_place_id(value, content)  # reported by the browser: only a real place's id counts
    if place_id:
        select_place(place_id, pan=True)


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
    strip = ""
    if place is not None:
        shown = [s for s in content.scenes_at(place.id) if s.id not in hidden]
        strip = selected_strip_html(place, len(shown), len(content.facts_at(place.id)), lang)
    place_map(
        content, signature, lang, settings, settings_key,
        key=MAP_KEY,
        height=760 if settings.kiosk else 500,
        selected=place,
        # Pan only when the place was chosen from the list: a marker the visitor tapped is already in view.
        center=(place.lat, place.lon) if place and pan_to == place.id else None,
        on_click=select_place,
        label=t("Map", lang),
        under=strip + legend_html(lang),  # in the map's own element: one element fewer before the map shows
    )

    with st.container(key=PANEL_KEY):
        if place is None:
            # the introduction and a plain link (as the navigation's), one element: the map's first view needs
            # as few of Streamlit's elements as possible
            ui.page_links(PANEL_TOP_KEY, [("scenes", t("Or follow the story scene by scene", lang))],
                          before=intro_html(lang))
        else:
            place_panel(place, selection)

    # The place list under its heading: plain links, one per place (each also a deep link), drawn by one light
    # component.
    hint = t("The same as tapping a marker: choose a place to read its scenes and moss.", lang)
    carried = ui.carried_params()
    items = [link(item.id, item.name.get(lang), ui.page_href(ui.MAP_PAGE, ui.link_params(carried, place=item.id)), event="picked",
                  value=item.id, symbol=f"hx-sym-{item.kind} hx-sym-{item.provenance}",
                  current=place is not None and item.id == place.id, current_value="true")
             for item in content.places]
    link_bar(LIST_KEY, [group(items)], on={"picked": on_list_pick}, label=t("All places", lang), css_class="hx-places",
             kiosk=settings.kiosk, before=section_html(t("All places", lang), f'<p class="hx-none">{esc(hint)}</p>'))

    if pan_to and place is not None and pan_to == place.id:
        ui.scroll_to("hx-top")  # chosen from the list at the bottom: bring the map and the panel into view


def place_panel(place, selection) -> None:
    """What happens at a place and which mosses grow there."""
    scenes = [s for s in content.scenes_at(place.id) if s.id not in hidden]
    none_here = f'<p class="hx-none">{esc(t("No scene is set here.", lang))}</p>'
    scenes_heading = section_html(t("Scenes here", lang), "" if content.scenes_at(place.id) else none_here)
    top = place_header_html(place, lang) + provenance_html(place, content, lang, links=links)
    if settings.kiosk and settings.public_url:
        ui.page_links(PANEL_TOP_KEY, [], before=top)
        ui.continue_on_phone(place_link(settings, place.id))
        st.html(scenes_heading)
    else:
        ui.page_links(PANEL_TOP_KEY, [], before=top + scenes_heading)
    if len(scenes) < len(content.scenes_at(place.id)):
        ui.spoiler_note()
    for scene in scenes:
        # a card, and under it the way to the same scene in the story (a page link: no page reload)
        st.html(cards_html([scene_html(scene, content, lang, selected=selection.scene == scene)], "hx-card-top"))
        st.page_link(ui.SCENES_PAGE, label=t("See it in the story", lang), icon=":material/arrow_forward:",
                     query_params=ui.link_params(scene=scene.id))
    facts = content.facts_at(place.id)
    shown, more = facts[:FACTS_SHOWN], facts[FACTS_SHOWN:]
    st.html(section_html(t("Moss here", lang), cards_html([fact_html(f, content, lang, links=links) for f in shown])
                         or f'<p class="hx-none">{esc(t("No moss fact is tied to this place.", lang))}</p>'))
    if more:
        with st.expander(n_("{count} more moss fact", "{count} more moss facts", len(more), lang)):
            st.html(cards_html([fact_html(f, content, lang, links=links) for f in more]))
    st.button(t("Back to all places", lang), icon=":material/close:", on_click=select_place, args=(None,),
              key="clear-place")


explorer()
