"""`build --pdf` without a browser: the year's document, the missing or failing Chromium, the
atomic write and the skip of an unchanged year. A stand-in `chromium` (a shell script) writes
what the real one would; the real one is exercised in test_browser.py."""

from __future__ import annotations

import stat
from pathlib import Path

from analysis.book import pdf
from analysis.book.site import SitePage, nav_html, with_nav

YEAR = 2023
STAGES = [("01_goals", "01. Цели"), ("03_monitoring", "03. Мониторинг")]


def page(title: str, body: str) -> str:
    """A stage page as the build writes it: styles in the head, a nav bar atop the body."""
    html = (
        "<!DOCTYPE html><html><head><title>x</title><style>.a{color:red}</style></head>"
        f'<body class="jp-Notebook"><main><h1>{title}</h1>{body}</main></body></html>'
    )
    pages = [SitePage(YEAR, stem, t) for stem, t in STAGES]
    return with_nav(html, nav_html(pages, YEAR, "01_goals", "public"))


def write_book(root: Path) -> Path:
    folder = root / "public" / str(YEAR)
    folder.mkdir(parents=True)
    (folder / "01_goals.html").write_text(page("01. Цели", "<p>цели</p>"), encoding="utf-8")
    (folder / "03_monitoring.html").write_text(
        page("03. Мониторинг", "<p>мониторинг</p>"), encoding="utf-8"
    )
    return root / "public"


def fake_chromium(folder: Path, script: str) -> str:
    """An executable standing in for Chromium; ``script`` is its shell body."""
    path = folder / "fake-chromium"
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


# writes «%PDF-fake» to the --print-to-pdf=… argument and counts its runs
PRINTS = """for a in "$@"; do case "$a" in --print-to-pdf=*) printf '%%PDF-fake' > "${a#*=}";; esac; done
echo run >> "$(dirname "$0")/runs"
"""


def test_the_year_document_has_a_cover_and_every_page_without_its_nav_bar(tmp_path):
    root = write_book(tmp_path)
    pages = [
        (title, (root / str(YEAR) / f"{stem}.html").read_text(encoding="utf-8"))
        for stem, title in STAGES
    ]
    doc = pdf.year_document(pages, YEAR, "public", demo=True)
    assert "book-nav" not in doc and "Оглавление" not in doc
    assert doc.index("<p>цели</p>") < doc.index("<p>мониторинг</p>")  # book order
    assert doc.count('<section class="book-part">') == 2  # each stage from a new page
    assert ".a{color:red}" in doc  # the pages' styles (print CSS included) come along
    assert '<body class="jp-Notebook">' in doc
    assert "2023 год · публичная версия" in doc
    assert "Демонстрационные данные" in doc


def test_no_chromium_is_one_russian_line_saying_how_to_install_it(tmp_path, monkeypatch):
    root = write_book(tmp_path)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "nowhere" / "chromium"))
    done, problems = pdf.print_years(root, [YEAR], STAGES, "public")
    assert done == []
    expected = (
        "PDF не собран: не найден браузер Chromium — установите Chromium (Debian/Ubuntu: "
        "`sudo apt-get install chromium`) или укажите путь к браузеру Chromium/Chrome в "
        "переменной окружения BOOK_CHROMIUM. HTML-книга собрана."
    )
    assert problems == [expected]
    assert not (root / str(YEAR) / "book.pdf").exists()


def test_pdf_is_written_once_and_again_only_when_the_pages_change(tmp_path, monkeypatch):
    root = write_book(tmp_path)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, fake_chromium(tmp_path, PRINTS))
    target = root / str(YEAR) / "book.pdf"
    assert pdf.print_years(root, [YEAR], STAGES, "public") == ([target], [])
    assert target.read_bytes() == b"%PDF-fake"
    assert pdf.print_years(root, [YEAR], STAGES, "public") == ([target], [])
    assert (tmp_path / "runs").read_text().count("run") == 1  # unchanged: not printed again
    (root / str(YEAR) / "03_monitoring.html").write_text(
        page("03. Мониторинг", "<p>новое</p>"), encoding="utf-8"
    )
    assert pdf.print_years(root, [YEAR], STAGES, "public") == ([target], [])
    assert (tmp_path / "runs").read_text().count("run") == 2
    # nothing left beside the pages but the PDF and its record
    names = sorted(p.name for p in (root / str(YEAR)).iterdir())
    assert names == [".book-pdf.json", "01_goals.html", "03_monitoring.html", "book.pdf"]


def test_a_failing_chromium_keeps_the_previous_pdf_and_says_why(tmp_path, monkeypatch):
    root = write_book(tmp_path)
    target = root / str(YEAR) / "book.pdf"
    target.write_bytes(b"%PDF-previous")
    monkeypatch.setenv(
        pdf.CHROMIUM_ENV, fake_chromium(tmp_path, "echo 'GPU: сломалось' >&2\nexit 3\n")
    )
    done, problems = pdf.print_years(root, [YEAR], STAGES, "public")
    assert done == []
    expected = (
        "PDF за 2023 год не собран: Chromium завершился с кодом 3: GPU: сломалось. "
        "HTML-книга собрана."
    )
    assert problems == [expected]
    assert target.read_bytes() == b"%PDF-previous"
    assert sorted(p.name for p in (root / str(YEAR)).iterdir()) == [
        "01_goals.html",
        "03_monitoring.html",
        "book.pdf",
    ]  # no temporary file left


def test_a_year_without_pages_is_named(tmp_path, monkeypatch):
    root = write_book(tmp_path)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, fake_chromium(tmp_path, PRINTS))
    assert pdf.print_years(root, [2022], STAGES, "public") == (
        [],
        ["PDF за 2022 год не собран: нет ни одной страницы этого года"],
    )


def test_build_pdf_flag_reaches_the_build(monkeypatch):
    from analysis import cli

    seen = {}
    monkeypatch.setattr("analysis.book.build", lambda **kw: seen.update(kw) or 0)
    assert cli.main(["build", "--years", "2023", "--pdf"]) == 0
    assert seen["pdf"] is True and seen["years"] == [2023]
