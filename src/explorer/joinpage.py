"""A live session's page for phones: plain HTML from the library, light enough for a hall full of phones on one
Wi-Fi (no Streamlit, no framework: a form per question, a stylesheet and a few lines of script, all cached).

Pure functions of the content, the question and the phone's answer, so tests read what a phone gets; the routes
that serve it (who the phone is, the store, the limits) are ``explorer_app/participant.py``. Every text goes
through ``tx``/``esc``. Every form works without JavaScript: it posts, and the answer comes back as a new page.
The page addresses no one (French: nominal or infinitive), since it sits beside pupils' content.

A place vote is a small map of Brussels (``livefragments``' projection and basemap) with a submit button on each
place, numbered as the list of places under it: a tap on the map is a vote, with or without script.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from explorer.fragments import esc, tx
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, t
from explorer.live import MAX_TEXT, MAX_WORD, Answer, LiveQuestion, choice_label, question_label, question_text
from explorer.livefragments import ATTRIBUTION, HEIGHT, WIDTH, basemap_svg, map_point, results_html
from explorer.model import Content
from explorer.spoilers import visibility
from explorer.theme import PALETTE
from explorer.typography import colon

WORD_INPUT = MAX_WORD * 2  # characters a word box takes: an emoji may count twice; the store cuts at MAX_WORD
REFRESH = 20  # seconds between two loads of a page without script (a written answer is not interrupted)


@dataclass(frozen=True)
class Shell:
    """What every page carries: where the explorer is served (``root``, ending in "/"), its files, and the page's
    own address (what a reload, the language links and the script come back to)."""

    root: str
    stylesheet: str  # the stylesheet's address, from root
    script: str  # join.js's address, from root
    here: Mapping[str, str]  # the page's query: code, lang, spoilers, t (the QR code's ticket); never who the phone is
    path: str = "join"  # the page's own path, from root

    def url(self, path: str | None = None, **params: str) -> str:
        query = {k: v for k, v in {**self.here, **params}.items() if v}
        return f"{self.root}{self.path if path is None else path}" + ("?" + urlencode(query) if query else "")


@dataclass(frozen=True)
class Note:
    """A sentence above the form: what became of what was sent (``kind``: "ok", "warn" or "error")."""

    text: str
    kind: str = "ok"


def document(
    shell: Shell, title: str, body: str, language: str, *, data: Mapping[str, str] | None = None, refresh: bool = True
) -> str:
    """A whole page: the theme's stylesheet, join.js (when the page has a session to follow: ``data``), and,
    for browsers without script, a reload every ``REFRESH`` seconds unless ``refresh`` is off."""
    attributes = "".join(f' data-{name}="{esc(value)}"' for name, value in (data or {}).items())
    script = f'<script src="{esc(shell.root + shell.script)}" defer></script>' if data else ""
    reload = f'<noscript><meta http-equiv="refresh" content="{REFRESH};url={esc(shell.url())}"></noscript>' if data and refresh else ""
    return (
        f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{tx(title, language)}</title><link rel="stylesheet" href="{esc(shell.root + shell.stylesheet)}">'
        f'{script}{reload}</head><body class="hx-phone"><main id="hx-main"{attributes}>{body}</main></body></html>'
    )


def languages_html(shell: Shell, language: str) -> str:
    """Links to the same page in each language, the current one marked."""
    items = []
    for code in LANGUAGES:
        current = ' aria-current="true"' if code == language else ""
        items.append(
            f'<li><a href="{esc(shell.url(lang=code))}" lang="{code}" hreflang="{code}"{current}>{esc(LANGUAGE_NAMES[code])}</a></li>'
        )
    label = t("Language", language)
    return f'<nav class="hx-phone-languages" aria-label="{tx(label, language)}"><ul>{"".join(items)}</ul></nav>'


def note_html(note: Note | None, language: str) -> str:
    if note is None or not note.text:
        return ""
    role = "alert" if note.kind == "error" else "status"
    return f'<p class="hx-phone-note hx-phone-{esc(note.kind)}" role="{role}">{tx(note.text, language)}</p>'


def code_form_html(shell: Shell, language: str, *, typed: str = "", note: Note | None = None) -> str:
    """The start: what the page is for, and a box for the code shown on the projected screen (``typed`` kept
    after a wrong one)."""
    title = t("Join a live session", language)
    lede = t(
        "Answering the session's questions from a phone. No account and no name: only the answers are kept, and only for the session.",
        language,
    )
    hint = t("The six letters and digits shown on the projected screen.", language)
    kicker, field, join = t("Here · Bas Devos · 2023", language), t("Session code", language), t("Join", language)
    explorer = t("Here · moss and city explorer", language)
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{esc(value)}">' for name, value in shell.here.items() if name != "code" and value
    )
    body = (
        f'<header class="hx-phone-top"><p class="hx-kicker">{tx(kicker, language)}</p>'
        f"{languages_html(shell, language)}</header>"
        f"<h1>{tx(title, language)}</h1><p>{tx(lede, language)}</p>{note_html(note, language)}"
        f'<form class="hx-phone-form" method="post" action="{esc(shell.root)}join">{hidden}'
        f'<label for="hx-code">{tx(field, language)}</label>'
        f'<p class="hx-phone-help" id="hx-code-help">{tx(hint, language)}</p>'
        f'<input id="hx-code" name="code" value="{esc(typed[:40])}" maxlength="40" autocomplete="off" '
        'autocapitalize="characters" spellcheck="false" placeholder="ABC 234" aria-describedby="hx-code-help" '
        "required>"
        f'<button type="submit">{tx(join, language)}</button></form>'
        f'<p class="hx-phone-away"><a href="{esc(shell.root)}{_explorer_query(shell)}">'
        f"{tx(explorer, language)}</a></p>"
    )
    return document(shell, title, body, language)


def _explorer_query(shell: Shell) -> str:
    query = {k: v for k, v in shell.here.items() if k in ("lang", "spoilers") and v}
    return "?" + urlencode(query) if query else ""


def spaced(code: str) -> str:
    return f"{code[:3]} {code[3:]}"


@dataclass(frozen=True)
class Situation:
    """What one phone sees of its session now."""

    code: str
    question: LiveQuestion | None
    mine: Answer | None = None  # this phone's answer to the question
    answers: tuple[Answer, ...] = ()  # everyone's, once the answers are shown
    spoiler_safe: bool = False  # the session's setting (whatever the link says)
    note: Note | None = None
    typed: str | None = None  # what was sent and refused, kept in the form
    guest: str = ""  # the address of the session's questions for the guest while asking is open, else ""


def session_html(content: Content, shell: Shell, situation: Situation, language: str, *, events: str = "", state: str = "") -> str:
    """A joined phone's page: the session, the question on screen and a way to answer it, or everyone's answers
    once shown. ``events`` and ``state`` are the addresses join.js follows (the push, and the slow fallback)."""
    question = situation.question
    session_line = t("Session {code}", language, code=spaced(situation.code))
    top = (
        f'<header class="hx-phone-top"><p class="hx-kicker">{tx(session_line, language)}</p>{languages_html(shell, language)}</header>'
    )
    data = {
        "code": situation.code,
        "question": question.id if question else "",
        "state": question.state if question else "",
        "events": events,
        "poll": state,
        "here": shell.url(),
        "guest-open": "1" if situation.guest else "",
    }
    guest_label = t("Questions for the guest", language)
    if question is None:
        waiting = t("Joined. The first question appears here by itself when it is asked.", language)
        asking = f'<p class="hx-phone-guest hx-phone-guest-big"><a href="{esc(situation.guest)}">{tx(guest_label, language)}</a></p>'
        body = (
            f"{top}<h1>{tx(session_line, language)}</h1>{note_html(situation.note, language)}"
            f"{asking if situation.guest else ''}"
            f'<p class="hx-phone-info">{tx(waiting, language)}</p>'
        )
        return document(shell, session_line, body, language, data=data)
    if situation.guest:
        top += f'<p class="hx-phone-guest"><a href="{esc(situation.guest)}">{tx(guest_label, language)}</a></p>'
    asked = question_text(content, question, language)
    body = (
        f'{top}<p class="hx-kicker">{tx(question_label(content, question, language), language)}</p>'
        f'<h1 class="hx-live-ask">{tx(asked, language)}</h1>{mine_html(content, question, situation.mine, language)}'
        f"{note_html(situation.note, language)}"
    )
    written = question.state == "open" and (question.kind == "word" or question.free_text)
    if question.state == "revealed":
        body += f'<section class="hx-live-question">{results_html(content, question, list(situation.answers), language)}</section>'
    elif question.state == "closed":
        closed = t("Answers are closed. Everyone's answers may be shown here in a moment.", language)
        body += f'<p class="hx-phone-info">{tx(closed, language)}</p>'
    elif question.state == "open":
        body += answer_form_html(content, shell, situation, language)
    if written:  # no reload while writing: a link instead, for a browser without script
        again = t("Refresh", language)
        body += f'<noscript><p><a href="{esc(shell.url())}">{tx(again, language)}</a></p></noscript>'
    return document(shell, asked, body, language, data=data, refresh=not written)


def mine_html(content: Content, question: LiveQuestion, mine: Answer | None, language: str) -> str:
    """The phone's own answer (a discarded one is told on its own phone only, and never to the others)."""
    if mine is None:
        return ""
    label = choice_label(content, question, mine.value, language)
    hidden, given = t("not shown", language), t("Answer given", language)
    refused = f" <small>({tx(hidden, language)})</small>" if mine.refused else ""
    return f'<p class="hx-live-mine">{tx(given, language)}{colon(language)} <strong><bdi>{esc(label)}</bdi></strong>{refused}</p>'


