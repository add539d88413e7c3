"""The register of measures: target resolution, grouping, status and correspondence checks,
on a hand-made city of five institutions and two associations."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import register

INSTITUTIONS = pd.DataFrame(
    {
        "inst_id": ["ОО-1", "ОО-2", "ДОО-1", "УДО-1", "ЦПКИМР"],
        "inst_type": ["ОО", "ОО", "ДОО", "УДО", "ДПО"],
        "district": ["Ленинский", "Правобережный", "Ленинский", "Правобережный", "Ленинский"],
        "low_results": [True, False, False, False, False],
        "unfavourable": [False, True, False, True, False],
    }
)
ASSOCIATIONS = pd.DataFrame({"assoc_id": ["ГПО-1", "ШМП-1"], "inst_id": ["ОО-2", "ДОО-1"]})


@pytest.mark.parametrize(
    "targets, insts, assocs",
    [
        ("все", ["ДОО-1", "ОО-1", "ОО-2", "УДО-1"], ["ГПО-1", "ШМП-1"]),  # the Centre is left out
        ("район:Ленинский", ["ДОО-1", "ОО-1", "ЦПКИМР"], []),  # a district: every institution in it
        ("тип:ОО", ["ОО-1", "ОО-2"], []),
        ("ШНОР", ["ОО-1"], []),
        ("ШНСУ", ["ОО-2", "УДО-1"], []),
        ("ОО-1;ДОО-1", ["ДОО-1", "ОО-1"], []),
        ("ГПО-1", [], ["ГПО-1"]),
        ("ГПО-1; ОО-2", ["ОО-2"], ["ГПО-1"]),  # spaces around items are ignored
        ("Район: ленинский;шнор", ["ДОО-1", "ОО-1", "ЦПКИМР"], []),  # the SPEC matching rule
        ("тип:ДПО", ["ЦПКИМР"], []),  # the Centre only when asked for by type
        ("ТИП: доо", ["ДОО-1"], []),  # prefix and type matched by the SPEC rule too
        ("ВСЁ", ["ДОО-1", "ОО-1", "ОО-2", "УДО-1"], ["ГПО-1", "ШМП-1"]),  # ё → е
        ("район:ГПО-1", [], []),  # a district item is never an association's code
        ("ОО-9", [], []),  # an unknown code covers nothing
        ("", [], []),
    ],
)
def test_resolve_targets_every_kind(targets, insts, assocs):
    assert register.resolve_targets(targets, INSTITUTIONS, ASSOCIATIONS) == (insts, assocs)


def test_resolve_targets_without_associations():
    assert register.resolve_targets("все", INSTITUTIONS) == (["ДОО-1", "ОО-1", "ОО-2", "УДО-1"], [])


def test_the_demo_uses_the_same_resolution():
    from analysis.demo import measures

    assert measures.resolve is register.institution_mask


def _measures(rows: list[tuple]) -> pd.DataFrame:
    """measure_id, mechanism, targets, indicator_ids, status (+ the other contract columns)."""
    frame = pd.DataFrame(
        rows, columns=["measure_id", "mechanism", "targets", "indicator_ids", "status"]
    )
    frame["date"] = pd.Timestamp("2023-03-01")
    frame["deadline"] = pd.Timestamp("2023-12-01")
    frame["document"] = "Приказ"
    frame["title"] = "Мера " + frame["measure_id"]
    frame["recommendation_ids"] = None
    frame["responsible"] = "Центр"
    return frame


REGISTER = _measures(
    [
        ("М1", "формальное ПК", "район:Ленинский", "pk_modern_3y", "выполнено"),
        ("М2", "конкурсы", "ОО-2", "competition_municipal", "не выполнено"),
        ("М3", "формальное ПК", "все", "heads_management_3y", "запланировано"),
        ("М4", "наставничество", "ОО-9", "young_mentored", "выполнено"),  # nobody: no addressee
        ("М5", "конкурсы", "ГПО-1", "", "выполнено"),  # no indicator
    ]
)


def test_by_mechanism_lists_every_mechanism_with_status_counts():
    counts = register.by_mechanism(REGISTER).set_index("mechanism")
    assert list(counts.index) == list(register.MECHANISMS)
    # формальное ПК: М1 выполнено, М3 запланировано → 2 in total
    assert counts.loc["формальное ПК", ["total", "выполнено", "запланировано"]].tolist() == [
        2,
        1,
        1,
    ]
    # конкурсы: М2 не выполнено, М5 выполнено
    assert counts.loc["конкурсы", ["total", "выполнено", "не выполнено"]].tolist() == [2, 1, 1]
    assert counts.loc["сетевое взаимодействие", "total"] == 0


def test_status_summary_counts_and_shares():
    summary = register.status_summary(REGISTER).set_index("status")
    # 3 of 5 выполнено → 60 %, 1 of 5 → 20 %
    assert summary["count"].tolist() == [1, 3, 1]  # запланировано, выполнено, не выполнено
    assert summary.loc["выполнено", "share"] == pytest.approx(60.0)
    assert summary.loc["запланировано", "share"] == pytest.approx(20.0)


def test_summaries_of_a_missing_register():
    assert register.by_mechanism(None)["total"].sum() == 0
    assert register.status_summary(None)["count"].sum() == 0


PROBLEMS = pd.DataFrame(
    {
        "kind": ["below_target"] * 6,
        "level": ["institution", "institution", "district", "city", "association", "centre"],
        "unit_id": ["ОО-1", "ОО-2", "Правобережный", "city", "ШМП-1", "centre"],
        "indicator_id": [
            "pk_modern_3y",
            "pk_modern_3y",
            "competition_municipal",
            "heads_management_3y",
            "informal_coverage",
            "centre_events",
        ],
    }
)
RECOMMENDATIONS = pd.DataFrame(
    {
        "rule_id": ["r1", "r2", "r3"],
        "level": ["institution", "school_group", "category"],
        "unit_id": ["ДОО-1", "ШНОР", "молодые педагоги"],
        "indicator_id": ["pk_modern_3y", "category_high", "young_mentored"],
    }
)


def test_correspondence_both_ways():
    check = register.correspondence(REGISTER, PROBLEMS, RECOMMENDATIONS, INSTITUTIONS, ASSOCIATIONS)
    # ОО-1 is in Ленинский (М1); ОО-2 is not → its pk_modern_3y problem has no measure;
    # Правобережный: М2 targets ОО-2 there → answered; city heads: М3 (все) → answered;
    # ШМП-1 informal_coverage: no measure; centre_events: no measure links it.
    lonely = check.problems_without_measure
    assert list(zip(lonely["unit_id"], lonely["indicator_id"])) == [
        ("ОО-2", "pk_modern_3y"),
        ("ШМП-1", "informal_coverage"),
        ("centre", "centre_events"),
    ]
    # ДОО-1 is in Ленинский (М1) → answered; ШНОР = {ОО-1}: no category_high measure;
    # a staff category is matched by the indicator alone: М4 links young_mentored → answered.
    assert check.recommendations_without_measure["rule_id"].tolist() == ["r2"]
    # М4 answers r3; М5 answers nothing (no indicator, no rule)
    assert check.measures_without_problem["measure_id"].tolist() == ["М5"]
    assert check.measures_without_indicator["measure_id"].tolist() == ["М5"]
    assert check.measures_without_addressee["measure_id"].tolist() == ["М4"]
    assert set(check.answered["measure_id"]) == {"М1", "М2", "М3", "М4"}


def test_correspondence_by_rule_id_and_unknown_indicator():
    measures = _measures([("М1", "конкурсы", "ОО-1", "no_such_indicator", "выполнено")])
    measures["recommendation_ids"] = "r2"
    check = register.correspondence(measures, None, RECOMMENDATIONS, INSTITUTIONS, ASSOCIATIONS)
    # r2 (ШНОР = ОО-1) is listed by М1 and М1 targets ОО-1 → answered; r1, r3 are not
    assert check.recommendations_without_measure["rule_id"].tolist() == ["r1", "r3"]
    assert check.measures_without_indicator["measure_id"].tolist() == ["М1"]
    assert check.problems_without_measure.empty


def test_answered_pairs_list_each_measure_once_in_register_order():
    measures = _measures(
        [
            ("М1", "конкурсы", "ОО-1", "", "выполнено"),  # by rule only (below)
            ("М2", "конкурсы", "район:Ленинский", "pk_modern_3y", "выполнено"),  # indicator
            ("М3", "конкурсы", "все", "pk_modern_3y", "выполнено"),  # indicator and rule
            ("М4", "конкурсы", "ОО-2", "pk_modern_3y", "выполнено"),  # linked, misses ДОО-1
            ("М5", "конкурсы", "все", "pk_modern_3y", "выполнено"),  # the same targets as М3
        ]
    )
    measures["recommendation_ids"] = ["r1", None, "r1;r2", None, None]
    check = register.correspondence(measures, None, RECOMMENDATIONS, INSTITUTIONS, ASSOCIATIONS)
    # r1 (ДОО-1, pk_modern_3y): М1 lists r1 but targets ОО-1 only → no; М2 reaches Ленинский
    # (ДОО-1 in it) → yes; М3 lists both, reaches everyone → once; М4 misses; М5 reaches all.
    # r2 (ШНОР = ОО-1, category_high): М3 lists r2 and reaches ОО-1 → yes.
    pairs = check.answered[["measure_id", "row"]].to_records(index=False).tolist()
    assert pairs == [("М2", 0), ("М3", 0), ("М5", 0), ("М3", 1)]
    assert check.recommendations_without_measure["rule_id"].tolist() == ["r3"]
    assert check.measures_without_problem["measure_id"].tolist() == ["М1", "М4"]


def test_unit_covers_agree_with_unit_cover():
    cover_of = register.unit_covers(INSTITUTIONS, ASSOCIATIONS)
    # a district: its institutions (the Centre ЦПКИМР is in Ленинский); the city: all but the
    # Centre and every association; an association: itself; a staff category: None
    assert cover_of("district", "Ленинский") == (
        frozenset({"ОО-1", "ДОО-1", "ЦПКИМР"}),
        frozenset(),
    )
    assert cover_of("city", "city") == (
        frozenset({"ОО-1", "ОО-2", "ДОО-1", "УДО-1"}),
        frozenset({"ГПО-1", "ШМП-1"}),
    )
    assert cover_of("association", "ШМП-1") == (frozenset(), frozenset({"ШМП-1"}))
    assert cover_of("category", "молодые педагоги") is None
    assert cover_of("school_group", "ШНСУ") == (frozenset({"ОО-2", "УДО-1"}), frozenset())
    # asked again (a non-text id is read as text): the same answer
    assert cover_of("district", "Ленинский") == register.unit_cover(
        "district", "Ленинский", INSTITUTIONS, ASSOCIATIONS
    )
    assert cover_of("institution", 7) == (frozenset({"7"}), frozenset())


def test_correspondence_without_the_institutions_of_the_year():
    # `Учреждения` did not arrive: only associations can be reached. М3 (все) reaches ГПО-1 and
    # ШМП-1, М5 reaches ГПО-1; М1 (район), М2 (ОО-2), М4 (ОО-9) reach nobody.
    check = register.correspondence(REGISTER, PROBLEMS, None, None, ASSOCIATIONS)
    assert check.measures_without_addressee["measure_id"].tolist() == ["М1", "М2", "М4"]
    # the city's heads problem is answered by М3 through the associations; the five others not
    lonely = check.problems_without_measure
    assert lonely["unit_id"].tolist() == ["ОО-1", "ОО-2", "Правобережный", "ШМП-1", "centre"]
    assert register.resolve_targets("все", None, ASSOCIATIONS) == ([], ["ГПО-1", "ШМП-1"])


def test_correspondence_without_a_register_leaves_every_problem_open():
    check = register.correspondence(None, PROBLEMS, None, INSTITUTIONS)
    assert len(check.problems_without_measure) == len(PROBLEMS)
    assert check.measures_without_problem.empty


def test_unanswered_by_indicator_counts_per_indicator_and_level():
    check = register.correspondence(REGISTER, PROBLEMS, RECOMMENDATIONS, INSTITUTIONS, ASSOCIATIONS)
    counts = register.unanswered_by_indicator(check.problems_without_measure)
    # three lonely problems, one each: ordered by count (all 1), then indicator id
    assert counts.values.tolist() == [
        ["centre_events", "centre", 1],
        ["informal_coverage", "association", 1],
        ["pk_modern_3y", "institution", 1],
    ]
    twice = pd.concat([PROBLEMS, PROBLEMS.iloc[:2]])  # pk_modern_3y × institution: 2 + 2
    top = register.unanswered_by_indicator(twice).iloc[0].tolist()
    assert top == ["pk_modern_3y", "institution", 4]
    assert register.unanswered_by_indicator(None).empty


def test_load_measures_reads_through_the_year_reader(tmp_path):
    from analysis import processed
    from analysis.reader import YearData

    frame = processed.empty_table("measures")
    processed.publish(tmp_path, {2023: {"measures": frame}})
    loaded = register.load_measures(YearData(tmp_path, 2023))
    assert loaded is not None and "year" in loaded.columns and loaded.empty
    assert register.load_measures(YearData(tmp_path, 2023), 2022) is None  # did not arrive


def test_year_register_adds_the_year_and_leaves_the_input_alone():
    out = register.year_register(REGISTER, 2023)
    assert out["year"].unique().tolist() == [2023] and "year" not in REGISTER.columns
    assert register.year_register(None, 2023) is None


MUKO_REGISTER = _measures(
    [
        ("М1", "формальное ПК", "все", "pk_modern_3y", "выполнено"),
        ("М2", "конкурсы", "все", "competition_municipal", "выполнено"),
        ("М3", "конкурсы", "все", "competition_any", "выполнено"),
        ("М4", "методическая поддержка", "все", "category_high", "выполнено"),
        ("М5", "сетевое взаимодействие", "ШНОР", "informal_coverage", "выполнено"),
    ]
).assign(
    muko_systems=[
        "качество подготовки обучающихся;эффективность руководителей",
        "таланты",
        " Таланты ; профориентация",  # the SPEC matching rule: case and spaces do not matter
        None,  # no mark
        "ШНОР/ШНСУ",
    ]
)


def test_by_muko_system_counts_measures_per_mechanism_and_system():
    matrix = register.by_muko_system(MUKO_REGISTER).set_index("mechanism")
    # no measure of наставничество: its row is left out (the seed's slide does not have it)
    assert list(matrix.index) == [
        "формальное ПК",
        "неформальное ПК",
        "конкурсы",
        "методическая поддержка",
        "сетевое взаимодействие",
    ]
    assert matrix.loc["формальное ПК", "качество подготовки обучающихся"] == 1  # М1
    assert matrix.loc["формальное ПК", "эффективность руководителей"] == 1  # М1 counts twice
    assert matrix.loc["формальное ПК", "total"] == 1
    assert matrix.loc["конкурсы", ["таланты", "профориентация", "total"]].tolist() == [2, 1, 2]
    # М4 names no system: a measure of the mechanism, unmarked
    assert matrix.loc["методическая поддержка", ["total", "unmarked"]].tolist() == [1, 1]
    assert matrix.loc["сетевое взаимодействие", "ШНОР/ШНСУ"] == 1
    assert int(matrix.loc["неформальное ПК"].sum()) == 0


def test_muko_gaps_name_the_empty_cells_and_mentoring_joins_when_present():
    gaps = register.muko_gaps(register.by_muko_system(MUKO_REGISTER))
    assert gaps["формальное ПК"] == ["таланты", "профориентация", "ШНОР/ШНСУ"]
    assert gaps["конкурсы"] == [
        "эффективность руководителей",
        "ШНОР/ШНСУ",
        "качество подготовки обучающихся",
    ]
    assert gaps["методическая поддержка"] == list(register.MUKO_SYSTEMS)  # М4 is unmarked
    # 3 + 5 (неформальное ПК) + 3 + 5 + 4 (сетевое: all but ШНОР/ШНСУ) = 20 empty cells of 25
    assert sum(len(v) for v in gaps.values()) == 20
    mentoring = pd.concat(
        [
            MUKO_REGISTER,
            _measures([("М6", "наставничество", "все", "young_mentored", "выполнено")]).assign(
                muko_systems="таланты"
            ),
        ]
    )
    matrix = register.by_muko_system(mentoring).set_index("mechanism")
    # in the contract's order, between методическая поддержка and сетевое взаимодействие
    assert list(matrix.index)[4] == "наставничество"
    assert matrix.loc["наставничество", "таланты"] == 1


def test_by_muko_system_of_a_register_without_the_column_or_without_rows():
    # the optional column absent (an older register): every measure is unmarked
    matrix = register.by_muko_system(REGISTER).set_index("mechanism")
    assert matrix["total"].sum() == 5 and matrix["unmarked"].sum() == 5
    assert register.by_muko_system(None)["total"].sum() == 0
