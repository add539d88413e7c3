"""Finding the raw workbooks and opening them (SPEC §3, §4).

Layout: `<raw>/<year>/<form>.xlsx`, or a folder `<raw>/<year>/<form>/` of workbooks of one form
read together. Extensions and form names are matched case-insensitively. Nothing is written.

Reading: each sheet is first scanned (`sheetxml.Package.scan`); clean sheets are read by
python-calamine (several times faster than openpyxl or Python's XML parser), the others —
error values, formulas, cells far from the table — by `sheetxml`, which keeps only what the
cells hold, so no file can make memory follow the sheet's extent or abort the process.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from analysis import contract
from analysis.ingest import sheetxml
from analysis.ingest.problems import Place, Problems
from analysis.text import normalize

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})  # what calamine reads as Office Open XML
OLD_EXCEL_SUFFIX = ".xls"
_YEAR_DIR = re.compile(r"\d{4}")
_FORM_BY_KEY = {normalize(f.stem): f.stem for f in contract.FORMS}
FORM_RANK = {f.stem: i for i, f in enumerate(contract.FORMS)}
_EXPECTED = ", ".join(f"{f.stem}.xlsx" for f in contract.FORMS)
_ZIP_MAGIC = b"PK"  # .xlsx is a zip archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old .xls, or an .xlsx protected with a password


@dataclass(frozen=True)
class Source:
    """One workbook of a form: its path and its name relative to the raw folder."""

    path: Path
    label: str
    usable: bool = True  # False: named after a form but not an .xlsx (already reported)


_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})  # Windows' own files


def _ignored(path: Path) -> bool:
    """Hidden files, Excel/LibreOffice lock files (`~$…`, `.~lock…`) and the files Windows
    and macOS leave in folders are not data."""
    return path.name.startswith((".", "~$")) or path.name.lower() in _SYSTEM_FILES


def _label(raw_dir: Path, path: Path) -> str:
    return path.relative_to(raw_dir).as_posix()


def discover(raw_dir: Path, problems: Problems) -> dict[int, dict[str, list[Source]]]:
    """Year → form stem → its workbooks (sorted); unknown entries are warned about."""
    found: dict[int, dict[str, list[Source]]] = {}
    for entry in sorted(raw_dir.iterdir()):
        if _ignored(entry):
            continue
        label = _label(raw_dir, entry)
        if entry.is_dir():
            if _YEAR_DIR.fullmatch(entry.name):
                found[int(entry.name)] = _year_forms(raw_dir, entry, int(entry.name), problems)
            else:
                problems.warning(
                    Place(file=label),
                    "имя папки не является годом (ожидается, например, 2023) — папка пропущена",
                )
        elif not entry.name.lower().startswith("readme"):
            problems.warning(
                Place(file=label),
                "файл лежит вне папки года (ожидается <год>/<форма>.xlsx) — пропущен",
            )
    return found


def _year_forms(
    raw_dir: Path, year_dir: Path, year: int, problems: Problems
) -> dict[str, list[Source]]:
    """The workbooks of each form found in one year folder."""
    forms: dict[str, list[Source]] = {}
    entries: dict[str, list[str]] = {}  # form → the files and folders that claim to be it
    for entry in sorted(year_dir.iterdir()):
        if _ignored(entry):
            continue
        label = _label(raw_dir, entry)
        stem_key = normalize(entry.name if entry.is_dir() else entry.stem)
        stem = _FORM_BY_KEY.get(stem_key)
        place = Place(file=label, year=year, form_rank=FORM_RANK.get(stem or "", -1))
        if stem is None:
            what = "папка" if entry.is_dir() else "файл"
            problems.warning(
                place,
                f"{what} не соответствует ни одной форме (ожидаются: {_EXPECTED}) — пропущен(а)",
            )
        elif entry.is_dir():
            entries.setdefault(stem, []).append(f"папка {label}/")
            forms.setdefault(stem, []).extend(_folder_sources(raw_dir, entry, year, problems))
        else:  # an unusable file still means the form arrived: no "missing form" warning
            entries.setdefault(stem, []).append(f"файл {label}")
            usable = _usable(entry, place, problems, strict=True)
            forms.setdefault(stem, []).append(Source(entry, label, usable))
    for stem, claims in entries.items():
        if len(claims) > 1 and forms.get(stem):
            _refuse_two_sources(stem, claims, forms, year, problems)
    return {stem: files for stem, files in forms.items() if files}


def _refuse_two_sources(
    stem: str, claims: list[str], forms: dict[str, list[Source]], year: int, problems: Problems
) -> None:
    """A form sent twice (a file and a folder, or two files): merging both would double its
    rows, and choosing one silently could drop the newer. Say so once; read neither."""
    problems.error(
        Place(file=f"{year}/{stem}", year=year, form_rank=FORM_RANK[stem]),
        f"форма «{stem}» прислана дважды ({' и '.join(claims)}): данные не объединяются — "
        "оставьте что-то одно",
    )
    forms[stem] = [Source(s.path, s.label, usable=False) for s in forms[stem]]


def _folder_sources(raw_dir: Path, folder: Path, year: int, problems: Problems) -> list[Source]:
    """Workbooks of a form folder (one per institution); other files are warned about."""
    sources = []
    rank = FORM_RANK[_FORM_BY_KEY[normalize(folder.name)]]
    for entry in sorted(folder.iterdir()):
        if _ignored(entry):
            continue
        label = _label(raw_dir, entry)
        place = Place(file=label, year=year, form_rank=rank)
        if entry.is_dir():
            problems.warning(place, "вложенная папка в папке формы — пропущена")
        elif _usable(entry, place, problems, strict=False):
            sources.append(Source(entry, label))
        elif entry.suffix.lower() == OLD_EXCEL_SUFFIX:  # an error: the form is not complete
            sources.append(Source(entry, label, usable=False))
    return sources


def _usable(path: Path, place: Place, problems: Problems, *, strict: bool) -> bool:
    """Whether the file has a workbook extension; `.xls` and others get one clear line.

    ``strict``: a file named after a form but of another kind is an error (the form was meant);
    a stray non-workbook in a form folder is only a warning.
    """
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return True
    if suffix == OLD_EXCEL_SUFFIX:
        problems.error(
            place,
            "старый формат Excel (.xls) не читается: откройте файл в Excel "
            "или LibreOffice и сохраните как «Книга Excel (.xlsx)»",
        )
    elif strict:
        problems.error(
            place,
            "файл не является книгой Excel (.xlsx): сохраните форму как «Книга Excel (.xlsx)»",
        )
    else:
        problems.warning(place, "файл не является книгой Excel (.xlsx) — пропущен")
    return False


@dataclass
class SheetReading:
    """The rows of one sheet, from whichever reader was safe for it.

    ``rows`` yields (Excel row number, row) with the row as a list from column A (calamine)
    or a {column index: value} dict of the cells that hold something (`sheetxml`); iterating
    may raise `SheetBroken`. ``far``: columns right of `sheetxml.MAX_COLUMNS` → first row with
    a value (filled while iterating). ``merged``: merged areas (row1, col1, row2, col2).
    """

    rows: Iterable[tuple[int, object]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    far: dict[int, int] = field(default_factory=dict)


class SheetBroken(Exception):
    """A sheet turned out unreadable while its rows were being read."""


BROKEN_SHEET = "лист повреждён и не читается (сохраните книгу заново как .xlsx)"


class OpenBook:
    """An opened workbook: its package (for names and the safety scan), and calamine, opened
    on first use, for the clean sheets (several times faster than reading the XML here)."""

    def __init__(self, source: Source, package: sheetxml.Package) -> None:
        self.source, self.package = source, package
        self._calamine: CalamineWorkbook | None = None

    def sheet_names(self) -> dict[str, str]:
        """Normalized sheet name → the name as written in the workbook (first one wins)."""
        names: dict[str, str] = {}
        for name in self.package.sheets:
            names.setdefault(normalize(name), name)
        return names

    def calamine(self) -> CalamineWorkbook:
        if self._calamine is None:
            self._calamine = CalamineWorkbook.from_path(str(self.source.path))
        return self._calamine

    def close(self) -> None:
        self.package.close()
        if self._calamine is not None:
            self._calamine.close()


def open_workbook(source: Source, place: Place, problems: Problems) -> OpenBook | None:
    """The opened workbook, or None after one clear error line (never a traceback)."""
    try:
        return OpenBook(source, sheetxml.Package(str(source.path)))
    except (KeyboardInterrupt, SystemExit):
        raise
    except sheetxml.TooLarge as exc:
        problems.error(place, str(exc))
    except Exception:  # noqa: BLE001 — whatever a broken package raises is one line
        problems.error(place, _unreadable_reason(source.path))
    return None


def _unreadable_reason(path: Path) -> str:
    """Why a workbook could not be opened, guessed from its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError:
        return "файл не удаётся прочитать (нет доступа?)"
    if not head:
        return "файл пуст (0 байт): это не книга Excel"
    if head.startswith(_OLE_MAGIC):
        return (
            "файл в старом формате Excel (.xls) или защищён паролем: сохраните его "
            "как «Книга Excel (.xlsx)» без пароля"
        )
    if head.startswith(_ZIP_MAGIC):
        return "файл повреждён: книга Excel не открывается (сохраните её заново как .xlsx)"
    return "файл не является книгой Excel (.xlsx) или повреждён"


