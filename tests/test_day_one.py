"""Day one with real data: the README's «Свои данные» followed by a new analyst, end to end.

The demo city (2022–2023, as `make book` makes it) is built first; then the analyst removes it,
writes blank forms with `templates`, fills them for a tiny real city of 2024 (filled here with
openpyxl), ingests and builds again; then a school sends a broken file for 2025. The book is
built with the project's real 03 and 04 notebooks and one tiny page, internal profile.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from book_helpers import ALPHA, Links, links, write_notebooks

from analysis import ingest_status, paths, processed
from analysis.book import build
from analysis.book.site import DEMO_NOTE, book_notices
from analysis.cli import main
from analysis.params.recommendations import load_rules
from analysis.reader import YearData
from analysis.recommendations import person_lists, recommend, texts
from analysis.recommendations.lists import withheld_reason

pytestmark = pytest.mark.slow

REAL = 2024
# The tiny real city: three institutions, six staff. Courses of 2024 only (the analyst did not
# load 2022–2023): two people with a modern ПК course → pk_modern_3y city 2 of 6 = 33,3 %,
# flagged incomplete_window (the window 2022–2024 reaches before the data).
INSTITUTIONS = [
    ["ШК-7", "МОУ «Школа № 7»", "ОО", "Заречный", "нет", "нет", "нет", "нет", "нет", 0],
    ["ШК-9", "МОУ «Школа № 9»", "ОО", "Заречный", "да", "нет", "нет", "нет", "нет", 1],
    ["ДС-4", "МДОУ «Детский сад № 4»", "ДОО", "Нагорный", "нет", "нет", "нет", "нет", "нет", 0],
]
STAFF = [
    ["Р-001", "ШК-7", "руководитель", None, 1975, 25, "высшая"],
    ["Р-002", "ШК-7", "педагог", "математика", 1990, 10, "первая"],
    ["Р-003", "ШК-7", "педагог", "физика", 1999, 2, "нет"],
    ["Р-004", "ШК-9", "педагог", "история", 1985, 15, "высшая"],
    ["Р-005", "ШК-9", "педагог", "химия", 1995, 5, "соответствие"],
    ["Р-006", "ДС-4", "педагог", None, 1988, 12, "первая"],
]
COURSES = [
    ["Р-002", "Цифровая школа", "ПК", 72, "Центр", "да", "ИКТ", "очная", "бюджет", "15.05.2024"],
    ["Р-004", "Обновлённые ФГОС", "ПК", 36, "региональная", "да", "ФГОС", None, None, "20.10.2024"],
]


# The courses of the two years before (README «Свои данные», step 4): Р-001 on management in
# 2022, Р-003 in 2023 (both ПК, modern).
HISTORY = {
    2022: [
        [
            "Р-001",
            "Управление школой",
            "ПК",
            72,
            "Центр",
            "да",
            "управление",
            None,
            None,
            "10.03.2022",
        ]
    ],
    2023: [
        [
            "Р-003",
            "Физика: новые задачи",
            "ПК",
            36,
            "Центр",
            "да",
            "предметное",
            None,
            None,
            "01.12.2023",
        ]
    ],
}


def fill(form: Path, sheet: str, rows: list[list]) -> None:
    """Fill a blank form the way a school does: rows under the header, the workbook saved."""
    wb = openpyxl.load_workbook(form)
    ws = wb[sheet]
    for row in rows:
        ws.append(row)
    wb.save(form)


def cli(*args: str) -> int:
    return main([str(a) for a in args])


@pytest.fixture(scope="module")
def walk(tmp_path_factory):
    """Every stage of the walkthrough; the test functions read what each stage left."""
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("day-one")
    raw, proc, out = root / "raw", root / "processed", root / "output"
    report = out / "validation"
    notebooks = write_notebooks(root / "notebooks", {"00_alpha": ALPHA})
    for stem in ("03_monitoring", "04_analysis"):
        shutil.copy(paths.NOTEBOOKS / f"{stem}.ipynb", notebooks / f"{stem}.ipynb")

    def book() -> int:
        return build(
            profile="internal", jobs=2, processed_dir=proc, output_dir=out, notebooks_dir=notebooks
        )

    seen: dict[str, object] = {}
    # 0. a fresh clone: `make book` makes the demo city and builds it
    generate(raw, [2022, 2023], 0, 0.02, "xlsx")
    assert cli("ingest", "--raw-dir", raw, "--processed-dir", proc, "--report-dir", report) == 0
    seen["demo_manifest"] = json.loads((proc / "manifest.json").read_text(encoding="utf-8"))
    assert book() == 0
    seen["demo_index"] = (out / "internal" / "index.html").read_text(encoding="utf-8")
    seen["demo_page"] = (out / "internal" / "2023" / "00_alpha.html").read_text(encoding="utf-8")

    # 1. blank forms — data/processed still holds the demo: its codes must not reach the forms
    assert (
        cli("templates", "--year", REAL, "--out-dir", root / "forms", "--processed-dir", proc) == 0
    )
    # 2. the demo years leave data/raw; the filled forms arrive
    for year_dir in (raw / "2022", raw / "2023"):
        shutil.rmtree(year_dir)
    year_dir = raw / str(REAL)
    year_dir.mkdir()
    for stem in ("institutions", "staff", "courses"):
        shutil.copy(root / "forms" / f"{stem}.xlsx", year_dir / f"{stem}.xlsx")
    fill(year_dir / "institutions.xlsx", "Учреждения", INSTITUTIONS)
    fill(year_dir / "staff.xlsx", "Кадры", STAFF)
    fill(year_dir / "courses.xlsx", "ДПО", COURSES)
    # 3. ingest, 4. the book
    assert cli("ingest", "--raw-dir", raw, "--processed-dir", proc, "--report-dir", report) == 0
    seen["real_manifest"] = json.loads((proc / "manifest.json").read_text(encoding="utf-8"))
    assert book() == 0
    seen["real_index"] = (out / "internal" / "index.html").read_text(encoding="utf-8")
    # the first year as it stands now (later stages load more): data, pages, workbooks
    shutil.copytree(proc, root / "first" / "processed")
    shutil.copytree(out / "internal" / "2024", root / "first" / "2024")
    # next year's forms now carry the real codes
    assert (
        cli(
            "templates",
            "--year",
            REAL + 1,
            "--out-dir",
            root / "forms-next",
            "--processed-dir",
            proc,
        )
        == 0
    )

    # 5. a school sends a broken file for the next year: ingest rejects, the book goes on
    (raw / str(REAL + 1)).mkdir()
    (raw / str(REAL + 1) / "staff.xlsx").write_bytes(b"not a workbook")
    assert cli("ingest", "--raw-dir", raw, "--processed-dir", proc, "--report-dir", report) == 1
    seen["rejected_status"] = ingest_status.load(report)
    seen["rejected_years"] = processed.years(proc)
    seen["rejected_build"] = book()
    seen["rejected_index"] = (out / "internal" / "index.html").read_text(encoding="utf-8")
    argv = ["--raw-dir", str(raw), "--processed-dir", str(proc), "--report-dir", str(report)]
    seen["rejected_unchanged"] = ingest_status.main(argv)  # make lab would not re-run ingest

    # 6. the school withdraws its file; the analyst loads the courses of 2022 and 2023 (README)
    shutil.rmtree(raw / str(REAL + 1))
    seen["changed"] = ingest_status.main(argv)
    for year, rows in HISTORY.items():
        assert (
            cli(
                "templates",
                "--year",
                year,
                "--out-dir",
                root / f"forms-{year}",
                "--processed-dir",
                proc,
            )
            == 0
        )
        (raw / str(year)).mkdir()
        shutil.copy(root / f"forms-{year}" / "courses.xlsx", raw / str(year) / "courses.xlsx")
        fill(raw / str(year) / "courses.xlsx", "ДПО", rows)
    assert cli("ingest", "--raw-dir", raw, "--processed-dir", proc, "--report-dir", report) == 0
    seen["history_build"] = book()
    seen["history_index"] = (out / "internal" / "index.html").read_text(encoding="utf-8")
    seen["history_unchanged"] = ingest_status.main(argv)
    return root, seen


def test_the_demo_is_said_to_be_the_demo(walk):
    _, seen = walk
    years = seen["demo_manifest"]["years"]
    assert {y: e["source"] for y, e in years.items()} == {"2022": "demo", "2023": "demo"}
    assert DEMO_NOTE in seen["demo_index"] and DEMO_NOTE in seen["demo_page"]


def test_the_real_year_replaces_the_demo_in_the_book(walk):
    root, seen = walk
    assert {y: e["source"] for y, e in seen["real_manifest"]["years"].items()} == {"2024": "forms"}
    internal = root / "output" / "internal"
    # no page, table or record of a demo year is left
    assert sorted(p.name for p in internal.iterdir() if p.is_dir()) == ["2024"]
    state = json.loads((internal / ".build-state.json").read_text(encoding="utf-8"))
    assert {k.split("/")[0] for k in state["pages"]} == {"2024"} and set(state["years"]) == {"2024"}
    index = seen["real_index"]
    assert "2022" not in index and "2023" not in index and DEMO_NOTE not in index
    parser = Links()
    parser.feed(index)  # the front page as this build wrote it (a later build adds a notice)
    # the stages of the real year (besides them: its unit pages and tables, all of 2024)
    assert sorted(u for u in parser.urls if u.split("/")[-1][:2].isdigit()) == [
        "2024/00_alpha.html",
        "2024/03_monitoring.html",
        "2024/04_analysis.html",
    ]
    assert all(u.startswith("2024/") for u in parser.urls)
    for page in internal.glob("2024/*.html"):
        # links and sources, not inline images (their base64 may spell «2023» by chance)
        hrefs = [h for h in links(page) if not h.startswith("data:")]
        assert not [h for h in hrefs if "2022" in h or "2023" in h]
        assert DEMO_NOTE not in page.read_text(encoding="utf-8")


def _sheets(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in r] for r in ws.iter_rows()] for ws in wb.worksheets}


def test_forms_never_carry_the_demo_codes_and_then_carry_the_real_ones(walk):
    root, _ = walk
    first = _sheets(root / "forms" / "staff.xlsx")
    assert "Справочник ОУ" not in first  # only the demo was processed: no code list …
    instructions = " ".join(str(v) for row in first["Инструкция"] for v in row if v)
    assert "Коды учреждений и объединений не приложены" in instructions  # … and it says so
    nxt = _sheets(root / "forms-next" / "staff.xlsx")
    assert [r[0] for r in nxt["Справочник ОУ"][1:]] == ["ДС-4", "ШК-7", "ШК-9"]  # sorted codes
    measures = _sheets(root / "forms-next" / "measures.xlsx")
    codes = {r[0]: r[1] for r in measures["Справочник показателей"][1:]}
    assert codes["pk_modern_3y"].startswith("Доля")  # catalogue id with its Russian name
    rules = {r[0]: r[1] for r in measures["Справочник рекомендаций"][1:]}
    assert rules["pk_lapsed"] == "Курсы ПК для работников с истёкшим трёхлетним сроком"
    wb = openpyxl.load_workbook(root / "forms-next" / "measures.xlsx")
    formulas = {dv.formula1 for dv in wb["Меры"].data_validations.dataValidation}
    assert "'Справочник показателей'!$A$2:$A$" + str(len(codes) + 1) in formulas
    assert "'Справочник рекомендаций'!$A$2:$A$" + str(len(rules) + 1) in formulas


def test_no_person_is_called_lapsed_in_a_first_year(walk):
    root, _ = walk
    proc = root / "first" / "processed"
    lists = person_lists(YearData(proc, REAL))
    # courses of 2022 and 2023 were never loaded: 4 of 6 people «without a course» would be false
    assert lists["lapsed_pk"].empty and lists["heads_no_management"].empty
    assert "курсов за 2022 и 2023 годы нет в загруженных данных" in withheld_reason(
        lists["lapsed_pk"]
    )
    from analysis.indicators import compute_year

    tidy = compute_year(proc, REAL)
    recs = recommend(YearData(proc, REAL), tidy, load_rules(), texts.fill)
    assert "pk_lapsed" not in set(recs["rule_id"])  # «Направить на курсы ПК N работников»
    assert "курсов за 2022 и 2023 годы нет" in recs.attrs["withheld"]["pk_lapsed"]
    # the internal page says why instead of listing people; the CSV keeps meets_target
    page = (root / "first" / "2024" / "04_analysis.html").read_text(encoding="utf-8")
    assert "список не составляется" in page and "Р-003" not in page
    assert "Правило «Курсы ПК для работников с истёкшим трёхлетним сроком» не применялось" in page
    for book in (root / "first" / "2024" / "recommendations").glob("*.xlsx"):
        people = _sheets(book).get("Работники", [])
        assert len(people) <= 1, book.name  # the header only


def test_an_incomplete_window_is_marked_and_not_judged_on_the_page(walk):
    root, seen = walk
    page = (root / "first" / "2024" / "03_monitoring.html").read_text(encoding="utf-8")
    # pk_modern_3y: 2 of 6 → 33,3 %, below the 2024 target 88 but over an incomplete window
    assert "33,3\u00a0%\u00a0†" in page
    assert "неполное трёхлетнее окно" in page
    assert "не оценивается\u00a0†" in page
    # the front page's key figure is marked too, with its footnote
    index = seen["real_index"]
    assert "33,3\u00a0%\u00a0†</td>" in index and "неполное трёхлетнее окно" in index
    csv = pd.read_csv(root / "first" / "2024" / "indicators.csv")
    city = csv[(csv["indicator_id"] == "pk_modern_3y") & (csv["level"] == "city")].iloc[0]
    assert "incomplete_window" in city["flags"] and city["meets_target"] == False


def test_a_rejected_ingest_leaves_the_book_working_and_says_so(walk):
    _, seen = walk
    assert seen["rejected_status"]["accepted"] is False
    assert seen["rejected_years"] == [REAL]  # the last good data is intact
    assert seen["rejected_build"] == 0  # the book is built from it
    index = seen["rejected_index"]
    assert "Новые исходные данные не приняты" in index
    assert "output/validation/validation.html" in index  # where the report is
    assert 'href="../validation/validation.html"' in index  # internal: linked


def test_ingest_is_not_repeated_while_data_raw_is_unchanged(walk):
    _, seen = walk
    assert seen["rejected_unchanged"] == 2  # unchanged since the rejected run: no re-run, not ok
    assert seen["changed"] == 1  # the school's file withdrawn: ingest must run
    assert seen["history_unchanged"] == 0  # accepted and unchanged since


def test_with_the_earlier_courses_loaded_the_lists_are_drawn_up(walk):
    root, seen = walk
    proc = root / "processed"
    assert seen["history_build"] == 0
    assert processed.years(proc) == [2022, 2023, REAL]
    internal = root / "output" / "internal"
    # the years loaded for their courses only get no pages of their own
    assert sorted(p.name for p in internal.iterdir() if p.is_dir()) == ["2024"]
    assert "2022 год" not in seen["history_index"]
    # ПК in 2022–2024: Р-001 (2022), Р-003 (2023), Р-002 and Р-004 (2024) → lapsed Р-005, Р-006
    lists = person_lists(YearData(proc, REAL))
    assert list(lists["lapsed_pk"]["person_id"]) == ["Р-006", "Р-005"]  # by inst_id: ДС-4, ШК-9
    # Р-001 is the only head, trained in management in 2022 → nobody on that list
    assert lists["heads_no_management"].empty and not withheld_reason(lists["heads_no_management"])
    from analysis.indicators import compute_year

    tidy = compute_year(proc, REAL)
    city = tidy[(tidy["indicator_id"] == "pk_modern_3y") & (tidy["level"] == "city")].iloc[0]
    assert (city["numerator"], city["denominator"], city["flags"]) == (4, 6, "")  # 66,7 %
    recs = recommend(YearData(proc, REAL), tidy, load_rules(), texts.fill)
    # ШК-9: 1 of 2 (50 %) against the target 88 → one person to send to a course
    lapsed = recs[recs["rule_id"] == "pk_lapsed"].set_index("unit_id")
    assert lapsed.loc["ШК-9", "count"] == 1
    page = (internal / "2024" / "04_analysis.html").read_text(encoding="utf-8")
    assert "Р-005" in page and "Р-006" in page


def test_front_page_notices_by_hand():
    rejected = {
        "accepted": False,
        "checked_at": "2026-11-30 07:05:09",
        "report": "output/validation/validation.html",
    }
    public = book_notices([2024], frozenset(), rejected, "public")
    assert len(public) == 1 and public[0].link == ""  # no link to cell values in public
    assert "(проверка 30.11.2026 07:05)" in public[0].text
    mixed = book_notices([2019, 2020, 2021, 2024], frozenset({2019, 2020, 2021}), {}, "public")
    assert "демонстрационные годы (2019–2021) и настоящие (2024)" in mixed[0].text
    assert book_notices([2024], frozenset(), {"accepted": True}, "internal") == ()


def test_a_year_loaded_only_for_its_courses_gets_no_pages():
    from analysis.book import plan

    # 2022 and 2023: only courses.xlsx (history for the three-year window of 2024)
    manifest = {
        "years": {
            "2022": {"forms_present": ["courses"]},
            "2023": {"forms_present": ["courses"]},
            "2024": {"forms_present": ["courses", "institutions", "staff"]},
        }
    }
    assert plan.book_years(manifest) == [2024]
    assert plan.manifest_years(manifest) == [2022, 2023, 2024]


def test_three_year_dynamics_do_not_judge_an_incomplete_window():
    from analysis import tables
    from analysis.pages import effectiveness

    dyn = pd.DataFrame(
        [
            # 2023: the window 2021–2023 lacks 2021 → 40 % is understated: marked, not coloured
            {
                "indicator_id": "pk_modern_3y",
                "year": 2023,
                "value": 40.0,
                "target": 85.0,
                "meets_target": False,
                "incomplete": True,
                "measures": "",
                "verdicts": "",
            },
            {
                "indicator_id": "pk_modern_3y",
                "year": 2024,
                "value": 70.0,
                "target": 88.0,
                "meets_target": False,
                "incomplete": False,
                "measures": "",
                "verdicts": "",
            },
        ]
    )
    html = effectiveness.dynamics_table(dyn, [2023, 2024]).to_html()
    assert "40,0\u00a0%\u00a0† (85,0\u00a0%)" in html and "70,0\u00a0% (88,0\u00a0%)" in html
    assert html.count(tables.CELL_COLOURS["below"]) == 1  # only 2024 is judged as missed
    assert "неполное трёхлетнее окно" in html


def test_the_demo_marker_vouches_only_for_the_files_the_demo_wrote(tmp_path):
    year = tmp_path / "2023"
    (year / "staff").mkdir(parents=True)
    (year / "institutions.xlsx").write_bytes(b"demo institutions")
    (year / "staff" / "school-1.xlsx").write_bytes(b"demo staff")
    assert not processed.is_demo_folder(year)  # no marker: real forms
    (year / processed.DEMO_MARKER).write_text(processed.demo_marker_text(year), encoding="utf-8")
    (year / "~$institutions.xlsx").write_bytes(b"Excel's lock file")  # opening a form: no change
    assert processed.is_demo_folder(year)
    assert processed.raw_sources(tmp_path, [2023]) == {2023: {"source": "demo"}}
    (year / "staff" / "school-1.xlsx").write_bytes(b"a real school's staff")  # replaced
    assert not processed.is_demo_folder(year)
    (year / "staff" / "school-1.xlsx").write_bytes(b"demo staff")
    (year / "courses.xlsx").write_bytes(b"real courses")  # a real form joins the demo's
    assert processed.raw_sources(tmp_path, [2023]) == {2023: {"source": "forms"}}


def test_rules_judge_no_value_over_an_incomplete_window():
    from analysis.recommendations.engine import holds
    from analysis.recommendations.rules import Condition

    # 40 % against a target of 85 %: missed by 45 p. p. — unless the window is incomplete
    facts = {
        "value": 40.0,
        "target": 85.0,
        "gap": 45.0,
        "city_value": 60.0,
        "count": 3.0,
        "denominator": 10.0,
        "incomplete": 0.0,
    }
    below, worse = Condition("below_target"), Condition("worse_than_city", number=5)
    low, many = Condition("compare", "value", "<", 50), Condition("compare", "count", ">=", 1)
    assert all(holds(c, facts, "higher") for c in (below, worse, low, many))
    short = {**facts, "incomplete": 1.0}
    assert [holds(c, short, "higher") for c in (below, worse, low, many)] == [
        False,
        False,
        False,
        True,
    ]  # a count of people is no judgement of the value


CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def test_every_command_and_option_has_russian_help(capsys):
    from analysis import cli

    parser = cli._parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == {
        "ingest",
        "demo-data",
        "indicators",
        "tables",
        "documents",
        "build",
        "templates",
    }
    for name, sub in commands.choices.items():
        assert CYRILLIC.search(sub.description or ""), name
        for action in sub._actions:
            assert CYRILLIC.search(action.help or ""), f"{name} {action.option_strings}"
        with pytest.raises(SystemExit):
            main([name, "--help"])
        text = capsys.readouterr().out
        assert text.startswith("использование: ") and "show this help" not in text


def test_the_footnote_text_is_one_and_the_same():
    from analysis import fmt
    from analysis.book import site

    assert (site.INCOMPLETE_MARK, site.INCOMPLETE_NOTE) == (
        fmt.INCOMPLETE_MARK,
        fmt.INCOMPLETE_NOTE,
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["templates"], "ошибка: не указаны обязательные параметры: --year, --out-dir"),
        (["templates", "--year", "x", "--out-dir", "f"], "--year: нужно целое число, указано 'x'"),
        (["build", "--profile", "x"], "--profile: недопустимое значение 'x'"),
    ],
)
def test_mistyped_options_are_answered_in_russian(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and message in err and err.startswith("использование: ")
