"""The map component, rendered once per language and settings instead of on every rerun.

streamlit-folium's ``st_folium`` renders the whole folium map to HTML and JavaScript on every rerun (most of
a rerun's cost here). The map only changes with the content, the language or the settings, so this module
renders it once with streamlit-folium's own functions, caches the result, and hands it to the same
component. Only the small selection layer is rendered per run. streamlit-folium is pinned to 0.27.x in
pyproject.toml because this uses its internals; tests/test_fastmap.py checks they still fit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import folium
import streamlit as st
import streamlit_folium as sf

from explorer.mapview import build_map, selection_layer
from explorer.model import Content, Place
from explorer.settings import Settings


def render_map(fmap: folium.Map) -> dict:
    """Everything the st_folium component needs from a map, as strings (what st_folium computes each run)."""
    fmap.get_root().render()
    fmap.render()
    html, header = sf._get_html(fmap), sf._get_header(fmap)
    leaflet = sf._get_map_string(fmap)
    css_links: list[str] = []
    js_links: list[str] = []
    stack = [fmap]
    while stack:
        element = stack.pop(0)
        css_links += [href for _, href in getattr(element, "default_css", [])]
        js_links += [src for _, src in getattr(element, "default_js", [])]
        stack += list(getattr(element, "_children", {}).values())
    return {
        "html": html, "header": header, "script": leaflet, "id": sf.get_full_id(fmap),
        "css_links": list(dict.fromkeys(css_links)), "js_links": list(dict.fromkeys(js_links)),
    }


# Plain dictionaries, not st.cache_resource: these are looked up on every rerun, and Streamlit's cache
# wrapper (hashing its arguments) cost more than the lookup is worth. Entries are few and small: one map per
# language and settings, one selection layer per place.
_RENDERED: dict[tuple, dict] = {}
_SELECTION: dict[tuple, str] = {}
_LOCK = threading.Lock()


def _memo(cache: dict, key: tuple, limit: int, build: Callable[[], object]):
    """The cached value for ``key``, built once; a hit takes no lock, so sessions never wait on each other."""
    found = cache.get(key)
    if found is not None:
        return found
    with _LOCK:
        if key not in cache:
            if len(cache) >= limit:
                cache.clear()  # content edited many times: start again
            cache[key] = build()
        return cache[key]


def _rendered(content_signature: str, language: str, settings_key: str, content: Content, settings: Settings) -> dict:
    return _memo(_RENDERED, (content_signature, language, settings_key), 24,
                 lambda: render_map(build_map(content, language, settings=settings)))


def feature_group_script(group: folium.FeatureGroup) -> str:
    """The JavaScript that adds one dynamic layer to the rendered map (rendered on a throwaway map)."""
    return sf._get_feature_group_string(group, folium.Map(tiles=None), idx=0)


def _selection_script(content_signature: str, place_id: str, content: Content) -> str:
    return _memo(_SELECTION, (content_signature, place_id), 512,
                 lambda: feature_group_script(selection_layer(content.place(place_id) if place_id else None)))


# st_folium's frontend sends the map's state whenever it differs from the last one it knows, starting with
# this default. With the same keys, in the frontend's order and with its initial values, loading the map
# sends nothing, so a first visit costs one script run instead of two.
INITIAL_STATE = {"last_object_clicked_count": 0, "last_active_drawing": None}


def place_map(
    content: Content, content_signature: str, language: str, settings: Settings, settings_key: str, *, key: str,
    height: int, selected: Place | None, center: tuple[float, float] | None, on_change: Callable[[], None],
    returned_objects: list[str],
):
    """The st_folium component for the explorer's map, without re-rendering the map on every rerun.

    ``selected`` is drawn on a small extra layer (cached per place); the rest of the map is rendered once.
    """
    rendered = _rendered(content_signature, language, settings_key, content, settings)
    hash_keys = rendered.setdefault("hash_keys", {})
    if key not in hash_keys:
        hash_keys[key] = sf.generate_js_hash(rendered["script"], key, False)
    hash_key = hash_keys[key]

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        on_change()

    return sf._component_func(
        script=rendered["script"], header=rendered["header"], html=rendered["html"], id=rendered["id"],
        key=hash_key, height=height, width=None, returned_objects=returned_objects,
        default={k: v for k, v in INITIAL_STATE.items() if k in returned_objects}, zoom=None, center=center,
        feature_group=_selection_script(content_signature, selected.id if selected else "", content),
        return_on_hover=False, layer_control=None, pixelated=False, css_links=rendered["css_links"],
        js_links=rendered["js_links"], on_change=changed, wrap_longitude=False,
    )
