"""The demo city generator (SPEC §7 `demo-data`): contract shape, determinism, refusal of a
non-empty folder, Parquet output, structure to find, and that ingest accepts what it writes."""

import re

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from analysis import contract, processed
from analysis.demo import generate, measures, tables
from analysis.demo.city import CENTRE_ID, CENTRE_NAME
from analysis.errors import UserError

SCALE = 0.05  # ≈ 9 institutions, ≈ 300 staff: every form, fast
YEARS = [2019, 2020, 2021]  # 2019 has no diagnostics form (diagnostics start in 2020)


def _cells(raw) -> dict:
    """Every cell of every sheet of every workbook under ``raw``: {(year/file, sheet): rows}."""
    out = {}
    for path in sorted(raw.rglob("*.xlsx")):
        wb = load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            out[(str(path.relative_to(raw)), ws.title)] = [
                list(r) for r in ws.iter_rows(values_only=True)
            ]
        wb.close()
    return out


def _frame(cells: dict, year: int, form: str, sheet: str) -> pd.DataFrame:
    rows = cells[(f"{year}/{form}.xlsx", sheet)]
    width = len(rows[0])  # a row whose last cells are empty comes back shorter
    return pd.DataFrame([r + [None] * (width - len(r)) for r in rows[1:]], columns=rows[0])


@pytest.fixture(scope="module")
def city_raw(tmp_path_factory):
    raw = tmp_path_factory.mktemp("demo") / "raw"
    generate(raw, YEARS, seed=0, scale=SCALE)
    return raw


@pytest.fixture(scope="module")
def cells(city_raw):
    return _cells(city_raw)


def test_every_form_sheet_and_header_of_the_contract(cells):
    for year in YEARS:
        for form in contract.FORMS:
            missing = form.stem == "diagnostics" and year == 2019
            for sheet in form.sheets:
                key = (f"{year}/{form.stem}.xlsx", sheet.name)
                if missing:
                    assert key not in cells
                    continue
                assert cells[key][0] == [c.header for c in sheet.columns], key
                assert len(cells[key]) > 1, f"{key}: no rows"


def test_same_seed_same_cells_other_seed_other_cells(tmp_path, cells):
    generate(tmp_path / "again", YEARS, seed=0, scale=SCALE)
    assert _cells(tmp_path / "again") == cells
    generate(tmp_path / "other", YEARS, seed=1, scale=SCALE)
    assert _cells(tmp_path / "other") != cells


def test_refuses_a_folder_with_data_and_writes_nothing(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("readme")
    (raw / "2023").mkdir()
    with pytest.raises(UserError, match="не пуста"):
        generate(raw, [2023], scale=SCALE)
    assert sorted(p.name for p in raw.iterdir()) == ["2023", "README.md"]
    assert list((raw / "2023").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]  # no staging left behind


def test_accepts_a_folder_holding_only_the_readme(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "README.md").write_text("readme")
    generate(raw, [2022], scale=SCALE)
    assert sorted(p.name for p in raw.iterdir()) == ["2022", "README.md"]
    assert (raw / "README.md").read_text() == "readme"
    assert (raw / "2022" / "staff.xlsx").is_file()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scale": 0}, "Масштаб"),
        ({"fmt": "csv"}, "формат"),
    ],
)
def test_rejects_bad_options_in_russian(tmp_path, kwargs, message):
    with pytest.raises(UserError, match=message):
        generate(tmp_path / "raw", [2022], **{"scale": SCALE, **kwargs})
    assert not (tmp_path / "raw").exists()


def test_parquet_format_writes_processed_tables_with_the_contract_types(tmp_path):
    out = tmp_path / "big"
    out.mkdir()
    (out / "README.md").write_text("readme")
    generate(out, [2019, 2020], seed=0, scale=SCALE, fmt="parquet")
    assert processed.years(out) == [2019, 2020]
    assert (out / "README.md").read_text() == "readme"  # kept although publish swaps folders
    assert processed.read_table(out, 2019, "deficits") is None  # the missing form
    for table, sheet in contract.SHEETS.items():
        assert pq.read_schema(processed.table_path(out, 2020, table)) == processed.arrow_schema(
            sheet
        ), table
    staff = processed.read_table(out, 2020, "staff")
    assert staff["birth_year"].dtype == "int64"
    assert staff["person_id"].str.fullmatch(r"P\d{6}").all()
    courses = processed.read_table(out, 2020, "courses")
    assert courses["modern"].dtype == bool
    assert courses["end_date"].dt.year.eq(2020).all()


def test_parquet_and_xlsx_hold_the_same_staff(tmp_path, cells):
    generate(tmp_path / "p", YEARS, seed=0, scale=SCALE, fmt="parquet")
    staff = processed.read_table(tmp_path / "p", 2021, "staff")
    sheet = _frame(cells, 2021, "staff", "Кадры")
    assert sheet["Код работника"].tolist() == staff["person_id"].tolist()
    assert sheet["Категория"].tolist() == staff["category"].tolist()


