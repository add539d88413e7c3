"""A year's shared results (`analysis.year_results`): computed once, cached, invalidated.

The tiny city of `test_recommendations` (report year 2023): lapsed_pk lists p2, p3, q2; the rule
pk_lapsed fires at ОО-1 (N = 2) and ОО-2 (N = 1). In 2020 the courses of 2018 and 2019 are not
in the data, so the lists of the three-year window are withheld there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_recommendations import Y, tiny_city

from analysis import context
from analysis.year_results import cache_key, index_path, year_results


@pytest.fixture
def city(tmp_path) -> Path:
    return tiny_city(tmp_path)


def ctx_of(city: Path, out: Path, year: int = Y, window: int = 3) -> context.Context:
    return context.resolve(year, city, out, "internal", window)


def test_results_are_the_hand_worked_ones_and_come_back_whole_from_the_cache(city, tmp_path):
    ctx = ctx_of(city, tmp_path / "out")
    first = year_results(ctx)
    assert index_path(ctx.cache_dir, Y, cache_key(ctx)).exists()
    again = year_results(ctx)  # read from the cache
    for got in (first, again):
        lapsed = got.recommendations[got.recommendations["rule_id"] == "pk_lapsed"]
        assert dict(zip(lapsed["unit_id"], lapsed["count"])) == {"ОО-1": 2, "ОО-2": 1}
        assert list(got.person_lists["lapsed_pk"]["person_id"]) == ["p2", "p3", "q2"]
        # p2's last ПК course was in 2020; p3 and q2 never had one
        assert list(got.person_lists["lapsed_pk"]["last_pk_year"].astype("Float64").fillna(0)) == [
            2020,
            0,
            0,
        ]
        # pk_modern_3y below its target 85 at ОО-1 (33,3 %, 1 of 3) and ОО-2 (75 %, 3 of 4);
        # chance allows 85 − 1,96·√(0,85·0,15/n): down to 44,6 for 3 people (ОО-1 is beyond)
        # and to 50,0 for 4 (ОО-2, one person short, is within: not a problem)
        below = got.problems[
            (got.problems["kind"] == "below_target")
            & (got.problems["indicator_id"] == "pk_modern_3y")
            & (got.problems["level"] == "institution")
        ]
        assert set(below["unit_id"]) == {"ОО-1"}
    pd.testing.assert_frame_equal(first.problems, again.problems)
    pd.testing.assert_frame_equal(first.recommendations, again.recommendations)
    for name, frame in first.person_lists.items():
        pd.testing.assert_frame_equal(frame, again.person_lists[name])


def test_withheld_reasons_survive_the_cache(city, tmp_path):
    ctx = ctx_of(city, tmp_path / "out", year=2020)
    year_results(ctx)
    cached = year_results(ctx)
    # 2020: the window 2018–2020 reaches before the first courses (2020) → withheld, with why
    assert cached.person_lists["lapsed_pk"].empty
    assert "2018 и 2019 годы" in cached.person_lists["lapsed_pk"].attrs["withheld"]
    assert "2018 и 2019 годы" in cached.recommendations.attrs["withheld"]["pk_lapsed"]


def test_the_cache_is_read_not_recomputed(city, tmp_path, monkeypatch):
    ctx = ctx_of(city, tmp_path / "out")
    year_results(ctx)
    import analysis.year_results as module

    def fail(*_args):
        raise AssertionError("computed again although cached")

    monkeypatch.setattr(module, "compute", fail)
    assert len(year_results(ctx).recommendations) > 0


def test_a_change_of_data_or_window_gives_a_new_key(city, tmp_path):
    ctx = ctx_of(city, tmp_path / "out")
    key = cache_key(ctx)
    assert cache_key(ctx_of(city, tmp_path / "out", window=2)) != key
    # an earlier year's courses feed last_pk_year: a change there must show
    path = city / "2020" / "courses.parquet"
    courses = pd.read_parquet(path)
    courses.loc[0, "hours"] = 72.0
    courses.to_parquet(path, index=False)
    assert cache_key(ctx) == key  # a run's key is worked out once (as its data is read once)
    assert cache_key(ctx_of(city, tmp_path / "out")) != key  # the next run sees the change


def test_a_broken_cache_is_computed_again(city, tmp_path):
    ctx = ctx_of(city, tmp_path / "out")
    year_results(ctx)
    for part in ctx.cache_dir.glob("results-*-recommendations.parquet"):
        part.write_bytes(b"not parquet")
    got = year_results(ctx)
    assert set(got.recommendations["rule_id"]) >= {"pk_lapsed"}
    shutil.rmtree(ctx.cache_dir)
    assert len(year_results(ctx).problems) > 0
