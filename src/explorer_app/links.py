"""Light navigation: the top bar and the list of places as plain links and buttons (a Streamlit v2 component).

Streamlit draws every element of a page's first run before the map's component starts, and seven page links,
a language control, a spoiler switch and twenty place pills cost more than the map itself (bench/RESULTS.md).
``links.js`` draws the same controls as plain HTML from one small dictionary, with the text around them (the
page's title, a heading, an introduction) in the same element. Links stay real links (a new tab, a
copied address, a reader's list of links); a plain click is reported to Python as a trigger value instead, so
the page changes without loading the app again. Every reported value is checked before it is used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from explorer_app.components import register, reported

# Not isolated: the controls take the explorer's stylesheet, like the rest of the page.
_component = register("links", isolate_styles=False)


def link(
    key: str,
    text: str,
    href: str,
    *,
    event: str | None = None,
    value: object = None,
    symbol: str | None = None,
    current: bool = False,
    current_value: str = "page",
    title: str | None = None,
) -> dict:
    """A real link; a plain click reports ``event`` with ``value`` instead of loading ``href``."""
    return {
        "type": "link",
        "key": key,
        "text": text,
        "href": href,
        "event": event,
        "value": value,
        "symbol": symbol,
        "current": current,
        "current_value": current_value,
        "title": title,
    }


def choice(
    key: str,
    text: str,
    *,
    event: str,
    value: object,
    pressed: bool,
    title: str | None = None,
    name: str | None = None,
    lang: str | None = None,
) -> dict:
    """One button of a group of which one is chosen (``aria-pressed``); reports ``event`` with ``value``.
    ``name`` is its accessible name if ``text`` is too short to say it (it should start with ``text``), ``lang``
    the language its text is in."""
    return {
        "type": "choice",
        "key": key,
        "text": text,
        "event": event,
        "value": value,
        "pressed": pressed,
        "title": title,
        "name": name,
        "lang": lang,
    }


def switch(key: str, text: str, *, event: str, on: bool, title: str | None = None) -> dict:
    """An on/off switch (``role="switch"``); reports ``event`` with the new state."""
    return {"type": "switch", "key": key, "text": text, "event": event, "on": on, "title": title}


def group(items: list[dict], *, label: str | None = None, css_class: str = "") -> dict:
    return {"items": items, "label": label, "class": css_class}


def link_bar(
    key: str,
    groups: list[dict],
    *,
    on: Mapping[str, Callable[[object], None]],
    label: str | None = None,
    tag: str = "div",
    css_class: str = "",
    kiosk: bool = False,
    before: str = "",
    after: str = "",
) -> None:
    """Draw ``groups`` of controls; a reported event calls ``on[event]`` with the value the browser sent.
    On a kiosk (``kiosk``) links never open a new tab or window.

    ``before`` and ``after`` are HTML drawn around the controls in the same element (a page's title, a heading,
    an introduction): one element instead of several, so the page's first view comes sooner. They must be built
    by ``explorer.fragments``, which escapes every text it puts in."""

    def callback(event: str, handle: Callable[[object], None]) -> Callable[[], None]:
        return lambda: handle(reported(key, event))

    _component(
        key=key,
        data={"tag": tag, "label": label, "class": css_class, "kiosk": kiosk, "groups": groups, "before": before, "after": after},
        **{f"on_{event}_change": callback(event, handle) for event, handle in on.items()},
    )
