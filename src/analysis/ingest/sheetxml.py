"""Reading a workbook's sheet XML directly, streaming, for what python-calamine cannot be trusted
with (SPEC §3 «a cell's value is never lost silently», §4 «never a traceback»).

python-calamine is several times faster, so clean sheets still go through it; this module
decides which sheets are not clean and reads those itself:

- `scan_sheet` makes one pass over the decompressed XML with a few C-speed byte searches and
  flags anything calamine would mishandle: an error value (`t="e"`, calamine gives ''), a formula
  (which may lack its cached value, calamine gives ''), a cell beyond column Z or below row
  199 999 (calamine allocates the whole rectangle up to it, and aborts the process natively on
  `XFD1048576`), and cells or rows whose position it cannot see cheaply.
- `iter_rows` then reads a flagged sheet with expat, row by row, keeping only the cells that
  hold something: memory follows the data, never the sheet's extent. Error values and formulas
  without a cached value come back as `CellFault`, so a row of them is not blank.

Both paths give the same Python values as calamine does (str, float, bool, date, datetime);
`tests/test_ingest_xml.py` reads the same workbooks both ways and compares.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

MAX_SHEET_XML_BYTES = 200 * 1024 * 1024  # ≈ 500 000 filled rows of the widest form: no real
# form comes near; a zip whose sheet inflates past it is refused as a decompression bomb
MAX_COLUMNS = 256  # cells right of column IV are only noted (a form has ~15 columns)
_CHUNK = 1 << 20
# What `scan` treats as "calamine may mishandle this sheet" (see the module docstring). Each
# pattern starts with a literal, so `re` finds candidates at memchr speed.
_SUSPECT = tuple(
    re.compile(p)
    for p in (
        # a cell not of the form <c r="A1"…> with one letter and a row below 200 000: beyond
        # column Z, far down, or a position that is not its first attribute
        rb'<c(?=[\s>/])(?! r="[A-Za-z](?:\d{1,5}|1\d{5})")',
        rb"<f[\s>/]",  # a formula (its cached value may be missing)
        rb":c[\s>/]",  # prefixed tags (<x:c>): positions not checked by the pattern above
    )
)
_ERROR_MARKS = (b't="e"', b"t='e'")  # an error value
_MERGE = re.compile(rb'<mergeCell ref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"')
MAX_MERGED = 10_000  # merged areas kept for hints; a form has a handful
# Excel's built-in number formats that show a date or a time (ECMA-376 §18.8.30)
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')  # quoted text, escapes, [Red], pads
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")  # OOXML's escape of control characters in text
_EPOCH_1900 = dt.datetime(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 29.02.1900)
_EPOCH_1904 = dt.datetime(1904, 1, 1)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class WorkbookXmlError(Exception):
    """The package is not a readable workbook; the message is Russian."""


class TooLarge(WorkbookXmlError):
    """A part inflates past `MAX_SHEET_XML_BYTES` (a decompression bomb, or a runaway sheet)."""


@dataclass(frozen=True)
class CellFault:
    """A cell that holds something the contract cannot read as a value: an error value
    (`#N/A`, …) or a formula whose computed value is not stored in the file."""

    error: str = ""  # the error value as stored (#N/A), or ""
    formula: str = ""  # the formula text (without "="), "" when not stored for this cell

    def describe(self) -> str:
        """What the cell holds and what to do, in Russian."""
        if self.error:
            return f"{self.error} — ошибка формулы: исправьте формулу или введите значение"
        shown = f"формула ={self.formula}" if self.formula else "формула"
        return (
            f"{shown} без вычисленного значения: откройте файл в Excel или LibreOffice "
            "и сохраните (или введите значение вместо формулы)"
        )


@dataclass(frozen=True)
class SheetScan:
    """What one pass over a sheet's XML found."""

    size: int  # bytes of XML
    suspect: bool  # calamine may mishandle it: read it with `iter_rows`
    merged: tuple[tuple[int, int, int, int], ...] = ()  # merged areas: row1, col1, row2, col2
    # (Excel row numbers, 0-based column indexes)