def _hidden(shell: Shell, question: LiveQuestion) -> str:
    fields = {
        "code": question.session,
        "question": question.id,
        **{k: v for k, v in shell.here.items() if k in ("lang", "spoilers", "t") and v},
    }
    return "".join(f'<input type="hidden" name="{name}" value="{esc(value)}">' for name, value in fields.items())


def _send(language: str) -> str:
    send = t("Send", language)
    return f'<button type="submit" class="hx-phone-send">{tx(send, language)}</button>'


def answer_form_html(content: Content, shell: Shell, situation: Situation, language: str) -> str:
    """A form for the open question: a place vote (the map and the list), a choice among radio buttons, a word,
    or a written answer. What was refused comes back in the form; else the phone's own answer (its radio checked).
    Every field is required, so a browser stops an empty send itself (the server still refuses one). The form
    takes no remembered state (``autocomplete="off"``): a browser restoring an earlier choice over the page's
    would show an answer that is not the one kept."""
    question = situation.question
    assert question is not None
    action = f"{shell.root}join/answer"
    current = situation.typed if situation.typed is not None else (situation.mine.value if situation.mine else "")
    head = (
        f'<form class="hx-phone-form hx-phone-answer" method="post" action="{esc(action)}" autocomplete="off">'
        f"{_hidden(shell, question)}"
    )
    if question.kind == "word" or question.free_text:
        if question.kind == "word":
            label = t("One word", language)
            field = (
                f'<label for="hx-answer">{tx(label, language)}</label>'
                f'<input id="hx-answer" name="value" value="{esc(current)}" maxlength="{WORD_INPUT}" '
                'autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="send" required>'
            )
        else:
            help_text = t("Written answers are read before they are shown to everyone.", language)
            label = t("Answer", language)
            field = (
                f'<label for="hx-answer">{tx(label, language)}</label>'
                f'<p class="hx-phone-help" id="hx-answer-help">{tx(help_text, language)}</p>'
                f'<textarea id="hx-answer" name="value" rows="5" maxlength="{MAX_TEXT}" '
                f'aria-describedby="hx-answer-help" required>{esc(current)}</textarea>'
            )
        return f"{head}{field}{_send(language)}</form>"
    choices = list(question.choices)
    if question.kind == "scene":  # the session's setting decides what a phone may show, whatever its link says
        view = visibility(content, situation.spoiler_safe)
        choices = [c for c in choices if view.scene(c)]
    legend = t("Place", language) if question.kind == "place" else t("Answer", language)
    items = "".join(
        f'<li><label><input type="radio" name="value" value="{esc(value)}"{" checked" if value == current else ""}'
        " required>"
        + (f'<span class="hx-phone-num" aria-hidden="true">{number}</span>' if question.kind == "place" else "")
        + f"<span>{tx(choice_label(content, question, value, language), language)}</span></label></li>"
        for number, value in enumerate(choices, start=1)
    )
    listing = (
        f'{head}<fieldset><legend>{tx(legend, language)}</legend><ul class="hx-phone-choices">{items}</ul>'
        f"</fieldset>{_send(language)}</form>"
    )
    if question.kind != "place":
        return listing
    return tap_map_html(content, shell, question, choices, current, language) + listing


