"""The Centre's own reports of a year, computed from the same forms as the book (issue 14).

- `assignment` — «Отчёт о выполнении муниципального задания» (plan, fact, %, deviation);
- `self_assessment` — «Самообследование: образовательная деятельность»;
- `form_1pk` — «Сведения для 1-ПК» with the form's control relations checked;
- `writer` — each document as an editable Word file and its tables as a workbook.

The three document modules compute frames only (data in, data out); `compose` hands them a
year's tables, `write_year` writes the files. The build writes them for the internal profile
into `output/internal/<year>/documents/` (`analysis.book.yearly.write_exports`); the command
`python -m analysis documents --year Y` writes them anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.catalogue import CATALOGUE
from analysis.documents import assignment, form_1pk, self_assessment, writer
from analysis.documents.model import Document
from analysis.reader import YearData

FOLDER = "documents"  # under output/internal/<year>/


def compose(data: YearData, tidy: pd.DataFrame) -> list[Document]:
    """The three documents of the data's year; `tidy` is its whole (unsuppressed) indicator
    table, whose Centre-level values are the facts of the assignment."""
    year, plan = data.year, data.table("centre_plan")
    courses = data.table("courses")
    return [
        assignment.document(plan, tidy, CATALOGUE, year),
        self_assessment.document(
            courses, data.table("events"), data.table("products"), plan, tidy, CATALOGUE, year
        ),
        form_1pk.document(courses, data.table("staff"), data.table("institutions"), year),
    ]


def write_year(processed_dir: Path, year: int, tidy: pd.DataFrame, folder: Path) -> list[Path]:
    """Write the year's documents (.docx and .xlsx each) into `folder`; the paths written."""
    written: list[Path] = []
    for doc in compose(YearData(processed_dir, year), tidy):
        written += writer.write(doc, folder)
    return written
