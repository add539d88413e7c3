"""The built book in a real browser (issue 15, items 3–5): headless Chromium, driven by playwright.

One public book of a tiny demo city (2023, with 2022 as history) is built once, with `--pdf`.
Its pages are opened at 1280 px (screenshots), measured on screen and at print width, printed
to PDF (print media, A4), and checked for accessibility. Chromium is installed where absent
(`browser_helpers.ensure_chromium`); the tests are skipped, saying why, only when it cannot be.
"""

from __future__ import annotations

import io
import os
import re
import struct

import pytest
from book_helpers import notebook
from browser_helpers import (
    A4_LANDSCAPE_WIDTH,
    A4_PORTRAIT_WIDTH,
    ACCESSIBILITY_JS,
    OVERFLOW_JS,
    SCREEN,
    TABLES_JS,
    TEXT_COLOURS_JS,
    contrast,
    ensure_chromium,
    skipped_levels,
)

from analysis import paths
from analysis.book import build, plan

YEAR = 2023
STEMS = sorted(p.stem for p in paths.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
A4 = (595, 842)  # PDF points (1/72 in) of an A4 sheet, rounded
WCAG_AA = 4.5  # normal text; large text (≥ 24 px, or ≥ 18.66 px bold) needs 3
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium() -> str:
    path, why = ensure_chromium()
    if path is None:
        pytest.skip(f"нет браузера для проверки страниц: {why}")
    return path


@pytest.fixture(scope="module")
def book(public_demo_book, chromium):
    """The public book of 2023 of a tiny demo city (tests/conftest.py), and its book.pdf
    (`build --pdf` again: the pages come from the cache, Chromium is on PATH)."""
    code = build(
        years=[YEAR],
        profile="public",
        jobs=2,
        processed_dir=public_demo_book / "processed",
        output_dir=public_demo_book / "out",
        pdf=True,
    )
    assert code == 0
    return public_demo_book


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=chromium, args=args)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser):
    page = browser.new_page(viewport=SCREEN)
    yield page
    page.close()


def public_page(book, stem: str) -> str:
    """A page of the public book: a stage, the front page («index»), the year's index of units
    («units») or the page of its first unit («unit»)."""
    if stem == "index":
        return (book / "out" / "public" / "index.html").as_uri()
    if stem == "unit":
        return min((book / "out" / "public" / str(YEAR) / "units").glob("*.html")).as_uri()
    return (book / "out" / "public" / str(YEAR) / f"{stem}.html").as_uri()


