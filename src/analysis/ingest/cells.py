"""Parsing one cell by its contract type (SPEC §3).

`parser_for(column, year)` returns a function that turns a non-blank cell value (as python-calamine
gives it: str, float, bool, date/datetime) into the stored value, or raises `CellError` with a
Russian explanation. Blank cells never reach the parsers: the caller decides about them.
Per-cell work is kept light because a demo city has about 300 000 cells.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from analysis import contract
from analysis.ingest import lookalike
from analysis.text import normalize

Parser = Callable[[object], object]

_INT_TEXT = re.compile(r"[+-]?\d+")
_NUMBER_TEXT = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_DATE_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME_OF_DAY = re.compile(r"(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_SPACES = re.compile(r"[\s\u202f]+")  # thousands separators typed by hand: «1 234,5»
_YESNO = {"да": True, "нет": False}
_MEMO_SIZE = 1000  # spellings remembered per enumerated column
CENTRE_KEY = normalize(contract.CENTRE)


class CellError(ValueError):
    """A cell value that does not fit its column; the message is Russian."""


def is_blank(value: object) -> bool:
    """An empty cell: calamine gives '' (or None); a cell of spaces is empty too."""
    return value is None or value == "" or (type(value) is str and value.isspace())


def number_text(value: float) -> str:
    """12.0 → '12', 12.5 → '12,5' (for messages)."""
    return str(int(value)) if float(value).is_integer() else str(value).replace(".", ",")


def parse_id(value: object) -> str:
    """Ids are text; a whole-number cell becomes the integer's text (12.0 → '12').

    An invisible character in a code would make it a different code that looks the same:
    refused, with the character named."""
    if type(value) is str:
        if (not value.isascii() or not value.isprintable()) and lookalike.has_invisible(value):
            raise CellError(f"в коде {lookalike.explain(value)}")
        return value.strip()
    if type(value) is float:
        return str(int(value)) if value.is_integer() else str(value)
    if type(value) is int:
        return str(value)
    raise CellError("ожидается код (текст или число)")


def parse_organizer(value: object) -> str:
    """An id that may also be «Центр» in any case or spacing (stored as «Центр»)."""
    text = parse_id(value)
    return contract.CENTRE if normalize(text) == CENTRE_KEY else text


def parse_text(value: object) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if type(value) is bool:
        return "да" if value else "нет"
    return parse_id(value)


def enum_parser(choices: tuple[str, ...]) -> Parser:
    """Matches after `normalize` and returns the contract's canonical spelling."""
    canonical = {normalize(c): c for c in choices}
    allowed = ", ".join(choices)
    seen: dict[object, str] = {}  # cell text → canonical: a column repeats a few spellings

    def parse(value: object) -> str:
        if type(value) is str:
            found = seen.get(value)
            if found is not None:
                return found
        key = normalize(parse_text(value))
        try:
            found = canonical[key]
        except KeyError:
            hint = lookalike.hint(parse_text(value), choices)
            raise CellError(f"недопустимое значение{hint}; допустимы: {allowed}") from None
        if type(value) is str and len(seen) < _MEMO_SIZE:
            seen[value] = found
        return found

    return parse


def parse_yesno(value: object) -> bool:
    if type(value) is bool:  # TRUE/FALSE typed in Excel
        return value
    if type(value) is str:
        answer = _YESNO.get(normalize(value))
        if answer is not None:
            return answer
    raise CellError("ожидается «да» или «нет»")


def parse_number(value: object) -> float:
    """A number cell, or text such as '12' or '12,5' (decimal comma)."""
    if type(value) is float or type(value) is int:
        return float(value)
    if type(value) is str:
        text = _SPACES.sub("", value)
        if _NUMBER_TEXT.fullmatch(text):
            return float(text.replace(",", "."))
    raise CellError("ожидается число")


def parse_int(value: object) -> int:
    """A whole number: 12, 12.0 or the text '12'."""
    if type(value) is float:
        if value.is_integer():
            return int(value)
        raise CellError("ожидается целое число")
    if type(value) is str:
        text = _SPACES.sub("", value)
        if _INT_TEXT.fullmatch(text):
            return int(text)
        if _NUMBER_TEXT.fullmatch(text):
            number = float(text.replace(",", "."))
            if number.is_integer():
                return int(number)
            raise CellError("ожидается целое число")
    if type(value) is int:
        return value
    raise CellError("ожидается целое число")


