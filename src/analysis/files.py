"""Writing files safely: atomically (a reader, or a failed run, never sees half a file) and,
for workbooks, byte-stable (openpyxl stamps the current time into every file it saves; here the
document and zip entry times are fixed, so the same content gives the same bytes — SPEC §6)."""

from __future__ import annotations

import datetime as dt
import io
import os
import secrets
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from analysis.machine_errors import machine_error

if TYPE_CHECKING:  # openpyxl is imported where a workbook is written: every build imports this
    from openpyxl import Workbook

CREATOR = "analysis (методический центр)"
UNDATED_YEAR = 2000  # the stamp of workbooks that belong to no report year (validation report)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and `os.replace`.

    A full disk, a denied or read-only folder is a `MachineError` naming the folder (the
    temporary file is gone, the previous file stays)."""
    path = Path(path)
    try:
        _write_bytes_atomic(path, data)
    except OSError as exc:
        mapped = machine_error(exc, path.parent)
        if mapped is None:
            raise
        raise mapped from exc


def _write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The name is chosen before the file exists, so a signal that lands anywhere (even inside
    # the call that creates it) still finds the name to remove. Mode 0666 less the umask: an
    # ordinary new file, readable by whoever shares the folder (mkstemp's 0600 is not).
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str) -> None:
    """UTF-8 text, written atomically (line ends as given)."""
    write_bytes_atomic(path, text.encode("utf-8"))


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


def strings_as_text(wb: Workbook) -> Workbook:
    """Store every string as text (SPEC §6): openpyxl turns a value starting with `=` into a live
    formula, so a school named `=HYPERLINK(…)` would act in the reader's Excel. The project
    writes no formulas of its own, so no cell of any workbook it writes may be one."""
    for ws in wb.worksheets:
        if not hasattr(ws, "iter_rows"):  # write-only: guarded row by row by `text_row`
            continue
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    return wb


def text_row(ws, values) -> list:
    """A row for a write-only sheet's `append`, each string that openpyxl would store as a
    formula wrapped as a text cell (the write-only twin of `strings_as_text`)."""
    return [_text_cell(ws, v) if isinstance(v, str) and v.startswith("=") else v for v in values]


def _text_cell(ws, value: str):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    return cell


def workbook_bytes(wb: Workbook, year: int | None = None, title: str = "") -> bytes:
    """The .xlsx file of `wb`, byte-for-byte the same for the same content and year, with every
    string stored as text."""
    from openpyxl.writer.excel import ExcelWriter

    strings_as_text(wb)
    stamp = document_time(UNDATED_YEAR if year is None else year)
    props = wb.properties
    props.created = props.modified = stamp
    props.creator, props.lastModifiedBy, props.title = CREATOR, None, title or None
    buffer = io.BytesIO()
    ExcelWriter(wb, _StableZip(buffer, stamp)).save()  # not save_workbook: it stamps `now`
    return buffer.getvalue()


def save_workbook(wb: Workbook, path: Path, year: int | None = None, title: str = "") -> Path:
    """Write the workbook atomically and byte-stable for the year."""
    write_bytes_atomic(Path(path), workbook_bytes(wb, year, title))
    return Path(path)
