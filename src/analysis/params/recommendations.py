"""`params/recommendations.yaml`: the recommendation rules management decided (SPEC §3).

Read here, at the edge; `analysis.recommendations.rules` parses and checks what was read.
"""

from __future__ import annotations

from pathlib import Path

from analysis.params import read_yaml
from analysis.recommendations.rules import RULES_FILE, Rule, ids_of, parse_rules

WHAT = "правила рекомендаций"  # for the message of a file that cannot be read


def load_rules(params_dir: Path | None = None) -> list[Rule]:
    """Every rule of the file, checked (no file: none); a mistake is a UserError naming the
    file and the rule."""
    return parse_rules(read_yaml(RULES_FILE, WHAT, params_dir), RULES_FILE)


def rule_ids(params_dir: Path | None = None) -> frozenset[str]:
    """The ids of the rules (no file: none), without checking the rules themselves."""
    return ids_of(read_yaml(RULES_FILE, WHAT, params_dir))
