"""The book around the pages: the front page (index.html) and the nav bar on every page.

All links are relative (`../index.html`, `03_monitoring.html`, `../2022/03_monitoring.html`),
so the folder works when copied or opened from disk. Every text that came from a notebook or a
workbook is HTML-escaped here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from analysis.vocabulary import PROFILE_NAMES

NAV_START, NAV_END = "<!--book-nav-->", "<!--/book-nav-->"
NAV_BLOCK = re.compile(re.escape(NAV_START) + ".*?" + re.escape(NAV_END), re.DOTALL)
BODY_OPEN = re.compile(r"<main\b[^>]*>|<body\b[^>]*>")
BOOK_TITLE = "Управление качеством повышения квалификации педагогов"
NAV_CSS = (
    "nav.book-nav{font:14px/1.5 system-ui,sans-serif;background:#eef2f5;border-bottom:1px solid"
    " #cfd8df;padding:8px 16px;margin:0 0 16px}nav.book-nav a{color:#1f4e79;margin-right:12px}"
    "nav.book-nav b{margin-right:12px}nav.book-nav div{margin:2px 0}"
    "nav.book-nav div.book-demo,p.book-demo{background:#fff3cd;border-left:4px solid #d39e00;"
    "padding:4px 8px;font-weight:600}"
)
# analysis.fmt.INCOMPLETE_MARK / INCOMPLETE_NOTE (not imported: fmt pulls in pandas)
INCOMPLETE_MARK = "†"
INCOMPLETE_NOTE = (
    "† — неполное трёхлетнее окно: ранних лет окна нет в загруженных данных, значение занижено; "
    "достижение цели по нему не оценивается."
)
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

    def html(self) -> str:
        link = (f' <a href="{escape(self.link)}">{escape(self.link_text or self.link)}</a>'
                if self.link else "")
        return f'<p class="notice">{escape(self.text)}{link}</p>\n'


@dataclass(frozen=True)
class SitePage:
    year: int
    stem: str
    title: str

    @property
    def href(self) -> str:
        return f"{self.year}/{self.stem}.html"


def nav_html(pages: list[SitePage], year: int, stem: str, profile: str, demo: bool = False
             ) -> str:
    """The nav bar of one page: the index, the stages of its year, the same stage in other years;
    ``demo``: the year is the demo city, said in a marked line."""
    same_year = [p for p in pages if p.year == year]
    same_stage = [p for p in pages if p.stem == stem]
    stages = " ".join(
        f"<b>{escape(p.title)}</b>" if p.stem == stem
        else f'<a href="{escape(p.stem)}.html">{escape(p.title)}</a>'
        for p in same_year
    )
    years = " ".join(
        f"<b>{p.year}</b>" if p.year == year
        else f'<a href="../{p.year}/{escape(p.stem)}.html">{p.year}</a>'
        for p in same_stage
    )
    label = escape(PROFILE_NAMES.get(profile, profile))
    return (
        f'{NAV_START}<style>{NAV_CSS}</style><nav class="book-nav">'
        f'<div><a href="../index.html">Оглавление</a> {year} год · {label}</div>'
        f"<div>Этапы: {stages}</div><div>Годы: {years}</div>"
        + (f'<div class="book-demo">{escape(DEMO_NOTE)}</div>' if demo else "")
        + f"</nav>{NAV_END}"
    )


def with_nav(page: str, nav: str) -> str:
    """The page with its nav bar replaced, or inserted at the top of the body."""
    if NAV_START in page:
        return NAV_BLOCK.sub(lambda _: nav, page, count=1)
    match = BODY_OPEN.search(page)
    if match is None:
        return nav + page
    return page[: match.end()] + nav + page[match.end():]


def index_html(
    pages: list[SitePage],
    figures: dict[int, list[list[str]]],
    profile: str,
    demo_years: frozenset[int] = frozenset(),
    notices: tuple[Notice, ...] = (),
) -> str:
    """The front page: every year, its key figures and the links to its stages; warnings first
    (``notices``), and the demo city said as such at the top and in each of its years."""
    label = escape(PROFILE_NAMES.get(profile, profile))
    parts = [
        ("<!DOCTYPE html>\n<html lang=\"ru\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{escape(BOOK_TITLE)}</title>\n<style>{INDEX_CSS}</style>\n</head>\n<body>\n"),
        f"<h1>{escape(BOOK_TITLE)}</h1>\n<p class=\"profile\">Книга отчётов, {label}</p>\n",
    ]
    parts += [n.html() for n in notices]
    shown_years = sorted({p.year for p in pages}, reverse=True)
    if demo_years & set(shown_years):
        parts.append(f'<p class="book-demo">{escape(DEMO_NOTE)}</p>\n')
    for year in shown_years:
        parts.append(f'<section id="y{year}">\n<h2>{year} год</h2>\n')
        if year in demo_years:
            parts.append('<p class="demo-year">Демонстрационные данные: вымышленный город</p>\n')
        rows = figures.get(year) or []
        if rows:
            parts.append('<table class="figures">\n')
            for name, text in rows:
                parts.append(f"<tr><td>{escape(name)}</td><td class=\"v\">{escape(text)}</td></tr>\n")
            parts.append("</table>\n")
            if any(INCOMPLETE_MARK in text for _, text in rows):
                parts.append(f'<p class="footnote">{escape(INCOMPLETE_NOTE)}</p>\n')
        parts.append("<ol class=\"stages\">\n")
        for p in (p for p in pages if p.year == year):
            parts.append(f'<li><a href="{escape(p.href)}">{escape(p.title)}</a></li>\n')
        parts.append("</ol>\n</section>\n")
    parts.append("</body>\n</html>\n")
    return "".join(parts)


INDEX_CSS = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:960px;margin:24px auto;padding:0 16px;"
    "color:#1b2733}h1{font-size:1.6em}h2{border-bottom:1px solid #cfd8df;padding-bottom:4px}"
    ".profile{color:#5a6b78}table.figures{border-collapse:collapse;margin:8px 0 12px}"
    "table.figures td{padding:3px 12px 3px 0}td.v{text-align:right;white-space:nowrap;"
    "font-weight:600}a{color:#1f4e79}p.notice{background:#f8d7da;border-left:4px solid #b00020;"
    "padding:8px 12px;font-weight:600}p.book-demo{background:#fff3cd;border-left:4px solid "
    "#d39e00;padding:8px 12px;font-weight:600}p.demo-year{color:#8a6d00;font-weight:600}"
    "p.footnote{font-size:.9em;color:#5a6b78}"
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
        text = (f"Новые исходные данные не приняты (проверка {when}): в формах есть ошибки. "
                "Книга построена по последним принятым данным. Список ошибок — в отчёте о "
                f"проверке: {report}")
        # the report lists cell values (person codes): linked from the internal book only
        link = "../validation/validation.html" if profile == "internal" else ""
        out.append(Notice(text, link, "открыть отчёт о проверке" if link else ""))
    real = [y for y in years if y not in demo]
    fake = [y for y in years if y in demo]
    if real and fake:
        out.append(Notice(
            f"В данных смешаны демонстрационные годы ({_years_text(fake)}) и настоящие "
            f"({_years_text(real)}): показатели за несколько лет могут включать вымышленный "
            "город. Уберите папки демонстрационных лет из data/raw и загрузите данные заново."))
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
