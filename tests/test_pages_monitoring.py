"""Page 03: the reader's sentences and tables made of the monitoring results.

Hand-made tidy tables (`monitoring_helpers`); every expected text is worked out by hand.
"""

import numpy as np
import pandas as pd
import pytest
from monitoring_helpers import INST_TIDY, INSTITUTIONS, FakeIndicator, catalogue, row, tidy

from analysis import methodology as mt
from analysis import monitoring as m
from analysis.pages import monitoring as page
from analysis.params.methodology import load_criteria

N = "\u00a0"
PK = FakeIndicator("pk", "Доля педагогов с ПК", "%")
BURN = FakeIndicator("burn", "Доля педагогов с выгоранием", "%", direction="lower")
EVENTS = FakeIndicator("events", "Число мероприятий", "ед.", levels=("centre",))
CAT = catalogue(PK, BURN, EVENTS)
YEARS = [2021, 2022, 2023]

SERIES = tidy(
    row(2021, "pk", "city", "city", 70, 100, 70.0, target=80),
    row(2022, "pk", "city", "city", 78, 100, 78.0, target=80),
    row(2023, "pk", "city", "city", 824, 1000, 82.4, target=85),
    row(2022, "burn", "city", "city", 12, 100, 12.0, target=10),
    row(2023, "burn", "city", "city", 9, 100, 9.0, target=10),
    row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед.", target=50),
)


def test_scorecard_sentences_and_summary():
    card = m.scorecard(SERIES, CAT, 2023, YEARS, near_pp=5)
    sentences = page.scorecard_sentences(card, 2023)
    assert sentences[0] == (
        f"Доля педагогов с ПК составила 82,4{N}% при цели 85{N}%: "
        f"цель почти достигнута (за год +4,4{N}п.{N}п.)."
    )
    assert (
        sentences[2]
        == f"Число мероприятий составило 40{N}ед. при цели 50{N}ед.: цель не достигнута."
    )
    # 3 indicators with value and target: met 1 (burn), near 1 (pk), below 1 (events)
    assert page.scorecard_summary(card, 2023) == (
        f"В 2023 году из 3{N}показателей с целевым значением цель достигнута по 1, "
        "близко к цели — 1, не достигнута — 1."
    )


def test_scorecard_table_shows_stars_for_suppressed_and_russian_headers():
    s = SERIES.copy()
    s.loc[2, ["value", "numerator", "denominator"]] = np.nan
    s.loc[2, "flags"] = "suppressed"
    card = m.scorecard(s, CAT, 2023, YEARS, near_pp=5)
    html = page.scorecard_table(card, 2023, YEARS).to_html()
    assert ">*<" in html and "Цель 2023" in html and "indicator_id" not in html
    assert page.scorecard_sentences(card, 2023)[0] == (
        "Доля педагогов с ПК: значение скрыто (слишком мало человек)."
    )


def test_an_incomplete_window_is_marked_and_not_judged():
    s = SERIES.copy()
    s.loc[2, "flags"] = "incomplete_window"
    card = m.scorecard(s, CAT, 2023, YEARS, near_pp=5)
    assert card.set_index("indicator_id").loc["pk", "band"] == "none"
    assert page.scorecard_sentences(card, 2023)[0] == (
        f"Доля педагогов с ПК составила 82,4{N}% — значение за неполное трёхлетнее окно "
        "(ранних лет нет в данных), оно занижено; достижение цели не оценивается."
    )
    # 2 judged (burn met, events below); pk has value and target but its window is short
    assert page.scorecard_summary(card, 2023) == (
        f"В 2023 году из 2{N}показателей с целевым значением цель достигнута по 1, "
        f"близко к цели — 0, не достигнута — 1. По 1{N}показателю трёхлетнее окно неполное "
        "(ранних лет нет в данных): достижение цели не оценивается."
    )
    html = page.scorecard_table(card, 2023, YEARS).to_html()
    assert f"82,4{N}%{N}†" in html and page.NOT_JUDGED in html


UNITS = tidy(
    row(2023, "pk", "district", "Север", 45, 50, 90.0, target=85),
    row(2023, "pk", "district", "Юг", 30, 50, 60.0, target=85),
    row(2023, "burn", "district", "Север", 5, 50, 10.0, target=10),
    row(2023, "burn", "district", "Юг", None, None, None, flags="suppressed"),
)


