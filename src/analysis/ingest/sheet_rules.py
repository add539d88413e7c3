"""Rules that tie a row's columns together or to the association it is about (SPEC §3).

- `Sheet.not_before`: a later column is not less than an earlier one (a ПТГ card's end year is
  not before its start year) — an error;
- `Sheet.assoc_types`: every row is about an association of these types (a card only for a
  ПТГ) — an error;
- `Column.assoc_types`: the column is filled only for associations of these types (the РЦ
  columns of `Планы-отчёты`); a non-zero value elsewhere is kept and warned about;
- a ПТГ card whose status contradicts its end year (finished before its end, or still in work
  after it) — a warning: either may be a slip, and the card is kept as written.

Association types are read from `Реестр` of the same year; when it is absent or unreadable the
type checks are skipped (its own problems are already reported). Values that failed to parse
are None and are skipped, so one mistake is reported once.
"""

from __future__ import annotations

from analysis import contract
from analysis.ingest.problems import Problems
from analysis.ingest.reader import SheetData

REGISTER = "associations"  # the table of `Реестр`: assoc_id → assoc_type
CARDS = "assoc_cards"  # the table of `Информационные карты`


def check_not_before(data: SheetData, problems: Problems) -> None:
    """`Sheet.not_before`: in every row the later value is not less than the earlier one."""
    for later, earlier in data.sheet.not_before:
        column = data.sheet.column(later)
        rank = data.sheet.columns.index(column)
        earlier_header = data.sheet.column(earlier).header
        for row, (late, early) in enumerate(zip(data.values[later], data.values[earlier])):
            if late is not None and early is not None and late < early:
                problems.error(
                    data.places[row].at(column=column.header, col_rank=rank),
                    f"меньше, чем «{earlier_header}» ({early})",
                    late,
                )


def association_types(tables: dict[str, SheetData]) -> dict[str, str] | None:
    """assoc_id → assoc_type of `Реестр` (first row wins), or None when it cannot be read."""
    register = tables.get(REGISTER)
    if register is None or register.broken:
        return None
    types: dict[str, str] = {}
    for assoc_id, kind in zip(register.values["assoc_id"], register.values["assoc_type"]):
        if assoc_id is not None and kind is not None:
            types.setdefault(assoc_id, kind)
    return types


def _kinds(allowed: tuple[str, ...]) -> str:
    return ", ".join(allowed)


def check_assoc_types(tables: dict[str, SheetData], problems: Problems) -> None:
    """`Sheet.assoc_types` (errors) and `Column.assoc_types` (warnings) of every present sheet.

    An assoc_id missing from `Реестр` is the reference check's error, not repeated here.
    """
    types = association_types(tables)
    if types is None:
        return
    for data in tables.values():
        sheet = data.sheet
        if "assoc_id" not in data.values:
            continue
        ids = data.values["assoc_id"]
        if sheet.assoc_types:
            column = sheet.column("assoc_id")
            rank = sheet.columns.index(column)
            for row, assoc_id in enumerate(ids):
                kind = types.get(assoc_id)
                if kind is not None and kind not in sheet.assoc_types:
                    problems.error(
                        data.places[row].at(column=column.header, col_rank=rank),
                        f"лист «{sheet.name}» заполняется только для объединений типа "
                        f"{_kinds(sheet.assoc_types)}, а это объединение в «Реестре» — {kind}",
                        assoc_id,
                        kind="assoc_type_sheet",
                    )
        for rank, column in enumerate(sheet.columns):
            if not column.assoc_types:
                continue
            for row, (assoc_id, value) in enumerate(zip(ids, data.values[column.name])):
                kind = types.get(assoc_id)
                # a zero claims nothing (forms are often filled with zeros throughout)
                if not value or kind is None or kind in column.assoc_types:
                    continue
                problems.warning(
                    data.places[row].at(column=column.header, col_rank=rank),
                    f"столбец заполняется только для объединений типа "
                    f"{_kinds(column.assoc_types)}, а {assoc_id} — {kind}: значение "
                    "сохранено, но в показатели не входит",
                    value,
                    kind="assoc_type_column",
                )


def check_card_status(tables: dict[str, SheetData], year: int, problems: Problems) -> None:
    """Warn where a card's status and end year disagree in the report year."""
    data = tables.get(CARDS)
    if data is None:
        return
    column = data.sheet.column("status")
    rank = data.sheet.columns.index(column)
    end_header = data.sheet.column("end_year").header
    rows = zip(data.values["status"], data.values["start_year"], data.values["end_year"])
    for row, (status, start, end) in enumerate(rows):
        if end is None or (start is not None and end < start):
            continue  # no end year, or already the error of `check_not_before`
        if status == contract.CARD_DONE and end > year:
            why = f"а «{end_header}» — {end}, позже {year} года"
        elif status == contract.CARD_ACTIVE and end < year:
            why = f"а «{end_header}» ({end}) уже прошёл"
        else:
            continue
        problems.warning(
            data.places[row].at(column=column.header, col_rank=rank),
            f"{why}: проверьте статус или год окончания",
            status,
            kind="card_status",
        )
