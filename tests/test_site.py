"""The book's front page and nav bar (`analysis.book.site`), rendered from templates."""

from __future__ import annotations

from html_helpers import HOSTILE, Page, assert_inert

from analysis.book import site


def _pages(title: str = "Цели") -> list[site.SitePage]:
    return [
        site.SitePage(2022, "01_goals", title),
        site.SitePage(2023, "01_goals", title),
        site.SitePage(2023, "03_monitoring", "Мониторинг"),
    ]


def test_text_from_a_form_is_escaped_and_inert_on_the_front_page():
    # the hostile text in every slot of the front page that text from outside fills: a stage
    # title, a notice (the validation report's path) and its link
    notice = site.Notice(f"Отчёт: {HOSTILE}", f"../{HOSTILE}.html", HOSTILE)
    html = site.index_html(_pages(HOSTILE), {2023: _year(80.0)}, "internal", notices=(notice,))
    page = assert_inert(html)
    # «&» typed stays «&» for the reader, and «&amp;» typed stays «&amp;» (escaped once, not
    # twice, not taken as markup)
    assert page.text.count(HOSTILE) == 4  # 2 titles, notice, link text
    assert f"../{HOSTILE}.html" in page.attrs  # the href is the typed text, quotes kept inside
    assert "&#34;q&#34;" in html and "&amp;amp;" in html


def test_text_from_a_form_is_escaped_and_inert_in_the_nav_bar():
    html = site.nav_html(_pages(HOSTILE), 2023, "03_monitoring", "public", demo=True)
    page = assert_inert(html)
    assert page.text.count(HOSTILE) == 1  # the other stage of 2023, linked
    assert 'href="01_goals.html"' in html


def _year(value, target=75.0, band="meets", suppressed=False, incomplete=False, counts=None):
    """A year's record as the build keeps it: category_high at city level, and counts."""
    row = {
        "indicator_id": "category_high",
        "value": value,
        "target": target,
        "unit": "%",
        "direction": "higher",
        "suppressed": suppressed,
        "incomplete": incomplete,
        "band": band,
    }
    return {"front": [row], "counts": counts or {}}


def test_front_page_lists_years_newest_first_with_figures_and_footnote():
    years = {2023: _year(82.4, incomplete=True, band="none"), 2022: _year(80.0)}
    html = site.index_html(_pages(), years, "public", demo_years=frozenset({2022}))
    page = Page(html)
    assert html.index('id="y2023"') < html.index('id="y2022"')
    assert page.text.count(site.DEMO_NOTE) == 1  # once at the top: a year is the demo city
    assert html.count('class="demo-year"') == 1  # in 2022 only
    assert html.count('class="footnote"') == 1  # † only in 2023's figures
    assert 'href="2023/03_monitoring.html"' in html and "публичная версия" in page.text
    assert html.endswith("</html>\n")


def test_front_page_without_figures_or_demo_has_neither():
    html = site.index_html(_pages(), {}, "internal")
    assert "<table" not in html and site.DEMO_NOTE not in html and 'class="notice"' not in html
    assert "внутренняя версия" in html


def test_nav_marks_the_current_stage_and_year_and_links_the_others():
    nav = site.nav_html(_pages(), 2023, "01_goals", "internal")
    # this page in bold; the other stage of 2023 and the same stage of 2022 linked
    assert "<b>Цели</b>" in nav and "<b>2023</b>" in nav
    assert 'href="03_monitoring.html"' in nav and 'href="../2022/01_goals.html"' in nav
    assert "Этапы: <b>Цели</b> <a" in nav  # one space between items, as before
    assert nav.startswith(site.NAV_START) and nav.endswith(site.NAV_END)
    assert site.DEMO_NOTE not in nav
