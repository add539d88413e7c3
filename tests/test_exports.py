"""The formatted workbooks of the build (analysis.exports), reopened with openpyxl.

Hand-made tidy tables and recommendation frames; every expected cell is written out below.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from analysis.exports import (
    file_names,
    safe_name,
    write_indicators_xlsx,
    write_recommendation_workbooks,
)

YEAR = 2023
CATEGORY = "Доля педагогических работников с первой или высшей квалификационной категорией"
TIDY_COLUMNS = [
    "indicator_id",
    "level",
    "unit_id",
    "numerator",
    "denominator",
    "value",
    "unit",
    "target",
    "meets_target",
    "flags",
]


def tidy_frame() -> pd.DataFrame:
    """City, two districts, three institutions, an association, the Centre.

    category_high: city 9 of 12 → 75 %; Север 8 of 11 → 72.7…; Юг hidden; s1 6 of 8 → 75;
    s2 2 of 3 → 66.666…; d1 hidden. gpo_participants: 1234 people in ГПО-1; Centre: 1234.5
    person-hours (no target), 12 events with an incomplete window.
    """
    rows = [
        ("category_high", "city", "city", 9, 12, 75.0, "%", 70.0, True, ""),
        ("category_high", "district", "Север", 8, 11, 800 / 11, "%", 70.0, True, ""),
        ("category_high", "district", "Юг", None, None, None, "%", 70.0, None, "suppressed"),
        ("category_high", "institution", "s1", 6, 8, 75.0, "%", 70.0, True, ""),
        ("category_high", "institution", "s2", 2, 3, 200 / 3, "%", 70.0, False, ""),
        ("category_high", "institution", "d1", None, None, None, "%", 70.0, None, "suppressed"),
        ("gpo_participants", "association", "ГПО-1", 1234, None, 1234, "чел.", None, None, ""),
        ("centre_person_hours", "centre", "centre", 1234.5, None, 1234.5, "чел.-ч", None, None, ""),
        (
            "centre_events",
            "centre",
            "centre",
            12,
            None,
            12,
            "ед.",
            10,
            True,
            "incomplete_window;no_data",
        ),
    ]
    frame = pd.DataFrame(rows, columns=TIDY_COLUMNS)
    frame["meets_target"] = frame["meets_target"].astype("boolean")
    frame.insert(0, "year", YEAR)
    return frame


def institutions_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "inst_id": ["s1", "s2", "d1"],
            "name": ["Школа № 1", "Школа № 2", "Детский сад «Ромашка»"],
            "inst_type": ["ОО", "ОО", "ДОО"],
            "district": ["Север", "Север", "Юг"],
        }
    )


def associations_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "assoc_id": ["ГПО-1"],
            "assoc_type": ["ГПО"],
            "name": ["ГПО учителей математики"],
            "inst_id": ["s1"],
        }
    )


def rows(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("xlsx") / "indicators.xlsx"
    write_indicators_xlsx(
        tidy_frame(),
        path,
        institutions=institutions_frame(),
        associations=associations_frame(),
        year=YEAR,
    )
    return path


# --- indicators.xlsx ------------------------------------------------------------------------


def test_one_sheet_per_level_present_and_the_passports(book):
    wb = openpyxl.load_workbook(book)
    # no inst_type rows in the table → no «Типы учреждений» sheet
    assert wb.sheetnames == [
        "Город",
        "Районы",
        "Учреждения",
        "Объединения",
        "Центр",
        "Паспорта показателей",
    ]


def test_headers_are_russian_and_name_the_unit(book):
    wb = openpyxl.load_workbook(book)
    figures = ("Числитель", "Знаменатель", "Значение", "Цель", "Цель достигнута", "Отметки")
    indicator = ("Показатель", "Код показателя", "Единица")
    assert rows(wb["Город"])[0] == (*indicator, *figures)
    assert rows(wb["Районы"])[0] == ("Район", *indicator, *figures)
    assert rows(wb["Учреждения"])[0] == (
        "Учреждение",
        "Наименование",
        "Район",
        "Тип учреждения",
        *indicator,
        *figures,
    )
    assert rows(wb["Объединения"])[0] == (
        "Объединение",
        "Наименование",
        "Тип объединения",
        *indicator,
        *figures,
    )


def test_institution_rows_carry_names_and_unrounded_values(book):
    ws = openpyxl.load_workbook(book)["Учреждения"]
    # sorted by institution: d1, s1, s2
    assert rows(ws)[1:] == [
        (
            "d1",
            "Детский сад «Ромашка»",
            "Юг",
            "ДОО",
            CATEGORY,
            "category_high",
            "%",
            None,
            None,
            None,
            70,
            None,
            "скрыто (малое число)",
        ),
        (
            "s1",
            "Школа № 1",
            "Север",
            "ОО",
            CATEGORY,
            "category_high",
            "%",
            6,
            8,
            75,
            70,
            "да",
            None,
        ),
        (
            "s2",
            "Школа № 2",
            "Север",
            "ОО",
            CATEGORY,
            "category_high",
            "%",
            2,
            3,
            66.66666666666667,
            70,
            "нет",
            None,
        ),
    ]
    s2 = ws[4]
    assert s2[9].value == 66.66666666666667 and s2[9].number_format == "0.0"  # 2 / 3 · 100
    assert s2[10].number_format == "0.0"  # the target of a share
    assert s2[7].number_format == s2[8].number_format == "#,##0"  # people counted


def test_count_and_hours_formats(book):
    wb = openpyxl.load_workbook(book)
    gpo = wb["Объединения"][2]
    assert [c.value for c in gpo[:2]] == ["ГПО-1", "ГПО учителей математики"]
    assert gpo[8].value == 1234 and gpo[8].number_format == "#,##0"  # Значение, чел.
    centre = rows(wb["Центр"])
    # catalogue order: centre_person_hours before centre_events
    assert centre[1][1:] == (
        "centre_person_hours",
        "чел.-ч",
        1234.5,
        None,
        1234.5,
        None,
        None,
        None,
    )
    assert wb["Центр"][2][5].number_format == "#,##0.0"
    assert centre[2][1:] == (
        "centre_events",
        "ед.",
        12,
        None,
        12,
        10,
        "да",
        "неполное окно; нет данных",
    )


def test_header_row_frozen_and_filtered(book):
    wb = openpyxl.load_workbook(book)
    for ws in wb:
        assert ws.freeze_panes == "A2"
    assert wb["Город"].auto_filter.ref == "A1:I2"  # 9 columns, header + 1 row
    assert wb["Учреждения"].auto_filter.ref == "A1:M4"  # 13 columns, header + 3 rows
    assert wb["Учреждения"]["A1"].font.bold


def test_passport_sheet_has_every_catalogue_entry(book):
    ws = openpyxl.load_workbook(book)["Паспорта показателей"]
    table = rows(ws)
    assert table[0][:4] == ("Код показателя", "Показатель", "Единица", "Уровни")
    assert "Формула" in table[0] and "Документ-основание" in table[0]
    assert len(table) - 1 == 46  # 38 indicators, and 8 of ПТГ cards and РЦ plan-reports (issue 14)
    first = dict(zip(table[0], table[1], strict=True))
    assert first["Код показателя"] == "pk_modern_3y"
    assert first["Уровни"] == "город, район, тип учреждения, учреждение, объединение"
    assert first["Направление"] == "выше — лучше"
    assert "Кадры (staff.xlsx)" in first["Формы-источники"]


def test_only_the_levels_present(tmp_path):
    city = tidy_frame().iloc[:1]
    write_indicators_xlsx(city, tmp_path / "a.xlsx")  # the year comes from the table
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == [
        "Город",
        "Паспорта показателей",
    ]


def test_two_writes_give_the_same_file(tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        write_indicators_xlsx(
            tidy_frame(), tmp_path / name, institutions=institutions_frame(), year=YEAR
        )
    a, b = (openpyxl.load_workbook(tmp_path / n) for n in ("a.xlsx", "b.xlsx"))
    assert [rows(ws) for ws in a] == [rows(ws) for ws in b]
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    assert a.properties.created == a.properties.modified == dt.datetime(YEAR, 12, 31)


def test_year_is_required_when_the_table_has_none(tmp_path):
    two = pd.concat([tidy_frame(), tidy_frame().assign(year=YEAR - 1)])
    with pytest.raises(ValueError, match="год"):
        write_indicators_xlsx(two, tmp_path / "a.xlsx")


# --- recommendations ------------------------------------------------------------------------

REC_COLUMNS = [
    "rule_id",
    "level",
    "unit_id",
    "unit_name",
    "addressee",
    "indicator_id",
    "value",
    "target",
    "count",
    "text",
]


def recs_frame() -> pd.DataFrame:
    rows_ = [
        (
            "R1",
            "institution",
            "s2",
            "Школа № 2",
            "руководитель ОУ",
            "category_high",
            200 / 3,
            70.0,
            1,
            "Направить одного педагога на аттестацию.",
        ),
        (
            "R1",
            "institution",
            "s1",
            "Школа № 1",
            "руководитель ОУ",
            "category_high",
            75.0,
            80.0,
            2,
            "Подготовить двух педагогов к аттестации.",
        ),
        (
            "R2",
            "district",
            "Юг",
            "Юг",
            "управление образования",
            "category_high",
            None,
            70.0,
            1,
            "Провести семинар по аттестации.",
        ),
        (
            "R3",
            "association",
            "ГПО-1",
            "ГПО учителей математики",
            "руководитель ГПО",
            "gpo_participants",
            1234,
            None,
            1234,
            "Привлечь молодых педагогов.",
        ),
    ]
    return pd.DataFrame(rows_, columns=REC_COLUMNS)


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("internal") / str(YEAR)
    write_recommendation_workbooks(
        recs_frame(),
        folder,
        "internal",
        tidy=tidy_frame(),
        institutions=institutions_frame(),
        associations=associations_frame(),
        year=YEAR,
    )
    return folder


def test_internal_writes_one_workbook_per_institution_and_a_summary(internal):
    names = sorted(p.relative_to(internal).as_posix() for p in internal.rglob("*.xlsx"))
    assert names == [
        "recommendations/d1.xlsx",
        "recommendations/s1.xlsx",
        "recommendations/s2.xlsx",
        "recommendations_summary.xlsx",
    ]
    wb = openpyxl.load_workbook(internal / "recommendations" / "s2.xlsx")
    assert wb.sheetnames == ["Показатели", "Рекомендации", "Сведения"]


def test_institution_workbook_holds_only_its_rows(internal):
    wb = openpyxl.load_workbook(internal / "recommendations" / "s2.xlsx")
    indicators = rows(wb["Показатели"])
    assert indicators[0] == (
        "Показатель",
        "Код показателя",
        "Единица",
        "Числитель",
        "Знаменатель",
        "Значение",
        "Цель",
        "Цель достигнута",
        "По району",
        "По городу",
        "Отметки",
    )
    # s2: 2 of 3 → 66.666…; its district Север 8 of 11 → 72.72…; the city 9 of 12 → 75
    assert indicators[1:] == [
        (CATEGORY, "category_high", "%", 2, 3, 66.66666666666667, 70, "нет", 800 / 11, 75, None)
    ]
    assert wb["Показатели"]["F2"].number_format == "0.0"
    recs = rows(wb["Рекомендации"])
    assert recs[0] == (
        "Правило",
        "Адресат",
        "Показатель",
        "Код показателя",
        "Значение",
        "Цель",
        "N",
        "Рекомендация",
    )
    assert recs[1:] == [
        (
            "R1",
            "руководитель ОУ",
            CATEGORY,
            "category_high",
            66.66666666666667,
            70,
            1,
            "Направить одного педагога на аттестацию.",
        )
    ]
    about = dict(rows(wb["Сведения"])[1:])
    assert about["Наименование"] == "Школа № 2" and about["Рекомендаций"] == 1


def test_internal_workbook_lists_the_institution_s_staff_behind_its_recommendations(tmp_path):
    lists = {
        "lapsed_pk": pd.DataFrame(
            {
                "person_id": ["T0003", "T0001", "T0002"],
                "inst_id": ["s1", "s1", "s2"],
                "position": ["педагог", "педагог", "руководитель"],
                "experience_years": [12.0, 2.0, 30.0],
            }
        ),
        "young_without_mentor": pd.DataFrame(
            {
                "person_id": ["T0001"],
                "inst_id": ["s1"],
                "position": ["педагог"],
                "experience_years": [2.0],
            }
        ),
    }
    write_recommendation_workbooks(
        recs_frame(),
        tmp_path,
        "internal",
        tidy=tidy_frame(),
        institutions=institutions_frame(),
        year=YEAR,
        person_lists=lists,
    )
    wb = openpyxl.load_workbook(tmp_path / "recommendations" / "s1.xlsx")
    assert wb.sheetnames == ["Показатели", "Рекомендации", "Работники", "Сведения"]
    # s1 only (T0002 is of s2), list by list, by person id
    assert rows(wb["Работники"]) == [
        ("Список", "Код работника", "Должность", "Стаж, лет"),
        ("Истёк трёхлетний срок ПК", "T0001", "педагог", 2),
        ("Истёк трёхлетний срок ПК", "T0003", "педагог", 12),
        ("Молодой педагог без наставника", "T0001", "педагог", 2),
    ]
    # the public profile never reads the lists
    write_recommendation_workbooks(
        recs_frame(),
        tmp_path / "pub",
        "public",
        year=YEAR,
        institutions=institutions_frame(),
        person_lists=lists,
    )
    cells = {
        str(v)
        for ws in openpyxl.load_workbook(tmp_path / "pub" / "recommendations_summary.xlsx")
        for row in rows(ws)
        for v in row
    }
    assert not {"T0001", "T0002", "T0003"} & cells


def test_institution_without_recommendations_says_so(internal):
    wb = openpyxl.load_workbook(internal / "recommendations" / "d1.xlsx")
    recs = rows(wb["Рекомендации"])
    assert len(recs) == 2 and recs[1][-1].startswith("Рекомендаций нет")
    # d1's own value is hidden in this table: the workbook shows the flag, not a number
    assert rows(wb["Показатели"])[1][5] is None
    assert rows(wb["Показатели"])[1][-1] == "скрыто (малое число)"


def test_internal_summary_counts_lists_and_maps_files(internal):
    wb = openpyxl.load_workbook(internal / "recommendations_summary.xlsx")
    assert wb.sheetnames == ["По районам", "По типам учреждений", "Все рекомендации", "Файлы"]
    # R1: s1 and s2 in Север; R2: the district Юг; R3: ГПО-1, based at s1 → Север
    assert rows(wb["По районам"]) == [
        ("Правило", "Показатели", "Север", "Юг", "Всего"),
        ("R1", CATEGORY, 2, None, 2),
        ("R2", CATEGORY, None, 1, 1),
        ("R3", "Постоянные участники объединений", 1, None, 1),
    ]
    # by type: R2 (a district) has no type → «Другие адресаты»
    assert rows(wb["По типам учреждений"])[0] == (
        "Правило",
        "Показатели",
        "ОО",
        "Другие адресаты",
        "Всего",
    )
    assert rows(wb["По типам учреждений"])[2] == ("R2", CATEGORY, None, 1, 1)
    listing = rows(wb["Все рекомендации"])
    assert len(listing) == 1 + 4
    s1 = dict(zip(listing[0], listing[2], strict=True))  # in the frame's order: R1 s2, R1 s1
    assert (s1["Код"], s1["Район"], s1["Файл"], s1["N"]) == ("s1", "Север", "s1.xlsx", 2)
    assert rows(wb["Файлы"])[1:] == [
        ("d1", "Детский сад «Ромашка»", "recommendations/d1.xlsx"),
        ("s1", "Школа № 1", "recommendations/s1.xlsx"),
        ("s2", "Школа № 2", "recommendations/s2.xlsx"),
    ]


def public_recs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rule R1 for 7 staff groups of a1 (A, ОО), 6 of b1 (B, ОО), 2 of c1 (C, ДОО)."""
    institutions = pd.DataFrame(
        {
            "inst_id": ["a1", "b1", "c1"],
            "name": ["А1", "Б1", "В1"],
            "inst_type": ["ОО", "ОО", "ДОО"],
            "district": ["A", "B", "C"],
        }
    )
    units = ["a1"] * 7 + ["b1"] * 6 + ["c1"] * 2
    recs = pd.DataFrame(
        {
            "rule_id": "R1",
            "level": "institution",
            "unit_id": units,
            "unit_name": units,
            "addressee": "руководитель ОУ",
            "indicator_id": "category_high",
            "value": 50.0,
            "target": 70.0,
            "count": 3,
            "text": [f"Педагог T{n:04d}" for n in range(len(units))],
        }
    )
    return recs, institutions


