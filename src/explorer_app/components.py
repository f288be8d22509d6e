"""The explorer's Streamlit v2 components (``page``, ``links``, ``leaflet_map``) and what they report.

Each is registered with a two-line loader that imports its code from the explorer's own route
(``assets.component_loader``). A component reports an event with ``setTriggerValue(event, value)``; Streamlit
calls the ``on_<event>_change`` callback given at mount, where ``reported`` reads the value from
``st.session_state[key]`` (components v2: trigger values are shown there for a keyed component during the
rerun they cause). Every reported value comes from a browser and is checked by its caller before use.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from explorer_app.assets import component_loader


def register(name: str, *, isolate_styles: bool = True):
    """The mount function of the explorer's component ``name`` (its code is ``explorer_app/NAME.js``)."""
    return st.components.v2.component(f"explorer_{name}", js=component_loader(name), isolate_styles=isolate_styles)


def reported(key: str, event: str) -> object:
    """The value the component with ``key`` reported for ``event``, in that event's callback (None if none)."""
    state = st.session_state.get(key)
    return state.get(event) if isinstance(state, Mapping) else None
