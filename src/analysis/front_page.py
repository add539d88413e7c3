"""The book's front page, the computation: per year, how the key indicators stand against their
targets, what changed on last year, the trend, and the counts a decision rests on.

Data in, data out (no file reading, no formatting): the build hands in the year's indicator table
as the profile shows it (suppressed in public) and the year's decision tables as written for the
profile (`analysis.decision_tables`); what comes out is JSON-able, kept in the build's record per
year and combined over the years by `analysis.book.site`. A suppressed value stays unknown all the
way: no value, no band, no change, a gap in the trend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from analysis.effectiveness import EFFECTIVE
from analysis.monitoring import as_number, judged_band
from analysis.vocabulary import INCOMPLETE_WINDOW, SUPPRESSED, has_flag

CITY = "city"


def key_rows(
    shown: pd.DataFrame, key_ids: Sequence[str], catalogue: Mapping, near_pp: float
) -> list[dict]:
    """One dict per key indicator at city level (the Centre's at level centre) of the year's
    table `shown` (as the profile shows it): id, value (None when empty or suppressed), target,
    unit, direction, suppressed, incomplete, band (`monitoring.judged_band`)."""
    top = shown[shown["level"].isin([CITY, "centre"])].drop_duplicates("indicator_id")
    by_id = {str(r["indicator_id"]): r for r in top.to_dict("records")}
    rows = []
    for ind in key_ids:
        if ind not in by_id or ind not in catalogue:
            continue
        rec, meta = by_id[ind], catalogue[ind]
        flags = rec.get("flags", "")
        hidden = has_flag(flags, SUPPRESSED)
        value = None if hidden else known_number(rec.get("value"))
        target = known_number(rec.get("target"))
        rows.append(
            {
                "indicator_id": ind,
                "value": value,
                "target": target,
                "unit": str(meta.unit),
                "direction": str(meta.direction),
                "suppressed": hidden,
                "incomplete": has_flag(flags, INCOMPLETE_WINDOW),
                "band": judged_band(value, target, meta.direction, meta.unit, near_pp, flags),
            }
        )
    return rows


def known_number(x: object) -> float | None:
    """A cell as a float, None when empty or no number (never NaN: JSON-able)."""
    v = as_number(x)
    return None if math.isnan(v) else v


def change(current: dict, previous: dict | None) -> float | None:
    """This year's value minus last year's, when both are known (none suppressed or empty) and
    neither is over an incomplete window (an understated value would fake a change)."""
    if previous is None:
        return None
    if current["value"] is None or previous["value"] is None:
        return None
    if current["incomplete"] or previous["incomplete"]:
        return None
    return current["value"] - previous["value"]


def trend(rows_by_year: Mapping[int, list[dict]], indicator_id: str, year: int) -> list:
    """[(year, value or None)] of the indicator over the years up to `year` (a suppressed or
    empty value is None: a gap in the line, never a point)."""
    out = []
    for y in sorted(y for y in rows_by_year if y <= year):
        row = next((r for r in rows_by_year[y] if r["indicator_id"] == indicator_id), None)
        out.append((y, None if row is None else row["value"]))
    return out


def decision_counts(
    problems: pd.DataFrame | None,
    measures: pd.DataFrame | None,
    effectiveness: pd.DataFrame | None,
    year: int,
) -> dict[str, int | None]:
    """The counts a reader decides on, from the year's decision tables as the profile shows them
    (None where the table is absent): problems found, measures of the year, measures of earlier
    years judged this year and how many of them were effective (a measure is effective when any
    of its indicators is, as `effectiveness.measure_verdicts` has it)."""
    out: dict[str, int | None] = {
        "problems": None if problems is None else len(problems),
        "measures": None if measures is None else len(measures),
        "judged": None,
        "effective": None,
    }
    if effectiveness is not None:
        frame = effectiveness[pd.to_numeric(effectiveness["measure_year"], errors="coerce") < year]
        ids = frame["measure_id"].astype(str)
        out["judged"] = int(ids.nunique())
        out["effective"] = int(ids[frame["verdict"].astype(str).eq(EFFECTIVE)].nunique())
    return out
