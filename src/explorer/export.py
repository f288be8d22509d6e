"""A static copy of the explorer: plain HTML files that work from a USB stick or any static host, offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import folium
import xstatic.pkg.leaflet as leaflet
from branca.element import MacroElement
from jinja2 import Template

from explorer.fragments import (
    SYMBOL_CSS,
    esc,
    fact_html,
    legend_html,
    place_header_html,
    provenance_html,
    scene_html,
    sources_html,
)
from explorer.i18n import t
from explorer.mapview import build_map
from explorer.model import Content
from explorer.settings import Settings

PAGE_CSS = """
body { margin: 0; font: 17px/1.55 "Source Sans Pro", "Segoe UI", sans-serif; color: #23261f; background: #f5f4ef; }
main { max-width: 1100px; margin: 0 auto; padding: 1.2rem; }
nav a { margin-right: 1rem; color: #2f4420; font-weight: 600; }
h1, h2, .hx-place-name { font-family: Georgia, serif; color: #2f4420; }
article, .hx-prov { background: #fff; border: 1px solid #e6e5df; border-radius: 10px; padding: .6rem 1rem; margin: .7rem 0; }
.hx-chip { display: inline-block; font-size: .8rem; padding: 0 .5rem; margin: 0 .3rem .3rem 0; border-radius: 999px;
  background: #e6e5df; }
.hx-num { display: inline-flex; min-width: 1.6rem; height: 1.6rem; align-items: center; justify-content: center;
  border-radius: 50%; background: #4f6b34; color: #fff; font-size: .85rem; margin-right: .4rem; }
.hx-quote { border-left: 4px solid #4f6b34; margin: .5rem 0; padding: .3rem .8rem; background: #dfe8cf55; }
.hx-quote blockquote { margin: 0; font-family: Georgia, serif; font-style: italic; color: #2f4420; }
.hx-quote figcaption, .hx-who, .hx-src { font-size: .85rem; color: #6f726b; }
.hx-legend, .hx-legend ul { display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; list-style: none; padding: 0; }
.hx-legend li { display: flex; align-items: center; gap: .3rem; }
#map { height: 70vh; min-height: 360px; border-radius: 10px; }
ul.places { columns: 2; } @media (max-width: 640px) { ul.places { columns: 1; } }
"""


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
    nav = (f'<nav><a href="{up}index.html">{esc(t("Map", language))}</a>'
           f'<a href="{up}scenes.html">{esc(t("Scenes", language))}</a>'
           f'<a href="{up}moss.html">{esc(t("Moss", language))}</a>'
           f'<a href="{up}about.html">{esc(t("About", language))}</a></nav>')
    return (f'<!doctype html><html lang="{esc(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
            f'<link rel="stylesheet" href="{up}assets/explorer.css"></head><body><main>{nav}{body}</main></body></html>')


def export_site(content: Content, target: Path, language: str = "en") -> list[Path]:
    """Write the site into ``target`` (created if needed) and return the files written."""
    target = Path(target)
    (target / "places").mkdir(parents=True, exist_ok=True)
    assets = target / "assets"
    if (assets / "leaflet").exists():
        shutil.rmtree(assets / "leaflet")
    shutil.copytree(leaflet.BASE_DIR, assets / "leaflet", ignore=shutil.ignore_patterns("*.map", "*esm*"))
    (assets / "explorer.css").write_text(SYMBOL_CSS + PAGE_CSS, encoding="utf-8")
    written: list[Path] = []

    def write(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        written.append(path)

    brussels = esc(t("The film's Brussels", language))
    fmap = build_map(content, language, settings=Settings(tiles="offline"), asset_base="assets")
    layer = next(c for c in fmap._children.values() if isinstance(c, folium.GeoJson))
    _OpenPlacePage(layer).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(
        f'<div style="position:absolute;z-index:1000;top:8px;right:8px;background:#fff;padding:4px 8px;'
        f'border-radius:6px;font:14px sans-serif">{brussels}</div>'))
    write(target / "map.html", fmap.get_root().render())

    items = "".join(f'<li><a href="places/{esc(p.id)}.html">{esc(p.name.get(language))}</a></li>' for p in content.places)
    body = (f"<h1>{brussels}</h1>"
            f'<iframe id="map" src="map.html" title="{esc(t("Map", language))}" style="width:100%;border:0"></iframe>'
            f"{legend_html(language)}<h2>{esc(t('All places', language))}</h2><ul class='places'>{items}</ul>")
    write(target / "index.html", _page(t("Here · moss and city explorer", language), body, language))

    for place in content.places:
        scenes = "".join(scene_html(s, content, language) for s in content.scenes_at(place.id))
        facts = "".join(fact_html(f, content, language, links=False) for f in content.facts_at(place.id))
        body = (place_header_html(place, language) + provenance_html(place, content, language, links=False)
                + f"<h2>{esc(t('Scenes here', language))}</h2>{scenes}<h2>{esc(t('Moss here', language))}</h2>{facts}")
        write(target / "places" / f"{place.id}.html", _page(place.name.get(language), body, language, depth=1))

    scenes = "".join(scene_html(s, content, language) for s in content.scenes)
    write(target / "scenes.html", _page(t("The story, scene by scene", language),
                                        f"<h1>{esc(t('The story, scene by scene', language))}</h1>{scenes}", language))
    facts = "".join(fact_html(f, content, language, links=False) for f in content.facts)
    write(target / "moss.html", _page(t("Moss: a forest at your feet", language),
                                      f"<h1>{esc(t('Moss: a forest at your feet', language))}</h1>{facts}", language))
    about = (f"<h1>{esc(t('About the film and this explorer', language))}</h1>"
             f"<p>{esc(content.film.synopsis.get(language))}</p><h2>{esc(t('Sources', language))}</h2>"
             + sources_html(content.sources, links=False))
    write(target / "about.html", _page(t("About the film and this explorer", language), about, language))
    return written
