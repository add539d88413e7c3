"""Page 02, «Показатели и методы сбора информации»: the forms received, the indicator passports,
the МУКО matrix with its gaps, and the conclusions.

`load` gathers the year's manifest entry (`ctx.data`), the catalogue, the goal titles and the
year's indicator table, and hands them to the pure `analysis.passports`; the `show_*`
functions give the notebook one displayable per section. The page is the same in both
profiles: it shows declarations and counts of rows read, no value of a unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, display
from pandas.io.formats.style import Styler

from analysis import context, fmt, goal_tree, passports, tables
from analysis.catalogue import CATALOGUE
from analysis.context import Context
from analysis.goals import load_goals

GAP = "пробел: нет показателя"
GROWTH_GAP = "не введены"  # a growth point that introduces indicators, none in the catalogue
BY_DECISIONS = "проблемный анализ и меры (этапы 04–05)"  # a growth point without indicators
PASSPORT_HEADERS = {  # passports.PASSPORT_COLUMNS → the table's Russian headers, in order
    "name": "Показатель",
    "group": "Блок",
    "formula": "Как считается",
    "unit": "Ед.",
    "levels": "Уровни",
    "sources": "Формы-источники",
    "source_doc": "Документ",
    "method": "Способ сбора",
    "frequency": "Периодичность",
    "goal": "Цель",
    "direction": "Направление",
}


@dataclass(frozen=True)
class IndicatorsPage:
    """What page 02 shows."""

    year: int
    catalogue: Mapping
    status: pd.DataFrame  # passports.forms_status
    passports: pd.DataFrame  # passports.passports
    matrix: pd.DataFrame  # passports.muko_matrix
    tidy: pd.DataFrame  # the year's indicator table


def load(ctx: Context) -> IndicatorsPage:
    """The year's forms, the passports and the МУКО matrix of the catalogue."""
    entry = ctx.data.manifest_entry()
    status = passports.forms_status(
        entry.get("forms_present", []), entry.get("rows", {}), CATALOGUE
    )
    titles = goal_tree.goal_titles(load_goals())
    return IndicatorsPage(
        ctx.year,
        CATALOGUE,
        status,
        passports.passports(CATALOGUE, titles),
        passports.muko_matrix(CATALOGUE),
        context.indicator_table(ctx),
    )


# --- the notebook's sections ------------------------------------------------------------------


def show_forms(page: IndicatorsPage) -> Styler:
    """The sentence on the forms received (displayed), then their table."""
    display(tables.say(forms_sentence(page.status, page.year)))
    return forms_table(page.status)


def show_passports(page: IndicatorsPage) -> Styler:
    return passports_table(page.passports)


def show_muko(page: IndicatorsPage) -> Styler:
    """The coverage sentence (displayed), then the МУКО matrix."""
    display(tables.say(muko_sentence(page.matrix), growth_sentence(page.matrix)))
    return muko_table(page.matrix)


def show_conclusions(page: IndicatorsPage) -> HTML:
    return tables.say(conclusions(page.catalogue, page.matrix, page.status, page.tidy, page.year))


# --- tables and sentences ---------------------------------------------------------------------


def passports_table(frame: pd.DataFrame) -> Styler:
    """The passports with Russian headers; «—» for an indicator without a goal."""
    show = frame[list(PASSPORT_HEADERS)].rename(columns=PASSPORT_HEADERS)
    show["Цель"] = show["Цель"].fillna(fmt.DASH)
    return tables.styled(show, f"Паспорта показателей ({len(show)})")


