"""The validation report (`analysis.ingest.report`): a real ingest of a workbook that a user
filled with markup, and the page it leaves."""

from __future__ import annotations

from html_helpers import HOSTILE, Page, assert_inert
from ingest_helpers import good_city, set_cell, write_city

from analysis.ingest import run_ingest
from analysis.ingest.problems import ERROR, WARNING, Place, Problem
from analysis.ingest.report import render_html


def test_text_from_a_form_is_escaped_and_inert_in_the_validation_report(tmp_path, capsys):
    city = good_city()
    set_cell(city, "staff", "Кадры", 2, "Категория", HOSTILE)  # not a category: an error
    raw = write_city(tmp_path / "raw", city)
    status = run_ingest(
        raw, tmp_path / "processed", tmp_path / "report", params_dir=tmp_path / "params"
    )
    capsys.readouterr()
    assert status == 1
    html = (tmp_path / "report" / "validation.html").read_text(encoding="utf-8")
    page = assert_inert(html)
    assert "Кадры" in page.text and "Категория" in page.text
    assert "Данные не приняты: ошибок 1" in page.text


def test_report_rows_are_classed_by_level_and_none_is_an_empty_cell(tmp_path):
    problems = [
        Problem(ERROR, "недопустимое значение", Place("2023/staff.xlsx", "Кадры", 5, "Тип"), "x"),
        Problem(WARNING, "нет формы", Place("2023/mentoring.xlsx")),
    ]
    html = render_html(problems, tmp_path / "raw")
    page = Page(html)
    # 7 headers; one row per problem, errors red, warnings amber
    assert page.tags.count("th") == 7 and page.tags.count("tr") == 3
    assert (
        '<tr class="error"><td>ошибка</td><td>2023/staff.xlsx</td><td>Кадры</td><td>5</td>' in html
    )
    assert (
        '<tr class="warning"><td>предупреждение</td><td>2023/mentoring.xlsx</td><td></td>' in html
    )
    # 1 error, 1 warning → not accepted
    assert "Данные не приняты: ошибок 1, предупреждений 1." in page.text
    assert f"Папка исходных данных: {tmp_path / 'raw'}" in page.text


def test_an_empty_report_says_so_and_accepts(tmp_path):
    page = Page(render_html([], tmp_path))
    assert "Проблем не найдено." in page.text
    assert "Данные приняты: ошибок нет, предупреждений 0." in page.text
