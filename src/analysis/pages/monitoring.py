"""Page 03 «Мониторинг»: every table, sentence, figure and profile decision of the page.

The notebook makes one `Monitoring` of its run (`prepare`) and calls one section function per
cell; each shows what it shows (`display`) and returns the cell's last result. The numbers come
from the pure domain modules `analysis.monitoring` and `analysis.methodology`; this module turns
them into Russian text, styled tables and figures.

Profile decisions (SPEC §2, §6), all here: the public page reads the suppressed table
(`context.for_reader`), says what it hides (`disclosure.reader_note`), hides ШНОР/ШНСУ group
shares over too few people or hidden by the disclosure control, and shows no person lists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property

import pandas as pd
from IPython.display import display
from pandas.io.formats.style import Styler

from analysis import context, disclosure, fmt, methodology, monitoring, passports, plots, tables
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.monitoring import OTHERS, PERCENT, SCHOOL_GROUPS, WITHHELD, UnitGrid
from analysis.pages import indicators as indicators_page
from analysis.params.methodology import load_criteria
from analysis.vocabulary import (
    INCOMPLETE_WINDOW,
    INST_TYPE_NAMES,
    LEVEL_NAMES,
    LEVEL_PLURAL,
    SUPPRESSED,
    has_flag,
)

BAND_WORDS = {
    "meets": "цель достигнута",
    "near": "цель почти достигнута",
    "below": "цель не достигнута",
}
NOT_JUDGED = f"не оценивается{fmt.NBSP}{fmt.INCOMPLETE_MARK}"  # a target on an incomplete window
# The verb agreeing with the head noun of an indicator's name («Доля … составила»); names
# starting with another word get a colon instead, so the sentence is never ungrammatical.
VERBS = {
    "доля": "составила",
    "удельный": "составил",
    "охват": "составил",
    "полнота": "составила",
    "количество": "составило",
    "число": "составило",
}
COMPARED_LEVELS = ("district", "inst_type")  # the unit comparisons of the page
LOWEST_SCHOOLS = 3  # person checks: staff without a course in the lowest institutions …
LAPSED_INDICATOR = "pk_pp_3y"  # … on the share with a course of any kind in three years
RANKED_SHOWN = 10  # rows of each end of the ranking
PERSON_HEADERS = {
    "inst_id": "Учреждение",
    "person_id": "Код работника",
    "position": "Должность",
    "experience_years": "Стаж, лет",
    "finding": "Что проверить",
}
PUBLIC_NO_PERSONS = "В публичной версии поимённые списки не показываются."
# What the page says where the year's data cannot give a section (a form did not arrive).
NO_UNIT_VALUES = "значений показателей по этому уровню за год нет — сравнивать не по чему."
NO_INSTITUTIONS = "Реестр учреждений за год не поступил: места учреждений не определяются."
NO_SCHOOL_GROUPS = (
    "Реестр учреждений или показатели школ за год не поступили: сравнить ШНОР и "
    "ШНСУ с остальными школами нельзя."
)
NO_KEY_INDICATOR = (
    "Ключевой показатель учреждений не задан (params/book.yaml › "
    "key_indicators): места учреждений не определяются."
)
NO_PERSON_LISTS = (
    "Списки кадров или реестр учреждений за год не поступили: поимённые проверки не проводятся."
)
STATUS_BANDS = {"в наличии": "meets", "частично": "near", "отсутствует": "below"}
BASIS_WORDS = {
    methodology.BY_DATA: "по данным",
    methodology.BY_STATEMENT: "экспертная оценка Центра",
}


# --------------------------------------------------------------------------- the run


class Monitoring:
    """One run of the page: the context and the year's frames, each made once."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @cached_property
    def tidy(self) -> pd.DataFrame:
        """The indicator table of the year as computed (person lists and ranks by it)."""
        return context.indicator_table(self.ctx)

    @cached_property
    def shown(self) -> pd.DataFrame:
        """The indicator table as the profile may show it."""
        return context.for_reader(self.ctx, self.tidy)

    @cached_property
    def history(self) -> pd.DataFrame:
        """The window's indicator tables as the profile may show them."""
        return context.for_reader(self.ctx, context.indicator_history(self.ctx, self.tidy))

    @property
    def institutions(self) -> pd.DataFrame | None:
        return self.ctx.data.table("institutions")

    @property
    def near(self) -> float:
        return self.ctx.settings.near_target_pp

    @cached_property
    def card(self) -> pd.DataFrame:
        return monitoring.scorecard(
            self.history, CATALOGUE, self.ctx.year, self.ctx.window_years, self.near
        )

    @cached_property
    def groups(self) -> pd.DataFrame:
        """ШНОР/ШНСУ/other schools; the public page hides small and disclosed-hidden groups."""
        public = self.ctx.public
        return monitoring.school_groups(
            self.tidy,
            self.institutions,
            CATALOGUE,
            self.ctx.settings.suppression_threshold if public else None,
            self.shown if public else None,
        )

    @cached_property
    def lagging(self) -> list[str]:
        return school_group_sentences(monitoring.lagging_groups(self.groups, CATALOGUE, self.near))

    @cached_property
    def plan_fact(self) -> pd.DataFrame:
        return monitoring.centre_plan_fact(self.shown, CATALOGUE)

    @cached_property
    def completeness(self) -> str:
        return completeness_sentence(*self.reports)

    @cached_property
    def reports(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(by type, missing) of the plan-reports of the year."""
        associations, reports = (
            self.ctx.data.table("associations"),
            self.ctx.data.table("plan_reports"),
        )
        return (
            monitoring.completeness_by_type(associations, reports),
            monitoring.missing_plan_reports(associations, reports),
        )


def prepare(ctx: Context) -> Monitoring:
    """The page's run; the year's indicator table is computed (or read from the cache) now."""
    run = Monitoring(ctx)
    run.tidy  # noqa: B018 - an error in the data shows at the first cell, not a later one
    return run


# --------------------------------------------------------------------------- sections


def overview(run: Monitoring):
    """«Данные»: the public note (public profile) and what the year's data holds."""
    ctx = run.ctx
    if ctx.public:
        display(tables.say(disclosure.reader_note(run.shown, ctx.settings.suppression_threshold)))
    data = ctx.data
    return tables.say(
        data_summary(run.institutions, data.table("staff"), data.table("associations"), ctx.year)
    )


def scorecard(run: Monitoring) -> Styler:
    """The city's indicators against targets and the years before: summary, legend, table."""
    display(tables.say(scorecard_summary(run.card, run.ctx.year)), tables.legend())
    return scorecard_table(run.card, run.ctx.year, run.ctx.window_years)


def scorecard_notes(run: Monitoring):
    """A sentence per indicator of the scorecard."""
    return tables.say(scorecard_sentences(run.card, run.ctx.year))


def key_dynamics(run: Monitoring):
    """Small multiples of the key indicators over the window."""
    return plots.show(
        plots.small_multiples(key_panels(run.history, CATALOGUE, run.ctx.settings.key_indicators))
    )


def units(run: Monitoring) -> None:
    """Districts and institution types: a heatmap of the shares and the spread of key ones."""
    shares = monitoring.unit_shares(CATALOGUE)
    for level in COMPARED_LEVELS:
        grid = monitoring.compare_units(
            run.shown, CATALOGUE, level, run.near, shares, unit_names(level, run.institutions)
        )
        if grid.values.empty:
            display(tables.say(f"{compare_title(level)}: {NO_UNIT_VALUES}"))
            continue
        display(
            plots.show(
                plots.heatmap(grid.values, grid.bands, cell_labels(grid), compare_title(level))
            )
        )
        display(
            tables.say(
                [
                    spread_sentence(grid.values, CATALOGUE[i].name, PERCENT, level)
                    for i in run.ctx.settings.key_indicators
                    if i in shares
                ]
            )
        )


def schools(run: Monitoring) -> Styler | None:
    """ШНОР and ШНСУ against the other schools."""
    if run.groups.empty:
        display(tables.say(NO_SCHOOL_GROUPS))
        return None
    display(tables.say(run.lagging or ["ШНОР и ШНСУ не отстают от остальных школ заметно."]))
    return school_groups_table(run.groups)


def institution_ranking(run: Monitoring) -> Styler | None:
    """The last and the first places of the institutions on the first key indicator (of
    `params/book.yaml › key_indicators`) computed per institution."""
    key = ranked_indicator(run.ctx.settings.key_indicators, CATALOGUE)
    if key is None or run.institutions is None:
        display(tables.say(NO_KEY_INDICATOR if key is None else NO_INSTITUTIONS))
        return None
    ranked = monitoring.ranking(run.shown, run.institutions, CATALOGUE, key, run.near)
    display(ranking_table(ranked, CATALOGUE, key, n=RANKED_SHOWN, worst=True))
    return ranking_table(ranked, CATALOGUE, key, n=RANKED_SHOWN, worst=False)


def centre(run: Monitoring) -> Styler:
    """The Centre's municipal assignment: plan and fact."""
    display(tables.say(centre_sentences(run.plan_fact)))
    return centre_table(run.plan_fact)


def methodology_evaluation(run: Monitoring) -> Styler:
    """The four criteria of the methodological-work system."""
    data = {t: run.ctx.data.table(t) for t in ("events", "associations", "products")}
    evaluation = methodology.evaluate(load_criteria(), data, run.shown)
    display(tables.say(evaluation_summary(evaluation)))
    return evaluation_table(evaluation)


def completeness(run: Monitoring) -> Styler | None:
    """Which forms arrived, which associations did not submit a plan-report."""
    entry = run.ctx.data.manifest_entry()
    status = passports.forms_status(
        entry.get("forms_present", []), entry.get("rows", {}), CATALOGUE
    )
    by_type, missing = run.reports
    display(tables.say(indicators_page.forms_sentence(status, run.ctx.year), run.completeness))
    display(completeness_table(by_type))
    return missing_reports_table(missing)


def data_quality(run: Monitoring) -> Styler | None:
    """Outliers among institutions, indicators without data, incomplete windows."""
    z = run.ctx.settings.outlier_z
    found = monitoring.outliers(
        run.shown, CATALOGUE, z, unit_names("institution", run.institutions)
    )
    display(tables.say(quality_sentences(run.shown, CATALOGUE, found)))
    return outliers_table(found) if len(found) else None


def person_checks(run: Monitoring) -> None:
    """Person-level checks, internal profile only: records to clarify, staff without a course
    in the institutions lowest on `LAPSED_INDICATOR`."""
    if run.ctx.public:
        display(tables.say(PUBLIC_NO_PERSONS))
        return
    ctx, data = run.ctx, run.ctx.data
    if data.table("staff") is None or run.institutions is None:
        display(tables.say(NO_PERSON_LISTS))
        return
    names = unit_names("institution", run.institutions)
    courses = [data.table("courses", offset) for offset in (-2, -1, 0)]
    anomalies = monitoring.staff_anomalies(data.table("staff"), courses[-1], ctx.year)
    display(
        person_table(
            anomaly_findings(anomalies),
            names,
            "Записи о работниках, которые нужно уточнить в учреждении",
        )
        if len(anomalies)
        else tables.say("Поимённых расхождений в данных не найдено.")
    )
    lowest = monitoring.lowest_institutions(
        run.tidy, run.institutions, CATALOGUE, LAPSED_INDICATOR, LOWEST_SCHOOLS
    )
    lapsed = monitoring.lapsed_staff(data.table("staff"), courses, lowest)
    display(
        person_table(
            lapsed,
            names,
            "Работники трёх учреждений с наименьшей долей "
            "прошедших ПК или ПП, не проходившие ПК или ПП "
            f"в {fmt.years_range(ctx.year - 2, ctx.year)} годах",
        )
    )


def conclusions(run: Monitoring):
    """«Выводы»: the closing bullets."""
    return tables.say(
        conclusion_lines(run.card, run.ctx.year, run.lagging, run.completeness, run.plan_fact)
    )


# --------------------------------------------------------------------------- cells


def _shown(value: object, unit: str, flags: object = "", missing: str = fmt.DASH) -> str:
    """The cell text of an indicator value: «*» when suppressed, «—» when empty, marked «†»
    when its window is incomplete (see `fmt.INCOMPLETE_NOTE`)."""
    if has_flag(flags, SUPPRESSED):
        return fmt.SUPPRESSED
    return fmt.marked(fmt.value(value, unit, missing=missing), has_flag(flags, INCOMPLETE_WINDOW))


def _compact(x: object, unit: str) -> str:
    """A target without a useless «,0»: 85 → «85 %», 82.5 → «82,5 %»."""
    xf = float(x)  # type: ignore[arg-type]
    text = fmt.number(xf, 0 if xf == round(xf) else 1)
    return text + fmt.NBSP + unit if unit else text


def _verb(name: str) -> str:
    """«Доля … составила», «Количество … составило»; «Призовые места …:» otherwise."""
    first = (name.split() or [""])[0].lower()
    return " " + VERBS[first] if first in VERBS else ":"


def _change(change: float, unit: str) -> str:
    """A change over the year: «+4,4 п. п.» for shares, «+3» or «−2,5» otherwise."""
    if unit == PERCENT:
        return fmt.pp(change)
    return fmt.signed(change, 0 if change == round(change) else 1)


def _end(text: str) -> str:
    """Close a sentence with one full stop (units such as «п. п.» already end with one)."""
    return text if text.endswith(".") else text + "."


def _diff(x: float, unit: str) -> str:
    return fmt.pp(x).lstrip("+") if unit == PERCENT else fmt.number(x, 0)


# --------------------------------------------------------------------------- scorecard


def scorecard_table(card: pd.DataFrame, year: int, years: Sequence[int]) -> Styler:
    """The scorecard for the reader: values of each year coloured by their band."""
    show = pd.DataFrame({"Показатель": card["name"]})
    bands = pd.DataFrame({"Показатель": [""] * len(card)})
    for y in years:
        show[str(y)] = [
            _shown(v, u, f) for v, u, f in zip(card[f"value_{y}"], card["unit"], card[f"flags_{y}"])
        ]
        bands[str(y)] = card[f"band_{y}"].replace("none", "").to_numpy()
    show[f"Цель {year}"] = [fmt.value(t, u) for t, u in zip(card[f"target_{year}"], card["unit"])]
    show["За год"] = [
        fmt.DASH if fmt.is_missing(c) else _change(c, u)
        for c, u in zip(card["change"], card["unit"])
    ]
    show["Оценка"] = [
        NOT_JUDGED
        if has_flag(f, INCOMPLETE_WINDOW) and not fmt.is_missing(t)
        else BAND_WORDS.get(b, "цель не установлена" if fmt.is_missing(t) else fmt.DASH)
        for b, t, f in zip(card["band"], card[f"target_{year}"], card[f"flags_{year}"])
    ]
    bands = bands.astype(object).reindex(columns=show.columns).astype(object).fillna("")
    bands["Оценка"] = card["band"].replace("none", "").to_numpy()
    right = [str(y) for y in years] + [f"Цель {year}", "За год"]
    return tables.styled(
        show,
        f"Показатели города за {fmt.years_range(years[0], years[-1])}",
        bands=bands,
        right=right,
        note=tables.incomplete_note(show),
    )


def scorecard_summary(card: pd.DataFrame, year: int) -> str:
    """One sentence: how many indicators with a target met it this year."""
    both = card[card[f"target_{year}"].notna() & card[f"value_{year}"].notna()]
    short = both[f"flags_{year}"].map(lambda f: has_flag(f, INCOMPLETE_WINDOW)).astype(bool)
    with_target, n_short = both[~short], int(short.sum())
    n = len(with_target)
    short_text = (
        f" По {fmt.count(n_short, 'показателю', 'показателям', 'показателям')} "
        "трёхлетнее окно неполное (ранних лет нет в данных): достижение цели не "
        "оценивается."
        if n_short
        else ""
    )
    if n == 0:
        return (
            f"В {year} году ни по одному показателю нет одновременно значения и цели "
            "на полном окне."
            if n_short
            else f"В {year} году ни по одному показателю нет одновременно значения и цели."
        ) + short_text
    counts = with_target["band"].value_counts()
    met, near, below = (int(counts.get(b, 0)) for b in monitoring.BANDS)
    no_value = int(card[f"value_{year}"].isna().sum())
    text = (
        f"В {year} году из {fmt.count(n, 'показателя', 'показателей', 'показателей')} "
        f"с целевым значением цель достигнута по {met}, близко к цели — {near}, "
        f"не достигнута — {below}."
    )
    if no_value:
        text += (
            f" По {fmt.count(no_value, 'показателю', 'показателям', 'показателям')} "
            "значения нет (нет данных или значение скрыто)."
        )
    return text + short_text


def scorecard_sentences(card: pd.DataFrame, year: int) -> list[str]:
    """A sentence per indicator: value, target, verdict and the change over the year."""
    out = []
    for _, r in card.iterrows():
        val, tgt, unit = r[f"value_{year}"], r[f"target_{year}"], r["unit"]
        if has_flag(r[f"flags_{year}"], SUPPRESSED):
            out.append(f"{r['name']}: значение скрыто (слишком мало человек).")
            continue
        if fmt.is_missing(val):
            out.append(f"{r['name']}: {fmt.NO_DATA}.")
            continue
        text = f"{r['name']}{_verb(r['name'])} {fmt.value(val, unit)}"
        if has_flag(r[f"flags_{year}"], INCOMPLETE_WINDOW):
            out.append(
                text + " — значение за неполное трёхлетнее окно (ранних лет нет в "
                "данных), оно занижено; достижение цели не оценивается."
            )
            continue
        if not fmt.is_missing(tgt):
            text += f" при цели {_compact(tgt, unit)}: {BAND_WORDS[r['band']]}"
        if not fmt.is_missing(r["change"]):
            change = fmt.pp(r["change"]) if unit == PERCENT else fmt.signed(r["change"], 0)
            text += f" (за год {change})"
        out.append(text if text.endswith(".") else text + ".")  # «0 ед.» takes no second dot
    return out


def key_panels(
    series: pd.DataFrame, catalogue: Mapping, ids: Sequence[str]
) -> list[tuple[str, str, pd.DataFrame]]:
    """(name, unit, year/value/target frame) of each key indicator at city level."""
    out = []
    for ind_id in ids:
        if ind_id in catalogue:
            frame = monitoring.dynamics_frame(series, ind_id, "city")
            if len(frame):
                out.append((catalogue[ind_id].name, catalogue[ind_id].unit, frame))
    return out


# --------------------------------------------------------------------------- units compared


def ranked_indicator(key_indicators: Sequence[str], catalogue: Mapping) -> str | None:
    """The first key indicator computed per institution (None when there is none)."""
    return next(
        (i for i in key_indicators if i in catalogue and "institution" in catalogue[i].levels), None
    )


def unit_names(level: str, institutions: pd.DataFrame | None) -> dict[str, str]:
    """Reader-facing names of units: institution names, type names; districts as they are."""
    if level == "institution" and institutions is not None:
        return dict(zip(institutions["inst_id"].astype(str), institutions["name"].astype(str)))
    if level == "inst_type":
        return dict(INST_TYPE_NAMES)
    return {}


def cell_labels(grid: UnitGrid) -> pd.DataFrame:
    """The text of each cell of a unit grid: «*» hidden, «—» empty, «†» incomplete window."""
    labels = pd.DataFrame(index=grid.values.index, dtype=object)
    for col in grid.values.columns:
        labels[col] = [
            _shown(v, grid.units[col], f) for v, f in zip(grid.values[col], grid.flags[col])
        ]
    return labels


def compare_title(level: str) -> str:
    """«Районы: показатели в сравнении с целями»."""
    return f"{LEVEL_PLURAL.get(level, level).capitalize()}: показатели в сравнении с целями"


def compare_table(grid: UnitGrid, level: str, caption: str) -> Styler:
    """The comparison grid as a table, first column the unit."""
    head = LEVEL_NAMES[level].capitalize()
    labels = cell_labels(grid)
    show = labels.reset_index(names=head)
    colours = grid.bands.replace("none", "").reset_index(names=head)
    colours[head] = ""
    return tables.styled(
        show,
        caption,
        bands=colours,
        right=list(labels.columns),
        note=tables.incomplete_note(labels),
    )


def spread_sentence(values: pd.DataFrame, indicator: str, unit: str, level: str) -> str:
    """«По району: от 61,0 % (Юг) до 84,2 % (Север)» — the range across units of a level."""
    col = values[indicator].dropna() if indicator in values.columns else values.iloc[:, :0]
    if len(col) < 2:
        return f"{indicator}: сравнивать {LEVEL_PLURAL.get(level, level)} не по чему."
    lo, hi = col.idxmin(), col.idxmax()
    text = (
        f"{indicator}: от {fmt.value(col[lo], unit)} ({lo}) до {fmt.value(col[hi], unit)} "
        f"({hi}), разница {_diff(col[hi] - col[lo], unit)}"
    )
    return _end(text)


# --------------------------------------------------------------------------- ШНОР / ШНСУ


def school_groups_table(groups: pd.DataFrame) -> Styler:
    """Indicators × (ШНОР, ШНСУ, остальные, ШНОР − остальные)."""
    labels = [label for _, label in SCHOOL_GROUPS] + [OTHERS]
    first = SCHOOL_GROUPS[0][1]
    out = []
    for _, g in groups.groupby("indicator_id", sort=False):
        g = g.set_index("group")
        unit = g["unit"].iloc[0]
        row = {"Показатель": g["name"].iloc[0]}
        for label in labels:
            row[f"{label} ({g.loc[label, 'schools']})"] = (
                fmt.SUPPRESSED
                if g.loc[label, "suppressed"]
                else fmt.value(g.loc[label, "value"], unit)
            )
        gap = g.loc[first, "value"] - g.loc[OTHERS, "value"]
        row[f"{first} − остальные"] = fmt.DASH if pd.isna(gap) else _change(gap, unit)
        out.append(row)
    show = pd.DataFrame(out)
    return tables.styled(
        show,
        "Школы с низкими результатами (ШНОР) и в неблагоприятных "
        "условиях (ШНСУ) в сравнении с остальными школами "
        "(в скобках — число школ)",
        right=list(show.columns[1:]),
    )


def school_group_sentences(lagging: pd.DataFrame) -> list[str]:
    """A sentence per share where ШНОР or ШНСУ lag the other schools (`lagging_groups`)."""
    return [
        f"{r.name}: в {r.group} {fmt.value(r.value, r.unit)} против "
        f"{fmt.value(r.others, r.unit)} в остальных школах "
        f"(хуже на {fmt.number(r.gap, 1)}{fmt.NBSP}п.{fmt.NBSP}п.)."
        for r in lagging.itertuples(index=False)
    ]


# --------------------------------------------------------------------------- rankings


def ranking_table(
    ranked: pd.DataFrame, catalogue: Mapping, indicator_id: str, n: int, worst: bool = True
) -> Styler:
    """The `n` lowest-ranked (or highest-ranked) institutions with a value."""
    name, unit = catalogue[indicator_id].name, catalogue[indicator_id].unit
    have = ranked[ranked["place"].notna()]
    part = have.tail(n).iloc[::-1] if worst else have.head(n)
    show = pd.DataFrame(
        {
            "Место": [fmt.integer(p) for p in part["place"]],
            "Учреждение": part["name"].to_numpy(),
            "Район": part["district"].to_numpy(),
            "Тип": part["inst_type"].to_numpy(),
            "Значение": [_shown(v, unit, f) for v, f in zip(part["value"], part["flags"])],
            "Цель": [fmt.value(t, unit) for t in part["target"]],
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Значение"] = part["band"].replace("none", "").to_numpy()
    which = "последние" if worst else "первые"
    caption = f"{name}: {which} {n} мест из {len(have)}"
    return tables.styled(
        show,
        caption,
        bands=bands,
        right=["Место", "Значение", "Цель"],
        note=tables.incomplete_note(show["Значение"]),
        links={"Учреждение": part["inst_id"].tolist()},
    )


# --------------------------------------------------------------------------- data quality


def outliers_table(found: pd.DataFrame) -> Styler:
    """Outliers for the reader: institution, indicator, its value and the city's median."""
    show = pd.DataFrame(
        {
            "Учреждение": found["inst_name"].to_numpy(),
            "Показатель": found["name"].to_numpy(),
            "Значение": [fmt.value(v, u) for v, u in zip(found["value"], found["unit"])],
            "Медиана по учреждениям": [
                fmt.value(v, u) for v, u in zip(found["median"], found["unit"])
            ],
            "Отклонение": [
                "выше обычного" if zz > 0 else "ниже обычного" for zz in found["robust_z"]
            ],
        }
    )
    return tables.styled(
        show,
        "Необычные значения (проверьте данные учреждения)",
        right=["Значение", "Медиана по учреждениям"],
        links={"Учреждение": found["inst_id"].tolist()},
    )


def quality_sentences(tidy: pd.DataFrame, catalogue: Mapping, found: pd.DataFrame) -> list[str]:
    """Findings on data quality: outliers, indicators without data, incomplete windows."""
    out = []
    if len(found):
        n_inst = found["inst_id"].nunique()
        out.append(
            f"Необычные значения: {fmt.count(len(found), 'случай', 'случая', 'случаев')} "
            f"в {fmt.count(n_inst, 'учреждении', 'учреждениях', 'учреждениях')} — "
            "значение далеко от типичного для учреждений города; стоит сверить данные."
        )
    else:
        out.append("Необычных значений у учреждений не найдено.")
    empty = monitoring.no_data_indicators(tidy, catalogue)
    if empty:
        out.append("Нет данных по показателям: " + "; ".join(empty) + ".")
    short = monitoring.incomplete_windows(tidy, catalogue)
    if short:
        out.append(
            "Трёхлетнее окно неполное (нет данных за ранние годы), значения занижены: "
            + "; ".join(short)
            + "."
        )
    return out


def anomaly_findings(anomalies: pd.DataFrame) -> pd.DataFrame:
    """`staff_anomalies` with its finding in words: person_id, inst_id, finding."""
    words = [
        f"стаж {fmt.number(r.experience_years, 0)} лет при возрасте {int(r.age)} лет"
        if r.finding == monitoring.EXPERIENCE_OVER_AGE
        else "курс учтён, но работника нет в списке кадров года"
        for r in anomalies.itertuples(index=False)
    ]
    return pd.DataFrame(
        {
            "person_id": anomalies["person_id"].to_numpy(),
            "inst_id": anomalies["inst_id"].to_numpy(),
            "finding": words,
        },
        columns=["person_id", "inst_id", "finding"],
    )


def person_table(frame: pd.DataFrame, names: Mapping[str, str], caption: str) -> Styler:
    """A person-level list for the internal profile, with Russian headers; a withheld list
    says why in its caption."""
    reason = frame.attrs.get(WITHHELD)
    if reason:
        caption = f"{caption}: {reason}"
    show = frame.rename(columns=PERSON_HEADERS)
    if "Учреждение" in show.columns:
        show["Учреждение"] = [
            names.get(str(i), str(i)) if i else fmt.DASH for i in show["Учреждение"]
        ]
    if "Стаж, лет" in show.columns:
        show["Стаж, лет"] = [fmt.number(x, 0) for x in show["Стаж, лет"]]
    links = None
    if "Учреждение" in show.columns and "inst_id" in frame.columns:
        links = {"Учреждение": frame["inst_id"].tolist()}  # a missing id: no link
    return tables.styled(show, caption, links=links)


# --------------------------------------------------------------------------- completeness


def completeness_table(by_type: pd.DataFrame) -> Styler:
    show = pd.DataFrame(
        {
            "Тип объединения": by_type["assoc_type"].to_numpy(),
            "В реестре": [fmt.integer(x) for x in by_type["registered"]],
            "Сдали план-отчёт": [fmt.integer(x) for x in by_type["reported"]],
            "Не сдали": [fmt.integer(x) for x in by_type["missing"]],
            "Доля сдавших": [fmt.percent(x) for x in by_type["share"]],
        }
    )
    return tables.styled(show, "Сдача планов-отчётов объединениями", right=list(show.columns[1:]))


def missing_reports_table(missing: pd.DataFrame) -> Styler | None:
    """The associations that did not submit a plan-report (None when all did)."""
    if missing.empty:
        return None
    show = pd.DataFrame(
        {
            "Код": missing["assoc_id"].to_numpy(),
            "Тип": missing["assoc_type"].to_numpy(),
            "Объединение": missing["name"].to_numpy(),
        }
    )
    return tables.styled(
        show,
        "Объединения, не сдавшие план-отчёт",
        links={"Объединение": missing["assoc_id"].tolist()},
    )


def completeness_sentence(by_type: pd.DataFrame, missing: pd.DataFrame) -> str:
    """«Планы-отчёты сдали 40 из 44 объединений (90,9 %); не сдали: ГПО — 2, ПТГ — 2.»"""
    if by_type.empty:
        return "Реестр объединений за год не поступил: полноту отчётности оценить нельзя."
    reg, rep = int(by_type["registered"].sum()), int(by_type["reported"].sum())
    text = (
        f"Планы-отчёты сдали {rep} из {fmt.count(reg, 'объединения', 'объединений', 'объединений')}"
        f" ({fmt.percent(rep / reg * 100)})."
    )
    if len(missing):
        parts = [f"{t} — {n}" for t, n in missing.groupby("assoc_type").size().items()]
        text += " Не сдали: " + ", ".join(parts) + "."
    else:
        text += " Отчитались все."
    return text


# --------------------------------------------------------------------------- the Centre


def centre_table(pf: pd.DataFrame) -> Styler:
    show = pd.DataFrame(
        {
            "Показатель муниципального задания": pf["name"].to_numpy(),
            "План": [fmt.value(v, u) for v, u in zip(pf["plan"], pf["unit"])],
            "Факт": [fmt.value(v, u) for v, u in zip(pf["fact"], pf["unit"])],
            "Выполнение": [fmt.percent(p) for p in pf["percent"]],
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Выполнение"] = [
        "" if pd.isna(p) else ("meets" if p >= 100 else "below") for p in pf["percent"]
    ]
    return tables.styled(
        show,
        "Выполнение муниципального задания Центра",
        bands=bands,
        right=["План", "Факт", "Выполнение"],
    )


def centre_sentences(pf: pd.DataFrame) -> list[str]:
    out = []
    for r in pf.itertuples(index=False):
        if pd.isna(r.fact):
            out.append(f"{r.name}: {fmt.NO_DATA}.")
        elif pd.isna(r.plan):
            out.append(f"{r.name}: {fmt.value(r.fact, r.unit)}; план не задан.")
        else:
            verdict = "задание выполнено" if r.percent >= 100 else "задание не выполнено"
            out.append(
                f"{r.name}: {fmt.value(r.fact, r.unit)} при плане "
                f"{fmt.value(r.plan, r.unit)} ({fmt.percent(r.percent)} плана) — {verdict}."
            )
    return out


# --------------------------------------------------------------------------- methodology


def finding_text(criterion_id: str, facts: Mapping | None) -> str:
    """What the data shows on one criterion, as a sentence (`methodology.evaluate`'s facts)."""
    if facts is None:
        return fmt.NO_DATA.capitalize() + "."
    return FINDINGS[criterion_id](facts)


def _target_groups_text(f: Mapping) -> str:
    text = (
        f"Проведено {fmt.count(f['events'], 'мероприятие', 'мероприятия', 'мероприятий')} "
        f"({fmt.integer(f['participations'])} участий); охвачены "
        f"{len(f['covered'])} из {f['groups']} целевых групп"
    )
    return text + (
        f"; без мероприятий: {fmt.join_ru(list(f['missing']))}." if f["missing"] else "."
    )


def _communities_text(f: Mapping) -> str:
    if not f["associations"]:
        return "Объединений в реестре нет."
    parts = [f"{t} — {fmt.integer(n)}" for t, n in f["by_type"]]
    text = (
        f"В реестре {fmt.count(f['associations'], 'объединение', 'объединения', 'объединений')}"
        f" ({', '.join(parts)})"
    )
    if f["coverage"] is None:
        return text + "; охват педагогов неизвестен."
    return text + f"; в них участвуют {fmt.percent(f['coverage'])} педагогов города."


def _motivation_text(f: Mapping) -> str:
    text = f"Диагностику профессиональных дефицитов прошли {fmt.percent(f['deficits'])} педагогов"
    if f["burnout"] is not None:
        text += f", диагностику выгорания — {fmt.percent(f['burnout'])}"
    return text + "."


def _products_text(f: Mapping) -> str:
    if not f["products"]:
        return "Методических продуктов за год не зарегистрировано."
    return (
        f"В банке {fmt.count(f['products'], 'методический продукт', 'методических продукта', 'методических продуктов')}"
        f" года: Центра — {f['centre']}, объединений — {f['associations']}, "
        f"учреждений — {f['institutions']}."
    )


FINDINGS = {
    "target_groups": _target_groups_text,
    "communities": _communities_text,
    "motivation_practices": _motivation_text,
    "products_bank": _products_text,
}


def evaluation_frame(ev: pd.DataFrame) -> pd.DataFrame:
    """`methodology.evaluate` in words: title, finding, status, basis, statement."""
    return pd.DataFrame(
        {
            "id": ev["id"].to_numpy(),
            "title": ev["title"].to_numpy(),
            "finding": [finding_text(i, f) for i, f in zip(ev["id"], ev["facts"])],
            "status": ev["status"].to_numpy(),
            "basis": [BASIS_WORDS[b] for b in ev["basis"]],
            "statement": ev["statement"].to_numpy(),
        }
    )


def evaluation_table(ev: pd.DataFrame) -> Styler:
    """The four criteria for the reader, status cells coloured."""
    words = evaluation_frame(ev)
    show = pd.DataFrame(
        {
            "Критерий": words["title"].to_numpy(),
            "Что показывают данные": words["finding"].to_numpy(),
            "Оценка": words["status"].to_numpy(),
            "Основание оценки": words["basis"].to_numpy(),
            "Характеристика": words["statement"].to_numpy(),
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Оценка"] = [STATUS_BANDS.get(s, "") for s in ev["status"]]
    return tables.styled(show, "Оценка системы методической работы", bands=bands)


def evaluation_summary(ev: pd.DataFrame) -> str:
    """«По данным оценены 3 критерия из 4; в наличии — 2, частично — 2, отсутствует — 0.»"""
    counts = ev["status"].value_counts()
    by_data = int((ev["basis"] == methodology.BY_DATA).sum())
    parts = ", ".join(f"{s} — {int(counts.get(s, 0))}" for s in methodology.STATUSES)
    return (
        f"По данным года оценено {by_data} из {fmt.count(len(ev), 'критерия', 'критериев', 'критериев')}"
        f", остальные — по экспертной оценке. Итог: {parts}."
    )


# --------------------------------------------------------------------------- overview


def data_summary(
    institutions: pd.DataFrame | None,
    staff: pd.DataFrame | None,
    associations: pd.DataFrame | None,
    year: int,
) -> str:
    """«В 2023 году в данных 150 учреждений в 3 районах, 6012 работников, 44 объединения.»"""
    parts = []
    if institutions is not None:
        n_d = institutions["district"].nunique()
        parts.append(
            f"{fmt.count(len(institutions), 'учреждение', 'учреждения', 'учреждений')} "
            f"в {n_d} {fmt.plural(n_d, 'районе', 'районах', 'районах')}"
        )
    if staff is not None:
        parts.append(fmt.count(len(staff), "работник", "работника", "работников"))
    if associations is not None:
        parts.append(fmt.count(len(associations), "объединение", "объединения", "объединений"))
    if not parts:
        return f"За {year} год нет ни реестра учреждений, ни списков кадров."
    return f"В {year} году в данных: " + ", ".join(parts) + "."


def conclusion_lines(
    card: pd.DataFrame,
    year: int,
    groups_lag: Sequence[str],
    completeness: str,
    centre: pd.DataFrame,
) -> list[str]:
    """The closing bullets of the stage: what a head of department should take away."""
    out = [scorecard_summary(card, year)]
    below = card[card["band"] == "below"]
    if len(below):
        out.append("Цель не достигнута: " + "; ".join(below["name"]) + ".")
    worse = monitoring.worsened(card)
    if len(worse):
        out.append(
            "Ухудшились за год: "
            + "; ".join(f"{n} ({fmt.pp(c)})" for n, c in zip(worse["name"], worse["change"]))
            + "."
        )
    if groups_lag:
        out.append(
            f"ШНОР/ШНСУ заметно отстают от остальных школ по "
            f"{fmt.count(len(groups_lag), 'показателю', 'показателям', 'показателям')}."
        )
    out.append(completeness)
    if len(centre) and centre["percent"].notna().any():
        done = int((centre["percent"] >= 100).sum())
        out.append(
            f"Муниципальное задание Центра выполнено по {done} из "
            f"{fmt.count(int(centre['percent'].notna().sum()), 'показателя', 'показателей', 'показателей')}."
        )
    return out