def muko_table(matrix: pd.DataFrame) -> Styler:
    show = pd.DataFrame(
        {
            "Механизм": matrix["mechanism"].to_numpy(),
            "Федеральный показатель МУКО": matrix["area"].to_numpy(),
            "Муниципальные показатели (по документу)": matrix["seed_indicators"].to_numpy(),
            "«Точка роста» в практике управления": matrix["growth_point"].to_numpy(),
            "Показатели книги": ["; ".join(n) if n else GAP for n in matrix["covered_by"]],
            "«Точка роста» реализована": [
                growth_text(by, gap) for by, gap in zip(matrix["growth_by"], matrix["growth_gap"])
            ],
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Показатели книги"] = ["below" if g else "meets" for g in matrix["gap"]]
    bands["«Точка роста» реализована"] = [
        "below" if gap else ("meets" if by else "")
        for by, gap in zip(matrix["growth_by"], matrix["growth_gap"])
    ]
    return tables.styled(
        show, "Федеральные показатели МУКО, муниципальные показатели и «точки роста»", bands=bands
    )


def growth_text(realised_by: list[str], gap: bool) -> str:
    """The indicators that realise a growth point, «не введены», or the stages that do."""
    if len(realised_by):
        return "; ".join(realised_by)
    return GROWTH_GAP if gap else BY_DECISIONS


def growth_sentence(matrix: pd.DataFrame) -> str:
    """Which growth points that introduce indicators are realised by the catalogue, and in which
    areas they are not yet (in the seed's order)."""
    realised: dict[str, list[str]] = {}
    for point, names in zip(matrix["growth_point"], matrix["growth_by"]):
        realised.setdefault(point, [])
        realised[point] += [n for n in names if n not in realised[point]]
    done = [f"«{p}» — {fmt.join_ru(n)}" for p, n in realised.items() if n]
    gaps = matrix[matrix["growth_gap"]]
    open_ = [f"«{p}» ({a.lower()})" for p, a in zip(gaps["growth_point"], gaps["area"])]
    out = []
    if done:
        out.append("«Точки роста», реализованные показателями книги: " + "; ".join(done) + ".")
    if open_:
        out.append("«Точки роста» пока без показателей: " + "; ".join(open_) + ".")
    return " ".join(out)


def muko_sentence(matrix: pd.DataFrame) -> str:
    """«Все 6 направлений МУКО покрыты показателями…» or the list of gaps."""
    n, gaps = len(matrix), list(matrix.loc[matrix["gap"], "area"])
    if not gaps:
        new = int((matrix["seed_indicators"] == passports.NONE_LISTED).sum())
        text = f"Все {n} направлений МУКО из таблицы «точек роста» покрыты показателями книги"
        if new:
            text += (
                f", в том числе {new} из них, для которых в документе муниципальных "
                "показателей не было"
            )
        return text + "."
    return f"Не покрыто показателями {len(gaps)} из {n} направлений МУКО: " + "; ".join(gaps) + "."


def forms_table(status: pd.DataFrame) -> Styler:
    show = pd.DataFrame(
        {
            "Форма": [passports.form_title(s) for s in status["stem"]],
            "Кто заполняет": status["filled_by"].to_numpy(),
            "Поступила": ["да" if r else "нет" for r in status["received"]],
            "Строк": [
                fmt.integer(n) if r else fmt.DASH
                for n, r in zip(status["rows"], status["received"])
            ],
            "Показатели без данных": [
                fmt.join_ru(a) if a else fmt.DASH for a in status["affected"]
            ],
        }
    )
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Поступила"] = ["meets" if r else "below" for r in status["received"]]
    return tables.styled(show, "Формы сбора информации за год", bands=bands, right=["Строк"])


def forms_sentence(status: pd.DataFrame, year: int) -> str:
    n, got = len(status), int(status["received"].sum())
    missing = [passports.form_title(s) for s in status.loc[~status["received"], "stem"]]
    text = f"За {year} год поступило {got} из {fmt.count(n, 'формы', 'форм', 'форм')}"
    if not missing:
        return text + ": все формы на месте."
    return text + ". Не поступили: " + "; ".join(missing) + "."


def conclusions(
    catalogue: Mapping, matrix: pd.DataFrame, status: pd.DataFrame, tidy: pd.DataFrame, year: int
) -> list[str]:
    """Closing bullets: size of the catalogue, coverage of МУКО, data that is missing."""
    n_docs = len({i.source_doc for i in catalogue.values()})
    size = (
        f"В каталоге {fmt.count(len(catalogue), 'показатель', 'показателя', 'показателей')} "
        f"из {fmt.count(n_docs, 'документа', 'документов', 'документов')}; у каждого указаны "
        "формула, источник, способ и периодичность сбора."
    )
    out = [size, muko_sentence(matrix), forms_sentence(status, year)]
    empty = passports.empty_top_indicators(tidy)
    if empty:
        out.append(
            f"За {year} год нет значения у "
            f"{fmt.count(empty, 'показателя', 'показателей', 'показателей')} "
            "городского уровня."
        )
    return out
