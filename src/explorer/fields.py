"""Reading one TOML record field by field, collecting every problem instead of stopping."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from explorer.errors import Problem
from explorer.model import DEFAULT_LANGUAGE, Text

TRANSLATIONS = ("fr", "nl")  # languages every text should have besides English


class Findings(list):
    """The problems found while reading, plus (separately) the missing translations, which are not errors."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: list[Problem] = []


ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")
URL_PATTERN = re.compile(r"https?://[^\s/$.?#][^\s]*")


class RecordReader:
    """Reads the fields of one record (a TOML table), noting problems in a shared list."""

    def __init__(self, problems: list[Problem], file: str, kind: str, raw: object, position: int):
        self.problems = problems
        self.file = file
        self.kind = kind
        self.raw: dict = raw if isinstance(raw, dict) else {}
        raw_id = self.raw.get("id")
        self.label = f"{kind} {raw_id!r}" if isinstance(raw_id, str) and raw_id else f"{kind} #{position}"
        if not isinstance(raw, dict):
            self.problem("", "must be a table of fields", raw)

    def problem(self, field: str, message: str, *value: object) -> None:
        self.problems.append(Problem(self.file, self.label, field, message, *value))

    def _get(self, field: str, required: bool) -> object | None:
        if field not in self.raw:
            if required:
                self.problem(field, "is required but missing")
            return None
        return self.raw[field]

    def identifier(self) -> str:
        value = self._get("id", True)
        if value is None:
            return ""
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.problem("id", "must be lower-case letters, digits and single hyphens, like 'moeraske'", value)
            return ""
        return value

    def string(self, field: str, required: bool = True) -> str:
        value = self._get(field, required)
        if value is None:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(field, "must be a non-empty string", value)
            return ""
        return value.strip()

    def url(self, field: str) -> str:
        value = self.string(field, required=False)
        if value and not URL_PATTERN.fullmatch(value):
            self.problem(field, "must be a web address starting with http:// or https://", value)
            return ""
        return value

    def text(self, field: str, required: bool = True) -> Text | None:
        """A text field: a table of language code to string, with 'en'; or a plain string, the same in every language."""
        value = self._get(field, required)
        if value is None:
            return None
        same_everywhere = isinstance(value, str)  # a plain string: a name that is the same in every language
        if same_everywhere:
            value = {DEFAULT_LANGUAGE: value}
        if not isinstance(value, dict):
            self.problem(field, 'must be a string or a table of languages like { en = "..." }', value)
            return None
        pairs: list[tuple[str, str]] = []
        ok = True
        for language, item in value.items():
            if not isinstance(language, str) or not LANGUAGE_PATTERN.fullmatch(language):
                self.problem(f"{field}.{language}", "is not a two-letter language code")
                ok = False
            elif not isinstance(item, str) or not item.strip():
                self.problem(f"{field}.{language}", "must be a non-empty string", item)
                ok = False
            else:
                pairs.append((language, item.strip()))
        if DEFAULT_LANGUAGE not in value:
            self.problem(f"{field}.{DEFAULT_LANGUAGE}", "is required but missing (English is the fallback)")
            ok = False
        missing = getattr(self.problems, "missing", None)
        if missing is not None and not same_everywhere:
            for language in TRANSLATIONS:
                if language not in value:
                    missing.append(Problem(self.file, self.label, f"{field}.{language}", "translation missing; English is shown"))
        return Text(tuple(pairs)) if ok else None

    def translations(self, field: str) -> tuple[tuple[str, str], ...]:
        """An optional table of language code to our translation of a quotation (no English required)."""
        value = self._get(field, False)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.problem(field, 'must be a table of languages like { fr = "..." }', value)
            return ()
        result = []
        for language, item in value.items():
            if not LANGUAGE_PATTERN.fullmatch(language) or not isinstance(item, str) or not item.strip():
                self.problem(f"{field}.{language}", "must be a non-empty string under a two-letter language code", item)
            else:
                result.append((language, item.strip()))
        missing = getattr(self.problems, "missing", None)
        if missing is not None:
            for language in TRANSLATIONS:
                if language not in value:
                    missing.append(Problem(self.file, self.label, f"{field}.{language}", "translation missing; English is shown"))
        return tuple(result)

    def number(self, field: str, low: float, high: float) -> float:
        value = self._get(field, True)
        if value is None:
            return math.nan
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            self.problem(field, f"must be a number between {low:g} and {high:g}", value)
            return math.nan
        return float(value)

    def integer(self, field: str, low: int, high: int, required: bool = True) -> int:
        value = self._get(field, required)
        if value is None:
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(field, f"must be a whole number between {low} and {high}", value)
            return 0
        return value

    def choice(self, field: str, options: Sequence[str], required: bool = True) -> str:
        value = self._get(field, required)
        if value is None:
            return ""
        if value not in options:
            self.problem(field, f"must be one of {', '.join(options)}", value)
            return ""
        return str(value)

    def ids(self, field: str, required: bool = False, options: Sequence[str] | None = None) -> tuple[str, ...]:
        """A list of ids (or of fixed options); each must be a valid id, none repeated."""
        value = self._get(field, required)
        if value is None:
            return ()
        if not isinstance(value, list) or (required and not value):
            self.problem(field, "must be a non-empty list of ids" if required else "must be a list of ids", value)
            return ()
        result: list[str] = []
        for item in value:
            if options is not None and item not in options:
                self.problem(field, f"must only hold {', '.join(options)}", item)
            elif options is None and (not isinstance(item, str) or not ID_PATTERN.fullmatch(item)):
                self.problem(field, "must hold ids like 'moeraske'", item)
            elif item in result:
                self.problem(field, "lists the same id twice", item)
            else:
                result.append(item)
        return tuple(result)

    def points(self, field: str, minimum: int) -> tuple[tuple[float, float], ...]:
        """A list of at least ``minimum`` [lat, lon] pairs (one bare pair when ``minimum`` is 1)."""
        value = self._get(field, True)
        if value is None:
            return ()
        pairs = [value] if minimum == 1 else value
        shape = "a [lat, lon] pair" if minimum == 1 else f"a list of at least {minimum} [lat, lon] pairs"
        if not isinstance(pairs, list) or len(pairs) < minimum or (minimum == 1 and (not isinstance(value, list) or len(value) != 2)):
            self.problem(field, f"must be {shape}", value)
            return ()
        result = []
        for position, pair in enumerate(pairs, start=1):
            where = field if minimum == 1 else f"{field}[{position}]"
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or any(isinstance(x, bool) or not isinstance(x, int | float) for x in pair)
                or not (-90 <= pair[0] <= 90 and -180 <= pair[1] <= 180)
            ):
                self.problem(where, "must be [lat, lon] with lat from -90 to 90 and lon from -180 to 180", pair)
                return ()
            result.append((float(pair[0]), float(pair[1])))
        return tuple(result)

    def names(self, field: str) -> tuple[str, ...]:
        """A required, non-empty list of non-empty strings (e.g. language names)."""
        value = self._get(field, True)
        if value is None:
            return ()
        if not isinstance(value, list) or not value or not all(isinstance(x, str) and x.strip() for x in value):
            self.problem(field, "must be a non-empty list of names", value)
            return ()
        return tuple(x.strip() for x in value)

    def reference(self, field: str, required: bool = True) -> str:
        value = self._get(field, required)
        if value is None:
            return ""
        if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
            self.problem(field, "must be an id like 'moeraske'", value)
            return ""
        return value

    def no_other_fields(self, allowed: Sequence[str]) -> None:
        for name in self.raw:
            if name not in allowed:
                self.problem(name, f"is not a known field (known: {', '.join(allowed)})")
