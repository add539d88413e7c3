"""A small city's public indicator table, shared by the tests of public pages: districts
Север = {S1, S2}, Юг = {S3, S4, S5}, every school of type ОО; S1 is hidden (a small school)."""

from __future__ import annotations

import math

import pandas as pd

IND = "pk_modern_3y"  # a share, computed for districts, types and institutions
BEFORE, AFTER = 2020, 2022
SUPPRESSED = "suppressed"

# The small city: districts Север = {S1, S2}, Юг = {S3, S4, S5}; every school is of type ОО.
REGISTER = pd.DataFrame(
    {
        "inst_id": ["S1", "S2", "S3", "S4", "S5"],
        "district": ["Север", "Север", "Юг", "Юг", "Юг"],
        "inst_type": ["ОО"] * 5,
    }
)


def cell(year: int, level: str, unit: str, value: float | None, hidden: bool = False) -> dict:
    return {
        "year": year,
        "indicator_id": IND,
        "level": level,
        "unit_id": unit,
        "value": math.nan if hidden else value,
        "flags": SUPPRESSED if hidden else "",
    }


def public_table() -> pd.DataFrame:
    """Both years' public table: S1 is hidden (a small school), Север and the city are shown,
    the other schools are shown."""
    rows = []
    for year in (BEFORE, AFTER):
        rows += [
            cell(year, "institution", "S1", None, hidden=True),
            *[cell(year, "institution", s, 50.0) for s in ("S2", "S3", "S4", "S5")],
            cell(year, "district", "Север", 45.0),
            cell(year, "district", "Юг", 50.0),
            cell(year, "inst_type", "ОО", 48.0),
            cell(year, "city", "city", 48.0),
        ]
    return pd.DataFrame(rows)
