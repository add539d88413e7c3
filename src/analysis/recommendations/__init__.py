"""Stage 04, «Адресные рекомендации»: rules of `params/recommendations.yaml` applied to the data.

`rules` parses and checks the rules (read by `analysis.params.recommendations.load_rules`),
`recommend` applies them to a year (`engine`, on a `YearData`), `person_lists` gives the
person-level lists behind them (`lists`, internal profile only), and `texts.fill` writes a
rule's text in Russian. Tables and sentences for the reader are page 04's
(`analysis.pages.analysis`).
"""

from analysis.recommendations.engine import recommend
from analysis.recommendations.lists import person_lists, unit_lists
from analysis.recommendations.rules import Condition, Rule

__all__ = ["Condition", "Rule", "person_lists", "recommend", "unit_lists"]
