"""Shared page chrome: cached content, styles, and the widgets every page uses."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

import explorer
from explorer.errors import ContentError, Problem
from explorer.fragments import esc
from explorer.fragments import md as _md
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, t
from explorer.loader import FILES, load_content
from explorer.model import DEFAULT_LANGUAGE, Content
from explorer.settings import DEFAULT_SETTINGS_FILE, SETTINGS, SETTINGS_FILE_VARIABLE, Settings, SettingsError, load_settings
from explorer_app import preload
from explorer_app.links import choice, group, link, link_bar, switch
from explorer_app.styles import APP_CSS, KIOSK_CSS

ROOT = Path(__file__).resolve().parents[2]
ICON = ROOT / "assets" / "icon.png"


def icon_url(path: Path = ICON) -> str:
    """The page's icon as a ``data:`` URL: Streamlit passes it on as it is, so the browser makes no request for
    it (a file path would become a media file, stored again on every run and fetched by every visitor)."""
    try:
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        return ":material/forest:"  # the icon file is missing: Streamlit's own icon font draws one


PAGE_ICON = icon_url()
MAP_PAGE = "app.py"
SCENES_PAGE = "pages/scenes.py"
MOSS_PAGE = "pages/moss.py"
ABOUT_PAGE = "pages/about.py"
ATTRACT_PAGE = "pages/attract.py"
WALK_PAGE = "pages/walk.py"
CLASSROOM_PAGE = "pages/classroom.py"
MAKE_PAGE = "pages/make.py"


def _stat(path: Path) -> tuple:
    stat = path.stat() if path.exists() else None
    return (str(path), stat.st_mtime_ns if stat else 0, stat.st_size if stat else -1)


# Caches take short string keys and skip hashing the heavy arguments (a leading underscore): Streamlit's
# hashing of tuples and dataclasses cost more per run than the whole rest of the page's work.
@st.cache_resource(show_spinner=False, max_entries=4)
def _settings(key: str, _environment: tuple) -> Settings | tuple[Problem, ...]:
    try:
        return load_settings(dict(_environment))
    except SettingsError as exc:
        return exc.problems


_SETTING_VARIABLES = frozenset({SETTINGS_FILE_VARIABLE} | {variable for variable, _ in SETTINGS.values()})


_SETTINGS_SEEN: dict[str, Settings | tuple[Problem, ...]] = {}


def settings_or_problems() -> Settings | tuple[Problem, ...]:
    """The validated settings (read again when the environment or the settings file changes). A plain
    dictionary in front of Streamlit's cache: looked up on every run, where the cache's own bookkeeping cost
    more than the lookup."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k in _SETTING_VARIABLES))
    file = Path(os.environ.get(SETTINGS_FILE_VARIABLE) or DEFAULT_SETTINGS_FILE)
    key = repr((environment, _stat(file)))
    found = _SETTINGS_SEEN.get(key)
    if found is None:
        found = _settings(key, environment)
        if len(_SETTINGS_SEEN) >= 8:
            _SETTINGS_SEEN.clear()  # settings changed many times: start again
        _SETTINGS_SEEN[key] = found
    return found


def settings() -> Settings:
    """The settings (setup_page has already stopped on problems)."""
    loaded = settings_or_problems()
    return loaded if not isinstance(loaded, tuple) else Settings()


def settings_key(configured: Settings) -> str:
    """A short cache key for a settings value."""
    return repr(configured)


def data_dir() -> Path:
    """The content folder from the settings (``EXPLORER_DATA_DIR``), else the project's ``data/``."""
    return settings().data_dir


LIBRARY = Path(explorer.__file__).parent
_LIBRARY_FILES = tuple(sorted(LIBRARY.glob("*.py")))


def _signature(folder: Path) -> str:
    """Changes whenever a content file (or the library reading it) changes, so edits show without a restart."""
    result = []
    for path in [folder / name for name in FILES] + list(_LIBRARY_FILES):
        try:
            stat = path.stat()
            result.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            result.append(f"{path.name}:missing")
    return "|".join(result)


@st.cache_resource(show_spinner=False, max_entries=4)
def _load(folder: str, signature: str) -> Content | tuple[Problem, ...]:
    try:
        return load_content(folder)
    except ContentError as exc:
        return exc.problems


def content_signature() -> str:
    """Changes whenever the content (or the library reading it) changes."""
    return _signature(data_dir())


def content_or_problems() -> Content | tuple[Problem, ...]:
    folder = data_dir()
    return _load(str(folder), _signature(folder))


_PAGE = "hx-page"


