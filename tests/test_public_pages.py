"""Public pages 04 and 06 consult the year's public table: no number of theirs can give away a
cell the public indicator table hides (hand-made small cases; the decision itself is
`analysis.disclosure`'s and is taken here as given)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis import effectiveness as eff
from analysis.pages import analysis as page

IND = "pk_modern_3y"  # a share, computed for districts, types and institutions
BEFORE, AFTER = 2020, 2022
SUPPRESSED = "suppressed"

# The small city: districts Север = {S1, S2}, Юг = {S3, S4, S5}; every school is of type ОО.
REGISTER = pd.DataFrame(
    {
        "inst_id": ["S1", "S2", "S3", "S4", "S5"],
        "district": ["Север", "Север", "Юг", "Юг", "Юг"],
        "inst_type": ["ОО"] * 5,
    }
)


def _cell(year: int, level: str, unit: str, value: float | None, hidden: bool = False) -> dict:
    return {
        "year": year,
        "indicator_id": IND,
        "level": level,
        "unit_id": unit,
        "value": math.nan if hidden else value,
        "flags": SUPPRESSED if hidden else "",
    }


def _shown() -> pd.DataFrame:
    """Both years' public table: S1 is hidden (a small school), Север and the city are shown,
    the other schools are shown."""
    rows = []
    for year in (BEFORE, AFTER):
        rows += [
            _cell(year, "institution", "S1", None, hidden=True),
            *[_cell(year, "institution", s, 50.0) for s in ("S2", "S3", "S4", "S5")],
            _cell(year, "district", "Север", 45.0),
            _cell(year, "district", "Юг", 50.0),
            _cell(year, "inst_type", "ОО", 48.0),
            _cell(year, "city", "city", 48.0),
        ]
    return pd.DataFrame(rows)


def _row(
    measure: str,
    targets: str,
    target_units: tuple,
    comparison_units: tuple,
    verdict: str,
    reason: str,
    did: float = 18.0,
) -> dict:
    """One judged (measure, indicator) row: targets 40 → 60 %, comparison 50 → 52 %, so
    DiD = (60 − 40) − (52 − 50) = +18 p. p."""
    return {
        "measure_id": measure,
        "measure_year": 2021,
        "title": "Курсы",
        "mechanism": "ПК",
        "indicator_id": IND,
        "targets": targets,
        "level": "institution",
        "before_year": BEFORE,
        "after_year": AFTER,
        "target_before": 40.0,
        "target_after": 60.0,
        "comparison_before": 50.0,
        "comparison_after": 52.0,
        "did": did,
        "n_target_units": len(target_units),
        "n_comparison_units": len(comparison_units),
        "n_target_people": 40.0,
        "n_comparison_people": 120.0,
        "verdict": verdict,
        "reason": reason,
        "pending": False,
        "target_units": target_units,
        "comparison_units": comparison_units,
    }


def _evaluated() -> pd.DataFrame:
    rows = [
        # aimed at S1 alone: its value is S1's hidden cell
        _row(
            "M1",
            "S1",
            ("S1",),
            ("S2", "S3", "S4", "S5"),
            eff.NO_DATA,
            "в адресатах меры 1 ед. с данными за оба года (нужно не меньше 3)",
        ),
        # aimed at Север = {S1, S2}: the pooled value is Север's visible cell, the comparison
        # {S3, S4, S5} is all visible
        _row(
            "M2",
            "район:Север",
            ("S1", "S2"),
            ("S3", "S4", "S5"),
            eff.NO_DATA,
            "в адресатах меры 2 ед. с данными за оба года (нужно не меньше 3)",
        ),
        # aimed at S3 and S4: targets visible, but the comparison {S1, S2, S5} pools hidden S1
        # and is no published unit — with S2 and S5 it would give S1 away; the reason quotes
        # the DiD
        _row(
            "M3",
            "S3;S4",
            ("S3", "S4"),
            ("S1", "S2", "S5"),
            eff.EFFECTIVE,
            "адресаты улучшили показатель на 18,0 п. п. больше остальных",
        ),
    ]
    return pd.DataFrame(rows, columns=eff.COLUMNS + eff.POOLED_COLUMNS)


def _table(evaluated: pd.DataFrame, threshold: int | None) -> pd.DataFrame:
    return eff.verdict_table(evaluated, threshold).data.set_index("Мера")


GROUP_COLUMNS = ["Адресаты: до", "Адресаты: после", "Сравнение: до", "Сравнение: после"]


def test_a_measure_aimed_at_one_hidden_school_is_masked_publicly_and_shown_internally():
    public = eff.for_public(_evaluated(), _shown(), {BEFORE: REGISTER, AFTER: REGISTER})
    shown = _table(public, threshold=5)
    # S1's cell is «*» in both years' public table, so its values, the DiD and its people go
    assert list(shown.loc["M1 (2021)", ["Адресаты: до", "Адресаты: после"]]) == ["*", "*"]
    assert shown.loc["M1 (2021)", "Разность разностей"] == "*"
    assert shown.loc["M1 (2021)", "Человек (адр. / ср.)"].startswith("* /")
    # the comparison S2…S5 is all visible: 50,0 → 52,0 is computable from public rows anyway
    assert list(shown.loc["M1 (2021)", ["Сравнение: до", "Сравнение: после"]]) == ["50,0", "52,0"]
    # the verdict word stays
    assert shown.loc["M1 (2021)", "Вывод"] == eff.NO_DATA
    internal = _table(_evaluated(), threshold=None)
    assert list(internal.loc["M1 (2021)", GROUP_COLUMNS]) == ["40,0", "60,0", "50,0", "52,0"]
    assert "18,0" in internal.loc["M1 (2021)", "Разность разностей"]


def test_a_measure_aimed_at_a_visible_district_is_shown():
    public = eff.for_public(_evaluated(), _shown(), {BEFORE: REGISTER, AFTER: REGISTER})
    shown = _table(public, threshold=5)
    # Север pools S1 (hidden) and S2 — exactly Север's schools, and Север's cell is visible
    assert list(shown.loc["M2 (2021)", GROUP_COLUMNS]) == ["40,0", "60,0", "50,0", "52,0"]
    assert "18,0" in shown.loc["M2 (2021)", "Разность разностей"]


def test_without_the_register_a_group_with_a_hidden_school_is_masked():
    # the district rule needs the register; without it, S1 inside Север cannot be vouched for
    public = eff.for_public(_evaluated(), _shown())
    assert list(_table(public, 5).loc["M2 (2021)", ["Адресаты: до", "Адресаты: после"]]) == [
        "*",
        "*",
    ]


def test_a_comparison_pooling_a_hidden_school_hides_the_did_and_the_reason_numbers():
    public = eff.for_public(_evaluated(), _shown(), {BEFORE: REGISTER, AFTER: REGISTER})
    shown = _table(public, threshold=5)
    assert list(shown.loc["M3 (2021)", GROUP_COLUMNS]) == ["40,0", "60,0", "*", "*"]
    assert shown.loc["M3 (2021)", "Разность разностей"] == "*"
    assert shown.loc["M3 (2021)", "Вывод"] == eff.EFFECTIVE
    assert not any(ch.isdigit() for ch in shown.loc["M3 (2021)", "Обоснование"])
    sentence = next(s for s in eff.verdict_sentences(public, 2023) if s.startswith("M3"))
    assert eff.EFFECTIVE in sentence and "18" not in sentence


def test_the_public_figure_draws_only_groups_with_nothing_hidden():
    import matplotlib.pyplot as plt

    public = eff.for_public(_evaluated(), _shown(), {BEFORE: REGISTER, AFTER: REGISTER})
    figure = eff.before_after_figure(public)
    titles = [ax.get_title(loc="left") for ax in figure.axes if ax.get_visible()]
    plt.close(figure)
    assert len(titles) == 1 and titles[0].startswith("M2")  # M1 and M3 hide a group
    internal = eff.before_after_figure(_evaluated())
    assert sum(ax.get_visible() for ax in internal.axes) == 3
    plt.close(internal)


def test_a_measure_for_everyone_follows_the_city_cell():
    city = _row(
        "M4",
        "все",
        ("city",),
        (),
        eff.NO_EFFECT,
        "разрыв с целью изменился на +1,0 п. п., порог 5,0 п. п. (мера для всех)",
    )
    city["level"] = "city"
    evaluated = pd.DataFrame([city], columns=eff.COLUMNS + eff.POOLED_COLUMNS)
    assert not eff.for_public(evaluated, _shown())["hidden_did"].iloc[0]
    shown = _shown()
    shown.loc[(shown["level"] == "city") & (shown["year"] == AFTER), ["value", "flags"]] = [
        np.nan,
        SUPPRESSED,
    ]
    public = eff.for_public(evaluated, shown)
    assert public["hidden_target_after"].iloc[0] and public["hidden_did"].iloc[0]
    assert not public["hidden_comparison_before"].iloc[0]  # the city's targets are public
    assert not any(ch.isdigit() for ch in public["reason"].iloc[0])


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
            _cell(AFTER, "inst_type", "ОО", 48.0),
            _cell(AFTER, "inst_type", "УДО", None, hidden=True),
            _cell(AFTER, "district", "Север", 45.0),
            _cell(AFTER, "city", "city", 48.0),
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


def test_the_public_table_explains_its_stars_and_the_internal_one_has_no_note():
    public = eff.for_public(_evaluated(), _shown(), {BEFORE: REGISTER, AFTER: REGISTER})
    assert eff.HIDDEN_NOTE in eff.verdict_table(public, 5).caption
    assert eff.HIDDEN_NOTE not in (eff.verdict_table(_evaluated(), None).caption or "")


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
    shown = _shown()[lambda t: t["year"] == AFTER]
    table = page.rule_summary_table(_rule_summary(), 5, _rule_recs(), shown)
    # A: 7 people, all at S1, whose cell is hidden: 7 would be S1's hidden count → «*»;
    # B: 3 + 4 = 7 at S2 and S3, both visible → shown
    assert _people_column(table) == ["*", "7"]
    bullets = page.recommendation_conclusions(_rule_recs(), _rule_summary(), AFTER, 5, shown)
    assert not any(b.startswith("Курсы для S1") for b in bullets)
    assert "Курсы для S2 и S3: 2\u00a0адресата, 7\u00a0человек." in bullets


def test_rule_totals_internally_are_all_shown():
    table = page.rule_summary_table(_rule_summary(), None, _rule_recs(), None)
    assert _people_column(table) == ["7", "7"]
