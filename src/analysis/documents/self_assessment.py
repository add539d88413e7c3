"""«Самообследование: образовательная деятельность»: what the forms tell of the Centre's year.

The report on self-assessment (самообследование) of a continuing-education organisation opens
with its educational activity: listeners by kind of programme, programmes implemented, volume
in person-hours, the fulfilment of the municipal assignment, methodological events and products.
Everything here is computed from the year's forms — the Centre's courses of `ДПО` (provider
«Центр»; a listener is a row, as in `centre_person_hours`), `Мероприятия` and `Методические
продукты` organised or written by the Centre, and the assignment's plan and fact
(`analysis.documents.assignment`). What the forms do not hold (staff of the Centre, finances,
premises) stays for the Centre to write.
"""

from __future__ import annotations

import pandas as pd

from analysis.contract import CENTRE, SHEETS
from analysis.documents.assignment import plan_fact
from analysis.documents.model import (
    AMOUNT,
    COUNT,
    PERCENT,
    Document,
    Field,
    Heading,
    Paragraph,
    Table,
)

STEM = "self_assessment"
TITLE = "Самообследование: образовательная деятельность"
KINDS = SHEETS["courses"].column("kind").choices  # ПК, ПП
KIND_WORDS = {"ПК": "повышения квалификации", "ПП": "профессиональной переподготовки"}
NO, NAME, UNIT, VALUE = "№", "Показатель", "Единица измерения", "Значение"


def centre_courses(courses: pd.DataFrame | None) -> pd.DataFrame | None:
    """The Centre's own course rows of the year (None when `ДПО` did not arrive)."""
    return None if courses is None else courses[courses["provider"].eq(CENTRE)]


def centre_rows(table: pd.DataFrame | None, column: str) -> pd.DataFrame | None:
    """Rows of `Мероприятия` (organizer) or `Методические продукты` (author) by the Centre."""
    return None if table is None else table[table[column].astype(str).eq(CENTRE)]


def indicators(
    courses: pd.DataFrame | None,
    events: pd.DataFrame | None,
    products: pd.DataFrame | None,
    assignment: pd.DataFrame,
) -> pd.DataFrame:
    """The section's indicators: №, name, unit, value (None: the form did not arrive)."""
    own = centre_courses(courses)
    rows: list[list[object]] = []

    def add(no: str, name: str, unit: str, value: object) -> None:
        rows.append([no, name, unit, value])

    add(
        "1",
        "Общая численность слушателей, окончивших обучение по программам Центра",
        "чел.",
        _len(own),
    )
    for k, kind in enumerate(KINDS, start=1):
        add(
            f"1.{k}",
            f"в том числе по программам {KIND_WORDS[kind]}",
            "чел.",
            _len(_of_kind(own, kind)),
        )
    add(
        "2",
        "Численность работников, окончивших обучение (каждый учтён один раз)",
        "чел.",
        None if own is None else int(own["person_id"].nunique()),
    )
    add(
        "3",
        "Количество реализованных дополнительных профессиональных программ",
        "ед.",
        _programmes(own),
    )
    for k, kind in enumerate(KINDS, start=1):
        add(
            f"3.{k}",
            f"в том числе программ {KIND_WORDS[kind]}",
            "ед.",
            _programmes(_of_kind(own, kind)),
        )
    add("4", "Объём обучения", "чел.-ч", _hours(own))
    for k, kind in enumerate(KINDS, start=1):
        add(
            f"4.{k}",
            f"в том числе по программам {KIND_WORDS[kind]}",
            "чел.-ч",
            _hours(_of_kind(own, kind)),
        )
    pk = _of_kind(own, "ПК")
    add(
        "5",
        "Доля слушателей программ повышения квалификации, обучившихся по программам, "
        "отвечающим современным требованиям",
        "%",
        None if pk is None or pk.empty else float(pk["modern"].astype(bool).mean() * 100),
    )
    mine = centre_rows(events, "organizer")
    add("6", "Количество проведённых Центром методических мероприятий", "ед.", _len(mine))
    add(
        "6.1",
        "Число участников методических мероприятий Центра",
        "чел.",
        None if mine is None else int(pd.to_numeric(mine["participants"]).sum()),
    )
    add(
        "7",
        "Количество разработанных Центром методических продуктов",
        "ед.",
        _len(centre_rows(products, "author")),
    )
    for k, line in enumerate(assignment.itertuples(), start=1):
        add(f"8.{k}", f"Выполнение муниципального задания: {line.name}", "%", line.percent)
    return pd.DataFrame(rows, columns=[NO, NAME, UNIT, VALUE])


def _len(frame: pd.DataFrame | None) -> int | None:
    return None if frame is None else len(frame)


def _of_kind(own: pd.DataFrame | None, kind: str) -> pd.DataFrame | None:
    return None if own is None else own[own["kind"].eq(kind)]


def _programmes(own: pd.DataFrame | None) -> int | None:
    """Programmes implemented: distinct (programme, kind) among the Centre's course rows."""
    return None if own is None else len(own[["program", "kind"]].drop_duplicates())


def _hours(own: pd.DataFrame | None) -> float | None:
    return None if own is None else float(pd.to_numeric(own["hours"]).sum())


