"""Page 04, «Анализ, адресные рекомендации»: every table, sentence, figure and profile decision.

The notebook resolves its context and calls `load(ctx)` once, then one function per section.
The year's problems, recommendations and person lists come computed once a year
(`analysis.year_results`); this module turns them into Russian text, tables and figures and
decides what the public profile may show:

- public: problems only where no value of the window hidden as «*» can be read from them
  (`problems.for_reader`); no text addressed to a single institution or association; no person
  list; a rule's people count masked by the year's public decision (below the threshold, or
  summing a cell the public table hides);
- internal: everything, person lists included (collapsed blocks: HTML <details>, no script).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Markdown, display
from pandas.io.formats.style import Styler

from analysis import context, disclosure, fmt, plots, problems, tables
from analysis.catalogue import CATALOGUE, PERCENT
from analysis.context import Context
from analysis.monitoring import dynamics_frame
from analysis.pages import effectiveness as effectiveness_page
from analysis.params.recommendations import load_rules
from analysis.problems import KIND_NAMES, KINDS, lower_first
from analysis.recommendations import engine
from analysis.recommendations.lists import WITHHELD
from analysis.recommendations.rules import Rule
from analysis.vocabulary import LEVEL_NAMES, SCHOOL_GROUP, SUPPRESSED, flag_mask
from analysis.year_results import YearResults, year_results

# --------------------------------------------------------------------------- the page's data


@dataclass(frozen=True)
class Page:
    """What the sections of page 04 show, as the profile may show it."""

    ctx: Context
    found: pd.DataFrame  # problems (with their texts), filtered for the public reader
    history_shown: pd.DataFrame  # the window's indicator tables as the profile shows them
    tidy_shown: pd.DataFrame  # the year's indicator table as the profile shows it
    rules: list[Rule]
    recs: pd.DataFrame
    summary: pd.DataFrame  # per rule: addressee, units, people (`rule_summary`)
    lists: dict[str, pd.DataFrame]  # person lists (never shown in public)

    @property
    def threshold(self) -> int | None:
        """The suppression threshold in the public profile, None in the internal one."""
        return self.ctx.settings.suppression_threshold if self.ctx.public else None


def load(ctx: Context) -> Page:
    """The year's shared results, read once and prepared for the profile."""
    tidy = context.indicator_table(ctx)
    history = context.indicator_history(ctx, tidy)
    shared = year_results(ctx, tidy)
    history_shown = context.for_reader(ctx, history)
    found = shared.problems
    if ctx.public:  # no problem may give away a value hidden as «*»
        found = problems.for_reader(found, history_shown)
    rules = load_rules()
    recs = shared.recommendations
    return Page(
        ctx,
        with_texts(found, ctx.year),
        history_shown,
        context.for_reader(ctx, tidy),
        rules,
        recs,
        rule_summary(recs, rules),
        shared.person_lists,
    )


def tidy_for(
    ctx: Context,
    shared: YearResults | None = None,
    shown: Callable[[int], pd.DataFrame] | None = None,
) -> dict[str, pd.DataFrame]:
    """``problems.csv`` and ``recommendations.csv`` of the context's year as its profile may
    show them (SPEC §5), by file name: the public one keeps the problems and the
    recommendations the public page shows (`problems.for_reader`, `public_recommendations`).
    A caller writing several tables of the year passes the year's results (``shared``) and
    year → its indicator table as the profile shows it (``shown``,
    `analysis.pages.effectiveness.shown_tables`), so that each is read once."""
    shown = effectiveness_page.shown_tables(ctx) if shown is None else shown
    shared = year_results(ctx) if shared is None else shared
    found, recs = shared.problems, shared.recommendations
    if ctx.public:  # as `load` decides for the page
        history_shown = pd.concat([shown(y) for y in ctx.window_years], ignore_index=True)
        found = problems.for_reader(found, history_shown)
        recs = public_recommendations(recs, ctx.settings.suppression_threshold, shown(ctx.year))
    return {
        "problems.csv": problems.tidy(with_texts(found, ctx.year)),
        "recommendations.csv": engine.tidy(recs),
    }


# --------------------------------------------------------------------------- sections


def intro(page: Page):
    """«В 2023 году найдено …» and what counts as worsening and lagging."""
    s = page.ctx.settings
    return tables.say(
        summary(page.found, page.ctx.year),
        f"Ухудшением считается снижение доли не меньше чем на "
        f"{fmt.number(s.worsening_pp, 0)} п. п. за "
        f"{fmt.years_range(page.ctx.window_years[0], page.ctx.year)} годы, "
        f"отставанием группы — разрыв с городом (для ШНОР и ШНСУ — с остальными "
        f"школами) не меньше {fmt.number(s.lagging_pp, 0)} п. п.",
    )