def test_unit_grid_labels_and_spread():
    grid = m.compare_units(UNITS, CAT, "district", near_pp=5)
    labels = page.cell_labels(grid)
    assert labels.loc["Юг", "Доля педагогов с выгоранием"] == "*"
    assert labels.loc["Север", "Доля педагогов с ПК"] == f"90,0{N}%"
    # 90 − 60 = 30 pp
    assert page.spread_sentence(grid.values, "Доля педагогов с ПК", "%", "district") == (
        f"Доля педагогов с ПК: от 60,0{N}% (Юг) до 90,0{N}% (Север), разница 30,0{N}п.{N}п."
    )
    # one visible district: nothing to compare
    assert page.spread_sentence(grid.values, "Доля педагогов с выгоранием", "%", "district") == (
        "Доля педагогов с выгоранием: сравнивать районы не по чему."
    )
    assert page.compare_title("district") == "Районы: показатели в сравнении с целями"
    assert ">*<" in page.compare_table(grid, "district", "Районы").to_html()


def test_school_group_sentences_and_table():
    groups = m.school_groups(INST_TIDY, INSTITUTIONS, CAT)
    sentences = page.school_group_sentences(m.lagging_groups(groups, CAT, min_gap_pp=5))
    # ШНОР 2/4 = 50,0 vs (9+17)/(10+20) = 86,7 → 36,7 pp; ШНСУ (2+6)/(4+8) = 66,7 → 20,0 pp
    assert sentences == [
        (
            f"Доля педагогов с ПК: в ШНОР 50,0{N}% против 86,7{N}% в остальных школах "
            f"(хуже на 36,7{N}п.{N}п.)."
        ),
        (
            f"Доля педагогов с ПК: в ШНСУ 66,7{N}% против 86,7{N}% в остальных школах "
            f"(хуже на 20,0{N}п.{N}п.)."
        ),
    ]
    html = page.school_groups_table(groups).to_html()
    # ШНОР − остальные: 50,0 − 86,7 = −36,7 pp; 1 ШНОР school, 2 ШНСУ, 2 others
    assert "ШНОР − остальные" in html and f"−36,7{N}п.{N}п." in html
    assert "ШНОР (1)" in html and "ШНСУ (2)" in html and "остальные школы (2)" in html
    hidden = m.school_groups(INST_TIDY, INSTITUTIONS, CAT, threshold=5)  # ШНОР: 4 people
    assert ">*<" in page.school_groups_table(hidden).to_html()


def test_ranking_table_shows_the_last_places():
    r = m.ranking(INST_TIDY, INSTITUTIONS, CAT, "pk", near_pp=5)
    html = page.ranking_table(r, CAT, "pk", n=2).to_html()
    # order 3 (90), 4 (85), 2 (75), 1 (50), 5 (10): the last two are Сад 5 and Школа 1
    assert "последние 2 мест из 5" in html and "Сад 5" in html and "Школа 3" not in html
    assert "первые 2 мест из 5" in page.ranking_table(r, CAT, "pk", n=2, worst=False).to_html()


def test_quality_sentences():
    t = tidy(
        row(2023, "pk", "city", "city", 1, 2, 50.0, flags="incomplete_window"),
        row(2023, "burn", "city", "city", None, None, None, flags="no_data"),
        row(2023, "events", "centre", "centre", None, None, None, unit="ед.", flags="suppressed"),
    )
    found = pd.DataFrame({"inst_id": ["5", "5", "7"]})
    assert page.quality_sentences(t, CAT, found) == [
        (
            f"Необычные значения: 3{N}случая в 2{N}учреждениях — значение далеко от типичного "
            "для учреждений города; стоит сверить данные."
        ),
        "Нет данных по показателям: Доля педагогов с выгоранием.",
        (
            "Трёхлетнее окно неполное (нет данных за ранние годы), значения занижены: "
            "Доля педагогов с ПК."
        ),
    ]


def test_completeness_sentence():
    assoc = pd.DataFrame(
        {
            "assoc_id": ["a1", "a2", "a3", "a4"],
            "assoc_type": ["ГПО", "ГПО", "ПТГ", "РЦ"],
            "name": ["ГПО-1", "ГПО-2", "ПТГ-1", "РЦ-1"],
        }
    )
    reports = pd.DataFrame({"assoc_id": ["a1", "a4"]})
    missing = m.missing_plan_reports(assoc, reports)
    by_type = m.completeness_by_type(assoc, reports)
    # 2 of 4 reported → 50,0 %
    assert page.completeness_sentence(by_type, missing) == (
        f"Планы-отчёты сдали 2 из 4{N}объединений (50,0{N}%). Не сдали: ГПО — 1, ПТГ — 1."
    )
    assert page.completeness_sentence(m.completeness_by_type(None, None), missing).startswith(
        "Реестр объединений за год не поступил"
    )
    assert page.missing_reports_table(missing.iloc[0:0]) is None  # all reported: no table


