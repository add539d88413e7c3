"""Disclosure control for the public profile (SPEC §6): small values are hidden as «*».

Primary suppression hides a value computed over fewer people than the threshold: a share whose
denominator is below it, or a count of people (unit «чел.») below it. Secondary suppression then
makes sure a hidden value cannot be recovered by subtraction: wherever a parent total equals the
sum of its children (institutions within a district or an institution type, districts and
institution types within the city, associations within the city), a group with exactly one
hidden child gets a second one hidden — the smallest visible sibling. Groups overlap (an
institution is in a district and in a type), so the rule is repeated until nothing changes.

Pure functions on DataFrames; the build applies them, notebooks use `suppress_counts` and
`mask_display` for their own tables.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

SUPPRESSED_FLAG = "suppressed"  # SPEC §5: the flag of a hidden row in the tidy table
MASK = "*"  # SPEC §6: how a hidden value is shown
FLAG_SEPARATOR = ";"  # several flags in one `flags` field
SHARE_UNIT = "%"  # shares: hidden by their denominator
PEOPLE_UNIT = "чел."  # counts of people: hidden by their value
HIDDEN_COLUMNS = ("numerator", "denominator", "value", "meets_target")

# (child level, parent level): the children's values add up to the parent's.
SIBLING_GROUPS: tuple[tuple[str, str], ...] = (
    ("institution", "district"),
    ("institution", "inst_type"),
    ("district", "city"),
    ("inst_type", "city"),
    ("association", "city"),
)


def default_threshold() -> int:
    """The suppression threshold of `params/book.yaml` (5 by default)."""
    from analysis.settings import load_book_settings

    return load_book_settings().suppression_threshold


def primary_mask(tidy: pd.DataFrame, threshold: int) -> pd.Series:
    """Rows computed over fewer than `threshold` people (shares by denominator, people by value)."""
    unit = tidy["unit"].astype("string")
    denominator = pd.to_numeric(tidy["denominator"], errors="coerce")
    value = pd.to_numeric(tidy["value"], errors="coerce")
    small_share = (unit == SHARE_UNIT) & (denominator < threshold)
    small_people = (unit == PEOPLE_UNIT) & (value < threshold)
    return (small_share.fillna(False) | small_people.fillna(False)).astype(bool)


def suppress_indicators(
    tidy: pd.DataFrame,
    threshold: int | None = None,
    institutions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The tidy indicator table with small values hidden (primary and secondary suppression).

    A hidden row keeps its ids, unit and target, gets empty numerator, denominator, value and
    meets_target (whether a value meets its target tells something about it too) and the flag
    ``suppressed``. `institutions` (inst_id, district, inst_type) places each institution in its
    district and type; without it, institutions are treated as siblings within the city.
    """
    threshold = default_threshold() if threshold is None else int(threshold)
    out = tidy.reset_index(drop=True).copy()
    hidden = primary_mask(out, threshold)
    groups = _sibling_groups(out, institutions)
    size = _size(out)
    changed = True
    while changed:  # overlapping groups: repeat until stable
        changed = False
        for rows in groups:
            extra = _second_to_hide(rows, hidden, size)
            if extra is not None:
                hidden.iloc[extra] = True
                changed = True
    return _hide(out, hidden)


def _size(tidy: pd.DataFrame) -> pd.Series:
    """What 'smallest sibling' means: the denominator of a share, otherwise the value."""
    denominator = pd.to_numeric(tidy["denominator"], errors="coerce")
    value = pd.to_numeric(tidy["value"], errors="coerce")
    is_share = tidy["unit"].astype("string").eq(SHARE_UNIT).fillna(False).astype(bool)
    return denominator.where(is_share, value)


def _sibling_groups(tidy: pd.DataFrame, institutions: pd.DataFrame | None) -> list[list[int]]:
    """Positions of rows that are siblings under one parent, per indicator (and year)."""
    inst_parent: dict[str, dict[str, str]] = {}
    pairs = SIBLING_GROUPS
    if institutions is not None:
        for row in institutions.itertuples(index=False):
            inst_parent[str(row.inst_id)] = {"district": row.district, "inst_type": row.inst_type}
    else:  # the institutions' district and type are unknown: the city is their one parent
        pairs = (*SIBLING_GROUPS, ("institution", "city"))
    keys = [c for c in ("year", "indicator_id") if c in tidy.columns]
    groups: list[list[int]] = []
    for child_level, parent_level in pairs:
        part = tidy.loc[tidy["level"].eq(child_level).to_numpy(), keys].copy()
        if parent_level == "city":
            part["_parent"] = "city"
        else:
            units = tidy.loc[part.index, "unit_id"].astype(str)
            part["_parent"] = [inst_parent.get(u, {}).get(parent_level) for u in units]
            part = part[part["_parent"].notna()]
        for _, frame in part.groupby([*keys, "_parent"], sort=True):
            if len(frame) > 1:
                groups.append([int(i) for i in frame.index])
    return groups


