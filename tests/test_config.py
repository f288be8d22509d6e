"""The project's configuration: Streamlit's settings that keep runs lean, its theme from the palette, and the
pages' scripts (no reliance on magic, no private or deprecated Streamlit use)."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT
from explorer.theme import PALETTE, css_variables, streamlit_theme, with_theme

SOURCES = [
    ROOT / "app.py",
    ROOT / "serve.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "src").rglob("*.py")),
    *sorted((ROOT / "src").rglob("*.js")),
    *sorted((ROOT / "src").rglob("*.css")),
]
# What the app may not touch (DEVELOPERS.md, "Public ground"): Streamlit's private state and modules, patched
# constants, its build files, CSS on its internal test ids, removed or deprecated calls; and private helpers of
# streamlit-folium and folium.
FORBIDDEN = {
    "private session state": r"_key_id_mapper|_new_widget_state|get_session_state|\._state\b",
    "Streamlit's internal modules": r"from streamlit\.(runtime|web|proto|elements|components\.v2\.)"
    r"|import streamlit\.(runtime|web|proto)",
    "patched constants": r"MESSAGE_FLUSH_INTERVAL|/proc/self/fd",
    "Streamlit's build files": r"static/index\.html|static/js|chunk_files|Path\(streamlit\.__file__\)",
    "CSS on Streamlit's test ids": r"data-testid|stVerticalBlock|stHorizontalBlock|stColumn|stLayoutWrapper|block-container",
    "removed or deprecated calls": r"components\.v1|use_container_width|st\.experimental_",
    "private helpers of streamlit-folium and folium": r"_get_map_string|generate_leaflet_string|get_full_id|\._children"
    r"|streamlit_folium",
}


@pytest.mark.parametrize("rule", sorted(FORBIDDEN))
def test_the_app_uses_only_public_documented_apis(rule):
    pattern = re.compile(FORBIDDEN[rule])
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], f"{rule}:\n" + "\n".join(found)


def test_the_public_api_check_would_catch_a_private_use():
    assert re.search(FORBIDDEN["private session state"], "get_session_state()._state._key_id_mapper")
    assert re.search(FORBIDDEN["CSS on Streamlit's test ids"], '[data-testid="stVerticalBlock"] { display: grid }')
    assert re.search(FORBIDDEN["removed or deprecated calls"], "st.image(card, use_container_width=True)")


def test_streamlits_theme_is_written_from_the_palette():
    config_text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(config_text)["theme"] == streamlit_theme(), "run: python -m explorer theme --write"
    assert with_theme(config_text) == config_text  # writing it again changes nothing
    assert streamlit_theme()["primaryColor"] == PALETTE["moss"]


def test_every_palette_colour_reaches_the_stylesheets_as_a_custom_property():
    variables = css_variables()
    for name, value in PALETTE.items():
        assert f"--hx-{name.replace('_', '-')}: {value};" in variables
    used = set()
    for path in [*(ROOT / "src").rglob("*.css")]:
        text = path.read_text(encoding="utf-8")
        written_out = re.search(r"#[0-9a-fA-F]{6}\b(?!\w)", re.sub(r"#(fff|ffffff|000)\b", "", text))
        assert not written_out, f"{path.name}: {written_out.group()} written out instead of var(--hx-…)"
        used |= set(re.findall(r"var\(--hx-([a-z-]+)\)", text))
    unknown = {name for name in used if not name.startswith("font-") and name.replace("-", "_") not in PALETTE}
    assert unknown == set()


def test_the_config_keeps_reruns_lean():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"  # ~350 ms per new session otherwise
    assert config["runner"]["postScriptGC"] is False  # ~35 ms holding the interpreter lock per run otherwise
    assert config["runner"]["magicEnabled"] is False  # ~8 ms rewriting app.py each time it is compiled otherwise


def _displayed_by_magic(path: Path) -> list[int]:
    """Lines of ``path`` that Streamlit's magic would have written to the page: an expression statement on its
    own that is not a call, an await or a docstring."""
    found = []
    for parent in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(parent, field, None)
            if not isinstance(body, list):
                continue
            for index, node in enumerate(body):
                if not isinstance(node, ast.Expr) or isinstance(node.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom)):
                    continue
                docstring = (
                    index == 0
                    and field == "body"
                    and isinstance(node.value, ast.Constant)
                    and isinstance(parent, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                )
                if not docstring:
                    found.append(node.lineno)
    return found


@pytest.mark.parametrize("script", ["app.py", *sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))])
def test_no_page_relies_on_magic(script):
    """With magic off, a bare expression on its own line would silently show nothing."""
    assert _displayed_by_magic(ROOT / script) == [], script


def test_the_magic_check_finds_a_bare_expression(tmp_path):
    page = tmp_path / "page.py"
    page.write_text('"""Doc."""\nimport streamlit as st\nst.write("shown")\nname = "x"\nname\nif name:\n    "shown by magic"\n')
    assert _displayed_by_magic(page) == [5, 7]
