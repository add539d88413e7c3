"""Page 07, «Выводы: аудит цикла управления»: the six links of the cycle judged from the year's
data (the seed's «Выводы по совершенствованию механизмов управления качеством образования»).

`load` gathers what the stages already compute — the goal tree and its integrity (01), the
catalogue and the forms received (02), the indicator table (03), the year's problems and
recommendations (04, `analysis.year_results`), the register's correspondence check (05, as
`analysis.pages.measures` computes it) and the evaluation of the measures of y−3 … y−1 (06) —
and hands them to the pure `analysis.cycle_audit`. This module words each link: its status, its
evidence, what to fix next year, and a link to the stage's page of the same year.

Public profile: counts and declared names only (goals, indicators, forms, МУКО mechanisms) —
no code of a measure or an association, no unit, no person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML
from pandas.io.formats.style import Styler

from analysis import context, fmt, passports, tables
from analysis import cycle_audit as ca
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.cycle_audit import LinkAudit
from analysis.goals import load_goals
from analysis.html_templates import render
from analysis.pages import effectiveness as effectiveness_page
from analysis.pages import measures as measures_page
from analysis.params.effectiveness import load_thresholds
from analysis.plots import BAND_COLOURS
from analysis.year_results import year_results

# The seed's closing slide, link by link: (what the link is, what it should be).
LINK_TITLES = {
    ca.GOALS: ("Цели", "конкретизация в соответствии с механизмами управления"),
    ca.INDICATORS: ("Показатели", "соответствие целям и отражение в документах"),
    ca.MONITORING: ("Мониторинг", "осуществление в соответствии с показателями"),
    ca.ANALYSIS: (
        "Анализ",
        "качественная обработка результатов мониторинга и оформление выводов и рекомендаций",
    ),
    ca.MEASURES: ("Меры, управленческие решения", "соответствие анализу и целенаправленность"),
    ca.EFFECTIVENESS: (
        "Анализ эффективности принятых мер",
        "сопоставление результатов мониторинга и управленческих решений за трёхлетний период",
    ),
}
# The stage pages the links point to (their titles, as the book's navigation names them).
STAGE_TITLES = {
    "01_goals": "01. Цели",
    "02_indicators": "02. Показатели и методы сбора информации",
    "03_monitoring": "03. Мониторинг",
    "04_analysis": "04. Анализ, адресные рекомендации",
    "05_measures": "05. Меры, управленческие решения",
    "06_effectiveness": "06. Анализ эффективности принятых мер",
}
assert set(STAGE_TITLES) == set(ca.STAGE_OF_LINK.values())
STATUS_BANDS = {ca.DONE: "meets", ca.PARTIAL: "near", ca.FAILED: "below", ca.UNKNOWN: "none"}
assert set(STATUS_BANDS) == set(ca.STATUSES)
LISTED = 10  # codes of measures or associations named in the internal profile, at most


@dataclass(frozen=True)
class AuditPage:
    """What page 07 shows: the six links of the year."""

    year: int
    public: bool
    links: tuple[LinkAudit, ...]


def load(ctx: Context) -> AuditPage:
    """The six links of the context's year, judged on what the stages compute."""
    goals = load_goals(year=ctx.year)
    tidy = context.indicator_table(ctx)
    entry = ctx.data.manifest_entry()
    forms = passports.forms_status(entry.get("forms_present", []), entry.get("rows", {}), CATALOGUE)
    shared = year_results(ctx, tidy)
    found = measures_page.problems_for(ctx, shared)  # the problems pages 04 and 05 show
    data = measures_page.read(ctx)
    check = measures_page.correspondence(ctx, data, shared, found)  # page 05's, same problems
    # page 06's own evaluation (cached once a year): the same verdicts the reader sees there
    evaluated = effectiveness_page.evaluation(
        ctx, effectiveness_page.indicator_tables(ctx), load_thresholds()
    )
    has_values = bool(pd.to_numeric(tidy["value"], errors="coerce").notna().any())
    links = (
        ca.audit_goals(goals, CATALOGUE, ctx.year),
        ca.audit_indicators(goals, CATALOGUE, ctx.year),
        ca.audit_monitoring(
            forms, tidy, CATALOGUE, data.associations, ctx.data.table("plan_reports")
        ),
        ca.audit_analysis(
            found, shared.recommendations, data.institutions, data.associations, has_values
        ),
        ca.audit_measures(data.measures, found, check),
        ca.audit_effectiveness(evaluated, ctx.data_years, ctx.year),
    )
    return AuditPage(ctx.year, ctx.public, links)


