"""The rule engine: every rule × every unit of its level → the recommendations that fire.

A unit's facts are its row of the tidy indicator table (value, target, numerator, denominator),
the city's value of the same indicator and the rule's count N (the persons of a list at the
unit, or a number computed from the unit's row). Conditions are checked on these facts; the
text's placeholders are filled from them in Russian formatting.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import ClassVar

import numpy as np
import pandas as pd

from analysis import problems
from analysis.catalogue import CATALOGUE, PERSON_LISTS, STAFF_CATEGORIES
from analysis.reader import YearData
from analysis.recommendations import lists
from analysis.recommendations.rules import LIST_COUNTS, Condition, Rule
from analysis.vocabulary import CENTRE_TYPE, INCOMPLETE_WINDOW, has_flag

COLUMNS = [
    "rule_id",
    "level",
    "unit_id",
    "unit_name",
    "addressee",
    "indicator_id",
    "value",
    "target",
    "count",
    "text",
]
# fill(rule, unit_name, facts, year) → the rule's text for one unit
Fill = Callable[[Rule, str, Mapping[str, float], int], str]


def recommend(data: YearData, tidy: pd.DataFrame, rules: list[Rule], fill: Fill) -> pd.DataFrame:
    """Every recommendation of the data's year: one row per rule and unit concerned, in rule
    order (`rules`: `analysis.params.recommendations.load_rules`)."""
    return apply_rules(rules, tidy, Frames.read(data, rules), data.year, fill)


def apply_rules(
    rules: list[Rule], tidy: pd.DataFrame, frames: Frames, year: int, fill: Fill
) -> pd.DataFrame:
    """The recommendations of `rules` on a year's data (no file is read here)."""
    facts = FactIndex(tidy, {rule.indicator for rule in rules})
    rows = [row for rule in rules for row in apply_rule(rule, facts, frames, year, fill)]
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out["target"] = pd.to_numeric(out["target"], errors="coerce").astype(float)
    out["count"] = pd.array(out["count"], dtype="Int64")
    out.attrs[lists.WITHHELD] = withheld_rules(rules, frames)
    return out


def withheld_rules(rules: list[Rule], frames: Frames) -> dict[str, str]:
    """Rule id → why it could not apply: its person list is withheld (earlier years not
    loaded), so it names nobody rather than everybody."""
    out = {}
    for rule in rules:
        frame = frames.lists.get(rule.count or "")
        reason = "" if frame is None else lists.withheld_reason(frame)
        if reason:
            out[rule.id] = reason
    return out


class Frames:
    """What the rules of a year read besides the tidy table: registers, lists, members."""

    def __init__(
        self,
        institutions: pd.DataFrame | None,
        associations: pd.DataFrame | None,
        members: pd.DataFrame | None,
        person: Mapping[str, pd.DataFrame],
        units: Mapping[str, pd.DataFrame],
    ) -> None:
        self.institutions = institutions
        self.associations = associations
        self.members = members
        self.lists = {**person, **units}
        self.names = problems.unit_names(institutions, associations)

    @classmethod
    def read(cls, data: YearData, rules: list[Rule] | None = None) -> Frames:
        """The frames of the data's year (the person lists only when a rule counts one)."""
        need_people = rules is None or any(r.count in PERSON_LISTS for r in rules)
        return cls(
            data.table("institutions"),
            data.table("associations"),
            data.table("members"),
            lists.person_lists(data) if need_people else {},
            lists.unit_lists(data.table("associations"), data.table("plan_reports")),
        )


