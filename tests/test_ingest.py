"""Ingest of good workbooks: values and types, tolerated spellings, folders, report, safety."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import YEAR, good_city, set_cell, snapshot, write_book, write_city
from openpyxl import load_workbook
from openpyxl.styles import Font

from analysis import paths, processed
from analysis.errors import UserError
from analysis.ingest import run_ingest


def run(tmp_path: Path, capsys, raw: Path) -> tuple[int, list[str]]:
    """Ingest `raw` into tmp_path/processed; the exit status and the printed lines."""
    status = run_ingest(
        raw, tmp_path / "processed", tmp_path / "report", params_dir=tmp_path / "params"
    )
    return status, capsys.readouterr().out.splitlines()


def table(tmp_path: Path, name: str):
    return processed.read_table(tmp_path / "processed", YEAR, name)


def test_good_city_is_published_with_contract_types(tmp_path, capsys):
    status, out = run(tmp_path, capsys, write_city(tmp_path / "raw", good_city()))
    assert status == 0
    # 3 institutions + 3 staff + 2 courses + 2 competitions + 2+1+2 associations
    # + 2+2+1 centre + 2+2 diagnostics + 1 mentoring + 2 measures = 27 rows
    assert out[0].startswith("2023: форм 9 из 9, строк 27 (institutions 3, staff 3")
    staff = table(tmp_path, "staff")
    assert staff["person_id"].tolist() == ["P1", "P2", "P3"]
    assert staff["inst_id"].tolist() == ["ОУ-1", "12", "ОУ-1"]  # number cell 12 → "12"
    assert staff["experience_years"].tolist() == [12.5, 30.0, 1.0]  # "12,5" → 12.5
    assert staff["experience_years"].dtype == "float64"
    assert staff["birth_year"].dtype == "int64"
    assert staff["subject"].isna().tolist() == [False, True, False]  # optional, left blank
    institutions = table(tmp_path, "institutions")
    assert institutions["low_results"].tolist() == [True, False, False]  # да/нет → bool
    assert institutions["low_results"].dtype == bool
    assert institutions["network_agreements"].tolist() == [2, 0, 1]  # text "0" → 0
    courses = table(tmp_path, "courses")
    # a real Excel date and the text 15.05.2023
    assert courses["end_date"].tolist() == [pd_ts(2023, 3, 1), pd_ts(2023, 5, 15)]
    assert str(courses["end_date"].dtype) == "datetime64[ms]"
    assert courses["person_id"].tolist() == ["P1", "P9"]  # ДПО is not checked against Кадры
    events = table(tmp_path, "events")
    assert events["date"].tolist() == [pd_ts(2023, 4, 10), pd_ts(2023, 5, 1)]  # ГГГГ-ММ-ДД text
    measures = table(tmp_path, "measures")
    # targets and indicator lists are trimmed and stored as "a;b" in canonical spelling
    assert measures["targets"].tolist() == ["ШНОР;район:Ленинский", "все"]
    assert measures["indicator_ids"].tolist() == ["pk_modern_3y;age_under_35", "young_mentored"]
    mentoring = table(tmp_path, "mentoring")
    assert mentoring["start_date"].tolist() == [pd_ts(2022, 9, 1)]  # before y is allowed
    manifest = processed.load_manifest(tmp_path / "processed")["years"][str(YEAR)]
    assert manifest["forms_missing"] == []


def pd_ts(year: int, month: int, day: int):
    import pandas as pd

    return pd.Timestamp(year, month, day)


def test_hand_typed_spellings_are_accepted_and_stored_canonically(tmp_path, capsys):
    city = good_city()
    staff = city["staff"].pop("Кадры")
    staff[0] = [
        " код  работника",
        "Код ОУ ",
        "ДОЛЖНОСТЬ",
        "предмет",
        "Год\nрождения",
        "Педагогический\u00a0стаж",
        "категория",
    ]
    staff[1][2] = "Педагог "  # case and a stray space
    staff[2][6] = "ВЫСШАЯ"
    staff[3][4] = "2000"  # a year typed as text
    city["staff"]["  КАДРЫ "] = staff  # sheet name matched after normalization too
    city["courses"]["ДПО"][0][3] = "Объем,  ч"  # ё → е and two spaces
    set_cell(city, "courses", "ДПО", 2, "Современные требования", "Да")
    set_cell(city, "competitions", "Конкурсы педагогов", 2, "Результат", "Призер")  # ё missing
    set_cell(city, "centre", "Мероприятия", 2, "Организатор", "центр")
    set_cell(city, "measures", "Меры", 2, "Адресаты", " шнор ;Район: ленинский;тип:доо; ")
    status, out = run(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 0, out
    assert table(tmp_path, "staff")["position"].tolist() == ["педагог", "руководитель", "педагог"]
    assert table(tmp_path, "staff")["category"].tolist() == ["первая", "высшая", "нет"]
    assert table(tmp_path, "staff")["birth_year"].tolist() == [1990, 1970, 2000]
    assert table(tmp_path, "courses")["hours"].tolist() == [36.0, 250.0]
    assert table(tmp_path, "courses")["modern"].tolist() == [True, False]
    assert table(tmp_path, "competitions_staff")["result"].tolist() == ["призёр"]
    assert table(tmp_path, "events")["organizer"].tolist() == ["Центр", "ГПО-1"]
    assert table(tmp_path, "measures")["targets"].tolist()[0] == "ШНОР;район:Ленинский;тип:ДОО"


def test_blank_rows_are_skipped_and_rows_keep_excel_numbers(tmp_path, capsys):
    city = good_city()
    rows = city["staff"]["Кадры"]
    rows.insert(2, [None] * 7)  # row 3 blank
    rows.insert(3, ["  ", None, "", None, None, None, None])  # row 4 only spaces
    rows.append([None] * 7)  # trailing blank row
    raw = write_city(tmp_path / "raw", city)
    status, _ = run(tmp_path, capsys, raw)
    assert status == 0
    assert table(tmp_path, "staff")["person_id"].tolist() == ["P1", "P2", "P3"]
    # P2 now sits in Excel row 5: a mistake there is reported as row 5
    set_cell(city, "staff", "Кадры", 5, "Категория", "нулевая")
    write_city(raw, city)
    status, out = run(tmp_path, capsys, raw)
    assert status == 1
    assert (
        "2023/staff.xlsx › Кадры › строка 5 › Категория: нулевая — недопустимое значение; "
        "допустимы: нет, соответствие, первая, высшая" in out
    )


def test_formatted_trailing_rows_and_header_only_sheet(tmp_path, capsys):
    city = good_city()
    city["mentoring"]["Наставничество"] = city["mentoring"]["Наставничество"][:1]  # header only
    raw = write_city(tmp_path / "raw", city)
    book = load_workbook(raw / "2023" / "staff.xlsx")
    book["Кадры"]["C40"].number_format = "0.00"  # formatting left far below the data
    book["Кадры"]["C40"].font = Font(bold=True)
    book.save(raw / "2023" / "staff.xlsx")
    status, out = run(tmp_path, capsys, raw)
    assert status == 0, out
    assert len(table(tmp_path, "staff")) == 3
    mentoring = table(tmp_path, "mentoring")  # a header and no rows = zero rows, still present
    assert len(mentoring) == 0 and list(mentoring.columns) == [
        "mentor_id",
        "mentee_id",
        "start_date",
    ]


def test_form_as_a_folder_of_workbooks_is_read_together(tmp_path, capsys):
    city = good_city()
    header, p1, p2, p3 = city["staff"].pop("Кадры")
    raw = write_city(tmp_path / "raw", {k: v for k, v in city.items() if k != "staff"})
    write_book(raw / "2023" / "staff" / "school_1.xlsx", {"Кадры": [header, p1, p3]})
    write_book(raw / "2023" / "staff" / "school_12.XLSX", {"Кадры": [header, p2]})
    (raw / "2023" / "staff" / "~$school_1.xlsx").write_bytes(b"lock")  # Excel lock file
    status, out = run(tmp_path, capsys, raw)
    assert status == 0, out
    assert table(tmp_path, "staff")["person_id"].tolist() == ["P1", "P3", "P2"]
    assert out == [
        (
            "2023: форм 9 из 9, строк 27 (institutions 3, staff 3, courses 2, competitions 2, "
            "associations 5, centre 5, diagnostics 4, mentoring 1, measures 2)"
        ),
        f"Ошибок нет, предупреждений: 0. Обработанные данные записаны: {tmp_path / 'processed'}",
        f"Отчёт о проверке: {tmp_path / 'report' / 'validation.html'}",
    ]


def test_stray_files_and_folders_are_warnings(tmp_path, capsys):
    raw = write_city(tmp_path / "raw", good_city())
    (raw / "README.md").write_text("о данных")  # allowed at the top
    (raw / "архив").mkdir()
    (raw / "2023" / "заметки.txt").write_text("—")
    set_cell_book = raw / "2023" / "staff.xlsx"
    book = load_workbook(set_cell_book)
    book["Кадры"]["H1"] = "Телефон"
    book["Кадры"]["H2"] = "123"
    book.create_sheet("Инструкция")  # unknown sheets are ignored silently
    book.save(set_cell_book)
    status, out = run(tmp_path, capsys, raw)
    assert status == 0
    assert out[1:4] == [
        "архив — имя папки не является годом (ожидается, например, 2023) — папка пропущена",
        (
            "2023/заметки.txt — файл не соответствует ни одной форме (ожидаются: institutions.xlsx, "
            "staff.xlsx, courses.xlsx, competitions.xlsx, associations.xlsx, centre.xlsx, "
            "diagnostics.xlsx, mentoring.xlsx, measures.xlsx) — пропущен(а)"
        ),
        (
            "2023/staff.xlsx › Кадры › строка 1 › Телефон — неизвестный столбец (столбец H) — "
            "пропущен; проверьте написание заголовка"
        ),
    ]


def test_raw_files_are_never_changed(tmp_path, capsys):
    city = good_city()
    raw = write_city(tmp_path / "raw", city)
    before = snapshot(raw)
    assert run(tmp_path, capsys, raw)[0] == 0
    set_cell(city, "staff", "Кадры", 2, "Год рождения", "давно")
    write_city(raw, city)
    before_bad = snapshot(raw)
    assert run(tmp_path, capsys, raw)[0] == 1
    assert snapshot(raw) == before_bad
    assert set(before) == set(before_bad)


def test_failed_ingest_leaves_previous_processed_folder_byte_identical(tmp_path, capsys):
    city = good_city()
    raw = write_city(tmp_path / "raw", city)
    assert run(tmp_path, capsys, raw)[0] == 0
    before = snapshot(tmp_path / "processed")
    set_cell(city, "courses", "ДПО", 2, "Объём, ч", -1)
    write_city(raw, city)
    status, out = run(tmp_path, capsys, raw)
    assert status == 1
    assert "2023/courses.xlsx › ДПО › строка 2 › Объём, ч: -1 — должно быть больше 0" in out
    assert snapshot(tmp_path / "processed") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed", "raw", "report"]


def test_validation_report_lists_every_problem_in_html_and_xlsx(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 2, "Категория", "<script>alert(1)</script>")
    set_cell(city, "courses", "ДПО", 3, "Вид", "курс")
    del city["mentoring"]
    status, out = run(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    # errors first (in form order: staff before courses), then the warning
    assert out[:3] == [
        (
            "2023/staff.xlsx › Кадры › строка 2 › Категория: <script>alert(1)</script> — "
            "недопустимое значение; допустимы: нет, соответствие, первая, высшая"
        ),
        "2023/courses.xlsx › ДПО › строка 3 › Вид: курс — недопустимое значение; допустимы: ПК, ПП",
        (
            "2023 — нет формы «Наставничество» (mentoring.xlsx или папка mentoring/): показатели по "
            "ней будут «нет данных»"
        ),
    ]
    page = (tmp_path / "report" / "validation.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "Вид" in page and "курс" in page and "Наставничество" in page
    assert "http" not in page and "<link" not in page and " src=" not in page
    rows = list(load_workbook(tmp_path / "report" / "validation.xlsx").active.values)
    assert rows[0] == ("уровень", "файл", "лист", "строка", "столбец", "значение", "проблема")
    assert rows[2] == (
        "ошибка",
        "2023/courses.xlsx",
        "ДПО",
        3,
        "Вид",
        "курс",
        "недопустимое значение; допустимы: ПК, ПП",
    )
    assert rows[3][:2] == ("предупреждение", "2023")
    assert len(rows) == 4


def test_report_is_written_on_success_too(tmp_path, capsys):
    assert run(tmp_path, capsys, write_city(tmp_path / "raw", good_city()))[0] == 0
    page = (tmp_path / "report" / "validation.html").read_text(encoding="utf-8")
    assert "Данные приняты: ошибок нет, предупреждений 0." in page
    rows = list(load_workbook(tmp_path / "report" / "validation.xlsx").active.values)
    assert len(rows) == 1  # the header only


def test_cli_prints_russian_lines_without_traceback(tmp_path):
    city = good_city()
    set_cell(city, "staff", "Кадры", 3, "Год рождения", 1900)
    raw = write_city(tmp_path / "raw", city)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "ingest",
            "--raw-dir",
            str(raw),
            "--processed-dir",
            str(tmp_path / "processed"),
            "--report-dir",
            str(tmp_path / "rep"),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=paths.PROJECT_ROOT,
        timeout=120,
    )
    assert result.returncode == 1
    # y − 80 … y − 16 for 2023 is 1943–2007
    assert (
        "2023/staff.xlsx › Кадры › строка 3 › Год рождения: 1900 — вне допустимого "
        "диапазона 1943–2007" in result.stdout
    )
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "processed").exists()


@pytest.mark.parametrize("when", [dt.date(2023, 1, 1), dt.date(2023, 12, 31)])
def test_year_edges_are_within_the_year(tmp_path, capsys, when):
    city = good_city()
    set_cell(city, "courses", "ДПО", 2, "Дата окончания", when)
    assert run(tmp_path, capsys, write_city(tmp_path / "raw", city))[0] == 0


def test_output_folders_inside_the_raw_folder_are_refused(tmp_path):
    raw = write_city(tmp_path / "raw", good_city())
    with pytest.raises(UserError, match="внутри папки исходных данных"):
        run_ingest(raw, raw / "processed", tmp_path / "report")
    assert not (raw / "processed").exists()


def test_default_report_folder_is_resolved_from_the_package_not_the_cwd(tmp_path):
    """Run from another folder without --report-dir: the report goes to <output>/validation
    (here the output folder the notebooks use, moved by ANALYSIS_OUTPUT_DIR so the test does
    not touch the project's own), and nothing at all is written in the working directory."""
    import os

    raw = write_city(tmp_path / "raw", good_city())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    output = tmp_path / "output"
    env = dict(os.environ, **{paths.ENV_OUTPUT: str(output)})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "ingest",
            "--raw-dir",
            str(raw),
            "--processed-dir",
            str(tmp_path / "processed"),
        ],
        check=False,
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(elsewhere.iterdir()) == []
    assert (output / "validation" / "validation.html").is_file()
    assert (output / "validation" / "validation.xlsx").is_file()
    assert not (output / "public").exists()


def test_report_folder_inside_the_public_release_is_refused(tmp_path):
    raw = write_city(tmp_path / "raw", good_city())
    with pytest.raises(UserError, match="внутри публичной папки"):
        run_ingest(raw, tmp_path / "processed", paths.OUTPUT / "public" / "validation")
    assert not (paths.OUTPUT / "public" / "validation").exists()
    assert not (tmp_path / "processed").exists()


def test_lock_and_system_files_are_skipped_silently(tmp_path, capsys):
    raw = write_city(tmp_path / "raw", good_city())
    for name in ("~$staff.xlsx", "Thumbs.db", ".DS_Store", "desktop.ini"):
        (raw / "2023" / name).write_bytes(b"\x00junk")
    status, out = run(tmp_path, capsys, raw)
    assert status == 0
    assert out[1].startswith("Ошибок нет, предупреждений: 0.")
