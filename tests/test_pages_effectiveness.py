"""Page 06: the verdict table, sentences and figures, and the public page consulting the year's
public table — no number of it can give away a cell the public indicator table hides
(hand-made small cases; the decision itself is `analysis.disclosure`'s and is taken here as
given). Moved from test_public_pages.py with the page's functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from public_city_helpers import AFTER, BEFORE, IND, SUPPRESSED, cell, public_table

from analysis import effectiveness as eff
from analysis.catalogue import CATALOGUE
from analysis.pages import effectiveness as page


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
        "causal": True,
        "event_study": (),
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
        # aimed at Север = {S1, S2}: Север's own (pooled) cell is visible, but the group value
        # is the mean of S1 and S2, which with S2's visible value gives hidden S1 away
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
    return page.detail_table(evaluated, threshold).data.set_index("Мера")


GROUP_COLUMNS = ["Адресаты: до", "Адресаты: после", "Сравнение: до", "Сравнение: после"]


def test_a_measure_aimed_at_one_hidden_school_is_masked_publicly_and_shown_internally():
    public = page.for_public(_evaluated(), public_table())
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


def test_a_measure_aimed_at_a_district_with_a_hidden_school_is_masked():
    # Север = {S1 hidden, S2}: the targets' value is the mean of the two schools' own values,
    # so with S2's public 50 it would give S1 away — even though Север's own pooled cell is
    # public (a mean of units is not the district's Σ/Σ). The comparison S3…S5 stays.
    public = page.for_public(_evaluated(), public_table())
    shown = _table(public, threshold=5)
    assert list(shown.loc["M2 (2021)", GROUP_COLUMNS]) == ["*", "*", "50,0", "52,0"]
    assert shown.loc["M2 (2021)", "Разность разностей"] == "*"


def test_a_comparison_pooling_a_hidden_school_hides_the_did_and_the_reason_numbers():
    public = page.for_public(_evaluated(), public_table())
    shown = _table(public, threshold=5)
    assert list(shown.loc["M3 (2021)", GROUP_COLUMNS]) == ["40,0", "60,0", "*", "*"]
    assert shown.loc["M3 (2021)", "Разность разностей"] == "*"
    assert shown.loc["M3 (2021)", "Вывод"] == eff.EFFECTIVE
    assert not any(ch.isdigit() for ch in shown.loc["M3 (2021)", "Обоснование"])
    sentence = next(s for s in page.verdict_sentences(public, 2023) if s.startswith("M3"))
    assert eff.EFFECTIVE in sentence and "18" not in sentence


def test_the_public_figure_draws_only_groups_with_nothing_hidden():
    import matplotlib.pyplot as plt

    public = page.for_public(_evaluated(), public_table())
    assert page.event_figure(public) is None  # M1, M2 and M3 each hide a group
    internal = page.event_figure(_evaluated())
    assert sum(ax.get_visible() for ax in internal.axes) == 3
    plt.close(internal)


def test_a_measure_for_everyone_follows_the_citycell():
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
    assert not page.for_public(evaluated, public_table())["hidden_did"].iloc[0]
    shown = public_table()
    shown.loc[(shown["level"] == "city") & (shown["year"] == AFTER), ["value", "flags"]] = [
        np.nan,
        SUPPRESSED,
    ]
    public = page.for_public(evaluated, shown)
    assert public["hidden_target_after"].iloc[0] and public["hidden_did"].iloc[0]
    assert not public["hidden_comparison_before"].iloc[0]  # the city's targets are public
    assert not any(ch.isdigit() for ch in public["reason"].iloc[0])


def test_the_public_table_explains_its_stars_and_the_internal_one_has_no_note():
    public = page.for_public(_evaluated(), public_table())
    assert page.HIDDEN_NOTE in page.detail_table(public, 5).caption
    assert page.HIDDEN_NOTE not in (page.detail_table(_evaluated(), None).caption or "")


# --- the other sections of the page ----------------------------------------------------------


def _pending() -> pd.DataFrame:
    row = _row(
        "M9",
        "район:Север;ОО-1",
        ("S1", "S2"),
        ("S3",),
        eff.NO_DATA,
        "результат станет известен по данным 2024 года",
    )
    row.update(measure_year=2023, pending=True, indicator_id="pk_modern_3y")
    second = {**row, "indicator_id": "nonesuch"}
    return pd.DataFrame([row, second], columns=eff.COLUMNS + eff.POOLED_COLUMNS)


def test_pending_measures_are_listed_with_their_words_and_year_of_judgement():
    shown = page.pending_table(_pending()).data
    assert shown["Мера"].tolist() == ["M9"]  # one row per measure
    assert shown["Адресаты"].iloc[0] == "район Север; ОО-1"
    # the catalogue's name (its declaration), then an unknown id as it is
    assert shown["Показатели"].iloc[0] == f"{CATALOGUE[IND].name}; nonesuch"
    assert shown["Будет оценена"].iloc[0] == "по данным 2024 года"


def test_conclusions_count_the_verdicts_and_the_measures_waiting():
    evaluated = pd.concat([_evaluated(), _pending()], ignore_index=True)
    out = page.conclusions(evaluated, 2023)
    # M1, M2 «недостаточно данных», M3 «эффективна»: 1 of 3; M9 waits for 2024
    assert out[0] == "Признаны эффективными: 1 из 3\u00a0оценённых мер (M3)."
    assert out[-1] == "1\u00a0мера 2023 года будет оценена по данным 2024 года."
    assert page.conclusions(_evaluated().iloc[:0], 2023) == ["Мер для оценки в 2023 году нет."]


def test_small_groups_are_those_under_the_threshold():
    # targets 40 people, comparison 120: a threshold of 50 hides every pair, 5 none
    assert page.small_groups(_evaluated(), 50) == {("M1", IND), ("M2", IND), ("M3", IND)}
    assert page.small_groups(_evaluated(), 5) == set()


def test_method_sentences_quote_the_thresholds():
    text = " ".join(page.method_sentences(eff.Thresholds(min_did_pp=7, min_units=4), 2023))
    assert "Оцениваются меры 2020–2022 годов." in text
    assert "не меньше чем на 7 п. п." in text and "меньше 4 учреждений" in text
    assert "20\u00a0% от исходного уровня" in text  # min_did_relative 0.2


def test_dynamics_panels_name_the_years_of_measures():
    dyn = pd.DataFrame(
        {
            "indicator_id": [IND, IND],
            "year": [2022, 2023],
            "value": [40.0, 45.0],
            "target": [50.0, 50.0],
            "meets_target": [False, False],
            "incomplete": [False, False],
            "measures": ["", "M1"],
            "verdicts": ["", eff.EFFECTIVE],
        }
    )
    ((title, unit, frame),) = page.dynamics_panels(dyn)
    assert title.endswith("(меры: 2023)") and unit == "%"
    assert frame["value"].tolist() == [40.0, 45.0]
    html = page.dynamics_table(dyn, [2022, 2023]).to_html()
    assert "M1 — эффективна" in html


# --- the table of verdicts, the tidy table ---------------------------------------------------


def _inferred(**more) -> pd.DataFrame:
    """M3 of `_evaluated` with its inference: DiD +18 p. p., interval 10…26, p = 0.004, a flat
    pre-trend (+1 p. p., p = 0.7) and no t+2 yet (measure of 2021, data up to 2022)."""
    row = _row("M3", "S3;S4", ("S3", "S4"), ("S2", "S5"), eff.EFFECTIVE, "адресаты …")
    row.update(
        {
            "se": 4.0,
            "ci_low": 10.0,
            "ci_high": 26.0,
            "p_value": 0.004,
            "pretrend_did": 1.0,
            "pretrend_p": 0.7,
            **more,
        }
    )
    return pd.DataFrame([row], columns=eff.COLUMNS + eff.POOLED_COLUMNS)


def test_the_verdict_table_shows_title_effect_interval_and_pretrend():
    shown = page.verdict_table(_inferred(), None).data.iloc[0]
    assert shown["Мера"] == "M3 (2021)" and shown["Содержание"] == "Курсы"
    assert shown["Эффект через год"] == "+18,0\u00a0п.\u00a0п."
    assert shown["95 % интервал"] == "от +10,0\u00a0п.\u00a0п. до +26,0\u00a0п.\u00a0п."
    assert shown["p"] == "p = 0,004"
    assert shown["Тренд до меры (t−2 → t−1)"] == (
        "различие не выявлено (+1,0\u00a0п.\u00a0п., p = 0,70)"
    )
    assert shown["Эффект через 2 года"] == "нет данных за 2023 год"
    apart = page.verdict_table(_inferred(pretrend_p=0.01), None).data.iloc[0]
    assert apart["Тренд до меры (t−2 → t−1)"].startswith("расходились")
    # a public small group (40 people < 50) hides the effect, the interval and p
    small = page.verdict_table(_inferred(), 50).data.iloc[0]
    assert (small["Эффект через год"], small["95 % интервал"], small["p"]) == ("*", "*", "*")
    assert not any(ch.isdigit() for ch in small["Обоснование"])


def test_a_hidden_school_before_the_measure_hides_the_pretrend_only():
    # 2019 (t−2): the comparison S2, S5 averages S5, hidden that year; 2020 and 2022 are public
    events = (
        {
            "offset": -2,
            "year": 2019,
            "target_mean": 40.0,
            "comparison_mean": 50.0,
            "target_units": ("S3", "S4"),
            "comparison_units": ("S2", "S5"),
        },
        {
            "offset": -1,
            "year": 2020,
            "target_mean": 40.0,
            "comparison_mean": 50.0,
            "target_units": ("S3", "S4"),
            "comparison_units": ("S2", "S5"),
        },
    )
    shown = pd.concat(
        [
            public_table(),
            pd.DataFrame(
                [
                    cell(2019, "institution", "S2", 50.0),
                    cell(2019, "institution", "S3", 50.0),
                    cell(2019, "institution", "S4", 50.0),
                    cell(2019, "institution", "S5", None, True),
                ]
            ),
        ]
    )
    public = page.for_public(_inferred(event_study=events), shown).iloc[0]
    assert public["hidden_pretrend"] and not public["hidden_did"]
    assert math.isnan(public["pretrend_did"]) and math.isnan(public["pretrend_p"])
    assert public["did"] == 18.0 and public["p_value"] == 0.004
    table = page.verdict_table(pd.DataFrame([public]), 5).data.iloc[0]
    assert table["Тренд до меры (t−2 → t−1)"] == "*"


def test_public_tidy_has_the_spec_columns_and_masks_as_the_page():
    out = page.public_tidy(_evaluated(), public_table(), threshold=5)
    assert list(out.columns) == eff.TIDY_COLUMNS
    by = out.set_index("measure_id")
    # M1 (S1 hidden) and M2 (mean over S1) lose their DiD; M3's comparison averages S1
    assert by["did"].isna().all()
    assert not any(ch.isdigit() for ch in by.loc["M3", "reason"])
    # internally every DiD is there
    assert eff.tidy(_evaluated())["did"].tolist() == [18.0, 18.0, 18.0]
    # a visible group of 40 people under a threshold of 50 hides the DiD too
    visible = _inferred(target_units=("S3", "S4"), comparison_units=("S2", "S5"))
    assert page.public_tidy(visible, public_table(), 5)["did"].tolist() == [18.0]
    hidden = page.public_tidy(visible, public_table(), 50).iloc[0]
    assert (
        math.isnan(hidden["did"]) and math.isnan(hidden["ci_low"]) and math.isnan(hidden["p_value"])
    )
