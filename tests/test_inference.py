"""Unit-level inference (analysis.inference): values worked out by hand on tiny groups, and a
simulated city whose schools move together."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.inference import SEED, effect_between, event_study, funnel_limits, unit_did


def test_two_targets_against_four_others_by_hand():
    # changes: targets 10, 20 (mean 15); others 0, 0, 5, 15 (mean 5) → DiD = 10.
    # Welch: var_t = 50, var_c = ((−5)² + (−5)² + 0² + 10²)/3 = 50 → se = √(50/2 + 50/4) = √37.5.
    # Randomization: the 15 ways to pick 2 of the 6 units; the statistic (3s − 50)/4 rises with
    # the pair's sum s; pairs with s ≥ 30: (10,20), (20,15) → 2/15; so two-sided p = 2·2/15.
    effect = unit_did([10, 20], [0, 0, 5, 15])
    assert effect.did == pytest.approx(10)
    assert effect.se == pytest.approx(math.sqrt(37.5))
    assert effect.p_value == pytest.approx(4 / 15)
    assert effect.ci_low < 0 < effect.ci_high  # 2 units and 4 cannot exclude chance
    assert (effect.n_target, effect.n_comparison) == (2, 4)


def test_one_target_is_each_unit_in_turn():
    # target 10 among 0, 0, 5, 15 → DiD = 10 − 5 = 5; units ≥ 10: 10, 15 → 2/5; ≤ 10: 4/5;
    # p = 2·min = 0.8. se from the others' spread: √(50·(1 + 1/4)) = √62.5.
    effect = unit_did([10], [0, 0, 5, 15])
    assert effect.did == pytest.approx(5)
    assert effect.p_value == pytest.approx(0.8)
    assert effect.se == pytest.approx(math.sqrt(62.5))


def test_every_unit_changing_alike_is_no_effect():
    effect = unit_did([3, 3], [3, 3, 3])
    assert (effect.did, effect.se, effect.p_value) == (0, 0, 1.0)


def test_too_few_units_say_nothing():
    assert unit_did([], [1, 2, 3]) is None
    assert unit_did([1, 2], [3]) is None
    assert unit_did([np.nan], [1, 2]) is None  # a unit without a value is not a unit


def test_a_clear_effect_on_many_units_is_significant():
    # 10 targets each +12, 30 others spread −2..+2: every split but the true one is far smaller
    targets = [12.0] * 10
    others = [-2, -1, 0, 1, 2] * 6
    effect = unit_did(targets, others)
    assert effect.did == pytest.approx(12)
    assert effect.p_value < 0.001
    assert effect.ci_low > 10


def test_the_randomization_p_value_is_scipys_permutation_test_to_the_last_bit():
    # The test is computed as one array operation; its splits, the order of units within a
    # split, the tie tolerance and the random draws are scipy's, so the p-values are equal
    # (not approximately): exact enumeration (C(7, 3) = 35 splits), ties (changes that repeat,
    # as small schools' shares do) and the random splits (C(40, 8) splits > 999 drawn).
    from scipy import stats

    def scipy_p(t, c, resamples):
        result = stats.permutation_test(
            (t, c),
            lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
            permutation_type="independent",
            vectorized=True,
            n_resamples=resamples,
            alternative="two-sided",
            rng=np.random.default_rng(SEED),
        )
        return float(min(1.0, result.pvalue))

    rng = np.random.default_rng(3)
    cases = [
        (np.array([10.0, 20.0, 5.0]), np.array([0.0, 0.0, 5.0, 15.0])),
        (np.array([100 / 3, 100 / 7, 100 / 3]), np.array([100 / 7, 0.0, 100 / 3, 100 / 7, 0.0])),
        (rng.normal(2, 5, 8), rng.normal(0, 5, 32)),
        (np.round(rng.normal(1, 3, 12), 1), np.round(rng.normal(0, 3, 90), 1)),
    ]
    for t, c in cases:
        for resamples in (999, 9_999):
            assert unit_did(t, c, resamples=resamples).p_value == scipy_p(t, c, resamples)


def _panel(values: dict[str, dict[int, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"unit_id": u, "year": y, "value": v}
            for u, by_year in values.items()
            for y, v in by_year.items()
        ]
    )


def test_effect_between_uses_only_units_with_both_years():
    panel = _panel(
        {
            "A": {2020: 10, 2022: 30},  # target, +20
            "B": {2020: 20, 2022: 30},  # target, +10
            "C": {2020: 50, 2022: 50},  # 0
            "D": {2020: 40, 2022: 44},  # +4
            "E": {2020: 40, 2022: 42},  # +2
            "F": {2022: 99},  # opened in 2022: not compared
        }
    )
    effect = effect_between(panel, {"A", "B"}, 2020, 2022)
    # targets mean +15, others (C, D, E) mean +2 → 13
    assert effect.did == pytest.approx(13)
    assert (effect.n_target, effect.n_comparison) == (2, 3)
    assert effect_between(panel, {"A"}, 2019, 2022) is None  # no 2019 at all


def test_event_study_lays_out_the_years_around_the_measure():
    panel = _panel(
        {
            "A": {2019: 10, 2020: 12, 2021: 20, 2022: 30},
            "B": {2019: 20, 2020: 22, 2021: 24, 2022: 26},
            "C": {2020: 40, 2021: 41, 2022: 42},
        }
    )
    study = event_study(panel, {"A"}, 2021)
    # t−2 = 2019 … t+1 = 2022; t+2 = 2023 is not in the data
    assert study["offset"].tolist() == [-2, -1, 0, 1]
    row = study.set_index("offset").loc[-1]
    assert row["target_mean"] == 12 and row["comparison_mean"] == pytest.approx(31)  # (22+40)/2
    assert row["gap"] == pytest.approx(-19)
    assert study.set_index("offset").loc[-2, "n_comparison"] == 1  # C has no 2019


def test_funnel_limits_narrow_with_size():
    # city 50 %: n = 100 → ±1.96·√(0.25/100) = ±9.8 p. p.; n = 25 → ±19.6; n = 0 → no band
    low, high = funnel_limits(50.0, np.array([100, 25, 0]), 1.96)
    assert low[:2] == pytest.approx([40.2, 30.4])
    assert high[:2] == pytest.approx([59.8, 69.6])
    assert np.isnan(low[2]) and np.isnan(high[2])
    low, high = funnel_limits(99.0, np.array([4]), 3.0)  # clipped to 0–100
    assert high[0] == 100


def _changes(rng: np.random.Generator, schools: int, shock_pp: float) -> np.ndarray:
    """Each school's change of share between two years: a school-wide shock in each year (the
    whole staff moves together) and its people drawn binomially around it."""
    size = rng.integers(10, 60, schools)
    level = rng.normal(40, 10, schools)
    shares = [
        rng.binomial(size, np.clip(level + rng.normal(0, shock_pp, schools), 1, 99) / 100)
        / size
        * 100
        for _ in range(2)
    ]
    return shares[1] - shares[0]


RUNS = 300
RESAMPLES = 999  # enough for a 5 % decision; keeps the simulation quick


@pytest.mark.parametrize("shock_pp", [5.0, 12.0])
def test_inert_measures_on_schools_that_move_together_are_rarely_called_effective(shock_pp):
    # The verdict's rule: an improvement of at least 5 p. p. AND p < 0.05. On a city whose
    # schools vary together, an inert measure on 5 random schools must pass it at most about
    # 5 % of the time (one-sided improvement: ~2.5 % expected). 300 cities, fixed seed.
    rng = np.random.default_rng(7)
    calls = 0
    for _ in range(RUNS):
        change = _changes(rng, 60, shock_pp)
        targeted = np.zeros(60, dtype=bool)
        targeted[rng.choice(60, 5, replace=False)] = True
        effect = unit_did(change[targeted], change[~targeted], resamples=RESAMPLES)
        calls += effect.did >= 5 and effect.significant()
    assert calls / RUNS <= 0.05 + 2 * math.sqrt(0.05 * 0.95 / RUNS)


def test_a_real_effect_of_twelve_points_on_a_few_schools_is_found_as_a_randomization_test_finds_it():
    # +12 p. p. on 8 of 60 schools with moderate school shocks. A plain school-level
    # randomization test (p < 0.05) finds it in roughly half the cities; the verdict's rule
    # (also needing ≥ 5 p. p.) must find it about as often.
    rng = np.random.default_rng(11)
    verdicts = tests = 0
    for _ in range(RUNS // 3):
        change = _changes(rng, 60, 5.0)
        targeted = np.zeros(60, dtype=bool)
        targeted[rng.choice(60, 8, replace=False)] = True
        change[targeted] += 12
        effect = unit_did(change[targeted], change[~targeted], resamples=RESAMPLES)
        tests += effect.significant()
        verdicts += effect.did >= 5 and effect.significant()
    assert tests >= RUNS // 3 * 0.4
    assert verdicts >= 0.9 * tests
