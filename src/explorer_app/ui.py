"""Shared page chrome: cached content, styles, and the widgets every page uses."""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

import explorer
from explorer.errors import ContentError, Problem
from explorer.fragments import PALETTE, SYMBOL_CSS, esc
from explorer.fragments import md as _md
from explorer.i18n import LANGUAGE_NAMES, LANGUAGES, t
from explorer.loader import FILES, load_content
from explorer.model import DEFAULT_LANGUAGE, Content
from explorer.settings import DEFAULT_SETTINGS_FILE, SETTINGS, SETTINGS_FILE_VARIABLE, Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
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


def settings_or_problems() -> Settings | tuple[Problem, ...]:
    """The validated settings (read again when the environment or the settings file changes)."""
    environment = tuple(sorted((k, v) for k, v in os.environ.items() if k in _SETTING_VARIABLES))
    file = Path(os.environ.get(SETTINGS_FILE_VARIABLE) or DEFAULT_SETTINGS_FILE)
    return _settings(repr((environment, _stat(file))), environment)


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


def setup_page(page: str) -> Content:
    """Every page starts here: page config, style, navigation, kiosk behaviour; then the content.

    Invalid settings or content give a page listing every problem, and the page stops there.
    """
    st.set_page_config(
        page_title=t("Here · moss and city explorer", language()),
        page_icon=str(ROOT / "assets" / "icon.png"),
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
        st.html(f"<style>{_KIOSK_CSS}</style>")
    loaded = content_or_problems()
    if isinstance(loaded, tuple):  # the problems; not isinstance(Content), which a code reload would defeat
        show_problem_page(loaded)
        st.stop()
    if page != "attract":
        navigation(page)
        language_note()
        if configured.kiosk:
            idle_timer(configured.idle_timeout)
    return loaded


SPOILER_PARAM = "spoilers"


def spoiler_safe() -> bool:
    """Spoiler-safe mode lives in the URL (``?spoilers=hide``), so a shared link keeps it."""
    return st.query_params.get(SPOILER_PARAM) == "hide"


def link_params(**params: str) -> dict[str, str]:
    """Query parameters for an internal link, carrying spoiler-safe mode and a chosen language along."""
    if spoiler_safe():
        params[SPOILER_PARAM] = "hide"
    if st.query_params.get(LANGUAGE_PARAM) in LANGUAGES:
        params[LANGUAGE_PARAM] = st.query_params[LANGUAGE_PARAM]
    return params


def _toggle_spoilers() -> None:
    if st.session_state.get("hx-spoiler-toggle"):
        st.query_params[SPOILER_PARAM] = "hide"
    else:
        st.query_params.pop(SPOILER_PARAM, None)


def spoiler_note() -> None:
    """Said wherever scenes are hidden."""
    if spoiler_safe():
        st.info(t("Spoiler-safe: the scenes after Stefan and Shuxiu first meet, and the ending, are hidden. "
                  "Switch it off at the top of the page once you have seen the film.", language()),
                icon=":material/visibility_off:")


def navigation(current: str) -> None:
    """The top navigation bar, the same on every page, with the spoiler-safe switch."""
    lang = language()
    items = [
        ("map", MAP_PAGE, t("Map", lang), ":material/map:"),
        ("scenes", SCENES_PAGE, t("Scenes", lang), ":material/movie:"),
        ("moss", MOSS_PAGE, t("Moss", lang), ":material/grass:"),
        ("walk", WALK_PAGE, t("Walk", lang), ":material/directions_walk:"),
        ("classroom", CLASSROOM_PAGE, t("Classroom", lang), ":material/school:"),
        ("make", MAKE_PAGE, t("Make", lang), ":material/palette:"),
        ("about", ABOUT_PAGE, t("About", lang), ":material/info:"),
    ]
    query = link_params()
    with st.container(horizontal=True, key="hx-nav", gap="small", vertical_alignment="center"):
        for name, path, label, icon in items:
            st.page_link(path, label=label, icon=icon, disabled=name == current, query_params=query or None)
        st.session_state["hx-spoiler-toggle"] = spoiler_safe()
        language_switch()
        st.toggle(t("Spoiler-safe", lang), key="hx-spoiler-toggle", on_change=_toggle_spoilers,
                  help=None if settings().kiosk else t("Hide the scenes after the first encounter and the ending, "
                                                        "for people who have not seen the film yet.", lang))


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


def _set_language(code: str) -> None:
    st.query_params[LANGUAGE_PARAM] = code


def language_switch() -> None:
    """EN / FR / NL, kept in the URL so a link or QR code opens the same language. A kiosk gets big buttons."""
    current = language()
    if settings().kiosk:
        with st.container(horizontal=True, key="hx-lang-buttons", gap="small"):
            for code in LANGUAGES:
                st.button(code.upper(), key=f"hx-lang-{code}", type="primary" if code == current else "secondary",
                          on_click=_set_language, args=(code,), help=LANGUAGE_NAMES[code])
        return
    st.session_state["hx-lang"] = current
    st.segmented_control(t("Language", current), list(LANGUAGES), key="hx-lang", format_func=str.upper,
                         label_visibility="collapsed", required=True,
                         on_change=lambda: _set_language(st.session_state["hx-lang"] or current))


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
    """The app's own CSS, on top of the theme in .streamlit/config.toml."""
    st.html(f"<style>{SYMBOL_CSS}{_CSS}</style>")


def page_header(title: str, lede: str) -> None:
    st.html(
        f'<header class="hx-header" id="hx-top"><p class="hx-kicker">{esc(t("Here · Bas Devos · 2023", language()))}</p>'
        f"<h1>{esc(title)}</h1><p>{esc(lede)}</p></header>"
    )


P = PALETTE
_CSS = f"""
.block-container {{ padding-top: 1.2rem; max-width: 1320px; }}
header[data-testid="stHeader"] {{ display: none; }}
.st-key-hx-nav {{ border-bottom: 1px solid {P['concrete_light']}; padding-bottom: .3rem; margin-bottom: .4rem; }}
.st-key-hx-nav a[data-testid="stPageLink-NavLink"][disabled] {{ background: {P['moss_light']}; opacity: 1;
  pointer-events: none; }}
.st-key-hx-nav a[data-testid="stPageLink-NavLink"][disabled] * {{ color: {P['moss_dark']} !important; opacity: 1;
  font-weight: 600; }}
.hx-header h1 {{ font-size: 2.1rem; line-height: 1.15; margin: 0 0 .35rem; color: {P['moss_dark']};
  font-family: Georgia, 'DejaVu Serif', serif; font-weight: 600; }}
.hx-header p {{ margin: 0 0 .4rem; font-size: 1.05rem; max-width: 46rem; color: {P['ink']}; }}
.hx-header .hx-kicker {{ text-transform: uppercase; letter-spacing: .12em; font-size: .75rem; color: {P['concrete']};
  margin-bottom: .2rem; }}
.hx-place-name {{ font-family: Georgia, 'DejaVu Serif', serif; color: {P['moss_dark']}; font-size: 1.7rem;
  margin: .3rem 0 .4rem; padding: 0; line-height: 1.2; }}
.hx-lede {{ font-size: 1.05rem; }}
.hx-chip {{ display: inline-block; font-size: .78rem; padding: .08rem .55rem; margin: 0 .3rem .3rem 0;
  border-radius: 999px; background: {P['concrete_light']}; color: {P['ink']}; }}
.hx-kind-green, .hx-time-day {{ background: {P['moss_light']}; color: {P['moss_dark']}; }}
.hx-time-dusk {{ background: #efe0c8; color: #5a4220; }}
.hx-time-night {{ background: #2d3142; color: #eef0f6; }}
.hx-kind-city {{ background: {P['concrete_light']}; }}
.hx-prov {{ border-left: 4px solid {P['concrete']}; background: #fff; padding: .6rem .9rem; margin: .6rem 0 1rem;
  border-radius: 0 8px 8px 0; font-size: .95rem; }}
.hx-prov-documented {{ border-color: {P['moss_dark']}; }}
.hx-prov-illustrative {{ border-left-style: dotted; }}
.hx-prov-commune {{ border-left-style: dashed; }}
.hx-prov p {{ margin: .25rem 0; }} .hx-prov ul {{ margin: .1rem 0 .2rem 1.1rem; }}
.hx-prov-head {{ display: flex; align-items: center; gap: .5rem; }}
.hx-scene, .hx-fact, .hx-term, .hx-activity {{ padding: .1rem 0 .2rem; }}
.hx-term p, .hx-activity p {{ margin: .3rem 0; }}
.hx-questions li {{ margin: .35rem 0; }}
.hx-scene h4, .hx-fact h4, .hx-term h4, .hx-activity h4 {{ margin: .1rem 0 .35rem; padding: 0; font-size: 1.08rem; display: flex;
  align-items: baseline; gap: .5rem; }}
.hx-num {{ display: inline-flex; min-width: 1.7rem; height: 1.7rem; align-items: center; justify-content: center;
  border-radius: 50%; background: {P['moss']}; color: #fff; font-size: .85rem; font-weight: 700; }}
.hx-selected .hx-num {{ background: {P['moss_dark']}; box-shadow: 0 0 0 3px {P['moss_light']}; }}
[class*="st-key-scene-"]:has(.hx-selected), [class*="st-key-panel-scene-"]:has(.hx-selected) {{
  border: 2px solid {P['moss']}; background: #fff; scroll-margin-top: 1rem; }}
.hx-sources a, .hx-prov a {{ color: {P['moss_dark']}; }}
.hx-scene p, .hx-fact p {{ margin: .3rem 0; }}
.hx-who {{ color: {P['concrete']}; font-size: .92rem; }}
.hx-quote {{ margin: .6rem 0 .5rem; padding: .5rem .9rem; border-left: 4px solid {P['moss']};
  background: {P['moss_light']}55; border-radius: 0 8px 8px 0; }}
.hx-quote blockquote {{ margin: 0; font-family: Georgia, 'DejaVu Serif', serif; font-size: 1.08rem; font-style: italic;
  color: {P['moss_dark']}; }}
.hx-quote blockquote::before {{ content: "\\201C"; }} .hx-quote blockquote::after {{ content: "\\201D"; }}
.hx-translation {{ margin: .3rem 0 0; font-size: .95rem; color: {P['ink']}; }}
.hx-quote figcaption {{ font-size: .82rem; color: {P['concrete']}; margin-top: .25rem; }}
.hx-species {{ color: {P['moss_dark']}; }}
.hx-src {{ font-size: .82rem; color: {P['concrete']}; }}
.hx-legend {{ display: flex; flex-wrap: wrap; gap: .3rem 2rem; font-size: .88rem; margin: .2rem 0 .6rem; }}
.hx-legend p {{ margin: 0; font-weight: 600; font-size: .78rem; text-transform: uppercase; letter-spacing: .08em;
  color: {P['concrete']}; }}
.hx-legend ul {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .1rem 1rem; }}
.hx-legend li {{ display: flex; align-items: center; gap: .35rem; margin: 0; }}
.hx-facts {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }}
.hx-facts dt {{ font-weight: 600; }} .hx-facts dd {{ margin: 0; }}
.hx-sources li {{ margin: .3rem 0; }}
.hx-problems code {{ white-space: pre-wrap; }}
.hx-intro-steps {{ padding-left: 1.2rem; }} .hx-intro-steps li {{ margin: .25rem 0; }}
.hx-section h3 {{ font-size: 1.45rem; font-weight: 600; margin: 1rem 0 .6rem; padding: 0; color: {P['ink']}; }}
.hx-none {{ color: {P['concrete']}; font-size: .9rem; }}
.hx-card {{ border: 1px solid {P['concrete_light']}; border-radius: .5rem; padding: .9rem 1rem; margin: 0 0 .8rem; }}
.hx-card-top {{ margin: 0 0 -.6rem; border-bottom-left-radius: 0; border-bottom-right-radius: 0; }}
.hx-card:has(.hx-selected) {{ border: 2px solid {P['moss']}; background: #fff; scroll-margin-top: 1rem; }}
.hx-strip {{ display: flex; align-items: center; gap: .7rem; padding: .55rem .8rem; margin: .2rem 0 .4rem;
  background: #fff; border: 1px solid {P['moss_light']}; border-left: 4px solid {P['moss']}; border-radius: 8px;
  color: {P['ink']} !important; text-decoration: none !important; }}
.hx-strip small {{ color: {P['concrete']}; }}
.hx-strip-go {{ margin-left: auto; font-size: 1.3rem; color: {P['moss']}; }}
@media (min-width: 641px) {{ .hx-strip {{ display: none; }} }}
@media (max-width: 640px) {{
  .block-container {{ padding: .8rem .9rem 2rem; }}
  .hx-header h1 {{ font-size: 1.6rem; }}
  .hx-place-name {{ font-size: 1.4rem; }}
}}
"""


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

_KIOSK_CSS = f"""
html {{ font-size: 18px; }}
@media (orientation: portrait) {{
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]) {{ flex-direction: column; }}
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{ width: 100% !important; flex: 1 1 auto !important; }}
}}
.block-container {{ max-width: none; padding-left: 3vw; padding-right: 3vw; }}
html, body {{ overscroll-behavior-x: none; }}  /* no swipe back to the previous visitor */
button, a[data-testid="stPageLink-NavLink"], [data-testid="stExpander"] summary, [role="tab"],
[data-baseweb="select"] > div, [data-testid="stToggle"] label {{ min-height: 48px !important; min-width: 48px !important; }}
[data-testid="stToggle"] label {{ display: flex; align-items: center; }}
[data-testid="stElementToolbar"], [data-testid="stHeaderActionElements"] {{ display: none !important; }}
.st-key-hx-nav a[data-testid="stPageLink-NavLink"] {{ padding: 0 1.1rem; font-size: 1.1rem; }}
.st-key-hx-qr {{ background: #fff; border-radius: 10px; padding: .8rem 1rem; border: 1px solid {PALETTE['moss_light']}; }}
"""

ATTRACT_CSS = f"""
.block-container {{ padding: 0 !important; max-width: none !important; }}
[data-testid="stAppViewContainer"], [data-testid="stMain"] {{ background: {PALETTE['moss_dark']}; }}
.hx-attract {{ position: fixed; inset: 0; z-index: 999; display: flex; flex-direction: column; justify-content: space-between;
  padding: 6vh 7vw; background: radial-gradient(circle at 80% 20%, #3e5a2b 0%, {PALETTE['moss_dark']} 55%, #1f2d15 100%);
  color: {PALETTE['paper']} !important; text-decoration: none !important; cursor: pointer; }}
.hx-attract::after {{ content: ""; position: absolute; right: -12vmin; bottom: -12vmin; width: 70vmin; height: 70vmin;
  border-radius: 50%; border: 3px solid rgba(223, 232, 207, .18); pointer-events: none;
  background: radial-gradient(circle, rgba(223, 232, 207, .16) 2px, transparent 3px) 0 0 / 22px 22px; }}
.hx-attract::before {{ content: ""; position: absolute; right: 14vmin; bottom: 14vmin; width: 18vmin; height: 18vmin;
  border-radius: 50%; border: 2px solid rgba(223, 232, 207, .25); pointer-events: none; }}
.hx-attract-head p {{ text-transform: uppercase; letter-spacing: .2em; font-size: max(14px, 1.3vmin); margin: 0;
  color: {PALETTE['moss_light']}; }}
.hx-attract-head h1 {{ font-family: Georgia, 'DejaVu Serif', serif; font-size: max(34px, 6vmin); margin: .3em 0 0;
  color: {PALETTE['paper']}; line-height: 1.1; padding: 0; }}
.hx-slides {{ position: relative; flex: 1; margin: 4vh 0; }}
.hx-slide {{ position: absolute; inset: 0; opacity: 0; display: flex; flex-direction: column; justify-content: center;
  max-width: 70rem; }}
.hx-slide-kicker {{ color: {PALETTE['moss_light']}; font-size: max(16px, 2vmin); letter-spacing: .08em; margin: 0; }}
.hx-slide h2 {{ font-family: Georgia, 'DejaVu Serif', serif; font-size: max(30px, 5.2vmin); color: #fff; margin: .3em 0;
  line-height: 1.15; padding: 0; }}
.hx-slide p {{ font-size: max(18px, 2.6vmin); line-height: 1.45; margin: 0; color: {PALETTE['paper']}; }}
.hx-slide blockquote {{ font-family: Georgia, 'DejaVu Serif', serif; font-style: italic; font-size: max(20px, 3vmin);
  color: {PALETTE['moss_light']}; margin: 1em 0 0; padding-left: 1em; border-left: 4px solid {PALETTE['moss']}; }}
.hx-slide blockquote::before {{ content: "\\201C"; }} .hx-slide blockquote::after {{ content: "\\201D"; }}
.hx-attract-call {{ align-self: center; font-size: max(20px, 2.8vmin); margin: 0; padding: .6em 1.6em; border-radius: 999px;
  border: 2px solid {PALETTE['moss_light']}; color: #fff; animation: hx-pulse 2.4s ease-in-out infinite; }}
@keyframes hx-pulse {{ 0%, 100% {{ opacity: .65; }} 50% {{ opacity: 1; }} }}
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
