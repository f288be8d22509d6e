"""The phones' page of "Questions for the guest": plain escaped HTML from the library, as the session's page
(``explorer.joinpage``: its shell, stylesheet and script), light for a hall of phones on one Wi-Fi.

What a phone sees: the question being answered now, a form to ask one (optionally about a place or a scene of
the explorer), the published questions by votes or newest with a vote (or take-back) button each, its own
questions still waiting for the moderator (to it alone), and the answered ones apart. Every form posts and
works without script. Questions are shown as text (escaped, isolated for direction): markup stays markup.
The routes (who the phone is, the store, the limits) are ``explorer_app/guestroutes.py``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from explorer.fragments import esc, tx
from explorer.guest import MAX_ASK, GuestQuestion, GuestRoom, ordered, ref_label
from explorer.i18n import N_, n_, t
from explorer.joinpage import Note, Shell, document, languages_html, note_html, spaced
from explorer.model import Content
from explorer.typography import typeset

ANSWERED_SHOWN = 10  # answered questions listed (the newest first)
GUEST_TITLE = N_("Questions for the guest")
BACK = N_("Back to the session's questions")
ASKED = N_("Question sent. It shows here for everyone once the moderator has read it.")
ASKED_PUBLISHED = N_("Question sent.")
ASK_CUT = N_("The question was longer than {limit} characters, so it was cut.")
VOTED = N_("Vote counted.")
UNVOTED = N_("Vote taken back.")
NOTICES = {"up": VOTED, "down": UNVOTED}


@dataclass(frozen=True)
class GuestView:
    """What one phone sees of its session's questions for the guest now."""

    code: str
    room: GuestRoom
    questions: Sequence[GuestQuestion]  # the session's published and answered ones (any order)
    mine: Sequence[GuestQuestion] = ()  # this phone's own questions still waiting for the moderator
    voted: frozenset[str] = field(default_factory=frozenset)  # the questions this phone voted for
    order: str = "votes"
    spoiler_safe: bool = False  # the session's setting: which scenes a phone may pick
    note: Note | None = None
    typed: str = ""  # a refused question, kept in the form
    place: str = ""
    scene: str = ""


def guest_signal(room: GuestRoom, questions: Sequence[GuestQuestion]) -> dict[str, object]:
    """What the guest page follows (``/join/events`` "guest", ``/join/state``): whether asking is open, a short
    digest ``v`` of what must reach every phone at once (asking opened or closed, the question being answered) and
    one ``c`` of the rest every phone sees alike (the shown questions, their states and votes). The same on every
    replica for the same data; a waiting question changes neither until it is shown. join.js loads the page again
    at once when ``v`` changes, and for ``c`` alone only now and then (``COUNTS_EVERY`` in join.js): in a hall each
    vote and each new question changes it, and a page per phone per change would take the replicas' whole time."""

    def digest(value: object) -> str:
        return hashlib.sha256(json.dumps(value, separators=(",", ":")).encode()).hexdigest()[:16]

    shown = [q for q in sorted(questions, key=lambda q: q.id) if q.shown]
    return {
        "v": digest([room.open, room.highlighted]),
        "c": digest([(q.id, q.state, q.votes) for q in shown]),
        "open": room.open,
    }


def vote_state(votes: int, mine: bool, language: str) -> dict[str, object]:
    """What a question's vote row shows after a vote (``POST /join/guest/vote`` answers it as JSON to join.js, which
    updates the row in place instead of loading the page again): the count, the button and the note."""
    return {
        "votes": votes,
        "mine": mine,
        "count": typeset(n_("{count} vote", "{count} votes", votes, language), language),
        "label": typeset(t("Take back my vote", language) if mine else t("Vote", language), language),
        "up": "0" if mine else "1",
        "note": typeset(t(VOTED if mine else UNVOTED, language), language),
    }


def _hidden(shell: Shell, code: str, **extra: str) -> str:
    fields = {"code": code, **{k: v for k, v in shell.here.items() if k in ("lang", "spoilers", "t") and v}, **extra}
    return "".join(f'<input type="hidden" name="{name}" value="{esc(value)}">' for name, value in fields.items() if value)


