"""Effectiveness of measures (SPEC §2 stage 06): a difference in differences and a verdict.

Public API (data in, data out: a `YearData` reader and the years' indicator tables come in)::

    diff_in_diff(panel, target_ids, kind) -> dict           # the DiD of one panel, inference
    effect_stats(effect, suffix="") -> dict                  # an inference.Effect as columns
    judge(stats, kind, direction, thresholds) -> (verdict, reason)
    p_text(p) -> str                                         # «p = 0,03», «p < 0,001»
    evaluate(data, indicators_of, thresholds, pooled=False) -> DataFrame
    tidy(evaluated) -> DataFrame                             # effectiveness.csv (SPEC §5)
    measure_verdicts(evaluated) -> DataFrame                 # one row per measure
    dynamics(history, evaluated, years, indicator_ids=None) -> DataFrame
    judged(evaluated), pending(evaluated), compared_years(evaluated)

The thresholds are read by `analysis.params.effectiveness.load_thresholds`; the page
(`analysis.pages.effectiveness`) builds the inputs from the notebook's context and holds the
tables, sentences, figures and the public profile's masking.

The evaluation has the columns `COLUMNS` (``pending``: the after-year is later than the report
year; ``event_study``: the per-year unit means of t−2 … t+2, see `EVENT_FIELDS`); `tidy` gives
``effectiveness.csv``, exactly the columns of SPEC §5 (`TIDY_COLUMNS`).

Design. A measure dated year t with indicator i and targets T is compared in *before* = t−1 and
*after* = t+1 (the effect of a measure shows the year after it; t itself is mixed). Units are
institutions (staff indicators are counted where the person works); when every target is an
association and i is declared at association level, units are associations; associations mixed
with other targets count as their base institutions. The comparison group C is every other unit
of the level — all institutions not targeted except the Centre (type ДПО), or all associations
not targeted (same-type comparison is impossible for `тип:<t>` targets). Only units with a value
in both years enter (a balanced panel, so openings and closures do not pass for an effect); the
same units are followed over t−2 … t+2 where those years exist.

The reported DiD is the *unit-mean* DiD: the mean change of the targeted units' own values minus
the mean change of the others' (shares: each unit's own share, in p. p.; counts: per unit). A
school moves as a whole, so institutions — not teachers — are the units that vary: the p-value
is a randomization test over which units were targeted and the interval is Welch's over the two
groups of unit changes (`analysis.inference.unit_did`). The group values shown (target_before …)
are the unit means, so DiD = (T_after − T_before) − (C_after − C_before). For «lower is better»
indicators a negative DiD is the improvement.

The three-year picture: the event study of t−2 … t+2 (unit means per year, `event_study`), the
pre-trend check (the same test on t−2 → t−1: targets and others must have moved alike before the
measure) and the effect at t+2 (t−1 → t+2, ``did_t2``, ``p_value_t2``).

Verdicts (thresholds in `params/effectiveness.yaml`): «недостаточно данных» when t−1 is not in
the data, t+1 is after the report year (measures of the report year are judged next year), the
indicator is empty in either year, or a group has fewer than ``min_units`` units (shares: fewer
than ``min_people`` people in a year); otherwise «эффективна» when the improvement at t+1 is at
least ``min_did_pp`` (counts: ``min_did_relative`` of the larger before-mean, at least 1), its
p-value is below ``alpha`` and the pre-trend check does not show targets and others moving apart
(pre-trend p < ``alpha``); else «эффект не выявлен». An incomplete 3-year window (data starting
less than 3 years back) lowers both groups alike, so it does not stop a difference in
differences; it does stop the city-against-target judgement below.

Measures addressed to `все` have no comparison group: the city is compared with its own targets.
The «comparison» columns then hold the targets of t−1 and t+1, and DiD is how much the gap to
the target closed (value − target, after minus before); same thresholds, no p-value (one city is
one unit); no target in either year → «недостаточно данных». Such a comparison is not causal:
its reason says so.

A measure is «эффективна» when any of its indicators is, «эффект не выявлен» when at least one
indicator could be judged and none is, else «недостаточно данных» (`measure_verdicts`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri  # norm.sf and norm.ppf, without scipy.stats

from analysis import register
from analysis.catalogue import CATALOGUE, COUNT, LOWER, SHARE
from analysis.inference import (
    ALPHA,
    EVENT_OFFSETS,
    RESAMPLES,
    Effect,
    effect_between,
    event_study,
    unit_did,
)
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
# the inference of one comparison: the effect at t+1, at t+2 and the pre-trend t−2 → t−1
INFERENCE: list[str] = ["se", "ci_low", "ci_high", "p_value"]
LATER: list[str] = ["did_t2", "se_t2", "ci_low_t2", "ci_high_t2", "p_value_t2"]
PRETREND: list[str] = ["pretrend_did", "pretrend_p"]
COLUMNS: list[str] = [
    "measure_id",
    "measure_year",
    "title",
    "mechanism",
    "indicator_id",
    "targets",
    "level",
    "before_year",
    "after_year",
    "target_before",
    "target_after",
    "comparison_before",
    "comparison_after",
    "did",
    *INFERENCE,
    *LATER,
    *PRETREND,
    "n_target_units",
    "n_comparison_units",
    "n_target_people",
    "n_comparison_people",
    "verdict",
    "reason",
    "pending",
    "causal",
    "event_study",
]
# effectiveness.csv (SPEC §5), in this order
TIDY_COLUMNS: list[str] = [
    "measure_id",
    "measure_year",
    "indicator_id",
    "level",
    "before_year",
    "after_year",
    "did",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
    "n_target_units",
    "n_comparison_units",
    "verdict",
    "reason",
]
# one record of the ``event_study`` column: a year around the measure, the groups' unit means
# and the units each mean pools (the public page checks them against its table)
EVENT_FIELDS: tuple[str, ...] = (
    "offset",
    "year",
    "target_mean",
    "comparison_mean",
    "target_units",
    "comparison_units",
)

# unit_ids (tuples) each group pools in the years compared, see `evaluate`
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
    alpha: float = ALPHA  # an effect must be unlikely under chance at this level


# --- the difference in differences ----------------------------------------------------------


def diff_in_diff(
    panel: pd.DataFrame,
    target_ids: set[str] | list[str],
    kind: str,
    alpha: float = ALPHA,
    resamples: int = RESAMPLES,
) -> dict:
    """The unit-mean DiD of a balanced panel, with its uncertainty over units.

    ``panel`` has one row per unit: ``unit_id, value_before, value_after`` and, for shares,
    ``den_before, den_after`` (the people behind each unit's share). Returns the four group
    means of the units' values, ``did``, ``se``, ``ci_low``, ``ci_high``, ``p_value``
    (`inference.unit_did`: a randomization test over which units were targeted), the units per
    group and the people per group (shares: the smaller Σ denominator of the two years).
    """
    in_target = panel["unit_id"].astype(str).isin({str(t) for t in target_ids}).to_numpy()
    before = panel["value_before"].to_numpy(dtype=float)
    after = panel["value_after"].to_numpy(dtype=float)
    out: dict = {
        "n_target_units": int(in_target.sum()),
        "n_comparison_units": int((~in_target).sum()),
    }
    for group, mask in (("target", in_target), ("comparison", ~in_target)):
        for when, values in (("before", before), ("after", after)):
            out[f"{group}_{when}"] = float(values[mask].mean()) if mask.any() else math.nan
        if kind != SHARE:  # a count or a mean has no people behind a percentage
            out[f"n_{group}_people"] = math.nan
        else:
            out[f"n_{group}_people"] = min(
                float(panel.loc[mask, f"den_{w}"].sum()) for w in ("before", "after")
            )
    out["did"] = (out["target_after"] - out["target_before"]) - (
        out["comparison_after"] - out["comparison_before"]
    )
    change = after - before
    effect = unit_did(change[in_target], change[~in_target], alpha, resamples)
    if kind == COUNT and effect is not None:
        effect = _poisson_floor(effect, before, after, in_target, alpha)
    return {**out, **effect_stats(effect)}


def _poisson_floor(
    effect: Effect, before: np.ndarray, after: np.ndarray, in_target: np.ndarray, alpha: float
) -> Effect:
    """A count's DiD is never more certain than Poisson noise allows (a count's variance is at
    least its mean): a few rare events in a small group, or targets picked for hosting many
    events, do not pass for an effect. Widens the interval and raises p when the floor binds."""
    var = 0.0
    for mask in (in_target, ~in_target):
        var += (before[mask].mean() + after[mask].mean()) / mask.sum()
    floor = math.sqrt(var)
    if floor <= effect.se:
        return effect
    half = float(ndtri(1 - alpha / 2)) * floor
    p = max(effect.p_value, float(2 * ndtr(-abs(effect.did) / floor)))
    return replace(effect, se=floor, ci_low=effect.did - half, ci_high=effect.did + half, p_value=p)


def effect_stats(effect: Effect | None, suffix: str = "") -> dict:
    """The inference columns of one `Effect` (NaN when a group was too small to say)."""
    names = ["did", *INFERENCE]
    if effect is None:
        return {f"{n}{suffix}": math.nan for n in names}
    values = (effect.did, effect.se, effect.ci_low, effect.ci_high, effect.p_value)
    return {f"{n}{suffix}": float(v) for n, v in zip(names, values)}


def judge(stats: dict, kind: str, direction: str, thresholds: Thresholds) -> tuple[str, str]:
    """The verdict on one DiD and the reason for it (Russian).

    ``stats`` holds ``did``, ``p_value`` and the group sizes (`diff_in_diff`), and may hold the
    pre-trend check ``pretrend_did``, ``pretrend_p`` with ``pretrend_years``, or
    ``pretrend_note``: why it was not checked.
    """
    t = thresholds
    for group, name in (("target", "адресатах меры"), ("comparison", "группе сравнения")):
        n = stats.get(f"n_{group}_units", 0)
        if n < t.min_units:
            return (
                NO_DATA,
                f"в {name} {n} ед. с данными за оба года (нужно не меньше {t.min_units})",
            )
        people = stats.get(f"n_{group}_people", math.nan)
        if kind == SHARE and not (people >= t.min_people):
            # not the exact number: the public page hides small groups of people as «*»
            return NO_DATA, (f"в {name} меньше {t.min_people} чел. в знаменателе показателя")
    did = stats["did"]
    if did is None or math.isnan(did):
        return NO_DATA, "показатель не рассчитан для одной из групп"
    gain = -did if direction == LOWER else did
    p = stats.get("p_value", math.nan)
    if kind == SHARE:
        need, unit = t.min_did_pp, " п. п."
    else:  # a count or a mean: relative to the larger group's level before the measure
        base = max(stats.get("target_before") or 0.0, stats.get("comparison_before") or 0.0, 1.0)
        need, unit = t.min_did_relative * base, (" на учреждение" if kind == COUNT else "")
    if gain < need:
        return NO_EFFECT, f"разница {_num(gain)}{unit} меньше порога {_num(need, sign=False)}{unit}"
    if not (p < t.alpha):
        return NO_EFFECT, (
            f"разница {_num(gain)}{unit} в пределах случайных колебаний между "
            f"учреждениями ({p_text(p)}, нужно меньше {_p(t.alpha)})"
        )
    pre_p, pre_did = stats.get("pretrend_p", math.nan), stats.get("pretrend_did", math.nan)
    years = stats.get("pretrend_years")
    if pre_p < t.alpha:
        pre_gain = -pre_did if direction == LOWER else pre_did
        return NO_EFFECT, (
            f"ещё до меры ({years or 'до t−1'}) адресаты и остальные менялись по-разному "
            f"(разница {_num(pre_gain)}{unit}, {p_text(pre_p)}): эффект меры "
            "не отделить от прежнего тренда"
        )
    note = stats.get("pretrend_note")
    checked = f"; тренд до меры не проверен: {note}" if note else ""
    return EFFECTIVE, (
        f"адресаты улучшили показатель на {_num(gain, sign=False)}{unit} больше "
        f"остальных ({p_text(p)}){checked}"
    )


def p_text(p: float) -> str:
    """«p = 0,03», «p < 0,001» (a reason's and the page's way to write a p-value)."""
    text = _p(p)
    return "p " + text if text.startswith("<") else "p = " + text


def _p(p: float) -> str:
    """A p-value of a reason sentence: «0,003», «< 0,001», two significant decimals."""
    if p is None or not math.isfinite(float(p)):
        return "—"
    if p < 0.001:
        return "< 0,001"
    return (f"{p:.3f}" if p < 0.01 else f"{p:.2f}").replace(".", ",")


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


NOT_CAUSAL = (
    "мера для всех: город сравнивается с целью, группы сравнения нет — это не оценка "
    "причинного эффекта, он не отделён от общего тренда"
)


def judge_city(
    before: pd.Series | None,
    after: pd.Series | None,
    kind: str,
    direction: str,
    thresholds: Thresholds,
) -> dict:
    """A measure addressed to `все`: the city's value against its target, before and after."""
    out = {
        "target_before": _get(before, "value"),
        "target_after": _get(after, "value"),
        "comparison_before": _get(before, "target"),
        "comparison_after": _get(after, "target"),
        "n_target_units": math.nan,
        "n_comparison_units": math.nan,
        "n_target_people": math.nan
        if kind != SHARE
        else min(_get(before, "denominator"), _get(after, "denominator")),
        "n_comparison_people": math.nan,
    }
    out["did"] = (out["target_after"] - out["comparison_after"]) - (
        out["target_before"] - out["comparison_before"]
    )
    if math.isnan(out["target_before"]) or math.isnan(out["target_after"]):
        return {**out, "verdict": NO_DATA, "reason": "показатель города не рассчитан"}
    if math.isnan(out["did"]):
        return {
            **out,
            "verdict": NO_DATA,
            "reason": "мера адресована всем, а целевое значение на оба года не задано",
        }
    gain = -out["did"] if direction == LOWER else out["did"]
    if kind == SHARE:
        need, unit = thresholds.min_did_pp, " п. п."
    else:
        need, unit = thresholds.min_did_relative * max(abs(out["comparison_before"]), 1.0), ""
    if gain >= need:
        return {
            **out,
            "verdict": EFFECTIVE,
            "reason": f"город приблизился к цели на {_num(gain, sign=False)}{unit} ({NOT_CAUSAL})",
        }
    return {
        **out,
        "verdict": NO_EFFECT,
        "reason": f"разрыв с целью изменился на {_num(gain)}{unit}, порог "
        f"{_num(need, sign=False)}{unit} ({NOT_CAUSAL})",
    }


