"""The data contract of SPEC §3, declared once.

Every form (workbook), sheet and column the centre collects is declared here: the Russian header,
the machine name, the type, whether it is required, its enumeration, bounds, uniqueness and the
references to other forms. Ingest validates against this declaration, the processed Parquet schema
is derived from it, and the Excel templates are written from it. There is no second list of
columns anywhere in the project: read `FORMS` (or `SHEETS`) instead of spelling names again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types. Each maps to one processed (Parquet) type in `processed.ARROW_TYPES`.
ID = "id"  # code kept as text; a whole-number cell becomes the integer's text (12.0 → "12")
TEXT = "text"  # free text
ENUM = "enum"  # one of `choices`; stored in the contract's canonical spelling
YESNO = "yesno"  # да/нет → bool
INT = "int"  # whole number (a number cell or text such as "12")
NUMBER = "number"  # real number (a number cell or text with a decimal comma, "12,5")
DATE = "date"  # Excel date, or text ДД.ММ.ГГГГ / ГГГГ-ММ-ДД
LIST = "list"  # ";"-separated codes, each checked against `ref` (or one of `choices`)

# Reference kinds that are not a plain "table.column".
REF_ORGANIZER = "organizer"  # «Центр», an inst_id or an assoc_id
REF_MEASURE_TARGET = "measure_target"  # `Адресаты`: the grammar of analysis.vocabulary
REF_INDICATOR = "indicator"  # an id of the indicator catalogue
REF_RECOMMENDATION = "recommendation"  # a rule id of params/recommendations.yaml (when it exists)

CENTRE = "Центр"  # the organizer/author value meaning the Centre itself


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    ``year_bounds`` are bounds relative to the report year y (birth_year: y−80 … y−16).
    ``date_rule`` is "within_year" (the date falls in y) or "not_after_year" (≤ 31.12.y).
    ``ref`` is "table.column" of another sheet of the same year, or one of the REF_* kinds.
    """

    header: str
    name: str
    type: str
    required: bool = True
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    year_bounds: tuple[int, int] | None = None
    date_rule: str | None = None
    unique: bool = False
    ref: str | None = None
    help: str = ""  # one line for the instructions sheet of the template
    plausible_max: float | None = None  # above this a value is kept but warned as an outlier
    # Filled only in rows of associations of these types (`Реестр › Тип`); a value in a row of
    # another type is kept and warned about (SPEC §3: the РЦ columns of `Планы-отчёты`).
    assoc_types: tuple[str, ...] = ()
    # False: free text that may name a person, never shown in the public profile (SPEC §6)
    public: bool = True


@dataclass(frozen=True)
class Sheet:
    """One sheet of a form; ``table`` names the processed table (``<table>.parquet``).

    ``unique_together``: a repeated combination is an error. ``warn_repeated``: a repeated
    combination is only a warning (SPEC: a repeated member pair). ``part_of``: (part, whole)
    pairs where part ≤ whole must hold in every row. ``experience_vs_age``: (experience column,
    birth-year column) — experience longer than the age less `MIN_WORKING_AGE` is warned.
    ``not_before``: (later, earlier) pairs where later ≥ earlier must hold (end ≥ start year).
    ``required``: False for a sheet a workbook may lack (then its table is absent: «нет данных»).
    ``assoc_types``: every row's assoc_id must be an association of these types (an error).
    """

    name: str
    table: str
    columns: tuple[Column, ...]
    unique_together: tuple[tuple[str, ...], ...] = ()
    warn_repeated: tuple[str, ...] = ()
    part_of: tuple[tuple[str, str], ...] = ()
    experience_vs_age: tuple[str, str] | None = None
    not_before: tuple[tuple[str, str], ...] = ()
    required: bool = True
    assoc_types: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Form:
    """One workbook (``<stem>.xlsx``, or a folder ``<stem>/`` of such workbooks)."""

    stem: str
    title: str
    filled_by: str
    sheets: tuple[Sheet, ...] = field(default_factory=tuple)