# --- the notebook's sections ------------------------------------------------------------------


def show_sources(page: AuditPage) -> HTML:
    """What the audit rests on: the counts of what stages 01–06 computed."""
    return tables.say(sources_sentence(page.links, page.year))


def show_summary(page: AuditPage) -> Styler:
    """The six statuses at a glance."""
    return summary_table(page.links, page.year)


def show_links(page: AuditPage) -> HTML:
    """Each link: its status, evidence, what to fix next year and its stage's page."""
    return HTML(links_html(page.links, page.year, page.public))


def show_conclusions(page: AuditPage) -> HTML:
    """The count of statuses (a paragraph), then what to fix first (bullets)."""
    return tables.say(*conclusions(page.links, page.year, page.public))


# --- tables, sentences and the blocks of the links --------------------------------------------


def link_name(link: str) -> str:
    """«Цели — конкретизация в соответствии с механизмами управления»."""
    what, should = LINK_TITLES[link]
    return f"{what} — {should}"


def sources_sentence(links: tuple[LinkAudit, ...], year: int) -> str:
    """«Аудит 2023 года опирается на …»: the size of each stage's result it judges."""
    f = {a.link: a.facts for a in links}

    def n(link: str, key: str) -> int:
        return int(f.get(link, {}).get(key, 0))

    return (
        f"Аудит {year} года опирается на результаты этапов 01–06: дерево целей "
        f"({fmt.count(n(ca.GOALS, 'goals'), 'цель или задача', 'цели и задачи', 'целей и задач')}), "
        f"каталог ({fmt.count(n(ca.INDICATORS, 'indicators'), 'показатель', 'показателя', 'показателей')}), "
        f"формы года ({fmt.count(n(ca.MONITORING, 'rows'), 'строка', 'строки', 'строк')}), "
        f"проблемы анализа ({fmt.integer(n(ca.ANALYSIS, 'problems'))}) и адресные рекомендации "
        f"({fmt.integer(n(ca.ANALYSIS, 'recommendations'))}), реестр мер года "
        f"({fmt.count(n(ca.MEASURES, 'measures'), 'мера', 'меры', 'мер')}) и оценки мер прошлых "
        f"лет ({fmt.count(n(ca.EFFECTIVENESS, 'measures'), 'мера', 'меры', 'мер')})."
    )


