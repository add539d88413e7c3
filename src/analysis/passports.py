"""Stage 02, «Показатели и методы сбора информации»: passports, the МУКО matrix, forms received.

- the passport of every indicator of the catalogue (formula in words, unit, levels, source forms,
  source document, collection method, frequency, goal, direction);
- the seed's table «Федеральные показатели МУКО / Муниципальные показатели / «Точки роста»»,
  with the book's indicators that now cover each area and the areas left uncovered marked;
- which source forms arrived for the year and which are missing (and what that costs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
from pandas.io.formats.style import Styler

from analysis import contract, fmt, tables

LEVEL_WORDS = {
    "city": "город",
    "district": "район",
    "inst_type": "тип ОУ",
    "institution": "учреждение",
    "association": "объединение",
    "centre": "Центр",
}
DIRECTION_WORDS = {"higher": "выше — лучше", "lower": "ниже — лучше"}

# The seed's table «Федеральные показатели МУКО / Муниципальные показатели / «Точки роста» в
# практике управления», row by row: (mechanism, federal МУКО area, municipal indicators the seed
# lists for it — «—» where it lists none, the seed's «точка роста»).
MONITORING_SYSTEM = "Система мониторинга качества ДПО педагогических работников"
METHODICAL_SYSTEM = "Система методической работы"
MUKO_MATRIX: tuple[tuple[str, str, str, str], ...] = (
    (MONITORING_SYSTEM, "Организация диагностики профессиональных дефицитов педагогов",
     "—", "корректировка показателей планов-отчётов ГПО"),
    (MONITORING_SYSTEM, "Организация диагностики профессионального выгорания педагогов",
     "—", "корректировка показателей планов-отчётов ГПО"),
    (MONITORING_SYSTEM, "Конкурсы профессионального мастерства",
     ("целевые показатели муниципальной программы; показатели планов-отчётов ГПО; показатели "
      "эффективности деятельности руководителей и учреждений"),
     "проведение проблемного анализа и принятие управленческих решений"),
    (METHODICAL_SYSTEM, "Осуществление методической поддержки педагогов",
     "муниципальное задание Центра; показатели планов-отчётов ГПО",
     "проведение проблемного анализа и принятие управленческих решений"),
    (METHODICAL_SYSTEM, "Организация системы наставничества на муниципальном уровне",
     "показатели планов-отчётов ГПО",
     "проведение проблемного анализа и принятие управленческих решений"),
    (METHODICAL_SYSTEM, ("Организация сетевых форм взаимодействия педагогов на уровне "
                         "муниципалитета"), "показатели эффективности деятельности руководителей и учреждений",
     "введение показателей для планов-отчётов РЦ"),
)
GAP = "пробел: нет показателя"


def passports(catalogue: Mapping, goal_titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The passport of every indicator, with Russian headers and reader-facing texts."""
    goal_titles = goal_titles or {}
    rows = []
    for ind in catalogue.values():
        formula = ind.numerator_text
        if ind.unit == fmt.PERCENT:
            formula = f"{ind.numerator_text} ÷ {ind.denominator_text} × 100"
        rows.append({
            "Показатель": ind.name,
            "Блок": ind.group,
            "Как считается": formula,
            "Ед.": ind.unit,
            "Уровни": ", ".join(LEVEL_WORDS.get(lv, lv) for lv in ind.levels),
            "Формы-источники": ", ".join(form_title(s) for s in ind.sources),
            "Документ": ind.source_doc,
            "Способ сбора": ind.method,
            "Периодичность": ind.frequency,
            "Цель": goal_titles.get(ind.goal, ind.goal or fmt.DASH),
            "Направление": DIRECTION_WORDS.get(ind.direction, ind.direction),
        })
    return pd.DataFrame(rows)


def passports_table(frame: pd.DataFrame) -> Styler:
    return tables.styled(frame, f"Паспорта показателей ({len(frame)})")


def form_title(stem: str) -> str:
    """«Кадры (staff.xlsx)»: the form's title with the file the institutions fill."""
    form = contract.FORMS_BY_STEM.get(stem)
    return f"{form.title} ({stem}.xlsx)" if form else stem


def muko_matrix(catalogue: Mapping) -> pd.DataFrame:
    """The seed's МУКО table with the indicators that cover each area (areas without any: gap).

    Columns: mechanism, area, seed_indicators, growth_point, covered_by (list of names), gap.
    """
    rows = []
    for mechanism, area, seed_text, growth in MUKO_MATRIX:
        names = [ind.name for ind in catalogue.values() if ind.muko == area]
        rows.append({"mechanism": mechanism, "area": area, "seed_indicators": seed_text,
                     "growth_point": growth, "covered_by": names, "gap": not names})
    return pd.DataFrame(rows)


