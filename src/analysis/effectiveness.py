"""Effectiveness of measures (SPEC §2 stage 06): a difference in differences and a verdict.

Public API (data in, data out: a `YearData` reader and the years' indicator tables come in)::

    diff_in_diff(panel, target_ids, kind) -> dict           # the DiD of one panel
    judge(stats, kind, direction, thresholds) -> (verdict, reason)
    evaluate(data, indicators_of, thresholds, pooled=False) -> DataFrame
    measure_verdicts(evaluated) -> DataFrame                 # one row per measure
    dynamics(history, evaluated, years, indicator_ids=None) -> DataFrame
    judged(evaluated), pending(evaluated), compared_years(evaluated)

The thresholds are read by `analysis.params.effectiveness.load_thresholds`; the page
(`analysis.pages.effectiveness`) builds the inputs from the notebook's context and holds the
tables, sentences, figures and the public profile's masking.

The evaluation has the columns `COLUMNS`: the pinned ones plus ``level`` (institution,
association, city or centre) and ``pending`` (the after-year is later than the report year).

Design. A measure dated year t with indicator i and targets T is compared in *before* = t−1 and
*after* = t+1 (the effect of a measure shows the year after it; t itself is mixed). Units are
institutions (staff indicators are counted where the person works); when every target is an
association and i is declared at association level, units are associations; associations mixed
with other targets count as their base institutions. The comparison group C is every other unit
of the level — all institutions not targeted except the Centre (type ДПО), or all associations
not targeted (same-type comparison is impossible for `тип:<t>` targets). Only units with a value
in both years enter (a balanced panel, so openings and closures do not pass for an effect).
Shares are pooled, Σ numerator / Σ denominator per group and year; counts are means per unit.
DiD = (T_after − T_before) − (C_after − C_before), in p. p. for shares; for «lower is better»
indicators a negative DiD is the improvement.

Verdicts (thresholds in `params/effectiveness.yaml`): «недостаточно данных» when t−1 is not in
the data, t+1 is after the report year (measures of the report year are judged next year), the
indicator is empty in either year, or a group has fewer than ``min_units`` units (shares: fewer
than ``min_people`` people in a year); otherwise «эффективна» when the improvement is at least
``min_did_pp`` (counts: ``min_did_relative`` of the larger before-mean, at least 1) and at least
``min_z`` standard errors (shares: binomial, from the four pooled shares; counts: the spread of
the units' changes, never below Poisson noise); else «эффект не выявлен». An incomplete 3-year
window (data starting less than 3 years back) lowers both groups alike, so it does not stop a
difference in differences; it does stop the city-against-target judgement below.

Measures addressed to `все` have no comparison group: the city is compared with its own targets.
The «comparison» columns then hold the targets of t−1 and t+1, and DiD is how much the gap to
the target closed (value − target, after minus before); same thresholds; no target in either
year → «недостаточно данных».

A measure is «эффективна» when any of its indicators is, «эффект не выявлен» when at least one
indicator could be judged and none is, else «недостаточно данных» (`measure_verdicts`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import register
from analysis.catalogue import CATALOGUE, COUNT, LOWER
from analysis.reader import YearData
from analysis.vocabulary import (
    CENTRE_TYPE,
    INCOMPLETE_WINDOW,
    flag_mask,
    has_flag,
    targets_all,
)

EFFECTIVE = "эффективна"
NO_EFFECT = "эффект не выявлен"
NO_DATA = "недостаточно данных"
VERDICTS: tuple[str, ...] = (EFFECTIVE, NO_EFFECT, NO_DATA)  # SPEC §2
LOOKBACK = 3  # SPEC §2: measures dated y−3 … y−1 are judged in the report of y
COLUMNS: list[str] = [
    "measure_id", "measure_year", "title", "mechanism", "indicator_id", "targets", "level",
    "before_year", "after_year", "target_before", "target_after", "comparison_before",
    "comparison_after", "did", "n_target_units", "n_comparison_units", "n_target_people",
    "n_comparison_people", "verdict", "reason", "pending",
]

# unit_ids (tuples) each group pools, see `evaluate`
POOLED_COLUMNS: list[str] = ["target_units", "comparison_units"]
# the columns of `Меры` the evaluation reads (an empty window gets them with no rows)
MEASURE_FIELDS: list[str] = ["measure_id", "title", "mechanism", "targets", "indicator_ids"]


@dataclass(frozen=True)
class Thresholds:
    """What counts as an effect (see `params/effectiveness.yaml`)."""

    min_did_pp: float = 5.0
    min_did_relative: float = 0.2
    min_units: int = 3
    min_people: int = 30
    min_z: float = 2.0


# --- the difference in differences ----------------------------------------------------------

def diff_in_diff(panel: pd.DataFrame, target_ids: set[str] | list[str], kind: str) -> dict:
    """The DiD of a balanced panel.

    ``panel`` has one row per unit: ``unit_id, num_before, den_before, num_after, den_after``
    (shares) or ``unit_id, value_before, value_after`` (counts). Returns the four group values,
    ``did``, the units per group, people per group (shares: the smaller denominator of the two
    years) and ``se`` (shares: binomial standard error of the DiD, in p. p.).
    """
    in_target = panel["unit_id"].astype(str).isin({str(t) for t in target_ids}).to_numpy()
    out: dict = {"n_target_units": int(in_target.sum()),
                 "n_comparison_units": int((~in_target).sum())}
    cells = {}
    for group, mask in (("target", in_target), ("comparison", ~in_target)):
        part = panel[mask]
        for when in ("before", "after"):
            if kind == COUNT:
                vals = part[f"value_{when}"].astype(float)
                cells[(group, when)] = (float(vals.mean()) if len(vals) else math.nan, math.nan)
            else:
                num = float(part[f"num_{when}"].sum())
                den = float(part[f"den_{when}"].sum())
                cells[(group, when)] = (100.0 * num / den if den > 0 else math.nan, den)
            out[f"{group}_{when}"] = cells[(group, when)][0]
        dens = [cells[(group, w)][1] for w in ("before", "after")]
        out[f"n_{group}_people"] = math.nan if kind == COUNT else min(dens)
    out["did"] = ((out["target_after"] - out["target_before"])
                  - (out["comparison_after"] - out["comparison_before"]))
    out["se"] = _se_counts(panel, in_target) if kind == COUNT else _se(cells)
    return out


def _se_counts(panel: pd.DataFrame, in_target: np.ndarray) -> float:
    """Standard error of a DiD of means: the spread of the units' own changes in each group,
    never taken below Poisson noise (a count's variance is at least its mean, so a few rare
    events in a small group do not pass for an effect)."""
    before = panel["value_before"].to_numpy(dtype=float)
    after = panel["value_after"].to_numpy(dtype=float)
    var = 0.0
    for mask in (in_target, ~in_target):
        n = int(mask.sum())
        if n < 2:
            return math.nan
        spread = float(np.var(after[mask] - before[mask], ddof=1))
        poisson = float(before[mask].mean() + after[mask].mean())
        var += max(spread, poisson) / n
    return math.sqrt(var)


def _se(cells: dict) -> float:
    """Binomial standard error (p. p.) of a difference of four independent pooled shares."""
    var = 0.0
    for share, den in cells.values():
        if not den or math.isnan(share):
            return math.nan
        p = share / 100.0
        var += p * (1 - p) / den
    return 100.0 * math.sqrt(var)


def judge(stats: dict, kind: str, direction: str, thresholds: Thresholds) -> tuple[str, str]:
    """The verdict on one DiD and the reason for it (Russian)."""
    t = thresholds
    for group, name in (("target", "адресатах меры"), ("comparison", "группе сравнения")):
        n = stats.get(f"n_{group}_units", 0)
        if n < t.min_units:
            return NO_DATA, f"в {name} {n} ед. с данными за оба года (нужно не меньше {t.min_units})"
        people = stats.get(f"n_{group}_people", math.nan)
        if kind != COUNT and not (people >= t.min_people):
            # not the exact number: the public page hides small groups of people as «*»
            return NO_DATA, (f"в {name} меньше {t.min_people} чел. в знаменателе показателя")
    did = stats["did"]
    if did is None or math.isnan(did):
        return NO_DATA, "показатель не рассчитан для одной из групп"
    gain = -did if direction == LOWER else did
    se = stats.get("se", math.nan)
    if kind == COUNT:
        base = max(stats.get("target_before") or 0.0, stats.get("comparison_before") or 0.0, 1.0)
        need, unit = t.min_did_relative * base, " на учреждение"
    else:
        need, unit = t.min_did_pp, " п. п."
    if gain < need:
        return NO_EFFECT, f"разница {_num(gain)}{unit} меньше порога {_num(need, sign=False)}{unit}"
    if t.min_z > 0 and not (gain >= t.min_z * se):
        return NO_EFFECT, (f"разница {_num(gain)}{unit} в пределах случайных колебаний "
                           f"(стандартная ошибка {_num(se, sign=False)}{unit})")
    return EFFECTIVE, f"адресаты улучшили показатель на {_num(gain, sign=False)}{unit} больше остальных"


def _num(x: float, sign: bool = True) -> str:
    """A number of a reason sentence, Russian style: one decimal, a decimal comma, a real minus,
    «+» before a gain (the `reason` column is data of effectiveness.csv, SPEC §5, so it is
    written here rather than by the page's formatting)."""
    if x is None or not math.isfinite(float(x)):
        return "—"
    whole, frac = f"{abs(float(x)):,.1f}".split(".")
    whole = whole.replace(",", "\u2009" if abs(x) >= 10_000 else "")  # thin space from 10 000
    x = round(float(x), 1)
    text = f"{whole},{frac}"
    if x < 0:
        return "\u2212" + text
    return ("+" if sign and x > 0 else "") + text


def judge_city(before: pd.Series | None, after: pd.Series | None, kind: str, direction: str,
               thresholds: Thresholds) -> dict:
    """A measure addressed to `все`: the city's value against its target, before and after."""
    out = {"target_before": _get(before, "value"), "target_after": _get(after, "value"),
           "comparison_before": _get(before, "target"), "comparison_after": _get(after, "target"),
           "n_target_units": math.nan, "n_comparison_units": math.nan,
           "n_target_people": math.nan if kind == COUNT else min(
               _get(before, "denominator"), _get(after, "denominator")),
           "n_comparison_people": math.nan}
    out["did"] = ((out["target_after"] - out["comparison_after"])
                  - (out["target_before"] - out["comparison_before"]))
    if math.isnan(out["target_before"]) or math.isnan(out["target_after"]):
        return {**out, "verdict": NO_DATA, "reason": "показатель города не рассчитан"}
    if math.isnan(out["did"]):
        return {**out, "verdict": NO_DATA,
                "reason": "мера адресована всем, а целевое значение на оба года не задано"}
    gain = -out["did"] if direction == LOWER else out["did"]
    if kind == COUNT:
        need = thresholds.min_did_relative * max(abs(out["comparison_before"]), 1.0)
    else:
        need = thresholds.min_did_pp
    unit = "" if kind == COUNT else " п. п."
    if gain >= need:
        return {**out, "verdict": EFFECTIVE,
                "reason": f"город приблизился к цели на {_num(gain, sign=False)}{unit} "
                          "(мера для всех: без группы сравнения эффект не отделён от общего "
                          "тренда)"}
    return {**out, "verdict": NO_EFFECT,
            "reason": f"разрыв с целью изменился на {_num(gain)}{unit}, порог "
                      f"{_num(need, sign=False)}{unit} (мера для всех, сравнение с целью)"}


def _get(row: pd.Series | None, column: str) -> float:
    if row is None:
        return math.nan
    value = row[column]
    return math.nan if value is None or pd.isna(value) else float(value)


# --- the panel of one measure -----------------------------------------------------------------

def panel(before: pd.DataFrame, after: pd.DataFrame, indicator_id: str, level: str,
          exclude: set[str]) -> pd.DataFrame:
    """Units of ``level`` with a value of the indicator in both tidy tables (minus ``exclude``)."""
    def rows(tidy: pd.DataFrame, when: str) -> pd.DataFrame:
        part = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["level"] == level)]
        part = part[part["value"].notna() & ~part["unit_id"].isin(list(exclude))]
        return pd.DataFrame({"unit_id": part["unit_id"].astype(str).to_numpy(),
                             f"num_{when}": part["numerator"].to_numpy(dtype=float),
                             f"den_{when}": part["denominator"].to_numpy(dtype=float),
                             f"value_{when}": part["value"].to_numpy(dtype=float)})

    return rows(before, "before").merge(rows(after, "after"), on="unit_id", how="inner")


