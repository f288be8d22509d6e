"""The page's first response names the map's code, so the browser loads it while Streamlit starts."""

from __future__ import annotations

import re

from explorer_app.preload import STATIC, chunk_closure, link_header


def test_closure_holds_the_component_chunk_and_its_imports_but_not_what_streamlit_preloads():
    found = chunk_closure(["BidiComponent"])
    assert found[0].startswith("BidiComponent.")
    index = (STATIC / "index.html").read_text(encoding="utf-8")
    assert found and all(name not in index for name in found)
    for name in found:  # every static import of a listed chunk is listed or already preloaded by Streamlit
        text = (STATIC / "static" / "js" / name).read_text(encoding="utf-8")
        for dep in re.findall(r'(?:import|from)\s*"\./([\w.\-]+\.js)"', text):
            assert dep in found or dep in index, (name, dep)


def test_closure_of_unknown_names_is_empty():
    assert chunk_closure(["NoSuchElement"]) == []


def test_link_header_preloads_leaflet_and_respects_a_base_path():
    header = link_header("explorer")
    assert header.startswith("</explorer-assets/leaflet/leaflet.js>; rel=preload; as=script, ")
    assert "</explorer-assets/leaflet/leaflet.css>; rel=preload; as=style" in header
    assert "</explorer/static/js/BidiComponent." in header
    assert "</static/js/BidiComponent." in link_header("")
