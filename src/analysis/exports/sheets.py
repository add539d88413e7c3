"""Formatted sheets and reproducible .xlsx files (openpyxl), shared by every export.

A sheet is a header row (bold, shaded, frozen, with an autofilter) over rows of plain values,
each cell with its own number format. Workbooks are saved byte-stable through
`analysis.files.save_workbook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from analysis.files import save_workbook

# Number formats in the file's invariant syntax: «,» is the thousands separator, which Russian
# Excel/LibreOffice display as a space («# ##0»); a literal space here would group only once.
PERCENT_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
HOURS_FORMAT = "#,##0.0"
UNIT_FORMATS = {"%": PERCENT_FORMAT, "чел.": COUNT_FORMAT, "ед.": COUNT_FORMAT,
                "чел.-ч": HOURS_FORMAT}  # SPEC §5 units
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EA")  # the book's pale slate
HEADER_ALIGN = Alignment(wrap_text=True, vertical="top")
WRAP_ALIGN = Alignment(wrap_text=True, vertical="top")
MIN_WIDTH, MAX_WIDTH, NUMBER_WIDTH = 8, 60, 11  # column widths, in characters
WRAP_WIDTH = 50  # a wrapped column of long texts: lines of about this many characters


def new_workbook() -> Workbook:
    """An empty workbook (openpyxl's default sheet removed)."""
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def cell_value(value: object) -> object:
    """A value openpyxl can store: None for every kind of missing, plain Python numbers."""
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
    wb: Workbook,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    formats: Sequence[Sequence[str | None]] | None = None,
    wrap: Sequence[str] = (),
) -> Worksheet:
    """A sheet of `rows` under `headers`: frozen header row, autofilter, widths, formats.

    `formats[i][j]` is the number format of row i, column j (None: General); columns named in
    `wrap` wrap their text (indicator names, recommendation texts) at about `WRAP_WIDTH`.
    """
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    wrapped = {j for j, h in enumerate(headers) if h in wrap}
    for i, row in enumerate(rows):
        ws.append([cell_value(v) for v in row])
        row_formats = formats[i] if formats is not None else ()
        for j in range(len(row)):  # not ws[ws.max_row]: max_row scans every cell (O(n²))
            cell = ws.cell(row=i + 2, column=j + 1)
            if j < len(row_formats) and row_formats[j]:
                cell.number_format = row_formats[j]
            if j in wrapped:
                cell.alignment = WRAP_ALIGN
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(max(1, len(headers)))}{max(1, len(rows) + 1)}"
    for j, header in enumerate(headers):
        width = _width(header, [r[j] for r in rows], j in wrapped)
        ws.column_dimensions[get_column_letter(j + 1)].width = width
    return ws


def _width(header: str, values: list[object], wrapped: bool) -> float:
    """Width of a column: its longest text (numbers: a fixed width), within bounds."""
    longest = max([len(w) for w in str(header).split()] or [0])  # headers wrap by word
    for value in values:
        value = cell_value(value)
        if isinstance(value, bool) or value is None:
            continue
        size = NUMBER_WIDTH if isinstance(value, (int, float)) else len(str(value))
        longest = max(longest, size)
    return float(min(WRAP_WIDTH if wrapped else MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def save(wb: Workbook, path: Path, year: int, title: str = "") -> Path:
    """Write the workbook atomically, byte-stable for the year (`analysis.files`)."""
    return save_workbook(wb, path, year, title)
