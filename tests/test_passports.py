"""Stage 02: passports, the МУКО matrix with gaps, forms received."""

from monitoring_helpers import FakeIndicator, catalogue

from analysis import passports as p

N = "\u00a0"
DEF = FakeIndicator("d", "Доля продиагностированных", "%", sources=("staff", "diagnostics"),
                    muko="Организация диагностики профессиональных дефицитов педагогов")
PRIZES = FakeIndicator("c", "Число призёров", "ед.", sources=("staff", "competitions"),
                       muko="Конкурсы профессионального мастерства", direction="lower")
CAT = catalogue(DEF, PRIZES)


def test_passport_rows_speak_russian():
    frame = p.passports(CAT, {"g1": "Цель управления"})
    first = frame.iloc[0]
    assert first["Как считается"] == "числитель ÷ знаменатель × 100"  # a share
    assert frame.iloc[1]["Как считается"] == "числитель"  # a count has no denominator
    assert first["Уровни"] == "город, район, тип ОУ, учреждение"
    assert first["Формы-источники"] == (
        "Кадры (staff.xlsx), Диагностика профессиональных дефицитов и выгорания (diagnostics.xlsx)")
    assert first["Цель"] == "Цель управления"
    assert frame.iloc[1]["Направление"] == "ниже — лучше"


def test_muko_matrix_marks_gaps():
    matrix = p.muko_matrix(CAT)
    assert len(matrix) == 6  # the six rows of the seed's table
    covered = dict(zip(matrix["area"], matrix["covered_by"]))
    assert covered["Конкурсы профессионального мастерства"] == ["Число призёров"]
    # 2 areas covered by the fake catalogue → 4 gaps
    assert int(matrix["gap"].sum()) == 4
    assert p.muko_sentence(matrix).startswith("Не покрыто показателями 4 из 6 направлений МУКО: "
                                              "Организация диагностики профессионального выгорания")
    assert p.GAP in p.muko_table(matrix).to_html()


def test_forms_status_lists_missing_forms_and_what_they_cost():
    status = p.forms_status(["institutions", "staff", "competitions"],
                            {"institutions": 5, "staff": 40, "competitions_staff": 7,
                             "competitions_inst": 2}, CAT).set_index("stem")
    assert status.loc["competitions", "rows"] == 9  # 7 + 2 rows of its two sheets
    assert not status.loc["diagnostics", "received"]
    assert status.loc["diagnostics", "affected"] == ["Доля продиагностированных"]
    # 3 of the 9 contract forms arrived
    sentence = p.forms_sentence(status.reset_index(), 2023)
    assert sentence.startswith(f"За 2023 год поступило 3 из 9{N}форм. Не поступили: "
                               "Дополнительное профессиональное образование (courses.xlsx);")
