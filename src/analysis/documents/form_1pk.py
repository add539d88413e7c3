"""«Сведения для 1-ПК»: the Centre's listeners among the city's staff, with control relations.

The federal statistical form 1-ПК counts the listeners who completed a programme of a
continuing-education organisation. The data of the book know only the city's own staff, so these
tables cover the Centre's courses (`ДПО`, provider «Центр») of persons on the staff list of the
year (SPEC §5 "staff": not of the Centre itself) — a part of what the Centre reports, said so in
the document. A listener is a row of `ДПО` (a person who completed two programmes counts twice),
as in the form and in `centre_person_hours`.

Every total is counted from the rows on its own, not added up from its parts, so the control
relations of the form (`relations`: each total equals the sum of its parts) really check the
tables; a failed one is said in the document.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.contract import CENTRE, SHEETS
from analysis.documents.model import COUNT, Document, Field, Heading, Paragraph, Table
from analysis.vocabulary import CENTRE_TYPE

STEM = "form_1pk"
TITLE = "Сведения для формы федерального статистического наблюдения № 1-ПК"
KIND_NAMES = {"ПК": "повышение квалификации", "ПП": "профессиональная переподготовка"}
KINDS = SHEETS["courses"].column("kind").choices
STUDY_FORMS = (*SHEETS["courses"].column("study_form").choices, None)  # None: not given
FUNDINGS = (*SHEETS["courses"].column("funding").choices, None)
NO_FORM, NO_FUNDING = "не указана", "не указан"
# Age groups of the form 1-ПК: (lowest age, highest age, label); None: open end.
AGE_GROUPS = (
    (None, 24, "моложе 25 лет"),
    (25, 29, "25–29 лет"),
    (30, 34, "30–34 года"),
    (35, 39, "35–39 лет"),
    (40, 44, "40–44 года"),
    (45, 49, "45–49 лет"),
    (50, 54, "50–54 года"),
    (55, 59, "55–59 лет"),
    (60, 64, "60–64 года"),
    (65, None, "65 лет и старше"),
)
LINE, PROGRAMME, FORM, TOTAL, AGE = (
    "№ строки",
    "Вид программы",
    "Форма обучения",
    "Всего",
    "Возраст",
)
TOTAL_LINE = "всего"
FUNDING_COLUMNS = tuple(f or f"источник {NO_FUNDING}" for f in FUNDINGS)
FORM_SHEET, AGE_SHEET, CHECK_SHEET = "Формы и финансирование", "Возраст", "Контрольные соотношения"
OK, FAILED = "выполнено", "НЕ ВЫПОЛНЕНО"


@dataclass(frozen=True)
class Listeners:
    """The rows counted (kind, study_form, funding, age) and the Centre's rows left out."""

    rows: pd.DataFrame
    left_out: int  # Centre courses of persons not on the city's staff list of the year


def listeners(
    courses: pd.DataFrame, staff: pd.DataFrame, institutions: pd.DataFrame | None, year: int
) -> Listeners:
    """The Centre's course rows of the year's staff, with each listener's age (y − birth year)."""
    own = courses[courses["provider"].eq(CENTRE)]
    people = staff
    if institutions is not None:  # the Centre's own workers are not the city's staff
        centre = set(institutions.loc[institutions["inst_type"].eq(CENTRE_TYPE), "inst_id"])
        people = staff[~staff["inst_id"].isin(centre)]
    birth = dict(zip(people["person_id"].astype(str), people["birth_year"]))
    ids = own["person_id"].astype(str)
    kept = own[ids.isin(birth)]
    rows = pd.DataFrame(
        {
            "kind": kept["kind"].to_numpy(dtype=object),
            "study_form": _or_none(kept, "study_form"),
            "funding": _or_none(kept, "funding"),
            "age": [year - int(birth[p]) for p in kept["person_id"].astype(str)],
        }
    )
    return Listeners(rows, int(len(own) - len(kept)))