def test_tiny_city_is_not_degenerate(cells):
    insts = _frame(cells, 2020, "institutions", "Учреждения")
    types = insts["Тип"].value_counts()
    assert types["ОО"] >= 1 and types["ДОО"] >= 1 and types["УДО"] >= 1 and types["ДПО"] == 1
    assert insts.loc[insts["Тип"] == "ДПО", ["Код ОУ", "Наименование"]].values.tolist() == [
        [CENTRE_ID, CENTRE_NAME]
    ]
    assert insts["Район"].nunique() >= 2
    assert set(insts["ШНОР"]) <= {"да", "нет"}
    reg = _frame(cells, 2020, "associations", "Реестр")
    assert len(reg) >= 4
    for year in YEARS:
        n = len(_frame(cells, year, "measures", "Меры"))
        assert 8 <= n <= 15, (year, n)


def test_ids_are_codes_and_never_collide(cells):
    insts = _frame(cells, 2020, "institutions", "Учреждения")["Код ОУ"]
    assocs = _frame(cells, 2020, "associations", "Реестр")["Код объединения"]
    staff = _frame(cells, 2020, "staff", "Кадры")["Код работника"]
    for ids in (insts, assocs, staff):
        assert all(isinstance(v, str) and not v.isdigit() for v in ids)
    assert staff.str.fullmatch(r"P\d{6}").all()
    assert insts.str.fullmatch(r"(ОО|ДОО)-\d{3}|УДО-\d{2}|ЦПКИМР").all()
    assert assocs.str.fullmatch(r"(ГПО|ШМП|ПТГ|РЦ|ОП)-\d{2}").all()
    assert not set(insts) & set(assocs)


def test_references_and_bounds_hold(cells):
    for year in YEARS:
        insts = set(_frame(cells, year, "institutions", "Учреждения")["Код ОУ"])
        staff = _frame(cells, year, "staff", "Кадры")
        assert set(staff["Код ОУ"]) <= insts
        assert staff["Код работника"].is_unique
        reports = _frame(cells, year, "associations", "Планы-отчёты")
        assert (reports["из них до 35 лет"] <= reports["Постоянных участников"]).all()
        mentoring = _frame(cells, year, "mentoring", "Наставничество")
        assert all(d.year <= year for d in mentoring["Дата начала"])
        courses = _frame(cells, year, "courses", "ДПО")
        assert all(d.year == year for d in courses["Дата окончания"])  # real Excel dates
        assert set(courses["Современные требования"]) == {"да", "нет"}
        counts = staff.groupby("Код ОУ")["Должность"].value_counts().unstack(fill_value=0)
        assert (counts["руководитель"] == 1).all()
        assert counts["заместитель руководителя"].between(1, 4).all()


def test_a_person_moves_between_institutions(cells):
    before = _frame(cells, 2019, "staff", "Кадры").set_index("Код работника")["Код ОУ"]
    after = _frame(cells, 2020, "staff", "Кадры").set_index("Код работника")["Код ОУ"]
    both = before.index.intersection(after.index)
    assert (before[both] != after[both]).sum() >= 1
    assert len(both) < len(before)  # some left, replaced by newcomers


def test_members_hold_a_repeated_pair_for_ingest_to_warn_about(cells):
    members = _frame(cells, 2020, "associations", "Участники")
    assert members.duplicated().sum() == 2


def test_ground_truth_has_effective_and_inert_measures():
    truth = measures.ground_truth(seed=0, years=YEARS, scale=SCALE)
    table = measures.truth_table(seed=0, years=YEARS, scale=SCALE)
    judged = table[table["judgeable"]]
    assert judged["effective"].any() and not judged["effective"].all()
    assert set(truth) == set(table["measure_id"])
    # measures addressed to everybody are never effective: no untargeted units to compare with
    assert not table.loc[table["targets"] == "все", "effective"].any()


def test_ground_truth_matches_the_written_register(cells):
    truth = measures.ground_truth(seed=0, years=YEARS, scale=SCALE)
    written = [m for y in YEARS for m in _frame(cells, y, "measures", "Меры")["Код меры"]]
    assert sorted(written) == sorted(truth)


def test_resolve_targets_on_a_hand_made_city():
    insts = pd.DataFrame(
        {
            "inst_id": ["ОО-001", "ОО-002", "ДОО-001", "ЦПКИМР"],
            "inst_type": ["ОО", "ОО", "ДОО", "ДПО"],
            "district": ["А", "Б", "Б", "А"],
            "low_results": [False, True, False, False],
            "unfavourable": [False, False, False, False],
        }
    )
    # район:Б → ОО-002, ДОО-001; plus ОО-001 by its id
    assert measures.resolve("район:Б;ОО-001", insts).tolist() == [True, True, True, False]
    assert measures.resolve("ШНОР", insts).tolist() == [False, True, False, False]
    assert measures.resolve("тип:ДОО", insts).tolist() == [False, False, True, False]
    assert not measures.resolve("ГПО-01", insts).any()  # associations carry no effect


