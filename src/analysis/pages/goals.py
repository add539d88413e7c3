"""Page 01, «Цели»: the goal tree of the year as a table, its integrity check and conclusions.

`load` gathers what the page shows (the year's goals from `params/goals.yaml`, the catalogue,
the year's indicator table for the targets) and hands it to the pure `analysis.goal_tree`; the
`show_*` functions give the notebook one displayable per section. The page is the same in both
profiles: it holds no value of a unit, only the city's targets.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, display
from pandas.io.formats.style import Styler

from analysis import context, fmt, goal_tree, tables
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.goals import load_goals

# How each kind of node is named for the reader (kinds of `params/goals.yaml`).
KIND_NAMES = {
    "programme": "Муниципальная программа",
    "task": "Задача программы",
    "subprogramme": "Подпрограмма",
    "service": "Муниципальная услуга (работа)",
    "centre_goal": "Цель Центра на год",
    "goal": "Цель",
    "centre_task": "Задача Центра на год",
    goal_tree.INDICATOR: "Показатель",
}
INDENT = "\u2003"  # em space: one step of the tree (survives HTML whitespace collapsing)
NO_TARGET = "не установлено"


@dataclass(frozen=True)
class GoalsPage:
    """What page 01 shows: the tree of the year and the problems of its integrity."""

    year: int
    tree: pd.DataFrame  # goal_tree.tree
    issues: pd.DataFrame  # goal_tree.integrity


def load(ctx: Context) -> GoalsPage:
    """The tree and its integrity check for the context's year."""
    goals = load_goals(year=ctx.year)
    tidy = context.indicator_table(ctx)
    return GoalsPage(
        ctx.year,
        goal_tree.tree(goals, CATALOGUE, tidy, ctx.year),
        goal_tree.integrity(goals, CATALOGUE, ctx.year),
    )


# --- the notebook's sections ------------------------------------------------------------------


def show_summary(page: GoalsPage) -> HTML:
    return tables.say(tree_summary(page.tree, page.year))


def show_tree(page: GoalsPage) -> Styler:
    return tree_table(page.tree, page.year)


def show_integrity(page: GoalsPage) -> Styler | None:
    """The integrity sentences (displayed), then the table of problems (None when whole)."""
    display(tables.say(integrity_sentences(page.issues)))
    return integrity_table(page.issues) if len(page.issues) else None


def show_conclusions(page: GoalsPage) -> HTML:
    return tables.say(conclusions(page.tree, page.issues, page.year))


# --- tables and sentences ---------------------------------------------------------------------


def tree_table(tree: pd.DataFrame, year: int) -> Styler:
    """The tree as an indented table: level, wording, target of the year."""
    target_column = f"Целевое значение на {year} год"
    show = pd.DataFrame(
        {
            "Уровень": [
                INDENT * d + KIND_NAMES.get(k, k) for d, k in zip(tree["depth"], tree["kind"])
            ],
            "Содержание": tree["title"].to_numpy(),
            target_column: [
                _target_text(i, t, u)
                for i, t, u in zip(tree["indicator_id"], tree["target"], tree["unit"])
            ],
        }
    )
    return tables.styled(show, f"Дерево целей {year} года", right=[target_column])


def _target_text(indicator_id: str, target: float, unit: str) -> str:
    """An indicator row's target («не установлено» when none); '' on a goal row."""
    if not indicator_id:
        return ""
    return NO_TARGET if fmt.is_missing(target) else fmt.value(target, unit)


def tree_summary(tree: pd.DataFrame, year: int) -> str:
    """«Дерево целей 2023 года: 6 целей и задач, 39 показателей, у 22 есть цель на год.»"""
    goals = tree[tree["indicator_id"] == ""]
    inds = tree[tree["indicator_id"] != ""]
    with_target = int(inds["target"].notna().sum())
    return (
        f"Дерево целей {year} года: "
        f"{fmt.count(len(goals), 'цель или задача', 'цели и задачи', 'целей и задач')}, "
        f"{fmt.count(len(inds), 'показатель', 'показателя', 'показателей')}; "
        f"целевое значение на год установлено для {with_target} из них."
    )


def integrity_table(issues: pd.DataFrame) -> Styler:
    show = issues.rename(columns={"problem": "Что не так", "subject": "Цель или показатель"})
    return tables.styled(show, "Нарушения целостности дерева целей")


def integrity_sentences(issues: pd.DataFrame) -> list[str]:
    if issues.empty:
        return [
            (
                "Дерево целей цельное: у каждой цели есть показатели, у каждого показателя — "
                "цель и форма-источник."
            )
        ]
    counts = issues["problem"].value_counts()
    return [f"{problem.capitalize()}: {n}." for problem, n in counts.items()]


def conclusions(tree: pd.DataFrame, issues: pd.DataFrame, year: int) -> list[str]:
    """Closing bullets of the stage."""
    out = [tree_summary(tree, year)]
    inds = tree[tree["indicator_id"] != ""]
    no_target = inds.loc[inds["target"].isna(), "title"].tolist()
    if no_target:
        out.append(
            f"Без целевого значения на {year} год "
            f"({fmt.count(len(no_target), 'показатель', 'показателя', 'показателей')}) — "
            "за ними наблюдают, но достижение цели по ним не оценивается."
        )
    out += integrity_sentences(issues)
    return out
