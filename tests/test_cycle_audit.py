"""The cycle's self-audit (`analysis.cycle_audit`) on a tiny hand-made city where every link
holds, then each link broken once: its status changes and its evidence names the cause.

The city: the five institutions and two associations of `test_register`; a goal tree of one
goal listing six indicators, one per МУКО mechanism; every form received, every association
reporting, every indicator with a city value; one problem (ОО-1 below target on
pk_modern_3y) answered by a recommendation to ОО-1 and by measure М1 to ОО-1; one measure of
2022 judged «эффективна»; one measure of 2023 waiting for next year.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from test_register import ASSOCIATIONS as REGISTER_ASSOCIATIONS
from test_register import INSTITUTIONS, _measures

from analysis import contract, passports, register
from analysis import cycle_audit as ca
from analysis.catalogue import CATALOGUE
from analysis.effectiveness import EFFECTIVE, NO_DATA

YEAR = 2023
ASSOCIATIONS = REGISTER_ASSOCIATIONS.assign(
    assoc_type=["ГПО", "ШМП"], name=["ГПО учителей", "Школа молодого педагога"]
)
ONE_PER_MECHANISM = (
    "deficit_diagnosed",
    "burnout_high",
    "competition_municipal",
    "centre_events",
    "young_mentored",
    "informal_coverage",
)
CAT = {i: replace(CATALOGUE[i], goal="g") for i in ONE_PER_MECHANISM}
GOALS = [{"id": "g", "kind": "goal", "title": "Цель года", "indicators": list(ONE_PER_MECHANISM)}]
PROBLEMS = pd.DataFrame(
    {
        "kind": ["below_target"],
        "level": ["institution"],
        "unit_id": ["ОО-1"],
        "indicator_id": ["pk_modern_3y"],
    }
)
RECOMMENDATIONS = pd.DataFrame(
    {
        "rule_id": ["r1"],
        "level": ["institution"],
        "unit_id": ["ОО-1"],
        "indicator_id": ["pk_modern_3y"],
    }
)
REGISTER = _measures([("М1", "формальное ПК", "ОО-1", "pk_modern_3y", "выполнено")])
PLAN_REPORTS = pd.DataFrame({"assoc_id": ["ГПО-1", "ШМП-1"]})


def _forms(missing: tuple[str, ...] = ()) -> pd.DataFrame:
    stems = [f.stem for f in contract.FORMS if f.stem not in missing]
    return passports.forms_status(stems, {}, CAT)


def _tidy(empty: tuple[str, ...] = ()) -> pd.DataFrame:
    """A city row per indicator of the tiny catalogue, 50.0 except the `empty` ones."""
    return pd.DataFrame(
        {
            "year": YEAR,
            "indicator_id": list(CAT),
            "level": ["centre" if i == "centre_events" else "city" for i in CAT],
            "unit_id": ["centre" if i == "centre_events" else "city" for i in CAT],
            "value": [None if i in empty else 50.0 for i in CAT],
            "flags": "",
        }
    )


def _evaluated(verdict: str = EFFECTIVE) -> pd.DataFrame:
    """A measure of 2022 with its verdict, a measure of 2023 pending (as `evaluate` gives)."""
    return pd.DataFrame(
        {
            "measure_id": ["М-22", "М-23"],
            "measure_year": [2022, 2023],
            "title": ["Мера 2022", "Мера 2023"],
            "mechanism": ["формальное ПК"] * 2,
            "targets": ["ОО-1"] * 2,
            "indicator_id": ["pk_modern_3y"] * 2,
            "verdict": [verdict, NO_DATA],
            "pending": [False, True],
        }
    )


def _check(problems=PROBLEMS, recommendations=RECOMMENDATIONS, measures=REGISTER):
    return register.correspondence(measures, problems, recommendations, INSTITUTIONS, ASSOCIATIONS)


def whole_city(**broken) -> list[ca.LinkAudit]:
    """The six links of the tiny city, with the inputs in ``broken`` replaced."""
    goals = broken.get("goals", GOALS)
    cat = broken.get("catalogue", CAT)
    problems = broken.get("problems", PROBLEMS)
    recs = broken.get("recommendations", RECOMMENDATIONS)
    measures = broken.get("measures", REGISTER)
    return [
        ca.audit_goals(goals, cat, YEAR),
        ca.audit_indicators(goals, cat, YEAR),
        ca.audit_monitoring(
            broken.get("forms", _forms()),
            broken.get("tidy", _tidy()),
            cat,
            ASSOCIATIONS,
            broken.get("plan_reports", PLAN_REPORTS),
        ),
        ca.audit_analysis(problems, recs, INSTITUTIONS, ASSOCIATIONS, True),
        ca.audit_measures(measures, problems, _check(problems, recs, measures)),
        ca.audit_effectiveness(
            broken.get("evaluated", _evaluated()), broken.get("years", [2021, 2022, 2023]), YEAR
        ),
    ]


def _statuses(links: list[ca.LinkAudit]) -> list[str]:
    return [a.status for a in links]


def test_every_link_holds_in_the_whole_city():
    links = whole_city()
    assert [a.link for a in links] == list(ca.LINKS)
    assert _statuses(links) == [ca.DONE] * 6
    effect = links[5].facts
    # М-22 (2022, its year before 2021 is in the data) judged эффективна; М-23 waits for 2024
    assert (effect["effective"], effect["no_data"], effect["pending"]) == (1, 0, 1)


def test_link_1_a_goal_without_indicators():
    goals = [*GOALS, {"id": "g2", "kind": "goal", "title": "Задача без меры", "parent": "g"}]
    links = whole_city(goals=goals)
    # 1 of the 2 goals has no indicator → частично; the other links do not move
    assert _statuses(links) == [ca.PARTIAL] + [ca.DONE] * 5
    assert links[0].check(ca.GOALS_WITH_INDICATORS) == ca.Check(
        ca.GOALS_WITH_INDICATORS, 2, ("Задача без меры",)
    )


def test_link_2_an_indicator_without_a_goal():
    cat = {**CAT, "pk_pp_3y": replace(CATALOGUE["pk_pp_3y"], goal="nowhere")}
    links = whole_city(catalogue=cat, tidy=_tidy())  # pk_pp_3y has no value row: not link 3's
    assert links[1].status == ca.PARTIAL  # 6 of 7 indicators have a goal
    assert links[1].check(ca.INDICATORS_WITH_GOAL).failing == (CATALOGUE["pk_pp_3y"].name,)
    # its mechanism (none) takes nothing from link 1: every mechanism keeps an indicator
    assert links[0].status == ca.DONE


def test_link_1_and_2_a_mechanism_whose_only_indicator_lost_its_goal():
    cat = {**CAT, "informal_coverage": replace(CAT["informal_coverage"], goal="nowhere")}
    goals = [{**GOALS[0], "indicators": list(ONE_PER_MECHANISM[:-1])}]
    links = whole_city(catalogue=cat, goals=goals)
    network = "Организация сетевых форм взаимодействия педагогов на уровне муниципалитета"
    assert links[0].status == ca.PARTIAL
    assert links[0].check(ca.MECHANISMS_WITH_GOALS).failing == (network,)
    assert links[1].check(ca.INDICATORS_WITH_GOAL).failing == (CAT["informal_coverage"].name,)


def test_link_3_a_form_missing_and_an_indicator_without_value():
    links = whole_city(forms=_forms(missing=("diagnostics",)), tidy=_tidy(("burnout_high",)))
    assert _statuses(links) == [ca.DONE, ca.DONE, ca.PARTIAL, ca.DONE, ca.DONE, ca.DONE]
    audit = links[2]
    assert audit.check(ca.FORMS_RECEIVED).failing == (
        "Диагностика профессиональных дефицитов и выгорания (diagnostics.xlsx)",
    )
    assert audit.check(ca.FORMS_RECEIVED).total == len(contract.FORMS)
    assert audit.check(ca.INDICATORS_WITH_VALUES).failing == (CAT["burnout_high"].name,)


def test_link_3_an_association_without_its_plan_report():
    links = whole_city(plan_reports=PLAN_REPORTS.iloc[:1])  # ШМП-1 did not report
    assert links[2].status == ca.PARTIAL
    assert links[2].check(ca.PLAN_REPORTS_RECEIVED) == ca.Check(
        ca.PLAN_REPORTS_RECEIVED, 2, ("ШМП-1",)
    )


def test_link_4_a_problem_without_a_recommendation():
    # the recommendation goes to ОО-2, the problem is ОО-1's → nothing answers it
    recs = RECOMMENDATIONS.assign(unit_id=["ОО-2"])
    links = whole_city(recommendations=recs)
    assert links[3].status == ca.FAILED  # 0 of 1 problem answered
    assert links[3].check(ca.PROBLEMS_WITH_RECOMMENDATION).failing == ("pk_modern_3y",)
    assert links[4].status == ca.DONE  # the measure still answers the problem


def test_link_4_a_school_recommendation_answers_its_district_problem():
    # ОО-1 is in Ленинский: a recommendation to ОО-1 reaches the district's problem
    problems = PROBLEMS.assign(level="district", unit_id="Ленинский")
    assert ca.unaddressed_problems(problems, RECOMMENDATIONS, INSTITUTIONS).empty
    other = PROBLEMS.assign(level="district", unit_id="Правобережный")
    assert len(ca.unaddressed_problems(other, RECOMMENDATIONS, INSTITUTIONS)) == 1


def test_link_4_no_values_no_analysis_and_no_problem_is_fine():
    nothing = ca.audit_analysis(PROBLEMS.iloc[:0], RECOMMENDATIONS.iloc[:0], None, None, False)
    assert nothing.status == ca.UNKNOWN
    clean = ca.audit_analysis(PROBLEMS.iloc[:0], RECOMMENDATIONS.iloc[:0], None, None, True)
    assert clean.status == ca.DONE  # values and no problem: nothing was left unanswered


def test_link_5_a_measure_without_an_indicator():
    measures = _measures(
        [
            ("М1", "формальное ПК", "ОО-1", "pk_modern_3y", "выполнено"),
            ("М2", "конкурсы", "ОО-1", "", "выполнено"),  # no indicator, so it answers nothing
        ]
    )
    links = whole_city(measures=measures)
    assert _statuses(links) == [ca.DONE] * 4 + [ca.PARTIAL, ca.DONE]
    audit = links[4]
    assert audit.check(ca.MEASURES_WITH_INDICATOR).failing == ("М2",)
    assert audit.check(ca.MEASURES_WITH_PROBLEM).failing == ("М2",)
    assert audit.check(ca.PROBLEMS_WITH_MEASURE).failing == ()
    assert audit.check(ca.MEASURES_WITH_ADDRESSEE).failing == ()


def test_link_5_a_problem_without_a_measure_and_a_measure_without_an_addressee():
    measures = _measures([("М1", "формальное ПК", "ОО-9", "pk_modern_3y", "выполнено")])
    audit = whole_city(measures=measures)[4]
    # ОО-9 is no institution of the year: М1 reaches nobody, so the problem has no measure
    assert audit.status == ca.PARTIAL  # М1 names its indicator: 1 of 4 items passes
    assert audit.check(ca.MEASURES_WITH_ADDRESSEE).failing == ("М1",)
    assert audit.check(ca.PROBLEMS_WITH_MEASURE).failing == ("pk_modern_3y",)


def test_link_5_no_register():
    audit = ca.audit_measures(None, PROBLEMS, _check(measures=None))
    assert audit.status == ca.UNKNOWN


def test_link_6_a_measure_that_could_not_be_judged():
    links = whole_city(evaluated=_evaluated(NO_DATA))
    assert _statuses(links) == [ca.DONE] * 5 + [ca.FAILED]  # 0 of 1 comparable measure
    assert links[5].check(ca.MEASURES_JUDGED).failing == ("М-22",)
    assert links[5].facts["no_data"] == 1


def test_link_6_without_the_year_before_the_measure():
    # the book starts in 2022: М-22's year before is not in the data → not comparable
    audit = whole_city(years=[2022, 2023])[5]
    assert audit.status == ca.UNKNOWN
    assert (audit.facts["measures"], audit.facts["no_history"]) == (1, 1)
    # the first year of the book: nothing before it at all
    first = ca.audit_effectiveness(_evaluated().iloc[1:], [2023], YEAR)
    assert first.status == ca.UNKNOWN and first.facts["years"] == []


@pytest.mark.parametrize(
    "checks, status",
    [
        ([], ca.UNKNOWN),
        ([ca.Check("a", 0)], ca.UNKNOWN),
        ([ca.Check("a", 3)], ca.DONE),
        ([ca.Check("a", 3, ("x",))], ca.PARTIAL),
        ([ca.Check("a", 1, ("x",)), ca.Check("b", 2, ("y", "z"))], ca.FAILED),  # 3 of 3 fail
        ([ca.Check("a", 1, ("x",)), ca.Check("b", 2)], ca.PARTIAL),
    ],
)
def test_status_of(checks, status):
    assert ca.status_of(checks) == status
