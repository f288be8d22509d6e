"""The live page's push: a Streamlit v2 component (``livepush.js``) that draws nothing and reruns its fragment
when the room changes, so the projector and the controls no longer read the database twice a second.

From an answer to the projector:
1. ``LiveStore.answer`` commits and announces ``<code> answers`` (``store.notifier``; on PostgreSQL through
   NOTIFY, heard by every replica); the server's ``/live/events`` route streams it as ``event: answers``.
2. ``livepush.js`` holds an ``EventSource`` on that route and calls ``setTriggerValue("event", kind)``, at most
   once per ``COALESCE`` seconds however many answers arrive;
3. the trigger reruns the fragment it is mounted in (the board, the approvals), which reads the tallies again.

Streaming can break (a proxy that buffers, a network that cuts long requests): the component then reports the
state value ``streaming`` false, and the page polls every ``PROJECTOR_POLL`` seconds again until it is back.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from explorer_app.components import register

_component = register("livepush")
COALESCE = 0.4  # seconds: at most one rerun per this long, however many answers arrive (a full hall's burst)
ERRORS = 3  # failed connections in a row before the page falls back to polling
SAFETY_NET = 10.0  # seconds between two reads while streaming works: an event lost on the way is caught up
EVENTS = "/live/events"  # the server's stream of a session's changes (explorer_app/server.py)


def events_path(code: str, *, screen: str = "", key: str = "") -> str:
    """The address of a session's stream, read with the projector's screen key or the presenter's key, under the
    server's base path when it has one."""
    base = st.get_option("server.baseUrlPath").strip("/")
    query = {"code": code, **({"screen": screen} if screen else {"key": key})}
    return f"{'/' + base if base else ''}{EVENTS}?{urlencode(query)}"


def streaming(key: str) -> bool:
    """Whether the component ``key`` holds a working stream (as its last report says): False before its first
    report, so a browser whose script never runs goes on polling."""
    state = st.session_state.get(key)
    return isinstance(state, Mapping) and state.get("streaming") is True


def live_push(*, key: str, address: str) -> bool:
    """Mount the push component for the stream at ``address`` (``events_path``) inside the calling fragment, which
    then reruns when the session changes; returns whether streaming works in that browser."""
    _component(
        key=key,
        data={"url": address, "coalesce_ms": int(COALESCE * 1000), "errors": ERRORS},
        height=0,
        on_event_change=lambda: None,
        on_streaming_change=lambda: None,
    )
    return streaming(key)
