"""Serves ``bench/map_only.py`` (the map alone) as ``serve.py`` serves the explorer: ``streamlit run bench/serve_map_only.py``."""

import streamlit as st
from starlette.middleware import Middleware

from explorer_app import tuning
from explorer_app.assets import asset_routes
from explorer_app.preload import PreloadMiddleware

tuning.apply()
app = st.App("map_only.py", routes=asset_routes(), middleware=[Middleware(PreloadMiddleware)])