@dataclass
class SheetRows:
    """What `iter_rows` noticed on the way besides the rows."""

    far: dict[int, int] = field(default_factory=dict)  # column right of MAX_COLUMNS → first row


def _local(name: str) -> str:
    return name[name.rfind(":") + 1 :]


def column_letter(index: int) -> str:
    """0 → A, 27 → AB: the column name Excel shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _column_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_COLUMNS: dict[str, int] = {}  # letters → index, filled as met (a sheet uses a few)


def parse_ref(ref: str) -> tuple[int, int] | None:
    """'B3' → (row 3, column index 1); None when it is not a cell reference."""
    digits = ref.lstrip(_LETTERS)
    letters = ref[: len(ref) - len(digits)]
    column = _COLUMNS.get(letters)
    if column is None:
        if not 1 <= len(letters) <= 3 or not digits.isdigit() or not digits.isascii():
            return None
        column = _COLUMNS[letters] = _column_index(letters)
    if not digits.isdigit():
        return None
    return int(digits), column


def _unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time (d, m, y, h, s outside quotes)."""
    bare = _FORMAT_NOISE.sub("", code)
    if re.search(r"\[(h+|m+|s+)\]", code, re.IGNORECASE):  # elapsed time [h]:mm
        return True
    return bool(re.search(r"[dmyhs]", bare, re.IGNORECASE)) and "General" not in bare


def serial_to_date(serial: float, date1904: bool) -> dt.date | dt.datetime:
    """Excel's day number → a date (whole days) or a datetime (with a time of day)."""
    if date1904:
        moment = _EPOCH_1904 + dt.timedelta(days=serial)
    elif serial < 61:  # before Excel's non-existent 29.02.1900
        moment = _EPOCH_1900 + dt.timedelta(days=serial + 1)
    else:
        moment = _EPOCH_1900 + dt.timedelta(days=serial)
    moment = moment.replace(microsecond=round(moment.microsecond, -3) % 1_000_000)
    if moment.time() == dt.time():
        return moment.date()
    return moment


