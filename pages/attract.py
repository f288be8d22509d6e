"""Kiosk attract screen: scenes and moss cycle by themselves until someone touches the screen."""

import streamlit as st

from explorer.fragments import attract_html
from explorer_app import ui
from explorer_app.styles import ATTRACT_CSS

content = ui.setup_page("attract")
css, markup = attract_html(content, ui.language())
st.html(f"<style>{css}{ATTRACT_CSS}</style>")
st.html(markup)
