"""One malformed input per kind of mistake: the message names file, sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import YEAR, drop_column, good_city, set_cell, snapshot, write_book, write_city

from analysis import processed
from analysis.ingest import run_ingest


def run(
    tmp_path: Path,
    capsys,
    city: dict | None = None,
    *,
    raw: Path | None = None,
    params_dir: Path | None = None,
) -> tuple[int, list[str]]:
    """Ingest a city (or a prepared raw folder); the exit status and the printed lines."""
    if raw is None:
        raw = write_city(tmp_path / "raw", city)
    status = run_ingest(
        raw,
        tmp_path / "processed",
        tmp_path / "report",
        params_dir=params_dir or tmp_path / "params",
    )
    return status, capsys.readouterr().out.splitlines()


REF = "нет такого значения в столбце «{}» листа «{}» за 2023 год"
NOT_ORG = "нет такого учреждения или объединения (ожидается «Центр», код ОУ или код объединения)"
UNKNOWN_TARGET = (
    "неизвестный адресат: ожидается «все» или через «;»: коды ОУ, коды объединений, "
    "район:<название>, тип:<ОО|ДОО|УДО|ДПО>, ШНОР, ШНСУ"
)

# (form, sheet, Excel row, header, bad value, the line expected)
CELL_MISTAKES = [
    (
        "staff",
        "Кадры",
        2,
        "Год рождения",
        "тысяча",
        "2023/staff.xlsx › Кадры › строка 2 › Год рождения: тысяча — ожидается целое число",
    ),
    (
        "staff",
        "Кадры",
        2,
        "Педагогический стаж",
        "12 лет",
        "2023/staff.xlsx › Кадры › строка 2 › Педагогический стаж: 12 лет — ожидается число",
    ),
    (
        "institutions",
        "Учреждения",
        3,
        "Договоры о сетевом взаимодействии",
        1.5,
        (
            "2023/institutions.xlsx › Учреждения › строка 3 › Договоры о сетевом взаимодействии: 1,5 "
            "— ожидается целое число"
        ),
    ),
    (
        "institutions",
        "Учреждения",
        2,
        "ШНОР",
        "возможно",
        "2023/institutions.xlsx › Учреждения › строка 2 › ШНОР: возможно — ожидается «да» или «нет»",
    ),
    (
        "courses",
        "ДПО",
        2,
        "Дата окончания",
        "1 марта",
        (
            "2023/courses.xlsx › ДПО › строка 2 › Дата окончания: 1 марта — ожидается дата ДД.ММ.ГГГГ "
            "или ГГГГ-ММ-ДД"
        ),
    ),
    (
        "courses",
        "ДПО",
        2,
        "Дата окончания",
        "31.02.2023",
        (
            "2023/courses.xlsx › ДПО › строка 2 › Дата окончания: 31.02.2023 — такой даты нет в "
            "календаре"
        ),
    ),
    (
        "staff",
        "Кадры",
        4,
        "Категория",
        "вторая",
        (
            "2023/staff.xlsx › Кадры › строка 4 › Категория: вторая — недопустимое значение; "
            "допустимы: нет, соответствие, первая, высшая"
        ),
    ),
    (
        "staff",
        "Кадры",
        3,
        "Педагогический стаж",
        71,
        "2023/staff.xlsx › Кадры › строка 3 › Педагогический стаж: 71 — должно быть не больше 70",
    ),
    (
        "courses",
        "ДПО",
        3,
        "Объём, ч",
        0,
        "2023/courses.xlsx › ДПО › строка 3 › Объём, ч: 0 — должно быть больше 0",
    ),
    (
        "diagnostics",
        "Дефициты",
        2,
        "Балл",
        "100,5",
        "2023/diagnostics.xlsx › Дефициты › строка 2 › Балл: 100,5 — должно быть не больше 100",
    ),
    (
        "associations",
        "Планы-отчёты",
        2,
        "Стажировок",
        -1,
        (
            "2023/associations.xlsx › Планы-отчёты › строка 2 › Стажировок: -1 — должно быть не "
            "меньше 0"
        ),
    ),
    # birth year for 2023: y − 80 = 1943 … y − 16 = 2007
    (
        "staff",
        "Кадры",
        2,
        "Год рождения",
        1942,
        (
            "2023/staff.xlsx › Кадры › строка 2 › Год рождения: 1942 — вне допустимого диапазона "
            "1943–2007"
        ),
    ),
    (
        "staff",
        "Кадры",
        2,
        "Год рождения",
        2008,
        (
            "2023/staff.xlsx › Кадры › строка 2 › Год рождения: 2008 — вне допустимого диапазона "
            "1943–2007"
        ),
    ),
    (
        "staff",
        "Кадры",
        2,
        "Код ОУ",
        None,
        "2023/staff.xlsx › Кадры › строка 2 › Код ОУ — не заполнено обязательное поле",
    ),
    (
        "associations",
        "Планы-отчёты",
        2,
        "из них до 35 лет",
        11,
        (
            "2023/associations.xlsx › Планы-отчёты › строка 2 › из них до 35 лет: 11 — больше, чем "
            "«Постоянных участников» (10)"
        ),
    ),
    (
        "courses",
        "ДПО",
        2,
        "Дата окончания",
        "31.12.2022",
        "2023/courses.xlsx › ДПО › строка 2 › Дата окончания: 31.12.2022 — дата не в 2023 году",
    ),
    (
        "measures",
        "Меры",
        3,
        "Дата",
        "2024-01-01",
        "2023/measures.xlsx › Меры › строка 3 › Дата: 2024-01-01 — дата не в 2023 году",
    ),
    (
        "mentoring",
        "Наставничество",
        2,
        "Дата начала",
        "2024-01-01",
        (
            "2023/mentoring.xlsx › Наставничество › строка 2 › Дата начала: 2024-01-01 — дата позже "
            "31.12.2023"
        ),
    ),
    (
        "centre",
        "Мероприятия",
        3,
        "Целевая группа",
        "родители",
        (
            "2023/centre.xlsx › Мероприятия › строка 3 › Целевая группа: родители — недопустимое "
            "значение; допустимы: молодые педагоги, руководители, заместители руководителей, "
            "учителя-предметники, педагоги ДОО, педагоги УДО, все"
        ),
    ),
    (
        "centre",
        "План",
        2,
        "Показатель",
        "centre_hours",
        (
            "2023/centre.xlsx › План › строка 2 › Показатель: centre_hours — недопустимое значение; "
            "допустимы: centre_person_hours, centre_events, centre_products"
        ),
    ),
    # references of every kind
    (
        "staff",
        "Кадры",
        2,
        "Код ОУ",
        "ОУ-99",
        "2023/staff.xlsx › Кадры › строка 2 › Код ОУ: ОУ-99 — "
        + REF.format("Код ОУ", "Учреждения"),
    ),
    (
        "competitions",
        "Конкурсы педагогов",
        2,
        "Код работника",
        "P99",
        "2023/competitions.xlsx › Конкурсы педагогов › строка 2 › Код работника: P99 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "competitions",
        "Конкурсы ОУ",
        2,
        "Код ОУ",
        13,
        "2023/competitions.xlsx › Конкурсы ОУ › строка 2 › Код ОУ: 13 — "
        + REF.format("Код ОУ", "Учреждения"),
    ),
    (
        "associations",
        "Реестр",
        3,
        "Входит в",
        "ГПО-9",
        "2023/associations.xlsx › Реестр › строка 3 › Входит в: ГПО-9 — "
        + REF.format("Код объединения", "Реестр"),
    ),
    (
        "associations",
        "Реестр",
        3,
        "Код ОУ базы",
        "ОУ-7",
        "2023/associations.xlsx › Реестр › строка 3 › Код ОУ базы: ОУ-7 — "
        + REF.format("Код ОУ", "Учреждения"),
    ),
    (
        "associations",
        "Планы-отчёты",
        2,
        "Код объединения",
        "ГПО-2",
        "2023/associations.xlsx › Планы-отчёты › строка 2 › Код объединения: ГПО-2 — "
        + REF.format("Код объединения", "Реестр"),
    ),
    (
        "associations",
        "Участники",
        3,
        "Код работника",
        "P7",
        "2023/associations.xlsx › Участники › строка 3 › Код работника: P7 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "centre",
        "Мероприятия",
        3,
        "Организатор",
        "ГПО-3",
        f"2023/centre.xlsx › Мероприятия › строка 3 › Организатор: ГПО-3 — {NOT_ORG}",
    ),
    (
        "centre",
        "Методические продукты",
        2,
        "Автор",
        "Центр методический",
        (
            f"2023/centre.xlsx › Методические продукты › строка 2 › Автор: Центр методический — "
            f"{NOT_ORG}"
        ),
    ),
    (
        "diagnostics",
        "Дефициты",
        3,
        "Код работника",
        "P4",
        "2023/diagnostics.xlsx › Дефициты › строка 3 › Код работника: P4 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "diagnostics",
        "Выгорание",
        3,
        "Код работника",
        "P5",
        "2023/diagnostics.xlsx › Выгорание › строка 3 › Код работника: P5 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "mentoring",
        "Наставничество",
        2,
        "Наставник",
        "P0",
        "2023/mentoring.xlsx › Наставничество › строка 2 › Наставник: P0 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "mentoring",
        "Наставничество",
        2,
        "Наставляемый",
        "P8",
        "2023/mentoring.xlsx › Наставничество › строка 2 › Наставляемый: P8 — "
        + REF.format("Код работника", "Кадры"),
    ),
    (
        "measures",
        "Меры",
        2,
        "Адресаты",
        "ОУ-1;ХХХ",
        f"2023/measures.xlsx › Меры › строка 2 › Адресаты: ХХХ — {UNKNOWN_TARGET}",
    ),
    (
        "measures",
        "Меры",
        2,
        "Адресаты",
        "район:Заречный",
        (
            "2023/measures.xlsx › Меры › строка 2 › Адресаты: район:Заречный — нет такого района в "
            "листе «Учреждения»"
        ),
    ),
    (
        "measures",
        "Меры",
        2,
        "Адресаты",
        "тип:СОШ",
        (
            "2023/measures.xlsx › Меры › строка 2 › Адресаты: тип:СОШ — нет такого типа учреждения "
            "(допустимы: ОО, ДОО, УДО, ДПО)"
        ),
    ),
    (
        "measures",
        "Меры",
        2,
        "Адресаты",
        "все;ОУ-1",
        (
            "2023/measures.xlsx › Меры › строка 2 › Адресаты: все;ОУ-1 — «все» нельзя сочетать с "
            "другими адресатами"
        ),
    ),
    (
        "measures",
        "Меры",
        3,
        "Показатели",
        "young_mentored;no_such_indicator",
        (
            "2023/measures.xlsx › Меры › строка 3 › Показатели: no_such_indicator — нет такого "
            "показателя в каталоге показателей"
        ),
    ),
    (
        "measures",
        "Меры",
        3,
        "Показатели",
        "age_under_30, age_under_35",
        (
            "2023/measures.xlsx › Меры › строка 3 › Показатели: age_under_30, age_under_35 — нет "
            "такого показателя в каталоге показателей; разделяйте коды знаком «;»"
        ),
    ),
]


@pytest.mark.parametrize(
    "stem, sheet, row, header, value, expected",
    CELL_MISTAKES,
    ids=[f"{m[0]}-{m[3]}-{m[4]}" for m in CELL_MISTAKES],
)
def test_cell_mistake_is_one_exact_error_line(
    tmp_path, capsys, stem, sheet, row, header, value, expected
):
    city = good_city()
    set_cell(city, stem, sheet, row, header, value)
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == expected
    assert (
        out[1] == f"Ошибок: 1, предупреждений: 0. Обработанные данные не изменены "
        f"({tmp_path / 'processed'})."
    )
    assert not (tmp_path / "processed").exists()


def test_every_problem_is_reported_not_only_the_first(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 2, "Год рождения", 1900)
    set_cell(city, "staff", "Кадры", 4, "Должность", "учитель")
    set_cell(city, "measures", "Меры", 2, "Статус", "отменено")
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert [line.split(" — ")[0] for line in out[:3]] == [
        "2023/staff.xlsx › Кадры › строка 2 › Год рождения: 1900",
        "2023/staff.xlsx › Кадры › строка 4 › Должность: учитель",
        "2023/measures.xlsx › Меры › строка 2 › Статус: отменено",
    ]
    assert out[3].startswith("Ошибок: 3, предупреждений: 0.")


def test_duplicate_person_across_two_files_of_a_folder_names_both(tmp_path, capsys):
    city = good_city()
    header, p1, p2, p3 = city["staff"].pop("Кадры")
    raw = write_city(tmp_path / "raw", {k: v for k, v in city.items() if k != "staff"})
    write_book(raw / "2023" / "staff" / "school_1.xlsx", {"Кадры": [header, p1, p3]})
    write_book(raw / "2023" / "staff" / "school_12.xlsx", {"Кадры": [header, p2, list(p1)]})
    status, out = run(tmp_path, capsys, raw=raw)
    assert status == 1
    assert out[0] == (
        "2023/staff/school_12.xlsx › Кадры › строка 3 › Код работника: P1 — "
        "значение должно быть уникальным: уже есть в 2023/staff/school_1.xlsx, "
        "строка 2"
    )


def test_duplicate_id_within_one_file(tmp_path, capsys):
    city = good_city()
    set_cell(city, "institutions", "Учреждения", 4, "Код ОУ", "12")  # the text "12" = number 12
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/institutions.xlsx › Учреждения › строка 4 › Код ОУ: 12 — значение "
        "должно быть уникальным: уже есть в строке 3"
    )


def test_person_area_pair_must_be_unique(tmp_path, capsys):
    city = good_city()
    city["diagnostics"]["Дефициты"].append(["P1", "Предметная", 50, "нет"])  # row 4
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/diagnostics.xlsx › Дефициты › строка 4 › Код работника + Область: "
        "P1 + предметная — такое сочетание должно встречаться один раз: уже есть в "
        "строке 2"
    )


def test_repeated_member_pair_is_only_a_warning(tmp_path, capsys):
    city = good_city()
    city["associations"]["Участники"].append(["ГПО-1", "P1"])  # row 4 repeats row 2
    status, out = run(tmp_path, capsys, city)
    assert status == 0
    assert (
        "2023/associations.xlsx › Участники › строка 4 › Код объединения + Код работника: "
        "ГПО-1 + P1 — повторяющаяся запись: уже есть в строке 2"
    ) in out
    assert len(processed.read_table(tmp_path / "processed", YEAR, "members")) == 3


def test_assoc_id_equal_to_an_inst_id_is_an_error(tmp_path, capsys):
    city = good_city()
    set_cell(city, "associations", "Реестр", 3, "Код объединения", 12)
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/associations.xlsx › Реестр › строка 3 › Код объединения: 12 — код "
        "объединения совпадает с кодом учреждения (2023/institutions.xlsx, лист "
        "«Учреждения», строка 3); коды объединений и учреждений не должны совпадать"
    )


def test_unknown_recommendation_id_when_rules_exist(tmp_path, capsys):
    params = tmp_path / "params"
    params.mkdir()
    (params / "recommendations.yaml").write_text(
        "- id: pk_lapsed\n  text: x\n- id: mentor\n", encoding="utf-8"
    )
    city = good_city()
    set_cell(city, "measures", "Меры", 2, "Рекомендации", "pk_lapsed; nope")
    set_cell(city, "measures", "Меры", 3, "Рекомендации", "MENTOR")  # matched like other codes
    status, out = run(tmp_path, capsys, city, params_dir=params)
    assert status == 1
    assert out[0] == (
        "2023/measures.xlsx › Меры › строка 2 › Рекомендации: nope — нет такого "
        "правила в params/recommendations.yaml"
    )
    assert out[1].startswith("Ошибок: 1,")


def test_recommendation_ids_are_not_checked_without_rules_file(tmp_path, capsys):
    city = good_city()
    set_cell(city, "measures", "Меры", 2, "Рекомендации", "any_rule")
    assert run(tmp_path, capsys, city)[0] == 0


def test_missing_required_column(tmp_path, capsys):
    city = good_city()
    drop_column(city, "staff", "Кадры", "Категория")
    drop_column(city, "staff", "Кадры", "Предмет")  # optional: its absence is fine
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/staff.xlsx › Кадры › Категория — нет обязательного столбца "
        "(заголовки — в первой строке листа)"
    )
    assert out[1].startswith("Ошибок: 1,")  # no cascade of reference errors


def test_missing_sheet(tmp_path, capsys):
    city = good_city()
    city["competitions"]["Лист1"] = city["competitions"].pop("Конкурсы ОУ")
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/competitions.xlsx — нет листа «Конкурсы ОУ» (листы книги: "
        "«Конкурсы педагогов», «Лист1»)"
    )
    assert out[1].startswith("Ошибок: 1,")


def test_empty_sheet_without_header_row(tmp_path, capsys):
    city = good_city()
    city["diagnostics"]["Выгорание"] = []
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/diagnostics.xlsx › Выгорание — лист пуст: нет строки заголовков "
        "(заголовки — в первой строке)"
    )
    assert out[1].startswith("Ошибок: 1,")


def test_header_not_in_first_row(tmp_path, capsys):
    city = good_city()
    city["mentoring"]["Наставничество"].insert(0, [None, None, None])
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/mentoring.xlsx › Наставничество — заголовки таблицы найдены в строке 2, а должны "
        "быть в первой строке: удалите строку 1 над таблицей"
    )
    assert out[1].startswith("Ошибок: 1,")  # one line, not one per missing column


def _spoil(tmp_path: Path, name: str, content: bytes) -> Path:
    """The good city with 2023/staff.xlsx replaced by a file `name` holding `content`."""
    raw = write_city(tmp_path / "raw", good_city())
    (raw / "2023" / "staff.xlsx").unlink()
    (raw / "2023" / name).write_bytes(content)
    return raw


BAD_FILES = [
    (
        "staff.xlsx",
        "truncated",
        "2023/staff.xlsx — файл повреждён: книга Excel не открывается (сохраните её заново как .xlsx)",
    ),
    (
        "staff.xlsx",
        b"person_id;inst_id\nP1;1\n",
        "2023/staff.xlsx — файл не является книгой Excel (.xlsx) или повреждён",
    ),
    ("staff.xlsx", b"", "2023/staff.xlsx — файл пуст (0 байт): это не книга Excel"),
    (
        "Staff.XLS",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
        (
            "2023/Staff.XLS — старый формат Excel (.xls) не читается: откройте файл в Excel или "
            "LibreOffice и сохраните как «Книга Excel (.xlsx)»"
        ),
    ),
    (
        "staff.csv",
        b"person_id\nP1\n",
        (
            "2023/staff.csv — файл не является книгой Excel (.xlsx): сохраните форму как «Книга Excel "
            "(.xlsx)»"
        ),
    ),
]


@pytest.mark.parametrize(
    "name, content, expected", BAD_FILES, ids=["corrupt", "not-a-workbook", "empty", "xls", "csv"]
)
def test_bad_file_is_one_clear_line(tmp_path, capsys, name, content, expected):
    if content == "truncated":
        good = write_book(tmp_path / "good.xlsx", good_city()["staff"]).read_bytes()
        content = good[: len(good) // 2]
    raw = _spoil(tmp_path, name, content)
    status, out = run(tmp_path, capsys, raw=raw)
    assert status == 1
    assert out[0] == expected
    assert out[1].startswith("Ошибок: 1,")
    assert not any("Traceback" in line for line in out)


def test_missing_form_is_a_warning_and_checks_needing_it_are_skipped(tmp_path, capsys):
    city = good_city()
    del city["staff"]
    set_cell(city, "mentoring", "Наставничество", 2, "Наставник", "P0")  # cannot be checked
    status, out = run(tmp_path, capsys, city)
    assert status == 0
    assert (
        "2023 — нет формы «Кадры» (staff.xlsx или папка staff/): показатели по ней будут «нет "
        "данных»" in out
    )
    assert (
        "2023/mentoring.xlsx › Наставничество › Наставник — нет формы «Кадры» (staff.xlsx) "
        "за 2023 год — проверка ссылок пропущена"
    ) in out
    assert processed.read_table(tmp_path / "processed", YEAR, "staff") is None
    manifest = processed.load_manifest(tmp_path / "processed")["years"][str(YEAR)]
    assert manifest["forms_missing"] == ["staff"]


def test_empty_form_folder_means_missing_form(tmp_path, capsys):
    city = good_city()
    del city["mentoring"]
    raw = write_city(tmp_path / "raw", city)
    (raw / "2023" / "mentoring").mkdir()
    status, out = run(tmp_path, capsys, raw=raw)
    assert status == 0
    assert any(line.startswith("2023 — нет формы «Наставничество»") for line in out)


def test_no_years_at_all_is_an_error(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("—")
    status, out = run(tmp_path, capsys, raw=raw)
    assert status == 1
    assert out[0] == (
        f"{raw} — нет ни одной папки года: формы ожидаются как <год>/<форма>.xlsx, "
        "например 2023/staff.xlsx"
    )


def test_missing_raw_folder_is_an_error(tmp_path, capsys):
    status, out = run(tmp_path, capsys, raw=tmp_path / "нет")
    assert status == 1
    assert out[0] == f"{tmp_path / 'нет'} — папка исходных данных не найдена"


def test_failed_file_in_a_folder_keeps_other_files_checked(tmp_path, capsys):
    city = good_city()
    header, p1, p2, p3 = city["staff"].pop("Кадры")
    raw = write_city(tmp_path / "raw", {k: v for k, v in city.items() if k != "staff"})
    write_book(raw / "2023" / "staff" / "a.xlsx", {"Кадры": [header, p1, p2, p3]})
    (raw / "2023" / "staff" / "b.xlsx").write_bytes(b"not a workbook")
    write_book(
        raw / "2023" / "staff" / "c.xlsx",
        {"Кадры": [header, ["P4", 12, "директор", None, 1980, 10, "нет"]]},
    )
    before = snapshot(raw)
    status, out = run(tmp_path, capsys, raw=raw)
    assert status == 1
    assert out[:2] == [
        "2023/staff/b.xlsx — файл не является книгой Excel (.xlsx) или повреждён",
        (
            "2023/staff/c.xlsx › Кадры › строка 2 › Должность: директор — недопустимое значение; "
            "допустимы: педагог, руководитель, заместитель руководителя"
        ),
    ]
    assert snapshot(raw) == before


def test_outliers_are_warnings_naming_the_cell(tmp_path, capsys):
    city = good_city()
    # P3 born 2000 is 23 in 2023: at most 23 − 16 = 7 years of experience; 9 is suspicious.
    set_cell(city, "staff", "Кадры", 4, "Педагогический стаж", 9)
    set_cell(city, "courses", "ДПО", 2, "Объём, ч", 7200)  # 72 h typed with two extra zeros
    status, out = run(tmp_path, capsys, city)
    assert status == 0  # outliers never block
    assert (
        "2023/staff.xlsx › Кадры › строка 4 › Педагогический стаж: 9 — стаж больше, чем возможно"
        " при годе рождения 2000 (работа с 16 лет): проверьте"
    ) in out
    assert any(
        line.startswith("2023/courses.xlsx › ДПО › строка 2 › Объём, ч: 7200 — необычно большое")
        for line in out
    )
    # 7 years at age 23 is possible: no warning at the edge
    city = good_city()
    set_cell(city, "staff", "Кадры", 4, "Педагогический стаж", 7)
    status, out = run(tmp_path / "edge", capsys, city)
    assert not any("стаж больше" in line for line in out)
