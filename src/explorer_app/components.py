"""The explorer's Streamlit v2 components (``page``, ``links``, ``leaflet_map``) and what they report.

Each is registered with a two-line loader that imports its code from the explorer's own route
(``assets.component_loader``). A component reports an event with ``setTriggerValue(event, value)``; Streamlit
calls the ``on_<event>_change`` callback given at mount, where ``reported`` reads the value from
``st.session_state[key]`` (components v2: trigger values are shown there for a keyed component during the
rerun they cause). Every reported value comes from a browser and is checked by its caller before use.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import streamlit as st

from explorer_app.assets import component_loader


def register(name: str, *, isolate_styles: bool = True):
    """The mount function of the explorer's component ``name`` (its code is ``explorer_app/NAME.js``)."""
    return st.components.v2.component(f"explorer_{name}", js=component_loader(name), isolate_styles=isolate_styles)


_LOG = logging.getLogger("explorer")


def reported(key: str, event: str) -> object:
    """The value the component with ``key`` reported for ``event``, in that event's callback.

    Streamlit calls the callback because the event arrived, so its absence means this way of reading it no
    longer works (a Streamlit upgrade): that is logged, never passed over in silence. The browser tests tap the
    map and the links through it."""
    state = st.session_state.get(key)
    if not isinstance(state, Mapping) or event not in state:
        _LOG.warning("component %r reported %r, but st.session_state[%r] does not show it (%r)", key, event, key, type(state).__name__)
        return None
    return state[event]
