"""Page 01: the goal tree as a Russian table, its summary, integrity sentences, conclusions."""

from monitoring_helpers import FakeIndicator, catalogue, row, tidy
from test_goal_tree import CAT, GOALS, TIDY

from analysis import goal_tree as g
from analysis.pages import goals as page

N = "\u00a0"


def test_tree_table_indents_names_kinds_and_formats_targets():
    tr = g.tree(GOALS, CAT, TIDY, 2023)
    html = page.tree_table(tr, 2023).to_html()
    assert f"85,0{N}%" in html and "Цель Центра на год" in html
    shown = page.tree_table(tr, 2023).data
    # «Доля с ПК» is at depth 2: two em spaces before its kind's name
    assert shown["Уровень"].iloc[2] == "\u2003\u2003Показатель"
    # a goal row has no target cell; an indicator without a target says so
    assert shown["Целевое значение на 2023 год"].iloc[0] == ""
    no_target = g.tree(
        GOALS,
        catalogue(FakeIndicator("pk", "Доля с ПК", "%", goal="task")),
        tidy(row(2023, "pk", "city", "city", 8, 10, 80.0)),
        2023,
    )
    assert page.tree_table(no_target, 2023).data.iloc[2, 2] == "не установлено"


def test_tree_summary_counts_goals_indicators_and_targets():
    tr = g.tree(GOALS, CAT, TIDY, 2023)
    # 4 goal rows, 2 indicators, both with a target
    assert page.tree_summary(tr, 2023) == (
        f"Дерево целей 2023 года: 4{N}цели и задачи, "
        f"2{N}показателя; целевое значение на год установлено "
        "для 2 из них."
    )


def test_integrity_sentences_count_each_kind():
    issues = g.integrity(GOALS, CAT, 2023)
    assert page.integrity_sentences(issues)[0] == "Цель без показателей: 1."
    assert page.integrity_sentences(issues.iloc[:0])[0].startswith("Дерево целей цельное")
    assert "Что не так" in page.integrity_table(issues).to_html()


def test_conclusions_name_indicators_without_a_target():
    tr = g.tree(
        GOALS,
        catalogue(FakeIndicator("pk", "Доля с ПК", "%", goal="task")),
        tidy(row(2023, "pk", "city", "city", 8, 10, 80.0)),
        2023,
    )
    out = page.conclusions(tr, g.integrity(GOALS, CAT, 2023), 2023)
    # 1 indicator without a target → the second bullet; then one line per kind of problem (3)
    assert out[1].startswith(f"Без целевого значения на 2023 год (1{N}показатель)")
    assert len(out) == 2 + 3
