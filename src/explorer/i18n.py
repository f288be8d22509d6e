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
LANGUAGES = ("en", "fr", "nl")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands"}


def N_(message: str) -> str:  # noqa: N802 - the usual gettext name
    """Marks a string for translation where it is defined; it is translated where it is shown."""
    return message


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``.po`` catalog whose ``.mo`` is missing or older (scripts/ run this before the app)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            written.append(mo)
    return written


@lru_cache(maxsize=16)
def _translations(language: str) -> gettext.NullTranslations:
    if language != DEFAULT_LANGUAGE:
        compile_catalogs()  # a fresh checkout has only the .po sources
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
    "soup": N_("Soup"),
    "moss": N_("Moss"),
    "migration": N_("Migration"),
    "night-and-insomnia": N_("Night and insomnia"),
    "language": N_("Language"),
    "care": N_("Care"),
}
TIME_LABELS = {"day": N_("Day"), "dusk": N_("Dusk"), "night": N_("Night")}
KIND_LABELS = {"green": N_("Green place"), "city": N_("City place")}
PROVENANCE_LABELS = {
    "documented": N_("Documented location"),
    "commune": N_("Commune known"),
    "illustrative": N_("Illustration"),
}
PROVENANCE_EXPLANATIONS = {
    "documented": N_("A named public source places the film here."),
    "commune": N_("Sources name only the commune; the marker stands at its centre, not at a real address."),
    "illustrative": N_("The film does not say where this is. We placed the marker ourselves, as an illustration."),
}


# Strings used inside f-strings, where the extractor cannot see them: listed here so they reach the catalogs.
INLINE_STRINGS = (
    N_("Commune"),
    N_("Why here"),
    N_("Map legend"),
    N_("With"),
    N_("Where to look"),
    N_("Source"),
    N_("Where the film happens"),
    N_("Touch to explore the film’s Brussels"),
    N_("Touch the screen to explore"),
    N_("In the film"),
    N_("Continue on your phone"),
    N_("Language"),
    N_("our translation"),
    N_("our reading"),
    N_("Ask these before the screening: they reveal nothing of the film."),
    N_("Extension task"),
    N_("Level"),
    N_("No still of this sequence is available; its shots, as we describe them:"),
    N_("Objective"),
    N_("Step"),
    N_("Success criterion"),
    N_("Time"),
    N_("What the pupil shows"),
    N_("Sequence study"),
    N_("not shown"),
    N_("The original words"),
)


def label(labels: dict[str, str], key: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The translated label of a vocabulary value (the value itself if unknown)."""
    return t(labels[key], language) if key in labels else key
