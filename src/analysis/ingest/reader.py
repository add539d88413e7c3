"""Reading one form (a workbook, or a folder of workbooks) into parsed columns (SPEC §3).

Sheet names match after `normalize`; the header is found by `header`, the rows are parsed by
`rows` cell by cell against the contract; a cell that does not fit is reported and kept as
missing, so one mistake does not cascade. Rows remember their file and Excel row number, so
later checks (uniqueness across the files of a folder, references) can name the place.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

import pandas as pd

from analysis import contract
from analysis.ingest import cells, rows, workbooks
from analysis.ingest.problems import Place, Problems
from analysis.ingest.sheetxml import column_letter
from analysis.text import normalize

__all__ = ["SheetData", "column_letter", "form_label", "read_form"]


@dataclass
class SheetData:
    """A sheet's rows from every file of its form: parsed values by machine name, and places."""

    sheet: contract.Sheet
    place: Place  # the form's file (or folder) and the sheet, for messages about the whole sheet
    values: dict[str, list] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)  # one per row, with the Excel row number
    broken: bool = False  # a file lacked the sheet or a required column: its rows are unknown
    found: bool = False  # some file of the form has the sheet (an optional sheet may be absent)

    def __post_init__(self) -> None:
        for column in self.sheet.columns:
            self.values.setdefault(column.name, [])

    def __len__(self) -> int:
        return len(self.places)

    def frame(self) -> pd.DataFrame:
        """The parsed rows as a frame with the contract's columns (typed on publishing)."""
        return pd.DataFrame({c.name: self.values[c.name] for c in self.sheet.columns}, dtype=object)


def form_label(sources: list[workbooks.Source]) -> str:
    """The form's file, or its folder (`2023/staff/`) when it came as several workbooks."""
    first = sources[0]
    if len(sources) == 1 and first.label.count("/") == 1:
        return first.label
    return first.label.rsplit("/", 1)[0] + "/"


def read_form(
    form: contract.Form, sources: list[workbooks.Source], year: int, problems: Problems
) -> dict[str, SheetData]:
    """Every sheet of a form, its files read together in order (a progress line per file)."""
    rank = workbooks.FORM_RANK[form.stem]
    label = form_label(sources)
    data = {
        sheet.table: SheetData(
            sheet, Place(file=label, sheet=sheet.name, year=year, form_rank=rank, sheet_rank=i)
        )
        for i, sheet in enumerate(form.sheets)
    }
    parsers = {c.name: cells.parser_for(c, year) for s in form.sheets for c in s.columns}
    for source in sources:
        file_place = Place(file=source.label, year=year, form_rank=rank)
        progress(f"Чтение {source.label}")
        book = workbooks.open_workbook(source, file_place, problems) if source.usable else None
        if book is None:
            for sheet_data in data.values():
                sheet_data.broken = True
            continue
        try:
            _read_book(book, form, data, file_place, parsers, problems)
        finally:
            book.close()
    return {table: d for table, d in data.items() if d.sheet.required or d.found}


def progress(line: str) -> None:
    """A line on stderr while reading, so nobody waits blind (stdout keeps the findings)."""
    print(line, file=sys.stderr, flush=True)


def _read_book(
    book: workbooks.OpenBook,
    form: contract.Form,
    data: dict[str, SheetData],
    file_place: Place,
    parsers: dict,
    problems: Problems,
) -> None:
    names = book.sheet_names()
    for i, sheet in enumerate(form.sheets):
        place = file_place.at(sheet=sheet.name, sheet_rank=i)
        actual = names.get(normalize(sheet.name))
        if actual is None and not sheet.required:
            continue  # an optional sheet (SPEC §3): workbooks of the old shape lack it
        if actual is None:
            listed = ", ".join(f"«{n}»" for n in names.values()) or "нет ни одного"
            problems.error(
                file_place.at(sheet_rank=i), f"нет листа «{sheet.name}» (листы книги: {listed})"
            )
            data[sheet.table].broken = True
            continue
        data[sheet.table].found = True
        reading = workbooks.read_sheet(book, actual, place, problems)
        if reading is None or not rows.SheetReader(data[sheet.table], reading, place).read(
            parsers, problems
        ):
            data[sheet.table].broken = True
