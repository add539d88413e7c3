"""Loader of `params/book.yaml`: the book's settings, checked, over the defaults of
`analysis.settings.BookSettings` (the one place they are written).

Every key of the file is a field of `BookSettings` (the judged thresholds under `thresholds:`);
a key the book does not know, or a value of the wrong kind, is a UserError naming the key, so a
misspelt setting cannot be silently ignored.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

from analysis.errors import UserError
from analysis.params import read_yaml
from analysis.settings import BookSettings

FILE = "book.yaml"
THRESHOLDS = "thresholds"  # the section of the thresholds of monitoring and analysis


def load_book_settings(params_dir: Path | None = None) -> BookSettings:
    """The settings of `params/book.yaml`; a missing file (or key) keeps the defaults."""
    raw = read_yaml(FILE, "настройки книги", params_dir)
    if raw is None:
        return BookSettings()
    given = _section(raw, TOP_LEVEL, (), sections=(THRESHOLDS,))
    if raw.get(THRESHOLDS) is not None:
        given |= _section(raw[THRESHOLDS], IN_THRESHOLDS, (THRESHOLDS,))
    defaults = BookSettings()
    for name in ("severity_kind", "severity_level"):  # a file may give some weights only
        if name in given:
            given[name] = {**getattr(defaults, name), **given[name]}
    return replace(defaults, **given)


def _section(
    raw: object, readers: dict[str, Callable], path: tuple[str, ...], sections: tuple[str, ...] = ()
) -> dict:
    """The fields one mapping of the file gives, each read by its reader (``sections``: the
    nested mappings it may hold, read apart)."""
    if not isinstance(raw, dict):
        _fail(path, raw, "ожидается список настроек «название: значение»")
    unknown = [key for key in raw if key not in readers and key not in sections]
    if unknown:
        known = ", ".join([*readers, *sections])
        _fail(
            (*path, str(unknown[0])), raw[unknown[0]], f"неизвестная настройка; допустимы: {known}"
        )
    return {
        key: read(raw[key], (*path, key))
        for key, read in readers.items()
        if raw.get(key) is not None
    }


def _fail(path: tuple[str, ...], value: object, what: str) -> NoReturn:
    where = " › ".join((FILE, *path))
    raise UserError(f"{where}: «{value}» — {what}")


def _integer(value: object, path: tuple[str, ...], minimum: int) -> int:
    # bool is an int to Python but «yes» is no count; 5.0 from YAML is accepted as 5
    if isinstance(value, bool) or not isinstance(value, int | float):
        _fail(path, value, "нужно целое число")
    if not float(value).is_integer():  # 2.5, and .inf / .nan, which int() cannot take
        _fail(path, value, "нужно целое число")
    if int(value) < minimum:
        _fail(path, value, f"нужно целое число не меньше {minimum}")
    return int(value)


def _number(value: object, path: tuple[str, ...]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        _fail(path, value, "нужно число")
    return float(value)


def _list(value: object, path: tuple[str, ...]) -> list:
    if not isinstance(value, list):
        _fail(path, value, "нужен список (строки «- значение»)")
    return value


def _years(value: object, path: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(sorted({_integer(y, path, 1900) for y in _list(value, path)}))


def _names(value: object, path: tuple[str, ...]) -> tuple[str, ...]:
    names = _list(value, path)
    for name in names:
        if not isinstance(name, str) or not name.strip():
            _fail(path, name, "нужен код показателя")
    return tuple(name.strip() for name in names)


def _weights(value: object, path: tuple[str, ...]) -> dict[str, float]:
    if not isinstance(value, dict):
        _fail(path, value, "нужен список «название: вес»")
    return {str(k): _number(v, (*path, str(k))) for k, v in value.items()}


TOP_LEVEL: dict[str, Callable] = {
    "years": _years,
    "window": lambda v, p: _integer(v, p, 1),
    "suppression_threshold": lambda v, p: _integer(v, p, 1),
    "key_indicators": _names,
}
IN_THRESHOLDS: dict[str, Callable] = {
    "outlier_z": _number,
    "near_target_pp": _number,
    "worsening_pp": _number,
    "lagging_pp": _number,
    "problem_min_people": lambda v, p: _integer(v, p, 0),
    "severity_kind": _weights,
    "severity_level": _weights,
}