class Package:
    """An open .xlsx package: sheet names, shared strings, date styles; sheets read on demand."""

    def __init__(self, path: str) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise WorkbookXmlError("файл повреждён или не является книгой Excel") from exc
        self._names = {info.filename.lstrip("/").lower(): info for info in self._zip.infolist()}
        try:
            package_rels = self._rels("")  # _rels/.rels names the workbook part
            book = next((t for k, t in package_rels.values() if k == "officeDocument"), None)
            self._book = book = book or "xl/workbook.xml"
            self.sheets, self.date1904 = self._read_book(book)
        except BaseException:
            self._zip.close()
            raise
        self._strings: list[str] | None = None
        self._dates: frozenset[int] | None = None
        self._checked = False

    def close(self) -> None:
        self._zip.close()

    def info(self, part: str) -> zipfile.ZipInfo | None:
        return self._names.get(part.lstrip("/").lower())

    def _open(self, part: str):
        info = self.info(part)
        if info is None:
            raise WorkbookXmlError(f"в книге нет части {part}")
        if info.file_size > MAX_SHEET_XML_BYTES:
            raise TooLarge(_too_big(info.file_size))
        return self._zip.open(info)

    def _parse(self, part: str, start, end=None, text=None) -> None:
        """Stream one XML part through expat with the given handlers."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if text is not None:
            parser.CharacterDataHandler = text
        try:
            with self._open(part) as stream:
                parser.ParseFile(stream)
        except TooLarge:
            raise
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise WorkbookXmlError(f"часть книги {part} повреждена") from exc

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type tail, target part) of a part."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", name + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if self.info(rels_part) is None:
            return found

        def start(tag: str, attrs: dict) -> None:
            if _local(tag) == "Relationship":
                target = attrs.get("Target", "")
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
                kind = attrs.get("Type", "").rsplit("/", 1)[-1]
                found[attrs.get("Id", "")] = (kind, resolved)

        self._parse(rels_part, start)
        return found

    def _read_book(self, book: str) -> tuple[dict[str, str], bool]:
        rels = self._rels(book)
        sheets: dict[str, str] = {}
        flags = {"date1904": False}

        def start(tag: str, attrs: dict) -> None:
            local = _local(tag)
            if local == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                kind, target = rels.get(rid, ("", ""))
                if target and kind == "worksheet":
                    name = unicodedata.normalize("NFC", attrs.get("name", ""))
                    sheets.setdefault(name, target)
            elif local == "workbookPr":
                flags["date1904"] = attrs.get("date1904", "0").lower() in ("1", "true")

        self._parse(book, start)
        return sheets, flags["date1904"]

    def scan(self, name: str) -> SheetScan:
        """One pass over the sheet's XML (see the module docstring); raises on a bomb."""
        part = self.sheets[name]
        size = 0
        suspect = False
        tail = b""
        merged: list[tuple[int, int, int, int]] = []
        with self._open(part) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_SHEET_XML_BYTES:  # the declared size was a lie
                    raise TooLarge(_too_big(size))
                data = tail + chunk
                cut = data.rfind(b"<")  # a tag cut by the chunk's end waits for the next chunk
                if cut < 0 or cut < len(data) - 4096:  # ends inside a long text: no tag is cut
                    cut = len(data)
                body, tail = data[:cut], data[cut:]
                if not suspect:
                    suspect = _suspect(body)
                if b"<mergeCell " in body and len(merged) < MAX_MERGED:
                    merged.extend(_merged_areas(body))
        if tail and not suspect:
            suspect = _suspect(tail)
        return SheetScan(size, suspect, tuple(dict.fromkeys(merged)))

    def check_shared_parts(self) -> None:
        """Stream every part but the worksheets once: calamine reads the shared strings, styles
        and workbook parts whole when it opens a book, so a part that inflates past
        `MAX_SHEET_XML_BYTES` (together), or whose real size differs from the declared one
        (zipfile then fails its check), raises here before calamine sees it."""
        if self._checked:
            return
        total = 0
        for info in self._zip.infolist():
            if info.filename.lower().lstrip("/").startswith("xl/worksheets/") or info.is_dir():
                continue
            try:
                with self._zip.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_SHEET_XML_BYTES:
                            raise TooLarge(_too_big(total))
            except TooLarge:
                raise
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                raise WorkbookXmlError(f"часть книги {info.filename} повреждена") from exc
        self._checked = True

    def strings(self) -> list[str]:
        """The shared strings table (rich-text runs joined, phonetic hints dropped)."""
        if self._strings is not None:
            return self._strings
        rels = self._rels(self._book)
        part = next((t for k, t in rels.values() if k == "sharedStrings"), None)
        table: list[str] = []
        if part is not None and self.info(part) is not None:
            parts: list[str] = []
            state = {"in_t": False, "skip": 0}

            def start(tag: str, attrs: dict) -> None:
                local = _local(tag)
                if local == "t" and not state["skip"]:
                    state["in_t"] = True
                elif local == "rPh":
                    state["skip"] += 1
                elif local == "si":
                    parts.clear()

            def end(tag: str) -> None:
                local = _local(tag)
                if local == "t":
                    state["in_t"] = False
                elif local == "rPh":
                    state["skip"] -= 1
                elif local == "si":
                    table.append(unicodedata.normalize("NFC", _unescape("".join(parts))))

            def text(data: str) -> None:
                if state["in_t"]:
                    parts.append(data)

            self._parse(part, start, end, text)
        self._strings = table
        return table

    def date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles (`s`) whose number format shows a date or time."""
        if self._dates is not None:
            return self._dates
        rels = self._rels(self._book)
        part = next((t for k, t in rels.values() if k == "styles"), None)
        custom: dict[int, str] = {}
        formats: list[int] = []
        if part is not None and self.info(part) is not None:
            depth = {"xfs": False}

            def start(tag: str, attrs: dict) -> None:
                local = _local(tag)
                if local == "numFmt":
                    custom[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
                elif local == "cellXfs":
                    depth["xfs"] = True
                elif local == "xf" and depth["xfs"]:
                    formats.append(int(attrs.get("numFmtId", "0") or 0))

            def end(tag: str) -> None:
                if _local(tag) == "cellXfs":
                    depth["xfs"] = False

            self._parse(part, start, end)
        self._dates = frozenset(
            i
            for i, fmt in enumerate(formats)
            if (is_date_format(custom[fmt]) if fmt in custom else fmt in _DATE_FORMAT_IDS)
        )
        return self._dates

    def iter_rows(self, name: str, info: SheetRows) -> Iterator[tuple[int, list]]:
        """(Excel row number, values from column A, None where nothing) for every row element,
        in order. Cells right of `MAX_COLUMNS` go to `info.far`, so a row is never longer."""
        reader = _RowReader(self.strings(), self.date_styles(), self.date1904, info)
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.text
        part = self.sheets[name]
        try:
            with self._open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    if reader.done:
                        yield from reader.done
                        reader.done = []
                parser.Parse(b"", True)
        except TooLarge:
            raise
        except (expat.ExpatError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise WorkbookXmlError(f"лист повреждён ({part})") from exc
        yield from reader.done


def _suspect(data: bytes) -> bool:
    return any(mark in data for mark in _ERROR_MARKS) or any(
        pattern.search(data) for pattern in _SUSPECT
    )


def _merged_areas(data: bytes) -> Iterator[tuple[int, int, int, int]]:
    for match in _MERGE.finditer(data):
        first, _, last = match.group(1).decode("ascii").partition(":")
        start, end = parse_ref(first), parse_ref(last or first)
        if start and end:
            yield start[0], start[1], end[0], end[1]


def _too_big(size: int) -> str:
    return (
        f"лист слишком велик для формы: {size // (1024 * 1024)} МБ данных в распакованном виде "
        f"(допустимо до {MAX_SHEET_XML_BYTES // (1024 * 1024)} МБ) — файл повреждён или "
        "содержит лишние заполненные строки и столбцы: удалите их и сохраните книгу"
    )


class _RowReader:
    """expat handlers that turn `<row>`/`<c>` elements into sparse rows.

    Written for speed (it reads whole flagged sheets): tags are compared as expat gives them,
    without namespace processing; a prefixed document (`<x:c>`) gets the same handlers under
    its prefix, learnt from the root element.
    """

    def __init__(
        self, strings: list[str], dates: frozenset[int], date1904: bool, info: SheetRows
    ) -> None:
        self.strings, self.dates, self.date1904, self.info = strings, dates, date1904, info
        self.done: list[tuple[int, list]] = []
        self.row_number = 0
        self.cells: list = []  # the row's values from column A (None where nothing)
        self.row_text = ""  # the row number as written, to recognise the cell refs of the row
        self.column = -1
        self.cell_row = 0
        self.kind = "n"
        self.style: str | None = None
        self.raw: str | None = None
        self.formula: str | None = None
        self.inline: str | None = None
        self.buffer: list[str] | None = None  # text of <v>, <f> or <is><t> being collected
        self.target = ""  # which of them
        self.in_cell = False
        self.skip = 0  # inside <rPh> (phonetic hints are not the cell's text)
        self.prefix: str | None = None

    def _learn_prefix(self, tag: str) -> None:
        colon = tag.find(":")
        self.prefix = tag[: colon + 1] if colon >= 0 else ""

    def start(self, tag: str, attrs: dict) -> None:
        if self.prefix is None:
            self._learn_prefix(tag)
        if self.prefix:
            tag = tag[len(self.prefix) :] if tag.startswith(self.prefix) else ""
        if tag == "c":
            ref = attrs.get("r")
            letters = ref.rstrip("0123456789") if ref else ""
            column = _COLUMNS.get(letters)
            if column is not None and ref[len(letters) :] == self.row_text:  # the usual case
                self.cell_row, self.column = self.row_number, column
            else:
                position = parse_ref(ref) if ref else None
                if position is not None:
                    self.cell_row, self.column = position
                else:
                    self.cell_row, self.column = self.row_number, self.column + 1
            self.kind = attrs.get("t", "n")
            self.style = attrs.get("s")
            self.raw = self.formula = self.inline = None
            self.in_cell = True
        elif tag == "v" or tag == "f":
            self.buffer = []
            self.target = tag
        elif tag == "t":
            if self.in_cell and not self.skip:
                self.buffer = []
                self.target = "t"
        elif tag == "row":
            number = attrs.get("r")
            self.row_number = int(number) if number and number.isdigit() else self.row_number + 1
            self.cells = []
            self.row_text = str(self.row_number)
            self.column = -1
        elif tag == "rPh":
            self.skip += 1

    def text(self, data: str) -> None:
        if self.buffer is not None:
            self.buffer.append(data)

    def end(self, tag: str) -> None:
        if self.prefix:
            tag = tag[len(self.prefix) :] if tag.startswith(self.prefix) else ""
        if tag == "c":
            self.in_cell = False
            value = self._value()
            if value is not None:
                self._store(value)
        elif tag == "v" or tag == "f" or tag == "t":
            if self.buffer is None:
                return
            joined = "".join(self.buffer)
            self.buffer = None
            if self.target == "v":
                self.raw = joined
            elif self.target == "f":
                self.formula = joined
            else:
                self.inline = joined if self.inline is None else self.inline + joined
        elif tag == "row":
            self.done.append((self.row_number, self.cells))
            self.cells = []
        elif tag == "rPh":
            self.skip -= 1

    def _store(self, value: object) -> None:
        row, column = self.cell_row, self.column
        if column >= MAX_COLUMNS:
            self.info.far.setdefault(column, row)
        elif row == self.row_number:
            cells = self.cells
            if column >= len(cells):
                cells.extend([None] * (column + 1 - len(cells)))
            cells[column] = value
        else:  # a cell whose reference names another row: keep it where it says it is
            self.done.append((row, [None] * column + [value]))

    def _value(self) -> object:
        """The cell's value, a CellFault, or None when it holds nothing."""
        kind, raw, formula = self.kind, self.raw, self.formula
        if kind == "s" and raw:
            try:
                return self.strings[int(raw)]
            except (ValueError, IndexError):
                return CellFault(error="#ССЫЛКА_НА_СТРОКУ")
        if kind == "e":
            return CellFault(error=(raw or "").strip() or "#ОШИБКА")
        if formula is not None and (raw is None or (raw == "" and kind != "str")):
            return CellFault(formula=formula.strip())
        if kind == "inlineStr":
            text = self.inline
            return None if text is None else unicodedata.normalize("NFC", _unescape(text))
        if raw is None or raw == "":
            return "" if kind == "str" and formula is not None else None
        if kind == "str":
            return unicodedata.normalize("NFC", _unescape(raw))
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind == "d":
            try:
                moment = dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
            except ValueError:
                return raw
            return moment.date() if moment.time() == dt.time() else moment
        try:
            number = float(raw)
        except ValueError:
            return raw
        style = self.style
        if style is not None and self.dates and style.isdigit() and int(style) in self.dates:
            try:
                return serial_to_date(number, self.date1904)
            except (OverflowError, ValueError):
                return number
        return number