def _level(indicator_id: str, insts: list[str], assocs: list[str], only_assocs: bool) -> str | None:
    levels = CATALOGUE[indicator_id].levels
    if only_assocs and "association" in levels:
        return "association"
    if "institution" in levels and insts:
        return "institution"
    return None


@dataclass
class _Year:
    """What `evaluate` needs of one year of processed data."""

    tidy: pd.DataFrame | None
    institutions: pd.DataFrame | None
    associations: pd.DataFrame | None


def _row(measure, indicator_id: str, data: dict[int, _Year], year: int,
         thresholds: Thresholds) -> dict:
    """One (measure, indicator) row of the evaluation."""
    t = int(measure.year)
    base = {"measure_id": measure.measure_id, "measure_year": t, "title": measure.title,
            "mechanism": measure.mechanism, "indicator_id": indicator_id,
            "targets": measure.targets, "level": None, "before_year": t - 1, "after_year": t + 1,
            "pending": t + 1 > year}
    empty = {c: math.nan for c in COLUMNS if c.startswith(("target_", "comparison_", "n_"))}
    empty["did"] = math.nan

    def no_data(reason: str) -> dict:
        return {**base, **empty, "verdict": NO_DATA, "reason": reason}

    if indicator_id not in CATALOGUE:
        return no_data("показателя нет в каталоге")
    if t + 1 > year:
        return no_data(f"результат станет известен по данным {t + 1} года")
    if t - 1 not in data or data[t - 1].tidy is None:
        return no_data(f"нет данных за {t - 1} год (год до меры)")
    if t + 1 not in data or data[t + 1].tidy is None:
        return no_data(f"нет данных за {t + 1} год (год после меры)")
    ind = CATALOGUE[indicator_id]
    before, after = data[t - 1].tidy, data[t + 1].tidy
    everyone = targets_all(measure.targets)
    for y, tidy in ((t - 1, before), (t + 1, after)):
        problem = _unusable(tidy, indicator_id, strict=everyone)
        if problem:
            return no_data(problem.format(year=y))
    if everyone:
        rows = [_city_row(tidy, indicator_id) for tidy in (before, after)]
        base["level"] = rows[1]["level"] if rows[1] is not None else "city"
        own_level = base["level"]
        return {**base, **judge_city(*rows, ind.kind, ind.direction, thresholds),
                "target_units": (own_level,), "comparison_units": ()}
    own = data.get(t) or data[t + 1]
    insts_t = own.institutions if own.institutions is not None else data[t + 1].institutions
    if insts_t is None:
        return no_data(f"нет списка учреждений за {t} год")
    insts, assocs = register.resolve_targets(measure.targets, insts_t, own.associations)
    only_assocs = bool(assocs) and not insts
    if assocs and insts:
        insts = sorted(set(insts) | set(register.base_institutions(assocs, own.associations)))
    elif assocs and "association" not in ind.levels:
        insts = register.base_institutions(assocs, own.associations)
    level = _level(indicator_id, insts, assocs, only_assocs)
    if level is None:
        return no_data("показатель не рассчитывается по учреждениям или объединениям-адресатам")
    base["level"] = level
    units = assocs if level == "association" else insts
    exclude = set() if level == "association" else _centres(data, t)
    pooled = panel(before, after, indicator_id, level, exclude)
    stats = diff_in_diff(pooled, units, ind.kind)
    verdict, reason = judge(stats, ind.kind, ind.direction, thresholds)
    stats.pop("se", None)
    in_target = pooled["unit_id"].isin({str(u) for u in units})
    return {**base, **stats, "verdict": verdict, "reason": reason,
            "target_units": tuple(pooled.loc[in_target, "unit_id"]),
            "comparison_units": tuple(pooled.loc[~in_target, "unit_id"])}


