"""Goals and targets as data in params/: the project's files and malformed ones."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.catalogue import CATALOGUE
from analysis.errors import UserError
from analysis.goals import goals_frame, integrity, load_goals
from analysis.targets import attach_targets, load_targets, meets_target


def test_project_goal_tree_follows_the_seed():
    goals = load_goals()
    kinds = [g.kind for g in goals]
    assert kinds[:3] == ["programme", "task", "subprogramme"]
    assert kinds.count("centre_goal") == 1 and kinds.count("centre_task") == 2
    assert "Развитие образования в городе Магнитогорске" in goals[0].title
    by_id = {g.id: g for g in goals}
    assert by_id["centre_task_1"].parent == "centre_goal"
    # no goal without indicators, no indicator without a goal
    assert integrity(goals) == {"goals_without_indicators": [], "indicators_without_goals": []}
    # each indicator's own goal lists it
    for ind in CATALOGUE.values():
        assert ind.id in by_id[ind.goal].indicators, ind.id
    frame = goals_frame(goals)
    assert list(frame.columns[:4]) == ["id", "kind", "kind_title", "title"]
    assert frame.loc[0, "kind_title"] == "Муниципальная программа"


def test_integrity_finds_gaps(tmp_path):
    (tmp_path / "goals.yaml").write_text(
        "goals:\n  - {id: g, kind: programme, title: Т, indicators: []}\n", encoding="utf-8"
    )
    found = integrity(load_goals(tmp_path))
    assert found["goals_without_indicators"] == ["g"]
    assert "pk_modern_3y" in found["indicators_without_goals"]


def test_goal_with_unknown_indicator_is_a_russian_error(tmp_path):
    (tmp_path / "goals.yaml").write_text(
        "goals:\n  - {id: g, kind: programme, title: Т, indicators: [nope]}\n", encoding="utf-8"
    )
    with pytest.raises(UserError, match="неизвестные показатели: nope"):
        load_goals(tmp_path)


def test_goals_of_a_year(tmp_path):
    (tmp_path / "goals.yaml").write_text(
        "goals:\n"
        "  - id: g\n    kind: programme\n    title: Т\n    children:\n"
        "      - {id: t21, kind: centre_task, title: A, years: [2021]}\n"
        "      - {id: t22, kind: centre_task, title: B, years: [2022]}\n",
        encoding="utf-8",
    )
    assert [g.id for g in load_goals(tmp_path, year=2022)] == ["g", "t22"]


def test_project_targets_are_plausible():
    targets = load_targets()
    assert list(targets.columns) == ["indicator_id", "year", "level", "unit_id", "target"]
    assert set(targets["indicator_id"]) <= set(CATALOGUE)
    pk = targets[targets["indicator_id"] == "pk_modern_3y"].set_index("year")["target"]
    assert pk[2019] == 75 and pk[2025] == 90 and pk.is_monotonic_increasing
    shares = targets[targets["indicator_id"].map(lambda i: CATALOGUE[i].unit == "%")]
    assert shares["target"].between(0, 100).all()
    assert set(range(2019, 2026)) <= set(targets["year"])


def test_targets_file_forms_and_specificity(tmp_path):
    (tmp_path / "targets.yaml").write_text(
        "category_high:\n  2023: 60\n  levels: {district: {2023: 55}}\n"
        "  units: [{level: district, unit_id: Л, year: 2023, target: 50}]\n",
        encoding="utf-8",
    )
    targets = load_targets(tmp_path)
    assert len(targets) == 3
    tidy = pd.DataFrame(
        {
            "indicator_id": ["category_high"] * 4,
            "year": [2023] * 3 + [2022],
            "level": ["city", "district", "district", "city"],
            "unit_id": ["city", "П", "Л", "city"],
        }
    )
    # city → general 60; district П → level 55; district Л → its own 50; 2022 → none
    got = attach_targets(tidy, targets)
    assert got[:3].tolist() == [60.0, 55.0, 50.0] and np.isnan(got[3])


@pytest.mark.parametrize(
    "text, message",
    [
        ("pk_modern_3y: {2023: много}\n", "неверная пара"),
        ("nope: {2023: 1}\n", "неизвестные показатели: nope"),
        ("pk_modern_3y: [1, 2]\n", "ожидается"),
        ("pk_modern_3y: {2023: 1\n", "не прочитан"),
        ("pk_modern_3y:\n  units: [{level: city}]\n", "нужны level, unit_id, year и target"),
    ],
)
def test_malformed_targets_are_russian_errors(tmp_path, text, message):
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        load_targets(tmp_path)


def test_missing_targets_file_means_no_targets(tmp_path):
    assert load_targets(tmp_path).empty


def test_meets_target_by_direction():
    value = pd.Series([80.0, 80.0, 10.0, 10.0, np.nan, 50.0])
    target = pd.Series([80.0, 85.0, 10.0, 5.0, 50.0, np.nan])
    direction = ["higher", "higher", "lower", "lower", "higher", "lower"]
    got = meets_target(value, target, direction).tolist()
    # 80 ≥ 80 yes; 80 ≥ 85 no; 10 ≤ 10 yes; 10 ≤ 5 no; missing value / target → empty
    assert got == [True, False, True, False, pd.NA, pd.NA]
