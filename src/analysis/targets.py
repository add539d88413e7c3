"""Target values of indicators per year (`params/targets.yaml`) and whether a value meets one.

The file maps an indicator id to its targets::

    pk_modern_3y:            # a year → the target at every level
      2019: 75
      2020: 77
    gpo_participants:
      levels:                # only at some levels: level → {year: target}
        city: {2023: 650}
    category_high:
      units:                 # one unit: a list of {level, unit_id, year, target}
        - {level: district, unit_id: Ленинский, year: 2023, target: 70}

`load_targets` returns a frame with columns ``indicator_id, year, level, unit_id, target``
(``level``/``unit_id`` empty = applies at every level / every unit of the level). When several
rows apply to a unit, the most specific wins (unit, then level, then every level). For the
Centre's indicators the plan of `centre.xlsx › План` wins over this file (SPEC §5).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis import paths
from analysis.errors import UserError
from analysis.params import SAFE_LOADER

TARGETS_FILE = "targets.yaml"
COLUMNS = ["indicator_id", "year", "level", "unit_id", "target"]


def targets_path(params_dir: Path | None = None) -> Path:
    return Path(params_dir or paths.PARAMS) / TARGETS_FILE


def load_targets(params_dir: Path | None = None) -> pd.DataFrame:
    """Every target of `targets.yaml` as a tidy frame (empty when the file is absent)."""
    path = targets_path(params_dir)
    if not path.exists():
        return _frame([])
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path.name}: файл целевых значений не прочитан — {exc}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{path.name}: ожидается словарь «показатель: значения по годам»")
    rows: list[dict] = []
    for indicator_id, spec in raw.items():
        rows.extend(_rows(path.name, str(indicator_id), spec))
    _check_ids(path.name, {r["indicator_id"] for r in rows} | {str(k) for k in raw})
    return _frame(rows)


def _rows(file: str, indicator_id: str, spec: object) -> list[dict]:
    where = f"{file} › {indicator_id}"
    if not isinstance(spec, dict):
        raise UserError(f"{where}: ожидается «год: значение»")
    rows = []
    for key, value in spec.items():
        if key == "levels":
            for level, by_year in (value or {}).items():
                rows += [
                    _row(where, indicator_id, y, t, level=str(level))
                    for y, t in (by_year or {}).items()
                ]
        elif key == "units":
            for item in value or []:
                try:
                    rows.append(
                        _row(
                            where,
                            indicator_id,
                            item["year"],
                            item["target"],
                            level=str(item["level"]),
                            unit_id=str(item["unit_id"]),
                        )
                    )
                except (KeyError, TypeError):
                    raise UserError(
                        f"{where} › units: нужны level, unit_id, year и target: {item!r}"
                    ) from None
        else:
            rows.append(_row(where, indicator_id, key, value))
    return rows


def _row(
    where: str, indicator_id: str, year: object, target: object, level: str = "", unit_id: str = ""
) -> dict:
    try:
        year_int, value = int(year), float(target)
    except (TypeError, ValueError):
        raise UserError(f"{where}: неверная пара «год: значение» — {year!r}: {target!r}") from None
    return {
        "indicator_id": indicator_id,
        "year": year_int,
        "level": level,
        "unit_id": unit_id,
        "target": value,
    }


def _check_ids(file: str, ids: set[str]) -> None:
    from analysis.catalogue import CATALOGUE

    unknown = sorted(ids - set(CATALOGUE) - {"levels", "units"})
    if unknown:
        raise UserError(f"{file}: неизвестные показатели: {', '.join(unknown)}")


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype(
        {
            "indicator_id": "str",
            "year": "int64",
            "level": "str",
            "unit_id": "str",
            "target": "float64",
        }
    )


def attach_targets(tidy: pd.DataFrame, targets: pd.DataFrame) -> np.ndarray:
    """The target of each row of a tidy table (NaN where none applies), most specific first.

    Targets are few and rows many (a million at scale 200): each target row is applied as a
    vectorised mask, general ones first so that level and unit targets overwrite them.
    """
    out = np.full(len(tidy), np.nan)
    if not len(tidy) or not len(targets):
        return out
    specificity = targets["level"].ne("").astype(int) + targets["unit_id"].ne("").astype(int)
    ordered = targets.assign(_s=specificity).sort_values("_s", kind="stable")
    columns = {c: tidy[c] for c in ("indicator_id", "level", "unit_id")}
    years = tidy["year"].to_numpy()
    by_indicator: dict[str, np.ndarray] = {}
    for row in ordered.itertuples(index=False):
        if row.indicator_id not in by_indicator:
            by_indicator[row.indicator_id] = (
                columns["indicator_id"].eq(row.indicator_id).to_numpy(bool, na_value=False)
            )
        mask = by_indicator[row.indicator_id] & (years == row.year)
        if row.level:
            mask &= columns["level"].eq(row.level).to_numpy(bool, na_value=False)
        if row.unit_id:
            mask &= columns["unit_id"].eq(row.unit_id).to_numpy(bool, na_value=False)
        out[mask] = row.target
    return out


def meets_target(value: pd.Series, target: pd.Series, direction: pd.Series) -> pd.Series:
    """True/False by direction (higher: value ≥ target; lower: value ≤ target); NA if either
    is missing."""
    v = pd.to_numeric(value, errors="coerce").to_numpy(float)
    t = pd.to_numeric(target, errors="coerce").to_numpy(float)
    lower = np.asarray(direction) == "lower"
    ok = np.where(lower, v <= t, v >= t)
    result = pd.array(ok, dtype="boolean")
    result[np.isnan(v) | np.isnan(t)] = pd.NA
    return pd.Series(result, index=value.index, name="meets_target")
