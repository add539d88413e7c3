"""Stage 03, «Мониторинг», the computation: the year's indicators against targets, units and
previous years; the ШНОР/ШНСУ schools against the others; rankings; data quality; completeness
of reporting; the Centre's plan and fact.

Pure functions on the tidy indicator table (`analysis.indicators`) and processed tables: data
in, data out, tested on hand-made tables. What a reader sees of them (tables, sentences,
figures, the profile's decisions) is made in `analysis.pages.monitoring`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis import contract
from analysis.vocabulary import HIGHER, INCOMPLETE_WINDOW, SUPPRESSED, flag_mask, has_flag

PERCENT = "%"  # SPEC §5: the unit of shares (catalogue.UNITS); their gaps are in pp
ROBUST_Z = 0.6745  # Iglewicz–Hoaglin: 0.6745·(x − median)/MAD ~ N(0, 1) for normal data
BANDS = ("meets", "near", "below")  # a value against its target; "none" when not judged
WITHHELD = "withheld"  # frame.attrs: why a person list is not drawn up (lists.WITHHELD)
WINDOW_WITHHELD = (
    "список не составляется — курсов ДПО за часть лет трёхлетнего окна нет в загруженных "
    "данных, и отсутствие курса значило бы лишь, что эти годы не загружены"
)
SCHOOL_TYPE = "ОО"  # SPEC §2: ШНОР and ШНСУ are schools; groups compare schools only
SCHOOL_GROUPS = (  # (flag column of `Учреждения`, the group's label)
    ("low_results", "ШНОР"),
    ("unfavourable", "ШНСУ"),
)
OTHERS = "остальные школы"
# staff_anomalies: the kinds of finding
EXPERIENCE_OVER_AGE = "experience_over_age"  # longer experience than working years
COURSE_WITHOUT_STAFF = "course_without_staff"  # a course of a person on no staff list


def as_number(x: object) -> float:
    """A cell as a float; NaN for an empty cell (None, NaN, NA, "") or text that is no number."""
    try:
        return float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


# --------------------------------------------------------------------------- bands


def band(value: object, target: object, direction: str, unit: str, near_pp: float) -> str:
    """meets / near / below / none for a value against its target.

    «near» is within `near_pp` of the target on the wrong side: percentage points for shares,
    per cent of the target for counts and sums (a gap of 5 events means little against 500).
    """
    v, t = as_number(value), as_number(target)
    if math.isnan(v) or math.isnan(t):
        return "none"
    gap = (t - v) if direction == HIGHER else (v - t)
    if gap <= 0:
        return "meets"
    limit = near_pp if unit == PERCENT else abs(t) * near_pp / 100
    return "near" if gap <= limit else "below"


def judged_band(
    value: object, target: object, direction: str, unit: str, near_pp: float, flags: object
) -> str:
    """`band`, but «none» for a value over an incomplete window: an understated value is not
    judged against its target (the CSV's meets_target stays as SPEC §5 pins it)."""
    if has_flag(flags, INCOMPLETE_WINDOW):
        return "none"
    return band(value, target, direction, unit, near_pp)


def _meta(catalogue: Mapping, indicator_id: str) -> tuple[str, str, str]:
    """(name, unit, direction) of an indicator."""
    ind = catalogue[indicator_id]
    return ind.name, ind.unit, ind.direction


def _flags(cell: object) -> str:
    """A `flags` cell as text ("" for an empty one)."""
    return cell if isinstance(cell, str) else ""


# --------------------------------------------------------------------------- scorecard


def scorecard(
    series: pd.DataFrame,
    catalogue: Mapping,
    year: int,
    years: Sequence[int],
    near_pp: float,
) -> pd.DataFrame:
    """Every indicator at city level (the Centre's at level centre) over `years`.

    One row per indicator in catalogue order with, per year y, ``value_y``, ``target_y``,
    ``band_y``, ``flags_y``; plus ``change`` (report year minus the previous year shown) and
    ``band`` of the report year.
    """
    top = series[series["level"].isin(["city", "centre"])]
    first = top.drop_duplicates(["indicator_id", "year"])  # an indicator's first row of a year
    records = {
        (ind_id, y): (value, target, flags)
        for ind_id, y, value, target, flags in zip(
            first["indicator_id"], first["year"], first["value"], first["target"], first["flags"]
        )
    }
    present = set(first["indicator_id"])
    rows = []
    for ind_id, ind in catalogue.items():
        if ind_id not in present:
            continue
        row: dict[str, object] = {
            "indicator_id": ind_id,
            "name": ind.name,
            "unit": ind.unit,
            "direction": ind.direction,
            "group": getattr(ind, "group", "") or "",
        }
        for y in years:
            rec = records.get((ind_id, y))
            row[f"value_{y}"] = np.nan if rec is None else as_number(rec[0])
            row[f"target_{y}"] = np.nan if rec is None else as_number(rec[1])
            row[f"flags_{y}"] = "" if rec is None else _flags(rec[2])
            row[f"band_{y}"] = judged_band(
                row[f"value_{y}"],
                row[f"target_{y}"],
                ind.direction,
                ind.unit,
                near_pp,
                row[f"flags_{y}"],
            )
        prev = [y for y in years if y < year]
        row["change"] = (row[f"value_{year}"] - row[f"value_{prev[-1]}"]) if prev else np.nan
        row["band"] = row[f"band_{year}"]
        rows.append(row)
    return pd.DataFrame(rows)


def worsened(card: pd.DataFrame) -> pd.DataFrame:
    """The shares of the scorecard that moved the wrong way over the year (by direction)."""
    shares = card[card["change"].notna() & (card["unit"] == PERCENT)]
    wrong_way = np.where(shares["direction"] == HIGHER, shares["change"] < 0, shares["change"] > 0)
    return shares[wrong_way]


def dynamics_frame(
    series: pd.DataFrame, indicator_id: str, level: str = "city", unit_id: str | None = None
) -> pd.DataFrame:
    """year, value, target of one indicator and unit, for `plots.dynamics`."""
    part = series[(series["indicator_id"] == indicator_id) & (series["level"] == level)]
    if unit_id is not None:
        part = part[part["unit_id"] == unit_id]
    out = part[["year", "value", "target"]].copy()
    for col in ("value", "target"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    return out.sort_values("year").reset_index(drop=True)


# --------------------------------------------------------------------------- units compared


class UnitGrid(NamedTuple):
    """Units of a level × indicators, indexed by the unit's name, one column per indicator
    (named by its Russian name): values, bands and the `flags` cell of each; and each
    column's unit."""

    values: pd.DataFrame
    bands: pd.DataFrame
    flags: pd.DataFrame
    units: dict[str, str]


def compare_units(
    tidy: pd.DataFrame,
    catalogue: Mapping,
    level: str,
    near_pp: float,
    indicator_ids: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> UnitGrid:
    """The indicators (only those computed at the level) of every unit of a level."""
    part = tidy[tidy["level"] == level]
    ids = [i for i in (indicator_ids or catalogue) if i in set(part["indicator_id"])]
    # units with no value on any of the indicators (the Centre among types) are left out
    vals = pd.to_numeric(part["value"], errors="coerce")
    hidden = flag_mask(part["flags"], SUPPRESSED)
    keep = part.loc[part["indicator_id"].isin(ids) & (vals.notna() | hidden), "unit_id"]
    units = sorted(keep.astype(str).unique())
    names = names or {}
    index = [names.get(u, u) for u in units]
    values = pd.DataFrame(index=index, dtype=float)
    bands = pd.DataFrame(index=index, dtype=object)
    flags = pd.DataFrame(index=index, dtype=object)
    column_units = {}
    # (indicator, unit) → its cell, looked up in a dict rather than by filtering the frame
    cells = {
        (ind_id, u): (value, target, cell_flags)
        for ind_id, u, value, target, cell_flags in zip(
            part["indicator_id"],
            part["unit_id"].astype(str),
            part["value"],
            part["target"],
            part["flags"],
        )
    }
    for ind_id in ids:
        name, unit, direction = _meta(catalogue, ind_id)
        col_values, col_bands, col_flags = [], [], []
        for u in units:
            if (ind_id, u) not in cells:
                col_values.append(np.nan), col_bands.append("none"), col_flags.append("")
                continue
            value, target, cell_flags = cells[(ind_id, u)]
            v = as_number(value)
            col_values.append(v)
            col_bands.append(judged_band(v, target, direction, unit, near_pp, cell_flags))
            col_flags.append(_flags(cell_flags))
        values[name], bands[name], flags[name] = col_values, col_bands, col_flags
        column_units[name] = unit
    return UnitGrid(values, bands, flags, column_units)


def unit_shares(catalogue: Mapping, level: str = "district") -> list[str]:
    """The ids of the shares computed at a level (what the unit comparisons show)."""
    return [i for i, ind in catalogue.items() if ind.unit == PERCENT and level in ind.levels]


# --------------------------------------------------------------------------- ШНОР / ШНСУ


GROUP_COLUMNS = [
    "indicator_id",
    "name",
    "unit",
    "group",
    "schools",
    "numerator",
    "denominator",
    "value",
    "suppressed",
]


def school_groups(
    tidy: pd.DataFrame,
    institutions: pd.DataFrame | None,
    catalogue: Mapping,
    threshold: int | None = None,
    shown: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Shares of ШНОР, ШНСУ and the other schools (type ОО), pooled over their institutions.

    A group's share is Σ numerators / Σ denominators of its schools (not a mean of shares);
    counts are sums. With `threshold`, a share over fewer people is hidden (``suppressed``);
    with `shown` (the public table, `analysis.context.for_reader`), so is every group the
    disclosure control hid there (its level `school_group` rows).
    Columns: `GROUP_COLUMNS`; no rows without the register of institutions.
    """
    if institutions is None:
        return pd.DataFrame(columns=GROUP_COLUMNS)
    schools = institutions[institutions["inst_type"] == SCHOOL_TYPE]
    members = {
        label: set(schools.loc[schools[col].astype(bool), "inst_id"].astype(str))
        for col, label in SCHOOL_GROUPS
    }
    flagged = set().union(*members.values())
    members[OTHERS] = set(schools["inst_id"].astype(str)) - flagged
    part = tidy[tidy["level"] == "institution"]
    numerators = pd.to_numeric(part["numerator"], errors="coerce")
    denominators = pd.to_numeric(part["denominator"], errors="coerce")
    # Row positions per indicator and a membership mask per group, worked out once: filtering
    # the frame per indicator and group cost a boolean mask over all rows each time.
    by_indicator = part.groupby("indicator_id", sort=False).indices
    unit_ids = part["unit_id"].astype(str)
    in_group = {label: unit_ids.isin(ids).to_numpy() for label, ids in members.items()}
    hidden_groups = _hidden_groups(shown)
    rows = []
    for ind_id in catalogue:
        name, unit, _ = _meta(catalogue, ind_id)
        positions = by_indicator.get(ind_id)
        if positions is None:
            continue
        for label, ids in members.items():
            g = positions[in_group[label][positions]]  # the group's rows, in the table's order
            num = numerators.iloc[g].sum(min_count=1)
            if unit == PERCENT:
                den = denominators.iloc[g].sum(min_count=1)
                val = num / den * 100 if (not pd.isna(den) and den > 0) else np.nan
            else:
                den, val = np.nan, num
            small = (
                threshold is not None and unit == PERCENT and not pd.isna(den) and den < threshold
            ) or (ind_id, label) in hidden_groups
            rows.append(
                {
                    "indicator_id": ind_id,
                    "name": name,
                    "unit": unit,
                    "group": label,
                    "schools": len(ids),
                    "numerator": num,
                    "denominator": den,
                    "value": np.nan if small else val,
                    "suppressed": bool(small),
                }
            )
    return pd.DataFrame(rows, columns=GROUP_COLUMNS)


def _hidden_groups(shown: pd.DataFrame | None) -> set[tuple[str, str]]:
    """(indicator_id, group) pairs the public table hides."""
    if shown is None:
        return set()
    rows = shown[shown["level"].eq("school_group")]
    rows = rows[flag_mask(rows["flags"], SUPPRESSED)]
    return set(zip(rows["indicator_id"], rows["unit_id"].astype(str), strict=True))


def lagging_groups(groups: pd.DataFrame, catalogue: Mapping, min_gap_pp: float) -> pd.DataFrame:
    """The shares where ШНОР or ШНСУ lag the other schools by ≥ `min_gap_pp` (by direction).

    Columns: indicator_id, name, unit, group, value, others, gap (pp, > 0 = worse).
    """
    rows = []
    for ind_id, g in groups.groupby("indicator_id", sort=False):
        g = g.set_index("group")
        unit, direction = g["unit"].iloc[0], catalogue[ind_id].direction
        if unit != PERCENT:
            continue
        other = g.loc[OTHERS, "value"]
        for _, label in SCHOOL_GROUPS:
            v = g.loc[label, "value"]
            if pd.isna(v) or pd.isna(other):
                continue
            worse = (other - v) if direction == HIGHER else (v - other)
            if worse >= min_gap_pp:
                rows.append(
                    {
                        "indicator_id": ind_id,
                        "name": g["name"].iloc[0],
                        "unit": unit,
                        "group": label,
                        "value": v,
                        "others": other,
                        "gap": worse,
                    }
                )
    return pd.DataFrame(
        rows, columns=["indicator_id", "name", "unit", "group", "value", "others", "gap"]
    )


# --------------------------------------------------------------------------- rankings


def ranking(
    tidy: pd.DataFrame,
    institutions: pd.DataFrame,
    catalogue: Mapping,
    indicator_id: str,
    near_pp: float,
) -> pd.DataFrame:
    """Institutions ordered from best to worst on an indicator (by its direction).

    Units without a value (empty or suppressed) come last. Columns: place, inst_id, name,
    district, inst_type, value, denominator, target, band, flags.
    """
    _, unit, direction = _meta(catalogue, indicator_id)
    part = tidy[(tidy["level"] == "institution") & (tidy["indicator_id"] == indicator_id)].copy()
    part["unit_id"] = part["unit_id"].astype(str)
    inst = institutions.assign(inst_id=institutions["inst_id"].astype(str))
    part = part.merge(
        inst[["inst_id", "name", "district", "inst_type"]],
        left_on="unit_id",
        right_on="inst_id",
        how="left",
    )
    part["value"] = pd.to_numeric(part["value"], errors="coerce")
    part = part.sort_values(
        ["value", "inst_id"],
        ascending=[direction != HIGHER, True],
        na_position="last",
        kind="mergesort",
    )
    part["place"] = np.arange(1, len(part) + 1)
    part.loc[part["value"].isna(), "place"] = np.nan
    part["band"] = [
        judged_band(v, t, direction, unit, near_pp, f)
        for v, t, f in zip(part["value"], part["target"], part["flags"])
    ]
    cols = [
        "place",
        "inst_id",
        "name",
        "district",
        "inst_type",
        "value",
        "denominator",
        "target",
        "band",
        "flags",
    ]
    return part[cols].reset_index(drop=True)


def lowest_institutions(
    tidy: pd.DataFrame, institutions: pd.DataFrame, catalogue: Mapping, indicator_id: str, n: int
) -> list[str]:
    """inst_ids of the `n` institutions ranked lowest (with a value) on an indicator."""
    ranked = ranking(tidy, institutions, catalogue, indicator_id, near_pp=0)
    return list(ranked.loc[ranked["place"].notna(), "inst_id"].tail(n))


# --------------------------------------------------------------------------- data quality


def outliers(
    tidy: pd.DataFrame, catalogue: Mapping, z: float, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Institutions whose value is far from the others: |0.6745·(x − median)/MAD| > z.

    Per indicator over institutions with a value; an indicator whose MAD is 0 (at least half
    the institutions share one value) has no robust spread and gives no outliers.
    Columns: indicator_id, name, unit, inst_id, inst_name, value, median, robust_z.
    """
    part = tidy[tidy["level"] == "institution"]
    by_indicator = part.groupby("indicator_id", sort=False).indices  # rows, once for all
    rows = []
    for ind_id in catalogue:
        g = part.iloc[by_indicator.get(ind_id, [])]
        vals = pd.to_numeric(g["value"], errors="coerce")
        keep = vals.notna()
        g, vals = g[keep], vals[keep].astype(float)
        if len(vals) < 3:
            continue
        median = float(np.median(vals))
        mad = float(np.median(np.abs(vals - median)))
        if mad == 0:
            continue
        zs = ROBUST_Z * (vals - median) / mad
        for uid, v, zz in zip(g["unit_id"].astype(str), vals, zs):
            if abs(zz) > z:
                name, unit, _ = _meta(catalogue, ind_id)
                rows.append(
                    {
                        "indicator_id": ind_id,
                        "name": name,
                        "unit": unit,
                        "inst_id": uid,
                        "inst_name": (names or {}).get(uid, uid),
                        "value": v,
                        "median": median,
                        "robust_z": float(zz),
                    }
                )
    cols = ["indicator_id", "name", "unit", "inst_id", "inst_name", "value", "median", "robust_z"]
    return pd.DataFrame(rows, columns=cols)


def incomplete_windows(tidy: pd.DataFrame, catalogue: Mapping) -> list[str]:
    """Names of the indicators whose three-year window reaches before the first data year."""
    ids = set(tidy.loc[flag_mask(tidy["flags"], INCOMPLETE_WINDOW), "indicator_id"])
    return [catalogue[i].name for i in catalogue if i in ids]


def no_data_indicators(tidy: pd.DataFrame, catalogue: Mapping) -> list[str]:
    """Names of the indicators without a city (or Centre) value this year (a suppressed value
    is not missing data)."""
    top = tidy[tidy["level"].isin(["city", "centre"])]
    vals = pd.to_numeric(top["value"], errors="coerce")
    empty = set(top.loc[vals.isna() & ~flag_mask(top["flags"], SUPPRESSED), "indicator_id"])
    return [catalogue[i].name for i in catalogue if i in empty]


def staff_anomalies(
    staff: pd.DataFrame | None, courses: pd.DataFrame | None, year: int
) -> pd.DataFrame:
    """Person-level findings to check with the institution (internal profile only).

    - `EXPERIENCE_OVER_AGE`: experience longer than the years since
      `contract.MIN_WORKING_AGE` (the same rule ingest warns about; age = year − birth_year);
    - `COURSE_WITHOUT_STAFF`: courses of the year whose person is on no staff list of the
      year (they count nowhere).
    Columns: person_id, inst_id, finding, experience_years, age (the last two of the first kind).
    No staff list: no findings (nothing to check the courses against).
    """
    cols = ["person_id", "inst_id", "finding", "experience_years", "age"]
    if staff is None:
        return pd.DataFrame(columns=cols)
    rows = []
    age = year - staff["birth_year"].astype(float)
    bad = staff[staff["experience_years"].astype(float) > age - contract.MIN_WORKING_AGE]
    for r in bad.itertuples(index=False):
        rows.append(
            {
                "person_id": str(r.person_id),
                "inst_id": str(r.inst_id),
                "finding": EXPERIENCE_OVER_AGE,
                "experience_years": float(r.experience_years),
                "age": year - int(r.birth_year),
            }
        )
    if courses is not None and len(courses):
        known = set(staff["person_id"].astype(str))
        stray = sorted(set(courses["person_id"].astype(str)) - known)
        for pid in stray:
            rows.append(
                {
                    "person_id": pid,
                    "inst_id": "",
                    "finding": COURSE_WITHOUT_STAFF,
                    "experience_years": np.nan,
                    "age": np.nan,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def lapsed_staff(
    staff: pd.DataFrame,
    courses_by_year: Sequence[pd.DataFrame | None],
    inst_ids: Sequence[str],
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Staff of the given institutions with no course (ПК or ПП) in the three-year window.

    `courses_by_year` holds the `ДПО` tables of y−2 … y (None for a year without the form);
    `kinds` limits the courses that count (``["ПК"]``: no ПК course, ПП does not count).
    Columns: inst_id, person_id, position, experience_years. When a year of the window has no
    `ДПО` in the data, nobody can be said to lack a course: the list is empty and says why
    (``attrs["withheld"]``).
    """
    cols = ["inst_id", "person_id", "position", "experience_years"]
    if any(c is None for c in courses_by_year):
        out = staff[cols].iloc[0:0].reset_index(drop=True)
        out.attrs[WITHHELD] = WINDOW_WITHHELD
        return out
    trained: set[str] = set()
    for c in courses_by_year:
        if c is not None:
            if kinds is not None:
                c = c[c["kind"].isin(list(kinds))]
            trained |= set(c["person_id"].astype(str))
    part = staff[staff["inst_id"].astype(str).isin(set(map(str, inst_ids)))]
    part = part[~part["person_id"].astype(str).isin(trained)]
    return part[cols].sort_values(["inst_id", "person_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- completeness


def missing_plan_reports(
    associations: pd.DataFrame | None, plan_reports: pd.DataFrame | None
) -> pd.DataFrame:
    """Associations of the register without a plan-report this year (assoc_id, assoc_type, name)."""
    cols = ["assoc_id", "assoc_type", "name"]
    if associations is None:
        return pd.DataFrame(columns=cols)
    got = set() if plan_reports is None else set(plan_reports["assoc_id"].astype(str))
    missing = associations[~associations["assoc_id"].astype(str).isin(got)]
    return missing[cols].sort_values(["assoc_type", "assoc_id"]).reset_index(drop=True)


def completeness_by_type(
    associations: pd.DataFrame | None, plan_reports: pd.DataFrame | None
) -> pd.DataFrame:
    """Per association type: registered, reported, missing, % reported."""
    cols = ["assoc_type", "registered", "reported", "missing", "share"]
    if associations is None:
        return pd.DataFrame(columns=cols)
    got = set() if plan_reports is None else set(plan_reports["assoc_id"].astype(str))
    a = associations.assign(reported=associations["assoc_id"].astype(str).isin(got))
    out = (
        a.groupby("assoc_type", sort=True)
        .agg(registered=("assoc_id", "size"), reported=("reported", "sum"))
        .reset_index()
    )
    out["missing"] = out["registered"] - out["reported"]
    out["share"] = out["reported"] / out["registered"] * 100
    return out[cols]


# --------------------------------------------------------------------------- the Centre


def centre_plan_fact(tidy: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """The Centre's municipal assignment: plan (target), fact (value) and % of plan."""
    part = tidy[tidy["level"] == "centre"]
    rows = []
    for ind_id in catalogue:
        if catalogue[ind_id].unit == PERCENT:
            continue  # «% of plan» companions: the percentage is computed here from plan and fact
        r = part[part["indicator_id"] == ind_id]
        if r.empty:
            continue
        name, unit, _ = _meta(catalogue, ind_id)
        fact = pd.to_numeric(r["value"].iloc[0], errors="coerce")
        plan = pd.to_numeric(r["target"].iloc[0], errors="coerce")
        pct = (
            fact / plan * 100 if (not pd.isna(plan) and plan > 0 and not pd.isna(fact)) else np.nan
        )
        rows.append(
            {
                "indicator_id": ind_id,
                "name": name,
                "unit": unit,
                "plan": plan,
                "fact": fact,
                "percent": pct,
            }
        )
    return pd.DataFrame(rows, columns=["indicator_id", "name", "unit", "plan", "fact", "percent"])
