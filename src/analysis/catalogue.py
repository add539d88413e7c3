"""The indicator catalogue (SPEC §5): every indicator declared once, as data.

An indicator is a `Indicator` declaration read by one engine (`analysis.indicators`), the way
DHIS2 declares an indicator as numerator and denominator: a *subject* (whose entities are
counted: ``person`` = staff of `Кадры`, ``institution`` = `Учреждения`, ``association`` =
`Реестр`, ``centre`` = the Centre as one entity), a *population* (conditions an entity must meet
to be counted at all), a *numerator* measure per entity and, for shares, a *denominator* measure
(1 per entity by default). A share is 100 · Σ numerator / Σ denominator over the population of a
unit; a count is Σ numerator. Adding an indicator is adding a declaration here and a test.

Building blocks (all frozen, hashable, printable as the formula's code):

- `Attr(column, op, value)` — a condition on the entity's own column (``age`` = y − birth_year);
- `AnyOf(conds)` — at least one condition holds;
- `Has(table, key, where, years)` — the entity's id occurs in ``table.key`` among rows of the
  years y+years[0] … y+years[1] meeting every ``where`` condition (1/0 per entity);
- `Rows(...)` — how many such rows (``key=None``: all rows, for the Centre);
- `Sum(..., column)` — Σ column over such rows;
- `Field(table, column, key)` — the entity's value in its row of ``table`` (empty when none);
- `Plan(indicator_id)` — the Centre's plan (`centre.xlsx › План`) for an indicator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from analysis import contract

# --- the vocabulary -------------------------------------------------------------------------

LEVELS: tuple[str, ...] = ("city", "district", "inst_type", "institution", "association", "centre")
PERCENT = "%"  # SPEC §5: the unit of shares (values 0–100)
UNITS: tuple[str, ...] = (PERCENT, "чел.", "ед.", "чел.-ч")  # SPEC §5
SUBJECTS: tuple[str, ...] = ("person", "institution", "association", "centre")
SHARE, COUNT = "share", "count"
MEAN = "mean"  # Σ numerator / Σ denominator, not in % (results presented per ПТГ with a card)
HIGHER, LOWER = "higher", "lower"

# The «точки роста» areas of the seed's table «Федеральные показатели МУКО».
MUKO_AREAS: tuple[str, ...] = (
    "Организация диагностики профессиональных дефицитов педагогов",
    "Организация диагностики профессионального выгорания педагогов",
    "Конкурсы профессионального мастерства",
    "Осуществление методической поддержки педагогов",
    "Организация системы наставничества на муниципальном уровне",
    "Организация сетевых форм взаимодействия педагогов на уровне муниципалитета",
)
MUKO_DEFICITS, MUKO_BURNOUT, MUKO_COMPETITIONS, MUKO_SUPPORT, MUKO_MENTORING, MUKO_NETWORK = (
    MUKO_AREAS
)

# The source documents SPEC §5 names.
DOC_PROGRAMME = "Муниципальная программа «Развитие образования в городе Магнитогорске»"
DOC_EFFECTIVENESS = (
    "Приказ УО от 31.05.2018 №УО-04/443 «Об утверждении показателей эффективности "
    "деятельности муниципальных образовательных учреждений»"
)
DOC_ASSIGNMENT = "Муниципальное задание МУ ДПО «ЦПКИМР»"
DOC_GPO = "Положение о ГПО (Приказ УО от 17.10.2019 №УО-04/689)"
DOC_RC = "Приказ УО от 01.12.2020 №УО-04/827 «О создании городских Ресурсных центров»"
SOURCE_DOCS: tuple[str, ...] = (DOC_PROGRAMME, DOC_EFFECTIVENESS, DOC_ASSIGNMENT, DOC_GPO, DOC_RC)

# Report blocks (the seed's groups of indicators).
GROUP_PROGRAMME = "Целевые показатели муниципальной программы"
GROUP_EFFECTIVENESS = "Эффективность руководителей и учреждений"
GROUP_ASSIGNMENT = "Муниципальное задание Центра"
GROUP_GPO = "Планы-отчёты ГПО"
GROUP_GROWTH = "Точки роста"
GROUPS: tuple[str, ...] = (
    GROUP_PROGRAMME,
    GROUP_EFFECTIVENESS,
    GROUP_ASSIGNMENT,
    GROUP_GPO,
    GROUP_GROWTH,
)

YEARLY = "ежегодно, по итогам календарного года"
YEARLY_3Y = "ежегодно, за три года (y−2 … y)"

# Levels of each subject (SPEC §5).
PERSON_LEVELS = ("city", "district", "inst_type", "institution", "association")
INSTITUTION_LEVELS = ("city", "institution")
ASSOCIATION_LEVELS = ("city", "association")
CENTRE_LEVELS = ("centre",)

# The Centre's indicators whose target is the plan of `centre.xlsx › План` (SPEC §5).
PLAN_TARGETS: tuple[str, ...] = contract.CENTRE_PLAN_INDICATORS

# The table whose rows are the subject's entities, and the column that identifies them.
SUBJECT_TABLE = {"person": "staff", "institution": "institutions", "association": "associations"}
SUBJECT_KEY = {"person": "person_id", "institution": "inst_id", "association": "assoc_id"}


# --- building blocks ------------------------------------------------------------------------

OPS = ("==", "!=", "<", "<=", ">", ">=", "in")


@dataclass(frozen=True)
class Attr:
    """A condition on a column of the entity (or of a row of a table in `Has`/`Rows`/`Sum`)."""

    column: str
    op: str
    value: object = True

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown operator {self.op!r}")

    def __str__(self) -> str:
        value = (
            "{" + ", ".join(map(repr, self.value)) + "}" if self.op == "in" else repr(self.value)
        )
        return f"{self.column} {'∈' if self.op == 'in' else self.op} {value}"


@dataclass(frozen=True)
class AnyOf:
    """At least one of the conditions holds."""

    conds: tuple[Attr, ...]

    def __str__(self) -> str:
        return "(" + " ∨ ".join(map(str, self.conds)) + ")"


def _span(years: tuple[int, int]) -> str:
    def one(k: int) -> str:
        return "y" if k == 0 else f"y−{-k}" if k < 0 else f"y+{k}"

    return one(years[0]) if years[0] == years[1] else f"{one(years[0])}…{one(years[1])}"


def _where(where: tuple[Attr, ...]) -> str:
    return (": " + " ∧ ".join(map(str, where))) if where else ""


@dataclass(frozen=True)
class Has:
    """1 when the entity's id occurs in ``table.key`` among matching rows of the years."""

    table: str
    key: str = "person_id"
    where: tuple[Attr, ...] = ()
    years: tuple[int, int] = (0, 0)

    def __str__(self) -> str:
        return f"∃ {self.table}[{_span(self.years)}].{self.key} = id{_where(self.where)}"