def summary_table(links: tuple[LinkAudit, ...], year: int) -> Styler:
    show = pd.DataFrame(
        {
            "№": [str(k) for k in range(1, len(links) + 1)],
            "Звено цикла": [LINK_TITLES[a.link][0] for a in links],
            "Статус": [a.status for a in links],
            "Проверено": [fmt.integer(sum(c.total for c in a.checks)) for a in links],
            "Нарушений": [fmt.integer(sum(len(c.failing) for c in a.checks)) for a in links],
            "Страница этапа": [STAGE_TITLES[ca.STAGE_OF_LINK[a.link]] for a in links],
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Статус"] = [STATUS_BANDS[a.status] for a in links]
    return tables.styled(
        show,
        f"Аудит цикла управления за {year} год: шесть звеньев",
        bands=bands,
        right=["№", "Проверено", "Нарушений"],
    )


def links_html(links: tuple[LinkAudit, ...], year: int, public: bool) -> str:
    """The blocks of the six links (`audit.html.j2`): every text escaped, the stage linked."""
    blocks = []
    for number, audit in enumerate(links, start=1):
        stage = ca.STAGE_OF_LINK[audit.link]
        band = STATUS_BANDS[audit.status]
        blocks.append(
            {
                "number": number,
                "title": link_name(audit.link),
                "status": audit.status,
                "cell": tables.CELL_COLOURS[band] or "#eeeeee",
                "line": BAND_COLOURS.get(band, "#999999"),
                "href": f"{stage}.html",
                "stage": STAGE_TITLES[stage],
                "evidence": evidence(audit, year, public),
                "fixes": fixes(audit, year),
            }
        )
    return render("audit.html.j2", links=blocks)


def conclusions(links: tuple[LinkAudit, ...], year: int, public: bool) -> list[str | list[str]]:
    """How many links hold (a sentence), then the first thing to fix in each link that does
    not (bullets; the same in both profiles: fixes name no code)."""
    counts = Counter(a.status for a in links)
    out = [
        f"Из шести звеньев цикла управления в {year} году: "
        + ", ".join(f"{s} — {counts.get(s, 0)}" for s in ca.STATUSES)
        + "."
    ]
    todo = [
        f"{LINK_TITLES[a.link][0]}: {lower_first(fixes(a, year)[0])}"
        for a in links
        if a.status != ca.DONE and fixes(a, year)
    ]
    if todo:
        out += ["В первую очередь в следующем году:", todo]
    else:
        out.append("Все звенья цикла выполнены: исправлять в следующем году нечего.")
    return out


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


# --- evidence ---------------------------------------------------------------------------------


NAMED = 5  # names a fix lists before «и ещё N» (the evidence lists them all)


def _names(items: tuple[str, ...], limit: int | None = None) -> str:
    """Distinct names in their order, «a; b; c» (with ``limit``: «a; b и ещё 3»)."""
    names = list(dict.fromkeys(items))
    if limit is None or len(names) <= limit:
        return "; ".join(names)
    return "; ".join(names[:limit]) + f" и ещё {len(names) - limit}"


def _indicators(ids: tuple[str, ...]) -> str:
    """Indicators of failing problems with how many problems each: «Доля … (3); Число … (1)»."""
    counts = Counter(ids)
    return "; ".join(
        f"{CATALOGUE[i].name if i in CATALOGUE else i} ({n})" for i, n in counts.most_common()
    )


def _indicator_names(ids: tuple[str, ...]) -> tuple[str, ...]:
    """The catalogue's names of indicator ids, the most frequent first (ids not in it as they
    are)."""
    return tuple(CATALOGUE[i].name if i in CATALOGUE else i for i, _ in Counter(ids).most_common())


def _codes(items: tuple[str, ...], public: bool) -> str:
    """« (коды: M1, M2 …)» in the internal profile, nothing in the public one."""
    if public or not items:
        return ""
    shown = ", ".join(items[:LISTED])
    more = f" и ещё {len(items) - LISTED}" if len(items) > LISTED else ""
    return f" (коды: {shown}{more})"


def evidence(audit: LinkAudit, year: int, public: bool) -> list[str]:
    """The link's evidence in sentences: numbers and the named items behind each check."""
    if audit.status == ca.UNKNOWN:
        return [unknown_reason(audit, year)]
    out = [check_sentence(c, audit, public) for c in audit.checks]
    if audit.link == ca.EFFECTIVENESS:
        out.append(verdict_sentence(audit, year))
    return out


def check_sentence(c: ca.Check, audit: LinkAudit, public: bool) -> str:
    """One check in a sentence (what holds, or how many items fail it and which)."""
    n, k, f = c.total, len(c.failing), audit.facts
    words = {
        ca.GOALS_WITH_INDICATORS: (
            (
                f"У всех {fmt.count(n, 'цели и задачи', 'целей и задач', 'целей и задач')} "
                "дерева целей года есть показатели."
            ),
            (
                f"Без показателей {k} из {fmt.count(n, 'цели и задачи', 'целей и задач', 'целей и задач')}: "
                f"{_names(c.failing)}."
            ),
        ),
        ca.MECHANISMS_WITH_GOALS: (
            (
                f"Все {n} механизмов МУКО из таблицы «точек роста» измеряются показателями, "
                "связанными с целями года."
            ),
            (
                f"Механизмы МУКО без показателей, связанных с целями года ({k} из {n}): "
                f"{_names(c.failing)}."
            ),
        ),
        ca.INDICATORS_WITH_GOAL: (
            (
                f"У всех {fmt.count(n, 'показателя', 'показателей', 'показателей')} каталога есть "
                "цель в дереве целей года."
            ),
            (
                f"Без цели в дереве целей года {k} из "
                f"{fmt.count(n, 'показателя', 'показателей', 'показателей')}: {_names(c.failing)}."
            ),
        ),
        ca.INDICATORS_WITH_SOURCES: (
            (
                "У каждого показателя в паспорте указаны форма сбора и документ-основание "
                f"({fmt.count(int(f.get('documents', 0)), 'документ', 'документа', 'документов')})."
            ),
            f"Без формы сбора или документа-основания {k} из {n} показателей: {_names(c.failing)}.",
        ),
        ca.FORMS_RECEIVED: (
            f"Поступили все {fmt.count(n, 'форма', 'формы', 'форм')} сбора информации.",
            (
                f"Поступило {c.passed} из {fmt.count(n, 'формы', 'форм', 'форм')}; не поступили: "
                f"{_names(c.failing)}."
            ),
        ),
        ca.PLAN_REPORTS_RECEIVED: (
            f"Планы-отчёты сдали все {fmt.count(n, 'объединение', 'объединения', 'объединений')}.",
            (
                f"Планы-отчёты не сдали {k} из "
                f"{fmt.count(n, 'объединения', 'объединений', 'объединений')}"
                f"{_codes(c.failing, public)}."
            ),
        ),
        ca.INDICATORS_WITH_VALUES: (
            (
                f"Все {fmt.count(n, 'показатель', 'показателя', 'показателей')} рассчитаны на "
                "уровне города (Центра)."
            ),
            (
                f"Нет значения на уровне города (Центра) у {k} из "
                f"{fmt.count(n, 'показателя', 'показателей', 'показателей')}: {_names(c.failing)}."
            ),
        ),
        ca.PROBLEMS_WITH_RECOMMENDATION: (
            (
                f"На каждую из {fmt.count(n, 'проблемы', 'проблем', 'проблем')} года есть адресная "
                f"рекомендация (всего рекомендаций: {fmt.integer(int(f.get('recommendations', 0)))})."
            ),
            (
                f"Без адресной рекомендации остаются {k} из "
                f"{fmt.count(n, 'проблемы', 'проблем', 'проблем')} (в скобках — число проблем): "
                f"{_indicators(c.failing)}."
            ),
        ),
        ca.PROBLEMS_WITH_MEASURE: (
            f"У каждой из {fmt.count(n, 'проблемы', 'проблем', 'проблем')} года есть мера.",
            (
                f"Без меры остаются {k} из {fmt.count(n, 'проблемы', 'проблем', 'проблем')} "
                f"(в скобках — число проблем): {_indicators(c.failing)}."
            ),
        ),
        ca.MEASURES_WITH_PROBLEM: (
            (
                f"Каждая из {fmt.count(n, 'меры', 'мер', 'мер')} года отвечает на проблему или "
                "рекомендацию анализа."
            ),
            (
                f"Не отвечают ни на одну проблему или рекомендацию года {k} из "
                f"{fmt.count(n, 'меры', 'мер', 'мер')}{_codes(c.failing, public)}."
            ),
        ),
        ca.MEASURES_WITH_INDICATOR: (
            "У каждой меры указаны показатели каталога.",
            (
                f"Без показателя каталога {k} из {fmt.count(n, 'меры', 'мер', 'мер')}"
                f"{_codes(c.failing, public)}."
            ),
        ),
        ca.MEASURES_WITH_ADDRESSEE: (
            "У каждой меры есть адресаты среди учреждений и объединений года.",
            (
                f"Без адресатов среди учреждений и объединений года {k} из "
                f"{fmt.count(n, 'меры', 'мер', 'мер')}{_codes(c.failing, public)}."
            ),
        ),
        ca.MEASURES_JUDGED: (
            (
                f"Вердикт получили все {fmt.count(n, 'мера', 'меры', 'мер')} прошлых лет, которые "
                "можно сравнить с годом до них."
            ),
            (
                f"Не удалось оценить (недостаточно данных) {k} из "
                f"{fmt.count(n, 'меры', 'мер', 'мер')} прошлых лет{_codes(c.failing, public)}."
            ),
        ),
    }
    ok, bad = words[c.key]
    if c.key == ca.PROBLEMS_WITH_RECOMMENDATION and n == 0:
        return "Проблем, требующих рекомендаций, анализ года не нашёл."
    if c.key == ca.PROBLEMS_WITH_MEASURE and n == 0:
        return "Проблем, требующих мер, анализ года не нашёл."
    return ok if k == 0 else bad


def verdict_sentence(audit: LinkAudit, year: int) -> str:
    """The verdicts of the measures of y−3 … y−1 (the counts page 06 gives)."""
    f = audit.facts
    text = (
        f"Меры {_span(f)}: эффективна — {f['effective']}, эффект не выявлен — "
        f"{f['no_effect']}, недостаточно данных — {f['no_data']}"
    )
    if f.get("no_history"):
        text += f"; без года до меры в данных — {f['no_history']}"
    if f.get("pending"):
        text += f". Меры {year} года ({f['pending']}) будут оценены в следующем году"
    return text + "."


def unknown_reason(audit: LinkAudit, year: int) -> str:
    """Why a link has no data this year."""
    f = audit.facts
    if audit.link == ca.ANALYSIS:
        return f"За {year} год нет ни одного значения показателей: анализировать нечего."
    if audit.link == ca.MEASURES:
        return f"Реестр мер (measures.xlsx) за {year} год не поступил."
    if audit.link == ca.EFFECTIVENESS:
        if not f.get("years"):
            return (
                f"Данных за годы до {year} нет (первый год книги): мер прошлых лет для "
                "сравнения нет."
            )
        if not f.get("measures"):
            return f"В реестрах {_span(f)} мер нет: сравнивать нечего."
        return (
            f"Меры {_span(f)} ({f['measures']}) нельзя сравнить: года до меры нет в данных книги."
        )
    return f"За {year} год данных для проверки нет."


def _span(facts: object) -> str:
    """«2019 года», «2019–2021 годов»: the earlier years the link looked at."""
    years = list(facts.get("years", []))  # type: ignore[union-attr]
    if not years:
        return ""
    if years[0] == years[-1]:
        return f"{years[0]} года"
    return f"{fmt.years_range(years[0], years[-1])} годов"


# --- what to fix next year --------------------------------------------------------------------


def fixes(audit: LinkAudit, year: int) -> list[str]:
    """What to fix next year, one sentence per failing check (or per reason of no data)."""
    if audit.status == ca.UNKNOWN:
        return unknown_fix(audit, year)
    out = []
    for c in audit.checks:
        if not c.failing:
            continue
        out.append(
            {
                ca.GOALS_WITH_INDICATORS: "Задать показатели целям и задачам "
                f"(params/goals.yaml): {_names(c.failing, NAMED)}.",
                ca.MECHANISMS_WITH_GOALS: "Ввести показатели механизмов МУКО и связать их с "
                f"целями года: {_names(c.failing, NAMED)}.",
                ca.INDICATORS_WITH_GOAL: "Связать показатели с целями года "
                f"(params/goals.yaml): {_names(c.failing, NAMED)}.",
                ca.INDICATORS_WITH_SOURCES: "Указать форму сбора и документ-основание в "
                f"паспортах показателей: {_names(c.failing, NAMED)}.",
                ca.FORMS_RECEIVED: f"Собрать формы: {_names(c.failing, NAMED)}.",
                ca.PLAN_REPORTS_RECEIVED: f"Получить планы-отчёты от {len(c.failing)} "
                "объединений (список — на странице мониторинга).",
                ca.INDICATORS_WITH_VALUES: "Обеспечить данные для расчёта показателей: "
                f"{_names(c.failing, NAMED)}.",
                ca.PROBLEMS_WITH_RECOMMENDATION: "Дополнить правила адресных рекомендаций "
                "(params/recommendations.yaml) для показателей: "
                f"{_names(_indicator_names(c.failing), NAMED)}.",
                ca.PROBLEMS_WITH_MEASURE: "Принять меры по проблемам показателей: "
                f"{_names(_indicator_names(c.failing), NAMED)}.",
                ca.MEASURES_WITH_PROBLEM: "Связывать каждую меру с проблемой анализа "
                "(показатель и адресаты проблемы) или пересмотреть меры, которые ни на что не "
                "отвечают.",
                ca.MEASURES_WITH_INDICATOR: "Указывать у каждой меры показатели каталога "
                "(столбец «Показатели» реестра).",
                ca.MEASURES_WITH_ADDRESSEE: "Указывать адресатов мер кодами учреждений и "
                "объединений года (столбец «Адресаты» реестра).",
                ca.MEASURES_JUDGED: "Выбирать для мер показатели, по которым есть данные за год "
                "до и год после меры, и адресатов, рядом с которыми есть группа сравнения.",
            }[c.key]
        )
    return out


def unknown_fix(audit: LinkAudit, year: int) -> list[str]:
    if audit.link == ca.ANALYSIS:
        return ["Собрать формы сбора информации, чтобы показатели года можно было рассчитать."]
    if audit.link == ca.MEASURES:
        return ["Вести реестр управленческих решений (measures.xlsx) и сдавать его за каждый год."]
    if audit.link == ca.EFFECTIVENESS:
        return [
            (
                f"Меры {year} года будут оценены в следующем году: сохранить формы {year} года и "
                "вести реестр мер с показателями и адресатами."
            )
        ]
    return []
