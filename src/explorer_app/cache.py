"""The explorer's one cache: the settings, the content, and everything built from them, once per process.

Every page run, the map's data route and the downloads ask here. The settings are read again when the
environment or the settings file changes; the content when a data file (or the library reading it) changes.
Whatever is derived from the content (rendered maps, overlays, handouts, postcards) is kept under the content's
version and dropped with it, so an edit in ``data/`` shows at the next page load without a restart.

A plain dictionary behind a lock rather than ``st.cache_resource``: the map's data route runs outside any
script run, and a lookup here costs less than Streamlit's hashing of the arguments.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

import explorer
from explorer.errors import ContentError, Problem
from explorer.loader import FILES, load_content
from explorer.model import Content
from explorer.settings import DEFAULT_SETTINGS_FILE, SETTINGS, SETTINGS_FILE_VARIABLE, Settings, SettingsError, load_settings

T = TypeVar("T")
_SETTING_VARIABLES = frozenset({SETTINGS_FILE_VARIABLE} | {variable for variable, _ in SETTINGS.values()})
_LIBRARY_FILES = tuple(sorted(Path(explorer.__file__).parent.glob("*.py")))


def _stamp(path: Path) -> str:
    try:
        stat = path.stat()
        return f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}"
    except OSError:
        return f"{path.name}:missing"


class Loaded:
    """The content of one version of the data files, with everything built from it."""

    def __init__(self, signature: str, content: Content | tuple[Problem, ...], limit: int = 512) -> None:
        self.signature = signature
        self.content = content
        self._derived: OrderedDict[Hashable, object] = OrderedDict()
        self._limit = limit
        self._lock = threading.Lock()

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for ``key``, built once for this content (a hit takes no lock; the least used go first)."""
        try:
            return self._derived[key]  # type: ignore[return-value]
        except KeyError:
            pass
        value = build()  # outside the lock: a slow build (a PDF) does not hold up other visitors
        with self._lock:
            self._derived[key] = value
            while len(self._derived) > self._limit:
                self._derived.popitem(last=False)
        return value


class ExplorerCache:
    def __init__(self) -> None:
        self._settings: tuple[str, Settings | tuple[Problem, ...]] | None = None
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()

    def settings(self) -> Settings | tuple[Problem, ...]:
        """The validated settings, or every problem with them."""
        environment = tuple(sorted((k, v) for k, v in os.environ.items() if k in _SETTING_VARIABLES))
        file = Path(os.environ.get(SETTINGS_FILE_VARIABLE) or DEFAULT_SETTINGS_FILE)
        key = repr((environment, _stamp(file), str(file)))
        found = self._settings
        if found is None or found[0] != key:
            try:
                value: Settings | tuple[Problem, ...] = load_settings(dict(environment))
            except SettingsError as exc:
                value = exc.problems
            found = self._settings = (key, value)
        return found[1]

    def loaded(self, data_dir: Path) -> Loaded:
        """The content of ``data_dir`` (or every problem with it), read again when a file changes."""
        signature = "|".join([str(data_dir), *(_stamp(data_dir / name) for name in FILES),
                              *(_stamp(path) for path in _LIBRARY_FILES)])
        current = self._loaded
        if current is not None and current.signature == signature:
            return current
        with self._lock:
            if self._loaded is None or self._loaded.signature != signature:
                try:
                    content: Content | tuple[Problem, ...] = load_content(data_dir)
                except ContentError as exc:
                    content = exc.problems
                self._loaded = Loaded(signature, content)
            return self._loaded


CACHE = ExplorerCache()
