"""The moderator's "Questions for the guest", in the presenter's controls window (``pages/live.py``, its own tab):
never on the projector's window. The phones ask at ``/join/guest`` (``explorer_app/guestroutes.py``) in the same
session; the store is ``explorer.gueststore.GuestBook``.

What the moderator does here: open or close asking for the room, publish as questions come (auto-publish) or one
by one, publish or hide several ticked questions at once, star a question to queue it, highlight one (the
projector shows it large, with its place or scene: ``guestboard``), take it off the screen, mark it answered, hide
or archive it, restore one answered, hidden or archived, and merge a question flagged as a likely duplicate into
the earlier one. Questions are numbered in the order asked (#1, #2 …), as the export numbers them.

The list is a fragment read again every ``REFRESH`` seconds (new questions and votes come in without a press).
Its buttons have keys by question id and act through callbacks, so a press acts once, on the question it was
drawn for; an action the question's state no longer allows (another window moved it) changes nothing. A
question's text is the asker's: it is drawn as text (escaped), never as markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from explorer.fragments import esc, md, tx
from explorer.guest import (
    STATE_LABELS,
    GuestQuestion,
    export_csv,
    export_xlsx,
    host_prompts,
    likely_duplicates,
    ordered,
    queue,
    ref_label,
)
from explorer.gueststore import GuestBook
from explorer.i18n import N_, n_, t
from explorer.livestore import StoreUnavailable
from explorer_app import guestboard, liveroom
from explorer_app.guestactions import PROBLEM, act, act_picked, answered_then, highlight, merge, pick_key, set_room, star
from explorer_app.liveview import LiveView
from explorer_app.widgets import caption

REFRESH = 2.0  # seconds between two reads of the moderator's list
ORDER = "guest-order"
ORDER_LABELS = {"votes": N_("Most votes"), "newest": N_("Newest")}


def _line(view: LiveView, q: GuestQuestion, number: int, numbers: dict[str, int], duplicates: dict[str, str], on_screen: bool) -> str:
    """A question in the moderator's lists: its number, its text (as text), its votes, place or scene, and flags."""
    lang = view.lang
    notes = [n_("{count} vote", "{count} votes", q.votes, lang)]
    if q.starred:
        notes.append(t("starred", lang))
    if about := ref_label(view.content, q, lang):
        notes.append(t("about {ref}", lang, ref=about))
    if q.cut:
        notes.append(t("cut to length", lang))
    if q.state not in ("pending", "published"):
        notes.append(t(STATE_LABELS[q.state], lang))
    if q.duplicate_of in numbers:
        notes.append(t("merged into #{number}", lang, number=numbers[q.duplicate_of]))
    flags = ""
    if q.id in duplicates and duplicates[q.id] in numbers:
        looks = t("looks like #{number}", lang, number=numbers[duplicates[q.id]])
        flags += f' <span class="hx-guest-flag">{tx(looks, lang)}</span>'
    if on_screen:
        there = t("on the projector", lang)  # outside the f-string, where the catalogs' extractor finds it
        flags += f' <span class="hx-guest-on-screen">{tx(there, lang)}</span>'
    meta = " · ".join(notes)
    return (
        f'<p class="hx-guest-item"><strong>#{number}</strong> <span dir="auto">{esc(q.text)}</span><br>'
        f"<small>{tx(meta, lang)}</small>{flags}</p>"
    )


def _merge_button(view: LiveView, q: GuestQuestion, numbers: dict[str, int], duplicates: dict[str, str]) -> None:
    into = duplicates.get(q.id)
    if into in numbers:
        st.button(
            t("Merge into #{number}", view.lang, number=numbers[into]),
            key=f"guest-merge-{q.id}",
            on_click=merge,
            args=(view, q.id, into),
            icon=":material/merge:",
        )


