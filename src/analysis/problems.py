"""Stage 04, «Анализ»: the problems of a year, each as one ranked record.

Four kinds of problem are found on the tidy indicator tables of the window's years:

- ``below_target`` — a unit's value does not meet its target (by the indicator's direction;
  a value exactly at the target meets it);
- ``worsening`` — a share moved the wrong way by at least ``worsening_pp`` percentage points
  between the earliest year of the window with a value and the report year;
- ``outlier`` — an institution's value is far from the others' (robust z of
  `monitoring.outliers`) on the wrong side;
- ``lagging_group`` — a district or institution type worse than the city, or the ШНОР / ШНСУ
  schools worse than the other schools, by at least ``lagging_pp`` percentage points.

Severity = kind weight × level weight × size × reliability, where size is in percentage points for
shares and in per cent of the reference (target, earlier value, median) for counts, so problems of
every kind and unit rank on one scale, and reliability = n / (n + problem_min_people) for a share
over n people (1 for counts): a share over few people moves a lot by chance, so its gap is shrunk
(a school of six that lost three points must not outrank the whole city).
Chance: a share of a unit of n people moves by chance alone; a unit is compared with its
reference (target, earlier value, city, median) by the funnel limits of its size
(`inference.funnel_limits`, z = `FUNNEL_Z`): a school of 8 one person short of its target is
within them and is not a problem. The city and the Centre are whole populations, not samples:
no funnel there. ``affected`` = how many people the gap is (gap in p. p. × n / 100) for a
share, the missing count for a count: what a head ranks by (`tidy`, `grouped`).
Thresholds and weights live in `params/book.yaml` (read by the caller: `BookSettings`).
Tables, sentences and figures of the problems are page 04's (`analysis.pages.analysis`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis import monitoring
from analysis.catalogue import CATALOGUE, PERCENT
from analysis.inference import funnel_limits
from analysis.settings import BookSettings
from analysis.targets import meets_target
from analysis.vocabulary import (
    INCOMPLETE_WINDOW,
    INST_TYPE_NAMES,
    SCHOOL_GROUP,
    SUPPRESSED,
    flag_mask,
)

KINDS = ("below_target", "worsening", "outlier", "lagging_group")
KIND_NAMES = {
    "below_target": "ниже цели",
    "worsening": "ухудшение",
    "outlier": "резкое отклонение",
    "lagging_group": "отставание группы",
}
LEVEL_ORDER = (
    "city",
    "centre",
    "district",
    "inst_type",
    SCHOOL_GROUP,
    "institution",
    "association",
)
GROUP_NAMES = {
    "ШНОР": "Школы с низкими результатами (ШНОР)",
    "ШНСУ": "Школы в неблагоприятных условиях (ШНСУ)",
}
COLUMNS = [
    "kind",
    "level",
    "unit_id",
    "unit_name",
    "indicator_id",
    "value",
    "target",
    "gap",
    "trend",
    "severity",
    "reference",
    "unit",
    "year_from",
    "denominator",
    "affected",
]
# the inner limit of a funnel plot (≈ 95 %): beyond it a unit's gap is more than chance allows
# for its size (as institutional comparisons in public health and education are drawn)
FUNNEL_Z = 1.96
WHOLE_POPULATIONS = ("city", "centre")  # measured whole, not sampled: no funnel


# --------------------------------------------------------------------------- unit names


def unit_names(
    institutions: pd.DataFrame | None = None, associations: pd.DataFrame | None = None
) -> dict[str, dict[str, str]]:
    """level → {unit_id: the name a reader sees} for the levels whose ids are codes."""
    names: dict[str, dict[str, str]] = {
        "inst_type": {k: v[:1].upper() + v[1:] for k, v in INST_TYPE_NAMES.items()},
        SCHOOL_GROUP: dict(GROUP_NAMES),
    }
    if institutions is not None:
        names["institution"] = dict(
            zip(institutions["inst_id"].astype(str), institutions["name"].astype(str))
        )
    if associations is not None:
        names["association"] = dict(
            zip(associations["assoc_id"].astype(str), associations["name"].astype(str))
        )
    return names


def unit_label(level: str, unit_id: str, names: Mapping[str, Mapping[str, str]]) -> str:
    """«Город», «Ленинский район», «МОУ «СОШ № 1»», «Центр»…"""
    if level == "city":
        return "Город"
    if level == "centre":
        return "Центр"
    if level == "district":
        return unit_id if "район" in unit_id.lower() else f"{unit_id} район"
    return names.get(level, {}).get(unit_id, unit_id)


def lower_first(text: str) -> str:
    """«Доля педагогов…» → «доля педагогов…» (names never start with an abbreviation)."""
    return text[:1].lower() + text[1:]


# --------------------------------------------------------------------------- finding


def find_problems(
    history: pd.DataFrame,
    year: int,
    catalogue: Mapping = CATALOGUE,
    settings: BookSettings | None = None,
    *,
    institutions: pd.DataFrame | None = None,
    associations: pd.DataFrame | None = None,
    funnel_z: float | None = FUNNEL_Z,
) -> pd.DataFrame:
    """Every problem of `year`, one record each, the most severe first.

    `history` is the tidy indicator table of the window's years (`context.indicator_history`).
    `institutions` (for names and the ШНОР / ШНСУ groups) and `associations` (names) are
    optional: without them ids are shown and the school groups are not judged.
    `funnel_z`: shares within the funnel limits of their size are not problems (None: every
    gap counts, as the thresholds alone decide).
    """
    settings = settings or BookSettings()  # the defaults: params/ is read by the caller
    names = unit_names(institutions, associations)
    data = _numeric(history[history["indicator_id"].isin(list(catalogue))])
    # a staff share of an association describes who its members are (a school of young
    # teachers has few with a category), not how the association works: not judged
    person = data["indicator_id"].map(lambda i: catalogue[i].subject == "person")
    data = _keep(data, ~(person.astype(bool) & data["level"].eq("association")))
    current = data[data["year"] == year]
    trends = _trends(data, year, settings.problem_min_people)
    found = [
        _below_target(current, catalogue),
        _worsening(trends, catalogue, settings.worsening_pp),
        _outliers(current, catalogue, settings.outlier_z),
        _lagging_units(current, catalogue, settings),
    ]
    if institutions is not None:
        found.append(_lagging_schools(current, institutions, catalogue, settings))
    frame = (
        pd.concat([f for f in found if len(f)], ignore_index=True)
        if any(len(f) for f in found)
        else pd.DataFrame(columns=COLUMNS)
    )
    found_ = _finish(frame, trends, catalogue, settings, names)
    return found_ if funnel_z is None else beyond_chance(found_, catalogue, funnel_z)


def beyond_chance(found: pd.DataFrame, catalogue: Mapping, z: float) -> pd.DataFrame:
    """The problems chance does not explain: a share of a unit of n people (not the city or the
    Centre) only when its value lies beyond the funnel limit around its reference, on the bad
    side; counts and whole populations as they are."""
    keep = [_beyond_chance(r, catalogue, z) for r in found.itertuples(index=False)]
    return found[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def _beyond_chance(r, catalogue: Mapping, z: float) -> bool:
    if r.unit != PERCENT or r.level in WHOLE_POPULATIONS:
        return True
    if pd.isna(r.denominator) or pd.isna(r.reference):
        return True  # no size to judge by: the thresholds alone decide
    low, high = funnel_limits(float(r.reference), np.array([float(r.denominator)]), z)
    if catalogue[r.indicator_id].direction == "lower":
        return bool(r.value > high[0])
    return bool(r.value < low[0])


def _numeric(tidy: pd.DataFrame) -> pd.DataFrame:
    out = tidy.copy()
    for col in ("numerator", "denominator", "value", "target"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float)
    out["unit_id"] = out["unit_id"].astype(str)
    out["flags"] = out["flags"].astype("string").fillna("") if "flags" in out else ""
    return out


def _keep(frame: pd.DataFrame, mask: pd.Series | np.ndarray) -> pd.DataFrame:
    """Rows where `mask` holds (an empty mask of object dtype would select columns instead)."""
    return frame.loc[np.asarray(mask, dtype=bool)]


def _directions(ids: pd.Series, catalogue: Mapping) -> pd.Series:
    return ids.map(lambda i: catalogue[i].direction)


def _units(ids: pd.Series, catalogue: Mapping) -> pd.Series:
    return ids.map(lambda i: catalogue[i].unit)


def _bad(diff: pd.Series | np.ndarray, direction: pd.Series) -> np.ndarray:
    """A difference (value − reference) turned into «how much worse» (positive = worse)."""
    d = np.asarray(diff, dtype=float)
    return np.where(np.asarray(direction) == "lower", d, -d)


def _below_target(current: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """Units whose value misses its target (understated three-year windows are not judged)."""
    part = current[
        current["value"].notna()
        & current["target"].notna()
        & ~flag_mask(current["flags"], INCOMPLETE_WINDOW)
    ]
    # a count with a «% of plan» companion is judged once, through the companion
    part = _keep(part, ~part["indicator_id"].map(lambda i: f"{i}_pct" in catalogue))
    direction = _directions(part["indicator_id"], catalogue)
    met = meets_target(part["value"], part["target"], direction)
    part = _keep(part, ~met.fillna(True).astype(bool))
    out = _base(part, "below_target")
    out["gap"] = (part["value"] - part["target"]).abs().to_numpy()
    out["reference"] = part["target"].to_numpy()
    return out


def _base(part: pd.DataFrame, kind: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kind": kind,
            "level": part["level"].to_numpy(),
            "unit_id": part["unit_id"].to_numpy(),
            "indicator_id": part["indicator_id"].to_numpy(),
            "value": part["value"].to_numpy(),
            "target": part["target"].to_numpy(),
            "denominator": part["denominator"].to_numpy(),
        }
    )


def _trends(data: pd.DataFrame, year: int, min_people: int) -> pd.DataFrame:
    """Per (indicator, level, unit): the report year's value against the earliest window year.

    Values over fewer than `min_people` (shares) and understated three-year windows are left
    out on both ends. Columns: indicator_id, level, unit_id, value, target, start, year_from.
    """
    ok = data["value"].notna() & ~flag_mask(data["flags"], INCOMPLETE_WINDOW)
    small = data["unit"].eq(PERCENT) & (data["denominator"] < min_people)
    ok &= ~small.fillna(False)
    usable = data[ok]
    keys = ["indicator_id", "level", "unit_id"]
    now = usable[usable["year"] == year][keys + ["value", "target", "denominator"]]
    before = usable[usable["year"] < year].sort_values("year", kind="stable")
    first = before.drop_duplicates(keys, keep="first")[keys + ["value", "year"]]
    first = first.rename(columns={"value": "start", "year": "year_from"})
    return now.merge(first, on=keys, how="inner")


def _worsening(trends: pd.DataFrame, catalogue: Mapping, threshold_pp: float) -> pd.DataFrame:
    """Shares that moved the wrong way by at least `threshold_pp` over the window."""
    part = trends[_units(trends["indicator_id"], catalogue).eq(PERCENT).to_numpy()]
    worse = _bad(part["value"] - part["start"], _directions(part["indicator_id"], catalogue))
    # rounding guard: a drop of exactly the threshold counts, whatever the float noise
    part = part[np.round(worse, 9) >= threshold_pp]
    out = _base(part, "worsening")
    out["gap"] = (part["value"] - part["start"]).abs().to_numpy()
    out["reference"] = part["start"].to_numpy()
    out["year_from"] = part["year_from"].to_numpy()
    return out


def _outliers(current: pd.DataFrame, catalogue: Mapping, z: float) -> pd.DataFrame:
    """Institutions far from the others on the wrong side (robust z beyond `z`)."""
    found = monitoring.outliers(current, catalogue, z)
    if found.empty:
        return pd.DataFrame(columns=COLUMNS)
    direction = _directions(found["indicator_id"], catalogue)
    found = found[_bad(found["robust_z"], direction) > 0]
    targets = current[current["level"] == "institution"].set_index(["indicator_id", "unit_id"])
    out = pd.DataFrame(
        {
            "kind": "outlier",
            "level": "institution",
            "unit_id": found["inst_id"].to_numpy(),
            "indicator_id": found["indicator_id"].to_numpy(),
            "value": found["value"].to_numpy(),
        }
    )
    out["target"] = [
        targets["target"].get((i, u), np.nan) for i, u in zip(out["indicator_id"], out["unit_id"])
    ]
    out["denominator"] = [
        targets["denominator"].get((i, u), np.nan)
        for i, u in zip(out["indicator_id"], out["unit_id"])
    ]
    out["gap"] = (found["value"] - found["median"]).abs().to_numpy()
    out["reference"] = found["median"].to_numpy()
    return out


def _lagging_units(
    current: pd.DataFrame, catalogue: Mapping, settings: BookSettings
) -> pd.DataFrame:
    """Districts and institution types worse than the city by at least `lagging_pp`."""
    city = current[current["level"] == "city"].set_index("indicator_id")["value"]
    part = current[
        current["level"].isin(["district", "inst_type"])
        & _units(current["indicator_id"], catalogue).eq(PERCENT)
        & current["value"].notna()
        & (current["denominator"] >= settings.problem_min_people)
    ]
    part = part.assign(reference=part["indicator_id"].map(city).astype(float))
    part = part.dropna(subset=["reference"])
    worse = _bad(part["value"] - part["reference"], _directions(part["indicator_id"], catalogue))
    part = part[np.round(worse, 9) >= settings.lagging_pp]
    out = _base(part, "lagging_group")
    out["gap"] = (part["value"] - part["reference"]).abs().to_numpy()
    out["reference"] = part["reference"].to_numpy()
    return out


def _lagging_schools(
    current: pd.DataFrame, institutions: pd.DataFrame, catalogue: Mapping, settings: BookSettings
) -> pd.DataFrame:
    """ШНОР / ШНСУ schools (pooled) worse than the other schools by at least `lagging_pp`."""
    groups = monitoring.school_groups(current, institutions, catalogue, settings.problem_min_people)
    if groups.empty:
        return pd.DataFrame(columns=COLUMNS)
    groups = groups[groups["unit"] == PERCENT]
    others = groups[groups["group"] == monitoring.OTHERS].set_index("indicator_id")["value"]
    city_target = current[current["level"] == "city"].set_index("indicator_id")["target"]
    rows = groups[groups["group"].isin(list(GROUP_NAMES))].copy()
    rows["reference"] = rows["indicator_id"].map(others).astype(float)
    rows = rows.dropna(subset=["value", "reference"])
    worse = _bad(rows["value"] - rows["reference"], _directions(rows["indicator_id"], catalogue))
    rows = rows[np.round(worse, 9) >= settings.lagging_pp]
    return pd.DataFrame(
        {
            "kind": "lagging_group",
            "level": SCHOOL_GROUP,
            "unit_id": rows["group"].to_numpy(),
            "indicator_id": rows["indicator_id"].to_numpy(),
            "value": rows["value"].astype(float).to_numpy(),
            "target": rows["indicator_id"].map(city_target).astype(float).to_numpy(),
            "gap": (rows["value"] - rows["reference"]).abs().astype(float).to_numpy(),
            "reference": rows["reference"].astype(float).to_numpy(),
            "denominator": rows["denominator"].astype(float).to_numpy(),
        }
    )


def _finish(
    frame: pd.DataFrame,
    trends: pd.DataFrame,
    catalogue: Mapping,
    settings: BookSettings,
    names: Mapping,
) -> pd.DataFrame:
    """Names, trend and severity; columns in order; sorted by severity."""
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=_dtype(c)) for c in COLUMNS})
    frame = frame.reindex(columns=COLUMNS)
    # dicts, not a MultiIndex lookup per problem (≈3 000 a year, most of this function's time)
    trend_keys = list(zip(trends["indicator_id"], trends["level"], trends["unit_id"]))
    trend_of = dict(zip(trend_keys, trends["value"] - trends["start"]))
    year_from_of = dict(zip(trend_keys, trends["year_from"]))
    keys = list(zip(frame["indicator_id"], frame["level"], frame["unit_id"]))
    frame["trend"] = [trend_of.get(k, np.nan) for k in keys]
    frame["year_from"] = [
        y if not pd.isna(y) else year_from_of.get(k, np.nan)
        for y, k in zip(frame["year_from"], keys)
    ]
    frame["unit"] = _units(frame["indicator_id"], catalogue).to_numpy()
    frame["unit_name"] = [
        unit_label(lv, u, names) for lv, u in zip(frame["level"], frame["unit_id"])
    ]
    for col in ("value", "target", "gap", "trend", "reference", "year_from", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["severity"] = [_severity(r, settings) for r in frame.itertuples(index=False)]
    frame["affected"] = [affected(r.gap, r.denominator, r.unit) for r in frame.itertuples()]
    order = {"kind": KINDS, "level": LEVEL_ORDER, "indicator_id": tuple(catalogue)}
    ranks = {k: frame[k].map({v: i for i, v in enumerate(vals)}) for k, vals in order.items()}
    frame = frame.assign(**{f"_{k}": v for k, v in ranks.items()})
    frame = frame.sort_values(
        ["severity", "_kind", "_level", "_indicator_id", "unit_id"],
        ascending=[False, True, True, True, True],
        kind="stable",
    )
    return frame[COLUMNS].reset_index(drop=True)


def _dtype(col: str) -> str:
    return (
        "float64"
        if col
        in (
            "value",
            "target",
            "gap",
            "trend",
            "severity",
            "reference",
            "year_from",
            "denominator",
            "affected",
        )
        else "str"
    )


def size(gap: float, reference: float, unit: str) -> float:
    """A gap on the common scale: p. p. for shares, % of the reference for counts."""
    if unit == PERCENT:
        return float(gap)
    if pd.isna(reference) or reference == 0:
        return float(gap)
    return float(gap) / abs(float(reference)) * 100


def affected(gap: float, people: float, unit: str) -> float:
    """How many people a gap is: gap (p. p.) × n / 100 for a share over n people; a count's
    gap is its missing count (events, products…); a share without n counts as its gap."""
    if unit == PERCENT and not pd.isna(people):
        return round(float(gap) * float(people) / 100, 9)
    return float(gap)


def _severity(r, settings: BookSettings) -> float:
    weight = settings.severity_kind.get(r.kind, 1.0) * settings.severity_level.get(r.level, 1.0)
    reliability = 1.0
    if r.unit == PERCENT and not pd.isna(r.denominator):
        n = float(r.denominator)
        reliability = n / (n + settings.problem_min_people) if n > 0 else 0.0
    return round(weight * reliability * size(r.gap, r.reference, r.unit), 9)


# --------------------------------------------------------------------------- the public profile


def for_reader(problems: pd.DataFrame, shown_history: pd.DataFrame) -> pd.DataFrame:
    """Problems the public profile may show: none about a unit whose value is hidden in any
    year of the window (its value, trend or gap would give the hidden number away)."""
    hidden = shown_history[flag_mask(shown_history["flags"], SUPPRESSED)]
    keys = set(zip(hidden["level"], hidden["unit_id"].astype(str), hidden["indicator_id"]))
    keep = [
        (lv, u, i) not in keys
        for lv, u, i in zip(problems["level"], problems["unit_id"], problems["indicator_id"])
    ]
    return _keep(problems, keep).reset_index(drop=True)  # no problem: the columns stay


def by_indicator(problems: pd.DataFrame, catalogue: Mapping = CATALOGUE) -> pd.DataFrame:
    """Indicator × kind: how many problems (catalogue order; indicators without any left out)."""
    counts = problems.groupby(["indicator_id", "kind"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=list(KINDS), fill_value=0)
    counts = counts.reindex([i for i in catalogue if i in counts.index])
    counts.insert(0, "name", [catalogue[i].name for i in counts.index])
    return counts.reset_index()


# --------------------------------------------------------------------------- problems.csv

# SPEC §5: the columns of `problems.csv`, in order; `unit` is the unit's id (`unit_id`)
TIDY_COLUMNS = ["unit", "level", "indicator_id", "value", "target", "gap", "trend", "kind", "rank"]


def tidy(found: pd.DataFrame) -> pd.DataFrame:
    """``problems.csv`` (SPEC §5): one row per problem of `found` (`find_problems`), exactly
    `TIDY_COLUMNS`, ranked by `by_affected` (``rank`` 1 = the most people)."""
    found = by_affected(found)
    out = pd.DataFrame(
        {
            "unit": found["unit_id"].astype(str).to_numpy(),
            "level": found["level"].astype(str).to_numpy(),
            "indicator_id": found["indicator_id"].astype(str).to_numpy(),
            **{c: found[c].astype(float).to_numpy() for c in ("value", "target", "gap", "trend")},
            "kind": found["kind"].astype(str).to_numpy(),
            "rank": pd.array(range(1, len(found) + 1), dtype="Int64"),
        }
    )
    return out[TIDY_COLUMNS]


def by_affected(found: pd.DataFrame) -> pd.DataFrame:
    """The problems with the most people affected first (ties: `find_problems`' order)."""
    order = np.argsort(-found["affected"].fillna(0).to_numpy(dtype=float), kind="stable")
    return found.iloc[order].reset_index(drop=True)


GROUP_COLUMNS = [
    "level",
    "unit_id",
    "unit_name",
    "problems",  # how many problems the unit has
    "indicator_ids",  # its indicators, the most people first, each once
    "kinds",  # its kinds of problem, in `KINDS` order
    "affected",  # Σ people of its problems (`affected`)
    "rank",
]


def grouped(found: pd.DataFrame) -> pd.DataFrame:
    """One item per unit with problems: its problems together, ranked by the people affected
    summed over them (a unit short on three indicators before one short on one); ties in
    `find_problems`' order of each unit's first problem."""
    ranked = by_affected(found)
    # Each unit's rows by position (groups in order of first appearance, rows in order within
    # a group; a unit without level or id is left out, as groupby does): plain arrays, not a
    # frame per group.
    codes = ranked.groupby(["level", "unit_id"], sort=False).ngroup().to_numpy()
    order = np.argsort(codes, kind="stable")
    order = order[~np.isnan(codes[order])]
    groups = np.split(order, np.flatnonzero(np.diff(codes[order])) + 1) if len(order) else []
    cols = {c: ranked[c].to_numpy() for c in ("level", "unit_id", "unit_name", "indicator_id")}
    kinds = ranked["kind"].to_numpy()
    affected = ranked["affected"].fillna(0).to_numpy(dtype=float)
    rows = []
    for rows_of in groups:
        first = rows_of[0]
        rows.append(
            {
                "level": cols["level"][first],
                "unit_id": cols["unit_id"][first],
                "unit_name": cols["unit_name"][first],
                "problems": len(rows_of),
                "indicator_ids": tuple(dict.fromkeys(cols["indicator_id"][rows_of])),
                "kinds": tuple(k for k in KINDS if k in set(kinds[rows_of])),
                "affected": round(float(affected[rows_of].sum()), 9),
            }
        )
    out = pd.DataFrame(rows, columns=GROUP_COLUMNS[:-1])
    order = np.argsort(-out["affected"].to_numpy(dtype=float), kind="stable")
    out = out.iloc[order].reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out[GROUP_COLUMNS]
