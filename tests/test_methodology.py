"""The four criteria: from data where it exists, otherwise the statement of params."""

import pandas as pd
import pytest
from monitoring_helpers import row, tidy

from analysis import methodology as mt
from analysis.errors import UserError

N = "\u00a0"
CRITERIA = mt.load_criteria()


def test_params_file_has_the_four_criteria():
    assert [c.id for c in CRITERIA] == ["target_groups", "communities", "motivation_practices",
                                        "products_bank"]


def test_target_groups_counts_covered_groups():
    events = pd.DataFrame({"target_group": ["молодые педагоги", "руководители", "все"],
                           "participants": [10, 5, 30]})
    text, status = mt.target_groups(events)
    # 2 of the 6 specific groups have an event; 10 + 5 + 30 = 45 participations
    assert text.startswith(f"Проведено 3{N}мероприятия (45 участий); охвачены 2 из 6 целевых групп")
    assert "без мероприятий: заместители руководителей, учителя-предметники" in text
    assert status == "частично"


def test_evaluate_uses_data_or_falls_back_to_statement():
    t = tidy(row(2023, "informal_coverage", "city", "city", 60, 100, 60.0),
             row(2023, "deficit_diagnosed", "city", "city", 30, 200, 15.0),
             row(2023, "burnout_high", "city", "city", 10, 120, 8.3))
    assoc = pd.DataFrame({"assoc_id": ["a1", "a2"], "assoc_type": ["ГПО", "РЦ"]})
    products = pd.DataFrame({"author": ["Центр", "a1", "17"]})
    ev = mt.evaluate(CRITERIA, {"events": None, "associations": assoc, "products": products}, t)
    ev = ev.set_index("id")
    # no events form → the statement and status of params
    assert ev.loc["target_groups", "basis"] == mt.BY_STATEMENT
    assert ev.loc["target_groups", "status"] == "в наличии"
    # 60 % ≥ 50 % → в наличии
    assert ev.loc["communities", "finding"] == (
        f"В реестре 2{N}объединения (ГПО — 1, РЦ — 1); в них участвуют 60,0{N}% педагогов города.")
    assert ev.loc["communities", "status"] == "в наличии"
    # deficits 15 %, burnout 120 of 200 teachers = 60 % ≥ 50 → в наличии
    assert ev.loc["motivation_practices", "finding"] == (
        f"Диагностику профессиональных дефицитов прошли 15,0{N}% педагогов, "
        f"диагностику выгорания — 60,0{N}%.")
    assert ev.loc["motivation_practices", "status"] == "в наличии"
    assert ev.loc["products_bank", "finding"] == (
        f"В банке 3{N}методических продукта года: Центра — 1, объединений — 1, учреждений — 1.")
    assert mt.evaluation_summary(ev.reset_index()) == (
        f"По данным года оценено 3 из 4{N}критериев, остальные — по экспертной оценке. "
        "Итог: в наличии — 4, частично — 0, отсутствует — 0.")


def test_bad_status_is_a_russian_error(tmp_path):
    (tmp_path / "methodology.yaml").write_text(
        "criteria:\n  - {id: x, title: T, statement: S, status: отлично}\n", encoding="utf-8")
    with pytest.raises(UserError, match="критерий 1 › status: «отлично»"):
        mt.load_criteria(tmp_path)