def worst(page: Page) -> None:
    """The page opens with at most `SHORT_LIST` units with problems, what to do about them and
    why they come in that order; the full list collapsed; the largest gaps to target."""
    items = problems.grouped(page.found)
    display(tables.say(short_list_sentences(items, page.found)))
    if len(items):
        display(short_list_table(items.head(SHORT_LIST), page.found, page.rules))
        display(
            collapsed(
                problems_table(problems.by_affected(page.found), "Все проблемы года"),
                f"Все проблемы года: {fmt.integer(len(page.found))} (нажмите, чтобы открыть)",
            )
        )
    gaps = worst_gaps(page.found, 15)
    if len(gaps):
        display(
            plots.show(
                plots.bar_units(
                    gaps, "label", "gap", "Самые тяжёлые отставания от цели, п. п.", unit="п. п."
                )
            )
        )


def per_indicator(page: Page) -> Styler:
    return by_indicator_table(problems.by_indicator(page.found, CATALOGUE))


def below_target(page: Page) -> None:
    """Units of the city, district and type levels below target; the worst institutions on
    the first two key indicators."""
    upper = page.found[page.found["level"].isin(["city", "centre", "district", "inst_type"])]
    display(
        tables.say(
            kind_sentences(upper, "below_target", 25)
            or ["Город, районы и типы учреждений достигли целевых значений."]
        )
    )
    for key in page.ctx.settings.key_indicators[:2]:
        below = below_target_units(page.found, "institution", key)
        if len(below):
            display(
                plots.show(
                    plots.bar_units(
                        below,
                        "unit_name",
                        "value",
                        below_target_title(key),
                        target=below["target"].iloc[0],
                        band="band",
                    )
                )
            )


def worsening(page: Page) -> None:
    display(
        tables.say(
            kind_sentences(page.found, "worsening", 12)
            or ["Заметного ухудшения показателей не найдено."]
        )
    )
    panels = worsening_panels(page.found, page.history_shown)
    if panels:
        display(plots.show(plots.small_multiples(panels)))


def outliers(page: Page):
    return tables.say(
        kind_sentences(page.found, "outlier", 15)
        or ["Учреждений с резко худшими, чем у остальных, значениями не найдено."]
    )


def lagging(page: Page) -> None:
    part = page.found[page.found["kind"] == "lagging_group"]
    display(
        tables.say(
            kind_sentences(page.found, "lagging_group", 25)
            or ["Районы, типы учреждений, ШНОР и ШНСУ заметно не отстают."]
        )
    )
    if len(part):
        display(problems_table(part, "Отстающие группы"))


def rules_table(page: Page) -> Styler:
    return rule_summary_table(page.summary, page.threshold, page.recs, page.tidy_shown)


def addressed(page: Page) -> None:
    """The recommendations by addressee (public: only those to no single unit)."""
    recs = page.recs
    if page.ctx.public:
        display(
            tables.say(
                "В публичной версии рекомендации отдельным учреждениям и "
                "объединениям не приводятся: показаны только сводные числа по "
                "правилам."
            )
        )
        display(tables.say(public_texts(recs, page.threshold, page.tidy_shown)))
        return
    for addressee in addressees(recs):
        display(Markdown(f"### {heading(addressee)}"))
        if addressee == "руководителю ОУ":
            display(tables.say(institutions_sentence(recs)))
            display(
                collapsed(
                    institution_matrix(recs, page.rules),
                    "Таблица рекомендаций по учреждениям (нажмите, чтобы открыть)",
                )
            )
            display(
                collapsed(
                    institution_texts(recs),
                    "Тексты рекомендаций учреждениям (нажмите, чтобы открыть)",
                )
            )
        else:
            display(tables.say(texts(recs, addressee)))


def people(page: Page) -> None:
    """The person lists (internal profile only)."""
    if page.ctx.public:
        display(tables.say("В публичной версии поимённые списки не показываются."))
        return
    display(tables.say(list_sentences(page.lists, page.ctx.year)))
    counts = list_counts(page.lists)
    if len(counts):
        display(collapsed(list_counts_table(counts), "Число работников в списках по учреждениям"))
    for key, frame in page.lists.items():
        if len(frame):
            title = list_title(key, page.ctx.year)
            display(collapsed(person_table(frame, title), f"{title}: {fmt.integer(len(frame))}"))


def closing(page: Page):
    """The closing bullets on problems and recommendations."""
    return tables.say(
        conclusions(page.found, page.ctx.year, CATALOGUE)
        + recommendation_conclusions(
            page.recs, page.summary, page.ctx.year, page.threshold, page.tidy_shown
        )
    )


