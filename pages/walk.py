"""Stefan's walk: the film's places in story order, on the map, with distances, walking times and a GPX file."""

import streamlit as st

from explorer.fragments import walk_legs_html
from explorer.i18n import t
from explorer.settings import public_link
from explorer.walk import stefans_walk, walk_gpx
from explorer_app.mapcomponent import layer_address, map_component
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, on_your_phone, spoiler_note

page = setup_page("walk")
content, lang = page.content, page.language

page_header(
    page,
    t("Stefan's walk", lang),
    t("The film's places in the order the story reaches them, as one route you can walk or cycle. "
      "Distances are straight lines between the places; streets make the real way longer.", lang),
)
walk = stefans_walk(content, content.visible_scenes(page.spoiler_safe))
spoiler_note(page)
if walk.has_illustrations:
    st.warning(t("This route is a suggestion: most of its stops are places we chose ourselves as illustrations, "
                 "not documented filming locations. Only the Moeraske is documented.", lang),
               icon=":material/info:")

map_column, legs_column = st.columns([3, 2], gap="large")
with map_column:
    map_component(page, key="walk_map", height=760 if page.kiosk else 520,
                  overlay=layer_address(page, "walk", "spoiler-safe" if page.spoiler_safe else "whole"))
with legs_column:
    st.subheader(t("The route", lang), anchor=False)
    with st.container(key="walk-legs"):
        st.html(walk_legs_html(walk, lang))
    st.metric(t("Total", lang), t("{km} km", lang, km=f"{walk.metres / 1000:.1f}"),
              t("about {hours} h {minutes} min on foot", lang, hours=walk.minutes // 60, minutes=walk.minutes % 60),
              delta_color="off")
    if page.kiosk:  # nothing downloads onto a kiosk: the route opens on the visitor's phone
        on_your_phone(page, public_link(page.settings, "walk", page.params()), t("Take the route with you", lang),
                      t("Scan the code to open the walk on your phone, with its GPX file.", lang), key="hx-qr-walk")
    else:
        st.download_button(
            t("Download the route (GPX)", lang),
            data=walk_gpx(walk, t("Stefan's walk (Here, Bas Devos)", lang),
                          t("A suggested route through the places of the film; most stops are illustrations.", lang),
                          lang).encode("utf-8"),
            file_name="here-stefans-walk.gpx",
            mime="application/gpx+xml",
            icon=":material/download:",
            key="walk-gpx",
        )
    caption(t("Stops: {names}", lang, names=" → ".join(s.name.get(lang) for s in walk.stops)))
