"""Stage 01, «Цели»: the goal tree of the year down to indicators and their targets.

The tree runs municipal programme → task → subprogramme → the Centre's goal and tasks of the
year → indicators (linked by the catalogue's ``goal``) with the year's target at city level
(the Centre's: the plan). The integrity check lists goals without indicators, indicators
without a goal and indicators without a source form.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
from pandas.io.formats.style import Styler

from analysis import fmt, tables

# How each kind of node is named for the reader (kinds of `params/goals.yaml`).
KIND_NAMES = {
    "programme": "Муниципальная программа",
    "task": "Задача программы",
    "subprogramme": "Подпрограмма",
    "service": "Муниципальная услуга (работа)",
    "centre_goal": "Цель Центра на год",
    "goal": "Цель",
    "centre_task": "Задача Центра на год",
}
INDICATOR = "Показатель"
INDENT = "\u2003"  # em space: one step of the tree (survives HTML whitespace collapsing)
NODE_COLUMNS = ["id", "parent_id", "kind", "title", "indicators"]


def _get(item: object, *names: str) -> object:
    """The first of `names` present on a mapping or an object (None when none is)."""
    for name in names:
        if isinstance(item, Mapping) and item.get(name) is not None:
            return item[name]
        if not isinstance(item, Mapping) and getattr(item, name, None) is not None:
            return getattr(item, name)
    return None


def nodes(goals: object, year: int | None = None) -> pd.DataFrame:
    """The goal tree as a flat frame (id, parent_id, kind, title, indicators), whatever its shape.

    ``indicators`` are the catalogue ids the node lists itself (`params/goals.yaml`). Accepts
    a frame with those columns, a list of mappings/objects, or a mapping holding such a
    list under ``goals`` / ``nodes``; children listed under ``children`` are flattened. Nodes
    carrying ``year`` (or ``years``) are kept only for the report year.
    """
    if isinstance(goals, pd.DataFrame):
        items = goals.to_dict("records")
    elif isinstance(goals, Mapping) and not _get(goals, "id"):
        items = list(_get(goals, "goals", "nodes") or [])
    else:
        items = list(goals) if goals is not None else []
    rows: list[dict] = []

    def walk(item: object, parent: object) -> None:
        years = _get(item, "years")
        one = _get(item, "year")
        if year is not None and ((one is not None and int(one) != year)
                                 or (years and year not in {int(y) for y in years})):
            return
        node_id = str(_get(item, "id"))
        par = _get(item, "parent_id", "parent")
        rows.append({"id": node_id, "parent_id": str(par) if par is not None else
                     (str(parent) if parent is not None else ""),
                     "kind": str(_get(item, "kind", "level", "type") or "goal"),
                     "title": " ".join(str(_get(item, "title", "name", "text") or node_id).split()),
                     "indicators": [str(i) for i in _get(item, "indicators") or ()]})
        for child in _get(item, "children") or []:
            walk(child, node_id)

    for item in items:
        walk(item, None)
    return pd.DataFrame(rows, columns=NODE_COLUMNS)


def _targets(tidy: pd.DataFrame) -> dict[str, float]:
    """indicator_id → its target at the top level (city, or the Centre)."""
    top = tidy[tidy["level"].isin(["city", "centre"])]
    out = {}
    for ind, tgt in zip(top["indicator_id"], top["target"]):
        if ind not in out and not fmt.is_missing(tgt):
            out[ind] = float(tgt)
    return out


def tree(goals: object, catalogue: Mapping, tidy: pd.DataFrame, year: int) -> pd.DataFrame:
    """The tree in reading order: one row per goal node, then its indicators, depth-first.

    Columns: depth, kind, id, title, indicator_id ('' for goal rows), unit, target.
    """
    frame = nodes(goals, year)
    targets = _targets(tidy)
    children: dict[str, list[str]] = {}
    for nid, par in zip(frame["id"], frame["parent_id"]):
        children.setdefault(par if par in set(frame["id"]) else "", []).append(nid)
    by_id = frame.set_index("id")
    rows: list[dict] = []

    def visit(nid: str, depth: int) -> None:
        node = by_id.loc[nid]
        rows.append({"depth": depth, "kind": node["kind"], "id": nid, "title": node["title"],
                     "indicator_id": "", "unit": "", "target": float("nan")})
        for ind in _measures(node, nid, catalogue):
            rows.append({"depth": depth + 1, "kind": INDICATOR, "id": nid, "title": ind.name,
                             "indicator_id": ind.id, "unit": ind.unit,
                             "target": targets.get(ind.id, float("nan"))})
        for child in children.get(nid, []):
            visit(child, depth + 1)

    for root in children.get("", []):
        visit(root, 0)
    return pd.DataFrame(rows, columns=["depth", "kind", "id", "title", "indicator_id", "unit",
                                       "target"])


def _measures(node: pd.Series, nid: str, catalogue: Mapping) -> list:
    """The indicators of a node: those it lists, else those whose catalogue goal it is."""
    listed = [i for i in node["indicators"] if i in catalogue]
    if listed:
        return [catalogue[i] for i in listed]
    return [ind for ind in catalogue.values() if ind.goal == nid]


def tree_table(tr: pd.DataFrame, year: int) -> Styler:
    """The tree as an indented table: level, wording, target of the year."""
    show = pd.DataFrame({
        "Уровень": [INDENT * d + KIND_NAMES.get(k, k) for d, k in zip(tr["depth"], tr["kind"])],
        "Содержание": tr["title"].to_numpy(),
        f"Целевое значение на {year} год": [
            (fmt.value(t, u) if not fmt.is_missing(t) else "не установлено") if i else ""
            for i, t, u in zip(tr["indicator_id"], tr["target"], tr["unit"])],
    })
    return tables.styled(show, f"Дерево целей {year} года", right=[show.columns[-1]])


def tree_summary(tr: pd.DataFrame, year: int) -> str:
    """«Дерево целей 2023 года: 6 целей и задач, 39 показателей, у 22 есть цель на год.»"""
    goals = tr[tr["indicator_id"] == ""]
    inds = tr[tr["indicator_id"] != ""]
    with_target = int(inds["target"].notna().sum())
    return (f"Дерево целей {year} года: {fmt.count(len(goals), 'цель или задача', 'цели и задачи', 'целей и задач')}, "
            f"{fmt.count(len(inds), 'показатель', 'показателя', 'показателей')}; "
            f"целевое значение на год установлено для {with_target} из них.")


def integrity(goals: object, catalogue: Mapping, tidy: pd.DataFrame | None = None,
              year: int | None = None) -> pd.DataFrame:
    """Problems of the tree: (problem, subject) rows, empty when the tree is whole.

    - a goal none of whose subtree has an indicator;
    - an indicator no goal lists and whose catalogue goal is empty or not in the tree;
    - an indicator without a source form.
    """
    frame = nodes(goals, year)
    ids = set(frame["id"])
    listed = {i for inds in frame["indicators"] for i in inds}
    linked = {ind.goal for ind in catalogue.values() if ind.goal}
    linked |= {nid for nid, inds in zip(frame["id"], frame["indicators"]) if inds}
    kids: dict[str, list[str]] = {}
    for nid, par in zip(frame["id"], frame["parent_id"]):
        kids.setdefault(par, []).append(nid)

    def covered(nid: str) -> bool:
        return nid in linked or any(covered(c) for c in kids.get(nid, []))

    rows = [{"problem": "цель без показателей", "subject": t}
            for nid, t in zip(frame["id"], frame["title"]) if not covered(nid)]
    rows += [{"problem": "показатель без цели", "subject": ind.name}
             for ind in catalogue.values()
             if ind.id not in listed and (not ind.goal or ind.goal not in ids)]
    rows += [{"problem": "показатель без формы-источника", "subject": ind.name}
             for ind in catalogue.values() if not ind.sources]
    return pd.DataFrame(rows, columns=["problem", "subject"])


def integrity_table(issues: pd.DataFrame) -> Styler:
    show = issues.rename(columns={"problem": "Что не так", "subject": "Цель или показатель"})
    return tables.styled(show, "Нарушения целостности дерева целей")


def integrity_sentences(issues: pd.DataFrame) -> list[str]:
    if issues.empty:
        return [("Дерево целей цельное: у каждой цели есть показатели, у каждого показателя — "
                 "цель и форма-источник.")]
    counts = issues["problem"].value_counts()
    return [f"{problem.capitalize()}: {n}." for problem, n in counts.items()]


def conclusions(tr: pd.DataFrame, issues: pd.DataFrame, year: int) -> list[str]:
    """Closing bullets of the stage."""
    out = [tree_summary(tr, year)]
    inds = tr[tr["indicator_id"] != ""]
    no_target = inds.loc[inds["target"].isna(), "title"].tolist()
    if no_target:
        out.append(f"Без целевого значения на {year} год "
                   f"({fmt.count(len(no_target), 'показатель', 'показателя', 'показателей')}) — "
                   "за ними наблюдают, но достижение цели по ним не оценивается.")
    out += integrity_sentences(issues)
    return out