def _unusable(tidy: pd.DataFrame, indicator_id: str, strict: bool) -> str | None:
    """Why a year's values of an indicator cannot be compared (None when they can).

    An incomplete 3-year window lowers targets and comparison alike, so the difference in
    differences stays fair; only the city-against-target judgement (``strict``) refuses it.
    """
    rows = tidy[tidy["indicator_id"] == indicator_id]
    if not rows["value"].notna().any():
        return "показатель не рассчитан за {year} год"
    if strict and flag_mask(rows["flags"], INCOMPLETE_WINDOW).any():
        return "за {year} год показатель рассчитан по неполному трёхлетнему окну"
    return None


def _city_row(tidy: pd.DataFrame, indicator_id: str) -> pd.Series | None:
    """The city's row of an indicator (the Centre's for the Centre's own indicators)."""
    for level in ("city", "centre"):
        rows = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["level"] == level)]
        if len(rows):
            return rows.iloc[0]
    return None


def _centres(data: dict[int, _Year], t: int) -> set[str]:
    """inst_ids of the Centre (type ДПО) in the years around the measure."""
    out: set[str] = set()
    for y in (t - 1, t, t + 1):
        insts = data[y].institutions if y in data else None
        if insts is not None:
            out |= set(insts.loc[insts["inst_type"] == CENTRE_TYPE, "inst_id"].astype(str))
    return out