def muko_table(matrix: pd.DataFrame) -> Styler:
    show = pd.DataFrame({
        "Механизм": matrix["mechanism"].to_numpy(),
        "Федеральный показатель МУКО": matrix["area"].to_numpy(),
        "Муниципальные показатели (по документу)": matrix["seed_indicators"].to_numpy(),
        "«Точка роста» в практике управления": matrix["growth_point"].to_numpy(),
        "Показатели книги": ["; ".join(n) if n else GAP for n in matrix["covered_by"]],
    })
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Показатели книги"] = ["below" if g else "meets" for g in matrix["gap"]]
    return tables.styled(show, "Федеральные показатели МУКО, муниципальные показатели и "
                               "«точки роста»", bands=bands)


def muko_sentence(matrix: pd.DataFrame) -> str:
    """«Все 6 направлений МУКО покрыты показателями…» or the list of gaps."""
    n, gaps = len(matrix), list(matrix.loc[matrix["gap"], "area"])
    if not gaps:
        new = int((matrix["seed_indicators"] == "—").sum())
        text = f"Все {n} направлений МУКО из таблицы «точек роста» покрыты показателями книги"
        if new:
            text += (f", в том числе {new} из них, для которых в документе муниципальных "
                     "показателей не было")
        return text + "."
    return (f"Не покрыто показателями {len(gaps)} из {n} направлений МУКО: "
            + "; ".join(gaps) + ".")


def forms_status(present: Sequence[str], rows: Mapping[str, int], catalogue: Mapping
                 ) -> pd.DataFrame:
    """Every form of the contract: received or not, rows read, indicators left without data.

    ``present`` are the stems that arrived (manifest), ``rows`` the rows per processed table.
    Columns: stem, title, filled_by, received, rows, affected (names of indicators needing it).
    """
    out = []
    for form in contract.FORMS:
        got = form.stem in set(present)
        n = sum(int(rows.get(s.table, 0)) for s in form.sheets) if got else 0
        affected = [] if got else [i.name for i in catalogue.values() if form.stem in i.sources]
        out.append({"stem": form.stem, "title": form.title, "filled_by": form.filled_by,
                    "received": got, "rows": n, "affected": affected})
    return pd.DataFrame(out)


def forms_table(status: pd.DataFrame) -> Styler:
    show = pd.DataFrame({
        "Форма": [form_title(s) for s in status["stem"]],
        "Кто заполняет": status["filled_by"].to_numpy(),
        "Поступила": ["да" if r else "нет" for r in status["received"]],
        "Строк": [fmt.integer(n) if r else fmt.DASH
                  for n, r in zip(status["rows"], status["received"])],
        "Показатели без данных": [fmt.join_ru(a) if a else fmt.DASH for a in status["affected"]],
    })
    bands = pd.DataFrame({c: [""] * len(show) for c in show.columns})
    bands["Поступила"] = ["meets" if r else "below" for r in status["received"]]
    return tables.styled(show, "Формы сбора информации за год", bands=bands, right=["Строк"])


def forms_sentence(status: pd.DataFrame, year: int) -> str:
    n, got = len(status), int(status["received"].sum())
    missing = [form_title(s) for s in status.loc[~status["received"], "stem"]]
    text = f"За {year} год поступило {got} из {fmt.count(n, 'формы', 'форм', 'форм')}"
    if not missing:
        return text + ": все формы на месте."
    return text + ". Не поступили: " + "; ".join(missing) + "."


def goal_titles(goals: object) -> dict[str, str]:
    """goal id → title from the goal tree (empty when the tree has no titles)."""
    from analysis.goal_tree import nodes

    frame = nodes(goals)
    return dict(zip(frame["id"], frame["title"]))


def conclusions(catalogue: Mapping, matrix: pd.DataFrame, status: pd.DataFrame,
                tidy: pd.DataFrame, year: int) -> list[str]:
    """Closing bullets: size of the catalogue, coverage of МУКО, data that is missing."""
    n_docs = len({i.source_doc for i in catalogue.values()})
    size = (f"В каталоге {fmt.count(len(catalogue), 'показатель', 'показателя', 'показателей')} "
            f"из {fmt.count(n_docs, 'документа', 'документов', 'документов')}; у каждого указаны "
            "формула, источник, способ и периодичность сбора.")
    out = [size, muko_sentence(matrix), forms_sentence(status, year)]
    top = tidy[tidy["level"].isin(["city", "centre"])]
    empty = top["indicator_id"][pd.to_numeric(top["value"], errors="coerce").isna()].nunique()
    if empty:
        out.append(f"За {year} год нет значения у "
                   f"{fmt.count(empty, 'показателя', 'показателей', 'показателей')} "
                   "городского уровня.")
    return out
