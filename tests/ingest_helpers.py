"""Tiny hand-made raw workbooks for the ingest tests, written with openpyxl like a user would."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

from openpyxl import Workbook

YEAR = 2023

# One small valid city for 2023: form stem → sheet → rows (header first), as typed by users.
_CITY: dict[str, dict[str, list[list]]] = {
    "institutions": {
        "Учреждения": [
            [
                "Код ОУ",
                "Наименование",
                "Тип",
                "Район",
                "ШНОР",
                "ШНСУ",
                "Инновационный статус",
                "Ресурсный центр",
                "Опорная площадка",
                "Договоры о сетевом взаимодействии",
            ],
            ["ОУ-1", "Школа 1", "ОО", "Ленинский", "да", "нет", "нет", "нет", "да", 2],
            [12, "Школа 12", "ОО", "Правобережный", "нет", "нет", "РИП", "да", "нет", "0"],
            ["Д-5", "Детский сад 5", "ДОО", "Ленинский", "нет", "да", "нет", "нет", "нет", 1],
        ],
    },
    "staff": {
        "Кадры": [
            [
                "Код работника",
                "Код ОУ",
                "Должность",
                "Предмет",
                "Год рождения",
                "Педагогический стаж",
                "Категория",
            ],
            ["P1", "ОУ-1", "педагог", "математика", 1990, "12,5", "первая"],
            ["P2", 12, "руководитель", None, 1970, 30, "высшая"],
            ["P3", "ОУ-1", "педагог", "физика", 2000, 1, "нет"],
        ],
    },
    "courses": {
        "ДПО": [
            [
                "Код работника",
                "Программа",
                "Вид",
                "Объём, ч",
                "Организация",
                "Современные требования",
                "Направление",
                "Форма обучения",
                "Финансирование",
                "Дата окончания",
            ],
            [
                "P1",
                "ФГОС ООО",
                "ПК",
                36,
                "Центр",
                "да",
                "ФГОС",
                "очная",
                "бюджет",
                dt.date(2023, 3, 1),
            ],
            # P9 is not on the staff list: courses are not checked against Кадры (SPEC §3)
            [
                "P9",
                "Менеджмент",
                "ПП",
                250,
                "федеральная",
                "нет",
                "управление",
                None,
                None,
                "15.05.2023",
            ],
        ],
    },
    "competitions": {
        "Конкурсы педагогов": [
            ["Конкурс", "Уровень", "Код работника", "Результат"],
            ["Учитель года", "муниципальный", "P1", "призёр"],
        ],
        "Конкурсы ОУ": [
            ["Конкурс", "Уровень", "Код ОУ", "Результат"],
            ["Школа года", "региональный", "ОУ-1", "участник"],
        ],
    },
    "associations": {
        "Реестр": [
            ["Код объединения", "Тип", "Наименование", "Входит в", "Код ОУ базы", "Принцип"],
            ["ГПО-1", "ГПО", "ГПО учителей математики", None, "ОУ-1", "предметный"],
            ["ШМП-1", "ШМП", "Школа молодого педагога", "ГПО-1", 12, None],
        ],
        "Планы-отчёты": [
            [
                "Код объединения",
                "Постоянных участников",
                "из них до 35 лет",
                "Методических продуктов",
                "Внедрено нового содержания, технологий",
                "Организована ШМП",
                "Стажировок",
                "Участников конкурсов",
                "Мероприятий",
                "Наставнических пар",
            ],
            ["ГПО-1", 10, 3, 2, 1, "да", 0, 1, 4, 2],
        ],
        "Участники": [
            ["Код объединения", "Код работника"],
            ["ГПО-1", "P1"],
            ["ГПО-1", "P3"],
        ],
    },
    "centre": {
        "План": [
            ["Показатель", "План"],
            ["centre_events", 20],
            ["centre_products", "5"],
        ],
        "Мероприятия": [
            [
                "Код мероприятия",
                "Дата",
                "Название",
                "Формат",
                "Организатор",
                "Целевая группа",
                "Участников",
            ],
            ["E1", "2023-04-10", "Семинар по ФГОС", "семинар", "Центр", "все", 30],
            [
                "E2",
                dt.date(2023, 5, 1),
                "Мастер-класс",
                "мастер-класс",
                "ГПО-1",
                "молодые педагоги",
                12,
            ],
        ],
        "Методические продукты": [
            ["Код продукта", "Название", "Вид", "Автор"],
            ["M1", "Пособие по ФГОС", "пособие", "ОУ-1"],
        ],
    },
    "diagnostics": {
        "Дефициты": [
            ["Код работника", "Область", "Балл", "Дефицит"],
            ["P1", "предметная", 45, "да"],
            ["P1", "цифровая", 80, "нет"],
        ],
        "Выгорание": [
            ["Код работника", "Уровень"],
            ["P1", "высокий"],
            ["P2", "низкий"],
        ],
    },
    "mentoring": {
        "Наставничество": [
            ["Наставник", "Наставляемый", "Дата начала"],
            ["P2", "P3", "01.09.2022"],
        ],
    },
    "measures": {
        "Меры": [
            [
                "Код меры",
                "Дата",
                "Документ",
                "Содержание",
                "Механизм",
                "Адресаты",
                "Показатели",
                "Рекомендации",
                "Ответственный",
                "Срок",
                "Статус",
            ],
            [
                "M-1",
                "2023-02-01",
                "Приказ № 1",
                "Курсы для ШНОР",
                "формальное ПК",
                "ШНОР; район:Ленинский",
                "pk_modern_3y;age_under_35",
                None,
                "методист Центра",
                dt.date(2023, 12, 31),
                "выполнено",
            ],
            [
                "M-2",
                dt.date(2023, 3, 1),
                "Приказ № 2",
                "Наставничество",
                "наставничество",
                "все",
                "young_mentored",
                None,
                "методист Центра",
                "2024-06-01",
                "запланировано",
            ],
        ],
    },
}


def good_city() -> dict[str, dict[str, list[list]]]:
    """A fresh deep copy of the valid city, for a test to spoil one thing in."""
    return copy.deepcopy(_CITY)


_BOOKS: dict[str, bytes] = {}  # repr of the sheets → workbook bytes: most tests reuse the same


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write a workbook with the given sheets (rows as lists, header first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = repr(sheets)
    if key not in _BOOKS:
        book = Workbook()
        book.remove(book.active)
        for name, rows in sheets.items():
            sheet = book.create_sheet(name)
            for row in rows:
                sheet.append(row)
        book.save(path)
        _BOOKS[key] = path.read_bytes()
    else:
        path.write_bytes(_BOOKS[key])
    return path


def write_city(raw: Path, city: dict[str, dict[str, list[list]]], year: int = YEAR) -> Path:
    """Write every form of the city as `<raw>/<year>/<form>.xlsx`; returns the raw folder."""
    for stem, sheets in city.items():
        write_book(raw / str(year) / f"{stem}.xlsx", sheets)
    return raw


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder with its bytes (to prove nothing changed)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def set_cell(city: dict, stem: str, sheet: str, row: int, header: str, value: object) -> None:
    """Put `value` in Excel row `row` (header = row 1) under `header` of a city's sheet."""
    rows = city[stem][sheet]
    rows[row - 1][rows[0].index(header)] = value


