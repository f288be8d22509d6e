"""What the explorer's Streamlit v2 components share: their browser code, and reading what they report (their
trigger values: a tapped marker, a chosen link)."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from starlette.responses import Response
from starlette.routing import Route
from streamlit.runtime.state import get_session_state
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX

from explorer_app.compression import IMMUTABLE, respond

_COMMENT_LINE = re.compile(r"^\s*//.*\n", re.MULTILINE)


def component_js(path: Path) -> str:
    """A component's browser code without its comment lines (they stay in the source file)."""
    return _COMMENT_LINE.sub("", path.read_text(encoding="utf-8"))


CODE_BASE = "/explorer-assets/components"
CODE_DIR = Path(__file__).parent  # links.js, leaflet_map.js


@dataclass(frozen=True)
class ComponentCode:
    """A component's browser code (``source``) and where the explorer's server serves it (``path``, a name that
    changes with the code, so a browser may keep it a year).

    Streamlit sends a component's code with every run of it and hashes it in the browser each time it is drawn:
    6 KB each for the map, the navigation, the panel's top and the place list. Registered as ``loader`` instead,
    two lines that import the served file, a tap on the map sends about 18 KB less, and the file is loaded once
    (and early: ``preload``)."""

    name: str
    source: str

    @property
    def path(self) -> str:
        return f"{CODE_BASE}/{self.name}.{hashlib.sha256(self.source.encode()).hexdigest()[:12]}.js"

    @property
    def loader(self) -> str:
        # A module made from a string has no address of its own: the page's address resolves the file's.
        return (f"const code = import(new URL({json.dumps(self.path)}, document.baseURI).href);\n"
                "export default (args) => code.then((module) => module.default(args));\n")


def component_code(name: str) -> ComponentCode:
    """The code of the component ``name`` (``links``, ``leaflet_map``), read from its file."""
    return ComponentCode(name, component_js(CODE_DIR / f"{name}.js"))


def registered_js(code: ComponentCode, served: bool) -> str:
    """What a component is registered with: the loader when the explorer's server serves the files
    (``serve.py``), else the code itself (a bare ``streamlit run app.py``, AppTest)."""
    return code.loader if served else code.source


def code_paths() -> list[str]:
    """The served addresses of every component's code."""
    return [component_code(p.stem).path for p in sorted(CODE_DIR.glob("*.js"))]


def code_routes() -> list[Route]:
    """A route for every component's code file, at its changing address."""
    routes = []
    for file in sorted(CODE_DIR.glob("*.js")):
        code = component_code(file.stem)

        async def serve(request, body: bytes = code.source.encode()) -> Response:
            return respond(body, "text/javascript", IMMUTABLE, request.scope)

        routes.append(Route(code.path, serve, methods=["GET", "HEAD"]))
    return routes


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
