"""The problems ingest finds, and how they read in Russian (SPEC §4).

Every problem names its place as `file › sheet › строка N › column: value — what is wrong`;
parts that do not apply (a whole file, a whole sheet, a whole column) are dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from analysis.ingest.lookalike import reveal

ERROR = "ошибка"
WARNING = "предупреждение"
_LEVEL_RANK = {ERROR: 0, WARNING: 1}  # errors first, then warnings
_MAX_VALUE_CHARS = 80  # a pasted paragraph in a cell should not swamp the message
MAX_SAME = 20  # rows shown per kind of problem and column; the rest become one summary line


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
    """Collects every problem found (not only the first) and hands them back in a stable order.

    One kind of problem in one column of one sheet is listed for its first `MAX_SAME` rows,
    then summarised as «и ещё N строк с той же ошибкой»: a value pasted down a whole column
    gives a short list, not a million lines. The kind is the message unless the caller names
    it (messages that carry a row number or a value differ row by row).
    """

    def __init__(self) -> None:
        self._items: list[tuple[tuple, Problem]] = []
        self._counts: dict[tuple, int] = {}
        self._last: dict[tuple, tuple[tuple, Place]] = {}  # the last row shown of a full group
        self._levels = {ERROR: 0, WARNING: 0}

    def add(
        self, level: str, place: Place, message: str, value: object = None, kind: str | None = None
    ) -> None:
        group = (level, place.file, place.sheet, place.column, kind or message)
        seen = self._counts.get(group, 0) + 1
        self._counts[group] = seen
        self._levels[level] += 1
        if seen > MAX_SAME:
            return
        shown = None if value is None else show(value)
        key = (_LEVEL_RANK[level], place.key(), len(self._items))
        self._items.append((key, Problem(level, message, place, shown)))
        if seen == MAX_SAME:
            self._last[group] = (key, place)

    def over_cap(self, level: str, place: Place, column: str, kind: str, n: int = 1) -> bool:
        """Count `n` problems without building them when their group is already full (hot
        loops); False, counting nothing, while the group still has room."""
        group = (level, place.file, place.sheet, column, kind)
        seen = self._counts.get(group, 0)
        if seen < MAX_SAME:
            return False
        self._counts[group] = seen + n
        self._levels[level] += n
        return True

    def error(
        self, place: Place, message: str, value: object = None, kind: str | None = None
    ) -> None:
        self.add(ERROR, place, message, value, kind)

    def warning(
        self, place: Place, message: str, value: object = None, kind: str | None = None
    ) -> None:
        self.add(WARNING, place, message, value, kind)

    @property
    def has_errors(self) -> bool:
        return self._levels[ERROR] > 0

    def count(self, level: str) -> int:
        """Problems of a level, those summarised included."""
        return self._levels[level]

    def ordered(self) -> list[Problem]:
        """Errors, then warnings; within each by year, form, file, sheet, row and column; each
        summary line right after the last row shown of its group."""
        items = list(self._items)
        for group, (key, place) in self._last.items():
            hidden = self._counts[group] - MAX_SAME
            if hidden > 0:
                same = "с той же ошибкой" if group[0] == ERROR else "с тем же предупреждением"
                summary = Problem(
                    group[0], f"и ещё {hidden} {_rows(hidden)} {same}", place.at(row=None)
                )
                items.append(((*key[:2], key[2] + 0.5), summary))
        return [p for _, p in sorted(items, key=lambda item: item[0])]


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian form for n: 1 строка, 2 строки, 5 строк, 21 строка."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def _rows(n: int) -> str:
    return plural(n, "строка", "строки", "строк")


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
        text = " ".join(reveal(str(value)).split())  # one line; invisible characters shown
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 1] + "…"
    return text
