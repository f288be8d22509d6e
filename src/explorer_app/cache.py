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


BUDGET = 64 * 1024 * 1024  # bytes of derived values kept per content (postcards are ~0.2 MB each)


def _size(value: object) -> int:
    """About how much memory a derived value holds: its bytes, or a kilobyte for anything else."""
    if isinstance(value, bytes | str):
        return len(value)
    if isinstance(value, tuple):
        return sum(_size(item) for item in value)
    return 1024


class Loaded:
    """The content of one version of the data files, with everything built from it."""

    def __init__(self, signature: str, content: Content | tuple[Problem, ...], budget: int = BUDGET) -> None:
        self.signature = signature
        self.content = content
        self._derived: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._budget = budget
        self._lock = threading.Lock()

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for ``key``, built once for this content; the least recently used go first when the values
        kept pass ``budget`` bytes (a kiosk's visitors drawing postcards all day stay within it)."""
        found = self._derived.get(key)
        if found is not None:
            with self._lock:
                if key in self._derived:
                    self._derived.move_to_end(key)
            return found[0]  # type: ignore[return-value]
        value = build()  # outside the lock: a slow build (a PDF) does not hold up other visitors
        size = _size(value)
        with self._lock:
            if key not in self._derived:
                self._derived[key] = (value, size)
                self._size += size
            while self._size > self._budget and len(self._derived) > 1:
                _, (_, dropped) = self._derived.popitem(last=False)
                self._size -= dropped
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
        signature = "|".join([str(data_dir), *(_stamp(data_dir / name) for name in FILES), *(_stamp(path) for path in _LIBRARY_FILES)])
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
