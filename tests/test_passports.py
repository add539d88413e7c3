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
