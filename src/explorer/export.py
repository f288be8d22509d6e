"""A static copy of the explorer: plain HTML files that work from a USB stick or any static host, offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import xstatic.pkg.leaflet as leaflet
from branca.element import MacroElement
from jinja2 import Template

from explorer.fragments import (
    esc,
    fact_html,
    legend_html,
    place_header_html,
    provenance_html,
    scene_html,
    sources_html,
)
from explorer.i18n import t
from explorer.mapview import LEAFLET_DIR, build_map, map_figure
from explorer.model import Content
from explorer.settings import Settings
from explorer.spoilers import visibility
from explorer.theme import stylesheet


class _OpenPlacePage(MacroElement):
    """In the static copy, choosing a marker opens that place's page."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.layer.get_name() }}.on("click", function (e) {
            if (e.layer && e.layer.feature) {
                var page = new URL("places/" + e.layer.feature.properties.id + ".html", window.location.href).href;
                window.top.location.href = page;
            }
        });
        {% endmacro %}
    """)

    def __init__(self, layer: folium.GeoJson):
        super().__init__()
        self.layer = layer


def _page(title: str, body: str, language: str, depth: int = 0) -> str:
    up = "../" * depth
    nav = (
        f'<nav><a href="{up}index.html">{esc(t("Map", language))}</a>'
        f'<a href="{up}scenes.html">{esc(t("Scenes", language))}</a>'
        f'<a href="{up}moss.html">{esc(t("Moss", language))}</a>'
        f'<a href="{up}about.html">{esc(t("About", language))}</a></nav>'
    )
    return (
        f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
        f'<link rel="stylesheet" href="{up}assets/explorer.css"></head><body><main>{nav}{body}</main></body></html>'
    )


def export_site(content: Content, target: Path, language: str = "en", *, spoiler_safe: bool = False) -> list[Path]:
    """Write the site into ``target`` (created if needed) and return the files written.

    ``spoiler_safe`` leaves out the scenes after the first encounter, the moss facts that tell them, and shows the
    places' spoiler-free descriptions, as the app's spoiler-safe mode does: one decision, ``explorer.spoilers``."""
    view = visibility(content, spoiler_safe)
    target = Path(target)
    (target / "places").mkdir(parents=True, exist_ok=True)
    assets = target / "assets"
    if (assets / LEAFLET_DIR).exists():
        shutil.rmtree(assets / LEAFLET_DIR)
    shutil.copytree(leaflet.BASE_DIR, assets / LEAFLET_DIR, ignore=shutil.ignore_patterns("*.map", "*esm*"))
    (assets / "explorer.css").write_text(stylesheet("symbols", "export"), encoding="utf-8")
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        written.append(path)

    brussels = esc(t("The film's Brussels", language))
    fmap = build_map(content, language, settings=Settings(tiles="offline"), asset_base="assets", on_places=_OpenPlacePage)
    map_figure(fmap).html.add_child(
        folium.Element(
            f'<div style="position:absolute;z-index:1000;top:8px;right:8px;background:#fff;padding:4px 8px;'
            f'border-radius:6px;font:14px sans-serif">{brussels}</div>'
        )
    )
    write(target / "map.html", map_figure(fmap).render())

    items = "".join(f'<li><a href="places/{esc(p.id)}.html">{esc(p.name.get(language))}</a></li>' for p in content.places)
    body = (
        f"<h1>{brussels}</h1>"
        f'<iframe id="map" src="map.html" title="{esc(t("Map", language))}" style="width:100%;border:0"></iframe>'
        f"{legend_html(language)}<h2>{esc(t('All places', language))}</h2><ul class='places'>{items}</ul>"
    )
    write(target / "index.html", _page(t("Here · moss and city explorer", language), body, language))

    for place in content.places:
        scenes = "".join(scene_html(s, content, language) for s in content.scenes_at(place.id) if view.scene(s))
        facts = "".join(fact_html(f, content, language, links=False) for f in content.facts_at(place.id) if view.fact(f))
        body = (
            place_header_html(place, language, view=view)
            + provenance_html(place, content, language, links=False)
            + f"<h2>{esc(t('Scenes here', language))}</h2>{scenes}<h2>{esc(t('Moss here', language))}</h2>{facts}"
        )
        write(target / "places" / f"{place.id}.html", _page(place.name.get(language), body, language, depth=1))

    scenes = "".join(scene_html(s, content, language) for s in view.scenes())
    write(
        target / "scenes.html",
        _page(t("The story, scene by scene", language), f"<h1>{esc(t('The story, scene by scene', language))}</h1>{scenes}", language),
    )
    facts = "".join(fact_html(f, content, language, links=False) for f in view.facts())
    write(
        target / "moss.html",
        _page(
            t("Moss: a forest at your feet", language), f"<h1>{esc(t('Moss: a forest at your feet', language))}</h1>{facts}", language
        ),
    )
    about = (
        f"<h1>{esc(t('About the film and this explorer', language))}</h1>"
        f"<p>{esc(content.film.synopsis.get(language))}</p><h2>{esc(t('Sources', language))}</h2>"
        + sources_html(content.sources, links=False, language=language)
    )
    write(target / "about.html", _page(t("About the film and this explorer", language), about, language))
    return written
