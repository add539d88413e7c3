"""Formatted sheets and reproducible .xlsx files, shared by every export.

A sheet is a header row (bold, shaded, frozen, with an autofilter) over rows of plain values,
each cell with its own number format. The sheets are collected (`new_workbook`, `add_sheet`)
and written at once by `save` through xlsxwriter, which writes a large workbook several times
faster than openpyxl (the build writes one per institution every year). The file is
byte-stable: fixed document times (`analysis.files.document_time`) and zip entry times; and
text stays text — xlsxwriter is told never to turn a string into a formula, a number or a link
(SPEC §6: a value from the forms that starts with `=` is stored as text).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from analysis.catalogue import MEAN
from analysis.files import CREATOR, document_time, write_bytes_atomic

# Number formats in the file's invariant syntax: «,» is the thousands separator, which Russian
# Excel/LibreOffice display as a space («# ##0»); a literal space here would group only once.
PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.0"
DATE_FORMAT = "dd.mm.yyyy"  # a date from the forms (SPEC §3 writes dates ДД.ММ.ГГГГ)
UNIT_FORMATS = {
    "%": PERCENT_FORMAT,
    "чел.": COUNT_FORMAT,
    "ед.": COUNT_FORMAT,
    "чел.-ч": HOURS_FORMAT,
}  # SPEC §5 units
MEAN_FORMAT = "#,##0.0"  # a mean per unit (catalogue kind MEAN): 1.5 results per ПТГ, not «2»


def value_format(unit: str, kind: str | None = None) -> str | None:
    """The number format of an indicator's values: by its unit, one decimal for a mean."""
    return MEAN_FORMAT if kind == MEAN else UNIT_FORMATS.get(str(unit))


HEADER_STYLE = {  # bold on the book's pale slate, wrapped
    "bold": True,
    "bg_color": "#DDE4EA",
    "pattern": 1,
    "text_wrap": True,
    "valign": "top",
}
WRAP_STYLE = {"text_wrap": True, "valign": "top"}
MIN_WIDTH, MAX_WIDTH, NUMBER_WIDTH = 8, 60, 11  # column widths, in characters
WRAP_WIDTH = 50  # a wrapped column of long texts: lines of about this many characters
# text stays text; NaN/inf (none expected: `cell_value` empties NaN) become error cells
WRITER_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
}


@dataclass
class Sheet:
    """One sheet to write: headers, rows of values, their number formats, wrapped columns."""

    title: str
    headers: list[str]
    rows: list[list[object]]
    formats: list[Sequence[str | None]] | None
    wrapped: set[int]


@dataclass
class SheetBook:
    """The sheets of one workbook, in order (written by `save`)."""

    sheets: list[Sheet] = field(default_factory=list)

    @property
    def sheetnames(self) -> list[str]:
        return [s.title for s in self.sheets]


def new_workbook() -> SheetBook:
    """An empty workbook."""
    return SheetBook()


PLAIN = frozenset({str, int, bool})  # kinds of value a cell stores as they are


def cell_value(value: object) -> object:
    """A value a cell can store: None for every kind of missing, plain Python numbers."""
    kind = value.__class__
    if kind in PLAIN:  # most cells: the checks below cost more than the cell itself
        return value
    if kind is float:
        return None if math.isnan(value) else value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value


def add_sheet(
    wb: SheetBook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    formats: Sequence[Sequence[str | None]] | None = None,
    wrap: Sequence[str] = (),
) -> Sheet:
    """A sheet of `rows` under `headers`: frozen header row, autofilter, widths, formats.

    `formats[i][j]` is the number format of row i, column j (None: General); columns named in
    `wrap` wrap their text (indicator names, recommendation texts) at about `WRAP_WIDTH`.
    """
    sheet = Sheet(
        title,
        [str(h) for h in headers],
        [[v if v.__class__ in PLAIN else cell_value(v) for v in r] for r in rows],
        list(formats) if formats is not None else None,
        {j for j, h in enumerate(headers) if h in wrap},
    )
    wb.sheets.append(sheet)
    return sheet


def save(wb: SheetBook, path: Path, year: int, title: str = "") -> Path:
    """Write the workbook atomically, byte-stable for the year."""
    write_bytes_atomic(Path(path), workbook_bytes(wb, year, title))
    return Path(path)


