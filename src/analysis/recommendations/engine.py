"""The rule engine: every rule × every unit of its level → the recommendations that fire.

A unit's facts are its row of the tidy indicator table (value, target, numerator, denominator),
the city's value of the same indicator and the rule's count N (the persons of a list at the
unit, or a number computed from the unit's row). Conditions are checked on these facts; the
text's placeholders are filled from them in Russian formatting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import fmt, problems, processed
from analysis.catalogue import CATALOGUE
from analysis.recommendations import lists
from analysis.recommendations.rules import CATEGORIES, PLACEHOLDER, Condition, Rule, load_rules

COLUMNS = ["rule_id", "level", "unit_id", "unit_name", "addressee", "indicator_id", "value",
           "target", "count", "text"]
CENTRE_TYPE = lists.CENTRE_TYPE
INCOMPLETE = "incomplete_window"  # tidy flag: the value's window reaches before the data


def recommend(processed_dir: Path, year: int, tidy: pd.DataFrame,
              params_dir: Path | None = None) -> pd.DataFrame:
    """Every recommendation of `year`: one row per rule and unit concerned, in rule order."""
    rules = load_rules(params_dir)
    processed_dir = Path(processed_dir)
    frames = Frames.read(processed_dir, year, rules)
    rows = [row for rule in rules for row in apply_rule(rule, tidy, frames, year)]
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

    def __init__(self, institutions: pd.DataFrame | None, associations: pd.DataFrame | None,
                 members: pd.DataFrame | None, person: Mapping[str, pd.DataFrame],
                 units: Mapping[str, pd.DataFrame]) -> None:
        self.institutions = institutions
        self.associations = associations
        self.members = members
        self.lists = {**person, **units}
        self.names = problems.unit_names(institutions, associations)

    @classmethod
    def read(cls, processed_dir: Path, year: int, rules: list[Rule]) -> Frames:
        need_people = any(r.count in lists.PERSON_LISTS for r in rules)
        return cls(processed.read_table(processed_dir, year, "institutions"),
                   processed.read_table(processed_dir, year, "associations"),
                   processed.read_table(processed_dir, year, "members"),
                   lists.person_lists(processed_dir, year) if need_people else {},
                   lists.unit_lists(processed_dir, year))


def apply_rule(rule: Rule, tidy: pd.DataFrame, frames: Frames, year: int) -> list[dict]:
    """The recommendations of one rule (a dict per unit concerned)."""
    ind = CATALOGUE[rule.indicator]
    rows = tidy[tidy["indicator_id"] == rule.indicator]
    city = _row(rows, "city", "city")
    out = []
    for unit_id, unit_name in units(rule, frames):
        level = "city" if rule.level == "category" else rule.level
        row = _row(rows, level, "city" if rule.level == "category" else unit_id)
        facts = {"value": row["value"], "target": row["target"], "numerator": row["numerator"],
                 "denominator": row["denominator"], "city_value": city["value"],
                 "incomplete": row["incomplete"]}
        facts["gap"] = _gap(facts["value"], facts["target"], ind.direction)
        facts["count"] = count(rule, unit_id, facts, ind.direction, frames)
        if rule.count is not None and not (facts["count"] >= 1):
            continue  # nothing to do for nobody
        if not all(holds(c, facts, ind.direction) for c in rule.conditions):
            continue
        out.append({"rule_id": rule.id, "level": rule.level, "unit_id": unit_id,
                    "unit_name": unit_name, "addressee": rule.addressee,
                    "indicator_id": rule.indicator, "value": facts["value"],
                    "target": facts["target"],
                    "count": None if rule.count is None else int(facts["count"]),
                    "text": fill(rule, unit_name, facts, year)})
    return out


def units(rule: Rule, frames: Frames) -> list[tuple[str, str]]:
    """(unit_id, name) of every unit of the rule's level in the registers of the year."""
    inst = frames.institutions
    if rule.level == "category":
        return [(rule.category, CATEGORIES[rule.category][0])]  # type: ignore[index]
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


