"""End to end: the real notebooks on a tiny demo city, public profile, one year."""

from __future__ import annotations

from urllib.parse import unquote

import pyarrow.parquet as pq
import pytest
from book_helpers import EXTERNAL, links

from analysis import paths
from analysis.book.render import person_ids_in
from analysis.unit_links import unit_href

YEAR = 2023
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(public_demo_book):
    """The public book of 2023 of a tiny demo city (tests/conftest.py, shared with
    test_browser.py)."""
    return public_demo_book


def test_index_links_every_stage_of_the_year(book):
    public = book / "out" / "public"
    stems = sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert stems[:3] == ["01_goals", "02_indicators", "03_monitoring"]
    index = links(public / "index.html")
    # every stage, then the year's units and its tables: each a file of the year that exists
    assert [u for u in index if u.endswith(tuple(f"{s}.html" for s in stems))] == [
        f"{YEAR}/{s}.html" for s in stems
    ]
    assert f"{YEAR}/units.html" in index and f"{YEAR}/indicators.xlsx" in index
    assert all(u.startswith(f"{YEAR}/") and (public / u).is_file() for u in index)
    for stem in stems:
        page = public / str(YEAR) / f"{stem}.html"
        assert not (public / str(YEAR) / f"{stem}.ipynb").exists()  # SPEC §6: internal only
        hrefs = links(page)
        assert "../index.html" in hrefs
        assert not [u for u in hrefs if EXTERNAL.match(u)]


def test_public_page_has_no_code_and_no_person_id(book):
    public = book / "out" / "public"
    staff = pq.read_table(book / "processed" / str(YEAR) / "staff.parquet", columns=["person_id"])
    ids = set(staff.column("person_id").to_pylist())
    for page in sorted((public / str(YEAR)).glob("*.html")):
        text = page.read_text(encoding="utf-8")
        body = text.split("</head>", 1)[1]
        assert "hl-ipython3" not in body and "jp-InputArea-editor" not in body
        assert person_ids_in(text, ids) == []
    monitoring = (public / str(YEAR) / "03_monitoring.html").read_text(encoding="utf-8")
    assert "Мониторинг" in monitoring


def test_public_csv_has_suppressed_rows(book):
    lines = (
        (book / "out" / "public" / str(YEAR) / "indicators.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    assert lines[0].startswith("year,indicator_id,level,unit_id,numerator,denominator,value")
    hidden = [line for line in lines if line.endswith("suppressed")]
    assert hidden  # a city at scale 0.05 has institutions with fewer than 5 teachers
    # a hidden row has empty numerator, denominator and value
    assert all(line.split(",")[4:7] == ["", "", ""] for line in hidden)


DECISION_TABLES = ("problems.csv", "recommendations.csv", "measures.csv", "effectiveness.csv")


def test_the_tables_command_writes_the_build_s_decision_tables(book, tmp_path):
    """SPEC §5, §7: `tables` writes the four CSVs of stages 04–06 byte for byte as the build
    wrote them beside indicators.csv (here: the public profile)."""
    from analysis import cli

    built = book / "out" / "public" / str(YEAR)
    args = ["tables", "--processed-dir", str(book / "processed"), "--year", str(YEAR)]
    assert cli.main([*args, "--out-dir", str(tmp_path), "--profile", "public"]) == 0
    for name in DECISION_TABLES:
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name
    staff = pq.read_table(book / "processed" / str(YEAR) / "staff.parquet", columns=["person_id"])
    ids = set(staff.column("person_id").to_pylist())
    for name in DECISION_TABLES:
        text = (built / name).read_text(encoding="utf-8")
        assert person_ids_in(text, ids) == [], name
    # SPEC §3, §6: «Ответственный» is never public
    header = (built / "measures.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "responsible" not in header.split(",") and header.startswith("measure_id,date,")


def test_every_institution_has_a_page_and_every_unit_link_resolves(book):
    public = book / "out" / "public" / str(YEAR)
    register = pq.read_table(book / "processed" / str(YEAR) / "institutions.parquet")
    for inst in register.column("inst_id").to_pylist():
        assert (public / unquote(unit_href(inst))).is_file(), inst
    linked = 0
    for page in sorted(public.glob("0*.html")):
        for url in links(page):
            if url.startswith("units/"):
                assert (public / unquote(url)).is_file(), f"{page.name}: {url}"
                linked += 1
    assert linked  # the stage tables name institutions (rankings, problems, outliers)
    staff = pq.read_table(book / "processed" / str(YEAR) / "staff.parquet", columns=["person_id"])
    ids = set(staff.column("person_id").to_pylist())
    for page in [public / "units.html", *sorted((public / "units").glob("*.html"))]:
        text = page.read_text(encoding="utf-8")
        assert person_ids_in(text, ids) == [], page.name
        assert "../../index.html" in text or page.name == "units.html"  # the book's nav bar


def test_front_page_counts_are_the_decision_tables_rows(book):
    public = book / "out" / "public"
    index = (public / "index.html").read_text(encoding="utf-8")
    rows = (public / str(YEAR) / "problems.csv").read_text(encoding="utf-8").splitlines()
    # one problem per row of problems.csv as published (the header is not one)
    assert f"<dt>Проблем найдено (этап 04)</dt><dd>{len(rows) - 1}</dd>" in index
    measures = (public / str(YEAR) / "measures.csv").read_text(encoding="utf-8").splitlines()
    assert f"<dt>Мер принято в году (этап 05)</dt><dd>{len(measures) - 1}</dd>" in index
