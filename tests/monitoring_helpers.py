"""Hand-made catalogue entries and tidy rows for the stage tests (no engine needed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

TIDY_COLUMNS = ["year", "indicator_id", "level", "unit_id", "numerator", "denominator", "value",
                "unit", "target", "meets_target", "flags"]


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
    return {"year": year, "indicator_id": ind, "level": level, "unit_id": unit_id,
            "numerator": num, "denominator": den,
            "value": np.nan if value is None else value, "unit": unit,
            "target": np.nan if target is None else target, "meets_target": None,
            "flags": flags}


def tidy(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=TIDY_COLUMNS)
