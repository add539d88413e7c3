"""The book around the pages: the front page (index.html) and the nav bar on every page.

The front page decides: per year, the key indicators with value, target, status colour (the
scorecard's bands, `analysis.monitoring.judged_band`, in the colours of `analysis.tables`),
change on last year and a trend line (inline SVG, `analysis.sparkline`); the counts of problems,
measures and effective measures; the year's downloadable tables; its stages and unit pages. Its
numbers come from the build's record of each year (`analysis.front_page`), taken from the tables
as the profile shows them: a suppressed value is «*» and a gap in the trend.

All links are relative (`../index.html`, `03_monitoring.html`, `../2022/03_monitoring.html`),
so the folder works when copied or opened from disk. Both are rendered from templates
(`analysis.html_templates`), which escape every text that came from a notebook or a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis import fmt, front_page
from analysis.catalogue import CATALOGUE, PERCENT
from analysis.fmt import INCOMPLETE_MARK, INCOMPLETE_NOTE
from analysis.html_templates import render
from analysis.palette import BAND_LABELS, CELL_COLOURS
from analysis.sparkline import Sparkline, sparkline
from analysis.unit_links import UNITS_INDEX
from analysis.vocabulary import HIGHER, PROFILE_NAMES

UNITS_TITLE = "Учреждения"  # the nav's link to the year's institutions and associations
UNIT_STEM = UNITS_INDEX.removesuffix(".html")  # «units»: the stem of the year's unit index
NAV_START, NAV_END = "<!--book-nav-->", "<!--/book-nav-->"
NAV_BLOCK = re.compile(re.escape(NAV_START) + ".*?" + re.escape(NAV_END), re.DOTALL)
BODY_OPEN = re.compile(r"<main\b[^>]*>|<body\b[^>]*>")
BOOK_TITLE = "Управление качеством повышения квалификации педагогов"
# Said on every page of a demo year and on the front page (SPEC §7: the demo city is synthetic).
DEMO_NOTE = (
    "Демонстрационные данные: вымышленный город. Цифры созданы программой (demo-data) и не "
    "относятся ни к одному реальному муниципалитету."
)


@dataclass(frozen=True)
class Notice:
    """A warning at the top of the front page: plain text and an optional link."""

    text: str
    link: str = ""  # relative href
    link_text: str = ""


@dataclass(frozen=True)
class SitePage:
    year: int
    stem: str
    title: str

    @property
    def href(self) -> str:
        return f"{self.year}/{self.stem}.html"


# The year's files a reader can download, in this order, with what the link says; only those
# that exist for the profile are linked (analysis.book.runner lists them).
DOWNLOADS = {
    "indicators.xlsx": "Все показатели года (Excel)",
    "indicators.csv": "Все показатели года (CSV)",
    "recommendations_summary.xlsx": "Сводка адресных рекомендаций (Excel)",
    "problems.csv": "Проблемы (CSV)",
    "recommendations.csv": "Рекомендации (CSV)",
    "measures.csv": "Меры (CSV)",
    "effectiveness.csv": "Эффективность мер (CSV)",
}
COUNT_LABELS = (  # analysis.front_page.decision_counts → what the front page calls them
    ("problems", "Проблем найдено (этап 04)"),
    ("measures", "Мер принято в году (этап 05)"),
    ("judged", "Мер прошлых лет оценено (этап 06)"),
    ("effective", "из них эффективны"),
)


@dataclass(frozen=True)
class KeyRow:
    """A key indicator of a year as the front page shows it (every text formatted)."""

    name: str  # the catalogue's short label
    full_name: str
    value: str
    target: str
    band: str  # meets / near / below / none
    band_label: str
    colour: str  # the status cell's background ("" for none)
    change: str
    spark: Sparkline | None


@dataclass(frozen=True)
class YearSection:
    """One year on the front page: its key indicators, whether the footnote of the
    incomplete-window mark is needed, its counts, downloads, stages and unit pages."""

    year: int
    demo: bool
    rows: list[KeyRow]
    verdict: str  # the sentence that answers «how are we doing, what changed»
    footnote: str
    counts: list[tuple[str, str]]
    downloads: list[tuple[str, str]]  # (what, href)
    pages: list[SitePage]
    units_href: str  # "" when the year has no unit pages


def nav_html(
    pages: list[SitePage],
    year: int,
    stem: str,
    profile: str,
    demo: bool = False,
    units: bool = False,
    base: str = "",
) -> str:
    """The nav bar of one page: the index, the stages of its year (and its unit pages when
    ``units``), the same stage in other years; ``demo``: the year is the demo city, said in a
    marked line; ``base``: the way up from a page below the year's folder («../» for a unit's
    page). On a unit page (``stem`` «units») the years link to the other years' unit indexes."""
    same = [p for p in pages if p.stem == stem]
    if stem == UNIT_STEM:
        same = [SitePage(y, UNIT_STEM, UNITS_TITLE) for y in sorted({p.year for p in pages})]
    nav = render(
        "nav.html.j2",
        year=year,
        stem=stem,
        profile_name=PROFILE_NAMES.get(profile, profile),
        stages=[p for p in pages if p.year == year],
        years=same,
        demo_note=DEMO_NOTE if demo else "",
        units=units or stem == UNIT_STEM,
        units_stem=UNIT_STEM,
        units_title=UNITS_TITLE,
        base=base,
    )
    return f"{NAV_START}{nav}{NAV_END}"