def _row(rows: pd.DataFrame, level: str, unit_id: str) -> dict[str, float]:
    hit = rows[(rows["level"] == level) & (rows["unit_id"].astype(str) == unit_id)]
    get = (lambda c: float(pd.to_numeric(hit[c], errors="coerce").iloc[0])) if len(hit) else (
        lambda c: np.nan)
    out = {c: get(c) for c in ("value", "target", "numerator", "denominator")}
    flags = str(hit["flags"].iloc[0]) if len(hit) and "flags" in hit.columns else ""
    out["incomplete"] = float(INCOMPLETE in flags.split(";"))
    return out


def _gap(value: float, target: float, direction: str) -> float:
    """How far the value is on the wrong side of its target (≤ 0 when it meets it)."""
    if math.isnan(value) or math.isnan(target):
        return np.nan
    return target - value if direction == "higher" else value - target


def count(rule: Rule, unit_id: str, facts: Mapping[str, float], direction: str,
          frames: Frames) -> float:
    """The rule's N at a unit (NaN when it cannot be known)."""
    if rule.count is None:
        return np.nan
    if rule.count == "numerator":
        return facts["numerator"]
    if rule.count == "denominator":
        return facts["denominator"]
    if rule.count == "to_target":
        return to_target(facts["numerator"], facts["denominator"], facts["target"], direction)
    return float(len(_at_unit(frames.lists.get(rule.count), rule, unit_id, frames)))


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


def _at_unit(frame: pd.DataFrame | None, rule: Rule, unit_id: str, frames: Frames
             ) -> pd.DataFrame:
    """The rows of a list that belong to a unit of the rule's level."""
    if frame is None or frame.empty:
        return frame if frame is not None else pd.DataFrame()
    level = rule.level
    if "assoc_id" in frame.columns:  # a list of associations
        return frame[frame["assoc_id"].astype(str) == unit_id] if level == "association" \
            else frame
    if level == "institution":
        return frame[frame["inst_id"].astype(str) == unit_id]
    if level in ("district", "inst_type"):
        inst = frames.institutions
        ids = set(inst.loc[inst[level].astype(str) == unit_id, "inst_id"].astype(str))
        return frame[frame["inst_id"].astype(str).isin(ids)]
    if level == "association":
        members = frames.members
        ids = set() if members is None else set(
            members.loc[members["assoc_id"].astype(str) == unit_id, "person_id"].astype(str))
        return frame[frame["person_id"].astype(str).isin(ids)]
    if level == "category":
        _, positions, under = CATEGORIES[unit_id]
        keep = pd.Series(True, index=frame.index)
        if positions is not None:
            keep &= frame["position"].isin(positions)
        if under is not None:
            keep &= frame["experience_years"] < under
        return frame[keep]
    return frame  # city, centre: everybody


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
    ops = {"<": x < cond.number, "<=": x <= cond.number, ">": x > cond.number,
           ">=": x >= cond.number, "==": x == cond.number, "!=": x != cond.number}
    return bool(ops[cond.op])


def fill(rule: Rule, unit_name: str, facts: Mapping[str, float], year: int) -> str:
    """The rule's text with every placeholder replaced."""
    ind = CATALOGUE[rule.indicator]
    unit = ind.unit

    def gap_text(g: float) -> str:
        if math.isnan(g):
            return fmt.DASH
        return fmt.pp(abs(g)).lstrip("+") if unit == fmt.PERCENT else fmt.value(abs(g), unit)

    n = facts["count"]
    values = {
        "unit_name": unit_name,
        "indicator": problems.lower_first(ind.name),
        "value": fmt.value(facts["value"], unit, missing=fmt.NO_DATA),
        "target": fmt.value(facts["target"], unit, missing=fmt.NO_DATA),
        "city_value": fmt.value(facts["city_value"], unit, missing=fmt.NO_DATA),
        "gap": gap_text(facts["gap"]),
        "city_gap": gap_text(_gap(facts["value"], facts["city_value"], ind.direction)),
        "count": fmt.integer(n),
        "year": str(year),
        "prev_year": str(year - 1),
        "years": fmt.years_range(year - 2, year),
        "category": CATEGORIES[rule.category][0].lower() if rule.category else "",
    }

    def one(match: re.Match) -> str:
        key, *forms = match.group(1).split("|")
        if forms:
            return fmt.count(int(n), *forms)
        return values[key]

    text = PLACEHOLDER.sub(one, rule.text)
    return text[:1].upper() + text[1:]  # «{category}: …» starts a sentence
