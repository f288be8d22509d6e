"""A page with nothing but the explorer's map, for benchmark (a): how long the map component alone takes.

Served by ``bench/serve_map_only.py`` (same assets and tuning as ``serve.py``).
"""

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from explorer_app import ui  # noqa: E402
from explorer_app.mapcomponent import place_map  # noqa: E402

st.set_page_config(layout="wide")
content = ui.content_or_problems()
settings = ui.settings()
place_map(content, ui.content_signature(), "en", settings, ui.settings_key(settings), key="place_map", height=500,
          selected=None, center=None, on_click=lambda place_id: None)
