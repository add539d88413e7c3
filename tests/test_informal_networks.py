"""ПТГ information cards, the РЦ columns of `Планы-отчёты` and «Механизмы МУКО» of `Меры`
(SPEC §3, issue 14): ingest accepts and checks them, the engine computes their indicators.

Every expected message is the exact line a user reads; every expected value is worked out by
hand in the comment beside it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from indicators_helpers import frame, plan_report, triple
from ingest_helpers import YEAR, good_city, set_cell, write_city

from analysis import contract, processed
from analysis.catalogue import CATALOGUE, MEAN
from analysis.cli import main
from analysis.indicators import compute_year
from analysis.ingest import run_ingest

CARD_HEADER = [
    "Код объединения",
    "Тема",
    "Проблема",
    "Цель",
    "Год начала",
    "Год окончания",
    "Планируемые результаты",
    "Формы представления результатов",
    "Представлено результатов за год",
    "Статус",
]
RC_HEADERS = [
    "Опорных площадок",
    "Мероприятий для педагогов города",
    "Участников из других учреждений",
]
STATUSES = "в работе, завершена, приостановлена"
MUKO = (
    "таланты, профориентация, эффективность руководителей, ШНОР/ШНСУ, качество подготовки "
    "обучающихся"
)


def card(
    assoc_id: str,
    start: object = 2022,
    end: object = 2024,
    presented: object = 2,
    status: object = "в работе",
) -> list:
    return [
        assoc_id,
        "Функциональная грамотность",
        "Низкие результаты",
        "Разработать приёмы",
        start,
        end,
        "Сборник",
        None,
        presented,
        status,
    ]


def new_city() -> dict:
    """The ingest helpers' valid city with a ПТГ (row 4 of Реестр), a РЦ (row 5), one card
    (row 2 of the cards sheet), the РЦ columns and «Механизмы МУКО» filled."""
    city = good_city()
    city["associations"]["Реестр"] += [
        ["ПТГ-1", "ПТГ", "ПТГ «Функциональная грамотность»", "ГПО-1", "ОУ-1", None],
        ["РЦ-1", "РЦ", "Ресурсный центр «Цифра»", None, 12, None],
    ]
    reports = city["associations"]["Планы-отчёты"]
    reports[0] += RC_HEADERS
    reports[1] += [None, None, None]  # ГПО-1 leaves the РЦ columns empty
    reports.append(["РЦ-1", 20, 5, 3, 2, "нет", 1, 0, 6, None, "3", 5, 40])  # row 3
    city["associations"]["Информационные карты"] = [CARD_HEADER, card("ПТГ-1")]
    measures = city["measures"]["Меры"]
    measures[0].append("Механизмы МУКО")
    measures[1].append("Таланты ; ШНОР/ШНСУ")
    measures[2].append(None)
    return city


def run(tmp_path: Path, capsys, city: dict) -> tuple[int, list[str]]:
    raw = write_city(tmp_path / "raw", city)
    status = run_ingest(
        raw, tmp_path / "processed", tmp_path / "report", params_dir=tmp_path / "params"
    )
    return status, capsys.readouterr().out.splitlines()


# ---------------------------------------------------------------- contract


def test_contract_declares_the_new_sheet_and_columns_as_spec_names_them():
    cards = contract.SHEETS["assoc_cards"]
    assert cards.name == "Информационные карты" and cards.required is False
    assert [(c.header, c.name) for c in cards.columns] == list(
        zip(
            CARD_HEADER,
            [
                "assoc_id",
                "topic",
                "problem",
                "goal",
                "start_year",
                "end_year",
                "planned_results",
                "result_forms",
                "results_presented",
                "status",
            ],
        )
    )
    assert cards.column("status").choices == ("в работе", "завершена", "приостановлена")
    assert [c.name for c in cards.columns if not c.required] == ["result_forms"]
    reports = contract.SHEETS["plan_reports"]
    rc = [c for c in reports.columns if c.assoc_types]
    assert [(c.header, c.name, c.required) for c in rc] == [
        ("Опорных площадок", "support_sites", False),
        ("Мероприятий для педагогов города", "city_events", False),
        ("Участников из других учреждений", "external_participants", False),
    ]
    muko = contract.SHEETS["measures"].column("muko_systems")
    assert (muko.header, muko.type, muko.required) == ("Механизмы МУКО", contract.LIST, False)
    assert muko.choices == (
        "таланты",
        "профориентация",
        "эффективность руководителей",
        "ШНОР/ШНСУ",
        "качество подготовки обучающихся",
    )


# ---------------------------------------------------------------- ingest: accepted


def test_old_workbooks_without_the_new_sheet_and_columns_are_accepted(tmp_path, capsys):
    status, out = run(tmp_path, capsys, good_city())
    assert status == 0
    assert out[-2].startswith("Ошибок нет, предупреждений: 0.")
    assert processed.read_table(tmp_path / "processed", YEAR, "assoc_cards") is None  # no data
    reports = processed.read_table(tmp_path / "processed", YEAR, "plan_reports")
    assert reports["support_sites"].isna().all()
    assert (
        processed.read_table(tmp_path / "processed", YEAR, "measures")["muko_systems"].isna().all()
    )


def test_new_sheet_and_columns_are_read_in_canonical_spelling(tmp_path, capsys):
    status, out = run(tmp_path, capsys, new_city())
    assert status == 0, out
    assert out[-2].startswith("Ошибок нет, предупреждений: 0.")
    cards = processed.read_table(tmp_path / "processed", YEAR, "assoc_cards")
    assert cards[
        ["assoc_id", "start_year", "end_year", "results_presented", "status"]
    ].values.tolist() == [["ПТГ-1", 2022, 2024, 2, "в работе"]]
    reports = processed.read_table(tmp_path / "processed", YEAR, "plan_reports")
    rc = reports.set_index("assoc_id").loc["РЦ-1"]
    assert (rc["support_sites"], rc["city_events"], rc["external_participants"]) == (3, 5, 40)
    muko = processed.read_table(tmp_path / "processed", YEAR, "measures")["muko_systems"]
    assert muko.tolist()[0] == "таланты;ШНОР/ШНСУ"  # trimmed, case of the contract


def test_an_empty_cards_sheet_means_zero_cards(tmp_path, capsys):
    city = new_city()
    city["associations"]["Информационные карты"] = [CARD_HEADER]
    assert run(tmp_path, capsys, city)[0] == 0
    assert len(processed.read_table(tmp_path / "processed", YEAR, "assoc_cards")) == 0


# ---------------------------------------------------------------- ingest: mistakes

CARDS = "2023/associations.xlsx › Информационные карты"

# (what to spoil, the expected first line)
CARD_MISTAKES = [
    (
        lambda c: c.append(card("ГПО-1")),  # row 3: a ГПО has no card
        (
            f"{CARDS} › строка 3 › Код объединения: ГПО-1 — лист «Информационные карты» "
            "заполняется только для объединений типа ПТГ, а это объединение в «Реестре» — ГПО"
        ),
    ),
    (
        lambda c: c.append(card("ПТГ-1")),  # row 3 repeats row 2
        (
            f"{CARDS} › строка 3 › Код объединения: ПТГ-1 — значение должно быть уникальным: "
            "уже есть в строке 2"
        ),
    ),
    (
        lambda c: c.append(card("ПТГ-9")),
        (
            f"{CARDS} › строка 3 › Код объединения: ПТГ-9 — нет такого значения в столбце «Код "
            "объединения» листа «Реестр» за 2023 год"
        ),
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", start=2022, end=2021)),
        f"{CARDS} › строка 2 › Год окончания: 2021 — меньше, чем «Год начала» (2022)",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", start=2025, end=2026)),  # at most next year
        f"{CARDS} › строка 2 › Год начала: 2025 — вне допустимого диапазона 1993–2024",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", status="закрыта")),
        f"{CARDS} › строка 2 › Статус: закрыта — недопустимое значение; допустимы: {STATUSES}",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", presented=-1)),
        f"{CARDS} › строка 2 › Представлено результатов за год: -1 — должно быть не меньше 0",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", presented="1,5")),
        f"{CARDS} › строка 2 › Представлено результатов за год: 1,5 — ожидается целое число",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1", start="с 2022")),
        f"{CARDS} › строка 2 › Год начала: с 2022 — ожидается целое число",
    ),
    (
        lambda c: c.__setitem__(1, card("ПТГ-1")[:1] + [None] + card("ПТГ-1")[2:]),
        f"{CARDS} › строка 2 › Тема — не заполнено обязательное поле",
    ),
]


@pytest.mark.parametrize(
    "spoil, expected", CARD_MISTAKES, ids=[f"card-{i}" for i in range(len(CARD_MISTAKES))]
)
def test_a_card_mistake_is_one_exact_error(tmp_path, capsys, spoil, expected):
    city = new_city()
    spoil(city["associations"]["Информационные карты"])
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == expected
    assert out[1].startswith("Ошибок: 1,")
    assert not (tmp_path / "processed").exists()


@pytest.mark.parametrize(
    "end, status, expected",
    [
        # finished in 2023 but the topic runs to 2024
        (2024, "завершена", "Статус: завершена — а «Год окончания» — 2024, позже 2023 года"),
        # still in work though the topic ended in 2022
        (2022, "в работе", "Статус: в работе — а «Год окончания» (2022) уже прошёл"),
    ],
)
def test_status_against_end_year_is_a_warning(tmp_path, capsys, end, status, expected):
    city = new_city()
    city["associations"]["Информационные карты"][1] = card("ПТГ-1", 2021, end, 1, status)
    code, out = run(tmp_path, capsys, city)
    assert code == 0
    assert f"{CARDS} › строка 2 › {expected}: проверьте статус или год окончания" in out
    assert out[-2].startswith("Ошибок нет, предупреждений: 1.")


def test_unknown_muko_system_is_an_error_naming_the_allowed_ones(tmp_path, capsys):
    city = new_city()
    set_cell(city, "measures", "Меры", 3, "Механизмы МУКО", "таланты; спорт")
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/measures.xlsx › Меры › строка 3 › Механизмы МУКО: таланты; спорт — недопустимое "
        f"значение «спорт»; допустимы (через «;»): {MUKO}"
    )


def test_rc_columns_of_another_association_are_a_warning_and_kept(tmp_path, capsys):
    city = new_city()
    set_cell(city, "associations", "Планы-отчёты", 2, "Опорных площадок", 7)  # ГПО-1
    status, out = run(tmp_path, capsys, city)
    assert status == 0
    assert (
        "2023/associations.xlsx › Планы-отчёты › строка 2 › Опорных площадок: 7 — столбец "
        "заполняется только для объединений типа РЦ, а ГПО-1 — ГПО: значение сохранено, но в "
        "показатели не входит"
    ) in out
    assert out[-2].startswith("Ошибок нет, предупреждений: 1.")
    reports = processed.read_table(tmp_path / "processed", YEAR, "plan_reports")
    assert reports.set_index("assoc_id").loc["ГПО-1", "support_sites"] == 7  # never lost


def test_zeros_in_rc_columns_of_another_association_are_not_warned(tmp_path, capsys):
    city = new_city()
    for header in RC_HEADERS:  # ГПО-1 fills the whole row with zeros: it claims nothing
        set_cell(city, "associations", "Планы-отчёты", 2, header, 0)
    status, out = run(tmp_path, capsys, city)
    assert status == 0 and out[-2].startswith("Ошибок нет, предупреждений: 0.")


def test_muko_systems_typed_with_commas_get_a_hint(tmp_path, capsys):
    city = new_city()
    set_cell(city, "measures", "Меры", 3, "Механизмы МУКО", "таланты, профориентация")
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/measures.xlsx › Меры › строка 3 › Механизмы МУКО: таланты, профориентация — "
        "недопустимое значение «таланты, профориентация»; разделяйте значения знаком «;»; "
        f"допустимы (через «;»): {MUKO}"
    )


def test_negative_rc_count_is_an_error(tmp_path, capsys):
    city = new_city()
    set_cell(city, "associations", "Планы-отчёты", 3, "Участников из других учреждений", -4)
    status, out = run(tmp_path, capsys, city)
    assert status == 1
    assert out[0] == (
        "2023/associations.xlsx › Планы-отчёты › строка 3 › Участников из других "
        "учреждений: -4 — должно быть не меньше 0"
    )


# ---------------------------------------------------------------- indicators
#
# Реестр 2023: P1 P2 P3 — ПТГ, R1 R2 — РЦ, G1 — ГПО.
# Cards 2023: P1 в работе, 3 results; P2 завершена, 0 results; P3 has no card.
# Plan-reports 2023: R1 support 3, city events 5, external 40; R2 support blank, events 2,
# external 10; G1 support 7 (misfiled: not a РЦ, never counted).
# 2022: the same register, plan-reports of the old shape (no РЦ columns), no cards sheet.


def register_rows() -> list[dict]:
    def row(assoc_id: str, kind: str) -> dict:
        return {"assoc_id": assoc_id, "assoc_type": kind, "name": assoc_id, "inst_id": "S1"}

    return [
        row("G1", "ГПО"),
        row("P1", "ПТГ"),
        row("P2", "ПТГ"),
        row("P3", "ПТГ"),
        row("R1", "РЦ"),
        row("R2", "РЦ"),
    ]


def card_row(assoc_id: str, status: str, presented: int) -> dict:
    return {
        "assoc_id": assoc_id,
        "topic": "Т",
        "problem": "П",
        "goal": "Ц",
        "start_year": 2022,
        "end_year": 2023,
        "planned_results": "Р",
        "results_presented": presented,
        "status": status,
    }


@pytest.fixture(scope="module")
def processed_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("informal")
    institutions = frame(
        "institutions",
        [
            {
                "inst_id": "S1",
                "name": "Школа",
                "inst_type": "ОО",
                "district": "Л",
                "low_results": False,
                "unfavourable": False,
                "innovation": "нет",
                "resource_centre": True,
                "support_site": False,
                "network_agreements": 0,
            }
        ],
    )
    year_2023 = {
        "institutions": institutions,
        "associations": frame("associations", register_rows()),
        "plan_reports": frame(
            "plan_reports",
            [
                plan_report("R1", 10, 2, support_sites=3, city_events=5, external_participants=40),
                plan_report("R2", 8, 1, city_events=2, external_participants=10),
                plan_report("G1", 12, 4, support_sites=7),
            ],
        ),
        "assoc_cards": frame(
            "assoc_cards",
            [
                card_row("P1", "в работе", 3),
                card_row("P2", "завершена", 0),
            ],
        ),
    }
    year_2022 = {
        "institutions": institutions,
        "associations": frame("associations", register_rows()),
        "plan_reports": frame("plan_reports", [plan_report("R1", 10, 2)]),
    }
    processed.publish(root / "processed", {2022: year_2022, 2023: year_2023})
    (root / "params").mkdir()
    (root / "params" / "targets.yaml").write_text("{}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def tidy(processed_dir):
    return compute_year(processed_dir / "processed", 2023, params_dir=processed_dir / "params")


INDICATOR_CASES = [
    # P1 and P2 of the three ПТГ have a card → 2 of 3
    ("ptg_card_share", "city", "city", (2, 3, 200 / 3)),
    ("ptg_cards_active", "city", "city", (1, None, 1.0)),  # P1
    ("ptg_cards_completed", "city", "city", (1, None, 1.0)),  # P2
    ("ptg_cards_suspended", "city", "city", (0, None, 0.0)),  # none
    # (3 + 0) results over the 2 ПТГ with a card → 1,5 (P3 without a card is not counted)
    ("ptg_results_mean", "city", "city", (3, 2, 1.5)),
    ("ptg_results_mean", "association", "P1", (3, 1, 3.0)),
    ("ptg_results_mean", "association", "P2", (0, 1, 0.0)),
    ("ptg_results_mean", "association", "P3", (None, None, None)),  # no card: unknown
    # R1 3; R2 left it blank; G1's 7 is not a РЦ's → 3
    ("rc_support_sites", "city", "city", (3, None, 3.0)),
    ("rc_support_sites", "association", "R1", (3, None, 3.0)),
    ("rc_support_sites", "association", "R2", (None, None, None)),
    ("rc_support_sites", "association", "G1", (None, None, None)),
    ("rc_city_events", "city", "city", (7, None, 7.0)),  # 5 + 2
    ("rc_external_participants", "city", "city", (50, None, 50.0)),  # 40 + 10
    ("rc_external_participants", "association", "R2", (10, None, 10.0)),
]


@pytest.mark.parametrize(("indicator_id", "level", "unit_id", "expected"), INDICATOR_CASES)
def test_indicator_worked_out_by_hand(tidy, indicator_id, level, unit_id, expected):
    got = triple(tidy, indicator_id, level, unit_id)
    assert got == tuple(None if e is None else pytest.approx(e, rel=1e-12) for e in expected)


def test_every_declared_level_has_a_row_per_unit(tidy):
    # associations G1 P1 P2 P3 R1 R2: one row each at level association, one city row
    for indicator_id in (
        "ptg_results_mean",
        "rc_support_sites",
        "rc_city_events",
        "rc_external_participants",
    ):
        rows = tidy[tidy["indicator_id"] == indicator_id]
        assert rows["level"].tolist() == ["city"] + ["association"] * 6, indicator_id
        assert rows["unit_id"].tolist()[1:] == ["G1", "P1", "P2", "P3", "R1", "R2"]
    for indicator_id in (
        "ptg_card_share",
        "ptg_cards_active",
        "ptg_cards_completed",
        "ptg_cards_suspended",
    ):
        assert tidy.loc[tidy["indicator_id"] == indicator_id, "level"].tolist() == ["city"]


def test_a_year_without_the_new_sheet_and_columns_has_no_values(processed_dir):
    tidy = compute_year(processed_dir / "processed", 2022, params_dir=processed_dir / "params")
    share = tidy[(tidy["indicator_id"] == "ptg_card_share")].iloc[0]
    assert pd.isna(share["value"]) and share["flags"] == "no_data"  # the sheet did not arrive
    sites = tidy[(tidy["indicator_id"] == "rc_support_sites") & (tidy["level"] == "city")]
    assert pd.isna(sites.iloc[0]["value"])  # old-shape plan-reports: empty, never 0


def test_the_mean_is_declared_as_such():
    mean = CATALOGUE["ptg_results_mean"]
    assert (mean.kind, mean.unit) == (MEAN, "ед.")
    assert mean.formula.startswith("(Σ assoc_cards[y].results_presented") and "100" not in (
        mean.formula
    )


def test_indicators_command_writes_them_as_spec_csv(processed_dir, tmp_path):
    out = tmp_path / "ind.csv"
    status = main(
        [
            "indicators",
            "--processed-dir",
            str(processed_dir / "processed"),
            "--year",
            "2023",
            "--out",
            str(out),
        ]
    )
    assert status in (0, None)
    lines = out.read_text(encoding="utf-8").splitlines()
    # year, indicator_id, level, unit_id, numerator, denominator, value, unit, target,
    # meets_target, flags
    assert "2023,ptg_results_mean,city,city,3,2,1.5,ед.,,," in lines
    assert "2023,ptg_card_share,city,city,2,3,66.66666666666667,%,,," in lines
    assert "2023,rc_external_participants,city,city,50,,50,чел.,,," in lines


def test_data_processed_before_the_contract_grew_still_computes(tmp_path):
    # plan_reports.parquet written by an older version: no РЦ columns at all
    import pyarrow as pa
    import pyarrow.parquet as pq

    processed.publish(tmp_path, {2023: {"associations": frame("associations", register_rows())}})
    old = pa.table({"assoc_id": ["R1"], "participants": [10], "participants_under_35": [2]})
    pq.write_table(old, processed.table_path(tmp_path, 2023, "plan_reports"))
    reports = processed.read_table(tmp_path, 2023, "plan_reports")
    assert reports["support_sites"].isna().all() and reports["young_school"].isna().all()
    tidy = compute_year(tmp_path, 2023, params_dir=tmp_path / "no-params")
    assert triple(tidy, "rc_support_sites", "city", "city") == (None, None, None)
    assert triple(tidy, "gpo_participants", "city", "city") == (10, None, 10.0)