def _question_html(content: Content, shell: Shell, view: GuestView, q: GuestQuestion, language: str, *, votable: bool = True) -> str:
    """One question: its text (as text, direction isolated), what it is about, its votes and a vote button."""
    about = ref_label(content, q, language)
    about_html = f'<p class="hx-phone-qabout">{tx(about, language)}</p>' if about else ""
    count = n_("{count} vote", "{count} votes", q.votes, language)
    text_id = f"hx-q-{esc(q.id)}"
    button = ""
    if votable and q.state == "published":
        mine = q.id in view.voted
        label = t("Take back my vote", language) if mine else t("Vote", language)
        button = (
            f'<form class="hx-phone-vote" method="post" action="{esc(shell.root)}join/guest/vote">'
            f"{_hidden(shell, view.code, question=q.id, up='0' if mine else '1', order=view.order if view.order != 'votes' else '')}"
            f'<button type="submit" aria-describedby="{text_id}" aria-pressed="{"true" if mine else "false"}">'
            f"{tx(label, language)}</button></form>"
        )
    return (
        f'<li id="q-{esc(q.id)}" class="hx-phone-q"><p class="hx-phone-qtext" id="{text_id}" dir="auto"><bdi>{esc(q.text)}</bdi></p>'
        f'{about_html}<div class="hx-phone-qrow"><span class="hx-phone-qvotes">{tx(count, language)}</span>{button}</div></li>'
    )


def _options(pairs: Sequence[tuple[str, str]], chosen: str, none: str, language: str) -> str:
    items = [f'<option value="">{tx(none, language)}</option>']
    items += [f'<option value="{esc(v)}"{" selected" if v == chosen else ""}>{tx(label, language)}</option>' for v, label in pairs]
    return "".join(items)


def ask_form_html(content: Content, shell: Shell, view: GuestView, language: str) -> str:
    """The form to ask: the question (any language, at most ``MAX_ASK`` characters) and, optionally, a place or
    a scene of the explorer (scenes as the session's spoiler setting allows)."""
    places = [(p.id, p.name.get(language)) for p in content.places]
    scenes = [(s.id, s.title.get(language)) for s in content.visible_scenes(view.spoiler_safe)]
    label, send = t("Question for the guest", language), t("Send the question", language)
    help_text = (
        t("Any language. Questions show here once the moderator has read them.", language)
        if not view.room.auto_publish
        else t("Any language. Questions show here for everyone at once.", language)
    )
    none = t("None", language)
    place_label, scene_label = t("About a place (optional)", language), t("About a scene (optional)", language)
    return (
        f'<form class="hx-phone-form hx-phone-ask" method="post" action="{esc(shell.root)}join/guest/ask" autocomplete="off">'
        f"{_hidden(shell, view.code, order=view.order if view.order != 'votes' else '')}"
        f'<label for="hx-ask">{tx(label, language)}</label>'
        f'<p class="hx-phone-help" id="hx-ask-help">{tx(help_text, language)}</p>'
        f'<textarea id="hx-ask" name="text" rows="4" maxlength="{MAX_ASK}" aria-describedby="hx-ask-help" required>'
        f"{esc(view.typed)}</textarea>"
        f'<label for="hx-ask-place">{tx(place_label, language)}</label>'
        f'<select id="hx-ask-place" name="place">{_options(places, view.place, none, language)}</select>'
        f'<label for="hx-ask-scene">{tx(scene_label, language)}</label>'
        f'<select id="hx-ask-scene" name="scene">{_options(scenes, view.scene, none, language)}</select>'
        f'<button type="submit">{tx(send, language)}</button></form>'
    )


