"""Approving answers in the presenter's controls (``pages/live.py``, under the question on screen): a question asked
for written answers or for words shows nothing to the room until the presenter lets it through.

Only the controls window lists what waits: everyone sees an answer once the presenter approves it; a discarded
answer is never shown and only its writer's phone says so; "Hide" takes an answer already shown off the projector
and the phones for good. Words are approved a word at a time (once let through, a word shows whoever gives it);
written answers are ticked and approved or discarded together, each only if it still reads what the presenter read.
The list is read every second by a fragment of its own: the board alone listens to the session's stream (a second
push component on the page lost reports: two fragments triggered at once, one of the two runs was not made).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections import Counter

import streamlit as st

from explorer.fragments import esc, md
from explorer.i18n import t
from explorer.live import Answer, LiveQuestion
from explorer.livestore import StoreUnavailable
from explorer_app.liveroom import PROJECTOR_POLL
from explorer_app.liveview import LiveView
from explorer_app.widgets import caption


def word_key(word: str) -> str:
    """A widget key for a word, whatever its characters."""
    return hashlib.sha1(word.encode("utf-8")).hexdigest()[:12]


def approve_picked(view: LiveView, question_id: str, shown: list[tuple[str, str, str]], approved: bool = True) -> None:
    """Approve the written answers ticked (each if it still reads what the presenter read), or discard them."""
    picked = [(token, value) for token, value, key in shown if st.session_state.get(key)]
    try:
        view.store.approve_many(question_id, picked, approved=approved)
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(view.lang)
    for _, _, key in shown:
        st.session_state.pop(key, None)


def approve_all(view: LiveView, question_id: str, shown: list[tuple[str, str, str]]) -> None:
    """Approve every written answer the list showed (not one that arrived since)."""
    try:
        view.store.approve_many(question_id, [(token, value) for token, value, _ in shown])
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(view.lang)


def hide_text(view: LiveView, question_id: str, token: str, value: str) -> None:
    """Take a written answer off the projector and the phones for good: it is discarded (an "approve all" later
    cannot bring it back; only its writer's phone says it is not shown)."""
    try:
        view.store.refuse_many(question_id, [(token, value)])
    except StoreUnavailable as exc:
        st.session_state["hx-live-problem"] = exc.text(view.lang)


def show_words(view: LiveView, question_id: str, words: list[str]) -> None:
    """Let every word listed through."""
    with contextlib.suppress(StoreUnavailable):
        for word in words:
            view.store.approve_word(question_id, word)


def approvals(view: LiveView, current: LiveQuestion) -> None:
    """The answers waiting for approval and those shown, under the question on screen."""
    store, lang = view.store, view.lang
    with st.container(border=True, key="live-moderation"):
        st.markdown("**" + md(t("Waiting for approval", lang)) + "**")
        caption(
            t(
                "Only in this window: everyone sees an answer once you approve it. A discarded answer is "
                "never shown; only its writer's phone says so.",
                lang,
            )
        )
        caption(t("Hide takes an answer already shown off the projector and the phones for good.", lang))

        # read every second: the presenter's own window only (one per session). A second push component on
        # this page lost reports (two fragments triggered at once: one of the two runs was not made), so the
        # board alone listens to the stream.
        @st.fragment(run_every=PROJECTOR_POLL * 2)
        def approvals(question: LiveQuestion) -> None:
            """The answers waiting, read again every second."""
            try:
                everything = store.answers(view.code, question.id)
                waiting = [a for a in everything if a.waiting]
            except StoreUnavailable as exc:
                st.error(exc.text(lang))
                return
            if not waiting:
                caption(t("No answer is waiting.", lang))
            if question.kind == "word":
                words_waiting(view, question, everything, waiting)
            else:
                texts_waiting(view, question, everything, waiting)

        approvals(current)


def words_waiting(view: LiveView, question: LiveQuestion, everything: list[Answer], waiting: list[Answer]) -> None:
    """A word at a time: once let through, it shows whoever gives it; the words let through under the waiting ones."""
    store, lang = view.store, view.lang
    words = Counter(a.value for a in waiting).most_common()
    for word, count in words:
        with st.container(border=True, horizontal=True, vertical_alignment="center", key=f"hx-waiting-{word_key(word)}"):
            st.html(f'<p class="hx-waiting"><bdi>{esc(word)}</bdi> <small>× {count}</small></p>')
            st.button(
                t("Show", lang),
                key=f"approve-word-{word_key(word)}",
                on_click=store.approve_word,
                args=(question.id, word),
            )
            st.button(
                t("Discard", lang),
                key=f"refuse-word-{word_key(word)}",
                on_click=store.refuse_word,
                args=(question.id, word),
                icon=":material/block:",
            )
    if len(words) > 1:
        st.button(
            t("Show every word listed", lang),
            key="live-approve-words",
            on_click=show_words,
            args=(view, question.id, [word for word, _ in words]),
            icon=":material/done_all:",
        )
    # the words let through, under the waiting ones (a new word is seen first), each can go again
    shown = Counter(a.value for a in everything if a.approved)
    if shown:
        st.markdown("**" + md(t("Shown to everyone", lang)) + "**")
    for word, count in shown.most_common():
        with st.container(horizontal=True, vertical_alignment="center", key=f"hx-shown-{word_key(word)}"):
            st.html(f'<p class="hx-shown-word"><bdi>{esc(word)}</bdi> <small>× {count}</small></p>')
            # discarded for good: "show every word listed" cannot bring it back
            st.button(
                t("Hide", lang),
                key=f"hide-word-{word_key(word)}",
                on_click=store.refuse_word,
                args=(question.id, word),
                icon=":material/visibility_off:",
            )


def texts_waiting(view: LiveView, question: LiveQuestion, everything: list[Answer], waiting: list[Answer]) -> None:
    """Written answers, ticked and approved or discarded together; those shown can come off again."""
    lang = view.lang
    listed = [(a.participant, a.value, f"pick-{word_key(a.participant + a.value)}") for a in waiting]
    for _, value, key in listed:
        st.checkbox(md(value), key=key)
    if listed:
        with st.container(horizontal=True):
            picked = sum(1 for _, _, key in listed if st.session_state.get(key))
            st.button(
                t("Approve the ticked answers ({count})", lang, count=picked),
                type="primary",
                key="live-approve-picked",
                on_click=approve_picked,
                args=(view, question.id, listed),
                icon=":material/check:",
                disabled=not picked,
            )
            st.button(
                t("Approve all listed ({count})", lang, count=len(listed)),
                key="live-approve-all",
                on_click=approve_all,
                args=(view, question.id, listed),
                icon=":material/done_all:",
            )
            st.button(
                t("Discard the ticked answers ({count})", lang, count=picked),
                key="live-refuse-picked",
                on_click=approve_picked,
                args=(view, question.id, listed, False),
                icon=":material/block:",
                disabled=not picked,
            )
    # an answer approved by mistake comes off the projector again (it waits again, to approve or discard)
    approved = [a for a in everything if a.approved]
    if approved:
        st.markdown("**" + md(t("Shown to everyone", lang)) + "**")
    for answer in approved:
        with st.container(
            horizontal=True,
            vertical_alignment="center",
            key=f"hx-shown-text-{word_key(answer.participant + answer.value)}",
        ):
            st.html(f'<p class="hx-shown-word" dir="auto">{esc(answer.value)}</p>')
            st.button(
                t("Hide", lang),
                key=f"hide-text-{word_key(answer.participant + answer.value)}",
                on_click=hide_text,
                args=(view, question.id, answer.participant, answer.value),
                icon=":material/visibility_off:",
            )