def tap_map_html(content: Content, shell: Shell, question: LiveQuestion, choices: list[str], chosen: str, language: str) -> str:
    """The places on a small map of Brussels, each a submit button (a tap is a vote) numbered as in the list
    under it; the map itself is a picture for the eye only, the buttons are named by their places. The map data's
    credit goes under it."""
    xy = map_point(content)
    buttons = []
    for number, place_id in enumerate(choices, start=1):
        place = content.place(place_id)
        if place is None:
            continue
        x, y = xy(place.lat, place.lon)
        name = place.name.get(language)
        mark = ' aria-current="true"' if place_id == chosen else ""
        buttons.append(
            f'<button type="submit" name="value" value="{esc(place_id)}" class="hx-tap-place"{mark} '
            f'style="left:{100 * x / WIDTH:.2f}%;top:{100 * y / HEIGHT:.2f}%">'
            f'{number}<span class="hx-sr"> {tx(name, language)}</span></button>'
        )
    svg = (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" aria-hidden="true" focusable="false">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{PALETTE["concrete_light"]}"/>{basemap_svg(content, xy)}</svg>'
    )
    tip = t("Tap a place on the map or choose it in the list below.", language)
    label = t("Map", language)
    return (
        f'<p class="hx-phone-help">{tx(tip, language)}</p>'
        f'<form class="hx-tap" method="post" action="{esc(shell.root)}join/answer"'
        f' aria-label="{tx(label, language)}">{_hidden(shell, question)}'
        f'<div class="hx-tap-map">{svg}{"".join(buttons)}</div></form>'
        # the map data's credit under the picture, in the page's text (legible on a phone, never translated)
        f'<p class="hx-phone-help hx-tap-credit" lang="en" style="font-size:.8rem;text-align:right;margin-top:0">'
        f"{esc(ATTRIBUTION)}</p>"
    )


def problem_html(shell: Shell, title: str, message: str, language: str, *, status_line: str = "") -> str:
    """A page that only says why (the store cannot be reached, the content needs fixing), and where to go on."""
    kicker = status_line or t("Here · Bas Devos · 2023", language)
    again = t("Refresh", language)
    body = (
        f'<header class="hx-phone-top"><p class="hx-kicker">{tx(kicker, language)}</p>'
        f"{languages_html(shell, language)}</header><h1>{tx(title, language)}</h1>"
        f'{note_html(Note(message, "error"), language)}<p><a href="{esc(shell.url())}">{tx(again, language)}</a></p>'
    )
    return document(shell, title, body, language)