@dataclass(frozen=True)
class Rows:
    """Number of matching rows whose ``key`` is the entity's id (``key=None``: all rows)."""

    table: str
    key: str | None = "person_id"
    where: tuple[Attr, ...] = ()
    years: tuple[int, int] = (0, 0)

    def __str__(self) -> str:
        on = f".{self.key} = id" if self.key else ""
        return f"#{self.table}[{_span(self.years)}]{on}{_where(self.where)}"


@dataclass(frozen=True)
class Sum:
    """Σ ``column`` over matching rows whose ``key`` is the entity's id (``key=None``: all)."""

    table: str
    column: str
    key: str | None = None
    where: tuple[Attr, ...] = ()
    years: tuple[int, int] = (0, 0)

    def __str__(self) -> str:
        on = f".{self.key} = id" if self.key else ""
        return f"Σ {self.table}[{_span(self.years)}]{on}.{self.column}{_where(self.where)}"


@dataclass(frozen=True)
class Field:
    """The entity's value of ``column`` in its row of ``table`` (empty when it has no row)."""

    table: str
    column: str
    key: str

    def __str__(self) -> str:
        return f"{self.table}[y].{self.column}"


@dataclass(frozen=True)
class Plan:
    """The Centre's plan for an indicator (`centre.xlsx › План`)."""

    indicator_id: str

    def __str__(self) -> str:
        return f"centre_plan[y].plan where indicator_id = {self.indicator_id!r}"


@dataclass(frozen=True)
class One:
    """1 per entity: a share's default denominator (every member of the population)."""

    def __str__(self) -> str:
        return "1"


Cond = Attr | AnyOf | Has
Measure = Attr | AnyOf | Has | Rows | Sum | Field | Plan | One
ONE = One()


def tables_of(item: object) -> set[str]:
    """Processed tables a building block reads."""
    if isinstance(item, (Has, Rows, Sum, Field)):
        return {item.table}
    if isinstance(item, Plan):
        return {"centre_plan"}
    return set()