def test_fill_lifts_the_lacking_by_lift_of_the_eligible():
    effects = measures.Effects(0, measures.register(0, [2020], *_tiny_world()), _tiny_world()[0])
    eligible = np.ones(10, dtype=bool)
    has = np.array([True] * 9 + [False])
    # 1 of 10 lacks it; LIFT·10 = 2 ≥ 1, so the chance is capped at 1: exactly that one gains it
    assert effects.fill(2021, "pk", eligible, has).tolist() == [False] * 9 + [True]
    # nobody eligible lacks it → nobody is added
    assert not effects.fill(2021, "pk", eligible, np.ones(10, bool)).any()


def _tiny_world():
    insts, reg, _ = measures.build(0, [2020], SCALE)
    return insts, reg


def test_person_codes():
    assert tables.person_codes(np.array([7, 123]), 6).tolist() == ["P000007", "P000123"]
    assert tables.person_codes(np.array([1234567]), 7).tolist() == ["P1234567"]


def test_demo_output_passes_ingest(tmp_path, city_raw):
    ingest = pytest.importorskip("analysis.ingest")
    status = ingest.run_ingest(city_raw, tmp_path / "processed", tmp_path / "report")
    assert status == 0
    assert processed.years(tmp_path / "processed") == YEARS
    assert (
        "diagnostics"
        in processed.load_manifest(tmp_path / "processed")["years"]["2019"]["forms_missing"]
    )


def test_cli_writes_the_city(tmp_path):
    from analysis.cli import main

    assert (
        main(
            [
                "demo-data",
                "--raw-dir",
                str(tmp_path / "raw"),
                "--years",
                "2022",
                "--scale",
                str(SCALE),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in (tmp_path / "raw" / "2022").iterdir()) == sorted(
        [f"{f.stem}.xlsx" for f in contract.FORMS] + [".demo-city"]  # the demo's marker
    )
    assert re.search("не пуста", _cli_error(tmp_path / "raw"))


def _cli_error(raw) -> str:
    import contextlib
    import io

    from analysis.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["demo-data", "--raw-dir", str(raw), "--scale", str(SCALE)]) == 1
    return err.getvalue()


# ---------------------------------------------------------------- informal ПК (issue 14)


@pytest.fixture(scope="module")
def register_scale_1():
    from analysis.demo import city, networks

    insts = city.institutions(0, 1.0)
    return networks.register(0, insts, 1.0)


def test_some_ptg_file_no_card_and_cards_follow_their_topics(register_scale_1):
    from analysis.demo import informal

    reg = register_scale_1
    ptg = reg.loc[reg["assoc_type"] == "ПТГ", "assoc_id"].tolist()
    assert len(ptg) == 12  # COUNTS at scale 1
    by_year = {y: informal.cards(0, y, 2019, reg) for y in range(2019, 2024)}
    for year, cards in by_year.items():
        # every fourth ПТГ (positions 3, 7, 11) never files a card → 9 of 12 every year
        assert sorted(set(ptg) - set(cards["assoc_id"])) == [ptg[3], ptg[7], ptg[11]]
        assert (cards["start_year"] <= year).all() and (cards["end_year"] >= year).all()
        assert set(cards["status"]) <= set(contract.CARD_STATUSES)
    # ПТГ at position 0 works two years per topic from 2019: 2019 в работе, 2020 завершена,
    # 2021 a new topic (2021–2022) в работе
    first = [by_year[y].set_index("assoc_id").loc[ptg[0]] for y in (2019, 2020, 2021)]
    assert [c["status"] for c in first] == ["в работе", "завершена", "в работе"]
    assert [(c["start_year"], c["end_year"]) for c in first] == [
        (2019, 2020),
        (2019, 2020),
        (2021, 2022),
    ]
    # position 2 pauses in 2019 + 2 and presents nothing that year
    paused = by_year[2021].set_index("assoc_id").loc[ptg[2]]
    assert (paused["status"], paused["results_presented"]) == ("приостановлена", 0)


def test_the_first_resource_centre_gains_a_support_site_every_year(register_scale_1):
    from analysis.demo import informal

    reg = register_scale_1
    reports = pd.DataFrame({"assoc_id": reg["assoc_id"]})
    rc = reg.loc[reg["assoc_type"] == "РЦ", "assoc_id"].tolist()
    registered = int((reg["parent_id"] == rc[0]).sum())  # its ОП in the register
    sites = []
    for year in range(2019, 2024):
        filled = informal.with_rc_columns(0, year, 2019, reg, reports).set_index("assoc_id")
        sites.append(int(filled.loc[rc[0], "support_sites"]))
        others = filled.loc[~filled.index.isin(rc)]
        assert others[["support_sites", "city_events", "external_participants"]].isna().all().all()
        assert filled.loc[rc, "city_events"].notna().all()
    assert sites == [registered + k for k in range(5)]  # +1 a year from 2019


def test_measures_name_the_muko_mechanisms_they_serve(cells):
    measures = pd.concat([_frame(cells, y, "measures", "Меры") for y in YEARS])
    named = measures["Механизмы МУКО"].dropna()
    assert len(named) > 0 and len(named) < len(measures)  # some serve none: gaps to show
    values = {v for cell in named for v in cell.split(";")}
    assert values <= set(contract.MUKO_SYSTEMS)
