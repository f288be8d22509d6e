"""Serves ``bench/map_only.py`` (the map alone) as ``serve.py`` serves the explorer: ``streamlit run bench/serve_map_only.py``."""

import streamlit as st

from explorer_app import preload, tuning
from explorer_app.assets import asset_routes
from explorer_app.triggers import code_routes

tuning.apply()
app = st.App("map_only.py", routes=[*asset_routes(), *code_routes(), preload.style_route()],
             middleware=preload.middleware(pages=()))  # its only page is the map
