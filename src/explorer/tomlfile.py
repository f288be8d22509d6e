"""Reading TOML (the content files and the settings file) with a limit on how deeply values nest.

Python's TOML reader follows nested arrays and tables recursively: a file of 3,000 nested brackets ends in a
``RecursionError`` thousands of lines long. No content or setting needs more than a few levels, so anything
deeper than ``MAX_DEPTH`` is refused with a sentence, like any other problem with a file.
"""

from __future__ import annotations

import tomllib

MAX_DEPTH = 32


class TooDeep(ValueError):
    """The text nests arrays or tables more deeply than ``MAX_DEPTH``."""


def parse_toml(text: str, max_depth: int = MAX_DEPTH) -> dict:
    """``tomllib.loads(text)``, refusing values nested more than ``max_depth`` levels (``TooDeep``); a
    ``tomllib.TOMLDecodeError`` for text that is not TOML."""
    try:
        table = tomllib.loads(text)
    except RecursionError:
        raise TooDeep(f"nests arrays or tables too deeply to be read (at most {max_depth} levels)") from None
    pending: list[tuple[object, int]] = [(table, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > max_depth:
            raise TooDeep(f"nests arrays or tables more than {max_depth} levels deep")
        if isinstance(value, dict):
            pending += [(item, depth + 1) for item in value.values()]
        elif isinstance(value, list):
            pending += [(item, depth + 1) for item in value]
    return table