def drop_column(city: dict, stem: str, sheet: str, header: str) -> None:
    """Remove a whole column from a city's sheet."""
    rows = city[stem][sheet]
    index = rows[0].index(header)
    for row in rows:
        del row[index]


# --- Workbooks written as XML by hand: what openpyxl cannot write (formulas without a cached
# value, error cells, a cell in the far corner, a column filled to the bottom). ---

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DATE_STYLE = 1  # cellXfs index of the hand-written styles.xml that shows a date (numFmtId 14)


def xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def col_letter(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_cell(ref: str, value: object) -> str:
    """One `<c>`: str → inline text, int/float → number, dt.date → number with date style,
    ("=", formula, cached or None) → formula, ("#", "#N/A") → error value."""
    if isinstance(value, tuple) and value[0] == "=":
        cached = "" if value[2] is None else f"<v>{value[2]}</v>"
        return f'<c r="{ref}"><f>{xml_escape(value[1])}</f>{cached}</c>'
    if isinstance(value, tuple) and value[0] == "#":
        return f'<c r="{ref}" t="e"><v>{xml_escape(value[1])}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{xml_escape(value)}</t></is></c>'
    if isinstance(value, dt.date):
        serial = (dt.datetime(value.year, value.month, value.day) - dt.datetime(1899, 12, 30)).days
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{serial}</v></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def xml_rows(rows: list[list], first_row: int = 1) -> str:
    """`<row>` elements for rows of values (None = no cell), from Excel row `first_row`."""
    out = []
    for number, row in enumerate(rows, start=first_row):
        cells = "".join(
            xml_cell(f"{col_letter(i)}{number}", v) for i, v in enumerate(row) if v is not None
        )
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out)


def write_xml_book(
    path: Path,
    sheets: dict[str, str],
    merged: dict[str, list[str]] | None = None,
    sheet_tail: dict[str, str] | None = None,
) -> Path:
    """A minimal .xlsx whose sheets hold the given `<sheetData>` content (see `xml_rows`),
    optional merged areas per sheet, and extra rows appended as raw XML (`sheet_tail`)."""
    import zipfile

    merged = merged or {}
    sheet_tail = sheet_tail or {}
    names = list(sheets)
    entries = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                for i in range(1, len(names) + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><sheets>'
            + "".join(
                f'<sheet name="{xml_escape(n)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, n in enumerate(names, start=1)
            )
            + "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, len(names) + 1)
            )
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_MAIN}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            "</styleSheet>"
        ),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in entries.items():
            book.writestr(name, text)
        for i, name in enumerate(names, start=1):
            areas = merged.get(name, [])
            merge_xml = (
                f'<mergeCells count="{len(areas)}">'
                + "".join(f'<mergeCell ref="{a}"/>' for a in areas)
                + "</mergeCells>"
                if areas
                else ""
            )
            with book.open(f"xl/worksheets/sheet{i}.xml", "w") as sheet:
                sheet.write(
                    f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
                )
                sheet.write(sheets[name].encode())
                tail = sheet_tail.get(name)
                if tail is not None:
                    for piece in tail if not isinstance(tail, str) else [tail]:
                        sheet.write(piece.encode())
                sheet.write(f"</sheetData>{merge_xml}</worksheet>".encode())
    return path


def write_city_xml(raw: Path, city: dict, year: int = YEAR, **by_stem) -> Path:
    """Like `write_city`, every form written as hand-made XML; ``by_stem`` maps a form stem to
    keyword arguments of `write_xml_book` (merged, sheet_tail)."""
    for stem, sheets in city.items():
        write_xml_book(
            raw / str(year) / f"{stem}.xlsx",
            {name: xml_rows(rows) for name, rows in sheets.items()},
            **by_stem.get(stem, {}),
        )
    return raw
