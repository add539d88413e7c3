"""Verdicts a head can trust (issue 13): hand-made panels where the answer is known — schools
that move as a whole without any effect, a real effect on a few large schools, a pre-trend that
must block the verdict — and a simulated city on which inert measures are called «эффективна»
no more often than the stated 5 % allows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis import effectiveness as eff
from analysis.catalogue import HIGHER, SHARE
from analysis.inference import unit_did

RULE = eff.Thresholds(min_did_pp=5, min_did_relative=0.2, min_units=3, min_people=30, alpha=0.05)


def _panel(rows: list[tuple[str, float, float, float]]) -> pd.DataFrame:
    """(unit_id, people, share before %, share after %) → the panel `diff_in_diff` reads."""
    frame = pd.DataFrame(rows, columns=["unit_id", "den_before", "value_before", "value_after"])
    return frame.assign(den_after=frame["den_before"])


# The false positive: five schools 28→49, 34→43, 13→7, 28→39, 34→56 (changes +21, +9,
# −6, +11, +22, mean +11.4), the two big ones moving most; ten others of 60 people from 40 %
# changing −18, −15, −5, 0, +5, +5, +10, +15, +28, +34 (mean +5.9, sd 16.8).
TARGETS = [
    ("T1", 120, 28, 49),
    ("T2", 40, 34, 43),
    ("T3", 30, 13, 7),
    ("T4", 60, 28, 39),
    ("T5", 150, 34, 56),
]
OTHERS = [
    (f"C{k}", 60, 40, 40 + c) for k, c in enumerate([-18, -15, -5, 0, 5, 5, 10, 15, 28, 34], 1)
]


def test_schools_moving_as_a_whole_are_not_an_effect():
    panel = _panel(TARGETS + OTHERS)
    stats = eff.diff_in_diff(panel, {"T1", "T2", "T3", "T4", "T5"}, SHARE)
    # unit-mean DiD = 11.4 − 5.9 = +5.5 p. p.: above the 5 p. p. threshold, so only chance
    # can stop it. Welch: var_t = 513.2/4 = 128.3, var_c = 2541.1/9 = 282.3 →
    # se = √(128.3/5 + 282.3/10) = 7.34, t = 0.75: nothing a randomization test calls an effect.
    assert stats["did"] == pytest.approx(5.5)
    assert stats["se"] == pytest.approx(math.sqrt(128.3 / 5 + 2541.1 / 90), abs=1e-3)
    assert stats["p_value"] > 0.3
    assert stats["ci_low"] < 0 < stats["ci_high"]
    verdict, reason = eff.judge(stats, SHARE, HIGHER, RULE)
    assert verdict == eff.NO_EFFECT and "в пределах случайных колебаний" in reason
    # The trap it replaces: pooled over people the targets go 118.9/400 = 29.7 % → 185.5/400 =
    # 46.4 %, the others 40 → 45.9 %, DiD +10.75 p. p., and a binomial SE of
    # √(.297·.703/400 + .464·.536/400 + .4·.6/600 + .459·.541/600) = 4.42 p. p. gives z = 2.4,
    # «эффективна» under the old rule (z ≥ 2).
    pooled = (185.5 - 118.9) / 400 * 100 - 5.9
    binomial = 100 * math.sqrt(
        0.297 * 0.703 / 400 + 0.464 * 0.536 / 400 + 0.4 * 0.6 / 600 + 0.459 * 0.541 / 600
    )
    assert pooled / binomial > 2


def test_a_real_effect_on_a_few_large_schools_is_found():
    # five large schools (200 people) gain 11, 12, 13, 12, 12 p. p.; 25 small ones change
    # −3 … +3 (mean 0): DiD = +12. The targets hold the five largest changes, so no random
    # split of C(30, 5) = 142 506 reaches it: p = 2 · 1/(9 999 + 1) = 0.0002 (Monte Carlo).
    targets = [(f"T{k}", 200, 30, 30 + g) for k, g in enumerate([11, 12, 13, 12, 12], 1)]
    changes = [-3, -2, -1, 0, 1, 2, 3] * 3 + [0, 0, -1, 1]
    others = [(f"C{k}", 30, 40, 40 + c) for k, c in enumerate(changes, 1)]
    stats = eff.diff_in_diff(_panel(targets + others), {t[0] for t in targets}, SHARE)
    assert stats["did"] == pytest.approx(12.0)
    assert stats["p_value"] == pytest.approx(0.0002)
    assert stats["ci_low"] > 10
    verdict, reason = eff.judge(stats, SHARE, HIGHER, RULE)
    assert verdict == eff.EFFECTIVE
    assert reason == "адресаты улучшили показатель на 12,0 п. п. больше остальных (p < 0,001)"


# --- a pre-trend, through `evaluate` ---------------------------------------------------------

INSTITUTIONS = pd.DataFrame(
    {
        "inst_id": [f"T{k}" for k in range(1, 5)] + [f"C{k}" for k in range(1, 9)],
        "inst_type": "ОО",
        "district": "Север",
    }
)
NOISE = [0.5, -0.5, 0.25, -0.25, 0.75, -0.75, 0.1, -0.1, 0.6, -0.6, 0.3, -0.3]  # distinct


def _tidy(year: int, target_path: dict[int, float]) -> pd.DataFrame:
    """pk_modern_3y at institution level: targets at ``target_path[year]``, others at 40 %,
    each unit shifted by its own small noise (so no two changes tie)."""
    values = [
        target_path[year] + n if u.startswith("T") else 40 + n * (year - 2018)
        for u, n in zip(INSTITUTIONS["inst_id"], NOISE)
    ]
    return pd.DataFrame(
        {
            "year": year,
            "indicator_id": "pk_modern_3y",
            "level": "institution",
            "unit_id": INSTITUTIONS["inst_id"],
            "numerator": 50.0,
            "denominator": 100.0,
            "value": values,
            "flags": "",
        }
    )


class _Data:
    """What `evaluate` reads of a `YearData`: 2019–2022, one measure of 2021 for T1…T4."""

    year = 2022

    def table_of(self, name: str, year: int) -> pd.DataFrame | None:
        if name == "measures" and year == 2021:
            return pd.DataFrame(
                {
                    "measure_id": ["M1"],
                    "title": ["Курсы"],
                    "mechanism": ["формальное ПК"],
                    "targets": ["T1;T2;T3;T4"],
                    "indicator_ids": ["pk_modern_3y"],
                }
            )
        return INSTITUTIONS if name == "institutions" else None

    def years(self) -> list[int]:
        return [2019, 2020, 2021, 2022]


def _evaluate(target_path: dict[int, float]) -> pd.Series:
    out = eff.evaluate(_Data(), lambda y: _tidy(y, target_path), RULE, pooled=True)
    assert len(out) == 1
    return out.iloc[0]


def test_a_pre_trend_blocks_the_verdict():
    # Targets rise 15 p. p. a year from 2019 (30 → 45 → 60 → 75), others stay near 40: the DiD
    # of 2020 → 2022 is +30 (p = 2/C(12, 4) = 2/495), but from 2019 to 2020 the targets already
    # gained 15 more than the others (p = 2/495 too) — the measure is not called effective.
    row = _evaluate({2019: 30, 2020: 45, 2021: 60, 2022: 75})
    assert row["did"] == pytest.approx(30, abs=0.5) and row["p_value"] == pytest.approx(2 / 495)
    assert row["pretrend_did"] == pytest.approx(15, abs=0.5)
    assert row["pretrend_p"] == pytest.approx(2 / 495)
    assert row["verdict"] == eff.NO_EFFECT
    assert row["reason"].startswith(
        "ещё до меры (2019–2020 гг.) адресаты и остальные менялись по-разному"
    )
    # the event study lays out 2019 … 2022 (t+2 = 2023 is not in the data)
    assert [e["year"] for e in row["event_study"]] == [2019, 2020, 2021, 2022]
    assert math.isnan(row["did_t2"])


def test_without_the_pre_trend_the_same_jump_is_effective():
    # targets flat before the measure (45, 45), then 75: the same +30 DiD, a flat pre-trend
    row = _evaluate({2019: 45, 2020: 45, 2021: 60, 2022: 75})
    assert row["pretrend_p"] > 0.05
    assert row["verdict"] == eff.EFFECTIVE
    tidy = eff.tidy(pd.DataFrame([row]))
    assert list(tidy.columns) == eff.TIDY_COLUMNS
    assert (tidy.loc[0, "n_target_units"], tidy.loc[0, "n_comparison_units"]) == (4, 8)
    assert (tidy.loc[0, "before_year"], tidy.loc[0, "after_year"]) == (2020, 2022)


# --- a simulated city whose schools move together -------------------------------------------

RUNS = 400
SCHOOLS = 60


def _city(rng: np.random.Generator, shock_pp: float) -> tuple[np.ndarray, np.ndarray]:
    """Each school's people and its share (%) in two years: a school-wide shock each year (the
    whole staff moves together) and its people drawn binomially around it."""
    size = rng.integers(10, 80, SCHOOLS)
    level = rng.normal(40, 10, SCHOOLS)
    shares = np.array(
        [
            rng.binomial(size, np.clip(level + rng.normal(0, shock_pp, SCHOOLS), 1, 99) / 100)
            for _ in range(2)
        ]
    )
    return size, shares


def test_inert_measures_are_rarely_called_effective_through_the_verdict_rule():
    # 400 inert measures on 5–10 random schools of cities with strong school shocks (12 p. p.).
    # The verdict rule (`judge` on the units' DiD) must call at most 5 % of them «эффективна»
    # within simulation error; the old rule (binomial z ≥ 2 on pooled people) calls far more —
    # the check that this city is one where the difference shows.
    rng = np.random.default_rng(2024)
    new_calls = old_calls = 0
    for _ in range(RUNS):
        size, counts = _city(rng, 12.0)
        targeted = np.zeros(SCHOOLS, dtype=bool)
        targeted[rng.choice(SCHOOLS, int(rng.integers(5, 11)), replace=False)] = True
        change = (counts[1] - counts[0]) / size * 100
        effect = unit_did(change[targeted], change[~targeted], resamples=999)
        stats = {
            "n_target_units": int(targeted.sum()),
            "n_comparison_units": SCHOOLS,
            "n_target_people": 1000,
            "n_comparison_people": 1000,
            **eff.effect_stats(effect),
        }
        new_calls += eff.judge(stats, SHARE, HIGHER, RULE)[0] == eff.EFFECTIVE
        cells = [(counts[y][m].sum(), size[m].sum()) for m in (targeted, ~targeted) for y in (0, 1)]
        p = [c / n for c, n in cells]
        did = 100 * ((p[1] - p[0]) - (p[3] - p[2]))
        se = 100 * math.sqrt(sum(q * (1 - q) / n for q, (_, n) in zip(p, cells)))
        old_calls += did >= 5 and did >= 2 * se
    limit = 0.05 + 2 * math.sqrt(0.05 * 0.95 / RUNS)
    assert new_calls / RUNS <= limit
    assert old_calls / RUNS > limit