def test_public_writes_only_the_suppressed_summary(tmp_path):
    recs, institutions = public_recs()
    folder = tmp_path / str(YEAR)
    written = write_recommendation_workbooks(
        recs, folder, "public", institutions=institutions, year=YEAR, threshold=5
    )
    assert written == [folder / "recommendations_summary.xlsx"]
    assert not (folder / "recommendations").exists()
    wb = openpyxl.load_workbook(written[0])
    assert wb.sheetnames == ["По районам", "По типам учреждений"]
    # districts A 7, B 6, C 2 (< 5 → *), total 15; the row then has one hidden cell, so its
    # smallest visible one, B 6, is hidden too (else 15 − 7 − 6 gives C back)
    assert rows(wb["По районам"])[1] == ("R1", CATEGORY, 7, "*", "*", 15)
    # types ОО 13, ДОО 2 (*), total 15 → ОО hidden as well
    assert rows(wb["По типам учреждений"])[1] == ("R1", CATEGORY, "*", "*", 15)
    cells = {str(v) for ws in wb for row in rows(ws) for v in row}
    assert not any("T0" in c or c in {"a1", "b1", "c1"} for c in cells)  # no person, no unit


def test_file_names_are_safe_and_unique():
    assert safe_name("СОШ 5/1") == "СОШ_5_1"  # Cyrillic stays; space and «/» do not
    assert safe_name('a:b*c?"d<e>f|g\\h') == "a_b_c_d_e_f_g_h"
    assert safe_name("МОУ-СОШ-1") == "МОУ-СОШ-1"
    assert safe_name("con") == "_con"  # a Windows device name
    # «a b» and «a_b» would both be a_b.xlsx; sorted, «a b» comes first and keeps the name
    assert file_names(["a_b", "a b", "A_B"]) == {
        "A_B": "A_B.xlsx",
        "a b": "a_b_2.xlsx",
        "a_b": "a_b_3.xlsx",
    }


