"""Page 02: passports, the МУКО matrix and the forms in Russian tables and sentences."""

from test_passports import CAT

from analysis import passports as p
from analysis.pages import indicators as page

N = "\u00a0"


def test_passport_table_speaks_russian():
    shown = page.passports_table(p.passports(CAT, {"g1": "Цель управления"})).data
    assert list(shown.columns) == list(page.PASSPORT_HEADERS.values())
    assert shown.iloc[0]["Как считается"] == "числитель ÷ знаменатель × 100"
    assert shown.iloc[0]["Уровни"] == "город, район, тип учреждения, учреждение"
    assert shown.iloc[0]["Цель"] == "Цель управления"
    assert shown.iloc[1]["Цель"] == "—"  # no goal
    assert shown.iloc[1]["Направление"] == "ниже — лучше"


def test_muko_sentence_and_table_mark_the_gaps():
    matrix = p.muko_matrix(CAT)
    assert page.muko_sentence(matrix).startswith(
        "Не покрыто показателями 4 из 6 направлений МУКО: "
        "Организация диагностики профессионального выгорания"
    )
    assert page.GAP in page.muko_table(matrix).to_html()


def test_muko_sentence_when_every_area_is_covered():
    matrix = p.muko_matrix(CAT)
    matrix["gap"] = False
    # two rows of the seed's table list no municipal indicator («—»)
    assert page.muko_sentence(matrix) == (
        "Все 6 направлений МУКО из таблицы «точек роста» покрыты показателями книги, в том "
        "числе 2 из них, для которых в документе муниципальных показателей не было."
    )


def test_forms_sentence_lists_the_missing_forms():
    status = p.forms_status(
        ["institutions", "staff", "competitions"],
        {"institutions": 5, "staff": 40, "competitions_staff": 7, "competitions_inst": 2},
        CAT,
    )
    # 3 of the 9 contract forms arrived
    sentence = page.forms_sentence(status, 2023)
    assert sentence.startswith(
        f"За 2023 год поступило 3 из 9{N}форм. Не поступили: "
        "Дополнительное профессиональное образование (courses.xlsx);"
    )
    shown = page.forms_table(status).data.set_index("Форма")
    assert shown.loc["Профессиональные конкурсы (competitions.xlsx)", "Строк"] == "9"
    assert shown.loc["Кадры (staff.xlsx)", "Показатели без данных"] == "—"


def test_the_growth_points_realised_and_open_are_named():
    from analysis.catalogue import CATALOGUE

    matrix = p.muko_matrix(CATALOGUE)
    assert page.growth_sentence(matrix) == (
        "«Точки роста», реализованные показателями книги: «введение показателей для "
        "планов-отчетов РЦ» — Опорные площадки ресурсных центров, Мероприятия ресурсных центров "
        "для педагогов города и Участники мероприятий ресурсных центров из других учреждений. "
        "«Точки роста» пока без показателей: «корректировка показателей планов-отчётов ГПО» "
        "(организация диагностики профессиональных дефицитов педагогов); «корректировка "
        "показателей планов-отчётов ГПО» (организация диагностики профессионального выгорания "
        "педагогов)."
    )
    shown = page.muko_table(matrix).data.set_index("Федеральный показатель МУКО")
    column = shown["«Точка роста» реализована"]
    assert column.iloc[5].startswith("Опорные площадки ресурсных центров; ")  # the network row
    assert column.iloc[0] == page.GROWTH_GAP  # deficits: ГПО indicators not introduced
    assert column.iloc[2] == page.BY_DECISIONS  # competitions: analysis and decisions
