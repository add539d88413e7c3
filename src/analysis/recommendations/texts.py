"""The texts of recommendation rules, filled in Russian formatting.

Presentation kept beside the engine rather than in a page: the texts go into
`recommendations.csv`, the recommendation workbooks and page 04 alike, so the build's shared
results (`analysis.year_results`) give `fill` to `engine.apply_rules`, which computes the facts
and formats nothing itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from analysis import fmt, problems
from analysis.catalogue import CATALOGUE, PERCENT, STAFF_CATEGORIES
from analysis.recommendations.engine import shortfall
from analysis.recommendations.rules import PLACEHOLDER, Rule


def fill(rule: Rule, unit_name: str, facts: Mapping[str, float], year: int) -> str:
    """The rule's text with every placeholder replaced."""
    ind = CATALOGUE[rule.indicator]
    unit = ind.unit

    def gap_text(g: float) -> str:
        if math.isnan(g):
            return fmt.DASH
        return fmt.pp(abs(g)).lstrip("+") if unit == PERCENT else fmt.value(abs(g), unit)

    n = facts["count"]
    values = {
        "unit_name": unit_name,
        "indicator": problems.lower_first(ind.name),
        "value": fmt.value(facts["value"], unit, missing=fmt.NO_DATA),
        "target": fmt.value(facts["target"], unit, missing=fmt.NO_DATA),
        "city_value": fmt.value(facts["city_value"], unit, missing=fmt.NO_DATA),
        "gap": gap_text(facts["gap"]),
        "city_gap": gap_text(shortfall(facts["value"], facts["city_value"], ind.direction)),
        "count": fmt.integer(n),
        "year": str(year),
        "prev_year": str(year - 1),
        "next_year": str(year + 1),
        "years": fmt.years_range(year - 2, year),
        "category": STAFF_CATEGORIES[rule.category][0].lower() if rule.category else "",
    }

    def one(match: re.Match) -> str:
        key, *forms = match.group(1).split("|")
        if forms:
            return fmt.count(int(n), *forms)
        return values[key]

    text = PLACEHOLDER.sub(one, rule.text)
    return text[:1].upper() + text[1:]  # «{category}: …» starts a sentence
