"""Kiosk attract screen: scenes and moss cycle by themselves until someone touches the screen; with live
sessions, one more slide shows the evening's place votes (read each time the screen comes back), and with
``attract_guest``, while a talk takes questions for the guest, a panel shows the QR code of its guest page
(looked for every ``GUEST_EVERY`` seconds: a talk starts while the screen waits). Each time it is
shown on a kiosk counts as a kiosk reset, and while it is open the kiosk's screen beats every minute for the staff
page (``explorer_app/usagecount.py``)."""

import time
from collections import Counter

import streamlit as st

from explorer.fragments import attract_html
from explorer.gueststore import GuestBook
from explorer.livefragments import attract_guest_html, attract_votes_html
from explorer.livestore import StoreUnavailable
from explorer.settings import public_link
from explorer.usage import BEAT_EVERY
from explorer_app.liveroom import live_store
from explorer_app.page import KIOSK_GUARD, setup_page
from explorer_app.usagecount import kiosk_reset, screen_beat

GUEST_EVERY = 30  # seconds between two looks for a talk taking questions for the guest

page = setup_page("attract")
kiosk_reset(page.settings)
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


if page.kiosk:

    @st.fragment(run_every=BEAT_EVERY)
    def heartbeat() -> None:
        """Draws nothing: the kiosk's screen is still running (the staff page shows when it last was)."""
        screen_beat(page.settings, force=True)

    heartbeat()

if page.kiosk and page.settings.attract_guest and page.settings.public_url:

    @st.fragment(run_every=GUEST_EVERY)
    def guest_panel() -> None:
        """The QR code of the newest talk taking questions for the guest; nothing when none does."""
        try:
            store = live_store(page.settings)
            codes = GuestBook(store).open_rooms(time.time())
        except StoreUnavailable:
            return
        if codes:
            url = public_link(page.settings, "join/guest", {"code": codes[0], "t": store.signer().ticket(codes[0])})
            st.html(attract_guest_html(url, codes[0], page.language))

    guest_panel()
