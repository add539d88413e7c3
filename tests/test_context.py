"""Resolving the notebooks' parameters: defaults and Russian errors."""

import pandas as pd
import pytest

from analysis import context, processed
from analysis.errors import UserError


@pytest.fixture
def two_years(tmp_path):
    inst = pd.DataFrame(
        {
            "inst_id": ["1"],
            "name": ["Школа"],
            "inst_type": ["ОО"],
            "district": ["Север"],
            "low_results": [False],
            "unfavourable": [False],
            "innovation": ["нет"],
            "resource_centre": [False],
            "support_site": [False],
            "network_agreements": [0],
        }
    )
    processed.publish(tmp_path / "p", {2021: {"institutions": inst}, 2023: {"institutions": inst}})
    return tmp_path


def test_defaults_take_the_latest_year_and_env_folders(two_years, monkeypatch):
    monkeypatch.setenv("ANALYSIS_PROCESSED_DIR", str(two_years / "p"))
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(two_years / "o"))
    ctx = context.resolve()
    assert ctx.year == 2023 and ctx.profile == "internal" and not ctx.public
    assert ctx.cache_dir == two_years / "o" / ".cache"
    assert ctx.window_years == [2021, 2023]  # 2022 has no data; window 3 = 2021…2023
    assert context.resolve(2021, window=1).window_years == [2021]


def test_bad_parameters_are_russian_errors(two_years, tmp_path):
    p = two_years / "p"
    with pytest.raises(
        UserError, match="За 2022 год обработанных данных нет; есть годы: 2021, 2023"
    ):
        context.resolve(2022, p)
    with pytest.raises(UserError, match="Неизвестный профиль «secret»"):
        context.resolve(None, p, profile="secret")
    with pytest.raises(UserError, match="нет обработанных данных"):
        context.resolve(None, tmp_path / "empty")
