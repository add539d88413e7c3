"""The year's indicator table as a formatted workbook: `output/<profile>/<year>/indicators.xlsx`.

One sheet per level present (SPEC §5 levels), Russian headers, values unrounded in the cells (the
number format does the display: `0.0` for %, `#,##0` for counts, `#,##0.0` for person-hours),
and the indicator passports. The input is the table the build shows for the profile, so in the
public profile hidden rows are empty with «скрыто (малое число)» in «Отметки».
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from analysis import contract
from analysis.catalogue import CATALOGUE, passport
from analysis.exports.sheets import COUNT_FORMAT, add_sheet, new_workbook, save
from analysis.exports.sheets import value_format as sheets_value_format
from analysis.goals import load_goals
from analysis.vocabulary import DIRECTION_WORDS, LEVEL_NAMES, flag_words

__all__ = [
    "LEVEL_WORDS",
    "column_values",
    "flag_words",
    "indicator_name",
    "write_indicators_xlsx",
    "yes_no",
]

# level → sheet name (SPEC §5 levels, in that order)
LEVEL_SHEETS: dict[str, str] = {
    "city": "Город",
    "district": "Районы",
    "inst_type": "Типы учреждений",
    "institution": "Учреждения",
    "association": "Объединения",
    "centre": "Центр",
}
PASSPORT_SHEET = "Паспорта показателей"
# level words of the passports and of the recommendation workbooks (exports.recommendations)
LEVEL_WORDS: dict[str, str] = LEVEL_NAMES
YES, NO = "да", "нет"

INDICATOR_HEADERS = ("Показатель", "Код показателя", "Единица")
FIGURE_HEADERS = ("Числитель", "Знаменатель", "Значение", "Цель", "Цель достигнута", "Отметки")
# level → the headers that name the unit (before the indicator), and the attributes they show
UNIT_HEADERS: dict[str, tuple[str, ...]] = {
    "city": (),
    "district": ("Район",),
    "inst_type": ("Тип учреждения",),
    "institution": ("Учреждение", "Наименование", "Район", "Тип учреждения"),
    "association": ("Объединение", "Наименование", "Тип объединения"),
    "centre": (),
}
PASSPORT_WRAP = (
    "Показатель",
    "Числитель",
    "Знаменатель",
    "Формула",
    "Документ-основание",
    "Способ сбора",
    "Цель",
)  # the long texts of a passport
PASSPORT_FIELDS: tuple[tuple[str, str], ...] = (  # (catalogue.passport() key, header)
    ("indicator_id", "Код показателя"),
    ("name", "Показатель"),
    ("unit", "Единица"),
    ("levels", "Уровни"),
    ("numerator", "Числитель"),
    ("denominator", "Знаменатель"),
    ("formula", "Формула"),
    ("sources", "Формы-источники"),
    ("source_doc", "Документ-основание"),
    ("method", "Способ сбора"),
    ("frequency", "Периодичность"),
    ("goal", "Цель"),
    ("direction", "Направление"),
    ("muko", "Направление МУКО"),
    ("group", "Блок"),
)


def write_indicators_xlsx(
    tidy: pd.DataFrame,
    path: Path,
    catalogue: Mapping = CATALOGUE,
    institutions: pd.DataFrame | None = None,
    associations: pd.DataFrame | None = None,
    year: int | None = None,
) -> Path:
    """Write the tidy table (as the profile shows it) as `path` (.xlsx); return the path."""
    year = int(year if year is not None else _year_of(tidy))
    wb = new_workbook()
    units = unit_attributes(institutions, associations)
    for level, sheet in LEVEL_SHEETS.items():
        part = tidy[tidy["level"].eq(level)]
        if len(part):
            headers, rows, formats = level_rows(part, level, catalogue, units)
            add_sheet(wb, sheet, headers, rows, formats, wrap=("Показатель",))
    headers, rows = passport_rows(catalogue)
    add_sheet(wb, PASSPORT_SHEET, headers, rows, wrap=PASSPORT_WRAP)
    return save(wb, path, year, f"Показатели за {year} год")


def level_rows(
    part: pd.DataFrame, level: str, catalogue: Mapping, units: Mapping[str, dict[str, tuple]]
) -> tuple[list[str], list[list[object]], list[list[str | None]]]:
    """Headers, rows and number formats of one level's sheet (units, then catalogue order)."""
    order = {ind: i for i, ind in enumerate(catalogue)}
    part = part.assign(
        _unit=part["unit_id"].astype(str),
        _order=[order.get(i, len(order)) for i in part["indicator_id"].tolist()],
    ).sort_values(["_unit", "_order", "indicator_id"], kind="stable")
    lead = UNIT_HEADERS[level]
    headers = [*lead, *INDICATOR_HEADERS, *FIGURE_HEADERS]
    ids, unit_words = part["indicator_id"].tolist(), part["unit"].tolist()
    names = {ind: indicator_name(ind, catalogue) for ind in set(ids)}
    columns = [
        *_lead_columns(part, lead, units.get(level, {})),
        [names[ind] for ind in ids],
        ids,
        unit_words,
        *(column_values(part, name) for name in ("numerator", "denominator", "value", "target")),
        _each_distinct(part, "meets_target", yes_no),
        _each_distinct(part, "flags", flag_words),
    ]
    rows = [list(row) for row in zip(*columns, strict=True)]
    row_formats: dict[tuple[str, str], list[str | None]] = {}  # a few indicators, many rows
    formats = []
    for ind, unit in zip(ids, map(str, unit_words), strict=True):
        if (ind, unit) not in row_formats:
            row_formats[(ind, unit)] = _row_formats(len(lead), unit, catalogue.get(ind))
        formats.append(row_formats[(ind, unit)])
    return headers, rows, formats