YESNO_CHOICES = ("да", "нет")
INST_TYPES = ("ОО", "ДОО", "УДО", "ДПО")
RESULTS = ("участник", "лауреат", "призёр", "победитель")
LEVELS = ("муниципальный", "региональный", "всероссийский")
CENTRE_PLAN_INDICATORS = ("centre_person_hours", "centre_events", "centre_products")
ASSOC_TYPES = ("ГПО", "ШМП", "ПТГ", "РЦ", "ОП")
PTG, RC = "ПТГ", "РЦ"  # problem-creative group (has an information card); resource centre
# The status of a ПТГ's information card (SPEC §3 `Информационные карты`).
CARD_STATUSES = ("в работе", "завершена", "приостановлена")
CARD_ACTIVE, CARD_DONE, CARD_SUSPENDED = CARD_STATUSES
# The other quality-management (МУКО) mechanisms a measure may serve (SPEC §3 `Меры`, the seed's
# first slide: the ПК mechanisms against the systems they serve).
MUKO_SYSTEMS = (
    "таланты",
    "профориентация",
    "эффективность руководителей",
    "ШНОР/ШНСУ",
    "качество подготовки обучающихся",
)
MIN_WORKING_AGE = 16  # SPEC §3: birth_year ≤ y−16, so nobody has worked since before 16


def _count(header: str, name: str, *, required: bool = True, help: str = "") -> Column:
    return Column(header, name, INT, required=required, min=0, help=help)


def _rc_count(header: str, name: str, help: str) -> Column:
    """An optional count of `Планы-отчёты` that only resource centres fill."""
    return Column(
        header, name, INT, required=False, min=0, help=f"только для РЦ: {help}", assoc_types=(RC,)
    )


def _person(header: str = "Код работника", name: str = "person_id", **kw) -> Column:
    return Column(header, name, ID, ref="staff.person_id", **kw)


def _inst(header: str = "Код ОУ", **kw) -> Column:
    return Column(header, "inst_id", ID, ref="institutions.inst_id", **kw)


INSTITUTIONS = Form(
    "institutions",
    "Учреждения",
    "управление образования (реестр подведомственных учреждений)",
    (
        Sheet(
            "Учреждения",
            "institutions",
            (
                Column("Код ОУ", "inst_id", ID, unique=True, help="уникальный код учреждения"),
                Column("Наименование", "name", TEXT),
                Column(
                    "Тип",
                    "inst_type",
                    ENUM,
                    choices=INST_TYPES,
                    help="ОО — школа, ДОО — детский сад, УДО — доп. образование, ДПО — Центр",
                ),
                Column("Район", "district", TEXT),
                Column("ШНОР", "low_results", YESNO, help="школа с низкими результатами обучения"),
                Column(
                    "ШНСУ",
                    "unfavourable",
                    YESNO,
                    help="школа, функционирующая в неблагоприятных социальных условиях",
                ),
                Column("Инновационный статус", "innovation", ENUM, choices=("нет", "РИП", "ФИП")),
                Column("Ресурсный центр", "resource_centre", YESNO),
                Column("Опорная площадка", "support_site", YESNO),
                _count("Договоры о сетевом взаимодействии", "network_agreements"),
            ),
        ),
    ),
)

STAFF = Form(
    "staff",
    "Кадры",
    "каждое учреждение (педагогические и руководящие работники, основное место работы)",
    (
        Sheet(
            "Кадры",
            "staff",
            (
                Column(
                    "Код работника",
                    "person_id",
                    ID,
                    unique=True,
                    help="обезличенный код, постоянный для человека; ФИО не указываются",
                ),
                _inst(),
                Column(
                    "Должность",
                    "position",
                    ENUM,
                    choices=("педагог", "руководитель", "заместитель руководителя"),
                ),
                Column("Предмет", "subject", TEXT, required=False),
                Column("Год рождения", "birth_year", INT, year_bounds=(-80, -16)),
                Column(
                    "Педагогический стаж",
                    "experience_years",
                    NUMBER,
                    min=0,
                    max=70,
                    help="полных лет, от 0 до 70",
                ),
                Column(
                    "Категория",
                    "category",
                    ENUM,
                    choices=("нет", "соответствие", "первая", "высшая"),
                ),
            ),
            experience_vs_age=("experience_years", "birth_year"),
        ),
    ),
)

