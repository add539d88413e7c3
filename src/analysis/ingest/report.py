"""The validation report: the same list of problems as the console, as HTML and XLSX (SPEC §4).

The HTML page is self-contained (inline style, no scripts, no external resources) and rendered
from a template that escapes every value (`analysis.html_templates`), since cells hold whatever
users typed. Beside them, `by_file/` holds one small workbook per source file with that file's
problems only (per-school feedback).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from analysis.files import save_workbook, text_row, write_text_atomic
from analysis.html_templates import render
from analysis.ingest.problems import ERROR, Problem

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")

HTML_NAME = "validation.html"
XLSX_NAME = "validation.xlsx"
BY_FILE_DIR = "by_file"  # one small workbook per source file, to send each school its own list
COLUMNS = ("уровень", "файл", "лист", "строка", "столбец", "значение", "проблема")


def _cells(problem: Problem) -> tuple:
    place = problem.place
    return (
        problem.level,
        place.file,
        place.sheet,
        place.row,
        place.column,
        problem.value,
        problem.message,
    )


def _verdict(problems: list[Problem]) -> str:
    errors = sum(1 for p in problems if p.level == ERROR)
    warnings = len(problems) - errors
    if errors:
        return (
            f"Данные не приняты: ошибок {errors}, предупреждений {warnings}. "
            "Обработанные данные не изменены."
        )
    return f"Данные приняты: ошибок нет, предупреждений {warnings}."


def render_html(problems: list[Problem], raw_dir: Path) -> str:
    """The report page as one self-contained HTML string."""
    rows = [
        {
            "css": "error" if problem.level == ERROR else "warning",
            "cells": ["" if value is None else str(value) for value in _cells(problem)],
        }
        for problem in problems
    ]
    return render(
        "validation.html.j2",
        raw_dir=str(raw_dir),
        verdict=_verdict(problems),
        columns=COLUMNS,
        rows=rows,
    )


def write_xlsx(problems: list[Problem], path: Path, title: str = "Проверка") -> None:
    """One row per problem under the headers of `COLUMNS`."""
    from openpyxl import Workbook  # deferred: only needed once per run

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append(list(COLUMNS))
    for problem in problems:
        sheet.append(text_row(sheet, _cells(problem)))
    save_workbook(book, path)  # atomic; the report of a failed run replaces the last one whole


def write_report(report_dir: Path, problems: list[Problem], raw_dir: Path) -> Path:
    """Write validation.html and validation.xlsx; returns the HTML path."""
    report_dir = Path(report_dir)
    report_dir.mkdir(parents=True, exist_ok=True)
    page = report_dir / HTML_NAME
    write_text_atomic(page, render_html(problems, raw_dir))
    write_xlsx(problems, report_dir / XLSX_NAME)
    write_by_file(problems, report_dir / BY_FILE_DIR)
    return page


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def by_file_name(label: str) -> str:
    """`2023/staff/Школа 12.xlsx` → `2023_staff_Школа 12.xlsx` (one flat folder to send from)."""
    stem = label.rsplit(".", 1)[0]
    return stem.replace("/", "_") + ".xlsx"


def write_by_file(problems: list[Problem], folder: Path) -> None:
    """One workbook per source file that has problems, listing only that file's problems, so
    the Centre can send each school its own corrections. The folder is replaced whole: a file
    fixed since the last run must not keep an old list."""
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        if problem.place.file.lower().endswith(WORKBOOK_SUFFIXES):
            groups.setdefault(problem.place.file, []).append(problem)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide it from colleagues
        for label, own in groups.items():
            write_xlsx(own, staging / by_file_name(label), title="Исправления")
        old = folder.parent / f".{folder.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
