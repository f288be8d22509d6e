"""The page component (``page.js``): what every page does in the browser without drawing anything.

It puts the explorer's stylesheet in the page's head, starts a kiosk's idle timer, and scrolls to an element
when asked. One call in ``page.setup_page`` for the first two; ``scroll_to`` mounts it once more for the third.
"""

from __future__ import annotations

import streamlit as st

from explorer.settings import Settings
from explorer_app.assets import page_stylesheet
from explorer_app.components import register

_component = register("page", isolate_styles=False)


MAP_PAGES = ("map", "walk")  # the pages that draw a map: Leaflet starts with them


def attract_path() -> str:
    """The attract screen's address relative to any page of the app (``/base/attract`` behind a base path)."""
    base = st.get_option("server.baseUrlPath").strip("/")
    return f"/{base}/attract" if base else "/attract"


def page_behaviour(settings: Settings, *, attract_screen: bool = False, scripts: tuple[str, ...] = ()) -> None:
    """The stylesheet; ``scripts`` the page will need (Leaflet on a page with a map, run while the page
    arrives); on a kiosk, the lock-down and the idle timer (``page.js``; no timer on the attract screen)."""
    kiosk = (
        {"idle_ms": settings.idle_timeout * 1000, "attract": attract_path(), "attract_screen": attract_screen}
        if settings.kiosk
        else None
    )
    _component(key="hx-page", data={"stylesheet": page_stylesheet().path, "scripts": list(scripts), "kiosk": kiosk}, height=0)


def scroll_to(element_id: str, block: str = "start") -> None:
    """Bring the element ``element_id`` into view once it is drawn, once per page (a deep link to one scene)."""
    _component(key="hx-scroll", data={"scroll": {"id": element_id, "block": block, "nonce": element_id}}, height=0)