COURSES = Form(
    "courses",
    "Дополнительное профессиональное образование",
    "каждое учреждение и Центр (курсы, оконченные в отчётном году)",
    (
        Sheet(
            "ДПО",
            "courses",
            (
                # A course is attributed to wherever the person works in the year asked, so the
                # person need not be on this year's staff list (SPEC §3, references).
                Column("Код работника", "person_id", ID),
                Column("Программа", "program", TEXT),
                Column(
                    "Вид",
                    "kind",
                    ENUM,
                    choices=("ПК", "ПП"),
                    help="ПК — повышение квалификации, ПП — профессиональная переподготовка",
                ),
                Column(
                    "Объём, ч", "hours", NUMBER, min=0, min_exclusive=True, plausible_max=1000
                ),  # even ПП programmes rarely pass 1000 h
                Column(
                    "Организация",
                    "provider",
                    ENUM,
                    choices=("Центр", "региональная", "федеральная", "иная"),
                ),
                Column(
                    "Современные требования",
                    "modern",
                    YESNO,
                    help="программа отвечает современным квалификационным требованиям",
                ),
                Column(
                    "Направление",
                    "topic",
                    ENUM,
                    choices=(
                        "ФГОС",
                        "ИКТ",
                        "предметное",
                        "управление",
                        "инклюзия",
                        "воспитание",
                        "функциональная грамотность",
                        "другое",
                    ),
                ),
                Column(
                    "Форма обучения",
                    "study_form",
                    ENUM,
                    required=False,
                    choices=("очная", "очно-заочная", "заочная", "дистанционная"),
                ),
                Column(
                    "Финансирование",
                    "funding",
                    ENUM,
                    required=False,
                    choices=("бюджет", "внебюджет"),
                ),
                Column("Дата окончания", "end_date", DATE, date_rule="within_year"),
            ),
        ),
    ),
)

COMPETITIONS = Form(
    "competitions",
    "Профессиональные конкурсы",
    "Центр по итоговым приказам конкурсов",
    (
        Sheet(
            "Конкурсы педагогов",
            "competitions_staff",
            (
                Column("Конкурс", "competition", TEXT),
                Column("Уровень", "level", ENUM, choices=LEVELS),
                _person(),
                Column("Результат", "result", ENUM, choices=RESULTS),
            ),
        ),
        Sheet(
            "Конкурсы ОУ",
            "competitions_inst",
            (
                Column("Конкурс", "competition", TEXT),
                Column("Уровень", "level", ENUM, choices=LEVELS),
                _inst(),
                Column("Результат", "result", ENUM, choices=RESULTS),
            ),
        ),
    ),
)

