"""CLI argument handling."""

import pytest

from analysis.cli import main, parse_years
from analysis.errors import UserError


@pytest.mark.parametrize(
    "values, expected",
    [
        (None, None),
        (["2022"], [2022]),
        (["2019-2021"], [2019, 2020, 2021]),
        (["2023", "2019-2020"], [2019, 2020, 2023]),
    ],
)
def test_parse_years(values, expected):
    assert parse_years(values) == expected


@pytest.mark.parametrize("bad", ["20x1", "2023-2019", "2019-"])
def test_parse_years_rejects_with_russian_message(bad):
    with pytest.raises(UserError, match="Неверно указан год"):
        parse_years([bad])


def test_main_prints_user_error_without_traceback(capsys):
    assert main(["build", "--years", "abc"]) == 1
    err = capsys.readouterr().err
    assert "Неверно указан год" in err and "Traceback" not in err