def test_cyrillic_ids_map_to_files_listed_in_the_summary(tmp_path):
    institutions = pd.DataFrame(
        {"inst_id": ["СОШ 5/1"], "name": ["Школа № 5"], "inst_type": ["ОО"], "district": ["Север"]}
    )
    recs = pd.DataFrame(columns=REC_COLUMNS)
    write_recommendation_workbooks(recs, tmp_path, "internal", institutions=institutions, year=YEAR)
    assert (tmp_path / "recommendations" / "СОШ_5_1.xlsx").exists()
    files = rows(openpyxl.load_workbook(tmp_path / "recommendations_summary.xlsx")["Файлы"])
    assert files[1] == ("СОШ 5/1", "Школа № 5", "recommendations/СОШ_5_1.xlsx")


def test_workbook_of_an_institution_gone_is_removed(tmp_path):
    recs = recs_frame()
    write_recommendation_workbooks(
        recs, tmp_path, "internal", tidy=tidy_frame(), institutions=institutions_frame(), year=YEAR
    )
    fewer = institutions_frame().iloc[:2]  # d1 closed
    write_recommendation_workbooks(
        recs, tmp_path, "internal", tidy=tidy_frame(), institutions=fewer, year=YEAR
    )
    assert sorted(p.name for p in (tmp_path / "recommendations").iterdir()) == [
        "s1.xlsx",
        "s2.xlsx",
    ]


