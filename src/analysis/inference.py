"""Inference where institutions, not people, are the units that vary (SPEC §5, issue 13).

A school moves as a whole: a new head sends everyone to competitions, a methodologist signs a
whole staff up for courses. Teachers of one school are not independent draws, so a binomial
standard error over headcounts makes chance look like an effect. Here every unit (institution
or association) contributes one number — its own change between two years — and:

- the difference in differences is the mean change of the targeted units minus the mean change
  of the others (in the indicator's unit: percentage points for shares);
- its p-value comes from a randomization test over which units were targeted: exact over every
  split when they are few, else 9 999 random splits with a fixed seed (so a build is
  reproducible); two-sided, as twice the smaller one-sided p-value. The splits are scipy's
  `permutation_test`'s, computed as one array operation (the same p-values, ~20× faster);
- its standard error and interval are Welch's over the two groups of unit changes (one targeted
  unit: the others' spread stands in for its own), the t quantile at the Welch–Satterthwaite
  degrees of freedom.

`event_study` lays out targets and others year by year from t−2 to t+2; `effect_between` is the
DiD over any two of those years (t−2 → t−1 is the pre-trend check; t−1 → t+1, t−1 → t+2 the
effects). `funnel_limits` gives the band chance allows a unit of n people around the city's share
(the funnel plots of institutional comparisons), for the problems of stage 04.

Pure: frames in, numbers out; no file is read.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special  # scipy.stats' own functions, without its ~0.9 s import

ALPHA = 0.05  # the stated level: an effect must be unlikely under chance at 5 %
RESAMPLES = 9_999  # random splits when exact enumeration would take more
SEED = 20_240_601  # fixed: the same data give the same p-value in every build
# relative tolerance under which a split's statistic counts as equal to the observed one (as
# scipy's permutation_test: 100 machine epsilons)
TIE_TOLERANCE = float(np.finfo(float).eps) * 100
BLOCK_CELLS = 1 << 21  # unit indices drawn at once by the random test (16 MB)
EVENT_OFFSETS = (-2, -1, 0, 1, 2)  # years around the measure's year t (SPEC §2: three years)


@dataclass(frozen=True)
class Effect:
    """A difference in differences over units, with its uncertainty."""

    did: float  # mean change of targets − mean change of others (indicator's unit)
    se: float
    ci_low: float
    ci_high: float
    p_value: float  # randomization test over which units were targeted, two-sided
    n_target: int
    n_comparison: int

    def significant(self, alpha: float = ALPHA) -> bool:
        return self.p_value < alpha


def unit_did(
    target: np.ndarray,
    comparison: np.ndarray,
    alpha: float = ALPHA,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> Effect | None:
    """The DiD of two groups of unit changes; None when a group is too small to say anything
    (no target, or fewer than two comparison units)."""
    t = np.asarray(target, dtype=float)
    c = np.asarray(comparison, dtype=float)
    t, c = t[np.isfinite(t)], c[np.isfinite(c)]
    if len(t) < 1 or len(c) < 2:
        return None
    did = float(t.mean() - c.mean())
    se, df = _welch(t, c)
    half = float(special.stdtrit(df, 1 - alpha / 2)) * se if se > 0 else 0.0  # t.ppf
    return Effect(
        did, se, did - half, did + half, _randomization_p(t, c, resamples, seed), len(t), len(c)
    )


def _welch(t: np.ndarray, c: np.ndarray) -> tuple[float, float]:
    """Welch's standard error of mean(t) − mean(c) and its degrees of freedom."""
    var_c = float(c.var(ddof=1))
    if len(t) < 2:  # one targeted unit: its own spread is unknown, the others' stands in
        return math.sqrt(var_c * (1 + 1 / len(c))), float(len(c) - 1)
    a, b = float(t.var(ddof=1)) / len(t), var_c / len(c)
    if a + b == 0:
        return 0.0, float(len(t) + len(c) - 2)
    df = (a + b) ** 2 / (
        (a * a / (len(t) - 1) if a else 0.0) + (b * b / (len(c) - 1) if b else 0.0)
    )
    return math.sqrt(a + b), df


def _randomization_p(t: np.ndarray, c: np.ndarray, resamples: int, seed: int) -> float:
    """Two-sided p-value of the difference of means when the targeted units are drawn at random.

    Exact over every split when there are at most `resamples` of them, else over `resamples`
    random splits drawn with `seed` (counting the observed split once more: Phipson & Smyth).
    The splits, the order of the units within each group and the tie tolerance are those of
    `scipy.stats.permutation_test(..., permutation_type="independent")`, computed in one
    array operation instead of split by split, so the p-values are the same to the last bit.
    """
    pooled = np.concatenate([t, c])
    if np.ptp(pooled) == 0:
        return 1.0  # every unit changed alike: no split differs from another
    if len(t) == 1:  # each unit in turn as the one targeted
        greater, less = np.mean(pooled >= t[0]), np.mean(pooled <= t[0])
        return float(min(1.0, 2 * min(greater, less)))
    n, k = len(pooled), len(t)
    observed = np.mean(t) - np.mean(c)
    exact = math.comb(n, k) <= resamples
    if exact:
        null = _split_means(pooled, _all_splits(n, k), k)
        draws, extra = len(null), 0
    else:
        null = _random_null(pooled, k, resamples, np.random.default_rng(seed))
        draws, extra = resamples, 1  # the observed split counts as one of the draws
    gamma = abs(TIE_TOLERANCE * observed)  # numerically distinct, theoretically equal values
    less = (np.count_nonzero(null <= observed + gamma) + extra) / (draws + extra)
    greater = (np.count_nonzero(null >= observed - gamma) + extra) / (draws + extra)
    return float(min(1.0, max(0.0, min(less, greater) * 2)))