# --- the whole window ------------------------------------------------------------------------

def window_measures(data: YearData, year: int) -> pd.DataFrame:
    """The registers of y−3 … y stacked, each with its ``year`` (no rows when none arrived)."""
    frames = [m.assign(year=y) for y in range(year - LOOKBACK, year + 1)
              if (m := data.table_of("measures", y)) is not None]
    if not frames:
        return pd.DataFrame({**{c: pd.Series(dtype=object) for c in MEASURE_FIELDS},
                             "year": pd.Series(dtype="int64")})
    return pd.concat(frames, ignore_index=True)


def evaluate(data: YearData, indicators_of: Callable[[int], pd.DataFrame],
             thresholds: Thresholds, pooled: bool = False) -> pd.DataFrame:
    """One row per (measure, indicator) for the measures of y−3 … y (`COLUMNS`; with
    ``pooled`` also `POOLED_COLUMNS`, the units each group pools, which the public page needs).

    ``data`` reads the registers of the years (its year is the report year y);
    ``indicators_of(year)`` gives a year's tidy indicator table. Measures of y come out as
    «недостаточно данных» with ``pending`` = True (judged next year).
    """
    year = data.year
    measures = window_measures(data, year)
    available = set(data.years())
    wanted = {y for t in measures["year"].unique() for y in (t - 1, t, t + 1)
              if y in available and y <= year}
    years = {y: _Year(indicators_of(y), data.table_of("institutions", y),
                      data.table_of("associations", y)) for y in sorted(wanted)}
    rows = [_row(m, i, years, year, thresholds) for m in measures.itertuples(index=False)
            for i in register.split_ids(m.indicator_ids)]
    out = pd.DataFrame(rows, columns=COLUMNS + (POOLED_COLUMNS if pooled else []))
    for column in POOLED_COLUMNS if pooled else []:
        out[column] = out[column].map(lambda u: u if isinstance(u, tuple) else ())
    return out.astype({"measure_year": "int64", "before_year": "int64", "after_year": "int64",
                       "pending": "bool"})