# --- the declaration ------------------------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One indicator: its passport (Russian texts for the report) and its formula (code)."""

    id: str
    name: str
    unit: str
    levels: tuple[str, ...]
    source_doc: str
    method: str
    frequency: str
    goal: str
    direction: str
    muko: str | None
    numerator_text: str
    denominator_text: str
    group: str
    subject: str
    kind: str
    numerator: Measure
    denominator: Measure = ONE
    population: tuple[Cond, ...] = ()
    sources: tuple[str, ...] = field(default=())  # form stems; derived when left empty
    short: str = ""  # a label that fits a chart axis; "" where the name itself is short

    @property
    def label(self) -> str:
        """The chart label: the short name, else the full name."""
        return self.short or self.name

    def __post_init__(self) -> None:
        assert self.unit in UNITS, self.unit
        assert self.kind in (SHARE, COUNT, MEAN) and self.subject in SUBJECTS, self.id
        assert self.direction in (HIGHER, LOWER) and set(self.levels) <= set(LEVELS), self.id
        assert self.muko is None or self.muko in MUKO_AREAS, self.id
        assert (self.unit == "%") == (self.kind == SHARE), self.id
        if not self.sources:
            object.__setattr__(self, "sources", self._derived_sources())

    def _derived_sources(self) -> tuple[str, ...]:
        tables = set(self.tables())
        order = [f.stem for f in contract.FORMS]
        return tuple(sorted({contract.TABLE_FORM[t] for t in tables}, key=order.index))

    def tables(self) -> tuple[str, ...]:
        """Every processed table the engine reads for this indicator."""
        tables: set[str] = set()
        if self.subject in SUBJECT_TABLE:
            tables.add(SUBJECT_TABLE[self.subject])
        if self.subject == "person":
            tables.add("institutions")  # staff of type ДПО are not staff; levels need districts
            if "association" in self.levels:
                tables.add("members")
        for item in (self.numerator, self.denominator, *self.population):
            tables |= tables_of(item)
            for cond in getattr(item, "conds", ()):
                tables |= tables_of(cond)
        return tuple(sorted(tables))

    @property
    def numerator_code(self) -> str:
        pop = " ∧ ".join(map(str, self.population))
        return f"Σ {self.numerator} over {self.subject}{' | ' + pop if pop else ''}"

    @property
    def denominator_code(self) -> str:
        if self.kind == COUNT:
            return ""
        pop = " ∧ ".join(map(str, self.population))
        return f"Σ {self.denominator} over {self.subject}{' | ' + pop if pop else ''}"

    @property
    def formula(self) -> str:
        """The formula as one line of code-like text (for the passport)."""
        if self.kind == COUNT:
            return self.numerator_code
        if self.kind == MEAN:
            return f"({self.numerator_code}) / ({self.denominator_code})"
        return f"100 · ({self.numerator_code}) / ({self.denominator_code})"


# --- shorthands for the declarations ----------------------------------------------------------

TEACHERS = Attr("position", "==", "педагог")
HEADS = Attr("position", "in", ("руководитель", "заместитель руководителя"))  # SPEC §5 "Heads"
YOUNG_TEACHERS = (TEACHERS, Attr("experience_years", "<", 3))  # young_mentored's population
PRIZES = ("лауреат", "призёр", "победитель")
WINDOW_3Y = (-2, 0)  # y−2 … y (SPEC §5: a course ending in y−2 … y)

STAFF_TEXT = "педагогические и руководящие работники учреждений (Кадры года, без Центра)"
TEACHERS_TEXT = "педагогические работники (должность «педагог»)"
HEADS_TEXT = "руководители и заместители руководителей"
STAFF_METHOD = "обезличенные списки «Кадры» от каждого учреждения"
COURSES_METHOD = (
    "обезличенные списки «Кадры» и «ДПО» от учреждений и Центра, сверка по кодам работников"
)
COMPETITIONS_METHOD = "итоговые приказы по конкурсам профессионального мастерства (Центр)"
PLAN_REPORT_METHOD = "планы-отчёты объединений (ГПО, ШМП, ПТГ, РЦ, ОП) через Центр"
INSTITUTIONS_METHOD = (
    "реестр учреждений управления образования (мониторинг показателей эффективности)"
)
CENTRE_METHOD = "мониторинг выполнения муниципального задания Центра (отчёт Центра)"


def _person(
    id: str,
    name: str,
    num: Measure,
    num_text: str,
    den_text: str,
    *,
    population: tuple[Cond, ...] = (),
    kind: str = SHARE,
    unit: str = "%",
    doc: str = DOC_EFFECTIVENESS,
    method: str = STAFF_METHOD,
    frequency: str = YEARLY,
    goal: str,
    direction: str = HIGHER,
    muko: str | None = None,
    group: str = GROUP_EFFECTIVENESS,
    short: str = "",
) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit=unit,
        levels=PERSON_LEVELS,
        source_doc=doc,
        method=method,
        frequency=frequency,
        goal=goal,
        direction=direction,
        muko=muko,
        numerator_text=num_text,
        denominator_text=den_text,
        group=group,
        subject="person",
        kind=kind,
        numerator=num,
        population=population,
        short=short,
    )


def _plan_report(
    id: str,
    name: str,
    column: str,
    unit: str,
    num_text: str,
    *,
    muko: str | None,
    goal: str = "centre_task_2",
) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit=unit,
        levels=ASSOCIATION_LEVELS,
        source_doc=DOC_GPO,
        method=PLAN_REPORT_METHOD,
        frequency=YEARLY,
        goal=goal,
        direction=HIGHER,
        muko=muko,
        numerator_text=num_text,
        denominator_text="",
        group=GROUP_GPO,
        subject="association",
        kind=COUNT,
        numerator=Field("plan_reports", column, "assoc_id"),
    )