def _split_means(pooled: np.ndarray, order: np.ndarray, k: int) -> np.ndarray:
    """mean(first k) − mean(the rest) of the units in each row of `order` (one split a row)."""
    drawn = pooled[order]
    return np.mean(drawn[:, :k], axis=-1) - np.mean(drawn[:, k:], axis=-1)


def _random_null(
    pooled: np.ndarray, k: int, resamples: int, rng: np.random.Generator
) -> np.ndarray:
    """The statistic over `resamples` random orders of the units: row by row the draws of
    `rng.permutation(n)` called `resamples` times, taken in blocks to bound memory."""
    n = len(pooled)
    rows = max(1, BLOCK_CELLS // n)
    parts = []
    for start in range(0, resamples, rows):
        block = np.tile(np.arange(n), (min(rows, resamples - start), 1))
        parts.append(_split_means(pooled, rng.permuted(block, axis=-1), k))
    return np.concatenate(parts)


@functools.lru_cache(maxsize=64)
def _all_splits(n: int, k: int) -> np.ndarray:
    """Every way to pick k of n units, a row each: the picked units, then the others, each
    group in the order of a Python set of its indices (as scipy lays them out)."""
    everyone = set(range(n))
    rows = []
    for chosen in itertools.combinations(everyone, k):
        picked = set(chosen)
        rows.append([*picked, *(everyone - picked)])
    order = np.array(rows, dtype=np.intp)
    order.flags.writeable = False  # shared by every call with the same n and k
    return order


def unit_changes(panel: pd.DataFrame, start: int, end: int) -> pd.Series:
    """value(end) − value(start) per unit, for the units with a value in both years.

    `panel`: columns unit_id, year, value (one row per unit and year).
    """
    wide = panel.pivot_table(index="unit_id", columns="year", values="value", aggfunc="first")
    if start not in wide.columns or end not in wide.columns:
        return pd.Series(dtype=float)
    both = wide[[start, end]].dropna()
    return (both[end] - both[start]).astype(float)


def effect_between(
    panel: pd.DataFrame, targets: set[str], start: int, end: int, alpha: float = ALPHA
) -> Effect | None:
    """The DiD of the targeted units against the others from `start` to `end`."""
    changes = unit_changes(panel, start, end)
    targeted = changes.index.astype(str).isin(sorted(targets))
    return unit_did(changes[targeted].to_numpy(), changes[~targeted].to_numpy(), alpha)


def event_study(
    panel: pd.DataFrame,
    targets: set[str],
    measure_year: int,
    offsets: tuple[int, ...] = EVENT_OFFSETS,
) -> pd.DataFrame:
    """Targets and others year by year around the measure: the mean of the units' values, their
    gap and the numbers of units, for every offset whose year is in the panel."""
    rows = []
    years = set(panel["year"].astype(int))
    for offset in offsets:
        year = measure_year + offset
        if year not in years:
            continue
        now = panel[panel["year"].astype(int) == year].dropna(subset=["value"])
        targeted = now["unit_id"].astype(str).isin(sorted(targets))
        t_mean = float(now.loc[targeted, "value"].mean()) if targeted.any() else math.nan
        c_mean = float(now.loc[~targeted, "value"].mean()) if (~targeted).any() else math.nan
        rows.append(
            {
                "offset": offset,
                "year": year,
                "target_mean": t_mean,
                "comparison_mean": c_mean,
                "gap": t_mean - c_mean,
                "n_target": int(targeted.sum()),
                "n_comparison": int((~targeted).sum()),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "offset",
            "year",
            "target_mean",
            "comparison_mean",
            "gap",
            "n_target",
            "n_comparison",
        ],
    )


def funnel_limits(city_share: float, people: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """The band (in %) in which a unit of `people` lies by chance alone around the city's share
    (in %): city ± z·√(p(1 − p)/n), clipped to 0–100. Units of no people get an empty band (NaN)."""
    p = float(city_share) / 100
    n = np.asarray(people, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        half = np.where(n > 0, z * np.sqrt(p * (1 - p) / n), np.nan) * 100
    return np.clip(city_share - half, 0, 100), np.clip(city_share + half, 0, 100)