class FactIndex:
    """The tidy table indexed once by (indicator_id, level, unit_id).

    A rule reads one row per unit; looking it up in a dict instead of filtering the table
    (≈2 250 filters a year on the demo city) is what makes the rules cheap. The first row of a
    key wins, as a filter's first hit did.
    """

    COLUMNS: ClassVar[tuple[str, ...]] = ("value", "target", "numerator", "denominator")
    MISSING: ClassVar[dict[str, float]] = {**dict.fromkeys(COLUMNS, np.nan), "incomplete": 0.0}

    def __init__(self, tidy: pd.DataFrame, indicator_ids: set[str] | None = None) -> None:
        if indicator_ids is not None:
            tidy = tidy[tidy["indicator_id"].isin(sorted(indicator_ids))]
        numbers = [
            pd.to_numeric(tidy[c], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            for c in self.COLUMNS
        ]
        flags = (
            tidy["flags"] if "flags" in tidy.columns else pd.Series("", index=tidy.index)
        ).to_numpy(dtype=object)
        keys = zip(tidy["indicator_id"], tidy["level"], tidy["unit_id"].astype(str))
        self._rows: dict[tuple, dict[str, float]] = {}
        for i, key in enumerate(keys):
            if key not in self._rows:
                row = {c: float(col[i]) for c, col in zip(self.COLUMNS, numbers)}
                row["incomplete"] = float(has_flag(flags[i], INCOMPLETE_WINDOW))
                self._rows[key] = row

    def row(self, indicator_id: str, level: str, unit_id: str) -> dict[str, float]:
        """value, target, numerator, denominator, incomplete of a unit (NaN where absent)."""
        return dict(self._rows.get((indicator_id, level, unit_id), self.MISSING))


def apply_rule(
    rule: Rule, facts_of: FactIndex, frames: Frames, year: int, fill: Fill
) -> list[dict]:
    """The recommendations of one rule (a dict per unit concerned)."""
    ind = CATALOGUE[rule.indicator]
    city = facts_of.row(rule.indicator, "city", "city")
    found = units(rule, frames)
    counts = (
        list_counts(frames.lists.get(rule.count), rule, [u for u, _ in found], frames)
        if rule.count in LIST_COUNTS
        else {}
    )
    out = []
    for unit_id, unit_name in found:
        level = "city" if rule.level == "category" else rule.level
        row = facts_of.row(rule.indicator, level, "city" if rule.level == "category" else unit_id)
        facts = {
            "value": row["value"],
            "target": row["target"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
            "city_value": city["value"],
            "incomplete": row["incomplete"],
        }
        facts["gap"] = shortfall(facts["value"], facts["target"], ind.direction)
        facts["count"] = (
            counts[unit_id] if rule.count in LIST_COUNTS else count(rule, facts, ind.direction)
        )
        if rule.count is not None and not (facts["count"] >= 1):
            continue  # nothing to do for nobody
        if not all(holds(c, facts, ind.direction) for c in rule.conditions):
            continue
        out.append(
            {
                "rule_id": rule.id,
                "level": rule.level,
                "unit_id": unit_id,
                "unit_name": unit_name,
                "addressee": rule.addressee,
                "indicator_id": rule.indicator,
                "value": facts["value"],
                "target": facts["target"],
                "count": None if rule.count is None else int(facts["count"]),
                "text": fill(rule, unit_name, facts, year),
            }
        )
    return out


def units(rule: Rule, frames: Frames) -> list[tuple[str, str]]:
    """(unit_id, name) of every unit of the rule's level in the registers of the year."""
    inst = frames.institutions
    if rule.level == "category":
        return [(rule.category, STAFF_CATEGORIES[rule.category][0])]  # type: ignore[index]
    if rule.level in ("city", "centre"):
        return [(rule.level, problems.unit_label(rule.level, rule.level, frames.names))]
    if rule.level == "association":
        ids = [] if frames.associations is None else list(frames.associations["assoc_id"])
    elif inst is None:
        ids = []
    else:
        inst = inst[inst["inst_type"] != CENTRE_TYPE]
        column = {"institution": "inst_id", "district": "district", "inst_type": "inst_type"}
        ids = list(inst[column[rule.level]])
    ids = sorted(dict.fromkeys(str(i) for i in ids))
    return [(u, problems.unit_label(rule.level, u, frames.names)) for u in ids]


def shortfall(value: float, target: float, direction: str) -> float:
    """How far the value is on the wrong side of its target (≤ 0 when it meets it)."""
    if math.isnan(value) or math.isnan(target):
        return np.nan
    return target - value if direction == "higher" else value - target


def count(rule: Rule, facts: Mapping[str, float], direction: str) -> float:
    """The rule's N at a unit when it is a number of the unit's row (NaN when unknown);
    the N of a list is counted for every unit at once by `list_counts`."""
    if rule.count == "numerator":
        return facts["numerator"]
    if rule.count == "denominator":
        return facts["denominator"]
    if rule.count == "to_target":
        return to_target(facts["numerator"], facts["denominator"], facts["target"], direction)
    return np.nan


def to_target(numerator: float, denominator: float, target: float, direction: str) -> float:
    """How many more (or, for «lower is better», fewer) people reach the target share.

    higher: the least n with 100·(num + n)/den ≥ target; lower: the least n with
    100·(num − n)/den ≤ target. 0 when the target is met.
    """
    if any(math.isnan(x) for x in (numerator, denominator, target)) or denominator <= 0:
        return np.nan
    need = target * denominator / 100
    # 1e-9: a share exactly at its target must not ask for one more person through float noise
    if direction == "higher":
        return float(max(0, math.ceil(need - numerator - 1e-9)))
    return float(max(0, math.ceil(numerator - need - 1e-9)))


def list_counts(
    frame: pd.DataFrame | None, rule: Rule, unit_ids: list[str], frames: Frames
) -> dict[str, float]:
    """unit_id → how many rows of a list belong to the unit of the rule's level, for every
    unit at once (one count of the list per institution, association or person, then sums)."""
    if frame is None or frame.empty:
        return dict.fromkeys(unit_ids, 0.0)
    level = rule.level
    if "assoc_id" in frame.columns:  # a list of associations
        per = _per_value(frame["assoc_id"]) if level == "association" else None
    elif level == "institution":
        per = _per_value(frame["inst_id"])
    elif level in ("district", "inst_type"):
        per = _summed(frames.institutions, level, "inst_id", _per_value(frame["inst_id"]))
    elif level == "association":
        per = _summed(frames.members, "assoc_id", "person_id", _per_value(frame["person_id"]))
    elif level == "category":
        conditions = STAFF_CATEGORIES[rule.category][1]  # type: ignore[index]
        per = {rule.category: float(len(lists.in_category(frame, conditions)))}
    else:
        per = None  # city, centre: everybody
    if per is None:
        return dict.fromkeys(unit_ids, float(len(frame)))
    return {u: float(per.get(u, 0)) for u in unit_ids}


def _per_value(ids: pd.Series) -> dict[str, int]:
    """How many rows hold each id (compared as text, as the units' ids are)."""
    return {str(k): int(v) for k, v in ids.astype(str).value_counts().items()}


def _summed(
    pairs: pd.DataFrame | None, group: str, member: str, per_member: Mapping[str, int]
) -> dict[str, int]:
    """group → the rows of the list over the group's distinct members (an institution of a
    district, a member of an association)."""
    if pairs is None:
        return {}
    links = pairs[[group, member]].astype(str).drop_duplicates()
    rows = links[member].map(per_member).fillna(0).astype(int)
    return {str(k): int(v) for k, v in rows.groupby(links[group]).sum().items()}


def holds(cond: Condition, facts: Mapping[str, float], direction: str) -> bool:
    """Whether a condition holds; a missing value never satisfies one, and a value over an
    incomplete window (earlier years not loaded: understated) is judged against nothing."""
    value = facts["value"]
    judges_value = cond.kind != "compare" or cond.variable in ("value", "gap")
    if facts.get("incomplete") and judges_value:
        return False
    if cond.kind == "below_target":
        return not math.isnan(facts["gap"]) and facts["gap"] > 0
    if cond.kind == "worse_than_city":
        city = facts["city_value"]
        if math.isnan(value) or math.isnan(city):
            return False
        worse = city - value if direction == "higher" else value - city
        # «worse_than_city 5»: by at least 5 p. p.; plain: strictly worse
        return worse > 0 and round(worse, 9) >= cond.number
    x = facts[cond.variable]
    if x is None or math.isnan(x):
        return False
    ops = {
        "<": x < cond.number,
        "<=": x <= cond.number,
        ">": x > cond.number,
        ">=": x >= cond.number,
        "==": x == cond.number,
        "!=": x != cond.number,
    }
    return bool(ops[cond.op])


# SPEC §5: the columns of `recommendations.csv`, in order (`n` is the rule's count N)
TIDY_COLUMNS = ["rule_id", "indicator_id", "level", "unit_id", "n", "text"]


def tidy(recs: pd.DataFrame) -> pd.DataFrame:
    """``recommendations.csv`` (SPEC §5): one row per rule and addressee of `recs`
    (`apply_rules`), exactly `TIDY_COLUMNS`; rules in their file order (as `recs` has them),
    the addressees of a rule by unit_id, so the file does not depend on how units were listed."""
    order = {rule_id: i for i, rule_id in enumerate(dict.fromkeys(recs["rule_id"]))}
    out = pd.DataFrame(
        {
            "rule_id": recs["rule_id"].astype(str).to_numpy(),
            "indicator_id": recs["indicator_id"].astype(str).to_numpy(),
            "level": recs["level"].astype(str).to_numpy(),
            "unit_id": recs["unit_id"].astype(str).to_numpy(),
            "n": pd.array(recs["count"], dtype="Int64"),
            "text": recs["text"].astype(str).to_numpy(),
            "_rule": recs["rule_id"].map(order).to_numpy(),
        }
    )
    out = out.sort_values(["_rule", "unit_id"], kind="stable")
    return out[TIDY_COLUMNS].reset_index(drop=True)
