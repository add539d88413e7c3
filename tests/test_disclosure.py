"""Disclosure control on hand-worked tables (threshold 5 throughout)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.disclosure import (
    audit,
    mask_display,
    masked,
    primary_mask,
    reader_note,
    relations,
    suppress_counts,
    suppress_indicators,
)

COLUMNS = [
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
]


def share(level: str, unit: str, num: int, den: int, flags: str = "") -> list:
    value = 100 * num / den if den else float("nan")
    return [2023, "category_high", level, unit, num, den, value, "%", 50.0, value >= 50, flags]


def people(level: str, unit: str, n: int) -> list:
    return [2023, "assoc_participants", level, unit, n, float("nan"), n, "чел.", None, None, ""]


def table(rows: list[list]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS)


def hidden_units(out: pd.DataFrame) -> set[str]:
    return set(out.loc[out["flags"].str.contains("suppressed"), "unit_id"])


def test_primary_share_and_secondary_smallest_sibling():
    # districts: A 20 people, B 3 (< 5 → hidden), C 10. City = 33 would give B back as
    # 33 − 20 − 10, so the smallest visible sibling C (10 < 20) is hidden too; the city stays.
    tidy = table(
        [
            share("city", "city", 18, 33),  # 12 + 1 + 5 of 20 + 3 + 10
            share("district", "A", 12, 20),
            share("district", "B", 1, 3),
            share("district", "C", 5, 10),
        ]
    )
    out = suppress_indicators(tidy, 5)
    assert hidden_units(out) == {"B", "C"}
    b = out[out["unit_id"] == "B"].iloc[0]
    assert math.isnan(b["numerator"]) and math.isnan(b["denominator"]) and math.isnan(b["value"])
    assert pd.isna(b["meets_target"])  # meets_target would tell whether 1/3 ≥ 50 %
    assert b["target"] == 50.0  # the target is management's, not data: kept
    a = out[out["unit_id"] == "A"].iloc[0]
    assert a["value"] == 60.0 and a["flags"] == ""  # 12 / 20 → 60 %, untouched


def test_nothing_hidden_in_a_group_of_large_units():
    # every denominator ≥ 5 → no row hidden, the table comes back unchanged in values
    tidy = table(
        [share("city", "city", 10, 25), share("district", "A", 5, 5), share("district", "B", 5, 20)]
    )
    out = suppress_indicators(tidy, 5)
    assert hidden_units(out) == set()
    assert out["value"].tolist() == [40.0, 100.0, 25.0]  # 10/25, 5/5, 5/20


def test_two_hidden_already_needs_no_secondary():
    # B (3) and C (2) are both below 5; A = 20. City 25 − 20 = 5 is the sum of two hidden
    # values: neither can be recovered, so A stays visible.
    tidy = table(
        [
            share("city", "city", 10, 25),
            share("district", "A", 8, 20),
            share("district", "B", 1, 3),
            share("district", "C", 1, 2),
        ]
    )
    assert hidden_units(suppress_indicators(tidy, 5)) == {"B", "C"}


def test_counts_of_people_hidden_by_value():
    # associations: 4 participants (< 5 → hidden), 30, 12 → secondary: 12 (smaller than 30)
    tidy = table(
        [
            people("city", "city", 46),
            people("association", "g1", 4),
            people("association", "g2", 30),
            people("association", "g3", 12),
        ]
    )
    assert hidden_units(suppress_indicators(tidy, 5)) == {"g1", "g3"}


def test_counts_that_are_not_people_are_not_hidden():
    # 2 events (unit «ед.») are not a count of people: nothing to hide
    tidy = table([[2023, "events_hosted", "institution", "s1", 2, None, 2, "ед.", None, None, ""]])
    assert hidden_units(suppress_indicators(tidy, 5)) == set()


def test_zero_denominator_counts_as_below_threshold():
    # 0 people < 5 → shown as «*» (the value is empty anyway)
    assert primary_mask(table([share("district", "A", 0, 0)]), 5).tolist() == [True]


def test_existing_flags_are_kept():
    tidy = table(
        [share("district", "B", 1, 3, flags="incomplete_window"), share("district", "A", 1, 3)]
    )
    out = suppress_indicators(tidy, 5)
    assert out["flags"].tolist() == ["incomplete_window;suppressed", "suppressed"]


def test_institutions_within_districts_and_types_chain():
    # D1: i1 (2 → hidden), i2 (8), i3 (30); D2: i4 (10), i5 (12); one person of each has the
    # category. Types: ОО = {i1, i4}; ДОО = {i2, i3, i5}. District, type and city rows add up.
    # D1 has one hidden → i2 (8, smallest of 8 and 30). ОО has one hidden (i1) → i4.
    # D2 now has one hidden (i4) → i5. ДОО has i2 and i5 hidden: two, stop. D1: i1, i2: two.
    # The audit agrees: n1 + n2 = 2, n4 + n5 = 2, n1 + n4 = 2, n2 + n5 = 2 allow (2, 0, 0, 2).
    sizes = [("i1", 2), ("i2", 8), ("i3", 30), ("i4", 10), ("i5", 12)]
    tidy = table(
        [share("institution", u, 1, n) for u, n in sizes]
        + [
            share("district", "D1", 3, 40),
            share("district", "D2", 2, 22),
            share("inst_type", "ОО", 2, 12),
            share("inst_type", "ДОО", 3, 50),
            share("city", "city", 5, 62),
        ]
    )
    institutions = pd.DataFrame(
        {
            "inst_id": ["i1", "i2", "i3", "i4", "i5"],
            "district": ["D1", "D1", "D1", "D2", "D2"],
            "inst_type": ["ОО", "ДОО", "ДОО", "ОО", "ДОО"],
        }
    )
    out = suppress_indicators(tidy, 5, institutions=institutions)
    assert hidden_units(out) == {"i1", "i2", "i4", "i5"}


def test_indicators_are_separate_groups():
    # B hidden in category_high only; in the other indicator B has 9 people → visible
    rows = [
        share("district", "A", 5, 20),
        share("district", "B", 1, 3),
        share("district", "C", 5, 10),
    ]
    other = [
        [2023, "age_under_30", "district", u, 1, n, 100 / n, "%", None, None, ""]
        for u, n in [("A", 20), ("B", 9), ("C", 10)]
    ]
    out = suppress_indicators(table(rows + other), 5)
    shown = out[out["indicator_id"] == "age_under_30"]
    assert not shown["flags"].str.contains("suppressed").any()


def test_suppress_counts_rows_and_columns():
    # ОО: 12, 3, 20; ДОО: 8, 9, 15. 3 < 5 → hidden. Row ОО then hides 12 (smallest of 12, 20);
    # column «первая» hides 9; row ДОО now has one hidden → 8. Columns «высшая» (12, 8) and
    # «первая» (3, 9) have two each; «нет» none. Result: both «высшая» and «первая» hidden.
    frame = pd.DataFrame(
        {"высшая": [12, 8], "первая": [3, 9], "нет": [20, 15]}, index=["ОО", "ДОО"]
    )
    mask = suppress_counts(frame, ["высшая", "первая", "нет"], 5)
    assert mask.to_dict("list") == {
        "высшая": [True, True],
        "первая": [True, True],
        "нет": [False, False],
    }
    primary = suppress_counts(frame, ["высшая", "первая", "нет"], 5, secondary=False)
    assert primary.to_numpy().sum() == 1  # only the 3


def test_mask_display_and_masked():
    assert mask_display(3, True) == "*"
    assert mask_display(12, False) == 12
    frame = pd.DataFrame({"n": [3, 40], "name": ["a", "b"]})
    mask = pd.DataFrame({"n": [True, False]})
    assert masked(frame, mask)["n"].tolist() == ["*", 40]


def test_an_empty_unit_is_hidden_but_hides_no_sibling():
    # types: ОО 40 people, УДО 12, ДПО (the Centre: no staff) 0/0 → 0 < 5, hidden as «*».
    # Nobody stands behind a zero, so УДО and ОО stay visible; a real small cell still gets a
    # partner: with ДОО 3 (hidden) the smallest positive visible sibling, УДО, is hidden too.
    types = [
        share("inst_type", "ОО", 20, 40),
        share("inst_type", "УДО", 6, 12),
        share("inst_type", "ДПО", 0, 0),
    ]
    tidy = table([share("city", "city", 26, 52), *types])  # 20 + 6 + 0 of 40 + 12 + 0
    assert hidden_units(suppress_indicators(tidy, 5)) == {"ДПО"}
    tidy = table([share("city", "city", 27, 55), *types, share("inst_type", "ДОО", 1, 3)])
    assert hidden_units(suppress_indicators(tidy, 5)) == {"ДПО", "ДОО", "УДО"}


def test_zero_counts_need_no_partner_in_count_tables():
    # row: 0 | 12 | 30 → the 0 is below 5 and shown as «*», but hides nothing else
    frame = pd.DataFrame({"a": [0], "b": [12], "c": [30]})
    mask = suppress_counts(frame, ["a", "b", "c"], 5)
    assert mask.iloc[0].tolist() == [True, False, False]


def test_reader_note_states_the_stance_and_the_cost():
    # 2 of 3 districts hidden (B below 5, C its partner), the city visible
    tidy = table(
        [
            share("city", "city", 18, 33),
            share("district", "A", 12, 20),
            share("district", "B", 1, 3),
            share("district", "C", 5, 10),
        ]
    )
    note = reader_note(suppress_indicators(tidy, 5), 5)
    assert "менее чем по 5 работникам" in note
    assert "Численность групп" in note and "не скрывается" in note
    assert note.endswith("Скрыто значений: районы — 2 из 3.")


def test_a_zero_total_is_hidden_when_it_gives_its_hidden_parts_away():
    # competition_municipal (teachers): s1 0 of 3 (< 5, hidden), s2 0 of 7, city 0 of 10.
    # competition_any (staff): s1 2 of 4 (< 5, hidden), s2 0 of 9, city 2 of 13.
    # Each city sum has one hidden institution → the other one is hidden too (all four).
    # Still, municipal s1 + s2 = 0 pins both at 0 («nobody at s1 took part»): the audit hides
    # the municipal city value, and then s1 ≤ its competition_any (2, hidden) lets it move.
    rows = []
    for ind, cells in {
        "competition_municipal": [("s1", 0, 3), ("s2", 0, 7), ("city", 0, 10)],
        "competition_any": [("s1", 2, 4), ("s2", 0, 9), ("city", 2, 13)],
    }.items():
        rows += [
            [
                2023,
                ind,
                "city" if u == "city" else "institution",
                u,
                n,
                d,
                100 * n / d,
                "%",
                None,
                None,
                "",
            ]
            for u, n, d in cells
        ]
    out = suppress_indicators(table(rows), 5)
    flagged = out["flags"].str.contains("suppressed")
    assert set(zip(out.loc[flagged, "indicator_id"], out.loc[flagged, "unit_id"])) == {
        ("competition_municipal", "s1"),
        ("competition_municipal", "s2"),
        ("competition_municipal", "city"),
        ("competition_any", "s1"),
        ("competition_any", "s2"),
    }


def test_the_audit_remembers_each_program_and_no_more():
    # City 18 of 33 = A 12/20 + B 1/3 + C 5/10. Hidden B alone: 18 − 12 − 5 gives it back
    # (pinned). B and C hidden: n_B + n_C = 6 with n_B ≤ 3, n_C ≤ 10 lets n_B be 0 … 3 (free).
    # The same Year asked again about B alone must answer «pinned» again (the remembered
    # answer of that program), not the answer of the wider one asked in between.
    tidy = table(
        [
            share("city", "city", 18, 33),
            share("district", "A", 12, 20),
            share("district", "B", 1, 3),
            share("district", "C", 5, 10),
        ]
    )
    year = relations.build(tidy)
    b_alone = np.array([False, False, True, False])
    b_and_c = np.array([False, False, True, True])
    assert audit.pinned(year, b_alone) == [2]
    assert audit.pinned(year, b_and_c) == []
    assert audit.pinned(year, b_alone, {2}) == [2]
    assert audit.pinned(year, b_and_c, {2}) == []
    assert len(year.audited) == 2  # one program per hidden set (its component and chains)


def test_a_cell_on_its_bound_is_asked_the_other_way():
    # A 12/20 visible, B and C hidden. Full B (3 of 3): it cannot go up, but down it can
    # (B 2, C 6 keeps the city's 20) → not pinned. Empty B and C under a city of 12: the
    # two must add up to 0, neither can go below 0 → both pinned.
    def year(b: int, c: int) -> relations.Year:
        rows = [share("city", "city", 12 + b + c, 33), share("district", "A", 12, 20)]
        return relations.build(
            table(rows + [share("district", "B", b, 3), share("district", "C", c, 10)])
        )

    b_and_c = np.array([False, False, True, True])
    assert audit.pinned(year(3, 5), b_and_c) == []
    assert audit.pinned(year(0, 0), b_and_c) == [2, 3]


def test_the_public_decision_cache_key_follows_every_value_and_type(tmp_path):
    """The cached public decision of a year is found again only for the very same table."""
    from analysis.disclosure.cache import _key

    table = pd.DataFrame(
        {"indicator_id": ["a", "b"], "value": [50.0, 12.5], "flags": ["", "suppressed"]}
    )
    path = tmp_path / "institutions.parquet"  # absent: keyed as such
    key = _key(table, path, 5)
    assert _key(table.copy(), path, 5) == key
    assert _key(table.assign(value=[50.0, 12.6]), path, 5) != key  # one value
    assert _key(table.assign(flags=["", ""]), path, 5) != key  # one flag
    assert _key(table.astype({"value": "float32"}), path, 5) != key  # a type
    assert _key(table.rename(columns={"value": "v"}), path, 5) != key  # a column name
    assert _key(table, path, 4) != key  # the threshold
