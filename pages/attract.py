"""Kiosk attract screen: scenes and moss cycle by themselves until someone touches the screen."""

import streamlit as st

from explorer.fragments import attract_html
from explorer_app.page import KIOSK_GUARD, setup_page

page = setup_page("attract")
css, markup = attract_html(page.content, page.language)
# the slides' timing, and the screen hidden until the kiosk's guards are in place (page.js): nothing on it can be
# pressed or held before they are; the rest is in the stylesheet (css/attract.css)
st.html(f"<style>{css}\n{KIOSK_GUARD if page.kiosk else ''}</style>")
st.html(markup)
