"""Stage 01, «Цели»: the goal tree of the year down to indicators and their targets.

The tree runs municipal programme → task → subprogramme → the Centre's goal and tasks of the
year → indicators (linked by the catalogue's ``goal``) with the year's target at city level
(the Centre's: the plan). The integrity check lists goals without indicators, indicators
without a goal and indicators without a source form.

Data in, data out: the goals, the catalogue and the year's indicator table come in as
arguments; the page (`analysis.pages.goals`) turns the frames into Russian tables and text.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.vocabulary import CENTRE, CITY

INDICATOR = "indicator"  # the kind of a tree row that is an indicator, not a goal
NODE_COLUMNS = ["id", "parent_id", "kind", "title", "indicators"]
TREE_COLUMNS = ["depth", "kind", "id", "title", "indicator_id", "unit", "target"]
INTEGRITY_COLUMNS = ["problem", "subject"]
# the kinds of integrity problem (the page shows them as they are)
NO_INDICATORS = "цель без показателей"
NO_GOAL = "показатель без цели"
NO_SOURCE = "показатель без формы-источника"


def _get(item: object, *names: str) -> object:
    """The first of `names` present on a mapping or an object (None when none is)."""
    for name in names:
        if isinstance(item, Mapping) and item.get(name) is not None:
            return item[name]
        if not isinstance(item, Mapping) and getattr(item, name, None) is not None:
            return getattr(item, name)
    return None


def _items(goals: object) -> list:
    """The top-level items of any accepted shape of the goal tree."""
    if isinstance(goals, pd.DataFrame):
        return goals.to_dict("records")
    if isinstance(goals, Mapping) and not _get(goals, "id"):
        return list(_get(goals, "goals", "nodes") or [])
    return list(goals) if goals is not None else []


def _applies(item: object, year: int | None) -> bool:
    """Does a node carrying ``year`` / ``years`` apply to the report year (always without one)."""
    if year is None:
        return True
    one, years = _get(item, "year"), _get(item, "years")
    if one is not None and int(one) != year:
        return False
    return not years or year in {int(y) for y in years}


def nodes(goals: object, year: int | None = None) -> pd.DataFrame:
    """The goal tree as a flat frame (id, parent_id, kind, title, indicators), whatever its shape.

    ``indicators`` are the catalogue ids the node lists itself (`params/goals.yaml`). Accepts
    a frame with those columns, a list of mappings/objects, or a mapping holding such a
    list under ``goals`` / ``nodes``; children listed under ``children`` are flattened. Nodes
    carrying ``year`` (or ``years``) are kept only for the report year.
    """
    rows: list[dict] = []

    def walk(item: object, parent: str | None) -> None:
        if not _applies(item, year):
            return
        node_id = str(_get(item, "id"))
        par = _get(item, "parent_id", "parent")
        rows.append(
            {
                "id": node_id,
                "parent_id": str(par) if par is not None else (parent or ""),
                "kind": str(_get(item, "kind", "level", "type") or "goal"),
                "title": " ".join(str(_get(item, "title", "name", "text") or node_id).split()),
                "indicators": [str(i) for i in _get(item, "indicators") or ()],
            }
        )
        for child in _get(item, "children") or []:
            walk(child, node_id)

    for item in _items(goals):
        walk(item, None)
    return pd.DataFrame(rows, columns=NODE_COLUMNS)


def top_targets(tidy: pd.DataFrame) -> dict[str, float]:
    """indicator_id → its target at the top level (city, or the Centre's plan)."""
    top = tidy[tidy["level"].isin([CITY, CENTRE]) & tidy["target"].notna()]
    out: dict[str, float] = {}
    for ind, tgt in zip(top["indicator_id"], top["target"]):
        out.setdefault(ind, float(tgt))
    return out


def _measured_by(node: pd.Series, nid: str, catalogue: Mapping) -> list:
    """The indicators of a node: those it lists, else those whose catalogue goal it is."""
    listed = [i for i in node["indicators"] if i in catalogue]
    if listed:
        return [catalogue[i] for i in listed]
    return [ind for ind in catalogue.values() if ind.goal == nid]


def tree(goals: object, catalogue: Mapping, tidy: pd.DataFrame, year: int) -> pd.DataFrame:
    """The tree in reading order: one row per goal node, then its indicators, depth-first.

    Columns `TREE_COLUMNS`: depth, kind (`INDICATOR` for indicator rows), id (of the goal),
    title, indicator_id ('' for goal rows), unit, target (NaN when none is set).
    """
    frame = nodes(goals, year)
    targets = top_targets(tidy)
    ids = set(frame["id"])
    children: dict[str, list[str]] = {}
    for nid, par in zip(frame["id"], frame["parent_id"]):
        children.setdefault(par if par in ids else "", []).append(nid)
    by_id = frame.set_index("id")
    rows: list[dict] = []

    def visit(nid: str, depth: int) -> None:
        node = by_id.loc[nid]
        rows.append(
            {
                "depth": depth,
                "kind": node["kind"],
                "id": nid,
                "title": node["title"],
                "indicator_id": "",
                "unit": "",
                "target": float("nan"),
            }
        )
        for ind in _measured_by(node, nid, catalogue):
            rows.append(
                {
                    "depth": depth + 1,
                    "kind": INDICATOR,
                    "id": nid,
                    "title": ind.name,
                    "indicator_id": ind.id,
                    "unit": ind.unit,
                    "target": targets.get(ind.id, float("nan")),
                }
            )
        for child in children.get(nid, []):
            visit(child, depth + 1)

    for root in children.get("", []):
        visit(root, 0)
    return pd.DataFrame(rows, columns=TREE_COLUMNS)


def integrity(goals: object, catalogue: Mapping, year: int | None = None) -> pd.DataFrame:
    """Problems of the tree: (problem, subject) rows, empty when the tree is whole.

    - a goal none of whose subtree has an indicator (`NO_INDICATORS`);
    - an indicator no goal lists and whose catalogue goal is empty or not in the tree (`NO_GOAL`);
    - an indicator without a source form (`NO_SOURCE`).
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

    rows = [
        {"problem": NO_INDICATORS, "subject": t}
        for nid, t in zip(frame["id"], frame["title"])
        if not covered(nid)
    ]
    rows += [
        {"problem": NO_GOAL, "subject": ind.name}
        for ind in catalogue.values()
        if ind.id not in listed and (not ind.goal or ind.goal not in ids)
    ]
    rows += [
        {"problem": NO_SOURCE, "subject": ind.name} for ind in catalogue.values() if not ind.sources
    ]
    return pd.DataFrame(rows, columns=INTEGRITY_COLUMNS)


def goal_titles(goals: object) -> dict[str, str]:
    """goal id → title from the goal tree (empty when the tree has no titles)."""
    frame = nodes(goals)
    return dict(zip(frame["id"], frame["title"]))
