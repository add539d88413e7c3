"""Stage 02: passports, the МУКО matrix with gaps, forms received."""

import pandas as pd
from monitoring_helpers import FakeIndicator, catalogue, row, tidy

from analysis import passports as p

DEF = FakeIndicator(
    "d",
    "Доля продиагностированных",
    "%",
    sources=("staff", "diagnostics"),
    muko="Организация диагностики профессиональных дефицитов педагогов",
)
PRIZES = FakeIndicator(
    "c",
    "Число призёров",
    "ед.",
    sources=("staff", "competitions"),
    muko="Конкурсы профессионального мастерства",
    direction="lower",
    goal=None,
)
CAT = catalogue(DEF, PRIZES)


def test_passport_rows_read_their_words_from_the_vocabulary():
    frame = p.passports(CAT, {"g1": "Цель управления"})
    first = frame.iloc[0]
    assert list(frame.columns) == p.PASSPORT_COLUMNS
    assert first["formula"] == "числитель ÷ знаменатель × 100"  # a share
    assert frame.iloc[1]["formula"] == "числитель"  # a count has no denominator
    # the level names of `analysis.vocabulary` (the Excel passport says the same)
    assert first["levels"] == "город, район, тип учреждения, учреждение"
    assert first["sources"] == (
        "Кадры (staff.xlsx), Диагностика профессиональных дефицитов и выгорания (diagnostics.xlsx)"
    )
    assert first["goal"] == "Цель управления"
    assert pd.isna(frame.iloc[1]["goal"])  # no goal: the page shows «—»
    assert frame.iloc[1]["direction"] == "ниже — лучше"


def test_form_title_names_the_file_and_leaves_unknown_stems_alone():
    assert p.form_title("staff") == "Кадры (staff.xlsx)"
    assert p.form_title("nonesuch") == "nonesuch"


def test_muko_matrix_marks_gaps():
    matrix = p.muko_matrix(CAT)
    assert len(matrix) == 6  # the six rows of the seed's table
    covered = dict(zip(matrix["area"], matrix["covered_by"]))
    assert covered["Конкурсы профессионального мастерства"] == ["Число призёров"]
    # 2 areas covered by the fake catalogue → 4 gaps
    assert int(matrix["gap"].sum()) == 4


def test_forms_status_lists_missing_forms_and_what_they_cost():
    status = p.forms_status(
        ["institutions", "staff", "competitions"],
        {"institutions": 5, "staff": 40, "competitions_staff": 7, "competitions_inst": 2},
        CAT,
    ).set_index("stem")
    assert status.loc["competitions", "rows"] == 9  # 7 + 2 rows of its two sheets
    assert not status.loc["diagnostics", "received"]
    assert status.loc["diagnostics", "affected"] == ["Доля продиагностированных"]
    assert int(status["received"].sum()) == 3  # 3 of the 9 contract forms arrived


def test_empty_top_indicators_counts_city_and_centre_rows_without_a_value():
    frame = tidy(
        row(2023, "d", "city", "city", None, None, None),
        row(2023, "c", "city", "city", 3, None, 3.0, unit="ед."),
        row(2023, "e", "centre", "centre", None, None, None, unit="ед."),
        row(2023, "f", "district", "Север", None, None, None),
    )
    # d (city) and e (centre) are empty; f's empty row is a district's → 2
    assert p.empty_top_indicators(frame) == 2


def test_a_growth_point_is_realised_by_the_indicators_of_its_area_collected_its_way():
    from analysis.catalogue import MUKO_NETWORK, PLAN_REPORT_METHOD, RC_METHOD

    rc = FakeIndicator("r", "Опорные площадки РЦ", "ед.", muko=MUKO_NETWORK, method=RC_METHOD)
    # collected from РЦ plan-reports but of another area: does not realise the network row
    elsewhere = FakeIndicator("e", "Мероприятия РЦ", "ед.", muko=p.MUKO_SUPPORT, method=RC_METHOD)
    gpo = FakeIndicator("g", "Продукты ГПО", "ед.", muko=MUKO_NETWORK, method=PLAN_REPORT_METHOD)
    matrix = p.muko_matrix(catalogue(rc, elsewhere, gpo)).set_index("area")
    network = matrix.loc[MUKO_NETWORK]
    assert network["growth_point"] == "введение показателей для планов-отчетов РЦ"
    assert network["growth_by"] == ["Опорные площадки РЦ"]  # not «Продукты ГПО» (ГПО's way)
    assert not network["growth_gap"]
    # «корректировка показателей планов-отчётов ГПО» of the deficits row: no ГПО indicator of
    # that area → a gap; «проблемный анализ» rows need no indicator → never a gap
    assert matrix.loc[p.MUKO_DEFICITS, "growth_gap"]
    assert not matrix.loc[p.MUKO_COMPETITIONS, "growth_gap"]
    assert matrix.loc[p.MUKO_COMPETITIONS, "growth_by"] == []


def test_the_catalogue_realises_the_rc_growth_point_by_the_rc_indicators():
    from analysis.catalogue import CATALOGUE, MUKO_NETWORK

    matrix = p.muko_matrix(CATALOGUE).set_index("area")
    # issue 14 item 2: the three indicators of РЦ plan-reports introduce the growth point
    assert matrix.loc[MUKO_NETWORK, "growth_by"] == [
        CATALOGUE[i].name
        for i in ("rc_support_sites", "rc_city_events", "rc_external_participants")
    ]
    assert not matrix.loc[MUKO_NETWORK, "growth_gap"]
