"""Stage 03 functions on hand-made tidy tables; expectations worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from monitoring_helpers import INST_TIDY, INSTITUTIONS, FakeIndicator, catalogue, row, tidy

from analysis import monitoring as m

PK = FakeIndicator("pk", "Доля педагогов с ПК", "%")
BURN = FakeIndicator("burn", "Доля педагогов с выгоранием", "%", direction="lower")
EVENTS = FakeIndicator("events", "Число мероприятий", "ед.", levels=("centre",))
CAT = catalogue(PK, BURN, EVENTS)


@pytest.mark.parametrize(
    ("value", "target", "direction", "unit", "expected"),
    [
        (85.0, 85.0, "higher", "%", "meets"),  # equal counts as met
        (82.0, 85.0, "higher", "%", "near"),  # 3 pp short, within 5
        (79.0, 85.0, "higher", "%", "below"),  # 6 pp short
        (12.0, 10.0, "lower", "%", "near"),  # 2 pp above a "lower" target
        (9.0, 10.0, "lower", "%", "meets"),
        (96.0, 100.0, "higher", "ед.", "near"),  # 4 short of 100 = 4 % of target ≤ 5 %
        (90.0, 100.0, "higher", "ед.", "below"),  # 10 % of target
        (None, 85.0, "higher", "%", "none"),
        (80.0, None, "higher", "%", "none"),
    ],
)
def test_band(value, target, direction, unit, expected):
    assert m.band(value, target, direction, unit, near_pp=5) == expected


SERIES = tidy(
    row(2021, "pk", "city", "city", 70, 100, 70.0, target=80),
    row(2022, "pk", "city", "city", 78, 100, 78.0, target=80),
    row(2023, "pk", "city", "city", 824, 1000, 82.4, target=85),
    row(2022, "burn", "city", "city", 12, 100, 12.0, target=10),
    row(2023, "burn", "city", "city", 9, 100, 9.0, target=10),
    row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед.", target=50),
)


def test_scorecard_values_bands_and_change():
    card = m.scorecard(SERIES, CAT, 2023, [2021, 2022, 2023], near_pp=5).set_index("indicator_id")
    assert list(card.index) == ["pk", "burn", "events"]  # catalogue order
    assert card.loc["pk", "value_2023"] == 82.4
    assert card.loc["pk", "band_2021"] == "below"  # 70 vs 80: 10 pp short
    assert card.loc["pk", "band_2022"] == "near"  # 78 vs 80
    assert card.loc["pk", "band"] == "near"  # 82.4 vs 85: 2.6 pp short
    assert card.loc["pk", "change"] == pytest.approx(4.4)  # 82.4 − 78.0
    assert card.loc["burn", "band"] == "meets"  # 9 ≤ 10, lower is better
    assert np.isnan(card.loc["burn", "value_2021"])  # no 2021 row
    assert card.loc["events", "band"] == "below"  # 40 of 50: 20 % short
    assert np.isnan(card.loc["events", "change"])  # no 2022 value


UNITS = tidy(
    row(2023, "pk", "district", "Север", 45, 50, 90.0, target=85),
    row(2023, "pk", "district", "Юг", 30, 50, 60.0, target=85),
    row(2023, "burn", "district", "Север", 5, 50, 10.0, target=10),
    row(2023, "burn", "district", "Юг", None, None, None, flags="suppressed"),
)


def test_compare_units_values_bands_and_flags():
    grid = m.compare_units(UNITS, CAT, "district", near_pp=5)
    assert list(grid.values.columns) == ["Доля педагогов с ПК", "Доля педагогов с выгоранием"]
    assert grid.values.loc["Юг", "Доля педагогов с ПК"] == 60.0
    assert grid.bands.loc["Север", "Доля педагогов с ПК"] == "meets"
    assert grid.bands.loc["Юг", "Доля педагогов с ПК"] == "below"  # 25 pp short
    # a hidden value keeps its unit in the grid (its flag says it is hidden, not missing)
    assert grid.flags.loc["Юг", "Доля педагогов с выгоранием"] == "suppressed"
    assert np.isnan(grid.values.loc["Юг", "Доля педагогов с выгоранием"])
    assert grid.units == {"Доля педагогов с ПК": "%", "Доля педагогов с выгоранием": "%"}


def test_school_groups_pool_numerators_and_denominators():
    g = m.school_groups(INST_TIDY, INSTITUTIONS, CAT).set_index("group")
    assert g.loc["ШНОР", "value"] == 50.0  # school 1: 2/4
    assert g.loc["ШНСУ", "value"] == pytest.approx(66.6667, abs=1e-3)  # (2+6)/(4+8)
    assert g.loc[m.OTHERS, "value"] == pytest.approx(86.6667, abs=1e-3)  # (9+17)/(10+20); ДОО out
    assert g.loc[m.OTHERS, "schools"] == 2
    hidden = m.school_groups(INST_TIDY, INSTITUTIONS, CAT, threshold=5).set_index("group")
    assert hidden.loc["ШНОР", "suppressed"] and np.isnan(hidden.loc["ШНОР", "value"])  # 4 < 5
    assert not hidden.loc["ШНСУ", "suppressed"]  # 12 people
    lag = m.lagging_groups(g.reset_index(), CAT, min_gap_pp=5)
    # ШНОР 50,0 vs 86,7 → 36,7 pp; ШНСУ 66,7 vs 86,7 → 20,0 pp
    assert list(lag["group"]) == ["ШНОР", "ШНСУ"]
    assert list(lag["gap"]) == pytest.approx([36.6667, 20.0], abs=1e-3)
    # a gap below the threshold is no lag: 20,0 pp < 25
    assert list(m.lagging_groups(g.reset_index(), CAT, min_gap_pp=25)["group"]) == ["ШНОР"]


def test_ranking_orders_by_direction_and_puts_missing_last():
    t = pd.concat([INST_TIDY, tidy(row(2023, "pk", "institution", "6", None, None, None))])
    inst = pd.concat(
        [
            INSTITUTIONS,
            pd.DataFrame(
                {
                    "inst_id": ["6"],
                    "name": ["Школа 6"],
                    "inst_type": ["ОО"],
                    "district": ["Юг"],
                    "low_results": [False],
                    "unfavourable": [False],
                }
            ),
        ]
    )
    r = m.ranking(t, inst, CAT, "pk", near_pp=5)
    assert list(r["inst_id"]) == ["3", "4", "2", "1", "5", "6"]  # 90, 85, 75, 50, 10, none
    assert list(r["place"].iloc[:5]) == [1, 2, 3, 4, 5] and np.isnan(r["place"].iloc[5])
    assert m.lowest_institutions(t, inst, CAT, "pk", 2) == ["1", "5"]  # 50 and 10


def test_outliers_robust_z():
    # values 10, 11, 12, 13, 50: median 12, |dev| 2,1,0,1,38 → MAD 1;
    # z(50) = 0.6745·38/1 = 25.6 > 3.5; z(10) = −1.35 → not an outlier
    t = tidy(
        *[
            row(2023, "pk", "institution", str(i), None, None, v)
            for i, v in enumerate([10.0, 11.0, 12.0, 13.0, 50.0], start=1)
        ]
    )
    found = m.outliers(t, CAT, z=3.5, names={"5": "Сад 5"})
    assert list(found["inst_id"]) == ["5"]
    assert found["inst_name"].iloc[0] == "Сад 5"
    assert found["robust_z"].iloc[0] == pytest.approx(25.631)
    # MAD 0 (three of four equal) → no spread, no outliers
    flat = tidy(
        *[
            row(2023, "pk", "institution", str(i), None, None, v)
            for i, v in enumerate([5.0, 5.0, 5.0, 40.0])
        ]
    )
    assert m.outliers(flat, CAT, z=3.5).empty


def test_flags_lists():
    t = tidy(
        row(2023, "pk", "city", "city", 1, 2, 50.0, flags="incomplete_window"),
        row(2023, "burn", "city", "city", None, None, None, flags="no_data"),
        row(2023, "events", "centre", "centre", None, None, None, unit="ед.", flags="suppressed"),
    )
    assert m.incomplete_windows(t, CAT) == ["Доля педагогов с ПК"]
    assert m.no_data_indicators(t, CAT) == ["Доля педагогов с выгоранием"]  # suppressed ≠ no data


def test_completeness():
    assoc = pd.DataFrame(
        {
            "assoc_id": ["a1", "a2", "a3", "a4"],
            "assoc_type": ["ГПО", "ГПО", "ПТГ", "РЦ"],
            "name": ["ГПО-1", "ГПО-2", "ПТГ-1", "РЦ-1"],
        }
    )
    reports = pd.DataFrame({"assoc_id": ["a1", "a4"]})
    missing = m.missing_plan_reports(assoc, reports)
    assert list(missing["assoc_id"]) == ["a2", "a3"]
    by_type = m.completeness_by_type(assoc, reports).set_index("assoc_type")
    assert by_type.loc["ГПО", "share"] == 50.0  # 1 of 2
    assert by_type.loc["ПТГ", "missing"] == 1
    assert m.completeness_by_type(None, None).empty  # no register: nothing to count
    assert m.missing_plan_reports(assoc, None)["assoc_id"].tolist() == ["a1", "a2", "a3", "a4"]


def test_centre_plan_fact():
    t = tidy(row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед.", target=50))
    pf = m.centre_plan_fact(t, CAT)
    assert pf["percent"].iloc[0] == 80.0  # 40 of 50
    assert (pf["plan"].iloc[0], pf["fact"].iloc[0]) == (50.0, 40.0)


def test_staff_anomalies_and_lapsed():
    staff = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3"],
            "inst_id": ["1", "1", "2"],
            "position": ["педагог"] * 3,
            "birth_year": [1990, 2000, 1980],
            "experience_years": [10.0, 8.0, 20.0],
        }
    )
    courses = pd.DataFrame({"person_id": ["p1", "x9"]})
    found = m.staff_anomalies(staff, courses, 2023)
    # p2: age 23, experience 8 > 23 − 16 = 7; x9 has a course but no staff row
    assert list(found["person_id"]) == ["p2", "x9"]
    assert list(found["finding"]) == [m.EXPERIENCE_OVER_AGE, m.COURSE_WITHOUT_STAFF]
    assert (found["experience_years"].iloc[0], found["age"].iloc[0]) == (8.0, 23)
    window = [courses, pd.DataFrame({"person_id": []}), pd.DataFrame({"person_id": ["p3"]})]
    lapsed = m.lapsed_staff(staff, window, ["1"])
    assert list(lapsed["person_id"]) == ["p2"]  # p1 trained, p3 is of institution 2
    # a year of the window without ДПО in the data: nobody is called lapsed, and the list says why
    withheld = m.lapsed_staff(staff, [courses, None, window[2]], ["1"])
    assert withheld.empty and "курсов ДПО за часть лет" in withheld.attrs["withheld"]


def test_worsened_by_direction_shares_only():
    card = m.scorecard(SERIES, CAT, 2023, [2021, 2022, 2023], near_pp=5)
    # pk 78 → 82.4 (higher is better: better); burn 12 → 9 (lower is better: better)
    assert m.worsened(card).empty
    worse = SERIES.copy()
    worse.loc[4, "value"] = 15.0  # burn 12 → 15: +3 pp where lower is better
    assert list(m.worsened(m.scorecard(worse, CAT, 2023, [2022, 2023], 5))["indicator_id"]) == [
        "burn"
    ]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(None, None), ("", None), (pd.NA, None), (np.nan, None), ("12", 12.0), (3, 3.0)],
)
def test_as_number_reads_an_empty_cell_as_nan(cell, expected):
    got = m.as_number(cell)
    assert np.isnan(got) if expected is None else got == expected


def test_without_the_register_or_the_staff_list_nothing_is_found():
    assert m.school_groups(INST_TIDY, None, CAT).empty  # no register: no school groups
    assert m.lagging_groups(m.school_groups(INST_TIDY, None, CAT), CAT, 5).empty
    assert m.staff_anomalies(None, pd.DataFrame({"person_id": ["x9"]}), 2023).empty
