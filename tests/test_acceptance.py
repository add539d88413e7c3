"""The path an acceptance check takes: real workbooks → `ingest` CLI → `indicators` CLI → CSV.

The city is the ingest tests' tiny 2023 city (tests/ingest_helpers.py); every expected value is
worked out by hand from its rows:

staff (no ДПО institutions): P1 ОУ-1 педагог, born 1990 (age 33), experience 12,5, первая;
P2 «12» руководитель, born 1970, 30 years, высшая; P3 ОУ-1 педагог, born 2000 (age 23),
experience 1, нет. Teachers: P1, P3. Heads: P2.
"""

from __future__ import annotations

import csv
import subprocess
import sys

import pytest
from ingest_helpers import YEAR, good_city, write_city

COLUMNS = [
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


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def rows(tmp_path_factory):
    root = tmp_path_factory.mktemp("acceptance")
    raw = write_city(root / "raw", good_city())
    ingest = _cli(
        "ingest",
        "--raw-dir",
        str(raw),
        "--processed-dir",
        str(root / "processed"),
        "--report-dir",
        str(root / "report"),
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    out = root / "indicators.csv"
    result = _cli(
        "indicators",
        "--processed-dir",
        str(root / "processed"),
        "--year",
        str(YEAR),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames[: len(COLUMNS)] == COLUMNS
        return {(r["indicator_id"], r["level"], r["unit_id"]): r for r in reader}


# (indicator, level, unit) → (numerator, denominator, value) as the CSV writes them
EXPECTED = {
    # P1 has a modern ПК course in 2023; P9's course does not count (not staff): 1 of 3
    ("pk_modern_3y", "city", "city"): ("1", "3", 100 / 3),
    ("pk_modern_3y", "institution", "ОУ-1"): ("1", "2", 50.0),  # P1 of P1, P3
    ("pk_modern_3y", "institution", "12"): ("0", "1", 0.0),  # P2 had no course
    ("pk_modern_3y", "institution", "Д-5"): ("0", "0", None),  # no staff: no value, not 0
    ("pk_modern_3y", "district", "Ленинский"): ("1", "2", 50.0),  # ОУ-1 + Д-5
    ("pk_modern_3y", "district", "Правобережный"): ("0", "1", 0.0),
    ("pk_modern_3y", "inst_type", "ОО"): ("1", "3", 100 / 3),
    ("pk_modern_3y", "association", "ГПО-1"): ("1", "2", 50.0),  # members P1, P3
    ("pk_pp_3y", "city", "city"): ("1", "3", 100 / 3),
    ("heads_management_3y", "city", "city"): ("0", "1", 0.0),  # P2 had no course
    ("competition_municipal", "city", "city"): ("1", "2", 50.0),  # P1 of teachers P1, P3
    ("competition_any", "city", "city"): ("1", "3", 100 / 3),  # of all staff
    ("competition_prizes", "city", "city"): ("1", "", 1.0),  # P1 призёр; a count
    ("category_high", "city", "city"): ("1", "2", 50.0),  # P1 первая, P3 нет
    ("age_under_30", "city", "city"): ("1", "2", 50.0),  # P3 is 23
    ("age_under_35", "city", "city"): ("2", "2", 100.0),  # P1 is 33, P3 is 23
    ("experience_under_10", "city", "city"): ("1", "2", 50.0),  # P3: 1 year; P1: 12,5
    ("informal_coverage", "city", "city"): ("2", "2", 100.0),  # P1, P3 in ГПО-1
    ("young_mentored", "city", "city"): ("1", "1", 100.0),  # P3 (1 year) is a mentee
    ("deficit_diagnosed", "city", "city"): ("1", "2", 50.0),  # P1 diagnosed
    ("deficit_share", "city", "city"): ("1", "1", 100.0),  # P1: предметная = да
    ("burnout_high", "city", "city"): ("1", "1", 100.0),  # teachers with a row: P1 высокий
    ("events_hosted", "city", "city"): ("0", "", 0.0),  # E1 by Центр, E2 by an association
    ("events_hosted", "institution", "ОУ-1"): ("0", "", 0.0),  # ГПО-1's event is not ОУ-1's
    ("centre_person_hours", "centre", "centre"): ("36", "", 36.0),  # P1: 36 h, ПК by Центр
    ("centre_events", "centre", "centre"): ("1", "", 1.0),  # E1
    ("centre_products", "centre", "centre"): ("0", "", 0.0),  # M1 is by ОУ-1
    ("report_completeness", "city", "city"): ("1", "2", 50.0),  # ГПО-1 reported, ШМП-1 not
}


@pytest.mark.parametrize("key", sorted(EXPECTED), ids="/".join)
def test_value_worked_out_by_hand(rows, key):
    numerator, denominator, value = EXPECTED[key]
    row = rows[key]
    assert (row["year"], row["numerator"], row["denominator"]) == (
        str(YEAR),
        numerator,
        denominator,
    )
    if value is None:
        assert row["value"] == ""
    else:
        assert float(row["value"]) == pytest.approx(value, rel=1e-12)


def test_centre_targets_come_from_the_plan(rows):
    # План: centre_events 20 (1 held → not met), centre_products 5; no plan for hours
    assert (
        rows[("centre_events", "centre", "centre")]["target"],
        rows[("centre_events", "centre", "centre")]["meets_target"],
    ) == ("20", "false")
    assert rows[("centre_products", "centre", "centre")]["target"] == "5"
    assert rows[("centre_person_hours", "centre", "centre")]["target"] == ""


def test_missing_earlier_years_are_flagged_not_hidden(rows):
    # only 2023 exists: the three-year window is incomplete, deficit_addressed needs 2022
    assert "incomplete_window" in rows[("pk_modern_3y", "city", "city")]["flags"]
    assert rows[("deficit_addressed", "city", "city")]["value"] == ""


def test_every_unit_of_the_forms_has_its_row(rows):
    institutions = {u for (i, lvl, u) in rows if i == "pk_modern_3y" and lvl == "institution"}
    assoc = {u for (i, lvl, u) in rows if i == "pk_modern_3y" and lvl == "association"}
    assert institutions == {"ОУ-1", "12", "Д-5"}
    assert assoc == {"ГПО-1", "ШМП-1"}
