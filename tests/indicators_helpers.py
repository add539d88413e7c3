"""Tiny hand-made processed tables for the indicator tests (rows written out, defaults filled)."""

from __future__ import annotations

import pandas as pd

from analysis import contract


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A frame with every column of the table; columns a row leaves out get None."""
    columns = [c.name for c in contract.SHEETS[table].columns]
    return pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)


def inst(inst_id: str, inst_type: str, district: str, **kw) -> dict:
    row = {
        "inst_id": inst_id,
        "name": f"Учреждение {inst_id}",
        "inst_type": inst_type,
        "district": district,
        "low_results": False,
        "unfavourable": False,
        "innovation": "нет",
        "resource_centre": False,
        "support_site": False,
        "network_agreements": 0,
    }
    return {**row, **kw}


def person(
    person_id: str,
    inst_id: str,
    position: str = "педагог",
    birth_year: int = 1980,
    experience_years: float = 15,
    category: str = "нет",
) -> dict:
    return {
        "person_id": person_id,
        "inst_id": inst_id,
        "position": position,
        "birth_year": birth_year,
        "experience_years": experience_years,
        "category": category,
    }


def course(
    person_id: str,
    year: int,
    kind: str = "ПК",
    modern: bool = True,
    topic: str = "ФГОС",
    provider: str = "иная",
    hours: float = 36.0,
) -> dict:
    return {
        "person_id": person_id,
        "program": "Программа",
        "kind": kind,
        "hours": hours,
        "provider": provider,
        "modern": modern,
        "topic": topic,
        "end_date": pd.Timestamp(f"{year}-06-01"),
    }


def result(person_id: str, level: str, result: str) -> dict:
    return {"competition": "Конкурс", "level": level, "person_id": person_id, "result": result}


def plan_report(assoc_id: str, participants: int, under_35: int, **kw) -> dict:
    row = {
        "assoc_id": assoc_id,
        "participants": participants,
        "participants_under_35": under_35,
        "products": 0,
        "new_practices": 0,
        "young_school": False,
        "internships": 0,
        "competitors": 0,
        "events": 0,
        "mentoring_pairs": None,
    }
    return {**row, **kw}


def pick(tidy: pd.DataFrame, indicator_id: str, level: str, unit_id: str) -> pd.Series:
    """The one row of the tidy table for an indicator, level and unit."""
    rows = tidy[
        (tidy["indicator_id"] == indicator_id)
        & (tidy["level"] == level)
        & (tidy["unit_id"] == unit_id)
    ]
    assert len(rows) == 1, (indicator_id, level, unit_id, len(rows))
    return rows.iloc[0]


def triple(tidy: pd.DataFrame, indicator_id: str, level: str, unit_id: str) -> tuple:
    """(numerator, denominator, value) with None for an empty field."""
    row = pick(tidy, indicator_id, level, unit_id)
    return tuple(
        None if pd.isna(row[c]) else float(row[c]) for c in ("numerator", "denominator", "value")
    )