# --------------------------------------------------------------------------- the short list

SHORT_LIST = 20  # units with problems the page opens with (issue 13: a list a head can act on)
RANK_SENTENCE = (
    "Порядок списка — по числу людей, которых касается отставание: разрыв в процентных "
    "пунктах × число работников (участников) подразделения / 100, сложенное по всем проблемам "
    "подразделения (для показателей-количеств — недостающее количество); отставания, которые "
    "для подразделения такого размера объяснимы случайными колебаниями (не выходят за "
    "95-процентные границы «воронки» вокруг цели или города), проблемами не считаются."
)
NO_RULE = "правило рекомендаций не задано: решение за управлением образования"


def short_list_sentences(items: pd.DataFrame, found: pd.DataFrame) -> list[str]:
    """What the short list is and how it is ordered."""
    if items.empty:
        return ["Проблем, которые нельзя объяснить случайными колебаниями, не найдено."]
    shown = min(len(items), SHORT_LIST)
    units = fmt.count(len(items), "подразделение", "подразделения", "подразделений")
    return [
        (
            f"Проблемы года сгруппированы по подразделениям: {units} с проблемами "
            f"({fmt.count(len(found), 'проблема', 'проблемы', 'проблем')}); ниже — первые {shown}, "
            "с тем, что делать по правилам рекомендаций."
        ),
        RANK_SENTENCE,
    ]


def what_to_do(level: str, indicator_ids: Sequence[str], rules: Sequence[Rule]) -> list[str]:
    """The titles of the recommendation rules that answer problems of these indicators at
    this level (a category's rule answers the city), in rule order."""
    wanted = set(indicator_ids)
    return [
        rule.title or rule.id
        for rule in rules
        if rule.indicator in wanted
        and (rule.level == level or (rule.level == "category" and level == "city"))
    ]


def short_list_table(items: pd.DataFrame, found: pd.DataFrame, rules: Sequence[Rule]) -> Styler:
    """The grouped problems: who, what, how many people, what to do."""
    words = _problem_words(found, items)
    show = pd.DataFrame(
        {
            "№": [str(int(x)) for x in items["rank"]],
            "Подразделение": [
                name if level in ("city", "centre") else f"{name} ({LEVEL_NAMES.get(level, level)})"
                for name, level in zip(items["unit_name"], items["level"])
            ],
            "Проблемы": [words[(lv, u)] for lv, u in zip(items["level"], items["unit_id"])],
            "Людей": [fmt.number(x, 0) for x in items["affected"]],
            "Что делать": [
                "; ".join(what_to_do(lv, ids, rules)) or NO_RULE
                for lv, ids in zip(items["level"], items["indicator_ids"])
            ],
        }
    )
    return tables.styled(
        show,
        f"Главные проблемы года по подразделениям (первые {len(items)})",
        right=["№", "Людей"],
    )


def _problem_words(found: pd.DataFrame, items: pd.DataFrame) -> dict[tuple, str]:
    """(level, unit id) of each item → its problems in a few words, the most people first."""
    ranked = problems.by_affected(found)
    keys = pd.MultiIndex.from_frame(ranked[["level", "unit_id"]])
    ranked = ranked[keys.isin(list(zip(items["level"], items["unit_id"])))]
    phrases = pd.Series(
        [
            f"{CATALOGUE[i].label} — {KIND_NAMES[k]} ({_gap_text(g, u)})"
            for i, k, g, u in zip(
                ranked["indicator_id"], ranked["kind"], ranked["gap"], ranked["unit"]
            )
        ],
        index=ranked.index,
        dtype=object,
    )
    return (
        phrases.groupby([ranked["level"], ranked["unit_id"]], sort=False).agg("; ".join).to_dict()
    )


# --------------------------------------------------------------------------- problems: words


def with_texts(found: pd.DataFrame, year: int, catalogue: Mapping = CATALOGUE) -> pd.DataFrame:
    """The problems with `text`: one Russian sentence each, with the actual numbers."""
    texts_ = [problem_text(r, catalogue, year) for r in found.itertuples(index=False)]
    return found.assign(text=pd.Series(texts_, index=found.index, dtype="str"))