def with_nav(page: str, nav: str) -> str:
    """The page with its nav bar replaced, or inserted at the top of the body."""
    if NAV_START in page:
        return NAV_BLOCK.sub(lambda _: nav, page, count=1)
    match = BODY_OPEN.search(page)
    if match is None:
        return nav + page
    return page[: match.end()] + nav + page[match.end() :]


def index_html(
    pages: list[SitePage],
    years: dict[int, dict],
    profile: str,
    demo_years: frozenset[int] = frozenset(),
    notices: tuple[Notice, ...] = (),
    downloads: dict[int, list[str]] | None = None,
    unit_years: frozenset[int] = frozenset(),
) -> str:
    """The front page: every year (newest first) with its key indicators against targets, the
    change on last year and the trend, its counts, downloads, stages and unit pages; warnings
    first (``notices``), and the demo city said as such at the top and in each of its years.

    ``years``: the build's record per year — ``front`` (`front_page.key_rows`) and ``counts``
    (`front_page.decision_counts`); ``downloads``: the year's files that exist; ``unit_years``:
    the years with unit pages."""
    shown_years = sorted({p.year for p in pages}, reverse=True)
    rows_by_year = {y: list(e.get("front") or []) for y, e in years.items()}
    return render(
        "index.html.j2",
        title=BOOK_TITLE,
        profile_name=PROFILE_NAMES.get(profile, profile),
        notices=notices,
        demo_note=DEMO_NOTE if demo_years & set(shown_years) else "",
        sections=[
            YearSection(
                year,
                year in demo_years,
                rows := key_rows(rows_by_year, year),
                verdict_sentence(rows_by_year, year),
                INCOMPLETE_NOTE if any(INCOMPLETE_MARK in r.value for r in rows) else "",
                count_texts((years.get(year) or {}).get("counts") or {}),
                [
                    (DOWNLOADS[name], f"{year}/{name}")
                    for name in DOWNLOADS
                    if name in (downloads or {}).get(year, [])
                ],
                [p for p in pages if p.year == year],
                f"{year}/{UNITS_INDEX}" if year in unit_years else "",
            )
            for year in shown_years
        ],
    )


def key_rows(rows_by_year: dict[int, list[dict]], year: int) -> list[KeyRow]:
    """The key indicators of `year` formatted, with the change on `year − 1` and the trend over
    the years recorded up to `year`."""
    previous = {r["indicator_id"]: r for r in rows_by_year.get(year - 1, [])}
    out = []
    for row in rows_by_year.get(year, []):
        ind, unit = row["indicator_id"], row["unit"]
        name = indicator_name(ind)
        known = CATALOGUE.get(ind)
        points = front_page.trend(rows_by_year, ind, year)
        title = f"{name}: " + "; ".join(f"{y} — {_value_text(v, unit, False)}" for y, v in points)
        out.append(
            KeyRow(
                known.label if known is not None else name,
                name,
                _value_text(row["value"], unit, row["suppressed"], row["incomplete"]),
                fmt.value(row["target"], unit),
                row["band"],
                BAND_LABELS.get(row["band"], "") if row["band"] != "none" else "",
                CELL_COLOURS.get(row["band"], ""),
                change_text(row, previous.get(ind)),
                sparkline(points, title, row["target"], row["band"]),
            )
        )
    return out


