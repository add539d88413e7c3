"""Russian number, date and word formatting for everything a reader of the book sees.

Conventions (Russian typography, GOST R 7.0.97 style): decimal comma; thousands grouped with a
thin space (U+2009) from 10 000 up — four-digit numbers are written solid (1234); a no-break
space between a number and «%» or a unit; a real minus sign (U+2212); «—» for a missing value in
a table and «нет данных» in a sentence; «*» for a value hidden by disclosure control.
"""

from __future__ import annotations

import datetime as dt
import math
from numbers import Real

import pandas as pd

THIN = "\u2009"  # thousands separator (brief: thin space)
NBSP = "\u00a0"  # between a number and its unit or «%»: never broken across lines
MINUS = "\u2212"  # typographic minus
DASH = "—"  # missing value in a table cell
NO_DATA = "нет данных"  # missing value in a sentence (SPEC §3: «нет данных»)
SUPPRESSED = "*"  # value hidden in the public profile (SPEC §6)
# A value over an incomplete window (flag incomplete_window: earlier years of a _3y window are
# not in the data, so the value is understated): marked in tables, explained by the footnote.
INCOMPLETE_MARK = "†"
INCOMPLETE_NOTE = (
    "† — неполное трёхлетнее окно: ранних лет окна нет в загруженных данных, значение занижено; "
    "достижение цели по нему не оценивается."
)

# Units of the catalogue (SPEC §5) and how a value of each is written.
PERCENT = "%"
COUNT_UNITS = ("чел.", "ед.", "чел.-ч")


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT, pd.NA and the empty string."""
    if value is None:
        return True
    if isinstance(value, float):  # the common case (numpy's floats too): no pandas call
        return math.isnan(value)
    if isinstance(value, int):
        return False
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def number(value: object, decimals: int = 1, missing: str = DASH, group_from: int = 10_000) -> str:
    """A number with a decimal comma and thin-space thousands: 12345.67 → «12 345,7».

    ``decimals`` is the maximum: trailing zeros after the comma are kept (a column of shares
    reads evenly); whole counts should be passed with ``decimals=0``.
    """
    if is_missing(value):
        return missing
    x = float(value)  # type: ignore[arg-type]
    if math.isinf(x):
        return missing
    text = f"{abs(x):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        x = 0.0  # no «−0,0»
    whole, _, frac = text.partition(".")
    if abs(x) < group_from:
        whole = whole.replace(",", "")
    whole = whole.replace(",", THIN)
    sign = MINUS if x < 0 else ""
    return sign + whole + ("," + frac if frac else "")


def integer(value: object, missing: str = DASH) -> str:
    """A whole count: 6012 → «6012», 12345 → «12 345»."""
    return number(value, decimals=0, missing=missing)


def percent(value: object, decimals: int = 1, missing: str = DASH) -> str:
    """A share already in 0–100: 82.44 → «82,4 %»."""
    if is_missing(value):
        return missing
    return number(value, decimals) + NBSP + "%"


def pp(value: object, decimals: int = 1, missing: str = DASH) -> str:
    """A difference of percentages with its sign: 2.34 → «+2,3 п. п.», −1 → «−1,0 п. п.»."""
    if is_missing(value):
        return missing
    x = float(value)  # type: ignore[arg-type]
    sign = "+" if round(x, decimals) > 0 else ""
    return sign + number(x, decimals) + NBSP + "п." + NBSP + "п."


def signed(value: object, decimals: int = 1, missing: str = DASH) -> str:
    """A change with its sign: 3 → «+3», −2.5 → «−2,5»."""
    if is_missing(value):
        return missing
    x = float(value)  # type: ignore[arg-type]
    sign = "+" if round(x, decimals) > 0 else ""
    return sign + number(x, decimals)


def value(x: object, unit: str, missing: str = DASH, with_unit: bool = True) -> str:
    """A value of an indicator in its unit: («%», 82.4) → «82,4 %»; («чел.», 12) → «12 чел.».

    Shares get one decimal; counts and sums are whole unless they carry a fraction.
    """
    if isinstance(x, str) and x == SUPPRESSED:
        return SUPPRESSED
    if is_missing(x):
        return missing
    if unit == PERCENT:
        return percent(x) if with_unit else number(x, 1)
    xf = float(x)  # type: ignore[arg-type]
    decimals = 0 if xf == round(xf) else 1
    text = number(xf, decimals)
    return text + NBSP + unit if (with_unit and unit) else text


def date(d: object, missing: str = DASH) -> str:
    """A date as ДД.ММ.ГГГГ."""
    if is_missing(d):
        return missing
    if isinstance(d, str):
        d = pd.Timestamp(d)
    if isinstance(d, (pd.Timestamp, dt.datetime, dt.date)):
        return f"{d.day:02d}.{d.month:02d}.{d.year:04d}"
    raise TypeError(f"not a date: {d!r}")


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form for a count: plural(1, "школа", "школы", "школ") → «школа».

    1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20, 11–14, 25… → many.
    """
    n = abs(int(n))
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count(n: int, one: str, few: str, many: str) -> str:
    """A count with its noun: count(3, "форма", "формы", "форм") → «3 формы»."""
    return integer(n) + NBSP + plural(n, one, few, many)


def years_range(first: int, last: int) -> str:
    """A span of years: (2019, 2021) → «2019–2021», (2021, 2021) → «2021»."""
    return str(first) if first == last else f"{first}–{last}"


def join_ru(items: list[str], conj: str = "и") -> str:
    """«a», «a и b», «a, b и c»."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


def is_number(x: object) -> bool:
    """True for an int/float that is not missing (bools excluded)."""
    return isinstance(x, Real) and not isinstance(x, bool) and not is_missing(x)


def marked(text: str, incomplete: bool) -> str:
    """A cell's text with the incomplete-window mark when the value's window is incomplete."""
    return text + NBSP + INCOMPLETE_MARK if incomplete and text not in (DASH, SUPPRESSED) else text
