"""Disclosure control for the public profile (SPEC §5, §6): small values are hidden as «*».

The method — primary suppression, complementary suppression, then an exact audit by linear
programming (`protect`, `audit`, `relations`) — was chosen over rounding because SPEC pins
what a hidden row looks like (empty numerator, denominator and value, flag `suppressed`, «*» on
pages) and keeps every visible figure exact; over the hypercube method because the audit
checks the whole release of a year at once (every indicator, level, crossing hierarchy,
subset and chain) instead of each table alone, and so hides only what the relations need.

What is protected: values and numerators — whether the people of a unit had a course, are
young, have a deficit. Group sizes (denominators: how many teachers or heads a school has) are
public knowledge, so the audit assumes the reader knows every one of them (the worst case);
they are still blank in a hidden CSV row as SPEC pins. A denominator that is another
indicator's numerator (those diagnosed, the participants of an association) is a value, and
protected as one.

Every public surface reads the one table `suppress_indicators` returns (cached per year by
`public_table`), so no page re-derives a hidden value. `suppress_counts` and `mask_display`
serve the small count tables of pages.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.disclosure.protect import (
    PEOPLE_UNIT,
    PERSON_EVENTS,
    hidden_by_level,
    hidden_rows,
    primary_mask,
)
from analysis.disclosure.relations import SCHOOL_LEVEL, SHARE_UNIT

SUPPRESSED_FLAG = "suppressed"  # SPEC §5: the flag of a hidden row in the tidy table
MASK = "*"  # SPEC §6: how a hidden value is shown
FLAG_SEPARATOR = ";"  # several flags in one `flags` field
HIDDEN_COLUMNS = ("numerator", "denominator", "value", "meets_target")

__all__ = [
    "MASK",
    "PEOPLE_UNIT",
    "PERSON_EVENTS",
    "SHARE_UNIT",
    "SUPPRESSED_FLAG",
    "add_flag",
    "hidden_by_level",
    "mask_display",
    "masked",
    "primary_mask",
    "reader_note",
    "suppress_counts",
    "suppress_indicators",
]


def default_threshold() -> int:
    """The suppression threshold of `params/book.yaml` (5 by default)."""
    from analysis.settings import load_book_settings

    return load_book_settings().suppression_threshold


def suppress_indicators(
    tidy: pd.DataFrame,
    threshold: int | None = None,
    institutions: pd.DataFrame | dict[int, pd.DataFrame] | None = None,
    school_groups: bool = False,
) -> pd.DataFrame:
    """The tidy indicator table with small values hidden, safe against recombination.

    A hidden row keeps its ids, unit and target, gets empty numerator, denominator, value and
    meets_target (whether a value meets its target tells something about it too) and the flag
    ``suppressed``. `institutions` (inst_id, district, inst_type, low_results, unfavourable)
    places each institution in its district, type and school group — one table, or one per
    year of a stacked table; without it only the city's sums are known. Each year is decided
    on its own rows, so a year reads the same alone and inside a history. With
    `school_groups`, the pooled rows of ШНОР, ШНСУ and the other schools (level
    `school_group`) are kept after each year's rows, hidden or not, for the pages that print
    them; the tidy CSV has none.
    """
    threshold = default_threshold() if threshold is None else int(threshold)
    tidy = tidy.reset_index(drop=True)
    years = tidy["year"] if "year" in tidy.columns else pd.Series(0, index=tidy.index)
    parts = []
    for year, part in tidy.groupby(years, sort=True):
        places = institutions.get(int(year)) if isinstance(institutions, dict) else institutions
        full, mask = hidden_rows(part, threshold, places)
        shown = _hide(full, pd.Series(mask))
        if not school_groups:
            shown = shown[shown["level"].ne(SCHOOL_LEVEL)]
        parts.append(shown)
    if not parts:
        return _hide(tidy, pd.Series(False, index=tidy.index))
    return pd.concat(parts, ignore_index=True)


LEVEL_WORDS = {
    "city": "город",
    "district": "районы",
    "inst_type": "типы учреждений",
    "institution": "учреждения",
    "association": "объединения",
    "centre": "Центр",
    SCHOOL_LEVEL: "группы школ",
}


def reader_note(shown: pd.DataFrame, threshold: int) -> str:
    """What the public profile hides and what it does not, with the cost per level (Russian)."""
    flags = shown["flags"].astype("string").fillna("")
    hidden = flags.str.split(FLAG_SEPARATOR).map(lambda f: SUPPRESSED_FLAG in f).astype(bool)
    parts = []
    for level, words in LEVEL_WORDS.items():
        at = shown["level"].eq(level).to_numpy()
        if hidden[at].any():
            parts.append(f"{words} — {int(hidden[at].sum())} из {int(at.sum())}")
    cost = ("; ".join(parts) + ".") if parts else "ни одного."
    return (
        f"В публичной версии скрыты («*») значения, рассчитанные менее чем по {threshold} "
        "работникам (или участникам), и столько других, чтобы скрытое нельзя было вычислить "
        "ни из сумм по районам, типам учреждений и городу, ни из связанных показателей. "
        "Численность групп (сколько в учреждении педагогов, руководителей) общеизвестна и "
        "не скрывается; скрываются значения — сколько из них прошли курсы, участвовали в "
        f"конкурсах и т. п. Скрыто значений: {cost}"
    )


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


def _needs_partner(sizes: list, hidden: list[bool]) -> int | None:
    """Index of the smallest visible positive cell when exactly one positive cell is hidden.

    Zeros of a count table (a unit with no one in it) are hidden by the primary rule but need
    no partner here. Ties: the earlier cell, so the result never depends on chance.
    """
    to_protect = [k for k, h in enumerate(hidden) if h and _positive(sizes[k])]
    if len(to_protect) != 1:
        return None
    candidates = [(sizes[k], k) for k, h in enumerate(hidden) if not h and _positive(sizes[k])]
    return min(candidates)[1] if candidates else None


def _positive(size: object) -> bool:
    return bool(pd.notna(size)) and float(size) > 0


def mask_display(value: object, suppressed: bool) -> object:
    """`*` for a hidden value, the value itself otherwise."""
    return MASK if bool(suppressed) else value


def masked(frame: pd.DataFrame, mask: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for display: cells where `mask` is True become «*»."""
    out = frame.copy()
    for col in mask.columns:
        out[col] = [mask_display(v, m) for v, m in zip(out[col], mask[col], strict=True)]
    return out