def test_recommendation_workbooks_are_reproducible(tmp_path):
    for out in ("a", "b"):
        write_recommendation_workbooks(
            recs_frame(),
            tmp_path / out,
            "internal",
            tidy=tidy_frame(),
            institutions=institutions_frame(),
            year=YEAR,
        )
    for name in ("recommendations/s1.xlsx", "recommendations_summary.xlsx"):
        a, b = (openpyxl.load_workbook(tmp_path / out / name) for out in ("a", "b"))
        assert [rows(ws) for ws in a] == [rows(ws) for ws in b]


def test_recommendations_without_a_column_are_refused(tmp_path):
    with pytest.raises(ValueError, match="text"):
        write_recommendation_workbooks(
            recs_frame().drop(columns="text"), tmp_path, "public", year=YEAR
        )


def test_summary_names_the_rules_when_titles_are_given(tmp_path):
    write_recommendation_workbooks(
        recs_frame(),
        tmp_path,
        "public",
        institutions=institutions_frame(),
        associations=associations_frame(),
        year=YEAR,
        rule_titles={"R1": "Аттестация педагогов"},
    )
    table = rows(openpyxl.load_workbook(tmp_path / "recommendations_summary.xlsx")["По районам"])
    assert table[0] == ("Правило", "Название", "Показатели", "Север", "Юг", "Всего")
    # R1: 2 in Север (< 5 → *), total 2 (*); a rule without a title has an empty name
    assert table[1] == ("R1", "Аттестация педагогов", CATEGORY, "*", None, "*")
    assert table[2][:2] == ("R2", None)


