"""The front page that decides (`analysis.front_page`, `analysis.book.site.index_html`): a city
of two years worked out by hand, read back from the HTML as a reader sees it."""

from __future__ import annotations

import pandas as pd
from html_helpers import Page

from analysis import front_page
from analysis.book import site
from analysis.catalogue import CATALOGUE
from analysis.sparkline import sparkline

KEYS = ("category_high", "competition_municipal", "young_mentored")
NEAR_PP = 5.0


def city_table(year: int, rows: list[tuple]) -> pd.DataFrame:
    """City rows (indicator, value, target, flags) of a year's table as the profile shows it."""
    return pd.DataFrame(
        [
            {
                "year": year,
                "indicator_id": ind,
                "level": "city",
                "unit_id": "city",
                "value": value,
                "target": target,
                "flags": flags,
            }
            for ind, value, target, flags in rows
        ]
    )


# The city of two years, public profile:
# category_high          2022: 70.0 (target 75) → 5 p.p. short: «близко к цели» (≤ 5 p.p.)
#                        2023: 80.0 (target 75) → «цель достигнута»; change +10,0 п. п.
# competition_municipal  2022: 30.0 (target 25) → meets
#                        2023: 18.0 (target 25) → 7 p.p. short: «цель не достигнута»; −12,0 п. п.
# young_mentored         2022: hidden (suppressed, the true value 64.3 is not in the table)
#                        2023: 62.5 (target 80) → below; change «*» (2022 is hidden)
Y2022 = city_table(
    2022,
    [
        ("category_high", 70.0, 75.0, ""),
        ("competition_municipal", 30.0, 25.0, ""),
        ("young_mentored", None, 80.0, "suppressed"),
    ],
)
Y2023 = city_table(
    2023,
    [
        ("category_high", 80.0, 75.0, ""),
        ("competition_municipal", 18.0, 25.0, ""),
        ("young_mentored", 62.5, 80.0, ""),
    ],
)


def record() -> dict[int, dict]:
    return {
        2022: {"front": front_page.key_rows(Y2022, KEYS, CATALOGUE, NEAR_PP)},
        2023: {
            "front": front_page.key_rows(Y2023, KEYS, CATALOGUE, NEAR_PP),
            "counts": {"problems": 7, "measures": 3, "judged": 2, "effective": 1},
        },
    }


def rows_of(html: str, year: int) -> dict[str, list[str]]:
    """The key-indicator rows of a year's section: name → the cells' text."""
    section = html.split(f'<section id="y{year}">', 1)[1].split("</section>", 1)[0]
    table = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    out = {}
    for tr in table.split("<tr")[1:]:
        cells = [Page(c.split("</td>")[0].split(">", 1)[1]).text for c in tr.split("<td")[1:]]
        out[cells[0]] = cells[1:]
    return out


def pages() -> list[site.SitePage]:
    return [site.SitePage(y, "03_monitoring", "Мониторинг") for y in (2022, 2023)]


def test_key_rows_judge_each_value_against_its_target():
    rows = {r["indicator_id"]: r for r in front_page.key_rows(Y2022, KEYS, CATALOGUE, NEAR_PP)}
    assert rows["category_high"]["band"] == "near"  # 70 vs 75: 5 p.p. short, within 5
    assert rows["competition_municipal"]["band"] == "meets"  # 30 ≥ 25
    hidden = rows["young_mentored"]
    assert hidden["value"] is None and hidden["suppressed"] and hidden["band"] == "none"


def test_front_page_shows_value_target_status_and_change_worked_by_hand():
    html = site.index_html(pages(), record(), "public")
    y2023 = rows_of(html, 2023)
    name = CATALOGUE["category_high"].label
    # value, target, status, change on 2022
    assert y2023[name][:4] == [
        "80,0\u00a0%",
        "75,0\u00a0%",
        "цель достигнута",
        "+10,0\u00a0п.\u00a0п.",
    ]
    contest = y2023[CATALOGUE["competition_municipal"].label]
    # 18 − 30 = −12 p.p. (a real minus sign); 7 p.p. short of 25 is more than 5: below
    assert contest[:4] == [
        "18,0\u00a0%",
        "25,0\u00a0%",
        "цель не достигнута",
        "\u221212,0\u00a0п.\u00a0п.",
    ]
    # 2022 has no year before it: no change
    assert rows_of(html, 2022)[name][:4] == ["70,0\u00a0%", "75,0\u00a0%", "близко к цели", "—"]
    # the newest year first
    assert html.index('id="y2023"') < html.index('id="y2022"')