def workbook_bytes(wb: SheetBook, year: int, title: str = "") -> bytes:
    """The .xlsx file: the same bytes for the same sheets and year."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WRITER_OPTIONS)
    stamp = document_time(year)
    book.set_properties({"created": stamp, "author": CREATOR, "title": title or ""})
    styles = _Styles(book)
    for sheet in wb.sheets:
        _write_sheet(book.add_worksheet(sheet.title), sheet, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    """One xlsxwriter Format per (number format, wrapped) pair, made on first use."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.header = book.add_format(HEADER_STYLE)
        self.made: dict[tuple[str | None, bool], Format | None] = {(None, False): None}

    def get(self, number_format: str | None, wrapped: bool) -> Format | None:
        key = (number_format or None, wrapped)
        if key not in self.made:
            style = dict(WRAP_STYLE) if wrapped else {}
            if number_format:
                style["num_format"] = number_format
            self.made[key] = self.book.add_format(style)
        return self.made[key]


def _write_sheet(ws: Worksheet, sheet: Sheet, styles: _Styles) -> None:
    for j, header in enumerate(sheet.headers):
        ws.write_string(0, j, header, styles.header)
    width = max([len(sheet.headers), *map(len, sheet.rows)])
    row_styles = _RowStyles(styles, sheet.wrapped, width)
    # the typed writer of each plain kind of value, looked up by its exact class (bool before
    # int); text goes to write_string, which never parses it
    writers = {
        str: ws.write_string,
        bool: ws.write_boolean,
        int: ws.write_number,
        float: ws.write_number,
    }
    for i, row in enumerate(sheet.rows, start=1):
        cell_styles = row_styles.of(sheet.formats[i - 1] if sheet.formats is not None else ())
        for j, value in enumerate(row):
            write = writers.get(value.__class__)
            if write is not None:
                write(i, j, value, cell_styles[j])
            else:  # blanks, dates, anything else
                _write_cell(ws, i, j, value, cell_styles[j], styles)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(sheet.rows) + 1) - 1, max(1, len(sheet.headers)) - 1)
    columns = list(zip_longest(*sheet.rows))  # short rows end in None, which has no width
    for j, header in enumerate(sheet.headers):
        values = columns[j] if j < len(columns) else ()
        ws.set_column(j, j, _width(header, values, j in sheet.wrapped))


class _RowStyles:
    """The style of each cell of a row by the row's number formats: a sheet's rows share a few
    lists of formats, so each list is turned into styles once."""

    def __init__(self, styles: _Styles, wrapped: set[int], width: int) -> None:
        self.styles = styles
        self.wrapped = wrapped
        self.width = width
        self.made: dict[tuple[str | None, ...], list[Format | None]] = {}

    def of(self, formats: Sequence[str | None]) -> list[Format | None]:
        key = tuple(formats)
        if key not in self.made:
            self.made[key] = [
                self.styles.get(key[j] if j < len(key) else None, j in self.wrapped)
                for j in range(self.width)
            ]
        return self.made[key]


def _write_cell(
    ws: Worksheet, row: int, col: int, value: object, style: Format | None, styles: _Styles
) -> None:
    """One value by its type: text always as text, never parsed (formula, number, link)."""
    if value is None:
        if style is not None:
            ws.write_blank(row, col, None, style)
    elif isinstance(value, str):
        ws.write_string(row, col, value, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, style)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, style)
    elif isinstance(value, (dt.datetime, dt.date)):
        ws.write_datetime(row, col, value, style or styles.get(DATE_FORMAT, False))
    else:
        ws.write_string(row, col, str(value), style)


def _width(header: str, values: Sequence[object], wrapped: bool) -> float:
    """Width of a column: its longest text (numbers: a fixed width), within bounds."""
    longest = max([len(w) for w in str(header).split()] or [0])  # headers wrap by word
    longest = max(
        longest, max((len(v) if v.__class__ is str else _size(v) for v in values), default=0)
    )
    return float(min(WRAP_WIDTH if wrapped else MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _size(value: object) -> int:
    """The width a value other than plain text asks for (none for a blank or a yes/no)."""
    if isinstance(value, bool) or value is None:
        return 0
    return NUMBER_WIDTH if isinstance(value, (int, float)) else len(str(value))
