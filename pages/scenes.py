"""The story in order as a timeline, filterable by theme, time of day and character."""

import streamlit as st

from explorer.fragments import md, scene_html
from explorer.i18n import THEME_LABELS, TIME_LABELS, label, n_, t
from explorer.model import THEMES
from explorer.selection import characters_in, filter_scenes, resolve_selection, times_used
from explorer_app.behaviour import scroll_to
from explorer_app.navigation import map_links, page_header
from explorer_app.page import setup_page
from explorer_app.widgets import caption, spoiler_note, url_pills

page = setup_page("scenes")
content, lang = page.content, page.language

page_header(
    page,
    t("The story, scene by scene", lang),
    # spoiler-safe: nothing about how the film ends
    t(
        "From the last day on the building site to the first meeting of Stefan and Shuxiu. The order and the times "
        "of day are our reconstruction from reviews and the director's interview; the film does not label them.",
        lang,
    )
    if page.spoiler_safe
    else t(
        "From the last day on the building site to a light, open ending. The order and the times of day are our "
        "reconstruction from reviews and the director's interview; the film does not label them.",
        lang,
    ),
)

selection = resolve_selection(content, None, st.query_params.get("scene"))
if selection.unknown_scene:
    st.info(
        t("There is no scene called “{value}”; here is the whole story.", lang, value=md(selection.unknown_scene)),
        icon=":material/movie:",
    )

names = {p.id: md(p.name.get(lang)) for p in content.people}
story = page.view.scenes()  # in spoiler-safe mode, none after the first encounter
# only the characters (and, spoiler-safe, the themes) of the scenes shown: spoiler-safe mode names nobody who appears
# only later, and offers no filter that would find nothing; a choice made before it was switched on is dropped
characters = [c for c in characters_in(content) if any(c in s.characters for s in story)]
themes_shown = [th for th in THEMES if any(th in s.themes for s in story)] if page.spoiler_safe else list(THEMES)
for key, offered in (("who", characters), ("theme", themes_shown), ("time", times_used(story))):
    if key in st.session_state:
        st.session_state[key] = [value for value in st.session_state[key] if value in offered]

filter_column, timeline = st.columns([2, 3] if page.kiosk else [1, 2], gap="large")
with filter_column, st.container(border=True, key="scene-filters"):
    themes = url_pills(page, t("Themes", lang), themes_shown, "theme", lambda x: label(THEME_LABELS, x, lang))
    times = url_pills(page, t("Time of day", lang), times_used(story), "time", lambda x: label(TIME_LABELS, x, lang))
    who = url_pills(page, t("Characters", lang), characters, "who", lambda x: names[x])

scenes = filter_scenes(story, themes or (), times or (), who or ())
with filter_column:
    caption(n_("{count} scene of {total}", "{count} scenes of {total}", len(scenes), lang, total=len(story)))
with timeline:
    spoiler_note(page)
    if selection.scene is not None and not page.view.scene(selection.scene):
        pass  # the spoiler note above says why it is not shown
    elif selection.scene is not None and selection.scene not in scenes:
        st.info(
            t(
                "The scene you followed a link to, “{title}”, is hidden by the filters.",
                lang,
                title=md(selection.scene.title.get(lang)),
            ),
            icon=":material/filter_alt:",
        )
    if not scenes:
        st.info(t("No scene matches all of these filters. Remove one to see more.", lang), icon=":material/filter_alt_off:")
    for scene in scenes:
        with st.container(border=True, key=f"scene-{scene.id}"):
            st.html(scene_html(scene, content, lang, selected=selection.scene == scene))
            place = content.place(scene.place) if scene.place else None
            if place is not None:
                map_links(page, f"on-map-{scene.id}", [place], [t("On the map: {place}", lang, place=place.name.get(lang))])
            else:
                caption(t("The film gives no place for this scene that we can map.", lang))

if selection.scene is not None and selection.scene in scenes:
    scroll_to(f"scene-{selection.scene.id}", block="center")