def setup_page(page: str) -> Content:
    """Every page starts here: page config, style and kiosk style; then the content. ``page_header`` follows
    with the navigation, the page's title and the kiosk's idle timer (every page but the attract screen).

    Invalid settings or content give a page listing every problem, and the page stops there.
    """
    st.set_page_config(
        page_title=t("Here · moss and city explorer", language()),
        page_icon=PAGE_ICON,
        layout="wide",
        initial_sidebar_state="collapsed",
    )
    inject_style()
    configured = settings_or_problems()
    if isinstance(configured, tuple):
        show_problem_page(configured, t("The explorer's settings need fixing", language()),
                          t("Fix the settings file or the environment variables named below, then restart the "
                            "explorer.", language()))
        st.stop()
    if configured.kiosk:
        st.html(f"<style>{KIOSK_CSS}</style>")
    loaded = content_or_problems()
    if isinstance(loaded, tuple):  # the problems; not isinstance(Content), which a code reload would defeat
        show_problem_page(loaded)
        st.stop()
    st.session_state[_PAGE] = page  # for page_header, which draws the navigation with the page's title
    return loaded


SPOILER_PARAM = "spoilers"


def spoiler_safe() -> bool:
    """Spoiler-safe mode lives in the URL (``?spoilers=hide``), so a shared link keeps it."""
    return st.query_params.get(SPOILER_PARAM) == "hide"


def carried_params() -> dict[str, str]:
    """What every internal link carries along from the current address: spoiler-safe mode and a chosen
    language. Read once for a list of links (each read of the address goes through Streamlit's bookkeeping)."""
    carried = {}
    if spoiler_safe():
        carried[SPOILER_PARAM] = "hide"
    if st.query_params.get(LANGUAGE_PARAM) in LANGUAGES:
        carried[LANGUAGE_PARAM] = st.query_params[LANGUAGE_PARAM]
    return carried


def link_params(carried: dict[str, str] | None = None, /, **params: str) -> dict[str, str]:
    """Query parameters for an internal link, carrying spoiler-safe mode and a chosen language along
    (``carried``: from ``carried_params``, read once for many links)."""
    return {**params, **(carried_params() if carried is None else carried)}


def _set_spoilers(on: object) -> None:
    if on is True:
        st.query_params[SPOILER_PARAM] = "hide"
    elif on is False:
        st.query_params.pop(SPOILER_PARAM, None)


def spoiler_note() -> None:
    """Said wherever scenes are hidden."""
    if spoiler_safe():
        st.info(t("Spoiler-safe: the scenes after Stefan and Shuxiu first meet, and the ending, are hidden. "
                  "Switch it off at the top of the page once you have seen the film.", language()),
                icon=":material/visibility_off:")


NAVIGATION = {  # name: (script, icon); the labels are translated where they are shown
    "map": (MAP_PAGE, "map"),
    "scenes": (SCENES_PAGE, "movie"),
    "moss": (MOSS_PAGE, "grass"),
    "walk": (WALK_PAGE, "directions_walk"),
    "classroom": (CLASSROOM_PAGE, "school"),
    "make": (MAKE_PAGE, "palette"),
    "about": (ABOUT_PAGE, "info"),
}


def page_href(script: str, params: dict[str, str] | None = None) -> str:
    """A page's address relative to any page of the app (Streamlit serves ``pages/walk.py`` as ``walk``), so it
    also works behind a proxy that serves the app under a path of its own."""
    path = "./" if script == MAP_PAGE else Path(script).stem
    return path + ("?" + urlencode(params) if params else "")


_GO = "hx-go"


def _go(name: object) -> None:
    """A page chosen in the navigation; the page itself switches (``navigation``), once its run starts."""
    if isinstance(name, str) and name in NAVIGATION:
        st.session_state[_GO] = name
        st.rerun(scope="app")  # the whole page, also when the link sits in a fragment


def navigation(current: str, after: str = "") -> None:
    """The top navigation bar, the same on every page: the pages, the language and the spoiler-safe switch;
    then ``after`` (the page's title, HTML) in the same element.

    Plain links and buttons (``links.py``), not Streamlit widgets, so the map below starts sooner.
    """
    chosen = st.session_state.pop(_GO, None)
    if chosen in NAVIGATION and chosen != current:
        st.switch_page(NAVIGATION[chosen][0], query_params=link_params() or None)
    lang = language()
    labels = {"map": t("Map", lang), "scenes": t("Scenes", lang), "moss": t("Moss", lang), "walk": t("Walk", lang),
              "classroom": t("Classroom", lang), "make": t("Make", lang), "about": t("About", lang)}
    query = link_params()
    pages = [_page_link(name, labels[name], query, current=name == current) for name in NAVIGATION]
    languages = [choice(f"lang-{code}", code.upper(), event="lang", value=code, pressed=code == lang,
                        title=LANGUAGE_NAMES[code], name=f"{code.upper()} {LANGUAGE_NAMES[code]}", lang=code)
                 for code in LANGUAGES]
    spoilers = switch("spoilers", t("Spoiler-safe", lang), event="spoilers", on=spoiler_safe(),
                      title=None if settings().kiosk else t("Hide the scenes after the first encounter and the "
                                                            "ending, for people who have not seen the film yet.", lang))
    link_bar("hx-nav", [group(pages, css_class="hx-pages"),
                     group(languages, label=t("Language", lang), css_class="hx-languages"),
                     group([spoilers], css_class="hx-switches")],
          on={"go": _go, "lang": _set_language, "spoilers": _set_spoilers}, label=t("Pages", lang), tag="nav",
          kiosk=settings().kiosk, after=after)