def parse_date(value: object) -> dt.datetime:
    """An Excel date, or text ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; the time of day is dropped."""
    if isinstance(value, dt.date):  # datetime is a date too
        return dt.datetime(value.year, value.month, value.day)
    if type(value) is str:
        text = _TIME_OF_DAY.sub("", value.strip())  # «01.03.2023 10:30» from other systems
        match = _DATE_DMY.fullmatch(text)
        if match:
            day, month, year = (int(g) for g in match.groups())
        else:
            match = _DATE_ISO.fullmatch(text)
            if not match:
                raise CellError("ожидается дата ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")
            year, month, day = (int(g) for g in match.groups())
        try:
            return dt.datetime(year, month, day)
        except ValueError:
            raise CellError("такой даты нет в календаре") from None
    if type(value) is float or type(value) is int:
        raise CellError(_serial_message(value))
    raise CellError("ожидается дата ДД.ММ.ГГГГ или ГГГГ-ММ-ДД")


_SERIAL_DAY_ONE = dt.datetime(1899, 12, 30)  # Excel's day 0 (serials from 61 on)
_SERIALS = (1, 2958465)  # Excel's 01.01.1900 … 31.12.9999


def _serial_message(value: float) -> str:
    """A number in a date column is most often a date whose cell lost its date format."""
    if float(value).is_integer() and _SERIALS[0] <= value <= _SERIALS[1] and value >= 61:
        date = _SERIAL_DAY_ONE + dt.timedelta(days=int(value))
        return (
            f"число {number_text(value)} — в ячейке не задан формат даты (это "
            f"{date:%d.%m.%Y}?): задайте ячейке формат «Дата» или введите ДД.ММ.ГГГГ"
        )
    return "ожидается дата ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, а в ячейке число"


def parse_list(value: object) -> str:
    """';'-separated codes, trimmed, empty items dropped, stored as 'a;b'."""
    items = [item.strip() for item in parse_text(value).split(";")]
    joined = ";".join(item for item in items if item)
    if not joined:
        raise CellError("нет ни одного кода")
    return joined


def choices_list_parser(choices: tuple[str, ...]) -> Parser:
    """A `;`-list of values of an enumeration (matched after `normalize`), stored canonically
    as 'a;b' in the order given; a repeated value is kept once."""
    parse_one = enum_parser(choices)
    allowed = ", ".join(choices)

    def parse(value: object) -> str:
        found: list[str] = []
        for item in parse_list(value).split(";"):
            try:
                canonical = parse_one(item)
            except CellError:
                hint = lookalike.hint(item, choices)
                if "," in item:  # «таланты, профориентация»: a list typed with commas
                    hint += "; разделяйте значения знаком «;»"
                raise CellError(
                    f"недопустимое значение «{item}»{hint}; допустимы (через «;»): {allowed}"
                ) from None
            if canonical not in found:
                found.append(canonical)
        return ";".join(found)

    return parse


def _bounded(parse: Parser, low: float | None, high: float | None, low_exclusive: bool) -> Parser:
    """Wraps a number parser with the column's bounds."""
    if low is None and high is None:
        return parse

    def check(value: object) -> object:
        number = parse(value)
        if low is not None and (number <= low if low_exclusive else number < low):
            word = "больше" if low_exclusive else "не меньше"
            raise CellError(f"должно быть {word} {number_text(low)}")
        if high is not None and number > high:
            raise CellError(f"должно быть не больше {number_text(high)}")
        return number

    return check


def _range_text(low: int, high: int) -> str:
    return f"{low}–{high}"


def _year_bounded(parse: Parser, low: int, high: int) -> Parser:
    def check(value: object) -> object:
        number = parse(value)
        if not low <= number <= high:
            raise CellError(f"вне допустимого диапазона {_range_text(low, high)}")
        return number

    return check


def _dated(rule: str | None, year: int) -> Parser:
    """A date parser with the column's rule relative to the report year."""
    if rule is None:
        return parse_date
    last = dt.datetime(year, 12, 31)

    def check(value: object) -> dt.datetime:
        date = parse_date(value)
        if rule == "within_year" and date.year != year:
            raise CellError(f"дата не в {year} году")
        if rule == "not_after_year" and date > last:
            raise CellError(f"дата позже 31.12.{year}")
        return date

    return check


def parser_for(column: contract.Column, year: int) -> Parser:
    """The parser of a column for the report year (bounds and date rules included)."""
    kind = column.type
    if kind == contract.ID:
        return parse_organizer if column.ref == contract.REF_ORGANIZER else parse_id
    if kind == contract.TEXT:
        return parse_text
    if kind == contract.ENUM:
        return enum_parser(column.choices)
    if kind == contract.YESNO:
        return parse_yesno
    if kind == contract.LIST:
        return choices_list_parser(column.choices) if column.choices else parse_list
    if kind == contract.DATE:
        return _dated(column.date_rule, year)
    if kind in (contract.INT, contract.NUMBER):
        parse = parse_int if kind == contract.INT else parse_number
        if column.year_bounds is not None:
            low, high = column.year_bounds
            return _year_bounded(parse, year + low, year + high)
        return _bounded(parse, column.min, column.max, column.min_exclusive)
    raise ValueError(f"unknown column type {kind!r}")
