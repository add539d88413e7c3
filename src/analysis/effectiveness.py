"""Effectiveness of measures (SPEC §2 stage 06): a difference in differences and a verdict.

Public API::

    load_thresholds(params_dir=None) -> Thresholds          # params/effectiveness.yaml
    diff_in_diff(panel, target_ids, kind) -> dict           # pure: the DiD of one panel
    judge(stats, kind, direction, thresholds) -> (verdict, reason)
    evaluate(processed_dir, year, thresholds=None, cache_dir=None, params_dir=None) -> DataFrame
    measure_verdicts(evaluated) -> DataFrame                 # one row per measure
    dynamics(history, evaluated, years, indicator_ids=None) -> DataFrame
    # for the notebook: method_sentences, verdict_sentences, verdict_table, before_after_figure,
    # small_groups, pending_table, dynamics_table, dynamics_panels, conclusions

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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths, processed, register
from analysis.catalogue import CATALOGUE, COUNT, LOWER
from analysis.errors import UserError

EFFECTIVE = "эффективна"
NO_EFFECT = "эффект не выявлен"
NO_DATA = "недостаточно данных"
VERDICTS: tuple[str, ...] = (EFFECTIVE, NO_EFFECT, NO_DATA)  # SPEC §2
LOOKBACK = 3  # SPEC §2: measures dated y−3 … y−1 are judged in the report of y
THRESHOLDS_FILE = "effectiveness.yaml"
INCOMPLETE = "incomplete_window"  # tidy flag: a 3-year indicator over fewer years
COLUMNS: list[str] = [
    "measure_id", "measure_year", "title", "mechanism", "indicator_id", "targets", "level",
    "before_year", "after_year", "target_before", "target_after", "comparison_before",
    "comparison_after", "did", "n_target_units", "n_comparison_units", "n_target_people",
    "n_comparison_people", "verdict", "reason", "pending",
]

POOLED_COLUMNS: list[str] = ["target_units", "comparison_units"]  # unit_ids (tuples), see `evaluate`


@dataclass(frozen=True)
class Thresholds:
    """What counts as an effect (see `params/effectiveness.yaml`)."""

    min_did_pp: float = 5.0
    min_did_relative: float = 0.2
    min_units: int = 3
    min_people: int = 30
    min_z: float = 2.0


def load_thresholds(params_dir: Path | None = None) -> Thresholds:
    """The declared thresholds; defaults when the file is absent, a Russian error when broken."""
    path = Path(params_dir or paths.PARAMS) / THRESHOLDS_FILE
    if not path.exists():
        return Thresholds()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        known = Thresholds.__dataclass_fields__
        unknown = sorted(set(raw) - set(known))
        if unknown:
            raise ValueError(f"неизвестные параметры: {', '.join(unknown)}")
        values = {k: type(getattr(Thresholds(), k))(v) for k, v in raw.items()}
        out = Thresholds(**values)
    except (yaml.YAMLError, TypeError, ValueError, AttributeError) as exc:
        raise UserError(f"{path.name}: пороги оценки эффективности не прочитаны — {exc}") from None
    if out.min_units < 1 or out.min_people < 0 or out.min_did_pp < 0 or out.min_z < 0:
        raise UserError(f"{path.name}: пороги не могут быть отрицательными (а min_units — меньше 1)")
    return out


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
    """A number for a reason sentence (Russian decimal comma)."""
    from analysis import fmt

    return fmt.signed(x) if sign else fmt.number(x)


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
    everyone = register.is_all(measure.targets)
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
    flags = rows["flags"].fillna("").astype(str)
    if strict and flags.str.contains(INCOMPLETE).any():
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
            out |= set(insts.loc[insts["inst_type"] == register.CENTRE_TYPE, "inst_id"].astype(str))
    return out


# --- the whole window ------------------------------------------------------------------------

def window_measures(processed_dir: Path, year: int) -> pd.DataFrame:
    """The registers of y−3 … y stacked (empty frame with a ``year`` column when none)."""
    frames = [m for y in range(year - LOOKBACK, year + 1)
              if (m := register.year_register(processed.read_table(processed_dir, y, "measures"),
                                              y)) is not None]
    if not frames:
        empty = processed.empty_table("measures")
        empty["year"] = pd.Series(dtype="int64")
        return empty
    return pd.concat(frames, ignore_index=True)


def evaluate(processed_dir: Path | str, year: int, thresholds: Thresholds | None = None,
             cache_dir: Path | None = None, params_dir: Path | None = None,
             pooled: bool = False) -> pd.DataFrame:
    """One row per (measure, indicator) for the measures of y−3 … y (`COLUMNS`; with
    ``pooled`` also `POOLED_COLUMNS`, the units each group pools, which `for_public` needs).

    Measures of y come out as «недостаточно данных» with ``pending`` = True (judged next year).
    """
    from analysis import indicators

    processed_dir = Path(processed_dir)
    thresholds = thresholds or load_thresholds(params_dir)
    measures = window_measures(processed_dir, year)
    available = set(processed.years(processed_dir))
    wanted = {y for t in measures["year"].unique() for y in (t - 1, t, t + 1)
              if y in available and y <= year}
    data = {y: _Year(indicators.compute_year(processed_dir, y, cache_dir=cache_dir,
                                             params_dir=params_dir),
                     processed.read_table(processed_dir, y, "institutions"),
                     processed.read_table(processed_dir, y, "associations"))
            for y in sorted(wanted)}
    rows = [_row(m, i, data, year, thresholds) for m in measures.itertuples(index=False)
            for i in register.split_list(m.indicator_ids)]
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
                "incomplete": bool(len(cell)) and INCOMPLETE in str(
                    cell["flags"].iloc[0] if "flags" in cell.columns else "").split(";"),
                "measures": ";".join(ms["measure_id"]),
                "verdicts": ";".join(ms["verdict"]),
            })
    return pd.DataFrame(rows, columns=["indicator_id", "year", "value", "target", "meets_target",
                                       "incomplete", "measures", "verdicts"])




# --- the public profile: no group value that could reveal a hidden cell ---------------------
#
# A group's pooled value is a new published relation the disclosure audit never saw: a measure
# aimed at one school prints that school's value, the comparison group with the city's value
# gives the targets away, a DiD with three of its terms gives the fourth. So a group value of
# year y is shown only when the reader can already compute it from y's public table:
# - every unit it pools is visible there — a share's visible rows publish numerator and
#   denominator (SPEC §5), so Σ numerator / Σ denominator is public; a count's mean of visible
#   values is too;
# - or it pools exactly the units with a computed value of a district, a type or the city whose
#   own cell is visible (that cell is the same Σ / Σ);
# - a measure for everyone: the city's (Centre's) own cell, compared with public targets.
# Otherwise the value is «*», and so are the DiD, the group's people and the numbers of the reason.

HIDDEN_COLUMNS: dict[str, str] = {c: f"hidden_{c}" for c in (
    "target_before", "target_after", "comparison_before", "comparison_after", "did")}
GROUP_LEVELS = {"district": "district", "inst_type": "inst_type"}  # level → institutions column
HIDDEN_NOTE = ("«*» у значения группы — по нему вместе с опубликованными данными можно было бы "
               "восстановить значение, скрытое в таблице показателей этого года")
HIDDEN_REASONS = {
    EFFECTIVE: "адресаты улучшили показатель больше остальных сверх порога (значения групп "
               "в публичной версии скрыты: в них входят скрытые ячейки)",
    NO_EFFECT: "разница с остальными ниже порога или в пределах случайных колебаний (значения "
               "групп в публичной версии скрыты: в них входят скрытые ячейки)",
}


def compared_years(evaluated: pd.DataFrame) -> list[int]:
    """The before- and after-years of the judged rows (their public tables are needed)."""
    rows = judged(evaluated)
    rows = rows[rows["level"].notna()]  # the rows with a compared pair of years
    return sorted({int(y) for y in (*rows["before_year"], *rows["after_year"])})


def compared_tables(processed_dir: Path, evaluated: pd.DataFrame,
                    cache_dir: Path | None = None) -> pd.DataFrame:
    """The tidy tables of `compared_years`, stacked (for `context.for_reader`)."""
    from analysis import indicators

    available = set(processed.years(Path(processed_dir)))
    frames = [indicators.compute_year(Path(processed_dir), y, cache_dir=cache_dir)
              for y in compared_years(evaluated) if y in available]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["year", "indicator_id", "level", "unit_id", "value", "flags"])


def for_public(evaluated: pd.DataFrame, shown: pd.DataFrame,
               institutions: dict[int, pd.DataFrame] | None = None) -> pd.DataFrame:
    """`evaluated` (made with ``pooled=True``) as the public profile may show it: a group value
    that could reveal a hidden cell of ``shown`` (the public tables of the compared years,
    `context.for_reader`) is NaN with its `HIDDEN_COLUMNS` flag set, and so is the DiD; the
    group's people go too, and a reason quoting the hidden numbers becomes `HIDDEN_REASONS`.
    ``institutions`` (year → register) lets a group equal to a visible district or type pass."""
    out = evaluated.copy()
    cells = _PublicCells(shown, institutions or {})
    for column in HIDDEN_COLUMNS.values():
        out[column] = False
    for k, r in zip(out.index, out.itertuples(index=False)):
        if r.pending or r.level is None or pd.isna(r.level):
            continue
        for group in ("target", "comparison"):
            units = getattr(r, f"{group}_units")
            for when, year in (("before", r.before_year), ("after", r.after_year)):
                if not cells.group_visible(int(year), r.level, r.indicator_id, units):
                    out.loc[k, HIDDEN_COLUMNS[f"{group}_{when}"]] = True
    flags = out[list(HIDDEN_COLUMNS.values())[:4]]
    out[HIDDEN_COLUMNS["did"]] = flags.any(axis=1)
    for column, flag in HIDDEN_COLUMNS.items():
        out.loc[out[flag], column] = math.nan
    for group in ("target", "comparison"):
        gone = out[HIDDEN_COLUMNS[f"{group}_before"]] | out[HIDDEN_COLUMNS[f"{group}_after"]]
        out.loc[gone, f"n_{group}_people"] = math.nan
    quoted = out[HIDDEN_COLUMNS["did"]] & out["verdict"].isin(list(HIDDEN_REASONS))
    out.loc[quoted, "reason"] = out.loc[quoted, "verdict"].map(HIDDEN_REASONS)
    return out


class _PublicCells:
    """Which cells of the public tables show a value, and which units have a computed one."""

    def __init__(self, shown: pd.DataFrame, institutions: dict[int, pd.DataFrame]) -> None:
        from analysis import disclosure

        flags = shown["flags"].astype("string").fillna("") if "flags" in shown.columns else \
            pd.Series("", index=shown.index, dtype="string")
        hidden = flags.str.split(disclosure.FLAG_SEPARATOR).map(
            lambda f: disclosure.SUPPRESSED_FLAG in list(f)).astype(bool)
        keys = list(zip(shown["year"].astype(int), shown["level"], shown["unit_id"].astype(str),
                        shown["indicator_id"]))
        has_value = shown["value"].notna().to_numpy()
        self.visible = {k for k, v, h in zip(keys, has_value, hidden) if v and not h}
        self.computed = {k for k, v, h in zip(keys, has_value, hidden) if v or h}
        self.institutions = institutions

    def group_visible(self, year: int, level: str, indicator_id: str, units: tuple) -> bool:
        if level in ("city", "centre"):  # a measure for everyone: its own cell (units = level)
            return all((year, lv, lv, indicator_id) in self.visible for lv in units)
        if not units:
            return True  # an empty group has no value to give away
        if all((year, level, str(u), indicator_id) in self.visible for u in units):
            return True
        return level == "institution" and self._equals_a_visible_group(year, indicator_id,
                                                                       set(map(str, units)))

    def _equals_a_visible_group(self, year: int, indicator_id: str, units: set[str]) -> bool:
        computed = {u for (y, lv, u, i) in self.computed
                    if y == year and lv == "institution" and i == indicator_id}
        if units == computed and (year, "city", "city", indicator_id) in self.visible:
            return True
        register_ = self.institutions.get(year)
        if register_ is None:
            return False
        for level, column in GROUP_LEVELS.items():
            names = set(register_.loc[register_["inst_id"].astype(str).isin(units), column]
                        .astype(str))
            if len(names) != 1:
                continue
            name = names.pop()
            members = set(register_.loc[register_[column].astype(str) == name, "inst_id"]
                          .astype(str)) & computed
            if units == members and (year, level, name, indicator_id) in self.visible:
                return True
        return False


# --- for the reader (stage 06) -------------------------------------------------------------

VERDICT_BANDS = {EFFECTIVE: "meets", NO_EFFECT: "below", NO_DATA: "none"}  # table colours


def judged(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The rows of measures whose after-year has come (not pending)."""
    return evaluated[~evaluated["pending"]].reset_index(drop=True)


