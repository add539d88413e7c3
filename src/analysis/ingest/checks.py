"""Checks across rows, files and forms of one year (SPEC §3 «Rules of the contract»).

Cell-level checks (types, enumerations, bounds, dates) happen while reading (`cells`); here:
uniqueness (also across the files of a form folder), repeated pairs, parts ≤ wholes, references
between forms, and inst_ids never equal to assoc_ids. Values that failed to parse are None and
are skipped, so one mistake is reported once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from analysis import contract
from analysis.ingest import lookalike
from analysis.ingest.cells import number_text
from analysis.ingest.problems import ERROR, Place, Problems
from analysis.ingest.reader import SheetData
from analysis.ingest.sheet_rules import check_assoc_types, check_card_status, check_not_before
from analysis.text import normalize
from analysis.vocabulary import (
    ALL,
    BY_DISTRICT,
    BY_TYPE,
    SCHOOL_FLAG,
    TARGET_ALL,
    TARGET_HINT,
    TARGET_SEPARATOR,
    parse_target,
    target_text,
)


@dataclass(frozen=True)
class Catalogues:
    """Id lists that live outside the forms: indicator ids, and recommendation rule ids (or None
    when params/recommendations.yaml does not exist, so that check is skipped)."""

    indicators: frozenset[str]
    recommendations: frozenset[str] | None


def check_year(
    tables: dict[str, SheetData], year: int, catalogues: Catalogues, problems: Problems
) -> None:
    """Every cross-row and cross-form check of one year's tables (present forms only)."""
    for data in tables.values():
        check_unique(data, problems)
        check_part_of(data, problems)
        check_outliers(data, year, problems)
        check_not_before(data, problems)
    check_references(tables, year, catalogues, problems)
    check_inst_assoc_disjoint(tables, problems)
    check_assoc_types(tables, problems)
    check_card_status(tables, year, problems)


def _where(first: Place, here: Place) -> str:
    """How to point from one row to an earlier one: «строке 3» or «2023/staff/a.xlsx, строка 3»."""
    if first.file == here.file:
        return f"строке {first.row}"
    return f"{first.file}, строка {first.row}"


def _column_place(data: SheetData, row: int, names: Iterable[str]) -> Place:
    names = list(names)
    header = " + ".join(data.sheet.column(n).header for n in names)
    rank = min(i for i, c in enumerate(data.sheet.columns) if c.name in names)
    return data.places[row].at(column=header, col_rank=rank)


def _repeats(
    data: SheetData, names: tuple[str, ...], report: Callable[..., None], what: str
) -> None:
    """Report every row whose combination of `names` already appeared (blank parts skipped)."""
    columns = [data.values[n] for n in names]
    seen: dict[tuple, int] = {}
    for row, key in enumerate(zip(*columns)):
        if any(v is None for v in key):
            continue
        first = seen.setdefault(key, row)
        if first != row:
            value = " + ".join(str(v) for v in key)
            report(
                _column_place(data, row, names),
                f"{what}: уже есть в {_where(data.places[first], data.places[row])}",
                value,
                kind=what,  # the message names the earlier row: one kind for the cap
            )


def check_unique(data: SheetData, problems: Problems) -> None:
    """`Column.unique`, `Sheet.unique_together` (errors) and `Sheet.warn_repeated` (warnings)."""
    for column in data.sheet.columns:
        if column.unique:
            _repeats(data, (column.name,), problems.error, "значение должно быть уникальным")
    for names in data.sheet.unique_together:
        _repeats(data, names, problems.error, "такое сочетание должно встречаться один раз")
    if data.sheet.warn_repeated:
        _repeats(data, data.sheet.warn_repeated, problems.warning, "повторяющаяся запись")


def check_part_of(data: SheetData, problems: Problems) -> None:
    """`Sheet.part_of`: in every row the part is not greater than the whole."""
    for part, whole in data.sheet.part_of:
        whole_header = data.sheet.column(whole).header
        rank = next(i for i, c in enumerate(data.sheet.columns) if c.name == part)
        for row, (p, w) in enumerate(zip(data.values[part], data.values[whole])):
            if p is not None and w is not None and p > w:
                place = data.places[row].at(column=data.sheet.column(part).header, col_rank=rank)
                problems.error(place, f"больше, чем «{whole_header}» ({number_text(w)})", p)


