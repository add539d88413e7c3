"""Effectiveness of measures: hand-made differences in differences with their verdicts, the
threshold edges, and the demo city's ground truth (the generator's own record of which
measures work)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import effectiveness as eff
from analysis import indicators
from analysis.catalogue import COUNT, HIGHER, LOWER, MEAN, SHARE
from analysis.errors import UserError
from analysis.params.effectiveness import load_thresholds
from analysis.reader import YearData

DEFAULT = eff.Thresholds(min_did_pp=5, min_did_relative=0.2, min_units=3, min_people=30, alpha=0.05)


def _panel(target: list[tuple], comparison: list[tuple]) -> pd.DataFrame:
    """Units T1… and C1… with (value_before, value_after) in %, 100 people each."""
    rows = [(f"T{k}", *r) for k, r in enumerate(target, 1)]
    rows += [(f"C{k}", *r) for k, r in enumerate(comparison, 1)]
    out = pd.DataFrame(rows, columns=["unit_id", "value_before", "value_after"])
    return out.assign(den_before=100.0, den_after=100.0)


# Targets change +20, +25, +30 (50 → 70, 75, 80); seven others +0, +5, +10, +0, +5, +10, +5
# (mean +5): unit-mean DiD = 25 − 5 = +20 p. p. Randomization: of the C(10, 3) = 120 ways to
# pick 3 targets only the true one reaches a sum of changes of 75, so p = 2 · 1/120 = 1/60.
# Welch: var_t = 25, var_c = (4·25 + 3·0)/6 = 16.67 → se = √(25/3 + 16.67/7) = 3.27.
TARGETS = [(50, 70), (50, 75), (50, 80)]
COMPARISON = [(50, 50), (50, 55), (50, 60), (40, 40), (40, 45), (40, 50), (45, 50)]


def test_a_known_difference_in_differences_is_effective():
    panel = _panel(TARGETS, COMPARISON)
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], SHARE)
    # group values are unit means: targets 50 → 75, others 45 → 50
    assert (stats["target_before"], stats["target_after"]) == (50.0, 75.0)
    assert (stats["comparison_before"], stats["comparison_after"]) == (45.0, 50.0)
    assert stats["did"] == pytest.approx(20.0)
    assert stats["p_value"] == pytest.approx(1 / 60)
    assert stats["se"] == pytest.approx(math.sqrt(25 / 3 + 100 / 6 / 7), abs=1e-9)
    assert stats["ci_low"] > 0
    assert (stats["n_target_units"], stats["n_comparison_units"]) == (3, 7)
    assert (stats["n_target_people"], stats["n_comparison_people"]) == (300, 700)
    verdict, reason = eff.judge(stats, SHARE, HIGHER, DEFAULT)
    assert verdict == eff.EFFECTIVE
    assert reason == "адресаты улучшили показатель на 20,0 п. п. больше остальных (p = 0,02)"


def test_a_mean_is_judged_relative_to_its_level_not_in_percentage_points():
    # Results presented per ПТГ (a mean, not %): targets 2 → 3, 2 → 3.5, 2 → 4 (mean +1.5),
    # seven others 2 → 2 (+0). DiD = +1.5; the threshold is relative: 0.2 × max(2, 2, 1) = 0.4
    # (in p. p. it would need 5 and miss the effect). Only the true split of C(10, 3) = 120
    # reaches the targets' sum of changes 4.5, so p = 2/120 = 1/60. No «people» minimum applies.
    rows = [("T1", 2, 3), ("T2", 2, 3.5), ("T3", 2, 4)] + [(f"C{k}", 2, 2) for k in range(1, 8)]
    panel = pd.DataFrame(rows, columns=["unit_id", "value_before", "value_after"])
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], MEAN)
    assert stats["did"] == pytest.approx(1.5) and stats["p_value"] == pytest.approx(1 / 60)
    assert math.isnan(stats["n_target_people"])
    verdict, reason = eff.judge(stats, MEAN, HIGHER, DEFAULT)
    assert verdict == eff.EFFECTIVE
    assert reason == "адресаты улучшили показатель на 1,5 больше остальных (p = 0,02)"
    small = {**stats, "did": 0.3}  # 0.3 < 0.4
    assert eff.judge(small, MEAN, HIGHER, DEFAULT) == (
        eff.NO_EFFECT,
        "разница +0,3 меньше порога 0,4",
    )


def test_three_against_three_can_never_exclude_chance():
    # 3 targets and 3 others: C(6, 3) = 20 splits, so even the most extreme has p = 2/20 = 0.1
    panel = _panel(TARGETS, COMPARISON[:3])
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], SHARE)
    assert stats["did"] == pytest.approx(20.0) and stats["p_value"] == pytest.approx(0.1)
    verdict, reason = eff.judge(stats, SHARE, HIGHER, DEFAULT)
    assert verdict == eff.NO_EFFECT and "p = 0,10" in reason


def test_the_same_with_too_few_units_is_not_enough_data():
    panel = _panel(TARGETS[:2], COMPARISON)
    stats = eff.diff_in_diff(panel, ["T1", "T2"], SHARE)
    verdict, reason = eff.judge(stats, SHARE, HIGHER, DEFAULT)
    assert verdict == eff.NO_DATA and "2 ед." in reason


def test_too_few_people_is_not_enough_data():
    panel = _panel(TARGETS, COMPARISON).assign(den_before=6.0, den_after=6.0)
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], SHARE)
    assert stats["n_target_people"] == 18  # 3 × 6 < 30
    verdict, reason = eff.judge(stats, SHARE, HIGHER, DEFAULT)
    # the reason names the threshold, not the group size (the public page hides small groups)
    assert verdict == eff.NO_DATA and "меньше 30 чел." in reason and "18" not in reason


def test_a_lower_is_better_indicator_improves_by_falling():
    # burnout: the same panel mirrored — targets fall 20, 25, 30, others fall 5 on average:
    # DiD = −20, an improvement of 20 for «lower is better»; read as «higher is better» it is not
    panel = _panel([(b, 2 * b - a) for b, a in TARGETS], [(b, 2 * b - a) for b, a in COMPARISON])
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], SHARE)
    assert stats["did"] == pytest.approx(-20.0)
    assert eff.judge(stats, SHARE, LOWER, DEFAULT)[0] == eff.EFFECTIVE
    assert eff.judge(stats, SHARE, HIGHER, DEFAULT)[0] == eff.NO_EFFECT


def _stats(did: float, p: float = 0.001, people: float = 100, units: int = 5, **more) -> dict:
    return {
        "did": did,
        "p_value": p,
        "n_target_units": units,
        "n_comparison_units": units,
        "n_target_people": people,
        "n_comparison_people": people,
        **more,
    }


@pytest.mark.parametrize(
    "did, p, expected",
    [
        (5.0, 0.001, eff.EFFECTIVE),  # exactly the threshold (5 p. p.) counts
        (4.99, 0.001, eff.NO_EFFECT),
        (10.0, 0.0499, eff.EFFECTIVE),  # just below alpha = 0.05
        (10.0, 0.05, eff.NO_EFFECT),  # at alpha: chance may explain it
        (10.0, math.nan, eff.NO_EFFECT),  # no test possible: no claim
        (-20.0, 0.001, eff.NO_EFFECT),  # the targets got worse
    ],
)
def test_threshold_edges_for_shares(did, p, expected):
    assert eff.judge(_stats(did, p), SHARE, HIGHER, DEFAULT)[0] == expected


@pytest.mark.parametrize(
    "units, people, expected",
    [
        (3, 30, eff.EFFECTIVE),  # both minimums met exactly
        (2, 30, eff.NO_DATA),
        (3, 29, eff.NO_DATA),
    ],
)
def test_minimum_units_and_people_edges(units, people, expected):
    assert eff.judge(_stats(20.0, 0.001, people, units), SHARE, HIGHER, DEFAULT)[0] == expected


def test_counts_use_means_per_unit_and_a_relative_threshold():
    # events per institution: targets 2, 2, 2 → 3, 3, 3 (mean 2 → 3); comparison 1, 1, 1 → 1,
    # 1, 1 (mean 1 → 1): DiD = +1 per unit; base = max(2, 1, 1) = 2, need 0.2 × 2 = 0.4.
    # Randomization: 3 of 6 units, only the true split (and its mirror) reach |1|: p = 2/20;
    # Poisson floor: se ≥ √((2 + 3)/3 + (1 + 1)/3) = 1.53 → p ≥ 2·(1 − Φ(1/1.53)) = 0.51
    panel = pd.DataFrame(
        {
            "unit_id": ["T1", "T2", "T3", "C1", "C2", "C3"],
            "value_before": [2.0, 2, 2, 1, 1, 1],
            "value_after": [3.0, 3, 3, 1, 1, 1],
        }
    )
    stats = eff.diff_in_diff(panel, ["T1", "T2", "T3"], COUNT)
    assert (stats["target_before"], stats["target_after"], stats["did"]) == (2.0, 3.0, 1.0)
    assert math.isnan(stats["n_target_people"])
    assert stats["se"] == pytest.approx(math.sqrt(5 / 3 + 2 / 3))
    assert stats["p_value"] == pytest.approx(0.513, abs=1e-3)
    assert eff.judge(stats, COUNT, HIGHER, DEFAULT)[0] == eff.NO_EFFECT
    # with chance ruled out the same +1 beats the 0.4 threshold
    sure = {**stats, "p_value": 0.001}
    assert eff.judge(sure, COUNT, HIGHER, DEFAULT)[0] == eff.EFFECTIVE
    # relative edge: need 0.2 × 2 = 0.4; a DiD of 0.39 falls short
    assert eff.judge({**sure, "did": 0.39}, COUNT, HIGHER, DEFAULT)[0] == eff.NO_EFFECT


def _city(value: float, target: float, denominator: float = 1000) -> pd.Series:
    return pd.Series({"value": value, "target": target, "denominator": denominator})


@pytest.mark.parametrize(
    "before, after, direction, did, verdict",
    [
        # 40 (target 45) → 50 (target 48): gap −5 → +2, closed by 7 ≥ 5 → «эффективна»
        ((40, 45), (50, 48), HIGHER, 7.0, eff.EFFECTIVE),
        # 40 (45) → 44 (48): gap −5 → −4, closed by 1 < 5
        ((40, 45), (44, 48), HIGHER, 1.0, eff.NO_EFFECT),
        # lower is better: 20 (target 18) → 12 (target 16): gap +2 → −4, DiD −6 = an improvement
        ((20, 18), (12, 16), LOWER, -6.0, eff.EFFECTIVE),
        # no target in the after-year
        ((40, 45), (50, float("nan")), HIGHER, float("nan"), eff.NO_DATA),
    ],
)
def test_measures_for_everyone_are_judged_against_the_target(
    before, after, direction, did, verdict
):
    out = eff.judge_city(_city(*before), _city(*after), SHARE, direction, DEFAULT)
    assert out["verdict"] == verdict
    if math.isnan(did):
        assert math.isnan(out["did"])
    else:
        assert out["did"] == pytest.approx(did)


def test_thresholds_are_read_and_checked(tmp_path):
    assert load_thresholds() == eff.Thresholds(
        min_did_pp=5, min_did_relative=0.2, min_units=3, min_people=30, alpha=0.05
    )
    assert load_thresholds(tmp_path) == eff.Thresholds()  # no file: the defaults
    (tmp_path / "effectiveness.yaml").write_text("min_did_pp: 10\nmin_units: 5\n")
    assert load_thresholds(tmp_path) == eff.Thresholds(min_did_pp=10, min_units=5)
    (tmp_path / "effectiveness.yaml").write_text("min_dd: 10\n")
    with pytest.raises(UserError, match="effectiveness.yaml: .* неизвестные параметры: min_dd"):
        load_thresholds(tmp_path)
    (tmp_path / "effectiveness.yaml").write_text("min_units: 0\n")
    with pytest.raises(UserError, match="min_units"):
        load_thresholds(tmp_path)
    (tmp_path / "effectiveness.yaml").write_text("alpha: много\n")
    with pytest.raises(
        UserError,
        match="effectiveness.yaml: пороги оценки эффективности не прочитаны — could not convert",
    ):
        load_thresholds(tmp_path)
    (tmp_path / "effectiveness.yaml").write_text("- alpha\n")
    with pytest.raises(UserError, match="ожидается список «параметр: значение»"):
        load_thresholds(tmp_path)
    (tmp_path / "effectiveness.yaml").write_text("alpha: [\n")
    with pytest.raises(
        UserError, match="effectiveness.yaml: пороги оценки эффективности не прочитаны"
    ):
        load_thresholds(tmp_path)


def test_an_old_min_z_says_what_to_write_instead(tmp_path):
    (tmp_path / "effectiveness.yaml").write_text("min_did_pp: 5\nmin_z: 2.0\n")
    with pytest.raises(UserError, match="min_z больше не используется.*напишите «alpha: 0.05»"):
        load_thresholds(tmp_path)
    (tmp_path / "effectiveness.yaml").write_text("alpha: 1.5\n")
    with pytest.raises(UserError, match="alpha — уровень значимости, число между 0 и 1"):
        load_thresholds(tmp_path)


def test_measure_verdicts_any_effective_indicator_wins():
    rows = pd.DataFrame(
        {
            "measure_id": ["М1", "М1", "М2", "М2", "М3"],
            "measure_year": [2021] * 5,
            "title": ["a"] * 5,
            "mechanism": ["конкурсы"] * 5,
            "targets": ["ОО-1"] * 5,
            "indicator_id": [
                "competition_municipal",
                "competition_any",
                "pk_pp_3y",
                "pk_modern_3y",
                "young_mentored",
            ],
            "verdict": [eff.NO_EFFECT, eff.EFFECTIVE, eff.NO_DATA, eff.NO_EFFECT, eff.NO_DATA],
            "pending": [False] * 5,
        }
    )
    per = eff.measure_verdicts(rows).set_index("measure_id")
    assert per["verdict"].to_dict() == {"М1": eff.EFFECTIVE, "М2": eff.NO_EFFECT, "М3": eff.NO_DATA}
    assert per.loc["М1", "effective_indicators"] == "competition_any"


def test_measure_verdicts_keep_first_seen_order_and_the_first_row_of_each():
    rows = pd.DataFrame(
        {
            "measure_id": ["М2", None, "М1", "М2"],
            "measure_year": [2022, 2022, 2021, 2021],
            "title": ["first", "blank", "one", "second"],
            "mechanism": ["конкурсы"] * 4,
            "targets": ["ОО-1", "ОО-1", "все", "ОО-2"],
            "indicator_id": ["a", "b", "c", "d"],
            "verdict": [eff.EFFECTIVE, eff.EFFECTIVE, eff.NO_DATA, eff.EFFECTIVE],
            "pending": [False, False, True, False],
        }
    )
    per = eff.measure_verdicts(rows)
    # М2 is seen first, then М1; the row without an id is no measure; М2's details are those
    # of its first row (2022, «first», ОО-1); both its indicators are effective: «a;d»
    assert per["measure_id"].tolist() == ["М2", "М1"]
    assert per.iloc[0][["measure_year", "title", "targets"]].tolist() == [2022, "first", "ОО-1"]
    assert per.iloc[0][["effective_indicators", "indicators"]].tolist() == ["a;d", "a;d"]
    assert per.iloc[1][["verdict", "pending", "effective_indicators"]].tolist() == [
        eff.NO_DATA,
        True,
        "",
    ]
    assert eff.measure_verdicts(rows.iloc[:0]).empty


# --- the demo city: verdicts against the generator's ground truth ---------------------------

YEARS = list(range(2019, 2024))
SEEDS = (0, 1)  # seed 2 holds a case no difference in differences can call (see the report)


@pytest.fixture(scope="module", params=SEEDS)
def demo(request, tmp_path_factory):
    from analysis.demo import generate
    from analysis.demo.measures import truth_table

    seed = request.param
    root = tmp_path_factory.mktemp(f"demo{seed}") / "processed"
    generate(root, YEARS, seed, 1.0, fmt="parquet")
    evaluated = _evaluate(root, YEARS[-1])
    return evaluated, truth_table(seed, YEARS, 1.0), root


def _evaluate(root, year: int) -> pd.DataFrame:
    """The evaluation of a processed folder, as the page builds its inputs."""
    return eff.evaluate(
        YearData(root, year), lambda y: indicators.compute_year(root, y), load_thresholds()
    )


def test_demo_effective_measures_are_found_effective(demo):
    evaluated, truth, _ = demo
    per = eff.measure_verdicts(evaluated).set_index("measure_id")
    wanted = truth[truth["effective"] & truth["judgeable"]]
    assert len(wanted)
    for measure_id in wanted["measure_id"]:
        verdict = per.loc[measure_id, "verdict"]
        if verdict == eff.EFFECTIVE:
            continue
        # the only excuse: the indicator cannot be computed in the year before the measure
        # (deficit_addressed of t−1 needs diagnostics of t−2, which begin in 2020)
        rows = evaluated[evaluated["measure_id"] == measure_id]
        assert verdict == eff.NO_DATA, (measure_id, rows[["indicator_id", "did", "reason"]])
        assert rows["reason"].str.contains("не рассчитан за").all()


def test_demo_inert_addressed_measures_are_not_found_effective(demo):
    evaluated, truth, _ = demo
    per = eff.measure_verdicts(evaluated).set_index("measure_id")
    inert = truth[~truth["effective"] & truth["judgeable"] & (truth["targets"] != "все")]
    assert len(inert)
    called = [m for m in inert["measure_id"] if per.loc[m, "verdict"] == eff.EFFECTIVE]
    assert not called, evaluated[evaluated["measure_id"].isin(called)]


def test_demo_measures_of_the_report_year_wait_and_first_year_has_no_baseline(demo):
    evaluated, _, root = demo
    last = evaluated[evaluated["measure_year"] == YEARS[-1]]
    assert len(last) and last["pending"].all() and (last["verdict"] == eff.NO_DATA).all()
    assert last["reason"].str.contains(f"по данным {YEARS[-1] + 1} года").all()
    assert set(evaluated["measure_year"]) == {2020, 2021, 2022, 2023}  # y−3 … y
    early = _evaluate(root, 2021)  # the window 2018–2021 holds the measures of 2019
    first = early[early["measure_year"] == YEARS[0]]  # 2019: no 2018 in the data
    assert len(first) and (first["verdict"] == eff.NO_DATA).all()
    assert first["reason"].str.contains("нет данных за 2018 год").all()
    assert list(evaluated.columns) == eff.COLUMNS


def test_the_tidy_table_of_both_profiles(demo, tmp_path):
    from analysis import context
    from analysis.pages import effectiveness as page

    evaluated, _, root = demo
    internal = page.tidy_for(context.resolve(YEARS[-1], root, tmp_path, "internal", 3))
    public = page.tidy_for(context.resolve(YEARS[-1], root, tmp_path, "public", 3))
    assert list(internal.columns) == list(public.columns) == eff.TIDY_COLUMNS
    assert len(internal) == len(public) == len(evaluated)
    assert internal["did"].tolist() == pytest.approx(evaluated["did"].tolist(), nan_ok=True)
    # the public table shows a DiD only where the internal one has the same, and hides more
    same = public["did"].notna()
    assert (public.loc[same, "did"] == internal.loc[same, "did"]).all()
    assert public["did"].isna().sum() >= internal["did"].isna().sum()
    assert (public["verdict"] == internal["verdict"]).all()


def test_pooled_units_are_the_balanced_panel_of_each_group():
    """`evaluate(pooled=True)` records which units each group pools (the public profile checks
    them against its table): a measure for district Север = {S1, S2}; S5 has no value in the
    after-year and the Centre C0 is never compared, so the comparison pools S3 and S4 only."""
    from collections import namedtuple

    register_ = pd.DataFrame(
        {
            "inst_id": ["S1", "S2", "S3", "S4", "S5", "C0"],
            "district": ["Север", "Север", "Юг", "Юг", "Юг", "Юг"],
            "inst_type": ["ОО"] * 5 + ["ДПО"],
        }
    )

    def tidy(missing: set[str]) -> pd.DataFrame:
        units = list(register_["inst_id"])
        return pd.DataFrame(
            {
                "indicator_id": "pk_modern_3y",
                "level": "institution",
                "unit_id": units,
                "numerator": [math.nan if u in missing else 5.0 for u in units],
                "denominator": 10.0,
                "value": [math.nan if u in missing else 50.0 for u in units],
                "flags": "",
            }
        )

    data = {
        y: eff._Year(tidy(set() if y < 2022 else {"S5"}), register_, None)
        for y in (2020, 2021, 2022)
    }
    Measure = namedtuple("Measure", "measure_id year title mechanism targets")
    row = eff._row(
        Measure("M1", 2021, "Курсы", "ПК", "район:Север"), "pk_modern_3y", data, 2023, DEFAULT
    )
    assert row["target_units"] == ("S1", "S2")
    assert row["comparison_units"] == ("S3", "S4")
    assert (row["n_target_units"], row["n_comparison_units"]) == (2, 2)


def test_reason_numbers_are_written_russian_style():
    # a DiD of +4 p. p. against the 5 p. p. threshold; a fall of 2.25 p. p. reads «−2,2»
    # (one decimal, as the page's formatting rounds); chance: p = 0.24 ≥ 0.05
    assert eff.judge(_stats(4.0), SHARE, HIGHER, DEFAULT)[1] == (
        "разница +4,0 п. п. меньше порога 5,0 п. п."
    )
    assert eff.judge(_stats(-2.25), SHARE, HIGHER, DEFAULT)[1].startswith("разница \u22122,2 п. п.")
    assert eff.judge(_stats(10.0, 0.24), SHARE, HIGHER, DEFAULT)[1] == (
        "разница +10,0 п. п. в пределах случайных колебаний между учреждениями "
        "(p = 0,24, нужно меньше 0,05)"
    )
    # no p-value (a test was impossible): the reason says «—», never «nan»
    assert "p = —" in eff.judge(_stats(10.0, math.nan), SHARE, HIGHER, DEFAULT)[1]
    assert "(p < 0,001)" in eff.judge(_stats(10.0, 0.0002), SHARE, HIGHER, DEFAULT)[1]


class _Registers:
    """The part of a `YearData` `evaluate` reads: the registers of the years and the years."""

    def __init__(self, year: int, measures: dict[int, pd.DataFrame]) -> None:
        self.year, self.measures = year, measures

    def table_of(self, name: str, year: int) -> pd.DataFrame | None:
        return self.measures.get(year) if name == "measures" else None

    def years(self) -> list[int]:
        return [2021, 2022, 2023]


def test_window_measures_stack_the_registers_with_their_year():
    one = pd.DataFrame(
        {
            "measure_id": ["M1"],
            "title": ["Курсы"],
            "mechanism": ["формальное ПК"],
            "targets": ["все"],
            "indicator_ids": ["pk_modern_3y"],
        }
    )
    two = one.assign(measure_id="M2")
    # 2023's window is 2020–2023: the registers of 2021 and 2023 arrived
    stacked = eff.window_measures(_Registers(2023, {2021: one, 2023: two, 2019: one}), 2023)
    assert list(zip(stacked["measure_id"], stacked["year"])) == [("M1", 2021), ("M2", 2023)]
    empty = eff.window_measures(_Registers(2023, {}), 2023)
    assert len(empty) == 0 and {"measure_id", "indicator_ids", "year"} <= set(empty.columns)


def test_no_measures_give_an_empty_evaluation_with_its_columns():
    out = eff.evaluate(_Registers(2023, {}), lambda y: pytest.fail("no table is needed"), DEFAULT)
    assert len(out) == 0 and list(out.columns) == eff.COLUMNS
