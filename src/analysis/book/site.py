"""The book around the pages: the front page (index.html) and the nav bar on every page.

All links are relative (`../index.html`, `03_monitoring.html`, `../2022/03_monitoring.html`),
so the folder works when copied or opened from disk. Both are rendered from templates
(`analysis.html_templates`), which escape every text that came from a notebook or a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.fmt import INCOMPLETE_MARK, INCOMPLETE_NOTE
from analysis.html_templates import render
from analysis.vocabulary import PROFILE_NAMES

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


@dataclass(frozen=True)
class YearSection:
    """One year on the front page: its key figures (name, text), whether the footnote of the
    incomplete-window mark is needed, and its stages."""

    year: int
    demo: bool
    figures: list[list[str]]
    footnote: str
    pages: list[SitePage]


def nav_html(pages: list[SitePage], year: int, stem: str, profile: str, demo: bool = False) -> str:
    """The nav bar of one page: the index, the stages of its year, the same stage in other years;
    ``demo``: the year is the demo city, said in a marked line."""
    nav = render(
        "nav.html.j2",
        year=year,
        stem=stem,
        profile_name=PROFILE_NAMES.get(profile, profile),
        stages=[p for p in pages if p.year == year],
        years=[p for p in pages if p.stem == stem],
        demo_note=DEMO_NOTE if demo else "",
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
    figures: dict[int, list[list[str]]],
    profile: str,
    demo_years: frozenset[int] = frozenset(),
    notices: tuple[Notice, ...] = (),
) -> str:
    """The front page: every year, its key figures and the links to its stages; warnings first
    (``notices``), and the demo city said as such at the top and in each of its years."""
    shown_years = sorted({p.year for p in pages}, reverse=True)
    return render(
        "index.html.j2",
        title=BOOK_TITLE,
        profile_name=PROFILE_NAMES.get(profile, profile),
        notices=notices,
        demo_note=DEMO_NOTE if demo_years & set(shown_years) else "",
        sections=[
            _section(year, pages, figures.get(year) or [], year in demo_years)
            for year in shown_years
        ],
    )


def _section(year: int, pages: list[SitePage], rows: list[list[str]], demo: bool) -> YearSection:
    marked = any(INCOMPLETE_MARK in text for _, text in rows)
    return YearSection(
        year, demo, rows, INCOMPLETE_NOTE if marked else "", [p for p in pages if p.year == year]
    )


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
