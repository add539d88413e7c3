"""The Centre's documents (`analysis.documents`) on a tiny hand-made city, read back from the
files: the Word tables with python-docx, the workbooks with openpyxl.

The city of 2023 (worked by hand below): schools s1, s2 and the Centre c1; staff P1 (s1, born
2000: 23 years), P2 (s1, 1990: 33), P3 (s2, 1958: 65), P4 (s2, 1994), P5 (c1: the Centre's own),
P6 (s1, no course). Course rows:

    r1 P1 ПК Центр  очная          бюджет     «А» 36 h  modern
    r2 P1 ПК Центр  дистанционная  внебюджет  «Б» 72 h
    r3 P2 ПП Центр  заочная        бюджет     «В» 250 h modern
    r4 P3 ПК Центр  (none)         бюджет     «А» 36 h  modern
    r5 P4 ПК региональная …                   (not the Centre's)
    r6 P5 ПК Центр  очная          бюджет     «А» 36 h  modern (a Centre worker)
    r7 P9 ПК Центр  очная          (none)     «Б» 72 h  (not on the staff list)
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from analysis import documents, indicators
from analysis.book import yearly
from analysis.catalogue import CATALOGUE
from analysis.cli import main
from analysis.documents import assignment, form_1pk, self_assessment, writer
from analysis.processed import publish

YEAR = 2023


def _courses() -> pd.DataFrame:
    rows = [
        ("P1", "А", "ПК", 36.0, "Центр", True, "ФГОС", "очная", "бюджет"),
        ("P1", "Б", "ПК", 72.0, "Центр", False, "ИКТ", "дистанционная", "внебюджет"),
        ("P2", "В", "ПП", 250.0, "Центр", True, "предметное", "заочная", "бюджет"),
        ("P3", "А", "ПК", 36.0, "Центр", True, "ФГОС", None, "бюджет"),
        ("P4", "Г", "ПК", 24.0, "региональная", True, "ИКТ", "очная", "бюджет"),
        ("P5", "А", "ПК", 36.0, "Центр", True, "ФГОС", "очная", "бюджет"),
        ("P9", "Б", "ПК", 72.0, "Центр", False, "ИКТ", "очная", None),
    ]
    columns = ["person_id", "program", "kind", "hours", "provider", "modern", "topic"]
    frame = pd.DataFrame(rows, columns=[*columns, "study_form", "funding"])
    frame["end_date"] = pd.Timestamp(f"{YEAR}-05-20")
    return frame


def _tables() -> dict[str, pd.DataFrame]:
    institutions = pd.DataFrame(
        {
            "inst_id": ["s1", "s2", "c1"],
            "name": ["Школа № 1", "Школа № 2", "Центр"],
            "inst_type": ["ОО", "ОО", "ДПО"],
            "district": ["Север", "Юг", "Север"],
            "low_results": [False] * 3,
            "unfavourable": [False] * 3,
            "innovation": ["нет"] * 3,
            "resource_centre": [False] * 3,
            "support_site": [False] * 3,
            "network_agreements": [0] * 3,
        }
    )
    staff = pd.DataFrame(
        {
            "person_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
            "inst_id": ["s1", "s1", "s2", "s2", "c1", "s1"],
            "position": ["педагог"] * 6,
            "birth_year": [2000, 1990, 1958, 1994, 1980, 1985],
            "experience_years": [1.0, 10.0, 40.0, 5.0, 20.0, 15.0],
            "category": ["нет"] * 6,
        }
    )
    events = pd.DataFrame(
        {
            "event_id": ["E1", "E2", "E3"],
            "date": pd.to_datetime([f"{YEAR}-03-01"] * 3),
            "title": ["Семинар", "Вебинар", "Семинар школы"],
            "format": ["семинар", "вебинар", "семинар"],
            "organizer": ["Центр", "Центр", "s1"],
            "target_group": ["все"] * 3,
            "participants": [10, 25, 7],
        }
    )
    products = pd.DataFrame(
        {
            "product_id": ["M1", "M2", "M3"],
            "title": ['=HYPERLINK("http://x")', "Сборник", "Памятка"],
            "product_type": ["методические рекомендации", "сборник материалов", "=1+1"],
            "author": ["Центр", "s1", "Центр"],
        }
    )
    plan = pd.DataFrame(
        {
            "indicator_id": ["centre_person_hours", "centre_events", "centre_products"],
            "plan": [300.0, 2.0, 0.0],
        }
    )
    return {
        "institutions": institutions,
        "staff": staff,
        "courses": _courses(),
        "events": events,
        "products": products,
        "centre_plan": plan,
    }


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    processed = tmp_path_factory.mktemp("documents") / "processed"
    publish(processed, {YEAR: _tables()})
    return processed


@pytest.fixture(scope="module")
def written(city) -> Path:
    folder = city.parent / "out"
    tidy = indicators.compute_year(city, YEAR)
    paths = documents.write_year(city, YEAR, tidy, folder)
    assert sorted(p.name for p in paths) == sorted(
        f"{stem}.{ext}"
        for stem in ("municipal_assignment", "self_assessment", "form_1pk")
        for ext in ("docx", "xlsx")
    )
    return folder


def word_tables(path: Path) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in docx.Document(path).tables]


def word_text(path: Path) -> str:
    return "\n".join(p.text for p in docx.Document(path).paragraphs)


def sheet_rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


# --------------------------------------------------------------------------- the assignment


def test_assignment_plan_fact_percent_and_deviation(written):
    table = word_tables(written / "municipal_assignment.docx")[0]
    assert table[0][-1] == "Причины отклонения, пояснения (заполняет Центр)"
    # hours: plan 300, fact = Σ Centre ПК hours r1 r2 r4 r6 r7 = 36+72+36+36+72 = 252 →
    # 252/300 = 84.0 %, deviation −48; events 2 of 2 (E3 is the school's) → 100 %, 0;
    # products: plan 0, fact 2 (M1, M3) → no % of a zero plan, deviation +2
    assert [row[3:] for row in table[1:]] == [
        ["300", "252", "84,0", "\u221248", ""],
        ["2", "2", "100,0", "0", ""],
        ["0", "2", "—", "+2", ""],
    ]
    text = word_text(written / "municipal_assignment.docx")
    assert "выполнено (факт не ниже плана): 1 из 2" in text  # products: no % to judge
    assert "Ниже плана: Количество человеко-часов" in text
    assert "Пояснения к отклонениям от плана: ____" in text


def test_assignment_workbook_keeps_numbers_and_leaves_explanations_empty(written):
    rows = sheet_rows(written / "municipal_assignment.xlsx", assignment.SHEET)
    assert rows[0] == assignment.COLUMNS
    assert rows[1][0] == 1 and rows[1][3:] == (300, 252, 84.0, -48, None)
    assert rows[3][3:] == (0, 2, None, 2, None)


def test_assignment_without_a_plan_lists_the_facts_and_says_so():
    tidy = pd.DataFrame({"indicator_id": ["centre_events"], "level": ["centre"], "value": [5.0]})
    frame = assignment.plan_fact(None, tidy, CATALOGUE)
    assert frame["indicator_id"].tolist() == list(assignment.CENTRE_PLAN_INDICATORS)
    assert frame["plan"].isna().all() and frame["fact"].tolist()[1] == 5.0
    assert frame["percent"].isna().all() and frame["deviation"].isna().all()
    (sentence,) = assignment.summary(frame, plan_arrived=False, year=YEAR)
    assert sentence.startswith("Лист «План» формы centre.xlsx за 2023 год не поступил")


# --------------------------------------------------------------------------- self-assessment


def test_self_assessment_indicators_worked_by_hand(written):
    table = word_tables(written / "self_assessment.docx")[0]
    values = {row[0]: row[3] for row in table[1:]}
    # the Centre's rows r1 r2 r3 r4 r6 r7: 6 listeners, ПК 5, ПП 1 (r3)
    assert (values["1"], values["1.1"], values["1.2"]) == ("6", "5", "1")
    assert values["2"] == "5"  # P1 twice: P1 P2 P3 P5 P9
    assert (values["3"], values["3.1"], values["3.2"]) == ("3", "2", "1")  # А, Б (ПК); В (ПП)
    assert (values["4"], values["4.1"], values["4.2"]) == ("502", "252", "250")
    assert values["5"] == "60,0"  # modern among ПК rows: r1 r4 r6 of 5
    assert (values["6"], values["6.1"], values["7"]) == ("2", "35", "2")  # E1+E2: 10+25
    assert (values["8.1"], values["8.2"], values["8.3"]) == ("84,0", "100,0", "—")


def test_self_assessment_tables_and_text_from_forms_stays_text(written):
    tables = word_tables(written / "self_assessment.docx")
    programmes = tables[1]
    assert programmes[1:] == [
        ["А", "ПК", "3", "108"],
        ["Б", "ПК", "2", "144"],
        ["В", "ПП", "1", "250"],
    ]
    assert tables[3][1:] == [["семинар", "1", "10"], ["вебинар", "1", "25"]]
    path = written / "self_assessment.xlsx"
    assert openpyxl.load_workbook(path).sheetnames == [
        "Показатели",
        "Программы",
        "Направления",
        "Мероприятия",
        "Продукты",
    ]
    cells = list(openpyxl.load_workbook(path)["Продукты"].iter_rows(min_row=2))
    assert [(c[0].value, c[0].data_type, c[1].value) for c in cells] == [
        ("=1+1", "s", 1),  # a type from the form that looks like a formula: text
        ("методические рекомендации", "s", 1),
    ]


def test_self_assessment_names_the_forms_that_did_not_arrive():
    tidy = pd.DataFrame(columns=["indicator_id", "level", "value"])
    doc = self_assessment.document(None, None, None, None, tidy, CATALOGUE, YEAR)
    text = " ".join(b.text for b in doc.blocks if hasattr(b, "text"))
    assert "Не поступили формы: «ДПО» (courses.xlsx), «Мероприятия» (centre.xlsx)" in text
    values = doc.table("Показатели").frame["Значение"]
    assert values.isna().all()


# --------------------------------------------------------------------------- 1-ПК


def test_1pk_counts_the_city_s_staff_by_kind_form_and_funding(written):
    tables = word_tables(written / "form_1pk.docx")
    forms = {row[0]: row[3:] for row in tables[0][1:]}
    # counted: r1 r2 r3 r4 (r5 not the Centre's, r6 a Centre worker, r7 not on the staff list)
    assert forms["01"] == ["3", "2", "1", "0"]  # ПК: r1 r4 бюджет, r2 внебюджет
    assert forms["02"] == ["1", "1", "0", "0"]  # ПК очная: r1
    assert forms["05"] == ["1", "0", "1", "0"]  # ПК дистанционная: r2
    assert forms["06"] == ["1", "1", "0", "0"]  # ПК, form not given: r4
    assert forms["07"] == ["1", "1", "0", "0"]  # ПП: r3
    assert forms["10"] == ["1", "1", "0", "0"]  # ПП заочная: r3
    assert forms["13"] == ["4", "3", "1", "0"]
    assert [forms[k] for k in ("03", "04", "08", "09", "11", "12")] == [["0"] * 4] * 6
    ages = {row[1]: row[2:] for row in tables[1][1:]}
    assert ages["моложе 25 лет"] == ["2", "2", "0"]  # P1 (23) twice
    assert ages["30–34 года"] == ["1", "0", "1"]  # P2 (33), ПП
    assert ages["65 лет и старше"] == ["1", "1", "0"]  # P3 (65)
    assert ages["Всего"] == ["4", "3", "1"]
    text = word_text(written / "form_1pk.docx")
    assert "только работников муниципальных образовательных учреждений" in text
    assert "Не вошли в сведения курсов Центра: 2" in text  # r6, r7
    # 13 lines + 4 columns × 3 sums in table 1; 11 lines + 3 columns in table 2; 3 between them
    assert "Все контрольные соотношения формы выполнены (проверок: 42)" in text
    rows = sheet_rows(written / "form_1pk.xlsx", form_1pk.FORM_SHEET)
    assert rows[1] == ("01", "ПК (повышение квалификации)", "всего", 3, 2, 1, 0)


def test_a_broken_control_relation_is_reported_in_the_document(tmp_path):
    found = form_1pk.listeners(_courses(), _tables()["staff"], _tables()["institutions"], YEAR)
    forms, ages = form_1pk.by_form_and_funding(found.rows), form_1pk.by_age(found.rows)
    forms.loc[forms[form_1pk.LINE].eq("02"), "бюджет"] = 2  # line 02 (ПК очная): 1 → 2
    bad = form_1pk.failed(form_1pk.relations(forms, ages))
    # line 02: «Всего» 1 ≠ 2 + 0 + 0; column бюджет: line 01 = 2 ≠ lines 02–06 = 2+0+0+0+1
    assert bad[["Итог", "Сумма частей"]].values.tolist() == [[1, 2], [2, 3]]
    assert bad["Контрольное соотношение"].tolist() == [
        "табл. 1, стр. 02: гр. «Всего» = сумма граф по источникам финансирования",
        "табл. 1, гр. «бюджет»: стр. 01 = сумма стр. 02–06",
    ]
    (path, _) = writer.write(form_1pk.document_of(forms, ages, found.left_out, YEAR), tmp_path)
    text = word_text(path)
    assert "Не выполнены контрольные соотношения (2 из 42)" in text
    assert "табл. 1, гр. «бюджет»: стр. 01 = сумма стр. 02–06: итог 2, сумма частей 3." in text
    checks = word_tables(path)[2]
    assert sum(row[-1] == form_1pk.FAILED for row in checks) == 2


def test_1pk_without_courses_says_it_was_not_compiled(tmp_path):
    doc = form_1pk.document(None, _tables()["staff"], None, YEAR)
    assert doc.tables == []
    (word, book) = writer.write(doc, tmp_path)
    assert "Форма «ДПО» (courses.xlsx) за 2023 год не поступила" in word_text(word)
    assert sheet_rows(book, writer.NOTE_SHEET)[0] == (writer.NOTE_HEADER,)


# --------------------------------------------------------------------------- the files


def test_files_are_byte_stable_and_carry_the_year_s_fixed_time(written, city):
    tidy = indicators.compute_year(city, YEAR)
    again = city.parent / "again"
    documents.write_year(city, YEAR, tidy, again)
    for path in sorted(written.iterdir()):
        assert path.read_bytes() == (again / path.name).read_bytes(), path.name
    stamp = (YEAR, 12, 31, 0, 0, 0)
    with zipfile.ZipFile(written / "form_1pk.docx") as package:
        assert {info.date_time for info in package.infolist()} == {stamp}
    props = docx.Document(written / "form_1pk.docx").core_properties
    assert props.created == props.modified == dt.datetime(YEAR, 12, 31, tzinfo=dt.UTC)
    assert props.title == f"{form_1pk.TITLE} за {YEAR} год"


def test_the_command_writes_the_documents_and_refuses_a_year_without_data(city, tmp_path, capsys):
    assert (
        main(
            [
                "documents",
                "--year",
                str(YEAR),
                "--processed-dir",
                str(city),
                "--out-dir",
                str(tmp_path / "d"),
            ]
        )
        == 0
    )
    assert len(list((tmp_path / "d").glob("*.docx"))) == 3
    assert main(["documents", "--year", "2019", "--processed-dir", str(city)]) == 1
    assert "За 2019 год обработанных данных нет" in capsys.readouterr().err


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) не найден в PATH"
)
def test_libreoffice_opens_every_document(written, tmp_path):
    profile = (tmp_path / "lo-profile").as_uri()  # its own profile: no lock shared with others
    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *sorted(str(p) for p in written.glob("*.docx")),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pdfs = sorted(tmp_path.glob("*.pdf"))
    assert [p.stem for p in pdfs] == ["form_1pk", "municipal_assignment", "self_assessment"]
    assert all(p.read_bytes().startswith(b"%PDF") for p in pdfs)


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_the_year_s_exports_hold_the_documents_in_the_internal_profile_only(
    city, tmp_path, profile
):
    tidy = indicators.compute_year(city, YEAR)
    shown = yearly.for_profile(tidy, city, YEAR, profile, 5, tmp_path)
    folder = tmp_path / profile / str(YEAR)
    yearly.write_exports(tidy, shown, city, YEAR, profile, folder, 5, tmp_path)
    if profile == "public":  # the Centre's reports are not for the public book
        assert not (folder / documents.FOLDER).exists()
        return
    assert sorted(p.name for p in (folder / documents.FOLDER).iterdir()) == sorted(
        f"{s}.{e}"
        for s in ("form_1pk", "municipal_assignment", "self_assessment")
        for e in ("docx", "xlsx")
    )