def read_sheet(book: OpenBook, name: str, place: Place, problems: Problems) -> SheetReading | None:
    """The rows of a sheet, or None after one error line (too large, or unreadable).

    A sheet `sheetxml.Package.scan` finds clean goes through calamine; any other, or one
    calamine fails on, is read by `sheetxml` (the rows are then produced while iterating).
    """
    try:
        scan = book.package.scan(name)
    except sheetxml.WorkbookXmlError as exc:
        problems.error(place, str(exc))
        return None
    except Exception:  # noqa: BLE001 — a broken sheet must be one line, never a traceback
        problems.error(place, BROKEN_SHEET)
        return None
    if not scan.suspect:
        try:
            book.package.check_shared_parts()  # calamine reads them whole: bounded first
        except sheetxml.TooLarge as exc:
            problems.error(place, str(exc))
            return None
        except Exception:  # noqa: BLE001
            problems.error(place, BROKEN_SHEET)
            return None
        try:
            rows = book.calamine().get_sheet_by_name(name).to_python(skip_empty_area=False)
            return SheetReading(enumerate(rows, start=1), scan.merged)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001, S110 — calamine errors and pyo3 panics:
            pass  # the sheet is read by sheetxml below, which reports what is wrong
    reading = SheetReading((), scan.merged)
    info = sheetxml.SheetRows(far=reading.far)
    reading.rows = _guarded(book.package.iter_rows(name, info))
    return reading


def _guarded(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    try:
        yield from rows
    except sheetxml.TooLarge as exc:
        raise SheetBroken(str(exc)) from exc
    except Exception as exc:  # whatever a broken sheet raises is one line
        raise SheetBroken(BROKEN_SHEET) from exc
