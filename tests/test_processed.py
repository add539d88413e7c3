"""Processed storage: typed Parquet per year, atomic replacement."""

import os

import pandas as pd
import pytest

from analysis import processed


def _staff(ids):
    return pd.DataFrame(
        {
            "person_id": ids,
            "inst_id": ["ОО-1"] * len(ids),
            "position": ["педагог"] * len(ids),
            "subject": [None] * len(ids),
            "birth_year": [1980] * len(ids),
            "experience_years": [10.5] * len(ids),
            "category": ["первая"] * len(ids),
        }
    )


def test_publish_round_trip_keeps_ids_as_strings_and_lists_missing_forms(tmp_path):
    target = tmp_path / "processed"
    processed.publish(target, {2023: {"staff": _staff(["007", "12"])}})
    staff = processed.read_table(target, 2023, "staff")
    assert staff["person_id"].tolist() == ["007", "12"]
    assert staff["birth_year"].dtype == "int64"
    assert staff["experience_years"].tolist() == [10.5, 10.5]
    assert processed.read_table(target, 2023, "courses") is None  # form did not arrive
    assert processed.years(target) == [2023]
    manifest = processed.load_manifest(target)["years"]["2023"]
    assert manifest["forms_present"] == ["staff"]
    assert "courses" in manifest["forms_missing"]


def test_publish_replaces_the_whole_folder(tmp_path):
    target = tmp_path / "processed"
    processed.publish(target, {2022: {"staff": _staff(["1"])}})
    processed.publish(target, {2023: {"staff": _staff(["2"])}})
    assert processed.years(target) == [2023]
    assert not (target / "2022").exists()
    # nothing is left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["processed"]


def test_failed_publish_leaves_previous_data_byte_identical(tmp_path, monkeypatch):
    target = tmp_path / "processed"
    processed.publish(target, {2023: {"staff": _staff(["1", "2"])}})
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}

    def broken_write(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(processed.pq, "write_table", broken_write)
    with pytest.raises(OSError):
        processed.publish(target, {2023: {"staff": _staff(["9"])}})
    after = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(os.listdir(tmp_path)) == ["processed"]


def test_empty_table_has_contract_types():
    courses = processed.empty_table("courses")
    assert len(courses) == 0
    assert str(courses["end_date"].dtype) == "datetime64[ms]"
    assert courses["modern"].dtype == bool