def test_centre_sentences():
    t = tidy(row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед.", target=50))
    assert page.centre_sentences(m.centre_plan_fact(t, CAT)) == [
        f"Число мероприятий: 40{N}ед. при плане 50{N}ед. (80,0{N}% плана) — задание не выполнено."
    ]


def test_person_tables_say_what_to_check_and_why_a_list_is_withheld():
    staff = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3"],
            "inst_id": ["1", "1", "2"],
            "position": ["педагог"] * 3,
            "birth_year": [1990, 2000, 1980],
            "experience_years": [10.0, 8.0, 20.0],
        }
    )
    courses = pd.DataFrame({"person_id": ["p1", "x9"]})
    found = page.anomaly_findings(m.staff_anomalies(staff, courses, 2023))
    # p2: age 2023 − 2000 = 23, experience 8 > 23 − 16 = 7; x9 has a course but no staff row
    assert list(found["finding"]) == [
        "стаж 8 лет при возрасте 23 лет",
        "курс учтён, но работника нет в списке кадров года",
    ]
    html = page.person_table(found, {"1": "Школа 1"}, "Уточнить").to_html()
    assert "Школа 1" in html and "Что проверить" in html and ">—<" in html  # x9: no institution
    withheld = m.lapsed_staff(staff, [courses, None, courses], ["1"])
    table = page.person_table(withheld, {}, "Не проходившие ПК").to_html()
    assert "Не проходившие ПК: список не составляется" in table


