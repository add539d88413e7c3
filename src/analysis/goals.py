"""The goal tree of `params/goals.yaml` (SPEC §2, stage «Цели»).

Structure: `load_goals()` returns a list of `Goal` in tree order (parent before children):
municipal programme → task → subprogramme → the Centre's goal → the Centre's tasks. Each goal
has ``id``, ``kind`` (`KINDS`), Russian ``title``, ``parent`` (id or None), ``depth``,
``indicators`` (catalogue ids that measure it) and ``years`` (empty = every year).
`goals_frame` gives the same as a DataFrame; `integrity` lists goals without indicators and
catalogue indicators that no goal lists (the integrity check of notebook 01).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis import paths
from analysis.errors import UserError
from analysis.params import SAFE_LOADER

GOALS_FILE = "goals.yaml"
# kind → how the report names it
KINDS: dict[str, str] = {
    "programme": "Муниципальная программа",
    "task": "Задача программы",
    "subprogramme": "Подпрограмма",
    "centre_goal": "Цель Центра",
    "centre_task": "Задача Центра",
}


@dataclass(frozen=True)
class Goal:
    id: str
    kind: str
    title: str
    parent: str | None
    depth: int
    indicators: tuple[str, ...]
    years: tuple[int, ...] = ()
    document: str = ""

    @property
    def kind_title(self) -> str:
        return KINDS[self.kind]


def load_goals(params_dir: Path | None = None, year: int | None = None) -> list[Goal]:
    """The goal tree in order; with ``year``, only goals that apply to that year."""
    path = Path(params_dir or paths.PARAMS) / GOALS_FILE
    if not path.exists():
        raise UserError(f"Нет файла целей {path}")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path.name}: файл целей не прочитан — {exc}") from None
    goals: list[Goal] = []
    for node in raw.get("goals") or []:
        _walk(path.name, node, None, 0, goals)
    _check(path.name, goals)
    if year is not None:
        goals = [g for g in goals if not g.years or year in g.years]
    return goals


def _walk(file: str, node: dict, parent: str | None, depth: int, out: list[Goal]) -> None:
    try:
        goal = Goal(
            id=str(node["id"]),
            kind=str(node["kind"]),
            title=" ".join(str(node["title"]).split()),
            parent=parent,
            depth=depth,
            indicators=tuple(str(i) for i in node.get("indicators") or ()),
            years=tuple(int(y) for y in node.get("years") or ()),
            document=str(node.get("document") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        raise UserError(f"{file}: у цели нужны id, kind и title: {node!r}") from None
    if goal.kind not in KINDS:
        raise UserError(f"{file} › {goal.id}: неизвестный вид цели «{goal.kind}»")
    out.append(goal)
    for child in node.get("children") or []:
        _walk(file, child, goal.id, depth + 1, out)


def _check(file: str, goals: list[Goal]) -> None:
    from analysis.catalogue import CATALOGUE

    ids = [g.id for g in goals]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise UserError(f"{file}: повторяются коды целей: {', '.join(repeated)}")
    unknown = sorted({i for g in goals for i in g.indicators} - set(CATALOGUE))
    if unknown:
        raise UserError(f"{file}: неизвестные показатели: {', '.join(unknown)}")


def goals_frame(goals: list[Goal]) -> pd.DataFrame:
    """One row per goal: id, kind, kind_title, title, parent, depth, indicators (list)."""
    return pd.DataFrame(
        [
            {
                "id": g.id,
                "kind": g.kind,
                "kind_title": g.kind_title,
                "title": g.title,
                "parent": g.parent,
                "depth": g.depth,
                "indicators": list(g.indicators),
            }
            for g in goals
        ],
        columns=["id", "kind", "kind_title", "title", "parent", "depth", "indicators"],
    )


def integrity(goals: list[Goal]) -> dict[str, list[str]]:
    """Goals that no indicator measures, and catalogue indicators that no goal lists."""
    from analysis.catalogue import CATALOGUE

    listed = {i for g in goals for i in g.indicators}
    return {
        "goals_without_indicators": [g.id for g in goals if not g.indicators],
        "indicators_without_goals": [i for i in CATALOGUE if i not in listed],
    }
