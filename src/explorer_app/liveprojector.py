"""The live board (``board``): the join code, the QR code, how many have joined and the answers to the question on
screen. It is the whole of the projector view and the top of the presenter's controls.

The projector view (``live?code=…&screen=…``) shows no navigation, no language or spoiler-safe switch and no
introduction; a written answer or a word waiting for approval never reaches it, nor how many wait. Before the
first question is opened it shows the code and "waiting for the first question"; once joining is closed it drops
the QR code and says so. The QR code's address carries the session's ticket (a phone that scanned the screen is never
taken for a code guesser); the address written out for typing stays short (``livecontrols.join_addresses``). On
the controls the board also shows the places taken and warns when they are all taken or phones join too fast.

From an answer to the screen: ``LiveStore.answer`` commits and announces it (``store.notifier``, NOTIFY on
PostgreSQL); ``/live/events`` streams it to the board's ``livepush`` component, whose trigger reruns the board
(at most once per 0.4 s), which reads the tallies; a half-second poll only where streaming breaks. A question
added, opened or closed in another window, or a change of places or joining, reruns the whole page instead.

On the projector, the questions for the guest (``guestboard``) take the answers' place while the moderator
highlights one, or while asking is open and no question for the room takes answers; their news (``event: guest``)
reruns the board as answers do.
"""

from __future__ import annotations

import time

import streamlit as st

from explorer.fragments import tx
from explorer.i18n import t
from explorer.live import LiveQuestion
from explorer.livefragments import STATE_LABELS, join_html, question_text, results_html
from explorer.livestore import StoreUnavailable
from explorer.qr import qr_png
from explorer_app import guestboard, livecontrols
from explorer_app.livepush import SAFETY_NET, events_path, live_push, streaming
from explorer_app.liveroom import PROJECTOR_POLL
from explorer_app.liveview import LiveView

PUSH = "live-push"  # the board's push component (livepush.js)


def snapshot(questions: list[LiveQuestion]) -> list[tuple[str, str]]:
    """What of a session's questions changes the whole page: which there are and their states."""
    return [(q.id, q.state) for q in questions]


def board(view: LiveView) -> None:
    """Draw the board as a fragment of its own, which listens to the session's stream (or polls where streaming
    does not work)."""
    page, store, session, code, lang, screen = view.page, view.store, view.session, view.code, view.lang, view.screen
    content, asked, current, join_url = view.content, view.asked, view.current, view.join_url
    # the session's stream: read with the screen key on the projector's window, with the presenter's on the controls
    events = events_path(code, screen=view.screen_key) if screen else events_path(code, key=view.secret)
    pushed = streaming(PUSH)  # as this browser last reported: a slow safety net then, else the half-second poll

    @st.fragment(run_every=SAFETY_NET if pushed else PROJECTOR_POLL)
    def board_fragment() -> None:
        """The join code and the room's answers to the question on screen, read again whenever the session's stream
        says something changed (the push component's trigger reruns this fragment), and every few seconds anyway;
        every half second where streaming does not work. A question added, opened or closed in another window (the
        controls, when this one is the projector's) brings the whole page up to date."""
        if live_push(key=PUSH, address=events) != pushed:  # streaming started or broke: the other pace from now on
            st.rerun(scope="app")
        try:
            latest = store.questions(code)
            if snapshot(latest) != snapshot(asked):
                st.rerun(scope="app")
            joined = store.joined(code)
            stored = store.find(code) or session  # a cap or joining changed in another window shows here too
            guest = guestboard.read(store, code) if screen else None  # the questions for the guest (guest news)
            if not screen and (stored.cap, stored.joining) != (session.cap, session.joining):
                st.rerun(scope="app")  # and the fields below follow it
        except StoreUnavailable as exc:
            st.error(exc.text(lang), icon=":material/cloud_off:")
            return
        if screen and not stored.joining:  # joining closed: no QR code to scan, the whole width for the answers
            left, right = st.container(), st.container()
        else:
            left, right = st.columns([2, 3], gap="large")
            with left:
                st.image(
                    page.derived(("qr", join_url), lambda: qr_png(join_url, box_size=10)),
                    width=300,
                    alt=t("QR code that opens the session on a phone: {url}", lang, url=join_url),
                )
        try:
            shown = current
            with left:
                if stored.joining or not screen:
                    st.html(join_html(code, view.typed_address, joined, lang))
                if not stored.joining:
                    st.html(livecontrols.closed_html(lang))
                if not screen:  # the places, on the controls only
                    places(view, joined, stored.cap, stored.joining)
            with right:
                if guest is not None and guestboard.takes_screen(guest, shown):  # the guest's questions take the screen
                    st.html(guestboard.screen_html(guest, content, joined, lang, scan=stored.joining))
                    return
                if shown is None:
                    begin = t("Waiting for the first question.", lang) if screen else t("Add a question below to begin.", lang)
                    st.html(f'<p class="hx-note hx-live-waiting" role="status">{tx(begin, lang)}</p>')
                    return
                answers = store.answers(code, shown.id)
                st.html(
                    f'<section class="hx-live-question" aria-live="polite"><p class="hx-kicker">{tx(view.label_of(shown), lang)} · '
                    f"{tx(t(STATE_LABELS[shown.state], lang), lang)}</p>"
                    f"<h2>{tx(question_text(content, shown, lang), lang)}</h2>"
                    f"{results_html(content, shown, answers, lang)}</section>"
                )
        except StoreUnavailable as exc:
            st.error(exc.text(lang), icon=":material/cloud_off:")

    board_fragment()


def places(view: LiveView, joined: int, cap: int, joining: bool) -> None:
    """The places taken, under the code on the controls' board, with a warning when every place is taken or phones
    join faster than people in a room do."""
    lang = view.lang
    line = livecontrols.places_line(joined, cap, lang)
    st.html(f'<p class="hx-live-places" role="status">{tx(line, lang)}</p>')
    if joined >= cap:
        st.warning(
            t(
                "Every place is taken: a new phone cannot join. If more people are in the room, "
                "raise the number of places under the answers.",
                lang,
            ),
            icon=":material/group_off:",
        )
    elif joining and livecontrols.joining_fast(st.session_state, joined, cap, time.time()):
        st.warning(
            t(
                "Phones are joining faster than people in a room do. If the count runs past your "
                "room, lower the number of places, and press “Close joining” once everyone "
                "is in.",
                lang,
            ),
            icon=":material/speed:",
        )