def measure_verdicts(evaluated: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: its verdict (any indicator effective → «эффективна») and details."""
    rows = []
    for measure_id, part in evaluated.groupby("measure_id", sort=False):
        verdicts = set(part["verdict"])
        verdict = next(v for v in VERDICTS if v in verdicts) if verdicts else NO_DATA
        first = part.iloc[0]
        rows.append({"measure_id": measure_id, "measure_year": int(first["measure_year"]),
                     "title": first["title"], "mechanism": first["mechanism"],
                     "targets": first["targets"], "verdict": verdict,
                     "pending": bool(first["pending"]),
                     "effective_indicators": ";".join(
                         part.loc[part["verdict"] == EFFECTIVE, "indicator_id"]),
                     "indicators": ";".join(part["indicator_id"])})
    return pd.DataFrame(rows, columns=["measure_id", "measure_year", "title", "mechanism",
                                       "targets", "verdict", "pending", "effective_indicators",
                                       "indicators"])


def dynamics(history: pd.DataFrame, evaluated: pd.DataFrame, years: list[int],
             indicator_ids: list[str] | None = None) -> pd.DataFrame:
    """Decisions against indicator dynamics: per indicator and year, the city's value and
    target and the measures of that year linked to the indicator with their verdicts.

    ``history`` is the tidy table of the years (city rows are used); indicators default to
    those linked to any measure of ``years``, in catalogue order.
    """
    linked = evaluated[evaluated["measure_year"].isin(years)]
    if indicator_ids is None:
        wanted = set(linked["indicator_id"])
        indicator_ids = [i for i in CATALOGUE if i in wanted]
    city = history[(history["level"] == "city") & history["indicator_id"].isin(indicator_ids)]
    rows = []
    for indicator_id in indicator_ids:
        for y in years:
            cell = city[(city["indicator_id"] == indicator_id) & (city["year"] == y)]
            ms = linked[(linked["indicator_id"] == indicator_id) & (linked["measure_year"] == y)]
            rows.append({
                "indicator_id": indicator_id, "year": y,
                "value": float(cell["value"].iloc[0]) if len(cell) else math.nan,
                "target": float(cell["target"].iloc[0]) if len(cell) else math.nan,
                "meets_target": cell["meets_target"].iloc[0] if len(cell) else pd.NA,
                "incomplete": bool(len(cell)) and "flags" in cell.columns
                and has_flag(cell["flags"].iloc[0], INCOMPLETE_WINDOW),
                "measures": ";".join(ms["measure_id"]),
                "verdicts": ";".join(ms["verdict"]),
            })
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "target", "meets_target",
                                       "incomplete", "measures", "verdicts"])


def judged(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The rows of measures whose after-year has come (not pending)."""
    return evaluated[~evaluated["pending"]].reset_index(drop=True)


def pending(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The measures to be judged next year (one row per measure)."""
    return measure_verdicts(evaluated[evaluated["pending"]])


def compared_years(evaluated: pd.DataFrame) -> list[int]:
    """The before- and after-years of the judged rows (their public tables are needed)."""
    rows = judged(evaluated)
    rows = rows[rows["level"].notna()]  # the rows with a compared pair of years
    return sorted({int(y) for y in (*rows["before_year"], *rows["after_year"])})
