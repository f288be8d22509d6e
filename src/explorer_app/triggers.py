"""What the explorer's Streamlit v2 components share: their browser code, and reading what they report (their
trigger values: a tapped marker, a chosen link)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit.runtime.state import get_session_state
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

_COMMENT_LINE = re.compile(r"^\s*//.*\n", re.MULTILINE)


def component_js(path: Path) -> str:
    """A component's browser code without its comment lines: Streamlit sends the code with every run of the
    component and hashes it in the browser each time it draws it, so the comments would cost on every run."""
    return _COMMENT_LINE.sub("", path.read_text(encoding="utf-8"))


def trigger_value(key: str, event: str) -> object:
    """A v2 component's trigger value, read in its ``on_<event>_change`` callback.

    ``st.session_state[key]`` shows trigger values only on top of the component's state, which a session does
    not always have yet (our components keep no state), so the event is also looked up where Streamlit keeps
    it: the component's trigger widget, whose id is derived from the component's.
    """
    shown = st.session_state.get(key)
    if isinstance(shown, Mapping) and shown.get(event) is not None:
        return shown.get(event)
    try:
        state = get_session_state()._state
        widget_id = state._key_id_mapper.get_id_from_key(key)
        payloads = state._new_widget_state[f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{widget_id}__events"] or []
    except (AttributeError, KeyError, TypeError):
        return None
    found = [p.get("value") for p in payloads if isinstance(p, Mapping) and p.get("event") == event]
    return found[-1] if found else None
