"""Stage 01: the goal tree and its integrity check on a hand-made tree."""

import pandas as pd
from monitoring_helpers import FakeIndicator, catalogue, row, tidy

from analysis import goal_tree as g

GOALS = [
    {"id": "mp", "kind": "programme", "title": "Развитие образования"},
    {"id": "task", "kind": "task", "title": "Сопровождение", "parent": "mp"},
    {"id": "c2023", "kind": "centre_goal", "title": "Цель 2023", "parent": "task", "year": 2023},
    {"id": "c2021", "kind": "centre_goal", "title": "Цель 2021", "parent": "task", "year": 2021},
    {
        "id": "empty",
        "kind": "centre_task",
        "title": "Задача без показателей",
        "parent": "c2023",
        "year": 2023,
    },
]
CAT = catalogue(
    FakeIndicator("pk", "Доля с ПК", "%", goal="task"),
    FakeIndicator("ev", "Мероприятия", "ед.", goal="c2023"),
    FakeIndicator("orphan", "Сирота", "%", goal="nowhere", sources=()),
)
TIDY = tidy(
    row(2023, "pk", "city", "city", 8, 10, 80.0, target=85),
    row(2023, "ev", "centre", "centre", 4, None, 4.0, unit="ед.", target=5),
)


def test_nodes_keep_the_years_goals_only():
    frame = g.nodes(GOALS, 2023)
    assert list(frame["id"]) == ["mp", "task", "c2023", "empty"]  # c2021 is another year's
    assert frame.set_index("id").loc["c2023", "parent_id"] == "task"


def test_nodes_flatten_children():
    nested = {"goals": [{"id": "a", "title": "A", "children": [{"id": "b", "title": "B"}]}]}
    frame = g.nodes(nested)
    assert list(zip(frame["id"], frame["parent_id"])) == [("a", ""), ("b", "a")]


def test_tree_in_reading_order_with_targets():
    tr = g.tree(GOALS, CAT, TIDY, 2023)
    assert list(zip(tr["depth"], tr["title"])) == [
        (0, "Развитие образования"),
        (1, "Сопровождение"),
        (2, "Доля с ПК"),
        (2, "Цель 2023"),
        (3, "Мероприятия"),
        (3, "Задача без показателей"),
    ]
    assert tr.set_index("title").loc["Доля с ПК", "target"] == 85.0
    # the Centre's indicator takes its target from the centre row (the plan): 5
    assert tr.set_index("title").loc["Мероприятия", "target"] == 5.0
    assert tr.loc[tr["indicator_id"] != "", "kind"].tolist() == [g.INDICATOR, g.INDICATOR]


def test_integrity_finds_each_kind_of_problem():
    issues = g.integrity(GOALS, CAT, 2023)
    assert issues.values.tolist() == [
        ["цель без показателей", "Задача без показателей"],
        ["показатель без цели", "Сирота"],
        ["показатель без формы-источника", "Сирота"],
    ]


def test_nodes_from_a_frame():
    frame = pd.DataFrame({"id": ["x"], "parent_id": [None], "kind": ["goal"], "title": ["X"]})
    assert g.nodes(frame)["title"].tolist() == ["X"]


def test_goals_listing_their_indicators_win_over_the_catalogue_link():
    goals = [{"id": "a", "kind": "programme", "title": "A", "indicators": ["ev"], "years": []}]
    tr = g.tree(goals, CAT, TIDY, 2023)
    assert tr["indicator_id"].tolist() == ["", "ev"]  # pk's catalogue goal «task» is not here
    issues = g.integrity(goals, CAT, 2023)
    assert issues["subject"].tolist() == ["Доля с ПК", "Сирота", "Сирота"]


def test_goal_titles_read_the_whole_tree():
    # every year's goals: the passports name goals of any year
    assert g.goal_titles(GOALS)["c2021"] == "Цель 2021"