# --- through the build ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The tiny city of book_helpers, one trivial notebook, the fixed indicator table; 2023
    built in both profiles."""
    from book_helpers import BETA, make_city, tidy_table, write_notebooks

    from analysis.book import build, plan, yearly

    root = tmp_path_factory.mktemp("built")
    make_city(root / "processed")
    write_notebooks(root / "notebooks", {"01_beta": BETA})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(yearly, "compute", lambda p, y, o: tidy_table(p, y))
        mp.setattr(plan, "library_digest", lambda: "library")  # others edit the library now
        mp.setattr(plan, "params_digest", lambda: "params")
        for profile in ("public", "internal"):
            assert (
                build(
                    years=[YEAR],
                    profile=profile,
                    jobs=1,
                    processed_dir=root / "processed",
                    output_dir=root / "out",
                    notebooks_dir=root / "notebooks",
                )
                == 0
            )
        yield (
            root / "out",
            lambda profile: build(
                years=[YEAR],
                profile=profile,
                jobs=1,
                processed_dir=root / "processed",
                output_dir=root / "out",
                notebooks_dir=root / "notebooks",
            ),
        )


def test_build_writes_the_workbooks_of_each_profile(built):
    out, _ = built
    public, internal = out / "public" / str(YEAR), out / "internal" / str(YEAR)
    assert (public / "indicators.xlsx").exists() and (internal / "indicators.xlsx").exists()
    assert (public / "recommendations_summary.xlsx").exists()
    assert not (public / "recommendations").exists()
    assert sorted(p.name for p in (internal / "recommendations").glob("*.xlsx")) == [
        "d1.xlsx",
        "s1.xlsx",
        "s2.xlsx",
    ]
    s1 = openpyxl.load_workbook(internal / "recommendations" / "s1.xlsx")
    assert s1.sheetnames == ["Показатели", "Рекомендации", "Работники", "Сведения"]
    assert rows(s1["Сведения"])[2] == ("Наименование", "Школа № 1")
    # public: Юг 1 of 1 is hidden, and Север with it (book_helpers.tidy_table)
    districts = rows(openpyxl.load_workbook(public / "indicators.xlsx")["Районы"])
    assert [(r[0], r[6], r[-1]) for r in districts[1:]] == [
        ("Север", None, "скрыто (малое число)"),
        ("Юг", None, "скрыто (малое число)"),
    ]
    districts = rows(openpyxl.load_workbook(internal / "indicators.xlsx")["Районы"])
    assert [(r[0], r[6]) for r in districts[1:]] == [("Север", 800 / 11), ("Юг", 100)]


def test_unchanged_rebuild_leaves_the_workbooks_alone(built):
    out, rebuild = built
    path = out / "internal" / str(YEAR) / "indicators.xlsx"
    before = path.stat().st_mtime_ns
    assert rebuild("internal") == 0
    assert path.stat().st_mtime_ns == before
    path.unlink()  # a workbook gone is written again, even with nothing else changed
    assert rebuild("internal") == 0
    assert path.exists()


# --- the writer: text stays text, values keep their type ---------------------------------


def test_text_from_the_forms_is_stored_as_text_never_as_a_formula_number_or_link(tmp_path):
    from analysis.exports.sheets import add_sheet, new_workbook, save

    hostile = [
        '=HYPERLINK("http://example.invalid","x")',
        "+7 900 000",
        "@SUM(A1)",
        "-1+2",
        "12,5",
        "0012",
        "http://example.invalid/a",
        "mailto:a@example.invalid",
    ]
    wb = new_workbook()
    add_sheet(
        wb,
        "Лист",
        ["Текст", "Число", "Дата", "Да/нет"],
        [[text, 1.5, dt.date(2023, 5, 4), True] for text in hostile],
    )
    save(wb, tmp_path / "a.xlsx", YEAR)
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")["Лист"]
    # every text cell comes back as the same string (type "s"), nothing parsed
    assert [(c.data_type, c.value) for c in ws["A"][1:]] == [("s", t) for t in hostile]
    assert not ws._hyperlinks  # no link was made of an address
    # a number stays a number, a date a date (shown ДД.ММ.ГГГГ), a yes/no a boolean
    second = ws[2]
    assert (second[1].value, second[1].data_type) == (1.5, "n")
    assert second[2].value == dt.datetime(2023, 5, 4) and second[2].number_format == "dd.mm.yyyy"
    assert second[3].value is True


def test_a_mean_per_unit_keeps_its_decimal(tmp_path):
    # ptg_results_mean (kind MEAN, unit «ед.»): 3 results over 2 ПТГ with a card = 1.5, which
    # a whole-number format would show as «2»; its sum and count stay whole numbers.
    tidy = pd.DataFrame(
        [("ptg_results_mean", "city", "city", 3, 2, 1.5, "ед.", None, None, "")],
        columns=TIDY_COLUMNS,
    )
    tidy["meets_target"] = tidy["meets_target"].astype("boolean")
    tidy.insert(0, "year", YEAR)
    path = tmp_path / "indicators.xlsx"
    write_indicators_xlsx(tidy, path, year=YEAR)
    sheet = openpyxl.load_workbook(path)["Город"]
    value = next(c for row in sheet.iter_rows() for c in row if c.value == 1.5)
    assert value.number_format == "#,##0.0"