def problem_text(r, catalogue: Mapping, year: int) -> str:
    """One Russian sentence with the actual numbers."""
    name = lower_first(catalogue[r.indicator_id].name)
    v, ref, unit = fmt.value(r.value, r.unit), fmt.value(r.reference, r.unit), r.unit
    gap = _gap_text(r.gap, unit)
    if r.kind == "below_target":
        text = f"{r.unit_name}: {name} — {v} при цели {ref} (не хватает {gap})"
    elif r.kind == "worsening":
        change = fmt.pp(r.value - r.reference)
        text = (
            f"{r.unit_name}: {name} — {ref} в {int(r.year_from)} году и {v} в {year} году "
            f"({change}, ухудшение)"
        )
    elif r.kind == "outlier":
        side = "ниже" if r.value < r.reference else "выше"
        text = (
            f"{r.unit_name}: {name} — {v}, намного {side} типичного для учреждений "
            f"города (медиана {ref})"
        )
    else:
        where = "в остальных школах" if r.level == SCHOOL_GROUP else "по городу"
        text = f"{r.unit_name}: {name} — {v} против {ref} {where} (хуже на {gap})"
    return text if text.endswith(".") else text + "."


def problems_table(found: pd.DataFrame, caption: str, n: int | None = None) -> Styler:
    """The problems (the first `n`) with Russian headers."""
    part = found if n is None else found.head(n)
    show = pd.DataFrame(
        {
            "№": [str(i + 1) for i in range(len(part))],
            "Проблема": part["kind"].map(KIND_NAMES).to_numpy(),
            "Уровень": part["level"].map(LEVEL_NAMES).to_numpy(),
            "Подразделение": part["unit_name"].to_numpy(),
            "Показатель": [
                CATALOGUE[i].name if i in CATALOGUE else i for i in part["indicator_id"]
            ],
            "Значение": [fmt.value(v, u) for v, u in zip(part["value"], part["unit"])],
            "С чем сравнивается": [_reference_text(r) for r in part.itertuples(index=False)],
            "Разрыв": [_gap_text(g, u) for g, u in zip(part["gap"], part["unit"])],
            "Людей": [fmt.number(x, 0) for x in part["affected"]],
        }
    )
    return tables.styled(
        show,
        caption,
        right=["№", "Значение", "Разрыв", "Людей"],
        links={"Подразделение": _unit_ids(part)},
    )


def _unit_ids(part: pd.DataFrame) -> list[str | None]:
    """The unit id of each row that names an institution or association (their pages), else
    None (a district, a type, the city: no page of their own)."""
    units = ("institution", "association")
    return [str(u) if lv in units else None for lv, u in zip(part["level"], part["unit_id"])]


def _reference_text(r) -> str:
    ref = fmt.value(r.reference, r.unit)
    if r.kind == "below_target":
        return f"цель {ref}"
    if r.kind == "worsening":
        return f"{ref} в {int(r.year_from)} г."
    if r.kind == "outlier":
        return f"медиана {ref}"
    return f"{ref} в остальных школах" if r.level == SCHOOL_GROUP else f"{ref} по городу"


def _gap_text(gap: float, unit: str) -> str:
    return fmt.pp(gap).lstrip("+") if unit == PERCENT else fmt.value(gap, unit)


def by_indicator_table(counts: pd.DataFrame) -> Styler:
    show = pd.DataFrame({"Показатель": counts["name"].to_numpy()})
    for kind in KINDS:
        show[KIND_NAMES[kind].capitalize()] = [fmt.integer(x) for x in counts[kind]]
    return tables.styled(show, "Число проблем по показателям", right=list(show.columns[1:]))


def below_target_units(
    found: pd.DataFrame, level: str, indicator_id: str, n: int = 20
) -> pd.DataFrame:
    """The `n` lowest below-target units of one level and indicator, for `plots.bar_units`."""
    part = found[
        (found["kind"] == "below_target")
        & (found["level"] == level)
        & (found["indicator_id"] == indicator_id)
    ]
    part = part.sort_values(["value", "unit_id"], kind="stable").head(n)
    return part.assign(band="below")[["unit_name", "value", "target", "band"]]


def below_target_title(indicator_id: str, n: int = 20) -> str:
    """«ПК по совр. программам: учреждения ниже цели (до 20 худших)»."""
    name = CATALOGUE[indicator_id].label
    return f"{name[:1].upper() + name[1:]}: учреждения ниже цели (до {n} худших)"


def worsening_panels(
    found: pd.DataFrame, history: pd.DataFrame, n: int = 6
) -> list[tuple[str, str, pd.DataFrame]]:
    """(title, unit, year/value/target) of the `n` most severe worsenings of the city,
    districts and institution types, for `plots.small_multiples`."""
    part = found[
        (found["kind"] == "worsening") & found["level"].isin(["city", "district", "inst_type"])
    ].head(n)
    return [
        (
            f"{r.unit_name}:\n{CATALOGUE[r.indicator_id].label}",
            r.unit,
            dynamics_frame(history, r.indicator_id, r.level, r.unit_id),
        )
        for r in part.itertuples(index=False)
    ]


