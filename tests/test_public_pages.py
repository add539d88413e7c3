"""Public pages 04 and 06 consult the year's public table: no number of theirs can give away a
cell the public indicator table hides (hand-made small cases; the decision itself is
`analysis.disclosure`'s and is taken here as given)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from public_city_helpers import AFTER, IND, SUPPRESSED, cell, public_table

from analysis.pages import analysis as page

# --- page 04: recommendation texts ----------------------------------------------------------


def _recs() -> pd.DataFrame:
    rows = [
        ("inst_type", "ОО", 12, "Школам (ОО): доля 48,0 %, 12 человек без курса."),
        ("inst_type", "УДО", 7, "Учреждениям ДО (УДО): доля 30,0 %, 7 человек без курса."),
        ("district", "Север", 3, "Району Север: 3 человека без курса."),
        ("category", "young", None, "Молодым педагогам: доля по городу 48,0 %."),
    ]
    return pd.DataFrame(
        [
            {
                "rule_id": f"r{k}",
                "level": lv,
                "unit_id": u,
                "unit_name": u,
                "addressee": "Центру",
                "indicator_id": IND,
                "value": 1.0,
                "target": np.nan,
                "count": c,
                "text": t,
            }
            for k, (lv, u, c, t) in enumerate(rows)
        ]
    ).astype({"count": "Int64"})


def _shown_2022() -> pd.DataFrame:
    """УДО has 7 people without a course (≥ 5) but its cell is hidden as a partner."""
    return pd.DataFrame(
        [
            cell(AFTER, "inst_type", "ОО", 48.0),
            cell(AFTER, "inst_type", "УДО", None, hidden=True),
            cell(AFTER, "district", "Север", 45.0),
            cell(AFTER, "city", "city", 48.0),
        ]
    )


def test_a_type_hidden_as_a_partner_gets_no_number_in_the_public_texts():
    texts = page.public_texts(_recs(), 5, _shown_2022())
    # ОО: visible, 12 ≥ 5 → shown; УДО: 7 ≥ 5 but hidden as a partner → not shown; Север:
    # visible but N = 3 < 5 → not shown; the category quotes the city's visible cell → shown
    assert texts == [
        "Школам (ОО): доля 48,0 %, 12 человек без курса.",
        "Молодым педагогам: доля по городу 48,0 %.",
    ]
    assert not any("УДО" in t or "30,0" in t for t in texts)


def test_public_texts_with_a_hidden_city_cell_show_nothing_quoting_it():
    shown = _shown_2022()
    shown.loc[shown["level"] == "city", ["value", "flags"]] = [np.nan, SUPPRESSED]
    assert page.public_texts(_recs(), 5, shown) == []  # every text may quote the city value


def test_public_texts_without_the_public_table_show_nothing():
    assert page.public_texts(_recs(), 5) == []


# --- 04: the people totals of the rules ------------------------------------------------------


def _rule_recs() -> pd.DataFrame:
    """Rule A fires at S1 alone (7 staff without a course); rule B at S2 and S3 (3 + 4)."""
    return pd.DataFrame(
        {
            "rule_id": ["A", "B", "B"],
            "level": ["institution"] * 3,
            "unit_id": ["S1", "S2", "S3"],
            "indicator_id": [IND] * 3,
            "count": [7, 3, 4],
            "addressee": ["руководителю ОУ"] * 3,
        }
    )


def _rule_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "rule_id": ["A", "B"],
            "title": ["Курсы для S1", "Курсы для S2 и S3"],
            "addressee": ["руководителю ОУ"] * 2,
            "units": [1, 2],
            "people": pd.array([7, 7], dtype="Int64"),
        }
    )


def _people_column(styler) -> list[str]:
    return list(styler.data["Человек"])


def test_a_rule_total_over_a_hidden_school_is_masked_publicly():
    shown = public_table()[lambda t: t["year"] == AFTER]
    table = page.rule_summary_table(_rule_summary(), 5, _rule_recs(), shown)
    # A: 7 people, all at S1, whose cell is hidden: 7 would be S1's hidden count → «*»;
    # B: 3 + 4 = 7 at S2 and S3, both visible → shown
    assert _people_column(table) == ["*", "7"]
    bullets = page.recommendation_conclusions(_rule_recs(), _rule_summary(), AFTER, 5, shown)
    assert not any(b.startswith("Курсы для S1") for b in bullets)
    assert "Курсы для S2 и S3: 2\u00a0адресата, 7\u00a0человек." in bullets


def test_rule_totals_internally_are_allshown():
    table = page.rule_summary_table(_rule_summary(), None, _rule_recs(), None)
    assert _people_column(table) == ["7", "7"]
