"""Recommendation rules (`analysis.recommendations`): loading, firing at thresholds, texts, lists.

The tiny city (2020–2023, report year 2023; targets of params/targets.yaml for 2023:
pk_modern_3y 85, heads_management_3y 60, young_mentored 80, deficit_addressed 60):

ОО-1 «МОУ «СОШ № 1»»: p1 руководитель, ПК (modern, «управление») in 2021 = y−2;
                      p2 педагог, ПК in 2020 = y−3 only; deficits of 2022: предметная, цифровая;
                      p3 педагог, стаж 1, ПП in 2022 only, no mentor.
ОО-2 «МОУ «СОШ № 2»»: q1 заместитель, ПК (modern, ФГОС) 2023; q2 педагог, стаж 2, mentee of q3;
                      q3, q4 педагоги, ПК (modern) 2023; q4 had a deficit in 2022.
ЦПК (ДПО, the Centre): c1 — not staff of the city.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis import indicators, processed
from analysis.errors import UserError
from analysis.params.recommendations import load_rules, rule_ids
from analysis.reader import YearData
from analysis.recommendations import person_lists, recommend, texts
from analysis.recommendations.engine import to_target
from analysis.recommendations.lists import withheld_reason

Y = 2023
NB = "\u00a0"


def course(pid, year, kind="ПК", modern=True, topic="предметное"):
    return {
        "person_id": pid,
        "program": "Программа",
        "kind": kind,
        "hours": 36.0,
        "provider": "Центр",
        "modern": modern,
        "topic": topic,
        "end_date": pd.Timestamp(f"{year}-05-20"),
    }


def tiny_city(root: Path) -> Path:
    inst = pd.DataFrame(
        {
            "inst_id": ["ОО-1", "ОО-2", "ЦПК"],
            "name": ["МОУ «СОШ № 1»", "МОУ «СОШ № 2»", "Центр"],
            "inst_type": ["ОО", "ОО", "ДПО"],
            "district": ["Южный", "Северный", "Южный"],
            "low_results": [False] * 3,
            "unfavourable": [False] * 3,
            "innovation": ["нет"] * 3,
            "resource_centre": [False] * 3,
            "support_site": [False] * 3,
            "network_agreements": [0, 0, 0],
        }
    )
    staff = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "q1", "q2", "q3", "q4", "c1"],
            "inst_id": ["ОО-1"] * 3 + ["ОО-2"] * 4 + ["ЦПК"],
            "position": [
                "руководитель",
                "педагог",
                "педагог",
                "заместитель руководителя",
                "педагог",
                "педагог",
                "педагог",
                "педагог",
            ],
            "birth_year": [1970, 1980, 1999, 1975, 1998, 1985, 1990, 1980],
            "experience_years": [25.0, 15.0, 1.0, 20.0, 2.0, 12.0, 8.0, 10.0],
            "category": ["высшая"] * 8,
        }
    )
    courses = {
        2020: pd.DataFrame([course("p2", 2020)]),
        2021: pd.DataFrame([course("p1", 2021, topic="управление")]),
        2022: pd.DataFrame([course("p3", 2022, kind="ПП")]),
        2023: pd.DataFrame(
            [
                course("q1", 2023, topic="ФГОС"),
                course("q3", 2023),
                course("q4", 2023),
                course("c1", 2023),
            ]
        ),
    }
    deficits = pd.DataFrame(
        {
            "person_id": ["p2", "p2", "p3", "q4"],
            "area": ["предметная", "цифровая", "методическая", "цифровая"],
            "score": [30.0, 35.0, 80.0, 40.0],
            "deficit": [True, True, False, True],
        }
    )
    associations = pd.DataFrame(
        {
            "assoc_id": ["ГПО-1", "ГПО-2"],
            "assoc_type": ["ГПО", "ГПО"],
            "name": ["ГПО учителей математики", "ГПО учителей истории"],
            "inst_id": ["ОО-1", "ОО-2"],
        }
    )
    plan_reports = pd.DataFrame(
        {
            "assoc_id": ["ГПО-1"],
            "participants": [10],
            "participants_under_35": [2],
            "products": [1],
            "new_practices": [1],
            "young_school": [False],
            "internships": [0],
            "competitors": [1],
            "events": [2],
        }
    )
    mentoring = pd.DataFrame(
        {"mentor_id": ["q3"], "mentee_id": ["q2"], "start_date": [pd.Timestamp("2023-09-01")]}
    )
    tables = {y: {"institutions": inst, "staff": staff, "courses": courses[y]} for y in courses}
    tables[2022]["deficits"] = deficits
    tables[2023].update(associations=associations, plan_reports=plan_reports, mentoring=mentoring)
    processed.publish(root / "processed", tables)
    return root / "processed"


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return tiny_city(tmp_path_factory.mktemp("rec"))


def recommend_on(processed_dir, tidy, params_dir=None):
    """The recommendations of the rules of `params_dir` (the project's by default) for Y."""
    return recommend(YearData(processed_dir, Y), tidy, load_rules(params_dir), texts.fill)


def lists_of(processed_dir):
    return person_lists(YearData(processed_dir, Y))


@pytest.fixture(scope="module")
def recs(city):
    return recommend_on(city, indicators.compute_year(city, Y))


# --------------------------------------------------------------------------- the project's rules


def test_project_rules_load_and_cover_the_mechanisms():
    rules = load_rules()
    assert 8 <= len(rules) <= 15
    assert rule_ids() == frozenset(r.id for r in rules)
    indicators_used = {r.indicator for r in rules}
    assert {
        "pk_modern_3y",
        "heads_management_3y",
        "competition_municipal",
        "young_mentored",
        "informal_coverage",
        "deficit_addressed",
        "deficit_share",
        "burnout_high",
        "report_completeness",
    } <= indicators_used
    assert {"руководителю ОУ", "руководителю ГПО", "Центру", "управлению образования"} == {
        r.addressee for r in rules
    }


def test_lapsed_pk_rule_counts_by_hand(recs):
    # ОО-1: 1 of 3 with a modern ПК in 2021–2023 → 33,3 % < 85; lapsed: p2 (ПК in 2020 only) and
    # p3 (ПП only) → N = 2. ОО-2: 3 of 4 → 75 % < 85, but q2 is the only one without a ПК course
    # → N = 1.
    part = recs[recs["rule_id"] == "pk_lapsed"].set_index("unit_id")
    assert part["count"].to_dict() == {"ОО-1": 2, "ОО-2": 1}
    assert part.loc["ОО-1", "text"] == (
        f"МОУ «СОШ № 1»: ПК по современным программам за 2021–2023 годы прошли 33,3{NB}% "
        f"работников при цели 85,0{NB}%. Направить на курсы ПК 2{NB}работников, у которых "
        "истёк трёхлетний срок ПК."
    )
    assert part.loc["ОО-2", "text"].endswith(
        f"Направить на курсы ПК 1{NB}работника, у которых истёк трёхлетний срок ПК."
    )
    assert "ЦПК" not in set(recs["unit_id"])  # the Centre is not an institution addressed


def test_mentor_and_deficit_rules_fire_only_where_below_target(recs):
    # young_mentored: ОО-1 0 of 1 (p3) → fires, N = 1; ОО-2 1 of 1 (q2 is a mentee) → no.
    young = recs[recs["rule_id"] == "young_mentor"]
    assert list(young["unit_id"]) == ["ОО-1"] and list(young["count"]) == [1]
    assert (
        f"Закрепить наставников за 1{NB}молодым педагогом со стажем менее 3 лет."
        in young["text"].iloc[0]
    )
    # deficit_addressed: ОО-1 p2 had deficits in 2022, no ПК in 2023 → 0 % < 60, N = 1;
    # ОО-2 q4 had one and a ПК in 2023 → 100 % → no.
    deficit = recs[recs["rule_id"] == "deficit_course"]
    assert list(deficit["unit_id"]) == ["ОО-1"] and list(deficit["count"]) == [1]


def test_category_and_association_rules(recs):
    # heads: p1 (управление in 2021) and q1 (ФГОС only) → 50 % < 60; without: q1 → N = 1
    heads = recs[recs["rule_id"] == "heads_management"]
    assert list(heads["unit_id"]) == ["heads"] and list(heads["count"]) == [1]
    assert (
        heads["text"]
        .iloc[0]
        .startswith(
            f"Руководители и заместители руководителей: обучение по управлению за 2021–2023 годы "
            f"прошли 50,0{NB}% при цели 60,0{NB}%."
        )
    )
    # ГПО-2 did not submit a plan-report, ГПО-1 did
    missing = recs[recs["rule_id"] == "plan_report_missing"]
    assert list(missing["unit_id"]) == ["ГПО-2"]
    assert missing["addressee"].iloc[0] == "руководителю ГПО"
    assert (
        missing["text"].iloc[0].startswith("ГПО учителей истории: план-отчёт за 2023 год не сдан.")
    )


def test_output_columns_and_texts_fully_filled(recs):
    assert list(recs.columns) == [
        "rule_id",
        "level",
        "unit_id",
        "unit_name",
        "addressee",
        "indicator_id",
        "value",
        "target",
        "count",
        "text",
    ]
    assert not recs["text"].str.contains(r"[{}]").any()


# --------------------------------------------------------------------------- person lists


def test_person_lists_on_the_tiny_city(city):
    lists = lists_of(city)
    lapsed = lists["lapsed_pk"]
    assert list(lapsed["person_id"]) == ["p2", "p3", "q2"]
    assert list(lapsed["last_pk_year"].astype("Float64").fillna(0)) == [2020, 0, 0]
    assert list(lapsed["inst_name"]) == ["МОУ «СОШ № 1»", "МОУ «СОШ № 1»", "МОУ «СОШ № 2»"]
    assert list(lists["young_without_mentor"]["person_id"]) == ["p3"]
    deficit = lists["deficit_no_course"]
    assert list(deficit["person_id"]) == ["p2"]
    assert list(deficit["deficit_areas"]) == ["предметная, цифровая"]
    assert list(lists["heads_no_management"]["person_id"]) == ["q1"]
    for frame in lists.values():  # the Centre's staff are never listed
        assert {"person_id", "inst_id", "inst_name", "position"} <= set(frame.columns)
        assert "c1" not in set(frame["person_id"])


def test_person_lists_without_the_forms_are_empty(tmp_path):
    inst = pd.DataFrame(
        {
            "inst_id": ["ОО-1"],
            "name": ["Школа"],
            "inst_type": ["ОО"],
            "district": ["Ю"],
            "low_results": [False],
            "unfavourable": [False],
            "innovation": ["нет"],
            "resource_centre": [False],
            "support_site": [False],
            "network_agreements": [0],
        }
    )
    staff = pd.DataFrame(
        {
            "person_id": ["p1"],
            "inst_id": ["ОО-1"],
            "position": ["педагог"],
            "birth_year": [1999],
            "experience_years": [1.0],
            "category": ["нет"],
        }
    )
    processed.publish(tmp_path / "p", {Y: {"institutions": inst, "staff": staff}})
    lists = lists_of(tmp_path / "p")
    # no ДПО form of Y−2 … Y: nobody can be called lapsed; the list says why it is withheld
    assert lists["lapsed_pk"].empty and lists["heads_no_management"].empty
    reason = withheld_reason(lists["lapsed_pk"])
    assert f"курсов за {Y - 2}, {Y - 1} и {Y} годы нет в загруженных данных" in reason
    assert lists["young_without_mentor"].empty and lists["deficit_no_course"].empty


# --------------------------------------------------------------------------- thresholds


RULES = """
rules:
  - id: low
    indicator: category_high
    level: institution
    condition: value < 50
    addressee: руководителю ОУ
    text: "{unit_name}: {value}"
  - id: low_or_equal
    indicator: category_high
    level: institution
    condition: value <= 50
    addressee: руководителю ОУ
    text: "{unit_name}: {value}"
  - id: worse
    indicator: category_high
    level: institution
    condition: worse_than_city 5
    addressee: Центру
    text: "{unit_name}: {value} против {city_value}, хуже на {city_gap}"
  - id: burnout
    indicator: burnout_high
    level: institution
    condition: below_target
    addressee: руководителю ОУ
    text: "{unit_name}: {value} при цели не более {target}"
  - id: more
    indicator: competition_municipal
    level: institution
    condition: value < 100
    count: to_target
    addressee: руководителю ОУ
    text: "Ещё {count|педагога|педагогов|педагогов}"
"""


def tidy_rows(*rows):
    cols = [
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
    return pd.DataFrame(
        [dict(zip(cols, (Y, *r, "%", *rest, None, ""))) for *r, rest in rows], columns=cols
    )


def row(ind, level, unit, num, den, value, target=np.nan):
    return (ind, level, unit, num, den, value, (target,))


@pytest.fixture
def rules_dir(tmp_path):
    (tmp_path / "recommendations.yaml").write_text(RULES, encoding="utf-8")
    return tmp_path


def test_rules_fire_and_do_not_fire_at_their_thresholds(city, rules_dir):
    tidy = tidy_rows(
        row("category_high", "city", "city", 60, 100, 60.0),
        row("category_high", "institution", "ОО-1", 499, 1000, 49.9),  # < 50; 10,1 worse
        row("category_high", "institution", "ОО-2", 10, 20, 50.0),  # = 50; exactly 10 worse
        row("burnout_high", "institution", "ОО-1", 17, 100, 17.0, 17.0),  # at a «≤ 17» target
        row("burnout_high", "institution", "ОО-2", 171, 1000, 17.1, 17.0),  # above it
        # 3 of 20 = 15 % at target 25 %: 25 % of 20 = 5 → 2 more; 5 of 20 meets it → N = 0
        row("competition_municipal", "institution", "ОО-1", 3, 20, 15.0, 25.0),
        row("competition_municipal", "institution", "ОО-2", 5, 20, 25.0, 25.0),
    )
    recs = recommend_on(city, tidy, rules_dir)
    fired = {rid: list(g["unit_id"]) for rid, g in recs.groupby("rule_id", sort=False)}
    assert fired == {
        "low": ["ОО-1"],
        "low_or_equal": ["ОО-1", "ОО-2"],
        "worse": ["ОО-1", "ОО-2"],
        "burnout": ["ОО-2"],
        "more": ["ОО-1"],
    }
    texts = dict(zip(recs["rule_id"] + recs["unit_id"], recs["text"]))
    assert texts["worseОО-2"] == (
        f"МОУ «СОШ № 2»: 50,0{NB}% против 60,0{NB}%, хуже на 10,0{NB}п.{NB}п."
    )
    assert texts["burnoutОО-2"] == f"МОУ «СОШ № 2»: 17,1{NB}% при цели не более 17,0{NB}%"
    assert texts["moreОО-1"] == f"Ещё 2{NB}педагогов"


def test_worse_than_city_margin_is_inclusive(city, tmp_path):
    (tmp_path / "recommendations.yaml").write_text(
        "- id: w\n  indicator: category_high\n  level: district\n"
        "  condition: worse_than_city 5\n  addressee: управлению образования\n"
        "  text: '{unit_name}'\n",
        encoding="utf-8",
    )
    tidy = tidy_rows(
        row("category_high", "city", "city", 60, 100, 60.0),
        row("category_high", "district", "Южный", 55, 100, 55.0),  # 5 → fires
        row("category_high", "district", "Северный", 555, 1000, 55.5),
    )  # 4,5 → no
    recs = recommend_on(city, tidy, tmp_path)
    assert list(recs["text"]) == ["Южный район"]


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1 работника"), (2, "2 работников"), (5, "5 работников"), (21, "21 работника")],
)
def test_count_placeholder_takes_the_russian_form(n, text):
    from analysis.recommendations.rules import parse_rule

    rule = parse_rule(
        {
            "id": "x",
            "indicator": "pk_modern_3y",
            "level": "institution",
            "condition": "below_target",
            "count": "lapsed_pk",
            "addressee": "руководителю ОУ",
            "text": "Направить {count|работника|работников|работников}.",
        },
        1,
    )
    facts = {"value": 50.0, "target": 85.0, "city_value": 60.0, "gap": 35.0, "count": float(n)}
    assert texts.fill(rule, "Школа", facts, Y) == f"Направить {text.replace(' ', NB)}."


def test_to_target_by_hand():
    assert to_target(3, 20, 25, "higher") == 2  # 25 % of 20 = 5 → 2 more
    assert to_target(5, 20, 25, "higher") == 0  # at the target
    assert to_target(6, 20, 17, "lower") == 3  # 17 % of 20 = 3,4 → at most 3 → 3 fewer
    assert np.isnan(to_target(0, 0, 25, "higher"))  # no denominator → unknown


# --------------------------------------------------------------------------- malformed files


GOOD = (
    "  indicator: pk_modern_3y\n  level: institution\n  condition: below_target\n"
    "  addressee: руководителю ОУ\n  text: '{unit_name}'\n"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            (
                "- id: r1\n  indicator: pk_modern_3y\n  level: institution\n  condition: below_target\n"
                "  text: x\n"
            ),
            "recommendations.yaml › правило «r1»: не заданы поля: addressee",
        ),
        (
            "- id: r1\n" + GOOD.replace("pk_modern_3y", "no_such"),
            "recommendations.yaml › правило «r1»: нет показателя «no_such» в каталоге показателей",
        ),
        (
            "- id: r1\n" + GOOD.replace("below_target", "value ~ 3"),
            "recommendations.yaml › правило «r1»: непонятное условие «value ~ 3»",
        ),
        (
            "- id: r1\n" + GOOD.replace("{unit_name}", "{school}"),
            "recommendations.yaml › правило «r1»: неизвестная подстановка «{school}»",
        ),
        (
            "- id: r1\n" + GOOD.replace("'{unit_name}'", "'{count}'"),
            "recommendations.yaml › правило «r1»: в тексте есть {count}, а счётчик count не задан",
        ),
        (
            "- id: r1\n" + GOOD.replace("institution", "school"),
            "recommendations.yaml › правило «r1»: неизвестный уровень «school»",
        ),
        (
            "- id: r1\n" + GOOD + "- id: r1\n" + GOOD,
            "recommendations.yaml › правило «r1»: код правила повторяется",
        ),
        (
            "- id: r1\n" + GOOD + "- just text\n",
            "recommendations.yaml › правило № 2: ожидается описание правила",
        ),
        (
            "- id: r1\n  indicator: [unclosed\n",
            "recommendations.yaml: правила рекомендаций не прочитаны",
        ),
        ("rules: 5\n", "recommendations.yaml: ожидается список правил"),
    ],
)
def test_malformed_rules_file_names_the_file_and_rule(tmp_path, content, message):
    (tmp_path / "recommendations.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_rules(tmp_path)
    assert str(err.value).startswith(message)


def test_rule_ids_reads_only_the_ids(tmp_path):
    assert rule_ids(tmp_path) == frozenset()  # no file: no rules
    (tmp_path / "recommendations.yaml").write_text(
        "- id: pk_lapsed\n  text: x\n- id: mentor\n", encoding="utf-8"
    )
    assert rule_ids(tmp_path) == {"pk_lapsed", "mentor"}


def test_list_counts_sum_a_list_over_each_unit_of_the_level():
    """The N of a list rule, counted for every unit at once (the engine's fast path)."""
    from analysis.recommendations.engine import FactIndex, Frames, list_counts
    from analysis.recommendations.rules import Condition, Rule

    inst = pd.DataFrame(
        {
            "inst_id": ["A", "B", "C"],
            "name": ["A", "B", "C"],
            "inst_type": ["ОО", "ОО", "ДОО"],
            "district": ["Юг", "Юг", "Север"],
        }
    )
    members = pd.DataFrame({"assoc_id": ["G1", "G1", "G2"], "person_id": ["a1", "b1", "a1"]})
    lapsed = pd.DataFrame(
        {
            "person_id": ["a1", "a2", "b1", "c1"],
            "inst_id": ["A", "A", "B", "C"],
            "position": ["педагог", "руководитель", "педагог", "педагог"],
            "experience_years": [1.0, 20.0, 5.0, 2.0],
        }
    )
    frames = Frames(inst, None, members, {"lapsed_pk": lapsed}, {})

    def rule(level, category=None):
        return Rule(
            "r",
            "pk_modern_3y",
            level,
            (Condition("compare", "count", ">=", 1),),
            "кому",
            "{count}",
            count="lapsed_pk",
            category=category,
        )

    # Юг = A (a1, a2) + B (b1) → 3; Север = C (c1) → 1; a district of no institution → 0
    assert list_counts(lapsed, rule("district"), ["Юг", "Север", "Запад"], frames) == {
        "Юг": 3.0,
        "Север": 1.0,
        "Запад": 0.0,
    }
    # G1 has members a1, b1 → both lapsed → 2; G2 has a1 → 1
    assert list_counts(lapsed, rule("association"), ["G1", "G2"], frames) == {"G1": 2.0, "G2": 1.0}
    # young teachers (педагог, стаж < 3): a1 (1 год) and c1 (2 года) → 2
    assert list_counts(lapsed, rule("category", "young"), ["young"], frames) == {"young": 2.0}
    assert list_counts(lapsed, rule("city"), ["city"], frames) == {"city": 4.0}
    assert list_counts(None, rule("institution"), ["A"], frames) == {"A": 0.0}
    # the first row of a key wins; an absent key is NaN with no incomplete flag
    tidy = pd.DataFrame(
        {
            "indicator_id": ["x", "x"],
            "level": ["city", "city"],
            "unit_id": ["city", "city"],
            "value": [1.0, 2.0],
            "target": [3.0, 4.0],
            "numerator": [1.0, 1.0],
            "denominator": [2.0, 2.0],
            "flags": ["incomplete_window", ""],
        }
    )
    facts = FactIndex(tidy)
    assert facts.row("x", "city", "city") == {
        "value": 1.0,
        "target": 3.0,
        "numerator": 1.0,
        "denominator": 2.0,
        "incomplete": 1.0,
    }
    assert np.isnan(facts.row("x", "district", "Юг")["value"])


# --------------------------------------------------------------------------- lists = indicators


def test_lapsed_pk_is_the_denominator_minus_the_numerator_of_pk_modern_3y(tmp_path):
    """lapsed_pk answers pk_modern_3y (catalogue.PERSON_LISTS): staff without a modern ПК
    course ending in 2021–2023. By hand, report year 2023:

    A (ОО): a1 ПК modern 2023 → counted; a2 ПК not modern 2022 → lapsed (a course, but not one
            pk_modern_3y counts); a3 ПП modern 2021 → lapsed (ПП is no ПК); a4 ПК modern 2020
            = y−3 → lapsed. Denominator 4, numerator 1 → 3 listed.
    B (ДОО): b1 ПК modern 2021 = y−2 → counted; b2 no course → lapsed. 2 − 1 → 1 listed.
    Ц (ДПО, the Centre): c1 no course — not staff, neither counted nor listed.
    City: 6 − 2 = 4.
    """
    inst = pd.DataFrame(
        {
            "inst_id": ["A", "B", "Ц"],
            "name": ["Школа А", "Сад Б", "Центр"],
            "inst_type": ["ОО", "ДОО", "ДПО"],
            "district": ["Ю", "Ю", "Ю"],
            "low_results": [False] * 3,
            "unfavourable": [False] * 3,
            "innovation": ["нет"] * 3,
            "resource_centre": [False] * 3,
            "support_site": [False] * 3,
            "network_agreements": [0, 0, 0],
        }
    )
    staff = pd.DataFrame(
        {
            "person_id": ["a1", "a2", "a3", "a4", "b1", "b2", "c1"],
            "inst_id": ["A"] * 4 + ["B"] * 2 + ["Ц"],
            "position": [
                "педагог",
                "педагог",
                "руководитель",
                "педагог",
                "педагог",
                "педагог",
                "педагог",
            ],
            "birth_year": [1980] * 7,
            "experience_years": [10.0] * 7,
            "category": ["нет"] * 7,
        }
    )
    courses = {
        2020: pd.DataFrame([course("a4", 2020)]),
        2021: pd.DataFrame([course("a3", 2021, kind="ПП"), course("b1", 2021)]),
        2022: pd.DataFrame([course("a2", 2022, modern=False)]),
        2023: pd.DataFrame([course("a1", 2023)]),
    }
    processed.publish(
        tmp_path / "p",
        {y: {"institutions": inst, "staff": staff, "courses": c} for y, c in courses.items()},
    )
    tidy = indicators.compute_year(tmp_path / "p", Y)
    pk = tidy[tidy["indicator_id"] == "pk_modern_3y"].set_index(["level", "unit_id"])
    assert (
        pk.loc[("institution", "A"), "denominator"],
        pk.loc[("institution", "A"), "numerator"],
    ) == (4, 1)
    assert (
        pk.loc[("institution", "B"), "denominator"],
        pk.loc[("institution", "B"), "numerator"],
    ) == (2, 1)
    lapsed = lists_of(tmp_path / "p")["lapsed_pk"]
    assert list(lapsed["person_id"]) == ["a2", "a3", "a4", "b2"]
    per_inst = lapsed.groupby("inst_id").size().to_dict()
    assert per_inst == {"A": 3, "B": 1}  # = 4 − 1 and 2 − 1
    for unit, n in per_inst.items():
        row = pk.loc[("institution", unit)]
        assert n == row["denominator"] - row["numerator"]
    city = pk.loc[("city", "city")]
    assert len(lapsed) == city["denominator"] - city["numerator"] == 4
    # the last modern ПК course: a4's of 2020, before the window; a2's 2022 course is not one
    assert dict(zip(lapsed["person_id"], lapsed["last_pk_year"].astype("Float64").fillna(0))) == {
        "a2": 0,
        "a3": 0,
        "a4": 2020,
        "b2": 0,
    }


def test_a_list_whose_form_is_missing_says_which_years_and_forms():
    """young_without_mentor reads `mentoring` of y: a year without it lists nobody."""
    from analysis.catalogue import CATALOGUE, PERSON_LISTS
    from analysis.recommendations.lists import withheld

    assert PERSON_LISTS["young_without_mentor"].indicator == "young_mentored"
    assert CATALOGUE["heads_management_3y"].short == "обучение руководителей"
    staff = pd.DataFrame(
        {
            "person_id": ["x"],
            "inst_id": ["A"],
            "inst_name": ["А"],
            "position": ["педагог"],
            "experience_years": [1.0],
        }
    )
    out = withheld(staff, {"mentoring": [2023]}, "нет наставника")
    assert out.empty and withheld_reason(out) == (
        "список не составляется: наставнических пар за 2023 год нет в загруженных данных, и "
        "«нет наставника» значило бы лишь, что этот год не загружен. Загрузите mentoring.xlsx "
        "за 2023 год."
    )
    # last year's diagnostics missing: nobody is known to have had a deficit
    out = withheld(staff, {"deficits": [2022]}, "")
    assert withheld_reason(out) == (
        "список не составляется: диагностики дефицитов за 2022 год нет в загруженных данных — "
        "неизвестно, кого включать в список. Загрузите diagnostics.xlsx за 2022 год."
    )


def test_next_year_is_the_year_after_the_report_year():
    # a plan or the municipal order made in the report of 2023 is for 2024 (issue 13)
    from analysis.recommendations.rules import parse_rule

    rule = parse_rule(
        {
            "id": "x",
            "indicator": "pk_modern_3y",
            "level": "district",
            "condition": "below_target",
            "addressee": "управлению образования",
            "text": "Предусмотреть в муниципальном заказе на {next_year} год курсы ({year}).",
        },
        1,
    )
    facts = {"value": 50.0, "target": 85.0, "city_value": 60.0, "gap": 35.0, "count": 1.0}
    assert texts.fill(rule, "Юг", facts, 2023) == (
        "Предусмотреть в муниципальном заказе на 2024 год курсы (2023)."
    )


def test_no_rule_text_plans_for_the_report_year_itself():
    """Every «на {…} год» in a rule text of params/ is a plan: it names the next year."""
    import re

    for rule in load_rules():
        assert not re.search(r"на \{year\} год", rule.text), rule.id