def _institution(
    id: str,
    name: str,
    num: Measure,
    num_text: str,
    *,
    unit: str = "ед.",
    doc: str = DOC_EFFECTIVENESS,
    method: str = INSTITUTIONS_METHOD,
    muko: str | None,
    goal: str = "mp_task",
) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit=unit,
        levels=INSTITUTION_LEVELS,
        source_doc=doc,
        method=method,
        frequency=YEARLY,
        goal=goal,
        direction=HIGHER,
        muko=muko,
        numerator_text=num_text,
        denominator_text="",
        group=GROUP_EFFECTIVENESS,
        subject="institution",
        kind=COUNT,
        numerator=num,
    )


def _centre(
    id: str, name: str, num: Measure, unit: str, num_text: str, *, method: str = CENTRE_METHOD
) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit=unit,
        levels=CENTRE_LEVELS,
        source_doc=DOC_ASSIGNMENT,
        method=method,
        frequency=YEARLY,
        goal="centre_goal",
        direction=HIGHER,
        muko=MUKO_SUPPORT,
        numerator_text=num_text,
        denominator_text="",
        group=GROUP_ASSIGNMENT,
        subject="centre",
        kind=COUNT,
        numerator=num,
    )


def _centre_pct(fact: Indicator) -> Indicator:
    """The Centre's % of plan for a fact indicator: 100 · fact / План (target 100 in targets)."""
    return Indicator(
        id=f"{fact.id}_pct",
        name=f"{fact.name}: выполнение плана",
        unit="%",
        levels=CENTRE_LEVELS,
        source_doc=DOC_ASSIGNMENT,
        method=fact.method,
        frequency=YEARLY,
        goal="centre_goal",
        direction=HIGHER,
        muko=fact.muko,
        numerator_text=fact.numerator_text,
        denominator_text=f"план по показателю «{fact.name}» (centre.xlsx › План)",
        group=GROUP_ASSIGNMENT,
        subject="centre",
        kind=SHARE,
        numerator=fact.numerator,
        denominator=Plan(fact.id),
    )


COURSES_PK_MODERN = Has(
    "courses", where=(Attr("kind", "==", "ПК"), Attr("modern", "==", True)), years=WINDOW_3Y
)

_CENTRE_HOURS = _centre(
    "centre_person_hours",
    "Количество человеко-часов по реализованным ДПП ПК Центра",
    Sum("courses", "hours", where=(Attr("provider", "==", "Центр"), Attr("kind", "==", "ПК"))),
    "чел.-ч",
    "Σ объёма (ч) курсов ПК года, проведённых Центром (строка ДПО = один слушатель)",
    method="обезличенные списки «ДПО» (курсы Центра)",
)
_CENTRE_EVENTS = _centre(
    "centre_events",
    "Количество проведённых Центром методических мероприятий",
    Rows("events", key=None, where=(Attr("organizer", "==", contract.CENTRE),)),
    "ед.",
    "мероприятия года, организатор которых — Центр",
)
_CENTRE_PRODUCTS = _centre(
    "centre_products",
    "Количество разработанных Центром методических продуктов",
    Rows("products", key=None, where=(Attr("author", "==", contract.CENTRE),)),
    "ед.",
    "методические продукты года, автор которых — Центр",
)

