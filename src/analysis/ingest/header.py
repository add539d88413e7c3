"""Finding a sheet's header row and mapping its headers to the contract's columns (SPEC §3).

Headers match after `analysis.text.normalize` (and Unicode NFC). Row 1 must hold them; when it
does not, the first rows are searched so that the message can say where the header is.
"""

from __future__ import annotations

import unicodedata

from analysis import contract
from analysis.ingest import cells
from analysis.ingest.problems import MAX_SAME, Place, Problems, plural
from analysis.ingest.sheetxml import CellFault, column_letter
from analysis.text import normalize

HEADER_SEARCH_ROWS = 20  # rows searched for a header that is not in row 1 (title rows above)


def find_header(
    sheet: contract.Sheet, head: list[tuple[int, list]], place: Place, problems: Problems
) -> dict[str, int] | None:
    """Machine name → column index from the header in row 1; None (reported) when there is
    none. `head`: the first non-blank rows. A header found lower (title rows above) is named
    with its row, in one line, instead of every column being listed as missing."""
    if not head:
        problems.error(place, "лист пуст: нет строки заголовков (заголовки — в первой строке)")
        return None
    number, header = head[0]
    if number == 1:
        found = header_index(sheet, header, place, problems, quiet=True)
        if found is not None:
            return header_index(sheet, header, place, problems)
    below = next(
        (n for n, row in head if n > 1 and header_index(sheet, row, place, problems, quiet=True)),
        None,
    )
    if below is not None:
        above = "строку 1" if below == 2 else f"строки 1–{below - 1}"
        problems.error(
            place,
            f"заголовки таблицы найдены в строке {below}, а должны быть в первой строке: "
            f"удалите {above} над таблицей",
        )
        return None
    if number != 1:
        problems.error(
            place,
            f"первая строка пуста, а заголовков таблицы нет и ниже (первая заполненная "
            f"строка — {number}): заголовки должны быть в первой строке",
        )
        return None
    return header_index(sheet, header, place, problems)


def header_index(
    sheet: contract.Sheet, header: list, place: Place, problems: Problems, *, quiet: bool = False
) -> dict[str, int] | None:
    """Machine name → column index; None when a required column is missing.

    ``quiet``: only test whether this row is the header (nothing is reported).
    """
    by_key = {normalize(c.header): c for c in sheet.columns}
    index: dict[str, int] = {}
    unknown = 0
    for i, cell in enumerate(header):
        if cells.is_blank(cell) or type(cell) is CellFault:
            continue
        text = unicodedata.normalize("NFC", cells.parse_text(cell))
        column = by_key.get(normalize(text))
        where = place.at(row=1, column=text, col_rank=1000 + i)
        if column is None:
            if not quiet:
                unknown += 1
                if unknown <= MAX_SAME:
                    problems.warning(
                        where,
                        f"неизвестный столбец (столбец {column_letter(i)}) — "
                        "пропущен; проверьте написание заголовка",
                    )
        elif column.name in index:
            if not quiet:
                problems.error(
                    where,
                    f"столбец повторяется (столбцы {column_letter(index[column.name])}"
                    f" и {column_letter(i)})",
                )
            return None
        else:
            index[column.name] = i
    if unknown > MAX_SAME and not quiet:
        problems.warning(
            place.at(row=1, col_rank=1000 + len(header)),
            f"и ещё {unknown - MAX_SAME} "
            f"{plural(unknown - MAX_SAME, 'неизвестный столбец', 'неизвестных столбца', 'неизвестных столбцов')}"
            " — пропущены",
        )
    missing = [
        (rank, column)
        for rank, column in enumerate(sheet.columns)
        if column.required and column.name not in index
    ]
    if quiet:
        return None if missing else index
    for rank, column in missing:
        problems.error(
            place.at(column=column.header, col_rank=rank),
            "нет обязательного столбца (заголовки — в первой строке листа)",
        )
    return None if missing else index
