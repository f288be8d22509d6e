"""The presenter's controls beside the live board (``liveprojector``, on ``pages/live.py``): the phones' two
addresses, the row that sets the places and whether new phones may join (a button, not a switch: see ``setup``),
a browser tab's allowance of session starts, and a note when phones join faster than people in a room do.

- The QR code's address carries the session's ticket (``Signer.ticket``, ``/join?code=…&t=…``): a phone that
  scanned the screen has seen it, so the wrong-code limiter never blocks it; the address written out for typing
  stays short (``host/join``, beside the code).
- "Close joining" (``store.set_joining``): closed once everyone is in, a script or a latecomer's second phone
  cannot add voices, and phones already in carry on; the projector then says joining is closed.
- Session starts: besides the store's allowance per address (a whole school behind one router), one browser tab
  may start ``TAB_STARTS`` in ``TAB_WINDOW`` seconds, so a pupil pressing Start again and again is stopped long
  before the address's allowance runs out and the teacher behind the same router keeps theirs.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from babel.numbers import format_decimal

from explorer.fragments import tx
from explorer.i18n import N_, n_, t
from explorer.live import DEFAULT_CAP, MAX_CAP, LiveError, LiveSession
from explorer.livestore import LiveStore, StoreUnavailable
from explorer_app.widgets import caption

# this browser tab's own allowance of starts (may_start), told apart from the network's
TOO_MANY_STARTS_HERE = N_(
    "This window has started several sessions in the past few minutes. Try again in a few "
    "minutes, or carry on with a session already started."
)
TAB_STARTS = 5  # sessions one browser tab may start in TAB_WINDOW seconds
TAB_WINDOW = 600.0
STARTS = "hx-live-starts"  # session_state: when this tab started its recent sessions
FAST_WINDOW = 10.0  # seconds over which the join count is watched
FAST_JOINS = 50  # more new phones than this in FAST_WINDOW seconds (and a quarter of the places): faster than a room
JOINS = "hx-live-joins"  # session_state: (time, join count) as the controls' board last read them
SessionState = MutableMapping[Any, Any]  # st.session_state (its keys are str or int), or a dict in the tests


def may_start(state: SessionState, now: float) -> bool:
    """Whether this browser tab may start another session: fewer than ``TAB_STARTS`` in the past ``TAB_WINDOW``
    seconds (older starts are forgotten here)."""
    recent = [moment for moment in state.get(STARTS, []) if now - TAB_WINDOW < moment <= now]
    state[STARTS] = recent
    return len(recent) < TAB_STARTS


def note_start(state: SessionState, now: float) -> None:
    """Count one session started from this browser tab."""
    state[STARTS] = [*state.get(STARTS, []), now]


def join_addresses(base: str, code: str, spoiler_safe: bool, ticket: str) -> tuple[str, str]:
    """The QR code's address, with the session's ticket (a phone that scanned the screen is never taken for a code
    guesser), and the address written out for typing: short, the code is shown beside it."""
    query = {"code": code, **({"spoilers": "hide"} if spoiler_safe else {}), "t": ticket}
    return f"{base}/join?{urlencode(query)}", base.split("://")[-1] + "/join"


def places_line(joined: int, cap: int, lang: str) -> str:
    """The join count against the session's places (“312 joined of 2,000 places”), numbers as the language writes
    them."""
    return n_(
        "{joined} joined of {places} place",
        "{joined} joined of {places} places",
        cap,
        lang,
        joined=format_decimal(joined, locale=lang),
        places=format_decimal(cap, locale=lang),
    )


def closed_html(lang: str) -> str:
    """Said on the projector and the controls while new phones may not join."""
    closed = t("Joining closed", lang)  # outside the f-string, where the catalogs' extractor finds it
    return f'<p class="hx-live-closed" role="status">{tx(closed, lang)}</p>'


def joining_fast(state: SessionState, joined: int, cap: int, now: float) -> bool:
    """Whether the join count rose faster than people in a room join (scanning, typing, passing phones along): more
    than ``FAST_JOINS`` and a quarter of the places within ``FAST_WINDOW`` seconds, as this window's board saw it.
    A hint for the presenter, nothing is refused by it."""
    seen = [(moment, count) for moment, count in state.get(JOINS, []) if now - FAST_WINDOW <= moment <= now]
    seen.append((now, joined))
    state[JOINS] = seen[-200:]
    return joined - min(count for _, count in seen) > max(FAST_JOINS, cap // 4)


def setup(store: LiveStore, session: LiveSession, lang: str, screen_link: str) -> None:
    """The projector view's link, the number of places and "Close joining", each following a change made in
    another window, and what each does."""
    code = session.code

    # One field in a form, given the stored number through the session state at every run of the page (so the
    # browser is told it even when an earlier run's drawing never reached it, as on the run that starts a session,
    # and a change made in another window shows). Only the form's button (or Enter) keeps a number: a value the
    # browser still held for the field, sent with a rerun of the board, can never undo a change made elsewhere.
    cap_key = "live-cap"
    st.session_state[cap_key] = session.cap

    def set_cap() -> None:
        """Keep the number of places the presenter typed: phones beyond it are told the session is full."""
        typed = st.session_state.get(cap_key)
        try:  # a whole number in range, whatever a browser sent (the store refuses anything else with a ValueError)
            store.set_cap(code, typed if isinstance(typed, int) and not isinstance(typed, bool) else -1)
        except ValueError:
            st.session_state["hx-live-cap-problem"] = t(
                "Give a number of places from 1 to {most}.", lang, most=format_decimal(MAX_CAP, locale=lang)
            )
        except (StoreUnavailable, LiveError) as exc:
            st.session_state["hx-live-cap-problem"] = exc.text(lang)

    def set_joining(value: bool) -> None:
        """Open or close the session to new phones. A button, not a switch: a press is reported once, in its own
        run, so no value a browser kept for an earlier widget can come back and undo a change made elsewhere."""
        try:
            store.set_joining(code, value)
        except (StoreUnavailable, LiveError) as exc:
            st.session_state["hx-live-cap-problem"] = exc.text(lang)

    with st.container(horizontal=True, vertical_alignment="bottom", key="hx-live-setup"):
        st.link_button(
            t("Projector view: only the code and the answers", lang), screen_link, icon=":material/fit_screen:", key="live-screen"
        )
        with st.form("live-places", border=False, width="content"), st.container(horizontal=True, vertical_alignment="bottom"):
            # no bounds on the field: any whole number a browser sends reaches set_cap, whose store refuses one out
            # of range with a message (a bounded field would put its minimum in its place, and that would be kept)
            st.number_input(
                t("About how many people are in the room?", lang),
                step=10,
                key=cap_key,
                width=260,
                help=t(
                    "Phones beyond this number are told the session is full. At most {most}; new sessions start with {default}.",
                    lang,
                    most=format_decimal(MAX_CAP, locale=lang),
                    default=format_decimal(DEFAULT_CAP, locale=lang),
                ),
            )
            st.form_submit_button(t("Set places", lang), key="live-cap-set", on_click=set_cap)
        if session.joining:
            st.button(t("Close joining", lang), key="live-joining-close", icon=":material/lock:", on_click=set_joining, args=(False,))
        else:
            st.button(
                t("Let new phones join again", lang),
                key="live-joining-open",
                icon=":material/lock_open:",
                on_click=set_joining,
                args=(True,),
            )
    if st.session_state.get("hx-live-cap-problem"):
        st.warning(st.session_state.pop("hx-live-cap-problem"), icon=":material/error:")
    caption(
        t(
            "Once everyone is in, press “Close joining”: then neither a script nor a latecomer's second phone can "
            "add voices, and the phones already in carry on.",
            lang,
        )
    )
    caption(
        t(
            "This window is for you: it holds the controls and the answers waiting for approval. On the projector, "
            "open the projector view: it opens in a new window, its address holds no presenter key, and it never "
            "shows an answer before you approve it, nor how many are waiting.",
            lang,
        )
    )