def test_the_verdict_sentence_says_how_the_year_stands_and_what_changed():
    html = site.index_html(pages(), record(), "public")
    text = Page(html.split('<section id="y2023">', 1)[1].split("</section>", 1)[0]).text
    # 2023: meets 1 (category_high), below 2 (competition_municipal, young_mentored), near 0;
    # changes known for two (young_mentored's 2022 is hidden): +10 p.p. better, −12 p.p. worse
    assert (
        "Цель достигнута по 1 из 3\u00a0ключевых показателей с оценкой; близко к цели — 0, "
        "не достигнута — 2. За год улучшились 1, ухудшились 1."
    ) in text


def test_counts_are_shown_for_the_year_that_has_them():
    html = site.index_html(pages(), record(), "public")
    section = html.split('<section id="y2023">', 1)[1].split("</section>", 1)[0]
    text = Page(section).text
    assert "Проблем найдено (этап 04)7" in text.replace("\n", "")
    assert "из них эффективны1" in text.replace("\n", "")
    assert "Проблем найдено" not in Page(html.split('<section id="y2022">', 1)[1]).text


def test_a_suppressed_value_never_appears_and_is_a_gap_in_the_trend():
    html = site.index_html(pages(), record(), "public")
    name = CATALOGUE["young_mentored"].label
    # 2022: «*», no status; 2023: its change on the hidden year is «*» too (it would give the
    # hidden value away: 62,5 − change)
    assert rows_of(html, 2022)[name][:4] == ["*", "80,0\u00a0%", "—", "—"]
    assert rows_of(html, 2023)[name][3] == "*"
    assert "64,3" not in html and "64.3" not in html
    # the trend of 2023 has one known point (2023) of two years: nothing to draw
    row = html.split('<section id="y2023">', 1)[1].split(name, 1)[1].split("</tr>", 1)[0]
    assert "<svg" not in row and "<path" not in row


def test_trend_breaks_at_a_hidden_year():
    # 2021 60, 2022 hidden, 2023 70: two lone points, no line across the hidden year
    rows = {
        2021: [{"indicator_id": "x", "value": 60.0}],
        2022: [{"indicator_id": "x", "value": None}],
        2023: [{"indicator_id": "x", "value": 70.0}],
    }
    points = front_page.trend(rows, "x", 2023)
    assert points == [(2021, 60.0), (2022, None), (2023, 70.0)]
    line = sparkline(points, "x")
    assert line is not None and line.paths == () and len(line.dots) == 2
    # the same values give the same bytes (coordinates written with one decimal)
    assert sparkline(points, "x") == line


def test_decision_counts_worked_by_hand():
    problems = pd.DataFrame({"unit": ["a", "b", "c"]})  # 3 problems
    measures = pd.DataFrame({"measure_id": ["M4", "M5"]})  # 2 measures of the year
    effectiveness = pd.DataFrame(
        {
            # M1 (2022): one of its two indicators effective → an effective measure;
            # M2 (2021): no effect; M4 (2023, the report year): judged next year, not counted
            "measure_id": ["M1", "M1", "M2", "M4"],
            "measure_year": [2022, 2022, 2021, 2023],
            "verdict": ["эффект не выявлен", "эффективна", "эффект не выявлен", "эффективна"],
        }
    )
    counts = front_page.decision_counts(problems, measures, effectiveness, 2023)
    assert counts == {"problems": 3, "measures": 2, "judged": 2, "effective": 1}
    assert front_page.decision_counts(None, None, None, 2023) == {
        "problems": None,
        "measures": None,
        "judged": None,
        "effective": None,
    }


def test_downloads_link_only_the_files_that_exist():
    html = site.index_html(
        pages(),
        record(),
        "public",
        downloads={2023: ["indicators.xlsx", "problems.csv"]},
        unit_years=frozenset({2023}),
    )
    section = html.split('<section id="y2023">', 1)[1].split("</section>", 1)[0]
    assert 'href="2023/indicators.xlsx"' in section and 'href="2023/problems.csv"' in section
    assert "recommendations_summary.xlsx" not in section
    assert 'href="2023/units.html"' in section
    assert "units.html" not in html.split('<section id="y2022">', 1)[1]