def test_conclusion_lines():
    card = m.scorecard(SERIES, CAT, 2023, YEARS, near_pp=5)
    t = tidy(row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед.", target=50))
    lines = page.conclusion_lines(
        card, 2023, ["a", "b"], "Отчитались все.", m.centre_plan_fact(t, CAT)
    )
    assert lines[1:] == [
        "Цель не достигнута: Число мероприятий.",  # 40 of 50: 20 % short
        f"ШНОР/ШНСУ заметно отстают от остальных школ по 2{N}показателям.",
        "Отчитались все.",
        f"Муниципальное задание Центра выполнено по 0 из 1{N}показателя.",  # 80 % of plan
    ]


def test_data_summary():
    staff = pd.DataFrame({"person_id": ["p1", "p2"]})
    # 5 institutions in 2 districts (Север, Юг)
    assert page.data_summary(INSTITUTIONS, staff, None, 2023) == (
        f"В 2023 году в данных: 5{N}учреждений в 2 районах, 2{N}работника."
    )
    assert page.data_summary(None, None, None, 2023) == (
        "За 2023 год нет ни реестра учреждений, ни списков кадров."
    )


# --------------------------------------------------------------------------- methodology


def test_methodology_findings_in_words():
    criteria = load_criteria()
    t = tidy(
        row(2023, "informal_coverage", "city", "city", 60, 100, 60.0),
        row(2023, "deficit_diagnosed", "city", "city", 30, 200, 15.0),
        row(2023, "burnout_high", "city", "city", 10, 120, 8.3),
    )
    assoc = pd.DataFrame({"assoc_id": ["a1", "a2"], "assoc_type": ["ГПО", "РЦ"]})
    products = pd.DataFrame({"author": ["Центр", "a1", "17"]})
    ev = mt.evaluate(criteria, {"events": None, "associations": assoc, "products": products}, t)
    words = page.evaluation_frame(ev).set_index("id")
    assert words.loc["target_groups", "finding"] == "Нет данных."
    assert words.loc["target_groups", "basis"] == "экспертная оценка Центра"
    assert words.loc["communities", "finding"] == (
        f"В реестре 2{N}объединения (ГПО — 1, РЦ — 1); в них участвуют 60,0{N}% педагогов города."
    )
    # deficits 15 %; burnout tested 120 of 200 teachers = 60 %
    assert words.loc["motivation_practices", "finding"] == (
        f"Диагностику профессиональных дефицитов прошли 15,0{N}% педагогов, "
        f"диагностику выгорания — 60,0{N}%."
    )
    assert words.loc["products_bank", "finding"] == (
        f"В банке 3{N}методических продукта года: Центра — 1, объединений — 1, учреждений — 1."
    )
    assert words.loc["products_bank", "basis"] == "по данным"
    assert page.evaluation_summary(ev) == (
        f"По данным года оценено 3 из 4{N}критериев, остальные — по экспертной оценке. "
        "Итог: в наличии — 4, частично — 0, отсутствует — 0."
    )
    assert "Оценка системы методической работы" in page.evaluation_table(ev).to_html()


def test_target_groups_in_words():
    events = pd.DataFrame(
        {"target_group": ["молодые педагоги", "руководители", "все"], "participants": [10, 5, 30]}
    )
    text = page.finding_text("target_groups", mt.target_groups(events).facts)
    # 2 of the 6 specific groups have an event; 10 + 5 + 30 = 45 participations
    assert text.startswith(f"Проведено 3{N}мероприятия (45 участий); охвачены 2 из 6 целевых групп")
    assert "без мероприятий: заместители руководителей, учителя-предметники" in text


@pytest.mark.parametrize(
    ("criterion", "facts", "expected"),
    [
        (
            "communities",
            {"associations": 0, "by_type": [], "coverage": None},
            "Объединений в реестре нет.",
        ),
        (
            "communities",
            {"associations": 1, "by_type": [("ГПО", 1)], "coverage": None},
            f"В реестре 1{N}объединение (ГПО — 1); охват педагогов неизвестен.",
        ),
        (
            "products_bank",
            {"products": 0, "centre": 0, "associations": 0, "institutions": 0},
            "Методических продуктов за год не зарегистрировано.",
        ),
        (
            "motivation_practices",
            {"deficits": 40.0, "burnout": None},
            f"Диагностику профессиональных дефицитов прошли 40,0{N}% педагогов.",
        ),
    ],
)
def test_findings_without_part_of_the_data(criterion, facts, expected):
    assert page.finding_text(criterion, facts) == expected


# --------------------------------------------------------------------------- a real run


SECTIONS = (
    "overview",
    "scorecard",
    "scorecard_notes",
    "key_dynamics",
    "units",
    "schools",
    "institution_ranking",
    "centre",
    "methodology_evaluation",
    "completeness",
    "data_quality",
    "person_checks",
    "conclusions",
)


@pytest.fixture(scope="module")
def small_city(tmp_path_factory):
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("city03")
    generate(root / "processed", [2022, 2023], 0, 0.05, fmt="parquet")
    return root


def _without(city, tmp_path, tables):
    """A copy of the city whose report year lacks `tables` (their form did not arrive)."""
    import json
    import shutil

    root = tmp_path / "city"
    shutil.copytree(city / "processed", root / "processed")
    manifest = json.loads((root / "processed" / "manifest.json").read_text(encoding="utf-8"))
    for table in tables:
        (root / "processed" / "2023" / f"{table}.parquet").unlink()
        manifest["years"]["2023"]["rows"].pop(table)
    (root / "processed" / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root


def _text(shown) -> str:
    """The HTML of a displayed object (a Styler, IPython's HTML) or its text."""
    if hasattr(shown, "to_html"):
        return shown.to_html()
    return str(getattr(shown, "data", shown))


def _run_page(root, profile, monkeypatch):
    """Every section of the page, as the notebook calls them: the HTML of what it shows."""
    from analysis import context

    shown = []
    monkeypatch.setattr(page, "display", lambda *objects: shown.extend(objects))
    ctx = context.resolve(2023, root / "processed", root / "output", profile, 3)
    run = page.prepare(ctx)
    for name in SECTIONS:
        result = getattr(page, name)(run)
        if result is not None:
            shown.append(result)
    return "".join(_text(x) for x in shown if not isinstance(getattr(x, "data", ""), bytes))


@pytest.mark.parametrize("missing", [("institutions",), ("staff",), ("courses",)])
def test_the_page_runs_without_a_form_and_says_what_is_missing(
    small_city, tmp_path, monkeypatch, missing
):
    text = _run_page(_without(small_city, tmp_path, missing), "internal", monkeypatch)
    if missing == ("institutions",):
        assert page.NO_INSTITUTIONS in text and page.NO_SCHOOL_GROUPS in text
    if missing != ("courses",):
        assert page.NO_PERSON_LISTS in text
    else:  # no courses of 2023: nobody is called lapsed, and the list says why
        assert "список не составляется" in text


def test_the_public_page_lists_no_persons(small_city, tmp_path, monkeypatch):
    import pandas as pd

    text = _run_page(_without(small_city, tmp_path, ()), "public", monkeypatch)
    assert page.PUBLIC_NO_PERSONS in text and "Код работника" not in text
    staff = pd.read_parquet(small_city / "processed" / "2023" / "staff.parquet")
    assert not [p for p in staff["person_id"].astype(str) if f">{p}<" in text]


def test_ranked_indicator_is_the_first_key_one_per_institution():
    # events is computed for the Centre only; pk per institution
    assert page.ranked_indicator(["events", "nope", "pk"], CAT) == "pk"
    assert page.ranked_indicator(["events"], CAT) is None


def test_a_count_without_target_or_change_ends_with_one_dot():
    # «40 ед.» ends the sentence: no second dot after the unit's own (issue 13: «0 ед..»)
    only = tidy(row(2023, "events", "centre", "centre", 40, None, 40.0, unit="ед."))
    card = m.scorecard(only, CAT, 2023, [2023], near_pp=5)
    assert page.scorecard_sentences(card, 2023) == [f"Число мероприятий составило 40{N}ед."]
