"""The fonts used in the PDF handout and the postcard, from the installed Source Sans and Source Serif packages."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

FAMILIES = {
    "sans": ("font_source_sans_pro", "SourceSansPro"),
    "serif": ("font_source_serif_pro", "SourceSerifPro"),
}
STYLES = {"": "Regular", "B": "Bold", "I": "It", "BI": "BoldIt"}


def font_path(family: str, style: str = "") -> Path:
    """The TTF file of a family ('sans' or 'serif') in a style ('', 'B', 'I' or 'BI')."""
    package, stem = FAMILIES[family]
    return Path(str(importlib.resources.files(package) / "files" / f"{stem}-{STYLES[style]}.ttf"))
