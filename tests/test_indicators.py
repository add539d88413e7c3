"""The indicator engine on a tiny hand-made city; every expectation is worked out by hand.

The city of 2023 (Центр = C, of type ДПО, its staff are not "staff"):

    inst  type district  staff (position, age in 2023, experience, category)
    S1    ОО   Л         t1 педагог 35 10 высшая · t2 педагог 34 9.5 нет ·
                         t3 педагог 29 2 первая · h1 руководитель 53 25 высшая
    S2    ДОО  П         d1 заместитель 48 20 нет · t4 педагог 30 3 соответствие
    S3    ОО   П         t5 педагог 43 15 первая (moved there from S1 in 2022)
    C     ДПО  Л         c1 педагог (the Centre's own, never counted as staff)

Staff = t1 t2 t3 h1 d1 t4 t5 (7); teachers = t1 t2 t3 t4 t5 (5); heads = h1 d1 (2).
"""

from __future__ import annotations

import pandas as pd
import pytest
from indicators_helpers import course, frame, inst, person, pick, plan_report, result, triple

from analysis import processed
from analysis.errors import UserError
from analysis.indicators import COLUMNS, compute_year, csv_text, series, write_indicators_csv

Y = 2023
TARGETS_YAML = """
category_high: {2023: 60}
burnout_high: {2023: 30}
pk_modern_3y:
  2023: 40
  units:
    - {level: institution, unit_id: S1, year: 2023, target: 20}
gpo_participants:
  levels:
    city: {2023: 25}
"""