def png_width(data: bytes) -> int:
    """The width of a PNG image, from its header (IHDR)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", data[16:20])[0]


def squeeze(text: str) -> str:
    """Text without white space (a PDF's text breaks lines inside a header)."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("stem", [*STEMS, "index", "units", "unit"])
def test_on_screen_no_table_is_wider_than_its_box_and_nothing_sticks_out(book, tab, stem, tmp_path):
    tab.goto(public_page(book, stem))
    shot = tab.screenshot(path=tmp_path / f"{stem}.png", full_page=True)
    assert png_width(shot) == SCREEN["width"]
    wide = [t for t in tab.evaluate(TABLES_JS) if t["width"] > t["box"] + 1]
    assert wide == [], f"{stem}: tables wider than their box at 1280 px"
    assert tab.evaluate(OVERFLOW_JS) == []


def test_the_verdict_table_of_06_wraps_its_reasons_at_1280_px(book, tab):
    # the 13-column table of verdicts, found wider than 1280 px with «Обоснование» cut (issue 15)
    tab.goto(public_page(book, "06_effectiveness"))
    tables = tab.evaluate(TABLES_JS)
    verdicts = [t for t in tables if t["lastHeader"] == "Обоснование"]
    assert verdicts, [t["lastHeader"] for t in tables]
    for table in verdicts:
        assert table["right"] <= SCREEN["width"]
        assert table["width"] <= table["box"] + 1
        assert not table["boxScrolls"]


@pytest.mark.parametrize("stem", STEMS)
def test_in_print_every_table_fits_its_page(book, tab, stem):
    """Print media at the printable width of A4: portrait for most tables, landscape for those
    the stylesheet puts on its `wide` pages; a table's scroll width never passes its box."""
    tab.goto(public_page(book, stem))
    tab.emulate_media(media="print")
    cut = []
    for width, on_wide_page in ((A4_PORTRAIT_WIDTH, False), (A4_LANDSCAPE_WIDTH, True)):
        tab.set_viewport_size({"width": width, "height": 1000})
        for table in tab.evaluate(TABLES_JS):
            if (table["page"] == "wide") != on_wide_page:
                continue
            if table["scrollWidth"] > table["box"] + 1 or table["right"] > width + 1:
                cut.append((width, table["caption"], table["lastHeader"], table["scrollWidth"]))
    assert cut == []
    assert tab.evaluate("() => getComputedStyle(document.querySelector('nav')).display") == "none"


@pytest.mark.parametrize("stem", ["03_monitoring", "06_effectiveness"])
def test_pdf_of_a_stage_page_has_no_cut_column(book, tab, stem):
    """Chromium leaves out of the PDF the text of a column cut off at the page edge (checked
    below on a page without the book's stylesheet): every table's last header is in the PDF,
    as often as tables end with it, and every text starts inside its sheet."""
    import pypdf

    tab.goto(public_page(book, stem))
    tab.emulate_media(media="print")
    last_headers = [t["lastHeader"] for t in tab.evaluate(TABLES_JS) if t["lastHeader"]]
    reader = pypdf.PdfReader(io.BytesIO(tab.pdf(prefer_css_page_size=True)))
    text = squeeze("".join(page.extract_text() for page in reader.pages))
    for header in set(last_headers):
        assert text.count(squeeze(header)) >= last_headers.count(header), header
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert tuple(size) == A4
        assert max(text_starts(page)) < float(page.mediabox.width)
    assert "file://" not in text and ".html" not in text  # no browser header or footer


def text_starts(page) -> list[float]:
    """The x of every piece of text on a PDF page, in points from the left edge."""
    starts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            starts.append(tm[4] * cm[0] + tm[5] * cm[2] + cm[4])

    page.extract_text(visitor_text=visit)
    return starts or [0.0]


def test_the_pdf_check_sees_a_cut_column(tab, tmp_path):
    # a page without the book's stylesheet: 13 columns of long words overflow A4 and Chromium
    # leaves the last column out of the PDF — what the check above relies on
    import pypdf

    heads = "".join(f"<th>Столбец{i}</th>" for i in range(12)) + "<th>Последний</th>"
    cells = "".join(f"<td>{'широкоеслово' * 3}{i}</td>" for i in range(13))
    page = tmp_path / "wide.html"
    page.write_text(
        f"<html><body><table><thead><tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody>"
        "</table></body></html>",
        encoding="utf-8",
    )
    tab.goto(page.as_uri())
    tab.emulate_media(media="print")
    reader = pypdf.PdfReader(io.BytesIO(tab.pdf(format="A4")))
    assert "Последний" not in reader.pages[0].extract_text()


def test_build_pdf_prints_the_year_on_a4_with_page_numbers(book):
    import pypdf

    pdf = book / "out" / "public" / str(YEAR) / "book.pdf"
    reader = pypdf.PdfReader(pdf)
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > len(STEMS)  # a cover, then every stage from a new page
    sizes = {
        tuple(sorted((round(float(p.mediabox.width)), round(float(p.mediabox.height)))))
        for p in reader.pages
    }
    assert sizes == {A4}
    assert "Управление качеством повышения" in pages[0]
    assert "Демонстрационные данные" in pages[0]
    assert f"1 / {len(pages)}" in pages[0] and f"{len(pages)} / {len(pages)}" in pages[-1]
    text = squeeze("".join(pages))
    for stage in plan.discover_stages(paths.NOTEBOOKS):  # on the cover and atop its pages
        assert text.count(squeeze(stage.title)) >= 2, stage.title
    assert "Оглавление" not in text  # the nav bar is not printed
    assert "Оценка" in text  # the last column of 03's main table (cut before, issue 15)
    assert "file://" not in text  # no browser header or footer


@pytest.mark.parametrize("stem", [*STEMS, "index", "units", "unit"])
def test_accessibility_headings_tables_images_contrast(book, tab, stem):
    tab.goto(public_page(book, stem))
    found = tab.evaluate(ACCESSIBILITY_JS)
    assert found["headings"] and found["headings"][0][0] == 1
    assert skipped_levels(found["headings"]) == []
    assert found["tablesWithoutHeaders"] == []
    assert all(alt.strip() for alt in found["images"])
    # a figure drawn by the library names itself (its titles), not just «Рисунок»; the front
    # and unit pages' trend lines are inline SVG with their own alt text
    if stem in STEMS:
        assert all(alt.startswith("Рисунок: ") for alt in found["images"])
    assert low_contrast(tab) == []


def low_contrast(tab) -> list[tuple]:
    """Text shown on the page below WCAG AA: 4.5:1, or 3:1 for large text."""
    low = []
    for item in tab.evaluate(TEXT_COLOURS_JS):
        large = item["size"] >= 24 or (item["bold"] and item["size"] >= 18.66)
        ratio = contrast(item["color"], item["background"])
        if ratio < (3 if large else WCAG_AA):
            low.append((item["text"], item["color"], item["background"], round(ratio, 2)))
    return low


def page_text_of_pdf(data: bytes) -> str:
    import pypdf

    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_print_hides_the_code_folds_and_the_nav_bar(tab, tmp_path):
    """An internal page folds its code into «Код»: on screen one click away, on paper absent."""
    from analysis.book.render import Renderer
    from analysis.book.site import SitePage, nav_html, with_nav

    nb = notebook([("markdown", "# Этап", []), ("code", "x = 1", [])])
    html = Renderer("internal").render(nb, "Этап")
    html = with_nav(
        html, nav_html([SitePage(YEAR, "01_stage", "Этап")], YEAR, "01_stage", "internal")
    )
    page = tmp_path / "01_stage.html"
    page.write_text(html, encoding="utf-8")
    tab.goto(page.as_uri())
    shown = "(s) => getComputedStyle(document.querySelector(s)).display"
    assert tab.evaluate(shown, "details.book-code") != "none"
    assert tab.evaluate(shown, "nav.book-nav") != "none"
    tab.emulate_media(media="print")
    assert tab.evaluate(shown, "details.book-code") == "none"
    assert tab.evaluate(shown, "nav.book-nav") == "none"
    assert tab.evaluate(shown, "h1") != "none"  # the page's own text stays


def test_status_colours_have_aa_contrast_with_the_page_text():
    """The colours the code declares for a cell's band (analysis.tables.CELL_COLOURS, also the
    legend's) under the pages' text colour, JupyterLab's --jp-content-font-color1."""
    from analysis.tables import CELL_COLOURS

    page_text = "rgba(0, 0, 0, 0.87)"
    for band, colour in CELL_COLOURS.items():
        if colour:
            assert contrast(page_text, colour) >= WCAG_AA, band
    # the formula itself: black on white is 21:1, #777777 on white 4.48:1 (just below AA)
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_front_page_fits_and_its_text_is_readable(book, tab):
    tab.goto(public_page(book, "index"))
    assert tab.evaluate(OVERFLOW_JS) == []
    assert low_contrast(tab) == []


def test_validation_report_fits_on_screen_and_on_paper(tab, tmp_path):
    """A value pasted without spaces, a long message: the report wraps them, on screen and in
    print (A4), and its error and warning colours are readable."""
    from analysis.ingest.problems import ERROR, WARNING, Place, Problem
    from analysis.ingest.report import render_html

    long_value = "P" * 400
    problems = [
        Problem(
            ERROR,
            "недопустимое значение " * 12,
            Place("2023/staff.xlsx", "Кадры", 5, "Тип"),
            long_value,
        ),
        Problem(WARNING, "нет формы", Place("2023/mentoring.xlsx")),
    ]
    page = tmp_path / "validation.html"
    page.write_text(render_html(problems, tmp_path / "raw"), encoding="utf-8")
    tab.goto(page.as_uri())
    assert tab.evaluate(OVERFLOW_JS) == []
    assert low_contrast(tab) == []
    tab.emulate_media(media="print")
    tab.set_viewport_size({"width": A4_PORTRAIT_WIDTH, "height": 1000})
    assert tab.evaluate(OVERFLOW_JS) == []
    text = squeeze(page_text_of_pdf(tab.pdf(prefer_css_page_size=True)))
    assert "проблема" in text  # the last column
    assert long_value in text  # wrapped, not cut
