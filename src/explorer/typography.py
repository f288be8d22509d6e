"""French typography: no-break spaces inside « » and before : ; ! ?, so they never split from their words.

French sets a space before the high punctuation marks and inside guillemets; a line break there leaves a lone
« or ? at the start or end of a line. These functions put a no-break space there (replacing an ordinary space, or
adding one where there was none) and leave alone what is not prose: web addresses, times and ratios like 12:30
or 4:3, and spaces that are already no-break. Applying them twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

NBSP = "\u00a0"  # no-break space: French sets it before a colon
NNBSP = "\u202f"  # narrow no-break space: before ; ! ? and inside « »
_NO_BREAK = NBSP + NNBSP
FRENCH = "fr"
# Marks around a run of text that is not French (an English source title, a Dutch framework's name, a quotation):
# typeset leaves the run as written and takes the marks away (see as_written).
_KEEP_OPEN, _KEEP_CLOSE = "\ue000", "\ue001"

# A web address or an e-mail address: kept exactly as written.
_PROTECTED = re.compile(r"\ue000[^\ue001]*\ue001|(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# Ordinary spaces (if any) before a mark that takes a space, after a character that is not itself a space or the
# start of the text; a colon between two digits (12:30, 4:3) is a time or a ratio, not punctuation.
_BEFORE_HIGH = re.compile(r"(?<=[^\s\u00a0\u202f])[ \t]*([;!?])")
_BEFORE_COLON = re.compile(r"(?<=[^\s\u00a0\u202f])[ \t]*(:)(?!(?<=\d:)\d)")
_AFTER_OPENING = re.compile(r"«[ \t]*(?=[^\s\u00a0\u202f])")
_BEFORE_CLOSING = re.compile(r"(?<=[^\s\u00a0\u202f])[ \t]*»")


def french_spacing(text: str, narrow: str = NNBSP) -> str:
    """``text`` with French no-break spaces inside « » and before : ; ! ? (``narrow`` for all but the colon).

    Only a mark directly after a word or a closing sign is spaced: the second mark of ``?!`` gets no space of its own.
    """
    protected: list[tuple[int, int]] = []

    def inside(position: int) -> bool:
        return any(start <= position < end for start, end in protected)

    def before_mark(space: str) -> Callable[[re.Match[str]], str]:
        def replace(match: re.Match[str]) -> str:
            mark = match.group(1)
            if inside(match.start(1)):
                return match.group()
            if match.group() == mark and match.string[match.start() - 1] in ";:!?":
                return mark  # ?! : one space, before the first mark
            return space + mark

        return replace

    def guillemet(replacement: str) -> Callable[[re.Match[str]], str]:
        return lambda match: match.group() if inside(match.start()) else replacement

    passes = (
        (_BEFORE_HIGH, before_mark(narrow)),
        (_BEFORE_COLON, before_mark(NBSP)),
        (_AFTER_OPENING, guillemet("«" + narrow)),
        (_BEFORE_CLOSING, guillemet(narrow + "»")),
    )
    for pattern, replace in passes:
        protected = [match.span() for match in _PROTECTED.finditer(text)]  # found again: a pass shifts them
        text = pattern.sub(replace, text)
    return text


def typeset(text: str, language: str, narrow: str = NNBSP) -> str:
    """``text`` as it should be set in ``language``: French spacing for French, unchanged for any other language.

    ``narrow`` is the space used inside « » and before ; ! ? (a font without U+202F can ask for U+00A0).
    """
    text = french_spacing(text, narrow) if language == FRENCH else text
    return text.replace(_KEEP_OPEN, "").replace(_KEEP_CLOSE, "") if _KEEP_OPEN in text else text


def as_written(text: str, language: str = "en") -> str:
    """``text`` (in ``language``) marked to be set as written inside text typeset for another language: no French
    spacing inside an English or Dutch title, name or quotation. Only for text that goes through :func:`typeset`
    (which takes the marks away)."""
    return text if language == FRENCH or not text else f"{_KEEP_OPEN}{text}{_KEEP_CLOSE}"


def separator(language: str) -> str:
    """The "; " between the items of a list (sources), spaced as ``language`` sets it."""
    return NNBSP + "; " if language == FRENCH else "; "


def colon(language: str) -> str:
    """A colon after a label ("Source:"), spaced as ``language`` sets it."""
    return NBSP + ":" if language == FRENCH else ":"
