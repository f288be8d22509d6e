"""The explorer's maps, drawn by Leaflet in the page itself: a Streamlit v2 component instead of an iframe.

streamlit-folium's ``st_folium`` draws a map in an iframe that loads its own page and a 225 KB script before
Leaflet can start, and it renders the whole folium map again on every rerun. Here the folium map (built by the
pure ``explorer.mapview.build_map``) is turned into Leaflet's JavaScript once per content, language and settings,
with streamlit-folium's own functions, and ``leaflet_map.js`` runs it in a shadow root of the page. Only the
small overlay (the ring around the selected place, or the walk) changes between runs. A tapped marker sends
its place's id, never coordinates. streamlit-folium stays pinned to 0.27.x (pyproject.toml): its functions
that turn a folium map into Leaflet's JavaScript are internal; tests/test_mapcomponent.py checks they fit.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import folium
import streamlit as st
import streamlit_folium as sf

from explorer.i18n import t
from explorer.mapview import ASSET_BASE, LEAFLET_CSS, LEAFLET_JS, build_map, selection_layer
from explorer.model import Content, Place
from explorer.selection import clicked_place_id
from explorer.settings import Settings
from explorer_app import preload
from explorer_app.styles import UNDER_MAP_CSS
from explorer_app.triggers import component_code, registered_js, trigger_value

COMPONENT = "explorer_map"
CODE = component_code("leaflet_map")
_JS = CODE.source
_component = st.components.v2.component(COMPONENT, js=registered_js(CODE, preload.serves_head()))

# The map's own element: the component gives it to the script instead of an element id (ids do not reach
# into a shadow root).
_MAP_BY_ID = re.compile(r'L\.map\(\s*"map_div"')
_STYLE = re.compile(r"<style>(.*?)</style>", re.DOTALL)


def render_map(fmap: folium.Map) -> dict:
    """The map as Leaflet's JavaScript and its styles (what the component needs), rendered once."""
    fmap.get_root().render()
    fmap.render()
    script, found = _MAP_BY_ID.subn('L.map(map_element', sf._get_map_string(fmap))
    if found != 1:
        raise ValueError("the rendered map does not create its Leaflet map on 'map_div'")
    header = fmap.get_root().header
    # Only the styles the explorer adds (markers, simplified map, walk); folium's page-level rules (html, body,
    # the viewport) belong to a page of its own, not to a part of ours.
    css = "\n".join("\n".join(_STYLE.findall(child.render())) for name, child in header._children.items()
                    if name.startswith("hx_"))
    # Where the map first looks: fitted again if its box changes size before the visitor moves it (the page's
    # layout settles after the map is drawn, and a phone turns).
    fits = [c for c in fmap._children.values() if isinstance(c, folium.map.FitBounds)]
    fit = {"bounds": fits[-1].bounds, "options": fits[-1].options} if fits else None
    return {"script": script, "css": css, "fit": fit}


def overlay_script(group: folium.FeatureGroup) -> str:
    """The JavaScript that adds ``group`` (a selection ring, a walk) to ``map_div``, as the variable ``overlay``;
    the component swaps overlays without drawing the map again."""
    group._id = "overlay"
    scratch = folium.Map(tiles=None)
    group.add_to(scratch)
    group.render()
    script = sf.generate_leaflet_string(group, base_id="overlay").replace(sf.get_full_id(scratch), "map_div")
    return script + "\nvar overlay = feature_group_overlay;"


# Plain dictionaries, not st.cache_resource: these are looked up on every rerun, and Streamlit's cache wrapper
# (hashing its arguments) costs more than the lookup. Entries are few and small: one map per language and
# settings, one selection ring per place.
_RENDERED: dict[tuple, dict] = {}
_OVERLAY: dict[tuple, str] = {}
_LOCK = threading.Lock()
# The maps (their map_key) whose script, styles and fit this visitor's page already has: leaflet_map.js keeps
# them for the page's life, so later runs send only what changes (the ring, the view, what is under the map).
SENT_MAPS = "hx-maps-sent"


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


def map_component(
    content: Content, content_signature: str, language: str, settings: Settings, settings_key: str, *, key: str,
    height: int, overlay: tuple[str, Callable[[], folium.FeatureGroup]] | None = None,
    center: tuple[float, float] | None = None, on_click: Callable[[str], None] | None = None, label: str = "Map",
    under: str = "",
):
    """The explorer's map (every place as a marker) with one overlay, the view moved to ``center`` if given.

    ``overlay`` is a cache key and a function that builds the layer: it is rendered once per key. A tap on a
    marker calls ``on_click`` with the place's id, once it is checked against the content. ``under`` is HTML
    from ``explorer.fragments`` (the legend, a summary of the selection) drawn under the map in the same element,
    styled by ``styles.UNDER_MAP_CSS``; it changes without drawing the map again.
    """
    rendered = _memo(_RENDERED, (content_signature, language, settings_key), 24,
                     lambda: render_map(build_map(content, language, settings=settings)))
    overlay_js = _memo(_OVERLAY, (content_signature, overlay[0]), 512, lambda: overlay_script(overlay[1]())) \
        if overlay else ""

    map_key = f"{content_signature}:{language}:{settings_key}"
    sent = st.session_state.setdefault(SENT_MAPS, set())

    def clicked() -> None:
        place_id = clicked_place_id(trigger_value(key, "clicked"), content)
        if place_id and on_click is not None:
            on_click(place_id)

    def missing() -> None:
        reported = trigger_value(key, "missing")  # from the browser: only one of the keys sent counts
        if isinstance(reported, str):
            sent.discard(reported)  # the page does not have it after all: send it again

    data = {"map_key": map_key, "height": height, "label": label, "error": t("The map could not be drawn.", language),
            "leaflet_js": f"{ASSET_BASE}/{LEAFLET_JS}", "leaflet_css": f"{ASSET_BASE}/{LEAFLET_CSS}",
            "overlay": overlay_js, "center": list(center) if center else None, "clickable": on_click is not None,
            "under": under, "under_css": UNDER_MAP_CSS if under else ""}
    if map_key not in sent:  # the map itself (about 22 KB) goes once per page, not with every tap
        data.update(script=rendered["script"], css=rendered["css"], fit=rendered["fit"])
        sent.add(map_key)
    return _component(
        key=key, height="content",  # the map's box keeps its own height (data.height); what is under it follows
        data=data, on_clicked_change=clicked, on_missing_change=missing,
    )


def place_map(content: Content, content_signature: str, language: str, settings: Settings, settings_key: str, *,
              selected: Place | None, **kwargs):
    """The explorer's map with ``selected`` ringed (one ring per place, rendered once)."""
    return map_component(content, content_signature, language, settings, settings_key,
                         overlay=(f"ring:{selected.id if selected else ''}", lambda: selection_layer(selected)), **kwargs)