def guest_html(content: Content, shell: Shell, view: GuestView, language: str, *, events: str = "", state: str = "") -> str:
    """A joined phone's page of questions for the guest. ``events`` and ``state`` are what join.js follows: it
    loads the page again on "guest" news, never while a question is being written."""
    title = t(GUEST_TITLE, language)
    session_line = t("Session {code}", language, code=spaced(view.code))
    signal = guest_signal(view.room, view.questions)
    data = {
        "code": view.code,
        "guest": str(signal["v"]),
        "guest-counts": str(signal["c"]),
        "events": events,
        "poll": state,
        "here": shell.url(),
    }
    back_label = t(BACK, language)
    back = f'<p class="hx-phone-back"><a href="{esc(shell.url("join", order=""))}">{tx(back_label, language)}</a></p>'
    top = (
        f'<header class="hx-phone-top"><p class="hx-kicker">{tx(session_line, language)}</p>{languages_html(shell, language)}</header>'
        f"<h1>{tx(title, language)}</h1>{back}{note_html(view.note, language)}"
        '<p id="hx-vote-note" class="hx-sr" role="status"></p>'
    )
    shown = [q for q in view.questions if q.shown]
    closed = t("Questions for the guest are not open just now.", language)
    if not view.room.open and not shown:
        body = f'{top}<p class="hx-phone-info">{tx(closed, language)}</p>'
        return document(shell, title, body, language, data=data)
    body = top
    highlighted = next((q for q in shown if q.id == view.room.highlighted and q.state == "published"), None)
    if highlighted is not None:
        now = t("Being answered now", language)
        body += (
            f'<section class="hx-phone-now" aria-labelledby="hx-phone-now"><h2 id="hx-phone-now">{tx(now, language)}</h2>'
            f'<ul class="hx-phone-qlist">{_question_html(content, shell, view, highlighted, language)}</ul></section>'
        )
    if view.room.open:
        body += ask_form_html(content, shell, view, language)
    else:
        body += f'<p class="hx-phone-info">{tx(closed, language)}</p>'
    if view.mine:
        waiting, only = t("Waiting for the moderator", language), t("Only this phone sees these until they are published.", language)
        items = "".join(_question_html(content, shell, view, q, language, votable=False) for q in ordered(view.mine, "newest"))
        body += (
            f'<section class="hx-phone-mine" aria-labelledby="hx-phone-mine"><h2 id="hx-phone-mine">{tx(waiting, language)}</h2>'
            f'<p class="hx-phone-help">{tx(only, language)}</p>'
            f'<ul class="hx-phone-qlist">{items}</ul></section>'
        )
    published = [q for q in shown if q.state == "published" and q is not highlighted]
    heading = t("Questions", language)
    sorts = []
    for order, label in (("votes", t("Most votes", language)), ("newest", t("Newest", language))):
        current = ' aria-current="true"' if order == view.order else ""
        sorts.append(
            f'<li><a href="{esc(shell.url(order=order if order != "votes" else ""))}"{current}>{tx(label, language)}</a></li>'
        )
    sort_label = t("Order", language)
    if published:
        items = "".join(_question_html(content, shell, view, q, language) for q in ordered(published, view.order))
        listing = f'<ul class="hx-phone-qlist">{items}</ul>'
    else:
        none_yet = t("No published questions yet.", language)
        listing = f'<p class="hx-phone-info">{tx(none_yet, language)}</p>'
    body += (
        f'<section class="hx-phone-all" aria-labelledby="hx-phone-all"><h2 id="hx-phone-all">{tx(heading, language)}</h2>'
        f'<nav class="hx-phone-sort" aria-label="{tx(sort_label, language)}"><ul>{"".join(sorts)}</ul></nav>{listing}</section>'
    )
    answered = sorted((q for q in shown if q.state == "answered"), key=lambda q: (-(q.answered_at or 0.0), q.id))[:ANSWERED_SHOWN]
    if answered:
        items = "".join(_question_html(content, shell, view, q, language, votable=False) for q in answered)
        done = t("Answered", language)
        body += (
            f'<section class="hx-phone-answered" aria-labelledby="hx-phone-answered">'
            f'<h2 id="hx-phone-answered">{tx(done, language)}</h2><ul class="hx-phone-qlist">{items}</ul></section>'
        )
    if view.room.open:  # no reload while writing: a link instead, for a browser without script
        again = t("Refresh", language)
        body += f'<noscript><p><a href="{esc(shell.url())}">{tx(again, language)}</a></p></noscript>'
    return document(shell, title, body, language, data=data, refresh=not view.room.open)
