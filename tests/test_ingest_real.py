"""Forms as real spreadsheets write them (issue 10): one malformed workbook per class, built
here — as XML by hand where openpyxl cannot write the mistake — each asserting the message, the
exit status, and that raw and processed data are untouched."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from ingest_helpers import (
    YEAR,
    good_city,
    set_cell,
    snapshot,
    write_book,
    write_city,
    write_city_xml,
    xml_rows,
)
from openpyxl import Workbook, load_workbook

from analysis import processed
from analysis.ingest import run_ingest, sheetxml
from analysis.ingest.report import BY_FILE_DIR


def ingest(tmp_path: Path, capsys, raw: Path) -> tuple[int, list[str], list[str]]:
    """Ingest `raw` over a processed folder holding a previous good state; assert that a failed
    run changed neither raw nor processed. Returns status, stdout and stderr lines."""
    processed_dir = tmp_path / "processed"
    if not processed_dir.exists():  # the previous good state: the good city
        good = write_city(tmp_path / "good_raw", good_city())
        assert run_ingest(good, processed_dir, tmp_path / "r0", params_dir=tmp_path / "p") == 0
    capsys.readouterr()
    before_raw, before_processed = snapshot(raw), snapshot(processed_dir)
    status = run_ingest(raw, processed_dir, tmp_path / "report", params_dir=tmp_path / "params")
    captured = capsys.readouterr()
    assert snapshot(raw) == before_raw
    if status == 1:
        assert snapshot(processed_dir) == before_processed
    return status, captured.out.splitlines(), captured.err.splitlines()


def errors(out: list[str]) -> list[str]:
    """The problem lines (everything before the «Ошибок: …» summary)."""
    return out[: next(i for i, line in enumerate(out) if line.startswith("Ошибок"))]


# --- 1. Every cell accounted for ---------------------------------------------------------------


def test_formula_without_cached_value_is_an_error_naming_the_cell(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 3, "Год рождения", ("=", "1990+9", None))
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры › строка 3 › Год рождения: ячейка E3 — формула =1990+9 без "
            "вычисленного значения: откройте файл в Excel или LibreOffice и сохраните (или "
            "введите значение вместо формулы)"
        )
    ]


def test_formula_is_read_by_its_cached_value(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 3, "Год рождения", ("=", "1990+9", 1999))
    status, _, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 0
    staff = processed.read_table(tmp_path / "processed", YEAR, "staff")
    assert staff["birth_year"].tolist() == [1990, 1999, 2000]  # row 3 is P2: the cached 1999


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#Н/Д"])
def test_error_value_in_an_optional_column_is_not_dropped(tmp_path, capsys, error):
    city = good_city()
    set_cell(city, "staff", "Кадры", 2, "Предмет", ("#", error))  # optional column
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            f"2023/staff.xlsx › Кадры › строка 2 › Предмет: ячейка D2 — {error} — ошибка формулы: "
            "исправьте формулу или введите значение"
        )
    ]


@pytest.mark.parametrize("shown", ["#Н/Д", "#N/A", "#ЗНАЧ!"])
def test_error_value_pasted_as_text_is_an_error_too(tmp_path, capsys, shown):
    city = good_city()
    set_cell(city, "courses", "ДПО", 2, "Программа", shown)  # free text: would pass as a title
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            f"2023/courses.xlsx › ДПО › строка 2 › Программа: ячейка B2 — {shown} — ошибка "
            "формулы: исправьте формулу или введите значение"
        )
    ]


def test_a_row_of_errors_is_not_blank(tmp_path, capsys):
    city = good_city()
    rows = city["competitions"]["Конкурсы педагогов"]
    rows.append([("#", "#N/A")] * 4)  # a VLOOKUP gone wrong: row 3, every column
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 1
    lines = errors(out)
    # one line per column of row 3 (A…D), in column order
    assert [line.split(" — ")[0] for line in lines] == [
        f"2023/competitions.xlsx › Конкурсы педагогов › строка 3 › {h}: ячейка {c}3"
        for h, c in [("Конкурс", "A"), ("Уровень", "B"), ("Код работника", "C"), ("Результат", "D")]
    ]


# --- 2. Bounded by the data ------------------------------------------------------------------


def test_far_corner_cell_is_one_warning_and_the_data_is_read(tmp_path, capsys):
    city = good_city()
    tail = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    raw = write_city_xml(tmp_path / "raw", city, staff={"sheet_tail": {"Кадры": tail}})
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 0  # a warning never blocks; the three staff rows are published
    assert (
        "2023/staff.xlsx › Кадры › строка 1 — в ячейке XFD1048576 (далеко справа от таблицы) "
        "есть значение — пропущено; удалите его, если оно попало туда случайно"
    ) in out
    assert len(processed.read_table(tmp_path / "processed", YEAR, "staff")) == 3


def test_value_far_below_the_table_is_one_line(tmp_path, capsys):
    city = good_city()
    tail = '<row r="1048576"><c r="D1048576" t="inlineStr"><is><t>физика</t></is></c></row>'
    raw = write_city_xml(tmp_path / "raw", city, staff={"sheet_tail": {"Кадры": tail}})
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    # the table ends at row 4 (header + P1, P2, P3)
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры — строка 1048576 — далеко ниже таблицы, которая "
            "кончается на строке 4: вероятно, случайно заполненные или протянутые до конца листа "
            "ячейки — удалите эти строки"
        )
    ]


def test_repeated_problems_are_capped_per_column(tmp_path, capsys):
    city = good_city()
    rows = city["staff"]["Кадры"]
    for i in range(25):  # 25 more staff rows with the same wrong category
        rows.append([f"Q{i}", "ОУ-1", "педагог", None, 1990, 5, "вторая"])
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    lines = errors(out)
    assert len(lines) == 21  # the first 20 rows (5 … 24), then one summary line
    assert lines[0].startswith("2023/staff.xlsx › Кадры › строка 5 › Категория: вторая — ")
    assert lines[19].startswith("2023/staff.xlsx › Кадры › строка 24 › Категория: вторая — ")
    assert lines[20] == "2023/staff.xlsx › Кадры › Категория — и ещё 5 строк с той же ошибкой"
    assert out[len(lines)].startswith("Ошибок: 25,")  # the count still says 25


def test_sheet_larger_than_a_form_can_be_is_refused(tmp_path, capsys, monkeypatch):
    good = write_city(tmp_path / "good_raw", good_city())  # the previous good state, first
    assert run_ingest(good, tmp_path / "processed", tmp_path / "r0", params_dir=tmp_path) == 0
    # the limit is 200 MB; a smaller one here proves the same code path without 200 MB of XML
    monkeypatch.setattr(sheetxml, "MAX_SHEET_XML_BYTES", 4000)
    city = good_city()
    rows = city["staff"]["Кадры"]
    rows += [[f"Q{i}", "ОУ-1", "педагог", None, 1990, 5, "первая"] for i in range(40)]
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры — лист слишком велик для формы: 0 МБ данных в распакованном "
            "виде (допустимо до 0 МБ) — файл повреждён или содержит лишние заполненные строки и "
            "столбцы: удалите их и сохраните книгу"
        )
    ]


# --- 3. Progress -------------------------------------------------------------------------------


def test_a_progress_line_per_file(tmp_path, capsys):
    status, _, err = ingest(tmp_path, capsys, write_city(tmp_path / "raw", good_city()))
    assert status == 0
    assert "Чтение 2023/staff.xlsx" in err
    assert len([line for line in err if line.startswith("Чтение ")]) == 9  # nine forms


# --- 4. Unicode --------------------------------------------------------------------------------


def test_decomposed_letters_are_read_as_composed(tmp_path, capsys):
    city = good_city()
    nfd = unicodedata.normalize("NFD", "призёр")  # as macOS writes it: е + U+0308
    assert nfd != "призёр"
    set_cell(city, "competitions", "Конкурсы педагогов", 2, "Результат", nfd)
    set_cell(city, "staff", "Кадры", 2, "Предмет", unicodedata.normalize("NFD", "всё"))
    status, _, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 0
    staff = processed.read_table(tmp_path / "processed", YEAR, "staff")
    assert staff["subject"].tolist()[0] == "всё"  # NFC: one code point for ё


def test_latin_look_alikes_name_the_letters_and_the_value_meant(tmp_path, capsys):
    city = good_city()
    set_cell(city, "institutions", "Учреждения", 2, "Тип", "OO")  # two Latin O
    set_cell(city, "staff", "Кадры", 2, "Категория", "высшaя")  # a Latin a
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/institutions.xlsx › Учреждения › строка 2 › Тип: OO — недопустимое значение; "
            "похоже на «ОО» — латинская буква O: наберите кириллицей; допустимы: ОО, ДОО, УДО, ДПО"
        ),
        (
            "2023/staff.xlsx › Кадры › строка 2 › Категория: высшaя — недопустимое значение; "
            "похоже на «высшая» — латинская буква a: наберите кириллицей; допустимы: нет, "
            "соответствие, первая, высшая"
        ),
    ]


def test_invisible_character_in_a_code_is_shown(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 2, "Код работника", "P1\u200b")
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out)[0] == (
        "2023/staff.xlsx › Кадры › строка 2 › Код работника: P1⟨невидимый символ U+200B⟩ — "
        "в коде невидимый символ U+200B — удалите"
    )


def test_cyrillic_letter_in_a_reference_suggests_the_code(tmp_path, capsys):
    city = good_city()
    set_cell(city, "associations", "Участники", 2, "Код работника", "Р1")  # Cyrillic Р
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/associations.xlsx › Участники › строка 2 › Код работника: Р1 — нет такого "
            "значения в столбце «Код работника» листа «Кадры» за 2023 год; похоже на «P1» — "
            "кириллическая буква Р: наберите латиницей"
        )
    ]


# --- 5. Causes named -----------------------------------------------------------------------------


def test_form_as_file_and_folder_is_refused_in_one_line(tmp_path, capsys):
    city = good_city()
    raw = write_city(tmp_path / "raw", city)
    write_book(raw / "2023" / "staff" / "school1.xlsx", city["staff"])
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff — форма «staff» прислана дважды (папка 2023/staff/ и файл "
            "2023/staff.xlsx): данные не объединяются — оставьте что-то одно"
        )
    ]


def test_title_rows_above_the_header_are_named(tmp_path, capsys):
    city = good_city()
    rows = city["staff"]["Кадры"]
    rows[:0] = [["Сведения о кадрах на 01.09.2023"], [None]]  # a title, then a blank row
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры — заголовки таблицы найдены в строке 3, а должны быть в "
            "первой строке: удалите строки 1–2 над таблицей"
        )
    ]


def test_merged_cells_are_named(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 3, "Код ОУ", None)  # B3 is covered by the merged B2:B3
    raw = write_city_xml(tmp_path / "raw", city, staff={"merged": {"Кадры": ["B2:B3"]}})
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры › строка 3 › Код ОУ — не заполнено обязательное поле: ячейка "
            "входит в объединённую область B2:B3, значение есть только в её первой ячейке — "
            "отмените объединение и заполните каждую строку"
        )
    ]


def test_merged_cells_written_by_openpyxl_are_named_too(tmp_path, capsys):
    city = good_city()
    raw = write_city(tmp_path / "raw", city)
    path = raw / "2023" / "staff.xlsx"
    book = load_workbook(path)
    book["Кадры"].merge_cells("B2:B3")  # openpyxl empties B3, as Excel does
    book.save(path)
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    assert errors(out)[0].startswith(
        "2023/staff.xlsx › Кадры › строка 3 › Код ОУ — не заполнено обязательное поле: ячейка "
        "входит в объединённую область B2:B3"
    )


def test_totals_row_is_one_line(tmp_path, capsys):
    city = good_city()
    city["staff"]["Кадры"].append(["Итого:", None, None, None, None, 43.5, None])
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры › строка 5 — строка итогов («Итого», «Всего») — удалите её: "
            "итоги не вводятся в форму, их считает отчёт"
        )
    ]


def test_excel_serial_in_a_date_column_names_the_missing_format(tmp_path, capsys):
    city = good_city()
    # 44927 is 01.01.2023; + 31 (January) + 28 (February) = 44986 → 01.03.2023
    set_cell(city, "courses", "ДПО", 2, "Дата окончания", 44986)
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/courses.xlsx › ДПО › строка 2 › Дата окончания: 44986 — число 44986 — в ячейке "
            "не задан формат даты (это 01.03.2023?): задайте ячейке формат «Дата» или введите "
            "ДД.ММ.ГГГГ"
        )
    ]


def test_what_worked_still_works_through_the_xml_reader(tmp_path, capsys):
    """Columns in another order, decimal commas, thousands separators, dates with a time, a
    hidden-row-like gap and a formula anywhere (which sends the sheet to `sheetxml`)."""
    city = good_city()
    rows = city["staff"]["Кадры"]
    order = [6, 0, 5, 4, 3, 2, 1]  # reversed-ish column order
    city["staff"]["Кадры"] = [[row[i] for i in order] for row in rows]
    set_cell(city, "staff", "Кадры", 2, "Педагогический стаж", "1\u00a02,5")  # no-break space
    set_cell(city, "courses", "ДПО", 2, "Дата окончания", dt.date(2023, 3, 1))
    set_cell(city, "staff", "Кадры", 4, "Год рождения", ("=", "1999+1", 2000))
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 0, out
    staff = processed.read_table(tmp_path / "processed", YEAR, "staff")
    assert staff["person_id"].tolist() == ["P1", "P2", "P3"]
    assert staff["experience_years"].tolist() == [12.5, 30.0, 1.0]  # «1 2,5» (NBSP) → 12,5
    assert staff["birth_year"].tolist() == [1990, 1970, 2000]
    courses = processed.read_table(tmp_path / "processed", YEAR, "courses")
    assert courses["end_date"].dt.strftime("%d.%m.%Y").tolist() == ["01.03.2023", "15.05.2023"]


# --- 6. Per-school feedback ---------------------------------------------------------------------


def test_each_source_file_gets_its_own_workbook_of_corrections(tmp_path, capsys):
    city = good_city()
    raw = write_city(tmp_path / "raw", city)
    (raw / "2023" / "staff.xlsx").unlink()
    header, p1, p2, p3 = city["staff"]["Кадры"]
    write_book(raw / "2023" / "staff" / "Школа 1.xlsx", {"Кадры": [header, p1, p3]})
    bad = list(p2)
    bad[6] = "вторая"
    write_book(raw / "2023" / "staff" / "Школа 12.xlsx", {"Кадры": [header, bad]})
    status, _, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    folder = tmp_path / "report" / BY_FILE_DIR
    assert sorted(p.name for p in folder.iterdir()) == ["2023_staff_Школа 12.xlsx"]
    sheet = load_workbook(folder / "2023_staff_Школа 12.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:6] == ("ошибка", "2023/staff/Школа 12.xlsx", "Кадры", 2, "Категория", "вторая")
    assert len(rows) == 2  # header + the one problem of this school


# --- reader agreement ------------------------------------------------------------------------


@pytest.mark.parametrize("stem", ["staff", "courses", "associations", "measures"])
def test_xml_reader_gives_what_calamine_gives(tmp_path, stem):
    """The same workbook (written by openpyxl, as users' tools do) read both ways."""
    from python_calamine import CalamineWorkbook

    city = good_city()
    book_path = write_book(tmp_path / f"{stem}.xlsx", city[stem])
    package = sheetxml.Package(str(book_path))
    calamine = CalamineWorkbook.from_path(str(book_path))
    for name in city[stem]:
        expected = calamine.get_sheet_by_name(name).to_python(skip_empty_area=False)
        got = {n: row for n, row in package.iter_rows(name, sheetxml.SheetRows())}
        for number, row in enumerate(expected, start=1):
            mine = got.get(number, [])
            dense = [
                mine[i] if i < len(mine) and mine[i] is not None else "" for i in range(len(row))
            ]
            assert dense == row, (name, number)


def test_openpyxl_book_without_formulas_goes_to_calamine(tmp_path):
    book = Workbook()
    book.active.append(["a", 1, dt.date(2023, 1, 2)])
    book.save(tmp_path / "b.xlsx")
    package = sheetxml.Package(str(tmp_path / "b.xlsx"))
    assert not package.scan("Sheet").suspect
    book.active["D1"] = "=A1"
    book.save(tmp_path / "b.xlsx")
    assert sheetxml.Package(str(tmp_path / "b.xlsx")).scan("Sheet").suspect


def test_xml_rows_helper_round_trip():
    assert xml_rows([["a", 1]]) == (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1"><v>1</v></c></row>'
    )


# --- bounded: peak memory of the whole command, measured in a child process -------------------

_PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=open(sys.argv[0] + '.out', 'w'),"
    " stderr=subprocess.DEVNULL).returncode\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)
MAX_PEAK_KB = 1024 * 1024  # the issue's bound: 1 GB


def run_cli_peak(tmp_path: Path, raw: Path) -> tuple[int, int, list[str]]:
    """Run `python -m analysis ingest` in a child; its exit status, peak RSS (KB) and stdout."""
    import subprocess
    import sys

    script = tmp_path / "peak.py"
    script.write_text(_PEAK)
    command = [
        sys.executable,
        str(script),
        sys.executable,
        "-m",
        "analysis",
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(tmp_path / "processed"),
        "--report-dir",
        str(tmp_path / "report"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True)
    status, peak = (int(x) for x in done.stdout.split())
    return status, peak, (tmp_path / "peak.py.out").read_text().splitlines()


def test_a_column_filled_to_the_last_row_ends_bounded_with_a_short_list(tmp_path):
    city = good_city()

    def pasted_down():  # «педагог» in C5 … C1048576, the last row Excel has
        for start in range(5, 1_048_577, 50_000):
            yield "".join(
                f'<row r="{n}"><c r="C{n}" t="inlineStr"><is><t>педагог</t></is></c></row>'
                for n in range(start, min(start + 50_000, 1_048_577))
            )

    raw = write_city_xml(
        tmp_path / "raw", {"staff": city["staff"]}, staff={"sheet_tail": {"Кадры": pasted_down()}}
    )
    write_city(raw, {k: v for k, v in city.items() if k != "staff"})
    assert (raw / "2023" / "staff.xlsx").stat().st_size < 10 * 1024 * 1024  # a "10 MB" file
    before = snapshot(raw)
    status, peak, out = run_cli_peak(tmp_path, raw)
    assert status == 1
    assert peak < MAX_PEAK_KB
    assert snapshot(raw) == before and not (tmp_path / "processed").exists()
    # rows 5 … 1 048 576 = 1 048 572 rows lack 5 required values each: 20 shown per column,
    # then «и ещё 1 048 552» per column → 5 × 21 lines, then the count and the report line
    assert len(out) == 5 * 21 + 2
    assert "2023/staff.xlsx › Кадры › Код работника — и ещё 1048552 строки с той же ошибкой" in out
    assert out[-2].startswith(f"Ошибок: {5 * 1_048_572},")


def test_far_corner_cell_cannot_make_memory_follow_the_sheet(tmp_path):
    city = good_city()
    tail = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    raw = write_city_xml(tmp_path / "raw", city, staff={"sheet_tail": {"Кадры": tail}})
    status, peak, out = run_cli_peak(tmp_path, raw)
    assert status == 0  # calamine would have asked for 512 GiB and aborted the process
    assert peak < MAX_PEAK_KB
    assert any("в ячейке XFD1048576 (далеко справа от таблицы)" in line for line in out)


def test_a_header_row_filled_far_to_the_right_gives_a_short_list(tmp_path, capsys):
    city = good_city()
    header = city["staff"]["Кадры"][0]
    header += [f"Лишний {i}" for i in range(300)]  # H1 … KU1: 300 unknown headers
    status, out, _ = ingest(tmp_path, capsys, write_city_xml(tmp_path / "raw", city))
    assert status == 0
    warnings = [line for line in out if line.startswith("2023/staff.xlsx")]
    # columns H … IV (249 of them) are unknown columns: 20 lines + one summary; the 51 cells
    # right of IV (column 256) are far cells: 20 lines + one summary
    assert len(warnings) == 21 + 21
    assert "2023/staff.xlsx › Кадры › строка 1 — и ещё 229 неизвестных столбцов — пропущены" in out
    assert (
        "2023/staff.xlsx › Кадры › строка 1 — и ещё 31 столбец далеко справа от таблицы со "
        "значениями — пропущены"
    ) in out


def test_a_demo_city_read_all_through_the_xml_reader_gives_the_same_tables(tmp_path, monkeypatch):
    """Every sheet of a small demo city (written by openpyxl) read by `sheetxml` instead of
    calamine: the processed tables are identical, value for value and type for type."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    import pandas as pd

    from analysis.demo import generate

    raw = tmp_path / "raw"
    generate(raw, [2022, 2023], 0, 0.05, "xlsx")

    def quiet_ingest(target: Path) -> int:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
            return run_ingest(raw, target, tmp_path / "report", params_dir=tmp_path / "params")

    assert quiet_ingest(tmp_path / "calamine") == 0
    scan = sheetxml.Package.scan
    monkeypatch.setattr(
        sheetxml.Package,
        "scan",
        lambda self, name: sheetxml.SheetScan(scan(self, name).size, True),
    )
    assert quiet_ingest(tmp_path / "xml") == 0
    tables = sorted((tmp_path / "calamine").rglob("*.parquet"))
    assert len(tables) > 20
    for path in tables:
        other = tmp_path / "xml" / path.relative_to(tmp_path / "calamine")
        pd.testing.assert_frame_equal(pd.read_parquet(path), pd.read_parquet(other))


def test_a_block_far_below_the_table_is_one_line(tmp_path, capsys):
    city = good_city()
    tail = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P{n}</t></is></c></row>'
        for n in (5000, 5001, 5002)
    )
    raw = write_city_xml(tmp_path / "raw", city, staff={"sheet_tail": {"Кадры": tail}})
    status, out, _ = ingest(tmp_path, capsys, raw)
    assert status == 1
    # 4 995 blank rows (5 … 4999) separate them from the table: more than 1 000
    assert errors(out) == [
        (
            "2023/staff.xlsx › Кадры — строки 5000–5002 (3 непустые) — далеко ниже таблицы, "
            "которая кончается на строке 4: вероятно, случайно заполненные или протянутые до "
            "конца листа ячейки — удалите эти строки"
        )
    ]


def test_data_without_any_header_row_says_where_the_first_filled_row_is(tmp_path, capsys):
    city = good_city()
    rows = city["mentoring"]["Наставничество"]
    city["mentoring"]["Наставничество"] = [[None, None, None], [None, None, None], rows[1]]
    status, out, _ = ingest(tmp_path, capsys, write_city(tmp_path / "raw", city))
    assert status == 1
    assert errors(out) == [
        (
            "2023/mentoring.xlsx › Наставничество — первая строка пуста, а заголовков таблицы нет "
            "и ниже (первая заполненная строка — 3): заголовки должны быть в первой строке"
        )
    ]
