"""The four criteria: from data where it exists, otherwise the statement of params.

The findings are counts (`methodology.Finding.facts`); their words are tested with the page
(`tests/test_pages_monitoring.py`)."""

import pandas as pd
import pytest
from monitoring_helpers import row, tidy

from analysis import methodology as mt
from analysis.errors import UserError
from analysis.params.methodology import load_criteria

CRITERIA = load_criteria()


def test_params_file_has_the_four_criteria():
    assert [c.id for c in CRITERIA] == [
        "target_groups",
        "communities",
        "motivation_practices",
        "products_bank",
    ]


def test_target_groups_counts_covered_groups():
    events = pd.DataFrame(
        {"target_group": ["молодые педагоги", "руководители", "все"], "participants": [10, 5, 30]}
    )
    status, facts = mt.target_groups(events)
    # 2 of the 6 specific groups have an event; 10 + 5 + 30 = 45 participations
    assert (facts["events"], facts["participations"], facts["groups"]) == (3, 45, 6)
    assert facts["covered"] == ["молодые педагоги", "руководители"]
    assert facts["missing"][:2] == ["заместители руководителей", "учителя-предметники"]
    assert status == "частично"


def test_evaluate_uses_data_or_falls_back_to_statement():
    t = tidy(
        row(2023, "informal_coverage", "city", "city", 60, 100, 60.0),
        row(2023, "deficit_diagnosed", "city", "city", 30, 200, 15.0),
        row(2023, "burnout_high", "city", "city", 10, 120, 8.3),
    )
    assoc = pd.DataFrame({"assoc_id": ["a1", "a2"], "assoc_type": ["ГПО", "РЦ"]})
    products = pd.DataFrame({"author": ["Центр", "a1", "17"]})
    ev = mt.evaluate(CRITERIA, {"events": None, "associations": assoc, "products": products}, t)
    ev = ev.set_index("id")
    # no events form → the statement and status of params
    assert ev.loc["target_groups", "basis"] == mt.BY_STATEMENT
    assert ev.loc["target_groups", "status"] == "в наличии"
    assert ev.loc["target_groups", "facts"] is None
    # 60 % ≥ 50 % → в наличии
    assert ev.loc["communities", "facts"] == {
        "associations": 2,
        "by_type": [("ГПО", 1), ("РЦ", 1)],
        "coverage": 60.0,
    }
    assert ev.loc["communities", "status"] == "в наличии"
    # deficits 15 %, burnout 120 of 200 teachers = 60 % ≥ 50 → в наличии
    assert ev.loc["motivation_practices", "facts"] == {"deficits": 15.0, "burnout": 60.0}
    assert ev.loc["motivation_practices", "status"] == "в наличии"
    # «Центр», an association (a1) and an institution (17)
    assert ev.loc["products_bank", "facts"] == {
        "products": 3,
        "centre": 1,
        "associations": 1,
        "institutions": 1,
    }
    assert (ev["basis"] == mt.BY_DATA).sum() == 3


@pytest.mark.parametrize(("coverage", "status"), [(49.9, "частично"), (50.0, "в наличии")])
def test_communities_status_by_the_criterion_share(coverage, status):
    t = tidy(row(2023, "informal_coverage", "city", "city", None, None, coverage))
    assoc = pd.DataFrame({"assoc_id": ["a1"], "assoc_type": ["ГПО"]})
    assert mt.communities(assoc, t, min_share=50).status == status


def test_motivation_without_burnout_and_without_diagnostics():
    # deficits 0 % and no burnout row: diagnostics exist but reach nobody → отсутствует
    t = tidy(row(2023, "deficit_diagnosed", "city", "city", 0, 200, 0.0))
    assert mt.motivation_practices(t, 50) == ("отсутствует", {"deficits": 0.0, "burnout": None})
    assert mt.motivation_practices(tidy(), 50) is None  # no deficits row: the statement stands


def test_bad_status_is_a_russian_error(tmp_path):
    (tmp_path / "methodology.yaml").write_text(
        "criteria:\n  - {id: x, title: T, statement: S, status: отлично}\n", encoding="utf-8"
    )
    with pytest.raises(UserError, match="критерий 1 › status: «отлично»"):
        load_criteria(tmp_path)


def test_a_missing_field_or_file_is_a_russian_error(tmp_path):
    (tmp_path / "methodology.yaml").write_text(
        "criteria:\n  - {id: x, title: T, status: частично}\n", encoding="utf-8"
    )
    with pytest.raises(
        UserError, match="methodology.yaml › критерий 1: нет или неверно поле 'statement'"
    ):
        load_criteria(tmp_path)
    with pytest.raises(
        UserError, match="methodology.yaml: критерии методической работы не прочитаны — файла нет"
    ):
        load_criteria(tmp_path / "nowhere")


def test_a_broken_file_is_a_russian_error(tmp_path):
    (tmp_path / "methodology.yaml").write_text("criteria: [\n", encoding="utf-8")
    with pytest.raises(
        UserError, match="methodology.yaml: критерии методической работы не прочитаны"
    ):
        load_criteria(tmp_path)
    (tmp_path / "methodology.yaml").write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(UserError, match="ожидается раздел «criteria»"):
        load_criteria(tmp_path)
