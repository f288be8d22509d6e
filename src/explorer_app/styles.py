"""The explorer's own styles, on top of Streamlit's theme (``.streamlit/config.toml``).

``APP_CSS`` is served as a stylesheet at the end of every page (``preload.py``), so it loads with the page and
stays in the browser's cache, instead of arriving with every page's content; ``KIOSK_CSS`` adds the kiosk's
larger touch targets (sent with the page's content, so its rules that override ``APP_CSS`` start with ``:root``
to win whichever comes last); ``ATTRACT_CSS`` is the kiosk's attract screen; ``UNDER_MAP_CSS`` styles what the
map's component draws under the map (the legend, the selected place's summary), in its own shadow root.
"""

from explorer.fragments import PALETTE, SYMBOL_CSS

P = PALETTE
_PAGE_CSS = f"""
.block-container {{ padding-top: 1.2rem; max-width: 1320px; }}
header[data-testid="stHeader"] {{ display: none; }}
.st-key-hx-nav nav {{ border-bottom: 1px solid {P['concrete_light']}; padding-bottom: .3rem; margin-bottom: 1.4rem; }}
.hx-links {{ display: flex; flex-wrap: wrap; align-items: center; gap: .3rem 1rem; }}
.hx-links ul {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: center;
  gap: .2rem; }}
.hx-links li {{ margin: 0; padding: 0; }}
.hx-links a, .hx-links button {{ display: inline-flex; align-items: center; gap: .4rem; box-sizing: border-box;
  min-height: 2.4rem; padding: .25rem .7rem; border-radius: .5rem; border: 1px solid transparent; background: none;
  color: {P['ink']}; font: inherit; font-size: .95rem; line-height: 1.2; text-decoration: none; cursor: pointer; }}
.hx-links a:hover, .hx-links button:hover {{ background: {P['concrete_light']}88; color: {P['moss_dark']}; }}
.hx-links a:focus-visible, .hx-links button:focus-visible {{ outline: 3px solid {P['moss']}; outline-offset: 1px; }}
.hx-pages a[aria-current] {{ background: {P['moss_light']}; color: {P['moss_dark']}; font-weight: 600; }}
.hx-icon {{ font-family: 'Material Symbols Rounded'; font-weight: normal; font-style: normal; font-size: 1.25rem;
  line-height: 1; width: 1.25rem; overflow: hidden; white-space: nowrap; letter-spacing: normal; text-transform: none;
  font-feature-settings: 'liga'; -webkit-font-smoothing: antialiased; color: {P['concrete']}; }}
.hx-pages a[aria-current] .hx-icon {{ color: {P['moss_dark']}; }}
.hx-links .hx-languages {{ gap: 0; border: 1px solid {P['concrete_light']}; border-radius: .5rem; overflow: hidden; }}
.hx-languages button {{ border-radius: 0; padding: .25rem .75rem; font-weight: 600; font-size: .85rem;
  letter-spacing: .04em; }}
.hx-languages button[aria-pressed="true"] {{ background: {P['moss_dark']}; color: #fff; }}
.hx-switch {{ position: relative; flex: none; width: 2.1rem; height: 1.2rem; border-radius: 999px;
  background: {P['concrete']}; transition: background .15s; }}
.hx-switch::after {{ content: ""; position: absolute; top: .15rem; left: .15rem; width: .9rem; height: .9rem;
  border-radius: 50%; background: #fff; transition: left .15s; }}
[aria-checked="true"] > .hx-switch {{ background: {P['moss']}; }}
[aria-checked="true"] > .hx-switch::after {{ left: 1.05rem; }}
.hx-places ul {{ gap: .45rem; }}
.hx-places a {{ border: 1px solid {P['concrete_light']}; border-radius: 999px; background: #fff;
  padding: .3rem .85rem .3rem .45rem; }}
.hx-places a[aria-current] {{ border-color: {P['moss_dark']}; background: {P['moss_light']}; color: {P['moss_dark']};
  font-weight: 600; }}
.hx-places .hx-sym {{ width: 18px; height: 18px; border-width: 2px; }}
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
@media (max-width: 640px) {{
  .block-container {{ padding: .8rem .9rem 2rem; }}
  .hx-header h1 {{ font-size: 1.6rem; }}
  .hx-place-name {{ font-size: 1.4rem; }}
}}
"""

