"""Page 05 «Меры, управленческие решения»: the register of the year and its correspondence checks.

Every table, sentence, figure and profile decision of `notebooks/05_measures.ipynb`. The numbers
come from the domain module `analysis.register`; the problems and recommendations it is checked
against are the year's shared results (`analysis.year_results`). The public profile drops the
free-text columns that may carry a name (`PRIVATE_COLUMNS`) and checks only the problems it may
show (`problems.for_reader`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from analysis import context, fmt, plots, problems, register, tables
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.register import MECHANISMS, MUKO_SYSTEMS, STATUSES, Correspondence
from analysis.vocabulary import LEVEL_NAMES, targets_all, targets_words
from analysis.year_results import YearResults, year_results

if TYPE_CHECKING:  # what `tables.say` and `plots.show` return
    from IPython.display import HTML, Image

# free-text columns of `Меры` that may carry a person's name (SPEC §3, §6: never public)
PRIVATE_COLUMNS = ("Ответственный",)
PRIVATE_FIELDS = ("responsible",)  # the same, by machine name (`measures.csv`)
STATUS_COLOURS = {"выполнено": "#3a9a5b", "запланировано": "#b9c4cc", "не выполнено": "#d1495b"}
assert set(STATUS_COLOURS) == set(STATUSES)


@dataclass(frozen=True)
class Register:
    """What the page reads of a year: the register and the units its addressees resolve to."""

    year: int
    measures: pd.DataFrame | None  # None: `Меры` did not arrive
    institutions: pd.DataFrame | None
    associations: pd.DataFrame | None


def read(ctx: Context) -> Register:
    """The year's register, institutions and associations, through the run's reader."""
    return Register(
        ctx.year,
        register.load_measures(ctx.data),
        ctx.data.table("institutions"),
        ctx.data.table("associations"),
    )


# --------------------------------------------------------------------------- «Данные»


def summary(data: Register) -> HTML:
    """What the register of the year says, or that it did not arrive."""
    if data.measures is None:
        return tables.say(f"Реестр мер (measures.xlsx) за {data.year} год не поступил.")
    return tables.say(register_sentences(data.measures, data.year))


def register_sentences(measures: pd.DataFrame | None, year: int) -> list[str]:
    """What the register of the year says, in a few sentences."""
    frame = register.or_empty(measures)
    if not len(frame):
        return [f"В реестре {year} года мер нет."]
    counts = register.by_mechanism(frame)
    used = counts[counts["total"] > 0].sort_values("total", ascending=False, kind="stable")
    unused = list(counts.loc[counts["total"] == 0, "mechanism"])
    status = register.status_summary(frame).set_index("status")["count"]
    out = [
        f"В {year} году принято "
        + fmt.count(
            len(frame), "управленческое решение", "управленческих решения", "управленческих решений"
        )
        + ": "
        + ", ".join(f"{m} — {fmt.integer(n)}" for m, n in zip(used["mechanism"], used["total"]))
        + ".",
        "Статус исполнения: "
        + ", ".join(f"{s} — {fmt.integer(status[s])}" for s in STATUSES)
        + ".",
    ]
    everyone = int(frame["targets"].map(targets_all).sum())
    if everyone:
        out.append(
            f"Адресовано всем учреждениям: {fmt.integer(everyone)} из "
            f"{fmt.integer(len(frame))}; остальные меры адресные."
        )
    if unused:
        out.append("Механизмы без мер в этом году: " + fmt.join_ru(unused) + ".")
    return out


# --------------------------------------------------------------------------- «Расчёт»


def mechanism_table(data: Register) -> Styler:
    """Measures per mechanism and status, Russian headers."""
    counts = register.by_mechanism(data.measures)
    show = pd.DataFrame(
        {
            "Механизм": counts["mechanism"].to_numpy(),
            "Всего мер": [fmt.integer(x) for x in counts["total"]],
        }
    )
    for status in STATUSES:
        show[status.capitalize()] = [fmt.integer(x) for x in counts[status]]
    return tables.styled(
        show, "Меры по механизмам и статусу исполнения", right=list(show.columns[1:])
    )


def mechanism_chart(data: Register) -> Image:
    """The figure of `mechanism_figure` as the page shows it (a fixed PNG)."""
    title = f"Меры {data.year} года по механизмам и статусу"
    return plots.show(mechanism_figure(register.by_mechanism(data.measures), title))


def mechanism_figure(counts: pd.DataFrame, title: str) -> Figure:
    """Horizontal stacked bars: measures per mechanism (`register.by_mechanism`), by status."""
    plots.setup()
    fig, ax = plt.subplots(figsize=(plots.WIDTH, 0.45 * len(counts) + 1.4))
    ypos = np.arange(len(counts))[::-1]
    left = np.zeros(len(counts))
    for status in STATUSES:
        vals = counts[status].to_numpy(dtype=float)
        ax.barh(ypos, vals, left=left, color=STATUS_COLOURS[status], height=0.65, label=status)
        left += vals
    for y, total in zip(ypos, counts["total"]):
        ax.text(float(total) + 0.1, y, str(int(total)), va="center", fontsize=8)
    ax.set_yticks(ypos, list(counts["mechanism"]))
    ax.grid(axis="y", visible=False)
    ax.set_xlim(0, max(float(counts["total"].max()), 1.0) * 1.15)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("число мер")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8, frameon=True)
    return fig


def muko_matrix(data: Register) -> Styler:
    """The seed's first slide filled from the register: measures per ПК mechanism × the other
    МУКО system they serve, with the empty cells named as gaps (displayed above the table)."""
    counts = register.by_muko_system(data.measures)
    display(tables.say(muko_sentences(counts, data.measures is not None)))
    return muko_table(counts)


def muko_table(counts: pd.DataFrame) -> Styler:
    """`register.by_muko_system` with Russian headers; an empty cell is coloured as a gap."""
    show = pd.DataFrame({"Механизм ПК": counts["mechanism"].to_numpy()})
    for system in MUKO_SYSTEMS:
        show[system[0].upper() + system[1:]] = [fmt.integer(x) for x in counts[system]]
    show["Всего мер"] = [fmt.integer(x) for x in counts["total"]]
    show["Без отметки"] = [fmt.integer(x) for x in counts["unmarked"]]
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    for column, system in zip(show.columns[1 : 1 + len(MUKO_SYSTEMS)], MUKO_SYSTEMS):
        bands[column] = ["below" if int(x) == 0 else "meets" for x in counts[system]]
    return tables.styled(
        show,
        "Меры года по механизмам ПК и другим механизмам управления качеством образования (МУКО)",
        bands=bands,
        right=list(show.columns[1:]),
    )


def muko_sentences(counts: pd.DataFrame, arrived: bool = True) -> list[str]:
    """What the matrix says: how many measures serve other МУКО systems, and the gaps by name."""
    if not arrived:
        return ["Реестр мер не поступил: связь мер с другими механизмами МУКО не оценивается."]
    total, unmarked = int(counts["total"].sum()), int(counts["unmarked"].sum())
    if total == 0:
        return ["Мер нет: связь с другими механизмами МУКО не оценивается."]
    if unmarked == total:
        return [
            (
                "В реестре не заполнен столбец «Механизмы МУКО»: ни у одной меры не указано, "
                "каким другим механизмам управления качеством она служит."
            )
        ]
    out = [
        f"Другим механизмам МУКО служат {fmt.integer(total - unmarked)} из "
        f"{fmt.count(total, 'меры', 'мер', 'мер')} года"
        + (f"; у {fmt.integer(unmarked)} отметки нет." if unmarked else ".")
    ]
    gaps = register.muko_gaps(counts)
    if not gaps:
        out.append("Пробелов нет: каждый механизм ПК служит каждой системе МУКО.")
        return out
    n = sum(len(v) for v in gaps.values())
    out.append(
        f"Пробелы ({fmt.count(n, 'пустая клетка', 'пустые клетки', 'пустых клеток')} из "
        f"{len(counts) * len(MUKO_SYSTEMS)}) — ни одна мера года механизма ПК не служит "
        "системе: " + "; ".join(_gap_words(m, s, counts) for m, s in gaps.items()) + "."
    )
    return out


def _gap_words(mechanism: str, systems: list[str], counts: pd.DataFrame) -> str:
    """«конкурсы — профориентация, ШНОР/ШНСУ» («…: мер механизма в году нет» when it has none)."""
    total = int(counts.loc[counts["mechanism"] == mechanism, "total"].iloc[0])
    if total == 0:
        return f"{mechanism} — мер этого механизма в году нет"
    return f"{mechanism} — {', '.join(systems)}"


def register_table(ctx: Context, data: Register) -> Styler:
    """The register of the year as the profile may show it."""
    return register_styler(
        data.measures, f"Реестр управленческих решений {data.year} года", public=ctx.public
    )


def register_styler(
    measures: pd.DataFrame | None, caption: str | None = None, public: bool = False
) -> Styler:
    """The register grouped by mechanism (contract order), Russian headers; the public profile
    drops `PRIVATE_COLUMNS`."""
    frame = register.or_empty(measures)
    rank = {m: i for i, m in enumerate(MECHANISMS)}
    frame = frame.assign(_r=frame["mechanism"].map(rank)).sort_values(
        ["_r", "date", "measure_id"], kind="stable"
    )
    show = pd.DataFrame(
        {
            "Механизм": frame["mechanism"].to_numpy(),
            "Код": frame["measure_id"].to_numpy(),
            "Дата": [fmt.date(d) for d in frame["date"]],
            "Содержание": frame["title"].to_numpy(),
            "Документ": frame["document"].to_numpy(),
            "Адресаты": [targets_words(t) for t in frame["targets"]],
            "Показатели": [indicators_text(i) for i in frame["indicator_ids"]],
            "Ответственный": frame["responsible"].to_numpy(),
            "Срок": [fmt.date(d) for d in frame["deadline"]],
            "Статус": frame["status"].to_numpy(),
        }
    )
    if public:
        show = show.drop(columns=list(PRIVATE_COLUMNS))
    return tables.styled(show, caption)


def indicators_text(indicator_ids: object) -> str:
    """Indicator names of a measure (ids not in the catalogue are shown as they are)."""
    ids = register.split_ids(indicator_ids)
    return "; ".join(CATALOGUE[i].name if i in CATALOGUE else i for i in ids) or "не указаны"


# --------------------------------------------------------------------------- «Проверки»


def problems_for(ctx: Context, shared: YearResults | None = None) -> pd.DataFrame:
    """The year's problems (computed once a year; ``shared``: the year's results when the
    caller holds them) as the profile may show them: the public profile keeps those that give
    no hidden value away (`problems.for_reader`)."""
    found = (year_results(ctx) if shared is None else shared).problems
    if ctx.public:
        history = context.indicator_history(ctx, context.indicator_table(ctx))
        found = problems.for_reader(found, context.for_reader(ctx, history))
    return found


def correspondence(
    ctx: Context,
    data: Register,
    shared: YearResults | None = None,
    found: pd.DataFrame | None = None,
) -> Correspondence:
    """The register checked against the year's problems (`problems_for`) and recommendations
    (computed once a year). A caller that holds them passes the year's results (``shared``)
    and the problems it shows (``found``), so they are not read again."""
    shared = year_results(ctx) if shared is None else shared
    return register.correspondence(
        data.measures,
        problems_for(ctx, shared) if found is None else found,
        shared.recommendations,
        data.institutions,
        data.associations,
    )


def tidy_for(
    ctx: Context,
    shared: YearResults | None = None,
    shown: Callable[[int], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """``measures.csv`` of the context's year as its profile may show it (SPEC §5): the
    register with the findings of the page's correspondence check; the public one without
    `PRIVATE_FIELDS`. A caller writing several tables of the year passes the year's results
    (``shared``) and year → its indicator table as the profile shows it (``shown``,
    `analysis.pages.effectiveness.shown_tables`), so that each is read once."""
    data = read(ctx)
    shared = year_results(ctx) if shared is None else shared
    found = None  # `problems_for` reads the window's public tables itself
    if ctx.public and shown is not None:  # as `problems_for` decides, on the tables held
        history_shown = pd.concat([shown(y) for y in ctx.window_years], ignore_index=True)
        found = problems.for_reader(shared.problems, history_shown)
    out = register.tidy(data.measures, correspondence(ctx, data, shared, found))
    return out.drop(columns=list(PRIVATE_FIELDS)) if ctx.public else out


def correspondence_summary(check: Correspondence) -> HTML:
    """The correspondence checks in sentences."""
    return tables.say(correspondence_sentences(check, True, True))


def correspondence_sentences(
    check: Correspondence, has_problems: bool, has_recommendations: bool
) -> list[str]:
    """The correspondence checks in sentences (what is missing on each side)."""
    out = []
    if has_problems:
        n = len(check.problems_without_measure)
        out.append(
            "У всех найденных проблем есть мера."
            if n == 0
            else f"Без меры остаются {fmt.count(n, 'проблема', 'проблемы', 'проблем')} анализа."
        )
    if has_recommendations:
        n = len(check.recommendations_without_measure)
        out.append(
            "Все адресные рекомендации подкреплены мерами."
            if n == 0
            else f"Без меры остаются {fmt.count(n, 'рекомендация', 'рекомендации', 'рекомендаций')}."
        )
    if has_problems or has_recommendations:
        n = len(check.measures_without_problem)
        out.append(
            "Каждая мера отвечает на найденную проблему или рекомендацию."
            if n == 0
            else f"{fmt.count(n, 'мера не отвечает', 'меры не отвечают', 'мер не отвечают')} "
            "ни на одну найденную проблему или рекомендацию этого года."
        )
    n = len(check.measures_without_indicator)
    out.append(
        "У каждой меры указаны показатели каталога."
        if n == 0
        else f"У {fmt.count(n, 'меры', 'мер', 'мер')} не указан ни один показатель каталога."
    )
    n = len(check.measures_without_addressee)
    out.append(
        "У каждой меры есть адресаты."
        if n == 0
        else f"У {fmt.count(n, 'меры', 'мер', 'мер')} адресаты не найдены среди учреждений и "
        "объединений года."
    )
    return out


def unanswered_problems(check: Correspondence) -> Styler:
    """Problems without a measure, counted per indicator and level."""
    return unanswered_table(
        register.unanswered_by_indicator(check.problems_without_measure),
        "Проблемы без мер: по показателям и уровням",
    )


def unanswered_recommendations(check: Correspondence) -> Styler:
    """Recommendations without a measure, counted per indicator and level."""
    return unanswered_table(
        register.unanswered_by_indicator(check.recommendations_without_measure),
        "Рекомендации без мер: по показателям и уровням",
    )


def unanswered_table(counts: pd.DataFrame, caption: str) -> Styler:
    """`register.unanswered_by_indicator` with Russian headers."""
    show = pd.DataFrame(
        {
            "Показатель": [
                CATALOGUE[i].name if i in CATALOGUE else (i or "—") for i in counts["indicator_id"]
            ],
            "Уровень": [LEVEL_NAMES.get(lv, lv) for lv in counts["level"]],
            "Без меры": [fmt.integer(x) for x in counts["count"]],
        }
    )
    return tables.styled(show, caption, right=["Без меры"])


def measure_findings(check: Correspondence) -> list[Styler]:
    """The measures each check found (one short table per check that found any)."""
    found = (
        (check.measures_without_problem, "Меры, не отвечающие ни на одну проблему года"),
        (check.measures_without_indicator, "Меры без показателей каталога"),
        (check.measures_without_addressee, "Меры без адресатов"),
    )
    return [measures_list_table(frame, caption) for frame, caption in found if len(frame)]


def measures_list_table(frame: pd.DataFrame, caption: str) -> Styler:
    """A short list of measures (code, content, addressees, indicators) for the checks."""
    show = pd.DataFrame(
        {
            "Код": frame["measure_id"].to_numpy(),
            "Содержание": frame["title"].to_numpy(),
            "Адресаты": [targets_words(t) for t in frame["targets"]],
            "Показатели": [indicators_text(i) for i in frame["indicator_ids"]],
        }
    )
    return tables.styled(show, caption)


# --------------------------------------------------------------------------- «Выводы»


def conclusions(data: Register, check: Correspondence) -> HTML:
    """The page's conclusions: how many decisions, and what the checks found."""
    return tables.say(
        register_sentences(data.measures, data.year)[:1]
        + correspondence_sentences(check, True, True)[:3]
    )
