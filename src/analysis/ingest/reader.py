"""Reading one form (a workbook, or a folder of workbooks) into parsed columns (SPEC §3).

The header row is row 1; headers and sheet names match after `normalize`. Each data row is
parsed cell by cell against the contract; a cell that does not fit is reported and kept as
missing, so one mistake does not cascade. Rows remember their file and Excel row number, so
later checks (uniqueness across the files of a folder, references) can name the place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analysis import contract
from analysis.ingest import cells, workbooks
from analysis.ingest.problems import Place, Problems
from analysis.text import normalize


@dataclass
class SheetData:
    """A sheet's rows from every file of its form: parsed values by machine name, and places."""

    sheet: contract.Sheet
    place: Place  # the form's file (or folder) and the sheet, for messages about the whole sheet
    values: dict[str, list] = field(default_factory=dict)
    places: list[Place] = field(default_factory=list)  # one per row, with the Excel row number
    broken: bool = False  # a file lacked the sheet or a required column: its rows are unknown

    def __post_init__(self) -> None:
        for column in self.sheet.columns:
            self.values.setdefault(column.name, [])

    def __len__(self) -> int:
        return len(self.places)

    def frame(self) -> pd.DataFrame:
        """The parsed rows as a frame with the contract's columns (typed on publishing)."""
        return pd.DataFrame({c.name: self.values[c.name] for c in self.sheet.columns}, dtype=object)


def column_letter(index: int) -> str:
    """0 → A, 27 → AB: the column name Excel shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def form_label(sources: list[workbooks.Source]) -> str:
    """The form's file, or its folder (`2023/staff/`) when it came as several workbooks."""
    first = sources[0]
    if len(sources) == 1 and first.label.count("/") == 1:
        return first.label
    return first.label.rsplit("/", 1)[0] + "/"


def read_form(
    form: contract.Form, sources: list[workbooks.Source], year: int, problems: Problems
) -> dict[str, SheetData]:
    """Every sheet of a form, its files read together in order."""
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
        book = workbooks.open_workbook(source, file_place, problems) if source.usable else None
        if book is None:
            for sheet_data in data.values():
                sheet_data.broken = True
            continue
        names = workbooks.sheet_names(book)
        for i, sheet in enumerate(form.sheets):
            place = file_place.at(sheet=sheet.name, sheet_rank=i)
            actual = names.get(normalize(sheet.name))
            if actual is None:
                listed = ", ".join(f"«{n}»" for n in book.sheet_names) or "нет ни одного"
                problems.error(
                    file_place.at(sheet_rank=i), f"нет листа «{sheet.name}» (листы книги: {listed})"
                )
                data[sheet.table].broken = True
                continue
            rows = workbooks.read_rows(book, actual, place, problems)
            if rows is None or not _read_sheet(data[sheet.table], rows, place, parsers, problems):
                data[sheet.table].broken = True
    return data


def _header(
    sheet: contract.Sheet, header: list, place: Place, problems: Problems
) -> dict[str, int] | None:
    """Machine name → column index, from row 1; None when a required column is missing."""
    by_key = {normalize(c.header): c for c in sheet.columns}
    index: dict[str, int] = {}
    for i, cell in enumerate(header):
        if cells.is_blank(cell):
            continue
        column = by_key.get(normalize(cells.parse_text(cell)))
        where = place.at(row=1, column=cells.parse_text(cell), col_rank=1000 + i)
        if column is None:
            problems.warning(
                where,
                f"неизвестный столбец (столбец {column_letter(i)}) — "
                "пропущен; проверьте написание заголовка",
            )
        elif column.name in index:
            problems.error(
                where,
                f"столбец повторяется (столбцы {column_letter(index[column.name])}"
                f" и {column_letter(i)})",
            )
            return None
        else:
            index[column.name] = i
    ok = True
    for rank, column in enumerate(sheet.columns):
        if column.required and column.name not in index:
            problems.error(
                place.at(column=column.header, col_rank=rank),
                "нет обязательного столбца (заголовки — в первой строке листа)",
            )
            ok = False
    return index if ok else None


def _read_sheet(
    data: SheetData, rows: list[list], place: Place, parsers: dict, problems: Problems
) -> bool:
    """Parse the rows of one sheet of one file into `data`; False when the sheet is unusable."""
    if not rows or all(cells.is_blank(v) for v in rows[0]):
        problems.error(place, "лист пуст: нет строки заголовков (заголовки — в первой строке)")
        return False
    index = _header(data.sheet, rows[0], place, problems)
    if index is None:
        return False
    _warn_unnamed_data(rows, place, problems)
    specs = [
        (index.get(c.name), c, rank, parsers[c.name], data.values[c.name])
        for rank, c in enumerate(data.sheet.columns)
    ]
    is_blank = cells.is_blank
    for number, row in enumerate(rows[1:], start=2):  # Excel's row numbers: header is row 1
        if all(is_blank(v) for v in row):
            continue
        row_place = place.at(row=number)
        data.places.append(row_place)
        for col_index, column, rank, parse, store in specs:
            value = row[col_index] if col_index is not None and col_index < len(row) else None
            if is_blank(value):
                if column.required:
                    problems.error(
                        row_place.at(column=column.header, col_rank=rank),
                        "не заполнено обязательное поле",
                    )
                store.append(None)
                continue
            try:
                store.append(parse(value))
            except cells.CellError as exc:
                problems.error(row_place.at(column=column.header, col_rank=rank), str(exc), value)
                store.append(None)
    return True


def _warn_unnamed_data(rows: list[list], place: Place, problems: Problems) -> None:
    """Data in a column with a blank header would be lost silently: say so once per column."""
    header = rows[0]
    width = max((len(r) for r in rows), default=0)
    for i in range(width):
        if i < len(header) and not cells.is_blank(header[i]):
            continue
        if any(i < len(r) and not cells.is_blank(r[i]) for r in rows[1:]):
            problems.warning(
                place.at(row=1, col_rank=1000 + i),
                f"в столбце {column_letter(i)} есть данные, но нет заголовка — столбец пропущен",
            )
