"""Page 07 (`analysis.pages.audit`): the six links in words, linked to their stage pages, on the
tiny city of `test_cycle_audit`; then the page of every year of a small demo city."""

from __future__ import annotations

import re

import pytest
from html_helpers import Page
from test_cycle_audit import PLAN_REPORTS, _evaluated, _forms, _measures, _tidy, whole_city

from analysis import context
from analysis import cycle_audit as ca
from analysis.effectiveness import NO_DATA
from analysis.pages import audit as page

NB = "\u00a0"  # fmt.count puts a no-break space between a number and its noun


def test_a_whole_city_says_every_link_holds_and_nothing_to_fix():
    links = tuple(whole_city())
    assert page.conclusions(links, 2023, False) == [
        (
            "Из шести звеньев цикла управления в 2023 году: выполнено — 6, частично — 0, "
            "не выполнено — 0, нет данных — 0."
        ),
        "Все звенья цикла выполнены: исправлять в следующем году нечего.",
    ]
    assert all(page.fixes(a, 2023) == [] for a in links)
    assert page.evidence(links[5], 2023, False) == [
        f"Вердикт получили все 1{NB}мера прошлых лет, которые можно сравнить с годом до них.",
        # the years of y−3 … y−1 in the data: 2021 and 2022
        (
            "Меры 2021–2022 годов: эффективна — 1, эффект не выявлен — 0, недостаточно данных — 0. "
            "Меры 2023 года (1) будут оценены в следующем году."
        ),
    ]


def test_each_link_links_to_its_stage_page_of_the_same_year():
    html = page.links_html(tuple(whole_city()), 2023, False)
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs == [
        "01_goals.html",
        "02_indicators.html",
        "03_monitoring.html",
        "04_analysis.html",
        "05_measures.html",
        "06_effectiveness.html",
    ]
    text = Page(html).text
    assert "1. Цели — конкретизация в соответствии с механизмами управления" in text
    assert text.count("выполнено") == 6


def test_a_broken_monitoring_link_names_the_form_and_what_to_fix():
    links = whole_city(forms=_forms(missing=("diagnostics",)), tidy=_tidy(("burnout_high",)))
    audit = links[2]
    title = "Диагностика профессиональных дефицитов и выгорания (diagnostics.xlsx)"
    assert page.evidence(audit, 2023, False) == [
        f"Поступило 8 из 9{NB}форм; не поступили: {title}.",
        f"Планы-отчёты сдали все 2{NB}объединения.",
        (
            "Нет значения на уровне города (Центра) у 1 из 6\u00a0показателей: Доля педагогов с "
            "высоким уровнем профессионального выгорания (из прошедших диагностику)."
        ),
    ]
    assert page.fixes(audit, 2023)[0] == f"Собрать формы: {title}."
    said = page.conclusions(tuple(links), 2023, False)
    assert said[1:] == [
        "В первую очередь в следующем году:",
        [f"Мониторинг: собрать формы: {title}."],
    ]


def test_codes_of_measures_and_associations_are_internal_only():
    measures = _measures(
        [
            ("М1", "формальное ПК", "ОО-1", "pk_modern_3y", "выполнено"),
            ("М2", "конкурсы", "ОО-1", "", "выполнено"),
        ]
    )
    links = whole_city(measures=measures, plan_reports=PLAN_REPORTS.iloc[:1])
    internal = " ".join(page.evidence(links[4], 2023, False) + page.evidence(links[2], 2023, False))
    public = " ".join(page.evidence(links[4], 2023, True) + page.evidence(links[2], 2023, True))
    assert f"Без показателя каталога 1 из 2{NB}мер (коды: М2)." in internal
    assert "(коды: ШМП-1)" in internal
    assert f"Без показателя каталога 1 из 2{NB}мер." in public
    assert "М2" not in public and "ШМП-1" not in public