def _page_link(name: str, label: str, query: dict[str, str], current: bool = False) -> dict:
    """A link to the page ``name`` of ``NAVIGATION``; a plain click switches pages in the app (``_go``)."""
    script, icon = NAVIGATION[name]
    return link(f"page-{name}", label, page_href(script, query), event="go", value=name, icon=icon, current=current)


def page_links(key: str, pages: list[tuple[str, str]], before: str = "") -> None:
    """Links to other pages of the explorer (name in ``NAVIGATION``, label), drawn as the navigation's, after
    ``before`` (HTML from ``explorer.fragments``) in the same element."""
    query = link_params()
    groups = [group([_page_link(name, label, query) for name, label in pages])] if pages else []
    link_bar(key, groups, on={"go": _go}, css_class="hx-page-links", kiosk=settings().kiosk, before=before)


LANGUAGE_PARAM = "lang"


def language() -> str:
    """The interface language: ``?lang=`` in the URL, else the browser's language, else English."""
    chosen = st.query_params.get(LANGUAGE_PARAM)
    if chosen in LANGUAGES:
        return chosen
    locale = (getattr(st.context, "locale", None) or "").replace("_", "-").split("-")[0].lower()
    return locale if locale in LANGUAGES else DEFAULT_LANGUAGE


def language_note() -> None:
    """A link asking for a language the explorer does not have gets a note, in the language shown instead."""
    chosen = st.query_params.get(LANGUAGE_PARAM)
    if chosen is not None and chosen not in LANGUAGES:
        st.info(t("The language “{value}” is not available; choose English, French or Dutch at the top.",
                  language(), value=_md(chosen[:20])), icon=":material/translate:")


def _set_language(code: object) -> None:
    if isinstance(code, str) and code in LANGUAGES:
        st.query_params[LANGUAGE_PARAM] = code


def show_problem_page(problems: tuple[Problem, ...], title: str = "", advice: str = "") -> None:
    """A clear page listing every problem with the content or the settings, instead of a traceback."""
    lang = language()
    st.title(title or t("The explorer's content needs fixing", lang))
    st.error(
        t("{count} problem(s) were found, so the explorer cannot open. Nothing was changed.", lang, count=len(problems))
        + " " + (advice or t("Fix the files below and reload this page.", lang))
    )
    st.html(
        '<ol class="hx-problems">' + "".join(f"<li><code>{esc(p)}</code></li>" for p in problems) + "</ol>"
    )
    st.caption(t("To check them yourself, run: python -m explorer check {folder}", lang, folder=_md(data_dir())))


def inject_style() -> None:
    """The app's own CSS, on top of the theme in .streamlit/config.toml: already in the page's head when the
    explorer is served by ``serve.py`` (``preload.py``); otherwise (a bare ``streamlit run``, AppTest) here."""
    if not preload.serves_head():
        st.html(f"<style>{APP_CSS}</style>")


def header_html(title: str, lede: str) -> str:
    """A page's title and the sentence under it."""
    return (f'<header class="hx-header" id="hx-top"><p class="hx-kicker">{esc(t("Here · Bas Devos · 2023", language()))}'
            f"</p><h1>{esc(title)}</h1><p>{esc(lede)}</p></header>")


def page_header(title: str, lede: str) -> None:
    """The top of a page (after ``setup_page``): the navigation and the page's title, drawn as one element; a
    note if the link asked for a language the explorer does not have; a kiosk's idle timer."""
    navigation(st.session_state.get(_PAGE, "map"), after=header_html(title, lede))
    language_note()
    if settings().kiosk:
        idle_timer(settings().idle_timeout)



def url_pills(label: str, options: list[str], key: str, format_func) -> list[str]:
    """Multi-select pills whose choice lives in the URL as ids (``?theme=soup&theme=moss``).

    Unknown values in the URL are dropped with a note naming them.
    """
    from explorer.selection import split_known

    if key not in st.session_state:
        known, unknown = split_known(st.query_params.get_all(key), options)
        st.session_state[key] = known
        if unknown:
            st.info(
                t("Ignored in the link: {values} (not a choice for “{label}”).", language(),
                  values=", ".join(f"“{_md(v)}”" for v in unknown), label=label),
                icon=":material/link_off:",
            )
    chosen = st.pills(label, options, selection_mode="multi", key=key, format_func=format_func)
    if chosen:
        st.query_params[key] = chosen
    else:
        st.query_params.pop(key, None)
    return chosen