_DECLARATIONS: tuple[Indicator, ...] = (
    # Целевые показатели муниципальной программы
    _person(
        "pk_modern_3y",
        "Доля педагогических и руководящих работников, прошедших ПК по программам, отвечающим "
        "современным квалификационным требованиям (за 3 года)",
        COURSES_PK_MODERN,
        "работники, окончившие в y−2 … y хотя бы один курс ПК по программе, отвечающей "
        "современным требованиям",
        STAFF_TEXT,
        doc=DOC_PROGRAMME,
        method=COURSES_METHOD,
        frequency=YEARLY_3Y,
        goal="mp",
        group=GROUP_PROGRAMME,
        short="ПК по совр. программам",
    ),
    _person(
        "competition_municipal",
        "Доля педагогических работников, участвующих в конкурсах профессионального мастерства "
        "муниципального уровня",
        Has("competitions_staff", where=(Attr("level", "==", "муниципальный"),)),
        "педагоги, участвовавшие в году хотя бы в одном муниципальном конкурсе",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        doc=DOC_PROGRAMME,
        method=COMPETITIONS_METHOD,
        goal="mp",
        muko=MUKO_COMPETITIONS,
        group=GROUP_PROGRAMME,
        short="муницип. конкурсы",
    ),
    # Эффективность руководителей и учреждений (Приказ №УО-04/443)
    _person(
        "pk_pp_3y",
        "Доля педагогических и руководящих работников, прошедших ПК или ПП (за 3 года)",
        Has("courses", years=WINDOW_3Y),
        "работники, окончившие в y−2 … y хотя бы один курс ПК или ПП",
        STAFF_TEXT,
        method=COURSES_METHOD,
        frequency=YEARLY_3Y,
        goal="mp_task",
        short="ПК или ПП",
    ),
    _person(
        "heads_management_3y",
        "Доля руководителей и заместителей, прошедших обучение по управлению (за 3 года)",
        Has("courses", where=(Attr("topic", "==", "управление"),), years=WINDOW_3Y),
        "руководители и заместители, окончившие в y−2 … y курс по направлению «управление»",
        HEADS_TEXT,
        population=(HEADS,),
        method=COURSES_METHOD,
        frequency=YEARLY_3Y,
        goal="mp_task",
        short="обучение руководителей",
    ),
    _person(
        "competition_any",
        "Доля работников, участвующих в профессиональных конкурсах любого уровня",
        Has("competitions_staff"),
        "работники, участвовавшие в году хотя бы в одном конкурсе любого уровня",
        STAFF_TEXT,
        method=COMPETITIONS_METHOD,
        goal="mp_task",
        muko=MUKO_COMPETITIONS,
        short="конкурсы любого уровня",
    ),
    _person(
        "competition_prizes",
        "Призовые места работников в профессиональных конкурсах",
        Rows("competitions_staff", where=(Attr("result", "in", PRIZES),)),
        "строки «Конкурсы педагогов» года работников подразделения с результатом лауреат, "
        "призёр или победитель",
        "",
        kind=COUNT,
        unit="ед.",
        method=COMPETITIONS_METHOD,
        goal="mp_task",
        muko=MUKO_COMPETITIONS,
    ),
    _person(
        "category_high",
        "Доля педагогических работников с первой или высшей квалификационной категорией",
        Attr("category", "in", ("первая", "высшая")),
        "педагоги с категорией «первая» или «высшая»",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        goal="mp_task",
        short="1-я и высшая категория",
    ),
    _person(
        "age_under_30",
        "Удельный вес педагогических работников в возрасте до 30 лет",
        Attr("age", "<", 30),
        "педагоги, у которых y − год рождения < 30",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        goal="mp_task",
        short="до 30 лет",
    ),
    _person(
        "age_under_35",
        "Удельный вес педагогических работников в возрасте до 35 лет",
        Attr("age", "<", 35),
        "педагоги, у которых y − год рождения < 35",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        goal="mp_task",
        short="до 35 лет",
    ),
    _person(
        "experience_under_10",
        "Удельный вес педагогических работников со стажем работы менее 10 лет",
        Attr("experience_years", "<", 10),
        "педагоги с педагогическим стажем менее 10 лет",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        goal="mp_task",
        short="стаж до 10 лет",
    ),
    # Точки роста: неформальное ПК, наставничество, диагностика
    _person(
        "informal_coverage",
        "Охват педагогов неформальным ПК (участники профессиональных объединений)",
        Has("members"),
        "педагоги, входящие в «Участники» хотя бы одного объединения года",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        doc=DOC_GPO,
        method="списки участников объединений (associations.xlsx › Участники)",
        goal="mp_sub",
        muko=MUKO_NETWORK,
        group=GROUP_GROWTH,
        short="неформальное ПК",
    ),
    _person(
        "young_mentored",
        "Доля молодых педагогов (стаж менее 3 лет), имеющих наставника",
        Has("mentoring", key="mentee_id"),
        "педагоги со стажем менее 3 лет, которые в году — наставляемые",
        "педагоги со стажем менее 3 лет",
        population=YOUNG_TEACHERS,
        doc=DOC_GPO,
        method="списки наставнических пар от учреждений",
        goal="mp_sub",
        muko=MUKO_MENTORING,
        group=GROUP_GROWTH,
        short="наставничество молодых",
    ),
    _person(
        "deficit_diagnosed",
        "Доля педагогов, прошедших диагностику профессиональных дефицитов",
        Has("deficits"),
        "педагоги, имеющие хотя бы одну строку «Дефициты» года",
        TEACHERS_TEXT,
        population=(TEACHERS,),
        doc=DOC_GPO,
        method="результаты диагностики профессиональных дефицитов (Центр)",
        goal="mp_sub",
        muko=MUKO_DEFICITS,
        group=GROUP_GROWTH,
        short="диагностика дефицитов",
    ),
    _person(
        "deficit_share",
        "Доля педагогов с выявленными профессиональными дефицитами (из прошедших диагностику)",
        Has("deficits", where=(Attr("deficit", "==", True),)),
        "из них педагоги хотя бы с одним дефицитом «да»",
        "педагоги, прошедшие диагностику дефицитов в году",
        population=(TEACHERS, Has("deficits")),
        doc=DOC_GPO,
        method="результаты диагностики профессиональных дефицитов (Центр)",
        goal="mp_sub",
        direction=LOWER,
        muko=MUKO_DEFICITS,
        group=GROUP_GROWTH,
        short="доля с дефицитами",
    ),
    _person(
        "deficit_addressed",
        "Доля работников с дефицитами прошлого года, прошедших ПК в отчётном году",
        Has("courses", where=(Attr("kind", "==", "ПК"),)),
        "из них окончившие в году y хотя бы один курс ПК",
        "работники (Кадры года y), у которых в диагностике y−1 выявлен хотя бы один дефицит",
        population=(Has("deficits", where=(Attr("deficit", "==", True),), years=(-1, -1)),),
        doc=DOC_ASSIGNMENT,
        method="диагностика дефицитов прошлого года и списки «ДПО» отчётного года",
        goal="centre_task_1",
        muko=MUKO_DEFICITS,
        group=GROUP_GROWTH,
        short="ПК после дефицита",
    ),
    _person(
        "burnout_high",
        "Доля педагогов с высоким уровнем профессионального выгорания (из прошедших диагностику)",
        Has("burnout", where=(Attr("level", "==", "высокий"),)),
        "из них педагоги с уровнем выгорания «высокий»",
        "педагоги, прошедшие диагностику выгорания в году",
        population=(TEACHERS, Has("burnout")),
        doc=DOC_GPO,
        method="результаты диагностики профессионального выгорания (Центр)",
        goal="mp_sub",
        direction=LOWER,
        muko=MUKO_BURNOUT,
        group=GROUP_GROWTH,
        short="высокое выгорание",
    ),
    # Обобщение и распространение опыта: атрибуты учреждений
    _institution(
        "events_hosted",
        "Мероприятия, организованные учреждением (конкурсы, конференции, курсы, семинары)",
        Rows("events", key="organizer"),
        "мероприятия года, организатор которых — само учреждение (город: все мероприятия "
        "учреждений)",
        method="реестр мероприятий Центра (centre.xlsx › Мероприятия)",
        muko=MUKO_SUPPORT,
    ),
    _institution(
        "inst_resource_centre",
        "Учреждения — ресурсные центры или опорные площадки",
        AnyOf((Attr("resource_centre", "==", True), Attr("support_site", "==", True))),
        "учреждения со статусом ресурсного центра или опорной площадки",
        doc=DOC_RC,
        muko=MUKO_NETWORK,
    ),
    _institution(
        "inst_innovation",
        "Учреждения со статусом РИП или ФИП",
        Attr("innovation", "in", ("РИП", "ФИП")),
        "учреждения, признанные региональной или федеральной инновационной площадкой",
        muko=MUKO_SUPPORT,
    ),
    _institution(
        "inst_network_agreements",
        "Договоры о сетевом взаимодействии",
        Field("institutions", "network_agreements", "inst_id"),
        "число договоров о сетевом взаимодействии учреждения",
        muko=MUKO_NETWORK,
    ),
    _institution(
        "inst_competitions",
        "Участие учреждения в конкурсах образовательных организаций",
        Rows("competitions_inst", key="inst_id"),
        "строки «Конкурсы ОУ» года учреждения",
        method=COMPETITIONS_METHOD,
        muko=MUKO_COMPETITIONS,
    ),
    _institution(
        "inst_competition_prizes",
        "Призовые места учреждения в конкурсах образовательных организаций",
        Rows("competitions_inst", key="inst_id", where=(Attr("result", "in", PRIZES),)),
        "строки «Конкурсы ОУ» года учреждения с результатом лауреат, призёр или победитель",
        method=COMPETITIONS_METHOD,
        muko=MUKO_COMPETITIONS,
    ),
    # Муниципальное задание Центра
    _CENTRE_HOURS,
    _CENTRE_EVENTS,
    _CENTRE_PRODUCTS,
    _centre_pct(_CENTRE_HOURS),
    _centre_pct(_CENTRE_EVENTS),
    _centre_pct(_CENTRE_PRODUCTS),
    # Планы-отчёты ГПО (all associations of the register report on the same form)
    Indicator(
        id="report_completeness",
        name="Полнота сдачи планов-отчётов объединений",
        unit="%",
        levels=("city",),
        source_doc=DOC_GPO,
        method=PLAN_REPORT_METHOD,
        frequency=YEARLY,
        goal="mp_sub",
        direction=HIGHER,
        muko=MUKO_SUPPORT,
        numerator_text="объединения реестра, сдавшие план-отчёт",
        denominator_text="объединения реестра года (все типы)",
        group=GROUP_GPO,
        subject="association",
        kind=SHARE,
        numerator=Has("plan_reports", key="assoc_id"),
        short="сдача планов-отчётов",
    ),
    _plan_report(
        "gpo_participants",
        "Постоянные участники объединений",
        "participants",
        "чел.",
        "постоянные участники по плану-отчёту (город: сумма)",
        muko=MUKO_NETWORK,
    ),
    Indicator(
        id="gpo_under_35_share",
        name="Доля постоянных участников объединений в возрасте до 35 лет",
        unit="%",
        levels=ASSOCIATION_LEVELS,
        source_doc=DOC_GPO,
        method=PLAN_REPORT_METHOD,
        frequency=YEARLY,
        goal="centre_task_2",
        direction=HIGHER,
        muko=MUKO_MENTORING,
        numerator_text="участники до 35 лет (город: Σ по объединениям)",
        denominator_text="постоянные участники (город: Σ по объединениям)",
        group=GROUP_GPO,
        subject="association",
        kind=SHARE,
        numerator=Field("plan_reports", "participants_under_35", "assoc_id"),
        denominator=Field("plan_reports", "participants", "assoc_id"),
        short="участники до 35 лет",
    ),
    _plan_report(
        "gpo_products",
        "Методические продукты объединений",
        "products",
        "ед.",
        "методические продукты по плану-отчёту (город: сумма)",
        muko=MUKO_SUPPORT,
    ),
    _plan_report(
        "gpo_new_practices",
        "Изучено и внедрено нового содержания, технологий",
        "new_practices",
        "ед.",
        "внедрённое новое содержание, технологии (город: сумма)",
        muko=MUKO_SUPPORT,
    ),
    _plan_report(
        "gpo_young_school",
        "Организованные школы молодого педагога (ШМП)",
        "young_school",
        "ед.",
        "объединения, организовавшие ШМП (город: число)",
        muko=MUKO_MENTORING,
    ),
    _plan_report(
        "gpo_internships",
        "Стажировки, организованные объединениями",
        "internships",
        "ед.",
        "стажировки по плану-отчёту (город: сумма)",
        muko=MUKO_NETWORK,
    ),
    _plan_report(
        "gpo_competitors",
        "Участники профессиональных конкурсов из членов объединений",
        "competitors",
        "чел.",
        "участники конкурсов по плану-отчёту (город: сумма)",
        muko=MUKO_COMPETITIONS,
    ),
    _plan_report(
        "gpo_events",
        "Мероприятия объединений",
        "events",
        "ед.",
        "мероприятия по плану-отчёту (город: сумма)",
        muko=MUKO_SUPPORT,
    ),
    _plan_report(
        "gpo_mentoring_pairs",
        "Наставнические пары в объединениях",
        "mentoring_pairs",
        "ед.",
        "наставнические пары по плану-отчёту (город: сумма)",
        muko=MUKO_MENTORING,
    ),
)