def pending(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The measures to be judged next year (one row per measure)."""
    part = evaluated[evaluated["pending"]]
    return measure_verdicts(part)


def _value(x: float, indicator_id: str) -> str:
    from analysis import fmt

    unit = CATALOGUE[indicator_id].unit if indicator_id in CATALOGUE else ""
    if unit != "%" and not fmt.is_missing(x):
        return fmt.number(x, 1)
    return fmt.value(x, unit, with_unit=False)


def verdict_table(evaluated: pd.DataFrame, threshold: int | None = None):
    """Every judged (measure, indicator): before/after for targets and comparison, DiD, counts
    and verdict. ``threshold`` (public profile): groups of fewer people are shown as «*»."""
    from analysis import disclosure, fmt, tables

    rows = judged(evaluated)
    people = rows[["n_target_people", "n_comparison_people"]]
    hidden = (disclosure.suppress_counts(people, people.columns, threshold, secondary=False)
              if threshold is not None else people.isna() & False)
    cells_hidden = _hidden_cells(rows)
    for group in ("target", "comparison"):  # a group hidden by `for_public` hides its people
        hidden[f"n_{group}_people"] |= (cells_hidden[f"{group}_before"]
                                        | cells_hidden[f"{group}_after"])
    name = [CATALOGUE[i].name if i in CATALOGUE else i for i in rows["indicator_id"]]

    def cell(col: str, group: str) -> list[str]:
        return [disclosure.mask_display(_value(v, i), h or c) for v, i, h, c in
                zip(rows[col], rows["indicator_id"], hidden[f"n_{group}_people"],
                    cells_hidden[col])]

    did = [fmt.pp(d) if CATALOGUE.get(i) and CATALOGUE[i].unit == "%" else fmt.signed(d)
           for d, i in zip(rows["did"], rows["indicator_id"])]
    show = pd.DataFrame({
        "Мера": [f"{m} ({y})" for m, y in zip(rows["measure_id"], rows["measure_year"])],
        "Показатель": name,
        "Адресаты": [register.targets_text(t) for t in rows["targets"]],
        "Годы": [f"{b} → {a}" for b, a in zip(rows["before_year"], rows["after_year"])],
        "Адресаты: до": cell("target_before", "target"),
        "Адресаты: после": cell("target_after", "target"),
        "Сравнение: до": cell("comparison_before", "comparison"),
        "Сравнение: после": cell("comparison_after", "comparison"),
        "Разность разностей": [disclosure.mask_display(d, h1 or h2 or h3) for d, h1, h2, h3 in
                               zip(did, hidden["n_target_people"],
                                   hidden["n_comparison_people"], cells_hidden["did"])],
        "Учреждений (адр. / ср.)": [f"{fmt.integer(a)} / {fmt.integer(b)}" for a, b in
                                    zip(rows["n_target_units"], rows["n_comparison_units"])],
        "Человек (адр. / ср.)": [
            f"{disclosure.mask_display(fmt.integer(a), ha)} / "
            f"{disclosure.mask_display(fmt.integer(b), hb)}"
            for a, b, ha, hb in zip(rows["n_target_people"], rows["n_comparison_people"],
                                    hidden["n_target_people"], hidden["n_comparison_people"])],
        "Вывод": rows["verdict"].to_numpy(),
        "Обоснование": rows["reason"].to_numpy(),
    })
    bands = pd.DataFrame("", index=show.index, columns=show.columns)
    bands["Вывод"] = rows["verdict"].map(VERDICT_BANDS).fillna("").to_numpy()
    note = (HIDDEN_NOTE if cells_hidden.to_numpy().any() else None)
    return tables.styled(show, "Меры и их показатели: адресаты против остальных, год до и год "
                               "после меры", bands=bands, note=note,
                         right=[c for c in show.columns if c.startswith(("Адресаты:", "Сравн",
                                                                          "Разность"))])


def _hidden_cells(rows: pd.DataFrame) -> pd.DataFrame:
    """Which values `for_public` hid (all False for the internal profile's evaluation)."""
    return pd.DataFrame({c: (rows[f].astype(bool).to_numpy() if f in rows.columns
                             else np.zeros(len(rows), dtype=bool))
                         for c, f in HIDDEN_COLUMNS.items()}, index=rows.index)


def verdict_sentences(evaluated: pd.DataFrame, year: int) -> list[str]:
    """One sentence per judged measure, and a summary first."""
    from analysis import fmt

    rows = judged(evaluated)
    per = measure_verdicts(rows)
    if not len(per):
        span = fmt.years_range(year - LOOKBACK, year - 1)
        return [f"Мер {span} годов, которые можно оценить, в реестрах нет."]
    counts = per["verdict"].value_counts()
    span = fmt.years_range(int(per["measure_year"].min()), int(per["measure_year"].max()))
    out = [f"Оценены меры {span} годов ({fmt.integer(len(per))}): " + ", ".join(f"{v} — {fmt.integer(counts.get(v, 0))}" for v in VERDICTS)
           + "."]
    for r in per.itertuples(index=False):
        part = rows[rows["measure_id"] == r.measure_id]
        best = part[part["verdict"] == r.verdict].iloc[0]
        ind = CATALOGUE[best["indicator_id"]].name if best["indicator_id"] in CATALOGUE else \
            best["indicator_id"]
        out.append(f"{r.measure_id} «{r.title}» ({register.targets_text(r.targets)}): "
                   f"{r.verdict} — {ind.lower()[:1] + ind[1:]}: {best['reason']}.")
    return out


def pending_table(evaluated: pd.DataFrame):
    """The measures of the report year: to be judged next year."""
    from analysis import tables

    per = pending(evaluated)
    show = pd.DataFrame({
        "Мера": per["measure_id"].to_numpy(),
        "Содержание": per["title"].to_numpy(),
        "Механизм": per["mechanism"].to_numpy(),
        "Адресаты": [register.targets_text(t) for t in per["targets"]],
        "Показатели": [register.indicators_text(i) for i in per["indicators"]],
        "Будет оценена": [f"по данным {int(y) + 1} года" for y in per["measure_year"]],
    })
    return tables.styled(show, "Меры отчётного года: будут оценены в следующем году")


def before_after_figure(evaluated: pd.DataFrame, ncols: int = 3, hidden: set | None = None):
    """Small multiples: targets vs comparison, before → after, one panel per judged addressed
    (measure, indicator) with a DiD (measures for everyone have no comparison); None when there is nothing to draw. ``hidden`` holds
    (measure_id, indicator_id) pairs not to draw (public profile, small groups)."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    from analysis import fmt, plots

    rows = judged(evaluated)
    rows = rows[rows["did"].notna() & rows["level"].isin(["institution", "association"])
                & ~_hidden_cells(rows).any(axis=1)]
    if hidden:
        rows = rows[[(m, i) not in hidden for m, i in zip(rows["measure_id"],
                                                          rows["indicator_id"])]]
    if not len(rows):
        return None
    plots.setup()
    n = len(rows)
    nrows = (n + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(plots.WIDTH * 1.25, 2.6 * nrows),
                             squeeze=False)
    for ax, r in zip(axes.ravel(), rows.itertuples(index=False)):
        xs = [r.before_year, r.after_year]
        colour = plots.BAND_COLOURS["meets"] if r.verdict == EFFECTIVE else plots.BLUE
        ax.plot(xs, [r.target_before, r.target_after], marker="o", linewidth=2, color=colour)
        ax.plot(xs, [r.comparison_before, r.comparison_after], marker="o", linewidth=1.5,
                color=plots.GREY)
        ax.set_xticks(xs, [str(x) for x in xs], fontsize=8)
        ax.tick_params(axis="y", labelsize=8)
        unit = CATALOGUE[r.indicator_id].unit
        ax.yaxis.set_major_formatter(plots._axis_formatter(unit))
        did = fmt.pp(r.did) if unit == "%" else fmt.signed(r.did)
        name = CATALOGUE[r.indicator_id].name
        ax.set_title(plots._wrap(f"{r.measure_id}: {name}", 34) + f"\nDiD {did}",
                     fontsize=8.5, loc="left")
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    handles = [Line2D([0], [0], color=plots.BLUE, marker="o", label="адресаты меры"),
               Line2D([0], [0], color=plots.BAND_COLOURS["meets"], marker="o",
                      label="адресаты (мера эффективна)"),
               Line2D([0], [0], color=plots.GREY, marker="o", label="остальные")]
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8,
               bbox_to_anchor=(0.5, -0.02))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def small_groups(evaluated: pd.DataFrame, threshold: int) -> set[tuple[str, str]]:
    """(measure, indicator) pairs whose targets or comparison count fewer than ``threshold``
    people (hidden from the public profile's chart)."""
    rows = judged(evaluated)
    small = (rows["n_target_people"] < threshold) | (rows["n_comparison_people"] < threshold)
    return set(zip(rows.loc[small, "measure_id"], rows.loc[small, "indicator_id"]))


def dynamics_table(dyn: pd.DataFrame, years: list[int]):
    """The three-year table: per indicator, each year's value (target) and measures."""
    from analysis import fmt, tables

    short = {EFFECTIVE: "эффективна", NO_EFFECT: "эффект не выявлен", NO_DATA: "нет оценки"}
    rows, bands = [], []
    for indicator_id, part in dyn.groupby("indicator_id", sort=False):
        ind = CATALOGUE[indicator_id]
        row, band = {"Показатель": ind.name}, {"Показатель": ""}
        for y in years:
            cell = part[part["year"] == y]
            if not len(cell):
                row[f"{y}: значение (цель)"], row[f"{y}: меры"] = fmt.DASH, ""
                continue
            c = cell.iloc[0]
            target = "" if fmt.is_missing(c["target"]) else f" ({fmt.value(c['target'], ind.unit)})"
            short_window = bool(c.get("incomplete", False))  # † and no verdict: understated
            row[f"{y}: значение (цель)"] = fmt.marked(fmt.value(c["value"], ind.unit),
                                                      short_window) + target
            pairs = zip(register.split_list(c["measures"]), register.split_list(c["verdicts"]))
            row[f"{y}: меры"] = "; ".join(f"{m} — {short.get(v, v)}" for m, v in pairs)
            meets = c["meets_target"]
            band[f"{y}: значение (цель)"] = ("" if short_window or meets is pd.NA
                                             or fmt.is_missing(meets)
                                             else "meets" if bool(meets) else "below")
        rows.append(row)
        bands.append(band)
    show = pd.DataFrame(rows)
    return tables.styled(show, "Управленческие решения и динамика показателей за три года",
                         bands=pd.DataFrame(bands).reindex(columns=show.columns).fillna(""),
                         note=tables.incomplete_note(show))


def dynamics_panels(dyn: pd.DataFrame) -> list[tuple[str, str, pd.DataFrame]]:
    """Panels for `plots.small_multiples`: each indicator's city values and targets."""
    out = []
    for indicator_id, part in dyn.groupby("indicator_id", sort=False):
        ind = CATALOGUE[indicator_id]
        marks = sorted({int(y) for y, m in zip(part["year"], part["measures"]) if m})
        title = ind.name + (f" (меры: {', '.join(map(str, marks))})" if marks else "")
        out.append((title, ind.unit, part[["year", "value", "target"]]))
    return out


def conclusions(evaluated: pd.DataFrame, year: int) -> list[str]:
    """The closing bullets of stage 06."""
    from analysis import fmt

    per = measure_verdicts(judged(evaluated))
    out = []
    if len(per):
        eff = per[per["verdict"] == EFFECTIVE]
        out.append(f"Признаны эффективными: {fmt.integer(len(eff))} из "
                   f"{fmt.count(len(per), 'оценённой меры', 'оценённых мер', 'оценённых мер')}"
                   + (" (" + ", ".join(eff["measure_id"]) + ")" if len(eff) else "") + ".")
        none = per[per["verdict"] == NO_EFFECT]
        if len(none):
            out.append("Эффект не выявлен у мер " + ", ".join(none["measure_id"])
                       + ": их стоит пересмотреть или изменить адресатов.")
        short = per[per["verdict"] == NO_DATA]
        if len(short):
            out.append(f"Недостаточно данных для оценки {fmt.count(len(short), 'меры', 'мер', 'мер')}"
                       " (нет года до или после меры, показатель не рассчитан или группы малы).")
    waiting = pending(evaluated)
    if len(waiting):
        out.append(f"{fmt.count(len(waiting), 'мера', 'меры', 'мер')} {year} года будут оценены "
                   f"по данным {year + 1} года.")
    everyone = per[per["targets"].map(register.is_all)] if len(per) else per
    if len(everyone):
        out.append("Меры, адресованные всем, сравниваются только с целевыми значениями города: "
                   "группы сравнения у них нет, и их эффект не отделить от общего тренда.")
    return out or [f"Мер для оценки в {year} году нет."]


def method_sentences(thresholds: Thresholds, year: int) -> list[str]:
    """How the verdicts are reached, for the reader (thresholds of params/effectiveness.yaml)."""
    t = thresholds
    share = f"{t.min_did_relative * 100:g}\u00a0%"
    method = (f"Оцениваются меры {year - LOOKBACK}–{year - 1} годов. Мера года t сравнивается по "
              "каждому своему показателю в году до меры (t−1) и в году после неё (t+1): у "
              "адресатов меры и у остальных учреждений города (без Центра) — «разность "
              "разностей».")
    effective = (f"«{EFFECTIVE}» — адресаты улучшили показатель не меньше чем на "
                 f"{t.min_did_pp:g} п. п. больше остальных (для количественных показателей — на "
                 f"{share} от исходного уровня), и разница не объясняется случайными "
                 f"колебаниями (не меньше {t.min_z:g} стандартных ошибок).")
    no_data = (f"«{NO_DATA}» — нет года до или после меры, показатель не рассчитан, меньше "
               f"{t.min_units} учреждений или меньше {t.min_people} человек в одной из групп.")
    everyone = ("Меры, адресованные всем, сравниваются с целевыми значениями города: насколько "
                "сократился разрыв с целью.")
    return [method, effective, no_data, everyone]
