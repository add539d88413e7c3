"""Which cells of one year's indicator table the public release hides.

1. Primary: a share over fewer than `threshold` people, a count of people (or of one-person
   events, `PERSON_EVENTS`) below it.
2. Chains: a share whose denominator is a hidden count is hidden too (it would print that count).
3. Cheap secondary: in a sibling group with exactly one hidden cell, the smallest visible
   sibling is hidden (this settles most groups before any LP runs).
4. The audit (`analysis.disclosure.audit`): every hidden quantity the published relations still
   pin down gets a partner — of the relations it sits in, tightest first, the best visible
   cell that frees it (checked by the audit) — and the audit runs again, until nothing is
   pinned. A cell once protected stays so (hiding more only widens what is possible), so
   later rounds check only the cells pinned before and the ones newly hidden.

Deterministic: ties go to the earlier row, so two builds hide the same cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure import audit, relations
from analysis.disclosure.relations import Year

PEOPLE_UNIT = "чел."  # counts of people: hidden by their value
# counts in «ед.» whose every unit is one or two people (SPEC §6: person-events follow the
# rule for counts of people): prize places of staff, mentoring pairs
PERSON_EVENTS = frozenset({"competition_prizes", "gpo_mentoring_pairs"})
MAX_ROUNDS = 200  # the audit loop ends long before (each round hides ≥ 1 more cell)


def primary_mask(tidy: pd.DataFrame, threshold: int) -> pd.Series:
    """Rows computed over fewer than `threshold` people (shares by denominator, people and
    person-events by value)."""
    unit = tidy["unit"].astype("string")
    denominator = pd.to_numeric(tidy["denominator"], errors="coerce")
    value = pd.to_numeric(tidy["value"], errors="coerce")
    small_share = (unit == relations.SHARE_UNIT) & (denominator < threshold)
    people = (unit == PEOPLE_UNIT) | tidy["indicator_id"].isin(PERSON_EVENTS)
    small_people = people & (value < threshold)
    return (small_share.fillna(False) | small_people.fillna(False)).astype(bool)


def hidden_rows(
    tidy: pd.DataFrame, threshold: int, institutions: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """One year's `tidy` with its school-group rows appended, and a boolean per row: hide it
    in the public release."""
    year = relations.build(tidy, institutions)
    hidden = primary_mask(year.tidy, threshold).to_numpy(bool).copy()
    check: set[int] | None = None  # the first audit checks every hidden cell
    for _ in range(MAX_ROUNDS):
        before = hidden.copy()
        _chains(year, hidden)
        _cheap_secondary(year, hidden)
        _chains(year, hidden)
        if check is not None:
            check |= set(np.flatnonzero(hidden & ~before).tolist())
        stuck = audit.pinned(year, hidden, check)
        if not stuck:
            break
        before = hidden.copy()
        if not _add_partners(year, hidden, stuck):
            break  # nothing left to hide next to them (cannot happen with a parent row)
        check = set(stuck) | set(np.flatnonzero(hidden & ~before).tolist())
    return year.tidy, hidden


def _chains(year: Year, hidden: np.ndarray) -> None:
    for share, link in year.chain_link.items():
        if hidden[link]:
            hidden[share] = True


def _cheap_secondary(year: Year, hidden: np.ndarray) -> None:
    """A group with exactly one hidden positive sibling gets its smallest visible one hidden
    (ties: the earlier row). The groups are visited in order, a pass at a time, each seeing
    what the earlier ones hid, until a pass hides nothing."""
    inc = year.incidence
    kids = inc.siblings
    group_of = np.repeat(np.arange(len(inc.sibling_start) - 1), np.diff(inc.sibling_start))
    positive = year.protectable & (np.nan_to_num(year.size, nan=0.0) > 0)
    inside = positive[kids]
    at, changed = 0, False  # the next group of the pass; whether the pass hid a cell
    while True:
        hidden_kid = hidden[kids]
        n_hidden = np.bincount(group_of, weights=inside & hidden_kid, minlength=len(inc.rhs))
        n_visible = np.bincount(group_of, weights=inside & ~hidden_kid, minlength=len(inc.rhs))
        ready = np.flatnonzero((n_hidden[at:] == 1) & (n_visible[at:] > 0))
        if len(ready):
            group = at + int(ready[0])
            members = kids[inc.sibling_start[group] : inc.sibling_start[group + 1]]
            visible = members[positive[members] & ~hidden[members]]
            hidden[visible[np.lexsort((visible, year.size[visible]))[0]]] = True
            at, changed = group + 1, True
        elif changed:  # the pass hid something: another pass from the first group
            at, changed = 0, False
        else:
            return


def _add_partners(year: Year, hidden: np.ndarray, stuck: list[int]) -> bool:
    """Hide a partner for each pinned cell; False when none could be found."""
    levels = year.tidy["level"].astype(str).to_numpy()
    added = False
    for row in stuck:
        if not hidden[row] or not audit.pinned(year, hidden, {row}):
            continue  # a partner chosen for an earlier cell freed this one too
        added |= _hide_partner(year, hidden, row, levels)
    return added


def _hide_partner(year: Year, hidden: np.ndarray, row: int, levels: np.ndarray) -> bool:
    """Hide the first candidate that frees `row` (checked by the audit). The candidates tried are the best of each relation the cell sits
    in, smallest relation first: a pair of nested indicators (a subset) is freed by its other
    half, a cell in two overlapping school groups by one of the groups, a lone hidden sibling
    by a sibling."""
    ranked = _candidates(year, hidden, row, levels)
    if not ranked:
        return False
    rank = {k: i for i, k in enumerate(ranked)}
    tries: list[int] = [s for s, link in year.chain_link.items() if link == row and s in rank]
    for rel in sorted(year.relations_of(row), key=lambda r: len(r.rows)):
        inside = [k for k in rel.rows if k in rank]
        best = min(inside, key=rank.__getitem__, default=None)
        if best is not None and best not in tries:
            tries.append(best)
    for partner in tries:
        hidden[partner] = True
        if not audit.pinned(year, hidden, {row}):
            return True
        hidden[partner] = False
    # none frees it alone: hide the partner of its tightest relation; the partner, pinned in
    # turn, gets its own partner next round (a nested pair hidden with a sibling of each)
    hidden[(tries or ranked)[0]] = True
    return True


def _candidates(year: Year, hidden: np.ndarray, row: int, levels: np.ndarray) -> list[int]:
    """Visible cells that share a relation with a pinned one, best first: its own level, then
    the one sharing most relations with it (the same district, type and school group: it can
    trade people with the pinned cell in every sum at once), one that can move (neither 0 nor
    full), the smallest."""
    shared: dict[int, int] = {}
    for rel in year.relations_of(row):
        for k in rel.rows:
            if k != row and not hidden[k] and year.protectable[k]:
                shared[k] = shared.get(k, 0) + 1
    for s, link in year.chain_link.items():
        if link == row and not hidden[s]:
            shared[s] = shared.get(s, 0) + 1

    truths, uppers, sizes, is_share = year.plain

    def score(k: int) -> tuple:
        truth, upper = truths[k], uppers[k]
        slack = truth > 0 or (is_share[k] and truth < upper)
        return (levels[k] != levels[row], -shared[k], not slack, sizes[k], k)

    return sorted(shared, key=score)


def hidden_by_level(tidy: pd.DataFrame, hidden: pd.Series, threshold: int) -> pd.DataFrame:
    """Per level: cells with a value, hidden by the primary rule, hidden in all (the cost of
    protection). `hidden` is aligned with `tidy`."""
    has_value = (
        pd.to_numeric(tidy["value"], errors="coerce").notna()
        | pd.to_numeric(tidy["numerator"], errors="coerce").notna()
    )
    frame = pd.DataFrame(
        {
            "level": tidy["level"].astype(str).to_numpy(),
            "cells": has_value.to_numpy(bool),
            "primary": (primary_mask(tidy, threshold) & has_value).to_numpy(bool),
            "hidden": (hidden.to_numpy(bool) & has_value.to_numpy(bool)),
        }
    )
    return frame.groupby("level", sort=False).sum().reset_index()