def test_no_data_is_said_not_an_error():
    first = ca.audit_effectiveness(_evaluated().iloc[1:], [2023], 2023)
    assert page.evidence(first, 2023, False) == [
        "Данных за годы до 2023 нет (первый год книги): мер прошлых лет для сравнения нет."
    ]
    assert page.fixes(first, 2023) == [
        (
            "Меры 2023 года будут оценены в следующем году: сохранить формы 2023 года и вести "
            "реестр мер с показателями и адресатами."
        )
    ]
    no_history = whole_city(years=[2022, 2023])[5]
    assert page.evidence(no_history, 2023, False) == [
        "Меры 2022 года (1) нельзя сравнить: года до меры нет в данных книги."
    ]
    failed = whole_city(evaluated=_evaluated(NO_DATA))[5]
    assert page.evidence(failed, 2023, False)[0] == (
        f"Не удалось оценить (недостаточно данных) 1 из 1{NB}меры прошлых лет (коды: М-22)."
    )


def test_the_summary_table_has_six_rows_with_their_statuses():
    links = tuple(whole_city(evaluated=_evaluated(NO_DATA)))
    shown = page.summary_table(links, 2023).data
    assert shown["Статус"].tolist() == [ca.DONE] * 5 + [ca.FAILED]
    assert shown["Нарушений"].tolist() == ["0"] * 5 + ["1"]
    assert shown["Страница этапа"].iloc[0] == "01. Цели"


# --- the page of every year of a small demo city ----------------------------------------------


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    from analysis.demo import generate

    root = tmp_path_factory.mktemp("audit-city")
    generate(root / "processed", [2021, 2022, 2023], 0, 0.05, fmt="parquet")
    return root


def _load(city, year: int, profile: str) -> page.AuditPage:
    ctx = context.resolve(year, city / "processed", city / "output", profile)
    return page.load(ctx)


def test_every_demo_year_has_six_statuses_and_the_first_says_no_history(demo_city):
    for year in (2021, 2022, 2023):
        audit = _load(demo_city, year, "internal")
        assert [a.link for a in audit.links] == list(ca.LINKS)
        assert all(a.status in ca.STATUSES for a in audit.links)
        html = page.links_html(audit.links, year, False)
        assert html.count('href="0') == 6
    first = _load(demo_city, 2021, "internal").links[5]
    assert first.status == ca.UNKNOWN and first.facts["years"] == []
    # 2023: the measures of 2022 have 2021 in the data and are judged
    last = _load(demo_city, 2023, "internal").links[5]
    assert last.status != ca.UNKNOWN and last.check(ca.MEASURES_JUDGED).total > 0


def test_the_public_page_names_no_measure_and_no_person(demo_city):
    import pandas as pd

    audit = _load(demo_city, 2023, "public")
    text = page.links_html(audit.links, 2023, True) + " ".join(
        str(x) for x in page.conclusions(audit.links, 2023, True)
    )
    measures = pd.read_parquet(demo_city / "processed" / "2023" / "measures.parquet")
    staff = pd.read_parquet(demo_city / "processed" / "2023" / "staff.parquet")
    assert not [m for m in measures["measure_id"] if m in text]
    assert not [p for p in staff["person_id"] if re.search(rf"(?<![\w-]){p}(?![\w-])", text)]


def test_the_sources_sentence_counts_what_each_stage_gave():
    # 1 goal, 6 indicators, no rows in the forms' status, 1 problem and 1 recommendation,
    # 1 measure of the year, 1 measure of an earlier year (М-22; М-23 waits)
    assert page.sources_sentence(tuple(whole_city()), 2023) == (
        f"Аудит 2023 года опирается на результаты этапов 01–06: дерево целей (1{NB}цель или "
        f"задача), каталог (6{NB}показателей), формы года (0{NB}строк), проблемы анализа (1) и "
        f"адресные рекомендации (1), реестр мер года (1{NB}мера) и оценки мер прошлых лет "
        f"(1{NB}мера)."
    )


def test_the_conclusions_are_a_paragraph_then_bullets_of_what_to_fix():
    links = tuple(whole_city(forms=_forms(missing=("diagnostics",))))
    html = page.show_conclusions(page.AuditPage(2023, False, links)).data
    shown = Page(html)
    assert shown.tags == ["p", "p", "ul", "li"]  # one link to fix: one bullet
    assert shown.text.startswith("Из шести звеньев цикла управления в 2023 году: выполнено — 5")
    assert "['" not in html
