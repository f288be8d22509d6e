"""The explorer's colours and typefaces: the one source for Streamlit's theme (``.streamlit/config.toml``), the
stylesheets (as CSS custom properties, ``var(--hx-moss)``), the PDF handout and the Pillow images.

``.streamlit/config.toml`` cannot import Python, so its ``[theme]`` section is written from here
(``python -m explorer theme --write``) and a test fails when the two differ.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

PALETTE: dict[str, str] = {
    "moss": "#4f6b34",  # green places, buttons, accents
    "moss_dark": "#2f4420",  # headings, links, the selected place
    "moss_deep": "#1f2d15",  # the attract screen's darkest corner
    "moss_glow": "#3e5a2b",  # the attract screen's light
    "moss_light": "#dfe8cf",  # soft green backgrounds
    "concrete": "#5f625b",  # city places, secondary text (4.9:1 or more on every background of the page)
    "concrete_light": "#e6e5df",  # soft grey backgrounds, the map's ground
    "line": "#d4d3cc",  # borders
    "paper": "#f5f4ef",  # the page
    "card": "#ffffff",  # cards and panels
    "ink": "#23261f",  # body text
    "dusk": "#efe0c8",
    "dusk_ink": "#5a4220",  # the "dusk" chip
    "night": "#2d3142",
    "night_ink": "#eef0f6",  # the "night" chip
    "alert": "#fbe9e7",
    "alert_ink": "#7a1f12",
    "alert_line": "#a12a17",  # a refusal on a phone's live page
    "water": "#9dbbd0",  # the canal on the simplified map
    "rail": "#6a6c66",  # the railway on the simplified map
    "label": "#62655e",  # commune names on the simplified map (4.7:1 on the map's ground)
    "landmark": "#4f524b",  # landmark names on the simplified map
    "ring_road": "#cfcdc4",
    "ring_fill": "#ecebe5",  # the inner ring on the simplified map
}

FONTS: dict[str, str] = {
    # Streamlit's own font first, which the explorer's pages already load, so nothing else is fetched
    "sans": '"Source Sans", "Source Sans Pro", "Source Sans 3", sans-serif',
    "serif": "Georgia, 'DejaVu Serif', serif",
}

# One heading scale for every page (h1 to h6), Streamlit's headings and the explorer's own alike: a page's title
# is the largest thing on it, then a place's or a section's name, then a card's title.
HEADINGS: tuple[str, ...] = ("2.1rem", "1.65rem", "1.4rem", "1.1rem", "1rem", "1rem")


def rgb(name: str) -> tuple[int, int, int]:
    """A palette colour as an (r, g, b) tuple, for Pillow and the PDF."""
    colour = PALETTE[name]
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def css_variables(selector: str = ":root, :host") -> str:
    """The palette and fonts as CSS custom properties (``--hx-moss-dark``); ``:host`` reaches into shadow roots."""
    lines = [f"  --hx-{name.replace('_', '-')}: {value};" for name, value in PALETTE.items()]
    lines += [f"  --hx-font-{name}: {value};" for name, value in FONTS.items()]
    lines += [f"  --hx-h{level}: {size};" for level, size in enumerate(HEADINGS, start=1)]
    return f"{selector} {{\n" + "\n".join(lines) + "\n}\n"


@cache
def css_file(name: str) -> str:
    """One of the library's stylesheets (``explorer/css/NAME.css``), colours as ``var(--hx-…)``."""
    return resources.files("explorer").joinpath("css", f"{name}.css").read_text(encoding="utf-8")


def stylesheet(*names: str, variables: bool = True) -> str:
    """The custom properties, then the named stylesheets: a whole stylesheet for a page of its own."""
    return (css_variables() if variables else "") + "\n".join(css_file(name) for name in names)


def streamlit_theme() -> dict[str, str | list[str]]:
    """The ``[theme]`` values of ``.streamlit/config.toml``."""
    return {
        "base": "light",
        "primaryColor": PALETTE["moss"],
        "backgroundColor": PALETTE["paper"],
        "secondaryBackgroundColor": PALETTE["concrete_light"],
        "textColor": PALETTE["ink"],
        "linkColor": PALETTE["moss_dark"],
        "borderColor": PALETTE["line"],
        "baseRadius": "medium",
        "paddingTop": "1.5rem",  # the page starts under Streamlit's (empty) header, not 6rem below it
        "headingFontSizes": list(HEADINGS),
    }


THEME_MARKER = "# [theme] below is written by `python -m explorer theme --write` from src/explorer/theme.py"


def config_theme_section() -> str:
    """The ``[theme]`` section as it belongs at the end of ``.streamlit/config.toml``."""

    def toml(value: str | list[str]) -> str:
        return "[" + ", ".join(f'"{v}"' for v in value) + "]" if isinstance(value, list) else f'"{value}"'

    rows = "".join(f"{key} = {toml(value)}\n" for key, value in streamlit_theme().items())
    return f"{THEME_MARKER}\n[theme]\n{rows}"


def with_theme(config_text: str) -> str:
    """``config_text`` with its theme section replaced by (or followed by) the one from the palette."""
    head = config_text.split(THEME_MARKER, 1)[0].rstrip("\n")
    return f"{head}\n\n{config_theme_section()}"