def _second_to_hide(rows: list[int], hidden: pd.Series, size: pd.Series) -> int | None:
    """In a group with exactly one hidden row to protect, the position of the smallest visible
    sibling worth hiding (see `_needs_partner`)."""
    sizes = [size.iloc[i] for i in rows]
    at = _needs_partner(sizes, [bool(hidden.iloc[i]) for i in rows])
    return None if at is None else rows[at]


def _needs_partner(sizes: list, hidden: list[bool]) -> int | None:
    """Index of the smallest visible positive cell when exactly one positive cell is hidden.

    Zeros (a unit with no staff, like the Centre's row of a staff share) are hidden by the
    primary rule but need no partner: no person is behind them, and a hidden zero protects
    nothing either, since the subtraction it sits in gives the other hidden value away. Without
    this, an empty unit would hide a whole institution type. Ties: the earlier cell, so the
    result never depends on chance.
    """
    to_protect = [k for k, h in enumerate(hidden) if h and _positive(sizes[k])]
    if len(to_protect) != 1:
        return None
    candidates = [(sizes[k], k) for k, h in enumerate(hidden) if not h and _positive(sizes[k])]
    return min(candidates)[1] if candidates else None


def _positive(size: object) -> bool:
    return bool(pd.notna(size)) and float(size) > 0


def _hide(tidy: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Blank the revealing columns of hidden rows and add the flag."""
    out = tidy.copy()
    idx = hidden[hidden].index
    for column in HIDDEN_COLUMNS:
        if column in out.columns and len(idx):
            if out[column].dtype == bool:
                out[column] = out[column].astype("boolean")
            out.loc[idx, column] = pd.NA
    flags = out["flags"] if "flags" in out.columns else pd.Series([""] * len(out), index=out.index)
    flags = flags.astype("string").fillna("")
    out["flags"] = [
        add_flag(f, SUPPRESSED_FLAG) if h else f for f, h in zip(flags, hidden, strict=True)
    ]
    return out


def add_flag(flags: str, flag: str) -> str:
    """`flags` with `flag` added once (flags are `;`-separated)."""
    present = [f for f in str(flags or "").split(FLAG_SEPARATOR) if f]
    if flag not in present:
        present.append(flag)
    return FLAG_SEPARATOR.join(present)


def suppress_counts(
    frame: pd.DataFrame,
    count_cols: Iterable[str],
    threshold: int | None = None,
    secondary: bool = True,
) -> pd.DataFrame:
    """A boolean mask (frame's index × count_cols): cells to show as «*».

    A cell with fewer than `threshold` people is hidden; with `secondary`, any row or column
    of the table that has exactly one hidden cell gets its smallest other cell hidden too, so
    row and column totals cannot give it away.
    """
    threshold = default_threshold() if threshold is None else int(threshold)
    cols = list(count_cols)
    values = frame[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    hidden = values < threshold  # NaN compares False: an empty cell is not hidden
    if secondary:
        changed = True
        while changed:
            changed = False
            for i in range(hidden.shape[0]):
                changed |= _hide_second(values[i, :], hidden[i, :])
            for j in range(hidden.shape[1]):
                changed |= _hide_second(values[:, j], hidden[:, j])
    return pd.DataFrame(hidden, index=frame.index, columns=cols)


def _hide_second(sizes: np.ndarray, hidden: np.ndarray) -> bool:
    """In a line (a view) with exactly one hidden cell to protect, hide a partner for it."""
    if len(hidden) < 2:
        return False
    at = _needs_partner(list(sizes), list(hidden))
    if at is None:
        return False
    hidden[at] = True
    return True


def mask_display(value: object, suppressed: bool) -> object:
    """`*` for a hidden value, the value itself otherwise."""
    return MASK if bool(suppressed) else value


def masked(frame: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for display: cells where `mask` is True become «*»."""
    out = frame.copy()
    for col in mask.columns:
        out[col] = [mask_display(v, m) for v, m in zip(out[col], mask[col], strict=True)]
    return out
