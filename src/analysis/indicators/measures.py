"""Evaluate the catalogue's building blocks on a subject's entities, vectorised.

Every block gives one float per entity (1.0/0.0 for conditions, NaN for "unknown") and the
set of flags its inputs raise: ``no_data`` when no year it reads arrived, ``incomplete_window``
when some year of a window is missing.
"""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd
import pyarrow as pa

from analysis.catalogue import AnyOf, Attr, Field, Has, One, Plan, Rows, Sum
from analysis.indicators.entities import (
    INCOMPLETE_WINDOW,
    NO_DATA,
    Entities,
    as_arrow,
    lookup,
)
from analysis.reader import YearData

COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

Result = tuple[np.ndarray, frozenset[str]]


def condition(frame: pd.DataFrame, cond: Attr | AnyOf) -> np.ndarray:
    """Rows of ``frame`` meeting an `Attr` or `AnyOf` (missing values never meet one)."""
    if isinstance(cond, AnyOf):
        out = np.zeros(len(frame), dtype=bool)
        for part in cond.conds:
            out |= condition(frame, part)
        return out
    column = frame[cond.column]
    if cond.op == "in":
        return column.isin(list(cond.value)).to_numpy(dtype=bool, na_value=False)
    if cond.op in ("==", "!="):
        result = COMPARE[cond.op](column, cond.value)
    else:  # order comparisons are numeric (age, experience_years)
        result = COMPARE[cond.op](pd.to_numeric(column, errors="coerce"), cond.value)
    return pd.Series(result).to_numpy(dtype=bool, na_value=False)


class Evaluator:
    """Evaluates blocks for one subject's entities, remembering each result."""

    def __init__(self, data: YearData, entities: Entities) -> None:
        self.data = data
        self.entities = entities
        self._memo: dict[object, Result] = {}
        self._arrays: dict[tuple, np.ndarray] = {}

    def __call__(self, block: object) -> Result:
        if block not in self._memo:
            self._memo[block] = self._evaluate(block)
        return self._memo[block]

    def _evaluate(self, block: object) -> Result:
        n = len(self.entities)
        if isinstance(block, One):
            return np.ones(n), frozenset()
        if isinstance(block, (Attr, AnyOf)):
            return condition(self.entities.frame, block).astype(float), frozenset()
        if isinstance(block, (Has, Rows, Sum)):
            return self._rows(block)
        if isinstance(block, Field):
            return self._field(block)
        if isinstance(block, Plan):
            return self._plan(block)
        raise TypeError(f"unknown building block {block!r}")

    def _rows(self, block: Has | Rows | Sum) -> Result:
        """Has / Rows / Sum over the matching rows of every year of the block's window."""
        n = len(self.entities)
        total = np.zeros(n)
        arrived = 0
        first, last = block.years
        for offset in range(first, last + 1):
            table = self.data.table(block.table, offset)
            if table is None:
                continue
            arrived += 1
            keep = np.ones(len(table), dtype=bool)
            for cond in block.where:
                keep &= self._row_mask(block.table, offset, cond)
            weights = (
                pd.to_numeric(table[block.column], errors="coerce").fillna(0.0).to_numpy(float)
                if isinstance(block, Sum)
                else None
            )
            if block.key is None:  # the Centre: every matching row is its own
                total += keep.sum() if weights is None else weights[keep].sum()
                continue
            pos = self._positions(block.table, offset, block.key)
            keep &= pos >= 0
            w = None if weights is None else weights[keep]
            total += np.bincount(pos[keep], weights=w, minlength=n)[:n]
        span = last - first + 1
        if arrived == 0:
            return np.full(n, np.nan), frozenset({NO_DATA})
        flags = frozenset({INCOMPLETE_WINDOW}) if arrived < span else frozenset()
        if isinstance(block, Has):
            total = (total > 0).astype(float)
        return total, flags

    def _row_mask(self, table: str, offset: int, cond: Attr | AnyOf) -> np.ndarray:
        """Rows of a table meeting a condition (remembered: several blocks share them)."""
        key = ("mask", table, offset, cond)
        if key not in self._arrays:
            self._arrays[key] = condition(self.data.table(table, offset), cond)
        return self._arrays[key]

    def _positions(self, table: str, offset: int, column: str) -> np.ndarray:
        """Entity position of each row's ``column`` value (−1 when it is no entity)."""
        key = ("pos", table, offset, column)
        if key not in self._arrays:
            self._arrays[key] = lookup(self.data.table(table, offset)[column], self.entities.ids)
        return self._arrays[key]

    def prefetch(self, blocks: list[object]) -> None:
        """Look up the keys of every table the blocks read in one hash lookup.

        Arrow builds the hash of the entity ids on each lookup; with 1.2 M staff (scale 200)
        that build costs as much as the probes, so all key columns go in one call.
        """
        wanted: dict[tuple, pa.ChunkedArray] = {}
        for block in blocks:
            if not isinstance(block, (Has, Rows, Sum)) or block.key is None:
                continue
            for offset in range(block.years[0], block.years[1] + 1):
                key = ("pos", block.table, offset, block.key)
                table = self.data.table(block.table, offset)
                if table is not None and key not in self._arrays and key not in wanted:
                    wanted[key] = as_arrow(table[block.key])
        if self.entities.ids is None or not wanted:
            return
        chunks = [
            c.cast(pa.large_string())
            for a in wanted.values()
            for c in (a.chunks if isinstance(a, pa.ChunkedArray) else [a])
        ]
        found = lookup(pa.chunked_array(chunks, type=pa.large_string()), self.entities.ids)
        start = 0
        for key, values in wanted.items():
            self._arrays[key] = found[start : start + len(values)]
            start += len(values)

    def _field(self, block: Field) -> Result:
        n = len(self.entities)
        table = self.data.table(block.table)
        if table is None:
            return np.full(n, np.nan), frozenset({NO_DATA})
        table = table.drop_duplicates(block.key)
        where = lookup(self.entities.ids, table[block.key])
        values = pd.to_numeric(table[block.column], errors="coerce").to_numpy(float)
        values = np.append(values, np.nan)  # position -1 (no row) reads the NaN at the end
        return values[where], frozenset()

    def _plan(self, block: Plan) -> Result:
        n = len(self.entities)
        plan = self.data.table("centre_plan")
        if plan is None:
            return np.full(n, np.nan), frozenset({NO_DATA})
        rows = plan[plan["indicator_id"].eq(block.indicator_id).to_numpy(bool, na_value=False)]
        value = (
            float(rows["plan"].iloc[0])
            if len(rows) and pd.notna(rows["plan"].iloc[0])
            else (np.nan)
        )
        return np.full(n, value), frozenset()
