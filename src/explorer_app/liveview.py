"""One live session as a run of ``pages/live.py`` sees it: who may open it (``admit``) and what every part of the
page works with (``LiveView``, made by ``build``), so the page's role modules (``livestart``, ``liveprojector``,
``livepresenter``, ``liveapprovals``) share one reading of the session instead of each reading it again.

Two views of one session: the controls window (the default), opened with the presenter's secret link
(``live?code=…&key=…``, made at start), where the presenter adds, opens and closes questions, sets the number of
places and approves or discards written answers; and the projector view, opened with its own read-only link
(``live?code=…&screen=…``, ``Signer.screen_key``: no presenter key in its address), which shows only the join code,
the QR code, how many have joined and the answers everyone may see (``liveprojector``). The old ``&view=screen``
beside the key still opens the projector view, and the address then becomes the screen link.

The keys are checked before the guessing limiter, so a room locked out by someone's wrong guesses never locks out
its presenter (nor the projector's window); every wrong or missing key still counts. The limiter is read from
``liveroom`` at each run (``liveroom.LIMITER``), where the tests put their own.

Which question the controls show comes from the session's stored state (the open one, else the latest asked, else
the first queued), so a reload or a second window shows the real one; a question picked in this window ("Show
another question", or one just added) is kept in this browser tab only (``PICKED``). The projector follows the
session as the phones do: the open question, else the latest asked; none before the first is opened.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlencode

import streamlit as st

from explorer.fragments import esc, tx
from explorer.i18n import t
from explorer.live import ENDED, TOO_MANY_TRIES, UNKNOWN_CODE, LiveQuestion, LiveSession, question_label
from explorer.livestore import LiveStore, StoreUnavailable
from explorer.model import Content
from explorer_app import livecontrols, liveroom
from explorer_app.navigation import join_href
from explorer_app.page import Page

PICKED = "hx-live-picked"  # the question this browser tab chose to show (a reload shows the session's own)


def unavailable(exc: StoreUnavailable, lang: str) -> NoReturn:
    """Say the sessions' database cannot be reached, and end the page's run there."""
    st.error(exc.text(lang), icon=":material/cloud_off:")
    st.stop()


@dataclass(frozen=True)
class LiveView:
    """A session's page for one run: the session, the keys it was opened with, its addresses and its questions."""

    page: Page
    store: LiveStore
    session: LiveSession
    secret: str  # the presenter's key ("" on the projector's window)
    screen_key: str  # the projector's read-only key ("" on the controls)
    screen: bool  # the projector's window, else the controls
    join_url: str  # the QR code's address, with the session's ticket
    typed_address: str  # the phones' address written out for typing (short: the code is shown beside it)
    own_link: str  # the presenter's link
    screen_link: str  # the projector's window, read-only, relative to this page's address
    asked: list[LiveQuestion]  # the session's questions, as read at the start of this run
    current: LiveQuestion | None  # the question this window shows

    @property
    def code(self) -> str:
        return self.session.code

    @property
    def lang(self) -> str:
        return self.page.language

    @property
    def content(self) -> Content:
        return self.page.content

    def label_of(self, question: LiveQuestion) -> str:
        """How the room names a question: a classroom question's one number (Q7), else its kind."""
        return question_label(self.content, question, self.lang)


def admit(page: Page, store: LiveStore, code: str, secret: str, screen_key: str, legacy_screen: bool) -> tuple[LiveSession, str, str]:
    """The session ``code`` names, once its presenter's key (or its screen key) opens it: ``(session, secret,
    screen_key)``. Anyone else is told why not and the run ends here: too many guesses, a session ended or unknown, or
    a link without the right key (then a link to join it as a participant). An older projector link (the presenter's
    key with ``view=screen``) becomes the screen link, the presenter's key leaving the address."""
    lang = page.language
    now = time.time()
    try:
        found_session = store.find(code)
    except StoreUnavailable as exc:
        unavailable(exc, lang)
    if screen_key:  # the projector's read-only link: the screen key alone opens it
        allowed = found_session is not None and store.signer().is_screen(code, screen_key)
    else:
        allowed = found_session is not None and found_session.is_presenter(secret)
    if not allowed:
        address = liveroom.client_address(page.settings)
        if liveroom.LIMITER.blocked(address, now):  # codes and keys are guessed here too: the same allowance as on /join
            st.warning(t(TOO_MANY_TRIES, lang), icon=":material/hourglass_top:")
            st.stop()
        liveroom.LIMITER.failed(address, now)
    if found_session is None or found_session.expired(time.time()):
        st.warning(t(ENDED if found_session else UNKNOWN_CODE, lang), icon=":material/event_busy:")
        st.button(t("Start a new session", lang), on_click=lambda: st.query_params.from_dict(page.carried()), key="live-new")
        st.stop()
    session: LiveSession = found_session
    if not allowed:
        st.warning(
            t("This link does not open the presenter's controls. To answer the questions, join with the code.", lang),
            icon=":material/lock:",
        )
        # a plain link (the phones' page is not one of the explorer's Streamlit pages), relative to this page's address
        phones = join_href({"code": code, **page.carried(), **({"spoilers": "hide"} if session.spoiler_safe else {})})
        label = t("Join the session", lang)  # outside the f-string, where the catalogs' extractor finds it
        st.html(f'<p class="hx-live-join-link"><a href="{esc(phones)}">{tx(label, lang)}</a></p>')
        st.stop()
    if legacy_screen and not screen_key:  # an older projector link: the presenter's key leaves the address
        screen_key = store.signer().screen_key(code)
        for name in ("key", "view"):
            st.query_params.pop(name, None)
        st.query_params["screen"] = screen_key
        secret = ""
    return session, secret, screen_key


def build(page: Page, store: LiveStore, session: LiveSession, secret: str, screen_key: str, screen: bool) -> LiveView:
    """What the page's parts work with: the phones' addresses, the presenter's and the projector's links, the
    session's questions and the one this window shows."""
    code = session.code
    # the phones' address: the public one, or else the page's own, up to the page's name; phones of a session before
    # viewing open it spoiler-safe too. The QR code's carries the session's ticket; the one to type stays short.
    base = page.settings.public_url or (st.context.url or "").split("?")[0].rstrip("/").removesuffix("/live")
    join_url, typed_address = livecontrols.join_addresses(base, code, session.spoiler_safe, store.signer().ticket(code))
    own_link = f"{base}/live?{urlencode({'code': code, 'key': secret})}"
    # the projector's window, read-only: relative to this page's address, whatever name the browser reached it by,
    # in the presenter's language (not the projector computer's)
    screen_link = f"live?{urlencode({'code': code, 'screen': store.signer().screen_key(code), 'lang': page.language})}"
    try:
        asked = store.questions(code)
    except StoreUnavailable as exc:
        unavailable(exc, page.language)
    if screen:  # it follows the session as the phones do: the open question, else the latest asked; none before
        current = liveroom.current_question(asked)  # the first is opened (a queued plan's questions are not shown ahead)
    else:  # the session's own question, unless this tab picked another one (kept until it is the session's own)
        own = liveroom.presenter_question(asked)
        current = next((q for q in asked if q.id == st.session_state.get(PICKED)), own)
        if current is own:
            st.session_state.pop(PICKED, None)
    return LiveView(page, store, session, secret, screen_key, screen, join_url, typed_address, own_link, screen_link, asked, current)