def city_tables() -> dict[int, dict[str, pd.DataFrame]]:
    institutions = frame(
        "institutions",
        [
            inst("S1", "ОО", "Л", resource_centre=True, network_agreements=2),
            inst("S2", "ДОО", "П", innovation="РИП"),
            inst("S3", "ОО", "П", innovation="ФИП", support_site=True, network_agreements=1),
            inst("C", "ДПО", "Л"),
        ],
    )
    staff = frame(
        "staff",
        [
            person("t1", "S1", birth_year=1988, experience_years=10, category="высшая"),
            person("t2", "S1", birth_year=1989, experience_years=9.5),
            person("t3", "S1", birth_year=1994, experience_years=2, category="первая"),
            person("h1", "S1", "руководитель", 1970, 25, "высшая"),
            person("d1", "S2", "заместитель руководителя", 1975, 20),
            person("t4", "S2", birth_year=1993, experience_years=3, category="соответствие"),
            person("t5", "S3", birth_year=1980, experience_years=15, category="первая"),
            person("c1", "C"),
        ],
    )
    courses_2020 = frame("courses", [course("t2", 2020)])  # y−3: outside the window
    courses_2021 = frame("courses", [course("t1", 2021)])  # y−2: inside
    courses_2022 = frame(
        "courses",
        [
            course("t5", 2022),  # taken at S1, counts at S3 where Кадры 2023 places t5
            course("d1", 2022),
        ],
    )
    courses_2023 = frame(
        "courses",
        [
            course(
                "h1", Y, kind="ПП", modern=False, topic="управление", provider="Центр", hours=18
            ),
            course("t2", Y, modern=False, topic="ИКТ"),
            course("t4", Y, kind="ПП"),
            course("gone", Y, provider="Центр", hours=36),  # no longer on staff
            course("c1", Y, provider="Центр", hours=72),  # the Centre's own teacher
        ],
    )
    competitions = frame(
        "competitions_staff",
        [
            result("t2", "муниципальный", "участник"),
            result("t2", "муниципальный", "призёр"),
            result("h1", "муниципальный", "победитель"),
            result("t5", "региональный", "лауреат"),
        ],
    )
    competitions_inst = frame(
        "competitions_inst",
        [
            {"competition": "К", "level": "муниципальный", "inst_id": "S1", "result": "победитель"},
            {"competition": "К", "level": "региональный", "inst_id": "S1", "result": "участник"},
            {"competition": "К", "level": "муниципальный", "inst_id": "S2", "result": "призёр"},
        ],
    )
    associations = frame(
        "associations",
        [
            {"assoc_id": "A1", "assoc_type": "ГПО", "name": "ГПО", "inst_id": "S1"},
            {
                "assoc_id": "A2",
                "assoc_type": "ШМП",
                "name": "ШМП",
                "parent_id": "A1",
                "inst_id": "S3",
            },
            {"assoc_id": "A3", "assoc_type": "ПТГ", "name": "ПТГ", "inst_id": "S2"},
        ],
    )
    members = frame(
        "members",
        [
            {"assoc_id": "A1", "person_id": "t1"},
            {"assoc_id": "A1", "person_id": "t1"},  # repeated
            {"assoc_id": "A1", "person_id": "t2"},
            {"assoc_id": "A2", "person_id": "t5"},
            {"assoc_id": "A2", "person_id": "h1"},
            {"assoc_id": "A2", "person_id": "c1"},
        ],
    )
    plan_reports = frame(
        "plan_reports",
        [
            plan_report(
                "A1",
                20,
                5,
                products=3,
                new_practices=1,
                young_school=True,
                internships=2,
                competitors=4,
                events=6,
            ),
            plan_report("A2", 10, 6, products=1, competitors=1, events=2, mentoring_pairs=3),
        ],
    )
    events = frame(
        "events",
        [
            {
                "event_id": e,
                "date": pd.Timestamp("2023-03-01"),
                "title": "М",
                "format": "семинар",
                "organizer": org,
                "target_group": "все",
                "participants": 10,
            }
            for e, org in (("E1", "Центр"), ("E2", "S1"), ("E3", "S1"), ("E4", "A1"), ("E5", "C"))
        ],
    )
    products = frame(
        "products",
        [
            {"product_id": p, "title": "П", "product_type": "пособие", "author": a}
            for p, a in (("P1", "Центр"), ("P2", "Центр"), ("P3", "S2"))
        ],
    )
    centre_plan = frame(
        "centre_plan",
        [
            {"indicator_id": "centre_person_hours", "plan": 100.0},
            {"indicator_id": "centre_events", "plan": 2.0},
        ],
    )
    deficits_2022 = frame(
        "deficits",
        [
            {"person_id": "t4", "area": "предметная", "score": 40.0, "deficit": True},
            {"person_id": "t2", "area": "цифровая", "score": 30.0, "deficit": True},
            {"person_id": "t5", "area": "предметная", "score": 90.0, "deficit": False},
            {"person_id": "gone", "area": "предметная", "score": 10.0, "deficit": True},
        ],
    )
    deficits = frame(
        "deficits",
        [
            {"person_id": "t1", "area": "предметная", "score": 40.0, "deficit": True},
            {"person_id": "t1", "area": "методическая", "score": 80.0, "deficit": False},
            {"person_id": "t2", "area": "цифровая", "score": 75.0, "deficit": False},
            {"person_id": "h1", "area": "предметная", "score": 20.0, "deficit": True},
        ],
    )
    burnout = frame(
        "burnout",
        [
            {"person_id": "t1", "level": "высокий"},
            {"person_id": "t2", "level": "низкий"},
            {"person_id": "t3", "level": "средний"},
            {"person_id": "h1", "level": "высокий"},
        ],
    )
    mentoring = frame(
        "mentoring",
        [
            {"mentor_id": "t1", "mentee_id": "t3", "start_date": pd.Timestamp("2023-09-01")},
            {"mentor_id": "t1", "mentee_id": "t4", "start_date": pd.Timestamp("2023-09-01")},
        ],
    )
    return {
        2020: {"courses": courses_2020},
        2021: {"courses": courses_2021},
        2022: {"courses": courses_2022, "deficits": deficits_2022},
        Y: {
            "institutions": institutions,
            "staff": staff,
            "courses": courses_2023,
            "competitions_staff": competitions,
            "competitions_inst": competitions_inst,
            "associations": associations,
            "members": members,
            "plan_reports": plan_reports,
            "events": events,
            "products": products,
            "centre_plan": centre_plan,
            "deficits": deficits,
            "burnout": burnout,
            "mentoring": mentoring,
        },
    }