def verdict_sentence(rows_by_year: dict[int, list[dict]], year: int) -> str:
    """«Цель достигнута по 2 из 5 ключевых показателей с целью, близко — 1, не достигнута — 2.
    За год улучшились 3, ухудшились 1.» — from the values the page shows (a hidden or
    incomplete value is judged by nothing and compared with nothing)."""
    rows = rows_by_year.get(year, [])
    judged = [r for r in rows if r["band"] != "none"]
    if not judged:
        return ""
    bands = {b: sum(r["band"] == b for r in judged) for b in ("meets", "near", "below")}
    text = (
        f"Цель достигнута по {bands['meets']} из "
        f"{fmt.count(len(judged), 'ключевого показателя', 'ключевых показателей', 'ключевых показателей')}"
        f" с оценкой; близко к цели — {bands['near']}, не достигнута — {bands['below']}."
    )
    previous = {r["indicator_id"]: r for r in rows_by_year.get(year - 1, [])}
    deltas = [
        (d, r["direction"])
        for r in rows
        if (d := front_page.change(r, previous.get(r["indicator_id"]))) is not None
    ]
    if deltas:
        better = sum(d > 0 if direction == HIGHER else d < 0 for d, direction in deltas)
        worse = sum(d < 0 if direction == HIGHER else d > 0 for d, direction in deltas)
        text += f" За год улучшились {better}, ухудшились {worse}."
    return text


def indicator_name(indicator_id: str) -> str:
    """The catalogue's Russian name (the id when the catalogue does not know it)."""
    known = CATALOGUE.get(indicator_id)
    return str(known.name) if known is not None else indicator_id


def _value_text(value: float | None, unit: str, hidden: bool, incomplete: bool = False) -> str:
    if hidden:
        return fmt.SUPPRESSED
    return fmt.marked(fmt.value(value, unit), incomplete)


def change_text(row: dict, previous: dict | None) -> str:
    """«+2,3 п. п.» for a share, «+3 ед.» for a count; «*» when either year's value is hidden
    (the change would give it away), «—» when there is nothing to compare."""
    if previous is None:
        return fmt.DASH
    delta = front_page.change(row, previous)
    if delta is None:
        return fmt.SUPPRESSED if row["suppressed"] or previous["suppressed"] else fmt.DASH
    return delta_text(delta, row["unit"])


def delta_text(delta: float, unit: str) -> str:
    """A change in the indicator's unit: «+2,3 п. п.» for a share, «+3 ед.» for a whole count,
    «−0,5 ед.» for a mean."""
    if unit == PERCENT:
        return fmt.pp(delta)
    decimals = 0 if float(delta).is_integer() else 1
    return fmt.signed(delta, decimals) + fmt.NBSP + unit


def count_texts(counts: dict) -> list[tuple[str, str]]:
    """(label, number) of the counts recorded for a year (those not recorded left out)."""
    return [
        (label, fmt.integer(counts[k])) for k, label in COUNT_LABELS if counts.get(k) is not None
    ]


def book_notices(
    years: list[int], demo: frozenset[int], ingest: dict, profile: str
) -> tuple[Notice, ...]:
    """The front page's warnings: the newest raw data was rejected by ingest (``ingest`` is
    `analysis.ingest_status.load`), or demo and real years are mixed in the processed data."""
    out = []
    if ingest.get("accepted") is False:
        when = _ru_time(str(ingest.get("checked_at", "")))
        report = str(ingest.get("report", ""))
        text = (
            f"Новые исходные данные не приняты (проверка {when}): в формах есть ошибки. "
            "Книга построена по последним принятым данным. Список ошибок — в отчёте о "
            f"проверке: {report}"
        )
        # the report lists cell values (person codes): linked from the internal book only
        link = "../validation/validation.html" if profile == "internal" else ""
        out.append(Notice(text, link, "открыть отчёт о проверке" if link else ""))
    real = [y for y in years if y not in demo]
    fake = [y for y in years if y in demo]
    if real and fake:
        out.append(
            Notice(
                f"В данных смешаны демонстрационные годы ({_years_text(fake)}) и настоящие "
                f"({_years_text(real)}): показатели за несколько лет могут включать вымышленный "
                "город. Уберите папки демонстрационных лет из data/raw и загрузите данные заново."
            )
        )
    return tuple(out)


def _years_text(years: list[int]) -> str:
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def _ru_time(iso: str) -> str:
    """«2026-11-30 06:38:12» → «30.11.2026 06:38» (left as it is when it is not that shape)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}:\d{2}).*", iso)
    return f"{match[3]}.{match[2]}.{match[1]} {match[4]}" if match else iso
