"""Reading the data rows of one sheet into `SheetData` (SPEC §3): every cell accounted for.

Blank cells, cells holding an error value or a formula without its value (`CellFault`), and
values that do not parse are each reported with their place; the causes a school can act on are
named (a totals row, merged cells, rows far below the table, columns without a header). One
kind of problem is listed for 20 rows per column, then counted (`Problems`).
"""

from __future__ import annotations

import itertools
import re
import unicodedata

from analysis.ingest import cells, workbooks
from analysis.ingest.header import HEADER_SEARCH_ROWS, find_header
from analysis.ingest.problems import ERROR, MAX_SAME, Place, Problems, plural
from analysis.ingest.sheetxml import CellFault, column_letter
from analysis.text import normalize

FAR_GAP = 1000  # blank rows after which a value is "far below the table", reported once


def _has_value(value: object) -> bool:
    return not cells.is_blank(value)


class SheetReader:
    """Reads one sheet of one file into `SheetData`: header, rows, and the causes it can name.

    Row 1 must hold the header (SPEC §3). When it does not, the first rows are searched for
    the header, so the message can say where it is instead of listing every column as missing.
    """

    def __init__(self, data, reading: workbooks.SheetReading, place: Place) -> None:
        self.data, self.reading, self.place = data, reading, place
        self.merged = reading.merged

    def read(self, parsers: dict, problems: Problems) -> bool:
        """Parse the rows into `data`; False when the sheet is unusable (already reported)."""
        rows = iter(self.reading.rows)
        head: list[tuple[int, list]] = []
        try:
            for number, row in rows:
                if any(_has_value(v) for v in row):
                    head.append((number, row))
                if len(head) >= HEADER_SEARCH_ROWS or number >= HEADER_SEARCH_ROWS:
                    break
            index = find_header(self.data.sheet, head, self.place, problems)
            if index is None:
                return False
            header = head[0][1]
            self._parse_rows(itertools.chain(head[1:], rows), header, index, parsers, problems)
        except workbooks.SheetBroken as exc:
            problems.error(self.place, str(exc))
            return False
        self._report_far(problems)
        return True

    # -- header -----------------------------------------------------------------------------

    # -- rows -------------------------------------------------------------------------------

    def _parse_rows(self, rows, header: list, index: dict[str, int], parsers, problems) -> None:
        """Parse every data row. The loop is the hot path of ingest (a city has ~10⁶ cells):
        blank tests are inlined and places built directly."""
        data, place = self.data, self.place
        present = []
        absent = []
        for rank, c in enumerate(data.sheet.columns):
            if c.name in index:
                present.append((index[c.name], c, rank, parsers[c.name], data.values[c.name]))
            else:  # an optional column the file does not have
                absent.append(data.values[c.name])
        width = len(header)
        unnamed = [i for i in range(width) if cells.is_blank(header[i])]
        self._unnamed: dict[int, int] = {}  # column index without header → first row with data
        last_data = 1
        beyond: list[int] = []  # rows far below the table: first, last, count
        file, sheet_name, year = place.file, place.sheet, place.year
        form_rank, sheet_rank = place.form_rank, place.sheet_rank
        places = data.places
        nfc = unicodedata.normalize
        hidden = [0] * len(present)  # rows not listed once a column's «required» group is full
        for number, row in rows:
            for value in row:  # a row is blank only when every cell is truly empty
                if (
                    value is not None
                    and value != ""
                    and not (type(value) is str and value.isspace())
                ):
                    break
            else:
                continue
            if beyond or number - last_data > FAR_GAP:
                beyond = [beyond[0] if beyond else number, number, (beyond[2] if beyond else 0) + 1]
                self._last_data = last_data
                continue
            last_data = number
            size = len(row)
            if unnamed or size > width:
                self._note_unnamed(row, number, unnamed, width)
            row_place = Place(file, sheet_name, number, "", year, form_rank, sheet_rank)
            for value in row[:3]:  # a totals row: its label sits in one of the first cells
                if (
                    type(value) is str
                    and value.lstrip()[:1] in _TOTALS_INITIALS
                    and _TOTALS.match(normalize(value))
                ):
                    problems.error(row_place, TOTALS_MESSAGE, kind="totals")
                    break
            else:
                value = None
            if value is not None:
                continue
            places.append(row_place)
            for store in absent:
                store.append(None)
            for i, (col_index, column, rank, parse, store) in enumerate(present):
                value = row[col_index] if col_index < size else None
                if value is None or value == "" or (type(value) is str and value.isspace()):
                    store.append(None)
                    if column.required:
                        if hidden[i]:
                            hidden[i] += 1
                        elif self._missing(problems, row_place, number, col_index, column, rank):
                            hidden[i] = 1
                    continue
                if type(value) is str:
                    if not value.isascii():
                        value = nfc("NFC", value)
                    if value[0] == "#" and value.strip().upper() in ERROR_TEXTS:
                        value = CellFault(error=value.strip())  # pasted from the screen as text
                if type(value) is CellFault:
                    store.append(None)
                    where = f"ячейка {column_letter(col_index)}{number}"
                    self._error(problems, row_place, column, rank, value.describe(), "fault", where)
                    continue
                try:
                    store.append(parse(value))
                except cells.CellError as exc:
                    store.append(None)
                    self._error(problems, row_place, column, rank, str(exc), None, value)
        for n, (_, column, *_) in zip(hidden, present):
            if n > 1:
                problems.over_cap(ERROR, place, column.header, "required", n - 1)
        if beyond:
            first, last, count = beyond
            filled = plural(count, "непустая", "непустые", "непустых")
            span = f"строка {first}" if count == 1 else f"строки {first}–{last} ({count} {filled})"
            problems.error(
                place,
                f"{span} — далеко ниже таблицы, которая кончается на строке "
                f"{self._last_data}: вероятно, случайно заполненные или протянутые до конца "
                "листа ячейки — удалите эти строки",
            )
        self._report_unnamed(problems)

    def _error(self, problems, row_place, column, rank, message, kind, value) -> None:
        if problems.over_cap(ERROR, row_place, column.header, kind or message):
            return
        problems.error(row_place.at(column=column.header, col_rank=rank), message, value, kind=kind)

    def _missing(self, problems, row_place, number, col_index, column, rank) -> bool:
        """Report a blank required cell; True once its group is full (the caller then only
        counts, for the «и ещё N строк» line)."""
        if problems.over_cap(ERROR, row_place, column.header, "required"):
            return True
        message = "не заполнено обязательное поле"
        area = self._merged_area(number, col_index) if col_index is not None else None
        if area:
            message += (
                f": ячейка входит в объединённую область {area}, значение есть только в её "
                "первой ячейке — отмените объединение и заполните каждую строку"
            )
        problems.error(row_place.at(column=column.header, col_rank=rank), message, kind="required")
        return False

    def _merged_area(self, number: int, col: int) -> str | None:
        for r1, c1, r2, c2 in self.merged:
            if r1 <= number <= r2 and c1 <= col <= c2 and (number, col) != (r1, c1):
                return f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        return None

    def _note_unnamed(self, row: list, number: int, unnamed: list[int], width: int) -> None:
        for i in unnamed:
            if i < len(row) and i not in self._unnamed and not cells.is_blank(row[i]):
                self._unnamed[i] = number
        for i in range(width, len(row)):
            if i not in self._unnamed and not cells.is_blank(row[i]):
                self._unnamed[i] = number

    def _report_unnamed(self, problems: Problems) -> None:
        """Data in a column with a blank header would be lost silently: say so once per column."""
        self._warn_per_column(
            problems,
            self._unnamed,
            lambda i, number: (
                f"в столбце {column_letter(i)} есть данные (первая — в строке "
                f"{number}), но нет заголовка — столбец пропущен"
            ),
            lambda more: f"и ещё {_columns(more)} с данными без заголовка — пропущены",
        )

    def _report_far(self, problems: Problems) -> None:
        """Cells right of what the XML reader keeps: one line per column, never lost silently."""
        self._warn_per_column(
            problems,
            self.reading.far,
            lambda i, number: (
                f"в ячейке {column_letter(i)}{number} (далеко справа от таблицы) "
                "есть значение — пропущено; удалите его, если оно попало туда случайно"
            ),
            lambda more: (
                f"и ещё {_columns(more)} далеко справа от таблицы со значениями — пропущены"
            ),
        )

    def _warn_per_column(self, problems: Problems, first_rows: dict[int, int], line, rest) -> None:
        """One warning per column (column index → first row), the first `MAX_SAME` columns,
        then one line counting the rest."""
        columns = sorted(first_rows.items())
        for i, number in columns[:MAX_SAME]:
            problems.warning(self.place.at(row=1, col_rank=1000 + i), line(i, number))
        if len(columns) > MAX_SAME:
            last = columns[MAX_SAME - 1][0]
            problems.warning(
                self.place.at(row=1, col_rank=1000 + last), rest(len(columns) - MAX_SAME)
            )


def _columns(n: int) -> str:
    return f"{n} {plural(n, 'столбец', 'столбца', 'столбцов')}"


# Excel's error values as a cell shows them — English and Russian Excel — when they arrive as
# text (copied from the screen and pasted as values): an error, not a name or a title.
ERROR_TEXTS = frozenset(
    [
        *("#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!"),
        *("#SPILL!", "#CALC!", "#GETTING_DATA"),
        *("#Н/Д", "#ДЕЛ/0!", "#ССЫЛКА!", "#ЗНАЧ!", "#ИМЯ?", "#ЧИСЛО!", "#ПУСТО!"),
    ]
)
_TOTALS_INITIALS = frozenset("ИиВв")
_TOTALS = re.compile(r"(итого|всего)(\s*:|\s+по\b|\s*$)")
TOTALS_MESSAGE = (
    "строка итогов («Итого», «Всего») — удалите её: итоги не вводятся в форму, их считает отчёт"
)
