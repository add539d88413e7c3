"""Indicator engine: every indicator of the catalogue computed for a year at every level.

Public API::

    compute_year(processed_dir, year, cache_dir=None, params_dir=None) -> DataFrame
    series(processed_dir, years, indicator_ids=None, levels=None, cache_dir=None) -> DataFrame
    write_indicators_csv(processed_dir, year, out)      # `python -m analysis indicators`
    csv_text(tidy) -> str                               # SPEC §5 CSV of a tidy frame

The tidy frame has the columns `COLUMNS` (SPEC §5 plus ``flags``): year, indicator_id, level,
unit_id, numerator, denominator, value, unit, target, meets_target (nullable boolean), flags
(";"-joined: ``no_data``, ``incomplete_window``; "" when none). One row per indicator, level
and unit: every unit of `Учреждения` / `Реестр` of y at the levels the indicator declares, even
where the value is empty. Rows are in catalogue order, then city, district, inst_type,
institution, association, centre, then unit_id.

Decisions where SPEC §5 leaves room (documented for the report's readers):
- the Centre (type ДПО) is a unit: its institution row, its district and the inst_type ``ДПО``
  are listed; staff indicators there are empty (its persons are not "staff"); institution
  attributes (events_hosted, inst_*) count it like any institution, and so does the city;
- association level of staff indicators: the association's distinct members in `Участники`
  of y who are staff of y (teacher-based ones: who are teachers);
- a share with zero denominator has numerator 0, denominator 0 and an empty value; a count over
  an empty population (the Centre's row, an association without staff members) is empty;
- the Centre's % of plan is its own indicators (`centre_*_pct`, target 100 in targets.yaml).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import processed
from analysis.errors import UserError
from analysis.indicators import cache
from analysis.indicators.engine import LEVEL_ORDER, compute_raw
from analysis.indicators.tidy import COLUMNS, DTYPES, csv_text, finish, order, write_csv
from analysis.reader import YearData
from analysis.targets import load_targets

__all__ = ["COLUMNS", "LEVEL_ORDER", "compute_year", "csv_text", "series", "write_indicators_csv"]


def compute_year(
    processed_dir: Path, year: int, cache_dir: Path | None = None, params_dir: Path | None = None
) -> pd.DataFrame:
    """The tidy table of every catalogue indicator for ``year`` (cached when ``cache_dir``)."""
    path = None
    if cache_dir is not None:
        path = cache.cache_path(cache_dir, year, cache.cache_key(processed_dir, year, params_dir))
        cached = cache.load(path, DTYPES)
        if cached is not None:
            return cached
    data = YearData(processed_dir, year)
    tidy = finish(compute_raw(data), data, load_targets(params_dir))
    if path is not None:
        cache.store(path, tidy)
    return tidy


def series(
    processed_dir: Path,
    years: list[int],
    indicator_ids: list[str] | None = None,
    levels: list[str] | None = None,
    cache_dir: Path | None = None,
) -> pd.DataFrame:
    """The same tidy columns over several years (a time series of any indicator and level)."""
    frames = []
    for year in sorted(set(years)):
        tidy = compute_year(processed_dir, year, cache_dir=cache_dir)
        if indicator_ids is not None:
            tidy = tidy[tidy["indicator_id"].isin(list(indicator_ids))]
        if levels is not None:
            tidy = tidy[tidy["level"].isin(list(levels))]
        frames.append(tidy)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in DTYPES.items()})
    return order(pd.concat(frames, ignore_index=True).astype(DTYPES))


def write_indicators_csv(processed_dir: Path, year: int, out: Path) -> None:
    """`python -m analysis indicators`: the year's tidy table as CSV (SPEC §5)."""
    available = processed.years(processed_dir)
    if not available:
        raise UserError(
            f"В папке {processed_dir} нет обработанных данных: сначала выполните "
            "«python -m analysis ingest»"
        )
    if year not in available:
        listed = ", ".join(map(str, available))
        raise UserError(f"Года {year} нет в обработанных данных ({processed_dir}); есть: {listed}")
    write_csv(compute_year(processed_dir, year), out)