def _row_formats(lead: int, unit: str, known: object) -> list[str | None]:
    """The number formats of one row of a level's sheet, by its indicator's unit and kind."""
    value_format = sheets_value_format(unit, getattr(known, "kind", None))
    # shares: numerator and denominator are counts of people; counts: numerator = value
    part_format = COUNT_FORMAT if unit == "%" else value_format
    return [
        *[None] * (lead + 3),
        part_format,
        part_format,
        value_format,
        value_format,
        None,
        None,
    ]


def _lead_columns(
    part: pd.DataFrame, lead: tuple[str, ...], attrs: Mapping[str, tuple]
) -> list[list[object]]:
    """The columns naming the unit of each row: its id, then its attributes (name,
    district, type…; empty for a unit the attributes do not know)."""
    if not lead:
        return []
    n = len(lead) - 1
    cells = [(tuple(attrs.get(u, ())) + (None,) * n)[:n] for u in part["_unit"].tolist()]
    return [part["unit_id"].tolist(), *([c[k] for c in cells] for k in range(n))]


def column_values(part: pd.DataFrame, name: str) -> list[object]:
    """A column's values (all empty when the table has no such column)."""
    return part[name].tolist() if name in part.columns else [None] * len(part)


def _each_distinct(part: pd.DataFrame, name: str, words: Callable[[object], object]) -> list:
    """`words` of each value of a column, worked out once per distinct value (a column of a
    handful of flags or yes/no over thousands of rows); a blank value gets `words(None)`."""
    if name not in part.columns:
        return [words(None)] * len(part)
    codes, distinct = pd.factorize(part[name])
    answers = [words(v) for v in distinct.tolist()] + [words(None)]  # code -1: a blank
    return [answers[c] for c in codes.tolist()]


def unit_attributes(
    institutions: pd.DataFrame | None, associations: pd.DataFrame | None
) -> dict[str, dict[str, tuple]]:
    """level → unit_id → the cells after the unit's id (name, district, type…)."""
    out: dict[str, dict[str, tuple]] = {}
    if institutions is not None and len(institutions):
        out["institution"] = {
            str(r.inst_id): (r.name, r.district, r.inst_type)
            for r in institutions.itertuples(index=False)
        }
    if associations is not None and len(associations):
        out["association"] = {
            str(r.assoc_id): (r.name, r.assoc_type) for r in associations.itertuples(index=False)
        }
    return out


def passport_rows(catalogue: Mapping) -> tuple[list[str], list[list[object]]]:
    """The passport sheet: one row per catalogue entry, Russian headers and words."""
    goals = goal_titles()
    wanted = set(catalogue)
    rows = []
    for rec in passport():
        if rec["indicator_id"] not in wanted:
            continue
        rec = dict(rec)
        rec["levels"] = ", ".join(
            LEVEL_WORDS.get(lv.strip(), lv.strip()) for lv in str(rec["levels"]).split(",")
        )
        rec["direction"] = DIRECTION_WORDS.get(str(rec["direction"]), rec["direction"])
        rec["sources"] = ", ".join(
            form_title(s.strip()) for s in str(rec["sources"]).split(",") if s.strip()
        )
        goal = str(rec["goal"] or "")
        rec["goal"] = f"{goals[goal]} ({goal})" if goal in goals else goal
        rows.append([rec.get(key) for key, _ in PASSPORT_FIELDS])
    return [header for _, header in PASSPORT_FIELDS], rows


def form_title(stem: str) -> str:
    """«Кадры (staff.xlsx)»: a form's title with the file institutions fill."""
    form = contract.FORMS_BY_STEM.get(stem)
    return f"{form.title} ({stem}.xlsx)" if form else stem


def goal_titles() -> dict[str, str]:
    """goal id → title from params/goals.yaml (empty when the file is missing or wrong)."""
    try:
        return {g.id: g.title for g in load_goals()}
    except Exception:  # noqa: BLE001 — the passport then shows goal ids; the book checks goals
        return {}


def indicator_name(indicator_id: str, catalogue: Mapping) -> str:
    """The Russian name of an indicator (its id when the catalogue does not know it)."""
    ind = catalogue.get(indicator_id)
    return str(ind.name) if ind is not None else str(indicator_id)


def yes_no(value: object) -> str | None:
    """«да»/«нет» for a meets_target value; None when it is empty."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, str):
        text = value.strip().lower()
        return YES if text == "true" else NO if text == "false" else None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return YES if bool(value) else NO


def _year_of(tidy: pd.DataFrame) -> int:
    years = sorted(set(pd.to_numeric(tidy.get("year", pd.Series(dtype=float))).dropna()))
    if len(years) != 1:
        raise ValueError("write_indicators_xlsx: укажите год (в таблице нет одного года)")
    return int(years[0])