def _get(row: pd.Series | None, column: str) -> float:
    if row is None:
        return math.nan
    value = row[column]
    return math.nan if value is None or pd.isna(value) else float(value)


# --- the panel of one measure -----------------------------------------------------------------


def panel(
    before: pd.DataFrame, after: pd.DataFrame, indicator_id: str, level: str, exclude: set[str]
) -> pd.DataFrame:
    """Units of ``level`` with a value of the indicator in both tidy tables (minus ``exclude``)."""

    def rows(tidy: pd.DataFrame, when: str) -> pd.DataFrame:
        part = tidy[(tidy["indicator_id"] == indicator_id) & (tidy["level"] == level)]
        part = part[part["value"].notna() & ~part["unit_id"].isin(list(exclude))]
        return pd.DataFrame(
            {
                "unit_id": part["unit_id"].astype(str).to_numpy(),
                f"num_{when}": part["numerator"].to_numpy(dtype=float),
                f"den_{when}": part["denominator"].to_numpy(dtype=float),
                f"value_{when}": part["value"].to_numpy(dtype=float),
            }
        )

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
    _by_indicator: dict[str, pd.DataFrame] | None = field(default=None, repr=False)

    def rows(self, indicator_id: str) -> pd.DataFrame:
        """The tidy table's rows of one indicator, in table order (the table split once: each
        of the ~50 evaluated rows reads 3–5 years, and filtering the whole table each time
        was most of `evaluate`)."""
        if self._by_indicator is None:
            self._by_indicator = dict(
                iter(self.tidy.groupby("indicator_id", sort=False, observed=True))
            )
        found = self._by_indicator.get(indicator_id)
        return found if found is not None else self.tidy.iloc[:0]