ASSOCIATIONS = Form(
    "associations",
    "Профессиональные объединения (ГПО, ШМП, ПТГ, РЦ, ОП)",
    "руководители объединений через Центр",
    (
        Sheet(
            "Реестр",
            "associations",
            (
                Column("Код объединения", "assoc_id", ID, unique=True),
                Column(
                    "Тип",
                    "assoc_type",
                    ENUM,
                    choices=ASSOC_TYPES,
                    help="ГПО, ШМП — школа молодого педагога, ПТГ — проблемно-творческая "
                    "группа, РЦ — ресурсный центр, ОП — опорная площадка",
                ),
                Column("Наименование", "name", TEXT),
                Column(
                    "Входит в",
                    "parent_id",
                    ID,
                    required=False,
                    ref="associations.assoc_id",
                    help="код объединения, в которое входит (ШМП/ПТГ — в ГПО, ОП — в РЦ)",
                ),
                _inst("Код ОУ базы"),
                Column(
                    "Принцип",
                    "principle",
                    ENUM,
                    required=False,
                    choices=("должностной", "предметный"),
                ),
            ),
        ),
        Sheet(
            "Планы-отчёты",
            "plan_reports",
            (
                Column("Код объединения", "assoc_id", ID, unique=True, ref="associations.assoc_id"),
                _count("Постоянных участников", "participants"),
                _count("из них до 35 лет", "participants_under_35"),
                _count("Методических продуктов", "products"),
                _count("Внедрено нового содержания, технологий", "new_practices"),
                Column("Организована ШМП", "young_school", YESNO),
                _count("Стажировок", "internships"),
                _count("Участников конкурсов", "competitors"),
                _count("Мероприятий", "events"),
                _count("Наставнических пар", "mentoring_pairs", required=False),
                # SPEC §3: for resource centres (optional, filled by РЦ)
                _rc_count(
                    "Опорных площадок",
                    "support_sites",
                    "опорные площадки ресурсного центра на конец года",
                ),
                _rc_count(
                    "Мероприятий для педагогов города",
                    "city_events",
                    "мероприятия РЦ, открытые для педагогов всего города",
                ),
                _rc_count(
                    "Участников из других учреждений",
                    "external_participants",
                    "участники мероприятий РЦ, работающие в других учреждениях",
                ),
            ),
            part_of=(("participants_under_35", "participants"),),
        ),
        Sheet(
            "Информационные карты",
            "assoc_cards",
            (
                Column(
                    "Код объединения",
                    "assoc_id",
                    ID,
                    unique=True,
                    ref="associations.assoc_id",
                    help="код ПТГ из листа «Реестр»",
                ),
                Column("Тема", "topic", TEXT),
                Column("Проблема", "problem", TEXT),
                Column("Цель", "goal", TEXT),
                # bounds only catch slips (23, 20223): a card may announce next year's topic
                Column(
                    "Год начала",
                    "start_year",
                    INT,
                    year_bounds=(-30, 1),
                    help="год, с которого группа работает над темой",
                ),
                Column(
                    "Год окончания",
                    "end_year",
                    INT,
                    year_bounds=(-30, 30),
                    help="год, в котором работа над темой завершается (не раньше года начала)",
                ),
                Column("Планируемые результаты", "planned_results", TEXT),
                Column("Формы представления результатов", "result_forms", TEXT, required=False),
                _count(
                    "Представлено результатов за год",
                    "results_presented",
                    help="результаты, представленные педагогам города в отчётном году",
                ),
                Column("Статус", "status", ENUM, choices=CARD_STATUSES),
            ),
            not_before=(("end_year", "start_year"),),
            required=False,
            assoc_types=(PTG,),
        ),
        Sheet(
            "Участники",
            "members",
            (
                Column("Код объединения", "assoc_id", ID, ref="associations.assoc_id"),
                _person(),
            ),
            warn_repeated=("assoc_id", "person_id"),
        ),
    ),
)

CENTRE_FORM = Form(
    "centre",
    "Центр: муниципальное задание, мероприятия, методические продукты",
    "МУ ДПО «ЦПКИМР»",
    (
        Sheet(
            "План",
            "centre_plan",
            (
                Column(
                    "Показатель", "indicator_id", ENUM, unique=True, choices=CENTRE_PLAN_INDICATORS
                ),
                Column("План", "plan", NUMBER, min=0),
            ),
        ),
        Sheet(
            "Мероприятия",
            "events",
            (
                Column("Код мероприятия", "event_id", ID, unique=True),
                Column("Дата", "date", DATE, date_rule="within_year"),
                Column("Название", "title", TEXT),
                Column(
                    "Формат",
                    "format",
                    ENUM,
                    choices=(
                        "семинар",
                        "конференция",
                        "мастер-класс",
                        "вебинар",
                        "конкурс",
                        "курсы",
                        "другое",
                    ),
                ),
                Column(
                    "Организатор",
                    "organizer",
                    ID,
                    ref=REF_ORGANIZER,
                    help="«Центр», код ОУ или код объединения",
                ),
                Column(
                    "Целевая группа",
                    "target_group",
                    ENUM,
                    choices=(
                        "молодые педагоги",
                        "руководители",
                        "заместители руководителей",
                        "учителя-предметники",
                        "педагоги ДОО",
                        "педагоги УДО",
                        "все",
                    ),
                ),
                Column(
                    "Участников", "participants", INT, min=0, plausible_max=3000
                ),  # more than a municipal event gathers: a slip
            ),
        ),
        Sheet(
            "Методические продукты",
            "products",
            (
                Column("Код продукта", "product_id", ID, unique=True),
                Column("Название", "title", TEXT),
                Column("Вид", "product_type", TEXT),
                Column(
                    "Автор",
                    "author",
                    ID,
                    ref=REF_ORGANIZER,
                    help="«Центр», код ОУ или код объединения",
                ),
            ),
        ),
    ),
)

