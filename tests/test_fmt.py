"""Russian formatting: expected strings written out by hand."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analysis import fmt

T, N, M = "\u2009", "\u00a0", "\u2212"  # thin space, no-break space, minus


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (82.44, 1, "82,4"),
        (82.45, 1, "82,5"),  # binary 82.45 is 82.4500000000000028… → rounds up
        (1234.5, 1, "1234,5"),  # four digits stay solid (Russian typography)
        (12345.67, 1, f"12{T}345,7"),
        (1234567, 0, f"1{T}234{T}567"),
        (-3.25, 1, f"{M}3,2"),  # round-half-even of the binary value 3.25 → 3,2
        (-0.04, 1, "0,0"),  # no negative zero
        (0, 0, "0"),
        (7, 2, "7,00"),
    ],
)
def test_number(value, decimals, expected):
    assert fmt.number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT, ""])
def test_missing_values_are_a_dash_or_the_given_text(missing):
    assert fmt.number(missing) == "—"
    assert fmt.percent(missing) == "—"
    assert fmt.value(missing, "%", missing=fmt.NO_DATA) == "нет данных"


def test_percent_and_units():
    assert fmt.percent(82.44) == f"82,4{N}%"
    assert fmt.percent(100) == f"100,0{N}%"
    assert fmt.value(85, "%") == f"85,0{N}%"
    assert fmt.value(12, "чел.") == f"12{N}чел."
    assert fmt.value(12480.0, "чел.-ч") == f"12{T}480{N}чел.-ч"
    assert fmt.value(2.5, "ед.") == f"2,5{N}ед."
    assert fmt.value(85, "%", with_unit=False) == "85,0"
    assert fmt.value("*", "%") == "*"


def test_differences():
    assert fmt.pp(2.34) == f"+2,3{N}п.{N}п."
    assert fmt.pp(-1) == f"{M}1,0{N}п.{N}п."
    assert fmt.pp(0.01) == f"0,0{N}п.{N}п."  # rounds to zero: no sign
    assert fmt.signed(3, 0) == "+3"
    assert fmt.signed(-2.5) == f"{M}2,5"


def test_dates():
    assert fmt.date(dt.date(2023, 3, 7)) == "07.03.2023"
    assert fmt.date(pd.Timestamp("2021-12-31 10:00")) == "31.12.2021"
    assert fmt.date("2020-01-02") == "02.01.2020"
    assert fmt.date(None) == "—"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "школ"),
        (1, "школа"),
        (2, "школы"),
        (4, "школы"),
        (5, "школ"),
        (11, "школ"),
        (12, "школ"),
        (14, "школ"),
        (21, "школа"),
        (22, "школы"),
        (25, "школ"),
        (101, "школа"),
        (111, "школ"),
        (1004, "школы"),
    ],
)
def test_plural(n, expected):
    assert fmt.plural(n, "школа", "школы", "школ") == expected


def test_count_and_join():
    assert fmt.count(3, "форма", "формы", "форм") == f"3{N}формы"
    assert fmt.join_ru(["a"]) == "a"
    assert fmt.join_ru(["a", "b"]) == "a и b"
    assert fmt.join_ru(["a", "b", "c"]) == "a, b и c"
    assert fmt.years_range(2019, 2021) == "2019–2021"
    assert fmt.years_range(2021, 2021) == "2021"
