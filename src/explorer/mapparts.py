"""A folium map taken apart for drawing inside another page: what to load, its styles, and its script.

folium's documented output is a whole HTML document (``Figure.render()``, what ``Map.save()`` writes). The
explorer draws its maps inside its own pages instead (``explorer_app/leaflet_map.js``), so this module reads that
document with the standard library's HTML parser and keeps its parts: the scripts and stylesheets it loads,
its ``<style>`` rules, and its inline script, which creates the map on the element ``map_id`` and adds
everything to it. Nothing is rewritten: the page's script gives Leaflet its own element for ``map_id``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from html.parser import HTMLParser

import folium


@dataclass(frozen=True)
class MapParts:
    map_id: str  # the element folium's script creates the map on (``Map.get_name()``)
    scripts: tuple[str, ...]  # addresses of the scripts to load first (Leaflet)
    stylesheets: tuple[str, ...]
    css: str  # the map's own rules (markers, labels, the walk)
    script: str  # creates the map and adds its layers

    def as_dict(self) -> dict:
        return asdict(self)

    def script_file(self, **extra: object) -> str:
        """The map as a script file for a page to load (no ``eval``, so a strict Content-Security-Policy holds).
        It registers itself under its own address in ``window.__hxMaps``: ``parts`` (what to load, the styles, and
        ``extra``) and ``draw(L)``, which runs folium's script with the Leaflet it is given. A classic script, not
        a module: folium's script assigns globals (``L_NO_TOUCH = false``), which a module's strict mode refuses."""
        meta = {"map_id": self.map_id, "scripts": self.scripts, "stylesheets": self.stylesheets, "css": self.css, **extra}
        return (
            f"(window.__hxMaps = window.__hxMaps || {{}})[document.currentScript.src] = {{\n"
            f"parts: {json.dumps(meta)},\ndraw: function (L) {{\n{self.script}\nreturn {self.map_id};\n}}\n}};\n"
        )


class _Parts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.styles: list[str] = []
        self.inline: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.scripts.append(found["src"] or "")
        elif tag == "link" and (found.get("rel") or "").lower() == "stylesheet" and found.get("href"):
            self.stylesheets.append(found["href"] or "")
        elif tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.inline.append(data)
        elif self._in == "style":
            self.styles.append(data)


def _parse(figure_html: str) -> _Parts:
    parts = _Parts()
    parts.feed(figure_html)
    parts.close()
    return parts


def map_parts(fmap: folium.Map) -> MapParts:
    """The parts of ``fmap``'s rendered document; raises ``ValueError`` if its script does not create the map."""
    parts = _parse(fmap.get_root().render())
    script = "\n".join(text.strip() for text in parts.inline if text.strip())
    map_id = fmap.get_name()
    if f'"{map_id}"' not in script:
        raise ValueError(f"the rendered map's script does not create the map {map_id!r}")
    # folium's page-wide rules (html, body) are for a page of its own; in a shadow root they match nothing
    return MapParts(
        map_id,
        tuple(dict.fromkeys(parts.scripts)),
        tuple(dict.fromkeys(parts.stylesheets)),
        "\n".join(text.strip() for text in parts.styles if text.strip()),
        script,
    )


def layer_script(layer: folium.map.Layer) -> tuple[str, str]:
    """(script, name) for one layer (a selection ring, a walk): the script adds the layer, called ``name``, to a
    map of its own that the page replaces by the map already drawn (``leaflet_map.js``), so a layer is swapped
    without drawing the map again."""
    scratch = folium.Map(tiles=None)
    layer.add_to(scratch)
    parts = map_parts(scratch)
    return parts.script, layer.get_name()


def layer_file(layer: folium.map.Layer) -> str:
    """One layer as a script file that registers, under its own address in ``window.__hxLayers``, a function
    ``add(L)`` that adds the layer and returns it (see ``layer_script`` and ``MapParts.script_file``)."""
    script, name = layer_script(layer)
    return (
        f"(window.__hxLayers = window.__hxLayers || {{}})[document.currentScript.src] = function (L) {{\n"
        f"{script}\nreturn {name};\n}};\n"
    )
