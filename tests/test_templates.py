"""Blank data-collection workbooks (SPEC §7 `templates`): structure, validations, references."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analysis import contract, processed, templates
from analysis.cli import main
from analysis.errors import UserError

YEAR = 2023


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    """Templates for 2023 with no processed data at all."""
    out = tmp_path_factory.mktemp("blank") / "forms"  # does not exist yet: it gets created
    templates.write_templates(YEAR, out, tmp_path_factory.mktemp("no-processed") / "absent")
    return out


def _validation(ws: Worksheet, column: int) -> DataValidation | None:
    """The validation covering row 2 of a column (1-based), if any."""
    cell = f"{openpyxl.utils.get_column_letter(column)}2"
    found = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) <= 1
    return found[0] if found else None


def _list_values(wb: openpyxl.Workbook, dv: DataValidation) -> list[str]:
    """The values a list validation offers, inline or from a range of another sheet."""
    formula = dv.formula1
    if formula.startswith('"'):
        return formula.strip('"').split(",")
    sheet, cells = formula.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    return [c.value for row in ws[cells.replace("$", "")] for c in row if c.value is not None]


def _texts(ws: Worksheet) -> set[str]:
    return {str(c.value) for row in ws.iter_rows() for c in row if c.value is not None}


# ---------------------------------------------------------------- structure


def test_one_workbook_per_form_and_nothing_else(blank):
    assert sorted(p.name for p in blank.iterdir()) == [
        "associations.xlsx",
        "centre.xlsx",
        "competitions.xlsx",
        "courses.xlsx",
        "diagnostics.xlsx",
        "institutions.xlsx",
        "measures.xlsx",
        "mentoring.xlsx",
        "staff.xlsx",
    ]  # nine forms of SPEC §3, no temporary file left behind


@pytest.mark.parametrize("form", contract.FORMS, ids=lambda f: f.stem)
def test_sheets_headers_and_frozen_header_row(blank, form):
    wb = openpyxl.load_workbook(blank / f"{form.stem}.xlsx")
    data = [s.name for s in form.sheets]
    # no processed data → no reference of institutions or associations; the catalogue and the
    # rules are references of their own, wherever a form asks for their codes
    static = {
        "centre": ["Справочник показателей"],
        "measures": ["Справочник показателей", "Справочник рекомендаций"],
    }
    assert wb.sheetnames == ["Инструкция", *data, *static.get(form.stem, [])]
    assert wb.active.title == "Инструкция"
    for sheet in form.sheets:
        ws = wb[sheet.name]
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert ws.max_row == 1  # blank: ingest reads zero rows
        assert ws.freeze_panes == "A2"
        assert ws[1][0].font.b


def test_staff_headers_as_spec_spells_them(blank):
    ws = openpyxl.load_workbook(blank / "staff.xlsx")["Кадры"]
    assert [c.value for c in ws[1]] == [
        "Код работника",
        "Код ОУ",
        "Должность",
        "Предмет",
        "Год рождения",
        "Педагогический стаж",
        "Категория",
    ]


@pytest.mark.parametrize("form", contract.FORMS, ids=lambda f: f.stem)
def test_instructions_mention_every_header_who_fills_and_deadline(blank, form):
    ws = openpyxl.load_workbook(blank / f"{form.stem}.xlsx")["Инструкция"]
    texts = _texts(ws)
    for sheet in form.sheets:
        assert sheet.name in texts
        for column in sheet.columns:
            assert column.header in texts, column.header
    assert form.filled_by in texts
    deadline = next(r for r in ws.iter_rows() if r[0].value == "Срок сдачи")
    assert deadline[1].value is None  # a cell for the person to fill
    assert deadline[1].fill.fgColor.rgb.endswith("FFF2CC")


def test_instructions_state_bounds_of_the_year(blank):
    texts = _texts(openpyxl.load_workbook(blank / "staff.xlsx")["Инструкция"])
    assert "от 1943 до 2007" in texts  # birth year 2023−80 … 2023−16
    assert "от 0 до 70" in texts  # experience
    courses = _texts(openpyxl.load_workbook(blank / "courses.xlsx")["Инструкция"])
    assert "с 01.01.2023 по 31.12.2023" in courses  # end date within the year
    plans = _texts(openpyxl.load_workbook(blank / "associations.xlsx")["Инструкция"])
    assert "«из них до 35 лет» не больше «Постоянных участников»." in plans


def test_widths_fit_headers(blank):
    ws = openpyxl.load_workbook(blank / "associations.xlsx")["Планы-отчёты"]
    # «Внедрено нового содержания, технологий» is 38 characters → 38 + 3 = 41
    assert ws.column_dimensions["E"].width == 41
    assert ws.column_dimensions["A"].width == 18  # «Код объединения»: 15 + 3


def test_cards_sheet_and_rc_columns_are_in_the_associations_form(blank):
    wb = openpyxl.load_workbook(blank / "associations.xlsx")
    assert wb.sheetnames == [
        "Инструкция",
        "Реестр",
        "Планы-отчёты",
        "Информационные карты",
        "Участники",
    ]  # SPEC §3 order
    cards = wb["Информационные карты"]
    assert [c.value for c in cards[1]] == [
        "Код объединения",
        "Тема",
        "Проблема",
        "Цель",
        "Год начала",
        "Год окончания",
        "Планируемые результаты",
        "Формы представления результатов",
        "Представлено результатов за год",
        "Статус",
    ]
    assert [c.value for c in wb["Планы-отчёты"][1]][-3:] == [
        "Опорных площадок",
        "Мероприятий для педагогов города",
        "Участников из других учреждений",
    ]
    texts = _texts(wb["Инструкция"])
    assert "«Год окончания» не меньше «Год начала»." in texts
    assert "Строки — только для объединений типа ПТГ (по листу «Реестр»)." in texts
    assert "не меньше 0; только для объединений типа РЦ" in texts  # each РЦ column's rule
    # 2023 − 30 … 2023 + 1: a card of the year started by then, or announces next year's topic
    assert _validation(cards, 5).formula1 == "1993" and _validation(cards, 5).formula2 == "2024"
    status = _validation(cards, 10)
    assert status.type == "list" and _list_values(wb, status) == [
        "в работе",
        "завершена",
        "приостановлена",
    ]
    presented = _validation(cards, 9)
    assert (presented.type, presented.operator, presented.formula1) == (
        "whole",
        "greaterThanOrEqual",
        "0",
    )


def test_muko_systems_column_offers_its_values_and_accepts_several(blank):
    wb = openpyxl.load_workbook(blank / "measures.xlsx")
    ws = wb["Меры"]
    assert ws.cell(row=1, column=12).value == "Механизмы МУКО"
    dv = _validation(ws, 12)
    assert dv.type == "list" and _list_values(wb, dv) == list(contract.MUKO_SYSTEMS)
    assert dv.errorStyle == "information"  # «таланты;профориентация» is typed, not refused
    assert "несколько — через «;»" in dv.prompt


# ---------------------------------------------------------------- validations


@pytest.mark.parametrize("form", contract.FORMS, ids=lambda f: f.stem)
def test_every_enum_and_yesno_column_has_a_drop_down(blank, form):
    wb = openpyxl.load_workbook(blank / f"{form.stem}.xlsx")
    for sheet in form.sheets:
        ws = wb[sheet.name]
        for index, column in enumerate(sheet.columns, start=1):
            dv = _validation(ws, index)
            if column.type == contract.ENUM:
                assert dv.type == "list" and _list_values(wb, dv) == list(column.choices)
            elif column.type == contract.YESNO:
                assert dv.type == "list" and _list_values(wb, dv) == ["да", "нет"]
            if dv is not None:
                assert f"{openpyxl.utils.get_column_letter(index)}5000" in str(dv.sqref)


def test_drop_downs_spelled_by_hand(blank):
    wb = openpyxl.load_workbook(blank / "staff.xlsx")
    dv = _validation(wb["Кадры"], 7)  # Категория
    assert _list_values(wb, dv) == ["нет", "соответствие", "первая", "высшая"]
    assert dv.showErrorMessage  # a value outside the list is refused


@pytest.mark.parametrize(
    ("stem", "sheet", "column", "kind", "operator", "formula1", "formula2"),
    [
        ("staff", "Кадры", 5, "whole", "between", "1943", "2007"),  # 2023−80, 2023−16
        ("staff", "Кадры", 6, "decimal", "between", "0", "70"),
        ("courses", "ДПО", 4, "decimal", "greaterThan", "0", None),  # hours > 0
        # 01.01.2023 is Excel day 44927, 31.12.2023 is 44927 + 364 = 45291
        ("courses", "ДПО", 10, "date", "between", "44927", "45291"),
        ("mentoring", "Наставничество", 3, "date", "lessThanOrEqual", "45291", None),
        ("institutions", "Учреждения", 10, "whole", "greaterThanOrEqual", "0", None),
        ("diagnostics", "Дефициты", 3, "decimal", "between", "0", "100"),
        ("centre", "План", 2, "decimal", "greaterThanOrEqual", "0", None),
    ],
)
def test_bounds_validations(blank, stem, sheet, column, kind, operator, formula1, formula2):
    dv = _validation(openpyxl.load_workbook(blank / f"{stem}.xlsx")[sheet], column)
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == (
        kind,
        operator,
        formula1,
        formula2,
    )


def test_free_text_and_any_date_have_no_validation(blank):
    ws = openpyxl.load_workbook(blank / "measures.xlsx")["Меры"]
    assert _validation(ws, 3) is None  # Документ: free text
    assert _validation(ws, 10) is None  # Срок: any date
    assert ws.column_dimensions["J"].number_format == "DD.MM.YYYY"
    assert ws.column_dimensions["A"].number_format == "@"  # codes keep leading zeros


def test_long_list_goes_to_hidden_sheet(tmp_path, monkeypatch):
    # Excel refuses inline lists over 255 characters; shrink the limit to force the range path.
    monkeypatch.setattr(templates, "INLINE_LIST_LIMIT", 20)
    templates.write_templates(YEAR, tmp_path, None)
    wb = openpyxl.load_workbook(tmp_path / "courses.xlsx")
    assert wb.sheetnames[-1] == "Списки"
    assert wb["Списки"].sheet_state == "hidden"
    dv = _validation(wb["ДПО"], 7)  # Направление: 8 values, far over 20 characters
    assert dv.formula1.startswith("'Списки'!$")
    assert _list_values(wb, dv)[-1] == "другое"
    dv = _validation(wb["ДПО"], 3)  # Вид: «ПК,ПП» is 5 characters → stays inline
    assert dv.formula1 == '"ПК,ПП"'
    # the same list used twice («да/нет» is short) is not duplicated: one column per list
    assert wb["Списки"].max_column == len(
        {c.choices for c in contract.SHEETS["courses"].columns if len(",".join(c.choices)) > 20}
    )


# ---------------------------------------------------------------- reference sheets


def _city(year: int, insts: list[tuple[str, str, str, str]]) -> dict[str, pd.DataFrame]:
    institutions = pd.DataFrame(insts, columns=["inst_id", "name", "inst_type", "district"])
    institutions = institutions.assign(
        low_results=False,
        unfavourable=False,
        innovation="нет",
        resource_centre=False,
        support_site=False,
        network_agreements=0,
    )
    associations = pd.DataFrame(
        {
            "assoc_id": ["ГПО-1"],
            "assoc_type": ["ГПО"],
            "name": ["ГПО учителей математики"],
            "parent_id": [None],
            "inst_id": [insts[0][0]],
            "principle": ["предметный"],
        }
    )
    return {"institutions": institutions, "associations": associations}


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    """Processed 2022 and 2024; templates for 2023 must use 2022 (latest year ≤ 2023)."""
    proc = tmp_path_factory.mktemp("city") / "processed"
    processed.publish(
        proc,
        {
            2022: _city(
                2022,
                [
                    ("12", "Школа № 12", "ОО", "Южный"),
                    ("ДС-3", "Детский сад № 3", "ДОО", "Северный"),
                ],
            ),
            2024: _city(2024, [("99", "Школа будущего", "ОО", "Новый")]),
        },
    )
    return proc


@pytest.fixture(scope="module")
def with_reference(tmp_path_factory, city) -> Path:
    out = tmp_path_factory.mktemp("ref")
    templates.write_templates(YEAR, out, city)
    return out


def test_reference_sheet_lists_institutions_of_latest_year_not_after(with_reference):
    wb = openpyxl.load_workbook(with_reference / "staff.xlsx")
    assert wb.sheetnames == ["Инструкция", "Кадры", "Справочник ОУ"]
    rows = [[c.value for c in r][:4] for r in wb["Справочник ОУ"].iter_rows()]
    assert rows == [
        ["Код ОУ", "Наименование", "Тип", "Район"],
        ["12", "Школа № 12", "ОО", "Южный"],
        ["ДС-3", "Детский сад № 3", "ДОО", "Северный"],
    ]
    assert "По данным за 2022 год" in wb["Справочник ОУ"]["F1"].value
    assert "лист «Справочник ОУ»: коды по данным за 2022 год" in _texts(wb["Инструкция"])
    # Код ОУ suggests the codes of the reference, with a warning only (new codes are allowed)
    dv = _validation(wb["Кадры"], 2)
    assert (dv.type, dv.formula1, dv.errorStyle) == ("list", "'Справочник ОУ'!$A$2:$A$3", "warning")
    assert _validation(wb["Кадры"], 1) is None  # person codes: nothing to suggest


def test_reference_of_associations_where_the_form_uses_them(with_reference):
    # organizer and author are codes of an institution or an association
    wb = openpyxl.load_workbook(with_reference / "centre.xlsx")
    assert wb.sheetnames[-3:] == [
        "Справочник ОУ",
        "Справочник объединений",
        "Справочник показателей",
    ]
    rows = [[c.value for c in r][:3] for r in wb["Справочник объединений"].iter_rows()]
    assert rows == [
        ["Код объединения", "Тип", "Наименование"],
        ["ГПО-1", "ГПО", "ГПО учителей математики"],
    ]
    assoc = openpyxl.load_workbook(with_reference / "associations.xlsx")
    assert _validation(assoc["Реестр"], 4) is None  # «Входит в»: codes of this year's register
    plans = _validation(assoc["Планы-отчёты"], 1)
    assert plans.formula1 == "'Справочник объединений'!$A$2:$A$2"
    diag = openpyxl.load_workbook(with_reference / "diagnostics.xlsx")
    assert diag.sheetnames == ["Инструкция", "Дефициты", "Выгорание"]  # person codes only


def _cells(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb.worksheets}


def test_same_inputs_same_cell_contents_and_overwrite(tmp_path, city):
    templates.write_templates(YEAR, tmp_path / "a", city)
    templates.write_templates(YEAR, tmp_path / "b", None)
    templates.write_templates(YEAR, tmp_path / "b", city)  # overwriting is fine
    for path in sorted((tmp_path / "a").glob("*.xlsx")):
        assert _cells(path) == _cells(tmp_path / "b" / path.name)
    assert len(list((tmp_path / "b").iterdir())) == 9  # no temporary files left


def test_cli_writes_templates(tmp_path):
    assert (
        main(
            [
                "templates",
                "--year",
                "2023",
                "--out-dir",
                str(tmp_path / "t"),
                "--processed-dir",
                str(tmp_path / "none"),
            ]
        )
        == 0
    )
    assert (tmp_path / "t" / "measures.xlsx").exists()


def test_reference_falls_back_to_the_latest_year_that_has_the_form(tmp_path):
    proc = tmp_path / "processed"
    old = _city(2021, [("1", "Школа № 1", "ОО", "Центральный")])
    newer = _city(2022, [("2", "Школа № 2", "ОО", "Центральный")])
    del newer["associations"]  # the register did not arrive in 2022
    processed.publish(proc, {2021: old, 2022: newer})
    refs = templates.load_references(proc, 2023)
    assert (refs["institutions"].year, refs["institutions"].frame["inst_id"].tolist()) == (
        2022,
        ["2"],
    )
    assert refs["associations"].year == 2021
    assert templates.load_references(proc, 2020) == {}  # nothing processed up to 2020


# ---------------------------------------------------------------- bad input


def test_out_dir_that_is_a_file_is_a_user_error(tmp_path):
    blocker = tmp_path / "forms"
    blocker.write_text("not a folder")
    with pytest.raises(UserError, match="Не удаётся записать формы"):
        templates.write_templates(YEAR, blocker, None)
    args = ["--out-dir", str(blocker), "--processed-dir", str(tmp_path / "none")]
    assert main(["templates", "--year", "2023", *args]) == 1


@pytest.mark.parametrize("year", [23, 20230])
def test_implausible_year_is_a_user_error(tmp_path, year):
    with pytest.raises(UserError, match=f"Неверный отчётный год: {year}"):
        templates.write_templates(year, tmp_path / "forms", None)
    assert not (tmp_path / "forms").exists()


# ---------------------------------------------------------------- round trip through ingest

# What a person types into the blank forms of 2023, sheet by sheet, keyed by the header they see.
# Numbers typed as text («12,5», «1990»), enumerations in another case or with «е» for «ё»,
# dates as real dates and as text ДД.ММ.ГГГГ, codes typed as numbers (12 → «12»).
FILLED: dict[str, dict[str, list[dict[str, object]]]] = {
    "institutions": {
        "Учреждения": [
            {
                "Код ОУ": "ОО-1",
                "Наименование": "Школа № 1",
                "Тип": "оо",
                "Район": "Северный",
                "ШНОР": "Да",
                "ШНСУ": "нет",
                "Инновационный статус": "рип",
                "Ресурсный центр": "нет",
                "Опорная площадка": "да",
                "Договоры о сетевом взаимодействии": "3",
            },
            {
                "Код ОУ": 12,
                "Наименование": "Детский сад № 12",
                "Тип": "ДОО",
                "Район": "Южный",
                "ШНОР": "нет",
                "ШНСУ": "НЕТ",
                "Инновационный статус": "нет",
                "Ресурсный центр": "да",
                "Опорная площадка": "нет",
                "Договоры о сетевом взаимодействии": 0,
            },
        ]
    },
    "staff": {
        "Кадры": [
            {
                "Код работника": "007",
                "Код ОУ": "ОО-1",
                "Должность": "Педагог ",
                "Предмет": "математика",
                "Год рождения": "1990",
                "Педагогический стаж": "12,5",
                "Категория": "Высшая",
            },
            {
                "Код работника": 12,
                "Код ОУ": "12",
                "Должность": "заместитель  руководителя",
                "Год рождения": 1970,
                "Педагогический стаж": 30,
                "Категория": "первая",
            },
        ]
    },
    "courses": {
        "ДПО": [
            {
                "Код работника": "007",
                "Программа": "Обновлённый ФГОС",
                "Вид": "пк",
                "Объём, ч": "36",
                "Организация": "центр",
                "Современные требования": "да",
                "Направление": "фгос",
                "Финансирование": "бюджет",
                "Дата окончания": date(2023, 3, 15),
            },
            {
                "Код работника": "12",
                "Программа": "Менеджмент в образовании",
                "Вид": "ПП",
                "Объём, ч": 250.5,
                "Организация": "Региональная",
                "Современные требования": "Нет",
                "Направление": "управление",
                "Форма обучения": "очно-заочная",
                "Дата окончания": "20.11.2023",
            },
        ]
    },
    "competitions": {
        "Конкурсы педагогов": [
            {
                "Конкурс": "Учитель года",
                "Уровень": "Муниципальный",
                "Код работника": "007",
                "Результат": "призер",
            },
        ]
    },  # «Конкурсы ОУ» stays as the blank template left it: zero rows
    "associations": {
        "Реестр": [
            {
                "Код объединения": "ГПО-1",
                "Тип": "ГПО",
                "Наименование": "ГПО математиков",
                "Код ОУ базы": "ОО-1",
                "Принцип": "предметный",
            },
            {
                "Код объединения": "ШМП-1",
                "Тип": "шмп",
                "Наименование": "Школа молодого педагога",
                "Входит в": "ГПО-1",
                "Код ОУ базы": 12,
            },
        ],
        "Планы-отчёты": [
            {
                "Код объединения": "ГПО-1",
                "Постоянных участников": "10",
                "из них до 35 лет": 4,
                "Методических продуктов": 2,
                "Внедрено нового содержания, технологий": 1,
                "Организована ШМП": "да",
                "Стажировок": 0,
                "Участников конкурсов": 3,
                "Мероприятий": 5,
            },
        ],
        "Участники": [
            {"Код объединения": "ГПО-1", "Код работника": "007"},
            {"Код объединения": "ШМП-1", "Код работника": 12},
        ],
    },
    "centre": {
        "План": [{"Показатель": "centre_events", "План": "12"}],
        "Мероприятия": [
            {
                "Код мероприятия": "М-1",
                "Дата": date(2023, 4, 10),
                "Название": "Семинар по ФГОС",
                "Формат": "семинар",
                "Организатор": "центр",
                "Целевая группа": "Все",
                "Участников": 40,
            },
        ],
        "Методические продукты": [
            {
                "Код продукта": "П-1",
                "Название": "Сборник заданий",
                "Вид": "сборник",
                "Автор": "ГПО-1",
            },
        ],
    },
    "diagnostics": {
        "Дефициты": [
            {"Код работника": "007", "Область": "цифровая", "Балл": 45, "Дефицит": "да"},
            {"Код работника": 12, "Область": "Методическая", "Балл": "72,5", "Дефицит": "нет"},
        ],
        "Выгорание": [{"Код работника": "007", "Уровень": "Высокий"}],
    },
    "mentoring": {
        "Наставничество": [
            {"Наставник": 12, "Наставляемый": "007", "Дата начала": "01.09.2022"},
        ]
    },
    "measures": {
        "Меры": [
            {
                "Код меры": "УР-1",
                "Дата": date(2023, 2, 1),
                "Документ": "Приказ УО № 1",
                "Содержание": "Курсы для школ с низкими результатами",
                "Механизм": "формальное пк",
                "Адресаты": "ОО-1; ГПО-1",
                "Показатели": "pk_modern_3y;centre_events",
                "Ответственный": "методист Центра",
                "Срок": date(2023, 12, 31),
                "Статус": "выполнено",
            },
        ]
    },
}


def _fill(template: Path, target: Path, sheets: dict[str, list[dict[str, object]]]) -> None:
    """Type the rows under the headers of the template, as a person would, and save a copy."""
    wb = openpyxl.load_workbook(template)
    for name, rows in sheets.items():
        ws = wb[name]
        headers = [c.value for c in ws[1]]
        for row in rows:
            assert set(row) <= set(headers), set(row) - set(headers)
            ws.append([row.get(h) for h in headers])
    wb.save(target)


def _filled_raw(tmp_path: Path, processed_dir: Path | None) -> Path:
    """Blank templates of 2023 filled in with `FILLED`, saved as `<tmp>/filled/<form>.xlsx`."""
    forms = tmp_path / "forms"
    templates.write_templates(YEAR, forms, processed_dir)
    filled = tmp_path / "filled"
    filled.mkdir()
    for stem, sheets in FILLED.items():
        _fill(forms / f"{stem}.xlsx", filled / f"{stem}.xlsx", sheets)
    return filled


def _ingest(tmp_path: Path, capsys) -> Path:
    """Run ingest on `<tmp>/raw`; it must accept everything without a single warning."""
    from analysis.ingest import run_ingest

    out = tmp_path / "processed"
    assert run_ingest(tmp_path / "raw", out, tmp_path / "report") == 0
    assert "Ошибок нет, предупреждений: 0." in capsys.readouterr().out  # extra sheets: silent
    return out


def test_filled_templates_go_through_ingest(tmp_path, city, capsys):
    filled = _filled_raw(tmp_path, city)  # with reference sheets of 2022
    shutil.copytree(filled, tmp_path / "raw" / str(YEAR))
    _assert_processed(_ingest(tmp_path, capsys))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_templates_saved_by_libreoffice_go_through_ingest(tmp_path, city, capsys):
    filled = _filled_raw(tmp_path, city)
    raw = tmp_path / "raw" / str(YEAR)
    command = [
        "soffice",
        "--headless",
        f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(raw),
        *(str(p) for p in sorted(filled.glob("*.xlsx"))),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    assert len(list(raw.glob("*.xlsx"))) == len(FILLED)
    _assert_processed(_ingest(tmp_path, capsys))


def _assert_processed(out: Path) -> None:
    """The values of `FILLED` as ingest must store them (worked out by hand from the rows)."""
    inst = processed.read_table(out, YEAR, "institutions").set_index("inst_id")
    assert inst.index.tolist() == ["ОО-1", "12"]  # 12 typed as a number → «12»
    assert inst.loc["ОО-1", ["inst_type", "innovation"]].tolist() == ["ОО", "РИП"]
    assert inst["low_results"].tolist() == [True, False]  # «Да», «нет»
    assert inst["network_agreements"].tolist() == [3, 0]  # «3» typed as text
    staff = processed.read_table(out, YEAR, "staff").set_index("person_id")
    assert staff.index.tolist() == ["007", "12"]  # leading zeros kept
    assert staff["birth_year"].tolist() == [1990, 1970]
    assert staff["experience_years"].tolist() == [12.5, 30.0]  # «12,5»
    assert staff["position"].tolist() == ["педагог", "заместитель руководителя"]
    assert staff["category"].tolist() == ["высшая", "первая"]
    assert pd.isna(staff.loc["12", "subject"])
    courses = processed.read_table(out, YEAR, "courses")
    assert courses["kind"].tolist() == ["ПК", "ПП"]
    assert courses["hours"].tolist() == [36.0, 250.5]
    assert courses["provider"].tolist() == ["Центр", "региональная"]
    assert courses["modern"].tolist() == [True, False]
    assert courses["topic"].tolist() == ["ФГОС", "управление"]
    assert courses["end_date"].tolist() == [pd.Timestamp(2023, 3, 15), pd.Timestamp(2023, 11, 20)]
    assert pd.isna(courses.loc[1, "funding"]) and pd.isna(courses.loc[0, "study_form"])
    prizes = processed.read_table(out, YEAR, "competitions_staff")
    assert prizes["result"].tolist() == ["призёр"]  # typed «призер»
    assert len(processed.read_table(out, YEAR, "competitions_inst")) == 0  # left blank
    register = processed.read_table(out, YEAR, "associations")
    assert register["assoc_type"].tolist() == ["ГПО", "ШМП"]
    assert register["inst_id"].tolist() == ["ОО-1", "12"]
    plans = processed.read_table(out, YEAR, "plan_reports")
    assert plans[["participants", "participants_under_35"]].values.tolist() == [[10, 4]]
    assert plans["young_school"].tolist() == [True]
    assert processed.read_table(out, YEAR, "members")["person_id"].tolist() == ["007", "12"]
    assert processed.read_table(out, YEAR, "centre_plan")["plan"].tolist() == [12.0]
    events = processed.read_table(out, YEAR, "events")
    assert events[["organizer", "target_group"]].values.tolist() == [["Центр", "все"]]
    deficits = processed.read_table(out, YEAR, "deficits")
    assert deficits["score"].tolist() == [45.0, 72.5]
    assert deficits["area"].tolist() == ["цифровая", "методическая"]
    assert processed.read_table(out, YEAR, "burnout")["level"].tolist() == ["высокий"]
    mentoring = processed.read_table(out, YEAR, "mentoring")
    assert mentoring["start_date"].tolist() == [pd.Timestamp(2022, 9, 1)]  # text date
    measures = processed.read_table(out, YEAR, "measures")
    assert measures["mechanism"].tolist() == ["формальное ПК"]
    assert measures["targets"].tolist() == ["ОО-1;ГПО-1"]
    assert measures["deadline"].tolist() == [pd.Timestamp(2023, 12, 31)]


def test_codes_of_the_demo_city_never_reach_the_forms(tmp_path, city):
    # the same tables, recorded as the demo city: no reference of institutions or associations
    demo = tmp_path / "demo"
    processed.publish(
        demo,
        {2022: _city(2022, [("12", "Школа № 12", "ОО", "Южный")])},
        manifest_extra={2022: {processed.SOURCE: processed.SOURCE_DEMO}},
    )
    assert templates.load_references(demo, YEAR) == {}
    templates.write_templates(YEAR, tmp_path / "forms", demo)
    wb = openpyxl.load_workbook(tmp_path / "forms" / "staff.xlsx")
    assert wb.sheetnames == ["Инструкция", "Кадры"]
    assert any("не приложены" in t for t in _texts(wb["Инструкция"]))


def test_measures_form_lists_indicators_rules_and_addressees(with_reference):
    wb = openpyxl.load_workbook(with_reference / "measures.xlsx")
    ws = wb["Меры"]
    headers = [c.value for c in ws[1]]

    def dv(header: str) -> DataValidation:
        return _validation(ws, headers.index(header) + 1)

    # several codes are allowed («a;b»): Excel only informs, ingest checks each code
    assert (dv("Показатели").formula1.split("!")[0], dv("Показатели").errorStyle) == (
        "'Справочник показателей'",
        "information",
    )
    assert dv("Рекомендации").formula1.startswith("'Справочник рекомендаций'!$A$2")
    assert dv("Адресаты").formula1 == "'Справочник ОУ'!$A$2:$A$3"  # 2 schools of 2022
    rules = [[c.value for c in r] for r in wb["Справочник рекомендаций"].iter_rows()]
    assert rules[0][:2] == ["Код правила", "Рекомендация"]
    assert ["pk_lapsed", "Курсы ПК для работников с истёкшим трёхлетним сроком"] in [
        r[:2] for r in rules
    ]
    centre = openpyxl.load_workbook(with_reference / "centre.xlsx")
    plan = [[c.value for c in r][:2] for r in centre["Справочник показателей"].iter_rows()]
    assert [r[0] for r in plan[1:]] == list(contract.CENTRE_PLAN_INDICATORS)  # the plan's three