# --- ПТГ information cards and resource-centre plan-reports (SPEC §3, issue 14) ------------
# The seed's «Неформальное повышение квалификации»: a ПТГ works on a topic described by its
# information card; a РЦ reports its опорные площадки, events for the city's teachers and
# participants from other institutions («введение показателей для планов-отчётов РЦ»).
# Cards by status are one count per status: the catalogue's unit is one number per indicator,
# level and unit, with no breakdown column; the three add up to the numerator of ptg_card_share.

IS_PTG = Attr("assoc_type", "==", contract.PTG)
IS_RC = Attr("assoc_type", "==", contract.RC)
HAS_CARD = Has("assoc_cards", key="assoc_id")
PTG_TEXT = "проблемно-творческие группы (ПТГ) «Реестра» года"
CARDS_METHOD = "информационные карты ПТГ (associations.xlsx › Информационные карты)"
RC_METHOD = "планы-отчёты ресурсных центров (associations.xlsx › Планы-отчёты, столбцы РЦ)"


def _ptg_cards(id: str, name: str, status: str) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit="ед.",
        levels=("city",),
        source_doc=DOC_GPO,
        method=CARDS_METHOD,
        frequency=YEARLY,
        goal="centre_task_2",
        direction=HIGHER,
        muko=MUKO_NETWORK,
        numerator_text=f"ПТГ, информационная карта которых в году имеет статус «{status}»",
        denominator_text="",
        group=GROUP_GPO,
        subject="association",
        kind=COUNT,
        numerator=Has("assoc_cards", key="assoc_id", where=(Attr("status", "==", status),)),
        population=(IS_PTG,),
    )