# The map page's explorer (its fragment's block): on a wider screen a grid, the map in the first column and the
# place panel (app.PANEL_KEY) beside it, everything else (notes, the place list) across both; on a phone the
# block's own order: notes, map, panel, list.
_EXPLORER = '[data-testid="stVerticalBlock"]:has(> .st-key-place_map)'
_PANEL = '.st-key-place-panel, [data-testid="stLayoutWrapper"]:has(> .st-key-place-panel)'
EXPLORER_CSS = f"""
@media (min-width: 641px) {{
  {_EXPLORER} {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); column-gap: 4rem;
    align-items: start; }}
  {_EXPLORER} > * {{ grid-column: 1 / -1; }}
  {_EXPLORER} > .st-key-place_map {{ grid-column: 1; }}
  {_EXPLORER} > :is({_PANEL}) {{ grid-column: 2; }}
}}
"""

APP_CSS = SYMBOL_CSS + _PAGE_CSS + EXPLORER_CSS

# What the map's component draws under the map, in its own shadow root: the selected place's summary (phones
# only) and the legend (explorer_app/mapcomponent.py).
UNDER_MAP_CSS = SYMBOL_CSS + f"""
.hx-strip {{ display: flex; align-items: center; gap: .7rem; padding: .55rem .8rem; margin: .5rem 0 .4rem;
  background: #fff; border: 1px solid {P['moss_light']}; border-left: 4px solid {P['moss']}; border-radius: 8px;
  color: {P['ink']} !important; text-decoration: none !important; }}
.hx-strip small {{ color: {P['concrete']}; }}
.hx-strip-go {{ margin-left: auto; font-size: 1.3rem; color: {P['moss']}; }}
.hx-strip {{ -webkit-user-drag: none; -webkit-touch-callout: none; }}  /* an in-page link: nothing to drag out */
@media (min-width: 641px) {{ .hx-strip {{ display: none; }} }}
.hx-legend {{ display: flex; flex-wrap: wrap; gap: .3rem 2rem; font-size: .95rem; margin: .6rem 0 .6rem; }}
.hx-legend p {{ margin: 0; font-weight: 600; font-size: .78rem; text-transform: uppercase; letter-spacing: .08em;
  color: {P['concrete']}; }}
.hx-legend ul {{ list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .1rem 1rem; }}
.hx-legend li {{ display: flex; align-items: center; gap: .35rem; margin: 0; }}
"""

KIOSK_CSS = f"""
html {{ font-size: 18px; }}
@media (orientation: portrait) {{
  :root {_EXPLORER} {{ display: flex; }}  /* a portrait screen: the panel under the map, as on a phone */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"]) {{ flex-direction: column; }}
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] {{ width: 100% !important; flex: 1 1 auto !important; }}
}}
:root .block-container {{ max-width: none; padding-left: 3vw; padding-right: 3vw; }}
html, body {{ overscroll-behavior-x: none; }}  /* no swipe back to the previous visitor */
button, a[data-testid="stPageLink-NavLink"], .hx-links a, [data-testid="stExpander"] summary, [role="tab"],
[data-baseweb="select"] > div, [data-testid="stToggle"] label {{ min-height: 48px !important; min-width: 48px !important; }}
[data-testid="stToggle"] label {{ display: flex; align-items: center; }}
[data-testid="stElementToolbar"], [data-testid="stHeaderActionElements"] {{ display: none !important; }}
:root .hx-pages a {{ padding: 0 1.1rem; font-size: 1.1rem; }}
:root .hx-languages button {{ padding: 0 1rem; font-size: 1rem; }}
/* no dragging a link out, no long-press callout: ways out of the kiosk */
:root .hx-links a {{ -webkit-touch-callout: none; -webkit-user-drag: none; user-select: none; }}
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
