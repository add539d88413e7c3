"""Hostile text from the forms, through ingest and both builds with the real notebooks.

Names typed into the forms as text (cells of type string, as a user's Excel stores them):
a formula (`=HYPERLINK(…)`), a phone number (`+7 …`), `@SUM(…)`, a `-` prefix, markup
(`<script>`) and TeX (`$\\foo$`, `$x^2$`). Every page must build in both profiles, show the
text as typed (escaped in HTML), and every workbook any command wrote must hold no formula.
A name in «Ответственный» reaches the internal pages only.
"""

from __future__ import annotations

import html
import subprocess
import sys
from pathlib import Path

import pytest
from ingest_helpers import YEAR, good_city, set_cell
from openpyxl import Workbook, load_workbook

from analysis.book import build

FORMULA = '=HYPERLINK("http://example.invalid","x")'
PHONE = "+7 999 123-45-67"
AT_SUM = "@SUM(A1:A9)"
MINUS = "-1+2"
SCRIPT = "<script>alert(1)</script>"
TEX = r"Школа $\foo$ и $x^2$"
RESPONSIBLE = "Петрова Анна Ивановна"
pytestmark = pytest.mark.slow


def write_text_city(raw: Path, city: dict) -> None:
    """The city as workbooks whose every string cell is text (never read as a formula)."""
    for stem, sheets in city.items():
        book = Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            sheet = book.create_sheet(name)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    cell = sheet.cell(r, c, value)
                    if isinstance(value, str):
                        cell.data_type = "s"
        path = raw / str(YEAR) / f"{stem}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    city = good_city()
    set_cell(city, "institutions", "Учреждения", 2, "Наименование", FORMULA)
    set_cell(city, "institutions", "Учреждения", 3, "Наименование", TEX)
    set_cell(city, "institutions", "Учреждения", 4, "Наименование", SCRIPT)
    set_cell(city, "associations", "Реестр", 2, "Наименование", AT_SUM)
    set_cell(city, "associations", "Реестр", 3, "Наименование", PHONE)
    set_cell(city, "measures", "Меры", 2, "Содержание", MINUS + " " + SCRIPT)
    set_cell(city, "measures", "Меры", 3, "Документ", FORMULA)
    set_cell(city, "measures", "Меры", 2, "Ответственный", RESPONSIBLE)
    write_text_city(root / "raw", city)
    ingest = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "ingest",
            "--raw-dir",
            str(root / "raw"),
            "--processed-dir",
            str(root / "processed"),
            "--report-dir",
            str(root / "report"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    for profile in ("public", "internal"):
        code = build(
            years=[YEAR],
            profile=profile,
            jobs=2,
            processed_dir=root / "processed",
            output_dir=root / "out",
        )
        assert code == 0, profile
    return root


def pages(world: Path, profile: str) -> dict[str, str]:
    """The year's pages: the stages, the index of units and each unit's page («units/<id>»)."""
    folder = world / "out" / profile / str(YEAR)
    found = [*folder.glob("*.html"), *folder.glob("units/*.html")]
    return {
        p.relative_to(folder).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(found)
    }


def test_every_page_builds_in_both_profiles(world):
    for profile in ("public", "internal"):
        built = pages(world, profile)
        assert "units" in built and any(k.startswith("units/") for k in built), profile
        assert sorted(k for k in built if not k.startswith("units")) == [
            "01_goals",
            "02_indicators",
            "03_monitoring",
            "04_analysis",
            "05_measures",
            "06_effectiveness",
            "07_audit",
            "08_bank",
        ], profile


def test_no_workbook_holds_a_formula(world):
    books = sorted(world.rglob("*.xlsx"))
    written = [b for b in books if "raw" not in b.relative_to(world).parts]
    assert any(b.name == "indicators.xlsx" for b in written)
    assert any(b.parent.name == "report" for b in written)  # ingest's validation report
    for path in written:
        for sheet in load_workbook(path).worksheets:
            formulas = [
                c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"
            ]
            assert formulas == [], f"{path.name} › {sheet.title}: {formulas[:5]}"


def test_hostile_text_is_shown_as_text(world):
    for profile in ("public", "internal"):
        text = "\n".join(pages(world, profile).values())
        assert "<script>alert" not in text  # markup from data is escaped, never live
        assert html.escape(SCRIPT, quote=False) in text
    internal = pages(world, "internal")
    # the formula, the TeX and the association names are printed as typed (HTML-escaped:
    # a quote may be written «"», «&quot;» or «&#34;», the reader sees the same text)
    assert FORMULA in html.unescape(internal["05_measures"])
    assert any(html.escape(TEX, quote=False) in page for page in internal.values())


def test_responsible_person_is_internal_only(world):
    assert RESPONSIBLE in pages(world, "internal")["05_measures"]
    for name, page in pages(world, "public").items():
        assert RESPONSIBLE not in page, name
        assert "Ответственный" not in page, name