DIAGNOSTICS = Form(
    "diagnostics",
    "Диагностика профессиональных дефицитов и выгорания",
    "Центр по результатам диагностик",
    (
        Sheet(
            "Дефициты",
            "deficits",
            (
                _person(),
                Column(
                    "Область",
                    "area",
                    ENUM,
                    choices=(
                        "предметная",
                        "методическая",
                        "психолого-педагогическая",
                        "коммуникативная",
                        "цифровая",
                    ),
                ),
                Column("Балл", "score", NUMBER, min=0, max=100),
                Column("Дефицит", "deficit", YESNO),
            ),
            unique_together=(("person_id", "area"),),
        ),
        Sheet(
            "Выгорание",
            "burnout",
            (
                _person(unique=True),
                Column("Уровень", "level", ENUM, choices=("низкий", "средний", "высокий")),
            ),
        ),
    ),
)

MENTORING = Form(
    "mentoring",
    "Наставничество",
    "каждое учреждение",
    (
        Sheet(
            "Наставничество",
            "mentoring",
            (
                _person("Наставник", "mentor_id"),
                _person("Наставляемый", "mentee_id"),
                Column("Дата начала", "start_date", DATE, date_rule="not_after_year"),
            ),
        ),
    ),
)

MEASURES = Form(
    "measures",
    "Реестр управленческих мер и решений",
    "управление образования и Центр",
    (
        Sheet(
            "Меры",
            "measures",
            (
                Column("Код меры", "measure_id", ID, unique=True),
                Column("Дата", "date", DATE, date_rule="within_year"),
                Column("Документ", "document", TEXT),
                Column("Содержание", "title", TEXT),
                Column(
                    "Механизм",
                    "mechanism",
                    ENUM,
                    choices=(
                        "формальное ПК",
                        "неформальное ПК",
                        "конкурсы",
                        "методическая поддержка",
                        "наставничество",
                        "сетевое взаимодействие",
                    ),
                ),
                # its grammar, and the help the templates show, are analysis.vocabulary's
                Column("Адресаты", "targets", LIST, ref=REF_MEASURE_TARGET),
                Column(
                    "Показатели",
                    "indicator_ids",
                    LIST,
                    ref=REF_INDICATOR,
                    help="коды показателей через «;»",
                ),
                Column(
                    "Рекомендации",
                    "recommendation_ids",
                    LIST,
                    required=False,
                    ref=REF_RECOMMENDATION,
                    help="коды правил рекомендаций через «;»",
                ),
                Column("Ответственный", "responsible", TEXT, public=False),
                Column("Срок", "deadline", DATE),
                Column(
                    "Статус", "status", ENUM, choices=("запланировано", "выполнено", "не выполнено")
                ),
                Column(
                    "Механизмы МУКО",
                    "muko_systems",
                    LIST,
                    required=False,
                    choices=MUKO_SYSTEMS,
                    help="другие механизмы управления качеством образования, которым служит "
                    "мера, через «;»",
                ),
            ),
        ),
    ),
)

# Order matters: a form's references point only to forms before it or to itself, so ingest can
# check references in one pass and messages come out in a natural order.
FORMS: tuple[Form, ...] = (
    INSTITUTIONS,
    STAFF,
    COURSES,
    COMPETITIONS,
    ASSOCIATIONS,
    CENTRE_FORM,
    DIAGNOSTICS,
    MENTORING,
    MEASURES,
)

FORMS_BY_STEM: dict[str, Form] = {f.stem: f for f in FORMS}
SHEETS: dict[str, Sheet] = {s.table: s for f in FORMS for s in f.sheets}
TABLE_FORM: dict[str, str] = {s.table: f.stem for f in FORMS for s in f.sheets}


def private_columns(table: str) -> tuple[str, ...]:
    """Machine names of the table's columns the public profile never shows (`Column.public`)."""
    return tuple(c.name for c in SHEETS[table].columns if not c.public)
