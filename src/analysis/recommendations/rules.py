"""Recommendation rules of `params/recommendations.yaml`: parsing and checking them.

The file is read at the edge (`analysis.params.recommendations.load_rules`); this module takes
its parsed content and reads no file.

A rule is a declaration (SPEC §3: params/ holds what management decides)::

    - id: pk_lapsed                       # unique; `Меры › Рекомендации` cites it
      title: Курсы ПК для работников с истёкшим сроком
      indicator: pk_modern_3y             # an id of the catalogue
      level: institution                  # institution | association | district | inst_type |
                                          # city | centre | category
      category: heads                     # level category only: catalogue.STAFF_CATEGORIES
      condition: below_target             # or a list, every item must hold
      count: lapsed_pk                    # optional: what N is (a list, to_target, numerator…)
      addressee: руководителю ОУ
      text: "{unit_name}: … направить на курсы ПК {count|работника|работников|работников} …"

Conditions: ``below_target`` (the value does not meet its target, by the indicator's
direction), ``worse_than_city`` / ``worse_than_city 5`` (worse than the city's value; by at
least 5 p. p.), ``<value|count|gap|denominator> <op> <number>`` with op one of < <= > >= == !=.
A rule with a count gives no recommendation where the count is 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.catalogue import CATALOGUE, STAFF_CATEGORIES
from analysis.errors import UserError

RULES_FILE = "recommendations.yaml"  # SPEC §3
LEVELS = ("institution", "association", "district", "inst_type", "city", "centre", "category")
# What N of a rule can be: a list of `analysis.recommendations.lists`, or a number of the unit.
LIST_COUNTS = (
    "lapsed_pk",
    "young_without_mentor",
    "deficit_no_course",
    "heads_no_management",
    "missing_plan_report",
)
NUMBER_COUNTS = ("to_target", "numerator", "denominator")
PLACEHOLDERS = (
    "unit_name",
    "indicator",
    "value",
    "target",
    "city_value",
    "gap",
    "city_gap",
    "count",
    "year",
    "prev_year",
    "next_year",  # the year a plan or an order made now is for (the municipal order of y + 1)
    "years",
    "category",
)
VARIABLES = ("value", "count", "gap", "denominator")
OPERATORS = ("<=", ">=", "==", "!=", "<", ">")
REQUIRED = ("id", "indicator", "level", "condition", "addressee", "text")
_COMPARE = re.compile(r"^\s*(\w+)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:[.,]\d+)?)\s*$")
_WORSE = re.compile(r"^\s*worse_than_city(?:\s+(\d+(?:[.,]\d+)?))?\s*$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class Condition:
    """One condition: ``below_target``, ``worse_than_city`` (with a margin) or a comparison."""

    kind: str  # below_target | worse_than_city | compare
    variable: str = ""
    op: str = ""
    number: float = 0.0

    def __str__(self) -> str:
        if self.kind == "compare":
            return f"{self.variable} {self.op} {self.number:g}"
        if self.kind == "worse_than_city" and self.number:
            return f"worse_than_city {self.number:g}"
        return self.kind


@dataclass(frozen=True)
class Rule:
    """One recommendation rule (see the module's docstring)."""

    id: str
    indicator: str
    level: str
    conditions: tuple[Condition, ...]
    addressee: str
    text: str
    title: str = ""
    count: str | None = None
    category: str | None = None

    @property
    def uses_value(self) -> bool:
        """Whether the rule needs the indicator's value at its level."""
        return any(c.kind != "compare" or c.variable != "count" for c in self.conditions)


def rule_list(raw: object, file: str = RULES_FILE) -> list:
    """The file's list of rule mappings (a list, or a mapping with the list under `rules:`)."""
    if isinstance(raw, dict):
        raw = raw.get("rules")
    if not isinstance(raw, list):
        raise UserError(f"{file}: ожидается список правил (или ключ «rules:» со списком)")
    return raw


def ids_of(raw: object) -> frozenset[str]:
    """The ids of the rules of a parsed file (None: none). Only the ids are read, so `Меры`
    can be checked even against a file whose rules are still being written."""
    if raw is None:
        return frozenset()
    return frozenset(str(r["id"]) for r in rule_list(raw) if isinstance(r, dict) and "id" in r)


def parse_rules(raw: object, file: str = RULES_FILE) -> list[Rule]:
    """Every rule of a parsed file, checked (None: no rules); a mistake is a UserError naming
    the file and the rule."""
    if raw is None:
        return []
    rules = [parse_rule(item, n, file) for n, item in enumerate(rule_list(raw, file), start=1)]
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise UserError(f"{file} › правило «{rule.id}»: код правила повторяется")
        seen.add(rule.id)
    return rules


def parse_rule(item: object, number: int, file: str = RULES_FILE) -> Rule:
    """One mapping of the file as a Rule (`number` counts rules from 1, for messages)."""
    where = f"{file} › правило № {number}"
    if not isinstance(item, dict):
        raise UserError(f"{where}: ожидается описание правила (id, indicator, level, …)")
    if "id" in item:
        where = f"{file} › правило «{item['id']}»"
    missing = [k for k in REQUIRED if k not in item or item[k] in (None, "", [])]
    if missing:
        raise UserError(f"{where}: не заданы поля: {', '.join(missing)}")
    unknown = sorted(set(map(str, item)) - set(REQUIRED) - {"title", "count", "category"})
    if unknown:
        raise UserError(f"{where}: неизвестные поля: {', '.join(unknown)}")
    rule = Rule(
        id=str(item["id"]),
        indicator=str(item["indicator"]),
        level=str(item["level"]),
        conditions=tuple(_condition(where, c) for c in _as_list(item["condition"])),
        addressee=str(item["addressee"]).strip(),
        text=" ".join(str(item["text"]).split()),
        title=str(item.get("title") or item["id"]),
        count=None if item.get("count") is None else str(item["count"]),
        category=None if item.get("category") is None else str(item["category"]),
    )
    _check(where, rule)
    return rule


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


def _condition(where: str, text: object) -> Condition:
    raw = str(text)
    if raw.strip() == "below_target":
        return Condition("below_target")
    worse = _WORSE.match(raw)
    if worse:
        return Condition("worse_than_city", number=float((worse.group(1) or "0").replace(",", ".")))
    compare = _COMPARE.match(raw)
    if compare and compare.group(1) in VARIABLES:
        return Condition(
            "compare", compare.group(1), compare.group(2), float(compare.group(3).replace(",", "."))
        )
    raise UserError(
        f"{where}: непонятное условие «{raw}» — допустимы below_target, worse_than_city [п. п.] "
        f"и сравнения вида «value < 60» ({', '.join(VARIABLES)}; {' '.join(OPERATORS)})"
    )


def _check(where: str, rule: Rule) -> None:
    """The references of a rule exist and its text has only known placeholders."""
    if rule.indicator not in CATALOGUE:
        raise UserError(f"{where}: нет показателя «{rule.indicator}» в каталоге показателей")
    if rule.level not in LEVELS:
        raise UserError(
            f"{where}: неизвестный уровень «{rule.level}» — допустимы {', '.join(LEVELS)}"
        )
    if rule.level == "category" and rule.category not in STAFF_CATEGORIES:
        raise UserError(
            f"{where}: для уровня category нужна категория работников: "
            f"{', '.join(STAFF_CATEGORIES)}"
        )
    levels = CATALOGUE[rule.indicator].levels
    judged_at = "city" if rule.level == "category" else rule.level
    if rule.uses_value and judged_at not in levels:
        raise UserError(
            f"{where}: показатель «{rule.indicator}» не считается на уровне "
            f"«{rule.level}» — условие на его значение проверить нельзя"
        )
    if rule.count is not None and rule.count not in LIST_COUNTS + NUMBER_COUNTS:
        raise UserError(
            f"{where}: неизвестный счётчик count «{rule.count}» — допустимы "
            f"{', '.join(LIST_COUNTS + NUMBER_COUNTS)}"
        )
    if rule.count is None and any(c.variable == "count" for c in rule.conditions):
        raise UserError(f"{where}: условие на count, а счётчик count не задан")
    for name in PLACEHOLDER.findall(rule.text):
        key, *forms = name.split("|")
        if key not in PLACEHOLDERS:
            raise UserError(
                f"{where}: неизвестная подстановка «{{{name}}}» в тексте — допустимы "
                f"{', '.join('{' + p + '}' for p in PLACEHOLDERS)}"
            )
        if forms and (key != "count" or len(forms) != 3):
            raise UserError(
                f"{where}: подстановка «{{{name}}}»: формы слова задаются только "
                "для count, три через «|» (1 работника|2 работников|5 работников)"
            )
        if key == "count" and rule.count is None:
            raise UserError(f"{where}: в тексте есть {{count}}, а счётчик count не задан")
        if key == "category" and rule.level != "category":
            raise UserError(f"{where}: {{category}} допустима только на уровне category")
