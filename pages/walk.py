"""Stefan's walk: the film's places in story order, on the map, with distances, walking times and a GPX file."""

import streamlit as st

from explorer.i18n import PROVENANCE_LABELS, label, t
from explorer.walk import stefans_walk, walk_gpx
from explorer_app.mapcomponent import layer_address, map_component
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, spoiler_note

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
    rows = []
    for number, leg in enumerate(walk.legs, start=1):
        rows.append({
            t("Leg", lang): number,
            t("From", lang): leg.start.name.get(lang),
            t("To", lang): leg.end.name.get(lang),
            t("km", lang): round(leg.metres / 1000, 2),
            t("Minutes on foot", lang): leg.minutes,
            t("Destination is", lang): label(PROVENANCE_LABELS, leg.end.provenance, lang),
        })
    st.dataframe(rows, hide_index=True, width="stretch", key="walk-legs")
    st.metric(t("Total", lang), t("{km} km", lang, km=f"{walk.metres / 1000:.1f}"),
              t("about {hours} h {minutes} min on foot", lang, hours=walk.minutes // 60, minutes=walk.minutes % 60),
              delta_color="off")
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
