"""The problems ingest finds, and how they read in Russian (SPEC §4).

Every problem names its place as `file › sheet › строка N › column: value — what is wrong`;
parts that do not apply (a whole file, a whole sheet, a whole column) are dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

ERROR = "ошибка"
WARNING = "предупреждение"
_LEVEL_RANK = {ERROR: 0, WARNING: 1}  # errors first, then warnings
_MAX_VALUE_CHARS = 80  # a pasted paragraph in a cell should not swamp the message


@dataclass(frozen=True)
class Place:
    """Where a problem is: the file (relative to the raw folder), sheet, Excel row and column.

    The ranks (year, form, sheet and column order of the contract) only order the messages.
    """

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""
    year: int = 0
    form_rank: int = -1
    sheet_rank: int = -1
    col_rank: int = -1

    def at(self, **changes: object) -> Place:
        """The same place with some parts filled in (row, column …)."""
        return replace(self, **changes)

    def key(self) -> tuple:
        return (self.year, self.form_rank, self.file, self.sheet_rank, self.row or 0, self.col_rank)


@dataclass(frozen=True)
class Problem:
    """One finding: its level (ERROR or WARNING), place, offending value and message."""

    level: str
    message: str
    place: Place = field(default_factory=Place)
    value: str | None = None

    def line(self) -> str:
        """`file › sheet › строка N › column: value — message`, without the parts that are absent."""
        parts = [p for p in (self.place.file, self.place.sheet) if p]
        if self.place.row is not None:
            parts.append(f"строка {self.place.row}")
        head = " › ".join(parts)
        column = self.place.column
        if column and self.value is not None:
            column = f"{column}: {self.value}"
        elif self.value is not None:
            head = f"{head}: {self.value}" if head else self.value
        if column:
            head = f"{head} › {column}" if head else column
        return f"{head} — {self.message}" if head else self.message


class Problems:
    """Collects every problem found (not only the first) and hands them back in a stable order."""

    def __init__(self) -> None:
        self._items: list[tuple[tuple, Problem]] = []

    def add(self, level: str, place: Place, message: str, value: object = None) -> None:
        shown = None if value is None else show(value)
        key = (_LEVEL_RANK[level], place.key(), len(self._items))
        self._items.append((key, Problem(level, message, place, shown)))

    def error(self, place: Place, message: str, value: object = None) -> None:
        self.add(ERROR, place, message, value)

    def warning(self, place: Place, message: str, value: object = None) -> None:
        self.add(WARNING, place, message, value)

    @property
    def has_errors(self) -> bool:
        return any(p.level == ERROR for _, p in self._items)

    def count(self, level: str) -> int:
        return sum(1 for _, p in self._items if p.level == level)

    def ordered(self) -> list[Problem]:
        """Errors, then warnings; within each by year, form, file, sheet, row and column."""
        return [p for _, p in sorted(self._items, key=lambda item: item[0])]


def show(value: object) -> str:
    """A cell value as the user typed it: 12.0 → 12, 12.5 → 12,5, dates as ДД.ММ.ГГГГ."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    elif isinstance(value, dt.datetime):
        text = (
            value.strftime("%d.%m.%Y")
            if value.time() == dt.time()
            else value.strftime("%d.%m.%Y %H:%M")
        )
    elif isinstance(value, dt.date):
        text = value.strftime("%d.%m.%Y")
    else:
        text = " ".join(str(value).split())  # a line break in a cell would break the one-line rule
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text
