"""Entry script: page setup, content check, and navigation between the explorer's pages."""

import streamlit as st

from explorer.i18n import t
from explorer_app import ui

st.set_page_config(
    page_title="Here · moss and city explorer",
    page_icon="assets/icon.png",
    layout="wide",
    initial_sidebar_state="collapsed",
)
ui.inject_style()

loaded = ui.content_or_problems()
if not isinstance(loaded, ui.Content):
    ui.show_problem_page(loaded)
    st.stop()

lang = ui.language()
pages = [
    st.Page(ui.MAP_PAGE, title=t("Map", lang), icon=":material/map:", default=True),
    st.Page(ui.SCENES_PAGE, title=t("Scenes", lang), icon=":material/movie:", url_path="scenes"),
    st.Page(ui.MOSS_PAGE, title=t("Moss", lang), icon=":material/grass:", url_path="moss"),
    st.Page(ui.ABOUT_PAGE, title=t("About", lang), icon=":material/info:", url_path="about"),
]
st.navigation(pages, position="top").run()
