"""Start the explorer with its local asset routes: ``streamlit run serve.py``.

Streamlit runs ``app.py`` as the app; this file adds the routes that serve Leaflet from the installed
XStatic-Leaflet package (so the map needs no CDN) and the explorer's stylesheet, puts both in every page's head
with hints for what the page will load next (``explorer_app/preload.py``), and tunes how the websocket sends (Nagle's algorithm off,
a shorter flush interval; see ``explorer_app/tuning.py``): together 45 to 85 ms saved on every interaction.
"""

from pathlib import Path

import streamlit as st

from explorer.settings import SettingsError, load_settings
from explorer_app import preload, tuning
from explorer_app.assets import asset_routes
from explorer_app.triggers import code_routes

tuning.apply()
try:  # a kiosk's map page also draws HTML (its styles): it gets the full preload hints
    kiosk = load_settings().kiosk
except (SettingsError, OSError):
    kiosk = False  # the app shows the settings' problems itself
app = st.App("app.py", routes=[*asset_routes(), *code_routes(), preload.style_route()],
             middleware=preload.middleware(pages=[page.stem for page in (Path(__file__).parent / "pages").glob("*.py")],
                                           light_first_view=not kiosk))
