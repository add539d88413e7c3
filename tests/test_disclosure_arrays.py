"""The audit's index arrays and the attacker's program built from them, on hand-worked tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.disclosure import audit, relations
from analysis.disclosure.relations import spans


def row(indicator: str, level: str, unit: str, num: float, den: float, unit_name: str = "%"):
    value = 100 * num / den if unit_name == "%" else num
    return [2023, indicator, level, unit, num, den, value, unit_name, None, None, ""]


def ages() -> relations.Year:
    # rows 0–2: under 30 at city, A, B (5/40 = 3/20 + 2/20); rows 3–5: under 35 (9/40 = 6/20
    # + 3/20). Relations in build order: R0 q0 − q1 − q2 = 0, R1 q3 − q4 − q5 = 0, then the
    # subsets (under 30 ⊂ under 35) R2 q0 − q3 ≤ 0, R3 q1 − q4 ≤ 0, R4 q2 − q5 ≤ 0.
    rows = [
        row("age_under_30", "city", "city", 5, 40),
        row("age_under_30", "district", "A", 3, 20),
        row("age_under_30", "district", "B", 2, 20),
        row("age_under_35", "city", "city", 9, 40),
        row("age_under_35", "district", "A", 6, 20),
        row("age_under_35", "district", "B", 3, 20),
    ]
    columns = [
        "year", "indicator_id", "level", "unit_id", "numerator", "denominator", "value",
        "unit", "target", "meets_target", "flags",
    ]  # fmt: skip
    return relations.build(pd.DataFrame(rows, columns=columns))


def test_spans_concatenates_compressed_rows_in_the_order_asked():
    # rows of start [0, 2, 2, 5]: 0 → positions 0, 1; 1 → none; 2 → 2, 3, 4
    start = np.array([0, 2, 2, 5])
    assert spans(start, np.array([2, 0, 1])).tolist() == [2, 3, 4, 0, 1]
    assert spans(start, np.array([], dtype=int)).tolist() == []


def test_grouped_keeps_the_order_within_a_key():
    # keys 1, 0, 1, 2 over 4 keys: key 0 → [11], key 1 → [10, 12], key 2 → [13], key 3 → []
    start, items = relations._grouped(np.array([1, 0, 1, 2]), np.array([10, 11, 12, 13]), 4)
    assert start.tolist() == [0, 1, 3, 4, 4]
    assert items.tolist() == [11, 10, 12, 13]


def test_incidence_lists_each_rows_relations_ascending():
    inc = ages().incidence
    assert inc.relation_start.tolist() == [0, 3, 6, 8, 10, 12]
    assert inc.rows.tolist() == [0, 1, 2, 3, 4, 5, 0, 3, 1, 4, 2, 5]
    assert inc.rhs.tolist() == [0.0] * 5
    assert inc.equality.tolist() == [True, True, False, False, False]
    # row 2 (under 30 at B) sits in R0 and R4, row 5 (under 35 at B) in R1 and R4
    assert inc.relations_of_row[spans(inc.row_start, np.array([2]))].tolist() == [0, 4]
    assert inc.relations_of_row[spans(inc.row_start, np.array([5]))].tolist() == [1, 4]
    assert len(inc.partners) == 0  # no chains


def test_program_of_a_component_folds_the_constants_and_puts_equalities_first():
    # B hidden under both ages: x = (q2, q5). Rows 2 and 5 meet R0, R4, R1 in that order.
    # R0: 5 − 3 − q2 = 0 → −q2 = −2; R4: q2 − q5 ≤ 0; R1: 9 − 6 − q5 = 0 → −q5 = −3.
    # Equalities first: R0, R1, then R4. R2 and R3 touch no variable: left out.
    year = ages()
    hidden = np.array([False, False, True, False, False, True])
    lp = audit._LP(year, hidden, [2, 5])
    assert lp.a.toarray().tolist() == [[-1.0, 0.0], [0.0, -1.0], [1.0, -1.0]]
    assert lp.b_low.tolist() == [-2.0, -3.0, -np.inf]
    assert lp.b_high.tolist() == [-2.0, -3.0, 0.0]
    assert lp.high.tolist() == [20.0, 20.0]  # shares: at most their denominators
    assert (lp.n_eq, lp.n_ub) == (2, 1)


def test_sparse_adds_a_column_met_twice_and_drops_what_cancels():
    # line 0: column 1 twice (1 + 1 = 2); line 1: column 0 with −1, column 1 with 1 − 1 = 0.
    # Put line 1 first: [[−1, 0], [0, 2]], the cancelled cell absent.
    lines = audit._Lines(
        line=np.array([0, 0, 1, 1, 1]),
        column=np.array([1, 1, 0, 1, 1]),
        coefs=np.array([1.0, 1.0, -1.0, 1.0, -1.0]),
        rhs=np.array([0.0, 0.0]),
        equality=np.array([True, True]),
    )
    a = audit._sparse(lines, np.array([1, 0]), 2)
    assert a.toarray().tolist() == [[-1.0, 0.0], [0.0, 2.0]]
    assert a.nnz == 2


def test_reachable_walks_hidden_cells_through_shared_relations():
    # hidden: under 30 at A and B, under 35 at B. From A (row 1): R0 reaches B (row 2), R4
    # from row 2 reaches row 5; R3 leads to row 4, visible. A visible start: no component.
    year = ages()
    hidden = np.array([False, True, True, False, False, True])
    assert audit._reachable(year, hidden, 1) == [1, 2, 5]
    assert audit._reachable(year, hidden, 0) == []
    # without B under 30, A's relations (R0, R3) hold no other hidden cell
    hidden[2] = False
    assert audit._reachable(year, hidden, 1) == [1]


def test_program_of_a_chain_states_what_the_visible_share_prints():
    # row 0: 4 diagnosed (a count); row 1: 2 of them with a deficit (a share over those 4, so
    # its denominator is row 0's value: a chain). Relation R0 (subset): q1 − q0 ≤ 0.
    columns = [
        "year", "indicator_id", "level", "unit_id", "numerator", "denominator", "value",
        "unit", "target", "meets_target", "flags",
    ]  # fmt: skip
    rows = [
        row("deficit_diagnosed", "city", "city", 4, float("nan"), "чел."),
        row("deficit_share", "city", "city", 2, 4),
    ]
    year = relations.build(pd.DataFrame(rows, columns=columns))
    assert year.chain_link == {1: 0}
    # the count alone hidden: R0 gives 2 − q0 ≤ 0 → −q0 ≤ −2, and the visible share prints
    # its denominator: q0 = 4 (an equality, so first)
    lp = audit._LP(year, np.array([True, False]), [0])
    assert lp.a.toarray().tolist() == [[1.0], [-1.0]]
    assert lp.b_low.tolist() == [4.0, -np.inf]
    assert lp.b_high.tolist() == [4.0, -2.0]
    assert lp.high.tolist() == [4.0 + audit.FAR]  # a count: no known upper bound
    # both hidden: R0 and the chain's own q1 − q0 ≤ 0; the share loses its denominator
    lp = audit._LP(year, np.array([True, True]), [0, 1])
    assert lp.a.toarray().tolist() == [[-1.0, 1.0], [-1.0, 1.0]]
    assert lp.b_high.tolist() == [0.0, 0.0]
    assert lp.high.tolist() == [4.0 + audit.FAR, 2.0 + audit.FAR]


def test_components_join_hidden_cells_through_relations_only():
    # hidden: under 30 at A and B (rows 1, 2), under 35 at city and B (rows 3, 5). R0 joins
    # 1 and 2, R1 joins 3 and 5, R4 joins 2 and 5: one program over all four.
    year = ages()
    hidden = np.array([False, True, True, True, False, True])
    assert audit._components(year, hidden, np.flatnonzero(hidden)) == [[1, 2, 3, 5]]
    # rows 1 and 5 alone: R0, R3 hold no other hidden cell of row 1, R1, R4 none of row 5
    hidden = np.array([False, True, False, False, False, True])
    assert audit._components(year, hidden, np.flatnonzero(hidden)) == [[1], [5]]
