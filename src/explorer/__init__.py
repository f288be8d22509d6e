"""The *Here* moss-and-city explorer: content, validation and map building.

This package never imports Streamlit; the UI layer lives in ``explorer_app``.
"""

from explorer.errors import ContentError, ExplorerError, Problem
from explorer.loader import DEFAULT_DATA_DIR, load_content

__all__ = ["DEFAULT_DATA_DIR", "ContentError", "ExplorerError", "Problem", "load_content"]