def programmes(courses: pd.DataFrame | None) -> pd.DataFrame:
    """The programmes of the Centre that listeners completed in the year, with their volume."""
    columns = ["Программа", "Вид", "Слушателей", "Объём, чел.-ч"]
    own = centre_courses(courses)
    if own is None or own.empty:
        return pd.DataFrame(columns=columns)
    grouped = (
        own.assign(hours=pd.to_numeric(own["hours"]))
        .groupby(["kind", "program"], sort=True)
        .agg(listeners=("person_id", "size"), hours=("hours", "sum"))
        .reset_index()
    )
    return pd.DataFrame(
        {
            columns[0]: grouped["program"].astype(str),
            columns[1]: grouped["kind"].astype(str),
            columns[2]: grouped["listeners"].astype(int),
            columns[3]: grouped["hours"].astype(float),
        }
    )


def by_topic(courses: pd.DataFrame | None) -> pd.DataFrame:
    """Listeners of the Centre's programmes by topic (lines) and kind (columns)."""
    own = centre_courses(courses)
    topics = SHEETS["courses"].column("topic").choices
    lines = []
    for topic in topics:
        part = own[own["topic"].eq(topic)] if own is not None else own
        lines.append([topic, _len(part), *(_len(_of_kind(part, k)) for k in KINDS)])
    return pd.DataFrame(lines, columns=["Направление", "Всего", *KINDS])


def events_by_format(events: pd.DataFrame | None) -> pd.DataFrame:
    """The Centre's methodological events by format: how many and how many took part."""
    columns = ["Формат", "Мероприятий", "Участников"]
    mine = centre_rows(events, "organizer")
    formats = SHEETS["events"].column("format").choices
    lines = []
    for form in formats:
        part = mine[mine["format"].eq(form)] if mine is not None else None
        if part is None or len(part):
            lines.append(
                [form, _len(part), None if part is None else int(part["participants"].sum())]
            )
    return pd.DataFrame(lines, columns=columns)


def products_by_type(products: pd.DataFrame | None) -> pd.DataFrame:
    """The Centre's methodological products by kind (`Вид` is free text: as written)."""
    columns = ["Вид продукта", "Количество"]
    mine = centre_rows(products, "author")
    if mine is None or mine.empty:
        return pd.DataFrame(columns=columns)
    counts = mine["product_type"].astype(str).value_counts().sort_index()
    return pd.DataFrame(
        {columns[0]: counts.index.tolist(), columns[1]: counts.astype(int).tolist()}
    )


def missing_forms(courses, events, products) -> list[str]:
    """The forms this section reads that did not arrive, named for the reader."""
    named = (
        (courses, "«ДПО» (courses.xlsx)"),
        (events, "«Мероприятия» (centre.xlsx)"),
        (products, "«Методические продукты» (centre.xlsx)"),
    )
    return [name for table, name in named if table is None]


def document(
    courses: pd.DataFrame | None,
    events: pd.DataFrame | None,
    products: pd.DataFrame | None,
    plan: pd.DataFrame | None,
    tidy: pd.DataFrame,
    catalogue,
    year: int,
) -> Document:
    """The whole section of the year."""
    assignment = plan_fact(plan, tidy, catalogue)
    missing = missing_forms(courses, events, products)
    blocks: list = [
        Heading(f"Отчёт о самообследовании МУ ДПО «ЦПКИМР» за {year} год"),
        Heading("Раздел «Образовательная деятельность»"),
        Paragraph(
            "Показатели рассчитаны по формам года: курсы Центра — форма «ДПО» (организация "
            "«Центр»; слушатель — строка формы, работник, окончивший две программы, учтён "
            "дважды), мероприятия и методические продукты, организатор или автор которых — "
            "Центр, выполнение задания — план листа «План» и факт по тем же формам."
        ),
    ]
    if missing:
        blocks.append(
            Paragraph(
                "Не поступили формы: "
                + ", ".join(missing)
                + "; показатели по ним не рассчитаны (—)."
            )
        )
    figures = indicators(courses, events, products, assignment)
    blocks += [
        Table(
            "Показатели",
            "Показатели образовательной деятельности",
            figures,
            {VALUE: [PERCENT if u == "%" else AMOUNT for u in figures[UNIT]]},
        ),
        Table(
            "Программы",
            "Дополнительные профессиональные программы, по которым слушатели "
            "окончили обучение в году",
            programmes(courses),
            {"Слушателей": COUNT, "Объём, чел.-ч": AMOUNT},
        ),
        Table(
            "Направления",
            "Слушатели по направлениям программ",
            by_topic(courses),
            {c: COUNT for c in ("Всего", *KINDS)},
        ),
        Table(
            "Мероприятия",
            "Методические мероприятия Центра по формату",
            events_by_format(events),
            {"Мероприятий": COUNT, "Участников": COUNT},
        ),
        Table(
            "Продукты",
            "Методические продукты Центра по видам",
            products_by_type(products),
            {"Количество": COUNT},
        ),
        Field("Оценка образовательной деятельности и выводы (заполняет Центр)"),
        Field("Руководитель МУ ДПО «ЦПКИМР»"),
        Field("Дата"),
    ]
    return Document(STEM, TITLE, year, tuple(blocks))
