"""Person-level lists behind the recommendations (internal profile only, SPEC §2, §6).

Each list is one row per person of `Кадры` of the year (staff of institutions other than the
Centre), with the institution and what explains the case. The definitions follow the
indicators they answer, so the counts match the indicator's numerator and denominator:

- ``lapsed_pk`` — no course of kind ПК ending in y−2 … y (pk_modern_3y);
- ``young_without_mentor`` — teachers with experience < 3 years who are no mentee in y
  (young_mentored);
- ``deficit_no_course`` — staff with ≥ 1 deficit = да in the diagnostics of y−1 and no ПК
  course ending in y (deficit_addressed);
- ``heads_no_management`` — heads and deputies with no course on «управление» in y−2 … y
  (heads_management_3y).

`unit_lists` adds lists of units: ``missing_plan_report`` (associations of the register
without a plan-report in y).

A list that would call people «without a course» for years whose `ДПО` is not in the processed
data (the first year of real data, or a year whose courses did not arrive) is withheld: it comes
back empty, with the reason in ``frame.attrs["withheld"]`` (`withheld_reason`), so that neither
the page, the workbooks nor a recommendation count anyone in it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import monitoring, processed

PERSON_LISTS = ("lapsed_pk", "young_without_mentor", "deficit_no_course", "heads_no_management")
BASE = ["person_id", "inst_id", "inst_name", "position", "experience_years"]
HEADS = ("руководитель", "заместитель руководителя")  # SPEC §5: "Heads"
YOUNG_YEARS = 3  # SPEC §5 young_mentored: experience_years < 3
CENTRE_TYPE = "ДПО"  # SPEC §5: staff of the Centre are not "staff"


WITHHELD = "withheld"  # frame.attrs key: why a list is not drawn up (Russian, for the reader)


def person_lists(processed_dir: Path, year: int) -> dict[str, pd.DataFrame]:
    """Every person list of `year` (an empty frame where a form it needs is missing; withheld,
    with the reason in ``attrs``, where the courses of its window are not all in the data)."""
    staff = city_staff(processed_dir, year)
    courses = {y: processed.read_table(processed_dir, y, "courses")
               for y in processed.years(processed_dir) if y <= year}
    window = [courses.get(y) for y in range(year - 2, year + 1)]
    no_window = missing_course_years(courses, range(year - 2, year + 1))
    mentoring = processed.read_table(processed_dir, year, "mentoring")
    deficits = processed.read_table(processed_dir, year - 1, "deficits")
    return {
        "lapsed_pk": withheld(staff, no_window, "нет курса ПК") if no_window
        else lapsed_pk(staff, window, courses),
        "young_without_mentor": withheld(staff, [], "", f"нет формы наставничества за {year} год")
        if mentoring is None else young_without_mentor(staff, mentoring),
        "deficit_no_course": _deficit_list(staff, deficits, courses.get(year), year),
        "heads_no_management": withheld(staff, no_window, "нет курса по управлению")
        if no_window else heads_no_management(staff, window),
    }


def missing_course_years(courses: dict[int, pd.DataFrame | None], years: range) -> list[int]:
    """The years of a window whose `ДПО` form is not in the processed data."""
    return [y for y in years if courses.get(y) is None]


def withheld(staff: pd.DataFrame, missing: list[int], what: str, reason: str = "",
             extra: list[str] | None = None) -> pd.DataFrame:
    """An empty list carrying why it is not drawn up (``attrs["withheld"]``)."""
    out = _empty(staff, extra)
    out.attrs[WITHHELD] = reason or (
        f"список не составляется: курсов за {_years(missing)} нет в загруженных данных, и "
        f"«{what}» значило бы лишь, что эти годы не загружены. Загрузите формы ДПО "
        f"(courses.xlsx) за {_years(missing)}."
    )
    return out


def withheld_reason(frame: pd.DataFrame) -> str:
    """Why a list is not drawn up ("" for a list that is)."""
    return str(frame.attrs.get(WITHHELD, ""))


def _deficit_list(staff: pd.DataFrame, deficits: pd.DataFrame | None,
                  courses: pd.DataFrame | None, year: int) -> pd.DataFrame:
    if deficits is None:
        return withheld(staff, [], "", f"нет диагностики дефицитов за {year - 1} год",
                        ["deficit_areas"])
    if courses is None:
        return withheld(staff, [year], "нет курса ПК", extra=["deficit_areas"])
    return deficit_no_course(staff, deficits, courses)


def _years(years: list[int]) -> str:
    words = [str(y) for y in years]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " и " + words[-1]
    return text + (" год" if len(words) == 1 else " годы")


def unit_lists(processed_dir: Path, year: int) -> dict[str, pd.DataFrame]:
    """Lists of units: associations without a plan-report (assoc_id, assoc_type, name)."""
    return {"missing_plan_report": monitoring.missing_plan_reports(
        processed.read_table(processed_dir, year, "associations"),
        processed.read_table(processed_dir, year, "plan_reports"))}


def city_staff(processed_dir: Path, year: int) -> pd.DataFrame:
    """`Кадры` of the year without the Centre's staff, with the institution's name."""
    staff = processed.read_table(processed_dir, year, "staff")
    inst = processed.read_table(processed_dir, year, "institutions")
    if staff is None or inst is None:
        return pd.DataFrame({c: pd.Series(dtype="str" if c != "experience_years" else "float64")
                             for c in BASE})
    inst = inst[inst["inst_type"] != CENTRE_TYPE]
    names = dict(zip(inst["inst_id"].astype(str), inst["name"].astype(str)))
    out = staff[staff["inst_id"].astype(str).isin(names)].copy()
    out["inst_name"] = out["inst_id"].astype(str).map(names)
    return out[BASE].sort_values(["inst_id", "person_id"]).reset_index(drop=True)


def lapsed_pk(staff: pd.DataFrame, window: list[pd.DataFrame | None],
              all_courses: dict[int, pd.DataFrame | None]) -> pd.DataFrame:
    """Staff without a ПК course in the window, with the year of their last earlier ПК course
    (`last_pk_year`, empty when the processed data holds none)."""
    lapsed = monitoring.lapsed_staff(staff, window, staff["inst_id"].unique(), kinds=["ПК"])
    out = staff[staff["person_id"].isin(set(lapsed["person_id"]))].copy()
    last: dict[str, int] = {}
    for y, courses in sorted(all_courses.items()):
        if courses is not None:
            for pid in courses.loc[courses["kind"] == "ПК", "person_id"].astype(str):
                last[pid] = y
    # a lapsed person has no ПК course in the window, so any recorded one is from before it
    out["last_pk_year"] = pd.array([last.get(p) for p in out["person_id"]], dtype="Int64")
    return out.reset_index(drop=True)


def young_without_mentor(staff: pd.DataFrame, mentoring: pd.DataFrame | None) -> pd.DataFrame:
    """Teachers with experience < 3 years who are not a mentee this year."""
    if mentoring is None:
        return _empty(staff)
    young = staff[(staff["position"] == "педагог") & (staff["experience_years"] < YOUNG_YEARS)]
    mentees = set(mentoring["mentee_id"].astype(str))
    return young[~young["person_id"].isin(mentees)].reset_index(drop=True)


def deficit_no_course(staff: pd.DataFrame, deficits_before: pd.DataFrame | None,
                      courses: pd.DataFrame | None) -> pd.DataFrame:
    """Staff with a deficit in last year's diagnostics and no ПК course this year."""
    if deficits_before is None:
        return _empty(staff, ["deficit_areas"])
    found = deficits_before[deficits_before["deficit"].astype(bool)]
    areas = found.groupby(found["person_id"].astype(str))["area"].agg(
        lambda a: ", ".join(sorted(set(a))))
    trained = set() if courses is None else set(
        courses.loc[courses["kind"] == "ПК", "person_id"].astype(str))
    out = staff[staff["person_id"].isin(set(areas.index)) & ~staff["person_id"].isin(trained)]
    out = out.assign(deficit_areas=out["person_id"].map(areas))
    return out.reset_index(drop=True)


def heads_no_management(staff: pd.DataFrame, window: list[pd.DataFrame | None]) -> pd.DataFrame:
    """Heads and deputies without a course on «управление» in the window."""
    trained: set[str] = set()
    for courses in window:
        if courses is not None:
            trained |= set(courses.loc[courses["topic"] == "управление", "person_id"].astype(str))
    heads = staff[staff["position"].isin(HEADS)]
    return heads[~heads["person_id"].isin(trained)].reset_index(drop=True)


def _empty(staff: pd.DataFrame, extra: list[str] | None = None) -> pd.DataFrame:
    out = staff.iloc[0:0].copy()
    for col in extra or []:
        out[col] = pd.Series(dtype="str")
    return out