def _rc(id: str, name: str, column: str, unit: str, num_text: str) -> Indicator:
    return Indicator(
        id=id,
        name=name,
        unit=unit,
        levels=ASSOCIATION_LEVELS,
        source_doc=DOC_RC,
        method=RC_METHOD,
        frequency=YEARLY,
        goal="centre_task_2",
        direction=HIGHER,
        muko=MUKO_NETWORK,
        numerator_text=num_text,
        denominator_text="",
        group=GROUP_GPO,
        subject="association",
        kind=COUNT,
        numerator=Field("plan_reports", column, "assoc_id"),
        population=(IS_RC,),
    )


_DECLARATIONS += (
    Indicator(
        id="ptg_card_share",
        name="Доля ПТГ, представивших информационную карту",
        unit="%",
        levels=("city",),
        source_doc=DOC_GPO,
        method=CARDS_METHOD,
        frequency=YEARLY,
        goal="centre_task_2",
        direction=HIGHER,
        muko=MUKO_NETWORK,
        numerator_text="ПТГ, у которых есть информационная карта года",
        denominator_text=PTG_TEXT,
        group=GROUP_GPO,
        subject="association",
        kind=SHARE,
        numerator=HAS_CARD,
        population=(IS_PTG,),
    ),
    _ptg_cards(
        "ptg_cards_active", "Информационные карты ПТГ в статусе «в работе»", contract.CARD_ACTIVE
    ),
    _ptg_cards(
        "ptg_cards_completed", "Информационные карты ПТГ в статусе «завершена»", contract.CARD_DONE
    ),
    _ptg_cards(
        "ptg_cards_suspended",
        "Информационные карты ПТГ в статусе «приостановлена»",
        contract.CARD_SUSPENDED,
    ),
    Indicator(
        id="ptg_results_mean",
        name="Результаты, представленные за год, в среднем на одну ПТГ с информационной картой",
        unit="ед.",
        levels=ASSOCIATION_LEVELS,
        source_doc=DOC_GPO,
        method=CARDS_METHOD,
        frequency=YEARLY,
        goal="centre_task_2",
        direction=HIGHER,
        muko=MUKO_SUPPORT,
        numerator_text="представлено результатов за год по информационным картам ПТГ "
        "(город: сумма)",
        denominator_text="ПТГ с информационной картой года (город: их число)",
        group=GROUP_GPO,
        subject="association",
        kind=MEAN,
        numerator=Field("assoc_cards", "results_presented", "assoc_id"),
        denominator=HAS_CARD,
        population=(IS_PTG,),
    ),
    _rc(
        "rc_support_sites",
        "Опорные площадки ресурсных центров",
        "support_sites",
        "ед.",
        "опорные площадки по плану-отчёту РЦ (город: сумма по РЦ)",
    ),
    _rc(
        "rc_city_events",
        "Мероприятия ресурсных центров для педагогов города",
        "city_events",
        "ед.",
        "мероприятия для педагогов города по плану-отчёту РЦ (город: сумма по РЦ)",
    ),
    _rc(
        "rc_external_participants",
        "Участники мероприятий ресурсных центров из других учреждений",
        "external_participants",
        "чел.",
        "участники из других учреждений по плану-отчёту РЦ (город: сумма по РЦ)",
    ),
)

