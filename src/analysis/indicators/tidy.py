"""The tidy indicator table of SPEC §5: targets, meets_target, order, and the CSV format."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.catalogue import CATALOGUE, PLAN_TARGETS
from analysis.files import write_text_atomic
from analysis.indicators.engine import LEVEL_ORDER
from analysis.reader import YearData
from analysis.targets import attach_targets, meets_target

COLUMNS: list[str] = [
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
]  # SPEC §5, in order
DTYPES = {
    "year": "int64",
    "indicator_id": "str",
    "level": "str",
    "unit_id": "str",
    "numerator": "float64",
    "denominator": "float64",
    "value": "float64",
    "unit": "str",
    "target": "float64",
    "meets_target": "boolean",
    "flags": "str",
}


def finish(raw: pd.DataFrame, data: YearData, targets: pd.DataFrame) -> pd.DataFrame:
    """Add target and meets_target to the engine's rows (already in tidy order)."""
    tidy = raw.reset_index(drop=True)
    target = attach_targets(tidy, targets[targets["year"].eq(data.year)])
    for indicator_id, value in _centre_plan(data).items():
        rows = (tidy["indicator_id"].eq(indicator_id) & tidy["level"].eq("centre")).to_numpy()
        target[rows] = value
    tidy["target"] = target
    tidy["meets_target"] = meets_target(tidy["value"], tidy["target"], tidy["direction"])
    return tidy[COLUMNS].astype(DTYPES)


def _centre_plan(data: YearData) -> dict[str, float]:
    """The Centre's plan of the year for its count indicators (SPEC §5: the plan is the target)."""
    plan = data.table("centre_plan")
    if plan is None:
        return {}
    plan = plan.dropna(subset=["plan"]).drop_duplicates("indicator_id")
    return {i: float(v) for i, v in zip(plan["indicator_id"], plan["plan"]) if i in PLAN_TARGETS}


def order(tidy: pd.DataFrame) -> pd.DataFrame:
    """Catalogue order, then level order (city … centre), then unit_id; stable."""
    rank = {k: i for i, k in enumerate(CATALOGUE)}
    keys = pd.DataFrame(
        {
            "year": tidy["year"].to_numpy(),
            "i": tidy["indicator_id"].map(rank).fillna(len(rank)).to_numpy(),
            "l": tidy["level"].map({k: i for i, k in enumerate(LEVEL_ORDER)}).to_numpy(),
            "u": tidy["unit_id"].to_numpy(dtype=object),
        }
    )
    index = keys.sort_values(["year", "i", "l", "u"], kind="stable").index
    return tidy.iloc[index].reset_index(drop=True)


def cell(value: object) -> str:
    """One CSV field: empty for missing, true/false, whole floats without «.0», else unrounded."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if math.isnan(x):
            return ""
        return str(int(x)) if x.is_integer() else repr(x)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def csv_text(tidy: pd.DataFrame) -> str:
    """The tidy table as SPEC §5 CSV: UTF-8, comma, dot decimal, unrounded, empty = no value.

    The ``flags`` column is written when the frame has one.
    """
    columns = [c for c in COLUMNS if c in tidy.columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(zip(*(_cells(tidy[c]) for c in columns)))
    return buffer.getvalue()


def _cells(column: pd.Series) -> list[str]:
    """`cell` of every value of a column, a column at a time (the same text as `cell`)."""
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        return [_float_cell(x) for x in column.to_numpy().tolist()]
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        return [str(x) for x in column.to_numpy().tolist()]
    return [v if type(v) is str else cell(v) for v in column.tolist()]


def _float_cell(x: float) -> str:
    if math.isnan(x):
        return ""
    return str(int(x)) if x.is_integer() else repr(x)


def write_csv(tidy: pd.DataFrame, out: Path) -> None:
    """Write the CSV (UTF-8, no BOM); the folder is created when needed."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out, csv_text(tidy))