def check_outliers(data: SheetData, year: int, problems: Problems) -> None:
    """Warnings, never errors: values past `Column.plausible_max`, and experience longer than
    the person's working life (`Sheet.experience_vs_age`). Such a value may be a typing slip."""
    for rank, column in enumerate(data.sheet.columns):
        if column.plausible_max is None:
            continue
        for row, value in enumerate(data.values[column.name]):
            if value is not None and value > column.plausible_max:
                problems.warning(
                    data.places[row].at(column=column.header, col_rank=rank),
                    f"необычно большое значение (больше {number_text(column.plausible_max)}):"
                    " проверьте, нет ли опечатки",
                    value,
                )
    if data.sheet.experience_vs_age is None:
        return
    experience, birth = data.sheet.experience_vs_age
    rank = next(i for i, c in enumerate(data.sheet.columns) if c.name == experience)
    for row, (exp, born) in enumerate(zip(data.values[experience], data.values[birth])):
        if exp is not None and born is not None and exp > year - born - contract.MIN_WORKING_AGE:
            problems.warning(
                data.places[row].at(column=data.sheet.column(experience).header, col_rank=rank),
                f"стаж больше, чем возможно при годе рождения {born}"
                f" (работа с {contract.MIN_WORKING_AGE} лет): проверьте",
                exp,
            )


def _values(tables: dict[str, SheetData], table: str, column: str) -> set[str] | None:
    """The parsed values of a column, or None when the sheet is absent or could not be read."""
    data = tables.get(table)
    if data is None or data.broken:
        return None
    return {v for v in data.values[column] if v is not None}


def _skip(
    data: SheetData,
    column: contract.Column,
    tables: dict[str, SheetData],
    year: int,
    needed: Iterable[str],
    problems: Problems,
) -> bool:
    """True when a referenced form is missing (warned once) or unreadable (already an error)."""
    missing = [t for t in needed if t not in tables]
    if missing:
        forms = ", ".join(
            f"«{contract.SHEETS[t].name}» ({contract.TABLE_FORM[t]}.xlsx)"
            for t in dict.fromkeys(missing)
        )
        rank = data.sheet.columns.index(column)
        problems.warning(
            data.place.at(column=column.header, col_rank=rank),
            f"нет формы {forms} за {year} год — проверка ссылок пропущена",
        )
        return True
    return any(tables[t].broken for t in needed)


def check_references(
    tables: dict[str, SheetData], year: int, catalogues: Catalogues, problems: Problems
) -> None:
    """Every `Column.ref` of every present sheet, resolved within the same year."""
    for data in tables.values():
        for rank, column in enumerate(data.sheet.columns):
            if column.ref is None:
                continue
            check = _REF_CHECKS.get(column.ref, _check_plain_ref)
            check(data, column, rank, tables, year, catalogues, problems)


def _bad_rows(
    data: SheetData,
    column: contract.Column,
    rank: int,
    valid: Callable[[str], bool],
    message: str,
    problems: Problems,
    known: Iterable[str] = (),
) -> None:
    """Report each value `valid` refuses; when it only differs from a `known` value by
    look-alike or invisible characters, the message says so (`lookalike.hint`)."""
    folded: dict[str, str] | None = None
    for row, value in enumerate(data.values[column.name]):
        if value is None or valid(value):
            continue
        place = data.places[row]
        if problems.over_cap(ERROR, place, column.header, message):
            continue
        if folded is None:  # built once, at the first refusal
            folded = {}
            for item in known:
                folded.setdefault(lookalike.fold(item), item)
        match = folded.get(lookalike.fold(value))
        hint = lookalike.hint(value, [match]) if match is not None else lookalike.hint(value, [])
        problems.error(
            place.at(column=column.header, col_rank=rank), message + hint, value, kind=message
        )


def _check_plain_ref(
    data: SheetData,
    column: contract.Column,
    rank: int,
    tables: dict[str, SheetData],
    year: int,
    catalogues: Catalogues,
    problems: Problems,
) -> None:
    """`table.column`: the value exists in that column of the same year."""
    table, target = column.ref.split(".")
    if _skip(data, column, tables, year, [table], problems):
        return
    known = _values(tables, table, target)
    target_sheet = contract.SHEETS[table]
    header = target_sheet.column(target).header
    _bad_rows(
        data,
        column,
        rank,
        known.__contains__,
        f"нет такого значения в столбце «{header}» листа «{target_sheet.name}» за {year} год",
        problems,
        known,
    )


def _check_organizer(
    data: SheetData,
    column: contract.Column,
    rank: int,
    tables: dict[str, SheetData],
    year: int,
    catalogues: Catalogues,
    problems: Problems,
) -> None:
    """«Центр», an inst_id or an assoc_id."""
    if _skip(data, column, tables, year, ["institutions", "associations"], problems):
        return
    known = _values(tables, "institutions", "inst_id") | _values(tables, "associations", "assoc_id")
    known.add(contract.CENTRE)
    _bad_rows(
        data,
        column,
        rank,
        known.__contains__,
        "нет такого учреждения или объединения (ожидается «Центр», код ОУ или код объединения)",
        problems,
        known,
    )


def _check_codes(
    data: SheetData,
    column: contract.Column,
    rank: int,
    known: Iterable[str],
    what: str,
    problems: Problems,
) -> None:
    """A `;`-list of codes from a catalogue, matched after `normalize`, stored canonically."""
    canonical = {normalize(k): k for k in known}
    values = data.values[column.name]
    for row, value in enumerate(values):
        if value is None:
            continue
        fixed = []
        for item in value.split(";"):
            found = canonical.get(normalize(item))
            if found is None:
                hint = "; разделяйте коды знаком «;»" if "," in item else ""
                problems.error(
                    data.places[row].at(column=column.header, col_rank=rank), f"{what}{hint}", item
                )
            fixed.append(found or item)
        values[row] = ";".join(fixed)