def _row(
    measure, indicator_id: str, data: dict[int, _Year], year: int, thresholds: Thresholds
) -> dict:
    """One (measure, indicator) row of the evaluation."""
    t = int(measure.year)
    base = {
        "measure_id": measure.measure_id,
        "measure_year": t,
        "title": measure.title,
        "mechanism": measure.mechanism,
        "indicator_id": indicator_id,
        "targets": measure.targets,
        "level": None,
        "before_year": t - 1,
        "after_year": t + 1,
        "pending": t + 1 > year,
        "causal": not targets_all(measure.targets),
        "event_study": (),
    }
    empty = {c: math.nan for c in COLUMNS if c.startswith(("target_", "comparison_", "n_"))}
    empty.update({c: math.nan for c in ["did", *INFERENCE, *LATER, *PRETREND]})

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
    before, after = data[t - 1].rows(indicator_id), data[t + 1].rows(indicator_id)
    everyone = targets_all(measure.targets)
    for y, tidy in ((t - 1, before), (t + 1, after)):
        problem = _unusable(tidy, indicator_id, strict=everyone)
        if problem:
            return no_data(problem.format(year=y))
    if everyone:
        rows = [_city_row(tidy, indicator_id) for tidy in (before, after)]
        base["level"] = rows[1]["level"] if rows[1] is not None else "city"
        own_level = base["level"]
        return {
            **base,
            **empty,
            **judge_city(*rows, ind.kind, ind.direction, thresholds),
            "target_units": (own_level,),
            "comparison_units": (),
        }
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
    units = {str(u) for u in (assocs if level == "association" else insts)}
    exclude = set() if level == "association" else _centres(data, t)
    pooled = panel(before, after, indicator_id, level, exclude)
    stats = diff_in_diff(pooled, units, ind.kind, thresholds.alpha)
    history = _unit_history(data, t, indicator_id, level, set(pooled["unit_id"]))
    early = data.get(t - 2)
    unusable = (
        _unusable(early.rows(indicator_id), indicator_id, strict=True)
        if early is not None and early.tidy is not None
        else None
    )
    stats.update(
        _three_years(history, units, t, thresholds.alpha, unusable and unusable.format(year=t - 2))
    )
    verdict, reason = judge(stats, ind.kind, ind.direction, thresholds)
    stats.pop("pretrend_years", None)
    stats.pop("pretrend_note", None)
    in_target = pooled["unit_id"].isin(units)
    return {
        **base,
        **stats,
        "verdict": verdict,
        "reason": reason,
        "event_study": _events(history, units, t),
        "target_units": tuple(pooled.loc[in_target, "unit_id"]),
        "comparison_units": tuple(pooled.loc[~in_target, "unit_id"]),
    }


