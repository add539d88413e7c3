"""Problem analysis (`analysis.problems`) on hand-made tidy tables of the real catalogue.

Default thresholds (params/book.yaml defaults of BookSettings): worsening 3 p. p., lagging 5 p. p.,
min people 5, robust z 3.5; weights: kind below_target/worsening/lagging 1, outlier 0.5; level
city 3, district/inst_type/school_group 2, institution/association 1; a share over n people is
shrunk by n / (n + 5): 20 people → 0,8; 100 → 100/105.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import problems
from analysis.pages import analysis as page
from analysis.settings import BookSettings

S = BookSettings()
Y = 2023


def r(ind, level, unit_id, value, den=20.0, target=None, year=Y, flags="", unit="%"):
    num = None if value is None or den is None else value * den / 100
    return {
        "year": year,
        "indicator_id": ind,
        "level": level,
        "unit_id": unit_id,
        "numerator": num,
        "denominator": den,
        "value": np.nan if value is None else value,
        "unit": unit,
        "target": np.nan if target is None else target,
        "meets_target": None,
        "flags": flags,
    }


def tidy(*rows):
    return pd.DataFrame(list(rows))


def find(history, **kw):
    """Without the funnel unless asked (`funnel_z`): these cases test the thresholds."""
    kw.setdefault("funnel_z", None)
    return problems.find_problems(history, Y, settings=kw.pop("settings", S), **kw)


def worded(found):
    """The problems with the sentence page 04 writes for each (`pages.analysis.with_texts`)."""
    return page.with_texts(found, Y)


def test_below_target_fires_below_and_not_at_the_target():
    history = tidy(
        r("pk_modern_3y", "city", "city", 85.0, den=100, target=85),  # exactly at target: fine
        r("pk_modern_3y", "institution", "A", 80.0, den=20, target=85),  # 5 p. p. short
        r("burnout_high", "institution", "A", 17.0, target=17),  # lower is better: at target
        r("burnout_high", "institution", "B", 20.0, target=17),  # 3 p. p. above a «≤ 17» target
        r("category_high", "institution", "C", 10.0),  # no target: not a below-target problem
    )
    found = find(history)
    assert list(found["kind"]) == ["below_target", "below_target"]
    assert list(zip(found["unit_id"], found["indicator_id"])) == [
        ("A", "pk_modern_3y"),
        ("B", "burnout_high"),
    ]
    # severity = 1 (kind) × 1 (institution) × gap × 20/25: 5 × 0,8 = 4 and 3 × 0,8 = 2,4
    assert list(found["gap"]) == pytest.approx([5.0, 3.0])
    assert list(found["severity"]) == pytest.approx([4.0, 2.4])
    assert worded(found)["text"].iloc[0] == (
        "A: доля педагогических и руководящих работников, прошедших ПК по программам, "
        "отвечающим современным квалификационным требованиям (за 3 года) — 80,0\u00a0% при "
        "цели 85,0\u00a0% (не хватает 5,0\u00a0п.\u00a0п.)."
    )


def test_below_target_skips_understated_windows_and_small_units_rank_lower():
    history = tidy(
        r("pk_modern_3y", "institution", "A", 50.0, target=85, flags="incomplete_window"),
        r("pk_modern_3y", "institution", "B", 0.0, den=2, target=85),  # 2 people → × 2/7
    )
    found = find(history)
    assert list(found["unit_id"]) == ["B"]
    assert found["severity"].iloc[0] == pytest.approx(85 * 2 / 7)  # 24,3


def test_worsening_fires_at_exactly_the_threshold():
    history = tidy(
        r("experience_under_10", "institution", "A", 70.0, year=2021),
        r("experience_under_10", "institution", "A", 67.0),  # −3.0 p. p. = threshold → worse
        r("experience_under_10", "institution", "B", 70.0, year=2021),
        r("experience_under_10", "institution", "B", 67.5),  # −2.5 p. p. → not
        r("burnout_high", "institution", "C", 10.0, year=2021, target=20),
        r("burnout_high", "institution", "C", 12.0, year=2022, target=18),
        r("burnout_high", "institution", "C", 13.0, target=17),  # +3 from 2021, lower is better
        r("experience_under_10", "institution", "D", 90.0, den=4, year=2021),
        r("experience_under_10", "institution", "D", 67.2, den=4),  # 4 people: not judged
    )
    found = find(history)
    assert list(found["kind"]) == ["worsening", "worsening"]
    assert list(found["unit_id"]) == ["A", "C"]  # equal severity 3: catalogue order decides
    assert list(found["trend"]) == pytest.approx([-3.0, 3.0])
    assert list(found["year_from"]) == [2021, 2021]
    assert (
        "70,0\u00a0% в 2021 году и 67,0\u00a0% в 2023 году (−3,0\u00a0п.\u00a0п., "
        "ухудшение)" in worded(found)["text"].iloc[0]
    )


def test_worsening_threshold_comes_from_settings():
    history = tidy(
        r("experience_under_10", "city", "city", 70.0, den=100, year=2021),
        r("experience_under_10", "city", "city", 67.0, den=100),
    )
    assert len(find(history, settings=BookSettings(worsening_pp=3.5))) == 0
    found = find(history)
    assert found["severity"].iloc[0] == pytest.approx(3 * 3.0 * 100 / 105)  # city 3 × 3 p. p.


def test_outliers_only_on_the_bad_side():
    # category_high at 8 institutions: median (54 + 56) / 2 = 55; deviations 5 3 1 1 3 5 45 45
    # → MAD (3 + 5) / 2 = 4; z = 0.6745 · (±45) / 4 = ±7.6 > 3.5 for «10» and «100».
    values = {"A": 50, "B": 52, "C": 54, "D": 56, "E": 58, "F": 60, "LOW": 10, "HIGH": 100}
    history = tidy(*[r("category_high", "institution", k, float(v)) for k, v in values.items()])
    found = find(history)
    assert list(found["unit_id"]) == ["LOW"]  # a very high share is no problem
    row = worded(found).iloc[0]
    assert (row["kind"], row["reference"], row["gap"]) == ("outlier", 55.0, 45.0)
    assert row["severity"] == pytest.approx(0.5 * 45 * 0.8)  # outlier weight 0,5; 20 people
    assert "намного ниже типичного для учреждений города (медиана 55,0\u00a0%)" in row["text"]


def test_lagging_districts_at_the_threshold():
    history = tidy(
        r("informal_coverage", "city", "city", 45.0, den=300),
        r("informal_coverage", "district", "Северный", 40.0, den=100),  # 5 p. p. below → lags
        r("informal_coverage", "district", "Южный", 41.0, den=100),  # 4 p. p. → does not
        r("informal_coverage", "inst_type", "ДОО", 30.0, den=4),  # 4 people: not judged
    )
    found = find(history)
    assert list(found["unit_id"]) == ["Северный"]
    row = worded(found).iloc[0]
    assert (row["kind"], row["level"], row["unit_name"]) == (
        "lagging_group",
        "district",
        "Северный район",
    )
    assert row["severity"] == pytest.approx(2 * 5.0 * 100 / 105)  # district weight 2
    assert row["text"].endswith(
        "— 40,0\u00a0% против 45,0\u00a0% по городу (хуже на 5,0\u00a0п.\u00a0п.)."
    )


def test_shnor_schools_pooled_against_the_other_schools():
    inst = pd.DataFrame(
        {
            "inst_id": ["S1", "S2", "S3", "K1"],
            "name": ["Школа 1", "Школа 2", "Школа 3", "Сад 1"],
            "inst_type": ["ОО", "ОО", "ОО", "ДОО"],
            "district": ["Ю"] * 4,
            "low_results": [True, False, False, False],
            "unfavourable": [False, False, False, False],
        }
    )
    history = tidy(  # ШНОР 6 of 20 = 30 %; other schools (8 + 6) of (10 + 10) = 70 %
        r("category_high", "institution", "S1", 30.0, den=20),
        r("category_high", "institution", "S2", 80.0, den=10),
        r("category_high", "institution", "S3", 60.0, den=10),
        r("category_high", "institution", "K1", 10.0, den=10),  # not a school: not counted
    )
    found = find(history, institutions=inst)
    groups = found[found["kind"] == "lagging_group"]
    assert list(groups["unit_id"]) == ["ШНОР"]  # ШНСУ has no schools
    row = groups.iloc[0]
    assert (row["value"], row["reference"], row["gap"]) == pytest.approx((30.0, 70.0, 40.0))
    assert row["severity"] == pytest.approx(2 * 40.0 * 0.8)  # ШНОР pooled over 20 people
    assert row["unit_name"] == "Школы с низкими результатами (ШНОР)"


def test_ranked_by_severity_and_columns():
    history = tidy(
        r("pk_modern_3y", "city", "city", 80.0, den=100, target=85),  # 3 × 5 × 100/105 = 14,3
        r("pk_modern_3y", "institution", "A", 75.0, target=85),  # 1 × 10 × 0,8 = 8
        r("pk_modern_3y", "district", "Ю", 78.0, den=50, target=85),  # 2 × 7 × 50/55 = 12,7
    )
    found = find(history)
    assert list(found["level"]) == ["city", "district", "institution"]
    assert list(found["severity"]) == pytest.approx([15 * 100 / 105, 14 * 50 / 55, 8.0])
    assert list(found.columns[:10]) == [
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
    ]
    assert "text" not in found.columns  # the sentences are page 04's
    assert list(worded(found).columns[-1:]) == ["text"]


def test_count_gaps_are_scaled_by_the_target_and_pct_companions_judged_once():
    history = tidy(
        r("centre_events", "centre", "centre", 45.0, den=None, target=50, unit="ед."),
        r("centre_events_pct", "centre", "centre", 90.0, den=None, target=100),
        r("gpo_events", "association", "G1", 3.0, den=None, target=4, unit="ед."),
    )
    found = find(history)
    assert list(found["indicator_id"]) == ["centre_events_pct", "gpo_events"]
    # centre: 3 × 10 p. p. = 30; association: 1 × (1 of 4 = 25 %) = 25
    assert list(found["severity"]) == pytest.approx([30.0, 25.0])


def test_staff_shares_of_associations_are_not_judged():
    history = tidy(r("category_high", "association", "ШМП-1", 0.0, target=59))
    assert find(history).empty


def test_nothing_found_gives_an_empty_frame_with_the_columns():
    found = find(tidy(r("pk_modern_3y", "city", "city", 90.0, target=85)))
    assert found.empty and "severity" in found.columns


def test_public_reader_drops_problems_of_hidden_units():
    found = find(
        tidy(
            r("pk_modern_3y", "institution", "A", 50.0, target=85),
            r("pk_modern_3y", "institution", "B", 60.0, target=85),
        )
    )
    shown = tidy(
        r("pk_modern_3y", "institution", "A", None, flags="suppressed"),
        r("pk_modern_3y", "institution", "B", 60.0, target=85),
    )
    assert list(problems.for_reader(found, shown)["unit_id"]) == ["B"]


# --------------------------------------------------------------------------- chance and grouping


def test_a_small_school_one_person_short_is_within_chance():
    history = tidy(
        # n = 8, target 80: chance allows 80 ± 1,96·√(0,8·0,2/8) = 80 ± 27,7 → down to 52,3
        r("pk_modern_3y", "institution", "S8", 75.0, den=8, target=80),  # 6 of 8: within
        r("pk_modern_3y", "institution", "T8", 50.0, den=8, target=80),  # 4 of 8: beyond
        # n = 200: 80 ± 1,96·√(0,16/200) = 80 ± 5,5 → down to 74,5
        r("pk_modern_3y", "institution", "L1", 75.0, den=200, target=80),  # within
        r("pk_modern_3y", "institution", "L2", 74.0, den=200, target=80),  # beyond
        # the city is measured whole: 79 against 80 is a problem whatever its size
        r("pk_modern_3y", "city", "city", 79.0, den=300, target=80),
    )
    found = find(history, funnel_z=problems.FUNNEL_Z)
    assert sorted(found["unit_id"]) == ["L2", "T8", "city"]
    # without the funnel every gap counts (and T8 is an outlier too: 50 against a median of
    # 74,5; with the funnel it is not: 74,5 ± 1,96·√(0,745·0,255/8) reaches down to 44,3)
    assert (find(history)["kind"] == "below_target").sum() == 5
    assert (find(history)["kind"] == "outlier").sum() == 1


def test_the_funnel_looks_at_the_bad_side_of_lower_is_better():
    history = tidy(
        # burnout (lower is better), n = 50, target 10: 10 + 1,96·√(0,1·0,9/50) = 10 + 8,3
        r("burnout_high", "institution", "A", 20.0, den=50, target=10),  # 20 > 18,3: beyond
        r("burnout_high", "institution", "B", 16.0, den=50, target=10),  # within
    )
    assert list(find(history, funnel_z=problems.FUNNEL_Z)["unit_id"]) == ["A"]


def test_affected_people_and_one_item_per_unit():
    history = tidy(
        # A: 10 p. p. short of 85 among 20 → 2 people; category 50 vs 59 among 40 → 3,6
        r("pk_modern_3y", "institution", "A", 75.0, den=20, target=85),
        r("category_high", "institution", "A", 50.0, den=40, target=59),
        # B: 5 p. p. short among 80 → 4 people
        r("pk_modern_3y", "institution", "B", 80.0, den=80, target=85),
    )
    found = find(history)
    assert dict(zip(found["unit_id"] + found["indicator_id"], found["affected"])) == (
        pytest.approx({"Apk_modern_3y": 2.0, "Acategory_high": 3.6, "Bpk_modern_3y": 4.0})
    )
    items = problems.grouped(found)
    # A: 2 + 3,6 = 5,6 people before B's 4; A's indicators, the most people first
    assert items[["unit_id", "problems", "rank"]].values.tolist() == [["A", 2, 1], ["B", 1, 2]]
    assert items["affected"].tolist() == pytest.approx([5.6, 4.0])
    assert items["indicator_ids"].iloc[0] == ("category_high", "pk_modern_3y")
    assert items["kinds"].iloc[0] == ("below_target",)
    # problems.csv ranks single problems by people: B (4), then A (3,6), then A (2)
    assert problems.tidy(found)["unit"].tolist() == ["B", "A", "A"]


def test_a_count_gap_affects_its_missing_count():
    history = tidy(r("gpo_events", "association", "G1", 3.0, den=None, target=4, unit="ед."))
    assert find(history)["affected"].tolist() == [1.0]  # one event short


def test_the_public_reader_of_no_problems_keeps_the_columns():
    found = find(tidy(r("pk_modern_3y", "city", "city", 90.0, target=85)))
    shown = tidy(r("pk_modern_3y", "city", "city", 90.0, target=85))
    public = problems.for_reader(found, shown)
    assert public.empty and list(public.columns) == list(found.columns)
    assert list(problems.tidy(public).columns) == problems.TIDY_COLUMNS


def test_grouped_puts_a_units_problems_together_in_order():
    # rows as find_problems gives them; by people affected: A/i2 (50), B/i1 (40), A/i1 (30),
    # B/i2 (nan → 0), the row without a unit id (10) left out as groupby leaves it out.
    # A: 30 + 50 = 80 people, B: 40 → A first; A's indicators the most people first (i2, i1)
    found = pd.DataFrame(
        {
            "level": ["institution", "institution", "institution", "institution", "district"],
            "unit_id": ["A", "B", "A", "B", None],
            "unit_name": ["Школа А", "Школа Б", "Школа А", "Школа Б", "?"],
            "indicator_id": ["i1", "i1", "i2", "i2", "i1"],
            "kind": ["worsening", "below_target", "below_target", "outlier", "below_target"],
            "affected": [30.0, 40.0, 50.0, np.nan, 10.0],
        }
    )
    out = problems.grouped(found)
    assert out["unit_id"].tolist() == ["A", "B"]
    assert out["rank"].tolist() == [1, 2]
    assert out["problems"].tolist() == [2, 2]
    assert out["indicator_ids"].tolist() == [("i2", "i1"), ("i1", "i2")]
    assert out["kinds"].tolist() == [("below_target", "worsening"), ("below_target", "outlier")]
    assert out["affected"].tolist() == [80.0, 40.0]