def moderation(view: LiveView) -> None:
    """The "Questions for the guest" section: the room's switches, the inbox, the published questions, the others,
    the host's prompts."""
    lang = view.lang
    caption(
        t(
            "Phones ask from the session's page (the same code and QR code) while asking is open. Nothing reaches the "
            "projector or the other phones until you publish it, unless questions are published as they come. The "
            "projector shows the questions for the guest while one is highlighted, or while asking is open and no "
            "question for the room is taking answers.",
            lang,
        )
    )

    @st.fragment(run_every=REFRESH)
    def moderator() -> None:
        """The room's switches and the lists, read again every few seconds."""
        try:
            guest = guestboard.read(view.store, view.code)
            joined = view.store.joined(view.code)
        except StoreUnavailable as exc:
            st.error(exc.text(lang), icon=":material/cloud_off:")
            return
        if st.session_state.get(PROBLEM):
            st.warning(st.session_state.pop(PROBLEM), icon=":material/sync_problem:")
        room, questions = guest.room, guest.questions
        numbers = {q.id: n for n, q in enumerate(questions, start=1)}
        duplicates = likely_duplicates(questions)
        pending = [q for q in questions if q.state == "pending"]
        published = [q for q in questions if q.state == "published"]
        others = [q for q in questions if q.state not in ("pending", "published")]
        counts = [
            n_("{count} waiting", "{count} waiting", len(pending), lang),
            n_("{count} published", "{count} published", len(published), lang),
            n_("{count} vote", "{count} votes", sum(q.votes for q in questions if q.shown), lang),
            n_("{count} participant", "{count} participants", joined, lang),
        ]
        if guestboard.takes_screen(guest, liveroom.current_question(view.asked)):
            counts.append(t("the projector shows these questions", lang))
        state = t("Phones can ask the guest questions.", lang) if room.open else t("Asking is closed.", lang)
        status = (
            f'<p class="hx-guest-state"><strong>{tx(state, lang)}</strong><br>'
            f'<span class="hx-guest-counts" role="status">{tx(" · ".join(counts), lang)}</span></p>'
        )
        order = switches(view, room.open, room.auto_publish, status)
        if room.auto_publish:
            st.warning(
                t("Questions are published as they come: nobody reads them before the phones and the projector's queue do.", lang),
                icon=":material/bolt:",
            )
        lit = guestboard.highlighted(guest)
        if lit is not None:
            following = queue(questions, lit.id, 1)
            with st.container(border=True, key="guest-lit"):
                st.html(_line(view, lit, numbers[lit.id], numbers, duplicates, True))
                with st.container(horizontal=True):
                    st.button(
                        t("Answered", lang),
                        key="guest-lit-answered",
                        on_click=act,
                        args=(view, [lit.id], "answer"),
                        icon=":material/check:",
                        type="primary",
                    )
                    if following:
                        st.button(
                            t("Answered, next: #{number}", lang, number=numbers[following[0].id]),
                            key="guest-lit-next",
                            on_click=answered_then,
                            args=(view, lit.id, following[0].id),
                            icon=":material/skip_next:",
                        )
                    st.button(
                        t("Take off the screen", lang),
                        key="guest-unhighlight",
                        on_click=highlight,
                        args=(view, ""),
                        icon=":material/tv_off:",
                    )
        inbox(view, ordered(pending, order), numbers, duplicates)
        shown(view, ordered(published, order), numbers, duplicates, lit.id if lit else "")
        put_away(view, ordered(others, order), numbers, duplicates)

    moderator()
    with st.expander(t("Questions to start with, for a shy room", lang), icon=":material/lightbulb:"):
        items = "".join(f"<li>{tx(p, lang)}</li>" for p in host_prompts(view.content, lang))
        st.html(f'<ul class="hx-guest-prompts">{items}</ul>')


def switches(view: LiveView, open: bool, auto_publish: bool, status: str) -> str:
    """The room's state and counts (``status``), the buttons that open or close asking and publish as questions
    come (buttons: a press is reported once), and the lists' order; the order chosen."""
    lang = view.lang
    with st.container(horizontal=True, vertical_alignment="bottom", key="guest-switches"):
        st.html(status)
        if open:
            st.button(
                t("Close asking", lang),
                key="guest-close",
                on_click=set_room,
                args=(view,),
                kwargs={"open": False},
                icon=":material/lock:",
            )
        else:
            st.button(
                t("Open questions for the guest", lang),
                key="guest-open",
                on_click=set_room,
                args=(view,),
                kwargs={"open": True},
                icon=":material/forum:",
                type="primary",
            )
        if auto_publish:
            st.button(
                t("Stop publishing as they come", lang),
                key="guest-auto-off",
                on_click=set_room,
                args=(view,),
                kwargs={"auto_publish": False},
                icon=":material/pause:",
            )
        else:
            st.button(
                t("Publish as they come", lang),
                key="guest-auto-on",
                on_click=set_room,
                args=(view,),
                kwargs={"auto_publish": True},
                icon=":material/bolt:",
            )
        order = st.segmented_control(
            t("Sort", lang),
            list(ORDER_LABELS),
            format_func=lambda o: t(ORDER_LABELS[o], lang),
            default="votes",
            required=True,
            key=ORDER,
        )
    return order if order in ORDER_LABELS else "votes"


