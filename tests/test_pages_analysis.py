"""Page 04 (`analysis.pages.analysis`): the words, tables and chart data of the problems and
recommendations, on hand-made frames (the page itself runs in `test_notebooks`)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.pages import analysis as page
from analysis.recommendations.rules import Condition, Rule

NB = "\u00a0"
Y = 2023


def problem(
    kind,
    level,
    unit_id,
    unit_name,
    indicator_id,
    value,
    reference,
    gap,
    severity,
    unit="%",
    year_from=float("nan"),
):
    return {
        "kind": kind,
        "level": level,
        "unit_id": unit_id,
        "unit_name": unit_name,
        "indicator_id": indicator_id,
        "value": value,
        "target": reference,
        "gap": gap,
        "trend": float("nan"),
        "severity": severity,
        "reference": reference,
        "unit": unit,
        "year_from": year_from,
        "denominator": 20.0,
        "affected": gap * 20.0 / 100,  # the gap's people among 20
    }


@pytest.fixture
def found() -> pd.DataFrame:
    return page.with_texts(
        pd.DataFrame(
            [
                problem(
                    "below_target",
                    "institution",
                    "A",
                    "Школа А",
                    "pk_modern_3y",
                    80.0,
                    85.0,
                    5.0,
                    4.0,
                ),
                problem(
                    "worsening",
                    "district",
                    "Ю",
                    "Ю район",
                    "experience_under_10",
                    67.0,
                    70.0,
                    3.0,
                    2.9,
                    year_from=2021,
                ),
                problem(
                    "lagging_group",
                    "school_group",
                    "ШНОР",
                    "ШНОР-школы",
                    "category_high",
                    40.0,
                    45.0,
                    5.0,
                    1.0,
                ),
            ]
        ),
        Y,
    )


def test_chart_labels_are_the_catalogue_short_names(found):
    assert page.below_target_title("pk_modern_3y") == (
        "ПК по совр. программам: учреждения ниже цели (до 20 худших)"
    )
    # «unit — short name» of the shares below target, most severe first
    assert list(page.worst_gaps(found)["label"]) == ["Школа А — ПК по совр. программам"]
    assert list(page.worst_gaps(found)["gap"]) == [5.0]


def test_problem_sentences_carry_the_numbers(found):
    assert list(found["text"]) == [
        (
            "Школа А: доля педагогических и руководящих работников, прошедших ПК по программам, "
            f"отвечающим современным квалификационным требованиям (за 3 года) — 80,0{NB}% при цели "
            f"85,0{NB}% (не хватает 5,0{NB}п.{NB}п.)."
        ),
        (
            "Ю район: удельный вес педагогических работников со стажем работы менее 10 лет — "
            f"70,0{NB}% в 2021 году и 67,0{NB}% в 2023 году (−3,0{NB}п.{NB}п., ухудшение)."
        ),
        (
            f"ШНОР-школы: доля педагогических работников с первой или высшей квалификационной "
            f"категорией — 40,0{NB}% против 45,0{NB}% в остальных школах (хуже на 5,0{NB}п.{NB}п.)."
        ),
    ]
    # 3 problems: one of each kind found, in the order of KINDS
    assert page.summary(found, Y) == (
        f"В 2023 году найдено 3{NB}проблемы: ниже цели — 1, ухудшение — 1, отставание группы — 1."
    )


def test_problems_table_names_levels_and_references(found):
    data = page.problems_table(found, "Проблемы").data
    assert list(data["Уровень"]) == ["учреждение", "район", "группа школ"]
    assert list(data["С чем сравнивается"]) == [
        f"цель 85,0{NB}%",
        f"70,0{NB}% в 2021 г.",
        f"45,0{NB}% в остальных школах",
    ]
    # gaps: 85 − 80 = 5; 70 − 67 = 3; 45 − 40 = 5 (p. p., without a sign)
    assert list(data["Разрыв"]) == [f"{g},0{NB}п.{NB}п." for g in (5, 3, 5)]


def test_rule_summary_sums_people_and_leaves_rules_without_a_count_empty():
    rules = [
        Rule(
            "r1",
            "pk_modern_3y",
            "institution",
            (Condition("below_target"),),
            "руководителю ОУ",
            "{count}",
            title="Курсы",
            count="lapsed_pk",
        ),
        Rule(
            "r2",
            "category_high",
            "district",
            (Condition("below_target"),),
            "управлению образования",
            "x",
            title="Аттестация",
        ),
    ]
    recs = pd.DataFrame(
        {
            "rule_id": ["r1", "r1", "r2"],
            "level": ["institution"] * 2 + ["district"],
            "unit_id": ["A", "B", "Ю"],
            "addressee": ["руководителю ОУ"] * 2 + ["управлению образования"],
            "count": pd.array([3, 1, None], dtype="Int64"),
        }
    )
    summary = page.rule_summary(recs, rules)
    # r1: 2 schools, 3 + 1 = 4 people; r2 has no count: units only
    assert list(summary["units"]) == [2, 1]
    assert summary["people"].iloc[0] == 4 and pd.isna(summary["people"].iloc[1])
    assert page.addressees(recs) == ["руководителю ОУ", "управлению образования"]


def test_person_list_titles_and_headers_follow_the_indicator():
    assert page.list_title("lapsed_pk", Y) == (
        "Работники, у которых истёк трёхлетний срок ПК (нет курса ПК по программам, "
        "отвечающим современным требованиям, за 2021–2023)"
    )
    frame = pd.DataFrame(
        {
            "person_id": ["p2"],
            "inst_id": ["A"],
            "inst_name": ["Школа А"],
            "position": ["педагог"],
            "experience_years": [15.0],
            "last_pk_year": pd.array([2020], dtype="Int64"),
        }
    )
    data = page.person_table(frame, "Список").data
    assert list(data.columns) == [
        "Код работника",
        "Учреждение",
        "Должность",
        "Стаж, лет",
        "Последний курс ПК по совр. программам, год",
    ]
    assert list(data.iloc[0]) == ["p2", "Школа А", "педагог", "15", "2020"]
    assert page.list_sentences({"lapsed_pk": frame}, Y)[0].endswith(
        f": 1{NB}человек в 1{NB}учреждении."
    )


RULES = [
    Rule("r1", "pk_modern_3y", "institution", (), "руководителю ОУ", "x", title="Курсы"),
    Rule("r2", "category_high", "district", (), "управлению образования", "x", title="Аттестация"),
    Rule("r3", "pk_modern_3y", "category", (), "Центру", "x", title="План курсов"),
]


def test_what_to_do_links_the_rules_of_the_unit_s_level_and_indicators():
    assert page.what_to_do("institution", ("pk_modern_3y",), RULES) == ["Курсы"]
    assert page.what_to_do("district", ("pk_modern_3y", "category_high"), RULES) == ["Аттестация"]
    assert page.what_to_do("city", ("pk_modern_3y",), RULES) == ["План курсов"]  # a category's
    assert page.what_to_do("institution", ("category_high",), RULES) == []


def test_the_short_list_is_one_row_per_unit_with_people_and_what_to_do(found):
    from analysis import problems

    two_at_a = pd.concat([found, found.iloc[[0]].assign(indicator_id="category_high")])
    items = problems.grouped(two_at_a.reset_index(drop=True))
    data = page.short_list_table(items, two_at_a, RULES).data
    # Школа А: 5 p. p. of 20 twice → 1 + 1 = 2 people; ШНОР: 5 of 20 → 1; Ю: 3 of 20 → 0,6
    assert list(data["Подразделение"]) == [
        "Школа А (учреждение)",
        "ШНОР-школы (группа школ)",  # the fixture's name
        "Ю район (район)",
    ]
    assert list(data["Людей"]) == ["2", "1", "1"]
    assert data["Проблемы"].iloc[0] == (
        f"ПК по совр. программам — ниже цели (5,0{NB}п.{NB}п.); "
        f"1-я и высшая категория — ниже цели (5,0{NB}п.{NB}п.)"
    )
    assert list(data["Что делать"]) == ["Курсы", page.NO_RULE, page.NO_RULE]
    sentences = page.short_list_sentences(items, two_at_a)
    assert sentences[0].startswith(f"Проблемы года сгруппированы по подразделениям: 3{NB}")
    assert sentences[1] == page.RANK_SENTENCE


def test_the_sharpest_problem_is_the_one_of_most_people(found):
    # people: Школа А 5 of 20 → 1; Ю 3 of 20 → 0,6; ШНОР 5 of 20 → 1 (a tie: the first wins)
    bigger = found.assign(affected=[1.0, 9.0, 1.0])  # Ю's worsening now affects 9 people
    bullets = page.conclusions(bigger, Y)
    assert bullets[-1] == "Самая острая проблема: " + bigger["text"].iloc[1]
    assert bullets[-2] == "Больше всего людей затрагивают проблемы учреждений: Школа А."
