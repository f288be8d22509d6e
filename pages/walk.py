"""Walks: short routes through the film's places, one area at a time, on the map with each leg's distance and
walking time, and a GPX file per route (on a kiosk, a QR code that opens the route on the visitor's phone)."""

import streamlit as st

from explorer.fragments import esc, md, source_html, tx, walk_legs_html
from explorer.i18n import t
from explorer.settings import public_link
from explorer.walk import crossing_notes, default_route, find_route, route_walk, walk_gpx, walk_summary
from explorer_app.mapcomponent import layer_address, map_component, walk_choice
from explorer_app.navigation import page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, on_your_phone, spoiler_note, url_choice

page = setup_page("walk")
content, lang = page.content, page.language

page_header(
    page,
    t("Walks through the film's Brussels", lang),
    t(
        "Short walks through the film's places, one area at a time. Choose a route: the map shows its stops in "
        "walking order, not in the order of the story.",
        lang,
    ),
)
spoiler_note(page)
if not content.walks:
    st.info(t("There are no walks yet.", lang), icon=":material/directions_walk:")
    st.stop()

# grouped by area: the routes of one area side by side, the areas in the order the file first names them
areas = list(dict.fromkeys(r.area.get(lang) for r in content.walks))
routes = sorted(content.walks, key=lambda r: areas.index(r.area.get(lang)))
route_names = {r.id: r.name.get(lang) for r in routes}
route_id = url_choice(
    page,
    t("Route", lang),
    [r.id for r in routes],
    "route",
    lambda i: md(route_names[i]),
    default=(default_route(content, page.view) or routes[0]).id,  # the default is None only without routes
)
route = find_route(content, route_id)
if route is None:  # never: url_choice keeps to the routes offered
    st.stop()
walk = route_walk(content, route, page.view)  # in spoiler-safe mode, no stop whose every scene is hidden

st.html(f'<p class="hx-who">{tx(route.area.get(lang), lang)}</p><p>{tx(route.description.get(lang), lang)}</p>')
if route.sources:
    cited = "; ".join(source_html(content.source(s), page.links) for s in route.sources)
    sources_label = t("Sources:", lang)
    st.html(f'<p class="hx-caption">{esc(sources_label)} {cited}</p>')
if walk.has_illustrations:
    st.warning(t("This route is a suggestion.", lang) + " " + walk_summary(walk, lang), icon=":material/info:")
else:
    caption(walk_summary(walk, lang))
if walk.hidden:
    st.info(
        t("Spoiler-safe mode leaves out {count} of this route's stops.", lang, count=walk.hidden), icon=":material/visibility_off:"
    )

map_column, legs_column = st.columns([3, 2], gap="large")
with map_column:
    map_component(
        page,
        key="walk_map",
        height=760 if page.kiosk else 520,
        # over tiles, the layer lays the railways, the canal and the outlines under the route
        overlay=layer_address(page, "walk", walk_choice(route.id, page.spoiler_safe, page.settings)),
        focus=walk.bounds,
    )
with legs_column:
    st.subheader(md(route.name.get(lang)), anchor=False)
    if len(walk.stops) < 2:
        caption(t("Nothing to walk here in spoiler-safe mode: choose another route.", lang))
    else:
        if notes := crossing_notes(walk, lang):  # the legs whose straight line crosses the railway or the canal
            st.warning("\n\n".join(md(note) for note in notes), icon=":material/warning:")
        with st.container(key="walk-legs"):
            st.html(walk_legs_html(walk, lang))
        st.metric(
            t("Total, in straight lines", lang),
            t("{km} km", lang, km=f"{walk.metres / 1000:.1f}"),
            t("about {hours} h {minutes} min on foot", lang, hours=walk.minutes // 60, minutes=walk.minutes % 60),
            delta_color="off",
        )
        if page.kiosk:  # nothing downloads onto a kiosk: the route opens on the visitor's phone
            on_your_phone(
                page,
                public_link(page.settings, "walk", page.params(route=route.id)),
                t("Take the route with you", lang),
                t("Scan the code to open the walk on your phone, with its GPX file.", lang),
                key="hx-qr-walk",
            )
        else:
            st.download_button(
                t("Download the route (GPX)", lang),
                data=page.derived(
                    ("walk-gpx", route.id, page.spoiler_safe, lang), lambda: walk_gpx(walk, lang, page.view).encode("utf-8")
                ),
                file_name=f"here-walk-{route.id}.gpx",
                mime="application/gpx+xml",
                icon=":material/download:",
                key="walk-gpx",
            )
    caption(t("Stops: {names}", lang, names=" → ".join(f"{n}. {s.name.get(lang)}" for n, s in enumerate(walk.stops, 1))))