def _or_none(frame: pd.DataFrame, column: str) -> list[object]:
    """An optional column's values, None where empty (or where the column did not arrive)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [None if pd.isna(v) else str(v) for v in frame[column]]


def _count(rows: pd.DataFrame, **where: object) -> int:
    """Rows meeting every condition; a condition `None` means «not given» (empty cell)."""
    mask = pd.Series(True, index=rows.index)
    for column, value in where.items():
        mask &= rows[column].isna() if value is None else rows[column].eq(value)
    return int(mask.sum())


def _funding_cells(rows: pd.DataFrame, **where: object) -> list[int]:
    return [_count(rows, **where)] + [_count(rows, **where, funding=f) for f in FUNDINGS]


def by_form_and_funding(rows: pd.DataFrame) -> pd.DataFrame:
    """Listeners by programme kind × study form (lines) × funding (columns), with totals."""
    lines = []
    for kind in KINDS:
        lines.append([f"{kind} ({KIND_NAMES[kind]})", TOTAL_LINE, *_funding_cells(rows, kind=kind)])
        for form in STUDY_FORMS:
            cells = _funding_cells(rows, kind=kind, study_form=form)
            lines.append([kind, form or NO_FORM, *cells])
    lines.append(["Все программы", TOTAL_LINE, *_funding_cells(rows)])
    frame = pd.DataFrame(lines, columns=[PROGRAMME, FORM, TOTAL, *FUNDING_COLUMNS])
    frame.insert(0, LINE, [f"{i:02d}" for i in range(1, len(frame) + 1)])
    return frame


def by_age(rows: pd.DataFrame) -> pd.DataFrame:
    """Listeners by age group (lines) and programme kind (columns), with totals."""
    lines = []
    for low, high, label in AGE_GROUPS:
        in_group = rows["age"].ge(low if low is not None else -1) & rows["age"].le(
            high if high is not None else 10_000
        )
        part = rows[in_group]
        lines.append([label, len(part), *(_count(part, kind=k) for k in KINDS)])
    lines.append([TOTAL, len(rows), *(_count(rows, kind=k) for k in KINDS)])
    frame = pd.DataFrame(lines, columns=[AGE, TOTAL, *KINDS])
    frame.insert(0, LINE, [f"{i:02d}" for i in range(1, len(frame) + 1)])
    return frame


# --------------------------------------------------------------------------- control relations


def relations(forms: pd.DataFrame, ages: pd.DataFrame) -> pd.DataFrame:
    """Every control relation of the two tables: (relation, total, sum of parts, outcome).

    Table 1: in each line, «Всего» = Σ funding columns; in each column, a kind's «всего» line =
    Σ its form lines, and the line of all programmes = Σ the kinds' lines. Table 2: in each
    line, «Всего» = Σ kinds; in each column, the total line = Σ age lines. Between them: the
    totals of all listeners and of each kind agree.
    """
    out = []
    for _, line in forms.iterrows():
        out.append(
            _relation(
                f"табл. 1, стр. {line[LINE]}: гр. «{TOTAL}» = сумма граф "
                "по источникам финансирования",
                line[TOTAL],
                [line[c] for c in FUNDING_COLUMNS],
            )
        )
    kind_lines = forms[forms[FORM].eq(TOTAL_LINE)].iloc[:-1]
    grand = forms.iloc[-1]
    for column in (TOTAL, *FUNDING_COLUMNS):
        for start, kind_line in kind_lines.iterrows():
            parts = forms.loc[start + 1 : start + len(STUDY_FORMS)]
            out.append(
                _relation(
                    f"табл. 1, гр. «{column}»: стр. {kind_line[LINE]} = сумма стр. "
                    f"{parts[LINE].iloc[0]}–{parts[LINE].iloc[-1]}",
                    kind_line[column],
                    parts[column].tolist(),
                )
            )
        out.append(
            _relation(
                f"табл. 1, гр. «{column}»: стр. {grand[LINE]} = сумма стр. "
                + ", ".join(kind_lines[LINE]),
                grand[column],
                kind_lines[column].tolist(),
            )
        )
    for _, line in ages.iterrows():
        out.append(
            _relation(
                f"табл. 2, стр. {line[LINE]}: гр. «{TOTAL}» = сумма граф "
                + ", ".join(f"«{k}»" for k in KINDS),
                line[TOTAL],
                [line[k] for k in KINDS],
            )
        )
    total_line, groups = ages.iloc[-1], ages.iloc[:-1]
    for column in (TOTAL, *KINDS):
        out.append(
            _relation(
                f"табл. 2, гр. «{column}»: стр. {total_line[LINE]} = сумма стр. "
                f"{groups[LINE].iloc[0]}–{groups[LINE].iloc[-1]}",
                total_line[column],
                groups[column].tolist(),
            )
        )
    out.append(
        _relation(
            f"табл. 2, стр. {total_line[LINE]}, гр. «{TOTAL}» = табл. 1, стр. "
            f"{grand[LINE]}, гр. «{TOTAL}»",
            total_line[TOTAL],
            [grand[TOTAL]],
        )
    )
    for kind, (_, kind_line) in zip(KINDS, kind_lines.iterrows(), strict=True):
        out.append(
            _relation(
                f"табл. 2, стр. {total_line[LINE]}, гр. «{kind}» = табл. 1, стр. "
                f"{kind_line[LINE]}, гр. «{TOTAL}»",
                total_line[kind],
                [kind_line[TOTAL]],
            )
        )
    return pd.DataFrame(
        out, columns=["Контрольное соотношение", "Итог", "Сумма частей", "Результат"]
    )


def _relation(text: str, total: object, parts: list[object]) -> list[object]:
    whole, summed = int(total), int(sum(int(p) for p in parts))
    return [text, whole, summed, OK if whole == summed else FAILED]


def failed(checks: pd.DataFrame) -> pd.DataFrame:
    return checks[checks["Результат"].ne(OK)]


def relations_sentences(checks: pd.DataFrame) -> list[str]:
    """That every relation holds, or which do not (each named with its two numbers)."""
    bad = failed(checks)
    if bad.empty:
        return [
            (
                f"Все контрольные соотношения формы выполнены (проверок: {len(checks)}): "
                "каждый итог равен сумме своих частей."
            )
        ]
    return [
        (
            f"Не выполнены контрольные соотношения ({len(bad)} из {len(checks)}) — "
            "сведения нужно проверить перед отправкой:"
        )
    ] + [
        f"{r['Контрольное соотношение']}: итог {r['Итог']}, сумма частей {r['Сумма частей']}."
        for _, r in bad.iterrows()
    ]


# --------------------------------------------------------------------------- the document

SCOPE = (
    "Сведения охватывают только работников муниципальных образовательных учреждений города "
    "(форма «Кадры» года; без работников самого Центра), окончивших в году программы Центра "
    "(форма «ДПО», организация «Центр»). Слушатели из других организаций, муниципалитетов и "
    "регионов в данных книги не учитываются: для формы 1-ПК их нужно добавить по учёту Центра."
)


def document(
    courses: pd.DataFrame | None,
    staff: pd.DataFrame | None,
    institutions: pd.DataFrame | None,
    year: int,
) -> Document:
    """The whole document of the year (no tables when `ДПО` or `Кадры` did not arrive)."""
    head: tuple = (Heading(f"{TITLE} за {year} год"), Paragraph(SCOPE))
    if courses is None or staff is None:
        lost = "«ДПО» (courses.xlsx)" if courses is None else "«Кадры» (staff.xlsx)"
        return Document(
            STEM,
            TITLE,
            year,
            (*head, Paragraph(f"Форма {lost} за {year} год не поступила: сведения не составлены.")),
        )
    found = listeners(courses, staff, institutions, year)
    return document_of(by_form_and_funding(found.rows), by_age(found.rows), found.left_out, year)


def document_of(forms: pd.DataFrame, ages: pd.DataFrame, left_out: int, year: int) -> Document:
    """The document of two tables of the form, their control relations checked and said."""
    checks = relations(forms, ages)
    counts = {c: COUNT for c in (TOTAL, *FUNDING_COLUMNS)}
    blocks = [
        Heading(f"{TITLE} за {year} год"),
        Paragraph(SCOPE),
        Paragraph(
            "Слушатель — строка формы «ДПО»: работник, окончивший две программы, учтён дважды. "
            f"Не вошли в сведения курсов Центра: {left_out} (работник не из «Кадров» "
            "года или работник Центра)."
        ),
        Table(
            FORM_SHEET,
            "Таблица 1. Слушатели по видам программ, формам обучения и источникам финансирования",
            forms,
            counts,
        ),
        Table(
            AGE_SHEET,
            "Таблица 2. Слушатели по возрасту (полных лет на конец года: год "
            "отчёта − год рождения)",
            ages,
            {c: COUNT for c in (TOTAL, *KINDS)},
        ),
        Heading("Контрольные соотношения"),
        *(Paragraph(s) for s in relations_sentences(checks)),
        Table(
            CHECK_SHEET,
            "Таблица 3. Проверка контрольных соотношений",
            checks,
            {"Итог": COUNT, "Сумма частей": COUNT},
        ),
        Field("Сведения проверил (должность)"),
        Field("Дата"),
    ]
    return Document(STEM, TITLE, year, tuple(blocks))
