"""Person-level lists behind the recommendations (internal profile only, SPEC §2, §6).

Each list is declared in the catalogue (`catalogue.PERSON_LISTS`) as the people in the
denominator of an indicator who are not in its numerator, and is drawn up by the indicator
engine's own evaluation of that declaration (`indicators.engine.counted`): a list and its
indicator count the same people by construction. At an institution, len(list) = denominator −
numerator of the indicator there.

- ``lapsed_pk`` — staff without a modern ПК course ending in y−2 … y (pk_modern_3y);
- ``young_without_mentor`` — teachers with experience < 3 years who are no mentee in y
  (young_mentored);
- ``deficit_no_course`` — staff with ≥ 1 deficit = да in the diagnostics of y−1 and no ПК
  course ending in y (deficit_addressed);
- ``heads_no_management`` — heads and deputies with no course on «управление» in y−2 … y
  (heads_management_3y).

Each row is one person of `Кадры` of y (staff: not the Centre's), with the institution and
what explains the case (`last_pk_year`, `deficit_areas`). `unit_lists` adds lists of units:
``missing_plan_report`` (associations of the register without a plan-report in y).

A list that would call people «without a course» for years whose form is not in the processed
data (the first year of real data, or a year whose courses did not arrive) is withheld: it comes
back empty, with the reason in ``frame.attrs["withheld"]`` (`withheld_reason`), so that neither
the page, the workbooks nor a recommendation count anyone in it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis import monitoring
from analysis.catalogue import (
    CATALOGUE,
    PERSON_LISTS,
    AnyOf,
    Attr,
    Has,
    Indicator,
    PersonList,
    tables_of,
)
from analysis.contract import TABLE_FORM
from analysis.indicators.engine import Counted, counted
from analysis.indicators.measures import condition
from analysis.reader import YearData
from analysis.vocabulary import CENTRE_TYPE

BASE = ["person_id", "inst_id", "inst_name", "position", "experience_years"]
WITHHELD = "withheld"  # frame.attrs key: why a list is not drawn up (Russian, for the reader)
# What a missing table of a list's window is called in its withheld reason (genitive plural).
TABLE_WORDS = {
    "courses": "курсов",
    "mentoring": "наставнических пар",
    "deficits": "диагностики дефицитов",
    "staff": "кадров",
}


def person_lists(data: YearData) -> dict[str, pd.DataFrame]:
    """Every person list of the data's year (catalogue order of `PERSON_LISTS`); an empty
    frame, withheld with the reason in ``attrs``, where a form it reads is missing."""
    names = institution_names(data.table("institutions"))
    found = counted(data, [CATALOGUE[p.indicator] for p in PERSON_LISTS.values()])
    return {
        key: person_list(data, declared, found[declared.indicator], names)
        for key, declared in PERSON_LISTS.items()
    }


def person_list(
    data: YearData, declared: PersonList, people: Counted, names: dict[str, str]
) -> pd.DataFrame:
    """One list: the persons in the denominator and not in the numerator of its indicator."""
    staff = _base(people.frame, names)
    indicator = CATALOGUE[declared.indicator]
    missing = missing_years(data, indicator)
    if missing:
        # a gap in the numerator's forms would list people as «without»; a gap in the
        # population's (last year's diagnostics) leaves unknown who belongs on the list at all
        absent = declared.absent if set(missing) & tables_of(indicator.numerator) else ""
        return withheld(staff, missing, absent, EXTRAS.get(declared.id, {}))
    out = staff[people.in_denominator & ~people.in_numerator]
    out = out.sort_values(["inst_id", "person_id"], kind="stable").reset_index(drop=True)
    for column, explain in EXTRAS.get(declared.id, {}).items():
        out[column] = explain(data, out)
    return out


def missing_years(data: YearData, indicator: Indicator) -> dict[str, list[int]]:
    """table → the years of the indicator's windows whose form is not in the data (a list over
    them would call people «without» what was only not loaded)."""
    out: dict[str, list[int]] = {}
    blocks = [indicator.numerator, *indicator.population]
    if data.table("staff") is None:
        out["staff"] = [data.year]
    for block in blocks:
        for cond in getattr(block, "conds", (block,)):
            if not isinstance(cond, Has):
                continue
            for offset in range(cond.years[0], cond.years[1] + 1):
                if data.table(cond.table, offset) is None:
                    years = out.setdefault(cond.table, [])
                    if data.year + offset not in years:
                        years.append(data.year + offset)
    return out


def withheld(
    staff: pd.DataFrame, missing: dict[str, list[int]], absent: str, extra: dict | None = None
) -> pd.DataFrame:
    """An empty list carrying why it is not drawn up (``attrs["withheld"]``): the missing
    forms and years, and what being listed would wrongly say (`absent`; "" when the gap is in
    who belongs on the list, not in what they lack)."""
    out = _empty(staff, list(extra or {}))
    gaps = "; ".join(f"{TABLE_WORDS.get(t, t)} за {_years(sorted(y))}" for t, y in missing.items())
    forms = ", ".join(dict.fromkeys(f"{TABLE_FORM.get(t, t)}.xlsx" for t in missing))
    every = sorted({y for ys in missing.values() for y in ys})
    why = (
        f", и «{absent}» значило бы лишь, что "
        f"{'этот год не загружен' if len(every) == 1 else 'эти годы не загружены'}"
        if absent
        else " — неизвестно, кого включать в список"
    )
    out.attrs[WITHHELD] = (
        f"список не составляется: {gaps} нет в загруженных данных{why}. "
        f"Загрузите {forms} за {_years(every)}."
    )
    return out


def withheld_reason(frame: pd.DataFrame) -> str:
    """Why a list is not drawn up ("" for a list that is)."""
    return str(frame.attrs.get(WITHHELD, ""))


def _years(years: list[int]) -> str:
    words = [str(y) for y in years]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " и " + words[-1]
    return text + (" год" if len(words) == 1 else " годы")


def institution_names(institutions: pd.DataFrame | None) -> dict[str, str]:
    """inst_id → name of the institutions that are not the Centre."""
    if institutions is None:
        return {}
    inst = institutions[institutions["inst_type"] != CENTRE_TYPE]
    return dict(zip(inst["inst_id"].astype(str), inst["name"].astype(str)))


def _base(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """The engine's persons with the list columns (a person of an unknown institution keeps
    its code as the name: the indicator counts them in the city, so the list does too)."""
    if "inst_id" not in frame.columns:
        return pd.DataFrame(
            {c: pd.Series(dtype="float64" if c == "experience_years" else "str") for c in BASE}
        )
    out = frame.reset_index(drop=True).copy()
    ids = out["inst_id"].astype(str)
    out["inst_name"] = [names.get(i, i) for i in ids]
    return out[BASE]


def unit_lists(
    associations: pd.DataFrame | None, plan_reports: pd.DataFrame | None
) -> dict[str, pd.DataFrame]:
    """Lists of units: associations without a plan-report (assoc_id, assoc_type, name)."""
    return {"missing_plan_report": monitoring.missing_plan_reports(associations, plan_reports)}


def in_category(frame: pd.DataFrame, conditions: tuple) -> pd.DataFrame:
    """The rows of a person list meeting a staff category's conditions (catalogue's
    `STAFF_CATEGORIES`), read the way the engine reads a population."""
    keep = pd.Series(True, index=frame.index)
    for cond in conditions:
        if isinstance(cond, (Attr, AnyOf)):
            keep &= condition(frame, cond)
    return frame[keep.to_numpy(dtype=bool)]


# --------------------------------------------------------------------------- what explains a row


def last_pk_year(data: YearData, persons: pd.DataFrame) -> pd.array:
    """The year of each person's last course counted by pk_modern_3y's numerator (a modern ПК
    course) in the processed data up to the report year (empty when none): for a lapsed
    person it is before the window."""
    counted = CATALOGUE["pk_modern_3y"].numerator
    last: dict[str, int] = {}
    for year in data.years():
        rows = data.table_of(counted.table, year) if year <= data.year else None
        if rows is None:
            continue
        keep = pd.Series(True, index=rows.index)
        for cond in counted.where:
            keep &= condition(rows, cond)
        for pid in rows.loc[keep.to_numpy(dtype=bool), counted.key].astype(str):
            last[pid] = year
    return pd.array([last.get(p) for p in persons["person_id"].astype(str)], dtype="Int64")


def deficit_areas(data: YearData, persons: pd.DataFrame) -> list[str | None]:
    """The areas of each person's deficits in last year's diagnostics («предметная, цифровая»)."""
    before = data.table("deficits", -1)
    if before is None:
        return [None] * len(persons)
    found = before[before["deficit"].astype(bool)]
    areas = found.groupby(found["person_id"].astype(str))["area"].agg(
        lambda a: ", ".join(sorted(set(a)))
    )
    return [areas.get(p) for p in persons["person_id"].astype(str)]


Explain = Callable[[YearData, pd.DataFrame], object]
EXTRAS: dict[str, dict[str, Explain]] = {
    "lapsed_pk": {"last_pk_year": last_pk_year},
    "deficit_no_course": {"deficit_areas": deficit_areas},
}


def _empty(staff: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    out = staff.iloc[0:0].copy()
    for col in extra or []:
        out[col] = pd.Series(dtype="str")
    return out
