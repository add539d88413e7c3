"""Blank data-collection workbooks (SPEC §7 `templates`), written from the contract.

One `<stem>.xlsx` per form of `contract.FORMS`: an «Инструкция» sheet (purpose, who fills it,
the deadline, the rules of every column), the form's data sheets exactly as the contract names
them (styled frozen header, column widths, drop-down lists, number and date validation), a
reference of institution and association codes from the latest processed year when there is
one, and a hidden sheet of long lists. Ingest ignores every sheet that is not in the contract,
so a template filled in by hand goes through `ingest` as it is.

References: institution and association codes come from the latest *real* processed year (never
from the demo city, whose 150 fictional schools must not reach real schools' forms; with no real
data the forms come without them and the instructions say so). Every form that asks for an
indicator or a recommendation rule gets the codes with their Russian names (the catalogue and
`params/recommendations.yaml`) and a drop-down on the column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from analysis import contract, processed
from analysis.errors import UserError
from analysis.files import save_workbook
from analysis.vocabulary import TARGET_HINT

INSTRUCTIONS = "Инструкция"  # first sheet of every template
LISTS = "Списки"  # hidden sheet holding the values of long drop-down lists
REFERENCE_TITLES = {  # reference sheets, one per kind of code (table of the contract → sheet)
    "institutions": "Справочник ОУ",
    "associations": "Справочник объединений",
    "indicators": "Справочник показателей",
    "rules": "Справочник рекомендаций",
}
REFERENCE_COLUMNS = {  # machine names shown in each reference sheet (headers come from contract)
    "institutions": ("inst_id", "name", "inst_type", "district"),
    "associations": ("assoc_id", "assoc_type", "name"),
}
PROCESSED_REFERENCES = tuple(REFERENCE_COLUMNS)  # codes that come from the data of a real year
NO_REAL_DATA = (  # said in the instructions of a form that would list such codes
    "коды учреждений и объединений не приложены: настоящих (не демонстрационных) обработанных "
    "данных за этот или более ранний год нет. Коды учреждений задаёт форма institutions.xlsx, объединений — "
    "associations.xlsx; используйте их без изменений во всех формах."
)
MIXED_REFS = (contract.REF_ORGANIZER, contract.REF_MEASURE_TARGET)  # an inst_id among others
TARGET_HELP = TARGET_HINT.removeprefix("ожидается ")  # the Адресаты grammar ingest checks
LIST_HINT = "Несколько кодов — через «;» (например: код1;код2). Коды — на листе «{sheet}»."
FIRST_YEAR, LAST_YEAR = 2000, 2100  # a plausible report year (guards typos such as 23)
LAST_ROW = 5000  # validations cover rows 2..LAST_ROW: far more than any one form holds
INLINE_LIST_LIMIT = 255  # Excel rejects an inline list longer than 255 characters
DATE_FORMAT = "DD.MM.YYYY"  # the Russian date layout the instructions ask for
TEXT_FORMAT = "@"  # codes typed as text keep leading zeros («007»)

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_REQUIRED_FILL = PatternFill("solid", fgColor="BDD7EE")  # darker: column must be filled
_OPTIONAL_FILL = PatternFill("solid", fgColor="E2EFDA")  # lighter: column may stay empty
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # a cell the person fills (deadline)
_WRAP = Alignment(wrap_text=True, vertical="top")

TYPE_WORDS = {  # the column type in words, for the instructions sheet
    contract.ID: "код (текст)",
    contract.TEXT: "текст",
    contract.ENUM: "значение из списка",
    contract.YESNO: "да/нет",
    contract.INT: "целое число",
    contract.NUMBER: "число (дробная часть — через запятую)",
    contract.DATE: "дата ДД.ММ.ГГГГ",
    contract.LIST: "список кодов через «;»",
}

GENERAL_RULES = (
    (
        "Не переименовывайте листы, не меняйте и не удаляйте первую строку (заголовки "
        "столбцов): по ним форма читается автоматически."
    ),
    "Одна строка — одна запись. Пустые строки между записями допускаются и пропускаются.",
    (
        "Коды учреждений, объединений и работников — это коды, а не наименования. "
        "Фамилии, имена и отчества людей не указываются нигде."
    ),
    "Столбцы со списком заполняйте выбором из выпадающего списка; «да/нет» — словами да или нет.",
    "Даты — в виде ДД.ММ.ГГГГ (например, 01.09.2023). Дробные числа — с запятой (12,5).",
    (
        "Заголовки обязательных столбцов выделены синим, необязательных — зелёным; "
        "в обязательном столбце не должно быть пустых ячеек."
    ),
    "Если записей нет, оставьте на листе только строку заголовков.",
    "Листы «Инструкция», «Справочник …» и скрытый лист списков при чтении не учитываются.",
)


@dataclass(frozen=True)
class Reference:
    """Codes of one kind (column A) with their names, shown so that forms use the same codes.

    ``year``: the processed year the codes come from (None for the catalogue and the rules);
    ``headers``: the sheet's header row (default: the contract's headers of the table).
    """

    table: str
    year: int | None
    frame: pd.DataFrame
    headers: tuple[str, ...] = ()
    note: str = ""

    @property
    def title(self) -> str:
        return REFERENCE_TITLES[self.table]

    def header_row(self) -> list[str]:
        if self.headers:
            return list(self.headers)
        sheet = contract.SHEETS[self.table]
        return [sheet.column(n).header for n in REFERENCE_COLUMNS[self.table]]

    def source(self) -> str:
        """Where the codes come from, for the instructions sheet."""
        return self.note or f"коды по данным за {self.year} год"

    def code_range(self) -> str:
        """The absolute range of the code column (column A) below the header."""
        last = max(len(self.frame), 1) + 1
        return f"{quote_sheetname(self.title)}!$A$2:$A${last}"


def write_templates(year: int, out_dir: Path, processed_dir: Path | None = None) -> list[Path]:
    """Write one blank `<stem>.xlsx` per form of the contract into ``out_dir``; return the paths.

    ``processed_dir`` supplies the reference codes of the latest processed year ≤ ``year``.
    """
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise UserError(f"Неверный отчётный год: {year} (ожидается, например, 2024)")
    out_dir = Path(out_dir)
    references = {**load_references(processed_dir, year), **static_references()}
    written = []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for form in contract.FORMS:
            path = out_dir / f"{form.stem}.xlsx"
            save_workbook(build_workbook(form, year, references), path, year)
            written.append(path)
    except OSError as exc:  # a file in the way, no rights, a full disk: say so, no traceback
        where = exc.filename or out_dir
        raise UserError(f"Не удаётся записать формы в «{where}»: {exc.strerror or exc}") from exc
    return written


def describe(written: list[Path], year: int, processed_dir: Path | None) -> list[str]:
    """What `write_templates` wrote and where the codes in the forms come from (for the CLI)."""
    refs = load_references(processed_dir, year)
    lines = [
        f"Записано форм за {year} год: {len(written)} в {written[0].parent if written else ''}"
    ]
    lines += [f"  {p.name}" for p in written]
    if refs:
        lines.append(
            "Справочники кодов: "
            + "; ".join(f"{r.title.lower()} — по данным за {r.year} год" for r in refs.values())
        )
    else:
        lines.append(
            "Справочник кодов учреждений и объединений не приложен: настоящих "
            f"(не демонстрационных) обработанных данных за {year} год или раньше нет."
        )
    lines.append(
        "Справочники показателей и правил рекомендаций приложены к формам, где нужны их "
        "коды (centre.xlsx, measures.xlsx)."
    )
    return lines


def load_references(processed_dir: Path | None, year: int) -> dict[str, Reference]:
    """Institutions and associations of the latest real processed year ≤ ``year`` that has
    them; demo years are never used (their codes belong to a fictional city)."""
    if processed_dir is None or not Path(processed_dir).exists():
        return {}
    found: dict[str, Reference] = {}
    real = processed.real_years(processed_dir)
    for table, columns in REFERENCE_COLUMNS.items():
        for y in sorted((y for y in real if y <= year), reverse=True):
            frame = processed.read_table(processed_dir, y, table)
            if frame is not None:
                rows = frame[list(columns)].sort_values(columns[0], kind="stable")
                found[table] = Reference(table, y, rows.reset_index(drop=True))
                break
    return found


def static_references(params_dir: Path | None = None) -> dict[str, Reference]:
    """The indicator catalogue and the recommendation rules: codes with their Russian names."""
    from analysis.catalogue import CATALOGUE

    inds = pd.DataFrame(
        [(i.id, i.name, i.unit) for i in CATALOGUE.values()], columns=["id", "name", "unit"]
    )
    refs = {
        "indicators": Reference(
            "indicators",
            None,
            inds,
            ("Код показателя", "Показатель", "Единица"),
            "коды показателей каталога с названиями",
        )
    }
    try:
        from analysis.params.recommendations import load_rules

        rules = load_rules(params_dir)
    except (UserError, OSError):
        return refs  # no readable rules: the column then has no list (ingest skips its check)
    frame = pd.DataFrame(
        [(r.id, r.title or r.id, r.indicator, r.addressee) for r in rules],
        columns=["id", "title", "indicator", "addressee"],
    )
    refs["rules"] = Reference(
        "rules",
        None,
        frame,
        ("Код правила", "Рекомендация", "Показатель", "Адресат"),
        "коды правил адресных рекомендаций (params/recommendations.yaml)",
    )
    return refs


def build_workbook(form: contract.Form, year: int, references: dict[str, Reference]) -> Workbook:
    """The template of one form as an openpyxl workbook (not yet saved)."""
    wb = Workbook()
    refs = {t: _for_form(form, r) for t, r in references.items() if _uses(form, t)}
    missing = [t for t in PROCESSED_REFERENCES if _uses(form, t) and t not in references]
    _write_instructions(wb.active, form, year, refs, bool(missing))
    lists = _ListSheet(wb)
    for sheet in form.sheets:
        _write_data_sheet(wb.create_sheet(sheet.name), sheet, year, refs, lists)
    for ref in refs.values():
        _write_reference(wb.create_sheet(ref.title), ref)
    lists.finish()
    wb.active = 0  # open on the instructions
    return wb


def _uses(form: contract.Form, table: str) -> bool:
    """Whether a form declares ``table`` or refers to its codes (then it gets the reference)."""
    columns = [c for s in form.sheets for c in s.columns]
    if table == "indicators":
        return any(
            c.ref == contract.REF_INDICATOR or c.choices == contract.CENTRE_PLAN_INDICATORS
            for c in columns
        )
    if table == "rules":
        return any(c.ref == contract.REF_RECOMMENDATION for c in columns)
    mixed = (contract.REF_ORGANIZER, contract.REF_MEASURE_TARGET)  # codes of either kind
    return any(
        s.table == table
        or any(c.ref in mixed or (c.ref or "").startswith(f"{table}.") for c in s.columns)
        for s in form.sheets
    )


def _for_form(form: contract.Form, ref: Reference) -> Reference:
    """The reference as one form needs it: the Centre's plan lists only its plan indicators."""
    if ref.table != "indicators" or any(
        c.ref == contract.REF_INDICATOR for s in form.sheets for c in s.columns
    ):
        return ref
    plan = ref.frame[ref.frame["id"].isin(contract.CENTRE_PLAN_INDICATORS)]
    return Reference(
        ref.table,
        ref.year,
        plan.reset_index(drop=True),
        ref.headers,
        "показатели муниципального задания Центра с названиями",
    )


