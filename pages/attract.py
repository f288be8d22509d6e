"""Kiosk attract screen: scenes and moss cycle by themselves until someone touches the screen; with live
sessions, one more slide shows the evening's place votes (read each time the screen comes back)."""

import time
from collections import Counter

import streamlit as st

from explorer.fragments import attract_html
from explorer.livefragments import attract_votes_html
from explorer.livestore import StoreUnavailable
from explorer_app.liveroom import live_store
from explorer_app.page import KIOSK_GUARD, setup_page

page = setup_page("attract")
votes = ""
if page.kiosk and page.settings.attract_votes:
    try:
        counted = Counter(live_store(page.settings).place_votes(time.time()))
    except StoreUnavailable:
        counted = Counter()  # no slide of votes; the rest of the screen as always
    votes = attract_votes_html(page.content, {p: n for p, n in counted.items() if page.content.place(p)}, page.language)
css, markup = attract_html(page.content, page.language, votes)
# the slides' timing, and the screen hidden until the kiosk's guards are in place (page.js): nothing on it can be
# pressed or held before they are; the rest is in the stylesheet (css/attract.css)
st.html(f"<style>{css}\n{KIOSK_GUARD if page.kiosk else ''}</style>")
st.html(markup)
