"""Every error the explorer raises derives from :class:`ExplorerError`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

_MISSING = object()


class ExplorerError(Exception):
    """Root of all the explorer's own exceptions."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content: where it is, what is wrong, and the value found."""

    file: str
    record: str
    field: str
    message: str
    value: object = _MISSING

    def __str__(self) -> str:
        parts = [self.file]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        text = ": ".join(parts) + ": " + self.message
        if self.value is not _MISSING:
            text += f" (got {_show(self.value)})"
        return text


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class ContentError(ExplorerError):
    """The content in ``data/`` has one or more problems; all of them are in ``problems``."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the explorer's content"
        super().__init__(head + ":\n" + "\n".join(f"  {p}" for p in self.problems))