def _check_indicators(
    data: SheetData,
    column: contract.Column,
    rank: int,
    tables: dict[str, SheetData],
    year: int,
    catalogues: Catalogues,
    problems: Problems,
) -> None:
    _check_codes(
        data,
        column,
        rank,
        catalogues.indicators,
        "нет такого показателя в каталоге показателей",
        problems,
    )


def _check_recommendations(
    data: SheetData,
    column: contract.Column,
    rank: int,
    tables: dict[str, SheetData],
    year: int,
    catalogues: Catalogues,
    problems: Problems,
) -> None:
    if catalogues.recommendations is None:  # no params/recommendations.yaml yet: nothing to check
        return
    _check_codes(
        data,
        column,
        rank,
        catalogues.recommendations,
        "нет такого правила в params/recommendations.yaml",
        problems,
    )


def _target_resolver(tables: dict[str, SheetData]) -> Callable[[str], str | None]:
    """A function mapping one measure target to its canonical spelling, or None if unknown
    (the grammar is `analysis.vocabulary`'s; districts and types are matched by `normalize`)."""
    institutions = tables["institutions"]
    codes = _values(tables, "institutions", "inst_id") | _values(tables, "associations", "assoc_id")
    known = {
        BY_DISTRICT: {normalize(d): d for d in institutions.values["district"] if d is not None},
        BY_TYPE: {normalize(t): t for t in contract.INST_TYPES},
    }

    def resolve(item: str) -> str | None:
        if item in codes:
            return item
        target = parse_target(item)
        if target.kind == SCHOOL_FLAG:
            return target_text(SCHOOL_FLAG, target.value)
        canonical = known.get(target.kind, {}).get(normalize(target.value))
        return None if canonical is None else target_text(target.kind, canonical)

    return resolve


def _target_message(item: str) -> str:
    kind = parse_target(item).kind
    if kind == BY_DISTRICT:
        return "нет такого района в листе «Учреждения»"
    if kind == BY_TYPE:
        return f"нет такого типа учреждения (допустимы: {', '.join(contract.INST_TYPES)})"
    return f"неизвестный адресат: {TARGET_HINT}"


def _check_targets(
    data: SheetData,
    column: contract.Column,
    rank: int,
    tables: dict[str, SheetData],
    year: int,
    catalogues: Catalogues,
    problems: Problems,
) -> None:
    """`все`, or a `;`-list of inst_ids, assoc_ids, район:<d>, тип:<t>, ШНОР, ШНСУ."""
    if _skip(data, column, tables, year, ["institutions", "associations"], problems):
        return
    resolve = _target_resolver(tables)
    values = data.values[column.name]
    for row, value in enumerate(values):
        if value is None:
            continue
        place = data.places[row].at(column=column.header, col_rank=rank)
        items = value.split(TARGET_SEPARATOR)
        if any(parse_target(i).kind == ALL for i in items):
            if len(items) > 1:
                problems.error(place, "«все» нельзя сочетать с другими адресатами", value)
            values[row] = TARGET_ALL
            continue
        fixed = []
        for item in items:
            found = resolve(item)
            if found is None:
                problems.error(place, _target_message(item), item)
            fixed.append(found or item)
        values[row] = TARGET_SEPARATOR.join(fixed)


_REF_CHECKS = {
    contract.REF_ORGANIZER: _check_organizer,
    contract.REF_MEASURE_TARGET: _check_targets,
    contract.REF_INDICATOR: _check_indicators,
    contract.REF_RECOMMENDATION: _check_recommendations,
}


def check_inst_assoc_disjoint(tables: dict[str, SheetData], problems: Problems) -> None:
    """An assoc_id must never equal an inst_id (organizer and target codes would be ambiguous)."""
    institutions = tables.get("institutions")
    associations = tables.get("associations")
    if institutions is None or associations is None:
        return
    first_row = {}
    for row, inst_id in enumerate(institutions.values["inst_id"]):
        if inst_id is not None:
            first_row.setdefault(inst_id, row)
    column = associations.sheet.column("assoc_id")
    rank = associations.sheet.columns.index(column)
    for row, assoc_id in enumerate(associations.values["assoc_id"]):
        if assoc_id in first_row:
            inst_place = institutions.places[first_row[assoc_id]]
            problems.error(
                associations.places[row].at(column=column.header, col_rank=rank),
                f"код объединения совпадает с кодом учреждения ({inst_place.file}, "
                f"лист «{inst_place.sheet}», строка {inst_place.row}); коды "
                "объединений и учреждений не должны совпадать",
                assoc_id,
            )