# ---------------------------------------------------------------- instructions


def _write_instructions(
    ws: Worksheet,
    form: contract.Form,
    year: int,
    refs: dict[str, Reference],
    no_real_codes: bool = False,
) -> None:
    """Purpose, who fills the form, the deadline cell, general rules and every column's rules."""
    ws.title = INSTRUCTIONS
    names = ", ".join(f"«{s.name}»" for s in form.sheets)
    ws.append([f"Форма «{form.title}» за {year} год (файл {form.stem}.xlsx)"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(
        [
            "Назначение",
            (
                f"Сбор данных за {year} год для аналитической книги отчётов о "
                f"качестве повышения квалификации педагогов. Листы с данными: {names}."
            ),
        ]
    )
    ws.append(["Кто заполняет", form.filled_by])
    ws.append(["Отчётный год", year])
    ws.append(["Срок сдачи", None])
    deadline = ws.cell(row=ws.max_row, column=2)
    deadline.fill, deadline.border, deadline.number_format = _INPUT_FILL, _BORDER, DATE_FORMAT
    for ref in refs.values():
        ws.append(["Справочник", f"лист «{ref.title}»: {ref.source()}"])
    if no_real_codes:
        ws.append(["Справочник", NO_REAL_DATA[:1].upper() + NO_REAL_DATA[1:]])
    for row in range(3, ws.max_row + 1):
        ws.cell(row=row, column=1).font = Font(bold=True)
    ws.append([])
    ws.append(["Общие правила"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True, size=12)
    for number, rule in enumerate(GENERAL_RULES, start=1):
        ws.append([f"{number}.", rule])
    ws.append([])
    header = ["Лист", "Столбец", "Обязательный", "Тип", "Допустимые значения", "Пояснение"]
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font, cell.fill, cell.border = Font(bold=True), _REQUIRED_FILL, _BORDER
    for sheet in form.sheets:
        for column in sheet.columns:
            ws.append(_column_row(form, sheet, column, year))
            for cell in ws[ws.max_row]:
                cell.alignment, cell.border = _WRAP, _BORDER
        for rule in sheet_rules(sheet):
            ws.append([sheet.name, None, None, None, None, rule])
            for cell in ws[ws.max_row]:
                cell.alignment, cell.border = _WRAP, _BORDER
    for letter, width in zip("ABCDEF", (24, 34, 14, 22, 40, 60)):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=3, max_row=ws.max_row, max_col=2):
        row[1].alignment = _WRAP


def _column_row(
    form: contract.Form, sheet: contract.Sheet, column: contract.Column, year: int
) -> list[str]:
    required = "да" if column.required else "нет"
    return [
        sheet.name,
        column.header,
        required,
        TYPE_WORDS[column.type],
        allowed_values(column, year, form) or None,
        column_help(column) or None,
    ]


def column_help(column: contract.Column) -> str | None:
    """What the instructions and the input prompt say of a column: its help, and for `Адресаты`
    the grammar ingest checks (declared once, in `analysis.vocabulary`)."""
    return TARGET_HELP if column.ref == contract.REF_MEASURE_TARGET else column.help


def allowed_values(column: contract.Column, year: int, form: contract.Form | None = None) -> str:
    """The allowed values or bounds of a column, in words (year_bounds resolved with ``year``).

    ``form``: the form the column belongs to, so that a code of its own sheets says «этой формы».
    """
    parts = []
    if column.type == contract.ENUM:
        parts.append(", ".join(column.choices))
    elif column.type == contract.LIST and column.choices:
        parts.append(", ".join(column.choices) + " (несколько — через «;»)")
    elif column.type == contract.YESNO:
        parts.append(", ".join(contract.YESNO_CHOICES))
    low, high = numeric_bounds(column, year)
    if low is not None and high is not None:
        parts.append(f"от {_num(low)} до {_num(high)}")
    elif low is not None:
        parts.append(f"{'больше' if column.min_exclusive else 'не меньше'} {_num(low)}")
    elif high is not None:
        parts.append(f"не больше {_num(high)}")
    first, last = date_bounds(column, year)
    if first and last:
        parts.append(f"с {first:%d.%m.%Y} по {last:%d.%m.%Y}")
    elif last:
        parts.append(f"не позднее {last:%d.%m.%Y}")
    if column.unique:
        parts.append("значения не повторяются")
    if column.assoc_types:
        parts.append(f"только для объединений типа {', '.join(column.assoc_types)}")
    if column.ref and "." in column.ref:
        table, _ = column.ref.split(".", 1)
        target = contract.SHEETS[table]
        stem = contract.TABLE_FORM[table]
        where = "этой формы" if form is not None and stem == form.stem else f"формы {stem}.xlsx"
        parts.append(f"код из листа «{target.name}» {where}")
    return "; ".join(parts)


def sheet_rules(sheet: contract.Sheet) -> list[str]:
    """Rules that tie several columns of a sheet together, in words."""

    def header(name: str) -> str:
        return f"«{sheet.column(name).header}»"

    rules = []
    for names in sheet.unique_together:
        rules.append("Сочетание " + ", ".join(header(n) for n in names) + " не повторяется.")
    if sheet.warn_repeated:
        rules.append(
            "Сочетание "
            + ", ".join(header(n) for n in sheet.warn_repeated)
            + " не должно повторяться (повтор вызовет предупреждение)."
        )
    for part, whole in sheet.part_of:
        rules.append(f"{header(part)} не больше {header(whole)}.")
    for later, earlier in sheet.not_before:
        rules.append(f"{header(later)} не меньше {header(earlier)}.")
    if sheet.assoc_types:
        rules.append(
            f"Строки — только для объединений типа {', '.join(sheet.assoc_types)} "
            "(по листу «Реестр»)."
        )
    if not sheet.required:
        rules.append("Лист необязательный: если данных нет, его можно оставить пустым.")
    return rules


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def numeric_bounds(column: contract.Column, year: int) -> tuple[float | None, float | None]:
    """(min, max) of a number column, with ``year_bounds`` resolved against ``year``."""
    if column.year_bounds is not None:
        return year + column.year_bounds[0], year + column.year_bounds[1]
    return column.min, column.max


def date_bounds(column: contract.Column, year: int) -> tuple[date | None, date | None]:
    """(first, last) allowed date of a date column by its ``date_rule``."""
    if column.date_rule == "within_year":
        return date(year, 1, 1), date(year, 12, 31)
    if column.date_rule == "not_after_year":
        return None, date(year, 12, 31)
    return None, None


# ---------------------------------------------------------------- data sheets


class _ListSheet:
    """A hidden sheet of drop-down values, one column per list, created on first use."""

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self.ws: Worksheet | None = None
        self.ranges: dict[tuple[str, ...], str] = {}

    def range_for(self, values: tuple[str, ...]) -> str:
        if values not in self.ranges:
            if self.ws is None:
                self.ws = self.wb.create_sheet(LISTS)
            col = len(self.ranges) + 1
            for row, value in enumerate(values, start=1):
                self.ws.cell(row=row, column=col, value=value)
            letter = get_column_letter(col)
            self.ranges[values] = f"{quote_sheetname(LISTS)}!${letter}$1:${letter}${len(values)}"
        return self.ranges[values]

    def finish(self) -> None:
        if self.ws is not None:
            self.wb.move_sheet(self.ws, offset=len(self.wb.sheetnames))  # keep it last
            self.ws.sheet_state = "hidden"


def _write_data_sheet(
    ws: Worksheet,
    sheet: contract.Sheet,
    year: int,
    refs: dict[str, Reference],
    lists: _ListSheet,
) -> None:
    """Header row exactly as the contract spells it, styled and frozen, with validations."""
    ws.append([c.header for c in sheet.columns])
    for index, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _OPTIONAL_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.border = _BORDER
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column_width(column)
        if column.type == contract.DATE:
            ws.column_dimensions[letter].number_format = DATE_FORMAT
        elif column.type == contract.ID:
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
        validation = column_validation(column, year, lists, _code_list(sheet, column, refs))
        if validation is not None:
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(validation)
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "A2"


def column_width(column: contract.Column) -> float:
    """Wide enough for the header or the longest choice, within 10…45 characters."""
    longest = max([len(column.header), *(len(c) for c in column.choices)])
    return float(min(max(longest + 3, 10), 45))


def _code_list(
    sheet: contract.Sheet, column: contract.Column, refs: dict[str, Reference]
) -> str | None:
    """The reference range suggested for a column holding codes of another table, if any."""
    if column.ref in MIXED_REFS:  # «Центр», «все», район:… are typed; the list offers schools
        return refs["institutions"].code_range() if "institutions" in refs else None
    if column.type == contract.LIST and column.ref in (
        contract.REF_INDICATOR,
        contract.REF_RECOMMENDATION,
    ):
        table = "indicators" if column.ref == contract.REF_INDICATOR else "rules"
        return refs[table].code_range() if table in refs else None
    if column.type != contract.ID or not column.ref or "." not in column.ref:
        return None
    table = column.ref.split(".", 1)[0]
    if table == sheet.table or table not in refs:
        return None  # a sheet's own codes (e.g. «Входит в») are new this year
    return refs[table].code_range()


def column_validation(
    column: contract.Column, year: int, lists: _ListSheet, code_range: str | None = None
) -> DataValidation | None:
    """The Excel validation of a column by its contract type, or None when Excel has none."""
    if column.type in (contract.ENUM, contract.YESNO):
        values = column.choices if column.type == contract.ENUM else contract.YESNO_CHOICES
        dv = DataValidation(type="list", formula1=_list_formula(values, lists))
        return _messages(dv, column, "Выберите значение из списка: " + ", ".join(values))
    if column.type == contract.LIST and column.choices:
        # One value is picked from the list; several are typed with «;» (Excel then only informs).
        dv = DataValidation(
            type="list", formula1=_list_formula(column.choices, lists), errorStyle="information"
        )
        return _messages(
            dv, column, "Значение из списка; несколько — через «;»: " + ", ".join(column.choices)
        )
    if column.type in (contract.INT, contract.NUMBER):
        return _number_validation(column, year)
    if column.type == contract.DATE:
        return _date_validation(column, year)
    if code_range is not None and column.ref in MIXED_REFS:
        # Institutions are offered; other allowed values (see the column's help) are typed.
        dv = DataValidation(type="list", formula1=code_range, errorStyle="information")
        return _messages(
            dv,
            column,
            "Код ОУ из списка или другое допустимое значение "
            "(см. пояснение к столбцу на листе «Инструкция»).",
        )
    if code_range is not None and column.type == contract.LIST:
        # One code is picked from the list; several are typed with «;» (Excel then only informs).
        sheet = code_range.split("!", 1)[0].strip("'")
        dv = DataValidation(type="list", formula1=code_range, errorStyle="information")
        return _messages(dv, column, LIST_HINT.format(sheet=sheet))
    if code_range is not None:
        # Codes of last year are suggested, not imposed: a new institution gets a new code.
        dv = DataValidation(type="list", formula1=code_range, errorStyle="warning")
        return _messages(dv, column, "Кода нет в справочнике прошлого года. Проверьте код.")
    return None


def _list_formula(values: tuple[str, ...], lists: _ListSheet) -> str:
    inline = ",".join(values)
    if len(inline) <= INLINE_LIST_LIMIT and not any("," in v or '"' in v for v in values):
        return f'"{inline}"'
    return lists.range_for(values)


def _number_validation(column: contract.Column, year: int) -> DataValidation | None:
    low, high = numeric_bounds(column, year)
    kind = "whole" if column.type == contract.INT else "decimal"
    if low is not None and high is not None:
        dv = DataValidation(
            type=kind, operator="between", formula1=_num_formula(low), formula2=_num_formula(high)
        )
    elif low is not None:
        operator = "greaterThan" if column.min_exclusive else "greaterThanOrEqual"
        dv = DataValidation(type=kind, operator=operator, formula1=_num_formula(low))
    elif high is not None:
        dv = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_num_formula(high))
    else:
        return None
    return _messages(
        dv, column, f"{TYPE_WORDS[column.type]}: {allowed_values(column, year) or 'любое'}"
    )


def _num_formula(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _date_validation(column: contract.Column, year: int) -> DataValidation | None:
    first, last = date_bounds(column, year)
    if first and last:
        dv = DataValidation(
            type="date", operator="between", formula1=_serial(first), formula2=_serial(last)
        )
    elif last:
        dv = DataValidation(type="date", operator="lessThanOrEqual", formula1=_serial(last))
    else:
        return None  # any date is allowed; the column's date format guides the person
    return _messages(dv, column, "Дата ДД.ММ.ГГГГ: " + allowed_values(column, year))


def _serial(day: date) -> str:
    return str(int(to_excel(day)))


def _messages(dv: DataValidation, column: contract.Column, rule: str) -> DataValidation:
    """Input prompt and error text (Excel caps titles at 32 and texts at 255 characters)."""
    dv.allow_blank = True  # a missing required value is reported by ingest, not by Excel
    dv.showInputMessage = dv.showErrorMessage = True
    dv.promptTitle = column.header[:32]
    help_text = column_help(column)
    dv.prompt = (f"{help_text}. {rule}" if help_text else rule)[:255]
    dv.errorTitle = "Недопустимое значение"
    dv.error = rule[:255]
    return dv


# ---------------------------------------------------------------- reference and saving


def _write_reference(ws: Worksheet, ref: Reference) -> None:
    """Codes with their names (column A the code), with a header row and a note beside it."""
    headers = ref.header_row()
    ws.append(headers)
    for cell in ws[1]:
        cell.font, cell.fill, cell.border = Font(bold=True), _REQUIRED_FILL, _BORDER
    for record in ref.frame.itertuples(index=False):
        ws.append([None if pd.isna(v) else str(v) for v in record])
    for index, header in enumerate(headers, start=1):
        values = ref.frame.iloc[:, index - 1]
        longest = max([len(header), *(len(str(v)) for v in values)])
        ws.column_dimensions[get_column_letter(index)].width = float(min(max(longest + 3, 10), 60))
    ws.freeze_panes = "A2"
    note = (
        f"По данным за {ref.year} год; новые учреждения и объединения получают новый код."
        if ref.year is not None
        else ref.source()[:1].upper() + ref.source()[1:] + "."
    )
    ws.cell(row=1, column=len(headers) + 2, value=note)