def worst_gaps(found: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The `n` most severe below-target gaps of shares, labelled «unit — indicator», for a
    chart (by severity: a gap of a large unit before the same gap of a small one)."""
    part = found[(found["kind"] == "below_target") & (found["unit"] == PERCENT)]
    part = part.head(n)  # problems come sorted by severity
    label = [f"{u} — {CATALOGUE[i].label}" for u, i in zip(part["unit_name"], part["indicator_id"])]
    return pd.DataFrame({"label": label, "gap": part["gap"].to_numpy()})


def summary(found: pd.DataFrame, year: int) -> str:
    """«В 2023 году найдено 812 проблем: ниже цели — 640, …»."""
    if found.empty:
        return f"В {year} году проблем по показателям не найдено."
    counts = found["kind"].value_counts()
    parts = [f"{KIND_NAMES[k]} — {fmt.integer(counts[k])}" for k in KINDS if k in counts]
    return (
        f"В {year} году найдено {fmt.count(len(found), 'проблема', 'проблемы', 'проблем')}"
        f": {', '.join(parts)}."
    )


def kind_sentences(found: pd.DataFrame, kind: str, n: int = 10) -> list[str]:
    """The texts of the `n` most severe problems of a kind (`with_texts`)."""
    return list(found.loc[found["kind"] == kind, "text"].head(n))


def conclusions(found: pd.DataFrame, year: int, catalogue: Mapping = CATALOGUE) -> list[str]:
    """The closing bullets on the problems of the year (`with_texts` gave them their texts)."""
    out = [summary(found, year)]
    if found.empty:
        return out
    city = found[(found["level"] == "city") & (found["kind"] == "below_target")]
    if len(city):
        top = city.sort_values("gap", ascending=False, kind="stable").head(3)
        out.append(
            f"По городу цель не достигнута по "
            f"{fmt.count(len(city), 'показателю', 'показателям', 'показателям')}; дальше всего "
            "от цели: "
            + "; ".join(
                f"{lower_first(catalogue[i].name)} ({_gap_text(g, u)})"
                for i, g, u in zip(top["indicator_id"], top["gap"], top["unit"])
            )
            + "."
        )
    worse = found[(found["kind"] == "worsening") & (found["level"] == "city")]
    if len(worse):
        out.append(
            "По городу ухудшились за окно: "
            + "; ".join(
                f"{lower_first(catalogue[i].name)} ({fmt.pp(v - r)})"
                for i, v, r in zip(worse["indicator_id"], worse["value"], worse["reference"])
            )
            + "."
        )
    groups = found[found["kind"] == "lagging_group"]
    if len(groups):
        lag = groups.groupby("unit_name", sort=False).size()
        out.append(
            "Отстают от города (или от остальных школ): "
            + "; ".join(
                f"{u} — по {fmt.count(n, 'показателю', 'показателям', 'показателям')}"
                for u, n in lag.items()
            )
            + "."
        )
    inst = found[found["level"] == "institution"]
    if len(inst):
        top = (
            inst.groupby("unit_name", sort=False)["affected"]
            .sum()
            .sort_values(ascending=False, kind="stable")
            .head(5)
        )
        out.append(
            "Больше всего людей затрагивают проблемы учреждений: "
            + fmt.join_ru(list(top.index))
            + "."
        )
    # the head of the short list's order (people affected), not the old severity score
    out.append("Самая острая проблема: " + problems.by_affected(found)["text"].iloc[0])
    return out


# --------------------------------------------------------------------------- recommendations

# Addressees in the order of the report: institutions, associations, the Centre, the department.
ADDRESSEE_ORDER = ("руководителю ОУ", "руководителю ГПО", "Центру", "управлению образования")
LIST_TITLES = {
    "lapsed_pk": "Работники, у которых истёк трёхлетний срок ПК (нет курса ПК по программам, "
    "отвечающим современным требованиям, за {years})",
    "young_without_mentor": "Молодые педагоги (стаж менее 3 лет) без наставника в {year} году",
    "deficit_no_course": "Работники с дефицитами по диагностике {prev_year} года без курса ПК "
    "в {year} году",
    "heads_no_management": "Руководители и заместители без обучения по управлению за {years}",
}
LIST_SHORT = {
    "lapsed_pk": "Истёк срок ПК",
    "young_without_mentor": "Молодые без наставника",
    "deficit_no_course": "Дефицит без курса",
    "heads_no_management": "Руководители без обучения по управлению",
}
HEADERS = {
    "person_id": "Код работника",
    "inst_name": "Учреждение",
    "position": "Должность",
    "experience_years": "Стаж, лет",
    "last_pk_year": "Последний курс ПК по совр. программам, год",
    "deficit_areas": "Области дефицитов",
}
MAX_ROWS = 200  # rows of a person list shown in the page; the rest is counted, not listed
PUBLIC_LEVELS = ("city", "centre", "category", "district", "inst_type")  # no single institution
NOT_PEOPLE = ("missing_plan_report",)  # counts of a rule that are units, not people


def heading(addressee: str) -> str:
    """«руководителю ОУ» → «Руководителю ОУ» (abbreviations keep their capitals)."""
    return addressee[:1].upper() + addressee[1:]


def institutions_sentence(recs: pd.DataFrame, n: int = 5) -> str:
    """«Рекомендации получают 144 учреждения; больше всего — …»."""
    part = recs[recs["level"] == "institution"]
    if part.empty:
        return "Рекомендаций отдельным учреждениям нет."
    counts = part.groupby("unit_name").size().sort_values(ascending=False, kind="stable")
    top = [f"{u} ({c})" for u, c in counts.head(n).items()]
    return (
        f"Рекомендации получают "
        f"{fmt.count(len(counts), 'учреждение', 'учреждения', 'учреждений')}; больше всего "
        f"рекомендаций (в скобках — число): {fmt.join_ru(top)}."
    )


def addressees(recs: pd.DataFrame) -> list[str]:
    """The addressees present, in the report's order (unknown ones after, alphabetically)."""
    present = set(recs["addressee"])
    known = [a for a in ADDRESSEE_ORDER if a in present]
    return known + sorted(present - set(known))


def rule_summary(recs: pd.DataFrame, rules: Sequence[Rule]) -> pd.DataFrame:
    """Per rule (in file order): addressee, units concerned, people concerned (Σ N)."""
    rows = []
    for rule in rules:
        part = recs[recs["rule_id"] == rule.id]
        people_ = (
            part["count"].sum()
            if rule.count and rule.count not in NOT_PEOPLE and len(part)
            else pd.NA
        )
        rows.append(
            {
                "rule_id": rule.id,
                "title": rule.title,
                "addressee": rule.addressee,
                "units": len(part),
                "people": people_,
            }
        )
    out = pd.DataFrame(rows, columns=["rule_id", "title", "addressee", "units", "people"])
    out["people"] = pd.array(out["people"], dtype="Int64")
    return out


def rule_summary_table(
    rule_counts: pd.DataFrame,
    threshold: int | None = None,
    recs: pd.DataFrame | None = None,
    public: pd.DataFrame | None = None,
) -> Styler:
    """The rules with how many units and people each concerns; with `threshold` (public
    profile) counts of people below it are shown as «*» (with secondary suppression), and so is
    a rule's total whenever one of the cells it sums is hidden in `public`, the year's public
    table: a rule that fires at one school would otherwise publish that school's hidden count
    (e.g. how many of its staff lack a course). Without `public` no total can be checked."""
    people_ = rule_counts["people"].astype("Float64")
    shown = [fmt.integer(x) if not pd.isna(x) else fmt.DASH for x in people_]
    if threshold is not None:
        hidden = _hidden_totals(rule_counts, threshold, recs, public)
        shown = [disclosure.mask_display(s, h) for s, h in zip(shown, hidden)]
    show = pd.DataFrame(
        {
            "Рекомендация": rule_counts["title"].to_numpy(),
            "Кому": rule_counts["addressee"].to_numpy(),
            "Адресатов": [fmt.integer(x) for x in rule_counts["units"]],
            "Человек": shown,
        }
    )
    return tables.styled(
        show,
        "Правила рекомендаций: сколько адресатов и человек касается каждое",
        right=["Адресатов", "Человек"],
    )


def _hidden_totals(
    rule_counts: pd.DataFrame,
    threshold: int,
    recs: pd.DataFrame | None,
    public: pd.DataFrame | None,
) -> pd.Series:
    """Per rule: is its people total hidden in public (below the threshold with secondary
    suppression, or summing a cell the public table hides)?"""
    mask = disclosure.suppress_counts(
        rule_counts.assign(people=rule_counts["people"].astype("Float64").astype(float)),
        ["people"],
        threshold,
    )["people"]
    over = pd.Series(_totals_over_hidden_cells(rule_counts, recs, public), index=rule_counts.index)
    return mask.astype(bool) | over


def _totals_over_hidden_cells(
    rule_counts: pd.DataFrame, recs: pd.DataFrame | None, public: pd.DataFrame | None
) -> list[bool]:
    """Per rule of `rule_counts`: does its people total sum a cell `public` does not show?"""
    if recs is None or public is None:
        return [not pd.isna(x) for x in rule_counts["people"]]  # nothing to check against: hide
    visible = _visible_cells(public)
    over_hidden = {
        rule_id
        for rule_id, level, unit_id, indicator_id in zip(
            recs["rule_id"], recs["level"], recs["unit_id"].astype(str), recs["indicator_id"]
        )
        if not _quotes_visible(level, unit_id, indicator_id, visible)
    }
    return [r in over_hidden for r in rule_counts["rule_id"]]


def texts(recs: pd.DataFrame, addressee: str) -> list[str]:
    """The full texts addressed to one addressee."""
    return list(recs.loc[recs["addressee"] == addressee, "text"])


def institution_matrix(recs: pd.DataFrame, rules: Sequence[Rule]) -> Styler | None:
    """Institutions × rules addressed to them: N (or «да» for a rule without a count)."""
    part = recs[recs["level"] == "institution"]
    if part.empty:
        return None
    titles = {r.id: r.title for r in rules}
    ids = [r.id for r in rules if r.id in set(part["rule_id"])]
    cell = part.assign(cell=[fmt.integer(c) if not pd.isna(c) else "да" for c in part["count"]])
    wide = cell.pivot_table(
        index="unit_name", columns="rule_id", values="cell", aggfunc="first"
    ).reindex(columns=ids)
    order = part.groupby("unit_name").size().sort_values(ascending=False, kind="stable")
    wide = wide.reindex(order.index).fillna("")
    wide.columns = [titles[i] for i in wide.columns]
    show = wide.reset_index(names="Учреждение")
    show.insert(1, "Всего", [fmt.integer(order[u]) for u in show["Учреждение"]])
    ids = dict(zip(part["unit_name"], part["unit_id"].astype(str)))
    return tables.styled(
        show,
        "Рекомендации учреждениям: сколько работников касается каждая "
        "(«да» — рекомендация без числа)",
        right=list(show.columns[1:]),
        links={"Учреждение": [ids.get(u) for u in show["Учреждение"]]},
    )


def institution_texts(recs: pd.DataFrame) -> Styler | None:
    """Every recommendation to an institution, as text, institution by institution."""
    part = recs[recs["level"] == "institution"].sort_values(["unit_name", "rule_id"], kind="stable")
    if part.empty:
        return None
    show = pd.DataFrame(
        {"Учреждение": part["unit_name"].to_numpy(), "Рекомендация": part["text"].to_numpy()}
    )
    return tables.styled(
        show,
        "Тексты рекомендаций учреждениям",
        links={"Учреждение": part["unit_id"].astype(str).tolist()},
    )


def collapsed(content: Styler | str, title: str) -> HTML:
    """A block the reader opens with a click (HTML <details>: no script needed)."""
    body = content.to_html() if isinstance(content, Styler) else str(content)
    return HTML(f"<details><summary>{html.escape(title)}</summary>\n{body}\n</details>")


def list_counts(lists: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Institutions × person lists: how many persons of each list work there."""
    frames = []
    for key, frame in lists.items():
        if len(frame):
            frames.append(frame.groupby("inst_name").size().rename(LIST_SHORT.get(key, key)))
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, axis=1).fillna(0).astype(int)
    out = out.loc[out.sum(axis=1).sort_values(ascending=False, kind="stable").index]
    return out


def list_counts_table(counts: pd.DataFrame) -> Styler:
    show = counts.map(fmt.integer).reset_index(names="Учреждение")
    return tables.styled(
        show, "Поимённые списки: число работников по учреждениям", right=list(show.columns[1:])
    )


def list_title(key: str, year: int) -> str:
    return LIST_TITLES.get(key, key).format(
        years=fmt.years_range(year - 2, year), year=year, prev_year=year - 1
    )


def person_table(frame: pd.DataFrame, caption: str, max_rows: int = MAX_ROWS) -> Styler:
    """A person list with Russian headers (the first `max_rows` rows)."""
    cols = [c for c in HEADERS if c in frame.columns]
    show = frame[cols].head(max_rows).rename(columns=HEADERS)
    experience, last = HEADERS["experience_years"], HEADERS["last_pk_year"]
    if experience in show:
        show[experience] = [fmt.number(x, 0) for x in show[experience]]
    if last in show:
        show[last] = [fmt.DASH if pd.isna(x) else str(int(x)) for x in show[last]]
    if len(frame) > max_rows:
        caption += f" (первые {max_rows} из {len(frame)})"
    ids = frame["inst_id"].head(max_rows).tolist() if "inst_id" in frame.columns else []
    return tables.styled(
        show, caption, links={"Учреждение": ids} if ids and "Учреждение" in show else None
    )


def list_sentences(lists: Mapping[str, pd.DataFrame], year: int) -> list[str]:
    """«Истёк срок ПК: 271 работник в 28 учреждениях.» per list."""
    out = []
    for key, frame in lists.items():
        reason = str(frame.attrs.get(WITHHELD, ""))  # not drawn up, and why
        if reason:
            out.append(f"{list_title(key, year)}: {reason}")
            continue
        n, n_inst = len(frame), frame["inst_id"].nunique() if len(frame) else 0
        out.append(
            f"{list_title(key, year)}: "
            f"{fmt.count(n, 'человек', 'человека', 'человек')}"
            + (f" в {fmt.count(n_inst, 'учреждении', 'учреждениях', 'учреждениях')}." if n else ".")
        )
    return out


def recommendation_conclusions(
    recs: pd.DataFrame,
    rule_counts: pd.DataFrame,
    year: int,
    threshold: int | None = None,
    public: pd.DataFrame | None = None,
) -> list[str]:
    """The closing bullets on the recommendations of the year (and the rules that could not
    apply because their person list is withheld: `engine.withheld_rules`); with `threshold`
    (public profile) a rule's people total is left out where the summary table hides it."""
    withheld = [
        f"Правило «{t}» не применялось: {reason}"
        for t, reason in _withheld_titles(recs, rule_counts)
    ]
    if recs.empty:
        return [f"В {year} году ни одно правило рекомендаций не сработало.", *withheld]
    forms = ("адресная рекомендация", "адресные рекомендации", "адресных рекомендаций")
    out = [
        f"В {year} году сформировано {fmt.count(len(recs), *forms)}: "
        + ", ".join(f"{a} — {int((recs['addressee'] == a).sum())}" for a in addressees(recs))
        + "."
    ]
    hidden = pd.Series(False, index=rule_counts.index)
    if threshold is not None:
        hidden = _hidden_totals(rule_counts, threshold, recs, public)
    for i, row in zip(rule_counts.index, rule_counts.itertuples(index=False)):
        people_ = row.people
        if row.units == 0 or pd.isna(people_) or hidden[i]:
            continue
        out.append(
            f"{row.title}: {fmt.count(int(row.units), 'адресат', 'адресата', 'адресатов')}, "
            f"{fmt.count(int(people_), 'человек', 'человека', 'человек')}."
        )
    return out + withheld


def _withheld_titles(recs: pd.DataFrame, rule_counts: pd.DataFrame) -> list[tuple[str, str]]:
    """(rule title, reason) of the rules whose person list was withheld."""
    reasons = recs.attrs.get(WITHHELD) or {}
    titles = (
        dict(zip(rule_counts["rule_id"], rule_counts["title"]))
        if {"rule_id", "title"} <= set(rule_counts.columns)
        else {}
    )
    return [(titles.get(rule_id, rule_id), reason) for rule_id, reason in reasons.items()]


def public_texts(
    recs: pd.DataFrame, threshold: int, shown: pd.DataFrame | None = None
) -> list[str]:
    """The texts of `public_recommendations`."""
    return list(public_recommendations(recs, threshold, shown)["text"])


def public_recommendations(
    recs: pd.DataFrame, threshold: int, shown: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The recommendations the public profile may show: to the city, the Centre, categories,
    districts and types only, where N (when there is one) is at least the suppression
    threshold, and where every cell the text quotes is visible in `shown` — the year's public
    table (`context.for_reader`): a type or district hidden there as a partner is hidden here
    too (its value, gap or N would give the cell away). Without `shown` nothing can be
    checked, so nothing is shown."""
    if shown is None:
        return recs.iloc[:0]
    part = recs[recs["level"].isin(PUBLIC_LEVELS)]
    visible = _visible_cells(shown)
    ok = [
        (pd.isna(c) or c >= threshold) and _quotes_visible(lv, u, i, visible)
        for c, lv, u, i in zip(
            part["count"], part["level"], part["unit_id"].astype(str), part["indicator_id"]
        )
    ]
    return part[pd.Series(ok, index=part.index, dtype=bool)]


def _visible_cells(shown: pd.DataFrame) -> set[tuple[str, str, str]]:
    """(level, unit_id, indicator_id) of the cells the public table shows with a value."""
    keep = shown["value"].notna().to_numpy(dtype=bool)
    if "flags" in shown.columns:
        keep = keep & ~flag_mask(shown["flags"], SUPPRESSED)
    part = shown[keep]
    return set(zip(part["level"], part["unit_id"].astype(str), part["indicator_id"]))


def _quotes_visible(
    level: str, unit_id: str, indicator_id: str, visible: set[tuple[str, str, str]]
) -> bool:
    """A text quotes its unit's cell (a category's is the city's) and the city's value."""
    own = ("city", "city") if level == "category" else (level, unit_id)
    return ((*own, indicator_id) in visible) and (("city", "city", indicator_id) in visible)
