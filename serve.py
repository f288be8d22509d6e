"""Start the explorer with its local asset routes: ``streamlit run serve.py``.

Streamlit runs ``app.py`` as the app; this file adds the routes that serve Leaflet from the installed
XStatic-Leaflet package, so the map needs no CDN.
"""

import streamlit as st

from explorer_app.assets import asset_routes

app = st.App("app.py", routes=asset_routes())
