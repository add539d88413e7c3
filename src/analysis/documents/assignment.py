"""«Отчёт о выполнении муниципального задания»: plan, fact, % and deviation per indicator.

The plan is the Centre's `centre.xlsx › План` of the year; the fact is the indicator engine's
value of the same indicator at the Centre's level (one definition of each fact in the project:
`analysis.catalogue`). The column of explanations is left empty: the Centre writes why a value
deviates, the data cannot.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.contract import CENTRE_PLAN_INDICATORS
from analysis.documents.model import (
    AMOUNT,
    COUNT,
    PERCENT,
    SIGNED,
    Document,
    Field,
    Heading,
    Paragraph,
    Table,
)

STEM = "municipal_assignment"
TITLE = "Отчёт о выполнении муниципального задания"
SHEET = "Выполнение задания"
CENTRE_LEVEL = "centre"  # SPEC §5: the Centre's indicators are at level `centre`
EXPLANATION = "Причины отклонения, пояснения (заполняет Центр)"
COLUMNS = (
    "№",
    "Показатель",
    "Единица измерения",
    "План",
    "Факт",
    "Выполнение, %",
    "Отклонение (факт − план)",
    EXPLANATION,
)


def plan_fact(plan: pd.DataFrame | None, tidy: pd.DataFrame, catalogue: Mapping) -> pd.DataFrame:
    """One row per indicator of the plan: indicator_id, name, unit, plan, fact, percent,
    deviation. Without a plan, the assignment's indicators (SPEC §3) with their facts only.

    `percent` = 100 · fact / plan (empty for a plan of 0: no share of nothing); `deviation` =
    fact − plan; both empty when the fact or the plan is missing.
    """
    planned = _planned(plan)
    centre = tidy[tidy["level"].eq(CENTRE_LEVEL)].drop_duplicates("indicator_id")
    facts = dict(zip(centre["indicator_id"], pd.to_numeric(centre["value"], errors="coerce")))
    rows = []
    for ind_id, value in planned.items():
        known = catalogue.get(ind_id)
        fact = _number(facts.get(ind_id))
        rows.append(
            {
                "indicator_id": ind_id,
                "name": known.name if known is not None else ind_id,
                "unit": known.unit if known is not None else "",
                "plan": value,
                "fact": fact,
                "percent": fact / value * 100 if _both(fact, value) and value > 0 else None,
                "deviation": fact - value if _both(fact, value) else None,
            }
        )
    return pd.DataFrame(
        rows, columns=["indicator_id", "name", "unit", "plan", "fact", "percent", "deviation"]
    )


def _planned(plan: pd.DataFrame | None) -> dict[str, float | None]:
    """indicator_id → plan, in the contract's order of the assignment's indicators."""
    if plan is None:
        return dict.fromkeys(CENTRE_PLAN_INDICATORS)
    values = dict(zip(plan["indicator_id"].astype(str), pd.to_numeric(plan["plan"])))
    order = [i for i in CENTRE_PLAN_INDICATORS if i in values]
    order += sorted(i for i in values if i not in CENTRE_PLAN_INDICATORS)
    return {i: _number(values[i]) for i in order}


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _both(fact: float | None, plan: float | None) -> bool:
    return fact is not None and plan is not None


def table(frame: pd.DataFrame) -> Table:
    """The report's table: the explanations column empty for the Centre."""
    shown = pd.DataFrame(
        {
            COLUMNS[0]: list(range(1, len(frame) + 1)),
            COLUMNS[1]: frame["name"].tolist(),
            COLUMNS[2]: frame["unit"].tolist(),
            COLUMNS[3]: frame["plan"].tolist(),
            COLUMNS[4]: frame["fact"].tolist(),
            COLUMNS[5]: frame["percent"].tolist(),
            COLUMNS[6]: frame["deviation"].tolist(),
            COLUMNS[7]: [None] * len(frame),
        },
        columns=list(COLUMNS),
    )
    return Table(
        SHEET,
        "Показатели объёма муниципального задания: план и факт",
        shown,
        {
            COLUMNS[0]: COUNT,
            COLUMNS[3]: AMOUNT,
            COLUMNS[4]: AMOUNT,
            COLUMNS[5]: PERCENT,
            COLUMNS[6]: SIGNED,
        },
    )


def summary(frame: pd.DataFrame, plan_arrived: bool, year: int) -> list[str]:
    """What the table says, in sentences without numbers (they are in the table)."""
    if not plan_arrived:
        return [
            (
                f"Лист «План» формы centre.xlsx за {year} год не поступил: плановые значения не "
                "заданы, в таблице только фактические значения показателей задания."
            )
        ]
    judged = frame[frame["percent"].notna()]
    met = judged[judged["percent"] >= 100]
    out = [
        (
            f"Муниципальное задание на {year} год содержит показателей: {len(frame)}; "
            f"выполнено (факт не ниже плана): {len(met)} из {len(judged)}, "
            "по которым есть и план, и факт."
        )
    ]
    missing = frame.loc[frame["fact"].isna(), "name"].tolist()
    if missing:
        out.append("Нет данных о факте (не поступили формы-источники): " + "; ".join(missing) + ".")
    below = judged.loc[judged["percent"] < 100, "name"].tolist()
    if below:
        out.append(
            "Ниже плана: " + "; ".join(below) + ". Причины отклонения укажите в последнем "
            "столбце таблицы."
        )
    return out


def document(
    plan: pd.DataFrame | None, tidy: pd.DataFrame, catalogue: Mapping, year: int
) -> Document:
    """The whole report of the year."""
    frame = plan_fact(plan, tidy, catalogue)
    return Document(
        STEM,
        TITLE,
        year,
        (
            Heading(f"{TITLE} МУ ДПО «ЦПКИМР» за {year} год"),
            Paragraph(
                "План — лист «План» формы centre.xlsx; факт рассчитан по формам года "
                "(ДПО — курсы Центра, «Мероприятия», «Методические продукты») так же, как на "
                "странице «Мониторинг». Выполнение — факт в процентах от плана; отклонение — "
                "факт минус план."
            ),
            table(frame),
            *(Paragraph(s) for s in summary(frame, plan is not None, year)),
            Field("Пояснения к отклонениям от плана"),
            Field("Руководитель МУ ДПО «ЦПКИМР»"),
            Field("Дата"),
        ),
    )