def inbox(view: LiveView, pending: list[GuestQuestion], numbers: dict[str, int], duplicates: dict[str, str]) -> None:
    """The new questions, ticked and published or hidden together; a likely duplicate can be merged."""
    lang = view.lang
    st.markdown("**" + md(t("New questions ({count})", lang, count=len(pending))) + "**")
    if not pending:
        caption(t("No new question.", lang))
        return
    listed = [q.id for q in pending]
    for q in pending:
        with st.container(horizontal=True, vertical_alignment="center", wrap=False, key=f"guest-row-{q.id}"):
            st.checkbox(t("Select question #{number}", lang, number=numbers[q.id]), key=pick_key(q.id), label_visibility="collapsed")
            st.html(_line(view, q, numbers[q.id], numbers, duplicates, False))
            _merge_button(view, q, numbers, duplicates)
    picked = sum(1 for q in listed if st.session_state.get(pick_key(q)))
    with st.container(horizontal=True):
        st.button(
            t("Publish the ticked questions ({count})", lang, count=picked),
            type="primary",
            key="guest-publish-picked",
            on_click=act_picked,
            args=(view, listed, "publish"),
            icon=":material/check:",
            disabled=not picked,
        )
        st.button(
            t("Hide the ticked questions ({count})", lang, count=picked),
            key="guest-hide-picked",
            on_click=act_picked,
            args=(view, listed, "hide"),
            icon=":material/block:",
            disabled=not picked,
        )
        st.button(
            t("Publish all listed ({count})", lang, count=len(listed)),
            key="guest-publish-all",
            on_click=act,
            args=(view, listed, "publish"),
            icon=":material/done_all:",
        )


def shown(view: LiveView, published: list[GuestQuestion], numbers: dict[str, int], duplicates: dict[str, str], lit: str) -> None:
    """The published questions, each with its buttons: star, highlight, answered, hide, archive (and merge)."""
    lang = view.lang
    st.markdown("**" + md(t("Published ({count})", lang, count=len(published))) + "**")
    if not published:
        caption(t("No question published yet.", lang))
    for q in published:
        with st.container(border=True, key=f"guest-item-{q.id}"):
            st.html(_line(view, q, numbers[q.id], numbers, duplicates, q.id == lit))
            with st.container(horizontal=True):
                if q.id != lit:
                    st.button(
                        t("Highlight", lang),
                        key=f"guest-highlight-{q.id}",
                        on_click=highlight,
                        args=(view, q.id),
                        icon=":material/tv:",
                    )
                st.button(
                    t("Unstar", lang) if q.starred else t("Star", lang),
                    key=f"guest-star-{q.id}",
                    on_click=star,
                    args=(view, q.id, not q.starred),
                    icon=":material/star:",
                )
                st.button(
                    t("Answered", lang),
                    key=f"guest-answer-{q.id}",
                    on_click=act,
                    args=(view, [q.id], "answer"),
                    icon=":material/check:",
                )
                st.button(
                    t("Hide", lang),
                    key=f"guest-hide-{q.id}",
                    on_click=act,
                    args=(view, [q.id], "hide"),
                    icon=":material/visibility_off:",
                )
                st.button(
                    t("Archive", lang),
                    key=f"guest-archive-{q.id}",
                    on_click=act,
                    args=(view, [q.id], "archive"),
                    icon=":material/archive:",
                )
                _merge_button(view, q, numbers, duplicates)


def put_away(view: LiveView, others: list[GuestQuestion], numbers: dict[str, int], duplicates: dict[str, str]) -> None:
    """Answered, hidden and archived questions (merged ones among them), each restorable."""
    lang = view.lang
    with st.expander(
        t("Answered, hidden and archived ({count})", lang, count=len(others)), icon=":material/inventory_2:", key="guest-put-away"
    ):
        if not others:
            caption(t("None yet.", lang))
        for q in others:
            with st.container(horizontal=True, vertical_alignment="center", wrap=False, key=f"guest-row-{q.id}"):
                st.html(_line(view, q, numbers[q.id], numbers, duplicates, False))
                if q.state == "answered":
                    st.button(
                        t("Archive", lang),
                        key=f"guest-archive-{q.id}",
                        on_click=act,
                        args=(view, [q.id], "archive"),
                        icon=":material/archive:",
                    )
                st.button(
                    t("Restore", lang),
                    key=f"guest-restore-{q.id}",
                    on_click=act,
                    args=(view, [q.id], "restore"),
                    icon=":material/undo:",
                )


def exports(view: LiveView) -> None:
    """The questions for the guest, with votes, states and times, as a spreadsheet and as CSV (beside the answers')."""
    page, store, session, content, code, lang = view.page, view.store, view.session, view.content, view.code, view.lang

    def everything() -> list[GuestQuestion]:
        """Every question, read when a button is pressed."""
        try:
            return GuestBook(store).questions(code)
        except StoreUnavailable:
            return []

    st.download_button(
        t("Download the questions for the guest (spreadsheet)", lang),
        data=lambda: export_xlsx(content, session, everything(), lang, page.settings.time_zone),
        file_name=f"here-guest-{code}.xlsx",
        icon=":material/download:",
        key="guest-xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
    )
    st.download_button(
        t("Download the questions for the guest (CSV)", lang),
        data=lambda: export_csv(content, session, everything(), lang, page.settings.time_zone),
        file_name=f"here-guest-{code}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="guest-csv",
        on_click="ignore",
    )
