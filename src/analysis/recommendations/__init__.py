"""Stage 04, «Адресные рекомендации»: rules of `params/recommendations.yaml` applied to the data.

`load_rules` / `rule_ids` read the rules (`rules`), `recommend` applies them to a year
(`engine`), `person_lists` gives the person-level lists behind them (`lists`, internal profile
only) and `view` turns the results into tables and sentences for the notebook.
"""

from analysis.recommendations.engine import recommend
from analysis.recommendations.lists import person_lists, unit_lists
from analysis.recommendations.rules import Condition, Rule, load_rules, rule_ids

__all__ = ["Condition", "Rule", "load_rules", "person_lists", "recommend", "rule_ids",
           "unit_lists"]