def _unit_history(
    data: dict[int, _Year], t: int, indicator_id: str, level: str, cohort: set[str]
) -> pd.DataFrame:
    """The values of the compared units (``cohort``: the balanced panel of t−1 and t+1) in every
    year of t−2 … t+2 in the data: unit_id, year, value."""
    frames = []
    for offset in EVENT_OFFSETS:
        year_data = data.get(t + offset)
        if year_data is None or year_data.tidy is None:
            continue
        tidy = year_data.rows(indicator_id)
        part = tidy[
            (tidy["indicator_id"] == indicator_id)
            & (tidy["level"] == level)
            & tidy["value"].notna()
        ]
        part = part[part["unit_id"].astype(str).isin(cohort)]
        frames.append(
            pd.DataFrame(
                {
                    "unit_id": part["unit_id"].astype(str).to_numpy(),
                    "year": t + offset,
                    "value": part["value"].to_numpy(dtype=float),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "unit_id": pd.Series(dtype=str),
                "year": pd.Series(dtype="int64"),
                "value": pd.Series(dtype=float),
            }
        )
    return pd.concat(frames, ignore_index=True)


def _three_years(
    history: pd.DataFrame, units: set[str], t: int, alpha: float, unusable: str | None
) -> dict:
    """The pre-trend check (t−2 → t−1) and the effect at t+2 (t−1 → t+2) on the same units.

    ``unusable`` says why t−2 cannot be compared (e.g. a 3-year window still filling up: its
    mechanical growth is a trend of its own, larger where courses are more frequent), and then
    the pre-trend is not checked."""
    years = set(history["year"].astype(int))
    pre = None
    if unusable is None and t - 2 in years:
        pre = effect_between(history, units, t - 2, t - 1, alpha)
    later = effect_between(history, units, t - 1, t + 2, alpha) if t + 2 in years else None
    out = effect_stats(later, "_t2")
    out["pretrend_did"] = pre.did if pre is not None else math.nan
    out["pretrend_p"] = pre.p_value if pre is not None else math.nan
    out["pretrend_years"] = f"{t - 2}–{t - 1} гг."
    out["pretrend_note"] = None if pre is not None else unusable or f"нет данных за {t - 2} год"
    return out


def _events(history: pd.DataFrame, units: set[str], t: int) -> tuple[dict, ...]:
    """The event study of t−2 … t+2 as records of `EVENT_FIELDS`."""
    study = event_study(history, units, t)
    out = []
    for r in study.itertuples(index=False):
        now = history[history["year"] == r.year]
        targeted = now["unit_id"].isin(units)
        out.append(
            {
                "offset": int(r.offset),
                "year": int(r.year),
                "target_mean": float(r.target_mean),
                "comparison_mean": float(r.comparison_mean),
                "target_units": tuple(now.loc[targeted, "unit_id"]),
                "comparison_units": tuple(now.loc[~targeted, "unit_id"]),
            }
        )
    return tuple(out)


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
    frames = [
        m.assign(year=y)
        for y in range(year - LOOKBACK, year + 1)
        if (m := data.table_of("measures", y)) is not None
    ]
    if not frames:
        return pd.DataFrame(
            {
                **{c: pd.Series(dtype=object) for c in MEASURE_FIELDS},
                "year": pd.Series(dtype="int64"),
            }
        )
    return pd.concat(frames, ignore_index=True)


def evaluate(
    data: YearData,
    indicators_of: Callable[[int], pd.DataFrame],
    thresholds: Thresholds,
    pooled: bool = False,
) -> pd.DataFrame:
    """One row per (measure, indicator) for the measures of y−3 … y (`COLUMNS`; with
    ``pooled`` also `POOLED_COLUMNS`, the units each group pools, which the public page needs).

    ``data`` reads the registers of the years (its year is the report year y);
    ``indicators_of(year)`` gives a year's tidy indicator table. Measures of y come out as
    «недостаточно данных» with ``pending`` = True (judged next year).
    """
    year = data.year
    measures = window_measures(data, year)
    available = set(data.years())
    wanted = {
        int(t) + k
        for t in measures["year"].unique()
        for k in EVENT_OFFSETS
        if int(t) + k in available and int(t) + k <= year
    }
    years = {
        y: _Year(
            indicators_of(y), data.table_of("institutions", y), data.table_of("associations", y)
        )
        for y in sorted(wanted)
    }
    rows = [
        _row(m, i, years, year, thresholds)
        for m in measures.itertuples(index=False)
        for i in register.split_ids(m.indicator_ids)
    ]
    out = pd.DataFrame(rows, columns=COLUMNS + (POOLED_COLUMNS if pooled else []))
    for column in POOLED_COLUMNS if pooled else []:
        out[column] = out[column].map(lambda u: u if isinstance(u, tuple) else ())
    return out.astype(
        {
            "measure_year": "int64",
            "before_year": "int64",
            "after_year": "int64",
            "pending": "bool",
            "causal": "bool",
        }
    )


def tidy(evaluated: pd.DataFrame) -> pd.DataFrame:
    """``effectiveness.csv`` (SPEC §5): one row per measure and indicator, exactly
    `TIDY_COLUMNS` in order; ``did`` in the indicator's unit (p. p. for shares), the inference
    over units (empty for measures for everyone: the city is one unit)."""
    out = evaluated.reindex(columns=TIDY_COLUMNS).copy()
    for column in ("n_target_units", "n_comparison_units"):
        out[column] = out[column].astype("Int64")
    return out.reset_index(drop=True)


def measure_verdicts(evaluated: pd.DataFrame) -> pd.DataFrame:
    """One row per measure: its verdict (any indicator effective → «эффективна») and details."""
    # the rows of each measure (first seen first, blank ids left out, as `groupby(sort=False)`
    # has them), read from plain lists: a groupby over a few dozen small groups costs more
    rows_of: dict[object, list[int]] = {}
    for pos, measure_id in enumerate(evaluated["measure_id"].tolist()):
        if not pd.isna(measure_id):
            rows_of.setdefault(measure_id, []).append(pos)
    firsts = evaluated.iloc[[positions[0] for positions in rows_of.values()]]
    first = {
        c: firsts[c].tolist() for c in ("measure_year", "title", "mechanism", "targets", "pending")
    }
    verdict_of, indicator_of = evaluated["verdict"].tolist(), evaluated["indicator_id"].tolist()
    rows = []
    for n, (measure_id, positions) in enumerate(rows_of.items()):
        verdicts = [verdict_of[p] for p in positions]
        indicators = [indicator_of[p] for p in positions]
        rows.append(
            {
                "measure_id": measure_id,
                "measure_year": int(first["measure_year"][n]),
                "title": first["title"][n],
                "mechanism": first["mechanism"][n],
                "targets": first["targets"][n],
                "verdict": next(v for v in VERDICTS if v in set(verdicts)),
                "pending": bool(first["pending"][n]),
                "effective_indicators": ";".join(
                    i for i, v in zip(indicators, verdicts) if v == EFFECTIVE
                ),
                "indicators": ";".join(indicators),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "measure_id",
            "measure_year",
            "title",
            "mechanism",
            "targets",
            "verdict",
            "pending",
            "effective_indicators",
            "indicators",
        ],
    )


def dynamics(
    history: pd.DataFrame,
    evaluated: pd.DataFrame,
    years: list[int],
    indicator_ids: list[str] | None = None,
) -> pd.DataFrame:
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
    # each (indicator, year) looked up in dicts made once, not by filtering the frames
    cells: dict[tuple, int] = {}  # → the position of its first city row
    for pos, key in enumerate(zip(city["indicator_id"].tolist(), city["year"].tolist())):
        cells.setdefault(key, pos)
    measures: dict[tuple, list[tuple[str, str]]] = {}
    for ind, y, measure_id, verdict in zip(
        linked["indicator_id"].tolist(),
        linked["measure_year"].tolist(),
        linked["measure_id"].tolist(),
        linked["verdict"].tolist(),
    ):
        measures.setdefault((ind, y), []).append((measure_id, verdict))
    flags = "flags" in city.columns
    rows = []
    for indicator_id in indicator_ids:
        for y in years:
            pos = cells.get((indicator_id, y))
            cell = city.iloc[pos] if pos is not None else None
            ms = measures.get((indicator_id, y), [])
            rows.append(
                {
                    "indicator_id": indicator_id,
                    "year": y,
                    "value": float(cell["value"]) if cell is not None else math.nan,
                    "target": float(cell["target"]) if cell is not None else math.nan,
                    "meets_target": cell["meets_target"] if cell is not None else pd.NA,
                    "incomplete": cell is not None
                    and flags
                    and has_flag(cell["flags"], INCOMPLETE_WINDOW),
                    "measures": ";".join(m for m, _ in ms),
                    "verdicts": ";".join(v for _, v in ms),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator_id",
            "year",
            "value",
            "target",
            "meets_target",
            "incomplete",
            "measures",
            "verdicts",
        ],
    )


def judged(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The rows of measures whose after-year has come (not pending)."""
    return evaluated[~evaluated["pending"]].reset_index(drop=True)


def pending(evaluated: pd.DataFrame) -> pd.DataFrame:
    """The measures to be judged next year (one row per measure)."""
    return measure_verdicts(evaluated[evaluated["pending"]])


def compared_years(evaluated: pd.DataFrame) -> list[int]:
    """The years whose values the judged rows show: before, after and the event study's
    (their public tables are needed)."""
    rows = judged(evaluated)
    rows = rows[rows["level"].notna()]  # the rows with a compared pair of years
    events = {int(e["year"]) for records in rows.get("event_study", []) for e in records}
    return sorted({int(y) for y in (*rows["before_year"], *rows["after_year"])} | events)