def scroll_to(element_id: str, block: str = "start") -> None:
    """Scroll the page to an element once it is rendered (for deep links to one scene)."""
    import streamlit.components.v1 as components

    target, where = json.dumps(element_id), json.dumps(block)
    components.html(
        "<script>(function(){let n=0;const doc=window.parent.document;const go=()=>{"
        "const el=doc.getElementById(" + target + ");"
        "if(el){el.scrollIntoView({block:" + where + "});}else if(n++<50){setTimeout(go,100);}};"
        "setTimeout(go,200);})();</script>",
        height=0,
    )


def continue_on_phone(url: str) -> None:
    """Kiosk: a QR code that opens the same place on the visitor's own phone."""
    from explorer.qr import qr_png

    lang = language()
    with st.container(key="hx-qr", horizontal=True, vertical_alignment="center"):
        st.image(qr_png(url), width=150)
        st.markdown(f"**{t('Continue on your phone', lang)}**  \n"
                    + t("Scan the code to take this place with you.", lang))


def idle_timer(seconds: int) -> None:
    """Kiosk: after ``seconds`` without a touch, key or scroll (on the page or in the map), open the attract
    screen. It is a new page load, so the visitor's session and selection are gone."""
    import streamlit.components.v1 as components

    # A component's sandboxed frame may not navigate the page, so it installs the timer in the page itself, once.
    base = "/" + st.get_option("server.baseUrlPath").strip("/")
    attract = (base.rstrip("/") + "/attract") if base != "/" else "/attract"
    main = _IDLE_SCRIPT.replace("TIMEOUT_MS", str(int(seconds * 1000))).replace("ATTRACT_PATH", json.dumps(attract))
    components.html(
        "<script>(function(){const doc=window.parent.document;if(doc.getElementById('hx-idle')){return;}"
        "const s=doc.createElement('script');s.id='hx-idle';s.textContent=" + json.dumps(main) + ";"
        "doc.head.appendChild(s);})();</script>",
        height=0,
    )


_IDLE_SCRIPT = """
(function () {
  const win = window;
  const doc = win.document;
  const state = win.__hxIdle = win.__hxIdle || { last: Date.now() };
  const bump = function () { state.last = Date.now(); };
  const events = ["pointerdown", "pointermove", "keydown", "touchstart", "wheel", "scroll", "input"];
  function watch(d) {
    if (!d || d.__hxIdleWatched) { return; }
    d.__hxIdleWatched = true;
    events.forEach(function (name) { d.addEventListener(name, bump, { capture: true, passive: true }); });
  }
  // no long-press menu: it offers ways out of the kiosk (open in a new tab, search the web)
  doc.addEventListener("contextmenu", function (event) { event.preventDefault(); }, true);
  bump();
  watch(doc);
  setInterval(function () {
    doc.querySelectorAll("iframe").forEach(function (frame) {
      try { watch(frame.contentDocument); } catch (error) { /* another origin: not ours */ }
    });
    // replace, not assign: the next visitor cannot go back to the previous visitor's page
    if (Date.now() - state.last > TIMEOUT_MS) { win.location.replace(ATTRACT_PATH); }
  }, 500);
})();
"""




def url_choice(label: str, options: list[str], key: str, format_func, default: str) -> str:
    """A single choice kept in the URL as an id (``?age=14-18``); an unknown value falls back with a note."""
    if key not in st.session_state:
        value = st.query_params.get(key)
        if value is not None and value not in options:
            st.info(t("Ignored in the link: “{value}” is not a choice for “{label}”.", language(),
                      value=_md(value[:40]), label=label), icon=":material/link_off:")
        st.session_state[key] = value if value in options else default
    chosen = st.segmented_control(label, options, key=key, format_func=format_func, required=True)
    st.query_params[key] = chosen or default
    return chosen or default


def handout_bytes(age: str, scene_ids: tuple[str, ...], language: str) -> bytes:
    """The classroom handout PDF for an age band and scenes (cached: teachers often pick the same)."""
    return _handout_bytes(age, scene_ids, language, _signature(data_dir()))


@st.cache_data(show_spinner=False, max_entries=64)
def _handout_bytes(age: str, scene_ids: tuple[str, ...], language: str, signature: str) -> bytes:
    from explorer.handout import handout_pdf

    loaded = content_or_problems()
    return handout_pdf(loaded, age, [loaded.scene(i) for i in scene_ids], language)
