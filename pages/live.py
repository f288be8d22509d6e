"""Live session, the presenter's page: start a session, show its join code and QR code on the projector, ask the
participants questions from the explorer's content, and show everyone's answers as they arrive.

This page only decides what a run shows and calls the modules that hold each role's part (``src/explorer_app``):

- ``livestart``: no session yet: the start form, a lesson plan's questions queued at the start (``?plan=…``), the
  warning when phones could not reach this address;
- ``liveview``: who may open a session (the presenter's key or the projector's screen key, checked before the
  guessing limiter) and what the other parts share for one run (``LiveView``); the two views are described there;
- ``liveprojector``: the board (code, QR code, places, the answers on screen), the whole of the projector view
  (``live?code=…&screen=…``) and the top of the controls; the data path from an answer to the screen;
- ``livecontrols``: the projector link, the places and "Close joining"; ``livepresenter``: the question on screen
  and its states, another question to show, the exports and the presenter's link; ``liveapprovals``: the answers
  waiting for approval; ``liveasking``: adding a question; ``livemoderation``: the questions for the guest, in a
  tab of their own beside the room's (on the projector: ``guestboard``, inside the board).

The controls need the presenter's secret link (``live?code=…&key=…``, made at start); how the pieces talk to each
other is in ``explorer_app/liveroom.py``. A kiosk never shows this page. The phones' side is not a Streamlit page:
``/join`` (``explorer/joinpage.py``).
"""

import streamlit as st

from explorer.i18n import t
from explorer.live import normalise_code
from explorer.livestore import StoreUnavailable
from explorer_app import liveasking, livecontrols, livemoderation, livepresenter, liveprojector, liveroom, livestart, liveview
from explorer_app.navigation import page_header
from explorer_app.page import setup_page

page = setup_page("live")
lang = page.language
if page.kiosk:  # presenter controls never on a kiosk: its visitors go back to the attract screen
    st.switch_page("pages/attract.py")

# the projector's own window: the code and the answers only, without the explorer's navigation and title; opened
# by its read-only link (screen=…), or by the presenter's link with view=screen (older links: the address then
# becomes the read-only one)
screen_key = st.query_params.get("screen", "")
legacy_screen = st.query_params.get("view") == "screen"
screen = (bool(screen_key) or legacy_screen) and bool(st.query_params.get("code"))
if not screen:
    page_header(
        page,
        t("Live session", lang),
        t(
            "Ask questions about the film and show everyone's answers on the projector as they arrive. "
            "Participants answer on their phones with a code: no account, no name.",
            lang,
        ),
    )

try:
    store = liveroom.live_store(page.settings)
except StoreUnavailable as exc:
    liveview.unavailable(exc, lang)

typed_code = normalise_code(st.query_params.get("code", ""))
if typed_code is None:  # no session yet: the start form (the run ends there)
    livestart.start_form(page, store)

session, secret, screen_key = liveview.admit(page, store, typed_code, st.query_params.get("key", ""), screen_key, legacy_screen)
if not screen:
    livepresenter.notes(page, session)
view = liveview.build(page, store, session, secret, screen_key, screen)

# --- the board: the whole of the projector's view, the top of the controls ------------------------------------

liveprojector.board(view)
# the questions for the guest take the board's answers' place on the projector when they should (guestboard)
if screen:
    st.stop()

# --- the presenter's controls --------------------------------------------------------------------------------

livestart.reach_warning(page)
livecontrols.setup(store, session, lang, view.screen_link)
# two tabs, both reached without scrolling past the other: the room's questions, and the guest's (livemoderation)
room_tab, guest_tab = st.tabs([t("Questions for the room", lang), t("Questions for the guest", lang)], key="live-tabs")
with room_tab:
    livepresenter.steering(view)  # the question on screen, with liveapprovals' answers waiting under it
    liveasking.asking(view)
with guest_tab:
    livemoderation.moderation(view)
livepresenter.keeping(view)
