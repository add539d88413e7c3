"""Formatted sheets and reproducible .xlsx files (openpyxl), shared by every export.

A sheet is a header row (bold, shaded, frozen, with an autofilter) over rows of plain values,
each cell with its own number format. A workbook is saved with fixed document times (derived
from the report year) and fixed zip entry times, so two builds of the same inputs give the same
bytes, not only the same cells (SPEC §6).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from analysis.book.files import write_bytes_atomic

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
CREATOR = "analysis (методический центр)"


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


def document_time(year: int) -> dt.datetime:
    """The fixed created/modified time of a year's workbooks: 31 December of the year."""
    year = min(max(int(year), 1980), 2107)  # the zip format's range of years
    return dt.datetime(year, 12, 31)


class _StableZip(zipfile.ZipFile):
    """A zip whose entries all carry one fixed time and fixed permissions."""

    def __init__(self, file: io.BytesIO, stamp: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._stamp = stamp.timetuple()[:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(str(zinfo_or_arcname), date_time=self._stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        # openpyxl writes each worksheet through a temporary file: take its bytes, not its mtime
        self.writestr(arcname or str(filename), Path(filename).read_bytes())


def workbook_bytes(wb: Workbook, year: int, title: str = "") -> bytes:
    """The .xlsx file of `wb`, byte-for-byte the same for the same content and year."""
    stamp = document_time(year)
    props = wb.properties
    props.created = props.modified = stamp
    props.creator, props.lastModifiedBy, props.title = CREATOR, None, title or None
    buffer = io.BytesIO()
    ExcelWriter(wb, _StableZip(buffer, stamp)).save()  # not save_workbook: it stamps `now`
    return buffer.getvalue()


def save(wb: Workbook, path: Path, year: int, title: str = "") -> Path:
    """Write the workbook atomically (a reader never sees half a file)."""
    write_bytes_atomic(Path(path), workbook_bytes(wb, year, title))
    return Path(path)