CATALOGUE: dict[str, Indicator] = {ind.id: ind for ind in _DECLARATIONS}
assert len(CATALOGUE) == len(_DECLARATIONS), "duplicate indicator id"


# --- person lists and staff categories: populations read by the engine and the lists alike ---


@dataclass(frozen=True)
class PersonList:
    """A person-level list (SPEC §2, internal profile): the people in the denominator of
    `indicator` who are not in its numerator — the same people the indicator counts, by
    construction. `absent` says in Russian what being listed means, for the reason a list is
    withheld when the data of its window is incomplete."""

    id: str
    indicator: str
    absent: str


PERSON_LISTS: dict[str, PersonList] = {
    p.id: p
    for p in (
        PersonList("lapsed_pk", "pk_modern_3y", "нет курса ПК"),
        PersonList("young_without_mentor", "young_mentored", "нет наставника"),
        PersonList("deficit_no_course", "deficit_addressed", "нет курса ПК"),
        PersonList("heads_no_management", "heads_management_3y", "нет курса по управлению"),
    )
}
assert all(
    CATALOGUE[p.indicator].kind == SHARE and CATALOGUE[p.indicator].subject == "person"
    for p in PERSON_LISTS.values()
)

# Staff categories a recommendation rule of level `category` addresses: (Russian name, the
# conditions a person of `Кадры` meets) — the populations of the indicators above.
STAFF_CATEGORIES: dict[str, tuple[str, tuple[Cond, ...]]] = {
    "young": ("Молодые педагоги (стаж менее 3 лет)", YOUNG_TEACHERS),
    "heads": ("Руководители и заместители руководителей", (HEADS,)),
    "teachers": ("Педагоги", (TEACHERS,)),
    "staff": ("Педагогические и руководящие работники", ()),
}

# The ids SPEC §5 pins (kept for the contract's reference checks and tests).
PINNED_IDS: tuple[str, ...] = (
    "pk_modern_3y",
    "pk_pp_3y",
    "heads_management_3y",
    "competition_municipal",
    "competition_any",
    "competition_prizes",
    "category_high",
    "age_under_30",
    "age_under_35",
    "experience_under_10",
    "informal_coverage",
    "young_mentored",
    "deficit_diagnosed",
    "deficit_share",
    "deficit_addressed",
    "burnout_high",
    "events_hosted",
    "centre_person_hours",
    "centre_events",
    "centre_products",
    "report_completeness",
)


def indicator_ids() -> frozenset[str]:
    """Every id of the catalogue (ingest checks `Меры` and `План` against it)."""
    return frozenset(CATALOGUE)


def get(indicator_id: str) -> Indicator:
    """The declaration of an indicator (KeyError when the id is unknown)."""
    return CATALOGUE[indicator_id]


def passport() -> list[dict[str, object]]:
    """Every indicator's passport as plain records (for the catalogue table of the report)."""
    return [
        {
            "indicator_id": ind.id,
            "name": ind.name,
            "unit": ind.unit,
            "levels": ", ".join(ind.levels),
            "numerator": ind.numerator_text,
            "denominator": ind.denominator_text,
            "formula": ind.formula,
            "sources": ", ".join(ind.sources),
            "source_doc": ind.source_doc,
            "method": ind.method,
            "frequency": ind.frequency,
            "goal": ind.goal,
            "direction": ind.direction,
            "muko": ind.muko,
            "group": ind.group,
        }
        for ind in CATALOGUE.values()
    ]
