"""Hand-made catalogue entries and tidy rows for the stage tests (no engine needed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TIDY_COLUMNS = [
    "year",
    "indicator_id",
    "level",
    "unit_id",
    "numerator",
    "denominator",
    "value",
    "unit",
    "target",
    "meets_target",
    "flags",
]


@dataclass(frozen=True)
class FakeIndicator:
    id: str
    name: str
    unit: str
    direction: str = "higher"
    levels: tuple = ("city", "district", "inst_type", "institution")
    sources: tuple = ("staff",)
    source_doc: str = "Муниципальная программа"
    method: str = "форма"
    frequency: str = "ежегодно"
    goal: str | None = "g1"
    muko: str | None = None
    numerator_text: str = "числитель"
    denominator_text: str = "знаменатель"
    group: str = "Кадры"


def catalogue(*items: FakeIndicator) -> dict[str, FakeIndicator]:
    return {i.id: i for i in items}


def row(year, ind, level, unit_id, num, den, value, unit="%", target=None, flags=""):
    return {
        "year": year,
        "indicator_id": ind,
        "level": level,
        "unit_id": unit_id,
        "numerator": num,
        "denominator": den,
        "value": np.nan if value is None else value,
        "unit": unit,
        "target": np.nan if target is None else target,
        "meets_target": None,
        "flags": flags,
    }


def tidy(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=TIDY_COLUMNS)


# Five institutions: ШНОР {1}, ШНСУ {1, 2}; their pk shares in 2023 (target 85).
INSTITUTIONS = pd.DataFrame(
    {
        "inst_id": ["1", "2", "3", "4", "5"],
        "name": ["Школа 1", "Школа 2", "Школа 3", "Школа 4", "Сад 5"],
        "inst_type": ["ОО", "ОО", "ОО", "ОО", "ДОО"],
        "district": ["Север", "Север", "Юг", "Юг", "Юг"],
        "low_results": [True, False, False, False, False],
        "unfavourable": [True, True, False, False, False],
    }
)
INST_TIDY = tidy(
    row(2023, "pk", "institution", "1", 2, 4, 50.0, target=85),
    row(2023, "pk", "institution", "2", 6, 8, 75.0, target=85),
    row(2023, "pk", "institution", "3", 9, 10, 90.0, target=85),
    row(2023, "pk", "institution", "4", 17, 20, 85.0, target=85),
    row(2023, "pk", "institution", "5", 1, 10, 10.0, target=85),
)
