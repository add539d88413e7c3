"""Parsing single cells by contract type, and the shape of a problem line."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import contract
from analysis.ingest import cells
from analysis.ingest.problems import ERROR, Place, Problem, Problems

STAFF = contract.SHEETS["staff"]
COURSES = contract.SHEETS["courses"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (12.0, "12"),  # a whole-number cell used as id → the integer's text
        (12.5, "12.5"),
        ("  007 ", "007"),  # text keeps its leading zeros, spaces trimmed
        (3, "3"),
    ],
)
def test_id(value, expected):
    assert cells.parse_id(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (12.0, 12.0),
        ("12", 12.0),
        ("12,5", 12.5),
        ("1 234,5", 1234.5),  # a thousands space typed by hand
        ("\u00a012.5 ", 12.5),
        ("-3", -3.0),
    ],
)
def test_number(value, expected):
    assert cells.parse_number(value) == expected


@pytest.mark.parametrize("value", ["12 лет", "nan", "inf", "1,2,3", True, dt.date(2023, 1, 1)])
def test_number_rejects(value):
    with pytest.raises(cells.CellError, match="ожидается число"):
        cells.parse_number(value)


@pytest.mark.parametrize("value, expected", [(12.0, 12), ("12", 12), ("12,0", 12), (" 7 ", 7)])
def test_int(value, expected):
    assert cells.parse_int(value) == expected


@pytest.mark.parametrize("value", [12.5, "12,5", "двенадцать", True])
def test_int_rejects(value):
    with pytest.raises(cells.CellError, match="ожидается целое число"):
        cells.parse_int(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2023, 3, 1), dt.datetime(2023, 3, 1)),
        (dt.datetime(2023, 3, 1, 14, 30), dt.datetime(2023, 3, 1)),  # time of day dropped
        ("01.03.2023", dt.datetime(2023, 3, 1)),
        ("1.3.2023", dt.datetime(2023, 3, 1)),
        ("2023-03-01", dt.datetime(2023, 3, 1)),
        (" 2023-3-1 ", dt.datetime(2023, 3, 1)),
        ("01.03.2023 14:30", dt.datetime(2023, 3, 1)),  # text with a time, from other systems
        ("2023-03-01T14:30:00", dt.datetime(2023, 3, 1)),
    ],
)
def test_date(value, expected):
    assert cells.parse_date(value) == expected


def test_number_in_a_date_column_names_the_missing_date_format():
    # Excel day 45000 = 30.12.1899 + 45000 days = 15.03.2023; day 44287 = 01.04.2021
    with pytest.raises(cells.CellError) as caught:
        cells.parse_date(44287.0)
    assert str(caught.value) == (
        "число 44287 — в ячейке не задан формат даты (это 01.04.2021?): задайте ячейке "
        "формат «Дата» или введите ДД.ММ.ГГГГ"
    )
    with pytest.raises(cells.CellError, match=r"число 45000 .*это 15\.03\.2023"):
        cells.parse_date(45000)


@pytest.mark.parametrize("value", ["03/01/2023", "1 марта 2023", dt.time(10, 0)])
def test_date_rejects(value):
    with pytest.raises(cells.CellError, match="ожидается дата"):
        cells.parse_date(value)


@pytest.mark.parametrize(
    "value, expected", [("да", True), (" НЕТ ", False), ("Да", True), (True, True)]
)
def test_yesno(value, expected):
    assert cells.parse_yesno(value) is expected


def test_enum_matches_normalized_and_returns_canonical_spelling():
    parse = cells.parser_for(contract.SHEETS["competitions_staff"].column("result"), 2023)
    assert parse("  ПРИЗЕР ") == "призёр"
    parse = cells.parser_for(STAFF.column("position"), 2023)
    assert parse("заместитель\nруководителя") == "заместитель руководителя"


def test_list_is_trimmed_and_joined():
    assert cells.parse_list(" a ; b;;c ; ") == "a;b;c"
    with pytest.raises(cells.CellError):
        cells.parse_list(" ; ")


def test_bounds_and_year_rules_come_from_the_contract():
    birth = cells.parser_for(STAFF.column("birth_year"), 2020)
    assert birth(1940) == 1940 and birth(2004) == 2004  # 2020 − 80 … 2020 − 16
    with pytest.raises(cells.CellError, match="1940–2004"):
        birth(2005)
    hours = cells.parser_for(COURSES.column("hours"), 2020)
    with pytest.raises(cells.CellError, match="должно быть больше 0"):
        hours("0,0")
    end = cells.parser_for(COURSES.column("end_date"), 2020)
    assert end("31.12.2020") == dt.datetime(2020, 12, 31)
    with pytest.raises(cells.CellError, match="дата не в 2020 году"):
        end("01.01.2021")
    start = cells.parser_for(contract.SHEETS["mentoring"].column("start_date"), 2020)
    assert start("01.01.2015") == dt.datetime(2015, 1, 1)
    with pytest.raises(cells.CellError, match="дата позже 31.12.2020"):
        start("01.01.2021")


@pytest.mark.parametrize(
    "place, value, expected",
    [
        (
            Place("2023/a.xlsx", "Кадры", 5, "Год рождения"),
            "1900",
            "2023/a.xlsx › Кадры › строка 5 › Год рождения: 1900 — плохо",
        ),
        (
            Place("2023/a.xlsx", "Кадры", 5, "Код ОУ"),
            None,
            "2023/a.xlsx › Кадры › строка 5 › Код ОУ — плохо",
        ),
        (
            Place("2023/a.xlsx", "Кадры", None, "Код ОУ"),
            None,
            "2023/a.xlsx › Кадры › Код ОУ — плохо",
        ),
        (Place("2023/a.xlsx", "Кадры"), None, "2023/a.xlsx › Кадры — плохо"),
        (Place("2023/a.xlsx"), None, "2023/a.xlsx — плохо"),
        (Place(), None, "плохо"),
    ],
)
def test_problem_line_drops_absent_parts(place, value, expected):
    assert Problem(ERROR, "плохо", place, value).line() == expected


def test_problems_are_ordered_errors_first_then_by_place():
    problems = Problems()
    problems.warning(Place("2023", year=2023, form_rank=0), "w")
    problems.error(Place("2023/b.xlsx", "S", 9, year=2023, form_rank=1), "e2", 12.0)
    problems.error(Place("2023/b.xlsx", "S", 3, year=2023, form_rank=1), "e1", 12.5)
    assert [p.line() for p in problems.ordered()] == [
        "2023/b.xlsx › S › строка 3: 12,5 — e1",
        "2023/b.xlsx › S › строка 9: 12 — e2",
        "2023 — w",
    ]