@pytest.fixture(scope="module")
def city_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    processed.publish(root / "processed", city_tables())
    (root / "params").mkdir()
    (root / "params" / "targets.yaml").write_text(TARGETS_YAML, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tidy(city_dir):
    return compute_year(city_dir / "processed", Y, params_dir=city_dir / "params")


def test_columns_and_order(tidy):
    assert list(tidy.columns) == COLUMNS
    assert tidy["indicator_id"].iloc[0] == "pk_modern_3y"
    first = tidy[tidy["indicator_id"] == "pk_modern_3y"]
    # city, districts Л П, types ДОО ДПО ОО, institutions C S1 S2 S3, associations A1 A2 A3
    assert list(zip(first["level"], first["unit_id"])) == [
        ("city", "city"),
        ("district", "Л"),
        ("district", "П"),
        ("inst_type", "ДОО"),
        ("inst_type", "ДПО"),
        ("inst_type", "ОО"),
        ("institution", "C"),
        ("institution", "S1"),
        ("institution", "S2"),
        ("institution", "S3"),
        ("association", "A1"),
        ("association", "A2"),
        ("association", "A3"),
    ]


CASES = [
    # pk_modern_3y: modern ПК in 2021–2023: t1 (2021, y−2 inside), t5 (2022), d1 (2022);
    # t2's 2020 course is y−3 (outside), t2's 2023 ПК is not modern, h1's is ПП,
    # gone and c1 are not staff → 3 of 7
    ("pk_modern_3y", "city", "city", (3, 7, 300 / 7)),
    ("pk_modern_3y", "institution", "S1", (1, 4, 25.0)),  # t1 of t1 t2 t3 h1
    ("pk_modern_3y", "institution", "S3", (1, 1, 100.0)),  # t5 moved: the course follows
    ("pk_modern_3y", "institution", "C", (0, 0, None)),  # the Centre has no "staff"
    ("pk_modern_3y", "district", "Л", (1, 4, 25.0)),  # S1 + C
    ("pk_modern_3y", "district", "П", (2, 3, 200 / 3)),  # d1, t5 of d1 t4 t5
    ("pk_modern_3y", "inst_type", "ОО", (2, 5, 40.0)),  # t1, t5 of S1 (4) + S3 (1)
    ("pk_modern_3y", "inst_type", "ДПО", (0, 0, None)),
    ("pk_modern_3y", "association", "A1", (1, 2, 50.0)),  # members t1 (twice) t2 → t1
    ("pk_modern_3y", "association", "A2", (1, 2, 50.0)),  # t5 h1 (c1 not staff) → t5
    ("pk_modern_3y", "association", "A3", (0, 0, None)),  # no members
    # pk_pp_3y: any course 2021–2023: t1 t5 d1 h1(ПП) t2 t4(ПП) → 6 of 7; S1: t1 h1 t2 of 4
    ("pk_pp_3y", "city", "city", (6, 7, 600 / 7)),
    ("pk_pp_3y", "institution", "S1", (3, 4, 75.0)),
    # heads h1 d1: management topic only h1 (a ПП counts here) → 1 of 2
    ("heads_management_3y", "city", "city", (1, 2, 50.0)),
    ("heads_management_3y", "institution", "S3", (0, 0, None)),  # no heads: empty
    # municipal competitions among teachers: t2 (two rows, one person); h1 is a head → 1 of 5
    ("competition_municipal", "city", "city", (1, 5, 20.0)),
    ("competition_municipal", "association", "A2", (0, 1, 0.0)),  # teacher member t5 only
    # any competition among staff: t2 h1 t5 → 3 of 7
    ("competition_any", "city", "city", (3, 7, 300 / 7)),
    # prize rows: t2 призёр, h1 победитель, t5 лауреат → 3; S1 has t2 and h1
    ("competition_prizes", "city", "city", (3, None, 3.0)),
    ("competition_prizes", "institution", "S1", (2, None, 2.0)),
    ("competition_prizes", "institution", "S2", (0, None, 0.0)),  # staff but no prize
    ("competition_prizes", "institution", "C", (None, None, None)),  # no staff: empty
    ("competition_prizes", "association", "A2", (2, None, 2.0)),  # t5 and h1
    ("competition_prizes", "association", "A3", (None, None, None)),
    # teachers t1 высшая, t3 первая, t5 первая → 3 of 5
    ("category_high", "city", "city", (3, 5, 60.0)),
    ("category_high", "association", "A1", (1, 2, 50.0)),  # t1 of t1 t2
    # age = 2023 − birth_year: t3 29 < 30; t4 exactly 30 is not → 1 of 5
    ("age_under_30", "city", "city", (1, 5, 20.0)),
    # t2 34, t3 29, t4 30; t1 exactly 35 is not → 3 of 5
    ("age_under_35", "city", "city", (3, 5, 60.0)),
    # t2 9.5, t3 2, t4 3; t1 exactly 10 is not → 3 of 5
    ("experience_under_10", "city", "city", (3, 5, 60.0)),
    # members who are teachers: t1 (listed twice), t2, t5 → 3 of 5
    ("informal_coverage", "city", "city", (3, 5, 60.0)),
    ("informal_coverage", "institution", "S2", (0, 1, 0.0)),  # t4 is in no association
    # experience < 3: t3 only (t4 exactly 3 is not); t3 is a mentee → 1 of 1
    ("young_mentored", "city", "city", (1, 1, 100.0)),
    ("young_mentored", "institution", "S2", (0, 0, None)),  # zero denominator: no value
    # teachers with a diagnostics row: t1 t2 (h1 is a head) → 2 of 5
    ("deficit_diagnosed", "city", "city", (2, 5, 40.0)),
    # of t1 t2: t1 has a deficit → 1 of 2
    ("deficit_share", "city", "city", (1, 2, 50.0)),
    # deficits of 2022 among staff of 2023: t4, t2 (gone is not staff, t5 had none);
    # a ПК ending in 2023: t2 yes, t4's is ПП → 1 of 2
    ("deficit_addressed", "city", "city", (1, 2, 50.0)),
    ("deficit_addressed", "institution", "S2", (0, 1, 0.0)),
    # burnout among diagnosed teachers t1 t2 t3: t1 высокий (h1 is a head) → 1 of 3
    ("burnout_high", "city", "city", (1, 3, 100 / 3)),
    # events organised by institutions: S1 two, C one; A1's event at S1 does not count
    ("events_hosted", "institution", "S1", (2, None, 2.0)),
    ("events_hosted", "institution", "S2", (0, None, 0.0)),
    ("events_hosted", "institution", "C", (1, None, 1.0)),
    ("events_hosted", "city", "city", (3, None, 3.0)),
    # ДПО rows of 2023 by the Centre, kind ПК: gone 36 h + c1 72 h (h1's 18 h are ПП) → 108
    ("centre_person_hours", "centre", "centre", (108, None, 108.0)),
    ("centre_events", "centre", "centre", (1, None, 1.0)),  # E1 (E5 is by the inst C)
    ("centre_products", "centre", "centre", (2, None, 2.0)),
    ("centre_person_hours_pct", "centre", "centre", (108, 100, 108.0)),  # plan 100
    ("centre_events_pct", "centre", "centre", (1, 2, 50.0)),
    ("centre_products_pct", "centre", "centre", (None, None, None)),  # no plan row
    # A1 and A2 of A1 A2 A3 sent a plan-report → 2 of 3
    ("report_completeness", "city", "city", (2, 3, 200 / 3)),
    ("gpo_participants", "city", "city", (30, None, 30.0)),  # 20 + 10
    ("gpo_participants", "association", "A3", (None, None, None)),  # no plan-report
    ("gpo_under_35_share", "city", "city", (11, 30, 110 / 3)),  # Σ 5 + 6 over Σ 20 + 10
    ("gpo_under_35_share", "association", "A2", (6, 10, 60.0)),
    ("gpo_under_35_share", "association", "A3", (None, None, None)),
    ("gpo_young_school", "city", "city", (1, None, 1.0)),  # A1 only
    ("gpo_mentoring_pairs", "city", "city", (3, None, 3.0)),  # A1 left it blank
    ("gpo_mentoring_pairs", "association", "A1", (None, None, None)),
    ("gpo_events", "city", "city", (8, None, 8.0)),  # 6 + 2
    # S1 РЦ, S3 опорная площадка → 2; S2 РИП, S3 ФИП → 2; agreements 2 + 1 → 3
    ("inst_resource_centre", "city", "city", (2, None, 2.0)),
    ("inst_resource_centre", "institution", "S2", (0, None, 0.0)),
    ("inst_innovation", "city", "city", (2, None, 2.0)),
    ("inst_network_agreements", "city", "city", (3, None, 3.0)),
    # institutions' competitions: S1 two rows, S2 one; prizes: S1 победитель, S2 призёр
    ("inst_competitions", "institution", "S1", (2, None, 2.0)),
    ("inst_competitions", "city", "city", (3, None, 3.0)),
    ("inst_competition_prizes", "city", "city", (2, None, 2.0)),
]


@pytest.mark.parametrize(("indicator_id", "level", "unit_id", "expected"), CASES)
def test_value_worked_out_by_hand(tidy, indicator_id, level, unit_id, expected):
    got = triple(tidy, indicator_id, level, unit_id)
    assert got == tuple(None if e is None else pytest.approx(e, rel=1e-12) for e in expected)


def meets(tidy, indicator_id, level, unit_id):
    """meets_target as True, False or None (empty)."""
    value = pick(tidy, indicator_id, level, unit_id)["meets_target"]
    return None if pd.isna(value) else bool(value)


def test_targets_and_meets_target_by_direction(tidy):
    # category_high 60 against target 60, higher is better → meets (equality counts)
    assert meets(tidy, "category_high", "city", "city") is True
    # burnout_high 33.3 against 30, lower is better → does not meet
    assert pick(tidy, "burnout_high", "city", "city")["target"] == 30
    assert meets(tidy, "burnout_high", "city", "city") is False
    # a unit's own target beats the general one: S1 25 % against 20 → meets; S2 50 % vs 40
    assert pick(tidy, "pk_modern_3y", "institution", "S1")["target"] == 20
    assert meets(tidy, "pk_modern_3y", "institution", "S1") is True
    assert pick(tidy, "pk_modern_3y", "institution", "S2")["target"] == 40
    # no value → meets_target empty though the target is set
    assert meets(tidy, "pk_modern_3y", "institution", "C") is None
    # a level-only target: city 30 participants against 25; associations have none
    assert meets(tidy, "gpo_participants", "city", "city") is True
    assert pd.isna(pick(tidy, "gpo_participants", "association", "A1")["target"])
    # the Centre: the plan is the target (108 ≥ 100; 1 < 2)
    assert pick(tidy, "centre_person_hours", "centre", "centre")["target"] == 100
    assert meets(tidy, "centre_events", "centre", "centre") is False
    assert pd.isna(pick(tidy, "age_under_30", "city", "city")["target"])


def test_complete_windows_raise_no_flag(tidy):
    assert pick(tidy, "pk_modern_3y", "city", "city")["flags"] == ""
    assert pick(tidy, "deficit_addressed", "city", "city")["flags"] == ""


def test_every_unit_of_every_declared_level_is_listed(tidy):
    from analysis.catalogue import CATALOGUE

    units = {
        "city": 1,
        "district": 2,
        "inst_type": 3,
        "institution": 4,
        "association": 3,
        "centre": 1,
    }
    expected = sum(units[level] for ind in CATALOGUE.values() for level in ind.levels)
    assert len(tidy) == expected
    assert not tidy.duplicated(["indicator_id", "level", "unit_id"]).any()


def test_incomplete_window_is_computed_from_what_exists_and_flagged(tmp_path):
    tables = city_tables()
    del tables[2021]  # y−2 is missing: t1's course is not seen
    processed.publish(tmp_path, tables)
    tidy = compute_year(tmp_path, Y)
    # modern ПК in 2022–2023: t5, d1 → 2 of 7
    assert triple(tidy, "pk_modern_3y", "city", "city") == (2, 7, pytest.approx(200 / 7))
    assert pick(tidy, "pk_modern_3y", "institution", "S1")["flags"] == "incomplete_window"
    assert pick(tidy, "category_high", "city", "city")["flags"] == ""


def test_missing_form_gives_no_value_and_no_data_flag(tmp_path):
    tables = city_tables()
    for table in ("deficits", "burnout"):
        del tables[Y][table]
    del tables[2022]["deficits"]
    processed.publish(tmp_path, tables)
    tidy = compute_year(tmp_path, Y)
    for indicator_id in ("deficit_diagnosed", "deficit_share", "burnout_high", "deficit_addressed"):
        rows = tidy[tidy["indicator_id"] == indicator_id]
        assert rows[["numerator", "denominator", "value"]].isna().all().all()
        assert (rows["flags"] == "no_data").all()
    assert triple(tidy, "category_high", "city", "city") == (3, 5, 60.0)


def test_missing_members_leave_association_rows_empty_and_flagged(tmp_path):
    tables = city_tables()
    del tables[Y]["members"]
    processed.publish(tmp_path, tables)
    tidy = compute_year(tmp_path, Y)
    row = pick(tidy, "category_high", "association", "A1")
    assert pd.isna(row["value"]) and row["flags"] == "no_data"
    assert pick(tidy, "category_high", "city", "city")["flags"] == ""


def test_csv_format(city_dir, tmp_path):
    out = tmp_path / "out" / "indicators.csv"
    write_indicators_csv(city_dir / "processed", Y, out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "year,indicator_id,level,unit_id,numerator,denominator,value,unit,target,meets_target,flags"
    )
    # a share: the two counts, the unrounded value; no target → empty fields
    assert "2023,age_under_30,city,city,1,5,20,%,,," in lines
    # a count: numerator = value, denominator empty
    assert "2023,competition_prizes,city,city,3,,3,ед.,,," in lines
    # zero denominator: numerator and denominator 0, value empty
    assert "2023,young_mentored,institution,S2,0,0,,%,,," in lines[1:] or any(
        line.startswith("2023,young_mentored,institution,S2,0,0,,%,") for line in lines
    )
    # unrounded thirds, dot decimal
    assert any(
        line.startswith("2023,burnout_high,city,city,1,3,33.333333333333336,%") for line in lines
    )


def test_csv_cells_of_every_column_type():
    # a column at a time, each cell as SPEC §5 writes it: whole floats without «.0», −0.0 as 0,
    # others unrounded (repr), NaN and NA empty, true/false, text with a comma quoted
    tidy = pd.DataFrame(
        {
            "year": pd.Series([2023, 2023, 2023], dtype="int64"),
            "indicator_id": pd.Series(["a", "b", "c"], dtype="str"),
            "level": ["city", "district", "district"],
            "unit_id": pd.Series(["city", "Район, север", None], dtype="str"),
            "numerator": [2.0, float("nan"), -0.0],
            "denominator": [3.0, 0.0, 7.0],
            "value": [2 / 3, float("nan"), 0.1],
            "unit": ["%", "%", "ед."],
            "target": [83.0, float("nan"), 1e-07],
            "meets_target": pd.Series([False, None, True], dtype="boolean"),
            "flags": pd.Series(["", "no_data", None], dtype="str"),
        }
    )
    assert csv_text(tidy).splitlines()[1:] == [
        "2023,a,city,city,2,3,0.6666666666666666,%,83,false,",
        '2023,b,district,"Район, север",,0,,%,,,no_data',
        "2023,c,district,,0,7,0.1,ед.,1e-07,true,",
    ]


def test_csv_for_a_year_not_in_the_data_is_a_russian_error(city_dir, tmp_path):
    with pytest.raises(UserError, match="Года 2030 нет"):
        write_indicators_csv(city_dir / "processed", 2030, tmp_path / "x.csv")
    with pytest.raises(UserError, match="нет обработанных данных"):
        write_indicators_csv(tmp_path / "empty", 2023, tmp_path / "x.csv")


def test_cache_reuses_the_table_and_changes_with_the_data(city_dir, tmp_path):
    cache = tmp_path / "cache"
    first = compute_year(city_dir / "processed", Y, cache_dir=cache)
    files = list(cache.glob("indicators-2023-*.parquet"))
    assert len(files) == 1
    again = compute_year(city_dir / "processed", Y, cache_dir=cache)
    pd.testing.assert_frame_equal(first, again)
    changed = tmp_path / "changed"
    tables = city_tables()
    del tables[2021]
    processed.publish(changed, tables)
    compute_year(changed, Y, cache_dir=cache)
    assert len(list(cache.glob("indicators-2023-*.parquet"))) == 2


def test_series_over_years(tmp_path):
    tables = city_tables()
    tables[2022]["staff"] = frame(
        "staff",
        [
            person("t5", "S1", category="высшая"),
            person("t6", "S1"),
        ],
    )
    processed.publish(tmp_path, tables)
    got = series(tmp_path, [2022, Y], indicator_ids=["category_high"], levels=["city"])
    # 2022: t5 высшая of t5 t6 → 50 (no Учреждения that year: city from Кадры alone)
    assert got["year"].tolist() == [2022, Y]
    assert got["value"].tolist() == [50.0, 60.0]


def test_demo_city_has_every_indicator_at_every_declared_level(tmp_path):
    from analysis.catalogue import CATALOGUE
    from analysis.demo import generate

    generate(tmp_path, [2021, 2022, 2023], 0, 0.1, "parquet")
    tidy = compute_year(tmp_path, Y)
    institutions = processed.read_table(tmp_path, Y, "institutions")
    register = processed.read_table(tmp_path, Y, "associations")
    units = {
        "city": 1,
        "district": institutions["district"].nunique(),
        "inst_type": institutions["inst_type"].nunique(),
        "institution": len(institutions),
        "association": len(register),
        "centre": 1,
    }
    counts = tidy.groupby(["indicator_id", "level"]).size().to_dict()
    for ind in CATALOGUE.values():
        for level in ind.levels:
            assert counts.get((ind.id, level)) == units[level], (ind.id, level)
    assert len(tidy) == sum(counts.values())
    shares = tidy[tidy["unit"] == "%"]["value"].dropna()
    assert shares.between(0, 1000).all()  # % of plan may pass 100; shares of people never do
    people = tidy[(tidy["unit"] == "%") & ~tidy["indicator_id"].str.endswith("_pct")]
    assert people["value"].dropna().between(0, 100).all()
    city = tidy[tidy["level"] == "city"].set_index("indicator_id")
    assert city.loc["pk_modern_3y", "flags"] == ""  # 2021–2023 all present


def test_cli_writes_the_csv_and_reports_a_missing_year(city_dir, tmp_path, capsys):
    from analysis.cli import main

    out = tmp_path / "ind.csv"
    assert (
        main(
            [
                "indicators",
                "--processed-dir",
                str(city_dir / "processed"),
                "--year",
                "2023",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text(encoding="utf-8").startswith("year,indicator_id,level,unit_id,")
    assert (
        main(
            [
                "indicators",
                "--processed-dir",
                str(city_dir / "processed"),
                "--year",
                "2031",
                "--out",
                str(out),
            ]
        )
        == 1
    )
    assert "Года 2031 нет" in capsys.readouterr().err
