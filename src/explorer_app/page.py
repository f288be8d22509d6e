"""The page context: one call (``setup_page``) gives a page its content, settings, language, spoiler state and
kiosk flag, or shows a page listing every problem with the settings or the content and stops there.

    page = setup_page("walk")            # then page.content, page.language, page.spoiler_safe, page.kiosk…
    page.view.scenes()                   # what spoiler-safe mode lets the page show (explorer.spoilers)
    page_header(page, title, lede)       # the navigation and the page's title (explorer_app/navigation.py)
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import streamlit as st

from explorer.errors import Problem
from explorer.fragments import esc
from explorer.i18n import LANGUAGES, n_, t
from explorer.model import DEFAULT_LANGUAGE, Content
from explorer.settings import Settings
from explorer.spoilers import Visibility, visibility
from explorer_app.assets import LEAFLET_SCRIPT
from explorer_app.behaviour import MAP_PAGES, page_behaviour
from explorer_app.cache import CACHE, Loaded
from explorer_app.usagecount import page_shown

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
LANGUAGE_PARAM = "lang"
SPOILER_PARAM = "spoilers"


def _icon(path: Path = ROOT / "assets" / "icon.png") -> str:
    """The page's icon as a ``data:`` URL: it travels inside the page, so the browser makes no request for it."""
    try:
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return ":material/forest:"


PAGE_ICON = _icon()
KIOSK_GUARD = (Path(__file__).parent / "css" / "kiosk_guard.css").read_text(encoding="utf-8")


def chosen_language() -> str:
    """The interface language: ``?lang=`` in the address, else the browser's language, else English."""
    chosen = st.query_params.get(LANGUAGE_PARAM)
    if chosen in LANGUAGES:
        return chosen
    locale = (st.context.locale or "").replace("_", "-").split("-")[0].lower()
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Page:
    """What a page of the explorer works with, for one run."""

    name: str
    content: Content
    settings: Settings
    language: str
    spoiler_safe: bool  # ``?spoilers=hide``: the scenes after the first encounter, and the ending, are hidden
    loaded: Loaded

    @property
    def kiosk(self) -> bool:
        return self.settings.kiosk

    @property
    def links(self) -> bool:
        """Whether sources may link out of the explorer (not on a kiosk: no way out)."""
        return not self.settings.kiosk

    @cached_property
    def view(self) -> Visibility:
        """What this page may show: the one decision of what spoiler-safe mode hides (``explorer.spoilers``)."""
        return visibility(self.content, self.spoiler_safe)

    @property
    def hidden(self) -> frozenset[str]:
        """The ids of the scenes spoiler-safe mode hides (none when it is off): ``view.hidden``."""
        return self.view.hidden

    @property
    def signature(self) -> str:
        """Changes whenever the content, or the library reading it, changes."""
        return self.loaded.signature

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value built from this content once per process (maps, handouts, postcards)."""
        return self.loaded.derived(key, build)

    def carried(self) -> dict[str, str]:
        """What every internal link carries along: spoiler-safe mode and a chosen language."""
        carried = {SPOILER_PARAM: "hide"} if self.spoiler_safe else {}
        if st.query_params.get(LANGUAGE_PARAM) in LANGUAGES:
            carried[LANGUAGE_PARAM] = st.query_params[LANGUAGE_PARAM]
        return carried

    def params(self, **params: str) -> dict[str, str]:
        """Query parameters for an internal link: ``params`` and what every link carries."""
        return {**params, **self.carried()}


def setup_page(name: str) -> Page:
    """Every page starts here: the page's config, the page component (stylesheet, a kiosk's idle timer), then
    the settings and the content. Invalid settings or content give a page listing every problem, and the
    script stops there."""
    language = chosen_language()
    st.set_page_config(
        page_title=t("Here · moss and city explorer", language), page_icon=PAGE_ICON, layout="wide", initial_sidebar_state="collapsed"
    )
    settings = CACHE.settings()
    if isinstance(settings, tuple):
        page_behaviour(Settings())
        show_problem_page(
            settings,
            language,
            t("The explorer's settings need fixing", language),
            t("Fix the settings file or the environment variables named below, then restart the explorer.", language),
            folder=Settings().data_dir,
        )
        st.stop()
    page_behaviour(settings, attract_screen=name == "attract", scripts=(LEAFLET_SCRIPT,) if name in MAP_PAGES else ())
    loaded = CACHE.loaded(settings.data_dir)
    if isinstance(loaded.content, tuple):
        show_problem_page(loaded.content, language, folder=settings.data_dir)
        st.stop()
    page_shown(name, settings, language)  # anonymous counts for the staff page, in memory (usagecount.py)
    return Page(name, loaded.content, settings, language, st.query_params.get(SPOILER_PARAM) == "hide", loaded)


def show_problem_page(
    problems: tuple[Problem, ...], language: str, title: str = "", advice: str = "", folder: Path | None = None
) -> None:
    """A clear page listing every problem with the content or the settings, instead of a traceback."""
    st.title(title or t("The explorer's content needs fixing", language), anchor=False)
    st.error(
        n_(
            "{count} problem was found, so the explorer cannot open. Nothing was changed.",
            "{count} problems were found, so the explorer cannot open. Nothing was changed.",
            len(problems),
            language,
        )
        + " "
        + (advice or t("Fix the files below and reload this page.", language))
    )
    st.html('<ol class="hx-problems">' + "".join(f"<li><code>{esc(p)}</code></li>" for p in problems) + "</ol>")
    if folder is not None:
        advice = t("To check them yourself, run: .venv/bin/here-explorer check {folder}", language, folder=folder)
        st.html(f'<p class="hx-caption">{esc(advice)}</p>')
