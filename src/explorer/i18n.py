"""All user-facing UI strings pass through :func:`t`, backed by gettext catalogs.

English is the source language; catalogs for more languages go in ``locale/<lang>/LC_MESSAGES``.
A language without a catalog falls back to English.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path

from explorer.model import DEFAULT_LANGUAGE

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "explorer"


@lru_cache(maxsize=16)
def _translations(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)


def t(message: str, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Translate a UI string and fill in its ``{named}`` values."""
    text = _translations(language).gettext(message)
    return text.format(**values) if values else text


def n_(singular: str, plural: str, count: int, language: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """Translate a UI string whose form depends on ``count``."""
    text = _translations(language).ngettext(singular, plural, count)
    return text.format(count=count, **values)


# Labels for the fixed vocabularies in the content, marked for translation.
THEME_LABELS = {
    "soup": "Soup",
    "moss": "Moss",
    "migration": "Migration",
    "night-and-insomnia": "Night and insomnia",
    "language": "Language",
    "care": "Care",
}
TIME_LABELS = {"day": "Day", "dusk": "Dusk", "night": "Night"}
KIND_LABELS = {"green": "Green place", "city": "City place"}
PROVENANCE_LABELS = {
    "documented": "Documented location",
    "commune": "Commune known",
    "illustrative": "Illustration",
}
PROVENANCE_EXPLANATIONS = {
    "documented": "A named public source places the film here.",
    "commune": "Sources name only the commune; the marker stands at its centre, not at a real address.",
    "illustrative": "The film does not say where this is. We placed the marker ourselves, as an illustration.",
}


def label(labels: dict[str, str], key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The translated label of a vocabulary value (the value itself if unknown)."""
    return t(labels[key], language) if key in labels else key
