"""Finding the raw workbooks and opening them (SPEC §3, §4).

Layout: `<raw>/<year>/<form>.xlsx`, or a folder `<raw>/<year>/<form>/` of workbooks of one form
read together. Extensions and form names are matched case-insensitively. Reading uses
python-calamine (several times faster than openpyxl) and never writes anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from analysis import contract
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


def _ignored(path: Path) -> bool:
    """Hidden files and Excel/LibreOffice lock files (`~$…`, `.~lock…`) are not data."""
    return path.name.startswith((".", "~$"))


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
            forms.setdefault(stem, []).extend(_folder_sources(raw_dir, entry, year, problems))
        else:  # an unusable file still means the form arrived: no "missing form" warning
            usable = _usable(entry, place, problems, strict=True)
            forms.setdefault(stem, []).append(Source(entry, label, usable))
    return {stem: files for stem, files in forms.items() if files}


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


def open_workbook(source: Source, place: Place, problems: Problems) -> CalamineWorkbook | None:
    """The opened workbook, or None after one clear error line (never a traceback)."""
    try:
        return CalamineWorkbook.from_path(str(source.path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 — calamine errors, OSError and pyo3 panics (BaseException)
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


def sheet_names(workbook: CalamineWorkbook) -> dict[str, str]:
    """Normalized sheet name → the name as written in the workbook (first one wins)."""
    names: dict[str, str] = {}
    for name in workbook.sheet_names:
        names.setdefault(normalize(name), name)
    return names


def read_rows(
    workbook: CalamineWorkbook, name: str, place: Place, problems: Problems
) -> list[list] | None:
    """All rows of a sheet from cell A1, so index + 1 is the row number Excel shows."""
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 — a broken sheet must be one line, never a traceback
        problems.error(place, "лист повреждён и не читается (сохраните книгу заново как .xlsx)")
        return None
