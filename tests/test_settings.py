"""Book settings (`params/book.yaml`): defaults in one place, every key read, used or refused."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis import book, cli, context, paths, processed
from analysis.errors import UserError
from analysis.params.book import IN_THRESHOLDS, THRESHOLDS, TOP_LEVEL, load_book_settings
from analysis.settings import BookSettings

ROOT = Path(__file__).resolve().parents[1]


def _params(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "params"
    folder.mkdir(exist_ok=True)
    (folder / "book.yaml").write_text(text, encoding="utf-8")
    return folder


def test_no_file_gives_the_defaults_spec_names(tmp_path):
    settings = load_book_settings(tmp_path)  # no book.yaml there
    assert settings == BookSettings()
    # SPEC §2: window 3; §6: suppression threshold 5; years () = every year of the data
    assert (settings.window, settings.suppression_threshold, settings.years) == (3, 5, ())


def test_the_project_file_names_every_setting_and_only_settings():
    raw = yaml.safe_load((ROOT / "params" / "book.yaml").read_text(encoding="utf-8"))
    in_file = set(raw) - {THRESHOLDS} | set(raw[THRESHOLDS])
    assert in_file == {f.name for f in fields(BookSettings)}
    assert set(TOP_LEVEL) | set(IN_THRESHOLDS) == in_file
    load_book_settings(ROOT / "params")  # and it reads without an error


def test_a_partial_file_overrides_only_what_it_gives(tmp_path):
    text = "window: 5\nyears: [2023, 2021]\nthresholds:\n  severity_kind: {outlier: 2}\n"
    settings = load_book_settings(_params(tmp_path, text))
    assert settings.window == 5 and settings.years == (2021, 2023)  # sorted
    # one weight given, the other three kept
    assert settings.severity_kind == {
        "below_target": 1.0,
        "worsening": 1.0,
        "outlier": 2.0,
        "lagging_group": 1.0,
    }
    assert settings.suppression_threshold == 5 and settings.outlier_z == 3.5


@pytest.mark.parametrize(
    "text, message",
    [
        ("window: 0\n", "book.yaml › window: «0» — нужно целое число не меньше 1"),
        (
            "suppression_threshold: yes\n",
            "book.yaml › suppression_threshold: «True» — нужно целое число",
        ),
        ("windw: 3\n", "book.yaml › windw: «3» — неизвестная настройка; допустимы: years, window"),
        (
            "thresholds:\n  outlier_z: много\n",
            "book.yaml › thresholds › outlier_z: «много» — нужно число",
        ),
        ("thresholds:\n  window: 3\n", "book.yaml › thresholds › window: «3» — неизвестная"),
        ("window: .inf\n", "book.yaml › window: «inf» — нужно целое число"),
        ("problem_min_people: 2.5\n", "book.yaml › problem_min_people: «2.5» — неизвестная"),
        (
            "thresholds:\n  problem_min_people: 2.5\n",
            "book.yaml › thresholds › problem_min_people: «2.5» — нужно целое число",
        ),
        (
            "thresholds:\n  lagging_pp: .nan\n",
            "book.yaml › thresholds › lagging_pp: «nan» — нужно число",
        ),
        ("years: 2023\n", "book.yaml › years: «2023» — нужен список"),
        ("years: [двадцать]\n", "book.yaml › years: «двадцать» — нужно целое число"),
        ("key_indicators: [pk_modern_3y, 7]\n", "book.yaml › key_indicators: «7» — нужен код"),
        ("- window\n", "book.yaml: «['window']» — ожидается список настроек"),
        ("window: [3\n", "book.yaml: настройки книги не прочитаны"),
    ],
)
def test_a_bad_setting_is_a_russian_error_naming_the_key(tmp_path, text, message):
    with pytest.raises(UserError, match=re.escape(message)):
        load_book_settings(_params(tmp_path, text))


@pytest.fixture
def two_years(tmp_path, monkeypatch):
    """Processed data of 2021 and 2023, and a params folder the code reads as the project's."""
    inst = pd.DataFrame(
        {
            "inst_id": ["1"],
            "name": ["Школа"],
            "inst_type": ["ОО"],
            "district": ["Север"],
            "low_results": [False],
            "unfavourable": [False],
            "innovation": ["нет"],
            "resource_centre": [False],
            "support_site": [False],
            "network_agreements": [0],
        }
    )
    processed.publish(tmp_path / "p", {2021: {"institutions": inst}, 2023: {"institutions": inst}})
    monkeypatch.setattr(paths, "PARAMS", tmp_path / "params")
    return tmp_path


def test_a_run_without_a_window_takes_the_books(two_years):
    _params(two_years, "window: 1\n")
    ctx = context.resolve(None, two_years / "p")
    assert ctx.window == 1 and ctx.window_years == [2023]  # 1 year: the report year only
    # the notebook's parameter, when given, wins: 3 years = 2021…2023 (2022 has no data)
    assert context.resolve(None, two_years / "p", window=3).window_years == [2021, 2023]


def test_every_notebook_window_literal_is_the_default():
    # SPEC §2 pins `window = 3` in the parameters cell: it must be the dataclass's default
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        cell = next(c for c in cells if "parameters" in c["metadata"].get("tags", []))
        source = "".join(cell["source"])
        assert f"window = {BookSettings().window}" in source.splitlines(), path.name


@pytest.fixture
def built(monkeypatch):
    """The arguments `python -m analysis build` hands to the book runner."""
    calls: list[dict] = []
    monkeypatch.setattr(book, "build", lambda **kwargs: calls.append(kwargs) or 0)
    return calls


def test_build_renders_the_books_years_unless_told_otherwise(two_years, built, capsys):
    _params(two_years, "years: [2023]\n")
    assert cli.main(["build"]) == 0
    assert cli.main(["build", "--all"]) == 0
    assert cli.main(["build", "--years", "2021"]) == 0
    assert [call["years"] for call in built] == [[2023], None, [2021]]
    out = capsys.readouterr().out
    assert out.count("Годы книги из params/book.yaml (years): 2023") == 1  # the first run only


def test_build_without_years_in_the_file_renders_every_year(two_years, built, capsys):
    _params(two_years, "years: []\n")
    assert cli.main(["build"]) == 0
    assert built[0]["years"] is None and "params/book.yaml" not in capsys.readouterr().out
