"""The map component, rendered once per language and settings instead of on every rerun.

streamlit-folium's ``st_folium`` renders the whole folium map to HTML and JavaScript on every rerun (most of
a rerun's cost here). The map only changes with the content, the language or the settings, so this module
renders it once with streamlit-folium's own functions, caches the result, and hands it to the same
component. Only the small selection layer is rendered per run. streamlit-folium is pinned to 0.27.x in
pyproject.toml because this uses its internals; tests/test_fastmap.py checks they still fit.
"""

from __future__ import annotations

from collections.abc import Callable

import folium
import streamlit as st
import streamlit_folium as sf

from explorer.mapview import build_map
from explorer.model import Content
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


@st.cache_resource(show_spinner=False, max_entries=24)
def _rendered(_content: Content, content_signature: tuple, language: str, settings: Settings) -> dict:
    return render_map(build_map(_content, language, settings=settings))


def feature_group_script(group: folium.FeatureGroup) -> str:
    """The JavaScript that adds one dynamic layer to the rendered map (rendered on a throwaway map)."""
    return sf._get_feature_group_string(group, folium.Map(tiles=None), idx=0)


def place_map(
    content: Content, content_signature: tuple, language: str, settings: Settings, *, key: str, height: int,
    selection: folium.FeatureGroup, center: tuple[float, float] | None, on_change: Callable[[], None],
    returned_objects: list[str],
):
    """The st_folium component for the explorer's map, without re-rendering the map on every rerun."""
    rendered = _rendered(content, content_signature, language, settings)
    hash_key = sf.generate_js_hash(rendered["script"], key, False)

    def changed() -> None:
        st.session_state[key] = st.session_state.get(hash_key, {})
        on_change()

    defaults = {"last_active_drawing": None, "last_object_clicked_count": None}
    return sf._component_func(
        script=rendered["script"], header=rendered["header"], html=rendered["html"], id=rendered["id"],
        key=hash_key, height=height, width=None, returned_objects=returned_objects,
        default={k: v for k, v in defaults.items() if k in returned_objects}, zoom=None, center=center,
        feature_group=feature_group_script(selection), return_on_hover=False, layer_control=None,
        pixelated=False, css_links=rendered["css_links"], js_links=rendered["js_links"], on_change=changed,
        wrap_longitude=False,
    )
