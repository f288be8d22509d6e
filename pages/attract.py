"""Kiosk attract screen: scenes and moss cycle by themselves until someone touches the screen."""

import streamlit as st

from explorer.fragments import attract_html
from explorer_app.page import setup_page

page = setup_page("attract")
css, markup = attract_html(page.content, page.language)
st.html(f"<style>{css}</style>")  # the slides' timing; the rest is in the stylesheet (css/attract.css)
st.html(markup)
